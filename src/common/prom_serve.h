/* prom_serve: GET /metrics on a listening socket, from an event loop: what Prometheus scrapes.
 * The page is made afresh for every request by a render function. */
#ifndef STAMPEDE_PROM_SERVE_H
#define STAMPEDE_PROM_SERVE_H

#include <stdio.h>

struct event_base;
struct prom_server;

/* Writes the page to f; returns 0, or -1 when there is nothing to serve (a 503). */
typedef int prom_render_fn(FILE *f, void *arg);

/* Serves on fd (from netaddr_listen; the server owns it from here). NULL when out of memory. */
struct prom_server *prom_serve(struct event_base *base, int fd, prom_render_fn *render,
                               void *arg);
/* Closes the socket and every connection. */
void prom_serve_free(struct prom_server *s);

#endif
