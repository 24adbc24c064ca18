/* channel_stamps: the send times of a channel's latency markers not yet back, oldest first:
 * a ring that grows as needed up to a bound, past which the oldest time is dropped (its
 * sample is lost, the memory stays bounded when a peer never answers). */
#ifndef STAMPEDE_CHANNEL_STAMPS_H
#define STAMPEDE_CHANNEL_STAMPS_H

#include <stddef.h>
#include <stdint.h>

#define STAMPS_MAX (1u << 16) /* times kept per channel */

struct stamps {
    int64_t *t;
    size_t head, len, cap;
};

/* Appends t, n times (n markers in one message). */
void stamps_push(struct stamps *s, int64_t t, size_t n);
/* Takes the oldest time into *t; 0 when there is none. */
int stamps_pop(struct stamps *s, int64_t *t);
/* Forgets every time (a new channel), keeping the memory. */
void stamps_clear(struct stamps *s);
void stamps_free(struct stamps *s);

#endif
