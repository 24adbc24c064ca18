/*
 * target_conn: a stampede-target connection's socket and life cycle: accept to close, reads,
 * writes, events and timers. What the bytes mean is target_exchange.c's business.
 *
 * It writes right after the exchange has produced output and waits for EV_WRITE only when
 * the socket is full, so a keep-alive request costs one read() and one writev() and no
 * epoll_ctl(). Input stops being read at IN_CAP; the exchange stops producing at OUT_HIGH.
 * A TLS connection goes through target_tls.c for its reads, writes and close; the plain
 * path only tests c->ssl.
 */
#include "target_conn_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "target_tcp.h"
#include "target_tls.h"
#include "target_ws.h"

#define READ_CHUNK 65536 /* asked of one read() */
#define LINGER_MS 2000   /* discard input this long after a close */
#define WRITE_ROUNDS 8   /* produce-and-write rounds per wake-up */

static void conn_free(struct target_conn *c)
{
    struct target_server *srv = c->srv;

    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    if (c->rev != NULL)
        event_free(c->rev);
    if (c->wev != NULL)
        event_free(c->wev);
    if (c->timer != NULL)
        event_free(c->timer);
    if (c->in != NULL)
        evbuffer_free(c->in);
    if (c->out != NULL)
        evbuffer_free(c->out);
    if (c->extra != NULL)
        evbuffer_free(c->extra);
    if (c->session_body != NULL)
        evbuffer_free(c->session_body);
    if (c->ssl != NULL)
        tls_conn_free(c);
    if (c->ws != NULL)
        ws_free(c);
    close(c->fd);
    if (c->tcp != NULL)
        c->tcp->open--;
    else
        srv->stats.open--;
    free(c);
}

void conn_close_all(struct target_server *srv)
{
    while (srv->conns != NULL)
        conn_free(srv->conns);
}

static void conn_update_events(struct target_conn *c)
{
    bool want_read = !c->eof && (c->state >= ST_CLOSING || evbuffer_get_length(c->in) < IN_CAP);
    bool want_write = evbuffer_get_length(c->out) > 0;

    if (c->ssl != NULL) {
        want_read = want_read || (c->tls_want_read && !c->eof);
        want_write = want_write || c->tls_want_write;
        /* Input OpenSSL has already taken off the socket wakes nobody: go on reading it
         * in the next turn of the loop, now that there is room. */
        if (c->tls_stalled && c->state < ST_CLOSING && want_read) {
            c->tls_stalled = false;
            event_active(c->rev, EV_READ, 0);
        }
    }
    if (want_read != c->reading) {
        if (want_read)
            event_add(c->rev, NULL);
        else
            event_del(c->rev);
        c->reading = want_read;
    }
    if (want_write != c->writing) {
        if (want_write)
            event_add(c->wev, NULL);
        else
            event_del(c->wev);
        c->writing = want_write;
    }
}

/* Runs the connection as far as it goes; frees it if it is done. Callers return after it. */
static void conn_run(struct target_conn *c)
{
    for (int round = 0;; round++) {
        if (c->state == ST_TCP)
            tcp_process(c);
        else if (c->state == ST_WS)
            ws_process(c);
        else
            exchange_process(c);
        if (c->state == ST_DEAD || evbuffer_get_length(c->out) == 0)
            break;
        size_t queued = evbuffer_get_length(c->out);
        /* A fast reader of a big body must not starve the others: the rest of the output
         * waits for EV_WRITE, i.e. for the next turn of the loop. */
        if (round == WRITE_ROUNDS)
            break;
        if (c->ssl != NULL) {
            int w = tls_conn_write(c);
            if (w < 0)
                c->state = ST_DEAD;
            if (w <= 0)
                break;
        } else if (evbuffer_write(c->out, c->fd) < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                c->state = ST_DEAD; /* EPIPE, ECONNRESET: the client is gone */
            break;
        }
        if (c->tcp != NULL) /* what the socket took, as the channel's counter promises */
            c->tcp->bytes_out += queued - evbuffer_get_length(c->out);
        if (evbuffer_get_length(c->out) > 0)
            break; /* the socket is full: wait for EV_WRITE */
    }

    if (c->state == ST_CLOSING && evbuffer_get_length(c->out) == 0) {
        if (c->eof) {
            c->state = ST_DEAD;
        } else {
            /* Closing with unread input makes the kernel send RST, which can destroy the
             * response before the client reads it: half-close and drain for a while. */
            if (c->ssl != NULL)
                tls_conn_close_notify(c);
            shutdown(c->fd, SHUT_WR);
            c->state = ST_LINGER;
            if (!target_conn_arm_timer(c, LINGER_MS))
                c->state = ST_DEAD;
        }
    }
    if (c->state == ST_DEAD) {
        conn_free(c);
        return;
    }
    conn_update_events(c);
}

/* Every read() lands here first. Reading straight into the connection's evbuffer would
 * leave a READ_CHUNK chain behind each connection that has sent half a head; copying the
 * few bytes that came costs less than the memory. */
static char scratch[READ_CHUNK];

/* Reads what the client sends after the last response, and forgets it. */
static void conn_discard(struct target_conn *c)
{
    for (int i = 0; i < 4; i++) {
        ssize_t n = read(c->fd, scratch, sizeof(scratch));
        if (n > 0)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        c->eof = true;
        if (n < 0 || c->state == ST_LINGER)
            c->state = ST_DEAD;
        return;
    }
}

static void conn_on_read(evutil_socket_t fd, short what, void *arg)
{
    struct target_conn *c = arg;
    size_t have = evbuffer_get_length(c->in);

    (void)what;
    if (c->state >= ST_CLOSING) {
        conn_discard(c); /* TLS too: the records are dropped unread */
        conn_run(c);
        return;
    }
    if (c->ssl != NULL) {
        tls_conn_read(c);
        conn_run(c);
        return;
    }
    while (have < IN_CAP) {
        size_t want = IN_CAP - have < READ_CHUNK ? IN_CAP - have : READ_CHUNK;
        ssize_t n = read(fd, scratch, want);
        if (n > 0) {
            if (evbuffer_add(c->in, scratch, (size_t)n) != 0) {
                c->state = ST_DEAD;
                break;
            }
            have += (size_t)n;
            if ((size_t)n < want)
                break; /* drained the socket */
            continue;
        }
        if (n == 0)
            c->eof = true;
        else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            c->state = ST_DEAD; /* ECONNRESET and friends */
        break;
    }
    conn_run(c);
}

static void conn_on_write(evutil_socket_t fd, short what, void *arg)
{
    struct target_conn *c = arg;

    (void)fd;
    (void)what;
    if (c->ssl != NULL && c->tls_want_write) {
        c->tls_want_write = false;
        if (c->state < ST_CLOSING)
            tls_conn_read(c); /* the handshake or a read that waited for this */
    }
    conn_run(c);
}

static void conn_on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct target_conn *c = arg;

    (void)fd;
    (void)what;
    if (c->state == ST_LINGER) {
        conn_free(c);
        return;
    }
    if (c->state == ST_DELAY)
        exchange_finish_delay(c);
    else if (c->state == ST_WS)
        ws_on_timer(c);
    conn_run(c);
}

bool target_conn_arm_timer(struct target_conn *c, long ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

    if (c->timer == NULL)
        c->timer = evtimer_new(c->srv->base, conn_on_timer, c);
    /* libevent measures from the time it cached when the loop woke, which under load is
     * milliseconds old: a /delay would answer that much early. Arm from the clock. */
    event_base_update_cache_time(c->srv->base);
    return c->timer != NULL && evtimer_add(c->timer, &tv) == 0;
}

void conn_open(struct target_server *srv, int fd, struct target_tcp *tcp)
{
    struct target_conn *c = calloc(1, sizeof(*c));

    if (c == NULL) {
        close(fd);
        return;
    }
    c->srv = srv;
    c->fd = fd;
    c->in = evbuffer_new();
    c->out = evbuffer_new();
    c->rev = event_new(srv->base, fd, EV_READ | EV_PERSIST, conn_on_read, c);
    c->wev = event_new(srv->base, fd, EV_WRITE | EV_PERSIST, conn_on_write, c);
    c->next = srv->conns;
    if (c->next != NULL)
        c->next->prev = c;
    srv->conns = c;
    if (tcp != NULL) {
        tcp_start(c, tcp);
    } else {
        srv->stats.open++;
        c->state = ST_HEAD;
    }
    if (c->in == NULL || c->out == NULL || c->rev == NULL || c->wev == NULL ||
        (tcp == NULL && srv->tls != NULL && !tls_conn_start(c))) {
        conn_free(c);
        return;
    }
    c->keep_alive = true;
    if (tcp != NULL)
        conn_run(c); /* a firehose starts writing without being asked */
    else
        conn_update_events(c);
}
