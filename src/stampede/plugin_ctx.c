/* plugin_ctx: the functions plugins call to learn where they run and to act on the run
 * (stampede/plugin.h): worker and client, options, counters, totals, log, stop. */
#include "plugin_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client.h"
#include "errkind.h"
#include "scoreboard.h"
#include "units.h"
#include "worker.h"

/* ---- the context functions plugins call ----------------------------------------------- */

int stampede_worker(const struct stampede_ctx *ctx)
{
    return ctx->w ? (int)ctx->w->index : -1;
}

int stampede_workers(const struct stampede_ctx *ctx)
{
    return (int)ctx->cfg->workers;
}

int stampede_run_worker(const struct stampede_ctx *ctx)
{
    return ctx->w ? (int)ctx->w->run_index : -1;
}

int stampede_run_workers(const struct stampede_ctx *ctx)
{
    return (int)(ctx->cfg->workers * ctx->cfg->segment_count);
}

int64_t stampede_client(const struct stampede_ctx *ctx)
{
    return ctx->c ? (int64_t)ctx->c->number : -1;
}

uint64_t stampede_round(const struct stampede_ctx *ctx)
{
    return ctx->c ? ctx->c->round : 0;
}

int64_t stampede_t0(const struct stampede_ctx *ctx)
{
    return ctx->w ? ctx->w->t0 : 0;
}

void stampede_worker_stats(const struct stampede_ctx *ctx, struct stampede_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!ctx->w)
        return;
    const struct sb_counters *c = &ctx->w->slot->c;
    out->clients_active = sb_get(&c->clients_active);
    out->requests_started = sb_get(&c->requests_started);
    out->requests_ok = sb_get(&c->requests_ok);
    out->requests_failed = sb_get(&c->requests_failed);
}

int stampede_requests(const struct stampede_ctx *ctx)
{
    return (int)ctx->cfg->nrequests;
}

const char *stampede_request_name(const struct stampede_ctx *ctx, int index)
{
    return index >= 0 && (size_t)index < ctx->cfg->nrequests ? ctx->cfg->requests[index].name
                                                             : NULL;
}

void *stampede_userdata(const struct stampede_ctx *ctx)
{
    return ctx->c ? client_userdata(ctx->c, ctx->pi) : NULL;
}

void stampede_set_userdata(struct stampede_ctx *ctx, void *data)
{
    if (ctx->c)
        client_set_userdata(ctx->c, ctx->pi, data);
}

const char *stampede_run_option(const struct stampede_ctx *ctx, const char *key)
{
    const char *v = NULL;
    for (size_t i = 0; i < ctx->cfg->nrun; i++)
        if (strcasecmp(ctx->cfg->run_keys[i], key) == 0)
            v = ctx->cfg->run_values[i]; /* the last one wins, as in the run */
    return v;
}

const char *stampede_option(const struct stampede_ctx *ctx, const char *key)
{
    const struct plugin *p = &ctx->ps->v[ctx->pi];
    const struct plugin_conf *pc = p->conf;
    const char *v = NULL;
    for (size_t i = 0; i < pc->nkeys; i++)
        if (strcasecmp(pc->keys[i], key) == 0)
            v = pc->values[i];
    if (!v) {
        const struct stampede_option *o = plugin_option_find(p, key);
        v = o ? o->def : NULL;
    }
    return v;
}

/* The value of a declared option of that type (checked when the plugin was loaded). */
static const char *typed(const struct stampede_ctx *ctx, const char *key, int type)
{
    const struct stampede_option *o = plugin_option_find(&ctx->ps->v[ctx->pi], key);
    return o && o->type == type ? stampede_option(ctx, key) : NULL;
}

int64_t stampede_option_int(const struct stampede_ctx *ctx, const char *key)
{
    const char *v = typed(ctx, key, STAMPEDE_OPTION_INT);
    int64_t n = 0;
    return v && plugin_parse_int(v, &n) == 0 ? n : 0;
}

int stampede_option_bool(const struct stampede_ctx *ctx, const char *key)
{
    const char *v = typed(ctx, key, STAMPEDE_OPTION_BOOL);
    return v && plugin_parse_bool(v) == 1;
}

int64_t stampede_option_duration(const struct stampede_ctx *ctx, const char *key)
{
    const char *v = typed(ctx, key, STAMPEDE_OPTION_DURATION);
    int64_t ns = 0;
    return v && units_parse_duration(v, &ns) == 0 ? ns : 0;
}

const char *stampede_option_path(const struct stampede_ctx *ctx, const char *key)
{
    static char *path; /* one per process: valid until the next call */
    const char *v = typed(ctx, key, STAMPEDE_OPTION_PATH);
    if (!v)
        return NULL;
    if (v[0] == '/')
        return v;
    free(path);
    if (asprintf(&path, "%s/%s", stampede_config_dir(ctx), v) < 0)
        path = NULL;
    return path;
}

const char *stampede_config_dir(const struct stampede_ctx *ctx)
{
    return ctx->cfg->dir ? ctx->cfg->dir : ".";
}

uint32_t stampede_rnd(struct stampede_ctx *ctx, uint32_t max)
{
    return ctx->c ? client_rnd(ctx->c, max) : 0;
}

void stampede_delay(struct stampede_ctx *ctx, int64_t ns)
{
    if (ctx->c)
        client_add_delay(ctx->c, ns);
}

void stampede_count(struct stampede_ctx *ctx, unsigned i, uint64_t n)
{
    const struct plugin *p = &ctx->ps->v[ctx->pi];
    if (ctx->w && i < p->ncounters)
        sb_add(sb_extra(ctx->w->hdr, ctx->w->index, p->counter_base + i), n);
}

void stampede_log(const struct stampede_ctx *ctx, const char *fmt, ...)
{
    char line[1024];
    const char *name = ctx->ps->v[ctx->pi].conf->name;
    int n;
    if (ctx->c)
        n = snprintf(line, sizeof(line), "stampede: plugin %s (worker %u, client %llu): ", name,
                     ctx->w->index, (unsigned long long)ctx->c->number);
    else if (ctx->w)
        n = snprintf(line, sizeof(line), "stampede: plugin %s (worker %u): ", name,
                     ctx->w->index);
    else
        n = snprintf(line, sizeof(line), "stampede: plugin %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof(line) - 2)
        len = sizeof(line) - 2;
    line[len++] = '\n';
    /* one write per line: lines from several workers never interleave */
    ssize_t rc = write(2, line, len);
    (void)rc;
}

void stampede_fail(struct stampede_ctx *ctx, const char *reason)
{
    ctx->fail = reason;
}

/* A plugin stops the run: recorded once in the scoreboard for the summary; a worker stops
 * itself and asks the parent to stop the others, as Ctrl-C would. */
static void stop(struct stampede_ctx *ctx, const char *reason, int failed)
{
    reason = reason ? reason : "no reason given";
    stampede_log(ctx, "stops the run%s: %s", failed ? " as failed" : "", reason);
    if (ctx->hdr)
        sb_stop_request(ctx->hdr, ctx->w ? ctx->w->index + 1 : SB_STOP_PARENT, failed,
                        ctx->ps->v[ctx->pi].conf->name, reason);
    if (ctx->w)
        worker_stop_run(ctx->w);
}

void stampede_stop(struct stampede_ctx *ctx, const char *reason)
{
    stop(ctx, reason, 0);
}

void stampede_stop_failed(struct stampede_ctx *ctx, const char *reason)
{
    stop(ctx, reason, 1);
}

/* ---- the run's totals and summary ----------------------------------------------------- */

/* t += the totals of c */
static void totals_add(const struct sb_counters *c, struct stampede_totals *t)
{
    t->clients_started += sb_get(&c->clients_started);
    t->clients_active += sb_get(&c->clients_active);
    t->clients_done += sb_get(&c->clients_done);
    t->requests_started += sb_get(&c->requests_started);
    t->requests_ok += sb_get(&c->requests_ok);
    t->requests_failed += sb_get(&c->requests_failed);
    t->bytes_sent += sb_get(&c->bytes_sent);
    t->bytes_received += sb_get(&c->bytes_received);
    t->conns_opened += sb_get(&c->conn_opened);
    t->conns_reused += sb_get(&c->conn_reused);
    for (int i = 0; i < 6; i++)
        t->status_class[i] += sb_get(&c->status_class[i]);
    for (int k = ERR_NONE + 1; k < ERR_KIND_COUNT; k++)
        t->errors += sb_get(&c->errors[k]);
}

/* Copies what both sides know of a struct that later minors may grow: the caller's size. */
static void copy_out(void *out, size_t size, const void *in, size_t have)
{
    memset(out, 0, size);
    memcpy(out, in, size < have ? size : have);
}

int stampede_run_totals(const struct stampede_ctx *ctx, struct stampede_totals *out,
                        size_t size)
{
    struct stampede_totals t = {0};
    const struct sb_header *h = ctx->hdr;
    if (!h) {
        copy_out(out, size, &t, sizeof(t));
        return -1;
    }
    /* read as any viewer reads it: each slot has one writer, every counter is atomic */
    for (unsigned w = 0; w < h->nworkers; w++)
        totals_add(&sb_slot(h, w)->c, &t);
    copy_out(out, size, &t, sizeof(t));
    return 0;
}

int stampede_run_summary(const struct stampede_ctx *ctx, struct stampede_summary *out,
                         size_t size)
{
    struct stampede_summary m = {0};
    const struct summary *s = ctx->summary;
    if (!s) {
        copy_out(out, size, &m, sizeof(m));
        return -1;
    }
    totals_add(&s->c, &m.totals);
    m.duration_s = s->duration_s;
    m.requests_per_s = s->rps;
    const struct hist *h = s->latency;
    if (m.totals.requests_ok + m.totals.requests_failed) {
        m.latency_min = (int64_t)sb_get(&h->min_ns);
        m.latency_max = (int64_t)sb_get(&h->max_ns);
        m.latency_mean = (int64_t)(hist_mean_us(h) * 1000);
        m.latency_p50 = (int64_t)hist_percentile_us(h, 50) * 1000;
        m.latency_p90 = (int64_t)hist_percentile_us(h, 90) * 1000;
        m.latency_p99 = (int64_t)hist_percentile_us(h, 99) * 1000;
        m.latency_p999 = (int64_t)hist_percentile_us(h, 99.9) * 1000;
    }
    m.seed = s->seed;
    m.interrupted = s->interrupted;
    m.stopped_by = s->stopped_by;
    m.stop_reason = s->stop_reason;
    m.stop_failed = s->stop_failed;
    copy_out(out, size, &m, sizeof(m));
    return 0;
}
