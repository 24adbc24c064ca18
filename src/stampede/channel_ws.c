/* channel_ws: the opening handshake's I/O, then RFC 6455 frames on the connection.
 *
 * Frames go through wslay's frame API (ws_frame.c): wslay_frame_send writes each message's
 * frame, masked with the client's seeded random stream, through a callback that appends it
 * to the channel's output buffer, as many as channel.c hands over before it asks for a
 * write: the messages due in one pass of the loop go out in one system call. What arrives is
 * read into the worker's read buffer and served to wslay_frame_recv, whose frame pieces go
 * through ws_frame's message-level checks: data payloads go to the channel as they come,
 * pings are answered with pongs, and a close frame is answered with the same code (the
 * closing handshake). A frame ws_frame refuses is answered with a close of its code
 * (1002, 1007 or 1009; 1011 when out of memory) and ends the channel; an end without any
 * close frame is 1006.
 * A channel holds no buffer (nor wslay context) until frames go either way: idle channels
 * cost little more than a socket. */
#include "channel_ws.h"

#include <stdlib.h>
#include <string.h>

#include "client_int.h"
#include "conn.h"
#include "ws_frame.h"
#include "ws_handshake.h"

#define READS_PER_TURN 64
#define HEAD_MAX 8192 /* a longer handshake answer is refused */

struct ws_chan {
    struct client *c;
    struct conn *k;
    int upgraded;                  /* the handshake passed */
    ws_message_fn *on_message;
    void *arg;
    char key[WS_KEY_LEN + 1];
    char *req;                     /* the handshake request, NULL once written */
    size_t req_len, req_off;
    char *head;                    /* the answer as read so far; after it, early frames */
    size_t head_len, head_cap, early_off;
    uint8_t *out;                  /* frames to write: out[out_off..out_len) */
    size_t out_len, out_off, out_cap;
    size_t retry_len;              /* TLS: a write that would block is retried with this length */
    struct ws_frames fr;           /* wslay's frame context and the incoming messages' state */
    int eof;                       /* the peer closed the connection */
    int we_closed;                 /* our close frame is queued (nothing follows it) */
    int we_began;                  /* ... and it began the closing handshake */
    uint16_t close_in;             /* the code of the peer's close frame; 0 before one came */
    enum errkind kind;             /* a failure, once there is one */
    const char *why;
    char why_buf[128];
};

static int out_room(struct ws_chan *w, size_t more);

static void fail(struct ws_chan *w, enum errkind kind, const char *why)
{
    if (w->kind != ERR_NONE)
        return;
    w->kind = kind;
    snprintf(w->why_buf, sizeof w->why_buf, "%s", why ? why : "");
    w->why = w->why_buf;
}

/* wslay's send callback: a frame's bytes go to the end of the output buffer. */
static int out_put(void *arg, const uint8_t *p, size_t n)
{
    struct ws_chan *w = arg;
    if (out_room(w, n) != 0)
        return -1;
    memcpy(w->out + w->out_len, p, n);
    w->out_len += n;
    return 0;
}

/* A frame's mask, from the client's seeded stream: a run with the same seed sends the same
 * bytes. */
static void out_mask(void *arg, uint8_t mask[4])
{
    struct ws_chan *w = arg;
    uint32_t r = rng_next(&w->c->rng);
    memcpy(mask, &r, 4);
}

static const struct ws_frame_out frame_out_ops = {out_put, out_mask};

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
    ws_frames_init(&w->fr, spec_of(c)->chan.ws_max_message, &frame_out_ops, w);
    return w;
}

void ws_chan_free(struct ws_chan *w)
{
    if (!w)
        return;
    free(w->req);
    free(w->head);
    free(w->out);
    ws_frames_free(&w->fr);
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

/* Room for `more` bytes after what waits in out; 0, or -1 (a failure) when out of memory. */
static int out_room(struct ws_chan *w, size_t more)
{
    if (w->out_off == w->out_len)
        w->out_off = w->out_len = 0;
    if (w->out_len + more <= w->out_cap)
        return 0;
    size_t cap = w->out_cap ? w->out_cap : 256;
    while (cap < w->out_len + more)
        cap *= 2;
    uint8_t *p = realloc(w->out, cap);
    if (!p) {
        fail(w, ERR_SOCKET, "out of memory for a WebSocket message");
        return -1;
    }
    w->out = p;
    w->out_cap = cap;
    return 0;
}

/* Appends a frame, through wslay_frame_send (which calls out_put and out_mask). */
static int frame_out(struct ws_chan *w, int opcode, const void *payload, size_t len)
{
    if (out_room(w, WS_HEADER_MAX + len) != 0) /* room for it all at once */
        return -1;
    if (ws_frames_send(&w->fr, opcode, payload, len) != 0) {
        fail(w, ERR_SOCKET, "a WebSocket frame could not be written");
        return -1;
    }
    return 0;
}

int ws_chan_queue(struct ws_chan *w, const char *msg, size_t len)
{
    if (w->we_closed)
        return 0; /* nothing goes after our close */
    return frame_out(w, spec_of(w->c)->chan.ws_binary ? WS_OP_BINARY : WS_OP_TEXT, msg, len);
}

int ws_chan_pending(const struct ws_chan *w)
{
    return w->out_off < w->out_len;
}

/* Over when our close is out and the peer's came, or the peer is gone. */
static int close_done(const struct ws_chan *w)
{
    return w->we_closed && !ws_chan_pending(w) && (w->close_in || w->eof);
}

/* Writes what waits in out, in as few system calls as the socket allows. */
static enum ws_result flush(struct ws_chan *w)
{
    while (w->out_off < w->out_len) {
        size_t len = w->retry_len ? w->retry_len : w->out_len - w->out_off;
        ssize_t n = conn_send(w->k, (const char *)w->out + w->out_off, len);
        if (n == CONN_AGAIN) {
            if (w->k->ssl)
                w->retry_len = len;
            return WS_AGAIN;
        }
        if (n <= 0) {
            fail(w, conn_error_kind(), conn_error());
            return WS_FAIL;
        }
        w->retry_len = 0;
        w->out_off += (size_t)n;
        sb_add(&w->c->w->slot->c.bytes_sent, (uint64_t)n);
    }
    w->out_off = w->out_len = 0;
    return WS_OK;
}

enum ws_result ws_chan_send(struct ws_chan *w)
{
    if (w->kind != ERR_NONE)
        return WS_FAIL;
    enum ws_result r = flush(w);
    if (r != WS_OK)
        return r;
    return close_done(w) ? WS_CLOSED : WS_OK;
}

/* Queues our close frame with code (none for 1005), once. */
static void close_queue(struct ws_chan *w, uint16_t code)
{
    if (w->we_closed)
        return;
    uint8_t p[2] = {(uint8_t)(code >> 8), (uint8_t)code};
    if (frame_out(w, WS_OP_CLOSE, p, code == WS_CLOSE_NO_STATUS ? 0 : 2) == 0)
        w->we_closed = 1;
}

static void on_data(void *arg, const uint8_t *p, size_t n)
{
    struct ws_chan *w = arg;
    w->on_message(w->arg, p, n, 0);
}

static void on_message_end(void *arg)
{
    struct ws_chan *w = arg;
    w->on_message(w->arg, NULL, 0, 1);
}

static void on_control(void *arg, int opcode, const uint8_t *p, size_t n)
{
    struct ws_chan *w = arg;
    if (opcode == WS_OP_PING && !w->we_closed) {
        frame_out(w, WS_OP_PONG, p, n);
    } else if (opcode == WS_OP_CLOSE) {
        w->close_in = n >= 2 ? (uint16_t)(p[0] << 8 | p[1]) : WS_CLOSE_NO_STATUS;
        close_queue(w, w->close_in); /* the answer, when the close is the peer's */
    }
}

static const struct ws_reader_ops reader_ops = {on_data, on_message_end, on_control};

/* ws_frame refused what came: its close goes if the socket takes it, and the channel fails. */
static enum ws_result refused(struct ws_chan *w, int code)
{
    char why[128];
    snprintf(why, sizeof why, "%s (closed with %d)", w->fr.why, code);
    close_queue(w, (uint16_t)code);
    flush(w);
    w->kind = ERR_NONE; /* the refusal is the failure to report, not a write that failed */
    fail(w, ERR_WS_PROTOCOL, why);
    return WS_FAIL;
}

/* Feeds n bytes to wslay_frame_recv and the message-level checks; WS_AGAIN to go on reading. */
static enum ws_result take(struct ws_chan *w, const uint8_t *buf, size_t n)
{
    int code = ws_frames_feed(&w->fr, buf, n, &reader_ops, w);
    if (code)
        return refused(w, code);
    if (w->close_in) {
        flush(w); /* our answer, or the rest of our close */
        return WS_CLOSED;
    }
    return WS_AGAIN;
}

enum ws_result ws_chan_recv(struct ws_chan *w)
{
    struct worker *wk = w->c->w;
    if (w->kind != ERR_NONE)
        return WS_FAIL;
    if (w->early_off < w->head_len) { /* frames that came with the handshake's answer */
        enum ws_result r = take(w, (const uint8_t *)w->head + w->early_off,
                                w->head_len - w->early_off);
        free(w->head);
        w->head = NULL;
        w->head_len = w->head_cap = w->early_off = 0;
        if (r != WS_AGAIN)
            return r;
    }
    for (int turn = 0;; turn++) {
        if (turn >= READS_PER_TURN && !conn_pending(w->k))
            return WS_AGAIN; /* the persistent read event comes back for the rest */
        ssize_t n = conn_recv(w->k, wk->rbuf, wk->rbuf_size);
        if (n > 0) {
            sb_add(&wk->slot->c.bytes_received, (uint64_t)n);
            enum ws_result r = take(w, (const uint8_t *)wk->rbuf, (size_t)n);
            if (r != WS_AGAIN)
                return r;
            /* a short read emptied the socket: the read event says when there is more */
            if ((size_t)n < wk->rbuf_size && !w->k->ssl)
                return WS_AGAIN;
            continue;
        }
        if (n == CONN_AGAIN)
            return WS_AGAIN;
        if (n < 0) {
            fail(w, conn_error_kind(), conn_error());
            return WS_FAIL;
        }
        w->eof = 1;
        if (w->we_began)
            return WS_CLOSED; /* gone instead of answering our close: it is closed anyway */
        fail(w, ERR_CLOSED, "closed without a WebSocket close frame (1006)");
        return WS_FAIL;
    }
}

void ws_chan_close(struct ws_chan *w, uint16_t code)
{
    if (!w->upgraded || w->we_closed)
        return;
    w->we_began = 1;
    close_queue(w, code);
}

uint16_t ws_chan_close_code(const struct ws_chan *w)
{
    return w->close_in;
}

enum errkind ws_chan_end(const struct ws_chan *w, const char **reason, int *by_peer)
{
    *by_peer = w->kind == ERR_NONE && w->close_in && !w->we_began;
    *reason = w->kind != ERR_NONE ? w->why : *by_peer ? "closed by the peer" : NULL;
    return w->kind;
}
