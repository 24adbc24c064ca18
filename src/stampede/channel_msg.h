/* channel_msg: the text work of channels. A message's ${seq}, ${client} and ${worker} are
 * filled in per message (a message without "${" is sent as written), and a latency marker is
 * counted in what goes out and searched for in what comes back, across read boundaries. */
#ifndef STAMPEDE_CHANNEL_MSG_H
#define STAMPEDE_CHANNEL_MSG_H

#include <stddef.h>
#include <stdint.h>

/* The values a message's variables take. */
struct msg_vars {
    uint64_t seq;    /* the channel's message number, from 0 */
    uint64_t client; /* the client's global number */
    unsigned worker;
};

/* Whether a message has variables to fill in. */
int msg_has_vars(const char *text, size_t len);
/* text with its variables filled in, into *buf (grown as needed; it is the caller's). An
 * unknown ${name} stays as written. Returns the length, or (size_t)-1 when out of memory. */
size_t msg_expand(const char *text, size_t len, const struct msg_vars *v, char **buf,
                  size_t *cap);
/* How often marker occurs in text, without overlaps. */
size_t msg_count_marker(const char *text, size_t len, const char *marker, size_t mlen);

/* An incremental search for one marker (Knuth-Morris-Pratt, so a marker split across two
 * reads is still found). */
struct marker_search {
    const char *marker;
    size_t len;
    size_t matched;  /* bytes of the marker matched at the end of what was fed */
    size_t *fail;    /* fail[i]: the longest proper border of marker[0..i] */
    size_t fail_cap;
};

/* Prepares s for marker (keeps the table's memory from an earlier marker). 0 or -1 (memory). */
int marker_search_init(struct marker_search *s, const char *marker);
/* Feeds the next bytes of the stream; returns how many markers ended in them. */
size_t marker_search_feed(struct marker_search *s, const char *buf, size_t n);
void marker_search_free(struct marker_search *s);

#endif
