/* The viewer's model on a scoreboard made by sb_create and filled by hand: totals and extras
 * summed over workers, rates and interval percentiles from two samples, a finished run frozen,
 * the frames' text and JSON, and number formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scoreboard.h"
#include "top_batch.h"
#include "top_fmt.h"
#include "top_model.h"
#include "top_sb.h"
#include "units.h"

static char dir[256];
static char path[300];
static struct scoreboard sb;

static int setup(void **state)
{
    const char *names[] = {"logins", "retries"};
    (void)state;
    const char *tmp = getenv("TMPDIR");
    if (snprintf(dir, sizeof(dir), "%s/topmodel.XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
        (int)sizeof(dir))
        return -1;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/run.sb", dir);
    return sb_create(&sb, path, 2, 1, 2, names, 0, 0);
}

static int teardown(void **state)
{
    (void)state;
    sb_close(&sb, 0);
    rmdir(dir);
    return 0;
}

/* One finished request on worker w. */
static void finish(unsigned w, int status, int64_t latency_ns)
{
    struct sb_slot *s = sb_slot(sb.hdr, w);
    sb_add(&s->c.requests_started, 1);
    sb_add(status < 400 ? &s->c.requests_ok : &s->c.requests_failed, 1);
    sb_add(&s->c.status[status], 1);
    sb_add(&s->c.status_class[status / 100], 1);
    sb_add(&s->c.bytes_received, 100);
    sb_add(&s->c.bytes_sent, 50);
    hist_record(&s->latency, (uint64_t)latency_ns);
}

static void test_sample(void **state)
{
    (void)state;
    struct top_sb tsb;
    struct top_model m;
    char err[256];
    struct sb_header *h = sb.hdr;

    strcpy(h->config_name, "demo.ini");
    h->planned_clients = 4;
    h->duration_ns = 10000000000LL;
    atomic_store(&h->t0_ns, now_ns() - 1000000000LL);
    atomic_store(&h->run_state, SB_RUN_RUNNING);
    for (unsigned w = 0; w < 2; w++) {
        struct sb_slot *s = sb_slot(h, w);
        atomic_store(&s->pid, 1000 + (int)w);
        atomic_store(&s->state, SB_WORKER_RUNNING);
        sb_add(&s->clients, 2);
        sb_add(&s->c.clients_started, 2);
        sb_add(&s->c.clients_active, 2);
    }
    for (int i = 0; i < 100; i++)
        finish(0, 200, 1000000); /* 100 x 1 ms on worker 0 */
    finish(1, 503, 5000000);
    sb_add(&sb_slot(h, 1)->c.requests_started, 1); /* one in flight */
    sb_add(sb_extra(h, 0, 0), 3);
    sb_add(sb_extra(h, 1, 0), 4);
    sb_add(sb_extra(h, 1, 1), 1);

    assert_int_equal(top_sb_open(&tsb, path, err, sizeof(err)), TOP_SB_OK);
    assert_int_equal(tsb.nworkers, 2);
    assert_int_equal(top_model_init(&m, &tsb), 0);
    assert_int_equal(top_model_sample(&m), 0);

    assert_string_equal(m.config_name, "demo.ini");
    assert_int_equal(m.run_state, SB_RUN_RUNNING);
    assert_int_equal(m.planned_clients, 4);
    assert_true(m.elapsed_s >= 1.0 && m.elapsed_s < 5.0);
    assert_true(m.left_s > 5.0 && m.left_s <= 9.0);
    assert_int_equal(m.total.ok, 100);
    assert_int_equal(m.total.failed, 1);
    assert_int_equal(m.total.started, 102);
    assert_int_equal(m.total.in_flight, 1);
    assert_int_equal(m.total.clients_started, 4);
    assert_int_equal(m.rows[0].ok, 100);
    assert_int_equal(m.rows[1].failed, 1);
    assert_int_equal(m.rows[1].pid, 1001);
    assert_int_equal(sb_get(&m.c.status[503]), 1);
    assert_int_equal(sb_get(&m.c.status_class[2]), 100);
    assert_string_equal(m.extra_names[0], "logins");
    assert_int_equal(m.extras[0], 7);
    assert_int_equal(m.extras[1], 1);
    /* the first interval is the run so far: about a second */
    assert_true(m.interval_s >= 1.0 && m.interval_s < 5.0);
    assert_true(m.total.rps > 101 / 5.0 && m.total.rps <= 101.0);
    assert_int_equal(m.run.count, 101);
    assert_int_equal(m.run.p50_us / 10, 100); /* 1 ms, to the bucket */

    /* The next interval holds only what happened since: 10 slow requests on worker 1. */
    for (int i = 0; i < 10; i++)
        finish(1, 200, 20000000);
    assert_int_equal(top_model_sample(&m), 0);
    assert_int_equal(m.rows[1].ival_count, 10);
    assert_int_equal(m.rows[1].p50_us / 100, 200); /* 20 ms, not the run's 1 ms */
    assert_int_equal(m.rows[0].ival_count, 0);
    assert_int_equal(m.ival.count, 10);
    assert_true(m.ival.min_us >= 19900); /* the interval's own min, not the run's 1 ms */
    assert_true(m.rows[0].rps == 0);
    assert_true(m.rows[1].rps > 0);
    assert_int_equal(m.run.count, 111);

    /* Sorting: by ok, largest first; reversed; by worker. */
    unsigned order[2];
    top_model_sort(&m, TOP_COL_OK, 0, order);
    assert_int_equal(order[0], 0);
    top_model_sort(&m, TOP_COL_OK, 1, order);
    assert_int_equal(order[0], 1);
    top_model_sort(&m, TOP_COL_P50, 0, order);
    assert_int_equal(order[0], 1);
    top_model_sort(&m, TOP_COL_WORKER, 0, order);
    assert_int_equal(order[0], 0);

    /* Frames: text and one-line JSON carry the same totals and the extras by name. */
    struct top_view v = {.path = path, .delay_s = 1, .sort = TOP_COL_WORKER};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(top_batch_json(f, &m, &v, 2), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\"state\":\"running\""));
    assert_non_null(strstr(buf, "\"ok\":110,\"failed\":1,"));
    assert_non_null(strstr(buf, "\"extras\":{\"logins\":7,\"retries\":1}"));
    assert_non_null(strstr(buf, "\"status\":{\"200\":110,\"503\":1}"));
    assert_non_null(strstr(buf, "\"5xx\":1,"));
    assert_ptr_equal(strchr(buf, '\n'), buf + len - 1);
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(top_batch_text(f, &m, &v), 0);
    fclose(f);
    assert_non_null(strstr(buf, "stampede-top  demo.ini  parent"));
    assert_non_null(strstr(buf, "extras    logins 7 retries 1"));
    assert_non_null(strstr(buf, "5xx 1"));
    free(buf);

    /* Done: counters are final, and later samples keep the last interval. */
    atomic_store(&h->end_ns, now_ns());
    atomic_store(&h->run_state, SB_RUN_DONE);
    assert_int_equal(top_model_sample(&m), 0);
    assert_int_equal(m.run_state, SB_RUN_DONE);
    assert_true(m.left_s == 0);
    double rps = m.total.rps;
    uint64_t ival = m.ival.count;
    assert_int_equal(top_model_sample(&m), 0);
    assert_true(m.total.rps == rps);
    assert_int_equal(m.ival.count, ival);

    top_model_free(&m);
    top_sb_close(&tsb);
}

/* stampede-mpi's rank 0: a row per rank in the model, the text frame and the JSON frame. */
static void test_ranks(void **state)
{
    (void)state;
    char rpath[320], err[256];
    struct scoreboard rsb;
    struct top_sb tsb;
    struct top_model m;
    snprintf(rpath, sizeof(rpath), "%s/ranks.sb", dir);
    assert_int_equal(sb_create(&rsb, rpath, 1, 1, 0, NULL, 0, 2), 0);
    struct sb_header *h = rsb.hdr;
    h->cluster_rank = 0;
    h->cluster_size = 2;
    atomic_store(&h->t0_ns, now_ns() - 1000000000LL);
    atomic_store(&h->run_state, SB_RUN_RUNNING);
    for (unsigned r = 0; r < 2; r++) {
        struct sb_rank *k = sb_rank(h, r);
        snprintf(k->host, sizeof(k->host), "load%u", r);
        atomic_store(&k->state, r ? SB_RANK_LOST : SB_RANK_RUNNING);
        atomic_store(&k->updated_ns, now_ns());
        sb_add(&k->updates, 3);
        sb_add(&k->t.requests_started, 101 + r);
        sb_add(&k->t.requests_ok, 100 + r);
        sb_add(&k->t.rps_milli, 50500);
        sb_add(&k->t.p99_us, 1500);
    }
    assert_int_equal(top_sb_open(&tsb, rpath, err, sizeof(err)), TOP_SB_OK);
    assert_int_equal(top_model_init(&m, &tsb), 0);
    assert_int_equal(top_model_sample(&m), 0);
    assert_int_equal(m.nranks, 2);
    assert_int_equal(m.ranks[1].ok, 101);
    assert_int_equal(m.ranks[1].in_flight, 1);
    assert_int_equal(m.ranks[1].state, SB_RANK_LOST);
    assert_string_equal(m.ranks[1].host, "load1");
    assert_true(m.ranks[0].rps == 50.5);

    struct top_view v = {.path = rpath, .delay_s = 1, .sort = TOP_COL_WORKER};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(top_batch_text(f, &m, &v), 0);
    fclose(f);
    assert_non_null(strstr(buf, "rank 0 of 2 (every rank below)"));
    assert_non_null(strstr(buf, "\nranks\nRANK HOST"));
    assert_non_null(strstr(buf, "\n   1 load1                lost            102        101"));
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(top_batch_json(f, &m, &v, 1), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\"cluster\":{\"rank\":0,\"size\":2},\"ranks\":[{\"rank\":0,"
                                "\"host\":\"load0\",\"state\":\"running\",\"updates\":3,"));
    assert_non_null(strstr(buf, "\"requests\":{\"total\":101,\"started\":102,\"ok\":101,\"failed\":0,"
                                "\"in_flight\":1},\"rps\":50.500,\"latency_us\":{\"p50\":0,"
                                "\"p99\":1500}}]}\n"));
    free(buf);
    top_model_free(&m);
    top_sb_close(&tsb);
    sb_close(&rsb, 0);
}

static void test_truncated_under_the_mapping(void **state)
{
    (void)state;
    struct top_sb tsb;
    struct top_model m;
    char err[256];
    atomic_store(&sb.hdr->run_state, SB_RUN_RUNNING);
    assert_int_equal(top_sb_open(&tsb, path, err, sizeof(err)), TOP_SB_OK);
    assert_int_equal(top_model_init(&m, &tsb), 0);
    assert_int_equal(top_model_sample(&m), 0);
    uint64_t ok = m.total.ok;
    assert_int_equal(truncate(path, 8192), 0);
    assert_int_equal(top_model_sample(&m), -1);
    assert_int_equal(m.total.ok, ok); /* the last good values stay */
    assert_int_equal(truncate(path, (off_t)sb.size), 0);
    top_model_free(&m);
    top_sb_close(&tsb);
}

static void test_format(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(top_fmt_count(12345, 10, b, sizeof(b)), "12345");
    assert_string_equal(top_fmt_count(1234567, 5, b, sizeof(b)), "1.23M");
    assert_string_equal(top_fmt_rate(1234.56, b, sizeof(b)), "1234.6");
    assert_string_equal(top_fmt_rate(82613.4, b, sizeof(b)), "82.6k");
    assert_string_equal(top_fmt_bytes(950, b, sizeof(b)), "950");
    assert_string_equal(top_fmt_bytes(1536, b, sizeof(b)), "1.50K");
    assert_string_equal(units_format_bytes(40002842, b, sizeof(b)), "38.1 MiB");
    assert_string_equal(units_format_bytes(12, b, sizeof(b)), "12 B");
    assert_string_equal(units_format_us(92, b, sizeof(b)), "92us");
    assert_string_equal(units_format_us(12186, b, sizeof(b)), "12.2ms");
    assert_string_equal(top_fmt_elapsed(9.84, b, sizeof(b)), "9.8s");
    assert_string_equal(top_fmt_elapsed(125, b, sizeof(b)), "2m05s");
    assert_string_equal(top_fmt_elapsed(3723, b, sizeof(b)), "1h02m03s");
    assert_string_equal(top_fmt_elapsed(-1, b, sizeof(b)), "0.0s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_ranks),
        cmocka_unit_test(test_truncated_under_the_mapping),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
