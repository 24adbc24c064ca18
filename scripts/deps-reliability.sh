#!/bin/sh
# Installs what the reliability checks need beyond scripts/deps.sh, when any is missing:
# clang with libFuzzer (tests/fuzz/run.sh) and valgrind (scripts/valgrind.sh). The sanitizer
# build uses gcc's own ASan and UBSan. Run as root (or through sudo) on Debian 12 or later.
set -e
PACKAGES="clang libclang-rt-14-dev valgrind"
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
