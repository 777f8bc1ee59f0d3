#!/bin/bash
# Every test of the project, as CI runs it (the README's second command):
#   1. userspace: meson build with -Werror, the unit/fixture/ops/policy
#      suites; again with AddressSanitizer+UBSan; again under valgrind;
#   2. fuzz: the config and node-list parsers, bounded time;
#   3. kernel series: checkpatch --strict on every patch;
#   4. VM: patched and vanilla kernels under QEMU, every scenario.
# Installs what it needs with apt-get (Debian bookworm, as root).
# Ends with "N passed, N failed, N skipped"; exit 1 on any failure.
#
# Environment: SPM_SKIP_VM=1 skips part 4 (for quick local runs only; CI
# never sets it), SPM_FUZZ_SECONDS (default 30 per target).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/vm/lib.sh"
OUT=${SPM_TEST_OUT:-$WORK/test-run}
rm -rf "$OUT"
mkdir -p "$OUT"

PASS=0 FAIL=0 SKIP=0
FAILED=()
count() { # count NAME PASS FAIL SKIP
	PASS=$((PASS + $2)) FAIL=$((FAIL + $3)) SKIP=$((SKIP + $4))
	[ "$3" -gt 0 ] && FAILED+=("$1")
	log "$1: $2 passed, $3 failed, $4 skipped"
}

# libnuma, libdaxctl, libcxl and cmocka are not used: meson.build says why.
USER_PACKAGES="meson ninja-build pkg-config gcc clang valgrind
libudev-dev libkmod-dev libjson-c-dev udev systemd numactl python3"
ensure_packages $USER_PACKAGES

# meson's testlog.json has one JSON object per test.
meson_counts() { # meson_counts NAME BUILDDIR
	# With --wrap=X meson names it testlog-X.json.
	python3 - "$2"/meson-logs/testlog*.json <<'EOF' >"$OUT/$1.counts"
import json, sys
p = f = s = 0
try:
    for line in open(sys.argv[-1]):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            p += 1
        elif r == "SKIP":
            s += 1
        else:
            f += 1
            print("meson test failed: " + json.loads(line)["name"],
                  file=sys.stderr)
except OSError:
    f = 1
print(p, f, s)
EOF
	read -r p f s <"$OUT/$1.counts"
	# A suite that ran nothing is a failure, not a pass.
	[ "$((p + f + s))" -gt 0 ] || f=1
	count "$1" "$p" "$f" "$s"
}

userspace() { # userspace NAME [meson options...] [-- test wrapper]
	local name=$1 b=$OUT/build-$1
	shift
	local setup=() wrap=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do setup+=("$1"); shift; done
	[ "${1:-}" = -- ] && { shift; wrap=("$@"); }
	if ! meson setup "$b" "$TOP" -Dwerror=true "${setup[@]}" \
		>"$OUT/$name.setup.log" 2>&1 ||
		! ninja -C "$b" >"$OUT/$name.build.log" 2>&1; then
		tail -30 "$OUT/$name.setup.log" "$OUT/$name.build.log" 2>/dev/null
		count "$name (build)" 0 1 0
		return
	fi
	local args=(--print-errorlogs --num-processes 2)
	[ ${#wrap[@]} -gt 0 ] && args+=(--wrap="${wrap[*]}" --timeout-multiplier 10)
	meson test -C "$b" "${args[@]}" >"$OUT/$name.test.log" 2>&1
	grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|ERROR|TIMEOUT) ' "$OUT/$name.test.log" |
		sort -u
	meson_counts "$name" "$b"
}

log "== userspace tests"
userspace userspace
log "== userspace tests, ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	userspace sanitize -Db_sanitize=address,undefined -Db_lundef=false
log "== userspace tests, valgrind"
userspace valgrind -- valgrind --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --quiet

log "== fuzz"
if [ -x "$TOP/tests/fuzz/run-fuzz.sh" ]; then
	if "$TOP/tests/fuzz/run-fuzz.sh" "${SPM_FUZZ_SECONDS:-30}" \
		>"$OUT/fuzz.log" 2>&1; then
		count fuzz 1 0 0
	else
		tail -20 "$OUT/fuzz.log"
		count fuzz 0 1 0
	fi
	sed -n '/^target *execs/,$p' "$OUT/fuzz.log" | sed 's/^/  /'
fi

log "== kernel series: checkpatch --strict"
# The series is checked against Debian's tarball: on a fresh machine only
# the VM step below would otherwise install it, too late for this one.
ensure_packages linux-source-6.12 perl
if [ -x "$TOP/kernel-patches/check-series.sh" ]; then
	if "$TOP/kernel-patches/check-series.sh" --no-build \
		>"$OUT/checkpatch.log" 2>&1; then
		count checkpatch 1 0 0
	else
		tail -20 "$OUT/checkpatch.log"
		count checkpatch 0 1 0
	fi
fi

if [ "${SPM_SKIP_VM:-0}" = 1 ] && [ "${CI:-}" != true ]; then
	log "== VM tests skipped (SPM_SKIP_VM=1)"
else
	log "== VM tests"
	"$TOP/tests/vm/run.sh" 2>&1 | tee "$OUT/vm.log"
	if read -r p _ f _ s _ < <(grep -E '^[0-9]+ passed, [0-9]+ failed' \
		"$OUT/vm.log" | tail -1); then
		count vm "$p" "$f" "$s"
	else
		count vm 0 1 0
	fi
fi

log "total time $((SECONDS / 60)) min $((SECONDS % 60)) s"
for f in "${FAILED[@]}"; do log "failed: $f"; done
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
