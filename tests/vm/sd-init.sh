#!/bin/busybox sh
# /init of the systemd-booted scenarios (sd-*): stage 1 only. The root file
# system is the host's, shared read-only over virtio-9p (tag "hostroot",
# see run-scenario.sh), under an overlay whose layers are, top first:
#   upper   tmpfs: this scenario's /etc/spm, the report unit and its
#           scripts, the masks of units that only cost time under TCG
#   lower   /sysroot-dest from this initramfs: `meson install` of spmctl
#           (--prefix=/usr --sysconfdir=/etc), its top directories merged
#           into /usr as dpkg puts them on a merged-/usr system
#   lower   the host's /
# Then `switch_root` to /sbin/init (systemd), which boots multi-user.target;
# spm-vm-report.service runs after it and writes the results (sd-report.sh).
# Anything that fails here is reported on the results port, then power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec 3>/dev/ttyS1

SCENARIO=$(sed -n 's/.*spmvm=\([a-z0-9_-]*\).*/\1/p' /proc/cmdline)
say() { echo "SPM-VM: $*" >/dev/console; }
fatal() {
	echo "# SPM-VM scenario $SCENARIO kernel $(uname -r) (stage 1)" >&3
	echo "not ok - stage 1: $* # the system was not booted" >&3
	say "stage 1 failed: $*"
	poweroff -f
}
say "stage 1 of $SCENARIO: host root over 9p, overlay, then systemd"
[ -f "/scenarios/$SCENARIO.sh" ] || fatal "no scenario $SCENARIO"

mkdir -p /host /layers /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,cache=loose,msize=512000,ro \
	hostroot /host || fatal "mount the host root (9p)"
# (/sbin/init is an absolute symlink: resolve it inside the host's root.)
chroot /host /bin/sh -c 'test -x /sbin/init && test -x /lib/systemd/systemd' ||
	fatal "the host has no /sbin/init and systemd (systemd-sysv)"
mount -t tmpfs -o size=256m,mode=0755 layers /layers || fatal "tmpfs"
mkdir -p /layers/upper /layers/work
cp -a /sysroot-dest /layers/dest || fatal "copy the installed tree"
U=/layers/upper

# A fixed machine id: without one systemd runs its first-boot setup
# (presets of every unit), which a user's boot never does.
mkdir -p $U/etc/systemd/system $U/etc/systemd/journald.conf.d $U/spmvm
echo 5d0c53ad6f5c4bd0a85f1b9b3b8d7e17 >$U/etc/machine-id
# No mounts but the root: the host's fstab describes the host.
: >$U/etc/fstab
# The journal in /run: /var/log/journal of the host is not ours to fill.
printf '[Journal]\nStorage=volatile\n' \
	>$U/etc/systemd/journald.conf.d/spm-vm.conf

# The host may be a container image: its /.dockerenv would make systemd
# believe it runs in a container (and skip udev's units with it).
for f in /.dockerenv /run/.containerenv; do
	if [ -e "/host$f" ]; then
		mkdir -p "$U${f%/*}"
		mknod "$U$f" c 0 0
	fi
done

# Nothing of the host's /etc/spm: each scenario writes its own (overlay
# whiteouts, character devices 0:0, hide the lower layer's entries).
mkdir -p $U/etc/spm
for f in /host/etc/spm/* /host/etc/spm/.[!.]*; do
	[ -e "$f" ] || [ -L "$f" ] || continue
	mknod "$U/etc/spm/${f##*/}" c 0 0
done

# multi-user.target, and only what a boot needs from the host: units the
# host's admin enabled (postgresql, timers, gettys) are not the system
# under test, and the ones below only cost minutes under TCG (hwdb and
# catalog rebuilds, first-boot helpers, network, time sync, and logind,
# which took 28 s with D-Bus on a loaded host; nobody logs in here).
ln -sf /usr/lib/systemd/system/multi-user.target \
	$U/etc/systemd/system/default.target
masks="getty.target serial-getty@.service console-getty.service
getty@.service systemd-timesyncd.service systemd-networkd.service
systemd-resolved.service networking.service ssh.service cron.service
rsyslog.service apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer
e2scrub_all.timer e2scrub_reap.service fstrim.timer man-db.timer
logrotate.timer systemd-tmpfiles-clean.timer systemd-hwdb-update.service
systemd-journal-catalog-update.service ldconfig.service
systemd-sysusers.service systemd-update-done.service systemd-firstboot.service
systemd-pstore.service systemd-remount-fs.service remote-fs.target
postgresql.service systemd-logind.service"
for d in multi-user graphical timers getty; do
	for f in /host/etc/systemd/system/$d.target.wants/*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		masks="$masks ${f##*/}"
	done
done
for m in $masks; do
	ln -sf /dev/null "$U/etc/systemd/system/$m"
done

# The report unit and what it runs.
cp /checks.sh /sd-report.sh /spm-probe $U/spmvm/
cp "/scenarios/$SCENARIO.sh" $U/spmvm/scenario.sh
echo "$SCENARIO" >$U/spmvm/name
cat >$U/etc/systemd/system/spm-vm-report.service <<'EOF'
[Unit]
Description=SPM VM test: check the booted system, report, power off
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/bash /spmvm/sd-report.sh
# The isolation probe pushes past the memory size on purpose: the kernel's
# OOM kills in this unit are expected, and must not stop the report.
OOMPolicy=continue
TimeoutStartSec=infinity
StandardOutput=journal+console
EOF
mkdir -p $U/etc/systemd/system/multi-user.target.wants
ln -sf ../spm-vm-report.service \
	$U/etc/systemd/system/multi-user.target.wants/spm-vm-report.service

# The scenario's own files (its spm.conf, or none).
ROOT=$U
. /checks.sh
. "/scenarios/$SCENARIO.sh"
sd_setup || fatal "scenario setup"

mount -t overlay overlay \
	-o lowerdir=/layers/dest:/host,upperdir=$U,workdir=/layers/work \
	/newroot || fatal "mount the overlay"
[ -x /newroot/usr/sbin/spmctl ] || fatal "no /usr/sbin/spmctl in the new root"
# The host's scratch space (kernel build trees in /var/tmp) is not part of
# the system under test, and systemd-tmpfiles would empty the host's /tmp
# through the overlay at every boot: fresh tmpfs, as on many installs.
for d in tmp var/tmp; do
	mount -t tmpfs -o mode=1777,size=256m tmpfs /newroot/$d ||
		fatal "tmpfs on /$d"
done
for m in dev proc sys; do
	mount --move /$m /newroot/$m || fatal "move /$m"
done
exec 3>&-
say "switching to systemd"
exec switch_root /newroot /sbin/init
