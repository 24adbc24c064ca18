/* netaddr: see netaddr.h. */
#include "netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char *netaddr_split(const char *arg, char *host, size_t hostlen, char *port,
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

/* Every address arg names, tried in order until open_one returns a socket. */
static int open_first(const char *arg, int socktype, int passive,
                      int (*open_one)(const struct addrinfo *ai, int fd, int arg), int arg_n,
                      char *err, size_t errlen, int *bad_arg)
{
    char host[256], port[8];
    const char *why = netaddr_split(arg, host, sizeof(host), port, sizeof(port));
    if (bad_arg)
        *bad_arg = 1;
    if (why) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = socktype,
                             .ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)};
    struct addrinfo *res;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "%s", gai_strerror(rc));
        return -1;
    }
    if (bad_arg)
        *bad_arg = 0;
    int fd = -1, e = 0;
    for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        if (open_one(ai, fd, arg_n) < 0) {
            e = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "%s%s", strerror(e), passive ? bind_hint(e) : "");
    return fd;
}

static int listen_one(const struct addrinfo *ai, int fd, int backlog)
{
    int one = 1;
    /* A port in TIME_WAIT from the last run is free to take again. */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    return bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0 ? 0 : -1;
}

static int connect_one(const struct addrinfo *ai, int fd, int unused)
{
    (void)unused;
    return connect(fd, ai->ai_addr, ai->ai_addrlen);
}

int netaddr_listen(const char *arg, int backlog, char *err, size_t errlen, int *bad_arg)
{
    return open_first(arg, SOCK_STREAM, 1, listen_one, backlog, err, errlen, bad_arg);
}

int netaddr_udp_connect(const char *arg, char *err, size_t errlen)
{
    return open_first(arg, SOCK_DGRAM, 0, connect_one, 0, err, errlen, NULL);
}

int netaddr_local(int fd, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char addr[INET6_ADDRSTRLEN];
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        return -1;
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
        snprintf(buf, len, "[%s]:%u", addr, ntohs(s6->sin6_port));
    } else if (ss.ss_family == AF_INET) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
        snprintf(buf, len, "%s:%u", addr, ntohs(s4->sin_port));
    } else {
        return -1;
    }
    return 0;
}

unsigned netaddr_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return 0;
}
