/* capture: parsing, compiling and running a request's capture lines. */
#include "capture.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_path.h"
#include "strutil.h"

static int is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-' || ch == '.';
}

static int compile_regex(struct capture *c, char *err, size_t len)
{
    int code;
    PCRE2_SIZE offset;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)c->arg, PCRE2_ZERO_TERMINATED, 0, &code, &offset,
                                   NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof(msg));
        snprintf(err, len, "%s at offset %zu of '%.80s' (see pcre2pattern(3))", (char *)msg,
                 (size_t)offset, c->arg);
        return -1;
    }
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    c->re = re;
    uint32_t groups = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (groups < 1) {
        snprintf(err, len, "'%.80s' has no group (put what to capture in parentheses: "
                           "token=(\\w+))", c->arg);
        return -1;
    }
    if (!(c->match = pcre2_match_data_create_from_pattern(re, NULL))) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    return 0;
}

static void capture_clear(struct capture *c)
{
    free(c->name);
    free(c->arg);
    pcre2_match_data_free(c->match);
    pcre2_code_free(c->re);
    json_path_free(c->json);
}

/* Splits "NAME KIND ARG" and compiles it into c. */
static int parse_capture(struct capture *c, const char *text, char *err, size_t len)
{
    const char *p = text + strspn(text, " \t");
    size_t n = 0;
    while (is_name_char(p[n]))
        n++;
    if (n == 0 || (p[n] != ' ' && p[n] != '\t')) {
        snprintf(err, len, "'%.80s' is not NAME KIND ARG (for example: token json data.token; "
                           "a name is letters, digits, _ - .)", text);
        return -1;
    }
    c->name = strndup(p, n);
    p += n + strspn(p + n, " \t");
    size_t kn = strcspn(p, " \t");
    static const char *const kinds[] = {"header", "regex", "json"};
    int kind = -1;
    for (int i = 0; i < 3; i++)
        if (strlen(kinds[i]) == kn && strncmp(p, kinds[i], kn) == 0)
            kind = i;
    if (kind < 0) {
        snprintf(err, len, "unknown kind '%.*s' (use header, regex or json)", (int)(kn < 40 ? kn : 40),
                 p);
        return -1;
    }
    c->kind = (enum capture_kind)kind;
    p += kn + strspn(p + kn, " \t");
    size_t al = strlen(p);
    while (al > 0 && (p[al - 1] == ' ' || p[al - 1] == '\t'))
        al--;
    if (al == 0) {
        snprintf(err, len, "%s capture %s needs its %s", kinds[kind], c->name,
                 kind == 0 ? "header name" : kind == 1 ? "pattern" : "path");
        return -1;
    }
    c->arg = strndup(p, al);
    c->arg_len = al;
    if (!c->name || !c->arg) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    if (c->kind == CAPTURE_REGEX)
        return compile_regex(c, err, len);
    if (c->kind == CAPTURE_JSON)
        return (c->json = json_path_parse(c->arg, err, len)) ? 0 : -1;
    for (size_t i = 0; i < al; i++)
        if (!str_is_tchar((unsigned char)c->arg[i])) {
            snprintf(err, len, "'%.60s' is not a header name (letters, digits and -)", c->arg);
            return -1;
        }
    return 0;
}

int capture_set_add(struct capture_set **set, const char *text, char *err, size_t len)
{
    if (!*set && !(*set = calloc(1, sizeof **set))) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    struct capture_set *s = *set;
    if (s->n == CAPTURES_MAX) {
        snprintf(err, len, "more than %d captures in one request", CAPTURES_MAX);
        return -1;
    }
    struct capture *v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    s->v = v;
    struct capture *c = &s->v[s->n];
    memset(c, 0, sizeof *c);
    if (parse_capture(c, text, err, len) != 0) {
        capture_clear(c);
        return -1;
    }
    s->n++;
    s->need_body |= c->kind != CAPTURE_HEADER;
    s->nheaders += c->kind == CAPTURE_HEADER;
    return 0;
}

void capture_set_free(struct capture_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        capture_clear(&set->v[i]);
    free(set->v);
    free(set);
}

void capture_header_line(const struct capture_set *set, const char *name, size_t nlen,
                         const char *value, size_t vlen, struct var_value *vals,
                         uint64_t *held)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct capture *c = &set->v[i];
        uint64_t bit = UINT64_C(1) << i;
        if (c->kind != CAPTURE_HEADER || c->arg_len != nlen || (*held & bit) ||
            strncasecmp(c->arg, name, nlen) != 0)
            continue;
        if (var_value_set(&vals[c->var], value, vlen) == 0)
            *held |= bit;
    }
}

/* The first group of the first match: 1 and the value set, or 0 with why. */
static int run_regex(const struct capture *c, const char *body, size_t len,
                     struct var_value *v, char *why, size_t wlen)
{
    int rc = pcre2_match(c->re, (PCRE2_SPTR)(body ? body : ""), len, 0, 0, c->match, NULL);
    if (rc < 0) {
        if (rc == PCRE2_ERROR_NOMATCH) {
            snprintf(why, wlen, "no match in the body (%zu bytes)", len);
        } else {
            PCRE2_UCHAR msg[120];
            pcre2_get_error_message(rc, msg, sizeof(msg));
            snprintf(why, wlen, "%s", (char *)msg);
        }
        return 0;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->match);
    if (rc < 2 || ov[2] == PCRE2_UNSET) {
        snprintf(why, wlen, "its group took no part in the match");
        return 0;
    }
    if (var_value_set(v, body + ov[2], ov[3] - ov[2]) != 0) {
        snprintf(why, wlen, "out of memory");
        return 0;
    }
    return 1;
}

/* The value at the path, taken into v's buffer and made plain text there: no other copy. */
static int run_json(const struct capture *c, const char *body, size_t len, struct var_value *v,
                    char *why, size_t wlen)
{
    struct json_value jv;
    if (!json_path_find(c->json, body ? body : "", len, &jv, why, wlen))
        return 0;
    if (var_value_set(v, jv.text, jv.len) != 0) {
        snprintf(why, wlen, "out of memory");
        return 0;
    }
    v->len = json_value_text(v->s, v->len, jv.kind);
    v->s[v->len] = '\0';
    return 1;
}

int capture_response(const struct capture_set *set, uint64_t held, const char *body,
                     size_t body_len, uint64_t body_bytes, struct var_value *vals, char *why,
                     size_t len)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct capture *c = &set->v[i];
        char detail[128];
        int ok;
        if (c->kind == CAPTURE_HEADER) {
            ok = (held >> i) & 1;
            snprintf(detail, sizeof detail, "no %.60s header", c->arg);
        } else if (body_bytes > body_len) {
            ok = 0;
            snprintf(detail, sizeof detail, "body of %" PRIu64 " bytes is over "
                                            "check_body_limit", body_bytes);
        } else if (c->kind == CAPTURE_REGEX) {
            ok = run_regex(c, body, body_len, &vals[c->var], detail, sizeof detail);
        } else {
            ok = run_json(c, body, body_len, &vals[c->var], detail, sizeof detail);
        }
        if (!ok) {
            snprintf(why, len, "capture %.40s: %s", c->name, detail);
            return -1;
        }
    }
    return 0;
}
