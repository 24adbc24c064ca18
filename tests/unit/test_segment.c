/* Tests for segment: --segment and --start-at as written, the shares of a run's things that a
 * segment's workers hold, and the run identity. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ramp.h"
#include "segment.h"

static void test_parse_segment(void **state)
{
    (void)state;
    char err[256];
    unsigned i = 9, n = 9;
    assert_int_equal(segment_parse("0/1", &i, &n, err, sizeof err), 0);
    assert_int_equal(i, 0);
    assert_int_equal(n, 1);
    assert_int_equal(segment_parse("3/4", &i, &n, err, sizeof err), 0);
    assert_int_equal(i, 3);
    assert_int_equal(n, 4);
    static const char *const bad[] = {"2/2", "1/0", "x", "1", "/2", "1/", "-1/2", "1/2x",
                                      "0/70000", " 0/2", NULL};
    for (size_t k = 0; bad[k]; k++) {
        err[0] = '\0';
        assert_int_equal(segment_parse(bad[k], &i, &n, err, sizeof err), -1);
        assert_true(strlen(err) > 0);
    }
    assert_int_equal(segment_parse("2/2", &i, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "0/2 to 1/2"));
}

static void test_parse_time(void **state)
{
    (void)state;
    char err[256];
    int64_t ns;
    const int64_t noon = INT64_C(1796040000) * 1000000000; /* 2026-11-30T12:00:00Z */
    assert_int_equal(segment_parse_time("2026-11-30T12:00:00Z", &ns, err, sizeof err), 0);
    assert_true(ns == noon);
    assert_int_equal(segment_parse_time("2026-11-30t12:00:00.25z", &ns, err, sizeof err), 0);
    assert_true(ns == noon + 250000000);
    assert_int_equal(segment_parse_time("2026-11-30 13:30:00+01:30", &ns, err, sizeof err), 0);
    assert_true(ns == noon);
    assert_int_equal(segment_parse_time("2026-11-30T10:00:00.000000001-02:00", &ns, err,
                                        sizeof err), 0);
    assert_true(ns == noon + 1);
    assert_int_equal(segment_parse_time("@1796040000.5", &ns, err, sizeof err), 0);
    assert_true(ns == noon + 500000000);
    assert_int_equal(segment_parse_time("@1796040000", &ns, err, sizeof err), 0);
    assert_true(ns == noon);
    static const char *const bad[] = {"2026-11-30T12:00:00", "2026-11-30", "2026-02-30T12:00:00Z",
                                      "2026-11-30T24:00:00Z", "2026-11-30T12:00Z", "@", "@1.2.3",
                                      "12:00:00Z", "2026-11-30T12:00:00Zx", "", NULL};
    for (size_t k = 0; bad[k]; k++)
        assert_int_equal(segment_parse_time(bad[k], &ns, err, sizeof err), -1);
}

/* Each segment's share, over every segment, is the whole; and it is what its workers hold. */
static void test_share(void **state)
{
    (void)state;
    struct config c = {0};
    for (unsigned workers = 1; workers <= 3; workers++)
        for (unsigned count = 1; count <= 4; count++)
            for (uint64_t total = 0; total <= 30; total++) {
                uint64_t sum = 0;
                for (unsigned i = 0; i < count; i++) {
                    c.workers = workers;
                    c.segment_index = i;
                    c.segment_count = count;
                    uint64_t share = segment_share(&c, total), held = 0;
                    for (unsigned w = 0; w < workers; w++)
                        held += ramp_worker_clients(total, workers * count,
                                                    ramp_run_worker(i, workers, w));
                    assert_int_equal(share, held);
                    sum += share;
                }
                assert_int_equal(sum, total);
            }
}

static void test_run_id(void **state)
{
    (void)state;
    struct request_spec r = {.name = "home", .method = "GET", .url_text = "http://x/"};
    struct config a = {.workers = 2, .clients = 8, .seed = 1, .segment_count = 2,
                       .requests = &r, .nrequests = 1};
    struct config b = a;
    b.segment_index = 1; /* the same run, another segment */
    b.start_at_ns = 123; /* and when does not matter */
    assert_true(segment_run_id(&a) == segment_run_id(&b));
    b.seed = 2;
    assert_true(segment_run_id(&a) != segment_run_id(&b));
    b = a;
    b.segment_count = 3;
    assert_true(segment_run_id(&a) != segment_run_id(&b));
    struct request_spec q = r;
    q.url_text = "http://y/";
    b = a;
    b.requests = &q;
    assert_true(segment_run_id(&a) != segment_run_id(&b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_segment),
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_share),
        cmocka_unit_test(test_run_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
