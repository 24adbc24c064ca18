# Shared helpers for the integration tests: where the binaries are, a private temp dir that is
# removed on exit, and a stampede-target on a free loopback port. Sourced by every *.test.
set -euo pipefail

B=${STAMPEDE_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
S=${STAMPEDE_SRC:-$B}
STAMPEDE=$B/stampede
TARGET=$B/stampede-target
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stampede-test.XXXXXX")
BG_PIDS=()

cleanup() {
    local p
    for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }

assert_eq() { # actual expected what
    [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}
assert_between() { # value low high what
    awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }' ||
        fail "$4: $1 not in [$2, $3]"
}

# start_target [extra args...]: starts stampede-target on 127.0.0.1 with a kernel-chosen port,
# sets TARGET_PORT and TARGET_PID, and waits until it listens.
start_target() {
    local log=$TMP/target.$RANDOM.log i
    : >"$log" # exists before the background shell opens it, so the polling below can read it
    "$TARGET" -l 127.0.0.1:0 "$@" >"$log" 2>&1 &
    TARGET_PID=$!
    BG_PIDS+=("$TARGET_PID")
    for i in $(seq 1 100); do
        TARGET_PORT=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
        [ -n "$TARGET_PORT" ] && return 0
        kill -0 "$TARGET_PID" 2>/dev/null || fail "stampede-target exited: $(cat "$log")"
        sleep 0.05
    done
    fail "stampede-target did not start: $(cat "$log")"
}

# target_stat NAME: one counter from the target's /stats (JSON), e.g. requests.
target_stat() {
    curl_get "/stats" | jq -r ".$1"
}

# curl_get PATH: GET from the target with bash's /dev/tcp, printing the body.
curl_get() {
    local body
    exec 9<>"/dev/tcp/127.0.0.1/$TARGET_PORT"
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&9
    body=$(cat <&9)
    exec 9<&-
    printf '%s\n' "${body#*$'\r\n\r\n'}"
}
