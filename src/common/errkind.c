/* errkind: the names of the kinds of failure, in the order of enum errkind. */
#include "errkind.h"

#include <string.h>

const char *const errkind_names[ERR_KIND_COUNT] = {
    "none", "connect_refused", "connect_timeout", "connect_error", "socket_error",
    "timeout", "reset", "closed", "write_error", "read_error", "parse_error",
    "headers_too_large", "dns_error", "tls_error", "aborted", "plugin_error", "check_failed",
    "capture_failed", "unset_variable", "ws_handshake", "ws_protocol",
};

enum errkind errkind_of(const char *name)
{
    int k = 1;
    while (k < ERR_KIND_COUNT && strcmp(errkind_names[k], name) != 0)
        k++;
    return (enum errkind)k;
}
