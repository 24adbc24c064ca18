/* merge_read: one segment's --json file read back and added into a struct summary, the one
 * report.c prints. Every field is checked: a file that is not what stampede wrote is refused
 * with its name and the field, never half added. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errkind.h"
#include "hdr_codec.h"
#include "merge.h"
#include "segment.h"

/* The file being read; the first problem is reported and the rest of the reading is moot. */
struct rd {
    const char *file;
    int failed;
};

static void bad(struct rd *r, const char *prefix, const char *key, const char *what)
{
    if (!r->failed)
        fprintf(stderr, "stampede: merge: %s: %s%s%s %s\n", r->file, prefix ? prefix : "",
                prefix ? "." : "", key, what);
    r->failed = 1;
}

static json_t *object(struct rd *r, json_t *o, const char *prefix, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_object(v))
        bad(r, prefix, key, "is missing or not an object (is this a stampede --json file?)");
    return json_is_object(v) ? v : NULL;
}

static uint64_t count(struct rd *r, json_t *o, const char *prefix, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        return (uint64_t)json_integer_value(v);
    bad(r, prefix, key, "is missing or not a count");
    return 0;
}

static double number(struct rd *r, json_t *o, const char *prefix, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_number(v) && json_number_value(v) >= 0)
        return json_number_value(v);
    bad(r, prefix, key, "is missing or not a number");
    return 0;
}

/* Adds the histogram of latency object o (`key`) to h: the counts from its "hdr" encoding,
 * exactly; min, max and the sum from its own fields (exact to the nanosecond), which the
 * encoding only knows to a bucket. The lag object has an integral max and no min or mean. */
static void add_hist(struct rd *r, json_t *parent, const char *prefix, const char *key,
                     struct hist *h)
{
    json_t *o = object(r, parent, prefix, key);
    if (!o)
        return;
    const char *text = json_string_value(json_object_get(o, "hdr")), *why = NULL;
    uint64_t n = count(r, o, key, "count");
    struct hist *t = malloc(sizeof(*t));
    if (!t) {
        bad(r, prefix, key, "cannot be read: out of memory");
        return;
    }
    hist_init(t);
    if (!text)
        bad(r, key, "hdr", "is missing (a file of stampede 0.1 before HdrHistogram encodings?)");
    else if (hdr_decode_add(text, t, &why) < 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "is damaged (%s)", why);
        bad(r, key, "hdr", msg);
    }
    else if (t->count != n)
        bad(r, key, "hdr", "holds another number of values than count says");
    int lag = strcmp(key, "lag_us") == 0;
    if (!r->failed && n) {
        t->max_ns = lag ? count(r, o, key, "max") * 1000 : (uint64_t)llround(number(r, o, key, "max") * 1000);
        if (!lag) {
            t->min_ns = (uint64_t)llround(number(r, o, key, "min") * 1000);
            t->sum_ns = (uint64_t)llround(number(r, o, key, "mean") * 1000 * (double)n);
        }
    }
    if (!r->failed)
        hist_add(h, t);
    free(t);
}

static void add_counts(struct rd *r, json_t *o, const char *prefix, const char *const *keys,
                       _Atomic uint64_t *const *into)
{
    for (size_t i = 0; keys[i]; i++)
        sb_add(into[i], count(r, o, prefix, keys[i]));
}

static void add_status_errors(struct rd *r, struct summary *s, json_t *root)
{
    const char *key;
    json_t *v;
    json_t *status = object(r, root, NULL, "status");
    json_object_foreach(status, key, v) {
        char *end;
        long code = strtol(key, &end, 10);
        if (*end || code < 0 || code >= SB_STATUS_MAX)
            bad(r, "status", key, "is not a status code");
        else
            sb_add(&s->c.status[code], count(r, status, "status", key));
    }
    json_t *errors = object(r, root, NULL, "errors");
    json_object_foreach(errors, key, v) {
        enum errkind k = errkind_of(key);
        if (k == ERR_KIND_COUNT)
            bad(r, "errors", key, "is not an error kind of this version");
        else
            sb_add(&s->c.errors[k], count(r, errors, "errors", key));
    }
    /* each kind's most frequent reason over the segments: the same text adds up; otherwise the
     * one seen more often wins (a reason second in two segments may be first overall: rare) */
    json_t *reasons = object(r, root, NULL, "error_reasons");
    json_object_foreach(reasons, key, v) {
        enum errkind k = errkind_of(key);
        const char *text = json_string_value(json_object_get(v, "reason"));
        uint64_t n = count(r, v, key, "count");
        if (k == ERR_KIND_COUNT || !text) {
            bad(r, "error_reasons", key, "is not a kind with a reason");
            continue;
        }
        if (s->reasons[k] && strcmp(s->reasons[k], text) == 0) {
            s->reason_counts[k] += n;
        } else if (!s->reasons[k] || n > s->reason_counts[k]) {
            free(s->reasons[k]);
            s->reasons[k] = strdup(text);
            s->reason_counts[k] = n;
        }
    }
}

static void add_totals(struct rd *r, struct summary *s, json_t *root)
{
    struct sb_counters *c = &s->c;
    add_counts(r, object(r, root, NULL, "requests"), "requests",
               (const char *const[]){"ok", "failed", "started", NULL},
               (_Atomic uint64_t *const[]){&c->requests_ok, &c->requests_failed,
                                           &c->requests_started});
    json_t *clients = object(r, root, NULL, "clients");
    s->planned_clients += count(r, clients, "clients", "planned");
    sb_add(&c->clients_started, count(r, clients, "clients", "started"));
    if (json_object_get(clients, "max")) { /* the open model's pool and its growth */
        s->max_clients += count(r, clients, "clients", "max");
        s->clients_grown += count(r, clients, "clients", "grown");
    }
    add_counts(r, object(r, root, NULL, "bytes"), "bytes",
               (const char *const[]){"sent", "received", "headers", "body", NULL},
               (_Atomic uint64_t *const[]){&c->bytes_sent, &c->bytes_received,
                                           &c->header_bytes, &c->body_bytes});
    add_counts(r, object(r, root, NULL, "connections"), "connections",
               (const char *const[]){"opened", "reused", "retried", NULL},
               (_Atomic uint64_t *const[]){&c->conn_opened, &c->conn_reused, &c->conn_retried});
    add_counts(r, object(r, root, NULL, "tls"), "tls", (const char *const[]){"full", "resumed", NULL},
               (_Atomic uint64_t *const[]){&c->tls_full, &c->tls_resumed});
    add_counts(r, object(r, root, NULL, "dns"), "dns", (const char *const[]){"hits", "misses", NULL},
               (_Atomic uint64_t *const[]){&c->dns_hits, &c->dns_misses});
    if (json_object_get(root, "dropped"))
        sb_add(&c->dropped, count(r, root, NULL, "dropped"));
    const char *key;
    json_t *v;
    json_t *extras = object(r, root, NULL, "counters");
    json_object_foreach(extras, key, v) {
        unsigned i = 0;
        while (i < s->nextras && strcmp(s->extra_names[i], key) != 0)
            i++;
        if (i == s->nextras)
            bad(r, "counters", key, "is a counter the first file does not have");
        else
            s->extras[i] += count(r, extras, "counters", key);
    }
}

static void add_latencies(struct rd *r, struct summary *s, json_t *root)
{
    add_hist(r, root, NULL, "latency_us", s->latency);
    add_hist(r, root, NULL, "latency_failed_us", s->latency_failed);
    add_hist(r, root, NULL, "connect_us", s->connect);
    if (json_object_get(root, "latency_intended_us"))
        add_hist(r, root, NULL, "latency_intended_us", s->intended);
    json_t *gen = object(r, root, NULL, "generator");
    if (json_object_get(gen, "lag_us"))
        add_hist(r, gen, "generator", "lag_us", s->lag);
    json_t *by = json_object_get(root, "by_request");
    if (!json_is_array(by) || json_array_size(by) != s->nrequests) {
        bad(r, NULL, "by_request", "does not list the requests of the first file");
        return;
    }
    for (size_t i = 0; i < s->nrequests; i++) {
        json_t *q = json_array_get(by, i);
        const char *name = json_string_value(json_object_get(q, "name"));
        struct summary_request *sq = &s->requests[i];
        if (!name || strcmp(name, sq->name) != 0) {
            bad(r, "by_request", sq->name, "is not where the first file has it");
            return;
        }
        sq->count += count(r, q, name, "count");
        sq->ok += count(r, q, name, "ok");
        sq->failed += count(r, q, name, "failed");
        add_hist(r, q, name, "latency_us", sq->latency);
    }
}

/* Worker rows are appended in the run's numbering; CPU is kept as core-seconds until the
 * merged duration is known (merge.c turns it back into a percentage of it). */
static void add_workers(struct rd *r, struct summary *s, json_t *root, const struct merge_file *m,
                        double duration_s)
{
    json_t *rows = json_object_get(root, "workers");
    json_t *cpu = json_object_get(object(r, root, NULL, "generator"), "cpu_percent");
    size_t n = json_array_size(rows);
    if (!json_is_array(rows) || n != m->nsegments * m->workers || json_array_size(cpu) != n) {
        bad(r, NULL, "workers", "does not have one row per worker of its segments");
        return;
    }
    struct summary_worker *w = realloc(s->workers, (s->nworkers + n) * sizeof(*w));
    double *p = w ? realloc(s->cpu_percent, (s->nworkers + n + 1) * sizeof(*p)) : NULL;
    if (w)
        s->workers = w;
    if (p)
        s->cpu_percent = p;
    if (!w || !p) {
        bad(r, NULL, "workers", "cannot be read: out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        struct summary_worker *q = &s->workers[s->nworkers + i];
        json_t *pid = json_object_get(row, "pid"), *code = json_object_get(row, "exit_code"),
               *sig = json_object_get(row, "signal");
        q->pid = (int)json_integer_value(pid);
        q->clients = count(r, row, "workers", "clients");
        q->requests = count(r, row, "workers", "requests");
        q->exit_code = (int)json_integer_value(code);
        q->signal = (int)json_integer_value(sig);
        q->core = json_is_true(json_object_get(row, "core"));
        if (!json_is_integer(pid) || !json_is_integer(code) || !json_is_integer(sig))
            bad(r, "workers", "pid", "exit_code or signal is missing");
        s->cpu_percent[s->nworkers + i] = json_number_value(json_array_get(cpu, i)) / 100 * duration_s;
    }
    s->nworkers += (unsigned)n;
}

/* A plugin's stop: the first file's that has one; its worker in the run's numbering. */
static void add_stop(struct rd *r, struct summary *s, json_t *root, const struct merge_file *m)
{
    json_t *stop = json_object_get(root, "stopped");
    if (s->stopped_by || !json_is_object(stop))
        return;
    s->stopped_by = json_string_value(json_object_get(stop, "plugin"));
    s->stop_reason = json_string_value(json_object_get(stop, "reason"));
    s->stop_failed = json_is_true(json_object_get(stop, "failed"));
    s->stop_worker = (int)json_integer_value(json_object_get(stop, "worker"));
    if (s->stop_worker >= 0 && m->nsegments == 1)
        s->stop_worker += (int)(m->segments[0] * m->workers);
    if (!s->stopped_by || !s->stop_reason)
        bad(r, NULL, "stopped", "lacks its plugin or reason");
}

int merge_summary_add(struct summary *s, const struct merge_file *m)
{
    struct rd r = {m->path, 0};
    json_t *root = m->root;
    double duration_s = number(&r, root, NULL, "duration_s");
    if (duration_s > s->duration_s)
        s->duration_s = duration_s; /* the segments share T0: the run ends with the last one */
    s->interrupted |= json_is_true(json_object_get(root, "interrupted"));
    s->seed = count(&r, root, NULL, "seed");
    s->scheduled += count(&r, object(&r, root, NULL, "segment"), "segment", "scheduled");
    const char *started = json_string_value(json_object_get(object(&r, root, NULL, "run"), "started"));
    int64_t at;
    char why[200];
    if (started && segment_parse_time(started, &at, why, sizeof why) == 0) {
        struct timespec t = {at / 1000000000, at % 1000000000};
        if (!s->started.tv_sec || t.tv_sec < s->started.tv_sec ||
            (t.tv_sec == s->started.tv_sec && t.tv_nsec < s->started.tv_nsec))
            s->started = t;
    }
    add_totals(&r, s, root);
    add_status_errors(&r, s, root);
    add_latencies(&r, s, root);
    add_workers(&r, s, root, m, duration_s);
    add_stop(&r, s, root, m);
    return r.failed ? -1 : 0;
}
