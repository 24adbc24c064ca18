/* check_run: testing a complete response against its request's checks (check.c compiles
 * them). Runs in the worker, only for requests that have checks. */
#include "check.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "json_path.h"
#include "scoreboard.h"
#include "units.h"

void check_header_line(const struct check_set *set, const char *name, size_t nlen,
                       const char *value, size_t vlen, uint64_t *held)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct check *c = &set->v[i];
        if (c->kind != CHECK_HEADER || c->name_len != nlen ||
            strncasecmp(c->name, name, nlen) != 0)
            continue;
        if (c->needle_len == 0 || memmem(value, vlen, c->needle, c->needle_len))
            *held |= UINT64_C(1) << c->bit;
    }
}

static int test_regex(const struct check *c, const struct check_response *r, char *why,
                      size_t len)
{
    int rc = pcre2_match(c->re, (PCRE2_SPTR)(r->body ? r->body : ""), r->body_len, 0, 0,
                         c->match, NULL);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH) {
        snprintf(why, len, "no match in the body (%zu bytes)", r->body_len);
    } else { /* a match limit, say: the pattern is at fault, not the server */
        PCRE2_UCHAR msg[120];
        pcre2_get_error_message(rc, msg, sizeof(msg));
        snprintf(why, len, "%s", (char *)msg);
    }
    return 0;
}

/* 1 when check c holds for r, else 0 and what was wrong in why. */
static int test_one(const struct check *c, const struct check_response *r, char *why,
                    size_t len)
{
    if (c->kind == CHECK_STATUS) {
        int s = r->status;
        if (s >= 0 && s < 1000 && (c->codes[s / 8] & (1u << (s % 8))))
            return 1;
        snprintf(why, len, "got %d", s);
        return 0;
    }
    if (c->kind == CHECK_HEADER) {
        if (r->headers_held & (UINT64_C(1) << c->bit))
            return 1;
        snprintf(why, len, c->needle_len ? "no such header contains it" : "no such header");
        return 0;
    }
    /* the body checks: a body cut at the limit would give false answers */
    if (r->body_bytes > r->body_len) {
        char lim[32];
        snprintf(why, len, "body of %" PRIu64 " bytes is over check_body_limit (%s)",
                 r->body_bytes, units_format_bytes((double)r->body_limit, lim, sizeof(lim)));
        return 0;
    }
    switch (c->kind) {
    case CHECK_BODY:
        if (r->body_len && memmem(r->body, r->body_len, c->needle, c->needle_len))
            return 1;
        snprintf(why, len, "not in the body (%zu bytes)", r->body_len);
        return 0;
    case CHECK_BODY_REGEX:
        return test_regex(c, r, why, len);
    case CHECK_BODY_JSON:
        return json_path_test(c->json, r->body ? r->body : "", r->body_len, why, len);
    default:
        return 0;
    }
}

int check_response_test(const struct check_set *set, const struct check_response *r,
                        _Atomic uint64_t *counts, char *why, size_t len)
{
    int failed = 0;
    for (size_t i = 0; i < set->n; i++) {
        const struct check *c = &set->v[i];
        char detail[128];
        int ok = test_one(c, r, detail, sizeof(detail));
        sb_add(&counts[2 * c->id + !ok], 1);
        /* the first failure is the reason; every check is counted all the same */
        if (!ok && !failed++)
            snprintf(why, len, "%s %.40s%s: %s", check_key(c->kind), c->text,
                     strlen(c->text) > 40 ? "..." : "", detail);
    }
    return failed ? -1 : 0;
}
