/* http_parser: incremental, zero-copy HTTP/1.x response parser. It is fed whatever the socket
 * returned, in pieces of any size, keeps only a few integers of state between calls and copies
 * nothing but the (bounded) reason phrase. Bodies are counted, never stored here. */
#ifndef STAMPEDE_HTTP_PARSER_H
#define STAMPEDE_HTTP_PARSER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HTTP_REASON_MAX 64

enum http_parse_error {
    HTTP_OK = 0,
    HTTP_ERR_SYNTAX,        /* not an HTTP/1.x response: bad status line, header or chunk */
    HTTP_ERR_HEADERS_SIZE,  /* header block over limit.max_header_bytes */
    HTTP_ERR_HEADERS_COUNT, /* more than limit.max_headers header lines */
    HTTP_ERR_LENGTH,        /* bad or conflicting Content-Length */
    HTTP_ERR_EOF,           /* connection closed before the response was complete */
    HTTP_ERR_COUNT
};

struct http_limits {
    uint32_t max_header_bytes; /* status line + headers + final CRLF, per response (1xx too) */
    uint32_t max_headers;      /* header lines per response */
};

/* Called for each complete header line of the final response when set; name and value are
 * trimmed and point into the fed buffer, or into hdrbuf when the line spans two reads (then
 * header_truncated says whether it was cut to hdrbuf_size). */
typedef void (*http_header_cb)(void *arg, const char *name, size_t nlen, const char *value,
                               size_t vlen);
/* Called with each span of decoded body bytes of the final response, when set. */
typedef void (*http_body_cb)(void *arg, const char *data, size_t len);

struct http_parser {
    /* results, valid once headers_done */
    int status;            /* 100..999 */
    int version_minor;     /* 0 or 1 (HTTP/1.x); -1 until the status line says */
    char reason[HTTP_REASON_MAX]; /* NUL-terminated, truncated */
    int headers_done;      /* the final (non-1xx) header block is complete */
    int done;              /* the whole response is complete */
    int keep_alive;        /* the connection may be reused after this response */
    enum http_parse_error error;
    uint32_t header_count; /* header lines of the final response */
    uint64_t header_bytes; /* bytes of all header blocks, 1xx included */
    uint64_t body_bytes;   /* body bytes (decoded payload for chunked) */
    int64_t content_length; /* -1 when absent */
    int chunked;

    /* configuration, set by http_parser_init */
    struct http_limits limits;
    int head_request;      /* response to HEAD: no body whatever the headers say */
    http_header_cb on_header; /* optional */
    http_body_cb on_body;     /* optional */
    void *cb_arg;
    int header_truncated;  /* the line passed to on_header now was cut to fit hdrbuf */

    /* private state */
    int state;
    uint64_t remaining;    /* body or chunk bytes still expected */
    uint32_t line_len;     /* bytes of the current line seen so far */
    uint32_t block_bytes;  /* bytes of the current header block */
    uint32_t flags;
    /* set by the caller after init when on_header is used: a header line that spans two
     * reads is gathered here (a longer one is cut, and header_truncated set) */
    char *hdrbuf;
    uint32_t hdrbuf_size;
    uint32_t hdrbuf_len;
};

void http_parser_init(struct http_parser *p, const struct http_limits *limits, int head_request);
/* Feeds len bytes. Returns how many bytes were consumed (stops right after a complete response,
 * so the rest, if any, is extra), or -1 with p->error set. */
ssize_t http_parser_feed(struct http_parser *p, const char *buf, size_t len);
/* The peer closed the connection: completes a close-delimited body (returns 0) or fails with
 * HTTP_ERR_EOF (returns -1). */
int http_parser_eof(struct http_parser *p);
/* A short text for an error, e.g. "bad status line". */
const char *http_parser_error_text(enum http_parse_error e);

#endif
