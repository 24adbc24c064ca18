/* trace: an optional per-request log (--trace FILE), one tab-separated line per finished
 * request, for checking schedules and counts after a run. Each worker buffers its lines and
 * appends whole lines with O_APPEND, so lines from several workers never interleave. */
#ifndef STAMPEDE_TRACE_H
#define STAMPEDE_TRACE_H

#include <stddef.h>
#include <stdint.h>

struct trace {
    int fd;             /* -1 when tracing is off */
    const char *path;
    char *buf;
    size_t len, cap;
    int failed;         /* a write failed; the error has been reported once */
};

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

/* Parent, before fork: creates or truncates path (0600, never through a symlink) and writes
 * the column header. Returns 0, or -1 after printing a one-line error. */
int trace_create(const char *path);
/* Worker: opens path for appending. tracing is off when path is NULL. */
int trace_open(struct trace *t, const char *path);
void trace_write(struct trace *t, const struct trace_record *r);
/* Writes what is buffered; returns -1 when any write of this trace failed. */
int trace_close(struct trace *t);

#endif
