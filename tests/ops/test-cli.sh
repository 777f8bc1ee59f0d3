#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# spmctl online / offline / exec: exit codes and messages on fixture trees.
# Usage: test-cli.sh OPS-MKFIXTURE   (with $SPMCTL set by meson)
set -u

MKFIX=$1
: "${SPMCTL:?SPMCTL is not set}"
TMP=$(mktemp -d /tmp/spm-cli-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fails=0
n=0

# run EXPECTED_EXIT STDOUT_PATTERN STDERR_PATTERN -- ARGS...
run() {
	want=$1 out_pat=$2 err_pat=$3
	shift 4
	n=$((n + 1))
	"$SPMCTL" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	ok=1
	[ "$rc" -eq "$want" ] || ok=0
	if [ -n "$out_pat" ] && ! grep -q -- "$out_pat" "$TMP/out"; then ok=0; fi
	if [ -n "$err_pat" ] && ! grep -q -- "$err_pat" "$TMP/err"; then ok=0; fi
	if [ $ok -eq 0 ]; then
		fails=$((fails + 1))
		echo "FAIL: spmctl $* (root ${SPM_SYSFS_ROOT:-/}): exit $rc, want $want" >&2
		[ -n "$out_pat" ] && echo "  stdout should match: $out_pat" >&2
		[ -n "$err_pat" ] && echo "  stderr should match: $err_pat" >&2
		sed 's/^/  out| /' "$TMP/out" >&2
		sed 's/^/  err| /' "$TMP/err" >&2
	fi
}

fixture() {
	rm -rf "$TMP/root"
	"$MKFIX" "$1" "$TMP/root" || exit 99
	SPM_SYSFS_ROOT=$TMP/root
	export SPM_SYSFS_ROOT
}

# --help everywhere
fixture synthetic-hmem-kmem-offline
run 0 "usage: spmctl online" "" -- online --help
run 0 "usage: spmctl offline" "" -- offline --help
run 0 "usage: spmctl exec" "" -- exec --help

# usage errors: exit 2
run 2 "" "--to-devdax is an option of \"spmctl offline\"" -- online --to-devdax dax0.0
run 2 "" "--zone is an option of \"spmctl online\"" -- offline --zone movable dax0.0
run 2 "" "--allow-sysram is an option of \"spmctl online\"" -- offline --allow-sysram dax0.0
run 2 "" "--zone: \"fast\"" -- online --zone fast dax0.0
run 2 "" "--timeout" -- online --timeout 10x dax0.0
run 2 "" "no device given" -- online
run 2 "" "unknown option" -- online --bogus dax0.0
run 2 "" "needs a value" -- online dax0.0 --zone
run 2 "" "\"all\" cannot be combined" -- online all dax0.0

# unknown device: exit 5, named
run 5 "" "dax9.9: no such dax device" -- online dax9.9
run 5 "" "dax9.9: no such dax device" -- offline --dry-run dax9.9

# dry run: the steps, prefixed, and nothing changed
before=$(cd "$TMP/root" && find . -type f -exec md5sum {} + | sort | md5sum)
run 0 "^would: online memory32 as online_movable" "" -- online --dry-run dax0.0
run 0 "^dax0.0: would be online as an isolated SPM node on node 2" "" -- online -n all
run 0 "^would: unbind dax0.0 from kmem" "" -- offline --dry-run --to-devdax dax0.0
after=$(cd "$TMP/root" && find . -type f -exec md5sum {} + | sort | md5sum)
n=$((n + 1))
if [ "$before" != "$after" ]; then
	fails=$((fails + 1))
	echo "FAIL: a dry run changed the tree" >&2
fi
run 0 "\"online memory39 as online_kernel\"" "" -- online -n -j --zone kernel dax0.0

# nothing to do: already offline
run 0 "dax0.0: already offline, bound to kmem" "" -- offline dax0.0
fixture synthetic-online-movable
run 0 "^would: offline memory39 (Movable)" "" -- offline --dry-run dax0.0
run 0 "^dax0.0: already isolated as SPM node 2 (8 blocks, Movable)" "" -- online dax0.0
# addresses hidden as from a non-root reader (resource 0400, iomem zeros):
# the blocks are still found, through the target node
rm -f "$TMP/root/sys/devices/platform/hmem.0/dax0.0/resource"
sed -i 's/^\( *\)[0-9a-f]*-[0-9a-f]* :/\100000000-00000000 :/' "$TMP/root/proc/iomem"
run 0 "^dax0.0: already isolated as SPM node 2 (8 blocks, Movable)" "" -- online -n dax0.0
run 0 "^would: offline memory39 (Movable): in the wrong zone" "" -- online -n --zone kernel dax0.0

# a failure that was rolled back: exit 1. Without the write hook the
# fixture's driver files are plain files: the unbind "succeeds" and the
# device stays bound.
fixture synthetic-devdax-idle
run 1 "^unbind dax0.0 from device_dax" "the write succeeded, but dax0.0 is still bound to device_dax; rolled back" -- online dax0.0

# kernel without the series: exit 4, and the message
fixture synthetic-no-series
run 4 "" "isolation unavailable: the kernel lacks SPM node support" -- online dax0.0
run 4 "" "isolation unavailable" -- online all
run 0 "^would: bind dax0.0 to kmem" "" -- online --dry-run --allow-sysram dax0.0

# --user-numa (spm-abi.md 7a): the dry run plans the write before the bind
fixture synthetic-user-numa-devdax
run 0 "^would: write 1 to dax0.0/spm_user_numa" "" -- online --user-numa --dry-run dax0.0
run 0 "open to the plain NUMA API (Movable)" "" -- online --user-numa -n all
run 0 "\"write 1 to dax0.0/spm_user_numa\"" "" -- online --user-numa -n -j dax0.0
run 2 "" "--user-numa and --no-user-numa exclude each other" -- online --user-numa --no-user-numa dax0.0
run 2 "" "--user-numa is an option of \"spmctl online\"" -- offline --user-numa dax0.0
# without SPM isolation it means nothing: refused, nothing planned
fixture synthetic-no-series
run 1 "" "dax0.0: user-numa needs SPM isolation (spm_node=1)" -- online --user-numa --allow-sysram -n dax0.0
# a kernel without the attribute: exit 4, the device and attribute named
run 4 "" "dax0.0: user-numa unavailable: the kernel has no sys/bus/dax/devices/dax0.0/spm_user_numa attribute" -- online --user-numa -n dax0.0
fixture synthetic-devdax-idle
run 4 "" "dax0.0: user-numa unavailable: the kernel has no sys/bus/dax/devices/dax0.0/spm_user_numa attribute" -- online --user-numa -n dax0.0
run 0 "^would: bind dax0.0 to kmem" "" -- online --no-user-numa -n dax0.0

# exec: node lists
fixture synthetic-online-movable
run 2 "" "invalid node list \"x\": bad entry \"x\"" -- exec --node x -- true
run 2 "" "descending range \"2-1\"" -- exec --node 2-1 true
run 5 "" "node 7 does not exist" -- exec --node 7 -- true
run 2 "" "node 1 is not an SPM node (SysRAM)" -- exec --node 1 -- true
# "all" and "!N" are relative to the SPM nodes (issue 15: "all" took
# every node with memory, so it could never work); -m/--membind is
# numactl's spelling. The fixture's kernel is not the running one, so
# the policy itself fails after the list was resolved to node 2.
run 2 "" "MPOL_F_SPM_NODE, nodes 2)" -- exec --node all -- true
run 2 "" "MPOL_F_SPM_NODE, nodes 2)" -- exec -m all -- true
run 2 "" "MPOL_F_SPM_NODE, nodes 2)" -- exec --membind spm -- true
run 2 "" "node list \"!2\" selects no node" -- exec --membind '!2' -- true
run 2 "" "--node NODES is required" -- exec -- true
run 2 "" "no command given" -- exec --node 2
run 2 "" "option --node needs a value" -- exec --node
run 2 "" "option -m needs a value" -- exec -m
# a node opened to the plain NUMA API takes the explicit flag too
if [ -d "${SPM_FIXTURES:-/nonexistent}/synthetic-user-numa" ]; then
	SPM_SYSFS_ROOT=$SPM_FIXTURES/synthetic-user-numa
	run 2 "" "MPOL_F_SPM_NODE, nodes 2)" -- exec --node 2 -- true
	run 2 "" "MPOL_F_SPM_NODE, nodes 2)" -- exec -m all -- true
fi
fixture synthetic-no-series
run 4 "" "kernel lacks MPOL_F_SPM_NODE" -- exec --node 2 -- true
run 4 "" "no has_spm_memory" -- exec --node spm -- true

# the shared fixtures (tests/fixtures, captured/synthetic by discovery):
# a dry run plans without error and changes nothing
for dir in "${SPM_FIXTURES:-/nonexistent}"/*/; do
	[ -d "$dir/sys" ] || continue
	name=$(basename "$dir")
	# a copy: a broken dry run must not damage the source tree
	rm -rf "$TMP/shared"
	cp -a "${dir%/}" "$TMP/shared" || exit 99
	dir=$TMP/shared
	SPM_SYSFS_ROOT=$dir
	export SPM_SYSFS_ROOT
	before=$(cd "$dir" && find . -type f -exec md5sum {} + | sort | md5sum)
	if [ "$name" = no-series ]; then
		run 4 "" "isolation unavailable" -- online -n all
		run 0 "" "" -- online -n --allow-sysram all
	elif [ "$name" = synthetic-driver-owned ]; then
		# node 2 is test_spm's, not a dax device's: "all" does not
		# see it, and naming it is refused (8) before any write
		run 5 "" "no dax devices found" -- online -n all
		run 5 "" "no dax devices found" -- offline -n --to-devdax all
		msg="node2: memory owned by driver test_spm, not by a dax device; spmctl does not online or offline it"
		run 8 "" "^spmctl online: $msg\$" -- online node2
		run 8 "" "^spmctl offline: $msg\$" -- offline node2
		run 8 "" "^spmctl offline: $msg\$" -- offline --to-devdax node2
		run 8 "" "^spmctl online: $msg\$" -- online -n --zone kernel node2
		run 8 '"refused_by": "driver-owned"' "" -- online -j node2
		run 8 '"driver": "test_spm"' "" -- offline -j node2
		run 8 '"errno": 1,' "" -- offline -j node2
		# a SysRAM node is no device at all, as before
		run 5 "" "node0: no such dax device" -- online node0
		run 5 "" "node9: no such dax device" -- offline node9
	elif [ "$name" = synthetic-sysram-target ]; then
		run 8 "" "target_node 0 already holds System RAM" -- online -n all
		run 0 "^dax" "" -- offline -n --to-devdax all
	else
		run 0 "^dax" "" -- online -n all
		run 0 "^dax" "" -- offline -n --to-devdax all
	fi
	after=$(cd "$dir" && find . -type f -exec md5sum {} + | sort | md5sum)
	n=$((n + 1))
	if [ "$before" != "$after" ]; then
		fails=$((fails + 1))
		echo "FAIL: a dry run changed tests/fixtures/$name" >&2
	fi
done

# exec of a missing command (127) needs the policy to succeed first, so
# only on a kernel with the series, where node 2 is an SPM node.
if [ -e /sys/devices/system/node/has_spm_memory ] &&
   grep -q 2 /sys/devices/system/node/has_spm_memory; then
	unset SPM_SYSFS_ROOT
	run 127 "" "no-such-command-xyz: command not found" -- exec --node 2 -- no-such-command-xyz
	run 126 "" "/etc/hostname" -- exec --node 2 -- /etc/hostname
	run 0 "" "" -- exec --node 2 -- true
fi

# not root on the live root: exit 3 (only if we can drop to nobody)
unset SPM_SYSFS_ROOT
if [ "$(id -u)" -ne 0 ]; then
	run 3 "" "" -- online all
elif command -v setpriv >/dev/null 2>&1 &&
     setpriv --reuid=65534 --regid=65534 --clear-groups "$SPMCTL" --help >/dev/null 2>&1; then
	n=$((n + 1))
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SPMCTL" online all \
		>"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -ne 3 ]; then
		fails=$((fails + 1))
		echo "FAIL: spmctl online all as nobody: exit $rc, want 3" >&2
		cat "$TMP/err" >&2
	fi
else
	echo "skipped the not-root check: running as root and cannot drop to nobody" >&2
fi

echo "$n checks, $fails failures"
[ $fails -eq 0 ]
