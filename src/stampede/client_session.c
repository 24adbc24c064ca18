/* client_session: what a client carries from one response to the next request: the values
 * its captures took, and the requests with ${NAME}s rendered with them. A request without
 * ${NAME}s is never touched here: it goes out as serialised at start. */
#include "client_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "capture.h"
#include "cookie_jar.h"
#include "session.h"
#include "template.h"

struct session *session_new(const struct config *cfg, size_t n, int cookies)
{
    struct session *s = calloc(n ? n : 1, sizeof *s);
    struct var_value *vals = cfg->nvars && n ? calloc(n * cfg->nvars, sizeof *vals) : NULL;
    if (!s || (cfg->nvars && n && !vals)) {
        free(s);
        free(vals);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        s[i].vals = vals ? vals + i * cfg->nvars : NULL;
        s[i].cookies = cookies;
    }
    return s;
}

void session_reset(struct session *s, const struct config *cfg)
{
    for (size_t i = 0; s->vals && i < cfg->nvars; i++)
        s->vals[i].set = 0;
    jar_clear(&s->jar);
}

void session_free(struct session *s, size_t n, const struct config *cfg)
{
    if (!s)
        return;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; s[k].vals && i < cfg->nvars; i++)
            free(s[k].vals[i].s);
        jar_free(&s[k].jar);
    }
    free(s[0].vals); /* the block's */
    free(s);
}

int client_session_init(struct client *c)
{
    const struct config *cfg = c->w->cfg;
    /* in sequences a repetition's session is lent for each step (seq_dispatch.c); the open
     * model's client walks its repetitions alone, with its own reset for each */
    if (!cfg->sessions || (cfg->nsequences && !cfg->schedule))
        return 0;
    c->own_session = session_new(cfg, 1, cfg->nsequences ? 0 : cfg->cookies);
    c->session = c->own_session;
    return c->session ? 0 : -1;
}

void client_session_free(struct client *c)
{
    session_free(c->own_session, 1, c->w->cfg);
    c->own_session = c->session = NULL;
    free(c->rendered.b);
    free(c->rendered_body.b);
    free(c->with_cookies[0].b);
    free(c->with_cookies[1].b);
}

int client_session_render(struct client *c, const char **why)
{
    const struct wire_template *t = spec_of(c)->wire_tmpl;
    struct tpl_env env = {
        .client = c->number, .worker = c->w->index, .repetition = c->round,
        .round = c->round, .rng = &c->rng, .vals = c->session->vals, .clients = c->w->cfg->clients,
        .seed = c->w->cfg->seed,
    };
    const char *unset = NULL;
    c->rendered.len = c->rendered_body.len = 0;
    int rc = template_render(t->head, &env, &c->rendered, &unset);
    if (rc == 0 && t->body)
        rc = template_render(t->body, &env, &c->rendered_body, &unset);
    if (rc == 1) {
        char text[CLIENT_WHY_MAX];
        snprintf(text, sizeof text, "${%.60s} is not set yet (no response captured it before)",
                 unset);
        *why = client_why_keep(c, text);
        return 1;
    }
    static const char cl[] = "\r\nContent-Length: ";
    if (rc == 0 && t->length &&
        (tpl_buf_add(&c->rendered, cl, sizeof cl - 1) != 0 ||
         tpl_buf_add_number(&c->rendered, (int64_t)c->rendered_body.len) != 0))
        rc = -1;
    if (rc != 0 || tpl_buf_add(&c->rendered, "\r\n\r\n", 4) != 0 ||
        tpl_buf_add(&c->rendered, c->rendered_body.b, c->rendered_body.len) != 0) {
        *why = "out of memory";
        return -1;
    }
    c->rendered_wire.bytes = c->rendered.b;
    c->rendered_wire.len = c->rendered.len;
    c->wire = &c->rendered_wire;
    return 0;
}

/* Wall-clock seconds for cookie expiry, from the request's start: no clock read. */
static int64_t wall_now(const struct client *c)
{
    return (c->t_start + c->w->wall_offset_ns) / 1000000000;
}

/* Where the head of w ends (its blank line), and where its Cookie line ends, if it has one. */
static const char *head_end(const struct wire *w, const char **cookie_end)
{
    const char *end = memmem(w->bytes, w->len, "\r\n\r\n", 4);
    *cookie_end = NULL;
    for (const char *p = w->bytes; end && p && p < end;) {
        const char *line = memmem(p, (size_t)(end - p), "\r\n", 2);
        if (!line)
            break;
        line += 2;
        if (strncasecmp(line, "Cookie:", 7) == 0) {
            const char *e = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
            *cookie_end = e;
            break;
        }
        p = line;
    }
    return end;
}

/* c->wire with cookies[0..n) joined to its Cookie header, or in one of their own, in c's
 * buffer (c->wire then points to it): 0, or -1 when out of memory. may_have says whether the
 * wire may have a Cookie header already; when not, the new one goes after the request line
 * and the head is not searched. */
static int add_cookies(struct client *c, const char *cookies, size_t n, int may_have)
{
    const struct wire *w = c->wire;
    const char *cookie_end = NULL, *end;
    if (may_have) {
        end = head_end(w, &cookie_end);
    } else {
        end = memchr(w->bytes, '\n', w->len);
        end = end && end > w->bytes ? end - 1 : NULL; /* the "\r\n" of the request line */
    }
    if (!end)
        return 0;
    /* the jar's cookies join a configured Cookie header, or come as one of their own */
    const char *at = cookie_end ? cookie_end : end;
    const char *lead = cookie_end ? "; " : "\r\nCookie: ";
    struct tpl_buf *b = &c->with_cookies[w->bytes == c->with_cookies[0].b];
    b->len = 0;
    if (tpl_buf_add(b, w->bytes, (size_t)(at - w->bytes)) != 0 ||
        tpl_buf_add(b, lead, strlen(lead)) != 0 || tpl_buf_add(b, cookies, n) != 0 ||
        tpl_buf_add(b, at, w->len - (size_t)(at - w->bytes)) != 0)
        return -1;
    c->with_cookies_wire.bytes = b->b;
    c->with_cookies_wire.len = b->len;
    c->wire = &c->with_cookies_wire;
    return 0;
}

int client_session_cookies(struct client *c)
{
    char jar[JAR_MAX_COOKIE_BYTES * 2];
    const struct url *u = c->url;
    struct session *s = c->session;
    if (s->jar.n == 0)
        return 0;
    size_t n = jar_cookie_header(&s->jar, u->host, u->target, u->tls, wall_now(c), jar,
                                 sizeof jar);
    if (n == 0)
        return 0;
    /* a Cookie header of its own, a repetition's, a redirect's or a plugin's: joined */
    int may_have = spec_of(c)->cookie_header || c->seq_cookie || c->hop || c->shot ||
                   (hooks_of(c) & HOOK_REQ_START);
    return add_cookies(c, jar, n, may_have);
}

int client_session_seq_cookie(struct client *c, const char *cookie)
{
    return add_cookies(c, cookie, strlen(cookie), spec_of(c)->cookie_header);
}

void client_session_header(struct client *c, const char *name, size_t nlen, const char *value,
                           size_t vlen)
{
    struct session *s = c->session;
    if (s->cookies && nlen == 10 && strncasecmp(name, "set-cookie", 10) == 0)
        (void)jar_set(&s->jar, value, vlen, c->url->host, c->url->target, wall_now(c));
    const struct capture_set *cs = spec_of(c)->captures;
    if (cs && cs->nheaders)
        capture_header_line(cs, name, nlen, value, vlen, s->vals, &c->capture_held);
}

enum errkind client_session_capture(struct client *c, const char **reason)
{
    char why[CLIENT_WHY_MAX];
    if (capture_response(spec_of(c)->captures, c->capture_held, c->body, c->body_len,
                         c->parser.body_bytes, c->session->vals, why, sizeof why) == 0)
        return ERR_NONE;
    *reason = client_why_keep(c, why);
    return ERR_CAPTURE_FAILED;
}
