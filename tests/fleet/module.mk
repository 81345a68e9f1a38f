# tests/fleet/: `aiotune fleet` through the real ansible-playbook on hosts
# of Ansible's local connection: failure, resume (fleet-local.sh), a host
# building the source tarball (fleet-source.sh), --dry-run and the refused
# command lines (fleet-args.sh), fleet.json as hosts end and SIGINT
# (fleet-interrupt.sh).
SH_TESTS += tests/fleet/fleet-local.sh tests/fleet/fleet-source.sh \
	tests/fleet/fleet-args.sh tests/fleet/fleet-interrupt.sh
