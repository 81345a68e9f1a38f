#!/bin/sh
# topo.sh: `aiotune topo` on this host and on the shipped XML topologies;
# bad input is one line and exit status 2.
set -u
dir=$(dirname "$0")
out=$(mktemp) err=$(mktemp) file=$(mktemp)
trap 'rm -f "$out" "$err" "$file"' EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"; exit 1; }

# run WANT_RC ARGS...: run aiotune, require the exit status.
run() {
	want=$1; shift
	"$AIOTUNE" "$@" >"$out" 2>"$err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "aiotune $* exited $rc, want $want"
}
has() { grep -qF -- "$1" "$out" || fail "stdout lacks '$1'"; }
err_has() { grep -qF -- "$1" "$err" || fail "stderr lacks '$1'"; }
one_line() { [ "$(wc -l <"$err")" -eq 1 ] || fail "stderr is not one line"; }

# This host.
run 0 topo
has "topology (this host)"
has "placements for 1 IOThread(s), 1 guest(s)"
has "none           not pinned"
run 0 topo --format json
has '"format_version": 1'
has '"this_host": true'
head -c 1048576 /dev/zero >"$file"
run 0 topo --target "$file"
has "target $file"
has "can: O_DIRECT"
has "IOPOLL"
run 0 topo --target "$file" --format=json
has '"kind": "file"'
has '"o_direct": {'
run 0 topo --target sim:lat=fixed:15us
has "no host device"
has "device-local   skipped: the target has no host device"

# A 2-socket SMT host.
run 0 topo --xml "$dir/2s-smt.xml" --format json
has '"numa_node_count": 2'
has '"smt": true'
has '"cpu_list": "0-15"'
run 0 topo --xml "$dir/2s-smt.xml" --placement smt-sibling
has "smt-sibling    iothread0=8(n0) guest0=0(n0)"
run 0 topo --xml "$dir/2s-smt.xml" --placement 'iothread=3,5;guest=11' \
	--iothreads 2 --guests 1
has "iothread0=3(n0) iothread1=5(n1) guest0=11(n0)"

# One node, no SMT: skipped with the reason, nothing else run instead.
run 0 topo --xml "$dir/1node.xml"
has "remote-node    skipped: this host has one NUMA node"
has "smt-sibling    skipped: this host has no SMT"
run 0 topo --xml "$dir/1node.xml" --placement remote-node --format json
has '"status": "skipped"'

# NVMe on node 1.
run 0 topo --xml "$dir/nvme-node1.xml" --target nvme0n1
has "NUMA node: 1 (from hwloc), local CPUs 4-7"
has "device-local   iothread0=4(n1) guest0=5(n1)"
has "remote-node    iothread0=0(n0) guest0=4(n1)"

# Bad input.
run 2 topo --placement bogus
one_line; err_has "'bogus'"; err_has "allowed none, compact, spread"
run 2 topo --placement 'iothread=x'
one_line; err_has "bad CPU list 'x' for iothread"
run 2 topo --placement 'vcpu=1'
one_line; err_has "unknown role 'vcpu'"
run 2 topo --format yaml
one_line; err_has "invalid value 'yaml' for --format"
run 2 topo --iothreads -1
one_line; err_has "--iothreads"
run 2 topo --frobnicate 1
one_line; err_has "unknown option '--frobnicate'"
run 2 topo --target /no/such/file
one_line; err_has "/no/such/file"; err_has "allowed a regular file"
run 2 topo --xml "$dir/nvme-node1.xml" --target sdz
one_line; err_has "sdz"
# A bad --xml file is bad input: exit 2, one line naming it.
run 2 topo --xml /no/such.xml
one_line; err_has "/no/such.xml: No such file or directory"
run 2 topo --xml "$dir/../../Makefile"
one_line; err_has "Makefile: not an hwloc XML topology"
run 2 topo --xml /dev/zero
one_line; err_has "/dev/zero: not a regular file"
echo "topo.sh: ok"
