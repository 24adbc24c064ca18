/* trace: the --trace line of a finished request; see trace.h. */
#include "trace.h"

#include <inttypes.h>
#include <stdio.h>

static const char trace_columns[] = "# worker\tclient\tround\trequest\tstart_us\tpredelay_us\t"
                                    "postdelay_us\tstatus\tlatency_us\tbytes_in\treused\thop\treason\t"
                                    "retried\n";

int trace_create(const char *path, int per_worker, unsigned first, unsigned nworkers)
{
    return linelog_create(path, "--trace", trace_columns, per_worker, first, nworkers);
}

int trace_open(struct linelog *t, const char *path, int per_worker, unsigned worker)
{
    return linelog_open(t, path, "--trace", per_worker, worker);
}

void trace_write(struct linelog *t, const struct trace_record *r)
{
    char *line = linelog_line(t);
    if (!line)
        return;
    int n = snprintf(line, LINELOG_LINE_MAX,
                     "%u\t%" PRIu64 "\t%" PRIu64 "\t%s\t%" PRId64 "\t%" PRId64 "\t%" PRId64
                     "\t%d\t%" PRId64 "\t%" PRIu64 "\t%d\t%u\t%s\t%d\n",
                     r->worker, r->client, r->round, r->request, r->start_ns / 1000,
                     r->predelay_ns / 1000, r->postdelay_ns / 1000, r->status,
                     r->latency_ns / 1000, r->bytes_in, r->reused, r->hop,
                     r->reason ? r->reason : "", r->retried);
    if (n >= LINELOG_LINE_MAX) { /* a very long reason: cut it, keep the line whole */
        int tail = snprintf(NULL, 0, "\t%d\n", r->retried);
        n = LINELOG_LINE_MAX - 1;
        snprintf(line + n - tail, (size_t)tail + 1, "\t%d\n", r->retried);
    }
    linelog_commit(t, (size_t)n);
}
