# cli/: the aiotune command (main.c is linked separately)
APP_SRCS += cli/commands.c cli/parse.c cli/version.c
GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# Rebuild version.o whenever the revision changes.
$(BUILD)/cli/git-rev: FORCE
	@mkdir -p $(dir $@)
	@echo '$(GIT_REV)' | cmp -s - $@ || echo '$(GIT_REV)' > $@
$(BUILD)/cli/version.o: $(BUILD)/cli/git-rev
.PHONY: FORCE
FORCE:
$(BUILD)/cli/version.o: override CPPFLAGS += -DAIOTUNE_GIT_REV='"$(GIT_REV)"'
