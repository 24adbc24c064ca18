/* channel_ws: the opening handshake's I/O, and wslay's client context on the connection.
 *
 * wslay calls back for its I/O: recv and send go through conn_recv / conn_send (TLS included)
 * and say "would block" as wslay wants; the handshake answer's bytes past its head (frames
 * the server sent at once) are handed to wslay before the socket's. After each read the state
 * of the closing handshake tells how the channel stands: a close frame came (wslay answers
 * it), wslay refused a frame (it queued a close with 1002, 1007 or 1009), or the connection
 * ended without any close frame (1006). */
#include "channel_ws.h"

#include <stdlib.h>
#include <string.h>
#include <wslay/wslay.h>

#include "client_int.h"
#include "conn.h"
#include "ws_handshake.h"

#define READS_PER_TURN 64
#define HEAD_MAX 8192 /* a longer handshake answer is refused */

struct ws_chan {
    struct client *c;
    struct conn *k;
    wslay_event_context_ptr ctx;   /* made on the first frame in or out (see context_need) */
    int upgraded;                  /* the handshake passed */
    ws_message_fn *on_message;
    void *arg;
    char key[WS_KEY_LEN + 1];
    char *req;                     /* the handshake request, NULL once written */
    size_t req_len, req_off;
    char *head;                    /* the answer as read so far; after it, early frames */
    size_t head_len, head_cap, early_off;
    int reads;                     /* reads this turn */
    uint8_t hdr[14];               /* a frame header wslay handed over, sent with its payload */
    uint8_t hdr_len;
    int eof;                       /* the peer closed the connection */
    int we_closed;                 /* ws_chan_close was called */
    enum errkind kind;             /* a failure, once there is one */
    const char *why;
    char why_buf[128];
};

static void fail(struct ws_chan *w, enum errkind kind, const char *why)
{
    if (w->kind != ERR_NONE)
        return;
    w->kind = kind;
    snprintf(w->why_buf, sizeof w->why_buf, "%s", why ? why : "");
    w->why = w->why_buf;
}

static ssize_t recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
                       void *user)
{
    struct ws_chan *w = user;
    (void)flags;
    if (w->early_off < w->head_len) { /* frames that came with the handshake's answer */
        size_t n = w->head_len - w->early_off < len ? w->head_len - w->early_off : len;
        memcpy(buf, w->head + w->early_off, n);
        w->early_off += n;
        return (ssize_t)n;
    }
    if (w->reads >= READS_PER_TURN && !conn_pending(w->k)) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK); /* the read event comes back */
        return -1;
    }
    w->reads++;
    ssize_t n = conn_recv(w->k, (char *)buf, len);
    if (n > 0) {
        sb_add(&w->c->w->slot->c.bytes_received, (uint64_t)n);
        return n;
    }
    if (n == CONN_AGAIN) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (n == 0)
        w->eof = 1;
    else
        fail(w, conn_error_kind(), conn_error());
    wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

/* wslay writes a frame's header and its payload in two calls: the header is kept and goes
 * out with the payload in one write (one system call, one segment, per message). */
static ssize_t send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user)
{
    struct ws_chan *w = user;
    struct worker *wk = w->c->w;
    if ((flags & WSLAY_MSG_MORE) && w->hdr_len == 0 && len <= sizeof w->hdr) {
        memcpy(w->hdr, data, len);
        w->hdr_len = (uint8_t)len;
        return (ssize_t)len;
    }
    size_t hl = w->hdr_len;
    const char *out = (const char *)data;
    size_t out_len = len;
    if (hl) { /* the worker's read buffer is free while a callback runs */
        out_len = len < wk->rbuf_size - hl ? len : wk->rbuf_size - hl;
        memcpy(wk->rbuf, w->hdr, hl);
        memcpy(wk->rbuf + hl, data, out_len);
        out = wk->rbuf;
        out_len += hl;
    }
    ssize_t n = conn_send(w->k, out, out_len);
    if (n > 0) {
        sb_add(&wk->slot->c.bytes_sent, (uint64_t)n);
        if ((size_t)n >= hl) {
            w->hdr_len = 0;
            if ((size_t)n > hl)
                return n - (ssize_t)hl;
        } else { /* part of the header: the rest goes first next time */
            memmove(w->hdr, w->hdr + n, hl - (size_t)n);
            w->hdr_len = (uint8_t)(hl - (size_t)n);
        }
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK); /* none of the payload went */
        return -1;
    }
    if (n == CONN_AGAIN) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    fail(w, conn_error_kind(), conn_error());
    wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

/* Masks come from the client's seeded stream: a run with the same seed sends the same bytes. */
static int genmask_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    struct ws_chan *w = user;
    (void)ctx;
    for (size_t i = 0; i < len; i += 4) {
        uint32_t r = rng_next(&w->c->rng);
        memcpy(buf + i, &r, len - i < 4 ? len - i : 4);
    }
    return 0;
}

static void msg_cb(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *a,
                   void *user)
{
    struct ws_chan *w = user;
    (void)ctx;
    if (a->opcode == WSLAY_TEXT_FRAME || a->opcode == WSLAY_BINARY_FRAME)
        w->on_message(w->arg, a->msg, a->msg_length);
}

struct ws_chan *ws_chan_new(struct client *c, struct conn *k, ws_message_fn *on_message,
                            void *arg)
{
    struct ws_chan *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->c = c;
    w->k = k;
    w->on_message = on_message;
    w->arg = arg;
    return w;
}

void ws_chan_free(struct ws_chan *w)
{
    if (!w)
        return;
    if (w->ctx)
        wslay_event_context_free(w->ctx);
    free(w->req);
    free(w->head);
    free(w);
}

static int request_prepare(struct ws_chan *w)
{
    const struct request_spec *spec = spec_of(w->c);
    uint8_t random[16];
    for (size_t i = 0; i < sizeof random; i += 4) {
        uint32_t r = rng_next(&w->c->rng);
        memcpy(random + i, &r, 4);
    }
    if (ws_key_make(random, w->key) != 0)
        return -1;
    w->req = ws_request_build(w->c->url, w->key, spec->chan.ws_protocol, spec->headers,
                              spec->nheaders, &w->req_len);
    return w->req ? 0 : -1;
}

/* wslay's context (with its two 4 KiB buffers) is made when the first frame goes or comes:
 * a channel that stays idle after the upgrade costs little more than its socket. */
static int context_start(struct ws_chan *w)
{
    if (w->ctx)
        return 0;
    static const struct wslay_event_callbacks cbs = {
        .recv_callback = recv_cb,
        .send_callback = send_cb,
        .genmask_callback = genmask_cb,
        .on_msg_recv_callback = msg_cb,
    };
    if (wslay_event_context_client_init(&w->ctx, &cbs, w) != 0)
        return -1;
    wslay_event_config_set_max_recv_msg_length(w->ctx, spec_of(w->c)->chan.ws_max_message);
    return 0;
}

enum ws_result ws_chan_handshake(struct ws_chan *w)
{
    if (!w->req && w->req_off == 0 && request_prepare(w) != 0) {
        fail(w, ERR_SOCKET, "out of memory for a WebSocket handshake");
        return WS_FAIL;
    }
    while (w->req && w->req_off < w->req_len) {
        ssize_t n = conn_send(w->k, w->req + w->req_off, w->req_len - w->req_off);
        if (n == CONN_AGAIN)
            return WS_AGAIN;
        if (n < 0) {
            fail(w, conn_error_kind(), conn_error());
            return WS_FAIL;
        }
        sb_add(&w->c->w->slot->c.bytes_sent, (uint64_t)n);
        w->req_off += (size_t)n;
    }
    free(w->req);
    w->req = NULL;
    for (;;) {
        if (w->head_len == w->head_cap) {
            if (w->head_cap >= HEAD_MAX) {
                fail(w, ERR_WS_HANDSHAKE, "the upgrade's answer has a head over 8 KiB");
                return WS_FAIL;
            }
            size_t cap = w->head_cap ? w->head_cap * 2 : 1024;
            char *p = realloc(w->head, cap);
            if (!p) {
                fail(w, ERR_SOCKET, "out of memory for a WebSocket handshake");
                return WS_FAIL;
            }
            w->head = p;
            w->head_cap = cap;
        }
        ssize_t n = conn_recv(w->k, w->head + w->head_len, w->head_cap - w->head_len);
        if (n == CONN_AGAIN)
            return WS_AGAIN;
        if (n == 0) {
            fail(w, ERR_WS_HANDSHAKE, "closed before answering the upgrade");
            return WS_FAIL;
        }
        if (n < 0) {
            fail(w, conn_error_kind(), conn_error());
            return WS_FAIL;
        }
        sb_add(&w->c->w->slot->c.bytes_received, (uint64_t)n);
        w->head_len += (size_t)n;
        const char *why = NULL;
        char why_buf[128];
        long head = ws_response_check(w->head, w->head_len, w->key,
                                      spec_of(w->c)->chan.ws_protocol, why_buf,
                                      sizeof why_buf, &why);
        if (head < 0) {
            fail(w, ERR_WS_HANDSHAKE, why);
            return WS_FAIL;
        }
        if (head > 0) {
            w->early_off = (size_t)head;
            w->upgraded = 1;
            if (w->early_off == w->head_len) { /* the usual case: keep no buffer */
                free(w->head);
                w->head = NULL;
                w->head_len = w->head_cap = w->early_off = 0;
            }
            return WS_OK;
        }
    }
}

int ws_chan_early(const struct ws_chan *w)
{
    return w->early_off < w->head_len;
}

/* The context, made now if need be; 0, or -1 (a failure) when out of memory. */
static int context_need(struct ws_chan *w)
{
    if (context_start(w) == 0)
        return 0;
    fail(w, ERR_SOCKET, "out of memory for a WebSocket channel");
    return -1;
}

int ws_chan_queue(struct ws_chan *w, const char *msg, size_t len)
{
    if (context_need(w) != 0)
        return -1;
    int binary = spec_of(w->c)->chan.ws_binary;
    struct wslay_event_msg m = {binary ? WSLAY_BINARY_FRAME : WSLAY_TEXT_FRAME,
                                (const uint8_t *)msg, len};
    return wslay_event_queue_msg(w->ctx, &m) == 0 ? 0 : -1;
}

int ws_chan_pending(const struct ws_chan *w)
{
    return w->ctx && wslay_event_want_write(w->ctx);
}

/* After the closing handshake's frames moved: over when both closes went, or ours is
 * out and the peer is gone. */
static int close_done(struct ws_chan *w)
{
    return wslay_event_get_close_sent(w->ctx) &&
           (wslay_event_get_close_received(w->ctx) || w->eof);
}

enum ws_result ws_chan_send(struct ws_chan *w)
{
    if (!w->ctx)
        return w->kind != ERR_NONE ? WS_FAIL : WS_OK; /* nothing was ever queued */
    if (wslay_event_send(w->ctx) != 0 || w->kind != ERR_NONE) {
        fail(w, ERR_WRITE, "WebSocket write failed");
        return WS_FAIL;
    }
    if (close_done(w))
        return WS_CLOSED;
    return wslay_event_want_write(w->ctx) ? WS_AGAIN : WS_OK;
}

/* wslay refused what came and queued a close with its code: sent if the socket takes it. */
static enum ws_result refused(struct ws_chan *w)
{
    wslay_event_send(w->ctx);
    uint16_t code = wslay_event_get_status_code_sent(w->ctx);
    char why[96];
    if (code == WSLAY_CODE_MESSAGE_TOO_BIG)
        snprintf(why, sizeof why, "a message over ws_max_message (closed with 1009)");
    else if (code == WSLAY_CODE_INVALID_FRAME_PAYLOAD_DATA)
        snprintf(why, sizeof why, "a text message not in UTF-8 (closed with 1007)");
    else
        snprintf(why, sizeof why, "an invalid frame (closed with %u)",
                 code ? (unsigned)code : 1002u);
    fail(w, ERR_WS_PROTOCOL, why);
    return WS_FAIL;
}

enum ws_result ws_chan_recv(struct ws_chan *w)
{
    w->reads = 0;
    if (context_need(w) != 0)
        return WS_FAIL;
    int r = wslay_event_recv(w->ctx);
    if (w->kind != ERR_NONE)
        return WS_FAIL;
    if (r == WSLAY_ERR_NOMEM) {
        fail(w, ERR_SOCKET, "out of memory for a WebSocket message");
        return WS_FAIL;
    }
    if (wslay_event_get_close_received(w->ctx)) { /* wslay queued the answer */
        wslay_event_send(w->ctx);
        return WS_CLOSED;
    }
    if (w->eof) {
        if (w->we_closed)
            return WS_CLOSED; /* gone instead of answering our close: it is closed anyway */
        fail(w, ERR_CLOSED, "closed without a WebSocket close frame (1006)");
        return WS_FAIL;
    }
    if (!wslay_event_get_read_enabled(w->ctx))
        return refused(w);
    return WS_AGAIN;
}

void ws_chan_close(struct ws_chan *w, uint16_t code)
{
    if (w->we_closed || !w->upgraded || context_need(w) != 0)
        return;
    w->we_closed = 1;
    wslay_event_queue_close(w->ctx, code, NULL, 0);
}

enum errkind ws_chan_end(const struct ws_chan *w, const char **reason, int *by_peer)
{
    *by_peer = w->kind == ERR_NONE && !w->we_closed;
    *reason = w->kind != ERR_NONE ? w->why : *by_peer ? "closed by the peer" : NULL;
    return w->kind;
}
