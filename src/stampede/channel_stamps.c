/* channel_stamps: a growing, bounded ring of send times. */
#include "channel_stamps.h"

#include <stdlib.h>
#include <string.h>

/* Doubles the ring (from 64), unwrapping it; the caller checks the bound. */
static void grow(struct stamps *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    int64_t *t = malloc(cap * sizeof *t);
    if (!t)
        return; /* the ring stays as it is: the oldest time makes room */
    for (size_t j = 0; j < s->len; j++)
        t[j] = s->t[(s->head + j) % s->cap];
    free(s->t);
    s->t = t;
    s->cap = cap;
    s->head = 0;
}

void stamps_push(struct stamps *s, int64_t t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s->len == s->cap && s->cap < STAMPS_MAX)
            grow(s);
        if (s->cap == 0)
            return;
        if (s->len == s->cap) { /* full: the oldest is dropped */
            s->head = (s->head + 1) % s->cap;
            s->len--;
        }
        s->t[(s->head + s->len) % s->cap] = t;
        s->len++;
    }
}

int stamps_pop(struct stamps *s, int64_t *t)
{
    if (s->len == 0)
        return 0;
    *t = s->t[s->head];
    s->head = (s->head + 1) % s->cap;
    s->len--;
    return 1;
}

void stamps_clear(struct stamps *s)
{
    s->head = s->len = 0;
}

void stamps_free(struct stamps *s)
{
    free(s->t);
    memset(s, 0, sizeof *s);
}
