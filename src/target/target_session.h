/* target_session: a login and a protected page, to test clients that carry values from one
 * response to the next request (captures, variables, cookies).
 *   /login?user=NAME  200, JSON {"token":"tok-NAME","user":"NAME"}, a Set-Cookie session and
 *                     an X-Session header (NAME defaults to "anonymous")
 *   /auth             200 only with "Authorization: Bearer tok-..." (any tok- token), else 401
 *                     with a Bearer challenge
 *   /cookies          200, JSON {"cookie":"..."}: the request's Cookie header ("" without one)
 *   /cookies/set?NAME=VALUE[&path=P][&domain=D][&max_age=N][&expires=past|future][&secure=1]
 *                     200 with "Set-Cookie: NAME=VALUE" and those attributes */
#ifndef STAMPEDE_TARGET_SESSION_H
#define STAMPEDE_TARGET_SESSION_H

#include <stddef.h>

#include "target_http.h"

struct evbuffer;

/* /login: the status; header lines go to extra, the JSON body to body. */
int session_decide_login(const struct target_match *m, struct evbuffer *extra,
                         struct evbuffer *body);
/* /cookies: the status; the JSON body to body. */
int session_decide_cookies(const struct target_req *req, struct evbuffer *body);
/* /cookies/set: the status; the Set-Cookie line to extra. */
int session_decide_cookies_set(const struct target_match *m, struct evbuffer *extra);
/* /auth: the status; a challenge goes to extra. */
int session_decide_auth(const struct target_req *req, struct evbuffer *extra);

#endif
