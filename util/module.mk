# util/: helpers below every module (nothing of aiotune included): bounded
# reads of user-named files, the registry helper every registry of
# backends uses, small macros (util.h), part of libaioloop.a so that every
# module, polling/ included, may use them; child processes and aiotune's
# version, part of libaiotune.a.
LOOP_SRCS += util/file.c util/registry.c
APP_SRCS += util/spawn.c util/version.c
GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# Rebuild version.o whenever the revision changes.
$(BUILD)/util/git-rev: FORCE
	@mkdir -p $(dir $@)
	@echo '$(GIT_REV)' | cmp -s - $@ || echo '$(GIT_REV)' > $@
$(BUILD)/util/version.o: $(BUILD)/util/git-rev
.PHONY: FORCE
FORCE:
$(BUILD)/util/version.o: override CPPFLAGS += -DAIOTUNE_GIT_REV='"$(GIT_REV)"'
