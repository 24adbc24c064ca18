/* config_build: the entries read from the file, -D and the flags (config_read.c) turned into
 * the checked struct config.
 *
 * Each struct is built the same way, driven by the key table: every key allowed there starts
 * at its default; the entries are applied in layers, a later one replacing an earlier one
 * ([run]: file, -D, flags; a request: [tls], [defaults], its own section, each followed by
 * its -D); then each value the user set is checked, where it was last set, and stored. So an
 * override may correct a value of the file, and an error names the line that matters. What
 * the table cannot say (headers that merge, a body from a file, clients and ramp_start that
 * default to each other) is written out below. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "capture.h"
#include "check.h"
#include "template.h"
#include "config_int.h"
#include "ammo.h"
#include "local_ips.h"
#include "schedule.h"
#include "segment.h"
#include "threshold.h"
#include "regfile.h"
#include "strutil.h"
#include "units.h"

#define MAX_BODY_FILE ((size_t)64 * 1024 * 1024)
#define BODY_TOO_LARGE "larger than 64M (use a smaller body)"

/* ---- slots: the value of every key while a struct is built ---------------------------- */

static void slot_clear(struct slot *s, const struct config_key *k)
{
    if (s->has && config_type_is_string(s->by ? s->by->type : k->type))
        free(s->v.s);
    memset(s, 0, sizeof *s);
}

static void slots_free(struct slot *slots)
{
    for (size_t i = 0; i < config_nkeys; i++)
        slot_clear(&slots[i], &config_keys[i]);
    free(slots);
}

/* A fresh set of slots holding the defaults of the keys of section kind sec. */
static struct slot *slots_new(int sec, const char *where)
{
    struct slot *slots = calloc(config_nkeys, sizeof *slots);
    if (!slots) {
        config_oom(where);
        return NULL;
    }
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        if (!(k->sections & SEC_BIT(sec)) || !k->def)
            continue;
        if (config_value_default(k, &slots[i].v) != 0) {
            slots_free(slots);
            return NULL;
        }
        slots[i].has = 1;
        slots[i].by = k;
    }
    return slots;
}

static FILE *open_body_file(const char *path, struct stat *st, const char **why);
static void body_file_error(const char *where, const char *key, const char *path,
                            const char *why);

static int slot_set(const struct load *L, struct slot *slots, const struct entry *e)
{
    union config_value v;
    if (config_value_parse(L, e, &v) != 0)
        return -1;
    /* the file is read once every layer is applied, but an unreadable one is refused where
     * it is set, even when a later layer replaces it */
    if (e->k->flags & KF_READ) {
        struct stat st;
        const char *why;
        FILE *f = open_body_file(v.s, &st, &why);
        if (!f) {
            body_file_error(e->where, e->k->name, v.s, why);
            free(v.s);
            return -1;
        }
        fclose(f);
    }
    struct slot *s = &slots[key_index(e->k)];
    slot_clear(s, e->k);
    s->v = v;
    s->has = 1;
    s->where = e->where;
    s->by = e->k;
    return 0;
}

/* Checks what the user set, then stores every value of section kind sec into base. */
static int slots_store(struct slot *slots, int sec, void *base)
{
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        char msg[300];
        if (!(k->sections & SEC_BIT(sec)) || !slots[i].has)
            continue;
        if (slots[i].where && k->check && k->check(k, &slots[i].v, msg, sizeof msg) != 0) {
            config_errorf(slots[i].where, "%s", msg);
            return -1;
        }
    }
    for (size_t i = 0; i < config_nkeys; i++)
        if ((config_keys[i].sections & SEC_BIT(sec)) && slots[i].has &&
            slots[i].by == &config_keys[i])
            config_value_store(&config_keys[i], base, &slots[i].v);
    return 0;
}

/* ---- headers -------------------------------------------------------------------------- */

struct headers {
    struct request_spec *s;
    int *level; /* level of each header, parallel to s->headers */
    size_t cap;
    const struct entry **expect; /* the expect_header lines that apply, in order */
    size_t nexpect, cap_expect;
};

/* "Name: value" checked and tidied, as a new string; *nl is the name's length. */
static char *header_line(const struct entry *e, size_t *nl)
{
    const char *v = e->value;
    const char *colon = strchr(v, ':');
    if (!colon) {
        config_errorf(e->where, "header '%.60s' is not 'Name: value' (write header = Name: "
                                "value)", v);
        return NULL;
    }
    size_t n = (size_t)(colon - v);
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), v);
    int token = n > 0;
    for (size_t i = 0; token && i < n; i++)
        token = str_is_tchar((unsigned char)v[i]);
    if (!token) {
        config_errorf(e->where, "header name '%.60s' is not a token (no spaces before ':'; "
                                "letters, digits and -)", name);
        return NULL;
    }
    const char *val = colon + 1;
    while (*val == ' ' || *val == '\t')
        val++;
    size_t vl = strlen(val);
    while (vl > 0 && (val[vl - 1] == ' ' || val[vl - 1] == '\t'))
        vl--;
    if (!str_is_header_value(val, vl)) {
        config_errorf(e->where, "header '%.60s' contains a control character (remove it)", name);
        return NULL;
    }
    char *line = malloc(n + vl + 3);
    if (!line) {
        config_oom(e->where);
        return NULL;
    }
    memcpy(line, v, n);
    line[n] = ':';
    if (vl) {
        line[n + 1] = ' ';
        memcpy(line + n + 2, val, vl);
        line[n + 2 + vl] = '\0';
    } else {
        line[n + 1] = '\0';
    }
    *nl = n;
    return line;
}

static int add_header(struct headers *h, const struct entry *e)
{
    size_t nl;
    char *line = header_line(e, &nl);
    if (!line)
        return -1;
    /* a header replaces same-named ones from a lower level: [defaults] < request < -D */
    struct request_spec *s = h->s;
    size_t j = 0;
    for (size_t i = 0; i < s->nheaders; i++) {
        const char *old = s->headers[i];
        if (h->level[i] < e->level && strncasecmp(old, line, nl) == 0 && old[nl] == ':') {
            free(s->headers[i]);
            continue;
        }
        s->headers[j] = s->headers[i];
        h->level[j] = h->level[i];
        j++;
    }
    s->nheaders = j;
    if (s->nheaders == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 8;
        char **hs = realloc(s->headers, cap * sizeof *hs);
        if (hs)
            s->headers = hs;
        int *l = hs ? realloc(h->level, cap * sizeof *l) : NULL;
        if (l)
            h->level = l;
        if (!hs || !l) {
            free(line);
            config_oom(e->where);
            return -1;
        }
        h->cap = cap;
    }
    s->headers[s->nheaders] = line;
    h->level[s->nheaders] = e->level;
    s->nheaders++;
    return 0;
}

/* The request's own expect_header lines replace those of [defaults] (all of them: a request
 * says which headers it expects). */
static int add_expect_header(struct headers *h, const struct entry *e)
{
    size_t j = 0;
    for (size_t i = 0; i < h->nexpect; i++)
        if (!(e->level >= LVL_REQUEST_FILE && h->expect[i]->level < LVL_REQUEST_FILE))
            h->expect[j++] = h->expect[i];
    h->nexpect = j;
    if (h->nexpect == h->cap_expect) {
        size_t cap = h->cap_expect ? h->cap_expect * 2 : 4;
        const struct entry **v = realloc(h->expect, cap * sizeof(*v));
        if (!v) {
            config_oom(e->where);
            return -1;
        }
        h->expect = v;
        h->cap_expect = cap;
    }
    h->expect[h->nexpect++] = e;
    return 0;
}

/* ---- bodies --------------------------------------------------------------------------- */

/* A regular file of at most MAX_BODY_FILE bytes, open for reading; NULL and *why if not. */
static FILE *open_body_file(const char *path, struct stat *st, const char **why)
{
    FILE *f = regfile_open(path, st, why);
    if (f && (size_t)st->st_size > MAX_BODY_FILE) {
        *why = BODY_TOO_LARGE;
        fclose(f);
        return NULL;
    }
    return f;
}

/* "body_file: cannot read PATH: WHY", or "body_file: PATH is not a regular file (...)". */
static void body_file_error(const char *where, const char *key, const char *path,
                            const char *why)
{
    if (strcmp(why, REGFILE_NOT_REGULAR) == 0)
        config_errorf(where, "%s: %.200s %s (give a file, not a directory, device or "
                             "FIFO)", key, path, why);
    else
        config_errorf(where, "%s: cannot read %.200s: %s", key, path, why);
}

/* A text slot (body, message, first_message) holds either the text or its _file key's
 * resolved path. Returns 1 when there is a text, 0 when none, -1 on error. */
static int store_text(struct slot *slot, char **out, size_t *len)
{
    if (!slot->has)
        return 0;
    if (slot->by->flags & KF_READ) {
        const char *why;
        if (regfile_read(slot->v.s, MAX_BODY_FILE, BODY_TOO_LARGE, out, len, &why) != 0) {
            body_file_error(slot->where, slot->by->name, slot->v.s, why);
            return -1;
        }
    } else {
        *len = strlen(slot->v.s);
        *out = slot->v.s;
        slot->v.s = NULL;
        slot->has = 0;
    }
    return 1;
}

static int store_body(struct request_spec *s, struct slot *slot)
{
    int rc = store_text(slot, &s->body, &s->body_len);
    if (rc > 0)
        s->has_body = 1;
    return rc < 0 ? -1 : 0;
}

/* A channel's messages, and its bandwidth in bytes per second (checked when read). */
static int store_channel(struct request_spec *s, struct slot *slots)
{
    struct channel_options *ch = &s->chan;
    if (store_text(&slots[key_index(config_key_find("message"))], &ch->message,
                   &ch->message_len) < 0 ||
        store_text(&slots[key_index(config_key_find("first_message"))], &ch->first_message,
                   &ch->first_len) < 0)
        return -1;
    if (ch->bandwidth_text && units_parse_bandwidth(ch->bandwidth_text, &ch->bandwidth) != 0)
        ch->bandwidth = 0;
    return 0;
}

/* The first channel key the user set (NULL: none): on the command line, with a URL that is not
 * tcp:// or tls://, it is a mistake worth a word (HOST:PORT means http://). */
static const struct slot *channel_key_set(const struct slot *slots)
{
    static const char *const keys[] = {"message",          "first_message",    "message_rate",
                                       "channel_bandwidth", "channel_lifetime", "latency_marker"};
    for (size_t j = 0; j < sizeof keys / sizeof keys[0]; j++) {
        const struct slot *sl = &slots[key_index(config_key_find(keys[j]))];
        if (sl->has && sl->where)
            return sl;
    }
    return NULL;
}

/* The first ws_ key the user set on the command line (NULL: none). */
static const struct slot *ws_key_set(const struct slot *slots)
{
    static const char *const keys[] = {"ws_protocol", "ws_binary", "ws_max_message"};
    for (size_t j = 0; j < sizeof keys / sizeof keys[0]; j++) {
        const struct slot *sl = &slots[key_index(config_key_find(keys[j]))];
        if (sl->has && sl->where)
            return sl;
    }
    return NULL;
}

/* ---- requests ------------------------------------------------------------------------- */

void config_free_request(struct request_spec *s)
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
    free(s->chan.message);
    free(s->chan.first_message);
    free(s->chan.bandwidth_text);
    free(s->chan.marker);
    free(s->chan.ws_protocol);
    free(s->expect_status);
    free(s->expect_body);
    free(s->expect_body_regex);
    free(s->expect_body_json);
    check_set_free(s->checks);
    capture_set_free(s->captures);
    wire_template_free(s->wire_tmpl);
    memset(s, 0, sizeof *s);
}

static int add_check(struct config *c, struct request_spec *s, const char *key,
                     const char *text, const char *where)
{
    char err[300];
    if (check_set_add(&s->checks, key, text, c->nchecks, err, sizeof err) != 0) {
        config_errorf(where, "%s: %s", key, err);
        return -1;
    }
    c->nchecks++;
    return 0;
}

/* Compiles the request's checks, in a fixed order (status, headers, body, regex, JSON), and
 * sizes the body it keeps. */
static int build_checks(const struct load *L, struct request_spec *s, const struct slot *slots,
                        const struct headers *h)
{
    struct config *c = L->c;
    static const char *const body_keys[] = {"expect_body", "expect_body_regex",
                                            "expect_body_json"};
    const char *const body_texts[] = {s->expect_body, s->expect_body_regex,
                                      s->expect_body_json};
    const struct slot *st = &slots[key_index(config_key_find("expect_status"))];
    /* an empty value is no check: it takes back one that [defaults] set */
    if (s->expect_status && *s->expect_status &&
        add_check(c, s, "expect_status", s->expect_status, st->where) != 0)
        return -1;
    for (size_t i = 0; i < h->nexpect; i++)
        if (*h->expect[i]->value &&
            add_check(c, s, "expect_header", h->expect[i]->value, h->expect[i]->where) != 0)
            return -1;
    for (int i = 0; i < 3; i++) {
        const struct slot *b = &slots[key_index(config_key_find(body_keys[i]))];
        if (body_texts[i] && *body_texts[i] &&
            add_check(c, s, body_keys[i], body_texts[i], b->where) != 0)
            return -1;
    }
    c->check_headers |= s->checks && s->checks->nheaders;
    s->keep_body = s->max_body;
    if (s->checks && s->checks->need_body && c->check_body_limit > s->keep_body)
        s->keep_body = c->check_body_limit;
    return 0;
}

static int add_capture(struct request_spec *s, const struct entry *e)
{
    char err[300];
    if (capture_set_add(&s->captures, e->value, err, sizeof err) == 0)
        return 0;
    config_errorf(e->where, "capture: %s", err);
    return -1;
}

/* Applies the entries of one layer: section sec (request r for SEC_REQUEST), either those
 * from the file and -D or those from command-line flags. */
static int apply_layer(const struct load *L, struct slot *slots, struct headers *h, int sec,
                       size_t r, int from_flag)
{
    for (size_t i = 0; i < L->nents; i++) {
        const struct entry *e = &L->ents[i];
        if (e->sec != sec || (sec == SEC_REQUEST && e->idx != r) || e->from_flag != from_flag)
            continue;
        int rc = !(e->k->flags & KF_REPEAT)            ? slot_set(L, slots, e)
                 : strcmp(e->k->name, "expect_header") == 0 ? add_expect_header(h, e)
                 : strcmp(e->k->name, "capture") == 0       ? add_capture(h->s, e)
                                                            : add_header(h, e);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* s->url_text parsed into s->url; a url "/PATH" is resolved against [run] base_url (as a
 * Location is, RFC 3986) and its text becomes the whole URL, for reports and plugins. */
static int parse_request_url(const struct load *L, struct request_spec *s, const char *where)
{
    const char *why;
    const char *base_text = L->c->base_url;
    if (s->url_text[0] != '/') {
        if (url_parse(s->url_text, &s->url, &why) == 0)
            return 0;
        config_errorf(L->path, "bad url '%.100s': %s", s->url_text, why); /* checked when read */
        return -1;
    }
    if (!base_text) {
        config_errorf(where ? where : L->path,
                      "[request %.60s] url '%.100s' is a path but [run] has no base_url (add "
                      "base_url = http://127.0.0.1:8080 to [run], or write the whole URL)",
                      s->name, s->url_text);
        return -1;
    }
    struct url base;
    if (url_parse(base_text, &base, &why) != 0) { /* checked when read */
        config_errorf(L->path, "bad base_url '%.100s': %s", base_text, why);
        return -1;
    }
    int rc = url_resolve(&base, s->url_text, &s->url, &why);
    url_free(&base);
    char *text = rc == 0 ? url_format(&s->url) : NULL;
    if (rc != 0 || !text) {
        config_errorf(where ? where : L->path, "url '%.100s' against base_url '%.100s': %s",
                      s->url_text, base_text, rc != 0 ? why : "out of memory");
        return -1;
    }
    free(s->url_text);
    s->url_text = text;
    return 0;
}

int config_build_request(const struct load *L, size_t r, struct request_spec *s)
{
    s->name = strdup(L->reqs[r].name);
    s->file = L->c->path ? L->c->path : "(command line)";
    s->line = L->reqs[r].line;
    if (!s->name) {
        config_oom(L->path);
        return -1;
    }
    struct slot *slots = slots_new(SEC_REQUEST, L->path);
    if (!slots)
        return -1;
    struct headers h = {.s = s};
    size_t url = key_index(config_key_find("url"));
    size_t body = key_index(config_key_find("body"));
    /* [tls] < [defaults] < the request's own section < the command line's flags, which
     * stand in [defaults] but are meant for every request */
    int rc = apply_layer(L, slots, &h, SEC_TLS, 0, 0);
    if (rc == 0)
        rc = apply_layer(L, slots, &h, SEC_DEFAULTS, 0, 0);
    if (rc == 0)
        rc = apply_layer(L, slots, &h, SEC_REQUEST, r, 0);
    if (rc == 0)
        rc = apply_layer(L, slots, &h, SEC_DEFAULTS, 0, 1);
    if (rc == 0 && !slots[url].has) {
        char where[64 + 4096];
        snprintf(where, sizeof where, "%s:%d", L->path, s->line);
        config_errorf(where, "[request %.60s] has no url (add url = http://127.0.0.1:8080/)",
                      s->name);
        rc = -1;
    }
    if (rc == 0)
        rc = slots_store(slots, SEC_REQUEST, s);
    if (rc == 0)
        rc = store_body(s, &slots[body]);
    const struct slot *chan_key = rc == 0 ? channel_key_set(slots) : NULL;
    const struct slot *ws_key = rc == 0 ? ws_key_set(slots) : NULL;
    if (rc == 0)
        rc = store_channel(s, slots);
    if (rc == 0)
        rc = parse_request_url(L, s, slots[url].where);
    if (rc == 0 && L->url_mode && chan_key && !s->url.channel) {
        config_errorf(chan_key->where, "%s is for tcp:// and tls:// URLs, not %s:// (write "
                                       "tcp://HOST:PORT)", chan_key->by->name, s->url.scheme);
        rc = -1;
    }
    if (rc == 0 && L->url_mode && ws_key && !s->url.ws) {
        config_errorf(ws_key->where, "%s is for ws:// and wss:// URLs, not %s:// (write "
                                     "ws://HOST:PORT/PATH, or add --ws)", ws_key->by->name,
                      s->url.scheme);
        rc = -1;
    }
    if (rc == 0)
        rc = build_checks(L, s, slots, &h);
    free(h.level);
    free(h.expect);
    slots_free(slots);
    return rc;
}

static int build_requests(struct load *L)
{
    struct config *c = L->c;
    if (c->ammo_path && L->nseqs) {
        config_errorf(L->path, "[run] ammo and [sequence %s] cannot go together (ammo files "
                               "give their own requests; remove one)", L->seqs[0].name);
        return -1;
    }
    if (c->ammo_path)
        return config_build_ammo(L);
    if (L->nreqs == 0) {
        config_errorf(L->path, "no [request NAME] section (add one with a url)");
        return -1;
    }
    c->requests = calloc(L->nreqs, sizeof *c->requests);
    if (!c->requests) {
        config_oom(L->path);
        return -1;
    }
    for (size_t r = 0; r < L->nreqs; r++) {
        c->nrequests = r + 1; /* so that config_free frees a partly built one */
        if (config_build_request(L, r, &c->requests[r]) != 0)
            return -1;
    }
    return 0;
}

static int add_dns(struct config *c, const struct entry *e, const char *addr)
{
    size_t j;
    for (j = 0; j < c->ndns; j++)
        if (strcmp(c->dns[j].name, e->key) == 0)
            break;
    if (j == c->ndns) {
        struct dns_entry *d = realloc(c->dns, (c->ndns + 1) * sizeof *d);
        if (!d)
            return -1;
        c->dns = d;
        c->dns[j].name = strdup(e->key);
        c->dns[j].address = NULL;
        c->ndns++;
        if (!c->dns[j].name)
            return -1;
    }
    char *a = strdup(addr);
    if (!a)
        return -1;
    free(c->dns[j].address);
    c->dns[j].address = a;
    return 0;
}

static int build_dns(struct load *L)
{
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
        if (vl == 0 || vl >= sizeof addr)
            vl = 0;
        snprintf(addr, sizeof addr, "%.*s", (int)vl, v);
        if (vl == 0 ||
            (inet_pton(AF_INET, addr, tmp) != 1 && inet_pton(AF_INET6, addr, tmp) != 1)) {
            config_errorf(e->where, "'%.60s' is not a numeric IPv4 or IPv6 address (write %s = "
                                    "127.0.0.1; names are not resolved here)", e->value, e->key);
            return -1;
        }
        if (add_dns(L->c, e, addr) != 0) {
            config_oom(e->where);
            return -1;
        }
    }
    return 0;
}

/* ---- [run] ---------------------------------------------------------------------------- */

static int build_run(struct load *L)
{
    struct slot *slots = slots_new(SEC_RUN, L->path);
    if (!slots)
        return -1;
    if (L->url_mode) /* like wrk: until the duration is over */
        slots[key_index(config_key_find("rounds"))].v.u = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < L->nents; i++)
        if (L->ents[i].sec == SEC_RUN)
            rc = slot_set(L, slots, &L->ents[i]);
    if (rc == 0)
        rc = slots_store(slots, SEC_RUN, L->c);
    if (rc == 0) {
        L->c->seed_set = slots[key_index(config_key_find("seed"))].has;
        rc = config_check_run(L, slots);
    }
    slots_free(slots);
    return rc;
}

/* ---- [plugin NAME], and the [run] keys plugins can read ------------------------------- */

/* The keys and values of one section as written (no flags), and where each was set when
 * wheres is not NULL (for the messages of the plugin loader, which checks them). */
static int copy_entries(const struct load *L, int sec, size_t idx, char ***keys, char ***values,
                        char ***wheres, size_t *n)
{
    size_t count = 0;
    for (size_t i = 0; i < L->nents; i++)
        count += L->ents[i].sec == sec && L->ents[i].idx == idx && !L->ents[i].from_flag;
    *keys = calloc(count + 1, sizeof **keys);
    *values = calloc(count + 1, sizeof **values);
    if (!*keys || !*values || (wheres && !(*wheres = calloc(count + 1, sizeof **wheres))))
        return -1;
    for (size_t i = 0; i < L->nents; i++) {
        const struct entry *e = &L->ents[i];
        if (e->sec != sec || e->idx != idx || e->from_flag)
            continue;
        if (!((*keys)[*n] = strdup(e->key)) || !((*values)[*n] = strdup(e->value)) ||
            (wheres && !((*wheres)[*n] = strdup(e->where))))
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
            config_errorf(where, "plugin '%.60s' is named twice in plugins (load it once)", name);
            return -1;
        }
    struct plugin_conf *v = realloc(c->plugins, (c->nplugins + 1) * sizeof *v);
    if (!v)
        return (config_oom(where), -1);
    c->plugins = v;
    struct plugin_conf *p = &v[c->nplugins++];
    memset(p, 0, sizeof *p);
    if (!(p->name = strdup(name)) || !(p->where = strdup(where)))
        return (config_oom(where), -1);
    if (sec_index < 0)
        return 0;
    if (copy_entries(L, SEC_PLUGIN, (size_t)sec_index, &p->keys, &p->values, &p->wheres,
                     &p->nkeys) != 0)
        return (config_oom(where), -1);
    struct slot *slots = slots_new(SEC_PLUGIN, where);
    int rc = slots ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < L->nents; i++) {
        const struct entry *e = &L->ents[i];
        if (e->sec == SEC_PLUGIN && e->idx == (size_t)sec_index && e->k)
            rc = slot_set(L, slots, e);
    }
    if (rc == 0)
        rc = slots_store(slots, SEC_PLUGIN, p);
    if (slots)
        slots_free(slots);
    return rc;
}

static int build_plugins(struct load *L)
{
    struct config *c = L->c;
    if (copy_entries(L, SEC_RUN, 0, &c->run_keys, &c->run_values, NULL, &c->nrun) != 0) {
        config_oom(L->path);
        return -1;
    }
    const struct entry *list = NULL;
    for (size_t i = 0; i < L->nents; i++)
        if (L->ents[i].sec == SEC_RUN && strcmp(L->ents[i].key, "plugins") == 0)
            list = &L->ents[i];
    if (!list) { /* no list: every [plugin NAME] section, in file order */
        for (size_t i = 0; i < L->nplugs; i++) {
            /* a section only -D made has no line: its messages name that -D */
            char where[64 + 4096];
            if (L->plugs[i].where)
                snprintf(where, sizeof where, "%s", L->plugs[i].where);
            else
                snprintf(where, sizeof where, "%s:%d", L->path, L->plugs[i].line);
            if (add_plugin(L, L->plugs[i].name, (long)i, where) != 0)
                return -1;
        }
        return 0;
    }
    for (const char *p = list->value + strspn(list->value, " \t,"); *p;) {
        size_t n = strcspn(p, " \t,");
        char *name = strndup(p, n);
        if (!name) {
            config_oom(list->where);
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
        p += n;
        p += strspn(p, " \t,");
    }
    return 0;
}

/* ---- [thresholds] -------------------------------------------------------------------- */

static int build_thresholds(struct load *L)
{
    struct config *c = L->c;
    size_t n = 0;
    for (size_t i = 0; i < L->nents; i++)
        n += L->ents[i].sec == SEC_THRESHOLDS;
    if (n == 0)
        return 0;
    const char **names = calloc(c->nrequests + 1, sizeof *names);
    c->thresholds = calloc(n, sizeof *c->thresholds);
    if (!names || !c->thresholds) {
        free(names);
        config_oom(L->path);
        return -1;
    }
    for (size_t r = 0; r < c->nrequests; r++)
        names[r] = c->requests[r].name;
    struct threshold_context ctx = {names, c->nrequests, c->schedule != NULL, c->nchecks > 0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < L->nents; i++) {
        const struct entry *e = &L->ents[i];
        char err[300];
        if (e->sec != SEC_THRESHOLDS)
            continue;
        if (threshold_parse(e->value, &ctx, &c->thresholds[c->nthresholds], err,
                            sizeof err) != 0) {
            config_errorf(e->where, "[thresholds] %s", err);
            rc = -1;
        } else {
            c->nthresholds++;
        }
    }
    free(names);
    return rc;
}

/* ---- the whole config ----------------------------------------------------------------- */

int config_build(struct load *L)
{
    if (build_run(L) != 0 || build_requests(L) != 0 || config_build_sequences(L) != 0 ||
        config_check_local_ips_family(L) != 0 ||
        build_thresholds(L) != 0 ||
        build_dns(L) != 0 || build_plugins(L) != 0 || config_build_feeders(L) != 0 ||
        config_build_sessions(L) != 0)
        return -1;
    if (L->dir && !(L->c->dir = strdup(L->dir))) {
        config_oom(L->path);
        return -1;
    }
    return 0;
}

void config_free(struct config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nrequests; i++)
        config_free_request(&c->requests[i]);
    free(c->requests);
    config_free_sequences(c);
    config_free_feeders(c);
    for (size_t i = 0; i < c->nthresholds; i++)
        threshold_free(&c->thresholds[i]);
    free(c->thresholds);
    for (size_t i = 0; i < c->ndns; i++) {
        free(c->dns[i].name);
        free(c->dns[i].address);
    }
    free(c->dns);
    free(c->path);
    free(c->scoreboard);
    free(c->hdr_log);
    free(c->dns_server);
    free(c->prometheus);
    free(c->statsd);
    free(c->statsd_namespace);
    free(c->base_url);
    free(c->segment_text);
    free(c->local_ips_text);
    if (c->local_ips)
        local_ips_free(c->local_ips);
    free(c->local_ips);
    free(c->start_at_text);
    free(c->schedule_text);
    free(c->ammo_path);
    ammo_free(c->ammo);
    free(c->ammo);
    if (c->schedule)
        schedule_free(c->schedule);
    free(c->schedule);
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
    for (size_t i = 0; i < c->nvars; i++)
        free(c->vars[i]);
    free(c->vars);
    free(c->dir);
    memset(c, 0, sizeof *c);
}
