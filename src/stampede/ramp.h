/* ramp: which worker runs which client, and when each client starts (HTTP::LoadGen's rule). */
#ifndef STAMPEDE_RAMP_H
#define STAMPEDE_RAMP_H

#include <stdint.h>

struct ramp {
    uint64_t clients;      /* total over all workers */
    uint64_t start;        /* clients started at T0 */
    int64_t duration_ns;   /* the last client starts at T0 + duration_ns */
};

/* The number in the whole run of worker w of segment `segment` (segment.h), each segment
 * running `workers` of them: segment * workers + w. A run's workers are numbered so, and split
 * clients and arrivals by that number, however many processes or hosts run them. */
unsigned ramp_run_worker(unsigned segment, unsigned workers, unsigned w);
/* How many of the `clients` worker p of n runs: clients/n + (p < clients % n). */
uint64_t ramp_worker_clients(uint64_t clients, unsigned n, unsigned p);
/* The global number of worker p's i-th client: p + i * n. */
uint64_t ramp_client_number(unsigned n, unsigned p, uint64_t i);
/* Start offset from T0 of global client k: 0 for k < start, else
 * (k - start + 1) * duration / (clients - start), exact in integers. */
int64_t ramp_start_offset(const struct ramp *r, uint64_t k);
/* How many clients have started by offset t (those due at t included). */
uint64_t ramp_started_by(const struct ramp *r, int64_t t);

#endif
