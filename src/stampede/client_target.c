/* client_target: where the client's request goes (as configured, as a plugin's req_start
 * changed it, or the next hop of a redirect) and what the plugins may read of it. Every change
 * goes through retarget(), which serialises the request once and finds its endpoint. */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *client_method(const struct client *c)
{
    return c->method;
}

const struct url *client_url(const struct client *c)
{
    return c->url;
}

const char *client_url_text(const struct client *c)
{
    return c->url_text;
}

char *const *client_headers(const struct client *c, size_t *n)
{
    if (c->hop) {
        *n = c->nhop_headers;
        return c->hop_headers;
    }
    *n = spec_of(c)->nheaders;
    return spec_of(c)->headers;
}

const char *client_body(const struct client *c, size_t *len)
{
    const struct request_spec *spec = spec_of(c);
    int has = c->hop ? c->chain_body : spec->has_body;
    *len = has ? spec->body_len : 0;
    return has ? (spec->body ? spec->body : "") : NULL;
}

/* Points the client at p. method_kept outlives the request (else p->method is copied); url_taken
 * moves into the client (else p->url is copied, unless it is the one in flight). */
static int retarget(struct client *c, const struct http_request_parts *parts,
                    const char *method_kept, struct url *url_taken, const char *url_text,
                    const char **why)
{
    struct http_request_parts p = *parts;
    p.close = !(spec_of(c)->keepalive & KEEPALIVE_STORE);
    struct wire wire;
    long ep = endpoints_find_or_add(c->w->endpoints, p.url->host, p.url->port, p.url->tls);
    *why = "out of memory";
    if (ep < 0 || http_request_build(&p, &wire) != 0)
        return -1;
    char *method = NULL, *text = NULL;
    struct url url = {0};
    if (!method_kept && p.method != c->method && !(method = strdup(p.method)))
        goto fail;
    if (p.url != c->url) {
        if (url_taken)
            url = *url_taken;
        else if (url_copy(&url, p.url) != 0)
            goto fail;
        if (!(text = url_text ? strdup(url_text) : url_format(&url)))
            goto fail;
        if (url_taken)
            memset(url_taken, 0, sizeof(*url_taken));
    }
    if (method_kept) {
        c->method = method_kept;
    } else if (method) {
        free(c->own_method);
        c->own_method = method;
        c->method = method;
    }
    if (text) {
        url_free(&c->own_url);
        c->own_url = url;
        free(c->own_url_text);
        c->own_url_text = text;
        c->url = &c->own_url;
        c->url_text = text;
    }
    http_request_free(&c->own_wire);
    c->own_wire = wire;
    c->wire = &c->own_wire;
    c->ep = (size_t)ep;
    c->head = strcmp(c->method, "HEAD") == 0;
    return 0;
fail:
    free(method);
    if (!url_taken)
        url_free(&url);
    http_request_free(&wire);
    return -1;
}

int client_retarget(struct client *c, const struct http_request_parts *p, const char *url_text,
                    const char **why)
{
    return retarget(c, p, NULL, NULL, url_text, why);
}

void *client_userdata(const struct client *c, size_t i)
{
    return c->userdata[i];
}

void client_set_userdata(struct client *c, size_t i, void *data)
{
    c->userdata[i] = data;
}

void client_add_delay(struct client *c, int64_t ns)
{
    if (ns > 0)
        c->extra_delay_ns += ns;
}

uint32_t client_rnd(struct client *c, uint32_t max)
{
    return rng_bounded(&c->rng, max);
}


static int same_origin(const struct url *a, const struct url *b)
{
    return a->tls == b->tls && a->port == b->port && strcasecmp(a->host, b->host) == 0;
}

/* With a follow iterator, a 301/302/303/307/308 with a usable Location becomes the next hop, as
 * browsers and curl make it: 303 asks for a GET (a HEAD stays a HEAD), 301 and 302 turn a POST
 * into a GET, both without the body; 307 and 308 repeat method and body. Credentials do not go
 * to another origin unless follow_credentials says so. Returns 1 when c now holds the hop. */
int client_redirect_prepare(struct client *c, int status)
{
    struct worker *w = c->w;
    const struct request_spec *spec = spec_of(c);
    if (!(w->cfg->iterator & ITERATOR_FOLLOW) || c->hop >= spec->max_redirects ||
        !c->location_len || c->location_bad ||
        !(status == 301 || status == 302 || status == 303 || status == 307 || status == 308))
        return 0;
    struct url next;
    const char *why;
    if (url_resolve(c->url, c->location, &next, &why) != 0)
        return 0;
    if ((status == 303 && strcmp(c->chain_method, "HEAD") != 0) ||
        ((status == 301 || status == 302) && strcmp(c->chain_method, "POST") == 0)) {
        c->chain_method = "GET";
        c->chain_body = 0;
    }
    /* once the chain has left the first origin, credentials stay behind for the rest of it */
    if (!same_origin(c->url, &next))
        c->chain_credentials = 0;
    c->nhop_headers = http_request_hop_headers(
        spec, c->chain_body, c->chain_credentials || spec->follow_credentials, c->hop_headers);
    struct http_request_parts p = {
        .method = c->chain_method, .url = &next, .headers = c->hop_headers,
        .nheaders = c->nhop_headers, .body = spec->body, .body_len = spec->body_len,
        .has_body = c->chain_body,
    };
    if (retarget(c, &p, c->chain_method, &next, NULL, &why) != 0) {
        url_free(&next);
        return 0;
    }
    c->hop++;
    return 1;
}
