/* connect_gate: see connect_gate.h. */
#include "connect_gate.h"

#include <event2/event.h>

#include "client.h"
#include "clock.h"

int64_t connect_gate_due_ns(uint64_t rate, unsigned nworkers, unsigned index, uint64_t j)
{
    unsigned __int128 g = (unsigned __int128)j * nworkers + index;
    return (int64_t)(g * 1000000000u / rate);
}

static int64_t due(const struct connect_gate *g)
{
    return g->t0 + connect_gate_due_ns(g->rate, g->nworkers, g->index, g->next);
}

static void unlink_client(struct connect_gate *g, struct client *c)
{
    if (c->gate_prev)
        c->gate_prev->gate_next = c->gate_next;
    else
        g->head = c->gate_next;
    if (c->gate_next)
        c->gate_next->gate_prev = c->gate_prev;
    else
        g->tail = c->gate_prev;
    c->gate_next = c->gate_prev = NULL;
    c->gate_waiting = 0;
}

/* Lets through every waiting client whose turn has come, then sleeps until the next turn. */
static void on_turn(evutil_socket_t fd, short what, void *arg)
{
    struct connect_gate *g = arg;
    (void)fd;
    (void)what;
    int64_t now = now_ns();
    while (g->head && due(g) <= now) {
        struct client *c = g->head;
        unlink_client(g, c);
        g->next++;
        g->go(c);
    }
    if (g->head) {
        struct timeval tv = timeval_of_ns(due(g) - now);
        event_add(g->timer, &tv);
    }
}

int connect_gate_init(struct connect_gate *g, struct event_base *base, uint64_t rate,
                      unsigned nworkers, unsigned index, void (*go)(struct client *c))
{
    *g = (struct connect_gate){.rate = rate, .nworkers = nworkers, .index = index, .go = go};
    if (!rate)
        return 0;
    g->timer = evtimer_new(base, on_turn, g);
    return g->timer ? 0 : -1;
}

void connect_gate_start(struct connect_gate *g, int64_t t0)
{
    g->t0 = t0;
}

int connect_gate_pass(struct connect_gate *g, struct client *c)
{
    if (!g->rate)
        return 1;
    /* no one waits and the turn has come: through, at once */
    if (!g->head && due(g) <= now_ns()) {
        g->next++;
        return 1;
    }
    c->gate_waiting = 1;
    c->gate_next = NULL;
    c->gate_prev = g->tail;
    if (g->tail)
        g->tail->gate_next = c;
    else
        g->head = c;
    g->tail = c;
    if (g->head == c) {
        struct timeval tv = timeval_of_ns(due(g) - now_ns());
        event_add(g->timer, &tv);
    }
    return 0;
}

void connect_gate_cancel(struct connect_gate *g, struct client *c)
{
    if (c->gate_waiting)
        unlink_client(g, c);
    if (!g->head && g->timer)
        event_del(g->timer);
}

void connect_gate_free(struct connect_gate *g)
{
    if (g->timer)
        event_free(g->timer);
    g->timer = NULL;
    g->head = g->tail = NULL;
}
