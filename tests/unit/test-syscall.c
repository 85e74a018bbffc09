/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The choice of a load's system call (syscall_choose()): -s, -c, -a or
 * none, against kernel lockdown, what TDX calls for, -p and --tdx-force,
 * as a table with the exact lines printed.  No system call is made.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <kexec-tdx/purgatory-abi.h>
#include "syscall.h"
#include "text.h"

#define NONE  KTDX_ACTION_NONE
#define FLUSH KTDX_ACTION_FLUSH
#define CLEAR KTDX_ACTION_CLEAR
#define REFUSED TDX_REFUSED

#define LOCKED_CLEAR(w) "kexec: kernel lockdown (integrity) forbids kexec_load, and only this tool's " \
	"purgatory, loaded with kexec_load, can clear TDX private memory (" w "). Do a cold reboot, " \
	"or add --tdx-force to load with kexec_file_load without the clear.\n"
#define LOCKED_FILE(m) "kernel lockdown (" m ") forbids kexec_load: loading with kexec_file_load\n"
#define S_CLEAR(w) "kexec: -s (kexec_file_load) runs the kernel's own purgatory, which cannot clear " \
	"TDX private memory, and a clear is called for (" w "). Leave out -s, or add --tdx-force to " \
	"load without the clear.\n"
#define S_FORCED(w) "kexec: warning: *** --tdx-force: loading with -s although a clear is called for " \
	"(" w "): memory that may hold TDX private data will NOT be cleared ***\n"
#define S_FLUSH(w) "kexec: warning: -s: the kernel's purgatory does not do the WBINVD asked for (" w ")\n"

struct choice_case {
	enum kexec_syscall_choice asked;
	const char *lockdown;
	unsigned action;
	enum tdx_policy policy;
	bool crash, force;
	int r;
	enum kexec_syscall_choice want;
	const char *said;       /* the lines printed, exactly */
	bool flushes;           /* the kernel flushes every CPU at kexec itself */
	const char *own;        /* an option only our loader does */
	bool kho;               /* KHO / live update on */
};

/* The decision's reason, as tdx_decide() words it; named where the policy is auto. */
#define WHY "erratum"

/* KHO's evidence in these rows */
static const struct kho_state kho_on = { .cmdline_kho = 1, .active = true, .evidence = "kho=on" };

#define KHO_LOST(why, ways) "kexec: warning: KHO / live update is on (kho=on), but this load uses " \
	"kexec_load (" why "), which does not pass on what KHO hands over: preserved memfds and " \
	"systemd's fd stores are LOST in the new kernel. Ways out: " ways ".\n"

static const struct choice_case cases[] = {
	/*
	 * no lockdown: -s, -c as asked; none and -a as kexec-tools >= 2.0.27
	 * (kexec_file_load first) unless our purgatory is needed: a clear, a
	 * flush the kernel does not do, an option only our loader does
	 */
	{ SYSCALL_DEFAULT, "none", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_AUTO, "", 0, NULL, 0 },
	{ SYSCALL_DEFAULT, "", NONE, TDX_POLICY_OFF, 0, 0, 0, SYSCALL_AUTO, "", 0, NULL, 0 },
	{ SYSCALL_DEFAULT, "", CLEAR, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD, "", 0, NULL, 0 },
	{ SYSCALL_DEFAULT, "", CLEAR, TDX_POLICY_CLEAR, 0, 0, 0, SYSCALL_LOAD, "", 1, NULL, 0 },
	{ SYSCALL_DEFAULT, "none", FLUSH, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD, "", 0, NULL, 0 },
	{ SYSCALL_DEFAULT, "none", FLUSH, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_AUTO, "", 1, NULL, 0 },
	{ SYSCALL_DEFAULT, "none", FLUSH, TDX_POLICY_FLUSH, 0, 0, 0, SYSCALL_AUTO, "", 1, NULL, 0 },
	{ SYSCALL_DEFAULT, "none", FLUSH, TDX_POLICY_AUTO, 1, 0, 0, SYSCALL_AUTO, "", 1, NULL, 0 },
	{ SYSCALL_DEFAULT, "none", FLUSH, TDX_POLICY_AUTO, 1, 0, 0, SYSCALL_LOAD, "", 0, NULL, 0 },
	{ SYSCALL_DEFAULT, "none", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD, "", 0, "--console-serial", 0 },
	{ SYSCALL_DEFAULT, "none", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD, "", 0, "--mem-max", 0 },
	{ SYSCALL_LOAD, "none", CLEAR, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD, "", 0, NULL, 0 },
	{ SYSCALL_LOAD, "none", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD, "", 1, NULL, 0 },
	{ SYSCALL_AUTO, "none", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_AUTO, "", 0, NULL, 0 },
	{ SYSCALL_AUTO, "none", FLUSH, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD, "", 0, NULL, 0 },
	{ SYSCALL_AUTO, "none", FLUSH, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_AUTO, "", 1, NULL, 0 },
	{ SYSCALL_AUTO, "", CLEAR, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD, "", 0, NULL, 0 },
	{ SYSCALL_AUTO, "", CLEAR, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD, "", 1, NULL, 0 },
	/* KHO / live update on: kexec_load says what is lost, why and the ways out; file load says nothing */
	{ SYSCALL_DEFAULT, "none", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_AUTO, "", 0, NULL, 1 },
	{ SYSCALL_DEFAULT, "none", FLUSH, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_AUTO, "", 1, NULL, 1 },
	{ SYSCALL_DEFAULT, "none", CLEAR, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD,
	  KHO_LOST("only this tool's purgatory clears TDX private memory",
		   "none that also clears; save that state another way first, or do a cold reboot "
		   "(it loses the state too)"), 1, NULL, 1 },
	{ SYSCALL_DEFAULT, "none", FLUSH, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD,
	  KHO_LOST("the running kernel does not flush every CPU at kexec itself",
		   "kexec from a kernel that does (tdx_cpu_flush_cache, 6.18+), or a cold reboot"),
	  0, NULL, 1 },
	{ SYSCALL_LOAD, "none", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD,
	  KHO_LOST("-c asks for it", "leave out -c"), 1, NULL, 1 },
	{ SYSCALL_DEFAULT, "none", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_LOAD,
	  KHO_LOST("only this tool's loader does --console-serial", "leave that option out"),
	  1, "--console-serial", 1 },
	{ SYSCALL_FILE, "none", CLEAR, TDX_POLICY_AUTO, 0, 1, 0, SYSCALL_FILE, S_FORCED(WHY), 0, NULL, 1 },
	{ SYSCALL_FILE, "none", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_FILE, "", 0, NULL, 0 },
	/* -s where TDX acts: a warning for a flush, a refusal for a clear unless forced */
	{ SYSCALL_FILE, "none", FLUSH, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_FILE, S_FLUSH(WHY), 0, NULL, 0 },
	{ SYSCALL_FILE, "none", FLUSH, TDX_POLICY_FLUSH, 0, 0, 0, SYSCALL_FILE, S_FLUSH("--tdx=flush"), 0, NULL, 0 },
	/* the kernel flushes every CPU itself: -s loses nothing, nothing to say */
	{ SYSCALL_FILE, "none", FLUSH, TDX_POLICY_FLUSH, 0, 0, 0, SYSCALL_FILE, "", 1, NULL, 0 },
	{ SYSCALL_FILE, "none", CLEAR, TDX_POLICY_CLEAR, 0, 0, REFUSED, 0, S_CLEAR("--tdx=clear"), 0, NULL, 0 },
	{ SYSCALL_FILE, "none", CLEAR, TDX_POLICY_AUTO, 0, 0, REFUSED, 0, S_CLEAR(WHY), 0, NULL, 0 },
	{ SYSCALL_FILE, "none", CLEAR, TDX_POLICY_AUTO, 0, 1, 0, SYSCALL_FILE, S_FORCED(WHY), 0, NULL, 0 },
	/* -s for a crash kernel: tdx_policy_apply() gives it a flush at most; nothing to say */
	{ SYSCALL_FILE, "none", FLUSH, TDX_POLICY_AUTO, 1, 0, 0, SYSCALL_FILE, "", 0, NULL, 0 },
	/* lockdown: none and -a go kexec_file_load, unless a clear is called for */
	{ SYSCALL_DEFAULT, "integrity", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_FILE, LOCKED_FILE("integrity"), 0, NULL, 0 },
	{ SYSCALL_AUTO, "confidentiality", NONE, TDX_POLICY_AUTO, 0, 0, 0, SYSCALL_FILE,
	  LOCKED_FILE("confidentiality"), 0, NULL, 0 },
	{ SYSCALL_DEFAULT, "integrity", CLEAR, TDX_POLICY_CLEAR, 0, 0, REFUSED, 0, LOCKED_CLEAR("--tdx=clear"), 0, NULL, 0 },
	{ SYSCALL_AUTO, "integrity", CLEAR, TDX_POLICY_AUTO, 0, 0, REFUSED, 0, LOCKED_CLEAR(WHY), 0, NULL, 0 },
	/* a crash kernel under lockdown: kexec_file_load, no clear to refuse */
	{ SYSCALL_DEFAULT, "integrity", FLUSH, TDX_POLICY_AUTO, 1, 0, 0, SYSCALL_FILE, LOCKED_FILE("integrity"), 0, NULL, 0 },
	/* -c is kept under lockdown: the kernel's EPERM is the answer (load_explain_errno) */
	{ SYSCALL_LOAD, "integrity", CLEAR, TDX_POLICY_CLEAR, 0, 0, 0, SYSCALL_LOAD, "", 0, NULL, 0 },
	/* -s under lockdown: the -s rules alone */
	{ SYSCALL_FILE, "integrity", CLEAR, TDX_POLICY_CLEAR, 0, 0, REFUSED, 0, S_CLEAR("--tdx=clear"), 0, NULL, 0 },
};

static void test_choose(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct choice_case *c = &cases[i];
		const struct syscall_facts f = {
			.asked = c->asked, .lockdown = c->lockdown, .action = c->action,
			.policy = c->policy, .reason = WHY, .crash = c->crash, .force = c->force,
			.kernel_flushes = c->flushes, .own_loader = c->own, .kho = c->kho ? &kho_on : NULL,
		};

		char *text = NULL;
		size_t len = 0;
		struct kexec_log log = { .out = open_memstream(&text, &len), .level = LOG_INFO };
		enum kexec_syscall_choice sc = SYSCALL_DEFAULT;
		int r = syscall_choose(&f, &sc, &log);

		fclose(log.out);
		if (r != c->r || (r == 0 && sc != c->want) || strcmp(text, c->said))
			fail_msg("case %zu: r %d sc %d, said \"%s\"", i, r, (int)sc, text);
		free(text);
	}
}

/* With --tdx-force under lockdown, a clear is given up: kexec_file_load, said once. */
static void test_forced_under_lockdown(void **state)
{
	const struct syscall_facts f = {
		.asked = SYSCALL_DEFAULT, .lockdown = "integrity", .action = CLEAR,
		.policy = TDX_POLICY_CLEAR, .reason = WHY, .force = true,
	};
	char *text = NULL;
	size_t len = 0;
	struct kexec_log log = { .out = open_memstream(&text, &len), .level = LOG_INFO };
	enum kexec_syscall_choice sc;

	assert_int_equal(syscall_choose(&f, &sc, &log), 0);
	fclose(log.out);
	assert_int_equal(sc, SYSCALL_FILE);
	assert_string_equal(text,
			    "kernel lockdown (integrity) forbids kexec_load: loading with kexec_file_load\n"
			    "kexec: warning: *** --tdx-force: loading with -s although a clear is called for "
			    "(--tdx=clear): memory that may hold TDX private data will NOT be cleared ***\n");
	free(text);
}

static void test_file_fallback(void **state)
{
	static const int yes[] = { -ENOSYS, -EINVAL, -ENOEXEC, -ENOTSUP };
	static const int no[] = { 0, -EPERM, -EKEYREJECTED, -ENOMEM, -EBUSY, -ENOENT };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		assert_true(syscall_file_fallback(yes[i]));
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		assert_false(syscall_file_fallback(no[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_forced_under_lockdown),
		cmocka_unit_test(test_file_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
