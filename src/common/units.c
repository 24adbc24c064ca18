/* units: parsing durations and counts as users write them, and printing durations short.
 * Everything is integer arithmetic so that "0.1s" is exactly 100000000 ns. */
#include "units.h"

#include <stdio.h>
#include <string.h>

#define NS_PER_US INT64_C(1000)
#define NS_PER_MS INT64_C(1000000)
#define NS_PER_S INT64_C(1000000000)
#define NS_PER_M (60 * NS_PER_S)
#define NS_PER_H (3600 * NS_PER_S)

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads a unit suffix at *p; returns its size in ns (advancing *p), 0 when there is none. */
static int64_t read_unit(const char **p)
{
    static const struct {
        const char *name;
        int64_t ns;
    } units[] = {
        /* longer names first so that "ms" is not read as "m" */
        {"ns", 1},         {"us", NS_PER_US}, {"\xc2\xb5s", NS_PER_US}, /* µs */
        {"ms", NS_PER_MS}, {"s", NS_PER_S},   {"m", NS_PER_M},
        {"h", NS_PER_H},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t n = strlen(units[i].name);
        if (strncmp(*p, units[i].name, n) == 0) {
            *p += n;
            return units[i].ns;
        }
    }
    return 0;
}

/* One "<digits>[.<digits>]<unit>" term; a missing unit means seconds when bare_ok.
 * Returns -1 on a syntax error or overflow. */
static int read_term(const char **p, int bare_ok, int64_t *ns)
{
    const char *s = *p;
    if (!is_digit(*s))
        return -1;
    uint64_t whole = 0;
    for (; is_digit(*s); s++) {
        if (whole > (UINT64_MAX - 9) / 10)
            return -1;
        whole = whole * 10 + (uint64_t)(*s - '0');
    }
    const char *frac = NULL;
    if (*s == '.') {
        frac = ++s;
        if (!is_digit(*s))
            return -1;
        while (is_digit(*s))
            s++;
    }
    const char *frac_end = s;
    int64_t unit = read_unit(&s);
    if (unit == 0) {
        if (!bare_ok || *s != '\0')
            return -1;
        unit = NS_PER_S;
    }
    if (whole > (uint64_t)(INT64_MAX / unit))
        return -1;
    int64_t total = (int64_t)whole * unit;
    /* Each fractional digit is worth a tenth of the previous one; the scale stays exact for
     * every digit that matters at nanosecond resolution. */
    int64_t scale = unit;
    for (const char *f = frac; f && f < frac_end && scale > 0; f++) {
        scale /= 10;
        int64_t add = (*f - '0') * scale;
        if (add > INT64_MAX - total)
            return -1;
        total += add;
    }
    *p = s;
    *ns = total;
    return 0;
}

int units_parse_duration(const char *s, int64_t *ns)
{
    if (!s || !*s)
        return -1;
    const char *p = s;
    int64_t total = 0, term;
    int first = 1;
    /* "1h30m", "2m05s": terms add up; a bare number must stand alone */
    while (*p) {
        if (read_term(&p, first, &term) != 0)
            return -1;
        if (term > INT64_MAX - total)
            return -1;
        total += term;
        first = 0;
    }
    *ns = total;
    return 0;
}

int units_parse_count(const char *s, uint64_t *out)
{
    if (!s || !is_digit(*s))
        return -1;
    uint64_t v = 0;
    for (; is_digit(*s); s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    uint64_t mult = 1;
    if (*s == 'k' || *s == 'K')
        mult = 1000;
    else if (*s == 'M')
        mult = 1000000;
    else if (*s == 'G')
        mult = 1000000000;
    if (mult != 1)
        s++;
    if (*s != '\0')
        return -1;
    if (v > UINT64_MAX / mult)
        return -1;
    *out = v * mult;
    return 0;
}

int units_parse_bandwidth(const char *s, uint64_t *bytes_per_s)
{
    if (!s || !is_digit(*s))
        return -1;
    double v = 0, scale = 1;
    int frac = 0;
    for (; is_digit(*s) || (*s == '.' && !frac); s++) {
        if (*s == '.') {
            frac = 1;
            continue;
        }
        if (frac)
            scale /= 10;
        v = v * 10 + (*s - '0');
    }
    v *= scale;
    if (*s == 'k' || *s == 'K')
        v *= 1e3, s++;
    else if (*s == 'M')
        v *= 1e6, s++;
    else if (*s == 'G')
        v *= 1e9, s++;
    if (strcmp(s, "bps") == 0)
        v /= 8;
    else if (strcmp(s, "Bps") != 0)
        return -1;
    if (v < 1 || v > 1e12)
        return -1;
    *bytes_per_s = (uint64_t)(v + 0.5);
    return 0;
}

/* Whole minutes and hours: "2m05s", "1h", "1h30m", "1h02m03s" (rounded to the second). */
static void format_long(int64_t ns, char *buf, unsigned len)
{
    int64_t sec = ns / NS_PER_S + (ns % NS_PER_S >= NS_PER_S / 2);
    int64_t h = sec / 3600, m = sec / 60 % 60, s = sec % 60;
    if (h == 0)
        snprintf(buf, len, s ? "%lldm%02llds" : "%lldm", (long long)m, (long long)s);
    else if (s)
        snprintf(buf, len, "%lldh%02lldm%02llds", (long long)h, (long long)m, (long long)s);
    else if (m)
        snprintf(buf, len, "%lldh%02lldm", (long long)h, (long long)m);
    else
        snprintf(buf, len, "%lldh", (long long)h);
}

const char *units_format_duration(int64_t ns, char *buf, unsigned len)
{
    static const struct {
        const char *name;
        int64_t ns;
    } units[] = {{"ns", 1}, {"us", NS_PER_US}, {"ms", NS_PER_MS}, {"s", NS_PER_S}};
    if (!buf || len == 0)
        return buf;
    if (ns < 0) {
        /* INT64_MIN has no positive twin: one nanosecond does not matter in a message */
        int64_t pos = ns == INT64_MIN ? INT64_MAX : -ns;
        buf[0] = '-';
        if (len > 1)
            units_format_duration(pos, buf + 1, len - 1);
        else
            buf[0] = '\0';
        return buf;
    }
    if (ns == 0) {
        snprintf(buf, len, "0s");
        return buf;
    }
    if (ns >= NS_PER_M) {
        format_long(ns, buf, len);
        return buf;
    }
    size_t u = 0;
    while (u + 1 < sizeof units / sizeof units[0] && ns >= units[u + 1].ns)
        u++;
    for (;;) {
        int64_t un = units[u].ns;
        if (ns % un == 0) {
            snprintf(buf, len, "%lld%s", (long long)(ns / un), units[u].name);
            return buf;
        }
        /* three significant digits: 1.50s, 35.2us, 250ms */
        int64_t whole = ns / un;
        int dec = whole >= 100 ? 0 : whole >= 10 ? 1 : 2;
        int64_t scale = dec == 2 ? 100 : dec == 1 ? 10 : 1;
        int64_t r = (ns * scale + un / 2) / un; /* ns < 60 s, so ns * 100 fits */
        if (r >= 1000 && dec > 0) {
            dec--;
            scale /= 10;
            r = (ns * scale + un / 2) / un;
        }
        if (u == 3 && r >= 60 * scale) {
            format_long(ns, buf, len);
            return buf;
        }
        if (r >= 1000 && u < 3) {
            u++; /* 999.7us is 1.00ms */
            continue;
        }
        if (dec == 0)
            snprintf(buf, len, "%lld%s", (long long)r, units[u].name);
        else
            snprintf(buf, len, "%lld.%0*lld%s", (long long)(r / scale), dec,
                     (long long)(r % scale), units[u].name);
        return buf;
    }
}

const char *units_format_us(double us, char *buf, size_t len)
{
    /* !(us > 0) also catches NaN, which a corrupted scoreboard can hold */
    int64_t ns = !(us > 0) ? 0 : us >= (double)(INT64_MAX / 1000) ? INT64_MAX : (int64_t)(us * 1000);
    return units_format_duration(ns, buf, (unsigned)len);
}

const char *units_format_scaled(double v, unsigned base, const char *const suffix[7], char *buf,
                                size_t len)
{
    int i = 0;
    if (!(v > 0)) /* NaN too */
        v = 0;
    while (v >= base - 0.5 && i < 6) {
        v /= base;
        i++;
    }
    const char *fmt = i == 0 ? "%.0f%s" : v < 9.995 ? "%.2f%s" : v < 99.95 ? "%.1f%s" : "%.0f%s";
    snprintf(buf, len, fmt, v, suffix[i]);
    return buf;
}

const char *units_format_bytes(double bytes, char *buf, size_t len)
{
    static const char *const unit[] = {" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"};
    return units_format_scaled(bytes, 1024, unit, buf, len);
}
