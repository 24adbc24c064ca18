#!/bin/sh
# Installs what is missing, then configures (warnings are errors) and builds in the source tree.
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure --enable-werror ${CONFIGURE_FLAGS:-} >/dev/null
make -j"$(nproc)" >/dev/null
