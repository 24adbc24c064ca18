# Helpers for the stampede-top tests, sourced after lib.sh: the viewer's path, a finished run's
# scoreboard to read, and driving the screen in a private tmux server.
TOP=$B/stampede-top

# poll SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds; fails after SECONDS.
poll() {
    local limit=$1 i
    shift
    for i in $(seq 1 $((limit * 10))); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# make_scoreboard PATH [stampede args...]: a short finished run on the target, its scoreboard
# kept at PATH (start_target first).
make_scoreboard() {
    local sb=$1
    shift
    timeout 60 "$STAMPEDE" -q --scoreboard "$sb" --keep-scoreboard "$@" \
        "http://127.0.0.1:$TARGET_PORT/bytes/100" >/dev/null || fail "the run to make $sb failed"
    [ -s "$sb" ] || fail "no scoreboard at $sb"
}

# A tmux server of our own (no user config), killed when the test exits. An idle session keeps
# it up whatever the tested command does, and panes stay after their command exits, so that a
# failure can still show what was on the screen.
tmux_start() { # WIDTH HEIGHT COMMAND
    command -v tmux >/dev/null || { echo "# tmux is not installed: skipped"; exit 77; }
    TMUX_SOCK=$TMP/tmux.sock
    unset TMUX
    trap 'tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true; cleanup' EXIT
    tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s keep "sleep 600" ||
        fail "cannot start tmux"
    tmux -S "$TMUX_SOCK" set-option -g remain-on-exit on
    tmux -S "$TMUX_SOCK" new-session -d -s t -x "$1" -y "$2" "$3" ||
        fail "cannot start a tmux session for: $3"
}
tmux_cmd() { tmux -S "$TMUX_SOCK" "$@"; }
screen() { tmux -S "$TMUX_SOCK" capture-pane -p -t t 2>/dev/null; }
screen_has() { screen | grep -q -e "$1"; }
screen_lacks() { ! screen | grep -q -e "$1"; }
# wait_screen PATTERN [SECONDS]: until the pane shows PATTERN (a grep regex), for up to WAIT_S.
wait_screen() {
    poll "${2:-$WAIT_S}" screen_has "$1" || fail "the screen never showed '$1'; it shows:
$(screen)"
}
wait_screen_gone() {
    poll "${2:-$WAIT_S}" screen_lacks "$1" || fail "the screen still shows '$1':
$(screen)"
}
