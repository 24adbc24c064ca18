#!/bin/sh
# Builds everything with AddressSanitizer and UBSan (./configure --enable-sanitizers) in
# build-asan/ (or $ASAN_BUILD) and runs every test there (scripts/test.sh). Fails when a test
# fails or when any process wrote a sanitizer report, even one whose exit status no test saw.
set -e
cd "$(dirname "$0")/.."
BUILD=${ASAN_BUILD:-$PWD/build-asan}
rm -rf "$BUILD/sanitizer-reports"
status=0
BUILD=$BUILD CONFIGURE_FLAGS="--enable-sanitizers" sh scripts/test.sh || status=$?
if [ -n "$(ls -A "$BUILD/sanitizer-reports" 2>/dev/null)" ]; then
    for r in "$BUILD"/sanitizer-reports/*; do
        echo "---- $r"
        head -n 60 "$r"
    done
    echo "sanitize: FAILED: sanitizer reports in $BUILD/sanitizer-reports" >&2
    exit 1
fi
[ $status -eq 0 ] || { echo "sanitize: FAILED: tests failed in $BUILD" >&2; exit 1; }
echo "sanitize: ok, every test passed under ASan and UBSan with no report"
