/* top_prom: stampede-top --prometheus: any run's scoreboard served read-only at /metrics, with
 * no screen, for a run started without --prometheus or watched from another machine's
 * Prometheus. */
#ifndef STAMPEDE_TOP_PROM_H
#define STAMPEDE_TOP_PROM_H

#include <signal.h>

#include "top_sb.h"

/* Serves until *quit is set (by a signal) or, with exit_when_done, until the run is over.
 * Returns the exit status: 0, or 2 when the address cannot be listened on. */
int top_prom_serve(const struct top_sb *sb, const char *addr, int exit_when_done,
                   volatile sig_atomic_t *quit);

#endif
