/* session: what carries from one response to the next request: the variables captures set
 * and the cookie jar. A client has its own in the plain model; in a sequence each repetition
 * has one, which every client that sends one of its steps uses (seq_dispatch.c). */
#ifndef STAMPEDE_SESSION_H
#define STAMPEDE_SESSION_H

#include "template.h"

struct config;
struct cookie_jar;

struct session {
    struct var_value *vals;  /* the run's variables (config nvars) */
    struct cookie_jar *jar;  /* made at the first cookie kept; NULL: none yet */
    int cookies;             /* Set-Cookie is kept and sent back */
};

/* A new session for cfg's variables (NULL when out of memory). */
struct session *session_new(const struct config *cfg, int cookies);
/* Forgets every value and cookie (a new repetition), keeping the memory. */
void session_reset(struct session *s, const struct config *cfg);
void session_free(struct session *s, const struct config *cfg);

#endif
