/* plugin_int: what the plugin modules share and nobody else sees: the context a hook gets and
 * the request req_start changes. */
#ifndef STAMPEDE_PLUGIN_INT_H
#define STAMPEDE_PLUGIN_INT_H

#include "plugin.h"
#include "report.h"
#include "url.h"
#include "worker.h"

struct sb_header;

/* What a hook reaches; lives on the stack for the duration of one call. */
struct stampede_ctx {
    const struct config *cfg;
    const struct plugins *ps;
    size_t pi;            /* the plugin being called */
    struct worker *w;     /* NULL in the parent */
    struct client *c;     /* NULL outside client hooks */
    struct sb_header *hdr;/* the run's scoreboard (NULL before it exists) */
    const struct summary *summary; /* in parent_exit only */
    const char *fail;     /* set by stampede_fail */
};

/* The request req_start sees: the client's request in flight until a hook changes something,
 * then owned copies that the client is retargeted to once the chain is done. */
struct stampede_request {
    const char *method;
    const struct url *url;
    const char *url_text;
    char *const *headers; /* the client's until own_headers */
    size_t nheaders;
    const char *body;
    size_t body_len;
    int has_body;
    int changed;
    char **own_headers;
    char *own_method, *own_body, *own_url_text;
    struct url own_url;
};

static inline struct stampede_ctx ctx_of(const struct config *cfg, const struct plugins *ps,
                                         size_t pi, struct worker *w, struct client *c)
{
    struct stampede_ctx x = {.cfg = cfg, .ps = ps, .pi = pi, .w = w, .c = c,
                             .hdr = w ? w->hdr : NULL};
    return x;
}

/* Option values: a boolean (1, 0, or -1 when v is none) and a whole number (0, or -1). */
int plugin_parse_bool(const char *v);
int plugin_parse_int(const char *v, int64_t *out);
/* The option `key` that plugin p declares, or NULL. */
const struct stampede_option *plugin_option_find(const struct plugin *p, const char *key);

#endif
