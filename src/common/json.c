/* json: shared JSON writers. */
#include "json.h"

#include <inttypes.h>

void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

void json_status_counts(FILE *f, const struct sb_counters *c)
{
    const char *sep = "";
    fputc('{', f);
    for (int code = 0; code < SB_STATUS_MAX; code++)
        if (sb_get(&c->status[code])) {
            fprintf(f, "%s\"%d\":%" PRIu64, sep, code, sb_get(&c->status[code]));
            sep = ",";
        }
    fputc('}', f);
}

void json_error_counts(FILE *f, const struct sb_counters *c)
{
    const char *sep = "";
    fputc('{', f);
    for (int k = 1; k < ERR_KIND_COUNT; k++)
        if (sb_get(&c->errors[k])) {
            fprintf(f, "%s\"%s\":%" PRIu64, sep, errkind_names[k], sb_get(&c->errors[k]));
            sep = ",";
        }
    fputc('}', f);
}
