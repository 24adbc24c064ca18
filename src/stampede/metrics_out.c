/* metrics_out: see metrics_out.h. */
#include "metrics_out.h"

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "clock.h"
#include "netaddr.h"
#include "prom_serve.h"
#include "prom_text.h"

#define PROM_BACKLOG 64 /* scrapers, not load */

static int render(FILE *f, void *arg)
{
    struct metrics_out *m = arg;
    struct prom_layout l;
    prom_layout_of(&l, m->h);
    prom_collect(m->prom_data, &l);
    prom_render(f, m->prom_data);
    return 0;
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    statsd_push(&((struct metrics_out *)arg)->statsd);
}

int metrics_out_open(struct metrics_out *m, const struct config *cfg, const struct sb_header *h)
{
    char err[256];
    *m = (struct metrics_out){.cfg = cfg, .h = h, .prom_fd = -1};
    if (cfg->prometheus) {
        struct prom_layout l;
        prom_layout_of(&l, h);
        if (!(m->prom_data = prom_data_new(&l))) {
            fprintf(stderr, "stampede: out of memory\n");
            return -1;
        }
        m->prom_fd = netaddr_listen(cfg->prometheus, PROM_BACKLOG, err, sizeof(err), NULL);
        if (m->prom_fd < 0) {
            fprintf(stderr, "stampede: prometheus = %s: %s\n", cfg->prometheus, err);
            return -1;
        }
        if (!cfg->quiet)
            fprintf(stderr, "stampede: Prometheus metrics on port %u, path /metrics\n",
                    netaddr_port(m->prom_fd));
    }
    if (cfg->statsd) {
        if (statsd_open(&m->statsd, cfg->statsd, cfg->statsd_namespace, h, err, sizeof(err)) <
            0) {
            fprintf(stderr, "stampede: statsd = %s: %s\n", cfg->statsd, err);
            metrics_out_close(m);
            return -1;
        }
        m->statsd_on = 1;
    }
    return 0;
}

void metrics_out_forget(struct metrics_out *m)
{
    if (m->prom_fd >= 0)
        close(m->prom_fd);
    if (m->statsd_on)
        close(m->statsd.fd);
}

void metrics_out_start(struct metrics_out *m, struct event_base *base)
{
    if (m->prom_fd >= 0) {
        m->prom = prom_serve(base, m->prom_fd, render, m);
        m->prom_fd = -1; /* prom_serve owns it, or closed it */
        if (!m->prom)
            fprintf(stderr, "stampede: prometheus: out of memory; no metrics served\n");
    }
    if (m->statsd_on) {
        struct timeval sec = {1, 0};
        m->tick = event_new(base, -1, EV_PERSIST, on_tick, m);
        if (m->tick)
            event_add(m->tick, &sec);
    }
}

void metrics_out_final(struct metrics_out *m)
{
    if (m->tick) {
        event_free(m->tick);
        m->tick = NULL;
    }
    if (m->statsd_on)
        statsd_push(&m->statsd);
}

static void on_linger_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)sig;
    (void)what;
    event_base_loopbreak(arg);
}

void metrics_out_linger(struct metrics_out *m, struct event_base *base)
{
    if (!m->prom || m->cfg->prometheus_linger_ns <= 0)
        return;
    /* Ctrl-C ends the wait: the run and its summary are done */
    struct event *sigint = evsignal_new(base, SIGINT, on_linger_signal, base);
    struct event *sigterm = evsignal_new(base, SIGTERM, on_linger_signal, base);
    if (sigint)
        event_add(sigint, NULL);
    if (sigterm)
        event_add(sigterm, NULL);
    struct timeval tv = timeval_of_ns(m->cfg->prometheus_linger_ns);
    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
    if (sigint)
        event_free(sigint);
    if (sigterm)
        event_free(sigterm);
}

void metrics_out_close(struct metrics_out *m)
{
    if (m->tick)
        event_free(m->tick);
    prom_serve_free(m->prom);
    prom_data_free(m->prom_data);
    if (m->prom_fd >= 0)
        close(m->prom_fd);
    if (m->statsd_on)
        statsd_close(&m->statsd);
    *m = (struct metrics_out){.prom_fd = -1};
}
