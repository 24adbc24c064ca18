/* metrics_out: the parent's live outputs for monitoring systems, both read from the
 * scoreboard: a Prometheus endpoint ([run] prometheus) and StatsD pushes ([run] statsd). The
 * socket is bound before the workers start, so a taken port is a setup error, not a run
 * without metrics. */
#ifndef STAMPEDE_METRICS_OUT_H
#define STAMPEDE_METRICS_OUT_H

#include "config.h"
#include "scoreboard.h"
#include "statsd.h"

struct event_base;
struct event;
struct prom_server;
struct prom_data;

struct metrics_out {
    const struct config *cfg;
    const struct sb_header *h;
    int prom_fd;               /* bound before fork; then owned by prom */
    struct prom_server *prom;
    struct prom_data *prom_data;
    int statsd_on;
    struct statsd statsd;
    struct event *tick;        /* StatsD: once a second */
};

/* Binds and connects what the configuration asks for. Returns 0, or -1 after a one-line
 * message (a setup error). */
int metrics_out_open(struct metrics_out *m, const struct config *cfg, const struct sb_header *h);
/* In a worker, right after fork: the parent's sockets are not the worker's. */
void metrics_out_forget(struct metrics_out *m);
/* From the release on, in the parent's loop. */
void metrics_out_start(struct metrics_out *m, struct event_base *base);
/* The run is over: the last StatsD push, so that the counters add up to the summary. */
void metrics_out_final(struct metrics_out *m);
/* After the summary: /metrics keeps answering with the final figures for [run]
 * prometheus_linger, so that a scraper sees them. */
void metrics_out_linger(struct metrics_out *m, struct event_base *base);
void metrics_out_close(struct metrics_out *m);

#endif
