/* prom_text: a scoreboard in Prometheus's text exposition format (version 0.0.4): counters,
 * gauges and latency histograms with cumulative `le` buckets, labelled by worker and request
 * name. The parent renders its own scoreboard; stampede-top renders any run's, read-only. So
 * the figures are first collected from the mapping (plain reads and sums, which a reader can
 * guard against the file shrinking) and then written out from a private copy. */
#ifndef STAMPEDE_PROM_TEXT_H
#define STAMPEDE_PROM_TEXT_H

#include <stdint.h>
#include <stdio.h>

#include "scoreboard.h"

/* Where things are in the mapping: checked by the caller (stampede-top checks an untrusted
 * file's header; the parent made its own). */
struct prom_layout {
    const char *base; /* the mapping; its struct sb_header is at base */
    unsigned nworkers, nrequests;
    uint64_t slots_offset, slot_size, reqstats_offset, reqstat_size;
};

/* The buckets' upper bounds, in microseconds (le is in seconds). */
#define PROM_NBUCKETS 16
extern const uint64_t prom_bucket_us[PROM_NBUCKETS];

struct prom_data;

/* The layout of a scoreboard this process created (the parent's own). */
void prom_layout_of(struct prom_layout *l, const struct sb_header *h);
/* Room for one collection. NULL when out of memory. */
struct prom_data *prom_data_new(const struct prom_layout *l);
void prom_data_free(struct prom_data *d);
/* Reads the figures out of the mapping: no allocation, no I/O, only reads of it. */
void prom_collect(struct prom_data *d, const struct prom_layout *l);
/* Writes every metric of the collection to f. */
void prom_render(FILE *f, const struct prom_data *d);

#endif
