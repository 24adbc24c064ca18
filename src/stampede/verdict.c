/* verdict: merging the checks' counters and measuring the thresholds at the end of a run. */
#include "verdict.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"
#include "report.h"
#include "threshold.h"
#include "units.h"

static void merge_checks(struct verdicts *v, const struct config *cfg, const struct sb_header *h)
{
    for (size_t r = 0; r < cfg->nrequests; r++) {
        const struct check_set *set = cfg->requests[r].checks;
        for (size_t i = 0; set && i < set->n; i++) {
            const struct check *c = &set->v[i];
            struct verdict_check *vc = &v->checks[c->id];
            vc->request = cfg->requests[r].name;
            vc->key = check_key(c->kind);
            vc->text = c->text;
            vc->req = r;
            for (unsigned w = 0; c->id < h->nchecks && w < h->nworkers; w++) {
                vc->passed += sb_get(&sb_check(h, w, c->id)[0]);
                vc->failed += sb_get(&sb_check(h, w, c->id)[1]);
            }
        }
    }
}

static int latency(const struct threshold *t, const struct hist *h, double *value)
{
    if (!h || !h->count)
        return 0;
    switch (t->stat) {
    case TH_PERCENTILE:
        *value = (double)hist_percentile_us(h, t->percentile) * 1000;
        break;
    case TH_MAX:
        *value = (double)h->max_ns;
        break;
    case TH_MIN:
        *value = (double)h->min_ns;
        break;
    case TH_MEAN:
        *value = hist_mean_us(h) * 1000;
        break;
    }
    return 1;
}

/* t's value on s; 0 when there is nothing to measure. */
static int measure(const struct verdicts *v, const struct threshold *t, const struct summary *s,
                   double *value)
{
    const struct summary_request *q = t->request >= 0 ? &s->requests[t->request] : NULL;
    uint64_t ok = q ? q->ok : sb_get(&s->c.requests_ok);
    uint64_t failed = q ? q->failed : sb_get(&s->c.requests_failed);
    uint64_t passed = 0, checks = 0;
    switch (t->metric) {
    case TH_LATENCY:
        return latency(t, q ? q->latency : s->latency, value);
    case TH_INTENDED:
        return latency(t, s->intended, value);
    case TH_FAILED:
        if (t->unit == TH_COUNT) {
            *value = (double)failed;
            return 1;
        }
        *value = ok + failed ? 100.0 * (double)failed / (double)(ok + failed) : 0;
        return ok + failed > 0;
    case TH_REQUESTS:
        *value = (double)(ok + failed);
        return 1;
    case TH_RPS:
        *value = s->duration_s > 0 ? (double)(ok + failed) / s->duration_s : 0;
        return s->duration_s > 0;
    case TH_CHECKS:
        for (size_t i = 0; i < v->nchecks; i++)
            if (!q || v->checks[i].req == (size_t)t->request) {
                passed += v->checks[i].passed;
                checks += v->checks[i].passed + v->checks[i].failed;
            }
        *value = checks ? 100.0 * (double)passed / (double)checks : 0;
        return checks > 0;
    }
    return 0;
}

int verdicts_collect(struct verdicts *v, const struct config *cfg, const struct sb_header *h,
                     const struct summary *s)
{
    memset(v, 0, sizeof(*v));
    v->checks = calloc(cfg->nchecks + 1, sizeof(*v->checks));
    v->thresholds = calloc(cfg->nthresholds + 1, sizeof(*v->thresholds));
    if (!v->checks || !v->thresholds)
        return -1;
    v->nchecks = cfg->nchecks;
    merge_checks(v, cfg, h);
    verdicts_measure(v, cfg->thresholds, cfg->nthresholds, s);
    return 0;
}

void verdicts_measure(struct verdicts *v, const struct threshold *t, size_t n,
                      const struct summary *s)
{
    v->nthresholds = n;
    v->failed = 0;
    for (size_t i = 0; i < n; i++) {
        struct verdict_threshold *vt = &v->thresholds[i];
        vt->t = &t[i];
        vt->measured = measure(v, vt->t, s, &vt->value);
        vt->passed = vt->measured && threshold_holds(vt->t, vt->value);
        v->failed += !vt->passed;
    }
}

void verdicts_free(struct verdicts *v)
{
    free(v->checks);
    free(v->thresholds);
    memset(v, 0, sizeof(*v));
}

static const char *format_value(const struct verdict_threshold *vt, char *buf, size_t len)
{
    if (!vt->measured)
        return "- (nothing to measure)";
    switch (vt->t->unit) {
    case TH_NS:
        return units_format_us(vt->value / 1000, buf, len);
    case TH_PERCENT:
        snprintf(buf, len, "%.2f%%", vt->value);
        return buf;
    case TH_COUNT:
        snprintf(buf, len, "%.0f", vt->value);
        return buf;
    case TH_PER_SECOND:
        snprintf(buf, len, "%.1f/s", vt->value);
        return buf;
    }
    return "?";
}

void verdicts_print(FILE *f, const struct verdicts *v)
{
    if (v->nchecks)
        fputs("checks\n", f);
    for (size_t i = 0; i < v->nchecks; i++) {
        const struct verdict_check *c = &v->checks[i];
        char what[48];
        int n = snprintf(what, sizeof(what), "%s %s", c->key, c->text);
        if (n >= (int)sizeof(what)) /* the JSON has it whole */
            memcpy(what + sizeof(what) - 4, "...", 4);
        fprintf(f, "  %-16s %-47s %8" PRIu64 " passed, %" PRIu64 " failed\n", c->request,
                what, c->passed, c->failed);
    }
    if (v->nthresholds)
        fprintf(f, "thresholds (%zu of %zu failed)\n", v->failed, v->nthresholds);
    for (size_t i = 0; i < v->nthresholds; i++) {
        char buf[48];
        fprintf(f, "  %s %-36s %s\n", v->thresholds[i].passed ? "\u2713" : "\u2717",
                v->thresholds[i].t->expr, format_value(&v->thresholds[i], buf, sizeof(buf)));
    }
}

void verdicts_json(FILE *f, const struct verdicts *v)
{
    static const char *const units[] = {[TH_NS] = "us", [TH_PERCENT] = "%",
                                        [TH_COUNT] = "count", [TH_PER_SECOND] = "per_second"};
    fputs("\"checks\":[", f);
    for (size_t i = 0; i < v->nchecks; i++) {
        const struct verdict_check *c = &v->checks[i];
        fputs(i ? ",\n{\"request\":" : "{\"request\":", f);
        json_string(f, c->request);
        fputs(",\"check\":", f);
        json_string(f, c->key);
        fputs(",\"expect\":", f);
        json_string(f, c->text);
        fprintf(f, ",\"passed\":%" PRIu64 ",\"failed\":%" PRIu64 "}", c->passed, c->failed);
    }
    fputs("],\n\"thresholds\":[", f);
    for (size_t i = 0; i < v->nthresholds; i++) {
        const struct verdict_threshold *vt = &v->thresholds[i];
        fputs(i ? ",\n{\"expr\":" : "{\"expr\":", f);
        json_string(f, vt->t->expr);
        if (vt->measured)
            fprintf(f, ",\"value\":%.3f", vt->t->unit == TH_NS ? vt->value / 1000 : vt->value);
        else
            fputs(",\"value\":null", f);
        fprintf(f, ",\"unit\":\"%s\",\"passed\":%s}", units[vt->t->unit],
                vt->passed ? "true" : "false");
    }
    fputs("],\n", f);
}
