/* top_sb: the viewer's read-only view of a scoreboard file. The file is untrusted: its header is
 * checked field by field against the file's real size before anything is mapped, the layout is
 * copied once and never re-read from the file, and every later read runs under a guard that
 * survives the file being truncated under the mapping. */
#ifndef STAMPEDE_TOP_SB_H
#define STAMPEDE_TOP_SB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "scoreboard.h"

enum top_sb_status {
    TOP_SB_OK = 0,
    TOP_SB_ABSENT, /* no file yet: the run has not started */
    TOP_SB_WAIT,   /* a file the run has not finished initialising */
    TOP_SB_BAD     /* never going to be readable: the message says why */
};

struct top_sb {
    char *path;
    int fd;                       /* kept open: fstat tells truncation even after unlink */
    const struct sb_header *hdr;  /* the read-only mapping; live fields only */
    size_t size;                  /* bytes mapped, the file's size when it was checked */
    dev_t dev;
    ino_t ino;
    /* The checked layout, copied out of the header. */
    unsigned nworkers, nextras, nrequests;
    uint64_t slots_offset, slot_size, extra_names_offset, extras_offset;
    uint64_t reqstats_offset, reqstat_size;
    /* stampede-mpi: this run's place in its cluster (0 and 0 alone), and rank 0's rows */
    unsigned cluster_rank, cluster_size, nranks;
    uint64_t ranks_offset, rank_size;
};

/* Opens, checks and maps path. TOP_SB_OK fills sb; any other status leaves it empty
 * and write the reason (without the path) into err. */
enum top_sb_status top_sb_open(struct top_sb *sb, const char *path, char *err, size_t errlen);
void top_sb_close(struct top_sb *sb);

/* 1 when the path no longer names the mapped file (the run removed it, or a new run replaced
 * it). The mapping stays valid either way. */
int top_sb_is_gone(const struct top_sb *sb);

/* Runs fn(arg) reading the mapping. Returns 0, or -1 when the file shrank below the mapping
 * (before or during the read, which would otherwise be a SIGBUS): whatever fn wrote is then
 * incomplete. */
int top_sb_read(const struct top_sb *sb, void (*fn)(void *), void *arg);

static inline const struct sb_slot *top_sb_slot(const struct top_sb *sb, unsigned w)
{
    return (const struct sb_slot *)((const char *)sb->hdr + sb->slots_offset + w * sb->slot_size);
}

static inline const _Atomic uint64_t *top_sb_extra(const struct top_sb *sb, unsigned w,
                                                   unsigned i)
{
    return (const _Atomic uint64_t *)((const char *)sb->hdr + sb->extras_offset) +
           (size_t)w * sb->nextras + i;
}

static inline const struct sb_rank *top_sb_rank(const struct top_sb *sb, unsigned r)
{
    return (const struct sb_rank *)((const char *)sb->hdr + sb->ranks_offset + r * sb->rank_size);
}

/* Copies a string field of the file (at most max bytes, maybe unterminated) into buf, replacing
 * anything but printable ASCII with '?': the text goes to a terminal and into JSON. */
void top_sb_copy_text(char *buf, size_t len, const char *src, size_t max);

#endif
