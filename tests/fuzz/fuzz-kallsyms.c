/* fuzz-sources: kexec/log.c kexec/text.c kexec/range.c kexec/sysroot.c kexec/tdx/kernel.c kexec/tdx/watchdog.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: the /proc/kallsyms parser, the faux device's version
 * file and the watchdog sysfs attributes over arbitrary text.
 */
#include "fuzz.h"
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tdx/tdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const attrs[] = { "identity", "timeout", "state", "nowayout" };
	struct kexec_log log = { 0 };
	struct tdx_kallsyms k;
	struct tdx_kernel kern;
	char version[32];
	int r;

	r = tdx_kallsyms_parse((const char *)data, size, &k, &log, "kallsyms");
	if (r == 0) {
		if (!k.symbols)
			fuzz_trap();
		tdx_kernel_from_kallsyms(&k, false, &kern);
		if (kern.refuses_kexec_on_erratum == TDX_YES && kern.disables_tdx_module != TDX_NO)
			fuzz_trap();
	} else if (r != -ENODATA || k.symbols || k.sys_disable) {
		fuzz_trap();
	}
	r = tdx_version_file_parse((const char *)data, size, version, sizeof(version), &log, "version");
	if (r == 0 && (strlen(version) < 5 || strlen(version) >= sizeof(version) ||
		       strspn(version, "0123456789.") != strlen(version)))
		fuzz_trap();
	if (r < 0 && version[0])
		fuzz_trap();
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		struct tdx_watchdog w = { .timeout_s = -1, .nowayout = TDX_UNKNOWN };

		if (tdx_watchdog_attr_parse(&w, attrs[i], (const char *)data, size, &log, "w") == 0) {
			if (strlen(w.identity) >= sizeof(w.identity) || w.timeout_s < -1 ||
			    (w.state[0] && strcmp(w.state, "active") && strcmp(w.state, "inactive")))
				fuzz_trap();
			for (const char *p = w.identity; *p; p++)
				if (*p < 0x20 || *p > 0x7e)
					fuzz_trap();
		}
	}
	return 0;
}
