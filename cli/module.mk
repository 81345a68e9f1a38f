# cli/: the aiotune command (main.c is linked separately)
APP_SRCS += cli/commands.c cli/parse.c cli/version.c
GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
$(BUILD)/cli/version.o: override CPPFLAGS += -DAIOTUNE_GIT_REV='"$(GIT_REV)"'
