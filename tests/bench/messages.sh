# messages.sh: the channel modes of run.sh, sourced by it (its settings, lib.sh and $T).
#
#   messages  raw TCP and WebSocket message load against stampede-target's echoes (--tcp echo
#             and /ws/echo, the target pinned to SRV_CPU), stampede next to tcpkali, both
#             pinned to GEN_CPU, MSG_CONNS channels at MSG_RATE messages/s each for
#             MSG_SECONDS, ROUNDS interleaved rounds. Messages are counted by the target (tcp:
#             bytes echoed / message length; ws: messages in), CPU is the tool's user+sys
#             time; the figure is CPU per message and its ratio to tcpkali's in the same
#             round, median of the rounds.
#   idle      IDLE_CHANNELS idle WebSocket channels to /ws/echo held IDLE_HOLD seconds by one
#             stampede worker; its RSS above a worker holding one channel, per channel.

MSG_CONNS=${MSG_CONNS:-100}
MSG_RATE=${MSG_RATE:-200}
MSG_SECONDS=${MSG_SECONDS:-5}
MSG_TEXT=${MSG_TEXT:-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef}
IDLE_CHANNELS=${IDLE_CHANNELS:-10000}
IDLE_HOLD=${IDLE_HOLD:-10}
TCPKALI=${TCPKALI:-$TOP/../shared/bench/bin/tcpkali}

# msg_target_start [CPU]: stampede-target with an HTTP port (MT_HTTP) and a TCP echo (MT_TCP).
msg_target_start() {
    local log=$T/target.$RANDOM.log i pin=()
    [ -n "${1:-}" ] && pin=(taskset -c "$1")
    "${pin[@]}" "$TARGET" -l "$HOST:0" --tcp "$HOST:0,echo" >"$log" 2>&1 &
    MT_PID=$!
    BG_PIDS+=("$MT_PID")
    for ((i = 0; i < 100; i++)); do
        MT_HTTP=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
        MT_TCP=$(sed -n 's/^tcp echo listening on .*:\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
        [ -n "$MT_HTTP" ] && [ -n "$MT_TCP" ] && return 0
        sleep 0.05
    done
    die "stampede-target did not start: $(cat "$log")"
}

msg_target_stop() {
    end_pid "$MT_PID"
    bg_forget "$MT_PID"
}

msg_stats() {
    exec 8<>"/dev/tcp/$HOST/$MT_HTTP"
    printf 'GET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&8
    sed '1,/^\r$/d' <&8
    exec 8<&-
}

# msg_count KIND: messages the target received so far.
msg_count() {
    if [ "$1" = ws ]; then
        msg_stats | jq '.ws.messages_in'
    else
        msg_stats | jq --argjson n "${#MSG_TEXT}" '.tcp[0].bytes_in / $n | floor'
    fi
}

# msg_run ROUND KIND TOOL: one run; appends "round kind tool messages cpu_s us_per_message".
msg_run() {
    local round=$1 kind=$2 tool=$3 cmd before after cpu
    case $tool-$kind in
    stampede-tcp) cmd=("$STAMPEDE" -q -w 1 -c "$MSG_CONNS" -d "${MSG_SECONDS}s" --connect-rate 1000
        --message-rate "$MSG_RATE" --message "$MSG_TEXT" "tcp://$HOST:$MT_TCP") ;;
    stampede-ws) cmd=("$STAMPEDE" -q -w 1 -c "$MSG_CONNS" -d "${MSG_SECONDS}s" --connect-rate 1000
        --message-rate "$MSG_RATE" --message "$MSG_TEXT" "ws://$HOST:$MT_HTTP/ws/echo") ;;
    tcpkali-tcp) cmd=("$TCPKALI" -c "$MSG_CONNS" -T "${MSG_SECONDS}s" --connect-rate 1000
        -r "$MSG_RATE" -m "$MSG_TEXT" "$HOST:$MT_TCP") ;;
    tcpkali-ws) cmd=("$TCPKALI" --ws -c "$MSG_CONNS" -T "${MSG_SECONDS}s" --connect-rate 1000
        -r "$MSG_RATE" -m "$MSG_TEXT" "$HOST:$MT_HTTP/ws/echo") ;;
    esac
    before=$(msg_count "$kind")
    /usr/bin/time -f '%U %S' -o "$T/time" taskset -c "$GEN_CPU" "${cmd[@]}" \
        >"$T/$tool-$kind.out" 2>&1 </dev/null
    sleep 0.5 # the echo's last messages
    after=$(msg_count "$kind")
    cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$T/time")
    awk -v r="$round" -v k="$kind" -v t="$tool" -v n=$((after - before)) -v c="$cpu" \
        'BEGIN { printf "%s\t%s\t%s\t%d\t%s\t%.3f\n", r, k, t, n, c, n ? c * 1e6 / n : 0 }' \
        >>"$T/messages.res"
    sleep "$SETTLE"
}

mode_messages() {
    [ -x "$TCPKALI" ] || die "tcpkali not found at $TCPKALI (set TCPKALI)"
    echo "== messages: $(machine_line)"
    echo "   $MSG_CONNS channels x $MSG_RATE messages/s x ${MSG_SECONDS}s, ${#MSG_TEXT}-byte messages, $ROUNDS rounds"
    msg_target_start "$SRV_CPU"
    : >"$T/messages.res"
    local r kind tool
    for ((r = 1; r <= ROUNDS; r++)); do
        for kind in tcp ws; do
            for tool in stampede tcpkali; do
                msg_run "$r" "$kind" "$tool"
            done
        done
    done
    msg_target_stop
    { printf 'round\tkind\ttool\tmessages\tcpu_s\tus_per_message\n'; cat "$T/messages.res"; } \
        >"$OUT/messages.tsv"
    # per round, stampede's CPU per message over tcpkali's; medians over the rounds
    awk -F'\t' '{ us[$1, $2, $3] = $6; n[$1, $2, $3] = $4; rounds[$1] = 1; kinds[$2] = 1 }
        function median(a, k,   i, j, t, m) { m = k; for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
                if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
        END { for (k in kinds) { m = 0
                for (r in rounds) { m++; s[m] = us[r, k, "stampede"]; t[m] = us[r, k, "tcpkali"]
                    q[m] = t[m] ? s[m] / t[m] : 0; ms[m] = n[r, k, "stampede"]; mt[m] = n[r, k, "tcpkali"] }
                printf "   %-3s  stampede %.3f us/message (%d messages), tcpkali %.3f us/message (%d), ratio %.2f\n",
                    k, median(s, m), median(ms, m), median(t, m), median(mt, m), median(q, m) } }' "$T/messages.res"
    echo "   TSV: $OUT/messages.tsv"
}

# msg_worker_rss PID: the RSS (kB) of the stampede worker below parent PID (its largest
# child: the parent has short-lived helpers too).
msg_worker_rss() {
    local kid kids best=0 r
    kids=$(cat /proc/"$1"/task/*/children 2>/dev/null)
    for kid in $kids; do
        r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$kid/status" 2>/dev/null)
        [ -n "$r" ] && [ "$r" -gt "$best" ] && best=$r
    done
    echo "$best"
}

# msg_hold N: N idle channels; prints the worker's RSS (kB) once all are open.
msg_hold() {
    local n=$1 pid i rss=0 open
    "$STAMPEDE" -q -w 1 -c "$n" -d "$((IDLE_HOLD + 30))s" --connect-rate 5000 \
        "ws://$HOST:$MT_HTTP/ws/echo" >"$T/idle-$n.out" 2>&1 &
    pid=$!
    BG_PIDS+=("$pid")
    for ((i = 0; i < 300; i++)); do
        open=$(msg_stats | jq '.ws.open')
        [ "$open" -ge "$n" ] && break
        sleep 0.1
    done
    sleep "$IDLE_HOLD"
    open=$(msg_stats | jq '.ws.open')
    rss=$(msg_worker_rss "$pid")
    end_tree "$pid"
    bg_forget "$pid"
    echo "$rss $open"
}

mode_idle() {
    echo "== idle: $(machine_line)"
    msg_target_start ""
    local one many
    read -r one _ < <(msg_hold 1)
    read -r many open < <(msg_hold "$IDLE_CHANNELS")
    msg_target_stop
    echo "   worker RSS: $one kB with 1 channel, $many kB with $open of $IDLE_CHANNELS open"
    awk -v a="$one" -v b="$many" -v n="$IDLE_CHANNELS" \
        'BEGIN { printf "   %.2f KiB per idle WebSocket channel (target 4)\n", (b - a) / n }'
}
