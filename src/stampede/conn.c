/* conn: plain and TLS connection I/O with one error convention. */
#include "conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tls.h"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24 /* Linux 4.2; older C libraries lack the name */
#endif

/* One worker, one thread: the last error is a plain static. */
static char last_error[256];
static enum errkind last_kind;

const char *conn_error(void)
{
    return last_error;
}

enum errkind conn_error_kind(void)
{
    return last_kind;
}

static int fail_errno(int err, enum errkind kind)
{
    switch (err) {
    case ECONNREFUSED: kind = ERR_CONNECT_REFUSED; break;
    case ECONNRESET: kind = ERR_RESET; break;
    case EMFILE:
    case ENFILE: kind = ERR_SOCKET; break;
    default: break;
    }
    snprintf(last_error, sizeof(last_error), "%s%s",
             err == EMFILE || err == ENFILE ? "out of file descriptors (raise ulimit -n)"
                                            : strerror(err),
             err == EADDRNOTAVAIL ? " (out of ephemeral ports? fewer connections, keep-alive, "
                                    "or more source addresses)"
                                  : "");
    last_kind = kind;
    return CONN_ERROR;
}

static int fail_tls(struct conn *k)
{
    tls_error_text(k->ssl, last_error, sizeof(last_error));
    last_kind = ERR_TLS;
    return CONN_ERROR;
}

/* Binds to [run] local_ips' address for this client. The port is left to connect(), which
 * can reuse one for another destination (IP_BIND_ADDRESS_NO_PORT); a bind with port 0 alone
 * would take a port for good and run out at ~28k sockets per address. */
static int bind_source(int fd, const struct sockaddr *src, socklen_t srclen)
{
    int one = 1;
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    if (bind(fd, src, srclen) == 0)
        return 0;
    int err = errno;
    char host[INET6_ADDRSTRLEN] = "?";
    const void *a = src->sa_family == AF_INET
                        ? (const void *)&((const struct sockaddr_in *)src)->sin_addr
                        : (const void *)&((const struct sockaddr_in6 *)src)->sin6_addr;
    inet_ntop(src->sa_family, a, host, sizeof host);
    snprintf(last_error, sizeof(last_error), "bind to local_ips address %s: %s%s", host,
             strerror(err), err == EADDRNOTAVAIL ? " (it is not an address of this machine)" : "");
    last_kind = ERR_CONNECT;
    return CONN_ERROR;
}

int conn_connect(struct conn *k, const struct sockaddr *addr, socklen_t len,
                 const struct sockaddr *src, socklen_t srclen)
{
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail_errno(errno, ERR_SOCKET);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    k->fd = fd;
    k->want_write = 0;
    if (src && bind_source(fd, src, srclen) < 0)
        return CONN_ERROR;
    if (connect(fd, addr, len) == 0) {
        k->state = CONN_OPEN;
        return 1;
    }
    if (errno != EINPROGRESS)
        return fail_errno(errno, ERR_CONNECT);
    k->state = CONN_CONNECTING;
    return 0;
}

int conn_connect_result(struct conn *k)
{
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    if (err)
        return fail_errno(err, ERR_CONNECT);
    k->state = CONN_OPEN;
    return 1;
}

static int is_address(const char *host)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

int conn_tls_begin(struct conn *k, SSL_CTX *ctx, const char *host, int verify,
                   SSL_SESSION *session)
{
    k->ssl = SSL_new(ctx);
    if (!k->ssl || !SSL_set_fd(k->ssl, k->fd))
        return fail_tls(k);
    SSL_set_app_data(k->ssl, k);
    int addr = is_address(host);
    if (!addr) /* SNI carries names only (RFC 6066) */
        SSL_set_tlsext_host_name(k->ssl, host);
    if (verify && !(addr ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(k->ssl), host)
                         : SSL_set1_host(k->ssl, host)))
        return fail_tls(k);
    if (session)
        SSL_set_session(k->ssl, session);
    SSL_set_connect_state(k->ssl);
    k->state = CONN_HANDSHAKE;
    return 0;
}

/* Maps an SSL call's result: CONN_AGAIN with want_write set, 0 for a clean end, CONN_ERROR. */
static int ssl_result(struct conn *k, int ret)
{
    int e = SSL_get_error(k->ssl, ret);
    switch (e) {
    case SSL_ERROR_WANT_READ:
        k->want_write = 0;
        return CONN_AGAIN;
    case SSL_ERROR_WANT_WRITE:
        k->want_write = 1;
        return CONN_AGAIN;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (errno == 0 || errno == EAGAIN)
            return 0;
        return fail_errno(errno, ERR_READ);
    default:
        return fail_tls(k);
    }
}

int conn_handshake(struct conn *k)
{
    ERR_clear_error();
    int ret = SSL_do_handshake(k->ssl);
    if (ret == 1) {
        k->state = CONN_OPEN;
        return 1;
    }
    int r = ssl_result(k, ret);
    if (r == 0) { /* the server closed during the handshake */
        snprintf(last_error, sizeof(last_error), "TLS: connection closed during the handshake");
        last_kind = ERR_TLS;
        return CONN_ERROR;
    }
    if (r == CONN_ERROR && last_kind != ERR_TLS && last_kind != ERR_RESET)
        last_kind = ERR_TLS;
    return r;
}

ssize_t conn_recv(struct conn *k, char *buf, size_t len)
{
    if (!k->ssl) {
        ssize_t n = recv(k->fd, buf, len, 0);
        if (n >= 0)
            return n;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            k->want_write = 0;
            return CONN_AGAIN;
        }
        return fail_errno(errno, ERR_READ);
    }
    ERR_clear_error();
    errno = 0;
    int n = SSL_read(k->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
    return n > 0 ? n : ssl_result(k, n);
}

ssize_t conn_send(struct conn *k, const char *buf, size_t len)
{
    if (!k->ssl) {
        ssize_t n = send(k->fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0)
            return n;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            k->want_write = 1;
            return CONN_AGAIN;
        }
        return fail_errno(errno, ERR_WRITE);
    }
    ERR_clear_error();
    errno = 0;
    int n = SSL_write(k->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
    if (n > 0)
        return n;
    int r = ssl_result(k, n);
    if (r == 0) {
        snprintf(last_error, sizeof(last_error), "connection closed while sending");
        last_kind = ERR_WRITE;
        return CONN_ERROR;
    }
    return r;
}

int conn_pending(const struct conn *k)
{
    return k->ssl ? SSL_pending(k->ssl) : 0;
}

void conn_close(struct conn *k, int orderly)
{
    if (k->fd < 0)
        return;
    event_del(&k->rev);
    if (k->wev_on)
        event_del(&k->wev);
    k->wev_on = 0;
    if (k->ssl) {
        if (orderly && k->state == CONN_OPEN)
            SSL_shutdown(k->ssl); /* one close_notify, no waiting for the answer */
        SSL_free(k->ssl);
        k->ssl = NULL;
    }
    close(k->fd);
    k->fd = -1;
    k->state = CONN_CLOSED;
}

void conn_forget_session(struct conn *k)
{
    if (k->session)
        SSL_SESSION_free(k->session);
    k->session = NULL;
}

int conn_on_new_session(SSL *ssl, SSL_SESSION *session)
{
    struct conn *k = SSL_get_app_data(ssl);
    if (!k)
        return 0;
    static uint64_t seq;
    conn_forget_session(k);
    k->session = session;
    k->session_endpoint = k->endpoint;
    k->session_seq = ++seq;
    return 1; /* we hold the reference now */
}
