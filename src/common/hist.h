/* hist: latency histogram in the HdrHistogram manner: log-linear buckets, 3 significant digits,
 * values in microseconds from 0 to 2^32 us (over an hour). Recording is a shift and an add;
 * histograms merge by adding counts. A struct hist lives in the scoreboard, written by one
 * process and read by others, so its fields are relaxed atomics. */
#ifndef STAMPEDE_HIST_H
#define STAMPEDE_HIST_H

#include <stdatomic.h>
#include <stdint.h>

#define HIST_SUB_BITS 11 /* 2048 sub-buckets per power of two: error < 1/1024 */
#define HIST_HALF (1u << (HIST_SUB_BITS - 1))
#define HIST_MAX_BITS 32 /* values >= 2^32 us are recorded as the largest bucket */
#define HIST_LEN ((HIST_MAX_BITS - HIST_SUB_BITS + 1) * HIST_HALF + HIST_HALF)

struct hist {
    _Atomic uint64_t count;
    _Atomic uint64_t sum_ns; /* exact sum, for the mean */
    _Atomic uint64_t min_ns; /* UINT64_MAX when empty */
    _Atomic uint64_t max_ns;
    _Atomic uint64_t counts[HIST_LEN];
};

void hist_init(struct hist *h);
/* Records one value (nanoseconds; bucketed in microseconds). Single writer only. */
void hist_record(struct hist *h, uint64_t ns);
/* dst += src (dst may be local memory; src may be live in the scoreboard). */
void hist_add(struct hist *dst, const struct hist *src);
/* dst = a - b, for interval percentiles from two snapshots of one histogram. */
void hist_sub(struct hist *dst, const struct hist *a, const struct hist *b);
/* Value at percentile q (0..100) in microseconds: the highest value equivalent to the bucket
 * holding the q-th percentile sample, clamped to the exact max. 0 when empty. */
uint64_t hist_percentile_us(const struct hist *h, double q);
double hist_mean_us(const struct hist *h);

/* Bucket arithmetic, exposed for tests. */
unsigned hist_index(uint64_t us);
uint64_t hist_value_low(unsigned index);
uint64_t hist_value_high(unsigned index);

#endif
