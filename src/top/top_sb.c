/* top_sb: checking and mapping a scoreboard file for reading; see top_sb.h. */
#include "top_sb.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bounds no real run comes near; they keep a corrupted header from asking for absurd memory. */
#define TOP_SB_MAX_WORKERS 65536u
#define TOP_SB_MAX_EXTRAS 65536u
#define TOP_SB_MAX_RECORD (64u << 20)
#define TOP_SB_MAX_RANKS 65536u

static enum top_sb_status say(enum top_sb_status st, char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return st;
}

/* 1 when [off, off + n * size) lies inside file_size and off is aligned for 64-bit atomics. */
static int region_fits(uint64_t off, uint64_t n, uint64_t size, uint64_t file_size)
{
    uint64_t bytes, end;
    if (off % 8 || __builtin_mul_overflow(n, size, &bytes) ||
        __builtin_add_overflow(off, bytes, &end))
        return 0;
    return end <= file_size;
}

/* Checks a header copy against the file's size; returns TOP_SB_OK or TOP_SB_BAD with a reason. */
static enum top_sb_status check_layout(const struct sb_header *h, uint64_t file_size, char *err,
                                       size_t len)
{
    if (h->header_size != SB_HEADER_SIZE || h->slot_size < sizeof(struct sb_slot) ||
        h->slot_size > TOP_SB_MAX_RECORD || h->slot_size % 8 ||
        h->reqstat_size < sizeof(struct sb_reqstat) || h->reqstat_size > TOP_SB_MAX_RECORD ||
        h->reqstat_size % 8)
        return say(TOP_SB_BAD, err, len, "corrupted scoreboard (record sizes in the header are "
                                         "wrong for layout version %u)", SB_VERSION);
    if (h->nworkers == 0 || h->nworkers > TOP_SB_MAX_WORKERS || h->nextras > TOP_SB_MAX_EXTRAS)
        return say(TOP_SB_BAD, err, len, "corrupted scoreboard (%" PRIu32 " workers, %" PRIu32
                                         " extra counters)", h->nworkers, h->nextras);
    if (h->nranks > TOP_SB_MAX_RANKS || h->nranks > h->cluster_size ||
        (h->nranks && (h->rank_size < sizeof(struct sb_rank) ||
                       h->rank_size > TOP_SB_MAX_RECORD || h->rank_size % 8)))
        return say(TOP_SB_BAD, err, len, "corrupted scoreboard (%" PRIu32 " rank rows of %" PRIu32
                                         " bytes, in a cluster of %" PRIu32 ")", h->nranks,
                   h->rank_size, h->cluster_size);
    if (file_size < h->file_size)
        return say(TOP_SB_BAD, err, len, "truncated scoreboard (%" PRIu64 " bytes, its header "
                                         "says %" PRIu64 ")", file_size, h->file_size);
    if (file_size != h->file_size)
        return say(TOP_SB_BAD, err, len, "corrupted scoreboard (%" PRIu64 " bytes, its header "
                                         "says %" PRIu64 ")", file_size, h->file_size);
    uint64_t nreq;
    if (h->slots_offset < SB_HEADER_SIZE ||
        !region_fits(h->slots_offset, h->nworkers, h->slot_size, file_size) ||
        __builtin_mul_overflow((uint64_t)h->nworkers, (uint64_t)h->nrequests, &nreq) ||
        !region_fits(h->reqstats_offset, nreq, h->reqstat_size, file_size) ||
        !region_fits(h->extra_names_offset, h->nextras, SB_NAME_MAX, file_size) ||
        !region_fits(h->extras_offset, (uint64_t)h->nworkers * h->nextras, sizeof(uint64_t),
                     file_size) ||
        !region_fits(h->ranks_offset, h->nranks, h->rank_size, file_size))
        return say(TOP_SB_BAD, err, len, "corrupted scoreboard (a region lies outside the "
                                         "%" PRIu64 "-byte file)", file_size);
    return TOP_SB_OK;
}

/* Everything up to the mapping, on a header read with pread so that a short or hostile file is
 * judged before a single byte of it is mapped. */
static enum top_sb_status check_file(int fd, struct stat *st, struct sb_header *h, char *err,
                                     size_t len)
{
    static const char zero[8];
    if (fstat(fd, st) < 0)
        return say(TOP_SB_BAD, err, len, "%s", strerror(errno));
    if (!S_ISREG(st->st_mode))
        return say(TOP_SB_BAD, err, len, "not a regular file, so not a scoreboard");
    /* sb_create makes the file, then sizes it in one step: empty means "being created". */
    if (st->st_size == 0)
        return say(TOP_SB_WAIT, err, len, "empty file, waiting for the run to initialise it");
    if ((uint64_t)st->st_size < SB_HEADER_SIZE)
        return say(TOP_SB_BAD, err, len, "too small to be a scoreboard (%jd bytes)",
                   (intmax_t)st->st_size);
    ssize_t n = pread(fd, h, sizeof(*h), 0);
    if (n < 0)
        return say(TOP_SB_BAD, err, len, "%s", strerror(errno));
    if ((size_t)n < sizeof(*h))
        return say(TOP_SB_BAD, err, len, "truncated while reading its header");
    /* The magic is written last: zeros are a run still filling in its header. */
    if (memcmp(h->magic, zero, sizeof(zero)) == 0)
        return say(TOP_SB_WAIT, err, len, "not initialised yet, waiting for the run");
    if (memcmp(h->magic, SB_MAGIC, sizeof(h->magic)) != 0)
        return say(TOP_SB_BAD, err, len, "not a stampede scoreboard (no STAMPSB magic)");
    if (h->version != SB_VERSION)
        return say(TOP_SB_BAD, err, len,
                   "scoreboard layout version %" PRIu32 ", this stampede-top reads version %u "
                   "(use the stampede-top of the stampede that wrote it)",
                   h->version, SB_VERSION);
    return check_layout(h, (uint64_t)st->st_size, err, len);
}

enum top_sb_status top_sb_open(struct top_sb *sb, const char *path, char *err, size_t errlen)
{
    struct sb_header h;
    struct stat st;
    memset(sb, 0, sizeof(*sb));
    sb->fd = -1;
    /* O_NONBLOCK: a FIFO planted at the path must not hang the viewer in open(). */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return errno == ENOENT ? say(TOP_SB_ABSENT, err, errlen, "no such file yet")
                               : say(TOP_SB_BAD, err, errlen, "%s", strerror(errno));
    enum top_sb_status rc = check_file(fd, &st, &h, err, errlen);
    if (rc != TOP_SB_OK) {
        close(fd);
        return rc;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        rc = say(TOP_SB_BAD, err, errlen, "mmap: %s", strerror(errno));
        close(fd);
        return rc;
    }
    sb->path = strdup(path);
    if (!sb->path) {
        munmap(p, (size_t)st.st_size);
        close(fd);
        return say(TOP_SB_BAD, err, errlen, "out of memory");
    }
    sb->fd = fd;
    sb->hdr = p;
    sb->size = (size_t)st.st_size;
    sb->dev = st.st_dev;
    sb->ino = st.st_ino;
    sb->nworkers = h.nworkers;
    sb->nextras = h.nextras;
    sb->slots_offset = h.slots_offset;
    sb->slot_size = h.slot_size;
    sb->extra_names_offset = h.extra_names_offset;
    sb->extras_offset = h.extras_offset;
    sb->nrequests = h.nrequests;
    sb->reqstats_offset = h.reqstats_offset;
    sb->reqstat_size = h.reqstat_size;
    sb->cluster_rank = h.cluster_rank;
    sb->cluster_size = h.cluster_size;
    sb->nranks = h.nranks;
    sb->ranks_offset = h.ranks_offset;
    sb->rank_size = h.rank_size;
    return TOP_SB_OK;
}

void top_sb_close(struct top_sb *sb)
{
    if (sb->hdr)
        munmap((void *)sb->hdr, sb->size);
    if (sb->fd >= 0)
        close(sb->fd);
    free(sb->path);
    memset(sb, 0, sizeof(*sb));
    sb->fd = -1;
}

int top_sb_is_gone(const struct top_sb *sb)
{
    struct stat st;
    if (stat(sb->path, &st) < 0)
        return errno == ENOENT || errno == ENOTDIR;
    return st.st_dev != sb->dev || st.st_ino != sb->ino;
}

static sigjmp_buf read_jump;
static volatile sig_atomic_t read_guarded;

static void on_sigbus(int sig)
{
    if (read_guarded)
        siglongjmp(read_jump, 1);
    /* Not ours: die as the signal would have made us. */
    signal(sig, SIG_DFL);
    raise(sig);
}

int top_sb_read(const struct top_sb *sb, void (*fn)(void *), void *arg)
{
    static int installed;
    struct stat st;
    if (!installed) {
        struct sigaction sa = {.sa_handler = on_sigbus};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGBUS, &sa, NULL);
        installed = 1;
    }
    /* The cheap check catches a shrunk file before touching it; the guard catches a file that
     * shrinks during the read. */
    if (fstat(sb->fd, &st) < 0 || (uint64_t)st.st_size < sb->size)
        return -1;
    if (sigsetjmp(read_jump, 1)) {
        read_guarded = 0;
        return -1;
    }
    read_guarded = 1;
    fn(arg);
    read_guarded = 0;
    return 0;
}

void top_sb_copy_text(char *buf, size_t len, const char *src, size_t max)
{
    size_t i = 0;
    if (len == 0)
        return;
    for (; i + 1 < len && i < max; i++) {
        /* The writer may be filling the field in: read each byte once. */
        char ch = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
        if (ch == '\0')
            break;
        buf[i] = ch >= 0x20 && ch < 0x7f ? ch : '?';
    }
    buf[i] = '\0';
}
