/* template: the ${NAME} variables of a request's URL, header values and body. A text is
 * compiled once into literal pieces and variable references; a worker renders it per send
 * into a buffer the client keeps. Names are variables (captures, data columns: an index into
 * the run's list of names) or built-ins: ${client}, ${worker}, ${repetition}, ${round},
 * ${random:LO:HI} and ${uuid}. A '$' not followed by '{' is itself. */
#ifndef STAMPEDE_TEMPLATE_H
#define STAMPEDE_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rng;
struct template;
struct feeder;

/* The names a template may use besides the built-ins: variables (captures), then the
 * columns of the [data NAME] sections as NAME.column. */
struct tpl_names {
    const char *const *vars;
    size_t nvars;
    const struct feeder *feeders;
    size_t nfeeders;
};

/* A variable's value as a client holds it. */
struct var_value {
    char *s;
    size_t len, cap;
    int set;
};

/* A growing output buffer, kept for the client's life. */
struct tpl_buf {
    char *b;
    size_t len, cap;
};

/* What a render reads: the client's numbers, its random stream, its variables (indexes as
 * in the names given to template_compile), and for the data files' rows the run's clients
 * and seed. */
struct tpl_env {
    uint64_t client, worker, repetition, round;
    struct rng *rng;
    const struct var_value *vals;
    uint64_t clients, seed;
};

/* The row of feeder f (number idx) that a request of client `client` in round `round` takes:
 * per_client the client's (client mod rows), per_repetition the repetition's (round mod
 * rows), round_robin the rows in turn over every client's rounds ((round * clients + client)
 * mod rows), random a row drawn from (seed, client, round, idx), the same in every run with
 * that seed. */
size_t feeder_row(const struct feeder *f, size_t idx, const struct tpl_env *env);

/* Whether text[0..len) has a "${". */
int template_has_vars(const char *text, size_t len);

/* Compiles text[0..len): NULL with a message in err ("unknown variable ${x} (...)") when a
 * name is neither a built-in nor one of names, unless keep_unknown says to keep
 * such a ${x} as it is written (for a plugin that fills it in). */
struct template *template_compile(const char *text, size_t len, const struct tpl_names *names,
                                  int keep_unknown, char *err, size_t errlen);
/* How many variables t has (0: it renders as written). */
size_t template_nvars(const struct template *t);
void template_free(struct template *t);

/* Appends t rendered with env to out. Returns 0; -1 when out of memory; 1 when a variable is
 * not set yet, with its name in *unset. */
int template_render(const struct template *t, const struct tpl_env *env, struct tpl_buf *out,
                    const char **unset);

/* A templated request as it goes on the wire: its head (request line and headers, without the
 * blank line) and its body, rendered per send; Content-Length is the rendered body's when
 * `length` says to add one. */
struct wire_template {
    struct template *head, *body; /* body NULL: none */
    int length;
};
void wire_template_free(struct wire_template *w);

/* Makes room for len more bytes in out: 0 or -1 (out of memory). */
int tpl_buf_grow(struct tpl_buf *out, size_t len);

/* Appends len bytes to out: 0 or -1 (out of memory). Inline: a request is rendered and
 * joined to its cookies in a dozen short appends, and the buffer has room for them. */
static inline int tpl_buf_add(struct tpl_buf *out, const char *s, size_t len)
{
    if (out->len + len > out->cap && tpl_buf_grow(out, len) != 0)
        return -1;
    if (len)
        memcpy(out->b + out->len, s, len);
    out->len += len;
    return 0;
}

/* Appends v in decimal: 0 or -1. */
int tpl_buf_add_number(struct tpl_buf *out, int64_t v);

/* Sets a variable to s[0..len): 0 or -1. */
int var_value_set(struct var_value *v, const char *s, size_t len);

#endif
