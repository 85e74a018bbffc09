#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build every tests/fuzz/fuzz-*.c with clang's libFuzzer, ASan and UBSan,
# run each for FUZZ_SECONDS seconds, print its exec count, and exit
# non-zero if any harness failed to build, crashed, leaked or hung.
# See tests/fuzz/README.md.
#
#   bash tests/fuzz/run.sh              every harness
#   bash tests/fuzz/run.sh elf kmsg     only fuzz-elf.c and fuzz-kmsg.c
#
# Environment: FUZZ_SECONDS (30), CLANG (clang), FUZZ_TIMEOUT (20, seconds
# per input), FUZZ_KEEP=1 (keep the work directory even on success),
# FUZZ_SEED (libFuzzer's -seed; unset: a random one, printed in the log).
# Nothing is written into the source tree: binaries, corpora, logs and
# crash artifacts go to a temporary directory, kept when something failed.
set -uo pipefail

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-20}
CLANG=${CLANG:-clang}
PKGS="libelf zlib liblzma libzstd json-c libkmod"

die() {
	echo "fuzz: $*" >&2
	exit 2
}

case $FUZZ_SECONDS in '' | *[!0-9]*) die "FUZZ_SECONDS=$FUZZ_SECONDS is not a number of seconds" ;; esac
case $FUZZ_TIMEOUT in '' | *[!0-9]*) die "FUZZ_TIMEOUT=$FUZZ_TIMEOUT is not a number of seconds" ;; esac
seed_opt=()
if [ -n "${FUZZ_SEED:-}" ]; then
	case $FUZZ_SEED in *[!0-9]*) die "FUZZ_SEED=$FUZZ_SEED is not a number" ;; esac
	seed_opt=(-seed="$FUZZ_SEED")
fi

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd) || die "cannot find the source tree"
cd "$srcdir" || die "cannot enter $srcdir"

command -v "$CLANG" >/dev/null ||
	die "$CLANG not found: libFuzzer needs clang (Debian: apt-get install clang)"
command -v pkg-config >/dev/null || die "pkg-config not found (Debian: apt-get install pkg-config)"
# shellcheck disable=SC2086
pkg-config --exists $PKGS ||
	die "pkg-config cannot find all of: $PKGS (Debian: tools/install-deps.sh)"
# shellcheck disable=SC2086
pkg_cflags=$(pkg-config --cflags $PKGS)
# shellcheck disable=SC2086
pkg_libs=$(pkg-config --libs $PKGS)

# Which harnesses: all, or those named on the command line.
harnesses=()
if [ $# -eq 0 ]; then
	for f in tests/fuzz/fuzz-*.c; do
		[ -e "$f" ] && harnesses+=("$f")
	done
else
	for n in "$@"; do
		n=${n##*/}
		n=${n%.c}
		n=fuzz-${n#fuzz-}
		[ -f "tests/fuzz/$n.c" ] || die "no harness tests/fuzz/$n.c"
		harnesses+=("tests/fuzz/$n.c")
	done
fi
[ ${#harnesses[@]} -gt 0 ] || die "no tests/fuzz/fuzz-*.c"

work=$(mktemp -d "${TMPDIR:-/tmp}/kexec-tdx-fuzz.XXXXXX") || die "mktemp failed"
failed=0
cleanup() {
	if [ "$failed" -ne 0 ] || [ "${FUZZ_KEEP:-0}" = 1 ]; then
		echo "fuzz: logs, corpora and crash inputs kept in $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What configure's config.h gives the real build (AC_USE_SYSTEM_EXTENSIONS
# and the package strings); the harnesses need no configure run.
cat >"$work/config.h" <<EOF
#define _GNU_SOURCE 1
#define PACKAGE "kexec-tdx"
#define PACKAGE_NAME "kexec-tdx"
#define PACKAGE_VERSION "fuzz"
#define PACKAGE_STRING "kexec-tdx fuzz"
EOF

CFLAGS_FUZZ=(-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-I include -I kexec -I purgatory -include "$work/config.h")

# Print the .c files named in the harness's first line:
#   /* fuzz-sources: kexec/log.c kexec/range.c */
harness_sources() {
	local line
	IFS= read -r line <"$1" || true
	if [[ $line =~ ^/\*\ *fuzz-sources:(.*)\*/[[:space:]]*$ ]]; then
		echo "${BASH_REMATCH[1]}"
		return 0
	fi
	return 1
}

results=()
for h in "${harnesses[@]}"; do
	name=$(basename "$h" .c)
	short=${name#fuzz-}
	log=$work/$name.log
	mkdir -p "$work/$name/corpus" "$work/$name/artifacts"

	if ! sources=$(harness_sources "$h"); then
		results+=("$(printf '%-20s FAILED  first line is not "/* fuzz-sources: FILE.c ... */"' "$name")")
		failed=1
		continue
	fi
	missing=
	for s in $sources; do
		[ -f "$s" ] || missing="$missing $s"
	done
	if [ -n "$missing" ]; then
		results+=("$(printf '%-20s FAILED  fuzz-sources names missing files:%s' "$name" "$missing")")
		failed=1
		continue
	fi

	echo "fuzz: building $name ($sources)"
	# shellcheck disable=SC2086
	if ! "$CLANG" "${CFLAGS_FUZZ[@]}" $pkg_cflags "$h" $sources -o "$work/$name/$name" $pkg_libs \
		>"$work/$name.build.log" 2>&1; then
		cat "$work/$name.build.log" >&2
		results+=("$(printf '%-20s FAILED  build (see %s)' "$name" "$work/$name.build.log")")
		failed=1
		continue
	fi

	# Seeds: tests/fuzz/corpus/elf/ (or .../fuzz-elf/), copied: libFuzzer adds to its corpus.
	for d in "tests/fuzz/corpus/$short" "tests/fuzz/corpus/$name"; do
		[ -d "$d" ] && cp -R "$d/." "$work/$name/corpus/"
	done
	nseeds=$(find "$work/$name/corpus" -type f | wc -l)

	echo "fuzz: running $name for ${FUZZ_SECONDS}s ($nseeds seed inputs)"
	# timeout(1) is the last resort should the harness hang outside libFuzzer's control.
	(cd "$work/$name" && timeout --kill-after=10 $((FUZZ_SECONDS + FUZZ_TIMEOUT + 120)) \
		"./$name" ${seed_opt[@]+"${seed_opt[@]}"} -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
		-timeout="$FUZZ_TIMEOUT" -rss_limit_mb=2048 \
		-artifact_prefix="$work/$name/artifacts/" corpus) >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n1)
	execs=${execs:-?}
	if [ "$rc" -eq 0 ]; then
		results+=("$(printf '%-20s OK      %12s execs in %ss' "$name" "$execs" "$FUZZ_SECONDS")")
	else
		failed=1
		echo "fuzz: $name failed (exit $rc); the end of its log:" >&2
		grep -v '^#[0-9]' "$log" | tail -n 40 >&2
		# The input itself, so that a log without the work directory (CI) reproduces it.
		for a in "$work/$name/artifacts"/*; do
			[ -f "$a" ] || continue
			echo "fuzz: $(basename "$a") ($(wc -c <"$a") bytes), as hex (xxd -r -p turns it back):" >&2
			od -An -v -tx1 "$a" | tr -d ' \n' | fold -w 128 >&2
			echo >&2
		done
		results+=("$(printf '%-20s FAILED  exit %s after %s execs; log %s, inputs %s' "$name" "$rc" \
			"$execs" "$log" "$work/$name/artifacts/")")
	fi
done

echo
echo "fuzz results (${FUZZ_SECONDS}s per harness, clang $("$CLANG" -dumpversion)):"
printf '  %s\n' "${results[@]}"
exit "$failed"
