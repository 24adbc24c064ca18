/* mpi_live: the ranks' totals, once a second, to rank 0's scoreboard; see mpi_live.h. */
#include "mpi_live.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "segment.h"

#define TAG_LIVE 2
#define LIVE_POLL_NS 5000000LL               /* between looks while waiting at the end */
#define MPI_IDLE_NAP_NS 100000LL             /* between looks at a collective's progress */
#define LIVE_SILENCE_NS 10000000000LL        /* no word for this long: lost */
#define LIVE_STOP_SILENT_NS 500000000LL      /* after a stop, a rank that has not said it
                                                stops (mpirun signals them all at once, and
                                                kills them 1 s later) */
#define LIVE_SEND_WAIT_NS 2000000000LL       /* a rank's last message, at most this to go */
#define LIVE_EVERY_NS 900000000LL            /* a rank sends at most about once a second; the
                                                loop calls twice a second, so rank 0 looks
                                                twice between two of a rank's messages */

static volatile sig_atomic_t end_signal; /* a signal while rank 0 waits at the end */

static void on_end_signal(int sig)
{
    end_signal = sig;
}

int mpi_live_init(struct mpi_live *l, int rank, int size)
{
    memset(l, 0, sizeof(*l));
    l->rank = rank;
    l->size = size;
    l->req = MPI_REQUEST_NULL;
    if (gethostname(l->host, sizeof(l->host) - 1) < 0)
        strcpy(l->host, "?");
    l->scratch = malloc(sizeof(*l->scratch));
    if (rank == 0)
        l->rows = calloc((size_t)size, sizeof(*l->rows));
    return l->scratch && (rank != 0 || l->rows) ? 0 : -1;
}

void mpi_live_free(struct mpi_live *l)
{
    free(l->scratch);
    free(l->rows);
    l->scratch = NULL;
    l->rows = NULL;
}

const char *mpi_live_state_name(unsigned state)
{
    static const char *const names[] = {"waiting", "running", "stopping", "done", "lost"};
    return state < sizeof names / sizeof names[0] ? names[state] : "?";
}

/* This rank's totals over its workers' slots, into m. */
static void fill(struct mpi_live *l, struct live_msg *m, unsigned state)
{
    const struct sb_header *h = l->sb;
    struct sb_rank_totals *t = &m->t;
    memset(m, 0, sizeof(*m));
    m->state = state;
    memcpy(m->host, l->host, sizeof(m->host));
    hist_init(l->scratch);
    t->workers = h->nworkers;
    for (unsigned w = 0; w < h->nworkers; w++) {
        const struct sb_slot *s = sb_slot(h, w);
        t->clients_planned += sb_get(&s->clients);
        t->clients_started += sb_get(&s->c.clients_started);
        t->clients_active += sb_get(&s->c.clients_active);
        t->requests_started += sb_get(&s->c.requests_started);
        t->requests_ok += sb_get(&s->c.requests_ok);
        t->requests_failed += sb_get(&s->c.requests_failed);
        t->bytes_sent += sb_get(&s->c.bytes_sent);
        t->bytes_received += sb_get(&s->c.bytes_received);
        t->conn_opened += sb_get(&s->c.conn_opened);
        t->cpu_ns += sb_get(&s->cpu_ns);
        hist_add(l->scratch, &s->latency);
    }
    t->latency_count = sb_get(&l->scratch->count);
    t->p50_us = hist_percentile_us(l->scratch, 50);
    t->p99_us = hist_percentile_us(l->scratch, 99);
    t->max_us = hist_percentile_us(l->scratch, 100);
    int64_t now = now_ns(), t0 = atomic_load(&h->t0_ns);
    uint64_t done = t->requests_ok + t->requests_failed;
    t->elapsed_ns = t0 ? now - t0 : 0;
    if (l->last_ns && now > l->last_ns && state != SB_RANK_DONE) /* done: no rate, as workers */
        t->rps_milli = (uint64_t)((double)(done - l->last_done) * 1e12 / (double)(now - l->last_ns));
    l->last_done = done;
    l->last_ns = now;
    t->started_at_ns = l->started_at_ns;
}

/* Rank 0: rank r's message into its row and the scoreboard's. */
static void store(struct mpi_live *l, int r, const struct live_msg *m)
{
    struct sb_rank *rows[2] = {&l->rows[r], l->sb && (unsigned)r < l->sb->nranks
                                                ? sb_rank(l->sb, (unsigned)r) : NULL};
    for (int i = 0; i < 2 && rows[i]; i++) {
        struct sb_rank *row = rows[i];
        if (!row->host[0])
            memcpy(row->host, m->host, sizeof(row->host) - 1);
        sb_rank_totals_copy(&row->t, &m->t);
        atomic_store(&row->state, m->state);
        atomic_store(&row->updated_ns, now_ns());
        atomic_store(&row->updates, atomic_load(&row->updates) + 1);
    }
}

/* Rank 0: every message that has arrived, without waiting for any. An MPI_Iprobe that finds
 * nothing reads the sockets only after it has looked (Open MPI's ob1): so a second one, which
 * finds what the first read in. */
static void drain(struct mpi_live *l)
{
    for (int misses = 0; misses < 2;) {
        int flag = 0;
        MPI_Status st;
        struct live_msg m;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_LIVE, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            misses++;
            continue;
        }
        misses = 0;
        MPI_Recv(&m, (int)sizeof(m), MPI_BYTE, st.MPI_SOURCE, TAG_LIVE, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        m.host[SB_HOST_MAX - 1] = '\0';
        if (st.MPI_SOURCE > 0 && st.MPI_SOURCE < l->size &&
            atomic_load(&l->rows[st.MPI_SOURCE].state) != SB_RANK_DONE)
            store(l, st.MPI_SOURCE, &m);
    }
}

static void nap(int64_t ns)
{
    struct timespec ts = {ns / 1000000000, ns % 1000000000};
    nanosleep(&ts, NULL);
}

void mpi_idle_wait(MPI_Request *req)
{
    for (;;) {
        int done = 0;
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done)
            return;
        nap(MPI_IDLE_NAP_NS);
    }
}

/* Whether the message in flight is gone, testing until the deadline (one already past:
 * once). */
static int sent_by(struct mpi_live *l, int64_t until)
{
    while (l->pending) {
        int done = 0;
        MPI_Test(&l->req, &done, MPI_STATUS_IGNORE);
        l->pending = !done;
        if (l->pending && now_ns() > until)
            return 0;
        if (l->pending)
            nap(1000000);
    }
    return 1;
}

/* A rank but 0: its totals to rank 0. A message still in flight is not overtaken: a live one
 * is then skipped, a last one (must_go) waits for it, a moment at most. */
static void send_totals(struct mpi_live *l, unsigned state, int must_go)
{
    if (!sent_by(l, must_go ? now_ns() + LIVE_SEND_WAIT_NS : 0))
        return;
    fill(l, &l->out, state);
    MPI_Isend(&l->out, (int)sizeof(l->out), MPI_BYTE, 0, TAG_LIVE, MPI_COMM_WORLD, &l->req);
    l->pending = 1;
}

/* A rank but 0, at the end: its last message on its way (rank 0 waits for it). */
static void send_last(struct mpi_live *l)
{
    send_totals(l, SB_RANK_DONE, 1);
    sent_by(l, now_ns() + LIVE_SEND_WAIT_NS);
}

/* Rank 0: its own row from its own slots. */
static void own_row(struct mpi_live *l, unsigned state)
{
    struct live_msg m;
    fill(l, &m, state);
    store(l, 0, &m);
}

/* Rank 0, at the end: waits until every rank has sent its exact totals, or is lost. */
static void wait_for_ranks(struct mpi_live *l)
{
    struct sigaction sa = {.sa_handler = on_end_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    end_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    for (;;) {
        drain(l);
        int64_t now = now_ns();
        if (end_signal && !l->stop_ns)
            l->stop_ns = now;
        int waiting = 0;
        for (int r = 1; r < l->size; r++) {
            struct sb_rank *row = &l->rows[r];
            unsigned st = atomic_load(&row->state);
            if (st == SB_RANK_DONE || st == SB_RANK_LOST)
                continue;
            /* a rank stopping is waited for while it is heard from (its grace may be long) */
            int silent = now - atomic_load(&row->updated_ns) > LIVE_SILENCE_NS;
            int unsaid = l->stop_ns && st != SB_RANK_STOPPING &&
                         now - l->stop_ns > LIVE_STOP_SILENT_NS;
            if (silent || unsaid) {
                atomic_store(&row->state, SB_RANK_LOST);
                if (l->sb)
                    atomic_store(&sb_rank(l->sb, (unsigned)r)->state, SB_RANK_LOST);
                l->lost++;
                continue;
            }
            waiting++;
        }
        /* once one is lost there is no merged summary to wait for, and the launcher is ending
         * the job: what is known goes out before it kills this rank too */
        if (!waiting || l->lost)
            break;
        nap(LIVE_POLL_NS);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
}

void mpi_live_stage(void *arg, struct sb_header *sb, enum parent_stage stage)
{
    struct mpi_live *l = arg;
    l->sb = sb;
    if (stage == PARENT_RELEASED) { /* the moment only: the workers wait for this call */
        l->started_at_ns = segment_wall_now_ns() + l->clock_fix_ns;
        if (l->rank == 0) /* silence counts from the release */
            for (int r = 0; r < l->size; r++)
                atomic_store(&l->rows[r].updated_ns, now_ns());
        return;
    }
    if (stage == PARENT_STOPPING) {
        l->stopping = 1;
        if (l->rank == 0 && !l->stop_ns)
            l->stop_ns = now_ns();
    }
    unsigned state = stage == PARENT_ENDED ? SB_RANK_DONE
                   : l->stopping ? SB_RANK_STOPPING : SB_RANK_RUNNING;
    if (l->rank == 0) {
        own_row(l, state);
        drain(l);
        if (stage == PARENT_ENDED)
            wait_for_ranks(l);
    } else if (stage == PARENT_ENDED) {
        send_last(l);
    } else if (stage == PARENT_STOPPING || now_ns() - l->last_ns >= LIVE_EVERY_NS) {
        send_totals(l, state, stage == PARENT_STOPPING);
    }
    if (stage == PARENT_ENDED)
        l->sb = NULL; /* the scoreboard goes now */
}
