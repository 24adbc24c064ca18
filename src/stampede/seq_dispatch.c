/* seq_dispatch: the sequences' slot scheduler (see seq_dispatch.h for the rules). Each
 * sequence keeps its steps that are ready to be sent, each stamped with a ticket from one
 * counter of the worker: equal_opportunity takes the ready step with the lowest ticket over
 * all sequences, run_priority the oldest one of the first sequence that has any. A
 * breadth_first step makes all its repetitions ready at once, with consecutive tickets, so it
 * is kept as a range (no memory per repetition); depth_first keeps a ring of at most
 * `parallel` ready steps.
 * Clients come back through the loop (a zero timer), never by recursion from their own
 * callbacks. */
#include "seq_dispatch.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "http_request.h"
#include "ramp.h"
#include "regress.h"
#include "session.h"
#include "worker.h"

struct seq_ready {
    uint64_t rep;    /* this worker's repetition number */
    uint32_t step;
    uint64_t ticket;
};

struct seq_state {
    const struct sequence_spec *spec;
    uint64_t nreps;            /* this worker's repetitions */
    uint64_t parallel;         /* depth_first: its share of the repetitions at once */
    uint32_t step;             /* breadth_first: the step being sent */
    uint64_t step_done;        /* ... how many of its repetitions have been answered */
    uint64_t next_rep;         /* ... the next repetition to send */
    uint64_t first_ticket;     /* ... the ticket of its repetition 0 */
    uint64_t begun;            /* depth_first: repetitions started */
    uint64_t finished;         /* repetitions walked to their end */
    uint64_t count;            /* ready steps */
    struct seq_ready *ring;    /* depth_first: the ready steps */
    uint64_t cap, head;
    struct wire *wires;        /* with cookies: cookie c, step k at c * nsteps + k */
    struct session *sessions;  /* closed model, with sessions: one per repetition */
};

struct seq_run {
    struct seq_state *s;
    size_t n;
    uint64_t ticket;
    uint64_t left;             /* repetitions not yet finished, over all sequences */
    uint64_t busy;             /* clients with a step */
    struct client **idle;
    uint64_t nidle;
    struct event *pump;
};

static void ready_push(struct seq_run *r, struct seq_state *s, uint64_t rep, uint32_t step)
{
    struct seq_ready *e = &s->ring[(s->head + s->count++) % s->cap];
    e->rep = rep;
    e->step = step;
    e->ticket = r->ticket++;
}

static uint64_t head_ticket(const struct seq_state *s)
{
    return s->spec->order == SEQ_BREADTH_FIRST ? s->first_ticket + s->next_rep
                                               : s->ring[s->head].ticket;
}

/* Takes the oldest ready step of s. */
static struct seq_ready ready_pop(struct seq_state *s)
{
    struct seq_ready e = {s->next_rep, s->step, 0};
    s->count--;
    if (s->spec->order == SEQ_BREADTH_FIRST) {
        s->next_rep++;
        return e;
    }
    e = s->ring[s->head];
    s->head = (s->head + 1) % s->cap;
    return e;
}

/* The sequence whose ready step goes next, or NULL. */
static struct seq_state *ready_pick(const struct worker *w)
{
    struct seq_run *r = w->seq;
    struct seq_state *best = NULL;
    for (size_t i = 0; i < r->n; i++) {
        struct seq_state *s = &r->s[i];
        if (!s->count)
            continue;
        if (w->cfg->priority == PRIORITY_RUN)
            return s;
        if (!best || head_ticket(s) < head_ticket(best))
            best = s;
    }
    return best;
}

static void breadth_enqueue_step(struct seq_run *r, struct seq_state *s)
{
    s->step_done = 0;
    s->next_rep = 0;
    s->first_ticket = r->ticket;
    r->ticket += s->nreps;
    s->count = s->nreps;
}

/* A repetition is over: its values and cookies go (the memory stays for the run). */
static void rep_over(const struct worker *w, struct seq_state *s, uint64_t rep)
{
    if (s->sessions)
        session_reset(&s->sessions[rep], w->cfg);
}

/* The closed model: rep's step has been answered; what it makes ready. */
static void step_answered(const struct worker *w, struct seq_run *r, struct seq_state *s,
                          uint64_t rep, uint32_t step)
{
    size_t nsteps = s->spec->nsteps;
    sb_add(&w->slot->seq.steps_done, 1);
    if (s->spec->order == SEQ_BREADTH_FIRST) {
        if (++s->step_done < s->nreps)
            return;
        for (uint64_t i = 0; step + 1 == nsteps && i < s->nreps; i++)
            rep_over(w, s, i);
        sb_add(&w->slot->seq.reps_done, step + 1 == nsteps ? s->nreps : 0);
        r->left -= step + 1 == nsteps ? s->nreps : 0;
        s->finished += step + 1 == nsteps ? s->nreps : 0;
        if (++s->step < nsteps)
            breadth_enqueue_step(r, s);
        return;
    }
    if (step + 1 < nsteps) {
        ready_push(r, s, rep, step + 1);
        return;
    }
    rep_over(w, s, rep);
    sb_add(&w->slot->seq.reps_done, 1);
    s->finished++;
    r->left--;
    if (s->begun < s->nreps)
        ready_push(r, s, s->begun++, 0);
}

static void pump_soon(struct worker *w)
{
    struct timeval tv = {0, 0};
    /* once per turn of the loop: the clients that come free in it wait for the same pump */
    if (!evtimer_pending(w->seq->pump, NULL))
        event_add(w->seq->pump, &tv);
}

/* Hands ready steps to free clients; ends the worker's run when every repetition is over. */
static void pump(struct worker *w)
{
    struct seq_run *r = w->seq;
    while (!w->stopping) {
        struct seq_state *s = ready_pick(w);
        if (!s)
            break;
        struct client *c = r->nidle ? r->idle[--r->nidle]
                           : w->next_start < w->nclients ? worker_setup_client(w)
                                                         : NULL;
        if (!c)
            break;
        struct seq_ready e = ready_pop(s);
        c->seq = (uint32_t)(s - r->s);
        c->seq_rep = e.rep;
        c->seq_step = e.step;
        c->seq_task = 1;
        r->busy++;
        client_serve(c, 0, 0);
    }
    if (r->left == 0 && r->busy == 0 && !w->stopping)
        worker_stop_here(w);
}

static void on_pump(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    pump(arg);
}

/* The run's repetition number of this worker's i-th (the Cookie and the regression data's
 * thread are the run's). */
static uint64_t global_rep(const struct worker *w, uint64_t i)
{
    return ramp_client_number(w->nworkers, w->run_index, i);
}

static const struct wire *wire_of(const struct seq_state *s, uint64_t rep, uint32_t step)
{
    if (!s->wires)
        return NULL;
    return &s->wires[(rep % s->spec->ncookies) * s->spec->nsteps + step];
}

/* The repetition's cookie line (for a step rendered per send), or NULL. */
static const char *cookie_of(const struct seq_state *s, uint64_t rep)
{
    return s->spec->ncookies ? s->spec->cookies[rep % s->spec->ncookies] : NULL;
}

int seq_next_request(struct client *c)
{
    struct worker *w = c->w;
    struct seq_run *r = w->seq;
    struct seq_state *s = &r->s[c->seq];
    if (w->cfg->schedule) { /* an arrival walks one repetition, depth first */
        if (c->arrival) {
            c->arrival = 0;
            c->seq = (uint32_t)(c->arrival_number % r->n);
            s = &r->s[c->seq];
            c->seq_rep = c->arrival_number / r->n;
            c->seq_step = 0;
            if (c->session) { /* a new visit: the client's session starts empty */
                session_reset(c->session, w->cfg);
                c->session->cookies = s->spec->cookies_jar;
            }
        } else if (c->seq_task && c->seq_step + 1 < s->spec->nsteps) {
            sb_add(&w->slot->seq.steps_done, 1);
            c->seq_step++;
            c->intended_ns = now_ns(); /* the arrival was for the walk's first step */
        } else {
            if (c->seq_task) { /* the walk's last step is answered */
                sb_add(&w->slot->seq.steps_done, 1);
                sb_add(&w->slot->seq.reps_done, 1);
            }
            c->seq_task = 0;
            return -1;
        }
        c->seq_task = 2;
        c->seq_wire = wire_of(s, c->seq_rep, c->seq_step);
        c->seq_cookie = cookie_of(s, c->seq_rep);
        c->round = c->seq_rep; /* what --trace calls the round */
        return (int)s->spec->steps[c->seq_step];
    }
    if (c->seq_task == 2) { /* the step in flight is answered */
        c->seq_task = 0;
        r->busy--;
        step_answered(w, r, s, c->seq_rep, c->seq_step);
        return -1;
    }
    if (c->seq_task != 1)
        return -1;
    c->seq_task = 2;
    c->round = global_rep(w, c->seq_rep);
    c->seq_wire = wire_of(s, c->round, c->seq_step);
    c->seq_cookie = cookie_of(s, c->round);
    if (s->sessions) /* the repetition's values and cookies, whichever client sends it */
        c->session = &s->sessions[c->seq_rep];
    return (int)s->spec->steps[c->seq_step];
}

void seq_client_free(struct worker *w, struct client *c)
{
    struct seq_run *r = w->seq;
    r->idle[r->nidle++] = c;
    pump_soon(w);
}

void seq_request_end(struct client *c, int status, enum errkind kind, int64_t latency)
{
    struct worker *w = c->w;
    if (w->regress) {
        uint64_t rep = w->cfg->schedule ? c->seq_rep : global_rep(w, c->seq_rep);
        regress_record(c, rep, status, kind, latency);
    }
}

/* The Cookie variants of sequence s's steps: one per cookie line. */
static int prepare_wires(struct worker *w, struct seq_state *s)
{
    const struct sequence_spec *q = s->spec;
    if (!q->ncookies)
        return 0;
    if (!(s->wires = calloc(q->ncookies * q->nsteps, sizeof *s->wires)))
        return -1;
    for (size_t k = 0; k < q->nsteps; k++) {
        const struct request_spec *spec = &w->cfg->requests[q->steps[k]];
        struct http_request_parts p = http_request_parts_of(spec);
        char **h = calloc(spec->nheaders + 1, sizeof *h);
        if (!h)
            return -1;
        size_t n = 0;
        for (size_t i = 0; i < spec->nheaders; i++) /* the repetition's cookie replaces one */
            if (!http_header_is(spec->headers[i], "Cookie"))
                h[n++] = spec->headers[i];
        p.headers = h;
        p.nheaders = n + 1;
        for (size_t ck = 0; ck < q->ncookies; ck++) {
            size_t len = strlen(q->cookies[ck]) + 9;
            char *line = malloc(len);
            int rc = line ? 0 : -1;
            if (line) {
                snprintf(line, len, "Cookie: %s", q->cookies[ck]);
                h[n] = line;
                rc = http_request_build(&p, &s->wires[ck * q->nsteps + k]);
            }
            free(line);
            if (rc < 0) {
                free(h);
                return -1;
            }
        }
        free(h);
    }
    return 0;
}

int seq_prepare(struct worker *w)
{
    const struct config *cfg = w->cfg;
    if (!cfg->nsequences)
        return 0;
    struct seq_run *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    w->seq = r;
    r->n = cfg->nsequences;
    r->s = calloc(r->n, sizeof *r->s);
    r->idle = calloc(w->pool_max ? w->pool_max : 1, sizeof *r->idle);
    r->pump = evtimer_new(w->base, on_pump, w);
    if (!r->s || !r->idle || !r->pump)
        return -1;
    for (size_t i = 0; i < r->n; i++) {
        struct seq_state *s = &r->s[i];
        s->spec = &cfg->sequences[i];
        s->nreps = ramp_worker_clients(s->spec->repeat, w->nworkers, w->run_index);
        if (!cfg->schedule) {
            sb_add(&w->slot->seq.reps_planned, s->nreps);
            sb_add(&w->slot->seq.steps_planned, s->nreps * s->spec->nsteps);
        }
        s->parallel = ramp_worker_clients(s->spec->parallel, w->nworkers, w->run_index);
        if (s->parallel == 0)
            s->parallel = 1;
        s->cap = s->spec->order == SEQ_BREADTH_FIRST ? 0 : s->parallel;
        r->left += s->nreps;
        if ((s->cap && !(s->ring = calloc(s->cap, sizeof *s->ring))) || prepare_wires(w, s) < 0)
            return -1;
        if (cfg->sessions && !cfg->schedule) {
            if (!(s->sessions = session_new(cfg, s->nreps, s->spec->cookies_jar)))
                return -1;
        }
    }
    return 0;
}

void seq_start(struct worker *w)
{
    struct seq_run *r = w->seq;
    for (size_t i = 0; i < r->n; i++) {
        struct seq_state *s = &r->s[i];
        if (s->nreps == 0)
            continue;
        if (s->spec->order == SEQ_BREADTH_FIRST) {
            breadth_enqueue_step(r, s);
            continue;
        }
        while (s->begun < s->nreps && s->begun < s->parallel)
            ready_push(r, s, s->begun++, 0);
    }
    pump(w);
}

void seq_release(struct worker *w)
{
    struct seq_run *r = w->seq;
    if (!r)
        return;
    for (size_t i = 0; r->s && i < r->n; i++) {
        struct seq_state *s = &r->s[i];
        for (size_t k = 0; s->wires && k < s->spec->ncookies * s->spec->nsteps; k++)
            http_request_free(&s->wires[k]);
        free(s->wires);
        free(s->ring);
        session_free(s->sessions, s->nreps, w->cfg);
    }
    free(r->s);
    free(r->idle);
    if (r->pump)
        event_free(r->pump);
    free(r);
    w->seq = NULL;
}
