/* report_arrivals: the open model's part of the summary and of the JSON: the arrivals of the
 * timetable and what became of them, the pool of clients and how far it grew, and the
 * intended latency. The counts add up: requests sent + dropped = arrivals due by the end. */
#include "report_arrivals.h"

#include <inttypes.h>

#include "schedule.h"

uint64_t report_arrivals_due(const struct config *cfg)
{
    const struct schedule *s = cfg->schedule;
    /* the whole timetable, unless a shorter duration cut it: then those due before the cut
     * (Poisson arrivals have no fixed timetable: the schedule's count is what is expected) */
    if (cfg->arrivals == ARRIVALS_POISSON || cfg->duration_ns <= 0 ||
        cfg->duration_ns >= s->duration_ns)
        return s->total;
    uint64_t lo = 0, hi = s->total; /* the first arrival at or after the cut */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (schedule_arrival_ns(s, mid) < cfg->duration_ns)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void report_print_pool(FILE *f, const struct summary *s)
{
    uint64_t started = sb_get(&s->c.clients_started), most = s->max_clients;
    if (most <= s->planned_clients) {
        /* a pool: clients are set up as arrivals need them */
        fprintf(f, "  clients   %" PRIu64 " of a pool of %" PRIu64 " were needed\n", started,
                s->planned_clients);
        return;
    }
    fprintf(f, "  clients   %" PRIu64 " started: the pool of %" PRIu64 " grew by %" PRIu64
               " (max_clients %" PRIu64 ")\n",
            started, s->planned_clients, s->clients_grown, most);
}

void report_print_arrivals(FILE *f, const struct summary *s)
{
    const struct config *cfg = s->cfg;
    fprintf(f, "  arrivals  %" PRIu64 " scheduled (%s, on_busy = %s), %" PRIu64 " dropped\n",
            s->scheduled, cfg->arrivals == ARRIVALS_POISSON ? "poisson" : "uniform",
            cfg->on_busy == ON_BUSY_DROP ? "drop" : "queue", sb_get(&s->c.dropped));
}

void report_json_pool(FILE *f, const struct summary *s)
{
    fprintf(f, ",\"max\":%" PRIu64 ",\"grown\":%" PRIu64, s->max_clients, s->clients_grown);
}

void report_json_arrivals(FILE *f, const struct summary *s)
{
    fprintf(f, ",\n\"dropped\":%" PRIu64 ",\"arrivals\":%" PRIu64, sb_get(&s->c.dropped),
            s->scheduled);
}
