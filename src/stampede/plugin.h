/* plugin: loading plugins (dlopen, plugin_load.c) and calling their hooks (plugin.c), in the
 * order the configuration names them. The public side, what plugins see, is
 * include/stampede/plugin.h (plugin_ctx.c and plugin_request.c implement it). */
#ifndef STAMPEDE_PLUGIN_INTERNAL_H
#define STAMPEDE_PLUGIN_INTERNAL_H

#include <stddef.h>

#include "config.h"
#include "stampede/plugin.h"

struct worker;
struct client;
struct sb_header;
struct summary;

/* Which hooks any loaded plugin has, so that an empty chain costs one test. */
enum hook_bits {
    HOOK_CLIENT_INIT = 1 << 0, HOOK_CLIENT_EXIT = 1 << 1, HOOK_NEXT = 1 << 2,
    HOOK_REQ_START = 1 << 3,   HOOK_REQ_DONE = 1 << 4,    HOOK_PROC_INIT = 1 << 5,
    HOOK_PROC_EXIT = 1 << 6,
};

struct plugin {
    const struct plugin_conf *conf;
    char *path;                       /* what was loaded */
    void *handle;
    const struct stampede_plugin *api; /* &own: the plugin's struct in today's layout */
    struct stampede_plugin own;
    unsigned abi, abi_minor;          /* what it was built for */
    unsigned counter_base, ncounters; /* its counters in the scoreboard's extra region */
};

struct plugins {
    struct plugin *v;
    size_t n;
    unsigned hooks;                   /* enum hook_bits */
    unsigned ncounters;
    char **counter_names;             /* "plugin.counter", for the scoreboard */
};

/* Loads every plugin of cfg and checks it and the keys of its section. On error prints one
 * line naming the plugin and why, and returns -1 (a usage error: exit status 2). */
int plugins_load(struct plugins *ps, const struct config *cfg);
void plugins_unload(struct plugins *ps);

/* Parent hooks, with the run's scoreboard. parent_init returns -1 when a plugin refused the
 * run; parent_exit gets the summary about to be printed. */
int plugins_parent_init(const struct plugins *ps, const struct config *cfg,
                        struct sb_header *hdr);
void plugins_parent_exit(const struct plugins *ps, const struct config *cfg,
                         struct sb_header *hdr, const struct summary *s);
/* Worker hooks: proc_init returns -1 when a plugin refused; proc_exit the exit code. */
int plugins_proc_init(struct worker *w);
int plugins_proc_exit(struct worker *w);
/* Client hooks. */
void plugins_client_init(struct client *c);
void plugins_client_exit(struct client *c);
/* The plugins' iterator: a request index, STAMPEDE_NEXT_END or STAMPEDE_NEXT_DEFAULT. */
int plugins_next_request(struct client *c, const struct stampede_result *prev);
/* req_start chain over the request in flight; a changed request goes to client_retarget.
 * Returns 0, or -1 with *reason when a plugin failed the request. */
int plugins_req_start(struct client *c, const char **reason);
void plugins_req_done(struct client *c, const struct stampede_result *res);

#endif
