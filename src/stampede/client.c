/* client: the state machine of one virtual user.
 *
 *   next_step ─ predelay ─ request_begin ─ reuse ──────────────────┐
 *       ^                        └─ resolve ─ connect ─ TLS ───────┴─ send ─ receive ─ request_end
 *       │                                                                                 │
 *       ├──────────────── redirect (follow iterators): request_begin of the next hop ─────┤
 *       └───────────────────────────────── postdelay ─────────────────────────────────────┘
 *
 * One timer serves the delays and the whole-request timeout (they never overlap), a second one
 * the connect timeout. An idempotent request that fails on a kept-alive connection before any
 * response byte arrived is retried once on a fresh connection: the server closed it while it
 * was idle.
 *
 * Connections: conns[e] is the kept connection of configured endpoint e; the last slot, the
 * spare, carries requests that must not reuse (so the kept one survives them) and requests to
 * endpoints only a redirect led to. */
#include "client.h"
#include "client_int.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ammo.h"
#include "arrivals.h"
#include "channel.h"
#include "errkind.h"
#include "local_ips.h"
#include "phout.h"
#include "plugin.h"
#include "regress.h"
#include "seq_dispatch.h"
#include "tls.h"
#include "units.h"
#include "worker.h"

enum phase { PH_IDLE = 0, PH_PREDELAY, PH_REQUEST, PH_POSTDELAY, PH_DEFERRED, PH_DONE };

static void next_step(struct client *c);
static void step_begin(struct client *c, int r, int walked);
static void request_begin(struct client *c);
static void request_end(struct client *c, int status, enum errkind kind, const char *reason);
static void request_end_at(struct client *c, int status, enum errkind kind, const char *reason,
                           int64_t now);
static void open_connection(struct client *c);
static void on_readable(evutil_socket_t fd, short what, void *arg);
static void on_writable(evutil_socket_t fd, short what, void *arg);
static struct conn *spare_of(const struct client *c)
{
    return &c->conns[c->w->endpoints->nstatic];
}

static void timer_after(struct client *c, int64_t ns)
{
    struct timeval tv = timeval_of_ns(ns);
    event_add(&c->timer, &tv);
    c->timer_on = 1;
}

static void timer_stop(struct client *c)
{
    if (c->timer_on)
        event_del(&c->timer);
    c->timer_on = 0;
}

static void ctimer_stop(struct client *c)
{
    if (c->ctimer_on)
        event_del(&c->ctimer);
    c->ctimer_on = 0;
}

static void wev_add(struct conn *k)
{
    event_add(&k->wev, NULL);
    k->wev_on = 1;
}

static void wev_del(struct conn *k)
{
    if (k->wev_on)
        event_del(&k->wev);
    k->wev_on = 0;
}

/* Arms the request timeout. A timer still armed for the request before is kept: when it fires
 * early, on_timer re-arms it for what is left (one heap operation saved per request). */
static void deadline_set(struct client *c, const struct timeval *timeout, int64_t ns)
{
    c->deadline_ns = c->t_start + ns;
    if (!c->timer_on || c->timer_at_ns > c->deadline_ns) { /* a shorter timeout than before */
        event_add(&c->timer, timeout);
        c->timer_on = 1;
        c->timer_at_ns = c->deadline_ns;
    }
}

static void conns_close_all(struct client *c, int forget_sessions)
{
    for (size_t i = 0; i <= c->w->endpoints->nstatic; i++) {
        conn_close(&c->conns[i], 1);
        if (forget_sessions)
            conn_forget_session(&c->conns[i]);
    }
}

static void client_finish(struct client *c)
{
    struct worker *w = c->w;
    if (c->finished)
        return;
    c->finished = 1;
    c->in_request = 0;
    c->phase = PH_DONE;
    timer_stop(c);
    ctimer_stop(c);
    dns_cancel(w->dns, &c->dns);
    conns_close_all(c, 0);
    if (hooks_of(c) & HOOK_CLIENT_EXIT)
        plugins_client_exit(c);
    sb_add(&w->slot->c.clients_active, (uint64_t)-1);
    sb_add(&w->slot->c.clients_done, 1);
    worker_client_done(w);
}

/* Ends the request in flight with the last connection error. */
static void fail_conn(struct client *c)
{
    request_end(c, 599, conn_error_kind(), conn_error());
}

/* A kept connection failed before any byte of the response: the server closed it while idle.
 * Returns 1 when a retry on a fresh connection was started. */
/* RFC 9110 9.2.2: what a client may send again without changing what the server did. */
static int method_is_idempotent(const char *m)
{
    static const char *const idempotent[] = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"};
    for (size_t i = 0; i < sizeof(idempotent) / sizeof(idempotent[0]); i++)
        if (strcmp(m, idempotent[i]) == 0)
            return 1;
    return 0;
}

/* A request that failed on a kept-alive connection before any response byte arrived: the
 * server most likely closed the connection while it was idle, so send it again, once, on a
 * fresh one. Not a POST or another non-idempotent method (the server may have acted on it and
 * died before answering) unless retry_non_idempotent says so. */
static int retry_fresh(struct client *c)
{
    if (!c->reused || c->got_bytes || c->retried)
        return 0;
    if (!spec_of(c)->retry_non_idempotent && !method_is_idempotent(client_method(c)))
        return 0;
    c->retried = 1;
    sb_add(&c->w->slot->c.conn_retried, 1);
    c->reused = 0;
    c->sent = 0;
    c->bytes_in = 0;
    http_parser_init(&c->parser, &c->parser.limits, c->parser.head_request);
    conn_close(c->conn, 0);
    open_connection(c);
    return 1;
}

static void send_request(struct client *c)
{
    struct worker *w = c->w;
    struct conn *k = c->conn;
    while (c->sent < c->wire->len) {
        ssize_t n = conn_send(k, c->wire->bytes + c->sent, c->wire->len - c->sent);
        if (n > 0) {
            c->sent += (size_t)n;
            sb_add(&w->slot->c.bytes_sent, (uint64_t)n);
            continue;
        }
        if (n == CONN_AGAIN) {
            if (k->want_write)
                wev_add(k);
            return;
        }
        if (!retry_fresh(c))
            fail_conn(c);
        return;
    }
    c->t_sent = now_ns();
    wev_del(k);
}

/* The connection is up (TLS included): a request goes out, or a channel takes it over (its
 * lifetime, not the request timeout, bounds it then). */
static void connection_ready(struct client *c)
{
    if (!spec_of(c)->url.channel) {
        send_request(c);
        return;
    }
    timer_stop(c);
    channel_open(c);
}

static void handshake(struct client *c)
{
    struct worker *w = c->w;
    struct conn *k = c->conn;
    int r = conn_handshake(k);
    if (r == CONN_AGAIN) {
        if (k->want_write)
            wev_add(k);
        return;
    }
    if (r == CONN_ERROR) {
        fail_conn(c);
        return;
    }
    c->t_tls = now_ns();
    wev_del(k);
    sb_add(SSL_session_reused(k->ssl) ? &w->slot->c.tls_resumed : &w->slot->c.tls_full, 1);
    connection_ready(c);
}

/* The client's newest TLS session with the endpoint in flight, whichever of its connections
 * got it: servers may take a TLS 1.3 ticket only once. */
static SSL_SESSION *saved_session(const struct client *c)
{
    const struct conn *best = NULL;
    if (!spec_of(c)->tls.session_cache)
        return NULL;
    for (size_t i = 0; i <= c->w->endpoints->nstatic; i++) {
        const struct conn *k = &c->conns[i];
        if (k->session && k->session_endpoint == c->ep &&
            (!best || k->session_seq > best->session_seq))
            best = k;
    }
    return best ? best->session : NULL;
}

static void connected(struct client *c)
{
    struct worker *w = c->w;
    struct conn *k = c->conn;
    ctimer_stop(c);
    wev_del(k);
    c->t_connected = now_ns();
    hist_record(&w->slot->connect, (uint64_t)(c->t_connected - c->t_connect_start));
    sb_add(&w->slot->c.conn_opened, 1);
    event_add(&k->rev, NULL);
    const struct endpoint *ep = &w->endpoints->v[c->ep];
    if (!ep->tls) {
        connection_ready(c);
        return;
    }
    const char *why = NULL;
    SSL_CTX *ctx = worker_tls_ctx(w, c->req, &why);
    if (!ctx) {
        request_end(c, 599, ERR_TLS, why);
        return;
    }
    if (conn_tls_begin(k, ctx, ep->host, spec_of(c)->tls.verify, saved_session(c)) < 0) {
        fail_conn(c);
        return;
    }
    if (spec_of(c)->url.channel) /* raw TLS: offering http/1.1 would be a lie */
        SSL_set_alpn_protos(k->ssl, NULL, 0);
    handshake(c);
}

static void on_writable(evutil_socket_t fd, short what, void *arg)
{
    struct conn *k = arg;
    struct client *c = k->owner;
    (void)fd;
    (void)what;
    switch (k->state) {
    case CONN_CONNECTING:
        if (conn_connect_result(k) < 0)
            fail_conn(c);
        else
            connected(c);
        break;
    case CONN_HANDSHAKE:
        handshake(c);
        break;
    case CONN_OPEN:
        if (c->in_request && c->conn == k && c->sent < c->wire->len)
            send_request(c);
        else
            on_readable(k->fd, EV_READ, k); /* a TLS read that wanted to write */
        break;
    default:
        break;
    }
}

/* Makes the spare connection the kept one of endpoint e. The events are re-assigned because
 * libevent events must not move while they are added, and OpenSSL's back pointer follows. */
static void conn_keep_spare(struct client *c, size_t e)
{
    struct conn *kept = &c->conns[e], *spare = c->conn;
    struct worker *w = c->w;
    conn_close(kept, 1);
    conn_forget_session(kept);
    event_del(&spare->rev);
    wev_del(spare);
    *kept = *spare;
    event_assign(&kept->rev, w->base, kept->fd, EV_READ | EV_PERSIST, on_readable, kept);
    event_assign(&kept->wev, w->base, kept->fd, EV_WRITE, on_writable, kept);
    event_add(&kept->rev, NULL);
    if (kept->ssl)
        SSL_set_app_data(kept->ssl, kept);
    spare->fd = -1;
    spare->ssl = NULL;
    spare->session = NULL;
    spare->state = CONN_CLOSED;
    c->conn = kept;
}

/* A complete response, read at `now`. */
static void request_complete(struct client *c, int reusable, int64_t now)
{
    const struct request_spec *spec = spec_of(c);
    size_t nstatic = c->w->endpoints->nstatic;
    if (!(reusable && c->parser.keep_alive && (spec->keepalive & KEEPALIVE_STORE)))
        conn_close(c->conn, 1);
    else if (c->conn == spare_of(c) && c->ep < nstatic)
        conn_keep_spare(c, c->ep);
    request_end_at(c, c->parser.status, ERR_NONE, c->parser.reason, now);
}

/* Bytes arrived on an idle kept connection: a TLS session ticket is fine, anything else (the
 * server's close, stray bytes) means it cannot be reused. */
static void idle_readable(struct client *c, struct conn *k)
{
    if (k->state == CONN_OPEN && k->ssl) {
        for (;;) {
            ssize_t n = conn_recv(k, c->w->rbuf, c->w->rbuf_size);
            if (n == CONN_AGAIN)
                return;
            if (n <= 0)
                break;
        }
    }
    conn_close(k, 0);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    struct conn *k = arg;
    struct client *c = k->owner;
    struct worker *w = c->w;
    (void)fd;
    (void)what;

    if (k->state == CONN_HANDSHAKE) {
        handshake(c);
        return;
    }
    if (!c->in_request || c->conn != k || k->state != CONN_OPEN) {
        idle_readable(c, k);
        return;
    }
    for (;;) {
        ssize_t n = conn_recv(k, w->rbuf, w->rbuf_size);
        if (n > 0) {
            int64_t t = now_ns();
            if (!c->got_bytes) {
                c->got_bytes = 1;
                c->t_first = t;
            }
            c->bytes_in += (uint64_t)n;
            if (w->regress && c->seq_task)
                regress_keep(c, w->rbuf, (size_t)n);
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
            if (c->parser.done) {
                /* extra bytes put the connection out of step: not reusable */
                request_complete(c, used == n && !conn_pending(k), t);
                return;
            }
            if (conn_pending(k)) /* TLS has more decrypted bytes; no event will say so */
                continue;
            return;
        }
        if (n == CONN_AGAIN) {
            if (k->want_write)
                wev_add(k);
            return;
        }
        if (n == 0 && http_parser_eof(&c->parser) == 0) {
            request_complete(c, 0, now_ns());
            return;
        }
        if (retry_fresh(c))
            return;
        if (n == 0)
            request_end(c, 599, ERR_CLOSED, http_parser_error_text(HTTP_ERR_EOF));
        else
            fail_conn(c);
        return;
    }
}

static void connect_to(struct client *c, const struct sockaddr_storage *addr, socklen_t len)
{
    struct worker *w = c->w;
    struct conn *k = c->conn;
    c->t_connect_start = now_ns();
    const struct sockaddr *src = NULL;
    socklen_t srclen = 0;
    if (w->cfg->local_ips &&
        !(src = local_ips_pick(w->cfg->local_ips, addr->ss_family, c->number, &srclen))) {
        /* a host name may resolve to a family the list lacks: known only now */
        request_end(c, 599, ERR_CONNECT, addr->ss_family == AF_INET6
                                             ? "local_ips has no IPv6 address for this target"
                                             : "local_ips has no IPv4 address for this target");
        return;
    }
    int r = conn_connect(k, (const struct sockaddr *)addr, len, src, srclen);
    if (k->fd >= 0) {
        event_assign(&k->rev, w->base, k->fd, EV_READ | EV_PERSIST, on_readable, k);
        event_assign(&k->wev, w->base, k->fd, EV_WRITE, on_writable, k);
    }
    if (r < 0) {
        fail_conn(c);
        return;
    }
    if (r == 1) {
        connected(c);
        return;
    }
    wev_add(k);
    event_add(&c->ctimer, w->connect_timeouts[c->req]);
    c->ctimer_on = 1;
}

static void on_resolved(void *arg, const struct sockaddr_storage *addr, socklen_t len,
                        const char *error)
{
    struct client *c = arg;
    c->t_dns = now_ns();
    if (!addr) {
        request_end(c, 599, ERR_DNS, error);
        return;
    }
    struct sockaddr_storage a = *addr;
    endpoint_set_port(&a, c->w->endpoints->v[c->ep].port);
    connect_to(c, &a, len);
}

/* A new connection for the request in flight on c->conn, when [run] connect_rate lets it:
 * resolve, then connect. */
static void open_connection_now(struct client *c);

static void open_connection(struct client *c)
{
    if (connect_gate_pass(&c->w->gate, c))
        open_connection_now(c); /* else client_gate_go, when its turn comes */
}

void client_gate_go(struct client *c)
{
    open_connection_now(c);
}

void client_gate_abort(struct client *c)
{
    request_end(c, 599, ERR_ABORTED,
                "the run ended while it waited for its turn to connect (connect_rate)");
}

static void open_connection_now(struct client *c)
{
    struct worker *w = c->w;
    const struct endpoint *ep = &w->endpoints->v[c->ep];
    c->conn->owner = c;
    c->conn->endpoint = c->ep;
    if (ep->literal) {
        connect_to(c, &ep->addr, ep->addrlen);
        return;
    }
    struct sockaddr_storage addr;
    socklen_t len = 0;
    const char *error = NULL;
    int r = dns_resolve(w->dns, ep->host, &c->dns, &addr, &len, &error, &c->dns_cached);
    sb_add(c->dns_cached ? &w->slot->c.dns_hits : &w->slot->c.dns_misses, 1);
    if (r == 0)
        return; /* on_resolved goes on */
    on_resolved(c, r > 0 ? &addr : NULL, len, error);
}

static void request_begin(struct client *c)
{
    struct worker *w = c->w;
    const struct request_spec *spec = spec_of(c);
    const struct endpoints *eps = w->endpoints;

    c->t_start = now_ns();
    c->t_dns = c->t_connected = c->t_tls = c->t_sent = c->t_first = c->t_headers = 0;
    c->sent = 0;
    c->bytes_in = 0;
    c->reused = c->retried = c->got_bytes = c->dns_cached = 0;
    c->location_len = 0;
    c->location_bad = 0;
    c->body_len = 0;
    c->nhdrs = c->harena_len = 0;
    c->in_request = 1;
    c->phase = PH_REQUEST;
    if (c->hop == 0) { /* as configured, serialised once; a hop was set up by redirect_prepare */
        c->method = spec->method;
        c->url = &spec->url;
        c->url_text = spec->url_text;
        c->wire = &w->wires[c->req];
        c->ep = eps->of_request[c->req];
        c->head = w->head[c->req];
        c->chain_method = spec->method;
        c->chain_body = spec->has_body;
        c->chain_credentials = 1;
        if (c->shot) { /* ammo: the file's bytes, as they are */
            c->method = c->shot->method;
            c->wire = &c->shot->wire;
            c->head = strcmp(c->method, "HEAD") == 0;
        }
        if (c->seq_wire) /* a sequence's repetition with its own Cookie */
            c->wire = c->seq_wire;
    }
    client_parser_prepare(c, spec, c->head);
    if (!spec->url.channel)
        sb_add(&w->slot->c.requests_started, 1);
    deadline_set(c, w->timeouts[c->req], spec->timeout_ns);
    if (spec->templated && c->hop == 0 && !c->shot) { /* its ${NAME}s, rendered for this send */
        const char *why = NULL;
        int r = client_session_render(c, &why);
        if (r == 0 && c->seq_cookie && client_session_seq_cookie(c, c->seq_cookie) != 0) {
            r = -1;
            why = "out of memory";
        }
        if (r != 0) {
            request_end(c, 599, r > 0 ? ERR_UNSET_VARIABLE : ERR_SOCKET, why);
            return;
        }
    }
    if (hooks_of(c) & HOOK_REQ_START) {
        const char *why = NULL;
        int head = c->head;
        if (plugins_req_start(c, &why) != 0) {
            request_end(c, 599, ERR_PLUGIN, why);
            return;
        }
        if (c->head != head) /* a hook made it a HEAD, or made a HEAD something else */
            client_parser_prepare(c, spec, c->head);
    }
    if (c->session && client_session_cookies(c) != 0) {
        request_end(c, 599, ERR_SOCKET, "out of memory");
        return;
    }

    /* kept connection: the endpoint's own slot, or the spare for one a redirect led to */
    struct conn *kept = c->ep < eps->nstatic ? &c->conns[c->ep] : spare_of(c);
    int keep = (spec->keepalive & KEEPALIVE_USE) && !spec->url.channel; /* a channel: its own */
    if (keep && kept->state == CONN_OPEN && kept->endpoint == c->ep) {
        c->conn = kept;
        c->reused = 1;
        c->t_connected = c->t_start;
        send_request(c);
        return;
    }
    /* A request that must not reuse goes out on the spare, leaving the kept one for the next
     * request that may. */
    c->conn = keep ? kept : spare_of(c);
    conn_close(c->conn, 1);
    open_connection(c);
}

static void request_end(struct client *c, int status, enum errkind kind, const char *reason)
{
    request_end_at(c, status, kind, reason, now_ns());
}

static int failed_before_server(enum errkind kind)
{
    return kind == ERR_DNS || kind == ERR_SOCKET || kind == ERR_CONNECT_REFUSED ||
           kind == ERR_CONNECT;
}

/* The request in flight ended at `now`: count it, tell the plugins, go on. */
static void request_end_at(struct client *c, int status, enum errkind kind, const char *reason,
                           int64_t now)
{
    struct worker *w = c->w;
    const struct request_spec *spec = spec_of(c);
    int64_t latency = now - c->t_start;

    ctimer_stop(c);
    dns_cancel(w->dns, &c->dns);
    if (c->gate_waiting)
        connect_gate_cancel(&w->gate, c);
    if (kind != ERR_NONE && c->conn)
        conn_close(c->conn, 0);
    c->in_request = 0;
    c->conn = NULL;
    int channel = spec->url.channel; /* counted as a channel, not as an HTTP request */
    /* after the connection's fate is settled: a wrong answer is no reason to close it */
    if (!channel && kind == ERR_NONE && spec->checks)
        kind = client_check_response(c, &reason);
    /* a response the request counts as right gives its values to the next requests */
    if (!channel && kind == ERR_NONE && spec->captures &&
        ((status >= 100 && status <= 399) || c->status_expected))
        kind = client_session_capture(c, &reason);
    if (channel)
        channel_count_end(c, kind);
    else
        client_count_result(c, status, kind, latency);
    if (kind != ERR_NONE)
        client_count_reason(c, kind, reason);
    if (c->seq_task)
        seq_request_end(c, status, kind, latency);
    if (!channel && (hooks_of(c) & CAPTURE_HOOKS))
        client_result_fill(c, status, kind, reason, now);
    if (!channel && (hooks_of(c) & HOOK_REQ_DONE))
        plugins_req_done(c, &c->result);

    int follow = !channel && kind == ERR_NONE && !w->stopping && client_redirect_prepare(c, status);
    /* the postdelay of a redirect chain comes after its last hop only */
    int64_t post = follow ? 0 : rng_jitter(&c->rng, spec->postdelay_ns, spec->postjitter_ns);
    if (!follow) {
        post += c->extra_delay_ns;
        c->extra_delay_ns = 0;
    }
    /* A request that failed before any server saw it (no address, no socket, refused, or
     * failed inside request_begin) would fail again at once: back off, so that a dead target
     * or a broken setup is not hammered at millions of requests a second. */
    if (kind != ERR_NONE && (c->depth > 0 || failed_before_server(kind)) &&
        post < w->cfg->fail_backoff_ns)
        post = w->cfg->fail_backoff_ns;
    if (w->trace.fd >= 0 && !channel) {
        struct trace_record r = {
            .worker = w->run_index, .client = c->number, .round = c->round, .request = spec->name,
            .start_ns = c->t_start - w->t0, .predelay_ns = c->predelay_ns,
            .postdelay_ns = post, .status = status, .latency_ns = latency,
            .bytes_in = c->bytes_in, .reused = c->reused, .retried = c->retried,
            .hop = follow ? c->hop - 1 : c->hop, .reason = kind ? reason : "",
        };
        trace_write(&w->trace, &r);
    }
    if (w->phout.fd >= 0 && !channel) {
        int64_t ready = c->t_tls > c->t_connected ? c->t_tls : c->t_connected;
        struct phout_record r = {
            .wall_start_ns = c->t_start + w->wall_offset_ns, .tag = spec->name,
            .start = c->t_start, .ready = ready, .sent = c->t_sent, .first_byte = c->t_first,
            .headers = c->t_headers, .end = now, .reused = c->reused, .size_out = c->sent,
            .size_in = c->bytes_in, .kind = kind, .status = status,
        };
        phout_write(&w->phout, &r);
    }
    if (follow) {
        c->predelay_ns = 0;
        c->depth++;
        request_begin(c);
        c->depth--;
        return;
    }
    c->hop = 0;
    if (w->stopping) {
        client_finish(c);
        return;
    }
    if (post > 0) {
        c->phase = PH_POSTDELAY;
        timer_after(c, post);
    } else if (c->depth > 0) {
        /* Ended inside request_begin with fail_backoff = 0: go on from the loop, not by
         * recursion, which would grow the stack without bound, and through a zero-delay timer,
         * not event_active(): active events run in the same pass, so a client failing at once
         * would starve I/O, signals and the end of the run. */
        c->phase = PH_DEFERRED;
        timer_stop(c);
        timer_after(c, 0);
    } else {
        next_step(c);
    }
}

/* Ammo: the request number k of the run takes entry k mod n. In the open model k is the
 * arrival's number; in the closed model client i of C sends k = i, i + C, i + 2C ..., and a
 * round is one pass over the file (rounds = R: k < R n). Returns the entry's request (its
 * tag), or -1 when the client has no more. */
static int ammo_next(struct client *c)
{
    const struct config *cfg = c->w->cfg;
    uint64_t k = c->arrival_number;
    if (!cfg->schedule) {
        k = c->number + c->shots * cfg->clients;
        c->round = k / cfg->ammo->n;
        if (cfg->rounds && c->round >= cfg->rounds)
            return -1;
        c->shots++;
    }
    c->shot = ammo_entry(cfg->ammo, k);
    return (int)c->shot->tag;
}

static size_t round_first(struct client *c)
{
    size_t n = c->w->cfg->nrequests;
    return (c->w->cfg->iterator & ITERATOR_RANDOM_START) ? rng_bounded(&c->rng, (uint32_t)n) : 0;
}

/* The iterator: a plugin's, else the built-in walk of the list from c->first. */
static void next_step(struct client *c)
{
    struct worker *w = c->w;
    const struct config *cfg = w->cfg;
    if (w->stopping) {
        client_finish(c);
        return;
    }
    if (cfg->nsequences) { /* a step of a sequence, then back to the scheduler */
        int r = seq_next_request(c);
        if (r < 0) {
            if (cfg->schedule) {
                timer_stop(c); /* the request timer, kept armed between requests, must not fire */
                arrivals_client_free(w, c);
            } else {
                /* the slot's next step comes soon: the request timer stays armed, as between
                 * the plain model's requests (one heap operation less per step), and fires on
                 * an idle client for nothing */
                c->phase = PH_IDLE;
                seq_client_free(w, c);
            }
            return;
        }
        step_begin(c, r, 0);
        return;
    }
    if (cfg->schedule) { /* the open model: one request per arrival, then wait for another */
        if (!c->arrival) {
            timer_stop(c); /* the request timer, kept armed between requests, must not fire */
            arrivals_client_free(w, c);
            return;
        }
        c->arrival = 0;
    }
    if (w->requests_left == 0) {
        client_finish(c);
        return;
    }
    int r, walked = 0;
    if (cfg->ammo) {
        if ((r = ammo_next(c)) < 0) {
            client_finish(c);
            return;
        }
    } else for (;;) {
        r = STAMPEDE_NEXT_DEFAULT;
        if (hooks_of(c) & HOOK_NEXT)
            r = plugins_next_request(c, c->round_count ? &c->result : NULL);
        walked = r == STAMPEDE_NEXT_DEFAULT;
        if (walked)
            r = c->step < cfg->nrequests ? (int)((c->first + c->step) % cfg->nrequests)
                                         : STAMPEDE_NEXT_END;
        if (r != STAMPEDE_NEXT_END)
            break;
        /* the round is over; an empty one ends the client, or it would spin */
        int empty = c->round_count == 0;
        c->round++;
        c->step = 0;
        c->round_count = 0;
        c->first = round_first(c);
        if ((cfg->rounds && c->round >= cfg->rounds) || empty) {
            client_finish(c);
            return;
        }
    }
    worker_count_request(w);
    step_begin(c, r, walked);
}

/* Begins request r (after its predelay): walked says it moved the walk of the list. */
static void step_begin(struct client *c, int r, int walked)
{
    c->req = (size_t)r;
    c->step += walked; /* a plugin's choice does not move the walk of the list */
    c->round_count++;
    c->hop = 0;
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
    c->timer_on = 0;
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
        int64_t now = now_ns();
        if (now < c->deadline_ns) { /* armed for an earlier request: wait for the rest */
            timer_after(c, c->deadline_ns - now);
            c->timer_at_ns = c->deadline_ns;
            break;
        }
        char why[64], d[32];
        snprintf(why, sizeof(why), "timeout after %s",
                 units_format_duration(now_ns() - c->t_start, d, sizeof(d)));
        int connecting = c->conn && c->conn->state == CONN_CONNECTING;
        request_end(c, 599, connecting ? ERR_CONNECT_TIMEOUT : ERR_TIMEOUT, why);
        break;
    }
    default:
        break;
    }
}

static void on_connect_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    char why[64], d[32];
    (void)fd;
    (void)what;
    c->ctimer_on = 0;
    snprintf(why, sizeof(why), "connect timeout after %s",
             units_format_duration(now_ns() - c->t_connect_start, d, sizeof(d)));
    request_end(c, 599, ERR_CONNECT_TIMEOUT, why);
}

int client_init(struct client *c, struct worker *w, uint64_t number)
{
    memset(c, 0, sizeof(*c));
    c->w = w;
    c->number = number;
    c->dns.entry = -1;
    c->dns.cb = on_resolved;
    c->dns.arg = c;
    rng_seed(&c->rng, w->cfg->seed, number);
    size_t n = w->endpoints->nstatic + 1;
    c->conns = calloc(n, sizeof(*c->conns));
    if (!c->conns)
        return -1;
    for (size_t i = 0; i < n; i++) {
        c->conns[i].fd = -1;
        c->conns[i].endpoint = i;
        c->conns[i].owner = c;
    }
    unsigned hooks = w->plugins->hooks;
    /* a header line split across two reads is gathered here: for the follow iterators, the
     * plugins' hooks and the expect_header checks */
    if ((w->cfg->iterator & ITERATOR_FOLLOW) || (hooks & CAPTURE_HOOKS) ||
        w->cfg->check_headers || w->cfg->capture_headers) {
        int whole = (hooks & CAPTURE_HOOKS) || w->cfg->check_headers || w->cfg->capture_headers;
        if (!(c->hdrbuf = malloc(whole ? HDRBUF_CAPTURE : HDRBUF_FOLLOW)))
            return -1;
    }
    if (w->cfg->iterator & ITERATOR_FOLLOW) {
        size_t most = 1;
        for (size_t r = 0; r < w->cfg->nrequests; r++)
            if (w->cfg->requests[r].nheaders > most)
                most = w->cfg->requests[r].nheaders;
        if (!(c->hop_headers = calloc(most, sizeof(*c->hop_headers))))
            return -1;
    }
    if (client_session_init(c) != 0)
        return -1;
    if (w->plugins->n && !(c->userdata = calloc(w->plugins->n, sizeof(*c->userdata))))
        return -1;
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
    if (hooks_of(c) & HOOK_CLIENT_INIT)
        plugins_client_init(c);
    next_step(c);
}

void client_serve(struct client *c, int64_t intended_ns, uint64_t number)
{
    c->arrival = 1;
    c->intended_ns = intended_ns;
    c->arrival_number = number;
    if (c->started)
        next_step(c);
    else
        client_start(c);
}

void client_stop(struct client *c)
{
    if (channel_is_open(c)) { /* it ends now, and the client with it */
        channel_stop(c);
        return;
    }
    if (!c->started || c->finished || c->in_request)
        return;
    if (c->w->cfg->schedule && c->phase == PH_PREDELAY) /* its arrival was taken, not sent */
        sb_add(&c->w->slot->c.dropped, 1);
    client_finish(c);
}

void client_abort(struct client *c)
{
    if (c->started && !c->finished && c->in_request)
        request_end(c, 599, ERR_ABORTED, "aborted at the end of the run");
}

void client_request_end(struct client *c, int status, enum errkind kind, const char *reason)
{
    request_end(c, status, kind, reason);
}

void client_free(struct client *c)
{
    channel_free(c);
    if (c->conns && c->w)
        conns_close_all(c, 1);
    free(c->conns);
    c->conns = NULL;
    url_free(&c->own_url);
    free(c->own_url_text);
    free(c->own_method);
    http_request_free(&c->own_wire);
    free(c->hop_headers);
    free(c->location);
    free(c->hdrbuf);
    free(c->body);
    free(c->why);
    if (c->w)
        client_session_free(c);
    free(c->userdata);
    free(c->hdrs);
    free(c->harena);
}
