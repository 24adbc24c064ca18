/* config_run: the checks of [run] that the key table cannot make alone (see config_int.h):
 * each names the line of the value that matters. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ammo.h"
#include "config_int.h"
#include "local_ips.h"
#include "schedule.h"
#include "segment.h"
#include "units.h"

#define MAX_CLIENTS UINT64_C(10000000)
#define DEFAULT_URL_DURATION_NS (INT64_C(10) * 1000000000)
#define DEFAULT_URL_CLIENTS 10

/* [run] rate or schedule: the open model. Its timetable is built here, so that a schedule
 * that does not parse stops the run before any load, with the character where it went
 * wrong. rate is the schedule const(rate, duration). */
static int check_open_model(const struct load *L, const struct slot *slots)
{
    struct config *c = L->c;
    const char *w_rate = slots[key_index(config_key_find("rate"))].where;
    const char *w_sched = slots[key_index(config_key_find("schedule"))].where;
    const char *w_duration = slots[key_index(config_key_find("duration"))].where;
    if (!w_rate && !w_sched)
        return 0;
    if (w_rate && w_sched) {
        config_errorf(w_sched, "set rate or schedule, not both (rate = R is schedule = "
                               "const(R, DURATION))");
        return -1;
    }
    struct schedule *s = calloc(1, sizeof(*s));
    if (!s)
        return -1;
    char err[256];
    if (w_rate) {
        if (c->rate == 0 || c->rate > SCHEDULE_MAX_RATE) {
            config_errorf(w_rate, "rate must be from 1 to 10M requests per second");
            free(s);
            return -1;
        }
        if (!w_duration || c->duration_ns <= 0 || c->duration_ns > SCHEDULE_MAX_SEGMENT_NS) {
            config_errorf(w_rate, "rate needs a duration of at most a week (for example "
                                  "duration = 30s), or use schedule = const(RATE, DURATION)");
            free(s);
            return -1;
        }
        if (schedule_init_const(s, c->rate, c->duration_ns) < 0) {
            free(s);
            return -1;
        }
    } else if (schedule_parse(c->schedule_text, s, err, sizeof(err)) < 0) {
        config_errorf(w_sched, "%s", err);
        free(s);
        return -1;
    }
    /* a duration shorter than the schedule cuts it; without one the schedule's end is the end */
    if (!w_duration || c->duration_ns > s->duration_ns)
        c->duration_ns = s->duration_ns;
    c->rounds = 0;
    c->schedule = s;
    return 0;
}

/* --segment and --start-at, checked by the table, as numbers; a segment needs the seed that
 * its sibling segments have, or their clients would not make one run's random choices. */
static int check_segment(const struct load *L, const struct slot *slots)
{
    struct config *c = L->c;
    const char *w_seg = slots[key_index(config_key_find("segment"))].where;
    const char *w_start = slots[key_index(config_key_find("start_at"))].where;
    char err[256];
    c->segment_index = 0;
    c->segment_count = 1;
    if (c->segment_text &&
        segment_parse(c->segment_text, &c->segment_index, &c->segment_count, err, sizeof err) < 0) {
        config_errorf(w_seg, "%s", err);
        return -1;
    }
    if (c->segment_text && !c->seed_set) {
        config_errorf(w_seg, "segment needs a seed, the same in every segment of the run (add "
                             "--seed N, or seed = N in [run])");
        return -1;
    }
    if (c->segment_text && c->seed > INT64_MAX) { /* JSON readers stop at 2^63 - 1 */
        config_errorf(w_seg, "segment needs a seed below 2^63, for stampede merge to read it");
        return -1;
    }
    c->start_at_ns = 0;
    if (!c->start_at_text)
        return 0;
    if (segment_parse_time(c->start_at_text, &c->start_at_ns, err, sizeof err) < 0) {
        config_errorf(w_start, "%s", err);
        return -1;
    }
    int64_t late = segment_wall_now_ns() - c->start_at_ns;
    if (late > SEGMENT_START_LATE_MAX_NS) {
        config_errorf(w_start, "start_at %s is %.1fs in the past (give a time ahead, the same "
                               "for every segment)", c->start_at_text, (double)late / 1e9);
        return -1;
    }
    return 0;
}

/* [run] max_clients: how far the open model's pool may grow past clients. It means nothing
 * without a rate, so it is refused there rather than ignored. When clients is left to its
 * default, a smaller max_clients lowers it. */
static int check_max_clients(const struct load *L, const struct slot *slots, int clients_set)
{
    struct config *c = L->c;
    const char *w_max = slots[key_index(config_key_find("max_clients"))].where;
    if (!w_max) {
        c->max_clients = c->clients;
        return 0;
    }
    if (!c->schedule) {
        config_errorf(w_max, "max_clients needs a rate or a schedule: it lets the open model's "
                             "pool of clients grow (without one, set clients)");
        return -1;
    }
    if (c->max_clients == 0 || c->max_clients > MAX_CLIENTS) {
        config_errorf(w_max, "max_clients must be from 1 to 10M (the total over all workers)");
        return -1;
    }
    if (c->max_clients < c->clients) {
        if (!clients_set) {
            c->clients = c->ramp_start = c->max_clients;
            return 0;
        }
        config_errorf(w_max,
                      "max_clients (%llu) is less than clients (%llu) (raise max_clients, or "
                      "lower clients: the pool starts at clients and grows up to max_clients)",
                      (unsigned long long)c->max_clients, (unsigned long long)c->clients);
        return -1;
    }
    return 0;
}

/* [run] local_ips, checked by the table, kept parsed for the workers. */
static int build_local_ips(const struct load *L, const struct slot *slots)
{
    struct config *c = L->c;
    char err[200];
    if (!c->local_ips_text)
        return 0;
    if (!(c->local_ips = calloc(1, sizeof *c->local_ips))) {
        config_oom(L->path);
        return -1;
    }
    if (local_ips_parse(c->local_ips_text, c->local_ips, err, sizeof err) < 0) {
        config_errorf(slots[key_index(config_key_find("local_ips"))].where, "local_ips: %s",
                      err);
        return -1;
    }
    return 0;
}

int config_check_local_ips_family(const struct load *L)
{
    const struct config *c = L->c;
    if (!c->local_ips)
        return 0;
    const char *where = NULL;
    for (size_t i = 0; i < L->nents; i++)
        if (L->ents[i].sec == SEC_RUN && L->ents[i].k == config_key_find("local_ips"))
            where = L->ents[i].where;
    for (size_t r = 0; r < c->nrequests; r++) {
        const char *host = c->requests[r].url.host;
        unsigned char buf[16];
        int family = !host ? 0
                     : inet_pton(AF_INET, host, buf) == 1  ? AF_INET
                     : inet_pton(AF_INET6, host, buf) == 1 ? AF_INET6
                                                           : 0; /* a name: known at connect */
        socklen_t len;
        if (family && !local_ips_pick(c->local_ips, family, 0, &len)) {
            config_errorf(where ? where : L->path,
                          "local_ips has no %s address, and %s goes to %s (add one of that "
                          "family to the list)", family == AF_INET ? "IPv4" : "IPv6",
                          c->requests[r].url_text ? c->requests[r].url_text : "a request",
                          host);
            return -1;
        }
    }
    return 0;
}

/* clients and ramp_start default to each other and to workers (10 for a URL run); then the
 * values that only make sense together. With segments, workers means those of the whole run. */
int config_check_run(const struct load *L, const struct slot *slots)
{
    struct config *c = L->c;
    if (check_segment(L, slots) < 0 || build_local_ips(L, slots) < 0)
        return -1;
    if (c->gather && c->log_per_worker) { /* one whole file, or one per worker: not both */
        config_errorf(slots[key_index(config_key_find("gather"))].where,
                      "gather and log_per_worker exclude each other (gather makes one file of "
                      "the ranks' files; log_per_worker keeps a file per worker)");
        return -1;
    }
    unsigned run_workers = c->workers * c->segment_count;
    const char *w_clients = slots[key_index(config_key_find("clients"))].where;
    const char *w_start = slots[key_index(config_key_find("ramp_start"))].where;
    const char *w_rounds = slots[key_index(config_key_find("rounds"))].where;
    const char *w_duration = slots[key_index(config_key_find("duration"))].where;
    const char *w_conc = slots[key_index(config_key_find("concurrency"))].where;
    if (w_conc) { /* ApacheBench's name for clients: one meaning, either name */
        if (w_clients && c->clients != c->concurrency) {
            config_errorf(w_conc, "concurrency (%llu) and clients (%llu) are the same thing set "
                                  "to different values (keep one)",
                          (unsigned long long)c->concurrency, (unsigned long long)c->clients);
            return -1;
        }
        c->clients = c->concurrency;
        w_clients = w_conc;
    }
    if (!w_clients && !w_start) {
        c->clients = run_workers;
        if (L->url_mode && c->clients < DEFAULT_URL_CLIENTS)
            c->clients = DEFAULT_URL_CLIENTS;
        c->ramp_start = L->url_mode ? c->clients : run_workers;
    } else if (!w_start) {
        c->ramp_start = L->url_mode ? c->clients
                        : c->clients < run_workers ? c->clients : run_workers;
    } else if (!w_clients) {
        c->clients = c->ramp_start;
        if (c->clients == 0) {
            config_errorf(w_start, "ramp_start is 0 and clients is not set (set clients, the "
                                   "total number of clients)");
            return -1;
        }
    }
    if (c->clients == 0) {
        config_errorf(w_clients, "clients must be at least 1");
        return -1;
    }
    if (c->clients > MAX_CLIENTS) {
        config_errorf(w_clients ? w_clients : w_start,
                      "clients must be at most 10M (the total over all workers)");
        return -1;
    }
    if (c->ramp_start > c->clients) {
        config_errorf(w_start,
                      "ramp_start (%llu) is more than clients (%llu) (lower ramp_start or raise "
                      "clients)",
                      (unsigned long long)c->ramp_start, (unsigned long long)c->clients);
        return -1;
    }
    if (check_open_model(L, slots) < 0 || check_max_clients(L, slots, w_clients || w_start) < 0)
        return -1;
    if (c->schedule) /* the schedule ends the run, not rounds */
        return 0;
    /* requests counts for the whole run, like ab -n: rounds no longer limit it unless set */
    if (c->total_requests && !w_rounds)
        c->rounds = 0;
    if (L->url_mode && c->rounds == 0 && !c->total_requests && !w_duration)
        c->duration_ns = DEFAULT_URL_DURATION_NS;
    if (c->rounds == 0 && c->duration_ns == 0 && c->total_requests == 0) {
        config_errorf(w_rounds ? w_rounds : w_duration,
                      "rounds = 0 runs until the duration is over, but there is no duration (set "
                      "one, e.g. duration = 10s, or set rounds or requests)");
        return -1;
    }
    return 0;
}
