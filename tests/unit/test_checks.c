/* Unit tests for the response checks: the [thresholds] line parser, the JSON path test of
 * expect_body_json, and the other checks compiled and run on made-up responses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json_path.h"
#include "threshold.h"

static const char *const names[] = {"home", "login"};
static const struct threshold_context ctx = {names, 2, 0, 1};

static struct threshold parse_ok(const char *line, const struct threshold_context *c)
{
    struct threshold t;
    char err[300] = "";
    if (threshold_parse(line, c, &t, err, sizeof err) != 0)
        fail_msg("'%s' should parse: %s", line, err);
    return t;
}

static void parse_bad(const char *line, const struct threshold_context *c, const char *want)
{
    struct threshold t;
    char err[300] = "";
    if (threshold_parse(line, c, &t, err, sizeof err) == 0)
        fail_msg("'%s' should be refused", line);
    if (!strstr(err, want))
        fail_msg("'%s': message '%s' lacks '%s'", line, err, want);
}

static void test_threshold_latency(void **state)
{
    (void)state;
    struct threshold t = parse_ok("  p99 < 250ms  ", &ctx);
    assert_int_equal(t.metric, TH_LATENCY);
    assert_int_equal(t.stat, TH_PERCENTILE);
    assert_true(t.percentile == 99);
    assert_int_equal(t.op, TH_LT);
    assert_int_equal(t.unit, TH_NS);
    assert_true(t.bound == 250e6);
    assert_int_equal(t.request, -1);
    assert_string_equal(t.expr, "p99 < 250ms");
    assert_true(threshold_holds(&t, 249e6));
    assert_false(threshold_holds(&t, 250e6));
    threshold_free(&t);

    t = parse_ok("p99.9<=1.5s", &ctx);
    assert_true(t.percentile == 99.9);
    assert_int_equal(t.op, TH_LE);
    assert_true(t.bound == 1.5e9);
    assert_true(threshold_holds(&t, 1.5e9));
    threshold_free(&t);

    t = parse_ok("p95{request=login} < 100ms", &ctx);
    assert_int_equal(t.request, 1);
    threshold_free(&t);
    t = parse_ok("max{ request = home } >= 1us", &ctx);
    assert_int_equal(t.request, 0);
    assert_int_equal(t.stat, TH_MAX);
    assert_int_equal(t.op, TH_GE);
    threshold_free(&t);
    t = parse_ok("mean > 0ms", &ctx);
    assert_int_equal(t.stat, TH_MEAN);
    threshold_free(&t);
}

static void test_threshold_others(void **state)
{
    (void)state;
    struct threshold t = parse_ok("failed < 1%", &ctx);
    assert_int_equal(t.metric, TH_FAILED);
    assert_int_equal(t.unit, TH_PERCENT);
    assert_true(t.bound == 1);
    threshold_free(&t);
    t = parse_ok("failed{request=home} <= 10", &ctx);
    assert_int_equal(t.unit, TH_COUNT);
    assert_true(t.bound == 10);
    threshold_free(&t);
    t = parse_ok("rps > 1000.5", &ctx);
    assert_int_equal(t.metric, TH_RPS);
    assert_true(t.bound == 1000.5);
    threshold_free(&t);
    t = parse_ok("checks > 99.9%", &ctx);
    assert_int_equal(t.metric, TH_CHECKS);
    assert_true(t.bound == 99.9);
    threshold_free(&t);
    t = parse_ok("requests >= 10k", &ctx);
    assert_int_equal(t.metric, TH_REQUESTS);
    assert_true(t.bound == 10000);
    threshold_free(&t);
    struct threshold_context open = ctx;
    open.open_model = 1;
    t = parse_ok("intended_p99 < 1s", &open);
    assert_int_equal(t.metric, TH_INTENDED);
    threshold_free(&t);
}

static void test_threshold_bad(void **state)
{
    (void)state;
    parse_bad("p99 250ms", &ctx, "expected <, <=, > or >=");
    parse_bad("p99 = 250ms", &ctx, "expected <");
    parse_bad("p98x < 1s", &ctx, "unknown metric 'p98x'");
    parse_bad("latency < 1s", &ctx, "unknown metric 'latency'");
    parse_bad("p0 < 1s", &ctx, "unknown metric");
    parse_bad("p101 < 1s", &ctx, "unknown metric");
    parse_bad("p99 < 250", &ctx, "not a duration with a unit");
    parse_bad("p99 <", &ctx, "needs a value");
    parse_bad("p95{request=logout} < 1s", &ctx, "no request named 'logout'");
    parse_bad("p95{name=login} < 1s", &ctx, "write {request=NAME}");
    parse_bad("failed < 1 %", &ctx, "not a percentage or a count");
    parse_bad("checks > 99", &ctx, "not a percentage");
    parse_bad("checks > 101%", &ctx, "not a percentage");
    parse_bad("rps > fast", &ctx, "not a number");
    parse_bad("intended_p99 < 1s", &ctx, "needs the open model");
    parse_bad("< 1s", &ctx, "not a threshold");
    struct threshold_context none = ctx;
    none.have_checks = 0;
    parse_bad("checks > 99%", &none, "no request has a check");
}

static void json_holds(const char *expr, const char *body, int want, const char *why_part)
{
    char err[300] = "", why[200] = "";
    struct json_path *jp = json_path_new(expr, err, sizeof err);
    if (!jp)
        fail_msg("'%s' should parse: %s", expr, err);
    int got = json_path_test(jp, body, strlen(body), why, sizeof why);
    json_path_free(jp);
    if (got != want)
        fail_msg("'%s' on %s gave %d (%s)", expr, body, got, why);
    if (why_part && !strstr(why, why_part))
        fail_msg("'%s' on %s: why '%s' lacks '%s'", expr, body, why, why_part);
}

static void test_json_path(void **state)
{
    (void)state;
    const char *doc = "{\"data\":{\"items\":[{\"id\":42,\"name\":\"a b\"},{\"id\":7.5}],"
                      "\"ok\":true,\"none\":null,\"1\":\"one\"}}";
    json_holds("data.items.0.id == 42", doc, 1, NULL);
    json_holds("data.items.0.id == 42.0", doc, 1, NULL);
    json_holds("data.items.0.id==41", doc, 0, "got 42");
    json_holds("data.items.0.id != 41", doc, 1, NULL);
    json_holds("data.items.1.id == 7.5", doc, 1, NULL);
    json_holds("data.items.0.name == \"a b\"", doc, 1, NULL);
    json_holds("data.items.0.name == \"a\"", doc, 0, "got \"a b\"");
    json_holds("data.ok == true", doc, 1, NULL);
    json_holds("data.none == null", doc, 1, NULL);
    json_holds("data.1 == \"one\"", doc, 1, NULL); /* a number names an object's member */
    json_holds("data.items.2.id == 1", doc, 0, "no '2'");
    json_holds("data.items.x == 1", doc, 0, "no 'x'");
    json_holds("data.missing.id == 1", doc, 0, "no 'missing'");
    json_holds("data.items == 1", doc, 0, "got [");
    json_holds("a == 1", "not json", 0, "not JSON");
    json_holds("a == 1", "{\"a\":1} trailing", 0, "not JSON");
}

static void test_json_path_bad(void **state)
{
    (void)state;
    const char *bad[] = {"data.id 42", "== 42", "data..id == 1", ".id == 1", "data.id == ok",
                         "data.id == {}", "data.id == [1]", "data.id =="};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[300] = "";
        struct json_path *jp = json_path_new(bad[i], err, sizeof err);
        if (jp)
            fail_msg("'%s' should be refused", bad[i]);
        assert_true(err[0] != '\0');
    }
}

static void test_checks_run(void **state)
{
    (void)state;
    struct check_set *set = NULL;
    char err[300] = "";
    assert_int_equal(check_set_add(&set, "expect_status", "200, 3xx", 0, err, sizeof err), 0);
    assert_int_equal(check_set_add(&set, "expect_header", "Content-Type: json", 1, err,
                                   sizeof err), 0);
    assert_int_equal(check_set_add(&set, "expect_body", "ok", 2, err, sizeof err), 0);
    assert_int_equal(check_set_add(&set, "expect_body_regex", "^o[k]$", 3, err, sizeof err), 0);
    assert_int_equal(set->n, 4);
    assert_int_equal(set->nheaders, 1);
    assert_true(set->need_body);

    uint64_t held = 0;
    check_header_line(set, "content-type", 12, "text/plain", 10, &held);
    assert_int_equal(held, 0);
    check_header_line(set, "CONTENT-TYPE", 12, "application/json", 16, &held);
    assert_int_equal(held, 1);

    _Atomic uint64_t counts[8] = {0};
    char why[160] = "";
    struct check_response r = {.status = 302, .headers_held = held, .body = "ok",
                               .body_len = 2, .body_bytes = 2, .body_limit = 100};
    assert_int_equal(check_response_test(set, &r, counts, why, sizeof why), 0);
    r.status = 404;
    r.headers_held = 0;
    assert_int_equal(check_response_test(set, &r, counts, why, sizeof why), -1);
    assert_string_equal(why, "expect_status 200, 3xx: got 404");
    r.status = 200;
    r.headers_held = 1;
    r.body_bytes = 200; /* kept 2 of 200: the body checks cannot say */
    assert_int_equal(check_response_test(set, &r, counts, why, sizeof why), -1);
    assert_non_null(strstr(why, "expect_body ok: body of 200 bytes is over check_body_limit"));
    /* passes and failures of each check */
    assert_int_equal(counts[0], 2); /* status */
    assert_int_equal(counts[1], 1);
    assert_int_equal(counts[2], 2); /* header */
    assert_int_equal(counts[3], 1);
    assert_int_equal(counts[4], 2); /* body: passed twice, then over the limit */
    assert_int_equal(counts[5], 1);
    assert_int_equal(counts[6], 2);
    assert_int_equal(counts[7], 1);
    check_set_free(set);
}

static void test_checks_bad(void **state)
{
    (void)state;
    struct check_set *set = NULL;
    char err[300] = "";
    assert_int_equal(check_set_add(&set, "expect_status", "200 abc", 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "'abc' is not a status"));
    assert_int_equal(check_set_add(&set, "expect_status", "6yy", 0, err, sizeof err), -1);
    assert_int_equal(check_set_add(&set, "expect_status", " ", 0, err, sizeof err), -1);
    assert_int_equal(check_set_add(&set, "expect_header", "no colon", 0, err, sizeof err), -1);
    assert_int_equal(check_set_add(&set, "expect_body_regex", "a(b", 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing closing parenthesis at offset 3"));
    assert_int_equal(check_set_add(&set, "expect_body_json", "x = 1", 0, err, sizeof err), -1);
    check_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threshold_latency), cmocka_unit_test(test_threshold_others),
        cmocka_unit_test(test_threshold_bad),     cmocka_unit_test(test_json_path),
        cmocka_unit_test(test_json_path_bad),     cmocka_unit_test(test_checks_run),
        cmocka_unit_test(test_checks_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
