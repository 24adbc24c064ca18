/* logger: one line per request, in a format of the user's choice, like HTTP::LoadGen's
 * example logger. Each worker buffers its lines and writes whole lines only; with merge = yes
 * (the default) all workers append to one file without interleaving, with merge = no each
 * worker writes FILE.wN, N its number in the whole run (segments and MPI ranks included).
 *
 *   [plugin logger]
 *   path = /usr/local/lib/stampede/plugins/logger.so
 *   file = requests.log
 *   format = %w %c %D %K %t %C %F %H %B %s %l %m %u
 *
 * Fields: %w worker (its number in the whole run, as the trace's), %c client, %r round,
 * %n request name, %h redirect hop, %D 1 when DNS came from the cache, %K 1 when the
 * connection was kept alive, %N the client's request number,
 * %A the worker's active clients, %P its requests in flight, %O its ok and %X its failed
 * requests so far (from its scoreboard slot), %t start (us after T0), %C connected, %F first byte, %H headers done, %B body done (us after
 * the start; 0 when it did not happen), %s status, %l body length, %m method, %u URL,
 * %e error kind (or -), %R reason, %b the kept body (max_body bytes, with \n and \t written as
 * such), %% a percent sign. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stampede/plugin.h>

#define BUF_SIZE (64 * 1024)
#define LINE_MAX_LEN 2048
#define DEFAULT_FORMAT "%c %D %K %A %P %O %X %t %C %F %H %B %s %l %m %u"

static int fd = -1;
static char *buf;
static size_t len;
static int failed;
static const char *format = DEFAULT_FORMAT;

static int64_t since(int64_t t, int64_t start)
{
    return t ? (t - start) / 1000 : 0;
}

static void flush(const struct stampede_ctx *ctx)
{
    size_t off = 0;
    while (off < len && !failed) {
        ssize_t n = write(fd, buf + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            stampede_log(ctx, "cannot write the log: %s (lines lost from here on)",
                         strerror(errno));
            failed = 1;
            break;
        }
        off += (size_t)n;
    }
    len = 0;
}

static int proc_init(struct stampede_ctx *ctx)
{
    const char *file = stampede_option(ctx, "file");
    format = stampede_option(ctx, "format");
    if (!file) {
        stampede_log(ctx, "needs a file (add file = requests.log to [plugin logger])");
        return -1;
    }
    char path[4096];
    if (!stampede_option_bool(ctx, "merge"))
        snprintf(path, sizeof path, "%s.w%d", file, stampede_run_worker(ctx));
    else
        snprintf(path, sizeof path, "%s", file);
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    buf = malloc(BUF_SIZE);
    if (fd < 0 || !buf) {
        stampede_log(ctx, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int proc_exit(struct stampede_ctx *ctx)
{
    if (fd >= 0) {
        flush(ctx);
        close(fd);
    }
    free(buf);
    return failed ? 1 : 0;
}

static void *client_init(struct stampede_ctx *ctx)
{
    (void)ctx;
    return calloc(1, sizeof(uint64_t)); /* the client's request count */
}

static void client_exit(struct stampede_ctx *ctx)
{
    free(stampede_userdata(ctx));
}

static void req_done(struct stampede_ctx *ctx, const struct stampede_result *r)
{
    uint64_t *n = stampede_userdata(ctx);
    if (n)
        (*n)++;
    if (BUF_SIZE - len < LINE_MAX_LEN)
        flush(ctx);
    char *out = buf + len, *end = buf + len + LINE_MAX_LEN - 1;
    int64_t s = r->t.start;
    struct stampede_stats st;
    stampede_worker_stats(ctx, &st);
    for (const char *f = format; *f && out < end; f++) {
        if (*f != '%' || !f[1]) {
            *out++ = *f;
            continue;
        }
        size_t room = (size_t)(end - out);
        int w = 0;
        switch (*++f) {
        case 'w': w = snprintf(out, room, "%d", stampede_run_worker(ctx)); break;
        case 'c': w = snprintf(out, room, "%" PRId64, stampede_client(ctx)); break;
        case 'r': w = snprintf(out, room, "%" PRIu64, stampede_round(ctx)); break;
        case 'n': w = snprintf(out, room, "%s", r->request_name); break;
        case 'h': w = snprintf(out, room, "%u", r->hop); break;
        case 'D': w = snprintf(out, room, "%d", r->dns_cached); break;
        case 'K': w = snprintf(out, room, "%d", r->reused); break;
        case 'N': w = snprintf(out, room, "%" PRIu64, n ? *n : 0); break;
        case 'A': w = snprintf(out, room, "%" PRIu64, st.clients_active); break;
        case 'P':
            w = snprintf(out, room, "%" PRIu64,
                         st.requests_started - st.requests_ok - st.requests_failed);
            break;
        case 'O': w = snprintf(out, room, "%" PRIu64, st.requests_ok); break;
        case 'X': w = snprintf(out, room, "%" PRIu64, st.requests_failed); break;
        case 't': w = snprintf(out, room, "%" PRId64, since(s, stampede_t0(ctx))); break;
        case 'C': w = snprintf(out, room, "%" PRId64, since(r->t.connected, s)); break;
        case 'F': w = snprintf(out, room, "%" PRId64, since(r->t.first_byte, s)); break;
        case 'H': w = snprintf(out, room, "%" PRId64, since(r->t.headers, s)); break;
        case 'B': w = snprintf(out, room, "%" PRId64, since(r->t.done, s)); break;
        case 's': w = snprintf(out, room, "%d", r->status); break;
        case 'l': w = snprintf(out, room, "%" PRIu64, r->body_bytes); break;
        case 'm': w = snprintf(out, room, "%s", r->method); break;
        case 'u': w = snprintf(out, room, "%s", r->url); break;
        case 'e': w = snprintf(out, room, "%s", r->error ? r->error : "-"); break;
        case 'R': w = snprintf(out, room, "%s", r->reason); break;
        case 'b':
            for (size_t i = 0; i < r->body_len && room > 2; i++) {
                char ch = r->body[i];
                if (ch == '\n' || ch == '\t' || ch == '\r' || ch == '\\') {
                    *out++ = '\\';
                    *out++ = ch == '\n' ? 'n' : ch == '\t' ? 't' : ch == '\r' ? 'r' : '\\';
                    room -= 2;
                } else {
                    *out++ = ch;
                    room--;
                }
            }
            break;
        case '%': w = snprintf(out, room, "%%"); break;
        default: w = snprintf(out, room, "%%%c", *f); break;
        }
        out += w < 0 ? 0 : ((size_t)w < room ? (size_t)w : room);
    }
    *out++ = '\n';
    len = (size_t)(out - buf);
}

static const struct stampede_option options[] = {
    {"file", STAMPEDE_OPTION_STRING, NULL, "the log (relative to the current directory)"},
    {"format", STAMPEDE_OPTION_STRING, DEFAULT_FORMAT, "the fields of a line"},
    {"merge", STAMPEDE_OPTION_BOOL, "yes", "one file for all workers (no: FILE.wN each)"},
    {NULL, 0, NULL, NULL},
};

const struct stampede_plugin stampede_plugin = {
    STAMPEDE_PLUGIN_HEADER,
    .name = "logger",
    .options = options,
    .proc_init = proc_init,
    .proc_exit = proc_exit,
    .client_init = client_init,
    .client_exit = client_exit,
    .req_done = req_done,
};
