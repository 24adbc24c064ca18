/* ammo: reading an ammo file, telling its format, and the two sized formats (phantom, stpd),
 * whose requests are used where they lie in the file. uri-style is in ammo_uri.c. */
#include "ammo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strutil.h"

/* A NUL-terminated copy of s[0..n): s is the file, not a string (strndup would look for a NUL
 * beyond n). */
static char *dup_bytes(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

int ammo_fail(struct ammo_parse_ctx *x, size_t off, const char *fmt, ...)
{
    size_t line = 1;
    for (size_t i = 0; i < off && i < x->a->size; i++)
        line += x->a->data[i] == '\n';
    int n = snprintf(x->err, x->len, "%s:%zu: byte %zu: ", x->name, line, off);
    if (n < 0 || (size_t)n >= x->len)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err + n, x->len - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

struct ammo_entry *ammo_add_entry(struct ammo *a)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        struct ammo_entry *e = realloc(a->entries, cap * sizeof(*e));
        if (!e)
            return NULL;
        a->entries = e;
        a->cap = cap;
    }
    struct ammo_entry *e = &a->entries[a->n++];
    memset(e, 0, sizeof(*e));
    return e;
}

int ammo_tag(struct ammo_parse_ctx *x, size_t off, const char *tag, size_t n, uint32_t *index)
{
    struct ammo *a = x->a;
    if (n == 0) {
        tag = AMMO_DEFAULT_TAG;
        n = strlen(tag);
    }
    for (size_t i = 0; i < n; i++) {
        if (tag[i] == '\t')
            return ammo_fail(x, off, "the tag contains a tab (phout and trace lines are "
                                     "tab-separated: use another character)");
        if ((unsigned char)tag[i] < 0x20 || tag[i] == 0x7f)
            return ammo_fail(x, off, "the tag contains a control character");
    }
    if (n > AMMO_MAX_TAG_LEN)
        return ammo_fail(x, off, "the tag is longer than %d bytes", AMMO_MAX_TAG_LEN);
    for (size_t i = 0; i < a->ntags; i++)
        if (strlen(a->tags[i]) == n && memcmp(a->tags[i], tag, n) == 0) {
            *index = (uint32_t)i;
            return 0;
        }
    if (a->ntags == AMMO_MAX_TAGS)
        return ammo_fail(x, off, "more than %d different tags (each one is counted apart; "
                                 "use fewer tags)", AMMO_MAX_TAGS);
    char **v = realloc(a->tags, (a->ntags + 1) * sizeof(*v));
    if (!v)
        return ammo_fail(x, off, "out of memory");
    a->tags = v;
    if (!(v[a->ntags] = dup_bytes(tag, n)))
        return ammo_fail(x, off, "out of memory");
    *index = (uint32_t)a->ntags++;
    return 0;
}

const char *ammo_method(struct ammo *a, const char *method, size_t n)
{
    for (size_t i = 0; i < a->nmethods; i++)
        if (strlen(a->methods[i]) == n && memcmp(a->methods[i], method, n) == 0)
            return a->methods[i];
    char **v = realloc(a->methods, (a->nmethods + 1) * sizeof(*v));
    if (!v)
        return NULL;
    a->methods = v;
    if (!(v[a->nmethods] = dup_bytes(method, n)))
        return NULL;
    return v[a->nmethods++];
}

/* ---- the sized formats ----------------------------------------------------------------- */

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* The next word of line[*p..end): its start and length; *p moves past it and the blanks. */
static size_t next_word(const char *line, size_t *p, size_t end, size_t *start)
{
    while (*p < end && (line[*p] == ' ' || line[*p] == '\t'))
        (*p)++;
    *start = *p;
    while (*p < end && line[*p] != ' ' && line[*p] != '\t')
        (*p)++;
    size_t n = *p - *start;
    while (*p < end && (line[*p] == ' ' || line[*p] == '\t'))
        (*p)++;
    return n;
}

/* A whole decimal number of at most 15 digits (no sign, no unit). */
static int parse_number(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 15)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* One entry at line [off, end) of a phantom or stpd file; *next is where the following one
 * may start. */
static int parse_sized(struct ammo_parse_ctx *x, int stpd, size_t off, size_t end,
                       size_t *next, int64_t *last_ms)
{
    struct ammo *a = x->a;
    const char *d = a->data;
    size_t line_end = end > off && d[end - 1] == '\r' ? end - 1 : end;
    size_t p = off, w;
    size_t n = next_word(d, &p, line_end, &w);
    uint64_t size, ms = 0;
    if (parse_number(d + w, n, &size) < 0)
        return ammo_fail(x, off, "SIZE '%.*s' is not a number (each request starts with a line "
                                 "%s)", (int)(n > 40 ? 40 : n), d + w,
                         stpd ? "SIZE TIMESTAMP_MS [TAG]" : "SIZE [TAG]");
    if (stpd) {
        n = next_word(d, &p, line_end, &w);
        if (parse_number(d + w, n, &ms) < 0)
            return ammo_fail(x, w, "TIMESTAMP '%.*s' is not a number (milliseconds from the "
                                   "start of the run)", (int)(n > 40 ? 40 : n), d + w);
        if ((int64_t)ms > AMMO_MAX_MS)
            return ammo_fail(x, w, "timestamp %llu ms is more than a week after the start",
                             (unsigned long long)ms);
        if ((int64_t)ms < *last_ms)
            return ammo_fail(x, w, "timestamp %llu ms goes back in time (the one before is "
                                   "%lld ms): an stpd plan is in time order",
                             (unsigned long long)ms, (long long)*last_ms);
        *last_ms = (int64_t)ms;
    }
    uint32_t tag;
    if (ammo_tag(x, off, d + p, line_end - p, &tag) < 0)
        return -1;
    size_t body = end < a->size ? end + 1 : end;
    if (size == 0)
        return ammo_fail(x, off, "SIZE is 0: an empty request");
    if (size > a->size - body)
        return ammo_fail(x, off, "SIZE %llu goes past the end of the file (%zu bytes follow "
                                 "the line)", (unsigned long long)size, a->size - body);
    size_t m = 0;
    while (m < size && str_is_tchar((unsigned char)d[body + m]))
        m++;
    if (m == 0 || m == size || d[body + m] != ' ')
        return ammo_fail(x, body, "the request does not start with METHOD and a space (is the "
                                  "SIZE on the line before right?)");
    struct ammo_entry *e = ammo_add_entry(a);
    if (!e || !(e->method = ammo_method(a, d + body, m)))
        return ammo_fail(x, off, "out of memory");
    e->wire.bytes = a->data + body;
    e->wire.len = size;
    e->tag = tag;
    e->at_ns = (int64_t)ms * 1000000;
    *next = body + size;
    return 0;
}

static int parse_sized_file(struct ammo_parse_ctx *x, int stpd)
{
    struct ammo *a = x->a;
    int64_t last_ms = 0;
    size_t p = 0;
    for (;;) {
        /* blank lines between entries (Phantom writes a newline after each request) */
        while (p < a->size && is_space(a->data[p]))
            p++;
        if (p == a->size)
            return 0;
        const char *nl = memchr(a->data + p, '\n', a->size - p);
        size_t end = nl ? (size_t)(nl - a->data) : a->size;
        if (parse_sized(x, stpd, p, end, &p, &last_ms) < 0)
            return -1;
    }
}

/* ---- the file as a whole ---------------------------------------------------------------- */

/* The format of the first non-empty line at off: "[..." or "/..." is uri-style, "N M ..." with
 * two numbers stpd, another line starting with a digit phantom. */
static int detect(struct ammo_parse_ctx *x, size_t off)
{
    const char *d = x->a->data;
    size_t end = off;
    while (end < x->a->size && d[end] != '\n')
        end++;
    if (d[off] == '[' || d[off] == '/')
        return AMMO_URI;
    size_t p = off, w;
    uint64_t v;
    next_word(d, &p, end, &w);
    if (d[off] >= '0' && d[off] <= '9') { /* a bad SIZE is the parser's to explain */
        size_t n = next_word(d, &p, end, &w);
        while (n > 0 && d[w + n - 1] == '\r')
            n--;
        return parse_number(d + w, n, &v) == 0 ? AMMO_STPD : AMMO_PHANTOM;
    }
    return ammo_fail(x, off, "the first line is neither SIZE [TAG] (phantom), SIZE TIMESTAMP "
                             "[TAG] (stpd) nor /PATH or [Header: value] (uri-style) (set "
                             "ammo_format if it is one of them)");
}

int ammo_parse(struct ammo *a, const char *name, char *data, size_t size, int format,
               const struct ammo_target *t, char *err, size_t len)
{
    memset(a, 0, sizeof(*a));
    a->data = data;
    a->size = size;
    struct ammo_parse_ctx x = {.a = a, .name = name, .t = t, .err = err, .len = len};
    size_t first = 0;
    while (first < size && is_space(data[first]))
        first++;
    int rc = 0;
    if (first == size) {
        snprintf(err, len, "%s: the ammo file is empty (write requests in it, or leave ammo "
                           "out)", name);
        rc = -1;
    } else if (format == AMMO_AUTO && (format = detect(&x, first)) < 0) {
        rc = -1;
    }
    if (rc == 0) {
        a->format = format;
        rc = format == AMMO_URI ? ammo_parse_uri(&x) : parse_sized_file(&x, format == AMMO_STPD);
    }
    if (rc == 0 && a->n == 0)
        rc = ammo_fail(&x, size, "no requests in the file (only headers)");
    if (rc != 0)
        ammo_free(a); /* a file that is refused keeps nothing */
    return rc;
}

int ammo_load(struct ammo *a, const char *path, int format, const struct ammo_target *t,
              char *err, size_t len)
{
    memset(a, 0, sizeof(*a));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    const char *why = NULL;
    if (fd < 0 || fstat(fd, &st) < 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file";
    if (why) {
        snprintf(err, len, "%s: cannot read the ammo file: %s", path, why);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    char *data = malloc(size ? size : 1);
    size_t got = 0;
    while (data && got < size) {
        ssize_t r = read(fd, data + got, size - got);
        if (r <= 0) {
            snprintf(err, len, "%s: cannot read the ammo file: %s", path,
                     r < 0 ? strerror(errno) : "it shrank while being read");
            free(data);
            close(fd);
            return -1;
        }
        got += (size_t)r;
    }
    close(fd);
    if (!data) {
        snprintf(err, len, "%s: out of memory for the ammo file", path);
        return -1;
    }
    return ammo_parse(a, path, data, size, format, t, err, len);
}

void ammo_free(struct ammo *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->ntags; i++)
        free(a->tags[i]);
    for (size_t i = 0; i < a->nmethods; i++)
        free(a->methods[i]);
    free(a->tags);
    free(a->methods);
    free(a->entries);
    free(a->arena);
    free(a->data);
    memset(a, 0, sizeof(*a));
}
