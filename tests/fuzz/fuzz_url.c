/* Fuzz target for url_parse: any string either parses into parts that make sense (a scheme
 * it knows with the flags that go with it, a host, a target starting with '/') or is refused
 * with a reason; nothing leaks. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0'; /* an embedded NUL just ends the string early, as in a config file */

    struct url u;
    const char *why = NULL;
    if (url_parse(s, &u, &why) == 0) {
        if (!u.scheme || !u.host || !u.target || u.target[0] != '/')
            abort();
        static const char *const schemes[] = {"http", "https", "tcp", "tls", "ws", "wss"};
        size_t k = 0;
        while (k < 6 && strcmp(u.scheme, schemes[k]) != 0)
            k++;
        if (k == 6)
            abort();
        int tls = k == 1 || k == 3 || k == 5, channel = k >= 2, ws = k >= 4;
        if (u.tls != tls || u.channel != channel || u.ws != ws)
            abort();
        if (strchr(u.target, '#'))
            abort(); /* the fragment is never sent */
        if (u.port == 0 || u.host[0] == '\0')
            abort();
        for (const char *t = u.target; *t; t++)
            if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
                abort(); /* it goes verbatim onto the request line */
        url_free(&u);
    } else if (!why || !*why) {
        abort(); /* a refusal always says why */
    }
    free(s);
    return 0;
}
