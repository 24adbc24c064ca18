/* json_path: the test of expect_body_json, "PATH == VALUE" (or !=) on a JSON body, and the
 * value at a PATH for capture = NAME json PATH. PATH is dotted: each part names a member of an
 * object, or, when it is a whole number, an element of an array ("data.items.0.id"). VALUE is
 * a JSON scalar: a number, a string in double quotes, true, false or null. Numbers compare by
 * value (42 equals 42.0), strings by what they decode to. A body is read in one pass, without
 * building a document (json_scan.h). */
#ifndef STAMPEDE_JSON_PATH_H
#define STAMPEDE_JSON_PATH_H

#include <stddef.h>

#include "json_scan.h"

struct json_path;

/* Parses text; NULL with a message in err (for "FILE:LINE: expect_body_json: ...") when it is
 * not PATH == VALUE. */
struct json_path *json_path_new(const char *text, char *err, size_t len);
void json_path_free(struct json_path *jp);

/* Tests a body of len bytes: 1 when it holds; 0 when not, with why ("got 41", "no 'x' in
 * the body", "not JSON: ...") in why. */
int json_path_test(const struct json_path *jp, const char *body, size_t len, char *why,
                   size_t wlen);

/* A bare PATH, for capture = NAME json PATH: NULL with a message in err when it is bad. */
struct json_path *json_path_parse(const char *path, char *err, size_t len);

/* The value at jp's path in a JSON body, as the body has it (json_value_text makes it a
 * capture's text: a string decoded, anything else compact JSON). 1 when found; 0 with why
 * when not. */
int json_path_find(const struct json_path *jp, const char *body, size_t len,
                   struct json_value *v, char *why, size_t wlen);

#endif
