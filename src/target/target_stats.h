/*
 * target_stats: what stampede-target has served, as the /stats JSON object, and /reset.
 */
#ifndef STAMPEDE_TARGET_STATS_H
#define STAMPEDE_TARGET_STATS_H

#include <stdbool.h>

#include "target_resp.h"

struct evbuffer;
struct target_server;

/* The /stats response: the HTTP counters, "paths", "ws" and one "tcp" entry per --tcp. */
void stats_add_json(struct evbuffer *out, const struct target_server *srv, bool head_only,
                    enum resp_conn conn);

/* Zeroes the counters, except what is open now; connections count again when next used. */
void stats_reset(struct target_server *srv);

#endif
