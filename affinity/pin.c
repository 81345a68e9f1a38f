/*
 * pin.c: pin threads and record where they really run.
 *
 * A result must say where each thread was asked to run and where it ran:
 * the allowed set (sched_getaffinity) and the CPU and node it is on
 * (getcpu) after pinning. They differ when a cgroup or an administrator
 * narrowed the CPUs, when a CPU went offline, or when pinning failed; the
 * record says so rather than reporting the request as the outcome.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/aff-internal.h"

int aff_pin_tid(int tid, int cpu)
{
	struct aff_cpuset set;
	int ret;

	if (cpu < 0)
		return 0;
	aff_cpuset_zero(&set);
	ret = aff_cpuset_set(&set, cpu);
	if (ret)
		return ret;
	return aff__sched_setaffinity((pid_t)tid, &set);
}

int aff_pin_self(int cpu)
{
	/* For the calling thread the kernel migrates before returning. */
	return aff_pin_tid(0, cpu);
}

void aff_thread_rec_init(struct aff_thread_rec *rec,
			 const struct aff_plan *plan, enum aff_role role,
			 int index)
{
	const struct aff_slot *s = plan ? aff_plan_slot(plan, role, index) :
				   NULL;

	memset(rec, 0, sizeof(*rec));
	rec->role = role;
	rec->index = index;
	rec->cpu_requested = s ? s->cpu : -1;
	rec->node_requested = s ? s->node : -1;
	rec->tid = -1;
	rec->cpu_realized = -1;
	rec->node_realized = -1;
}

static void judge(struct aff_thread_rec *rec)
{
	struct aff_cpuset want;

	rec->differs = false;
	if (rec->cpu_requested >= 0) {
		aff_cpuset_zero(&want);
		aff_cpuset_set(&want, rec->cpu_requested);
		if (!aff_cpuset_equal(&want, &rec->allowed) ||
		    rec->cpu_realized != rec->cpu_requested)
			rec->differs = true;
	}
	if (rec->node_requested >= 0 &&
	    rec->node_realized != rec->node_requested)
		rec->differs = true;
}

int aff_thread_record(struct aff_thread_rec *rec)
{
	int ret;

	rec->tid = (int)aff__gettid();
	ret = aff__sched_getaffinity(0, &rec->allowed);
	if (!ret)
		ret = aff__getcpu(&rec->cpu_realized, &rec->node_realized);
	judge(rec);
	return ret;
}

/* Field 39 of /proc/self/task/TID/stat: the CPU it last ran on. */
static int last_cpu(int tid, int *cpu)
{
	char line[1024], *p;
	int ret, field = 3;

	ret = aff__read_line(line, sizeof(line), "/proc/self/task/%d/stat",
			     tid);
	if (ret)
		return ret;
	p = strrchr(line, ')'); /* the name may hold spaces and parens */
	if (!p)
		return -EINVAL;
	for (p = strtok(p + 1, " "); p; p = strtok(NULL, " "), field++) {
		if (field == 39) {
			*cpu = atoi(p);
			return 0;
		}
	}
	return -EINVAL;
}

int aff_thread_record_tid(struct aff_thread_rec *rec, int tid)
{
	int ret, node;

	rec->tid = tid;
	ret = aff__sched_getaffinity((pid_t)tid, &rec->allowed);
	if (!ret)
		ret = last_cpu(tid, &rec->cpu_realized);
	if (!ret) {
		node = aff__numa_node_of_cpu(rec->cpu_realized);
		/* A kernel without NUMA has one node, 0. */
		rec->node_realized = node == -ENOSYS ? 0 : node;
	}
	judge(rec);
	return ret;
}

int aff_pin_and_record(const struct aff_plan *plan, enum aff_role role,
		       int index, struct aff_thread_rec *rec)
{
	int ret, ret2;

	aff_thread_rec_init(rec, plan, role, index);
	ret = aff_pin_self(rec->cpu_requested);
	ret2 = aff_thread_record(rec);
	return ret ? ret : ret2;
}
