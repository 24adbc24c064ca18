/* top_batch: frames for logs and scripts, like top -b: plain text (the screen's lines without
 * the chart, frames separated by a blank line) or one JSON object per line. */
#ifndef STAMPEDE_TOP_BATCH_H
#define STAMPEDE_TOP_BATCH_H

#include <stdio.h>

#include "top_model.h"
#include "top_text.h"

/* Both return 0, or -1 when out of memory or the write failed. */
int top_batch_text(FILE *f, const struct top_model *m, const struct top_view *v);
int top_batch_json(FILE *f, const struct top_model *m, const struct top_view *v, unsigned frame);

#endif
