/* rng: PCG32 (O'Neill's permuted congruential generator), one stream per client so that a run
 * with the same seed makes the same random choices, whatever the scheduling. */
#ifndef STAMPEDE_RNG_H
#define STAMPEDE_RNG_H

#include <stdint.h>

struct rng {
    uint64_t state;
    uint64_t inc; /* stream selector, always odd */
};

/* Seeds the generator for (seed, stream); the client number is the stream. */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
uint32_t rng_next(struct rng *r);
/* Uniform in [0, bound) without modulo bias; 0 when bound is 0. */
uint32_t rng_bounded(struct rng *r, uint32_t bound);
/* Uniform in [0, bound) for 64-bit bounds. */
uint64_t rng_bounded64(struct rng *r, uint64_t bound);
/* delay - jitter + rand(2 * jitter), never negative (nanoseconds; jitter drawn in whole us). */
int64_t rng_jitter(struct rng *r, int64_t delay_ns, int64_t jitter_ns);

#endif
