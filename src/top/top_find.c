/* top_find: scanning a directory for scoreboards; see top_find.h. */
#include "top_find.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *top_find_default_dir(void)
{
    /* The same rule as the parent's, so that both agree without talking. */
    struct stat st;
    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        return "/dev/shm";
    return "/tmp";
}

static int newer_first(const void *a, const void *b)
{
    const struct top_run *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
    return strcmp(y->path, x->path);
}

static void run_read_header(void *arg)
{
    struct top_run *r = ((void **)arg)[0];
    const struct sb_header *h = ((const struct top_sb *)((void **)arg)[1])->hdr;
    r->parent_pid = __atomic_load_n(&h->parent_pid, __ATOMIC_RELAXED);
    r->run_state = atomic_load_explicit(&((struct sb_header *)h)->run_state,
                                        memory_order_relaxed);
    top_sb_copy_text(r->config_name, sizeof(r->config_name), h->config_name,
                     sizeof(h->config_name));
}

/* Fills in what the file says about itself, through the same checks as attaching. */
static void run_describe(struct top_run *r)
{
    struct top_sb sb;
    r->status = top_sb_open(&sb, r->path, r->note, sizeof(r->note));
    if (r->status != TOP_SB_OK)
        return;
    void *arg[2] = {r, &sb};
    if (top_sb_read(&sb, run_read_header, arg) < 0) {
        r->status = TOP_SB_BAD;
        snprintf(r->note, sizeof(r->note), "truncated while reading it");
    }
    top_sb_close(&sb);
}

int top_find_runs(const char *dir, struct top_run **runs, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = 0;
    *runs = NULL;
    *n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        char *path;
        if (fnmatch("stampede-*.sb", e->d_name, FNM_PERIOD) != 0)
            continue;
        if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
            goto oom;
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct top_run *v = realloc(*runs, ncap * sizeof(*v));
            if (!v) {
                free(path);
                goto oom;
            }
            *runs = v;
            cap = ncap;
        }
        struct top_run *r = &(*runs)[(*n)++];
        memset(r, 0, sizeof(*r));
        r->path = path;
        r->mtime = st.st_mtim;
        run_describe(r);
    }
    closedir(d);
    if (*n)
        qsort(*runs, *n, sizeof(**runs), newer_first);
    return 0;
oom:
    closedir(d);
    top_find_free(*runs, *n);
    *runs = NULL;
    *n = 0;
    errno = ENOMEM;
    return -1;
}

void top_find_free(struct top_run *runs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(runs[i].path);
    free(runs);
}

const struct top_run *top_find_newest(const struct top_run *runs, size_t n)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    for (size_t i = 0; i < n; i++) {
        /* An uninitialised file is a run starting only for a moment; an old one is debris. */
        if (runs[i].status == TOP_SB_OK ||
            (runs[i].status == TOP_SB_WAIT && now.tv_sec - runs[i].mtime.tv_sec <= TOP_FIND_INIT_S))
            return &runs[i];
    }
    return NULL;
}
