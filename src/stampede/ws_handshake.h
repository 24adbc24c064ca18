/* ws_handshake: the text of a WebSocket client's opening handshake (RFC 6455 section 4.1) and
 * the check of the server's answer. No I/O here: channel_ws.c moves the bytes. */
#ifndef STAMPEDE_WS_HANDSHAKE_H
#define STAMPEDE_WS_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "url.h"

#define WS_KEY_LEN 24 /* base64 of 16 bytes */

/* The key of a handshake: base64 of the 16 random bytes, NUL-terminated into key; -1 when out
 * of memory. */
int ws_key_make(const uint8_t random[16], char key[WS_KEY_LEN + 1]);

/* The GET request that asks u's server for an upgrade: Host, the Upgrade headers, key,
 * version 13, the offered subprotocols (NULL: none) and the request's configured headers
 * ("Name: value"). Malloc'ed, NUL-terminated; NULL when out of memory. */
char *ws_request_build(const struct url *u, const char *key, const char *protocols,
                       char *const *headers, size_t nheaders, size_t *len);

/* Checks the answer in buf[0..len): returns the length of its head (status line and headers
 * up to the empty line) when it is a valid 101 for key, 0 when the head is not complete yet,
 * -1 when the upgrade is refused, with *why saying why (static or in why_buf). */
long ws_response_check(const char *buf, size_t len, const char *key, const char *protocols,
                       char *why_buf, size_t why_len, const char **why);

#endif
