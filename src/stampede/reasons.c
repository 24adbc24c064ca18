/* reasons: the tally of failure reasons; see reasons.h. */
#include "reasons.h"

#include <stdio.h>
#include <string.h>

void reasons_count(struct reason_tally *t, enum errkind k, const char *text)
{
    if (k <= ERR_NONE || k >= ERR_KIND_COUNT)
        return;
    struct sb_reason *r = t->top[k];
    if (!text)
        text = "";
    size_t n = strnlen(text, SB_REASON_MAX - 1);
    for (int i = 0; i < REASONS_PER_KIND; i++) {
        if (r[i].count == 0) { /* a free slot: the text is new */
            memcpy(r[i].text, text, n);
            r[i].text[n] = '\0';
            r[i].count = 1;
            return;
        }
        if (strncmp(r[i].text, text, n) == 0 && r[i].text[n] == '\0') {
            r[i].count++;
            return;
        }
    }
}

void reasons_publish(const struct reason_tally *t, struct sb_slot *slot)
{
    for (int k = 1; k < ERR_KIND_COUNT; k++) {
        const struct sb_reason *best = NULL;
        for (int i = 0; i < REASONS_PER_KIND; i++)
            if (t->top[k][i].count && (!best || t->top[k][i].count > best->count))
                best = &t->top[k][i];
        if (best)
            slot->reasons[k] = *best;
    }
}

const char *reasons_most_frequent(const struct sb_header *h, enum errkind k, uint64_t *count)
{
    const char *best = NULL;
    *count = 0;
    for (unsigned w = 0; w < h->nworkers; w++) {
        const struct sb_reason *r = &sb_slot(h, w)->reasons[k];
        if (!r->count || memchr(r->text, '\0', sizeof(r->text)) == NULL)
            continue;
        uint64_t sum = 0; /* this text over every worker */
        for (unsigned v = 0; v < h->nworkers; v++) {
            const struct sb_reason *o = &sb_slot(h, v)->reasons[k];
            if (o->count && strncmp(o->text, r->text, sizeof(o->text)) == 0)
                sum += o->count;
        }
        if (sum > *count) {
            *count = sum;
            best = r->text;
        }
    }
    return best;
}
