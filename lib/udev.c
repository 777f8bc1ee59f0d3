// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Waiting for udev after binding kmem.
 *
 * Binding kmem adds the memory blocks before the bind write returns, but
 * their uevents may not be processed yet, and a udev rule (or the kernel's
 * auto_online_blocks policy, at add time) may online them. We want those
 * agents to have acted before we look at the blocks, so we can tell the
 * user who onlined what, instead of racing them. So: listen on a
 * udev_monitor ("udev" source: events udevd has finished processing) for
 * the "memory"/"dax" subsystems from before the bind, then wait for the
 * add event of every expected block, then for udevd's queue to be empty.
 * Never a fixed sleep; always bounded by the caller's timeout.
 *
 * libudev's queue check alone is not enough ("/run/udev/queue" may not
 * exist yet when our write returns, before udevd read the event), and
 * "udevadm settle"'s ping over udevd's control socket is not exposed.
 *
 * On a fixture root nothing here runs: there is no udevd for a tree.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libudev.h>

#include "libspm-private.h"
#include "libspm-ops.h"

struct spm_udev_wait {
	struct spm_ctx *ctx;
	struct udev *udev;
	struct udev_queue *queue;
	struct udev_monitor *mon;
};

void spm_udev_wait_cancel(struct spm_udev_wait *w)
{
	if (!w)
		return;
	if (w->mon)
		udev_monitor_unref(w->mon);
	if (w->queue)
		udev_queue_unref(w->queue);
	if (w->udev)
		udev_unref(w->udev);
	free(w);
}

struct spm_udev_wait *spm_udev_wait_begin(struct spm_ctx *ctx)
{
	struct spm_udev_wait *w;

	if (!spm_root_is_live(ctx))
		return NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->ctx = ctx;
	w->udev = udev_new();
	if (!w->udev)
		goto fail;
	w->queue = udev_queue_new(w->udev);
	if (!w->queue)
		goto fail;
	if (!udev_queue_get_udev_is_active(w->queue)) {
		spm_dbg(ctx, "udevd is not running: not waiting for it");
		goto fail;
	}
	w->mon = udev_monitor_new_from_netlink(w->udev, "udev");
	if (w->mon && (udev_monitor_filter_add_match_subsystem_devtype(
			       w->mon, "memory", NULL) < 0 ||
		       udev_monitor_filter_add_match_subsystem_devtype(
			       w->mon, "dax", NULL) < 0 ||
		       udev_monitor_enable_receiving(w->mon) < 0)) {
		udev_monitor_unref(w->mon);
		w->mon = NULL;
	}
	if (!w->mon)
		spm_info(
			ctx,
			"cannot monitor udev events; waiting for its queue only");
	return w;
fail:
	spm_udev_wait_cancel(w);
	return NULL;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Mark memoryN as seen if it is one of ids[]. */
static void note_event(struct udev_device *dev, const unsigned long *ids,
		       bool *seen, size_t nr)
{
	const char *action = udev_device_get_action(dev);
	const char *name = udev_device_get_sysname(dev);
	const char *subsys = udev_device_get_subsystem(dev);
	unsigned long id = 0;
	const char *p;
	size_t i;

	if (!action || !name || !subsys || strcmp(action, "add") ||
	    strcmp(subsys, "memory") || strncmp(name, "memory", 6) || !name[6])
		return;
	for (p = name + 6; *p; p++) {
		if (*p < '0' || *p > '9')
			return;
		id = id * 10 + (unsigned long)(*p - '0');
	}
	for (i = 0; i < nr; i++)
		if (ids[i] == id)
			seen[i] = true;
}

int spm_udev_wait_end(struct spm_udev_wait *w, const unsigned long *ids,
		      size_t nr, int timeout_ms, size_t *missing)
{
	long long deadline;
	bool *seen = NULL;
	size_t i, left;
	int rc = 0;

	if (missing)
		*missing = 0;
	if (!w)
		return 0;
	if (nr && w->mon) {
		seen = calloc(nr, sizeof(*seen));
		if (!seen) {
			spm_udev_wait_cancel(w);
			return -ENOMEM;
		}
	}
	deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 10000);

	for (;;) {
		struct pollfd pfd[2];
		int npfd = 0, wait, r;

		left = 0;
		for (i = 0; seen && i < nr; i++)
			left += !seen[i];
		if (!left) {
			udev_queue_flush(w->queue);
			if (udev_queue_get_queue_is_empty(w->queue))
				break;
		}
		wait = (int)(deadline - now_ms());
		if (wait <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		if (left) {
			pfd[npfd].fd = udev_monitor_get_fd(w->mon);
			pfd[npfd++].events = POLLIN;
		} else {
			pfd[npfd].fd = udev_queue_get_fd(w->queue);
			pfd[npfd++].events = POLLIN;
			if (pfd[0].fd < 0) {
				/* no inotify: nothing to wait on */
				break;
			}
		}
		r = poll(pfd, npfd, wait);
		if (r < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (r <= 0)
			continue;
		if (left) {
			struct udev_device *dev;

			while ((dev = udev_monitor_receive_device(w->mon))) {
				note_event(dev, ids, seen, nr);
				udev_device_unref(dev);
			}
		} else {
			udev_queue_flush(w->queue);
		}
	}
	if (rc == -ETIMEDOUT) {
		spm_info(
			w->ctx,
			"udev did not settle within %d ms (%zu block events unseen)",
			timeout_ms > 0 ? timeout_ms : 10000, left);
		if (missing)
			*missing = left;
	}
	free(seen);
	spm_udev_wait_cancel(w);
	return rc;
}
