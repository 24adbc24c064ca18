/* Tests for health: when the summary says the generator may have limited the run. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "health.h"

static void test_quiet(void **state)
{
    (void)state;
    char why[128];
    double cpu[2] = {12, 90}; /* 90 % is the limit, not over it */
    assert_int_equal(health_check(1, 1000, cpu, 2, why, sizeof(why)), 0);
    assert_string_equal(why, "");
}

static void test_lag(void **state)
{
    (void)state;
    char why[128];
    double cpu[1] = {10};
    assert_int_equal(health_check(1, 2100, cpu, 1, why, sizeof(why)), 1);
    assert_non_null(strstr(why, "generator lag p99 2.1"));
    /* without a rate the lag means nothing */
    assert_int_equal(health_check(0, 50000, cpu, 1, why, sizeof(why)), 0);
}

static void test_cpu(void **state)
{
    (void)state;
    char why[128];
    double cpu[3] = {20, 97.4, 91};
    assert_int_equal(health_check(0, 0, cpu, 3, why, sizeof(why)), 1);
    assert_string_equal(why, "worker 1 at 97% of a core; worker 2 at 91% of a core");
    assert_int_equal(health_check(1, 5000, cpu, 3, why, 10), 1); /* cut short, still a string */
    assert_int_equal(strlen(why), 9);
}

static void test_percent(void **state)
{
    (void)state;
    assert_true(health_cpu_percent(500000000, 2.0) == 25.0);
    assert_true(health_cpu_percent(1, 0) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet),
        cmocka_unit_test(test_lag),
        cmocka_unit_test(test_cpu),
        cmocka_unit_test(test_percent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
