/* top_launch: stampede --top, the viewer on the run's own terminal. The parent starts
 * stampede-top --exit-when-done on the scoreboard before it forks the workers and waits for it
 * before printing the summary. While the viewer owns the terminal, the parent's and the
 * workers' stderr goes to a hidden file, written out once the viewer is gone: a message printed
 * under the screen would be lost when the screen goes away. */
#ifndef STAMPEDE_TOP_LAUNCH_H
#define STAMPEDE_TOP_LAUNCH_H

#include <stdio.h>
#include <sys/types.h>

struct top_launch {
    pid_t pid;          /* the viewer while it runs, else 0 */
    int tty_err;        /* the terminal's stderr, kept while fd 2 is the hidden file */
    FILE *held;         /* what was written to stderr meanwhile */
    long shown;         /* bytes of it already written out */
};

/* Starts the viewer on sbpath. Returns 0, or -1 after a one-line warning (no terminal, fork
 * failed): the run then goes on with progress lines. A viewer that cannot be executed says so
 * itself and exits 127, which the caller learns from waitpid. */
int top_launch_start(struct top_launch *t, const char *sbpath);

/* The viewer has exited (the caller reaped it): gives stderr back to the terminal and writes
 * out what was held. Later messages from the workers, who still write to the hidden file, come
 * out at top_launch_finish. */
void top_launch_ended(struct top_launch *t);

/* At the end of the run: waits for the viewer (it quits once the scoreboard says done, or at
 * once when stop is set, on an error path), then writes out everything held. */
void top_launch_finish(struct top_launch *t, int stop);

#endif
