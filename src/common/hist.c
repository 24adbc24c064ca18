/* hist: the log-linear latency histogram. Values below 2^HIST_SUB_BITS us get one bucket each;
 * above, every power of two is split into HIST_HALF buckets, so a bucket is never wider than
 * 1/1024 of its lowest value. The index is computed with a shift, never a division, because
 * hist_record runs once per response. */
#include "hist.h"

#include <math.h>

#define RELAXED memory_order_relaxed

static inline uint64_t load(const _Atomic uint64_t *p)
{
    return atomic_load_explicit(p, RELAXED);
}

/* One writer per histogram, so load + store is enough and avoids a locked RMW per request. */
static inline void store(_Atomic uint64_t *p, uint64_t v)
{
    atomic_store_explicit(p, v, RELAXED);
}

void hist_init(struct hist *h)
{
    store(&h->count, 0);
    store(&h->sum_ns, 0);
    store(&h->min_ns, UINT64_MAX);
    store(&h->max_ns, 0);
    for (unsigned i = 0; i < HIST_LEN; i++)
        store(&h->counts[i], 0);
}

unsigned hist_index(uint64_t us)
{
    if (us >> HIST_MAX_BITS)
        return HIST_LEN - 1;
    /* `| 1` keeps clz defined for 0, which lands in bucket 0 anyway. */
    int msb = 63 - __builtin_clzll(us | 1);
    int b = msb - (HIST_SUB_BITS - 1);
    if (b < 0)
        b = 0;
    return (unsigned)b * HIST_HALF + (unsigned)(us >> b);
}

uint64_t hist_value_low(unsigned index)
{
    if (index < 2 * HIST_HALF)
        return index;
    /* Indexes from (b+1)*HALF to (b+2)*HALF-1 hold (us >> b) in [HALF, 2*HALF). */
    unsigned b = (index >> (HIST_SUB_BITS - 1)) - 1;
    uint64_t sub = index - b * HIST_HALF;
    return sub << b;
}

uint64_t hist_value_high(unsigned index)
{
    if (index < 2 * HIST_HALF)
        return index;
    unsigned b = (index >> (HIST_SUB_BITS - 1)) - 1;
    return hist_value_low(index) + (UINT64_C(1) << b) - 1;
}

void hist_record(struct hist *h, uint64_t ns)
{
    unsigned i = hist_index(ns / 1000);
    store(&h->counts[i], load(&h->counts[i]) + 1);
    store(&h->count, load(&h->count) + 1);
    store(&h->sum_ns, load(&h->sum_ns) + ns);
    if (ns < load(&h->min_ns))
        store(&h->min_ns, ns);
    if (ns > load(&h->max_ns))
        store(&h->max_ns, ns);
}

void hist_add(struct hist *dst, const struct hist *src)
{
    store(&dst->count, load(&dst->count) + load(&src->count));
    store(&dst->sum_ns, load(&dst->sum_ns) + load(&src->sum_ns));
    uint64_t min = load(&src->min_ns), max = load(&src->max_ns);
    if (min < load(&dst->min_ns))
        store(&dst->min_ns, min);
    if (max > load(&dst->max_ns))
        store(&dst->max_ns, max);
    for (unsigned i = 0; i < HIST_LEN; i++) {
        uint64_t c = load(&src->counts[i]);
        if (c)
            store(&dst->counts[i], load(&dst->counts[i]) + c);
    }
}

void hist_sub(struct hist *dst, const struct hist *a, const struct hist *b)
{
    /* Min and max of an interval are unknowable from two snapshots; a's bound the interval. */
    store(&dst->count, load(&a->count) - load(&b->count));
    store(&dst->sum_ns, load(&a->sum_ns) - load(&b->sum_ns));
    store(&dst->min_ns, load(&a->min_ns));
    store(&dst->max_ns, load(&a->max_ns));
    for (unsigned i = 0; i < HIST_LEN; i++)
        store(&dst->counts[i], load(&a->counts[i]) - load(&b->counts[i]));
}

uint64_t hist_percentile_us(const struct hist *h, double q)
{
    uint64_t count = load(&h->count);
    if (count == 0)
        return 0;
    uint64_t min_us = load(&h->min_ns) / 1000, max_us = load(&h->max_ns) / 1000;
    if (q <= 0)
        return min_us;
    if (q >= 100)
        return max_us;

    /* Rank = ceil(q% of count). The small relative slack stops 99.9% of 100000 (which is
     * 99900.00000000001 in doubles) from rounding up to the next sample. */
    double x = q / 100.0 * (double)count;
    uint64_t rank = (uint64_t)ceil(x - x * 1e-12);
    if (rank < 1)
        rank = 1;
    if (rank > count)
        rank = count;

    uint64_t cum = 0, v = max_us;
    for (unsigned i = 0; i < HIST_LEN; i++) {
        cum += load(&h->counts[i]);
        if (cum >= rank) {
            /* The last bucket also holds every clamped value, so its top is the max. */
            v = i == HIST_LEN - 1 ? max_us : hist_value_high(i);
            break;
        }
    }
    /* Reaching the end without the rank means a live histogram caught mid-update: max. */
    if (v > max_us)
        v = max_us;
    if (v < min_us)
        v = min_us;
    return v;
}

double hist_mean_us(const struct hist *h)
{
    uint64_t count = load(&h->count);
    if (count == 0)
        return 0;
    return (double)load(&h->sum_ns) / (double)count / 1000.0;
}
