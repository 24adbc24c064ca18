/* ws_frame: a client's frames through wslay's frame API, and the message-level checks of
 * what the server sends. */
#include "ws_frame.h"

#include <string.h>

/* wslay_frame_send's output: the frame's bytes appended where f->out puts them. */
static ssize_t send_cb(const uint8_t *data, size_t len, int flags, void *user)
{
    struct ws_frames *f = user;
    (void)flags;
    if (!f->out || f->out->put(f->out_arg, data, len) != 0)
        return WSLAY_ERR_WOULDBLOCK; /* wslay then says WSLAY_ERR_WANT_WRITE */
    return (ssize_t)len;
}

/* wslay_frame_recv's input: the bytes read, served as far as they go. */
static ssize_t recv_cb(uint8_t *buf, size_t len, int flags, void *user)
{
    struct ws_frames *f = user;
    (void)flags;
    if (f->in_len == 0)
        return WSLAY_ERR_WOULDBLOCK; /* wslay then says WSLAY_ERR_WANT_READ */
    size_t n = len < f->in_len ? len : f->in_len;
    memcpy(buf, f->in, n);
    f->in += n;
    f->in_len -= n;
    return (ssize_t)n;
}

static int genmask_cb(uint8_t *buf, size_t len, void *user)
{
    struct ws_frames *f = user;
    uint8_t mask[4];
    if (!f->out || len != sizeof mask)
        return -1;
    f->out->mask(f->out_arg, mask);
    memcpy(buf, mask, sizeof mask);
    return 0;
}

static const struct wslay_frame_callbacks frame_callbacks = {send_cb, recv_cb, genmask_cb};

void ws_frames_init(struct ws_frames *f, uint64_t max_message, const struct ws_frame_out *out,
                    void *out_arg)
{
    memset(f, 0, sizeof *f);
    f->max_message = max_message;
    f->out = out;
    f->out_arg = out_arg;
}

void ws_frames_free(struct ws_frames *f)
{
    if (f->ctx)
        wslay_frame_context_free(f->ctx);
    f->ctx = NULL;
}

static int context_make(struct ws_frames *f)
{
    return f->ctx || wslay_frame_context_init(&f->ctx, &frame_callbacks, f) == 0 ? 0 : -1;
}

int ws_frames_send(struct ws_frames *f, int opcode, const void *payload, size_t len)
{
    if (f->broken || context_make(f) != 0)
        return -1;
    struct wslay_frame_iocb io = {
        .fin = 1,
        .opcode = (uint8_t)opcode,
        .mask = 1,
        .payload_length = len,
        .data = payload,
        .data_length = len,
    };
    /* wslay_frame_send may take the payload in several calls: each one goes on from where
     * the last one stopped, until all of it is out. */
    for (;;) {
        ssize_t n = wslay_frame_send(f->ctx, &io);
        if (n < 0 || (n == 0 && io.data_length > 0) || (size_t)n > io.data_length) {
            f->broken = 1; /* the frame is cut: what followed would not be frames */
            return -1;
        }
        io.data += n;
        io.data_length -= (size_t)n;
        if (io.data_length == 0)
            return 0;
    }
}

/* The UTF-8 check of a text message, carried across frames and reads: the state holds how
 * many continuation bytes are still due (bits 0-7) and the range the next one must be in
 * (bits 8-15 and 16-23; tighter after E0, ED, F0 and F4, which is what rules out overlong
 * forms, surrogates and code points past U+10FFFF). Returns 0, or -1 at a byte that cannot be. */
static int utf8_feed(uint32_t *state, const uint8_t *p, size_t n)
{
    uint32_t st = *state;
    for (size_t i = 0; i < n; i++) {
        if (st == 0) { /* the usual case: a run of ASCII, eight bytes at a time */
            while (i + 8 <= n) {
                uint64_t v;
                memcpy(&v, p + i, 8);
                if (v & UINT64_C(0x8080808080808080))
                    break;
                i += 8;
            }
            if (i == n)
                break;
        }
        uint8_t b = p[i];
        if (st != 0) {
            if (b < ((st >> 8) & 0xFF) || b > ((st >> 16) & 0xFF))
                return -1;
            st = (st & 0xFF) - 1;
            if (st)
                st |= 0x80u << 8 | 0xBFu << 16;
            continue;
        }
        if (b < 0x80)
            continue;
        uint32_t need, lo = 0x80, hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF)
            need = 1;
        else if (b >= 0xE0 && b <= 0xEF)
            need = 2, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
        else if (b >= 0xF0 && b <= 0xF4)
            need = 3, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
        else
            return -1;
        st = need | lo << 8 | hi << 16;
    }
    *state = st;
    return 0;
}

static int refuse(struct ws_frames *f, int code, const char *why)
{
    f->closed = 1;
    f->why = why;
    return code;
}

/* A frame's first piece: its header, as wslay read it. What no server may send is refused. */
static int frame_start(struct ws_frames *f, const struct wslay_frame_iocb *io)
{
    int op = io->opcode;
    if (io->rsv)
        return refuse(f, 1002, "a frame with reserved bits set");
    if (io->mask)
        return refuse(f, 1002, "a masked frame from the server");
    if (op >= 0x8) {
        if (op > WS_OP_PONG)
            return refuse(f, 1002, "a frame of an unknown opcode");
        if (!io->fin)
            return refuse(f, 1002, "a fragmented control frame");
        if (io->payload_length > WS_CONTROL_MAX)
            return refuse(f, 1002, "a control frame over 125 bytes");
    } else if (op > WS_OP_BINARY) {
        return refuse(f, 1002, "a frame of an unknown opcode");
    } else if (op == WS_OP_CONT && !f->msg_opcode) {
        return refuse(f, 1002, "a continuation frame with no message under way");
    } else if (op != WS_OP_CONT && f->msg_opcode) {
        return refuse(f, 1002, "a new message in the middle of a fragmented one");
    }
    uint64_t len = io->payload_length;
    f->opcode = (uint8_t)op;
    f->fin = io->fin != 0;
    if (op < 0x8) {
        if (op != WS_OP_CONT) {
            f->msg_opcode = (uint8_t)op;
            f->msg_len = 0;
            f->utf8 = 0;
        }
        if (len > f->max_message - f->msg_len)
            return refuse(f, 1009, "a message over ws_max_message");
        f->msg_len += len;
    }
    f->ctl_len = 0;
    f->left = len;
    f->in_frame = 1;
    return 0;
}

/* The frame's payload is all read. */
static int frame_end(struct ws_frames *f, const struct ws_reader_ops *ops, void *arg)
{
    f->in_frame = 0;
    if (f->opcode >= 0x8) {
        if (f->opcode == WS_OP_CLOSE) {
            if (f->ctl_len == 1)
                return refuse(f, 1002, "a close frame with a one-byte payload");
            f->closed = 1;
        }
        ops->control(arg, f->opcode, f->ctl, f->ctl_len);
        return 0;
    }
    if (!f->fin)
        return 0;
    if (f->msg_opcode == WS_OP_TEXT && f->utf8 != 0)
        return refuse(f, 1007, "a text message not in UTF-8");
    f->msg_opcode = 0;
    ops->message_end(arg);
    return 0;
}

/* One piece of a frame's payload from wslay_frame_recv (the first one carries the header:
 * wslay hands a frame on once its header and, unless it is empty, some payload came). */
static int frame_piece(struct ws_frames *f, const struct wslay_frame_iocb *io,
                       const struct ws_reader_ops *ops, void *arg)
{
    int code;
    if (!f->in_frame && (code = frame_start(f, io)) != 0)
        return code;
    size_t n = io->data_length;
    if (n > f->left)
        return refuse(f, 1002, "more payload than the frame declared");
    if (f->opcode >= 0x8) {
        memcpy(f->ctl + f->ctl_len, io->data, n); /* control frames are kept whole */
        f->ctl_len = (uint8_t)(f->ctl_len + n);
    } else if (n > 0) {
        if (f->msg_opcode == WS_OP_TEXT && utf8_feed(&f->utf8, io->data, n) != 0)
            return refuse(f, 1007, "a text message not in UTF-8");
        ops->data(arg, io->data, n);
    }
    f->left -= n;
    return f->left == 0 ? frame_end(f, ops, arg) : 0;
}

int ws_frames_feed(struct ws_frames *f, const uint8_t *buf, size_t n,
                   const struct ws_reader_ops *ops, void *arg)
{
    if (f->closed || n == 0)
        return 0;
    if (context_make(f) != 0)
        return refuse(f, 1011, "out of memory for wslay's frame context");
    f->in = buf;
    f->in_len = n;
    int code = 0;
    /* wslay_frame_recv takes what it needs through recv_cb (into its own buffer) and hands
     * on a frame piece at a time; it says WSLAY_ERR_WANT_READ when the bytes are used up, or
     * when it needs more than came to go on, having taken them all. */
    while (!f->closed) {
        struct wslay_frame_iocb io;
        ssize_t r = wslay_frame_recv(f->ctx, &io);
        if (r == WSLAY_ERR_WANT_READ) {
            if (f->in_len == 0)
                break;
            continue; /* it pulls the rest on the next call */
        }
        if (r < 0) {
            code = refuse(f, 1002, r == WSLAY_ERR_PROTO
                                       ? "a frame RFC 6455 forbids (a fragmented control frame, "
                                         "one over 125 bytes, or a length over 2^63 or not in "
                                         "its shortest form)"
                                       : "a frame wslay could not read");
            break;
        }
        if ((code = frame_piece(f, &io, ops, arg)) != 0)
            break;
    }
    f->in = NULL;
    f->in_len = 0;
    return code;
}
