/* merge: the `stampede merge` subcommand: reads the segments' --json files, refuses a set
 * that is not exactly the segments of one run, adds them up (merge_read.c) and prints the
 * summary and writes the JSON with report.c, as one process running the whole run would. */
#include "merge.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "parent.h"
#include "schedule.h"

static void merge_usage(FILE *f)
{
    fputs("usage: stampede merge [--json OUT] SEGMENT.json...\n"
          "\n"
          "Adds up the --json files of the segments of one run (stampede --segment I/N) and\n"
          "prints the summary of the whole run; --json OUT writes it as JSON, which can be\n"
          "merged again. Every segment must be given, once.\n",
          f);
}

/* The "segment" object of a file: which run, which of its segments. */
static int read_segment(struct merge_file *m, json_t *seg)
{
    const char *run = json_string_value(json_object_get(seg, "run"));
    json_t *count = json_object_get(seg, "count"), *workers = json_object_get(seg, "workers");
    json_t *list = json_object_get(seg, "segments");
    char *end = NULL;
    if (run)
        m->run_id = strtoull(run, &end, 16);
    if (!run || *end || !json_is_integer(count) || json_integer_value(count) < 1 ||
        !json_is_integer(workers) || json_integer_value(workers) < 1 || !json_is_array(list) ||
        json_array_size(list) == 0)
        return -1;
    m->count = (unsigned)json_integer_value(count);
    m->workers = (unsigned)json_integer_value(workers);
    m->nsegments = json_array_size(list);
    if (!(m->segments = calloc(m->nsegments, sizeof(*m->segments))))
        return -1;
    for (size_t i = 0; i < m->nsegments; i++) {
        json_t *v = json_array_get(list, i);
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) >= (json_int_t)m->count)
            return -1;
        m->segments[i] = (unsigned)json_integer_value(v);
    }
    return 0;
}

int merge_file_read(struct merge_file *m, const char *path)
{
    json_error_t e;
    memset(m, 0, sizeof(*m));
    m->path = path;
    if (!(m->root = json_load_file(path, 0, &e))) {
        if (e.line > 0)
            fprintf(stderr, "stampede: merge: %s:%d: %s (not the JSON stampede --json wrote?)\n",
                    path, e.line, e.text);
        else
            fprintf(stderr, "stampede: merge: %s\n", e.text);
        return -1;
    }
    json_t *seg = json_object_get(m->root, "segment");
    if (!json_is_object(seg)) {
        fprintf(stderr, "stampede: merge: %s: no \"segment\" object (not the --json of a "
                        "stampede run that knows segments)\n", path);
        return -1;
    }
    if (read_segment(m, seg) < 0) {
        fprintf(stderr, "stampede: merge: %s: its \"segment\" object is damaged\n", path);
        return -1;
    }
    return 0;
}

void merge_file_free(struct merge_file *m)
{
    json_decref(m->root);
    free(m->segments);
}

static struct hist *new_hist(void)
{
    struct hist *h = malloc(sizeof(*h));
    if (h)
        hist_init(h);
    return h;
}

int merge_summary_init(struct summary *s, const struct merge_file *first)
{
    json_t *by = json_object_get(first->root, "by_request");
    json_t *extras = json_object_get(first->root, "counters");
    s->nrequests = json_array_size(by);
    s->nextras = (unsigned)json_object_size(extras);
    s->requests = calloc(s->nrequests + 1, sizeof(*s->requests));
    s->extras = calloc(s->nextras + 1, sizeof(*s->extras));
    s->extra_names = calloc(s->nextras + 1, sizeof(*s->extra_names));
    s->cpu_percent = calloc(1, sizeof(*s->cpu_percent));
    s->latency = new_hist();
    s->latency_failed = new_hist();
    s->connect = new_hist();
    s->intended = new_hist();
    s->lag = new_hist();
    if (!s->requests || !s->extras || !s->extra_names || !s->cpu_percent || !s->latency ||
        !s->latency_failed || !s->connect || !s->intended || !s->lag) {
        fputs("stampede: merge: out of memory\n", stderr);
        return -1;
    }
    for (size_t r = 0; r < s->nrequests; r++) {
        s->requests[r].name = json_string_value(json_object_get(json_array_get(by, r), "name"));
        if (!s->requests[r].name) {
            fprintf(stderr, "stampede: merge: %s: by_request has a request without a name\n",
                    first->path);
            return -1;
        }
        if (!(s->requests[r].latency = new_hist())) {
            fputs("stampede: merge: out of memory\n", stderr);
            return -1;
        }
    }
    const char *key;
    json_t *v;
    unsigned i = 0;
    json_object_foreach(extras, key, v)
        s->extra_names[i++] = key;
    return 0;
}

/* Exactly the segments 0 .. count-1 of one run, each once. Returns -1 after a message. */
static int check_set(struct merge_file *f, size_t n)
{
    unsigned count = f[0].count;
    const char **holder = calloc(count, sizeof(*holder));
    if (!holder)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (f[i].run_id != f[0].run_id || f[i].count != count || f[i].workers != f[0].workers) {
            fprintf(stderr,
                    "stampede: merge: %s: a segment of another run than %s (run %016" PRIx64
                    " in %u segments of %u workers, not %016" PRIx64 " in %u of %u: the "
                    "segments of one run have the same configuration, seed, workers and "
                    "segment count)\n", f[i].path, f[0].path, f[i].run_id, f[i].count,
                    f[i].workers, f[0].run_id, count, f[0].workers);
            rc = -1;
        }
        for (size_t k = 0; k < f[i].nsegments && rc == 0; k++) {
            unsigned g = f[i].segments[k];
            if (holder[g]) {
                fprintf(stderr, "stampede: merge: %s: segment %u/%u is also in %s (give each "
                                "segment once)\n", f[i].path, g, count, holder[g]);
                rc = -1;
            }
            holder[g] = f[i].path;
        }
    }
    for (unsigned g = 0; g < count && rc == 0; g++)
        if (!holder[g]) {
            fprintf(stderr, "stampede: merge: segment %u/%u is missing (give the JSON of every "
                            "segment of the run)\n", g, count);
            rc = -1;
        }
    free(holder);
    return rc;
}

static int by_first_segment(const void *a, const void *b)
{
    const struct merge_file *x = a, *y = b;
    return (x->segments[0] > y->segments[0]) - (x->segments[0] < y->segments[0]);
}

/* What report.c reads of the configuration, as the first file's "run" and "segment" say. */
struct merged_plan {
    struct config cfg;
    struct schedule schedule;
    struct request_spec *requests;
};

static int plan_from(struct merged_plan *p, const struct merge_file *first, struct summary *s)
{
    json_t *run = json_object_get(first->root, "run");
    json_t *seg = json_object_get(first->root, "segment");
    json_t *urls = json_object_get(run, "urls");
    memset(p, 0, sizeof(*p));
    p->cfg.path = (char *)json_string_value(json_object_get(run, "config"));
    p->cfg.nrequests = json_array_size(urls);
    if (!(p->requests = calloc(p->cfg.nrequests + 1, sizeof(*p->requests))))
        return -1;
    for (size_t r = 0; r < p->cfg.nrequests; r++)
        p->requests[r].url_text = (char *)json_string_value(json_array_get(urls, r));
    p->cfg.requests = p->requests;
    if (json_is_true(json_object_get(seg, "open"))) {
        p->schedule.total = s->scheduled;
        p->cfg.schedule = &p->schedule;
    }
    const char *arr = json_string_value(json_object_get(seg, "arrivals"));
    const char *busy = json_string_value(json_object_get(seg, "on_busy"));
    p->cfg.arrivals = arr && strcmp(arr, "poisson") == 0 ? ARRIVALS_POISSON : ARRIVALS_UNIFORM;
    p->cfg.on_busy = busy && strcmp(busy, "drop") == 0 ? ON_BUSY_DROP : ON_BUSY_QUEUE;
    p->cfg.total_requests = (uint64_t)json_integer_value(json_object_get(seg, "requests_limit"));
    p->cfg.workers = first->workers;
    p->cfg.segment_count = first->count;
    s->cfg = &p->cfg;
    const char *name = p->cfg.path ? p->cfg.path : p->cfg.nrequests ? p->requests[0].url_text : NULL;
    const char *slash = p->cfg.path ? strrchr(name, '/') : NULL;
    s->config_name = slash ? slash + 1 : name;
    return 0;
}

/* The exit status the run would have had (parent.c's report()). */
static int merged_status(const struct summary *s)
{
    for (unsigned w = 0; w < s->nworkers; w++)
        if (s->workers[w].exit_code != 0 || s->workers[w].signal)
            return EXIT_RUN_FAILED;
    if ((s->stopped_by && s->stop_failed) || s->interrupted)
        return EXIT_RUN_FAILED;
    if (sb_get(&s->c.requests_failed) > 0 && sb_get(&s->c.requests_ok) == 0)
        return EXIT_ALL_FAILED;
    return s->verdicts && s->verdicts->failed ? EXIT_THRESHOLDS : EXIT_DONE;
}

static int merge_files(struct merge_file *f, size_t n, const char *json_path)
{
    struct summary s = {0};
    struct merged_plan plan = {0};
    struct merge_verdicts mv = {0};
    unsigned char *covers = NULL;
    int rc = EXIT_SETUP, fd = -1;
    for (size_t i = 0; i < n; i++)
        if (json_path && outfile_same(json_path, f[i].path)) {
            fprintf(stderr, "stampede: merge: --json %s is also an input (give the merged "
                            "result a file of its own)\n", json_path);
            return EXIT_SETUP;
        }
    for (size_t i = 0; i < n; i++)
        if (json_object_get(f[i].root, "channels")) { /* their counters are not read back yet */
            fprintf(stderr, "stampede: merge: %s: a run of channels (tcp://, tls://), which "
                            "stampede merge cannot add up yet\n", f[i].path);
            return EXIT_SETUP;
        }
    qsort(f, n, sizeof(*f), by_first_segment);
    if (merge_summary_init(&s, &f[0]) < 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (merge_summary_add(&s, &f[i]) < 0)
            goto out;
    if (plan_from(&plan, &f[0], &s) < 0 || !(covers = malloc(f[0].count))) {
        fputs("stampede: merge: out of memory\n", stderr);
        goto out;
    }
    memset(covers, 1, f[0].count);
    s.covers = covers;
    s.segment = (struct summary_segment){0, f[0].count, f[0].run_id, f[0].workers};
    for (unsigned w = 0; w < s.nworkers; w++) /* core-seconds back to a share of the run */
        s.cpu_percent[w] = s.duration_s > 0 ? s.cpu_percent[w] / s.duration_s * 100 : 0;
    uint64_t total = sb_get(&s.c.requests_ok) + sb_get(&s.c.requests_failed);
    s.rps = s.duration_s > 0 ? (double)total / s.duration_s : 0;
    if (merge_verdicts_read(&mv, f, n, &s) < 0)
        goto out;
    s.verdicts = &mv.v;
    if (json_path && (fd = report_open_json(json_path)) < 0)
        goto out;
    report_print(stdout, &s);
    fflush(stdout);
    rc = merged_status(&s);
    if (fd >= 0 && report_write_json(fd, json_path, &s) < 0 && rc == EXIT_DONE)
        rc = EXIT_RUN_FAILED;
out:
    free(covers);
    free(plan.requests);
    merge_verdicts_free(&mv);
    report_free(&s);
    return rc;
}

int merge_main(int argc, char **argv)
{
    const char *json_path = NULL;
    struct merge_file *f = calloc((size_t)argc, sizeof(*f));
    size_t n = 0;
    int rc = EXIT_SETUP;
    if (!f) {
        fputs("stampede: merge: out of memory\n", stderr);
        return EXIT_SETUP;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            merge_usage(stdout);
            rc = EXIT_DONE;
            goto out;
        } else if (strcmp(a, "--json") == 0 && i + 1 < argc) {
            json_path = argv[++i];
        } else if (strncmp(a, "--json=", 7) == 0 && a[7]) {
            json_path = a + 7;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "stampede: merge: %s: %s (see stampede merge --help)\n", a,
                    strcmp(a, "--json") == 0 ? "needs a file" : "unknown option");
            goto out;
        } else if (merge_file_read(&f[n++], a) < 0) {
            goto out;
        }
    }
    if (n == 0) {
        fputs("stampede: merge: give the --json files of the run's segments (see stampede "
              "merge --help)\n", stderr);
        goto out;
    }
    rc = check_set(f, n) < 0 ? EXIT_SETUP : merge_files(f, n, json_path);
out:
    for (size_t i = 0; i < n; i++)
        merge_file_free(&f[i]);
    free(f);
    return rc;
}
