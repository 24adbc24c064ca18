/* csv_feeder: fills ${column} placeholders in URLs, headers and bodies from a CSV file, so that
 * a run sends realistic, varied data.
 *
 *   [plugin csv_feeder]
 *   path = /usr/local/lib/stampede/plugins/csv_feeder.so
 *   file = users.csv      ; the first line names the columns
 *   mode = client         ; client: client k always uses row k (mod rows);
 *                         ; request: each request takes the client's next row
 *
 * The CSV is simple: comma-separated, no quoting; empty lines are skipped. A placeholder that
 * names no column is left as it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stampede/plugin.h>

#define MAX_COLUMNS 64

static char **names;     /* column names */
static size_t ncols;
static char ***rows;     /* rows[r][c] */
static size_t nrows;
static int per_request;

static size_t split(char *line, char **out, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        out[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static char *dup_field(const char *s)
{
    return strdup(s ? s : "");
}

/* The table is the parent's; workers got their copies with fork and end with the process. */
static void parent_exit(struct stampede_ctx *ctx)
{
    (void)ctx;
    for (size_t r = 0; r < nrows; r++) {
        for (size_t i = 0; rows[r] && i < ncols; i++)
            free(rows[r][i]);
        free(rows[r]);
    }
    free(rows);
    for (size_t i = 0; names && i < ncols; i++)
        free(names[i]);
    free(names);
    rows = NULL;
    names = NULL;
    nrows = ncols = 0;
}

static int parent_init(struct stampede_ctx *ctx)
{
    const char *file = stampede_option_path(ctx, "file");
    const char *mode = stampede_option(ctx, "mode");
    if (!file) {
        stampede_log(ctx, "needs a file (add file = data.csv to [plugin csv_feeder])");
        return -1;
    }
    if (mode && strcmp(mode, "request") != 0 && strcmp(mode, "client") != 0) {
        stampede_log(ctx, "mode '%s': use client or request", mode);
        return -1;
    }
    per_request = mode && strcmp(mode, "request") == 0;
    char path[4096];
    snprintf(path, sizeof path, "%s", file);
    FILE *f = fopen(path, "r");
    if (!f) {
        stampede_log(ctx, "cannot read %s", path);
        return -1;
    }
    char line[8192];
    char *fields[MAX_COLUMNS];
    while (fgets(line, sizeof line, f)) {
        if (line[strspn(line, " \t\r\n")] == '\0')
            continue;
        size_t n = split(line, fields, MAX_COLUMNS);
        if (!names) {
            names = calloc(n, sizeof(*names));
            for (size_t i = 0; names && i < n; i++)
                names[i] = dup_field(fields[i]);
            ncols = n;
            continue;
        }
        char ***r = realloc(rows, (nrows + 1) * sizeof(*rows));
        if (!r)
            break;
        rows = r;
        rows[nrows] = calloc(ncols, sizeof(char *));
        for (size_t i = 0; rows[nrows] && i < ncols; i++)
            rows[nrows][i] = dup_field(i < n ? fields[i] : "");
        nrows++;
    }
    fclose(f);
    if (!names || !nrows) {
        stampede_log(ctx, "%s has no data rows (the first line names the columns)", path);
        parent_exit(ctx);
        return -1;
    }
    return 0;
}

static void *client_init(struct stampede_ctx *ctx)
{
    uint64_t *next = malloc(sizeof(*next)); /* the client's next row */
    if (next)
        *next = (uint64_t)stampede_client(ctx);
    return next;
}

static void client_exit(struct stampede_ctx *ctx)
{
    free(stampede_userdata(ctx));
}

/* s with every ${name} of a known column replaced from row; NULL when s has none. */
static char *fill(const char *s, char **row)
{
    if (!s || !strstr(s, "${"))
        return NULL;
    size_t cap = strlen(s) + 256, len = 0;
    char *out = malloc(cap);
    while (out && *s) {
        const char *v = NULL, *after = s + 1;
        size_t vlen = 1;
        if (s[0] == '$' && s[1] == '{') {
            const char *close = strchr(s + 2, '}');
            for (size_t i = 0; close && i < ncols; i++)
                if (strlen(names[i]) == (size_t)(close - s - 2) &&
                    strncmp(names[i], s + 2, (size_t)(close - s - 2)) == 0) {
                    v = row[i];
                    vlen = strlen(v);
                    after = close + 1;
                }
        }
        if (!v)
            v = s;
        if (len + vlen + 1 > cap) {
            cap = (len + vlen + 1) * 2;
            char *o = realloc(out, cap);
            if (!o) {
                free(out);
                return NULL;
            }
            out = o;
        }
        memcpy(out + len, v, vlen);
        len += vlen;
        s = after;
    }
    if (out)
        out[len] = '\0';
    return out;
}

static int req_start(struct stampede_ctx *ctx, struct stampede_request *req)
{
    uint64_t *next = stampede_userdata(ctx);
    if (!next)
        return 0;
    char **row = rows[*next % nrows];
    if (per_request)
        (*next)++;
    int rc = 0;
    char *url = fill(stampede_request_url(req), row);
    if (url)
        rc |= stampede_request_set_url(req, url);
    free(url);
    for (size_t i = 0; i < stampede_request_header_count(req); i++) {
        char *line = fill(stampede_request_header_line(req, i), row);
        if (!line)
            continue;
        char *colon = strchr(line, ':');
        if (colon) {
            *colon = '\0';
            rc |= stampede_request_set_header(req, line, colon + 1 + strspn(colon + 1, " \t"));
            i = (size_t)-1; /* the list changed: look at it again from the start */
        }
        free(line);
    }
    size_t blen;
    const char *body = stampede_request_body(req, &blen);
    char *b = body && memchr(body, '$', blen) ? fill(body, row) : NULL;
    if (b)
        rc |= stampede_request_set_body(req, b, strlen(b));
    free(b);
    if (rc)
        stampede_fail(ctx, "csv_feeder: a substituted value is not allowed there");
    return rc ? -1 : 0;
}

static const struct stampede_option options[] = {
    {"file", STAMPEDE_OPTION_PATH, NULL, "the CSV file; its first line names the columns"},
    {"mode", STAMPEDE_OPTION_STRING, "client", "client: a row per client; request: per request"},
    {NULL, 0, NULL, NULL},
};

const struct stampede_plugin stampede_plugin = {
    STAMPEDE_PLUGIN_HEADER,
    .name = "csv_feeder",
    .options = options,
    .parent_init = parent_init,
    .parent_exit = parent_exit,
    .client_init = client_init,
    .client_exit = client_exit,
    .req_start = req_start,
};
