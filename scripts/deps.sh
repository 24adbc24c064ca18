#!/bin/sh
# Installs the Debian packages stampede needs to build and test, when any is missing.
# Run as root (or through sudo) on Debian 12 or later.
set -e
PACKAGES="gcc make autoconf automake pkg-config libevent-dev libssl-dev libc-ares-dev
libinih-dev libncurses-dev libcmocka-dev jq procps tmux"
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
