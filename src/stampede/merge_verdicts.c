/* merge_verdicts: the checks and thresholds of merged segments. Check counts add up, check by
 * check; thresholds are measured again on the merged figures (a p99 of the whole run is not
 * any segment's), from their lines as the first file gives them, parsed as the configuration
 * parses them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "threshold.h"

static int refuse(const char *file, const char *what)
{
    fprintf(stderr, "stampede: merge: %s: %s\n", file, what);
    return -1;
}

/* The first file's checks: which request, which key, what is expected. */
static int checks_init(struct verdicts *v, const struct merge_file *first, const struct summary *s)
{
    json_t *checks = json_object_get(first->root, "checks");
    v->nchecks = json_array_size(checks);
    if (!(v->checks = calloc(v->nchecks + 1, sizeof(*v->checks))))
        return refuse(first->path, "out of memory");
    for (size_t i = 0; i < v->nchecks; i++) {
        json_t *c = json_array_get(checks, i);
        struct verdict_check *vc = &v->checks[i];
        vc->request = json_string_value(json_object_get(c, "request"));
        vc->key = json_string_value(json_object_get(c, "check"));
        vc->text = json_string_value(json_object_get(c, "expect"));
        if (!vc->request || !vc->key || !vc->text)
            return refuse(first->path, "checks: an entry lacks its request, check or expect");
        for (vc->req = 0; vc->req < s->nrequests; vc->req++)
            if (strcmp(s->requests[vc->req].name, vc->request) == 0)
                break;
        if (vc->req == s->nrequests)
            return refuse(first->path, "checks: a check of a request not in by_request");
    }
    return 0;
}

static int checks_add(struct verdicts *v, const struct merge_file *m)
{
    json_t *checks = json_object_get(m->root, "checks");
    if (json_array_size(checks) != v->nchecks)
        return refuse(m->path, "checks: not the checks of the first file");
    for (size_t i = 0; i < v->nchecks; i++) {
        json_t *c = json_array_get(checks, i);
        json_t *passed = json_object_get(c, "passed"), *failed = json_object_get(c, "failed");
        const char *key = json_string_value(json_object_get(c, "check"));
        if (!json_is_integer(passed) || !json_is_integer(failed) || json_integer_value(passed) < 0 ||
            json_integer_value(failed) < 0 || !key || strcmp(key, v->checks[i].key) != 0)
            return refuse(m->path, "checks: not the checks of the first file, or a count missing");
        v->checks[i].passed += (uint64_t)json_integer_value(passed);
        v->checks[i].failed += (uint64_t)json_integer_value(failed);
    }
    return 0;
}

static int thresholds_read(struct merge_verdicts *mv, const struct merge_file *first,
                           const struct summary *s)
{
    json_t *list = json_object_get(first->root, "thresholds");
    size_t n = json_array_size(list);
    const char **names = calloc(s->nrequests + 1, sizeof(*names));
    mv->t = calloc(n + 1, sizeof(*mv->t));
    mv->v.thresholds = calloc(n + 1, sizeof(*mv->v.thresholds));
    if (!names || !mv->t || !mv->v.thresholds) {
        free(names);
        return refuse(first->path, "out of memory");
    }
    for (size_t r = 0; r < s->nrequests; r++)
        names[r] = s->requests[r].name;
    struct threshold_context ctx = {names, s->nrequests, s->cfg && s->cfg->schedule,
                                    mv->v.nchecks > 0};
    int rc = 0;
    for (; mv->nt < n && rc == 0; mv->nt++) {
        const char *expr = json_string_value(json_object_get(json_array_get(list, mv->nt), "expr"));
        char err[256];
        if (!expr || threshold_parse(expr, &ctx, &mv->t[mv->nt], err, sizeof err) < 0) {
            fprintf(stderr, "stampede: merge: %s: thresholds: %s\n", first->path,
                    expr ? err : "an entry without its expr");
            rc = -1;
        }
    }
    free(names);
    return rc;
}

int merge_verdicts_read(struct merge_verdicts *mv, const struct merge_file *f, size_t n,
                        const struct summary *s)
{
    memset(mv, 0, sizeof(*mv));
    if (checks_init(&mv->v, &f[0], s) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (checks_add(&mv->v, &f[i]) < 0)
            return -1;
    if (thresholds_read(mv, &f[0], s) < 0)
        return -1;
    verdicts_measure(&mv->v, mv->t, mv->nt, s);
    return 0;
}

void merge_verdicts_free(struct merge_verdicts *mv)
{
    for (size_t i = 0; i < mv->nt; i++)
        threshold_free(&mv->t[i]);
    free(mv->t);
    verdicts_free(&mv->v);
}
