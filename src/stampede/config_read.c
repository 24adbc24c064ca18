/* config_read: everything the user wrote, turned into one list of entries (section, key,
 * value, where it came from): the INI file's lines, then the -D strings in order, then the
 * command-line flags. Each key is looked up in the table (config_keys.c) as it is read, so
 * that an unknown or misplaced key is reported at its line with a suggestion. Building the
 * config from the entries is config_build.c's part.
 *
 * The INI reader is our own rather than inih: lines up to CONFIG_LINE_MAX characters, and it
 * knows the line of every setting it hands over. Its syntax is inih's (as Python's
 * configparser): "key = value" or "key: value", ';' or '#' comments, an inline ';' comment
 * after whitespace, indented lines continuing the previous key. A section whose lines are not
 * settings ([thresholds]: "p99 < 250ms") has each line taken whole, comments cut. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/stat.h>

#include "config_int.h"
#include "regfile.h"
#include "strutil.h"

/* The longest line of an INI file, without its line end. */
#define CONFIG_LINE_MAX (64 * 1024)

static int section_of_word(const char *word)
{
    for (int i = 0; config_section_words[i]; i++)
        if (strcasecmp(word, config_section_words[i]) == 0)
            return i + 1;
    return SEC_NONE;
}

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

static const char *section_label(const struct load *L, int sec, size_t idx, char *buf,
                                 size_t len)
{
    switch (sec) {
    case SEC_REQUEST:
        snprintf(buf, len, "[request %.60s]", L->reqs[idx].name);
        return buf;
    case SEC_PLUGIN:
        snprintf(buf, len, "[plugin %.60s]", L->plugs[idx].name);
        return buf;
    case SEC_SEQUENCE:
        snprintf(buf, len, "[sequence %.60s]", L->seqs[idx].name);
        return buf;
    case SEC_DATA:
        snprintf(buf, len, "[data %.60s]", L->datas[idx].name);
        return buf;
    case SEC_NONE:
        return "the file";
    default:
        snprintf(buf, len, "[%s]", config_sections[sec].word);
        return buf;
    }
}

/* ---- keys ----------------------------------------------------------------------------- */

/* Where a key that is not allowed here does belong, from its sections in the table. */
static const char *belongs_in(const struct config_key *k)
{
    if (k->sections & SEC_BIT(SEC_RUN))
        return "[run]";
    if (k->sections & SEC_BIT(SEC_REQUEST))
        return "[defaults] or a [request NAME]";
    if (k->sections & SEC_BIT(SEC_SEQUENCE))
        return "a [sequence NAME]";
    if (k->sections & SEC_BIT(SEC_DATA))
        return "a [data NAME]";
    return "a [plugin NAME]";
}

/* Checks that `key` may stand in section `sec`: *kp is its row of the table, or NULL for a
 * [dns] host name or a plugin's own option. Prints the error and returns -1 if not. */
static int check_key(const struct load *L, const char *where, int sec, size_t idx,
                     const char *key, const struct config_key **kp)
{
    char lab[96], h[160];
    const char *label = section_label(L, sec, idx, lab, sizeof lab);
    *kp = NULL;
    if (sec == SEC_DNS) {
        if (str_is_host_name(key))
            return 0;
        config_errorf(where, "bad host name '%.60s' in [dns] (use letters, digits, '-' and '.')",
                      key);
        return -1;
    }
    if (*key == '\0') {
        config_errorf(where, "missing key before '=' in %s (write key = value)", label);
        return -1;
    }
    const struct config_key *k = config_key_find(key);
    if (k && (k->sections & SEC_BIT(sec))) {
        *kp = k;
        return 0;
    }
    if (config_sections[sec].any_key) /* a plugin's own option */
        return 0;
    if (k) {
        config_errorf(where, "unknown key '%.60s' in %s (it belongs in %s)", key, label,
                      belongs_in(k));
        return -1;
    }
    const char **names = calloc(config_nkeys + 1, sizeof *names);
    if (!names) {
        config_oom(where);
        return -1;
    }
    config_key_names(sec, names);
    static const char *const header_like[] = {"host", "accept", "authorization", "cookie",
                                              "connection", NULL};
    int is_header = strchr(key, '-') != NULL;
    for (size_t i = 0; header_like[i]; i++)
        is_header |= strcmp(key, header_like[i]) == 0;
    const struct config_key *header = config_key_find("header");
    const char *fallback = is_header && (header->sections & SEC_BIT(sec))
                               ? "headers are written header = Name: value"
                               : config_sections[sec].keys_hint;
    config_errorf(where, "unknown key '%.60s' in %s%s", key, label,
                  config_hint(key, names, fallback, h, sizeof h));
    free(names);
    return -1;
}

struct entry *config_push_entry(struct load *L, int sec, size_t idx, const struct config_key *k,
                                const char *key, const char *value, const char *where, int line,
                                int level)
{
    if (L->nents == L->cap_ents) {
        size_t cap = L->cap_ents ? L->cap_ents * 2 : 32;
        struct entry *e = realloc(L->ents, cap * sizeof *e);
        if (!e) {
            config_oom(where);
            return NULL;
        }
        L->ents = e;
        L->cap_ents = cap;
    }
    struct entry *e = &L->ents[L->nents];
    memset(e, 0, sizeof *e);
    e->sec = sec;
    e->idx = idx;
    e->k = k;
    e->key = str_dup_lower(key, strlen(key));
    e->value = strdup(value);
    e->where = strdup(where);
    e->line = line;
    e->from_file = line > 0;
    e->level = level;
    L->nents++; /* counted before the check so that config_load_free frees a partial entry */
    if (!e->key || !e->value || !e->where) {
        config_oom(where);
        return NULL;
    }
    return e;
}

/* body and body_file fill the same slot: the name a key is compared by for duplicates. */
static const char *slot_of(const struct entry *e)
{
    return e->k ? (e->k->slot ? e->k->slot : e->k->name) : e->key;
}

/* ---- the INI file --------------------------------------------------------------------- */

struct reader {
    struct load *L;
    FILE *fp;
    int lineno;
    char where[64 + 4096];
    int sec;          /* enum config_section of the current section */
    size_t idx;       /* its request or plugin index */
    int have_prev;    /* a key line since the section header: indented lines continue it */
    size_t prev;      /* the entry made by the last key line */
};

/* The first of `chars` in s, or the start of an inline comment (';' after whitespace). */
static char *find_sep(char *s, const char *chars)
{
    int was_space = 0;
    while (*s && !strchr(chars, *s) && !(was_space && *s == ';')) {
        was_space = isspace((unsigned char)*s);
        s++;
    }
    return s;
}

/* The value part of a line: inline comment cut, whitespace trimmed, in place. */
static char *clean_value(char *v)
{
    *find_sep(v, "") = '\0';
    while (isspace((unsigned char)*v))
        v++;
    size_t n = strlen(v);
    while (n > 0 && isspace((unsigned char)v[n - 1]))
        v[--n] = '\0';
    return v;
}

static int key_line(struct reader *R, char *start, char *sep)
{
    struct load *L = R->L;
    char *key = dup_trimmed(start, (size_t)(sep - start));
    if (!key) {
        config_oom(R->where);
        return -1;
    }
    char *value = clean_value(sep + 1);
    R->have_prev = *key != '\0';
    if (R->sec == SEC_NONE) {
        config_errorf(R->where, "'%.60s' is outside any section (put it under [run], "
                                "[defaults], [request NAME] or [dns])", key);
        free(key);
        return -1;
    }
    char *lower = str_dup_lower(key, strlen(key));
    free(key);
    const struct config_key *k;
    if (!lower) {
        config_oom(R->where);
        return -1;
    }
    if (check_key(L, R->where, R->sec, R->idx, lower, &k) != 0) {
        free(lower);
        return -1;
    }
    if (R->sec == SEC_SEQUENCE && (strcmp(lower, "url") == 0 || strcmp(lower, "postdata") == 0)) {
        int rc = *lower == 'u' ? config_sequence_url(L, R->idx, value, R->where, R->lineno)
                               : config_sequence_postdata(L, R->idx, value, R->where, R->lineno);
        free(lower);
        R->have_prev = 0;
        return rc;
    }
    int repeats = k && ((k->flags & KF_REPEAT) ||
                        (R->sec == SEC_SEQUENCE && strcmp(k->name, "requests") == 0));
    struct entry probe = {.k = k, .key = lower};
    if (!repeats) {
        for (size_t i = 0; i < L->nents; i++) {
            const struct entry *e = &L->ents[i];
            if (e->sec != R->sec || e->idx != R->idx || strcmp(slot_of(e), slot_of(&probe)) != 0)
                continue;
            if (strcmp(e->key, lower) == 0)
                config_errorf(R->where, "'%.60s' is already set at line %d (keep one)", lower,
                              e->line);
            else
                config_errorf(R->where, "'%s' conflicts with '%s' at line %d (keep one)", lower,
                              e->key, e->line);
            free(lower);
            return -1;
        }
    }
    int level = R->sec == SEC_DEFAULTS ? LVL_DEFAULTS_FILE : LVL_REQUEST_FILE;
    struct entry *e = config_push_entry(L, R->sec, R->idx, k, lower, value, R->where,
                                        R->lineno, level);
    free(lower);
    R->prev = L->nents - 1;
    return e ? 0 : -1;
}

/* An indented line after a key: more body, one more header, or an error. */
static int continuation_line(struct reader *R, char *start)
{
    struct load *L = R->L;
    const char *value = clean_value(start);
    struct entry *prev = &L->ents[R->prev];
    unsigned flags = prev->k ? prev->k->flags : 0;
    if (flags & KF_JOIN) {
        size_t a = strlen(prev->value), b = strlen(value);
        char *v = realloc(prev->value, a + b + 2);
        if (!v) {
            config_oom(R->where);
            return -1;
        }
        v[a] = '\n';
        memcpy(v + a + 1, value, b + 1);
        prev->value = v;
        return 0;
    }
    if (flags & KF_REPEAT)
        return config_push_entry(L, prev->sec, prev->idx, prev->k, prev->key, value, R->where,
                                 R->lineno, prev->level)
                   ? 0
                   : -1;
    config_errorf(R->where, "indented line continues '%.60s' from line %d, which takes one line "
                            "(remove the indentation)", prev->key, prev->line);
    return -1;
}

/* A new named section `what` at the end of *v (its names unique); takes name. Returns its
 * index, or -1 after the message (a duplicate, or out of memory). */
static long add_named(struct named_section **v, size_t *n, size_t *cap, char *name, int line,
                      const char *where, const char *what)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].name, name) == 0) {
            config_errorf(where, "duplicate %s name '%.60s' (first at line %d; names must be "
                                 "unique)", what, name, (*v)[i].line);
            free(name);
            return -1;
        }
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        struct named_section *r = realloc(*v, c * sizeof *r);
        if (!r) {
            free(name);
            config_oom(where);
            return -1;
        }
        *v = r;
        *cap = c;
    }
    memset(&(*v)[*n], 0, sizeof **v);
    (*v)[*n].name = name;
    (*v)[*n].line = line;
    return (long)(*n)++;
}

/* The index of plugin section `name`, added when new (a repeated section merges); takes name.
 * define is the -D that makes it, or NULL for a section of the file. */
static int add_plugin_section(struct load *L, char *name, int line, const char *define)
{
    for (size_t i = 0; i < L->nplugs; i++)
        if (strcmp(L->plugs[i].name, name) == 0) {
            free(name);
            return (int)i;
        }
    if (L->nplugs == L->cap_plugs) {
        size_t cap = L->cap_plugs ? L->cap_plugs * 2 : 4;
        struct named_section *r = realloc(L->plugs, cap * sizeof *r);
        if (!r) {
            free(name);
            return -1;
        }
        L->plugs = r;
        L->cap_plugs = cap;
    }
    L->plugs[L->nplugs].name = name;
    L->plugs[L->nplugs].line = line;
    L->plugs[L->nplugs].where = define ? strdup(define) : NULL;
    if (define && !L->plugs[L->nplugs].where) {
        free(name);
        return -1;
    }
    return (int)L->nplugs++;
}

/* A new [request NAME]; takes name. */
static int add_request_section(struct reader *R, char *name)
{
    int i = config_add_request_section(R->L, name, R->lineno, R->where);
    if (i < 0)
        return -1;
    R->idx = (size_t)i;
    R->sec = SEC_REQUEST;
    return 0;
}

/* A new [data NAME]; takes name. */
static int add_data_section(struct reader *R, char *name)
{
    if (strchr(name, '.') || strchr(name, '}')) {
        config_errorf(R->where, "data name '%.60s' may not contain '.' or '}' (its columns are "
                                "${NAME.column})", name);
        free(name);
        return -1;
    }
    long i = add_named(&R->L->datas, &R->L->ndatas, &R->L->cap_datas, name, R->lineno,
                       R->where, "data");
    if (i < 0)
        return -1;
    R->idx = (size_t)i;
    R->sec = SEC_DATA;
    return 0;
}

/* A new [sequence NAME]; takes name. */
static int add_sequence_section(struct reader *R, char *name)
{
    struct load *L = R->L;
    long i = add_named(&L->seqs, &L->nseqs, &L->cap_seqs, name, R->lineno, R->where, "sequence");
    if (i < 0)
        return -1;
    L->seqs[i].inline_req = -1;
    R->idx = (size_t)i;
    R->sec = SEC_SEQUENCE;
    return 0;
}

int config_add_request_section(struct load *L, char *name, int line, const char *where)
{
    return (int)add_named(&L->reqs, &L->nreqs, &L->cap_reqs, name, line, where, "request");
}

/* "[run]", "[request NAME]" ...: sets the current section. */
static int section_line(struct reader *R, char *start)
{
    const char *where = R->where;
    char *close = find_sep(start + 1, "]");
    if (*close != ']') {
        config_errorf(where, "section header without ']' (write it as [request NAME])");
        return -1;
    }
    const char *after = close + 1;
    while (isspace((unsigned char)*after))
        after++;
    if (*after && *after != ';' && *after != '#') {
        config_errorf(where, "unexpected text after ']' (put comments on a line of their own)");
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
    int sec = section_of_word(word);
    if (sec == SEC_NONE) {
        char h[160];
        config_errorf(where, "unknown section '[%s]'%s", word,
                      config_hint(word, config_section_words,
                                  "use [run], [defaults], [request NAME], [sequence NAME], "
                                  "[data NAME], [plugin NAME], [dns], [tls] or [thresholds]",
                                  h, sizeof h));
        return -1;
    }
    const char *what = config_sections[sec].word;
    char *name = dup_trimmed(p, (size_t)(close - p));
    if (!name) {
        config_oom(where);
        return -1;
    }
    if (!config_sections[sec].named) {
        int named = *name != '\0';
        free(name);
        if (named) {
            config_errorf(where, "[%s] takes no name (write it as [%s])", what, what);
            return -1;
        }
        R->sec = sec;
        return 0;
    }
    if (!*name) {
        config_errorf(where, "[%s] needs a name (write it as [%s NAME])", what, what);
        free(name);
        return -1;
    }
    for (const char *q = name; *q; q++)
        if (isspace((unsigned char)*q) || *q == '=' || (unsigned char)*q < 0x20 || *q == 0x7f) {
            config_errorf(where, "%s name '%.60s' may not contain spaces, '=' or control "
                                 "characters (use - or _)", what, name);
            free(name);
            return -1;
        }
    if (sec == SEC_REQUEST)
        return add_request_section(R, name);
    if (sec == SEC_SEQUENCE)
        return add_sequence_section(R, name);
    if (sec == SEC_DATA)
        return add_data_section(R, name);
    int i = add_plugin_section(R->L, name, R->lineno, NULL);
    if (i < 0) {
        config_oom(where);
        return -1;
    }
    R->idx = (size_t)i;
    R->sec = SEC_PLUGIN;
    return 0;
}

/* A line of a raw section, kept as written (inline comment cut) for its builder to parse. */
static int raw_line(struct reader *R, char *start)
{
    const char *value = clean_value(start);
    return config_push_entry(R->L, R->sec, 0, NULL, "", value, R->where, R->lineno,
                             LVL_DEFAULTS_FILE)
               ? 0
               : -1;
}

/* One line, its line end removed: a comment, a continuation, a section or a setting. */
static int handle_line(struct reader *R, char *line)
{
    char *start = line;
    while (isspace((unsigned char)*start))
        start++;
    if (*start == '\0' || *start == ';' || *start == '#')
        return 0;
    if (R->have_prev && start > line)
        return continuation_line(R, start);
    if (*start == '[') {
        R->have_prev = 0;
        return section_line(R, start);
    }
    if (config_sections[R->sec].raw)
        return raw_line(R, start);
    char *sep = find_sep(start, "=:");
    if (*sep != '=' && *sep != ':') {
        config_errorf(R->where, "expected 'key = value' or '[section]' (comments start with ; "
                                "or #)");
        return -1;
    }
    return key_line(R, start, sep);
}

/* Reads one line into buf (room for CONFIG_LINE_MAX + 1 bytes): 1, 0 at the end, -1 on an
 * error (printed). A longer line is read to its end and refused. */
static int read_line(struct reader *R, char *buf)
{
    size_t n = 0;
    int c, any = 0, nul = 0;
    while ((c = getc(R->fp)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        nul |= c == '\0';
        if (n <= CONFIG_LINE_MAX)
            buf[n] = (char)c;
        n++;
    }
    if (c == EOF && ferror(R->fp)) {
        config_errorf(R->L->path, "cannot read: %s", strerror(errno ? errno : EIO));
        return -1;
    }
    if (!any)
        return 0;
    R->lineno++;
    snprintf(R->where, sizeof R->where, "%s:%d", R->L->path, R->lineno);
    if (n > 0 && n <= CONFIG_LINE_MAX + 1 && buf[n - 1] == '\r')
        n--; /* CRLF files */
    if (n > CONFIG_LINE_MAX) {
        config_errorf(R->where, "line too long (at most %d characters; put long bodies in "
                                "body_file)", CONFIG_LINE_MAX);
        return -1;
    }
    if (nul) {
        config_errorf(R->where, "NUL byte in the file (is it a text file?)");
        return -1;
    }
    buf[n] = '\0';
    if (R->lineno == 1 && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        memmove(buf, buf + 3, n - 3 + 1); /* a UTF-8 byte order mark, and the NUL */
    return 1;
}

/* "-" is standard input; anything else must be a regular file, refused at once when not: a
 * FIFO would hang the run before it starts, a directory or a device would read forever. */
static FILE *open_ini(const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    struct stat st;
    const char *why;
    FILE *f = regfile_open(path, &st, &why);
    if (!f && strcmp(why, REGFILE_NOT_REGULAR) == 0)
        config_errorf(path, "%s (give an INI file, a URL, or - for standard input)", why);
    else if (!f)
        config_errorf(path, "cannot read: %s", why);
    return f;
}

int config_read_file(struct load *L, const char *path)
{
    struct reader R = {.L = L};
    R.fp = open_ini(path);
    if (!R.fp)
        return -1;
    char *buf = malloc(CONFIG_LINE_MAX + 2);
    if (!buf) {
        fclose(R.fp);
        config_oom(path);
        return -1;
    }
    int rc;
    while ((rc = read_line(&R, buf)) > 0)
        if (handle_line(&R, buf) != 0) {
            rc = -1;
            break;
        }
    free(buf);
    if (R.fp != stdin)
        fclose(R.fp);
    return rc;
}

/* ---- -D section.key=value ------------------------------------------------------------- */

/* "request.NAME.key": the request's index; rest is left at "key". */
static int define_request(struct load *L, const char *where, char **rest, size_t *idx)
{
    char *kdot = strrchr(*rest, '.');
    if (!kdot) {
        config_errorf(where, "expected request.NAME.KEY=VALUE (for example -D "
                             "request.home.timeout=5s)");
        return -1;
    }
    *kdot = '\0';
    const char *name = *rest;
    *rest = kdot + 1;
    for (size_t i = 0; i < L->nreqs; i++)
        if (strcmp(L->reqs[i].name, name) == 0) {
            *idx = i;
            return 0;
        }
    const char **names = calloc(L->nreqs + 1, sizeof *names);
    if (!names) {
        config_oom(where);
        return -1;
    }
    for (size_t j = 0; j < L->nreqs; j++)
        names[j] = L->reqs[j].name;
    char h[160];
    config_errorf(where, "no request named '%.60s'%s", name,
                  config_hint(name, names, "request names are the NAME of [request NAME]", h,
                              sizeof h));
    free(names);
    return -1;
}

/* "plugin.NAME.key": the plugin section's index, made when the file has none. */
static int define_plugin(struct load *L, const char *where, char **rest, size_t *idx)
{
    char *kdot = strrchr(*rest, '.');
    if (!kdot || kdot == *rest) {
        config_errorf(where, "expected plugin.NAME.KEY=VALUE (for example -D "
                             "plugin.logger.file=out.log)");
        return -1;
    }
    char *name = dup_range(*rest, (size_t)(kdot - *rest));
    int i = name ? add_plugin_section(L, name, 0, where) : -1;
    if (i < 0) {
        config_oom(where);
        return -1;
    }
    *idx = (size_t)i;
    *rest = kdot + 1;
    return 0;
}

static int read_define(struct load *L, const char *d)
{
    size_t wl = strlen(d) + 4;
    char *where = malloc(wl);
    if (!where) {
        config_oom("-D");
        return -1;
    }
    snprintf(where, wl, "-D %s", d);
    int rc = -1;
    char *lhs = NULL, *val = NULL, *key = NULL;
    const char *eq = strchr(d, '=');
    const char *dot = eq ? memchr(d, '.', (size_t)(eq - d)) : NULL;
    if (!eq || !dot) {
        config_errorf(where, "expected SECTION.KEY=VALUE (for example -D run.workers=4)");
        goto out;
    }
    lhs = dup_trimmed(d, (size_t)(eq - d));
    val = dup_trimmed(eq + 1, strlen(eq + 1));
    if (!lhs || !val) {
        config_oom(where);
        goto out;
    }
    char *ldot = strchr(lhs, '.'); /* never NULL: the dot is not whitespace */
    if (!ldot)
        goto out;
    *ldot = '\0';
    char *rest = ldot + 1;
    int sec = section_of_word(lhs);
    if (sec == SEC_NONE) {
        char h[160];
        config_errorf(where, "unknown section '%.40s'%s", lhs,
                      config_hint(lhs, config_section_words,
                                  "use run., defaults., request.NAME., plugin.NAME., dns. or "
                                  "tls.", h, sizeof h));
        goto out;
    }
    if (config_sections[sec].raw || sec == SEC_SEQUENCE || sec == SEC_DATA) {
        config_errorf(where, "[%s] takes lines of the file, not -D (write them in the file)",
                      config_sections[sec].word);
        goto out;
    }
    size_t idx = 0;
    int level = LVL_DEFAULTS_D;
    if (sec == SEC_REQUEST) {
        if (define_request(L, where, &rest, &idx) != 0)
            goto out;
        level = LVL_REQUEST_D;
    } else if (sec == SEC_PLUGIN && define_plugin(L, where, &rest, &idx) != 0) {
        goto out;
    }
    key = str_dup_lower(rest, strlen(rest));
    if (!key) {
        config_oom(where);
        goto out;
    }
    const struct config_key *k;
    if (check_key(L, where, sec, idx, key, &k) != 0)
        goto out;
    rc = config_push_entry(L, sec, idx, k, key, val, where, 0, level) ? 0 : -1;
out:
    free(key);
    free(lhs);
    free(val);
    free(where);
    return rc;
}

int config_read_defines(struct load *L, const char *const *defines, size_t n)
{
    for (size_t i = 0; defines && i < n; i++)
        if (defines[i] && read_define(L, defines[i]) != 0)
            return -1;
    return 0;
}

/* ---- command-line flags --------------------------------------------------------------- */

int config_read_flags(struct load *L, const struct config_flag *flags, size_t n)
{
    for (size_t i = 0; flags && i < n; i++) {
        int no = 0;
        const struct config_key *k = config_key_by_flag(flags[i].name, &no);
        char where[64];
        snprintf(where, sizeof where, "--%.40s", flags[i].name);
        if (!k) { /* main offers only the table's flags */
            config_errorf(where, "unknown option (see stampede --help)");
            return -1;
        }
        int sec = SEC_RUN;
        for (int s = SEC_RUN; s <= SEC_PLUGIN; s++)
            if (k->sections & SEC_BIT(s)) {
                sec = s;
                break;
            }
        const char *value = no ? "no" : flags[i].value ? flags[i].value : "yes";
        struct entry *e = config_push_entry(L, sec, 0, k, k->name, value, where, 0, LVL_FLAG);
        if (!e)
            return -1;
        e->from_flag = 1;
    }
    return 0;
}

void config_load_free(struct load *L)
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
    for (size_t i = 0; i < L->nplugs; i++) {
        free(L->plugs[i].name);
        free(L->plugs[i].where);
    }
    free(L->plugs);
    for (size_t i = 0; i < L->nseqs; i++)
        free(L->seqs[i].name);
    free(L->seqs);
    for (size_t i = 0; i < L->ndatas; i++)
        free(L->datas[i].name);
    free(L->datas);
    free(L->dir);
    memset(L, 0, sizeof *L);
}

/* ---- the two ways in ------------------------------------------------------------------ */

static int read_overrides(struct load *L, const struct config_overrides *o)
{
    if (!o)
        return 0;
    if (config_read_defines(L, o->defines, o->ndefines) != 0)
        return -1;
    return config_read_flags(L, o->flags, o->nflags);
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
        config_errorf("config", "no INI file given");
        return -1;
    }
    /* standard input is named "(stdin)" in messages; its relative paths are relative to the
     * current directory, as -D's are */
    int is_stdin = strcmp(path, "-") == 0;
    struct load L = {.c = c, .path = is_stdin ? "(stdin)" : path};
    c->path = strdup(path);
    L.dir = is_stdin ? strdup(".") : dir_of(path);
    int rc = -1;
    if (!c->path || !L.dir)
        config_oom(path);
    else if (config_read_file(&L, path) == 0 && read_overrides(&L, o) == 0)
        rc = config_build(&L);
    config_load_free(&L);
    if (rc != 0)
        config_free(c);
    return rc;
}

int config_from_url(struct config *c, const char *url, const struct config_overrides *o)
{
    memset(c, 0, sizeof *c);
    struct load L = {.c = c, .url_mode = 1};
    int rc = -1;
    if (!url)
        url = "";
    size_t wl = strlen(url) + 8;
    char *where = malloc(wl);
    if (!where) {
        config_oom("URL");
        goto out;
    }
    snprintf(where, wl, "URL '%s'", url);
    L.path = where;
    /* the request is named after the URL's path: "/api/items", or "url" for "/" */
    struct url u;
    const char *why;
    if (url_parse(url, &u, &why) != 0) {
        config_errorf(where, "%s", why);
        goto out;
    }
    size_t plen = strcspn(u.target, "?");
    char *name = plen <= 1 ? strdup("url") : dup_range(u.target, plen);
    url_free(&u);
    L.reqs = malloc(sizeof *L.reqs);
    if (!name || !L.reqs) {
        free(name);
        config_oom(where);
        goto out;
    }
    L.reqs[0].name = name;
    L.reqs[0].line = 0;
    L.nreqs = L.cap_reqs = 1;
    if (config_push_entry(&L, SEC_REQUEST, 0, config_key_find("url"), "url", url, where, 0,
                          LVL_REQUEST_FILE) &&
        read_overrides(&L, o) == 0)
        rc = config_build(&L);
out:
    config_load_free(&L);
    free(where);
    if (rc != 0) {
        config_free(c);
        return -1;
    }
    for (size_t i = 0; i < c->nrequests; i++)
        c->requests[i].file = "(command line)";
    return 0;
}
