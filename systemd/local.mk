# systemd integration: a unit in kexec.target and a system-shutdown hook,
# both running kexec-tdx-guard (see doc/kexec.8, "SYSTEMD").
guarddir = $(libexecdir)/kexec-tdx
guard_SCRIPTS = systemd/kexec-tdx-guard
systemdsystemunit_DATA = systemd/kexec-tdx-guard.service
systemdshutdown_SCRIPTS = systemd/kexec-tdx-guard.shutdown
CLEANFILES += $(guard_SCRIPTS) $(systemdsystemunit_DATA) $(systemdshutdown_SCRIPTS)
EXTRA_DIST += systemd/kexec-tdx-guard.in systemd/kexec-tdx-guard.service.in

kt_subst = sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@libexecdir[@]|$(libexecdir)|g'
systemd/kexec-tdx-guard: systemd/kexec-tdx-guard.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@ && chmod +x $@
systemd/kexec-tdx-guard.shutdown: systemd/kexec-tdx-guard.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@ && chmod +x $@
systemd/kexec-tdx-guard.service: systemd/kexec-tdx-guard.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@

check_SCRIPTS = systemd/kexec-tdx-guard
TESTS += tests/systemd/guard.sh
EXTRA_DIST += tests/systemd/guard.sh
