#!/bin/sh
# fio-run.sh: aiotune fio-run with a stand-in fio ($AIOTUNE_FIO) and, where
# installed, the real one:
# - no temporary file is left behind when fio fails, or when aiotune is
#   stopped by a signal while fio runs (the files go to $TMPDIR);
# - a target whose name holds ':' reaches fio escaped (fio splits
#   --filename at ':'), and the real fio measures that file;
# - a block device that is written stays claimed for all of fio's run: a
#   loop device cannot be mounted while fio runs, and fio itself still
#   opens it (root, losetup and mkfs.ext4 needed; skipped otherwise).
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
tmp=$(mktemp -d "${BUILD:-/tmp}/fio-run.XXXXXX")
tmp=$(cd "$tmp" && pwd)
dev=
cleanup() {
	[ -z "$dev" ] || { umount "$tmp/mnt" 2>/dev/null; losetup -d "$dev"; }
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() { echo "FAIL: $*"; exit 1; }

# The stand-in: records its arguments and the --output path, then does
# what $FAKE_MODE says.
fake=$tmp/fake-fio
cat >"$fake" <<EOS
#!/bin/sh
out=
for a in "\$@"; do
	echo "\$a" >>"$tmp/args"
	case \$a in --output=*) out=\${a#--output=} ;; esac
done
echo "\$out" >"$tmp/outpath"
case \$FAKE_MODE in
fail) echo "fake fio: cannot open the file" >&2; exit 1 ;;
sleep) : >"$tmp/started"; sleep 60; exit 0 ;;
mount)
	if mount "\$FAKE_DEV" "$tmp/mnt" 2>/dev/null; then
		echo mounted >"$tmp/claim"; umount "$tmp/mnt"
	else
		echo refused >"$tmp/claim"
	fi
	dd if="\$FAKE_DEV" of=/dev/null bs=4k count=1 2>/dev/null &&
		echo read >>"$tmp/claim"
	cp "$here/samples/read.json" "\$out" ;;
*) cp "$here/samples/read.json" "\$out" ;;
esac
EOS
chmod +x "$fake"
mkdir "$tmp/t" "$tmp/mnt"
f=$tmp/data.bin
dd if=/dev/zero of="$f" bs=1M count=4 status=none || fail "dd"
run() {
	rm -f "$tmp/args" "$tmp/outpath"
	AIOTUNE_FIO=$fake TMPDIR=$tmp/t "$A" fio-run --engine linux-aio \
		--runtime 100ms --ramp 0 "$@"
}
no_temp_files() {
	[ -s "$tmp/outpath" ] || fail "$1: the stand-in fio did not run"
	[ ! -e "$(cat "$tmp/outpath")" ] ||
		fail "$1: fio's output $(cat "$tmp/outpath") left behind"
	[ -z "$(ls "$tmp/t")" ] || fail "$1: left in \$TMPDIR: $(ls "$tmp/t")"
}

# fio succeeds: a result, nothing left.
FAKE_MODE=ok run --target "$f" >"$tmp/out" || fail "fio-run exit $?"
grep -q "IOPS" "$tmp/out" || fail "no result: $(cat "$tmp/out")"
no_temp_files "a run"
case $(cat "$tmp/outpath") in "$tmp/t/aiotune-fio-"*) ;;
*) fail "fio's output is not in \$TMPDIR: $(cat "$tmp/outpath")" ;; esac

# fio fails: exit 1 with its message, nothing left.
err=$(FAKE_MODE=fail run --target "$f" 2>&1 >/dev/null)
rc=$?
[ $rc -eq 1 ] || fail "failing fio: exit $rc"
case $err in *"cannot open the file"*) ;; *) fail "message: $err" ;; esac
no_temp_files "a failed fio"

# Stopped by a signal while fio runs: 128 + signal, nothing left.
for sn in TERM:15 INT:2 HUP:1; do
	sig=${sn%:*} num=${sn#*:}
	rm -f "$tmp/started"
	rm -f "$tmp/args" "$tmp/outpath"
	FAKE_MODE=sleep AIOTUNE_FIO=$fake TMPDIR=$tmp/t "$A" fio-run \
		--engine linux-aio --runtime 100ms --ramp 0 --target "$f" \
		>/dev/null 2>"$tmp/sig.err" &
	pid=$!
	i=0
	while [ ! -e "$tmp/started" ] && [ $i -lt 200 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -e "$tmp/started" ] || fail "the stand-in fio never started"
	kill -s $sig $pid
	wait $pid
	rc=$?
	[ $rc -eq $((128 + num)) ] ||
		fail "SIG$sig: exit $rc: $(cat "$tmp/sig.err")"
	no_temp_files "SIG$sig"
done

# A ':' in the target's name is escaped for fio.
g="$tmp/a:b"
cp "$f" "$g"
FAKE_MODE=ok run --target "$g" >/dev/null || fail "colon target exit $?"
grep -qxF -- "--filename=$tmp/a\\:b" "$tmp/args" ||
	fail "fio got: $(grep -- --filename "$tmp/args")"

# The real fio reads that file (unescaped, it would look for "$tmp/a").
if command -v fio >/dev/null 2>&1; then
	TMPDIR=$tmp/t "$A" fio-run --engine linux-aio --target "$g" \
		--runtime 200ms --ramp 0 >"$tmp/out" 2>&1 ||
		fail "real fio on $g: $(cat "$tmp/out")"
	grep -q IOPS "$tmp/out" || fail "real fio: $(cat "$tmp/out")"
fi

# A written block device stays claimed while fio runs.
if [ "$(id -u)" -ne 0 ] || ! command -v losetup >/dev/null 2>&1 ||
	! command -v mkfs.ext4 >/dev/null 2>&1; then
	echo "SKIP (claim part): needs root, losetup and mkfs.ext4"
	exit 0
fi
truncate -s 64M "$tmp/disk.img"
dev=$(losetup -f --show "$tmp/disk.img" 2>/dev/null) || {
	dev=; echo "SKIP (claim part): no loop device"; exit 0; }
mkfs.ext4 -q "$dev" || fail "mkfs.ext4 $dev"
if ! mount "$dev" "$tmp/mnt" 2>/dev/null; then
	echo "SKIP (claim part): cannot mount here"
	exit 0
fi
umount "$tmp/mnt"
FAKE_MODE=mount FAKE_DEV=$dev run --target "$dev" --rw randwrite \
	--allow-write >/dev/null 2>"$tmp/err" ||
	fail "fio-run on $dev: exit $? $(cat "$tmp/err")"
grep -qx refused "$tmp/claim" ||
	fail "$dev could be mounted while fio ran: $(cat "$tmp/claim")"
grep -qx read "$tmp/claim" || fail "fio could not open $dev"
# The real fio writes the claimed device.
if command -v fio >/dev/null 2>&1; then
	TMPDIR=$tmp/t "$A" fio-run --engine linux-aio --target "$dev" \
		--rw randwrite --allow-write --runtime 200ms --ramp 0 \
		>"$tmp/out" 2>&1 || fail "real fio on $dev: $(cat "$tmp/out")"
	grep -q IOPS "$tmp/out" || fail "real fio on $dev: $(cat "$tmp/out")"
fi
exit 0
