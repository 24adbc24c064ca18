/*
 * target_resp: formats stampede-target's responses. Headers go out in one formatted write
 * (plus a route's own header lines); large bodies are references into static buffers, so a
 * response of any size costs a few small evbuffer chains and no copy.
 */
#include "target_resp.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#define PATTERN_SPAN 65536 /* largest single reference into the pattern */
#define CHUNK_MAX 4096     /* /chunked data per chunk */
#define BLOCK_CHUNKS 16    /* full chunks per prebuilt block */
#define CHUNK_EXT ";stampede=first"

/* 64 bytes of slack so that a reference may start at any phase of the pattern. */
static char pattern[PATTERN_SPAN + 64];
/* BLOCK_CHUNKS complete "1000\r\n<4096 bytes>\r\n" chunks, sent by reference. */
static char chunk_block[BLOCK_CHUNKS * (6 + CHUNK_MAX + 2)];

void resp_init(void)
{
    static const char unit[] = TARGET_PATTERN;
    char *p = chunk_block;

    _Static_assert(sizeof(unit) - 1 == 64, "the pattern is 64 bytes long");
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = unit[i % 64];
    for (int i = 0; i < BLOCK_CHUNKS; i++) {
        memcpy(p, "1000\r\n", 6);
        memcpy(p + 6, pattern, CHUNK_MAX);
        memcpy(p + 6 + CHUNK_MAX, "\r\n", 2);
        p += 6 + CHUNK_MAX + 2;
    }
}

const char *resp_reason(int code)
{
    switch (code) {
    case 100: return "Continue";
    case 102: return "Processing";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 511: return "Network Authentication Required";
    }
    /* Clients must not depend on the phrase; the class name is at least not misleading. */
    static const char *const classes[] = {"Informational", "Success", "Redirection", "Client Error",
                                          "Server Error"};
    return code >= 100 && code <= 599 ? classes[code / 100 - 1] : "Unknown";
}

/* The Date header changes once a second: format it only then. */
static const char *http_date(void)
{
    static char buf[40];
    static time_t cached = -1;
    time_t now = time(NULL);

    if (now != cached) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached = now;
    }
    return buf;
}

void resp_add_head_start(struct evbuffer *out, int code, const char *ctype, int64_t length,
                         enum resp_conn conn)
{
    char framing[48] = "";

    if (length >= 0)
        snprintf(framing, sizeof(framing), "Content-Length: %" PRId64 "\r\n", length);
    else if (length == RESP_CHUNKED)
        snprintf(framing, sizeof(framing), "Transfer-Encoding: chunked\r\n");
    evbuffer_add_printf(out,
                        "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: stampede-target\r\n"
                        "Content-Type: %s\r\n%s%s",
                        code, resp_reason(code), http_date(), ctype, framing,
                        conn == RESP_CONN_CLOSE        ? "Connection: close\r\n"
                        : conn == RESP_CONN_KEEP_ALIVE ? "Connection: keep-alive\r\n"
                                                       : "");
}

void resp_add_head(struct evbuffer *out, int code, const char *ctype, int64_t length,
                   enum resp_conn conn, const char *extra)
{
    resp_add_head_start(out, code, ctype, length, conn);
    if (extra != NULL)
        evbuffer_add(out, extra, strlen(extra));
    evbuffer_add(out, "\r\n", 2);
}

void resp_add_simple(struct evbuffer *out, int code, const char *ctype, const char *body,
                     size_t len, bool head_only, enum resp_conn conn, const char *extra)
{
    resp_add_head(out, code, ctype, (int64_t)len, conn, extra);
    if (!head_only)
        evbuffer_add(out, body, len);
}

void resp_add_status(struct evbuffer *out, int code, bool head_only, enum resp_conn conn)
{
    char body[64];
    int n;

    if (code == 204 || code == 304) {
        resp_add_head(out, code, "text/plain", RESP_NO_LENGTH, conn, NULL);
        return;
    }
    if (code == 205) { /* Reset Content must not have content, but may say so */
        resp_add_head(out, code, "text/plain", 0, conn, NULL);
        return;
    }
    n = snprintf(body, sizeof(body), "%d %s\n", code, resp_reason(code));
    resp_add_simple(out, code, "text/plain", body, (size_t)n, head_only, conn, NULL);
}

void resp_add_chunk_size(struct evbuffer *out, size_t n)
{
    evbuffer_add_printf(out, "%zx\r\n", n);
}

void resp_fill_bytes(struct evbuffer *out, uint64_t *off, uint64_t *left, size_t room)
{
    while (*left > 0 && room > 0) {
        size_t n = *left < PATTERN_SPAN ? (size_t)*left : PATTERN_SPAN;
        evbuffer_add_reference(out, pattern + *off % 64, n, NULL, NULL);
        *off += n;
        *left -= n;
        room = room > n ? room - n : 0;
    }
}

bool resp_fill_headers(struct evbuffer *out, uint64_t *off, uint64_t *left, size_t room)
{
    char buf[4096];

    /* Formatted a few kilobytes at a time: one evbuffer_add per block, not per line. */
    while (*left > 0 && room > 0) {
        size_t n = 0;
        while (*left > 0 && n + 64 <= sizeof(buf)) { /* 64: a line with two 20-digit numbers */
            ++*off;
            --*left;
            n += (size_t)snprintf(buf + n, sizeof(buf) - n,
                                  "X-Header-%" PRIu64 ": value-%" PRIu64 "\r\n", *off, *off);
        }
        evbuffer_add(out, buf, n);
        room = room > n ? room - n : 0;
    }
    if (*left > 0)
        return false;
    evbuffer_add(out, "\r\n", 2);
    return true;
}

bool resp_fill_chunked(struct evbuffer *out, uint64_t *off, uint64_t *left, uint64_t total,
                       size_t room)
{
    while (*left > 0 && room > 0) {
        size_t n, wire;
        if (*off > 0 && *off % 64 == 0 && *left >= BLOCK_CHUNKS * CHUNK_MAX) {
            evbuffer_add_reference(out, chunk_block, sizeof(chunk_block), NULL, NULL);
            n = BLOCK_CHUNKS * CHUNK_MAX;
            wire = sizeof(chunk_block);
        } else {
            /* The first chunk takes at most half, so that N > 1 always makes two chunks. */
            uint64_t want = *off == 0 ? (total + 1) / 2 : *left;
            char buf[32 + CHUNK_MAX + 2];
            n = want < CHUNK_MAX ? (size_t)want : CHUNK_MAX;
            int h = snprintf(buf, 32, "%zx%s\r\n", n, *off == 0 ? CHUNK_EXT : "");
            memcpy(buf + h, pattern + *off % 64, n);
            memcpy(buf + h + n, "\r\n", 2);
            wire = (size_t)h + n + 2;
            evbuffer_add(out, buf, wire);
        }
        *off += n;
        *left -= n;
        room = room > wire ? room - wire : 0;
    }
    if (*left > 0)
        return false;
    evbuffer_add_printf(out, "0%s\r\nX-Stampede-Bytes: %" PRIu64 "\r\n\r\n",
                        total == 0 ? CHUNK_EXT : "", total);
    return true;
}
