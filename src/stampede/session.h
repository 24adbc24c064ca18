/* session: what carries from one response to the next request: the variables captures set
 * and the cookie jar. A client has its own in the plain model; in a sequence each repetition
 * has one, which every client that sends one of its steps uses (seq_dispatch.c). */
#ifndef STAMPEDE_SESSION_H
#define STAMPEDE_SESSION_H

#include "cookie_jar.h"
#include "template.h"

struct config;

struct session {
    struct var_value *vals;  /* the run's variables (config nvars) */
    struct cookie_jar jar;   /* empty until a cookie is kept */
    int cookies;             /* Set-Cookie is kept and sent back */
};

/* n new sessions for cfg's variables, in one block with their variables (a breadth_first
 * sequence holds one per repetition at once: no allocation per repetition); NULL when out of
 * memory. */
struct session *session_new(const struct config *cfg, size_t n, int cookies);
/* Forgets every value and cookie (a new repetition), keeping the memory. */
void session_reset(struct session *s, const struct config *cfg);
/* Frees a block of n from session_new. */
void session_free(struct session *s, size_t n, const struct config *cfg);

#endif
