/* evbase: creating the event loop; see evbase.h. */
#include "evbase.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>

/* libevent's own lines ("[warn] evutil_make_internal_pipe_: pipe: ...") come before the
 * caller's message that says the same in the program's words: keep only its errors, in the
 * program's format. */
static void log_libevent(int severity, const char *msg)
{
    if (severity >= EVENT_LOG_ERR)
        fprintf(stderr, "%s: libevent: %s\n", program_invocation_short_name, msg);
}

struct event_base *evbase_new(void)
{
    event_set_log_callback(log_libevent);
    struct event_config *ec = event_config_new();
    if (!ec)
        return NULL;
    event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER | EVENT_BASE_FLAG_NOLOCK);
    struct event_base *base = event_base_new_with_config(ec);
    int err = errno; /* the caller reports why */
    event_config_free(ec);
    errno = err;
    return base;
}
