/* mpi_gather: one whole per-request file on rank 0; see mpi_gather.h. */
#include "mpi_gather.h"

#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"

#define CHUNK (1 << 20)
#define TAG_FILE 2 /* mpi_run's clock exchange uses 1 */

enum head { AT_LINE_START, IN_COMMENT, PAST_HEAD };

/* How many bytes of buf[0..n) are still the file's leading '#' lines; *h carries the state
 * from one chunk to the next, as a line may end in the next one. */
static size_t head_bytes(const char *buf, size_t n, enum head *h)
{
    size_t i = 0;
    for (; i < n && *h != PAST_HEAD; i++) {
        if (*h == AT_LINE_START && buf[i] != '#') {
            *h = PAST_HEAD;
            return i;
        }
        *h = buf[i] == '\n' ? AT_LINE_START : IN_COMMENT;
    }
    return i;
}

/* Rank r > 0: its file in chunks, then an empty message for the end. A file that cannot be
 * read sends only the end, after a message: rank 0 writes what it has. */
static void send_file(int rank, const char *option, const char *path, char *buf)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fprintf(stderr, "stampede-mpi: rank %d: %s %s: %s (not gathered)\n", rank, option,
                path, strerror(errno));
    enum head h = AT_LINE_START;
    ssize_t n;
    while (fd >= 0 && (n = read(fd, buf, CHUNK)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "stampede-mpi: rank %d: %s %s: %s (gathered in part)\n", rank,
                    option, path, strerror(errno));
            break;
        }
        size_t skip = head_bytes(buf, (size_t)n, &h);
        if ((size_t)n > skip) /* an empty message would mean the end */
            MPI_Send(buf + skip, (int)((size_t)n - skip), MPI_CHAR, 0, TAG_FILE, MPI_COMM_WORLD);
    }
    if (fd >= 0)
        close(fd);
    MPI_Send(buf, 0, MPI_CHAR, 0, TAG_FILE, MPI_COMM_WORLD);
}

/* Rank 0's output: the first error is kept, and everything after it is only drained. */
struct sink {
    int fd;
    int err; /* errno of the first failure, 0 while all is well */
};

static void sink_write(struct sink *o, const char *p, size_t n)
{
    while (n > 0 && !o->err) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0 && errno != EINTR)
            o->err = errno;
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        }
    }
}

/* Rank 0's own file at the start of the output, whole. */
static void copy_own(struct sink *o, const char *path, char *buf)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        o->err = errno;
        return;
    }
    ssize_t n;
    while (!o->err && (n = read(fd, buf, CHUNK)) != 0) {
        if (n < 0 && errno != EINTR)
            o->err = errno;
        if (n > 0)
            sink_write(o, buf, (size_t)n);
    }
    close(fd);
}

/* Rank 0: every chunk of rank FROM until its empty one; after an error it keeps receiving,
 * or the sender would wait for ever. */
static void receive_from(struct sink *o, int from, char *buf)
{
    for (;;) {
        MPI_Status st;
        int n = 0;
        MPI_Recv(buf, CHUNK, MPI_CHAR, from, TAG_FILE, MPI_COMM_WORLD, &st);
        MPI_Get_count(&st, MPI_CHAR, &n);
        if (n <= 0)
            return;
        sink_write(o, buf, (size_t)n);
    }
}

int mpi_gather_file(int rank, int size, const char *option, const char *own, const char *out)
{
    char *buf = malloc(CHUNK);
    if (!buf) {
        fputs("stampede-mpi: out of memory\n", stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int failed = 0;
    if (rank != 0) {
        send_file(rank, option, own, buf);
    } else {
        struct sink o = {.fd = outfile_create(out), .err = 0};
        if (o.fd < 0)
            o.err = errno;
        else
            copy_own(&o, own, buf);
        for (int r = 1; r < size; r++)
            receive_from(&o, r, buf);
        if (o.fd >= 0 && close(o.fd) < 0 && !o.err)
            o.err = errno;
        if (o.err)
            fprintf(stderr, "stampede-mpi: %s %s: %s%s\n", option, out, outfile_error(o.err),
                    o.fd >= 0 ? " (the gathered file is incomplete)" : "");
        failed = o.err != 0;
    }
    free(buf);
    MPI_Bcast(&failed, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return failed ? -1 : 0;
}
