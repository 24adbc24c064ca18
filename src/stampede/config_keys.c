/* config_keys: the table of every configuration key, and what each type means: how a value
 * is parsed, checked and stored. Adding a key is adding a row here (and its paragraph in
 * doc/stampede.ini.5, which a unit test holds to this table). */
#include "config_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ammo.h"
#include "config_int.h"
#include "local_ips.h"
#include "netaddr.h"
#include "segment.h"
#include "strutil.h"
#include "units.h"
#include "url.h"

#define MAX_WORKERS 1024

/* ---- checks of final values ----------------------------------------------------------- */

static int check_workers(const struct config_key *k, const union config_value *v, char *msg,
                         size_t len)
{
    (void)k;
    if (v->u >= 1 && v->u <= MAX_WORKERS)
        return 0;
    snprintf(msg, len, "workers must be from 1 to %d (each worker is a process; use about one "
                       "per CPU)", MAX_WORKERS);
    return -1;
}

static int check_positive(const struct config_key *k, const union config_value *v, char *msg,
                          size_t len)
{
    if (v->ns > 0)
        return 0;
    snprintf(msg, len, "%s must be more than 0 (for example %s = 10s)", k->name, k->name);
    return -1;
}

/* Stored in 32 bits, and 0 would refuse every response. */
static int check_u32(const struct config_key *k, const union config_value *v, char *msg,
                     size_t len)
{
    if (v->u >= 1 && v->u <= UINT32_MAX)
        return 0;
    snprintf(msg, len, "%s must be between 1 and %u", k->name, UINT32_MAX);
    return -1;
}

static int check_file_path(const struct config_key *k, const union config_value *v, char *msg,
                           size_t len)
{
    if (*v->s)
        return 0;
    snprintf(msg, len, "%s needs a path (for example /dev/shm/run.sb)", k->name);
    return -1;
}

static int check_address(const struct config_key *k, const union config_value *v, char *msg,
                         size_t len)
{
    if (*v->s)
        return 0;
    snprintf(msg, len, "%s needs an address (for example 127.0.0.1:5353)", k->name);
    return -1;
}

static int check_host_port(const struct config_key *k, const union config_value *v, char *msg,
                           size_t len)
{
    char host[256], port[8];
    const char *why = netaddr_split(v->s, host, sizeof(host), port, sizeof(port));
    if (!why)
        return 0;
    snprintf(msg, len, "%s = %s: %s (for example 127.0.0.1:9100)", k->name, v->s, why);
    return -1;
}

static int check_local_ips(const struct config_key *k, const union config_value *v, char *msg,
                           size_t len)
{
    struct local_ips l;
    char err[200];
    if (local_ips_parse(v->s, &l, err, sizeof err) < 0) {
        snprintf(msg, len, "%s: %s", k->name, err);
        return -1;
    }
    local_ips_free(&l);
    return 0;
}

static int check_segment(const struct config_key *k, const union config_value *v, char *msg,
                         size_t len)
{
    unsigned i, n;
    (void)k;
    return segment_parse(v->s, &i, &n, msg, len);
}

static int check_start_at(const struct config_key *k, const union config_value *v, char *msg,
                          size_t len)
{
    int64_t ns;
    (void)k;
    return segment_parse_time(v->s, &ns, msg, len);
}

static int check_nonzero(const struct config_key *k, const union config_value *v, char *msg,
                         size_t len)
{
    if (v->u > 0)
        return 0;
    snprintf(msg, len, "%s must be more than 0 (leave it out for no limit)", k->name);
    return -1;
}

static int check_nonempty(const struct config_key *k, const union config_value *v, char *msg,
                          size_t len)
{
    if (*v->s)
        return 0;
    snprintf(msg, len, "%s must not be empty", k->name);
    return -1;
}

/* Sec-WebSocket-Protocol: tokens (RFC 7230's tchar) separated by commas and spaces. */
static int check_ws_protocol(const struct config_key *k, const union config_value *v, char *msg,
                             size_t len)
{
    static const char tchar[] = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const char *p = v->s;
    size_t tokens = 0;
    while (*p) {
        p += strspn(p, " \t");
        size_t n = strspn(p, tchar);
        if (n == 0)
            break;
        tokens++;
        p += n;
        p += strspn(p, " \t");
        if (*p != ',')
            break;
        p++;
    }
    if (tokens > 0 && *p == '\0')
        return 0;
    snprintf(msg, len, "%s must be subprotocol names separated by commas (e.g. chat, "
                       "superchat), not '%.40s'", k->name, v->s);
    return -1;
}

/* StatsD splits names at '.', and ':' '|' '@' are its syntax. */
static int check_statsd_name(const struct config_key *k, const union config_value *v, char *msg,
                             size_t len)
{
    size_t n = strlen(v->s);
    if (n && strspn(v->s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") ==
                 n && v->s[0] != '.' && v->s[n - 1] != '.')
        return 0;
    snprintf(msg, len, "%s = %s: use letters, digits, '_', '-' and '.' between them", k->name,
             v->s);
    return -1;
}

static int check_ammo_path(const struct config_key *k, const union config_value *v, char *msg,
                           size_t len)
{
    (void)k;
    if (*v->s)
        return 0;
    snprintf(msg, len, "ammo needs a path (for example ammo = requests.ammo)");
    return -1;
}

static const struct config_word arrivals_words[] = {
    {"uniform", ARRIVALS_UNIFORM},
    {"poisson", ARRIVALS_POISSON},
    {NULL, 0},
};

static const struct config_word ammo_format_words[] = {
    {"auto", AMMO_AUTO},
    {"phantom", AMMO_PHANTOM},
    {"uri", AMMO_URI},
    {"stpd", AMMO_STPD},
    {NULL, 0},
};

static const struct config_word on_busy_words[] = {
    {"queue", ON_BUSY_QUEUE},
    {"drop", ON_BUSY_DROP},
    {NULL, 0},
};

/* ---- parsers for keys whose syntax is their own --------------------------------------- */

/* "KEY: " before a value's message, or nothing for a flag (the flag is the WHERE). */
#define KEYP(label) (label) ? (label) : "", (label) ? ": " : ""

/* An absolute URL; for url (not base_url) also a path, "/x", that the builder resolves
 * against [run] base_url. */
static int parse_url(const struct config_key *k, const char *where, const char *label,
                     const char *v, union config_value *out)
{
    (void)label;
    struct url u;
    const char *why;
    int relative = v[0] == '/' && strcmp(k->name, "url") == 0;
    if (!relative && url_parse(v, &u, &why) != 0) {
        config_errorf(where, "bad %s '%.100s': %s", k->name, v, why);
        return -1;
    }
    if (!relative)
    url_free(&u); /* the builder parses the final one into the request */
    out->s = strdup(v);
    return out->s ? 0 : (config_oom(where), -1);
}

static int parse_token(const struct config_key *k, const char *where, const char *label,
                       const char *v, union config_value *out)
{
    (void)label;
    if (!str_is_token(v)) {
        config_errorf(where, "%s '%.60s' is not a token (use GET, POST, PUT, ...)", k->name, v);
        return -1;
    }
    out->s = strdup(v);
    return out->s ? 0 : (config_oom(where), -1);
}

/* "1.2", "12", "TLSv1.2", "tls1.2", "TLS_1.2". */
static int parse_tls_version(const struct config_key *k, const char *where, const char *label,
                             const char *v, union config_value *out)
{
    static const char *const names[] = {"1.0", "1.1", "1.2", "1.3"};
    static const int versions[] = {0x0301, 0x0302, 0x0303, 0x0304}; /* TLS1_x_VERSION */
    (void)k;
    const char *w = v;
    if (strncasecmp(w, "tls", 3) == 0)
        w += 3 + (w[3] == 'v' || w[3] == 'V' || w[3] == '_');
    for (int i = 0; i < 4; i++)
        if (strcmp(w, names[i]) == 0 ||
            (strlen(w) == 2 && w[0] == names[i][0] && w[1] == names[i][2])) {
            out->i = versions[i];
            return 0;
        }
    config_errorf(where, "%s%s'%.40s' is not a TLS version (use 1.0, 1.1, 1.2 or 1.3)",
                  KEYP(label), v);
    return -1;
}

/* "100kbps", "1.5MBps": checked here, turned into bytes per second by the builder. */
static int parse_bandwidth(const struct config_key *k, const char *where, const char *label,
                           const char *v, union config_value *out)
{
    uint64_t bps;
    (void)k;
    if (units_parse_bandwidth(v, &bps) != 0) {
        config_errorf(where, "%s%s'%.40s' is not a bandwidth (use kbps, Mbps, Gbps for bits or "
                             "kBps, MBps, GBps for bytes per second, e.g. 1.5Mbps)",
                      KEYP(label), v);
        return -1;
    }
    out->s = strdup(v);
    return out->s ? 0 : (config_oom(where), -1);
}

/* ---- the table ------------------------------------------------------------------------ */

static const struct config_word priority_words[] = {
    {"equal_opportunity", PRIORITY_EQUAL_OPPORTUNITY},
    {"run_priority", PRIORITY_RUN},
    {NULL, 0},
};
static const struct config_word order_words[] = {
    {"breadth_first", SEQ_BREADTH_FIRST},
    {"depth_first", SEQ_DEPTH_FIRST},
    {NULL, 0},
};

static const struct config_word iterator_words[] = {
    {"default", ITERATOR_DEFAULT},
    {"random_start", ITERATOR_RANDOM_START},
    {"follow", ITERATOR_FOLLOW},
    {"random_start_follow", ITERATOR_RANDOM_START | ITERATOR_FOLLOW},
    {NULL, 0},
};
static const struct config_word keepalive_words[] = {
    {"yes", KEEPALIVE_YES}, {"use", KEEPALIVE_USE}, {"store", KEEPALIVE_STORE},
    {"no", KEEPALIVE_NO},   {"true", KEEPALIVE_YES}, {"on", KEEPALIVE_YES},
    {"1", KEEPALIVE_YES},   {"false", KEEPALIVE_NO}, {"off", KEEPALIVE_NO},
    {"0", KEEPALIVE_NO},    {NULL, 0},
};

const struct config_section_kind config_sections[] = {
    [SEC_NONE] = {NULL, 0, 0, NULL},
    [SEC_RUN] = {"run", 0, 0, "see stampede.ini(5) for the [run] keys"},
    [SEC_DEFAULTS] = {"defaults", 0, 0, "see stampede.ini(5) for the request keys"},
    [SEC_REQUEST] = {"request", 1, 0, "see stampede.ini(5) for the request keys"},
    [SEC_DNS] = {"dns", 0, 1, NULL},
    [SEC_TLS] = {"tls", 0, 0, "see stampede.ini(5) for the [tls] keys"},
    [SEC_PLUGIN] = {"plugin", 1, 1, NULL},
    [SEC_THRESHOLDS] = {"thresholds", 0, 0, NULL, 1},
    [SEC_SEQUENCE] = {"sequence", 1, 0, "see stampede.ini(5) for the [sequence NAME] keys"},
    [SEC_DATA] = {"data", 1, 0, "see stampede.ini(5) for the [data NAME] keys"},
};
const char *const config_section_words[] = {"run", "defaults", "request", "dns", "tls",
                                            "plugin", "thresholds", "sequence", "data", NULL};

static const struct config_word data_modes[] = {
    {"per_client", DATA_PER_CLIENT}, {"per_repetition", DATA_PER_REPETITION},
    {"round_robin", DATA_ROUND_ROBIN}, {"random", DATA_RANDOM}, {NULL, 0}};

/* The field a key is stored in: offset and size in its section's struct. */
#define RUN(m) offsetof(struct config, m), sizeof(((struct config *)0)->m)
#define REQ(m) offsetof(struct request_spec, m), sizeof(((struct request_spec *)0)->m)
#define PLUG(m) offsetof(struct plugin_conf, m), sizeof(((struct plugin_conf *)0)->m)
/* Stored by the builder itself (headers, bodies, the plugin list). */
#define BUILDER 0, 0
#define RUNSEC SEC_BIT(SEC_RUN)
#define SEQSEC SEC_BIT(SEC_SEQUENCE)

const struct config_key config_keys[] = {
    /* [run] */
    {.name = "workers", .sections = RUNSEC, .type = CT_COUNT, RUN(workers), .def = "1",
     .check = check_workers, .flag = "workers", .short_flag = 'w', .short_alias = 't',
     .flag_arg = "N", .help = "worker processes, 1 to 1024 (-t as in wrk: its threads)"},
    {.name = "clients", .sections = RUNSEC, .type = CT_COUNT, RUN(clients),
     .flag = "clients", .short_flag = 'c', .flag_arg = "N",
     .help = "clients in total over all workers (default ramp_start)"},
    {.name = "ramp_start", .sections = RUNSEC, .type = CT_COUNT, RUN(ramp_start),
     .help = "clients started at once (default one per worker)"},
    {.name = "ramp_duration", .sections = RUNSEC, .type = CT_DURATION, RUN(ramp_duration_ns),
     .def = "0", .help = "how long the other clients take to join"},
    {.name = "rounds", .sections = RUNSEC, .type = CT_COUNT, RUN(rounds), .def = "1",
     .flag = "rounds", .short_flag = 'r', .flag_arg = "N",
     .help = "walks of the request list per client (0 = until duration)"},
    {.name = "requests", .sections = RUNSEC | SEQSEC, .type = CT_COUNT, RUN(total_requests), .def = "0",
     .flag = "requests", .short_flag = 'n', .flag_arg = "N",
     .help = "requests in total over all clients, then stop (0 = no limit); in a [sequence "
             "NAME], its steps: names of [request NAME] sections"},
    {.name = "duration", .sections = RUNSEC, .type = CT_DURATION, RUN(duration_ns),
     .flag = "duration", .short_flag = 'd', .flag_arg = "TIME",
     .help = "stop the run after TIME (250ms, 10s, 2m)"},
    {.name = "rate", .sections = RUNSEC, .type = CT_COUNT, RUN(rate), .flag = "rate",
     .short_flag = 'R', .flag_arg = "RATE",
     .help = "requests per second over the whole run (the open model; needs a duration)"},
    {.name = "schedule", .sections = RUNSEC, .type = CT_STRING, RUN(schedule_text),
     .flag = "schedule", .flag_arg = "SEGMENTS",
     .help = "arrival rates over time: const(R, DUR) line(FROM, TO, DUR) step(FROM, TO, STEP, DUR)"},
    {.name = "max_clients", .sections = RUNSEC, .type = CT_COUNT, RUN(max_clients),
     .flag = "max-clients", .flag_arg = "N",
     .help = "with a rate: the pool of clients may grow up to N when arrivals find all busy"},
    {.name = "arrivals", .sections = RUNSEC, .type = CT_ENUM, RUN(arrivals), .def = "uniform",
     .words = arrivals_words, .what = "an arrival process", .flag = "arrivals",
     .flag_arg = "KIND", .help = "spacing of arrivals with a rate: uniform or poisson"},
    {.name = "on_busy", .sections = RUNSEC, .type = CT_ENUM, RUN(on_busy), .def = "queue",
     .words = on_busy_words, .what = "what to do with an arrival", .flag = "on-busy",
     .flag_arg = "WHAT", .help = "an arrival that finds every client busy: queue or drop"},
    {.name = "tick", .sections = RUNSEC, .type = CT_DURATION, RUN(tick_ns), .def = "1ms",
     .flag = "tick", .flag_arg = "TIME",
     .help = "resolution of the timetables of arrivals and of channel messages (0 = each "
             "at its own nanosecond)"},
    {.name = "iterator", .sections = RUNSEC, .type = CT_ENUM, RUN(iterator), .def = "default",
     .words = iterator_words, .what = "an iterator",
     .help = "order of the requests: default, random_start, follow, random_start_follow"},
    {.name = "seed", .sections = RUNSEC, .type = CT_COUNT, RUN(seed), .flag = "seed",
     .flag_arg = "N", .help = "seed of the per-client random streams"},
    {.name = "segment", .sections = RUNSEC, .type = CT_STRING, RUN(segment_text),
     .check = check_segment, .flag = "segment", .flag_arg = "I/N",
     .help = "run segment I (from 0) of a run split in N; needs a seed (stampede merge)"},
    {.name = "start_at", .sections = RUNSEC, .type = CT_STRING, RUN(start_at_text),
     .check = check_start_at, .flag = "start-at", .flag_arg = "TIME",
     .help = "release the load at wall-clock TIME (RFC 3339 or @EPOCH)"},
    {.name = "scoreboard", .sections = RUNSEC, .type = CT_STRING, RUN(scoreboard),
     .check = check_file_path, .flag = "scoreboard", .flag_arg = "PATH",
     .help = "scoreboard file (default /dev/shm/stampede-PID.sb)"},
    {.name = "keep_scoreboard", .sections = RUNSEC, .type = CT_BOOL, RUN(keep_scoreboard),
     .def = "no", .flag = "keep-scoreboard", .help = "leave the scoreboard file after the run"},
    {.name = "hdr_log", .sections = RUNSEC, .type = CT_PATH, RUN(hdr_log), .flag = "hdr-log",
     .flag_arg = "FILE", .help = "write an HdrHistogram interval log of the latencies to FILE"},
    {.name = "hdr_interval", .sections = RUNSEC, .type = CT_DURATION, RUN(hdr_interval_ns),
     .def = "1s", .check = check_positive, .flag = "hdr-interval", .flag_arg = "TIME",
     .help = "the length of an interval of hdr_log"},
    {.name = "grace", .sections = RUNSEC, .type = CT_DURATION, RUN(grace_ns), .def = "2s",
     .help = "how long requests in flight may finish at a stop"},
    {.name = "fail_backoff", .sections = RUNSEC, .type = CT_DURATION, RUN(fail_backoff_ns),
     .def = "5ms", .help = "least wait after a request that failed before a server saw it"},
    {.name = "allow_fd_shortage", .sections = RUNSEC, .type = CT_BOOL, RUN(allow_fd_shortage),
     .def = "no", .flag = "allow-fd-shortage",
     .help = "run even when a worker has more clients than it may open files"},
    {.name = "connect_rate", .sections = RUNSEC, .type = CT_COUNT, RUN(connect_rate),
     .def = "0", .flag = "connect-rate", .flag_arg = "RATE",
     .help = "new connections per second over the whole run (0 = no limit)"},
    {.name = "local_ips", .sections = RUNSEC, .type = CT_STRING, RUN(local_ips_text),
     .check = check_local_ips, .flag = "local-ips", .flag_arg = "ADDRS",
     .help = "source addresses of the clients (A, A-B, A/BITS, ...): client i connects from "
             "address i mod n"},
    {.name = "log_per_worker", .sections = RUNSEC, .type = CT_BOOL, RUN(log_per_worker),
     .def = "no", .flag = "log-per-worker",
     .help = "write --trace and --phout as a file per worker, PATH.wN, instead of one"},
    {.name = "gather", .sections = RUNSEC, .type = CT_BOOL, RUN(gather), .def = "no",
     .flag = "gather",
     .help = "stampede-mpi: also write --trace and --phout whole on rank 0's machine"},
    {.name = "prometheus", .sections = RUNSEC, .type = CT_STRING, RUN(prometheus),
     .check = check_host_port, .flag = "prometheus", .flag_arg = "ADDR:PORT",
     .help = "serve the run's metrics for Prometheus at http://ADDR:PORT/metrics"},
    {.name = "prometheus_linger", .sections = RUNSEC, .type = CT_DURATION,
     RUN(prometheus_linger_ns), .def = "0", .flag = "prometheus-linger", .flag_arg = "TIME",
     .help = "keep serving the final metrics for TIME after the run"},
    {.name = "statsd", .sections = RUNSEC, .type = CT_STRING, RUN(statsd),
     .check = check_host_port, .flag = "statsd", .flag_arg = "HOST:PORT",
     .help = "push metrics to a StatsD server over UDP once a second"},
    {.name = "statsd_namespace", .sections = RUNSEC, .type = CT_STRING, RUN(statsd_namespace),
     .def = "stampede", .check = check_statsd_name, .flag = "statsd-namespace",
     .flag_arg = "NAME", .help = "the prefix of every StatsD metric"},
    {.name = "top", .sections = RUNSEC, .type = CT_BOOL, RUN(top), .def = "no", .flag = "top",
     .help = "watch the run in stampede-top on this terminal"},
    {.name = "plugins", .sections = RUNSEC, .type = CT_LIST, BUILDER,
     .help = "plugins to load, in order (default every [plugin NAME])"},
    {.name = "dns_ttl", .sections = RUNSEC, .type = CT_DURATION, RUN(dns_ttl_ns), .def = "0",
     .help = "how long a resolved name is reused (0 = the whole run)"},
    {.name = "dns_server", .sections = RUNSEC, .type = CT_STRING, RUN(dns_server),
     .check = check_address, .help = "DNS servers ADDR[:PORT],... instead of resolv.conf"},
    {.name = "cookies", .sections = RUNSEC | SEQSEC, .type = CT_BOOL, RUN(cookies), .def = "no",
     .help = "a cookie jar per client (per repetition in a sequence, where the default is "
             "yes): Set-Cookie kept and sent back"},
    {.name = "base_url", .sections = RUNSEC, .type = CT_STRING, RUN(base_url),
     .parse = parse_url, .help = "what a request url that starts with / is resolved against"},
    {.name = "check_body_limit", .sections = RUNSEC, .type = CT_SIZE, RUN(check_body_limit),
     .def = "1048576", .help = "response body bytes a body check reads; a longer body fails it"},
    {.name = "ammo", .sections = RUNSEC, .type = CT_PATH, RUN(ammo_path),
     .check = check_ammo_path, .flag = "ammo", .flag_arg = "FILE",
     .help = "requests from an ammo file (phantom, uri-style or stpd) instead of [request]"},
    {.name = "ammo_format", .sections = RUNSEC, .type = CT_ENUM, RUN(ammo_format),
     .def = "auto", .words = ammo_format_words, .what = "an ammo format",
     .flag = "ammo-format", .flag_arg = "FORMAT",
     .help = "the ammo file's format: auto (from its first line), phantom, uri or stpd"},

    {.name = "concurrency", .sections = RUNSEC, .type = CT_COUNT, RUN(concurrency),
     .help = "requests in flight at once: clients under ApacheBench's name"},
    {.name = "priority", .sections = RUNSEC, .type = CT_ENUM, RUN(priority),
     .def = "equal_opportunity", .words = priority_words, .what = "a priority",
     .help = "how sequences share the clients: equal_opportunity or run_priority"},
    {.name = "repeat", .sections = RUNSEC | SEQSEC, .type = CT_COUNT, RUN(repeat), .def = "1",
     .help = "repetitions of each [sequence NAME] (a sequence may set its own)"},
    {.name = "filesize", .sections = RUNSEC | SEQSEC, .type = CT_SIZE, RUN(filesize),
     .def = "16556", .help = "response bytes kept for --regress (a sequence may set its own)"},

    /* [sequence NAME]: requests, url, repeat and filesize too */
    {.name = "postdata", .sections = SEQSEC, .type = CT_STRING, BUILDER,
     .help = "the body of the inline url just before: that step is a POST"},
    {.name = "order", .sections = SEQSEC, .type = CT_ENUM, BUILDER, .def = "breadth_first",
     .words = order_words, .what = "an order",
     .help = "breadth_first (each step for every repetition) or depth_first"},
    {.name = "parallel", .sections = SEQSEC, .type = CT_COUNT, BUILDER, .def = "1",
     .help = "depth_first: repetitions walked at once"},
    {.name = "cookie", .sections = SEQSEC, .type = CT_STRING, BUILDER, .flags = KF_REPEAT,
     .help = "the Cookie header of one repetition (one line per repetition)"},
    {.name = "page_content", .sections = SEQSEC, .type = CT_BOOL, BUILDER, .def = "no",
     .help = "--regress keeps the content of each response (up to filesize)"},

    /* [request NAME] and [defaults] */
    {.name = "url", .sections = SECS_REQUEST | SEQSEC, .type = CT_STRING, REQ(url_text),
     .parse = parse_url, .help = "http://, https://, tcp:// or tls:// URL, or /PATH after base_url (required)"},
    {.name = "method", .sections = SECS_REQUEST, .type = CT_STRING, REQ(method), .def = "GET",
     .parse = parse_token, .flag = "method", .short_flag = 'm', .flag_arg = "METHOD",
     .help = "request method, sent as written"},
    {.name = "header", .sections = SECS_REQUEST, .type = CT_STRING, BUILDER,
     .flags = KF_REPEAT, .flag = "header", .short_flag = 'H', .flag_arg = "'N: V'",
     .help = "a request header, Name: value (repeatable)"},
    {.name = "body", .sections = SECS_REQUEST, .type = CT_STRING, BUILDER, .flags = KF_JOIN,
     .flag = "body", .flag_arg = "STRING", .help = "request body (indented lines continue it)"},
    {.name = "body_file", .sections = SECS_REQUEST, .type = CT_PATH, BUILDER, .slot = "body",
     .flags = KF_READ, .flag = "body-file", .flag_arg = "FILE",
     .help = "request body read from this file"},
    {.name = "keepalive", .sections = SECS_REQUEST, .type = CT_ENUM, REQ(keepalive),
     .def = "yes", .words = keepalive_words, .what = "a keep-alive mode",
     .help = "reuse (use), keep (store), both (yes) or neither (no)"},
    {.name = "predelay", .sections = SECS_REQUEST, .type = CT_DURATION, REQ(predelay_ns),
     .def = "0", .help = "wait before the request"},
    {.name = "prejitter", .sections = SECS_REQUEST, .type = CT_DURATION, REQ(prejitter_ns),
     .def = "0", .help = "random +- added to predelay"},
    {.name = "postdelay", .sections = SECS_REQUEST, .type = CT_DURATION, REQ(postdelay_ns),
     .def = "0", .help = "wait after the response (think time)"},
    {.name = "postjitter", .sections = SECS_REQUEST, .type = CT_DURATION, REQ(postjitter_ns),
     .def = "0", .help = "random +- added to postdelay"},
    {.name = "connect_timeout", .sections = SECS_REQUEST, .type = CT_DURATION,
     REQ(connect_timeout_ns), .def = "10s", .check = check_positive,
     .flag = "connect-timeout", .flag_arg = "TIME", .help = "longest a TCP connect may take"},
    {.name = "timeout", .sections = SECS_REQUEST, .type = CT_DURATION, REQ(timeout_ns),
     .def = "60s", .check = check_positive, .flag = "timeout", .flag_arg = "TIME",
     .help = "longest the whole request may take"},
    {.name = "max_redirects", .sections = SECS_REQUEST, .type = CT_COUNT, REQ(max_redirects),
     .def = "10", .help = "redirects the follow iterators follow"},
    {.name = "follow_credentials", .sections = SECS_REQUEST, .type = CT_BOOL,
     REQ(follow_credentials), .def = "no",
     .help = "send Authorization and Cookie to another origin on a redirect"},
    {.name = "retry_non_idempotent", .sections = SECS_REQUEST, .type = CT_BOOL,
     REQ(retry_non_idempotent), .def = "no",
     .help = "send a POST again when a stale kept-alive connection failed it"},
    {.name = "max_body", .sections = SECS_REQUEST, .type = CT_SIZE, REQ(max_body), .def = "0",
     .help = "response body bytes kept for hooks"},
    {.name = "max_header_bytes", .sections = SECS_REQUEST, .type = CT_SIZE,
     REQ(max_header_bytes), .def = "64k", .check = check_u32,
     .help = "largest response header block"},
    {.name = "max_headers", .sections = SECS_REQUEST, .type = CT_COUNT, REQ(max_headers),
     .def = "100", .check = check_u32, .help = "most response header lines"},
    {.name = "expect_status", .sections = SECS_REQUEST, .type = CT_STRING, REQ(expect_status),
     .help = "statuses that pass the check: 200 204, or classes such as 2xx"},
    {.name = "expect_header", .sections = SECS_REQUEST, .type = CT_STRING, BUILDER,
     .flags = KF_REPEAT, .help = "a response header that must contain a text, Name: text "
                                 "(repeatable)"},
    {.name = "capture", .sections = SEC_BIT(SEC_REQUEST), .type = CT_STRING, BUILDER,
     .flags = KF_REPEAT, .help = "a value for later requests: NAME header Header-Name, NAME "
                                 "regex PATTERN or NAME json PATH (repeatable)"},
    {.name = "expect_body", .sections = SECS_REQUEST, .type = CT_STRING, REQ(expect_body),
     .help = "a text the response body must contain"},
    {.name = "expect_body_regex", .sections = SECS_REQUEST, .type = CT_STRING,
     REQ(expect_body_regex), .help = "a PCRE2 pattern the response body must match"},
    {.name = "expect_body_json", .sections = SECS_REQUEST, .type = CT_STRING,
     REQ(expect_body_json), .help = "PATH == VALUE in a JSON body, e.g. data.items.0.id == 42"},

    /* channels: requests whose url is tcp://HOST:PORT or tls://HOST:PORT */
    {.name = "message", .sections = SECS_REQUEST, .type = CT_STRING, BUILDER, .flags = KF_JOIN,
     .flag = "message", .flag_arg = "STRING",
     .help = "a channel's message, sent again and again (${seq} ${client} ${worker})"},
    {.name = "message_file", .sections = SECS_REQUEST, .type = CT_PATH, BUILDER,
     .slot = "message", .flags = KF_READ, .flag = "message-file", .short_flag = 'f',
     .flag_arg = "FILE", .help = "a channel's message read from this file"},
    {.name = "first_message", .sections = SECS_REQUEST, .type = CT_STRING, BUILDER,
     .flags = KF_JOIN, .flag = "first-message", .flag_arg = "STRING",
     .help = "sent once when a channel opens, before the messages"},
    {.name = "first_message_file", .sections = SECS_REQUEST, .type = CT_PATH, BUILDER,
     .slot = "first_message", .flags = KF_READ, .flag = "first-message-file",
     .flag_arg = "FILE", .help = "the first message read from this file"},
    {.name = "message_rate", .sections = SECS_REQUEST, .type = CT_COUNT, REQ(chan.rate),
     .check = check_nonzero, .flag = "message-rate", .flag_arg = "RATE",
     .help = "messages per second per channel (default as fast as the peer takes them)"},
    {.name = "channel_bandwidth", .sections = SECS_REQUEST, .type = CT_STRING,
     REQ(chan.bandwidth_text), .parse = parse_bandwidth, .flag = "channel-bandwidth",
     .flag_arg = "BW", .help = "most a channel sends: 100kbps, 10Mbps, 1.5MBps ..."},
    {.name = "channel_lifetime", .sections = SECS_REQUEST, .type = CT_DURATION,
     REQ(chan.lifetime_ns), .check = check_positive, .flag = "channel-lifetime",
     .flag_arg = "TIME", .help = "close a channel after TIME (default at the end of the run)"},
    {.name = "latency_marker", .sections = SECS_REQUEST, .type = CT_STRING, REQ(chan.marker),
     .check = check_nonempty, .flag = "latency-marker", .flag_arg = "STRING",
     .help = "text in the messages whose return times a message's round trip"},
    {.name = "ws_protocol", .sections = SECS_REQUEST, .type = CT_STRING, REQ(chan.ws_protocol),
     .check = check_ws_protocol, .flag = "ws-protocol", .flag_arg = "LIST",
     .help = "WebSocket subprotocols offered in the handshake: chat, superchat"},
    {.name = "ws_binary", .sections = SECS_REQUEST, .type = CT_BOOL, REQ(chan.ws_binary),
     .def = "no", .flag = "ws-binary", .help = "send WebSocket messages as binary frames"},
    {.name = "ws_max_message", .sections = SECS_REQUEST, .type = CT_SIZE,
     REQ(chan.ws_max_message), .def = "1M", .check = check_nonzero, .flag = "ws-max-message",
     .flag_arg = "SIZE", .help = "largest WebSocket message taken; over it: close with 1009"},

    /* TLS: [tls], [defaults] and [request NAME] */
    {.name = "verify", .sections = SECS_TLS, .type = CT_BOOL, REQ(tls.verify), .def = "no",
     .flag = "verify", .no_flag = "insecure", .no_short_flag = 'k',
     .no_help = "do not check certificates (verify = no, the default)",
     .help = "check the server's certificate chain and name"},
    {.name = "ca_file", .sections = SECS_TLS, .type = CT_PATH, REQ(tls.ca_file),
     .help = "trusted certificates, a PEM file"},
    {.name = "ca_path", .sections = SECS_TLS, .type = CT_PATH, REQ(tls.ca_path),
     .help = "trusted certificates, a hashed directory"},
    {.name = "client_cert", .sections = SECS_TLS, .type = CT_PATH, REQ(tls.client_cert),
     .help = "client certificate chain (PEM)"},
    {.name = "client_key", .sections = SECS_TLS, .type = CT_PATH, REQ(tls.client_key),
     .help = "client key (default in client_cert)"},
    {.name = "ciphers", .sections = SECS_TLS, .type = CT_STRING, REQ(tls.ciphers),
     .help = "OpenSSL cipher list for TLS 1.2 and older"},
    {.name = "min_version", .sections = SECS_TLS, .type = CT_ENUM, REQ(tls.min_version),
     .parse = parse_tls_version, .help = "lowest TLS version: 1.0, 1.1, 1.2 or 1.3"},
    {.name = "max_version", .sections = SECS_TLS, .type = CT_ENUM, REQ(tls.max_version),
     .parse = parse_tls_version, .help = "highest TLS version: 1.0, 1.1, 1.2 or 1.3"},
    {.name = "session_cache", .sections = SECS_TLS, .type = CT_BOOL, REQ(tls.session_cache),
     .def = "yes", .help = "resume TLS sessions on a client's new connections"},

    /* [data NAME]: a CSV file whose columns are variables */
    {.name = "file", .sections = SEC_BIT(SEC_DATA), .type = CT_PATH, BUILDER,
     .help = "a CSV file with a header row naming its columns"},
    {.name = "mode", .sections = SEC_BIT(SEC_DATA), .type = CT_ENUM, BUILDER,
     .def = "per_client", .words = data_modes, .what = "a data mode",
     .help = "which row a client takes: per_client, per_repetition, round_robin or random"},

    /* [plugin NAME]: this key, and any other the plugin reads */
    {.name = "path", .sections = SEC_BIT(SEC_PLUGIN), .type = CT_PATH, PLUG(path),
     .help = "the plugin's shared object (default NAME.so beside stampede or installed)"},
};
const size_t config_nkeys = sizeof config_keys / sizeof config_keys[0];

const struct config_key *config_key_find(const char *name)
{
    for (size_t i = 0; i < config_nkeys; i++)
        if (strcmp(config_keys[i].name, name) == 0)
            return &config_keys[i];
    return NULL;
}

const struct config_key *config_key_by_flag(const char *flag, int *no)
{
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        if (k->flag && strcmp(k->flag, flag) == 0) {
            if (no)
                *no = 0;
            return k;
        }
        if (no && k->no_flag && strcmp(k->no_flag, flag) == 0) {
            *no = 1;
            return k;
        }
    }
    return NULL;
}

void config_key_names(int sec, const char **names)
{
    size_t n = 0;
    for (size_t i = 0; i < config_nkeys; i++)
        if (config_keys[i].sections & SEC_BIT(sec))
            names[n++] = config_keys[i].name;
    names[n] = NULL;
}

const char *config_type_name(enum config_type t)
{
    static const char *const names[] = {"count", "size",   "duration", "boolean",
                                        "enum",  "string", "path",     "list"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

int config_type_is_string(enum config_type t)
{
    return t == CT_STRING || t == CT_PATH || t == CT_LIST;
}

void config_keys_print(FILE *f)
{
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        char secs[64] = "";
        for (int s = SEC_RUN; s <= SEC_DATA; s++)
            if (k->sections & SEC_BIT(s)) {
                size_t l = strlen(secs);
                snprintf(secs + l, sizeof secs - l, "%s%s", l ? "," : "", config_sections[s].word);
            }
        fprintf(f, "%-21s %-16s %-8s %-7s %s\n", secs, k->name, config_type_name(k->type),
                k->def ? k->def : "-", k->help);
    }
}

/* ---- values by type ------------------------------------------------------------------- */

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1", NULL};
    static const char *const no[] = {"no", "false", "off", "0", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (strcasecmp(v, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
    for (size_t i = 0; no[i]; i++)
        if (strcasecmp(v, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    return -1;
}

static int parse_enum(const struct config_key *k, const char *where, const char *label,
                      const char *v, union config_value *out)
{
    const char *words[24], *shown[24];
    size_t n = 0, ns = 0;
    for (const struct config_word *w = k->words; w->word && n < 23; w++) {
        if (strcasecmp(v, w->word) == 0) {
            out->i = w->value;
            return 0;
        }
        /* the first word of each value is the one to show; the others are aliases */
        int seen = 0;
        for (const struct config_word *x = k->words; x < w; x++)
            seen |= x->value == w->value;
        if (!seen)
            shown[ns++] = w->word;
        words[n++] = w->word;
    }
    words[n] = NULL;
    char use[256] = "use ", h[300];
    for (size_t i = 0; i < ns; i++) {
        size_t l = strlen(use);
        snprintf(use + l, sizeof use - l, "%s%s", i == 0 ? "" : i + 1 == ns ? " or " : ", ",
                 shown[i]);
    }
    config_errorf(where, "%s%s'%.60s' is not %s%s", KEYP(label), v, k->what,
                  config_hint(v, words, use, h, sizeof h));
    return -1;
}

/* Parses v as key k's type; `label` is the key's name in messages, NULL for a flag. */
static int parse_typed(const struct config_key *k, const char *where, const char *label,
                       const char *v, union config_value *out)
{
    memset(out, 0, sizeof *out);
    if (k->parse)
        return k->parse(k, where, label, v, out);
    switch (k->type) {
    case CT_COUNT:
    case CT_SIZE:
        if (units_parse_count(v, &out->u) == 0)
            return 0;
        config_errorf(where, "%s%s'%.60s' is not a %s (use a whole number like 4, 10k or 2M)",
                      KEYP(label), v, k->type == CT_SIZE ? "size" : "count");
        return -1;
    case CT_DURATION:
        if (units_parse_duration(v, &out->ns) == 0)
            return 0;
        config_errorf(where,
                      "%s%s'%.60s' is not a duration (use a number with a unit: 250ms, 1.5s, "
                      "2m, 1h; a bare number is seconds)",
                      KEYP(label), v);
        return -1;
    case CT_BOOL:
        if (parse_bool(v, &out->i) == 0)
            return 0;
        config_errorf(where, "%s%s'%.60s' is not a boolean (use yes or no)", KEYP(label), v);
        return -1;
    case CT_ENUM:
        return parse_enum(k, where, label, v, out);
    case CT_PATH:
        if (!*v) {
            config_errorf(where, "%s needs a path", k->name);
            return -1;
        }
        /* fall through */
    case CT_STRING:
    case CT_LIST:
        out->s = strdup(v);
        return out->s ? 0 : (config_oom(where), -1);
    }
    return -1;
}

int config_value_parse(const struct load *L, const struct entry *e, union config_value *out)
{
    const struct config_key *k = e->k;
    if (parse_typed(k, e->where, e->from_flag ? NULL : k->name, e->value, out) != 0)
        return -1;
    /* a path written in the file is relative to the file; from -D, to the current directory */
    if (k->type == CT_PATH && e->from_file && out->s[0] != '/' && L->dir &&
        strcmp(L->dir, ".") != 0) {
        size_t n = strlen(L->dir) + strlen(out->s) + 2;
        char *path = malloc(n);
        if (!path) {
            free(out->s);
            out->s = NULL;
            config_oom(e->where);
            return -1;
        }
        snprintf(path, n, "%s/%s", L->dir, out->s);
        free(out->s);
        out->s = path;
    }
    return 0;
}

int config_value_default(const struct config_key *k, union config_value *out)
{
    return parse_typed(k, "default", k->name, k->def, out);
}

void config_value_store(const struct config_key *k, void *base, union config_value *v)
{
    char *field = (char *)base + k->offset;
    if (k->size == 0)
        return;
    if (config_type_is_string(k->type)) {
        char **dst = (char **)(void *)field;
        free(*dst);
        *dst = v->s;
        v->s = NULL;
    } else if (k->type == CT_DURATION) {
        memcpy(field, &v->ns, sizeof v->ns);
    } else if (k->type == CT_BOOL || k->type == CT_ENUM) {
        memcpy(field, &v->i, sizeof v->i);
    } else if (k->size == sizeof(uint64_t)) {
        memcpy(field, &v->u, sizeof v->u);
    } else { /* a 32-bit count: its check has kept it in range */
        uint32_t u = (uint32_t)v->u;
        memcpy(field, &u, sizeof u);
    }
}
