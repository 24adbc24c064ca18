/* fuzz: the one entry point every fuzz target defines. libFuzzer calls it with its inputs;
 * regress_main.c calls it with the files of the seed corpus and of the regressions, so that
 * `make check` replays them without libFuzzer. A target aborts on a wrong result, so that both
 * callers see a bug the same way as a crash. */
#ifndef STAMPEDE_FUZZ_H
#define STAMPEDE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
