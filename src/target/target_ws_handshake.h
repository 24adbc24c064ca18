/*
 * target_ws_handshake: the server side of the WebSocket opening handshake (RFC 6455 section
 * 4.2) as pure functions over a request head: is it a valid upgrade, what to answer.
 */
#ifndef STAMPEDE_TARGET_WS_HANDSHAKE_H
#define STAMPEDE_TARGET_WS_HANDSHAKE_H

#include <stddef.h>

#define WS_ACCEPT_LEN 28 /* base64 of a SHA-1 digest */
#define WS_PROTOCOL_MAX 128

struct ws_handshake {
    char accept[WS_ACCEPT_LEN + 1];       /* Sec-WebSocket-Accept */
    char protocol[WS_PROTOCOL_MAX + 1];   /* the subprotocol chosen; "" for none */
};

/* Checks the upgrade request head p[0..len) (request line included, as the target's parser
 * accepted it). want is the one subprotocol to accept, or NULL to accept the first offered.
 * Returns 101 and fills *hs, 426 if it is no WebSocket upgrade or not version 13 (answer
 * with Sec-WebSocket-Version: 13), or 400 for a bad one (not GET, no valid key). */
int ws_handshake_check(const char *p, size_t len, const char *want, struct ws_handshake *hs);

/* Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key GUID)), NUL-terminated. */
void ws_handshake_accept(const char *key, size_t len, char out[WS_ACCEPT_LEN + 1]);

#endif
