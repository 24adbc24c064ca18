/* prom_text: see prom_text.h. Every counter is the worker's own (a worker label) so that a
 * query sums what it needs: a run's totals are sum(...) over workers. */
#include "prom_text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

const uint64_t prom_bucket_us[PROM_NBUCKETS] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
    1000000, 2500000, 5000000, 10000000,
};

static const char *const run_states[] = {"init", "ramping", "running", "stopping", "done"};

/* A histogram as Prometheus wants it: cumulative counts at each bound, count and sum. */
struct prom_hist {
    uint64_t le[PROM_NBUCKETS];
    uint64_t count, sum_ns;
};

enum { H_INTENDED, H_CONNECT, H_FAILED, H_MESSAGE, H_COUNT };

struct prom_worker {
    uint64_t bytes_sent, bytes_received, conn_opened, conn_reused, dropped;
    uint64_t clients_started, clients_active, cpu_ns;
    /* channels (tcp:// and tls://) */
    uint64_t ch_opened, ch_open, ch_failed, ch_closed_by_peer;
    uint64_t ch_msgs_sent, ch_msgs_received, ch_bytes_sent, ch_bytes_received;
    uint64_t ch_close_codes[SB_CLOSE_CODES];
    uint64_t errors[ERR_KIND_COUNT];
    uint64_t status[SB_STATUS_MAX];
    struct prom_hist h[H_COUNT];
};

struct prom_request {
    char name[SB_NAME_MAX + 1];
    uint64_t ok, failed;
    struct prom_hist latency;
};

struct prom_data {
    unsigned nworkers, nrequests;
    uint32_t run_state;
    int64_t elapsed_ns;
    struct prom_worker *w;    /* [nworkers] */
    struct prom_request *r;   /* [nworkers][nrequests] */
};

void prom_layout_of(struct prom_layout *l, const struct sb_header *h)
{
    *l = (struct prom_layout){
        .base = (const char *)h, .nworkers = h->nworkers, .nrequests = h->nrequests,
        .slots_offset = h->slots_offset, .slot_size = h->slot_size,
        .reqstats_offset = h->reqstats_offset, .reqstat_size = h->reqstat_size,
    };
}

struct prom_data *prom_data_new(const struct prom_layout *l)
{
    struct prom_data *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->nworkers = l->nworkers;
    d->nrequests = l->nrequests;
    d->w = calloc(l->nworkers ? l->nworkers : 1, sizeof(*d->w));
    d->r = calloc((size_t)l->nworkers * l->nrequests + 1, sizeof(*d->r));
    if (!d->w || !d->r) {
        prom_data_free(d);
        return NULL;
    }
    return d;
}

void prom_data_free(struct prom_data *d)
{
    if (!d)
        return;
    free(d->w);
    free(d->r);
    free(d);
}

static uint64_t get(const _Atomic uint64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

/* A value counts under le when its bucket starts at or below le: exact to the histograms'
 * three significant digits. The count is never below the last bucket's. */
static void collect_hist(struct prom_hist *out, const struct hist *h)
{
    uint64_t cum = 0;
    unsigned i = 0;
    for (unsigned b = 0; b < PROM_NBUCKETS; b++) {
        for (; i < HIST_LEN && hist_value_low(i) <= prom_bucket_us[b]; i++)
            cum += get(&h->counts[i]);
        out->le[b] = cum;
    }
    for (; i < HIST_LEN; i++)
        cum += get(&h->counts[i]);
    out->count = get(&h->count);
    if (out->count < cum)
        out->count = cum;
    out->sum_ns = get(&h->sum_ns);
}

static void collect_worker(struct prom_worker *o, const struct sb_slot *s)
{
    const struct sb_counters *c = &s->c;
    o->bytes_sent = get(&c->bytes_sent);
    o->bytes_received = get(&c->bytes_received);
    o->conn_opened = get(&c->conn_opened);
    o->conn_reused = get(&c->conn_reused);
    o->dropped = get(&c->dropped);
    o->clients_started = get(&c->clients_started);
    o->clients_active = get(&c->clients_active);
    o->cpu_ns = get(&s->cpu_ns);
    for (unsigned k = 0; k < ERR_KIND_COUNT; k++)
        o->errors[k] = get(&c->errors[k]);
    for (unsigned k = 0; k < SB_STATUS_MAX; k++)
        o->status[k] = get(&c->status[k]);
    collect_hist(&o->h[H_INTENDED], &s->intended);
    collect_hist(&o->h[H_CONNECT], &s->connect);
    collect_hist(&o->h[H_FAILED], &s->latency_failed);
    o->ch_opened = get(&s->chan.opened);
    o->ch_open = get(&s->chan.open_now);
    o->ch_failed = get(&s->chan.failed);
    o->ch_closed_by_peer = get(&s->chan.closed_by_peer);
    o->ch_msgs_sent = get(&s->chan.messages_sent);
    o->ch_msgs_received = get(&s->chan.messages_received);
    o->ch_bytes_sent = get(&s->chan.bytes_sent);
    o->ch_bytes_received = get(&s->chan.bytes_received);
    for (unsigned k = 0; k < SB_CLOSE_CODES; k++)
        o->ch_close_codes[k] = get(&s->chan.close_codes[k]);
    collect_hist(&o->h[H_MESSAGE], &s->chan.latency);
}

void prom_collect(struct prom_data *d, const struct prom_layout *l)
{
    const struct sb_header *h = (const struct sb_header *)l->base;
    d->run_state = atomic_load(&h->run_state);
    int64_t t0 = atomic_load(&h->t0_ns), end = atomic_load(&h->end_ns);
    d->elapsed_ns = t0 ? (end ? end : now_ns()) - t0 : 0;
    for (unsigned w = 0; w < l->nworkers; w++) {
        const char *slot = l->base + l->slots_offset + (uint64_t)w * l->slot_size;
        collect_worker(&d->w[w], (const struct sb_slot *)slot);
        for (unsigned r = 0; r < l->nrequests; r++) {
            const struct sb_reqstat *rs =
                (const struct sb_reqstat *)(l->base + l->reqstats_offset +
                                            ((uint64_t)w * l->nrequests + r) * l->reqstat_size);
            struct prom_request *o = &d->r[(size_t)w * l->nrequests + r];
            for (size_t i = 0; i < SB_NAME_MAX; i++) /* the writer may be filling it in */
                o->name[i] = __atomic_load_n(&rs->name[i], __ATOMIC_RELAXED);
            o->name[SB_NAME_MAX] = '\0';
            o->ok = get(&rs->ok);
            o->failed = get(&rs->failed);
            collect_hist(&o->latency, &rs->latency);
        }
    }
}

/* ---- writing ------------------------------------------------------------------------- */

/* A label value with \, " and newlines escaped as the format says, into out (2 * SB_NAME_MAX
 * + 1 bytes); other control bytes become '?'. */
static const char *label(char *out, const char *s)
{
    size_t o = 0;
    for (size_t i = 0; i < SB_NAME_MAX && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '"' || c == '\n')
            out[o++] = '\\';
        out[o++] = c == '\n' ? 'n' : c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    out[o] = '\0';
    return out;
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void histogram(FILE *f, const char *name, const char *labels, const struct prom_hist *h)
{
    for (unsigned b = 0; b < PROM_NBUCKETS; b++)
        fprintf(f, "%s_bucket{%s,le=\"%g\"} %" PRIu64 "\n", name, labels,
                (double)prom_bucket_us[b] / 1e6, h->le[b]);
    fprintf(f, "%s_bucket{%s,le=\"+Inf\"} %" PRIu64 "\n", name, labels, h->count);
    fprintf(f, "%s_sum{%s} %.9f\n", name, labels, (double)h->sum_ns / 1e9);
    fprintf(f, "%s_count{%s} %" PRIu64 "\n", name, labels, h->count);
}

static void requests(FILE *f, const struct prom_data *d)
{
    char name[2 * SB_NAME_MAX + 1], labels[sizeof(name) + 40];
    head(f, "stampede_requests_total", "counter",
         "Requests done, by request name, worker and outcome.");
    for (unsigned w = 0; w < d->nworkers; w++)
        for (unsigned r = 0; r < d->nrequests; r++) {
            const struct prom_request *q = &d->r[(size_t)w * d->nrequests + r];
            label(name, q->name);
            fprintf(f, "stampede_requests_total{request=\"%s\",worker=\"%u\",outcome=\"ok\"} "
                       "%" PRIu64 "\n", name, w, q->ok);
            fprintf(f, "stampede_requests_total{request=\"%s\",worker=\"%u\",outcome=\"failed\"} "
                       "%" PRIu64 "\n", name, w, q->failed);
        }
    head(f, "stampede_request_duration_seconds", "histogram",
         "Latency of ok requests, from sending to the last byte.");
    for (unsigned w = 0; w < d->nworkers; w++)
        for (unsigned r = 0; r < d->nrequests; r++) {
            const struct prom_request *q = &d->r[(size_t)w * d->nrequests + r];
            snprintf(labels, sizeof(labels), "request=\"%s\",worker=\"%u\"", label(name, q->name),
                     w);
            histogram(f, "stampede_request_duration_seconds", labels, &q->latency);
        }
}

/* One counter or gauge per worker. */
#define PER_WORKER(f, d, metric, type, help, field)                                          \
    do {                                                                                      \
        head(f, metric, type, help);                                                          \
        for (unsigned w_ = 0; w_ < (d)->nworkers; w_++)                                       \
            fprintf(f, metric "{worker=\"%u\"} %" PRIu64 "\n", w_, (d)->w[w_].field);         \
    } while (0)

static void worker_histograms(FILE *f, const struct prom_data *d, const char *name,
                              const char *help, int which)
{
    head(f, name, "histogram", help);
    for (unsigned w = 0; w < d->nworkers; w++) {
        char labels[32];
        snprintf(labels, sizeof(labels), "worker=\"%u\"", w);
        histogram(f, name, labels, &d->w[w].h[which]);
    }
}

void prom_render(FILE *f, const struct prom_data *d)
{
    head(f, "stampede_run_state", "gauge", "1 for the state the run is in.");
    for (uint32_t s = 0; s < sizeof(run_states) / sizeof(run_states[0]); s++)
        fprintf(f, "stampede_run_state{state=\"%s\"} %d\n", run_states[s], s == d->run_state);
    head(f, "stampede_elapsed_seconds", "gauge", "Time since the workers were released.");
    fprintf(f, "stampede_elapsed_seconds %.3f\n", (double)d->elapsed_ns / 1e9);
    requests(f, d);
    head(f, "stampede_responses_total", "counter", "Results by HTTP status (599: no response).");
    for (unsigned w = 0; w < d->nworkers; w++)
        for (unsigned code = 0; code < SB_STATUS_MAX; code++)
            if (d->w[w].status[code])
                fprintf(f, "stampede_responses_total{worker=\"%u\",code=\"%u\"} %" PRIu64 "\n",
                        w, code, d->w[w].status[code]);
    head(f, "stampede_errors_total", "counter", "Failed requests by kind of failure.");
    for (unsigned w = 0; w < d->nworkers; w++)
        for (unsigned k = 1; k < ERR_KIND_COUNT; k++)
            fprintf(f, "stampede_errors_total{worker=\"%u\",kind=\"%s\"} %" PRIu64 "\n", w,
                    errkind_names[k], d->w[w].errors[k]);
    PER_WORKER(f, d, "stampede_bytes_sent_total", "counter", "Bytes sent.", bytes_sent);
    PER_WORKER(f, d, "stampede_bytes_received_total", "counter", "Bytes received.",
               bytes_received);
    PER_WORKER(f, d, "stampede_connections_opened_total", "counter", "Connections opened.",
               conn_opened);
    PER_WORKER(f, d, "stampede_connections_reused_total", "counter",
               "Requests sent on a connection kept alive.", conn_reused);
    PER_WORKER(f, d, "stampede_dropped_total", "counter",
               "Arrivals no client was free for (on_busy = drop).", dropped);
    PER_WORKER(f, d, "stampede_clients_started_total", "counter", "Clients started.",
               clients_started);
    PER_WORKER(f, d, "stampede_clients_active", "gauge", "Clients running now.", clients_active);
    head(f, "stampede_cpu_seconds_total", "counter", "CPU time (user + system) of the worker.");
    for (unsigned w = 0; w < d->nworkers; w++)
        fprintf(f, "stampede_cpu_seconds_total{worker=\"%u\"} %.3f\n", w,
                (double)d->w[w].cpu_ns / 1e9);
    worker_histograms(f, d, "stampede_intended_duration_seconds",
                      "Open model: latency from the arrival's due time.", H_INTENDED);
    worker_histograms(f, d, "stampede_connect_duration_seconds",
                      "Time to open a new connection.", H_CONNECT);
    worker_histograms(f, d, "stampede_failed_duration_seconds", "Latency of failed requests.",
                      H_FAILED);
    PER_WORKER(f, d, "stampede_channels_opened_total", "counter",
               "Channels (tcp://, tls://) opened.", ch_opened);
    PER_WORKER(f, d, "stampede_channels_open", "gauge", "Channels open now.", ch_open);
    PER_WORKER(f, d, "stampede_channels_failed_total", "counter", "Channels that failed.",
               ch_failed);
    PER_WORKER(f, d, "stampede_channels_closed_by_peer_total", "counter",
               "Channels the peer closed once open.", ch_closed_by_peer);
    head(f, "stampede_channel_close_codes_total", "counter",
         "WebSocket close frames from the server, by status code (1000 to 1015, or other).");
    for (unsigned w = 0; w < d->nworkers; w++)
        for (unsigned k = 0; k < SB_CLOSE_CODES; k++)
            if (d->w[w].ch_close_codes[k]) {
                char code[SB_CLOSE_NAME_MAX];
                fprintf(f, "stampede_channel_close_codes_total{worker=\"%u\",code=\"%s\"} %" PRIu64
                           "\n", w, sb_close_code_name(k, code), d->w[w].ch_close_codes[k]);
            }
    PER_WORKER(f, d, "stampede_channel_messages_sent_total", "counter",
               "Messages channels sent.", ch_msgs_sent);
    PER_WORKER(f, d, "stampede_channel_messages_received_total", "counter",
               "Latency markers channels got back.", ch_msgs_received);
    PER_WORKER(f, d, "stampede_channel_bytes_sent_total", "counter", "Bytes channels sent.",
               ch_bytes_sent);
    PER_WORKER(f, d, "stampede_channel_bytes_received_total", "counter",
               "Bytes channels received.", ch_bytes_received);
    worker_histograms(f, d, "stampede_channel_message_duration_seconds",
                      "Channels: a marker's message sent to the marker back.", H_MESSAGE);
}
