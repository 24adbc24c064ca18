/* verdict: the run's checks and thresholds at its end: each check's passes and failures per
 * request, merged from the workers' scoreboard rows, and each [thresholds] line measured
 * against the summary, for the summary's "checks" and "thresholds" parts, the JSON and the
 * exit status (3 when a threshold failed). */
#ifndef STAMPEDE_VERDICT_H
#define STAMPEDE_VERDICT_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "scoreboard.h"

struct summary;

struct verdict_check {
    const char *request, *key, *text; /* point into the config */
    size_t req;                        /* the request's index */
    uint64_t passed, failed;
};

struct verdict_threshold {
    const struct threshold *t;
    double value;       /* in the threshold's unit (nanoseconds for latencies) */
    int measured;       /* 0: nothing to measure (no ok request for a percentile, ...) */
    int passed;         /* a threshold with nothing to measure fails */
};

struct verdicts {
    struct verdict_check *checks;
    size_t nchecks;
    struct verdict_threshold *thresholds;
    size_t nthresholds;
    size_t failed;      /* thresholds that did not hold */
};

/* Merges the check counters of h and measures cfg's thresholds on s. -1: out of memory. */
int verdicts_collect(struct verdicts *v, const struct config *cfg, const struct sb_header *h,
                     const struct summary *s);
/* Measures thresholds t[0..n-1] on s and v's checks into v->thresholds (room for n).
 * verdicts_collect does it for a run; stampede merge for the merged segments. */
void verdicts_measure(struct verdicts *v, const struct threshold *t, size_t n,
                      const struct summary *s);
void verdicts_free(struct verdicts *v);
/* The summary's "checks" and "thresholds" parts (nothing when there are none). */
void verdicts_print(FILE *f, const struct verdicts *v);
/* "checks":[...],"thresholds":[...], each line ending with ",\n". */
void verdicts_json(FILE *f, const struct verdicts *v);

#endif
