/* top_model: what the viewer shows, computed from successive reads of the scoreboard. A sample
 * copies every worker's counters and latency histogram with relaxed loads (never a lock, never a
 * write), and rates and interval percentiles are differences between this sample and the one
 * before. The first sample is compared with an empty scoreboard at T0, so its "interval" is the
 * run so far. */
#ifndef STAMPEDE_TOP_MODEL_H
#define STAMPEDE_TOP_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "scoreboard.h"
#include "top_sb.h"

/* The per-worker columns, in display order; also the sort keys. */
enum top_col {
    TOP_COL_WORKER, TOP_COL_PID, TOP_COL_STATE, TOP_COL_CLIENTS, TOP_COL_REQUESTS, TOP_COL_OK,
    TOP_COL_FAILED, TOP_COL_INFLIGHT, TOP_COL_RPS, TOP_COL_IN, TOP_COL_OUT, TOP_COL_P50,
    TOP_COL_P99, TOP_COL_COUNT
};
/* Lower-case names, for --sort and the sort indicator. */
extern const char *const top_col_names[TOP_COL_COUNT];

#define TOP_ROW_TOTAL UINT32_MAX /* the index of the totals row */

/* One worker, or the totals, as shown. Rates and percentiles cover the last interval. */
struct top_row {
    uint32_t index;
    int pid;
    unsigned state;                /* enum sb_worker_state (run state for the totals) */
    int exit_code, term_signal;
    uint64_t clients_planned, clients_started, clients_active;
    uint64_t started, ok, failed, in_flight;
    double rps, failed_ps, in_bps, out_bps;
    uint64_t ival_count;           /* requests finished in the interval */
    uint64_t p50_us, p99_us;       /* 0 when ival_count is 0 */
    /* Generator health. lag: the open model's schedule lag p99 over the run so far (0 without
     * arrivals; the totals row shows the worst worker's). cpu: % of one core in the interval
     * and over the run (the totals row sums the workers). */
    uint64_t lag_count, lag_p99_us;
    double cpu_pct, cpu_run_pct;
};

struct top_latency {
    uint64_t count;
    double mean_us;
    uint64_t min_us, p50_us, p90_us, p99_us, p999_us, max_us;
};

/* Requests/s and failed/s, one point per TOP_CHART_STEP_NS or per sample if samples are
 * further apart, oldest first in a ring. */
#define TOP_CHART_LEN 512
#define TOP_CHART_STEP_NS 1000000000LL
struct top_chart {
    double rps[TOP_CHART_LEN], failed_ps[TOP_CHART_LEN];
    unsigned n, head;              /* head: where the next point goes */
    double step_s;                 /* the span of the latest point */
    int64_t last_ns;
    uint64_t last_done, last_failed;
};

struct top_snap;

/* stampede-mpi: one rank, as rank 0 last heard from it (once a second). */
struct top_rank {
    unsigned rank;
    char host[SB_HOST_MAX];
    unsigned state;                /* enum sb_rank_state */
    uint64_t updates;              /* 0: not heard from yet */
    double age_s;                  /* since the last word from it */
    uint64_t workers, clients_active, started, ok, failed, in_flight;
    double rps;                    /* over the rank's last second */
    uint64_t p50_us, p99_us;       /* over the run so far */
};

/* Channel totals (tcp:// and tls:// requests), all uint64_t. */
struct top_channels {
    uint64_t opened, open_now, failed, closed_by_peer;
    uint64_t messages_sent, messages_received, bytes_sent, bytes_received;
};

/* Sequences' progress over workers: repetitions and steps planned and done (planned is 0 in a
 * run with a rate, where arrivals start repetitions). All uint64_t. */
struct top_sequences {
    uint64_t reps_planned, reps_done, steps_planned, steps_done;
};

struct top_model {
    const struct top_sb *sb;
    unsigned nworkers, nextras;

    /* The header, as of the last sample. */
    unsigned run_state;            /* enum sb_run_state */
    int parent_pid;
    int parent_gone;               /* the parent process no longer exists */
    char config_name[256];
    int64_t t0_ns, end_ns;
    uint64_t planned_clients, ramp_start;
    int64_t ramp_duration_ns, duration_ns;

    unsigned samples;
    int64_t sample_ns;             /* CLOCK_MONOTONIC of the last sample */
    double elapsed_s;              /* since T0, or 0 before it */
    double left_s;                 /* of the duration; -1 without one */
    double interval_s;             /* what the rates cover */

    struct top_row *rows;          /* [nworkers], by worker index */
    struct top_row total;
    struct sb_counters c;          /* totals over workers */
    struct top_channels chan;      /* channel totals over workers */
    struct top_sequences seq;      /* sequences' progress over workers */
    uint64_t *extras;              /* [nextras] totals */
    char (*extra_names)[SB_NAME_MAX];
    struct top_latency run, ival;  /* the whole run, and the last interval */
    /* The open model (a run with a rate: it has arrivals, so schedule lag or intended
     * latencies): the intended latency, from each arrival's due time, every request, over the
     * run and the last interval; and the clients its pools grew by (max_clients), over
     * workers. All 0 in a closed run. */
    int open_model;
    struct top_latency intended_run, intended_ival;
    uint64_t clients_grown;
    struct top_chart chart;
    /* stampede-mpi: this run's place in the cluster (size 0 alone), and on rank 0 a row per
     * rank */
    unsigned cluster_rank, cluster_size, nranks;
    struct top_rank *ranks;

    struct top_snap *cur, *prev;
    struct hist *scratch;
};

/* Allocates for sb's layout. Returns 0, or -1 when out of memory. */
int top_model_init(struct top_model *m, const struct top_sb *sb);
void top_model_free(struct top_model *m);

/* Reads the scoreboard once and recomputes everything. Returns 0, or -1 when the file was
 * truncated under the mapping (the previous values are kept). */
int top_model_sample(struct top_model *m);

/* Fills order[nworkers] with worker indexes sorted by col; numbers sort largest first and
 * names smallest first, reverse flips either. */
void top_model_sort(const struct top_model *m, enum top_col col, int reverse, unsigned *order);

const char *top_run_state_name(unsigned state);
/* A run whose parent died before it was done (killed, or its terminal closed): what the file
 * says of its state is stale. */
bool top_run_parent_gone(int parent_pid, unsigned run_state);
const char *top_worker_state_name(unsigned state);
const char *top_rank_state_name(unsigned state);


#endif
