/* parent: the process the user started. It creates the scoreboard, forks the workers, holds
 * them at the barrier, releases them together, supervises them (signals, crashes, the duration)
 * and reports when the last one is gone. */
#ifndef STAMPEDE_PARENT_H
#define STAMPEDE_PARENT_H

#include "config.h"

/* Runs the whole load. Returns the process exit status: 0 done, 1 a worker or output failed,
 * 130 interrupted. */
int parent_run(const struct config *cfg);

#endif
