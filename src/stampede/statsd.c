/* statsd: see statsd.h. UDP may lose a packet; a push never blocks the parent (the socket is
 * non-blocking) and a failed send is counted, not retried. */
#include "statsd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netaddr.h"

#define TIMING_SAMPLES 32 /* per timing and push: quantiles at ranks (j + 0.5) / 32 */

static const char *const counter_names[] = {
    "requests.ok", "requests.failed", "bytes.sent", "bytes.received", "connections.opened",
    "connections.reused", "dropped", "channels.opened", "channels.failed",
    "channels.messages.sent", "channels.messages.received", "channels.bytes.sent",
    "channels.bytes.received",
};
#define NFIXED (sizeof(counter_names) / sizeof(counter_names[0]))

static size_t counter_count(const struct sb_header *h)
{
    return NFIXED + ERR_KIND_COUNT + SB_STATUS_MAX + SB_CLOSE_CODES + 2 * (size_t)h->nrequests;
}

static void flush(struct statsd *s)
{
    if (!s->len)
        return;
    if (send(s->fd, s->pkt, s->len, MSG_DONTWAIT) < 0)
        s->send_errors++; /* no listener (ECONNREFUSED from an earlier packet) or a full queue */
    else
        s->packets++;
    s->len = 0;
}

/* One metric line; packets are filled up to STATSD_PACKET and split between lines. */
static void line(struct statsd *s, const char *fmt, ...)
{
    char l[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l, sizeof(l), fmt, ap);
    va_end(ap);
    if (n <= 0 || (size_t)n >= sizeof(l))
        return;
    if (s->len + (size_t)n + 1 > sizeof(s->pkt))
        flush(s);
    if (s->len)
        s->pkt[s->len++] = '\n';
    memcpy(s->pkt + s->len, l, (size_t)n);
    s->len += (size_t)n;
}

/* A request name as one StatsD path element: what StatsD treats as structure (. : | @) and
 * anything unusual becomes '_'. */
static const char *element(char *out, const char *name)
{
    size_t i = 0;
    for (; i < SB_NAME_MAX && name[i]; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_';
        out[i] = ok ? c : '_';
    }
    out[i] = '\0';
    return i ? out : "_";
}

/* The counters, summed over workers, in a fixed order. */
static void counters(const struct sb_header *h, uint64_t *v)
{
    memset(v, 0, counter_count(h) * sizeof(*v));
    for (unsigned w = 0; w < h->nworkers; w++) {
        const struct sb_counters *c = &sb_slot(h, w)->c;
        const struct sb_channels *ch = &sb_slot(h, w)->chan;
        const _Atomic uint64_t *fixed[NFIXED] = {
            &c->requests_ok, &c->requests_failed, &c->bytes_sent, &c->bytes_received,
            &c->conn_opened, &c->conn_reused, &c->dropped, &ch->opened, &ch->failed,
            &ch->messages_sent, &ch->messages_received, &ch->bytes_sent, &ch->bytes_received,
        };
        size_t k = 0;
        for (size_t i = 0; i < NFIXED; i++)
            v[k++] += sb_get(fixed[i]);
        for (unsigned e = 0; e < ERR_KIND_COUNT; e++)
            v[k++] += sb_get(&c->errors[e]);
        for (unsigned code = 0; code < SB_STATUS_MAX; code++)
            v[k++] += sb_get(&c->status[code]);
        for (unsigned i = 0; i < SB_CLOSE_CODES; i++)
            v[k++] += sb_get(&ch->close_codes[i]);
        for (unsigned r = 0; r < h->nrequests; r++) {
            v[k++] += sb_get(&sb_reqstat(h, w, r)->ok);
            v[k++] += sb_get(&sb_reqstat(h, w, r)->failed);
        }
    }
}

static void counter_name(const struct statsd *s, size_t k, char *out, size_t len)
{
    char el[SB_NAME_MAX + 1];
    if (k < NFIXED) {
        snprintf(out, len, "%s.%s", s->ns, counter_names[k]);
        return;
    }
    k -= NFIXED;
    if (k < ERR_KIND_COUNT) {
        snprintf(out, len, "%s.errors.%s", s->ns, errkind_names[k]);
        return;
    }
    k -= ERR_KIND_COUNT;
    if (k < SB_STATUS_MAX) {
        snprintf(out, len, "%s.responses.%zu", s->ns, k);
        return;
    }
    k -= SB_STATUS_MAX;
    if (k < SB_CLOSE_CODES) { /* WebSocket close frames from the server, by status code */
        char code[SB_CLOSE_NAME_MAX];
        snprintf(out, len, "%s.channels.close.%s", s->ns, sb_close_code_name((unsigned)k, code));
        return;
    }
    k -= SB_CLOSE_CODES;
    snprintf(out, len, "%s.request.%s.%s", s->ns,
             element(el, sb_reqstat(s->h, 0, (unsigned)(k / 2))->name), k % 2 ? "failed" : "ok");
}

/* Timing t's histogram now, summed over workers: 0 all requests, 1..n per request name, n+1
 * intended. */
static void timing_now(const struct statsd *s, size_t t, struct hist *out)
{
    const struct sb_header *h = s->h;
    hist_init(out);
    for (unsigned w = 0; w < h->nworkers; w++) {
        const struct sb_slot *slot = sb_slot(h, w);
        hist_add(out, t == 0                ? &slot->latency
                      : t <= h->nrequests ? &sb_reqstat(h, w, (unsigned)t - 1)->latency
                                          : &slot->intended);
    }
}

static void timing_name(const struct statsd *s, size_t t, char *out, size_t len)
{
    char el[SB_NAME_MAX + 1];
    if (t == 0)
        snprintf(out, len, "%s.latency", s->ns);
    else if (t <= s->h->nrequests)
        snprintf(out, len, "%s.request.%s.latency", s->ns,
                 element(el, sb_reqstat(s->h, 0, (unsigned)t - 1)->name));
    else
        snprintf(out, len, "%s.intended", s->ns);
}

/* The interval's requests as at most TIMING_SAMPLES samples: quantiles at evenly spaced ranks,
 * each standing for count / samples requests (StatsD's sample rate), so that StatsD's count is
 * the count and its percentiles and mean are the interval's. */
static void timings(struct statsd *s, size_t t)
{
    timing_now(s, t, s->now);
    hist_sub(s->interval, s->now, &s->last[t]);
    memcpy(&s->last[t], s->now, sizeof(*s->now));
    uint64_t n = atomic_load(&s->interval->count);
    if (n == 0 || n > UINT64_MAX / 2)
        return; /* nothing new (or a torn read: next time) */
    unsigned k = n < TIMING_SAMPLES ? (unsigned)n : TIMING_SAMPLES;
    char name[200];
    timing_name(s, t, name, sizeof(name));
    for (unsigned j = 0; j < k; j++) {
        double q = (j + 0.5) * 100.0 / k;
        double ms = (double)hist_percentile_us(s->interval, q) / 1000.0;
        if (k == n)
            line(s, "%s:%.3f|ms", name, ms);
        else
            line(s, "%s:%.3f|ms|@%.9g", name, ms, (double)k / (double)n);
    }
}

int statsd_open(struct statsd *s, const char *addr, const char *ns, const struct sb_header *h,
                char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    s->fd = netaddr_udp_connect(addr, err, errlen);
    if (s->fd < 0)
        return -1;
    s->ns = ns;
    s->h = h;
    s->ncounters = counter_count(h);
    s->ntimings = (size_t)h->nrequests + 2;
    s->prev = calloc(s->ncounters, sizeof(*s->prev));
    s->cur = calloc(s->ncounters, sizeof(*s->cur));
    s->last = calloc(s->ntimings, sizeof(*s->last));
    s->now = calloc(1, sizeof(*s->now));
    s->interval = calloc(1, sizeof(*s->interval));
    if (!s->prev || !s->cur || !s->last || !s->now || !s->interval) {
        snprintf(err, errlen, "out of memory");
        statsd_close(s);
        return -1;
    }
    for (size_t t = 0; t < s->ntimings; t++)
        hist_init(&s->last[t]);
    return 0;
}

void statsd_push(struct statsd *s)
{
    uint64_t *v = s->cur;
    counters(s->h, v);
    char name[200];
    for (size_t k = 0; k < s->ncounters; k++) {
        if (v[k] <= s->prev[k])
            continue;
        counter_name(s, k, name, sizeof(name));
        line(s, "%s:%" PRIu64 "|c", name, v[k] - s->prev[k]);
        s->prev[k] = v[k];
    }
    uint64_t active = 0, started = 0;
    for (unsigned w = 0; w < s->h->nworkers; w++) {
        active += sb_get(&sb_slot(s->h, w)->c.clients_active);
        started += sb_get(&sb_slot(s->h, w)->c.clients_started);
    }
    line(s, "%s.clients.active:%" PRIu64 "|g", s->ns, active);
    line(s, "%s.clients.started:%" PRIu64 "|g", s->ns, started);
    for (size_t t = 0; t < s->ntimings; t++)
        timings(s, t);
    flush(s);
}

void statsd_close(struct statsd *s)
{
    if (s->ns && s->fd >= 0)
        close(s->fd);
    free(s->prev);
    free(s->cur);
    free(s->last);
    free(s->now);
    free(s->interval);
    memset(s, 0, sizeof(*s));
    s->fd = -1;
}
