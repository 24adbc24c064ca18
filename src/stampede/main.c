/* main: the stampede command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "config_keys.h"
#include "merge.h"
#include "parent.h"
#ifdef STAMPEDE_MPI
#include "mpi_run.h"
#endif

#define MAX_DEFINES 256
#define MAX_FLAGS 256
/* getopt values of the options that are not keys; a key's flag is FLAG_KEY + its index, its
 * no_flag FLAG_NO + its index */
enum { OPT_JSON = 256, OPT_TRACE, OPT_PHOUT, OPT_LIST_KEYS, OPT_LATENCY, OPT_REGRESS, OPT_WS, FLAG_KEY = 512, FLAG_NO = 2048 };

/* The flags that set keys come from the key table, in its order. */
static void usage(FILE *f)
{
    fputs("usage: stampede [options] FILE.ini\n"
          "       stampede [options] -                 (the INI on standard input)\n"
          "       stampede [options] http://HOST:PORT/PATH\n"
          "       stampede [options] HOST:PORT[/PATH]  (http:// assumed)\n"
          "       stampede [options] tcp://HOST:PORT   (or tls://: channels, as tcpkali)\n"
          "       stampede [options] ws://HOST:PORT/PATH (or wss://: WebSocket channels)\n"
          "       stampede --ws [options] HOST:PORT    (ws://HOST:PORT/, as tcpkali --ws)\n"
          "       stampede merge [--json OUT] SEGMENT.json...  (segments of one run)\n"
          "\n",
          f);
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        if (!k->flag)
            continue;
        char left[64];
        snprintf(left, sizeof left, "%c%c%c --%s%s%s", k->short_flag ? '-' : ' ',
                 k->short_flag ? k->short_flag : ' ', k->short_flag ? ',' : ' ', k->flag,
                 k->flag_arg ? " " : "", k->flag_arg ? k->flag_arg : "");
        fprintf(f, "  %-21s  %s\n", left, k->help);
        if (k->short_alias) {
            snprintf(left, sizeof left, "-%c%s%s", k->short_alias, k->flag_arg ? " " : "",
                     k->flag_arg ? k->flag_arg : "");
            fprintf(f, "  %-21s  the same as --%s\n", left, k->flag);
        }
        if (k->no_flag) {
            snprintf(left, sizeof left, "%c%c%c --%s", k->no_short_flag ? '-' : ' ',
                     k->no_short_flag ? k->no_short_flag : ' ', k->no_short_flag ? ',' : ' ',
                     k->no_flag);
            fprintf(f, "  %-21s  %s\n", left, k->no_help);
        }
    }
    fputs("  -D SECTION.KEY=VALUE   override any configuration key (e.g. -D run.workers=4,\n"
          "                         -D request.home.timeout=5s)\n"
          "      --json FILE        write the summary as JSON to FILE\n"
          "      --trace FILE       write one line per finished request to FILE\n"
          "      --phout FILE       the same in Phantom's phout format, as yandex-tank reads it\n"
          "      --regress FILE     write the sequences' regression data as JSON to FILE\n"
          "  -q, --quiet            no progress lines\n"
          "      --latency          accepted for wrk's sake: the summary always has latency\n"
          "      --list-keys        list every configuration key, its type and default\n"
          "  -h, --help             this help\n"
          "  -V, --version          print the version\n"
          "\n"
          "A URL instead of a file runs one keep-alive request in a loop, like wrk; -n\n"
          "counts requests in total, like ab and hey:\n"
          "  stampede -c 64 -d 10s http://127.0.0.1:8080/\n"
          "  stampede -c 8 -n 1000 -m POST -H 'Content-Type: text/plain' --body hi \\\n"
          "      127.0.0.1:8080/echo\n",
          f);
}

static int is_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
           strncasecmp(s, "tcp://", 6) == 0 || strncasecmp(s, "tls://", 6) == 0 ||
           strncasecmp(s, "ws://", 5) == 0 || strncasecmp(s, "wss://", 6) == 0;
}

static int looks_like_host_port(const char *s);

/* --ws, as tcpkali's: HOST:PORT[/PATH] or tcp://HOST:PORT becomes ws://HOST:PORT/ (tls://
 * becomes wss://); a ws:// or wss:// URL stays. The new target (malloc'ed), or NULL after a
 * message. */
static char *ws_target(const char *what)
{
    const char *scheme = "ws", *rest = what;
    if (strncasecmp(what, "ws://", 5) == 0 || strncasecmp(what, "wss://", 6) == 0)
        return strdup(what);
    if (strncasecmp(what, "tcp://", 6) == 0) {
        rest = what + 6;
    } else if (strncasecmp(what, "tls://", 6) == 0) {
        scheme = "wss";
        rest = what + 6;
    } else if (!looks_like_host_port(what)) {
        fprintf(stderr, "stampede: --ws takes a HOST:PORT, tcp:// or ws:// target, not '%.60s'\n",
                what);
        return NULL;
    }
    char *url = NULL;
    if (asprintf(&url, "%s://%s%s", scheme, rest, strchr(rest, '/') ? "" : "/") < 0) {
        fputs("stampede: out of memory\n", stderr);
        return NULL;
    }
    return url;
}

/* A scheme of some kind ("htp://x", "http:/x"): meant as a URL, so the URL parser's reason
 * is the useful message, not "No such file or directory". */
static int looks_like_url(const char *s)
{
    return strstr(s, "://") != NULL || strncasecmp(s, "http:", 5) == 0 ||
           strncasecmp(s, "https:", 6) == 0;
}

/* HOST:PORT or HOST:PORT/PATH, as wrk, hey and curl users write a target. */
static int looks_like_host_port(const char *s)
{
    size_t h = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");
    if (s[0] == '[') /* [::1]:8080 */
        h = strcspn(s, "]") + (strchr(s, ']') != NULL);
    if (h == 0 || s[h] != ':')
        return 0;
    size_t p = strspn(s + h + 1, "0123456789");
    return p > 0 && (s[h + 1 + p] == '\0' || s[h + 1 + p] == '/');
}

/* Runs config_load or config_from_url for what the one argument names: "-" (the INI on
 * standard input), a URL, an existing file, then HOST:PORT[/PATH] with http:// assumed. */
static int load_argument(struct config *cfg, const char *what, const struct config_overrides *o)
{
    struct stat st;
    if (strcmp(what, "-") == 0)
        return config_load(cfg, what, o);
    if (is_url(what))
        return config_from_url(cfg, what, o);
    if (stat(what, &st) == 0 || (!looks_like_url(what) && !looks_like_host_port(what)))
        return config_load(cfg, what, o);
    if (looks_like_url(what))
        return config_from_url(cfg, what, o);
    size_t n = strlen(what) + sizeof "http://";
    char *url = malloc(n);
    if (!url) {
        fputs("stampede: out of memory\n", stderr);
        return -1;
    }
    snprintf(url, n, "http://%s", what);
    int rc = config_from_url(cfg, url, o);
    free(url);
    return rc;
}

/* getopt's tables: the fixed options, then one per key that has a flag. */
static void build_options(struct option *opts, char *shorts, size_t shorts_len)
{
    static const struct option fixed[] = {
        {"json", required_argument, NULL, OPT_JSON},
        {"trace", required_argument, NULL, OPT_TRACE},
        {"phout", required_argument, NULL, OPT_PHOUT},
        {"regress", required_argument, NULL, OPT_REGRESS},
        {"list-keys", no_argument, NULL, OPT_LIST_KEYS},
        {"latency", no_argument, NULL, OPT_LATENCY},
        {"ws", no_argument, NULL, OPT_WS},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
    };
    size_t n = 0;
    for (; n < sizeof fixed / sizeof fixed[0]; n++)
        opts[n] = fixed[n];
    size_t sl = (size_t)snprintf(shorts, shorts_len, ":D:qhV");
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        if (!k->flag)
            continue;
        opts[n++] = (struct option){k->flag, k->flag_arg ? required_argument : no_argument,
                                    NULL, FLAG_KEY + (int)i};
        if (k->no_flag)
            opts[n++] = (struct option){k->no_flag, no_argument, NULL, FLAG_NO + (int)i};
        const char letters[] = {k->short_flag, k->short_alias, k->no_short_flag};
        for (size_t j = 0; j < sizeof letters; j++)
            if (letters[j] && sl + 3 < shorts_len) {
                shorts[sl++] = letters[j];
                if (k->flag_arg && j < 2) /* a no-flag takes no value */
                    shorts[sl++] = ':';
                shorts[sl] = '\0';
            }
    }
    opts[n] = (struct option){NULL, 0, NULL, 0};
}

/* The key whose short flag (or alias, or no-flag) is ch, as a getopt value. */
static int short_to_key(int ch)
{
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        if (k->flag && (k->short_flag == ch || k->short_alias == ch))
            return FLAG_KEY + (int)i;
        if (k->no_flag && k->no_short_flag == ch)
            return FLAG_NO + (int)i;
    }
    return ch;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "merge") == 0) /* a file named merge: ./merge */
        return merge_main(argc - 1, argv + 1);
    /* static: still reachable at exit, whichever way main leaves */
    static struct option *opts;
    static char *shorts;
    size_t shorts_len = 16 + 6 * config_nkeys;
    opts = calloc(10 + 2 * config_nkeys, sizeof *opts);
    shorts = malloc(shorts_len);
    if (!opts || !shorts) {
        fputs("stampede: out of memory\n", stderr);
        return 2;
    }
    build_options(opts, shorts, shorts_len);
    struct config_overrides o = {0};
    const char *defines[MAX_DEFINES];
    struct config_flag flags[MAX_FLAGS];
    const char *json = NULL, *trace = NULL, *phout = NULL, *regress = NULL;
    int quiet = 0, ws = 0, ch;

    o.defines = defines;
    o.flags = flags;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
        ch = short_to_key(ch);
        if (ch >= FLAG_KEY) {
            if (o.nflags == MAX_FLAGS) {
                fprintf(stderr, "stampede: more than %d flags\n", MAX_FLAGS);
                return 2;
            }
            const struct config_key *k = &config_keys[ch - (ch >= FLAG_NO ? FLAG_NO : FLAG_KEY)];
            flags[o.nflags++] = (struct config_flag){ch >= FLAG_NO ? k->no_flag : k->flag, optarg};
            continue;
        }
        switch (ch) {
        case OPT_JSON: json = optarg; break;
        case OPT_TRACE: trace = optarg; break;
        case OPT_PHOUT: phout = optarg; break;
        case OPT_REGRESS: regress = optarg; break;
        case OPT_LIST_KEYS: config_keys_print(stdout); return 0;
        case OPT_LATENCY: break; /* wrk's; the summary always has the percentiles */
        case OPT_WS: ws = 1; break;
        case 'q': quiet = 1; break;
        case 'D':
            if (o.ndefines == MAX_DEFINES) {
                fprintf(stderr, "stampede: -D: more than %d overrides\n", MAX_DEFINES);
                return 2;
            }
            defines[o.ndefines++] = optarg;
            break;
        case 'h': usage(stdout); return 0;
        case 'V': puts("stampede " PACKAGE_VERSION); return 0;
        case ':':
            fprintf(stderr, "stampede: %s needs a value (see stampede --help)\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "stampede: unknown option %s (see stampede --help)\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "stampede: %s (see stampede --help)\n",
                optind == argc ? "give a configuration file or a URL" : "give only one file or URL");
        return 2;
    }
    const char *what = argv[optind];
    /* static, so that it is still reachable at exit; volatile, or the compiler drops a store
     * nothing reads and LeakSanitizer sometimes reports the URL as leaked */
    static char *volatile ws_url;
    if (ws && !(what = ws_url = ws_target(what)))
        return 2;
#ifdef STAMPEDE_MPI
    /* stampede-mpi: the rank is the segment (last: it wins over a -D run.segment) */
    char segment_define[64];
    if (o.ndefines == MAX_DEFINES ||
        mpi_run_segment_define(segment_define, sizeof segment_define) < 0)
        return 2;
    defines[o.ndefines++] = segment_define;
#endif
    struct config cfg;
    int rc = load_argument(&cfg, what, &o);
#ifdef STAMPEDE_MPI
    if (rc < 0) /* the other ranks must not start without this one */
        return mpi_run(NULL, 2);
#else
    if (rc < 0)
        return 2;
#endif
    if (!cfg.seed_set)
        cfg.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    cfg.json_path = json;
    cfg.trace_path = trace;
    cfg.phout_path = phout;
    cfg.regress_path = regress;
    cfg.quiet = quiet;
#ifdef STAMPEDE_MPI
    rc = mpi_run(&cfg, 0);
#else
    rc = parent_run(&cfg);
#endif
    config_free(&cfg);
    return rc;
}
