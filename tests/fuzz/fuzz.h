/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the fuzz targets and the replay driver. */
#ifndef _SPM_FUZZ_H_
#define _SPM_FUZZ_H_

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fixture trees: $SPM_FIXTURES, or the source tree's (set by meson). */
static inline const char *fuzz_fixtures(void)
{
	const char *dir = getenv("SPM_FIXTURES");

	return dir && *dir ? dir : FUZZ_FIXTURES;
}

#endif /* _SPM_FUZZ_H_ */
