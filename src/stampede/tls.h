/* tls: OpenSSL client contexts. One SSL_CTX per distinct set of TLS options per process (usually
 * one), never one per connection; buffers are released while a connection is idle. */
#ifndef STAMPEDE_TLS_H
#define STAMPEDE_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "config.h"

/* Builds a client context for o: ALPN http/1.1, verification as asked, client certificate,
 * ciphers and versions, a client session cache fed through new_session. Returns NULL after
 * writing a one-line reason into err. */
SSL_CTX *tls_ctx_new(const struct tls_options *o, int (*new_session)(SSL *, SSL_SESSION *),
                     char *err, size_t errlen);
/* Whether two requests can share a context. */
int tls_options_equal(const struct tls_options *a, const struct tls_options *b);
/* OpenSSL's reason for the last failure on ssl: the verify result, or the error queue. */
const char *tls_error_text(SSL *ssl, char *buf, size_t len);

#endif
