/* Scoreboard file: layout, permissions, refusal of existing files and links, removal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scoreboard.h"

static char dir[256];
static char path[300];

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    if (snprintf(dir, sizeof(dir), "%s/sbtest.XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
        (int)sizeof(dir))
        return -1;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/run.sb", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    rmdir(dir);
    return 0;
}

static void test_layout(void **state)
{
    (void)state;
    struct scoreboard sb;
    const char *names[] = {"logins", "retries"};
    assert_int_equal(sb_create(&sb, path, 3, 2, 2, names, 0, 2), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal((size_t)st.st_size, sb.size);

    const struct sb_header *h = sb.hdr;
    assert_memory_equal(h->magic, SB_MAGIC, 8);
    assert_int_equal(h->version, SB_VERSION);
    assert_int_equal(h->nworkers, 3);
    assert_int_equal(h->nrequests, 2);
    assert_int_equal(h->nextras, 2);
    assert_int_equal(h->parent_pid, getpid());
    assert_true(h->slot_size >= sizeof(struct sb_slot));
    /* every region lies inside the file and after the previous one */
    assert_true(h->slots_offset >= SB_HEADER_SIZE);
    assert_true(h->reqstats_offset >= h->slots_offset + 3 * (uint64_t)h->slot_size);
    assert_true(h->extra_names_offset >= h->reqstats_offset + 6 * (uint64_t)h->reqstat_size);
    assert_true(h->extras_offset >= h->extra_names_offset + 2 * SB_NAME_MAX);
    assert_true(h->extras_offset + 6 * sizeof(uint64_t) <= h->file_size);
    /* the ranks' rows come last */
    assert_int_equal(h->nranks, 2);
    assert_true(h->rank_size >= sizeof(struct sb_rank));
    assert_true(h->ranks_offset >= h->extras_offset + 6 * sizeof(uint64_t));
    assert_true(h->ranks_offset + 2 * (uint64_t)h->rank_size <= h->file_size);
    sb_add(&sb_rank(h, 1)->t.requests_ok, 7);
    struct sb_rank_totals copy;
    sb_rank_totals_copy(&copy, &sb_rank(h, 1)->t);
    assert_int_equal(sb_get(&copy.requests_ok), 7);
    assert_string_equal(sb_extra_name(h, 0), "logins");
    assert_string_equal(sb_extra_name(h, 1), "retries");

    for (unsigned w = 0; w < 3; w++) {
        struct sb_slot *s = sb_slot(h, w);
        assert_int_equal(atomic_load(&s->exit_code), -1);
        assert_int_equal(sb_get(&s->latency.count), 0);
        assert_true(sb_get(&s->latency.min_ns) == UINT64_MAX);
        sb_add(&s->c.requests_ok, w + 1);
        sb_add(sb_extra(h, w, 1), 10 * (w + 1));
        hist_record(&sb_reqstat(h, w, 1)->latency, 1000);
    }
    struct sb_counters total = {0};
    for (unsigned w = 0; w < 3; w++)
        sb_counters_add(&total, &sb_slot(h, w)->c);
    assert_int_equal(sb_get(&total.requests_ok), 6);
    assert_int_equal(sb_get(sb_extra(h, 2, 1)), 30);
    assert_int_equal(sb_get(sb_extra(h, 2, 0)), 0);
    assert_int_equal(sb_get(&sb_reqstat(h, 2, 1)->latency.count), 1);
    assert_int_equal(sb_get(&sb_reqstat(h, 2, 0)->latency.count), 0);

    sb_close(&sb, 1);
    assert_int_equal(access(path, F_OK), 0); /* kept */
}

static void test_refuses_existing_and_links(void **state)
{
    (void)state;
    struct scoreboard sb;
    int fd = open(path, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(sb_create(&sb, path, 1, 1, 0, NULL, 0, 0), -1);
    unlink(path);

    char target[300];
    snprintf(target, sizeof(target), "%s/elsewhere", dir);
    assert_int_equal(symlink(target, path), 0);
    assert_int_equal(sb_create(&sb, path, 1, 1, 0, NULL, 0, 0), -1);
    assert_int_equal(access(target, F_OK), -1); /* nothing was created through the link */
    unlink(path);
}

static void test_removed_at_close(void **state)
{
    (void)state;
    struct scoreboard sb;
    assert_int_equal(sb_create(&sb, path, 1, 1, 0, NULL, 0, 0), 0);
    sb_close(&sb, 0);
    assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_existing_and_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_removed_at_close, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
