#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# README.md opens for operators: before its first code block, five bullet
# lines in this order (what it does, install, what changes, undo, status);
# then the developer's two commands are the first two code blocks: the
# build that ends in `--tdx-status`, and `make check` (after
# `fetch-kernels` and `kexec-tools-peer`, which the VM tests on Debian's
# newest kernel and the kexec-tools comparison need).
set -u
srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
readme=$srcdir/README.md
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }

# the text before the first indented code block
head=$(awk '/^    [^ ]/ { exit } { print }' "$readme")
got=$(printf '%s\n' "$head" | sed -n 's/^- \*\*\([^:*]*\):\*\*.*/\1/p' | tr '\n' '|')
want="What it does|Install|What changes|Undo|Status|"
[ "$got" = "$want" ] && ok "five operator lines first: $got" || not_ok "operator lines: '$got', want '$want'"
blocks=$(grep -E '^    [^ ]' "$readme" | head -n 2)
first=$(printf '%s\n' "$blocks" | sed -n 1p)
second=$(printf '%s\n' "$blocks" | sed -n 2p)
case $first in
*./autogen.sh*./configure*make*--tdx-status) ok "first code block: build and --tdx-status" ;;
*) not_ok "first code block: $first" ;;
esac
case $second in
"    make check" | "    make fetch-kernels kexec-tools-peer check") ok "second code block: $second" ;;
*) not_ok "second code block: $second" ;;
esac
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
