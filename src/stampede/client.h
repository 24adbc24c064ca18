/* client: one virtual user, an event-driven state machine on the worker's loop. It walks the
 * request list `rounds` times: predelay, resolve, connect or reuse, TLS, send, receive, count,
 * follow a redirect (with the follow iterators), postdelay. */
#ifndef STAMPEDE_CLIENT_H
#define STAMPEDE_CLIENT_H

#include <event2/event_struct.h>
#include <stdint.h>

#include "conn.h"
#include "dns.h"
#include "http_parser.h"
#include "http_request.h"
#include "rng.h"
#include "stampede/plugin.h"
#include "template.h"
#include "url.h"

struct worker;
struct session;

struct client {
    struct worker *w;
    uint64_t number;        /* global client number */
    struct rng rng;
    uint64_t round;
    size_t step, first;     /* position in the round and where the round started */
    int phase;              /* what the timer means now (client.c) */
    int in_request;         /* a request is in flight (its timer is the request timeout) */
    int started, finished;
    int depth;              /* > 0 while inside request_begin: results must not recurse */
    int arrival;            /* open model: an arrival is given and its request not yet chosen */
    int64_t intended_ns;    /* open model: when the arrival being served was due */
    uint64_t arrival_number;/* open model: its number in the run (which ammo entry it takes) */
    uint64_t shots;         /* ammo, closed model: requests this client has begun */
    const struct ammo_entry *shot; /* ammo: the entry of the request in flight */
    /* sequences (seq_dispatch.c): the step this client was handed */
    int seq_task;           /* 0: none; 1: handed out, not begun; 2: begun */
    uint32_t seq, seq_step; /* its sequence and step */
    uint64_t seq_rep;       /* its repetition: the worker's own number (closed model), the
                               run's (open model) */
    const struct wire *seq_wire; /* the step with the repetition's Cookie; NULL: as configured */
    const char *seq_cookie; /* that cookie line, for a step rendered per send; NULL: none */

    struct client *gate_next, *gate_prev; /* waiting for [run] connect_rate (connect_gate) */
    int gate_waiting;

    struct event timer;     /* predelay, postdelay and the request timeout */
    struct event ctimer;    /* connect timeout */
    int timer_on, ctimer_on;/* added: the request timer stays armed from one request to the next */
    int64_t deadline_ns;    /* when the request in flight times out */
    int64_t timer_at_ns;    /* when the armed request timer fires */
    struct conn *conns;     /* one per configured endpoint, then a spare (see client.c) */
    struct dns_wait dns;

    /* the request in flight */
    size_t req;             /* index into the request list; for a redirect, the origin */
    unsigned hop;           /* 0, or which redirect of the origin this is */
    struct conn *conn;
    struct http_parser parser;
    size_t sent;            /* wire bytes written so far */
    int reused, retried, got_bytes, dns_cached;
    uint64_t bytes_in;
    int64_t predelay_ns;
    int64_t t_start, t_dns, t_connect_start, t_connected, t_tls, t_sent, t_first, t_headers;

    /* what goes out: the configured request, or what client_retarget made (a redirect hop,
     * or a request a req_start hook changed) */
    const char *method;
    const struct url *url;
    const char *url_text;
    const struct wire *wire;
    size_t ep;              /* the endpoint of url */
    int head;               /* a HEAD: the response has no body */

    /* a redirect chain: what its next hop carries of the configured request */
    const char *chain_method; /* the configured method, or GET once a 301/302/303 said so */
    int chain_body;           /* the configured body still goes along */
    int chain_credentials;    /* still at the first origin (credentials go along) */
    char **hop_headers;       /* the hop's headers: pointers to configured ones */
    size_t nhop_headers;

    /* allocated on first use and kept for the client's life */
    struct url own_url;     /* a retargeted request's URL, text, method and bytes */
    char *own_url_text, *own_method;
    struct wire own_wire;
    char *location;         /* the Location of the response in flight */
    size_t location_len;
    int location_bad;       /* too long or cut: not followed */
    char *hdrbuf;           /* the parser's gather buffer, with the follow iterators */
    char *body;             /* up to keep_body bytes of the response */
    size_t body_len, body_cap;

    /* response checks (the request's expect_* keys) */
    uint64_t check_headers_held; /* expect_header lines a header of the response satisfied */
    int status_expected;         /* it passed its checks, expect_status among them: even a
                                    4xx or 5xx is then the right answer, an ok request */

    /* sessions (client_session.c; NULL / 0 without captures or ${NAME}s) */
    struct session *session; /* the values and cookies its requests use: its own, or in a
                               sequence the repetition's; NULL without sessions */
    struct session *own_session;
    struct tpl_buf rendered; /* a templated request as sent */
    struct tpl_buf rendered_body; /* its body, before the head that says its length */
    struct wire rendered_wire; /* points into rendered */
    struct tpl_buf with_cookies[2]; /* the request in flight with its cookies: the one that
                                       c->wire does not point into is written */
    struct wire with_cookies_wire;
    uint64_t capture_held;  /* header captures of the response in flight that found theirs */
    char *why;              /* the text of a failed check, capture or template (CLIENT_WHY_MAX
                               bytes), made at the first such failure: most clients have none */

    /* plugins (all NULL / 0 without them) */
    void **userdata;        /* one per plugin */
    int64_t extra_delay_ns; /* added by stampede_delay() to the next wait */
    struct stampede_result result; /* the last request's, for req_done and next_request */
    struct stampede_header *hdrs; /* the response headers, captured for plugins */
    size_t nhdrs, cap_hdrs;
    char *harena;           /* their names and values */
    size_t harena_len, harena_cap;
    size_t round_count;     /* requests chosen this round (plugins may choose off the walk) */

    struct channel *chan;   /* tcp:// and tls:// requests (channel.c); made on first use */
};

/* The request in flight as it will be sent (a redirect's, a changed one, or as configured):
 * method, URL, URL text, headers ("Name: value"; Host, Content-Length and Connection: close
 * are added when sent, if absent) and body (NULL without one). What req_start hooks see. */
const char *client_method(const struct client *c);
const struct url *client_url(const struct client *c);
const char *client_url_text(const struct client *c);
char *const *client_headers(const struct client *c, size_t *n);
const char *client_body(const struct client *c, size_t *len);

/* Makes the request in flight p instead (p->close is the configured request's): serialises it
 * again and points the client at p's endpoint. url_text is p->url as written, or NULL to format
 * it. Used by redirects and by req_start hooks; the configured request stays as it was.
 * Returns 0, or -1 with *why. */
int client_retarget(struct client *c, const struct http_request_parts *p, const char *url_text,
                    const char **why);

/* What the plugin API reaches of a client: plugin i's userdata, a wait added before the next
 * request, the client's own random stream (uniform in [0, max)). */
void *client_userdata(const struct client *c, size_t i);
void client_set_userdata(struct client *c, size_t i, void *data);
void client_add_delay(struct client *c, int64_t ns);
uint32_t client_rnd(struct client *c, uint32_t max);

/* Sets up client number `number` of worker w (no allocation per request after this). */
int client_init(struct client *c, struct worker *w, uint64_t number);
/* Starts the first round. */
void client_start(struct client *c);
/* The open model: does one request (the next of its walk of the list, or with ammo the entry
 * `number` mod the entries) for arrival `number`, due at intended_ns, then tells
 * arrivals_client_free. Starts the client on its first one. */
void client_serve(struct client *c, int64_t intended_ns, uint64_t number);
/* The run is stopping: a client waiting in a delay finishes now; one in a request finishes when
 * the request does. */
void client_stop(struct client *c);
/* End of the grace period: the request in flight ends as a 599 "aborted". */
void client_abort(struct client *c);
void client_free(struct client *c);
/* [run] connect_rate: c's turn to connect has come (connect_gate's go), or the run ended while
 * it waited (its request ends as a 599 "aborted", never sent). */
void client_gate_go(struct client *c);
void client_gate_abort(struct client *c);

#endif
