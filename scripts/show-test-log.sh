#!/bin/sh
# show-test-log.sh FILE: why a test failed, in its own words: all of its output when short,
# else every FAIL line and then its last 60 lines. For scripts/test.sh and scripts/valgrind.sh.
log=$1
if [ "$(wc -l <"$log")" -le 200 ]; then
    cat "$log"
else
    grep '^FAIL' "$log" || true
    echo "[...]"
    tail -n 60 "$log"
fi
