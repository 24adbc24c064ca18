/* phout: Phantom's per-request result (--phout FILE), as yandex-tank reads it: one line of 12
 * tab-separated fields per finished request,
 *   time tag interval_real connect_time send_time latency receive_time interval_event
 *   size_out size_in net_code proto_code
 * time in epoch seconds with milliseconds, the intervals in microseconds. */
#ifndef STAMPEDE_PHOUT_H
#define STAMPEDE_PHOUT_H

#include <stdint.h>

#include "errkind.h"
#include "linelog.h"

struct phout_record {
    int64_t wall_start_ns;  /* CLOCK_REALTIME of the start */
    const char *tag;        /* the request's name */
    /* CLOCK_MONOTONIC points of the request; 0 for one that did not happen */
    int64_t start, ready, sent, first_byte, headers, end;
    int reused;             /* a kept-alive connection carried it: no connect */
    uint64_t size_out, size_in;
    enum errkind kind;      /* ERR_NONE, or what failed */
    int status;             /* HTTP status when kind is ERR_NONE */
};

/* Parent, before fork: creates or empties path. 0, or -1 after a message. */
int phout_create(const char *path, int per_worker, unsigned first, unsigned nworkers);
/* Worker: opens path for appending; off when path is NULL. */
int phout_open(struct linelog *p, const char *path, int per_worker, unsigned worker);
void phout_write(struct linelog *p, const struct phout_record *r);

/* The errno Phantom would report for a failure of this kind (110 for a timeout, 111 for a
 * refusal, ...); 0 for ERR_NONE. */
int phout_net_code(enum errkind kind);

#endif
