#!/bin/sh
# Copies the source files (tracked or new, not ignored; no build output) into DEST, keeping their
# times so that a later build there only remakes what changed. The sanitizer and fuzz builds use
# such a copy: automake refuses a second build directory while the source tree itself is
# configured, as it is after scripts/build.sh.
set -e
[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
dest=$1
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dest"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    # deleted but still tracked files are skipped
    (cd "$src" && git ls-files -z --cached --others --exclude-standard |
        xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
        tar --null -T - -cf -) | tar -xpf - -C "$dest"
else
    (cd "$src" && tar --exclude=./build-fuzz --exclude=./build-asan -cf - .) | tar -xpf - -C "$dest"
fi
