/* channel_ws: the WebSocket layer of a ws:// or wss:// channel. It runs the opening handshake
 * on the channel's connection, then frames the messages channel.c hands it (masked with the
 * client's random stream, batched into one write) and reads what arrives through ws_frame's
 * reader (pings answered, fragmented messages followed, the message limit, the closing
 * handshake). channel.c keeps pacing, lifetime and counting; it sees message payloads only. */
#ifndef STAMPEDE_CHANNEL_WS_H
#define STAMPEDE_CHANNEL_WS_H

#include <stddef.h>
#include <stdint.h>

#include "errkind.h"

struct client;
struct conn;
struct ws_chan;

/* The next bytes of a message's payload (text or binary) came, or (end) the message is whole. */
typedef void ws_message_fn(void *arg, const uint8_t *p, size_t len, int end);

enum ws_result {
    WS_OK = 0,   /* done (the handshake passed; everything queued is written) */
    WS_AGAIN,    /* waiting for the socket (see conn->want_write) */
    WS_CLOSED,   /* the closing handshake is over, or the peer closed (see ws_chan_end) */
    WS_FAIL      /* see ws_chan_end */
};

/* The layer for c's request in flight on connection k; NULL when out of memory. */
struct ws_chan *ws_chan_new(struct client *c, struct conn *k, ws_message_fn *on_message,
                            void *arg);
void ws_chan_free(struct ws_chan *w);

/* Moves the opening handshake on: WS_OK once the server accepted the upgrade. */
enum ws_result ws_chan_handshake(struct ws_chan *w);
/* Whether bytes that came with the handshake's answer wait to be read as frames. */
int ws_chan_early(const struct ws_chan *w);
/* Frames a message into the output; it goes out with the next ws_chan_send, together with
 * the others queued before it. -1 when out of memory. */
int ws_chan_queue(struct ws_chan *w, const char *msg, size_t len);
/* Writes what is queued. */
enum ws_result ws_chan_send(struct ws_chan *w);
/* Reads what arrived (at most a turn's worth), calling on_message per message. */
enum ws_result ws_chan_recv(struct ws_chan *w);
/* Begins the closing handshake with code (1000: normal). */
void ws_chan_close(struct ws_chan *w, uint16_t code);
/* Whether a message or a control frame still waits to be written. */
int ws_chan_pending(const struct ws_chan *w);
/* The status code of the close frame the peer sent (1005 when it had none), 0 when none came. */
uint16_t ws_chan_close_code(const struct ws_chan *w);
/* How the channel ended after WS_CLOSED or WS_FAIL: kind (ERR_NONE: a proper close), a reason,
 * and whether the peer began it. */
enum errkind ws_chan_end(const struct ws_chan *w, const char **reason, int *by_peer);

#endif
