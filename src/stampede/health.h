/* health: whether the generator itself may have limited a run. A late schedule or a worker at
 * the end of its core means the figures describe stampede, not the server. */
#ifndef STAMPEDE_HEALTH_H
#define STAMPEDE_HEALTH_H

#include <stddef.h>
#include <stdint.h>

/* Past these, the summary warns: an arrival 1 ms late already shows in a fast server's
 * latencies, and a worker above 90 % of a core has no room left for bursts. */
#define HEALTH_LAG_P99_US 1000
#define HEALTH_CPU_PERCENT 90.0

/* CPU time as a percentage of one core over `seconds` of wall time (0 when seconds is not
 * positive). */
double health_cpu_percent(uint64_t cpu_ns, double seconds);

/* Applies the rule: lag_p99_us counts only when have_lag (a rate was set). Returns 1 when the
 * generator may have limited the run, with the figures that say so in why ("lag p99 2.1ms;
 * worker 1 at 97% of a core"); 0 otherwise, why empty. */
int health_check(int have_lag, uint64_t lag_p99_us, const double *cpu_percent, unsigned nworkers,
                 char *why, size_t len);

#endif
