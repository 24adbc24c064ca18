#!/bin/sh
# Installs what the reliability checks need beyond scripts/deps.sh, when any is missing:
# clang with libFuzzer (tests/fuzz/run.sh) and valgrind (scripts/valgrind.sh). The sanitizer
# build uses gcc's own ASan and UBSan. Run as root (or through sudo) on Debian 12 or later.
set -e
sh "$(dirname "$0")/deps.sh" clang libclang-rt-14-dev valgrind
