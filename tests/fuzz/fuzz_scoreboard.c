/* Fuzz target for stampede-top's reading of a scoreboard file, which it treats as untrusted:
 * any bytes either are refused with a reason, or attach and then sample, sort and print frames
 * (text and JSON) without reading outside the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "top_batch.h"
#include "top_model.h"
#include "top_sb.h"

static char path[256];

static void remove_file(void)
{
    unlink(path);
}

static int write_file(const uint8_t *data, size_t size)
{
    if (!path[0]) { /* one private file for the whole fuzzing process */
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/fuzz-sb.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        int fd = mkstemp(path);
        if (fd < 0) {
            path[0] = '\0';
            return -1;
        }
        close(fd);
        atexit(remove_file);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (write_file(data, size) < 0)
        return 0;
    struct top_sb sb;
    char err[256] = "";
    enum top_sb_status st = top_sb_open(&sb, path, err, sizeof err);
    if (st != TOP_SB_OK) {
        if (st == TOP_SB_BAD && !err[0])
            abort(); /* a refusal always says why */
        unlink(path);
        return 0;
    }
    struct top_model m;
    if (top_model_init(&m, &sb) == 0) {
        FILE *out = fopen("/dev/null", "w");
        struct top_view v = {.path = path, .delay_s = 1};
        for (unsigned frame = 0; frame < 2 && out; frame++) {
            top_model_sample(&m);
            unsigned *order = calloc(sb.nworkers + 1, sizeof(*order));
            if (order)
                top_model_sort(&m, (enum top_col)(frame * 3), (int)frame, order);
            free(order);
            top_batch_text(out, &m, &v);
            top_batch_json(out, &m, &v, frame);
        }
        if (out)
            fclose(out);
        top_model_free(&m);
    }
    top_sb_close(&sb);
    unlink(path);
    return 0;
}
