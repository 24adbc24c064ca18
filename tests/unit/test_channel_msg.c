/* Unit tests for channel_msg: variables in messages, and latency markers counted in what is
 * sent and found in what comes back however the reads split it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "channel_msg.h"

static void check_expand(const char *tmpl, const char *want)
{
    struct msg_vars v = {.seq = 42, .client = 7, .worker = 3};
    char *buf = NULL;
    size_t cap = 0;
    size_t n = msg_expand(tmpl, strlen(tmpl), &v, &buf, &cap);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, n);
    free(buf);
}

static void test_expand(void **state)
{
    (void)state;
    check_expand("m ${seq} c${client} w${worker}!", "m 42 c7 w3!");
    check_expand("${seq}${seq}", "4242");
    check_expand("$ ${x} ${seq", "$ ${x} ${seq"); /* not ours: as written */
    check_expand("price $5 ${seq}$", "price $5 42$");
    check_expand("", "");
    assert_false(msg_has_vars("a $ b", 5));
    assert_true(msg_has_vars("a ${seq}", 8));
    assert_false(msg_has_vars("a $", 3));
}

static void test_count(void **state)
{
    (void)state;
    assert_int_equal(msg_count_marker("xMARKyMARK", 10, "MARK", 4), 2);
    assert_int_equal(msg_count_marker("aaaa", 4, "aa", 2), 2); /* no overlaps */
    assert_int_equal(msg_count_marker("MAR", 3, "MARK", 4), 0);
    assert_int_equal(msg_count_marker("abc", 3, "", 0), 0);
}

/* The same stream in every split into two reads finds the same markers. */
static void test_search_split(void **state)
{
    (void)state;
    const char *stream = "..MARK...MAMARK..MARKMARK.MAR";
    size_t len = strlen(stream);
    struct marker_search s = {0};
    for (size_t cut = 0; cut <= len; cut++) {
        assert_int_equal(marker_search_init(&s, "MARK"), 0);
        size_t n = marker_search_feed(&s, stream, cut);
        n += marker_search_feed(&s, stream + cut, len - cut);
        assert_int_equal(n, 4);
    }
    /* one byte at a time, with a marker whose prefix repeats */
    assert_int_equal(marker_search_init(&s, "abab"), 0);
    const char *t = "abababab abab aabab";
    size_t n = 0;
    for (size_t i = 0; t[i]; i++)
        n += marker_search_feed(&s, t + i, 1);
    assert_int_equal(n, 4);
    marker_search_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_search_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
