/* http_request: serialising a request spec into wire bytes. */
#include "http_request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int http_header_is(const char *line, const char *name)
{
    size_t n = strlen(name);
    return strncasecmp(line, name, n) == 0 && line[n] == ':';
}

/* Whether spec has a header named `name`. */
static int has_header(const struct request_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->nheaders; i++)
        if (http_header_is(spec->headers[i], name))
            return 1;
    return 0;
}

int http_request_serialise(const struct request_spec *spec, struct wire *out)
{
    return http_request_serialise_to(spec, spec->method, &spec->url, spec->has_body, out);
}

int http_request_serialise_to(const struct request_spec *spec, const char *method,
                              const struct url *u, int with_body, struct wire *out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -1;
    int hop = u != &spec->url; /* a redirect: the Host is the new one, whatever was set */
    fprintf(f, "%s %s HTTP/1.1\r\n", method, u->target);
    if (hop || !has_header(spec, "Host")) {
        int v6 = strchr(u->host, ':') != NULL;
        unsigned defport = u->tls ? 443 : 80;
        fprintf(f, "Host: %s%s%s", v6 ? "[" : "", u->host, v6 ? "]" : "");
        if (u->port != defport)
            fprintf(f, ":%u", (unsigned)u->port);
        fputs("\r\n", f);
    }
    for (size_t i = 0; i < spec->nheaders; i++) {
        const char *h = spec->headers[i];
        if (hop && (http_header_is(h, "Host") ||
                    (!with_body && (http_header_is(h, "Content-Length") ||
                                    http_header_is(h, "Transfer-Encoding") ||
                                    http_header_is(h, "Content-Type")))))
            continue;
        fprintf(f, "%s\r\n", h);
    }
    if (with_body && !has_header(spec, "Content-Length") &&
        !has_header(spec, "Transfer-Encoding"))
        fprintf(f, "Content-Length: %zu\r\n", spec->body_len);
    if (!(spec->keepalive & KEEPALIVE_STORE) && !has_header(spec, "Connection"))
        fputs("Connection: close\r\n", f);
    fputs("\r\n", f);
    if (with_body && spec->body_len)
        fwrite(spec->body, 1, spec->body_len, f);
    if (fclose(f) != 0) {
        free(buf);
        return -1;
    }
    out->bytes = buf;
    out->len = len;
    return 0;
}

void http_request_free(struct wire *w)
{
    free(w->bytes);
    w->bytes = NULL;
    w->len = 0;
}
