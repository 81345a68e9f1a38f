/*
 * fuzz-sim-spec.c: the simulated NVMe target spec "sim:KEY=VALUE,..."
 * (workloads/simnvme-model.c), with its hist:FILE latency files.
 *
 * Input: the spec on the first line, the content of a histogram file
 * after it. "hist:@" in the spec names that file (written to the scratch
 * directory); a spec naming any other hist file is skipped, so the fuzzer
 * reads no file of the host. An accepted spec must hold values within the
 * limits simnvme-model.h documents, sample latencies from 0 to
 * SIM_MAX_DUR_NS and drive the
 * device model: deadlines not before submission, completions in deadline
 * order, every command completed once.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "workloads/simnvme-model.h"

#define HIST "hist:"
#define SAMPLES 16
#define CMDS 8
/* A monotonic clock reading of a host up for about 116 days. */
#define NOW 10000000000000000LL

/* spec with "hist:@" replaced by the scratch file; NULL to skip it. */
static char *expand(const char *spec, const char *file)
{
	size_t n = 0, flen = strlen(file);
	const char *p;
	char *out, *w;

	for (p = strstr(spec, HIST); p; p = strstr(p + 1, HIST)) {
		if (p[strlen(HIST)] != '@')
			return NULL;
		n++;
	}
	out = malloc(strlen(spec) + n * flen + 1);
	if (!out)
		fuzz_fail("out of memory");
	for (w = out, p = spec; *p;) {
		if (!strncmp(p, HIST "@", strlen(HIST) + 1)) {
			w += sprintf(w, HIST "%s", file);
			p += strlen(HIST) + 1;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	return out;
}

static void check_lat(const struct sim_lat *m)
{
	switch (m->kind) {
	case SIM_LAT_FIXED:
		FUZZ_ASSERT(m->a_ns >= 0);
		break;
	case SIM_LAT_UNIFORM:
		FUZZ_ASSERT(m->a_ns >= 0 && m->a_ns <= m->b_ns);
		break;
	case SIM_LAT_LOGNORMAL:
		FUZZ_ASSERT(m->a_ns > 0 && m->sigma >= 0 && m->sigma <= 10);
		break;
	case SIM_LAT_HIST:
		FUZZ_ASSERT(m->nbins > 0 && m->cum[m->nbins - 1] > 0);
		for (size_t i = 0; i < m->nbins; i++) {
			FUZZ_ASSERT(m->lo[i] >= 0 && m->lo[i] <= m->hi[i]);
			FUZZ_ASSERT(!i || m->cum[i] > m->cum[i - 1]);
		}
		break;
	default:
		fuzz_fail("latency kind %d", (int)m->kind);
	}
}

static void check_spec(const struct sim_spec *s)
{
	check_lat(&s->lat);
	FUZZ_ASSERT(s->channels >= 1 && s->channels <= SIM_MAX_CHANNELS);
	FUZZ_ASSERT(s->size >= 4096);
	FUZZ_ASSERT(s->lba >= 1 && s->lba <= 65536 &&
		    !(s->lba & (s->lba - 1)));
	FUZZ_ASSERT(s->err_rate >= 0 && s->err_rate <= 1);
	FUZZ_ASSERT(s->spike_prob >= 0 && s->spike_prob <= 1);
	FUZZ_ASSERT(s->stuck_prob >= 0 && s->stuck_prob <= 1);
	FUZZ_ASSERT(s->spike_ns >= 0 && s->spike_ns <= SIM_MAX_DUR_NS);
	FUZZ_ASSERT(s->timeout_ns > 0 && s->timeout_ns <= SIM_MAX_DUR_NS);
	FUZZ_ASSERT(s->coal_count <= 255 && s->coal_ns >= 0 &&
		    s->coal_ns <= SIM_MAX_DUR_NS);
	FUZZ_ASSERT(s->cpu >= -1 && s->cpu <= 4095);
}

static void drive(const struct sim_spec *s)
{
	struct sim_dev d;
	struct sim_cmd c;
	struct wl_rand r;
	int64_t last = INT64_MIN;

	wl_rand_seed(&r, 1);
	for (int i = 0; i < SAMPLES; i++) {
		int64_t v = sim_lat_sample(&s->lat, &r);

		FUZZ_ASSERT(v >= 0 && v <= SIM_MAX_DUR_NS);
	}
	FUZZ_ASSERT(!sim_dev_init(&d, s, 1));
	for (int i = 0; i < CMDS; i++) {
		/* The last one is out of range: it fails, it is not lost. */
		uint64_t off = i < CMDS - 1 ? (uint64_t)i * s->lba : s->size;
		int64_t dl = sim_dev_submit(&d, NOW + i, off, s->lba, NULL);

		FUZZ_ASSERT(dl >= NOW + i);
	}
	FUZZ_ASSERT(sim_dev_irq_time(&d) >= sim_dev_next_deadline(&d));
	while (sim_dev_pop(&d, INT64_MAX, &c)) {
		FUZZ_ASSERT(c.deadline >= last);
		last = c.deadline;
	}
	FUZZ_ASSERT(d.completed == CMDS && d.submitted == CMDS && !d.n);
	FUZZ_ASSERT(d.invalid >= 1);
	sim_dev_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *file = fuzz_path("hist");
	const uint8_t *nl = memchr(data, '\n', size);
	size_t len = nl ? (size_t)(nl - data) : size;
	struct sim_spec s;
	char *spec, *full, err[2048];
	int ret;

	if (memchr(data, '\0', len))
		return -1;
	spec = fuzz_str(data, len);
	full = expand(spec, file);
	free(spec);
	if (!full)
		return -1;
	if (strstr(full, HIST))
		fuzz_write(file, nl ? nl + 1 : data + size,
			   nl ? size - len - 1 : 0);
	err[0] = '\0';
	ret = sim_spec_parse(full, &s, err, sizeof(err));
	free(full);
	if (ret) {
		FUZZ_ASSERT(ret < 0 && err[0]);
		return 0;
	}
	check_spec(&s);
	drive(&s);
	sim_spec_free(&s);
	return 0;
}
