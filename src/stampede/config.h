/* config: the run as the user described it, read from an INI file, command-line flags and
 * -D overrides, checked once, then read-only for the whole run (it crosses fork as is). */
#ifndef STAMPEDE_CONFIG_H
#define STAMPEDE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "url.h"

enum keepalive { KEEPALIVE_NO = 0, KEEPALIVE_USE = 1, KEEPALIVE_STORE = 2, KEEPALIVE_YES = 3 };
/* Bit flags: random_start starts each round at a random request; follow follows redirects. */
enum iterator_kind {
    ITERATOR_DEFAULT = 0,
    ITERATOR_RANDOM_START = 1,
    ITERATOR_FOLLOW = 2,
};

/* The open model ([run] rate or schedule): how arrivals are spaced, and what happens to one
 * that finds every client busy. */
enum arrivals_kind { ARRIVALS_UNIFORM = 0, ARRIVALS_POISSON = 1 };
enum on_busy_kind { ON_BUSY_QUEUE = 0, ON_BUSY_DROP = 1 };

/* [sequence NAME] (the ApacheBench Perl API's runs) and [run] priority. */
enum seq_order { SEQ_BREADTH_FIRST = 0, SEQ_DEPTH_FIRST = 1 };
enum seq_priority { PRIORITY_EQUAL_OPPORTUNITY = 0, PRIORITY_RUN = 1 };

/* [data NAME] mode: which row of its file a client's request takes. */
enum data_mode { DATA_PER_CLIENT = 0, DATA_PER_REPETITION, DATA_ROUND_ROBIN, DATA_RANDOM };

/* A [data NAME] section: a CSV file read at start, its columns ${NAME.column}. */
struct feeder {
    char *name;
    int mode;               /* enum data_mode; default per_client */
    char **columns;         /* from the header row */
    size_t ncolumns;
    char **cells;           /* row r, column k at r * ncolumns + k */
    size_t *lens;
    size_t nrows;
};

struct schedule;
struct check_set;
struct capture_set;
struct wire_template;
struct threshold;
struct ammo;
struct local_ips;

/* TLS settings of a request ([tls], [defaults] or its own section). */
struct tls_options {
    int verify;            /* check the chain and the host name; default off */
    char *ca_file, *ca_path; /* trust anchors when verifying; default the system store */
    char *client_cert, *client_key;
    char *ciphers;         /* OpenSSL cipher list for TLS <= 1.2 */
    int min_version, max_version; /* TLS1_x_VERSION values; 0 = library default */
    int session_cache;     /* resume sessions on a client's new connections; default on */
};

/* What a channel (a tcp://, tls://, ws:// or wss:// url) sends, and how fast. */
struct channel_options {
    char *message;         /* message or message_file: sent again and again; NULL: none */
    size_t message_len;
    char *first_message;   /* first_message or first_message_file: sent once; NULL: none */
    size_t first_len;
    uint64_t rate;         /* message_rate: per second per channel; 0: as fast as it goes */
    char *bandwidth_text;  /* channel_bandwidth as written */
    uint64_t bandwidth;    /* ... in bytes per second; 0: no limit */
    int64_t lifetime_ns;   /* channel_lifetime: then close; 0: until the run ends */
    char *marker;          /* latency_marker: searched for in what comes back; NULL: none */
    /* ws:// and wss:// only */
    char *ws_protocol;     /* ws_protocol: offered subprotocols, "a, b"; NULL: none */
    int ws_binary;         /* ws_binary: binary frames instead of text; default no */
    uint64_t ws_max_message; /* ws_max_message: largest incoming message; default 1 MiB */
};

struct request_spec {
    char *name;             /* from [request NAME] */
    const char *file;       /* where the section starts, for messages */
    int line;
    char *method;           /* default GET */
    char *url_text;         /* as written */
    struct url url;
    char **headers;         /* "Name: value", [defaults] first then the request's own; a
                               request header replaces a default one of the same name */
    size_t nheaders;
    char *body;             /* body, or the contents of body_file */
    size_t body_len;
    int has_body;           /* body or body_file was given (even empty) */
    int keepalive;          /* enum keepalive, default yes */
    int retry_non_idempotent; /* a stale kept-alive connection may re-send a POST; default no */
    int64_t predelay_ns, prejitter_ns, postdelay_ns, postjitter_ns; /* default 0 */
    int64_t connect_timeout_ns; /* default 10s */
    int64_t timeout_ns;         /* whole request, start to last body byte; default 60s */
    uint64_t max_redirects;     /* hops followed by the follow iterators; default 10 */
    int follow_credentials;     /* a redirect to another origin keeps Authorization, Cookie
                                   and Proxy-Authorization; default no */
    uint64_t max_body;          /* response body bytes kept for hooks; default 0 */
    uint32_t max_header_bytes;  /* response header block limit; default 64 KiB */
    uint32_t max_headers;       /* response header line limit; default 100 */
    struct tls_options tls;
    struct channel_options chan; /* used when url.channel */
    /* response checks (check.h) as written; expect_header lines go to checks */
    char *expect_status, *expect_body, *expect_body_regex, *expect_body_json;
    struct check_set *checks;   /* compiled; NULL: the request has no checks */
    uint64_t keep_body;         /* response body bytes kept: max_body, or check_body_limit
                                   when a body check or capture needs more */
    struct capture_set *captures; /* capture lines (capture.h); NULL: none */
    struct wire_template *wire_tmpl; /* when templated: what is rendered per send */
    int cookie_header;          /* it has a Cookie header (the jar joins it) */
    int templated;              /* its url, a header value or its body has a ${NAME}: it is
                                   rendered per send instead of serialised once */
};

/* A [sequence NAME]: its steps are requests (a [request NAME], or one its inline url line
 * made, named NAME.N), walked repeat times in its order. */
struct sequence_spec {
    char *name;
    char *where;            /* "FILE:LINE" of its section, for messages */
    size_t *steps;          /* indexes into config.requests, in order */
    size_t nsteps;
    uint64_t repeat;        /* default [run] repeat */
    int order;              /* enum seq_order; default breadth_first */
    uint64_t parallel;      /* depth_first: repetitions at once; default 1 */
    uint64_t filesize;      /* response bytes kept for --regress; default [run] filesize */
    int page_content;       /* --regress keeps the content of every response; default no */
    char **cookies;         /* one per repetition (at least repeat of them), or none */
    size_t ncookies;
    int cookies_jar;        /* [sequence] cookies: a cookie jar per repetition; default yes */
};

struct dns_entry {
    char *name;
    char *address; /* numeric IPv4 or IPv6 */
};

/* A plugin to load, in load order ([run] plugins, else the [plugin NAME] sections). */
struct plugin_conf {
    char *name;
    char *path;            /* from its section's path key, resolved against the file's
                              directory; NULL: the installed plugin NAME.so */
    char **keys, **values; /* its section's keys (path too), for stampede_option() */
    char **wheres;         /* where each key was set ("FILE:LINE" or "-D ..."), for the
                              loader's checks of the plugin's options */
    size_t nkeys;
    char *where;           /* "FILE:LINE" of the section or of [run] plugins, for messages */
};

struct config {
    char *path;            /* the INI file, or NULL for a URL-only run */
    char *dir;             /* its directory */

    /* [run] */
    unsigned workers;      /* default 1 */
    uint64_t clients;      /* total over all workers; default ramp_start */
    uint64_t ramp_start;   /* default workers (clamped to clients when clients is set lower) */
    int64_t ramp_duration_ns; /* default 0 */
    uint64_t rounds;       /* default 1; 0 = until duration (or requests) */
    uint64_t total_requests; /* [run] requests: in total over the run, split over workers as clients are; 0 = no
                              limit; default 0 */
    int64_t duration_ns;   /* 0 = no cap */
    int iterator;          /* enum iterator_kind */
    uint64_t rate;         /* [run] rate: requests per second; 0 = not set */
    char *schedule_text;   /* [run] schedule as written; NULL = not set */
    int arrivals;          /* enum arrivals_kind */
    int on_busy;           /* enum on_busy_kind */
    uint64_t max_clients;  /* the open model's pool may grow from clients up to this; after
                              config_build, clients when not set (and in the closed model) */
    struct schedule *schedule; /* the open model's timetable; NULL: the closed model */
    uint64_t seed;
    int seed_set;          /* 0: main picks one from the clock and reports it */
    char *scoreboard;      /* path; default /dev/shm/stampede-PID.sb */
    int keep_scoreboard;   /* [run] keep_scoreboard = yes|no, --keep-scoreboard */
    char *hdr_log;         /* [run] hdr_log, --hdr-log: HdrHistogram interval log; NULL: none */
    int64_t hdr_interval_ns; /* [run] hdr_interval, --hdr-interval: its interval; default 1s */
    int64_t grace_ns;      /* how long in-flight requests may finish at a stop; default 2s */
    int64_t fail_backoff_ns; /* least wait after a request that failed before a server saw it */
    int64_t tick_ns;         /* resolution of the open model's timetable */
    int allow_fd_shortage; /* run more clients than a worker may open files */
    int log_per_worker;    /* --trace and --phout: a file per worker, PATH.wN */
    int gather;            /* stampede-mpi: --trace and --phout whole on rank 0 too */
    uint64_t connect_rate; /* new connections per second over the run; 0: no limit */
    char *local_ips_text;  /* [run] local_ips, --local-ips as written; NULL: the kernel picks */
    struct local_ips *local_ips; /* from it: the clients' source addresses; NULL: none */
    char *prometheus;      /* ADDR:PORT of the parent's /metrics; NULL: none */
    int64_t prometheus_linger_ns; /* how long /metrics stays up after the run */
    char *statsd;          /* HOST:PORT to push StatsD metrics to; NULL: none */
    char *statsd_namespace; /* the prefix of every StatsD name */
    int64_t dns_ttl_ns;    /* how long a resolved name is cached; 0 = for the whole run */
    char *dns_server;      /* "ADDR[:PORT],..." for c-ares; NULL = the system's resolv.conf */
    char *base_url;        /* what a request url "/PATH" is resolved against; NULL: none */
    uint64_t check_body_limit; /* body bytes a body check reads; default 1M */
    char *ammo_path;       /* [run] ammo: requests from this file; NULL: [request] sections */
    int ammo_format;       /* enum ammo_format (ammo.h); default auto */
    struct ammo *ammo;     /* the loaded file; its tags are the requests (one per tag) */
    char *segment_text;    /* [run] segment, --segment I/N as written; NULL: the whole run */
    unsigned segment_index, segment_count; /* from it: this process runs segment index of
                              count (segment.h); 0 of 1 without it */
    char *start_at_text;   /* [run] start_at, --start-at as written; NULL: at once */
    int64_t start_at_ns;   /* from it: the release, CLOCK_REALTIME ns; 0: when ready */

    uint64_t concurrency;  /* [run] concurrency: clients under its ApacheBench name */
    int priority;          /* enum seq_priority: how sequences share the clients */
    uint64_t repeat;       /* [run] repeat: the sequences' default; default 1 */
    uint64_t filesize;     /* [run] filesize: the sequences' default; default 16556 */
    struct feeder *feeders; /* [data NAME] sections, in file order */
    size_t nfeeders;
    struct sequence_spec *sequences; /* in file order; none: clients walk the requests */
    size_t nsequences;

    struct request_spec *requests; /* in file order */
    size_t nrequests;
    struct dns_entry *dns;
    size_t ndns;
    struct plugin_conf *plugins;
    size_t nplugins;
    char **run_keys, **run_values; /* [run] as written, for plugins; later ones win */
    size_t nrun;
    unsigned nchecks;      /* response checks over every request (their ids are 0..n-1) */
    int check_headers;     /* some request checks a response header: clients watch them */
    char **vars;           /* the variables captures set, in first-capture order: the
                              ${NAME}s a client holds values for */
    size_t nvars;
    int cookies;           /* [run] cookies: a cookie jar per client; default no */
    int sessions;          /* some request captures or is templated: clients hold values */
    int capture_headers;   /* some request captures a response header */
    struct threshold *thresholds; /* [thresholds], in file order */
    size_t nthresholds;

    /* command line only */
    const char *json_path;  /* the command line's own strings */
    const char *trace_path;
    const char *phout_path;
    const char *regress_path; /* --regress: the sequences' regression data as JSON */
    int quiet;
    int top;               /* --top or [run] top = yes: stampede-top on this terminal */
};

/* A command-line flag that sets a key: its long name without "--" (see config_keys.h) and its
 * value as given ("yes" for a flag without one). */
struct config_flag {
    const char *name;
    const char *value;
};

/* What the command line changes in the file: -D strings, then flags, which win over -D. */
struct config_overrides {
    const char *const *defines; /* "section.key=value" strings from -D, in order */
    size_t ndefines;
    const struct config_flag *flags; /* in command-line order; a later one wins */
    size_t nflags;
};

/* Loads `path` (an INI file) and applies the overrides. On error prints one line
 *   stampede: FILE:LINE: WHAT (HOW TO FIX)
 * to stderr and returns -1; the caller exits with status 2. */
int config_load(struct config *c, const char *path, const struct config_overrides *o);

/* Builds a one-request run from a URL and flags, like wrk: keep-alive, GET, rounds 0 when a
 * duration is given. Same error contract as config_load. */
int config_from_url(struct config *c, const char *url, const struct config_overrides *o);

void config_free(struct config *c);

/* Returns the known word closest to `word` (edit distance <= 2 or a shared prefix), or NULL:
 * the "did you mean" of error messages. */
const char *config_suggest(const char *word, const char *const *known);

#endif
