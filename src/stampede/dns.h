/* dns: asynchronous name resolution with c-ares inside a worker's libevent loop (no blocking
 * call, no thread), and a per-worker cache: a name is looked up once per run (or per dns_ttl),
 * and clients asking while a lookup is in flight wait for that one. [dns] entries fill the
 * cache before the run and are never looked up. */
#ifndef STAMPEDE_DNS_H
#define STAMPEDE_DNS_H

#include <stdint.h>
#include <sys/socket.h>

#include "config.h"

struct event_base;
struct dns;

typedef void (*dns_cb)(void *arg, const struct sockaddr_storage *addr, socklen_t len,
                       const char *error);

/* A client's place in the queue of a lookup in flight; owned by the client, no allocation. */
struct dns_wait {
    struct dns_wait *next;
    dns_cb cb;
    void *arg;
    int entry;  /* -1 when not waiting */
};

/* Creates the resolver for one worker. Returns NULL after writing the reason into err. */
struct dns *dns_new(struct event_base *base, const struct config *cfg, char *err, size_t errlen);
void dns_free(struct dns *d);

/* Resolves host (the port is left 0). Returns 1 with *addr filled, -1 with *error, or 0 when
 * w now waits: w->cb is called later from the loop with the address or the error. *cached says
 * whether the answer (1 or -1) came from the cache rather than a lookup. */
int dns_resolve(struct dns *d, const char *host, struct dns_wait *w,
                struct sockaddr_storage *addr, socklen_t *len, const char **error, int *cached);
/* Stops waiting (a request timed out); a no-op when w is not waiting. */
void dns_cancel(struct dns *d, struct dns_wait *w);

#endif
