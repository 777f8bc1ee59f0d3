#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# spmctl apply on fixture trees: which rule matches which device (by range,
# hmem device, CXL serials, node), what --dry-run would do, that a dry run
# changes nothing, that an already applied policy is "nothing to do", the
# exit codes, and apply --check.
#
# Each case copies a fixture from tests/fixtures to a scratch root, so not
# even a bug can touch the source tree, and compares a snapshot of the
# whole tree before and after.
#
# Environment (set by meson): SPMCTL, SPM_FIXTURES.
set -u

: "${SPMCTL:?}" "${SPM_FIXTURES:?}"
tmp=$(mktemp -d /tmp/spm-test-apply.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
n=0

fail() {
	echo "FAIL [$case]: $*"
	failed=$((failed + 1))
}

snapshot() {
	(cd "$1" && find . -printf '%p %y %l\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0 sha1sum)
}

# use FIXTURE: a fresh copy as $root
use() {
	rm -rf "$tmp/root"
	cp -a "$SPM_FIXTURES/$1" "$tmp/root" || exit 1
	root=$tmp/root
}

conf() {
	printf '%b' "$1" >"$tmp/spm.conf"
}

# run EXPECTED-RC ARGS...: spmctl apply under $root; output in $out
run() {
	local want=$1 rc before after
	shift
	n=$((n + 1))
	before=$(snapshot "$root")
	out=$(SPM_SYSFS_ROOT=$root "$SPMCTL" apply "$@" 2>&1)
	rc=$?
	after=$(snapshot "$root")
	[ "$rc" = "$want" ] || fail "exit $rc, want $want; output:
$out"
	# Dry runs, checks and refusals never write; on a fixture tree no
	# write can succeed without the kernel either.
	[ "$before" = "$after" ] || fail "the tree changed"
}

has() {
	grep -qxF -- "$1" <<<"$out" || fail "missing line: '$1'; output:
$out"
}

hasnt() {
	grep -qF -- "$1" <<<"$out" && fail "unexpected '$1'; output:
$out"
}

# ---- matching by each identity ------------------------------------------

case=range
use hmem-kmem-offline
conf '[device]\nname = hbm\nmatch-range = 0x100000000+1G\naction = isolate\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:1 (hbm): isolate, zone movable"
has "  would: write 1 to dax0.0/spm_node"
has "  would: online memory32 as online_movable"
grep -q '^dax0.0: would be isolated ([0-9]* steps)$' <<<"$out" ||
	fail "no 'would be isolated' line: $out"

case=range-inclusive-end
conf '[device]\nmatch-range = 0x100000000-0x13fffffff\naction = isolate\nzone = kernel\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:1: isolate, zone kernel"
has "  would: online memory32 as online_kernel"

case=range-too-small
conf '[device]\nmatch-range = 0x100000000-0x13ffffffe\naction = isolate\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: no rule matches (left alone)"

case=range-larger
conf '[device]\nmatch-range = 0x0-0xffffffffff\naction = isolate\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:1: isolate, zone movable"

case=hmem
conf '[device]\nmatch-hmem = hmem.1\naction = devdax\n[device]\nmatch-hmem = hmem.0\naction = isolate\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:4: isolate, zone movable"

case=node
conf '[device]\nmatch-node = 1\naction = devdax\n[device]\nmatch-node = 2\nmatch-hmem = hmem.0\naction = isolate\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:4: isolate, zone movable"

case=all-keys-must-hold
conf '[device]\nmatch-node = 2\nmatch-hmem = hmem.7\naction = isolate\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: no rule matches (left alone)"

case=cxl-serial
use cxl-ram-region
conf '[device]\nmatch-cxl-serial = 0x5a1e0003\naction = isolate\n[device]\nmatch-hmem = hmem.0\naction = isolate\n[device]\nmatch-cxl-serial = 0x5a1e0002, 0x5a1e0001\naction = devdax\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:7: devdax"
has "  would: unbind dax0.0 from kmem"
has "  would: bind dax0.0 to device_dax"

case=cxl-one-serial
conf '[device]\nmatch-cxl-serial = 1511915521\naction = ignore\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:1: ignore"
has "dax0.0: left alone (action = ignore)"

case=cxl-serial-on-hmem
use hmem-kmem-offline
conf '[device]\nmatch-cxl-serial = 0x5a1e0001\naction = isolate\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: no rule matches (left alone)"

# ---- first match wins, ignore, no match -----------------------------------

case=first-match-wins
conf '[device]\nname = keep-out\nmatch-node = 2\naction = ignore\n[device]\nmatch-range = 0x100000000+1G\naction = isolate\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:1 (keep-out): ignore"
hasnt "would:"

case=no-rules
conf '# nothing\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: no rule matches (left alone)"

# ---- actions and idempotence ----------------------------------------------

case=already-isolated
use online-movable
conf '[device]\nmatch-node = 2\naction = isolate\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: already isolated, nothing to do"
# Not a dry run: the same answer, and no write is attempted.
run 0 --config "$tmp/spm.conf"
has "dax0.0: already isolated, nothing to do"

case=zone-change
conf '[device]\nmatch-node = 2\naction = isolate\nzone = kernel\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:1: isolate, zone kernel"
grep -q '^  would: offline memory3[2-9]' <<<"$out" ||
	fail "no offline step for a zone change: $out"

case=to-devdax
conf '[device]\nmatch-node = 2\naction = devdax\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "  would: unbind dax0.0 from kmem"
has "  would: bind dax0.0 to device_dax"
grep -q '^dax0.0: would be devdax' <<<"$out" || fail "no result line: $out"

case=already-devdax
use devdax-idle
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: already devdax, nothing to do"
run 0 --config "$tmp/spm.conf"
has "dax0.0: already devdax, nothing to do"

case=sysram
use devdax-idle
conf '[device]\nmatch-node = 2\naction = sysram\nallow-sysram = yes\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:1: sysram, zone movable"
has "  would: bind dax0.0 to kmem"
hasnt "would: write 1 to dax0.0/spm_node"
grep -q '^dax0.0: would be online as System RAM' <<<"$out" ||
	fail "no result line: $out"

case=no-series-isolate
use no-series
conf '[device]\nmatch-node = 2\naction = isolate\n'
run 4 --dry-run --config "$tmp/spm.conf"
grep -q '^dax0.0: failed: .*lacks SPM node support' <<<"$out" ||
	fail "no failure line: $out"

# ---- devices named on the command line --------------------------------------

case=named-device
use hmem-kmem-offline
conf '[device]\nmatch-node = 2\naction = isolate\n'
run 0 --dry-run --config "$tmp/spm.conf" dax0.0
has "dax0.0: rule $tmp/spm.conf:1: isolate, zone movable"

case=missing-device
run 5 --dry-run --config "$tmp/spm.conf" dax9.9 dax0.0
grep -q '^dax9.9: failed: ' <<<"$out" || fail "no failure line: $out"
# The other device is still handled.
has "dax0.0: rule $tmp/spm.conf:1: isolate, zone movable"

# ---- an identity that cannot be read ----------------------------------------

case=unreadable-range
# As a non-root reader sees it: no resource file, iomem without addresses.
rm -f "$root/sys/devices/platform/hmem.0/dax0.0/resource"
sed -i 's/^\( *\)[0-9a-f]*-[0-9a-f]* :/\100000000-00000000 :/' "$root/proc/iomem"
conf '[device]\nmatch-range = 0x100000000+1G\naction = isolate\n[device]\nmatch-node = 2\naction = devdax\n'
run 3 --dry-run --config "$tmp/spm.conf"
has "dax0.0: cannot tell whether the rule at $tmp/spm.conf:1 matches: its physical address is unreadable (needs root); left alone"
hasnt "devdax"
# A key that is certainly false decides even so.
conf '[device]\nmatch-range = 0x100000000+1G\nmatch-node = 5\naction = isolate\n[device]\nmatch-node = 2\naction = ignore\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:5: ignore"

# ---- the files under the root: spm.conf, then conf.d in byte order ------------

case=system-files
use hmem-kmem-offline
mkdir -p "$root/etc/spm/conf.d"
printf '[device]\nmatch-node = 1\naction = isolate\n' >"$root/etc/spm/spm.conf"
printf '[device]\nname = b\nmatch-hmem = hmem.0\naction = devdax\n' >"$root/etc/spm/conf.d/b.conf"
printf '[device]\nname = a\nmatch-node = 2\naction = isolate\n' >"$root/etc/spm/conf.d/a.conf"
printf 'garbage\n' >"$root/etc/spm/conf.d/a.conf.dpkg-old"
run 0 --dry-run
has "dax0.0: rule /etc/spm/conf.d/a.conf:1 (a): isolate, zone movable"
# --config replaces all of them.
conf '[device]\nname = only\nmatch-node = 2\naction = ignore\n'
run 0 --dry-run --config "$tmp/spm.conf"
has "dax0.0: rule $tmp/spm.conf:1 (only): ignore"

# ---- a bad configuration changes nothing ---------------------------------------

case=bad-config
printf '[device]\nmatch-node = 2\naction = isolate\nzone = sideways\n' >"$root/etc/spm/conf.d/c.conf"
run 2
has "/etc/spm/conf.d/c.conf:4: zone 'sideways' is not movable or kernel"
has "spmctl apply: 1 problem in the configuration; nothing changed"
hasnt "dax0.0"
run 2 dax0.0
hasnt "dax0.0:"
rm "$root/etc/spm/conf.d/c.conf"

# ---- apply --check ------------------------------------------------------------

case=check-valid
run 0 --check
has "/etc/spm/spm.conf:1: node 1 -> isolate, zone movable"
has "/etc/spm/conf.d/a.conf:1 (a): node 2 -> isolate, zone movable"
has "/etc/spm/conf.d/b.conf:1 (b): hmem hmem.0 -> devdax"
has "configuration is valid: 3 rules"

case=check-bad
conf '[device]\nmatch-node = two\naction = isolate\n[device]\naction = devdax\nfoo = bar\n'
run 6 --check --config "$tmp/spm.conf"
has "$tmp/spm.conf:2: match-node 'two' is not a node number (0 to 1023)"
has "$tmp/spm.conf:4: rule has no match key (match-range, match-hmem, match-cxl-serial or match-node)"
has "$tmp/spm.conf:6: unknown key 'foo'"
has "spmctl apply: 3 problems in the configuration"

case=check-empty
conf '# no rules\n'
run 0 --check --config "$tmp/spm.conf"
has "configuration is valid: no rules, every device is left alone"

case=check-missing-file
run 6 --check --config "$tmp/nonexistent.conf"
has "$tmp/nonexistent.conf: cannot read: No such file or directory"

case=check-usage
run 2 --check dax0.0
run 2 --check --dry-run
run 2 --bogus-option
run 2 --timeout 0

case=help
run 0 --help
grep -q '^usage: spmctl apply' <<<"$out" || fail "no usage: $out"

echo "$n runs, $failed failures"
[ "$failed" = 0 ]
