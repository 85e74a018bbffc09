/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"

enum {
	OPT_APPEND = 256,
	OPT_REUSE_CMDLINE,
	OPT_INITRD,
	OPT_MEM_MIN,
	OPT_MEM_MAX,
	OPT_TDX,
	OPT_TDX_FORCE,
	OPT_TDX_STATUS,
	OPT_TDX_REPORT,
	OPT_JSON,
	OPT_CHECK,
	OPT_VERBOSE,
	OPT_FORMAT,
	OPT_SYSROOT,
	OPT_PRINT_CKR_SIZE,
	OPT_CONSOLE_SERIAL,
	OPT_TDX_CPUS,
	OPT_TDX_DEBUG_APIC_IDS,
	OPT_NO_CMA,
	OPT_HOTPLUG,
	OPT_COMPAT_IGNORED,     /* accepted for kexec-tools scripts, no effect on x86_64 here */
	OPT_UNSUPPORTED,        /* known kexec-tools options this kexec does not do */
};

static const struct option long_options[] = {
	{ "help",                no_argument,       NULL, 'h' },
	{ "version",             no_argument,       NULL, 'v' },
	{ "force",               no_argument,       NULL, 'f' },
	{ "no-ifdown",           no_argument,       NULL, 'x' },
	{ "no-sync",             no_argument,       NULL, 'y' },
	{ "load",                no_argument,       NULL, 'l' },
	{ "load-panic",          no_argument,       NULL, 'p' },
	{ "unload",              no_argument,       NULL, 'u' },
	{ "exec",                no_argument,       NULL, 'e' },
	{ "kexec-file-syscall",  no_argument,       NULL, 's' },
	{ "kexec-syscall",       no_argument,       NULL, 'c' },
	{ "kexec-syscall-auto",  no_argument,       NULL, 'a' },
	{ "status",              no_argument,       NULL, 'S' },
	{ "debug",               no_argument,       NULL, 'd' },
	{ "no-checks",           no_argument,       NULL, 'i' },
	{ "append",              required_argument, NULL, OPT_APPEND },
	{ "command-line",        required_argument, NULL, OPT_APPEND },
	{ "reuse-cmdline",       no_argument,       NULL, OPT_REUSE_CMDLINE },
	{ "initrd",              required_argument, NULL, OPT_INITRD },
	{ "ramdisk",             required_argument, NULL, OPT_INITRD },
	{ "mem-min",             required_argument, NULL, OPT_MEM_MIN },
	{ "mem-max",             required_argument, NULL, OPT_MEM_MAX },
	{ "type",                required_argument, NULL, 't' },
	{ "print-ckr-size",      no_argument,       NULL, OPT_PRINT_CKR_SIZE },
	{ "tdx",                 required_argument, NULL, OPT_TDX },
	{ "tdx-force",           no_argument,       NULL, OPT_TDX_FORCE },
	{ "tdx-status",          no_argument,       NULL, OPT_TDX_STATUS },
	{ "tdx-report",          no_argument,       NULL, OPT_TDX_REPORT },
	{ "json",                no_argument,       NULL, OPT_JSON },
	{ "check",               no_argument,       NULL, OPT_CHECK },
	{ "verbose",             no_argument,       NULL, OPT_VERBOSE },
	{ "format",              required_argument, NULL, OPT_FORMAT },
	{ "sysroot",             required_argument, NULL, OPT_SYSROOT },
	{ "console-serial",      no_argument,       NULL, OPT_CONSOLE_SERIAL },
	{ "tdx-cpus",            required_argument, NULL, OPT_TDX_CPUS },
	{ "no-cma",              no_argument,       NULL, OPT_NO_CMA },
	{ "hotplug",             no_argument,       NULL, OPT_HOTPLUG },
	/* for tests only, not in --help: replaces cpuinfo's APIC ids */
	{ "tdx-debug-apic-ids",  required_argument, NULL, OPT_TDX_DEBUG_APIC_IDS },
	/* kexec-tools x86 options that change nothing for a 64-bit bzImage here */
	{ "console-vga",         no_argument,       NULL, OPT_COMPAT_IGNORED },
	{ "reset-vga",           no_argument,       NULL, OPT_COMPAT_IGNORED },
	{ "serial",              required_argument, NULL, OPT_COMPAT_IGNORED },
	{ "serial-baud",         required_argument, NULL, OPT_COMPAT_IGNORED },
	{ "elf64-core-headers",  no_argument,       NULL, OPT_COMPAT_IGNORED },
	{ "pass-memmap-cmdline", no_argument,       NULL, OPT_COMPAT_IGNORED },
	{ "args-linux",          no_argument,       NULL, OPT_COMPAT_IGNORED },
	/*
	 * The rest of kexec-tools 2.0.32's x86_64 options (kexec/kexec.h
	 * KEXEC_OPTIONS, kexec/arch/i386/include/arch/options.h
	 * KEXEC_ALL_OPTIONS) and --force-dtb of its git tree: known, not done
	 * here.  They say so in one line and exit 1, never "unknown option".
	 */
	{ "elf32-core-headers",  no_argument,       NULL, OPT_UNSUPPORTED },
	{ "real-mode",           no_argument,       NULL, OPT_UNSUPPORTED },
	{ "entry-32bit",         no_argument,       NULL, OPT_UNSUPPORTED },
	{ "reuseinitrd",         no_argument,       NULL, OPT_UNSUPPORTED },
	{ "load-preserve-context", no_argument,     NULL, OPT_UNSUPPORTED },
	{ "load-jump-back-helper", no_argument,     NULL, OPT_UNSUPPORTED },
	{ "load-live-update",    no_argument,       NULL, OPT_UNSUPPORTED },
	{ "exec-live-update",    no_argument,       NULL, OPT_UNSUPPORTED },
	{ "entry",               required_argument, NULL, OPT_UNSUPPORTED },
	{ "noefi",               no_argument,       NULL, OPT_UNSUPPORTED },
	{ "reuse-video-type",    no_argument,       NULL, OPT_UNSUPPORTED },
	{ "args-elf",            no_argument,       NULL, OPT_UNSUPPORTED },
	{ "args-none",           no_argument,       NULL, OPT_UNSUPPORTED },
	{ "module",              required_argument, NULL, OPT_UNSUPPORTED },
	{ "dtb",                 required_argument, NULL, OPT_UNSUPPORTED },
	{ "force-dtb",           no_argument,       NULL, OPT_UNSUPPORTED },
	{ NULL, 0, NULL, 0 },
};

static const char short_options[] = ":hvfxylpuescaSdit:";

void options_usage(FILE *out)
{
	fputs(
"Usage: kexec [OPTION]... [KERNEL]\n"
"Load a new Linux kernel and boot it without firmware (kexec-tools compatible),\n"
"safely on Intel TDX hosts.\n"
"\n"
"Actions (without one, KERNEL is loaded and `shutdown -r now` is run):\n"
"  -l, --load                 load KERNEL for a later --exec\n"
"  -p, --load-panic           load KERNEL as the crash (kdump) kernel\n"
"  -e, --exec                 boot the loaded kernel now\n"
"  -f, --force                load KERNEL and boot it at once, without shutdown\n"
"  -u, --unload               unload the kernel (with -p: the crash kernel)\n"
"  -S, --status               exit 1 if a kernel is loaded, 0 if not\n"
"                             (the crash kernel unless -l is given)\n"
"      --print-ckr-size       print the size of the crash kernel region\n"
"\n"
"Loading:\n"
"      --append=STRING        the new kernel's command line\n"
"      --command-line=STRING  the same as --append\n"
"      --reuse-cmdline        start from the running kernel's command line\n"
"      --initrd=FILE          the initial ramdisk (also --ramdisk=FILE)\n"
"      --mem-min=ADDR         lowest physical address for loaded segments\n"
"      --mem-max=ADDR         highest physical address for loaded segments\n"
"  -s, --kexec-file-syscall   use kexec_file_load (the kernel's own purgatory)\n"
"  -c, --kexec-syscall        use kexec_load (this tool's purgatory)\n"
"  -a, --kexec-syscall-auto   try kexec_file_load, fall back to kexec_load (the\n"
"                             default); kexec_load at once where only our\n"
"                             purgatory does what TDX needs: a clear, or a\n"
"                             flush the running kernel does not do itself\n"
"      --no-cma               kexec_file_load: do not place the image in CMA\n"
"      --hotplug              kdump: the kernel updates the crash kernel on CPU\n"
"                             and memory hotplug (kexec_file_load does)\n"
"  -t, --type=TYPE            insist on the format: bzImage64, bzImage (the\n"
"                             same here) or elf-x86_64\n"
"  -i, --no-checks            no SHA-256 check of the segments in the purgatory\n"
"  -x, --no-ifdown            do not bring network interfaces down before --exec\n"
"  -y, --no-sync              do not sync file systems before --exec\n"
"  -d, --debug                print the segment table and the TDX clear list\n"
"      --console-serial       the purgatory prints its steps on the kernel's\n"
"                             serial console (COM1 without one)\n"
"\n"
"TDX:\n"
"      --tdx=POLICY           auto (default), clear, flush, refuse or off\n"
"      --tdx-force            load or boot although the decision is refuse (the\n"
"                             running guests are destroyed), or use -s where a\n"
"                             clear is needed (then nothing is cleared), or\n"
"                             boot with -e an image loaded with less than is\n"
"                             needed now, or loaded by another tool; not\n"
"                             where the kernel itself refuses (tdx_pw_mce,\n"
"                             6.18-7.1)\n"
"      --tdx-cpus=N           at most N CPUs clear in the purgatory (1: the boot\n"
"                             CPU alone; the others still flush); default all\n"
"      --tdx-status           what kexec will do, in its first line, what to do,\n"
"                             warnings, then the evidence, the system call a\n"
"                             plain kexec -l uses (-d or --verbose: with the\n"
"                             range lists)\n"
"      --check                with --tdx-status: print nothing, exit 0 when kexec\n"
"                             would proceed, 1 when refused, 2 when the evidence\n"
"                             cannot be read\n"
"      --tdx-report           in the new kernel: print the purgatory's report\n"
"      --json                 with --tdx-status or --tdx-report: JSON output\n"
"                             (schema_version 1: kexec(8), JSON OUTPUT)\n"
"      --format=FORMAT        with --tdx-status: text, json (as --json),\n"
"                             prometheus (node_exporter's textfile collector) or\n"
"                             oneline (what kexec -e would do now, in one line)\n"
"      --sysroot=DIR          read /proc, /sys and /dev under DIR\n"
"                             (also the KEXEC_SYSROOT environment variable)\n"
"\n"
"  -h, --help                 this text\n"
"  -v, --version              the version\n"
"\n"
"Exit status: 0 on success; 1 for usage errors, refusals and fatal errors;\n"
"255 when a load or unload failed (the kernel's EPERM too); with -S, 1 when\n"
"loaded, 0 when not, 255 when that cannot be read.\n"
"See kexec(8).\n", out);
}

static int parse_addr(const char *arg, const char *opt, uint64_t *out, struct kexec_log *log)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-')
		return log_errno(log, -EINVAL, "Bad option value in %s=%s", opt, arg);
	*out = v;
	return 0;
}

/* The actions: which of kexec-tools' do_* flags each sets.  false: not an action. */
static bool parse_action(int c, struct kexec_options *o)
{
	switch (c) {
	case 'f':
		o->do_load = o->do_sync = o->do_ifdown = o->do_exec = true;
		o->do_shutdown = false;
		break;
	case 'l':
		o->do_load = o->opt_load = true;
		o->do_exec = o->do_shutdown = false;
		break;
	case 'p':
		o->do_load = o->crash = true;
		o->do_exec = o->do_shutdown = o->do_sync = false;
		break;
	case 'u':
		o->do_unload = true;
		o->do_load = o->do_shutdown = o->do_sync = false;
		break;
	case 'e':
		o->do_exec = o->do_sync = o->do_ifdown = true;
		o->do_load = o->do_shutdown = false;
		break;
	case 'S': o->do_status = true; break;
	default: return false;
	}
	return true;
}

/* What and how to load.  1 taken, 0 not a load option, -EINVAL (logged). */
static int parse_load_option(int c, const char *arg, struct kexec_options *o, struct kexec_log *log)
{
	int r;

	switch (c) {
	case 's': o->syscall = SYSCALL_FILE; break;
	case 'c': o->syscall = SYSCALL_LOAD; break;
	case 'a': o->syscall = SYSCALL_AUTO; break;
	case 'i': o->no_checks = true; break;
	case 't': o->type = arg; break;
	case OPT_APPEND: o->append = arg; break;
	case OPT_REUSE_CMDLINE: o->reuse_cmdline = true; break;
	case OPT_INITRD: o->initrd = arg; break;
	case OPT_MEM_MIN:
		if ((r = parse_addr(arg, "--mem-min", &o->mem_min, log)) < 0)
			return r;
		break;
	case OPT_MEM_MAX:
		if ((r = parse_addr(arg, "--mem-max", &o->mem_max, log)) < 0)
			return r;
		break;
	case OPT_CONSOLE_SERIAL: o->console_serial = true; break;
	case OPT_NO_CMA: o->no_cma = true; break;
	case OPT_HOTPLUG: o->hotplug = true; break;
	default: return 0;
	}
	return 1;
}

static int parse_tdx_cpus(const char *arg, unsigned *out, struct kexec_log *log)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || v < 1 || v > 65536)
		return log_errno(log, -EINVAL, "--tdx-cpus=%s: not a number of CPUs from 1 up", arg);
	*out = (unsigned)v;
	return 0;
}

/* The TDX options, the reports and --sysroot.  1 taken, 0 not one of them, -EINVAL (logged). */
static int parse_tdx_option(int c, const char *arg, struct kexec_options *o, struct kexec_log *log)
{
	int r;

	switch (c) {
	case OPT_TDX:
		if (tdx_policy_from_name(arg, &o->tdx_policy) < 0)
			return log_errno(log, -EINVAL,
					 "--tdx=%s: unknown policy (auto, clear, flush, refuse or off)", arg);
		o->tdx_policy_given = true;
		break;
	case OPT_TDX_FORCE: o->tdx_force = true; break;
	case OPT_TDX_CPUS:
		if ((r = parse_tdx_cpus(arg, &o->tdx_cpus, log)) < 0)
			return r;
		break;
	case OPT_TDX_DEBUG_APIC_IDS: o->tdx_debug_apic_ids = arg; break;
	case OPT_TDX_STATUS: o->tdx_status = true; break;
	case OPT_TDX_REPORT: o->tdx_report = true; break;
	case OPT_JSON: o->json = true; break;
	case OPT_CHECK: o->check = true; break;
	case OPT_VERBOSE: o->verbose = true; break;
	case OPT_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json") && strcmp(arg, "prometheus") &&
		    strcmp(arg, "oneline"))
			return log_errno(log, -EINVAL, "--format=%s: unknown format (text, json, "
					 "prometheus or oneline)", arg);
		o->json = !strcmp(arg, "json");
		o->prometheus = !strcmp(arg, "prometheus");
		o->oneline = !strcmp(arg, "oneline");
		break;
	case OPT_PRINT_CKR_SIZE: o->print_ckr_size = true; break;
	case OPT_SYSROOT: o->sysroot = arg; break;
	default: return 0;
	}
	return 1;
}

/* -x and -y apply after every action, whatever the order; our actions go alone. */
struct parse_state {
	bool skip_ifdown, skip_sync;
	const char *action;             /* the first action given, as spelled */
	bool ours;                      /* it is --tdx-status or --tdx-report */
	bool stop;                      /* -h or -v: kexec-tools acts on them at once */
};

/*
 * The word of the long option getopt_long() just returned (after
 * "--entry ADDR", the word before the value).
 */
static const char *long_option_word(char **argv)
{
	return optarg && optind >= 2 && argv[optind - 1] == optarg ? argv[optind - 2] :
	       argv[optind - 1];
}

/* An action option's spelling for messages; NULL for the other options. */
static const char *action_name(int c, char **argv, bool *ours)
{
	/* short ones by name: inside "-lS" argv[optind - 1] is not the word yet */
	static const char *const shorts[128] = {
		['l'] = "-l", ['p'] = "-p", ['e'] = "-e", ['f'] = "-f", ['u'] = "-u", ['S'] = "-S",
	};

	*ours = c == OPT_TDX_STATUS || c == OPT_TDX_REPORT;
	if (c >= 0 && c < 128)
		return shorts[c];
	return *ours || c == OPT_PRINT_CKR_SIZE ? long_option_word(argv) : NULL;
}

/*
 * kexec-tools lets a later action override an earlier one (-l -u
 * unloads); our own actions have no such rule: with another action, one
 * line and -EINVAL.
 */
static int action_check(int c, char **argv, struct parse_state *ps, struct kexec_log *log)
{
	bool ours;
	const char *spelled = action_name(c, argv, &ours);

	if (!spelled)
		return 0;
	if (ps->action && (ours || ps->ours) && strcmp(ps->action, spelled))
		return log_errno(log, -EINVAL, "%s and %s are two actions: give one", ps->action,
				 spelled);
	if (!ps->action || ours) {
		ps->action = spelled;
		ps->ours = ours;
	}
	return 0;
}

/*
 * "--tdx --tdx-status": getopt takes the next word as the value.  For our
 * own options a value that is an option means the value is missing.
 */
static int value_check(int c, char **argv, struct kexec_log *log)
{
	if ((c != OPT_TDX && c != OPT_TDX_CPUS && c != OPT_SYSROOT) || !optarg ||
	    optarg[0] != '-' || long_option_word(argv) == argv[optind - 1])
		return 0;
	return log_errno(log, -EINVAL, "option %s needs a value (%s is an option)",
			 long_option_word(argv), optarg);
}

/* One option from getopt_long(): 0, or -errno after logging one line. */
static int parse_option(int c, char **argv, struct kexec_options *o, struct parse_state *ps,
			struct kexec_log *log)
{
	const char *word;
	int r;

	if (c != '?' && c != ':' &&
	    ((r = action_check(c, argv, ps, log)) < 0 || (r = value_check(c, argv, log)) < 0))
		return r;
	if (parse_action(c, o))
		return 0;
	if ((r = parse_load_option(c, optarg, o, log)) != 0 ||
	    (r = parse_tdx_option(c, optarg, o, log)) != 0)
		return r < 0 ? r : 0;
	switch (c) {
	case 'h': o->help = ps->stop = true; return 0;
	case 'v': o->version = ps->stop = true; return 0;
	case 'd': o->debug = true; return 0;
	case 'x': ps->skip_ifdown = true; return 0;
	case 'y': ps->skip_sync = true; return 0;
	case OPT_COMPAT_IGNORED: return 0;
	case OPT_UNSUPPORTED:
		word = long_option_word(argv);
		return log_errno(log, -EOPNOTSUPP, "%.*s is not supported by this kexec",
				 (int)strcspn(word, "="), word);
	case ':':
		return log_errno(log, -EINVAL, "option %s needs a value", argv[optind - 1]);
	default:
		if (optopt && optopt < 256)
			return log_errno(log, -EINVAL, "unknown option -%c", optopt);
		return log_errno(log, -EINVAL, "unknown option %s", argv[optind - 1]);
	}
}

/* After the options: the kernel, -x/-y, -S over the rest, and the combinations refused. */
static int options_finish(int argc, char **argv, struct kexec_options *o,
			  const struct parse_state *ps, struct kexec_log *log)
{
	if (optind < argc)
		o->kernel = argv[optind++];
	if (optind < argc)
		return log_errno(log, -EINVAL, "unexpected argument '%s' after the kernel %s",
				 argv[optind], o->kernel);
	if (ps->skip_ifdown)
		o->do_ifdown = false;
	if (ps->skip_sync)
		o->do_sync = false;
	if (o->do_status) {
		o->do_load = o->do_unload = o->do_shutdown = false;
		o->do_sync = o->do_ifdown = o->do_exec = false;
	}
	if (o->json && !o->tdx_status && !o->tdx_report)
		return log_errno(log, -EINVAL, "--json goes with --tdx-status or --tdx-report");
	if (o->check && !o->tdx_status)
		return log_errno(log, -EINVAL, "--check goes with --tdx-status");
	if ((o->prometheus || o->oneline) && !o->tdx_status)
		return log_errno(log, -EINVAL, "--format=%s goes with --tdx-status",
				 o->prometheus ? "prometheus" : "oneline");
	if (o->mem_max && o->mem_min >= o->mem_max)
		return log_errno(log, -EINVAL, "--mem-min=0x%llx is not below --mem-max=0x%llx",
				 (unsigned long long)o->mem_min, (unsigned long long)o->mem_max);
	if (o->do_load && !o->tdx_status && !o->tdx_report && !o->print_ckr_size && !o->kernel)
		return log_errno(log, -ENOENT, "No kernel specified");
	return 0;
}

int options_parse(int argc, char **argv, struct kexec_options *o, struct kexec_log *log)
{
	struct parse_state ps = { 0 };
	int c, r;

	*o = (struct kexec_options){
		.do_load = true, .do_shutdown = true, .do_sync = true,
		.syscall = SYSCALL_DEFAULT, .tdx_policy = TDX_POLICY_AUTO,
		.sysroot = getenv("KEXEC_SYSROOT"),
	};
	opterr = 0;
	optind = 1;
	/* "+" would stop at the kernel; kexec-tools lets options follow it. */
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if ((r = parse_option(c, argv, o, &ps, log)) < 0)
			return r;
		if (ps.stop)
			return 0;       /* kexec-tools prints help or version at once */
	}
	return options_finish(argc, argv, o, &ps, log);
}
