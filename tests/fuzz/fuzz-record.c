/* fuzz-sources: kexec/log.c kexec/sysroot.c kexec/text.c kexec/record.c kexec/tdx/policy.c kexec/range.c kexec/tdx/watchdog.c kexec/plan-digest.c kexec/tdx/cpuinfo.c kexec/tdx/kernel.c purgatory/sha256.c purgatory/sha256-ni.c purgatory/sha256-sse.c */
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: record_parse over an arbitrary /run/kexec-tdx/loaded.json.
 * A refusal logs why; an accepted record written out again (record_json)
 * parses to the same record.
 */
#include "fuzz.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <json-c/json.h>
#include <kexec-tdx/purgatory-abi.h>
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_log log = { 0 };
	struct kexec_record rec, again;
	struct json_object *o;
	const char *text;

	if (record_parse((const char *)data, size, &rec, &log, "loaded.json") < 0) {
		if (!log.last[0])
			fuzz_trap();
		return 0;
	}
	if (rec.action > KTDX_ACTION_CLEAR || rec.needed > KTDX_ACTION_CLEAR)
		fuzz_trap();
	o = record_json(&rec);
	if (!o)
		return 0;
	text = json_object_to_json_string(o);
	if (text && (record_parse(text, strlen(text), &again, &log, "again") < 0 ||
		     memcmp(&rec, &again, sizeof(rec))))
		fuzz_trap();
	json_object_put(o);
	return 0;
}
