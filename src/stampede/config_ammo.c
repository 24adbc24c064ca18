/* config_ammo: [run] ammo in the configuration. The ammo file replaces the [request] sections:
 * each of its tags becomes one request (named after the tag) built like a [request] section
 * whose url is the target, so timeouts, keep-alive and TLS come from [defaults] and [tls] as
 * usual; the bytes sent come from the file. The target is [run] base_url (or a [defaults] url),
 * or the URL of the command line; only its scheme, host and port matter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ammo.h"
#include "config_int.h"
#include "schedule.h"

/* Where [run] key `name` was last set ("FILE:LINE", "-D ...", "--flag"), or NULL. */
static const char *run_where(const struct load *L, const char *name)
{
    const char *where = NULL;
    for (size_t i = 0; i < L->nents; i++)
        if (L->ents[i].sec == SEC_RUN && strcmp(L->ents[i].key, name) == 0)
            where = L->ents[i].where;
    return where;
}

static int has_defaults_key(const struct load *L, const char *name)
{
    for (size_t i = 0; i < L->nents; i++)
        if (L->ents[i].sec == SEC_DEFAULTS && strcmp(L->ents[i].key, name) == 0)
            return 1;
    return 0;
}

/* What ammo cannot be combined with, and the request section the target is built from. */
static int check_and_target(struct load *L, const char *where)
{
    struct config *c = L->c;
    if (!L->url_mode && L->nreqs > 0) {
        config_errorf(where, "ammo and [request %.60s] (line %d) both give the requests (use "
                             "one: the ammo file or the [request] sections)",
                      L->reqs[0].name, L->reqs[0].line);
        return -1;
    }
    if (L->nplugs > 0 || run_where(L, "plugins")) {
        config_errorf(where, "ammo does not work with plugins yet (leave out the plugins or "
                             "the ammo)");
        return -1;
    }
    if (c->iterator != ITERATOR_DEFAULT) {
        config_errorf(run_where(L, "iterator"), "ammo is sent in file order: the iterator "
                                                "must be default");
        return -1;
    }
    if (L->url_mode) /* the command line's URL is request 0 */
        return 0;
    if (!c->base_url && !has_defaults_key(L, "url")) {
        config_errorf(where, "ammo needs a target (add base_url = http://127.0.0.1:8080 to "
                             "[run]: where the ammo requests go)");
        return -1;
    }
    L->reqs = malloc(sizeof(*L->reqs));
    if (!L->reqs || !(L->reqs[0].name = strdup(AMMO_DEFAULT_TAG))) {
        config_oom(where);
        return -1;
    }
    L->reqs[0].line = 0;
    L->reqs[0].where = NULL;
    L->nreqs = L->cap_reqs = 1;
    if (c->base_url && !config_push_entry(L, SEC_REQUEST, 0, config_key_find("url"), "url",
                                          c->base_url, run_where(L, "base_url"), 0,
                                          LVL_REQUEST_FILE))
        return -1;
    return 0;
}

/* Method, body and headers are the file's: refuse configured ones that would be ignored. */
static int check_template(const struct request_spec *t, int format, const char *where)
{
    if (strcmp(t->method, "GET") != 0 || t->has_body) {
        config_errorf(where, "the ammo file gives the requests: leave out method, body and "
                             "body_file");
        return -1;
    }
    if (t->nheaders && format != AMMO_URI) {
        config_errorf(where, "%s ammo is sent as it is in the file: leave out header (write "
                             "headers in the file)", format == AMMO_STPD ? "stpd" : "phantom");
        return -1;
    }
    return 0;
}

/* The parser's message ("FILE:LINE: byte N: WHAT") as one line, whatever bytes it quotes. */
static void print_error(char *msg)
{
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    fprintf(stderr, "stampede: %s\n", msg);
}

/* "host[:port]" of the target, as a Host header says it. */
static void host_of(const struct url *u, char *buf, size_t len)
{
    int v6 = strchr(u->host, ':') != NULL;
    unsigned defport = u->tls ? 443 : 80;
    int n = snprintf(buf, len, "%s%s%s", v6 ? "[" : "", u->host, v6 ? "]" : "");
    if (u->port != defport && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ":%u", (unsigned)u->port);
}

/* An stpd plan is the open model's timetable: arrival i at entry i's timestamp. It ends a
 * millisecond after its last request, so that the last one is due before the end. */
static int plan_schedule(struct load *L, const struct ammo *a, const char *where)
{
    struct config *c = L->c;
    if (c->schedule) {
        config_errorf(where, "an stpd plan is its own schedule (leave out rate and schedule)");
        return -1;
    }
    if (c->arrivals != ARRIVALS_UNIFORM) {
        config_errorf(run_where(L, "arrivals"), "an stpd plan sends each request at its "
                                                "timestamp: leave out arrivals = poisson");
        return -1;
    }
    struct schedule *s = calloc(1, sizeof(*s));
    int64_t *plan = malloc(a->n * sizeof(*plan));
    if (!s || !plan) {
        free(s);
        free(plan);
        config_oom(where);
        return -1;
    }
    for (size_t i = 0; i < a->n; i++)
        plan[i] = a->entries[i].at_ns;
    int64_t end = plan[a->n - 1] + 1000000;
    schedule_init_plan(s, plan, a->n, end);
    if (!run_where(L, "duration") || c->duration_ns > end)
        c->duration_ns = end;
    c->rounds = 0;
    c->schedule = s;
    return 0;
}

int config_build_ammo(struct load *L)
{
    struct config *c = L->c;
    const char *where = run_where(L, "ammo");
    if (check_and_target(L, where) != 0)
        return -1;
    struct request_spec tmpl = {0};
    if (config_build_request(L, 0, &tmpl) != 0) {
        config_free_request(&tmpl);
        return -1;
    }
    char host[300];
    host_of(&tmpl.url, host, sizeof(host));
    struct ammo_target t = {.host = host, .headers = tmpl.headers, .nheaders = tmpl.nheaders,
                            .close = !(tmpl.keepalive & KEEPALIVE_STORE)};
    char err[1024];
    int rc = -1;
    if (!(c->ammo = calloc(1, sizeof(*c->ammo))))
        config_oom(where);
    else if (ammo_load(c->ammo, c->ammo_path, c->ammo_format, &t, err, sizeof(err)) != 0)
        print_error(err);
    else
        rc = check_template(&tmpl, c->ammo->format, where);
    config_free_request(&tmpl);
    if (rc != 0)
        return -1;
    if (c->ammo->format == AMMO_STPD && plan_schedule(L, c->ammo, where) != 0)
        return -1;
    /* one request per tag, each built as the target's section */
    if (!(c->requests = calloc(c->ammo->ntags, sizeof(*c->requests)))) {
        config_oom(where);
        return -1;
    }
    for (size_t i = 0; i < c->ammo->ntags; i++) {
        struct request_spec *s = &c->requests[i];
        c->nrequests = i + 1; /* so that config_free frees a partly built one */
        if (config_build_request(L, 0, s) != 0)
            return -1;
        free(s->name);
        if (!(s->name = strdup(c->ammo->tags[i]))) {
            config_oom(where);
            return -1;
        }
    }
    return 0;
}
