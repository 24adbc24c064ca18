/* Tests for ramp: client numbering across workers and the linear start timetable. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "ramp.h"

static void test_three_workers(void **state)
{
    (void)state;
    static const uint64_t want[3][4] = {{0, 3, 6, 9}, {1, 4, 7}, {2, 5, 8}};
    static const uint64_t counts[3] = {4, 3, 3};
    for (unsigned p = 0; p < 3; p++) {
        assert_int_equal(ramp_worker_clients(10, 3, p), counts[p]);
        for (uint64_t i = 0; i < counts[p]; i++)
            assert_int_equal(ramp_client_number(3, p, i), want[p][i]);
    }
}

static void test_partition(void **state)
{
    (void)state;
    /* Every client number 0..clients-1 is run by exactly one worker. */
    for (uint64_t clients = 0; clients <= 200; clients++) {
        for (unsigned n = 1; n <= 17; n++) {
            unsigned char *seen = calloc(clients + 1, 1);
            assert_non_null(seen);
            uint64_t sum = 0;
            for (unsigned p = 0; p < n; p++) {
                uint64_t m = ramp_worker_clients(clients, n, p);
                sum += m;
                for (uint64_t i = 0; i < m; i++) {
                    uint64_t k = ramp_client_number(n, p, i);
                    assert_true(k < clients);
                    assert_int_equal(k % n, p);
                    assert_int_equal(seen[k], 0);
                    seen[k] = 1;
                }
            }
            assert_int_equal(sum, clients);
            free(seen);
        }
    }
    /* Large counts: the sum still matches. */
    static const uint64_t big[] = {1000000000, UINT64_C(1) << 40, UINT64_MAX};
    for (size_t b = 0; b < sizeof big / sizeof big[0]; b++) {
        for (unsigned n = 1; n <= 1000; n += 37) {
            uint64_t sum = 0;
            for (unsigned p = 0; p < n; p++)
                sum += ramp_worker_clients(big[b], n, p);
            assert_int_equal(sum, big[b]);
        }
    }
}

/* Checks the timetable: zero before start, non-decreasing, within 1 ns of the ideal line,
 * and the last client exactly at the duration. */
static void check_ramp(uint64_t clients, uint64_t start, int64_t duration, uint64_t stride)
{
    struct ramp r = {clients, start, duration};
    int64_t prev = 0;
    for (uint64_t k = 0; k < clients; k += stride) {
        int64_t t = ramp_start_offset(&r, k);
        if (k < start) {
            assert_int_equal(t, 0);
            continue;
        }
        assert_true(t >= prev);
        prev = t;
        long double ideal = (long double)(k - start + 1) * duration / (clients - start);
        /* Slack for long double rounding, which matters only near INT64_MAX. */
        long double err = (long double)t - ideal, slack = ideal * 1e-18L;
        assert_true(err <= slack && err > -1 - slack);
    }
    if (clients > start)
        assert_int_equal(ramp_start_offset(&r, clients - 1), duration);
}

static void test_offsets(void **state)
{
    (void)state;
    check_ramp(10, 0, 1000000000, 1);
    check_ramp(10, 3, 1000000000, 1);
    check_ramp(7, 2, 1000, 1);
    check_ramp(1000, 100, 999999937, 1);
    check_ramp(100, 0, 7, 1); /* shorter than one ns per client: many share a start */
    check_ramp(1, 0, 5000, 1);
    check_ramp(12345, 1, 60000000000, 1);

    struct ramp r = {10, 0, 1000};
    assert_int_equal(ramp_start_offset(&r, 0), 100);
    assert_int_equal(ramp_start_offset(&r, 4), 500);
    assert_int_equal(ramp_start_offset(&r, 9), 1000);
}

static void test_all_at_start(void **state)
{
    (void)state;
    struct ramp r = {50, 50, 1000000000};
    for (uint64_t k = 0; k < 50; k++)
        assert_int_equal(ramp_start_offset(&r, k), 0);
    struct ramp none = {0, 0, 1000000000};
    assert_int_equal(ramp_start_offset(&none, 0), 0);
    struct ramp zero = {10, 0, 0};
    for (uint64_t k = 0; k < 10; k++)
        assert_int_equal(ramp_start_offset(&zero, k), 0);
}

/* 2 at T0, then 8 more over 8 s: one a second. */
static void test_started_by(void **state)
{
    (void)state;
    struct ramp r = {10, 2, 8000000000LL};
    assert_int_equal(ramp_started_by(&r, 0), 2);
    assert_int_equal(ramp_started_by(&r, 999999999), 2);
    assert_int_equal(ramp_started_by(&r, 1000000000), 3);
    assert_int_equal(ramp_started_by(&r, 4500000000LL), 6);
    assert_int_equal(ramp_started_by(&r, 8000000000LL), 10);
    assert_int_equal(ramp_started_by(&r, INT64_MAX), 10);
    struct ramp flat = {5, 0, 0};
    assert_int_equal(ramp_started_by(&flat, 0), 5);
    struct ramp none = {0, 0, 1000};
    assert_int_equal(ramp_started_by(&none, 5000), 0);
}

static void test_big(void **state)
{
    (void)state;
    /* 10^9 clients over 10 days: the product is ~8.6e23, far past 64 bits. */
    const int64_t ten_days = INT64_C(10) * 86400 * 1000000000;
    const uint64_t g = 1000000000;
    struct ramp r = {g, 0, ten_days};
    assert_int_equal(ramp_start_offset(&r, g - 1), ten_days);
    assert_int_equal(ramp_start_offset(&r, g / 2 - 1), ten_days / 2);
    assert_int_equal(ramp_start_offset(&r, 0), ten_days / (int64_t)g);
    check_ramp(g, 0, ten_days, 999983);
    check_ramp(g, 12345, ten_days, 1000003);
    check_ramp(g, 0, INT64_MAX, 999983);
    struct ramp m = {g, 1, INT64_MAX};
    assert_int_equal(ramp_start_offset(&m, g - 1), INT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_workers), cmocka_unit_test(test_partition),
        cmocka_unit_test(test_offsets),       cmocka_unit_test(test_all_at_start),
        cmocka_unit_test(test_big),
        cmocka_unit_test(test_started_by),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
