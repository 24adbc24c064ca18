/* endpoint: the distinct (scheme, host, port) targets a worker talks to: first those of the
 * configured requests, then any a redirect leads to. Keep-alive connections and TLS sessions
 * are kept per endpoint. Literal addresses are parsed here once; names go through dns. */
#ifndef STAMPEDE_ENDPOINT_H
#define STAMPEDE_ENDPOINT_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

#include "config.h"

struct endpoint {
    char *host;           /* lower case, no brackets; also the TLS server name */
    unsigned port;
    int tls;
    int literal;          /* host is an IP address: addr is filled, no lookup */
    struct sockaddr_storage addr;
    socklen_t addrlen;
};

struct endpoints {
    struct endpoint *v;
    size_t n, cap;
    size_t nstatic;       /* endpoints of the configured requests come first */
    size_t *of_request;   /* endpoint of each configured request */
};

/* The endpoints of the configured requests. Returns -1 when out of memory. */
int endpoints_init(struct endpoints *e, const struct config *c);
/* The index of (host, port, tls), added when new; -1 when out of memory. */
long endpoints_find_or_add(struct endpoints *e, const char *host, unsigned port, int tls);
/* A numeric IPv4 or IPv6 address (port 0); -1 when text is not one. */
int endpoint_parse_address(const char *text, struct sockaddr_storage *addr, socklen_t *len);
/* Sets the port into a resolved address. */
void endpoint_set_port(struct sockaddr_storage *addr, unsigned port);
void endpoints_free(struct endpoints *e);

#endif
