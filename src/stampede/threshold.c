/* threshold: parsing the lines of [thresholds]. */
#include "threshold.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

#define METRICS_HINT "p50, p95, p99, p99.9, max, min, mean, intended_p99, failed, requests, " \
                     "rps or checks"

void threshold_free(struct threshold *t)
{
    free(t->expr);
    t->expr = NULL;
}

const char *threshold_op_text(enum threshold_op op)
{
    static const char *const ops[] = {"<", "<=", ">", ">="};
    return ops[op];
}

int threshold_holds(const struct threshold *t, double value)
{
    switch (t->op) {
    case TH_LT: return value < t->bound;
    case TH_LE: return value <= t->bound;
    case TH_GT: return value > t->bound;
    case TH_GE: return value >= t->bound;
    }
    return 0;
}

/* "99.9" of "p99.9": a percentile above 0 and at most 100. */
static int parse_percentile(const char *s, size_t n, double *out)
{
    char buf[16];
    if (n == 0 || n >= sizeof(buf) || !isdigit((unsigned char)s[0]))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    *out = strtod(buf, &end);
    return *end == '\0' && *out > 0 && *out <= 100 ? 0 : -1;
}

/* The metric's name, s[0..n). */
static int parse_metric(struct threshold *t, const char *s, size_t n,
                        const struct threshold_context *ctx, char *err, size_t len)
{
    static const struct {
        const char *name;
        enum threshold_metric metric;
        enum threshold_stat stat;
    } words[] = {
        {"max", TH_LATENCY, TH_MAX},      {"min", TH_LATENCY, TH_MIN},
        {"mean", TH_LATENCY, TH_MEAN},    {"failed", TH_FAILED, 0},
        {"requests", TH_REQUESTS, 0},     {"rps", TH_RPS, 0},
        {"checks", TH_CHECKS, 0},
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i].name) == n && strncmp(s, words[i].name, n) == 0) {
            t->metric = words[i].metric;
            t->stat = words[i].stat;
            if (t->metric == TH_CHECKS && !ctx->have_checks) {
                snprintf(err, len, "checks: no request has a check (add expect_status, "
                                   "expect_body, ... to a [request NAME] or [defaults])");
                return -1;
            }
            return 0;
        }
    size_t skip = n > 9 && strncmp(s, "intended_", 9) == 0 ? 9 : 0;
    if (n > skip + 1 && s[skip] == 'p' &&
        parse_percentile(s + skip + 1, n - skip - 1, &t->percentile) == 0) {
        t->metric = skip ? TH_INTENDED : TH_LATENCY;
        t->stat = TH_PERCENTILE;
        if (skip && !ctx->open_model) {
            snprintf(err, len, "%.*s: intended latency needs the open model (set [run] rate "
                               "or schedule)", (int)n, s);
            return -1;
        }
        return 0;
    }
    snprintf(err, len, "unknown metric '%.*s' (use " METRICS_HINT ")", (int)(n < 40 ? n : 40),
             s);
    return -1;
}

/* "{request=NAME}" at *p (past the metric): sets t->request and moves *p past it. */
static int parse_filter(struct threshold *t, const char **p, const struct threshold_context *ctx,
                        char *err, size_t len)
{
    const char *close = strchr(*p, '}');
    const char *in = *p + 1 + strspn(*p + 1, " \t");
    if (!close || strncmp(in, "request", 7) != 0) {
        snprintf(err, len, "bad filter '%.40s' (write {request=NAME})", *p);
        return -1;
    }
    in += 7;
    in += strspn(in, " \t");
    if (*in != '=') {
        snprintf(err, len, "bad filter '%.40s' (write {request=NAME})", *p);
        return -1;
    }
    in++;
    in += strspn(in, " \t");
    size_t n = (size_t)(close - in);
    while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
        n--;
    for (size_t r = 0; r < ctx->nrequests; r++)
        if (strlen(ctx->requests[r]) == n && strncmp(ctx->requests[r], in, n) == 0) {
            t->request = (long)r;
            *p = close + 1;
            return 0;
        }
    snprintf(err, len, "no request named '%.*s' (the NAME of a [request NAME] section)",
             (int)(n < 60 ? n : 60), in);
    return -1;
}

static int parse_op(struct threshold *t, const char **p, char *err, size_t len)
{
    const char *s = *p + strspn(*p, " \t");
    if (*s == '<' || *s == '>') {
        int eq = s[1] == '=';
        t->op = *s == '<' ? (eq ? TH_LE : TH_LT) : (eq ? TH_GE : TH_GT);
        *p = s + 1 + eq;
        return 0;
    }
    snprintf(err, len, "expected <, <=, > or >= after the metric, not '%.20s' (for example "
                       "p99 < 250ms)", s);
    return -1;
}

/* A number and a '%', 0 to 100. */
static int parse_percent(const char *v, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(v, &end);
    return end != v && *end == '%' && end[1] == '\0' && !errno && *out >= 0 && *out <= 100
               ? 0 : -1;
}

static int parse_bound(struct threshold *t, const char *v, char *err, size_t len)
{
    size_t n = strlen(v);
    uint64_t u;
    switch (t->metric) {
    case TH_LATENCY:
    case TH_INTENDED: {
        int64_t ns;
        /* a unit is required: "250" would be read as seconds, surely not what was meant */
        t->unit = TH_NS;
        if (n && isalpha((unsigned char)v[n - 1]) && units_parse_duration(v, &ns) == 0) {
            t->bound = (double)ns;
            return 0;
        }
        snprintf(err, len, "'%.40s' is not a duration with a unit (for example 250ms, 1.5s)",
                 v);
        return -1;
    }
    case TH_FAILED:
    case TH_CHECKS:
        if (parse_percent(v, &t->bound) == 0) {
            t->unit = TH_PERCENT;
            return 0;
        }
        if (t->metric == TH_FAILED && units_parse_count(v, &u) == 0) {
            t->unit = TH_COUNT;
            t->bound = (double)u;
            return 0;
        }
        snprintf(err, len, "'%.40s' is not a percentage%s (for example %s)", v,
                 t->metric == TH_FAILED ? " or a count" : "",
                 t->metric == TH_FAILED ? "1% or 10" : "99.9%");
        return -1;
    case TH_REQUESTS:
        t->unit = TH_COUNT;
        if (units_parse_count(v, &u) == 0) {
            t->bound = (double)u;
            return 0;
        }
        snprintf(err, len, "'%.40s' is not a count (for example 1000 or 10k)", v);
        return -1;
    case TH_RPS: {
        char *end;
        t->unit = TH_PER_SECOND;
        t->bound = strtod(v, &end);
        if (end != v && *end == '\0' && t->bound >= 0 && isfinite(t->bound))
            return 0;
        snprintf(err, len, "'%.40s' is not a number of requests per second (for example 1000)",
                 v);
        return -1;
    }
    }
    return -1;
}

int threshold_parse(const char *line, const struct threshold_context *ctx, struct threshold *t,
                    char *err, size_t len)
{
    memset(t, 0, sizeof(*t));
    t->request = -1;
    const char *p = line + strspn(line, " \t");
    size_t n = 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '.')
        n++;
    if (n == 0) {
        snprintf(err, len, "'%.40s' is not a threshold (write METRIC OP VALUE, for example "
                           "p99 < 250ms)", line);
        return -1;
    }
    if (parse_metric(t, p, n, ctx, err, len) != 0)
        return -1;
    p += n;
    if (*p == '{') {
        if (t->metric == TH_INTENDED) {
            snprintf(err, len, "intended latency is measured for the whole run only (remove "
                               "the {request=...})");
            return -1;
        }
        if (parse_filter(t, &p, ctx, err, len) != 0)
            return -1;
    }
    if (parse_op(t, &p, err, len) != 0)
        return -1;
    char value[64];
    p += strspn(p, " \t");
    size_t vl = strlen(p);
    while (vl > 0 && (p[vl - 1] == ' ' || p[vl - 1] == '\t'))
        vl--;
    if (vl == 0 || vl >= sizeof(value)) {
        snprintf(err, len, "%s needs a value after the operator (for example p99 < 250ms)",
                 vl ? "a shorter value" : "the threshold");
        return -1;
    }
    memcpy(value, p, vl);
    value[vl] = '\0';
    if (parse_bound(t, value, err, len) != 0)
        return -1;
    /* the expression as shown: the line trimmed */
    const char *s = line + strspn(line, " \t");
    size_t sl = strlen(s);
    while (sl > 0 && (s[sl - 1] == ' ' || s[sl - 1] == '\t'))
        sl--;
    if (!(t->expr = strndup(s, sl))) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    return 0;
}
