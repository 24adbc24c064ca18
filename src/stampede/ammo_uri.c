/* ammo_uri: Phantom's uri-style ammo. "[Name: value]" sets a header for every URI below it (a
 * later one of the same name replaces it, "[Name:]" removes it); "/PATH [TAG]" is one GET
 * request, serialised here, once, into one arena:
 *   GET PATH HTTP/1.1, Host (the target's unless the file or the configuration sets one), the
 *   configured headers the file does not replace, the file's headers, Connection: close when
 *   connections are not kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ammo.h"
#include "strutil.h"

struct uri_header {
    const char *name, *value; /* into the file */
    size_t nlen, vlen;
};

struct uri_state {
    struct uri_header h[AMMO_MAX_HEADERS];
    size_t nh;
    FILE *out;                 /* the arena, as a memory stream */
    char *arena;
    size_t arena_len;
};

static int name_is(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && strncasecmp(a, b, an) == 0;
}

/* Whether a configured "Name: value" line has this name. */
static int line_named(const char *line, const char *name, size_t n)
{
    return strncasecmp(line, name, n) == 0 && line[n] == ':';
}

static int file_has(const struct uri_state *u, const char *name, size_t n)
{
    for (size_t i = 0; i < u->nh; i++)
        if (name_is(u->h[i].name, u->h[i].nlen, name, n))
            return 1;
    return 0;
}

/* "[Name: value]" or "[Name:]" at line [s, e). */
static int header_line(struct ammo_parse_ctx *x, struct uri_state *u, size_t s, size_t e)
{
    const char *d = x->a->data;
    if (d[e - 1] != ']')
        return ammo_fail(x, s, "a header line ends with ']' ([Name: value])");
    size_t p = s + 1, q = e - 1;
    size_t nlen = 0;
    while (p + nlen < q && str_is_tchar((unsigned char)d[p + nlen]))
        nlen++;
    if (nlen == 0 || p + nlen == q || d[p + nlen] != ':')
        return ammo_fail(x, s, "expected [Name: value] (a header name, a colon, a value)");
    size_t v = p + nlen + 1;
    while (v < q && (d[v] == ' ' || d[v] == '\t'))
        v++;
    while (q > v && (d[q - 1] == ' ' || d[q - 1] == '\t'))
        q--;
    if (!str_is_header_value(d + v, q - v))
        return ammo_fail(x, s, "the header value contains a control character");
    size_t i = 0;
    while (i < u->nh && !name_is(u->h[i].name, u->h[i].nlen, d + p, nlen))
        i++;
    if (q == v) { /* [Name:] removes it */
        if (i < u->nh)
            u->h[i] = u->h[--u->nh];
        return 0;
    }
    if (i == u->nh && u->nh == AMMO_MAX_HEADERS)
        return ammo_fail(x, s, "more than %d headers at once", AMMO_MAX_HEADERS);
    if (i == u->nh)
        u->nh++;
    u->h[i] = (struct uri_header){.name = d + p, .nlen = nlen, .value = d + v, .vlen = q - v};
    return 0;
}

/* "/PATH [TAG]" at line [s, e): one request into the arena. */
static int uri_line(struct ammo_parse_ctx *x, struct uri_state *u, size_t s, size_t e)
{
    struct ammo *a = x->a;
    const struct ammo_target *t = x->t;
    const char *d = a->data;
    size_t n = 0;
    while (s + n < e && d[s + n] != ' ' && d[s + n] != '\t')
        n++;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)d[s + i] < 0x21 || d[s + i] == 0x7f)
            return ammo_fail(x, s, "the URI contains a control character");
    size_t g = s + n;
    while (g < e && (d[g] == ' ' || d[g] == '\t'))
        g++;
    struct ammo_entry *en = ammo_add_entry(a);
    if (!en || !(en->method = ammo_method(a, "GET", 3)))
        return ammo_fail(x, s, "out of memory");
    if (ammo_tag(x, s, d + g, e - g, &en->tag) < 0)
        return -1;
    long start = ftell(u->out);
    fprintf(u->out, "GET %.*s HTTP/1.1\r\n", (int)n, d + s);
    int host = file_has(u, "Host", 4), conn = file_has(u, "Connection", 10);
    for (size_t i = 0; i < t->nheaders; i++) {
        host |= line_named(t->headers[i], "Host", 4);
        conn |= line_named(t->headers[i], "Connection", 10);
    }
    if (!host)
        fprintf(u->out, "Host: %s\r\n", t->host);
    for (size_t i = 0; i < t->nheaders; i++) {
        const char *h = t->headers[i];
        size_t hn = strcspn(h, ":");
        if (!file_has(u, h, hn))
            fprintf(u->out, "%s\r\n", h);
    }
    for (size_t i = 0; i < u->nh; i++)
        fprintf(u->out, "%.*s: %.*s\r\n", (int)u->h[i].nlen, u->h[i].name, (int)u->h[i].vlen,
                u->h[i].value);
    if (t->close && !conn)
        fputs("Connection: close\r\n", u->out);
    fputs("\r\n", u->out);
    long end = ftell(u->out);
    if (start < 0 || end < 0)
        return ammo_fail(x, s, "out of memory");
    en->wire.len = (size_t)(end - start);
    return 0;
}

int ammo_parse_uri(struct ammo_parse_ctx *x)
{
    struct ammo *a = x->a;
    struct uri_state u = {.nh = 0};
    if (!(u.out = open_memstream(&u.arena, &u.arena_len)))
        return ammo_fail(x, 0, "out of memory");
    int rc = 0;
    for (size_t p = 0; rc == 0 && p < a->size;) {
        const char *nl = memchr(a->data + p, '\n', a->size - p);
        size_t next = nl ? (size_t)(nl - a->data) + 1 : a->size;
        size_t s = p, e = nl ? (size_t)(nl - a->data) : a->size;
        p = next;
        while (s < e && (a->data[s] == ' ' || a->data[s] == '\t'))
            s++;
        while (e > s && (a->data[e - 1] == ' ' || a->data[e - 1] == '\t' || a->data[e - 1] == '\r'))
            e--;
        if (s == e)
            continue;
        if (a->data[s] == '[')
            rc = header_line(x, &u, s, e);
        else if (a->data[s] == '/')
            rc = uri_line(x, &u, s, e);
        else
            rc = ammo_fail(x, s, "expected /PATH [TAG] or [Name: value]");
    }
    if (fclose(u.out) != 0 && rc == 0)
        rc = ammo_fail(x, 0, "out of memory");
    a->arena = u.arena;
    /* the arena has stopped moving: point the entries into it, in order */
    size_t off = 0;
    for (size_t i = 0; rc == 0 && i < a->n; i++) {
        a->entries[i].wire.bytes = a->arena + off;
        off += a->entries[i].wire.len;
    }
    return rc;
}
