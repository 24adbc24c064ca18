/* endpoint: the distinct (scheme, host, port) targets of a run, resolved once before the
 * workers start. [dns] entries are used as given and never resolved. A name that does not
 * resolve is not fatal: every request to it ends as a 599 dns_error with the resolver's reason. */
#ifndef STAMPEDE_ENDPOINT_H
#define STAMPEDE_ENDPOINT_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

#include "config.h"

struct endpoint {
    const char *host; /* borrowed from the first request that names it */
    unsigned port;
    int tls;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    int from_dns_map;    /* the address came from [dns] */
    char error[128];     /* non-empty when resolution failed */
};

struct endpoints {
    struct endpoint *v;
    size_t n;
    size_t *of_request; /* endpoint index of each request, config order */
};

/* Builds and resolves the endpoint table. Returns -1 only when out of memory. */
int endpoints_resolve(struct endpoints *e, const struct config *c);
void endpoints_free(struct endpoints *e);

#endif
