/* ramp: the global client numbering and the ramp-up timetable. Every worker computes the same
 * timetable from the client's global number, so the union of all workers is exactly linear. */
#include "ramp.h"

unsigned ramp_run_worker(unsigned segment, unsigned workers, unsigned w)
{
    return segment * workers + w;
}

uint64_t ramp_worker_clients(uint64_t clients, unsigned n, unsigned p)
{
    if (n == 0)
        return 0;
    return clients / n + (p < clients % n);
}

uint64_t ramp_client_number(unsigned n, unsigned p, uint64_t i)
{
    return p + i * n;
}

int64_t ramp_start_offset(const struct ramp *r, uint64_t k)
{
    if (k < r->start || r->clients <= r->start || r->duration_ns <= 0)
        return 0;
    uint64_t span = r->clients - r->start;
    uint64_t step = k - r->start + 1;
    if (step > span) /* a number past the last client starts with the last one */
        step = span;
    /* 128 bits: 10^9 clients times days of nanoseconds overflows 64. */
    unsigned __int128 t = (unsigned __int128)step * (uint64_t)r->duration_ns;
    return (int64_t)(t / span);
}

uint64_t ramp_started_by(const struct ramp *r, int64_t t)
{
    /* offsets grow with k: find the first client due after t */
    uint64_t lo = 0, hi = r->clients;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ramp_start_offset(r, mid) <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
