/* tls: client contexts and OpenSSL error texts. */
#include "tls.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

static int str_equal(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

int tls_options_equal(const struct tls_options *a, const struct tls_options *b)
{
    return a->verify == b->verify && a->session_cache == b->session_cache &&
           a->min_version == b->min_version && a->max_version == b->max_version &&
           str_equal(a->ca_file, b->ca_file) && str_equal(a->ca_path, b->ca_path) &&
           str_equal(a->client_cert, b->client_cert) && str_equal(a->client_key, b->client_key) &&
           str_equal(a->ciphers, b->ciphers);
}

static const char *queue_text(char *buf, size_t len)
{
    unsigned long e = ERR_get_error();
    if (!e)
        return NULL;
    ERR_error_string_n(e, buf, len);
    ERR_clear_error();
    return buf;
}

SSL_CTX *tls_ctx_new(const struct tls_options *o, int (*new_session)(SSL *, SSL_SESSION *),
                     char *err, size_t errlen)
{
    static const unsigned char alpn[] = "\x08http/1.1";
    char why[256];
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        snprintf(err, errlen, "TLS: %s", queue_text(why, sizeof why) ?: "out of memory");
        return NULL;
    }
    /* Idle kept connections hold no read/write buffers; a close without close_notify is an
     * ordinary end of a close-delimited body, as browsers treat it. */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                              SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_alpn_protos(ctx, alpn, sizeof alpn - 1);
    if (o->min_version && !SSL_CTX_set_min_proto_version(ctx, o->min_version))
        goto fail;
    if (o->max_version && !SSL_CTX_set_max_proto_version(ctx, o->max_version))
        goto fail;
    if (o->ciphers && !SSL_CTX_set_cipher_list(ctx, o->ciphers))
        goto fail;
    if (o->verify) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        int ok = o->ca_file || o->ca_path
                     ? SSL_CTX_load_verify_locations(ctx, o->ca_file, o->ca_path)
                     : SSL_CTX_set_default_verify_paths(ctx);
        if (!ok)
            goto fail;
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    if (o->client_cert && !SSL_CTX_use_certificate_chain_file(ctx, o->client_cert))
        goto fail;
    if (o->client_key || o->client_cert) {
        const char *key = o->client_key ? o->client_key : o->client_cert;
        if (!SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) ||
            !SSL_CTX_check_private_key(ctx))
            goto fail;
    }
    if (o->session_cache) {
        /* Sessions are kept by the client that made them (for its next connection to the same
         * endpoint), not in OpenSSL's process-wide store. */
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
                                                SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_sess_set_new_cb(ctx, new_session);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
    return ctx;
fail:
    snprintf(err, errlen, "TLS settings: %s",
             queue_text(why, sizeof why) ?: "rejected by OpenSSL");
    SSL_CTX_free(ctx);
    return NULL;
}

const char *tls_error_text(SSL *ssl, char *buf, size_t len)
{
    long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    if (v != X509_V_OK) {
        ERR_clear_error();
        snprintf(buf, len, "certificate verify failed: %s", X509_verify_cert_error_string(v));
        return buf;
    }
    unsigned long e = ERR_peek_error();
    char why[256];
    const char *t = queue_text(why, sizeof why);
    /* What a plain-HTTP server's "HTTP/1.1 400" looks like to a TLS client. */
    int plain = ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_WRONG_VERSION_NUMBER;
    snprintf(buf, len, "TLS: %s%s", t ? t : "handshake failed",
             plain ? " (the server answered without TLS: is it plain HTTP? use http://)" : "");
    return buf;
}
