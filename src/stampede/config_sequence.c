/* config_sequence: the [sequence NAME] sections (the ApacheBench Perl API's runs). While the
 * file is read, an inline url line becomes a request of its own, named NAME.N after its step,
 * so that it is built, counted and reported as every [request NAME] is; once the requests are
 * built, each sequence's steps, repetitions, order and cookies are checked and stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* The steps a sequence has so far: the names of its requests lines. */
static size_t steps_so_far(const struct load *L, size_t seq)
{
    size_t n = 0;
    for (size_t i = 0; i < L->nents; i++) {
        const struct entry *e = &L->ents[i];
        if (e->sec != SEC_SEQUENCE || e->idx != seq || strcmp(e->key, "requests") != 0)
            continue;
        for (const char *p = e->value; *p;) {
            p += strspn(p, " \t,");
            size_t w = strcspn(p, " \t,");
            n += w > 0;
            p += w;
        }
    }
    return n;
}

int config_sequence_url(struct load *L, size_t seq, const char *value, const char *where,
                        int line)
{
    size_t len = strlen(L->seqs[seq].name) + 24;
    char *name = malloc(len);
    if (!name) {
        config_oom(where);
        return -1;
    }
    snprintf(name, len, "%s.%zu", L->seqs[seq].name, steps_so_far(L, seq) + 1);
    int r = config_add_request_section(L, name, line, where);
    if (r < 0)
        return -1;
    if (!config_push_entry(L, SEC_REQUEST, (size_t)r, config_key_find("url"), "url", value,
                           where, line, LVL_REQUEST_FILE) ||
        !config_push_entry(L, SEC_SEQUENCE, seq, config_key_find("requests"), "requests",
                           L->reqs[r].name, where, line, LVL_REQUEST_FILE))
        return -1;
    L->seqs[seq].inline_req = r;
    L->seqs[seq].inline_post = 0;
    return 0;
}

int config_sequence_postdata(struct load *L, size_t seq, const char *value, const char *where,
                             int line)
{
    struct named_section *s = &L->seqs[seq];
    if (s->inline_req < 0 || s->inline_post) {
        config_errorf(where, "postdata in [sequence %.60s] belongs to the url line just before "
                             "it (write url = ... then its postdata = ...; one postdata per url)",
                      s->name);
        return -1;
    }
    size_t r = (size_t)s->inline_req;
    s->inline_post = 1;
    /* as ApacheBench posts: a form body */
    return config_push_entry(L, SEC_REQUEST, r, config_key_find("method"), "method", "POST",
                             where, line, LVL_REQUEST_FILE) &&
                   config_push_entry(L, SEC_REQUEST, r, config_key_find("body"), "body", value,
                                     where, line, LVL_REQUEST_FILE) &&
                   config_push_entry(L, SEC_REQUEST, r, config_key_find("header"), "header",
                                     "Content-Type: application/x-www-form-urlencoded", where,
                                     line, LVL_REQUEST_FILE)
               ? 0
               : -1;
}

/* Where [run] sets key, or NULL. */
static const char *run_sets(const struct load *L, const char *key)
{
    for (size_t i = 0; i < L->nents; i++)
        if (L->ents[i].sec == SEC_RUN && strcmp(L->ents[i].key, key) == 0)
            return L->ents[i].where;
    return NULL;
}

static long request_index(const struct config *c, const char *name)
{
    for (size_t r = 0; r < c->nrequests; r++)
        if (strcmp(c->requests[r].name, name) == 0)
            return (long)r;
    return -1;
}

/* A requests line: its names appended to the steps. */
static int add_steps(const struct load *L, struct sequence_spec *s, const struct entry *e)
{
    const struct config *c = L->c;
    for (const char *p = e->value; *p;) {
        p += strspn(p, " \t,");
        size_t w = strcspn(p, " \t,");
        if (w == 0)
            break;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(w < 255 ? w : 255), p);
        p += w;
        long r = request_index(c, name);
        if (r < 0) {
            const char **names = calloc(c->nrequests + 1, sizeof *names);
            char h[160];
            for (size_t j = 0; names && j < c->nrequests; j++)
                names[j] = c->requests[j].name;
            config_errorf(e->where, "[sequence %s] names request '%s', which is not a [request "
                                    "NAME] section%s", s->name, name,
                          names ? config_hint(name, names, "", h, sizeof h) : "");
            free(names);
            return -1;
        }
        size_t *v = realloc(s->steps, (s->nsteps + 1) * sizeof *v);
        if (!v) {
            config_oom(e->where);
            return -1;
        }
        s->steps = v;
        s->steps[s->nsteps++] = (size_t)r;
    }
    return 0;
}

/* One entry of [sequence NAME]; *w_parallel is set to where parallel was set. */
static int sequence_entry(const struct load *L, struct sequence_spec *s, const struct entry *e,
                          const char **w_parallel)
{
    if (strcmp(e->key, "requests") == 0)
        return add_steps(L, s, e);
    if (strcmp(e->key, "cookie") == 0) {
        char **v = realloc(s->cookies, (s->ncookies + 1) * sizeof *v);
        if (!v || !(v[s->ncookies] = strdup(e->value))) {
            if (v)
                s->cookies = v;
            config_oom(e->where);
            return -1;
        }
        s->cookies = v;
        s->ncookies++;
        return 0;
    }
    union config_value v;
    if (config_value_parse(L, e, &v) != 0)
        return -1;
    if (strcmp(e->key, "repeat") == 0) {
        s->repeat = v.u;
    } else if (strcmp(e->key, "order") == 0) {
        s->order = v.i;
    } else if (strcmp(e->key, "parallel") == 0) {
        s->parallel = v.u;
        *w_parallel = e->where;
    } else if (strcmp(e->key, "filesize") == 0) {
        s->filesize = v.u;
    } else if (strcmp(e->key, "page_content") == 0) {
        s->page_content = v.i;
    } else if (strcmp(e->key, "cookies") == 0) {
        s->cookies_jar = v.i;
    }
    if (e->k && config_type_is_string(e->k->type))
        free(v.s);
    return 0;
}

static int build_sequence(struct load *L, size_t i)
{
    struct config *c = L->c;
    struct sequence_spec *s = &c->sequences[i];
    char where[4200];
    snprintf(where, sizeof where, "%s:%d", L->path, L->seqs[i].line);
    s->name = strdup(L->seqs[i].name);
    s->where = strdup(where);
    if (!s->name || !s->where) {
        config_oom(where);
        return -1;
    }
    s->repeat = c->repeat;
    s->filesize = c->filesize;
    s->parallel = 1;
    /* a repetition is a user's visit: its cookies go back unless [run] or the sequence says no */
    s->cookies_jar = run_sets(L, "cookies") ? c->cookies : 1;
    const char *w_parallel = NULL;
    for (size_t j = 0; j < L->nents; j++) {
        const struct entry *e = &L->ents[j];
        if (e->sec == SEC_SEQUENCE && e->idx == i && sequence_entry(L, s, e, &w_parallel) != 0)
            return -1;
    }
    if (s->nsteps == 0) {
        config_errorf(where, "[sequence %s] has no steps (add requests = NAME ... or url = ...)",
                      s->name);
        return -1;
    }
    if (s->repeat == 0 || s->parallel == 0) {
        config_errorf(where, "[sequence %s]: %s must be at least 1", s->name,
                      s->repeat == 0 ? "repeat" : "parallel");
        return -1;
    }
    if (w_parallel && s->order != SEQ_DEPTH_FIRST) {
        config_errorf(w_parallel, "parallel needs order = depth_first in [sequence %s] (the "
                                  "repetitions of a breadth_first step already run at once)",
                      s->name);
        return -1;
    }
    if (s->ncookies && s->ncookies != s->repeat) {
        config_errorf(where, "[sequence %s] has %zu cookie lines for %llu repetitions (give one "
                             "per repetition, or none)", s->name, s->ncookies,
                      (unsigned long long)s->repeat);
        return -1;
    }
    return 0;
}

int config_build_sequences(struct load *L)
{
    struct config *c = L->c;
    if (L->nseqs == 0) { /* keys of the sequences mean nothing without one */
        static const char *const seq_keys[] = {"priority", "repeat", "filesize", NULL};
        for (size_t k = 0; seq_keys[k]; k++)
            if (run_sets(L, seq_keys[k])) {
                config_errorf(run_sets(L, seq_keys[k]), "[run] %s is for [sequence NAME] "
                                                        "sections, and this file has none",
                              seq_keys[k]);
                return -1;
            }
        return 0;
    }
    /* the sequences say how many requests are sent: a count or walk of the list would be a
     * second, contradicting answer */
    static const char *const closed_keys[] = {"rounds", "requests", "ramp_start",
                                              "ramp_duration", "iterator", NULL};
    for (size_t k = 0; closed_keys[k]; k++) {
        const char *w = run_sets(L, closed_keys[k]);
        if (w) {
            config_errorf(w, "[run] %s walks the [request] list, and this file has [sequence "
                             "%s] sections, which say what is sent (remove one of them)",
                          closed_keys[k], L->seqs[0].name);
            return -1;
        }
    }
    if (!(c->sequences = calloc(L->nseqs, sizeof *c->sequences))) {
        config_oom(L->path);
        return -1;
    }
    for (size_t i = 0; i < L->nseqs; i++) {
        c->nsequences = i + 1;
        if (build_sequence(L, i) != 0)
            return -1;
    }
    if (c->workers > c->clients) {
        config_errorf(run_sets(L, "workers") ? run_sets(L, "workers") : L->path,
                      "workers (%u) are more than concurrency (%llu): each worker needs at least "
                      "one request in flight (lower workers or raise concurrency)",
                      c->workers, (unsigned long long)c->clients);
        return -1;
    }
    return 0;
}

void config_free_sequences(struct config *c)
{
    for (size_t i = 0; i < c->nsequences; i++) {
        struct sequence_spec *s = &c->sequences[i];
        free(s->name);
        free(s->where);
        free(s->steps);
        for (size_t k = 0; k < s->ncookies; k++)
            free(s->cookies[k]);
        free(s->cookies);
    }
    free(c->sequences);
    c->sequences = NULL;
    c->nsequences = 0;
}
