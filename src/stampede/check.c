/* check: parsing and compiling the expect_* keys of a request (check_run.c tests responses). */
#include "check.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_path.h"
#include "strutil.h"

static const char *const check_keys[] = {
    [CHECK_STATUS] = "expect_status",         [CHECK_HEADER] = "expect_header",
    [CHECK_BODY] = "expect_body",             [CHECK_BODY_REGEX] = "expect_body_regex",
    [CHECK_BODY_JSON] = "expect_body_json",
};

const char *check_key(enum check_kind kind)
{
    return check_keys[kind];
}

static void status_allow(struct check *c, int lo, int hi)
{
    for (int s = lo; s <= hi; s++)
        c->codes[s / 8] |= (uint8_t)(1u << (s % 8));
}

/* "200 204", "2xx, 304": codes and classes, separated by spaces or commas. */
static int parse_status(struct check *c, const char *text, char *err, size_t len)
{
    int any = 0;
    for (const char *p = text + strspn(text, " \t,"); *p; p += strspn(p, " \t,")) {
        size_t n = strcspn(p, " \t,");
        int d = p[0] - '0';
        if (n == 3 && d >= 1 && d <= 9 && (p[1] == 'x' || p[1] == 'X') &&
            (p[2] == 'x' || p[2] == 'X')) {
            status_allow(c, d * 100, d * 100 + 99);
        } else if (n == 3 && d >= 1 && d <= 9 && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
                   p[2] <= '9') {
            int code = d * 100 + (p[1] - '0') * 10 + (p[2] - '0');
            status_allow(c, code, code);
        } else {
            snprintf(err, len, "'%.*s' is not a status (write codes such as 200 204, or "
                               "classes such as 2xx)", (int)(n < 40 ? n : 40), p);
            return -1;
        }
        any = 1;
        p += n;
    }
    if (!any) {
        snprintf(err, len, "needs statuses (for example expect_status = 200 204, or 2xx)");
        return -1;
    }
    return 0;
}

/* "Name: text": the header's name and the text its value must contain (may be empty: then
 * the header must only be there). */
static int parse_header(struct check *c, const char *text, char *err, size_t len)
{
    const char *colon = strchr(text, ':');
    size_t n = colon ? (size_t)(colon - text) : 0;
    int token = n > 0;
    for (size_t i = 0; token && i < n; i++)
        token = str_is_tchar((unsigned char)text[i]);
    if (!colon || !token) {
        snprintf(err, len, "'%.60s' is not 'Name: text' (for example expect_header = "
                           "Content-Type: json)", text);
        return -1;
    }
    const char *v = colon + 1 + strspn(colon + 1, " \t");
    size_t vl = strlen(v);
    while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
        vl--;
    c->name = strndup(text, n);
    c->name_len = n;
    c->needle = strndup(v, vl);
    c->needle_len = vl;
    if (!c->name || !c->needle) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    return 0;
}

static int compile_regex(struct check *c, const char *text, char *err, size_t len)
{
    int code;
    PCRE2_SIZE offset;
    /* bytes, not UTF-8: a body need not be valid UTF-8, and the pattern can say \x{..} */
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, 0, &code, &offset,
                                   NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof(msg));
        snprintf(err, len, "%s at offset %zu of '%.80s' (see pcre2pattern(3))", (char *)msg,
                 (size_t)offset, text);
        return -1;
    }
    /* JIT when the platform has it; the interpreter otherwise */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    c->re = re;
    c->match = pcre2_match_data_create_from_pattern(re, NULL);
    if (!c->match) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    return 0;
}

static int parse_check(struct check *c, const char *text, char *err, size_t len)
{
    switch (c->kind) {
    case CHECK_STATUS:
        return parse_status(c, text, err, len);
    case CHECK_HEADER:
        return parse_header(c, text, err, len);
    case CHECK_BODY:
        if (!*text) {
            snprintf(err, len, "needs a text (for example expect_body = \"ok\")");
            return -1;
        }
        c->needle_len = strlen(text);
        if (!(c->needle = strdup(text))) {
            snprintf(err, len, "out of memory");
            return -1;
        }
        return 0;
    case CHECK_BODY_REGEX:
        return compile_regex(c, text, err, len);
    case CHECK_BODY_JSON:
        return (c->json = json_path_new(text, err, len)) ? 0 : -1;
    }
    return -1;
}

static void check_free(struct check *c)
{
    free(c->text);
    free(c->name);
    free(c->needle);
    pcre2_match_data_free(c->match);
    pcre2_code_free(c->re);
    json_path_free(c->json);
}

int check_set_add(struct check_set **set, const char *key, const char *text, unsigned id,
                  char *err, size_t len)
{
    int kind = -1;
    for (int k = 0; k <= CHECK_BODY_JSON; k++)
        if (strcmp(key, check_keys[k]) == 0)
            kind = k;
    if (kind < 0) {
        snprintf(err, len, "not a check");
        return -1;
    }
    struct check_set *s = *set;
    if (!s && !(s = *set = calloc(1, sizeof(*s)))) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    if (kind == CHECK_HEADER && s->nheaders == CHECK_HEADERS_MAX) {
        snprintf(err, len, "more than %d expect_header lines in one request",
                 CHECK_HEADERS_MAX);
        return -1;
    }
    struct check *v = realloc(s->v, (s->n + 1) * sizeof(*v));
    if (!v) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    s->v = v;
    struct check *c = &v[s->n];
    memset(c, 0, sizeof(*c));
    c->kind = (enum check_kind)kind;
    c->id = id;
    c->bit = s->nheaders;
    s->n++; /* counted first, so that check_set_free frees a half-made one */
    if (!(c->text = strdup(text))) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    if (parse_check(c, text, err, len) != 0)
        return -1;
    s->nheaders += kind == CHECK_HEADER;
    s->need_body |= kind == CHECK_BODY || kind == CHECK_BODY_REGEX || kind == CHECK_BODY_JSON;
    return 0;
}

void check_set_free(struct check_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        check_free(&set->v[i]);
    free(set->v);
    free(set);
}
