/* clock: the one clock of a run (CLOCK_MONOTONIC, nanoseconds, the same in every process) and
 * its conversion to the timevals libevent takes. */
#ifndef STAMPEDE_CLOCK_H
#define STAMPEDE_CLOCK_H

#include <stdint.h>
#include <sys/time.h>
#include <time.h>

static inline int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A duration as a timeval; negative ones are 0. */
static inline struct timeval timeval_of_ns(int64_t ns)
{
    if (ns < 0)
        ns = 0;
    struct timeval tv = {.tv_sec = ns / 1000000000, .tv_usec = (ns % 1000000000) / 1000};
    return tv;
}

#endif
