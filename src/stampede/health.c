/* health: the rule behind the summary's "the generator may have limited this run" warning. */
#include "health.h"

#include <stdio.h>

#include "units.h"

double health_cpu_percent(uint64_t cpu_ns, double seconds)
{
    return seconds > 0 ? (double)cpu_ns / 1e9 / seconds * 100.0 : 0;
}

/* Appends to why, keeping it a string however short len is. */
static void why_add(char *why, size_t len, size_t *used, const char *sep, const char *text)
{
    if (*used >= len)
        return;
    int n = snprintf(why + *used, len - *used, "%s%s", *used ? sep : "", text);
    if (n > 0)
        *used = (size_t)n + *used < len ? *used + (size_t)n : len - 1;
}

int health_check(int have_lag, uint64_t lag_p99_us, const double *cpu_percent, unsigned nworkers,
                 char *why, size_t len)
{
    size_t used = 0;
    char item[64], u[32];
    if (len)
        why[0] = '\0';
    if (have_lag && lag_p99_us > HEALTH_LAG_P99_US) {
        snprintf(item, sizeof(item), "generator lag p99 %s",
                 units_format_us((double)lag_p99_us, u, sizeof(u)));
        why_add(why, len, &used, "; ", item);
    }
    int warn = have_lag && lag_p99_us > HEALTH_LAG_P99_US;
    for (unsigned w = 0; w < nworkers; w++) {
        if (cpu_percent[w] <= HEALTH_CPU_PERCENT)
            continue;
        snprintf(item, sizeof(item), "worker %u at %.0f%% of a core", w, cpu_percent[w]);
        why_add(why, len, &used, "; ", item);
        warn = 1;
    }
    return warn;
}
