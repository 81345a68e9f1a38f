# tests/sweep/: the results format, job files, knees; sweeps end to end
# (a fake child, resume, the claim, bad arguments, the simulated device,
# make reproduce's quick path); the recommendation on the reference data;
# the job options' one set of limits; every reference directory loads;
# the fleet recommendation worked out by hand; the report in Chromium.
TESTS += tests/sweep/test-results.c tests/sweep/test-jobfile.c \
	tests/sweep/test-knee.c tests/sweep/test-mdhtml.c
SH_TESTS += tests/sweep/sweep-fake.sh tests/sweep/sweep-resume.sh \
	tests/sweep/sweep-claim.sh tests/sweep/sweep-args.sh \
	tests/sweep/e2e-simnvme.sh tests/sweep/reproduce-quick.sh \
	tests/sweep/recommend-fixtures.sh tests/sweep/option-limits.sh \
	tests/sweep/fleet-recommend.sh tests/sweep/report-chromium.sh \
	tests/sweep/ref-data.sh
