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

# assert_on_time VALUE LOW HIGH WHAT JSON: a figure that depends on the generator keeping its
# timetable (requests in one second of a rate): within [LOW, HIGH], or else the run itself said,
# in its JSON (generator.limited, the summary's warning), that the generator could not keep up,
# as on a machine too busy for the rate. A run that is off without saying so fails.
assert_on_time() {
    awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }' && return 0
    [ "$(jq -r '.generator.limited' "$5")" = true ] ||
        fail "$4: $1 not in [$2, $3], and the run did not warn that the generator was limited"
    note "$4: $1 not in [$2, $3], as the run warned: $(jq -r '.generator.why' "$5")"
}

# Waiting for states, not for time: a loaded machine, the sanitizers or valgrind may take many
# times longer than an idle machine to get somewhere, so a test that needs a state (workers
# forked, requests served, a file written) polls for it, with a generous bound that only a hang
# reaches, and a timed-out wait says what it waited for.
WAIT_S=${STAMPEDE_WAIT_S:-60}

# wait_for SECONDS DESCRIPTION COMMAND...: runs COMMAND every 50 ms until it succeeds; fails
# with DESCRIPTION after SECONDS. COMMAND may call fail itself to give up at once.
wait_for() {
    local limit=$1 what=$2 start
    shift 2
    start=${EPOCHREALTIME//[.,]/}
    until "$@"; do
        ((${EPOCHREALTIME//[.,]/} - start < limit * 1000000)) ||
            fail "waited ${limit} s for $what in vain"
        sleep 0.05
    done
}

# alive PID: PID runs (a zombie that nobody reaped yet does not count).
alive() {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

# wait_workers PID N: waits until process PID (a stampede parent) has N child processes, its
# workers, and sets WORKER_PIDS to their pids (one a line, in pid order). Fails if PID ends
# first.
wait_workers() {
    local pid=$1 n=$2
    _has_workers() {
        alive "$pid" || fail "stampede (pid $pid) ended before it had $n workers"
        WORKER_PIDS=$(pgrep -P "$pid" | sort -n || true)
        [ "$(grep -c . <<<"$WORKER_PIDS")" -ge "$n" ]
    }
    wait_for "$WAIT_S" "$n worker processes of pid $pid" _has_workers
    unset -f _has_workers
}

# wait_served N [PID]: waits until the target (start_target) has seen at least N requests, that
# is until a run is past its barrier and sending; with PID, fails at once if that process ends
# first.
wait_served() {
    local n=$1 pid=${2:-}
    _served() {
        [ -z "$pid" ] || alive "$pid" || fail "stampede (pid $pid) ended before the target saw $n requests"
        [ "$(target_stat requests)" -ge "$n" ]
    }
    wait_for "$WAIT_S" "the target to see $n requests" _served
    unset -f _served
}

# sb_frame SCOREBOARD: one JSON frame of stampede-top for a run's scoreboard (its state, its
# workers and their counts), read without disturbing the run.
sb_frame() {
    timeout 20 "$B/stampede-top" --json -n 1 "$1"
}

# end_of PID [SECONDS]: waits until PID (a background child of the test) has ended, then sets
# RC to its exit status. After SECONDS (WAIT_S) it kills PID and fails.
end_of() {
    local pid=$1 limit=${2:-$WAIT_S} start=${EPOCHREALTIME//[.,]/}
    while alive "$pid"; do
        if ((${EPOCHREALTIME//[.,]/} - start >= limit * 1000000)); then
            kill -KILL "$pid" 2>/dev/null || true
            fail "pid $pid did not end within $limit s"
        fi
        sleep 0.05
    done
    set +e
    wait "$pid"
    RC=$?
    set -e
}

# start_server NAME COMMAND...: starts a server that prints "listening on ADDR:PORT" once it
# listens, waits for that line, and sets SERVER_PORT and SERVER_PID (killed at exit).
start_server() {
    local name=$1 log=$TMP/$1.$RANDOM.log
    shift
    : >"$log" # exists before the background shell opens it, so the polling below can read it
    "$@" >"$log" 2>&1 &
    SERVER_PID=$!
    BG_PIDS+=("$SERVER_PID")
    _listening() {
        SERVER_PORT=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
        [ -n "$SERVER_PORT" ] || { alive "$SERVER_PID" || fail "$name exited: $(cat "$log")"; false; }
    }
    wait_for "$WAIT_S" "$name to listen" _listening
    unset -f _listening
}

# start_target [extra args...]: starts stampede-target on 127.0.0.1 with a kernel-chosen port,
# sets TARGET_PORT and TARGET_PID, and waits until it listens.
start_target() {
    start_server target "$TARGET" -l 127.0.0.1:0 "$@"
    TARGET_PORT=$SERVER_PORT
    TARGET_PID=$SERVER_PID
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

# make_certs DIR: a throwaway PKI for the TLS tests, made with the openssl command (EC P-256
# keys, valid for one day), in DIR:
#   ca.pem ca.key               a test CA
#   server.pem server.key       CN=localhost; DNS:localhost, DNS:stampede.test, IP:127.0.0.1,
#                               IP:::1; signed by the CA
#   client.pem client.key       a client certificate signed by the CA
#   other-ca.pem other-ca.key   an unrelated CA
#   wrongname.pem wrongname.key signed by the CA, for DNS:wrong.example only
make_certs() {
    local dir=$1 log name
    command -v openssl >/dev/null || fail "make_certs: the openssl command is missing (Debian package openssl)"
    mkdir -p "$dir"
    log=$dir/openssl.log
    : >"$log"
    # Our own config, so that neither the system's openssl.cnf nor its defaults matter.
    cat >"$dir/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = stampede
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, DNS:stampede.test, IP:127.0.0.1, IP:::1
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[wrongname]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:wrong.example
CNF
    for name in ca other-ca server client wrongname; do
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$name.key" \
            >>"$log" 2>&1 || fail "make_certs: key $name: $(cat "$log")"
    done
    _make_ca() { # name CN
        openssl req -config "$dir/openssl.cnf" -x509 -new -key "$dir/$1.key" -subj "/CN=$2" \
            -days 1 -extensions ca -out "$dir/$1.pem" >>"$log" 2>&1 ||
            fail "make_certs: CA $1: $(cat "$log")"
    }
    _make_leaf() { # name CN section serial
        if ! openssl req -config "$dir/openssl.cnf" -new -key "$dir/$1.key" -subj "/CN=$2" \
            -out "$dir/$1.csr" >>"$log" 2>&1 ||
            ! openssl x509 -req -in "$dir/$1.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
                -set_serial "$4" -days 1 -extfile "$dir/openssl.cnf" -extensions "$3" \
                -out "$dir/$1.pem" >>"$log" 2>&1; then
            fail "make_certs: certificate $1: $(cat "$log")"
        fi
        rm -f "$dir/$1.csr"
    }
    _make_ca ca "stampede test CA"
    _make_ca other-ca "stampede unrelated CA"
    _make_leaf server localhost server 2
    _make_leaf client "stampede test client" client 3
    _make_leaf wrongname wrong.example wrongname 4
    unset -f _make_ca _make_leaf
}

# start_target_tls [extra args...]: start_target with --tls and the certificates of make_certs,
# made once per test in $CERTS. Sets TARGET_PORT and TARGET_PID like start_target.
CERTS=$TMP/certs
start_target_tls() {
    [ -f "$CERTS/server.pem" ] || make_certs "$CERTS"
    start_target --tls "$CERTS/server.pem" "$CERTS/server.key" "$@"
}

# free_port: a TCP port on 127.0.0.1 that nobody listened on a moment ago.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# NGINX_SMALL: the 100-byte body of nginx's /small (99 pattern bytes and a newline).
NGINX_SMALL=$(printf '%s' 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz- \
    0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz- | cut -c 1-99)

# _nginx_start DIR CONF_FN: starts Debian's nginx with the configuration CONF_FN DIR prints for
# the port in NGINX_PORT (one process, in the foreground, everything under DIR), trying another
# port when the one free_port gave was taken in between; waits until it listens. Sets
# NGINX_PORT and NGINX_PID (killed at exit).
_nginx_start() {
    local dir=$1 conf_fn=$2 nginx try
    nginx=$(command -v nginx || true)
    [ -n "$nginx" ] || [ ! -x /usr/sbin/nginx ] || nginx=/usr/sbin/nginx
    [ -n "$nginx" ] || fail "nginx not found: install Debian's nginx package (scripts/deps.sh does)"
    mkdir -p "$dir"
    for try in 1 2 3 4 5; do
        NGINX_PORT=$(free_port)
        "$conf_fn" "$dir" >"$dir/nginx.conf"
        : >"$dir/stderr.log"
        "$nginx" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stderr.log" 2>&1 &
        NGINX_PID=$!
        BG_PIDS+=("$NGINX_PID")
        for _ in $(seq 1 $((WAIT_S * 20))); do # WAIT_S s of 50 ms polls
            if ! kill -0 "$NGINX_PID" 2>/dev/null; then
                grep -q 'Address already in use' "$dir/error.log" "$dir/stderr.log" && continue 2
                fail "nginx exited: $(cat "$dir/stderr.log" "$dir/error.log" 2>/dev/null)"
            fi
            (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null && return 0
            sleep 0.05
        done
        fail "nginx did not start: $(cat "$dir/stderr.log" "$dir/error.log" 2>/dev/null)"
    done
    fail "nginx found no free port in $try tries"
}

# _nginx_head DIR: the lines every private nginx has: one process in the foreground, its pid,
# logs and temporary files under DIR.
_nginx_head() {
    cat <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log warn;
CONF
}

_nginx_temp_paths() {
    cat <<CONF
    client_body_temp_path $1/client_body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
CONF
}

# start_nginx_log FORMAT: a private nginx (Debian's nginx package) on 127.0.0.1 that answers
# 200 "ok" to every request and logs each in nginx's log_format FORMAT (variables escaped as
# \$msec) into $NGINX_LOG, written at once: one process, so a request sent after an answer is
# logged after it. Keep-alive up to a million requests. Sets NGINX_PORT, NGINX_PID, NGINX_LOG.
start_nginx_log() {
    NGINX_FORMAT=$1
    NGINX_LOG=$TMP/nginx-log/access.log
    _nginx_start "$TMP/nginx-log" _nginx_log_conf
}

_nginx_log_conf() {
    _nginx_head "$1"
    cat <<CONF
events {
    worker_connections 4096;
}
http {
    log_format stampede '$NGINX_FORMAT';
    access_log $NGINX_LOG stampede;
$(_nginx_temp_paths "$1")
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            default_type text/plain;
            return 200 "ok\n";
        }
    }
}
CONF
}

# start_nginx_tls: a private nginx (Debian's nginx package) serving HTTPS on 127.0.0.1 with
# the server certificate of make_certs, as a reference server to compare stampede-target with:
# one process, keep-alive up to 100000 requests, a shared session cache and session tickets.
# GET /small answers 200 with NGINX_SMALL (100 bytes), GET /status is nginx's stub_status.
# Config, logs, pid and temp files are in $TMP/nginx. Sets NGINX_PORT and NGINX_PID.
start_nginx_tls() {
    [ -f "$CERTS/server.pem" ] || make_certs "$CERTS"
    _nginx_start "$TMP/nginx" _nginx_tls_conf
}

_nginx_tls_conf() {
    _nginx_head "$1"
    cat <<CONF
events {
    worker_connections 16384;
}
http {
    access_log $1/access.log combined buffer=64k flush=1s;
$(_nginx_temp_paths "$1")
    keepalive_requests 100000;
    keepalive_timeout 75s;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl;
        server_name localhost;
        ssl_certificate $CERTS/server.pem;
        ssl_certificate_key $CERTS/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:SSL:1m;
        ssl_session_tickets on;
        location = /small {
            default_type text/plain;
            return 200 "$NGINX_SMALL\n";
        }
        location = /status {
            stub_status;
        }
        location / {
            return 404;
        }
    }
}
CONF
}
