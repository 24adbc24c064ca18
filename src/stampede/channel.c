/* channel: the life of one open channel.
 *
 *   channel_open ─ pump (write the next message when it is due and the budget allows it)
 *        │           on_read (count, find markers)
 *        ├─ lifetime over │ run stopping ─ drain (no more sending; read what is on its way) ─┐
 *        └─ peer closed │ error ─────────────────────── channel_end ─ the client goes on ─────┘
 *
 * Pacing is a timetable, as the open model's arrivals are: message k of a channel with a
 * message_rate is due at open + k / rate, computed exactly from k so that no rounding
 * accumulates; a message that could not go out on time goes as soon as the socket takes it,
 * and those behind it follow without waiting. Only the message being written is buffered:
 * a peer that does not read stops the sender, not the memory. The bandwidth limit is a token
 * bucket filled at channel_bandwidth bytes per second since the channel opened. */
#include "channel.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "channel_msg.h"
#include "channel_stamps.h"
#include "channel_ws.h"
#include "client_int.h"
#include "clock.h"

#define WRITES_PER_TURN 64    /* unpaced writes before yielding to the event loop */
#define READS_PER_TURN 64
/* How long a closing channel keeps reading after it stopped sending: an echo's last answers
 * are still on their way, and a count of what came back should include them. */
#define DRAIN_NS (INT64_C(200) * 1000000)
/* How long a closing WebSocket channel waits for the server's close frame. */
#define WS_CLOSE_WAIT_NS (INT64_C(1000) * 1000000)
/* The lowest message_rate at which a channel with nothing to time reads on its pace ticks
 * (see lazy_reads_fit): pings, closes and a peer gone are still seen within 100 ms. */
#define LAZY_READ_MIN_RATE 10

struct channel {
    struct client *c;
    struct conn *k;
    const struct channel_options *o;
    struct sb_channels *sw, *sr; /* the worker's and the request's counters */
    struct event pace, life;     /* the next message is due or the budget refills; lifetime */
    int open;
    int draining;                /* closing: no more sending, reading what is on its way */
    int64_t t_open;
    uint64_t next;               /* message_rate: the timetable's next message */
    uint64_t seq;                /* messages begun, for ${seq} */
    int first_pending;           /* first_message not begun yet */
    int vars;                    /* message has ${...} */
    size_t fixed_markers;        /* markers in a message without variables */
    const char *out;             /* the message being written, NULL when none */
    size_t out_len, out_off;
    size_t retry_len;            /* TLS: a write that would block is retried with this length */
    int read_wants_write;        /* TLS: a read waits for writability */
    int lazy_reads;              /* reads on its pace ticks, the read event off (see
                                    lazy_reads_fit) */
    uint64_t sent;               /* bytes since open, for the bandwidth */
    uint64_t received;           /* bytes since open */
    char *buf;                   /* the expanded message */
    size_t cap;
    struct marker_search mk;
    struct stamps stamps;        /* send times of the markers not back yet */
    /* ws:// and wss:// */
    struct ws_chan *ws;          /* the WebSocket layer; NULL for tcp:// and tls:// */
    int handshaking;             /* the upgrade is under way (the life timer bounds it) */
    uint64_t ws_out;             /* messages framed and not all written yet */
    uint64_t ws_out_len;         /* their payload bytes */
    uint64_t opens;              /* channels begun on this client: a callback that may have
                                    ended the channel (and begun the next) checks it */
};

static void pump(struct channel *ch);
static void ws_read(struct channel *ch);
static void ws_handshake_step(struct channel *ch);

/* Arms timer ev for the CLOCK_MONOTONIC instant `at`. libevent adds a relative timeout to the
 * time it cached when the loop woke: refreshed first, a timer armed late in a busy pass does
 * not fire early by as much (a lifetime would cut off messages the timetable still owes). */
static void timer_at(struct channel *ch, struct event *ev, int64_t at)
{
    event_base_update_cache_time(ch->c->w->base);
    int64_t now = now_ns();
    struct timeval tv = timeval_of_ns(at > now ? at - now : 0);
    event_add(ev, &tv);
}

static void wev_on(struct conn *k)
{
    if (!k->wev_on)
        event_add(&k->wev, NULL);
    k->wev_on = 1;
}

/* Whether the channel may read what came back when it wakes to send, rather than as it
 * arrives: without a latency marker nothing times an arrival, and a channel that sends at
 * LAZY_READ_MIN_RATE or more wakes often enough to answer pings and closes and to see a peer
 * gone. Its echoes then cost no wakeup of their own: at 100 channels x 200 messages/s most of
 * the worker's wakeups (each an epoll_wait, a timerfd reset and often a context switch) go.
 * Not over TLS, where a write may wait for the peer's bytes. */
static int lazy_reads_fit(const struct channel *ch)
{
    const struct channel_options *o = ch->o;
    return !o->marker && o->message && o->rate >= LAZY_READ_MIN_RATE && !ch->k->ssl &&
           !ch->draining;
}

/* Reads on the pace ticks (on = 0) or as bytes arrive (on = 1, the read event back). */
static void reads_on_arrival(struct channel *ch, int on)
{
    if (on == !ch->lazy_reads)
        return;
    if (on)
        event_add(&ch->k->rev, NULL);
    else
        event_del(&ch->k->rev);
    ch->lazy_reads = !on;
}

/* n markers came back at t: each is the oldest one sent and not yet back. */
static void stamps_match(struct channel *ch, int64_t t, size_t n)
{
    int64_t sent;
    for (; n > 0 && stamps_pop(&ch->stamps, &sent); n--) {
        uint64_t d = t > sent ? (uint64_t)(t - sent) : 0;
        hist_record(&ch->sw->latency, d);
        hist_record(&ch->sr->latency, d);
    }
}

static void add2(struct channel *ch, size_t field, uint64_t n)
{
    sb_add((_Atomic uint64_t *)((char *)ch->sw + field), n);
    sb_add((_Atomic uint64_t *)((char *)ch->sr + field), n);
}
#define COUNT(ch, f, n) add2(ch, offsetof(struct sb_channels, f), (uint64_t)(n))

/* Closes the channel; the client counts the end and goes on. */
static void channel_end(struct channel *ch, enum errkind kind, const char *reason, int by_peer)
{
    if (ch->draining && !ch->ws) /* what ends a drain is no failure, nor the peer's doing */
        kind = ERR_NONE;
    if (ch->draining)
        by_peer = 0;
    if (by_peer)
        COUNT(ch, closed_by_peer, 1);
    /* a peer that closes every channel at once must not be hammered with new ones */
    if (by_peer && ch->received == 0)
        client_add_delay(ch->c, ch->c->w->cfg->fail_backoff_ns);
    conn_close(ch->k, kind == ERR_NONE && !ch->draining);
    client_request_end(ch->c, kind == ERR_NONE ? 0 : 599, kind, reason);
}

/* The pace timer of a message due at `due`: rounded up to the run's tick (counted from its
 * start, as the arrivals' timetable is), so that the channels whose messages fall due within
 * one tick are all woken by one pass of the loop, not one each (at 100 channels x 200
 * messages/s, thousands of wakeups a second fewer). The timetable stays exact: a message goes
 * at most a tick late, and its latency is timed from when it went. */
static int64_t tick_up(const struct worker *w, int64_t due)
{
    int64_t tick = w->cfg->tick_ns;
    if (tick <= 0 || due <= w->t0)
        return due;
    return w->t0 + (due - w->t0 + tick - 1) / tick * tick;
}

/* The next message to write, begun at now; 0 when none is due (the pace timer is set). */
static int message_next(struct channel *ch, int64_t now)
{
    const struct channel_options *o = ch->o;
    const char *text;
    size_t len;
    if (ch->first_pending) {
        ch->first_pending = 0;
        text = o->first_message;
        len = o->first_len;
    } else {
        if (!o->message)
            return 0;
        if (o->rate) {
            int64_t at = (int64_t)(ch->next * UINT64_C(1000000000) / o->rate);
            if (o->lifetime_ns > 0 && at >= o->lifetime_ns)
                return 0; /* due when the channel closes: not sent, so counts are exact */
            int64_t due = ch->t_open + at;
            const struct worker *w = ch->c->w;
            if (w->cfg->duration_ns > 0 && due >= w->t0 + w->cfg->duration_ns)
                return 0; /* due when the run ends: a loop late to the stop does not send it */
            if (due > now) {
                timer_at(ch, &ch->pace, tick_up(w, due));
                return 0;
            }
            ch->next++;
        }
        text = o->message;
        len = o->message_len;
    }
    int is_message = text == o->message;
    int vars = is_message ? ch->vars : msg_has_vars(text, len);
    size_t markers = is_message ? ch->fixed_markers : 0;
    if (vars) {
        struct msg_vars v = {.seq = ch->seq, .client = ch->c->number,
                             .worker = ch->c->w->run_index};
        size_t n = msg_expand(text, len, &v, &ch->buf, &ch->cap);
        if (n != (size_t)-1) { /* out of memory: sent as written */
            text = ch->buf;
            len = n;
        }
    }
    if (o->marker && (vars || !is_message))
        markers = msg_count_marker(text, len, o->marker, ch->mk.len);
    ch->seq++;
    ch->out = text;
    ch->out_len = len;
    ch->out_off = 0;
    stamps_push(&ch->stamps, now, markers);
    if (len == 0) { /* an empty message is sent at once */
        ch->out = NULL;
        COUNT(ch, messages_sent, 1);
    }
    return 1;
}

/* How much the bandwidth lets out now (SIZE_MAX without a limit); when nothing, sets the pace
 * timer for when `want` bytes (at most a 5 ms share) will be allowed. */
static size_t budget(struct channel *ch, int64_t now, size_t want)
{
    uint64_t bw = ch->o->bandwidth;
    if (!bw)
        return SIZE_MAX;
    uint64_t burst = bw / 100 > 0 ? bw / 100 : 1; /* 10 ms worth: one write needs a few bytes */
    uint64_t elapsed = (uint64_t)(now - ch->t_open), ns = 1000000000;
    uint64_t secs = elapsed / ns, rem = elapsed % ns;
    /* bw * elapsed / 1e9 without overflow (bandwidths are at most 1e12 B/s) */
    uint64_t allowed = bw * secs + bw / ns * rem + bw % ns * rem / ns + burst;
    if (allowed > ch->sent)
        return (size_t)(allowed - ch->sent);
    uint64_t chunk = bw / 200 > 0 ? bw / 200 : 1;
    if (chunk > want)
        chunk = want;
    uint64_t short_by = ch->sent - allowed + chunk;
    timer_at(ch, &ch->pace, now + (int64_t)((double)short_by * 1e9 / (double)bw) + 1);
    return 0;
}

/* The WebSocket layer ended the channel (closed, or failed): how it says. */
static void ws_ended(struct channel *ch)
{
    const char *why;
    int by_peer;
    enum errkind kind = ws_chan_end(ch->ws, &why, &by_peer);
    /* the layer, which holds the reason, is freed while the client counts the end (before it
     * counts the reason): a copy goes instead. The worker has one thread, and the client
     * counts the reason before it may begin another channel. */
    static char why_copy[128];
    if (why) {
        snprintf(why_copy, sizeof why_copy, "%s", why);
        why = why_copy;
    }
    uint16_t code = ws_chan_close_code(ch->ws);
    if (code) { /* the peer's close frame, counted by its status code */
        sb_add(&ch->sw->close_codes[sb_close_code_slot(code)], 1);
        sb_add(&ch->sr->close_codes[sb_close_code_slot(code)], 1);
    }
    channel_end(ch, kind, why, by_peer);
}

/* pump for WebSocket: every message due now (within the budget, at most WRITES_PER_TURN) is
 * framed into the layer's output and the lot goes out in one write; the messages are counted
 * (their payloads) once all their frames are written. Closing, the close frame follows the
 * last message. */
static void ws_pump(struct channel *ch)
{
    struct conn *k = ch->k;
    int64_t now = now_ns();
    for (int batch = 0;; batch++) {
        enum ws_result r = ws_chan_send(ch->ws);
        if (r == WS_FAIL || r == WS_CLOSED) {
            ws_ended(ch);
            return;
        }
        if (r == WS_AGAIN) {
            wev_on(k);
            return;
        }
        if (ch->ws_out) {
            COUNT(ch, messages_sent, ch->ws_out);
            COUNT(ch, bytes_sent, ch->ws_out_len);
            ch->ws_out = ch->ws_out_len = 0;
        }
        if (ch->draining) {
            ws_chan_close(ch->ws, 1000); /* no-op once queued */
            if (ws_chan_pending(ch->ws))
                continue;
            return;
        }
        if (batch > 0) { /* a full batch went: the rest after the loop's other work */
            wev_on(k);
            return;
        }
        int turn = 0;
        for (; turn < WRITES_PER_TURN; turn++) {
            if (!ch->out && !message_next(ch, now))
                break;
            if (!ch->out)
                continue;
            if (budget(ch, now, ch->out_len) == 0)
                break; /* the message waits in ch->out for the pace timer */
            if (ws_chan_queue(ch->ws, ch->out, ch->out_len) != 0) {
                channel_end(ch, ERR_SOCKET, "out of memory for a WebSocket message", 0);
                return;
            }
            ch->sent += ch->out_len;
            ch->ws_out++;
            ch->ws_out_len += ch->out_len;
            ch->out = NULL;
        }
        if (!ch->ws_out)
            return;
        if (turn < WRITES_PER_TURN) { /* all that is due: written, then the timer's turn */
            r = ws_chan_send(ch->ws);
            if (r != WS_OK) {
                batch = -1; /* the top of the loop sees to it */
                continue;
            }
            COUNT(ch, messages_sent, ch->ws_out);
            COUNT(ch, bytes_sent, ch->ws_out_len);
            ch->ws_out = ch->ws_out_len = 0;
            return;
        }
    }
}

/* Writes what is due until the socket, the timetable or the budget says wait. */
static void pump(struct channel *ch)
{
    struct conn *k = ch->k;
    if (ch->ws) {
        if (ch->handshaking)
            ws_handshake_step(ch);
        else
            ws_pump(ch);
        return;
    }
    int64_t now = now_ns();
    for (int turn = 0;; turn++) {
        if (turn >= WRITES_PER_TURN) { /* let reads, timers and other clients run */
            wev_on(k);
            return;
        }
        if (!ch->out && !message_next(ch, now))
            return;
        if (!ch->out)
            continue;
        size_t want = ch->out_len - ch->out_off;
        if (ch->retry_len) {
            want = ch->retry_len;
        } else {
            size_t b = budget(ch, now, want);
            if (b == 0)
                return;
            if (b < want)
                want = b;
        }
        ssize_t n = conn_send(k, ch->out + ch->out_off, want);
        if (n > 0) {
            ch->retry_len = 0;
            ch->out_off += (size_t)n;
            ch->sent += (uint64_t)n;
            COUNT(ch, bytes_sent, n);
            sb_add(&ch->c->w->slot->c.bytes_sent, (uint64_t)n);
            if (ch->out_off == ch->out_len) {
                ch->out = NULL;
                COUNT(ch, messages_sent, 1);
            }
            continue;
        }
        if (n == CONN_AGAIN) {
            if (k->ssl)
                ch->retry_len = want;
            if (k->want_write)
                wev_on(k);
            return;
        }
        enum errkind kind = conn_error_kind();
        int peer = kind == ERR_RESET || kind == ERR_WRITE || kind == ERR_CLOSED;
        channel_end(ch, peer ? ERR_NONE : kind, conn_error(), peer);
        return;
    }
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
    struct channel *ch = arg;
    struct conn *k = ch->k;
    struct worker *w = ch->c->w;
    (void)fd;
    (void)what;
    if (ch->ws) {
        ws_read(ch);
        return;
    }
    for (int turn = 0;; turn++) {
        if (turn >= READS_PER_TURN && !conn_pending(k))
            return; /* the persistent read event comes back for the rest */
        ssize_t n = conn_recv(k, w->rbuf, w->rbuf_size);
        if (n > 0) {
            ch->received += (uint64_t)n;
            COUNT(ch, bytes_received, n);
            sb_add(&w->slot->c.bytes_received, (uint64_t)n);
            if (ch->o->marker) {
                size_t m = marker_search_feed(&ch->mk, w->rbuf, (size_t)n);
                if (m) {
                    COUNT(ch, messages_received, m);
                    stamps_match(ch, now_ns(), m);
                }
            }
            /* a short read emptied the socket: the level-triggered read event says when there
             * is more (one system call per echo, not two) */
            if ((size_t)n < w->rbuf_size && !k->ssl)
                return;
            continue;
        }
        if (n == CONN_AGAIN) {
            if (k->want_write) {
                ch->read_wants_write = 1;
                wev_on(k);
            } else if (ch->retry_len && !k->wev_on && !ch->draining) {
                pump(ch); /* a TLS write that waited for the peer's bytes */
            }
            return;
        }
        if (n == 0) {
            channel_end(ch, ERR_NONE, "closed by the peer", 1);
            return;
        }
        enum errkind kind = conn_error_kind();
        int peer = kind == ERR_RESET || kind == ERR_CLOSED;
        channel_end(ch, peer ? ERR_NONE : kind, conn_error(), peer);
        return;
    }
}

static void on_write(evutil_socket_t fd, short what, void *arg)
{
    struct channel *ch = arg;
    ch->k->wev_on = 0;
    if (ch->read_wants_write) {
        ch->read_wants_write = 0;
        on_read(fd, what, arg);
        if (!ch->open)
            return;
    }
    if (!ch->draining || ch->ws)
        pump(ch);
}

/* The channel's time is over: stop sending, tell the peer (a FIN, or TLS close_notify), and
 * read what is still coming for at most DRAIN_NS; the peer's close ends it sooner. */
static void drain_begin(struct channel *ch)
{
    struct conn *k = ch->k;
    ch->draining = 1;
    ch->out = NULL;
    event_del(&ch->pace);
    reads_on_arrival(ch, 1); /* the last answers, and the close, as they come */
    if (ch->ws) { /* the closing handshake: the close frame, then the server's */
        timer_at(ch, &ch->life, now_ns() + WS_CLOSE_WAIT_NS);
        if (!k->wev_on)
            pump(ch);
        return;
    }
    if (k->wev_on && !ch->read_wants_write) {
        event_del(&k->wev);
        k->wev_on = 0;
    }
    if (k->ssl)
        SSL_shutdown(k->ssl); /* non-blocking: sent if the socket takes it, else never mind */
    else
        shutdown(k->fd, SHUT_WR);
    timer_at(ch, &ch->life, now_ns() + DRAIN_NS);
}

static void on_pace(evutil_socket_t fd, short what, void *arg)
{
    struct channel *ch = arg;
    (void)what;
    if (ch->lazy_reads) { /* what came back since the last tick, first */
        uint64_t opens = ch->opens;
        on_read(fd, EV_READ, ch);
        if (ch->opens != opens || !ch->open)
            return; /* the peer closed it */
    }
    if (!ch->k->wev_on) /* else a blocked write is waiting for the socket already */
        pump(ch);
}

static void on_lifetime(evutil_socket_t fd, short what, void *arg)
{
    struct channel *ch = arg;
    (void)fd;
    (void)what;
    if (ch->handshaking)
        channel_end(ch, ERR_TIMEOUT, "no answer to the WebSocket upgrade", 0);
    else if (ch->draining && ch->ws)
        channel_end(ch, ERR_WS_PROTOCOL, "no answer to the close frame within 1 s", 0);
    else if (ch->draining)
        channel_end(ch, ERR_NONE, NULL, 0);
    else {
        /* the messages due before the end go first: the pace tick may round one of them to
         * the same instant as the lifetime */
        uint64_t opens = ch->opens;
        if (!ch->k->wev_on)
            pump(ch);
        if (ch->opens == opens && ch->open && !ch->draining)
            drain_begin(ch);
    }
}

/* The channel is open (for WebSocket: upgraded): counted, and its lifetime begins. */
static void channel_start(struct channel *ch)
{
    ch->t_open = now_ns();
    ch->open = 1;
    COUNT(ch, opened, 1);
    COUNT(ch, open_now, 1);
    if (ch->o->lifetime_ns > 0 && !ch->c->w->stopping)
        timer_at(ch, &ch->life, ch->t_open + ch->o->lifetime_ns);
}

/* WebSocket payload came: counted, searched for markers; a whole message counts one. */
static void ws_message(void *arg, const uint8_t *p, size_t len, int end)
{
    struct channel *ch = arg;
    if (end) {
        COUNT(ch, messages_received, 1);
        return;
    }
    ch->received += len;
    COUNT(ch, bytes_received, len);
    if (ch->o->marker) {
        size_t m = marker_search_feed(&ch->mk, (const char *)p, len);
        if (m)
            stamps_match(ch, now_ns(), m);
    }
}

static void ws_read(struct channel *ch)
{
    struct conn *k = ch->k;
    if (ch->handshaking) {
        ws_handshake_step(ch);
        return;
    }
    enum ws_result r = ws_chan_recv(ch->ws);
    if (r != WS_AGAIN) {
        ws_ended(ch);
        return;
    }
    if (k->want_write) { /* TLS: the read waits for writability */
        ch->read_wants_write = 1;
        wev_on(k);
    } else if (ws_chan_pending(ch->ws) && !k->wev_on) {
        pump(ch); /* a pong to send, or a write that waited for the peer's bytes */
    }
}

static void ws_handshake_step(struct channel *ch)
{
    struct conn *k = ch->k;
    enum ws_result r = ws_chan_handshake(ch->ws);
    if (r == WS_AGAIN) {
        if (k->want_write)
            wev_on(k);
        return;
    }
    if (r != WS_OK) {
        ws_ended(ch);
        return;
    }
    ch->handshaking = 0;
    event_del(&ch->life);
    channel_start(ch);
    if (lazy_reads_fit(ch))
        reads_on_arrival(ch, 0);
    uint64_t opens = ch->opens;
    if (ws_chan_early(ch->ws))
        ws_read(ch); /* frames that came with the answer */
    if (ch->opens == opens && ch->open)
        pump(ch);
}

static struct channel *channel_new(struct client *c)
{
    struct channel *ch = calloc(1, sizeof *ch);
    if (!ch)
        return NULL;
    ch->c = c;
    event_assign(&ch->pace, c->w->base, -1, 0, on_pace, ch);
    event_assign(&ch->life, c->w->base, -1, 0, on_lifetime, ch);
    return ch;
}

void channel_open(struct client *c)
{
    struct worker *w = c->w;
    const struct request_spec *spec = spec_of(c);
    struct conn *k = c->conn;
    if (!c->chan && !(c->chan = channel_new(c))) {
        client_request_end(c, 599, ERR_SOCKET, "out of memory for a channel");
        return;
    }
    struct channel *ch = c->chan;
    ch->k = k;
    ch->o = &spec->chan;
    ch->sw = &w->slot->chan;
    ch->sr = &w->reqstats[c->req]->chan;
    ch->t_open = now_ns();
    ch->next = ch->seq = ch->sent = ch->received = 0;
    ch->out = NULL;
    ch->retry_len = 0;
    ch->read_wants_write = 0;
    ch->lazy_reads = 0;
    stamps_clear(&ch->stamps);
    ch->first_pending = ch->o->first_message != NULL;
    ch->vars = ch->o->message && msg_has_vars(ch->o->message, ch->o->message_len);
    if (ch->o->marker && marker_search_init(&ch->mk, ch->o->marker) != 0) {
        client_request_end(c, 599, ERR_SOCKET, "out of memory for a channel");
        return;
    }
    ch->fixed_markers = ch->o->marker && ch->o->message && !ch->vars
                            ? msg_count_marker(ch->o->message, ch->o->message_len,
                                               ch->o->marker, ch->mk.len)
                            : 0;
    ch->draining = 0;
    ch->handshaking = ch->ws_out = 0;
    ch->opens++;
    if (w->stopping) { /* connected while the run was ending: nothing more to do */
        if (!spec->url.ws)
            channel_start(ch);
        channel_end(ch, ERR_NONE, NULL, 0);
        return;
    }
    /* the connection's events are the channel's from now on */
    event_del(&k->rev);
    if (k->wev_on)
        event_del(&k->wev);
    k->wev_on = 0;
    event_assign(&k->rev, w->base, k->fd, EV_READ | EV_PERSIST, on_read, ch);
    event_assign(&k->wev, w->base, k->fd, EV_WRITE, on_write, ch);
    event_add(&k->rev, NULL);
    if (!spec->url.ws) {
        channel_start(ch);
        if (lazy_reads_fit(ch))
            reads_on_arrival(ch, 0);
        pump(ch);
        return;
    }
    if (!(ch->ws = ws_chan_new(c, k, ws_message, ch))) {
        channel_end(ch, ERR_SOCKET, "out of memory for a channel", 0);
        return;
    }
    ch->handshaking = 1;
    timer_at(ch, &ch->life, now_ns() + spec->timeout_ns);
    ws_handshake_step(ch);
}

int channel_is_open(const struct client *c)
{
    return c->chan && (c->chan->open || c->chan->handshaking);
}

void channel_stop(struct client *c)
{
    struct channel *ch = c->chan;
    if (!channel_is_open(c) || ch->draining)
        return;
    if (ch->handshaking) /* nothing was sent on it yet */
        channel_end(ch, ERR_NONE, NULL, 0);
    else
        drain_begin(ch);
}

void channel_count_end(struct client *c, enum errkind kind)
{
    struct worker *w = c->w;
    struct sb_channels *sw = &w->slot->chan, *sr = &w->reqstats[c->req]->chan;
    struct channel *ch = c->chan;
    if (kind != ERR_NONE) {
        sb_add(&sw->failed, 1);
        sb_add(&sr->failed, 1);
        sb_add(&sw->failed_kind[kind], 1);
        sb_add(&sr->failed_kind[kind], 1);
    }
    if (ch && ch->open) {
        ch->open = 0;
        sb_add(&sw->open_now, (uint64_t)-1);
        sb_add(&sr->open_now, (uint64_t)-1);
        ch->out = NULL;
    }
    if (ch) {
        ch->handshaking = 0;
        event_del(&ch->pace);
        event_del(&ch->life);
        ws_chan_free(ch->ws);
        ch->ws = NULL;
    }
}

void channel_free(struct client *c)
{
    struct channel *ch = c->chan;
    if (!ch)
        return;
    event_del(&ch->pace);
    event_del(&ch->life);
    marker_search_free(&ch->mk);
    stamps_free(&ch->stamps);
    ws_chan_free(ch->ws);
    free(ch->buf);
    free(ch);
    c->chan = NULL;
}
