/* local_ips: [run] local_ips, --local-ips, the source addresses clients connect from (k6's
 * --local-ips, Gatling's localAddresses). One address pair has only ~28k ephemeral ports, so
 * many connections to one server need many source addresses. The list is addresses, ranges
 * A-B and CIDR blocks, separated by commas or spaces; client number i (run-wide) connects
 * from address i mod n of the list of the target's family. */
#ifndef STAMPEDE_LOCAL_IPS_H
#define STAMPEDE_LOCAL_IPS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define LOCAL_IPS_MAX 65536 /* a /16: more than any one machine carries */

struct local_ips {
    struct sockaddr_in *v4;  /* in the order written, port 0 */
    size_t n4;
    struct sockaddr_in6 *v6;
    size_t n6;
};

/* Parses text into *out (zeroed first). 0, or -1 with the reason in err (nothing to free). */
int local_ips_parse(const char *text, struct local_ips *out, char *err, size_t errlen);
void local_ips_free(struct local_ips *l);

/* The address client `number` binds to for a target of `family`, and its length; NULL when the
 * list has no address of that family. */
const struct sockaddr *local_ips_pick(const struct local_ips *l, int family, uint64_t number,
                                      socklen_t *len);

#endif
