/*
 * stampede-target: the HTTP/1.1 test server that stampede's demo, examples and tests run
 * against, with WebSocket endpoints and raw TCP channels. This file is the program around the
 * connections: options, signals and a clean exit. Listening and accepting are in
 * target_listen.c, requests in target_conn.c, TLS in target_tls.c, WebSocket in target_ws.c
 * and the --tcp channels in target_tcp.c.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <event2/event.h>

#include "evbase.h"
#include "target_conn.h"
#include "target_listen.h"
#include "target_resp.h"
#include "target_tcp.h"
#include "target_tls.h"
#include "units.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define WS_MAX_MESSAGE_DEFAULT (1024 * 1024)
#define WS_MAX_MESSAGE_LIMIT ((UINT64_C(1) << 31) - 1) /* wslay's own ceiling */

static void usage(FILE *f)
{
    fprintf(f, "usage: stampede-target [-l ADDR:PORT] [--tls CERT KEY [--client-ca FILE]]\n"
               "                       [--tcp ADDR:PORT[,MODE]]... [--firehose-message TEXT]\n"
               "                       [--ws-max-message BYTES] [--ws-protocol NAME] [-q] [-h]\n"
               "  -l ADDR:PORT      HTTP: listen there (default " DEFAULT_LISTEN "; [::1]:8080 for\n"
               "                    IPv6; port 0 lets the kernel pick, see 'listening on')\n"
               "  --tls CERT KEY    HTTPS only: certificate chain and key, PEM files\n"
               "  --client-ca FILE  require a client certificate signed by a CA in FILE\n"
               "  --tcp ADDR:PORT[,MODE]  also a raw TCP channel there (up to 16); MODE is echo\n"
               "                    (the default), sink (read and discard) or firehose (write\n"
               "                    the firehose message over and over); printed as\n"
               "                    'tcp MODE listening on ADDR:PORT'\n"
               "  --firehose-message TEXT  what a TCP firehose repeats (escapes \\n \\r \\t\n"
               "                    \\\\ \\xHH; default: the 64-byte /bytes pattern line)\n"
               "  --ws-max-message BYTES  larger WebSocket messages close with 1009 (default\n"
               "                    1048576)\n"
               "  --ws-protocol NAME  accept only this WebSocket subprotocol (default: the\n"
               "                    first one the client offers)\n"
               "  -q                no log output\n"
               "  -h, --help        this help\n"
               "Routes: / /bytes/N /delay/MS /status/CODE /redirect/N /redirect-to?url=U\n"
               "        /basic-auth/USER/PASS /headers/N /chunked/N /close /echo /stats /reset\n"
               "        /login?user=NAME /auth /cookies /cookies/set?NAME=VALUE\n"
               "        WebSocket: /ws/echo /ws/firehose?rate=N (see stampede-target(1))\n");
}

_Noreturn static void die(int code, const char *fmt, ...)
{
    va_list ap;

    fputs("stampede-target: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(code);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct target_server *srv = arg;

    (void)what;
    if (!srv->quiet)
        fprintf(stderr, "stampede-target: %s, stopping\n", strsignal((int)sig));
    event_base_loopbreak(srv->base);
}

/* Benchmarks hold tens of thousands of connections: take all the descriptors we may. */
static void raise_nofile(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

enum {
    OPT_TLS = 256,
    OPT_CLIENT_CA,
    OPT_TCP,
    OPT_FIREHOSE_MESSAGE,
    OPT_WS_MAX_MESSAGE,
    OPT_WS_PROTOCOL,
};

static bool file_arg(const char *arg)
{
    return arg[0] != '\0' && arg[0] != '-';
}

/* The name of a long option, for "--NAME needs an argument". */
static const char *long_name(const struct option *opts, int val)
{
    for (; opts->name != NULL; opts++)
        if (opts->val == val)
            return opts->name;
    return "?";
}

/* --ws-protocol: a token (RFC 6455 subprotocol names are tokens). */
static bool is_token(const char *s)
{
    return s[0] != '\0' && strlen(s) <= 128 &&
           strspn(s, "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                     "vwxyz") == strlen(s);
}

/* Opens every listener: the --tcp channels first and announced, then the HTTP port, whose
 * "listening on" line comes last so that whoever waits for it finds the others printed. */
static void listeners_open(struct target_server *srv, struct listener *ls, const char *listen_arg,
                           char *const *tcp_args)
{
    char err[512], addr[256];
    int status;

    for (int i = 0; i < srv->ntcp; i++) {
        struct target_tcp *t = &srv->tcp[i];
        const char *why = tcp_parse_spec(tcp_args[i], addr, sizeof(addr), &t->mode);
        if (why != NULL)
            die(2, "--tcp %s: %s", tcp_args[i], why);
        ls[i + 1].tcp = t;
        if ((ls[i + 1].fd = listen_open("--tcp", addr, err, sizeof(err), &status)) < 0)
            die(status, "%s", err);
        if (!listen_address(ls[i + 1].fd, t->listen, sizeof(t->listen)))
            die(1, "--tcp %s: cannot tell the address bound", tcp_args[i]);
    }
    if ((ls[0].fd = listen_open("-l", listen_arg, err, sizeof(err), &status)) < 0)
        die(status, "%s", err);
    for (int i = 0; i <= srv->ntcp; i++) {
        ls[i].srv = srv;
        if (!listen_start(&ls[i]))
            die(1, "cannot set up the event loop");
    }
    for (int i = 0; i < srv->ntcp; i++)
        printf("tcp %s listening on %s\n", tcp_mode_name(srv->tcp[i].mode), srv->tcp[i].listen);
    if (!listen_address(ls[0].fd, addr, sizeof(addr)))
        die(1, "-l %s: cannot tell the address bound", listen_arg);
    printf("listening on %s\n", addr);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"tls", required_argument, NULL, OPT_TLS},
        {"client-ca", required_argument, NULL, OPT_CLIENT_CA},
        {"tcp", required_argument, NULL, OPT_TCP},
        {"firehose-message", required_argument, NULL, OPT_FIREHOSE_MESSAGE},
        {"ws-max-message", required_argument, NULL, OPT_WS_MAX_MESSAGE},
        {"ws-protocol", required_argument, NULL, OPT_WS_PROTOCOL},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *listen_arg = DEFAULT_LISTEN;
    const char *tls_cert = NULL, *tls_key = NULL, *client_ca = NULL, *why;
    char *tcp_args[TARGET_TCP_MAX];
    static struct target_server srv; /* static: it holds the --tcp counters */
    struct listener ls[1 + TARGET_TCP_MAX] = {0};
    struct event *sigint, *sigterm;
    char err[512];
    int opt;

    srv.ws_max_message = WS_MAX_MESSAGE_DEFAULT;
    opterr = 0; /* our own one-line messages instead of getopt's */
    /* "+": no permuting, so that taking --tls's second argument by hand below is safe. */
    while ((opt = getopt_long(argc, argv, "+:l:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'l': listen_arg = optarg; break;
        case 'q': srv.quiet = true; break;
        case 'h': usage(stdout); return 0;
        case OPT_TLS: /* an option where a file should be is a forgotten argument */
            if (!file_arg(optarg) || optind >= argc || !file_arg(argv[optind]))
                die(2, "--tls needs two arguments, CERT and KEY (see -h)");
            tls_cert = optarg;
            tls_key = argv[optind++];
            break;
        case OPT_CLIENT_CA:
            if (!file_arg(optarg))
                die(2, "--client-ca needs an argument (see -h)");
            client_ca = optarg;
            break;
        case OPT_TCP:
            if (srv.ntcp == TARGET_TCP_MAX)
                die(2, "--tcp %s: at most %d --tcp channels", optarg, TARGET_TCP_MAX);
            tcp_args[srv.ntcp++] = optarg;
            break;
        case OPT_FIREHOSE_MESSAGE:
            if ((why = tcp_firehose_set(optarg)) != NULL)
                die(2, "--firehose-message: %s", why);
            break;
        case OPT_WS_MAX_MESSAGE:
            if (units_parse_count(optarg, &srv.ws_max_message) != 0 || srv.ws_max_message == 0 ||
                srv.ws_max_message > WS_MAX_MESSAGE_LIMIT)
                die(2, "--ws-max-message %s: expected a number of bytes from 1 to %" PRIu64,
                    optarg, WS_MAX_MESSAGE_LIMIT);
            break;
        case OPT_WS_PROTOCOL:
            if (!is_token(optarg))
                die(2, "--ws-protocol %s: expected a subprotocol name (a token, e.g. chat)",
                    optarg);
            srv.ws_protocol = optarg;
            break;
        case ':':
            if (optopt == OPT_TLS)
                die(2, "--tls needs two arguments, CERT and KEY (see -h)");
            if (optopt >= OPT_TLS)
                die(2, "--%s needs an argument (see -h)", long_name(longopts, optopt));
            die(2, "-%c needs an argument (see -h)", optopt);
        default:
            if (optopt == 0) /* an unknown long option: getopt leaves its text behind */
                die(2, "unknown option %s (see -h)", argv[optind - 1]);
            die(2, "unknown option -%c (see -h)", optopt);
        }
    }
    if (optind < argc)
        die(2, "unexpected argument '%s' (see -h)", argv[optind]);
    if (client_ca != NULL && tls_cert == NULL)
        die(2, "--client-ca needs --tls (see -h)");

    /* A client that goes away mid-response must cost an EPIPE, not the process. */
    signal(SIGPIPE, SIG_IGN);
    raise_nofile();
    resp_init();
    srv.stats.epoch = 1; /* new connections are at epoch 0: not yet counted */
    if (tls_cert != NULL && (srv.tls = tls_ctx_new(tls_cert, tls_key, client_ca, err,
                                                   sizeof(err))) == NULL)
        die(1, "%s", err);
    if ((srv.base = evbase_new()) == NULL)
        die(1, "event_base_new failed (out of memory or descriptors)");
    listeners_open(&srv, ls, listen_arg, tcp_args);
    sigint = evsignal_new(srv.base, SIGINT, on_signal, &srv);
    sigterm = evsignal_new(srv.base, SIGTERM, on_signal, &srv);
    if (sigint == NULL || sigterm == NULL || event_add(sigint, NULL) != 0 ||
        event_add(sigterm, NULL) != 0)
        die(1, "cannot set up the event loop");

    if (event_base_dispatch(srv.base) < 0)
        die(1, "event loop failed");

    conn_close_all(&srv);
    event_free(sigint);
    event_free(sigterm);
    for (int i = 0; i <= srv.ntcp; i++)
        listen_stop(&ls[i]);
    if (srv.tls != NULL)
        tls_ctx_free(srv.tls);
    event_base_free(srv.base);
    libevent_global_shutdown();
    return 0;
}
