/* Fuzz target for ammo files (phantom, uri-style and stpd, the format detected): any bytes
 * either parse into entries that can be sent as they are, or are refused with one line that
 * names the place. Parsed entries hold a whole request (a method and a space first), a tag the
 * reports can take (no tab or newline: phout is tab-separated), and stpd times that never go
 * back. */
#include <stdlib.h>
#include <string.h>

#include "ammo.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1); /* ammo_parse takes it */
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    char *headers[] = {"X-Load: fuzz"};
    struct ammo_target t = {.host = "127.0.0.1:8080", .headers = headers, .nheaders = 1};
    struct ammo a;
    char err[512] = "";
    if (ammo_parse(&a, "fuzz.ammo", copy, size, AMMO_AUTO, &t, err, sizeof(err)) < 0) {
        if (!err[0] || strchr(err, '\n') || strncmp(err, "fuzz.ammo:", 10) != 0)
            abort(); /* one line, naming the file */
        return 0;
    }
    if (a.n == 0 || a.ntags == 0 || a.ntags > AMMO_MAX_TAGS)
        abort();
    for (size_t i = 0; i < a.ntags; i++)
        if (!a.tags[i][0] || strpbrk(a.tags[i], "\t\r\n") ||
            strlen(a.tags[i]) > AMMO_MAX_TAG_LEN)
            abort();
    int64_t last = 0;
    for (size_t i = 0; i < a.n; i++) {
        const struct ammo_entry *e = &a.entries[i];
        size_t m = e->method ? strlen(e->method) : 0;
        if (e->tag >= a.ntags || !m || e->wire.len <= m ||
            memcmp(e->wire.bytes, e->method, m) != 0 || e->wire.bytes[m] != ' ')
            abort();
        if (e->at_ns < last)
            abort();
        last = e->at_ns;
    }
    ammo_free(&a);
    return 0;
}
