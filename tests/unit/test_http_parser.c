/* Tests for http_parser: every response below is parsed whole, split in two at every offset,
 * byte by byte and in random pieces, with and without the on_header callback, and every way
 * must give the same result, which must also be the one written down by hand. Each piece is
 * fed from its own heap copy so that AddressSanitizer catches a read past its end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_parser.h"

#define IN(s) .in = (s), .len = sizeof(s) - 1
#define ALL ((ssize_t)-2) /* expected consumed: the whole input */
#define NO_EOF 99         /* eof_rc when http_parser_eof is not called */
#define HDRBUF_SIZE 512

struct tcase {
    const char *name;
    const char *in;
    size_t len;
    int head;                  /* response to HEAD */
    int eof;                   /* call http_parser_eof after the input */
    struct http_limits limits; /* zero: defaults */
    /* expected */
    enum http_parse_error error;
    ssize_t consumed; /* 0 means ALL for a good case, -1 for a failing one */
    int eof_rc;
    int status, minor, keep_alive, chunked;
    const char *reason;
    uint32_t header_count;
    uint64_t header_bytes, body_bytes;
    int64_t content_length; /* 0 in the table means -1 unless has_length */
    int has_length;
    int counts;             /* for a failing case: check the counters by hand too */
    const char *headers;    /* what on_header saw: "name=value|..." */
};

struct outcome {
    ssize_t consumed;
    int eof_rc;
    int status, minor, keep_alive, headers_done, done, chunked;
    enum http_parse_error error;
    char reason[HTTP_REASON_MAX];
    uint32_t header_count;
    uint64_t header_bytes, body_bytes;
    int64_t content_length;
    char headers[2048];
    size_t hlen;
};

static void collect(void *arg, const char *name, size_t nlen, const char *value, size_t vlen)
{
    struct outcome *o = arg;
    int n = snprintf(o->headers + o->hlen, sizeof o->headers - o->hlen, "%.*s=%.*s|", (int)nlen,
                     name, (int)vlen, value);
    assert_true(n > 0 && (size_t)n < sizeof o->headers - o->hlen);
    o->hlen += (size_t)n;
}

/* Feeds in[0..len) cut at cuts[0..ncuts) (ascending), like a client would: stop at an error
 * or when the parser leaves bytes unconsumed. */
static void run(const struct tcase *c, const char *in, size_t len, const size_t *cuts,
                size_t ncuts, int with_cb, struct outcome *o)
{
    struct http_parser p;
    char *hdrbuf = malloc(HDRBUF_SIZE);
    assert_non_null(hdrbuf);
    memset(hdrbuf, 0x5a, HDRBUF_SIZE);
    memset(o, 0, sizeof *o);

    http_parser_init(&p, &c->limits, c->head);
    p.hdrbuf = hdrbuf;
    p.hdrbuf_size = HDRBUF_SIZE;
    if (with_cb) {
        p.on_header = collect;
        p.cb_arg = o;
    }

    ssize_t total = 0;
    size_t from = 0;
    for (size_t k = 0; k <= ncuts; k++) {
        size_t to = k < ncuts ? cuts[k] : len;
        size_t n = to - from;
        char *piece = malloc(n ? n : 1);
        assert_non_null(piece);
        memcpy(piece, in + from, n);
        ssize_t r = http_parser_feed(&p, piece, n);
        free(piece);
        from = to;
        if (r < 0) {
            total = -1;
            break;
        }
        assert_true((size_t)r <= n);
        total += r;
        if ((size_t)r < n)
            break;
    }
    o->eof_rc = NO_EOF;
    if (total >= 0 && c->eof)
        o->eof_rc = http_parser_eof(&p);

    o->consumed = total;
    o->status = p.status;
    o->minor = p.version_minor;
    o->keep_alive = p.keep_alive;
    o->headers_done = p.headers_done;
    o->done = p.done;
    o->chunked = p.chunked;
    o->error = p.error;
    memcpy(o->reason, p.reason, sizeof o->reason);
    o->header_count = p.header_count;
    o->header_bytes = p.header_bytes;
    o->body_bytes = p.body_bytes;
    o->content_length = p.content_length;

    if (!with_cb) /* without a callback the parser must leave hdrbuf alone */
        for (size_t i = 0; i < HDRBUF_SIZE; i++)
            assert_int_equal((unsigned char)hdrbuf[i], 0x5a);
    free(hdrbuf);
}

/* The name of the first field that differs, or NULL. */
static const char *outcome_diff(const struct outcome *a, const struct outcome *b, int headers)
{
    if (a->consumed != b->consumed)
        return "consumed";
    if (a->eof_rc != b->eof_rc)
        return "eof_rc";
    if (a->error != b->error)
        return "error";
    if (a->status != b->status)
        return "status";
    if (a->minor != b->minor)
        return "version_minor";
    if (strcmp(a->reason, b->reason))
        return "reason";
    if (a->keep_alive != b->keep_alive)
        return "keep_alive";
    if (a->headers_done != b->headers_done)
        return "headers_done";
    if (a->done != b->done)
        return "done";
    if (a->chunked != b->chunked)
        return "chunked";
    if (a->header_count != b->header_count)
        return "header_count";
    if (a->header_bytes != b->header_bytes)
        return "header_bytes";
    if (a->body_bytes != b->body_bytes)
        return "body_bytes";
    if (a->content_length != b->content_length)
        return "content_length";
    if (headers && strcmp(a->headers, b->headers))
        return "headers seen by on_header";
    return NULL;
}

static void check_same(const struct tcase *c, const struct outcome *whole, const struct outcome *o,
                       int headers, const char *how, size_t at)
{
    const char *d = outcome_diff(whole, o, headers);
    if (d)
        fail_msg("%s: %s differs when fed %s %zu", c->name, d, how, at);
}

static void check_by_hand(const struct tcase *c, const struct outcome *o)
{
    int ok = c->error == HTTP_OK;
    ssize_t consumed = c->consumed ? c->consumed : ok ? (ssize_t)c->len : -1;
    if (consumed == ALL)
        consumed = (ssize_t)c->len;
    print_message("  %-28s -> consumed %zd, %s\n", c->name, o->consumed,
                  http_parser_error_text(o->error));
    assert_int_equal(o->error, c->error);
    assert_int_equal(o->consumed, consumed);
    assert_int_equal(o->eof_rc, c->eof ? (c->eof_rc ? c->eof_rc : 0) : NO_EOF);
    assert_int_equal(o->status, c->status);
    assert_int_equal(o->minor, c->minor);
    assert_string_equal(o->reason, c->reason ? c->reason : "");
    if (ok) {
        assert_int_equal(o->headers_done, 1);
        assert_int_equal(o->done, 1);
    } else {
        assert_int_equal(o->done, 0);
    }
    if (ok || c->counts) {
        assert_int_equal(o->keep_alive, c->keep_alive);
        assert_int_equal(o->chunked, c->chunked);
        assert_int_equal(o->header_count, c->header_count);
        assert_int_equal(o->header_bytes, c->header_bytes);
        assert_int_equal(o->body_bytes, c->body_bytes);
        assert_int_equal(o->content_length, c->has_length ? c->content_length : -1);
    }
    if (c->headers)
        assert_string_equal(o->headers, c->headers);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_case(void **state)
{
    const struct tcase *c = *state;
    struct outcome whole, o;
    size_t *cuts = malloc((c->len + 1) * sizeof *cuts);
    assert_non_null(cuts);

    run(c, c->in, c->len, NULL, 0, 1, &whole);
    check_by_hand(c, &whole);

    run(c, c->in, c->len, NULL, 0, 0, &o);
    check_same(c, &whole, &o, 0, "whole without on_header", 0);

    for (size_t i = 0; i <= c->len; i++) {
        cuts[0] = i;
        run(c, c->in, c->len, cuts, 1, 1, &o);
        check_same(c, &whole, &o, 1, "in two pieces cut at", i);
        run(c, c->in, c->len, cuts, 1, 0, &o);
        check_same(c, &whole, &o, 0, "without on_header in two pieces cut at", i);
    }

    for (size_t i = 1; i < c->len; i++)
        cuts[i - 1] = i;
    size_t n1 = c->len ? c->len - 1 : 0;
    run(c, c->in, c->len, cuts, n1, 1, &o);
    check_same(c, &whole, &o, 1, "byte by byte", 1);
    run(c, c->in, c->len, cuts, n1, 0, &o);
    check_same(c, &whole, &o, 0, "byte by byte without on_header", 1);

    for (size_t round = 0; round < 50; round++) {
        size_t n = 0, at = 0;
        for (;;) {
            at += 1 + next_random() % 13;
            if (at >= c->len)
                break;
            cuts[n++] = at;
        }
        run(c, c->in, c->len, cuts, n, 1, &o);
        check_same(c, &whole, &o, 1, "in random pieces, round", round);
    }
    free(cuts);
}

/* ---- the responses ---------------------------------------------------------------------- */

static const struct tcase cases[] = {
    /* good ones */
    {.name = "content_length",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 2,
     .header_bytes = 64, .body_bytes = 5, .content_length = 5, .has_length = 1,
     .headers = "Content-Length=5|Content-Type=text/plain|"},
    {.name = "mixed_case_names",
     IN("HTTP/1.1 201 Created\r\ncOnTeNt-lEnGtH: 3\r\nCONNECTION: Keep-Alive\r\n"
        "x-Custom-Thing:   padded value \t \r\n\r\nabc"),
     .status = 201, .minor = 1, .reason = "Created", .keep_alive = 1, .header_count = 3,
     .header_bytes = 102, .body_bytes = 3, .content_length = 3, .has_length = 1,
     .headers = "cOnTeNt-lEnGtH=3|CONNECTION=Keep-Alive|x-Custom-Thing=padded value|"},
    {.name = "chunked_ext_trailers",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5;name=value;x=\"q\"\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n"
        "X-Trailer: yes\r\nX-Other: 1\r\n\r\n"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .chunked = 1,
     .header_count = 1, .header_bytes = 47 + 30, .body_bytes = 31,
     .headers = "Transfer-Encoding=chunked|"},
    {.name = "chunked_no_trailers_extra",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n"),
     .consumed = 47 + 13, .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1,
     .chunked = 1, .header_count = 1, .header_bytes = 47 + 2, .body_bytes = 3},
    {.name = "chunked_wins_over_length",
     IN("HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, Chunked\r\nContent-Length: 100\r\n\r\n"
        "0000A \t;ext\r\n0123456789\r\nb\r\n\0\1\2\3\4\5\6\7\n\r\0\r\n0;last\r\n\r\n"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .chunked = 1,
     .header_count = 2, .header_bytes = 74 + 2, .body_bytes = 21, .content_length = 100,
     .has_length = 1},
    {.name = "chunked_bare_lf",
     IN("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\nT: 1\n\n"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .chunked = 1,
     .header_count = 1, .header_bytes = 44 + 6, .body_bytes = 3},
    {.name = "chunked_trailer_not_interpreted",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        "Content-Length: nonsense\r\nConnection: close\r\n\r\n"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .chunked = 1,
     .header_count = 1, .header_bytes = 47 + 47, .body_bytes = 0,
     .headers = "Transfer-Encoding=chunked|"},
    {.name = "close_delimited_eof",
     IN("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>body</html>"), .eof = 1,
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 0, .header_count = 1,
     .header_bytes = 44, .body_bytes = 17},
    {.name = "close_delimited_empty", IN("HTTP/1.1 200 OK\r\n\r\n"), .eof = 1, .status = 200,
     .minor = 1, .reason = "OK", .header_bytes = 19},
    {.name = "te_not_chunked_reads_to_eof",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 3\r\n\r\nabcdef"),
     .eof = 1, .status = 200, .minor = 1, .reason = "OK", .keep_alive = 0, .header_count = 2,
     .header_bytes = 72, .body_bytes = 6, .content_length = 3, .has_length = 1},
    {.name = "head_with_length", IN("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"),
     .head = 1, .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 1,
     .header_bytes = 41, .content_length = 1000, .has_length = 1},
    {.name = "head_chunked_then_extra",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
     .head = 1, .consumed = 47, .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1,
     .chunked = 1, .header_count = 1, .header_bytes = 47},
    {.name = "no_content_204",
     IN("HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"),
     .consumed = 46, .status = 204, .minor = 1, .reason = "No Content", .keep_alive = 1,
     .header_count = 1, .header_bytes = 46, .content_length = 7, .has_length = 1},
    {.name = "not_modified_304",
     IN("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 10\r\n\r\n"),
     .status = 304, .minor = 1, .reason = "Not Modified", .keep_alive = 1, .header_count = 2,
     .header_bytes = 60, .content_length = 10, .has_length = 1,
     .headers = "ETag=\"x\"|Content-Length=10|"},
    {.name = "continue_then_ok",
     IN("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 1,
     .header_bytes = 25 + 38, .body_bytes = 2, .content_length = 2, .has_length = 1,
     .headers = "Content-Length=2|"},
    {.name = "early_hints_continue_then_404",
     IN("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
     .status = 404, .minor = 0, .reason = "Not Found", .keep_alive = 0, .header_count = 1,
     .header_bytes = 61 + 25 + 45, .content_length = 0, .has_length = 1,
     .headers = "Content-Length=0|"},
    {.name = "interim_blocks_limited_each",
     IN("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
     .limits = {.max_header_bytes = 38, .max_headers = 1}, .status = 200, .minor = 1,
     .reason = "OK", .keep_alive = 1, .header_count = 1, .header_bytes = 63, .body_bytes = 2,
     .content_length = 2, .has_length = 1},
    {.name = "switching_protocols",
     IN("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        "\x81\x05hello"),
     .consumed = 77, .status = 101, .minor = 1, .reason = "Switching Protocols",
     .keep_alive = 1, .header_count = 2, .header_bytes = 77,
     .headers = "Upgrade=websocket|Connection=Upgrade|"},
    {.name = "http10_closes", IN("HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\ndata"),
     .status = 200, .minor = 0, .reason = "OK", .keep_alive = 0, .header_count = 1,
     .header_bytes = 38, .body_bytes = 4, .content_length = 4, .has_length = 1},
    {.name = "http10_keep_alive",
     IN("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 4\r\n\r\ndata"),
     .status = 200, .minor = 0, .reason = "OK", .keep_alive = 1, .header_count = 2,
     .header_bytes = 62, .body_bytes = 4, .content_length = 4, .has_length = 1},
    {.name = "connection_close_in_list",
     IN("HTTP/1.1 200 OK\r\nConnection: upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 0, .header_count = 2,
     .header_bytes = 66, .content_length = 0, .has_length = 1},
    {.name = "connection_lookalikes_11",
     IN("HTTP/1.1 200 OK\r\nConnection: closed, keep alive, x-close, ,\r\n"
        "Content-Length: 0\r\n\r\n"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 2,
     .header_bytes = 82, .content_length = 0, .has_length = 1},
    {.name = "connection_lookalikes_10",
     IN("HTTP/1.0 200 OK\r\nConnection: keep-alivex,keep alive\r\nConnection: ,\r\n"
        "Content-Length: 0\r\n\r\n"),
     .status = 200, .minor = 0, .reason = "OK", .keep_alive = 0, .header_count = 3,
     .header_bytes = 89, .content_length = 0, .has_length = 1},
    {.name = "bare_lf", IN("HTTP/1.1 200 OK\nContent-Length: 3\nServer: x\n\nabc"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 2,
     .header_bytes = 45, .body_bytes = 3, .content_length = 3, .has_length = 1,
     .headers = "Content-Length=3|Server=x|"},
    {.name = "no_reason", IN("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"), .status = 200,
     .minor = 1, .reason = "", .keep_alive = 1, .header_count = 1, .header_bytes = 35,
     .content_length = 0, .has_length = 1},
    {.name = "empty_reason", IN("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n"), .status = 404,
     .minor = 1, .reason = "", .keep_alive = 1, .header_count = 1, .header_bytes = 36,
     .content_length = 0, .has_length = 1},
    {.name = "long_reason_truncated",
     IN("HTTP/1.1 500 RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR"
        "RRRRRRRRRRRRRRRRRRRRRRRRRRRR\r\nContent-Length: 0\r\n\r\n"),
     .status = 500, .minor = 1,
     .reason = "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
     .keep_alive = 1, .header_count = 1, .header_bytes = 136, .content_length = 0,
     .has_length = 1},
    {.name = "extra_after_length",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n"), .consumed = 40,
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 1,
     .header_bytes = 38, .body_bytes = 2, .content_length = 2, .has_length = 1},
    {.name = "zero_length_then_extra",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nX"), .consumed = 38, .status = 200,
     .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 1, .header_bytes = 38,
     .content_length = 0, .has_length = 1},
    {.name = "duplicate_equal_lengths",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length:  5 \t\r\n\r\nhello"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 2,
     .header_bytes = 60, .body_bytes = 5, .content_length = 5, .has_length = 1},
    {.name = "largest_length_on_head",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n"), .head = 1,
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 1,
     .header_bytes = 56, .content_length = INT64_MAX, .has_length = 1},
    {.name = "blank_lines_before_status",
     IN("\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"), .status = 200, .minor = 1,
     .reason = "OK", .keep_alive = 1, .header_count = 1, .header_bytes = 42, .body_bytes = 1,
     .content_length = 1, .has_length = 1},
    {.name = "odd_but_valid_names",
     IN("HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Tab:\tv\t\r\n!#$%&'*+-.^_`|~09az: tokens\r\n"
        "Content-Length: 0\r\n\r\n"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 4,
     .header_bytes = 88, .content_length = 0, .has_length = 1,
     .headers = "X-Empty=|X-Tab=v|!#$%&'*+-.^_`|~09az=tokens|Content-Length=0|"},
    {.name = "near_miss_names",
     IN("HTTP/1.1 200 OK\r\nContent-Lengthx: 1\r\nContent-Lengt: 2\r\nConnectionx: close\r\n"
        "Transfer-Encodin: chunked\r\nContent-Length: 3\r\n\r\nabc"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 5,
     .header_bytes = 123, .body_bytes = 3, .content_length = 3, .has_length = 1},
    {.name = "header_block_at_limit",
     IN("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n"),
     .limits = {.max_header_bytes = 50, .max_headers = 3}, .status = 200, .minor = 1,
     .reason = "OK", .keep_alive = 1, .header_count = 3, .header_bytes = 50, .content_length = 0,
     .has_length = 1},
    /* lines the fast path must leave to the byte-level machine, or judge exactly like it:
     * a CR inside a list word, '_' in a name of the right length, a long name, a long
     * number, a CR as a blank */
    {.name = "lookalikes_with_cr",
     IN("HTTP/1.1 200 OK\r\nConnection: clos\re\r\nContent_Length: 5\r\n"
        "X-A-Rather-Long-Header_Name: v\r\nContent-Length: 00000000000000000000003\r\n"
        "Content-Length:3\r\r\n\r\nabc"),
     .status = 200, .minor = 1, .reason = "OK", .keep_alive = 1, .header_count = 5,
     .header_bytes = 150, .body_bytes = 3, .content_length = 3, .has_length = 1,
     .headers = "Connection=clos\re|Content_Length=5|X-A-Rather-Long-Header_Name=v|"
                "Content-Length=00000000000000000000003|Content-Length=3|"},
    {.name = "te_lookalike_reads_to_eof",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunk\red\r\nContent-Length: 1\r\n\r\nabc"),
     .eof = 1, .status = 200, .minor = 1, .reason = "OK", .keep_alive = 0, .header_count = 2,
     .header_bytes = 67, .body_bytes = 3, .content_length = 1, .has_length = 1},
    {.name = "http10_keep_alive_lookalike",
     IN("HTTP/1.0 200 OK\r\nConnection: keep\ralive\r\nContent-Length: 0\r\n\r\n"),
     .status = 200, .minor = 0, .reason = "OK", .keep_alive = 0, .header_count = 2,
     .header_bytes = 62, .content_length = 0, .has_length = 1},

    /* bad ones */
    {.name = "garbage", IN("garbage\r\n\r\n"), .error = HTTP_ERR_SYNTAX,
     .minor = -1},
    {.name = "http_2_0", IN("HTTP/2.0 200 OK\r\n\r\n"), .error = HTTP_ERR_SYNTAX,
     .minor = -1},
    {.name = "http_1_2", IN("HTTP/1.2 200 OK\r\n\r\n"), .error = HTTP_ERR_SYNTAX,
     .minor = -1},
    {.name = "lower_case_http", IN("http/1.1 200 OK\r\n\r\n"), .error = HTTP_ERR_SYNTAX,
     .minor = -1},
    {.name = "status_not_digits", IN("HTTP/1.1 20x OK\r\n\r\n"), .error = HTTP_ERR_SYNTAX,
     .minor = 1, .status = 20},
    {.name = "status_below_100", IN("HTTP/1.1 099 Low\r\n\r\n"), .error = HTTP_ERR_SYNTAX,
     .minor = 1},
    {.name = "status_four_digits", IN("HTTP/1.1 2000 OK\r\n\r\n"), .error = HTTP_ERR_SYNTAX,
     .minor = 1, .status = 200},
    {.name = "status_two_spaces", IN("HTTP/1.1  200 OK\r\n\r\n"), .error = HTTP_ERR_SYNTAX,
     .minor = 1},
    {.name = "status_line_cr_junk", IN("HTTP/1.1 200 OK\rX\r\n\r\n"), .error = HTTP_ERR_SYNTAX,
     .minor = 1, .status = 200, .reason = "OK"},
    {.name = "missing_colon", IN("HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\nhello"),
     .error = HTTP_ERR_SYNTAX, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "line_without_colon", IN("HTTP/1.1 200 OK\r\nX-A: 1\r\nnocolon\r\n\r\n"),
     .error = HTTP_ERR_SYNTAX, .minor = 1, .status = 200, .reason = "OK", .counts = 1,
     .header_count = 1, .header_bytes = 17 + 8 + 7},
    {.name = "space_before_colon", IN("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"),
     .error = HTTP_ERR_SYNTAX, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "obs_fold", IN("HTTP/1.1 200 OK\r\nX-A: a\r\n  b\r\n\r\n"),
     .error = HTTP_ERR_SYNTAX, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "nul_in_name", IN("HTTP/1.1 200 OK\r\nX-\0A: a\r\n\r\n"), .error = HTTP_ERR_SYNTAX,
     .minor = 1, .status = 200, .reason = "OK"},
    {.name = "cr_junk_ends_block", IN("HTTP/1.1 200 OK\r\n\rX"), .error = HTTP_ERR_SYNTAX,
     .minor = 1, .status = 200, .reason = "OK"},
    {.name = "bad_chunk_size",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
     .error = HTTP_ERR_SYNTAX, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "empty_chunk_size",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n"),
     .error = HTTP_ERR_SYNTAX, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "chunk_size_junk",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n"),
     .error = HTTP_ERR_SYNTAX, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "chunk_size_overflow",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n"),
     .error = HTTP_ERR_SYNTAX, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "chunk_without_crlf",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n"),
     .error = HTTP_ERR_SYNTAX, .minor = 1, .status = 200, .reason = "OK", .counts = 1,
     .keep_alive = 1, .chunked = 1, .header_count = 1, .header_bytes = 47, .body_bytes = 3},
    {.name = "chunk_cr_junk",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\rX0\r\n\r\n"),
     .error = HTTP_ERR_SYNTAX, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "negative_length", IN("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
     .error = HTTP_ERR_LENGTH, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "plus_length", IN("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\nx"),
     .error = HTTP_ERR_LENGTH, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "hex_length", IN("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n"),
     .error = HTTP_ERR_LENGTH, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "empty_length", IN("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n"),
     .error = HTTP_ERR_LENGTH, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "two_numbers_length", IN("HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\nhello"),
     .error = HTTP_ERR_LENGTH, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "list_length", IN("HTTP/1.1 200 OK\r\nContent-Length: 5,5\r\n\r\nhello"),
     .error = HTTP_ERR_LENGTH, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "overflowing_length",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n"),
     .error = HTTP_ERR_LENGTH, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "huge_length",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
     .error = HTTP_ERR_LENGTH, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "conflicting_lengths",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
     .error = HTTP_ERR_LENGTH, .minor = 1, .status = 200, .reason = "OK", .counts = 1,
     .keep_alive = 0, .header_count = 1, .header_bytes = 17 + 19 + 18, .content_length = 5,
     .has_length = 1},
    {.name = "header_block_over_limit",
     IN("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n"),
     .limits = {.max_header_bytes = 49}, .error = HTTP_ERR_HEADERS_SIZE, .minor = 1,
     .status = 200, .reason = "OK", .counts = 1, .header_count = 3, .header_bytes = 49,
     .content_length = 0, .has_length = 1},
    {.name = "status_line_over_limit", IN("HTTP/1.1 200 OK\r\n\r\n"),
     .limits = {.max_header_bytes = 10}, .error = HTTP_ERR_HEADERS_SIZE, .minor = 1,
     .status = 2, .counts = 1, .header_bytes = 10},
    {.name = "interim_block_over_limit",
     IN("HTTP/1.1 100 Continue\r\nX: y\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"),
     .limits = {.max_header_bytes = 30}, .error = HTTP_ERR_HEADERS_SIZE, .minor = 1,
     .status = 100, .reason = "Continue"},
    {.name = "trailer_block_over_limit",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Long-Trailer: "
        "0123456789012345678901234567890123456789\r\n\r\n"),
     .limits = {.max_header_bytes = 50}, .error = HTTP_ERR_HEADERS_SIZE, .minor = 1,
     .status = 200, .reason = "OK", .counts = 1, .keep_alive = 1, .chunked = 1,
     .header_count = 1, .header_bytes = 47 + 50},
    {.name = "too_many_headers",
     IN("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 0\r\n\r\n"),
     .limits = {.max_headers = 3}, .error = HTTP_ERR_HEADERS_COUNT, .minor = 1, .status = 200,
     .reason = "OK", .counts = 1, .header_count = 4, .header_bytes = 17 + 6 + 6 + 6 + 18,
     .content_length = 0, .has_length = 1},
    {.name = "eof_before_anything", IN(""), .eof = 1, .eof_rc = -1, .consumed = ALL,
     .error = HTTP_ERR_EOF, .minor = -1}, /* -1: no status line came */
    {.name = "eof_in_status_line", IN("HTTP/1.1 20"), .eof = 1, .eof_rc = -1, .consumed = ALL,
     .error = HTTP_ERR_EOF, .minor = 1, .status = 20},
    {.name = "eof_in_headers", IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServ"), .eof = 1,
     .eof_rc = -1, .consumed = ALL, .error = HTTP_ERR_EOF, .minor = 1, .status = 200,
     .reason = "OK"},
    {.name = "eof_before_final_crlf", IN("HTTP/1.1 200 OK\r\n\r"), .eof = 1, .eof_rc = -1,
     .consumed = ALL, .error = HTTP_ERR_EOF, .minor = 1, .status = 200, .reason = "OK"},
    {.name = "eof_after_interim", IN("HTTP/1.1 100 Continue\r\n\r\n"), .eof = 1, .eof_rc = -1,
     .consumed = ALL, .error = HTTP_ERR_EOF, .counts = 1, .header_bytes = 25,
     .minor = -1},
    {.name = "eof_in_body", IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel"), .eof = 1,
     .eof_rc = -1, .consumed = ALL, .error = HTTP_ERR_EOF, .minor = 1, .status = 200,
     .reason = "OK", .counts = 1, .keep_alive = 1, .header_count = 1, .header_bytes = 38,
     .body_bytes = 3, .content_length = 5, .has_length = 1},
    {.name = "eof_in_chunk_size",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1"), .eof = 1,
     .eof_rc = -1, .consumed = ALL, .error = HTTP_ERR_EOF, .minor = 1, .status = 200,
     .reason = "OK", .counts = 1, .keep_alive = 1, .chunked = 1, .header_count = 1,
     .header_bytes = 47, .body_bytes = 5},
    {.name = "eof_in_chunk_data",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab"),
     .eof = 1, .eof_rc = -1, .consumed = ALL, .error = HTTP_ERR_EOF, .minor = 1, .status = 200,
     .reason = "OK", .counts = 1, .keep_alive = 1, .chunked = 1, .header_count = 1,
     .header_bytes = 47, .body_bytes = 2},
    {.name = "eof_in_trailers",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n"), .eof = 1,
     .eof_rc = -1, .consumed = ALL, .error = HTTP_ERR_EOF, .minor = 1, .status = 200,
     .reason = "OK", .counts = 1, .keep_alive = 1, .chunked = 1, .header_count = 1,
     .header_bytes = 47 + 6},
};

/* ---- properties that need more than one response ------------------------------------------ */

static void feed_endless(const char *prefix, const char *unit, const struct http_limits *lim,
                         enum http_parse_error want, size_t give_up_after)
{
    const size_t total = 10u << 20, piece = 4096;
    size_t plen = strlen(prefix), ulen = strlen(unit);
    char *buf = malloc(total);
    assert_non_null(buf);
    memcpy(buf, prefix, plen);
    for (size_t i = plen; i < total; i++)
        buf[i] = unit[(i - plen) % ulen];

    struct http_parser p;
    http_parser_init(&p, lim, 0);
    size_t fed = 0;
    ssize_t r = 0;
    while (fed < total && (r = http_parser_feed(&p, buf + fed, piece)) == (ssize_t)piece)
        fed += piece;
    assert_int_equal(r, -1);
    assert_int_equal(p.error, want);
    assert_true(fed <= give_up_after);
    assert_int_equal(http_parser_feed(&p, buf, 10), -1); /* stays failed */
    assert_int_equal(http_parser_eof(&p), -1);
    assert_int_equal(p.error, want);
    free(buf);
}

static void test_endless_header_lines(void **state)
{
    (void)state;
    /* lift the count limit, or it would stop this first */
    struct http_limits many = {.max_headers = 1000000};
    feed_endless("HTTP/1.1 200 OK\r\n", "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", &many,
                 HTTP_ERR_HEADERS_SIZE, 64 * 1024);
}

static void test_endless_header_value(void **state)
{
    (void)state;
    feed_endless("HTTP/1.1 200 OK\r\nX-Value: ", "v", NULL, HTTP_ERR_HEADERS_SIZE, 64 * 1024);
    struct http_limits small = {.max_header_bytes = 1000};
    feed_endless("HTTP/1.1 200 OK\r\nX-Name", "n", &small, HTTP_ERR_HEADERS_SIZE, 1000);
}

static void test_endless_reason_and_blank_lines(void **state)
{
    (void)state;
    feed_endless("HTTP/1.1 200 ", "reason ", NULL, HTTP_ERR_HEADERS_SIZE, 64 * 1024);
    feed_endless("", "\r\n", NULL, HTTP_ERR_HEADERS_SIZE, 64 * 1024);
}

static void test_endless_interim_responses_are_fine(void **state)
{
    /* each 1xx block is bounded on its own, so many of them are not a header overflow: they
     * are parsed until the data runs out, and the total is counted */
    (void)state;
    const char *unit = "HTTP/1.1 100 Continue\r\n\r\n";
    size_t ulen = strlen(unit), n = 1000;
    char *buf = malloc(ulen * n);
    assert_non_null(buf);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * ulen, unit, ulen);
    struct http_parser p;
    http_parser_init(&p, NULL, 0);
    assert_int_equal(http_parser_feed(&p, buf, ulen * n), ulen * n);
    assert_int_equal(p.header_bytes, ulen * n);
    assert_int_equal(p.headers_done, 0);
    free(buf);
}

static void test_endless_chunk_extension(void **state)
{
    (void)state;
    feed_endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;", "x", NULL,
                 HTTP_ERR_SYNTAX, 64 * 1024);
}

static void test_endless_trailers(void **state)
{
    (void)state;
    feed_endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", "T: t\r\n", NULL,
                 HTTP_ERR_HEADERS_SIZE, 64 * 1024);
}

static void test_endless_headers_count(void **state)
{
    (void)state;
    struct http_limits lim = {.max_headers = 10};
    feed_endless("HTTP/1.1 200 OK\r\n", "A: b\r\n", &lim, HTTP_ERR_HEADERS_COUNT, 4096);
}

static void test_large_body_in_pieces(void **state)
{
    (void)state;
    static char buf[65536];
    const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 10485760\r\n\r\n";
    struct http_parser p;
    http_parser_init(&p, NULL, 0);
    assert_int_equal(http_parser_feed(&p, head, strlen(head)), strlen(head));
    assert_int_equal(p.headers_done, 1);
    memset(buf, 'b', sizeof buf);
    for (int i = 0; i < 160; i++) {
        assert_int_equal(p.done, 0);
        assert_int_equal(http_parser_feed(&p, buf, sizeof buf), sizeof buf);
    }
    assert_int_equal(p.done, 1);
    assert_int_equal(p.body_bytes, 10485760);
    assert_int_equal(http_parser_feed(&p, buf, sizeof buf), 0); /* after done: nothing taken */
    assert_int_equal(http_parser_eof(&p), 0);
}

static void test_pipelined_responses(void **state)
{
    /* what a client does with extra bytes when it pipelines: re-init and feed the rest */
    (void)state;
    const char *in = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                     "HTTP/1.1 204 No Content\r\n\r\n"
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
                     "HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\nbye";
    const int want_status[] = {200, 204, 200, 404};
    const ssize_t want_used[] = {40, 27, 58, 48};
    size_t len = strlen(in), off = 0;
    struct http_parser p;
    for (int i = 0; i < 4; i++) {
        http_parser_init(&p, NULL, 0);
        ssize_t r = http_parser_feed(&p, in + off, len - off);
        assert_int_equal(r, want_used[i]);
        assert_int_equal(p.status, want_status[i]);
        off += (size_t)r;
    }
    assert_int_equal(off, len);
    assert_int_equal(p.done, 0);
    assert_int_equal(http_parser_eof(&p), 0);
    assert_int_equal(p.done, 1);
    assert_int_equal(p.keep_alive, 0);
    assert_int_equal(p.body_bytes, 3);
}

static void test_errors_stick(void **state)
{
    (void)state;
    struct http_parser p;
    http_parser_init(&p, NULL, 0);
    assert_int_equal(http_parser_feed(&p, "HTTP/3", 6), -1);
    assert_int_equal(p.error, HTTP_ERR_SYNTAX);
    assert_int_equal(http_parser_feed(&p, "HTTP/1.1 200 OK\r\n\r\n", 19), -1);
    assert_int_equal(http_parser_feed(&p, "", 0), -1);
    assert_int_equal(http_parser_eof(&p), -1);
    assert_int_equal(p.error, HTTP_ERR_SYNTAX);
    assert_int_equal(p.done, 0);
}

static void test_feed_after_done(void **state)
{
    (void)state;
    struct http_parser p;
    http_parser_init(&p, NULL, 1);
    const char *in = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
    assert_int_equal(http_parser_feed(&p, in, strlen(in)), strlen(in));
    assert_int_equal(p.done, 1);
    assert_int_equal(http_parser_feed(&p, "0123456789", 10), 0);
    assert_int_equal(http_parser_feed(&p, "", 0), 0);
    assert_int_equal(p.error, HTTP_OK);
    assert_int_equal(p.body_bytes, 0);
}

static void test_init_defaults(void **state)
{
    (void)state;
    struct http_parser p;
    memset(&p, 0xff, sizeof p);
    http_parser_init(&p, NULL, 1);
    assert_int_equal(p.limits.max_header_bytes, 64 * 1024);
    assert_int_equal(p.limits.max_headers, 100);
    assert_int_equal(p.content_length, -1);
    assert_int_equal(p.head_request, 1);
    assert_null(p.on_header);
    assert_null(p.hdrbuf);
    assert_int_equal(p.done | p.headers_done | p.status | p.chunked | (int)p.error, 0);
    assert_int_equal(p.header_bytes + p.body_bytes + p.header_count, 0);
    assert_string_equal(p.reason, "");

    struct http_limits zero = {0}, some = {.max_header_bytes = 100, .max_headers = 0};
    http_parser_init(&p, &zero, 0);
    assert_int_equal(p.limits.max_header_bytes, 64 * 1024);
    assert_int_equal(p.limits.max_headers, 100);
    http_parser_init(&p, &some, 0);
    assert_int_equal(p.limits.max_header_bytes, 100);
    assert_int_equal(p.limits.max_headers, 100);
}

static void test_error_texts(void **state)
{
    (void)state;
    const char *seen[HTTP_ERR_COUNT];
    for (int e = HTTP_OK; e < HTTP_ERR_COUNT; e++) {
        seen[e] = http_parser_error_text((enum http_parse_error)e);
        assert_non_null(seen[e]);
        assert_true(strlen(seen[e]) > 0);
        for (int f = HTTP_OK; f < e; f++)
            assert_string_not_equal(seen[e], seen[f]);
    }
    assert_string_equal(http_parser_error_text(HTTP_ERR_HEADERS_SIZE), "header block too large");
    assert_string_equal(http_parser_error_text(HTTP_ERR_HEADERS_COUNT), "too many headers");
    assert_string_equal(http_parser_error_text(HTTP_ERR_LENGTH), "bad Content-Length");
    assert_string_equal(http_parser_error_text(HTTP_ERR_EOF),
                        "connection closed before the response was complete");
    assert_non_null(http_parser_error_text((enum http_parse_error)1234));
}

struct seen_headers {
    int calls;
    char last[128];
    char first[128];
    int first_truncated;
    const struct http_parser *p;
};

static void remember(void *arg, const char *name, size_t nlen, const char *value, size_t vlen)
{
    struct seen_headers *s = arg;
    if (s->calls++ == 0) {
        snprintf(s->first, sizeof s->first, "%.*s=%.*s", (int)nlen, name, (int)vlen, value);
        s->first_truncated = s->p ? s->p->header_truncated : -1;
    }
    snprintf(s->last, sizeof s->last, "%.*s=%.*s", (int)nlen, name, (int)vlen, value);
}

/* A line that spans two reads is gathered in hdrbuf, cut when it does not fit; one within a
 * read never needs it. */
static void test_hdrbuf_too_small(void **state)
{
    (void)state;
    const char *in = "HTTP/1.1 200 OK\r\nX-Long: 0123456789abcdef\r\nContent-Length: 0\r\n\r\n";
    size_t len = strlen(in);
    char small[16];
    struct seen_headers s;
    struct http_parser p;

    memset(&s, 0, sizeof s);
    http_parser_init(&p, NULL, 0);
    p.on_header = remember;
    p.cb_arg = &s;
    p.hdrbuf = small;
    p.hdrbuf_size = sizeof small;
    assert_int_equal(http_parser_feed(&p, in, len), len);
    assert_int_equal(s.calls, 2);
    assert_string_equal(s.last, "Content-Length=0");

    memset(&s, 0, sizeof s);
    http_parser_init(&p, NULL, 0);
    p.on_header = remember;
    p.cb_arg = &s;
    p.hdrbuf = small;
    p.hdrbuf_size = sizeof small;
    s.p = &p;
    assert_int_equal(http_parser_feed(&p, in, 20), 20); /* "X-L" is kept */
    /* the rest does not fit: the line is cut to 16 bytes, reported as truncated, and the
     * response still parses */
    assert_int_equal(http_parser_feed(&p, in + 20, len - 20), len - 20);
    assert_int_equal(p.done, 1);
    assert_int_equal(s.calls, 2);
    assert_string_equal(s.first, "X-Long=01234567");
    assert_int_equal(s.first_truncated, 1);
    assert_int_equal(p.header_truncated, 0);

    /* exactly full is fine: "X-Long: 0123456789abcdef\r" is 25 bytes */
    char fit[25];
    memset(&s, 0, sizeof s);
    http_parser_init(&p, NULL, 0);
    p.on_header = remember;
    p.cb_arg = &s;
    p.hdrbuf = fit;
    p.hdrbuf_size = sizeof fit;
    assert_int_equal(http_parser_feed(&p, in, 18), 18);
    assert_int_equal(http_parser_feed(&p, in + 18, 24), 24);
    assert_int_equal(http_parser_feed(&p, in + 42, len - 42), len - 42);
    assert_int_equal(s.calls, 2);
    assert_int_equal(p.done, 1);
}

struct body_sink {
    char data[64];
    size_t len;
};

static void sink_body(void *arg, const char *d, size_t n)
{
    struct body_sink *b = arg;
    assert_true(b->len + n <= sizeof b->data);
    memcpy(b->data + b->len, d, n);
    b->len += n;
}

/* on_body sees exactly the decoded payload, whatever the split: chunked, length, until EOF. */
static void test_on_body_decoded(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *body;
        int eof;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n5\r\npedia\r\n"
         "0\r\nT: 1\r\n\r\n", "Wikipedia", 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "hello", 0},
        {"HTTP/1.0 200 OK\r\n\r\nuntil the end", "until the end", 1},
        {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok", 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t len = strlen(cases[c].in);
        for (size_t step = 1; step <= len; step++) {
            struct body_sink b = {.len = 0};
            struct http_parser p;
            http_parser_init(&p, NULL, 0);
            p.on_body = sink_body;
            p.cb_arg = &b;
            for (size_t off = 0; off < len; off += step) {
                size_t n = len - off < step ? len - off : step;
                assert_int_equal(http_parser_feed(&p, cases[c].in + off, n), (ssize_t)n);
            }
            if (cases[c].eof)
                assert_int_equal(http_parser_eof(&p), 0);
            assert_int_equal(p.done, 1);
            assert_int_equal(b.len, strlen(cases[c].body));
            assert_memory_equal(b.data, cases[c].body, b.len);
        }
    }
}

/* A gathered line spanning many reads comes out whole, and the next line, lying in one read,
 * comes straight from that read. */
static void test_on_header_three_reads(void **state)
{
    (void)state;
    const char *in = "HTTP/1.1 200 OK\r\nX-Spread:  a b c  \r\nX-Next: 1\r\n\r\n";
    char hb[64];
    struct outcome o;
    struct http_parser p;
    memset(&o, 0, sizeof o);
    http_parser_init(&p, NULL, 1);
    p.on_header = collect;
    p.cb_arg = &o;
    p.hdrbuf = hb;
    p.hdrbuf_size = sizeof hb;
    assert_int_equal(http_parser_feed(&p, in, 20), 20);
    assert_int_equal(http_parser_feed(&p, in + 20, 7), 7);
    assert_int_equal(o.hlen, 0);
    size_t rest = strlen(in) - 27;
    assert_int_equal(http_parser_feed(&p, in + 27, rest), rest);
    assert_string_equal(o.headers, "X-Spread=a b c|X-Next=1|");
    assert_int_equal(p.hdrbuf_len, 0);
}

/* Mangled copies of every response above (bytes changed, dropped or repeated) must still
 * parse the same however they are cut: split-invariance holds for bad input too. */
static void test_mangled_inputs_split_invariant(void **state)
{
    (void)state;
    enum { N = sizeof cases / sizeof cases[0] };
    static const char alphabet[] = "\r\n :;,0129aAfFxX-\t\0HTP/.ck";
    char buf[512];
    size_t cuts[512];
    struct outcome whole, o;
    for (size_t i = 0; i < N; i++) {
        const struct tcase *c = &cases[i];
        for (int round = 0; round < 40; round++) {
            size_t len = c->len < sizeof buf ? c->len : sizeof buf;
            memcpy(buf, c->in, len);
            for (int k = 1 + (int)(next_random() % 3); k > 0 && len > 1; k--) {
                size_t at = next_random() % len;
                switch (next_random() % 3) {
                case 0:
                    buf[at] = alphabet[next_random() % (sizeof alphabet - 1)];
                    break;
                case 1:
                    memmove(buf + at, buf + at + 1, len - at - 1);
                    len--;
                    break;
                default:
                    if (len < sizeof buf) {
                        memmove(buf + at + 1, buf + at, len - at);
                        len++;
                    }
                    break;
                }
            }
            run(c, buf, len, NULL, 0, 1, &whole);
            for (size_t j = 1; j < len; j++)
                cuts[j - 1] = j;
            run(c, buf, len, cuts, len ? len - 1 : 0, 1, &o);
            check_same(c, &whole, &o, 1, "mangled, byte by byte, round", (size_t)round);
            cuts[0] = len ? next_random() % len : 0;
            run(c, buf, len, cuts, 1, 0, &o);
            check_same(c, &whole, &o, 0, "mangled, in two pieces, round", (size_t)round);
        }
    }
}

int main(void)
{
    enum { N = sizeof cases / sizeof cases[0] };
    static struct CMUnitTest tests[N + 32];
    size_t n = 0;
    for (size_t i = 0; i < N; i++) {
        struct CMUnitTest t = cmocka_unit_test_prestate(test_case, (void *)&cases[i]);
        t.name = cases[i].name;
        tests[n++] = t;
    }
    const struct CMUnitTest more[] = {
        cmocka_unit_test(test_endless_header_lines),
        cmocka_unit_test(test_endless_header_value),
        cmocka_unit_test(test_endless_reason_and_blank_lines),
        cmocka_unit_test(test_endless_interim_responses_are_fine),
        cmocka_unit_test(test_endless_chunk_extension),
        cmocka_unit_test(test_endless_trailers),
        cmocka_unit_test(test_endless_headers_count),
        cmocka_unit_test(test_large_body_in_pieces),
        cmocka_unit_test(test_pipelined_responses),
        cmocka_unit_test(test_errors_stick),
        cmocka_unit_test(test_feed_after_done),
        cmocka_unit_test(test_init_defaults),
        cmocka_unit_test(test_error_texts),
        cmocka_unit_test(test_hdrbuf_too_small),
        cmocka_unit_test(test_on_body_decoded),
        cmocka_unit_test(test_on_header_three_reads),
        cmocka_unit_test(test_mangled_inputs_split_invariant),
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        tests[n++] = more[i];
    return _cmocka_run_group_tests("http_parser", tests, n, NULL, NULL);
}
