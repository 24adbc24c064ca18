/* stampede/plugin.h: the whole plugin API of stampede, the HTTP load generator.
 *
 * A plugin is a shared object that exports one symbol, `stampede_plugin`, a struct that names
 * the plugin, the ABI it was built for, its options and its hooks (any of them NULL).
 * stampede calls the hooks in fixed phases; several plugins chain in the order the
 * configuration names them.
 *
 *   parent:  parent_init ─ fork workers ─ ... ─ parent_exit (sees the summary) ─ report
 *   worker:  proc_init ─ barrier ─ clients run ─ proc_exit (its return is the exit code)
 *   client:  client_init ─ for each request: next_request ─ req_start ─ (send, receive)
 *            ─ req_done ─ ... ─ client_exit
 *
 * Hooks get a context (struct stampede_ctx) through which they reach everything else; it is
 * only valid during the call. Build a plugin with
 *     cc -shared -fPIC $(pkg-config --cflags stampede-plugin) -o my.so my.c
 * and load it with  [plugin my]  path = ./my.so  in the run's INI file. */
#ifndef STAMPEDE_PLUGIN_H
#define STAMPEDE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI, as nginx versions its modules: a plugin built for another major is refused (ABI 1
 * plugins still load); one built for an older minor of this major loads, and the hooks its
 * struct has no room for are NULL. Appending a hook or an API function is a minor bump. */
#define STAMPEDE_PLUGIN_ABI 2
#define STAMPEDE_PLUGIN_ABI_MINOR 1

/* Opens every struct stampede_plugin: the ABI and the size it was built with. */
#define STAMPEDE_PLUGIN_HEADER                                                                  \
    .abi = STAMPEDE_PLUGIN_ABI, .abi_minor = STAMPEDE_PLUGIN_ABI_MINOR,                         \
    .size = sizeof(struct stampede_plugin)

/* printf checking where the compiler has it. */
#if defined(__GNUC__) || defined(__clang__)
#define STAMPEDE_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define STAMPEDE_PRINTF(fmt, args)
#endif

struct stampede_ctx;     /* opaque: the hook's view of the run */
struct stampede_request; /* opaque: the request about to be sent (req_start may change it) */

/* next_request's answers besides a request index. */
#define STAMPEDE_NEXT_DEFAULT (-2) /* no opinion: ask the next plugin, then the built-in one */
#define STAMPEDE_NEXT_END (-1)     /* the round is over */

/* Timings of a request, CLOCK_MONOTONIC nanoseconds; 0 for a phase that did not happen (no DNS
 * lookup on a kept connection, no TLS on http). */
struct stampede_timings {
    int64_t start, dns, connected, tls, sent, first_byte, headers, done;
};

struct stampede_header {
    const char *name;  /* lower case */
    const char *value;
};

/* What a request came to. Everything points into stampede's memory, valid during the call. */
struct stampede_result {
    int status;               /* HTTP status, or 599 for a failure (see error) */
    const char *reason;       /* the reason phrase, or what failed for a 599 */
    const char *error;        /* NULL, or the error kind: "timeout", "connect_refused", ... */
    int http_minor;           /* 0 or 1 (HTTP/1.x) */
    struct stampede_timings t;
    const struct stampede_header *headers;
    size_t nheaders;
    const char *body;         /* the first max_body bytes of the body (see stampede.ini(5)) */
    size_t body_len;          /* bytes kept in body */
    uint64_t body_bytes;      /* the whole body's size */
    uint64_t bytes_sent, bytes_received;
    int dns_cached;           /* the address came from the cache */
    int reused;               /* a kept-alive connection carried it */
    unsigned hop;             /* 0, or which redirect of the request this was */
    int request;              /* index of the configured request (the origin of a redirect) */
    const char *request_name;
    const char *method;
    const char *url;          /* as sent */
};

/* The type of a plugin option: stampede checks the value before the run, with the same
 * messages as the rest of the configuration. */
enum stampede_option_type {
    STAMPEDE_OPTION_STRING = 0, /* anything */
    STAMPEDE_OPTION_INT,        /* a whole number, such as -3 or 250 */
    STAMPEDE_OPTION_BOOL,       /* yes / no (true, on, 1 / false, off, 0) */
    STAMPEDE_OPTION_DURATION,   /* 250ms, 1.5s, 2m; a bare number is seconds */
    STAMPEDE_OPTION_PATH,       /* a file; relative to the INI file's directory */
};

/* One key the plugin's [plugin NAME] section may have ("path" is always allowed). */
struct stampede_option {
    const char *name;
    int type;                 /* enum stampede_option_type */
    const char *def;          /* the value when the key is not set, as written; or NULL */
    const char *help;         /* one line, for messages */
};

struct stampede_plugin {
    unsigned abi;             /* these three: STAMPEDE_PLUGIN_HEADER */
    unsigned abi_minor;
    size_t size;
    const char *name;
    /* Names of the plugin's own scoreboard counters, NULL-terminated (or NULL): shown by the
     * viewer and the summary as NAME.COUNTER, added to with stampede_count(). */
    const char *const *counters;
    /* The keys its section may have, ended by an entry with a NULL name (or NULL: none but
     * path). An unknown key or a bad value stops stampede before the run. */
    const struct stampede_option *options;

    /* parent, before the workers are forked; non-zero refuses the run (say why with
     * stampede_log). */
    int (*parent_init)(struct stampede_ctx *ctx);
    /* parent, after every worker has ended, before the summary is printed: the run's totals
     * and figures are in stampede_run_summary() */
    void (*parent_exit)(struct stampede_ctx *ctx);
    /* each worker, before the barrier; non-zero ends the worker (and the run) */
    int (*proc_init)(struct stampede_ctx *ctx);
    /* each worker, at its end; the first non-zero answer is the worker's exit code */
    int (*proc_exit)(struct stampede_ctx *ctx);
    /* each client, when it starts; the answer is its userdata (stampede_userdata) */
    void *(*client_init)(struct stampede_ctx *ctx);
    /* each client, when it has finished */
    void (*client_exit)(struct stampede_ctx *ctx);
    /* the iterator: which configured request comes next (0..stampede_requests()-1),
     * STAMPEDE_NEXT_END, or STAMPEDE_NEXT_DEFAULT. prev is NULL at the start of each round,
     * else the result of the request before. */
    int (*next_request)(struct stampede_ctx *ctx, const struct stampede_result *prev);
    /* before a request (or a redirect hop) is sent, as it will go out; may change it
     * (stampede_request_set_*). Non-zero fails it (a 599 with the reason given to
     * stampede_fail, or "failed by plugin NAME"). */
    int (*req_start)(struct stampede_ctx *ctx, struct stampede_request *req);
    /* after a request has ended, with its full result */
    void (*req_done)(struct stampede_ctx *ctx, const struct stampede_result *res);
    /* minor versions append here */
};

/* A worker's own counters, as its scoreboard slot has them now. */
struct stampede_stats {
    uint64_t clients_active;
    uint64_t requests_started, requests_ok, requests_failed; /* in flight: started - ok - failed */
};

/* The whole run's counters, summed over every worker's scoreboard slot (stampede_run_totals).
 * Later minors may append fields: pass sizeof of yours. */
struct stampede_totals {
    uint64_t clients_started, clients_active, clients_done;
    uint64_t requests_started, requests_ok, requests_failed;
    uint64_t bytes_sent, bytes_received;
    uint64_t conns_opened, conns_reused;
    uint64_t status_class[6]; /* [1] 1xx .. [5] 5xx, [0] any other; a 599 is an error */
    uint64_t errors;          /* requests that ended in a 599 */
};

/* The run's summary, as printed after parent_exit (stampede_run_summary). Later minors may
 * append fields: pass sizeof of yours. */
struct stampede_summary {
    struct stampede_totals totals;
    double duration_s;        /* T0 to the end of the last worker */
    double requests_per_s;    /* completed requests per second */
    int64_t latency_min, latency_mean, latency_p50, latency_p90, latency_p99, latency_p999,
        latency_max;          /* ns, over every request of the run; 0 without requests */
    uint64_t seed;
    int interrupted;          /* stopped by a signal (Ctrl-C) */
    const char *stopped_by;   /* NULL, or the plugin that stopped the run (stampede_stop) */
    const char *stop_reason;
    int stop_failed;          /* it stopped with stampede_stop_failed */
};

/* ---- the context ---------------------------------------------------------------------- */

int stampede_worker(const struct stampede_ctx *ctx);   /* 0-based; -1 in the parent */
int stampede_workers(const struct stampede_ctx *ctx);
/* The worker's number among all the run's workers and their count: with --segment or
 * stampede-mpi a process runs only some of them (ABI 2.1). Per-worker file names use these,
 * so processes on one machine never share one. Equal to the two above in a single process. */
int stampede_run_worker(const struct stampede_ctx *ctx);  /* -1 in the parent */
int stampede_run_workers(const struct stampede_ctx *ctx);
int64_t stampede_client(const struct stampede_ctx *ctx); /* global number; -1 outside clients */
uint64_t stampede_round(const struct stampede_ctx *ctx);
/* The run's T0 (CLOCK_MONOTONIC ns when the workers were released); 0 before it. */
int64_t stampede_t0(const struct stampede_ctx *ctx);
int stampede_requests(const struct stampede_ctx *ctx);   /* how many are configured */
/* The worker's counters (all 0 in the parent). */
void stampede_worker_stats(const struct stampede_ctx *ctx, struct stampede_stats *out);
/* The whole run's counters, from every worker's slot of the scoreboard, in any hook. size is
 * sizeof(*out). Returns 0, or -1 when there is no scoreboard yet (out is zeroed). */
int stampede_run_totals(const struct stampede_ctx *ctx, struct stampede_totals *out,
                        size_t size);
/* The run's summary, in parent_exit only (like wrk's done()). size is sizeof(*out). Returns
 * 0, or -1 elsewhere (out is zeroed). The strings are valid during the call. */
int stampede_run_summary(const struct stampede_ctx *ctx, struct stampede_summary *out,
                         size_t size);
const char *stampede_request_name(const struct stampede_ctx *ctx, int index);

/* The client's userdata (what client_init returned), for this plugin. */
void *stampede_userdata(const struct stampede_ctx *ctx);
void stampede_set_userdata(struct stampede_ctx *ctx, void *data);

/* A key of [run] ("workers", "duration", ...) as written, or NULL. */
const char *stampede_run_option(const struct stampede_ctx *ctx, const char *key);
/* A key of this plugin's own [plugin NAME] section as written, else its declared default,
 * else NULL. */
const char *stampede_option(const struct stampede_ctx *ctx, const char *key);
/* A declared option as its type says (checked before the run): a whole number, 0 or 1, a
 * duration in ns, or a path made absolute against the INI file's directory (NULL when unset;
 * valid until the next call). 0 / NULL when unset without a default. */
int64_t stampede_option_int(const struct stampede_ctx *ctx, const char *key);
int stampede_option_bool(const struct stampede_ctx *ctx, const char *key);
int64_t stampede_option_duration(const struct stampede_ctx *ctx, const char *key);
const char *stampede_option_path(const struct stampede_ctx *ctx, const char *key);
/* The config file's directory (for relative paths in options). */
const char *stampede_config_dir(const struct stampede_ctx *ctx);

/* The client's own random stream (repeatable with the run's seed): uniform in [0, max). */
uint32_t stampede_rnd(struct stampede_ctx *ctx, uint32_t max);
/* An extra wait before the client's next request (think time decided by the plugin). */
void stampede_delay(struct stampede_ctx *ctx, int64_t ns);
/* Adds n to this plugin's counter number i (as declared in .counters). */
void stampede_count(struct stampede_ctx *ctx, unsigned i, uint64_t n);
/* One line to stderr, prefixed with the plugin, worker and client; never interleaved. */
void stampede_log(const struct stampede_ctx *ctx, const char *fmt, ...) STAMPEDE_PRINTF(2, 3);
/* Gives the reason for a non-zero answer of req_start (the request fails as a 599). */
void stampede_fail(struct stampede_ctx *ctx, const char *reason);
/* Stops the whole run gracefully, in every worker, as Ctrl-C does: no new requests, those in
 * flight get [run] grace. The summary names the plugin and the reason. The run counts as a
 * success (exit status 0 when nothing else failed): the plugin decided it had seen enough. */
void stampede_stop(struct stampede_ctx *ctx, const char *reason);
/* The same stop, but the run failed: exit status 1 (a threshold crossed, a check that did not
 * hold). The first stop of a run is the one reported. */
void stampede_stop_failed(struct stampede_ctx *ctx, const char *reason);

/* ---- the request (req_start only) ------------------------------------------------------ */

const char *stampede_request_method(const struct stampede_request *req);
const char *stampede_request_url(const struct stampede_request *req);
/* The value of a request header, or NULL. */
const char *stampede_request_header(const struct stampede_request *req, const char *name);
/* The request's headers as "Name: value" lines (Host is added when sending, if absent). */
size_t stampede_request_header_count(const struct stampede_request *req);
const char *stampede_request_header_line(const struct stampede_request *req, size_t i);
/* The body, or NULL when the request has none. */
const char *stampede_request_body(const struct stampede_request *req, size_t *len);
/* Each returns 0, or -1 when the value is not allowed, as the configuration would refuse it
 * (a method or header name that is not a token, a control character in a header value, a bad
 * URL). A new URL drops a Host header (set one after it if you need another); a new body
 * drops a Content-Length header (stampede computes it), and a NULL body removes the body. */
int stampede_request_set_method(struct stampede_request *req, const char *method);
int stampede_request_set_url(struct stampede_request *req, const char *url);
/* Sets (replacing every header of that name) or, with value NULL, removes a header. */
int stampede_request_set_header(struct stampede_request *req, const char *name,
                                const char *value);
int stampede_request_set_body(struct stampede_request *req, const void *body, size_t len);

/* ---- the result ----------------------------------------------------------------------- */

/* The value of a response header (name compared without case), or NULL. */
const char *stampede_result_header(const struct stampede_result *res, const char *name);

#ifdef __cplusplus
}
#endif

#endif
