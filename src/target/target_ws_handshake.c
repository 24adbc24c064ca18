/*
 * target_ws_handshake: reads the few headers an upgrade depends on straight from the head.
 * The target's HTTP parser has already accepted the head, so lines are well formed; they may
 * end in LF or CRLF. Header names compare without case, as do the tokens "websocket" and
 * "upgrade"; the key and the subprotocols compare as sent.
 */
#include "target_ws_handshake.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "base64.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WS_KEY_LEN 24 /* base64 of 16 bytes */

struct ws_request {
    bool upgrade, connection, version13, version_seen;
    const char *key;
    size_t key_len;
    const char *protocols; /* the first Sec-WebSocket-Protocol line's value */
    size_t protocols_len;
};

void ws_handshake_accept(const char *key, size_t len, char out[WS_ACCEPT_LEN + 1])
{
    unsigned char digest[SHA_DIGEST_LENGTH];
    char buf[256];
    size_t glen = sizeof(WS_GUID) - 1;

    if (len > sizeof(buf) - glen)
        len = sizeof(buf) - glen;
    memcpy(buf, key, len);
    memcpy(buf + len, WS_GUID, glen);
    SHA1((const unsigned char *)buf, len + glen, digest);
    EVP_EncodeBlock((unsigned char *)out, digest, SHA_DIGEST_LENGTH);
    out[WS_ACCEPT_LEN] = '\0';
}

static bool is_ows(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* The next element of the comma-separated list v[0..len) from *i on, white space trimmed:
 * its start and length (0 for an empty element); false at the end of the list. */
static bool list_next(const char *v, size_t len, size_t *i, size_t *start, size_t *n)
{
    while (*i < len && (is_ows(v[*i]) || v[*i] == ','))
        (*i)++;
    if (*i >= len)
        return false;
    *start = *i;
    while (*i < len && v[*i] != ',')
        (*i)++;
    size_t end = *i;
    while (end > *start && is_ows(v[end - 1]))
        end--;
    *n = end - *start;
    return true;
}

/* Whether the comma-separated list v[0..len) holds token (any case). */
static bool list_has(const char *v, size_t len, const char *token)
{
    size_t tlen = strlen(token), i = 0, start, n;
    while (list_next(v, len, &i, &start, &n))
        if (n == tlen && strncasecmp(v + start, token, tlen) == 0)
            return true;
    return false;
}

/* The value of the first element of list v[0..len) equal to want, or the first element if
 * want is NULL, into out; false if there is none. */
static bool list_pick(const char *v, size_t len, const char *want, char *out, size_t room)
{
    size_t i = 0, start, n;
    while (list_next(v, len, &i, &start, &n)) {
        if (n == 0 || n >= room)
            continue;
        if (want == NULL || (strlen(want) == n && memcmp(v + start, want, n) == 0)) {
            memcpy(out, v + start, n);
            out[n] = '\0';
            return true;
        }
    }
    return false;
}

static bool is_base64_digit(char ch)
{
    return base64_sextet(ch) >= 0;
}

/* 16 bytes in base64: 22 digits and "==". (The head is not NUL-terminated: no str*().) */
static bool is_base64_key(const char *k, size_t len)
{
    if (len != WS_KEY_LEN || k[22] != '=' || k[23] != '=')
        return false;
    for (size_t i = 0; i < 22; i++)
        if (!is_base64_digit(k[i]))
            return false;
    return true;
}

/* One header line name: value (without its line end) into the request. */
static void ws_header(struct ws_request *r, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    size_t nlen, vlen;
    const char *v;

    if (colon == NULL)
        return;
    nlen = (size_t)(colon - line);
    v = colon + 1;
    vlen = len - nlen - 1;
    while (vlen > 0 && is_ows(*v))
        v++, vlen--;
    while (vlen > 0 && is_ows(v[vlen - 1]))
        vlen--;
#define NAME_IS(s) (nlen == sizeof(s) - 1 && strncasecmp(line, s, nlen) == 0)
    if (NAME_IS("Upgrade")) {
        r->upgrade = r->upgrade || list_has(v, vlen, "websocket");
    } else if (NAME_IS("Connection")) {
        r->connection = r->connection || list_has(v, vlen, "upgrade");
    } else if (NAME_IS("Sec-WebSocket-Version")) {
        r->version13 = !r->version_seen && vlen == 2 && memcmp(v, "13", 2) == 0;
        r->version_seen = true;
    } else if (NAME_IS("Sec-WebSocket-Key")) {
        if (r->key == NULL) {
            r->key = v;
            r->key_len = vlen;
        } else {
            r->key_len = 0; /* twice: invalid */
        }
    } else if (NAME_IS("Sec-WebSocket-Protocol") && r->protocols == NULL) {
        r->protocols = v;
        r->protocols_len = vlen;
    }
#undef NAME_IS
}

int ws_handshake_check(const char *p, size_t len, const char *want, struct ws_handshake *hs)
{
    struct ws_request r = {0};
    const char *end = p + len, *line = memchr(p, '\n', len);

    if (len < 4 || memcmp(p, "GET ", 4) != 0)
        return 400;
    while (line != NULL && ++line < end) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        size_t n = (size_t)((eol != NULL ? eol : end) - line);
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n == 0)
            break; /* the blank line */
        ws_header(&r, line, n);
        line = eol;
    }
    if (!r.upgrade || !r.connection || !r.version13)
        return 426;
    if (r.key == NULL || !is_base64_key(r.key, r.key_len))
        return 400;
    ws_handshake_accept(r.key, r.key_len, hs->accept);
    hs->protocol[0] = '\0';
    if (r.protocols != NULL)
        list_pick(r.protocols, r.protocols_len, want, hs->protocol, sizeof(hs->protocol));
    return 101;
}
