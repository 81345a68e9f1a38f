#!/bin/sh
# loop-peers.sh: the adapters of make bench-loop-peers really drive their
# loops, so a figure cannot silently measure nothing. For each loop built
# (every one configure found; aiotune always), `check` runs, with no
# timing: iterations with nothing posted run no callback; each same-thread
# post runs the callback exactly once, in the next iteration and not
# before; each wake from another thread runs it exactly once in the loop's
# thread, with the loop blocking (and then returning about once per wake,
# never spinning) and with it busy-polling. A loop configure found but
# whose program is missing fails. Bad arguments and a bad REPS are one line
# and exit 2.
set -u
build=${BUILD:-build}
dir="$build/bench"
fail() { echo "FAIL: $*"; exit 1; }
have() { grep -q "^$1 := 1\$" "$build/config.mk"; }

[ -f "$build/config.mk" ] || fail "no $build/config.mk"
for p in aiotune glib libuv libevent libev; do
	case $p in
	aiotune) want=1 ;;
	glib) have HAVE_GLIB && want=1 || want=0 ;;
	libuv) have HAVE_LIBUV && want=1 || want=0 ;;
	libevent) have HAVE_LIBEVENT && want=1 || want=0 ;;
	libev) have HAVE_LIBEV && want=1 || want=0 ;;
	esac
	bin="$dir/loop-peers-$p"
	if [ "$want" = 0 ]; then
		echo "skip: $p (library not found by configure)"
		continue
	fi
	[ -x "$bin" ] || fail "$bin missing although configure found $p"
	"$bin" check 300 || fail "$p: check failed (exit $?)"
	"$bin" calls >"$build/tmp-loop-peers-calls" ||
		fail "$p: calls failed"
	[ "$(grep -c "^peer=$p call=" "$build/tmp-loop-peers-calls")" -eq 5 ] ||
		fail "$p: calls: $(cat "$build/tmp-loop-peers-calls")"
	rm -f "$build/tmp-loop-peers-calls"
done

bin="$dir/loop-peers-aiotune"
"$bin" fastest >/dev/null 2>"$build/tmp-loop-peers-err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$build/tmp-loop-peers-err")" -eq 1 ] &&
	grep -q "unknown argument 'fastest'" "$build/tmp-loop-peers-err" ||
	fail "bad figure: exit $rc: $(cat "$build/tmp-loop-peers-err")"
"$bin" check 0 >/dev/null 2>"$build/tmp-loop-peers-err"
rc=$?
[ $rc -eq 2 ] && grep -q "invalid N '0'" "$build/tmp-loop-peers-err" ||
	fail "check 0: exit $rc: $(cat "$build/tmp-loop-peers-err")"
here=$(cd "$(dirname "$0")" && pwd)
REPS=two OUT="$build/tmp-loop-peers-out" sh "$here/../../bench/loop-peers.sh" \
	"$dir" >/dev/null 2>"$build/tmp-loop-peers-err"
rc=$?
[ $rc -eq 2 ] && grep -q "invalid REPS 'two'" "$build/tmp-loop-peers-err" ||
	fail "bench REPS=two: exit $rc: $(cat "$build/tmp-loop-peers-err")"
[ -e "$build/tmp-loop-peers-out" ] && fail "bench wrote after a bad REPS"
rm -f "$build/tmp-loop-peers-err"
echo "loop-peers: ok"
