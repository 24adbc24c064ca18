/*
 * target_stats: the /stats JSON object and /reset. Tests read every figure of the target
 * from here: the HTTP counters, the requests per path, the WebSocket counters and, for each
 * --tcp channel in the order given, its counters.
 */
#include "target_stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "target_conn.h"
#include "target_tcp.h"

void stats_add_json(struct evbuffer *out, const struct target_server *srv, bool head_only,
                    enum resp_conn conn)
{
    const struct target_stats *st = &srv->stats;
    struct evbuffer *body = evbuffer_new();

    if (body == NULL)
        return;
    evbuffer_add_printf(body,
                        "{\"requests\":%" PRIu64 ",\"connections\":%" PRIu64 ",\"open\":%" PRIu64
                        ",\"bytes_received\":%" PRIu64 ",\"tls_handshakes\":%" PRIu64
                        ",\"tls_resumed\":%" PRIu64 ",\"tls_failed\":%" PRIu64 ",\"paths\":{",
                        st->requests, st->connections, st->open, st->bytes_received,
                        st->tls_handshakes, st->tls_resumed, st->tls_failed);
    for (int b = 0; b < BUCKET_COUNT; b++)
        evbuffer_add_printf(body, "%s\"%s\":%" PRIu64, b ? "," : "", target_bucket_names[b],
                            st->paths[b]);
    evbuffer_add_printf(body,
                        "},\"ws\":{\"connections\":%" PRIu64 ",\"open\":%" PRIu64
                        ",\"messages_in\":%" PRIu64 ",\"messages_out\":%" PRIu64
                        ",\"bytes_in\":%" PRIu64 ",\"bytes_out\":%" PRIu64 "},\"tcp\":[",
                        st->ws_connections, st->ws_open, st->ws_messages_in,
                        st->ws_messages_out, st->ws_bytes_in, st->ws_bytes_out);
    for (int i = 0; i < srv->ntcp; i++) {
        const struct target_tcp *t = &srv->tcp[i];
        evbuffer_add_printf(body,
                            "%s{\"listen\":\"%s\",\"mode\":\"%s\",\"connections\":%" PRIu64
                            ",\"open\":%" PRIu64 ",\"bytes_in\":%" PRIu64
                            ",\"bytes_out\":%" PRIu64 "}",
                            i ? "," : "", t->listen, tcp_mode_name(t->mode), t->connections,
                            t->open, t->bytes_in, t->bytes_out);
    }
    evbuffer_add(body, "]}\n", 3);
    resp_add_head(out, 200, "application/json", (int64_t)evbuffer_get_length(body), conn, NULL);
    if (!head_only)
        evbuffer_add_buffer(out, body);
    evbuffer_free(body);
}

void stats_reset(struct target_server *srv)
{
    struct target_stats *st = &srv->stats;
    uint64_t open = st->open, ws_open = st->ws_open, epoch = st->epoch;

    memset(st, 0, sizeof(*st));
    st->open = open;
    st->ws_open = ws_open;
    st->epoch = epoch + 1;
    for (int i = 0; i < srv->ntcp; i++) {
        struct target_tcp *t = &srv->tcp[i];
        t->connections = t->bytes_in = t->bytes_out = 0;
    }
}
