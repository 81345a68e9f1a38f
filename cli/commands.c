/* commands.c: the one registry of aiotune subcommands. */
#include <stddef.h>

#include "cli/cli.h"

extern const struct cli_cmd cli_cmd_version;
extern const struct cli_cmd cli_cmd_topo;
extern const struct cli_cmd cli_cmd_run;
extern const struct cli_cmd cli_cmd_sweep;
extern const struct cli_cmd cli_cmd_plot;
extern const struct cli_cmd cli_cmd_recommend;
extern const struct cli_cmd cli_cmd_report;
extern const struct cli_cmd cli_cmd_simulate;
extern const struct cli_cmd cli_cmd_import_fio;
extern const struct cli_cmd cli_cmd_fio;
extern const struct cli_cmd cli_cmd_fio_run;
extern const struct cli_cmd cli_cmd_fleet;

const struct cli_cmd *const cli_commands[] = {
	&cli_cmd_version,
	&cli_cmd_run,
	&cli_cmd_topo,
	&cli_cmd_sweep,
	&cli_cmd_plot,
	&cli_cmd_recommend,
	&cli_cmd_report,
	&cli_cmd_simulate,
	&cli_cmd_fio,
	&cli_cmd_fio_run,
	&cli_cmd_fleet,
	&cli_cmd_import_fio,
	NULL,
};
