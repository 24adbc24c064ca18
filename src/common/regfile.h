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

#endif
