# cluster.sh: the cluster mode of run.sh, sourced by it (its settings, lib.sh and $T).
#
#   cluster  CLUSTER_CLIENTS concurrent keep-alive clients from ONE stampede-mpi job
#            (mpirun -np CLUSTER_RANKS, CLUSTER_WORKERS workers per rank) against a private
#            nginx on 127.0.0.1:CLUSTER_PORT (CLUSTER_NGINX_WORKERS workers, reuseport),
#            ramped over CLUSTER_RAMP s and held CLUSTER_HOLD s, each client sending a
#            100-byte GET every CLUSTER_THINK. Every rank has the same configuration, so the
#            clients spread over source addresses with [run] local_ips (127.0.0.11 on,
#            CLUSTER_PER_ADDRESS clients each, under the ephemeral ports of one address
#            pair). Reports the clients planned, nginx's open connections mid-hold
#            (stub_status), connections opened, requests failed (must be 0), nginx's
#            requests next to the merged ok, and the RSS of the stampede-mpi processes (rank
#            parents and workers, from /proc mid-hold) per client.
#
# The hold starts when nginx has every client open (or, when the ramp falls behind on a busy
# machine, CLUSTER_SLACK s after the ramp's scheduled end, and the run says so) and lasts
# CLUSTER_HOLD s; the run's duration leaves room for that slack. nginx's listen backlog is
# CLUSTER_BACKLOG: when net.core.somaxconn or tcp_max_syn_backlog is lower, the mode raises it
# as root for the run and puts the old value back, saying so.

CLUSTER_CLIENTS=${CLUSTER_CLIENTS:-100000}
CLUSTER_RANKS=${CLUSTER_RANKS:-4}
CLUSTER_WORKERS=${CLUSTER_WORKERS:-2}
CLUSTER_RAMP=${CLUSTER_RAMP:-20}
CLUSTER_HOLD=${CLUSTER_HOLD:-30}
CLUSTER_SLACK=${CLUSTER_SLACK:-10}
CLUSTER_THINK=${CLUSTER_THINK:-5s}
CLUSTER_PORT=${CLUSTER_PORT:-18500}
CLUSTER_NGINX_WORKERS=${CLUSTER_NGINX_WORKERS:-8}
CLUSTER_PER_ADDRESS=${CLUSTER_PER_ADDRESS:-12500}
CLUSTER_BACKLOG=${CLUSTER_BACKLOG:-16384}

# cluster_sample ROOT FILE: every stampede-mpi process below ROOT (mpirun), once, with
# builtins: "PID RSS_KB PSS_KB" lines into FILE. Which are workers is told afterwards by the
# merged JSON's worker pids.
cluster_sample() {
    local p k v _ rss pss
    : >"$2"
    tree_pids "$1"
    for p in "${TREE_PIDS[@]}"; do
        k=
        read -r k 2>/dev/null <"/proc/$p/comm"
        [ "$k" = stampede-mpi ] || continue
        rss=0 pss=0
        while read -r k v _; do [ "$k" = VmRSS: ] && rss=$v; done 2>/dev/null <"/proc/$p/status"
        while read -r k v _; do [ "$k" = Pss: ] && pss=$v; done 2>/dev/null <"/proc/$p/smaps_rollup"
        echo "$p $rss $pss" >>"$2"
    done
}

# Raises net.core.somaxconn and net.ipv4.tcp_max_syn_backlog to CLUSTER_BACKLOG when lower
# (root only), so that nginx's accept queues hold a ramp that outruns its workers on a busy
# machine; cluster_sysctl_restore puts them back.
CLUSTER_SYSCTL_OLD=()
cluster_sysctl_raise() {
    local k f old
    for k in net.core.somaxconn net.ipv4.tcp_max_syn_backlog; do
        f=/proc/sys/${k//.//}
        old=$(cat "$f")
        [ "$old" -lt "$CLUSTER_BACKLOG" ] || continue
        if [ "$(id -u)" = 0 ] && echo "$CLUSTER_BACKLOG" >"$f" 2>/dev/null; then
            CLUSTER_SYSCTL_OLD+=("$f=$old")
            echo "   raised $k from $old to $CLUSTER_BACKLOG for this run (put back after it)"
        else
            note "$k is $old (not root, left alone): a fast ramp may overflow nginx's accept queues"
        fi
    done
}
cluster_sysctl_restore() {
    local kv
    for kv in "${CLUSTER_SYSCTL_OLD[@]}"; do
        echo "${kv#*=}" >"${kv%%=*}"
    done
    CLUSTER_SYSCTL_OLD=()
}

# cluster_limits: checks the limits outside stampede before any load; sets CL_* figures.
cluster_limits() {
    local c=$CLUSTER_CLIENTS lo hi
    CL_PER_WORKER=$(((c + CLUSTER_RANKS * CLUSTER_WORKERS - 1) / (CLUSTER_RANKS * CLUSTER_WORKERS)))
    read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
    CL_PORTS=$((hi - lo + 1))
    CL_NADDR=$(((c + CLUSTER_PER_ADDRESS - 1) / CLUSTER_PER_ADDRESS))
    CL_PER_ADDR=$(((c + CL_NADDR - 1) / CL_NADDR))
    CL_PER_NGINX=$(((c + CLUSTER_NGINX_WORKERS - 1) / CLUSTER_NGINX_WORKERS))
    [ $((CL_PER_WORKER + 100)) -le "$NOFILE" ] ||
        die "$CL_PER_WORKER clients per worker exceed the open file limit $NOFILE: raise CLUSTER_WORKERS or CLUSTER_RANKS"
    # reuseport spreads connections by hash, not evenly: a fifth of slack per nginx worker
    [ $((CL_PER_NGINX + CL_PER_NGINX / 5 + 100)) -le "$NOFILE" ] ||
        die "~$CL_PER_NGINX connections per nginx worker come near the open file limit $NOFILE: raise CLUSTER_NGINX_WORKERS"
    [ "$CL_PER_ADDR" -lt "$CL_PORTS" ] ||
        die "$CL_PER_ADDR clients per source address exceed the $CL_PORTS ephemeral ports: lower CLUSTER_PER_ADDRESS"
    [ $((10 + CL_NADDR)) -le 254 ] || die "$CL_NADDR source addresses do not fit in 127.0.0.11-127.0.0.254"
    CL_IPS="127.0.0.11-127.0.0.$((10 + CL_NADDR))"
    if [ -r /proc/sys/net/netfilter/nf_conntrack_max ] &&
        [ "$(cat /proc/sys/net/netfilter/nf_conntrack_max)" -lt $((c + c / 2)) ]; then
        note "nf_conntrack_max $(cat /proc/sys/net/netfilter/nf_conntrack_max) is below 1.5 x the clients: connections may be dropped if conntrack tracks loopback"
    fi
    return 0
}

# cluster_watch PID: samples nginx's open connections every second until PID (mpirun) ends;
# seconds count from the first connection (MPI's start-up comes before it). Sets CW_* figures
# and samples the processes' memory mid-hold into $T/cluster.mem.
cluster_watch() {
    local pid=$1 c=$CLUSTER_CLIENTS t0 e act first='' hold0=''
    CW_STATUS_CALLS=0 CW_REACHED=NA CW_AT_RAMP=NA CW_MIN=-1 CW_MID=NA CW_SAMPLES=0
    t0=$(now_s)
    : >"$OUT/cluster-open.tsv"
    : >"$T/cluster.mem"
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        srv_status 127.0.0.1 "$CLUSTER_PORT" || continue
        CW_STATUS_CALLS=$((CW_STATUS_CALLS + 1))
        act=$((SRV_ACTIVE - 1))
        if [ -z "$first" ]; then
            [ "$act" -gt 0 ] || continue
            first=$(now_s)
            echo "   first connections $(elapsed_since "$t0") s after mpirun started"
        fi
        e=$(elapsed_since "$first")
        printf '%s\t%s\n' "$e" "$act" >>"$OUT/cluster-open.tsv"
        if [ "$CW_AT_RAMP" = NA ] && awk -v e="$e" -v r="$CLUSTER_RAMP" 'BEGIN { exit !(e >= r) }'; then
            CW_AT_RAMP=$act
            echo "   at the ramp's scheduled end (${CLUSTER_RAMP} s; sampled at $e s): $act open"
        fi
        if [ -z "$hold0" ]; then
            if [ "$act" -ge "$c" ]; then
                CW_REACHED=$e
                echo "   all $c open at $e s: the hold starts"
            elif awk -v e="$e" -v l="$((CLUSTER_RAMP + CLUSTER_SLACK))" 'BEGIN { exit !(e < l) }'; then
                continue
            else
                echo "   $act of $c open at $e s: the hold starts anyway"
            fi
            hold0=$(now_s)
        fi
        e=$(elapsed_since "$hold0")
        awk -v e="$e" -v h="$CLUSTER_HOLD" 'BEGIN { exit !(e <= h) }' || continue
        { [ "$CW_MIN" -lt 0 ] || [ "$act" -lt "$CW_MIN" ]; } && CW_MIN=$act
        CW_SAMPLES=$((CW_SAMPLES + 1))
        if [ "$CW_MID" = NA ] && awk -v e="$e" -v h="$CLUSTER_HOLD" 'BEGIN { exit !(e >= h / 2) }'; then
            CW_MID=$act
            cluster_sample "$pid" "$T/cluster.mem"
            echo "   mid-hold ($e s into it): nginx $act open"
        fi
    done
    return 0
}

mode_cluster() {
    local c=$CLUSTER_CLIENTS r=$CLUSTER_RANKS w=$CLUSTER_WORKERS v
    for v in CLUSTER_CLIENTS CLUSTER_RANKS CLUSTER_WORKERS CLUSTER_RAMP CLUSTER_HOLD CLUSTER_PORT \
        CLUSTER_NGINX_WORKERS CLUSTER_PER_ADDRESS CLUSTER_BACKLOG; do
        case ${!v} in '' | *[!0-9]* | 0) die "$v must be a positive integer, got '${!v}'" ;; esac
    done
    case $CLUSTER_SLACK in '' | *[!0-9]*) die "CLUSTER_SLACK must be a whole number of seconds" ;; esac
    local mpi=${STAMPEDE_MPI:-$(dirname "$STAMPEDE")/stampede-mpi}
    [ -x "$mpi" ] || die "no stampede-mpi at $mpi (configure --with-mpi; scripts/build.sh does)"
    command -v mpirun >/dev/null || die "mpirun not found (Debian's openmpi-bin)"
    echo "== cluster: $(machine_line)"
    cluster_limits
    echo "   $c clients: $r ranks x $w workers (~$CL_PER_WORKER clients, fds, each; limit $NOFILE)," \
        "local_ips $CL_IPS (~$CL_PER_ADDR each; $CL_PORTS ephemeral ports per address pair)"
    echo "   nginx: $CLUSTER_NGINX_WORKERS workers (~$CL_PER_NGINX connections each), reuseport on" \
        "127.0.0.1:$CLUSTER_PORT, backlog $CLUSTER_BACKLOG; somaxconn $(cat /proc/sys/net/core/somaxconn)," \
        "tcp_max_syn_backlog $(cat /proc/sys/net/ipv4/tcp_max_syn_backlog)"
    echo "   ramp ${CLUSTER_RAMP}s ($((c / CLUSTER_RAMP)) connections/s), hold ${CLUSTER_HOLD}s," \
        "one GET every $CLUSTER_THINK ± 1s per client"

    cluster_sysctl_raise
    NGINX_BACKLOG=$CLUSTER_BACKLOG nginx_start "$T/nginx-cluster" "$CLUSTER_NGINX_WORKERS" "" \
        $((NOFILE - 100)) "127.0.0.1:$CLUSTER_PORT reuseport"
    local total=$((CLUSTER_RAMP + CLUSTER_SLACK + CLUSTER_HOLD + 2))
    cat >"$T/cluster.ini" <<INI
; keep-alive clients that mostly wait, over the ranks of one MPI job
[run]
workers = $w
clients = $c
ramp_start = 0
ramp_duration = ${CLUSTER_RAMP}s
rounds = 0
duration = ${total}s
grace = 2s
seed = 1
local_ips = $CL_IPS

[request keep]
url = http://127.0.0.1:$CLUSTER_PORT/small
postdelay = $CLUSTER_THINK
postjitter = 1s
connect_timeout = 10s
timeout = 30s
INI
    # bounded: the run's own duration, MPI's start and the grace, then SIGTERM (and KILL)
    timeout -k 10 $((total + 60)) mpirun --allow-run-as-root --oversubscribe --mca btl self,tcp \
        --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo -np "$r" \
        "$mpi" -q --json "$T/cluster.json" "$T/cluster.ini" >"$T/cluster.out" 2>&1 &
    local pid=$! rc
    BG_PIDS+=("$pid")
    cluster_watch "$pid"
    wait "$pid"
    rc=$?
    bg_forget "$pid"
    srv_status 127.0.0.1 "$CLUSTER_PORT" && CW_STATUS_CALLS=$((CW_STATUS_CALLS + 1))
    # stub_status counts its own requests: the load's are the rest
    local served=$((SRV_REQUESTS - CW_STATUS_CALLS))
    nginx_stop
    cluster_sysctl_restore
    [ "$rc" = 0 ] || { note "mpirun exited $rc:"; tail -5 "$T/cluster.out" >&2; }
    cluster_report "$rc" "$served"
}

# cluster_report RC SERVED: the figures, on the terminal and in $OUT/cluster.tsv.
cluster_report() {
    local rc=$1 served=$2 c=$CLUSTER_CLIENTS sum ok failed opened wpids mem
    local np pr nw wr pss
    sum=$(jq -c '{total: .requests.total, ok: .requests.ok, failed: .requests.failed,
        opened: .connections.opened, errors: .errors,
        connect_ms: {p50: (.connect_us.p50 / 1000), p99: (.connect_us.p99 / 1000),
                     max: (.connect_us.max / 1000)},
        latency_ms: {p50: (.latency_us.p50 / 1000), p99: (.latency_us.p99 / 1000)},
        worker_cpu_pct: .generator.cpu_percent}' "$T/cluster.json" 2>/dev/null) ||
        sum='{"total":"NA","ok":"NA","failed":"NA","opened":"NA"}'
    ok=$(jq -r .ok <<<"$sum")
    failed=$(jq -r .failed <<<"$sum")
    opened=$(jq -r .opened <<<"$sum")
    # the workers are the merged JSON's pids; the other stampede-mpi processes are the ranks
    wpids=" $(jq -r '[.workers[].pid] | map(tostring) | join(" ")' "$T/cluster.json" 2>/dev/null) "
    mem=$(awk -v w="$wpids" '{ if (index(w, " " $1 " ")) { nw++; wr += $2 } else { np++; pr += $2 }
                              pss += $3 }
        END { printf "%d %d %d %d %d", np, pr, nw, wr, pss }' "$T/cluster.mem")
    read -r np pr nw wr pss <<<"$mem"
    echo "   results: $sum"
    echo "   clients planned $c; nginx open during the hold: min $CW_MIN, mid $CW_MID" \
        "($CW_SAMPLES samples); opened $opened; failed $failed"
    echo "   nginx served $served requests; the merged ok is $ok" \
        "($([ "$served" = "$ok" ] && echo equal || echo NOT equal))"
    awk -v c="$c" -v p="$pr" -v w="$wr" -v np="$np" -v nw="$nw" -v pss="$pss" 'BEGIN {
        if (p + w > 0) printf "   RSS mid-hold: %d rank parents %d kB + %d workers %d kB = %.1f MiB: %.2f KiB per client" \
            " (PSS, shared pages once: %.1f MiB, %.2f KiB per client)\n",
            np, p, nw, w, (p + w) / 1024, (p + w) / c, pss / 1024, pss / c }'
    {
        printf 'mode\tclients\tranks\tworkers\taddresses\topen_at_ramp_end\tall_open_at_s\tmin_open_hold\tmid_open\topened\tfailed\tok\tnginx_served\tparents_rss_kb\tworkers_rss_kb\tkib_per_client\tpss_kb\tpss_kib_per_client\trc\n'
        printf 'cluster\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
            "$c" "$CLUSTER_RANKS" "$CLUSTER_WORKERS" "$CL_NADDR" "$CW_AT_RAMP" "$CW_REACHED" "$CW_MIN" \
            "$CW_MID" "$opened" "$failed" "$ok" "$served" "$pr" "$wr" \
            "$(awk -v r="$((pr + wr))" -v c="$c" 'BEGIN { printf "%.2f", r / c }')" "$pss" \
            "$(awk -v r="$pss" -v c="$c" 'BEGIN { printf "%.2f", r / c }')" "$rc"
    } >"$OUT/cluster.tsv"
    if [ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$CW_MIN" -ge "$c" ] && [ "$served" = "$ok" ]; then
        echo "   held: all $c clients open through the ${CLUSTER_HOLD} s hold, 0 failed, nginx's count = the merged ok"
    else
        echo "   NOT held: exit $rc, failed $failed, fewest open during the hold $CW_MIN of $c"
        [ -s "$T/nginx-cluster/logs/error.log" ] && tail -3 "$T/nginx-cluster/logs/error.log" | sed 's/^/   nginx: /'
    fi
    echo "   TSV: $OUT/cluster.tsv; open connections each second: $OUT/cluster-open.tsv"
}
