/* Unit tests for sessions: the ${NAME} template renderer and the cookie jar's RFC 6265
 * rules (domain, path, expiry, Secure, replacement, bounds), and captures on made-up
 * responses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "config.h"
#include "cookie_jar.h"
#include "rng.h"
#include "template.h"

static const char *const var_names[] = {"token", "user.id"};
static char *cols[] = {"id", "name"};
static char *cells[] = {"1", "ann", "2", "bob", "3", "cy"};
static size_t lens[] = {1, 3, 1, 3, 1, 2};
static struct feeder users = {"users", DATA_PER_CLIENT, cols, 2, cells, lens, 3};
static const struct tpl_names tnames = {var_names, 2, &users, 1};
#define names (&tnames)

/* Renders text with the values given (NULL: unset), into a static string. */
static const char *render(const char *text, const char *token, const char *user, int *rc,
                          uint64_t seed)
{
    static char out[512];
    char err[300];
    struct template *t = template_compile(text, strlen(text), names, 0, err, sizeof err);
    if (!t)
        fail_msg("'%s' should compile: %s", text, err);
    struct var_value vals[2] = {{0}, {0}};
    if (token)
        var_value_set(&vals[0], token, strlen(token));
    if (user)
        var_value_set(&vals[1], user, strlen(user));
    struct rng rng;
    rng_seed(&rng, seed, 3);
    struct tpl_env env = {.client = 3, .worker = 1, .repetition = 2, .round = 2, .rng = &rng,
                          .vals = vals, .clients = 4, .seed = seed};
    struct tpl_buf b = {0};
    const char *unset = NULL;
    *rc = template_render(t, &env, &b, &unset);
    snprintf(out, sizeof out, "%.*s", (int)b.len, b.b ? b.b : "");
    if (*rc == 1)
        snprintf(out, sizeof out, "unset %s", unset);
    free(b.b);
    free(vals[0].s);
    free(vals[1].s);
    template_free(t);
    return out;
}

static void test_template_render(void **state)
{
    (void)state;
    int rc;
    assert_string_equal(render("GET /a?t=${token}&u=${user.id} x", "T1", "u7", &rc, 1),
                        "GET /a?t=T1&u=u7 x");
    assert_int_equal(rc, 0);
    assert_string_equal(render("${client}/${worker}/${round}/${repetition}", 0, 0, &rc, 1),
                        "3/1/2/2");
    assert_string_equal(render("no vars, $5 and $ {x}", 0, 0, &rc, 1), "no vars, $5 and $ {x}");
    assert_string_equal(render("a${token}b", 0, "u", &rc, 1), "unset token");
    assert_int_equal(rc, 1);
    assert_string_equal(render("${token}", "", 0, &rc, 1), "");
    assert_int_equal(rc, 0);
    /* random in range, the same for the same seed */
    char first[512];
    snprintf(first, sizeof first, "%s", render("${random:1:6} ${random:-2:2} ${uuid}", 0, 0, &rc, 9));
    assert_string_equal(render("${random:1:6} ${random:-2:2} ${uuid}", 0, 0, &rc, 9), first);
    int d = 0, e = 9;
    char uuid[64];
    assert_int_equal(sscanf(first, "%d %d %63s", &d, &e, uuid), 3);
    assert_true(d >= 1 && d <= 6);
    assert_true(e >= -2 && e <= 2);
    assert_int_equal(strlen(uuid), 36);
    assert_int_equal(uuid[14], '4');
    assert_non_null(strchr("89ab", uuid[19]));
    for (uint64_t s = 0; s < 200; s++) {
        int v = atoi(render("${random:5:5}", 0, 0, &rc, s));
        assert_int_equal(v, 5);
    }
}

static void test_template_data(void **state)
{
    (void)state;
    int rc;
    users.mode = DATA_PER_CLIENT; /* client 3 of 4, round 2: row 3 mod 3 */
    assert_string_equal(render("${users.id}:${users.name}", 0, 0, &rc, 1), "1:ann");
    users.mode = DATA_PER_REPETITION;
    assert_string_equal(render("${users.name}", 0, 0, &rc, 1), "cy");
    users.mode = DATA_ROUND_ROBIN; /* (2 * 4 + 3) mod 3 */
    assert_string_equal(render("${users.name}", 0, 0, &rc, 1), "cy");
    users.mode = DATA_RANDOM;
    char first[64];
    snprintf(first, sizeof first, "%s", render("${users.name}", 0, 0, &rc, 5));
    assert_string_equal(render("${users.name}", 0, 0, &rc, 5), first);
    users.mode = DATA_PER_CLIENT;
    char err[300];
    assert_null(template_compile("${users.age}", 12, names, 0, err, sizeof err));
    assert_non_null(strstr(err, "[data users] has no column 'age'"));
    assert_null(template_compile("${people.id}", 12, names, 0, err, sizeof err));
}

static void test_template_bad(void **state)
{
    (void)state;
    char err[300];
    assert_null(template_compile("${nope}", 7, names, 0, err, sizeof err));
    assert_non_null(strstr(err, "unknown variable ${nope}"));
    assert_null(template_compile("x ${token", 9, names, 0, err, sizeof err));
    assert_non_null(strstr(err, "without its '}'"));
    assert_null(template_compile("${random:6:1}", 13, names, 0, err, sizeof err));
    assert_null(template_compile("${random:a:b}", 13, names, 0, err, sizeof err));
    /* with plugins, an unknown name stays for them */
    struct template *t = template_compile("a ${name} b", 11, names, 1, err, sizeof err);
    assert_non_null(t);
    assert_int_equal(template_nvars(t), 0);
    template_free(t);
}

/* The Cookie header for host and path. */
static const char *cookies(struct cookie_jar *j, const char *host, const char *path, int https,
                           int64_t now)
{
    static char out[1024];
    jar_cookie_header(j, host, path, https, now, out, sizeof out);
    return out;
}

#define NOW 1700000000

static void test_jar_domain_path(void **state)
{
    (void)state;
    struct cookie_jar j = {0};
    assert_int_equal(jar_set(&j, "a=1", 3, "www.example.com", "/shop/cart?x=1", NOW), 1);
    /* host-only, default path /shop */
    assert_string_equal(cookies(&j, "www.example.com", "/shop", 0, NOW), "a=1");
    assert_string_equal(cookies(&j, "www.example.com", "/shop/x", 0, NOW), "a=1");
    assert_string_equal(cookies(&j, "www.example.com", "/shopping", 0, NOW), "");
    assert_string_equal(cookies(&j, "www.example.com", "/", 0, NOW), "");
    assert_string_equal(cookies(&j, "example.com", "/shop", 0, NOW), "");
    assert_string_equal(cookies(&j, "a.www.example.com", "/shop", 0, NOW), "");
    /* a domain cookie goes to subdomains too */
    const char *d = "b=2; Domain=.Example.COM; Path=/";
    assert_int_equal(jar_set(&j, d, strlen(d), "www.example.com", "/", NOW), 1);
    assert_string_equal(cookies(&j, "x.example.com", "/", 0, NOW), "b=2");
    assert_string_equal(cookies(&j, "example.com", "/anything", 0, NOW), "b=2");
    assert_string_equal(cookies(&j, "badexample.com", "/", 0, NOW), "");
    /* longer paths first */
    assert_string_equal(cookies(&j, "www.example.com", "/shop/1", 0, NOW), "a=1; b=2");
    /* a domain the host is not within is refused; an IP address has no subdomains */
    const char *o = "c=3; Domain=other.com";
    assert_int_equal(jar_set(&j, o, strlen(o), "www.example.com", "/", NOW), 0);
    const char *ip = "c=3; Domain=0.0.1";
    assert_int_equal(jar_set(&j, ip, strlen(ip), "127.0.0.1", "/", NOW), 0);
    /* no name, no '=' */
    assert_int_equal(jar_set(&j, "=x", 2, "h", "/", NOW), 0);
    assert_int_equal(jar_set(&j, "novalue", 7, "h", "/", NOW), 0);
    jar_free(&j);
}

static void test_jar_expiry_replace(void **state)
{
    (void)state;
    struct cookie_jar j = {0};
    const char *s[] = {
        "s=1; Path=/",
        "m=1; Max-Age=10; Path=/",
        "e=1; Expires=Wed, 09 Jun 2100 10:18:14 GMT; Path=/",
        "w=1; Max-Age=10; Expires=Wed, 09 Jun 2000 10:18:14 GMT; Path=/", /* Max-Age wins */
        "x=1; Secure; HttpOnly; Path=/",
    };
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(jar_set(&j, s[i], strlen(s[i]), "h", "/", NOW), 1);
    assert_string_equal(cookies(&j, "h", "/", 0, NOW), "s=1; m=1; e=1; w=1");
    assert_string_equal(cookies(&j, "h", "/", 1, NOW), "s=1; m=1; e=1; w=1; x=1");
    assert_string_equal(cookies(&j, "h", "/", 0, NOW + 10), "s=1; e=1");
    /* replacement keeps its place; a past expiry deletes */
    assert_int_equal(jar_set(&j, "s=2; Path=/", 11, "h", "/a", NOW), 1);
    assert_string_equal(cookies(&j, "h", "/", 0, NOW), "s=2; e=1");
    const char *del = "e=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/";
    assert_int_equal(jar_set(&j, del, strlen(del), "h", "/", NOW), 1);
    assert_int_equal(jar_set(&j, "s=; Max-Age=0; Path=/", 21, "h", "/", NOW), 1);
    assert_string_equal(cookies(&j, "h", "/", 1, NOW), "x=1");
    /* another path is another cookie */
    assert_int_equal(jar_set(&j, "x=2; Path=/a", 12, "h", "/", NOW), 1);
    assert_string_equal(cookies(&j, "h", "/a", 1, NOW), "x=2; x=1");
    jar_free(&j);
}

static void test_jar_bounds(void **state)
{
    (void)state;
    struct cookie_jar j = {0};
    char c[64];
    for (int i = 0; i < JAR_MAX_COOKIES + 5; i++) {
        int n = snprintf(c, sizeof c, "c%d=%d; Path=/", i, i);
        assert_int_equal(jar_set(&j, c, (size_t)n, "h", "/", NOW), 1);
    }
    assert_int_equal(j.n, JAR_MAX_COOKIES);
    const char *h = cookies(&j, "h", "/", 0, NOW);
    assert_null(strstr(h, "c4="));   /* the oldest went */
    assert_non_null(strstr(h, "c5="));
    size_t big = JAR_MAX_COOKIE_BYTES + 10;
    char *v = malloc(big);
    memset(v, 'v', big);
    memcpy(v, "big=", 4);
    assert_int_equal(jar_set(&j, v, big, "h", "/", NOW), 0);
    free(v);
    jar_free(&j);
}

static void test_captures(void **state)
{
    (void)state;
    struct capture_set *set = NULL;
    char err[300], why[200];
    assert_int_equal(capture_set_add(&set, "tok json data.token", err, sizeof err), 0);
    assert_int_equal(capture_set_add(&set, "n regex id=(\\d+)", err, sizeof err), 0);
    assert_int_equal(capture_set_add(&set, "s header X-Session", err, sizeof err), 0);
    for (size_t i = 0; i < set->n; i++)
        set->v[i].var = i;
    struct var_value vals[3] = {{0}, {0}, {0}};
    uint64_t held = 0;
    capture_header_line(set, "x-session", 9, "abc", 3, vals, &held);
    capture_header_line(set, "X-Session", 9, "second", 6, vals, &held);
    const char *body = "{\"data\":{\"token\":\"T\",\"id\":5},\"x\":\"id=42\"}";
    assert_int_equal(capture_response(set, held, body, strlen(body), strlen(body), vals, why,
                                      sizeof why), 0);
    assert_string_equal(vals[0].s, "T");
    assert_string_equal(vals[1].s, "42");
    assert_string_equal(vals[2].s, "abc");
    assert_int_equal(capture_response(set, 0, body, strlen(body), strlen(body), vals, why,
                                      sizeof why), -1);
    assert_string_equal(why, "capture s: no X-Session header");
    assert_int_equal(capture_response(set, held, "{}", 2, 2, vals, why, sizeof why), -1);
    assert_string_equal(why, "capture tok: no 'data' in the body");
    for (int i = 0; i < 3; i++)
        free(vals[i].s);
    assert_int_equal(capture_set_add(&set, "a xml b", err, sizeof err), -1);
    assert_int_equal(capture_set_add(&set, "a regex abc", err, sizeof err), -1);
    assert_non_null(strstr(err, "has no group"));
    assert_int_equal(capture_set_add(&set, "a json", err, sizeof err), -1);
    capture_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_render),  cmocka_unit_test(test_template_bad),
        cmocka_unit_test(test_template_data),
        cmocka_unit_test(test_jar_domain_path),  cmocka_unit_test(test_jar_expiry_replace),
        cmocka_unit_test(test_jar_bounds),       cmocka_unit_test(test_captures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
