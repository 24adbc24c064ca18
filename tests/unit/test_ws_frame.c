/* Unit tests for ws_frame, the client's framing through wslay's frame API: RFC 6455's masked
 * "Hello" (section 5.7), the three length forms, a frame the output refuses, and the reading
 * on the RFC's examples fed one byte at a time and more, on fragments, and on what a server
 * must not send. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ws_frame.h"

struct got {
    char data[512];
    size_t len;
    int messages;
    int controls[8];
    size_t ncontrols;
    uint8_t last_control[WS_CONTROL_MAX];
    size_t last_control_len;
};

static void on_data(void *arg, const uint8_t *p, size_t n)
{
    struct got *g = arg;
    memcpy(g->data + g->len, p, n);
    g->len += n;
}

static void on_end(void *arg)
{
    ((struct got *)arg)->messages++;
}

static void on_control(void *arg, int opcode, const uint8_t *p, size_t n)
{
    struct got *g = arg;
    g->controls[g->ncontrols++] = opcode;
    memcpy(g->last_control, p, n);
    g->last_control_len = n;
}

static const struct ws_reader_ops ops = {on_data, on_end, on_control};

/* Feeds bytes in pieces of `piece`; returns the first non-zero code, or 0. */
static int feed(struct ws_frames *r, struct got *g, const void *bytes, size_t n, size_t piece)
{
    const uint8_t *p = bytes;
    for (size_t off = 0; off < n; off += piece) {
        int code = ws_frames_feed(r, p + off, n - off < piece ? n - off : piece, &ops, g);
        if (code)
            return code;
    }
    return 0;
}

/* Where sent frames go in these tests: a buffer, with the masks given in turn. */
struct sent {
    uint8_t buf[80000];
    size_t len;
    uint8_t masks[2][4];
    int nmask;
    size_t refuse_after; /* put refuses once this many bytes are in (0: never) */
};

static int put(void *arg, const uint8_t *p, size_t n)
{
    struct sent *s = arg;
    if (s->refuse_after && s->len + n > s->refuse_after)
        return -1;
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    return 0;
}

static void mask(void *arg, uint8_t m[4])
{
    struct sent *s = arg;
    memcpy(m, s->masks[s->nmask++ % 2], 4);
}

static const struct ws_frame_out out = {put, mask};

static void test_rfc_masked_hello(void **state)
{
    (void)state;
    static struct sent s = {.masks = {{0x37, 0xfa, 0x21, 0x3d}}};
    static const uint8_t want[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
                                   0x7f, 0x9f, 0x4d, 0x51, 0x58};
    struct ws_frames f;
    ws_frames_init(&f, 100, &out, &s);
    assert_int_equal(ws_frames_send(&f, WS_OP_TEXT, "Hello", 5), 0);
    assert_int_equal(s.len, sizeof want);
    assert_memory_equal(s.buf, want, sizeof want);
    ws_frames_free(&f);
}

static void unmask(uint8_t *p, size_t n, const uint8_t m[4])
{
    for (size_t i = 0; i < n; i++)
        p[i] ^= m[i % 4];
}

static void test_lengths(void **state)
{
    (void)state;
    static struct sent s = {.masks = {{1, 2, 3, 4}, {0xa1, 0xb2, 0xc3, 0xd4}}};
    static uint8_t payload[70000];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 7);
    struct ws_frames f;
    ws_frames_init(&f, 100, &out, &s);
    assert_int_equal(ws_frames_send(&f, WS_OP_BINARY, payload, 125), 0);
    assert_int_equal(s.len, 2 + 4 + 125);
    assert_int_equal(s.buf[1], 0x80 | 125);
    s.len = 0;
    assert_int_equal(ws_frames_send(&f, WS_OP_BINARY, payload, 126), 0);
    assert_int_equal(s.len, 4 + 4 + 126);
    assert_int_equal(s.buf[1], 0x80 | 126);
    assert_int_equal(s.buf[2] << 8 | s.buf[3], 126);
    assert_memory_equal(s.buf + 4, s.masks[1], 4); /* each frame its own mask */
    s.len = 0;
    /* over wslay's 4 KiB pieces: the payload goes out in several of them, masked throughout */
    assert_int_equal(ws_frames_send(&f, WS_OP_BINARY, payload, 70000), 0);
    assert_int_equal(s.len, 10 + 4 + 70000);
    assert_int_equal(s.buf[0], 0x82);
    assert_int_equal(s.buf[1], 0x80 | 127);
    assert_int_equal(s.buf[7] << 16 | s.buf[8] << 8 | s.buf[9], 70000);
    unmask(s.buf + 14, 70000, s.buf + 10);
    assert_memory_equal(s.buf + 14, payload, 70000);
    s.len = 0;
    assert_int_equal(ws_frames_send(&f, WS_OP_CLOSE, "", 0), 0); /* an empty close */
    assert_int_equal(s.len, 6);
    assert_int_equal(s.buf[0], 0x88);
    assert_int_equal(s.buf[1], 0x80);
    ws_frames_free(&f);
}

static void test_send_refused(void **state)
{
    (void)state;
    static uint8_t payload[10000];
    /* the header goes, then the payload cannot: the frame is cut, nothing more goes */
    static struct sent s = {.refuse_after = 100};
    struct ws_frames f;
    ws_frames_init(&f, 100, &out, &s);
    assert_int_equal(ws_frames_send(&f, WS_OP_BINARY, payload, sizeof payload), -1);
    assert_int_equal(ws_frames_send(&f, WS_OP_TEXT, "x", 1), -1);
    ws_frames_free(&f);
    /* not even the header */
    s.len = 0;
    s.refuse_after = 1;
    ws_frames_init(&f, 100, &out, &s);
    assert_int_equal(ws_frames_send(&f, WS_OP_TEXT, "x", 1), -1);
    assert_int_equal(s.len, 0);
    ws_frames_free(&f);
}

static void test_read_rfc_examples(void **state)
{
    (void)state;
    /* unmasked "Hello", "Hel" + "lo" in fragments, an unmasked ping "Hello", a 256-byte binary */
    uint8_t in[600];
    size_t n = 0;
    memcpy(in + n, "\x81\x05Hello", 7), n += 7;
    memcpy(in + n, "\x01\x03Hel\x80\x02lo", 9), n += 9;
    memcpy(in + n, "\x89\x05Hello", 7), n += 7;
    memcpy(in + n, "\x82\x7e\x01\x00", 4), n += 4;
    memset(in + n, 'b', 256), n += 256;
    for (size_t piece = 1; piece <= 7; piece += 3) {
        struct ws_frames r;
        struct got g = {0};
        ws_frames_init(&r, 1 << 20, NULL, NULL);
        assert_int_equal(feed(&r, &g, in, n, piece), 0);
        assert_int_equal(g.messages, 3);
        assert_int_equal(g.len, 5 + 5 + 256);
        assert_memory_equal(g.data, "HelloHellobbb", 13);
        assert_int_equal(g.ncontrols, 1);
        assert_int_equal(g.controls[0], WS_OP_PING);
        assert_int_equal(g.last_control_len, 5);
        ws_frames_free(&r);
    }
}

static void test_read_close(void **state)
{
    (void)state;
    struct ws_frames r;
    struct got g = {0};
    ws_frames_init(&r, 100, NULL, NULL);
    /* a close with 1001 and a reason; what follows is not read */
    assert_int_equal(feed(&r, &g, "\x88\x04\x03\xe9ok\x81\x01x", 9, 2), 0);
    assert_int_equal(g.ncontrols, 1);
    assert_int_equal(g.controls[0], WS_OP_CLOSE);
    assert_int_equal(g.last_control[0] << 8 | g.last_control[1], 1001);
    assert_int_equal(g.messages, 0);
    ws_frames_free(&r);
    ws_frames_init(&r, 100, NULL, NULL);
    assert_int_equal(feed(&r, &g, "\x88\x01\x03", 3, 3), 1002); /* a one-byte close */
    ws_frames_free(&r);
}

/* refused(bytes, n, max): the code the reader answers n bytes with. */
static int refused(const void *bytes, size_t n, uint64_t max)
{
    struct ws_frames r;
    struct got g = {0};
    ws_frames_init(&r, max, NULL, NULL);
    int code = feed(&r, &g, bytes, n, 1);
    if (code)
        assert_non_null(r.why);
    ws_frames_free(&r);
    return code;
}

static void test_refusals(void **state)
{
    (void)state;
    assert_int_equal(refused("\x81\x82\x01\x02\x03\x04hi", 8, 100), 1002);  /* masked */
    assert_int_equal(refused("\xc1\x00", 2, 100), 1002);                  /* RSV1 */
    assert_int_equal(refused("\x83\x00", 2, 100), 1002);                  /* opcode 3 */
    assert_int_equal(refused("\x8b\x00", 2, 100), 1002);                  /* opcode B */
    assert_int_equal(refused("\x09\x00", 2, 100), 1002);                  /* fragmented ping */
    assert_int_equal(refused("\x89\x7e\x00\x80", 4, 100), 1002);          /* ping of 128 */
    assert_int_equal(refused("\x80\x01x", 3, 100), 1002);                 /* lone continuation */
    assert_int_equal(refused("\x01\x01x\x81\x01y", 6, 100), 1002);        /* new in the middle */
    assert_int_equal(refused("\x81\x7f\x80\0\0\0\0\0\0\0", 10, 100), 1002); /* 2^63 */
    /* wslay hands a frame on with its first payload byte: the refusal comes with it */
    assert_int_equal(refused("\x81\x65x", 3, 100), 1009);                 /* 101 > 100 */
    assert_int_equal(refused("\x81\x7e\x00\x05hello", 9, 100), 1002);    /* 5 in 16 bits */
    assert_int_equal(refused("\x01\x32", 2 + 0, 100), 0);                 /* 50: fine so far */
    assert_int_equal(refused("\x81\x02\xc3\x28", 4, 100), 1007);          /* bad continuation */
    assert_int_equal(refused("\x81\x03\xed\xa0\x80", 5, 100), 1007);      /* a surrogate */
    assert_int_equal(refused("\x81\x02\xc0\x80", 4, 100), 1007);          /* overlong */
    assert_int_equal(refused("\x81\x01\xe2", 3, 100), 1007);              /* cut short */
    assert_int_equal(refused("\x82\x01\xff", 3, 100), 0);                 /* binary: any */
    assert_int_equal(refused("\x81\x04\xf0\x9d\x84\x9e", 6, 100), 0);     /* U+1D11E */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_masked_hello),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_send_refused),
        cmocka_unit_test(test_read_rfc_examples),
        cmocka_unit_test(test_read_close),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
