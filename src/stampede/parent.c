/* parent: fork, barrier, release, supervise, reap, report. */
#include "parent.h"

#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "endpoint.h"
#include "evbase.h"
#include "hdr_log.h"
#include "outfile.h"
#include "plugin.h"
#include "ramp.h"
#include "regress.h"
#include "report.h"
#include "report_arrivals.h"
#include "schedule.h"
#include "scoreboard.h"
#include "segment.h"
#include "tls.h"
#include "top_launch.h"
#include "phout.h"
#include "trace.h"
#include "units.h"
#include "metrics_out.h"
#include "verdict.h"
#include "worker.h"

#define KILL_SLACK_NS (5LL * 1000000000) /* past duration + grace, a worker is stuck */

struct parent {
    const struct config *cfg;
    struct scoreboard sb;
    struct endpoints eps;
    struct plugins plugins;
    int json_fd;            /* --json, opened before the run; -1 without it */
    struct hdr_log hdr;     /* --hdr-log; hdr.f NULL without it */
    pid_t *pids;            /* 0 once reaped */
    unsigned alive;
    int interrupted;
    int plugin_stopped;     /* a plugin's stampede_stop stopped the workers */
    unsigned sigints;
    int tty;
    struct event_base *base;
    uint64_t last_done;
    int64_t last_t;
    int64_t t0;             /* the release, CLOCK_MONOTONIC */
    struct timespec started;    /* wall clock at the release, for the JSON */
    struct top_launch viewer; /* stampede --top */
    struct metrics_out metrics; /* Prometheus and StatsD */
    int viewed;             /* a viewer owns the terminal until the end of the run */
    const struct parent_cluster *cluster; /* stampede-mpi; NULL alone */
};

static void cluster_live(struct parent *p, enum parent_stage stage)
{
    if (p->cluster && p->cluster->live)
        p->cluster->live(p->cluster->arg, p->sb.hdr, stage);
}

static volatile sig_atomic_t barrier_interrupted; /* the signal, before the release */

static void on_barrier_signal(int sig)
{
    barrier_interrupted = sig;
}

static void on_stop_request(int sig)
{
    (void)sig; /* not to die of it: the scoreboard says who stopped and why */
}

static void kill_all(struct parent *p, int sig)
{
    for (unsigned i = 0; i < p->cfg->workers; i++)
        if (p->pids[i] > 0)
            kill(p->pids[i], sig);
}

/* Records how one worker ended; returns its index or -1 (the viewer, or not a child we know). */
static int record_exit(struct parent *p, pid_t pid, int status)
{
    if (p->viewer.pid && pid == p->viewer.pid) {
        top_launch_ended(&p->viewer); /* quit early: progress lines take over */
        p->viewed = 0;
        return -1;
    }
    for (unsigned i = 0; i < p->cfg->workers; i++) {
        if (p->pids[i] != pid)
            continue;
        struct sb_slot *s = sb_slot(p->sb.hdr, i);
        if (WIFEXITED(status)) {
            atomic_store(&s->exit_code, WEXITSTATUS(status));
            atomic_store(&s->state, SB_WORKER_EXITED);
        } else if (WIFSIGNALED(status)) {
            atomic_store(&s->term_signal, WTERMSIG(status));
            atomic_store(&s->core_dumped, WCOREDUMP(status) ? 1 : 0);
            atomic_store(&s->state, SB_WORKER_KILLED);
            fprintf(stderr, "stampede: worker %u (pid %d) killed by signal %d (%s)%s\n", i,
                    (int)pid, WTERMSIG(status), strsignal(WTERMSIG(status)),
                    WCOREDUMP(status) ? ", core dumped" : "");
        }
        p->pids[i] = 0;
        p->alive--;
        return (int)i;
    }
    return -1;
}

static void reap(struct parent *p, int block)
{
    int status;
    pid_t pid;
    while (p->alive && (pid = waitpid(-1, &status, block ? 0 : WNOHANG)) != 0) {
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        record_exit(p, pid, status);
    }
}

static int fork_workers(struct parent *p, int ready[2], int go[2])
{
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    for (unsigned i = 0; i < p->cfg->workers; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "stampede: cannot start worker %u: %s (lower workers)\n", i,
                    strerror(errno));
            return -1;
        }
        if (pid == 0) {
            /* A worker stops when its parent dies (killed, or its terminal closed), as it
             * does when the parent asks: nobody would count or stop its load otherwise. The
             * parent may have died before prctl ran; then getppid() tells. */
            if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
                _exit(1);
            close(ready[0]);
            close(go[1]);
            metrics_out_forget(&p->metrics);
            _exit(worker_main(p->cfg, &p->eps, &p->plugins, p->sb.hdr, i, ready[1], go[0]));
        }
        p->pids[i] = pid;
        p->alive++;
    }
    return 0;
}

/* Before the release: a signal, or a worker that ended, stops the run (-1 after a message). */
static int barrier_broken(struct parent *p, const char *before)
{
    if (barrier_interrupted) {
        fprintf(stderr, "stampede: interrupted before the start\n");
        return -1;
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        int i = record_exit(p, pid, status);
        if (i < 0)
            continue;
        fprintf(stderr, "stampede: worker %d (pid %d) %s %s\n", i, (int)pid,
                WIFSIGNALED(status) ? "was killed" : "exited", before);
        return -1;
    }
    return 0;
}

/* Waits for one "ready" byte per worker. A worker that dies first, or a signal, ends the run. */
static int barrier_wait(struct parent *p, int ready_fd)
{
    unsigned ready = 0;
    while (ready < p->cfg->workers) {
        struct pollfd pfd = {.fd = ready_fd, .events = POLLIN};
        int n = poll(&pfd, 1, 100);
        if (barrier_interrupted) /* before reading: a signal wins over the last byte */
            return barrier_broken(p, "");
        if (n > 0) {
            char buf[256];
            ssize_t r = read(ready_fd, buf, sizeof(buf));
            if (r > 0)
                ready += (unsigned)r;
        }
        if (barrier_broken(p, "before it was ready") < 0)
            return -1;
    }
    return 0;
}

/* --start-at: the workers are ready; sleeps until the wall-clock moment, watching for signals
 * and workers as the barrier does, then gives the moment as CLOCK_MONOTONIC in *t0. A moment
 * already past by less than SEGMENT_START_LATE_MAX_NS keeps T0 there (the segment catches up
 * on the shared timetable); further past, nothing starts. Returns 0, -1 (a signal or a worker),
 * or -2 (too late, after a message). */
static int start_wait(struct parent *p, int64_t at, int64_t *t0)
{
    const char *what = p->cfg->start_at_text ? p->cfg->start_at_text : "(the cluster's T0)";
    for (;;) {
        if (barrier_broken(p, "before the start time") < 0)
            return -1;
        int64_t wall = segment_wall_now_ns(), mono = now_ns();
        if (wall >= at) {
            if (wall - at > SEGMENT_START_LATE_MAX_NS) {
                fprintf(stderr, "stampede: start_at %s had passed %.3fs before the workers "
                        "were ready (give a time further ahead)\n", what,
                        (double)(wall - at) / 1e9);
                return -2;
            }
            if (wall - at > 10000000)
                fprintf(stderr, "stampede: warning: ready %.0fms after start_at %s: starting "
                        "at once, on its timetable\n", (double)(wall - at) / 1e6, what);
            *t0 = mono - (wall - at);
            p->started = (struct timespec){at / 1000000000, at % 1000000000};
            return 0;
        }
        int64_t until = at - wall > 100000000 ? wall + 100000000 : at;
        struct timespec ts = {until / 1000000000, until % 1000000000};
        clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL); /* EINTR: looked at above */
    }
}

static void sum_slots(const struct sb_header *h, uint64_t *done, uint64_t *failed,
                      uint64_t *started, uint64_t *active)
{
    *done = *failed = *started = *active = 0;
    for (unsigned w = 0; w < h->nworkers; w++) {
        const struct sb_slot *s = sb_slot(h, w);
        *done += sb_get(&s->c.requests_ok) + sb_get(&s->c.requests_failed);
        *failed += sb_get(&s->c.requests_failed);
        *started += sb_get(&s->c.clients_started);
        *active += sb_get(&s->c.clients_active);
    }
}

static void on_progress(evutil_socket_t fd, short what, void *arg)
{
    struct parent *p = arg;
    const struct sb_header *h = p->sb.hdr;
    uint64_t done, failed, started, active;
    (void)fd;
    (void)what;
    if (p->viewer.pid)
        return; /* the viewer has the terminal */
    sum_slots(h, &done, &failed, &started, &active);
    int64_t t = now_ns();
    double dt = (double)(t - p->last_t) / 1e9;
    double rate = dt > 0 ? (double)(done - p->last_done) / dt : 0;
    p->last_done = done;
    p->last_t = t;
    fprintf(stderr,
            "%s[%7.1fs] clients %" PRIu64 "/%" PRIu64 " started, %" PRIu64 " active   requests %" PRIu64
            " (%.0f/s)   failed %" PRIu64 "%s",
            p->tty ? "\r" : "", (double)(t - atomic_load(&p->sb.hdr->t0_ns)) / 1e9, started,
            h->planned_clients, active, done, rate, failed, p->tty ? "\033[K" : "\n");
}

static void on_cluster_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    cluster_live(arg, PARENT_TICK);
}

static void on_hdr_interval(evutil_socket_t fd, short what, void *arg)
{
    struct parent *p = arg;
    (void)fd;
    (void)what;
    hdr_log_interval(&p->hdr, p->sb.hdr, now_ns());
}

static void on_ramp_done(evutil_socket_t fd, short what, void *arg)
{
    struct parent *p = arg;
    (void)fd;
    (void)what;
    uint32_t ramping = SB_RUN_RAMPING;
    atomic_compare_exchange_strong(&p->sb.hdr->run_state, &ramping, SB_RUN_RUNNING);
}

static void on_duration_over(evutil_socket_t fd, short what, void *arg)
{
    struct parent *p = arg;
    (void)fd;
    (void)what;
    atomic_store(&p->sb.hdr->run_state, SB_RUN_STOPPING);
}

static void on_stuck(evutil_socket_t fd, short what, void *arg)
{
    struct parent *p = arg;
    (void)fd;
    (void)what;
    fprintf(stderr, "stampede: %u worker(s) did not stop in time; killing them\n", p->alive);
    kill_all(p, SIGKILL);
}

/* A plugin called stampede_stop (its worker wrote who and why into the scoreboard, then sent
 * SIGUSR1): every worker stops as gracefully as on SIGTERM, and the run is not "interrupted". */
static void stop_for_plugin(struct parent *p)
{
    if (p->plugin_stopped || !sb_stopped_by(p->sb.hdr))
        return;
    p->plugin_stopped = 1;
    atomic_store(&p->sb.hdr->run_state, SB_RUN_STOPPING);
    kill_all(p, SIGTERM);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct parent *p = arg;
    (void)what;
    if (sig == SIGCHLD) {
        reap(p, 0);
        if (!p->alive)
            event_base_loopexit(p->base, NULL);
        return;
    }
    if (sig == SIGUSR1) {
        stop_for_plugin(p);
        return;
    }
    if (!p->interrupted) {
        p->interrupted = sig;
        cluster_live(p, PARENT_STOPPING);
    }
    atomic_store(&p->sb.hdr->run_state, SB_RUN_STOPPING);
    if (sig == SIGINT && p->sigints++ > 0) {
        kill_all(p, SIGKILL);
        return;
    }
    kill_all(p, SIGTERM); /* graceful: in-flight requests get the grace period */
}

static void timer_at(struct event_base *base, event_callback_fn cb, void *arg, int64_t ns,
                     struct event **out)
{
    struct timeval tv = timeval_of_ns(ns);
    *out = evtimer_new(base, cb, arg);
    if (*out)
        evtimer_add(*out, &tv);
}

/* From release to the last worker reaped. */
static void supervise(struct parent *p)
{
    const struct config *cfg = p->cfg;
    struct event *ev[10] = {0};
    p->base = evbase_new();
    if (!p->base) {
        reap(p, 1);
        return;
    }
    ev[0] = evsignal_new(p->base, SIGCHLD, on_signal, p);
    ev[1] = evsignal_new(p->base, SIGINT, on_signal, p);
    ev[2] = evsignal_new(p->base, SIGTERM, on_signal, p);
    ev[7] = evsignal_new(p->base, SIGUSR1, on_signal, p);
    for (int i = 0; i < 3; i++)
        if (ev[i])
            event_add(ev[i], NULL);
    if (ev[7])
        event_add(ev[7], NULL);
    stop_for_plugin(p); /* a stop before the event existed (proc_init, parent_init) */
    if (!cfg->quiet) {
        ev[3] = event_new(p->base, -1, EV_PERSIST, on_progress, p);
        struct timeval sec = {1, 0};
        if (ev[3])
            event_add(ev[3], &sec);
    }
    if (p->hdr.f) {
        ev[8] = event_new(p->base, -1, EV_PERSIST, on_hdr_interval, p);
        struct timeval every = timeval_of_ns(cfg->hdr_interval_ns);
        if (ev[8])
            event_add(ev[8], &every);
    }
    if (p->cluster && p->cluster->live) {
        ev[9] = event_new(p->base, -1, EV_PERSIST, on_cluster_tick, p);
        struct timeval half = {0, 500000};
        if (ev[9])
            event_add(ev[9], &half);
    }
    metrics_out_start(&p->metrics, p->base);
    int64_t since = now_ns() - p->t0; /* T0 may be a moment ago (--start-at) */
    if (cfg->ramp_duration_ns > 0)
        timer_at(p->base, on_ramp_done, p, cfg->ramp_duration_ns - since, &ev[4]);
    if (cfg->duration_ns > 0) {
        timer_at(p->base, on_duration_over, p, cfg->duration_ns - since, &ev[5]);
        timer_at(p->base, on_stuck, p,
                 cfg->duration_ns + cfg->grace_ns + KILL_SLACK_NS - since, &ev[6]);
    }
    reap(p, 0); /* a worker may have ended before the SIGCHLD event existed */
    if (p->alive)
        event_base_dispatch(p->base);
    reap(p, 1);
    metrics_out_final(&p->metrics);
    if (!cfg->quiet && p->tty && !p->viewed)
        fputc('\n', stderr);
    for (int i = 0; i < 10; i++)
        if (ev[i])
            event_free(ev[i]);
}

/* OpenSSL judges the TLS settings (cipher lists, files, versions) before anything is sent, so
 * a mistake is a configuration error, not a run of 599s. */
static int check_tls_settings(const struct config *cfg)
{
    static const struct tls_options none = {.session_cache = 1};
    for (size_t r = 0; r < cfg->nrequests; r++) {
        const struct request_spec *s = &cfg->requests[r];
        if (!s->url.tls && tls_options_equal(&s->tls, &none))
            continue;
        char err[320];
        SSL_CTX *ctx = tls_ctx_new(&s->tls, NULL, err, sizeof(err));
        if (!ctx) {
            fprintf(stderr, "stampede: %s:%d: [request %s]: %s\n", s->file, s->line, s->name,
                    err);
            return -1;
        }
        SSL_CTX_free(ctx);
    }
    return 0;
}

/* --json naming the trace, the scoreboard or the INI itself would silently overwrite it: refuse
 * any two of them that are the same file. Returns -1 after a message. */
static int check_distinct_files(const struct config *cfg, const char *sbpath)
{
    const struct {
        const char *what, *path;
    } f[] = {{"the configuration file", cfg->path}, {"--json", cfg->json_path},
             {"--trace", cfg->trace_path}, {"--phout", cfg->phout_path},
             {"--hdr-log", cfg->hdr_log}, {"--regress", cfg->regress_path},
             {"the scoreboard", sbpath}};
    size_t n = sizeof(f) / sizeof(f[0]);
    for (size_t i = 1; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (f[i].path && f[j].path && outfile_same(f[i].path, f[j].path)) {
                fprintf(stderr, "stampede: %s %s is also %s (give each output its own file)\n",
                        f[i].what, f[i].path, f[j].what);
                return -1;
            }
    return 0;
}

/* A ramp longer than the run leaves clients that never start: say so before, not after. */
static void warn_short_ramp(const struct config *cfg)
{
    if (cfg->duration_ns <= 0 || cfg->ramp_duration_ns <= cfg->duration_ns)
        return;
    struct ramp r = {cfg->clients, cfg->ramp_start, cfg->ramp_duration_ns};
    uint64_t started = ramp_started_by(&r, cfg->duration_ns);
    if (started >= cfg->clients)
        return;
    char a[32], b[32];
    fprintf(stderr,
            "stampede: warning: ramp_duration %s is longer than duration %s: only %" PRIu64
            " of the %" PRIu64 " clients will start\n",
            units_format_duration(cfg->ramp_duration_ns, a, sizeof(a)),
            units_format_duration(cfg->duration_ns, b, sizeof(b)),
            started, cfg->clients);
}

/* Files a worker needs for itself: the loop, its pipes and signals, DNS, the outputs. */
#define WORKER_OWN_FILES 32

/* Every client holds a socket: take the hard limit of open files, and refuse a run whose
 * workers could not hold their clients even then (each connect past the limit would fail as a
 * socket_error), unless --allow-fd-shortage. Returns -1 after a message. */
static int check_file_limit(const struct config *cfg)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return 0;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    uint64_t most = cfg->max_clients > cfg->clients ? cfg->max_clients : cfg->clients;
    uint64_t run_workers = (uint64_t)cfg->workers * cfg->segment_count;
    uint64_t per_worker = (most + run_workers - 1) / run_workers;
    uint64_t limit = rl.rlim_cur;
    if (rl.rlim_cur == RLIM_INFINITY || per_worker + WORKER_OWN_FILES <= limit)
        return 0;
    char fit[64];
    if (limit > WORKER_OWN_FILES)
        snprintf(fit, sizeof(fit), "room for %" PRIu64 " clients", limit - WORKER_OWN_FILES);
    else
        snprintf(fit, sizeof(fit), "room for no client");
    fprintf(stderr,
            "stampede: %sa worker would run up to %" PRIu64 " clients, but it may open only %"
            PRIu64 " files (ulimit -n), about %d of them for itself: %s (raise ulimit -n to %"
            PRIu64 ", use more workers with -w%s)\n",
            cfg->allow_fd_shortage ? "warning: " : "", per_worker, limit, WORKER_OWN_FILES, fit,
            per_worker + WORKER_OWN_FILES,
            cfg->allow_fd_shortage ? "; the clients without a socket fail as socket_error"
                                   : ", or run anyway with --allow-fd-shortage");
    return cfg->allow_fd_shortage ? 0 : -1;
}

static char *default_scoreboard_path(void)
{
    struct stat st;
    const char *dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
                              access("/dev/shm", W_OK) == 0
                          ? "/dev/shm"
                          : "/tmp";
    char *path = NULL;
    if (asprintf(&path, "%s/stampede-%d.sb", dir, (int)getpid()) < 0)
        return NULL;
    /* The name carries our pid, so a file already there was left by a run that was killed
     * and whose pid has come round again: it is stale by construction. Only a regular file
     * of our own is removed; anything else still gets sb_create's refusal. */
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid())
        unlink(path);
    return path;
}

static void fill_header(struct parent *p)
{
    const struct config *cfg = p->cfg;
    struct sb_header *h = p->sb.hdr;
    h->planned_clients = segment_share(cfg, cfg->clients); /* this process's */
    h->ramp_start = cfg->ramp_start;
    h->ramp_duration_ns = cfg->ramp_duration_ns;
    h->duration_ns = cfg->duration_ns;
    h->rounds = cfg->rounds;
    const char *name = cfg->path ? cfg->path : cfg->requests[0].url_text;
    const char *slash = cfg->path ? strrchr(name, '/') : NULL;
    snprintf(h->config_name, sizeof(h->config_name), "%s", slash ? slash + 1 : name);
    for (unsigned w = 0; w < cfg->workers; w++)
        for (unsigned r = 0; r < cfg->nrequests; r++)
            snprintf(sb_reqstat(h, w, r)->name, SB_NAME_MAX, "%s", cfg->requests[r].name);
}

/* parent_exit sees the summary that is then printed and written. */
static int report(struct parent *p)
{
    struct summary s = {0};
    struct verdicts v = {0};
    int rc = 0;
    if (report_collect(&s, p->sb.hdr) < 0 || verdicts_collect(&v, p->cfg, p->sb.hdr, &s) < 0) {
        fprintf(stderr, "stampede: out of memory while merging results\n");
        report_free(&s);
        verdicts_free(&v);
        return 1;
    }
    s.verdicts = &v;
    s.seed = p->cfg->seed;
    s.interrupted = p->interrupted;
    s.config_name = p->sb.hdr->config_name;
    s.cfg = p->cfg;
    s.started = p->started;
    /* a segment's own share of the plan; the whole run's without segments */
    s.scheduled = p->cfg->schedule ? segment_share(p->cfg, report_arrivals_due(p->cfg)) : 0;
    s.max_clients = segment_share(p->cfg, p->cfg->max_clients);
    s.segment = (struct summary_segment){p->cfg->segment_index, p->cfg->segment_count,
                                         segment_run_id(p->cfg), p->cfg->workers};
    plugins_parent_exit(&p->plugins, p->cfg, p->sb.hdr, &s);
    report_print(stdout, &s);
    fflush(stdout);
    if (p->json_fd >= 0 && report_write_json(p->json_fd, p->cfg->json_path, &s) < 0)
        rc = 1;
    p->json_fd = -1;
    for (unsigned w = 0; w < s.nworkers; w++)
        if (s.workers[w].exit_code != 0 || s.workers[w].signal)
            rc = 1;
    if (s.stopped_by && s.stop_failed) /* the plugin judged the run a failure */
        rc = 1;
    /* a run where every request failed tested nothing: say so to scripts; channels count as
     * requests here, a channel that opened as an ok one */
    uint64_t ok = sb_get(&s.c.requests_ok) + (s.channels ? sb_get(&s.channels->opened) : 0);
    uint64_t failed = sb_get(&s.c.requests_failed) + (s.channels ? sb_get(&s.channels->failed) : 0);
    if (rc == 0 && failed > 0 && ok == 0)
        rc = EXIT_ALL_FAILED;
    if (rc == 0 && v.failed)
        rc = EXIT_THRESHOLDS;
    report_free(&s);
    verdicts_free(&v);
    return rc;
}

int parent_run(const struct config *cfg)
{
    return parent_run_cluster(cfg, NULL);
}

int parent_run_cluster(const struct config *cfg, const struct parent_cluster *cluster)
{
    struct parent p = {.cfg = cfg, .tty = isatty(2), .viewer = {.tty_err = -1}, .json_fd = -1,
                       .metrics = {.prom_fd = -1}};
    int ready[2] = {-1, -1}, go[2] = {-1, -1};
    int rc = 1;
    if (check_tls_settings(cfg) < 0)
        return 2;
    if (check_file_limit(cfg) < 0)
        return 2;
    warn_short_ramp(cfg);
    char *sbpath = cfg->scoreboard ? strdup(cfg->scoreboard) : default_scoreboard_path();

    /* Over `ulimit -f`, a write or ftruncate would kill us (and the workers, who inherit this)
     * with SIGXFSZ and no word; ignored, it fails with EFBIG and is reported where it happens. */
    signal(SIGXFSZ, SIG_IGN);

    if (!sbpath || endpoints_init(&p.eps, cfg) < 0) {
        fprintf(stderr, "stampede: out of memory\n");
        free(sbpath);
        return 1;
    }
    if (check_distinct_files(cfg, sbpath) < 0 || (cfg->regress_path && regress_check(cfg) < 0)) {
        free(sbpath);
        endpoints_free(&p.eps);
        return 2;
    }
    if (plugins_load(&p.plugins, cfg) < 0) {
        free(sbpath);
        endpoints_free(&p.eps);
        return 2;
    }
    if (sb_create(&p.sb, sbpath, cfg->workers, (unsigned)cfg->nrequests, p.plugins.ncounters,
                  (const char *const *)p.plugins.counter_names, cfg->nchecks,
                  cluster ? cluster->nranks : 0) < 0 ||
        plugins_parent_init(&p.plugins, cfg, p.sb.hdr) < 0) {
        free(sbpath);
        sb_close(&p.sb, 0);
        endpoints_free(&p.eps);
        plugins_unload(&p.plugins);
        return 2;
    }
    free(sbpath);
    fill_header(&p);
    p.cluster = cluster;
    if (cluster) {
        p.sb.hdr->cluster_rank = cluster->rank;
        p.sb.hdr->cluster_size = cluster->size;
    }
    p.viewed = cfg->top && top_launch_start(&p.viewer, p.sb.path) == 0;
    p.pids = calloc(cfg->workers, sizeof(*p.pids));
    if (!p.pids || pipe(ready) < 0 || pipe(go) < 0)
        goto out;
    /* per worker, files are named by the workers' numbers in the whole run (--segment) */
    unsigned first = ramp_run_worker(cfg->segment_index, cfg->workers, 0);
    if ((cfg->trace_path &&
         trace_create(cfg->trace_path, cfg->log_per_worker, first, cfg->workers) < 0) ||
        (cfg->phout_path &&
         phout_create(cfg->phout_path, cfg->log_per_worker, first, cfg->workers) < 0) ||
        (cfg->hdr_log && hdr_log_create(&p.hdr, cfg->hdr_log, cfg->schedule != NULL) < 0) ||
        (cfg->json_path && (p.json_fd = report_open_json(cfg->json_path)) < 0) ||
        metrics_out_open(&p.metrics, cfg, p.sb.hdr) < 0) {
        rc = 2;
        goto out;
    }

    struct sigaction sa = {.sa_handler = on_barrier_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* a plugin's stop before the run: remembered in the scoreboard, acted on at release */
    struct sigaction keep = {.sa_handler = on_stop_request};
    sigaction(SIGUSR1, &keep, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (fork_workers(&p, ready, go) < 0 || (close(ready[1]), ready[1] = -1,
                                            barrier_wait(&p, ready[0]) < 0)) {
        kill_all(&p, SIGKILL);
        reap(&p, 1);
        if (barrier_interrupted)
            rc = 128 + barrier_interrupted;
        goto out;
    }
    /* Release: T0 first, then the broadcast (EOF on the go pipe). */
    int64_t t0 = now_ns();
    clock_gettime(CLOCK_REALTIME, &p.started);
    int64_t at = cfg->start_at_ns;
    int refused = cluster ? cluster->ready(cluster->arg, &at) : 0;
    int waited = refused ? -1 : at ? start_wait(&p, at, &t0) : 0;
    if (waited < 0) {
        kill_all(&p, SIGKILL);
        reap(&p, 1);
        rc = barrier_interrupted ? 128 + barrier_interrupted : refused ? refused
                                                             : waited == -2 ? 2 : 1;
        goto out;
    }
    atomic_store(&p.sb.hdr->t0_ns, t0);
    atomic_store(&p.sb.hdr->run_state,
                 cfg->ramp_duration_ns > 0 ? SB_RUN_RAMPING : SB_RUN_RUNNING);
    cluster_live(&p, PARENT_RELEASED); /* first: a woken worker may take the CPU at once */
    close(go[1]);
    go[1] = -1;
    p.last_t = p.t0 = t0;
    hdr_log_start(&p.hdr, &p.started, t0);
    supervise(&p);
    int64_t end = now_ns();
    atomic_store(&p.sb.hdr->end_ns, end);
    atomic_store(&p.sb.hdr->run_state, SB_RUN_DONE);
    top_launch_finish(&p.viewer, 0); /* the viewer quits once it has shown "done" */
    /* the last, partial interval: every worker has ended, so the log adds up to the summary */
    hdr_log_interval(&p.hdr, p.sb.hdr, end);
    int hdr_failed = hdr_log_close(&p.hdr) < 0;
    rc = report(&p);
    cluster_live(&p, PARENT_ENDED);
    if (hdr_failed && rc == 0)
        rc = 1;
    if (cfg->regress_path && regress_merge(cfg) < 0 && rc == 0)
        rc = 1;
    if (p.interrupted) /* as a shell reports a command the signal ended: 130, 143 */
        rc = 128 + p.interrupted;
    if (p.base)
        metrics_out_linger(&p.metrics, p.base);
out:
    metrics_out_close(&p.metrics);
    if (p.base)
        event_base_free(p.base);
    top_launch_finish(&p.viewer, 1); /* on an error path, before the file goes */
    for (int i = 0; i < 2; i++) {
        if (ready[i] >= 0)
            close(ready[i]);
        if (go[i] >= 0)
            close(go[i]);
    }
    if (p.json_fd >= 0)
        close(p.json_fd);
    hdr_log_close(&p.hdr);
    sb_close(&p.sb, cfg->keep_scoreboard);
    endpoints_free(&p.eps);
    plugins_unload(&p.plugins);
    free(p.pids);
    return rc;
}
