# systemd integration: a unit in kexec.target and a system-shutdown hook,
# both running kexec-tdx-guard (see doc/kexec.8, "SYSTEMD").
guarddir = $(libexecdir)/kexec-tdx
guard_SCRIPTS = systemd/kexec-tdx-guard systemd/kexec-tdx-metrics systemd/kexec-tdx-report
# Operators' units: the boot report (enabled by the packages) and the
# metrics timer for node_exporter (off until enabled; doc/kexec-tdx.8).
systemdsystemunit_DATA = systemd/kexec-tdx-guard.service \
	systemd/kexec-tdx-report.service systemd/kexec-tdx-metrics.service \
	systemd/kexec-tdx-metrics.timer
systemdshutdown_SCRIPTS = systemd/kexec-tdx-guard.shutdown
CLEANFILES += $(guard_SCRIPTS) $(systemdsystemunit_DATA) $(systemdshutdown_SCRIPTS)
EXTRA_DIST += systemd/kexec-tdx-guard.in systemd/kexec-tdx-guard.service.in \
	systemd/kexec-tdx-metrics.in systemd/kexec-tdx-metrics.service.in \
	systemd/kexec-tdx-metrics.timer.in systemd/kexec-tdx-report.in \
	systemd/kexec-tdx-report.service.in

kt_subst = sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@libexecdir[@]|$(libexecdir)|g'
systemd/kexec-tdx-guard: systemd/kexec-tdx-guard.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@ && chmod +x $@
systemd/kexec-tdx-guard.shutdown: systemd/kexec-tdx-guard.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@ && chmod +x $@
systemd/kexec-tdx-metrics: systemd/kexec-tdx-metrics.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@ && chmod +x $@
systemd/kexec-tdx-report: systemd/kexec-tdx-report.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@ && chmod +x $@
systemd/kexec-tdx-guard.service: systemd/kexec-tdx-guard.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@
systemd/kexec-tdx-report.service: systemd/kexec-tdx-report.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@
systemd/kexec-tdx-metrics.service: systemd/kexec-tdx-metrics.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@
systemd/kexec-tdx-metrics.timer: systemd/kexec-tdx-metrics.timer.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(kt_subst) $< >$@

check_SCRIPTS = systemd/kexec-tdx-guard systemd/kexec-tdx-metrics systemd/kexec-tdx-report \
	$(systemdsystemunit_DATA)
TESTS += tests/systemd/guard.sh tests/systemd/operator-units.sh
EXTRA_DIST += tests/systemd/guard.sh tests/systemd/operator-units.sh
