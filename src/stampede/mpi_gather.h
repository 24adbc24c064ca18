/* mpi_gather: stampede-mpi's --gather, one whole --trace or --phout file on rank 0's machine.
 *
 * Each rank writes its own PATH.rankN where it runs; with [run] gather, rank 0 also writes
 * PATH: its own file, then every other rank's in rank order, streamed over MPI in chunks, with
 * the leading '#' lines (the trace's column names) kept from rank 0's file only. A trace's
 * worker column is the worker's number in the whole run, so the lines stay unambiguous. */
#ifndef STAMPEDE_MPI_GATHER_H
#define STAMPEDE_MPI_GATHER_H

/* Every rank calls it at the same point: OWN is this rank's file, OUT the whole one (written on
 * rank 0 only); OPTION names them in messages. Returns 0, or -1 on every rank when rank 0 could
 * not write OUT whole (after a message). */
int mpi_gather_file(int rank, int size, const char *option, const char *own, const char *out);

#endif
