/* cookie_jar: a client's cookies, kept and sent back by the rules of RFC 6265 that matter to a
 * load test: Domain (host-only, or the domain and its subdomains; no public suffix list),
 * Path (the default path, path matching), expiry (Max-Age wins over Expires; an expiry in the
 * past deletes), Secure (sent over https only) and replacement of a cookie with the same name,
 * domain and path. HttpOnly and SameSite mean nothing without scripts and sites, and are
 * ignored. A jar is bounded: at most JAR_MAX_COOKIES cookies (the oldest goes for a new one)
 * of at most JAR_MAX_COOKIE_BYTES (name and value; longer ones are dropped). */
#ifndef STAMPEDE_COOKIE_JAR_H
#define STAMPEDE_COOKIE_JAR_H

#include <stddef.h>
#include <stdint.h>

#define JAR_MAX_COOKIES 50
#define JAR_MAX_COOKIE_BYTES 4096

struct cookie {
    char *name, *value;     /* one allocation: name\0value\0domain\0path\0 */
    char *domain, *path;
    int host_only, secure;
    int64_t expires;        /* wall-clock seconds; 0: when the client ends */
    uint64_t created;       /* order of creation, kept by a replacement */
};

/* The cookies grow as needed (most visits keep one or two): a breadth_first sequence holds
 * a jar for every repetition at once. */
struct cookie_jar {
    struct cookie *v;
    size_t n, cap;
    uint64_t seq;
};

/* A Set-Cookie value received in answer to a request to host (lower case, no port) and path
 * (the request target, its query ignored), at wall-clock second now. Returns 1 when stored or
 * deleted one, 0 when ignored (bad, too large, domain not matching), -1 out of memory. */
int jar_set(struct cookie_jar *j, const char *value, size_t len, const char *host,
            const char *path, int64_t now);

/* Writes the cookies to send to host and path ("a=1; b=2", longest paths first, then oldest)
 * into out (cap bytes, NUL-terminated; cookies that do not fit are left out); https says
 * whether Secure ones go. Expired cookies are removed on the way. Returns the length. */
size_t jar_cookie_header(struct cookie_jar *j, const char *host, const char *path, int https,
                         int64_t now, char *out, size_t cap);

/* Forgets every cookie (the memory stays, for the next visit). */
void jar_clear(struct cookie_jar *j);
/* Frees the memory too. */
void jar_free(struct cookie_jar *j);

#endif
