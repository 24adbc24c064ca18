/* phout: Phantom's result line; see phout.h. The four phases partition the request, so that
 * interval_real = connect_time + send_time + latency + receive_time exactly: a phase that did
 * not happen (no connect on a kept-alive connection, no answer after a timeout) is 0 and the
 * time goes to the phase in which the request ended. */
#include "phout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

int phout_create(const char *path, int per_worker, unsigned first, unsigned nworkers)
{
    return linelog_create(path, "--phout", NULL, per_worker, first, nworkers);
}

int phout_open(struct linelog *p, const char *path, int per_worker, unsigned worker)
{
    return linelog_open(p, path, "--phout", per_worker, worker);
}

int phout_net_code(enum errkind kind)
{
    switch (kind) {
    case ERR_NONE: return 0;
    case ERR_CONNECT_REFUSED: return ECONNREFUSED;
    case ERR_CONNECT_TIMEOUT:
    case ERR_TIMEOUT: return ETIMEDOUT;
    case ERR_CONNECT: return EHOSTUNREACH;
    case ERR_SOCKET: return EMFILE;
    case ERR_RESET:
    case ERR_CLOSED: return ECONNRESET;
    case ERR_WRITE: return EPIPE;
    case ERR_READ: return EIO;
    case ERR_PARSE: return EBADMSG;
    case ERR_HEADERS_TOO_LARGE: return EMSGSIZE;
    case ERR_DNS: return EHOSTUNREACH;
    case ERR_TLS: return EPROTO;
    case ERR_ABORTED:
    case ERR_PLUGIN: return ECANCELED;
    case ERR_CHECK_FAILED:
    case ERR_CAPTURE_FAILED: return 0; /* the exchange went well: the answer was wrong */
    case ERR_UNSET_VARIABLE: return ECANCELED;
    case ERR_WS_HANDSHAKE:
    case ERR_WS_PROTOCOL: return EPROTO;
    case ERR_KIND_COUNT: break;
    }
    return EIO;
}

/* t, or when it did not happen `missing`, kept within [lo, hi]. */
static int64_t point(int64_t t, int64_t missing, int64_t lo, int64_t hi)
{
    if (!t)
        t = missing;
    return t < lo ? lo : t > hi ? hi : t;
}

void phout_write(struct linelog *p, const struct phout_record *r)
{
    char *line = linelog_line(p);
    if (!line)
        return;
    int64_t end = r->end > r->start ? r->end : r->start;
    /* a phase that never began ends the request inside the one before it */
    int64_t ready = point(r->ready, r->reused ? r->start : end, r->start, end);
    int64_t sent = point(r->sent, end, ready, end);
    int64_t first = point(r->first_byte, end, sent, end);
    int64_t event = point(r->headers, end, first, end);
    /* microseconds since the start, so that the phases add up to the whole exactly */
    int64_t ready_us = (ready - r->start) / 1000, sent_us = (sent - r->start) / 1000;
    int64_t first_us = (first - r->start) / 1000, end_us = (end - r->start) / 1000;
    int64_t wall_ms = r->wall_start_ns / 1000000;
    int n = snprintf(line, LINELOG_LINE_MAX,
                     "%" PRId64 ".%03" PRId64 "\t%.200s\t%" PRId64 "\t%" PRId64 "\t%" PRId64
                     "\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%" PRIu64 "\t%" PRIu64
                     "\t%d\t%d\n",
                     wall_ms / 1000, wall_ms % 1000, r->tag, end_us, ready_us, sent_us - ready_us,
                     first_us - sent_us, end_us - first_us, (event - r->start) / 1000,
                     r->size_out, r->size_in, phout_net_code(r->kind),
                     r->kind == ERR_NONE ? r->status : 0);
    linelog_commit(p, (size_t)n);
}
