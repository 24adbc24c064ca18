/* Fuzz target for json_scan and json_path: a response body is what a server writes. Input: a
 * path on the first line (a bad one is replaced by "a.0.b"), then the body. The scanner is
 * held to jansson, a parser that builds the whole document: the body is JSON for both or for
 * neither, and the value at the path, or the first part missing, is the same. Where jansson
 * is stricter than RFC 8259 (integers beyond long long, numbers beyond a double, NUL in a
 * name) or laxer (a NUL byte ends its text), or nesting reaches either's limit, only the
 * scanner's own promises are checked. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json_path.h"

/* The value at the path in jansson's document, the way json_path's old walk found it. */
static json_t *walk(json_t *doc, const struct json_part *parts, size_t n, size_t *missing)
{
    json_t *v = doc;
    for (size_t i = 0; i < n; i++) {
        char name[256];
        if (parts[i].len >= sizeof name)
            abort(); /* the input's first line is shorter */
        memcpy(name, parts[i].name, parts[i].len);
        name[parts[i].len] = '\0';
        if (json_is_object(v))
            v = json_object_get(v, name);
        else if (json_is_array(v) && parts[i].is_index)
            v = parts[i].index < json_array_size(v) ? json_array_get(v, parts[i].index) : NULL;
        else
            v = NULL;
        if (!v) {
            *missing = i;
            return NULL;
        }
    }
    return v;
}

/* Whether the scanner's value is jansson's: strings decoded, numbers by value, containers
 * through their compact text read back. */
static int same_value(const struct json_value *mine, json_t *theirs)
{
    char *buf = malloc(mine->len + 1);
    if (!buf)
        return 1;
    memcpy(buf, mine->text, mine->len);
    size_t n = json_value_text(buf, mine->len, mine->kind);
    buf[n] = '\0';
    int same = 0;
    switch (mine->kind) {
    case JSON_KIND_STRING:
        same = json_is_string(theirs) && json_string_length(theirs) == n &&
               memcmp(json_string_value(theirs), buf, n) == 0;
        break;
    case JSON_KIND_NUMBER:
        same = json_is_number(theirs) && strtod(buf, NULL) == json_number_value(theirs);
        break;
    case JSON_KIND_TRUE:
        same = json_is_true(theirs);
        break;
    case JSON_KIND_FALSE:
        same = json_is_false(theirs);
        break;
    case JSON_KIND_NULL:
        same = json_is_null(theirs);
        break;
    default: {
        json_error_t e;
        json_t *back = json_loadb(buf, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
        same = back && json_equal(back, theirs);
        json_decref(back);
    }
    }
    free(buf);
    return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const char *nl = memchr(in, '\n', size);
    char path[256] = "a.0.b", err[300];
    size_t pl = nl ? (size_t)(nl - in) : 0;
    if (nl && pl < sizeof path && !memchr(in, '\0', pl)) {
        memcpy(path, in, pl);
        path[pl] = '\0';
    }
    struct json_path *jp = json_path_parse(path, err, sizeof err);
    if (!jp) {
        strcpy(path, "a.0.b");
        if (!(jp = json_path_parse(path, err, sizeof err)))
            abort();
    }
    const char *body = nl ? nl + 1 : in;
    size_t len = size - (size_t)(body - in);

    struct json_value v;
    char why[200] = "";
    int found = json_path_find(jp, body, len, &v, why, sizeof why);
    if (found && (v.text < body || v.text + v.len > body + len || v.len == 0))
        abort();
    if (!found && !why[0])
        abort();

    /* the same scan through json_scan, with the path's parts, against jansson */
    struct json_part parts[8];
    size_t nparts = 0;
    struct json_found f;
    for (const char *p = path, *dot; nparts < 8 && p; p = dot ? dot + 1 : NULL) {
        dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        struct json_part *part = &parts[nparts++];
        *part = (struct json_part){p, l, 0, strspn(p, "0123456789") >= l};
        for (size_t i = 0; part->is_index && i < l; i++) {
            size_t d = (size_t)(p[i] - '0');
            part->index = part->index > (SIZE_MAX - d) / 10 ? SIZE_MAX : part->index * 10 + d;
        }
    }
    int rc = json_scan(body, len, parts, nparts, &f);
    if ((rc == 0) != (f.error[0] == '\0'))
        abort();
    json_error_t je;
    json_t *doc = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    int jansson_stricter = !doc && (strstr(je.text, "too big") || strstr(je.text, "overflow") ||
                                    strstr(je.text, "NUL byte"));
    /* jansson ends the text at a NUL byte; RFC 8259 has no such end */
    int jansson_laxer = doc && rc != 0 && f.error_at < len && body[f.error_at] == '\0';
    int too_deep = strstr(je.text, "depth") || strstr(f.error, "nested");
    if (!too_deep && !jansson_stricter && !jansson_laxer && (doc != NULL) != (rc == 0))
        abort();
    if (doc && rc == 0) {
        size_t missing = 0;
        json_t *want = walk(doc, parts, nparts, &missing);
        if ((want != NULL) != (f.found != 0))
            abort();
        if (want && !same_value(&f.value, want))
            abort();
        if (!want && f.missing != missing)
            abort();
    }
    if (rc == 0 && f.found) { /* a bounded compact copy counts what it leaves out */
        char small[8];
        size_t all = json_compact(f.value.text, f.value.len, NULL, 0);
        if (json_compact(f.value.text, f.value.len, small, sizeof small) != all || all == 0 ||
            all > f.value.len)
            abort();
    }
    json_decref(doc);
    json_path_free(jp);
    return 0;
}
