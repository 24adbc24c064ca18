/* auth_retry: HTTP::LoadGen's example iterator. A request answered 401 is sent once more with
 * the configured credentials (Basic authentication); the walk of the list then goes on.
 *
 *   [plugin auth_retry]
 *   path = /usr/local/lib/stampede/plugins/auth_retry.so
 *   user = alice
 *   password = secret
 *
 * Counters: auth_retry.retried (401s retried), auth_retry.recovered (retries that got < 400). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stampede/plugin.h>

struct state {
    int retrying;   /* the request in flight is the retry of a 401 */
    int was_retry;  /* the request that just ended was one: never retry a retry */
};

static char authorization[512];

static void base64(const char *in, size_t n, char *out)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 |
                     (unsigned char)in[i + 2];
        *out++ = tab[v >> 18];
        *out++ = tab[(v >> 12) & 63];
        *out++ = tab[(v >> 6) & 63];
        *out++ = tab[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned char)in[i] << 16 | (i + 1 < n ? (unsigned char)in[i + 1] << 8 : 0);
        *out++ = tab[v >> 18];
        *out++ = tab[(v >> 12) & 63];
        *out++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *out++ = '=';
    }
    *out = '\0';
}

static int parent_init(struct stampede_ctx *ctx)
{
    const char *user = stampede_option(ctx, "user");
    const char *pass = stampede_option(ctx, "password");
    if (!user || !pass) {
        stampede_log(ctx, "needs user and password in [plugin auth_retry]");
        return -1;
    }
    char plain[300];
    size_t n = (size_t)snprintf(plain, sizeof plain, "%s:%s", user, pass);
    if (n >= sizeof plain) {
        stampede_log(ctx, "user and password are too long");
        return -1;
    }
    strcpy(authorization, "Basic ");
    base64(plain, n, authorization + 6);
    return 0;
}

static void *client_init(struct stampede_ctx *ctx)
{
    (void)ctx;
    return calloc(1, sizeof(struct state));
}

static void client_exit(struct stampede_ctx *ctx)
{
    free(stampede_userdata(ctx));
}

static int next_request(struct stampede_ctx *ctx, const struct stampede_result *prev)
{
    struct state *s = stampede_userdata(ctx);
    if (!s || !prev || s->was_retry)
        return STAMPEDE_NEXT_DEFAULT;
    if (prev->status == 401) {
        s->retrying = 1;
        stampede_count(ctx, 0, 1);
        return prev->request;
    }
    return STAMPEDE_NEXT_DEFAULT;
}

static int req_start(struct stampede_ctx *ctx, struct stampede_request *req)
{
    struct state *s = stampede_userdata(ctx);
    if (s && s->retrying)
        return stampede_request_set_header(req, "Authorization", authorization);
    return 0;
}

static void req_done(struct stampede_ctx *ctx, const struct stampede_result *res)
{
    struct state *s = stampede_userdata(ctx);
    if (!s)
        return;
    if (s->retrying && res->status < 400)
        stampede_count(ctx, 1, 1);
    s->was_retry = s->retrying;
    s->retrying = 0;
}

static const char *const counters[] = {"retried", "recovered", NULL};

static const struct stampede_option options[] = {
    {"user", STAMPEDE_OPTION_STRING, NULL, "the Basic user name"},
    {"password", STAMPEDE_OPTION_STRING, NULL, "its password"},
    {NULL, 0, NULL, NULL},
};

const struct stampede_plugin stampede_plugin = {
    STAMPEDE_PLUGIN_HEADER,
    .name = "auth_retry",
    .counters = counters,
    .options = options,
    .parent_init = parent_init,
    .client_init = client_init,
    .client_exit = client_exit,
    .next_request = next_request,
    .req_start = req_start,
    .req_done = req_done,
};
