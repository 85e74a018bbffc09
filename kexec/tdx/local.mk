# TDX detection, guests, decision and policy, private ranges, the status
# and the --tdx-report reader.  Included by Makefile.am.
libkexec_a_SOURCES += \
	kexec/tdx/tdx.h \
	kexec/tdx/cpuinfo.c \
	kexec/tdx/kmsg.c \
	kexec/tdx/guests.c \
	kexec/tdx/ranges.c \
	kexec/tdx/policy.c \
	kexec/tdx/detect.c \
	kexec/tdx/kernel.c \
	kexec/tdx/watchdog.c \
	kexec/tdx/status.c \
	kexec/tdx/report.c kexec/tdx/report.h \
	kexec/tdx/lastclear.c kexec/tdx/lastclear.h \
	kexec/tdx/metrics.c kexec/tdx/metrics.h
