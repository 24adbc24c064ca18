/*
 * target_conn: the per-connection state machine of stampede-target.
 *
 * A connection reads into an evbuffer, parses one request at a time and answers it before it
 * looks at the next, which keeps pipelined answers in order. It writes directly after
 * producing output and only waits for EV_WRITE when the socket is full, so a keep-alive
 * request costs one read() and one writev() and no epoll_ctl().
 *
 * Memory per connection is bounded: input stops being read at IN_CAP, output stops being
 * produced at OUT_HIGH, and large bodies are references to static buffers.
 */
#include "target_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "target_http.h"

#define READ_CHUNK 16384                         /* asked of one read() */
#define IN_CAP (TARGET_HEAD_MAX + READ_CHUNK)    /* unparsed input we accept */
#define OUT_HIGH (256 * 1024)                    /* pending output we produce */
#define LINE_MAX_ 4096                           /* chunk-size and trailer lines */
#define LINGER_MS 2000                           /* discard input this long after a close */
#define WRITE_ROUNDS 8                           /* produce-and-write rounds per wake-up */

enum conn_state {
    ST_HEAD,       /* waiting for a complete request head */
    ST_BODY,       /* Content-Length body */
    ST_CHUNK_SIZE, /* chunked body: size line */
    ST_CHUNK_DATA, /* chunked body: data */
    ST_CHUNK_END,  /* chunked body: CRLF after the data */
    ST_TRAILER,    /* chunked body: trailer lines up to the blank one */
    ST_DELAY,      /* /delay timer running */
    ST_STREAM,     /* queuing a /bytes or /chunked body as the client reads */
    ST_CLOSING,    /* last response queued; input is discarded */
    ST_LINGER,     /* write side shut down; discard input until EOF or LINGER_MS */
    ST_DEAD,       /* to be freed on the way out of the current callback */
};

struct conn {
    struct target_server *srv;
    int fd;
    struct event *rev, *wev;
    struct event *timer; /* /delay and linger; made on first use */
    struct evbuffer *in, *out;
    struct conn *prev, *next;
    enum conn_state state;
    bool reading, writing; /* rev, wev added */
    bool eof;              /* the client shut down its side */
    uint64_t epoch;        /* stats epoch this connection was last counted in */

    /* The request being answered; reset by conn_next(). */
    struct target_match match;
    bool head_only, keep_alive, http10;
    bool uncounted;        /* /stats and /reset: invisible in the stats */
    bool echo;             /* /echo: the body goes to the output as it arrives */
    bool echo_chunked;     /* ... and in chunks, as it came */
    bool answered;         /* the final response head is queued */
    uint64_t left;         /* body, chunk or stream bytes still to go */
    uint64_t off;          /* stream position: selects the pattern phase */
    size_t scan;           /* head bytes searched for the blank line so far */
    size_t trailer;        /* trailer bytes seen */
};

enum step { STEP_OK, STEP_AGAIN };

static void conn_run(struct conn *c);

static size_t min_size(size_t a, uint64_t b)
{
    return b < a ? (size_t)b : a;
}

static void conn_free(struct conn *c)
{
    struct target_server *srv = c->srv;

    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    if (c->rev != NULL)
        event_free(c->rev);
    if (c->wev != NULL)
        event_free(c->wev);
    if (c->timer != NULL)
        event_free(c->timer);
    if (c->in != NULL)
        evbuffer_free(c->in);
    if (c->out != NULL)
        evbuffer_free(c->out);
    close(c->fd);
    srv->stats.open--;
    free(c);
}

void conn_close_all(struct target_server *srv)
{
    while (srv->conns != NULL)
        conn_free(srv->conns);
}

static enum resp_conn conn_header(const struct conn *c)
{
    if (!c->keep_alive)
        return RESP_CONN_CLOSE;
    return c->http10 ? RESP_CONN_KEEP_ALIVE : RESP_CONN_DEFAULT;
}

/* Called as the final response head is queued, so a request counts once, when answered. */
static void conn_count(struct conn *c)
{
    struct target_stats *st = &c->srv->stats;

    c->answered = true;
    if (c->uncounted)
        return;
    st->requests++;
    st->paths[c->match.bucket]++;
    if (c->epoch != st->epoch) {
        c->epoch = st->epoch;
        st->connections++;
    }
}

/* Drops n bytes of request from the input, counting them. */
static void conn_consume(struct conn *c, size_t n)
{
    evbuffer_drain(c->in, n);
    if (!c->uncounted)
        c->srv->stats.bytes_received += n;
}

static void conn_begin_close(struct conn *c)
{
    evbuffer_drain(c->in, evbuffer_get_length(c->in));
    c->state = ST_CLOSING;
}

/* The current response is completely queued: on to the next request, or to closing. */
static void conn_next(struct conn *c)
{
    if (!c->keep_alive) {
        conn_begin_close(c);
        return;
    }
    c->state = ST_HEAD;
    c->answered = c->echo = c->echo_chunked = c->uncounted = false;
    c->left = c->off = 0;
    c->scan = 0;
}

/* Answers a malformed request and closes. If a response has started (an /echo whose
 * chunked body turns out bad) there is no way to say so in-band: drop the connection. */
static void conn_reject(struct conn *c, int code)
{
    if (c->answered) {
        c->state = ST_DEAD;
        return;
    }
    c->keep_alive = false;
    c->uncounted = false;
    c->match.bucket = BUCKET_INVALID;
    conn_consume(c, evbuffer_get_length(c->in));
    conn_count(c);
    resp_add_status(c->out, code, false, RESP_CONN_CLOSE);
    conn_begin_close(c);
}

static bool conn_arm_timer(struct conn *c, long ms);

/* The request, body included, has been read: answer it. */
static void conn_respond(struct conn *c)
{
    struct evbuffer *out = c->out;
    uint64_t arg = c->match.arg;
    char extra[64];

    if (c->echo) {
        if (c->echo_chunked)
            evbuffer_add(out, "0\r\n\r\n", 5);
        conn_next(c);
        return;
    }
    if (c->answered) { /* HEAD /echo: the head went out already */
        conn_next(c);
        return;
    }
    switch (c->match.route) {
    case ROUTE_ROOT:
        conn_count(c);
        resp_add_simple(out, 200, "text/plain", "ok\n", 3, c->head_only, conn_header(c), NULL);
        break;
    case ROUTE_BYTES:
        conn_count(c);
        resp_add_head(out, 200, "application/octet-stream", (int64_t)arg, conn_header(c), NULL);
        if (!c->head_only && arg > 0) {
            c->left = arg;
            c->state = ST_STREAM;
            return;
        }
        break;
    case ROUTE_CHUNKED:
        conn_count(c);
        if (c->http10) { /* HTTP/1.0 does not know chunked: same bytes, plain */
            resp_add_head(out, 200, "application/octet-stream", (int64_t)arg, conn_header(c),
                          NULL);
            if (c->head_only || arg == 0)
                break;
        } else {
            resp_add_head(out, 200, "application/octet-stream", RESP_CHUNKED, conn_header(c),
                          "Trailer: X-Stampede-Bytes\r\n");
            if (c->head_only)
                break;
        }
        c->left = arg;
        c->state = ST_STREAM;
        return;
    case ROUTE_DELAY:
        if (!conn_arm_timer(c, (long)arg)) {
            c->state = ST_DEAD;
            return;
        }
        c->state = ST_DELAY;
        return;
    case ROUTE_STATUS:
        conn_count(c);
        if (arg < 200) { /* interim response, then a final one (never to 1.0 clients) */
            if (!c->http10)
                evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n\r\n", (int)arg,
                                    resp_reason((int)arg));
            resp_add_simple(out, 200, "text/plain", "ok\n", 3, c->head_only, conn_header(c),
                            NULL);
        } else {
            resp_add_status(out, (int)arg, c->head_only, conn_header(c));
        }
        break;
    case ROUTE_REDIRECT:
        conn_count(c);
        if (arg == 0) {
            resp_add_simple(out, 200, "text/plain", "ok\n", 3, c->head_only, conn_header(c),
                            NULL);
            break;
        }
        snprintf(extra, sizeof(extra), "Location: /redirect/%llu\r\n",
                 (unsigned long long)(arg - 1));
        resp_add_simple(out, 302, "text/plain", "302 Found\n", 10, c->head_only,
                        conn_header(c), extra);
        break;
    case ROUTE_CLOSE:
        conn_count(c);
        c->keep_alive = false;
        resp_add_simple(out, 200, "text/plain", "ok\n", 3, c->head_only, conn_header(c), NULL);
        break;
    case ROUTE_STATS:
        conn_count(c);
        resp_add_stats(out, &c->srv->stats, c->head_only, conn_header(c));
        break;
    case ROUTE_RESET: {
        struct target_stats *st = &c->srv->stats;
        uint64_t open = st->open, epoch = st->epoch;
        conn_count(c);
        memset(st, 0, sizeof(*st));
        st->open = open;
        st->epoch = epoch + 1;
        resp_add_simple(out, 200, "text/plain", "ok\n", 3, c->head_only, conn_header(c), NULL);
        break;
    }
    case ROUTE_ECHO: /* handled above */
    case ROUTE_NOT_FOUND:
        conn_count(c);
        resp_add_status(out, 404, c->head_only, conn_header(c));
        break;
    }
    conn_next(c);
}

static enum step conn_read_head(struct conn *c)
{
    size_t len = evbuffer_get_length(c->in), end, lim, avail;
    unsigned char *p;
    struct target_req req;
    int rc;

    /* Clients may send a stray CRLF after a body; RFC 9112 says to skip it. */
    while (c->scan == 0 && len > 0) {
        p = evbuffer_pullup(c->in, 1);
        if (*p != '\r' && *p != '\n')
            break;
        conn_consume(c, 1);
        len--;
    }
    if (len == 0)
        return STEP_AGAIN;

    /* Search the first chain before linearizing: usually the whole head is there. */
    lim = len < TARGET_HEAD_MAX ? len : TARGET_HEAD_MAX;
    avail = evbuffer_get_contiguous_space(c->in);
    if (avail > lim)
        avail = lim;
    p = evbuffer_pullup(c->in, (ev_ssize_t)avail);
    end = target_http_find_head_end((const char *)p, avail, &c->scan);
    if (end == 0 && avail < lim) {
        p = evbuffer_pullup(c->in, (ev_ssize_t)lim);
        if (p == NULL) {
            c->state = ST_DEAD;
            return STEP_OK;
        }
        end = target_http_find_head_end((const char *)p, lim, &c->scan);
    }
    if (end == 0) {
        if (lim < TARGET_HEAD_MAX)
            return STEP_AGAIN;
        conn_reject(c, 431);
        return STEP_OK;
    }

    if ((rc = target_http_parse_head((const char *)p, end, &req)) != 0) {
        conn_reject(c, rc);
        return STEP_OK;
    }
    target_http_route(req.uri, req.uri_len, &c->match);
    c->head_only = req.head;
    c->keep_alive = req.keep_alive;
    c->http10 = req.minor == 0;
    c->uncounted = c->match.route == ROUTE_STATS || c->match.route == ROUTE_RESET;

    bool has_body = req.chunked || req.content_length > 0;
    if (has_body && req.expect_continue && !c->http10)
        evbuffer_add(c->out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    if (c->match.route == ROUTE_ECHO) {
        /* The head is the start of the body: answer now and stream the body after it. */
        conn_count(c);
        resp_add_head(c->out, 200, "text/plain",
                      req.chunked ? RESP_CHUNKED : (int64_t)(end + req.content_length),
                      conn_header(c), NULL);
        if (!c->head_only) {
            c->echo = true;
            c->echo_chunked = req.chunked;
            if (req.chunked)
                resp_add_chunk_size(c->out, end);
            evbuffer_add(c->out, p, end);
            if (req.chunked)
                evbuffer_add(c->out, "\r\n", 2);
        }
    }
    conn_consume(c, end); /* p is gone from here on */

    if (req.chunked) {
        c->state = ST_CHUNK_SIZE;
    } else if (req.content_length > 0) {
        c->left = req.content_length;
        c->state = ST_BODY;
    } else {
        conn_respond(c);
    }
    return STEP_OK;
}

/* Content-Length body or chunk data: discarded, or moved to the output for /echo. */
static enum step conn_read_body(struct conn *c)
{
    size_t n = min_size(evbuffer_get_length(c->in), c->left);

    if (n == 0)
        return STEP_AGAIN;
    if (c->echo) {
        if (c->echo_chunked)
            resp_add_chunk_size(c->out, n);
        evbuffer_remove_buffer(c->in, c->out, n);
        if (c->echo_chunked)
            evbuffer_add(c->out, "\r\n", 2);
        if (!c->uncounted)
            c->srv->stats.bytes_received += n;
    } else {
        conn_consume(c, n);
    }
    c->left -= n;
    if (c->left == 0) {
        if (c->state == ST_BODY)
            conn_respond(c);
        else
            c->state = ST_CHUNK_END;
    }
    return STEP_OK;
}

/* One line of a chunked body, without its ending; NULL until it is complete. */
static const char *conn_line(struct conn *c, size_t *len, size_t *eol_len, bool *bad)
{
    struct evbuffer_ptr e = evbuffer_search_eol(c->in, NULL, eol_len, EVBUFFER_EOL_CRLF);

    *bad = false;
    if (e.pos < 0) {
        *bad = evbuffer_get_length(c->in) > LINE_MAX_;
        return NULL;
    }
    if ((size_t)e.pos > LINE_MAX_) {
        *bad = true;
        return NULL;
    }
    *len = (size_t)e.pos;
    return (const char *)evbuffer_pullup(c->in, e.pos + (ev_ssize_t)*eol_len);
}

static enum step conn_read_chunk_size(struct conn *c)
{
    size_t len, eol_len;
    bool bad;
    uint64_t size;
    const char *line = conn_line(c, &len, &eol_len, &bad);

    if (line == NULL) {
        if (!bad)
            return STEP_AGAIN;
        conn_reject(c, 400);
        return STEP_OK;
    }
    if (target_http_parse_chunk_size(line, len, &size) != 0) {
        conn_reject(c, 400);
        return STEP_OK;
    }
    conn_consume(c, len + eol_len);
    if (size == 0) {
        c->trailer = 0;
        c->state = ST_TRAILER;
    } else {
        c->left = size;
        c->state = ST_CHUNK_DATA;
    }
    return STEP_OK;
}

static enum step conn_read_chunk_end(struct conn *c)
{
    size_t len = evbuffer_get_length(c->in);
    const unsigned char *p;

    if (len == 0)
        return STEP_AGAIN;
    p = evbuffer_pullup(c->in, len < 2 ? (ev_ssize_t)len : 2);
    if (p[0] == '\n') {
        conn_consume(c, 1);
    } else if (p[0] == '\r' && len < 2) {
        return STEP_AGAIN;
    } else if (p[0] == '\r' && p[1] == '\n') {
        conn_consume(c, 2);
    } else {
        conn_reject(c, 400);
        return STEP_OK;
    }
    c->state = ST_CHUNK_SIZE;
    return STEP_OK;
}

static enum step conn_read_trailer(struct conn *c)
{
    size_t len, eol_len;
    bool bad;
    const char *line = conn_line(c, &len, &eol_len, &bad);

    if (line == NULL) {
        if (!bad)
            return STEP_AGAIN;
        conn_reject(c, 400);
        return STEP_OK;
    }
    c->trailer += len + eol_len;
    if (c->trailer > TARGET_HEAD_MAX) {
        conn_reject(c, 431);
        return STEP_OK;
    }
    conn_consume(c, len + eol_len);
    if (len == 0)
        conn_respond(c);
    return STEP_OK;
}

/* Tops the output up to OUT_HIGH with /bytes or /chunked body. */
static enum step conn_stream(struct conn *c)
{
    size_t have = evbuffer_get_length(c->out);
    size_t room = have < OUT_HIGH ? OUT_HIGH - have : 0;
    bool done;

    if (room == 0)
        return STEP_AGAIN;
    if (c->match.route == ROUTE_CHUNKED && !c->http10) {
        done = resp_fill_chunked(c->out, &c->off, &c->left, c->match.arg, room);
    } else {
        resp_fill_bytes(c->out, &c->off, &c->left, room);
        done = c->left == 0;
    }
    if (!done)
        return STEP_AGAIN;
    conn_next(c);
    return STEP_OK;
}

/* Produces output until input runs out, the output is full, or a timer has to fire. */
static void conn_process(struct conn *c)
{
    for (;;) {
        enum step r;
        /* A client that sends but does not read gets no more answers until it reads. */
        if (c->state <= ST_TRAILER && evbuffer_get_length(c->out) >= OUT_HIGH)
            return;
        switch (c->state) {
        case ST_HEAD: r = conn_read_head(c); break;
        case ST_BODY:
        case ST_CHUNK_DATA: r = conn_read_body(c); break;
        case ST_CHUNK_SIZE: r = conn_read_chunk_size(c); break;
        case ST_CHUNK_END: r = conn_read_chunk_end(c); break;
        case ST_TRAILER: r = conn_read_trailer(c); break;
        case ST_STREAM:
            if (conn_stream(c) == STEP_AGAIN)
                return; /* output full */
            continue;
        default: return; /* waiting for a timer or the socket, or dead */
        }
        if (r == STEP_AGAIN) {
            /* No more input will come: answer what was complete, drop the rest. */
            if (c->eof)
                conn_begin_close(c);
            return;
        }
    }
}

static void conn_update_events(struct conn *c)
{
    bool want_read = !c->eof && (c->state >= ST_CLOSING || evbuffer_get_length(c->in) < IN_CAP);
    bool want_write = evbuffer_get_length(c->out) > 0;

    if (want_read != c->reading) {
        if (want_read)
            event_add(c->rev, NULL);
        else
            event_del(c->rev);
        c->reading = want_read;
    }
    if (want_write != c->writing) {
        if (want_write)
            event_add(c->wev, NULL);
        else
            event_del(c->wev);
        c->writing = want_write;
    }
}

/* Runs the connection as far as it goes; frees it if it is done. Callers return after it. */
static void conn_run(struct conn *c)
{
    for (int round = 0;; round++) {
        conn_process(c);
        if (c->state == ST_DEAD || evbuffer_get_length(c->out) == 0)
            break;
        /* A fast reader of a big body must not starve the others: the rest of the output
         * waits for EV_WRITE, i.e. for the next turn of the loop. */
        if (round == WRITE_ROUNDS)
            break;
        if (evbuffer_write(c->out, c->fd) < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                c->state = ST_DEAD; /* EPIPE, ECONNRESET: the client is gone */
            break;
        }
        if (evbuffer_get_length(c->out) > 0)
            break; /* the socket is full: wait for EV_WRITE */
    }

    if (c->state == ST_CLOSING && evbuffer_get_length(c->out) == 0) {
        if (c->eof) {
            c->state = ST_DEAD;
        } else {
            /* Closing with unread input makes the kernel send RST, which can destroy the
             * response before the client reads it: half-close and drain for a while. */
            shutdown(c->fd, SHUT_WR);
            c->state = ST_LINGER;
            if (!conn_arm_timer(c, LINGER_MS))
                c->state = ST_DEAD;
        }
    }
    if (c->state == ST_DEAD) {
        conn_free(c);
        return;
    }
    conn_update_events(c);
}

/* Reads what the client sends after the last response, and forgets it. */
static void conn_discard(struct conn *c)
{
    static char scratch[READ_CHUNK];

    for (int i = 0; i < 4; i++) {
        ssize_t n = read(c->fd, scratch, sizeof(scratch));
        if (n > 0)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        c->eof = true;
        if (n < 0 || c->state == ST_LINGER)
            c->state = ST_DEAD;
        return;
    }
}

static void conn_on_read(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    size_t have = evbuffer_get_length(c->in);

    (void)what;
    if (c->state >= ST_CLOSING) {
        conn_discard(c);
        conn_run(c);
        return;
    }
    while (have < IN_CAP) {
        struct evbuffer_iovec v;
        size_t want = IN_CAP - have < READ_CHUNK ? IN_CAP - have : READ_CHUNK;
        if (evbuffer_reserve_space(c->in, (ev_ssize_t)want, &v, 1) < 1) {
            c->state = ST_DEAD;
            break;
        }
        ssize_t n = read(fd, v.iov_base, want);
        if (n > 0) {
            v.iov_len = (size_t)n;
            evbuffer_commit_space(c->in, &v, 1);
            have += (size_t)n;
            if ((size_t)n < want)
                break; /* drained the socket */
            continue;
        }
        if (n == 0)
            c->eof = true;
        else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            c->state = ST_DEAD; /* ECONNRESET and friends */
        break;
    }
    conn_run(c);
}

static void conn_on_write(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    conn_run(arg);
}

static void conn_on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;

    (void)fd;
    (void)what;
    if (c->state == ST_LINGER) {
        conn_free(c);
        return;
    }
    if (c->state == ST_DELAY) {
        conn_count(c);
        resp_add_simple(c->out, 200, "text/plain", "ok\n", 3, c->head_only, conn_header(c),
                        NULL);
        conn_next(c);
    }
    conn_run(c);
}

static bool conn_arm_timer(struct conn *c, long ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

    if (c->timer == NULL)
        c->timer = evtimer_new(c->srv->base, conn_on_timer, c);
    return c->timer != NULL && evtimer_add(c->timer, &tv) == 0;
}

void conn_open(struct target_server *srv, int fd)
{
    struct conn *c = calloc(1, sizeof(*c));

    if (c == NULL) {
        close(fd);
        return;
    }
    c->srv = srv;
    c->fd = fd;
    c->in = evbuffer_new();
    c->out = evbuffer_new();
    c->rev = event_new(srv->base, fd, EV_READ | EV_PERSIST, conn_on_read, c);
    c->wev = event_new(srv->base, fd, EV_WRITE | EV_PERSIST, conn_on_write, c);
    c->next = srv->conns;
    if (c->next != NULL)
        c->next->prev = c;
    srv->conns = c;
    srv->stats.open++;
    if (c->in == NULL || c->out == NULL || c->rev == NULL || c->wev == NULL) {
        conn_free(c);
        return;
    }
    c->state = ST_HEAD;
    c->keep_alive = true;
    conn_update_events(c);
}
