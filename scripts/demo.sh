#!/bin/sh
# Quick start, step 1: install what is missing, build, and run the 10-second demo load
# (conf/demo.ini) against the built-in target on 127.0.0.1:8080.
set -e
cd "$(dirname "$0")/.."
sh scripts/build.sh
./stampede-target -q -l 127.0.0.1:8080 >/tmp/stampede-demo-target.log 2>&1 &
target=$!
trap 'kill $target 2>/dev/null; wait $target 2>/dev/null || true' EXIT INT TERM
i=0
until grep -q '^listening on' /tmp/stampede-demo-target.log; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 $target 2>/dev/null; then
        echo "demo: stampede-target did not start: $(cat /tmp/stampede-demo-target.log)" >&2
        echo "demo: is port 8080 in use? (ss -ltnp 'sport = :8080')" >&2
        exit 1
    fi
    sleep 0.05
done
./stampede "$@" conf/demo.ini
