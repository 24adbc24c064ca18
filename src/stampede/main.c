/* main: the stampede command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "parent.h"

#define MAX_DEFINES 256

static void usage(FILE *f)
{
    fputs("usage: stampede [options] FILE.ini\n"
          "       stampede [options] http://HOST:PORT/PATH\n"
          "\n"
          "  -w, --workers N        worker processes\n"
          "  -c, --clients N        clients in total over all workers\n"
          "  -d, --duration TIME    stop the run after TIME (250ms, 10s, 2m)\n"
          "  -r, --rounds N         walks of the request list per client (0 = until duration)\n"
          "      --seed N           seed of the per-client random streams\n"
          "  -D SECTION.KEY=VALUE   override any configuration key (e.g. -D run.workers=4,\n"
          "                         -D request.home.timeout=5s)\n"
          "      --json FILE        write the summary as JSON to FILE\n"
          "      --trace FILE       write one line per finished request to FILE\n"
          "      --scoreboard PATH  scoreboard file (default /dev/shm/stampede-PID.sb)\n"
          "      --keep-scoreboard  leave the scoreboard file after the run\n"
          "  -q, --quiet            no progress lines\n"
          "      --allow-fd-shortage  run even when a worker has more clients than it may open\n"
          "                         files (ulimit -n); those without a socket fail\n"
          "      --top              watch the run in stampede-top on this terminal, then print\n"
          "                         the summary\n"
          "  -h, --help             this help\n"
          "  -V, --version          print the version\n"
          "\n"
          "A URL instead of a file runs one keep-alive GET in a loop, like wrk:\n"
          "  stampede -c 64 -d 10s http://127.0.0.1:8080/\n",
          f);
}

static int is_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"workers", required_argument, NULL, 'w'},
        {"clients", required_argument, NULL, 'c'},
        {"duration", required_argument, NULL, 'd'},
        {"rounds", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 'S'},
        {"json", required_argument, NULL, 'J'},
        {"trace", required_argument, NULL, 'T'},
        {"scoreboard", required_argument, NULL, 'B'},
        {"keep-scoreboard", no_argument, NULL, 'K'},
        {"allow-fd-shortage", no_argument, NULL, 'F'},
        {"quiet", no_argument, NULL, 'q'},
        {"top", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct config_overrides o = {0};
    const char *defines[MAX_DEFINES];
    const char *json = NULL, *trace = NULL;
    int quiet = 0, keep = 0, top = 0, fd_shortage = 0, ch;

    o.defines = defines;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":w:c:d:r:D:qhV", opts, NULL)) != -1) {
        switch (ch) {
        case 'w': o.workers = optarg; break;
        case 'c': o.clients = optarg; break;
        case 'd': o.duration = optarg; break;
        case 'r': o.rounds = optarg; break;
        case 'S': o.seed = optarg; break;
        case 'B': o.scoreboard = optarg; break;
        case 'J': json = optarg; break;
        case 'T': trace = optarg; break;
        case 'K': keep = 1; break;
        case 'F': fd_shortage = 1; break;
        case 'q': quiet = 1; break;
        case 't': top = 1; break;
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
    struct config cfg;
    int rc = is_url(what) ? config_from_url(&cfg, what, &o) : config_load(&cfg, what, &o);
    if (rc < 0)
        return 2;
    if (!cfg.seed_set)
        cfg.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    cfg.json_path = (char *)json;
    cfg.trace_path = (char *)trace;
    cfg.quiet = quiet;
    cfg.allow_fd_shortage = fd_shortage;
    if (top)
        cfg.top = 1;
    if (keep)
        cfg.keep_scoreboard = 1;
    rc = parent_run(&cfg);
    cfg.json_path = cfg.trace_path = NULL;
    config_free(&cfg);
    return rc;
}
