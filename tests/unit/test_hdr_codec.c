/* Tests for hdr_codec: that hist's buckets are HdrHistogram's counts array, the encoding's
 * header and payload bytes, and exact round trips (empty, one value, the largest, many). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base64.h"
#include "hdr_codec.h"

static struct hist *hist_new(void)
{
    struct hist *h = malloc(sizeof *h);
    assert_non_null(h);
    hist_init(h);
    return h;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* HdrHistogram's countsArrayIndex for unit 1 and 3 digits, written from its definition:
 * subBucketCount 2048 (2 * 10^3 rounded up to a power of two), half 1024, and
 * bucketIndex = 53 - numberOfLeadingZeros(value | 2047). */
static unsigned hdr_reference_index(uint64_t v)
{
    int bucket = 53 - __builtin_clzll(v | 2047);
    uint64_t sub = v >> bucket;
    return (unsigned)(((uint64_t)(bucket + 1) << 10) + (sub - 1024));
}

static void test_index_is_hdrhistogram_index(void **state)
{
    (void)state;
    for (uint64_t v = 0; v < 100000; v++)
        assert_int_equal(hist_index(v), hdr_reference_index(v));
    for (int b = 11; b < 32; b++) {
        uint64_t p = UINT64_C(1) << b;
        uint64_t vs[] = {p - 1, p, p + 1, p + (p >> 1), 2 * p - 1};
        for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++)
            assert_int_equal(hist_index(vs[i]), hdr_reference_index(vs[i]));
    }
    /* the last index HdrHistogram has for highestTrackableValue 2^32 - 1 */
    assert_int_equal(hdr_reference_index(HDR_HIGHEST_TRACKABLE), HIST_LEN - 1);
}

/* The inner (V2) encoding of text: inflated, n bytes. */
static uint8_t *inflate_text(const char *text, size_t *n)
{
    size_t rawn;
    uint8_t *raw = base64_decode(text, strlen(text), &rawn);
    assert_non_null(raw);
    assert_true(rawn > 8);
    assert_int_equal(be32(raw), 0x1c849314);
    assert_int_equal(be32(raw + 4), rawn - 8);
    uLongf cap = 1 << 20;
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    assert_int_equal(uncompress(out, &cap, raw + 8, (uLong)(rawn - 8)), Z_OK);
    free(raw);
    *n = cap;
    return out;
}

static void check_header(const uint8_t *b, size_t n, uint32_t payload)
{
    assert_int_equal(n, 40 + payload);
    assert_int_equal(be32(b), 0x1c849313);
    assert_int_equal(be32(b + 4), payload);
    assert_int_equal(be32(b + 8), 0);
    assert_int_equal(be32(b + 12), 3);
    assert_true(be64(b + 16) == 1);
    assert_true(be64(b + 24) == UINT64_C(4294967295));
    assert_true(be64(b + 32) == UINT64_C(0x3ff0000000000000)); /* 1.0 */
}

/* Encodes a, decodes into a fresh histogram, and checks every count came back. */
static struct hist *round_trip(const struct hist *a)
{
    char *text = hdr_encode(a);
    assert_non_null(text);
    struct hist *b = hist_new();
    const char *why = NULL;
    assert_int_equal(hdr_decode_add(text, b, &why), 0);
    free(text);
    assert_true(b->count == a->count);
    for (unsigned i = 0; i < HIST_LEN; i++)
        assert_true(b->counts[i] == a->counts[i]);
    return b;
}

static void test_empty(void **state)
{
    (void)state;
    struct hist *a = hist_new();
    char *text = hdr_encode(a);
    size_t n;
    uint8_t *b = inflate_text(text, &n);
    check_header(b, n, 1);
    assert_int_equal(b[40], 0); /* index 0's count, as HdrHistogram writes an empty one */
    free(b);
    free(text);
    struct hist *c = round_trip(a);
    assert_true(c->count == 0 && c->max_ns == 0 && c->min_ns == UINT64_MAX);
    free(c);
    free(a);
}

static void test_single_value(void **state)
{
    (void)state;
    struct hist *a = hist_new();
    hist_record(a, 1234567); /* 1234 us: below 2048, its own index */
    char *text = hdr_encode(a);
    size_t n;
    uint8_t *b = inflate_text(text, &n);
    /* 1234 zeros as -1234 (ZigZag 2467 = 0x23 | 0x80, 0x13), then the count 1 (ZigZag 2) */
    check_header(b, n, 3);
    assert_int_equal(b[40], 0xa3);
    assert_int_equal(b[41], 0x13);
    assert_int_equal(b[42], 0x02);
    free(b);
    free(text);
    struct hist *c = round_trip(a);
    assert_int_equal(hist_percentile_us(c, 50), 1234);
    assert_true(c->min_ns == 1234000 && c->max_ns == 1234000);
    free(c);
    free(a);
}

static void test_max_value(void **state)
{
    (void)state;
    struct hist *a = hist_new();
    hist_record(a, (uint64_t)HDR_HIGHEST_TRACKABLE * 1000);
    hist_record(a, UINT64_C(1) << 50); /* past the range: the last bucket too */
    hist_record(a, 0);
    assert_true(a->counts[HIST_LEN - 1] == 2);
    struct hist *c = round_trip(a);
    assert_true(c->min_ns == 0);
    assert_true(c->max_ns == hist_value_high(HIST_LEN - 1) * 1000);
    free(c);
    free(a);
}

/* Counts of every size, so that varints of every length (up to 9 bytes) are exercised. */
static void test_many_values(void **state)
{
    (void)state;
    struct hist *a = hist_new();
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        hist_record(a, (x % 1000) * (x >> 54) * 37); /* spread over many powers of two */
    }
    a->counts[3] += UINT64_C(1) << 62; /* a 9-byte varint */
    a->counts[4] += UINT64_C(1) << 56;
    a->count += (UINT64_C(1) << 62) + (UINT64_C(1) << 56);
    struct hist *c = round_trip(a);
    free(c);
    free(a);
}

static void test_decode_adds_and_refuses(void **state)
{
    (void)state;
    struct hist *a = hist_new(), *b = hist_new();
    hist_record(a, 500000);
    hist_record(b, 7000000);
    char *ta = hdr_encode(a), *tb = hdr_encode(b);
    struct hist *m = hist_new();
    const char *why;
    assert_int_equal(hdr_decode_add(ta, m, &why), 0);
    assert_int_equal(hdr_decode_add(tb, m, &why), 0);
    assert_true(m->count == 2);
    assert_int_equal(hist_percentile_us(m, 50), 500);
    assert_int_equal(hist_percentile_us(m, 100), hist_value_high(hist_index(7000)));

    assert_int_equal(hdr_decode_add("not base64!", m, &why), -1);
    assert_int_equal(hdr_decode_add("AAAAAAAAAAA=", m, &why), -1); /* no cookie */
    ta[strlen(ta) - 4] = ta[strlen(ta) - 4] == 'A' ? 'B' : 'A'; /* zlib's checksum fails */
    assert_int_equal(hdr_decode_add(ta, m, &why), -1);
    assert_true(m->count == 2);
    free(ta);
    free(tb);
    free(a);
    free(b);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_is_hdrhistogram_index),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_single_value),
        cmocka_unit_test(test_max_value),
        cmocka_unit_test(test_many_values),
        cmocka_unit_test(test_decode_adds_and_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
