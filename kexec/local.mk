# The loader: libkexec.a (everything but main(), so that the unit tests
# link it too) and the kexec program.  kexec/tdx/local.mk adds the TDX
# detection; purgatory/local.mk adds the purgatory pieces the loader shares.
libkexec_a_SOURCES += \
	kexec/log.c kexec/log.h \
	kexec/text.c kexec/text.h \
	kexec/range.c kexec/range.h \
	kexec/sysroot.c kexec/sysroot.h \
	kexec/ctx.h \
	kexec/options.c kexec/options.h \
	kexec/conffile.c kexec/conffile.h \
	kexec/image.h \
	kexec/memmap.c kexec/memmap.h \
	kexec/pstore.c kexec/pstore.h \
	kexec/image-bzimage.c \
	kexec/image-elf.c \
	kexec/decompress.c \
	kexec/bootparams.c kexec/bootparams.h \
	kexec/segments.c kexec/segments.h \
	kexec/cpus.c kexec/cpus.h \
	kexec/purgatory-load.c kexec/purgatory-load.h \
	kexec/purgatory-blob.S \
	kexec/load.c kexec/load.h \
	kexec/crashdump.c kexec/crashdump.h \
	kexec/syscall.c kexec/syscall.h \
	kexec/lockdown.c kexec/lockdown.h \
	kexec/kho.c kexec/kho.h \
	kexec/cmdline.c kexec/cmdline.h \
	kexec/lifecycle.c kexec/lifecycle.h \
	kexec/record.c kexec/record.h \
	kexec/plan-digest.c kexec/plan-digest.h \
	kexec/announce.c kexec/announce.h \
	kexec/syslog-send.c kexec/syslog-send.h \
	include/kexec-tdx/purgatory-abi.h

sbin_PROGRAMS += kexec/kexec
kexec_kexec_SOURCES = kexec/kexec.c
kexec_kexec_LDADD = libkexec.a $(DEPS_LIBS)

# The purgatory is built by purgatory/local.mk into purgatory/purgatory.ro
# and embedded with .incbin.
kexec/purgatory-blob.$(OBJEXT): purgatory/purgatory.ro
