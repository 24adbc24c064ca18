/* scoreboard: creating, sizing and mapping the shared file; see scoreboard.h for the layout. */
#include "scoreboard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) / a * a;
}

int sb_create(struct scoreboard *sb, const char *path, unsigned nworkers, unsigned nrequests,
              unsigned nextras, const char *const *extra_names, unsigned nchecks,
              unsigned nranks)
{
    size_t slot_size = align_up(sizeof(struct sb_slot), 64);
    size_t reqstat_size = align_up(sizeof(struct sb_reqstat), 64);
    size_t slots_off = SB_HEADER_SIZE;
    size_t reqstats_off = align_up(slots_off + slot_size * nworkers, 4096);
    size_t names_off = align_up(reqstats_off + reqstat_size * nworkers * nrequests, 64);
    size_t extras_off = align_up(names_off + (size_t)SB_NAME_MAX * nextras, 64);
    size_t checks_off = align_up(extras_off + sizeof(uint64_t) * nworkers * nextras, 64);
    size_t rank_size = align_up(sizeof(struct sb_rank), 64);
    size_t ranks_off = align_up(checks_off + sizeof(uint64_t) * 2 * nworkers * nchecks, 64);
    size_t size = align_up(ranks_off + rank_size * nranks, 4096);

    memset(sb, 0, sizeof(*sb));
    int fd = outfile_create_new(path);
    struct stat st;
    if (fd < 0 && errno == EEXIST && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        fprintf(stderr, "stampede: scoreboard %s: is a symbolic link (refused: give the file's "
                        "own path with --scoreboard)\n", path);
        return -1;
    }
    if (fd < 0) {
        fprintf(stderr, "stampede: scoreboard %s: %s (%s)\n", path, strerror(errno),
                errno == EEXIST ? "remove the stale file or choose another path with --scoreboard"
                                : "choose a writable path with --scoreboard");
        return -1;
    }
    if (ftruncate(fd, (off_t)size) < 0) {
        fprintf(stderr, "stampede: scoreboard %s: cannot size it to %zu bytes: %s\n", path, size,
                strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        fprintf(stderr, "stampede: scoreboard %s: mmap: %s\n", path, strerror(errno));
        unlink(path);
        return -1;
    }
    sb->hdr = p;
    sb->size = size;
    sb->path = strdup(path);

    struct sb_header *h = sb->hdr;
    h->version = SB_VERSION;
    h->header_size = SB_HEADER_SIZE;
    h->slot_size = (uint32_t)slot_size;
    h->reqstat_size = (uint32_t)reqstat_size;
    h->slots_offset = slots_off;
    h->reqstats_offset = reqstats_off;
    h->file_size = size;
    h->extra_names_offset = names_off;
    h->extras_offset = extras_off;
    h->nworkers = nworkers;
    h->nrequests = nrequests;
    h->nextras = nextras;
    h->checks_offset = checks_off;
    h->nchecks = nchecks;
    h->nranks = nranks;
    h->rank_size = (uint32_t)rank_size;
    h->ranks_offset = ranks_off;
    for (unsigned i = 0; i < nextras; i++)
        snprintf((char *)h + names_off + (size_t)i * SB_NAME_MAX, SB_NAME_MAX, "%s",
                 extra_names[i]);
    h->parent_pid = (int32_t)getpid();
    for (unsigned w = 0; w < nworkers; w++) {
        struct sb_slot *s = sb_slot(h, w);
        atomic_store(&s->exit_code, -1);
        hist_init(&s->latency);
        hist_init(&s->latency_failed);
        hist_init(&s->connect);
        hist_init(&s->intended);
        hist_init(&s->lag);
        hist_init(&s->chan.latency);
        for (unsigned r = 0; r < nrequests; r++) {
            hist_init(&sb_reqstat(h, w, r)->latency);
            hist_init(&sb_reqstat(h, w, r)->chan.latency);
        }
    }
    /* The magic goes last, so a reader never accepts a half-initialised file. */
    atomic_thread_fence(memory_order_release);
    memcpy(h->magic, SB_MAGIC, sizeof(h->magic));
    return 0;
}

void sb_close(struct scoreboard *sb, int keep)
{
    if (sb->hdr)
        munmap(sb->hdr, sb->size);
    if (sb->path && !keep)
        unlink(sb->path);
    free(sb->path);
    memset(sb, 0, sizeof(*sb));
}

void sb_counters_add(struct sb_counters *dst, const struct sb_counters *src)
{
    /* The struct is nothing but uint64 counters; walk it as an array. */
    _Atomic uint64_t *d = (_Atomic uint64_t *)dst;
    const _Atomic uint64_t *s = (const _Atomic uint64_t *)src;
    for (size_t i = 0; i < sizeof(*dst) / sizeof(uint64_t); i++)
        sb_add(&d[i], sb_get(&s[i]));
}

void sb_rank_totals_copy(struct sb_rank_totals *dst, const struct sb_rank_totals *src)
{
    _Atomic uint64_t *d = (_Atomic uint64_t *)dst;
    const _Atomic uint64_t *s = (const _Atomic uint64_t *)src;
    for (size_t i = 0; i < sizeof(*dst) / sizeof(uint64_t); i++)
        atomic_store_explicit(&d[i], sb_get(&s[i]), memory_order_relaxed);
}

void sb_channels_add(struct sb_channels *dst, const struct sb_channels *src)
{
    /* the counters before the histogram, walked as an array */
    _Atomic uint64_t *d = (_Atomic uint64_t *)dst;
    const _Atomic uint64_t *s = (const _Atomic uint64_t *)src;
    for (size_t i = 0; i < offsetof(struct sb_channels, latency) / sizeof(uint64_t); i++)
        sb_add(&d[i], sb_get(&s[i]));
    hist_add(&dst->latency, &src->latency);
}

_Static_assert(sizeof(struct sb_header) <= SB_HEADER_SIZE, "the header outgrew its page");

int sb_stop_request(struct sb_header *h, uint32_t who, int failed, const char *plugin,
                    const char *reason)
{
    uint32_t none = 0;
    /* several workers may stop at once: one writer for the fields below */
    if (!atomic_compare_exchange_strong(&h->stop_claimed, &none, 1))
        return 0;
    h->stop_failed = failed ? 1 : 0;
    snprintf(h->stop_plugin, sizeof(h->stop_plugin), "%s", plugin ? plugin : "");
    snprintf(h->stop_reason, sizeof(h->stop_reason), "%s", reason ? reason : "");
    atomic_store_explicit(&h->stop_by, who, memory_order_release);
    return 1;
}

const char *sb_close_code_name(unsigned slot, char buf[SB_CLOSE_NAME_MAX])
{
    if (slot >= SB_CLOSE_CODES - 1)
        return "other";
    snprintf(buf, SB_CLOSE_NAME_MAX, "%u", SB_CLOSE_CODE_FIRST + slot);
    return buf;
}
