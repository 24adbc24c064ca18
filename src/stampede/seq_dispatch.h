/* seq_dispatch: the [sequence NAME] scheduler of a worker (the ApacheBench Perl API's runs).
 * The worker's clients are the slots: a client is handed one step of one repetition, sends it
 * as any request, and comes back. What is ready to be sent, and in which order, is decided
 * here:
 *   breadth_first  every repetition of step k is ready at once; step k+1 becomes ready when
 *                  every repetition's step k has been answered;
 *   depth_first    a repetition's next step is ready when its previous one has been answered,
 *                  and `parallel` repetitions walk at once;
 *   equal_opportunity  the next request sent is the one that became ready first, whichever
 *                  sequence it is of (a first-in, first-out line over all sequences);
 *   run_priority   the next request sent is of the first sequence (in file order) that has one.
 * With several workers, repetition r of every sequence belongs to worker r mod N, which runs
 * the same rules over its own repetitions. In the open model ([run] rate), an arrival starts
 * one repetition that its client walks depth first. */
#ifndef STAMPEDE_SEQ_DISPATCH_H
#define STAMPEDE_SEQ_DISPATCH_H

#include <stdint.h>

#include "errkind.h"

struct worker;
struct client;

/* Before the barrier: the worker's repetitions, the Cookie variants of the requests. Nothing
 * without sequences. Returns 0 or -1. */
int seq_prepare(struct worker *w);
void seq_release(struct worker *w);
/* The closed model, at T0: hands the first ready steps to clients. */
void seq_start(struct worker *w);
/* From the client's iterator once its last request (and postdelay) is over: the request index
 * of c's next step, or -1 when c has none now (it is then given back: seq_client_free, or
 * arrivals_client_free in the open model). */
int seq_next_request(struct client *c);
/* The closed model: c has no step and may take the next one ready. */
void seq_client_free(struct worker *w, struct client *c);
/* A request of a step ended (for the regression data). */
void seq_request_end(struct client *c, int status, enum errkind kind, int64_t latency);

#endif
