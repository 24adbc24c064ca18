/* regress: the sequences' regression data (--regress FILE), as the ApacheBench Perl API
 * returns it. A worker keeps the first bytes of each response of a step (the header block and
 * up to filesize bytes in all) and writes one JSON line per finished step to FILE.wN; the
 * parent merges the workers' lines into FILE once they have exited (regress_merge.c). Nothing
 * of it runs without --regress. */
#ifndef STAMPEDE_REGRESS_H
#define STAMPEDE_REGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "errkind.h"

struct worker;
struct client;

/* Before the barrier: FILE.wN and a buffer per client of the pool. Returns 0 or -1. */
int regress_open(struct worker *w);
/* Bytes of the response in flight of c, as they arrive. */
void regress_keep(struct client *c, const char *data, size_t n);
/* c's step ended: one line of the worker's file. rep is the run's repetition number. */
void regress_record(struct client *c, uint64_t rep, int status, enum errkind kind,
                    int64_t latency);
/* Flushes and closes the worker's file. Returns 0, or -1 when it could not be written. */
int regress_close(struct worker *w);

/* The parent, after the workers: merges FILE.wN of every worker into FILE and removes them.
 * Returns 0, or -1 after a message. */
int regress_merge(const struct config *cfg);
/* The parent, before the workers: checks that FILE can be written. Returns 0, or -1 after a
 * message. */
int regress_check(const struct config *cfg);

#endif
