/* ws_frame: writing masked client frames, reading the server's frames incrementally. */
#include "ws_frame.h"

#include <string.h>

size_t ws_frame_put(uint8_t *out, int opcode, const void *payload, size_t len,
                    const uint8_t mask[4])
{
    size_t h = 0;
    out[h++] = (uint8_t)(0x80 | opcode);
    if (len < 126) {
        out[h++] = (uint8_t)(0x80 | len);
    } else if (len <= 0xFFFF) {
        out[h++] = 0x80 | 126;
        out[h++] = (uint8_t)(len >> 8);
        out[h++] = (uint8_t)len;
    } else {
        out[h++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            out[h++] = (uint8_t)((uint64_t)len >> (8 * i));
    }
    memcpy(out + h, mask, 4);
    h += 4;
    if (len) {
        memcpy(out + h, payload, len);
        ws_mask_apply(out + h, len, mask, 0);
    }
    return h + len;
}

void ws_mask_apply(uint8_t *p, size_t n, const uint8_t mask[4], size_t phase)
{
    uint8_t m8[8];
    for (size_t i = 0; i < 8; i++)
        m8[i] = mask[(phase + i) & 3];
    uint64_t k;
    memcpy(&k, m8, 8); /* the pattern in memory order: no byte order to care about */
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        v ^= k;
        memcpy(p + i, &v, 8);
    }
    for (size_t j = 0; i < n; i++, j++)
        p[i] ^= m8[j];
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

void ws_reader_init(struct ws_reader *r, uint64_t max_message)
{
    memset(r, 0, sizeof *r);
    r->max_message = max_message;
    r->in_header = 1;
}

static int refuse(struct ws_reader *r, int code, const char *why)
{
    r->closed = 1;
    r->why = why;
    return code;
}

/* The first two bytes of a header: what no server may send is refused at once. */
static int header_start(struct ws_reader *r)
{
    uint8_t b0 = r->hdr[0], b1 = r->hdr[1];
    int op = b0 & 0x0F;
    if (b0 & 0x70)
        return refuse(r, 1002, "a frame with reserved bits set");
    if (b1 & 0x80)
        return refuse(r, 1002, "a masked frame from the server");
    if (op >= 0x8) {
        if (op > WS_OP_PONG)
            return refuse(r, 1002, "a frame of an unknown opcode");
        if (!(b0 & 0x80))
            return refuse(r, 1002, "a fragmented control frame");
        if ((b1 & 0x7F) > WS_CONTROL_MAX)
            return refuse(r, 1002, "a control frame over 125 bytes");
    } else if (op > WS_OP_BINARY) {
        return refuse(r, 1002, "a frame of an unknown opcode");
    } else if (op == WS_OP_CONT && !r->msg_opcode) {
        return refuse(r, 1002, "a continuation frame with no message under way");
    } else if (op != WS_OP_CONT && r->msg_opcode) {
        return refuse(r, 1002, "a new message in the middle of a fragmented one");
    }
    return 0;
}

/* The header is whole: the frame's payload comes next. */
static int header_end(struct ws_reader *r)
{
    uint64_t len = r->hdr[1] & 0x7F;
    if (len == 126) {
        len = (uint64_t)r->hdr[2] << 8 | r->hdr[3];
    } else if (len == 127) {
        len = 0;
        for (int i = 2; i < 10; i++)
            len = len << 8 | r->hdr[i];
        if (len >> 63)
            return refuse(r, 1002, "a frame length over 2^63");
    }
    r->opcode = r->hdr[0] & 0x0F;
    r->fin = (r->hdr[0] & 0x80) != 0;
    if (r->opcode < 0x8) {
        if (r->opcode != WS_OP_CONT) {
            r->msg_opcode = r->opcode;
            r->msg_len = 0;
            r->utf8 = 0;
        }
        if (len > r->max_message - r->msg_len)
            return refuse(r, 1009, "a message over ws_max_message");
        r->msg_len += len;
    }
    r->ctl_len = 0;
    r->left = len;
    r->in_header = 0;
    r->hdr_len = 0;
    return 0;
}

/* The frame's payload is all read. */
static int frame_end(struct ws_reader *r, const struct ws_reader_ops *ops, void *arg)
{
    r->in_header = 1;
    if (r->opcode >= 0x8) {
        if (r->opcode == WS_OP_CLOSE) {
            if (r->ctl_len == 1)
                return refuse(r, 1002, "a close frame with a one-byte payload");
            r->closed = 1;
        }
        ops->control(arg, r->opcode, r->ctl, r->ctl_len);
        return 0;
    }
    if (!r->fin)
        return 0;
    if (r->msg_opcode == WS_OP_TEXT && r->utf8 != 0)
        return refuse(r, 1007, "a text message not in UTF-8");
    r->msg_opcode = 0;
    ops->message_end(arg);
    return 0;
}

int ws_reader_feed(struct ws_reader *r, const uint8_t *buf, size_t n,
                   const struct ws_reader_ops *ops, void *arg)
{
    int code;
    while (n > 0 && !r->closed) {
        if (r->in_header) {
            r->hdr[r->hdr_len++] = *buf++;
            n--;
            if (r->hdr_len == 2 && (code = header_start(r)) != 0)
                return code;
            if (r->hdr_len < 2)
                continue;
            uint8_t l7 = r->hdr[1] & 0x7F;
            size_t need = 2 + (l7 == 126 ? 2 : l7 == 127 ? 8 : 0);
            if (r->hdr_len < need)
                continue;
            if ((code = header_end(r)) != 0)
                return code;
            if (r->left == 0 && (code = frame_end(r, ops, arg)) != 0)
                return code;
            continue;
        }
        size_t take = r->left < n ? (size_t)r->left : n;
        if (r->opcode >= 0x8) {
            memcpy(r->ctl + r->ctl_len, buf, take);
            r->ctl_len = (uint8_t)(r->ctl_len + take);
        } else {
            if (r->msg_opcode == WS_OP_TEXT && utf8_feed(&r->utf8, buf, take) != 0)
                return refuse(r, 1007, "a text message not in UTF-8");
            ops->data(arg, buf, take);
        }
        buf += take;
        n -= take;
        r->left -= take;
        if (r->left == 0 && (code = frame_end(r, ops, arg)) != 0)
            return code;
    }
    return 0;
}
