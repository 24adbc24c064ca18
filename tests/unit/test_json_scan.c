/* Unit tests for json_scan: what is JSON (RFC 8259) and what is not, the value at a path as a
 * capture takes it (strings decoded, the rest compact), a member named twice, the part that
 * is missing, and the JSON path checks that use it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_path.h"
#include "json_scan.h"

/* Scans body for path ("" for the whole body); returns the scan's result. */
static int scan(const char *body, size_t len, const char *path, struct json_found *f)
{
    struct json_part parts[8];
    size_t n = 0;
    for (const char *p = path, *dot; *path && p && n < 8; p = dot ? dot + 1 : NULL) {
        dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        parts[n] = (struct json_part){p, l, 0, strspn(p, "0123456789") >= l};
        for (size_t i = 0; parts[n].is_index && i < l; i++)
            parts[n].index = parts[n].index * 10 + (size_t)(p[i] - '0');
        n++;
    }
    return json_scan(body, len, parts, n, f);
}

static void is_json(const char *body)
{
    struct json_found f;
    if (scan(body, strlen(body), "", &f) != 0)
        fail_msg("'%s' is JSON, got: %s at byte %zu", body, f.error, f.error_at);
    assert_true(f.found);
}

static void not_json(const char *body, size_t len, const char *why_part)
{
    struct json_found f;
    if (scan(body, len, "", &f) == 0)
        fail_msg("'%.*s' is not JSON", (int)len, body);
    if (why_part && !strstr(f.error, why_part))
        fail_msg("'%.*s': error '%s' lacks '%s'", (int)len, body, f.error, why_part);
}

/* The value at path in body as a capture takes it. */
static void text_is(const char *body, const char *path, const char *want, size_t want_len)
{
    struct json_found f;
    if (scan(body, strlen(body), path, &f) != 0 || !f.found)
        fail_msg("'%s' in '%s': %s", path, body, f.found ? f.error : "not found");
    char buf[256];
    assert_true(f.value.len < sizeof buf);
    memcpy(buf, f.value.text, f.value.len);
    size_t n = json_value_text(buf, f.value.len, f.value.kind);
    if (n != want_len || memcmp(buf, want, n) != 0)
        fail_msg("'%s' in '%s' gave '%.*s', not '%s'", path, body, (int)n, buf, want);
}

static void test_json_grammar(void **state)
{
    (void)state;
    is_json("{}");
    is_json(" [ ] ");
    is_json("\"s\"");
    is_json("0");
    is_json("-0.5e+10");
    is_json("1E-2");
    is_json("12345678901234567890123"); /* beyond long long: still JSON */
    is_json("true");
    is_json("null");
    is_json("{\"a\":[1,{\"b\":null}],\"c\":\"\\u00e9\\ud83d\\ude00\"}");
    is_json("\"caf\xc3\xa9 \xf0\x9f\x98\x80 \x7f\"");
    is_json("\"\\u0000\""); /* RFC 8259 allows it */
    not_json("", 0, "a value expected");
    not_json("   ", 3, "a value expected");
    not_json("ok", 2, "invalid token near 'ok'");
    not_json("{\"a\":1} x", 9, "the end of the body expected");
    not_json("{\"a\":1,}", 8, "a member name expected");
    not_json("[1,]", 4, "a value expected");
    not_json("[1 2]", 5, "',' or ']' expected");
    not_json("{\"a\" 1}", 7, "':' expected");
    not_json("{a:1}", 5, "a member name expected");
    not_json("01", 2, "the end of the body expected");
    not_json("1.", 2, "a digit expected");
    not_json(".5", 2, "a value expected");
    not_json("-", 1, "a digit expected");
    not_json("1e", 2, "a digit expected");
    not_json("\"abc", 4, "not closed");
    not_json("\"a\tb\"", 5, "control byte 0x09");
    not_json("\"\\x\"", 4, "bad escape");
    not_json("\"\\u12\"", 6, "bad escape");
    not_json("\"\\ud800\"", 8, "without its low surrogate");
    not_json("\"\\ud800\\u0041\"", 14, "without its low surrogate");
    not_json("\"\\udc00\"", 8, "half a surrogate pair");
    not_json("\"\xc0\xaf\"", 4, "not UTF-8");      /* overlong '/' */
    not_json("\"\xed\xa0\x80\"", 5, "not UTF-8");  /* a surrogate in UTF-8 */
    not_json("\"\xf4\x90\x80\x80\"", 6, "not UTF-8"); /* above U+10FFFF */
    not_json("\"\xe2\x82\"", 4, "not UTF-8");      /* cut short */
    not_json("[1]\0", 4, "the end of the body expected");
    not_json("True", 4, "invalid token near 'True'");
    char deep[5000];
    memset(deep, '[', 2049);
    memset(deep + 2049, ']', 2049);
    not_json(deep, 4098, "nested deeper than 2048");
    memset(deep, '[', 2048); /* at the limit */
    memset(deep + 2048, ']', 2048);
    deep[4096] = '\0';
    is_json(deep);
}

static void test_json_values(void **state)
{
    (void)state;
    const char *doc = "{ \"data\" : { \"items\" : [ {\"id\":42, \"name\":\"a \\\"b\\\"\"},"
                      " {\"id\": 7.5} ], \"obj\" : { \"x\" : [ 1 , \"y z\" ] , \"t\":true } } }";
    text_is(doc, "data.items.0.id", "42", 2);
    text_is(doc, "data.items.0.name", "a \"b\"", 5);
    text_is(doc, "data.items.1.id", "7.5", 3);
    text_is(doc, "data.obj", "{\"x\":[1,\"y z\"],\"t\":true}", 24); /* compact, blanks kept in strings */
    text_is(doc, "data.obj.t", "true", 4);
    text_is("{\"s\":\"\\u00e9\\ud83d\\ude00\\n\\/\"}", "s", "\xc3\xa9\xf0\x9f\x98\x80\n/", 8);
    text_is("{\"s\":\"a\\u0000b\"}", "s", "a\0b", 3);
    text_is("{\"s\":\"\"}", "s", "", 0);
    /* a member named twice is its last, as a parser that keeps one would have it */
    text_is("{\"a\":{\"b\":1},\"a\":{\"b\":2}}", "a.b", "2", 1);
    text_is("{\"a\":1,\"b\":{\"a\":5},\"a\":3}", "a", "3", 1);
    /* names are compared decoded; a number names a member of an object too */
    text_is("{\"k\\u0065y\":\"v\"}", "key", "v", 1);
    text_is("{\"1\":\"one\"}", "1", "one", 3);
    text_is("[\"a\",[\"b\",\"c\"]]", "1.1", "c", 1);
    text_is("[\"a\",\"b\"]", "01", "b", 1); /* an index is its value */
    text_is("\"top\"", "", "top", 3);

    struct json_found f;
    const char *d2 = "{\"a\":{\"b\":1},\"a\":{\"c\":2}}";
    assert_int_equal(scan(d2, strlen(d2), "a.b", &f), 0);
    assert_false(f.found); /* the last "a" has no "b" */
    assert_int_equal(f.missing, 1);
    const char *d3 = "{\"a\":[1,2]}";
    assert_int_equal(scan(d3, strlen(d3), "a.5", &f), 0);
    assert_false(f.found);
    assert_int_equal(f.missing, 1);
    assert_int_equal(scan(d3, strlen(d3), "a.x", &f), 0);
    assert_int_equal(f.missing, 1);
    assert_int_equal(scan(d3, strlen(d3), "b", &f), 0);
    assert_int_equal(f.missing, 0);
    assert_int_equal(scan(d3, strlen(d3), "a.0.z", &f), 0);
    assert_int_equal(f.missing, 2);
}

static void test_json_compact(void **state)
{
    (void)state;
    const char *v = "[ 1 , \"a \\\" b\" ,\n{ } ]";
    char out[64], small[5];
    size_t n = json_compact(v, strlen(v), out, sizeof out);
    assert_int_equal(n, 15);
    assert_memory_equal(out, "[1,\"a \\\" b\",{}]", 15);
    assert_int_equal(json_compact(v, strlen(v), small, sizeof small), 15);
    assert_memory_equal(small, "[1,\"a", 5);
}

/* json_path on bodies json_scan reads: the checks' semantics, unchanged. */
static void test_json_path_checks(void **state)
{
    (void)state;
    char err[300], why[200];
    struct json_path *jp = json_path_new("a.s == \"\\u00e9\"", err, sizeof err);
    assert_non_null(jp);
    const char *b1 = "{\"a\":{\"s\":\"\xc3\xa9\"}}", *b2 = "{\"a\":{\"s\":\"\\u00E9\"}}";
    assert_int_equal(json_path_test(jp, b1, strlen(b1), why, sizeof why), 1);
    assert_int_equal(json_path_test(jp, b2, strlen(b2), why, sizeof why), 1);
    json_path_free(jp);
    jp = json_path_new("n == 1e2", err, sizeof err);
    assert_non_null(jp);
    const char *b3 = "{\"n\":100}", *b4 = "{\"n\":100.5}", *b5 = "{\"n\":\"100\"}";
    assert_int_equal(json_path_test(jp, b3, strlen(b3), why, sizeof why), 1);
    assert_int_equal(json_path_test(jp, b4, strlen(b4), why, sizeof why), 0);
    assert_string_equal(why, "got 100.5");
    assert_int_equal(json_path_test(jp, b5, strlen(b5), why, sizeof why), 0);
    assert_string_equal(why, "got \"100\"");
    /* a number that ends the body: nothing is read past it */
    char *b6 = malloc(3);
    memcpy(b6, "100", 3);
    json_path_free(jp);
    jp = json_path_new("0 == 1", err, sizeof err);
    assert_int_equal(json_path_test(jp, b6, 3, why, sizeof why), 0);
    assert_string_equal(why, "no '0' in the body");
    free(b6);
    json_path_free(jp);
    assert_null(json_path_new("a == 1e999", err, sizeof err));
    assert_non_null(strstr(err, "out of the range"));
    jp = json_path_new("a == [", err, sizeof err);
    assert_null(jp);
    assert_non_null(strstr(err, "is not a JSON scalar"));
    jp = json_path_new("a != null", err, sizeof err);
    const char *b7 = "{\"a\": {\"x\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, "
                     "18, 19, 20, 21, 22, 23, 24, 25]}}";
    assert_int_equal(json_path_test(jp, b7, strlen(b7), why, sizeof why), 1);
    const char *b8 = "{\"a\": null}";
    assert_int_equal(json_path_test(jp, b8, strlen(b8), why, sizeof why), 0);
    assert_string_equal(why, "got null");
    json_path_free(jp);
    jp = json_path_new("a == 1", err, sizeof err);
    assert_int_equal(json_path_test(jp, b7, strlen(b7), why, sizeof why), 0);
    assert_string_equal(why, "got {\"x\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,"
                             "...");
    json_path_free(jp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_grammar),
        cmocka_unit_test(test_json_values),
        cmocka_unit_test(test_json_compact),
        cmocka_unit_test(test_json_path_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
