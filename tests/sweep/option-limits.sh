#!/bin/sh
# option-limits.sh: a job option is defined once (workloads/option.h), so
# `aiotune run`, the sweep's grid flags and job-file keys accept the same
# values and refuse the same ones with the same line. For options of each
# kind a grid takes (size, duration, count, integer range, word list,
# checked text) the value at the limit is accepted by all three and the
# one beyond it refused by all three, each saying exactly
#
#   aiotune: invalid value 'V' for --OPT: allowed ...       (run, sweep)
#   aiotune: FILE:2: invalid value 'V' for OPT: allowed ... (job file)
#
# A path that kept limits of its own (the sweep used to take iodepth up
# to 65536, poll-weight past 63, iothreads past 64 and no runtime under
# 1 ms, all of which `aiotune run` refused) fails here.
set -u
A=${AIOTUNE:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

# accepted OPT VALUE [OTHER ARGS]: by run's parser (a later unknown flag
# shows it got past VALUE), by a sweep's flags and by a job file.
accepted()
{
	opt=$1 v=$2
	shift 2
	$A run --$opt "$v" "$@" --no-such-flag >/dev/null 2>"$tmp/e"
	[ $? -eq 2 ] && grep -q "unknown option '--no-such-flag'" "$tmp/e" ||
		fail "run --$opt $v: $(cat "$tmp/e")"
	$A sweep --$opt "$v" "$@" --dry-run >/dev/null 2>"$tmp/e" ||
		fail "sweep --$opt $v: $(cat "$tmp/e")"
	{
		echo "[global]"
		echo "$opt = $v"
		while [ $# -ge 2 ]; do
			echo "${1#--} = $2"
			shift 2
		done
	} >"$tmp/job.ini"
	$A sweep --job "$tmp/job.ini" --dry-run >/dev/null 2>"$tmp/e" ||
		fail "job file $opt = $v: $(cat "$tmp/e")"
}

# same WHAT WANT: the last command exited 2 and said exactly WANT.
same()
{
	rc=$?
	[ $rc -eq 2 ] && [ "$(cat "$tmp/e")" = "$2" ] ||
		fail "$1: exit $rc: '$(cat "$tmp/e")', want '$2'"
}

# refused OPT VALUE ALLOWED: exit 2 and exactly one line, the same from
# all three (the job file naming its key as written there).
refused()
{
	opt=$1 v=$2 allowed=$3
	line="invalid value '$v' for --$opt: allowed $allowed"
	$A run --$opt "$v" >/dev/null 2>"$tmp/e"
	same "run --$opt $v" "aiotune: $line"
	$A sweep --$opt "$v" --dry-run >/dev/null 2>"$tmp/e"
	same "sweep --$opt $v" "aiotune: $line"
	printf '[global]\n%s = %s\n' "$opt" "$v" >"$tmp/job.ini"
	line="invalid value '$v' for $opt: allowed $allowed"
	$A sweep --job "$tmp/job.ini" --dry-run >/dev/null 2>"$tmp/e"
	same "job file $opt = $v" "aiotune: $tmp/job.ini:2: $line"
}

# A size.
accepted bs 64m
refused bs 67108865 "a size 1-64m, like 4k"
refused bs 4q "a size 1-64m, like 4k"
# A duration (a bare number in seconds).
accepted runtime 1ms
refused runtime 999us \
	"a duration >= 1ms, like 10s or 500ms (a bare number is seconds)"
# A duration in ns.
accepted poll-max-ns 32k
refused poll-max-ns -1 \
	"a duration, like 32768, 32k or 20us (a bare number is ns; 32k = 32768)"
# A count (k suffixes: 4k = 4096).
accepted iodepth 4k
refused iodepth 4097 "an integer 1-4096"
refused iodepth 0 "an integer 1-4096"
accepted iothreads 64
refused iothreads 65 "an integer 1-64"
# An integer range.
accepted poll-weight 63
refused poll-weight 64 "an integer 0-63 (0 = 3)"
# A word of a list.
accepted fdmon io_uring
refused fdmon kqueue "auto, io_uring, epoll, poll"
accepted rw randrw
refused rw sideways "randread, randwrite, read, write, randrw"
accepted uring-ring own
refused uring-ring shared "auto, context, own"
accepted ring-flags single+coop
refused ring-flags double \
	"auto, none, coop, single, single+coop, defer"
# Checked text.
accepted guest-think exp:5us --frontend virtio
refused guest-think soon \
	"a duration (5us; bare = us), fixed:D, uniform:A-B or exp:MEAN"
echo "option-limits: ok"
