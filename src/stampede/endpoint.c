/* endpoint: the table of targets. */
#include "endpoint.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void endpoint_set_port(struct sockaddr_storage *addr, unsigned port)
{
    if (addr->ss_family == AF_INET)
        ((struct sockaddr_in *)addr)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)addr)->sin6_port = htons((uint16_t)port);
}

int endpoint_parse_address(const char *text, struct sockaddr_storage *addr, socklen_t *len)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
    memset(addr, 0, sizeof(*addr));
    if (inet_pton(AF_INET, text, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        *len = sizeof(*in4);
        return 0;
    }
    if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        *len = sizeof(*in6);
        return 0;
    }
    return -1;
}

static void parse_literal(struct endpoint *ep)
{
    if (endpoint_parse_address(ep->host, &ep->addr, &ep->addrlen) < 0)
        return;
    ep->literal = 1;
    endpoint_set_port(&ep->addr, ep->port);
}

long endpoints_find_or_add(struct endpoints *e, const char *host, unsigned port, int tls)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].port == port && e->v[i].tls == tls && strcasecmp(e->v[i].host, host) == 0)
            return (long)i;
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 4;
        struct endpoint *v = realloc(e->v, cap * sizeof(*v));
        if (!v)
            return -1;
        e->v = v;
        e->cap = cap;
    }
    struct endpoint *ep = &e->v[e->n];
    memset(ep, 0, sizeof(*ep));
    if (!(ep->host = strdup(host)))
        return -1;
    for (char *p = ep->host; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    ep->port = port;
    ep->tls = tls;
    parse_literal(ep);
    return (long)e->n++;
}

int endpoints_init(struct endpoints *e, const struct config *c)
{
    memset(e, 0, sizeof(*e));
    e->of_request = calloc(c->nrequests ? c->nrequests : 1, sizeof(*e->of_request));
    if (!e->of_request)
        return -1;
    for (size_t r = 0; r < c->nrequests; r++) {
        const struct url *u = &c->requests[r].url;
        long i = endpoints_find_or_add(e, u->host, u->port, u->tls);
        if (i < 0) {
            endpoints_free(e);
            return -1;
        }
        e->of_request[r] = (size_t)i;
    }
    e->nstatic = e->n;
    return 0;
}

void endpoints_free(struct endpoints *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i].host);
    free(e->v);
    free(e->of_request);
    memset(e, 0, sizeof(*e));
}
