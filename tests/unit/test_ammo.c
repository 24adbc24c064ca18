/* Tests for the ammo parsers: phantom entries (bytes kept exactly, tags, the newline between
 * entries), stpd timestamps, uri-style headers applying to the URIs below them, format
 * detection, and every refused input with its line and byte offset. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ammo.h"

static const struct ammo_target target = {.host = "127.0.0.1:8080"};
static char err[1024];

/* Parses text (copied: ammo_parse takes its buffer) with format and target t. */
static int parse(struct ammo *a, const char *text, int format, const struct ammo_target *t)
{
    size_t n = strlen(text);
    char *data = malloc(n ? n : 1);
    assert_non_null(data);
    memcpy(data, text, n);
    err[0] = '\0';
    int rc = ammo_parse(a, "f.ammo", data, n, format, t ? t : &target, err, sizeof(err));
    if (rc != 0)
        ammo_free(a);
    else if (err[0])
        fail_msg("an error message with success: %s", err);
    return rc;
}

static void assert_wire(const struct ammo_entry *e, const char *want)
{
    assert_int_equal(e->wire.len, strlen(want));
    assert_memory_equal(e->wire.bytes, want, e->wire.len);
}

static const char *tag_of(const struct ammo *a, size_t i)
{
    return a->tags[a->entries[i].tag];
}

static void test_phantom(void **state)
{
    (void)state;
    struct ammo a;
    const char *text = "18 root\nGET / HTTP/1.0\r\n\r\n\n"
                       "47\nPOST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello\n"
                       "\n20 root\r\nHEAD /x HTTP/1.1\r\n\r\n";
    assert_int_equal(parse(&a, text, AMMO_AUTO, NULL), 0);
    assert_int_equal(a.format, AMMO_PHANTOM);
    assert_int_equal(a.n, 3);
    assert_wire(&a.entries[0], "GET / HTTP/1.0\r\n\r\n");
    assert_wire(&a.entries[1], "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    assert_wire(&a.entries[2], "HEAD /x HTTP/1.1\r\n\r\n");
    assert_int_equal(a.ntags, 2);
    assert_string_equal(tag_of(&a, 0), "root");
    assert_string_equal(tag_of(&a, 1), AMMO_DEFAULT_TAG);
    assert_int_equal(a.entries[2].tag, a.entries[0].tag);
    assert_string_equal(a.entries[1].method, "POST");
    assert_string_equal(a.entries[2].method, "HEAD");
    /* the bytes are the file's own, not a copy */
    assert_ptr_equal(a.entries[0].wire.bytes, a.data + 8);
    /* request k takes entry k mod n */
    assert_ptr_equal(ammo_entry(&a, 4), &a.entries[1]);
    ammo_free(&a);
}

static void test_stpd(void **state)
{
    (void)state;
    struct ammo a;
    const char *text = "15 0 a\nGET / HTTP/1.1\n\n15 1500\nGET / HTTP/1.1\n\n"
                       "15 1500 b\nGET / HTTP/1.1\n";
    assert_int_equal(parse(&a, text, AMMO_AUTO, NULL), 0);
    assert_int_equal(a.format, AMMO_STPD);
    assert_int_equal(a.n, 3);
    assert_int_equal(a.entries[0].at_ns, 0);
    assert_int_equal(a.entries[1].at_ns, 1500000000LL);
    assert_int_equal(a.entries[2].at_ns, 1500000000LL);
    assert_string_equal(tag_of(&a, 1), AMMO_DEFAULT_TAG);
    assert_string_equal(tag_of(&a, 2), "b");
    ammo_free(&a);
    /* forced phantom: the timestamp is part of the tag */
    assert_int_equal(parse(&a, "15 0 a\nGET / HTTP/1.1\n", AMMO_PHANTOM, NULL), 0);
    assert_string_equal(tag_of(&a, 0), "0 a");
    ammo_free(&a);
}

static void test_uri(void **state)
{
    (void)state;
    struct ammo a;
    char *defaults[] = {"User-Agent: ua", "X-A: config"};
    struct ammo_target t = {.host = "h:81", .headers = defaults, .nheaders = 2};
    const char *text = "[X-A: 1]\n/one t1\n  [X-A: 2]  \r\n[X-B: b]\n\n/two?q=1\n"
                       "[X-A:]\n[Host: other]\n/three t1\n";
    assert_int_equal(parse(&a, text, AMMO_AUTO, &t), 0);
    assert_int_equal(a.format, AMMO_URI);
    assert_int_equal(a.n, 3);
    assert_wire(&a.entries[0], "GET /one HTTP/1.1\r\nHost: h:81\r\nUser-Agent: ua\r\n"
                               "X-A: 1\r\n\r\n");
    assert_wire(&a.entries[1], "GET /two?q=1 HTTP/1.1\r\nHost: h:81\r\nUser-Agent: ua\r\n"
                               "X-A: 2\r\nX-B: b\r\n\r\n");
    /* X-A removed from the file's headers: the configured one is back */
    assert_wire(&a.entries[2], "GET /three HTTP/1.1\r\nUser-Agent: ua\r\nX-A: config\r\n"
                               "X-B: b\r\nHost: other\r\n\r\n");
    assert_string_equal(tag_of(&a, 0), "t1");
    assert_string_equal(tag_of(&a, 1), AMMO_DEFAULT_TAG);
    assert_int_equal(a.entries[2].tag, a.entries[0].tag);
    ammo_free(&a);
    t.close = 1;
    assert_int_equal(parse(&a, "/\n", AMMO_URI, &t), 0);
    assert_wire(&a.entries[0], "GET / HTTP/1.1\r\nHost: h:81\r\nUser-Agent: ua\r\n"
                               "X-A: config\r\nConnection: close\r\n\r\n");
    ammo_free(&a);
}

/* text is refused with exactly this message. */
static void refused(const char *text, int format, const char *want)
{
    struct ammo a;
    assert_int_equal(parse(&a, text, format, NULL), -1);
    if (strcmp(err, want) != 0)
        fail_msg("got '%s', want '%s'", err, want);
}

static void test_refused(void **state)
{
    (void)state;
    refused("100 big\nGET / HTTP/1.1\r\n\r\n", AMMO_AUTO,
            "f.ammo:1: byte 0: SIZE 100 goes past the end of the file (18 bytes follow the "
            "line)");
    refused("15\nGET / HTTP/1.1\n\n12x\nGET / HTTP/1.1\n", AMMO_AUTO,
            "f.ammo:4: byte 19: SIZE '12x' is not a number (each request starts with a line "
            "SIZE [TAG])");
    refused("15 a\tb\nGET / HTTP/1.1\n", AMMO_AUTO,
            "f.ammo:1: byte 0: the tag contains a tab (phout and trace lines are "
            "tab-separated: use another character)");
    refused("/x a\tb\n", AMMO_AUTO,
            "f.ammo:1: byte 0: the tag contains a tab (phout and trace lines are "
            "tab-separated: use another character)");
    refused("15 100\nGET / HTTP/1.1\n15 99\nGET / HTTP/1.1\n", AMMO_AUTO,
            "f.ammo:3: byte 25: timestamp 99 ms goes back in time (the one before is 100 ms): "
            "an stpd plan is in time order");
    refused("15 1x\nGET / HTTP/1.1\n", AMMO_STPD,
            "f.ammo:1: byte 3: TIMESTAMP '1x' is not a number (milliseconds from the start of "
            "the run)");
    refused("", AMMO_AUTO, "f.ammo: the ammo file is empty (write requests in it, or leave "
                           "ammo out)");
    refused(" \n\r\n", AMMO_PHANTOM, "f.ammo: the ammo file is empty (write requests in it, "
                                     "or leave ammo out)");
    refused("[X-A: 1]\n", AMMO_AUTO, "f.ammo:2: byte 9: no requests in the file (only "
                                     "headers)");
    refused("0\n\n", AMMO_AUTO, "f.ammo:1: byte 0: SIZE is 0: an empty request");
    refused("5\nhello\n", AMMO_AUTO, "f.ammo:2: byte 2: the request does not start with "
                                     "METHOD and a space (is the SIZE on the line before "
                                     "right?)");
    refused("GET / HTTP/1.1\n", AMMO_AUTO,
            "f.ammo:1: byte 0: the first line is neither SIZE [TAG] (phantom), SIZE TIMESTAMP "
            "[TAG] (stpd) nor /PATH or [Header: value] (uri-style) (set ammo_format if it is "
            "one of them)");
    refused("/\nhttp://x/\n", AMMO_AUTO,
            "f.ammo:2: byte 2: expected /PATH [TAG] or [Name: value]");
    refused("[X-A 1]\n/\n", AMMO_AUTO,
            "f.ammo:1: byte 0: expected [Name: value] (a header name, a colon, a value)");
    refused("[X-A: 1\n/\n", AMMO_AUTO,
            "f.ammo:1: byte 0: a header line ends with ']' ([Name: value])");
    char long_tag[200] = "/ ";
    memset(long_tag + 2, 't', 64);
    refused(long_tag, AMMO_AUTO, "f.ammo:1: byte 0: the tag is longer than 63 bytes");
}

static void test_many_tags(void **state)
{
    (void)state;
    char text[4096] = "";
    for (int i = 0; i <= AMMO_MAX_TAGS; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "/ t%d\n", i);
    struct ammo a;
    assert_int_equal(parse(&a, text, AMMO_AUTO, NULL), -1);
    assert_non_null(strstr(err, "more than 64 different tags"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phantom),   cmocka_unit_test(test_stpd),
        cmocka_unit_test(test_uri),       cmocka_unit_test(test_refused),
        cmocka_unit_test(test_many_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
