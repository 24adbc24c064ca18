/* json_path: PATH == VALUE on a JSON body, and the value at a PATH for a capture, each in one
 * pass of json_scan over the body (no document is built: a check or a capture is a scan). */
#include "json_path.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_scan.h"

struct json_path {
    struct json_part *parts;
    size_t nparts;
    char *names;                /* the parts' names, each NUL-terminated */
    int negate;                 /* "!=" */
    enum json_kind want_kind;
    double want_number;
    char *want_string;          /* decoded */
    size_t want_len;
};

void json_path_free(struct json_path *jp)
{
    if (!jp)
        return;
    free(jp->parts);
    free(jp->names);
    free(jp->want_string);
    free(jp);
}

/* A part's index: its digits' value (SIZE_MAX when too large), when they are all digits. */
static void part_index(struct json_part *p)
{
    p->is_index = p->len > 0;
    p->index = 0;
    for (size_t i = 0; i < p->len; i++) {
        unsigned d = (unsigned)(p->name[i] - '0');
        if (d > 9) {
            p->is_index = 0;
            return;
        }
        p->index = p->index > (SIZE_MAX - d) / 10 ? SIZE_MAX : p->index * 10 + d;
    }
}

/* Splits path[0..n) at dots into jp->parts; -1 on an empty part. */
static int split_path(struct json_path *jp, const char *path, size_t n)
{
    size_t count = 1;
    for (size_t i = 0; i < n; i++)
        count += path[i] == '.';
    if (!(jp->parts = calloc(count, sizeof(*jp->parts))) || !(jp->names = malloc(n + 1)))
        return -1;
    memcpy(jp->names, path, n);
    jp->names[n] = '\0';
    char *p = jp->names, *end = jp->names + n;
    while (jp->nparts < count) {
        char *dot = memchr(p, '.', (size_t)(end - p));
        size_t l = dot ? (size_t)(dot - p) : (size_t)(end - p);
        if (l == 0)
            return -1;
        p[l] = '\0';
        struct json_part *part = &jp->parts[jp->nparts++];
        part->name = p;
        part->len = l;
        part_index(part);
        p += l + 1;
    }
    return 0;
}

/* A number's value; text[0..len) is a number json_scan accepted, perhaps at the end of the body
 * (strtod wants a terminated copy). */
static double number_value(const char *text, size_t len)
{
    /* a whole number of up to 15 digits is exact in a double: no strtod (most of a check) */
    size_t neg = len > 0 && text[0] == '-', i = neg;
    uint64_t u = 0;
    while (i < len && i - neg < 15 && text[i] >= '0' && text[i] <= '9')
        u = u * 10 + (uint64_t)(text[i++] - '0');
    if (i == len && len > neg)
        return neg ? -(double)u : (double)u;
    char small[64], *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf)
        return NAN; /* equal to nothing */
    memcpy(buf, text, len);
    buf[len] = '\0';
    double d = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    return d;
}

/* VALUE of PATH == VALUE: a JSON scalar, kept decoded. */
static int parse_want(struct json_path *jp, const char *text, char *err, size_t len)
{
    struct json_found f;
    size_t n = strlen(text);
    const char *shown = text + strspn(text, " \t");
    if (json_scan(text, n, NULL, 0, &f) != 0 || f.value.kind == JSON_KIND_OBJECT ||
        f.value.kind == JSON_KIND_ARRAY) {
        snprintf(err, len, "'%.60s' is not a JSON scalar (%s; write a number, a string in "
                           "double quotes, true, false or null)",
                 shown, f.error[0] ? f.error : "an object or array");
        return -1;
    }
    jp->want_kind = f.value.kind;
    if (f.value.kind == JSON_KIND_NUMBER &&
        !isfinite(jp->want_number = number_value(f.value.text, f.value.len))) {
        snprintf(err, len, "'%.60s' is out of the range of a double", shown);
        return -1;
    }
    if (f.value.kind == JSON_KIND_STRING) {
        if (!(jp->want_string = malloc(f.value.len + 1))) {
            snprintf(err, len, "out of memory");
            return -1;
        }
        memcpy(jp->want_string, f.value.text, f.value.len);
        jp->want_len = json_value_text(jp->want_string, f.value.len, JSON_KIND_STRING);
    }
    return 0;
}

struct json_path *json_path_new(const char *text, char *err, size_t len)
{
    const char *eq = strstr(text, "==");
    const char *ne = strstr(text, "!=");
    const char *op = eq && (!ne || eq < ne) ? eq : ne;
    if (!op) {
        snprintf(err, len, "'%.80s' is not PATH == VALUE (for example data.items.0.id == 42)",
                 text);
        return NULL;
    }
    struct json_path *jp = calloc(1, sizeof(*jp));
    if (!jp) {
        snprintf(err, len, "out of memory");
        return NULL;
    }
    jp->negate = op == ne;
    size_t n = (size_t)(op - text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    while (n > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        n--;
    }
    if (n == 0 || split_path(jp, text, n) != 0) {
        snprintf(err, len, "bad path '%.*s' (write names and indexes between dots: "
                           "data.items.0.id)", (int)(n < 80 ? n : 80), text);
        json_path_free(jp);
        return NULL;
    }
    if (parse_want(jp, op + 2, err, len) != 0) {
        json_path_free(jp);
        return NULL;
    }
    return jp;
}

struct json_path *json_path_parse(const char *path, char *err, size_t len)
{
    struct json_path *jp = calloc(1, sizeof(*jp));
    size_t n = strlen(path);
    if (!jp || n == 0 || split_path(jp, path, n) != 0) {
        snprintf(err, len, "bad path '%.80s' (write names and indexes between dots: "
                           "data.items.0.id)", path);
        json_path_free(jp);
        return NULL;
    }
    return jp;
}

int json_path_find(const struct json_path *jp, const char *body, size_t len,
                   struct json_value *v, char *why, size_t wlen)
{
    struct json_found f;
    if (json_scan(body, len, jp->parts, jp->nparts, &f) != 0) {
        snprintf(why, wlen, "not JSON: %s at byte %zu", f.error, f.error_at);
        return 0;
    }
    if (!f.found) {
        snprintf(why, wlen, "no '%.60s' in the body", jp->parts[f.missing].name);
        return 0;
    }
    *v = f.value;
    return 1;
}

/* Whether v is the wanted scalar: numbers by value, strings decoded, the rest by kind. */
static int is_wanted(const struct json_path *jp, const struct json_value *v)
{
    if (v->kind != jp->want_kind)
        return 0;
    if (v->kind == JSON_KIND_NUMBER)
        return number_value(v->text, v->len) == jp->want_number;
    if (v->kind != JSON_KIND_STRING)
        return 1;
    /* a string decodes to at most its length: one that short may be the wanted one */
    if (v->len - 2 < jp->want_len)
        return 0;
    char small[256], *buf = v->len <= sizeof small ? small : malloc(v->len);
    if (!buf)
        return 0;
    memcpy(buf, v->text, v->len);
    size_t n = json_value_text(buf, v->len, JSON_KIND_STRING);
    int same = n == jp->want_len && memcmp(buf, jp->want_string, n) == 0;
    if (buf != small)
        free(buf);
    return same;
}

int json_path_test(const struct json_path *jp, const char *body, size_t len, char *why,
                   size_t wlen)
{
    struct json_value v;
    if (!json_path_find(jp, body, len, &v, why, wlen))
        return 0;
    if (is_wanted(jp, &v) != jp->negate)
        return 1;
    char got[61];
    size_t n = json_compact(v.text, v.len, got, sizeof got - 1);
    snprintf(why, wlen, "got %.*s%s", (int)(n < 60 ? n : 60), got, n > 60 ? "..." : "");
    return 0;
}
