/* parent: the process the user started. It creates the scoreboard, forks the workers, holds
 * them at the barrier, releases them together, supervises them (signals, crashes, the duration)
 * and reports when the last one is gone. */
#ifndef STAMPEDE_PARENT_H
#define STAMPEDE_PARENT_H

#include "config.h"
#include "scoreboard.h"

/* The process exit statuses of a run (stampede(1), EXIT STATUS). */
#define EXIT_DONE 0          /* the run completed; failed requests are results */
#define EXIT_RUN_FAILED 1    /* a worker died or failed, or an output could not be written */
#define EXIT_SETUP 2         /* configuration, plugin or output file refused before any load */
#define EXIT_THRESHOLDS 3    /* the run completed but a [thresholds] line did not hold */
#define EXIT_ALL_FAILED 4    /* the run completed but not one request was ok */
/* and 128 + the signal that stopped it: 130 for SIGINT, 143 for SIGTERM. When several apply,
 * the first of 128 + signal, 1, 4, 3 wins: a broken or empty run says more than thresholds. */

/* Runs the whole load. Returns the process exit status, one of the above. */
int parent_run(const struct config *cfg);

/* Where the run is, for parent_cluster.live. */
enum parent_stage {
    PARENT_RELEASED, /* the workers are being released, this very moment */
    PARENT_TICK,     /* twice a second during the run */
    PARENT_STOPPING, /* a signal came: the workers are being stopped */
    PARENT_ENDED     /* every worker has ended and the results are written: exact totals */
};

/* Several processes running one run together (stampede-mpi, mpi_run.h). Once this process's
 * workers are ready, ready() meets the other processes and agrees on T0, a wall-clock moment
 * (CLOCK_REALTIME, ns) in *start_at_ns, which the release then waits for as --start-at does.
 * It returns 0, or an exit status to stop with before any load. */
struct parent_cluster {
    int (*ready)(void *arg, int64_t *start_at_ns);
    /* Called from the parent's event loop (never from a signal handler) as the run goes; the
     * scoreboard's rank rows are the cluster's to write. */
    void (*live)(void *arg, struct sb_header *sb, enum parent_stage stage);
    void *arg;
    unsigned rank, size; /* this process's place in the cluster, for the scoreboard's header */
    unsigned nranks;     /* rows for the ranks in the scoreboard (rank 0: size; others 0) */
};

/* parent_run, one process of a cluster (NULL: alone). */
int parent_run_cluster(const struct config *cfg, const struct parent_cluster *cluster);

#endif
