/* errkind: the kinds of failure a request can end in. Each is a 599 result (but check_failed,
 * which keeps the server's status) whose reason says more (the errno text, the parse error, the
 * check); the kinds are what the summary and scoreboard count. */
#ifndef STAMPEDE_ERRKIND_H
#define STAMPEDE_ERRKIND_H

enum errkind {
    ERR_NONE = 0,
    ERR_CONNECT_REFUSED,  /* ECONNREFUSED on connect */
    ERR_CONNECT_TIMEOUT,  /* connect_timeout passed */
    ERR_CONNECT,          /* any other connect failure (EADDRNOTAVAIL, ENETUNREACH, ...) */
    ERR_SOCKET,           /* socket() failed: EMFILE, ENFILE, ENOBUFS */
    ERR_TIMEOUT,          /* the request's timeout passed after connecting */
    ERR_RESET,            /* ECONNRESET while sending or receiving */
    ERR_CLOSED,           /* the server closed before the response was complete */
    ERR_WRITE,            /* other send errors (EPIPE) */
    ERR_READ,             /* other receive errors */
    ERR_PARSE,            /* not a valid HTTP/1.x response */
    ERR_HEADERS_TOO_LARGE,/* header bytes or count over the limit */
    ERR_DNS,              /* the host name could not be resolved */
    ERR_TLS,              /* TLS handshake or record failure */
    ERR_ABORTED,          /* cut off by the end of the run after the grace period */
    ERR_PLUGIN,           /* a plugin's req_start failed the request */
    ERR_CHECK_FAILED,     /* a complete response failed a check (expect_*); its status is the
                             server's, not 599 */
    ERR_CAPTURE_FAILED,   /* a capture found nothing in a complete response; the server's
                             status too */
    ERR_UNSET_VARIABLE,   /* a ${NAME} was not set yet (a later request captures it): nothing
                             was sent */
    ERR_WS_HANDSHAKE,     /* a WebSocket server refused the upgrade (status, accept, protocol) */
    ERR_WS_PROTOCOL,      /* a WebSocket peer broke the protocol: an invalid frame, a message
                             over ws_max_message, no answer to the close */
    ERR_KIND_COUNT
};

/* Stable snake_case names, used as JSON keys and in the summary. */
extern const char *const errkind_names[ERR_KIND_COUNT];

/* The kind named name (a failure kind, not ERR_NONE), or ERR_KIND_COUNT for none. */
enum errkind errkind_of(const char *name);

#endif
