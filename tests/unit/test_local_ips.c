/* Tests for local_ips: the list syntax (addresses, ranges, CIDR blocks, both families), its
 * errors, and which address a client number picks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "local_ips.h"

static const char *v4(const struct local_ips *l, size_t i, char *buf)
{
    return inet_ntop(AF_INET, &l->v4[i].sin_addr, buf, INET_ADDRSTRLEN);
}

static const char *v6(const struct local_ips *l, size_t i, char *buf)
{
    return inet_ntop(AF_INET6, &l->v6[i].sin6_addr, buf, INET6_ADDRSTRLEN);
}

static void test_single_and_range(void **state)
{
    (void)state;
    struct local_ips l;
    char err[256], buf[INET6_ADDRSTRLEN];
    assert_int_equal(local_ips_parse("127.0.0.11-127.0.0.14", &l, err, sizeof err), 0);
    assert_int_equal(l.n4, 4);
    assert_int_equal(l.n6, 0);
    assert_string_equal(v4(&l, 0, buf), "127.0.0.11");
    assert_string_equal(v4(&l, 3, buf), "127.0.0.14");
    assert_int_equal(l.v4[0].sin_family, AF_INET);
    assert_int_equal(l.v4[0].sin_port, 0);
    local_ips_free(&l);

    /* commas, spaces, tabs; a range over an octet boundary; one address ranges */
    assert_int_equal(local_ips_parse(" 10.0.0.254-10.0.1.1,127.0.0.5\t127.0.0.7-127.0.0.7 ,",
                                     &l, err, sizeof err), 0);
    assert_int_equal(l.n4, 6);
    assert_string_equal(v4(&l, 1, buf), "10.0.0.255");
    assert_string_equal(v4(&l, 2, buf), "10.0.1.0");
    assert_string_equal(v4(&l, 4, buf), "127.0.0.5");
    assert_string_equal(v4(&l, 5, buf), "127.0.0.7");
    local_ips_free(&l);
}

static void test_cidr(void **state)
{
    (void)state;
    struct local_ips l;
    char err[256], buf[INET6_ADDRSTRLEN];
    /* an IPv4 block leaves out its network and broadcast addresses */
    assert_int_equal(local_ips_parse("127.0.0.0/29", &l, err, sizeof err), 0);
    assert_int_equal(l.n4, 6);
    assert_string_equal(v4(&l, 0, buf), "127.0.0.1");
    assert_string_equal(v4(&l, 5, buf), "127.0.0.6");
    local_ips_free(&l);
    /* /31 and /32 are all hosts */
    assert_int_equal(local_ips_parse("127.0.0.8/31 127.0.0.20/32", &l, err, sizeof err), 0);
    assert_int_equal(l.n4, 3);
    assert_string_equal(v4(&l, 0, buf), "127.0.0.8");
    assert_string_equal(v4(&l, 1, buf), "127.0.0.9");
    assert_string_equal(v4(&l, 2, buf), "127.0.0.20");
    local_ips_free(&l);
    /* the largest block taken */
    assert_int_equal(local_ips_parse("10.1.0.0/16", &l, err, sizeof err), 0);
    assert_int_equal(l.n4, 65534);
    local_ips_free(&l);
    /* IPv6: every address of the block */
    assert_int_equal(local_ips_parse("fd00::/126", &l, err, sizeof err), 0);
    assert_int_equal(l.n6, 4);
    assert_string_equal(v6(&l, 0, buf), "fd00::");
    assert_string_equal(v6(&l, 3, buf), "fd00::3");
    local_ips_free(&l);
}

static void test_ipv6_and_mixed(void **state)
{
    (void)state;
    struct local_ips l;
    char err[256], buf[INET6_ADDRSTRLEN];
    assert_int_equal(local_ips_parse("::1, 127.0.0.2, fd00::ffff-fd00::1:1", &l, err,
                                     sizeof err), 0);
    assert_int_equal(l.n4, 1);
    assert_int_equal(l.n6, 4);
    assert_string_equal(v6(&l, 0, buf), "::1");
    assert_string_equal(v6(&l, 1, buf), "fd00::ffff");
    assert_string_equal(v6(&l, 2, buf), "fd00::1:0");
    assert_string_equal(v6(&l, 3, buf), "fd00::1:1");
    assert_int_equal(l.v6[0].sin6_family, AF_INET6);
    local_ips_free(&l);
}

static void test_pick(void **state)
{
    (void)state;
    struct local_ips l;
    char err[256], buf[INET6_ADDRSTRLEN];
    socklen_t len;
    assert_int_equal(local_ips_parse("127.0.0.11-127.0.0.14", &l, err, sizeof err), 0);
    for (uint64_t i = 0; i < 12; i++) {
        const struct sockaddr *a = local_ips_pick(&l, AF_INET, i, &len);
        assert_non_null(a);
        assert_int_equal(len, sizeof(struct sockaddr_in));
        assert_ptr_equal(a, (const struct sockaddr *)&l.v4[i % 4]);
    }
    assert_string_equal(v4(&l, 1, buf), "127.0.0.12");
    assert_null(local_ips_pick(&l, AF_INET6, 0, &len)); /* no address of that family */
    local_ips_free(&l);
    assert_int_equal(local_ips_parse("::1 fd00::2", &l, err, sizeof err), 0);
    assert_ptr_equal(local_ips_pick(&l, AF_INET6, 3, &len), (const struct sockaddr *)&l.v6[1]);
    assert_int_equal(len, sizeof(struct sockaddr_in6));
    assert_null(local_ips_pick(&l, AF_INET, 0, &len));
    local_ips_free(&l);
}

static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"", "no address"},
        {" , ", "no address"},
        {"localhost", "not an IPv4 or IPv6 address"},
        {"127.0.0.256", "not an IPv4 or IPv6 address"},
        {"127.0.0.1-", "not a range"},
        {"-127.0.0.1", "not a range"},
        {"127.0.0.1-127.0.0.x", "not a range"},
        {"127.0.0.9-127.0.0.2", "is empty"},
        {"::2-::1", "is empty"},
        {"127.0.0.1-::1", "one address family to the other"},
        {"127.0.0.0/33", "not a CIDR block"},
        {"127.0.0.0/", "not a CIDR block"},
        {"127.0.0.0/-1", "not a CIDR block"},
        {"127.0.0.0/2x", "not a CIDR block"},
        {"::/129", "not a CIDR block"},
        {"127.0.0.5/29", "host bits set"},
        {"10.0.0.0/15", "more than 65536"},
        {"fd00::/64", "more than 65536"},
        {"10.0.0.0-10.2.0.0", "more than 65536"},
        {"::-ffff::", "more than 65536"},
        {"10.1.0.0/16 127.0.0.1-127.0.0.3", "more than 65536"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct local_ips l;
        char err[256] = "";
        assert_int_equal(local_ips_parse(bad[i].text, &l, err, sizeof err), -1);
        if (!strstr(err, bad[i].says))
            fail_msg("'%s' said '%s', not '%s'", bad[i].text, err, bad[i].says);
        assert_int_equal(l.n4 + l.n6, 0);
        assert_null(l.v4);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_and_range), cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_ipv6_and_mixed),   cmocka_unit_test(test_pick),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
