/* regfile: opening a file that must be a regular one (an INI file, a request body) without
 * hanging on a FIFO or reading a device or a directory forever. */
#ifndef STAMPEDE_REGFILE_H
#define STAMPEDE_REGFILE_H

#include <stdio.h>
#include <sys/stat.h>

/* The reason regfile_open gives for anything that is not a regular file. */
#define REGFILE_NOT_REGULAR "is not a regular file"

/* Opens path for reading as a stdio stream if it is a regular file, and fills *st. Otherwise
 * returns NULL and points *why at strerror()'s text or at REGFILE_NOT_REGULAR. */
FILE *regfile_open(const char *path, struct stat *st, const char **why);

/* Reads the regular file path whole into *out (NUL-terminated; free it) and its length into
 * *len. A file over max bytes is refused with *why = too_large; other failures point *why as
 * regfile_open does, or at "out of memory". Returns 0 or -1. */
int regfile_read(const char *path, size_t max, const char *too_large, char **out, size_t *len,
                 const char **why);

#endif
