/*
 * target_conn: one client connection of stampede-target, from accept() to close(). Reads
 * requests, answers them in order, one at a time, and keeps per-connection memory bounded.
 */
#ifndef STAMPEDE_TARGET_CONN_H
#define STAMPEDE_TARGET_CONN_H

#include <stdbool.h>

#include "target_resp.h"
#include "target_tcp.h"

struct event_base;
struct target_conn;
struct ssl_ctx_st;

struct target_server {
    struct event_base *base;
    struct target_stats stats;
    struct target_conn *conns; /* every open connection, so that exit can free them */
    bool quiet;         /* -q */
    struct ssl_ctx_st *tls; /* --tls: every connection is TLS; NULL for plain HTTP */
    struct target_tcp tcp[TARGET_TCP_MAX]; /* --tcp channels */
    int ntcp;
    uint64_t ws_max_message;  /* --ws-max-message: larger messages close with 1009 */
    const char *ws_protocol;  /* --ws-protocol: the one subprotocol accepted; NULL: the first */
};

/* Takes over a connected, non-blocking socket of the HTTP port (tcp NULL) or of a --tcp
 * channel; closes it if that fails. */
void conn_open(struct target_server *srv, int fd, struct target_tcp *tcp);

/* Closes every connection; for a clean exit. */
void conn_close_all(struct target_server *srv);

#endif
