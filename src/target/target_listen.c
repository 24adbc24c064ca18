/*
 * target_listen: the listening sockets of stampede-target and their accept loops. An accepted
 * socket goes to conn_open(), with the --tcp channel it came in on, if any.
 */
#include "target_listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "target_conn.h"

#define LISTEN_BACKLOG 65535 /* the kernel caps it at net.core.somaxconn */
#define ACCEPT_PAUSE_MS 100  /* after EMFILE: let connections close before retrying */

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

int listen_open(const char *flag, const char *arg, char *err, size_t errlen, int *status)
{
    char host[256], port[8];
    const char *why = split_listen(arg, host, sizeof(host), port, sizeof(port));
    struct addrinfo hints = {0}, *res, *ai;
    int fd = -1, e = 0, rc, one = 1;

    *status = 2;
    if (why != NULL) {
        snprintf(err, errlen, "%s %s: %s", flag, arg, why);
        return -1;
    }
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
        snprintf(err, errlen, "%s %s: %s", flag, arg, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        /* Tests restart the target on the same port while old sockets are in TIME_WAIT. */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
            break;
        e = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        *status = 1;
        snprintf(err, errlen, "listen %s: %s%s", arg, strerror(e), bind_hint(e));
    }
    return fd;
}

bool listen_address(int fd, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char addr[INET6_ADDRSTRLEN];

    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        return false;
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
        snprintf(buf, len, "[%s]:%u", addr, ntohs(s6->sin6_port));
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
        snprintf(buf, len, "%s:%u", addr, ntohs(s4->sin_port));
    }
    return true;
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
        conn_open(l->srv, cfd, l->tcp);
    }
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    struct listener *l = arg;

    (void)fd;
    (void)what;
    event_add(l->ev, NULL);
}

bool listen_start(struct listener *l)
{
    l->ev = event_new(l->srv->base, l->fd, EV_READ | EV_PERSIST, on_accept, l);
    l->resume = evtimer_new(l->srv->base, on_resume, l);
    return l->ev != NULL && l->resume != NULL && event_add(l->ev, NULL) == 0;
}

void listen_stop(struct listener *l)
{
    if (l->resume != NULL)
        event_free(l->resume);
    if (l->ev != NULL)
        event_free(l->ev);
    if (l->fd >= 0)
        close(l->fd);
}
