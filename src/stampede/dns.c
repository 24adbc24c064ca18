/* dns: c-ares driven by libevent, and the per-worker cache. */
#include "dns.h"

#include <arpa/inet.h>
#include <ares.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "endpoint.h"

#define DNS_TIMEOUT_MS 2000 /* per try; a request's own timeout bounds the whole wait */
#define DNS_TRIES 2

enum entry_state { ENTRY_NEW = 0, ENTRY_PENDING, ENTRY_OK, ENTRY_FAILED };

struct entry {
    char *name;
    int state;
    int64_t expires_ns;            /* 0 = never */
    struct sockaddr_storage addr;
    socklen_t len;
    char error[128];
    struct dns_wait *waiters;
};

struct sock_event {
    ares_socket_t fd;
    struct event *ev;
};

struct dns {
    struct event_base *base;
    ares_channel channel;
    struct event *timer;
    struct sock_event *socks;
    size_t nsocks;
    struct entry *entries;
    size_t nentries, cap;
    int64_t ttl_ns;
};

static void arm_timer(struct dns *d)
{
    struct timeval tv, *t = ares_timeout(d->channel, NULL, &tv);
    if (t)
        event_add(d->timer, t);
    else
        event_del(d->timer);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct dns *d = arg;
    (void)fd;
    (void)what;
    ares_process_fd(d->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    arm_timer(d);
}

static void on_socket(evutil_socket_t fd, short what, void *arg)
{
    struct dns *d = arg;
    ares_process_fd(d->channel, (what & EV_READ) ? fd : ARES_SOCKET_BAD,
                    (what & EV_WRITE) ? fd : ARES_SOCKET_BAD);
    arm_timer(d);
}

/* c-ares tells which sockets to watch; one persistent event per socket. */
static void on_sock_state(void *arg, ares_socket_t fd, int readable, int writable)
{
    struct dns *d = arg;
    size_t i;
    for (i = 0; i < d->nsocks && d->socks[i].fd != fd; i++)
        ;
    if (i < d->nsocks) {
        event_free(d->socks[i].ev);
        d->socks[i] = d->socks[--d->nsocks];
    }
    if (!readable && !writable)
        return;
    struct sock_event *s = realloc(d->socks, (d->nsocks + 1) * sizeof(*s));
    if (!s)
        return;
    d->socks = s;
    short what = (short)(EV_PERSIST | (readable ? EV_READ : 0) | (writable ? EV_WRITE : 0));
    struct event *ev = event_new(d->base, fd, what, on_socket, d);
    if (!ev)
        return;
    event_add(ev, NULL);
    d->socks[d->nsocks].fd = fd;
    d->socks[d->nsocks].ev = ev;
    d->nsocks++;
}

static int add_entry(struct dns *d, const char *name)
{
    if (d->nentries == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        struct entry *e = realloc(d->entries, cap * sizeof(*e));
        if (!e)
            return -1;
        d->entries = e;
        d->cap = cap;
    }
    struct entry *e = &d->entries[d->nentries];
    memset(e, 0, sizeof(*e));
    e->name = strdup(name);
    if (!e->name)
        return -1;
    return (int)d->nentries++;
}

struct dns *dns_new(struct event_base *base, const struct config *cfg, char *err, size_t errlen)
{
    struct dns *d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->base = base;
    d->ttl_ns = cfg->dns_ttl_ns;
    struct ares_options opt = {
        .sock_state_cb = on_sock_state, .sock_state_cb_data = d,
        .timeout = DNS_TIMEOUT_MS, .tries = DNS_TRIES,
    };
    int rc = ares_library_init(ARES_LIB_INIT_ALL);
    if (rc == ARES_SUCCESS)
        rc = ares_init_options(&d->channel, &opt,
                               ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
        free(d);
        return NULL;
    }
    if (cfg->dns_server && (rc = ares_set_servers_ports_csv(d->channel, cfg->dns_server))) {
        snprintf(err, errlen, "dns_server '%s': %s", cfg->dns_server, ares_strerror(rc));
        dns_free(d);
        return NULL;
    }
    d->timer = evtimer_new(base, on_timer, d);
    if (!d->timer) {
        snprintf(err, errlen, "out of memory");
        dns_free(d);
        return NULL;
    }
    for (size_t i = 0; i < cfg->ndns; i++) { /* [dns]: answers known before the run */
        int e = add_entry(d, cfg->dns[i].name);
        if (e < 0 || endpoint_parse_address(cfg->dns[i].address, &d->entries[e].addr, &d->entries[e].len)) {
            snprintf(err, errlen, "[dns] %s: bad address", cfg->dns[i].name);
            dns_free(d);
            return NULL;
        }
        d->entries[e].state = ENTRY_OK;
    }
    return d;
}

void dns_free(struct dns *d)
{
    if (!d)
        return;
    if (d->channel)
        ares_destroy(d->channel); /* calls back pending queries with ARES_EDESTRUCTION */
    for (size_t i = 0; i < d->nsocks; i++)
        event_free(d->socks[i].ev);
    free(d->socks);
    if (d->timer)
        event_free(d->timer);
    for (size_t i = 0; i < d->nentries; i++)
        free(d->entries[i].name);
    free(d->entries);
    free(d);
}

/* The first IPv4 address if there is one (a target on 127.0.0.1 is the common case for a name
 * that also has ::1), else the first address. */
static const struct ares_addrinfo_node *pick(const struct ares_addrinfo *res)
{
    const struct ares_addrinfo_node *n, *first = NULL;
    for (n = res ? res->nodes : NULL; n; n = n->ai_next) {
        if (n->ai_family == AF_INET)
            return n;
        if (!first && n->ai_family == AF_INET6)
            first = n;
    }
    return first;
}

static void on_answer(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    struct dns *d = *(struct dns **)arg;
    size_t i = (size_t)((struct dns **)arg)[1];
    (void)timeouts;
    free(arg);
    if (status == ARES_EDESTRUCTION) {
        ares_freeaddrinfo(res);
        return;
    }
    struct entry *e = &d->entries[i];
    const struct ares_addrinfo_node *n = status == ARES_SUCCESS ? pick(res) : NULL;
    if (n && n->ai_addrlen <= sizeof(e->addr)) {
        memset(&e->addr, 0, sizeof(e->addr));
        memcpy(&e->addr, n->ai_addr, n->ai_addrlen);
        e->len = n->ai_addrlen;
        e->state = ENTRY_OK;
    } else {
        snprintf(e->error, sizeof(e->error), "cannot resolve %s: %s", e->name,
                 status == ARES_SUCCESS ? "no IPv4 or IPv6 address" : ares_strerror(status));
        e->state = ENTRY_FAILED;
    }
    e->expires_ns = d->ttl_ns > 0 ? now_ns() + d->ttl_ns : 0;
    ares_freeaddrinfo(res);
    /* Hand the answer to everyone waiting; a callback may start new lookups (and grow the
     * table), so take the list off the entry first and index the entry again each time. */
    struct dns_wait *w = e->waiters;
    e->waiters = NULL;
    while (w) {
        struct dns_wait *next = w->next;
        w->entry = -1;
        w->next = NULL;
        struct entry *cur = &d->entries[i];
        w->cb(w->arg, cur->state == ENTRY_OK ? &cur->addr : NULL, cur->len,
              cur->state == ENTRY_OK ? NULL : cur->error);
        w = next;
    }
}

/* Copies a finished entry's answer out: 1 for an address, -1 for a failure. */
static int answer(const struct entry *e, struct sockaddr_storage *addr, socklen_t *len,
                  const char **error)
{
    if (e->state == ENTRY_OK) {
        *addr = e->addr;
        *len = e->len;
        return 1;
    }
    *error = e->error;
    return -1;
}

int dns_resolve(struct dns *d, const char *host, struct dns_wait *w,
                struct sockaddr_storage *addr, socklen_t *len, const char **error, int *cached)
{
    size_t i;
    for (i = 0; i < d->nentries && strcasecmp(d->entries[i].name, host) != 0; i++)
        ;
    if (i == d->nentries && add_entry(d, host) < 0) {
        *error = "out of memory";
        return -1;
    }
    struct entry *e = &d->entries[i];
    if ((e->state == ENTRY_OK || e->state == ENTRY_FAILED) && e->expires_ns &&
        e->expires_ns <= now_ns())
        e->state = ENTRY_NEW; /* past dns_ttl: look it up again */
    *cached = e->state == ENTRY_OK || e->state == ENTRY_FAILED;
    if (*cached)
        return answer(e, addr, len, error);
    if (e->state == ENTRY_NEW) { /* nobody asked yet: ask c-ares */
        struct dns **arg = malloc(2 * sizeof(*arg));
        if (!arg) {
            *error = "out of memory";
            return -1;
        }
        arg[0] = d;
        arg[1] = (struct dns *)(uintptr_t)i;
        e->state = ENTRY_PENDING;
        struct ares_addrinfo_hints hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
        ares_getaddrinfo(d->channel, host, NULL, &hints, on_answer, arg);
        arm_timer(d);
        e = &d->entries[i];
        if (e->state != ENTRY_PENDING) /* answered at once (hosts file, bad name) */
            return answer(e, addr, len, error);
    }
    w->entry = (int)i;
    w->next = e->waiters;
    e->waiters = w;
    return 0;
}

void dns_cancel(struct dns *d, struct dns_wait *w)
{
    if (w->entry < 0)
        return;
    struct dns_wait **pp = &d->entries[w->entry].waiters;
    while (*pp && *pp != w)
        pp = &(*pp)->next;
    if (*pp)
        *pp = w->next;
    w->entry = -1;
    w->next = NULL;
}
