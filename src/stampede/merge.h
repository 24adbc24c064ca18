/* merge: `stampede merge FILE.json...`, the results of a run's segments (segment.h) added up
 * into the summary and JSON one process running the whole run would have written. Counters
 * add; histograms add exactly, from their HdrHistogram encodings; percentiles are computed
 * again from the sums. Files of other runs, a segment given twice or one missing are refused
 * before anything is printed. */
#ifndef STAMPEDE_MERGE_H
#define STAMPEDE_MERGE_H

#include <jansson.h>
#include <stdint.h>

#include "report.h"
#include "verdict.h"

/* The subcommand: argv[0] is "merge". Returns the exit status. */
int merge_main(int argc, char **argv);

/* ---- merge_read.c: one file ---------------------------------------------------------- */

struct merge_file {
    const char *path;
    json_t *root;
    uint64_t run_id;
    unsigned count, workers;   /* the run's segments; each one's workers */
    unsigned *segments;        /* which segments the file holds (a merged file: several) */
    size_t nsegments;
};

/* Reads path and its "segment" object. Returns 0, or -1 after a one-line message. */
int merge_file_read(struct merge_file *m, const char *path);
void merge_file_free(struct merge_file *m);

/* Sets up s for the run the file is a segment of: its request names and plugin counters,
 * empty histograms. Returns 0, or -1 after a message. */
int merge_summary_init(struct summary *s, const struct merge_file *first);
/* Adds the file's figures to s; worker rows are appended, so add files in segment order.
 * Returns 0, or -1 after a message naming the file and the field. */
int merge_summary_add(struct summary *s, const struct merge_file *m);

/* ---- merge_verdicts.c: checks and thresholds --------------------------------------- */

struct merge_verdicts {
    struct verdicts v;
    struct threshold *t;       /* the thresholds, parsed from the first file's lines */
    size_t nt;
};

/* Adds up the files' check counts and measures the first file's thresholds on s (the merged
 * summary, complete). Returns 0, or -1 after a message naming the file. */
int merge_verdicts_read(struct merge_verdicts *mv, const struct merge_file *f, size_t n,
                        const struct summary *s);
void merge_verdicts_free(struct merge_verdicts *mv);

#endif
