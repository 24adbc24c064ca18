/* mpi_run: stampede-mpi, one run over the ranks of an MPI job (mpirun, srun).
 *
 * Rank r of R runs segment r of R of the run (segment.h): its `workers` are the run's workers
 * r*W .. r*W + W - 1, so R ranks load the target exactly as one process of R*W workers would.
 * MPI and fork(): every rank forks its workers BEFORE MPI_Init, reading its rank and the size
 * from the launcher's environment; MPI_Init comes once the workers are ready, and checks that
 * MPI agrees. After MPI_Init the process forks nothing.
 *
 * Then: the configurations are compared (segment_run_id), the ranks meet at a barrier, each
 * measures its clock's offset to rank 0's, and rank 0 broadcasts T0, a wall-clock moment each
 * rank releases at, corrected by its offset. At the end every rank's --json document goes to
 * rank 0, which merges them as `stampede merge` does, prints the one summary and writes the
 * --json; every rank exits with the same status. */
#ifndef STAMPEDE_MPI_RUN_H
#define STAMPEDE_MPI_RUN_H

#include <stddef.h>

#include "config.h"

/* This rank's segment as a -D value, "run.segment=RANK/SIZE", in buf, from the launcher's
 * environment (Open MPI, PMI, Slurm). Returns 0, or -1 after a message (none of them). */
int mpi_run_segment_define(char *buf, size_t len);

/* Runs cfg as this rank's part of the run. Returns the exit status, the same on every rank.
 * cfg NULL: this rank could not load its configuration (failed_status); it still meets the
 * others, so that they stop before any load too. */
int mpi_run(struct config *cfg, int failed_status);

#endif
