/* schedule: the open model's timetable of arrivals. A schedule is a list of segments in
 * Phantom's notation (const, line, step); arrival i of the whole run has one exact time in
 * integer nanoseconds from T0, computed from its segment's formula, never by adding intervals,
 * so an hour-long run does not drift. Workers split arrivals as they split clients: arrival i
 * belongs to worker i mod N (see ramp.h). */
#ifndef STAMPEDE_SCHEDULE_H
#define STAMPEDE_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#define SCHEDULE_MAX_RATE 10000000u              /* 10M/s: keeps the formulas in 128 bits */
#define SCHEDULE_MAX_SEGMENT_NS (7 * 86400 * 1000000000LL) /* a week */
#define SCHEDULE_MAX_SEGMENTS 4096

/* One segment: the rate goes linearly from `from` to `to` (requests per second) over dur_ns;
 * const is from == to. Its arrivals are numbered first .. first + count - 1. */
struct schedule_segment {
    uint64_t from, to;
    int64_t dur_ns;
    int64_t start_ns;      /* from T0 */
    uint64_t first, count;
};

struct schedule {
    struct schedule_segment *segs;
    size_t nsegs;
    uint64_t total;        /* arrivals over the whole schedule */
    int64_t duration_ns;   /* the schedule's end, from T0 */
    int64_t *plan_ns;      /* an explicit timetable (an stpd plan): arrival i at plan_ns[i];
                              then segs is empty. NULL: the segments' formulas */
};

/* Parses "line(1, 20k, 60s) const(20k, 5m) step(10, 50, 10, 30s)". Rates are whole counts per
 * second (units_parse_count: 20k), durations as units_parse_duration. Returns 0, or -1 with a
 * one-line message in err that names the character where the text went wrong (1-based). */
int schedule_parse(const char *text, struct schedule *s, char *err, size_t len);
/* The schedule of [run] rate: one constant segment. Returns 0, or -1 (no memory). */
int schedule_init_const(struct schedule *s, uint64_t rate, int64_t dur_ns);
/* The schedule of an explicit plan: n arrival times from T0, in order (taken: freed by
 * schedule_free); it ends at end_ns. */
void schedule_init_plan(struct schedule *s, int64_t *plan_ns, uint64_t n, int64_t end_ns);
void schedule_free(struct schedule *s);

/* How many arrivals a segment has: ceil of the integral of its rate over its duration. */
uint64_t schedule_segment_count(uint64_t from, uint64_t to, int64_t dur_ns);
/* The time of arrival i (i < total) from T0: the first nanosecond t at which the integral of
 * the rate from its segment's start reaches i - first. */
int64_t schedule_arrival_ns(const struct schedule *s, uint64_t i);
/* The same for a fractional position x = num / 2^SCHEDULE_FRAC_BITS arrivals, for Poisson
 * arrivals (x < total). */
#define SCHEDULE_FRAC_BITS 20
int64_t schedule_position_ns(const struct schedule *s, uint64_t num);
/* t rounded up to a whole number of ticks ([run] tick; 0 leaves it as it is). Arrivals due on
 * one tick leave together, one wakeup for them all, and every tick still holds exactly the
 * arrivals whose exact times fall in it, so no rate drifts. An arrival never leaves the
 * schedule's span: one that would round up to its end (or past it) keeps its exact time. */
int64_t schedule_on_tick(const struct schedule *s, int64_t t, int64_t tick);

#endif
