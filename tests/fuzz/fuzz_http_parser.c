/* Fuzz target for the HTTP/1.x response parser.
 *
 * Input: two control bytes, then the bytes of a response. The first picks the limits and
 * whether the request was a HEAD, the second seeds the places where the response is cut into
 * reads. The response is parsed twice, once in one piece and once in pieces, and both parses
 * must agree on everything (status, error, counters, the headers reported): the parser claims
 * that where the reads are cut never matters. Memory errors are the sanitizers' to find. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http_parser.h"

/* What the header callback saw: a running hash of every name and value, and their count. */
struct seen {
    uint64_t hash;
    uint32_t count;
};

static uint64_t mix(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
    return (h ^ n) * 0x100000001b3ull;
}

static void on_header(void *arg, const char *name, size_t nlen, const char *value, size_t vlen)
{
    struct seen *s = arg;
    s->hash = mix(mix(s->hash, name, nlen), value, vlen);
    s->count++;
}

struct run {
    struct http_parser p;
    struct seen seen;
    ssize_t consumed; /* bytes the parser took, or -1 */
    int eof_rc;
};

static void run_parse(struct run *r, const struct http_limits *lim, int head, char *hdrbuf,
                      const char *buf, size_t len, uint32_t cut_seed)
{
    memset(r, 0, sizeof(*r));
    r->seen.hash = 0xcbf29ce484222325ull;
    http_parser_init(&r->p, lim, head);
    r->p.on_header = on_header;
    r->p.cb_arg = &r->seen;
    /* a gathered line never exceeds the header block limit, so this never refuses one that a
     * single read would accept */
    r->p.hdrbuf = hdrbuf;
    r->p.hdrbuf_size = r->p.limits.max_header_bytes;

    size_t off = 0;
    uint32_t x = cut_seed | 1;
    r->consumed = 0;
    while (off < len) {
        size_t n = len - off;
        if (cut_seed) { /* pieces of 1 to 16 bytes, sometimes larger */
            x = x * 1664525u + 1013904223u;
            size_t want = (x >> 24) < 32 ? (x >> 8) % 4096 + 1 : (x >> 16) % 16 + 1;
            if (want < n)
                n = want;
        }
        /* feed from a private copy, so that a read past the piece is a heap overflow */
        char *piece = malloc(n);
        if (!piece)
            abort();
        memcpy(piece, buf + off, n);
        ssize_t used = http_parser_feed(&r->p, piece, n);
        free(piece);
        if (used < 0) {
            r->consumed = -1;
            break;
        }
        if ((size_t)used > n)
            abort(); /* took more than it was given */
        r->consumed += used;
        off += (size_t)used;
        if ((size_t)used < n) {
            if (!r->p.done)
                abort(); /* only a complete response leaves bytes unconsumed */
            break;
        }
        if (r->p.done)
            break;
    }
    r->eof_rc = r->consumed >= 0 && !r->p.done ? http_parser_eof(&r->p) : 2;
}

#define SAME(field)                                                                             \
    do {                                                                                        \
        if (a->field != b->field) {                                                             \
            fprintf(stderr, "http_parser: split parse differs in " #field "\n");                \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

static void compare(const struct run *a, const struct run *b)
{
    SAME(consumed);
    SAME(eof_rc);
    SAME(p.error);
    SAME(p.done);
    SAME(p.headers_done);
    SAME(p.body_bytes);
    SAME(p.header_bytes);
    SAME(p.chunked);
    SAME(seen.hash);
    SAME(seen.count);
    if (!a->p.headers_done)
        return; /* after an error in the head, the half-read fields mean nothing */
    SAME(p.status);
    SAME(p.version_minor);
    SAME(p.keep_alive);
    SAME(p.header_count);
    SAME(p.content_length);
    if (strcmp(a->p.reason, b->p.reason) != 0) {
        fprintf(stderr, "http_parser: split parse differs in reason\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t ctl = data[0], cut = data[1];
    const char *buf = (const char *)data + 2;
    size_t len = size - 2;

    static const uint32_t header_bytes[4] = {0, 64, 512, 4096}; /* 0: the default (64 KiB) */
    static const uint32_t header_counts[4] = {0, 1, 3, 16};
    struct http_limits lim = {header_bytes[ctl & 3], header_counts[(ctl >> 2) & 3]};
    int head = (ctl >> 4) & 1;

    static char hdrbuf_a[64 * 1024], hdrbuf_b[64 * 1024];
    static struct run whole, split;
    run_parse(&whole, &lim, head, hdrbuf_a, buf, len, 0);
    run_parse(&split, &lim, head, hdrbuf_b, buf, len, (uint32_t)cut * 2654435761u + 1);
    compare(&whole, &split);

    const struct http_parser *p = &whole.p;
    if (p->headers_done && (p->status < 100 || p->status > 999))
        abort();
    if (memchr(p->reason, '\0', HTTP_REASON_MAX) == NULL)
        abort(); /* the reason phrase must stay NUL-terminated */
    if (p->done && p->error)
        abort();
    (void)http_parser_error_text(p->error);
    return 0;
}
