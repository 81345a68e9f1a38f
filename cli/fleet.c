/*
 * fleet.c: `aiotune fleet`: its flags, its help and its exit status; the
 * fleet itself is fleet/fleet.h's. Exit status: 0 every host ok (or,
 * resumed, nothing left to run), 1 some host failed or is pending, or the
 * fleet could not go on, 2 bad usage, 128+N stopped by signal N (resume
 * with --resume DIR).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "fleet/fleet.h"
#include "results/row.h"
#include "util/util.h"
#include "workloads/units.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune fleet --inventory FILE --job FILE [options]\n"
"       aiotune fleet --resume DIR [--inventory FILE] [--hosts PATTERN]\n"
"Run one sweep job file, with one seed, on every host of an Ansible\n"
"inventory: ansible-playbook (Debian's ansible-core) plays the playbook\n"
"fleet/playbook.yml, which copies aiotune's source to each host, builds\n"
"it there, runs `aiotune sweep --job ... --seed ...` and fetches the\n"
"results into results/fleet-<name>-<time>/<host>/ (or --output).\n"
"\n"
"  --inventory FILE    the Ansible inventory (file or directory); host\n"
"                      variables: aiotune_workdir (default\n"
"                      /var/tmp/aiotune-fleet), aiotune_install (source,\n"
"                      binary, package), aiotune_deps (true, false)\n"
"  --job FILE          the sweep job file every host runs\n"
"  --hosts PATTERN     only the hosts an Ansible pattern selects\n"
"                      (default all)\n"
"  --seed N            the seed of every host's sweep (default: the job\n"
"                      file's, else from the clock)\n"
"  --name NAME         results/fleet-<name>-<time>/ (default: the job's)\n"
"  --output DIR        the fleet's directory (must be new or empty)\n"
"  --resume DIR        run again the hosts of DIR that are not ok (with\n"
"                      DIR's job and seed; --inventory: a fixed one)\n"
"  --dry-run           print the hosts, the commands each runs and where\n"
"                      the results go; run nothing, create nothing\n"
"\n"
"A host that fails is recorded in DIR/fleet.json with its reason and the\n"
"others go on. Ctrl-C (SIGINT) or SIGTERM stops Ansible; the hosts that\n"
"finished are kept. Exit status: 0 every host ok, 1 some host failed,\n"
"2 bad usage, 130/143 interrupted (resume with --resume DIR).\n");
}

static const char *const value_flags[] = {
	"--inventory", "--job", "--hosts", "--seed", "--name", "--output",
	"--resume",
};

static void set_option(struct fl_opts *o, const char *flag, const char *val)
{
	int64_t x;

	if (!strcmp(flag, "--inventory")) {
		if (!*val)
			cli_bad_value(flag, val, "an Ansible inventory file or "
				      "directory");
		o->inventory = val;
	} else if (!strcmp(flag, "--job")) {
		if (!*val)
			cli_bad_value(flag, val, "an INI job file");
		o->job_path = val;
	} else if (!strcmp(flag, "--hosts")) {
		if (!*val || strlen(val) > 255)
			cli_bad_value(flag, val, "an Ansible host pattern of "
				      "1 to 255 characters");
		o->hosts = val;
	} else if (!strcmp(flag, "--seed")) {
		if (wl_parse_int64(val, &x) || x < 0)
			cli_bad_value(flag, val, "a non-negative integer");
		o->seed = (uint64_t)x;
		o->seed_set = true;
	} else if (!strcmp(flag, "--name")) {
		cli_check_name(flag, val);
		o->name = val;
	} else if (!strcmp(flag, "--output")) {
		cli_check_output_dir(flag, val);
		o->output = val;
	} else {
		cli_check_output_dir(flag, val);
		o->resume_dir = val;
	}
}

/* argv into o; exits 2 on bad usage. */
static void parse_args(struct fl_opts *o, bool *dry_run, int argc,
		       char **argv)
{
	for (int i = 1; i < argc; i++) {
		char flag[64];
		const char *arg = argv[i], *eq = strchr(arg, '='), *val;
		bool known = false;

		if (strncmp(arg, "--", 2) != 0)
			cli_die(CLI_EXIT_USAGE, "unexpected argument '%s' for "
				"fleet: options are --flag VALUE", arg);
		if (eq && (size_t)(eq - arg) < sizeof(flag)) {
			memcpy(flag, arg, (size_t)(eq - arg));
			flag[eq - arg] = '\0';
			val = eq + 1;
		} else {
			snprintf(flag, sizeof(flag), "%s", arg);
			val = NULL;
		}
		if (!strcmp(flag, "--dry-run") && !val) {
			*dry_run = true;
			continue;
		}
		for (size_t k = 0; k < ARRAY_SIZE(value_flags); k++)
			known |= !strcmp(flag, value_flags[k]);
		if (!known)
			cli_die(CLI_EXIT_USAGE, "unknown option '%s' for "
				"fleet: 'aiotune fleet --help' lists them",
				flag);
		if (!val) {
			if (i + 1 >= argc)
				cli_bad_value(flag, NULL, "a value after the "
					      "flag");
			val = argv[++i];
		}
		set_option(o, flag, val);
	}
	if (o->resume_dir) {
		const char *bad = o->job_path ? "--job" : o->name ? "--name" :
				  o->seed_set ? "--seed" :
				  o->output ? "--output" : NULL;

		if (bad)
			cli_die(CLI_EXIT_USAGE, "--resume DIR and %s: a resume "
				"keeps DIR's job, name, seed and directory",
				bad);
		return;
	}
	if (!o->inventory)
		cli_die(CLI_EXIT_USAGE, "missing --inventory FILE: the Ansible "
			"inventory of the hosts (or --resume DIR)");
	if (!o->job_path)
		cli_die(CLI_EXIT_USAGE, "missing --job FILE: the sweep job "
			"file every host runs");
}

/* Exit status 2 for input the fleet refused (fleet.h), 1 otherwise. */
static void die_for(int ret, const char *err)
{
	cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1, "%s", err);
}

static int cmd_fleet(int argc, char **argv)
{
	struct fl_opts o = { 0 };
	struct fl_outcome out;
	struct fl_fleet *f;
	bool dry_run = false;
	char err[2048], *cmdline;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	}
	parse_args(&o, &dry_run, argc, argv);
	cmdline = cli_join_args("aiotune", argc, argv);
	o.command_line = cmdline;
	f = fl_fleet_new(&o);
	if (!f)
		cli_die(1, "out of memory");
	ret = fl_fleet_plan(f, err, sizeof(err));
	if (ret)
		die_for(ret, err);
	if (dry_run) {
		fl_fleet_print_plan(f, stdout);
		ret = 0;
		goto out;
	}
	if (!fl_fleet_to_run(f)) {
		printf("every host of %s is ok: nothing to run\n",
		       o.resume_dir);
		ret = 0;
		goto out;
	}
	ret = fl_fleet_start(f, err, sizeof(err));
	if (ret)
		die_for(ret, err);
	ret = fl_fleet_run(f, &out, err, sizeof(err));
	if (ret)
		die_for(ret, err);
	fl_fleet_print_summary(f, stdout);
	if (out.stop_signal)
		ret = 128 + out.stop_signal;
	else
		ret = out.ok == out.hosts ? 0 : 1;
out:
	fl_fleet_free(f);
	free(cmdline);
	return ret;
}

const struct cli_cmd cli_cmd_fleet = {
	.name = "fleet",
	.summary = "run one job on every host of an Ansible inventory",
	.run = cmd_fleet,
};
