/* config_session: the run's variables. Every capture line names a variable; every ${NAME} in a
 * request's url, header values and body must be one of them or a built-in, which is known
 * here, before any load is sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "config_int.h"
#include "http_request.h"
#include "template.h"

/* The index of variable name, added when new; -1 when out of memory. */
static long var_index(struct config *c, const char *name)
{
    for (size_t i = 0; i < c->nvars; i++)
        if (strcmp(c->vars[i], name) == 0)
            return (long)i;
    char **v = realloc(c->vars, (c->nvars + 1) * sizeof *v);
    if (!v)
        return -1;
    c->vars = v;
    if (!(v[c->nvars] = strdup(name)))
        return -1;
    return (long)c->nvars++;
}

static struct tpl_names names_of(const struct config *c)
{
    struct tpl_names n = {(const char *const *)c->vars, c->nvars, c->feeders, c->nfeeders};
    return n;
}

/* Compiles text only to check its names: 1 when it has variables, 0 when not, -1 after the
 * message "FILE:LINE: [request NAME] PART: WHY". */
static int check_text(const struct config *c, const struct request_spec *s, const char *part,
                      const char *text, size_t len)
{
    if (!text || !template_has_vars(text, len))
        return 0;
    char err[300], where[4200];
    struct tpl_names names = names_of(c);
    struct template *t = template_compile(text, len, &names, c->nplugins > 0, err, sizeof err);
    if (t) {
        int any = template_nvars(t) > 0;
        template_free(t);
        return any;
    }
    snprintf(where, sizeof where, "%s:%d", s->file, s->line);
    config_errorf(where, "[request %.60s] %s: %s", s->name, part, err);
    return -1;
}

static int http_header_is_in(const struct request_spec *s, const char *name)
{
    for (size_t i = 0; i < s->nheaders; i++)
        if (http_header_is(s->headers[i], name))
            return 1;
    return 0;
}

static int check_request(struct config *c, struct request_spec *s)
{
    int rc = check_text(c, s, "url", s->url_text, strlen(s->url_text)), any = rc;
    for (size_t i = 0; rc >= 0 && i < s->nheaders; i++) {
        const char *colon = strchr(s->headers[i], ':');
        char part[160];
        snprintf(part, sizeof part, "header %.*s", (int)(colon - s->headers[i]), s->headers[i]);
        rc = check_text(c, s, part, colon, strlen(colon));
        any |= rc;
    }
    if (rc >= 0 && s->has_body) {
        rc = check_text(c, s, "body", s->body, s->body_len);
        any |= rc;
    }
    if (rc < 0)
        return -1;
    s->templated = any > 0;
    return 0;
}

/* The request's wire bytes, serialised once as for any request but without the body and the
 * line end of the last line and the blank line (a Content-Length may follow), compiled into
 * the template each send renders. */
static int compile_wire(const struct config *c, struct request_spec *s, const char *where)
{
    struct http_request_parts p = http_request_parts_of(s);
    p.has_body = 0;
    struct wire head;
    char err[300];
    if (http_request_build(&p, &head) != 0 || !(s->wire_tmpl = calloc(1, sizeof *s->wire_tmpl))) {
        config_oom(where);
        return -1;
    }
    struct tpl_names names = names_of(c);
    s->wire_tmpl->head = template_compile(head.bytes, head.len - 4, &names, c->nplugins > 0,
                                          err, sizeof err);
    http_request_free(&head);
    if (s->wire_tmpl->head && s->has_body)
        s->wire_tmpl->body = template_compile(s->body ? s->body : "", s->body_len, &names,
                                              c->nplugins > 0, err, sizeof err);
    if (!s->wire_tmpl->head || (s->has_body && !s->wire_tmpl->body)) {
        config_errorf(where, "[request %.60s]: %s", s->name, err);
        return -1;
    }
    s->wire_tmpl->length = s->has_body && !http_header_is_in(s, "Content-Length") &&
                           !http_header_is_in(s, "Transfer-Encoding");
    return 0;
}

int config_build_sessions(struct load *L)
{
    struct config *c = L->c;
    int jar = c->nsequences ? 0 : c->cookies; /* [run] cookies is the plain model's */
    for (size_t i = 0; i < c->nsequences; i++)
        jar |= c->sequences[i].cookies_jar;
    /* the jar reads every Set-Cookie: clients gather whole header lines */
    c->capture_headers |= jar;
    c->sessions |= jar;
    for (size_t r = 0; r < c->nrequests; r++) {
        struct capture_set *cs = c->requests[r].captures;
        for (size_t i = 0; cs && i < cs->n; i++) {
            long v = var_index(c, cs->v[i].name);
            if (v < 0) {
                config_oom(L->path);
                return -1;
            }
            cs->v[i].var = (size_t)v;
        }
    }
    for (size_t r = 0; r < c->nrequests; r++) {
        struct request_spec *s = &c->requests[r];
        if (check_request(c, s) != 0)
            return -1;
        s->cookie_header = http_header_is_in(s, "Cookie");
        if (!s->templated && !s->captures)
            continue;
        c->sessions = 1;
        char where[4200];
        snprintf(where, sizeof where, "%s:%d", s->file, s->line);
        if (s->templated && compile_wire(c, s, where) != 0)
            return -1;
        if (!s->captures)
            continue;
        c->capture_headers |= s->captures->nheaders > 0;
        if (s->captures->need_body && c->check_body_limit > s->keep_body)
            s->keep_body = c->check_body_limit;
    }
    return 0;
}
