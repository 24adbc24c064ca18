/* endpoint: distinct targets of the request list and their addresses. */
#include "endpoint.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Fills addr from a numeric address; returns 0 or -1. */
static int numeric_addr(const char *text, unsigned port, struct endpoint *ep)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ep->addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ep->addr;
    memset(&ep->addr, 0, sizeof(ep->addr));
    if (inet_pton(AF_INET, text, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        ep->addrlen = sizeof(*in4);
        return 0;
    }
    if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        ep->addrlen = sizeof(*in6);
        return 0;
    }
    return -1;
}

static void resolve_one(struct endpoint *ep, const struct config *c)
{
    for (size_t i = 0; i < c->ndns; i++) {
        if (strcasecmp(c->dns[i].name, ep->host) == 0 &&
            numeric_addr(c->dns[i].address, ep->port, ep) == 0) {
            ep->from_dns_map = 1;
            return;
        }
    }
    if (numeric_addr(ep->host, ep->port, ep) == 0)
        return;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(ep->host, NULL, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(ep->error, sizeof(ep->error), "cannot resolve %s: %s", ep->host,
                 rc ? gai_strerror(rc) : "no address");
        return;
    }
    memcpy(&ep->addr, res->ai_addr, res->ai_addrlen);
    ep->addrlen = res->ai_addrlen;
    if (ep->addr.ss_family == AF_INET)
        ((struct sockaddr_in *)&ep->addr)->sin_port = htons((uint16_t)ep->port);
    else
        ((struct sockaddr_in6 *)&ep->addr)->sin6_port = htons((uint16_t)ep->port);
    freeaddrinfo(res);
}

int endpoints_resolve(struct endpoints *e, const struct config *c)
{
    memset(e, 0, sizeof(*e));
    e->v = calloc(c->nrequests, sizeof(*e->v));
    e->of_request = calloc(c->nrequests, sizeof(*e->of_request));
    if (!e->v || !e->of_request) {
        endpoints_free(e);
        return -1;
    }
    for (size_t r = 0; r < c->nrequests; r++) {
        const struct url *u = &c->requests[r].url;
        size_t i;
        for (i = 0; i < e->n; i++)
            if (e->v[i].port == u->port && e->v[i].tls == u->tls &&
                strcasecmp(e->v[i].host, u->host) == 0)
                break;
        if (i == e->n) {
            struct endpoint *ep = &e->v[e->n++];
            ep->host = u->host;
            ep->port = u->port;
            ep->tls = u->tls;
            resolve_one(ep, c);
        }
        e->of_request[r] = i;
    }
    return 0;
}

void endpoints_free(struct endpoints *e)
{
    free(e->v);
    free(e->of_request);
    memset(e, 0, sizeof(*e));
}
