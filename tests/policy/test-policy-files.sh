#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The generated udev rule and systemd unit, and the example spm.conf:
# paths substituted, dax names that need no systemd escaping, the unit
# accepted by systemd-analyze, the rule by udevadm verify where it exists
# (udev >= 253), the example valid once uncommented.
#
# usage: test-policy-files.sh BUILD-POLICY-DIR SOURCE-POLICY-DIR
set -u

build=$1
src=$2
: "${SPMCTL:?}"
tmp=$(mktemp -d /tmp/spm-test-policy.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

rules=$build/90-spm.rules
unit=$build/spmctl-apply@.service
boot_unit=$build/spmctl-apply.service

for f in "$rules" "$unit" "$boot_unit"; do
	[ -f "$f" ] || { fail "$f not generated"; continue; }
	grep -n '@[A-Z_]*@' "$f" && fail "$f: unsubstituted @VARIABLE@"
done

# The rule: only daxX.Y add events, handed to the unit by kernel name.
grep -qxF 'ACTION!="add", GOTO="spm_end"' "$rules" || fail "rule: no add filter"
grep -qxF 'SUBSYSTEM!="dax", GOTO="spm_end"' "$rules" || fail "rule: no subsystem filter"
grep -qxF 'KERNEL!="dax[0-9]*.[0-9]*", GOTO="spm_end"' "$rules" ||
	fail "rule: no device name filter"
grep -qF 'ENV{SYSTEMD_WANTS}+="spmctl-apply@%k.service"' "$rules" ||
	fail "rule: no SYSTEMD_WANTS"
grep -qE '^RUN\+="/.*/spmctl apply --no-wait %k"$' "$rules" ||
	fail "rule: no RUN+= fallback with an absolute path"
grep -qE '^ExecStart=/.*/spmctl apply %I$' "$unit" || fail "unit: ExecStart"
# Runs only with a configuration (the sd-noconf VM scenario boots without).
grep -qxF 'ConditionPathExists=|/etc/spm/spm.conf' "$unit" ||
	fail "unit: no condition on /etc/spm/spm.conf"
grep -qxF 'ConditionPathExistsGlob=|/etc/spm/conf.d/*.conf' "$unit" ||
	fail "unit: no condition on /etc/spm/conf.d"

# The boot pass: every device, before udevd, with the same conditions.
grep -qE '^ExecStart=/.*/spmctl apply --no-wait$' "$boot_unit" ||
	fail "boot unit: ExecStart"
grep -qxF 'Before=systemd-udevd.service sysinit.target shutdown.target' \
	"$boot_unit" || fail "boot unit: ordering"
grep -qxF 'ConditionPathExists=|/etc/spm/spm.conf' "$boot_unit" ||
	fail "boot unit: no condition on /etc/spm/spm.conf"

# %k goes into the unit name unescaped: that is right only if escaping a
# dax device name is the identity, and %I then gives the name back.
if command -v systemd-escape >/dev/null; then
	for name in dax0.0 dax1.12 dax123.4; do
		e=$(systemd-escape "$name")
		[ "$e" = "$name" ] || fail "systemd-escape $name gives $e"
		e=$(systemd-escape --template=spmctl-apply@.service "$name")
		[ "$e" = "spmctl-apply@$name.service" ] || fail "template: $e"
		u=$(systemd-escape --unescape "$name")
		[ "$u" = "$name" ] || fail "unescape $name gives $u"
	done
else
	echo "systemd-escape not found: escaping not checked"
fi

# systemd-analyze checks the unit's syntax and that ExecStart exists:
# point it at the built spmctl.
if command -v systemd-analyze >/dev/null; then
	sed "s|^ExecStart=.*/spmctl |ExecStart=$SPMCTL |" "$unit" \
		>"$tmp/spmctl-apply@dax0.0.service"
	sed "s|^ExecStart=.*/spmctl |ExecStart=$SPMCTL |" "$boot_unit" \
		>"$tmp/spmctl-apply.service"
	for u in spmctl-apply@dax0.0.service spmctl-apply.service; do
		if ! out=$(cd "$tmp" && systemd-analyze verify --man=no \
			"./$u" 2>&1) || [ -n "$out" ]; then
			fail "systemd-analyze verify $u: $out"
		fi
	done
else
	echo "systemd-analyze not found: unit not verified"
fi

if udevadm verify --help >/dev/null 2>&1; then
	udevadm verify "$rules" || fail "udevadm verify"
else
	echo "udevadm verify not available (udev < 253): rule syntax not verified"
fi

# The example: valid as shipped (all commented out), and valid with every
# example rule enabled.
out=$("$SPMCTL" apply --check --config "$src/spm.conf.example" 2>&1) ||
	fail "example as shipped: $out"
sed -E 's/^#(\[device\]|[a-z-]+ = )/\1/' "$src/spm.conf.example" >"$tmp/ex.conf"
out=$("$SPMCTL" apply --check --config "$tmp/ex.conf" 2>&1) ||
	fail "example uncommented: $out"
grep -qxF "configuration is valid: 3 rules" <<<"$out" ||
	fail "example uncommented: $out"

[ "$failed" = 0 ] && echo "policy files ok"
[ "$failed" = 0 ]
