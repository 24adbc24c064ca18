/*
 * target_tls: stampede-target's TLS. One server SSL_CTX for the process, and the handshake,
 * reads, writes and close of each TLS connection on its non-blocking socket, driven by the
 * events of target_conn.c. Without --tls none of this runs.
 */
#ifndef STAMPEDE_TARGET_TLS_H
#define STAMPEDE_TARGET_TLS_H

#include <stdbool.h>
#include <stddef.h>

struct ssl_ctx_st;
struct target_conn;

/* The server context: certificate chain and key (PEM), TLS 1.2 and 1.3, ALPN http/1.1,
 * resumption by ticket and by session cache, and with client_ca (or NULL) a required client
 * certificate signed by one of the CAs in that PEM file. On failure returns NULL and puts
 * the reason in err. */
struct ssl_ctx_st *tls_ctx_new(const char *cert, const char *key, const char *client_ca,
                               char *err, size_t errlen);

void tls_ctx_free(struct ssl_ctx_st *ctx);

/* Puts a new connection in server handshake state; false if that failed. */
bool tls_conn_start(struct target_conn *c);

/* On a readable socket (or writable, when the handshake or a read waited for that): goes on
 * with the handshake, then decrypts into c->in up to IN_CAP. A failed handshake makes the
 * connection ST_DEAD and is counted; a close_notify or EOF sets c->eof. */
void tls_conn_read(struct target_conn *c);

/* Encrypts and sends c->out until it is empty (1) or the socket is full (0); -1 if the
 * connection is broken. */
int tls_conn_write(struct target_conn *c);

/* Sends close_notify, as far as the socket takes it right now. */
void tls_conn_close_notify(struct target_conn *c);

void tls_conn_free(struct target_conn *c);

#endif
