/* worker: one forked process. It prepares its clients, meets the others at the barrier, then
 * runs its share of the global ramp timetable on one libevent loop until every client is done,
 * the duration is over or it is told to stop. Everything it counts goes to its scoreboard slot. */
#ifndef STAMPEDE_WORKER_H
#define STAMPEDE_WORKER_H

#include <stdint.h>
#include <sys/time.h>

#include <openssl/ssl.h>

#include "clock.h"
#include "config.h"
#include "connect_gate.h"
#include "dns.h"
#include "endpoint.h"
#include "http_request.h"
#include "reasons.h"
#include "rng.h"
#include "scoreboard.h"
#include "trace.h"

struct client;
struct plugins;
struct seq_run;
struct regress;

struct worker {
    const struct config *cfg;
    struct endpoints *endpoints;   /* grows when a redirect leads somewhere new */
    struct dns *dns;
    const struct plugins *plugins;
    SSL_CTX **tls_ctx;             /* per request, made on first use; shared between
                                      requests with the same TLS options */
    struct event_base *base;
    struct sb_header *hdr;
    struct sb_slot *slot;
    struct sb_reqstat **reqstats;  /* this worker's, one per request */
    struct wire *wires;            /* serialised requests, one per request */
    int *head;                     /* per request: the method is HEAD (no response body) */
    const struct timeval **timeouts; /* per request: libevent common timeouts, or NULL */
    const struct timeval **connect_timeouts;
    unsigned index;                /* its slot in this process's scoreboard */
    unsigned run_index, nworkers;  /* its number among the run's workers, and how many the
                                      run has (all segments'): they split the clients and
                                      arrivals (ramp.h) */

    struct client *clients;
    uint64_t nclients, next_start; /* clients are started in order by the ramp timer */
    uint64_t pool_max;             /* the open model: the pool may grow to this many
                                      (max_clients' share); nclients otherwise */
    uint64_t active;               /* started and not finished */
    uint64_t requests_left;        /* [run] requests: this worker's share not yet begun;
                                      UINT64_MAX without a limit */
    int64_t t0;                    /* CLOCK_MONOTONIC ns at release */
    int stopping;                  /* no new requests; finish what is in flight */
    int failed;                    /* a client could not be set up: exit status 1 */

    struct event *cpu_timer;       /* publishes cpu_ns */
    int64_t cpu0_ns;               /* getrusage at the release */
    struct event *ramp_timer, *stop_timer, *grace_timer, *sigint_ev, *sigterm_ev;
    unsigned sigints;

    char *rbuf;                    /* one read buffer for every connection of the worker */
    size_t rbuf_size;
    struct linelog trace;          /* --trace */
    struct linelog phout;          /* --phout */
    int64_t wall_offset_ns;        /* CLOCK_REALTIME - CLOCK_MONOTONIC at the release */
    struct reason_tally reasons;   /* why requests failed, for the summary */

    /* the open model (arrivals.c); unused without a schedule */
    struct client **idle;          /* free clients of the pool, a stack */
    uint64_t nidle, arr_busy;      /* free, and serving an arrival */
    uint64_t arr_next;             /* uniform: this worker's next arrival, counted from 0 */
    uint64_t arr_pos;              /* poisson: its position in the run's arrivals (fixed point) */
    uint64_t arr_number;           /* the next arrival's number in the run (poisson: this
                                      worker's count, numbered as clients are) */
    int64_t arr_due_ns;            /* when the next arrival is due (CLOCK_MONOTONIC) */
    int arr_done;                  /* no arrival left */
    int arr_lag_seen;              /* the next arrival's lag is recorded */
    int arr_blocked;               /* on_busy = queue: the next arrival waits for a client */
    int64_t arr_free_ns;           /* when a client last ended such a wait */
    struct rng arr_rng;            /* poisson gaps */
    struct event *arrival_timer;
    struct connect_gate gate;      /* [run] connect_rate */

    struct seq_run *seq;           /* the sequences' scheduler (seq_dispatch.c); NULL without */
    struct regress *regress;       /* --regress: this worker's part (regress.c); NULL without */
};

/* The worker's whole life after fork. Returns the process exit code. ready_fd gets one byte when
 * the worker is prepared; go_fd reaches EOF when the parent releases everyone. */
int worker_main(const struct config *cfg, struct endpoints *eps, const struct plugins *plugins,
                struct sb_header *hdr, unsigned index, int ready_fd, int go_fd);

/* Stops the whole run gracefully: this worker at once, as SIGTERM does, and the others
 * through the parent (SIGUSR1), which reads who and why from the scoreboard. */
void worker_stop_run(struct worker *w);

/* Stops this worker's run gracefully (what SIGTERM does), without telling the others: for a
 * worker whose share of the work is over. */
void worker_stop_here(struct worker *w);

/* Sets up the worker's next client (clients[next_start]) when it is first needed and counts
 * it active; NULL when it could not be, after a message (the run then stops, exit status 1). */
struct client *worker_setup_client(struct worker *w);

/* The TLS context for request r, made on first use. NULL with *why when OpenSSL refuses the
 * request's TLS settings. */
SSL_CTX *worker_tls_ctx(struct worker *w, size_t r, const char **why);

/* Called by a client when it has finished all its rounds (or was stopped). */
void worker_client_done(struct worker *w);

/* Counts one more request begun against the worker's share of [run] requests (not a
 * redirect hop: it belongs to the request that began the chain). The client has checked that
 * requests_left is not 0. */
void worker_count_request(struct worker *w);


#endif
