/* regress_main: replays fuzz inputs without libFuzzer, so that `make check` (with gcc, with or
 * without sanitizers) runs every seed and every crasher ever found through the same
 * LLVMFuzzerTestOneInput. With no arguments it replays $STAMPEDE_SRC/tests/fuzz/corpus/NAME and
 * .../regressions/NAME (NAME is compiled in); arguments name other files or directories. A bug
 * aborts the program, which fails the test; the last line names the file that was running. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the target, e.g. -DFUZZ_NAME=\"url\""
#endif

static unsigned long files;

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "regress_%s: %s: %s\n", FUZZ_NAME, path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        fprintf(stderr, "regress_%s: %s: cannot read it\n", FUZZ_NAME, path);
        free(buf);
        return -1;
    }
    fprintf(stderr, "# %s\n", path); /* the log then names the input that crashed */
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    files++;
    return 0;
}

/* A directory's files in name order, so that runs are repeatable; dot files are skipped. */
static int replay(const char *path, int must_exist)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (!must_exist && errno == ENOENT)
            return 0;
        fprintf(stderr, "regress_%s: %s: %s\n", FUZZ_NAME, path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "regress_%s: %s: %s\n", FUZZ_NAME, path, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.' && strcmp(names[i]->d_name, "README") != 0) {
            size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
            char *p = malloc(len);
            if (!p || (snprintf(p, len, "%s/%s", path, names[i]->d_name), replay(p, 1)) < 0)
                rc = -1;
            free(p);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (replay(argv[i], 1) < 0)
                rc = 1;
    } else {
        const char *src = getenv("STAMPEDE_SRC");
        char corpus[4096], regressions[4096];
        snprintf(corpus, sizeof(corpus), "%s/tests/fuzz/corpus/%s", src ? src : ".", FUZZ_NAME);
        snprintf(regressions, sizeof(regressions), "%s/tests/fuzz/regressions/%s",
                 src ? src : ".", FUZZ_NAME);
        if (replay(corpus, 1) < 0 || replay(regressions, 0) < 0)
            rc = 1;
        if (files == 0) {
            fprintf(stderr, "regress_%s: no inputs in %s\n", FUZZ_NAME, corpus);
            rc = 1;
        }
    }
    printf("regress_%s: %lu inputs replayed%s\n", FUZZ_NAME, files, rc ? ", some unreadable" : "");
    return rc;
}
