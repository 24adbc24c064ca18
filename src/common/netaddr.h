/* netaddr: ADDR:PORT arguments ([ADDR]:PORT for IPv6), for what the programs listen on and
 * send to: a listening TCP socket, or a UDP socket connected to a peer. */
#ifndef STAMPEDE_NETADDR_H
#define STAMPEDE_NETADDR_H

#include <stddef.h>

/* Splits arg into host and port (0..65535). Returns NULL, or what is wrong with it. */
const char *netaddr_split(const char *arg, char *host, size_t hostlen, char *port,
                          size_t portlen);

/* A non-blocking, close-on-exec TCP socket listening on arg. Returns it, or -1 with the reason
 * (and a hint where there is one: the port is taken, privileges) in err. */
int netaddr_listen(const char *arg, char *err, size_t errlen);

/* A non-blocking, close-on-exec UDP socket connected to arg (a name or an address). Returns
 * it, or -1 with the reason in err. */
int netaddr_udp_connect(const char *arg, char *err, size_t errlen);

/* The port a socket is bound to, 0 when it cannot tell. */
unsigned netaddr_port(int fd);

#endif
