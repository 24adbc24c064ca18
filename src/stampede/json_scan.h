/* json_scan: one pass over a JSON text (RFC 8259) that checks all of it and notes where the
 * value at a path is, without building a document: no allocation, nothing decoded but the
 * member names on the path. What json_path tests and captures with. */
#ifndef STAMPEDE_JSON_SCAN_H
#define STAMPEDE_JSON_SCAN_H

#include <stddef.h>

#define JSON_SCAN_MAX_DEPTH 2048 /* nesting, as jansson's limit */

/* A part of a path: the name of an object's member, and, when the name is a whole number,
 * the index of an array's element too (SIZE_MAX when it is too large to be one). */
struct json_part {
    const char *name;
    size_t len;
    size_t index;
    int is_index;
};

enum json_kind {
    JSON_KIND_OBJECT, JSON_KIND_ARRAY, JSON_KIND_STRING, JSON_KIND_NUMBER,
    JSON_KIND_TRUE, JSON_KIND_FALSE, JSON_KIND_NULL
};

/* A value as the text has it. */
struct json_value {
    const char *text;
    size_t len;
    enum json_kind kind;
};

/* What a scan found. */
struct json_found {
    int found;              /* the value at the path is in *value */
    struct json_value value;
    size_t missing;         /* when not: the first part that is not there */
    char error[96];         /* when text is not JSON: what is wrong ("" when it is) */
    size_t error_at;        /* ... and at which byte */
};

/* Scans text[0..len) for the value at parts[0..nparts) (nparts 0: the whole text). Returns 0
 * when text is JSON (then found->found says whether the path is in it; a member named twice
 * counts as its last, as a parser that keeps one would), -1 when it is not (found->error). */
int json_scan(const char *text, size_t len, const struct json_part *parts, size_t nparts,
              struct json_found *found);

/* Rewrites v's text, copied to buf[0..len), in place as a value's plain text: a string
 * decoded (no quotes, escapes resolved to UTF-8), anything else as compact JSON (no white
 * space between tokens). Returns the new length (at most len). */
size_t json_value_text(char *buf, size_t len, enum json_kind kind);

/* Writes v's text without white space between tokens into out (at most cap bytes, not
 * terminated); returns the whole compact length, which may be more than cap. */
size_t json_compact(const char *text, size_t len, char *out, size_t cap);

#endif
