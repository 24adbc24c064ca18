/* config: the INI file, -D overrides and command-line flags turned into one checked struct.
 *
 * Loading happens in two steps. First every setting is collected as an entry (section, key,
 * value, where it came from): the file's lines, read through inih, then the -D strings in
 * order. Then the config is built from the entries: [run] keys (later wins), then each
 * request as [defaults] entries followed by its own, so inheritance and overrides are the
 * same mechanism. Every error is one line naming the file and line, the -D string or the
 * flag that caused it. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "strutil.h"
#include "units.h"

#define MAX_WORKERS 1024
#define MAX_CLIENTS UINT64_C(10000000)
#define MAX_BODY_FILE (64L * 1024 * 1024)

#define DEFAULT_CONNECT_TIMEOUT_NS (INT64_C(10) * 1000000000)
#define DEFAULT_TIMEOUT_NS (INT64_C(60) * 1000000000)
#define DEFAULT_GRACE_NS (INT64_C(2) * 1000000000)
#define DEFAULT_FAIL_BACKOFF_NS (INT64_C(5) * 1000000)
#define DEFAULT_URL_DURATION_NS (INT64_C(10) * 1000000000)
#define DEFAULT_URL_CLIENTS 10
#define DEFAULT_MAX_REDIRECTS 10
#define DEFAULT_MAX_HEADER_BYTES (64 * 1024)
#define DEFAULT_MAX_HEADERS 100

enum section { SEC_NONE, SEC_RUN, SEC_DEFAULTS, SEC_REQUEST, SEC_DNS, SEC_TLS, SEC_PLUGIN };
enum line_kind { LINE_SKIP, LINE_KEY, LINE_CONT };

/* Header precedence: a header replaces same-named headers of lower levels only. */
enum level { LVL_DEFAULTS_FILE, LVL_DEFAULTS_D, LVL_REQUEST_FILE, LVL_REQUEST_D };

static const char *const section_words[] = {"run",  "defaults", "request", "dns",
                                            "tls",  "plugin",   NULL};
static const char *const run_keys[] = {
    "workers", "clients", "ramp_start", "ramp_duration", "rounds", "duration",
    "iterator", "seed", "scoreboard", "keep_scoreboard", "grace", "fail_backoff", "dns_ttl", "dns_server",
    "plugins", "top", NULL};
static const char *const request_keys[] = {
    "url", "method", "header", "body", "body_file", "keepalive", "predelay", "prejitter",
    "postdelay", "postjitter", "connect_timeout", "timeout", "max_redirects", "max_body",
    "max_header_bytes", "max_headers", "retry_non_idempotent",
    "follow_credentials",
    /* the TLS keys, also allowed in [tls] */
    "verify", "ca_file", "ca_path", "client_cert", "client_key", "ciphers", "min_version",
    "max_version", "session_cache", NULL};
static const char *const tls_keys[] = {
    "verify", "ca_file", "ca_path", "client_cert", "client_key", "ciphers", "min_version",
    "max_version", "session_cache", NULL};
static const char *const iterator_names[] = {"default", "random_start", "follow",
                                             "random_start_follow", NULL};
static const char *const tls_version_names[] = {"1.0", "1.1", "1.2", "1.3", NULL};

struct entry {
    int sec;      /* enum section */
    size_t req;   /* index into load.reqs for SEC_REQUEST, load.plugs for SEC_PLUGIN */
    char *key;    /* lower case; for [dns] the host name */
    char *value;
    char *where;  /* "FILE:LINE" or "-D ..." */
    int line;     /* 0 unless from the file */
    int from_file;
    int level;    /* enum level */
};

struct reqsec {
    char *name;
    int line;
};

struct load {
    struct config *c;
    const char *path;     /* for messages: the file, or "URL '...'" for a URL run */
    char *dir;            /* the file's directory: body_file paths are relative to it */
    int url_mode;
    struct entry *ents;
    size_t nents, cap_ents;
    struct reqsec *reqs;
    size_t nreqs, cap_reqs;
    struct reqsec *plugs; /* [plugin NAME] sections, in file order */
    size_t nplugs, cap_plugs;

    /* reader state: inih gives the handler no line number, so the reader keeps it */
    FILE *fp;
    int lineno;
    int failed;
    int read_errno;
    int sec;              /* enum section of the current section */
    size_t req;           /* current request section */
    int kind;             /* enum line_kind of the line inih is handling */
    int have_prev;        /* a key line since the section header: indented lines continue it */
    size_t prev_entry;    /* the entry made by the last key line */
};

/* ---- messages ------------------------------------------------------------------------- */

static void errorf(const char *where, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "stampede: WHERE: WHAT" as exactly one line, whatever bytes the user gave us. */
static void errorf(const char *where, const char *fmt, ...)
{
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "stampede: %s: ", where ? where : "config");
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof msg)
        n = (int)sizeof msg - 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    fprintf(stderr, "%s\n", msg);
}

static const char *section_label(const struct load *L, int sec, size_t req, char *buf,
                                 size_t len)
{
    switch (sec) {
    case SEC_RUN:
        return "[run]";
    case SEC_DEFAULTS:
        return "[defaults]";
    case SEC_DNS:
        return "[dns]";
    case SEC_TLS:
        return "[tls]";
    case SEC_REQUEST:
        snprintf(buf, len, "[request %.60s]", L->reqs[req].name);
        return buf;
    case SEC_PLUGIN:
        snprintf(buf, len, "[plugin %.60s]", L->plugs[req].name);
        return buf;
    default:
        return "the file";
    }
}

/* ---- small helpers -------------------------------------------------------------------- */

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* s[0..n) with surrounding whitespace removed, as a new string. */
static char *dup_trimmed(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return dup_range(s, n);
}

static int in_list(const char *word, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(word, list[i]) == 0)
            return 1;
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1", NULL};
    static const char *const no[] = {"no", "false", "off", "0", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (strcasecmp(v, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
    for (size_t i = 0; no[i]; i++)
        if (strcasecmp(v, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    return -1;
}

/* "KEY: " before a value's message, or nothing for a flag (the flag is the WHERE). */
#define KEYP(key) (key) ? (key) : "", (key) ? ": " : ""

static int get_count(const char *where, const char *key, const char *v, uint64_t *out)
{
    if (units_parse_count(v, out) == 0)
        return 0;
    errorf(where, "%s%s'%.60s' is not a count (use a whole number like 4, 10k or 2M)", KEYP(key),
           v);
    return -1;
}

static int get_duration(const char *where, const char *key, const char *v, int64_t *out)
{
    if (units_parse_duration(v, out) == 0)
        return 0;
    errorf(where,
           "%s%s'%.60s' is not a duration (use a number with a unit: 250ms, 1.5s, 2m, 1h; a "
           "bare number is seconds)",
           KEYP(key), v);
    return -1;
}

static int get_bool(const char *where, const char *key, const char *v, int *out)
{
    if (parse_bool(v, out) == 0)
        return 0;
    errorf(where, "%s%s'%.60s' is not a boolean (use yes or no)", KEYP(key), v);
    return -1;
}

/* ---- did you mean --------------------------------------------------------------------- */

#define SUGGEST_MAX 64

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t prev[SUGGEST_MAX + 1], cur[SUGGEST_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

const char *config_suggest(const char *word, const char *const *known)
{
    if (!word || !known)
        return NULL;
    size_t wl = strlen(word);
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; known[i]; i++) {
        size_t kl = strlen(known[i]);
        if (wl > SUGGEST_MAX || kl > SUGGEST_MAX)
            continue;
        size_t d = edit_distance(word, known[i]);
        /* "ab" is two edits from any two-letter word: that is no suggestion */
        if (d < bestd && d < wl) {
            best = known[i];
            bestd = d;
        }
    }
    if (best)
        return best;
    /* "work" or "workerss": one is a prefix of the other */
    for (size_t i = 0; known[i]; i++) {
        size_t kl = strlen(known[i]);
        size_t n = wl < kl ? wl : kl;
        if (n >= 3 && strncasecmp(word, known[i], n) == 0)
            return known[i];
    }
    return NULL;
}

/* " (did you mean 'x'?)" or the fallback hint, into buf. */
static const char *hint(const char *word, const char *const *known, const char *fallback,
                        char *buf, size_t len)
{
    const char *s = config_suggest(word, known);
    if (s)
        snprintf(buf, len, " (did you mean '%s'?)", s);
    else if (fallback)
        snprintf(buf, len, " (%s)", fallback);
    else
        buf[0] = '\0';
    return buf;
}

/* ---- collecting entries --------------------------------------------------------------- */

static const char *oom(const char *where)
{
    errorf(where, "out of memory");
    return NULL;
}

/* Checks that `key` may appear in section `sec`; prints the error and returns -1 if not. */
static int check_key(const struct load *L, const char *where, int sec, size_t req,
                     const char *key)
{
    char lab[96], h[128];
    const char *label = section_label(L, sec, req, lab, sizeof lab);
    if (sec == SEC_DNS) {
        if (str_is_host_name(key))
            return 0;
        errorf(where, "bad host name '%.60s' in [dns] (use letters, digits, '-' and '.')", key);
        return -1;
    }
    if (*key == '\0') {
        errorf(where, "missing key before '=' in %s (write key = value)", label);
        return -1;
    }
    if (sec == SEC_PLUGIN) /* the plugin's own options: any key */
        return 0;
    if (sec == SEC_TLS) {
        if (in_list(key, tls_keys))
            return 0;
        errorf(where, "unknown key '%.60s' in [tls]%s", key,
               hint(key, tls_keys, "see stampede.ini(5) for the [tls] keys", h, sizeof h));
        return -1;
    }
    if (sec == SEC_RUN) {
        if (in_list(key, run_keys))
            return 0;
        if (in_list(key, request_keys)) {
            errorf(where, "unknown key '%.60s' in [run] (it belongs in [defaults] or a "
                          "[request NAME])", key);
            return -1;
        }
        errorf(where, "unknown key '%.60s' in [run]%s", key,
               hint(key, run_keys, "see stampede.ini(5) for the [run] keys", h, sizeof h));
        return -1;
    }
    if (in_list(key, request_keys))
        return 0;
    if (in_list(key, run_keys)) {
        errorf(where, "unknown key '%.60s' in %s (it belongs in [run])", key, label);
        return -1;
    }
    static const char *const header_like[] = {"host", "accept", "authorization", "cookie",
                                              "connection", NULL};
    int is_header = strchr(key, '-') || in_list(key, header_like);
    errorf(where, "unknown key '%.60s' in %s%s", key, label,
           hint(key, request_keys,
                is_header ? "headers are written header = Name: value"
                          : "see stampede.ini(5) for the request keys",
                h, sizeof h));
    return -1;
}

/* body and body_file fill the same slot. */
static const char *slot_of(const char *key)
{
    return strcmp(key, "body_file") == 0 ? "body" : key;
}

static int push_entry(struct load *L, int sec, size_t req, const char *key, const char *value,
                      const char *where, int line, int from_file, int level)
{
    if (L->nents == L->cap_ents) {
        size_t cap = L->cap_ents ? L->cap_ents * 2 : 32;
        struct entry *e = realloc(L->ents, cap * sizeof *e);
        if (!e) {
            oom(where);
            return -1;
        }
        L->ents = e;
        L->cap_ents = cap;
    }
    struct entry *e = &L->ents[L->nents];
    memset(e, 0, sizeof *e);
    e->sec = sec;
    e->req = req;
    e->key = str_dup_lower(key, strlen(key));
    e->value = strdup(value);
    e->where = strdup(where);
    e->line = line;
    e->from_file = from_file;
    e->level = level;
    L->nents++; /* counted before the check so that free_load frees a partial entry */
    if (!e->key || !e->value || !e->where) {
        oom(where);
        return -1;
    }
    return 0;
}

/* A file entry: checks the key and that it is not already set in the same section. */
static int add_file_entry(struct load *L, const char *name, const char *value)
{
    char where[64 + 4096];
    snprintf(where, sizeof where, "%s:%d", L->path, L->lineno);
    if (L->sec == SEC_NONE) {
        errorf(where, "'%.60s' is outside any section (put it under [run], [defaults], "
                      "[request NAME] or [dns])", name);
        return -1;
    }
    char *key = str_dup_lower(name, strlen(name));
    if (!key) {
        oom(where);
        return -1;
    }
    if (check_key(L, where, L->sec, L->req, key) != 0) {
        free(key);
        return -1;
    }
    if (strcmp(key, "header") != 0) {
        for (size_t i = 0; i < L->nents; i++) {
            const struct entry *e = &L->ents[i];
            if (e->sec != L->sec || e->req != L->req ||
                strcmp(slot_of(e->key), slot_of(key)) != 0)
                continue;
            if (strcmp(e->key, key) == 0)
                errorf(where, "'%.60s' is already set at line %d (keep one)", key, e->line);
            else
                errorf(where, "'%s' conflicts with '%s' at line %d (keep one)", key, e->key,
                       e->line);
            free(key);
            return -1;
        }
    }
    int level = L->sec == SEC_DEFAULTS ? LVL_DEFAULTS_FILE : LVL_REQUEST_FILE;
    int rc = push_entry(L, L->sec, L->req, key, value, where, L->lineno, 1, level);
    free(key);
    L->prev_entry = L->nents - 1;
    return rc;
}

/* An indented line: inih hands it over as another value of the previous key. */
static int add_continuation(struct load *L, const char *value)
{
    char where[64 + 4096];
    snprintf(where, sizeof where, "%s:%d", L->path, L->lineno);
    struct entry *prev = &L->ents[L->prev_entry];
    if (strcmp(prev->key, "body") == 0) {
        /* multi-line bodies: lines joined with "\n" */
        size_t a = strlen(prev->value), b = strlen(value);
        char *v = realloc(prev->value, a + b + 2);
        if (!v) {
            oom(where);
            return -1;
        }
        v[a] = '\n';
        memcpy(v + a + 1, value, b + 1);
        prev->value = v;
        return 0;
    }
    if (strcmp(prev->key, "header") == 0) {
        size_t keep = L->prev_entry;
        int rc = push_entry(L, prev->sec, prev->req, "header", value, where, L->lineno, 1,
                            prev->level);
        L->prev_entry = keep;
        return rc;
    }
    errorf(where, "indented line continues '%.60s' from line %d, which takes one line (remove "
                  "the indentation)", prev->key, prev->line);
    return -1;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    struct load *L = user;
    (void)section; /* ours is tracked by the reader: inih truncates long names */
    if (L->failed)
        return 1;
    int rc = L->kind == LINE_CONT ? add_continuation(L, value) : add_file_entry(L, name, value);
    if (rc != 0)
        L->failed = 1;
    return 1;
}

/* The first '=' / ':' (or the start of an inline comment) in s, as inih finds it. */
static const char *find_sep(const char *s, const char *chars)
{
    int was_space = 0;
    while (*s && !strchr(chars, *s) && !(was_space && *s == ';')) {
        was_space = isspace((unsigned char)*s);
        s++;
    }
    return s;
}

/* "[run]", "[request NAME]" ... : sets the current section. */
static int section_of_word(const char *word)
{
    for (int i = 0; section_words[i]; i++)
        if (strcasecmp(word, section_words[i]) == 0)
            return i + 1; /* section_words follows enum section from SEC_RUN */
    return SEC_NONE;
}

/* The index of plugin section `name`, added when new (a repeated section merges); takes name. */
static int add_plugin_section(struct load *L, char *name, int line)
{
    for (size_t i = 0; i < L->nplugs; i++)
        if (strcmp(L->plugs[i].name, name) == 0) {
            free(name);
            return (int)i;
        }
    if (L->nplugs == L->cap_plugs) {
        size_t cap = L->cap_plugs ? L->cap_plugs * 2 : 4;
        struct reqsec *r = realloc(L->plugs, cap * sizeof *r);
        if (!r) {
            free(name);
            return -1;
        }
        L->plugs = r;
        L->cap_plugs = cap;
    }
    L->plugs[L->nplugs].name = name;
    L->plugs[L->nplugs].line = line;
    return (int)L->nplugs++;
}

static int on_section(struct load *L, const char *start, const char *where)
{
    const char *close = find_sep(start + 1, "]");
    if (*close != ']') {
        errorf(where, "section header without ']' (write it as [request NAME])");
        return -1;
    }
    const char *after = close + 1;
    while (isspace((unsigned char)*after))
        after++;
    if (*after && *after != ';' && *after != '#') {
        errorf(where, "unexpected text after ']' (put comments on a line of their own)");
        return -1;
    }
    const char *p = start + 1;
    while (p < close && isspace((unsigned char)*p))
        p++;
    const char *w = p;
    while (p < close && !isspace((unsigned char)*p))
        p++;
    char word[32];
    size_t wl = (size_t)(p - w);
    if (wl >= sizeof word)
        wl = sizeof word - 1;
    memcpy(word, w, wl);
    word[wl] = '\0';
    char *name = dup_trimmed(p, (size_t)(close - p));
    if (!name) {
        oom(where);
        return -1;
    }
    int sec = section_of_word(word);
    if (sec == SEC_NONE) {
        char h[128];
        errorf(where, "unknown section '[%s]'%s", word,
               hint(word, section_words, "use [run], [defaults], [request NAME], [plugin NAME], [dns] or [tls]", h,
                    sizeof h));
        free(name);
        return -1;
    }
    if (sec != SEC_REQUEST && sec != SEC_PLUGIN) {
        if (*name) {
            errorf(where, "[%s] takes no name (write it as [%s])", section_words[sec - 1],
                   section_words[sec - 1]);
            free(name);
            return -1;
        }
        free(name);
        L->sec = sec;
        return 0;
    }
    const char *what = section_words[sec - 1];
    if (!*name) {
        errorf(where, "[%s] needs a name (write it as [%s NAME])", what, what);
        free(name);
        return -1;
    }
    for (const char *q = name; *q; q++)
        if (isspace((unsigned char)*q) || *q == '=' || (unsigned char)*q < 0x20 || *q == 0x7f) {
            errorf(where, "%s name '%.60s' may not contain spaces, '=' or control "
                          "characters (use - or _)", what, name);
            free(name);
            return -1;
        }
    if (sec == SEC_PLUGIN) {
        int i = add_plugin_section(L, name, L->lineno);
        if (i < 0) {
            oom(where);
            return -1;
        }
        L->req = (size_t)i;
        L->sec = SEC_PLUGIN;
        return 0;
    }
    for (size_t i = 0; i < L->nreqs; i++)
        if (strcmp(L->reqs[i].name, name) == 0) {
            errorf(where, "duplicate request name '%.60s' (first at line %d; names must be "
                          "unique)", name, L->reqs[i].line);
            free(name);
            return -1;
        }
    if (L->nreqs == L->cap_reqs) {
        size_t cap = L->cap_reqs ? L->cap_reqs * 2 : 8;
        struct reqsec *r = realloc(L->reqs, cap * sizeof *r);
        if (!r) {
            free(name);
            oom(where);
            return -1;
        }
        L->reqs = r;
        L->cap_reqs = cap;
    }
    L->reqs[L->nreqs].name = name;
    L->reqs[L->nreqs].line = L->lineno;
    L->req = L->nreqs++;
    L->sec = SEC_REQUEST;
    return 0;
}

/* Tells what inih will make of a line, the same way inih does: comment, continuation of the
 * previous key (indented, after a key in this section), section header, or key = value. */
static int classify(struct load *L, const char *line, const char *where)
{
    const char *start = line;
    while (isspace((unsigned char)*start))
        start++;
    L->kind = LINE_SKIP;
    if (*start == '\0' || *start == ';' || *start == '#')
        return 0;
    if (L->have_prev && start > line) {
        L->kind = LINE_CONT;
        return 0;
    }
    if (*start == '[') {
        L->have_prev = 0;
        return on_section(L, start, where);
    }
    const char *sep = find_sep(start, "=:");
    if (*sep != '=' && *sep != ':') {
        errorf(where, "expected 'key = value' or '[section]' (comments start with ; or #)");
        return -1;
    }
    L->kind = LINE_KEY;
    L->have_prev = sep > start;
    return 0;
}

/* inih's reader: one line per call, counted, checked for length and NUL bytes. */
static char *read_line(char *buf, int size, void *stream)
{
    struct load *L = stream;
    if (L->failed || size < 3)
        return NULL;
    size_t max = (size_t)size - 2; /* room for "\n" and NUL: inih never sees a split line */
    size_t n = 0;
    int c, any = 0, nul = 0, last = 0;
    while ((c = getc(L->fp)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (c == '\0')
            nul = 1;
        if (n < max)
            buf[n] = (char)c;
        n++;
        last = c;
    }
    if (c == EOF && ferror(L->fp))
        L->read_errno = errno ? errno : EIO;
    if (!any)
        return NULL;
    L->lineno++;
    size_t stored = n < max ? n : max;
    if (last == '\r')
        n--; /* CRLF files */
    if (L->lineno == 1 && stored >= 3 && (unsigned char)buf[0] == 0xEF &&
        (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF) {
        n -= 3; /* a UTF-8 byte order mark */
        memmove(buf, buf + 3, stored - 3);
    }
    char where[64 + 4096];
    snprintf(where, sizeof where, "%s:%d", L->path, L->lineno);
    if (n > max) {
        errorf(where, "line too long (at most %zu characters; put long bodies in body_file)",
               max);
        L->failed = 1;
        return NULL;
    }
    if (nul) {
        errorf(where, "NUL byte in the file (is it a text file?)");
        L->failed = 1;
        return NULL;
    }
    buf[n] = '\n';
    buf[n + 1] = '\0';
    if (classify(L, buf, where) != 0) {
        L->failed = 1;
        return NULL;
    }
    return buf;
}

/* ---- -D section.key=value ------------------------------------------------------------- */

static int add_define(struct load *L, const char *d)
{
    size_t wl = strlen(d) + 4;
    char *where = malloc(wl);
    if (!where) {
        oom("-D");
        return -1;
    }
    snprintf(where, wl, "-D %s", d);
    int rc = -1;
    char *lhs = NULL, *val = NULL, *key = NULL;
    const char *eq = strchr(d, '=');
    const char *dot = eq ? memchr(d, '.', (size_t)(eq - d)) : NULL;
    if (!eq || !dot) {
        errorf(where, "expected SECTION.KEY=VALUE (for example -D run.workers=4)");
        goto out;
    }
    lhs = dup_trimmed(d, (size_t)(eq - d));
    val = dup_trimmed(eq + 1, strlen(eq + 1));
    if (!lhs || !val) {
        oom(where);
        goto out;
    }
    char *ldot = strchr(lhs, '.');
    if (!ldot) { /* the dot was in leading whitespace: cannot happen, but be safe */
        errorf(where, "expected SECTION.KEY=VALUE (for example -D run.workers=4)");
        goto out;
    }
    *ldot = '\0';
    const char *secw = lhs, *rest = ldot + 1;
    int sec = section_of_word(secw);
    if (sec == SEC_NONE) {
        char h[128];
        errorf(where, "unknown section '%.40s'%s", secw,
               hint(secw, section_words,
                    "use run., defaults., request.NAME., plugin.NAME., dns. or tls.", h,
                    sizeof h));
        goto out;
    }
    size_t req = 0;
    int level = LVL_DEFAULTS_D;
    if (sec == SEC_REQUEST) {
        char *kdot = strrchr(rest, '.');
        if (!kdot) {
            errorf(where, "expected request.NAME.KEY=VALUE (for example -D "
                          "request.home.timeout=5s)");
            goto out;
        }
        *kdot = '\0';
        const char *name = rest;
        rest = kdot + 1;
        size_t i;
        for (i = 0; i < L->nreqs; i++)
            if (strcmp(L->reqs[i].name, name) == 0)
                break;
        if (i == L->nreqs) {
            const char **names = calloc(L->nreqs + 1, sizeof *names);
            if (!names) {
                oom(where);
                goto out;
            }
            for (size_t j = 0; j < L->nreqs; j++)
                names[j] = L->reqs[j].name;
            char h[128];
            errorf(where, "no request named '%.60s'%s", name,
                   hint(name, names, "request names are the NAME of [request NAME]", h,
                        sizeof h));
            free(names);
            goto out;
        }
        req = i;
        level = LVL_REQUEST_D;
    } else if (sec == SEC_PLUGIN) {
        char *kdot = strrchr(rest, '.');
        char *name = kdot ? dup_range(rest, (size_t)(kdot - rest)) : NULL;
        if (!kdot || kdot == rest) {
            errorf(where, "expected plugin.NAME.KEY=VALUE (for example -D "
                          "plugin.logger.file=out.log)");
            goto out;
        }
        int i = name ? add_plugin_section(L, name, 0) : -1;
        if (i < 0) {
            oom(where);
            goto out;
        }
        req = (size_t)i;
        rest = kdot + 1;
    }
    key = str_dup_lower(rest, strlen(rest));
    if (!key) {
        oom(where);
        goto out;
    }
    if (check_key(L, where, sec, req, key) != 0)
        goto out;
    rc = push_entry(L, sec, req, key, val, where, 0, 0, level);
out:
    free(key);
    free(lhs);
    free(val);
    free(where);
    return rc;
}

/* ---- building requests ---------------------------------------------------------------- */

struct build {
    struct request_spec *s;
    int *hlevel; /* level of each header, parallel to s->headers */
    size_t hcap;
    int has_url;
};

static int set_str(char **dst, const char *v, const char *where)
{
    char *d = strdup(v);
    if (!d) {
        oom(where);
        return -1;
    }
    free(*dst);
    *dst = d;
    return 0;
}

static int add_header(struct build *b, const struct entry *e)
{
    const char *v = e->value;
    const char *colon = strchr(v, ':');
    if (!colon) {
        errorf(e->where, "header '%.60s' is not 'Name: value' (write header = Name: value)", v);
        return -1;
    }
    char *name = dup_range(v, (size_t)(colon - v));
    if (!name) {
        oom(e->where);
        return -1;
    }
    if (!str_is_token(name)) {
        errorf(e->where, "header name '%.60s' is not a token (no spaces before ':'; letters, "
                         "digits and -)", name);
        free(name);
        return -1;
    }
    const char *val = colon + 1;
    while (*val == ' ' || *val == '\t')
        val++;
    size_t vl = strlen(val);
    while (vl > 0 && (val[vl - 1] == ' ' || val[vl - 1] == '\t'))
        vl--;
    if (!str_is_header_value(val, vl)) {
        errorf(e->where, "header '%.60s' contains a control character (remove it)", name);
        free(name);
        return -1;
    }
    size_t nl = strlen(name);
    char *line = malloc(nl + vl + 3);
    if (!line) {
        free(name);
        oom(e->where);
        return -1;
    }
    memcpy(line, name, nl);
    line[nl] = ':';
    if (vl) {
        line[nl + 1] = ' ';
        memcpy(line + nl + 2, val, vl);
        line[nl + 2 + vl] = '\0';
    } else {
        line[nl + 1] = '\0';
    }
    /* a header replaces same-named ones from a lower level: [defaults] < request < -D */
    struct request_spec *s = b->s;
    size_t j = 0;
    for (size_t i = 0; i < s->nheaders; i++) {
        const char *h = s->headers[i];
        if (b->hlevel[i] < e->level && strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            free(s->headers[i]);
            continue;
        }
        s->headers[j] = s->headers[i];
        b->hlevel[j] = b->hlevel[i];
        j++;
    }
    s->nheaders = j;
    free(name);
    if (s->nheaders == b->hcap) {
        size_t cap = b->hcap ? b->hcap * 2 : 8;
        char **h = realloc(s->headers, cap * sizeof *h);
        if (h)
            s->headers = h;
        int *l = h ? realloc(b->hlevel, cap * sizeof *l) : NULL;
        if (l)
            b->hlevel = l;
        if (!h || !l) {
            free(line);
            oom(e->where);
            return -1;
        }
        b->hcap = cap;
    }
    s->headers[s->nheaders] = line;
    b->hlevel[s->nheaders] = e->level;
    s->nheaders++;
    return 0;
}

/* Reads path whole into *out (NUL-terminated for convenience). */
static int read_whole(const char *path, char **out, size_t *len, const char **why)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = strerror(errno);
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        *why = strerror(errno);
        fclose(f);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file";
        fclose(f);
        return -1;
    }
    if (st.st_size > MAX_BODY_FILE) {
        *why = "larger than 64M (use a smaller body)";
        fclose(f);
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        *why = "out of memory";
        return -1;
    }
    for (;;) {
        n += fread(buf + n, 1, cap - 1 - n, f);
        if (n < cap - 1 || feof(f))
            break;
        /* the file grew since fstat */
        int ch = getc(f);
        if (ch == EOF)
            break;
        if (cap > MAX_BODY_FILE) {
            free(buf);
            fclose(f);
            *why = "larger than 64M (use a smaller body)";
            return -1;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            fclose(f);
            *why = "out of memory";
            return -1;
        }
        buf = nb;
        cap *= 2;
        buf[n++] = (char)ch;
    }
    if (ferror(f)) {
        *why = strerror(errno ? errno : EIO);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

/* A path from the file is relative to the file's directory; from -D, to the current one. */
static char *resolve_path(const struct load *L, const struct entry *e)
{
    if (e->from_file && e->value[0] != '/' && L->dir && strcmp(L->dir, ".") != 0) {
        size_t n = strlen(L->dir) + strlen(e->value) + 2;
        char *path = malloc(n);
        if (path)
            snprintf(path, n, "%s/%s", L->dir, e->value);
        return path;
    }
    return strdup(e->value);
}

static int set_body_file(const struct load *L, struct build *b, const struct entry *e)
{
    if (!*e->value) {
        errorf(e->where, "body_file needs a path (or use body = ...)");
        return -1;
    }
    char *path = resolve_path(L, e);
    if (!path) {
        oom(e->where);
        return -1;
    }
    char *body;
    size_t len;
    const char *why;
    if (read_whole(path, &body, &len, &why) != 0) {
        errorf(e->where, "body_file: cannot read %.200s: %s", path, why);
        free(path);
        return -1;
    }
    free(path);
    free(b->s->body);
    b->s->body = body;
    b->s->body_len = len;
    b->s->has_body = 1;
    return 0;
}

static int set_path(const struct load *L, char **dst, const struct entry *e)
{
    if (!*e->value) {
        errorf(e->where, "%s needs a path", e->key);
        return -1;
    }
    char *path = resolve_path(L, e);
    if (!path) {
        oom(e->where);
        return -1;
    }
    free(*dst);
    *dst = path;
    return 0;
}

static int get_tls_version(const char *where, const char *k, const char *v, int *out)
{
    static const int versions[] = {0x0301, 0x0302, 0x0303, 0x0304}; /* TLS1_x_VERSION */
    const char *w = v;
    if (strncasecmp(w, "tls", 3) == 0)
        w += 3 + (w[3] == 'v' || w[3] == 'V' || w[3] == '_');
    for (int i = 0; tls_version_names[i]; i++)
        if (strcmp(w, tls_version_names[i]) == 0 ||
            (strlen(w) == 2 && w[0] == tls_version_names[i][0] && w[1] == tls_version_names[i][2])) {
            *out = versions[i];
            return 0;
        }
    errorf(where, "%s: '%.40s' is not a TLS version (use 1.0, 1.1, 1.2 or 1.3)", k, v);
    return -1;
}

/* The TLS keys; returns 1 when k is not one of them. */
static int apply_tls_key(const struct load *L, struct tls_options *t, const struct entry *e)
{
    const char *k = e->key, *v = e->value;
    if (strcmp(k, "verify") == 0)
        return get_bool(e->where, k, v, &t->verify);
    if (strcmp(k, "session_cache") == 0)
        return get_bool(e->where, k, v, &t->session_cache);
    if (strcmp(k, "ca_file") == 0)
        return set_path(L, &t->ca_file, e);
    if (strcmp(k, "ca_path") == 0)
        return set_path(L, &t->ca_path, e);
    if (strcmp(k, "client_cert") == 0)
        return set_path(L, &t->client_cert, e);
    if (strcmp(k, "client_key") == 0)
        return set_path(L, &t->client_key, e);
    if (strcmp(k, "ciphers") == 0)
        return set_str(&t->ciphers, v, e->where);
    if (strcmp(k, "min_version") == 0)
        return get_tls_version(e->where, k, v, &t->min_version);
    if (strcmp(k, "max_version") == 0)
        return get_tls_version(e->where, k, v, &t->max_version);
    return 1;
}

static int apply_request_key(const struct load *L, struct build *b, const struct entry *e)
{
    struct request_spec *s = b->s;
    const char *k = e->key, *v = e->value;
    int rc = apply_tls_key(L, &s->tls, e);
    if (rc != 1)
        return rc;
    if (strcmp(k, "max_redirects") == 0)
        return get_count(e->where, k, v, &s->max_redirects);
    if (strcmp(k, "retry_non_idempotent") == 0)
        return get_bool(e->where, k, v, &s->retry_non_idempotent);
    if (strcmp(k, "follow_credentials") == 0)
        return get_bool(e->where, k, v, &s->follow_credentials);
    if (strcmp(k, "max_body") == 0)
        return get_count(e->where, k, v, &s->max_body);
    if (strcmp(k, "max_header_bytes") == 0 || strcmp(k, "max_headers") == 0) {
        uint64_t n;
        if (get_count(e->where, k, v, &n) != 0)
            return -1;
        if (n == 0 || n > UINT32_MAX) {
            errorf(e->where, "%s must be between 1 and %u", k, UINT32_MAX);
            return -1;
        }
        if (strcmp(k, "max_header_bytes") == 0)
            s->max_header_bytes = (uint32_t)n;
        else
            s->max_headers = (uint32_t)n;
        return 0;
    }
    if (strcmp(k, "url") == 0) {
        struct url u;
        const char *why;
        if (url_parse(v, &u, &why) != 0) {
            errorf(e->where, "bad url '%.100s': %s", v, why);
            return -1;
        }
        if (set_str(&s->url_text, v, e->where) != 0) {
            url_free(&u);
            return -1;
        }
        url_free(&s->url);
        s->url = u;
        b->has_url = 1;
        return 0;
    }
    if (strcmp(k, "method") == 0) {
        if (!str_is_token(v)) {
            errorf(e->where, "method '%.60s' is not a token (use GET, POST, PUT, ...)", v);
            return -1;
        }
        return set_str(&s->method, v, e->where);
    }
    if (strcmp(k, "header") == 0)
        return add_header(b, e);
    if (strcmp(k, "body") == 0) {
        if (set_str(&s->body, v, e->where) != 0)
            return -1;
        s->body_len = strlen(v);
        s->has_body = 1;
        return 0;
    }
    if (strcmp(k, "body_file") == 0)
        return set_body_file(L, b, e);
    if (strcmp(k, "keepalive") == 0) {
        int yes;
        if (strcasecmp(v, "use") == 0)
            s->keepalive = KEEPALIVE_USE;
        else if (strcasecmp(v, "store") == 0)
            s->keepalive = KEEPALIVE_STORE;
        else if (parse_bool(v, &yes) == 0)
            s->keepalive = yes ? KEEPALIVE_YES : KEEPALIVE_NO;
        else {
            errorf(e->where, "keepalive: '%.60s' is not a keep-alive mode (use yes, use, store "
                             "or no)", v);
            return -1;
        }
        return 0;
    }
    static const struct {
        const char *key;
        size_t off;
        int positive;
    } durs[] = {
        {"predelay", offsetof(struct request_spec, predelay_ns), 0},
        {"prejitter", offsetof(struct request_spec, prejitter_ns), 0},
        {"postdelay", offsetof(struct request_spec, postdelay_ns), 0},
        {"postjitter", offsetof(struct request_spec, postjitter_ns), 0},
        {"connect_timeout", offsetof(struct request_spec, connect_timeout_ns), 1},
        {"timeout", offsetof(struct request_spec, timeout_ns), 1},
    };
    for (size_t i = 0; i < sizeof durs / sizeof durs[0]; i++) {
        if (strcmp(k, durs[i].key) != 0)
            continue;
        int64_t ns;
        if (get_duration(e->where, k, v, &ns) != 0)
            return -1;
        if (durs[i].positive && ns == 0) {
            errorf(e->where, "%s must be more than 0 (for example %s = 10s)", k, k);
            return -1;
        }
        memcpy((char *)s + durs[i].off, &ns, sizeof ns);
        return 0;
    }
    errorf(e->where, "unknown key '%.60s'", k); /* check_key let it through: a bug */
    return -1;
}

static void free_request(struct request_spec *s)
{
    free(s->tls.ca_file);
    free(s->tls.ca_path);
    free(s->tls.client_cert);
    free(s->tls.client_key);
    free(s->tls.ciphers);
    free(s->name);
    free(s->method);
    free(s->url_text);
    url_free(&s->url);
    for (size_t i = 0; i < s->nheaders; i++)
        free(s->headers[i]);
    free(s->headers);
    free(s->body);
    memset(s, 0, sizeof *s);
}

static int build_requests(struct load *L)
{
    struct config *c = L->c;
    if (L->nreqs == 0) {
        errorf(L->path, "no [request NAME] section (add one with a url)");
        return -1;
    }
    c->requests = calloc(L->nreqs, sizeof *c->requests);
    if (!c->requests) {
        oom(L->path);
        return -1;
    }
    for (size_t r = 0; r < L->nreqs; r++) {
        struct request_spec *s = &c->requests[r];
        c->nrequests = r + 1; /* so that config_free frees a partly built one */
        struct build b = {.s = s};
        s->name = strdup(L->reqs[r].name);
        s->file = c->path ? c->path : "(command line)";
        s->line = L->reqs[r].line;
        s->keepalive = KEEPALIVE_YES;
        s->connect_timeout_ns = DEFAULT_CONNECT_TIMEOUT_NS;
        s->timeout_ns = DEFAULT_TIMEOUT_NS;
        s->max_redirects = DEFAULT_MAX_REDIRECTS;
        s->max_header_bytes = DEFAULT_MAX_HEADER_BYTES;
        s->max_headers = DEFAULT_MAX_HEADERS;
        s->tls.session_cache = 1;
        int rc = s->name ? 0 : (oom(L->path), -1);
        /* [tls] < [defaults] < the request's own section */
        for (size_t i = 0; rc == 0 && i < L->nents; i++)
            if (L->ents[i].sec == SEC_TLS)
                rc = apply_request_key(L, &b, &L->ents[i]);
        for (size_t i = 0; rc == 0 && i < L->nents; i++)
            if (L->ents[i].sec == SEC_DEFAULTS)
                rc = apply_request_key(L, &b, &L->ents[i]);
        for (size_t i = 0; rc == 0 && i < L->nents; i++)
            if (L->ents[i].sec == SEC_REQUEST && L->ents[i].req == r)
                rc = apply_request_key(L, &b, &L->ents[i]);
        if (rc == 0 && !b.has_url) {
            char where[64 + 4096];
            snprintf(where, sizeof where, "%s:%d", L->path, s->line);
            errorf(where, "[request %.60s] has no url (add url = http://127.0.0.1:8080/)",
                   s->name);
            rc = -1;
        }
        if (rc == 0 && !s->method && set_str(&s->method, "GET", L->path) != 0)
            rc = -1;
        free(b.hlevel);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int build_dns(struct load *L)
{
    struct config *c = L->c;
    for (size_t i = 0; i < L->nents; i++) {
        const struct entry *e = &L->ents[i];
        if (e->sec != SEC_DNS)
            continue;
        /* "[::1]" is accepted as "::1" */
        const char *v = e->value;
        size_t vl = strlen(v);
        if (vl >= 2 && v[0] == '[' && v[vl - 1] == ']') {
            v++;
            vl -= 2;
        }
        char addr[64];
        unsigned char tmp[16];
        if (vl == 0 || vl >= sizeof addr) {
            vl = 0;
            addr[0] = '\0';
        } else {
            memcpy(addr, v, vl);
            addr[vl] = '\0';
        }
        if (vl == 0 ||
            (inet_pton(AF_INET, addr, tmp) != 1 && inet_pton(AF_INET6, addr, tmp) != 1)) {
            errorf(e->where, "'%.60s' is not a numeric IPv4 or IPv6 address (write %s = "
                             "127.0.0.1; names are not resolved here)", e->value, e->key);
            return -1;
        }
        size_t j;
        for (j = 0; j < c->ndns; j++)
            if (strcmp(c->dns[j].name, e->key) == 0)
                break;
        if (j == c->ndns) {
            struct dns_entry *d = realloc(c->dns, (c->ndns + 1) * sizeof *d);
            if (!d) {
                oom(e->where);
                return -1;
            }
            c->dns = d;
            c->dns[j].name = strdup(e->key);
            c->dns[j].address = NULL;
            c->ndns++;
            if (!c->dns[j].name) {
                oom(e->where);
                return -1;
            }
        }
        if (set_str(&c->dns[j].address, addr, e->where) != 0)
            return -1;
    }
    return 0;
}

/* ---- building [run] ------------------------------------------------------------------- */

/* Where each [run] value that takes part in a cross-check was last set, NULL if not. */
struct run_where {
    const char *workers, *clients, *ramp_start, *rounds, *duration;
};

static int apply_run_key(struct config *c, struct run_where *w, const char *where,
                         const char *k, const char *v)
{
    uint64_t n;
    if (strcmp(k, "workers") == 0) {
        if (get_count(where, k, v, &n) != 0)
            return -1;
        /* checked once all values are in: a later -D or flag may fix it */
        c->workers = n > MAX_WORKERS ? MAX_WORKERS + 1 : (unsigned)n;
        w->workers = where;
    } else if (strcmp(k, "clients") == 0) {
        if (get_count(where, k, v, &c->clients) != 0)
            return -1;
        w->clients = where;
    } else if (strcmp(k, "ramp_start") == 0) {
        if (get_count(where, k, v, &c->ramp_start) != 0)
            return -1;
        w->ramp_start = where;
    } else if (strcmp(k, "ramp_duration") == 0) {
        return get_duration(where, k, v, &c->ramp_duration_ns);
    } else if (strcmp(k, "rounds") == 0) {
        if (get_count(where, k, v, &c->rounds) != 0)
            return -1;
        w->rounds = where;
    } else if (strcmp(k, "duration") == 0) {
        if (get_duration(where, k, v, &c->duration_ns) != 0)
            return -1;
        w->duration = where;
    } else if (strcmp(k, "iterator") == 0) {
        int i;
        for (i = 0; iterator_names[i] && strcasecmp(v, iterator_names[i]) != 0; i++)
            ;
        if (!iterator_names[i]) {
            char h[128];
            errorf(where, "unknown iterator '%.60s'%s", v,
                   hint(v, iterator_names,
                        "use default, random_start, follow or random_start_follow", h,
                        sizeof h));
            return -1;
        }
        c->iterator = i; /* iterator_names follows enum iterator_kind */
    } else if (strcmp(k, "plugins") == 0) {
        return 0; /* read by build_plugins */
    } else if (strcmp(k, "top") == 0) {
        return get_bool(where, k, v, &c->top);
    } else if (strcmp(k, "dns_ttl") == 0) {
        return get_duration(where, k, v, &c->dns_ttl_ns);
    } else if (strcmp(k, "dns_server") == 0) {
        if (!*v) {
            errorf(where, "dns_server needs an address (for example 127.0.0.1:5353)");
            return -1;
        }
        return set_str(&c->dns_server, v, where);
    } else if (strcmp(k, "seed") == 0) {
        if (get_count(where, k, v, &c->seed) != 0)
            return -1;
        c->seed_set = 1;
    } else if (strcmp(k, "scoreboard") == 0) {
        if (!*v) {
            errorf(where, "scoreboard needs a path (for example /dev/shm/run.sb)");
            return -1;
        }
        return set_str(&c->scoreboard, v, where);
    } else if (strcmp(k, "keep_scoreboard") == 0) {
        return get_bool(where, k, v, &c->keep_scoreboard);
    } else if (strcmp(k, "grace") == 0) {
        return get_duration(where, k, v, &c->grace_ns);
    } else if (strcmp(k, "fail_backoff") == 0) {
        return get_duration(where, k, v, &c->fail_backoff_ns);
    } else {
        errorf(where, "unknown key '%.60s' in [run]", k);
        return -1;
    }
    return 0;
}

/* A flag value: same parsing as the file's key, the flag is the WHERE. */
static int apply_flag(struct config *c, struct run_where *w, const char *flag, const char *k,
                      const char *v)
{
    uint64_t n;
    if (!v)
        return 0;
    /* the messages of count and duration errors leave the key out for flags */
    if (strcmp(k, "duration") == 0) {
        if (get_duration(flag, NULL, v, &c->duration_ns) != 0)
            return -1;
        w->duration = flag;
        return 0;
    }
    if (strcmp(k, "scoreboard") == 0) {
        if (!*v) {
            errorf(flag, "needs a path (for example /dev/shm/run.sb)");
            return -1;
        }
        return set_str(&c->scoreboard, v, flag);
    }
    if (get_count(flag, NULL, v, &n) != 0)
        return -1;
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)n);
    return apply_run_key(c, w, flag, k, buf);
}

static int build_run(struct load *L, const struct config_overrides *o)
{
    struct config *c = L->c;
    struct run_where w = {0};
    c->workers = 1;
    c->rounds = L->url_mode ? 0 : 1;
    c->grace_ns = DEFAULT_GRACE_NS;
    c->fail_backoff_ns = DEFAULT_FAIL_BACKOFF_NS;
    c->iterator = ITERATOR_DEFAULT;
    for (size_t i = 0; i < L->nents; i++) {
        const struct entry *e = &L->ents[i];
        if (e->sec == SEC_RUN && apply_run_key(c, &w, e->where, e->key, e->value) != 0)
            return -1;
    }
    if (o) {
        if (apply_flag(c, &w, "--workers", "workers", o->workers) != 0 ||
            apply_flag(c, &w, "--clients", "clients", o->clients) != 0 ||
            apply_flag(c, &w, "--duration", "duration", o->duration) != 0 ||
            apply_flag(c, &w, "--rounds", "rounds", o->rounds) != 0 ||
            apply_flag(c, &w, "--seed", "seed", o->seed) != 0 ||
            apply_flag(c, &w, "--scoreboard", "scoreboard", o->scoreboard) != 0)
            return -1;
    }

    if (c->workers == 0 || c->workers > MAX_WORKERS) {
        errorf(w.workers, "workers must be from 1 to %d (each worker is a process; use about "
                          "one per CPU)", MAX_WORKERS);
        return -1;
    }

    /* clients and ramp_start default to each other, and to workers (10 for a URL run) */
    if (!w.clients && !w.ramp_start) {
        c->clients = c->workers;
        if (L->url_mode && c->clients < DEFAULT_URL_CLIENTS)
            c->clients = DEFAULT_URL_CLIENTS;
        c->ramp_start = L->url_mode ? c->clients : c->workers;
    } else if (!w.ramp_start) {
        c->ramp_start = L->url_mode ? c->clients
                        : c->clients < c->workers ? c->clients : c->workers;
    } else if (!w.clients) {
        c->clients = c->ramp_start;
        if (c->clients == 0) {
            errorf(w.ramp_start, "ramp_start is 0 and clients is not set (set clients, the "
                                 "total number of clients)");
            return -1;
        }
    }
    if (c->clients == 0) {
        errorf(w.clients, "clients must be at least 1");
        return -1;
    }
    if (c->clients > MAX_CLIENTS) {
        errorf(w.clients ? w.clients : w.ramp_start,
               "clients must be at most 10M (the total over all workers)");
        return -1;
    }
    if (c->ramp_start > c->clients) {
        errorf(w.ramp_start,
               "ramp_start (%llu) is more than clients (%llu) (lower ramp_start or raise "
               "clients)",
               (unsigned long long)c->ramp_start, (unsigned long long)c->clients);
        return -1;
    }
    if (L->url_mode && c->rounds == 0 && !w.duration)
        c->duration_ns = DEFAULT_URL_DURATION_NS;
    if (c->rounds == 0 && c->duration_ns == 0) {
        errorf(w.rounds ? w.rounds : w.duration,
               "rounds = 0 runs until the duration is over, but there is no duration (set "
               "one, e.g. duration = 10s, or set rounds)");
        return -1;
    }
    return 0;
}

/* ---- the whole load ------------------------------------------------------------------- */

static void free_load(struct load *L)
{
    for (size_t i = 0; i < L->nents; i++) {
        free(L->ents[i].key);
        free(L->ents[i].value);
        free(L->ents[i].where);
    }
    free(L->ents);
    for (size_t i = 0; i < L->nreqs; i++)
        free(L->reqs[i].name);
    free(L->reqs);
    for (size_t i = 0; i < L->nplugs; i++)
        free(L->plugs[i].name);
    free(L->plugs);
    free(L->dir);
}

/* ---- building [plugin NAME] and the [run] keys plugins can read ------------------------ */

static int copy_entries(const struct load *L, int sec, size_t req, char ***keys, char ***values,
                        size_t *n)
{
    size_t count = 0;
    for (size_t i = 0; i < L->nents; i++)
        count += L->ents[i].sec == sec && L->ents[i].req == req;
    *keys = calloc(count + 1, sizeof **keys);
    *values = calloc(count + 1, sizeof **values);
    if (!*keys || !*values)
        return -1;
    for (size_t i = 0; i < L->nents; i++) {
        const struct entry *e = &L->ents[i];
        if (e->sec != sec || e->req != req)
            continue;
        if (!((*keys)[*n] = strdup(e->key)) || !((*values)[*n] = strdup(e->value)))
            return -1;
        (*n)++;
    }
    return 0;
}

static int add_plugin(struct load *L, const char *name, long sec_index, const char *where)
{
    struct config *c = L->c;
    for (size_t i = 0; i < c->nplugins; i++)
        if (strcmp(c->plugins[i].name, name) == 0) {
            errorf(where, "plugin '%.60s' is named twice in plugins (load it once)", name);
            return -1;
        }
    struct plugin_conf *v = realloc(c->plugins, (c->nplugins + 1) * sizeof *v);
    if (!v)
        return -1;
    c->plugins = v;
    struct plugin_conf *p = &v[c->nplugins++];
    memset(p, 0, sizeof *p);
    if (!(p->name = strdup(name)) || !(p->where = strdup(where)))
        return -1;
    if (sec_index >= 0 && copy_entries(L, SEC_PLUGIN, (size_t)sec_index, &p->keys, &p->values,
                                       &p->nkeys) != 0)
        return -1;
    if (!(p->wheres = calloc(p->nkeys + 1, sizeof *p->wheres)))
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < L->nents; i++) {
        const struct entry *e = &L->ents[i];
        if (e->sec != SEC_PLUGIN || sec_index < 0 || e->req != (size_t)sec_index)
            continue;
        /* in the order copy_entries took them */
        if (k < p->nkeys && !(p->wheres[k++] = strdup(e->where)))
            return -1;
        if (strcmp(e->key, "path") == 0 && set_path(L, &p->path, e) != 0)
            return -1;
    }
    return 0;
}

static int build_plugins(struct load *L)
{
    struct config *c = L->c;
    if (copy_entries(L, SEC_RUN, 0, &c->run_keys, &c->run_values, &c->nrun) != 0) {
        oom(L->path);
        return -1;
    }
    const struct entry *list = NULL;
    for (size_t i = 0; i < L->nents; i++)
        if (L->ents[i].sec == SEC_RUN && strcmp(L->ents[i].key, "plugins") == 0)
            list = &L->ents[i];
    if (!list) { /* no list: every [plugin NAME] section, in file order */
        for (size_t i = 0; i < L->nplugs; i++) {
            char where[64 + 4096];
            snprintf(where, sizeof where, "%s:%d", L->path, L->plugs[i].line);
            if (add_plugin(L, L->plugs[i].name, (long)i, where) != 0)
                return -1;
        }
        return 0;
    }
    const char *p = list->value;
    while (*p) {
        size_t n = strcspn(p, " \t,");
        if (n) {
            char *name = dup_range(p, n);
            if (!name) {
                oom(list->where);
                return -1;
            }
            long sec = -1;
            for (size_t i = 0; i < L->nplugs; i++)
                if (strcmp(L->plugs[i].name, name) == 0)
                    sec = (long)i;
            int rc = add_plugin(L, name, sec, list->where);
            free(name);
            if (rc != 0)
                return -1;
        }
        p += n;
        p += strspn(p, " \t,");
    }
    return 0;
}

static int finish(struct load *L, const struct config_overrides *o)
{
    if (o)
        for (size_t i = 0; i < o->ndefines; i++)
            if (o->defines && o->defines[i] && add_define(L, o->defines[i]) != 0)
                return -1;
    if (build_run(L, o) != 0 || build_requests(L) != 0 || build_dns(L) != 0 ||
        build_plugins(L) != 0)
        return -1;
    if (L->dir && !(L->c->dir = strdup(L->dir))) {
        oom(L->path);
        return -1;
    }
    return 0;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return dup_range(path, (size_t)(slash - path));
}

int config_load(struct config *c, const char *path, const struct config_overrides *o)
{
    memset(c, 0, sizeof *c);
    if (!path) {
        errorf("config", "no INI file given");
        return -1;
    }
    struct load L = {.c = c, .path = path};
    c->path = strdup(path);
    L.dir = dir_of(path);
    if (!c->path || !L.dir) {
        oom(path);
        goto fail;
    }
    L.fp = fopen(path, "r");
    if (!L.fp) {
        errorf(path, "cannot read: %s", strerror(errno));
        goto fail;
    }
    int rc = ini_parse_stream(read_line, &L, on_value, &L);
    if (!L.failed && L.read_errno) {
        errorf(path, "cannot read: %s", strerror(L.read_errno));
        L.failed = 1;
    }
    fclose(L.fp);
    if (L.failed)
        goto fail;
    if (rc != 0) { /* not expected: the reader already refuses what inih would */
        char where[64 + 4096];
        snprintf(where, sizeof where, "%s:%d", path, rc);
        errorf(where, "syntax error (expected 'key = value' or '[section]')");
        goto fail;
    }
    if (finish(&L, o) != 0)
        goto fail;
    free_load(&L);
    return 0;
fail:
    free_load(&L);
    config_free(c);
    return -1;
}

int config_from_url(struct config *c, const char *url, const struct config_overrides *o)
{
    memset(c, 0, sizeof *c);
    struct load L = {.c = c, .url_mode = 1};
    int rc = -1;
    char *where = NULL;
    if (!url)
        url = "";
    size_t wl = strlen(url) + 8;
    where = malloc(wl);
    if (!where) {
        oom("URL");
        goto out;
    }
    snprintf(where, wl, "URL '%s'", url);
    L.path = where;
    /* the request is named after the URL's path: "/api/items", or "url" for "/" */
    struct url u;
    const char *why;
    if (url_parse(url, &u, &why) != 0) {
        errorf(where, "%s", why);
        goto out;
    }
    size_t plen = strcspn(u.target, "?");
    char *name = plen <= 1 ? strdup("url") : dup_range(u.target, plen);
    url_free(&u);
    L.reqs = malloc(sizeof *L.reqs);
    if (!name || !L.reqs) {
        free(name);
        oom(where);
        goto out;
    }
    L.reqs[0].name = name;
    L.reqs[0].line = 0;
    L.nreqs = L.cap_reqs = 1;
    if (push_entry(&L, SEC_REQUEST, 0, "url", url, where, 0, 0, LVL_REQUEST_FILE) != 0)
        goto out;
    rc = finish(&L, o);
out:
    free_load(&L);
    free(where);
    if (rc != 0) {
        config_free(c);
        return -1;
    }
    for (size_t i = 0; i < c->nrequests; i++)
        c->requests[i].file = "(command line)";
    return 0;
}

void config_free(struct config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nrequests; i++)
        free_request(&c->requests[i]);
    free(c->requests);
    for (size_t i = 0; i < c->ndns; i++) {
        free(c->dns[i].name);
        free(c->dns[i].address);
    }
    free(c->dns);
    free(c->path);
    free(c->scoreboard);
    free(c->dns_server);
    for (size_t i = 0; i < c->nplugins; i++) {
        struct plugin_conf *p = &c->plugins[i];
        for (size_t k = 0; k < p->nkeys; k++) {
            free(p->keys[k]);
            free(p->values[k]);
        }
        for (size_t k = 0; p->wheres && k < p->nkeys; k++)
            free(p->wheres[k]);
        free(p->keys);
        free(p->values);
        free(p->wheres);
        free(p->name);
        free(p->path);
        free(p->where);
    }
    free(c->plugins);
    for (size_t k = 0; k < c->nrun; k++) {
        free(c->run_keys[k]);
        free(c->run_values[k]);
    }
    free(c->run_keys);
    free(c->run_values);
    free(c->dir);
    free(c->json_path);
    free(c->trace_path);
    memset(c, 0, sizeof *c);
}
