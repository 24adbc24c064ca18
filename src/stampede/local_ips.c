/* local_ips: the list of source addresses, parsed once at start-up into two arrays (one per
 * family) so that picking a client's address is an index. */
#include "local_ips.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_MAX 128

/* One address of either family, as the parser handles it. */
struct ip {
    int family;
    unsigned char b[16]; /* network order; 4 bytes for IPv4 */
};

static int ip_parse(const char *s, struct ip *ip)
{
    memset(ip, 0, sizeof *ip);
    if (inet_pton(AF_INET, s, ip->b) == 1) {
        ip->family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, s, ip->b) == 1) {
        ip->family = AF_INET6;
        return 0;
    }
    return -1;
}

static size_t ip_bytes(const struct ip *ip)
{
    return ip->family == AF_INET ? 4 : 16;
}

static void ip_next(struct ip *ip)
{
    for (size_t i = ip_bytes(ip); i-- > 0;)
        if (++ip->b[i] != 0)
            break;
}

/* b - a, capped at UINT64_MAX; -1 when b is before a. */
static int ip_diff(const struct ip *a, const struct ip *b, uint64_t *d)
{
    size_t n = ip_bytes(a);
    unsigned char r[16];
    int borrow = 0;
    for (size_t i = n; i-- > 0;) {
        int v = (int)b->b[i] - (int)a->b[i] - borrow;
        borrow = v < 0;
        r[i] = (unsigned char)(v + (borrow ? 256 : 0));
    }
    if (borrow)
        return -1;
    *d = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 8 < n && r[i]) {
            *d = UINT64_MAX;
            return 0;
        }
        if (i + 8 >= n)
            *d = *d << 8 | r[i];
    }
    return 0;
}

static int add(struct local_ips *l, const struct ip *ip)
{
    if (ip->family == AF_INET) {
        struct sockaddr_in *v = realloc(l->v4, (l->n4 + 1) * sizeof *v);
        if (!v)
            return -1;
        l->v4 = v;
        memset(&v[l->n4], 0, sizeof *v);
        v[l->n4].sin_family = AF_INET;
        memcpy(&v[l->n4].sin_addr, ip->b, 4);
        l->n4++;
    } else {
        struct sockaddr_in6 *v = realloc(l->v6, (l->n6 + 1) * sizeof *v);
        if (!v)
            return -1;
        l->v6 = v;
        memset(&v[l->n6], 0, sizeof *v);
        v[l->n6].sin6_family = AF_INET6;
        memcpy(&v[l->n6].sin6_addr, ip->b, 16);
        l->n6++;
    }
    return 0;
}

/* Adds count addresses from first on, unless that makes the list too long. */
static int add_run(struct local_ips *l, struct ip first, uint64_t count, const char *tok,
                   char *err, size_t errlen)
{
    if (count > LOCAL_IPS_MAX || l->n4 + l->n6 + count > LOCAL_IPS_MAX) {
        snprintf(err, errlen, "'%s' makes more than %d addresses (a /16 is the most one list "
                              "takes)", tok, LOCAL_IPS_MAX);
        return -1;
    }
    for (uint64_t i = 0; i < count; i++, ip_next(&first))
        if (add(l, &first) < 0) {
            snprintf(err, errlen, "out of memory for the addresses of '%s'", tok);
            return -1;
        }
    return 0;
}

static int parse_range(struct local_ips *l, char *tok, char *dash, char *err, size_t errlen)
{
    struct ip a, b;
    uint64_t d;
    *dash = '\0';
    int ok_a = ip_parse(tok, &a) == 0, ok_b = ip_parse(dash + 1, &b) == 0;
    *dash = '-';
    if (!ok_a || !ok_b) {
        snprintf(err, errlen, "'%s' is not a range of addresses (write FIRST-LAST, e.g. "
                              "127.0.0.11-127.0.0.18)", tok);
        return -1;
    }
    if (a.family != b.family) {
        snprintf(err, errlen, "range '%s' goes from one address family to the other", tok);
        return -1;
    }
    if (ip_diff(&a, &b, &d) < 0) {
        snprintf(err, errlen, "range '%s' is empty (its first address is after its last)", tok);
        return -1;
    }
    return add_run(l, a, d == UINT64_MAX ? d : d + 1, tok, err, errlen);
}

/* A CIDR block. An IPv4 block longer than two addresses leaves out its network and broadcast
 * addresses, which are no host's: 127.0.0.0/29 is 127.0.0.1 to 127.0.0.6. */
static int parse_block(struct local_ips *l, char *tok, char *slash, char *err, size_t errlen)
{
    struct ip a;
    char *end;
    *slash = '\0';
    int ok = ip_parse(tok, &a) == 0;
    *slash = '/';
    long bits = strtol(slash + 1, &end, 10);
    int width = ok && a.family == AF_INET ? 32 : 128;
    if (!ok || slash[1] < '0' || slash[1] > '9' || *end || bits < 0 || bits > width) {
        snprintf(err, errlen, "'%s' is not a CIDR block (write ADDRESS/BITS, e.g. "
                              "127.0.0.0/29)", tok);
        return -1;
    }
    int host = width - (int)bits;
    for (int i = 0; i < host; i++) /* the host bits must be 0 */
        if (a.b[ip_bytes(&a) - 1 - i / 8] & (1u << (i % 8))) {
            snprintf(err, errlen, "'%s' has host bits set (a block starts at its network "
                                  "address)", tok);
            return -1;
        }
    if (host > 16) {
        snprintf(err, errlen, "'%s' makes more than %d addresses (a /16 is the most one list "
                              "takes)", tok, LOCAL_IPS_MAX);
        return -1;
    }
    uint64_t count = UINT64_C(1) << host;
    if (a.family == AF_INET && host >= 2) {
        ip_next(&a);
        count -= 2;
    }
    return add_run(l, a, count, tok, err, errlen);
}

static int parse_token(struct local_ips *l, char *tok, char *err, size_t errlen)
{
    char *dash = strchr(tok, '-'), *slash = strchr(tok, '/');
    if (slash)
        return parse_block(l, tok, slash, err, errlen);
    if (dash)
        return parse_range(l, tok, dash, err, errlen);
    struct ip a;
    if (ip_parse(tok, &a) < 0) {
        snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address (names are not taken: "
                              "write addresses, ranges A-B or blocks A/BITS)", tok);
        return -1;
    }
    return add_run(l, a, 1, tok, err, errlen);
}

int local_ips_parse(const char *text, struct local_ips *out, char *err, size_t errlen)
{
    static const char seps[] = ", \t";
    memset(out, 0, sizeof *out);
    const char *p = text;
    while (*p) {
        p += strspn(p, seps);
        size_t n = strcspn(p, seps);
        if (n == 0)
            break;
        char tok[TOKEN_MAX];
        if (n >= sizeof tok) {
            snprintf(err, errlen, "'%.40s...' is too long for an address or a range", p);
            local_ips_free(out);
            return -1;
        }
        memcpy(tok, p, n);
        tok[n] = '\0';
        p += n;
        if (parse_token(out, tok, err, errlen) < 0) {
            local_ips_free(out);
            return -1;
        }
    }
    if (out->n4 + out->n6 == 0) {
        snprintf(err, errlen, "no address in the list (e.g. 127.0.0.11-127.0.0.18)");
        return -1;
    }
    return 0;
}

void local_ips_free(struct local_ips *l)
{
    free(l->v4);
    free(l->v6);
    memset(l, 0, sizeof *l);
}

const struct sockaddr *local_ips_pick(const struct local_ips *l, int family, uint64_t number,
                                      socklen_t *len)
{
    if (family == AF_INET && l->n4) {
        *len = sizeof l->v4[0];
        return (const struct sockaddr *)&l->v4[number % l->n4];
    }
    if (family == AF_INET6 && l->n6) {
        *len = sizeof l->v6[0];
        return (const struct sockaddr *)&l->v6[number % l->n6];
    }
    return NULL;
}
