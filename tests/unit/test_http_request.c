/* Unit tests for http_request: the bytes a request becomes, and the headers a redirect hop
 * carries of the configured ones (body headers only with the body, credentials only while
 * allowed, never the old Host). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http_request.h"

static char *hdrs[] = {
    "Host: configured.test", "Authorization: Basic eA==", "Cookie: a=1",
    "Proxy-Authorization: Basic eQ==", "Content-Type: text/plain", "X-Other: kept",
};

static struct request_spec spec_with(struct url *u)
{
    struct request_spec s = {.method = "POST", .headers = hdrs,
                             .nheaders = sizeof(hdrs) / sizeof(hdrs[0]), .body = "hello",
                             .body_len = 5, .has_body = 1, .keepalive = KEEPALIVE_YES};
    const char *why;
    assert_int_equal(url_parse("http://127.0.0.1:8080/x?y=1", u, &why), 0);
    s.url = *u;
    return s;
}

static char *joined(char **v, size_t n)
{
    static char buf[512];
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(buf, v[i]);
        strcat(buf, "|");
    }
    return buf;
}

static void test_hop_headers(void **state)
{
    (void)state;
    struct url u;
    struct request_spec s = spec_with(&u);
    char *out[8];
    size_t n = http_request_hop_headers(&s, 1, 1, out);
    assert_string_equal(joined(out, n), "Authorization: Basic eA==|Cookie: a=1|"
                                        "Proxy-Authorization: Basic eQ==|"
                                        "Content-Type: text/plain|X-Other: kept|");
    n = http_request_hop_headers(&s, 0, 1, out);
    assert_string_equal(joined(out, n), "Authorization: Basic eA==|Cookie: a=1|"
                                        "Proxy-Authorization: Basic eQ==|X-Other: kept|");
    n = http_request_hop_headers(&s, 1, 0, out);
    assert_string_equal(joined(out, n), "Content-Type: text/plain|X-Other: kept|");
    url_free(&u);
}

static void test_build(void **state)
{
    (void)state;
    struct url u;
    struct request_spec s = spec_with(&u);
    char *out[8];
    size_t n = http_request_hop_headers(&s, 0, 0, out);
    struct http_request_parts p = {.method = "GET", .url = &u, .headers = out, .nheaders = n,
                                   .close = 1};
    struct wire w;
    assert_int_equal(http_request_build(&p, &w), 0);
    assert_string_equal(w.bytes, "GET /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                                 "X-Other: kept\r\nConnection: close\r\n\r\n");
    http_request_free(&w);
    /* the configured request keeps its own Host and gets a Content-Length */
    assert_int_equal(http_request_serialise(&s, &w), 0);
    assert_non_null(strstr(w.bytes, "POST /x?y=1 HTTP/1.1\r\nHost: configured.test\r\n"));
    assert_non_null(strstr(w.bytes, "Content-Length: 5\r\n\r\nhello"));
    assert_null(strstr(w.bytes, "Connection: close"));
    assert_null(strstr(w.bytes, "Host: 127.0.0.1"));
    http_request_free(&w);
    url_free(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hop_headers),
        cmocka_unit_test(test_build),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
