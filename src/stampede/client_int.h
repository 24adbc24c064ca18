/* client_int: what the client's three files share. client.c runs the state machine,
 * client_target.c decides where a request goes (the configured one, a plugin's change, a
 * redirect hop) and what plugins may read of it, client_result.c counts a finished request and
 * keeps what plugins see of its response; channel.c runs a tcp:// or tls:// request once
 * connected. Nothing outside them includes this. */
#ifndef STAMPEDE_CLIENT_INT_H
#define STAMPEDE_CLIENT_INT_H

#include "client.h"
#include "errkind.h"
#include "plugin.h"
#include "worker.h"

#define LOCATION_MAX 8192  /* longer Locations are not followed */
#define HDRBUF_FOLLOW 1024  /* a Location split across two reads must fit this to be followed */
#define HDRBUF_CAPTURE 8192 /* the same for any header, when plugins see the headers */
#define CAPTURE_HOOKS (HOOK_REQ_DONE | HOOK_NEXT)

static inline const struct request_spec *spec_of(const struct client *c)
{
    return &c->w->cfg->requests[c->req];
}

static inline unsigned hooks_of(const struct client *c)
{
    return c->w->plugins->hooks;
}

/* client.c: ends the request in flight (a channel's end too) and lets the client go on. */
void client_request_end(struct client *c, int status, enum errkind kind, const char *reason);

/* client_target.c: with a follow iterator, makes a 3xx with a usable Location the next hop.
 * Returns 1 when c now holds the hop. */
int client_redirect_prepare(struct client *c, int status);

/* client_result.c: counts a finished request into the worker's scoreboard slot. */
void client_count_result(struct client *c, int status, enum errkind kind, int64_t latency);
/* ... and tallies why it failed, for the summary. */
void client_count_reason(struct client *c, enum errkind kind, const char *reason);
/* ... and fills c->result for the plugins' hooks. */
void client_result_fill(struct client *c, int status, enum errkind kind, const char *reason,
                        int64_t now);
/* ... and tests a complete response against the request's checks: ERR_NONE, or
 * ERR_CHECK_FAILED with *reason set. */
enum errkind client_check_response(struct client *c, const char **reason);
/* Keeps the text of a failure in c->why (made on first use) and returns it; the text is read
 * before the client's next request. */
#define CLIENT_WHY_MAX 160
const char *client_why_keep(struct client *c, const char *text);
/* client_session.c: the client's variables (0 or -1), freed with it. */
int client_session_init(struct client *c);
void client_session_free(struct client *c);
/* A templated request rendered into c->rendered_wire, which c->wire then points to: 0; 1 when
 * a variable is not set yet, with the reason in *why; -1 when out of memory. */
int client_session_render(struct client *c, const char **why);
/* The request in flight with the jar's cookies for its URL (c->wire then points to a copy
 * that has them): 0, or -1 when out of memory. */
int client_session_cookies(struct client *c);
/* The same with a sequence repetition's cookie line, for a request rendered per send. */
int client_session_seq_cookie(struct client *c, const char *cookie);
/* A response header, for the request's header captures and the jar. */
void client_session_header(struct client *c, const char *name, size_t nlen, const char *value,
                           size_t vlen);
/* A complete response: the request's captures. ERR_NONE, or ERR_CAPTURE_FAILED with *reason. */
enum errkind client_session_capture(struct client *c, const char **reason);
/* Limits, HEAD and the callbacks a request needs from the parser. */
void client_parser_prepare(struct client *c, const struct request_spec *spec, int head);

#endif
