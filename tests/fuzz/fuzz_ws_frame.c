/* Fuzz target for the reading of the frames a WebSocket server sends, through wslay's
 * wslay_frame_recv and ws_frame's message-level checks: bytes a hostile server writes, fed in
 * pieces whose sizes the input chooses. Whatever they are, the reading never reads past what
 * it was given, hands on no more payload than the frames declared and no message over the
 * limit, answers a refusal with a close code it may send (1002, 1007, 1009, 1011) and a
 * reason, and takes nothing after a refusal or a close frame. When the pieces are 7 bytes
 * long, a pong goes out afterwards on the same wslay context, through wslay_frame_send. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ws_frame.h"

#define LIMIT 300 /* the message limit: small, so that the fuzzer reaches it */

struct seen {
    uint64_t msg_bytes;  /* of the message under way */
    int closed;
};

static void on_data(void *arg, const uint8_t *p, size_t n)
{
    struct seen *s = arg;
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < n; i++) /* every byte handed on is readable */
        sink ^= p[i];
    (void)sink;
    s->msg_bytes += n;
    if (s->msg_bytes > LIMIT || s->closed)
        abort();
}

static void on_end(void *arg)
{
    struct seen *s = arg;
    if (s->closed)
        abort();
    s->msg_bytes = 0;
}

static void on_control(void *arg, int opcode, const uint8_t *p, size_t n)
{
    struct seen *s = arg;
    (void)p;
    if (n > WS_CONTROL_MAX || s->closed ||
        (opcode != WS_OP_PING && opcode != WS_OP_PONG && opcode != WS_OP_CLOSE))
        abort();
    if (opcode == WS_OP_CLOSE)
        s->closed = 1;
}

static int put(void *arg, const uint8_t *p, size_t n)
{
    (void)arg;
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < n; i++)
        sink ^= p[i];
    (void)sink;
    return 0;
}

static void mask(void *arg, uint8_t m[4])
{
    (void)arg;
    memcpy(m, "\x12\x34\x56\x78", 4);
}

static const struct ws_frame_out out = {put, mask};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct ws_reader_ops ops = {on_data, on_end, on_control};
    if (size < 1)
        return 0;
    size_t piece = (size_t)data[0] % 16 + 1; /* the first byte chooses the reads' sizes */
    data++;
    size--;
    struct ws_frames r;
    struct seen s = {0, 0};
    ws_frames_init(&r, LIMIT, &out, NULL);
    int refused = 0;
    for (size_t off = 0; off < size;) {
        size_t n = size - off < piece ? size - off : piece;
        uint8_t *buf = malloc(n); /* exactly the bytes: a read past them is caught */
        if (!buf)
            return 0;
        memcpy(buf, data + off, n);
        int code = ws_frames_feed(&r, buf, n, &ops, &s);
        free(buf);
        if (code) {
            if ((code != 1002 && code != 1007 && code != 1009 && code != 1011) || !r.why ||
                !r.why[0] || refused)
                abort();
            refused = 1;
            s.closed = 1;
        }
        off += n;
    }
    if (piece == 7 && ws_frames_send(&r, WS_OP_PONG, data, size < 125 ? size : 125) != 0)
        abort(); /* sending on a context that read is unaffected by what it read */
    ws_frames_free(&r);
    return 0;
}
