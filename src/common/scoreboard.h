/* scoreboard: the run's shared memory, a file mapped MAP_SHARED by the parent before fork.
 *
 * Layout (all offsets in the header, so readers never assume sizes):
 *   struct sb_header                      at 0, padded to SB_HEADER_SIZE
 *   struct sb_slot     [nworkers]         at slots_offset, each slot_size bytes
 *   struct sb_reqstat  [nworkers][nrequests] at reqstats_offset, each reqstat_size bytes
 *   char [nextras][SB_NAME_MAX]           at extra_names_offset: plugin counter names
 *   _Atomic uint64_t [nworkers][nextras]  at extras_offset: plugin counter values
 *   _Atomic uint64_t [nworkers][nchecks][2] at checks_offset: per response check (expect_*
 *                                         keys), how often it passed and failed
 *   struct sb_rank     [nranks]           at ranks_offset, each rank_size bytes: stampede-mpi's
 *                                         rank 0, every rank's totals as it last sent them
 *
 * Every slot and reqstat has exactly one writer, its worker (the parent fills in exit status
 * after reaping it). Counters are C11 atomics updated with relaxed load + store, which costs
 * what a plain store costs and never shows a reader a torn value. Readers sum slots for totals
 * and take differences between two reads for rates. The rank rows have one writer too, rank 0's
 * parent. A reader must check magic and version. */
#ifndef STAMPEDE_SCOREBOARD_H
#define STAMPEDE_SCOREBOARD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "errkind.h"
#include "hist.h"

#define SB_MAGIC "STAMPSB\0"
#define SB_VERSION 10u
#define SB_HEADER_SIZE 4096u
#define SB_NAME_MAX 64
#define SB_STATUS_MAX 1000 /* per-code counters for 0..999 */
#define SB_REASON_MAX 120  /* bytes of an error reason kept for the summary */
#define SB_HOST_MAX 64     /* bytes of a rank's host name */

enum sb_run_state { SB_RUN_INIT = 0, SB_RUN_RAMPING, SB_RUN_RUNNING, SB_RUN_STOPPING, SB_RUN_DONE };
enum sb_worker_state {
    SB_WORKER_STARTING = 0, SB_WORKER_READY, SB_WORKER_RUNNING, SB_WORKER_STOPPING,
    SB_WORKER_EXITED, SB_WORKER_KILLED
};

struct sb_header {
    char magic[8];
    uint32_t version;
    uint32_t header_size, slot_size, reqstat_size;
    uint64_t slots_offset, reqstats_offset, file_size;
    uint64_t extra_names_offset, extras_offset;
    uint32_t nworkers, nrequests, nextras;
    int32_t parent_pid;
    _Atomic uint32_t run_state;   /* enum sb_run_state */
    _Atomic int64_t t0_ns;        /* CLOCK_MONOTONIC at release; 0 before */
    _Atomic int64_t end_ns;       /* CLOCK_MONOTONIC when the run ended; 0 before */
    uint64_t planned_clients, ramp_start, rounds;
    int64_t ramp_duration_ns, duration_ns;
    char config_name[256];
    /* A plugin's stampede_stop: the first caller claims stop_claimed, fills in the rest, then
     * publishes stop_by (worker + 1, or SB_STOP_PARENT) for the parent to read. */
    _Atomic uint32_t stop_claimed;
    _Atomic uint32_t stop_by;
    uint32_t stop_failed;
    char stop_plugin[SB_NAME_MAX];
    char stop_reason[256];
    uint64_t checks_offset;
    uint32_t nchecks;
    /* stampede-mpi: this process is rank cluster_rank of cluster_size (both 0 alone); rank 0's
     * scoreboard has a row per rank (nranks = cluster_size), the others none. */
    uint32_t cluster_rank, cluster_size, nranks, rank_size;
    uint64_t ranks_offset;
};

#define SB_STOP_PARENT UINT32_MAX

struct sb_counters {
    _Atomic uint64_t clients_started, clients_active, clients_done;
    _Atomic uint64_t requests_started, requests_ok, requests_failed;
    _Atomic uint64_t bytes_sent, bytes_received;
    _Atomic uint64_t header_count, header_bytes, body_bytes;
    _Atomic uint64_t conn_opened, conn_reused;
    _Atomic uint64_t conn_retried; /* requests sent again on a fresh connection */
    _Atomic uint64_t dns_hits, dns_misses;
    _Atomic uint64_t tls_full, tls_resumed; /* TLS handshakes: full, and resumed sessions */
    _Atomic uint64_t dropped;     /* open model, on_busy = drop: arrivals no client was free for */
    _Atomic uint64_t status_class[6]; /* [0] other, [1] 1xx .. [5] 5xx; 599 counts as errors */
    _Atomic uint64_t errors[ERR_KIND_COUNT];
    _Atomic uint64_t status[SB_STATUS_MAX];
};

/* WebSocket close frames received, by status code: one counter each for 1000 to 1015 (1005:
 * a close frame without a code), one for every other code. */
#define SB_CLOSE_CODE_FIRST 1000u
#define SB_CLOSE_CODES 17u
/* The counter of close code `code`. */
static inline unsigned sb_close_code_slot(unsigned code)
{
    return code >= SB_CLOSE_CODE_FIRST && code < SB_CLOSE_CODE_FIRST + SB_CLOSE_CODES - 1
               ? code - SB_CLOSE_CODE_FIRST
               : SB_CLOSE_CODES - 1;
}
/* The name of counter `slot` in reports: its code ("1001"), or "other" for the last. */
#define SB_CLOSE_NAME_MAX 8
const char *sb_close_code_name(unsigned slot, char buf[SB_CLOSE_NAME_MAX]);

/* Channels (tcp://, tls://, ws:// and wss:// requests), per worker and per request. A channel
 * that failed to open counts in failed and failed_kind; one the peer closed after it opened
 * counts in closed_by_peer, not as a failure. */
struct sb_channels {
    _Atomic uint64_t opened, open_now, closed_by_peer, failed;
    _Atomic uint64_t failed_kind[ERR_KIND_COUNT];
    _Atomic uint64_t messages_sent;     /* whole messages written (first messages too) */
    _Atomic uint64_t messages_received; /* latency markers found in what came back */
    _Atomic uint64_t bytes_sent, bytes_received;
    _Atomic uint64_t close_codes[SB_CLOSE_CODES]; /* see sb_close_code_slot */
    struct hist latency;                /* a marker's message sent to the marker back */
};

struct sb_slot {
    _Atomic int32_t pid;
    _Atomic uint32_t state;       /* enum sb_worker_state */
    _Atomic int32_t exit_code;    /* written by the parent after reaping; -1 before */
    _Atomic int32_t term_signal;  /* 0 or the signal that killed it */
    _Atomic int32_t core_dumped;
    uint32_t pad;
    _Atomic uint64_t clients;     /* planned for this worker */
    struct sb_counters c;
    struct hist latency;          /* request start to last body byte, ok requests */
    struct hist latency_failed;   /* the same for failed ones */
    struct hist connect;          /* connect time of new connections */
    struct hist intended;         /* open model: from the arrival's scheduled time to the end,
                                     every request (ok or failed), as wrk2 counts it */
    /* Generator health, for telling the generator's limits from the server's. */
    struct hist lag;              /* open model: per arrival, how late the worker's loop got to
                                     it (arrivals.c says exactly what counts) */
    _Atomic uint64_t cpu_ns;      /* user + system CPU since the release, from getrusage,
                                     published every 100 ms and at the end */
    /* Per error kind, the reason this worker saw most often and how often: written once, when
     * the worker's loop has ended, for the summary (the viewer does not read it). */
    struct sb_reason {
        uint64_t count;
        char text[SB_REASON_MAX];
    } reasons[ERR_KIND_COUNT];
    struct sb_channels chan;
    /* Sequences: this worker's share of the repetitions and of their steps (one request of a
     * repetition each), and how many are done. planned stays 0 with a rate, where arrivals
     * start repetitions. */
    struct sb_sequences {
        _Atomic uint64_t reps_planned, reps_done, steps_planned, steps_done;
    } seq;
};

/* stampede-mpi: one rank's totals over its workers' slots, what it sends rank 0 once a second
 * and at the end (exact then: every worker has ended). Latency is over the run so far. All
 * 64-bit, so the struct can be walked as an array (sb_rank_store). */
struct sb_rank_totals {
    _Atomic uint64_t workers, clients_planned, clients_started, clients_active;
    _Atomic uint64_t requests_started, requests_ok, requests_failed;
    _Atomic uint64_t bytes_sent, bytes_received, conn_opened;
    _Atomic uint64_t rps_milli;       /* requests done per second over the last interval, x1000 */
    _Atomic uint64_t latency_count, p50_us, p99_us, max_us; /* ok requests */
    _Atomic uint64_t cpu_ns;          /* the workers' user + system CPU */
    _Atomic int64_t elapsed_ns;       /* since the release, when taken */
    _Atomic int64_t started_at_ns;    /* the rank's actual release, on rank 0's wall clock */
};

enum sb_rank_state {
    SB_RANK_WAITING = 0, /* nothing heard from it yet */
    SB_RANK_RUNNING, SB_RANK_STOPPING,
    SB_RANK_DONE,        /* its final, exact totals */
    SB_RANK_LOST         /* it died, or went silent: the totals are its last live ones */
};

struct sb_rank {
    _Atomic uint64_t updates;     /* messages from it so far */
    _Atomic int64_t updated_ns;   /* CLOCK_MONOTONIC on rank 0's host at the last one */
    _Atomic uint32_t state;       /* enum sb_rank_state */
    uint32_t pad;
    char host[SB_HOST_MAX];
    struct sb_rank_totals t;
};

struct sb_reqstat {
    char name[SB_NAME_MAX];
    _Atomic uint64_t count, ok, failed;
    struct hist latency;          /* ok requests */
    struct sb_channels chan;
};

struct scoreboard {
    struct sb_header *hdr;
    size_t size;
    char *path;
};

/* Creates the file (mode 0600, O_EXCL, never through a symlink), sizes and maps it and fills in
 * the header; extra_names are the plugins' counters (nextras of them, may be NULL when 0);
 * nchecks the response checks of every request; nranks the rows for a cluster's ranks (0 but
 * on stampede-mpi's rank 0). Returns 0, or -1 after printing a one-line error. */
int sb_create(struct scoreboard *sb, const char *path, unsigned nworkers, unsigned nrequests,
              unsigned nextras, const char *const *extra_names, unsigned nchecks,
              unsigned nranks);
/* Unmaps, and removes the file unless keep. */
void sb_close(struct scoreboard *sb, int keep);

static inline struct sb_slot *sb_slot(const struct sb_header *h, unsigned w)
{
    return (struct sb_slot *)((char *)h + h->slots_offset + (size_t)w * h->slot_size);
}

static inline struct sb_reqstat *sb_reqstat(const struct sb_header *h, unsigned w, unsigned r)
{
    return (struct sb_reqstat *)((char *)h + h->reqstats_offset +
                                 ((size_t)w * h->nrequests + r) * h->reqstat_size);
}

/* Worker w's counters of check i: [0] passed, [1] failed. */
static inline _Atomic uint64_t *sb_check(const struct sb_header *h, unsigned w, unsigned i)
{
    return (_Atomic uint64_t *)((char *)h + h->checks_offset) + ((size_t)w * h->nchecks + i) * 2;
}

static inline struct sb_rank *sb_rank(const struct sb_header *h, unsigned r)
{
    return (struct sb_rank *)((char *)h + h->ranks_offset + (size_t)r * h->rank_size);
}

static inline const char *sb_extra_name(const struct sb_header *h, unsigned i)
{
    return (const char *)h + h->extra_names_offset + (size_t)i * SB_NAME_MAX;
}

static inline _Atomic uint64_t *sb_extra(const struct sb_header *h, unsigned w, unsigned i)
{
    return (_Atomic uint64_t *)((char *)h + h->extras_offset) + (size_t)w * h->nextras + i;
}

/* The single-writer increment: a relaxed load and store, no locked instruction. */
static inline void sb_add(_Atomic uint64_t *c, uint64_t n)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static inline uint64_t sb_get(const _Atomic uint64_t *c)
{
    return atomic_load_explicit((_Atomic uint64_t *)c, memory_order_relaxed);
}

/* Records that plugin `plugin` stops the run (who: worker + 1, or SB_STOP_PARENT). Only the
 * first call of a run is kept; returns 1 for it, 0 for later ones. */
int sb_stop_request(struct sb_header *h, uint32_t who, int failed, const char *plugin,
                    const char *reason);
/* Who stopped the run (0: nobody, else as given to sb_stop_request). */
static inline uint32_t sb_stopped_by(const struct sb_header *h)
{
    return atomic_load_explicit(&((struct sb_header *)h)->stop_by, memory_order_acquire);
}

/* dst += src for channel counters and histogram (dst is usually a local copy). */
void sb_channels_add(struct sb_channels *dst, const struct sb_channels *src);

/* dst = src, field by field with relaxed atomics (either may be in the scoreboard). */
void sb_rank_totals_copy(struct sb_rank_totals *dst, const struct sb_rank_totals *src);

/* dst += src, field by field (dst is usually a local copy). */
void sb_counters_add(struct sb_counters *dst, const struct sb_counters *src);

#endif
