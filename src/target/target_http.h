/*
 * target_http: the request side of HTTP/1.1 for stampede-target, as pure functions over
 * bytes (no I/O, no allocation), so that they can be unit-tested and fuzzed on their own.
 */
#ifndef STAMPEDE_TARGET_HTTP_H
#define STAMPEDE_TARGET_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest request head (request line, headers, blank line); more is answered with 431. */
#define TARGET_HEAD_MAX 65536

/* The body of /json: nested objects, an array and every kind of scalar. */
#define TARGET_JSON_DOC                                                                   \
    "{\"data\":{\"items\":[{\"id\":42,\"name\":\"first\"},{\"id\":43,\"name\":\"second\"}]," \
    "\"count\":2,\"ratio\":0.5},\"ok\":true,\"next\":null}\n"

/* What the connection needs to know about one request head. Pointers point into the head. */
struct target_req {
    const char *uri; /* request-target as sent */
    size_t uri_len;
    int minor;               /* HTTP/1.minor; 1.2+ is treated as 1.1 */
    bool head;               /* HEAD: headers only */
    bool keep_alive;         /* after the version default and Connection */
    bool chunked;            /* Transfer-Encoding: chunked */
    bool expect_continue;    /* Expect: 100-continue */
    uint64_t content_length; /* 0 without Content-Length */
    const char *auth;        /* Authorization value, trimmed; NULL if absent or repeated */
    size_t auth_len;
    const char *cookie;      /* the first Cookie value, trimmed; NULL if absent */
    size_t cookie_len;
};

enum target_route {
    ROUTE_ROOT,
    ROUTE_BYTES,
    ROUTE_DELAY,
    ROUTE_STATUS,
    ROUTE_REDIRECT,
    ROUTE_REDIRECT_TO,
    ROUTE_BASIC_AUTH,
    ROUTE_HEADERS,
    ROUTE_CHUNKED,
    ROUTE_CLOSE,
    ROUTE_ECHO,
    ROUTE_JSON,
    ROUTE_STATS,
    ROUTE_RESET,
    ROUTE_WS, /* /ws/NAME: rest is NAME */
    ROUTE_LOGIN,
    ROUTE_AUTH,
    ROUTE_COOKIES,
    ROUTE_COOKIES_SET,
    ROUTE_NOT_FOUND,
};

/* The /stats "paths" keys. A fixed set, so that clients cannot grow it with random paths. */
enum target_bucket {
    BUCKET_ROOT,
    BUCKET_BASIC_AUTH,
    BUCKET_BYTES,
    BUCKET_CHUNKED,
    BUCKET_CLOSE,
    BUCKET_DELAY,
    BUCKET_ECHO,
    BUCKET_HEADERS,
    BUCKET_JSON,
    BUCKET_REDIRECT,
    BUCKET_REDIRECT_TO,
    BUCKET_STATUS,
    BUCKET_WS,
    BUCKET_LOGIN,
    BUCKET_AUTH,
    BUCKET_COOKIES,
    BUCKET_OTHER,   /* 404 for a first segment we do not serve */
    BUCKET_INVALID, /* rejected before routing: 400, 431, 501, 505 */
    BUCKET_COUNT,
};

extern const char *const target_bucket_names[BUCKET_COUNT];

struct target_match {
    enum target_route route;
    enum target_bucket bucket; /* by first path segment, also for a 404 like /bytes/x */
    uint64_t arg;              /* the N of /bytes/N and friends */
    const char *rest;          /* /basic-auth: "USER/PASS", with exactly one '/'; /ws: NAME */
    size_t rest_len;
    const char *query;         /* after '?', up to '#'; NULL if absent or empty */
    size_t query_len;
};

/* Looks for the blank line that ends a request head in p[0..len). *scan is where to resume
 * (0 for a new head) so that a head arriving byte by byte is not rescanned. Returns the head
 * length including the blank line, or 0 if it is not complete yet. */
size_t target_http_find_head_end(const char *p, size_t len, size_t *scan);

/* Whether the first bytes of a head, p[0..len), cannot begin a request line: the method must
 * be a token followed by a space. A TLS ClientHello sent to a plain port is such a start; like
 * nginx, the target answers it at once instead of waiting for a blank line that never comes. */
bool target_http_bad_start(const char *p, size_t len);

/* Parses a complete head of len bytes. Returns 0, or the status code to reject it with
 * (400 malformed, 501 unknown transfer coding, 505 not HTTP/1.x). */
int target_http_parse_head(const char *p, size_t len, struct target_req *req);

/* Parses a chunk-size line (without its line ending), ignoring extensions. 0 or -1. */
int target_http_parse_chunk_size(const char *p, size_t len, uint64_t *size);

/* Maps a request-target to a route by its path. The pointers in *m point into uri. */
void target_http_route(const char *uri, size_t len, struct target_match *m);

/* Finds the first parameter called name in a query string ("a=1&b&c=3"; names compared as
 * sent, a parameter without '=' has an empty value). Returns false if it is not there. */
bool target_http_query_get(const char *q, size_t len, const char *name, const char **val,
                           size_t *vlen);

/* Percent-decodes p[0..len) into out, which has room for len bytes ('+' stays '+').
 * Returns the decoded length, or -1 for a '%' not followed by two hex digits. */
long target_http_percent_decode(const char *p, size_t len, char *out);

/* Decodes the credentials of an Authorization value "Basic <base64>" (scheme name in any
 * case) into out, which has room for len bytes. Returns their length, or -1 if the value
 * is not Basic or not base64. */
long target_http_basic_credentials(const char *p, size_t len, char *out);

#endif
