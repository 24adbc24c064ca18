/*
 * target_resp: writes stampede-target's responses into an output evbuffer: status line and
 * headers, small bodies, and the /bytes and /chunked bodies, which come from one static
 * pattern so that a 1 GiB response costs no memory.
 */
#ifndef STAMPEDE_TARGET_RESP_H
#define STAMPEDE_TARGET_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target_http.h"

struct evbuffer;

/* Body byte i of /bytes/N and /chunked/N is TARGET_PATTERN[i % 64]. */
#define TARGET_PATTERN "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-\n"

/* Content-Length values that are not lengths. */
#define RESP_CHUNKED (-1)   /* Transfer-Encoding: chunked */
#define RESP_NO_LENGTH (-2) /* 1xx, 204, 304: no body and no length */

enum resp_conn {
    RESP_CONN_DEFAULT,    /* HTTP/1.1 keep-alive: no Connection header */
    RESP_CONN_CLOSE,      /* Connection: close */
    RESP_CONN_KEEP_ALIVE, /* HTTP/1.0 client that asked for keep-alive */
};

struct target_stats {
    uint64_t requests;       /* answered, except /stats and /reset */
    uint64_t connections;    /* that carried at least one counted request */
    uint64_t open;           /* currently open; not zeroed by /reset */
    uint64_t bytes_received; /* request heads and bodies, except /stats and /reset */
    uint64_t epoch;          /* bumped by /reset, so that connections are counted again */
    uint64_t tls_handshakes; /* completed, resumed ones included */
    uint64_t tls_resumed;    /* completed by resuming a session */
    uint64_t tls_failed;     /* connections closed before their handshake completed */
    uint64_t ws_connections; /* upgraded to WebSocket */
    uint64_t ws_open;        /* WebSocket connections open now; not zeroed by /reset */
    uint64_t ws_messages_in, ws_messages_out; /* text and binary, whole messages */
    uint64_t ws_bytes_in, ws_bytes_out;       /* their payload bytes */
    uint64_t paths[BUCKET_COUNT];
};

/* Fills the static pattern buffers; call once before the first response. */
void resp_init(void);

const char *resp_reason(int code);

/* Status line and headers. extra is NULL or complete header lines ("Location: /\r\n"). */
void resp_add_head(struct evbuffer *out, int code, const char *ctype, int64_t length,
                   enum resp_conn conn, const char *extra);

/* The same without the blank line that ends the head: more header lines are to follow. */
void resp_add_head_start(struct evbuffer *out, int code, const char *ctype, int64_t length,
                         enum resp_conn conn);

/* A whole response with a small body; with head_only the body is left out. */
void resp_add_simple(struct evbuffer *out, int code, const char *ctype, const char *body,
                     size_t len, bool head_only, enum resp_conn conn, const char *extra);

/* "CODE Reason\n" as text/plain; 204 and 304 without body, 1xx as an interim response. */
void resp_add_status(struct evbuffer *out, int code, bool head_only, enum resp_conn conn);

/* The size line of one chunk of n bytes, for /echo of a chunked request. */
void resp_add_chunk_size(struct evbuffer *out, size_t n);

/* Queues /bytes body bytes at *off, at most *left and about room of them, by reference to the
 * static pattern; advances *off and *left. */
void resp_fill_bytes(struct evbuffer *out, uint64_t *off, uint64_t *left, size_t room);

/* Queues /headers/N header lines ("X-Header-i: value-i"), about room bytes of them, from
 * i = *off + 1; advances *off and *left. Returns true once the last line and the blank line
 * that ends the head are queued. */
bool resp_fill_headers(struct evbuffer *out, uint64_t *off, uint64_t *left, size_t room);

/* Same for the /chunked/total body, chunk framing included; returns true once the last chunk
 * and trailer are queued. */
bool resp_fill_chunked(struct evbuffer *out, uint64_t *off, uint64_t *left, uint64_t total,
                       size_t room);

#endif
