/* plugin_request: the request req_start sees and changes, and the result req_done reads
 * (stampede/plugin.h). Changes are copies; the chain hands them to client_retarget. */
#include "plugin_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_request.h"
#include "strutil.h"

/* ---- the request ---------------------------------------------------------------------- */

const char *stampede_request_method(const struct stampede_request *req)
{
    return req->method;
}

const char *stampede_request_url(const struct stampede_request *req)
{
    return req->url_text;
}

const char *stampede_request_header(const struct stampede_request *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (http_header_is(req->headers[i], name)) {
            const char *v = req->headers[i] + strlen(name) + 1;
            return v + strspn(v, " \t");
        }
    return NULL;
}

size_t stampede_request_header_count(const struct stampede_request *req)
{
    return req->nheaders;
}

const char *stampede_request_header_line(const struct stampede_request *req, size_t i)
{
    return i < req->nheaders ? req->headers[i] : NULL;
}

const char *stampede_request_body(const struct stampede_request *req, size_t *len)
{
    *len = req->has_body ? req->body_len : 0;
    return req->has_body ? req->body : NULL;
}

int stampede_request_set_method(struct stampede_request *req, const char *method)
{
    if (!method || !str_is_token(method)) /* what the configuration takes */
        return -1;
    char *m = strdup(method);
    if (!m)
        return -1;
    free(req->own_method);
    req->own_method = m;
    req->method = m;
    req->changed = 1;
    return 0;
}

/* The first change to the headers copies them. */
static int own_headers(struct stampede_request *req)
{
    if (req->own_headers)
        return 0;
    char **h = calloc(req->nheaders + 1, sizeof(*h));
    if (!h)
        return -1;
    for (size_t i = 0; i < req->nheaders; i++)
        if (!(h[i] = strdup(req->headers[i]))) {
            while (i--)
                free(h[i]);
            free(h);
            return -1;
        }
    req->own_headers = h;
    req->headers = h;
    return 0;
}

/* Removes every header called name. */
static int remove_header(struct stampede_request *req, const char *name)
{
    if (own_headers(req) < 0)
        return -1;
    size_t out = 0;
    for (size_t i = 0; i < req->nheaders; i++) {
        if (http_header_is(req->own_headers[i], name))
            free(req->own_headers[i]);
        else
            req->own_headers[out++] = req->own_headers[i];
    }
    req->nheaders = out;
    req->changed = 1;
    return 0;
}

int stampede_request_set_url(struct stampede_request *req, const char *url)
{
    struct url u;
    const char *why;
    if (!url || url_parse(url, &u, &why) != 0)
        return -1;
    char *text = strdup(url);
    /* the configured Host named the old URL's host: the new one gets its own */
    if (!text || remove_header(req, "Host") < 0) {
        free(text);
        url_free(&u);
        return -1;
    }
    url_free(&req->own_url);
    req->own_url = u;
    req->url = &req->own_url;
    free(req->own_url_text);
    req->own_url_text = text;
    req->url_text = text;
    req->changed = 1;
    return 0;
}

int stampede_request_set_header(struct stampede_request *req, const char *name,
                                const char *value)
{
    /* the checks the configuration makes of its own headers */
    if (!name || !str_is_token(name) || (value && !str_is_header_value(value, strlen(value))) ||
        remove_header(req, name) < 0)
        return -1;
    if (!value)
        return 0;
    char **h = realloc(req->own_headers, (req->nheaders + 2) * sizeof(*h));
    if (!h)
        return -1;
    req->own_headers = h;
    req->headers = h;
    value += strspn(value, " \t");
    if (asprintf(&h[req->nheaders], "%s: %s", name, value) < 0)
        return -1;
    req->nheaders++;
    return 0;
}

int stampede_request_set_body(struct stampede_request *req, const void *body, size_t len)
{
    char *b = NULL;
    if (body && !(b = malloc(len ? len : 1)))
        return -1;
    /* stampede computes the length of the new body */
    if (remove_header(req, "Content-Length") < 0) {
        free(b);
        return -1;
    }
    if (len && b)
        memcpy(b, body, len);
    free(req->own_body);
    req->own_body = b;
    req->body = b;
    req->body_len = b ? len : 0;
    req->has_body = b != NULL;
    req->changed = 1;
    return 0;
}

/* ---- the result ----------------------------------------------------------------------- */

const char *stampede_result_header(const struct stampede_result *res, const char *name)
{
    for (size_t i = 0; i < res->nheaders; i++)
        if (strcasecmp(res->headers[i].name, name) == 0)
            return res->headers[i].value;
    return NULL;
}

