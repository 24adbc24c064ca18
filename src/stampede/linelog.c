/* linelog: buffered whole-line appends, one buffer per worker; see linelog.h. */
#include "linelog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"

#define LINELOG_BUF (64 * 1024)

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* path itself, or worker N's PATH.wN. NULL when out of memory. */
static char *file_of(const char *path, int per_worker, unsigned worker)
{
    size_t n = strlen(path) + 16;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, per_worker ? "%s.w%u" : "%s", path, worker);
    return p;
}

static int create_one(const char *path, const char *option, const char *header)
{
    int fd = outfile_create(path);
    if (fd < 0 || (header && write_all(fd, header, strlen(header)) < 0)) {
        fprintf(stderr, "stampede: %s %s: %s\n", option, path, outfile_error(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return close(fd);
}

int linelog_create(const char *path, const char *option, const char *header, int per_worker,
                   unsigned first, unsigned nworkers)
{
    for (unsigned w = first; w < first + (per_worker ? nworkers : 1); w++) {
        char *file = file_of(path, per_worker, w);
        int rc = file ? create_one(file, option, header) : -1;
        if (!file)
            fprintf(stderr, "stampede: out of memory\n");
        free(file);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int linelog_open(struct linelog *l, const char *path, const char *option, int per_worker,
                 unsigned worker)
{
    memset(l, 0, sizeof(*l));
    l->fd = -1;
    if (!path)
        return 0;
    l->option = option;
    l->path = file_of(path, per_worker, worker);
    l->buf = malloc(LINELOG_BUF);
    l->cap = LINELOG_BUF;
    if (!l->path || !l->buf) {
        fprintf(stderr, "stampede: out of memory\n");
        return -1;
    }
    l->fd = outfile_append(l->path);
    if (l->fd < 0) {
        fprintf(stderr, "stampede: %s %s: %s\n", option, l->path, outfile_error(errno));
        return -1;
    }
    return 0;
}

static void linelog_flush(struct linelog *l)
{
    if (l->len && !l->failed && write_all(l->fd, l->buf, l->len) < 0) {
        fprintf(stderr, "stampede: %s %s: %s (%s lines lost from here on)\n", l->option,
                l->path, strerror(errno), l->option + 2);
        l->failed = 1;
    }
    l->len = 0;
}

char *linelog_line(struct linelog *l)
{
    if (l->fd < 0)
        return NULL;
    if (l->cap - l->len < LINELOG_LINE_MAX)
        linelog_flush(l);
    return l->buf + l->len;
}

void linelog_commit(struct linelog *l, size_t n)
{
    l->len += n;
}

int linelog_close(struct linelog *l)
{
    if (l->fd >= 0) {
        linelog_flush(l);
        close(l->fd);
    }
    free(l->buf);
    free(l->path);
    int failed = l->failed;
    memset(l, 0, sizeof(*l));
    l->fd = -1;
    return failed ? -1 : 0;
}
