/* config_msg: how the configuration speaks to the user. Every error is one line,
 *   stampede: WHERE: WHAT (HOW TO FIX)
 * and an unknown word comes with the closest known one ("did you mean"). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"

/* Prints "stampede: WHERE: WHAT" as exactly one line, whatever bytes the user gave us. */
void config_errorf(const char *where, const char *fmt, ...)
{
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "stampede: %s: ", where ? where : "config");
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof msg)
        n = (int)sizeof msg - 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    fprintf(stderr, "%s\n", msg);
}

void config_oom(const char *where)
{
    config_errorf(where, "out of memory");
}

/* ---- did you mean --------------------------------------------------------------------- */

#define SUGGEST_MAX 64

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t prev[SUGGEST_MAX + 1], cur[SUGGEST_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

const char *config_suggest(const char *word, const char *const *known)
{
    if (!word || !known)
        return NULL;
    size_t wl = strlen(word);
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; known[i]; i++) {
        size_t kl = strlen(known[i]);
        if (wl > SUGGEST_MAX || kl > SUGGEST_MAX)
            continue;
        size_t d = edit_distance(word, known[i]);
        /* "ab" is two edits from any two-letter word: that is no suggestion */
        if (d < bestd && d < wl) {
            best = known[i];
            bestd = d;
        }
    }
    /* "ramp" is the first word of ramp_start: likelier meant than "rate", two edits away */
    for (size_t i = 0; bestd > 1 && wl >= 3 && known[i]; i++)
        if (strncasecmp(word, known[i], wl) == 0 && known[i][wl] == '_')
            return known[i];
    if (best)
        return best;
    /* "work" or "workerss": one is a prefix of the other */
    for (size_t i = 0; known[i]; i++) {
        size_t kl = strlen(known[i]);
        size_t n = wl < kl ? wl : kl;
        if (n >= 3 && strncasecmp(word, known[i], n) == 0)
            return known[i];
    }
    return NULL;
}

const char *config_hint(const char *word, const char *const *known, const char *fallback,
                        char *buf, size_t len)
{
    const char *s = config_suggest(word, known);
    if (s)
        snprintf(buf, len, " (did you mean '%s'?)", s);
    else if (fallback)
        snprintf(buf, len, " (%s)", fallback);
    else
        buf[0] = '\0';
    return buf;
}
