/* client: the state machine of one virtual user.
 *
 *   next_step ─ predelay ─ request_begin ─ (reuse | connect) ─ send ─ receive ─ request_end
 *       ^                                                                        │
 *       └──────────────────────────── postdelay ─────────────────────────────────┘
 *
 * One timer serves the delays and the whole-request timeout (they never overlap), a second one
 * the connect timeout. A request that fails on a kept-alive connection before any response byte
 * arrived is retried once on a fresh connection: the server closed it while it was idle. */
#include "client.h"

#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errkind.h"
#include "units.h"
#include "worker.h"

enum phase { PH_IDLE = 0, PH_PREDELAY, PH_REQUEST, PH_POSTDELAY, PH_DEFERRED, PH_DONE };

static void next_step(struct client *c);
static void request_begin(struct client *c);
static void request_end(struct client *c, int status, enum errkind kind, const char *reason);
static void conn_open(struct client *c, struct conn *k);
static void on_readable(evutil_socket_t fd, short what, void *arg);

static const struct request_spec *spec_of(const struct client *c)
{
    return &c->w->cfg->requests[c->req];
}

static void timer_after(struct client *c, int64_t ns)
{
    struct timeval tv = {.tv_sec = ns / 1000000000, .tv_usec = (ns % 1000000000) / 1000};
    event_add(&c->timer, &tv);
}

static void conn_close(struct conn *k)
{
    if (!k || k->fd < 0)
        return;
    event_del(&k->rev);
    event_del(&k->wev);
    close(k->fd);
    k->fd = -1;
    k->connecting = 0;
}

static void client_finish(struct client *c)
{
    struct worker *w = c->w;
    if (c->finished)
        return;
    c->finished = 1;
    c->in_request = 0;
    event_del(&c->timer);
    event_del(&c->ctimer);
    for (size_t i = 0; i <= w->endpoints->n; i++)
        conn_close(&c->conns[i]);
    sb_add(&w->slot->c.clients_active, (uint64_t)-1);
    sb_add(&w->slot->c.clients_done, 1);
    worker_client_done(w);
}

static enum errkind kind_of_errno(int err, enum errkind other)
{
    switch (err) {
    case ECONNREFUSED: return ERR_CONNECT_REFUSED;
    case ECONNRESET: return ERR_RESET;
    case ETIMEDOUT: return other == ERR_CONNECT ? ERR_CONNECT_TIMEOUT : ERR_TIMEOUT;
    default: return other;
    }
}

/* A kept connection failed before any byte of the response: the server closed it while idle.
 * Returns 1 when a retry on a fresh connection was started. */
static int retry_fresh(struct client *c)
{
    if (!c->reused || c->got_bytes || c->retried)
        return 0;
    c->retried = 1;
    c->reused = 0;
    c->sent = 0;
    c->bytes_in = 0;
    http_parser_init(&c->parser, NULL, c->parser.head_request);
    conn_close(c->conn);
    conn_open(c, c->conn);
    return 1;
}

static void send_request(struct client *c)
{
    struct worker *w = c->w;
    const struct wire *wire = &w->wires[c->req];
    struct conn *k = c->conn;
    for (;;) {
        ssize_t n = send(k->fd, wire->bytes + c->sent, wire->len - c->sent, MSG_NOSIGNAL);
        if (n > 0) {
            c->sent += (size_t)n;
            sb_add(&w->slot->c.bytes_sent, (uint64_t)n);
            if (c->sent == wire->len) {
                c->t_sent = now_ns();
                event_del(&k->wev);
                return;
            }
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            event_add(&k->wev, NULL);
            return;
        }
        int err = errno;
        if (retry_fresh(c))
            return;
        request_end(c, 599, kind_of_errno(err, ERR_WRITE), strerror(err));
        return;
    }
}

static void connected(struct client *c)
{
    struct worker *w = c->w;
    struct conn *k = c->conn;
    k->connecting = 0;
    event_del(&c->ctimer);
    c->t_connected = now_ns();
    hist_record(&w->slot->connect, (uint64_t)(c->t_connected - c->t_connect_start));
    sb_add(&w->slot->c.conn_opened, 1);
    event_add(&k->rev, NULL);
    send_request(c);
}

static void on_writable(evutil_socket_t fd, short what, void *arg)
{
    struct conn *k = arg;
    struct client *c = k->owner;
    (void)what;
    if (!k->connecting) {
        send_request(c);
        return;
    }
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    if (err) {
        request_end(c, 599, kind_of_errno(err, ERR_CONNECT), strerror(err));
        return;
    }
    connected(c);
}

/* Makes the spare connection the kept one of endpoint e. The events are re-assigned because
 * libevent events must not move while they are added. */
static void conn_keep_spare(struct client *c, size_t e)
{
    struct conn *kept = &c->conns[e], *spare = c->conn;
    conn_close(kept);
    event_del(&spare->rev);
    *kept = *spare;
    event_assign(&kept->rev, c->w->base, kept->fd, EV_READ | EV_PERSIST, on_readable, kept);
    event_assign(&kept->wev, c->w->base, kept->fd, EV_WRITE, on_writable, kept);
    event_add(&kept->rev, NULL);
    spare->fd = -1;
    c->conn = kept;
}

static void request_complete(struct client *c, int reusable)
{
    const struct request_spec *spec = spec_of(c);
    const struct endpoints *eps = c->w->endpoints;
    if (!(reusable && c->parser.keep_alive && (spec->keepalive & KEEPALIVE_STORE)))
        conn_close(c->conn);
    else if (c->conn == &c->conns[eps->n])
        conn_keep_spare(c, eps->of_request[c->req]);
    request_end(c, c->parser.status, ERR_NONE, c->parser.reason);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    struct conn *k = arg;
    struct client *c = k->owner;
    struct worker *w = c->w;
    (void)what;

    if (!c->in_request || c->conn != k || k->connecting) {
        /* An idle kept connection became readable: the server closed it (or sent bytes nobody
         * asked for). Either way it cannot be reused. */
        conn_close(k);
        return;
    }
    ssize_t n = recv(fd, w->rbuf, w->rbuf_size, 0);
    if (n > 0) {
        int64_t t = now_ns();
        if (!c->got_bytes) {
            c->got_bytes = 1;
            c->t_first = t;
        }
        c->bytes_in += (uint64_t)n;
        ssize_t used = http_parser_feed(&c->parser, w->rbuf, (size_t)n);
        if (used < 0) {
            enum http_parse_error e = c->parser.error;
            request_end(c, 599,
                        e == HTTP_ERR_HEADERS_SIZE || e == HTTP_ERR_HEADERS_COUNT
                            ? ERR_HEADERS_TOO_LARGE
                            : ERR_PARSE,
                        http_parser_error_text(e));
            return;
        }
        if (c->parser.headers_done && !c->t_headers)
            c->t_headers = t;
        if (c->parser.done)
            request_complete(c, used == n); /* extra bytes: the connection is out of step */
        return;
    }
    if (n == 0) {
        if (http_parser_eof(&c->parser) == 0) {
            request_complete(c, 0);
            return;
        }
        if (retry_fresh(c))
            return;
        request_end(c, 599, ERR_CLOSED, http_parser_error_text(HTTP_ERR_EOF));
        return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return;
    int err = errno;
    if (retry_fresh(c))
        return;
    request_end(c, 599, kind_of_errno(err, ERR_READ), strerror(err));
}

static void conn_open(struct client *c, struct conn *k)
{
    struct worker *w = c->w;
    const struct endpoint *ep = &w->endpoints->v[w->endpoints->of_request[c->req]];

    int fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int err = errno;
        request_end(c, 599, ERR_SOCKET,
                    err == EMFILE || err == ENFILE ? "out of file descriptors (raise ulimit -n)"
                                                   : strerror(err));
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    k->fd = fd;
    k->owner = c;
    event_assign(&k->rev, w->base, fd, EV_READ | EV_PERSIST, on_readable, k);
    event_assign(&k->wev, w->base, fd, EV_WRITE, on_writable, k);
    c->t_connect_start = now_ns();
    if (connect(fd, (const struct sockaddr *)&ep->addr, ep->addrlen) == 0) {
        connected(c);
        return;
    }
    if (errno != EINPROGRESS) {
        int err = errno;
        request_end(c, 599, kind_of_errno(err, ERR_CONNECT), strerror(err));
        return;
    }
    k->connecting = 1;
    event_add(&k->wev, NULL);
    event_add(&c->ctimer, w->connect_timeouts[c->req]);
}

static void request_begin(struct client *c)
{
    struct worker *w = c->w;
    const struct request_spec *spec = spec_of(c);
    const struct endpoints *eps = w->endpoints;
    size_t e = eps->of_request[c->req];

    c->t_start = now_ns();
    c->t_connected = c->t_sent = c->t_first = c->t_headers = 0;
    c->sent = 0;
    c->bytes_in = 0;
    c->reused = c->retried = c->got_bytes = 0;
    c->in_request = 1;
    c->phase = PH_REQUEST;
    http_parser_init(&c->parser, NULL, w->head[c->req]);
    sb_add(&w->slot->c.requests_started, 1);
    event_add(&c->timer, w->timeouts[c->req]);

    if (eps->v[e].error[0]) {
        request_end(c, 599, ERR_DNS, eps->v[e].error);
        return;
    }
    struct conn *k = &c->conns[e];
    if (!(spec->keepalive & KEEPALIVE_USE)) {
        /* A request that must not reuse leaves the kept connection alone for the next one
         * that may: it goes out on the spare slot. */
        k = &c->conns[eps->n];
    } else if (k->fd >= 0 && !k->connecting) {
        c->conn = k;
        c->reused = 1;
        c->t_connected = c->t_start;
        send_request(c);
        return;
    }
    c->conn = k;
    conn_close(k);
    conn_open(c, k);
}

static void count_result(struct client *c, int status, enum errkind kind, int64_t latency)
{
    struct worker *w = c->w;
    struct sb_counters *sc = &w->slot->c;
    struct sb_reqstat *rs = w->reqstats[c->req];
    int ok = kind == ERR_NONE && status >= 100 && status <= 399;

    sb_add(ok ? &sc->requests_ok : &sc->requests_failed, 1);
    sb_add(&sc->status[status >= 0 && status < SB_STATUS_MAX ? status : 0], 1);
    if (kind == ERR_NONE) {
        sb_add(&sc->status_class[status / 100 <= 5 ? status / 100 : 0], 1);
        sb_add(&sc->header_count, c->parser.header_count);
        sb_add(&sc->header_bytes, c->parser.header_bytes);
        sb_add(&sc->body_bytes, c->parser.body_bytes);
    } else {
        sb_add(&sc->errors[kind], 1);
    }
    sb_add(&sc->bytes_received, c->bytes_in);
    if (c->reused)
        sb_add(&sc->conn_reused, 1);
    hist_record(&w->slot->latency, (uint64_t)latency);
    sb_add(&rs->count, 1);
    sb_add(ok ? &rs->ok : &rs->failed, 1);
    hist_record(&rs->latency, (uint64_t)latency);
}

static void request_end(struct client *c, int status, enum errkind kind, const char *reason)
{
    struct worker *w = c->w;
    const struct request_spec *spec = spec_of(c);
    int64_t latency = now_ns() - c->t_start;

    event_del(&c->timer);
    event_del(&c->ctimer);
    if (kind != ERR_NONE)
        conn_close(c->conn);
    c->in_request = 0;
    c->conn = NULL;
    count_result(c, status, kind, latency);

    int64_t post = rng_jitter(&c->rng, spec->postdelay_ns, spec->postjitter_ns);
    if (w->trace.fd >= 0) {
        struct trace_record r = {
            .worker = w->index, .client = c->number, .round = c->round, .request = spec->name,
            .start_ns = c->t_start - w->t0, .predelay_ns = c->predelay_ns,
            .postdelay_ns = post, .status = status, .latency_ns = latency,
            .bytes_in = c->bytes_in, .reused = c->reused, .reason = kind ? reason : "",
        };
        trace_write(&w->trace, &r);
    }
    if (w->stopping) {
        client_finish(c);
        return;
    }
    if (post > 0) {
        c->phase = PH_POSTDELAY;
        timer_after(c, post);
    } else if (c->depth > 0) {
        /* Ended inside request_begin (refused, no address): go on from the loop, not by
         * recursion, or a tight failing loop would grow the stack without bound. */
        c->phase = PH_DEFERRED;
        event_active(&c->timer, EV_TIMEOUT, 1);
    } else {
        next_step(c);
    }
}

static size_t round_first(struct client *c)
{
    size_t n = c->w->cfg->nrequests;
    return c->w->cfg->iterator == ITERATOR_RANDOM_START ? rng_bounded(&c->rng, (uint32_t)n) : 0;
}

static void next_step(struct client *c)
{
    struct worker *w = c->w;
    const struct config *cfg = w->cfg;
    if (w->stopping) {
        client_finish(c);
        return;
    }
    if (c->step == cfg->nrequests) {
        c->round++;
        c->step = 0;
        if (cfg->rounds && c->round >= cfg->rounds) {
            client_finish(c);
            return;
        }
        c->first = round_first(c);
    }
    c->req = (c->first + c->step) % cfg->nrequests;
    c->step++;
    const struct request_spec *spec = spec_of(c);
    c->predelay_ns = rng_jitter(&c->rng, spec->predelay_ns, spec->prejitter_ns);
    if (c->predelay_ns > 0) {
        c->phase = PH_PREDELAY;
        timer_after(c, c->predelay_ns);
        return;
    }
    c->depth++;
    request_begin(c);
    c->depth--;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    (void)fd;
    (void)what;
    switch (c->phase) {
    case PH_PREDELAY:
        c->depth++;
        request_begin(c);
        c->depth--;
        break;
    case PH_POSTDELAY:
    case PH_DEFERRED:
        next_step(c);
        break;
    case PH_REQUEST: {
        char why[64];
        char d[32];
        snprintf(why, sizeof(why), "timeout after %s",
                 units_format_duration(now_ns() - c->t_start, d, sizeof(d)));
        request_end(c, 599, c->conn && c->conn->connecting ? ERR_CONNECT_TIMEOUT : ERR_TIMEOUT,
                    why);
        break;
    }
    default:
        break;
    }
}

static void on_connect_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    char why[64];
    char d[32];
    (void)fd;
    (void)what;
    snprintf(why, sizeof(why), "connect timeout after %s",
             units_format_duration(now_ns() - c->t_connect_start, d, sizeof(d)));
    request_end(c, 599, ERR_CONNECT_TIMEOUT, why);
}

int client_init(struct client *c, struct worker *w, uint64_t number)
{
    memset(c, 0, sizeof(*c));
    c->w = w;
    c->number = number;
    rng_seed(&c->rng, w->cfg->seed, number);
    /* one kept connection per endpoint, plus a spare for requests that do not reuse */
    c->conns = calloc(w->endpoints->n + 1, sizeof(*c->conns));
    if (!c->conns)
        return -1;
    for (size_t i = 0; i <= w->endpoints->n; i++)
        c->conns[i].fd = -1;
    event_assign(&c->timer, w->base, -1, 0, on_timer, c);
    event_assign(&c->ctimer, w->base, -1, 0, on_connect_timeout, c);
    return 0;
}

void client_start(struct client *c)
{
    struct worker *w = c->w;
    sb_add(&w->slot->c.clients_started, 1);
    sb_add(&w->slot->c.clients_active, 1);
    c->started = 1;
    c->round = 0;
    c->step = 0;
    c->first = round_first(c);
    next_step(c);
}

void client_stop(struct client *c)
{
    if (!c->started || c->finished || c->in_request)
        return;
    client_finish(c);
}

void client_abort(struct client *c)
{
    if (c->started && !c->finished && c->in_request)
        request_end(c, 599, ERR_ABORTED, "aborted at the end of the run");
}

void client_free(struct client *c)
{
    if (c->conns && c->w)
        for (size_t i = 0; i <= c->w->endpoints->n; i++)
            conn_close(&c->conns[i]);
    free(c->conns);
    c->conns = NULL;
}
