/* top_launch: starting stampede-top from the parent; see top_launch.h. */
#include "top_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The viewer of the same build: next to this binary, so a build tree or an install prefix runs
 * its own, never another version's (which would refuse the scoreboard layout). */
static void exec_viewer(const char *sbpath)
{
    char self[PATH_MAX], path[PATH_MAX + 16];
    char *argv[] = {"stampede-top", "--exit-when-done", (char *)sbpath, NULL};
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(path, sizeof(path), "%s/stampede-top", self);
            if (access(path, X_OK) == 0)
                execv(path, argv);
        }
    }
    execvp("stampede-top", argv);
    fprintf(stderr, "stampede: --top: cannot run stampede-top: %s (install it next to stampede "
                    "or in PATH); going on without it\n", strerror(errno));
}

int top_launch_start(struct top_launch *t, const char *sbpath)
{
    memset(t, 0, sizeof(*t));
    t->tty_err = -1;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "stampede: --top needs a terminal on stdin and stdout; showing progress "
                        "lines instead\n");
        return -1;
    }
    t->held = tmpfile();
    t->tty_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (!t->held || t->tty_err < 0) {
        fprintf(stderr, "stampede: --top: %s; showing progress lines instead\n", strerror(errno));
        if (t->held)
            fclose(t->held);
        if (t->tty_err >= 0)
            close(t->tty_err);
        memset(t, 0, sizeof(*t));
        t->tty_err = -1;
        return -1;
    }
    fcntl(fileno(t->held), F_SETFD, FD_CLOEXEC); /* the viewer needs none of it */
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "stampede: --top: cannot start the viewer: %s\n", strerror(errno));
        fclose(t->held);
        close(t->tty_err);
        memset(t, 0, sizeof(*t));
        t->tty_err = -1;
        return -1;
    }
    if (pid == 0) {
        /* The parent ignores SIGPIPE for its own sockets; the viewer starts from defaults. */
        signal(SIGPIPE, SIG_DFL);
        exec_viewer(sbpath);
        _exit(127);
    }
    t->pid = pid;
    dup2(fileno(t->held), STDERR_FILENO);
    return 0;
}

/* Copies what was held since the last time to the terminal's stderr. */
static void show_held(struct top_launch *t)
{
    char buf[4096];
    ssize_t n;
    if (!t->held)
        return;
    while ((n = pread(fileno(t->held), buf, sizeof(buf), t->shown)) > 0) {
        if (write(STDERR_FILENO, buf, (size_t)n) != n)
            break;
        t->shown += n;
    }
}

void top_launch_ended(struct top_launch *t)
{
    t->pid = 0;
    if (t->tty_err < 0)
        return;
    dup2(t->tty_err, STDERR_FILENO);
    show_held(t);
}

void top_launch_finish(struct top_launch *t, int stop)
{
    int status;
    if (t->pid > 0) {
        /* SIGTERM makes the viewer give the terminal back cleanly. */
        if (stop)
            kill(t->pid, SIGTERM);
        while (waitpid(t->pid, &status, 0) < 0 && errno == EINTR)
            ;
        top_launch_ended(t);
    }
    show_held(t);
    if (t->held)
        fclose(t->held);
    if (t->tty_err >= 0)
        close(t->tty_err);
    memset(t, 0, sizeof(*t));
    t->tty_err = -1;
}
