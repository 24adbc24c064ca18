/* plugin_load: finding, loading and checking plugins: the ABI they were built for (ABI 1
 * plugins are adopted into today's struct), their counters, and the options they declare
 * against the keys of their [plugin NAME] section. */
#include "plugin_int.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "units.h"

#ifndef PLUGINDIR
#define PLUGINDIR "/usr/local/lib/stampede/plugins"
#endif

/* ---- the ABI ------------------------------------------------------------------------- */

/* struct stampede_plugin as ABI 1 had it (tests/plugins/abi1/stampede/plugin.h): the hooks
 * had the same signatures; thread_init and thread_exit are client_init and client_exit. */
struct plugin_abi1 {
    unsigned abi;
    const char *name;
    const char *const *counters;
    int (*parent_init)(struct stampede_ctx *ctx);
    void (*parent_exit)(struct stampede_ctx *ctx);
    int (*proc_init)(struct stampede_ctx *ctx);
    int (*proc_exit)(struct stampede_ctx *ctx);
    void *(*thread_init)(struct stampede_ctx *ctx);
    void (*thread_exit)(struct stampede_ctx *ctx);
    int (*next_request)(struct stampede_ctx *ctx, const struct stampede_result *prev);
    int (*req_start)(struct stampede_ctx *ctx, struct stampede_request *req);
    void (*req_done)(struct stampede_ctx *ctx, const struct stampede_result *res);
};

/* The size of struct stampede_plugin in ABI 2.0: a plugin's struct is at least this big. */
#define ABI_2_0_SIZE                                                                         \
    (offsetof(struct stampede_plugin, req_done) + sizeof(((struct stampede_plugin *)0)->req_done))

/* Copies the plugin's struct into p->own in today's layout; hooks a plugin built for an older
 * minor has no room for stay NULL. Returns -1 after one line of error. */
static int adopt(struct plugin *p, const void *sym)
{
    const struct plugin_conf *pc = p->conf;
    unsigned abi = *(const unsigned *)sym; /* the first field in every ABI */
    memset(&p->own, 0, sizeof(p->own));
    p->api = &p->own;
    p->abi = abi;
    if (abi == 1) {
        const struct plugin_abi1 *v1 = sym;
        p->own = (struct stampede_plugin){
            .abi = 1, .name = v1->name, .counters = v1->counters,
            .parent_init = v1->parent_init, .parent_exit = v1->parent_exit,
            .proc_init = v1->proc_init, .proc_exit = v1->proc_exit,
            .client_init = v1->thread_init, .client_exit = v1->thread_exit,
            .next_request = v1->next_request, .req_start = v1->req_start,
            .req_done = v1->req_done,
        };
        return 0;
    }
    const struct stampede_plugin *a = sym;
    if (abi != STAMPEDE_PLUGIN_ABI) {
        fprintf(stderr,
                "stampede: %s: plugin '%s': %s was built for plugin ABI %u, this stampede has "
                "ABI %d (rebuild it against this stampede's <stampede/plugin.h>)\n",
                pc->where, pc->name, p->path, abi, STAMPEDE_PLUGIN_ABI);
        return -1;
    }
    if (a->abi_minor > STAMPEDE_PLUGIN_ABI_MINOR) {
        fprintf(stderr,
                "stampede: %s: plugin '%s': %s was built for plugin ABI %u.%u, newer than this "
                "stampede's %d.%d (upgrade stampede, or rebuild the plugin against its "
                "<stampede/plugin.h>)\n",
                pc->where, pc->name, p->path, abi, a->abi_minor, STAMPEDE_PLUGIN_ABI,
                STAMPEDE_PLUGIN_ABI_MINOR);
        return -1;
    }
    if (a->size < ABI_2_0_SIZE) {
        fprintf(stderr,
                "stampede: %s: plugin '%s': %s gives its struct a size of %zu bytes (open "
                "struct stampede_plugin with STAMPEDE_PLUGIN_HEADER)\n",
                pc->where, pc->name, p->path, a->size);
        return -1;
    }
    p->abi_minor = a->abi_minor;
    memcpy(&p->own, a, a->size < sizeof(p->own) ? a->size : sizeof(p->own));
    return 0;
}

/* ---- options -------------------------------------------------------------------------- */

int plugin_parse_bool(const char *v)
{
    static const char *const yes[] = {"yes", "true", "on", "1", NULL};
    static const char *const no[] = {"no", "false", "off", "0", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
    for (size_t i = 0; no[i]; i++)
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    return -1;
}

int plugin_parse_int(const char *v, int64_t *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end)
        return -1;
    *out = n;
    return 0;
}

const struct stampede_option *plugin_option_find(const struct plugin *p, const char *key)
{
    for (const struct stampede_option *o = p->api->options; o && o->name; o++)
        if (strcasecmp(o->name, key) == 0)
            return o;
    return NULL;
}

/* What is wrong with v for option o, or NULL: the configuration's own words. */
static const char *value_problem(const struct stampede_option *o, const char *v)
{
    int64_t n;
    switch (o->type) {
    case STAMPEDE_OPTION_INT:
        return plugin_parse_int(v, &n) ? "is not a whole number (write one like 250 or -3)" : NULL;
    case STAMPEDE_OPTION_BOOL:
        return plugin_parse_bool(v) < 0 ? "is not a boolean (use yes or no)" : NULL;
    case STAMPEDE_OPTION_DURATION:
        return units_parse_duration(v, &n) ? "is not a duration (use a number with a unit: "
                                             "250ms, 1.5s, 2m, 1h; a bare number is seconds)"
                                           : NULL;
    default:
        return NULL;
    }
}

/* "a, b, c" into buf, cut short with "..." when long. */
static const char *list_of(const char *const *names, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; names[i]; i++) {
        int n = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
        if (n < 0 || (size_t)n >= size - len) {
            snprintf(buf + (size > 4 ? size - 4 : 0), 4, "...");
            break;
        }
        len += (size_t)n;
    }
    return buf;
}

/* Checks the keys of p's section against the options it declares (an ABI 1 plugin declares
 * none and takes any key, as it always did). */
static int check_options(const struct plugin *p)
{
    const struct plugin_conf *pc = p->conf;
    const struct stampede_option *opts = p->api->options;
    size_t n = 0;
    for (const struct stampede_option *o = opts; o && o->name; o++, n++) {
        const char *why = o->def ? value_problem(o, o->def) : NULL;
        if (why) {
            fprintf(stderr, "stampede: %s: plugin '%s': its own default %s = '%s' %s (fix the "
                            "plugin)\n", pc->where, pc->name, o->name, o->def, why);
            return -1;
        }
    }
    if (p->abi == 1)
        return 0;
    const char **names = calloc(n + 2, sizeof(*names));
    if (!names) {
        fprintf(stderr, "stampede: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        names[i] = opts[i].name;
    names[n] = "path";
    int rc = 0;
    char all[256];
    for (size_t k = 0; k < pc->nkeys && rc == 0; k++) {
        const char *key = pc->keys[k];
        const char *where = pc->wheres && pc->wheres[k] ? pc->wheres[k] : pc->where;
        if (strcasecmp(key, "path") == 0)
            continue;
        const struct stampede_option *o = plugin_option_find(p, key);
        const char *why = o ? value_problem(o, pc->values[k]) : NULL;
        if (why) {
            fprintf(stderr, "stampede: %s: [plugin %s] %s: '%.60s' %s\n", where, pc->name, key,
                    pc->values[k], why);
            rc = -1;
        } else if (!o) {
            const char *s = config_suggest(key, names);
            if (s)
                fprintf(stderr, "stampede: %s: [plugin %s] unknown key '%.60s' (did you mean "
                                "'%s'?)\n", where, pc->name, key, s);
            else
                fprintf(stderr, "stampede: %s: [plugin %s] unknown key '%.60s' (its keys: "
                                "%s)\n", where, pc->name, key, list_of(names, all, sizeof(all)));
            rc = -1;
        }
    }
    free(names);
    return rc;
}

/* ---- loading -------------------------------------------------------------------------- */

/* Where plugin NAME is when its section gives no path: beside a stampede run from its build
 * tree (BUILD/plugins/NAME.so, built with it), else where make install put it. */
static char *default_path(const char *name)
{
    char exe[PATH_MAX], *path = NULL;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash && asprintf(&path, "%.*s/plugins/%s.so", (int)(slash - exe), exe, name) >= 0) {
            if (access(path, R_OK) == 0)
                return path;
            free(path);
        }
    }
    return asprintf(&path, "%s/%s.so", PLUGINDIR, name) < 0 ? NULL : path;
}

static int load_one(struct plugins *ps, struct plugin *p, const struct plugin_conf *pc)
{
    p->conf = pc;
    p->path = pc->path ? strdup(pc->path) : default_path(pc->name);
    if (!p->path) {
        fprintf(stderr, "stampede: out of memory\n");
        return -1;
    }
    /* dlopen searches the library path for a bare name: only load what the user named */
    if (!strchr(p->path, '/')) {
        char *rel = NULL;
        if (asprintf(&rel, "./%s", p->path) < 0) {
            fprintf(stderr, "stampede: out of memory\n");
            return -1;
        }
        free(p->path);
        p->path = rel;
    }
    p->handle = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
    if (!p->handle) {
        fprintf(stderr, "stampede: %s: plugin '%s': cannot load %s: %s (set [plugin %s] path)\n",
                pc->where, pc->name, p->path, dlerror(), pc->name);
        return -1;
    }
    const void *sym = dlsym(p->handle, "stampede_plugin");
    if (!sym) {
        fprintf(stderr,
                "stampede: %s: plugin '%s': %s exports no symbol stampede_plugin (define "
                "const struct stampede_plugin stampede_plugin)\n",
                pc->where, pc->name, p->path);
        return -1;
    }
    if (adopt(p, sym) < 0)
        return -1;
    const struct stampede_plugin *a = p->api;
    ps->hooks |= (a->client_init ? HOOK_CLIENT_INIT : 0) | (a->client_exit ? HOOK_CLIENT_EXIT : 0) |
                 (a->next_request ? HOOK_NEXT : 0) | (a->req_start ? HOOK_REQ_START : 0) |
                 (a->req_done ? HOOK_REQ_DONE : 0) | (a->proc_init ? HOOK_PROC_INIT : 0) |
                 (a->proc_exit ? HOOK_PROC_EXIT : 0);
    p->counter_base = ps->ncounters;
    for (const char *const *n = a->counters; n && *n; n++) {
        char **names = realloc(ps->counter_names, (ps->ncounters + 1) * sizeof(*names));
        if (!names)
            return -1;
        ps->counter_names = names;
        if (asprintf(&names[ps->ncounters], "%s.%s", pc->name, *n) < 0)
            return -1;
        ps->ncounters++;
        p->ncounters++;
    }
    return 0;
}

int plugins_load(struct plugins *ps, const struct config *cfg)
{
    memset(ps, 0, sizeof(*ps));
    if (!cfg->nplugins)
        return 0;
    ps->v = calloc(cfg->nplugins, sizeof(*ps->v));
    if (!ps->v) {
        fprintf(stderr, "stampede: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < cfg->nplugins; i++) {
        ps->n = i + 1;
        if (load_one(ps, &ps->v[i], &cfg->plugins[i]) < 0 || check_options(&ps->v[i]) < 0) {
            plugins_unload(ps);
            return -1;
        }
    }
    return 0;
}

void plugins_unload(struct plugins *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        if (ps->v[i].handle)
            dlclose(ps->v[i].handle);
        free(ps->v[i].path);
    }
    for (unsigned i = 0; i < ps->ncounters; i++)
        free(ps->counter_names[i]);
    free(ps->counter_names);
    free(ps->v);
    memset(ps, 0, sizeof(*ps));
}

