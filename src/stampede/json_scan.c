/* json_scan: a recursive descent over a JSON text that only remembers where the value at the
 * path is. A body is checked whole (a body cut short or with trailing bytes is not JSON) but
 * nothing is built or copied: a response's check or capture costs one pass over its bytes. */
#include "json_scan.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct scan {
    const unsigned char *p, *start, *end;
    const struct json_part *parts;
    size_t nparts;
    int depth;
    struct json_found *found;
};

static int fail(struct scan *s, const unsigned char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->found->error, sizeof s->found->error, fmt, ap);
    va_end(ap);
    s->found->error_at = (size_t)(at - s->start);
    return -1;
}

static int unexpected(struct scan *s, const char *what)
{
    if (s->p >= s->end)
        return fail(s, s->p, "%s expected, the body ends", what);
    unsigned char ch = *s->p;
    if (ch >= 0x20 && ch < 0x7f)
        return fail(s, s->p, "%s expected, got '%c'", what, ch);
    return fail(s, s->p, "%s expected, got byte 0x%02x", what, ch);
}

static inline void skip_space(struct scan *s)
{
    const unsigned char *p = s->p;
    if (p < s->end && *p > ' ') /* most tokens follow another without a blank */
        return;
    while (p < s->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    s->p = p;
}

/* The bytes a string holds as they are: printable ASCII and DEL, but '"' and '\\'. A table:
 * this is the loop a scan spends its time in. */
#define ROW(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const unsigned char plain_byte[256] = {
    ROW(0), ROW(0),
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20: '"' at 0x22 */
    ROW(1), ROW(1),
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50: '\\' at 0x5c */
    ROW(1), ROW(1),
    ROW(0), ROW(0), ROW(0), ROW(0), ROW(0), ROW(0), ROW(0), ROW(0),
};
#undef ROW

/* The length of the UTF-8 sequence at p (at most n bytes there), 0 when it is not one:
 * no overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629). */
static size_t utf8_length(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else
        return 0;
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return len;
}

static int hex4(const unsigned char *p, const unsigned char *end, uint32_t *v)
{
    if (end - p < 4)
        return -1;
    *v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return -1;
        *v = *v << 4 | d;
    }
    return 0;
}

static size_t utf8_encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* The escape after a backslash at s->p: its bytes in UTF-8 into out (s->p moves past it). */
static int escape(struct scan *s, unsigned char *out, size_t *n)
{
    const unsigned char *at = s->p - 1;
    if (s->p >= s->end)
        return fail(s, at, "a string ends in its escape");
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e = *s->p ? strchr(from, *s->p) : NULL;
    if (e) {
        out[0] = (unsigned char)to[e - from];
        *n = 1;
        s->p++;
        return 0;
    }
    uint32_t cp, lo;
    if (*s->p != 'u' || hex4(s->p + 1, s->end, &cp) != 0)
        return fail(s, at, "bad escape in a string (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    s->p += 5;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail(s, at, "\\u%04X is half a surrogate pair", (unsigned)cp);
    if (cp >= 0xd800 && cp <= 0xdbff) { /* the pair's second half must follow */
        if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
            hex4(s->p + 2, s->end, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
            return fail(s, at, "\\u%04X without its low surrogate", (unsigned)cp);
        s->p += 6;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    *n = utf8_encode(cp, out);
    return 0;
}

/* The string at s->p (its opening quote). When out is given its decoded bytes go there (out
 * may be the text itself: what is written never passes what is read) and *outlen is their
 * count; when cmp is given, *equal says whether they are cmp's name. */
static int string(struct scan *s, unsigned char *out, size_t *outlen,
                  const struct json_part *cmp, int *equal)
{
    const unsigned char *open = s->p++;
    size_t k = 0;
    int eq = cmp != NULL;
    for (;;) {
        /* the plain run up to a quote, a backslash, a control or a non-ASCII byte */
        const unsigned char *run = s->p;
        while (s->p < s->end && plain_byte[*s->p])
            s->p++;
        size_t rl = (size_t)(s->p - run);
        if (out && rl)
            memmove(out + k, run, rl);
        if (eq && (k + rl > cmp->len || memcmp(cmp->name + k, run, rl) != 0))
            eq = 0;
        k += rl;
        if (s->p >= s->end)
            return fail(s, open, "a string is not closed");
        unsigned char c = *s->p, bytes[4];
        size_t n = 0;
        if (c == '"') {
            s->p++;
            break;
        }
        if (c < 0x20)
            return fail(s, s->p, "control byte 0x%02x in a string (write it as \\u%04x)", c, c);
        if (c == '\\') {
            s->p++;
            if (escape(s, bytes, &n) != 0)
                return -1;
        } else {
            if (!(n = utf8_length(s->p, (size_t)(s->end - s->p))))
                return fail(s, s->p, "a string is not UTF-8");
            memcpy(bytes, s->p, n);
            s->p += n;
        }
        if (out)
            memcpy(out + k, bytes, n);
        if (eq && (k + n > cmp->len || memcmp(cmp->name + k, bytes, n) != 0))
            eq = 0;
        k += n;
    }
    if (outlen)
        *outlen = k;
    if (equal)
        *equal = eq && k == cmp->len;
    return 0;
}

/* The closing quote of the string at s->p when every byte before it is plain, else NULL. */
static inline const unsigned char *plain_string_end(const struct scan *s)
{
    const unsigned char *p = s->p + 1;
    while (p < s->end && plain_byte[*p])
        p++;
    return p < s->end && *p == '"' ? p : NULL;
}

/* A string off the path: only checked. Most are plain ASCII to their quote. */
static inline int string_skip(struct scan *s)
{
    const unsigned char *q = plain_string_end(s);
    if (!q)
        return string(s, NULL, NULL, NULL, NULL);
    s->p = q + 1;
    return 0;
}

/* A member's name: *equal says whether it is part's (part NULL: not looked at). */
static inline int string_name(struct scan *s, const struct json_part *part, int *equal)
{
    const unsigned char *q = plain_string_end(s);
    if (!q)
        return string(s, NULL, NULL, part, equal);
    size_t n = (size_t)(q - s->p - 1);
    *equal = part && n == part->len && memcmp(s->p + 1, part->name, n) == 0;
    s->p = q + 1;
    return 0;
}

static int digits(struct scan *s)
{
    const unsigned char *d = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    return s->p > d ? 0 : unexpected(s, "a digit");
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static inline int number(struct scan *s)
{
    if (*s->p == '-')
        s->p++;
    if (s->p < s->end && *s->p == '0')
        s->p++;
    else if (digits(s) != 0)
        return -1;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (digits(s) != 0)
            return -1;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        if (digits(s) != 0)
            return -1;
    }
    return 0;
}

/* true, false or null; a word that is none of them is named in the error. */
static int word(struct scan *s, enum json_kind *kind)
{
    const unsigned char *w = s->p;
    while (s->p < s->end && ((*s->p >= 'a' && *s->p <= 'z') || (*s->p >= 'A' && *s->p <= 'Z')))
        s->p++;
    size_t n = (size_t)(s->p - w);
    if (n == 4 && memcmp(w, "true", 4) == 0)
        *kind = JSON_KIND_TRUE;
    else if (n == 5 && memcmp(w, "false", 5) == 0)
        *kind = JSON_KIND_FALSE;
    else if (n == 4 && memcmp(w, "null", 4) == 0)
        *kind = JSON_KIND_NULL;
    else if (n == 0)
        return unexpected(s, "a value");
    else
        return fail(s, s->p, "invalid token near '%.*s'", (int)(n < 20 ? n : 20), w);
    return 0;
}

static int value(struct scan *s, size_t level, int on_path);

/* A value off the path: a string or a number is checked here, without the call that a
 * container (or a word, or an error) takes. */
static inline int value_off(struct scan *s, size_t level)
{
    skip_space(s);
    if (s->p < s->end) {
        unsigned char c = *s->p;
        if (c == '"')
            return string_skip(s);
        if (c == '-' || (c >= '0' && c <= '9'))
            return number(s);
    }
    return value(s, level, 0);
}

/* The members of an object (s->p after its '{'); level and on_path are the object's. */
static int members(struct scan *s, size_t level, int on_path)
{
    const struct json_part *part = on_path && level < s->nparts ? &s->parts[level] : NULL;
    skip_space(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return 0;
    }
    for (;;) {
        int eq = 0;
        skip_space(s);
        if (s->p >= s->end || *s->p != '"')
            return unexpected(s, "a member name");
        if (string_name(s, part, &eq) != 0)
            return -1;
        skip_space(s);
        if (s->p >= s->end || *s->p != ':')
            return unexpected(s, "':'");
        s->p++;
        if ((eq ? value(s, level + 1, 1) : value_off(s, level + 1)) != 0)
            return -1;
        skip_space(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            return 0;
        }
        return unexpected(s, "',' or '}'");
    }
}

static int elements(struct scan *s, size_t level, int on_path)
{
    const struct json_part *part = on_path && level < s->nparts ? &s->parts[level] : NULL;
    skip_space(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return 0;
    }
    for (size_t i = 0;; i++) {
        int on = part && part->is_index && part->index == i;
        if ((on ? value(s, level + 1, 1) : value_off(s, level + 1)) != 0)
            return -1;
        skip_space(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return 0;
        }
        return unexpected(s, "',' or ']'");
    }
}

/* The value at s->p, at depth `level` of the path; on_path: the parts before it led here. */
static int value(struct scan *s, size_t level, int on_path)
{
    struct json_found *f = s->found;
    skip_space(s);
    if (s->p >= s->end)
        return unexpected(s, "a value");
    if (on_path) { /* a member named again replaces what its namesake had */
        f->found = 0;
        f->missing = level;
    }
    const unsigned char *start = s->p;
    enum json_kind kind = JSON_KIND_NULL;
    int rc;
    switch (*s->p) {
    case '{':
    case '[':
        if (++s->depth > JSON_SCAN_MAX_DEPTH)
            return fail(s, s->p, "nested deeper than %d", JSON_SCAN_MAX_DEPTH);
        kind = *s->p == '{' ? JSON_KIND_OBJECT : JSON_KIND_ARRAY;
        s->p++;
        rc = kind == JSON_KIND_OBJECT ? members(s, level, on_path) : elements(s, level, on_path);
        s->depth--;
        break;
    case '"':
        kind = JSON_KIND_STRING;
        rc = string_skip(s);
        break;
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        kind = JSON_KIND_NUMBER;
        rc = number(s);
        break;
    default:
        rc = word(s, &kind);
    }
    if (rc == 0 && on_path && level == s->nparts) {
        f->found = 1;
        f->value = (struct json_value){(const char *)start, (size_t)(s->p - start), kind};
    }
    return rc;
}

int json_scan(const char *text, size_t len, const struct json_part *parts, size_t nparts,
              struct json_found *found)
{
    struct scan s = {
        .p = (const unsigned char *)text, .start = (const unsigned char *)text,
        .end = (const unsigned char *)text + len, .parts = parts, .nparts = nparts,
        .found = found,
    };
    memset(found, 0, sizeof *found);
    if (value(&s, 0, 1) != 0)
        return -1;
    skip_space(&s);
    if (s.p < s.end)
        return unexpected(&s, "the end of the body");
    return 0;
}

size_t json_compact(const char *text, size_t len, char *out, size_t cap)
{
    size_t k = 0;
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\' && i + 1 < len) { /* the escaped byte is not a quote that ends it */
                if (k < cap)
                    out[k] = c;
                k++;
                c = text[++i];
            } else if (c == '"')
                in_string = 0;
        } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            continue;
        } else if (c == '"')
            in_string = 1;
        if (k < cap)
            out[k] = c;
        k++;
    }
    return k;
}

size_t json_value_text(char *buf, size_t len, enum json_kind kind)
{
    if (kind != JSON_KIND_STRING)
        return json_compact(buf, len, buf, len);
    struct json_found unused;
    struct scan s = {
        .p = (const unsigned char *)buf, .start = (const unsigned char *)buf,
        .end = (const unsigned char *)buf + len, .found = &unused,
    };
    size_t n = 0;
    if (string(&s, (unsigned char *)buf, &n, NULL, NULL) != 0)
        return 0; /* not a string json_scan accepted */
    return n;
}
