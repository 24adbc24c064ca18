/*
 * target_http: parses HTTP/1.1 request heads, chunk-size lines and request-targets for
 * stampede-target. Strict where a lax reading would let two parsers disagree about where a
 * message ends (Content-Length, Transfer-Encoding, folding); lenient where it costs nothing
 * (bare LF line endings, unknown headers, any method). Also the small decoders the routes
 * need from a head: query parameters, percent-escapes and Basic credentials.
 */
#include "target_http.h"

#include <string.h>
#include <strings.h>

#include "base64.h"
#include "strutil.h"

const char *const target_bucket_names[BUCKET_COUNT] = {
    [BUCKET_ROOT] = "/",
    [BUCKET_BASIC_AUTH] = "/basic-auth",
    [BUCKET_BYTES] = "/bytes",
    [BUCKET_CHUNKED] = "/chunked",
    [BUCKET_CLOSE] = "/close",
    [BUCKET_DELAY] = "/delay",
    [BUCKET_ECHO] = "/echo",
    [BUCKET_HEADERS] = "/headers",
    [BUCKET_JSON] = "/json",
    [BUCKET_REDIRECT] = "/redirect",
    [BUCKET_REDIRECT_TO] = "/redirect-to",
    [BUCKET_STATUS] = "/status",
    [BUCKET_WS] = "/ws",
    [BUCKET_LOGIN] = "/login",
    [BUCKET_AUTH] = "/auth",
    [BUCKET_COOKIES] = "/cookies",
    [BUCKET_OTHER] = "other",
    [BUCKET_INVALID] = "invalid",
};

/* Field values: visible ASCII, space, tab and obs-text; no other control bytes (a bare CR
 * in particular, which some parsers treat as a line end). */
static bool is_value_char(unsigned char ch)
{
    return ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

static bool is_ows(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* Case-insensitive compare of a counted string with a literal. */
static bool token_is(const char *p, size_t len, const char *lit)
{
    return strlen(lit) == len && strncasecmp(p, lit, len) == 0;
}

bool target_http_bad_start(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] == ' ')
            return i == 0;
        if (!str_is_tchar((unsigned char)p[i]))
            return true;
    }
    return false;
}

size_t target_http_find_head_end(const char *p, size_t len, size_t *scan)
{
    size_t i = *scan;

    while (i < len) {
        const char *nl = memchr(p + i, '\n', len - i);
        if (nl == NULL) {
            *scan = len;
            return 0;
        }
        i = (size_t)(nl - p);
        if (i + 1 >= len)
            break;
        if (p[i + 1] == '\n')
            return i + 2;
        if (p[i + 1] == '\r') {
            if (i + 2 >= len)
                break;
            if (p[i + 2] == '\n')
                return i + 3;
        }
        i++;
    }
    *scan = i; /* look at this LF again once more bytes are here */
    return 0;
}

/* Decimal with no sign, no spaces and at most 18 digits, so it cannot overflow. */
static int parse_decimal(const char *p, size_t len, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0 || len > 18)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    *out = v;
    return 0;
}

static int parse_request_line(const char *p, size_t len, struct target_req *req)
{
    size_t i = 0, start;

    while (i < len && str_is_tchar((unsigned char)p[i]))
        i++;
    if (i == 0 || i >= len || p[i] != ' ')
        return 400;
    req->head = (i == 4 && memcmp(p, "HEAD", 4) == 0);

    start = ++i;
    while (i < len && (unsigned char)p[i] > ' ' && p[i] != 0x7f)
        i++;
    if (i == start || i >= len || p[i] != ' ')
        return 400;
    req->uri = p + start;
    req->uri_len = i - start;

    i++;
    if (len - i != 8 || memcmp(p + i, "HTTP/", 5) != 0 || p[i + 6] != '.')
        return 400;
    char major = p[i + 5], minor = p[i + 7];
    if (major < '0' || major > '9' || minor < '0' || minor > '9')
        return 400;
    if (major != '1')
        return 505;
    req->minor = minor - '0';
    return 0;
}

/* Connection is a comma-separated list of options; we only care about two of them. */
static void parse_connection(const char *v, size_t len, bool *close, bool *keep_alive)
{
    size_t i = 0;

    while (i < len) {
        while (i < len && (is_ows(v[i]) || v[i] == ','))
            i++;
        size_t start = i;
        while (i < len && v[i] != ',' && !is_ows(v[i]))
            i++;
        if (token_is(v + start, i - start, "close"))
            *close = true;
        else if (token_is(v + start, i - start, "keep-alive"))
            *keep_alive = true;
    }
}

int target_http_parse_head(const char *p, size_t len, struct target_req *req)
{
    const char *end = p + len, *line = p;
    bool conn_close = false, conn_keep_alive = false, have_length = false, have_te = false;
    int rc, auths = 0;

    memset(req, 0, sizeof(*req));
    for (bool first = true;; first = false) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        if (nl == NULL)
            return 400; /* the caller hands us a head that ends in a blank line */
        size_t n = (size_t)(nl - line);
        if (n > 0 && line[n - 1] == '\r')
            n--;
        const char *next = nl + 1;

        if (first) {
            if ((rc = parse_request_line(line, n, req)) != 0)
                return rc;
            line = next;
            continue;
        }
        if (n == 0)
            break;
        /* Obsolete line folding: refused, as RFC 9112 allows, rather than guessed at. */
        if (is_ows(line[0]))
            return 400;

        size_t nlen = 0;
        while (nlen < n && str_is_tchar((unsigned char)line[nlen]))
            nlen++;
        if (nlen == 0 || nlen >= n || line[nlen] != ':')
            return 400;
        const char *v = line + nlen + 1, *vend = line + n;
        while (v < vend && is_ows(*v))
            v++;
        while (vend > v && is_ows(vend[-1]))
            vend--;
        for (const char *q = v; q < vend; q++)
            if (!is_value_char((unsigned char)*q))
                return 400;
        size_t vlen = (size_t)(vend - v);

        if (token_is(line, nlen, "content-length")) {
            uint64_t cl;
            if (parse_decimal(v, vlen, &cl) != 0)
                return 400;
            /* Repeats are fine only if they agree; otherwise the length is ambiguous. */
            if (have_length && cl != req->content_length)
                return 400;
            have_length = true;
            req->content_length = cl;
        } else if (token_is(line, nlen, "transfer-encoding")) {
            if (have_te)
                return 400;
            have_te = true;
            if (!token_is(v, vlen, "chunked"))
                return 501;
            req->chunked = true;
        } else if (token_is(line, nlen, "connection")) {
            parse_connection(v, vlen, &conn_close, &conn_keep_alive);
        } else if (token_is(line, nlen, "expect")) {
            req->expect_continue = token_is(v, vlen, "100-continue");
        } else if (token_is(line, nlen, "cookie") && req->cookie == NULL) {
            req->cookie = v;
            req->cookie_len = vlen;
        } else if (token_is(line, nlen, "authorization")) {
            auths++;
            req->auth = v;
            req->auth_len = vlen;
        }
        line = next;
    }

    /* Both framings at once, or chunked from an HTTP/1.0 client, is how requests get
     * smuggled past proxies: refuse rather than pick one. */
    if (req->chunked && (have_length || req->minor == 0))
        return 400;
    req->keep_alive = !conn_close && (req->minor >= 1 || conn_keep_alive);
    /* Two sets of credentials are not one: neither is taken. */
    if (auths != 1)
        req->auth = NULL;
    return 0;
}

int target_http_parse_chunk_size(const char *p, size_t len, uint64_t *size)
{
    uint64_t v = 0;
    size_t i = 0;

    for (; i < len; i++) {
        int d = str_hex_value((unsigned char)p[i]);
        if (d < 0)
            break;
        if (i >= 15) /* 15 hex digits are 2^60: plenty, and no overflow */
            return -1;
        v = v * 16 + (uint64_t)d;
    }
    if (i == 0)
        return -1;
    while (i < len && is_ows(p[i]))
        i++;
    if (i < len && p[i] != ';')
        return -1;
    for (; i < len; i++)
        if (!is_value_char((unsigned char)p[i]))
            return -1;
    *size = v;
    return 0;
}

enum route_arg {
    ARG_NONE,   /* the segment alone */
    ARG_NUMBER, /* /N, 0 to max_arg */
    ARG_PAIR,   /* /A/B, either of them possibly empty */
    ARG_NAME,   /* /A, A not empty and without '/' */
};

struct route_def {
    const char *segment;
    enum target_route route;
    enum target_bucket bucket;
    enum route_arg kind;
    uint64_t max_arg;
};

/* One table so that the routes, their stats keys and their argument limits stay together. */
static const struct route_def routes[] = {
    {"bytes", ROUTE_BYTES, BUCKET_BYTES, ARG_NUMBER, UINT64_C(1) << 30},
    {"delay", ROUTE_DELAY, BUCKET_DELAY, ARG_NUMBER, UINT64_C(86400000)},
    {"status", ROUTE_STATUS, BUCKET_STATUS, ARG_NUMBER, 599},
    {"redirect", ROUTE_REDIRECT, BUCKET_REDIRECT, ARG_NUMBER, UINT64_C(1000000000)},
    {"redirect-to", ROUTE_REDIRECT_TO, BUCKET_REDIRECT_TO, ARG_NONE, 0},
    {"basic-auth", ROUTE_BASIC_AUTH, BUCKET_BASIC_AUTH, ARG_PAIR, 0},
    {"headers", ROUTE_HEADERS, BUCKET_HEADERS, ARG_NUMBER, 10000},
    {"chunked", ROUTE_CHUNKED, BUCKET_CHUNKED, ARG_NUMBER, UINT64_C(1) << 30},
    {"close", ROUTE_CLOSE, BUCKET_CLOSE, ARG_NONE, 0},
    {"echo", ROUTE_ECHO, BUCKET_ECHO, ARG_NONE, 0},
    {"json", ROUTE_JSON, BUCKET_JSON, ARG_NONE, 0},
    {"stats", ROUTE_STATS, BUCKET_OTHER, ARG_NONE, 0},
    {"reset", ROUTE_RESET, BUCKET_OTHER, ARG_NONE, 0},
    {"ws", ROUTE_WS, BUCKET_WS, ARG_NAME, 0},
    {"login", ROUTE_LOGIN, BUCKET_LOGIN, ARG_NONE, 0},
    {"auth", ROUTE_AUTH, BUCKET_AUTH, ARG_NONE, 0},
    {"cookies", ROUTE_COOKIES, BUCKET_COOKIES, ARG_NONE, 0},
};

void target_http_route(const char *uri, size_t len, struct target_match *m)
{
    m->route = ROUTE_NOT_FOUND;
    m->bucket = BUCKET_OTHER;
    m->arg = 0;
    m->rest = m->query = NULL;
    m->rest_len = m->query_len = 0;

    /* Absolute form (what a client talking to a proxy sends): drop scheme and authority. */
    size_t skip = 0;
    if (len >= 7 && strncasecmp(uri, "http://", 7) == 0)
        skip = 7;
    else if (len >= 8 && strncasecmp(uri, "https://", 8) == 0)
        skip = 8;
    if (skip > 0) {
        const char *slash = memchr(uri + skip, '/', len - skip);
        if (slash == NULL) {
            uri = "/";
            len = 1;
        } else {
            len -= (size_t)(slash - uri);
            uri = slash;
        }
    }
    for (size_t i = 0; i < len; i++) {
        if (uri[i] == '?' || uri[i] == '#') {
            if (uri[i] == '?') {
                const char *hash = memchr(uri + i + 1, '#', len - i - 1);
                m->query_len = (size_t)((hash != NULL ? hash : uri + len) - (uri + i + 1));
                m->query = m->query_len > 0 ? uri + i + 1 : NULL;
            }
            len = i;
            break;
        }
    }
    if (len == 0 || uri[0] != '/')
        return;
    if (len == 1) {
        m->route = ROUTE_ROOT;
        m->bucket = BUCKET_ROOT;
        return;
    }

    if (len == 12 && memcmp(uri, "/cookies/set", 12) == 0) {
        m->route = ROUTE_COOKIES_SET;
        m->bucket = BUCKET_COOKIES;
        return;
    }
    const char *seg = uri + 1, *end = uri + len;
    const char *slash = memchr(seg, '/', (size_t)(end - seg));
    size_t seglen = (size_t)((slash != NULL ? slash : end) - seg);

    for (size_t r = 0; r < sizeof(routes) / sizeof(routes[0]); r++) {
        const struct route_def *d = &routes[r];
        if (strlen(d->segment) != seglen || memcmp(d->segment, seg, seglen) != 0)
            continue;
        m->bucket = d->bucket;
        if (d->kind == ARG_NONE) {
            if (slash == NULL)
                m->route = d->route;
            return;
        }
        if (d->kind == ARG_PAIR) {
            size_t n = slash != NULL ? (size_t)(end - slash - 1) : 0;
            const char *mid = slash != NULL ? memchr(slash + 1, '/', n) : NULL;
            if (mid != NULL && memchr(mid + 1, '/', (size_t)(end - mid - 1)) == NULL) {
                m->route = d->route;
                m->rest = slash + 1;
                m->rest_len = n;
            }
            return;
        }
        if (d->kind == ARG_NAME) {
            size_t n = slash != NULL ? (size_t)(end - slash - 1) : 0;
            if (n > 0 && memchr(slash + 1, '/', n) == NULL) {
                m->route = d->route;
                m->rest = slash + 1;
                m->rest_len = n;
            }
            return;
        }
        uint64_t arg;
        if (slash == NULL || parse_decimal(slash + 1, (size_t)(end - slash - 1), &arg) != 0 ||
            arg > d->max_arg)
            return;
        /* 101 would tell the client the protocol has switched, which it has not. */
        if (d->route == ROUTE_STATUS && (arg < 100 || arg == 101))
            return;
        m->route = d->route;
        m->arg = arg;
        return;
    }
}

bool target_http_query_get(const char *q, size_t len, const char *name, const char **val,
                           size_t *vlen)
{
    size_t nlen = strlen(name), i = 0;

    while (i < len) {
        const char *prm = q + i, *amp = memchr(prm, '&', len - i);
        size_t plen = amp != NULL ? (size_t)(amp - prm) : len - i;
        if (plen >= nlen && memcmp(prm, name, nlen) == 0 && (plen == nlen || prm[nlen] == '=')) {
            *val = plen == nlen ? prm + nlen : prm + nlen + 1;
            *vlen = plen == nlen ? 0 : plen - nlen - 1;
            return true;
        }
        i += plen + 1;
    }
    return false;
}

long target_http_percent_decode(const char *p, size_t len, char *out)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (p[i] != '%') {
            out[n++] = p[i];
            continue;
        }
        int hi = i + 2 < len ? str_hex_value((unsigned char)p[i + 1]) : -1;
        int lo = i + 2 < len ? str_hex_value((unsigned char)p[i + 2]) : -1;
        if (hi < 0 || lo < 0)
            return -1;
        out[n++] = (char)(hi << 4 | lo);
        i += 2;
    }
    return (long)n;
}

long target_http_basic_credentials(const char *p, size_t len, char *out)
{
    size_t i = 5, n = 0, digits = 0, pad = 0;
    uint32_t bits = 0;

    if (len < 6 || strncasecmp(p, "Basic", 5) != 0 || p[5] != ' ')
        return -1;
    while (i < len && p[i] == ' ')
        i++;
    for (; i < len; i++) {
        int v = p[i] == '=' ? -2 : base64_sextet(p[i]);
        if (v == -1 || (pad > 0 && v != -2))
            return -1; /* a stray byte, or data after the padding */
        if (v == -2) {
            pad++;
            continue;
        }
        bits = bits << 6 | (uint32_t)v;
        if (++digits % 4 == 0) {
            out[n++] = (char)(bits >> 16);
            out[n++] = (char)(bits >> 8);
            out[n++] = (char)bits;
        }
    }
    /* Padding is optional, but where it is given it must complete the last quantum. */
    if (digits % 4 == 1 || (pad > 0 && (digits + pad) % 4 != 0) || pad > 2)
        return -1;
    if (digits % 4 == 2) {
        out[n++] = (char)(bits >> 4);
    } else if (digits % 4 == 3) {
        out[n++] = (char)(bits >> 10);
        out[n++] = (char)(bits >> 2);
    }
    return (long)n;
}
