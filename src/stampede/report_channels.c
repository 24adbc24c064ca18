/* report_channels: merging and printing the channels' counters. */
#include "report_channels.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "errkind.h"
#include "units.h"

static struct sb_channels *channels_new(void)
{
    struct sb_channels *ch = calloc(1, sizeof *ch);
    if (ch)
        hist_init(&ch->latency);
    return ch;
}

int report_channels_collect(struct summary *s, const struct sb_header *h)
{
    if (!(s->channels = channels_new()) ||
        !(s->channels_by_request = calloc(h->nrequests + 1, sizeof *s->channels_by_request)))
        return -1;
    for (unsigned r = 0; r < h->nrequests; r++)
        if (!(s->channels_by_request[r] = channels_new()))
            return -1;
    for (unsigned w = 0; w < h->nworkers; w++) {
        sb_channels_add(s->channels, &sb_slot(h, w)->chan);
        for (unsigned r = 0; r < h->nrequests; r++)
            sb_channels_add(s->channels_by_request[r], &sb_reqstat(h, w, r)->chan);
    }
    return 0;
}

void report_channels_free(struct summary *s)
{
    for (size_t r = 0; s->channels_by_request && r < s->nrequests; r++)
        free(s->channels_by_request[r]);
    free(s->channels_by_request);
    free(s->channels);
    s->channels_by_request = NULL;
    s->channels = NULL;
}

static int request_is_channel(const struct summary *s, size_t r)
{
    if (s->cfg && r < s->cfg->nrequests)
        return s->cfg->requests[r].url.channel;
    const struct sb_channels *ch = s->channels_by_request[r];
    return sb_get(&ch->opened) || sb_get(&ch->failed);
}

int report_has_channels(const struct summary *s)
{
    if (!s->channels)
        return 0;
    for (size_t r = 0; r < s->nrequests; r++)
        if (request_is_channel(s, r))
            return 1;
    return 0;
}

static double per_s(const struct summary *s, uint64_t n)
{
    return s->duration_s > 0 ? (double)n / s->duration_s : 0;
}

/* 12.3 kbit/s, as network people read a bandwidth */
static const char *format_bits(double bytes_per_s, char *buf, size_t len)
{
    static const char *const suffix[7] = {"", "k", "M", "G", "T", "P", "E"};
    char v[24];
    units_format_scaled(bytes_per_s * 8, 1000, suffix, v, sizeof v);
    snprintf(buf, len, "%.20sbit/s", v);
    return buf;
}

static int has_close_codes(const struct sb_channels *ch)
{
    for (unsigned i = 0; i < SB_CLOSE_CODES; i++)
        if (sb_get(&ch->close_codes[i]))
            return 1;
    return 0;
}

/* The close frames the peers sent, by status code: "1000 x12, 1001 x3", or in JSON
 * "\"1000\":12,\"1001\":3". */
static void print_close_codes(FILE *f, const struct sb_channels *ch, int json)
{
    char name[SB_CLOSE_NAME_MAX];
    for (unsigned i = 0, first = 1; i < SB_CLOSE_CODES; i++)
        if (sb_get(&ch->close_codes[i])) {
            fprintf(f, json ? "%s\"%s\":%" PRIu64 : "%s%s x%" PRIu64,
                    first ? "" : json ? "," : ", ", sb_close_code_name(i, name),
                    sb_get(&ch->close_codes[i]));
            first = 0;
        }
}

void report_channels_print(FILE *f, const struct summary *s)
{
    const struct sb_channels *ch = s->channels;
    if (!report_has_channels(s))
        return;
    uint64_t ms = sb_get(&ch->messages_sent), mr = sb_get(&ch->messages_received);
    uint64_t bs = sb_get(&ch->bytes_sent), br = sb_get(&ch->bytes_received);
    char a[32], b[32], c[32], d[32];
    fprintf(f, "  channels  %" PRIu64 " opened, %" PRIu64 " failed, %" PRIu64
               " closed by the peer\n",
            sb_get(&ch->opened), sb_get(&ch->failed), sb_get(&ch->closed_by_peer));
    for (int k = 1; k < ERR_KIND_COUNT; k++) {
        if (!sb_get(&ch->failed_kind[k]))
            continue;
        fprintf(f, "            failed %s: %" PRIu64, errkind_names[k],
                sb_get(&ch->failed_kind[k]));
        if (s->reasons[k] && s->reasons[k][0]) /* the reason seen most, requests' included */
            fprintf(f, " (%s)", s->reasons[k]);
        fputc('\n', f);
    }
    if (has_close_codes(ch)) {
        fprintf(f, "            close codes received: ");
        print_close_codes(f, ch, 0);
        fputc('\n', f);
    }
    fprintf(f, "  messages  %" PRIu64 " sent (%.1f/s), %" PRIu64 " received (%.1f/s)\n", ms,
            per_s(s, ms), mr, per_s(s, mr));
    fprintf(f, "  bandwidth %s sent (up %s), %s received (down %s)\n",
            units_format_bytes((double)bs, a, sizeof a), format_bits(per_s(s, bs), b, sizeof b),
            units_format_bytes((double)br, c, sizeof c), format_bits(per_s(s, br), d, sizeof d));
    if (ch->latency.count)
        report_latency_line(f, "message", &ch->latency);
}

int report_channels_print_request(FILE *f, const struct summary *s, size_t r)
{
    if (!s->channels || !request_is_channel(s, r))
        return 0;
    const struct sb_channels *q = s->channels_by_request[r];
    char p50[32], p99[32];
    fprintf(f, "  %-16s %10" PRIu64 " channels (%" PRIu64 " failed), %" PRIu64
               " messages sent, %" PRIu64 " received",
            s->requests[r].name, sb_get(&q->opened), sb_get(&q->failed),
            sb_get(&q->messages_sent), sb_get(&q->messages_received));
    if (has_close_codes(q)) {
        fprintf(f, ", closes ");
        print_close_codes(f, q, 0);
    }
    if (q->latency.count)
        fprintf(f, "  p50 %s  p99 %s",
                units_format_us((double)hist_percentile_us(&q->latency, 50), p50, sizeof p50),
                units_format_us((double)hist_percentile_us(&q->latency, 99), p99, sizeof p99));
    fputc('\n', f);
    return 1;
}

void report_channels_json(FILE *f, const struct summary *s, long r)
{
    const struct sb_channels *ch = r < 0 ? s->channels : s->channels_by_request[r];
    uint64_t ms = sb_get(&ch->messages_sent), mr = sb_get(&ch->messages_received);
    uint64_t bs = sb_get(&ch->bytes_sent), br = sb_get(&ch->bytes_received);
    fprintf(f, "\"channels\":{\"opened\":%" PRIu64 ",\"failed\":%" PRIu64
               ",\"closed_by_peer\":%" PRIu64 ",\"failed_by_kind\":{",
            sb_get(&ch->opened), sb_get(&ch->failed), sb_get(&ch->closed_by_peer));
    for (int k = 1, first = 1; k < ERR_KIND_COUNT; k++)
        if (sb_get(&ch->failed_kind[k])) {
            fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",", errkind_names[k],
                    sb_get(&ch->failed_kind[k]));
            first = 0;
        }
    fprintf(f, "},\"close_codes_received\":{");
    print_close_codes(f, ch, 1);
    fprintf(f, "},\"messages_sent\":%" PRIu64 ",\"messages_received\":%" PRIu64
               ",\"bytes_sent\":%" PRIu64 ",\"bytes_received\":%" PRIu64
               ",\"messages_sent_per_s\":%.3f,\"messages_received_per_s\":%.3f"
               ",\"bits_sent_per_s\":%.0f,\"bits_received_per_s\":%.0f,\"message_latency_us\":",
            ms, mr, bs, br, per_s(s, ms), per_s(s, mr), per_s(s, bs) * 8, per_s(s, br) * 8);
    report_json_latency(f, &ch->latency);
    fputc('}', f);
}
