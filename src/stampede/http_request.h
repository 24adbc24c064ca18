/* http_request: a request serialised to the exact bytes sent on the wire. Configured requests
 * are serialised once, at start; a redirect hop or a request a plugin changed, when it is made. */
#ifndef STAMPEDE_HTTP_REQUEST_H
#define STAMPEDE_HTTP_REQUEST_H

#include <stddef.h>

#include "config.h"

struct wire {
    char *bytes;
    size_t len;
};

/* A request as it will be sent. */
struct http_request_parts {
    const char *method;
    const struct url *url;
    char *const *headers;   /* "Name: value" lines */
    size_t nheaders;
    const char *body;       /* sent when has_body (even when empty) */
    size_t body_len;
    int has_body;
    int close;              /* the connection is not kept: say Connection: close */
};

/* Serialises p: request line, Host from the URL (unless the headers have one), the headers,
 * Content-Length when there is a body and no Content-Length or Transfer-Encoding header,
 * Connection: close when p->close and no Connection header, then the body. Returns 0, or -1
 * when out of memory. */
int http_request_build(const struct http_request_parts *p, struct wire *out);
/* The parts of a configured request (pointers into spec). */
struct http_request_parts http_request_parts_of(const struct request_spec *spec);
/* The same as http_request_build(http_request_parts_of(spec)). */
int http_request_serialise(const struct request_spec *spec, struct wire *out);
/* The headers of spec that a redirect hop carries, as pointers into spec->headers (out holds
 * spec->nheaders): never Host (the new URL's is sent), the body's Content-Length,
 * Transfer-Encoding and Content-Type only with the body, Authorization, Cookie and
 * Proxy-Authorization only when with_credentials. Returns how many. */
size_t http_request_hop_headers(const struct request_spec *spec, int with_body,
                                int with_credentials, char **out);
void http_request_free(struct wire *w);
/* Whether a "Name: value" header line is named `name` (case-insensitive). */
int http_header_is(const char *line, const char *name);

#endif
