#!/bin/sh
# Installs Debian packages when any is missing: with no argument, what stampede needs to
# build and test; with arguments, those packages (other scripts call it for their own needs).
# Run as root (or through sudo) on Debian 12 or later.
set -e
# libhdrhistogram-java and a Java runtime: the tests read --hdr-log with HdrHistogram's own tool;
# prometheus: the tests scrape a run with a real Prometheus server; python3-websockets and socat:
# peers for the channel tests; openmpi-bin and libopenmpi-dev: stampede-mpi (configure --with-mpi).
PACKAGES="gcc make autoconf automake pkg-config libevent-dev libssl-dev libc-ares-dev zlib1g-dev
libncurses-dev libcmocka-dev libpcre2-dev libjansson-dev libwslay-dev jq procps python3
python3-websockets socat openssl nginx time tmux groff-base man-db libhdrhistogram-java
default-jre-headless prometheus openmpi-bin libopenmpi-dev"
[ $# -gt 0 ] && PACKAGES="$*"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
