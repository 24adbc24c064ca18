/* report_channels: the channels' part of the summary and of the JSON (tcp:// and tls://
 * requests): channels opened and failed, messages and bytes both ways, their rates, and the
 * message latency, in total and per request. */
#ifndef STAMPEDE_REPORT_CHANNELS_H
#define STAMPEDE_REPORT_CHANNELS_H

#include <stdio.h>

#include "report.h"

/* Merges every worker's channel counters into s (totals and per request). -1: no memory. */
int report_channels_collect(struct summary *s, const struct sb_header *h);
void report_channels_free(struct summary *s);
/* Whether the run had channels: a tcp:// or tls:// request, or anything counted. */
int report_has_channels(const struct summary *s);
/* The summary's "channels", "messages" and "bandwidth" lines and the message latency. */
void report_channels_print(FILE *f, const struct summary *s);
/* Request r's line under "by request" when it is a channel: 1, else 0 (nothing printed). */
int report_channels_print_request(FILE *f, const struct summary *s, size_t r);
/* "channels":{...} for the totals (r < 0) or request r, without a separator. */
void report_channels_json(FILE *f, const struct summary *s, long r);

/* report.c's: a latency line of the summary, and a latency object of the JSON. */
void report_latency_line(FILE *f, const char *label, const struct hist *h);
void report_json_latency(FILE *f, const struct hist *h);

#endif
