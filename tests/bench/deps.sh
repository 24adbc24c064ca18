#!/bin/sh
# Installs what the benchmark needs on a fresh Debian 12 machine, when any of it is missing:
# the build dependencies (scripts/deps.sh), the server (nginx), the peers it is compared with
# (wrk, h2load, ab) and the measuring tools (/usr/bin/time, taskset, jq). The profiling tools
# (valgrind, strace) come only with "deps.sh profile". Run as root or through sudo.
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
sh "$HERE/../../scripts/deps.sh"

PACKAGES="nginx wrk nghttp2-client apache2-utils time util-linux procps jq gcc"
[ "${1:-}" = profile ] && PACKAGES="$PACKAGES valgrind strace"
# shellcheck disable=SC2086
sh "$HERE/../../scripts/deps.sh" $PACKAGES
