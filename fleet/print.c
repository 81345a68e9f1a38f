/*
 * print.c: what a fleet would run where (--dry-run) and how it went (the
 * summary after a run).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fleet/fleet-internal.h"

/* What the playbook does on host h, as commands run there. */
static void print_host(const struct fl_fleet *f, const struct fl_host *h,
		       FILE *out)
{
	const char *w = h->workdir;
	char bin[PATH_MAX + 32];

	fprintf(out, "\nhost %s (%s connection): in %s\n", h->name,
		h->connection[0] ? h->connection : "Ansible's default", w);
	if (!strcmp(h->install, "source")) {
		fprintf(out, "  copy   %s/.fleet/source.tar.gz (of %s) to "
			"%s/aiotune-src.tar.gz\n", f->dir, f->srcdir, w);
		fprintf(out, "  run    tar -xzf aiotune-src.tar.gz -C src\n");
		if (h->deps)
			fprintf(out, "  run    sh scripts/deps.sh ensure\n");
		fprintf(out, "  run    make -j\"$(nproc)\"%s%s%s SAN= "
			"BUILD=build build/aiotune\n",
			h->deps ? "" : " NO_DEPS=1",
			h->make_args[0] ? " " : "", h->make_args);
		snprintf(bin, sizeof(bin), "%s/src/build/aiotune", w);
	} else if (!strcmp(h->install, "binary")) {
		fprintf(out, "  copy   %s to %s/aiotune\n", f->self, w);
		snprintf(bin, sizeof(bin), "%s/aiotune", w);
	} else {
		fprintf(out, "  run    apt-get install -y aiotune (or the "
			"aiotune_deb package)\n");
		snprintf(bin, sizeof(bin), "aiotune");
	}
	fprintf(out, "  copy   %s/job.ini to %s/job.ini\n", f->dir, w);
	fprintf(out, "  run    %s sweep --job %s/job.ini --seed %" PRIu64
		" --name %s --output %s/results\n", bin, w, f->seed, f->name,
		w);
	fprintf(out, "  fetch  %s/results/ into %s/%s/\n", w, f->dir,
		h->name);
}

void fl_fleet_print_plan(const struct fl_fleet *f, FILE *out)
{
	size_t n = fl_fleet_to_run(f);

	fprintf(out, "fleet '%s': %zu host(s) of %s (pattern %s) to run, seed "
		"%" PRIu64 "\n", f->name, n, f->inventory, f->pattern,
		f->seed);
	fprintf(out, "results: %s/<host>/, the record: %s/fleet.json\n",
		f->dir, f->dir);
	fprintf(out, "Ansible: ansible-playbook -i %s --limit @%s/.fleet/hosts "
		"-e @%s/.fleet/vars.json %s\n", f->inventory, f->dir, f->dir,
		f->playbook);
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fl_host *h = &f->hosts[i];

		if (h->run)
			print_host(f, h, out);
		else
			fprintf(out, "\nhost %s: %s, not run again\n", h->name,
				fl_status_name(h->status));
	}
	fprintf(out, "\nthe sweep every host runs (job %s):\n", f->job);
	sw_sweep_print_plan(f->sweep, out);
}

void fl_fleet_print_summary(const struct fl_fleet *f, FILE *out)
{
	size_t ok = 0, failed = 0, pending = 0;

	for (size_t i = 0; i < f->nhosts; i++) {
		ok += f->hosts[i].status == FL_OK;
		failed += f->hosts[i].status == FL_FAILED;
		pending += f->hosts[i].status == FL_PENDING;
	}
	fprintf(out, "fleet '%s' (seed %" PRIu64 "): %zu host(s): %zu ok, %zu "
		"failed, %zu pending\n", f->name, f->seed, f->nhosts, ok,
		failed, pending);
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fl_host *h = &f->hosts[i];

		fprintf(out, "  %-20s %-8s %-8s %8.1f s  %s%s\n", h->name,
			fl_status_name(h->status), h->install, h->elapsed_s,
			h->status == FL_OK ? h->name : h->reason,
			h->status == FL_OK ? "/" : "");
	}
	fprintf(out, "%s\n", f->dir);
}
