/* check: the response checks of a request, k6's "check" as INI keys: expect_status,
 * expect_header (repeatable), expect_body, expect_body_regex (PCRE2) and expect_body_json.
 * They are parsed and compiled once, with the configuration; a worker then tests every
 * complete response of the request against all of them, counts each check's passes and
 * failures in its scoreboard slot, and a response that fails one is a failed request of kind
 * check_failed (the status stays the server's). */
#ifndef STAMPEDE_CHECK_H
#define STAMPEDE_CHECK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK_HEADERS_MAX 64 /* expect_header lines per request: bits of a mask */

enum check_kind { CHECK_STATUS, CHECK_HEADER, CHECK_BODY, CHECK_BODY_REGEX, CHECK_BODY_JSON };

struct check {
    enum check_kind kind;
    char *text;             /* the value as written, for the summary and reasons */
    unsigned id;            /* its counters in the scoreboard: 0 .. config nchecks - 1 */
    unsigned bit;           /* CHECK_HEADER: its bit in the mask of headers that held */
    uint8_t codes[125];     /* CHECK_STATUS: the statuses 0..999 that pass, one bit each */
    char *name;             /* CHECK_HEADER: the header's name */
    size_t name_len;
    char *needle;           /* CHECK_HEADER, CHECK_BODY: the text to find */
    size_t needle_len;
    void *re, *match;       /* CHECK_BODY_REGEX: pcre2_code and pcre2_match_data (8-bit) */
    struct json_path *json; /* CHECK_BODY_JSON */
};

struct check_set {
    struct check *v;
    size_t n;
    unsigned nheaders;      /* CHECK_HEADER ones */
    int need_body;          /* some check reads the body */
};

/* What a complete response offers the checks. */
struct check_response {
    int status;
    uint64_t headers_held;  /* bits of the expect_header checks a header line satisfied */
    const char *body;       /* the decoded body kept, body_len bytes of body_bytes */
    size_t body_len;
    uint64_t body_bytes;
    uint64_t body_limit;    /* check_body_limit, for the reason of a body that went over */
};

/* The key's name: "expect_status", ... */
const char *check_key(enum check_kind kind);

/* Adds a check of the key named `key` (one of the expect_* keys) with value text and counter
 * id to *set (made when NULL). Returns 0, or -1 with a message in err (the caller prefixes
 * "FILE:LINE: KEY: "). */
int check_set_add(struct check_set **set, const char *key, const char *text, unsigned id,
                  char *err, size_t len);
void check_set_free(struct check_set *set);

/* A header line of the response: sets the bits of the expect_header checks it satisfies. */
void check_header_line(const struct check_set *set, const char *name, size_t nlen,
                       const char *value, size_t vlen, uint64_t *held);

/* Tests every check; counts[2 * id] and counts[2 * id + 1] are check id's passes and
 * failures (the worker's scoreboard row). Returns 0 when all passed, else -1 with the first
 * failure in why ("expect_status 200: got 404"). */
int check_response_test(const struct check_set *set, const struct check_response *r,
                        _Atomic uint64_t *counts, char *why, size_t len);

#endif
