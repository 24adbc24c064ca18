/* hostile: an HTTP server that misbehaves on purpose, one way per run (-m MODE), so that the
 * integration tests can check that stampede neither crashes, hangs, leaks nor miscounts
 * against it. Loopback only, plain poll(2), one process; it prints "listening on ADDR:PORT"
 * like stampede-target and, at SIGTERM or SIGINT, one line of what it saw. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 1024
#define REQ_MAX 8192                          /* request head bytes we look at */
#define HEADERS_TOTAL (100ull * 1024 * 1024)  /* "headers": bytes of header lines sent */
#define HEADER_LINE 8192                      /* ... in lines of this size */
#define CHUNK_SIZE 16384                      /* "chunked": payload per chunk */
#define FILL_SIZE (64 * 1024)                 /* the repeating buffer both are cut from */

enum mode {
    M_STALL,         /* a status line, then nothing, for ever */
    M_DRIP,          /* a valid response, one byte per second */
    M_HEADERS,       /* 100 MB of header lines that never end */
    M_CHUNKED,       /* a chunked body that never ends */
    M_LENGTH_SHORT,  /* Content-Length smaller than the body sent */
    M_LENGTH_LONG,   /* Content-Length larger than the body, then close */
    M_LENGTH_STALL,  /* Content-Length larger than the body, then nothing */
    M_GARBAGE,       /* bytes that are no HTTP at all, then close */
    M_MIDHEADERS,    /* close in the middle of the header block */
    M_RESET,         /* answer the request with a TCP reset (SO_LINGER 0) */
    M_NOREAD,        /* accept, never read, never write */
    M_HTTP09,        /* a body without a status line (HTTP/0.9), then close */
    M_COUNT
};

static const char *const mode_names[M_COUNT] = {
    "stall", "drip", "headers", "chunked", "length-short", "length-long", "length-stall",
    "garbage", "midheaders", "reset", "noread", "http09",
};

/* What a connection does next. */
enum cstate { C_READING, C_WRITING, C_HOLDING };

struct conn {
    int fd;
    enum cstate state;
    char req[REQ_MAX];
    size_t req_len;
    const char *out;          /* fixed response being written */
    size_t out_len, out_off;
    uint64_t stream_left;     /* HEADERS: bytes of the endless part still to send */
    int streaming;            /* HEADERS / CHUNKED: the endless part is being sent */
    int close_after;          /* close once out is written */
    int64_t next_drip_ns;
};

static enum mode mode;
static struct conn conns[MAX_CONNS];
static char fill_headers[FILL_SIZE], fill_chunks[FILL_SIZE];
static size_t fill_chunks_len;
static uint64_t n_conns, n_requests, n_bytes;
static volatile sig_atomic_t stop;

static const char resp_drip[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
static const char resp_short[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                                 "hello, and many more bytes than the header promised\r\n";
static const char resp_long[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this";
static const char resp_mid[] = "HTTP/1.1 200 OK\r\nContent-Type: text/pl";
static const char resp_09[] = "hello from 1991: no status line, no headers\n";
static char resp_garbage[4096];

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

static void fill_buffers(void)
{
    /* 8 KiB header lines: "X-Hostile-0001: aaaa...\r\n", repeated to fill the buffer */
    for (size_t off = 0, n = 0; off < FILL_SIZE; off += HEADER_LINE, n++) {
        memset(fill_headers + off, 'a', HEADER_LINE);
        int k = snprintf(fill_headers + off, HEADER_LINE, "X-Hostile-%04zu: ", n);
        fill_headers[off + (size_t)k] = 'a';
        memcpy(fill_headers + off + HEADER_LINE - 2, "\r\n", 2);
    }
    /* as many whole chunks of CHUNK_SIZE as fit */
    size_t off = 0;
    while (off + CHUNK_SIZE + 16 <= FILL_SIZE) {
        off += (size_t)snprintf(fill_chunks + off, 16, "%x\r\n", CHUNK_SIZE);
        memset(fill_chunks + off, 'z', CHUNK_SIZE);
        off += CHUNK_SIZE;
        memcpy(fill_chunks + off, "\r\n", 2);
        off += 2;
    }
    fill_chunks_len = off;
    /* garbage: a fixed LCG stream, so every run sends the same bytes; never a leading 'H' */
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(resp_garbage); i++) {
        x = x * 1103515245u + 12345u;
        resp_garbage[i] = (char)(x >> 16);
    }
    resp_garbage[0] = '\x01';
}

static void conn_close(struct conn *c, int reset)
{
    if (reset) {
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    }
    close(c->fd);
    c->fd = -1;
}

static void set_out(struct conn *c, const char *p, size_t n, int close_after)
{
    c->out = p;
    c->out_len = n;
    c->out_off = 0;
    c->close_after = close_after;
    c->state = C_WRITING;
}

/* A request head arrived: decide what the connection does. */
static void respond(struct conn *c)
{
    n_requests++;
    c->req_len = 0;
    switch (mode) {
    case M_STALL: set_out(c, "HTTP/1.1 200 OK\r\n", 17, 0); break;
    case M_DRIP:
        set_out(c, resp_drip, sizeof(resp_drip) - 1, 0);
        c->next_drip_ns = now_ns();
        break;
    case M_HEADERS:
        set_out(c, "HTTP/1.1 200 OK\r\n", 17, 0);
        c->stream_left = HEADERS_TOTAL;
        break;
    case M_CHUNKED:
        set_out(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 47, 0);
        c->stream_left = UINT64_MAX;
        break;
    case M_LENGTH_SHORT: set_out(c, resp_short, sizeof(resp_short) - 1, 0); break;
    case M_LENGTH_LONG: set_out(c, resp_long, sizeof(resp_long) - 1, 1); break;
    case M_LENGTH_STALL: set_out(c, resp_long, sizeof(resp_long) - 1, 0); break;
    case M_GARBAGE: set_out(c, resp_garbage, sizeof(resp_garbage), 1); break;
    case M_MIDHEADERS: set_out(c, resp_mid, sizeof(resp_mid) - 1, 1); break;
    case M_HTTP09: set_out(c, resp_09, sizeof(resp_09) - 1, 1); break;
    case M_RESET: conn_close(c, 1); break;
    case M_NOREAD:
    case M_COUNT: break;
    }
}

/* Reads what the client sent; a blank line ends a request head (bodies are not expected and
 * are skipped as part of the next head, which is good enough for a misbehaving server). */
static void on_read(struct conn *c)
{
    char buf[16384];
    ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        conn_close(c, 0);
        return;
    }
    if (n < 0 || c->state != C_READING)
        return; /* data while we write or hold: read and drop, to notice the close */
    for (ssize_t i = 0; i < n && c->fd >= 0 && c->state == C_READING; i++) {
        if (c->req_len < REQ_MAX)
            c->req[c->req_len++] = buf[i];
        if (c->req_len >= 4 && !memcmp(c->req + c->req_len - 4, "\r\n\r\n", 4))
            respond(c);
        else if (c->req_len == REQ_MAX)
            c->req_len = 0; /* a long head: keep looking for its end */
    }
}

/* The next bytes to send and how many; 0 when nothing is due now. */
static size_t next_out(struct conn *c, const char **p)
{
    if (c->out_off < c->out_len) {
        *p = c->out + c->out_off;
        size_t n = c->out_len - c->out_off;
        if (mode == M_DRIP) {
            if (now_ns() < c->next_drip_ns)
                return 0;
            n = 1;
        }
        return n;
    }
    if (c->stream_left == 0)
        return 0;
    if (mode == M_HEADERS) {
        size_t at = (size_t)((HEADERS_TOTAL - c->stream_left) % FILL_SIZE);
        *p = fill_headers + at;
        size_t n = FILL_SIZE - at;
        return n < c->stream_left ? n : (size_t)c->stream_left;
    }
    /* chunked: cycle over whole chunks */
    size_t at = (size_t)((UINT64_MAX - c->stream_left) % fill_chunks_len);
    *p = fill_chunks + at;
    return fill_chunks_len - at;
}

static void on_write(struct conn *c)
{
    const char *p;
    size_t n = next_out(c, &p);
    if (n == 0)
        return;
    ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
        if (errno != EAGAIN && errno != EINTR)
            conn_close(c, 0);
        return;
    }
    n_bytes += (uint64_t)w;
    if (c->out_off < c->out_len) {
        c->out_off += (size_t)w;
        if (mode == M_DRIP)
            c->next_drip_ns = now_ns() + 1000000000;
    } else {
        c->stream_left -= (uint64_t)w;
    }
    if (c->out_off < c->out_len || c->stream_left > 0)
        return;
    if (c->close_after) {
        shutdown(c->fd, SHUT_WR);
        conn_close(c, 0);
    } else if (mode == M_LENGTH_SHORT) {
        c->state = C_READING; /* serve the next request on the connection */
    } else {
        c->state = C_HOLDING; /* stall: keep the connection, say nothing more */
    }
}

static void on_accept(int lfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        size_t i = 0;
        while (i < MAX_CONNS && conns[i].fd >= 0)
            i++;
        if (i == MAX_CONNS) {
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        memset(&conns[i], 0, sizeof(conns[i]));
        conns[i].fd = fd;
        conns[i].state = mode == M_NOREAD ? C_HOLDING : C_READING;
        n_conns++;
    }
}

static int listen_on(const char *arg)
{
    char host[64];
    const char *colon = strrchr(arg, ':');
    if (!colon || (size_t)(colon - arg) >= sizeof(host))
        return -1;
    memcpy(host, arg, (size_t)(colon - arg));
    host[colon - arg] = '\0';
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 || (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "hostile: -l %s: give a loopback address 127.x.x.x:PORT\n", arg);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    socklen_t len = sizeof(sa);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1024) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        fprintf(stderr, "hostile: listen %s: %s\n", arg, strerror(errno));
        close(fd);
        return -1;
    }
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
    printf("listening on %s:%u\n", ip, (unsigned)ntohs(sa.sin_port));
    fflush(stdout);
    return fd;
}

static void usage(FILE *f)
{
    fputs("usage: hostile -l 127.0.0.1:PORT -m MODE\nmodes:", f);
    for (int m = 0; m < M_COUNT; m++)
        fprintf(f, " %s", mode_names[m]);
    fputc('\n', f);
}

int main(int argc, char **argv)
{
    const char *addr = "127.0.0.1:0", *mname = NULL;
    int ch;
    while ((ch = getopt(argc, argv, "l:m:h")) != -1) {
        switch (ch) {
        case 'l': addr = optarg; break;
        case 'm': mname = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    mode = M_COUNT;
    for (int m = 0; mname && m < M_COUNT; m++)
        if (!strcmp(mname, mode_names[m]))
            mode = (enum mode)m;
    if (mode == M_COUNT) {
        usage(stderr);
        return 2;
    }
    fill_buffers();
    struct sigaction sa = {.sa_handler = on_stop};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int lfd = listen_on(addr);
    if (lfd < 0)
        return 1;
    for (size_t i = 0; i < MAX_CONNS; i++)
        conns[i].fd = -1;

    static struct pollfd pfd[MAX_CONNS + 1];
    static size_t idx[MAX_CONNS + 1];
    while (!stop) {
        size_t n = 0;
        int timeout = -1;
        int64_t now = now_ns();
        pfd[n++] = (struct pollfd){.fd = lfd, .events = POLLIN};
        for (size_t i = 0; i < MAX_CONNS; i++) {
            struct conn *c = &conns[i];
            if (c->fd < 0)
                continue;
            /* NOREAD never reads, but still notices when the client hangs up */
            short ev = mode == M_NOREAD ? POLLRDHUP : POLLIN;
            if (c->state == C_WRITING) {
                if (mode == M_DRIP && c->next_drip_ns > now) {
                    int ms = (int)((c->next_drip_ns - now) / 1000000) + 1;
                    timeout = timeout < 0 || ms < timeout ? ms : timeout;
                } else {
                    ev |= POLLOUT;
                }
            }
            idx[n] = i;
            pfd[n++] = (struct pollfd){.fd = c->fd, .events = ev};
        }
        if (poll(pfd, n, timeout) < 0) {
            if (errno == EINTR)
                continue;
            perror("hostile: poll");
            return 1;
        }
        if (pfd[0].revents & POLLIN)
            on_accept(lfd);
        for (size_t k = 1; k < n; k++) {
            struct conn *c = &conns[idx[k]];
            short re = pfd[k].revents;
            if (c->fd < 0)
                continue;
            if (mode == M_NOREAD) {
                if (re & (POLLRDHUP | POLLHUP | POLLERR))
                    conn_close(c, 0);
                continue;
            }
            if (re & (POLLIN | POLLHUP | POLLERR))
                on_read(c);
            if (c->fd >= 0 && c->state == C_WRITING)
                on_write(c);
        }
    }
    printf("hostile %s: connections %llu requests %llu bytes_sent %llu\n", mode_names[mode],
           (unsigned long long)n_conns, (unsigned long long)n_requests,
           (unsigned long long)n_bytes);
    return 0;
}
