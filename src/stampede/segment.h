/* segment: one part of a run split over several stampede processes (--segment I/N), which
 * separate hosts or a Kubernetes indexed Job start; `stampede merge` adds their results up.
 *
 * Segment I of N runs the global workers I*W .. I*W + W - 1 of a run of N*W workers (W is
 * each process's `workers`), so clients and arrivals split over the segments' workers exactly
 * as one process of N*W workers splits them (ramp.h). --start-at gives separately started
 * segments one T0, a wall-clock moment; a run identity lets merge refuse files of other runs. */
#ifndef STAMPEDE_SEGMENT_H
#define STAMPEDE_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define SEGMENT_MAX_COUNT 65536
/* --start-at up to this much in the past starts at once, keeping T0 at the given moment (a
 * segment a little late catches up on the shared timetable); more is an error. */
#define SEGMENT_START_LATE_MAX_NS INT64_C(1000000000)

/* "I/N", 0 <= I < N <= SEGMENT_MAX_COUNT. Returns 0, or -1 with a message in err. */
int segment_parse(const char *text, unsigned *index, unsigned *count, char *err, size_t len);

/* A wall-clock time as nanoseconds since the epoch (CLOCK_REALTIME): RFC 3339
 * ("2026-11-30T12:00:00Z", "2026-11-30T13:00:00.250+01:00") or "@SECONDS[.FRACTION]".
 * Returns 0, or -1 with a message in err. */
int segment_parse_time(const char *text, int64_t *ns, char *err, size_t len);

/* This process's share of `total` things numbered over the whole run and split by worker
 * number (clients, arrivals, requests): those whose number mod the run's workers is one of its
 * workers'. total itself without segments. */
uint64_t segment_share(const struct config *c, uint64_t total);

/* CLOCK_REALTIME now, in nanoseconds since the epoch. */
int64_t segment_wall_now_ns(void);

/* The run's identity: a hash of everything that makes two segments parts of one run (the
 * requests, the load's shape, the seed, workers and the segment count), not of when or where
 * they ran nor of their outputs. */
uint64_t segment_run_id(const struct config *c);

#endif
