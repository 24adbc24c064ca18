/* rng: PCG32, the XSH RR 64/32 variant: a 64-bit LCG whose state is permuted into a 32-bit
 * output by an xorshift and a data-dependent rotation. Small, fast, and with 2^63 independent
 * streams, so every client can have its own reproducible sequence. */
#include "rng.h"

#define PCG_MULT UINT64_C(6364136223846793005)

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
    /* The reference seeding: step once from 0 so the seed is mixed by the stream's increment. */
    r->inc = (stream << 1) | 1;
    r->state = 0;
    rng_next(r);
    r->state += seed;
    rng_next(r);
}

uint32_t rng_next(struct rng *r)
{
    uint64_t old = r->state;
    r->state = old * PCG_MULT + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    unsigned rot = (unsigned)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
}

/* Lemire's multiply-and-reject: the high half of x * bound is uniform once the low half is at
 * least 2^32 mod bound; the division to compute that happens only on the rare slow path. */
uint32_t rng_bounded(struct rng *r, uint32_t bound)
{
    if (bound == 0)
        return 0;
    uint64_t m = (uint64_t)rng_next(r) * bound;
    uint32_t low = (uint32_t)m;
    if (low < bound) {
        uint32_t threshold = -bound % bound;
        while (low < threshold) {
            m = (uint64_t)rng_next(r) * bound;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

static uint64_t next64(struct rng *r)
{
    uint64_t hi = rng_next(r);
    return hi << 32 | rng_next(r);
}

uint64_t rng_bounded64(struct rng *r, uint64_t bound)
{
    /* Small bounds (the usual case) need one 32-bit draw, not two. */
    if (bound <= UINT32_MAX)
        return rng_bounded(r, (uint32_t)bound);
    unsigned __int128 m = (unsigned __int128)next64(r) * bound;
    uint64_t low = (uint64_t)m;
    if (low < bound) {
        uint64_t threshold = -bound % bound;
        while (low < threshold) {
            m = (unsigned __int128)next64(r) * bound;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

int64_t rng_jitter(struct rng *r, int64_t delay_ns, int64_t jitter_ns)
{
    /* Whole microseconds keep the draw small; a sub-microsecond jitter is no jitter. Using the
     * truncated jitter on both sides keeps the result centred on the delay. */
    uint64_t jitter_us = jitter_ns > 0 ? (uint64_t)jitter_ns / 1000 : 0;
    if (jitter_us == 0)
        return delay_ns;
    uint64_t d = rng_bounded64(r, 2 * jitter_us);
    int64_t v = delay_ns - (int64_t)(jitter_us * 1000) + (int64_t)(d * 1000);
    return v < 0 ? 0 : v;
}
