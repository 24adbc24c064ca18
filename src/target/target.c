/*
 * stampede-target: the HTTP/1.1 test server that stampede's demo, examples and tests run
 * against. This file is the program around the connections: options, the listening socket,
 * the accept loop, signals and a clean exit. Requests are handled in target_conn.c, TLS in
 * target_tls.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "evbase.h"
#include "target_conn.h"
#include "target_resp.h"
#include "target_tls.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define LISTEN_BACKLOG 65535 /* the kernel caps it at net.core.somaxconn */
#define ACCEPT_PAUSE_MS 100  /* after EMFILE: let connections close before retrying */

struct listener {
    struct target_server *srv;
    int fd;
    struct event *ev;
    struct event *resume; /* re-enables ev after an accept pause */
    bool complained;      /* about the current accept failure; once per episode */
};

static void usage(FILE *f)
{
    fprintf(f, "usage: stampede-target [-l ADDR:PORT] [--tls CERT KEY [--client-ca FILE]]"
               " [-q] [-h]\n"
               "  -l ADDR:PORT      listen there (default " DEFAULT_LISTEN "; [::1]:8080 for\n"
               "                    IPv6; port 0 lets the kernel pick, see 'listening on')\n"
               "  --tls CERT KEY    HTTPS only: certificate chain and key, PEM files\n"
               "  --client-ca FILE  require a client certificate signed by a CA in FILE\n"
               "  -q                no log output\n"
               "  -h                this help\n"
               "Routes: / /bytes/N /delay/MS /status/CODE /redirect/N /redirect-to?url=U\n"
               "        /basic-auth/USER/PASS /headers/N /chunked/N /close /echo /stats /reset\n"
               "        (see stampede-target(1))\n");
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

/* Splits ADDR:PORT or [ADDR]:PORT. Returns NULL or what is wrong with it. */
static const char *split_listen(const char *arg, char *host, size_t hostlen, char *port,
                                size_t portlen)
{
    const char *colon, *h = arg;
    size_t hlen;

    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');
        if (close == NULL || close[1] != ':')
            return "expected [ADDR]:PORT";
        h = arg + 1;
        hlen = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(arg, ':');
        if (colon == NULL)
            return "expected ADDR:PORT";
        hlen = (size_t)(colon - arg);
        if (memchr(arg, ':', hlen) != NULL)
            return "write an IPv6 address in brackets, e.g. [::1]:8080";
    }
    if (hlen == 0)
        return "missing address, e.g. 127.0.0.1:8080";
    if (hlen >= hostlen)
        return "address too long";
    const char *p = colon + 1;
    size_t plen = strlen(p);
    if (plen == 0 || plen > 5 || strspn(p, "0123456789") != plen || atol(p) > 65535 ||
        plen >= portlen)
        return "port must be a number from 0 to 65535";
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    memcpy(port, p, plen + 1);
    return NULL;
}

static const char *bind_hint(int err)
{
    switch (err) {
    case EADDRINUSE: return " (the port is taken: pick another, or 0 for any free one)";
    case EACCES: return " (ports below 1024 need privileges)";
    case EADDRNOTAVAIL: return " (not an address of this host)";
    default: return "";
    }
}

/* Opens the listening socket; exits with a message if it cannot. */
static int listen_open(const char *arg)
{
    char host[256], port[8];
    const char *why = split_listen(arg, host, sizeof(host), port, sizeof(port));
    struct addrinfo hints = {0}, *res, *ai;
    int fd = -1, err = 0, rc, one = 1;

    if (why != NULL)
        die(2, "-l %s: %s", arg, why);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
        die(2, "-l %s: %s", arg, gai_strerror(rc));
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        /* Tests restart the target on the same port while old sockets are in TIME_WAIT. */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        die(1, "listen %s: %s%s", arg, strerror(err), bind_hint(err));
    return fd;
}

/* Prints the address actually bound, port 0 resolved: tests wait for this line. */
static void print_listening(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char addr[INET6_ADDRSTRLEN];

    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        die(1, "getsockname: %s", strerror(errno));
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
        printf("listening on [%s]:%u\n", addr, ntohs(s6->sin6_port));
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
        printf("listening on %s:%u\n", addr, ntohs(s4->sin_port));
    }
    fflush(stdout);
}

static void on_accept(evutil_socket_t fd, short what, void *arg)
{
    struct listener *l = arg;
    int one = 1;

    (void)what;
    for (;;) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                continue;
            /* Out of descriptors or memory: the socket stays readable, so retrying now
             * would spin. Pause accepting and let the backlog wait. */
            if (!l->srv->quiet && !l->complained)
                fprintf(stderr, "stampede-target: accept: %s%s\n", strerror(errno),
                        errno == EMFILE || errno == ENFILE
                            ? " (raise the limit on open files: ulimit -n)"
                            : "");
            l->complained = true;
            struct timeval tv = {0, ACCEPT_PAUSE_MS * 1000};
            event_del(l->ev);
            evtimer_add(l->resume, &tv);
            return;
        }
        l->complained = false;
        /* Responses go out in one write each; never hold a tail back for an ACK. */
        setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        conn_open(l->srv, cfd);
    }
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    struct listener *l = arg;

    (void)fd;
    (void)what;
    event_add(l->ev, NULL);
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

enum { OPT_TLS = 256, OPT_CLIENT_CA };

static bool file_arg(const char *arg)
{
    return arg[0] != '\0' && arg[0] != '-';
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"tls", required_argument, NULL, OPT_TLS},
        {"client-ca", required_argument, NULL, OPT_CLIENT_CA},
        {NULL, 0, NULL, 0},
    };
    const char *listen_arg = DEFAULT_LISTEN;
    const char *tls_cert = NULL, *tls_key = NULL, *client_ca = NULL;
    struct target_server srv = {0};
    struct listener l = {0};
    struct event *sigint, *sigterm;
    char err[512];
    int opt;

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
        case ':':
            if (optopt == OPT_TLS)
                die(2, "--tls needs two arguments, CERT and KEY (see -h)");
            if (optopt == OPT_CLIENT_CA)
                die(2, "--client-ca needs an argument (see -h)");
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

    l.fd = listen_open(listen_arg);
    if ((srv.base = evbase_new()) == NULL)
        die(1, "event_base_new failed (out of memory or descriptors)");
    l.srv = &srv;
    l.ev = event_new(srv.base, l.fd, EV_READ | EV_PERSIST, on_accept, &l);
    l.resume = evtimer_new(srv.base, on_resume, &l);
    sigint = evsignal_new(srv.base, SIGINT, on_signal, &srv);
    sigterm = evsignal_new(srv.base, SIGTERM, on_signal, &srv);
    if (l.ev == NULL || l.resume == NULL || sigint == NULL || sigterm == NULL ||
        event_add(l.ev, NULL) != 0 || event_add(sigint, NULL) != 0 || event_add(sigterm, NULL) != 0)
        die(1, "cannot set up the event loop");
    print_listening(l.fd);

    if (event_base_dispatch(srv.base) < 0)
        die(1, "event loop failed");

    conn_close_all(&srv);
    event_free(sigint);
    event_free(sigterm);
    event_free(l.resume);
    event_free(l.ev);
    close(l.fd);
    if (srv.tls != NULL)
        tls_ctx_free(srv.tls);
    event_base_free(srv.base);
    libevent_global_shutdown();
    return 0;
}
