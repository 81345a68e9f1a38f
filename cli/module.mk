# cli/: the aiotune command: the subcommand registry, argv parsing and the
# one-line errors, one file per subcommand (main.c is linked separately).
APP_SRCS += cli/commands.c cli/parse.c cli/version.c cli/run.c \
	cli/qemu-run.c cli/fio-run.c cli/topo.c cli/sweep.c cli/plot.c \
	cli/recommend.c cli/report.c cli/import-fio.c cli/simulate.c \
	cli/fleet.c
