/* mpi_run: stampede-mpi's ranks; see mpi_run.h. */
#include "mpi_run.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "merge.h"
#include "mpi_gather.h"
#include "mpi_live.h"
#include "regfile.h"
#include "parent.h"
#include "segment.h"

#define CLOCK_ROUNDS 16              /* round trips per rank; the shortest one counts */
#define TAG_CLOCK 1
#define TAG_TURN 3
#define START_MARGIN_NS 100000000    /* T0 this far past rank 0's now... */
#define START_PER_RANK_NS 20000000   /* ...and this much more per rank */
#define OFFSET_WARN_NS 1000000

struct cluster {
    int rank, size;            /* from the launcher's environment, then checked with MPI's */
    int inited, agreed;
    int verdict;               /* of agree(): 0, or the status every rank stops with */
    uint64_t run_id;
    int64_t offset_ns;         /* rank 0's clock minus this rank's */
    int64_t uncertainty_ns;    /* half the best round trip */
    int64_t *offsets;          /* rank 0: every rank's offset and uncertainty, in pairs */
    struct mpi_live live;      /* the ranks' totals, once a second and at the end */
};

static int env_rank = 0, env_size = 1;

/* A whole decimal number from the environment; -1 when absent or not one. */
static long env_long(const char *name)
{
    const char *s = getenv(name);
    char *end;
    if (!s || !*s)
        return -1;
    long v = strtol(s, &end, 10);
    return *end || v < 0 ? -1 : v;
}

int mpi_run_segment_define(char *buf, size_t len)
{
    static const char *const vars[][2] = {{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
                                          {"PMI_RANK", "PMI_SIZE"},
                                          {"SLURM_PROCID", "SLURM_NTASKS"}};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        long rank = env_long(vars[i][0]), size = env_long(vars[i][1]);
        if (rank < 0 && size < 0)
            continue;
        if (rank < 0 || size < 1 || rank >= size || size > SEGMENT_MAX_COUNT) {
            fprintf(stderr, "stampede-mpi: %s=%s and %s=%s are not a rank and a size\n",
                    vars[i][0], getenv(vars[i][0]) ? getenv(vars[i][0]) : "",
                    vars[i][1], getenv(vars[i][1]) ? getenv(vars[i][1]) : "");
            return -1;
        }
        env_rank = (int)rank;
        env_size = (int)size;
        snprintf(buf, len, "run.segment=%d/%d", env_rank, env_size);
        return 0;
    }
    /* alone, Open MPI's MPI_Init would start its own runtime (a fork, after ours) */
    fputs("stampede-mpi: no MPI rank in the environment: start it with mpirun or srun (one "
          "process alone is what stampede does)\n", stderr);
    return -1;
}

/* MPI_Init, after the workers exist; MPI must see the rank and size the environment gave. */
static void cluster_init(struct cluster *c)
{
    int rank, size;
    /* Open MPI reads its sockets only every so many calls into MPI by default: at one call a
     * second, the ranks' live totals would reach rank 0 seconds late. With this, every call
     * looks (one poll(2), nothing while no call is made); a user's own setting wins. */
    setenv("OMPI_MCA_mpi_event_tick_rate", "1", 0);
    /* The clock round trips are blocking calls, which spin: two ranks sharing a core (pinned,
     * or more ranks than cores) would each hold it while the other must answer, and the round
     * trips take milliseconds. Yielding lets the other run (Open MPI's own choice when it
     * knows the node is oversubscribed). */
    setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
    MPI_Init(NULL, NULL);
    c->inited = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank != c->rank || size != c->size) {
        fprintf(stderr, "stampede-mpi: MPI says rank %d of %d, the launcher's environment %d "
                "of %d (start stampede-mpi with mpirun or srun)\n", rank, size, c->rank, c->size);
        MPI_Abort(MPI_COMM_WORLD, EXIT_SETUP);
    }
}

/* Before any load: every rank ready (status 0) and of one run (the same identity). Rank 0
 * names the ranks that are not; returns the verdict, the same on every rank. */
static int agree(struct cluster *c, int status)
{
    uint64_t mine[2] = {(uint64_t)status, c->run_id}, *all = NULL;
    int verdict = 0;
    c->agreed = 1;
    if (c->rank == 0 && !(all = calloc(2 * (size_t)c->size, sizeof *all)))
        MPI_Abort(MPI_COMM_WORLD, EXIT_RUN_FAILED);
    MPI_Request req;
    MPI_Igather(mine, 2, MPI_UINT64_T, all, 2, MPI_UINT64_T, 0, MPI_COMM_WORLD, &req);
    mpi_idle_wait(&req);
    for (int r = 0; c->rank == 0 && r < c->size; r++) {
        if (all[2 * r] != 0) {
            fprintf(stderr, "stampede-mpi: rank %d stopped before the start (status %d): "
                    "nothing was sent\n", r, (int)all[2 * r]);
            if (!verdict)
                verdict = (int)all[2 * r];
        } else if (all[2 * r + 1] != all[1]) {
            fprintf(stderr, "stampede-mpi: rank %d's configuration is not rank 0's (run "
                    "identity %016" PRIx64 ", not %016" PRIx64 "): give every rank the same "
                    "file and flags; nothing was sent\n", r, all[2 * r + 1], all[1]);
            verdict = verdict ? verdict : EXIT_SETUP;
        }
    }
    free(all);
    MPI_Ibcast(&verdict, 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
    mpi_idle_wait(&req);
    return c->verdict = verdict;
}

/* NTP's way: this rank sends its time, rank 0 answers with its own; over the shortest round
 * trip, rank 0's time was read at its midpoint, give or take half of it. One rank at a time,
 * when rank 0 says so: the others wait idle, not taking the CPU from the two that measure. */
static void measure_clocks(struct cluster *c)
{
    int64_t pair[2] = {0, 0};
    MPI_Request req;
    if (c->rank == 0) {
        for (int r = 1; r < c->size; r++) {
            int turn = 1;
            MPI_Send(&turn, 1, MPI_INT, r, TAG_TURN, MPI_COMM_WORLD);
            for (int k = 0; k < CLOCK_ROUNDS; k++) {
                int64_t t;
                MPI_Recv(&t, 1, MPI_INT64_T, r, TAG_CLOCK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                t = segment_wall_now_ns();
                MPI_Send(&t, 1, MPI_INT64_T, r, TAG_CLOCK, MPI_COMM_WORLD);
            }
        }
    } else {
        int64_t best = INT64_MAX;
        int turn;
        MPI_Irecv(&turn, 1, MPI_INT, 0, TAG_TURN, MPI_COMM_WORLD, &req);
        mpi_idle_wait(&req);
        for (int k = 0; k < CLOCK_ROUNDS; k++) {
            int64_t t1 = segment_wall_now_ns(), t0;
            MPI_Send(&t1, 1, MPI_INT64_T, 0, TAG_CLOCK, MPI_COMM_WORLD);
            MPI_Recv(&t0, 1, MPI_INT64_T, 0, TAG_CLOCK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            int64_t t2 = segment_wall_now_ns();
            if (t2 - t1 < best) {
                best = t2 - t1;
                c->offset_ns = t0 - (t1 + (t2 - t1) / 2);
                c->uncertainty_ns = (best + 1) / 2;
            }
        }
        pair[0] = c->offset_ns;
        pair[1] = c->uncertainty_ns;
    }
    if (c->rank == 0 && !(c->offsets = calloc(2 * (size_t)c->size, sizeof *c->offsets)))
        MPI_Abort(MPI_COMM_WORLD, EXIT_RUN_FAILED);
    MPI_Igather(pair, 2, MPI_INT64_T, c->offsets, 2, MPI_INT64_T, 0, MPI_COMM_WORLD, &req);
    mpi_idle_wait(&req);
}

/* parent.c calls this once this rank's workers are ready: the cluster's barrier and T0. */
static int on_ready(void *arg, int64_t *start_at_ns)
{
    struct cluster *c = arg;
    cluster_init(c);
    int verdict = agree(c, 0);
    if (verdict)
        return verdict;
    MPI_Request req;
    MPI_Ibarrier(MPI_COMM_WORLD, &req);
    mpi_idle_wait(&req);
    measure_clocks(c);
    int64_t t0 = segment_wall_now_ns() + START_MARGIN_NS + START_PER_RANK_NS * c->size;
    MPI_Ibcast(&t0, 1, MPI_INT64_T, 0, MPI_COMM_WORLD, &req);
    mpi_idle_wait(&req);
    /* rank 0's moment on this rank's clock; an offset within its own uncertainty is noise of
     * the round trips (ranks on one host share a clock), not worth a correction */
    int64_t off = llabs(c->offset_ns) > c->uncertainty_ns ? c->offset_ns : 0;
    *start_at_ns = t0 - off;
    c->live.clock_fix_ns = off; /* the ranks' release times, on rank 0's clock */
    return 0;
}

static void on_live(void *arg, struct sb_header *sb, enum parent_stage stage)
{
    struct cluster *c = arg;
    mpi_live_stage(&c->live, sb, stage);
}

/* The file's contents (NUL-terminated) in *out; its length, 0 when it is missing or empty. */
static int read_whole(const char *path, char **out)
{
    size_t len = 0;
    const char *why;
    *out = NULL;
    if (regfile_read(path, INT_MAX - 1, "larger than 2 GiB", out, &len, &why) < 0)
        return 0;
    return (int)len;
}

/* The latest and the earliest of the ranks' releases (rank 0's clock), known: the rest 0. */
static int64_t start_spread(const struct cluster *c)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int r = 0; r < c->size; r++) {
        int64_t t = atomic_load(&c->live.rows[r].t.started_at_ns);
        if (t) {
            lo = t < lo ? t : lo;
            hi = t > hi ? t : hi;
        }
    }
    return hi >= lo ? hi - lo : 0;
}

/* One line per rank: its totals as rank 0 last had them, its clock's offset. */
static void print_ranks(const struct cluster *c, int live)
{
    printf("  rank  %-20s %10s %10s %10s  %s\n", "host", "requests", "ok", "failed",
           live ? "state, last heard" : "clock offset to rank 0");
    int64_t now = now_ns();
    for (int r = 0; r < c->size; r++) {
        const struct sb_rank *row = &c->live.rows[r];
        const struct sb_rank_totals *t = &row->t;
        uint64_t ok = sb_get(&t->requests_ok), failed = sb_get(&t->requests_failed);
        printf("  %4d  %-20.20s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "  ", r,
               row->host[0] ? row->host : "?", ok + failed, ok, failed);
        if (live)
            printf("%s, %.1fs ago\n", mpi_live_state_name(atomic_load(&row->state)),
                   atomic_load(&row->updates) ? (double)(now - atomic_load(&row->updated_ns)) / 1e9
                                              : 0.0);
        else if (r == 0)
            puts("(the reference)");
        else
            printf("%+.1fus ±%.1fus\n", (double)c->offsets[2 * r] / 1e3,
                   (double)c->offsets[2 * r + 1] / 1e3);
    }
}

/* The cluster's lines under the summary: the ranks' start spread, their totals and clock
 * offsets; a warning when a clock is more than 1 ms off. */
static void print_cluster(const struct cluster *c)
{
    if (c->size < 2 || !c->offsets)
        return;
    printf("cluster     %d ranks; clock offsets to rank 0 corrected at the start; the ranks "
           "started within %.3f ms\n", c->size, (double)start_spread(c) / 1e6);
    print_ranks(c, 0);
    fflush(stdout);
    for (int r = 1; r < c->size; r++)
        if (llabs(c->offsets[2 * r]) > OFFSET_WARN_NS || c->offsets[2 * r + 1] > OFFSET_WARN_NS)
            fprintf(stderr, "stampede-mpi: warning: rank %d's clock is %+.3fms ±%.3fms off rank "
                    "0's, over 1 ms (synchronise the hosts' clocks with NTP or chrony; on busy "
                    "hosts the round trips are slow and the measure worse)\n", r,
                    (double)c->offsets[2 * r] / 1e6, (double)c->offsets[2 * r + 1] / 1e6);
}

/* The "cluster" object of rank 0's merged JSON: the ranks, their hosts, clock offsets, actual
 * release times and exact totals. */
static json_t *cluster_json(const struct cluster *c)
{
    json_t *ranks = json_array();
    for (int r = 0; r < c->size; r++) {
        const struct sb_rank *row = &c->live.rows[r];
        const struct sb_rank_totals *t = &row->t;
        json_array_append_new(ranks, json_pack(
            "{s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}, s:{s:I, s:I, s:I},"
            " s:{s:I, s:I}, s:I, s:{s:I, s:I, s:I, s:I}, s:I}",
            "rank", r, "host", row->host, "state", mpi_live_state_name(atomic_load(&row->state)),
            "offset_ns", (json_int_t)c->offsets[2 * r],
            "uncertainty_ns", (json_int_t)c->offsets[2 * r + 1],
            "started_at_ns", (json_int_t)atomic_load(&t->started_at_ns),
            "workers", (json_int_t)sb_get(&t->workers),
            "clients", "planned", (json_int_t)sb_get(&t->clients_planned),
            "started", (json_int_t)sb_get(&t->clients_started),
            "active", (json_int_t)sb_get(&t->clients_active),
            "requests", "started", (json_int_t)sb_get(&t->requests_started),
            "ok", (json_int_t)sb_get(&t->requests_ok),
            "failed", (json_int_t)sb_get(&t->requests_failed),
            "bytes", "sent", (json_int_t)sb_get(&t->bytes_sent),
            "received", (json_int_t)sb_get(&t->bytes_received),
            "connections_opened", (json_int_t)sb_get(&t->conn_opened),
            "latency_us", "count", (json_int_t)sb_get(&t->latency_count),
            "p50", (json_int_t)sb_get(&t->p50_us), "p99", (json_int_t)sb_get(&t->p99_us),
            "max", (json_int_t)sb_get(&t->max_us),
            "cpu_ns", (json_int_t)sb_get(&t->cpu_ns)));
    }
    return json_pack("{s:i, s:I, s:o}", "size", c->size, "start_spread_ns",
                     (json_int_t)start_spread(c), "ranks", ranks);
}

/* Adds the cluster object to the merged JSON file. Returns 0, or -1 after a message. */
static int add_cluster_json(const struct cluster *c, const char *path)
{
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    json_t *cl = root ? cluster_json(c) : NULL;
    char *text = cl && json_object_set_new(root, "cluster", cl) == 0
                     ? json_dumps(root, JSON_COMPACT) : NULL;
    FILE *f = text ? fopen(path, "w") : NULL;
    int rc = f && fprintf(f, "%s\n", text) >= 0 ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "stampede-mpi: %s: could not add the cluster's figures to it\n", path);
    free(text);
    json_decref(root);
    return rc;
}

/* Rank 0: every rank's JSON in a file of its own, merged; returns merge's status. */
static int merge_ranks(const struct cluster *c, const char *own, char *texts, const int *lens,
                       const int *displs, const char *json_out)
{
    char **argv = calloc((size_t)c->size + 4, sizeof *argv);
    int argc = 0, rc = EXIT_RUN_FAILED;
    if (!argv)
        return rc;
    argv[argc++] = "merge";
    if (json_out) {
        argv[argc++] = "--json";
        argv[argc++] = (char *)json_out;
    }
    int first = argc;
    argv[argc++] = (char *)own;
    for (int r = 1; r < c->size; r++) {
        const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        char *path;
        if (asprintf(&path, "%s/stampede-mpi-rank%d-XXXXXX", dir, r) < 0)
            goto out;
        argv[argc++] = path;
        int fd = mkstemp(path);
        if (fd < 0 || write(fd, texts + displs[r], (size_t)lens[r]) != lens[r]) {
            perror("stampede-mpi: a rank's results in a temporary file");
            if (fd >= 0)
                close(fd);
            goto out;
        }
        close(fd);
    }
    rc = merge_main(argc, argv);
out:
    for (int i = first + 1; i < argc; i++) {
        unlink(argv[i]);
        free(argv[i]);
    }
    free(argv);
    return rc;
}

/* After the run: the ranks' statuses and JSON to rank 0, which prints the merged summary;
 * returns the status every rank exits with. */
static int gather_results(struct cluster *c, int status, const char *own, const char *json_out)
{
    char *text = NULL;
    int mine[2] = {status, own ? read_whole(own, &text) : 0};
    int *all = NULL, *lens = NULL, *displs = NULL, final = 0;
    char *texts = NULL;
    if (c->rank == 0) {
        all = calloc(2 * (size_t)c->size, sizeof *all);
        lens = calloc((size_t)c->size, sizeof *lens);
        displs = calloc((size_t)c->size, sizeof *displs);
        if (!all || !lens || !displs)
            MPI_Abort(MPI_COMM_WORLD, EXIT_RUN_FAILED);
    }
    MPI_Request req;
    MPI_Igather(mine, 2, MPI_INT, all, 2, MPI_INT, 0, MPI_COMM_WORLD, &req);
    mpi_idle_wait(&req);
    size_t total = 0;
    for (int r = 0; c->rank == 0 && r < c->size; r++) {
        lens[r] = all[2 * r + 1];
        displs[r] = (int)total;
        total += (size_t)lens[r];
    }
    if (c->rank == 0 && !(texts = malloc(total + 1)))
        MPI_Abort(MPI_COMM_WORLD, EXIT_RUN_FAILED);
    MPI_Igatherv(text, mine[1], MPI_CHAR, texts, lens, displs, MPI_CHAR, 0, MPI_COMM_WORLD, &req);
    mpi_idle_wait(&req);
    if (c->rank == 0) {
        int missing = 0, sig = 0, other = 0;
        for (int r = 0; r < c->size; r++) {
            if (all[2 * r] >= 128 && !sig)
                sig = all[2 * r];
            else if (all[2 * r] && !other)
                other = all[2 * r];
            if (lens[r] == 0) {
                fprintf(stderr, "stampede-mpi: rank %d has no results (status %d)\n", r,
                        all[2 * r]);
                missing = 1;
            }
        }
        int merged = missing ? EXIT_RUN_FAILED
                             : merge_ranks(c, own, texts, lens, displs, json_out);
        if (!missing && json_out && c->size > 1 && c->offsets &&
            add_cluster_json(c, json_out) < 0 && !merged)
            merged = EXIT_RUN_FAILED;
        print_cluster(c);
        final = sig ? sig : merged ? merged : other;
    }
    MPI_Ibcast(&final, 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
    mpi_idle_wait(&req);
    free(text);
    free(texts);
    free(all);
    free(lens);
    free(displs);
    return final;
}

/* "PATH.rankN", for the per-request outputs of one rank. */
static char *rank_path(const char *path, int rank)
{
    char *p = NULL;
    if (path && asprintf(&p, "%s.rank%d", path, rank) < 0) {
        fputs("stampede-mpi: out of memory\n", stderr);
        exit(EXIT_RUN_FAILED);
    }
    return p;
}

/* This rank's own --json: PATH.rankN next to the merged PATH, else a temporary file. */
static char *own_json_path(const char *json_out, int rank)
{
    if (json_out)
        return rank_path(json_out, rank);
    const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *p = NULL;
    if (asprintf(&p, "%s/stampede-mpi-%d-rank%d.json", dir, (int)getpid(), rank) < 0) {
        fputs("stampede-mpi: out of memory\n", stderr);
        exit(EXIT_RUN_FAILED);
    }
    return p;
}

/* Rank 0, when a rank was lost: what can be known without it. Its own share's summary (what
 * its stdout took during the run), the lost ranks named, every rank's last live figures. */
static void print_lost(const struct cluster *c, FILE *own_summary, const char *own,
                       const char *json_out)
{
    fprintf(stderr, "stampede-mpi:");
    for (int r = 1; r < c->size; r++)
        if (atomic_load(&c->live.rows[r].state) == SB_RANK_LOST)
            fprintf(stderr, " rank %d", r);
    fprintf(stderr, " did not finish (died, or went silent): no merged summary; below, rank 0's "
            "own share and every rank's last live figures\n");
    if (own_summary) {
        char buf[4096];
        size_t n;
        rewind(own_summary);
        fputs("rank 0's own share of the run:\n", stdout);
        while ((n = fread(buf, 1, sizeof(buf), own_summary)) > 0)
            fwrite(buf, 1, n, stdout);
    }
    printf("ranks       last live figures (sent every second: not exact)\n");
    print_ranks(c, 1);
    fflush(stdout);
    if (json_out)
        fprintf(stderr, "stampede-mpi: every rank that finished wrote its own results to "
                "%s.rankN; `stampede merge` adds them up once every rank's file is there\n",
                json_out);
    else
        fprintf(stderr, "stampede-mpi: rank 0's own results are in %s, the other finished "
                "ranks' in their $TMPDIR/stampede-mpi-*-rankN.json; `stampede merge` adds them "
                "up once every rank's file is there (give --json to name them)\n", own);
}

int mpi_run(struct config *cfg, int failed_status)
{
    struct cluster c = {.rank = env_rank, .size = env_size};
    int status = failed_status;
    char *own = NULL, *trace = NULL, *phout = NULL, *hdr = NULL;
    const char *trace_given = cfg ? cfg->trace_path : NULL;
    const char *phout_given = cfg ? cfg->phout_path : NULL;
    const char *json_out = cfg ? cfg->json_path : NULL;
    FILE *own_summary = NULL;
    if (mpi_live_init(&c.live, c.rank, c.size) < 0) {
        fputs("stampede-mpi: out of memory\n", stderr);
        status = EXIT_RUN_FAILED;
        cfg = NULL;
    }
    if (cfg) {
        c.run_id = segment_run_id(cfg);
        own = own_json_path(json_out, c.rank);
        trace = rank_path(cfg->trace_path, c.rank);
        phout = rank_path(cfg->phout_path, c.rank);
        hdr = rank_path(cfg->hdr_log, c.rank);
        char *hdr_given = cfg->hdr_log;
        cfg->json_path = own;
        cfg->trace_path = trace;
        cfg->phout_path = phout;
        cfg->hdr_log = hdr;
        cfg->quiet |= c.rank != 0; /* rank 0's progress lines only */
        /* each rank's own summary is only a part: rank 0 prints the merged one, and keeps its
         * own for when a rank is lost */
        fflush(stdout);
        own_summary = c.rank == 0 ? tmpfile() : NULL;
        int saved = dup(1), null = own_summary ? dup(fileno(own_summary))
                                               : open("/dev/null", O_WRONLY);
        if (saved >= 0 && null >= 0)
            dup2(null, 1);
        if (null >= 0)
            close(null);
        struct parent_cluster pc = {on_ready, on_live, &c, (unsigned)c.rank, (unsigned)c.size,
                                    c.rank == 0 ? (unsigned)c.size : 0};
        status = parent_run_cluster(cfg, &pc);
        fflush(stdout);
        if (saved >= 0) {
            dup2(saved, 1);
            close(saved);
        }
        cfg->hdr_log = hdr_given;
        cfg->json_path = json_out;
    }
    if (!c.inited)
        cluster_init(&c);
    if (!c.agreed) /* stopped before the barrier: the others must not start either */
        agree(&c, status ? status : EXIT_RUN_FAILED);
    if (c.rank == 0 && c.live.lost) {
        /* the collectives would wait for the lost rank forever: the launcher ends the job */
        print_lost(&c, own_summary, own, json_out);
        fflush(stderr);
        _exit(status >= 128 ? status : EXIT_RUN_FAILED);
    }
    if (own_summary)
        fclose(own_summary);
    /* a refused start is every rank's verdict already; a run has results to gather */
    int rc = c.verdict ? c.verdict : gather_results(&c, status, own, json_out);
    if (!c.verdict && cfg && cfg->gather) {
        int lost = 0; /* collective calls: the same order on every rank */
        if (trace && mpi_gather_file(c.rank, c.size, "--trace", trace, trace_given) < 0)
            lost = 1;
        if (phout && mpi_gather_file(c.rank, c.size, "--phout", phout, phout_given) < 0)
            lost = 1;
        if (lost && rc == EXIT_DONE)
            rc = EXIT_RUN_FAILED;
    }
    if (own && !json_out)
        unlink(own);
    free(own);
    free(trace);
    free(phout);
    free(hdr);
    free(c.offsets);
    mpi_live_free(&c.live);
    MPI_Finalize();
    return rc;
}
