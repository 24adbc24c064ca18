/* channel: a request whose url is tcp://HOST:PORT or tls://HOST:PORT. Once the client has
 * connected (and finished the TLS handshake) the channel takes the connection over: it sends
 * the first message once, then the message again and again (at message_rate, within
 * channel_bandwidth, never more than one message buffered), reads and counts whatever comes
 * back, times latency markers, and closes after channel_lifetime or at the end of the run
 * (reading for a moment more what is still on its way).
 * Then the client goes on as after any request.
 *
 * The bytes go through conn_send / conn_recv. A framing layer (WebSocket, channel_ws.c) fits
 * between them and the message logic: its Upgrade handshake runs before the first message,
 * message_next hands it each whole message to frame instead of writing the text itself, and
 * on_read passes what arrives through its deframer so that the marker search and the counts
 * see payloads only. Pacing, bandwidth, lifetime, drain and counting stay as they are. */
#ifndef STAMPEDE_CHANNEL_H
#define STAMPEDE_CHANNEL_H

#include "errkind.h"

struct client;

/* The connection of c's request in flight is ready: the channel starts on it. */
void channel_open(struct client *c);
/* Whether c has a channel open (it may be connecting still when not). */
int channel_is_open(const struct client *c);
/* The run is stopping: c's open channel stops sending and closes once what is on its way
 * came back (within 200 ms); the client then goes on (and finishes). */
void channel_stop(struct client *c);
/* c's channel request ended with kind (ERR_NONE: closed as planned or by the peer): counts a
 * failure, and lets go of an open channel's timers. Called by the client for every end. */
void channel_count_end(struct client *c, enum errkind kind);
void channel_free(struct client *c);

#endif
