/*
 * row.h: the results schema. One struct res_row per run; one CSV row per
 * run in results.csv, whose columns are the table in row.c (name, type,
 * unit in the name, meaning). The same table writes and reads the CSV, and
 * prints the schema (`aiotune sweep --columns`), so the three never differ.
 *
 * Settings are integers (bytes, ns, counts); measurements are doubles
 * where a missing value (a figure the producer did not report, e.g. guest
 * latency outside --frontend virtio) is NaN and an empty CSV field.
 */
#ifndef AIOTUNE_RESULTS_ROW_H
#define AIOTUNE_RESULTS_ROW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bumped when a column is removed or changes meaning (adding is fine). */
#define RES_FORMAT_VERSION 1

#define RES_NAME_MAX 64
#define RES_TARGET_MAX 256
/* A placement as affinity/ parses it (AFF_SPEC_MAX). */
#define RES_PLACEMENT_MAX 256

struct res_row {
	int64_t format_version;
	char run_id[RES_NAME_MAX];
	int64_t point;
	int64_t rep;
	int64_t order;
	char section[RES_NAME_MAX];
	char start_time[RES_NAME_MAX];
	char host[RES_NAME_MAX];
	char kernel[RES_NAME_MAX];
	char version[RES_NAME_MAX];
	char git[RES_NAME_MAX];

	/* The settings of the run (the job). */
	char engine[RES_NAME_MAX];
	char target[RES_TARGET_MAX];
	char rw[RES_NAME_MAX];
	int64_t bs_bytes;
	int64_t iodepth;
	int64_t iothreads;
	char frontend[RES_NAME_MAX];
	char guest_think[RES_NAME_MAX];
	char placement[RES_PLACEMENT_MAX];
	char poll_policy[RES_NAME_MAX];
	int64_t poll_max_ns;
	int64_t poll_grow;
	int64_t poll_shrink;
	int64_t poll_weight;
	char fdmon_requested[RES_NAME_MAX];
	char fdmon[RES_NAME_MAX];
	char uring_ring_requested[RES_NAME_MAX];
	char uring_ring[RES_NAME_MAX];
	char ring_flags_requested[RES_NAME_MAX];
	char ring_flags[RES_NAME_MAX];
	int64_t runtime_ns;
	int64_t ramp_ns;

	/* What it measured (ramp excluded). */
	double ios;
	double errors;
	double measured_ns;
	double iops;
	double bw_bytes_per_s;
	double lat_min_ns, lat_mean_ns, lat_p50_ns, lat_p90_ns, lat_p99_ns;
	double lat_p99_9_ns, lat_max_ns;
	double guest_lat_p50_ns, guest_lat_p99_ns;
	double cpu_iothread_pct;
	double cpu_guest_pct;
	double cpu_process_pct;
	double iops_per_cpu;
	double vol_csw, invol_csw;
	char iothread_cpus[RES_NAME_MAX];
	double loop_iterations;
	double poll_attempts, poll_hits, poll_misses, poll_hit_pct;
	double blocking_waits;
	double poll_ns, block_ns;
	double grow_events, shrink_events;
	double notify_writes;
	double window_ns;
	double block_cost_ns, wake_ns;
	double wall_ns;
	char json[RES_NAME_MAX + 32];
	char accel[16];    /* QEMU runs: "kvm" or "tcg" (emulated) */
};

enum res_col_type { RES_COL_STR, RES_COL_I64, RES_COL_DBL };

struct res_col {
	const char *name;
	enum res_col_type type;
	size_t off;
	size_t size;       /* RES_COL_STR: buffer size */
	const char *desc;  /* meaning and unit */
};

/* The columns, in CSV order; *n gets the count. */
const struct res_col *res_cols(size_t *n);
/* The column called name, or NULL. */
const struct res_col *res_col_find(const char *name);
/* Value of a numeric column of r as a double (NaN for STR columns). */
double res_row_num(const struct res_row *r, const struct res_col *c);

/* Empty row: strings "", settings 0, measurements NaN. */
void res_row_init(struct res_row *r);

/* results.csv: header line, then one line per row. */
void res_csv_write_header(FILE *f);
void res_csv_write_row(FILE *f, const struct res_row *r);

struct res_table {
	struct res_row *rows;
	size_t n;
	size_t cap;
};

/* Append a copy of r. 0 or -ENOMEM. */
int res_table_add(struct res_table *t, const struct res_row *r);
void res_table_free(struct res_table *t);
/*
 * Read a results.csv (any column order; unknown columns are ignored,
 * missing ones stay empty) and append its rows to t. The header must name
 * format_version, run_id, poll_max_ns and iops; integer fields hold an
 * integer >= 0, measurement fields a finite number >= 0 or nothing (NaN).
 * A file whose format_version is not RES_FORMAT_VERSION, or that holds a
 * NUL byte, is refused. 0 or -errno with one line in err
 * ("path:line: column iops: 'nan' is not a finite number >= 0").
 */
int res_csv_load(const char *path, struct res_table *t, char *err,
		 size_t errlen);
/*
 * The same from the len bytes of text (need not end in a NUL), path naming
 * it in messages. res_csv_load reads the file (a regular file of at most
 * RES_READ_MAX bytes) and parses it here.
 */
int res_csv_parse(const char *text, size_t len, const char *path,
		  struct res_table *t, char *err, size_t errlen);
/* Write t as a CSV file atomically (results/atomic.h). 0 or -errno. */
int res_csv_save(const char *path, const struct res_table *t);

#endif
