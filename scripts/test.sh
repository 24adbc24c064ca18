#!/bin/sh
# Quick start, step 2: install what is missing, build (scripts/build.sh, in build/ or $BUILD),
# run every test (make check) and end with one line "N passed, N failed".
set -e
cd "$(dirname "$0")/.."
SRC=$PWD
BUILD=${BUILD:-$SRC/build}
export BUILD
sh scripts/build.sh
cd "$BUILD"
rm -f test-suite.log
set +e
make -j"$(nproc)" check >check.out 2>&1
status=$?
set -e
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP|XFAIL):' check.out || true
# Why each failed test failed, in its own words.
if [ $status -ne 0 ]; then
    for log in $(grep -lE '^:test-result: (FAIL|ERROR|XPASS)' tests/*/*.trs 2>/dev/null); do
        log=${log%.trs}.log
        echo "---- $log"
        sh "$SRC/scripts/show-test-log.sh" "$log"
    done
fi
count() { sed -n "s/^# $1: *\\([0-9]*\\).*/\\1/p" test-suite.log 2>/dev/null | head -n 1; }
pass=$(count PASS); xfail=$(count XFAIL); fail=$(count FAIL); error=$(count ERROR)
xpass=$(count XPASS); skip=$(count SKIP)
passed=$(( ${pass:-0} + ${xfail:-0} ))
failed=$(( ${fail:-0} + ${error:-0} + ${xpass:-0} ))
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then
    tail -n 30 check.out
    failed=1
fi
echo "${passed} passed, ${failed} failed, ${skip:-0} skipped"
[ $failed -eq 0 ]
