/* netaddr: ADDR:PORT arguments ([ADDR]:PORT for IPv6), for what the programs listen on and
 * send to: a listening TCP socket, or a UDP socket connected to a peer. */
#ifndef STAMPEDE_NETADDR_H
#define STAMPEDE_NETADDR_H

#include <stddef.h>

/* Splits arg into host and port (0..65535). Returns NULL, or what is wrong with it. */
const char *netaddr_split(const char *arg, char *host, size_t hostlen, char *port,
                          size_t portlen);

/* A non-blocking, close-on-exec TCP socket listening on arg with the given backlog. Returns it,
 * or -1 with the reason (and a hint where there is one: the port is taken, privileges) in err;
 * *bad_arg (may be NULL) tells an argument that can never work (no port, no such address)
 * from a socket that could not be had now. */
int netaddr_listen(const char *arg, int backlog, char *err, size_t errlen, int *bad_arg);

/* A non-blocking, close-on-exec UDP socket connected to arg (a name or an address). Returns
 * it, or -1 with the reason in err. */
int netaddr_udp_connect(const char *arg, char *err, size_t errlen);

/* The port a socket is bound to, 0 when it cannot tell. */
unsigned netaddr_port(int fd);

/* "ADDR:PORT" ("[ADDR]:PORT" for IPv6) a socket is bound to, port 0 resolved. -1 when it
 * cannot tell. */
int netaddr_local(int fd, char *buf, size_t len);

#endif
