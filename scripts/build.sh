#!/bin/sh
# Installs what is missing, then configures (warnings are errors) and builds out of the source
# tree, in build/ (or $BUILD). Extra configure flags: $CONFIGURE_FLAGS.
set -e
cd "$(dirname "$0")/.."
SRC=$PWD
BUILD=${BUILD:-$SRC/build}
sh scripts/deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
mkdir -p "$BUILD"
cd "$BUILD"
# shellcheck disable=SC2086
[ -f Makefile ] || "$SRC/configure" --enable-werror --with-mpi ${CONFIGURE_FLAGS:-} >configure.out ||
    { tail -n 20 configure.out >&2; exit 1; }
make -j"$(nproc)" >/dev/null
