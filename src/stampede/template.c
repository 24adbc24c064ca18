/* template: compiling ${NAME} texts into pieces, and rendering them per send. */
#include "template.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "rng.h"

enum piece_kind {
    P_TEXT, P_VAR, P_DATA, P_CLIENT, P_WORKER, P_REPETITION, P_ROUND, P_RANDOM, P_UUID
};

struct piece {
    enum piece_kind kind;
    size_t off, len;        /* P_TEXT: bytes of the template's copy of the text */
    size_t var;             /* P_VAR: index into the variables; P_DATA: the feeder */
    size_t column;          /* P_DATA: its column */
    int64_t lo, hi;         /* P_RANDOM */
};

struct template {
    char *text;
    struct piece *v;
    size_t n;
    const char *const *names; /* for the name of an unset variable */
    const struct feeder *feeders;
    size_t nvars;             /* pieces that are not text */
};

size_t template_nvars(const struct template *t)
{
    return t->nvars;
}

int template_has_vars(const char *text, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++)
        if (text[i] == '$' && text[i + 1] == '{')
            return 1;
    return 0;
}

void template_free(struct template *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->v);
    free(t);
}

/* ${random:LO:HI}: 0, or -1 when it is not two whole numbers with LO <= HI. */
static int parse_random(const char *s, size_t n, int64_t *lo, int64_t *hi)
{
    char buf[64], *end;
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *lo = strtoll(buf, &end, 10);
    if (end == buf || *end != ':')
        return -1;
    char *h = end + 1;
    *hi = strtoll(h, &end, 10);
    return end == h || *end || *lo > *hi ? -1 : 0;
}

/* Reads the name between "${" and "}" into p. */
static int resolve(struct piece *p, const char *name, size_t n, const struct tpl_names *names,
                   char *err, size_t errlen)
{
    static const struct { const char *word; enum piece_kind kind; } builtins[] = {
        {"client", P_CLIENT}, {"worker", P_WORKER}, {"repetition", P_REPETITION},
        {"round", P_ROUND}, {"uuid", P_UUID},
    };
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strlen(builtins[i].word) == n && memcmp(builtins[i].word, name, n) == 0) {
            p->kind = builtins[i].kind;
            return 0;
        }
    if (n > 7 && memcmp(name, "random:", 7) == 0) {
        if (parse_random(name + 7, n - 7, &p->lo, &p->hi) == 0) {
            p->kind = P_RANDOM;
            return 0;
        }
        snprintf(err, errlen, "bad ${%.*s} (write ${random:LO:HI} with whole numbers, LO <= HI)",
                 (int)(n < 60 ? n : 60), name);
        return -1;
    }
    for (size_t i = 0; i < names->nvars; i++)
        if (strlen(names->vars[i]) == n && memcmp(names->vars[i], name, n) == 0) {
            p->kind = P_VAR;
            p->var = i;
            return 0;
        }
    const char *dot = memchr(name, '.', n);
    for (size_t i = 0; dot && i < names->nfeeders; i++) {
        const struct feeder *f = &names->feeders[i];
        size_t fl = (size_t)(dot - name), cl = n - fl - 1;
        if (strlen(f->name) != fl || memcmp(f->name, name, fl) != 0)
            continue;
        for (size_t k = 0; k < f->ncolumns; k++)
            if (strlen(f->columns[k]) == cl && memcmp(f->columns[k], dot + 1, cl) == 0) {
                p->kind = P_DATA;
                p->var = i;
                p->column = k;
                return 0;
            }
        snprintf(err, errlen, "unknown variable ${%.*s} ([data %s] has no column '%.*s')",
                 (int)(n < 60 ? n : 60), name, f->name, (int)(cl < 60 ? cl : 60), dot + 1);
        return -1;
    }
    p->kind = P_TEXT; /* the caller may keep it as written */
    snprintf(err, errlen, "unknown variable ${%.*s} (not captured by any request, not a data "
                          "column, not a built-in: client, worker, repetition, round, "
                          "random:LO:HI, uuid)", (int)(n < 60 ? n : 60), name);
    return -1;
}

struct template *template_compile(const char *text, size_t len, const struct tpl_names *names,
                                  int keep_unknown, char *err, size_t errlen)
{
    struct template *t = calloc(1, sizeof *t);
    size_t most = 1;
    for (size_t i = 0; i + 1 < len; i++)
        most += text[i] == '$';
    if (t) {
        t->text = malloc(len + 1);
        t->v = calloc(2 * most + 1, sizeof *t->v);
    }
    if (!t || !t->text || !t->v) {
        snprintf(err, errlen, "out of memory");
        template_free(t);
        return NULL;
    }
    memcpy(t->text, text, len);
    t->text[len] = '\0';
    t->names = names->vars;
    t->feeders = names->feeders;
    size_t lit = 0, i = 0;
    while (i < len) {
        if (!(text[i] == '$' && i + 1 < len && text[i + 1] == '{')) {
            i++;
            continue;
        }
        const char *close = memchr(text + i + 2, '}', len - i - 2);
        if (!close) {
            snprintf(err, errlen, "'${' without its '}' (write ${NAME})");
            template_free(t);
            return NULL;
        }
        struct piece p = {0};
        size_t n = (size_t)(close - text) - i - 2;
        if (resolve(&p, text + i + 2, n, names, err, errlen) != 0) {
            if (!(keep_unknown && p.kind == P_TEXT)) {
                template_free(t);
                return NULL;
            }
            i = (size_t)(close - text) + 1; /* as written, with the text around it */
            continue;
        }
        if (i > lit)
            t->v[t->n++] = (struct piece){.kind = P_TEXT, .off = lit, .len = i - lit};
        t->v[t->n++] = p;
        t->nvars++;
        i = lit = (size_t)(close - text) + 1;
    }
    if (len > lit)
        t->v[t->n++] = (struct piece){.kind = P_TEXT, .off = lit, .len = len - lit};
    return t;
}

void wire_template_free(struct wire_template *w)
{
    if (!w)
        return;
    template_free(w->head);
    template_free(w->body);
    free(w);
}

/* splitmix64's finaliser: a well-mixed number from any input. */
static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

size_t feeder_row(const struct feeder *f, size_t idx, const struct tpl_env *env)
{
    uint64_t n = f->nrows;
    switch (f->mode) {
    case DATA_PER_REPETITION:
        return (size_t)(env->repetition % n);
    case DATA_ROUND_ROBIN:
        return (size_t)((env->round * env->clients + env->client) % n);
    case DATA_RANDOM:
        return (size_t)(mix(mix(mix(env->seed ^ idx) ^ env->client) ^ env->round) % n);
    default:
        return (size_t)(env->client % n);
    }
}

int tpl_buf_grow(struct tpl_buf *out, size_t len)
{
    size_t cap = out->cap ? out->cap : 256;
    while (cap < out->len + len)
        cap *= 2;
    char *b = realloc(out->b, cap);
    if (!b)
        return -1;
    out->b = b;
    out->cap = cap;
    return 0;
}

int var_value_set(struct var_value *v, const char *s, size_t len)
{
    if (len + 1 > v->cap) {
        /* breadth_first holds the values of every repetition: small ones stay small */
        size_t cap = v->cap ? v->cap : 16;
        while (cap < len + 1)
            cap *= 2;
        char *b = realloc(v->s, cap);
        if (!b)
            return -1;
        v->s = b;
        v->cap = cap;
    }
    memcpy(v->s, s, len);
    v->s[len] = '\0';
    v->len = len;
    v->set = 1;
    return 0;
}

/* A version 4 UUID (RFC 9562) from the client's random stream: the same seed, the same ids. */
static int add_uuid(struct tpl_buf *out, struct rng *rng)
{
    uint8_t b[16];
    for (int i = 0; i < 16; i += 4) {
        uint32_t r = rng_next(rng);
        memcpy(b + i, &r, 4);
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    char s[37];
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s[k++] = '-';
        s[k++] = hex[b[i] >> 4];
        s[k++] = hex[b[i] & 15];
    }
    return tpl_buf_add(out, s, 36);
}

int tpl_buf_add_number(struct tpl_buf *out, int64_t v)
{
    char s[24], *p = s + sizeof s; /* by hand: printf is a tenth of a rendering's cost */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return tpl_buf_add(out, p, (size_t)(s + sizeof s - p));
}

static int add_number(struct tpl_buf *out, int64_t v)
{
    return tpl_buf_add_number(out, v);
}

int template_render(const struct template *t, const struct tpl_env *env, struct tpl_buf *out,
                    const char **unset)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct piece *p = &t->v[i];
        int rc = 0;
        switch (p->kind) {
        case P_TEXT:
            rc = tpl_buf_add(out, t->text + p->off, p->len);
            break;
        case P_VAR:
            if (!env->vals[p->var].set) {
                *unset = t->names[p->var];
                return 1;
            }
            rc = tpl_buf_add(out, env->vals[p->var].s, env->vals[p->var].len);
            break;
        case P_DATA: {
            const struct feeder *f = &t->feeders[p->var];
            size_t at = feeder_row(f, p->var, env) * f->ncolumns + p->column;
            rc = tpl_buf_add(out, f->cells[at], f->lens[at]);
            break;
        }
        case P_CLIENT:
            rc = add_number(out, (int64_t)env->client);
            break;
        case P_WORKER:
            rc = add_number(out, (int64_t)env->worker);
            break;
        case P_REPETITION:
            rc = add_number(out, (int64_t)env->repetition);
            break;
        case P_ROUND:
            rc = add_number(out, (int64_t)env->round);
            break;
        case P_RANDOM:
            rc = add_number(out, p->lo + (int64_t)rng_bounded64(env->rng,
                                                                (uint64_t)(p->hi - p->lo) + 1));
            break;
        case P_UUID:
            rc = add_uuid(out, env->rng);
            break;
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}
