# util/: helpers below every module (nothing of aiotune included): bounded
# reads of user-named files, the registry helper every registry of
# backends uses, small macros (util.h), part of libaioloop.a so that every
# module, polling/ included, may use them; child processes, aiotune's
# version, where its data files are and sending on a socket, part of
# libaiotune.a.
LOOP_SRCS += util/file.c util/registry.c
APP_SRCS += util/spawn.c util/version.c util/datadir.c util/sock.c
# The version: one place (make dist, make deb and the .pc file read it).
AIOTUNE_VERSION := 0.1.0
# The git revision: a source tarball (make dist) carries it in GIT-REV.
GIT_REV := $(if $(wildcard GIT-REV),$(shell cat GIT-REV),$(shell \
	git rev-parse --short HEAD 2>/dev/null || echo unknown))
# Rebuild version.o whenever the revision changes, datadir.o whenever the
# installed data directory does (a stamp holding each).
$(BUILD)/util/git-rev: FORCE
	@mkdir -p $(dir $@)
	@echo '$(GIT_REV) $(AIOTUNE_VERSION)' | cmp -s - $@ || \
		echo '$(GIT_REV) $(AIOTUNE_VERSION)' > $@
$(BUILD)/util/datadir-path: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
$(BUILD)/util/version.o: $(BUILD)/util/git-rev
$(BUILD)/util/datadir.o: $(BUILD)/util/datadir-path
.PHONY: FORCE
FORCE:
$(BUILD)/util/version.o: override CPPFLAGS += \
	-DAIOTUNE_GIT_REV='"$(GIT_REV)"' -DAIOTUNE_VERSION='"$(AIOTUNE_VERSION)"'
$(BUILD)/util/datadir.o: override CPPFLAGS += -DAIOTUNE_DATADIR='"$(DATADIR)"'
