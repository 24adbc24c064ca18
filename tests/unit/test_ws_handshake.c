/* Unit tests for stampede-target's WebSocket handshake check: RFC 6455's example key, the
 * headers an upgrade needs, in any case and with either line ending, and the subprotocol
 * chosen with and without --ws-protocol. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "target_ws_handshake.h"

#define KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" /* RFC 6455 section 1.3 */

/* A head with the usual upgrade headers, minus what skip names, plus extra lines. */
static int check(const char *skip, const char *extra, const char *want, struct ws_handshake *hs)
{
    char head[2048];
    int n = snprintf(head, sizeof(head), "GET /ws/echo HTTP/1.1\r\nHost: x\r\n%s%s%s%s%s\r\n",
                     strcmp(skip, "upgrade") ? "Upgrade: websocket\r\n" : "",
                     strcmp(skip, "connection") ? "Connection: Upgrade\r\n" : "",
                     strcmp(skip, "key") ? "Sec-WebSocket-Key: " KEY "\r\n" : "",
                     strcmp(skip, "version") ? "Sec-WebSocket-Version: 13\r\n" : "", extra);
    return ws_handshake_check(head, (size_t)n, want, hs);
}

static void test_rfc_example(void **state)
{
    char out[WS_ACCEPT_LEN + 1];
    struct ws_handshake hs;

    (void)state;
    ws_handshake_accept(KEY, strlen(KEY), out);
    assert_string_equal(out, ACCEPT);
    assert_int_equal(check("", "", NULL, &hs), 101);
    assert_string_equal(hs.accept, ACCEPT);
    assert_string_equal(hs.protocol, "");
}

static void test_missing_headers(void **state)
{
    struct ws_handshake hs;

    (void)state;
    assert_int_equal(check("upgrade", "", NULL, &hs), 426);
    assert_int_equal(check("connection", "", NULL, &hs), 426);
    assert_int_equal(check("version", "", NULL, &hs), 426);
    assert_int_equal(check("version", "Sec-WebSocket-Version: 8\r\n", NULL, &hs), 426);
    assert_int_equal(check("key", "", NULL, &hs), 400);
    assert_int_equal(check("key", "Sec-WebSocket-Key: c2hvcnQ=\r\n", NULL, &hs), 400);
    assert_int_equal(check("key", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ!=\r\n", NULL, &hs),
                     400);
    /* given twice: which one would the answer be for? */
    assert_int_equal(check("", "Sec-WebSocket-Key: " KEY "\r\n", NULL, &hs), 400);
}

static void test_forms(void **state)
{
    static const char lf[] = "GET /ws/echo HTTP/1.1\nupgrade: WebSocket\nCONNECTION: keep-alive, "
                             "upgrade\nsec-websocket-key:   " KEY "  \nSec-WebSocket-Version: "
                             "13\n\n";
    static const char post[] = "POST /ws/echo HTTP/1.1\r\nUpgrade: websocket\r\nConnection: "
                               "Upgrade\r\nSec-WebSocket-Key: " KEY "\r\nSec-WebSocket-Version: "
                               "13\r\n\r\n";
    struct ws_handshake hs;

    (void)state;
    assert_int_equal(ws_handshake_check(lf, sizeof(lf) - 1, NULL, &hs), 101);
    assert_string_equal(hs.accept, ACCEPT);
    assert_int_equal(ws_handshake_check(post, sizeof(post) - 1, NULL, &hs), 400);
}

static void test_subprotocol(void **state)
{
    struct ws_handshake hs;

    (void)state;
    assert_int_equal(check("", "Sec-WebSocket-Protocol: chat, superchat\r\n", NULL, &hs), 101);
    assert_string_equal(hs.protocol, "chat");
    assert_int_equal(check("", "Sec-WebSocket-Protocol: chat, superchat\r\n", "superchat", &hs),
                     101);
    assert_string_equal(hs.protocol, "superchat");
    assert_int_equal(check("", "Sec-WebSocket-Protocol: chat\r\n", "superchat", &hs), 101);
    assert_string_equal(hs.protocol, "");
    /* names compare as sent */
    assert_int_equal(check("", "Sec-WebSocket-Protocol: Chat\r\n", "chat", &hs), 101);
    assert_string_equal(hs.protocol, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_example),
        cmocka_unit_test(test_missing_headers),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_subprotocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
