/* top: stampede-top, the live scoreboard viewer: command line, finding and attaching to the run,
 * the refresh loop and the keys. Reading is done by top_model, drawing by top_draw, batch frames
 * by top_batch. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "top_batch.h"
#include "top_draw.h"
#include "top_find.h"
#include "top_model.h"
#include "top_prom.h"
#include "top_sb.h"

#define POLL_MS 100                 /* how often a waiting viewer looks for the file */
#define INIT_LIMIT_NS (TOP_FIND_INIT_S * 1000000000LL) /* then it is not a run starting */

struct options {
    double delay_s;
    long frames;                    /* 0: no limit */
    int batch, json, list, exit_when_done;
    const char *dir;
    const char *path;
    const char *prometheus;         /* serve /metrics there instead of showing frames */
    enum top_col sort;
    int reverse;
};

static volatile sig_atomic_t quit_signal;

static void on_quit(int sig)
{
    quit_signal = sig;
}

static void usage(FILE *f)
{
    fputs("usage: stampede-top [options] [SCOREBOARD]\n"
          "\n"
          "Shows a stampede run live, from its scoreboard file. Without SCOREBOARD, attaches to\n"
          "the newest stampede-*.sb in /dev/shm (else /tmp), waiting for one if there is none.\n"
          "\n"
          "  -d, --delay SECONDS   refresh interval (default 1; fractions allowed: 0.1)\n"
          "  -b, --batch           plain-text frames on stdout instead of the screen\n"
          "      --json            with -b, one JSON object per frame, one per line\n"
          "  -n, --frames N        stop after N frames\n"
          "  -s, --sort COLUMN     sort workers by worker, pid, state, clients, requests, ok,\n"
          "                        failed, inflight, rps, in, out, p50 or p99\n"
          "  -r, --reverse         reverse the sort order\n"
          "  -l, --list            list the runs found and exit\n"
          "      --dir DIR         look for runs in DIR\n"
          "      --exit-when-done  quit once the run is over (stampede --top uses it)\n"
          "      --prometheus ADDR:PORT\n"
          "                        no screen: serve the run's metrics for Prometheus at\n"
          "                        http://ADDR:PORT/metrics until stopped (or the run ends,\n"
          "                        with --exit-when-done)\n"
          "  -h, --help            this help\n"
          "  -V, --version         print the version\n"
          "\n"
          "Keys: q quit, p pause, s/S next/previous sort column, r reverse, h help.\n",
          f);
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option opts[] = {
        {"delay", required_argument, NULL, 'd'},
        {"batch", no_argument, NULL, 'b'},
        {"json", no_argument, NULL, 'J'},
        {"frames", required_argument, NULL, 'n'},
        {"sort", required_argument, NULL, 's'},
        {"reverse", no_argument, NULL, 'r'},
        {"list", no_argument, NULL, 'l'},
        {"dir", required_argument, NULL, 'D'},
        {"exit-when-done", no_argument, NULL, 'E'},
        {"prometheus", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    char *end;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":d:bn:s:rlhV", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            errno = 0;
            o->delay_s = strtod(optarg, &end);
            /* Under 10 ms the viewer would be busy rather than live. */
            if (errno || end == optarg || *end || !isfinite(o->delay_s) || o->delay_s < 0.01 ||
                o->delay_s > 86400) {
                fprintf(stderr, "stampede-top: -d %s: give seconds between 0.01 and 86400 "
                                "(e.g. -d 0.5)\n", optarg);
                return -1;
            }
            break;
        case 'n':
            errno = 0;
            o->frames = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || o->frames < 1) {
                fprintf(stderr, "stampede-top: -n %s: give a number of frames, 1 or more\n",
                        optarg);
                return -1;
            }
            break;
        case 's': {
            int c = 0;
            while (c < TOP_COL_COUNT && strcmp(optarg, top_col_names[c]) != 0)
                c++;
            if (c == TOP_COL_COUNT) {
                fprintf(stderr, "stampede-top: --sort %s: unknown column (see stampede-top "
                                "--help)\n", optarg);
                return -1;
            }
            o->sort = (enum top_col)c;
            break;
        }
        case 'b': o->batch = 1; break;
        case 'J': o->json = o->batch = 1; break;
        case 'r': o->reverse = 1; break;
        case 'l': o->list = 1; break;
        case 'D': o->dir = optarg; break;
        case 'E': o->exit_when_done = 1; break;
        case 'P': o->prometheus = optarg; break;
        case 'h': usage(stdout); exit(0);
        case 'V': puts("stampede-top " PACKAGE_VERSION); exit(0);
        case ':':
            fprintf(stderr, "stampede-top: %s needs a value (see stampede-top --help)\n",
                    argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr, "stampede-top: unknown option %s (see stampede-top --help)\n",
                    argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc - 1) {
        fprintf(stderr, "stampede-top: give one scoreboard file at most (see stampede-top "
                        "--help)\n");
        return -1;
    }
    o->path = optind < argc ? argv[optind] : NULL;
    if (!o->dir)
        o->dir = top_find_default_dir();
    return 0;
}

static int list_runs(const char *dir)
{
    struct top_run *runs;
    size_t n;
    if (top_find_runs(dir, &runs, &n) < 0) {
        fprintf(stderr, "stampede-top: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    if (n == 0)
        printf("no runs in %s (stampede-*.sb)\n", dir);
    for (size_t i = 0; i < n; i++) {
        const struct top_run *r = &runs[i];
        char when[32];
        struct tm tm;
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
                 localtime_r(&r->mtime.tv_sec, &tm));
        if (r->status == TOP_SB_OK)
            printf("%s  %s  parent %-7d %-8s %s\n", r->path, when, r->parent_pid,
                   top_run_parent_gone(r->parent_pid, r->run_state)
                       ? "gone"
                       : top_run_state_name(r->run_state),
                   r->config_name);
        else
            printf("%s  %s  (%s)\n", r->path, when, r->note);
    }
    top_find_free(runs, n);
    return 0;
}

/* Sleeps until the deadline, a signal, or (on the screen) a key, which it returns; -1 if none. */
static int wait_until(int64_t deadline, int screen)
{
    int64_t left = deadline - now_ns();
    int ms = left > 0 ? (int)((left + 999999) / 1000000) : 0;
    if (screen)
        return top_draw_key(ms);
    if (ms > 0)
        poll(NULL, 0, ms);
    return -1;
}

struct viewer {
    struct options *o;
    int screen;                     /* not batch */
    char *path;                     /* owned */
    struct top_sb sb;
    struct top_model m;
    struct top_view v;
    int help;
};

static int key_is_quit(int key)
{
    return key == 'q' || key == 'Q';
}

/* Names the newest run in the directory, waiting for one when there is none. Returns 0, 1 when
 * the user quit first, -1 on an error already printed. */
static int find_run(struct viewer *vw)
{
    int said = 0;
    while (!quit_signal) {
        struct top_run *runs;
        size_t n;
        if (top_find_runs(vw->o->dir, &runs, &n) < 0) {
            top_draw_stop();
            fprintf(stderr, "stampede-top: %s: %s\n", vw->o->dir, strerror(errno));
            return -1;
        }
        const struct top_run *r = top_find_newest(runs, n);
        if (r) {
            vw->path = strdup(r->path);
            if (!vw->screen)
                fprintf(stderr, "stampede-top: %s, the newest of %zu run%s in %s\n", r->path, n,
                        n == 1 ? "" : "s", vw->o->dir);
            top_find_free(runs, n);
            if (!vw->path) {
                top_draw_stop();
                fprintf(stderr, "stampede-top: out of memory\n");
                return -1;
            }
            return 0;
        }
        top_find_free(runs, n);
        char what[256];
        snprintf(what, sizeof(what), "a run in %s", vw->o->dir);
        if (vw->screen)
            top_draw_waiting(what, "no stampede-*.sb there yet");
        else if (!said++)
            fprintf(stderr, "stampede-top: waiting for %s\n", what);
        if (key_is_quit(wait_until(now_ns() + POLL_MS * 1000000LL, vw->screen)))
            return 1;
    }
    return 1;
}

/* Waits for the file to exist and be initialised, then maps it. Returns 0, 1 when the user quit
 * first, 2 when the file is refused (message printed), 3 when a file found by find_run is gone
 * (its run ended in between: look again). */
static int attach(struct viewer *vw)
{
    char err[256];
    int64_t uninit_since = 0;
    while (!quit_signal) {
        enum top_sb_status st = top_sb_open(&vw->sb, vw->path, err, sizeof(err));
        if (st == TOP_SB_OK)
            return 0;
        if (st == TOP_SB_ABSENT && !vw->o->path)
            return 3;
        if (st == TOP_SB_WAIT) {
            int64_t now = now_ns();
            if (!uninit_since)
                uninit_since = now;
            else if (now - uninit_since > INIT_LIMIT_NS) {
                st = TOP_SB_BAD;
                snprintf(err, sizeof(err), "still not initialised after %llds: not a "
                         "scoreboard a run is creating", INIT_LIMIT_NS / 1000000000);
            }
        } else {
            uninit_since = 0;
        }
        if (st == TOP_SB_BAD) {
            top_draw_stop();
            fprintf(stderr, "stampede-top: %s: %s\n", vw->path, err);
            return 2;
        }
        if (vw->screen)
            top_draw_waiting(vw->path, err);
        if (key_is_quit(wait_until(now_ns() + POLL_MS * 1000000LL, vw->screen)))
            return 1;
    }
    return 1;
}

/* A key on the screen. Returns 1 to quit. */
static int on_key(struct viewer *vw, int key)
{
    if (key_is_quit(key))
        return 1;
    if (vw->help && key != KEY_RESIZE) {
        vw->help = 0; /* any key closes the help */
        return 0;
    }
    switch (key) {
    case 'p': case 'P': case ' ':
        vw->v.paused = !vw->v.paused;
        break;
    case 's':
    case '>':
        vw->v.sort = (enum top_col)((vw->v.sort + 1) % TOP_COL_COUNT);
        break;
    case 'S':
    case '<':
        vw->v.sort = (enum top_col)((vw->v.sort + TOP_COL_COUNT - 1) % TOP_COL_COUNT);
        break;
    case 'r': case 'R':
        vw->v.reverse = !vw->v.reverse;
        break;
    case 'h': case 'H': case '?':
        vw->help = 1;
        break;
    default:
        break;
    }
    return 0;
}

static int run_over(const struct viewer *vw)
{
    return vw->m.run_state == SB_RUN_DONE || vw->v.removed || vw->m.parent_gone;
}

static int show_frame(struct viewer *vw, unsigned frame)
{
    if (vw->screen) {
        top_draw_frame(&vw->m, &vw->v, vw->help);
        return 0;
    }
    int rc = vw->o->json ? top_batch_json(stdout, &vw->m, &vw->v, frame)
                         : top_batch_text(stdout, &vw->m, &vw->v);
    if (rc < 0)
        fprintf(stderr, "stampede-top: writing a frame: %s\n", strerror(errno));
    return rc;
}

/* The refresh loop. Returns the exit status. */
static int view(struct viewer *vw)
{
    int64_t delay = (int64_t)(vw->o->delay_s * 1e9);
    int64_t next = now_ns();
    unsigned frames = 0;
    int over_shown = 0;

    if (top_model_init(&vw->m, &vw->sb) < 0) {
        top_draw_stop();
        fprintf(stderr, "stampede-top: %s: out of memory for %u workers\n", vw->path,
                vw->sb.nworkers);
        return 1;
    }
    while (!quit_signal) {
        /* Paused, nothing is read: the screen keeps exactly what it showed. */
        if (!vw->v.paused && now_ns() >= next) {
            /* Gone first, then read: the run marks itself done before removing its file, so
             * a frame that says "removed" also has the final counters. */
            vw->v.removed = vw->v.removed || top_sb_is_gone(&vw->sb);
            if (top_model_sample(&vw->m) < 0)
                vw->v.truncated = 1;
            if (show_frame(vw, ++frames) < 0)
                return 1;
            if (vw->o->frames && frames >= (unsigned long)vw->o->frames)
                return 0;
            /* On the screen the final frame stays up for one interval before quitting. */
            if (vw->o->exit_when_done && run_over(vw) && (!vw->screen || over_shown++))
                return 0;
            next += delay;
            if (next < now_ns())
                next = now_ns() + delay; /* fell behind (a slow terminal): do not race */
        }
        int key = wait_until(vw->v.paused ? now_ns() + 1000000000LL : next, vw->screen);
        if (key < 0)
            continue;
        int was_paused = vw->v.paused;
        if (on_key(vw, key))
            return 0;
        if (was_paused && !vw->v.paused)
            next = now_ns(); /* resuming shows the present at once */
        else
            top_draw_frame(&vw->m, &vw->v, vw->help);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o = {.delay_s = 1, .sort = TOP_COL_WORKER};
    struct viewer vw = {.o = &o};
    int rc;

    if (parse_options(argc, argv, &o) < 0)
        return 2;
    if (o.list)
        return list_runs(o.dir);
    vw.screen = !o.batch && !o.prometheus;

    struct sigaction sa = {.sa_handler = on_quit};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* Started by stampede --top, the viewer shares the run's terminal: Ctrl-C is meant for the
     * run, which stops gracefully while the viewer shows it and quits when it is done. */
    if (o.exit_when_done && vw.screen)
        signal(SIGINT, SIG_IGN);
    else
        sigaction(SIGINT, &sa, NULL);

    if (vw.screen && top_draw_start() < 0)
        return 2;
    /* 0: found and attached, 1: the user quit while waiting, 2: refused, -1: error. */
    int st;
    do {
        free(vw.path);
        vw.path = NULL;
        st = o.path ? ((vw.path = strdup(o.path)) ? 0 : -1) : find_run(&vw);
        if (st == 0)
            st = attach(&vw);
    } while (st == 3);
    if (st == 0) {
        vw.v = (struct top_view){.path = vw.path, .delay_s = o.delay_s, .sort = o.sort,
                                 .reverse = o.reverse};
        rc = o.prometheus ? top_prom_serve(&vw.sb, o.prometheus, o.exit_when_done, &quit_signal)
                          : view(&vw);
        top_model_free(&vw.m);
        top_sb_close(&vw.sb);
    } else {
        rc = st == 1 ? 0 : st == 2 ? 2 : 1;
    }
    top_draw_stop();
    free(vw.path);
    return rc;
}
