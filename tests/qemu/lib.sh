# lib.sh: shared by qemu-bad-input.sh and qemu-faults.sh (sourced after
# they set $name): $A, $tmp with a 64 MiB file $tmp/disk as the target
# (every QEMU whose command line names it is killed on exit), fail,
# expect STATUS PATTERN CMD... (exit status and a one-line message) and
# none_left (no QEMU of this test still running).
set -u
A=${AIOTUNE:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
trap 'for p in $(pgrep -f "$tmp/disk"); do kill -KILL "$p"; done 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
truncate -s 64M "$tmp/disk" || fail "cannot make a file"

# expect STATUS PATTERN CMD...: exit status and a one-line message.
expect() {
	want=$1 pat=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq "$want" ] || fail "$*: exit $rc, want $want: $(cat "$tmp/err")"
	[ "$(grep -vc '^aiotune: warning' "$tmp/err")" -eq 1 ] ||
		fail "$*: not one line: $(cat "$tmp/err")"
	grep -q "$pat" "$tmp/err" || fail "$*: '$(cat "$tmp/err")' lacks '$pat'"
}
# No QEMU of this test may be running.
none_left() {
	if pgrep -f "$tmp/disk" >/dev/null; then
		ps -o pid,args -p "$(pgrep -d, -f "$tmp/disk")"
		fail "a QEMU process was left running ($1)"
	fi
}

