/* Fuzz target for the cookie jar: Set-Cookie values are what a hostile server writes. Input:
 * values one a line, each received in answer to http://shop.example.test/a/b at one moment.
 * Whatever they say, the jar stays within its bounds and the Cookie header it makes is one
 * line of cookie pairs: no CR, LF or other control byte that could split the request or add a
 * header. */
#include <stdlib.h>
#include <string.h>

#include "cookie_jar.h"
#include "fuzz.h"

#define NOW 1764504000

static void check_header(struct cookie_jar *j, const char *host, const char *path, int https)
{
    char out[8192];
    memset(out, 'x', sizeof(out));
    size_t n = jar_cookie_header(j, host, path, https, NOW, out, sizeof(out));
    if (n >= sizeof(out) || out[n] != '\0' || strlen(out) != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cookie_jar j = {0};
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        if (jar_set(&j, p, len, "shop.example.test", "/a/b?q=1", NOW) < 0)
            break; /* out of memory: nothing to check */
        p += len + 1;
    }
    if (j.n > JAR_MAX_COOKIES)
        abort();
    for (size_t i = 0; i < j.n; i++) {
        const struct cookie *c = &j.v[i];
        if (!c->name || !c->value || !c->domain || !c->path || c->path[0] != '/' ||
            strlen(c->name) + strlen(c->value) > JAR_MAX_COOKIE_BYTES || !c->domain[0])
            abort();
    }
    check_header(&j, "shop.example.test", "/a/b", 0);
    check_header(&j, "www.shop.example.test", "/", 1);
    jar_free(&j);
    return 0;
}
