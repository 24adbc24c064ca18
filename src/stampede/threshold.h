/* threshold: the lines of [thresholds], k6's pass/fail criteria of a run, such as
 *   p99 < 250ms    p95{request=login} <= 100ms    failed < 1%    rps > 1000    checks > 99.9%
 * parsed once with the configuration (verdict.c measures them at the end of the run). */
#ifndef STAMPEDE_THRESHOLD_H
#define STAMPEDE_THRESHOLD_H

#include <stddef.h>

enum threshold_metric {
    TH_LATENCY,   /* pN, max, min, mean of ok requests' latency */
    TH_INTENDED,  /* intended_pN: the open model's latency from each arrival's due time */
    TH_FAILED,    /* failed requests, a share ("1%") or a count */
    TH_REQUESTS,  /* completed requests */
    TH_RPS,       /* completed requests per second */
    TH_CHECKS,    /* share of check results that passed */
};
enum threshold_stat { TH_PERCENTILE, TH_MAX, TH_MIN, TH_MEAN };
enum threshold_op { TH_LT, TH_LE, TH_GT, TH_GE };
enum threshold_unit { TH_NS, TH_PERCENT, TH_COUNT, TH_PER_SECOND };

struct threshold {
    char *expr;         /* the line, trimmed, as the summary shows it */
    enum threshold_metric metric;
    enum threshold_stat stat;  /* TH_LATENCY, TH_INTENDED */
    double percentile;         /* TH_PERCENTILE: 99.9 for p99.9 */
    long request;              /* index of {request=NAME}, or -1 for the whole run */
    enum threshold_op op;
    enum threshold_unit unit;  /* of bound and of the measured value */
    double bound;
};

/* What a line may refer to. */
struct threshold_context {
    const char *const *requests; /* the request names, nrequests of them */
    size_t nrequests;
    int open_model;              /* intended_pN needs a rate or a schedule */
    int have_checks;             /* checks needs some expect_* key */
};

/* Parses one line into *t. Returns 0, or -1 with a message in err (the caller prefixes
 * "FILE:LINE: "). */
int threshold_parse(const char *line, const struct threshold_context *ctx, struct threshold *t,
                    char *err, size_t len);
void threshold_free(struct threshold *t);

/* Whether value passes t's comparison. */
int threshold_holds(const struct threshold *t, double value);

/* "<", "<=", ">", ">=". */
const char *threshold_op_text(enum threshold_op op);

#endif
