/* target_session: /login and /auth (see target_session.h). */
#include "target_session.h"

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

int session_decide_login(const struct target_match *m, struct evbuffer *extra, char *body,
                         size_t len)
{
    char user[40];
    login_user(m, user, sizeof user);
    snprintf(body, len, "{\"token\":\"tok-%s\",\"user\":\"%s\"}\n", user, user);
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
