/* capture: values taken from a response for later requests (Chaperon's sessions, k6's
 * variables). A request's `capture = NAME KIND ARG` lines:
 *   NAME header Header-Name   the first such header's value
 *   NAME regex PATTERN        the first group of the first match in the body (PCRE2, JIT)
 *   NAME json PATH            the value at a dotted path of a JSON body (a string as it is,
 *                             anything else as compact JSON)
 * They are compiled once, with the configuration. A captured value belongs to the client and
 * lives until a capture overwrites it; a capture that finds nothing fails the request with
 * kind capture_failed (its status stays the server's). */
#ifndef STAMPEDE_CAPTURE_H
#define STAMPEDE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "template.h"

#define CAPTURES_MAX 64 /* per request: bits of a mask */

enum capture_kind { CAPTURE_HEADER, CAPTURE_REGEX, CAPTURE_JSON };

struct capture {
    enum capture_kind kind;
    char *name;             /* the variable */
    size_t var;             /* its index in the run's variables */
    char *arg;              /* the header's name, the pattern or the path */
    size_t arg_len;
    void *re, *match;       /* CAPTURE_REGEX: pcre2_code and pcre2_match_data (8-bit) */
    struct json_path *json; /* CAPTURE_JSON */
};

struct capture_set {
    struct capture *v;
    size_t n;
    int need_body;          /* a regex or json capture reads the body */
    int nheaders;           /* header captures */
};

/* Parses and compiles "NAME KIND ARG" into *set (made when NULL). Returns 0, or -1 with a
 * message in err (the caller prefixes "FILE:LINE: capture: "). */
int capture_set_add(struct capture_set **set, const char *text, char *err, size_t len);
void capture_set_free(struct capture_set *set);

/* A header line of the response: sets the variables of the header captures that name it (the
 * first such line wins) and their bits in *held. */
void capture_header_line(const struct capture_set *set, const char *name, size_t nlen,
                         const char *value, size_t vlen, struct var_value *vals,
                         uint64_t *held);

/* A complete response: runs the body captures on body[0..body_len) (body_bytes in all) and
 * checks that every header capture held. Returns 0, or -1 with the first capture that found
 * nothing in why ("capture token: no 'token' in the body"). */
int capture_response(const struct capture_set *set, uint64_t held, const char *body,
                     size_t body_len, uint64_t body_bytes, struct var_value *vals, char *why,
                     size_t len);

#endif
