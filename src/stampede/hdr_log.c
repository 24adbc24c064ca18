/* hdr_log: the HdrHistogram interval log; see hdr_log.h. Once an interval the parent sums every
 * worker's histogram of each tag (HIST_LEN counts a worker), subtracts the previous sum and
 * encodes the difference: cheap at one interval a second. */
#include "hdr_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hdr_codec.h"
#include "outfile.h"

static const char *const tag_names[HDR_NTAGS] = {"service", "intended"};

static void fail(struct hdr_log *l, int err)
{
    if (!l->failed)
        fprintf(stderr, "stampede: --hdr-log %s: %s\n", l->path, strerror(err));
    l->failed = 1;
}

int hdr_log_create(struct hdr_log *l, const char *path, int intended)
{
    memset(l, 0, sizeof(*l));
    l->path = path;
    l->ntags = intended ? 2 : 1;
    int fd = outfile_create(path);
    if (fd < 0) {
        fprintf(stderr, "stampede: --hdr-log %s: %s\n", path, outfile_error(errno));
        return -1;
    }
    l->f = fdopen(fd, "w");
    l->now = malloc(sizeof(*l->now));
    l->diff = malloc(sizeof(*l->diff));
    for (unsigned t = 0; t < l->ntags; t++)
        if ((l->prev[t] = malloc(sizeof(*l->prev[t]))))
            hist_init(l->prev[t]);
    if (!l->f || !l->now || !l->diff || !l->prev[0] || (intended && !l->prev[1])) {
        fprintf(stderr, "stampede: --hdr-log %s: out of memory\n", path);
        if (!l->f)
            close(fd);
        hdr_log_close(l);
        return -1;
    }
    return 0;
}

void hdr_log_start(struct hdr_log *l, const struct timespec *wall, int64_t t0_ns)
{
    if (!l->f)
        return;
    l->t0_ns = l->last_ns = t0_ns;
    /* seconds with milliseconds, and the date as Java's Date.toString() writes it */
    long ms = wall->tv_nsec / 1000000;
    char date[64] = "";
    struct tm tm;
    if (localtime_r(&wall->tv_sec, &tm))
        strftime(date, sizeof(date), "%a %b %d %H:%M:%S %Z %Y", &tm);
    fprintf(l->f, "#[Histogram log format version 1.3]\n");
    fprintf(l->f, "#[StartTime: %lld.%03ld (seconds since epoch), %s]\n",
            (long long)wall->tv_sec, ms, date);
    fprintf(l->f, "#[BaseTime: %lld.%03ld (seconds since epoch)]\n", (long long)wall->tv_sec,
            ms);
    fputs("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
          "\"Interval_Compressed_Histogram\"\n", l->f);
    if (fflush(l->f) != 0)
        fail(l, errno);
}

/* The tag's histogram summed over workers, into l->now. */
static void sum_workers(struct hdr_log *l, const struct sb_header *h, unsigned tag)
{
    hist_init(l->now);
    for (unsigned w = 0; w < h->nworkers; w++) {
        const struct sb_slot *s = sb_slot(h, w);
        hist_add(l->now, tag == HDR_TAG_SERVICE ? &s->latency : &s->intended);
    }
}

/* HdrHistogram's interval max: the highest value equivalent to the top non-empty bucket. */
static uint64_t interval_max_us(const struct hist *d)
{
    for (unsigned i = HIST_LEN; i-- > 0;)
        if (atomic_load_explicit(&d->counts[i], memory_order_relaxed))
            return hist_value_high(i);
    return 0;
}

void hdr_log_interval(struct hdr_log *l, const struct sb_header *h, int64_t now_ns)
{
    if (!l->f)
        return;
    double start = (double)(l->last_ns - l->t0_ns) / 1e9;
    double length = (double)(now_ns - l->last_ns) / 1e9;
    for (unsigned t = 0; t < l->ntags; t++) {
        sum_workers(l, h, t);
        hist_sub(l->diff, l->now, l->prev[t]);
        struct hist *keep = l->prev[t]; /* the sum just taken is the next interval's base */
        l->prev[t] = l->now;
        l->now = keep;
        char *text = hdr_encode(l->diff);
        if (!text) {
            fail(l, ENOMEM);
            continue;
        }
        fprintf(l->f, "Tag=%s,%.3f,%.3f,%.3f,%s\n", tag_names[t], start, length,
                (double)interval_max_us(l->diff) / 1000.0, text);
        free(text);
    }
    l->last_ns = now_ns;
    if (fflush(l->f) != 0)
        fail(l, errno);
}

int hdr_log_close(struct hdr_log *l)
{
    if (l->f) {
        if (fflush(l->f) != 0 || ferror(l->f) || (fsync(fileno(l->f)) < 0 && errno != EINVAL))
            fail(l, errno ? errno : EIO);
        if (fclose(l->f) != 0)
            fail(l, errno);
    }
    l->f = NULL;
    for (unsigned t = 0; t < HDR_NTAGS; t++) {
        free(l->prev[t]);
        l->prev[t] = NULL;
    }
    free(l->now);
    free(l->diff);
    l->now = l->diff = NULL;
    return l->failed ? -1 : 0;
}
