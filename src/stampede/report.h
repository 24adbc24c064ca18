/* report: the end-of-run summary, merged from every worker's scoreboard slot, printed for people
 * on stdout and written as JSON with --json. */
#ifndef STAMPEDE_REPORT_H
#define STAMPEDE_REPORT_H

#include <stdio.h>
#include <time.h>

#include "config.h"
#include "scoreboard.h"

struct verdicts;

struct summary_request {
    const char *name;
    uint64_t count, ok, failed;
    struct hist *latency;
};

struct summary_worker {
    int pid;
    uint64_t clients, requests;
    int exit_code, signal, core;
};

/* Which part of which run the summary is (segment.h): index 0 of 1 for a whole run. */
struct summary_segment {
    unsigned index, count;
    uint64_t run_id;
    unsigned workers;      /* each segment's */
};

struct summary {
    struct sb_counters c;  /* totals over workers */
    struct hist *latency, *latency_failed, *connect, *intended; /* latency: ok requests only */
    struct hist *lag;      /* the generator's schedule lag, every worker (open model) */
    char *reasons[ERR_KIND_COUNT];         /* each kind's most frequent reason, or NULL */
    uint64_t reason_counts[ERR_KIND_COUNT];
    struct summary_request *requests;
    size_t nrequests;
    struct summary_worker *workers;
    unsigned nworkers;
    double *cpu_percent;   /* per worker, of one core over the run */
    const char **extra_names; /* the plugins' counters ("plugin.counter") and totals */
    uint64_t *extras;
    unsigned nextras;
    uint64_t planned_clients; /* clients started are in c.clients_started */
    uint64_t clients_grown;   /* the open model: started past each worker's pool */
    uint64_t scheduled;    /* open model: arrivals due by the end on this process's share of
                              the timetable (report_arrivals_due, split as segment_share) */
    uint64_t max_clients;  /* open model: this process's share of [run] max_clients */
    struct summary_segment segment;
    const unsigned char *covers; /* stampede merge: which of the segment.count segments are
                               added up here; NULL: segment.index alone */
    double duration_s;     /* T0 to the end of the last worker */
    double rps;            /* completed requests per second */
    uint64_t seed;
    int interrupted;
    const char *config_name;
    const struct config *cfg;  /* what ran: its file and URLs, for the JSON */
    struct timespec started;   /* wall clock at T0 */
    /* a plugin's stampede_stop (stopped_by NULL without one); strings point into the
     * scoreboard */
    const char *stopped_by, *stop_reason;
    int stop_worker;       /* -1: in the parent */
    int stop_failed;
    struct sb_channels *channels;             /* totals (report_channels.c) */
    struct sb_channels **channels_by_request; /* one per request */
    const struct verdicts *verdicts; /* checks and thresholds (verdict.h); NULL: none */
};

/* Merges the scoreboard into s. Returns -1 when out of memory. */
int report_collect(struct summary *s, const struct sb_header *h);
void report_free(struct summary *s);
void report_print(FILE *f, const struct summary *s);
/* Opens (creates or empties) the JSON output before the run, so that a path that cannot be
 * written stops stampede before any load. Returns the fd, or -1 after printing one line. */
int report_open_json(const char *path);
/* The JSON's "segment" object and its comma: what stampede merge needs besides the figures. */
void report_json_segment(FILE *f, const struct summary *s);
/* Writes the JSON summary to fd (and closes it); returns -1 after printing a one-line error. */
int report_write_json(int fd, const char *path, const struct summary *s);

#endif
