# tests/fio/: fio as the peer: import, export, the command mapping, fio
# sweeps and fio-run; strict readers of fio JSON, results.csv and
# recommend's options.
TESTS += tests/fio/test-fio-export.c tests/fio/test-fio-cmd.c
TESTS += tests/fio/test-fio-import.c tests/fio/test-results-load.c
SH_TESTS += tests/fio/import-fio.sh tests/fio/fio-sweep.sh \
	tests/fio/export-fio.sh tests/fio/bad-results.sh tests/fio/fio-run.sh
