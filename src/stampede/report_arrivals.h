/* report_arrivals: the open model's lines of the summary and fields of the JSON (a run with
 * a rate or a schedule; the caller checks cfg->schedule). */
#ifndef STAMPEDE_REPORT_ARRIVALS_H
#define STAMPEDE_REPORT_ARRIVALS_H

#include <stdint.h>
#include <stdio.h>

#include "report.h"

/* The arrivals of the timetable due before the run's end: requests sent + dropped. */
uint64_t report_arrivals_due(const struct config *cfg);
/* "  clients   ..." and "  arrivals  ..." lines, from the summary's own figures (a segment's
 * share of the run, or the sum of the segments in a merge): scheduled, max_clients. */
void report_print_pool(FILE *f, const struct summary *s);
void report_print_arrivals(FILE *f, const struct summary *s);
/* ,"max":M,"grown":G inside "clients"; ,"dropped":D,"arrivals":A at the top level. */
void report_json_pool(FILE *f, const struct summary *s);
void report_json_arrivals(FILE *f, const struct summary *s);

#endif
