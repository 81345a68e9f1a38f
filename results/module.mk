# results/: the results schema and writers, summaries, the recommendation
# and the gnuplot driver; the sweep, plot, recommend and report
# subcommands (cli/) are listed here too.
APP_SRCS += results/atomic.c results/row.c results/runjson.c \
	results/runjson-write.c results/meta.c \
	results/provenance.c results/summary.c results/recommend.c \
	results/qemu-compare.c \
	plots/plot.c results/load.c results/fio-import.c
APP_SRCS += cli/sweep.c cli/plot.c cli/recommend.c \
	cli/report.c cli/import-fio.c cli/fio-run.c
TESTS += tests/sweep/test-results.c tests/sweep/test-jobfile.c \
	tests/sweep/test-knee.c
SH_TESTS += tests/sweep/sweep-fake.sh tests/sweep/sweep-resume.sh \
	tests/sweep/sweep-claim.sh tests/sweep/sweep-args.sh \
	tests/sweep/e2e-simnvme.sh tests/fio/import-fio.sh \
	tests/sweep/reproduce-quick.sh tests/sweep/recommend-fixtures.sh \
	tests/fio/fio-sweep.sh tests/sweep/option-limits.sh \
	tests/sweep/ref-data.sh
# fio JSON export: aiotune run/report --format fio-json.
APP_SRCS += results/fio-export.c
TESTS += tests/fio/test-fio-export.c tests/fio/test-fio-cmd.c
SH_TESTS += tests/fio/export-fio.sh
# Strict readers of user data: fio JSON fields, results.csv, recommend options.
TESTS += tests/fio/test-fio-import.c tests/fio/test-results-load.c
SH_TESTS += tests/fio/bad-results.sh tests/fio/fio-run.sh
