/* json_path: PATH == VALUE on a JSON body, with jansson doing the JSON. */
#include "json_path.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct json_path {
    char **parts;
    size_t nparts;
    int negate;     /* "!=" */
    json_t *want;
};

void json_path_free(struct json_path *jp)
{
    if (!jp)
        return;
    for (size_t i = 0; i < jp->nparts; i++)
        free(jp->parts[i]);
    free(jp->parts);
    json_decref(jp->want);
    free(jp);
}

static int is_index(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Splits path[0..n) at dots into jp->parts; -1 on an empty part. */
static int split_path(struct json_path *jp, const char *path, size_t n)
{
    size_t count = 1;
    for (size_t i = 0; i < n; i++)
        count += path[i] == '.';
    if (!(jp->parts = calloc(count, sizeof(*jp->parts))))
        return -1;
    const char *p = path, *end = path + n;
    while (jp->nparts < count) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        size_t l = dot ? (size_t)(dot - p) : (size_t)(end - p);
        if (l == 0 || !(jp->parts[jp->nparts] = strndup(p, l)))
            return -1;
        jp->nparts++;
        p += l + 1;
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
    json_error_t je;
    jp->want = json_loads(op + 2, JSON_DECODE_ANY, &je);
    if (!jp->want || json_is_object(jp->want) || json_is_array(jp->want)) {
        snprintf(err, len, "'%.60s' is not a JSON scalar (%s; write a number, a string in "
                           "double quotes, true, false or null)",
                 op + 2 + strspn(op + 2, " \t"), jp->want ? "an object or array" : je.text);
        json_path_free(jp);
        return NULL;
    }
    return jp;
}

static int scalars_equal(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    return json_equal((json_t *)a, (json_t *)b);
}

/* The value at the path in doc, or NULL with *missing the part that was not there. */
static json_t *walk(const struct json_path *jp, json_t *doc, size_t *missing)
{
    json_t *v = doc;
    for (size_t i = 0; i < jp->nparts; i++) {
        const char *part = jp->parts[i];
        if (json_is_object(v))
            v = json_object_get(v, part);
        else if (json_is_array(v) && is_index(part))
            v = json_array_get(v, strtoul(part, NULL, 10));
        else
            v = NULL;
        if (!v) {
            *missing = i;
            return NULL;
        }
    }
    return v;
}

/* The body parsed (*doc, for the caller to release) and the value at the path in it; NULL
 * with the reason in why when the body is not JSON or the path is not in it. */
static json_t *find(const struct json_path *jp, const char *body, size_t len, json_t **doc,
                    char *why, size_t wlen)
{
    json_error_t je;
    *doc = json_loadb(body, len, JSON_DECODE_ANY, &je);
    if (!*doc) {
        snprintf(why, wlen, "not JSON: %s at byte %d", je.text, je.position);
        return NULL;
    }
    size_t missing = 0;
    json_t *v = walk(jp, *doc, &missing);
    if (!v)
        snprintf(why, wlen, "no '%.60s' in the body", jp->parts[missing]);
    return v;
}

int json_path_test(const struct json_path *jp, const char *body, size_t len, char *why,
                   size_t wlen)
{
    json_t *doc;
    json_t *v = find(jp, body, len, &doc, why, wlen);
    int ok = 0;
    if (v) {
        ok = scalars_equal(v, jp->want) != jp->negate;
        if (!ok) {
            char *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            snprintf(why, wlen, "got %.60s%s", got ? got : "?",
                     got && strlen(got) > 60 ? "..." : "");
            free(got);
        }
    }
    json_decref(doc);
    return ok;
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

int json_path_extract(const struct json_path *jp, const char *body, size_t len, char **out,
                      size_t *out_len, char *why, size_t wlen)
{
    json_t *doc;
    json_t *v = find(jp, body, len, &doc, why, wlen);
    int ok = 0;
    if (v && json_is_string(v)) {
        *out_len = json_string_length(v);
        ok = (*out = malloc(*out_len + 1)) != NULL;
        if (ok)
            memcpy(*out, json_string_value(v), *out_len + 1);
    } else if (v) {
        ok = (*out = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT)) != NULL;
        if (ok)
            *out_len = strlen(*out);
    }
    if (!ok && v)
        snprintf(why, wlen, "out of memory");
    json_decref(doc);
    return ok;
}
