/* report: merging the scoreboard and printing the summary. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errkind.h"
#include "hdr_codec.h"
#include "health.h"
#include "json.h"
#include "outfile.h"
#include "reasons.h"
#include "report_channels.h"
#include "report_arrivals.h"
#include "schedule.h"
#include "units.h"
#include "verdict.h"

static const double report_percentiles[] = {50, 90, 99, 99.9};

static struct hist *hist_new(void)
{
    struct hist *h = malloc(sizeof(*h));
    if (h)
        hist_init(h);
    return h;
}

int report_collect(struct summary *s, const struct sb_header *h)
{
    int64_t t0 = atomic_load(&((struct sb_header *)h)->t0_ns);
    int64_t end = atomic_load(&((struct sb_header *)h)->end_ns);

    memset(&s->c, 0, sizeof(s->c));
    uint32_t by = sb_stopped_by(h);
    if (by) {
        s->stopped_by = h->stop_plugin;
        s->stop_reason = h->stop_reason;
        s->stop_worker = by == SB_STOP_PARENT ? -1 : (int)by - 1;
        s->stop_failed = (int)h->stop_failed;
    }
    s->duration_s = t0 && end > t0 ? (double)(end - t0) / 1e9 : 0;
    s->planned_clients = h->planned_clients;
    s->latency = hist_new();
    s->latency_failed = hist_new();
    s->connect = hist_new();
    s->intended = hist_new();
    s->lag = hist_new();
    s->nrequests = h->nrequests;
    s->requests = calloc(h->nrequests, sizeof(*s->requests));
    s->nworkers = h->nworkers;
    s->workers = calloc(h->nworkers, sizeof(*s->workers));
    s->cpu_percent = calloc(h->nworkers + 1, sizeof(*s->cpu_percent));
    s->nextras = h->nextras;
    s->extras = calloc(h->nextras + 1, sizeof(*s->extras));
    s->extra_names = calloc(h->nextras + 1, sizeof(*s->extra_names));
    if (!s->latency || !s->latency_failed || !s->connect || !s->intended || !s->lag || !s->requests || !s->workers || !s->cpu_percent || !s->extras ||
        !s->extra_names)
        return -1;
    for (unsigned i = 0; i < h->nextras; i++) {
        s->extra_names[i] = sb_extra_name(h, i);
        for (unsigned w = 0; w < h->nworkers; w++)
            s->extras[i] += sb_get(sb_extra(h, w, i));
    }
    for (unsigned r = 0; r < h->nrequests; r++) {
        s->requests[r].name = sb_reqstat(h, 0, r)->name;
        if (!(s->requests[r].latency = hist_new()))
            return -1;
    }
    for (unsigned w = 0; w < h->nworkers; w++) {
        struct sb_slot *slot = sb_slot(h, w);
        struct summary_worker *sw = &s->workers[w];
        sb_counters_add(&s->c, &slot->c);
        hist_add(s->latency, &slot->latency);
        hist_add(s->latency_failed, &slot->latency_failed);
        hist_add(s->connect, &slot->connect);
        hist_add(s->intended, &slot->intended);
        hist_add(s->lag, &slot->lag);
        s->cpu_percent[w] = health_cpu_percent(sb_get(&slot->cpu_ns), s->duration_s);
        sw->pid = atomic_load(&slot->pid);
        sw->clients = sb_get(&slot->clients);
        uint64_t started = sb_get(&slot->c.clients_started); /* past its pool: max_clients */
        s->clients_grown += started > sw->clients ? started - sw->clients : 0;
        sw->requests = sb_get(&slot->c.requests_ok) + sb_get(&slot->c.requests_failed);
        sw->exit_code = atomic_load(&slot->exit_code);
        sw->signal = atomic_load(&slot->term_signal);
        sw->core = atomic_load(&slot->core_dumped);
        for (unsigned r = 0; r < h->nrequests; r++) {
            struct sb_reqstat *rs = sb_reqstat(h, w, r);
            s->requests[r].count += sb_get(&rs->count);
            s->requests[r].ok += sb_get(&rs->ok);
            s->requests[r].failed += sb_get(&rs->failed);
            hist_add(s->requests[r].latency, &rs->latency);
        }
    }
    for (int k = 1; k < ERR_KIND_COUNT; k++) {
        const char *r = reasons_most_frequent(h, (enum errkind)k, &s->reason_counts[k]);
        if (r && !(s->reasons[k] = strdup(r)))
            return -1;
    }
    if (report_channels_collect(s, h) != 0)
        return -1;
    uint64_t total = sb_get(&s->c.requests_ok) + sb_get(&s->c.requests_failed);
    s->rps = s->duration_s > 0 ? (double)total / s->duration_s : 0;
    return 0;
}

void report_free(struct summary *s)
{
    report_channels_free(s);
    for (size_t r = 0; s->requests && r < s->nrequests; r++)
        free(s->requests[r].latency);
    free(s->requests);
    free(s->workers);
    free(s->cpu_percent);
    free(s->extras);
    free(s->extra_names);
    for (int k = 0; k < ERR_KIND_COUNT; k++)
        free(s->reasons[k]);
    free(s->latency);
    free(s->latency_failed);
    free(s->connect);
    free(s->intended);
    free(s->lag);
    memset(s, 0, sizeof(*s));
}

void report_latency_line(FILE *f, const char *label, const struct hist *h)
{
    char a[32], b[32], c[32], d[32], e[32], g[32], m[32];
    if (!h->count) {
        fprintf(f, "  %-9s -\n", label);
        return;
    }
    fprintf(f, "  %-9s min %s  mean %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n", label,
            units_format_us((double)h->min_ns / 1000, a, sizeof(a)), units_format_us(hist_mean_us(h), b, sizeof(b)),
            units_format_us((double)hist_percentile_us(h, 50), c, sizeof(c)),
            units_format_us((double)hist_percentile_us(h, 90), d, sizeof(d)),
            units_format_us((double)hist_percentile_us(h, 99), e, sizeof(e)),
            units_format_us((double)hist_percentile_us(h, 99.9), g, sizeof(g)),
            units_format_us((double)h->max_ns / 1000, m, sizeof(m)));
}

/* The generator's own health: its schedule lag (open model) and each worker's CPU, and a
 * warning when either says the figures may describe stampede rather than the server. */
static void print_generator(FILE *f, const struct summary *s)
{
    int open = s->cfg && s->cfg->schedule;
    char a[32], b[32], c[32];
    if (open && s->lag->count)
        fprintf(f, "generator lag p50 %s  p99 %s  max %s\n",
                units_format_us((double)hist_percentile_us(s->lag, 50), a, sizeof(a)),
                units_format_us((double)hist_percentile_us(s->lag, 99), b, sizeof(b)),
                units_format_us((double)s->lag->max_ns / 1000, c, sizeof(c)));
    fputs("generator cpu", f);
    for (unsigned w = 0; w < s->nworkers; w++)
        fprintf(f, "  w%u %.0f%%", w, s->cpu_percent[w]);
    fputc('\n', f);
    char why[256];
    if (health_check(open && s->lag->count, hist_percentile_us(s->lag, 99), s->cpu_percent,
                     s->nworkers,
                     why, sizeof(why)))
        fprintf(f, "stampede: warning: the generator, not the server, may have limited this run "
                   "(%s)\n", why);
}

void report_print(FILE *f, const struct summary *s)
{
    const struct sb_counters *c = &s->c;
    uint64_t ok = sb_get(&c->requests_ok), failed = sb_get(&c->requests_failed);
    char b1[32], b2[32];

    fprintf(f, "\nstampede summary%s%s%s\n", s->config_name ? " (" : "",
            s->config_name ? s->config_name : "", s->config_name ? ")" : "");
    fprintf(f, "  duration  %.3fs%s   seed %" PRIu64 "\n", s->duration_s,
            s->interrupted ? " (interrupted)" : "", s->seed);
    if (s->stopped_by) {
        char who[32] = "the parent";
        if (s->stop_worker >= 0)
            snprintf(who, sizeof(who), "worker %d", s->stop_worker);
        fprintf(f, "  stopped   by plugin %s (%s)%s: %s\n", s->stopped_by, who,
                s->stop_failed ? ", as a failure" : "", s->stop_reason);
    }
    fprintf(f, "  requests  %" PRIu64 " total, %" PRIu64 " ok, %" PRIu64 " failed, %.1f/s\n",
            ok + failed, ok, failed, s->rps);
    uint64_t started = sb_get(&c->clients_started);
    if (s->cfg && s->cfg->schedule)
        report_print_pool(f, s);
    else if (started == s->planned_clients)
        fprintf(f, "  clients   %" PRIu64 ", all started\n", started);
    else /* a ramp the duration cut short, or fewer requests (-n) than clients */
        fprintf(f, "  clients   %" PRIu64 " of %" PRIu64 " planned started (%s)\n", started,
                s->planned_clients,
                s->cfg && s->cfg->total_requests && started >= s->cfg->total_requests
                    ? "every request was taken first"
                    : "the run ended first");
    fprintf(f, "  bytes     %s sent, %s received\n",
            units_format_bytes((double)sb_get(&c->bytes_sent), b1, 32),
            units_format_bytes((double)sb_get(&c->bytes_received), b2, 32));
    fprintf(f, "  conns     %" PRIu64 " opened, %" PRIu64 " reused", sb_get(&c->conn_opened),
            sb_get(&c->conn_reused));
    if (sb_get(&c->conn_retried))
        fprintf(f, ", %" PRIu64 " retried on a fresh one", sb_get(&c->conn_retried));
    fputc('\n', f);
    if (sb_get(&c->tls_full) || sb_get(&c->tls_resumed))
        fprintf(f, "  tls       %" PRIu64 " full handshakes, %" PRIu64 " resumed\n",
                sb_get(&c->tls_full), sb_get(&c->tls_resumed));
    if (sb_get(&c->dns_hits) || sb_get(&c->dns_misses))
        fprintf(f, "  dns       %" PRIu64 " lookups, %" PRIu64 " from the cache\n",
                sb_get(&c->dns_misses), sb_get(&c->dns_hits));
    fputs("  status   ", f);
    int any = 0;
    for (int code = 0; code < SB_STATUS_MAX; code++)
        if (sb_get(&c->status[code])) {
            fprintf(f, " %d: %" PRIu64, code, sb_get(&c->status[code]));
            any = 1;
        }
    fputs(any ? "\n" : " -\n", f);
    /* one kind a line, with the reason seen most often ("most:" when others were seen too) */
    any = 0;
    for (int k = 1; k < ERR_KIND_COUNT; k++) {
        uint64_t n = sb_get(&c->errors[k]);
        if (!n)
            continue;
        fprintf(f, "  %-9s %s: %" PRIu64, any ? "" : "errors", errkind_names[k], n);
        if (s->reasons[k] && s->reasons[k][0])
            fprintf(f, " (%s%s)", s->reason_counts[k] < n ? "most: " : "", s->reasons[k]);
        fputc('\n', f);
        any = 1;
    }
    for (unsigned i = 0; i < s->nextras; i++)
        fprintf(f, "%s %s: %" PRIu64 "%s", i ? "" : "  counters ", s->extra_names[i],
                s->extras[i], i + 1 == s->nextras ? "\n" : "");
    report_channels_print(f, s);
    if (s->cfg && s->cfg->schedule)
        report_print_arrivals(f, s);
    fputs("latency\n", f);
    report_latency_line(f, "ok", s->latency);
    if (s->latency_failed->count)
        report_latency_line(f, "failed", s->latency_failed);
    report_latency_line(f, "connect", s->connect);
    /* the open model: what a user arriving on schedule waited, queueing included */
    if (s->cfg && s->cfg->schedule)
        report_latency_line(f, "intended", s->intended);
    print_generator(f, s);
    fputs("by request\n", f);
    for (size_t r = 0; r < s->nrequests; r++) {
        const struct summary_request *q = &s->requests[r];
        char p50[32], p90[32], p99[32];
        if (report_channels_print_request(f, s, r))
            continue;
        fprintf(f, "  %-16s %10" PRIu64 " (%" PRIu64 " ok, %" PRIu64 " failed)  p50 %s  p90 %s  p99 %s\n",
                q->name, q->count, q->ok, q->failed,
                units_format_us((double)hist_percentile_us(q->latency, 50), p50, 32),
                units_format_us((double)hist_percentile_us(q->latency, 90), p90, 32),
                units_format_us((double)hist_percentile_us(q->latency, 99), p99, 32));
    }
    fputs("by worker\n", f);
    for (unsigned w = 0; w < s->nworkers; w++) {
        const struct summary_worker *q = &s->workers[w];
        fprintf(f, "  worker %-3u pid %-7d clients %-6" PRIu64 " requests %-10" PRIu64, w, q->pid,
                q->clients, q->requests);
        if (q->signal)
            fprintf(f, " killed by signal %d (%s)%s\n", q->signal, strsignal(q->signal),
                    q->core ? ", core dumped" : "");
        else
            fprintf(f, " exit %d\n", q->exit_code);
    }
    if (s->verdicts)
        verdicts_print(f, s->verdicts);
}

/* ,"hdr":"...": every count, as HdrHistogram encodes it: runs merge exactly from these
 * (hdr_codec.h) */
static void json_hdr(FILE *f, const struct hist *h)
{
    char *hdr = hdr_encode(h);
    fputs(",\"hdr\":", f);
    if (hdr)
        json_string(f, hdr);
    else
        fputs("null", f);
    free(hdr);
}

void report_json_latency(FILE *f, const struct hist *h)
{
    fprintf(f, "{\"min\":%.3f,\"mean\":%.3f", h->count ? (double)h->min_ns / 1000 : 0.0,
            hist_mean_us(h));
    const char *keys[] = {"p50", "p90", "p99", "p999"};
    for (int i = 0; i < 4; i++)
        fprintf(f, ",\"%s\":%" PRIu64, keys[i], hist_percentile_us(h, report_percentiles[i]));
    fprintf(f, ",\"max\":%.3f,\"count\":%" PRIu64, (double)h->max_ns / 1000, (uint64_t)h->count);
    json_hdr(f, h);
    fputc('}', f);
}

/* "run": what ran, so that a JSON file found later says what it is the result of. */
static void json_run(FILE *f, const struct summary *s)
{
    char when[64] = "";
    struct tm tm;
    if (s->started.tv_sec && gmtime_r(&s->started.tv_sec, &tm)) {
        size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(when + n, sizeof(when) - n, ".%03ldZ", s->started.tv_nsec / 1000000);
    }
    fputs("\"run\":{\"version\":\"" PACKAGE_VERSION "\",\"started\":", f);
    if (*when)
        json_string(f, when);
    else
        fputs("null", f);
    fputs(",\"config\":", f);
    char *abs = s->cfg && s->cfg->path ? realpath(s->cfg->path, NULL) : NULL;
    if (s->cfg && s->cfg->path)
        json_string(f, abs ? abs : s->cfg->path);
    else
        fputs("null", f);
    free(abs);
    fputs(",\"urls\":[", f);
    for (size_t r = 0; s->cfg && r < s->cfg->nrequests; r++) {
        fputs(r ? "," : "", f);
        json_string(f, s->cfg->requests[r].url_text);
    }
    fprintf(f, "],\"seed\":%" PRIu64 "},\n", s->seed);
}

int report_open_json(const char *path)
{
    int fd = outfile_create(path);
    if (fd < 0)
        fprintf(stderr, "stampede: --json %s: %s\n", path, outfile_error(errno));
    return fd;
}

int report_write_json(int fd, const char *path, const struct summary *s)
{
    const struct sb_counters *c = &s->c;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        fprintf(stderr, "stampede: --json %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    uint64_t ok = sb_get(&c->requests_ok), failed = sb_get(&c->requests_failed);
    fputc('{', f);
    json_run(f, s);
    report_json_segment(f, s);
    fprintf(f, "\"requests\":{\"total\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"failed\":%" PRIu64
               ",\"started\":%" PRIu64 "},\n",
            ok + failed, ok, failed, sb_get(&c->requests_started));
    fprintf(f, "\"rps\":%.3f,\"duration_s\":%.6f,\"seed\":%" PRIu64 ",\"interrupted\":%s,\n",
            s->rps, s->duration_s, s->seed, s->interrupted ? "true" : "false");
    fprintf(f, "\"clients\":{\"planned\":%" PRIu64 ",\"started\":%" PRIu64,
            s->planned_clients, sb_get(&c->clients_started));
    if (s->cfg && s->cfg->schedule)
        report_json_pool(f, s);
    fputs("},\n", f);
    fputs("\"stopped\":", f);
    if (s->stopped_by) {
        fputs("{\"plugin\":", f);
        json_string(f, s->stopped_by);
        fprintf(f, ",\"worker\":%d,\"failed\":%s,\"reason\":", s->stop_worker,
                s->stop_failed ? "true" : "false");
        json_string(f, s->stop_reason);
        fputs("},\n", f);
    } else {
        fputs("null,\n", f);
    }
    fprintf(f, "\"bytes\":{\"sent\":%" PRIu64 ",\"received\":%" PRIu64 ",\"headers\":%" PRIu64
               ",\"body\":%" PRIu64 "},\n",
            sb_get(&c->bytes_sent), sb_get(&c->bytes_received), sb_get(&c->header_bytes),
            sb_get(&c->body_bytes));
    fputs("\"status\":", f);
    json_status_counts(f, c);
    fputs(",\n\"errors\":", f);
    json_error_counts(f, c);
    fputs(",\n\"error_reasons\":{", f);
    for (int k = 1, first = 1; k < ERR_KIND_COUNT; k++) {
        if (!s->reasons[k])
            continue;
        fprintf(f, "%s\"%s\":{\"reason\":", first ? "" : ",", errkind_names[k]);
        json_string(f, s->reasons[k]);
        fprintf(f, ",\"count\":%" PRIu64 "}", s->reason_counts[k]);
        first = 0;
    }
    fputc('}', f);
    fputs(",\n\"counters\":{", f);
    for (unsigned i = 0; i < s->nextras; i++) {
        fputs(i ? "," : "", f);
        json_string(f, s->extra_names[i]);
        fprintf(f, ":%" PRIu64, s->extras[i]);
    }
    fputs("},\n\"latency_us\":", f);
    report_json_latency(f, s->latency);
    fputs(",\n\"latency_failed_us\":", f);
    report_json_latency(f, s->latency_failed);
    fputs(",\n\"connect_us\":", f);
    report_json_latency(f, s->connect);
    if (s->cfg && s->cfg->schedule) {
        fputs(",\n\"latency_intended_us\":", f);
        report_json_latency(f, s->intended);
        report_json_arrivals(f, s);
    }
    /* lag_us only with a rate: without one there is no timetable to be late for */
    fputs(",\n\"generator\":{", f);
    if (s->cfg && s->cfg->schedule) {
        fprintf(f, "\"lag_us\":{\"p50\":%" PRIu64 ",\"p99\":%" PRIu64 ",\"max\":%" PRIu64
                   ",\"count\":%" PRIu64,
                hist_percentile_us(s->lag, 50), hist_percentile_us(s->lag, 99),
                s->lag->max_ns / 1000, (uint64_t)s->lag->count);
        json_hdr(f, s->lag);
        fputs("},", f);
    }
    fputs("\"cpu_percent\":[", f);
    for (unsigned w = 0; w < s->nworkers; w++)
        fprintf(f, "%s%.1f", w ? "," : "", s->cpu_percent[w]);
    /* the summary's warning, for scripts: were these the server's figures or stampede's? */
    char why[256];
    int open = s->cfg && s->cfg->schedule && s->lag->count;
    int limited = health_check(open, hist_percentile_us(s->lag, 99), s->cpu_percent,
                               s->nworkers, why, sizeof(why));
    fprintf(f, "],\"limited\":%s", limited ? "true,\"why\":" : "false");
    if (limited)
        json_string(f, why);
    fputs("}", f);
    fprintf(f, ",\n\"connections\":{\"opened\":%" PRIu64 ",\"reused\":%" PRIu64
               ",\"retried\":%" PRIu64 "},\n",
            sb_get(&c->conn_opened), sb_get(&c->conn_reused), sb_get(&c->conn_retried));
    fprintf(f, "\"tls\":{\"full\":%" PRIu64 ",\"resumed\":%" PRIu64 "},\n", sb_get(&c->tls_full),
            sb_get(&c->tls_resumed));
    fprintf(f, "\"dns\":{\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 "},\n", sb_get(&c->dns_hits),
            sb_get(&c->dns_misses));
    if (report_has_channels(s)) {
        report_channels_json(f, s, -1);
        fputs(",\n", f);
    }
    if (s->verdicts)
        verdicts_json(f, s->verdicts);
    fputs("\"workers\":[", f);
    for (unsigned w = 0; w < s->nworkers; w++) {
        const struct summary_worker *q = &s->workers[w];
        fprintf(f, "%s{\"pid\":%d,\"clients\":%" PRIu64 ",\"requests\":%" PRIu64
                   ",\"exit_code\":%d,\"signal\":%d,\"core\":%s}",
                w ? "," : "", q->pid, q->clients, q->requests, q->exit_code, q->signal,
                q->core ? "true" : "false");
    }
    fputs("],\n\"by_request\":[", f);
    for (size_t r = 0; r < s->nrequests; r++) {
        const struct summary_request *q = &s->requests[r];
        fprintf(f, "%s{\"name\":", r ? ",\n" : "");
        json_string(f, q->name);
        fprintf(f, ",\"count\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"failed\":%" PRIu64
                   ",\"latency_us\":",
                q->count, q->ok, q->failed);
        report_json_latency(f, q->latency);
        if (s->channels && s->cfg && r < s->cfg->nrequests && s->cfg->requests[r].url.channel) {
            fputc(',', f);
            report_channels_json(f, s, (long)r);
        }
        fputc('}', f);
    }
    fputs("]}\n", f);
    if (fflush(f) != 0 || ferror(f) || (fsync(fd) < 0 && errno != EINVAL)) {
        fprintf(stderr, "stampede: --json %s: %s\n", path, strerror(errno));
        fclose(f);
        return -1;
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "stampede: --json %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}
