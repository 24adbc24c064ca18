/* regfile: open(2) with O_NONBLOCK so that a FIFO with no writer does not block, fstat on the
 * descriptor so that the file checked is the file read, then back to blocking reads. */
#include "regfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

FILE *regfile_open(const char *path, struct stat *st, const char **why)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *why = strerror(errno);
        return NULL;
    }
    if (fstat(fd, st) != 0) {
        *why = strerror(errno);
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st->st_mode)) {
        *why = REGFILE_NOT_REGULAR;
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    FILE *f = fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        *why = strerror(errno);
        close(fd);
    }
    return f;
}

/* The size fstat gives is a hint only: a file may grow while it is read, and /proc files say
 * 0. */
int regfile_read(const char *path, size_t max, const char *too_large, char **out, size_t *len,
                 const char **why)
{
    struct stat st;
    *why = NULL;
    FILE *f = regfile_open(path, &st, why);
    if (!f)
        return -1;
    if ((size_t)st.st_size > max)
        *why = too_large;
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = *why ? NULL : malloc(cap + 1);
    while (!*why) {
        if (!buf) {
            *why = "out of memory";
            break;
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) /* the end, or an error */
            break;
        if (cap > max) {
            *why = too_large;
            break;
        }
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb)
            free(buf);
        buf = nb;
    }
    if (!*why && ferror(f))
        *why = strerror(errno ? errno : EIO);
    fclose(f);
    if (*why) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}
