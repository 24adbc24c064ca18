/* top_batch: batch-mode frames; see top_batch.h. */
#include "top_batch.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "errkind.h"
#include "json.h"

/* Wide enough for every column; text frames are for logs, not for a terminal's width. */
#define BATCH_WIDTH 200

int top_batch_text(FILE *f, const struct top_model *m, const struct top_view *v)
{
    char line[1024];
    unsigned cols = top_text_columns(BATCH_WIDTH);
    int sort_at, sort_len;
    unsigned *order = malloc((m->nworkers ? m->nworkers : 1) * sizeof(*order));
    if (!order)
        return -1;
    top_model_sort(m, v->sort, v->reverse, order);

    top_text_title(line, sizeof(line), m);
    fprintf(f, "%s\n", line);
    top_text_clients(line, sizeof(line), m);
    fprintf(f, "%s\n", line);
    top_text_requests(line, sizeof(line), m, v);
    fprintf(f, "%s\n", line);
    top_text_table_head(line, sizeof(line), cols, v, &sort_at, &sort_len);
    fprintf(f, "%s\n", line);
    for (unsigned i = 0; i < m->nworkers; i++) {
        top_text_table_row(line, sizeof(line), cols, &m->rows[order[i]]);
        fprintf(f, "%s\n", line);
    }
    free(order);
    top_text_table_row(line, sizeof(line), cols, &m->total);
    fprintf(f, "%s\n", line);
    top_text_status(line, sizeof(line), m);
    fprintf(f, "%s\n", line);
    top_text_errors(line, sizeof(line), m);
    fprintf(f, "%s\n", line);
    top_text_latency(line, sizeof(line), m, 0);
    fprintf(f, "%s\n", line);
    top_text_latency(line, sizeof(line), m, 1);
    fprintf(f, "%s\n", line);
    if (top_text_intended(line, sizeof(line), m))
        fprintf(f, "%s\n", line);
    if (top_text_sequences(line, sizeof(line), m))
        fprintf(f, "%s\n", line);
    top_text_conns(line, sizeof(line), m);
    fprintf(f, "%s\n", line);
    top_text_generator(line, sizeof(line), m);
    fprintf(f, "%s\n", line);
    if (top_text_extras(line, sizeof(line), m))
        fprintf(f, "%s\n", line);
    if (m->nranks) {
        top_text_ranks_head(line, sizeof(line));
        fprintf(f, "ranks\n%s\n", line);
        for (unsigned r = 0; r < m->nranks; r++) {
            top_text_rank_row(line, sizeof(line), &m->ranks[r]);
            fprintf(f, "%s\n", line);
        }
    }
    top_text_note(line, sizeof(line), m, v);
    if (line[0])
        fprintf(f, "note      %s\n", line);
    fputc('\n', f);
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

/* JSON has no NaN or infinity; a rate is never either, but a corrupted file is no reason to
 * print invalid JSON. */
static double json_num(double v)
{
    return isfinite(v) ? v : 0;
}

static void json_latency(FILE *f, const struct top_latency *l)
{
    fprintf(f, "{\"count\":%" PRIu64 ",\"mean\":%.3f,\"min\":%" PRIu64 ",\"p50\":%" PRIu64
               ",\"p90\":%" PRIu64 ",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64 "}",
            l->count, json_num(l->mean_us), l->min_us, l->p50_us, l->p90_us, l->p99_us, l->p999_us,
            l->max_us);
}

/* The generator's health: lag over the run so far (arrivals counted, p99), CPU as % of one
 * core in the interval and over the run. */
static void json_generator(FILE *f, const struct top_row *r)
{
    fprintf(f, "\"generator\":{\"lag_count\":%" PRIu64 ",\"lag_p99_us\":%" PRIu64
               ",\"cpu_percent\":%.1f,\"cpu_run_percent\":%.1f}",
            r->lag_count, r->lag_p99_us, json_num(r->cpu_pct), json_num(r->cpu_run_pct));
}

static void json_worker(FILE *f, const struct top_row *r)
{
    fprintf(f, "{\"index\":%" PRIu32 ",\"pid\":%d,\"state\":\"%s\",\"exit_code\":%d,\"signal\":%d,",
            r->index, r->pid, top_worker_state_name(r->state), r->exit_code, r->term_signal);
    fprintf(f, "\"clients\":{\"planned\":%" PRIu64 ",\"started\":%" PRIu64 ",\"active\":%" PRIu64
               "},",
            r->clients_planned, r->clients_started, r->clients_active);
    fprintf(f, "\"requests\":{\"started\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"failed\":%" PRIu64
               ",\"in_flight\":%" PRIu64 "},",
            r->started, r->ok, r->failed, r->in_flight);
    fprintf(f, "\"rps\":%.3f,\"failed_ps\":%.3f,\"in_bps\":%.1f,\"out_bps\":%.1f,",
            json_num(r->rps), json_num(r->failed_ps), json_num(r->in_bps), json_num(r->out_bps));
    fprintf(f, "\"latency_us\":{\"count\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p99\":%" PRIu64 "},",
            r->ival_count, r->p50_us, r->p99_us);
    json_generator(f, r);
    fputc('}', f);
}

/* stampede-mpi: where this run is in its cluster, and on rank 0 every rank's row. */
static void json_cluster(FILE *f, const struct top_model *m)
{
    fprintf(f, ",\"cluster\":{\"rank\":%u,\"size\":%u},\"ranks\":[", m->cluster_rank,
            m->cluster_size);
    for (unsigned i = 0; i < m->nranks; i++) {
        const struct top_rank *r = &m->ranks[i];
        fprintf(f, "%s{\"rank\":%u,\"host\":", i ? "," : "", r->rank);
        json_string(f, r->host);
        fprintf(f, ",\"state\":\"%s\",\"updates\":%" PRIu64 ",\"age_s\":%.3f,\"workers\":%"
                   PRIu64 ",\"clients_active\":%" PRIu64 ",\"requests\":{\"total\":%" PRIu64
                   ",\"started\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"failed\":%" PRIu64 ",\"in_flight\":%" PRIu64 "},"
                   "\"rps\":%.3f,\"latency_us\":{\"p50\":%" PRIu64 ",\"p99\":%" PRIu64 "}}",
                top_rank_state_name(r->state), r->updates, json_num(r->age_s), r->workers,
                r->clients_active, r->ok + r->failed, r->started, r->ok, r->failed, r->in_flight,
                json_num(r->rps), r->p50_us, r->p99_us);
    }
    fputc(']', f);
}

int top_batch_json(FILE *f, const struct top_model *m, const struct top_view *v, unsigned frame)
{
    const struct sb_counters *c = &m->c;
    const struct top_row *t = &m->total;

    fprintf(f, "{\"frame\":%u,\"path\":", frame);
    json_string(f, v->path);
    fputs(",\"config\":", f);
    json_string(f, m->config_name);
    fprintf(f, ",\"parent_pid\":%d,\"state\":\"%s\",\"elapsed_s\":%.3f,", m->parent_pid,
            top_run_state_name(m->run_state), json_num(m->elapsed_s));
    if (m->left_s >= 0)
        fprintf(f, "\"left_s\":%.3f,", json_num(m->left_s));
    else
        fputs("\"left_s\":null,", f);
    fprintf(f, "\"interval_s\":%.3f,\"removed\":%s,\"truncated\":%s,\"parent_gone\":%s,",
            json_num(m->interval_s), v->removed ? "true" : "false",
            v->truncated ? "true" : "false", m->parent_gone ? "true" : "false");
    fprintf(f, "\"clients\":{\"planned\":%" PRIu64 ",\"started\":%" PRIu64 ",\"active\":%" PRIu64
               "},",
            m->planned_clients, t->clients_started, t->clients_active);
    if (m->open_model)
        fprintf(f, "\"clients_grown\":%" PRIu64 ",", m->clients_grown);
    fprintf(f, "\"requests\":{\"total\":%" PRIu64 ",\"started\":%" PRIu64 ",\"ok\":%" PRIu64
               ",\"failed\":%" PRIu64 ",\"in_flight\":%" PRIu64 "},",
            t->ok + t->failed, t->started, t->ok, t->failed, t->in_flight);
    fprintf(f, "\"rps\":%.3f,\"failed_ps\":%.3f,", json_num(t->rps), json_num(t->failed_ps));
    fprintf(f, "\"bytes\":{\"sent\":%" PRIu64 ",\"received\":%" PRIu64 ",\"in_bps\":%.1f,"
               "\"out_bps\":%.1f},",
            sb_get(&c->bytes_sent), sb_get(&c->bytes_received), json_num(t->in_bps),
            json_num(t->out_bps));
    /* Only kinds and codes that happened, as in the summary's JSON, so the two compare as
     * they are. */
    fputs("\"errors\":", f);
    json_error_counts(f, c);
    fputs(",\"status_classes\":{", f);
    for (int k = 1; k <= 5; k++)
        fprintf(f, "\"%dxx\":%" PRIu64 ",", k, sb_get(&c->status_class[k]));
    fprintf(f, "\"other\":%" PRIu64 "},\"status\":", sb_get(&c->status_class[0]));
    json_status_counts(f, c);
    fputs(",\"latency_us\":{\"total\":", f);
    json_latency(f, &m->run);
    fputs(",\"interval\":", f);
    json_latency(f, &m->ival);
    if (m->open_model) { /* from each arrival's due time: only a run with a rate has them */
        fputs("},\"latency_intended_us\":{\"total\":", f);
        json_latency(f, &m->intended_run);
        fputs(",\"interval\":", f);
        json_latency(f, &m->intended_ival);
    }
    fprintf(f, "},\"connections\":{\"opened\":%" PRIu64 ",\"reused\":%" PRIu64
               ",\"retried\":%" PRIu64 "},",
            sb_get(&c->conn_opened), sb_get(&c->conn_reused), sb_get(&c->conn_retried));
    json_generator(f, t);
    fprintf(f, ",\"sequences\":{\"repetitions_planned\":%" PRIu64 ",\"repetitions_done\":%" PRIu64
               ",\"steps_planned\":%" PRIu64 ",\"steps_done\":%" PRIu64
               ",\"failed_checks\":%" PRIu64 "}",
            m->seq.reps_planned, m->seq.reps_done, m->seq.steps_planned, m->seq.steps_done,
            sb_get(&c->errors[ERR_CHECK_FAILED]));
    fprintf(f, ",\"channels\":{\"opened\":%" PRIu64 ",\"open\":%" PRIu64 ",\"failed\":%" PRIu64
               ",\"closed_by_peer\":%" PRIu64 ",\"messages_sent\":%" PRIu64
               ",\"messages_received\":%" PRIu64 ",\"bytes_sent\":%" PRIu64
               ",\"bytes_received\":%" PRIu64 "}",
            m->chan.opened, m->chan.open_now, m->chan.failed, m->chan.closed_by_peer,
            m->chan.messages_sent, m->chan.messages_received, m->chan.bytes_sent,
            m->chan.bytes_received);
    fprintf(f, ",\"dns\":{\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 "},\"extras\":{",
            sb_get(&c->dns_hits), sb_get(&c->dns_misses));
    for (unsigned i = 0; i < m->nextras; i++) {
        fputs(i ? "," : "", f);
        json_string(f, m->extra_names[i]);
        fprintf(f, ":%" PRIu64, m->extras[i]);
    }
    fputs("},\"workers\":[", f);
    for (unsigned w = 0; w < m->nworkers; w++) {
        fputs(w ? "," : "", f);
        json_worker(f, &m->rows[w]);
    }
    fputc(']', f);
    if (m->cluster_size)
        json_cluster(f, m);
    fputs("}\n", f);
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
