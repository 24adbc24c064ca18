/* Tests for schedule: Phantom's notation, its errors with their position, and the exact
 * arrival times of const, line and step segments at their boundaries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "schedule.h"

#define S 1000000000LL

static void test_const(void **state)
{
    (void)state;
    struct schedule s;
    char err[200];
    assert_int_equal(schedule_parse("const(2000, 3s)", &s, err, sizeof(err)), 0);
    assert_int_equal(s.total, 6000);
    assert_int_equal(s.duration_ns, 3 * S);
    assert_int_equal(schedule_arrival_ns(&s, 0), 0);
    assert_int_equal(schedule_arrival_ns(&s, 1), 500000);
    assert_int_equal(schedule_arrival_ns(&s, 2000), S);
    assert_int_equal(schedule_arrival_ns(&s, 5999), 3 * S - 500000);
    schedule_free(&s);
    /* 3/s: 1/3 s rounds up to the next nanosecond, and never drifts */
    assert_int_equal(schedule_init_const(&s, 3, 3600 * S), 0);
    assert_int_equal(s.total, 10800);
    assert_int_equal(schedule_arrival_ns(&s, 1), 333333334);
    assert_int_equal(schedule_arrival_ns(&s, 3), S);
    assert_int_equal(schedule_arrival_ns(&s, 10797), 3599 * S);
    schedule_free(&s);
}

static void test_line(void **state)
{
    (void)state;
    struct schedule s;
    char err[200];
    /* 0 to 100/s over 10 s: 500 arrivals, n(t) = 5 t^2, arrival i at sqrt(i / 5) s */
    assert_int_equal(schedule_parse("line(0, 100, 10s)", &s, err, sizeof(err)), 0);
    assert_int_equal(s.total, 500);
    assert_int_equal(schedule_arrival_ns(&s, 0), 0);
    assert_int_equal(schedule_arrival_ns(&s, 5), S);
    assert_int_equal(schedule_arrival_ns(&s, 20), 2 * S);
    assert_int_equal(schedule_arrival_ns(&s, 320), 8 * S);
    assert_true(schedule_arrival_ns(&s, 499) < 10 * S);
    for (uint64_t i = 1; i < 500; i++)
        assert_true(schedule_arrival_ns(&s, i) > schedule_arrival_ns(&s, i - 1));
    schedule_free(&s);
    /* a line down, then a const: the const starts at the line's end */
    assert_int_equal(schedule_parse(" line(100, 0, 10s)const(10,1s) ", &s, err, sizeof(err)), 0);
    assert_int_equal(s.nsegs, 2);
    assert_int_equal(s.total, 510);
    assert_int_equal(schedule_arrival_ns(&s, 500), 10 * S);
    assert_int_equal(schedule_arrival_ns(&s, 501), 10 * S + S / 10);
    assert_int_equal(s.duration_ns, 11 * S);
    schedule_free(&s);
}

static void test_step(void **state)
{
    (void)state;
    struct schedule s;
    char err[200];
    assert_int_equal(schedule_parse("step(10, 30, 10, 2s)", &s, err, sizeof(err)), 0);
    assert_int_equal(s.nsegs, 3);
    assert_int_equal(s.total, 20 + 40 + 60);
    assert_int_equal(schedule_arrival_ns(&s, 20), 2 * S);
    assert_int_equal(schedule_arrival_ns(&s, 60), 4 * S);
    assert_int_equal(schedule_arrival_ns(&s, 61), 4 * S + S / 30 + 1); /* rounded up */
    assert_int_equal(s.duration_ns, 6 * S);
    schedule_free(&s);
    assert_int_equal(schedule_parse("step(30, 10, 10, 1s)", &s, err, sizeof(err)), 0);
    assert_int_equal(s.total, 60);
    schedule_free(&s);
}

static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(schedule_segment_count(2000, 2000, 3 * S), 6000);
    assert_int_equal(schedule_segment_count(3, 3, S / 2), 2); /* 1.5 arrivals: 0 and 1/3 s */
    assert_int_equal(schedule_segment_count(1, 20000, 60 * S), 600030);
    assert_int_equal(schedule_segment_count(0, 1, S), 1);
}

static void test_poisson_position(void **state)
{
    (void)state;
    struct schedule s;
    assert_int_equal(schedule_init_const(&s, 1000, 10 * S), 0);
    uint64_t half = 1ULL << (SCHEDULE_FRAC_BITS - 1);
    assert_int_equal(schedule_position_ns(&s, half), 500000);
    assert_int_equal(schedule_position_ns(&s, (uint64_t)7 << SCHEDULE_FRAC_BITS),
                     schedule_arrival_ns(&s, 7));
    schedule_free(&s);
}

static void expect_error(const char *text, const char *want)
{
    struct schedule s;
    char err[200];
    assert_int_equal(schedule_parse(text, &s, err, sizeof(err)), -1);
    if (!strstr(err, want))
        fail_msg("'%s': got '%s', want '%s'", text, err, want);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("", "the schedule is empty");
    expect_error("const(10, 1s) lin(1, 2, 3s)", "at character 15: expected const");
    expect_error("const(10 1s)", "at character 7: not a rate");
    expect_error("const(10, 1s", "at character 13: expected ')'");
    expect_error("const(10)", "at character 9: expected ','");
    expect_error("const(0, 1s)", "at character 7: the rate must be more than 0");
    expect_error("const(-5, 1s)", "at character 7: not a rate");
    expect_error("const(5, 0s)", "at character 10: the duration must be more than 0");
    expect_error("const(5, )", "at character 10: expected a value");
    expect_error("line(1, 10)", "expected ','");
    expect_error("step(1, 10, 0, 1s)", "at character 13: the step must be more than 0");
    expect_error("const(5, 1s, 2)", "at character 12: expected ')'");
    expect_error("line(0, 0, 1s)", "at character 1: a line from 0 to 0");
}

/* On a 1 ms tick, 20k/s puts exactly 20 arrivals on each tick, every one late by less than a
 * tick, and whole milliseconds (Phantom's plans) stay where they are. */
static void test_tick(void **state)
{
    (void)state;
    const int64_t ms = 1000000;
    struct schedule s;
    assert_int_equal(schedule_init_const(&s, 20000, 2 * S), 0);
    int64_t per_tick[2000] = {0};
    for (uint64_t i = 0; i < s.total; i++) {
        int64_t exact = schedule_arrival_ns(&s, i);
        int64_t t = schedule_on_tick(&s, exact, ms);
        assert_true(t >= exact && t - exact < ms);
        assert_true(t < 2 * S);
        if (t < 2 * S - ms) {
            assert_int_equal(t % ms, 0);
            per_tick[t / ms]++;
        }
    }
    assert_int_equal(per_tick[0], 1); /* arrival 0, at 0 */
    for (int k = 1; k < 1999; k++)
        assert_int_equal(per_tick[k], 20);
    /* the last tick's arrivals would round up to the end of the schedule: they keep their
     * exact times, inside it */
    assert_int_equal(schedule_on_tick(&s, 2 * S - 50000, ms), 2 * S - 50000);
    assert_int_equal(schedule_on_tick(&s, 7 * ms, ms), 7 * ms);
    assert_int_equal(schedule_on_tick(&s, 7 * ms + 1, ms), 8 * ms);
    assert_int_equal(schedule_on_tick(&s, 12345, 0), 12345);
    schedule_free(&s);
}

/* An explicit plan (stpd): arrival i is at its own time, the schedule ends where it is told. */
static void test_plan(void **state)
{
    (void)state;
    struct schedule s;
    int64_t *plan = malloc(3 * sizeof(*plan));
    assert_non_null(plan);
    plan[0] = 0;
    plan[1] = 7 * 1000000;
    plan[2] = 7 * 1000000;
    schedule_init_plan(&s, plan, 3, 8 * 1000000);
    assert_int_equal(s.total, 3);
    assert_int_equal(s.duration_ns, 8 * 1000000);
    assert_int_equal(schedule_arrival_ns(&s, 0), 0);
    assert_int_equal(schedule_arrival_ns(&s, 1), 7000000);
    assert_int_equal(schedule_arrival_ns(&s, 2), 7000000);
    schedule_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_const), cmocka_unit_test(test_line),
        cmocka_unit_test(test_step), cmocka_unit_test(test_counts),
        cmocka_unit_test(test_poisson_position), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_tick),
        cmocka_unit_test(test_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
