/* counters: sorts requests into latency bands and counts them in the scoreboard's extra
 * counters, which the summary, the JSON report and any viewer show by name.
 *
 *   [plugin counters]
 *   path = /usr/local/lib/stampede/plugins/counters.so
 *   slow_ms = 100          ; a request slower than this counts as slow (default 100)
 *
 * Counters: counters.fast, counters.slow, counters.failed, counters.body_kib. */
#include <stampede/plugin.h>

enum { FAST, SLOW, FAILED, BODY_KIB };
static const char *const names[] = {"fast", "slow", "failed", "body_kib", NULL};
static int64_t slow_ns = 100 * 1000000LL;

static int proc_init(struct stampede_ctx *ctx)
{
    int64_t ms = stampede_option_int(ctx, "slow_ms"); /* a whole number: stampede checked */
    if (ms < 0) {
        stampede_log(ctx, "slow_ms = %lld: use 0 or more milliseconds", (long long)ms);
        return -1;
    }
    slow_ns = ms * 1000000LL;
    return 0;
}

static void req_done(struct stampede_ctx *ctx, const struct stampede_result *r)
{
    if (r->status >= 400)
        stampede_count(ctx, FAILED, 1);
    else
        stampede_count(ctx, r->t.done - r->t.start > slow_ns ? SLOW : FAST, 1);
    stampede_count(ctx, BODY_KIB, r->body_bytes / 1024);
}

static const struct stampede_option options[] = {
    {"slow_ms", STAMPEDE_OPTION_INT, "100", "a request slower than this many ms is slow"},
    {NULL, 0, NULL, NULL},
};

const struct stampede_plugin stampede_plugin = {
    STAMPEDE_PLUGIN_HEADER,
    .name = "counters",
    .counters = names,
    .options = options,
    .proc_init = proc_init,
    .req_done = req_done,
};
