/* trace: per-request log lines, buffered per worker. */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"

#define TRACE_BUF (64 * 1024)
#define TRACE_LINE_MAX 512

static const char trace_columns[] = "# worker\tclient\tround\trequest\tstart_us\tpredelay_us\t"
                                    "postdelay_us\tstatus\tlatency_us\tbytes_in\treused\thop\treason\t"
                                    "retried\n";

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int trace_create(const char *path)
{
    int fd = outfile_create(path);
    if (fd < 0 || write_all(fd, trace_columns, sizeof(trace_columns) - 1) < 0) {
        fprintf(stderr, "stampede: --trace %s: %s\n", path, outfile_error(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return close(fd);
}

int trace_open(struct trace *t, const char *path)
{
    memset(t, 0, sizeof(*t));
    t->fd = -1;
    if (!path)
        return 0;
    t->path = path;
    t->buf = malloc(TRACE_BUF);
    t->cap = TRACE_BUF;
    t->fd = outfile_append(path);
    if (!t->buf || t->fd < 0) {
        fprintf(stderr, "stampede: --trace %s: %s\n", path, outfile_error(errno));
        return -1;
    }
    return 0;
}

static void trace_flush(struct trace *t)
{
    if (t->len && !t->failed && write_all(t->fd, t->buf, t->len) < 0) {
        fprintf(stderr, "stampede: --trace %s: %s (trace lines lost from here on)\n", t->path,
                strerror(errno));
        t->failed = 1;
    }
    t->len = 0;
}

void trace_write(struct trace *t, const struct trace_record *r)
{
    if (t->fd < 0)
        return;
    if (t->cap - t->len < TRACE_LINE_MAX)
        trace_flush(t);
    int n = snprintf(t->buf + t->len, TRACE_LINE_MAX,
                     "%u\t%" PRIu64 "\t%" PRIu64 "\t%s\t%" PRId64 "\t%" PRId64 "\t%" PRId64
                     "\t%d\t%" PRId64 "\t%" PRIu64 "\t%d\t%u\t%s\t%d\n",
                     r->worker, r->client, r->round, r->request, r->start_ns / 1000,
                     r->predelay_ns / 1000, r->postdelay_ns / 1000, r->status,
                     r->latency_ns / 1000, r->bytes_in, r->reused, r->hop,
                     r->reason ? r->reason : "", r->retried);
    if (n >= TRACE_LINE_MAX) { /* a very long reason: cut it, keep the line whole */
        int tail = snprintf(NULL, 0, "\t%d\n", r->retried);
        n = TRACE_LINE_MAX - 1;
        snprintf(t->buf + t->len + n - tail, (size_t)tail + 1, "\t%d\n", r->retried);
    }
    t->len += (size_t)n;
}

int trace_close(struct trace *t)
{
    if (t->fd >= 0) {
        trace_flush(t);
        close(t->fd);
    }
    free(t->buf);
    int failed = t->failed;
    memset(t, 0, sizeof(*t));
    t->fd = -1;
    return failed ? -1 : 0;
}
