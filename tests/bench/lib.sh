# lib.sh: what the modes of run.sh share: messages, the private nginx and its counters,
# sampling a process tree from /proc, and ending everything this run started. Sourced by
# run.sh; every process it starts is remembered by PID and ended by PID.

note() { echo "bench: $*" >&2; }
die() {
    echo "bench: $*" >&2
    exit 1
}

# ------------------------------------------------------------------ processes to end
BG_PIDS=()    # background processes of this run (load generators, samplers)
NGINX_PID=    # the master of the private nginx, when one runs
NGINX_WORKERS=()

# Ends one process by PID: TERM, up to 5 s of patience, then KILL.
end_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

nginx_stop() {
    local w
    [ -n "$NGINX_PID" ] && end_pid "$NGINX_PID"
    # Workers outlive their master only if it was KILLed: end them by their recorded PIDs,
    # after checking that each PID still belongs to an nginx worker.
    for w in "${NGINX_WORKERS[@]}"; do
        grep -q '^nginx: worker' "/proc/$w/cmdline" 2>/dev/null && kill -KILL "$w" 2>/dev/null
    done
    NGINX_PID=
    NGINX_WORKERS=()
}

# Ends a process and everything below it, the deepest first: a launcher (taskset, time,
# timeout) that dies first would leave its tool running.
end_tree() {
    local queue=("$1") all=() p f c kids i
    while ((${#queue[@]})); do
        p=${queue[0]}
        queue=("${queue[@]:1}")
        all+=("$p")
        for f in /proc/"$p"/task/*/children; do
            [ -r "$f" ] || continue
            kids=
            read -r kids 2>/dev/null <"$f"
            for c in $kids; do queue+=("$c"); done
        done
    done
    for ((i = ${#all[@]} - 1; i >= 0; i--)); do
        end_pid "${all[$i]}"
    done
}

bench_cleanup() {
    local p
    for p in "${BG_PIDS[@]}"; do
        end_tree "$p"
    done
    BG_PIDS=()
    nginx_stop
    if [ -n "${T:-}" ] && [ -d "$T" ]; then
        if [ "${KEEP_TMP:-0}" = 1 ]; then
            note "kept $T"
        else
            rm -rf "$T"
        fi
    fi
}

# Drops finished PIDs from BG_PIDS.
bg_forget() {
    local p keep=()
    for p in "${BG_PIDS[@]}"; do
        [ "$p" = "$1" ] || keep+=("$p")
    done
    BG_PIDS=("${keep[@]}")
}

# ------------------------------------------------------------------ the private nginx
# nginx_start DIR WORKERS CPU WORKER_CONNS LISTEN...
#   DIR     its prefix (config, html, logs); html/small (100 B) and html/16k are created
#   WORKERS worker processes; CPU pins them all to one CPU, "" leaves them free
#   LISTEN  ADDR:PORT[ reuseport], one listen directive each (backlog NGINX_BACKLOG, 4096)
# Sets NGINX_PID and NGINX_WORKERS.
nginx_start() {
    local dir=$1 workers=$2 cpu=$3 wconns=$4 i mask=
    shift 4
    mkdir -p "$dir/html" "$dir/logs"
    chmod 755 "$dir" "$dir/html" # workers run unprivileged and must read html/
    head -c 100 /dev/zero | tr '\0' 's' >"$dir/html/small"
    head -c 16384 /dev/zero | tr '\0' 'k' >"$dir/html/16k"
    chmod 644 "$dir/html/small" "$dir/html/16k"
    if [ -n "$cpu" ]; then # worker_cpu_affinity: a 1 followed by CPU zeros
        mask=1
        for ((i = 0; i < cpu; i++)); do mask+=0; done
    fi
    {
        echo "daemon off;"
        echo "master_process on;"
        echo "worker_processes $workers;"
        [ -n "$mask" ] && echo "worker_cpu_affinity $mask;"
        echo "worker_rlimit_nofile $(ulimit -n);"
        echo "pid $dir/nginx.pid;"
        echo "error_log $dir/logs/error.log warn;"
        echo "events { worker_connections $wconns; multi_accept on; }"
        echo "http {"
        echo "    access_log off;"
        echo "    default_type application/octet-stream;"
        echo "    keepalive_requests 1000000000;"
        echo "    keepalive_timeout 300s;"
        # Static files as cheap as they get: the server's core is the scarce one here.
        echo "    open_file_cache max=16 inactive=3600s;"
        echo "    open_file_cache_valid 3600s;"
        for i in client_body proxy fastcgi uwsgi scgi; do
            echo "    ${i}_temp_path $dir/tmp_$i;"
        done
        echo "    server {"
        for i in "$@"; do
            echo "        listen $i backlog=${NGINX_BACKLOG:-4096};"
        done
        echo "        root $dir/html;"
        echo "        location = /nginx_status { stub_status; }"
        echo "    }"
        echo "}"
    } >"$dir/nginx.conf"
    nginx -t -q -p "$dir/" -e "$dir/logs/error.log" -c "$dir/nginx.conf" 2>"$dir/logs/nginx-t.err" ||
        die "nginx config test failed: $(cat "$dir/logs/nginx-t.err")"
    nginx -p "$dir/" -e "$dir/logs/error.log" -c "$dir/nginx.conf" >"$dir/logs/nginx.out" 2>&1 &
    NGINX_PID=$!
    local first=${1%% *} up=0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$NGINX_PID" 2>/dev/null || break
        if (exec 3<>"/dev/tcp/${first%:*}/${first##*:}") 2>/dev/null; then
            up=1
            break
        fi
        sleep 0.05
    done
    [ $up = 1 ] || die "nginx did not come up: $(tail -3 "$dir/logs/error.log" 2>/dev/null)"
    for ((i = 0; i < 100; i++)); do
        read -r -a NGINX_WORKERS <"/proc/$NGINX_PID/task/$NGINX_PID/children" 2>/dev/null
        [ "${#NGINX_WORKERS[@]}" -ge "$workers" ] && break
        sleep 0.05
    done
    [ "${#NGINX_WORKERS[@]}" -ge "$workers" ] || die "nginx started ${#NGINX_WORKERS[@]} of $workers workers"
}

# srv_status HOST PORT: one stub_status request (nginx counts it too). Sets SRV_ACTIVE (open
# connections, this one included) and SRV_REQUESTS (requests served so far).
srv_status() {
    local line
    SRV_ACTIVE=
    SRV_REQUESTS=
    exec 7<>"/dev/tcp/$1/$2" || return 1
    printf 'GET /nginx_status HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" >&7
    while IFS= read -r line <&7; do
        line=${line%$'\r'}
        case $line in
        "Active connections: "*) SRV_ACTIVE=${line#Active connections: } ;;
        " "[0-9]*)
            read -r _ _ SRV_REQUESTS <<<"$line"
            ;;
        esac
    done
    exec 7<&-
    SRV_ACTIVE=${SRV_ACTIVE%% *}
    [ -n "$SRV_REQUESTS" ]
}

# CPU time of all nginx workers in nanoseconds (schedstat: time on CPU, softirq included).
srv_ns() {
    local w t sum=0
    for w in "${NGINX_WORKERS[@]}"; do
        read -r t _ <"/proc/$w/schedstat" 2>/dev/null || t=0
        sum=$((sum + t))
    done
    echo "$sum"
}

# ------------------------------------------------------------------ process tree sampling
# tree_sample ROOT: looks at ROOT's descendants once, with shell builtins only (no fork, so
# sampling costs the measured CPUs next to nothing). Keeps across calls, until tree_reset:
#   S_MAX_HWM       the largest VmHWM of any process in the tree (kB)
#   S_PARENT_HWM    VmHWM of stampede's parent process (kB)
#   S_WORKER_HWM    the largest VmHWM among stampede's workers (kB)
#   S_WORKER_RSS    the sum of VmRSS over stampede's workers at the latest sample (kB)
#   S_WORKERS       how many stampede workers that sample saw
tree_reset() {
    S_MAX_HWM=0 S_PARENT_HWM=0 S_WORKER_HWM=0 S_WORKER_RSS=0 S_WORKERS=0
}
# watch_tree PID: tree_reset, then tree_sample every half second until PID (a background job of
# this shell) has ended; reaps it.
watch_tree() {
    tree_reset
    while kill -0 "$1" 2>/dev/null; do
        sleep 0.5
        tree_sample "$1"
    done
    wait "$1" || true
    bg_forget "$1"
}
# tree_pids ROOT: ROOT and every process below it into the array TREE_PIDS, with builtins
# only (no fork: see tree_sample).
tree_pids() {
    local queue=("$1") p f c kids
    TREE_PIDS=()
    while ((${#queue[@]})); do
        p=${queue[0]}
        queue=("${queue[@]:1}")
        TREE_PIDS+=("$p")
        for f in /proc/"$p"/task/*/children; do
            [ -r "$f" ] || continue
            kids=
            read -r kids 2>/dev/null <"$f"
            for c in $kids; do queue+=("$c"); done
        done
    done
}
tree_sample() {
    local p k v _ rss_sum=0 nw=0
    local -A name=() ppid=() hwm=() rss=()
    tree_pids "$1" # the root too: a worker is known by its parent's name
    local pids=("${TREE_PIDS[@]}")
    for p in "${pids[@]}"; do
        while read -r k v _; do
            case $k in
            Name:) name[$p]=$v ;;
            PPid:) ppid[$p]=$v ;;
            VmHWM:) hwm[$p]=$v ;;
            VmRSS:) rss[$p]=$v ;;
            esac
        done 2>/dev/null <"/proc/$p/status"
    done
    for p in "${pids[@]}"; do
        v=${hwm[$p]:-0}
        ((v > S_MAX_HWM)) && S_MAX_HWM=$v
        [ "${name[$p]:-}" = stampede ] || continue
        if [ "${name[${ppid[$p]:-0}]:-}" = stampede ]; then
            ((v > S_WORKER_HWM)) && S_WORKER_HWM=$v
            rss_sum=$((rss_sum + ${rss[$p]:-0}))
            nw=$((nw + 1))
        else
            ((v > S_PARENT_HWM)) && S_PARENT_HWM=$v
        fi
    done
    if ((nw > 0)); then
        S_WORKER_RSS=$rss_sum
        S_WORKERS=$nw
    fi
}

# ------------------------------------------------------------------ the machine
machine_line() {
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ)  cpus $(nproc)  $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)  kernel $(uname -r)  nofile $(ulimit -n)"
}

# ------------------------------------------------------------------ stampede
# Finds or builds stampede in the tree this script belongs to; sets STAMPEDE and TARGET.
find_stampede() {
    local top=$1
    local build=${BUILD:-$top/build}
    STAMPEDE=${STAMPEDE:-$build/stampede}
    TARGET=${TARGET:-$build/stampede-target}
    if [ ! -x "$STAMPEDE" ] || [ ! -x "$TARGET" ]; then
        note "building stampede in $build"
        BUILD=$build sh "$top/scripts/build.sh" >"$T/build.log" 2>&1 ||
            die "build failed; see the end of $T/build.log: $(tail -3 "$T/build.log")"
    fi
    [ -x "$STAMPEDE" ] || die "no stampede binary at $STAMPEDE"
}

# Builds sbread (the scoreboard reader) against the source tree's scoreboard.h.
build_sbread() {
    local top=$1
    SBREAD=$T/sbread
    cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -I"$top/src/common" -o "$SBREAD" "$top/tests/bench/sbread.c" \
        2>"$T/sbread.err" || die "sbread.c did not build: $(head -3 "$T/sbread.err")"
}
