/* channel_msg: filling in a message's variables and finding latency markers. */
#include "channel_msg.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int msg_has_vars(const char *text, size_t len)
{
    for (const char *p = text; (p = memchr(p, '$', len - (size_t)(p - text))); p++)
        if (p + 1 < text + len && p[1] == '{')
            return 1;
    return 0;
}

/* Appends n bytes to *buf at *len, growing it. */
static int put(char **buf, size_t *cap, size_t *len, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 64;
        while (c < *len + n)
            c *= 2;
        char *b = realloc(*buf, c);
        if (!b)
            return -1;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    return 0;
}

size_t msg_expand(const char *text, size_t len, const struct msg_vars *v, char **buf,
                  size_t *cap)
{
    size_t out = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *d = memchr(p, '$', (size_t)(end - p));
        if (!d)
            d = end;
        if (put(buf, cap, &out, p, (size_t)(d - p)) != 0)
            return (size_t)-1;
        if (d == end)
            break;
        const char *close = d + 1 < end && d[1] == '{' ? memchr(d, '}', (size_t)(end - d)) : NULL;
        char num[24];
        int n = -1;
        if (close) {
            size_t nl = (size_t)(close - d - 2);
            if (nl == 3 && memcmp(d + 2, "seq", 3) == 0)
                n = snprintf(num, sizeof num, "%" PRIu64, v->seq);
            else if (nl == 6 && memcmp(d + 2, "client", 6) == 0)
                n = snprintf(num, sizeof num, "%" PRIu64, v->client);
            else if (nl == 6 && memcmp(d + 2, "worker", 6) == 0)
                n = snprintf(num, sizeof num, "%u", v->worker);
        }
        if (n < 0) { /* not a variable of ours: the '$' as written */
            if (put(buf, cap, &out, d, 1) != 0)
                return (size_t)-1;
            p = d + 1;
            continue;
        }
        if (put(buf, cap, &out, num, (size_t)n) != 0)
            return (size_t)-1;
        p = close + 1;
    }
    return out;
}

size_t msg_count_marker(const char *text, size_t len, const char *marker, size_t mlen)
{
    size_t n = 0;
    if (mlen == 0)
        return 0;
    for (const char *p = text, *end = text + len; (size_t)(end - p) >= mlen;) {
        const char *m = memmem(p, (size_t)(end - p), marker, mlen);
        if (!m)
            break;
        n++;
        p = m + mlen;
    }
    return n;
}

int marker_search_init(struct marker_search *s, const char *marker)
{
    size_t len = strlen(marker);
    if (len > s->fail_cap) {
        size_t *f = realloc(s->fail, len * sizeof *f);
        if (!f)
            return -1;
        s->fail = f;
        s->fail_cap = len;
    }
    s->marker = marker;
    s->len = len;
    s->matched = 0;
    if (len)
        s->fail[0] = 0;
    for (size_t i = 1, k = 0; i < len; i++) {
        while (k > 0 && marker[i] != marker[k])
            k = s->fail[k - 1];
        if (marker[i] == marker[k])
            k++;
        s->fail[i] = k;
    }
    return 0;
}

size_t marker_search_feed(struct marker_search *s, const char *buf, size_t n)
{
    size_t found = 0, k = s->matched;
    const char *m = s->marker;
    if (s->len == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        /* the common case, a byte that cannot start or go on a match, costs one compare */
        if (k == 0) {
            const char *f = memchr(buf + i, m[0], n - i);
            if (!f)
                break;
            i = (size_t)(f - buf);
        }
        while (k > 0 && buf[i] != m[k])
            k = s->fail[k - 1];
        if (buf[i] == m[k])
            k++;
        if (k == s->len) {
            found++;
            k = 0; /* no overlaps, as markers are counted in what is sent */
        }
    }
    s->matched = k;
    return found;
}

void marker_search_free(struct marker_search *s)
{
    free(s->fail);
    memset(s, 0, sizeof *s);
}
