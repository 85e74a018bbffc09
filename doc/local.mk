# Documentation: the man pages and the bash completion (tests/doc/local.mk
# keeps them in step with `kexec --help`).
dist_man_MANS = doc/kexec.8 doc/kexec-tdx.8 doc/kexec-tdx.conf.5
# The configuration file's template: the packages install it as
# /etc/kexec-tdx.conf (debian/kexec-tdx.install, kexec-tdx.spec).
EXTRA_DIST += doc/kexec-tdx.conf
# Notes for maintainers.
EXTRA_DIST += doc/purgatory.md doc/layout.md

bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = completion/kexec
# bash-completion loads a command's completion by its name: kexec-tdx too.
install-data-hook:
	cd $(DESTDIR)$(bashcompletiondir) && rm -f kexec-tdx && ln -s kexec kexec-tdx
uninstall-hook:
	rm -f $(DESTDIR)$(bashcompletiondir)/kexec-tdx

# The JSON contracts of --tdx-status --json and --tdx-report --json
# (tests/json-schema-check.py validates the fixtures' and VM runs' output),
# installed for fleets' own checks: /usr/share/kexec-tdx/.
schemadir = $(pkgdatadir)
dist_schema_DATA = doc/kexec-tdx-status.schema.json doc/kexec-tdx-report.schema.json
