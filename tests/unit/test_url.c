/* Unit tests for url_parse: the accepted forms and every refusal with its reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

static void check_ok(const char *s, const char *scheme, const char *host, unsigned port,
                     const char *target, int tls)
{
    struct url u;
    const char *why = NULL;
    if (url_parse(s, &u, &why) != 0)
        fail_msg("'%s' should parse, got: %s", s, why);
    assert_string_equal(u.scheme, scheme);
    assert_string_equal(u.host, host);
    assert_int_equal(u.port, port);
    assert_string_equal(u.target, target);
    assert_int_equal(u.tls, tls);
    url_free(&u);
    assert_null(u.host);
}

static void check_bad(const char *s, const char *reason)
{
    struct url u;
    const char *why = NULL;
    if (url_parse(s, &u, &why) == 0) {
        url_free(&u);
        fail_msg("'%s' should be refused", s);
    }
    assert_non_null(why);
    if (!strstr(why, reason))
        fail_msg("'%s': reason '%s' lacks '%s'", s, why, reason);
    assert_null(u.host); /* nothing to free after an error */
    url_free(&u);        /* and freeing anyway is harmless */
}

static void test_basic(void **state)
{
    (void)state;
    check_ok("http://127.0.0.1:8080/", "http", "127.0.0.1", 8080, "/", 0);
    check_ok("http://127.0.0.1:8080", "http", "127.0.0.1", 8080, "/", 0);
    check_ok("http://example.com", "http", "example.com", 80, "/", 0);
    check_ok("http://example.com/a/b.html", "http", "example.com", 80, "/a/b.html", 0);
    check_ok("https://example.com/", "https", "example.com", 443, "/", 1);
    check_ok("https://example.com:8443/x", "https", "example.com", 8443, "/x", 1);
    check_ok("http://h:1/", "http", "h", 1, "/", 0);
    check_ok("http://h:65535/", "http", "h", 65535, "/", 0);
    check_ok("http://h:00080/", "http", "h", 80, "/", 0);
    check_ok("http://my_host-1.local/", "http", "my_host-1.local", 80, "/", 0);
}

static void test_case(void **state)
{
    (void)state;
    check_ok("HTTP://Example.COM/Path", "http", "example.com", 80, "/Path", 0);
    check_ok("HtTpS://EXAMPLE.com", "https", "example.com", 443, "/", 1);
}

static void test_query_fragment(void **state)
{
    (void)state;
    check_ok("http://h/p?a=1&b=2", "http", "h", 80, "/p?a=1&b=2", 0);
    check_ok("http://h?a=1", "http", "h", 80, "/?a=1", 0);
    check_ok("http://h:81?a=1", "http", "h", 81, "/?a=1", 0);
    check_ok("http://h/p#frag", "http", "h", 80, "/p", 0);
    check_ok("http://h/p?q=1#frag", "http", "h", 80, "/p?q=1", 0);
    check_ok("http://h#frag", "http", "h", 80, "/", 0);
    check_ok("http://h/%20x?y=%41", "http", "h", 80, "/%20x?y=%41", 0);
    check_ok("http://h/a:b@c", "http", "h", 80, "/a:b@c", 0); /* '@' in the path is fine */
}

static void test_ipv6(void **state)
{
    (void)state;
    check_ok("http://[::1]:8080/", "http", "::1", 8080, "/", 0);
    check_ok("http://[::1]/x", "http", "::1", 80, "/x", 0);
    check_ok("http://[::1]", "http", "::1", 80, "/", 0);
    check_ok("https://[2001:DB8::1]:443/", "https", "2001:db8::1", 443, "/", 1);
    check_ok("http://[::ffff:127.0.0.1]:80/", "http", "::ffff:127.0.0.1", 80, "/", 0);
}

static void test_empty_port_is_default(void **state)
{
    (void)state;
    check_ok("http://h:/x", "http", "h", 80, "/x", 0);
    check_ok("https://h:", "https", "h", 443, "/", 1);
}

static void test_refusals(void **state)
{
    (void)state;
    check_bad(NULL, "empty URL");
    check_bad("", "empty URL");
    check_bad("example.com/", "not an absolute URL");
    check_bad("//example.com/", "not an absolute URL");
    check_bad("http:/example.com/", "not an absolute URL");
    check_bad("http//example.com/", "not an absolute URL");
    check_bad("ftp://example.com/", "unsupported scheme 'ftp'");
    check_bad("wsx://h/", "unsupported scheme 'wsx'");
    check_bad("1http://h/", "not an absolute URL");
    check_bad("http://user:pass@h/", "credentials in URLs are not supported; use a header");
    check_bad("http://user@h/", "credentials");
    check_bad("http://@h/", "credentials");
    check_bad("http:///x", "no host");
    check_bad("http://", "no host");
    check_bad("http://:80/", "no host");
    check_bad("http://h:0/", "bad port");
    check_bad("http://h:65536/", "bad port");
    check_bad("http://h:99999999999999999999/", "bad port");
    check_bad("http://h:8o/", "bad port");
    check_bad("http://h:-1/", "bad port");
    check_bad("http://h:80:80/", "too many ':'");
    check_bad("http://h x/", "space or control");
    check_bad("http://h/a b", "space or control");
    check_bad("http://h/a\tb", "space or control");
    check_bad("http://h/a\r\nb", "space or control");
    check_bad("http://h/\x7f", "space or control");
    check_bad(" http://h/", "space or control");
    check_bad("http://h/caf\xc3\xa9", "non-ASCII");
    check_bad("http://ex!ample.com/", "bad character in host");
    check_bad("http://h%41/", "bad character in host");
    check_bad("http://[::1/", "closing ']'");
    check_bad("http://[]/", "bad IPv6");
    check_bad("http://[zz::1]/", "bad IPv6");
    check_bad("http://[127.0.0.1]/", "bad IPv6");
    check_bad("http://[::1]x/", "after ']'");
    check_bad("http://[::1]:0/", "bad port");
    check_bad("http://::1/", "IPv6 addresses go in brackets");
    check_bad("http://fe80::1%25eth0/", "IPv6 addresses go in brackets");
}

static void test_long_host(void **state)
{
    (void)state;
    char host[256], s[300];
    memset(host, 'a', 253);
    host[253] = '\0';
    snprintf(s, sizeof s, "http://%s/", host);
    check_ok(s, "http", host, 80, "/", 0);
    snprintf(s, sizeof s, "http://%sa/", host);
    check_bad(s, "longer than 253");
}

/* Location references resolved against a base, as RFC 3986 section 5.4 lists them. */
static void check_resolve(const char *base, const char *ref, const char *want_host, unsigned port,
                          const char *want_target, int tls)
{
    struct url b, u;
    const char *why = NULL;
    assert_int_equal(url_parse(base, &b, &why), 0);
    if (url_resolve(&b, ref, &u, &why) != 0)
        fail_msg("resolving '%s' against '%s': %s", ref, base, why);
    assert_string_equal(u.host, want_host);
    assert_int_equal(u.port, port);
    assert_string_equal(u.target, want_target);
    assert_int_equal(u.tls, tls);
    url_free(&u);
    url_free(&b);
}

static void test_resolve(void **state)
{
    (void)state;
    const char *base = "http://a:8080/b/c/d;p?q";
    check_resolve(base, "g", "a", 8080, "/b/c/g", 0);
    check_resolve(base, "./g", "a", 8080, "/b/c/g", 0);
    check_resolve(base, "g/", "a", 8080, "/b/c/g/", 0);
    check_resolve(base, "/g", "a", 8080, "/g", 0);
    check_resolve(base, "//g", "g", 80, "/", 0);
    check_resolve(base, "?y", "a", 8080, "/b/c/d;p?y", 0);
    check_resolve(base, "g?y", "a", 8080, "/b/c/g?y", 0);
    check_resolve(base, "#s", "a", 8080, "/b/c/d;p", 0);
    check_resolve(base, "g#s", "a", 8080, "/b/c/g", 0);
    check_resolve(base, "", "a", 8080, "/b/c/d;p", 0);
    check_resolve(base, ".", "a", 8080, "/b/c/", 0);
    check_resolve(base, "..", "a", 8080, "/b/", 0);
    check_resolve(base, "../g", "a", 8080, "/b/g", 0);
    check_resolve(base, "../..", "a", 8080, "/", 0);
    check_resolve(base, "../../../g", "a", 8080, "/g", 0);
    check_resolve(base, "/./g", "a", 8080, "/g", 0);
    check_resolve(base, "g/../h?x/../y", "a", 8080, "/b/c/h?x/../y", 0);
    check_resolve(base, "https://other.example/x?1", "other.example", 443, "/x?1", 1);
    check_resolve(base, " /spaced", "a", 8080, "/spaced", 0);
    check_resolve("https://[::1]:8443/a/b", "c", "::1", 8443, "/a/c", 1);
    check_resolve("https://h/a", "//k:99/z", "k", 99, "/z", 1);

    struct url b, u;
    const char *why = NULL;
    assert_int_equal(url_parse(base, &b, &why), 0);
    assert_int_equal(url_resolve(&b, "ftp://x/", &u, &why), -1);
    assert_int_equal(url_resolve(&b, "http://u:p@x/", &u, &why), -1);
    url_free(&b);
}

/* tcp:// and tls:// name a channel's peer: a port is required, a path refused. */
static void test_channels(void **state)
{
    (void)state;
    struct url u;
    check_ok("tcp://127.0.0.1:9000", "tcp", "127.0.0.1", 9000, "/", 0);
    check_ok("TLS://localhost:9443/", "tls", "localhost", 9443, "/", 1);
    check_ok("tcp://[::1]:7", "tcp", "::1", 7, "/", 0);
    assert_int_equal(url_parse("tcp://h:1", &u, NULL), 0);
    assert_true(u.channel);
    char *text = url_format(&u);
    assert_string_equal(text, "tcp://h:1");
    free(text);
    url_free(&u);
    assert_int_equal(url_parse("http://h:1", &u, NULL), 0);
    assert_false(u.channel);
    url_free(&u);
    check_bad("tcp://127.0.0.1", "need a port");
    check_bad("tls://127.0.0.1:", "need a port");
    check_bad("tcp://127.0.0.1:9000/x", "no path");
    check_bad("udp://127.0.0.1:9000", "unsupported scheme");
}

/* ws:// and wss:// name a WebSocket channel's peer: a path, default ports 80 and 443. */
static void test_ws(void **state)
{
    (void)state;
    struct url u;
    check_ok("ws://127.0.0.1:9000/ws/echo?x=1", "ws", "127.0.0.1", 9000, "/ws/echo?x=1", 0);
    check_ok("WSS://localhost/chat", "wss", "localhost", 443, "/chat", 1);
    check_ok("ws://h", "ws", "h", 80, "/", 0);
    assert_int_equal(url_parse("ws://h:1/a", &u, NULL), 0);
    assert_true(u.channel);
    assert_true(u.ws);
    char *text = url_format(&u);
    assert_string_equal(text, "ws://h:1/a");
    free(text);
    url_free(&u);
    assert_int_equal(url_parse("tcp://h:1", &u, NULL), 0);
    assert_false(u.ws);
    url_free(&u);
    check_bad("ws:///x", "no host");
    check_bad("wss://:9/x", "no host");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),      cmocka_unit_test(test_case),
        cmocka_unit_test(test_query_fragment), cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_empty_port_is_default), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_long_host),   cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_channels),   cmocka_unit_test(test_ws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
