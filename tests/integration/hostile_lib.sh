# Helpers for the hostile_*.test: stampede against tests/hostile, a server that misbehaves in one
# way per run. Sourced after lib.sh. Every run is bounded (timeout = 1s per request, 2 rounds,
# and `timeout` around the whole) and measured (/usr/bin/time: the peak RSS of stampede and its
# workers, which must stay near that of a run against a well-behaved server).
HOSTILE=$B/tests/hostile
GNU_TIME=/usr/bin/time
[ -x "$GNU_TIME" ] || fail "$GNU_TIME not found (apt-get install time; scripts/deps.sh does)"
HOSTILE_WORKERS=2
HOSTILE_CLIENTS=4
HOSTILE_ROUNDS=2
HOSTILE_TIMEOUT_S=1
RSS_SLACK_KB=$((24 * 1024)) # a hostile run may use this much more memory than a normal one

# start_hostile MODE: sets HOSTILE_PORT and HOSTILE_PID.
start_hostile() {
    start_server hostile "$HOSTILE" -l 127.0.0.1:0 -m "$1"
    HOSTILE_PORT=$SERVER_PORT
    HOSTILE_PID=$SERVER_PID
    HOSTILE_LOG=$(ls -t "$TMP"/hostile.*.log | head -n 1)
}

# stop_hostile: stops it and sets HOSTILE_CONNS and HOSTILE_REQS from its last line.
stop_hostile() {
    kill -TERM "$HOSTILE_PID"
    wait "$HOSTILE_PID" 2>/dev/null || true
    local line
    line=$(grep '^hostile ' "$HOSTILE_LOG" | tail -n 1)
    HOSTILE_CONNS=$(sed -n 's/.* connections \([0-9]*\) .*/\1/p' <<<"$line")
    HOSTILE_REQS=$(sed -n 's/.* requests \([0-9]*\) .*/\1/p' <<<"$line")
}

# hostile_ini PORT [extra request sections...] > ini; @URL@ in a section is http://127.0.0.1:PORT
hostile_ini() {
    local base=http://127.0.0.1:$1
    cat <<INI
[run]
workers = $HOSTILE_WORKERS
clients = $HOSTILE_CLIENTS
rounds = $HOSTILE_ROUNDS

[defaults]
timeout = ${HOSTILE_TIMEOUT_S}s
connect_timeout = ${HOSTILE_TIMEOUT_S}s

[request r]
url = $base/bytes/100
INI
    shift
    local s
    for s in "$@"; do printf '\n%s\n' "${s//@URL@/$base}"; done
}

# measured_run NAME INI: runs stampede on INI with --json/--trace TMP/NAME.*, bounded by
# `timeout` (generous: under valgrind a run takes many times longer); sets RC (stampede's exit
# status) and RSS_KB (peak over stampede and workers).
measured_run() {
    local name=$1 ini=$2
    set +e
    "$GNU_TIME" -f %M -o "$TMP/$name.rss" timeout -k 3 120 "$STAMPEDE" -q --json "$TMP/$name.json" \
        --trace "$TMP/$name.tsv" "$ini" >"$TMP/$name.out" 2>"$TMP/$name.err"
    RC=$?
    set -e
    [ "$RC" -ne 124 ] && [ "$RC" -ne 137 ] || fail "$name: stampede did not end within 120 s"
    RSS_KB=$(tail -n 1 "$TMP/$name.rss")
}

# baseline_rss: the peak RSS of the same run against stampede-target, in BASE_RSS_KB.
baseline_rss() {
    start_target
    hostile_ini "$TARGET_PORT" "$@" >"$TMP/base.ini"
    measured_run base "$TMP/base.ini"
    assert_eq "$RC" 0 "baseline run exit status"
    BASE_RSS_KB=$RSS_KB
}

# hostile_check MODE KIND [extra request sections...]: the whole test for one mode. Every
# planned request must end, in the error kind KIND ("ok" for none), within its timeouts, with
# memory bounded, and the JSON summary, the trace and the exit status must agree.
hostile_check() {
    local mode=$1 kind=$2
    shift 2
    local nreq=$((1 + $#))
    local planned=$((HOSTILE_CLIENTS * HOSTILE_ROUNDS * nreq))
    baseline_rss "$@"
    start_hostile "$mode"
    hostile_ini "$HOSTILE_PORT" "$@" >"$TMP/h.ini"
    measured_run h "$TMP/h.ini"
    stop_hostile
    local j=$TMP/h.json
    [ -s "$j" ] || fail "$mode: no JSON summary (exit $RC): $(cat "$TMP/h.err")"
    note "$mode: $(jq -c '{requests, errors, duration_s}' "$j") rss ${RSS_KB}k (baseline ${BASE_RSS_KB}k)"
    # failed requests are results, not a failed run; a run of nothing but failures exits 4
    assert_eq "$RC" "$([ "$kind" = ok ] && echo 0 || echo 4)" "$mode: exit status"
    assert_eq "$(jq -r .requests.total "$j")" "$planned" "$mode: requests.total"
    assert_eq "$(jq -r .requests.started "$j")" "$planned" "$mode: requests.started"
    assert_eq "$(grep -vc '^#' "$TMP/h.tsv")" "$planned" "$mode: trace lines"
    assert_eq "$(jq -r '[.workers[] | select(.exit_code != 0 or .signal != 0)] | length' "$j")" 0 \
        "$mode: workers that failed"
    if [ "$kind" = ok ]; then
        assert_eq "$(jq -r .requests.ok "$j")" "$planned" "$mode: ok"
        assert_eq "$(jq -r '.errors | length' "$j")" 0 "$mode: error kinds"
    else
        assert_eq "$(jq -r .requests.failed "$j")" "$planned" "$mode: failed"
        assert_eq "$(jq -r ".errors.$kind // 0" "$j")" "$planned" "$mode: errors.$kind"
        assert_eq "$(jq -r '.status["599"]' "$j")" "$planned" "$mode: status 599"
    fi
    # Every request ended by its timeout, on the run's own clock: none took longer than the
    # timeout and 900 ms for a loaded machine or valgrind (under a second, so that a timer on
    # whole seconds would show; without a working timeout these servers hold a request for
    # 40 s or for ever). The run, a sequence of such requests per client, ends within their sum
    # and 5 s for the workers to exit (valgrind checks for leaks at every process's exit).
    local dur max
    dur=$(jq -r .duration_s "$j")
    max=$(awk -v r="$HOSTILE_ROUNDS" -v n="$nreq" -v t="$HOSTILE_TIMEOUT_S" \
        'BEGIN { print r * n * t + 5 }')
    assert_between "$dur" 0 "$max" "$mode: run duration (s)"
    local lat
    lat=$(jq -r '[.latency_us.max, .latency_failed_us.max] | max' "$j")
    assert_between "$lat" 0 $((HOSTILE_TIMEOUT_S * 1000000 + 900000)) "$mode: slowest request (us)"
    assert_between "$RSS_KB" 1 $((BASE_RSS_KB + RSS_SLACK_KB)) "$mode: peak RSS (kB)"
    grep -q "killed by signal" "$TMP/h.err" && fail "$mode: a worker was killed: $(cat "$TMP/h.err")"
    return 0
}
