# dist/: aiotune installed like any tool, and shipped.
#
#   make install     PREFIX (default /usr/local), DESTDIR honoured:
#                    bin/aiotune; the data files (INSTALL_DATA, each
#                    module's) under share/aiotune; libaioloop (static
#                    and shared) in LIBDIR with its headers in
#                    include/aioloop/ and pkgconfig/libaioloop.pc; the
#                    man page aiotune.1; bash completion
#   make uninstall   removes exactly what make install installs
#   make dist        aiotune-VERSION.tar.gz (git archive, with GIT-REV)
#   make deb         the Debian packages (debhelper) in build/deb/
#   make check-deb   make deb, then install, use and remove the package
#
# The man page's COMMANDS section and the completion are derived from the
# binary's own help (dist/mkman.sh, dist/aiotune.bash), so neither can
# miss a subcommand or an option the help lists.
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

# libaioloop's public headers (loop/ and polling/; their own includes are
# "loop/x.h" and "polling/x.h", so the .pc's Cflags name include/aioloop).
AIOLOOP_HEADERS := loop/aio.h loop/iothread.h loop/thread-pool.h \
	polling/policy.h polling/hist.h polling/simulate.h

# This file is read before util/, loop/ and polling/ (and before the
# Makefile's own names): what it takes from them is expanded late ('=',
# recipes, and $$ in prerequisites under .SECONDEXPANSION).
.SECONDEXPANSION:

# The shared library: the same sources compiled -fPIC in $(BUILD)/pic,
# installed as libaioloop.so.VERSION with soname libaioloop.so.0.
AIOLOOP_SOMAJOR := 0
AIOLOOP_SONAME := libaioloop.so.$(AIOLOOP_SOMAJOR)
LIBLOOP_SO := $(BUILD)/libaioloop.so
AIOLOOP_SOFILE = libaioloop.so.$(AIOTUNE_VERSION)
LOOP_PIC_OBJS = $(LOOP_SRCS:%.c=$(BUILD)/pic/%.o)
# What libaioloop itself links (the rest is libc and -pthread).
AIOLOOP_REQUIRES := $(if $(HAVE_GLIB),glib-2.0) \
	$(if $(HAVE_LIBURING),liburing)
AIOLOOP_SO_LIBS := $(HAVE_GLIB_LIBS) $(HAVE_LIBURING_LIBS)

MAN_PAGE := $(BUILD)/aiotune.1
PC_FILE := $(BUILD)/libaioloop.pc
# The man page's date: SOURCE_DATE_EPOCH (dpkg sets it from the
# changelog), else the last commit's, else none.
MAN_DATE := $(if $(SOURCE_DATE_EPOCH),$(shell date -u -d \
	@$(SOURCE_DATE_EPOCH) +%Y-%m-%d),$(shell git log -1 --format=%cs \
	2>/dev/null))

INSTALL ?= install

.PHONY: install uninstall dist deb check-deb libs man
libs: $(BUILD)/libaioloop.a $(LIBLOOP_SO)
man: $(MAN_PAGE)

$(BUILD)/pic/%.o: %.c $(BUILD)/config.h
	@mkdir -p $(dir $@)
	$(quiet) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -c -o $@ $<

$(LIBLOOP_SO): $$(LOOP_PIC_OBJS)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(AIOLOOP_SONAME) \
		-o $@ $^ $(AIOLOOP_SO_LIBS)

# A directory as the .pc writes it: under ${prefix} when it is.
pc_rel = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))

# Both are regenerated on every make (cheap) and replaced only when they
# change, so PREFIX, LIBDIR, the version or the help text cannot go stale.
$(PC_FILE): dist/libaioloop.pc.in $(BUILD)/config.mk FORCE
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' \
		-e 's|@LIBDIR@|$(call pc_rel,$(LIBDIR))|' \
		-e 's|@INCLUDEDIR@|$(call pc_rel,$(INCLUDEDIR))|' \
		-e 's|@VERSION@|$(AIOTUNE_VERSION)|' \
		-e 's|@REQUIRES@|$(strip $(AIOLOOP_REQUIRES))|' $< >$@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(MAN_PAGE): dist/aiotune.1.in dist/mkman.sh $(BUILD)/aiotune FORCE
	$(Q)sh dist/mkman.sh $(BUILD)/aiotune $< '$(AIOTUNE_VERSION)' \
		'$(MAN_DATE)' '$(DATADIR)' >$@.tmp || { rm -f $@.tmp; exit 1; }
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# One file: install -D FILE DEST (mode from the source: 755 if executable).
inst = $(INSTALL) -D -m $$([ -x $(1) ] && echo 755 || echo 644) $(1) $(2)

# The binary carries DATADIR: one built for another PREFIX is rebuilt
# first (util/module.mk's stamp).
install: $(BUILD)/aiotune $(BUILD)/libaioloop.a $(LIBLOOP_SO) $(PC_FILE) \
		$(MAN_PAGE)
	$(quiet) INSTALL $(DESTDIR)$(PREFIX)
	$(Q)$(call inst,$(BUILD)/aiotune,$(DESTDIR)$(PREFIX)/bin/aiotune)
	$(Q)for f in $(sort $(INSTALL_DATA)); do \
		$(call inst,$$f,$(DESTDIR)$(DATADIR)/$$f) || exit 1; done
	$(Q)$(INSTALL) -D -m 644 $(BUILD)/libaioloop.a \
		$(DESTDIR)$(LIBDIR)/libaioloop.a
	$(Q)$(INSTALL) -D -m 755 $(LIBLOOP_SO) \
		$(DESTDIR)$(LIBDIR)/$(AIOLOOP_SOFILE)
	$(Q)ln -sf $(AIOLOOP_SOFILE) \
		$(DESTDIR)$(LIBDIR)/$(AIOLOOP_SONAME)
	$(Q)ln -sf $(AIOLOOP_SONAME) $(DESTDIR)$(LIBDIR)/libaioloop.so
	$(Q)for h in $(AIOLOOP_HEADERS); do $(INSTALL) -D -m 644 $$h \
		$(DESTDIR)$(INCLUDEDIR)/aioloop/$$h || exit 1; done
	$(Q)$(INSTALL) -D -m 644 $(PC_FILE) \
		$(DESTDIR)$(PKGCONFIGDIR)/libaioloop.pc
	$(Q)$(INSTALL) -D -m 644 $(MAN_PAGE) $(DESTDIR)$(MANDIR)/man1/aiotune.1
	$(Q)$(INSTALL) -D -m 644 dist/aiotune.bash \
		$(DESTDIR)$(BASHCOMPDIR)/aiotune

# Exactly the files above, then the directories that are aiotune's own.
uninstall:
	$(quiet) RM $(DESTDIR)$(PREFIX)
	$(Q)rm -f $(DESTDIR)$(PREFIX)/bin/aiotune \
		$(addprefix $(DESTDIR)$(DATADIR)/,$(INSTALL_DATA)) \
		$(addprefix $(DESTDIR)$(LIBDIR)/,libaioloop.a libaioloop.so \
			$(AIOLOOP_SONAME) $(AIOLOOP_SOFILE)) \
		$(addprefix $(DESTDIR)$(INCLUDEDIR)/aioloop/, \
			$(AIOLOOP_HEADERS)) \
		$(DESTDIR)$(PKGCONFIGDIR)/libaioloop.pc \
		$(DESTDIR)$(MANDIR)/man1/aiotune.1 \
		$(DESTDIR)$(BASHCOMPDIR)/aiotune
	$(Q)for d in $(DESTDIR)$(DATADIR) $(DESTDIR)$(INCLUDEDIR)/aioloop; do \
		[ ! -d $$d ] || find $$d -depth -type d -empty -delete; done

# The source tarball: HEAD's tree (git archive) plus GIT-REV, which
# util/module.mk reads when there is no git, so --version still names the
# revision. Uncommitted changes are not in it (make dist says so).
# DIST_OUT: where the tarball goes (default $(BUILD)).
DIST_OUT ?= $(BUILD)
DIST_NAME = aiotune-$(AIOTUNE_VERSION)
DIST_TAR = $(DIST_OUT)/$(DIST_NAME).tar.gz
DIST_TMP = $(DIST_OUT)/dist-tmp
dist:
	@git rev-parse --git-dir >/dev/null 2>&1 || { echo "aiotune: make" \
		"dist needs a git checkout (this tree has GIT-REV: a" \
		"tarball already)" >&2; exit 1; }
	@git diff --quiet HEAD -- || echo "aiotune: make dist: uncommitted" \
		"changes are not in the tarball (it is HEAD's tree)" >&2
	@rm -rf $(DIST_TMP) && mkdir -p $(DIST_TMP)/$(DIST_NAME)
	$(Q)git rev-parse --short HEAD >$(DIST_TMP)/$(DIST_NAME)/GIT-REV
	$(Q)git archive --format=tar --prefix=$(DIST_NAME)/ HEAD \
		>$(DIST_TMP)/$(DIST_NAME).tar
	$(Q)tar -C $(DIST_TMP) -rf $(DIST_TMP)/$(DIST_NAME).tar \
		$(DIST_NAME)/GIT-REV
	$(Q)gzip -n -9 <$(DIST_TMP)/$(DIST_NAME).tar >$(DIST_TAR)
	$(Q)rm -rf $(DIST_TMP)
	@echo "aiotune: $(DIST_TAR)"

# The Debian packages, built from the tarball of make dist (so the
# package is what a user downloads) with dpkg-buildpackage in build/deb/;
# the build-only packages (debhelper ...) are installed first.
deb:
	@scripts/deps.sh ensure deb
	@sh dist/deb.sh $(BUILD)/deb $(AIOTUNE_VERSION)

check-deb: deb
	@sh tests/dist/deb-check.sh $(BUILD)/deb $(AIOTUNE_VERSION)
