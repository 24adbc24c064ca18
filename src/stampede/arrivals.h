/* arrivals: the open model's dispatch in a worker. The worker walks its share of the global
 * timetable (schedule.h: arrival i belongs to worker i mod N, as clients do), and hands each
 * arrival, at its time, to a free client of its pool; with none free the arrival waits in
 * line (on_busy = queue) or is dropped (on_busy = drop). */
#ifndef STAMPEDE_ARRIVALS_H
#define STAMPEDE_ARRIVALS_H

#include <stdint.h>

struct worker;
struct client;

/* Before the barrier: the pool's free list and the arrival timer. Returns 0 or -1. */
int arrivals_prepare(struct worker *w);
void arrivals_release(struct worker *w);
/* At T0: serves what is due and arms the timer for the rest. */
void arrivals_start(struct worker *w);
/* The run is stopping: no more arrivals. */
void arrivals_stop(struct worker *w);
/* Client c has done its arrival's request and is free for the next one. */
void arrivals_client_free(struct worker *w, struct client *c);

#endif
