// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Loading the dax drivers (kmem, device_dax) with libkmod.
 *
 * The driver directory under sys/bus/dax/drivers is checked first and
 * libkmod is only asked when it is missing: libkmod reads the running
 * kernel's /lib/modules and /sys/module whatever our root is, and it takes
 * a built-in module for an absent one when modules.builtin.bin is missing.
 * Unlike libdaxctl 76.1, a blacklisted module is an error here, not a
 * silent success (a positive return of kmod_module_probe_insert_module).
 */
#include <errno.h>
#include <string.h>

#include <libkmod.h>

#include "libspm-private.h"
#include "libspm-ops.h"

int spm_kmod_ensure_dax_driver(struct spm_ctx *ctx, const char *driver)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx;
	int rc;

	if (spm_exists(ctx, "sys/bus/dax/drivers/%s", driver))
		return 0;
	if (!spm_root_is_live(ctx))
		return spm_set_error(
			ctx, -ENOENT,
			"driver %s is not loaded (no sys/bus/dax/drivers/%s under %s), and modules are only loaded on a live root",
			driver, driver, spm_get_root(ctx));

	kctx = kmod_new(NULL, NULL);
	if (!kctx)
		return spm_set_error(
			ctx, -ENOMEM,
			"cannot load module %s: libkmod context failed",
			driver);
	rc = kmod_module_new_from_name(kctx, driver, &mod);
	if (rc < 0) {
		spm_set_error(ctx, rc, "cannot load module %s: %s", driver,
			      strerror(-rc));
		goto out;
	}
	spm_info(ctx, "loading module %s", driver);
	rc = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST,
					     NULL, NULL, NULL, NULL);
	if (rc > 0) {
		rc = spm_set_error(
			ctx, -EPERM,
			"module %s is blacklisted (modprobe.d); remove the blacklist entry or load it by hand",
			driver);
		goto out;
	}
	if (rc < 0) {
		spm_set_error(ctx, rc, "cannot load module %s: %s", driver,
			      rc == -ENOENT ? "not found in /lib/modules" :
					      strerror(-rc));
		goto out;
	}
	if (!spm_exists(ctx, "sys/bus/dax/drivers/%s", driver))
		rc = spm_set_error(
			ctx, -ENOENT,
			"module %s loaded, but /sys/bus/dax/drivers/%s is still missing",
			driver, driver);
out:
	kmod_module_unref(mod);
	kmod_unref(kctx);
	return rc;
}
