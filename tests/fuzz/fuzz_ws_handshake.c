/* Fuzz target for the check of a WebSocket server's answer to the opening handshake: bytes a
 * hostile server writes. Whatever they are, the check says "not complete yet", "refused, and
 * why" or "accepted, with a head that ends in an empty line within what was read"; and it never
 * reads past the bytes it was given. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ws_handshake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char key[] = "dGhlIHNhbXBsZSBub25jZQ=="; /* RFC 6455's example */
    char *buf = malloc(size ? size : 1); /* exactly the bytes: no terminator to lean on */
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    char why_buf[256];
    const char *why = NULL;
    /* the first byte chooses whether subprotocols were offered */
    const char *protocols = size && (data[0] & 1) ? "chat, superchat" : NULL;
    long n = ws_response_check(buf, size, key, protocols, why_buf, sizeof(why_buf), &why);
    if (n < 0 && (!why || !why[0]))
        abort(); /* a refusal says why */
    if (n > 0 && ((size_t)n > size || n < 4 || memcmp(buf + n - 4, "\r\n\r\n", 4) != 0))
        abort(); /* the head ends with its empty line, within what was read */
    free(buf);
    return 0;
}
