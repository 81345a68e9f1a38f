/*
 * test-pin.c: real pinning on this machine. Each usable CPU in turn, a
 * CPU that is not usable, a plan resolved on this host with one thread per
 * role (each pins itself and records), and the record of another thread
 * by TID. The realized CPU must be the requested one, and a mismatch must
 * be reported as such.
 */
#include <errno.h>
#include <pthread.h>

#include "affinity/affinity.h"
#include "tests/lib/test.h"

static struct aff_topo *topo;
static struct aff_plan plan;
static pthread_barrier_t pinned, recorded;

struct worker {
	enum aff_role role;
	int ret;
	struct aff_thread_rec rec, again;
	pthread_t th;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	volatile uint64_t spin = 0;

	w->ret = aff_pin_and_record(&plan, w->role, 0, &w->rec);
	/* Work a little: the thread must stay where it was put. */
	for (int i = 0; i < 2000000; i++)
		spin += (uint64_t)i;
	w->again = w->rec;
	w->again.node_requested = w->rec.node_requested;
	aff_thread_record(&w->again);
	pthread_barrier_wait(&pinned);
	/* Stay alive (blocked) while main records us by TID. */
	pthread_barrier_wait(&recorded);
	return NULL;
}

static void each_cpu(void)
{
	for (int i = 0; i < aff_topo_npus(topo); i++) {
		const struct aff_pu *pu = aff_topo_pu(topo, i);
		struct aff_thread_rec rec;
		struct aff_plan one;

		ASSERT_EQ(aff_pin_self(pu->cpu), 0);
		memset(&one, 0, sizeof(one));
		one.nslots = 1;
		one.slots[0] = (struct aff_slot){ AFF_ROLE_IOTHREAD, 0, pu->cpu,
						  pu->node };
		aff_thread_rec_init(&rec, &one, AFF_ROLE_IOTHREAD, 0);
		ASSERT_EQ(rec.cpu_requested, pu->cpu);
		ASSERT_EQ(aff_thread_record(&rec), 0);
		ASSERT_EQ(rec.cpu_realized, pu->cpu);
		ASSERT_EQ(aff_cpuset_count(&rec.allowed), 1);
		ASSERT_TRUE(aff_cpuset_isset(&rec.allowed, pu->cpu));
		if (pu->node >= 0)
			ASSERT_EQ(rec.node_realized, pu->node);
		ASSERT_FALSE(rec.differs);
		ASSERT_GT(rec.tid, 0);

		/* Claim we asked for another CPU: the record must differ. */
		if (aff_topo_npus(topo) > 1) {
			rec.cpu_requested =
				aff_topo_pu(topo, (i + 1) %
					    aff_topo_npus(topo))->cpu;
			ASSERT_EQ(aff_thread_record(&rec), 0);
			ASSERT_TRUE(rec.differs);
		}
	}
}

static void unusable_cpu(void)
{
	const struct aff_cpuset *all = aff_topo_cpus(topo);
	struct aff_thread_rec rec;
	int bad = 0;

	while (aff_cpuset_isset(all, bad))
		bad++;
	ASSERT_EQ(aff_pin_self(bad), -EINVAL);
	ASSERT_EQ(aff_pin_self(AFF_MAX_CPUS), -EINVAL);
	/* -1 leaves the thread where it is. */
	ASSERT_EQ(aff_pin_self(aff_topo_pu(topo, 0)->cpu), 0);
	ASSERT_EQ(aff_pin_self(-1), 0);
	aff_thread_rec_init(&rec, NULL, AFF_ROLE_GUEST, 3);
	ASSERT_EQ(aff_thread_record(&rec), 0);
	ASSERT_EQ(rec.cpu_requested, -1);
	ASSERT_EQ(rec.cpu_realized, aff_topo_pu(topo, 0)->cpu);
	ASSERT_FALSE(rec.differs);
}

static void plan_threads(void)
{
	struct aff_roles r = { { 1, 1, 0 } };
	struct aff_placement p;
	struct worker w[2] = { { .role = AFF_ROLE_IOTHREAD },
			       { .role = AFF_ROLE_GUEST } };
	char err[256];
	int ret;

	ASSERT_EQ(aff_placement_parse(aff_topo_npus(topo) > 1 ? "spread" :
				      "same-core", &p, err, sizeof(err)), 0);
	ret = aff_placement_resolve(topo, &p, &r, NULL, &plan, err,
				    sizeof(err));
	if (ret)
		t_fail("resolve on this host: %s", err);
	pthread_barrier_init(&pinned, NULL, 3);
	pthread_barrier_init(&recorded, NULL, 3);
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(pthread_create(&w[i].th, NULL, worker_main, &w[i]),
			  0);
	pthread_barrier_wait(&pinned);
	for (int i = 0; i < 2; i++) {
		struct aff_thread_rec byid;
		int want = aff_plan_cpu(&plan, w[i].role, 0);

		ASSERT_EQ(w[i].ret, 0);
		ASSERT_EQ(w[i].rec.cpu_requested, want);
		ASSERT_EQ(w[i].rec.cpu_realized, want);
		ASSERT_FALSE(w[i].rec.differs);
		ASSERT_EQ(w[i].again.cpu_realized, want);
		ASSERT_FALSE(w[i].again.differs);
		/* From outside, by TID: /proc says where it last ran. */
		aff_thread_rec_init(&byid, &plan, w[i].role, 0);
		ASSERT_EQ(aff_thread_record_tid(&byid, w[i].rec.tid), 0);
		ASSERT_EQ(byid.cpu_realized, want);
		ASSERT_FALSE(byid.differs);
		ASSERT_EQ(aff_pin_tid(w[i].rec.tid, -1), 0);
	}
	if (aff_topo_npus(topo) > 1)
		ASSERT_NE(w[0].rec.cpu_realized, w[1].rec.cpu_realized);
	pthread_barrier_wait(&recorded);
	for (int i = 0; i < 2; i++)
		pthread_join(w[i].th, NULL);
	pthread_barrier_destroy(&pinned);
	pthread_barrier_destroy(&recorded);
}

int main(void)
{
	struct aff_thread_rec orig;
	int ret = aff_topo_load(&topo, NULL);

	if (ret)
		t_fail("aff_topo_load(this host): %d", ret);
	ASSERT_TRUE(aff_topo_is_this_host(topo));
	aff_thread_rec_init(&orig, NULL, AFF_ROLE_IOTHREAD, 0);
	ASSERT_EQ(aff_thread_record(&orig), 0);
	if (aff_pin_self(aff_topo_pu(topo, 0)->cpu) == -EPERM)
		t_skip("sched_setaffinity not permitted here");
	each_cpu();
	unusable_cpu();
	plan_threads();
	aff_topo_free(topo);
	return 0;
}
