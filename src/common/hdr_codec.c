/* hdr_codec: HdrHistogram's V2 encoding, written from its documented layout.
 *
 * Compressed wrapper (big-endian): int32 cookie 0x1c849314, int32 length of what follows, then
 * zlib's deflate of the V2 encoding:
 *   int32 cookie 0x1c849313, int32 payload length, int32 normalizingIndexOffset (0),
 *   int32 numberOfSignificantValueDigits (3), int64 lowestDiscernibleValue (1),
 *   int64 highestTrackableValue, float64 integerToDoubleValueConversionRatio (1.0),
 *   payload: the counts array from index 0 up to the last non-zero count, each count a ZigZag
 *   LEB128 varint of at most 9 bytes (the 9th carries 8 bits), a run of two or more zero counts
 *   written as one negative number, minus the run's length. */
#include "hdr_codec.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base64.h"

#define HEADER_SIZE 40
#define WORD_MAX 9                /* bytes of the longest varint */
#define WORD_SIZE_BITS 0x10       /* what HdrHistogram writes in the cookie's word-size bits */
#define INFLATED_MAX (1u << 20)   /* far above HEADER_SIZE + WORD_MAX * HIST_LEN */
#define DOUBLE_ONE UINT64_C(0x3ff0000000000000)

#define RELAXED memory_order_relaxed

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* ZigZag, then 7 bits a byte, low first, the top bit saying "more"; a 9th byte has 8 bits. */
static size_t put_varint(uint8_t *p, int64_t v)
{
    uint64_t z = v < 0 ? ~((uint64_t)v << 1) : (uint64_t)v << 1;
    size_t n = 0;
    while (n < WORD_MAX - 1 && z >> 7) {
        p[n++] = (uint8_t)(z | 0x80);
        z >>= 7;
    }
    p[n++] = (uint8_t)z;
    return n;
}

static int get_varint(const uint8_t **p, const uint8_t *end, int64_t *out)
{
    uint64_t z = 0;
    for (int i = 0; i < WORD_MAX; i++) {
        if (*p == end)
            return -1;
        uint8_t b = *(*p)++;
        if (i == WORD_MAX - 1) {
            z |= (uint64_t)b << 56;
            break;
        }
        z |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            break;
    }
    *out = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    return 0;
}

/* The uncompressed V2 encoding into buf (room for HEADER_SIZE + WORD_MAX * HIST_LEN); its
 * length. One pass: each count is read once, and the bytes after the last non-zero count
 * (a trailing zero run) are cut off. */
static size_t encode_v2(const struct hist *h, uint8_t *buf)
{
    size_t pos = HEADER_SIZE, keep = HEADER_SIZE;
    uint64_t zeros = 0;
    for (unsigned i = 0; i < HIST_LEN; i++) {
        uint64_t c = atomic_load_explicit(&h->counts[i], RELAXED);
        if (!c) {
            zeros++;
            continue;
        }
        if (zeros) /* a lone zero is written as a count of 0 */
            pos += put_varint(buf + pos, zeros > 1 ? -(int64_t)zeros : 0);
        zeros = 0;
        pos += put_varint(buf + pos, (int64_t)c);
        keep = pos;
    }
    if (keep == HEADER_SIZE) /* empty: HdrHistogram writes index 0's count */
        keep += put_varint(buf + keep, 0);
    put32(buf, HDR_COOKIE_V2 | WORD_SIZE_BITS);
    put32(buf + 4, (uint32_t)(keep - HEADER_SIZE));
    put32(buf + 8, 0);
    put32(buf + 12, HDR_SIGNIFICANT_DIGITS);
    put64(buf + 16, 1);
    put64(buf + 24, HDR_HIGHEST_TRACKABLE);
    put64(buf + 32, DOUBLE_ONE);
    return keep;
}

char *hdr_encode(const struct hist *h)
{
    uint8_t *raw = malloc(HEADER_SIZE + (size_t)WORD_MAX * HIST_LEN);
    if (!raw)
        return NULL;
    size_t n = encode_v2(h, raw);
    uLongf zlen = compressBound((uLong)n);
    uint8_t *z = malloc(8 + zlen);
    char *text = NULL;
    if (z && compress2(z + 8, &zlen, raw, (uLong)n, Z_DEFAULT_COMPRESSION) == Z_OK) {
        put32(z, HDR_COOKIE_V2_COMPRESSED | WORD_SIZE_BITS);
        put32(z + 4, (uint32_t)zlen);
        text = base64_encode(z, 8 + zlen);
    }
    free(z);
    free(raw);
    return text;
}

/* The counts of a V2 encoding (buf, n bytes) into counts[HIST_LEN]. 0, or -1 and *why. */
static int decode_v2(const uint8_t *buf, size_t n, uint64_t *counts, const char **why)
{
    if (n < HEADER_SIZE || (get32(buf) & ~HDR_COOKIE_WORD_BITS) != HDR_COOKIE_V2) {
        *why = "no V2 histogram inside the compressed data";
        return -1;
    }
    uint32_t len = get32(buf + 4);
    if (len > n - HEADER_SIZE) {
        *why = "the payload is shorter than its header says";
        return -1;
    }
    if (get32(buf + 8) != 0 || get32(buf + 12) != HDR_SIGNIFICANT_DIGITS ||
        get64(buf + 16) != 1) {
        *why = "not a histogram of 3 significant digits, unit 1 and no index offset";
        return -1;
    }
    const uint8_t *p = buf + HEADER_SIZE, *end = p + len;
    uint64_t index = 0;
    while (p < end) {
        int64_t v;
        if (get_varint(&p, end, &v) < 0) {
            *why = "a count is cut off";
            return -1;
        }
        if (v < 0) {
            if (v < -(int64_t)INT32_MAX) {
                *why = "a run of zero counts is too long";
                return -1;
            }
            index += (uint64_t)-v;
            continue;
        }
        /* past 2^32 us: the last bucket, as hist_record clamps */
        counts[index < HIST_LEN ? index : HIST_LEN - 1] += (uint64_t)v;
        index++;
    }
    return 0;
}

/* Adds counts to h, with the min, max and sum that counts alone can tell. */
static void add_counts(struct hist *h, const uint64_t *counts)
{
    uint64_t total = 0, sum_ns = 0, min_ns = UINT64_MAX, max_ns = 0;
    for (unsigned i = 0; i < HIST_LEN; i++) {
        uint64_t c = counts[i];
        if (!c)
            continue;
        uint64_t low = hist_value_low(i), high = hist_value_high(i);
        if (min_ns == UINT64_MAX)
            min_ns = low * 1000;
        max_ns = high * 1000;
        total += c;
        sum_ns += c * (low + (high - low + 1) / 2) * 1000;
        atomic_store_explicit(&h->counts[i],
                              atomic_load_explicit(&h->counts[i], RELAXED) + c, RELAXED);
    }
    if (!total)
        return;
    atomic_store_explicit(&h->count, atomic_load_explicit(&h->count, RELAXED) + total, RELAXED);
    atomic_store_explicit(&h->sum_ns, atomic_load_explicit(&h->sum_ns, RELAXED) + sum_ns,
                          RELAXED);
    if (min_ns < atomic_load_explicit(&h->min_ns, RELAXED))
        atomic_store_explicit(&h->min_ns, min_ns, RELAXED);
    if (max_ns > atomic_load_explicit(&h->max_ns, RELAXED))
        atomic_store_explicit(&h->max_ns, max_ns, RELAXED);
}

int hdr_decode_add(const char *text, struct hist *h, const char **why)
{
    size_t len = strlen(text), rawn = 0;
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
    uint8_t *raw = base64_decode(text, len, &rawn), *buf = NULL;
    uint64_t *counts = NULL;
    int rc = -1;
    *why = "not base64";
    if (!raw)
        goto out;
    *why = "not a compressed HdrHistogram (cookie)";
    if (rawn < 8 || (get32(raw) & ~HDR_COOKIE_WORD_BITS) != HDR_COOKIE_V2_COMPRESSED)
        goto out;
    uint32_t zlen = get32(raw + 4);
    *why = "the compressed data is shorter than its header says";
    if (zlen > rawn - 8)
        goto out;
    *why = "out of memory";
    buf = malloc(INFLATED_MAX);
    counts = calloc(HIST_LEN, sizeof(*counts));
    if (!buf || !counts)
        goto out;
    uLongf n = INFLATED_MAX;
    *why = "the compressed data does not inflate (zlib)";
    if (uncompress(buf, &n, raw + 8, zlen) != Z_OK)
        goto out;
    if (decode_v2(buf, n, counts, why) < 0)
        goto out;
    add_counts(h, counts);
    rc = 0;
out:
    free(raw);
    free(buf);
    free(counts);
    return rc;
}
