/*
 * target_conn: one client connection of stampede-target, from accept() to close(). Reads
 * requests, answers them in order, one at a time, and keeps per-connection memory bounded.
 */
#ifndef STAMPEDE_TARGET_CONN_H
#define STAMPEDE_TARGET_CONN_H

#include <stdbool.h>

#include "target_resp.h"

struct event_base;
struct target_conn;
struct ssl_ctx_st;

struct target_server {
    struct event_base *base;
    struct target_stats stats;
    struct target_conn *conns; /* every open connection, so that exit can free them */
    bool quiet;         /* -q */
    struct ssl_ctx_st *tls; /* --tls: every connection is TLS; NULL for plain HTTP */
};

/* Takes over a connected, non-blocking socket; closes it if that fails. */
void conn_open(struct target_server *srv, int fd);

/* Closes every connection; for a clean exit. */
void conn_close_all(struct target_server *srv);

#endif
