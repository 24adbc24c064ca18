/* trace: an optional per-request log (--trace FILE), one tab-separated line per finished
 * request, for checking schedules and counts after a run (the columns are in stampede(1)). */
#ifndef STAMPEDE_TRACE_H
#define STAMPEDE_TRACE_H

#include <stdint.h>

#include "linelog.h"

struct trace_record {
    unsigned worker;
    uint64_t client, round;
    const char *request;
    int64_t start_ns;   /* relative to T0 */
    int64_t predelay_ns, postdelay_ns;
    int status;
    int64_t latency_ns;
    uint64_t bytes_in;
    int reused;
    int retried; /* sent again on a fresh connection after a kept-alive one failed */
    unsigned hop;       /* 0, or which redirect of the request this was */
    const char *reason;
};

/* Parent, before fork: creates path with the column header. 0, or -1 after a message. */
int trace_create(const char *path, int per_worker, unsigned first, unsigned nworkers);
/* Worker: opens path for appending; tracing is off when path is NULL. */
int trace_open(struct linelog *t, const char *path, int per_worker, unsigned worker);
void trace_write(struct linelog *t, const struct trace_record *r);

#endif
