/* Unit tests for config: INI files written to temporary files, loaded, and checked value by
 * value; every error checked for its one line on stderr with FILE:LINE and its text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "config_int.h"
#include "config_keys.h"
#include "threshold.h"

#define S INT64_C(1000000000)
#define MS INT64_C(1000000)

#define FLAGS(...)                                                                           \
    .flags = (const struct config_flag[]){__VA_ARGS__},                                      \
    .nflags = sizeof((const struct config_flag[]){__VA_ARGS__}) / sizeof(struct config_flag)

#define DEFINES(...)                                                                         \
    .defines = (const char *[]){__VA_ARGS__},                                                 \
    .ndefines = sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)

static char g_dir[256];    /* a private directory for the INI and body files */
static char g_path[512];   /* the INI file of the last load */
static char g_err[8192];   /* what the last load wrote to stderr */

static int group_setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/stampede-test-config-XXXXXX", tmp ? tmp : "/tmp");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    return rmdir(g_dir);
}

/* Writes a file named `name` in g_dir, returns its path in a static buffer. */
static const char *write_named(const char *name, const void *data, size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void remove_named(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    remove(path); /* a file or an empty directory */
}

/* Runs fn with stderr captured into g_err. */
static int capture(int (*fn)(void *), void *arg)
{
    char cap[512];
    snprintf(cap, sizeof cap, "%s/stderr-XXXXXX", g_dir);
    int fd = mkstemp(cap);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fd, 2) >= 0);
    int rc = fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ssize_t n = pread(fd, g_err, sizeof g_err - 1, 0);
    g_err[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(cap);
    return rc;
}

struct call {
    struct config *c;
    const char *path, *url;
    int is_url;
    const struct config_overrides *o;
};

static int call_load(void *arg)
{
    struct call *k = arg;
    return k->is_url ? config_from_url(k->c, k->url, k->o) : config_load(k->c, k->path, k->o);
}

/* Loads `len` bytes of INI text from a fresh temporary file. */
static int load_n(const char *text, size_t len, const struct config_overrides *o,
                  struct config *c)
{
    snprintf(g_path, sizeof g_path, "%s/cfg-XXXXXX", g_dir);
    int fd = mkstemp(g_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    struct call k = {.c = c, .path = g_path, .o = o};
    int rc = capture(call_load, &k);
    unlink(g_path);
    return rc;
}

static int load(const char *text, const struct config_overrides *o, struct config *c)
{
    return load_n(text, strlen(text), o, c);
}

static void load_ok(const char *text, const struct config_overrides *o, struct config *c)
{
    if (load(text, o, c) != 0)
        fail_msg("load failed: %s", g_err);
    assert_string_equal(g_err, "");
}

static void assert_one_line(void)
{
    size_t n = strlen(g_err);
    if (n == 0 || g_err[n - 1] != '\n' || strchr(g_err, '\n') != g_err + n - 1)
        fail_msg("stderr is not exactly one line: '%s'", g_err);
    if (strncmp(g_err, "stampede: ", 10) != 0)
        fail_msg("stderr does not start with 'stampede: ': '%s'", g_err);
}

static void assert_err_has(const char *prefix, const char *what)
{
    assert_one_line();
    if (strncmp(g_err, prefix, strlen(prefix)) != 0)
        fail_msg("error '%s' does not start with '%s'", g_err, prefix);
    if (!strstr(g_err, what))
        fail_msg("error '%s' lacks '%s'", g_err, what);
}

static void assert_zeroed(const struct config *c)
{
    struct config zero;
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(c, &zero, sizeof zero);
}

/* The load must fail with "stampede: PATH:LINE: ...what..." (no ":LINE" when line is 0). */
static void expect_error(const char *text, const struct config_overrides *o, int line,
                         const char *what)
{
    struct config c;
    if (load(text, o, &c) != -1)
        fail_msg("load should fail with '%s'\n%s", what, text);
    char prefix[600];
    if (line > 0)
        snprintf(prefix, sizeof prefix, "stampede: %s:%d: ", g_path, line);
    else
        snprintf(prefix, sizeof prefix, "stampede: %s: ", g_path);
    assert_err_has(prefix, what);
    assert_zeroed(&c);
    config_free(&c);
}

/* The load must fail with "stampede: WHERE: ...what..." (a -D string or a flag). */
static void expect_error_where(const char *text, const struct config_overrides *o,
                               const char *where, const char *what)
{
    struct config c;
    if (load(text, o, &c) != -1)
        fail_msg("load should fail with '%s'", what);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "stampede: %s: ", where);
    assert_err_has(prefix, what);
    assert_zeroed(&c);
}

static const struct request_spec *find_req(const struct config *c, const char *name)
{
    for (size_t i = 0; i < c->nrequests; i++)
        if (strcmp(c->requests[i].name, name) == 0)
            return &c->requests[i];
    fail_msg("no request '%s'", name);
    return NULL;
}

#define MINI "[request a]\nurl = http://127.0.0.1:8080/\n"

/* ---- values --------------------------------------------------------------------------- */

static void test_minimal_defaults(void **state)
{
    (void)state;
    struct config c;
    load_ok(MINI, NULL, &c);
    assert_string_equal(c.path, g_path);
    assert_int_equal(c.workers, 1);
    assert_int_equal(c.clients, 1);
    assert_int_equal(c.ramp_start, 1);
    assert_int_equal(c.ramp_duration_ns, 0);
    assert_int_equal(c.rounds, 1);
    assert_int_equal(c.duration_ns, 0);
    assert_int_equal(c.iterator, ITERATOR_DEFAULT);
    assert_int_equal(c.seed_set, 0);
    assert_null(c.scoreboard);
    assert_int_equal(c.keep_scoreboard, 0);
    assert_int_equal(c.grace_ns, 2 * S);
    assert_int_equal(c.nrequests, 1);
    assert_int_equal(c.ndns, 0);
    assert_null(c.json_path);
    assert_null(c.trace_path);
    const struct request_spec *r = &c.requests[0];
    assert_string_equal(r->name, "a");
    assert_ptr_equal(r->file, c.path);
    assert_int_equal(r->line, 1);
    assert_string_equal(r->method, "GET");
    assert_string_equal(r->url_text, "http://127.0.0.1:8080/");
    assert_string_equal(r->url.scheme, "http");
    assert_string_equal(r->url.host, "127.0.0.1");
    assert_int_equal(r->url.port, 8080);
    assert_string_equal(r->url.target, "/");
    assert_int_equal(r->url.tls, 0);
    assert_int_equal(r->nheaders, 0);
    assert_int_equal(r->has_body, 0);
    assert_null(r->body);
    assert_int_equal(r->keepalive, KEEPALIVE_YES);
    assert_int_equal(r->predelay_ns, 0);
    assert_int_equal(r->prejitter_ns, 0);
    assert_int_equal(r->postdelay_ns, 0);
    assert_int_equal(r->postjitter_ns, 0);
    assert_int_equal(r->connect_timeout_ns, 10 * S);
    assert_int_equal(r->timeout_ns, 60 * S);
    config_free(&c);
    assert_zeroed(&c);
    config_free(&c); /* twice is harmless */
}

static void test_run_keys(void **state)
{
    (void)state;
    struct config c;
    load_ok("[run]\n"
            "workers = 8\n"
            "clients = 2k\n"
            "ramp_start = 16\n"
            "ramp_duration = 1.5s\n"
            "rounds = 0\n"
            "duration = 2m\n"
            "iterator = random_start\n"
            "seed = 42\n"
            "scoreboard = /tmp/x.sb\n"
            "keep_scoreboard = yes\n"
            "grace = 250ms\n" MINI,
            NULL, &c);
    assert_int_equal(c.workers, 8);
    assert_int_equal(c.clients, 2000);
    assert_int_equal(c.ramp_start, 16);
    assert_int_equal(c.ramp_duration_ns, 1500 * MS);
    assert_int_equal(c.rounds, 0);
    assert_int_equal(c.duration_ns, 120 * S);
    assert_int_equal(c.iterator, ITERATOR_RANDOM_START);
    assert_int_equal(c.seed, 42);
    assert_int_equal(c.seed_set, 1);
    assert_string_equal(c.scoreboard, "/tmp/x.sb");
    assert_int_equal(c.keep_scoreboard, 1);
    assert_int_equal(c.grace_ns, 250 * MS);
    assert_int_equal(c.requests[0].line, 13);
    config_free(&c);
}

static void test_clients_and_ramp_start_defaults(void **state)
{
    (void)state;
    static const struct {
        const char *run;
        unsigned workers;
        uint64_t clients, start;
    } cases[] = {
        {"workers = 4\n", 4, 4, 4},
        {"workers = 4\nclients = 2\n", 4, 2, 2},
        {"workers = 4\nclients = 100\n", 4, 100, 4},
        {"ramp_start = 10\n", 1, 10, 10},
        {"workers = 4\nramp_start = 3\n", 4, 3, 3},
        {"workers = 4\nclients = 100\nramp_start = 0\nramp_duration = 1s\n", 4, 100, 0},
        {"clients = 5\nramp_start = 5\n", 1, 5, 5},
        {"workers = 1024\n", 1024, 1024, 1024},
        {"clients = 10M\n", 1, 10000000, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "[run]\n%s" MINI, cases[i].run);
        struct config c;
        load_ok(text, NULL, &c);
        assert_int_equal(c.workers, cases[i].workers);
        assert_int_equal(c.clients, cases[i].clients);
        assert_int_equal(c.ramp_start, cases[i].start);
        config_free(&c);
    }
}

/* max_clients: clients when not set; a smaller one lowers a clients left to its default */
static void test_max_clients(void **state)
{
    (void)state;
    static const struct {
        const char *run;
        uint64_t clients, most;
    } cases[] = {
        {"clients = 4\n", 4, 4},
        {"clients = 4\nrate = 10\nduration = 1s\n", 4, 4},
        {"clients = 4\nmax_clients = 40\nrate = 10\nduration = 1s\n", 4, 40},
        {"clients = 4\nmax_clients = 4\nschedule = const(10, 1s)\n", 4, 4},
        {"workers = 4\nmax_clients = 2\nrate = 10\nduration = 1s\n", 2, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "[run]\n%s" MINI, cases[i].run);
        struct config c;
        load_ok(text, NULL, &c);
        assert_int_equal(c.clients, cases[i].clients);
        assert_int_equal(c.max_clients, cases[i].most);
        config_free(&c);
    }
    expect_error("[run]\nclients = 5\nmax_clients = 4\nrate = 10\nduration = 1s\n" MINI, NULL, 3,
                 "max_clients (4) is less than clients (5)");
    expect_error("[run]\nmax_clients = 4\n" MINI, NULL, 2, "max_clients needs a rate or a schedule");
    expect_error("[run]\nmax_clients = 0\nrate = 10\nduration = 1s\n" MINI, NULL, 2,
                 "max_clients must be from 1 to 10M");
    expect_error("[run]\nmax_clients = 10000001\nrate = 10\nduration = 1s\n" MINI, NULL, 2,
                 "max_clients must be from 1 to 10M");
}

static void test_booleans_and_iterators(void **state)
{
    (void)state;
    static const struct {
        const char *v;
        int want;
    } b[] = {{"yes", 1}, {"no", 0},  {"true", 1}, {"false", 0}, {"on", 1},
             {"off", 0}, {"1", 1},   {"0", 0},    {"YES", 1},   {"Off", 0}};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "[run]\nkeep_scoreboard = %s\n" MINI, b[i].v);
        struct config c;
        load_ok(text, NULL, &c);
        assert_int_equal(c.keep_scoreboard, b[i].want);
        config_free(&c);
    }
    struct config c;
    load_ok("[run]\niterator = default\n" MINI, NULL, &c);
    assert_int_equal(c.iterator, ITERATOR_DEFAULT);
    config_free(&c);
}

static void test_keepalive_values(void **state)
{
    (void)state;
    static const struct {
        const char *v;
        int want;
    } k[] = {{"yes", KEEPALIVE_YES}, {"use", KEEPALIVE_USE},  {"store", KEEPALIVE_STORE},
             {"no", KEEPALIVE_NO},   {"true", KEEPALIVE_YES}, {"false", KEEPALIVE_NO},
             {"on", KEEPALIVE_YES},  {"off", KEEPALIVE_NO},   {"1", KEEPALIVE_YES},
             {"0", KEEPALIVE_NO},    {"Store", KEEPALIVE_STORE}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, MINI "keepalive = %s\n", k[i].v);
        struct config c;
        load_ok(text, NULL, &c);
        assert_int_equal(c.requests[0].keepalive, k[i].want);
        config_free(&c);
    }
}

static void test_request_keys(void **state)
{
    (void)state;
    struct config c;
    load_ok("[request post]\n"
            "url = http://Example.com:81/p?q=1#frag\n"
            "method = post\n"
            "header = X-One: 1\n"
            "body = {\"a\": 1}\n"
            "keepalive = use\n"
            "predelay = 1ms\n"
            "prejitter = 2us\n"
            "postdelay = 3\n"
            "postjitter = 0.5s\n"
            "connect_timeout = 3s\n"
            "timeout = 1m30s\n",
            NULL, &c);
    const struct request_spec *r = &c.requests[0];
    assert_string_equal(r->method, "post"); /* kept as written */
    assert_string_equal(r->url_text, "http://Example.com:81/p?q=1#frag");
    assert_string_equal(r->url.host, "example.com");
    assert_int_equal(r->url.port, 81);
    assert_string_equal(r->url.target, "/p?q=1");
    assert_int_equal(r->nheaders, 1);
    assert_string_equal(r->headers[0], "X-One: 1");
    assert_int_equal(r->has_body, 1);
    assert_int_equal(r->body_len, 8);
    assert_memory_equal(r->body, "{\"a\": 1}", 8);
    assert_int_equal(r->keepalive, KEEPALIVE_USE);
    assert_int_equal(r->predelay_ns, 1 * MS);
    assert_int_equal(r->prejitter_ns, 2000);
    assert_int_equal(r->postdelay_ns, 3 * S);
    assert_int_equal(r->postjitter_ns, 500 * MS);
    assert_int_equal(r->connect_timeout_ns, 3 * S);
    assert_int_equal(r->timeout_ns, 90 * S);
    config_free(&c);
}

static void test_requests_in_file_order(void **state)
{
    (void)state;
    struct config c;
    load_ok("[request zeta]\nurl = http://h/z\n\n"
            "[request alpha]\nurl = http://h/a\n\n"
            "[request mid.dle]\nurl = http://h/m\n",
            NULL, &c);
    assert_int_equal(c.nrequests, 3);
    assert_string_equal(c.requests[0].name, "zeta");
    assert_int_equal(c.requests[0].line, 1);
    assert_string_equal(c.requests[1].name, "alpha");
    assert_int_equal(c.requests[1].line, 4);
    assert_string_equal(c.requests[2].name, "mid.dle");
    assert_int_equal(c.requests[2].line, 7);
    assert_string_equal(c.requests[2].url.target, "/m");
    config_free(&c);
}

static void test_defaults_inheritance(void **state)
{
    (void)state;
    struct config c;
    load_ok("[defaults]\n"
            "url = http://127.0.0.1:8080/default\n"
            "method = HEAD\n"
            "timeout = 5s\n"
            "keepalive = no\n"
            "postdelay = 10ms\n"
            "body = shared\n"
            "[request inherits]\n"
            "[request overrides]\n"
            "url = http://127.0.0.1:8080/own\n"
            "method = PUT\n"
            "timeout = 1s\n"
            "keepalive = store\n"
            "body = own\n",
            NULL, &c);
    const struct request_spec *a = find_req(&c, "inherits");
    assert_string_equal(a->url.target, "/default");
    assert_string_equal(a->method, "HEAD");
    assert_int_equal(a->timeout_ns, 5 * S);
    assert_int_equal(a->keepalive, KEEPALIVE_NO);
    assert_int_equal(a->postdelay_ns, 10 * MS);
    assert_int_equal(a->connect_timeout_ns, 10 * S);
    assert_string_equal(a->body, "shared");
    const struct request_spec *b = find_req(&c, "overrides");
    assert_string_equal(b->url.target, "/own");
    assert_string_equal(b->url_text, "http://127.0.0.1:8080/own");
    assert_string_equal(b->method, "PUT");
    assert_int_equal(b->timeout_ns, 1 * S);
    assert_int_equal(b->keepalive, KEEPALIVE_STORE);
    assert_int_equal(b->postdelay_ns, 10 * MS);
    assert_string_equal(b->body, "own");
    assert_int_equal(b->body_len, 3);
    config_free(&c);
}

/* follow_credentials: a boolean of [defaults] and [request NAME]; plugin keys remember where
 * they were set, for the plugin loader's messages. */
static void test_follow_credentials_and_plugin_keys(void **state)
{
    (void)state;
    struct config c;
    const char *defines[] = {"plugin.p.other=2"};
    struct config_overrides o = {.defines = defines, .ndefines = 1};
    load_ok("[defaults]\n"
            "follow_credentials = yes\n"
            "[request inherits]\n"
            "url = http://127.0.0.1/\n"
            "[request own]\n"
            "url = http://127.0.0.1/\n"
            "follow_credentials = no\n"
            "[request unset]\n"
            "url = http://127.0.0.1/\n"
            "[plugin p]\n"
            "path = /nowhere/p.so\n"
            "key = 1\n",
            &o, &c);
    assert_int_equal(find_req(&c, "inherits")->follow_credentials, 1);
    assert_int_equal(find_req(&c, "own")->follow_credentials, 0);
    assert_int_equal(c.nplugins, 1);
    const struct plugin_conf *p = &c.plugins[0];
    assert_int_equal(p->nkeys, 3);
    char want[4200];
    snprintf(want, sizeof want, "%s:12", g_path);
    assert_string_equal(p->keys[1], "key");
    assert_string_equal(p->wheres[1], want);
    assert_string_equal(p->keys[2], "other");
    assert_string_equal(p->wheres[2], "-D plugin.p.other=2");
    config_free(&c);
    load_ok("[request r]\nurl = http://127.0.0.1/\n", NULL, &c);
    assert_int_equal(c.requests[0].follow_credentials, 0); /* the default */
    config_free(&c);
}

static void test_defaults_after_requests(void **state)
{
    (void)state;
    /* [defaults] applies to every request wherever it stands in the file */
    struct config c;
    load_ok(MINI "[defaults]\ntimeout = 7s\n", NULL, &c);
    assert_int_equal(c.requests[0].timeout_ns, 7 * S);
    config_free(&c);
}

/* The expect_* keys: [defaults] first, a request's own key replacing it (all its
 * expect_header lines at once), an empty value taking it back; ids over the whole run; the
 * body kept only for body checks. [thresholds] lines are taken whole, '=' and all. */
static void test_checks_and_thresholds(void **state)
{
    (void)state;
    struct config c;
    load_ok("[run]\n"
            "check_body_limit = 4096\n"
            "[defaults]\n"
            "expect_status = 2xx\n"
            "expect_header = Server: x\n"
            "[request plain]\n"
            "url = http://h/\n"
            "[request own]\n"
            "url = http://h/\n"
            "expect_status = 404\n"
            "expect_header = A: 1\n"
            "expect_header = B:\n"
            "expect_body = ok ; a comment\n"
            "[request none]\n"
            "url = http://h/\n"
            "expect_status =\n"
            "expect_header =\n"
            "[thresholds]\n"
            "p95{request=own} < 100ms ; a comment\n"
            "  failed < 1%\n",
            NULL, &c);
    assert_int_equal(c.nchecks, 6);
    assert_true(c.check_headers);
    const struct request_spec *p = find_req(&c, "plain"), *o = find_req(&c, "own");
    assert_int_equal(p->checks->n, 2);
    assert_string_equal(p->checks->v[0].text, "2xx");
    assert_string_equal(p->checks->v[1].text, "Server: x");
    assert_int_equal(p->keep_body, 0);
    assert_int_equal(o->checks->n, 4);
    assert_string_equal(o->checks->v[0].text, "404");
    assert_string_equal(o->checks->v[1].text, "A: 1");
    assert_string_equal(o->checks->v[2].text, "B:");
    assert_string_equal(o->checks->v[3].text, "ok");
    assert_int_equal(o->checks->v[3].id, 5);
    assert_int_equal(o->keep_body, 4096);
    assert_null(find_req(&c, "none")->checks);
    assert_int_equal(c.nthresholds, 2);
    assert_string_equal(c.thresholds[0].expr, "p95{request=own} < 100ms");
    assert_int_equal(c.thresholds[0].request, 1);
    assert_string_equal(c.thresholds[1].expr, "failed < 1%");
    config_free(&c);
}

static void test_header_replacement(void **state)
{
    (void)state;
    struct config c;
    load_ok("[defaults]\n"
            "header = Accept: */*\n"
            "header = User-Agent: stampede\n"
            "header = X-Multi: 1\n"
            "header = X-Multi: 2\n"
            "[request plain]\n"
            "url = http://h/\n"
            "[request own]\n"
            "url = http://h/\n"
            "header = accept: text/html\n"
            "header = X-Own: a\n"
            "header = X-Own: b\n"
            "header = x-multi: 3\n",
            NULL, &c);
    const struct request_spec *p = find_req(&c, "plain");
    assert_int_equal(p->nheaders, 4);
    assert_string_equal(p->headers[0], "Accept: */*");
    assert_string_equal(p->headers[1], "User-Agent: stampede");
    assert_string_equal(p->headers[2], "X-Multi: 1");
    assert_string_equal(p->headers[3], "X-Multi: 2");
    const struct request_spec *o = find_req(&c, "own");
    assert_int_equal(o->nheaders, 5);
    assert_string_equal(o->headers[0], "User-Agent: stampede");
    assert_string_equal(o->headers[1], "accept: text/html");
    assert_string_equal(o->headers[2], "X-Own: a");
    assert_string_equal(o->headers[3], "X-Own: b");
    assert_string_equal(o->headers[4], "x-multi: 3");
    config_free(&c);
}

static void test_header_forms(void **state)
{
    (void)state;
    struct config c;
    load_ok(MINI "header = X-Spaces:    padded value   \n"
                 "header = X-Empty:\n"
                 "header: X-Colon-Form: v\n"
                 "header = X-Tab:\tx\ty\n"
                 "header = X-Url: http://a/b?c=d\n"
                 "header = X-First: 1\n"
                 "         X-Second: 2\n"
                 "  X-Third: 3\n",
            NULL, &c);
    const struct request_spec *r = &c.requests[0];
    assert_int_equal(r->nheaders, 8);
    assert_string_equal(r->headers[0], "X-Spaces: padded value");
    assert_string_equal(r->headers[1], "X-Empty:");
    assert_string_equal(r->headers[2], "X-Colon-Form: v");
    assert_string_equal(r->headers[3], "X-Tab: x\ty");
    assert_string_equal(r->headers[4], "X-Url: http://a/b?c=d");
    assert_string_equal(r->headers[5], "X-First: 1");
    assert_string_equal(r->headers[6], "X-Second: 2");
    assert_string_equal(r->headers[7], "X-Third: 3");
    config_free(&c);
}

static void test_body_forms(void **state)
{
    (void)state;
    struct config c;
    load_ok("[request multi]\nurl = http://h/\nbody = line one\n  line two\n\n"
            "; a comment does not end it\n    line three\n"
            "[request empty]\nurl = http://h/\nbody =\n",
            NULL, &c);
    const struct request_spec *m = find_req(&c, "multi");
    assert_string_equal(m->body, "line one\nline two\nline three");
    assert_int_equal(m->body_len, strlen("line one\nline two\nline three"));
    const struct request_spec *e = find_req(&c, "empty");
    assert_int_equal(e->has_body, 1);
    assert_int_equal(e->body_len, 0);
    assert_non_null(e->body);
    config_free(&c);
}

static void test_body_file(void **state)
{
    (void)state;
    static const char data[] = "binary\0data\n\xff with ; and = and # inside";
    write_named("body.bin", data, sizeof data - 1);
    write_named("empty.bin", "", 0);
    mkdir(strcat(strcpy(g_path, g_dir), "/sub"), 0700);
    write_named("sub/in-sub.txt", "sub", 3);
    char abs[600];
    snprintf(abs, sizeof abs, "%s/body.bin", g_dir);
    char text[2048];
    snprintf(text, sizeof text,
             "[request rel]\nurl = http://h/\nbody_file = body.bin\n"
             "[request abs]\nurl = http://h/\nbody_file = %s\n"
             "[request empty]\nurl = http://h/\nbody_file = empty.bin\n"
             "[request sub]\nurl = http://h/\nbody_file = sub/in-sub.txt\n"
             "[defaults]\nbody = from defaults\n",
             abs);
    struct config c;
    load_ok(text, NULL, &c);
    const struct request_spec *r = find_req(&c, "rel");
    assert_int_equal(r->has_body, 1);
    assert_int_equal(r->body_len, sizeof data - 1);
    assert_memory_equal(r->body, data, sizeof data - 1);
    r = find_req(&c, "abs");
    assert_int_equal(r->body_len, sizeof data - 1);
    assert_memory_equal(r->body, data, sizeof data - 1);
    r = find_req(&c, "empty");
    assert_int_equal(r->has_body, 1);
    assert_int_equal(r->body_len, 0);
    r = find_req(&c, "sub");
    assert_int_equal(r->body_len, 3);
    assert_memory_equal(r->body, "sub", 3);
    config_free(&c);
    remove_named("body.bin");
    remove_named("empty.bin");
    remove_named("sub/in-sub.txt");
    remove_named("sub");
}

/* A channel's keys: texts and files as body and body_file, the rate, the bandwidth in bytes
 * per second, the lifetime and the marker; flags apply as the other request flags do. */
static void test_channel_keys(void **state)
{
    (void)state;
    write_named("msg.bin", "m\0x", 3);
    struct config c;
    load_ok("[request ch]\nurl = tcp://127.0.0.1:7\nmessage = ping ${seq}\n  two\n"
            "first_message_file = msg.bin\nmessage_rate = 2k\nchannel_bandwidth = 1.5Mbps\n"
            "channel_lifetime = 250ms\nlatency_marker = @@\n"
            "[request web]\nurl = http://127.0.0.1:8080/\n",
            NULL, &c);
    const struct request_spec *r = find_req(&c, "ch");
    assert_true(r->url.channel);
    assert_string_equal(r->chan.message, "ping ${seq}\ntwo");
    assert_int_equal(r->chan.message_len, 15);
    assert_int_equal(r->chan.first_len, 3);
    assert_memory_equal(r->chan.first_message, "m\0x", 3);
    assert_int_equal(r->chan.rate, 2000);
    assert_int_equal(r->chan.bandwidth, 187500);
    assert_int_equal(r->chan.lifetime_ns, 250 * MS);
    assert_string_equal(r->chan.marker, "@@");
    r = find_req(&c, "web");
    assert_false(r->url.channel);
    assert_null(r->chan.message);
    assert_int_equal(r->chan.rate, 0);
    config_free(&c);
    struct config_overrides o = {FLAGS({"message-rate", "5"}, {"channel-bandwidth", "8kbps"})};
    load_ok("[request ch]\nurl = tcp://127.0.0.1:7\nmessage_rate = 9\n", &o, &c);
    assert_int_equal(c.requests[0].chan.rate, 5);
    assert_int_equal(c.requests[0].chan.bandwidth, 1000);
    config_free(&c);
    expect_error("[request ch]\nurl = tcp://127.0.0.1:7\nmessage_rate = 0\n", NULL, 3,
                 "message_rate must be more than 0");
    expect_error("[request ch]\nurl = tcp://127.0.0.1:7\nchannel_bandwidth = 10 Mbps\n", NULL,
                 3, "not a bandwidth");
    expect_error("[request ch]\nurl = tcp://127.0.0.1:7\nmessage_file = no-such.bin\n", NULL, 3,
                 "message_file: cannot read");
    expect_error("[request ch]\nurl = tcp://127.0.0.1\n", NULL, 2, "need a port");
    remove_named("msg.bin");
}

static void test_dns(void **state)
{
    (void)state;
    struct config c;
    load_ok(MINI "[dns]\n"
                 "api.example.com = 127.0.0.1\n"
                 "V6.Example.COM = ::1\n"
                 "bracket.example = [2001:db8::2]\n"
                 "mapped = ::ffff:10.0.0.1\n",
            NULL, &c);
    assert_int_equal(c.ndns, 4);
    assert_string_equal(c.dns[0].name, "api.example.com");
    assert_string_equal(c.dns[0].address, "127.0.0.1");
    assert_string_equal(c.dns[1].name, "v6.example.com");
    assert_string_equal(c.dns[1].address, "::1");
    assert_string_equal(c.dns[2].name, "bracket.example");
    assert_string_equal(c.dns[2].address, "2001:db8::2");
    assert_string_equal(c.dns[3].address, "::ffff:10.0.0.1");
    config_free(&c);
}

static void test_syntax_variants(void **state)
{
    (void)state;
    struct config c;
    /* BOM, CRLF, comments of both kinds, inline comments, case-insensitive names, ':' */
    load_ok("\xef\xbb\xbf; leading comment\r\n"
            "# another comment\r\n"
            "\r\n"
            "  [ RUN ]  ; the run\r\n"
            "Workers = 3 ; inline comment\r\n"
            "CLIENTS: 6\r\n"
            "[Request Mixed-Case]\r\n"
            "URL = http://h/;notacomment\r\n"
            "Method=GET\r\n",
            NULL, &c);
    assert_int_equal(c.workers, 3);
    assert_int_equal(c.clients, 6);
    assert_string_equal(c.requests[0].name, "Mixed-Case");
    assert_int_equal(c.requests[0].line, 7);
    assert_string_equal(c.requests[0].url.target, "/;notacomment");
    config_free(&c);
}

static void test_longest_line(void **state)
{
    (void)state;
    /* "body = " + 65529 characters = 65536, the longest line */
    size_t blen = 65536 - 7;
    char *body = malloc(blen + 1), *text = malloc(blen + 64);
    assert_non_null(body);
    assert_non_null(text);
    memset(body, 'x', blen);
    body[blen] = '\0';
    static const char *const ends[] = {"\n", "", "\r\n"}; /* also without a final newline */
    for (size_t i = 0; i < 3; i++) {
        snprintf(text, blen + 64, MINI "body = %s%s", body, ends[i]);
        struct config c;
        load_ok(text, NULL, &c);
        assert_int_equal(c.requests[0].body_len, blen);
        config_free(&c);
    }
    free(body);
    free(text);
}

/* ---- overrides ------------------------------------------------------------------------ */

static void test_define_overrides(void **state)
{
    (void)state;
    struct config_overrides o = {DEFINES(
        "run.workers=4", "run.workers = 6", "defaults.timeout=5s", "request.b.method=DELETE",
        "request.b.header=X-A: from-D", "dns.Host.Example=10.0.0.9", "dns.other=::1",
        "RUN.Rounds=3", " defaults.header = X-D: d ", "request.dotted.name.timeout=9s")};
    struct config c;
    load_ok("[run]\nworkers = 2\n"
            "[dns]\nhost.example = 127.0.0.1\n"
            "[request a]\nurl = http://h/a\n"
            "[request b]\nurl = http://h/b\ntimeout = 1s\nheader = X-A: from-file\n"
            "[request dotted.name]\nurl = http://h/d\n",
            &o, &c);
    assert_int_equal(c.workers, 6); /* later wins */
    assert_int_equal(c.rounds, 3);
    const struct request_spec *a = find_req(&c, "a");
    assert_int_equal(a->timeout_ns, 5 * S);
    assert_string_equal(a->method, "GET");
    assert_int_equal(a->nheaders, 1);
    assert_string_equal(a->headers[0], "X-D: d");
    const struct request_spec *b = find_req(&c, "b");
    assert_int_equal(b->timeout_ns, 1 * S); /* its own setting beats a changed default */
    assert_string_equal(b->method, "DELETE");
    assert_int_equal(b->nheaders, 2);
    assert_string_equal(b->headers[0], "X-D: d");
    assert_string_equal(b->headers[1], "X-A: from-D");
    assert_int_equal(find_req(&c, "dotted.name")->timeout_ns, 9 * S);
    assert_int_equal(c.ndns, 2);
    assert_string_equal(c.dns[0].name, "host.example");
    assert_string_equal(c.dns[0].address, "10.0.0.9");
    assert_string_equal(c.dns[1].name, "other");
    assert_string_equal(c.dns[1].address, "::1");
    config_free(&c);
}

static void test_define_fixes_file_value(void **state)
{
    (void)state;
    /* values are checked once everything is applied: a -D may repair the file */
    struct config_overrides o = {DEFINES("run.workers=2", "run.duration=5s")};
    struct config c;
    load_ok("[run]\nworkers = 0\nrounds = 0\n" MINI, &o, &c);
    assert_int_equal(c.workers, 2);
    assert_int_equal(c.duration_ns, 5 * S);
    config_free(&c);
}

static void test_flag_overrides(void **state)
{
    (void)state;
    struct config_overrides o = {FLAGS({"workers", "3"}, {"clients", "1k"}, {"duration", "90s"},
                                       {"rounds", "0"}, {"seed", "7"},
                                       {"scoreboard", "/dev/shm/t.sb"}),
                                 DEFINES("run.workers=9", "run.seed=8")};
    struct config c;
    load_ok("[run]\nworkers = 2\nclients = 4\nduration = 1s\nrounds = 5\n"
            "scoreboard = /tmp/file.sb\n" MINI,
            &o, &c);
    assert_int_equal(c.workers, 3); /* flags beat -D and the file */
    assert_int_equal(c.clients, 1000);
    assert_int_equal(c.ramp_start, 3);
    assert_int_equal(c.duration_ns, 90 * S);
    assert_int_equal(c.rounds, 0);
    assert_int_equal(c.seed, 7);
    assert_int_equal(c.seed_set, 1);
    assert_string_equal(c.scoreboard, "/dev/shm/t.sb");
    config_free(&c);
}

/* A url that is a path is resolved against [run] base_url, which one -D can change for every
 * request; without base_url it is an error naming the request. */
static void test_base_url(void **state)
{
    (void)state;
    const char *ini = "[run]\nbase_url = http://127.0.0.1:8080/ignored/path\n"
                      "[request list]\nurl = /items?page=2\n"
                      "[request abs]\nurl = https://other.test/x\n";
    struct config c;
    load_ok(ini, NULL, &c);
    const struct request_spec *r = find_req(&c, "list");
    assert_string_equal(r->url_text, "http://127.0.0.1:8080/items?page=2");
    assert_string_equal(r->url.host, "127.0.0.1");
    assert_int_equal(r->url.port, 8080);
    assert_string_equal(r->url.target, "/items?page=2");
    assert_string_equal(find_req(&c, "abs")->url_text, "https://other.test/x");
    config_free(&c);

    struct config_overrides o = {DEFINES("run.base_url=https://[::1]:9999")};
    load_ok(ini, &o, &c);
    r = find_req(&c, "list");
    assert_string_equal(r->url.host, "::1");
    assert_int_equal(r->url.port, 9999);
    assert_int_equal(r->url.tls, 1);
    config_free(&c);

    expect_error("[request list]\nurl = /items\n", NULL, 2,
                 "[request list] url '/items' is a path but [run] has no base_url");
    expect_error("[run]\nbase_url = /relative\n" MINI, NULL, 2,
                 "bad base_url '/relative': not an absolute URL");
    expect_error("[request a]\nurl = items\n", NULL, 2, "bad url 'items'");
}

/* requests: the run's total, which frees rounds and the URL mode's duration from limiting it. */
static void test_requests_total(void **state)
{
    (void)state;
    struct config c;
    load_ok(MINI, NULL, &c);
    assert_int_equal(c.total_requests, 0);
    config_free(&c);
    load_ok("[run]\nrequests = 1k\n" MINI, NULL, &c);
    assert_int_equal(c.total_requests, 1000);
    assert_int_equal(c.rounds, 0);
    assert_int_equal(c.duration_ns, 0);
    config_free(&c);
    load_ok("[run]\nrequests = 10\nrounds = 2\n" MINI, NULL, &c);
    assert_int_equal(c.rounds, 2);
    config_free(&c);
    struct config_overrides o = {FLAGS({"requests", "50"})};
    assert_int_equal(config_from_url(&c, "http://127.0.0.1:1/", &o), 0);
    assert_int_equal(c.total_requests, 50);
    assert_int_equal(c.duration_ns, 0); /* no default 10 s: the count ends the run */
    config_free(&c);
}

/* ---- the key table drives reading ---------------------------------------------------- */

static void test_table_types(void **state)
{
    (void)state;
    struct config c;
    load_ok("[run]\nplugins = one, two\ndns_ttl = 1m\ntop = on\n"
            "[tls]\nciphers = HIGH:!aNULL\nca_file = certs/ca.pem\nmin_version = TLSv1.2\n"
            "[request a]\nurl = https://h/\nmax_redirects = 2k\nmax_body = 64k\n"
            "keepalive = STORE\nverify = on\nca_path = /etc/ssl/certs\n",
            NULL, &c);
    const struct request_spec *r = &c.requests[0];
    assert_int_equal(r->max_redirects, 2000);          /* count */
    assert_int_equal(r->max_body, 64000);              /* size */
    assert_int_equal(c.dns_ttl_ns, 60 * S);            /* duration */
    assert_int_equal(c.top, 1);                        /* bool */
    assert_int_equal(r->tls.verify, 1);
    assert_int_equal(r->keepalive, KEEPALIVE_STORE);   /* enum */
    assert_int_equal(r->tls.min_version, 0x0303);
    assert_string_equal(r->tls.ciphers, "HIGH:!aNULL"); /* string */
    char want[600];
    snprintf(want, sizeof want, "%s/certs/ca.pem", g_dir);
    assert_string_equal(r->tls.ca_file, want);         /* path, relative to the file */
    assert_string_equal(r->tls.ca_path, "/etc/ssl/certs");
    assert_int_equal(c.nplugins, 2);                   /* list */
    assert_string_equal(c.plugins[0].name, "one");
    assert_string_equal(c.plugins[1].name, "two");
    config_free(&c);
}

/* Every key a request may take starts at the table's default. */
static void test_table_defaults(void **state)
{
    (void)state;
    struct config c;
    load_ok(MINI, NULL, &c);
    size_t checked = 0;
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        if (!(k->sections & SEC_BIT(SEC_REQUEST)) || !k->def || k->size == 0 ||
            config_type_is_string(k->type))
            continue;
        union config_value v;
        assert_int_equal(config_value_default(k, &v), 0);
        struct request_spec want;
        memcpy(&want, &c.requests[0], sizeof want);
        config_value_store(k, &want, &v);
        if (memcmp((char *)&want + k->offset, (char *)&c.requests[0] + k->offset, k->size))
            fail_msg("%s is not at its default %s", k->name, k->def);
        checked++;
    }
    assert_true(checked >= 10);
    assert_string_equal(c.requests[0].method, "GET");
    config_free(&c);
}

static void test_table_sections(void **state)
{
    (void)state;
    expect_error("[tls]\nverfy = yes\n" MINI, NULL, 2,
                 "unknown key 'verfy' in [tls] (did you mean 'verify'?)");
    expect_error("[tls]\nurl = http://h/\n" MINI, NULL, 2,
                 "unknown key 'url' in [tls] (it belongs in [defaults] or a [request NAME])");
    expect_error("[run]\npath = x.so\n" MINI, NULL, 2,
                 "unknown key 'path' in [run] (it belongs in a [plugin NAME])");
    expect_error("[defaults]\nsesion_cache = no\n" MINI, NULL, 2, "did you mean 'session_cache'?");
    expect_error("[run]\nverify = yes\n" MINI, NULL, 2, "(it belongs in [defaults] or a");
    expect_error(MINI "min_version = 1.4\n", NULL, 3,
                 "min_version: '1.4' is not a TLS version (use 1.0, 1.1, 1.2 or 1.3)");
    expect_error(MINI "keepalive = stor\n", NULL, 3,
                 "keepalive: 'stor' is not a keep-alive mode (did you mean 'store'?)");
    expect_error(MINI "max_body = lots\n", NULL, 3, "max_body: 'lots' is not a size");
    expect_error("[run]\ndns_server =\n" MINI, NULL, 2, "dns_server needs an address");
    expect_error(MINI "max_headers = 0\n", NULL, 3, "max_headers must be between 1 and");
    expect_error(MINI "max_header_bytes = 5G\n", NULL, 3, "max_header_bytes must be between 1");
    /* a plugin section takes the plugin's own keys, typed or not */
    struct config c;
    load_ok("[plugin p]\npath = p.so\ntimeout = whatever\nworkers = x\n" MINI, NULL, &c);
    assert_int_equal(c.nplugins, 1);
    char want[600];
    snprintf(want, sizeof want, "%s/p.so", g_dir);
    assert_string_equal(c.plugins[0].path, want);
    assert_int_equal(c.plugins[0].nkeys, 3);
    config_free(&c);
}

static void test_table_defines(void **state)
{
    (void)state;
    struct config_overrides o = {DEFINES("tls.verify=yes", "defaults.max_body=1k",
                                         "plugin.p.path=/x/p.so", "plugin.p.level=3",
                                         "request.a.timeout=0", "request.a.timeout=3s")};
    struct config c;
    /* the file's 0 and the first -D's 0 are corrected by the last -D: checked at the end */
    load_ok(MINI "timeout = 0\n", &o, &c);
    assert_int_equal(c.requests[0].tls.verify, 1);
    assert_int_equal(c.requests[0].max_body, 1000);
    assert_int_equal(c.requests[0].timeout_ns, 3 * S);
    assert_int_equal(c.nplugins, 1);
    assert_string_equal(c.plugins[0].path, "/x/p.so"); /* from -D: not relative to the file */
    config_free(&c);
    struct config_overrides z = {DEFINES("defaults.timeout=0")};
    expect_error_where("[request a]\nurl = http://h/\n", &z, "-D defaults.timeout=0",
                       "timeout must be more than 0");
    struct config_overrides t = {DEFINES("tls.url=http://h/")};
    expect_error_where(MINI, &t, "-D tls.url=http://h/", "it belongs in [defaults] or a");
}

static void test_table_flags(void **state)
{
    (void)state;
    /* flags win over -D whatever the order; a later flag wins over an earlier one; a flag
     * without a value sets a boolean to yes */
    struct config_overrides o = {FLAGS({"workers", "2"}, {"workers", "5"},
                                       {"keep-scoreboard", NULL}, {"top", NULL}),
                                 DEFINES("run.workers=3", "run.keep_scoreboard=no")};
    struct config c;
    load_ok("[run]\nworkers = 4\ntop = no\n" MINI, &o, &c);
    assert_int_equal(c.workers, 5);
    assert_int_equal(c.keep_scoreboard, 1);
    assert_int_equal(c.top, 1);
    /* plugins read [run] as written in the file and -D, not the flags */
    assert_int_equal(c.nrun, 4);
    config_free(&c);
    /* a bad flag value is reported at the flag even when the file's is fine */
    struct config_overrides w = {FLAGS({"workers", "2000"})};
    expect_error_where("[run]\nworkers = 2\n" MINI, &w, "--workers", "from 1 to 1024");
    /* and a flag can fix the file */
    struct config_overrides f = {FLAGS({"workers", "2"})};
    load_ok("[run]\nworkers = 5000\n" MINI, &f, &c);
    assert_int_equal(c.workers, 2);
    config_free(&c);
}

/* ---- config_from_url ------------------------------------------------------------------ */

static int from_url(const char *url, const struct config_overrides *o, struct config *c)
{
    struct call k = {.c = c, .url = url, .is_url = 1, .o = o};
    return capture(call_load, &k);
}

static void test_from_url_defaults(void **state)
{
    (void)state;
    struct config c;
    assert_int_equal(from_url("http://127.0.0.1:8080/", NULL, &c), 0);
    assert_string_equal(g_err, "");
    assert_null(c.path);
    assert_int_equal(c.workers, 1);
    assert_int_equal(c.clients, 10);
    assert_int_equal(c.ramp_start, 10);
    assert_int_equal(c.rounds, 0);
    assert_int_equal(c.duration_ns, 10 * S);
    assert_int_equal(c.grace_ns, 2 * S);
    assert_int_equal(c.nrequests, 1);
    const struct request_spec *r = &c.requests[0];
    assert_string_equal(r->name, "url");
    assert_non_null(r->file);
    assert_string_equal(r->method, "GET");
    assert_int_equal(r->keepalive, KEEPALIVE_YES);
    assert_string_equal(r->url.target, "/");
    assert_int_equal(r->url.port, 8080);
    assert_int_equal(r->timeout_ns, 60 * S);
    config_free(&c);
}

static void test_from_url_flags(void **state)
{
    (void)state;
    struct config_overrides o = {FLAGS({"workers", "2"}, {"clients", "64"}, {"duration", "3s"}),
                                 DEFINES("defaults.timeout=2s", "run.ramp_duration=1s",
                                         "defaults.header=X-Test: 1", "dns.h=127.0.0.1")};
    struct config c;
    assert_int_equal(from_url("http://h:8080/api/items?x=1", &o, &c), 0);
    assert_int_equal(c.workers, 2);
    assert_int_equal(c.clients, 64);
    assert_int_equal(c.ramp_start, 64);
    assert_int_equal(c.ramp_duration_ns, 1 * S);
    assert_int_equal(c.duration_ns, 3 * S);
    assert_int_equal(c.rounds, 0);
    const struct request_spec *r = &c.requests[0];
    assert_string_equal(r->name, "/api/items");
    assert_string_equal(r->url.target, "/api/items?x=1");
    assert_int_equal(r->timeout_ns, 2 * S);
    assert_int_equal(r->nheaders, 1);
    assert_string_equal(r->headers[0], "X-Test: 1");
    assert_int_equal(c.ndns, 1);
    config_free(&c);

    /* more workers than the default 10 clients: one client each */
    struct config_overrides w = {FLAGS({"workers", "16"})};
    assert_int_equal(from_url("http://h/", &w, &c), 0);
    assert_int_equal(c.clients, 16);
    config_free(&c);

    /* --rounds: that many rounds, no duration cap unless one is given */
    struct config_overrides r5 = {FLAGS({"rounds", "5"})};
    assert_int_equal(from_url("http://h/", &r5, &c), 0);
    assert_int_equal(c.rounds, 5);
    assert_int_equal(c.duration_ns, 0);
    config_free(&c);

    struct config_overrides named = {DEFINES("request.url.method=POST")};
    assert_int_equal(from_url("http://h/", &named, &c), 0);
    assert_string_equal(c.requests[0].method, "POST");
    config_free(&c);
}

static void test_from_url_errors(void **state)
{
    (void)state;
    struct config c;
    assert_int_equal(from_url("ftp://h/", NULL, &c), -1);
    assert_zeroed(&c);
    assert_int_equal(from_url("ftp://h/", NULL, &c), -1);
    assert_err_has("stampede: URL 'ftp://h/': ", "unsupported scheme 'ftp'");
    assert_int_equal(from_url("http://u:p@h/", NULL, &c), -1);
    assert_err_has("stampede: URL ", "credentials in URLs are not supported");
    assert_int_equal(from_url("127.0.0.1:8080", NULL, &c), -1);
    assert_err_has("stampede: URL ", "not an absolute URL");
    assert_int_equal(from_url(NULL, NULL, &c), -1);
    assert_err_has("stampede: URL ", "empty URL");
    struct config_overrides o = {FLAGS({"clients", "x"})};
    assert_int_equal(from_url("http://h/", &o, &c), -1);
    assert_err_has("stampede: --clients: ", "'x' is not a count");
    struct config_overrides z = {FLAGS({"duration", "0"})};
    assert_int_equal(from_url("http://h/", &z, &c), -1);
    assert_err_has("stampede: --duration: ", "rounds = 0");
    struct config_overrides d = {DEFINES("run.wrkers=2")};
    assert_int_equal(from_url("http://h/", &d, &c), -1);
    assert_err_has("stampede: -D run.wrkers=2: ", "did you mean 'workers'?");
    assert_zeroed(&c);
}

/* ---- errors --------------------------------------------------------------------------- */

static void test_error_missing_file(void **state)
{
    (void)state;
    struct config c;
    char path[600];
    snprintf(path, sizeof path, "%s/does-not-exist.ini", g_dir);
    struct call k = {.c = &c, .path = path};
    assert_int_equal(capture(call_load, &k), -1);
    char want[700];
    snprintf(want, sizeof want, "stampede: %s: cannot read: No such file or directory\n", path);
    assert_string_equal(g_err, want);
    assert_zeroed(&c);

    k.path = g_dir; /* a directory */
    assert_int_equal(capture(call_load, &k), -1);
    snprintf(want, sizeof want,
             "stampede: %s: is not a regular file (give an INI file, a URL, or - for standard "
             "input)\n", g_dir);
    assert_string_equal(g_err, want);

    k.path = NULL;
    assert_int_equal(capture(call_load, &k), -1);
    assert_one_line();
}

static void test_error_syntax(void **state)
{
    (void)state;
    expect_error(MINI "just some words\n", NULL, 3, "expected 'key = value' or '[section]'");
    expect_error(MINI "[run\n", NULL, 3, "section header without ']'");
    expect_error(MINI "[run] trailing\n", NULL, 3, "unexpected text after ']'");
    expect_error(MINI "= value\n", NULL, 3, "missing key before '='");
    expect_error(MINI "key ; = x\n", NULL, 3, "expected 'key = value'");
    expect_error("workers = 1\n" MINI, NULL, 1, "outside any section");
}

static void test_error_sections(void **state)
{
    (void)state;
    expect_error("[rnu]\n" MINI, NULL, 1, "unknown section '[rnu]' (did you mean 'run'?)");
    expect_error("[default]\n" MINI, NULL, 1, "did you mean 'defaults'?");
    expect_error("[requests x]\n" MINI, NULL, 1, "did you mean 'request'?");
    expect_error("[zzzzzz]\n" MINI, NULL, 1,
                 "use [run], [defaults], [request NAME], [sequence NAME], [data NAME], "
                 "[plugin NAME], [dns], [tls] or [thresholds]");
    expect_error("[run now]\n" MINI, NULL, 1, "[run] takes no name");
    expect_error("[dns x]\n" MINI, NULL, 1, "[dns] takes no name");
    expect_error("[request]\nurl = http://h/\n", NULL, 1, "[request] needs a name");
    expect_error("[request  ]\nurl = http://h/\n", NULL, 1, "[request] needs a name");
    expect_error("[request a b]\nurl = http://h/\n", NULL, 1, "may not contain spaces");
    expect_error("[request a=b]\nurl = http://h/\n", NULL, 1, "may not contain spaces, '='");
    expect_error(MINI "\n[request a]\nurl = http://h/\n", NULL, 4,
                 "duplicate request name 'a' (first at line 1; names must be unique)");
}

static void test_error_unknown_keys(void **state)
{
    (void)state;
    expect_error("[run]\nwrkers = 2\n" MINI, NULL, 2,
                 "unknown key 'wrkers' in [run] (did you mean 'workers'?)");
    expect_error("[run]\nramp = 2s\n" MINI, NULL, 2, "did you mean 'ramp_start'?");
    expect_error("[run]\nkeep_scoreboards = yes\n" MINI, NULL, 2,
                 "did you mean 'keep_scoreboard'?");
    expect_error("[run]\nfrobnicate = 1\n" MINI, NULL, 2, "unknown key 'frobnicate' in [run]");
    expect_error("[run]\ntimeout = 1s\n" MINI, NULL, 2,
                 "unknown key 'timeout' in [run] (it belongs in [defaults] or a [request NAME])");
    expect_error(MINI "tiemout = 5s\n", NULL, 3,
                 "unknown key 'tiemout' in [request a] (did you mean 'timeout'?)");
    expect_error(MINI "body_fiel = x\n", NULL, 3, "did you mean 'body_file'?");
    expect_error(MINI "headers = X: y\n", NULL, 3, "did you mean 'header'?");
    expect_error(MINI "Content-Type: text/plain\n", NULL, 3,
                 "headers are written header = Name: value");
    expect_error("[defaults]\nmethd = GET\n" MINI, NULL, 2,
                 "unknown key 'methd' in [defaults] (did you mean 'method'?)");
    expect_error("[defaults]\nworkers = 2\n" MINI, NULL, 2,
                 "unknown key 'workers' in [defaults] (it belongs in [run])");
    expect_error(MINI "clients = 2\n", NULL, 3, "(it belongs in [run])");
}

static void test_error_duplicates(void **state)
{
    (void)state;
    expect_error("[run]\nworkers = 2\nworkers = 3\n" MINI, NULL, 3,
                 "'workers' is already set at line 2 (keep one)");
    expect_error("[run]\nworkers = 2\n[run]\nWORKERS = 3\n" MINI, NULL, 4,
                 "already set at line 2");
    expect_error(MINI "url = http://h/\n", NULL, 3, "'url' is already set at line 2");
    expect_error(MINI "body = x\nbody_file = y\n", NULL, 4,
                 "'body_file' conflicts with 'body' at line 3 (keep one)");
    expect_error(MINI "[dns]\nh = 1.2.3.4\nH = 1.2.3.5\n", NULL, 5, "'h' is already set");
}

static void test_error_continuation(void **state)
{
    (void)state;
    expect_error(MINI "method = GET\n  POST\n", NULL, 4,
                 "indented line continues 'method' from line 3, which takes one line");
    expect_error("[run]\nworkers = 2\n\n   3\n" MINI, NULL, 4, "continues 'workers' from line 2");
}

static void test_error_urls(void **state)
{
    (void)state;
    struct config c;
    assert_int_equal(load("[request a]\nurl = ftp://127.0.0.1/\n", NULL, &c), -1);
    char want[700];
    snprintf(want, sizeof want, "stampede: %s:2: bad url 'ftp://127.0.0.1/': unsupported scheme 'ftp' (use http://, https://, tcp://, tls://, ws:// or wss://)\n",
             g_path);
    assert_string_equal(g_err, want);
    expect_error("[request a]\nurl = ftp://h/\n", NULL, 2,
                 "bad url 'ftp://h/': unsupported scheme 'ftp'");
    expect_error("[request a]\nurl = http://u:p@h/\n", NULL, 2,
                 "credentials in URLs are not supported; use a header");
    expect_error("[request a]\nurl = http://h:0/\n", NULL, 2, "bad port");
    expect_error("[request a]\nurl = 127.0.0.1:8080\n", NULL, 2, "not an absolute URL");
    expect_error("[request a]\nurl = http://h/a b\n", NULL, 2, "space or control character");
    expect_error("[request a]\nurl =\n", NULL, 2, "empty URL");
    expect_error("[defaults]\nurl = gopher://h/\n" MINI, NULL, 2, "unsupported scheme 'gopher'");
}

static void test_error_values(void **state)
{
    (void)state;
    expect_error("[run]\nworkers = many\n" MINI, NULL, 2,
                 "workers: 'many' is not a count (use a whole number");
    expect_error("[run]\nclients = 1.5k\n" MINI, NULL, 2, "clients: '1.5k' is not a count");
    expect_error("[run]\nrounds = -1\n" MINI, NULL, 2, "rounds: '-1' is not a count");
    expect_error("[run]\nseed = 0x10\n" MINI, NULL, 2, "seed: '0x10' is not a count");
    expect_error("[run]\nramp_start = 2x\n" MINI, NULL, 2, "is not a count");
    expect_error("[run]\nduration = 10 sec\n" MINI, NULL, 2,
                 "duration: '10 sec' is not a duration (use a number with a unit");
    expect_error("[run]\nramp_duration = -1s\n" MINI, NULL, 2, "is not a duration");
    expect_error("[run]\ngrace = soon\n" MINI, NULL, 2, "grace: 'soon' is not a duration");
    expect_error("[run]\nkeep_scoreboard = maybe\n" MINI, NULL, 2,
                 "keep_scoreboard: 'maybe' is not a boolean (use yes or no)");
    expect_error("[run]\niterator = zigzag\n" MINI, NULL, 2,
                 "iterator: 'zigzag' is not an iterator (use default, random_start, follow or "
                 "random_start_follow)");
    expect_error("[run]\niterator = random-start\n" MINI, NULL, 2,
                 "did you mean 'random_start'?");
    expect_error("[run]\nscoreboard =\n" MINI, NULL, 2, "scoreboard needs a path");
    expect_error(MINI "keepalive = sometimes\n", NULL, 3,
                 "keepalive: 'sometimes' is not a keep-alive mode (use yes, use, store or no)");
    expect_error(MINI "timeout = 5 s\n", NULL, 3, "timeout: '5 s' is not a duration");
    expect_error(MINI "timeout = 0\n", NULL, 3, "timeout must be more than 0");
    expect_error(MINI "connect_timeout = 0s\n", NULL, 3, "connect_timeout must be more than 0");
    expect_error(MINI "predelay = -5ms\n", NULL, 3, "predelay: '-5ms' is not a duration");
    expect_error(MINI "postjitter = 1d\n", NULL, 3, "postjitter: '1d' is not a duration");
    expect_error(MINI "method = GE T\n", NULL, 3, "method 'GE T' is not a token");
    expect_error(MINI "method =\n", NULL, 3, "is not a token");
    expect_error("[defaults]\ntimeout = x\n" MINI, NULL, 2, "timeout: 'x' is not a duration");
}

static void test_error_run_limits(void **state)
{
    (void)state;
    expect_error("[run]\nworkers = 0\n" MINI, NULL, 2, "workers must be from 1 to 1024");
    expect_error("[run]\nworkers = 1025\n" MINI, NULL, 2, "workers must be from 1 to 1024");
    expect_error("[run]\nworkers = 99999999999\n" MINI, NULL, 2, "from 1 to 1024");
    expect_error("[run]\nclients = 0\n" MINI, NULL, 2, "clients must be at least 1");
    expect_error("[run]\nclients = 10000001\n" MINI, NULL, 2, "clients must be at most 10M");
    expect_error("[run]\nclients = 5\nramp_start = 10\n" MINI, NULL, 3,
                 "ramp_start (10) is more than clients (5)");
    expect_error("[run]\nramp_start = 0\n" MINI, NULL, 2, "ramp_start is 0 and clients is not set");
    expect_error("[run]\nrounds = 0\n" MINI, NULL, 2,
                 "rounds = 0 runs until the duration is over, but there is no duration");
    expect_error("[run]\nrounds = 0\nduration = 0\n" MINI, NULL, 2, "there is no duration");
}

static void test_error_requests(void **state)
{
    (void)state;
    expect_error("", NULL, 0, "no [request NAME] section (add one with a url)");
    expect_error("; nothing\n[run]\nworkers = 2\n", NULL, 0, "no [request NAME] section");
    expect_error(MINI "\n[request b]\nmethod = GET\n", NULL, 4,
                 "[request b] has no url (add url = ");
    expect_error("[request only]\n", NULL, 1, "[request only] has no url");
}

static void test_error_headers(void **state)
{
    (void)state;
    expect_error(MINI "header = NoColonHere\n", NULL, 3,
                 "header 'NoColonHere' is not 'Name: value'");
    expect_error(MINI "header = Bad Name: x\n", NULL, 3, "header name 'Bad Name' is not a token");
    expect_error(MINI "header = : x\n", NULL, 3, "header name '' is not a token");
    expect_error(MINI "header = X-Ctl: a\x01z\n", NULL, 3, "contains a control character");
    expect_error(MINI "header = X-CR: a\rb\n", NULL, 3, "contains a control character");
    expect_error("[defaults]\nheader = oops\n" MINI, NULL, 2, "is not 'Name: value'");
    expect_error(MINI "header = X-Ok: 1\n   not a header\n", NULL, 4, "is not 'Name: value'");
}

static void test_error_dns(void **state)
{
    (void)state;
    expect_error(MINI "[dns]\nexample.com = not-an-ip\n", NULL, 4,
                 "'not-an-ip' is not a numeric IPv4 or IPv6 address");
    expect_error(MINI "[dns]\nexample.com = 1.2.3\n", NULL, 4, "not a numeric IPv4 or IPv6");
    expect_error(MINI "[dns]\nexample.com = 1.2.3.256\n", NULL, 4, "not a numeric");
    expect_error(MINI "[dns]\nexample.com =\n", NULL, 4, "not a numeric");
    expect_error(MINI "[dns]\nexample.com = localhost\n", NULL, 4, "names are not resolved");
    expect_error(MINI "[dns]\nex ample = 1.2.3.4\n", NULL, 4, "bad host name 'ex ample' in [dns]");
    expect_error(MINI "[dns]\nh = 1.2.3.4\n  5.6.7.8\n", NULL, 5, "takes one line");
}

static void test_error_body_file(void **state)
{
    (void)state;
    char want[700];
    snprintf(want, sizeof want, "body_file: cannot read %s/missing.json: No such file or directory",
             g_dir);
    expect_error(MINI "body_file = missing.json\n", NULL, 3, want);
    expect_error(MINI "body_file =\n", NULL, 3, "body_file needs a path");
    expect_error(MINI "body_file = .\n", NULL, 3, "is not a regular file");
    expect_error("[defaults]\nbody_file = nope\n" MINI, NULL, 2, "nope: No such file");
    /* even when no request uses it */
    expect_error("[defaults]\nbody_file = nope\n" MINI "body = own\n", NULL, 2,
                 "nope: No such file");
}

static void test_error_long_line(void **state)
{
    (void)state;
    size_t blen = 65536 - 7 + 1; /* one over */
    char *body = malloc(blen + 1), *text = malloc(2 * blen + 64);
    assert_non_null(body);
    assert_non_null(text);
    memset(body, 'x', blen);
    body[blen] = '\0';
    snprintf(text, 2 * blen + 64, MINI "body = %s\nmethod = GET\n", body);
    expect_error(text, NULL, 3,
                 "line too long (at most 65536 characters; put long bodies in body_file)");
    snprintf(text, 2 * blen + 64, "; %s%s\n" MINI, body, body); /* even a comment */
    expect_error(text, NULL, 1, "line too long");
    free(body);
    free(text);
}

static void test_error_binary(void **state)
{
    (void)state;
    struct config c;
    static const char text[] = MINI "method = G\0T\n";
    assert_int_equal(load_n(text, sizeof text - 1, NULL, &c), -1);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "stampede: %s:3: ", g_path);
    assert_err_has(prefix, "NUL byte");
}

static void test_error_defines(void **state)
{
    (void)state;
    struct config_overrides o1 = {DEFINES("run.wrkers=4")};
    expect_error_where(MINI, &o1, "-D run.wrkers=4",
                       "unknown key 'wrkers' in [run] (did you mean 'workers'?)");
    struct config c;
    assert_int_equal(load(MINI, &o1, &c), -1);
    assert_string_equal(g_err, "stampede: -D run.wrkers=4: unknown key 'wrkers' in [run] (did "
                               "you mean 'workers'?)\n");
    struct config_overrides o2 = {DEFINES("run.workers")};
    expect_error_where(MINI, &o2, "-D run.workers", "expected SECTION.KEY=VALUE");
    struct config_overrides o3 = {DEFINES("workers=4")};
    expect_error_where(MINI, &o3, "-D workers=4", "expected SECTION.KEY=VALUE");
    struct config_overrides o4 = {DEFINES("rn.workers=4")};
    expect_error_where(MINI, &o4, "-D rn.workers=4", "unknown section 'rn' (did you mean 'run'?)");
    struct config_overrides o5 = {DEFINES("request.hme.timeout=1s")};
    expect_error_where("[request home]\nurl = http://h/\n", &o5, "-D request.hme.timeout=1s",
                       "no request named 'hme' (did you mean 'home'?)");
    struct config_overrides o5b = {DEFINES("request.zzz.timeout=1s")};
    expect_error_where(MINI, &o5b, "-D request.zzz.timeout=1s",
                       "no request named 'zzz' (request names are the NAME of [request NAME])");
    struct config_overrides o6 = {DEFINES("request.a=1")};
    expect_error_where(MINI, &o6, "-D request.a=1", "expected request.NAME.KEY=VALUE");
    struct config_overrides o7 = {DEFINES("run.workers=abc")};
    expect_error_where(MINI, &o7, "-D run.workers=abc", "workers: 'abc' is not a count");
    struct config_overrides o8 = {DEFINES("dns.example.com=nowhere")};
    expect_error_where(MINI, &o8, "-D dns.example.com=nowhere", "not a numeric IPv4 or IPv6");
    struct config_overrides o9 = {DEFINES("defaults.url=ftp://h/")};
    expect_error_where(MINI, &o9, "-D defaults.url=ftp://h/", "unsupported scheme 'ftp'");
    struct config_overrides o10 = {DEFINES("request.a.tiemout=1s")};
    expect_error_where(MINI, &o10, "-D request.a.tiemout=1s", "did you mean 'timeout'?");
    struct config_overrides o11 = {DEFINES("run.workers=0")};
    expect_error_where(MINI, &o11, "-D run.workers=0", "workers must be from 1 to 1024");
    struct config_overrides o12 = {DEFINES("defaults.header=x\ny: z")};
    expect_error_where(MINI, &o12, "-D defaults.header=x?y: z", "not a token");
    struct config_overrides o13 = {DEFINES("dns.=1.2.3.4")};
    expect_error_where(MINI, &o13, "-D dns.=1.2.3.4", "bad host name");
    struct config_overrides o14 = {DEFINES("defaults.workers=2")};
    expect_error_where(MINI, &o14, "-D defaults.workers=2", "it belongs in [run]");
    struct config_overrides o15 = {DEFINES("run.rounds=0")};
    expect_error_where(MINI, &o15, "-D run.rounds=0", "rounds = 0 runs until");
    struct config_overrides o16 = {DEFINES("request.a.body_file=/nonexistent/x")};
    expect_error_where(MINI, &o16, "-D request.a.body_file=/nonexistent/x",
                       "cannot read /nonexistent/x");
}

static void test_error_flags(void **state)
{
    (void)state;
    struct config_overrides w = {FLAGS({"workers", "abc"})};
    struct config c;
    assert_int_equal(load(MINI, &w, &c), -1);
    assert_string_equal(g_err, "stampede: --workers: 'abc' is not a count (use a whole number "
                               "like 4, 10k or 2M)\n");
    struct config_overrides w0 = {FLAGS({"workers", "0"})};
    expect_error_where(MINI, &w0, "--workers", "workers must be from 1 to 1024");
    struct config_overrides c0 = {FLAGS({"clients", "0"})};
    expect_error_where(MINI, &c0, "--clients", "clients must be at least 1");
    struct config_overrides d = {FLAGS({"duration", "10 s"})};
    expect_error_where(MINI, &d, "--duration", "'10 s' is not a duration");
    struct config_overrides r = {FLAGS({"rounds", "0"})};
    expect_error_where(MINI, &r, "--rounds", "rounds = 0 runs until the duration is over");
    struct config_overrides s = {FLAGS({"seed", "-1"})};
    expect_error_where(MINI, &s, "--seed", "'-1' is not a count");
    struct config_overrides sb = {FLAGS({"scoreboard", ""})};
    expect_error_where(MINI, &sb, "--scoreboard", "needs a path");
}

static void test_ramp_start_error_names_its_line(void **state)
{
    (void)state;
    /* clients lowered by a flag: the message points at ramp_start, which is now too big */
    struct config_overrides cs = {FLAGS({"clients", "5"})};
    struct config c;
    assert_int_equal(load("[run]\nramp_start = 6\n" MINI, &cs, &c), -1);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "stampede: %s:2: ", g_path);
    assert_err_has(prefix, "ramp_start (6) is more than clients (5)");
}

/* ---- config_suggest ------------------------------------------------------------------- */

static void test_suggest(void **state)
{
    (void)state;
    static const char *const keys[] = {"workers", "clients", "ramp_start", "ramp_duration",
                                       "timeout", "url", NULL};
    assert_string_equal(config_suggest("wrkers", keys), "workers");
    assert_string_equal(config_suggest("wokrers", keys), "workers");
    assert_string_equal(config_suggest("Workers", keys), "workers");
    assert_string_equal(config_suggest("client", keys), "clients");
    assert_string_equal(config_suggest("work", keys), "workers");
    assert_string_equal(config_suggest("workersss", keys), "workers");
    assert_string_equal(config_suggest("ramp_strat", keys), "ramp_start");
    assert_string_equal(config_suggest("ramp_durations", keys), "ramp_duration");
    assert_string_equal(config_suggest("ur", keys), "url");
    assert_string_equal(config_suggest("uri", keys), "url");
    assert_null(config_suggest("zzzzzz", keys));
    assert_null(config_suggest("xy", keys));
    assert_null(config_suggest("", keys));
    assert_null(config_suggest(NULL, keys));
    assert_null(config_suggest("url", NULL));
    char big[200];
    memset(big, 'w', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_null(config_suggest(big, keys));
}

/* ---- robustness ----------------------------------------------------------------------- */

/* Mutated versions of a full config: whatever happens, no crash, and an error is one line. */
static void test_mutations_never_crash(void **state)
{
    (void)state;
    static const char base[] =
        "[run]\nworkers = 2\nclients = 8\nramp_start = 2\nramp_duration = 1s\nrounds = 0\n"
        "duration = 5s\niterator = random_start\n[defaults]\nheader = Accept: */*\n"
        "timeout = 2s\nbody = a\n  b\n[request a]\nurl = http://127.0.0.1:8080/x?y=1\n"
        "method = POST\nheader = X-A: 1\nkeepalive = use\n[request b]\n"
        "url = http://[::1]:80/\n[dns]\nh = ::1\n";
    static const char alphabet[] = "[]=:;# \n\t\r.ab0\\\"/%@\x01\xff\0";
    uint32_t x = 12345;
    char text[sizeof base + 16];
    int ok = 0;
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(text, base, sizeof base);
        size_t len = sizeof base - 1;
        int edits = 1 + iter % 4;
        for (int e = 0; e < edits; e++) {
            x = x * 1664525u + 1013904223u;
            size_t pos = (x >> 8) % len;
            x = x * 1664525u + 1013904223u;
            char ch = alphabet[(x >> 8) % (sizeof alphabet - 1)];
            if ((x >> 4) % 3 == 0 && len > 1) { /* delete */
                memmove(text + pos, text + pos + 1, len - pos - 1);
                len--;
            } else {
                text[pos] = ch;
            }
        }
        struct config c;
        int rc = load_n(text, len, NULL, &c);
        if (rc == 0) {
            ok++;
            assert_string_equal(g_err, "");
            config_free(&c);
        } else {
            assert_int_equal(rc, -1);
            assert_one_line();
            assert_zeroed(&c);
        }
    }
    assert_true(ok > 0);
}


/* ---- [sequence NAME] ------------------------------------------------------------------ */

#define SEQ_REQS "[request login]\nurl = http://127.0.0.1:8080/login\n" \
                 "[request home]\nurl = http://127.0.0.1:8080/\n"

static void test_sequence_steps(void **state)
{
    (void)state;
    struct config c;
    struct config_overrides o = {DEFINES("run.base_url=http://127.0.0.1:8080")};
    load_ok("[run]\nconcurrency = 3\npriority = run_priority\nrepeat = 2\n" SEQ_REQS
            "[sequence buy]\nrequests = login home\nurl = http://127.0.0.1:8080/cart\n"
            "postdata = item=1\nrequests = home\ncookie = a=1\ncookie = a=2\n"
            "[sequence look]\nurl = /x\norder = depth_first\nparallel = 2\nrepeat = 5\n"
            "filesize = 1k\npage_content = yes\n",
            &o, &c);
    assert_int_equal(c.clients, 3);
    assert_int_equal(c.priority, PRIORITY_RUN);
    assert_int_equal(c.nsequences, 2);
    const struct sequence_spec *b = &c.sequences[0], *l = &c.sequences[1];
    assert_string_equal(b->name, "buy");
    assert_int_equal(b->nsteps, 4);
    assert_string_equal(c.requests[b->steps[0]].name, "login");
    assert_string_equal(c.requests[b->steps[1]].name, "home");
    const struct request_spec *cart = &c.requests[b->steps[2]];
    assert_string_equal(cart->name, "buy.3");
    assert_string_equal(cart->method, "POST");
    assert_memory_equal(cart->body, "item=1", 6);
    assert_string_equal(c.requests[b->steps[3]].name, "home");
    assert_int_equal(b->repeat, 2); /* [run] repeat */
    assert_int_equal(b->order, SEQ_BREADTH_FIRST);
    assert_int_equal(b->ncookies, 2);
    assert_string_equal(b->cookies[1], "a=2");
    assert_int_equal(b->filesize, 16556);
    assert_int_equal(l->nsteps, 1);
    assert_string_equal(c.requests[l->steps[0]].name, "look.1");
    assert_int_equal(l->order, SEQ_DEPTH_FIRST);
    assert_int_equal(l->parallel, 2);
    assert_int_equal(l->repeat, 5);
    assert_int_equal(l->filesize, 1000);
    assert_int_equal(l->page_content, 1);
    config_free(&c);
}

static void test_sequence_errors(void **state)
{
    (void)state;
    expect_error(SEQ_REQS "[sequence s]\nrequests = login hme\n", NULL, 6,
                 "[sequence s] names request 'hme', which is not a [request NAME] section "
                 "(did you mean 'home'?)");
    expect_error(SEQ_REQS "[sequence s]\nrequests = home\nrepeat = 3\ncookie = a\ncookie = b\n",
                 NULL, 5, "[sequence s] has 2 cookie lines for 3 repetitions");
    expect_error(SEQ_REQS "[sequence s]\nrepeat = 3\n", NULL, 5, "[sequence s] has no steps");
    expect_error(SEQ_REQS "[sequence s]\nrequests = home\npostdata = x\n", NULL, 7,
                 "postdata in [sequence s] belongs to the url line just before it");
    expect_error(SEQ_REQS "[sequence s]\nrequests = home\nparallel = 2\n", NULL, 7,
                 "parallel needs order = depth_first");
    expect_error(SEQ_REQS "[sequence s]\nrequests = home\norder = deep\n", NULL, 7,
                 "'deep' is not an order");
    expect_error(SEQ_REQS "[sequence s]\nrequests = home\n[sequence s]\n", NULL, 7,
                 "duplicate sequence name 's'");
    expect_error("[run]\nclients = 2\nconcurrency = 3\n" MINI, NULL, 3,
                 "concurrency (3) and clients (2) are the same thing set to different values");
    expect_error("[run]\nrounds = 2\n" SEQ_REQS "[sequence s]\nrequests = home\n", NULL, 2,
                 "[run] rounds walks the [request] list");
    expect_error("[run]\nworkers = 2\nconcurrency = 1\n" SEQ_REQS
                 "[sequence s]\nrequests = home\n", NULL, 2,
                 "workers (2) are more than concurrency (1)");
    expect_error("[run]\npriority = run_priority\n" MINI, NULL, 2,
                 "[run] priority is for [sequence NAME] sections, and this file has none");
    expect_error(SEQ_REQS "[sequence s]\nrequests = home\nheader = A: b\n", NULL, 7,
                 "unknown key 'header' in [sequence s]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_defaults),
        cmocka_unit_test(test_run_keys),
        cmocka_unit_test(test_clients_and_ramp_start_defaults),
        cmocka_unit_test(test_max_clients),
        cmocka_unit_test(test_booleans_and_iterators),
        cmocka_unit_test(test_keepalive_values),
        cmocka_unit_test(test_request_keys),
        cmocka_unit_test(test_requests_in_file_order),
        cmocka_unit_test(test_defaults_inheritance),
        cmocka_unit_test(test_defaults_after_requests),
        cmocka_unit_test(test_follow_credentials_and_plugin_keys),
        cmocka_unit_test(test_header_replacement),
        cmocka_unit_test(test_checks_and_thresholds),
        cmocka_unit_test(test_header_forms),
        cmocka_unit_test(test_body_forms),
        cmocka_unit_test(test_body_file),
        cmocka_unit_test(test_channel_keys),
        cmocka_unit_test(test_dns),
        cmocka_unit_test(test_syntax_variants),
        cmocka_unit_test(test_longest_line),
        cmocka_unit_test(test_define_overrides),
        cmocka_unit_test(test_define_fixes_file_value),
        cmocka_unit_test(test_flag_overrides),
        cmocka_unit_test(test_base_url),
        cmocka_unit_test(test_requests_total),
        cmocka_unit_test(test_table_types),
        cmocka_unit_test(test_table_defaults),
        cmocka_unit_test(test_table_sections),
        cmocka_unit_test(test_table_defines),
        cmocka_unit_test(test_table_flags),
        cmocka_unit_test(test_from_url_defaults),
        cmocka_unit_test(test_from_url_flags),
        cmocka_unit_test(test_from_url_errors),
        cmocka_unit_test(test_error_missing_file),
        cmocka_unit_test(test_error_syntax),
        cmocka_unit_test(test_error_sections),
        cmocka_unit_test(test_error_unknown_keys),
        cmocka_unit_test(test_error_duplicates),
        cmocka_unit_test(test_error_continuation),
        cmocka_unit_test(test_error_urls),
        cmocka_unit_test(test_error_values),
        cmocka_unit_test(test_error_run_limits),
        cmocka_unit_test(test_error_requests),
        cmocka_unit_test(test_error_headers),
        cmocka_unit_test(test_error_dns),
        cmocka_unit_test(test_error_body_file),
        cmocka_unit_test(test_error_long_line),
        cmocka_unit_test(test_error_binary),
        cmocka_unit_test(test_error_defines),
        cmocka_unit_test(test_error_flags),
        cmocka_unit_test(test_ramp_start_error_names_its_line),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_mutations_never_crash),
        cmocka_unit_test(test_sequence_steps),
        cmocka_unit_test(test_sequence_errors),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
