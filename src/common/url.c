/* url: absolute http(s) URLs split into scheme, host, port and request target.
 * Strict on purpose: whatever is accepted here goes verbatim onto the request line. */
#include "url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strutil.h"

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int url_parse(const char *s, struct url *u, const char **why)
{
    static char scheme_why[96];
    const char *dummy;
    if (!why)
        why = &dummy;
    memset(u, 0, sizeof *u);
    if (!s || !*s) {
        *why = "empty URL (write it as http://HOST[:PORT]/PATH)";
        return -1;
    }
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c == 0x7f) {
            *why = "URL contains a space or control character (percent-encode it, e.g. %20)";
            return -1;
        }
        if (c >= 0x80) {
            *why = "URL contains a non-ASCII character (percent-encode it)";
            return -1;
        }
    }

    /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) "://" */
    const char *p = s;
    if (is_alpha(*p))
        while (is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-' || *p == '.')
            p++;
    if (p == s || strncmp(p, "://", 3) != 0) {
        *why = "not an absolute URL (write it as http://HOST[:PORT]/PATH)";
        return -1;
    }
    size_t slen = (size_t)(p - s);
    int tls, channel = 0, ws = 0;
    if (slen == 4 && strncasecmp(s, "http", 4) == 0)
        tls = 0;
    else if (slen == 5 && strncasecmp(s, "https", 5) == 0)
        tls = 1;
    else if (slen == 3 && (strncasecmp(s, "tcp", 3) == 0 || strncasecmp(s, "tls", 3) == 0)) {
        tls = s[1] == 'l' || s[1] == 'L';
        channel = 1;
    } else if ((slen == 2 && strncasecmp(s, "ws", 2) == 0) ||
               (slen == 3 && strncasecmp(s, "wss", 3) == 0)) {
        tls = slen == 3;
        channel = ws = 1;
    } else {
        snprintf(scheme_why, sizeof scheme_why,
                 "unsupported scheme '%.*s' (use http://, https://, tcp://, tls://, ws:// "
                 "or wss://)",
                 slen > 20 ? 20 : (int)slen, s);
        *why = scheme_why;
        return -1;
    }
    const char *auth = p + 3;
    size_t alen = strcspn(auth, "/?#");
    const char *rest = auth + alen;
    if (memchr(auth, '@', alen)) {
        *why = "credentials in URLs are not supported; use a header";
        return -1;
    }

    /* host: "[v6]" or a name / IPv4 address, then an optional ":port" */
    const char *host, *hend, *after;
    if (alen > 0 && auth[0] == '[') {
        const char *close = memchr(auth, ']', alen);
        if (!close) {
            *why = "IPv6 address without its closing ']' (write it as http://[::1]:8080/)";
            return -1;
        }
        host = auth + 1;
        hend = close;
        after = close + 1;
        char tmp[64];
        struct in6_addr a6;
        size_t hl = (size_t)(hend - host);
        if (hl == 0 || hl >= sizeof tmp) {
            *why = "bad IPv6 address in brackets (write it as http://[::1]:8080/)";
            return -1;
        }
        memcpy(tmp, host, hl);
        tmp[hl] = '\0';
        if (inet_pton(AF_INET6, tmp, &a6) != 1) {
            *why = "bad IPv6 address in brackets (write it as http://[::1]:8080/)";
            return -1;
        }
        if (after < rest && *after != ':') {
            *why = "unexpected text after ']' (write the port as [::1]:8080)";
            return -1;
        }
    } else {
        host = auth;
        hend = memchr(auth, ':', alen);
        if (hend && memchr(hend + 1, ':', (size_t)(rest - hend - 1))) {
            *why = "too many ':' (IPv6 addresses go in brackets: http://[::1]:8080/)";
            return -1;
        }
        if (!hend)
            hend = rest;
        after = hend;
        if (hend == host) {
            *why = "URL has no host (write it as http://HOST[:PORT]/PATH)";
            return -1;
        }
        for (const char *h = host; h < hend; h++)
            if (!str_is_host_char(*h)) {
                *why = "bad character in host name (use letters, digits, '-', '.', or "
                       "[IPv6])";
                return -1;
            }
    }
    if ((size_t)(hend - host) > STR_HOST_MAX) {
        *why = "host name longer than 253 characters";
        return -1;
    }

    unsigned long port = tls ? 443 : 80;
    if (channel && !ws) { /* a raw stream has no usual port, and nothing after it */
        if (after >= rest || after + 1 >= rest) {
            *why = "tcp:// and tls:// need a port (write it as tcp://HOST:PORT)";
            return -1;
        }
        if (strcmp(rest, "") != 0 && strcmp(rest, "/") != 0) {
            *why = "tcp:// and tls:// take no path (write it as tcp://HOST:PORT)";
            return -1;
        }
    }
    if (after < rest) { /* *after == ':' */
        const char *d = after + 1;
        /* an empty port means the default one (RFC 3986) */
        if (d < rest) {
            port = 0;
            for (; d < rest; d++) {
                if (!is_digit(*d) || port > 65535) {
                    *why = "bad port (use a number from 1 to 65535)";
                    return -1;
                }
                port = port * 10 + (unsigned long)(*d - '0');
            }
            if (port < 1 || port > 65535) {
                *why = "bad port (use a number from 1 to 65535)";
                return -1;
            }
        }
    }

    /* target = path [ "?" query ]; the fragment never goes to the server */
    size_t tlen = strcspn(rest, "#");
    u->scheme = strdup(ws        ? (tls ? "wss" : "ws")
                       : channel ? (tls ? "tls" : "tcp")
                                 : (tls ? "https" : "http"));
    u->host = str_dup_lower(host, (size_t)(hend - host));
    if (tlen == 0 || rest[0] == '?') {
        u->target = malloc(tlen + 2);
        if (u->target) {
            u->target[0] = '/';
            memcpy(u->target + 1, rest, tlen);
            u->target[tlen + 1] = '\0';
        }
    } else {
        u->target = strndup(rest, tlen);
    }
    if (!u->scheme || !u->host || !u->target) {
        url_free(u);
        *why = "out of memory";
        return -1;
    }
    u->port = (uint16_t)port;
    u->tls = tls;
    u->channel = channel;
    u->ws = ws;
    return 0;
}

void url_free(struct url *u)
{
    if (!u)
        return;
    free(u->scheme);
    free(u->host);
    free(u->target);
    memset(u, 0, sizeof *u);
}

/* RFC 3986 5.2.4, in place on the path part (up to '?'): drops "." and ".." segments. */
int url_copy(struct url *dst, const struct url *src)
{
    *dst = *src;
    dst->scheme = strdup(src->scheme);
    dst->host = strdup(src->host);
    dst->target = strdup(src->target);
    if (!dst->scheme || !dst->host || !dst->target) {
        url_free(dst);
        return -1;
    }
    return 0;
}

static void remove_dot_segments(char *path)
{
    char *q = strchr(path, '?');
    size_t plen = q ? (size_t)(q - path) : strlen(path);
    char *out = path, *in = path, *end = path + plen;
    while (in < end) {
        char *seg_end = memchr(in + 1, '/', (size_t)(end - in - 1));
        if (!seg_end)
            seg_end = end;
        size_t n = (size_t)(seg_end - in); /* "/seg" */
        if (n == 2 && in[1] == '.') {
            if (seg_end == end)
                *out++ = '/';
        } else if (n == 3 && in[1] == '.' && in[2] == '.') {
            while (out > path && *--out != '/')
                ;
            if (seg_end == end)
                *out++ = '/';
        } else {
            memmove(out, in, n);
            out += n;
        }
        in = seg_end;
    }
    if (out == path)
        *out++ = '/';
    memmove(out, end, strlen(end) + 1);
}

int url_resolve(const struct url *base, const char *ref, struct url *out, const char **why)
{
    while (*ref == ' ' || *ref == '\t')
        ref++;
    const char *p = ref;
    while (isalpha((unsigned char)*p) || (p > ref && (isdigit((unsigned char)*p) || *p == '+' ||
                                                      *p == '-' || *p == '.')))
        p++;
    if (p > ref && strncmp(p, "://", 3) == 0)
        return url_parse(ref, out, why);

    int v6 = strchr(base->host, ':') != NULL;
    char authority[300];
    snprintf(authority, sizeof authority, "%s://%s%s%s:%u", base->scheme, v6 ? "[" : "",
             base->host, v6 ? "]" : "", (unsigned)base->port);
    size_t blen = strcspn(base->target, "?");
    size_t rlen = strlen(ref);
    size_t cap = strlen(authority) + blen + rlen + 4;
    char *s = malloc(cap);
    if (!s) {
        *why = "out of memory";
        return -1;
    }
    if (ref[0] == '/' && ref[1] == '/') {
        snprintf(s, cap, "%s:%s", base->scheme, ref);
    } else {
        size_t alen = (size_t)snprintf(s, cap, "%s", authority);
        char *path = s + alen;
        if (ref[0] == '/') {
            snprintf(path, cap - alen, "%s", ref);
        } else if (ref[0] == '?' || ref[0] == '\0' || ref[0] == '#') {
            snprintf(path, cap - alen, "%.*s%s", (int)blen, base->target, ref);
        } else {
            const char *slash = base->target;
            for (size_t i = 0; i < blen; i++)
                if (base->target[i] == '/')
                    slash = base->target + i;
            snprintf(path, cap - alen, "%.*s%s", (int)(slash - base->target + 1), base->target,
                     ref);
        }
        char *frag = strchr(path, '#');
        if (frag)
            *frag = '\0';
        remove_dot_segments(path);
    }
    int rc = url_parse(s, out, why);
    free(s);
    return rc;
}

char *url_format(const struct url *u)
{
    int v6 = strchr(u->host, ':') != NULL;
    unsigned defport = u->tls ? 443 : 80;
    char port[8] = "";
    if (u->port != defport || (u->channel && !u->ws))
        snprintf(port, sizeof port, ":%u", (unsigned)u->port);
    char *s = NULL;
    if (asprintf(&s, "%s://%s%s%s%s%s", u->scheme, v6 ? "[" : "", u->host, v6 ? "]" : "", port,
                 u->channel && !u->ws ? "" : u->target) < 0)
        return NULL;
    return s;
}
