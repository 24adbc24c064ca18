/* sbread: samples a stampede scoreboard while the run goes on, for the benchmark's ramp check.
 *
 *   sbread [-i MS] [-t SECONDS] [-p] PATH
 *
 * Waits (up to -t seconds) for PATH to exist and carry a valid header, then for the release
 * (t0), and prints one line every -i milliseconds (default 100) until the run is done:
 *
 *   t_ms started active done requests started_w0 started_w1 ...
 *
 * t_ms is CLOCK_MONOTONIC minus the scoreboard's T0, read just before the counters, so a line
 * says how many clients had started by then. With -p it prints "pids PARENT W0 W1 ..." once
 * the workers have written their pids, and exits. Only reads: the mapping is PROT_READ. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "scoreboard.h"

static void sleep_ns(int64_t ns)
{
    struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Maps PATH once its header is complete; NULL until then. */
static const struct sb_header *try_map(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size < SB_HEADER_SIZE) {
        close(fd);
        return NULL;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return NULL;
    const struct sb_header *h = p;
    /* the writer sets the magic last */
    if (memcmp(h->magic, SB_MAGIC, sizeof(h->magic)) != 0 || h->file_size > (uint64_t)st.st_size) {
        munmap(p, (size_t)st.st_size);
        return NULL;
    }
    atomic_thread_fence(memory_order_acquire);
    *size = (size_t)st.st_size;
    return h;
}

int main(int argc, char **argv)
{
    long interval_ms = 100, timeout_s = 120;
    int pids = 0, ch;
    while ((ch = getopt(argc, argv, "i:t:p")) != -1) {
        switch (ch) {
        case 'i': interval_ms = strtol(optarg, NULL, 10); break;
        case 't': timeout_s = strtol(optarg, NULL, 10); break;
        case 'p': pids = 1; break;
        default: goto usage;
        }
    }
    if (optind != argc - 1 || interval_ms < 1 || timeout_s < 1)
        goto usage;

    const char *path = argv[optind];
    int64_t deadline = now_ns() + (int64_t)timeout_s * 1000000000;
    size_t size = 0;
    const struct sb_header *h;
    while (!(h = try_map(path, &size))) {
        if (now_ns() > deadline) {
            fprintf(stderr, "sbread: %s: no valid scoreboard after %lds\n", path, timeout_s);
            return 1;
        }
        sleep_ns(10 * 1000000);
    }
    if (h->version != SB_VERSION) {
        fprintf(stderr, "sbread: %s: layout version %u, this reader knows %u (rebuild it)\n",
                path, h->version, SB_VERSION);
        return 1;
    }

    if (pids) {
        for (;;) {
            unsigned have = 0;
            for (unsigned w = 0; w < h->nworkers; w++)
                have += atomic_load(&sb_slot(h, w)->pid) != 0;
            if (have == h->nworkers)
                break;
            if (now_ns() > deadline) {
                fprintf(stderr, "sbread: %s: workers did not start in time\n", path);
                return 1;
            }
            sleep_ns(10 * 1000000);
        }
        printf("pids %d", h->parent_pid);
        for (unsigned w = 0; w < h->nworkers; w++)
            printf(" %d", atomic_load(&sb_slot(h, w)->pid));
        putchar('\n');
        return 0;
    }

    int64_t t0;
    while ((t0 = atomic_load(&((struct sb_header *)h)->t0_ns)) == 0) {
        if (now_ns() > deadline) {
            fprintf(stderr, "sbread: %s: the run was not released in time\n", path);
            return 1;
        }
        sleep_ns(1000000);
    }

    /* Sample on a fixed grid from T0, so that lines are interval_ms apart however long a
     * print takes. */
    int64_t step = interval_ms * 1000000, next = t0;
    for (;;) {
        int64_t now = now_ns();
        uint32_t state = atomic_load(&((struct sb_header *)h)->run_state);
        uint64_t started = 0, active = 0, done = 0, reqs = 0;
        for (unsigned w = 0; w < h->nworkers; w++) {
            const struct sb_slot *s = sb_slot(h, w);
            started += sb_get(&s->c.clients_started);
            active += sb_get(&s->c.clients_active);
            done += sb_get(&s->c.clients_done);
            reqs += sb_get(&s->c.requests_ok) + sb_get(&s->c.requests_failed);
        }
        printf("%.1f %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, (double)(now - t0) / 1e6,
               started, active, done, reqs);
        for (unsigned w = 0; w < h->nworkers; w++)
            printf(" %" PRIu64, sb_get(&sb_slot(h, w)->c.clients_started));
        putchar('\n');
        fflush(stdout);
        if (state == SB_RUN_DONE || now > deadline)
            break;
        next += step;
        now = now_ns();
        if (next > now)
            sleep_ns(next - now);
    }
    munmap((void *)h, size);
    return 0;

usage:
    fputs("usage: sbread [-i MS] [-t SECONDS] [-p] SCOREBOARD\n", stderr);
    return 2;
}
