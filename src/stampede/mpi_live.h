/* mpi_live: stampede-mpi's live view. About once a second during the run each rank sends rank
 * 0 its totals (the sums over its workers' scoreboard slots) with MPI_Isend; rank 0 picks them
 * up with MPI_Iprobe from its parent's event loop and writes them into its scoreboard's rank
 * rows, which stampede-top shows. Nothing here blocks or spins: the loop calls in twice a
 * second. (Histograms are not sent: 184 KiB each; p50, p99 and max are.)
 *
 * At the end each rank sends its exact totals once more (every worker has ended), and rank 0
 * waits for them, sleeping between polls. A rank that never sends them is lost: it died (and
 * the launcher is stopping the job: after a signal the survivors all say so within moments),
 * or it went silent for LIVE_SILENCE_NS; rank 0 then stops waiting and keeps every rank's
 * last live figures. */
#ifndef STAMPEDE_MPI_LIVE_H
#define STAMPEDE_MPI_LIVE_H

#include <mpi.h>
#include <stdint.h>

#include "parent.h"
#include "scoreboard.h"

/* What one rank sends: its state, host and totals. */
struct live_msg {
    uint32_t state; /* enum sb_rank_state */
    uint32_t pad;
    char host[SB_HOST_MAX];
    struct sb_rank_totals t;
};

struct mpi_live {
    int rank, size;
    int64_t clock_fix_ns;    /* added to this rank's wall clock: rank 0's time */
    int64_t started_at_ns;   /* this rank's release, on rank 0's wall clock; 0 before */
    struct sb_header *sb;    /* during the run */
    int stopping;            /* a signal came: the run is stopping */
    char host[SB_HOST_MAX];
    struct hist *scratch;    /* the workers' latency histograms added up */
    uint64_t last_done;      /* for the rate: requests done at the last look, and when */
    int64_t last_ns;
    /* a rank but 0: the message in flight */
    struct live_msg out;
    MPI_Request req;
    int pending;
    /* rank 0: every rank's latest, kept past the scoreboard's end */
    struct sb_rank *rows;
    int64_t stop_ns;         /* CLOCK_MONOTONIC when the stop became known; 0 before */
    unsigned lost;           /* ranks lost at the end */
};

/* Returns 0, or -1 when out of memory. */
int mpi_live_init(struct mpi_live *l, int rank, int size);
void mpi_live_free(struct mpi_live *l);

/* parent_cluster.live: arg is a struct mpi_live. */
void mpi_live_stage(void *arg, struct sb_header *sb, enum parent_stage stage);

/* Waits for a nonblocking operation, napping between looks. Open MPI's blocking calls spin,
 * and with more ranks than cores the spinning ranks take the CPU that the ranks they wait for
 * need to get there (and a parent should cost next to nothing while it waits). */
void mpi_idle_wait(MPI_Request *req);

/* A rank's state in words: "done", "lost", ... */
const char *mpi_live_state_name(unsigned state);

#endif
