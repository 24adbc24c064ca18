/* http_request: serialising requests into wire bytes, and the headers a redirect carries. */
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

static int has_header(char *const *headers, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (http_header_is(headers[i], name))
            return 1;
    return 0;
}

struct http_request_parts http_request_parts_of(const struct request_spec *spec)
{
    struct http_request_parts p = {
        .method = spec->method, .url = &spec->url, .headers = spec->headers,
        .nheaders = spec->nheaders, .body = spec->body, .body_len = spec->body_len,
        .has_body = spec->has_body, .close = !(spec->keepalive & KEEPALIVE_STORE),
    };
    return p;
}

int http_request_serialise(const struct request_spec *spec, struct wire *out)
{
    struct http_request_parts p = http_request_parts_of(spec);
    return http_request_build(&p, out);
}

int http_request_build(const struct http_request_parts *p, struct wire *out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -1;
    const struct url *u = p->url;
    fprintf(f, "%s %s HTTP/1.1\r\n", p->method, u->target);
    if (!has_header(p->headers, p->nheaders, "Host")) {
        int v6 = strchr(u->host, ':') != NULL;
        unsigned defport = u->tls ? 443 : 80;
        fprintf(f, "Host: %s%s%s", v6 ? "[" : "", u->host, v6 ? "]" : "");
        if (u->port != defport)
            fprintf(f, ":%u", (unsigned)u->port);
        fputs("\r\n", f);
    }
    for (size_t i = 0; i < p->nheaders; i++)
        fprintf(f, "%s\r\n", p->headers[i]);
    if (p->has_body && !has_header(p->headers, p->nheaders, "Content-Length") &&
        !has_header(p->headers, p->nheaders, "Transfer-Encoding"))
        fprintf(f, "Content-Length: %zu\r\n", p->body_len);
    if (p->close && !has_header(p->headers, p->nheaders, "Connection"))
        fputs("Connection: close\r\n", f);
    fputs("\r\n", f);
    if (p->has_body && p->body_len)
        fwrite(p->body, 1, p->body_len, f);
    if (fclose(f) != 0) {
        free(buf);
        return -1;
    }
    out->bytes = buf;
    out->len = len;
    return 0;
}

size_t http_request_hop_headers(const struct request_spec *spec, int with_body,
                                int with_credentials, char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < spec->nheaders; i++) {
        char *h = spec->headers[i];
        if (http_header_is(h, "Host"))
            continue;
        if (!with_body && (http_header_is(h, "Content-Length") ||
                           http_header_is(h, "Transfer-Encoding") ||
                           http_header_is(h, "Content-Type")))
            continue;
        /* what browsers and curl never hand to another origin */
        if (!with_credentials && (http_header_is(h, "Authorization") ||
                                  http_header_is(h, "Cookie") ||
                                  http_header_is(h, "Proxy-Authorization")))
            continue;
        out[n++] = h;
    }
    return n;
}

void http_request_free(struct wire *w)
{
    free(w->bytes);
    w->bytes = NULL;
    w->len = 0;
}
