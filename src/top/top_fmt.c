/* top_fmt: number formatting for the viewer; see top_fmt.h. */
#include "top_fmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

/* v with a 1000-based suffix, three significant digits. */
static const char *fmt_si(double v, char *buf, size_t len)
{
    static const char *const suffix[] = {"", "k", "M", "G", "T", "P", "E"};
    return units_format_scaled(v, 1000, suffix, buf, len);
}

const char *top_fmt_count(uint64_t v, int width, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%" PRIu64, v);
    if (n > width)
        fmt_si((double)v, buf, len);
    return buf;
}

const char *top_fmt_rate(double v, char *buf, size_t len)
{
    if (v < 0)
        v = 0;
    if (v < 9999.95)
        snprintf(buf, len, "%.1f", v);
    else
        fmt_si(v, buf, len);
    return buf;
}

const char *top_fmt_bytes(double v, char *buf, size_t len)
{
    static const char *const suffix[] = {"", "K", "M", "G", "T", "P", "E"};
    return units_format_scaled(v, 1024, suffix, buf, len);
}

const char *top_fmt_elapsed(double s, char *buf, size_t len)
{
    /* Times come from an untrusted file: keep the conversion below defined. */
    if (!(s >= 0))
        s = 0;
    if (s > 1e12)
        s = 1e12;
    if (s < 60) {
        snprintf(buf, len, "%.1fs", s);
        return buf;
    }
    uint64_t t = (uint64_t)s;
    if (t < 3600)
        snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", t / 60, t % 60);
    else
        snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s", t / 3600, t / 60 % 60,
                 t % 60);
    return buf;
}
