/*
 * target_ws: a WebSocket connection of stampede-target, on wslay's event API. wslay reads
 * frames from the connection's input buffer and writes them to its output buffer, so TLS
 * and the socket stay target_conn.c's business, and the bounds are the HTTP ones: nothing
 * more is read while the output (ours and wslay's queue) is above OUT_HIGH, so a client that
 * sends without reading stops being read. wslay answers pings, echoes the close code,
 * closes with 1002 on a protocol error and 1009 above --ws-max-message.
 */
#include "target_ws.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <wslay/wslay.h>

#include "target_conn_int.h"
#include "target_ws_handshake.h"

enum ws_kind { WS_ECHO, WS_FIREHOSE };

struct target_ws {
    wslay_event_context_ptr ctx;
    enum ws_kind kind;
    uint64_t rate;     /* firehose: messages a second */
    uint64_t seq;      /* firehose: of the last message sent */
    int64_t next_ns;   /* firehose: when the next message is due, CLOCK_MONOTONIC */
};

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Whether the output has room for more: below OUT_HIGH counting wslay's queue. */
static bool ws_room(struct target_conn *c)
{
    return evbuffer_get_length(c->out) + wslay_event_get_queued_msg_length(c->ws->ctx) <
           OUT_HIGH;
}

static ssize_t ws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
                          void *arg)
{
    struct target_conn *c = arg;
    int n;

    (void)flags;
    if (!ws_room(c) || (n = evbuffer_remove(c->in, buf, len)) <= 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    return n;
}

static ssize_t ws_send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
                          int flags, void *arg)
{
    struct target_conn *c = arg;

    (void)flags;
    if (evbuffer_get_length(c->out) >= OUT_HIGH) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (evbuffer_add(c->out, data, len) != 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return (ssize_t)len;
}

static void ws_on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *m,
                      void *arg)
{
    struct target_conn *c = arg;
    struct target_stats *st = &c->srv->stats;

    if (m->opcode != WSLAY_TEXT_FRAME && m->opcode != WSLAY_BINARY_FRAME)
        return; /* control frames: wslay answers them */
    st->ws_messages_in++;
    st->ws_bytes_in += m->msg_length;
    if (c->ws->kind != WS_ECHO)
        return;
    struct wslay_event_msg out = {m->opcode, m->msg, m->msg_length};
    if (wslay_event_queue_msg(ctx, &out) == 0) {
        st->ws_messages_out++;
        st->ws_bytes_out += m->msg_length;
    }
}

static const struct wslay_event_callbacks ws_callbacks = {
    .recv_callback = ws_recv_cb,
    .send_callback = ws_send_cb,
    .on_msg_recv_callback = ws_on_msg,
};

/* /ws/echo or /ws/firehose[?rate=N]: 0, or the status to answer. */
static int ws_route(const struct target_match *m, enum ws_kind *kind, uint64_t *rate)
{
    const char *v;
    size_t n;

    *rate = WS_RATE_DEFAULT;
    if (m->rest_len == 4 && memcmp(m->rest, "echo", 4) == 0) {
        *kind = WS_ECHO;
        return 0;
    }
    if (m->rest_len != 8 || memcmp(m->rest, "firehose", 8) != 0)
        return 404;
    *kind = WS_FIREHOSE;
    if (m->query != NULL && target_http_query_get(m->query, m->query_len, "rate", &v, &n)) {
        uint64_t r = 0;
        if (n == 0 || n > 6)
            return 400;
        for (size_t i = 0; i < n; i++) {
            if (v[i] < '0' || v[i] > '9')
                return 400;
            r = r * 10 + (uint64_t)(v[i] - '0');
        }
        if (r == 0 || r > WS_RATE_MAX)
            return 400;
        *rate = r;
    }
    return 0;
}

int ws_upgrade(struct target_conn *c, const char *p, size_t len)
{
    struct ws_handshake hs;
    enum ws_kind kind;
    uint64_t rate;
    int code = ws_route(&c->match, &kind, &rate);

    if (code != 0)
        return code;
    if ((code = ws_handshake_check(p, len, c->srv->ws_protocol, &hs)) != 101)
        return code;
    if ((c->ws = calloc(1, sizeof(*c->ws))) == NULL ||
        wslay_event_context_server_init(&c->ws->ctx, &ws_callbacks, c) != 0) {
        free(c->ws);
        c->ws = NULL;
        return 500;
    }
    wslay_event_config_set_max_recv_msg_length(c->ws->ctx, c->srv->ws_max_message);
    c->ws->kind = kind;
    c->ws->rate = rate;
    c->ws->next_ns = clock_ns(CLOCK_MONOTONIC);
    if (kind == WS_FIREHOSE && !target_conn_arm_timer(c, 0)) {
        wslay_event_context_free(c->ws->ctx);
        free(c->ws);
        c->ws = NULL;
        return 500;
    }
    evbuffer_add_printf(c->out,
                        "HTTP/1.1 101 Switching Protocols\r\nServer: stampede-target\r\n"
                        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: %s\r\n%s%s%s\r\n",
                        hs.accept, hs.protocol[0] ? "Sec-WebSocket-Protocol: " : "",
                        hs.protocol, hs.protocol[0] ? "\r\n" : "");
    c->srv->stats.ws_connections++;
    c->srv->stats.ws_open++;
    return 101;
}

void ws_process(struct target_conn *c)
{
    wslay_event_context_ptr ctx = c->ws->ctx;

    int r = wslay_event_recv(ctx);

    /* An error wslay returns (rather than answers with a close of its own) ends the
     * connection too: with a 1002 close unless wslay has queued one (a fragmented control
     * frame gets wslay's close without a status code), sent before closing. */
    if (r != 0 && r != WSLAY_ERR_NOMEM)
        wslay_event_queue_close(ctx, WSLAY_CODE_PROTOCOL_ERROR, NULL, 0);
    if (wslay_event_send(ctx) != 0 || r == WSLAY_ERR_NOMEM) {
        c->state = ST_DEAD;
        return;
    }
    if (r != 0) {
        c->state = ST_CLOSING;
        return;
    }
    /* Both closes have been sent and received, or we sent one after an error: the TCP
     * connection goes the way of an HTTP one with Connection: close. */
    if (!wslay_event_want_read(ctx) && !wslay_event_want_write(ctx))
        c->state = ST_CLOSING;
    else if (c->eof && evbuffer_get_length(c->in) == 0)
        c->state = ST_CLOSING; /* the client went away without a close frame */
}

void ws_on_timer(struct target_conn *c)
{
    struct target_ws *ws = c->ws;
    int64_t now = clock_ns(CLOCK_MONOTONIC), interval = 1000000000 / (int64_t)ws->rate;
    char msg[96];

    /* A client that does not keep up gets fewer messages, not a backlog: those due while
     * the output is full are skipped, and the numbering goes on without a gap. */
    while (ws->next_ns <= now) {
        if (!ws_room(c)) {
            ws->next_ns = now + interval;
            break;
        }
        int64_t us = clock_ns(CLOCK_REALTIME) / 1000;
        int n = snprintf(msg, sizeof(msg), "{\"seq\":%" PRIu64 ",\"ts_us\":%" PRId64 "}",
                         ws->seq + 1, us);
        struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)msg, (size_t)n};
        if (wslay_event_queue_msg(ws->ctx, &m) != 0)
            return; /* closing: no more messages, no more timer */
        ws->seq++;
        c->srv->stats.ws_messages_out++;
        c->srv->stats.ws_bytes_out += (uint64_t)n;
        ws->next_ns += interval;
    }
    int64_t wait_ms = (ws->next_ns - now + 999999) / 1000000;
    if (!target_conn_arm_timer(c, wait_ms > 0 ? (long)wait_ms : 1))
        c->state = ST_DEAD;
}

void ws_free(struct target_conn *c)
{
    wslay_event_context_free(c->ws->ctx);
    free(c->ws);
    c->ws = NULL;
    c->srv->stats.ws_open--;
}
