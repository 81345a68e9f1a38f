/* session.c: a sweep's QEMU session (session.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "qemu/session.h"
#include "qemu/vm.h"

int qm_session_begin(char *dir, size_t size)
{
	char pid[16];

	if (size < 32)
		return -EINVAL;
	snprintf(dir, size, "/tmp/aiotune-qemu-session-XXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (setenv("AIOTUNE_QEMU_SESSION", dir, 1) ||
	    setenv("AIOTUNE_QEMU_OWNER", pid, 1))
		return -errno;
	return 0;
}

void qm_session_end(const char *dir)
{
	struct qm_vm vm;

	if (!dir || !dir[0])
		return;
	if (!qm_vm_load(dir, &vm))
		qm_vm_stop(&vm, 3000);
	rmdir(dir);
	unsetenv("AIOTUNE_QEMU_SESSION");
	unsetenv("AIOTUNE_QEMU_OWNER");
}
