/* Unit tests for channel_msg and channel_stamps: variables in messages, latency markers counted
 * in what is sent and found in what comes back however the reads split it, and the bounded
 * ring of their send times. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "channel_msg.h"
#include "channel_stamps.h"

static void check_expand(const char *tmpl, const char *want)
{
    struct msg_vars v = {.seq = 42, .client = 7, .worker = 3};
    char *buf = NULL;
    size_t cap = 0;
    size_t n = msg_expand(tmpl, strlen(tmpl), &v, &buf, &cap);
    assert_int_equal(n, strlen(want));
    if (n)
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

static void test_stamps(void **state)
{
    (void)state;
    struct stamps s = {0};
    int64_t t;
    assert_false(stamps_pop(&s, &t));
    stamps_push(&s, 10, 2);
    stamps_push(&s, 20, 1);
    assert_true(stamps_pop(&s, &t));
    assert_int_equal(t, 10);
    for (int64_t i = 0; i < 100; i++) /* grows past 64 while wrapped */
        stamps_push(&s, 100 + i, 1);
    int64_t want[] = {10, 20, 100};
    for (size_t i = 0; i < 3; i++) {
        assert_true(stamps_pop(&s, &t));
        assert_int_equal(t, want[i]);
    }
    stamps_clear(&s);
    /* past the bound the oldest go */
    for (int64_t i = 0; i < (int64_t)STAMPS_MAX + 5; i++)
        stamps_push(&s, i, 1);
    size_t n = 0;
    assert_true(stamps_pop(&s, &t));
    assert_int_equal(t, 5);
    for (n = 1; stamps_pop(&s, &t); n++)
        ;
    assert_int_equal(n, STAMPS_MAX);
    assert_int_equal(t, (int64_t)STAMPS_MAX + 4);
    stamps_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_search_split),
        cmocka_unit_test(test_stamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
