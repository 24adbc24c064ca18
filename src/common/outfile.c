/* outfile: opening output files safely; see outfile.h. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

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
