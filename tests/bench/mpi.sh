# mpi.sh: the mpi mode of run.sh, sourced by it (its settings, lib.sh and $T).
#
#   mpi   what stampede-mpi costs: against a private nginx (1 worker pinned to SRV_CPU, on
#         MPI_PORT), in ROUNDS interleaved rounds, the same fixed load (MPI_CLIENTS clients x
#         MPI_ROUNDS walks of /small, keep-alive) from
#           w2     stampede -w 2                               (the reference)
#           mpi2x1 mpirun -np 2 stampede-mpi -w 1              (2 ranks of 1 worker)
#           mpi1x2 mpirun -np 1 stampede-mpi -w 2              (1 rank of 2 workers)
#         all pinned to GEN_CPU (mpirun with --bind-to none, its ranks inheriting the pin).
#         CPU is user+sys from /usr/bin/time: of stampede's parent and workers, and for the
#         MPI runs of mpirun too (the launcher, its ranks and their workers all count; the
#         launcher's own share is sampled from /proc and shown apart). The figure is CPU per
#         request nginx served, as a ratio to mpi1x2's (the target: 2 ranks of 1 worker cost
#         at most 3 % more than 1 rank of 2) and to w2's in the same round, median of the
#         rounds. MPI startup is a fixed cost per rank: MPI_ROUNDS makes runs long enough
#         that it is small per request.
#         MPI_BIN: the stampede-mpi binary [next to STAMPEDE].

MPI_PORT=${MPI_PORT:-18490}
MPI_CLIENTS=${MPI_CLIENTS:-64}
MPI_ROUNDS=${MPI_ROUNDS:-8000}

# mpi_launcher_cpu PID: the launcher's own user+sys seconds so far (not its children's).
mpi_launcher_cpu() {
    local stat
    read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
    stat=${stat##*) }
    # after the command: state is field 1 here, utime 12, stime 13 (clock ticks)
    awk -v s="$stat" -v hz="$(getconf CLK_TCK)" 'BEGIN { split(s, f, " "); printf "%.2f", (f[12] + f[13]) / hz }'
}

# mpi_run_one ROUND KIND: one run; appends "round kind served cpu_s launcher_s us_per_req".
mpi_run_one() {
    local round=$1 kind=$2 cmd q0 q1 lpid launcher=0 l
    local url="http://$HOST:$MPI_PORT/small"
    local load=(-q -c "$MPI_CLIENTS" -r "$MPI_ROUNDS" --seed 1 "$url")
    local mpirun=(mpirun --allow-run-as-root --bind-to none --mca btl self,tcp
        --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
    case $kind in
    w2) cmd=("$STAMPEDE" -w 2 "${load[@]}") ;;
    mpi2x1) cmd=("${mpirun[@]}" -np 2 "$MPI_BIN" -w 1 "${load[@]}") ;;
    mpi1x2) cmd=("${mpirun[@]}" -np 1 "$MPI_BIN" -w 2 "${load[@]}") ;;
    esac
    srv_status "$HOST" "$MPI_PORT" || die "nginx does not answer stub_status"
    q0=$SRV_REQUESTS
    taskset -c "$GEN_CPU" /usr/bin/time -f '%U %S' -o "$T/mpi.time" "${cmd[@]}" \
        >"$T/mpi.$kind.r$round.out" 2>&1 </dev/null &
    lpid=$!
    BG_PIDS+=("$lpid")
    # the launcher: /usr/bin/time's child; its own CPU, sampled until it ends
    while kill -0 "$lpid" 2>/dev/null; do
        local kid=
        # (the file has no newline: read returns 1 yet fills kid)
        read -r kid _ <"/proc/$lpid/task/$lpid/children" 2>/dev/null
        if [ -n "$kid" ] && l=$(mpi_launcher_cpu "$kid"); then launcher=$l; fi
        sleep 0.2
    done
    wait "$lpid" || note "$kind (round $round) exited $?: $(tail -2 "$T/mpi.$kind.r$round.out")"
    bg_forget "$lpid"
    [ "$kind" = w2 ] && launcher=0
    srv_status "$HOST" "$MPI_PORT" || die "nginx stopped answering during $kind"
    q1=$SRV_REQUESTS
    awk -v r="$round" -v k="$kind" -v n=$((q1 - q0 - 1)) -v l="$launcher" '
        { c = $1 + $2; printf "%s\t%s\t%d\t%.2f\t%.2f\t%.3f\n", r, k, n, c, l, n ? c * 1e6 / n : 0 }' \
        "$T/mpi.time" >>"$T/mpi.res"
    sleep "$SETTLE"
}

mode_mpi() {
    MPI_BIN=${MPI_BIN:-$(dirname "$STAMPEDE")/stampede-mpi}
    [ -x "$MPI_BIN" ] || die "no stampede-mpi at $MPI_BIN (configure --with-mpi; set MPI_BIN)"
    command -v mpirun >/dev/null || die "mpirun not found (apt-get install openmpi-bin)"
    echo "== mpi: $(machine_line)"
    echo "   $MPI_CLIENTS clients x $MPI_ROUNDS rounds of /small per run; nginx on cpu $SRV_CPU, generators on cpu $GEN_CPU; $ROUNDS rounds"
    echo "   loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
    mkdir -p "$T/nginx-mpi"
    nginx_start "$T/nginx-mpi" 1 "$SRV_CPU" 4096 "$HOST:$MPI_PORT"
    : >"$T/mpi.res"
    local r i kinds=(w2 mpi2x1 mpi1x2)
    for ((r = 1; r <= ROUNDS; r++)); do
        for ((i = 0; i < 3; i++)); do # rotated: none always first
            mpi_run_one "$r" "${kinds[$(((i + r - 1) % 3))]}"
        done
        note "mpi: round $r of $ROUNDS done"
    done
    end_pid "$NGINX_PID"
    bg_forget "$NGINX_PID"
    { printf 'round\tkind\tserved\tcpu_s\tlauncher_cpu_s\tus_per_req\n'; cat "$T/mpi.res"; } >"$OUT/mpi.tsv"
    awk -F'\t' '{ us[$1, $2] = $6; n[$1, $2] = $3; l[$1, $2] = $5; rounds[$1] = 1 }
        function median(a, m,   i, j, t) { for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
                if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
        END { split("w2 mpi2x1 mpi1x2", kinds, " ")
            printf "   %-7s %10s %10s %10s %10s %12s\n", "kind", "served", "us/req", "vs mpi1x2", "vs w2", "launcher_s"
            for (k = 1; k <= 3; k++) { m = 0
                for (r in rounds) { m++; a[m] = us[r, kinds[k]]; s[m] = n[r, kinds[k]]; c[m] = l[r, kinds[k]]
                    q[m] = us[r, "mpi1x2"] ? us[r, kinds[k]] / us[r, "mpi1x2"] : 0
                    w[m] = us[r, "w2"] ? us[r, kinds[k]] / us[r, "w2"] : 0 }
                printf "   %-7s %10d %10.3f %10.3f %10.3f %12.2f\n", kinds[k], median(s, m), median(a, m),
                    median(q, m), median(w, m), median(c, m) } }' "$T/mpi.res"
    echo "   target: mpi2x1 at most 1.03 x mpi1x2; TSV: $OUT/mpi.tsv"
}
