/* Tests for hist: bucket arithmetic, precision, percentiles against exact sorted data, merging. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "hist.h"

#define N_SAMPLES 100000

static struct hist *hist_new(void)
{
    struct hist *h = malloc(sizeof *h);
    assert_non_null(h);
    hist_init(h);
    return h;
}

/* A private generator so this test does not depend on rng.c (splitmix64). */
static uint64_t mix_state;

static uint64_t mix_next(void)
{
    uint64_t z = (mix_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static double mix_unit(void)
{
    return ((double)(mix_next() >> 11) + 0.5) / 9007199254740992.0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void assert_same(const struct hist *a, const struct hist *b)
{
    assert_int_equal(atomic_load(&a->count), atomic_load(&b->count));
    assert_int_equal(atomic_load(&a->sum_ns), atomic_load(&b->sum_ns));
    assert_int_equal(atomic_load(&a->min_ns), atomic_load(&b->min_ns));
    assert_int_equal(atomic_load(&a->max_ns), atomic_load(&b->max_ns));
    for (unsigned i = 0; i < HIST_LEN; i++)
        assert_int_equal(atomic_load(&a->counts[i]), atomic_load(&b->counts[i]));
}

static void test_len(void **state)
{
    (void)state;
    /* The largest recordable value must land exactly on the last index. */
    uint64_t top = (UINT64_C(1) << HIST_MAX_BITS) - 1;
    assert_int_equal(hist_index(top), HIST_LEN - 1);
    assert_int_equal(hist_index(top + 1), HIST_LEN - 1);
    assert_int_equal(hist_index(UINT64_MAX), HIST_LEN - 1);
    assert_int_equal(hist_value_high(HIST_LEN - 1), top);
    assert_int_equal(HIST_LEN, 23552);
}

static void test_round_trip(void **state)
{
    (void)state;
    assert_int_equal(hist_index(0), 0);
    assert_int_equal(hist_value_low(0), 0);
    for (unsigned i = 0; i < HIST_LEN; i++) {
        uint64_t lo = hist_value_low(i), hi = hist_value_high(i);
        assert_true(lo <= hi);
        assert_int_equal(hist_index(lo), i);
        assert_int_equal(hist_index(hi), i);
        assert_int_equal(hist_index(lo + (hi - lo) / 2), i);
        /* Buckets tile the range with no gap and no overlap. */
        if (i + 1 < HIST_LEN)
            assert_int_equal(hist_value_low(i + 1), hi + 1);
    }
}

static void test_relative_error(void **state)
{
    (void)state;
    /* Every value up to 100 ms, then geometric steps to an hour. */
    for (uint64_t us = 1; us <= 100000; us++) {
        unsigned i = hist_index(us);
        assert_true((double)(hist_value_high(i) - hist_value_low(i)) < us * 0.001);
    }
    for (double v = 100000; v <= 3600e6; v *= 1.0007) {
        uint64_t us = (uint64_t)v;
        unsigned i = hist_index(us);
        assert_true(hist_value_low(i) <= us && us <= hist_value_high(i));
        assert_true((double)(hist_value_high(i) - hist_value_low(i)) < us * 0.001);
    }
}

static void test_empty(void **state)
{
    (void)state;
    struct hist *h = hist_new();
    assert_int_equal(atomic_load(&h->count), 0);
    assert_int_equal(atomic_load(&h->min_ns), UINT64_MAX);
    assert_int_equal(hist_percentile_us(h, 0), 0);
    assert_int_equal(hist_percentile_us(h, 50), 0);
    assert_int_equal(hist_percentile_us(h, 100), 0);
    assert_true(hist_mean_us(h) == 0);
    free(h);
}

static void test_single(void **state)
{
    (void)state;
    struct hist *h = hist_new();
    hist_record(h, 1234567); /* 1234 us: bucket [1234, 1234] */
    assert_int_equal(hist_percentile_us(h, 0), 1234);
    assert_int_equal(hist_percentile_us(h, 50), 1234);
    assert_int_equal(hist_percentile_us(h, 100), 1234);
    assert_true(fabs(hist_mean_us(h) - 1234.567) < 1e-9);

    /* A wide bucket: the percentile is clamped to the exact max, and not below the min. */
    hist_init(h);
    hist_record(h, UINT64_C(1000000123) * 1000);
    assert_int_equal(hist_percentile_us(h, 50), 1000000123);
    free(h);
}

static void test_zero_and_huge(void **state)
{
    (void)state;
    struct hist *h = hist_new();
    hist_record(h, 0);
    hist_record(h, 999); /* still 0 us */
    assert_int_equal(atomic_load(&h->counts[0]), 2);
    uint64_t huge = (UINT64_C(1) << 40) * 1000;
    hist_record(h, huge);
    assert_int_equal(atomic_load(&h->counts[HIST_LEN - 1]), 1);
    assert_int_equal(hist_percentile_us(h, 50), 0);
    /* The last bucket is open-ended: its percentile is the real max, not 2^32 - 1. */
    assert_int_equal(hist_percentile_us(h, 99), huge / 1000);
    assert_int_equal(hist_percentile_us(h, 100), huge / 1000);
    free(h);
}

enum dist { UNIFORM, EXPONENTIAL, LOGNORMAL, BIMODAL, PARETO, CONSTANT, NDIST };

static uint64_t sample(enum dist d)
{
    double v = 0;
    switch (d) {
    case UNIFORM: /* 0 .. 1 s */
        return mix_next() % UINT64_C(1000000000);
    case EXPONENTIAL: /* mean 5 ms */
        v = -log(mix_unit()) * 5e6;
        break;
    case LOGNORMAL: { /* median ~1 ms, heavy tail */
        double z = sqrt(-2 * log(mix_unit())) * cos(2 * M_PI * mix_unit());
        v = exp(log(1e6) + 1.5 * z);
        break;
    }
    case BIMODAL: /* 90% around 200 us, 10% around 2 s */
        v = mix_unit() < 0.9 ? 150e3 + mix_unit() * 100e3 : 1.5e9 + mix_unit() * 1e9;
        break;
    case PARETO: /* from 100 us, alpha 1.2; capped at 2 h (past the histogram's range) */
        v = 100e3 / pow(mix_unit(), 1 / 1.2);
        if (v > 7200e9)
            v = 7200e9;
        break;
    case CONSTANT:
        return 42424242;
    case NDIST:
        break;
    }
    return (uint64_t)v;
}

static void test_percentiles(void **state)
{
    (void)state;
    /* q in hundredths of a percent, so the exact rank is computed in integers. */
    static const unsigned qs[] = {1, 100, 1000, 2500, 5000, 7500, 9000, 9500, 9900, 9990, 9999};
    uint64_t *v = malloc(N_SAMPLES * sizeof *v);
    assert_non_null(v);
    struct hist *h = hist_new();
    mix_state = 12345;

    for (int d = 0; d < NDIST; d++) {
        hist_init(h);
        uint64_t sum = 0;
        for (int i = 0; i < N_SAMPLES; i++) {
            v[i] = sample((enum dist)d);
            sum += v[i];
            hist_record(h, v[i]);
        }
        qsort(v, N_SAMPLES, sizeof *v, cmp_u64);

        assert_int_equal(atomic_load(&h->count), N_SAMPLES);
        assert_int_equal(atomic_load(&h->min_ns), v[0]);
        assert_int_equal(atomic_load(&h->max_ns), v[N_SAMPLES - 1]);
        assert_true(fabs(hist_mean_us(h) - (double)sum / N_SAMPLES / 1000) < 1e-6);
        assert_int_equal(hist_percentile_us(h, 0), v[0] / 1000);
        assert_int_equal(hist_percentile_us(h, 100), v[N_SAMPLES - 1] / 1000);

        for (size_t j = 0; j < sizeof qs / sizeof qs[0]; j++) {
            uint64_t rank = ((uint64_t)qs[j] * N_SAMPLES + 9999) / 10000;
            uint64_t exact = v[rank - 1] / 1000;
            uint64_t got = hist_percentile_us(h, qs[j] / 100.0);
            uint64_t diff = got > exact ? got - exact : exact - got;
            if (diff > exact / 1000 + 1)
                fail_msg("dist %d q %.2f: hist %llu exact %llu", d, qs[j] / 100.0,
                         (unsigned long long)got, (unsigned long long)exact);
        }
    }
    free(h);
    free(v);
}

static void test_add(void **state)
{
    (void)state;
    struct hist *a = hist_new(), *b = hist_new(), *u = hist_new(), *e = hist_new();
    mix_state = 777;
    for (int i = 0; i < 20000; i++) {
        uint64_t x = sample(LOGNORMAL), y = sample(BIMODAL);
        hist_record(a, x);
        hist_record(b, y);
        hist_record(u, x);
        hist_record(u, y);
    }
    hist_add(e, a); /* into an empty histogram: a copy */
    assert_same(e, a);
    hist_add(a, b);
    assert_same(a, u);
    for (int q = 0; q <= 100; q += 5)
        assert_int_equal(hist_percentile_us(a, q), hist_percentile_us(u, q));

    /* Adding an empty histogram changes nothing, min included. */
    hist_init(e);
    hist_add(a, e);
    assert_same(a, u);
    free(a);
    free(b);
    free(u);
    free(e);
}

static void test_sub(void **state)
{
    (void)state;
    struct hist *live = hist_new(), *snap = hist_new(), *later = hist_new(), *d = hist_new();
    mix_state = 999;
    for (int i = 0; i < 10000; i++)
        hist_record(live, sample(EXPONENTIAL));
    hist_add(snap, live);
    for (int i = 0; i < 10000; i++) {
        uint64_t x = sample(UNIFORM);
        hist_record(live, x);
        hist_record(later, x);
    }
    hist_sub(d, live, snap);
    assert_int_equal(atomic_load(&d->count), atomic_load(&later->count));
    assert_int_equal(atomic_load(&d->sum_ns), atomic_load(&later->sum_ns));
    assert_int_equal(atomic_load(&d->min_ns), atomic_load(&live->min_ns));
    assert_int_equal(atomic_load(&d->max_ns), atomic_load(&live->max_ns));
    for (unsigned i = 0; i < HIST_LEN; i++)
        assert_int_equal(atomic_load(&d->counts[i]), atomic_load(&later->counts[i]));

    /* In place: a - a is empty. */
    hist_sub(snap, snap, snap);
    assert_int_equal(atomic_load(&snap->count), 0);
    for (unsigned i = 0; i < HIST_LEN; i++)
        assert_int_equal(atomic_load(&snap->counts[i]), 0);
    free(live);
    free(snap);
    free(later);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_len),       cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_relative_error), cmocka_unit_test(test_empty),
        cmocka_unit_test(test_single),    cmocka_unit_test(test_zero_and_huge),
        cmocka_unit_test(test_percentiles), cmocka_unit_test(test_add),
        cmocka_unit_test(test_sub),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
