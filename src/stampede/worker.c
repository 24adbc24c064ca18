/* worker: a forked process that runs its share of the clients on one libevent loop. */
#include "worker.h"

#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "arrivals.h"
#include "client.h"
#include "conn.h"
#include "evbase.h"
#include "plugin.h"
#include "ramp.h"
#include "phout.h"
#include "schedule.h"
#include "regress.h"
#include "seq_dispatch.h"
#include "tls.h"

#define READ_BUFFER_SIZE (64 * 1024) /* a third less CPU than 8 KiB on 16 KiB bodies */

static void stop_run(struct worker *w);

/* How often a worker publishes its CPU time: often enough for the viewer's one-second
 * interval, rare enough (one system call) to cost nothing. */
#define WORKER_CPU_PERIOD_US 100000

static int64_t cpu_now_ns(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) < 0)
        return 0;
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
           ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

static void cpu_publish(struct worker *w)
{
    int64_t cpu = cpu_now_ns() - w->cpu0_ns;
    atomic_store_explicit(&w->slot->cpu_ns, cpu > 0 ? (uint64_t)cpu : 0, memory_order_relaxed);
}

static void on_cpu_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    cpu_publish(arg);
}

SSL_CTX *worker_tls_ctx(struct worker *w, size_t r, const char **why)
{
    static char err[300];
    if (w->tls_ctx[r])
        return w->tls_ctx[r];
    const struct request_spec *spec = &w->cfg->requests[r];
    for (size_t i = 0; i < w->cfg->nrequests; i++) /* share one context per option set */
        if (w->tls_ctx[i] && tls_options_equal(&w->cfg->requests[i].tls, &spec->tls))
            return w->tls_ctx[r] = w->tls_ctx[i];
    w->tls_ctx[r] = tls_ctx_new(&spec->tls, conn_on_new_session, err, sizeof(err));
    *why = err;
    return w->tls_ctx[r];
}

void worker_client_done(struct worker *w)
{
    w->active--;
    if (w->active == 0 && (w->stopping || w->next_start == w->nclients || w->requests_left == 0))
        event_base_loopexit(w->base, NULL);
}

void worker_count_request(struct worker *w)
{
    if (w->requests_left != UINT64_MAX)
        w->requests_left--;
}

/* Starts every client whose time has come, then sleeps until the next one's. A client is set
 * up when it starts, so that memory follows the ramp, and at most RAMP_BATCH start in one pass
 * of the loop: 100,000 clients due at T0 must not keep signals, I/O and the end of the run
 * waiting while they all connect. */
#define RAMP_BATCH 256

static void on_ramp(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    struct ramp r = {w->cfg->clients, w->cfg->ramp_start, w->cfg->ramp_duration_ns};
    (void)fd;
    (void)what;
    int64_t now = now_ns();
    /* once the share of requests is begun, clients still to come would have nothing to do */
    for (unsigned batch = 0; w->next_start < w->nclients && !w->stopping && w->requests_left;
         batch++) {
        uint64_t number = ramp_client_number(w->nworkers, w->run_index, w->next_start);
        int64_t due = w->t0 + ramp_start_offset(&r, number);
        if (due > now || batch == RAMP_BATCH) {
            struct timeval tv = timeval_of_ns(due - now);
            event_add(w->ramp_timer, &tv);
            return;
        }
        struct client *c = worker_setup_client(w);
        if (!c)
            break;
        client_start(c);
    }
    if (w->active == 0)
        event_base_loopexit(w->base, NULL);
}

static void on_grace_over(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    (void)fd;
    (void)what;
    /* the end of a schedule's drain (on_duration_over): stop as a stop does, counting what is
     * still queued as dropped, then cut off what is in flight */
    if (!w->stopping)
        stop_run(w);
    for (uint64_t i = 0; i < w->next_start; i++)
        client_abort(&w->clients[i]);
    event_base_loopexit(w->base, NULL);
}

static void stop_run(struct worker *w)
{
    if (w->stopping)
        return;
    w->stopping = 1;
    atomic_store(&w->slot->state, SB_WORKER_STOPPING);
    event_del(w->ramp_timer);
    event_del(w->cpu_timer); /* a persistent timer would keep the loop from ending */
    arrivals_stop(w);
    /* a request still waiting for its turn to connect has sent nothing: it ends now */
    while (w->gate.head)
        client_gate_abort(w->gate.head);
    for (uint64_t i = 0; i < w->next_start; i++)
        client_stop(&w->clients[i]);
    if (w->active == 0) {
        event_base_loopexit(w->base, NULL);
        return;
    }
    /* a schedule's drain has already started the grace period: it bounds the whole end */
    struct timeval tv = timeval_of_ns(w->cfg->grace_ns);
    if (!evtimer_pending(w->grace_timer, NULL))
        event_add(w->grace_timer, &tv);
}

void worker_stop_here(struct worker *w)
{
    stop_run(w);
}

struct client *worker_setup_client(struct worker *w)
{
    uint64_t number = ramp_client_number(w->nworkers, w->run_index, w->next_start);
    struct client *c = &w->clients[w->next_start];
    if (client_init(c, w, number) < 0) {
        fprintf(stderr, "stampede: worker %u: cannot set up client %" PRIu64 ": %s\n", w->index,
                number, strerror(errno ? errno : ENOMEM));
        client_free(c);
        w->failed = 1;
        stop_run(w);
        return NULL;
    }
    w->next_start++;
    w->active++;
    return c;
}

void worker_stop_run(struct worker *w)
{
    stop_run(w);
    if (w->hdr->parent_pid > 0)
        kill(w->hdr->parent_pid, SIGUSR1);
}

/* The duration is over. At a schedule's own end (not a shorter duration that cuts it) the
 * arrivals already due are still sent as clients free up, for up to the grace period, so that
 * the run ends when the last arrival has been served and answered: an arrival that found every
 * client busy a moment before the end is not lost. What is left when the grace period is over
 * is dropped (queued) or aborted (in flight). */
static void on_duration_over(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    const struct config *cfg = w->cfg;
    (void)fd;
    (void)what;
    if (cfg->schedule && cfg->duration_ns >= cfg->schedule->duration_ns && !w->stopping &&
        (!w->arr_done || w->arr_busy > 0)) {
        struct timeval tv = timeval_of_ns(cfg->grace_ns);
        event_add(w->grace_timer, &tv);
        return;
    }
    stop_run(w);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct worker *w = arg;
    (void)what;
    /* A second Ctrl-C (SIGINT reaches the whole process group) stops at once; whatever was
     * counted is already in the scoreboard. SIGTERM from the parent is always graceful. */
    if (sig == SIGINT && w->sigints++ > 0) {
        linelog_close(&w->trace);
        linelog_close(&w->phout);
        _exit(130);
    }
    stop_run(w);
}

/* Everything a worker needs before the barrier: no allocation happens after it. */
static int worker_prepare(struct worker *w)
{
    const struct config *cfg = w->cfg;
    size_t nreq = cfg->nrequests;

    w->base = evbase_new();
    if (!w->base)
        return -1;

    w->rbuf_size = READ_BUFFER_SIZE;
    w->rbuf = malloc(w->rbuf_size);
    w->wires = calloc(nreq, sizeof(*w->wires));
    w->head = calloc(nreq, sizeof(*w->head));
    w->reqstats = calloc(nreq, sizeof(*w->reqstats));
    w->timeouts = calloc(nreq, sizeof(*w->timeouts));
    w->connect_timeouts = calloc(nreq, sizeof(*w->connect_timeouts));
    w->tls_ctx = calloc(nreq, sizeof(*w->tls_ctx));
    if (!w->rbuf || !w->wires || !w->head || !w->reqstats || !w->timeouts ||
        !w->connect_timeouts || !w->tls_ctx)
        return -1;
    char why[256];
    if (!(w->dns = dns_new(w->base, cfg, why, sizeof(why)))) {
        fprintf(stderr, "stampede: worker %u: %s\n", w->index, why);
        return -1;
    }
    for (size_t r = 0; r < nreq; r++) {
        const struct request_spec *spec = &cfg->requests[r];
        if (http_request_serialise(spec, &w->wires[r]) < 0)
            return -1;
        w->head[r] = strcmp(spec->method, "HEAD") == 0;
        w->reqstats[r] = sb_reqstat(w->hdr, w->index, (unsigned)r);
        /* Common timeouts: every request of one kind has the same timeout, so libevent keeps
         * them in a queue instead of the heap (O(1) add and delete). */
        struct timeval t = timeval_of_ns(spec->timeout_ns), ct = timeval_of_ns(spec->connect_timeout_ns);
        w->timeouts[r] = event_base_init_common_timeout(w->base, &t);
        w->connect_timeouts[r] = event_base_init_common_timeout(w->base, &ct);
        if (!w->timeouts[r] || !w->connect_timeouts[r])
            return -1;
    }

    w->nclients = ramp_worker_clients(cfg->clients, w->nworkers, w->run_index);
    /* requests are split as clients are: worker p of N gets n/N + (p < n%N) */
    w->requests_left = cfg->total_requests
                           ? ramp_worker_clients(cfg->total_requests, w->nworkers, w->run_index)
                           : UINT64_MAX;
    w->pool_max = cfg->schedule && cfg->max_clients > cfg->clients
                      ? ramp_worker_clients(cfg->max_clients, w->nworkers, w->run_index)
                      : w->nclients;
    atomic_store(&w->slot->clients, w->nclients);
    /* zeroed pages cost nothing until a client is set up in them (on_ramp, arrivals) */
    if (w->pool_max && !(w->clients = calloc(w->pool_max, sizeof(*w->clients))))
        return -1;

    w->ramp_timer = evtimer_new(w->base, on_ramp, w);
    w->stop_timer = evtimer_new(w->base, on_duration_over, w);
    w->grace_timer = evtimer_new(w->base, on_grace_over, w);
    w->cpu_timer = event_new(w->base, -1, EV_PERSIST, on_cpu_tick, w);
    w->sigint_ev = evsignal_new(w->base, SIGINT, on_signal, w);
    w->sigterm_ev = evsignal_new(w->base, SIGTERM, on_signal, w);
    if (!w->ramp_timer || !w->stop_timer || !w->grace_timer || !w->cpu_timer || !w->sigint_ev || !w->sigterm_ev)
        return -1;
    if (arrivals_prepare(w) < 0 || seq_prepare(w) < 0 || regress_open(w) < 0 ||
        connect_gate_init(&w->gate, w->base, cfg->connect_rate, w->nworkers, w->run_index,
                          client_gate_go) < 0)
        return -1;
    event_add(w->sigint_ev, NULL);
    event_add(w->sigterm_ev, NULL);
    return trace_open(&w->trace, cfg->trace_path, cfg->log_per_worker, w->run_index) < 0 ||
                   phout_open(&w->phout, cfg->phout_path, cfg->log_per_worker, w->run_index) < 0
               ? -1
               : 0;
}

static void worker_release(struct worker *w)
{
    for (uint64_t i = 0; i < w->next_start; i++)
        client_free(&w->clients[i]);
    free(w->clients);
    arrivals_release(w);
    connect_gate_free(&w->gate);
    seq_release(w);
    regress_close(w);
    for (size_t r = 0; w->wires && r < w->cfg->nrequests; r++)
        http_request_free(&w->wires[r]);
    free(w->wires);
    free(w->head);
    free(w->reqstats);
    free(w->timeouts);
    free(w->connect_timeouts);
    for (size_t r = 0; w->tls_ctx && r < w->cfg->nrequests; r++) {
        size_t i; /* contexts are shared: free each once */
        for (i = 0; i < r && w->tls_ctx[i] != w->tls_ctx[r]; i++)
            ;
        if (i == r && w->tls_ctx[r])
            SSL_CTX_free(w->tls_ctx[r]);
    }
    free(w->tls_ctx);
    dns_free(w->dns);
    free(w->rbuf);
    if (w->ramp_timer)
        event_free(w->ramp_timer);
    if (w->stop_timer)
        event_free(w->stop_timer);
    if (w->cpu_timer)
        event_free(w->cpu_timer);
    if (w->grace_timer)
        event_free(w->grace_timer);
    if (w->sigint_ev)
        event_free(w->sigint_ev);
    if (w->sigterm_ev)
        event_free(w->sigterm_ev);
    if (w->base)
        event_base_free(w->base);
}

/* Blocks until the parent closes the "go" pipe. */
static int wait_for_release(int go_fd)
{
    char b;
    for (;;) {
        ssize_t n = read(go_fd, &b, 1);
        if (n == 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

int worker_main(const struct config *cfg, struct endpoints *eps, const struct plugins *plugins,
                struct sb_header *hdr, unsigned index, int ready_fd, int go_fd)
{
    struct worker w = {
        .cfg = cfg, .endpoints = eps, .plugins = plugins, .hdr = hdr,
        .slot = sb_slot(hdr, index), .index = index,
        .run_index = ramp_run_worker(cfg->segment_index, hdr->nworkers, index),
        .nworkers = hdr->nworkers * cfg->segment_count,
    };
    atomic_store(&w.slot->pid, (int32_t)getpid());

    if (worker_prepare(&w) < 0) {
        fprintf(stderr, "stampede: worker %u: cannot prepare its clients: %s\n", index,
                strerror(errno ? errno : ENOMEM));
        worker_release(&w);
        return 1;
    }
    if ((plugins->hooks & HOOK_PROC_INIT) && plugins_proc_init(&w) < 0) {
        worker_release(&w);
        return 1;
    }
    atomic_store(&w.slot->state, SB_WORKER_READY);
    /* The "go" pipe also reads EOF when the parent died: that is no release. */
    if (write(ready_fd, "r", 1) != 1 || wait_for_release(go_fd) < 0 ||
        getppid() != (pid_t)hdr->parent_pid) {
        worker_release(&w);
        return 1;
    }
    close(ready_fd);
    close(go_fd);
    w.t0 = atomic_load(&hdr->t0_ns);
    connect_gate_start(&w.gate, w.t0);
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    w.wall_offset_ns = (int64_t)wall.tv_sec * 1000000000 + wall.tv_nsec - now_ns();
    atomic_store(&w.slot->state, SB_WORKER_RUNNING);
    w.cpu0_ns = cpu_now_ns(); /* the run's CPU, not the preparation's */
    struct timeval cpu_tv = {0, WORKER_CPU_PERIOD_US};
    event_add(w.cpu_timer, &cpu_tv);

    if (cfg->duration_ns > 0) {
        struct timeval tv = timeval_of_ns(w.t0 + cfg->duration_ns - now_ns());
        event_add(w.stop_timer, &tv);
    }
    if (cfg->schedule) { /* the open model: arrivals on the timetable, not a ramp */
        arrivals_start(&w);
        if (!w.stopping || w.active > 0)
            event_base_dispatch(w.base);
    } else if (cfg->nsequences) { /* the sequences' scheduler hands out the steps */
        seq_start(&w);
        if (!w.stopping || w.active > 0)
            event_base_dispatch(w.base);
    } else {
        on_ramp(-1, 0, &w);
        if (w.active > 0 || w.next_start < w.nclients)
            event_base_dispatch(w.base);
    }

    event_del(w.cpu_timer);
    cpu_publish(&w);
    reasons_publish(&w.reasons, w.slot);
    /* both logs are flushed and closed, whichever failed */
    int trace_rc = linelog_close(&w.trace), phout_rc = linelog_close(&w.phout);
    int regress_rc = regress_close(&w);
    int rc = trace_rc < 0 || phout_rc < 0 || regress_rc < 0 || w.failed ? 1 : 0;
    if (plugins->hooks & HOOK_PROC_EXIT) {
        int prc = plugins_proc_exit(&w);
        if (prc)
            rc = prc;
    }
    worker_release(&w);
    atomic_store(&w.slot->state, SB_WORKER_EXITED);
    return rc;
}
