/* evbase: creating the event loop; see evbase.h. */
#include "evbase.h"

#include <event2/event.h>

struct event_base *evbase_new(void)
{
    struct event_config *ec = event_config_new();
    if (!ec)
        return NULL;
    event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER | EVENT_BASE_FLAG_NOLOCK);
    struct event_base *base = event_base_new_with_config(ec);
    event_config_free(ec);
    return base;
}
