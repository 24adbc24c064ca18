/* top_fmt: short numbers for narrow columns: counts exact while they fit, rates and byte rates
 * with a unit suffix, durations as the summary writes them. Each writes into buf and returns
 * it. */
#ifndef STAMPEDE_TOP_FMT_H
#define STAMPEDE_TOP_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Exact when it has at most width characters, else 12.3k / 4.56M / 7.89G. */
const char *top_fmt_count(uint64_t v, int width, char *buf, size_t len);
/* Per second: one decimal below 10000, then k / M / G. */
const char *top_fmt_rate(double v, char *buf, size_t len);
/* Bytes (or bytes per second): 950, 12.3K, 1.20M, 3.40G (powers of 1024). */
const char *top_fmt_bytes(double v, char *buf, size_t len);
/* Seconds of a run: 9.8s, 2m05s, 1h02m03s. */
const char *top_fmt_elapsed(double s, char *buf, size_t len);

#endif
