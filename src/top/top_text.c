/* top_text: a frame's lines as text; see top_text.h. */
#include "top_text.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errkind.h"
#include "top_fmt.h"
#include "units.h"

/* Appending to a fixed buffer: output past the end is dropped, never overflows. */
struct line {
    char *buf;
    size_t len, used;
};

static void line_init(struct line *l, char *buf, size_t len)
{
    l->buf = buf;
    l->len = len;
    l->used = 0;
    if (len)
        buf[0] = '\0';
}

__attribute__((format(printf, 2, 3))) static void line_add(struct line *l, const char *fmt, ...)
{
    if (l->used + 1 >= l->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->used, l->len - l->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->used += (size_t)n < l->len - l->used ? (size_t)n : l->len - l->used - 1;
}

struct column {
    const char *title;
    int width;
    int left;      /* left-aligned */
    int priority;  /* lower stays longer when the terminal narrows */
};

static const struct column columns[TOP_COL_COUNT] = {
    [TOP_COL_WORKER] = {"W", 3, 0, 0},
    [TOP_COL_PID] = {"PID", 7, 0, 1},
    [TOP_COL_STATE] = {"STATE", 8, 1, 2},
    [TOP_COL_CLIENTS] = {"CLIENTS", 11, 0, 3},
    [TOP_COL_REQUESTS] = {"REQS", 10, 0, 10},
    [TOP_COL_OK] = {"OK", 10, 0, 5},
    [TOP_COL_FAILED] = {"FAILED", 8, 0, 6},
    [TOP_COL_INFLIGHT] = {"INFL", 6, 0, 9},
    [TOP_COL_RPS] = {"REQ/S", 9, 0, 4},
    [TOP_COL_IN] = {"IN/S", 8, 0, 11},
    [TOP_COL_OUT] = {"OUT/S", 8, 0, 12},
    [TOP_COL_P50] = {"P50", 8, 0, 7},
    [TOP_COL_P99] = {"P99", 8, 0, 8},
};

unsigned top_text_columns(int width)
{
    unsigned mask = 0;
    int used = 0;
    for (int prio = 0; prio < TOP_COL_COUNT; prio++)
        for (int c = 0; c < TOP_COL_COUNT; c++) {
            if (columns[c].priority != prio)
                continue;
            int need = columns[c].width + (mask ? 1 : 0);
            if (used + need > width)
                return mask;
            used += need;
            mask |= 1u << c;
        }
    return mask;
}

static int sort_descending(const struct top_view *v)
{
    int names = v->sort == TOP_COL_WORKER || v->sort == TOP_COL_PID || v->sort == TOP_COL_STATE;
    return names == !!v->reverse;
}

void top_text_table_head(char *buf, size_t len, unsigned cols, const struct top_view *v,
                         int *sort_at, int *sort_len)
{
    struct line l;
    line_init(&l, buf, len);
    *sort_at = -1;
    *sort_len = 0;
    for (int c = 0; c < TOP_COL_COUNT; c++) {
        if (!(cols & (1u << c)))
            continue;
        char title[32];
        /* The sort column carries its direction: v largest first, ^ smallest first. */
        snprintf(title, sizeof(title), "%s%s", columns[c].title,
                 (int)v->sort == c ? (sort_descending(v) ? "v" : "^") : "");
        if (l.used)
            line_add(&l, " ");
        if ((int)v->sort == c) {
            *sort_at = (int)l.used;
            *sort_len = columns[c].width;
        }
        line_add(&l, columns[c].left ? "%-*s" : "%*s", columns[c].width, title);
    }
}

static void cell(char *out, size_t len, enum top_col c, const struct top_row *r)
{
    int w = columns[c].width;
    int total = r->index == TOP_ROW_TOTAL;
    char a[32], b[32];
    switch (c) {
    case TOP_COL_WORKER:
        if (total)
            snprintf(out, len, "all");
        else
            snprintf(out, len, "%" PRIu32, r->index);
        break;
    case TOP_COL_PID:
        snprintf(out, len, "%d", r->pid);
        break;
    case TOP_COL_STATE:
        if (total)
            snprintf(out, len, "%s", top_run_state_name(r->state));
        else if (r->state == SB_WORKER_KILLED)
            snprintf(out, len, "sig %d", r->term_signal);
        else if (r->state == SB_WORKER_EXITED && r->exit_code > 0)
            snprintf(out, len, "exit %d", r->exit_code);
        else
            snprintf(out, len, "%s", top_worker_state_name(r->state));
        break;
    case TOP_COL_CLIENTS:
        snprintf(out, len, "%s/%s", top_fmt_count(r->clients_active, 5, a, sizeof(a)),
                 top_fmt_count(r->clients_started, 5, b, sizeof(b)));
        break;
    case TOP_COL_REQUESTS: top_fmt_count(r->started, w, out, len); break;
    case TOP_COL_OK: top_fmt_count(r->ok, w, out, len); break;
    case TOP_COL_FAILED: top_fmt_count(r->failed, w, out, len); break;
    case TOP_COL_INFLIGHT: top_fmt_count(r->in_flight, w, out, len); break;
    case TOP_COL_RPS: top_fmt_rate(r->rps, out, len); break;
    case TOP_COL_IN: top_fmt_bytes(r->in_bps, out, len); break;
    case TOP_COL_OUT: top_fmt_bytes(r->out_bps, out, len); break;
    case TOP_COL_P50:
    case TOP_COL_P99:
        /* No request finished in the interval: there is no latency to show, not a zero. */
        if (!r->ival_count)
            snprintf(out, len, "-");
        else
            units_format_us((double)(c == TOP_COL_P50 ? r->p50_us : r->p99_us), out, len);
        break;
    default:
        out[0] = '\0';
    }
}

void top_text_table_row(char *buf, size_t len, unsigned cols, const struct top_row *r)
{
    struct line l;
    line_init(&l, buf, len);
    for (int c = 0; c < TOP_COL_COUNT; c++) {
        if (!(cols & (1u << c)))
            continue;
        char text[64];
        cell(text, sizeof(text), (enum top_col)c, r);
        line_add(&l, columns[c].left ? "%s%-*.*s" : "%s%*.*s", l.used ? " " : "",
                 columns[c].width, columns[c].width, text);
    }
}

void top_text_title(char *buf, size_t len, const struct top_model *m)
{
    struct line l;
    char a[32];
    line_init(&l, buf, len);
    line_add(&l, "stampede-top  %s  parent %d  %s", m->config_name[0] ? m->config_name : "-",
             m->parent_pid, top_run_state_name(m->run_state));
    if (m->t0_ns > 0)
        line_add(&l, "  elapsed %s", top_fmt_elapsed(m->elapsed_s, a, sizeof(a)));
    if (m->left_s >= 0 && m->t0_ns > 0)
        line_add(&l, "  left %s", top_fmt_elapsed(m->left_s, a, sizeof(a)));
    if (m->cluster_size > 0)
        line_add(&l, "  rank %u of %u%s", m->cluster_rank, m->cluster_size,
                 m->nranks ? " (every rank below)" : "");
}

void top_text_ranks_head(char *buf, size_t len)
{
    snprintf(buf, len, "%4s %-20s %-8s %10s %10s %8s %6s %9s %8s %8s %6s", "RANK", "HOST",
             "STATE", "REQS", "OK", "FAILED", "INFL", "REQ/S", "P50", "P99", "AGE");
}

void top_text_rank_row(char *buf, size_t len, const struct top_rank *r)
{
    char reqs[16], ok[16], failed[16], infl[16], rps[16], p50[32], p99[32];
    if (!r->updates) {
        snprintf(buf, len, "%4u %-20s %-8s", r->rank, "-", top_rank_state_name(r->state));
        return;
    }
    snprintf(buf, len, "%4u %-20.20s %-8s %10s %10s %8s %6s %9s %8s %8s %5.1fs", r->rank,
             r->host, top_rank_state_name(r->state),
             top_fmt_count(r->started, 10, reqs, sizeof(reqs)),
             top_fmt_count(r->ok, 10, ok, sizeof(ok)),
             top_fmt_count(r->failed, 8, failed, sizeof(failed)),
             top_fmt_count(r->in_flight, 6, infl, sizeof(infl)),
             top_fmt_rate(r->rps, rps, sizeof(rps)),
             r->p50_us ? units_format_us((double)r->p50_us, p50, sizeof(p50)) : "-",
             r->p99_us ? units_format_us((double)r->p99_us, p99, sizeof(p99)) : "-", r->age_s);
}

void top_text_clients(char *buf, size_t len, const struct top_model *m)
{
    struct line l;
    char a[32];
    const struct top_row *t = &m->total;
    line_init(&l, buf, len);
    uint64_t planned = m->planned_clients;
    if (m->open_model) { /* a pool that arrivals use: started as needed, maybe grown */
        line_add(&l, "clients   %" PRIu64 " started of a pool of %" PRIu64, t->clients_started,
                 planned);
        if (m->clients_grown)
            line_add(&l, ", grown by %" PRIu64, m->clients_grown);
        line_add(&l, ", %" PRIu64 " active   workers %u", t->clients_active, m->nworkers);
        return;
    }
    line_add(&l, "clients   %" PRIu64 "/%" PRIu64 " started", t->clients_started, planned);
    if (planned)
        line_add(&l, " (%.0f%%)", 100.0 * (double)t->clients_started / (double)planned);
    line_add(&l, ", %" PRIu64 " active", t->clients_active);
    if (m->ramp_duration_ns > 0)
        line_add(&l, "   ramp %" PRIu64 " then +%" PRIu64 " over %s", m->ramp_start,
                 planned > m->ramp_start ? planned - m->ramp_start : 0,
                 units_format_us((double)m->ramp_duration_ns / 1000, a, sizeof(a)));
    line_add(&l, "   workers %u", m->nworkers);
}

void top_text_requests(char *buf, size_t len, const struct top_model *m,
                       const struct top_view *v)
{
    struct line l;
    char a[32], b[32];
    const struct top_row *t = &m->total;
    line_init(&l, buf, len);
    line_add(&l, "requests  %" PRIu64 " ok, %" PRIu64 " failed, %" PRIu64 " in flight   %s/s, "
                 "failed %s/s over %.1fs   sort %s %s",
             t->ok, t->failed, t->in_flight, top_fmt_rate(t->rps, a, sizeof(a)),
             top_fmt_rate(t->failed_ps, b, sizeof(b)), m->interval_s, top_col_names[v->sort],
             sort_descending(v) ? "v" : "^");
}

void top_text_status(char *buf, size_t len, const struct top_model *m)
{
    struct line l;
    line_init(&l, buf, len);
    line_add(&l, "status   ");
    for (int k = 1; k <= 5; k++)
        line_add(&l, " %dxx %" PRIu64, k, sb_get(&m->c.status_class[k]));
    line_add(&l, "  other %" PRIu64, sb_get(&m->c.status_class[0]));
}

void top_text_errors(char *buf, size_t len, const struct top_model *m)
{
    struct line l;
    int any = 0;
    line_init(&l, buf, len);
    line_add(&l, "errors   ");
    for (int k = 1; k < ERR_KIND_COUNT; k++) {
        uint64_t n = sb_get(&m->c.errors[k]);
        if (n) {
            line_add(&l, " %s %" PRIu64, errkind_names[k], n);
            any = 1;
        }
    }
    if (!any)
        line_add(&l, " none");
}

void top_text_latency(char *buf, size_t len, const struct top_model *m, int interval)
{
    const struct top_latency *t = interval ? &m->ival : &m->run;
    char label[32], a[32], b[32], c[32], d[32], e[32];
    struct line l;
    line_init(&l, buf, len);
    if (interval)
        snprintf(label, sizeof(label), "last %.1fs", m->interval_s);
    else
        snprintf(label, sizeof(label), "run");
    line_add(&l, "latency   %-10s", label);
    if (!t->count) {
        line_add(&l, "-");
        return;
    }
    line_add(&l, "p50 %-7s p90 %-7s p99 %-7s p99.9 %-7s max %-7s (%" PRIu64 ")",
             units_format_us((double)t->p50_us, a, sizeof(a)),
             units_format_us((double)t->p90_us, b, sizeof(b)),
             units_format_us((double)t->p99_us, c, sizeof(c)),
             units_format_us((double)t->p999_us, d, sizeof(d)),
             units_format_us((double)t->max_us, e, sizeof(e)), t->count);
}

/* "p50 X p99 Y (N)" or "-" for one scope of the intended latency. */
static void intended_part(struct line *l, const char *label, const struct top_latency *t)
{
    char a[32], b[32];
    line_add(l, "%s ", label);
    if (!t->count) {
        line_add(l, "-");
        return;
    }
    line_add(l, "p50 %-7s p99 %-7s (%" PRIu64 ")", units_format_us((double)t->p50_us, a, 32),
             units_format_us((double)t->p99_us, b, 32), t->count);
}

int top_text_intended(char *buf, size_t len, const struct top_model *m)
{
    struct line l;
    char label[32];
    line_init(&l, buf, len);
    if (!m->open_model)
        return 0;
    line_add(&l, "intended  ");
    intended_part(&l, "run", &m->intended_run);
    snprintf(label, sizeof(label), "   last %.1fs", m->interval_s);
    intended_part(&l, label, &m->intended_ival);
    return 1;
}

int top_text_sequences(char *buf, size_t len, const struct top_model *m)
{
    struct line l;
    const struct top_sequences *q = &m->seq;
    line_init(&l, buf, len);
    if (!q->steps_planned && !q->steps_done)
        return 0;
    line_add(&l, "sequences ");
    if (q->steps_planned)
        line_add(&l, "%" PRIu64 "/%" PRIu64 " repetitions, %" PRIu64 "/%" PRIu64
                     " steps (%.1f%%)",
                 q->reps_done, q->reps_planned, q->steps_done, q->steps_planned,
                 100.0 * (double)q->steps_done / (double)q->steps_planned);
    else
        line_add(&l, "%" PRIu64 " repetitions, %" PRIu64 " steps done", q->reps_done,
                 q->steps_done);
    line_add(&l, "   failed checks %" PRIu64, sb_get(&m->c.errors[ERR_CHECK_FAILED]));
    return 1;
}

void top_text_conns(char *buf, size_t len, const struct top_model *m)
{
    struct line l;
    char a[32], b[32];
    line_init(&l, buf, len);
    line_add(&l, "conns     %" PRIu64 " opened, %" PRIu64 " reused   dns %" PRIu64 " hits, %" PRIu64
                 " misses   bytes %s in, %s out",
             sb_get(&m->c.conn_opened), sb_get(&m->c.conn_reused), sb_get(&m->c.dns_hits),
             sb_get(&m->c.dns_misses),
             units_format_bytes((double)sb_get(&m->c.bytes_received), a, 32),
             units_format_bytes((double)sb_get(&m->c.bytes_sent), b, 32));
    if (m->chan.opened || m->chan.failed)
        line_add(&l, "   channels %" PRIu64 " open, %" PRIu64 " opened, %" PRIu64
                     " failed, %" PRIu64 " msgs out, %" PRIu64 " in",
                 m->chan.open_now, m->chan.opened, m->chan.failed, m->chan.messages_sent,
                 m->chan.messages_received);
}

void top_text_generator(char *buf, size_t len, const struct top_model *m)
{
    struct line l;
    char a[32];
    line_init(&l, buf, len);
    line_add(&l, "generator");
    /* lag first: with many workers the CPU list is what the terminal cuts off */
    if (m->total.lag_count)
        line_add(&l, " lag p99 %s  ",
                 units_format_us((double)m->total.lag_p99_us, a, sizeof(a)));
    line_add(&l, " cpu");
    for (unsigned w = 0; w < m->nworkers; w++)
        line_add(&l, " w%u %.0f%%", w, m->rows[w].cpu_pct);
    line_add(&l, " over %.1fs", m->interval_s);
}

int top_text_extras(char *buf, size_t len, const struct top_model *m)
{
    struct line l;
    line_init(&l, buf, len);
    if (!m->nextras)
        return 0;
    line_add(&l, "extras   ");
    for (unsigned i = 0; i < m->nextras; i++)
        line_add(&l, " %s %" PRIu64, m->extra_names[i][0] ? m->extra_names[i] : "?",
                 m->extras[i]);
    return 1;
}

void top_text_note(char *buf, size_t len, const struct top_model *m, const struct top_view *v)
{
    struct line l;
    line_init(&l, buf, len);
    if (v->paused)
        line_add(&l, "PAUSED (p resumes)  ");
    if (v->truncated)
        line_add(&l, "scoreboard truncated under the viewer: last good state shown");
    else if (v->removed)
        line_add(&l, "scoreboard removed%s: last state shown",
                 m->run_state == SB_RUN_DONE ? " after the run" : "");
    else if (m->parent_gone)
        line_add(&l, "parent %d is gone: the run ended without finishing", m->parent_pid);
    else if (m->run_state == SB_RUN_DONE)
        line_add(&l, "run done: final state");
    else if (m->run_state == SB_RUN_INIT)
        line_add(&l, "waiting for the workers to be ready");
}
