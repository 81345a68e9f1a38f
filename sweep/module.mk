# sweep/: a sweep: its grid and job files (sweep/jobs/), its plan, the
# session (new directory, resume, meta.json, the runs, progress), the
# results directory's claim, its targets and its fio points.
APP_SRCS += sweep/grid.c sweep/jobfile.c sweep/plan.c sweep/claim.c \
	sweep/session.c sweep/resume.c sweep/meta.c sweep/run.c \
	sweep/print.c sweep/targets.c sweep/fio-grid.c
# The job files are data files (make install): `--job sweep/jobs/quick.ini`
# names one from anywhere.
INSTALL_DATA += $(wildcard sweep/jobs/*.ini sweep/jobs/*/*.ini)
