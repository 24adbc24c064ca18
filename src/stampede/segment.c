/* segment: parsing --segment and --start-at, and the run identity; see segment.h. */
#include "segment.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ramp.h"
#include "schedule.h"

int segment_parse(const char *text, unsigned *index, unsigned *count, char *err, size_t len)
{
    char *end;
    if (!isdigit((unsigned char)text[0]))
        goto bad;
    unsigned long i = strtoul(text, &end, 10);
    if (*end != '/' || !isdigit((unsigned char)end[1]))
        goto bad;
    unsigned long n = strtoul(end + 1, &end, 10);
    if (*end)
        goto bad;
    if (n < 1 || n > SEGMENT_MAX_COUNT) {
        snprintf(err, len, "segment %s: the count must be from 1 to %d", text, SEGMENT_MAX_COUNT);
        return -1;
    }
    if (i >= n) {
        snprintf(err, len, "segment %s: the index must be below the count (segments are numbered "
                 "from 0: 0/%lu to %lu/%lu)", text, n, n - 1, n);
        return -1;
    }
    *index = (unsigned)i;
    *count = (unsigned)n;
    return 0;
bad:
    snprintf(err, len, "segment '%.40s' is not INDEX/COUNT (for example 0/2 and 1/2 for a run "
             "split in two)", text);
    return -1;
}

/* Exactly `n` digits at *p, as a number; -1 when they are not there. */
static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

/* ".FRACTION" at *p, if any, in nanoseconds (digits past the ninth are dropped). */
static int64_t fraction_ns(const char **p)
{
    int64_t ns = 0, scale = 100000000;
    if (**p != '.')
        return 0;
    for ((*p)++; isdigit((unsigned char)**p); (*p)++, scale /= 10)
        ns += scale ? (**p - '0') * scale : 0;
    return ns;
}

static int parse_epoch(const char *text, int64_t *ns)
{
    const char *p = text + 1;
    if (!isdigit((unsigned char)*p))
        return -1;
    int64_t sec = 0;
    for (; isdigit((unsigned char)*p); p++) {
        if (sec > INT64_MAX / 10000000000)
            return -1;
        sec = sec * 10 + (*p - '0');
    }
    int64_t frac = fraction_ns(&p);
    if (*p)
        return -1;
    *ns = sec * 1000000000 + frac;
    return 0;
}

/* Steps over one of the characters of `set` at *p (never the terminating NUL). */
static int expect(const char **p, const char *set)
{
    if (!**p || !strchr(set, **p))
        return 0;
    (*p)++;
    return 1;
}

static int parse_rfc3339(const char *text, int64_t *ns)
{
    const char *p = text;
    int y = digits(&p, 4), mo = expect(&p, "-") ? digits(&p, 2) : -1;
    int d = expect(&p, "-") ? digits(&p, 2) : -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || !expect(&p, "Tt "))
        return -1;
    int h = digits(&p, 2), mi = expect(&p, ":") ? digits(&p, 2) : -1;
    int s = expect(&p, ":") ? digits(&p, 2) : -1;
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
        return -1;
    int64_t frac = fraction_ns(&p);
    int64_t offset = 0;
    if (expect(&p, "Zz")) {
        /* UTC */
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        int oh = digits(&p, 2), om = expect(&p, ":") ? digits(&p, 2) : -1;
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
        offset = sign * (oh * 3600 + om * 60);
    } else {
        return -1; /* a local time means different moments on different hosts */
    }
    if (*p)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = s};
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d) /* 31 February */
        return -1;
    *ns = ((int64_t)t - offset) * 1000000000 + frac;
    return 0;
}

int segment_parse_time(const char *text, int64_t *ns, char *err, size_t len)
{
    if ((text[0] == '@' ? parse_epoch(text, ns) : parse_rfc3339(text, ns)) == 0)
        return 0;
    snprintf(err, len, "start_at '%.60s' is not a time (write it as RFC 3339 with a zone, "
             "2026-11-30T12:00:00.5Z or 2026-11-30T13:00:00+01:00, or as @EPOCH_SECONDS)", text);
    return -1;
}

uint64_t segment_share(const struct config *c, uint64_t total)
{
    unsigned run_workers = c->workers * c->segment_count;
    uint64_t n = 0;
    for (unsigned w = 0; w < c->workers; w++)
        n += ramp_worker_clients(total, run_workers,
                                 ramp_run_worker(c->segment_index, c->workers, w));
    return n;
}

int64_t segment_wall_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* FNV-1a, 64 bits: stable across hosts and versions, which is all an identity needs. */
#define FNV_OFFSET UINT64_C(14695981039346656037)
#define FNV_PRIME UINT64_C(1099511628211)

static void mix(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= FNV_PRIME;
    }
}

static void mix_u64(uint64_t *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i)); /* the same bytes on every host */
    mix(h, b, sizeof b);
}

/* Strings with their length, so that ("ab", "c") and ("a", "bc") differ. */
static void mix_str(uint64_t *h, const char *s, size_t n)
{
    mix_u64(h, s ? n : UINT64_MAX);
    if (s)
        mix(h, s, n);
}

static void mix_cstr(uint64_t *h, const char *s)
{
    mix_str(h, s, s ? strlen(s) : 0);
}

uint64_t segment_run_id(const struct config *c)
{
    uint64_t h = FNV_OFFSET;
    const uint64_t run[] = {
        c->seed, c->segment_count, c->workers, c->clients, c->ramp_start,
        (uint64_t)c->ramp_duration_ns, c->rounds, c->total_requests, (uint64_t)c->duration_ns,
        c->schedule ? c->schedule->total : 0, (uint64_t)c->arrivals, (uint64_t)c->on_busy,
        (uint64_t)c->tick_ns, (uint64_t)c->iterator, c->nrequests, c->nplugins,
    };
    for (size_t i = 0; i < sizeof run / sizeof run[0]; i++)
        mix_u64(&h, run[i]);
    mix_cstr(&h, c->schedule_text);
    for (size_t r = 0; r < c->nrequests; r++) {
        const struct request_spec *q = &c->requests[r];
        mix_cstr(&h, q->name);
        mix_cstr(&h, q->method);
        mix_cstr(&h, q->url_text);
        mix_u64(&h, q->nheaders);
        for (size_t i = 0; i < q->nheaders; i++)
            mix_cstr(&h, q->headers[i]);
        mix_str(&h, q->has_body ? q->body : NULL, q->body_len);
        const uint64_t opts[] = {
            (uint64_t)q->keepalive, (uint64_t)q->predelay_ns, (uint64_t)q->prejitter_ns,
            (uint64_t)q->postdelay_ns, (uint64_t)q->postjitter_ns, (uint64_t)q->timeout_ns,
            (uint64_t)q->connect_timeout_ns, q->max_redirects,
        };
        for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
            mix_u64(&h, opts[i]);
    }
    for (size_t p = 0; p < c->nplugins; p++)
        mix_cstr(&h, c->plugins[p].name);
    return h;
}
