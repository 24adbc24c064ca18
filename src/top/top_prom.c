/* top_prom: see top_prom.h. The file is untrusted and may shrink under the mapping: the figures
 * are collected under top_sb_read's guard, and written out from the copy. */
#include "top_prom.h"

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#include "evbase.h"
#include "netaddr.h"
#include "prom_serve.h"
#include "prom_text.h"

#define PROM_BACKLOG 64 /* scrapers, not load */
#define CHECK_MS 200 /* how often the loop looks at signals and the run's state */

struct top_prom {
    const struct top_sb *sb;
    struct prom_layout layout;
    struct prom_data *data;
    int exit_when_done;
    volatile sig_atomic_t *quit;
    struct event_base *base;
    uint32_t run_state;
    pid_t parent;
};

static void collect(void *arg)
{
    struct top_prom *t = arg;
    prom_collect(t->data, &t->layout);
}

static int render(FILE *f, void *arg)
{
    struct top_prom *t = arg;
    if (top_sb_read(t->sb, collect, t) < 0)
        return -1; /* the file shrank: nothing trustworthy to serve */
    prom_render(f, t->data);
    return 0;
}

static void read_state(void *arg)
{
    struct top_prom *t = arg;
    t->run_state = atomic_load(&t->sb->hdr->run_state);
    t->parent = t->sb->hdr->parent_pid;
}

/* Over when the run says so, its file is gone or replaced, or its parent is gone. */
static int run_over(struct top_prom *t)
{
    if (top_sb_read(t->sb, read_state, t) < 0 || top_sb_is_gone(t->sb))
        return 1;
    if (t->run_state == SB_RUN_DONE)
        return 1;
    return t->parent > 0 && kill(t->parent, 0) < 0 && errno == ESRCH;
}

static void on_check(evutil_socket_t fd, short what, void *arg)
{
    struct top_prom *t = arg;
    (void)fd;
    (void)what;
    if (*t->quit || (t->exit_when_done && run_over(t)))
        event_base_loopbreak(t->base);
}

int top_prom_serve(const struct top_sb *sb, const char *addr, int exit_when_done,
                   volatile sig_atomic_t *quit)
{
    char err[256];
    struct top_prom t = {.sb = sb, .exit_when_done = exit_when_done, .quit = quit};
    t.layout = (struct prom_layout){
        .base = (const char *)sb->hdr, .nworkers = sb->nworkers, .nrequests = sb->nrequests,
        .slots_offset = sb->slots_offset, .slot_size = sb->slot_size,
        .reqstats_offset = sb->reqstats_offset, .reqstat_size = sb->reqstat_size,
    };
    int fd = netaddr_listen(addr, PROM_BACKLOG, err, sizeof(err), NULL);
    if (fd < 0) {
        fprintf(stderr, "stampede-top: --prometheus %s: %s\n", addr, err);
        return 2;
    }
    t.data = prom_data_new(&t.layout);
    t.base = evbase_new();
    struct prom_server *srv = t.data && t.base ? prom_serve(t.base, fd, render, &t) : NULL;
    struct event *check = t.base ? event_new(t.base, -1, EV_PERSIST, on_check, &t) : NULL;
    int rc = 0;
    if (!srv || !check) {
        fprintf(stderr, "stampede-top: out of memory\n");
        rc = 1;
        if (!srv && !(t.data && t.base))
            close(fd);
    } else {
        fprintf(stderr, "stampede-top: serving %s at port %u, path /metrics\n", sb->path,
                netaddr_port(fd));
        struct timeval tv = {0, CHECK_MS * 1000};
        event_add(check, &tv);
        event_base_dispatch(t.base);
    }
    if (check)
        event_free(check);
    prom_serve_free(srv);
    if (t.base)
        event_base_free(t.base);
    prom_data_free(t.data);
    return rc;
}
