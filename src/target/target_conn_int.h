/*
 * target_conn_int: the connection record shared by target_conn.c (socket, events, life
 * cycle) and target_exchange.c (requests and responses on it). Nothing else includes this.
 */
#ifndef STAMPEDE_TARGET_CONN_INT_H
#define STAMPEDE_TARGET_CONN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target_conn.h"
#include "target_http.h"

#define IN_CAP (TARGET_HEAD_MAX + 16384) /* unparsed input we accept: a head and more */
#define OUT_HIGH (256 * 1024)            /* pending output we produce */

struct event;
struct evbuffer;
struct ssl_st;
struct target_tcp;
struct target_ws;

enum target_conn_state {
    ST_HEAD,       /* waiting for a complete request head */
    ST_BODY,       /* Content-Length body */
    ST_CHUNK_SIZE, /* chunked body: size line */
    ST_CHUNK_DATA, /* chunked body: data */
    ST_CHUNK_END,  /* chunked body: CRLF after the data */
    ST_TRAILER,    /* chunked body: trailer lines up to the blank one */
    ST_DELAY,      /* /delay timer running */
    ST_STREAM,     /* queuing a /bytes or /chunked body or /headers lines as the client reads */
    ST_TCP,        /* a --tcp channel: target_tcp.c moves the bytes */
    ST_WS,         /* upgraded to WebSocket: target_ws.c */
    ST_CLOSING,    /* last response queued; input is discarded */
    ST_LINGER,     /* write side shut down; discard input until EOF or LINGER_MS */
    ST_DEAD,       /* to be freed on the way out of the current callback */
};

struct target_conn {
    struct target_server *srv;
    int fd;
    struct event *rev, *wev;
    struct event *timer; /* /delay and linger; made on first use */
    struct evbuffer *in, *out;
    struct evbuffer *extra; /* header lines decided from a head; made on first use */
    struct target_conn *prev, *next;
    enum target_conn_state state;
    bool reading, writing; /* rev, wev added */
    bool eof;              /* the client shut down its side */
    uint64_t epoch;        /* stats epoch this connection was last counted in */
    struct target_tcp *tcp; /* the --tcp channel; NULL on the HTTP port */
    struct target_ws *ws;   /* after a WebSocket upgrade; NULL before */

    /* TLS (target_tls.c); ssl is NULL on a plain connection and the rest stays false. */
    struct ssl_st *ssl;
    bool handshaking;    /* the handshake has not completed */
    bool tls_want_write; /* the handshake or a read waits for the socket to be writable */
    bool tls_want_read;  /* a write waits for the socket to be readable */
    bool tls_stalled;    /* reading stopped at IN_CAP: OpenSSL may hold more input */

    /* The request being answered; reset by exchange_next(). */
    struct target_match match;
    bool head_only, keep_alive, http10;
    bool uncounted;    /* /stats and /reset: invisible in the stats */
    bool echo;         /* /echo: the body goes to the output as it arrives */
    bool echo_chunked; /* ... and in chunks, as it came */
    bool answered;     /* the final response head is queued */
    int status;        /* /redirect, /redirect-to, /basic-auth: decided from the head */
    struct evbuffer *session_body; /* /login, /cookies: the body, decided from the head */
    uint64_t left;     /* body, chunk or stream bytes still to go */
    uint64_t off;      /* stream position: selects the pattern phase */
    size_t scan;       /* head bytes searched for the blank line so far */
    size_t trailer;    /* trailer bytes seen */
};
/* target_conn.c: (re)starts the connection's one timer; false if that failed. */
bool target_conn_arm_timer(struct target_conn *c, long ms);

/* target_exchange.c: reads requests from c->in and queues their answers on c->out until it
 * has to wait for input, for the client to read, or for a timer. */
void exchange_process(struct target_conn *c);

/* target_exchange.c: the /delay timer fired; queues the answer. */
void exchange_finish_delay(struct target_conn *c);

#endif
