#!/usr/bin/env bash
# Runs a few short integration tests with stampede under valgrind (memcheck, every process: the
# parent and each forked worker) and fails on any invalid access, use of uninitialised memory,
# or definitely / indirectly lost block. "Still reachable" (libevent's and OpenSSL's globals,
# the configuration a worker inherits) is fine. Uses the build in build/ (or $BUILD).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
BUILD=${BUILD:-$SRC/build}
export BUILD
sh scripts/build.sh
make -C "$BUILD" -j"$(nproc)" tests/hostile >/dev/null
command -v valgrind >/dev/null || { echo "valgrind: not installed (sh scripts/deps-reliability.sh)" >&2; exit 1; }
if grep -q -- '-fsanitize' "$BUILD/Makefile"; then
    echo "valgrind: this tree is built with sanitizers, which valgrind cannot run" >&2
    exit 1
fi
TESTS=${VALGRIND_TESTS:-"counts failures keepalive nothing_lost worker_crash retry redirects hostile_garbage hostile_reset
    hostile_headers hostile_length_short hostile_chunked hostile_noread"}

# A build directory whose stampede is a wrapper that runs the real one under valgrind; the
# tests find every other program (stampede-target, hostile) there as usual.
work=$(mktemp -d "${TMPDIR:-/tmp}/stampede-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin/tests" "$work/logs"
ln -s "$BUILD/stampede-target" "$work/bin/stampede-target"
ln -s "$BUILD/stampede-top" "$work/bin/stampede-top" # the tests read the scoreboard with it
ln -s "$BUILD/tests/hostile" "$work/bin/tests/hostile"
ln -s "$BUILD/plugins" "$work/bin/plugins"
cat >"$work/bin/stampede" <<WRAP
#!/bin/sh
exec valgrind -q --trace-children=yes --leak-check=full --show-leak-kinds=definite,indirect \\
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-origins=yes \\
    --log-file="$work/logs/vg.%p.log" "$BUILD/stampede" "\$@"
WRAP
chmod +x "$work/bin/stampede"

# show_output TEST: why a test failed, in its own words.
show_output() {
    echo "---- $1: the test's output"
    sh "$SRC/scripts/show-test-log.sh" "$work/$1.out"
    echo "---- $1: end of the test's output"
}

failed=0
for t in $TESTS; do
    rm -f "$work/logs"/*
    start=$(date +%s)
    if STAMPEDE_BUILD=$work/bin STAMPEDE_SRC=$SRC bash "tests/integration/$t.test" >"$work/$t.out" 2>&1; then
        res=ok
    else
        res=FAILED
        failed=1
        show_output "$t"
    fi
    nlogs=$(find "$work/logs" -name 'vg.*.log' | wc -l)
    # -q leaves a log empty unless valgrind had something to say
    for log in "$work/logs"/vg.*.log; do
        [ -s "$log" ] || continue
        res=FAILED
        failed=1
        echo "---- $t: $log"
        head -n 80 "$log"
    done
    [ "$nlogs" -gt 0 ] || { res="FAILED (no valgrind log: did stampede run?)"; failed=1; }
    echo "valgrind: $t: $res ($nlogs processes, $(($(date +%s) - start)) s)"
done
[ $failed -eq 0 ] || { echo "valgrind: FAILED" >&2; exit 1; }
echo "valgrind: ok, no invalid access and no leak"
