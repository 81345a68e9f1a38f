# results/: the results schema and writers, sweep plan, summaries, the
# recommendation and the gnuplot driver; the sweep, plot, recommend and
# report subcommands (cli/) are listed here too.
APP_SRCS += results/atomic.c results/row.c results/runjson.c \
	results/grid.c results/jobfile.c results/plan.c results/spawn.c \
	results/provenance.c results/summary.c results/recommend.c \
	results/plot.c results/load.c
APP_SRCS += cli/sweep.c cli/plot.c cli/recommend.c \
	cli/report.c
