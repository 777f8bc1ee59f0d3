# shellcheck shell=sh
# The test protocol's helpers, shared by init.sh (busybox init in the
# initramfs) and sd-report.sh (a unit of the systemd-booted scenarios).
# Sourced; the caller opens fd 3 on the results port (ttyS1) first. Results
# go there in this protocol, which tests/vm/parse-results.py reads:
#   # BEGIN <name>          a block of TAP/KTAP output from one program
#   ...
#   # END <name> rc=<n>
#   ok - <name> [# SKIP why] / not ok - <name> # why    a single check
#   # METRIC <key> <value>  a figure for the log and the benchmark
#   # SPM-VM DONE           the scenario finished
NODE=/sys/devices/system/node

say() { echo "SPM-VM: $*" >/dev/console; }
out() { echo "$*" >&3; }
metric() { out "# METRIC $1 $2"; say "metric $1 = $2"; }

# check NAME CMD...: one TAP line from a command's exit status.
check() {
	name=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then
		out "ok - $name"
	else
		out "not ok - $name # $(tr '\n' ' ' </tmp/check.out | cut -c1-300)"
		sed 's/^/#   /' /tmp/check.out >&3
	fi
}
not() { ! "$@"; }
skip() { out "ok - $1 # SKIP $2"; }
# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		out "ok - $1"
	else
		out "not ok - $1 # expected '$2', got '$3'"
	fi
}

# block NAME CMD...: run a TAP-producing program, fence its output.
block() {
	name=$1
	shift
	say "running $name"
	t0=$(cut -d' ' -f1 /proc/uptime)
	"$@" >/tmp/block.out 2>&1
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	out "# BEGIN $name"
	cat /tmp/block.out >&3
	out "# END $name rc=$rc"
	say "$name rc=$rc ($t0 -> $t1 s)"
	return $rc
}

# list_has N LIST: N is in a kernel %*pbl list such as "0-2,4".
list_has() {
	echo "$2" | awk -v n="$1" -F, '{
		for (i = 1; i <= NF; i++) {
			k = split($i, r, "-"); lo = r[1]; hi = (k > 1) ? r[2] : r[1]
			if (n + 0 >= lo + 0 && n + 0 <= hi + 0) f = 1
		} } END { exit !f }'
}

# Run the isolation probe; one check per phase (expect 0 MiB when $2 is
# "zero") and a metric "<prefix>_<phase>_mib" per phase.
leak_probe() {
	node=$1 want=$2 prefix=$3
	block "probe:leak-$prefix" spm-probe leak "$node"
	while read -r tag phase mib; do
		[ "$tag" = leak ] || continue
		metric "${prefix}_${phase}_mib" "$mib"
		if [ "$want" = zero ]; then
			expect_eq "$prefix: MiB on node $node after $phase pressure" 0 "$mib"
		fi
	done </tmp/block.out
}

# Kernel allocations under System RAM pressure (spm-probe kernel): one
# metric per node meminfo field that grew; with "zero", one check per field
# that it did not grow at all, and one that the workload held its memory
# while it was counted.
kernel_probe() {
	node=$1 want=$2 prefix=$3
	block "probe:kernel-$prefix" spm-probe kernel "$node"
	while read -r tag field val; do
		[ "$tag" = kernel ] || continue
		case $field in
		held) expect_eq "$prefix: kernel workload held its memory while counted" yes "$val"; continue ;;
		esac
		metric "${prefix}_kernel_${field}" "$val"
		if [ "$want" = zero ]; then
			expect_eq "$prefix: node $node $field growth under kernel pressure" 0 "$val"
		fi
	done </tmp/block.out
}

node_memfree_kb() { awk '/MemFree/ {print $4}' $NODE/node$1/meminfo; }
node_memtotal_kb() { awk '/MemTotal/ {print $4}' $NODE/node$1/meminfo; }
spm_nodes() { cat $NODE/has_spm_memory 2>/dev/null; }

# Online every offline block of a node, like daxctl online-memory does.
online_node_blocks() {
	for m in $NODE/node$1/memory[0-9]*; do
		[ "$(cat $m/state)" = offline ] && echo "$2" >$m/state
	done
	return 0
}

# Every block of node $1 is online and in zone $2.
node_blocks_in_zone() {
	n=0
	for m in $NODE/node$1/memory[0-9]*; do
		[ "$(cat $m/state)" = online ] || { echo "$m offline"; return 1; }
		z=$(cat $m/valid_zones)
		[ "$z" = "$2" ] || { echo "$m zone $z"; return 1; }
		n=$((n + 1))
	done
	[ $n -gt 0 ] || { echo "node $1 has no memory blocks"; return 1; }
}

# Results of a KUnit suite from debugfs. The suite is a module
# (/tests/modules/<suite>_kunit.ko): loading it runs it, with whatever SPM
# node exists at that moment; it stays loaded so the results stay readable.
kunit_block() {
	d=/sys/kernel/debug/kunit/$1
	m=/tests/modules/${1}_kunit.ko
	if [ ! -d $d ] && [ -f $m ]; then
		insmod $m || out "# insmod $m failed"
	fi
	if [ ! -d $d ]; then
		out "not ok - kunit suite $1 present # no $d"
		return 1
	fi
	block "kunit:$1" cat $d/results
}

# The spm.conf of the policy scenarios: isolate node 2 of the test machine,
# named by its physical range, which stays the same across boots whatever
# daxX.Y the device gets.
node2_isolate_conf() {
	cat <<'CONF'
# node 2 of the test machine, matched by its physical range
[device]
name = test-hbm
match-range = 0x100000000-0x13fffffff
action = isolate
zone = movable
CONF
}
