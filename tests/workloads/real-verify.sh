#!/bin/sh
# real-verify.sh: data integrity through `aiotune run --verify` for every
# real engine (io_uring on both rings: --uring-ring context and own), on
# small files under the build dir, with the virtio front
# end (guest-written pattern, checked in the IOThread; add "direct" to the
# front-end list once it checks --verify too):
# - a missing file is created and filled with the pattern of its seed, and
#   a verified read of it has no errors;
# - a sequential write run with another seed (--allow-write: the file
#   exists now) replaces it: a verified read with the new seed has no
#   errors, and one with the old seed finds every read wrong.
set -u
: "${AIOTUNE:?AIOTUNE must name the aiotune binary}"
dir="${BUILD:-build}/tmp/real-verify"
mkdir -p "$dir"
fail=0

# errors_of ARGS...: run, print "IOS ERRORS RING" from the CSV row (RING:
# the io_uring ring used, "-" for other engines).
errors_of() {
	"$AIOTUNE" run --runtime 150ms --ramp 0 --format csv "$@" \
		2>"$dir/err" | awk -F, '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ r = $col["uring_ring"]; if (r == "") r = "-"
		  print $col["ios"], $col["errors"], r }'
}

check() {
	# check WHAT WANT(zero|all) IOS ERRORS RING ($ring: the one wanted)
	what=$1 want=$2 ios=${3:-0} errs=${4:-0} used=${5:-}
	if [ "$used" != "$ring" ]; then
		echo "FAIL: $what: ran on ring '$used', not '$ring'"; fail=1
	elif [ "$ios" -lt 20 ]; then
		echo "FAIL: $what: only $ios requests"; cat "$dir/err"; fail=1
	elif [ "$want" = zero ] && [ "$errs" -ne 0 ]; then
		echo "FAIL: $what: $errs of $ios reads wrong"; fail=1
	elif [ "$want" = all ] && [ "$errs" -ne "$ios" ]; then
		echo "FAIL: $what: only $errs of $ios reads wrong"; fail=1
	else
		echo "ok: $what: $ios requests, $errs errors"
	fi
}

for fe in ${VERIFY_FRONTENDS:-virtio}; do
	for e in io_uring/context io_uring/own linux-aio threads; do
		f="$dir/$(echo "$e" | tr / -)-$fe.dat"
		rm -f "$f"
		common="--engine ${e%/*} --frontend $fe --target $f --size 512k"
		ring=-
		case "$e" in
		*/*) common="$common --uring-ring ${e#*/}" ring=${e#*/} ;;
		esac
		common="$common --verify"
		check "$e/$fe fresh file" zero $(errors_of $common --seed 7 \
			--rw randread --iodepth 4)
		check "$e/$fe write" zero $(errors_of $common --seed 9 \
			--rw write --iodepth 4 --allow-write)
		check "$e/$fe read back" zero $(errors_of $common --seed 9 \
			--rw randread --iodepth 8)
		check "$e/$fe old pattern gone" all $(errors_of $common \
			--seed 7 --rw randread)
		rm -f "$f"
	done
done
[ $fail -eq 0 ] || exit 1
exit 0
