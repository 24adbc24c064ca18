/* plugin: the loader, the hook chains, and the functions plugins call (stampede/plugin.h). */
#include "plugin.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client.h"
#include "errkind.h"
#include "strutil.h"
#include "url.h"
#include "worker.h"

#ifndef PLUGINDIR
#define PLUGINDIR "/usr/local/lib/stampede/plugins"
#endif

/* What a hook reaches; lives on the stack for the duration of one call. */
struct stampede_ctx {
    const struct config *cfg;
    const struct plugins *ps;
    size_t pi;            /* the plugin being called */
    struct worker *w;     /* NULL in the parent */
    struct client *c;     /* NULL outside client hooks */
    const char *fail;     /* set by stampede_fail */
};

/* The request req_start sees: the client's request in flight until a hook changes something,
 * then owned copies that the client is retargeted to once the chain is done. */
struct stampede_request {
    const char *method;
    const struct url *url;
    const char *url_text;
    char *const *headers; /* the client's until own_headers */
    size_t nheaders;
    const char *body;
    size_t body_len;
    int has_body;
    int changed;
    char **own_headers;
    char *own_method, *own_body, *own_url_text;
    struct url own_url;
};

static struct stampede_ctx ctx_of(const struct config *cfg, const struct plugins *ps, size_t pi,
                                  struct worker *w, struct client *c)
{
    struct stampede_ctx x = {.cfg = cfg, .ps = ps, .pi = pi, .w = w, .c = c};
    return x;
}

/* ---- loading -------------------------------------------------------------------------- */

static int load_one(struct plugins *ps, struct plugin *p, const struct plugin_conf *pc)
{
    p->conf = pc;
    if (pc->path) {
        p->path = strdup(pc->path);
    } else if (asprintf(&p->path, "%s/%s.so", PLUGINDIR, pc->name) < 0) {
        p->path = NULL;
    }
    if (!p->path) {
        fprintf(stderr, "stampede: out of memory\n");
        return -1;
    }
    /* dlopen searches the library path for a bare name: only load what the user named */
    if (!strchr(p->path, '/')) {
        char *rel = NULL;
        if (asprintf(&rel, "./%s", p->path) < 0) {
            fprintf(stderr, "stampede: out of memory\n");
            return -1;
        }
        free(p->path);
        p->path = rel;
    }
    p->handle = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
    if (!p->handle) {
        fprintf(stderr, "stampede: %s: plugin '%s': cannot load %s: %s (set [plugin %s] path)\n",
                pc->where, pc->name, p->path, dlerror(), pc->name);
        return -1;
    }
    p->api = dlsym(p->handle, "stampede_plugin");
    if (!p->api) {
        fprintf(stderr,
                "stampede: %s: plugin '%s': %s exports no symbol stampede_plugin (define "
                "const struct stampede_plugin stampede_plugin)\n",
                pc->where, pc->name, p->path);
        return -1;
    }
    if (p->api->abi != STAMPEDE_PLUGIN_ABI) {
        fprintf(stderr,
                "stampede: %s: plugin '%s': %s was built for plugin ABI %u, this stampede has "
                "ABI %d (rebuild it against this stampede's <stampede/plugin.h>)\n",
                pc->where, pc->name, p->path, p->api->abi, STAMPEDE_PLUGIN_ABI);
        return -1;
    }
    const struct stampede_plugin *a = p->api;
    ps->hooks |= (a->thread_init ? HOOK_THREAD_INIT : 0) | (a->thread_exit ? HOOK_THREAD_EXIT : 0) |
                 (a->next_request ? HOOK_NEXT : 0) | (a->req_start ? HOOK_REQ_START : 0) |
                 (a->req_done ? HOOK_REQ_DONE : 0) | (a->proc_init ? HOOK_PROC_INIT : 0) |
                 (a->proc_exit ? HOOK_PROC_EXIT : 0);
    p->counter_base = ps->ncounters;
    for (const char *const *n = a->counters; n && *n; n++) {
        char **names = realloc(ps->counter_names, (ps->ncounters + 1) * sizeof(*names));
        if (!names)
            return -1;
        ps->counter_names = names;
        if (asprintf(&names[ps->ncounters], "%s.%s", pc->name, *n) < 0)
            return -1;
        ps->ncounters++;
        p->ncounters++;
    }
    return 0;
}

int plugins_load(struct plugins *ps, const struct config *cfg)
{
    memset(ps, 0, sizeof(*ps));
    if (!cfg->nplugins)
        return 0;
    ps->v = calloc(cfg->nplugins, sizeof(*ps->v));
    if (!ps->v) {
        fprintf(stderr, "stampede: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < cfg->nplugins; i++) {
        ps->n = i + 1;
        if (load_one(ps, &ps->v[i], &cfg->plugins[i]) < 0) {
            plugins_unload(ps);
            return -1;
        }
    }
    return 0;
}

void plugins_unload(struct plugins *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        if (ps->v[i].handle)
            dlclose(ps->v[i].handle);
        free(ps->v[i].path);
    }
    for (unsigned i = 0; i < ps->ncounters; i++)
        free(ps->counter_names[i]);
    free(ps->counter_names);
    free(ps->v);
    memset(ps, 0, sizeof(*ps));
}

/* ---- the chains ----------------------------------------------------------------------- */

int plugins_parent_init(const struct plugins *ps, const struct config *cfg)
{
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(cfg, ps, i, NULL, NULL);
        if (ps->v[i].api->parent_init && ps->v[i].api->parent_init(&x) != 0) {
            fprintf(stderr, "stampede: %s: plugin '%s': parent_init refused the run\n",
                    ps->v[i].conf->where, ps->v[i].conf->name);
            return -1;
        }
    }
    return 0;
}

void plugins_parent_exit(const struct plugins *ps, const struct config *cfg)
{
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(cfg, ps, i, NULL, NULL);
        if (ps->v[i].api->parent_exit)
            ps->v[i].api->parent_exit(&x);
    }
}

int plugins_proc_init(struct worker *w)
{
    const struct plugins *ps = w->plugins;
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(w->cfg, ps, i, w, NULL);
        if (ps->v[i].api->proc_init && ps->v[i].api->proc_init(&x) != 0) {
            fprintf(stderr, "stampede: worker %u: plugin '%s': proc_init failed\n", w->index,
                    ps->v[i].conf->name);
            return -1;
        }
    }
    return 0;
}

int plugins_proc_exit(struct worker *w)
{
    const struct plugins *ps = w->plugins;
    int rc = 0;
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(w->cfg, ps, i, w, NULL);
        int r = ps->v[i].api->proc_exit ? ps->v[i].api->proc_exit(&x) : 0;
        if (r && !rc)
            rc = r;
    }
    return rc;
}

void plugins_thread_init(struct client *c)
{
    const struct plugins *ps = c->w->plugins;
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(c->w->cfg, ps, i, c->w, c);
        if (ps->v[i].api->thread_init)
            client_set_userdata(c, i, ps->v[i].api->thread_init(&x));
    }
}

void plugins_thread_exit(struct client *c)
{
    const struct plugins *ps = c->w->plugins;
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(c->w->cfg, ps, i, c->w, c);
        if (ps->v[i].api->thread_exit)
            ps->v[i].api->thread_exit(&x);
    }
}

int plugins_next_request(struct client *c, const struct stampede_result *prev)
{
    const struct plugins *ps = c->w->plugins;
    int n = (int)c->w->cfg->nrequests;
    for (size_t i = 0; i < ps->n; i++) {
        if (!ps->v[i].api->next_request)
            continue;
        struct stampede_ctx x = ctx_of(c->w->cfg, ps, i, c->w, c);
        int r = ps->v[i].api->next_request(&x, prev);
        if (r == STAMPEDE_NEXT_DEFAULT)
            continue;
        if (r == STAMPEDE_NEXT_END || (r >= 0 && r < n))
            return r;
        fprintf(stderr, "stampede: plugin '%s': next_request gave %d, not a request (0..%d), "
                        "STAMPEDE_NEXT_END or STAMPEDE_NEXT_DEFAULT; the round ends\n",
                ps->v[i].conf->name, r, n - 1);
        return STAMPEDE_NEXT_END;
    }
    return STAMPEDE_NEXT_DEFAULT;
}

static void request_free(struct stampede_request *r)
{
    if (r->own_headers) {
        for (size_t i = 0; i < r->nheaders; i++)
            free(r->own_headers[i]);
        free(r->own_headers);
    }
    free(r->own_method);
    free(r->own_body);
    free(r->own_url_text);
    url_free(&r->own_url);
}

int plugins_req_start(struct client *c, const char **reason)
{
    struct worker *w = c->w;
    const struct plugins *ps = w->plugins;
    struct stampede_request r = {
        .method = client_method(c), .url = client_url(c), .url_text = client_url_text(c),
    };
    r.headers = client_headers(c, &r.nheaders);
    r.body = client_body(c, &r.body_len);
    r.has_body = r.body != NULL;
    int rc = 0;
    for (size_t i = 0; i < ps->n && rc == 0; i++) {
        if (!ps->v[i].api->req_start)
            continue;
        struct stampede_ctx x = ctx_of(w->cfg, ps, i, w, c);
        if (ps->v[i].api->req_start(&x, &r) != 0) {
            static char why[256];
            snprintf(why, sizeof(why), "%s", x.fail ? x.fail : "failed by plugin");
            if (!x.fail)
                snprintf(why, sizeof(why), "failed by plugin %s", ps->v[i].conf->name);
            *reason = why;
            rc = -1;
        }
    }
    if (rc == 0 && r.changed) {
        struct http_request_parts p = {
            .method = r.method, .url = r.url, .headers = r.headers, .nheaders = r.nheaders,
            .body = r.body, .body_len = r.body_len, .has_body = r.has_body,
        };
        rc = client_retarget(c, &p, r.url_text, reason);
    }
    request_free(&r);
    return rc;
}

void plugins_req_done(struct client *c, const struct stampede_result *res)
{
    const struct plugins *ps = c->w->plugins;
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(c->w->cfg, ps, i, c->w, c);
        if (ps->v[i].api->req_done)
            ps->v[i].api->req_done(&x, res);
    }
}

/* ---- the context functions plugins call ----------------------------------------------- */

int stampede_worker(const struct stampede_ctx *ctx)
{
    return ctx->w ? (int)ctx->w->index : -1;
}

int stampede_workers(const struct stampede_ctx *ctx)
{
    return (int)ctx->cfg->workers;
}

int64_t stampede_client(const struct stampede_ctx *ctx)
{
    return ctx->c ? (int64_t)ctx->c->number : -1;
}

uint64_t stampede_round(const struct stampede_ctx *ctx)
{
    return ctx->c ? ctx->c->round : 0;
}

int64_t stampede_t0(const struct stampede_ctx *ctx)
{
    return ctx->w ? ctx->w->t0 : 0;
}

void stampede_worker_stats(const struct stampede_ctx *ctx, struct stampede_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!ctx->w)
        return;
    const struct sb_counters *c = &ctx->w->slot->c;
    out->clients_active = sb_get(&c->clients_active);
    out->requests_started = sb_get(&c->requests_started);
    out->requests_ok = sb_get(&c->requests_ok);
    out->requests_failed = sb_get(&c->requests_failed);
}

int stampede_requests(const struct stampede_ctx *ctx)
{
    return (int)ctx->cfg->nrequests;
}

const char *stampede_request_name(const struct stampede_ctx *ctx, int index)
{
    return index >= 0 && (size_t)index < ctx->cfg->nrequests ? ctx->cfg->requests[index].name
                                                             : NULL;
}

void *stampede_userdata(const struct stampede_ctx *ctx)
{
    return ctx->c ? client_userdata(ctx->c, ctx->pi) : NULL;
}

void stampede_set_userdata(struct stampede_ctx *ctx, void *data)
{
    if (ctx->c)
        client_set_userdata(ctx->c, ctx->pi, data);
}

const char *stampede_run_option(const struct stampede_ctx *ctx, const char *key)
{
    const char *v = NULL;
    for (size_t i = 0; i < ctx->cfg->nrun; i++)
        if (strcasecmp(ctx->cfg->run_keys[i], key) == 0)
            v = ctx->cfg->run_values[i]; /* the last one wins, as in the run */
    return v;
}

const char *stampede_option(const struct stampede_ctx *ctx, const char *key)
{
    const struct plugin_conf *pc = ctx->ps->v[ctx->pi].conf;
    const char *v = NULL;
    for (size_t i = 0; i < pc->nkeys; i++)
        if (strcasecmp(pc->keys[i], key) == 0)
            v = pc->values[i];
    return v;
}

const char *stampede_config_dir(const struct stampede_ctx *ctx)
{
    return ctx->cfg->dir ? ctx->cfg->dir : ".";
}

uint32_t stampede_rnd(struct stampede_ctx *ctx, uint32_t max)
{
    return ctx->c ? client_rnd(ctx->c, max) : 0;
}

void stampede_delay(struct stampede_ctx *ctx, int64_t ns)
{
    if (ctx->c)
        client_add_delay(ctx->c, ns);
}

void stampede_count(struct stampede_ctx *ctx, unsigned i, uint64_t n)
{
    const struct plugin *p = &ctx->ps->v[ctx->pi];
    if (ctx->w && i < p->ncounters)
        sb_add(sb_extra(ctx->w->hdr, ctx->w->index, p->counter_base + i), n);
}

void stampede_log(const struct stampede_ctx *ctx, const char *fmt, ...)
{
    char line[1024];
    const char *name = ctx->ps->v[ctx->pi].conf->name;
    int n;
    if (ctx->c)
        n = snprintf(line, sizeof(line), "stampede: plugin %s (worker %u, client %llu): ", name,
                     ctx->w->index, (unsigned long long)ctx->c->number);
    else if (ctx->w)
        n = snprintf(line, sizeof(line), "stampede: plugin %s (worker %u): ", name, ctx->w->index);
    else
        n = snprintf(line, sizeof(line), "stampede: plugin %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof(line) - 2)
        len = sizeof(line) - 2;
    line[len++] = '\n';
    /* one write per line: lines from several workers never interleave */
    ssize_t rc = write(2, line, len);
    (void)rc;
}

void stampede_fail(struct stampede_ctx *ctx, const char *reason)
{
    ctx->fail = reason;
}

void stampede_stop(struct stampede_ctx *ctx, const char *reason)
{
    stampede_log(ctx, "stops the run: %s", reason ? reason : "no reason given");
    if (ctx->w)
        worker_stop(ctx->w);
}

/* ---- the request ---------------------------------------------------------------------- */

const char *stampede_request_method(const struct stampede_request *req)
{
    return req->method;
}

const char *stampede_request_url(const struct stampede_request *req)
{
    return req->url_text;
}

const char *stampede_request_header(const struct stampede_request *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (http_header_is(req->headers[i], name)) {
            const char *v = req->headers[i] + strlen(name) + 1;
            return v + strspn(v, " \t");
        }
    return NULL;
}

size_t stampede_request_header_count(const struct stampede_request *req)
{
    return req->nheaders;
}

const char *stampede_request_header_line(const struct stampede_request *req, size_t i)
{
    return i < req->nheaders ? req->headers[i] : NULL;
}

const char *stampede_request_body(const struct stampede_request *req, size_t *len)
{
    *len = req->has_body ? req->body_len : 0;
    return req->has_body ? req->body : NULL;
}

int stampede_request_set_method(struct stampede_request *req, const char *method)
{
    if (!method || !str_is_token(method)) /* what the configuration takes */
        return -1;
    char *m = strdup(method);
    if (!m)
        return -1;
    free(req->own_method);
    req->own_method = m;
    req->method = m;
    req->changed = 1;
    return 0;
}

/* The first change to the headers copies them. */
static int own_headers(struct stampede_request *req)
{
    if (req->own_headers)
        return 0;
    char **h = calloc(req->nheaders + 1, sizeof(*h));
    if (!h)
        return -1;
    for (size_t i = 0; i < req->nheaders; i++)
        if (!(h[i] = strdup(req->headers[i]))) {
            while (i--)
                free(h[i]);
            free(h);
            return -1;
        }
    req->own_headers = h;
    req->headers = h;
    return 0;
}

/* Removes every header called name. */
static int remove_header(struct stampede_request *req, const char *name)
{
    if (own_headers(req) < 0)
        return -1;
    size_t out = 0;
    for (size_t i = 0; i < req->nheaders; i++) {
        if (http_header_is(req->own_headers[i], name))
            free(req->own_headers[i]);
        else
            req->own_headers[out++] = req->own_headers[i];
    }
    req->nheaders = out;
    req->changed = 1;
    return 0;
}

int stampede_request_set_url(struct stampede_request *req, const char *url)
{
    struct url u;
    const char *why;
    if (!url || url_parse(url, &u, &why) != 0)
        return -1;
    char *text = strdup(url);
    /* the configured Host named the old URL's host: the new one gets its own */
    if (!text || remove_header(req, "Host") < 0) {
        free(text);
        url_free(&u);
        return -1;
    }
    url_free(&req->own_url);
    req->own_url = u;
    req->url = &req->own_url;
    free(req->own_url_text);
    req->own_url_text = text;
    req->url_text = text;
    req->changed = 1;
    return 0;
}

int stampede_request_set_header(struct stampede_request *req, const char *name,
                                const char *value)
{
    /* the checks the configuration makes of its own headers */
    if (!name || !str_is_token(name) || (value && !str_is_header_value(value, strlen(value))) ||
        remove_header(req, name) < 0)
        return -1;
    if (!value)
        return 0;
    char **h = realloc(req->own_headers, (req->nheaders + 2) * sizeof(*h));
    if (!h)
        return -1;
    req->own_headers = h;
    req->headers = h;
    value += strspn(value, " \t");
    if (asprintf(&h[req->nheaders], "%s: %s", name, value) < 0)
        return -1;
    req->nheaders++;
    return 0;
}

int stampede_request_set_body(struct stampede_request *req, const void *body, size_t len)
{
    char *b = NULL;
    if (body && !(b = malloc(len ? len : 1)))
        return -1;
    /* stampede computes the length of the new body */
    if (remove_header(req, "Content-Length") < 0) {
        free(b);
        return -1;
    }
    if (len && b)
        memcpy(b, body, len);
    free(req->own_body);
    req->own_body = b;
    req->body = b;
    req->body_len = b ? len : 0;
    req->has_body = b != NULL;
    req->changed = 1;
    return 0;
}

/* ---- the result ----------------------------------------------------------------------- */

const char *stampede_result_header(const struct stampede_result *res, const char *name)
{
    for (size_t i = 0; i < res->nheaders; i++)
        if (strcasecmp(res->headers[i].name, name) == 0)
            return res->headers[i].value;
    return NULL;
}
