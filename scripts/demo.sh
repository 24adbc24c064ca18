#!/bin/sh
# Quick start, step 1: install what is missing, build (in build/), and run the 10-second demo
# load (conf/demo.ini) against the built-in target on 127.0.0.1:8080.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-$PWD/build}
export BUILD
sh scripts/build.sh
log=$(mktemp "${TMPDIR:-/tmp}/stampede-demo.XXXXXX")
"$BUILD/stampede-target" -q -l 127.0.0.1:8080 >"$log" 2>&1 &
target=$!
trap 'kill $target 2>/dev/null; wait $target 2>/dev/null || true; rm -f "$log"' EXIT INT TERM
i=0
until grep -q '^listening on' "$log"; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 $target 2>/dev/null; then
        echo "demo: stampede-target did not start: $(cat "$log")" >&2
        echo "demo: is port 8080 in use? (ss -ltnp 'sport = :8080')" >&2
        exit 1
    fi
    sleep 0.05
done
"$BUILD/stampede" "$@" conf/demo.ini
