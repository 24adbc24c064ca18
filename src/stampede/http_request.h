/* http_request: a request spec serialised to the exact bytes sent on the wire, once, at start. */
#ifndef STAMPEDE_HTTP_REQUEST_H
#define STAMPEDE_HTTP_REQUEST_H

#include <stddef.h>

#include "config.h"

struct wire {
    char *bytes;
    size_t len;
};

/* Serialises spec: request line, Host (unless given), the headers, Content-Length when there
 * is a body and no such header, Connection: close when the request does not store its
 * connection, then the body. Returns 0, or -1 when out of memory. */
int http_request_serialise(const struct request_spec *spec, struct wire *out);
/* The same for a redirect hop of spec: another method and URL, the body only when with_body;
 * spec's Host and, without a body, its body headers are left out. */
int http_request_serialise_to(const struct request_spec *spec, const char *method,
                              const struct url *u, int with_body, struct wire *out);
void http_request_free(struct wire *w);
/* Whether a "Name: value" header line is named `name` (case-insensitive). */
int http_header_is(const char *line, const char *name);

#endif
