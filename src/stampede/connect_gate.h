/* connect_gate: [run] connect_rate, new connections per second over the whole run, as
 * tcpkali's --connect-rate. Connections are numbered over the run like clients: this worker's
 * j-th is the run's j * N + index, and may start connecting at T0 + that number / rate, so the
 * run-wide rate is exact whatever the worker count. A client that needs a connection before its
 * turn waits in line (first come, first served) at no cost but two pointers. */
#ifndef STAMPEDE_CONNECT_GATE_H
#define STAMPEDE_CONNECT_GATE_H

#include <stdint.h>

struct client;
struct event;
struct event_base;

struct connect_gate {
    uint64_t rate;                  /* 0: no gate */
    unsigned nworkers, index;
    int64_t t0;
    uint64_t next;                  /* this worker's connections let through so far */
    struct client *head, *tail;     /* waiting, in order (client.gate_next/gate_prev) */
    struct event *timer;
    void (*go)(struct client *c);   /* lets a waiting client connect */
};

/* rate 0 leaves the gate open. Returns 0, or -1 when out of memory. */
int connect_gate_init(struct connect_gate *g, struct event_base *base, uint64_t rate,
                      unsigned nworkers, unsigned index, void (*go)(struct client *c));
void connect_gate_start(struct connect_gate *g, int64_t t0);
/* 1: c may connect now; 0: it waits, and go(c) comes when its turn does. */
int connect_gate_pass(struct connect_gate *g, struct client *c);
/* c no longer waits (its request ended: the run stopped, a timeout). */
void connect_gate_cancel(struct connect_gate *g, struct client *c);
void connect_gate_free(struct connect_gate *g);

/* When this worker's connection j may start, from T0 (exact integer arithmetic). */
int64_t connect_gate_due_ns(uint64_t rate, unsigned nworkers, unsigned index, uint64_t j);

#endif
