/* Unit tests for units: durations and counts, valid and invalid, with exact values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "units.h"

#define S INT64_C(1000000000)

static void check_dur(const char *s, int64_t want)
{
    int64_t ns = -12345;
    if (units_parse_duration(s, &ns) != 0)
        fail_msg("'%s' should parse", s);
    if (ns != want)
        fail_msg("'%s' gave %lld, want %lld", s, (long long)ns, (long long)want);
}

static void check_dur_bad(const char *s)
{
    int64_t ns = 777;
    if (units_parse_duration(s, &ns) == 0)
        fail_msg("'%s' should be refused, gave %lld", s, (long long)ns);
    assert_int_equal(ns, 777); /* untouched on error */
}

static void test_duration_units(void **state)
{
    (void)state;
    check_dur("0", 0);
    check_dur("0s", 0);
    check_dur("1", S);
    check_dur("10", 10 * S);
    check_dur("1ns", 1);
    check_dur("999ns", 999);
    check_dur("35us", 35000);
    check_dur("35\xc2\xb5s", 35000);
    check_dur("250ms", 250000000);
    check_dur("1s", S);
    check_dur("2m", 120 * S);
    check_dur("1h", 3600 * S);
    check_dur("007s", 7 * S);
}

static void test_duration_fractions(void **state)
{
    (void)state;
    check_dur("1.5s", 1500000000);
    check_dur("1.5", 1500000000);
    check_dur("0.1s", 100000000);
    check_dur("0.001", 1000000);
    check_dur("0.000000001s", 1);
    check_dur("0.0000000019s", 1); /* below a nanosecond: truncated */
    check_dur("2.5ms", 2500000);
    check_dur("1.25m", 75 * S);
    check_dur("0.5h", 1800 * S);
    check_dur("1.5us", 1500);
    check_dur("1.5ns", 1);
    check_dur("3.14159265358979s", 3141592653);
}

static void test_duration_compound(void **state)
{
    (void)state;
    check_dur("1h30m", 5400 * S);
    check_dur("2m05s", 125 * S);
    check_dur("1m30.5s", 90500000000);
    check_dur("1s500ms", 1500000000);
    check_dur("1h02m03s", 3723 * S);
}

static void test_duration_limits(void **state)
{
    (void)state;
    check_dur("9223372036854775807ns", INT64_MAX);
    check_dur("9223372036s", 9223372036 * S);
    check_dur_bad("9223372036854775808ns");
    check_dur_bad("9223372037s");
    check_dur_bad("99999999999999999999999s");
    check_dur_bad("2562048h");
    check_dur_bad("9223372036.9s");
    check_dur_bad("9223372036854775807ns1ns");
}

static void test_duration_bad(void **state)
{
    (void)state;
    const char *bad[] = {"", "s", "ms", "-1s", "+1s", "1 s", " 1s", "1s ", "1.s", ".5s",
                         "1..5s", "1.5.5s", "abc", "1x", "1sec", "1S", "1MS", "10mss", "1d",
                         "1e3", "inf", "nan", "0x10", "1h30", "1,5s", "5 m", "1s-1s", "1/2s",
                         "1_000s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        check_dur_bad(bad[i]);
    int64_t ns;
    assert_int_equal(units_parse_duration(NULL, &ns), -1);
}

static void check_count(const char *s, uint64_t want)
{
    uint64_t v = 12345;
    if (units_parse_count(s, &v) != 0)
        fail_msg("'%s' should parse", s);
    if (v != want)
        fail_msg("'%s' gave %llu, want %llu", s, (unsigned long long)v,
                 (unsigned long long)want);
}

static void check_count_bad(const char *s)
{
    uint64_t v = 777;
    if (units_parse_count(s, &v) == 0)
        fail_msg("'%s' should be refused, gave %llu", s, (unsigned long long)v);
    assert_int_equal(v, 777);
}

static void test_count_valid(void **state)
{
    (void)state;
    check_count("0", 0);
    check_count("1", 1);
    check_count("64", 64);
    check_count("0010", 10);
    check_count("10k", 10000);
    check_count("10K", 10000);
    check_count("2M", 2000000);
    check_count("3G", 3000000000);
    check_count("0k", 0);
    check_count("18446744073709551615", UINT64_MAX);
    check_count("18446744073G", UINT64_C(18446744073000000000));
}

static void test_count_bad(void **state)
{
    (void)state;
    const char *bad[] = {"", "-1", "+1", "1.5", "1.5k", "abc", "k", "10m", "10g", "10kk",
                         "10 k", " 10", "10 ", "1e3", "0x10", "18446744073709551616",
                         "18446744074G", "99999999999999999999", "1,000", "10T"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        check_count_bad(bad[i]);
    uint64_t v;
    assert_int_equal(units_parse_count(NULL, &v), -1);
}

static void check_fmt(int64_t ns, const char *want)
{
    char buf[32];
    const char *got = units_format_duration(ns, buf, sizeof buf);
    assert_ptr_equal(got, buf);
    if (strcmp(got, want) != 0)
        fail_msg("%lld formatted as '%s', want '%s'", (long long)ns, got, want);
}

static void test_format(void **state)
{
    (void)state;
    check_fmt(0, "0s");
    check_fmt(1, "1ns");
    check_fmt(999, "999ns");
    check_fmt(1000, "1us");
    check_fmt(1500, "1.50us");
    check_fmt(35000, "35us");
    check_fmt(35200, "35.2us");
    check_fmt(123456, "123us");
    check_fmt(999600, "1.00ms");
    check_fmt(9996, "10.0us");
    check_fmt(99996, "100us");
    check_fmt(250000000, "250ms");
    check_fmt(1500000000, "1.50s");
    check_fmt(S, "1s");
    check_fmt(12345678901, "12.3s");
    check_fmt(59 * S, "59s");
    check_fmt(59996000000, "1m");
    check_fmt(60 * S, "1m");
    check_fmt(125 * S, "2m05s");
    check_fmt(3600 * S, "1h");
    check_fmt(5400 * S, "1h30m");
    check_fmt(3723 * S, "1h02m03s");
    check_fmt(-1500000000, "-1.50s");
    check_fmt(INT64_MIN, "-2562047h47m17s");
}

static void test_format_small_buffer(void **state)
{
    (void)state;
    char buf[4];
    assert_string_equal(units_format_duration(1500000000, buf, sizeof buf), "1.5");
    char one[1] = {'x'};
    assert_string_equal(units_format_duration(5, one, 1), "");
    assert_string_equal(units_format_duration(-5, one, 1), "");
    assert_null(units_format_duration(5, NULL, 0));
}

/* Whatever format prints, parse reads back (to the precision printed). */
static void test_round_trip(void **state)
{
    (void)state;
    const int64_t v[] = {1, 999, 1000, 35000, 250000000, S, 125 * S, 3723 * S, 5400 * S};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char buf[32];
        int64_t back;
        units_format_duration(v[i], buf, sizeof buf);
        assert_int_equal(units_parse_duration(buf, &back), 0);
        assert_int_equal(back, v[i]);
    }
}

static void test_bandwidth(void **state)
{
    (void)state;
    uint64_t b = 0;
    assert_int_equal(units_parse_bandwidth("100kBps", &b), 0);
    assert_int_equal(b, 100000);
    assert_int_equal(units_parse_bandwidth("8kbps", &b), 0);
    assert_int_equal(b, 1000);
    assert_int_equal(units_parse_bandwidth("1.5Mbps", &b), 0);
    assert_int_equal(b, 187500);
    assert_int_equal(units_parse_bandwidth("2MBps", &b), 0);
    assert_int_equal(b, 2000000);
    assert_int_equal(units_parse_bandwidth("1Gbps", &b), 0);
    assert_int_equal(b, 125000000);
    assert_int_equal(units_parse_bandwidth("80bps", &b), 0);
    assert_int_equal(b, 10);
    const char *bad[] = {"", "100", "10kbit", "5 kbps", "1bps", "-1kbps", "kbps", "1.2.3kbps",
                         "2TBps"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (units_parse_bandwidth(bad[i], &b) == 0)
            fail_msg("'%s' should be refused", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bandwidth),
        cmocka_unit_test(test_duration_units),   cmocka_unit_test(test_duration_fractions),
        cmocka_unit_test(test_duration_compound), cmocka_unit_test(test_duration_limits),
        cmocka_unit_test(test_duration_bad),     cmocka_unit_test(test_count_valid),
        cmocka_unit_test(test_count_bad),        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_small_buffer), cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
