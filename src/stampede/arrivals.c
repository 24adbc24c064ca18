/* arrivals: the open model's dispatch. The queue of waiting arrivals costs no memory: arrivals
 * are served in order, so those waiting are exactly the ones from arr_next up to now in the
 * timetable, and each one's intended time is recomputed from its number when a client takes
 * it. The pool's clients are set up when first needed, so memory follows the load.
 *
 * Generator lag (slot->lag), per arrival: from the moment it could have been handled to the
 * moment this loop got to it. That moment is its due time (on the timetable's tick), or, when
 * it waited for a free client (on_busy = queue), the moment a client was freed: waiting for a
 * client is the server's doing and shows in `intended`, not here. What is left is the
 * worker's own delay: a timer that fired late, a loop busy with other callbacks, a batch cut
 * short. */
#include "arrivals.h"

#include <event2/event.h>
#include <math.h>
#include <stdlib.h>

#include "client.h"
#include "ramp.h"
#include "schedule.h"
#include "worker.h"

/* At most this many arrivals are handed out in one pass of the loop, so that I/O, signals and
 * the end of the run are not kept waiting behind a burst (as on_ramp does for clients). */
#define ARRIVALS_BATCH 256

/* Poisson: the gap to this worker's next arrival, in arrivals of the whole run (fixed point):
 * the worker sees 1/N of the run's arrivals, so its gaps are N times an Exp(1) draw. */
static uint64_t poisson_gap(struct worker *w)
{
    double u = ((double)rng_next(&w->arr_rng) + 1.0) / 4294967296.0; /* (0, 1] */
    double gap = -log(u) * (double)w->nworkers * (double)(1ULL << SCHEDULE_FRAC_BITS);
    return gap < 1.0 ? 1 : gap > 9e18 ? (uint64_t)9e18 : (uint64_t)gap;
}

/* Moves to the worker's next arrival: sets arr_due_ns, or arr_done when there is none. */
static void arrivals_advance(struct worker *w)
{
    const struct schedule *s = w->cfg->schedule;
    w->arr_lag_seen = 0;
    if (w->cfg->arrivals == ARRIVALS_POISSON) {
        uint64_t end = s->total << SCHEDULE_FRAC_BITS;
        uint64_t gap = poisson_gap(w);
        if (w->arr_pos >= end || gap >= end - w->arr_pos) {
            w->arr_done = 1;
            return;
        }
        w->arr_pos += gap;
        w->arr_due_ns =
            w->t0 + schedule_on_tick(s, schedule_position_ns(s, w->arr_pos), w->cfg->tick_ns);
        w->arr_number = ramp_client_number(w->nworkers, w->run_index, w->arr_next++);
        return;
    }
    uint64_t i = ramp_client_number(w->nworkers, w->run_index, w->arr_next);
    if (i >= s->total) {
        w->arr_done = 1;
        return;
    }
    w->arr_due_ns = w->t0 + schedule_on_tick(s, schedule_arrival_ns(s, i), w->cfg->tick_ns);
    w->arr_number = i;
    w->arr_next++;
}

/* Records the current arrival's lag, once, the first time the loop reaches it when due. */
static void arrivals_record_lag(struct worker *w, int64_t now)
{
    if (w->arr_lag_seen)
        return;
    int64_t from = w->arr_due_ns > w->arr_free_ns ? w->arr_due_ns : w->arr_free_ns;
    hist_record(&w->slot->lag, now > from ? (uint64_t)(now - from) : 0);
    w->arr_lag_seen = 1;
}

/* A free client: the last one freed (its connection is the warmest), or a new one: of the
 * pool of `clients` first, then, as k6's ramping-arrival-rate does, one more at a time up to
 * max_clients. NULL when all are busy, or a client could not be set up (the run then stops). */
static struct client *arrivals_take_client(struct worker *w)
{
    if (w->nidle)
        return w->idle[--w->nidle];
    if (w->next_start == w->pool_max)
        return NULL;
    return worker_setup_client(w);
}

/* Serves every arrival that is due and has a client (dropping those without one under
 * on_busy = drop), then sleeps until the next one. With on_busy = queue and every client busy
 * it returns without a timer: the next client freed calls it again. */
static void arrivals_pump(struct worker *w)
{
    int64_t now = now_ns();
    /* [run] requests still counts: its share begun, no arrival is served */
    for (unsigned batch = 0; !w->arr_done && w->requests_left && !w->stopping; batch++) {
        if (w->arr_due_ns > now || batch == ARRIVALS_BATCH) {
            struct timeval tv = timeval_of_ns(w->arr_due_ns > now ? w->arr_due_ns - now : 0);
            event_add(w->arrival_timer, &tv);
            return;
        }
        arrivals_record_lag(w, now);
        struct client *c = arrivals_take_client(w);
        if (w->stopping)
            return;
        if (!c && w->cfg->on_busy == ON_BUSY_QUEUE) {
            w->arr_blocked = 1;
            return;
        }
        int64_t due = w->arr_due_ns;
        uint64_t number = w->arr_number;
        arrivals_advance(w);
        if (!c) {
            sb_add(&w->slot->c.dropped, 1);
            continue;
        }
        w->arr_busy++;
        client_serve(c, due, number);
    }
    /* the schedule is over: the run ends when the last request does */
    if ((w->arr_done || !w->requests_left) && w->arr_busy == 0 && !w->stopping)
        worker_stop_here(w);
}

static void on_arrival(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    arrivals_pump(arg);
}

void arrivals_client_free(struct worker *w, struct client *c)
{
    w->idle[w->nidle++] = c;
    w->arr_busy--;
    if (w->stopping)
        return;
    int64_t now = now_ns();
    if (w->arr_blocked) { /* the arrivals waiting from here on owe their delay to the loop */
        w->arr_blocked = 0;
        w->arr_free_ns = now;
    }
    /* through the loop, not by recursion: the client is still inside its own callback */
    if (w->arr_done || !w->requests_left ? w->arr_busy == 0 : w->arr_due_ns <= now) {
        struct timeval tv = {0, 0};
        event_add(w->arrival_timer, &tv);
    }
}

int arrivals_prepare(struct worker *w)
{
    if (!w->cfg->schedule)
        return 0;
    /* a stream of its own, apart from the clients' (stream numbers count up from 0) */
    rng_seed(&w->arr_rng, w->cfg->seed, UINT64_MAX - w->run_index);
    w->idle = calloc(w->pool_max ? w->pool_max : 1, sizeof(*w->idle));
    w->arrival_timer = evtimer_new(w->base, on_arrival, w);
    return w->idle && w->arrival_timer ? 0 : -1;
}

void arrivals_release(struct worker *w)
{
    free(w->idle);
    if (w->arrival_timer)
        event_free(w->arrival_timer);
}

void arrivals_start(struct worker *w)
{
    arrivals_advance(w);
    arrivals_pump(w);
}

/* The run ends: the arrivals that were due by then and not sent (waiting for a client, or not
 * yet reached by the loop) are dropped, and counted, so that requests sent + dropped is every
 * arrival of the timetable up to the end. Those after the end (a shorter duration, a stop
 * signal) were never due. Before arrivals_start (arr_due_ns still 0) nothing was due. */
static void arrivals_drop_waiting(struct worker *w)
{
    int64_t end = now_ns();
    if (w->cfg->duration_ns > 0 && w->t0 + w->cfg->duration_ns < end)
        end = w->t0 + w->cfg->duration_ns;
    uint64_t n = 0;
    /* [run] requests: what is past this worker's share would not have been sent anyway */
    while (w->arr_due_ns && !w->arr_done && n < w->requests_left && w->arr_due_ns < end) {
        n++;
        arrivals_advance(w);
    }
    sb_add(&w->slot->c.dropped, n);
    w->arr_done = 1;
}

void arrivals_stop(struct worker *w)
{
    if (!w->arrival_timer)
        return;
    event_del(w->arrival_timer);
    arrivals_drop_waiting(w);
}
