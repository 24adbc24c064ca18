/* hdr_codec: a struct hist as HdrHistogram's "V2 compressed" encoding, base64, as its interval
 * logs and its tools (HistogramLogProcessor, HdrHistogram_c, hdr-plot, ...) read it, and back.
 *
 * No approximation: struct hist's buckets are HdrHistogram's counts array for 3 significant
 * digits and a unit of 1 (values in microseconds), index for index (hist.c's arithmetic is
 * HdrHistogram's countsArrayIndex), and highestTrackableValue 2^32 - 1 gives the same array
 * length, HIST_LEN. So encoding and decoding carry every count exactly, and runs can be merged
 * later by decoding their encodings into one struct hist. */
#ifndef STAMPEDE_HDR_CODEC_H
#define STAMPEDE_HDR_CODEC_H

#include "hist.h"

/* The cookies of the two layers; bits 4-7 carry the word size and are 1 in what we write. */
#define HDR_COOKIE_V2 0x1c849303
#define HDR_COOKIE_V2_COMPRESSED 0x1c849304
#define HDR_COOKIE_WORD_BITS 0xf0
#define HDR_SIGNIFICANT_DIGITS 3
#define HDR_HIGHEST_TRACKABLE UINT64_C(4294967295) /* 2^32 - 1 us: HIST_LEN counts */

/* h as base64 text of the compressed encoding: a malloc'd string, or NULL when out of memory.
 * h may be live in the scoreboard; its counts are read once each. */
char *hdr_encode(const struct hist *h);

/* Adds the histogram that `text` (base64 of a V2 compressed encoding with 3 significant digits
 * and unit 1) encodes to h: counts exactly; min and max as the lowest and highest values of
 * its outer buckets, the sum from each bucket's middle value (what HdrHistogram's mean uses),
 * since the encoding holds only counts. Values past 2^32 us land in the last bucket, as
 * hist_record puts them. Returns 0, or -1 with *why saying what is wrong (h unchanged). */
int hdr_decode_add(const char *text, struct hist *h, const char **why);

#endif
