/* top_text: the lines of a frame as plain text, shared by the screen (which adds colours and
 * the chart) and by batch mode (which prints them), so both always say the same thing. */
#ifndef STAMPEDE_TOP_TEXT_H
#define STAMPEDE_TOP_TEXT_H

#include <stddef.h>

#include "top_model.h"

/* How the user asked to see the model. */
struct top_view {
    const char *path;
    double delay_s;
    enum top_col sort;
    int reverse;
    int paused;
    int removed;                   /* the file is no longer at path */
    int truncated;                 /* the file shrank under the mapping */
};

/* The columns that fit in width characters, as a bit mask of 1u << enum top_col. */
unsigned top_text_columns(int width);

/* The table's title line; *sort_at and *sort_len locate the sort column's title in it (for
 * highlighting), or are -1 and 0 when that column is not shown. */
void top_text_table_head(char *buf, size_t len, unsigned cols, const struct top_view *v,
                         int *sort_at, int *sort_len);
void top_text_table_row(char *buf, size_t len, unsigned cols, const struct top_row *r);

/* stampede-mpi's rank 0: the ranks' table, a row per rank as rank 0 last heard from it. */
void top_text_ranks_head(char *buf, size_t len);
void top_text_rank_row(char *buf, size_t len, const struct top_rank *r);

/* "stampede-top  NAME  parent PID  STATE  elapsed 1.2s  left 8.8s", and "rank R of N" in a
 * cluster */
void top_text_title(char *buf, size_t len, const struct top_model *m);
/* Clients and ramp progress. */
void top_text_clients(char *buf, size_t len, const struct top_model *m);
/* Requests in total, the current rate and the sort order. */
void top_text_requests(char *buf, size_t len, const struct top_model *m,
                       const struct top_view *v);
/* Status classes, then errors by kind. */
void top_text_status(char *buf, size_t len, const struct top_model *m);
void top_text_errors(char *buf, size_t len, const struct top_model *m);
/* Latency percentiles of the whole run (interval 0) or of the last interval (1). */
void top_text_latency(char *buf, size_t len, const struct top_model *m, int interval);
/* The open model's intended latency (from each arrival's due time, queueing included), p50
 * and p99 over the run and the last interval, to read beside the latency lines (from when each
 * request was sent). Returns 0 (and writes nothing) in a closed run. */
int top_text_intended(char *buf, size_t len, const struct top_model *m);
/* "sequences ..." (repetitions and steps done of those planned, and the requests that failed
 * a check); 0 (nothing written) when the run has no sequences. */
int top_text_sequences(char *buf, size_t len, const struct top_model *m);
/* Connections, DNS and bytes. */
void top_text_conns(char *buf, size_t len, const struct top_model *m);
/* The generator's health: schedule lag p99 (with a rate), each worker's CPU in the interval. */
void top_text_generator(char *buf, size_t len, const struct top_model *m);
/* The plugins' counters; returns 0 (and writes nothing) when there are none. */
int top_text_extras(char *buf, size_t len, const struct top_model *m);
/* What the user should know right now (done, removed, paused...); "" when nothing. */
void top_text_note(char *buf, size_t len, const struct top_model *m, const struct top_view *v);

#endif
