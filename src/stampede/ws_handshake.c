/* ws_handshake: the opening handshake's request and the check of its answer. */
#include "ws_handshake.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"

static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

int ws_key_make(const uint8_t random[16], char key[WS_KEY_LEN + 1])
{
    char *k = base64_encode(random, 16);
    if (!k)
        return -1;
    memcpy(key, k, WS_KEY_LEN + 1);
    free(k);
    return 0;
}

/* A configured header that the handshake writes itself is not sent twice. */
static int handshake_header(const char *h)
{
    static const char *const own[] = {"host:", "upgrade:", "connection:", "sec-websocket-key:",
                                      "sec-websocket-version:", "sec-websocket-protocol:",
                                      "content-length:", "transfer-encoding:"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (strncasecmp(h, own[i], strlen(own[i])) == 0)
            return 1;
    return 0;
}

char *ws_request_build(const struct url *u, const char *key, const char *protocols,
                       char *const *headers, size_t nheaders, size_t *len)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return NULL;
    int v6 = strchr(u->host, ':') != NULL;
    fprintf(f, "GET %s HTTP/1.1\r\nHost: %s%s%s", u->target, v6 ? "[" : "", u->host,
            v6 ? "]" : "");
    if (u->port != (u->tls ? 443 : 80))
        fprintf(f, ":%u", (unsigned)u->port);
    fprintf(f, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n", key);
    if (protocols)
        fprintf(f, "Sec-WebSocket-Protocol: %s\r\n", protocols);
    for (size_t i = 0; i < nheaders; i++)
        if (!handshake_header(headers[i]))
            fprintf(f, "%s\r\n", headers[i]);
    fputs("\r\n", f);
    if (fclose(f) != 0) {
        free(s);
        return NULL;
    }
    *len = n;
    return s;
}

/* The value of header name in the head (trimmed, into out); 0 when absent. */
static int header_value(const char *head, size_t len, const char *name, char *out,
                        size_t out_len)
{
    size_t nl = strlen(name);
    const char *p = memchr(head, '\n', len), *end = head + len;
    while (p && p + 1 < end) {
        const char *line = p + 1;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            break;
        if ((size_t)(eol - line) > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1, *ve = eol;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            size_t vl = (size_t)(ve - v) < out_len - 1 ? (size_t)(ve - v) : out_len - 1;
            memcpy(out, v, vl);
            out[vl] = '\0';
            return 1;
        }
        p = eol;
    }
    return 0;
}

/* Whether the comma-separated list holds token (case-sensitive, as subprotocols are). */
static int list_has(const char *list, const char *token)
{
    size_t tl = strlen(token);
    for (const char *p = list; *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, " \t,");
        if (n == tl && n > 0 && strncmp(p, token, n) == 0)
            return 1;
        p += n;
    }
    return 0;
}

static int contains_word(const char *value, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = value; *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, " \t,");
        if (n == wl && strncasecmp(p, word, n) == 0)
            return 1;
        p += n;
    }
    return 0;
}

long ws_response_check(const char *buf, size_t len, const char *key, const char *protocols,
                       char *why_buf, size_t why_len, const char **why)
{
    const char *end = NULL;
    for (size_t i = 0; i + 3 < len && !end; i++)
        if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
            end = buf + i + 4;
    if (!end)
        return 0;
    size_t head = (size_t)(end - buf);
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*1d %3d", &status) != 1) {
        *why = "the upgrade's answer is not HTTP";
        return -1;
    }
    if (status != 101) {
        snprintf(why_buf, why_len, "upgrade refused with status %d", status);
        *why = why_buf;
        return -1;
    }
    char v[256];
    if (!header_value(buf, head, "Upgrade", v, sizeof v) || strcasecmp(v, "websocket") != 0 ||
        !header_value(buf, head, "Connection", v, sizeof v) || !contains_word(v, "upgrade")) {
        *why = "101 without Upgrade: websocket and Connection: Upgrade";
        return -1;
    }
    char in[WS_KEY_LEN + sizeof ws_guid];
    unsigned char digest[SHA_DIGEST_LENGTH];
    snprintf(in, sizeof in, "%s%s", key, ws_guid);
    SHA1((const unsigned char *)in, strlen(in), digest);
    char *want = base64_encode(digest, sizeof digest);
    int ok = want && header_value(buf, head, "Sec-WebSocket-Accept", v, sizeof v) &&
             strcmp(v, want) == 0;
    free(want);
    if (!ok) {
        *why = "wrong or missing Sec-WebSocket-Accept";
        return -1;
    }
    if (header_value(buf, head, "Sec-WebSocket-Protocol", v, sizeof v) &&
        (!protocols || !list_has(protocols, v))) {
        snprintf(why_buf, why_len, "the server chose subprotocol '%.60s', not offered", v);
        *why = why_buf;
        return -1;
    }
    return (long)head;
}
