/* conn: one client connection, plain TCP or TLS, behind one small set of calls that all answer
 * the same way: bytes, end of stream, try again later (CONN_AGAIN, with want_write saying on
 * which event), or an error (CONN_ERROR, with conn_error() saying what and which kind). */
#ifndef STAMPEDE_CONN_H
#define STAMPEDE_CONN_H

#include <event2/event_struct.h>
#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "errkind.h"

#define CONN_AGAIN (-2)
#define CONN_ERROR (-1)

enum conn_state { CONN_CLOSED = 0, CONN_CONNECTING, CONN_HANDSHAKE, CONN_OPEN };

struct client;

struct conn {
    int fd;                 /* -1 when closed */
    int state;              /* enum conn_state */
    int want_write;         /* the last CONN_AGAIN waits for writability, not readability */
    int wev_on;             /* wev is added: deleting only what is pending saves work per request */
    SSL *ssl;               /* NULL for plain TCP */
    struct event rev;       /* persistent read event while open (notices idle closes too) */
    struct event wev;       /* added only while connecting or when a send would block */
    struct client *owner;
    size_t endpoint;        /* the endpoint it is (or was last) connected to */
    SSL_SESSION *session;   /* the latest session of session_endpoint, for resumption */
    size_t session_endpoint;
    uint64_t session_seq;   /* when it came: TLS 1.3 tickets are best used newest first */
};

/* Starts a non-blocking connect, from source address src when it is not NULL ([run]
 * local_ips). Returns 1 when connected at once, 0 when in progress, CONN_ERROR otherwise (k->fd
 * may then be open: the caller closes it as after any failure). */
int conn_connect(struct conn *k, const struct sockaddr *addr, socklen_t len,
                 const struct sockaddr *src, socklen_t srclen);
/* After the socket became writable while connecting: 1 connected, CONN_ERROR failed. */
int conn_connect_result(struct conn *k);
/* Puts TLS on the connected socket: SNI (unless the host is an address), host name check when
 * verifying, and session (may be NULL) to resume. 0 or CONN_ERROR. */
int conn_tls_begin(struct conn *k, SSL_CTX *ctx, const char *host, int verify,
                   SSL_SESSION *session);
/* Drives the handshake: 1 done, CONN_AGAIN or CONN_ERROR. */
int conn_handshake(struct conn *k);
ssize_t conn_recv(struct conn *k, char *buf, size_t len);
ssize_t conn_send(struct conn *k, const char *buf, size_t len);
/* Bytes OpenSSL has decrypted but not handed out yet (no socket event will announce them). */
int conn_pending(const struct conn *k);
/* Closes the socket; orderly says the peer may get a TLS close_notify. */
void conn_close(struct conn *k, int orderly);
/* Forgets the saved session (at the end of the client). */
void conn_forget_session(struct conn *k);

/* What the last CONN_ERROR was, and which error kind it counts as. */
const char *conn_error(void);
enum errkind conn_error_kind(void);

/* The OpenSSL new-session callback: keeps the session in the connection it belongs to. */
int conn_on_new_session(SSL *ssl, SSL_SESSION *session);

#endif
