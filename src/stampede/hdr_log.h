/* hdr_log: the run's latencies as an HdrHistogram interval log (--hdr-log FILE), the format
 * HdrHistogram's HistogramLogWriter writes and HistogramLogProcessor, HdrHistogram_c and the
 * plotting tools read:
 *   #[Histogram log format version 1.3]
 *   #[StartTime: 1764501279.474 (seconds since epoch), Mon Nov 30 11:14:39 UTC 2026]
 *   #[BaseTime: 1764501279.474 (seconds since epoch)]
 *   "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
 *   Tag=service,0.000,1.000,0.412,HISTFAAAA...
 * one line per interval and tag: "service" (the latency of ok requests, as latency_us in the
 * JSON) and, in the open model, "intended" (latency_intended_us). Timestamps are seconds since
 * BaseTime (the release); histogram values are microseconds; Interval_Max is in milliseconds.
 * The parent writes it from the scoreboard: each interval is the workers' histograms summed,
 * minus the previous sum, so the intervals add up to the summary's counts exactly. */
#ifndef STAMPEDE_HDR_LOG_H
#define STAMPEDE_HDR_LOG_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "scoreboard.h"

enum { HDR_TAG_SERVICE, HDR_TAG_INTENDED, HDR_NTAGS };

struct hdr_log {
    const char *path;
    FILE *f;               /* NULL: no log */
    unsigned ntags;        /* 1, or 2 with "intended" */
    struct hist *prev[HDR_NTAGS]; /* the sums at the end of the last interval */
    struct hist *now, *diff;      /* scratch */
    int64_t t0_ns, last_ns; /* CLOCK_MONOTONIC of the release and of the last interval's end */
    int failed;            /* a write failed: said once */
};

/* Before the run: creates or empties path (0600, never through a symbolic link). intended:
 * the open model's second tag. 0, or -1 after a one-line message. */
int hdr_log_create(struct hdr_log *l, const char *path, int intended);
/* At the release: the header lines. */
void hdr_log_start(struct hdr_log *l, const struct timespec *wall, int64_t t0_ns);
/* The interval from the last one's end to now_ns, one line per tag. */
void hdr_log_interval(struct hdr_log *l, const struct sb_header *h, int64_t now_ns);
/* Flushes and closes; 0, or -1 when any write failed (said once). Safe when never created. */
int hdr_log_close(struct hdr_log *l);

#endif
