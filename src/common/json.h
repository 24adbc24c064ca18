/* json: the few pieces of JSON that the summary and the viewer both write. */
#ifndef STAMPEDE_JSON_H
#define STAMPEDE_JSON_H

#include <stdio.h>

#include "scoreboard.h"

/* A quoted, escaped string. */
void json_string(FILE *f, const char *s);
/* {"200":N,...}: the status codes that occurred. */
void json_status_counts(FILE *f, const struct sb_counters *c);
/* {"timeout":N,...}: the error kinds that occurred. */
void json_error_counts(FILE *f, const struct sb_counters *c);

#endif
