# lib.sh: shared by the fleet tests (sourced). Finds ansible-playbook
# (installing Debian's ansible-core when it is missing and this is root;
# skip, 77, only when that cannot be done), makes $tmp with a tiny job
# file (the simulated device, 2 runs of 20 ms), and writes inventories of
# hosts that use Ansible's local connection, each with its own working
# directory, the packages taken as present (aiotune_deps=false).
set -u
A=${AIOTUNE:?}
fail() { echo "FAIL: $*"; exit 1; }
unset AIOTUNE_RUN_CMD
# Hosts of the local connection inherit this environment: their builds
# are not part of the make that runs the tests (its jobserver, CI=true).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES CI WERROR SAN BUILD
if ! command -v ansible-playbook >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends ansible-core >/dev/null 2>&1
	fi
	command -v ansible-playbook >/dev/null 2>&1 ||
		{ echo "skip: ansible-playbook (ansible-core) cannot be installed"; exit 77; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Ansible's own files (its temporary directories, facts cache) stay here.
export ANSIBLE_LOCAL_TEMP="$tmp/ansible-local" ANSIBLE_REMOTE_TEMP="$tmp/ansible-remote"
cat >"$tmp/job.ini" <<'JOB'
[global]
name = tiny
engine = simnvme
target = sim:lat=fixed:20us
poll-policy = fixed
fdmon = poll
runtime = 20ms
ramp = 0ms
repetitions = 1
iodepth = 1
poll-max-ns = 0,8k
JOB

# inventory FILE HOST:INSTALL:WORKDIR...: one group, local connection.
inventory()
{
	out=$1
	shift
	echo "[fleet]" >"$out"
	for h in "$@"; do
		name=${h%%:*} rest=${h#*:}
		echo "$name aiotune_install=${rest%%:*} aiotune_workdir=${rest#*:}" >>"$out"
	done
	printf '[fleet:vars]\nansible_connection=local\naiotune_deps=false\n' >>"$out"
}

# jget FILE EXPR: a value of a JSON file (python3, EXPR on j).
jget()
{
	python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
