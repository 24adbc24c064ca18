/* ws_frame: RFC 6455 framing for a client, through wslay's frame API (wslay_frame_send and
 * wslay_frame_recv). Frames go out masked, through a callback that appends them to the
 * caller's buffer (so that the frames of many messages go out in one write); frames coming
 * from the server are taken in pieces of any size as they are read, wslay splits them into
 * headers and payload pieces, and the message-level checks here hand on data payloads as they
 * come and control frames whole, and refuse what a server must not send with the close code
 * to answer it with. */
#ifndef STAMPEDE_WS_FRAME_H
#define STAMPEDE_WS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <wslay/wslay.h>

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

/* Where a connection's outgoing frames go, and where their masks come from. */
struct ws_frame_out {
    /* Appends n bytes of a frame; 0, or -1 when they cannot be taken. */
    int (*put)(void *arg, const uint8_t *p, size_t n);
    /* The next frame's mask: four bytes, as they go on the wire. */
    void (*mask)(void *arg, uint8_t mask[4]);
};

/* What the reader hands on. */
struct ws_reader_ops {
    /* The next payload bytes of a text or binary message (text checked as UTF-8 already). */
    void (*data)(void *arg, const uint8_t *p, size_t n);
    /* The message whose bytes came through data is whole. */
    void (*message_end)(void *arg);
    /* A whole ping, pong or close frame's payload (at most WS_CONTROL_MAX bytes). */
    void (*control)(void *arg, int opcode, const uint8_t *p, size_t n);
};

/* One connection's frames, both ways. */
struct ws_frames {
    wslay_frame_context_ptr ctx; /* wslay's; made on first use: idle connections hold none */
    const struct ws_frame_out *out;
    void *out_arg;
    int broken;            /* a frame could not go out whole: no more can */
    const uint8_t *in;     /* read bytes wslay_frame_recv has still to take */
    size_t in_len;
    /* the messages coming in */
    uint64_t max_message;  /* a longer message is refused with 1009 */
    uint64_t left;         /* payload bytes of the current frame still to come */
    uint64_t msg_len;      /* payload bytes of the data message so far */
    uint32_t utf8;         /* a text message's UTF-8 check: what the next bytes must be */
    uint8_t in_frame;      /* a frame's payload is under way (else a header comes next) */
    uint8_t opcode;        /* of the current frame */
    uint8_t fin;
    uint8_t msg_opcode;    /* the data message under way (WS_OP_TEXT or _BINARY), 0 when none */
    uint8_t closed;        /* a close frame came: what follows is ignored */
    uint8_t ctl_len;
    uint8_t ctl[WS_CONTROL_MAX];
    const char *why;       /* after a refusal: what was wrong */
};

/* Readies f for a new connection: max_message, the longest data message taken; out (with
 * out_arg), where frames go (NULL for a reader that sends nothing). */
void ws_frames_init(struct ws_frames *f, uint64_t max_message, const struct ws_frame_out *out,
                    void *out_arg);
void ws_frames_free(struct ws_frames *f);

/* Sends a final frame of opcode with payload (len bytes), masked, through f->out. Returns 0,
 * or -1 when it could not go out whole (out of memory, or out->put refused). */
int ws_frames_send(struct ws_frames *f, int opcode, const void *payload, size_t len);

/* Reads n bytes (all of them are taken before it returns). Returns 0, or the close code to
 * answer a frame it refuses with (1002 protocol error, 1007 text not in UTF-8, 1009 message
 * too big, 1011 out of memory; see f->why); after a refusal, or once a close frame came, it
 * takes nothing more. wslay hands a frame on with its first payload byte (an empty one at
 * once), so a header alone is judged when that byte comes. */
int ws_frames_feed(struct ws_frames *f, const uint8_t *buf, size_t n,
                   const struct ws_reader_ops *ops, void *arg);

#endif
