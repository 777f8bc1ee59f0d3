#!/bin/busybox sh
# /init of the test VM. The kernel console is ttyS0 (checked by the host for
# WARNING/BUG/lockdep); test results go to ttyS1 in the protocol described
# in checks.sh, which tests/vm/parse-results.py reads.
/bin/busybox --install -s /bin
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/tests
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs -o size=64m tmpfs /tmp
mkdir -p /run && mount -t tmpfs tmpfs /run
exec 3>/dev/ttyS1
echo 1 >/proc/sys/kernel/panic_on_oops

SCENARIO=$(sed -n 's/.*spmvm=\([a-z0-9_-]*\).*/\1/p' /proc/cmdline)
. /checks.sh

say "scenario ${SCENARIO:-none} starting, kernel $(uname -r)"
out "# SPM-VM scenario $SCENARIO kernel $(uname -r)"
if [ -f /scenarios/$SCENARIO.sh ]; then
	. /scenarios/$SCENARIO.sh
else
	out "not ok - scenario '$SCENARIO' exists"
fi
out "# SPM-VM DONE"
say "done"
sync
poweroff -f
