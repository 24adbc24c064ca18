/*
 * target_tcp: the three modes of a --tcp channel, over the connection's input and output
 * buffers (target_conn.c reads and writes the socket). Echo moves input to output only while
 * the output is below OUT_HIGH; the input then fills to IN_CAP and target_conn.c stops
 * reading, so a client that sends without reading cannot make the server hold more than
 * that. The firehose queues references to one prebuilt block of messages, so it costs no
 * memory per connection either.
 */
#include "target_tcp.h"

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "strutil.h"
#include "target_conn_int.h"
#include "target_resp.h"

#define FIREHOSE_BLOCK (64 * 1024) /* whole messages repeated up to at least this */

static char *firehose_block;
static size_t firehose_len; /* of the block: a whole number of messages */

static const char *const mode_names[] = {
    [TCP_ECHO] = "echo",
    [TCP_SINK] = "sink",
    [TCP_FIREHOSE] = "firehose",
};

const char *tcp_mode_name(enum tcp_mode mode)
{
    return mode_names[mode];
}

const char *tcp_parse_spec(const char *spec, char *addr, size_t len, enum tcp_mode *mode)
{
    const char *comma = strrchr(spec, ',');
    size_t alen = comma != NULL ? (size_t)(comma - spec) : strlen(spec);

    *mode = TCP_ECHO;
    if (comma != NULL) {
        size_t m;
        for (m = 0; m < sizeof(mode_names) / sizeof(mode_names[0]); m++)
            if (strcmp(comma + 1, mode_names[m]) == 0)
                break;
        if (m == sizeof(mode_names) / sizeof(mode_names[0]))
            return "the mode after ',' must be echo, sink or firehose";
        *mode = (enum tcp_mode)m;
    }
    if (alen >= len)
        return "address too long";
    memcpy(addr, spec, alen);
    addr[alen] = '\0';
    return NULL;
}

/* Decodes the escapes of text into out (room for strlen(text) bytes); -1 if one is bad. */
static long firehose_unescape(const char *text, char *out)
{
    size_t n = 0;

    for (const char *p = text; *p != '\0'; p++) {
        if (*p != '\\') {
            out[n++] = *p;
            continue;
        }
        switch (*++p) {
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case '\\': out[n++] = '\\'; break;
        case 'x': {
            int hi = str_hex_value((unsigned char)p[1]), lo = hi < 0 ? -1 : str_hex_value((unsigned char)p[2]);
            if (lo < 0)
                return -1;
            out[n++] = (char)(hi * 16 + lo);
            p += 2;
            break;
        }
        default: return -1;
        }
    }
    return (long)n;
}

const char *tcp_firehose_set(const char *text)
{
    size_t tlen = strlen(text);
    char *msg = malloc(tlen + 1);
    long n;

    if (msg == NULL)
        return "out of memory";
    n = firehose_unescape(text, msg);
    if (n <= 0 || (size_t)n > TARGET_FIREHOSE_MAX) {
        free(msg);
        return n < 0 ? "bad escape: use \\n \\r \\t \\\\ or \\xHH"
                     : "the message must have 1 to 65536 bytes";
    }
    size_t copies = (FIREHOSE_BLOCK + (size_t)n - 1) / (size_t)n;
    char *block = malloc(copies * (size_t)n);
    if (block == NULL) {
        free(msg);
        return "out of memory";
    }
    for (size_t i = 0; i < copies; i++)
        memcpy(block + i * (size_t)n, msg, (size_t)n);
    free(msg);
    free(firehose_block);
    firehose_block = block;
    firehose_len = copies * (size_t)n;
    return NULL;
}

void tcp_start(struct target_conn *c, struct target_tcp *t)
{
    c->tcp = t;
    c->state = ST_TCP;
    t->connections++;
    t->open++;
    if (t->mode == TCP_FIREHOSE && firehose_block == NULL)
        tcp_firehose_set(TARGET_PATTERN);
}

void tcp_process(struct target_conn *c)
{
    struct target_tcp *t = c->tcp;
    size_t in = evbuffer_get_length(c->in), out = evbuffer_get_length(c->out);
    size_t room = out < OUT_HIGH ? OUT_HIGH - out : 0;

    if (t->mode == TCP_ECHO) {
        size_t n = in < room ? in : room;
        if (n > 0 && evbuffer_remove_buffer(c->in, c->out, n) < 0) {
            c->state = ST_DEAD;
            return;
        }
        t->bytes_in += n;
    } else {
        evbuffer_drain(c->in, in);
        t->bytes_in += in;
    }
    if (t->mode == TCP_FIREHOSE && !c->eof) {
        for (size_t queued = 0; queued < room; queued += firehose_len)
            evbuffer_add_reference(c->out, firehose_block, firehose_len, NULL, NULL);
    }
    /* The client has said all it will: once its bytes are echoed, the channel is done. */
    if (c->eof && evbuffer_get_length(c->in) == 0)
        c->state = ST_CLOSING;
}
