# fleet/: `aiotune fleet`: one sweep job on every host of an Ansible
# inventory through ansible-playbook (fleet/playbook.yml, which
# fleet/source-tarball.sh feeds), the fleet's record (fleet.json), resume.
APP_SRCS += fleet/session.c fleet/inventory.c fleet/record.c fleet/run.c \
	fleet/print.c
INSTALL_DATA += fleet/playbook.yml fleet/source-tarball.sh
