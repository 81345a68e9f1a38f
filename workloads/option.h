/*
 * option.h: the job options, one table. Each option of a job (struct
 * wl_job) is defined here once: its name, its kind, its limits or
 * allowed words, and where it goes in the job. `aiotune run` parses its
 * flags with it (--iodepth 32), the sweep its grid dimensions (flags and
 * job-file keys, which take lists) and job files their keys (iodepth =
 * 1,32), so the same value is accepted or refused the same way wherever
 * it is written, with the same one line:
 *
 *   invalid value '0' for --iodepth: allowed an integer 1-4096
 *
 * (a job file names the key as written there: "for iodepth"). The limits
 * are those the run can carry out and results can record.
 *
 * Values are written in fio's units (units.h): sizes 4k, 1m; durations
 * 10s, 500ms, 20us with a bare number in the option's unit; counts with
 * k/m/g suffixes (x1024).
 */
#ifndef AIOTUNE_WORKLOADS_OPTION_H
#define AIOTUNE_WORKLOADS_OPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads/job.h"

enum wl_opt_kind {
	WL_OPT_SIZE,      /* bytes: 4096, 4k, 1m */
	WL_OPT_DURATION,  /* ns: 10s, 500ms, 20us; bare: unit_ns */
	WL_OPT_COUNT,     /* an integer, k/m/g suffixes x1024: 32k */
	WL_OPT_INT,       /* a plain decimal integer */
	WL_OPT_WORD,      /* one of words() */
	WL_OPT_STRING,    /* text that valid() accepts */
	WL_OPT_BOOL,      /* 0, 1, true, false, yes, no, on, off */
};

/* How the value is kept in struct wl_job. */
enum wl_opt_field {
	WL_FIELD_STR,     /* char[size] */
	WL_FIELD_U32,
	WL_FIELD_INT,
	WL_FIELD_U64,
	WL_FIELD_I64,
	WL_FIELD_BOOL,
	WL_FIELD_RW,      /* enum wl_rw, from its name */
	WL_FIELD_THINK,   /* guest_think text and guest_think_ns */
};

struct wl_opt {
	const char *name;          /* "iodepth": --iodepth, key iodepth */
	enum wl_opt_kind kind;
	uint64_t min, max;         /* numbers: inclusive; text: length */
	int64_t unit_ns;           /* durations: the unit of a bare number */
	const char *example;       /* sizes, durations: "4k" */
	const char *note;          /* appended to "allowed ...", or NULL */
	bool is_switch;            /* a bare --flag means 1 (run) */
	const char *(*words)(void);   /* words: ", "-separated */
	bool (*valid)(const char *v); /* strings: whether v is one */
	const char *(*syntax)(void);  /* strings: what valid() accepts */
	enum wl_opt_field field;
	size_t off;                /* offsetof(struct wl_job, ...) */
};

/* Every job option, in the order of `aiotune run --help`; *n of them. */
const struct wl_opt *wl_opts(size_t *n);
/* The option called name (a dash or an underscore between words), or NULL. */
const struct wl_opt *wl_opt_find(const char *name);

/* What o allows, as written after "allowed " ("an integer 1-4096"). */
const char *wl_opt_allowed(const struct wl_opt *o, char *buf, size_t size);
/*
 * "invalid value 'v' for NAME: allowed ..." (v NULL: "missing value for
 * NAME: allowed ..."), NAME the option as spelled (as_flag: "--iodepth",
 * else "iodepth").
 */
void wl_opt_error(const struct wl_opt *o, bool as_flag, const char *v,
		  char *err, size_t errlen);

/*
 * Check v against o: 0 with *num its value (numbers, bools; 0 for text),
 * or -EINVAL with wl_opt_error's line in err.
 */
int wl_opt_parse(const struct wl_opt *o, bool as_flag, const char *v,
		 int64_t *num, char *err, size_t errlen);
/*
 * Store a value of o, as wl_opt_parse accepted it (text v for words and
 * strings, num otherwise), into job. Text is not checked against the
 * words (a sweep stores fio's engine names too); 0, or -EINVAL when it
 * does not fit or does not convert.
 */
int wl_opt_store(struct wl_job *job, const struct wl_opt *o, const char *v,
		 int64_t num);
/* wl_opt_parse, then wl_opt_store. */
int wl_opt_set(struct wl_job *job, const struct wl_opt *o, bool as_flag,
	       const char *v, char *err, size_t errlen);
/*
 * The text of value num that parses back to num (a duration whose bare
 * unit is not ns gets "ns": "2000000000ns").
 */
void wl_opt_format(const struct wl_opt *o, int64_t num, char *buf,
		   size_t size);

#endif
