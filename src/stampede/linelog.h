/* linelog: a per-request log file that every worker appends to (--trace, --phout). Each worker
 * buffers whole lines and appends them with O_APPEND, so lines from several workers never
 * interleave; the parent creates the file (0600, never through a symbolic link) before the
 * load, so that a path that cannot be written stops the run before any request. With
 * [run] log_per_worker each worker has a file of its own instead, PATH.wN for worker N. */
#ifndef STAMPEDE_LINELOG_H
#define STAMPEDE_LINELOG_H

#include <stddef.h>

#define LINELOG_LINE_MAX 512 /* the longest line a format may write */

struct linelog {
    int fd;             /* -1 when this log is off */
    char *path;         /* the file this worker writes */
    const char *option; /* "--trace": how messages name the file */
    char *buf;
    size_t len, cap;
    int failed;         /* a write failed; the error has been reported once */
};

/* Parent, before fork: creates or empties path (or, with per_worker, PATH.wN for each of its
 * nworkers, numbered in the whole run from first) and writes header (may be NULL). Returns 0,
 * or -1 after a one-line error. */
int linelog_create(const char *path, const char *option, const char *header, int per_worker,
                   unsigned first, unsigned nworkers);
/* Worker: opens path (or its PATH.wN) for appending; the log is off when path is NULL. -1
 * after a message. */
int linelog_open(struct linelog *l, const char *path, const char *option, int per_worker,
                 unsigned worker);
/* Room for one line of at most LINELOG_LINE_MAX bytes (NUL included), or NULL when off. */
char *linelog_line(struct linelog *l);
/* The line written into linelog_line's room is n bytes long, newline included. */
void linelog_commit(struct linelog *l, size_t n);
/* Writes what is buffered; returns -1 when any write of this log failed. */
int linelog_close(struct linelog *l);

#endif
