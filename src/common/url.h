/* url: splits http://host:port/path?query into the parts a request needs; tcp://host:port
 * and tls://host:port name the peers of channels, ws://host:port/path and wss://... those of
 * WebSocket channels. */
#ifndef STAMPEDE_URL_H
#define STAMPEDE_URL_H

#include <stdint.h>

struct url {
    char *scheme; /* "http", "https", "tcp", "tls", "ws" or "wss", lower case */
    char *host;   /* without brackets for IPv6 literals ("::1") */
    uint16_t port;
    char *target; /* path and query as sent on the request line; "/" when empty */
    int tls;      /* scheme is https or tls */
    int channel;  /* tcp://, tls://, ws:// or wss://: a stream of messages, not HTTP requests */
    int ws;       /* ws:// or wss://: the channel's messages are WebSocket frames */
};

/* Parses an absolute URL. On error returns -1 and points *why at a static explanation.
 * Accepts http and https (the caller decides whether https is supported yet), IPv6 literals in
 * brackets, a default port per scheme, and drops a #fragment. Userinfo is refused. */
int url_parse(const char *s, struct url *u, const char **why);
void url_free(struct url *u);
/* A deep copy of src into dst. Returns 0, or -1 when out of memory (dst is then empty). */
int url_copy(struct url *dst, const struct url *src);
/* The URL as text (malloc'ed; NULL when out of memory), without the default port. */
char *url_format(const struct url *u);
/* Resolves a reference (a Location header: absolute, "//host/x", "/x", "x", "?q") against base,
 * as RFC 3986 section 5 says. Same error contract as url_parse. */
int url_resolve(const struct url *base, const char *ref, struct url *out, const char **why);

#endif
