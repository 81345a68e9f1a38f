# tests/sweep/: the results format, job files, knees; sweeps end to end
# (a fake child, resume, the claim, bad arguments, the simulated device,
# make reproduce's quick path); the recommendation on the reference data;
# the job options' one set of limits; every reference directory loads.
TESTS += tests/sweep/test-results.c tests/sweep/test-jobfile.c \
	tests/sweep/test-knee.c
SH_TESTS += tests/sweep/sweep-fake.sh tests/sweep/sweep-resume.sh \
	tests/sweep/sweep-claim.sh tests/sweep/sweep-args.sh \
	tests/sweep/e2e-simnvme.sh tests/sweep/reproduce-quick.sh \
	tests/sweep/recommend-fixtures.sh tests/sweep/option-limits.sh \
	tests/sweep/ref-data.sh
