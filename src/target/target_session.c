/* target_session: /login and /auth (see target_session.h). */
#include "target_session.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

/* The user: the query's user, letters, digits, - and _ only, at most 32 of them. */
static size_t login_user(const struct target_match *m, char *out, size_t cap)
{
    const char *v;
    size_t n = 0, vlen;
    if (m->query && target_http_query_get(m->query, m->query_len, "user", &v, &vlen))
        for (size_t i = 0; i < vlen && n + 1 < cap && n < 32; i++) {
            char ch = v[i];
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '-' || ch == '_')
                out[n++] = ch;
        }
    if (n == 0)
        n = (size_t)snprintf(out, cap, "anonymous");
    out[n] = '\0';
    return n;
}

int session_decide_login(const struct target_match *m, struct evbuffer *extra,
                         struct evbuffer *body)
{
    char user[40];
    login_user(m, user, sizeof user);
    evbuffer_add_printf(body, "{\"token\":\"tok-%s\",\"user\":\"%s\"}\n", user, user);
    evbuffer_add_printf(extra, "Set-Cookie: session=sess-%s; Path=/\r\n", user);
    evbuffer_add_printf(extra, "X-Session: sess-%s\r\n", user);
    return 200;
}

int session_decide_auth(const struct target_req *req, struct evbuffer *extra)
{
    static const char bearer[] = "Bearer tok-";
    size_t n = sizeof bearer - 1;
    if (req->auth && req->auth_len > n && strncasecmp(req->auth, bearer, 7) == 0 &&
        memcmp(req->auth + 7, bearer + 7, n - 7) == 0)
        return 200;
    evbuffer_add_printf(extra, "WWW-Authenticate: Bearer realm=\"stampede\"\r\n");
    return 401;
}

int session_decide_cookies(const struct target_req *req, struct evbuffer *body)
{
    evbuffer_add_printf(body, "{\"cookie\":\"");
    for (size_t i = 0; req->cookie && i < req->cookie_len; i++) {
        unsigned char ch = (unsigned char)req->cookie[i];
        if (ch == '"' || ch == '\\')
            evbuffer_add_printf(body, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            evbuffer_add_printf(body, "\\u%04x", ch);
        else
            evbuffer_add(body, &ch, 1);
    }
    evbuffer_add_printf(body, "\"}\n");
    return 200;
}

/* Whether the parameter p[0..n) is named `name` ("name=..."). */
static bool param_is(const char *p, size_t n, const char *name)
{
    size_t l = strlen(name);
    return n > l && memcmp(p, name, l) == 0 && p[l] == '=';
}

int session_decide_cookies_set(const struct target_match *m, struct evbuffer *extra)
{
    const char *q = m->query, *end = q ? q + m->query_len : NULL;
    bool named = false;
    struct evbuffer *attrs = evbuffer_new();
    if (!attrs)
        return 500;
    evbuffer_add_printf(extra, "Set-Cookie: ");
    while (q && q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        size_t n = (size_t)((amp ? amp : end) - q);
        const char *v = memchr(q, '=', n);
        int vn = v ? (int)(n - (size_t)(v - q) - 1) : 0;
        if (param_is(q, n, "path"))
            evbuffer_add_printf(attrs, "; Path=%.*s", vn, v + 1);
        else if (param_is(q, n, "domain"))
            evbuffer_add_printf(attrs, "; Domain=%.*s", vn, v + 1);
        else if (param_is(q, n, "max_age"))
            evbuffer_add_printf(attrs, "; Max-Age=%.*s", vn, v + 1);
        else if (param_is(q, n, "expires"))
            evbuffer_add_printf(attrs, "; Expires=%s", vn == 4 && memcmp(v + 1, "past", 4) == 0
                                                            ? "Thu, 01 Jan 1970 00:00:00 GMT"
                                                            : "Fri, 01 Jan 2100 00:00:00 GMT");
        else if (param_is(q, n, "secure"))
            evbuffer_add_printf(attrs, "; Secure");
        else if (!named && v) {
            evbuffer_add(extra, q, n);
            named = true;
        }
        q = amp ? amp + 1 : end;
    }
    if (!named)
        evbuffer_add_printf(extra, "none=");
    evbuffer_add_buffer(extra, attrs);
    evbuffer_add_printf(extra, "; HttpOnly\r\n");
    evbuffer_free(attrs);
    return 200;
}
