/*
 * target_listen: stampede-target's listening sockets: opening one from an ADDR:PORT
 * argument, telling which address it got, and accepting connections on it into the HTTP
 * exchange or into a raw TCP channel.
 */
#ifndef STAMPEDE_TARGET_LISTEN_H
#define STAMPEDE_TARGET_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

struct event;
struct target_server;
struct target_tcp;

struct listener {
    struct target_server *srv;
    struct target_tcp *tcp; /* NULL: HTTP (and WebSocket); else a --tcp channel */
    int fd;
    struct event *ev;
    struct event *resume; /* re-enables ev after an accept pause */
    bool complained;      /* about the current accept failure; once per episode */
};

/* Opens a listening socket on ADDR:PORT or [ADDR]:PORT. On failure returns -1, puts the reason
 * (prefixed with flag, e.g. "-l 1.2.3.4:80") in err and the exit status in *status. */
int listen_open(const char *flag, const char *arg, char *err, size_t errlen, int *status);

/* "ADDR:PORT" (IPv6 in brackets) that fd is bound to, port 0 resolved; false if unknown. */
bool listen_address(int fd, char *buf, size_t len);

/* Starts accepting on l->fd (l->srv and l->tcp set); false if the events cannot be made. */
bool listen_start(struct listener *l);

/* Stops accepting and closes the socket. */
void listen_stop(struct listener *l);

#endif
