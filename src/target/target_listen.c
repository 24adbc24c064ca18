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

#include "netaddr.h"
#include "target_conn.h"

#define LISTEN_BACKLOG 65535 /* the kernel caps it at net.core.somaxconn */
#define ACCEPT_PAUSE_MS 100  /* after EMFILE: let connections close before retrying */

int listen_open(const char *flag, const char *arg, char *err, size_t errlen, int *status)
{
    char why[256];
    int bad_arg;
    int fd = netaddr_listen(arg, LISTEN_BACKLOG, why, sizeof(why), &bad_arg);
    if (fd < 0) {
        *status = bad_arg ? 2 : 1;
        if (bad_arg)
            snprintf(err, errlen, "%s %s: %s", flag, arg, why);
        else
            snprintf(err, errlen, "listen %s: %s", arg, why);
    }
    return fd;
}

bool listen_address(int fd, char *buf, size_t len)
{
    return netaddr_local(fd, buf, len) == 0;
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
