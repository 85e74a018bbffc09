/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec-tdx: main() parses the options once, builds the context and
 * dispatches: one call per action (lifecycle.h, tdx/report.h).  Only
 * main() decides the exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conffile.h"
#include "ctx.h"
#include "lifecycle.h"
#include "options.h"
#include "record.h"
#include "tdx/report.h"
#include "tdx/tdx.h"

/* The runs that apply a policy; a broken config file stops them, before any load. */
static bool needs_policy(const struct kexec_options *o)
{
	return o->tdx_status || ((o->do_load || o->do_exec) && !o->tdx_report && !o->print_ckr_size);
}

/* The policy: --tdx, KEXEC_TDX_POLICY, /etc/kexec-tdx.conf, auto. */
static int choose_policy(struct kexec_ctx *ctx, struct kexec_options *o, struct policy_choice *policy)
{
	*policy = (struct policy_choice){ .policy = o->tdx_policy, .source = "default",
					  .sys_disable = TDX_UNKNOWN };
	if (needs_policy(o) &&
	    config_choose_policy(ctx->sr, &ctx->log, o->tdx_policy_given, o->tdx_policy,
				 getenv("KEXEC_TDX_POLICY"), policy) < 0)
		return -EINVAL;
	o->tdx_policy = policy->policy;
	return 0;
}

/*
 * One action, and its exit code: 1 for refusals and fatal errors, 255 for
 * a load or unload the kernel refused (as --help says), -S as kexec-tools.
 */
static int dispatch(struct kexec_ctx *ctx, const struct kexec_options *o,
		    const struct policy_choice *policy)
{
	struct kexec_record loaded_now;
	int r;

	if (o->tdx_status) {
		r = lifecycle_tdx_status(ctx, o, policy);
		return o->check ? r : r < 0 ? EXIT_FAIL : 0;
	}
	if (o->tdx_report)
		return tdx_report_print(ctx->sr, &ctx->log, stdout, o->json) < 0 ? EXIT_FAIL : 0;
	if (o->print_ckr_size)
		return lifecycle_print_crash_size(ctx) < 0 ? EXIT_FAIL : 0;
	if (o->do_status) {
		/* the crash image unless -l was given; 1 loaded, 0 not, 255 unreadable */
		r = lifecycle_loaded_logged(ctx, !o->opt_load);
		return r < 0 ? EXIT_LOAD_FAIL : r > 0 ? 1 : 0;
	}
	if (o->do_unload && lifecycle_unload(ctx, o) < 0)
		return EXIT_LOAD_FAIL;
	if (o->do_load && (r = lifecycle_load(ctx, o, &loaded_now)) < 0)
		/* our own refusals exit 1; the kernel's errors (EPERM too) 255 */
		return r == TDX_REFUSED ? EXIT_FAIL : EXIT_LOAD_FAIL;
	return lifecycle_boot(ctx, o, o->do_load ? &loaded_now : NULL) < 0 ? EXIT_FAIL : 0;
}

int main(int argc, char **argv)
{
	struct kexec_ctx ctx = { .log = { .out = stderr, .level = LOG_INFO } };
	struct kexec_options o;
	struct policy_choice policy;
	int r, ret;

	if ((r = options_parse(argc, argv, &o, &ctx.log)) < 0) {
		/* "No kernel specified" is a failed load in kexec-tools (255) */
		if (r == -ENOENT)
			return EXIT_LOAD_FAIL;
		if (r == -EINVAL)
			fputs("Try 'kexec --help' for more information.\n", stderr);
		return EXIT_USAGE;
	}
	if (o.help) {
		options_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("%s %s (kexec-tools compatible kexec for x86_64 with TDX support)\n",
		       PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	if (o.debug)
		ctx.log.level = LOG_DEBUG;
	r = sysroot_open(o.sysroot, &ctx.sr);
	if (r < 0) {
		log_errno(&ctx.log, r, "--sysroot=%s: %s", o.sysroot, strerror(-r));
		return o.check ? 2 : EXIT_FAIL;     /* --check: the evidence is unreadable */
	}
	if (choose_policy(&ctx, &o, &policy) < 0)
		ret = o.check ? 2 : EXIT_FAIL;      /* a broken /etc/kexec-tdx.conf */
	else
		ret = dispatch(&ctx, &o, &policy);
	sysroot_free(ctx.sr);
	return ret;
}
