/* Fuzz target for the configuration: config_load on an INI file, -D overrides and flags, or
 * config_from_url for a URL run.
 *
 * Input: an INI text, or a URL when it starts with http:// or https://; then, after each NUL
 * byte, one override: "w=N", "c=N", "d=TIME", "r=N" or "s=N" set --workers, --clients,
 * --duration, --rounds or --seed, anything else is a -D SECTION.KEY=VALUE. A configuration that
 * loads must be one a run can use: the checks that config_load promises hold, and every
 * request serialises to a well-formed request head (no CR or LF inside a line: a config must
 * never smuggle a second request or header). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "http_request.h"

#define MAX_OVERRIDES 16

static char dir[64], ini[96];

static void cleanup(void)
{
    if (ini[0])
        unlink(ini);
    if (dir[0])
        rmdir(dir);
}

/* The INI file lives alone in a private directory, so that a relative body_file finds nothing
 * else of ours. */
static int make_dir(void)
{
    if (dir[0])
        return 0;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/fuzz_config.XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz_config: mkdtemp");
        abort();
    }
    snprintf(ini, sizeof(ini), "%s/f.ini", dir);
    atexit(cleanup);
    return 0;
}

static void check_wire(const struct request_spec *r)
{
    struct wire w;
    if (http_request_serialise(r, &w) != 0)
        abort();
    const char *end = NULL;
    for (size_t i = 0; i + 3 < w.len; i++)
        if (!memcmp(w.bytes + i, "\r\n\r\n", 4)) {
            end = w.bytes + i + 2; /* just past the last header line */
            break;
        }
    if (!end)
        abort();
    for (const char *p = w.bytes; p < end; p++) {
        if (*p == '\n' && (p == w.bytes || p[-1] != '\r'))
            abort(); /* a bare LF inside the head */
        if (*p == '\r' && p[1] != '\n')
            abort(); /* a bare CR inside the head */
        if (*p == '\0')
            abort();
    }
    size_t head = (size_t)(end + 2 - w.bytes);
    if (w.len - head != (r->has_body ? r->body_len : 0))
        abort();
    http_request_free(&w);
}

static void check_config(const struct config *c)
{
    if (c->workers < 1 || c->clients < 1 || c->ramp_start > c->clients || c->nrequests < 1)
        abort();
    if (c->rounds == 0 && c->duration_ns <= 0)
        abort();
    for (size_t i = 0; i < c->nrequests; i++) {
        const struct request_spec *r = &c->requests[i];
        if (!r->name || !r->method || !r->url.host || !r->url.target || r->url.port == 0)
            abort();
        if (r->timeout_ns < 0 || r->connect_timeout_ns < 0 || r->predelay_ns < 0 ||
            r->postdelay_ns < 0)
            abort();
        check_wire(r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    static const char letters[] = "wcdrs";
    static const char *const flag_names[] = {"workers", "clients", "duration", "rounds", "seed"};
    struct config_overrides o = {0};
    const char *defines[MAX_OVERRIDES];
    struct config_flag flags[MAX_OVERRIDES];
    o.defines = defines;
    o.flags = flags;
    size_t first = strlen(text);
    for (char *p = text + first; p < text + size && o.ndefines + o.nflags < MAX_OVERRIDES;) {
        char *s = p + 1; /* past the NUL */
        p = s + strlen(s);
        const char *which = s[0] && s[1] == '=' ? strchr(letters, s[0]) : NULL;
        if (which)
            flags[o.nflags++] = (struct config_flag){flag_names[which - letters], s + 2};
        else
            defines[o.ndefines++] = s;
    }

    struct config c;
    int rc;
    if (!strncmp(text, "http://", 7) || !strncmp(text, "https://", 8)) {
        rc = config_from_url(&c, text, &o);
    } else {
        make_dir();
        FILE *f = fopen(ini, "wb");
        if (!f || fwrite(text, 1, first, f) != first || fclose(f) != 0)
            abort();
        rc = config_load(&c, ini, &o);
    }
    if (rc == 0) {
        check_config(&c);
        config_free(&c);
    }
    free(text);
    return 0;
}
