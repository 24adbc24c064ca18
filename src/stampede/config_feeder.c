/* config_feeder: the [data NAME] sections. Each names a CSV file that is read whole before the
 * run: a header row naming the columns, then rows of as many fields (RFC 4180's quoting: a
 * field in double quotes may hold commas and "" for a quote; a record is one line). Its
 * columns are the variables ${NAME.column}; which row a request takes is the mode's (see
 * feeder_row in template.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include <sys/stat.h>
#include "regfile.h"

/* Splits line (no line end) into fields, unquoted in place; -1 with why on a bad quote. */
static long split_fields(char *line, char **out, size_t cap, const char **why)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *start = p, *w = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0') {
                    *why = "a quoted field has no closing quote (a record is one line)";
                    return -1;
                }
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            if (*p != ',' && *p != '\0') {
                *why = "text after a quoted field (quote the whole field)";
                return -1;
            }
        } else {
            while (*p != ',' && *p != '\0')
                *w++ = *p++;
        }
        char end = *p;
        *w = '\0';
        if (n < cap)
            out[n] = start;
        n++;
        if (end == '\0')
            break;
        p++;
    }
    return (long)n;
}

static int add_row(struct feeder *f, char **fields, const char *where)
{
    size_t k = f->ncolumns, at = f->nrows * k;
    char **cells = realloc(f->cells, (at + k) * sizeof *cells);
    if (cells)
        f->cells = cells;
    size_t *lens = cells ? realloc(f->lens, (at + k) * sizeof *lens) : NULL;
    if (lens)
        f->lens = lens;
    if (!cells || !lens) {
        config_oom(where);
        return -1;
    }
    for (size_t i = 0; i < k; i++) {
        f->lens[at + i] = strlen(fields[i]);
        if (!(f->cells[at + i] = strdup(fields[i]))) {
            config_oom(where);
            return -1;
        }
        f->nrows += i + 1 == k; /* counted once whole, so that a free frees what was made */
    }
    return 0;
}

static int read_csv(struct feeder *f, const char *path, const char *key_where)
{
    struct stat st;
    const char *why = NULL;
    char where[4200];
    FILE *in = regfile_open(path, &st, &why);
    if (!in) {
        config_errorf(key_where, "file: cannot read %.200s: %s", path, why);
        return -1;
    }
    char *line = NULL, **fields = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int rc = 0;
    while (rc == 0 && (got = getline(&line, &cap, in)) >= 0) {
        lineno++;
        snprintf(where, sizeof where, "%s:%zu", path, lineno);
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        if (got == 0)
            continue; /* blank lines are no rows */
        size_t most = 1;
        for (char *p = line; *p; p++)
            most += *p == ',';
        char **v = realloc(fields, most * sizeof *v);
        if (!v) {
            config_oom(where);
            rc = -1;
            break;
        }
        fields = v;
        long n = split_fields(line, fields, most, &why);
        if (n < 0) {
            config_errorf(where, "%s", why);
            rc = -1;
        } else if (!f->columns) { /* the header row */
            f->ncolumns = (size_t)n;
            if (!(f->columns = calloc((size_t)n, sizeof *f->columns))) {
                config_oom(where);
                rc = -1;
            }
            for (long i = 0; rc == 0 && i < n; i++) {
                for (long j = 0; j < i; j++)
                    if (strcmp(fields[i], fields[j]) == 0) {
                        config_errorf(where, "column '%.60s' is named twice in the header row",
                                      fields[i]);
                        rc = -1;
                    }
                if (rc == 0 && (!*fields[i] || strchr(fields[i], '}'))) {
                    config_errorf(where, "column %ld of the header row has %s (name every "
                                         "column)", i + 1, *fields[i] ? "a '}'" : "no name");
                    rc = -1;
                }
                if (rc == 0 && !(f->columns[i] = strdup(fields[i]))) {
                    config_oom(where);
                    rc = -1;
                }
            }
        } else if ((size_t)n != f->ncolumns) {
            config_errorf(where, "a row of %ld field%s, but the header row names %zu column%s "
                                 "(give every row one field per column)", n, n == 1 ? "" : "s",
                          f->ncolumns, f->ncolumns == 1 ? "" : "s");
            rc = -1;
        } else {
            rc = add_row(f, fields, where);
        }
    }
    if (rc == 0 && ferror(in)) {
        config_errorf(path, "cannot read it: %s", strerror(errno ? errno : EIO));
        rc = -1;
    }
    if (rc == 0 && f->nrows == 0) {
        config_errorf(path, "no rows after the header row (a data file needs at least one)");
        rc = -1;
    }
    free(line);
    free(fields);
    fclose(in);
    return rc;
}

static int build_feeder(struct load *L, size_t i, struct feeder *f)
{
    const char *file_where = NULL;
    char *file = NULL, where[4200];
    snprintf(where, sizeof where, "%s:%d", L->path, L->datas[i].line);
    if (!(f->name = strdup(L->datas[i].name))) {
        config_oom(where);
        return -1;
    }
    for (size_t e = 0; e < L->nents; e++) {
        const struct entry *en = &L->ents[e];
        if (en->sec != SEC_DATA || en->idx != i)
            continue;
        union config_value v;
        if (config_value_parse(L, en, &v) != 0) {
            free(file);
            return -1;
        }
        if (strcmp(en->key, "file") == 0) {
            free(file);
            file = v.s;
            file_where = en->where;
        } else {
            f->mode = v.i;
        }
    }
    if (!file) {
        config_errorf(where, "[data %.60s] has no file (add file = users.csv)", f->name);
        return -1;
    }
    int rc = read_csv(f, file, file_where);
    free(file);
    return rc;
}

int config_build_feeders(struct load *L)
{
    struct config *c = L->c;
    if (L->ndatas == 0)
        return 0;
    if (!(c->feeders = calloc(L->ndatas, sizeof *c->feeders))) {
        config_oom(L->path);
        return -1;
    }
    for (size_t i = 0; i < L->ndatas; i++) {
        c->nfeeders = i + 1;
        if (build_feeder(L, i, &c->feeders[i]) != 0)
            return -1;
    }
    return 0;
}

void config_free_feeders(struct config *c)
{
    for (size_t i = 0; i < c->nfeeders; i++) {
        struct feeder *f = &c->feeders[i];
        for (size_t k = 0; f->columns && k < f->ncolumns; k++)
            free(f->columns[k]);
        free(f->columns);
        for (size_t k = 0; k < f->nrows * f->ncolumns; k++)
            free(f->cells[k]);
        free(f->cells);
        free(f->lens);
        free(f->name);
    }
    free(c->feeders);
    c->feeders = NULL;
    c->nfeeders = 0;
}
