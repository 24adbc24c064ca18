/* regress: a worker's side of --regress (see regress.h). Responses are kept as they arrive on
 * the wire, header block included, as ApacheBench's page_content is; the header block and the
 * Server header are cut out of the kept bytes when the step ends. */
#include "regress.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client.h"
#include "outfile.h"
#include "worker.h"

#define REGRESS_HEADERS_MIN 16384 /* room for a header block even with a small filesize */

struct regress {
    FILE *f;
    char *path;
    size_t cap;     /* bytes kept per client */
    char *bufs;     /* one buffer of cap bytes per client of the pool */
    size_t *lens;   /* bytes kept of the response in flight, per client */
    int failed;     /* a write failed */
};

int regress_open(struct worker *w)
{
    const struct config *cfg = w->cfg;
    if (!cfg->regress_path || !cfg->nsequences)
        return 0;
    struct regress *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    w->regress = r;
    size_t len = strlen(cfg->regress_path) + 16;
    if (!(r->path = malloc(len)))
        return -1;
    snprintf(r->path, len, "%s.w%u", cfg->regress_path, w->index);
    r->cap = REGRESS_HEADERS_MIN;
    for (size_t i = 0; i < cfg->nsequences; i++)
        if (cfg->sequences[i].filesize > r->cap)
            r->cap = (size_t)cfg->sequences[i].filesize;
    uint64_t n = w->pool_max ? w->pool_max : 1;
    r->bufs = malloc(n * r->cap);
    r->lens = calloc(n, sizeof *r->lens);
    if (!r->bufs || !r->lens)
        return -1;
    int fd = outfile_create(r->path);
    if (fd < 0 || !(r->f = fdopen(fd, "w"))) {
        fprintf(stderr, "stampede: --regress %s: %s\n", r->path, outfile_error(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return 0;
}

void regress_keep(struct client *c, const char *data, size_t n)
{
    struct regress *r = c->w->regress;
    size_t i = (size_t)(c - c->w->clients), have = r->lens[i];
    if (have >= r->cap)
        return;
    if (n > r->cap - have)
        n = r->cap - have;
    memcpy(r->bufs + i * r->cap + have, data, n);
    r->lens[i] = have + n;
}

/* A JSON string of bytes that may not be UTF-8: as they are when they are, else with every
 * byte above 0x7f as '?'. */
static json_t *text_of(const char *p, size_t n)
{
    json_t *s = json_stringn(p, n);
    if (s)
        return s;
    char *copy = malloc(n ? n : 1);
    if (!copy)
        return json_null();
    for (size_t i = 0; i < n; i++)
        copy[i] = (unsigned char)p[i] < 0x80 ? p[i] : '?';
    s = json_stringn(copy, n);
    free(copy);
    return s ? s : json_null();
}

/* The length of the header block in the kept bytes (the blank line included), or n. */
static size_t header_len(const char *p, size_t n)
{
    for (size_t i = 0; i + 3 < n; i++)
        if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n')
            return i + 4;
    return n;
}

/* The value of the Server header in a header block, or NULL. */
static json_t *server_of(const char *p, size_t n)
{
    for (size_t i = 0; i + 8 < n; i++) {
        if ((i == 0 || p[i - 1] != '\n') || strncasecmp(p + i, "server:", 7) != 0)
            continue;
        size_t a = i + 7, b;
        while (a < n && (p[a] == ' ' || p[a] == '\t'))
            a++;
        for (b = a; b < n && p[b] != '\r' && p[b] != '\n'; b++)
            ;
        return text_of(p + a, b - a);
    }
    return json_null();
}

void regress_record(struct client *c, uint64_t rep, int status, enum errkind kind,
                    int64_t latency)
{
    struct worker *w = c->w;
    struct regress *r = w->regress;
    const struct sequence_spec *s = &w->cfg->sequences[c->seq];
    size_t i = (size_t)(c - w->clients), kept = r->lens[i];
    const char *buf = r->bufs + i * r->cap;
    r->lens[i] = 0;
    if (!r->f)
        return;
    int ok = kind == ERR_NONE && ((status >= 100 && status <= 399) || c->status_expected);
    int64_t connect = c->reused || !c->t_connected ? 0 : c->t_connected - c->t_connect_start;
    size_t hl = header_len(buf, kept);
    size_t content = kept < s->filesize ? kept : (size_t)s->filesize;
    json_t *o = json_object();
    json_object_set_new(o, "s", json_integer(c->seq));
    json_object_set_new(o, "r", json_integer((json_int_t)rep));
    json_object_set_new(o, "k", json_integer(c->seq_step));
    json_object_set_new(o, "start", json_integer(c->t_start - w->t0));
    json_object_set_new(o, "end", json_integer(c->t_start + latency - w->t0));
    json_object_set_new(o, "connect", json_integer(connect));
    json_object_set_new(o, "total", json_integer(latency));
    json_object_set_new(o, "status", json_integer(status));
    json_object_set_new(o, "ok", json_boolean(ok));
    json_object_set_new(o, "read", json_integer((json_int_t)c->bytes_in));
    json_object_set_new(o, "doc", json_integer((json_int_t)c->parser.body_bytes));
    json_object_set_new(o, "cut", json_boolean(c->bytes_in > s->filesize));
    json_object_set_new(o, "server", server_of(buf, hl));
    json_object_set_new(o, "headers", text_of(buf, hl));
    if (s->page_content)
        json_object_set_new(o, "content", text_of(buf, content));
    if (json_dumpf(o, r->f, JSON_COMPACT) < 0 || fputc('\n', r->f) == EOF)
        r->failed = 1;
    json_decref(o);
}

int regress_close(struct worker *w)
{
    struct regress *r = w->regress;
    if (!r)
        return 0;
    int rc = r->failed ? -1 : 0;
    if (r->f && fclose(r->f) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "stampede: --regress %s: cannot write it\n", r->path);
    free(r->path);
    free(r->bufs);
    free(r->lens);
    free(r);
    w->regress = NULL;
    return rc;
}
