# shellcheck shell=bash
# Common settings for the VM harness. Sourced, not run.

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$VM_DIR/../.." && pwd)
PATCH_DIR=$TOP/kernel-patches
TARBALL=${SPM_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
# Build products live outside the repository (never committed). Each kernel
# flavour is keyed by a hash of everything that goes into it, so a stale
# build is never reused and an unchanged one is not rebuilt.
WORK=${SPM_VM_WORK:-/var/tmp/spmctl-vm}
JOBS=${JOBS:-$(nproc)}

log() { printf '[vm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[vm] ERROR: %s\n' "$*" >&2; exit 1; }

# Packages the harness needs on Debian bookworm. Installed only when one is
# missing, so a warm machine pays nothing.
VM_PACKAGES="linux-source-6.12 qemu-system-x86 busybox-static build-essential
bc bison flex libelf-dev libssl-dev cpio xz-utils python3 numactl daxctl
libnuma-dev ccache rsync udev"
# The systemd-booted scenarios (sd-*) boot the host's own root file system:
# it must have systemd as /sbin/init, udev and D-Bus, as an installed
# Debian has (a container image may not).
SD_PACKAGES="systemd systemd-sysv udev dbus"

# sd-*: booted by systemd from the host's root (sd-init.sh), not by init.sh.
is_sd_scenario() {
	case "$1" in sd-*) return 0 ;; esac
	return 1
}

ensure_packages() {
	local missing=() p
	for p in "$@"; do
		# QEMU comes from bookworm-backports (volatile CXL memory).
		if [ "$p" = qemu-system-x86 ]; then
			ensure_qemu_backports
			continue
		fi
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	if [ "$(id -u)" != 0 ]; then
		die "missing packages (${missing[*]}); run as root or install them"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
}

# The QEMU the scenarios need: 10.x from bookworm-backports, whose
# cxl-type3 takes a volatile-memdev (bookworm's 7.2 cannot emulate volatile
# CXL memory, the cxl scenario's device). The package replaces the stock
# qemu-system-x86 (same name). The backports source is derived from this
# machine's own apt configuration: the URI, components and key of the
# entry that serves suite "bookworm", reused for "bookworm-backports"; no
# mirror is named here.
QEMU_MIN_VERSION=1:10
BACKPORTS_LIST=${APT_ETC:-/etc/apt}/sources.list.d/spmctl-bookworm-backports.sources

qemu_is_backports() {
	local v
	v=$(dpkg-query -W -f='${Status} ${Version}' qemu-system-x86 2>/dev/null) ||
		return 1
	case "$v" in "install ok installed "*) ;; *) return 1 ;; esac
	dpkg --compare-versions "${v##* }" ge "$QEMU_MIN_VERSION"
}

# Print "URI|components|signed-by" of the first apt entry for suite
# bookworm (deb822 .sources first, then one-line .list files); nothing if
# there is none.
debian_bookworm_source() {
	local f files=()
	for f in "${APT_ETC:-/etc/apt}"/sources.list.d/*.sources; do
		[ -f "$f" ] && files+=("$f")
	done
	if [ ${#files[@]} -gt 0 ]; then
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; suites = ""; comps = ""; key = ""; types = ""; en = "yes"
			for (i = 1; i <= NF; i++) {
				l = $i
				if (l ~ /^[ \t]*#/) continue
				if (l ~ /^Types:/) { sub(/^Types:[ \t]*/, "", l); types = l }
				else if (l ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", l); split(l, a, /[ \t]+/); uri = a[1] }
				else if (l ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", l); suites = " " l " " }
				else if (l ~ /^Components:/) { sub(/^Components:[ \t]*/, "", l); comps = l }
				else if (l ~ /^Signed-By:/) { sub(/^Signed-By:[ \t]*/, "", l); key = l }
				else if (l ~ /^Enabled:/) { sub(/^Enabled:[ \t]*/, "", l); en = l }
			}
			if (en == "no" || (" " types " ") !~ / deb /) next
			if (uri != "" && suites ~ /[ \t]bookworm[ \t]/) {
				print uri "|" comps "|" key; exit
			}
		}' "${files[@]}" | head -1 | grep . && return 0
	fi
	files=()
	for f in "${APT_ETC:-/etc/apt}"/sources.list "${APT_ETC:-/etc/apt}"/sources.list.d/*.list; do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || return 0
	# deb [options] URI bookworm component...
	awk '$1 == "deb" {
		i = 2; key = ""
		if ($2 ~ /^\[/) {
			opts = ""
			for (; i <= NF; i++) { opts = opts " " $i; if ($i ~ /\]$/) { i++; break } }
			if (match(opts, /signed-by=[^] \t]+/))
				key = substr(opts, RSTART + 10, RLENGTH - 10)
		}
		if ($(i + 1) != "bookworm") next
		comps = ""
		for (j = i + 2; j <= NF; j++) comps = comps (comps == "" ? "" : " ") $j
		print $i "|" comps "|" key; exit
	}' "${files[@]}" | head -1
}

# Install qemu-system-x86 from bookworm-backports unless it is there
# already. Idempotent and quiet; writes one deb822 file.
ensure_qemu_backports() {
	local src uri comps key
	qemu_is_backports && return 0
	[ "$(id -u)" = 0 ] ||
		die "qemu-system-x86 >= $QEMU_MIN_VERSION (bookworm-backports) is needed; run as root or install it"
	if ! grep -rqs -E '^[^#]*bookworm-backports' \
		"${APT_ETC:-/etc/apt}"/sources.list \
		"${APT_ETC:-/etc/apt}"/sources.list.d/; then
		src=$(debian_bookworm_source)
		[ -n "$src" ] ||
			die "no apt source for Debian bookworm in /etc/apt/sources.list or /etc/apt/sources.list.d/*.{list,sources}: cannot derive bookworm-backports for qemu-system-x86 >= $QEMU_MIN_VERSION; add a bookworm-backports source by hand"
		IFS='|' read -r uri comps key <<<"$src"
		[ -n "$comps" ] || comps=main
		log "adding bookworm-backports ($uri, $comps) for QEMU"
		{
			echo "# Added by spmctl tests/vm/lib.sh for qemu-system-x86 (CXL)"
			echo "Types: deb"
			echo "URIs: $uri"
			echo "Suites: bookworm-backports"
			echo "Components: $comps"
			[ -z "$key" ] || echo "Signed-By: $key"
		} >"$BACKPORTS_LIST"
	fi
	log "installing qemu-system-x86 from bookworm-backports"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports \
		--no-install-recommends qemu-system-x86 >/dev/null ||
		die "apt-get install -t bookworm-backports qemu-system-x86 failed"
	qemu_is_backports ||
		die "qemu-system-x86 is still older than $QEMU_MIN_VERSION after the install"
	log "$(qemu-system-x86_64 --version | head -1)"
}

kernel_pkg_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown
}

# The series files, in order, as named by kernel-patches/series.
series_files() {
	local f
	[ -f "$PATCH_DIR/series" ] || return 0
	while read -r f; do
		case "$f" in ''|'#'*) continue ;; esac
		printf '%s\n' "$PATCH_DIR/$f"
	done <"$PATCH_DIR/series"
}

# The benchmark kernels' Kconfig fragment, merged after test.config.
BENCH_CONFIG=$TOP/tests/bench/kernel/bench.config

# The benchmark's kernel patches (flavours "+bench"), in order.
bench_series_files() {
	local f d=$TOP/tests/bench/kernel
	[ -f "$d/series" ] || return 0
	while read -r f; do
		case "$f" in ''|'#'*) continue ;; esac
		printf '%s\n' "$d/$f"
	done <"$d/series"
}

# Hash of what a flavour's build depends on.
flavour_key() {
	local flavour=$1
	{
		echo "$flavour"
		kernel_pkg_version
		stat -c '%s %Y' "$TARBALL"
		cat "$PATCH_DIR/test.config" "$VM_DIR/build-kernel.sh" \
			"$VM_DIR/build-selftests.sh"
		case "$flavour" in
		patched*) series_files | xargs -r cat ;;
		esac
		case "$flavour" in
		*+bench)
			bench_series_files | xargs -r cat
			cat "$BENCH_CONFIG"
			;;
		esac
	} | sha256sum | cut -c1-16
}

# vCPUs per scenario: 2 (one socket per CPU node), but mm's migration test
# needs three CPUs or more, so the regression scenario has two per socket.
scenario_cores() {
	case "$1" in
	regress) echo 2 ;;
	*) echo 1 ;;
	esac
}

# The QEMU machine of a scenario: "default" (the contract's test topology,
# run-scenario.sh), "cxl" (two CPU nodes plus a CXL type3 memdev) or "two"
# (two memory-only nodes of 512 MiB, 2 and 3, for two SPM nodes).
scenario_machine() {
	case "$1" in
	cxl) echo cxl ;;
	spm-two) echo two ;;
	*) echo default ;;
	esac
}

# Scenarios: name -> "flavour memmap timeout-seconds extra-cmdline" ("-" for
# none). scenario (c) is the only one without an SPM node.
SCENARIOS="spm-boot spm-runtime no-spm vanilla regress spmctl \
policy-isolate policy-devdax spm-kernel vanilla-kernel spm-numa \
sd-isolate sd-devdax sd-noconf sd-badconf sd-autoonline sd-persist \
spm-driver cxl spm-two"
scenario_spec() {
	case "$1" in
	spm-boot) echo "patched yes 1200 dax_hmem.spm_node=1 memhp_default_state=online_movable" ;;
	spm-runtime) echo "patched yes 1200 memhp_default_state=offline" ;;
	# numactl/libnuma on an SPM node without and with spm_user_numa
	spm-numa) echo "patched yes 1200 memhp_default_state=offline" ;;
	# A driver (lib/test_spm.c) owns node 2: its range is reserved RAM.
	spm-driver) echo "patched no 900 memmap=1G\$0x100000000 memhp_default_state=offline" ;;
	# ZONE_NORMAL: the layout where kernel allocations could reach node 2.
	spm-kernel) echo "patched yes 1200 dax_hmem.spm_node=1 memhp_default_state=online_kernel" ;;
	vanilla-kernel) echo "vanilla yes 900 memhp_default_state=offline" ;;
	no-spm) echo "patched no 900 -" ;;
	vanilla) echo "vanilla yes 900 memhp_default_state=offline" ;;
	regress) echo "patched yes 1200 dax_hmem.spm_node=1 memhp_default_state=online_movable" ;;
	spmctl) echo "patched yes 900 memhp_default_state=offline" ;;
	# online_movable, not online: with ZONE_NORMAL the kernel may put an
	# unmovable page on node 2 before udev runs (seen: a slab page), and
	# then no tool can offline it (docs/boot-policy.md).
	policy-isolate) echo "patched yes 900 memhp_default_state=online_movable" ;;
	policy-devdax) echo "patched yes 900 memhp_default_state=online_movable" ;;
	# Boot as users boot (issue 17): systemd as PID 1, the same hostile
	# auto-online as policy-isolate; the device starts as SysRAM.
	# sd-isolate runs the isolation probe too: 390 s seen on a loaded host.
	sd-isolate) echo "patched yes 900 memhp_default_state=online_movable" ;;
	sd-devdax|sd-noconf|sd-badconf)
		echo "patched yes 600 memhp_default_state=online_movable" ;;
	# The kernel onlines into ZONE_NORMAL, and a udev rule onlines too.
	sd-autoonline) echo "patched yes 600 memhp_default_state=online" ;;
	# A second Soft Reserved range in node 1, lower in the address map:
	# node 2's range comes up as dax1.0 instead of dax0.0.
	sd-persist) echo "patched yes 600 memhp_default_state=online_movable memmap=256M%0x60000000-1+0xefffffff" ;;
	# Volatile CXL memory (QEMU cxl-type3, scenario_machine cxl): node 2
	# is the CXL window's node, no Soft Reserved range. The default makes
	# every RAM region SPM; the kernel onlines it (hostile, as distributions
	# do) before userspace could act.
	cxl) echo "patched no 1200 cxl_core.spm_node=1 memhp_default_state=online_movable" ;;
	# Two SPM nodes (scenario_machine two): node 2 Soft Reserved (dax_hmem,
	# kmem, online_movable), node 3 reserved for test_spm, which the
	# scenario loads on it: offlining node 2 must not spill onto node 3.
	spm-two) echo "patched no 900 dax_hmem.spm_node=1 memhp_default_state=online_movable memmap=512M%4G-1+0xefffffff memmap=512M\$0x120000000" ;;
	demo-patched) echo "patched yes 900 memhp_default_state=offline" ;;
	demo-vanilla) echo "vanilla yes 900 memhp_default_state=offline" ;;
	*) die "unknown scenario $1" ;;
	esac
}
