/*
 * target_ws: stampede-target's WebSocket endpoints on its HTTP port, after the upgrade:
 * /ws/echo sends every message back as it came (text or binary), /ws/firehose?rate=N sends
 * N numbered, timestamped text messages a second. The framing is wslay's.
 */
#ifndef STAMPEDE_TARGET_WS_H
#define STAMPEDE_TARGET_WS_H

#include <stddef.h>

struct target_conn;

#define WS_RATE_DEFAULT 10
#define WS_RATE_MAX 100000

/* For a request routed to ROUTE_WS with head p[0..len): checks the path, its query and the
 * handshake, and if all is well queues the 101 answer and readies the connection for
 * ws_process() (the caller consumes the head and sets ST_WS). Returns 101, or the status
 * to answer instead: 404 for an unknown /ws/ path, 400 or 426 for a bad upgrade, 500 if
 * memory ran out. */
int ws_upgrade(struct target_conn *c, const char *p, size_t len);

/* Receives and sends frames through the connection's buffers, as far as they allow. */
void ws_process(struct target_conn *c);

/* The connection's timer: the firehose's next messages are due. */
void ws_on_timer(struct target_conn *c);

void ws_free(struct target_conn *c);

#endif
