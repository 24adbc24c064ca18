/* Unit tests for stampede's side of the WebSocket opening handshake: the request it sends and
 * the checks of the server's answer (RFC 6455's example key and accept, refusals by status,
 * accept, upgrade headers and subprotocol, an answer in pieces, frames right after it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws_handshake.h"

#define KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" /* RFC 6455 section 1.3 */
#define OK_HEAD "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" \
                "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n"

static long check(const char *answer, const char *protocols, const char **why)
{
    static char buf[128]; /* *why may point into it after the call */
    *why = NULL;
    return ws_response_check(answer, strlen(answer), KEY, protocols, buf, sizeof buf, why);
}

static void test_key(void **state)
{
    (void)state;
    /* the RFC's nonce is the bytes 1..16 */
    uint8_t random[16];
    for (int i = 0; i < 16; i++)
        random[i] = (uint8_t)(i + 1);
    char key[WS_KEY_LEN + 1];
    assert_int_equal(ws_key_make(random, key), 0);
    assert_string_equal(key, "AQIDBAUGBwgJCgsMDQ4PEA==");
}

static void test_request(void **state)
{
    (void)state;
    struct url u = {.scheme = "ws", .host = "127.0.0.1", .port = 8080, .target = "/ws/echo",
                    .channel = 1, .ws = 1};
    char *headers[] = {"X-Token: abc", "Upgrade: h2c", "host: other"};
    size_t len;
    char *s = ws_request_build(&u, KEY, "chat, superchat", headers, 3, &len);
    assert_non_null(s);
    assert_int_equal(strlen(s), len);
    assert_string_equal(s, "GET /ws/echo HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: " KEY "\r\nSec-WebSocket-Version: 13\r\n"
                           "Sec-WebSocket-Protocol: chat, superchat\r\nX-Token: abc\r\n\r\n");
    free(s);
    u.port = 443;
    u.tls = 1;
    u.host = "::1";
    s = ws_request_build(&u, KEY, NULL, NULL, 0, &len);
    assert_non_null(strstr(s, "\r\nHost: [::1]\r\n"));
    assert_null(strstr(s, "Protocol"));
    free(s);
}

static void test_answers(void **state)
{
    (void)state;
    const char *why;
    assert_int_equal(check(OK_HEAD "\r\n", NULL, &why), (long)strlen(OK_HEAD "\r\n"));
    /* frames right after the head are not part of it */
    assert_int_equal(check(OK_HEAD "\r\n\x81\x02hi", NULL, &why), (long)strlen(OK_HEAD "\r\n"));
    /* not complete yet */
    assert_int_equal(check("HTTP/1.1 101 Switching Protocols\r\nUpgrade: web", NULL, &why), 0);
    assert_int_equal(check("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", NULL, &why),
                     -1);
    assert_string_equal(why, "upgrade refused with status 403");
    assert_int_equal(check("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: AAAA\r\n\r\n", NULL, &why), -1);
    assert_non_null(strstr(why, "Accept"));
    assert_int_equal(check("HTTP/1.1 101 OK\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n", NULL, &why), -1);
    assert_int_equal(check("SSH-2.0-OpenSSH\r\n\r\n", NULL, &why), -1);
    /* the subprotocol must be one offered */
    assert_true(check(OK_HEAD "Sec-WebSocket-Protocol: superchat\r\n\r\n", "chat, superchat",
                      &why) > 0);
    assert_int_equal(check(OK_HEAD "Sec-WebSocket-Protocol: mqtt\r\n\r\n", "chat", &why), -1);
    assert_non_null(strstr(why, "'mqtt'"));
    assert_int_equal(check(OK_HEAD "Sec-WebSocket-Protocol: chat\r\n\r\n", NULL, &why), -1);
    /* none chosen of those offered is the server's right */
    assert_true(check(OK_HEAD "\r\n", "chat", &why) > 0);
    /* header names in any case */
    assert_true(check("HTTP/1.1 101 x\r\nupgrade: WebSocket\r\nconnection: keep-alive, upgrade"
                      "\r\nsec-websocket-accept: " ACCEPT "\r\n\r\n", NULL, &why) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
