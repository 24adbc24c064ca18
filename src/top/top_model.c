/* top_model: samples of the scoreboard and what follows from two of them; see top_model.h. */
#include "top_model.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const top_col_names[TOP_COL_COUNT] = {
    "worker", "pid", "state", "clients", "requests", "ok", "failed",
    "inflight", "rps", "in", "out", "p50", "p99",
};

/* One worker at one instant: a private copy, so the scoreboard is read exactly once. */
struct top_wsnap {
    int pid;
    unsigned state;
    int exit_code, term_signal;
    uint64_t clients;
    struct sb_counters c;
    struct hist *lat;
    uint64_t cpu_ns, lag_count, lag_p99_us;
    struct top_channels chan;
    struct top_sequences seq;
};

struct top_snap {
    int64_t t_ns;                  /* the instant the counters describe (see snap_time) */
    unsigned run_state;
    int parent_pid;
    int64_t t0_ns, end_ns;
    uint64_t planned_clients, ramp_start;
    int64_t ramp_duration_ns, duration_ns;
    char config_name[256];
    struct top_wsnap *w;
    uint64_t *extras;              /* [nextras] totals */
    struct hist *total;
    struct hist *intended;         /* the open model's, over workers */
};

const char *top_run_state_name(unsigned state)
{
    static const char *const names[] = {"init", "ramping", "running", "stopping", "done"};
    return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

const char *top_rank_state_name(unsigned state)
{
    static const char *const names[] = {"waiting", "running", "stopping", "done", "lost"};
    return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

const char *top_worker_state_name(unsigned state)
{
    static const char *const names[] = {"starting", "ready", "running",
                                        "stopping", "exited", "killed"};
    return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

static uint64_t delta(uint64_t now, uint64_t before)
{
    /* Counters only grow; a smaller value is a corrupted file, shown as no change. */
    return now > before ? now - before : 0;
}

static struct hist *hist_alloc(void)
{
    struct hist *h = malloc(sizeof(*h));
    if (h)
        hist_init(h);
    return h;
}

static void snap_free(struct top_snap *s, unsigned nworkers)
{
    if (!s)
        return;
    for (unsigned w = 0; s->w && w < nworkers; w++)
        free(s->w[w].lat);
    free(s->w);
    free(s->extras);
    free(s->total);
    free(s->intended);
    free(s);
}

static struct top_snap *snap_new(unsigned nworkers, unsigned nextras)
{
    struct top_snap *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->w = calloc(nworkers, sizeof(*s->w));
    s->extras = calloc(nextras ? nextras : 1, sizeof(*s->extras));
    s->total = hist_alloc();
    s->intended = hist_alloc();
    if (!s->w || !s->extras || !s->total || !s->intended) {
        snap_free(s, nworkers);
        return NULL;
    }
    for (unsigned w = 0; w < nworkers; w++)
        if (!(s->w[w].lat = hist_alloc())) {
            snap_free(s, nworkers);
            return NULL;
        }
    return s;
}

int top_model_init(struct top_model *m, const struct top_sb *sb)
{
    memset(m, 0, sizeof(*m));
    m->sb = sb;
    m->nworkers = sb->nworkers;
    m->nextras = sb->nextras;
    m->left_s = -1;
    m->cur = snap_new(m->nworkers, m->nextras);
    m->prev = snap_new(m->nworkers, m->nextras);
    m->scratch = hist_alloc();
    m->rows = calloc(m->nworkers, sizeof(*m->rows));
    m->extras = calloc(m->nextras ? m->nextras : 1, sizeof(*m->extras));
    m->extra_names = calloc(m->nextras ? m->nextras : 1, sizeof(*m->extra_names));
    m->cluster_rank = sb->cluster_rank;
    m->cluster_size = sb->cluster_size;
    m->nranks = sb->nranks;
    m->ranks = calloc(m->nranks ? m->nranks : 1, sizeof(*m->ranks));
    if (!m->cur || !m->prev || !m->scratch || !m->rows || !m->extras || !m->extra_names ||
        !m->ranks) {
        top_model_free(m);
        return -1;
    }
    /* The names are fixed before the magic is written, so one copy does. */
    for (unsigned i = 0; i < m->nextras; i++)
        top_sb_copy_text(m->extra_names[i], SB_NAME_MAX,
                         (const char *)sb->hdr + sb->extra_names_offset + (size_t)i * SB_NAME_MAX,
                         SB_NAME_MAX);
    return 0;
}

void top_model_free(struct top_model *m)
{
    snap_free(m->cur, m->nworkers);
    snap_free(m->prev, m->nworkers);
    free(m->scratch);
    free(m->rows);
    free(m->extras);
    free(m->extra_names);
    free(m->ranks);
    memset(m, 0, sizeof(*m));
}

/* The counters stop at the end of the run, so time does too: rates after it are zero rather
 * than diluted by the minutes someone keeps the viewer open. */
static int64_t snap_time(const struct top_snap *s, int64_t now)
{
    return s->end_ns > 0 && s->end_ns < now ? s->end_ns : now;
}

/* The ranks' rows, as they are now (rank 0 rewrites them once a second). */
static void ranks_read(struct top_model *m)
{
    int64_t now = now_ns();
    for (unsigned r = 0; r < m->nranks; r++) {
        const struct sb_rank *src = top_sb_rank(m->sb, r);
        const struct sb_rank_totals *t = &src->t;
        struct top_rank *d = &m->ranks[r];
        d->rank = r;
        top_sb_copy_text(d->host, sizeof(d->host), src->host, sizeof(src->host));
        d->state = atomic_load_explicit(&src->state, memory_order_relaxed);
        d->updates = sb_get(&src->updates);
        int64_t at = atomic_load_explicit(&src->updated_ns, memory_order_relaxed);
        d->age_s = d->updates && now > at ? (double)(now - at) / 1e9 : 0;
        d->workers = sb_get(&t->workers);
        d->clients_active = sb_get(&t->clients_active);
        d->ok = sb_get(&t->requests_ok);
        d->failed = sb_get(&t->requests_failed);
        d->started = sb_get(&t->requests_started);
        d->in_flight = delta(d->started, d->ok + d->failed);
        d->rps = (double)sb_get(&t->rps_milli) / 1000;
        d->p50_us = sb_get(&t->p50_us);
        d->p99_us = sb_get(&t->p99_us);
    }
}

/* Runs under top_sb_read's guard: every byte of the mapping is read here and nowhere else. */
static void snap_read(void *arg)
{
    struct top_model *m = arg;
    struct top_snap *s = m->cur;
    const struct top_sb *sb = m->sb;
    struct sb_header *h = (struct sb_header *)sb->hdr;

    /* Acquire: once the parent says done, the counters read below are final. */
    s->run_state = atomic_load_explicit(&h->run_state, memory_order_acquire);
    s->t0_ns = atomic_load_explicit(&h->t0_ns, memory_order_relaxed);
    s->end_ns = atomic_load_explicit(&h->end_ns, memory_order_relaxed);
    /* Plain fields the parent fills in after the magic: read them as the atomics they are not. */
    s->parent_pid = __atomic_load_n(&h->parent_pid, __ATOMIC_RELAXED);
    s->planned_clients = __atomic_load_n(&h->planned_clients, __ATOMIC_RELAXED);
    s->ramp_start = __atomic_load_n(&h->ramp_start, __ATOMIC_RELAXED);
    s->ramp_duration_ns = __atomic_load_n(&h->ramp_duration_ns, __ATOMIC_RELAXED);
    s->duration_ns = __atomic_load_n(&h->duration_ns, __ATOMIC_RELAXED);
    top_sb_copy_text(s->config_name, sizeof(s->config_name), h->config_name,
                     sizeof(h->config_name));

    hist_init(s->total);
    hist_init(s->intended);
    for (unsigned w = 0; w < m->nworkers; w++) {
        const struct sb_slot *slot = top_sb_slot(sb, w);
        struct top_wsnap *ws = &s->w[w];
        ws->pid = atomic_load_explicit(&slot->pid, memory_order_relaxed);
        ws->state = atomic_load_explicit(&slot->state, memory_order_relaxed);
        ws->exit_code = atomic_load_explicit(&slot->exit_code, memory_order_relaxed);
        ws->term_signal = atomic_load_explicit(&slot->term_signal, memory_order_relaxed);
        ws->clients = sb_get(&slot->clients);
        memset(&ws->c, 0, sizeof(ws->c));
        sb_counters_add(&ws->c, &slot->c);
        hist_init(ws->lat);
        hist_add(ws->lat, &slot->latency);
        hist_add(s->total, ws->lat);
        hist_add(s->intended, &slot->intended);
        ws->cpu_ns = sb_get(&slot->cpu_ns);
        ws->chan = (struct top_channels){
            .opened = sb_get(&slot->chan.opened), .open_now = sb_get(&slot->chan.open_now),
            .failed = sb_get(&slot->chan.failed),
            .closed_by_peer = sb_get(&slot->chan.closed_by_peer),
            .messages_sent = sb_get(&slot->chan.messages_sent),
            .messages_received = sb_get(&slot->chan.messages_received),
            .bytes_sent = sb_get(&slot->chan.bytes_sent),
            .bytes_received = sb_get(&slot->chan.bytes_received)};
        ws->seq = (struct top_sequences){
            .reps_planned = sb_get(&slot->seq.reps_planned),
            .reps_done = sb_get(&slot->seq.reps_done),
            .steps_planned = sb_get(&slot->seq.steps_planned),
            .steps_done = sb_get(&slot->seq.steps_done)};
        /* over the run, read in place: no copy of a second histogram per sample */
        ws->lag_count = sb_get(&slot->lag.count);
        ws->lag_p99_us = ws->lag_count ? hist_percentile_us(&slot->lag, 99) : 0;
    }
    ranks_read(m);
    for (unsigned i = 0; i < m->nextras; i++) {
        uint64_t sum = 0;
        for (unsigned w = 0; w < m->nworkers; w++)
            sum += sb_get(top_sb_extra(sb, w, i));
        s->extras[i] = sum;
    }
}

static uint64_t done_of(const struct sb_counters *c)
{
    return sb_get(&c->requests_ok) + sb_get(&c->requests_failed);
}

/* The parts of a row that come from two copies of one set of counters. */
static void row_fill(struct top_row *r, const struct sb_counters *now, const struct sb_counters *then,
                     double dt)
{
    r->clients_started = sb_get(&now->clients_started);
    r->clients_active = sb_get(&now->clients_active);
    r->started = sb_get(&now->requests_started);
    r->ok = sb_get(&now->requests_ok);
    r->failed = sb_get(&now->requests_failed);
    /* The copy reads started before ok and failed, so a request can look finished but not
     * started for one frame: never show a negative count. */
    r->in_flight = delta(r->started, r->ok + r->failed);
    if (dt > 0) {
        r->rps = (double)delta(done_of(now), done_of(then)) / dt;
        r->failed_ps = (double)delta(r->failed, sb_get(&then->requests_failed)) / dt;
        r->in_bps = (double)delta(sb_get(&now->bytes_received), sb_get(&then->bytes_received)) / dt;
        r->out_bps = (double)delta(sb_get(&now->bytes_sent), sb_get(&then->bytes_sent)) / dt;
    } else {
        r->rps = r->failed_ps = r->in_bps = r->out_bps = 0;
    }
}

/* hist_sub leaves the run's min and max on the difference; the lowest and highest non-empty
 * buckets bound the interval's own far more tightly (to 1/1024), and the percentiles clamp to
 * them. */
static void interval_sub(struct hist *d, const struct hist *now, const struct hist *then)
{
    unsigned lo = HIST_LEN, hi = 0;
    hist_sub(d, now, then);
    for (unsigned i = 0; i < HIST_LEN; i++)
        if (sb_get(&d->counts[i])) {
            if (lo == HIST_LEN)
                lo = i;
            hi = i;
        }
    if (lo == HIST_LEN)
        return;
    uint64_t min = hist_value_low(lo) * 1000, max = hist_value_high(hi) * 1000 + 999;
    if (min > sb_get(&d->min_ns))
        atomic_store_explicit(&d->min_ns, min, memory_order_relaxed);
    if (hi < HIST_LEN - 1 && max < sb_get(&d->max_ns))
        atomic_store_explicit(&d->max_ns, max, memory_order_relaxed);
}

/* Interval percentiles: the difference of two copies of one histogram. */
static void row_latency(struct top_row *r, struct hist *scratch, const struct hist *now,
                        const struct hist *then)
{
    interval_sub(scratch, now, then);
    r->ival_count = sb_get(&scratch->count);
    r->p50_us = r->ival_count ? hist_percentile_us(scratch, 50) : 0;
    r->p99_us = r->ival_count ? hist_percentile_us(scratch, 99) : 0;
}

/* CPU as % of one core: over the interval from the difference of two copies, and over the
 * run (the worker publishes its CPU since the release, every 100 ms). */
static void row_health(struct top_row *r, const struct top_wsnap *a, const struct top_wsnap *b,
                       double dt, double elapsed_s)
{
    r->lag_count = a->lag_count;
    r->lag_p99_us = a->lag_p99_us;
    r->cpu_pct = dt > 0 ? (double)delta(a->cpu_ns, b->cpu_ns) / 1e9 / dt * 100 : 0;
    r->cpu_run_pct = elapsed_s > 0 ? (double)a->cpu_ns / 1e9 / elapsed_s * 100 : 0;
}

static void latency_fill(struct top_latency *l, const struct hist *h)
{
    l->count = sb_get(&h->count);
    if (!l->count) {
        memset(l, 0, sizeof(*l));
        return;
    }
    l->mean_us = hist_mean_us(h);
    l->min_us = sb_get(&h->min_ns) / 1000;
    l->max_us = sb_get(&h->max_ns) / 1000;
    l->p50_us = hist_percentile_us(h, 50);
    l->p90_us = hist_percentile_us(h, 90);
    l->p99_us = hist_percentile_us(h, 99);
    l->p999_us = hist_percentile_us(h, 99.9);
}

static void chart_update(struct top_chart *ch, int64_t t, uint64_t done, uint64_t failed)
{
    /* Samples a second apart land a hair early or late; without the slack, one that came
     * early would make the next point two seconds wide. */
    if (t - ch->last_ns < TOP_CHART_STEP_NS * 9 / 10)
        return;
    double dt = (double)(t - ch->last_ns) / 1e9;
    ch->rps[ch->head] = (double)delta(done, ch->last_done) / dt;
    ch->failed_ps[ch->head] = (double)delta(failed, ch->last_failed) / dt;
    ch->head = (ch->head + 1) % TOP_CHART_LEN;
    if (ch->n < TOP_CHART_LEN)
        ch->n++;
    ch->step_s = dt;
    ch->last_ns = t;
    ch->last_done = done;
    ch->last_failed = failed;
}

static void header_update(struct top_model *m, const struct top_snap *s, int64_t now)
{
    m->run_state = s->run_state;
    m->parent_pid = s->parent_pid;
    memcpy(m->config_name, s->config_name, sizeof(m->config_name));
    m->t0_ns = s->t0_ns;
    m->end_ns = s->end_ns;
    m->planned_clients = s->planned_clients;
    m->ramp_start = s->ramp_start;
    m->ramp_duration_ns = s->ramp_duration_ns;
    m->duration_ns = s->duration_ns;
    m->elapsed_s = s->t0_ns > 0 ? (double)(snap_time(s, now) - s->t0_ns) / 1e9 : 0;
    if (m->elapsed_s < 0)
        m->elapsed_s = 0;
    m->left_s = -1;
    if (s->duration_ns > 0) {
        m->left_s = (double)s->duration_ns / 1e9 - m->elapsed_s;
        if (m->left_s < 0 || s->run_state == SB_RUN_DONE)
            m->left_s = 0;
    }
    m->parent_gone = top_run_parent_gone(s->parent_pid, s->run_state);
}

bool top_run_parent_gone(int parent_pid, unsigned run_state)
{
    /* kill(0) only asks; a pid from the file that is not positive would name a group. */
    return parent_pid > 0 && run_state != SB_RUN_DONE && kill(parent_pid, 0) < 0 &&
           errno == ESRCH;
}

int top_model_sample(struct top_model *m)
{
    int64_t now = now_ns();
    /* A finished run never changes again: keep its last interval rather than replace it with
     * an empty one. */
    if (m->samples > 0 && m->cur->run_state == SB_RUN_DONE)
        return 0;
    struct top_snap *t = m->prev;
    m->prev = m->cur;
    m->cur = t;
    if (top_sb_read(m->sb, snap_read, m) < 0) {
        /* Keep the last good copy as the current one. */
        m->cur = m->prev;
        m->prev = t;
        return -1;
    }
    struct top_snap *cur = m->cur, *prev = m->prev;
    cur->t_ns = snap_time(cur, now);
    if (m->samples == 0) {
        /* Compare the first copy with the empty scoreboard of T0 (or of now, before T0). */
        for (unsigned w = 0; w < m->nworkers; w++) {
            memset(&prev->w[w].c, 0, sizeof(prev->w[w].c));
            prev->w[w].cpu_ns = 0;
            hist_init(prev->w[w].lat);
        }
        hist_init(prev->total);
        hist_init(prev->intended);
        prev->t_ns = cur->t0_ns > 0 && cur->t0_ns <= cur->t_ns ? cur->t0_ns : cur->t_ns;
        m->chart.last_ns = prev->t_ns;
    }
    m->samples++;
    m->sample_ns = now;
    header_update(m, cur, now);
    double dt = (double)(cur->t_ns - prev->t_ns) / 1e9;
    m->interval_s = dt > 0 ? dt : 0;

    memset(&m->c, 0, sizeof(m->c));
    struct sb_counters then;
    memset(&then, 0, sizeof(then));
    memset(&m->total, 0, sizeof(m->total));
    memset(&m->chan, 0, sizeof(m->chan));
    memset(&m->seq, 0, sizeof(m->seq));
    m->clients_grown = 0;
    for (unsigned w = 0; w < m->nworkers; w++) {
        const struct top_wsnap *a = &cur->w[w], *b = &prev->w[w];
        uint64_t *sum = (uint64_t *)&m->chan;
        const uint64_t *one = (const uint64_t *)&a->chan;
        for (size_t i = 0; i < sizeof(m->chan) / sizeof(uint64_t); i++)
            sum[i] += one[i];
        m->seq.reps_planned += a->seq.reps_planned;
        m->seq.reps_done += a->seq.reps_done;
        m->seq.steps_planned += a->seq.steps_planned;
        m->seq.steps_done += a->seq.steps_done;
        struct top_row *r = &m->rows[w];
        r->index = w;
        r->pid = a->pid;
        r->state = a->state;
        r->exit_code = a->exit_code;
        r->term_signal = a->term_signal;
        r->clients_planned = a->clients;
        row_fill(r, &a->c, &b->c, dt);
        row_latency(r, m->scratch, a->lat, b->lat);
        row_health(r, a, b, dt, m->elapsed_s);
        m->total.lag_count += r->lag_count;
        if (r->lag_p99_us > m->total.lag_p99_us)
            m->total.lag_p99_us = r->lag_p99_us;
        m->total.cpu_pct += r->cpu_pct;
        m->total.cpu_run_pct += r->cpu_run_pct;
        sb_counters_add(&m->c, &a->c);
        sb_counters_add(&then, &b->c);
        m->total.clients_planned += a->clients;
        if (r->clients_started > a->clients) /* past its share of the pool: max_clients */
            m->clients_grown += r->clients_started - a->clients;
    }
    m->total.index = TOP_ROW_TOTAL;
    m->total.pid = cur->parent_pid;
    m->total.state = cur->run_state;
    row_fill(&m->total, &m->c, &then, dt);
    row_latency(&m->total, m->scratch, cur->total, prev->total);
    latency_fill(&m->ival, m->scratch);
    latency_fill(&m->run, cur->total);
    interval_sub(m->scratch, cur->intended, prev->intended);
    latency_fill(&m->intended_ival, m->scratch);
    latency_fill(&m->intended_run, cur->intended);
    m->open_model = m->total.lag_count > 0 || m->intended_run.count > 0;
    memcpy(m->extras, cur->extras, (m->nextras ? m->nextras : 1) * sizeof(*m->extras));
    chart_update(&m->chart, cur->t_ns, done_of(&m->c), sb_get(&m->c.requests_failed));
    return 0;
}
