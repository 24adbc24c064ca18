/* client_session: what a client carries from one response to the next request: the values
 * its captures took, and the requests with ${NAME}s rendered with them. A request without
 * ${NAME}s is never touched here: it goes out as serialised at start. */
#include "client_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "template.h"

int client_session_init(struct client *c)
{
    const struct config *cfg = c->w->cfg;
    if (!cfg->sessions || !cfg->nvars)
        return 0;
    return (c->vals = calloc(cfg->nvars, sizeof *c->vals)) ? 0 : -1;
}

void client_session_free(struct client *c)
{
    for (size_t i = 0; c->vals && i < c->w->cfg->nvars; i++)
        free(c->vals[i].s);
    free(c->vals);
    c->vals = NULL;
    free(c->rendered.b);
    free(c->rendered_body.b);
}

int client_session_render(struct client *c, const char **why)
{
    const struct wire_template *t = spec_of(c)->wire_tmpl;
    struct tpl_env env = {
        .client = c->number, .worker = c->w->index, .repetition = c->round,
        .round = c->round, .rng = &c->rng, .vals = c->vals,
    };
    const char *unset = NULL;
    c->rendered.len = c->rendered_body.len = 0;
    int rc = template_render(t->head, &env, &c->rendered, &unset);
    if (rc == 0 && t->body)
        rc = template_render(t->body, &env, &c->rendered_body, &unset);
    if (rc == 1) {
        snprintf(c->capture_reason, sizeof c->capture_reason,
                 "${%.60s} is not set yet (no response captured it before)", unset);
        *why = c->capture_reason;
        return 1;
    }
    char length[48];
    int n = t->length ? snprintf(length, sizeof length, "\r\nContent-Length: %zu",
                                 c->rendered_body.len)
                      : 0;
    if (rc != 0 || tpl_buf_add(&c->rendered, length, (size_t)n) != 0 ||
        tpl_buf_add(&c->rendered, "\r\n\r\n", 4) != 0 ||
        tpl_buf_add(&c->rendered, c->rendered_body.b, c->rendered_body.len) != 0) {
        *why = "out of memory";
        return -1;
    }
    c->rendered_wire.bytes = c->rendered.b;
    c->rendered_wire.len = c->rendered.len;
    c->wire = &c->rendered_wire;
    return 0;
}

void client_session_header(struct client *c, const char *name, size_t nlen, const char *value,
                           size_t vlen)
{
    const struct capture_set *cs = spec_of(c)->captures;
    if (cs && cs->nheaders)
        capture_header_line(cs, name, nlen, value, vlen, c->vals, &c->capture_held);
}

enum errkind client_session_capture(struct client *c, const char **reason)
{
    if (capture_response(spec_of(c)->captures, c->capture_held, c->body, c->body_len,
                         c->parser.body_bytes, c->vals, c->capture_reason,
                         sizeof c->capture_reason) == 0)
        return ERR_NONE;
    *reason = c->capture_reason;
    return ERR_CAPTURE_FAILED;
}
