#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time: tests/fuzz/run.sh [SECONDS] (default 60 each).
#
# Builds them first with clang (./configure --enable-fuzzing) in build-fuzz/ (or $FUZZ_BUILD),
# beside the normal build. Each target
# starts from its seed corpus (tests/fuzz/corpus/NAME) and the known crashers
# (tests/fuzz/regressions/NAME); what it finds new stays in the build's work corpus. Every new
# crasher, leak, timeout or out-of-memory input is copied to tests/fuzz/regressions/NAME/ so that
# `make check` replays it from then on, and the script exits non-zero.
set -euo pipefail
SECONDS_EACH=${1:-60}
case $SECONDS_EACH in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${FUZZ_BUILD:-$SRC/build-fuzz}
TARGETS=${FUZZ_TARGETS:-"http_parser config url scoreboard ammo cookie ws_handshake json_path ws_frame"}
CC=${FUZZ_CC:-clang}

command -v "$CC" >/dev/null || { echo "fuzz: $CC not found (sh scripts/deps-reliability.sh)" >&2; exit 1; }

(cd "$SRC" && { [ -x configure ] || ./autogen.sh >/dev/null 2>&1; })
mkdir -p "$BUILD"
cd "$BUILD"
if [ ! -f Makefile ]; then
    CC=$CC "$SRC/configure" --enable-fuzzing >"$BUILD/configure.log" 2>&1 ||
        { tail -n 20 "$BUILD/configure.log" >&2; exit 1; }
fi
bins=""
for t in $TARGETS; do bins="$bins tests/fuzz/fuzz_$t"; done
# shellcheck disable=SC2086
make -j"$(nproc)" $bins >"$BUILD/make.log" 2>&1 || { tail -n 30 "$BUILD/make.log" >&2; exit 1; }

found=0
for t in $TARGETS; do
    work=$BUILD/work/$t
    art=$BUILD/artifacts/$t
    regs=$SRC/tests/fuzz/regressions/$t
    mkdir -p "$work" "$art" "$regs"
    rm -f "$art"/*
    echo "fuzz: $t for ${SECONDS_EACH}s"
    set +e
    # -close_fd_mask=2: the target's own stderr (config errors) is noise; libFuzzer and the
    # sanitizers keep theirs.
    "./tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 -close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$art/" \
        "$work" "$SRC/tests/fuzz/corpus/$t" "$regs" >"$BUILD/$t.log" 2>&1
    rc=$?
    set -e
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' \
        "$BUILD/$t.log" | sed "s/^/fuzz: $t: /" || true
    new=0
    for a in "$art"/*; do
        [ -f "$a" ] || continue
        cp "$a" "$regs/"
        echo "fuzz: $t: FOUND $(basename "$a") -> tests/fuzz/regressions/$t/" >&2
        new=1
    done
    if [ $rc -ne 0 ] || [ $new -ne 0 ]; then
        echo "fuzz: $t failed (exit $rc); its log:" >&2
        grep -E -A 30 'ERROR|WARNING|abort|deadly|SUMMARY' "$BUILD/$t.log" | head -n 60 >&2 || true
        found=1
    fi
done
if [ $found -ne 0 ]; then
    echo "fuzz: FAILED: new inputs in tests/fuzz/regressions/ (commit them with the fix)" >&2
    exit 1
fi
echo "fuzz: ok, no crash in ${SECONDS_EACH}s per target ($TARGETS)"
