/* units: durations ("250ms", "1.5s", "2m") and counts ("10k", "2M") as users write them. */
#ifndef STAMPEDE_UNITS_H
#define STAMPEDE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Parses a duration into nanoseconds. Units: ns, us, ms, s, m, h; a bare number is seconds.
 * Fractions are allowed ("1.5s"). Negative values and trailing garbage are errors.
 * Returns 0 on success, -1 on error. */
int units_parse_duration(const char *s, int64_t *ns);

/* Parses a non-negative count with an optional suffix k (10^3), M (10^6) or G (10^9).
 * Returns 0 on success, -1 on error (garbage, negative, fraction, overflow). */
int units_parse_count(const char *s, uint64_t *out);

/* Parses a bandwidth as tcpkali writes it: a number (fractions allowed), an optional k, M or G
 * (powers of 1000), then bps (bits per second) or Bps (bytes per second): "100kbps", "1.5MBps".
 * Stores bytes per second, from 1 to 10^12. Returns 0, or -1 on error. */
int units_parse_bandwidth(const char *s, uint64_t *bytes_per_s);

/* Formats ns as a short human duration ("1.50s", "250ms", "35us") into buf. */
const char *units_format_duration(int64_t ns, char *buf, unsigned len);

/* The same from microseconds (a histogram's unit); beyond INT64_MAX ns it clamps. */
const char *units_format_us(double us, char *buf, size_t len);

/* v in steps of base (1000 or 1024) with suffix[step] after it, three significant digits past
 * the first step: 950, 12.3k, 1.20M. Negative values and NaN are 0. */
const char *units_format_scaled(double v, unsigned base, const char *const suffix[7], char *buf,
                                size_t len);

/* An amount of bytes for a sentence, three significant digits in powers of 1024: "950 B",
 * "12.3 KiB", "1.20 MiB", "176 MiB". */
const char *units_format_bytes(double bytes, char *buf, size_t len);

#endif
