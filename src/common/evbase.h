/* evbase: the event loop every program of stampede runs one of per process. */
#ifndef STAMPEDE_EVBASE_H
#define STAMPEDE_EVBASE_H

struct event_base;

/* A libevent base whose timers use CLOCK_MONOTONIC, not the coarse clock (libevent's default
 * on Linux ticks every few milliseconds, so a 20 ms timer could fire 4 ms early), and without
 * locks: one process, one thread. NULL when out of memory or descriptors. */
struct event_base *evbase_new(void);

#endif
