/* client_result: what a finished request leaves behind: its counts in the worker's scoreboard
 * slot, why it failed, and the result (headers, body, timings) that the plugins' hooks see. */
#include "client_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "units.h"

void client_count_result(struct client *c, int status, enum errkind kind, int64_t latency)
{
    struct worker *w = c->w;
    struct sb_counters *sc = &w->slot->c;
    struct sb_reqstat *rs = w->reqstats[c->req];
    int ok = kind == ERR_NONE && ((status >= 100 && status <= 399) || c->status_expected);

    sb_add(ok ? &sc->requests_ok : &sc->requests_failed, 1);
    sb_add(&sc->status[status >= 0 && status < SB_STATUS_MAX ? status : 0], 1);
    if (kind == ERR_NONE)
        sb_add(&sc->status_class[status / 100 <= 5 ? status / 100 : 0], 1);
    else
        sb_add(&sc->errors[kind], 1);
    if (kind == ERR_NONE || kind == ERR_CHECK_FAILED || kind == ERR_CAPTURE_FAILED) {
        /* a whole response arrived */
        sb_add(&sc->header_count, c->parser.header_count);
        sb_add(&sc->header_bytes, c->parser.header_bytes);
        sb_add(&sc->body_bytes, c->parser.body_bytes);
    }
    sb_add(&sc->bytes_received, c->bytes_in);
    if (c->reused)
        sb_add(&sc->conn_reused, 1);
    /* percentiles are those of the answers people wait for, as wrk and k6 report them; a
     * timeout or a refusal must not pass for a fast response */
    hist_record(ok ? &w->slot->latency : &w->slot->latency_failed, (uint64_t)latency);
    /* the open model: from when the arrival was due, waiting for a free client included */
    if (w->cfg->schedule)
        hist_record(&w->slot->intended, (uint64_t)(latency + (c->t_start - c->intended_ns)));
    sb_add(&rs->count, 1);
    sb_add(ok ? &rs->ok : &rs->failed, 1);
    if (ok)
        hist_record(&rs->latency, (uint64_t)latency);
}


/* Tallies why a request failed, for the summary. A timeout's reason carries its elapsed time,
 * which differs for every request: the tally names the setting instead. */
void client_count_reason(struct client *c, enum errkind kind, const char *reason)
{
    char text[64], d[32];
    if (kind == ERR_TIMEOUT || kind == ERR_CONNECT_TIMEOUT) {
        int connect = kind == ERR_CONNECT_TIMEOUT;
        const struct request_spec *spec = spec_of(c);
        snprintf(text, sizeof(text), "%s = %s passed", connect ? "connect_timeout" : "timeout",
                 units_format_duration(connect ? spec->connect_timeout_ns : spec->timeout_ns, d,
                                       sizeof(d)));
        reason = text;
    }
    reasons_count(&c->w->reasons, kind, reason);
}


/* Keeps a response header for the plugins: "name\0value\0" in the arena, pointers fixed up
 * in result_fill (the arena may move while it grows). Headers past the limit are dropped. */
static void capture_header(struct client *c, const char *name, size_t nlen, const char *value,
                           size_t vlen)
{
    size_t need = nlen + vlen + 2;
    if (c->harena_len + need > c->harena_cap) {
        size_t cap = c->harena_cap ? c->harena_cap * 2 : 2048;
        while (cap < c->harena_len + need)
            cap *= 2;
        if (cap > spec_of(c)->max_header_bytes + 2u * spec_of(c)->max_headers)
            return;
        char *a = realloc(c->harena, cap);
        if (!a)
            return;
        c->harena = a;
        c->harena_cap = cap;
    }
    if (c->nhdrs == c->cap_hdrs) {
        size_t cap = c->cap_hdrs ? c->cap_hdrs * 2 : 16;
        struct stampede_header *h = realloc(c->hdrs, cap * sizeof(*h));
        if (!h)
            return;
        c->hdrs = h;
        c->cap_hdrs = cap;
    }
    char *p = c->harena + c->harena_len;
    for (size_t i = 0; i < nlen; i++)
        p[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    p[nlen] = '\0';
    memcpy(p + nlen + 1, value, vlen);
    p[nlen + 1 + vlen] = '\0';
    /* offsets for now, pointers in result_fill */
    c->hdrs[c->nhdrs].name = (const char *)(uintptr_t)c->harena_len;
    c->hdrs[c->nhdrs].value = (const char *)(uintptr_t)(c->harena_len + nlen + 1);
    c->nhdrs++;
    c->harena_len += need;
}

void client_result_fill(struct client *c, int status, enum errkind kind, const char *reason,
                        int64_t now)
{
    struct stampede_result *r = &c->result;
    const struct request_spec *spec = spec_of(c);
    for (size_t i = 0; i < c->nhdrs; i++) {
        c->hdrs[i].name = c->harena + (uintptr_t)c->hdrs[i].name;
        c->hdrs[i].value = c->harena + (uintptr_t)c->hdrs[i].value;
    }
    *r = (struct stampede_result){
        .status = status, .reason = reason ? reason : "",
        .error = kind ? errkind_names[kind] : NULL,
        /* as received; 1 (what was sent) when no status line came */
        .http_minor = c->parser.version_minor >= 0 ? c->parser.version_minor : 1,
        .t = {c->t_start, c->t_dns, c->t_connected, c->t_tls, c->t_sent, c->t_first,
              c->t_headers, now},
        .headers = c->hdrs,
        .nheaders = kind && kind != ERR_CHECK_FAILED && kind != ERR_CAPTURE_FAILED ? 0 : c->nhdrs,
        .body = c->body,
        /* a body check may have kept more than the hooks asked for */
        .body_len = c->body_len < spec->max_body ? c->body_len : spec->max_body,
        .body_bytes = c->parser.body_bytes, .bytes_sent = c->sent,
        .bytes_received = c->bytes_in, .dns_cached = c->dns_cached, .reused = c->reused,
        .hop = c->hop, .request = (int)c->req, .request_name = spec->name,
        .method = client_method(c), .url = client_url_text(c),
    };
}

static void on_header(void *arg, const char *name, size_t nlen, const char *value, size_t vlen)
{
    struct client *c = arg;
    const struct check_set *checks = spec_of(c)->checks;
    if (hooks_of(c) & CAPTURE_HOOKS)
        capture_header(c, name, nlen, value, vlen);
    if (checks && checks->nheaders)
        check_header_line(checks, name, nlen, value, vlen, &c->check_headers_held);
    if (c->session)
        client_session_header(c, name, nlen, value, vlen);
    if (nlen != 8 || strncasecmp(name, "location", 8) != 0 || c->parser.status < 300 ||
        c->parser.status > 399)
        return;
    if (vlen >= LOCATION_MAX || c->parser.header_truncated) {
        c->location_bad = 1;
        return;
    }
    if (!c->location && !(c->location = malloc(LOCATION_MAX))) {
        c->location_bad = 1;
        return;
    }
    memcpy(c->location, value, vlen);
    c->location[vlen] = '\0';
    c->location_len = vlen;
}

/* Keeps the body up to the request's keep_body. The buffer grows as bodies need it (a check's
 * 1 MiB limit is rarely reached) and is kept for the client's life. */
static void on_body(void *arg, const char *data, size_t len)
{
    struct client *c = arg;
    size_t max = (size_t)spec_of(c)->keep_body;
    if (c->body_len >= max)
        return;
    size_t n = len < max - c->body_len ? len : max - c->body_len;
    if (c->body_len + n > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap : 4096;
        while (cap < c->body_len + n)
            cap *= 2;
        if (cap > max)
            cap = max;
        char *b = realloc(c->body, cap);
        if (!b)
            return;
        c->body = b;
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, data, n);
    c->body_len += n;
}

void client_parser_prepare(struct client *c, const struct request_spec *spec, int head)
{
    struct http_limits limits = {spec->max_header_bytes, spec->max_headers};
    http_parser_init(&c->parser, &limits, head);
    c->parser.cb_arg = c;
    if (c->hdrbuf) {
        c->parser.on_header = on_header;
        c->parser.hdrbuf = c->hdrbuf;
        c->parser.hdrbuf_size =
            (hooks_of(c) & CAPTURE_HOOKS) || c->w->cfg->check_headers ||
                    c->w->cfg->capture_headers
                ? HDRBUF_CAPTURE
                : HDRBUF_FOLLOW;
    }
    if (spec->keep_body)
        c->parser.on_body = on_body;
    c->check_headers_held = 0;
    c->capture_held = 0;
    c->status_expected = 0;
}

enum errkind client_check_response(struct client *c, const char **reason)
{
    const struct request_spec *spec = spec_of(c);
    struct check_response r = {
        .status = c->parser.status, .headers_held = c->check_headers_held, .body = c->body,
        .body_len = c->body_len, .body_bytes = c->parser.body_bytes,
        .body_limit = c->w->cfg->check_body_limit,
    };
    _Atomic uint64_t *counts = sb_check(c->w->hdr, c->w->index, 0);
    char why[CLIENT_WHY_MAX];
    if (check_response_test(spec->checks, &r, counts, why, sizeof why) == 0) {
        for (size_t i = 0; i < spec->checks->n; i++)
            c->status_expected |= spec->checks->v[i].kind == CHECK_STATUS;
        return ERR_NONE;
    }
    *reason = client_why_keep(c, why);
    return ERR_CHECK_FAILED;
}

const char *client_why_keep(struct client *c, const char *text)
{
    if (!c->why && !(c->why = malloc(CLIENT_WHY_MAX)))
        return "out of memory for the reason";
    snprintf(c->why, CLIENT_WHY_MAX, "%s", text);
    return c->why;
}
