# cli/: the aiotune command (main.c is linked separately)
APP_SRCS += cli/commands.c cli/parse.c cli/version.c
