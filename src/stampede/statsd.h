/* statsd: the run's figures pushed to a StatsD server over UDP, by the parent from the
 * scoreboard, once a second and once more at the end (so the counters add up to the summary).
 * Counters go as deltas, gauges as values, and each second's latencies as timing samples: the
 * interval's quantiles at evenly spaced ranks, each with the sample rate that makes StatsD count
 * every request. Names are documented in stampede(1). */
#ifndef STAMPEDE_STATSD_H
#define STAMPEDE_STATSD_H

#include <stddef.h>
#include <stdint.h>

#include "scoreboard.h"

#define STATSD_PACKET 1432 /* fits an Ethernet MTU with the IPv6 and UDP headers */

struct statsd {
    int fd;
    const char *ns;
    const struct sb_header *h;
    uint64_t *prev;        /* counters at the last push, in the order counters() makes them */
    uint64_t *cur;         /* scratch: the counters now */
    size_t ncounters;
    size_t ntimings;       /* all requests, one per request name, intended */
    struct hist *last;     /* [ntimings]: the histograms at the last push */
    struct hist *now, *interval; /* scratch */
    char pkt[STATSD_PACKET];
    size_t len;
    uint64_t packets, send_errors;
};

/* Opens a UDP socket to addr (HOST:PORT). Returns 0, or -1 with the reason in err. */
int statsd_open(struct statsd *s, const char *addr, const char *ns, const struct sb_header *h,
                char *err, size_t errlen);
/* Sends what changed since the last push. */
void statsd_push(struct statsd *s);
void statsd_close(struct statsd *s);

#endif
