#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every error of spmctl list/doctor and the global options: exit status
# and a message naming the object and the cause.
. "$(dirname "$0")/common.sh"

F=hmem-kmem-offline

run $F
expect_rc 2 "no command"
expect_in "$err" "spmctl: no command given" "no command"
run $F bogus
expect_rc 2 "unknown command"
expect_in "$err" "spmctl: unknown command 'bogus'" "unknown command"
for c in list doctor online offline exec apply; do
	expect_in "$err" "  $c " "usage lists $c"
done
run $F --bogus list
expect_rc 2 "unknown global option"
expect_in "$err" "usage: spmctl" "global usage"
run $F --help
expect_rc 0 "--help"
expect_in "$out" "usage: spmctl [--version] [--help] [-v|--verbose] [--sysroot DIR]" "help"
run $F --version
expect_rc 0 "--version"
expect_in "$out" "spmctl " "version"

for c in list doctor; do
	run $F $c --bogus
	expect_rc 2 "$c --bogus"
	expect_in "$err" "spmctl $c: unknown option --bogus" "$c bad option"
	expect_in "$err" "usage: spmctl $c" "$c usage"
	run $F $c extra
	expect_rc 2 "$c extra"
	expect_in "$err" "spmctl $c: unexpected argument 'extra'" "$c argument"
	run $F $c --help
	expect_rc 0 "$c --help"
	expect_in "$out" "usage: spmctl $c" "$c help"
	run $F $c -h
	expect_rc 0 "$c -h"
done

run /nonexistent/spm-root list
expect_rc 1 "nonexistent root"
[ "$err" = "spmctl list: /nonexistent/spm-root: No such file or directory" ] ||
	fail "nonexistent root message: $err"

run /nonexistent/spm-root doctor --help
expect_rc 0 "--help needs no root"

# A root without sysfs.
mkdir -p "$tmp/nosys/proc"
cp "$SPM_FIXTURES/$F/proc/iomem" "$SPM_FIXTURES/$F/proc/cmdline" "$tmp/nosys/proc/"
run "$tmp/nosys" list
expect_rc 1 "no sysfs"
[ "$err" = "spmctl list: $tmp/nosys/sys/devices/system/node: No such file or directory" ] ||
	fail "no sysfs message: $err"
run "$tmp/nosys" doctor
expect_rc 1 "doctor without sysfs"
expect_in "$err" "spmctl doctor: $tmp/nosys/sys/devices/system/node: No such file or directory" "doctor no sysfs"

# Unreadable and malformed bits.
cp -a "$SPM_FIXTURES/$F" "$tmp/bad"
rm "$tmp/bad/proc/iomem"
mkdir "$tmp/bad/proc/iomem"
run "$tmp/bad" list
expect_rc 1 "iomem is a directory"
[ "$err" = "spmctl list: $tmp/bad/proc/iomem: Is a directory" ] ||
	fail "iomem directory message: $err"

rmdir "$tmp/bad/proc/iomem"
printf '00000000-00000fff : Reserved\n  garbage\n' >"$tmp/bad/proc/iomem"
run "$tmp/bad" list -j
expect_rc 1 "malformed iomem"
[ "$err" = "spmctl list: $tmp/bad/proc/iomem:2: unexpected format" ] ||
	fail "malformed iomem message: $err"

cp "$SPM_FIXTURES/$F/proc/iomem" "$tmp/bad/proc/iomem"
echo "0-x" >"$tmp/bad/sys/devices/system/node/has_memory"
run "$tmp/bad" list
expect_rc 1 "malformed has_memory"
[ "$err" = "spmctl list: $tmp/bad/sys/devices/system/node/has_memory: not a node list: \"0-x\"" ] ||
	fail "malformed has_memory message: $err"

# Attributes that are missing or garbage are unknown, not fatal.
echo "0-1" >"$tmp/bad/sys/devices/system/node/has_memory"
echo "lots" >"$tmp/bad/sys/devices/platform/hmem.0/dax0.0/size"
rm "$tmp/bad/sys/devices/system/memory/memory33/state"
rm "$tmp/bad/proc/cmdline"
run "$tmp/bad" list --blocks
expect_rc 0 "garbage attributes"
expect_in "$out" "memory33           0x0000000108000000-0x000000010fffffff 128.00 MiB  unknown" "unknown block state"
expect_in "$out" "memhp_default_state=(unset)" "no cmdline"

# -v turns on the library's debug log (on stderr).
run $F -v list
expect_rc 0 "verbose"
expect_in "$err" "libspm: " "debug log"
finish
