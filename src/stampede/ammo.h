/* ammo: requests read from a file in Phantom's formats instead of [request] sections.
 *   phantom  a line "SIZE [TAG]", then exactly SIZE bytes of a raw HTTP request, sent as is;
 *   stpd     a line "SIZE TIMESTAMP_MS [TAG]", then SIZE bytes: Phantom's millisecond plan;
 *   uri      "[Name: value]" lines for the URIs below them and "/PATH [TAG]" lines.
 * The file is read once, before fork; entries point into it (or, for uri-style requests, into
 * one arena of serialised requests). Each distinct tag is one request of the run: the entry's
 * tag is that request's index, so every report counts per tag. */
#ifndef STAMPEDE_AMMO_H
#define STAMPEDE_AMMO_H

#include <stddef.h>
#include <stdint.h>

#include "http_request.h"

enum ammo_format { AMMO_AUTO = 0, AMMO_PHANTOM = 1, AMMO_URI = 2, AMMO_STPD = 3 };

#define AMMO_DEFAULT_TAG "ammo" /* the name of entries without a tag */
#define AMMO_MAX_TAGS 64        /* each tag has a latency histogram per worker */
#define AMMO_MAX_TAG_LEN 63     /* what a scoreboard name holds */
#define AMMO_MAX_HEADERS 64     /* uri-style headers in force at once */
#define AMMO_MAX_MS (7 * 86400 * 1000LL) /* an stpd plan lasts a week at most */

struct ammo_entry {
    struct wire wire;       /* the exact bytes sent */
    const char *method;     /* the request line's method (interned): HEAD, and retries */
    uint32_t tag;           /* index into tags: the request it counts as */
    int64_t at_ns;          /* stpd: when it is sent, from T0; 0 otherwise */
};

struct ammo {
    char *data;             /* the whole file */
    size_t size;
    char *arena;            /* uri-style: the serialised requests */
    struct ammo_entry *entries;
    size_t n, cap;
    char **tags;            /* in order of first appearance */
    size_t ntags;
    char **methods;
    size_t nmethods;
    int format;             /* enum ammo_format, as detected when AMMO_AUTO was asked */
};

/* What uri-style requests are built with: the target's Host, and the configured headers
 * ([defaults] header, -H), which the file's headers of the same name replace. */
struct ammo_target {
    const char *host;       /* "host[:port]" */
    char *const *headers;   /* "Name: value" */
    size_t nheaders;
    int close;              /* the connections are not kept: say Connection: close */
};

/* Parses data[0..size) (taking it; freed by ammo_free) as `format`, detecting it from the first
 * non-empty line when AMMO_AUTO. name is the file, for messages. Returns 0, or -1 with one line
 * "NAME:LINE: byte OFFSET: WHAT (HOW TO FIX)" in err and everything freed. */
int ammo_parse(struct ammo *a, const char *name, char *data, size_t size, int format,
               const struct ammo_target *t, char *err, size_t len);
/* Reads the file at path and parses it, as ammo_parse. */
int ammo_load(struct ammo *a, const char *path, int format, const struct ammo_target *t,
              char *err, size_t len);
void ammo_free(struct ammo *a);

/* The entry that request number k of the run takes: entry k mod n. */
static inline const struct ammo_entry *ammo_entry(const struct ammo *a, uint64_t k)
{
    return &a->entries[k % a->n];
}

/* ---- shared by the parsers (ammo.c, ammo_uri.c) ---- */

/* A parse in progress: the ammo being filled, the file's name, the target, the message. */
struct ammo_parse_ctx {
    struct ammo *a;
    const char *name;
    const struct ammo_target *t;
    char *err;
    size_t len;
};
/* Writes "NAME:LINE: byte OFF: " then the message into the parser's err; returns -1. */
int ammo_fail(struct ammo_parse_ctx *x, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A new entry (zeroed) at the end of a->entries; NULL when out of memory. */
struct ammo_entry *ammo_add_entry(struct ammo *a);
/* Checks tag[0..n) and sets *index to its request (a new one when first seen). */
int ammo_tag(struct ammo_parse_ctx *x, size_t off, const char *tag, size_t n, uint32_t *index);
/* The interned copy of method[0..n); NULL when out of memory. */
const char *ammo_method(struct ammo *a, const char *method, size_t n);
int ammo_parse_uri(struct ammo_parse_ctx *x);

#endif
