/* report_segment: the JSON's "segment" object. Every run writes it (a whole run is segment 0
 * of 1), so that `stampede merge` finds in each file which part of which run it holds and the
 * plan figures its summary prints; a merged file writes it too, so merges merge again. */
#include <inttypes.h>

#include "json.h"
#include "report.h"
#include "schedule.h"

void report_json_segment(FILE *f, const struct summary *s)
{
    const struct config *c = s->cfg;
    const struct summary_segment *g = &s->segment;
    fputs("\"segment\":{", f);
    if (!s->covers)
        fprintf(f, "\"index\":%u,", g->index);
    fprintf(f, "\"count\":%u,\"segments\":[", g->count);
    if (s->covers)
        for (unsigned i = 0, first = 1; i < g->count; i++) {
            if (!s->covers[i])
                continue;
            fprintf(f, "%s%u", first ? "" : ",", i);
            first = 0;
        }
    else
        fprintf(f, "%u", g->index);
    fprintf(f, "],\"run\":\"%016" PRIx64 "\",\"workers\":%u", g->run_id, g->workers);
    /* the plan, as the summary prints it */
    int open = c && c->schedule;
    fprintf(f, ",\"open\":%s,\"scheduled\":%" PRIu64 ",\"arrivals\":\"%s\",\"on_busy\":\"%s\"",
            open ? "true" : "false", s->scheduled,
            open && c->arrivals == ARRIVALS_POISSON ? "poisson" : "uniform",
            open && c->on_busy == ON_BUSY_DROP ? "drop" : "queue");
    fprintf(f, ",\"requests_limit\":%" PRIu64 "},\n", c ? c->total_requests : 0);
}
