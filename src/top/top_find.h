/* top_find: the runs a viewer can attach to, found by name (stampede-*.sb) in the directory
 * stampede writes its scoreboards to by default. */
#ifndef STAMPEDE_TOP_FIND_H
#define STAMPEDE_TOP_FIND_H

#include <stddef.h>
#include <time.h>

#include "top_sb.h"

struct top_run {
    char *path;
    struct timespec mtime;  /* the file is sized once at creation, so this is its birth */
    enum top_sb_status status;
    char note[160];         /* why it cannot be read, when status is not TOP_SB_OK */
    int parent_pid;
    unsigned run_state;
    char config_name[64];
};

/* The directory the parent uses when --scoreboard is not given: /dev/shm, else /tmp. */
const char *top_find_default_dir(void);

/* Lists dir's stampede-*.sb files, newest first. Returns 0, or -1 with errno set. */
int top_find_runs(const char *dir, struct top_run **runs, size_t *n);
void top_find_free(struct top_run *runs, size_t n);

/* How long a run may take to initialise its file; top.c waits as long for one. */
#define TOP_FIND_INIT_S 10

/* The newest run that is readable or still initialising its file, or NULL. */
const struct top_run *top_find_newest(const struct top_run *runs, size_t n);

#endif
