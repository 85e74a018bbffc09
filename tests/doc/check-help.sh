#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The man page, the bash completion and `kexec --help` name the same
# options:
#   - every option of --help (long, and the short ones of its "-x, --xxx"
#     lines) is in the OPTIONS section of doc/kexec.8 and in completion/kexec;
#   - every long option of that OPTIONS section is in --help;
#   - every long option of completion/kexec is documented in doc/kexec.8.
# Options --help leaves out (the ignored and the unsupported
# kexec-tools ones) belong in the man page's COMPATIBILITY section, not in
# OPTIONS.
#
# Environment (set by `make check`): KEXEC_BIN, the kexec to ask for --help;
# abs_top_srcdir, the source tree.  Exit 0 when all checks pass, 1 if not.
set -u

srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
kexec=${KEXEC_BIN:-$srcdir/kexec/kexec}
man=$srcdir/doc/kexec.8
comp=$srcdir/completion/kexec

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] && exit 0
	exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-help.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

for f in "$man" "$comp"; do
	if [ -r "$f" ]; then ok "$f is readable"; else not_ok "$f is missing"; fi
done
if "$kexec" --help >"$tmp/help" 2>"$tmp/help.err"; then
	ok "$kexec --help exits 0"
else
	not_ok "$kexec --help exits $? ($(head -n 3 "$tmp/help.err"))"
fi
[ -s "$tmp/help" ] || { not_ok "$kexec --help printed nothing"; finish; }
if [ ! -r "$man" ] || [ ! -r "$comp" ]; then finish; fi

# Long options mentioned in a text, one per line, sorted, unique:
# "--initrd=FILE" gives "--initrd".
long_opts() {
	grep -oE -- '--[a-zA-Z0-9][a-zA-Z0-9-]*' | LC_ALL=C sort -u
}

# --help: every long option anywhere in the text (also "(also --ramdisk=FILE)").
long_opts <"$tmp/help" >"$tmp/help.long"
# --help: short options, from the "  -l, --load" lines.
sed -n 's/^ *-\([a-zA-Z0-9]\), --.*/\1/p' "$tmp/help" | LC_ALL=C sort -u >"$tmp/help.short"
[ -s "$tmp/help.long" ] || not_ok "no long option found in --help"
[ -s "$tmp/help.short" ] || not_ok "no short option found in --help"

# The man page as plain text: no comments, \- and \(hy as '-', no font
# changes, no \& or \%.
plain_man() {
	sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\(hy/-/g' -e 's/\\f[BIRP]//g' \
		-e 's/\\f(..//g' -e 's/\\f\[[^]]*\]//g' -e 's/\\[&%]//g' "$man"
}
plain_man >"$tmp/man.txt"
# The OPTIONS section: from ".SH OPTIONS" to the next ".SH".
awk '/^\.SH/ { in_opts = ($0 ~ /^\.SH +"?OPTIONS"? *$/); next } in_opts' \
	"$tmp/man.txt" >"$tmp/man.options"
[ -s "$tmp/man.options" ] || not_ok "doc/kexec.8 has no OPTIONS section"
long_opts <"$tmp/man.options" >"$tmp/man.long"
long_opts <"$tmp/man.txt" >"$tmp/man.all"

# The completion without comments.
sed -e 's/^[[:space:]]*#.*//' "$comp" >"$tmp/comp.txt"
long_opts <"$tmp/comp.txt" >"$tmp/comp.long"

# has_word FILE WORD: WORD occurs in FILE, not as part of a longer option.
has_word() {
	grep -qE -- "(^|[^a-zA-Z0-9-])$2([^a-zA-Z0-9-]|\$)" "$1"
}

while read -r opt; do
	if grep -qxF -- "$opt" "$tmp/man.long"; then
		ok "$opt (--help) is in the man page's OPTIONS"
	else
		not_ok "$opt (--help) is not in the OPTIONS section of doc/kexec.8"
	fi
	if grep -qxF -- "$opt" "$tmp/comp.long"; then
		ok "$opt (--help) is in completion/kexec"
	else
		not_ok "$opt (--help) is not in completion/kexec"
	fi
done <"$tmp/help.long"

while read -r c; do
	if has_word "$tmp/man.options" "-$c"; then
		ok "-$c (--help) is in the man page's OPTIONS"
	else
		not_ok "-$c (--help) is not in the OPTIONS section of doc/kexec.8"
	fi
	if has_word "$tmp/comp.txt" "-$c"; then
		ok "-$c (--help) is in completion/kexec"
	else
		not_ok "-$c (--help) is not in completion/kexec"
	fi
done <"$tmp/help.short"

while read -r opt; do
	if grep -qxF -- "$opt" "$tmp/help.long"; then
		ok "$opt (man OPTIONS) is in --help"
	else
		not_ok "$opt is in the OPTIONS section of doc/kexec.8 but not in --help"
	fi
done <"$tmp/man.long"

# --help fits a terminal of 80 columns.
if awk 'length > 80 { exit 1 }' "$tmp/help"; then
	ok "--help fits 80 columns"
else
	not_ok "--help has lines over 80 columns: $(awk 'length > 80' "$tmp/help" | head -n 2)"
fi

# -t: the same type names in --help and in the man page (kexec-tools' names).
sed -n '/^ *-t, --type/,/^ *-[a-zA-Z-],\|^ *--[a-z]/p' "$tmp/help" | sed '$d' >"$tmp/help.type"
[ -s "$tmp/help.type" ] || sed -n '/^ *-t, --type/p' "$tmp/help" >"$tmp/help.type"
awk '/-t[", ]+--type/ { on = 1 } on && /^\.TP/ { exit } on' "$tmp/man.options" >"$tmp/man.type"
for t in bzImage64 bzImage elf-x86_64 elf-x86 multiboot-x86 multiboot2-x86 beoboot-x86 nbi-x86 uki; do
	h=no; m=no
	grep -qE -- "(^|[^a-zA-Z0-9_-])$t([^a-zA-Z0-9_-]|\$)" "$tmp/help.type" && h=yes
	grep -qE -- "(^|[^a-zA-Z0-9_-])$t([^a-zA-Z0-9_-]|\$)" "$tmp/man.type" && m=yes
	if [ "$h" = "$m" ]; then
		ok "-t $t: --help and the man page agree ($h)"
	else
		not_ok "-t $t: in --help $h, in the man page $m"
	fi
done

while read -r opt; do
	if grep -qxF -- "$opt" "$tmp/man.all"; then

		ok "$opt (completion) is in the man page"
	else
		not_ok "$opt is in completion/kexec but not in doc/kexec.8"
	fi
done <"$tmp/comp.long"

finish
