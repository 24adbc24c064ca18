/*
 * target_exchange: the HTTP side of a stampede-target connection. Takes requests off the
 * connection's input one at a time (head, then Content-Length or chunked body), answers each
 * before looking at the next, so pipelined answers come out in order, and stops producing
 * when the client does not read. Socket I/O is target_conn.c's business.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "target_conn_int.h"
#include "target_resp.h"
#include "target_session.h"
#include "target_stats.h"
#include "target_ws.h"

#define LINE_MAX_ 4096 /* chunk-size and trailer lines */

/* Room to decode one head's URL or credentials into. The server is one thread and is done
 * with a head before it looks at the next, so one pair serves every connection. */
static char decoded[TARGET_HEAD_MAX], expected[TARGET_HEAD_MAX];

enum step { STEP_OK, STEP_AGAIN };

static size_t min_size(size_t a, uint64_t b)
{
    return b < a ? (size_t)b : a;
}

static enum resp_conn exchange_conn_header(const struct target_conn *c)
{
    if (!c->keep_alive)
        return RESP_CONN_CLOSE;
    return c->http10 ? RESP_CONN_KEEP_ALIVE : RESP_CONN_DEFAULT;
}

/* Called as the final response head is queued, so a request counts once, when answered. */
static void exchange_count(struct target_conn *c)
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
static void exchange_consume(struct target_conn *c, size_t n)
{
    evbuffer_drain(c->in, n);
    if (!c->uncounted)
        c->srv->stats.bytes_received += n;
}

static void exchange_begin_close(struct target_conn *c)
{
    evbuffer_drain(c->in, evbuffer_get_length(c->in));
    c->state = ST_CLOSING;
}

/* The current response is completely queued: on to the next request, or to closing. */
static void exchange_next(struct target_conn *c)
{
    if (!c->keep_alive) {
        exchange_begin_close(c);
        return;
    }
    c->state = ST_HEAD;
    c->answered = c->echo = c->echo_chunked = c->uncounted = false;
    c->status = 0;
    c->left = c->off = 0;
    c->scan = 0;
}

/* Answers a malformed request and closes. If a response has started (an /echo whose
 * chunked body turns out bad) there is no way to say so in-band: drop the connection. */
static void exchange_reject(struct target_conn *c, int code)
{
    if (c->answered) {
        c->state = ST_DEAD;
        return;
    }
    c->keep_alive = false;
    c->uncounted = false;
    c->match.bucket = BUCKET_INVALID;
    exchange_consume(c, evbuffer_get_length(c->in));
    exchange_count(c);
    resp_add_status(c->out, code, false, RESP_CONN_CLOSE);
    exchange_begin_close(c);
}

/* code=C of /redirect and /redirect-to: 302 without one, 0 if C is not a redirect. */
static int exchange_redirect_code(const struct target_match *m)
{
    const char *v;
    size_t n;

    if (m->query == NULL || !target_http_query_get(m->query, m->query_len, "code", &v, &n))
        return 302;
    if (n != 3 || v[0] != '3' || v[1] != '0' || strchr("12378", v[2]) == NULL)
        return 0;
    return 300 + (v[2] - '0');
}

/* /redirect/N: Location is the next hop, with the query as it came so that it holds on
 * every hop; rel=1 makes it relative to /redirect/. */
static int exchange_decide_redirect(struct target_conn *c)
{
    const struct target_match *m = &c->match;
    int code = exchange_redirect_code(m);
    const char *v;
    size_t n;
    bool rel = false;

    if (m->query != NULL && target_http_query_get(m->query, m->query_len, "rel", &v, &n)) {
        if (n != 1 || (v[0] != '0' && v[0] != '1'))
            return 400;
        rel = v[0] == '1';
    }
    if (code == 0)
        return 400;
    if (m->arg == 0)
        return 200;
    evbuffer_add_printf(c->extra, "Location: %s%llu", rel ? "" : "/redirect/",
                        (unsigned long long)(m->arg - 1));
    if (m->query != NULL) {
        evbuffer_add(c->extra, "?", 1);
        evbuffer_add(c->extra, m->query, m->query_len);
    }
    evbuffer_add(c->extra, "\r\n", 2);
    return code;
}

/* /redirect-to?url=U: U percent-decoded, and refused if it would not make a header value. */
static int exchange_decide_redirect_to(struct target_conn *c)
{
    const struct target_match *m = &c->match;
    int code = exchange_redirect_code(m);
    const char *v;
    size_t n;
    long len;

    if (code == 0 || m->query == NULL ||
        !target_http_query_get(m->query, m->query_len, "url", &v, &n) ||
        (len = target_http_percent_decode(v, n, decoded)) <= 0)
        return 400;
    for (long i = 0; i < len; i++)
        if ((unsigned char)decoded[i] < 0x20 || decoded[i] == 0x7f)
            return 400; /* CR or LF would let the URL write headers of its own */
    evbuffer_add(c->extra, "Location: ", 10);
    evbuffer_add(c->extra, decoded, (size_t)len);
    evbuffer_add(c->extra, "\r\n", 2);
    return code;
}

/* /basic-auth/USER/PASS: the decoded Authorization credentials must be "USER:PASS". */
static int exchange_decide_basic_auth(struct target_conn *c, const struct target_req *req)
{
    const struct target_match *m = &c->match;
    const char *slash = memchr(m->rest, '/', m->rest_len);
    size_t ulen = (size_t)(slash - m->rest);
    long user, pass, got = -1;

    user = target_http_percent_decode(m->rest, ulen, expected);
    if (user < 0)
        return 404;
    expected[user] = ':';
    pass = target_http_percent_decode(slash + 1, m->rest_len - ulen - 1, expected + user + 1);
    if (pass < 0)
        return 404;
    if (req->auth != NULL)
        got = target_http_basic_credentials(req->auth, req->auth_len, decoded);
    if (got == user + 1 + pass && memcmp(decoded, expected, (size_t)got) == 0)
        return 200;
    static const char challenge[] = "WWW-Authenticate: Basic realm=\"stampede\"\r\n";
    evbuffer_add(c->extra, challenge, sizeof(challenge) - 1);
    return 401;
}

/* Routes whose answer depends on the head: it is gone once a body has been read, so their
 * status and header lines are decided now and kept in c. False if memory ran out. */
static bool exchange_decide(struct target_conn *c, const struct target_req *req)
{
    enum target_route r = c->match.route;

    if (r != ROUTE_REDIRECT && r != ROUTE_REDIRECT_TO && r != ROUTE_BASIC_AUTH &&
        r != ROUTE_LOGIN && r != ROUTE_AUTH && r != ROUTE_COOKIES && r != ROUTE_COOKIES_SET)
        return true;
    if (c->extra == NULL && (c->extra = evbuffer_new()) == NULL)
        return false;
    evbuffer_drain(c->extra, evbuffer_get_length(c->extra));
    if (r == ROUTE_LOGIN || r == ROUTE_COOKIES) {
        if (c->session_body == NULL && (c->session_body = evbuffer_new()) == NULL)
            return false;
        evbuffer_drain(c->session_body, evbuffer_get_length(c->session_body));
    }
    if (r == ROUTE_REDIRECT)
        c->status = exchange_decide_redirect(c);
    else if (r == ROUTE_REDIRECT_TO)
        c->status = exchange_decide_redirect_to(c);
    else if (r == ROUTE_BASIC_AUTH)
        c->status = exchange_decide_basic_auth(c, req);
    else if (r == ROUTE_LOGIN)
        c->status = session_decide_login(&c->match, c->extra, c->session_body);
    else if (r == ROUTE_AUTH)
        c->status = session_decide_auth(req, c->extra);
    else if (r == ROUTE_COOKIES)
        c->status = session_decide_cookies(req, c->session_body);
    else
        c->status = session_decide_cookies_set(&c->match, c->extra);
    return true;
}

/* The answer exchange_decide() chose: its status and header lines, and "ok" for a 200 or
 * "CODE Reason" otherwise as the body. */
static void exchange_add_decided(struct target_conn *c, enum resp_conn hc)
{
    char body[64];
    int n;

    if (c->match.route == ROUTE_LOGIN || c->match.route == ROUTE_COOKIES) {
        n = (int)evbuffer_get_length(c->session_body);
        resp_add_head_start(c->out, c->status, "application/json", n, hc);
        evbuffer_add_buffer(c->out, c->extra);
        evbuffer_add(c->out, "\r\n", 2);
        if (!c->head_only)
            evbuffer_add_buffer(c->out, c->session_body);
        else
            evbuffer_drain(c->session_body, (size_t)n);
        return;
    }
    if (c->status == 200)
        n = snprintf(body, sizeof(body), "ok\n");
    else
        n = snprintf(body, sizeof(body), "%d %s\n", c->status, resp_reason(c->status));
    resp_add_head_start(c->out, c->status, "text/plain", n, hc);
    evbuffer_add_buffer(c->out, c->extra);
    evbuffer_add(c->out, "\r\n", 2);
    if (!c->head_only)
        evbuffer_add(c->out, body, (size_t)n);
}

/* The request, body included, has been read: answer it. */
static void exchange_respond(struct target_conn *c)
{
    struct evbuffer *out = c->out;
    uint64_t arg = c->match.arg;
    enum resp_conn hc;

    if (c->echo) {
        if (c->echo_chunked)
            evbuffer_add(out, "0\r\n\r\n", 5);
        exchange_next(c);
        return;
    }
    if (c->answered) { /* HEAD /echo: the head went out already */
        exchange_next(c);
        return;
    }
    if (c->match.route == ROUTE_CLOSE)
        c->keep_alive = false;
    hc = exchange_conn_header(c);
    switch (c->match.route) {
    case ROUTE_ROOT:
        exchange_count(c);
        resp_add_simple(out, 200, "text/plain", "ok\n", 3, c->head_only, hc, NULL);
        break;
    case ROUTE_BYTES:
        exchange_count(c);
        resp_add_head(out, 200, "application/octet-stream", (int64_t)arg, hc, NULL);
        if (!c->head_only && arg > 0) {
            c->left = arg;
            c->state = ST_STREAM;
            return;
        }
        break;
    case ROUTE_CHUNKED:
        exchange_count(c);
        if (c->http10) { /* HTTP/1.0 does not know chunked: same bytes, plain */
            resp_add_head(out, 200, "application/octet-stream", (int64_t)arg, hc, NULL);
            if (c->head_only || arg == 0)
                break;
        } else {
            resp_add_head(out, 200, "application/octet-stream", RESP_CHUNKED, hc,
                          "Trailer: X-Stampede-Bytes\r\n");
            if (c->head_only)
                break;
        }
        c->left = arg;
        c->state = ST_STREAM;
        return;
    case ROUTE_DELAY:
        if (!target_conn_arm_timer(c, (long)arg)) {
            c->state = ST_DEAD;
            return;
        }
        c->state = ST_DELAY;
        return;
    case ROUTE_STATUS:
        exchange_count(c);
        if (arg < 200) { /* interim response, then a final one (never to 1.0 clients) */
            if (!c->http10)
                evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n\r\n", (int)arg, resp_reason((int)arg));
            resp_add_simple(out, 200, "text/plain", "ok\n", 3, c->head_only, hc, NULL);
        } else {
            resp_add_status(out, (int)arg, c->head_only, hc);
        }
        break;
    case ROUTE_REDIRECT:
    case ROUTE_REDIRECT_TO:
    case ROUTE_BASIC_AUTH:
    case ROUTE_LOGIN:
    case ROUTE_AUTH:
    case ROUTE_COOKIES:
    case ROUTE_COOKIES_SET:
        exchange_count(c);
        exchange_add_decided(c, hc);
        break;
    case ROUTE_HEADERS: /* up to ~270 KB of head: queued as the client reads, like a body */
        exchange_count(c);
        resp_add_head_start(out, 200, "text/plain", 3, hc);
        c->left = arg;
        c->state = ST_STREAM;
        return;
    case ROUTE_CLOSE:
        exchange_count(c);
        resp_add_simple(out, 200, "text/plain", "ok\n", 3, c->head_only, hc, NULL);
        break;
    case ROUTE_JSON: /* a fixed document, for clients that check JSON bodies */
        exchange_count(c);
        resp_add_simple(out, 200, "application/json", TARGET_JSON_DOC,
                        sizeof(TARGET_JSON_DOC) - 1, c->head_only, hc, NULL);
        break;
    case ROUTE_STATS:
        exchange_count(c);
        stats_add_json(out, c->srv, c->head_only, hc);
        break;
    case ROUTE_RESET:
        exchange_count(c);
        stats_reset(c->srv);
        resp_add_simple(out, 200, "text/plain", "ok\n", 3, c->head_only, hc, NULL);
        break;
    case ROUTE_WS: /* not upgraded: the reason why, decided from the head */
        exchange_count(c);
        if (c->status == 426)
            resp_add_simple(out, 426, "text/plain", "426 Upgrade Required\n", 21, c->head_only,
                            hc, "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
        else
            resp_add_status(out, c->status, c->head_only, hc);
        break;
    case ROUTE_ECHO: /* handled above */
    case ROUTE_NOT_FOUND:
        exchange_count(c);
        resp_add_status(out, 404, c->head_only, hc);
        break;
    }
    exchange_next(c);
}

static enum step exchange_read_head(struct target_conn *c)
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
        exchange_consume(c, 1);
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
        if (target_http_bad_start((const char *)p, avail)) {
            exchange_reject(c, 400);
            return STEP_OK;
        }
        if (lim < TARGET_HEAD_MAX)
            return STEP_AGAIN;
        exchange_reject(c, 431);
        return STEP_OK;
    }

    if ((rc = target_http_parse_head((const char *)p, end, &req)) != 0) {
        exchange_reject(c, rc);
        return STEP_OK;
    }
    target_http_route(req.uri, req.uri_len, &c->match);
    if (!exchange_decide(c, &req)) {
        c->state = ST_DEAD;
        return STEP_OK;
    }
    c->head_only = req.head;
    c->keep_alive = req.keep_alive;
    c->http10 = req.minor == 0;
    c->uncounted = c->match.route == ROUTE_STATS || c->match.route == ROUTE_RESET;

    bool has_body = req.chunked || req.content_length > 0;
    if (c->match.route == ROUTE_WS) {
        /* A body would be taken for the first frames: an upgrade has none. */
        int code = has_body ? 400 : ws_upgrade(c, (const char *)p, end);
        if (code == 101) {
            exchange_count(c);
            exchange_consume(c, end);
            c->state = ST_WS;
            return STEP_OK;
        }
        c->status = code;
    }
    if (has_body && req.expect_continue && !c->http10)
        evbuffer_add(c->out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    if (c->match.route == ROUTE_ECHO) {
        /* The head is the start of the body: answer now and stream the body after it. */
        exchange_count(c);
        resp_add_head(c->out, 200, "text/plain",
                      req.chunked ? RESP_CHUNKED : (int64_t)(end + req.content_length),
                      exchange_conn_header(c), NULL);
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
    exchange_consume(c, end); /* p is gone from here on */

    if (req.chunked) {
        c->state = ST_CHUNK_SIZE;
    } else if (req.content_length > 0) {
        c->left = req.content_length;
        c->state = ST_BODY;
    } else {
        exchange_respond(c);
    }
    return STEP_OK;
}

/* Content-Length body or chunk data: discarded, or moved to the output for /echo. */
static enum step exchange_read_body(struct target_conn *c)
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
        exchange_consume(c, n);
    }
    c->left -= n;
    if (c->left == 0) {
        if (c->state == ST_BODY)
            exchange_respond(c);
        else
            c->state = ST_CHUNK_END;
    }
    return STEP_OK;
}

/* One line of a chunked body, without its ending; NULL until it is complete. */
static const char *exchange_line(struct target_conn *c, size_t *len, size_t *eol_len, bool *bad)
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

static enum step exchange_read_chunk_size(struct target_conn *c)
{
    size_t len, eol_len;
    bool bad;
    uint64_t size;
    const char *line = exchange_line(c, &len, &eol_len, &bad);

    if (line == NULL) {
        if (!bad)
            return STEP_AGAIN;
        exchange_reject(c, 400);
        return STEP_OK;
    }
    if (target_http_parse_chunk_size(line, len, &size) != 0) {
        exchange_reject(c, 400);
        return STEP_OK;
    }
    exchange_consume(c, len + eol_len);
    if (size == 0) {
        c->trailer = 0;
        c->state = ST_TRAILER;
    } else {
        c->left = size;
        c->state = ST_CHUNK_DATA;
    }
    return STEP_OK;
}

static enum step exchange_read_chunk_end(struct target_conn *c)
{
    size_t len = evbuffer_get_length(c->in);
    const unsigned char *p;

    if (len == 0)
        return STEP_AGAIN;
    p = evbuffer_pullup(c->in, len < 2 ? (ev_ssize_t)len : 2);
    if (p[0] == '\n') {
        exchange_consume(c, 1);
    } else if (p[0] == '\r' && len < 2) {
        return STEP_AGAIN;
    } else if (p[0] == '\r' && p[1] == '\n') {
        exchange_consume(c, 2);
    } else {
        exchange_reject(c, 400);
        return STEP_OK;
    }
    c->state = ST_CHUNK_SIZE;
    return STEP_OK;
}

static enum step exchange_read_trailer(struct target_conn *c)
{
    size_t len, eol_len;
    bool bad;
    const char *line = exchange_line(c, &len, &eol_len, &bad);

    if (line == NULL) {
        if (!bad)
            return STEP_AGAIN;
        exchange_reject(c, 400);
        return STEP_OK;
    }
    c->trailer += len + eol_len;
    if (c->trailer > TARGET_HEAD_MAX) {
        exchange_reject(c, 431);
        return STEP_OK;
    }
    exchange_consume(c, len + eol_len);
    if (len == 0)
        exchange_respond(c);
    return STEP_OK;
}

/* Tops the output up to OUT_HIGH with /bytes or /chunked body or /headers lines. */
static enum step exchange_stream(struct target_conn *c)
{
    size_t have = evbuffer_get_length(c->out);
    size_t room = have < OUT_HIGH ? OUT_HIGH - have : 0;
    bool done;

    if (room == 0)
        return STEP_AGAIN;
    if (c->match.route == ROUTE_HEADERS) {
        done = resp_fill_headers(c->out, &c->off, &c->left, room);
        if (done && !c->head_only)
            evbuffer_add(c->out, "ok\n", 3);
    } else if (c->match.route == ROUTE_CHUNKED && !c->http10) {
        done = resp_fill_chunked(c->out, &c->off, &c->left, c->match.arg, room);
    } else {
        resp_fill_bytes(c->out, &c->off, &c->left, room);
        done = c->left == 0;
    }
    if (!done)
        return STEP_AGAIN;
    exchange_next(c);
    return STEP_OK;
}

/* Produces output until input runs out, the output is full, or a timer has to fire. */
void exchange_process(struct target_conn *c)
{
    for (;;) {
        enum step r;
        /* A client that sends but does not read gets no more answers until it reads. */
        if (c->state <= ST_TRAILER && evbuffer_get_length(c->out) >= OUT_HIGH)
            return;
        switch (c->state) {
        case ST_HEAD: r = exchange_read_head(c); break;
        case ST_BODY:
        case ST_CHUNK_DATA: r = exchange_read_body(c); break;
        case ST_CHUNK_SIZE: r = exchange_read_chunk_size(c); break;
        case ST_CHUNK_END: r = exchange_read_chunk_end(c); break;
        case ST_TRAILER: r = exchange_read_trailer(c); break;
        case ST_STREAM:
            if (exchange_stream(c) == STEP_AGAIN)
                return; /* output full */
            continue;
        default: return; /* waiting for a timer or the socket, or dead */
        }
        if (r == STEP_AGAIN) {
            /* No more input will come: answer what was complete, drop the rest. */
            if (c->eof)
                exchange_begin_close(c);
            return;
        }
    }
}

void exchange_finish_delay(struct target_conn *c)
{
    exchange_count(c);
    resp_add_simple(c->out, 200, "text/plain", "ok\n", 3, c->head_only, exchange_conn_header(c),
                    NULL);
    exchange_next(c);
}
