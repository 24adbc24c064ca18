/* client: one virtual user, an event-driven state machine on the worker's loop. It walks the
 * request list `rounds` times: predelay, connect or reuse, send, receive, count, postdelay. */
#ifndef STAMPEDE_CLIENT_H
#define STAMPEDE_CLIENT_H

#include <event2/event_struct.h>
#include <stdint.h>

#include "http_parser.h"
#include "rng.h"

struct worker;

/* A connection to one endpoint; a client keeps at most one per endpoint for keep-alive. */
struct conn {
    int fd;                 /* -1 when closed */
    int connecting;
    struct event rev;       /* persistent read event while open (notices idle closes too) */
    struct event wev;       /* added only while connecting or when a send would block */
    struct client *owner;
};

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

    struct event timer;     /* predelay, postdelay and the request timeout */
    struct event ctimer;    /* connect timeout */
    struct conn *conns;     /* one per endpoint */

    /* the request in flight */
    size_t req;             /* index into the request list */
    struct conn *conn;
    struct http_parser parser;
    size_t sent;            /* wire bytes written so far */
    int reused, retried, got_bytes;
    uint64_t bytes_in;
    int64_t predelay_ns;
    int64_t t_start, t_connect_start, t_connected, t_sent, t_first, t_headers;
};

/* Sets up client number `number` of worker w (no allocation happens after this). */
int client_init(struct client *c, struct worker *w, uint64_t number);
/* Starts the first round. */
void client_start(struct client *c);
/* The run is stopping: a client waiting in a delay finishes now; one in a request finishes when
 * the request does. */
void client_stop(struct client *c);
/* End of the grace period: the request in flight ends as a 599 "aborted". */
void client_abort(struct client *c);
void client_free(struct client *c);

#endif
