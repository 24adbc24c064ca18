/* outfile: how stampede opens the files it writes (--json, --trace, the scoreboard): mode 0600,
 * never through a symbolic link that someone planted at the path, and an error text that says
 * so instead of ELOOP's puzzling "Too many levels of symbolic links". */
#ifndef STAMPEDE_OUTFILE_H
#define STAMPEDE_OUTFILE_H

/* Creates or empties PATH for writing. Returns the fd, or -1 with errno set. */
int outfile_create(const char *path);

/* Opens an existing PATH (one that outfile_create made) to append to. -1 with errno set. */
int outfile_append(const char *path);

/* Creates PATH, which must not exist, for reading and writing. -1 with errno set. */
int outfile_create_new(const char *path);

/* Whether paths a and b name the same file: the same inode when both exist, else the same
 * canonical path (for an output not created yet). */
int outfile_same(const char *a, const char *b);

/* strerror(err), but a refused symbolic link says so; for the open calls above. */
const char *outfile_error(int err);

#endif
