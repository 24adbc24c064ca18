/* http_parser: incremental, zero-copy HTTP/1.x response parser (see http_parser.h).
 *
 * The parser is a byte-level state machine that can stop after any byte and resume on the
 * next feed, so a response split anywhere parses exactly like one fed whole. Everything that
 * is not interesting (values of other headers, chunk extensions, bodies) is skipped with
 * memchr or in bulk; only header names, the three header values we interpret and the short
 * framing lines are walked byte by byte. Header names are matched against the known names
 * while they stream past, so nothing is ever buffered to be compared later.
 *
 * That machine is the reference, but most lines never go through it: a status line, header
 * line or chunk-size line that lies whole in the current read is parsed in place by a fast
 * path (see "fast paths" below), which hands the line to the machine, untouched, whenever it
 * is not plainly valid. */
#include "http_parser.h"

#include <string.h>

#include "strutil.h"

/* SSE2 (always there on x86-64) finds line ends and header names 16 bytes at a time; other
 * machines, or a build with -DHTTP_PARSER_NO_SIMD, use memchr and a table loop instead. */
#if defined(__SSE2__) && defined(__GNUC__) && !defined(HTTP_PARSER_NO_SIMD)
#define HP_SSE2 1
#include <emmintrin.h>
#else
#define HP_SSE2 0
#endif

#define DEFAULT_MAX_HEADER_BYTES (64u * 1024u)
#define DEFAULT_MAX_HEADERS 100u

enum state {
    S_STATUS,      /* status line; line_len is the position in it */
    S_REASON,      /* reason phrase; copied (truncated) into p->reason */
    S_STATUS_LF,   /* CR ended the status line */
    S_LINE,        /* start of a header or trailer line, or of the final empty line */
    S_NAME,        /* header name; line_len is its length so far */
    S_VALUE,       /* value of a header we do not interpret: skipped up to LF */
    S_VALUE_LENGTH, /* Content-Length; the number accumulates in p->remaining */
    S_VALUE_TE,    /* Transfer-Encoding list */
    S_VALUE_CONN,  /* Connection list */
    S_END_LF,      /* CR of the empty line that ends a header block */
    S_BODY_LENGTH, /* Content-Length body; p->remaining bytes to go */
    S_BODY_EOF,    /* body delimited by the end of the connection */
    S_CHUNK_START, /* first hex digit of a chunk-size line */
    S_CHUNK_SIZE,  /* more hex digits */
    S_CHUNK_OWS,   /* blanks after the size */
    S_CHUNK_EXT,   /* ;extensions, skipped up to LF */
    S_CHUNK_LF,    /* CR ended the chunk-size line */
    S_CHUNK_DATA,  /* p->remaining bytes of chunk data to go */
    S_CHUNK_CR,    /* CRLF after chunk data */
    S_CHUNK_DATA_LF,
    S_DONE,
};

/* p->flags. The low byte lives for one response, the rest is reset at each header line
 * (and, for list values, at each list element). */
#define F_CONN_CLOSE (1u << 0) /* Connection: close */
#define F_CONN_KEEP  (1u << 1) /* Connection: keep-alive */
#define F_TE         (1u << 2) /* Transfer-Encoding named a coding */
#define F_TRAILER    (1u << 3) /* parsing the trailer block of a chunked body */
#define F_GATHER     (1u << 4) /* the current header line is partly in hdrbuf */
#define F_DIGIT      (1u << 8) /* Content-Length value: a digit was seen */
#define F_AFTER      (1u << 9) /* blanks after a Content-Length number or a list token */
#define F_EL_TOKEN   (1u << 10) /* the current list element is not empty */
#define F_TE_ANY     (1u << 11) /* this Transfer-Encoding header had a non-empty element */
#define F_TE_LAST    (1u << 12) /* ... and its last one was "chunked" */
#define MATCH_SHIFT  16        /* 1 + index of a name / word still matching, or 0 */
#define MATCH_MASK   (7u << MATCH_SHIFT)
#define LINE_FLAGS   0xffffff00u

struct word {
    const char *s; /* lower case */
    uint32_t len;
};

/* Header names we interpret. */
enum { H_LENGTH, H_TE, H_CONN, H_NUM };
static const struct word header_names[H_NUM] = {
    [H_LENGTH] = {"content-length", 14},
    [H_TE] = {"transfer-encoding", 17},
    [H_CONN] = {"connection", 10},
};
static const struct word te_words[] = {{"chunked", 7}};
enum { W_CLOSE, W_KEEP };
static const struct word conn_words[] = {[W_CLOSE] = {"close", 5}, [W_KEEP] = {"keep-alive", 10}};

/* ---- fast paths ------------------------------------------------------------------------
 *
 * Most lines arrive whole in one read. For those, the LF is found first (SSE2 or memchr) and
 * the line is parsed in place by the functions below, which never report an error: a line
 * they do not accept as plainly valid (a bad byte, a conflict, a limit reached, an edge case)
 * they leave untouched, state included, and the byte-level machine then parses it from the
 * same state. So results and errors are exactly those of the machine, wherever the input is
 * split: a line cut by the end of a read always goes through the machine. */

static inline uint64_t load8(const char *s)
{
    uint64_t v;
    memcpy(&v, s, sizeof v);
    return v;
}

static inline uint32_t load4(const char *s)
{
    uint32_t v;
    memcpy(&v, s, sizeof v);
    return v;
}

/* s[0..8) equals w ignoring the case of letters: mask has 0x20 where w has a (lower-case)
 * letter and 0 elsewhere, so a byte that becomes a letter by setting bit 5 can only be that
 * letter in upper case, and the other bytes must be equal. */
static inline int eq8_nocase(const char *s, const char *w, const char *mask)
{
    return (load8(s) | load8(mask)) == load8(w);
}

#define M8 "\x20\x20\x20\x20\x20\x20\x20\x20" /* mask for 8 letters */

/* The first LF in [s, lim), or NULL. */
static inline const char *find_lf(const char *s, const char *lim)
{
#if HP_SSE2
    const __m128i nl = _mm_set1_epi8('\n');
    for (; lim - s >= 16; s += 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)s), nl));
        if (m)
            return s + __builtin_ctz(m);
    }
#endif
    return memchr(s, '\n', (size_t)(lim - s));
}

/* From u[n], a position in a line that has an LF, to the first byte that is no token
 * character (at the LF at the latest). */
static inline size_t skip_token(const unsigned char *u, size_t n)
{
    for (;;) {
        if (!str_token_lower[u[n]])
            return n;
        if (!str_token_lower[u[n + 1]])
            return n + 1;
        if (!str_token_lower[u[n + 2]])
            return n + 2;
        if (!str_token_lower[u[n + 3]])
            return n + 3;
        n += 4;
    }
}

static inline int is_blank_cr(unsigned char c) /* what list and number values skip */
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* One list element [s, e) (no ',' in it) of a Connection or Transfer-Encoding value, as the
 * machine judges it: 0 when empty, else 1 + the index of the word it is (blanks around it
 * only), or 1 + n when it is none of them. */
static int list_element(const char *s, const char *e, const struct word *w, int n)
{
    while (s < e && is_blank_cr((unsigned char)*s))
        s++;
    if (s == e)
        return 0;
    const char *tok = s;
    while (s < e && !is_blank_cr((unsigned char)*s))
        s++;
    size_t len = (size_t)(s - tok);
    while (s < e && is_blank_cr((unsigned char)*s))
        s++;
    if (s == e) /* a single run of non-blanks */
        for (int i = 0; i < n; i++) {
            if (w[i].len != len)
                continue;
            size_t k = 0;
            while (k < len && str_token_lower[(unsigned char)tok[k]] == (unsigned char)w[i].s[k])
                k++;
            if (k == len)
                return i + 1;
        }
    return n + 1;
}

/* Calls list_element for each element of the value [s, e), and returns the bits of result
 * (1 << value) seen, and in *last the result for the last non-empty element (0 if none). */
static uint32_t list_scan(const char *s, const char *e, const struct word *w, int n, int *last)
{
    uint32_t seen = 0;
    *last = 0;
    for (;;) {
        const char *comma = memchr(s, ',', (size_t)(e - s));
        int r = list_element(s, comma ? comma : e, w, n);
        seen |= 1u << r;
        if (r)
            *last = r;
        if (!comma)
            return seen;
        s = comma + 1;
    }
}

/* Calls back for a header line [line, e) whose name ends at colon: the value without the
 * blanks around it (and CR). */
static inline void emit_header_at(struct http_parser *p, const char *line, const char *colon,
                           const char *e)
{
    const char *v = colon + 1;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    p->on_header(p->cb_arg, line, (size_t)(colon - line), v, (size_t)(e - v));
    p->header_truncated = 0;
}

/* The value [v, lf) of a Content-Length header whole in the read: on success sets
 * content_length and returns 1; returns 0 for anything the machine must look at. */
static inline int fast_length(struct http_parser *p, const char *v, const char *lf)
{
    uint64_t len = 0;
    int digit = 0, after = 0;
    for (; v < lf; v++) {
        unsigned d = (unsigned char)*v - (unsigned)'0';
        if (d <= 9) {
            /* near the 63-bit limit, let the machine do the exact check */
            if (after || len >= (uint64_t)INT64_MAX / 10)
                return 0;
            len = len * 10 + d;
            digit = 1;
        } else if (is_blank_cr((unsigned char)*v)) {
            after = digit;
        } else {
            return 0;
        }
    }
    if (!digit || (p->content_length >= 0 && (uint64_t)p->content_length != len))
        return 0;
    p->content_length = (int64_t)len;
    return 1;
}

/* The value [v, lf) of a Connection header. */
static inline void fast_connection(struct http_parser *p, const char *v, const char *lf)
{
    /* the usual values, alone between blanks */
    const char *s = v, *e = lf;
    while (s < e && is_blank_cr((unsigned char)*s))
        s++;
    while (e > s && is_blank_cr((unsigned char)e[-1]))
        e--;
    if (e - s == 10 && eq8_nocase(s, "keep-ali", "\x20\x20\x20\x20\0\x20\x20\x20") &&
        eq8_nocase(s + 2, "ep-alive", "\x20\x20\0\x20\x20\x20\x20\x20")) {
        p->flags |= F_CONN_KEEP;
        return;
    }
    if (e - s == 5 && (load4(s) | load4(M8)) == load4("clos") && (s[4] | 0x20) == 'e') {
        p->flags |= F_CONN_CLOSE;
        return;
    }
    int last;
    uint32_t seen = list_scan(v, lf, conn_words, 2, &last);
    if (seen & (1u << (1 + W_CLOSE)))
        p->flags |= F_CONN_CLOSE;
    if (seen & (1u << (1 + W_KEEP)))
        p->flags |= F_CONN_KEEP;
}

/* The value [v, lf) of a Transfer-Encoding header. */
static inline void fast_te(struct http_parser *p, const char *v, const char *lf)
{
    const char *s = v, *e = lf;
    int last;
    while (s < e && is_blank_cr((unsigned char)*s))
        s++;
    while (e > s && is_blank_cr((unsigned char)e[-1]))
        e--;
    if (e - s == 7 && (load4(s) | load4(M8)) == load4("chun") &&
        (load4(s + 3) | load4(M8)) == load4("nked"))
        last = 1;
    else if (!(list_scan(v, lf, te_words, 1, &last) & ~1u))
        return; /* only empty elements: as if there were no header */
    /* only the last coding decides */
    p->flags |= F_TE;
    p->chunked = last == 1;
}

/* Whole header (or trailer) lines from ptr, state S_LINE. Returns where the machine must take
 * over: lim, or the start of a line (or of the final empty line) the fast path left alone. */
static const char *fast_header_lines(struct http_parser *p, const char *ptr, const char *lim,
                                     int cb)
{
    /* trailer lines are not counted, nor their names interpreted; the line that would go over
     * max_headers is left to the machine, which fails at its LF */
    int trailer = (p->flags & F_TRAILER) != 0;
    uint32_t count = p->header_count, max = p->limits.max_headers;
    uint32_t left = trailer ? UINT32_MAX : count < max ? max - count : 0;
    while (ptr < lim) {
        const unsigned char *u = (const unsigned char *)ptr;
        if (!str_token_lower[u[0]])
            break;
        const char *lf;
        size_t n = 0; /* u[0..n) are known to be token characters */
#if HP_SSE2
        if (lim - ptr >= 16) {
            /* the first 16 bytes: where LF is, and how far letters, digits and '-' go */
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)ptr);
            __m128i l = _mm_sub_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
            __m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
            __m128i simple = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(25)), l),
                             _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d)),
                _mm_cmpeq_epi8(x, _mm_set1_epi8('-')));
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
            lf = m ? ptr + __builtin_ctz(m) : find_lf(ptr + 16, lim);
            n = (size_t)__builtin_ctz(~(unsigned)_mm_movemask_epi8(simple));
        } else
#endif
            lf = memchr(ptr, '\n', (size_t)(lim - ptr));
        if (!lf || !left)
            break;
        /* the rest of the name; LF is no token character, so this stops at lf at the latest */
        if (u[n] != ':')
            n = skip_token(u, n);
        if (u[n] != ':')
            break;
        const char *colon = ptr + n;
        if (!trailer) {
            if (n == 14) {
                if (eq8_nocase(ptr, "content-", "\x20\x20\x20\x20\x20\x20\x20\0") &&
                    eq8_nocase(ptr + 6, "t-length", "\x20\0\x20\x20\x20\x20\x20\x20") &&
                    !fast_length(p, colon + 1, lf))
                    break;
            } else if (n == 10) {
                if (eq8_nocase(ptr, "connecti", M8) && eq8_nocase(ptr + 2, "nnection", M8))
                    fast_connection(p, colon + 1, lf);
            } else if (n == 17) {
                if (eq8_nocase(ptr, "transfer", M8) &&
                    eq8_nocase(ptr + 8, "-encodin", "\0\x20\x20\x20\x20\x20\x20\x20") &&
                    (u[16] | 0x20) == 'g')
                    fast_te(p, colon + 1, lf);
            }
            /* any other value: every byte up to LF is allowed, as in S_VALUE */
            p->header_count++;
            left--;
        }
        if (cb)
            emit_header_at(p, ptr, colon, lf);
        ptr = lf + 1;
    }
    return ptr;
}

/* A whole status line [line, lf] in the current read, state S_STATUS at its first byte.
 * Returns 1 when it was parsed, 0 when the machine must do it. */
static int fast_status_line(struct http_parser *p, const char *line, const char *lf)
{
    const unsigned char *u = (const unsigned char *)line;
    if (lf - line < 12 || memcmp(line, "HTTP/1.", 7) || (u[7] != '0' && u[7] != '1') ||
        u[8] != ' ' || u[9] < '1' || u[9] > '9' || u[10] < '0' || u[10] > '9' || u[11] < '0' ||
        u[11] > '9')
        return 0;
    const char *r = line + 12, *re = lf;
    if (r < lf) {
        if (*r == '\r') {
            if (r + 1 != lf)
                return 0;
        } else if (*r == ' ') {
            r++;
            if (re > r && re[-1] == '\r')
                re--;
            size_t len = (size_t)(re - r), i;
            for (i = 0; i < len; i++)
                if (r[i] == '\r') /* a CR inside: the machine knows what to say */
                    return 0;
            if (len > HTTP_REASON_MAX - 1)
                len = HTTP_REASON_MAX - 1;
            memcpy(p->reason, r, len);
            p->reason[len] = '\0';
        } else {
            return 0;
        }
    }
    p->version_minor = u[7] - '0';
    p->status = (u[9] - '0') * 100 + (u[10] - '0') * 10 + (u[11] - '0');
    return 1;
}

/* Incremental matching against a few words: we follow one candidate (1 + its index, 0 when
 * none is left) whose first pos bytes were matched. Only when it fails do we look for another
 * word with the same prefix, so the usual cost is one compare per byte. c is lower-cased and
 * never 0 (a 0 from token_lower means "cannot match"). */
static inline uint32_t match_byte(uint32_t cand, const struct word *w, int n, uint32_t pos, int c)
{
    if (!cand || c == 0)
        return 0;
    const struct word *cur = &w[cand - 1];
    if (pos < cur->len && cur->s[pos] == c)
        return cand;
    for (int i = 0; i < n; i++)
        if (pos < w[i].len && w[i].s[pos] == c && !memcmp(w[i].s, cur->s, pos))
            return (uint32_t)i + 1;
    return 0;
}

/* The index of the word matched in full by len bytes, or -1. */
static inline int match_end(uint32_t cand, const struct word *w, int n, uint32_t len)
{
    if (!cand)
        return -1;
    const struct word *cur = &w[cand - 1];
    if (cur->len == len)
        return (int)cand - 1;
    for (int i = 0; i < n; i++) /* a shorter word that is a prefix of cur */
        if (w[i].len == len && !memcmp(w[i].s, cur->s, len))
            return i;
    return -1;
}

static inline int is_final_status(int status)
{
    return status >= 200 || status == 101;
}

/* Forget the previous (interim) response, keep the counters that span them. */
static void start_response(struct http_parser *p)
{
    p->status = 0;
    p->version_minor = -1; /* no status line yet: a failure can tell "nothing came" */
    p->reason[0] = '\0';
    p->header_count = 0;
    p->content_length = -1;
    p->chunked = 0;
    p->flags = 0;
    p->line_len = 0;
    p->block_bytes = 0;
    p->state = S_STATUS;
}

void http_parser_init(struct http_parser *p, const struct http_limits *limits, int head_request)
{
    memset(p, 0, sizeof *p);
    if (limits)
        p->limits = *limits;
    if (!p->limits.max_header_bytes)
        p->limits.max_header_bytes = DEFAULT_MAX_HEADER_BYTES;
    if (!p->limits.max_headers)
        p->limits.max_headers = DEFAULT_MAX_HEADERS;
    p->head_request = head_request;
    start_response(p);
}

/* ---- header block --------------------------------------------------------------------- */

static void list_start_element(struct http_parser *p)
{
    p->flags = (p->flags & ~(F_EL_TOKEN | F_AFTER | MATCH_MASK)) | (1u << MATCH_SHIFT);
    p->line_len = 0;
}

/* Judges the list element that just ended; the caller starts the next one. */
static void list_end_element(struct http_parser *p)
{
    if (!(p->flags & F_EL_TOKEN))
        return; /* empty list elements are allowed and mean nothing */
    uint32_t set = (p->flags & MATCH_MASK) >> MATCH_SHIFT;
    if (p->state == S_VALUE_TE) {
        /* only the last coding decides, so each element overwrites the verdict */
        p->flags |= F_TE_ANY;
        if (match_end(set, te_words, 1, p->line_len) == 0)
            p->flags |= F_TE_LAST;
        else
            p->flags &= ~F_TE_LAST;
    } else {
        int w = match_end(set, conn_words, 2, p->line_len);
        if (w == W_CLOSE)
            p->flags |= F_CONN_CLOSE;
        else if (w == W_KEEP)
            p->flags |= F_CONN_KEEP;
    }
}

static void list_byte(struct http_parser *p, unsigned char c)
{
    if (c == ',') {
        list_end_element(p);
        list_start_element(p);
    } else if (c == ' ' || c == '\t' || c == '\r') {
        if (p->flags & F_EL_TOKEN)
            p->flags |= F_AFTER;
    } else {
        uint32_t set = (p->flags & MATCH_MASK) >> MATCH_SHIFT;
        p->flags |= F_EL_TOKEN;
        if (p->flags & F_AFTER) /* "keep alive" is not "keep-alive" */
            set = 0;
        else if (p->state == S_VALUE_TE)
            set = match_byte(set, te_words, 1, p->line_len, str_token_lower[c]);
        else
            set = match_byte(set, conn_words, 2, p->line_len, str_token_lower[c]);
        p->flags = (p->flags & ~MATCH_MASK) | (set << MATCH_SHIFT);
        p->line_len++;
    }
}

/* Content-Length: digits between optional blanks, no sign, no list. Returns an error or 0. */
static enum http_parse_error length_byte(struct http_parser *p, unsigned char c)
{
    if (c >= '0' && c <= '9') {
        unsigned d = c - '0';
        if (p->flags & F_AFTER)
            return HTTP_ERR_LENGTH;
        if (p->remaining > ((uint64_t)INT64_MAX - d) / 10)
            return HTTP_ERR_LENGTH;
        p->remaining = p->remaining * 10 + d;
        p->flags |= F_DIGIT;
    } else if (c == ' ' || c == '\t' || c == '\r') {
        if (p->flags & F_DIGIT)
            p->flags |= F_AFTER;
    } else {
        return HTTP_ERR_LENGTH;
    }
    return HTTP_OK;
}

/* Appends a piece of a header line that spans reads to hdrbuf. What does not fit is dropped
 * and the line is reported truncated: the header block itself is bounded by the limits, and a
 * long header nobody asked for must not fail the response. */
static int gather(struct http_parser *p, const char *from, size_t n)
{
    size_t room = (size_t)(p->hdrbuf_size - p->hdrbuf_len);
    if (n > room) {
        n = room;
        p->header_truncated = 1;
    }
    if (n)
        memcpy(p->hdrbuf + p->hdrbuf_len, from, n);
    p->hdrbuf_len += (uint32_t)n;
    p->flags |= F_GATHER;
    return 0;
}

/* The line has been checked already: a token name, ':', a value, maybe a CR. */
static void emit_header(struct http_parser *p, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon) { /* truncated before the colon: nothing worth reporting */
        p->header_truncated = 0;
        return;
    }
    emit_header_at(p, line, colon, line + len);
}

/* A header line ended at lf (the LF byte); mark is where its bytes in this read begin. */
static enum http_parse_error header_line_end(struct http_parser *p, const char *mark,
                                             const char *lf, int cb)
{
    switch (p->state) {
    case S_VALUE_LENGTH:
        if (!(p->flags & F_DIGIT))
            return HTTP_ERR_LENGTH;
        if (p->content_length >= 0 && (uint64_t)p->content_length != p->remaining)
            return HTTP_ERR_LENGTH;
        p->content_length = (int64_t)p->remaining;
        p->remaining = 0;
        break;
    case S_VALUE_TE:
        list_end_element(p);
        if (p->flags & F_TE_ANY) {
            p->flags |= F_TE;
            p->chunked = (p->flags & F_TE_LAST) != 0;
        }
        break;
    case S_VALUE_CONN:
        list_end_element(p);
        break;
    default:
        break;
    }
    if (!(p->flags & F_TRAILER) && ++p->header_count > p->limits.max_headers)
        return HTTP_ERR_HEADERS_COUNT;
    if (cb) {
        if (p->flags & F_GATHER) {
            if (gather(p, mark, (size_t)(lf - mark)) < 0)
                return HTTP_ERR_HEADERS_SIZE;
            emit_header(p, p->hdrbuf, p->hdrbuf_len);
            p->hdrbuf_len = 0;
            p->flags &= ~F_GATHER;
        } else {
            emit_header(p, mark, (size_t)(lf - mark));
        }
    }
    p->state = S_LINE;
    return HTTP_OK;
}

static void status_line_end(struct http_parser *p)
{
    p->state = S_LINE;
    p->line_len = 0;
}

/* Parses a status line + header block, or a trailer block, from *pp. Returns 1 when the block
 * is complete (*pp is just past it), 0 when all of [*pp, end) was consumed and more is needed,
 * -1 on error. Only max_header_bytes - block_bytes more bytes may belong to the block, so an
 * endless block fails as soon as it goes over the limit, not when (if ever) it ends. */
static int parse_head(struct http_parser *p, const char **pp, const char *end)
{
    const char *ptr = *pp, *start = ptr, *mark = ptr;
    size_t room = p->limits.max_header_bytes - p->block_bytes;
    const char *lim = (size_t)(end - ptr) > room ? ptr + room : end;
    int cb = p->on_header && !(p->flags & F_TRAILER) && is_final_status(p->status);
    enum http_parse_error err;
    int complete = 0;

    while (ptr < lim) {
        unsigned char c = (unsigned char)*ptr;
        switch (p->state) {
        case S_STATUS: {
            uint32_t pos = p->line_len;
            if (pos == 0 && (c == '\r' || c == '\n'))
                break; /* stray blank lines before a response, as other clients allow */
            if (pos == 0) {
                const char *lf = find_lf(ptr, lim);
                if (lf && fast_status_line(p, ptr, lf)) {
                    ptr = lf + 1;
                    status_line_end(p);
                    cb = p->on_header && is_final_status(p->status);
                    continue;
                }
            }
            if (pos == 0 && lim - ptr > 12 && !memcmp(ptr, "HTTP/1.", 7) &&
                (ptr[7] == '0' || ptr[7] == '1') && ptr[8] == ' ' && ptr[9] >= '1' &&
                ptr[9] <= '9' && ptr[10] >= '0' && ptr[10] <= '9' && ptr[11] >= '0' &&
                ptr[11] <= '9') {
                /* the usual case, the whole prefix at hand: the bytewise path below does
                 * the same, one byte per pass (and reports the errors) */
                p->version_minor = ptr[7] - '0';
                p->status = (ptr[9] - '0') * 100 + (ptr[10] - '0') * 10 + (ptr[11] - '0');
                p->line_len = 12;
                ptr += 12;
                continue;
            }
            if (pos < 7) {
                if (c != "HTTP/1."[pos])
                    goto syntax;
            } else if (pos == 7) {
                if (c != '0' && c != '1')
                    goto syntax;
                p->version_minor = c - '0';
            } else if (pos == 8) {
                if (c != ' ')
                    goto syntax;
            } else if (pos < 12) {
                if (c < '0' || c > '9' || (pos == 9 && c == '0'))
                    goto syntax;
                p->status = p->status * 10 + (c - '0');
            } else if (c == ' ') {
                p->state = S_REASON;
            } else if (c == '\r') {
                p->state = S_STATUS_LF;
            } else if (c == '\n') {
                status_line_end(p);
                cb = p->on_header && is_final_status(p->status);
                break;
            } else {
                goto syntax;
            }
            p->line_len++;
            break;
        }
        case S_REASON:
            if (c == '\r') {
                p->state = S_STATUS_LF;
            } else if (c == '\n') {
                status_line_end(p);
                cb = p->on_header && is_final_status(p->status);
            } else {
                /* copy up to the end of the line, or of the input, or of p->reason */
                uint32_t i = p->line_len - 13; /* "HTTP/1.1 200 " */
                const char *from = ptr;
                while (ptr < lim && *ptr != '\r' && *ptr != '\n') {
                    if (i < HTTP_REASON_MAX - 1)
                        p->reason[i++] = *ptr;
                    ptr++;
                }
                if (i < HTTP_REASON_MAX)
                    p->reason[i] = '\0';
                p->line_len += (uint32_t)(ptr - from);
                continue;
            }
            break;
        case S_STATUS_LF:
            if (c != '\n')
                goto syntax;
            status_line_end(p);
            cb = p->on_header && is_final_status(p->status);
            break;
        case S_LINE:
            if (str_token_lower[c]) {
                ptr = fast_header_lines(p, ptr, lim, cb);
                if (ptr == lim)
                    continue;
                c = (unsigned char)*ptr;
            }
            if (c == '\r') {
                if (ptr + 1 < lim && ptr[1] == '\n') { /* the usual end of the block */
                    ptr += 2;
                    complete = 1;
                    goto out;
                }
                p->state = S_END_LF;
            } else if (c == '\n') {
                ptr++;
                complete = 1;
                goto out;
            } else if (str_token_lower[c]) {
                /* (a blank here would be obs-fold, which RFC 9112 lets us reject) */
                uint32_t set = p->flags & F_TRAILER ? 0 : 1;
                set = match_byte(set, header_names, H_NUM, 0, str_token_lower[c]);
                p->flags = (p->flags & ~LINE_FLAGS) | (set << MATCH_SHIFT);
                p->line_len = 1;
                p->state = S_NAME;
                mark = ptr;
            } else {
                goto syntax;
            }
            break;
        case S_NAME: {
            uint32_t set = (p->flags & MATCH_MASK) >> MATCH_SHIFT, pos = p->line_len;
            int t;
            while (ptr < lim && (t = str_token_lower[(unsigned char)*ptr]) != 0) {
                if (set)
                    set = match_byte(set, header_names, H_NUM, pos, t);
                pos++;
                ptr++;
            }
            p->line_len = pos;
            p->flags = (p->flags & ~MATCH_MASK) | (set << MATCH_SHIFT);
            if (ptr == lim)
                continue;
            if (*ptr != ':')
                goto syntax; /* no colon, or blanks before it */
            switch (match_end(set, header_names, H_NUM, pos)) {
            case H_LENGTH:
                p->state = S_VALUE_LENGTH;
                p->remaining = 0;
                break;
            case H_TE:
                p->state = S_VALUE_TE;
                list_start_element(p);
                break;
            case H_CONN:
                p->state = S_VALUE_CONN;
                list_start_element(p);
                break;
            default:
                p->state = S_VALUE;
                break;
            }
            break;
        }
        case S_VALUE: {
            const char *lf = memchr(ptr, '\n', (size_t)(lim - ptr));
            if (!lf) {
                ptr = lim;
                continue;
            }
            ptr = lf;
            if ((err = header_line_end(p, mark, ptr, cb)) != HTTP_OK)
                goto fail;
            break;
        }
        case S_VALUE_LENGTH:
            if (c == '\n') {
                if ((err = header_line_end(p, mark, ptr, cb)) != HTTP_OK)
                    goto fail;
            } else if ((err = length_byte(p, c)) != HTTP_OK) {
                goto fail;
            }
            break;
        case S_VALUE_TE:
        case S_VALUE_CONN:
            if (c == '\n') {
                if ((err = header_line_end(p, mark, ptr, cb)) != HTTP_OK)
                    goto fail;
            } else {
                list_byte(p, c);
            }
            break;
        case S_END_LF:
            if (c != '\n')
                goto syntax;
            ptr++;
            complete = 1;
            goto out;
        default:
            goto syntax;
        }
        ptr++;
    }

    /* out of input or out of room */
    if (lim < end) {
        err = HTTP_ERR_HEADERS_SIZE;
        goto fail;
    }
    if (cb && p->state >= S_NAME && p->state <= S_VALUE_CONN &&
        gather(p, mark, (size_t)(ptr - mark)) < 0) {
        err = HTTP_ERR_HEADERS_SIZE;
        goto fail;
    }
out:
    p->block_bytes += (uint32_t)(ptr - start);
    p->header_bytes += (uint64_t)(ptr - start);
    *pp = ptr;
    return complete;
syntax:
    err = HTTP_ERR_SYNTAX;
fail:
    /* count what was accepted, so the counters do not depend on how the input was split */
    p->block_bytes += (uint32_t)(ptr - start);
    p->header_bytes += (uint64_t)(ptr - start);
    p->error = err;
    return -1;
}

static void finish(struct http_parser *p)
{
    p->done = 1;
    p->state = S_DONE;
}

/* A header block ended: decide what comes next. */
static void head_complete(struct http_parser *p)
{
    if (p->flags & F_TRAILER) {
        finish(p);
        return;
    }
    if (!is_final_status(p->status)) {
        start_response(p); /* 1xx is interim: the real response follows */
        return;
    }
    p->headers_done = 1;
    if (p->version_minor >= 1)
        p->keep_alive = !(p->flags & F_CONN_CLOSE);
    else
        p->keep_alive = (p->flags & F_CONN_KEEP) && !(p->flags & F_CONN_CLOSE);

    if (p->head_request || p->status < 200 || p->status == 204 || p->status == 304) {
        finish(p);
    } else if (p->chunked) {
        p->remaining = 0;
        p->line_len = 0;
        p->state = S_CHUNK_START;
    } else if (p->flags & F_TE) {
        /* a coding we cannot frame: RFC 9112 says read until close, whatever the length */
        p->keep_alive = 0;
        p->state = S_BODY_EOF;
    } else if (p->content_length >= 0) {
        p->remaining = (uint64_t)p->content_length;
        if (p->remaining)
            p->state = S_BODY_LENGTH;
        else
            finish(p);
    } else {
        p->keep_alive = 0;
        p->state = S_BODY_EOF;
    }
}

/* ---- body ----------------------------------------------------------------------------- */

static void chunk_line_end(struct http_parser *p)
{
    p->line_len = 0;
    if (p->remaining) {
        p->state = S_CHUNK_DATA;
        return;
    }
    /* last chunk: a trailer block follows, bounded like a header block */
    p->flags = (p->flags & 0xffu) | F_TRAILER;
    p->block_bytes = 0;
    p->state = S_LINE;
}

/* Fast path for a whole chunk-size line of hex digits and CRLF, state S_CHUNK_START: parses
 * it and returns 1, or returns 0 for anything else (the machine's turn). Up to 15 digits
 * cannot overflow; the machine counts the line's bytes before the LF against the limit. */
static int fast_chunk_size(struct http_parser *p, const char **pp, const char *end)
{
    const char *s = *pp;
    size_t i = 0, avail = (size_t)(end - s);
    uint64_t v = 0;
    int h;
    while (i < avail && i < 15 && (h = str_hex_value((unsigned char)s[i])) >= 0) {
        v = v << 4 | (uint64_t)h;
        i++;
    }
    if (!i || avail - i < 2 || s[i] != '\r' || s[i + 1] != '\n' ||
        i + 1 > p->limits.max_header_bytes)
        return 0;
    p->remaining = v;
    chunk_line_end(p);
    *pp = s + i + 2;
    return 1;
}

/* Chunk-size lines and the CRLF after chunk data. Returns 0 or -1. */
static int parse_chunk_framing(struct http_parser *p, const char **pp, const char *end)
{
    const char *ptr = *pp;
    if (p->state == S_CHUNK_CR && end - ptr >= 2 && ptr[0] == '\r' && ptr[1] == '\n') {
        ptr += 2; /* the usual CRLF after chunk data */
        p->state = S_CHUNK_START;
        p->line_len = 0;
    }
    if (p->state == S_CHUNK_START && fast_chunk_size(p, &ptr, end)) {
        *pp = ptr;
        return 0;
    }
    while (ptr < end) {
        unsigned char c = (unsigned char)*ptr;
        int h;
        switch (p->state) {
        case S_CHUNK_START:
        case S_CHUNK_SIZE:
            if ((h = str_hex_value(c)) >= 0) {
                if (p->remaining >> 60)
                    goto fail; /* would overflow 64 bits */
                p->remaining = p->remaining << 4 | (uint64_t)h;
                p->state = S_CHUNK_SIZE;
                break;
            }
            if (p->state == S_CHUNK_START)
                goto fail;
            if (c == ';') {
                p->state = S_CHUNK_EXT;
            } else if (c == ' ' || c == '\t') {
                p->state = S_CHUNK_OWS;
            } else if (c == '\r') {
                p->state = S_CHUNK_LF;
            } else if (c == '\n') {
                chunk_line_end(p);
                *pp = ptr + 1;
                return 0;
            } else {
                goto fail;
            }
            break;
        case S_CHUNK_OWS:
            if (c == ';') {
                p->state = S_CHUNK_EXT;
            } else if (c == '\r') {
                p->state = S_CHUNK_LF;
            } else if (c == '\n') {
                chunk_line_end(p);
                *pp = ptr + 1;
                return 0;
            } else if (c != ' ' && c != '\t') {
                goto fail;
            }
            break;
        case S_CHUNK_EXT: {
            /* extensions mean nothing to us; the line is only bounded, like a header line */
            const char *lf = memchr(ptr, '\n', (size_t)(end - ptr));
            size_t n = (size_t)((lf ? lf : end) - ptr);
            if (n > p->limits.max_header_bytes - p->line_len)
                goto fail;
            p->line_len += (uint32_t)n;
            if (!lf) {
                *pp = end;
                return 0;
            }
            chunk_line_end(p);
            *pp = lf + 1;
            return 0;
        }
        case S_CHUNK_LF:
            if (c != '\n')
                goto fail;
            chunk_line_end(p);
            *pp = ptr + 1;
            return 0;
        case S_CHUNK_CR:
        case S_CHUNK_DATA_LF:
            if (c == '\r' && p->state == S_CHUNK_CR) {
                p->state = S_CHUNK_DATA_LF;
                break;
            }
            if (c != '\n') /* a bare LF is accepted too */
                goto fail;
            p->state = S_CHUNK_START;
            p->line_len = 0;
            *pp = ptr + 1;
            return 0;
        default:
            goto fail;
        }
        ptr++;
        if (++p->line_len > p->limits.max_header_bytes)
            goto fail;
    }
    *pp = ptr;
    return 0;
fail:
    p->error = HTTP_ERR_SYNTAX;
    return -1;
}

ssize_t http_parser_feed(struct http_parser *p, const char *buf, size_t len)
{
    const char *ptr = buf, *end = buf + len;
    if (p->error)
        return -1;
    while (ptr < end) {
        switch (p->state) {
        case S_BODY_LENGTH:
        case S_CHUNK_DATA: {
            size_t n = (size_t)(end - ptr);
            if (n > p->remaining)
                n = (size_t)p->remaining;
            if (p->on_body && n)
                p->on_body(p->cb_arg, ptr, n);
            ptr += n;
            p->remaining -= n;
            p->body_bytes += n;
            if (!p->remaining) {
                if (p->state == S_BODY_LENGTH)
                    finish(p);
                else
                    p->state = S_CHUNK_CR;
            }
            break;
        }
        case S_BODY_EOF:
            if (p->on_body)
                p->on_body(p->cb_arg, ptr, (size_t)(end - ptr));
            p->body_bytes += (uint64_t)(end - ptr);
            ptr = end;
            break;
        case S_CHUNK_START:
        case S_CHUNK_SIZE:
        case S_CHUNK_OWS:
        case S_CHUNK_EXT:
        case S_CHUNK_LF:
        case S_CHUNK_CR:
        case S_CHUNK_DATA_LF:
            if (parse_chunk_framing(p, &ptr, end) < 0)
                return -1;
            break;
        case S_DONE:
            return ptr - buf; /* the rest belongs to nobody: the caller sees it */
        default: {
            int r = parse_head(p, &ptr, end);
            if (r < 0)
                return -1;
            if (r)
                head_complete(p);
            break;
        }
        }
    }
    return ptr - buf;
}

int http_parser_eof(struct http_parser *p)
{
    if (p->error)
        return -1;
    if (p->done)
        return 0;
    if (p->state == S_BODY_EOF) {
        finish(p);
        return 0;
    }
    p->error = HTTP_ERR_EOF;
    return -1;
}

const char *http_parser_error_text(enum http_parse_error e)
{
    switch (e) {
    case HTTP_OK:
        return "no error";
    case HTTP_ERR_SYNTAX:
        return "bad status line, header or chunk";
    case HTTP_ERR_HEADERS_SIZE:
        return "header block too large";
    case HTTP_ERR_HEADERS_COUNT:
        return "too many headers";
    case HTTP_ERR_LENGTH:
        return "bad Content-Length";
    case HTTP_ERR_EOF:
        return "connection closed before the response was complete";
    case HTTP_ERR_COUNT:
        break;
    }
    return "unknown parse error";
}
