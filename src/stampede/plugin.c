/* plugin: the hook chains. An adapter between the engine and the plugins: it builds the
 * context a hook gets and hands what hooks decide to the engine's own functions
 * (client_retarget, client_set_userdata, worker_stop_run ...); it writes no engine struct. */
#include "plugin_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "worker.h"

/* ---- the chains ----------------------------------------------------------------------- */

int plugins_parent_init(const struct plugins *ps, const struct config *cfg,
                        struct sb_header *hdr)
{
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(cfg, ps, i, NULL, NULL);
        x.hdr = hdr;
        if (ps->v[i].api->parent_init && ps->v[i].api->parent_init(&x) != 0) {
            fprintf(stderr, "stampede: %s: plugin '%s': parent_init refused the run\n",
                    ps->v[i].conf->where, ps->v[i].conf->name);
            return -1;
        }
    }
    return 0;
}

void plugins_parent_exit(const struct plugins *ps, const struct config *cfg,
                         struct sb_header *hdr, const struct summary *s)
{
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(cfg, ps, i, NULL, NULL);
        x.hdr = hdr;
        x.summary = s;
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

void plugins_client_init(struct client *c)
{
    const struct plugins *ps = c->w->plugins;
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(c->w->cfg, ps, i, c->w, c);
        if (ps->v[i].api->client_init)
            client_set_userdata(c, i, ps->v[i].api->client_init(&x));
    }
}

void plugins_client_exit(struct client *c)
{
    const struct plugins *ps = c->w->plugins;
    for (size_t i = 0; i < ps->n; i++) {
        struct stampede_ctx x = ctx_of(c->w->cfg, ps, i, c->w, c);
        if (ps->v[i].api->client_exit)
            ps->v[i].api->client_exit(&x);
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

/* Frees what the setters copied. */
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

