/* regress_merge: the parent's side of --regress. The workers' lines (one per finished step,
 * see regress.c) become one JSON document in the shape of the ApacheBench Perl API's hash:
 *   total_time, bytes_received, warn,
 *   sequences: [{name, threads: [per repetition: connect_time, total_time, status, headers,
 *                (page_content) per step], steps: [per step: hostname, port, software, ...]}]
 * Times are in milliseconds, as ApacheBench gives them (with microseconds as decimals). */
#include "regress.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"

/* Per step of a sequence, over every repetition. */
struct step_stats {
    uint64_t ok, failed, read, cut;
    int64_t tmin, tmax, tsum, cmin, cmax, csum;
    uint64_t n;
    json_t *software, *doc_length; /* of the first complete response */
};

struct merge {
    const struct config *cfg;
    json_t **threads;          /* per sequence: its threads array */
    struct step_stats **steps; /* per sequence, per step */
    int64_t first_start, last_end;
    uint64_t bytes;
    int any;
};

/* A JSON string of a C string (jansson's json_string is shadowed by the project's JSON
 * writer of the same name, src/common/json.h). */
static json_t *str(const char *s)
{
    return json_stringn(s, strlen(s));
}

static double ms(int64_t ns)
{
    return (double)ns / 1e6;
}

/* The thread object of repetition rep of sequence s, made (with nulls per step) when new. */
static json_t *thread_of(struct merge *m, size_t s, uint64_t rep)
{
    const struct sequence_spec *q = &m->cfg->sequences[s];
    static const char *const keys[] = {"connect_time", "total_time", "status", "headers",
                                       "page_content"};
    size_t nkeys = q->page_content ? 5 : 4;
    while (json_array_size(m->threads[s]) <= rep) {
        json_t *t = json_object();
        for (size_t k = 0; k < nkeys; k++) {
            json_t *a = json_array();
            for (size_t i = 0; i < q->nsteps; i++)
                json_array_append_new(a, json_null());
            json_object_set_new(t, keys[k], a);
        }
        json_array_append_new(m->threads[s], t);
    }
    return json_array_get(m->threads[s], rep);
}

static void add_line(struct merge *m, json_t *o)
{
    json_int_t s = json_integer_value(json_object_get(o, "s"));
    json_int_t rep = json_integer_value(json_object_get(o, "r"));
    json_int_t k = json_integer_value(json_object_get(o, "k"));
    if (s < 0 || (size_t)s >= m->cfg->nsequences || k < 0 ||
        (size_t)k >= m->cfg->sequences[s].nsteps || rep < 0)
        return;
    int64_t start = json_integer_value(json_object_get(o, "start"));
    int64_t end = json_integer_value(json_object_get(o, "end"));
    int64_t connect = json_integer_value(json_object_get(o, "connect"));
    int64_t total = json_integer_value(json_object_get(o, "total"));
    uint64_t read = (uint64_t)json_integer_value(json_object_get(o, "read"));
    if (!m->any || start < m->first_start)
        m->first_start = start;
    if (!m->any || end > m->last_end)
        m->last_end = end;
    m->any = 1;
    m->bytes += read;

    json_t *t = thread_of(m, (size_t)s, (uint64_t)rep);
    json_array_set_new(json_object_get(t, "connect_time"), (size_t)k, json_real(ms(connect)));
    json_array_set_new(json_object_get(t, "total_time"), (size_t)k, json_real(ms(total)));
    json_array_set(json_object_get(t, "status"), (size_t)k, json_object_get(o, "status"));
    json_array_set(json_object_get(t, "headers"), (size_t)k, json_object_get(o, "headers"));
    if (json_object_get(o, "content"))
        json_array_set(json_object_get(t, "page_content"), (size_t)k,
                       json_object_get(o, "content"));

    struct step_stats *st = &m->steps[s][k];
    int ok = json_is_true(json_object_get(o, "ok"));
    if (ok)
        st->ok++;
    else
        st->failed++;
    st->read += read;
    st->cut += json_is_true(json_object_get(o, "cut"));
    if (st->n == 0 || total < st->tmin)
        st->tmin = total;
    if (st->n == 0 || total > st->tmax)
        st->tmax = total;
    if (st->n == 0 || connect < st->cmin)
        st->cmin = connect;
    if (st->n == 0 || connect > st->cmax)
        st->cmax = connect;
    st->tsum += total;
    st->csum += connect;
    st->n++;
    if (!st->software && ok) {
        st->software = json_incref(json_object_get(o, "server"));
        st->doc_length = json_incref(json_object_get(o, "doc"));
    }
}

/* Reads one worker's FILE.wN, then removes it. */
static int read_worker(struct merge *m, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "stampede: --regress %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        if (o)
            add_line(m, o);
        json_decref(o);
    }
    free(line);
    fclose(f);
    unlink(path);
    return 0;
}

static json_t *step_json(const struct config *cfg, const struct sequence_spec *q, size_t k,
                         struct step_stats *st)
{
    const struct request_spec *r = &cfg->requests[q->steps[k]];
    json_t *o = json_object();
    double n = st->n ? (double)st->n : 1.0;
    json_object_set_new(o, "name", str(r->name));
    json_object_set_new(o, "url", str(r->url_text ? r->url_text : ""));
    json_object_set_new(o, "hostname", str(r->url.host ? r->url.host : ""));
    json_object_set_new(o, "port", json_integer(r->url.port));
    json_object_set_new(o, "software", st->software ? st->software : json_null());
    json_object_set_new(o, "doc_length", st->doc_length ? st->doc_length : json_null());
    json_object_set_new(o, "total_read", json_integer((json_int_t)st->read));
    json_object_set_new(o, "completed_requests", json_integer((json_int_t)st->ok));
    json_object_set_new(o, "failed_requests", json_integer((json_int_t)st->failed));
    json_object_set_new(o, "min_time", json_real(ms(st->tmin)));
    json_object_set_new(o, "max_time", json_real(ms(st->tmax)));
    json_object_set_new(o, "average_time", json_real((double)st->tsum / n / 1e6));
    json_object_set_new(o, "min_connect_time", json_real(ms(st->cmin)));
    json_object_set_new(o, "max_connect_time", json_real(ms(st->cmax)));
    json_object_set_new(o, "average_connect_time", json_real((double)st->csum / n / 1e6));
    return o;
}

static json_t *document(struct merge *m)
{
    const struct config *cfg = m->cfg;
    json_t *root = json_object(), *warn = json_array(), *seqs = json_array();
    json_object_set_new(root, "total_time", json_real(m->any ? ms(m->last_end - m->first_start)
                                                             : 0.0));
    json_object_set_new(root, "bytes_received", json_integer((json_int_t)m->bytes));
    for (size_t s = 0; s < cfg->nsequences; s++) {
        const struct sequence_spec *q = &cfg->sequences[s];
        json_t *o = json_object(), *steps = json_array();
        uint64_t cut = 0;
        for (size_t k = 0; k < q->nsteps; k++) {
            json_array_append_new(steps, step_json(cfg, q, k, &m->steps[s][k]));
            cut += m->steps[s][k].cut;
        }
        if (cut) { /* once per sequence, not per response */
            char text[300];
            snprintf(text, sizeof text, "sequence %s: %llu responses were longer than filesize "
                                        "%llu and were kept cut to it",
                     q->name, (unsigned long long)cut, (unsigned long long)q->filesize);
            json_array_append_new(warn, str(text));
            fprintf(stderr, "stampede: warning: %s (raise filesize to keep them whole)\n", text);
        }
        json_object_set_new(o, "name", str(q->name));
        json_object_set(o, "threads", m->threads[s]);
        json_object_set_new(o, "steps", steps);
        json_array_append_new(seqs, o);
    }
    json_object_set_new(root, "warn", warn);
    json_object_set_new(root, "sequences", seqs);
    return root;
}

static int write_document(const char *path, json_t *root)
{
    int fd = outfile_create(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int rc = f && json_dumpf(root, f, JSON_INDENT(2)) == 0 && fputc('\n', f) != EOF ? 0 : -1;
    int err = errno;
    if (f ? fclose(f) != 0 : (fd >= 0 && close(fd) != 0))
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "stampede: --regress %s: %s\n", path, outfile_error(err));
    return rc;
}

int regress_merge(const struct config *cfg)
{
    struct merge m = {.cfg = cfg};
    int rc = -1;
    m.threads = calloc(cfg->nsequences, sizeof *m.threads);
    m.steps = calloc(cfg->nsequences, sizeof *m.steps);
    if (!m.threads || !m.steps)
        goto out;
    for (size_t s = 0; s < cfg->nsequences; s++)
        if (!(m.threads[s] = json_array()) ||
            !(m.steps[s] = calloc(cfg->sequences[s].nsteps, sizeof *m.steps[s])))
            goto out;
    size_t len = strlen(cfg->regress_path) + 16;
    char *part = malloc(len);
    if (!part)
        goto out;
    rc = 0;
    for (unsigned w = 0; w < cfg->workers; w++) {
        snprintf(part, len, "%s.w%u", cfg->regress_path, w);
        if (read_worker(&m, part) < 0)
            rc = -1;
    }
    free(part);
    json_t *root = document(&m);
    if (write_document(cfg->regress_path, root) < 0)
        rc = -1;
    json_decref(root);
out:
    if (rc < 0 && (!m.threads || !m.steps))
        fprintf(stderr, "stampede: --regress: out of memory\n");
    for (size_t s = 0; s < cfg->nsequences; s++) {
        if (m.threads)
            json_decref(m.threads[s]);
        if (m.steps)
            free(m.steps[s]);
    }
    free(m.threads);
    free(m.steps);
    return rc;
}

int regress_check(const struct config *cfg)
{
    if (!cfg->nsequences) {
        fprintf(stderr, "stampede: --regress %s: the regression data is the sequences', and "
                        "this run has no [sequence NAME] section\n", cfg->regress_path);
        return -1;
    }
    int fd = outfile_create(cfg->regress_path);
    if (fd < 0) {
        fprintf(stderr, "stampede: --regress %s: %s\n", cfg->regress_path,
                outfile_error(errno));
        return -1;
    }
    close(fd);
    return 0;
}
