#!/usr/bin/env bash
# run.sh: stampede's benchmark. It measures what stampede exists for (generating load
# cheaply and exactly) against a private nginx on loopback, next to wrk, h2load and ab.
#
#   tests/bench/run.sh [MODE...]      modes: compare (default), ramp, scale, profile, messages,
#                                     idle, cluster, mpi, all
#   tests/bench/run.sh -h             the knobs
#
# Not part of `make check`: it installs packages, takes minutes and wants a quiet machine.
set -u

usage() {
    cat <<'EOF'
usage: tests/bench/run.sh [-h] [MODE...]

Modes (default: compare):
  compare  stampede, wrk, h2load and ab, one after another against a private nginx
           (1 worker pinned to SRV_CPU, 100-byte and 16 KiB files, stub_status), each
           generator pinned to GEN_CPU, in ROUNDS interleaved rounds over the cases
             c64    64 connections, 100-byte body
             c1000  1000 connections, 100-byte body
             b16k   64 connections, 16 KiB body
             w2     stampede with 2 workers and wrk with 2 threads, neither pinned
             r20k   a constant RATE requests/s over 64 connections: stampede -R next to
                    wrk2 -R (the reference here), both pinned; the achieved rate is what
                    nginx served over DURATION, as a ratio to the target (rate_vs_target)
           The fair figure is the generator's CPU time (user+sys) per request that nginx
           served, as a ratio to wrk's in the same round and case (vs_ref), median of the
           rounds; rps says more about the server than about the generator here.
  ramp     RAMP_CLIENTS clients ramped over RAMP_SECONDS against stampede-target; the
           scoreboard is sampled every 100 ms (sbread) and compared with the ideal line
  scale    SCALE_CLIENTS concurrent keep-alive clients (each list entry is one try) against
           nginx on several 127.0.0.N addresses, held SCALE_HOLD seconds after the ramp;
           reports errors, connections open and the workers' RSS per client
  profile  fixed-size runs under strace -c, callgrind and perf stat (syscalls,
           instructions and context switches per request), stampede next to wrk
  sessions stampede alone against stampede-target (pinned to SRV_CPU), in ROUNDS
           interleaved rounds: the plain model walking login, auth and json at 64
           clients with fixed values, next to a breadth_first sequence at 64 slots whose
           steps capture the token (JSON), send it back (Authorization: Bearer ${token}),
           check every status and a JSON member and keep cookies; SESSION_REPS
           repetitions (rounds) each; the plain model sends the cookie the sequence's jar
           sends back. The figure is the generator's CPU time per request, the sequence's
           as a ratio to the plain model's: of the medians, and the median of the rounds'
           own ratios (target: at most 1.10)
  messages raw TCP and WebSocket messages against stampede-target's echoes, stampede next
           to tcpkali (CPU per message, ratio in the same round; see tests/bench/messages.sh)
  idle     IDLE_CHANNELS idle WebSocket channels held: the worker's RSS per channel
  cluster  CLUSTER_CLIENTS keep-alive clients from one stampede-mpi job over CLUSTER_RANKS
           ranks, spread over 127.0.0.N source addresses (local_ips), held against nginx
           (see tests/bench/cluster.sh)
  mpi      stampede-mpi's cost: mpirun -np 2 stampede-mpi -w 1 (and -np 1 -w 2) next to
           stampede -w 2, the same fixed load, CPU per request incl. mpirun (see mpi.sh)
  all      compare, ramp and scale

Environment (defaults in brackets):
  DURATION       seconds of load per tool and case                      [8]
  ROUNDS         interleaved rounds; medians are over these             [3]
  CASES          compare cases, in order                                [c64 c1000 b16k w2]
  TOOLS          generators of the pinned cases                         [stampede wrk h2load ab]
  RATE           requests per second of the r20k case                   [20000]
  WRK2           the wrk2 binary                  [../shared/bench/bin/wrk2, else PATH]
  FLOOR_SRC      a C file of a minimal keep-alive client (usage: -c N -d S URL, prints
                 requests=N); when set it is built and run as the "floor" row  []
  OUT            where the TSVs and logs go                             [tests/bench/out]
  PORT           nginx port (compare, profile, scale)                   [18480]
  GEN_CPU        CPU for the generators                                 [0]
  SRV_CPU        CPU for nginx                                          [1]
  SETTLE         seconds between two tools                              [1]
  RAMP_CLIENTS   [10000]  RAMP_SECONDS [10]  RAMP_WORKERS [2]  RAMP_PORT [18481]
  SCALE_CLIENTS  [10000 50000]  SCALE_HOLD [30]  SCALE_RAMP [10]
  SCALE_PER_WORKER clients per stampede process (one process per address) [10000]
  SCALE_THINK    postdelay between a client's requests in scale mode    [5s]
  PROFILE_ROUNDS requests per connection in profile mode (64 connections) [500]
  PROFILE_PATH   what profile mode requests: /small (100 B) or /16k      [/small]
  SESSION_REPS   sessions mode: repetitions of the sequence (rounds x 64) [64000]
  SESSION_PORT   sessions mode: stampede-target's port                   [18482]
  MSG_CONNS [100]  MSG_RATE per channel [200]  MSG_SECONDS [5]  MSG_TEXT [64 bytes]
  TCPKALI        the tcpkali binary            [../shared/bench/bin/tcpkali]
  IDLE_CHANNELS  [10000]  IDLE_HOLD seconds [10]
  CLUSTER_CLIENTS [100000]  CLUSTER_RANKS [4]  CLUSTER_WORKERS per rank [2]
  CLUSTER_RAMP [20]  CLUSTER_HOLD [30]  CLUSTER_THINK [5s]  CLUSTER_PORT [18500]
  CLUSTER_NGINX_WORKERS [8]  CLUSTER_PER_ADDRESS clients per source address [12500]
  STAMPEDE, TARGET  binaries [the build tree's; built when missing]
  NO_DEPS=1      do not run tests/bench/deps.sh
  KEEP_TMP=1     keep the temp dir (nginx config, raw outputs of every tool)

Every process it starts is stopped by PID on exit, also on errors, Ctrl-C and SIGTERM (the
tool in flight gets SIGTERM). Load goes to 127.0.0.0/8 only.
EOF
}

MODES=()
for a in "$@"; do
    case $a in
    -h | --help) usage; exit 0 ;;
    compare | ramp | scale | profile | sessions | messages | idle | cluster | mpi) MODES+=("$a") ;;
    all) MODES+=(compare ramp scale) ;;
    *) usage >&2; exit 2 ;;
    esac
done
[ ${#MODES[@]} = 0 ] && MODES=(compare)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
# shellcheck source=tests/bench/messages.sh
. "$HERE/messages.sh"
# shellcheck source=tests/bench/cluster.sh
. "$HERE/cluster.sh"
# shellcheck source=tests/bench/mpi.sh
. "$HERE/mpi.sh"

DURATION=${DURATION:-8}
ROUNDS=${ROUNDS:-3}
CASES=${CASES:-c64 c1000 b16k w2}
TOOLS=${TOOLS:-stampede wrk h2load ab}
FLOOR_SRC=${FLOOR_SRC:-}
OUT=${OUT:-$HERE/out}
PORT=${PORT:-18480}
GEN_CPU=${GEN_CPU:-0}
SRV_CPU=${SRV_CPU:-1}
SETTLE=${SETTLE:-1}
RAMP_CLIENTS=${RAMP_CLIENTS:-10000}
RAMP_SECONDS=${RAMP_SECONDS:-10}
RAMP_WORKERS=${RAMP_WORKERS:-2}
RAMP_PORT=${RAMP_PORT:-18481}
SCALE_CLIENTS=${SCALE_CLIENTS:-10000 50000}
SCALE_HOLD=${SCALE_HOLD:-30}
SCALE_RAMP=${SCALE_RAMP:-10}
SCALE_PER_WORKER=${SCALE_PER_WORKER:-10000}
SCALE_THINK=${SCALE_THINK:-5s}
PROFILE_ROUNDS=${PROFILE_ROUNDS:-500}
PROFILE_PATH=${PROFILE_PATH:-/small}
RATE=${RATE:-20000}
SESSION_REPS=${SESSION_REPS:-64000}
SESSION_PORT=${SESSION_PORT:-18482}
WRK2=${WRK2:-$TOP/../shared/bench/bin/wrk2}
[ -x "$WRK2" ] || WRK2=$(command -v wrk2 || true)
HOST=127.0.0.1

for v in DURATION ROUNDS RATE PORT GEN_CPU SRV_CPU SETTLE RAMP_CLIENTS RAMP_SECONDS RAMP_WORKERS \
    RAMP_PORT SCALE_HOLD SCALE_RAMP SCALE_PER_WORKER PROFILE_ROUNDS SESSION_REPS SESSION_PORT; do
    case ${!v} in '' | *[!0-9]*) die "$v must be a non-negative integer, got '${!v}'" ;; esac
done
[ "$DURATION" -ge 2 ] || die "DURATION must be at least 2 (seconds)"
[ "$ROUNDS" -ge 1 ] || die "ROUNDS must be at least 1"

if [ "${NO_DEPS:-0}" != 1 ]; then
    dep_arg=
    for m in "${MODES[@]}"; do [ "$m" = profile ] && dep_arg=profile; done
    sh "$HERE/deps.sh" $dep_arg || die "installing the dependencies failed (tests/bench/deps.sh)"
fi
for c in nginx taskset timeout jq cc; do
    command -v $c >/dev/null || die "$c not found (tests/bench/deps.sh installs it)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"

# Every connection is a file descriptor; root without CAP_SYS_RESOURCE stops at the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
[ "$NOFILE" = unlimited ] && NOFILE=1048576

T=$(mktemp -d "${TMPDIR:-/tmp}/stampede-bench.XXXXXX") || die "mktemp failed"
chmod 755 "$T" # nginx workers run unprivileged and read html/ below it
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$OUT"
find_stampede "$TOP"

now_s() { echo "${EPOCHREALTIME/,/.}"; }
elapsed_since() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.3f", b - a }'; }

# ================================================================== compare
# Fills CMD for TOOL with CONNS connections to URL for DURATION s. Returns 1 when unavailable.
build_cmd() { # tool conns url
    local tool=$1 n=$2 url=$3
    CMD=()
    case $tool in
    stampede) CMD=("$STAMPEDE" -q -w 1 -c "$n" -d "${DURATION}s" --json "$RAW.json" "$url") ;;
    stampede-w2) CMD=("$STAMPEDE" -q -w 2 -c "$n" -d "${DURATION}s" --json "$RAW.json" "$url") ;;
    wrk) command -v wrk >/dev/null && CMD=(wrk -t1 -c"$n" -d"${DURATION}s" --latency "$url") ;;
    wrk-t2) command -v wrk >/dev/null && CMD=(wrk -t2 -c"$n" -d"${DURATION}s" --latency "$url") ;;
    stampede-rate) CMD=("$STAMPEDE" -q -w 1 -c "$n" -R "$RATE" -d "${DURATION}s" --json "$RAW.json" "$url") ;;
    wrk2) [ -n "$WRK2" ] && CMD=("$WRK2" -t1 -c"$n" -d"${DURATION}s" -R"$RATE" --latency "$url") ;;
    h2load) command -v h2load >/dev/null && CMD=(h2load --h1 -t1 -c"$n" -D "$DURATION" "$url") ;;
    ab) command -v ab >/dev/null && CMD=(ab -k -q -c"$n" -t"$DURATION" -n 100000000 -e "$RAW.csv" "$url") ;;
    floor) [ -n "${FLOOR_BIN:-}" ] && CMD=("$FLOOR_BIN" -c "$n" -d "$DURATION" "$url") ;;
    *) note "unknown tool '$tool'"; return 1 ;;
    esac
    [ ${#CMD[@]} -gt 0 ] || { note "$tool skipped: not available"; return 1; }
}

# Prints "requests rps p50_us p99_us errors opened" from a tool's output (NA = not reported).
parse_out() { # tool
    case $1 in
    stampede*)
        jq -r '[.requests.total, .rps, .latency_us.p50, .latency_us.p99, .requests.failed,
                .connections.opened] | map(tostring) | join(" ")' "$RAW.json" 2>/dev/null ||
            echo "NA NA NA NA NA NA"
        ;;
    wrk*)
        awk 'function us(v,  n, u) { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
                 return u == "us" ? n : u == "ms" ? n * 1e3 : u == "s" ? n * 1e6 : u == "m" ? n * 6e7 : n }
            / requests in / { req = $1 }
            /^Requests\/sec:/ { rps = $2 }
            /^ +50(\.000)?% / { p50 = us($2) }
            /^ +99(\.000)?% / { p99 = us($2) }
            /Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
            /Non-2xx or 3xx responses:/ { err += $NF }
            END { printf "%s %s %s %s %d NA\n", req == "" ? "NA" : req, rps == "" ? "NA" : rps,
                         p50 == "" ? "NA" : p50, p99 == "" ? "NA" : p99, err }' "$RAW.out"
        ;;
    h2load) # no percentiles in its summary
        awk '/^finished in / { rps = $4 }
            /^requests: / { gsub(/,/, ""); req = $8; err += $10 + $12 + $14 }
            /^status codes: / { gsub(/,/, ""); err += $7 + $9 }
            END { printf "%s %s NA NA %d NA\n", req == "" ? "NA" : req, rps == "" ? "NA" : rps, err }' "$RAW.out"
        ;;
    ab) # percentiles from its -e CSV (milliseconds with decimals)
        awk -v csv="$RAW.csv" 'BEGIN { FS = ":"
                while ((getline line < csv) > 0) { split(line, a, ",")
                    if (a[1] == "50") p50 = a[2] * 1e3; if (a[1] == "99") p99 = a[2] * 1e3 } }
            /^Complete requests:/ { req = $2 + 0 }
            /^Failed requests:/ { err += $2 }
            /^Non-2xx responses:/ { err += $2 }
            /^Requests per second:/ { rps = $2 + 0 }
            END { printf "%s %s %s %s %d NA\n", req == "" ? "NA" : req, rps == "" ? "NA" : rps,
                         p50 == "" ? "NA" : p50, p99 == "" ? "NA" : p99, err }' "$RAW.out"
        ;;
    floor)
        awk '{ for (i = 1; i <= NF; i++) { split($i, a, "=")
                   if (a[1] == "requests") req = a[2]; if (a[1] == "rps") rps = a[2] } }
            END { printf "%s %s NA NA 0 NA\n", req == "" ? "NA" : req, rps == "" ? "NA" : rps }' "$RAW.out"
        ;;
    esac
}

case_params() { # case -> CONNS URL_PATH PINNED CASE_TOOLS REF
    case $1 in
    c64) CONNS=64 URL_PATH=/small PINNED=1 CASE_TOOLS="$TOOLS" REF=wrk ;;
    c1000) CONNS=1000 URL_PATH=/small PINNED=1 CASE_TOOLS="$TOOLS" REF=wrk ;;
    b16k) CONNS=64 URL_PATH=/16k PINNED=1 CASE_TOOLS="$TOOLS" REF=wrk ;;
    w2) CONNS=64 URL_PATH=/small PINNED=0 CASE_TOOLS="stampede-w2 wrk-t2" REF=wrk-t2 ;;
    r20k) CONNS=64 URL_PATH=/small PINNED=1 CASE_TOOLS="stampede-rate wrk2" REF=wrk2 ;;
    *) die "unknown case '$1' (c64 c1000 b16k w2 r20k)" ;;
    esac
    [ -n "${FLOOR_BIN:-}" ] && [ "$PINNED" = 1 ] && [ "$1" != r20k ] && CASE_TOOLS="$CASE_TOOLS floor"
    return 0
}

TSV_HEADER="round	case	tool	conns	path	rps	p50_us	p99_us	requests	served	errors	cpu_s	elapsed_s	cpu_us_per_req	vs_ref	gen_pct	srv_pct	srv_us_per_req	bound	maxrss_kb	parent_hwm_kb	worker_hwm_kb	active_mid	opened	rc	user_s	sys_s"

# One tool, one case, one round: appends a row to $ROWS.
run_one() { # round case tool
    local round=$1 cs=$2 tool=$3 tm lpid rc t0 mid_done=0 probes=0 q0 q1 s0 s1 active=NA
    case_params "$cs"
    local url="http://$HOST:$PORT$URL_PATH"
    RAW=$T/raw/$cs.$tool.r$round
    build_cmd "$tool" "$CONNS" "$url" || return 0
    tm=$RAW.time
    srv_status "$HOST" "$PORT" || die "nginx does not answer stub_status"
    q0=$SRV_REQUESTS
    s0=$(srv_ns)
    local pin=()
    [ "$PINNED" = 1 ] && pin=(taskset -c "$GEN_CPU")
    t0=$(now_s)
    "${pin[@]}" /usr/bin/time -f '%U %S %M %e' -o "$tm" \
        timeout -k 5 $((DURATION + 30)) "${CMD[@]}" >"$RAW.out" 2>&1 </dev/null &
    lpid=$!
    BG_PIDS+=("$lpid")
    tree_reset
    while kill -0 "$lpid" 2>/dev/null; do
        sleep 0.5
        tree_sample "$lpid"
        if [ $mid_done = 0 ] && awk -v e="$(elapsed_since "$t0")" -v d="$DURATION" 'BEGIN { exit !(e >= d / 2) }'; then
            mid_done=1
            if srv_status "$HOST" "$PORT"; then
                probes=$((probes + 1))
                active=$((SRV_ACTIVE - 1)) # less the status connection itself
            fi
        fi
    done
    wait "$lpid"
    rc=$?
    bg_forget "$lpid"
    s1=$(srv_ns)
    srv_status "$HOST" "$PORT" || die "nginx stopped answering during $tool"
    q1=$SRV_REQUESTS
    local parsed
    parsed=$(parse_out "$tool")
    if [ $rc != 0 ] || [ "${parsed%% *}" = NA ]; then
        note "$tool ($cs, round $round) exited $rc; the end of its output:"
        tail -4 "$RAW.out" | sed 's/^/    /' >&2
    fi
    [ -s "$tm" ] || echo "0 0 0 0" >"$tm"
    tail -1 "$tm" | awk -v OFS='\t' -v round="$round" -v cs="$cs" -v tool="$tool" -v conns="$CONNS" \
        -v path="$URL_PATH" -v parsed="$parsed" -v q0="$q0" -v q1="$q1" -v probes="$probes" \
        -v s0="$s0" -v s1="$s1" -v rc="$rc" -v phwm="$S_PARENT_HWM" -v whwm="$S_WORKER_HWM" \
        -v thwm="$S_MAX_HWM" -v active="$active" '
        function num(v, fmt) { return (v == "NA" || v == "") ? "NA" : sprintf(fmt, v) }
        {
            user = $1; sys = $2; rss = $3; el = $4
            split(parsed, p, " ")
            req = p[1]; rps = p[2]; p50 = p[3]; p99 = p[4]; err = p[5]; opened = p[6]
            served = q1 - q0 - 1 - probes     # less our own status requests
            cpu = user + sys
            if (rss < thwm) rss = thwm        # a sample may have seen more than wait4 reports
            cpr = served > 0 ? cpu * 1e6 / served : "NA"
            gen = el > 0 ? cpu / el * 100 : "NA"
            srvs = (s1 - s0) / 1e9
            srv = el > 0 ? srvs / el * 100 : "NA"
            spr = served > 0 ? srvs * 1e6 / served : "NA"
            bound = "-"
            if (srv != "NA" && srv >= 95) bound = "server"
            if (gen != "NA" && gen >= 95) bound = bound == "server" ? "both" : "gen"
            print round, cs, tool, conns, path, num(rps, "%.0f"), num(p50, "%.0f"), num(p99, "%.0f"),
                num(req, "%d"), served, num(err, "%d"), sprintf("%.2f", cpu), sprintf("%.2f", el),
                num(cpr, "%.3f"), "NA", num(gen, "%.0f"), num(srv, "%.0f"), num(spr, "%.3f"), bound,
                rss, (phwm > 0 ? phwm : "NA"), (whwm > 0 ? whwm : "NA"), active, opened, rc,
                sprintf("%.2f", user), sprintf("%.2f", sys)
        }' >>"$ROWS"
}

# Peak RSS of each tool with a single connection: what "above the idle process" subtracts.
measure_idle() {
    local tool tm lpid DURATION=2
    : >"$T/idle.tsv"
    for tool in $TOOLS; do
        RAW=$T/raw/idle.$tool
        build_cmd "$tool" 1 "http://$HOST:$PORT/small" || continue
        tm=$RAW.time
        taskset -c "$GEN_CPU" /usr/bin/time -f '%U %S %M %e' -o "$tm" \
            timeout -k 5 $((DURATION + 30)) "${CMD[@]}" >"$RAW.out" 2>&1 </dev/null &
        lpid=$!
        BG_PIDS+=("$lpid")
        watch_tree "$lpid"
        printf '%s\t%s\t%s\t%s\n' "$tool" "$(tail -1 "$tm" | awk '{print $3}')" "$S_PARENT_HWM" "$S_WORKER_HWM" >>"$T/idle.tsv"
    done
}

medians() { # rows (with vs_ref) -> one row per case and tool, round = median
    awk -F'\t' -v OFS='\t' '
        function med(list,  n, a, i, j, t) {
            n = split(list, a, " ")
            if (n == 0) return "NA"
            for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
            return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        {
            k = $2 SUBSEP $3
            if (!(k in seen)) { seen[k] = 1; order[++nk] = k; cs[k] = $2; tl[k] = $3; cn[k] = $4; pa[k] = $5 }
            for (c = 6; c <= NF; c++) if (c != 19 && c != 25 && $c != "NA") v[k, c] = v[k, c] " " $c
            rc[k] = rc[k] (rc[k] == "" ? "" : ",") $25
            if (NF > nf) nf = NF
        }
        END {
            for (i = 1; i <= nk; i++) {
                k = order[i]; line = "median" OFS cs[k] OFS tl[k] OFS cn[k] OFS pa[k]
                for (c = 6; c <= nf; c++) {
                    if (c == 25) { line = line OFS rc[k]; continue }
                    if (c == 19) {
                        g = med(v[k, 16]); s = med(v[k, 17]); b = "-"
                        if (s != "NA" && s >= 95) b = "server"
                        if (g != "NA" && g >= 95) b = b == "server" ? "both" : "gen"
                        line = line OFS b; continue
                    }
                    m = med(v[k, c])
                    if (m != "NA") m = sprintf((c == 14 || c == 15 || c == 18) ? "%.3f" : (c == 12 || c == 13 || c >= 26) ? "%.2f" : "%.0f", m)
                    line = line OFS m
                }
                print line
            }
        }' "$1"
}

print_table() { # title rows
    echo
    echo "$1"
    awk -F'\t' 'BEGIN {
            printf "%-6s %-12s %5s %7s %-6s %6s %7s %8s %6s %9s %8s %8s %8s %6s %6s\n", "case", "tool",
                "conns", "rps", "bound", "p50_us", "p99_us", "cpu_us/q", "vs_ref", "maxrss_kb",
                "wkr_hwm", "par_hwm", "open_mid", "opened", "errors" }
        { printf "%-6s %-12s %5s %7s %-6s %6s %7s %8s %6s %9s %8s %8s %8s %6s %6s\n", $2, $3, $4, $6,
            $19, $7, $8, $14, $15, $20, $22, $21, $23, $24, $11 }' "$2"
}

mode_compare() {
    local round cs tool i n tools
    echo "== compare: $(machine_line)"
    echo "   nginx 1 worker on cpu $SRV_CPU, generators on cpu $GEN_CPU; ${DURATION}s per tool, $ROUNDS rounds, cases: $CASES"
    echo "   loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
    if command -v dpkg-query >/dev/null; then
        echo "   versions: $(dpkg-query -W -f='${Package}=${Version} ' nginx wrk nghttp2-client apache2-utils 2>/dev/null)$("$STAMPEDE" -V)"
    fi
    mkdir -p "$T/raw" "$T/nginx"
    if [ -n "$FLOOR_SRC" ]; then
        FLOOR_BIN=$T/floor
        cc -O2 -std=c11 -Wall -Wextra -o "$FLOOR_BIN" "$FLOOR_SRC" 2>"$T/floor.err" ||
            { note "FLOOR_SRC did not build: $(head -2 "$T/floor.err")"; FLOOR_BIN=; }
    fi
    nginx_start "$T/nginx" 1 "$SRV_CPU" 4096 "$HOST:$PORT"
    echo "   nginx pid $NGINX_PID, worker ${NGINX_WORKERS[*]}"
    ROWS=$T/rows.tsv
    : >"$ROWS"

    # Warm-up: page cache, nginx's open_file_cache, CPU frequency.
    taskset -c "$GEN_CPU" timeout 10 wrk -t1 -c64 -d2s "http://$HOST:$PORT/small" >/dev/null 2>&1
    measure_idle

    for round in $(seq "$ROUNDS"); do
        for cs in $CASES; do
            case_params "$cs"
            # Rotate the order every round, so that no tool always runs first (or last).
            read -r -a tools <<<"$CASE_TOOLS"
            n=${#tools[@]}
            for ((i = 0; i < n; i++)); do
                tool=${tools[$(((i + round - 1) % n))]}
                run_one "$round" "$cs" "$tool"
                sleep "$SETTLE"
            done
        done
        note "round $round of $ROUNDS done"
    done
    if grep -q '\[\(alert\|crit\|emerg\)\]' "$T/nginx/logs/error.log" 2>/dev/null; then
        note "nginx logged problems:"
        grep '\[\(alert\|crit\|emerg\)\]' "$T/nginx/logs/error.log" | tail -5 | sed 's/^/    /' >&2
    fi

    # vs_ref: cpu per served request over the reference tool's in the same round and case
    awk -F'\t' -v OFS='\t' '
        FNR == NR { ref = $2 == "w2" ? "wrk-t2" : $2 == "r20k" ? "wrk2" : "wrk"; if ($3 == ref && $14 != "NA") r[$1, $2] = $14; next }
        { if (($1, $2) in r && $14 != "NA" && r[$1, $2] > 0) $15 = sprintf("%.3f", $14 / r[$1, $2]); print }
    ' "$ROWS" "$ROWS" >"$T/rows2.tsv" && mv "$T/rows2.tsv" "$ROWS"

    for round in $(seq "$ROUNDS"); do
        awk -F'\t' -v r="$round" '$1 == r' "$ROWS" >"$T/round.tsv"
        print_table "round $round" "$T/round.tsv"
    done
    medians "$ROWS" >"$T/median.tsv"
    print_table "median of $ROUNDS rounds (cpu_us/q: generator CPU per request nginx served; vs_ref: over wrk's, wrk-t2's for w2, wrk2's for r20k)" "$T/median.tsv"

    echo
    echo "memory per connection at 1000 connections, above the same tool with 1 connection:"
    awk -F'\t' 'FNR == NR { idle[$1] = $2; iw[$1] = $4; next }
        $1 == "median" && $2 == "c1000" {
            t = $3; base = (t == "stampede" && iw[t] > 0) ? iw[t] : idle[t]
            peak = (t == "stampede" && $22 != "NA") ? $22 : $20
            if (base > 0 && peak != "NA")
                printf "  %-10s peak %6d kB  idle %6d kB  %.2f KiB per connection%s\n", t, peak, base,
                    (peak - base) / $4, t == "stampede" ? " (the worker process)" : ""
        }' "$T/idle.tsv" "$T/median.tsv"

    if grep -q '	r20k	' "$ROWS"; then
        echo
        echo "achieved rate at $RATE/s for ${DURATION}s: what nginx served over the target, per round"
        awk -F'\t' -v want=$((RATE * DURATION)) '$2 == "r20k" && $1 != "median" {
                printf "  round %s  %-14s served %7d  rate_vs_target %.4f\n", $1, $3, $10, $10 / want }' "$ROWS"
    fi
    { echo "$TSV_HEADER"; cat "$ROWS" "$T/median.tsv"; } >"$OUT/compare.tsv"
    { printf 'tool\tmaxrss_kb\tparent_hwm_kb\tworker_hwm_kb\n'; cat "$T/idle.tsv"; } >"$OUT/idle.tsv"
    echo
    echo "TSV: $OUT/compare.tsv (every round, then the medians); idle RSS: $OUT/idle.tsv"
    nginx_stop
}

# ================================================================== ramp
mode_ramp() {
    local n=$RAMP_CLIENTS d=$RAMP_SECONDS spid rpid
    echo "== ramp: $(machine_line)"
    echo "   $n clients over ${d}s, $RAMP_WORKERS workers, against stampede-target; scoreboard sampled every 100 ms"
    [ -x "$TARGET" ] || die "no stampede-target at $TARGET"
    [ $((n / RAMP_WORKERS + 64)) -le "$NOFILE" ] || die "open file limit $NOFILE is too low for $n clients over $RAMP_WORKERS workers (raise ulimit -n)"
    [ "$n" -le "$NOFILE" ] || note "stampede-target can hold at most $NOFILE connections; the ramp may stall"
    build_sbread "$TOP"
    "$TARGET" -q -l "$HOST:$RAMP_PORT" >"$T/target.log" 2>&1 &
    spid=$!
    BG_PIDS+=("$spid")
    local i
    for ((i = 0; i < 100; i++)); do
        (exec 3<>"/dev/tcp/$HOST/$RAMP_PORT") 2>/dev/null && break
        sleep 0.05
    done
    cat >"$T/ramp.ini" <<EOF
; the benchmark's ramp check: every client starts on the global timetable, then sends one
; small request a second
[run]
workers = $RAMP_WORKERS
clients = $n
ramp_start = 0
ramp_duration = ${d}s
rounds = 0
duration = $((d + 2))s
grace = 1s

[request small]
url = http://$HOST:$RAMP_PORT/bytes/100
postdelay = 1s
timeout = 10s
EOF
    rm -f "$T/ramp.sb"
    "$STAMPEDE" -q --scoreboard "$T/ramp.sb" --keep-scoreboard --json "$T/ramp.json" "$T/ramp.ini" \
        >"$T/ramp.out" 2>&1 &
    rpid=$!
    BG_PIDS+=("$rpid")
    "$SBREAD" -i 100 -t $((d + 60)) "$T/ramp.sb" >"$OUT/ramp-samples.txt" || note "sbread failed"
    wait "$rpid"
    local rc=$?
    bg_forget "$rpid"
    end_pid "$spid"
    bg_forget "$spid"
    [ $rc = 0 ] || { note "stampede exited $rc:"; tail -5 "$T/ramp.out" >&2; }
    awk -v n="$n" -v d="$d" -v start=0 '
        # ideal: clients start + k-1 (k >= 1) starts at k * d / (n - start) seconds
        $1 >= 0 {
            t = $1 / 1000; s = $2
            ideal = t >= d ? n : start + int(t * (n - start) / d + 1e-9)
            dev = s - ideal
            if (dev < 0 ? -dev > maxabs : dev > maxabs) { maxabs = dev < 0 ? -dev : dev; at = t; sgn = dev }
            samples++
        }
        END {
            printf "   samples %d  max deviation %d clients (%.3f%% of %d) at t=%.1fs (%s the line)\n",
                samples, maxabs, maxabs * 100 / n, n, at, (sgn < 0 ? "behind" : (sgn > 0 ? "ahead of" : "on"))
            printf "RAMP\t%d\t%.1f\t%d\t%.4f\t%.1f\n", samples, d, maxabs, maxabs * 100 / n, at
        }' "$OUT/ramp-samples.txt" >"$T/ramp.res"
    grep -v '^RAMP' "$T/ramp.res"
    jq -r '"   requests \(.requests.total) (\(.requests.failed) failed), connections opened \(.connections.opened), errors \(.errors)"' "$T/ramp.json" 2>/dev/null
    { printf 'mode\tsamples\tramp_s\tmax_dev_clients\tmax_dev_pct\tat_s\n'; grep '^RAMP' "$T/ramp.res"; } >"$OUT/ramp.tsv"
    rm -f "$T/ramp.sb"
    echo "   samples: $OUT/ramp-samples.txt (t_ms started active done requests started_per_worker...)"
}

# ================================================================== scale
# One try: C clients over M stampede processes of one worker each, process i talking to
# 127.0.0.(i+1), so that no address pair runs out of ephemeral ports.
scale_try() { # clients
    local c=$1 m i per pids=() launch=() rc t0 held_min=-1 mid_rss=0 mid_active=NA sample_rss
    m=$(((c + SCALE_PER_WORKER - 1) / SCALE_PER_WORKER))
    per=$(((c + m - 1) / m))
    local ports lo hi
    read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
    ports=$((hi - lo + 1))
    echo "-- $c clients: $m stampede processes of 1 worker, ~$per clients each, each to its own 127.0.0.N (ephemeral ports per address pair: $ports); nginx $m workers"
    [ "$per" -lt "$ports" ] || note "$per clients per address exceed the $ports ephemeral ports"
    [ $((per + 64)) -le "$NOFILE" ] || note "$per clients per process exceed the open file limit $NOFILE"
    local listens=()
    for ((i = 1; i <= m; i++)); do listens+=("127.0.0.$i:$PORT reuseport"); done
    nginx_start "$T/nginx-scale" "$m" "" $((NOFILE - 100)) "${listens[@]}"
    local total=$((SCALE_RAMP + SCALE_HOLD + 2))
    for ((i = 0; i < m; i++)); do
        local ci=$per
        [ $((i * per + per)) -gt "$c" ] && ci=$((c - i * per))
        cat >"$T/scale.$i.ini" <<EOF
; keep-alive clients that mostly wait: one small request every $SCALE_THINK each
[run]
workers = 1
clients = $ci
ramp_start = 0
ramp_duration = ${SCALE_RAMP}s
rounds = 0
duration = ${total}s
grace = 2s

[request keep]
url = http://127.0.0.$((i + 1)):$PORT/small
postdelay = $SCALE_THINK
postjitter = 1s
connect_timeout = 10s
timeout = 30s
EOF
        "$STAMPEDE" -q --json "$T/scale.$i.json" "$T/scale.$i.ini" >"$T/scale.$i.out" 2>&1 &
        pids+=($!)
        BG_PIDS+=($!)
    done
    t0=$(now_s)
    local e hold_samples=0
    while :; do
        local alive=0
        for i in "${pids[@]}"; do kill -0 "$i" 2>/dev/null && alive=1; done
        [ $alive = 1 ] || break
        sleep 1
        e=$(elapsed_since "$t0")
        sample_rss=0
        for i in "${pids[@]}"; do
            tree_reset
            tree_sample "$i"
            sample_rss=$((sample_rss + S_WORKER_RSS))
        done
        # the hold: after the ramp (and a second of slack), before the end of the duration
        if awk -v e="$e" -v a="$((SCALE_RAMP + 1))" -v b="$((SCALE_RAMP + SCALE_HOLD))" 'BEGIN { exit !(e >= a && e <= b) }'; then
            if srv_status 127.0.0.1 "$PORT"; then
                local act=$((SRV_ACTIVE - 1))
                { [ "$held_min" -lt 0 ] || [ "$act" -lt "$held_min" ]; } && held_min=$act
                hold_samples=$((hold_samples + 1))
                if [ $hold_samples = $((SCALE_HOLD / 2)) ]; then
                    mid_active=$act
                    mid_rss=$sample_rss
                fi
            fi
        fi
    done
    for ((i = 0; i < m; i++)); do
        wait "${pids[$i]}"
        rc=$?
        bg_forget "${pids[$i]}"
        [ $rc = 0 ] || { note "stampede process $i exited $rc:"; tail -3 "$T/scale.$i.out" >&2; }
    done
    nginx_stop
    local sum
    sum=$(cat "$T"/scale.*.json 2>/dev/null | jq -s '{total: (map(.requests.total) | add), failed: (map(.requests.failed) | add),
        opened: (map(.connections.opened) | add), errors: (map(.errors) | add), files: length}' -c)
    rm -f "$T"/scale.*.json
    local idle_w
    idle_w=$(awk -F'\t' '$1 == "stampede" && $4 > 0 { print $4 }' "$OUT/idle.tsv" 2>/dev/null)
    [ -n "$idle_w" ] || idle_w=$IDLE_WORKER_KB
    echo "   results: $sum"
    echo "   nginx active connections during the hold: min $held_min, mid $mid_active (of $c asked; $hold_samples samples)"
    awk -v c="$c" -v m="$m" -v rss="$mid_rss" -v idle="$idle_w" 'BEGIN {
        if (rss > 0) printf "   workers RSS mid-hold %d kB in total: %.2f KiB per client (%.2f KiB above %d idle workers of %d kB)\n",
            rss, rss / c, (rss - m * idle) / c, m, idle }'
    local failed opened
    failed=$(jq -r '.failed' <<<"$sum")
    opened=$(jq -r '.opened' <<<"$sum")
    printf 'SCALE\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$m" "$held_min" "$mid_active" "$opened" "$failed" \
        "$mid_rss" "$(awk -v r="$mid_rss" -v c="$c" 'BEGIN { printf "%.2f", r / c }')" \
        "$(awk -v r="$mid_rss" -v c="$c" -v m="$m" -v i="$idle_w" 'BEGIN { printf "%.2f", (r - m * i) / c }')" >>"$T/scale.res"
    if [ "$failed" = 0 ] && [ "$held_min" -ge "$c" ]; then
        echo "   held: all $c clients connected through the hold, no failed request"
    else
        echo "   NOT held: failed $failed, fewest connections open during the hold $held_min of $c"
        [ -s "$T/nginx-scale/logs/error.log" ] && tail -3 "$T/nginx-scale/logs/error.log" | sed 's/^/   nginx: /'
    fi
}

# The RSS of one idle stampede worker (1 client), when the compare mode did not measure it.
idle_worker() {
    local lpid
    nginx_start "$T/nginx-idle" 1 "" 1024 "$HOST:$PORT"
    "$STAMPEDE" -q -w 1 -c 1 -d 2s "http://$HOST:$PORT/small" >/dev/null 2>&1 &
    lpid=$!
    BG_PIDS+=("$lpid")
    watch_tree "$lpid"
    nginx_stop
    IDLE_WORKER_KB=$S_WORKER_HWM
}

mode_scale() {
    local c
    echo "== scale: $(machine_line)"
    echo "   clients $SCALE_CLIENTS, ramp ${SCALE_RAMP}s, hold ${SCALE_HOLD}s, think time $SCALE_THINK; somaxconn $(cat /proc/sys/net/core/somaxconn)"
    idle_worker
    echo "   idle stampede worker (1 client): $IDLE_WORKER_KB kB RSS"
    : >"$T/scale.res"
    for c in $SCALE_CLIENTS; do
        scale_try "$c"
        sleep 2
    done
    { printf 'mode\tclients\tprocesses\tmin_active_hold\tmid_active\topened\tfailed\tworkers_rss_kb\tkib_per_client\tkib_per_client_above_idle\n'
      cat "$T/scale.res"; } >"$OUT/scale.tsv"
    echo "   TSV: $OUT/scale.tsv"
}

# ================================================================== profile
mode_profile() {
    local url="http://$HOST:$PORT$PROFILE_PATH" r=$PROFILE_ROUNDS n
    n=$((64 * r))
    echo "== profile: $(machine_line)"
    echo "   stampede -w 1 -c 64 -r $r ($n requests) against nginx $url"
    mkdir -p "$OUT/profile"
    nginx_start "$T/nginx" 1 "$SRV_CPU" 4096 "$HOST:$PORT"
    local P=$OUT/profile

    # syscalls per request
    if command -v strace >/dev/null; then
        taskset -c "$GEN_CPU" strace -f -c -o "$P/strace-stampede.txt" "$STAMPEDE" -q -w 1 -c 64 -r "$r" "$url" >"$P/stampede-strace.out" 2>&1
        taskset -c "$GEN_CPU" strace -f -c -o "$P/strace-wrk.txt" wrk -t1 -c64 -d3s "$url" >"$P/wrk-strace.out" 2>&1
        local wreq
        wreq=$(awk '/ requests in / { print $1 }' "$P/wrk-strace.out")
        for x in "stampede $n" "wrk $wreq"; do
            set -- $x
            echo "   syscalls per request, $1 ($2 requests):"
            awk -v n="$2" '$1 ~ /^[0-9.]+$/ && NF >= 5 { calls = $4; name = $NF
                    if (calls + 0 > 0 && calls / n >= 0.01) printf "     %-16s %7.3f\n", name, calls / n }' "$P/strace-$1.txt"
        done
    fi

    # context switches and CPU per request (software counters: this VM has no hardware ones)
    if command -v perf >/dev/null; then
        taskset -c "$GEN_CPU" perf stat -x, -e task-clock,context-switches,page-faults -o "$P/perf-stampede.csv" \
            "$STAMPEDE" -q -w 1 -c 64 -r "$r" "$url" >/dev/null 2>&1
        taskset -c "$GEN_CPU" perf stat -x, -e task-clock,context-switches,page-faults -o "$P/perf-wrk.csv" \
            wrk -t1 -c64 -d3s "$url" >"$P/wrk-perf.out" 2>&1
        wreq=$(awk '/ requests in / { print $1 }' "$P/wrk-perf.out")
        for x in "stampede $n" "wrk $wreq"; do
            set -- $x
            awk -F, -v n="$2" -v t="$1" '$3 ~ /task-clock|context-switches/ {
                    printf "   perf %-9s %-17s %9.4f per request (%s in all)\n", t, $3 ($2 == "msec" ? " ms" : ""), $1 / n, $1 }
                $3 == "page-faults" { printf "   perf %-9s %-17s %9d in all (start-up, not per request)\n", t, $3, $1 }' "$P/perf-$1.csv"
        done
        perf stat -e instructions true 2>&1 | grep -q 'not supported' &&
            echo "   (hardware counters are not supported here: instructions come from callgrind)"
    fi

    # user-space instructions per request, by function
    if command -v valgrind >/dev/null; then
        rm -f "$P"/callgrind.out.*
        taskset -c "$GEN_CPU" valgrind --tool=callgrind --trace-children=yes \
            --callgrind-out-file="$P/callgrind.out.%p" "$STAMPEDE" -q -w 1 -c 64 -r "$r" "$url" \
            >"$P/stampede-callgrind.out" 2>&1
        local f best=0 bf= ir
        for f in "$P"/callgrind.out.*; do
            ir=$(awk '/^summary:/ { print $2 }' "$f")
            [ "${ir:-0}" -gt "$best" ] && { best=$ir; bf=$f; }
        done
        if [ -n "$bf" ]; then
            callgrind_annotate --threshold=99 "$bf" >"$P/callgrind-self.txt" 2>/dev/null
            callgrind_annotate --inclusive=yes --threshold=99 "$bf" >"$P/callgrind-inclusive.txt" 2>/dev/null
            echo "   stampede worker: $best instructions, $((best / n)) per request; top functions (self, per request):"
            awk -v n="$n" '/^-+$/ { sec++ } sec >= 3 && $1 ~ /^[0-9,]+$/ { v = $1; gsub(/,/, "", v)
                    if (++k <= 15) { $1 = ""; printf "     %7.0f %s\n", v / n, $0 } }' "$P/callgrind-self.txt"
        fi
        taskset -c "$GEN_CPU" timeout 60 valgrind --tool=callgrind --callgrind-out-file="$P/callgrind-wrk.out" \
            wrk -t1 -c64 -d5s "$url" >"$P/wrk-callgrind.out" 2>&1
        wreq=$(awk '/ requests in / { print $1 }' "$P/wrk-callgrind.out")
        ir=$(awk '/^summary:/ { print $2 }' "$P/callgrind-wrk.out" 2>/dev/null)
        [ -n "$ir" ] && [ -n "$wreq" ] && echo "   wrk under callgrind: $ir instructions for $wreq requests, $((ir / wreq)) per request (both threads)"
    fi
    nginx_stop
    echo "   files: $P"
}

# ================================================================== sessions
# The cost of sessions: the same three requests, with fixed values in the plain model and
# with a capture, a template, checks and a cookie jar per repetition in a sequence. The same
# HTTP work: the plain model sends the Cookie line the sequence's jar sends back after login.
mode_sessions() {
    local spid i round kind url=http://$HOST:$SESSION_PORT
    echo "== sessions: $(machine_line)"
    echo "   64 slots, $SESSION_REPS x 3 requests per run, stampede pinned to CPU $GEN_CPU, stampede-target to $SRV_CPU"
    [ -x "$TARGET" ] || die "no stampede-target at $TARGET"
    taskset -c "$SRV_CPU" "$TARGET" -q -l "$HOST:$SESSION_PORT" >"$T/target.log" 2>&1 &
    spid=$!
    BG_PIDS+=("$spid")
    for ((i = 0; i < 100; i++)); do
        (exec 3<>"/dev/tcp/$HOST/$SESSION_PORT") 2>/dev/null && break
        sleep 0.05
    done
    cat >"$T/plain.ini" <<EOF
[run]
base_url = $url
clients = 64
rounds = $((SESSION_REPS / 64))
[request login]
url = /login?user=bench
[request auth]
url = /auth
header = Authorization: Bearer tok-bench
header = Cookie: session=sess-bench
[request json]
url = /json
header = Cookie: session=sess-bench
EOF
    cat >"$T/seq.ini" <<EOF
[run]
base_url = $url
concurrency = 64
[defaults]
expect_status = 200
[request login]
url = /login?user=u\${repetition}
capture = token json token
[request auth]
url = /auth
header = Authorization: Bearer \${token}
[request json]
url = /json
expect_body_json = data.count == 2
[sequence visit]
requests = login auth json
repeat = $(((SESSION_REPS / 64) * 64))
EOF
    printf 'round\tmodel\trequests\tcpu_s\tns_per_request\n' >"$OUT/sessions.tsv"
    for ((round = 1; round <= ROUNDS; round++)); do
        for kind in plain seq; do
            sleep "$SETTLE"
            /usr/bin/time -f '%U %S' -o "$T/$kind.time" taskset -c "$GEN_CPU" \
                "$STAMPEDE" -q --json "$T/$kind.json" "$T/$kind.ini" >"$T/$kind.out" 2>&1 ||
                { note "$kind run failed: $(tail -3 "$T/$kind.out")"; continue; }
            local ok failed cpu
            ok=$(jq -r .requests.ok "$T/$kind.json")
            failed=$(jq -r .requests.failed "$T/$kind.json")
            [ "$failed" = 0 ] || note "$kind: $failed failed requests"
            cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$T/$kind.time")
            printf '%d\t%s\t%d\t%s\t%.0f\n' "$round" "$kind" "$ok" "$cpu" \
                "$(awk -v c="$cpu" -v n="$ok" 'BEGIN { print c * 1e9 / n }')" >>"$OUT/sessions.tsv"
        done
    done
    end_pid "$spid"
    bg_forget "$spid"
    # the machine is shared: a round's ratio compares two runs a few seconds apart
    awk -F'\t' 'NR > 1 { v[$2, ++n[$2]] = $5; by[$2, $1] = $5 }
        function median(k,   i, j, t, a) {
            for (i = 1; i <= n[k]; i++) a[i] = v[k, i]
            for (i = 1; i <= n[k]; i++) for (j = i + 1; j <= n[k]; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return a[int((n[k] + 1) / 2)]
        }
        END {
            p = median("plain"); s = median("seq")
            printf "   CPU per request, median of %d: plain model %.0f ns, sequence with captures and checks %.0f ns: ratio %.3f (target <= 1.10)\n", n["plain"], p, s, s / p
            line = ""
            for (r = 1; r <= n["plain"]; r++)
                if (by["plain", r] && by["seq", r]) {
                    v["ratio", ++n["ratio"]] = by["seq", r] / by["plain", r]
                    line = line sprintf(" %.3f", by["seq", r] / by["plain", r])
                }
            if (n["ratio"])
                printf "   ratio in each round:%s; median %.3f\n", line, median("ratio")
        }' "$OUT/sessions.tsv"
    echo "   rounds: $OUT/sessions.tsv"
}

for m in "${MODES[@]}"; do
    "mode_$m"
done
