/* top_fmt: number formatting for the viewer; see top_fmt.h. */
#include "top_fmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>


/* v with a 1000-based suffix, three significant digits. */
static const char *fmt_si(double v, char *buf, size_t len)
{
    static const char suffix[] = " kMGTPE";
    int i = 0;
    while (v >= 999.5 && i < 6) {
        v /= 1000;
        i++;
    }
    if (i == 0)
        snprintf(buf, len, "%.0f", v);
    else
        snprintf(buf, len, v < 9.995 ? "%.2f%c" : v < 99.95 ? "%.1f%c" : "%.0f%c", v, suffix[i]);
    return buf;
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
    static const char suffix[] = " KMGTPE";
    int i = 0;
    if (v < 0)
        v = 0;
    while (v >= 1023.5 && i < 6) {
        v /= 1024;
        i++;
    }
    if (i == 0)
        snprintf(buf, len, "%.0f", v);
    else
        snprintf(buf, len, v < 9.995 ? "%.2f%c" : v < 99.95 ? "%.1f%c" : "%.0f%c", v, suffix[i]);
    return buf;
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
