/* base64: RFC 4648's standard alphabet with '=' padding, as HdrHistogram's logs and JSON carry
 * binary histograms. */
#ifndef STAMPEDE_BASE64_H
#define STAMPEDE_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* The value of one base64 digit (0..63), -1 for any other byte ('=' included). */
int base64_sextet(char c);

/* The text of n bytes: a malloc'd NUL-terminated string, or NULL when out of memory. */
char *base64_encode(const uint8_t *data, size_t n);

/* Decodes text (its length len; no white space inside) into a malloc'd buffer of *n bytes.
 * Returns NULL when the text is not base64 or memory ran out. */
uint8_t *base64_decode(const char *text, size_t len, size_t *n);

#endif
