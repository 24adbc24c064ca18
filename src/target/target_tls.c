/*
 * target_tls: TLS for stampede-target, on OpenSSL 3.
 *
 * The context resumes sessions both ways a client may ask: by session ticket (TLS 1.2
 * tickets and TLS 1.3 stateless tickets) and by session ID from the server-side cache.
 * Connections run with read-ahead, so one read() can bring in several records; records
 * decrypted or read but not yet handed over are invisible to epoll, so a read that stops at
 * IN_CAP marks the connection tls_stalled and target_conn.c wakes it again by hand.
 */
#include "target_tls.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "target_conn_int.h"

#define TLS_RECORD 16384 /* the most plaintext one record carries */
#define SESSION_CONTEXT "stampede-target"

/* Decrypted input lands here first, for the reason target_conn.c's scratch gives. */
static unsigned char scratch[TLS_RECORD];

/* Picks http/1.1 when the client offers it; without it the handshake goes on without ALPN. */
static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    static const char h11[] = "http/1.1";
    unsigned int i = 0;

    (void)ssl;
    (void)arg;
    while (i < inlen) {
        unsigned int n = in[i++];
        if (n > inlen - i)
            break; /* malformed list */
        if (n == sizeof(h11) - 1 && memcmp(in + i, h11, n) == 0) {
            *out = in + i;
            *outlen = (unsigned char)n;
            return SSL_TLSEXT_ERR_OK;
        }
        i += n;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

/* "WHAT FILE: reason" from the oldest error in OpenSSL's queue, which is the root cause
 * (a missing file rather than the PEM routine that failed on it). Empties the queue. */
static void tls_error(char *err, size_t errlen, const char *what, const char *file)
{
    unsigned long e = ERR_get_error();
    const char *why = NULL;

    if (e != 0 && ERR_SYSTEM_ERROR(e))
        why = strerror(ERR_GET_REASON(e));
    else if (e != 0)
        why = ERR_reason_error_string(e);
    if (why == NULL)
        why = "failed";
    snprintf(err, errlen, "%s%s%s: %s", what, file ? " " : "", file ? file : "", why);
    ERR_clear_error();
}

SSL_CTX *tls_ctx_new(const char *cert, const char *key, const char *client_ca, char *err,
                     size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    if (ctx == NULL) {
        tls_error(err, errlen, "cannot create the TLS context", NULL);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    /* A client that closes without close_notify has ended the stream like a plain EOF, as
     * far as HTTP/1.1 with lengths is concerned. Renegotiation would make writes wait for
     * reads; nobody benchmarks it. */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                              SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)SESSION_CONTEXT,
                                   sizeof(SESSION_CONTEXT) - 1);
    SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);

    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
        tls_error(err, errlen, "--tls: cannot load the certificate", cert);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        tls_error(err, errlen, "--tls: cannot load the key", key);
        goto fail;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        tls_error(err, errlen, "--tls: the key does not match the certificate", key);
        goto fail;
    }
    if (client_ca != NULL) {
        STACK_OF(X509_NAME) *names;
        if (SSL_CTX_load_verify_locations(ctx, client_ca, NULL) != 1) {
            tls_error(err, errlen, "--client-ca: cannot load", client_ca);
            goto fail;
        }
        /* Sent in the CertificateRequest, so that a client with several picks the right one. */
        if ((names = SSL_load_client_CA_file(client_ca)) == NULL) {
            tls_error(err, errlen, "--client-ca: no CA certificate in", client_ca);
            goto fail;
        }
        SSL_CTX_set_client_CA_list(ctx, names);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
    return ctx;

fail:
    SSL_CTX_free(ctx);
    return NULL;
}

void tls_ctx_free(SSL_CTX *ctx)
{
    SSL_CTX_free(ctx);
}

bool tls_conn_start(struct target_conn *c)
{
    c->ssl = SSL_new(c->srv->tls);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
        ERR_clear_error();
        return false;
    }
    SSL_set_accept_state(c->ssl);
    c->handshaking = true;
    return true;
}

/* Goes on with the handshake; true once it is done. A failure is quiet: the client gets
 * OpenSSL's alert, the connection is closed and tls_failed counts it. */
static bool tls_handshake(struct target_conn *c)
{
    struct target_stats *st = &c->srv->stats;
    int r = SSL_do_handshake(c->ssl);

    c->tls_want_write = false;
    if (r == 1) {
        c->handshaking = false;
        st->tls_handshakes++;
        if (SSL_session_reused(c->ssl))
            st->tls_resumed++;
        return true;
    }
    switch (SSL_get_error(c->ssl, r)) {
    case SSL_ERROR_WANT_READ: break;
    case SSL_ERROR_WANT_WRITE: c->tls_want_write = true; break;
    default: /* a bad certificate, no shared cipher, an EOF, a reset */
        ERR_clear_error();
        st->tls_failed++;
        c->state = ST_DEAD;
        break;
    }
    return false;
}

void tls_conn_read(struct target_conn *c)
{
    size_t have = evbuffer_get_length(c->in);

    if (c->handshaking && !tls_handshake(c))
        return;
    /* The last flight of the handshake may carry the first request: read on right away. */
    c->tls_want_write = false;
    c->tls_stalled = false;
    for (;;) {
        if (have >= IN_CAP) {
            c->tls_stalled = true; /* OpenSSL may hold more: see target_conn.c */
            return;
        }
        size_t want = IN_CAP - have < sizeof(scratch) ? IN_CAP - have : sizeof(scratch);
        int n = SSL_read(c->ssl, scratch, (int)want);
        if (n > 0) {
            if (evbuffer_add(c->in, scratch, (size_t)n) != 0) {
                c->state = ST_DEAD;
                return;
            }
            have += (size_t)n;
            continue;
        }
        switch (SSL_get_error(c->ssl, n)) {
        case SSL_ERROR_WANT_READ: return;
        case SSL_ERROR_WANT_WRITE: c->tls_want_write = true; return;
        case SSL_ERROR_ZERO_RETURN: c->eof = true; return; /* close_notify or EOF */
        default:
            ERR_clear_error();
            c->state = ST_DEAD;
            return;
        }
    }
}

int tls_conn_write(struct target_conn *c)
{
    size_t len;

    c->tls_want_read = false;
    while ((len = evbuffer_get_length(c->out)) > 0) {
        /* One record's worth at a time. After a WANT_WRITE the retry may start at another
         * address (ACCEPT_MOVING_WRITE_BUFFER) and be longer, never shorter: the output only
         * grows at its end until the write succeeds. */
        size_t n = len < TLS_RECORD ? len : TLS_RECORD;
        unsigned char *p = evbuffer_pullup(c->out, (ev_ssize_t)n);
        int w;

        if (p == NULL)
            return -1;
        w = SSL_write(c->ssl, p, (int)n);
        if (w > 0) {
            evbuffer_drain(c->out, (size_t)w);
            continue;
        }
        switch (SSL_get_error(c->ssl, w)) {
        case SSL_ERROR_WANT_WRITE: return 0;
        case SSL_ERROR_WANT_READ: c->tls_want_read = true; return 0;
        default: ERR_clear_error(); return -1;
        }
    }
    return 1;
}

void tls_conn_close_notify(struct target_conn *c)
{
    if (c->handshaking)
        return;
    if (SSL_shutdown(c->ssl) < 0)
        ERR_clear_error(); /* the socket is full or gone: the client sees a plain EOF */
}

void tls_conn_free(struct target_conn *c)
{
    /* OpenSSL drops a session from the cache when its connection is freed without having
     * sent close_notify, as if it had failed. Clients here usually close first, and their
     * sessions are good: keep them resumable. (A fatal error has already dropped it.) */
    if (!c->handshaking)
        SSL_set_shutdown(c->ssl, SSL_get_shutdown(c->ssl) | SSL_SENT_SHUTDOWN);
    SSL_free(c->ssl);
    c->ssl = NULL;
}
