/* strutil: the character classes and small string copies that the parser, the configuration,
 * the URL reader and the target share, so that each is written once. */
#ifndef STAMPEDE_STRUTIL_H
#define STAMPEDE_STRUTIL_H

#include <stddef.h>

/* The longest host name DNS allows (RFC 1035, without the final dot). */
#define STR_HOST_MAX 253

/* RFC 9110 tchar (what methods and header names are made of), lower-cased; 0 for every other
 * byte. One lookup both checks a name byte and prepares it for a case-blind match. */
extern const unsigned char str_token_lower[256];

static inline int str_is_tchar(unsigned char c)
{
    return str_token_lower[c] != 0;
}

static inline char str_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The value of a hexadecimal digit, -1 for any other byte. */
static inline int str_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20; /* lower case */
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A non-empty string of tchar only. */
int str_is_token(const char *s);

/* A header value as sent: no control byte but tab (a CR or LF would split the header, or
 * smuggle another). The configuration and the plugins' setters both ask this. */
int str_is_header_value(const char *s, size_t n);

/* A letter, digit, '-', '.' or '_': what a host name written in a URL or a [dns] key may hold. */
int str_is_host_char(char c);

/* 1 to STR_HOST_MAX host characters. */
int str_is_host_name(const char *s);

/* A new NUL-terminated copy of s[0..n), lower-cased (ASCII only); NULL when out of memory. */
char *str_dup_lower(const char *s, size_t n);

#endif
