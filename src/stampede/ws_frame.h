/* ws_frame: RFC 6455 framing for a client. Frames go out masked, straight into the caller's
 * buffer (the mask applied eight bytes at a time); frames coming from the server are read by
 * an incremental reader that takes the bytes as they arrive, in pieces of any size, hands on
 * data payloads as they come (no copy, no allocation) and control frames whole, and refuses
 * what a server must not send with the close code to answer it with. */
#ifndef STAMPEDE_WS_FRAME_H
#define STAMPEDE_WS_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum ws_opcode {
    WS_OP_CONT = 0x0,
    WS_OP_TEXT = 0x1,
    WS_OP_BINARY = 0x2,
    WS_OP_CLOSE = 0x8,
    WS_OP_PING = 0x9,
    WS_OP_PONG = 0xA
};

#define WS_HEADER_MAX 14     /* a client frame's header: 2 + 8 (length) + 4 (mask) */
#define WS_CONTROL_MAX 125   /* a control frame's payload */
#define WS_CLOSE_NO_STATUS 1005 /* a close frame without a status code, as RFC 6455 names it */

/* Writes a final frame of opcode with payload (len bytes) masked with mask (its four bytes as
 * they go on the wire) into out, which has room for WS_HEADER_MAX + len bytes. Returns the
 * frame's length. */
size_t ws_frame_put(uint8_t *out, int opcode, const void *payload, size_t len,
                    const uint8_t mask[4]);
/* XORs n bytes at p with the mask, starting at mask byte `phase` (0..3). */
void ws_mask_apply(uint8_t *p, size_t n, const uint8_t mask[4], size_t phase);

/* What the reader hands on. */
struct ws_reader_ops {
    /* The next payload bytes of a text or binary message (text checked as UTF-8 already). */
    void (*data)(void *arg, const uint8_t *p, size_t n);
    /* The message whose bytes came through data is whole. */
    void (*message_end)(void *arg);
    /* A whole ping, pong or close frame's payload (at most WS_CONTROL_MAX bytes). */
    void (*control)(void *arg, int opcode, const uint8_t *p, size_t n);
};

struct ws_reader {
    uint64_t max_message;  /* a longer message is refused with 1009 */
    uint64_t left;         /* payload bytes of the current frame still to come */
    uint64_t msg_len;      /* payload bytes of the data message so far */
    uint32_t utf8;         /* a text message's UTF-8 check: what the next bytes must be */
    uint8_t hdr[10];       /* the current frame's header as read so far (no mask: servers
                              do not mask) */
    uint8_t hdr_len;
    uint8_t opcode;        /* of the current frame, once its header is whole */
    uint8_t fin;
    uint8_t in_header;     /* reading a header (else a payload) */
    uint8_t msg_opcode;    /* the data message under way (WS_OP_TEXT or _BINARY), 0 when none */
    uint8_t closed;        /* a close frame came: what follows is ignored */
    uint8_t ctl_len;
    uint8_t ctl[WS_CONTROL_MAX];
    const char *why;       /* after a refusal: what was wrong */
};

/* Readies r for a new connection; max_message: the longest data message taken. */
void ws_reader_init(struct ws_reader *r, uint64_t max_message);
/* Reads n bytes. Returns 0, or the close code to answer a frame the reader refuses with
 * (1002 protocol error, 1007 text not in UTF-8, 1009 message too big; see r->why); after a
 * refusal, or once a close frame came, the reader takes nothing more. */
int ws_reader_feed(struct ws_reader *r, const uint8_t *buf, size_t n,
                   const struct ws_reader_ops *ops, void *arg);

#endif
