/*
 * target_tcp: stampede-target's raw TCP channels (--tcp ADDR:PORT[,MODE]): no HTTP, just
 * bytes, in one of three modes, each listener with its own counters in /stats.
 */
#ifndef STAMPEDE_TARGET_TCP_H
#define STAMPEDE_TARGET_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TARGET_TCP_MAX 16           /* --tcp listeners */
#define TARGET_FIREHOSE_MAX 65536   /* --firehose-message bytes, after escapes */

struct target_conn;

enum tcp_mode {
    TCP_ECHO,     /* writes back what it reads, reading only as fast as the client reads */
    TCP_SINK,     /* reads and discards */
    TCP_FIREHOSE, /* writes the firehose message over and over; discards what it reads */
};

struct target_tcp {
    char listen[80]; /* the address bound, port 0 resolved */
    enum tcp_mode mode;
    uint64_t connections; /* accepted */
    uint64_t open;        /* currently open; not zeroed by /reset */
    uint64_t bytes_in;    /* read from clients */
    uint64_t bytes_out;   /* written to clients */
};

/* Splits a --tcp argument "ADDR:PORT[,MODE]" (MODE echo, the default, sink or firehose):
 * copies ADDR:PORT into addr and sets *mode. Returns NULL or what is wrong with it. */
const char *tcp_parse_spec(const char *spec, char *addr, size_t len, enum tcp_mode *mode);

const char *tcp_mode_name(enum tcp_mode mode);

/* Sets the firehose message from text with the escapes \n \r \t \\ and \xHH. Returns NULL or
 * what is wrong with it. Without a call the message is the 64-byte /bytes pattern line. */
const char *tcp_firehose_set(const char *text);

/* A new connection on a --tcp listener. */
void tcp_start(struct target_conn *c, struct target_tcp *t);

/* Moves the connection's bytes as its mode says, as far as the buffers' bounds allow. */
void tcp_process(struct target_conn *c);

#endif
