/* reasons: why requests failed, tallied per error kind in a worker, so that the summary can
 * name each kind's most frequent reason ("connect_error: 114 (Cannot assign requested
 * address ...)") without a --trace. */
#ifndef STAMPEDE_REASONS_H
#define STAMPEDE_REASONS_H

#include <stdint.h>

#include "errkind.h"
#include "scoreboard.h"

#define REASONS_PER_KIND 8 /* distinct texts kept per kind; later ones are not told apart */

struct reason_tally {
    struct sb_reason top[ERR_KIND_COUNT][REASONS_PER_KIND];
};

/* Counts one failure of kind k for reason text (cut to SB_REASON_MAX - 1 bytes). */
void reasons_count(struct reason_tally *t, enum errkind k, const char *text);

/* Writes each kind's most frequent reason into the worker's scoreboard slot. */
void reasons_publish(const struct reason_tally *t, struct sb_slot *slot);

/* Over all workers of h, kind k's most frequent reason (the same text summed over workers);
 * NULL when no worker saw one. *count is that reason's count. */
const char *reasons_most_frequent(const struct sb_header *h, enum errkind k, uint64_t *count);

#endif
