# results/: the results format (the run JSON written and read, CSV rows,
# meta.json's header, provenance, crash-safe writes, loading a results
# directory), analysis (summaries, knees, the recommendation, QEMU beside
# aiotune) and fio import and export; reference data in results/ref/.
APP_SRCS += results/atomic.c results/row.c results/runjson.c \
	results/runjson-write.c results/meta.c results/load.c \
	results/provenance.c results/summary.c results/recommend.c \
	results/qemu-compare.c results/fio-import.c results/fio-export.c \
	results/fleet.c results/mdhtml.c results/report.c
