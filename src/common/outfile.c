/* outfile: opening output files safely; see outfile.h. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* O_NOFOLLOW refuses a link at the last component with ELOOP; with O_EXCL a link fails as
 * EEXIST instead, which callers of outfile_create_new tell apart from a stale file. */
#define OUT_FLAGS (O_NOFOLLOW | O_CLOEXEC)

int outfile_create(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | OUT_FLAGS, 0600);
}

int outfile_append(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | OUT_FLAGS);
}

int outfile_create_new(const char *path)
{
    return open(path, O_RDWR | O_CREAT | O_EXCL | OUT_FLAGS, 0600);
}

const char *outfile_error(int err)
{
    return err == ELOOP ? "is a symbolic link (refused: give the file's own path)" : strerror(err);
}

/* dir's canonical path and base's name, into buf; base "." or ".." are left to realpath. */
static int canonical(const char *path, char *buf, size_t len)
{
    char d[PATH_MAX], b[PATH_MAX], real[PATH_MAX];
    if (strlen(path) >= PATH_MAX)
        return -1;
    strcpy(d, path);
    strcpy(b, path);
    if (!realpath(dirname(d), real))
        return -1;
    return snprintf(buf, len, "%s/%s", real, basename(b)) < (int)len ? 0 : -1;
}

int outfile_same(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char ca[PATH_MAX + 256], cb[PATH_MAX + 256];
    if (canonical(a, ca, sizeof(ca)) < 0 || canonical(b, cb, sizeof(cb)) < 0)
        return strcmp(a, b) == 0;
    return strcmp(ca, cb) == 0;
}
