/* Tests for rng: PCG32 reference vectors, reproducibility, bounded draws and jitter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rng.h"

static void test_known_answer(void **state)
{
    (void)state;
    /* From the PCG reference's pcg32-demo: pcg32_srandom_r(&rng, 42, 54). */
    static const uint32_t want[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                    0x83d2f293, 0xbfa4784b, 0xcbed606e};
    struct rng r;
    rng_seed(&r, 42, 54);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_int_equal(rng_next(&r), want[i]);
}

static void test_repeatable(void **state)
{
    (void)state;
    struct rng a, b;
    for (uint64_t seed = 0; seed < 5; seed++) {
        for (uint64_t stream = 0; stream < 50; stream++) {
            rng_seed(&a, seed, stream);
            rng_seed(&b, seed, stream);
            for (int i = 0; i < 100; i++)
                assert_int_equal(rng_next(&a), rng_next(&b));
        }
    }
}

static void test_streams_differ(void **state)
{
    (void)state;
    /* The first 4 outputs of 100 streams (and of 100 seeds) are pairwise distinct sequences. */
    uint32_t seq[100][4];
    struct rng r;
    for (int pass = 0; pass < 2; pass++) {
        for (uint64_t k = 0; k < 100; k++) {
            if (pass == 0)
                rng_seed(&r, 7, k);
            else
                rng_seed(&r, k, 7);
            for (int i = 0; i < 4; i++)
                seq[k][i] = rng_next(&r);
        }
        for (int x = 0; x < 100; x++)
            for (int y = x + 1; y < 100; y++)
                assert_memory_not_equal(seq[x], seq[y], sizeof seq[x]);
    }
    /* Stream and seed are not interchangeable. */
    struct rng a, b;
    rng_seed(&a, 1, 2);
    rng_seed(&b, 2, 1);
    assert_int_not_equal(rng_next(&a), rng_next(&b));
}

static void test_bounded_range(void **state)
{
    (void)state;
    static const uint32_t bounds[] = {1, 2, 3, 7, 10, 1000, 0x80000001u, 0xc0000000u, UINT32_MAX};
    struct rng r;
    rng_seed(&r, 1, 1);
    assert_int_equal(rng_bounded(&r, 0), 0);
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++)
        for (int i = 0; i < 10000; i++)
            assert_true(rng_bounded(&r, bounds[b]) < bounds[b]);
    assert_int_equal(rng_bounded64(&r, 0), 0);
    assert_int_equal(rng_bounded64(&r, 1), 0);
    static const uint64_t big[] = {10, UINT64_C(1) << 32, (UINT64_C(1) << 32) + 1,
                                   UINT64_C(3) << 62, UINT64_MAX};
    for (size_t b = 0; b < sizeof big / sizeof big[0]; b++)
        for (int i = 0; i < 10000; i++)
            assert_true(rng_bounded64(&r, big[b]) < big[b]);
}

static void test_bounded_uniform(void **state)
{
    (void)state;
    enum { K = 10, DRAWS = 100000 };
    unsigned hits[K] = {0};
    struct rng r;
    rng_seed(&r, 2024, 3);
    for (int i = 0; i < DRAWS; i++)
        hits[rng_bounded(&r, K)]++;
    double chi2 = 0, e = (double)DRAWS / K;
    for (int k = 0; k < K; k++)
        chi2 += (hits[k] - e) * (hits[k] - e) / e;
    /* 9 degrees of freedom: 27.9 is p = 0.001; loose on purpose, the seed is fixed anyway. */
    assert_true(chi2 < 40);

    /* A bound of 3 * 2^30 is where modulo bias shows: x % bound puts half, not a third, of the
     * draws below 2^30. Same for 64 bits with 3 * 2^62. */
    unsigned low = 0, low64 = 0;
    for (int i = 0; i < DRAWS; i++) {
        low += rng_bounded(&r, 0xc0000000u) < 0x40000000u;
        low64 += rng_bounded64(&r, UINT64_C(3) << 62) < (UINT64_C(1) << 62);
    }
    assert_true(low > DRAWS * 0.32 && low < DRAWS * 0.347);
    assert_true(low64 > DRAWS * 0.32 && low64 < DRAWS * 0.347);
}

static void test_jitter(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, 5, 5);
    assert_int_equal(rng_jitter(&r, 1000000, 0), 1000000);
    assert_int_equal(rng_jitter(&r, 1000000, -5), 1000000);
    assert_int_equal(rng_jitter(&r, 1000000, 999), 1000000); /* below 1 us: nothing to draw */

    const int64_t delay = 10000000, jitter = 2000000;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        int64_t v = rng_jitter(&r, delay, jitter);
        assert_true(v >= delay - jitter && v < delay + jitter);
        assert_int_equal((v - (delay - jitter)) % 1000, 0);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        sum += (double)v;
    }
    /* 4000 possible values, 100000 draws: both ends are hit. */
    assert_int_equal(lo, delay - jitter);
    assert_int_equal(hi, delay + jitter - 1000);
    double mean = sum / 100000;
    assert_true(mean > delay - 10000 && mean < delay + 10000);

    /* A jitter larger than the delay is clamped at zero, never negative. */
    int zeros = 0;
    for (int i = 0; i < 10000; i++) {
        int64_t v = rng_jitter(&r, 1000000, 5000000);
        assert_true(v >= 0 && v < 6000000);
        zeros += v == 0;
    }
    assert_true(zeros > 0);
    assert_true(rng_jitter(&r, 0, 1000) >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),  cmocka_unit_test(test_repeatable),
        cmocka_unit_test(test_streams_differ), cmocka_unit_test(test_bounded_range),
        cmocka_unit_test(test_bounded_uniform), cmocka_unit_test(test_jitter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
