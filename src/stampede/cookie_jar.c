/* cookie_jar: storing Set-Cookie and choosing what a request's Cookie header carries. */
#include "cookie_jar.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void cookie_drop(struct cookie_jar *j, size_t i)
{
    free(j->v[i].name);
    j->v[i] = j->v[--j->n];
}

void jar_clear(struct cookie_jar *j)
{
    while (j->n)
        cookie_drop(j, j->n - 1);
}

void jar_free(struct cookie_jar *j)
{
    jar_clear(j);
    free(j->v);
    j->v = NULL;
    j->cap = 0;
}

/* s[0..n) without blanks around it. */
static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* RFC 6265 5.1.3: host is domain or one of its subdomains (never for an IP address). */
static int domain_match(const char *host, const char *domain)
{
    size_t h = strlen(host), d = strlen(domain);
    if (h == d)
        return strcasecmp(host, domain) == 0;
    if (h < d || host[h - d - 1] != '.' || strcasecmp(host + h - d, domain) != 0)
        return 0;
    for (const char *p = host; *p; p++) /* an IPv4 or IPv6 address has no subdomains */
        if (!isdigit((unsigned char)*p) && *p != '.' && *p != ':')
            return 1;
    return 0;
}

/* RFC 6265 5.1.4: the request path (query cut) and the cookie's default path. */
static size_t path_len(const char *path)
{
    return strcspn(path, "?#");
}

static int path_match(const char *req, const char *cookie)
{
    size_t r = path_len(req), c = strlen(cookie);
    if (r < c || strncmp(req, cookie, c) != 0)
        return 0;
    return r == c || cookie[c - 1] == '/' || req[c] == '/';
}

/* Expires: the date formats servers send (RFC 1123, RFC 850, asctime); -1 when unreadable. */
static int64_t parse_date(const char *s, size_t n)
{
    static const char *const formats[] = {"%a, %d %b %Y %H:%M:%S", "%a, %d-%b-%Y %H:%M:%S",
                                          "%a, %d-%b-%y %H:%M:%S", "%a %b %d %H:%M:%S %Y"};
    char buf[64];
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        if (strptime(buf, formats[i], &tm))
            return (int64_t)timegm(&tm);
    }
    return -1;
}

struct attrs {
    const char *domain, *path;
    size_t domain_len, path_len;
    int secure, has_max_age, has_expires;
    int64_t max_age, expires;
};

static void parse_attr(struct attrs *a, const char *s, size_t n)
{
    const char *eq = memchr(s, '=', n);
    const char *k = s, *v = eq ? eq + 1 : s + n;
    size_t kn = eq ? (size_t)(eq - s) : n, vn = eq ? n - kn - 1 : 0;
    trim(&k, &kn);
    trim(&v, &vn);
    if (kn == 6 && strncasecmp(k, "domain", 6) == 0 && vn) {
        if (*v == '.') { /* a leading dot is ignored */
            v++;
            vn--;
        }
        a->domain = v;
        a->domain_len = vn;
    } else if (kn == 4 && strncasecmp(k, "path", 4) == 0) {
        a->path = v;
        a->path_len = vn;
    } else if (kn == 6 && strncasecmp(k, "secure", 6) == 0) {
        a->secure = 1;
    } else if (kn == 7 && strncasecmp(k, "max-age", 7) == 0 && vn) {
        char buf[24], *end;
        if (vn < sizeof buf && (isdigit((unsigned char)*v) || *v == '-')) {
            memcpy(buf, v, vn);
            buf[vn] = '\0';
            long long m = strtoll(buf, &end, 10);
            if (!*end) {
                a->has_max_age = 1;
                a->max_age = m;
            }
        }
    } else if (kn == 7 && strncasecmp(k, "expires", 7) == 0) {
        int64_t t = parse_date(v, vn);
        if (t >= 0) {
            a->has_expires = 1;
            a->expires = t;
        }
    }
}

/* Where a cookie with this name, domain and path is, or -1. */
static long find(const struct cookie_jar *j, const char *name, const char *domain,
                 const char *path)
{
    for (size_t i = 0; i < j->n; i++)
        if (strcmp(j->v[i].name, name) == 0 && strcasecmp(j->v[i].domain, domain) == 0 &&
            strcmp(j->v[i].path, path) == 0)
            return (long)i;
    return -1;
}

/* A control byte (tab included) in a name or value: such a cookie is ignored, as RFC 6265bis
 * says, for it would go back into a request header. */
static int has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

int jar_set(struct cookie_jar *j, const char *value, size_t len, const char *host,
            const char *path, int64_t now)
{
    const char *semi = memchr(value, ';', len);
    const char *nv = value, *eq;
    size_t nvn = semi ? (size_t)(semi - value) : len;
    trim(&nv, &nvn);
    if (!(eq = memchr(nv, '=', nvn)) || eq == nv || nvn > JAR_MAX_COOKIE_BYTES)
        return 0;
    const char *name = nv, *val = eq + 1;
    size_t nn = (size_t)(eq - nv), vn = nvn - nn - 1;
    trim(&name, &nn);
    trim(&val, &vn);
    if (nn == 0 || has_control(name, nn) || has_control(val, vn))
        return 0;
    struct attrs a = {0};
    for (const char *p = semi; p && p < value + len;) {
        const char *next = memchr(p + 1, ';', (size_t)(value + len - p - 1));
        const char *end = next ? next : value + len;
        parse_attr(&a, p + 1, (size_t)(end - p - 1));
        p = next;
    }
    /* the domain: the host itself, or an attribute the host is within */
    char domain[256], cpath[1024];
    if (a.domain_len >= sizeof domain)
        return 0;
    int host_only = a.domain_len == 0;
    size_t dl = host_only ? strlen(host) : a.domain_len;
    if (dl >= sizeof domain)
        return 0;
    for (size_t i = 0; i < dl; i++) /* by hand: snprintf was a third of a cookie's cost */
        domain[i] = (char)tolower((unsigned char)(host_only ? host : a.domain)[i]);
    domain[dl] = '\0';
    if (!host_only && !domain_match(host, domain))
        return 0;
    /* the path: the attribute when it starts with '/', else the request's directory */
    size_t pl;
    if (a.path_len && a.path[0] == '/' && a.path_len < sizeof cpath) {
        pl = a.path_len;
        memcpy(cpath, a.path, pl);
    } else {
        size_t rl = path_len(path), slash = 0;
        for (size_t i = 0; i < rl; i++)
            if (path[i] == '/')
                slash = i;
        if (rl == 0 || path[0] != '/' || slash == 0 || slash >= sizeof cpath)
            slash = 1;
        pl = slash;
        memcpy(cpath, slash == 1 ? "/" : path, pl);
    }
    cpath[pl] = '\0';
    int64_t expires = 0;
    if (a.has_max_age) /* Max-Age wins over Expires */
        /* a server's Max-Age may be as large as it likes: past the year 292 billion is never */
        expires = a.max_age <= 0 ? -1 : a.max_age > INT64_MAX - now ? INT64_MAX : now + a.max_age;
    else if (a.has_expires)
        expires = a.expires <= now ? -1 : a.expires;
    char cname[JAR_MAX_COOKIE_BYTES + 1];
    memcpy(cname, name, nn);
    cname[nn] = '\0';
    long at = find(j, cname, domain, cpath);
    uint64_t created = j->seq++;
    if (at >= 0) {
        created = j->v[at].created;
        cookie_drop(j, (size_t)at);
    }
    if (expires < 0) /* in the past: a deletion */
        return 1;
    if (j->n == JAR_MAX_COOKIES) { /* full: the oldest goes */
        size_t old = 0;
        for (size_t i = 1; i < j->n; i++)
            if (j->v[i].created < j->v[old].created)
                old = i;
        cookie_drop(j, old);
    }
    if (j->n == j->cap) {
        /* most visits keep one cookie, and breadth_first holds a jar per repetition */
        size_t cap = j->cap ? j->cap * 2 : 1;
        struct cookie *v = realloc(j->v, (cap < JAR_MAX_COOKIES ? cap : JAR_MAX_COOKIES) *
                                             sizeof *v);
        if (!v)
            return -1;
        j->v = v;
        j->cap = cap < JAR_MAX_COOKIES ? cap : JAR_MAX_COOKIES;
    }
    char *mem = malloc(nn + vn + dl + pl + 4);
    if (!mem)
        return -1;
    struct cookie *c = &j->v[j->n++];
    c->name = mem;
    memcpy(mem, name, nn);
    mem[nn] = '\0';
    c->value = mem + nn + 1;
    memcpy(c->value, val, vn);
    c->value[vn] = '\0';
    c->domain = c->value + vn + 1;
    memcpy(c->domain, domain, dl + 1);
    c->path = c->domain + dl + 1;
    memcpy(c->path, cpath, pl + 1);
    c->host_only = host_only;
    c->secure = a.secure;
    c->expires = expires;
    c->created = created;
    return 1;
}

/* RFC 6265 5.4: longer paths first, then the older. */
static int sends_before(const struct cookie *a, const struct cookie *b)
{
    size_t la = strlen(a->path), lb = strlen(b->path);
    return la != lb ? la > lb : a->created < b->created;
}

size_t jar_cookie_header(struct cookie_jar *j, const char *host, const char *path, int https,
                         int64_t now, char *out, size_t cap)
{
    const struct cookie *pick[JAR_MAX_COOKIES];
    size_t n = 0, len = 0;
    for (size_t i = 0; i < j->n;) /* first the expired go: dropping moves cookies */
        if (j->v[i].expires && j->v[i].expires <= now)
            cookie_drop(j, i);
        else
            i++;
    for (size_t i = 0; i < j->n; i++) {
        const struct cookie *c = &j->v[i];
        if (c->host_only ? strcasecmp(host, c->domain) != 0 : !domain_match(host, c->domain))
            continue;
        if (!path_match(path, c->path) || (c->secure && !https))
            continue;
        size_t k = n++;
        while (k > 0 && sends_before(c, pick[k - 1])) {
            pick[k] = pick[k - 1];
            k--;
        }
        pick[k] = c;
    }
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(pick[i]->name), vl = strlen(pick[i]->value);
        size_t sep = len ? 2 : 0;
        if (len + sep + nl + 1 + vl + 1 > cap)
            continue;
        memcpy(out + len, "; ", sep);
        len += sep;
        memcpy(out + len, pick[i]->name, nl);
        out[len + nl] = '=';
        memcpy(out + len + nl + 1, pick[i]->value, vl);
        len += nl + 1 + vl;
        out[len] = '\0';
    }
    return len;
}
