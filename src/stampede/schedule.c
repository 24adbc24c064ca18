/* schedule: parsing Phantom's segment notation and the exact arrival times of its segments.
 * Within a segment of duration D whose rate goes from a to b, the integral of the rate up to
 * t nanoseconds, times 2 * D * 1e9, is F(t) = 2*a*D*t + (b - a)*t^2: an integer. Arrival j of
 * the segment is the smallest t with F(t) >= j * 2 * D * 1e9, found by bisection on integers,
 * so the time of every arrival is exact whatever the segment's shape, and the same in every
 * worker. The limits in schedule.h keep F within 128 bits. */
#include "schedule.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

typedef unsigned __int128 u128;

#define NS 1000000000ULL

static u128 seg_integral(uint64_t a, uint64_t b, int64_t d, int64_t t)
{
    /* F(t) = 2aDt + (b - a)t^2 with b < a allowed: F stays >= 0 for 0 <= t <= D */
    u128 up = (u128)2 * a * (uint64_t)d * (uint64_t)t + (u128)b * (uint64_t)t * (uint64_t)t;
    return up - (u128)a * (uint64_t)t * (uint64_t)t;
}

uint64_t schedule_segment_count(uint64_t from, uint64_t to, int64_t dur_ns)
{
    u128 scale = (u128)2 * (uint64_t)dur_ns * NS;
    u128 f = seg_integral(from, to, dur_ns, dur_ns);
    return (uint64_t)((f + scale - 1) / scale);
}

/* The smallest t in [0, D] with F(t) * den >= num * scale (position num/den in the segment). */
static int64_t seg_time(const struct schedule_segment *g, u128 num, uint64_t den)
{
    u128 target = num * ((u128)2 * (uint64_t)g->dur_ns * NS);
    int64_t lo = 0, hi = g->dur_ns;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (seg_integral(g->from, g->to, g->dur_ns, mid) * den >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* The segment holding position x (in arrivals, scaled by den). */
static const struct schedule_segment *seg_of(const struct schedule *s, u128 x, uint64_t den)
{
    size_t lo = 0, hi = s->nsegs - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if ((u128)s->segs[mid].first * den <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return &s->segs[lo];
}

int64_t schedule_arrival_ns(const struct schedule *s, uint64_t i)
{
    if (s->plan_ns)
        return s->plan_ns[i];
    const struct schedule_segment *g = seg_of(s, i, 1);
    return g->start_ns + seg_time(g, i - g->first, 1);
}

int64_t schedule_position_ns(const struct schedule *s, uint64_t num)
{
    const uint64_t den = 1ULL << SCHEDULE_FRAC_BITS;
    const struct schedule_segment *g = seg_of(s, num, den);
    return g->start_ns + seg_time(g, (u128)num - (u128)g->first * den, den);
}

int64_t schedule_on_tick(const struct schedule *s, int64_t t, int64_t tick)
{
    if (tick <= 0 || t <= 0)
        return t;
    int64_t on = (t + tick - 1) / tick * tick;
    return on < s->duration_ns ? on : t;
}

void schedule_init_plan(struct schedule *s, int64_t *plan_ns, uint64_t n, int64_t end_ns)
{
    memset(s, 0, sizeof(*s));
    s->plan_ns = plan_ns;
    s->total = n;
    s->duration_ns = end_ns;
}

void schedule_free(struct schedule *s)
{
    free(s->plan_ns);
    free(s->segs);
    memset(s, 0, sizeof(*s));
}

static int add_segment(struct schedule *s, uint64_t from, uint64_t to, int64_t dur_ns)
{
    if (s->nsegs == SCHEDULE_MAX_SEGMENTS)
        return -1;
    struct schedule_segment *g = realloc(s->segs, (s->nsegs + 1) * sizeof(*g));
    if (!g)
        return -1;
    s->segs = g;
    g += s->nsegs++;
    *g = (struct schedule_segment){.from = from, .to = to, .dur_ns = dur_ns,
                                   .start_ns = s->duration_ns, .first = s->total,
                                   .count = schedule_segment_count(from, to, dur_ns)};
    s->total += g->count;
    s->duration_ns += dur_ns;
    return 0;
}

int schedule_init_const(struct schedule *s, uint64_t rate, int64_t dur_ns)
{
    memset(s, 0, sizeof(*s));
    return add_segment(s, rate, rate, dur_ns);
}

/* ---- the parser ----------------------------------------------------------------------- */

struct cursor {
    const char *text, *p;
    char *err;
    size_t len;
};

static int fail(struct cursor *c, const char *at, const char *what)
{
    snprintf(c->err, c->len, "at character %zu: %s", (size_t)(at - c->text) + 1, what);
    return -1;
}

static void skip_space(struct cursor *c)
{
    while (isspace((unsigned char)*c->p))
        c->p++;
}

/* One argument: the text up to ',' or ')', trimmed, into buf. */
static int take_arg(struct cursor *c, char *buf, size_t n, const char **at)
{
    skip_space(c);
    *at = c->p;
    size_t k = strcspn(c->p, ",)");
    while (k > 0 && isspace((unsigned char)c->p[k - 1]))
        k--;
    if (k == 0)
        return fail(c, c->p, "expected a value");
    if (k >= n)
        return fail(c, c->p, "value too long");
    memcpy(buf, c->p, k);
    buf[k] = '\0';
    c->p += k;
    return 0;
}

static int take_sep(struct cursor *c, char sep)
{
    skip_space(c);
    if (*c->p != sep) {
        char what[64];
        snprintf(what, sizeof(what), sep == ',' ? "expected ',' (too few arguments)"
                                                : "expected ')' (too many arguments)");
        return fail(c, c->p, what);
    }
    c->p++;
    return 0;
}

static int take_rate(struct cursor *c, uint64_t *out, int zero_ok)
{
    char buf[32];
    const char *at;
    if (take_arg(c, buf, sizeof(buf), &at) < 0)
        return -1;
    if (units_parse_count(buf, out) < 0)
        return fail(c, at, "not a rate (a whole number of requests per second: 500, 20k)");
    if (*out > SCHEDULE_MAX_RATE)
        return fail(c, at, "rate above 10M per second");
    if (*out == 0 && !zero_ok)
        return fail(c, at, "the rate must be more than 0");
    return 0;
}

static int take_duration(struct cursor *c, int64_t *out)
{
    char buf[32];
    const char *at;
    if (take_arg(c, buf, sizeof(buf), &at) < 0)
        return -1;
    if (units_parse_duration(buf, out) < 0)
        return fail(c, at, "not a duration (250ms, 60s, 5m)");
    if (*out <= 0)
        return fail(c, at, "the duration must be more than 0");
    if (*out > SCHEDULE_MAX_SEGMENT_NS)
        return fail(c, at, "a segment may last a week at most");
    return 0;
}

static int parse_segment(struct cursor *c, struct schedule *s)
{
    const char *at = c->p;
    size_t k = 0;
    while (isalpha((unsigned char)c->p[k]))
        k++;
    int kind = k == 5 && !strncmp(c->p, "const", 5) ? 'c'
               : k == 4 && !strncmp(c->p, "line", 4) ? 'l'
               : k == 4 && !strncmp(c->p, "step", 4) ? 's'
                                                     : 0;
    if (!kind)
        return fail(c, at, "expected const(RATE, DUR), line(FROM, TO, DUR) or "
                           "step(FROM, TO, STEP, DUR)");
    c->p += k;
    if (take_sep(c, '(') < 0)
        return -1;
    uint64_t from, to = 0, step = 0;
    int64_t dur;
    const char *step_at = NULL;
    if (take_rate(c, &from, kind != 'c') < 0)
        return -1;
    if (kind != 'c' && (take_sep(c, ',') < 0 || take_rate(c, &to, 1) < 0))
        return -1;
    if (kind == 's') {
        if (take_sep(c, ',') < 0)
            return -1;
        skip_space(c);
        step_at = c->p;
        if (take_rate(c, &step, 1) < 0)
            return -1;
        if (step == 0)
            return fail(c, step_at, "the step must be more than 0");
    }
    if (take_sep(c, ',') < 0 || take_duration(c, &dur) < 0 || take_sep(c, ')') < 0)
        return -1;
    if (kind == 'c')
        to = from;
    if (kind == 'l' && from == 0 && to == 0)
        return fail(c, at, "a line from 0 to 0 has no arrivals");
    if (kind != 's')
        return add_segment(s, from, to, dur) < 0 ? fail(c, at, "too many segments") : 0;
    /* step: FROM, then FROM +- STEP ... up to TO, each held DUR, as yandex-tank does */
    for (uint64_t r = from;; r = from <= to ? r + step : r - step) {
        if (r > 0 && add_segment(s, r, r, dur) < 0)
            return fail(c, at, "too many segments");
        if (from <= to ? r + step > to : r < to + step)
            break;
    }
    return 0;
}

int schedule_parse(const char *text, struct schedule *s, char *err, size_t len)
{
    struct cursor c = {.text = text, .p = text, .err = err, .len = len};
    memset(s, 0, sizeof(*s));
    for (;;) {
        skip_space(&c);
        if (!*c.p)
            break;
        if (parse_segment(&c, s) < 0) {
            schedule_free(s);
            return -1;
        }
    }
    if (s->total == 0) {
        fail(&c, c.p, s->nsegs ? "the schedule has no arrivals" : "the schedule is empty");
        schedule_free(s);
        return -1;
    }
    return 0;
}
