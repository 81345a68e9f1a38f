/* test-placement-parse.c: placement strings, good and bad. */
#include <errno.h>

#include "affinity/affinity.h"
#include "tests/lib/test.h"

static void good_name(const char *s, enum aff_placement_kind k)
{
	struct aff_placement p;
	char err[512];

	ASSERT_EQ(aff_placement_parse(s, &p, err, sizeof(err)), 0);
	ASSERT_EQ(p.kind, k);
	ASSERT_STREQ(aff_placement_name(k), s);
}

/* A bad string fails with one line that names it and a hint. */
static void bad(const char *s, const char *must_contain)
{
	struct aff_placement p;
	char err[512] = "";

	if (aff_placement_parse(s, &p, err, sizeof(err)) != -EINVAL)
		t_fail("'%s' was accepted", s ? s : "(null)");
	if (!strstr(err, must_contain))
		t_fail("error for '%s' lacks '%s': %s", s ? s : "(null)",
		       must_contain, err);
	ASSERT_NULL(strchr(err, '\n'));
	if (s && *s && strlen(s) < 40 && !strstr(err, s))
		t_fail("error does not name the value '%s': %s", s, err);
}

int main(void)
{
	struct aff_placement p;
	char err[512], longspec[400];

	good_name("none", AFF_PL_NONE);
	good_name("compact", AFF_PL_COMPACT);
	good_name("spread", AFF_PL_SPREAD);
	good_name("same-core", AFF_PL_SAME_CORE);
	good_name("smt-sibling", AFF_PL_SMT_SIBLING);
	good_name("same-l3", AFF_PL_SAME_L3);
	good_name("device-local", AFF_PL_DEVICE_LOCAL);
	good_name("remote-node", AFF_PL_REMOTE_NODE);
	good_name("irq-cpu", AFF_PL_IRQ_CPU);

	ASSERT_EQ(aff_placement_parse("iothread=0,2;guest=1,3", &p, err,
				      sizeof(err)), 0);
	ASSERT_EQ(p.kind, AFF_PL_EXPLICIT);
	ASSERT_EQ(p.nlist[AFF_ROLE_IOTHREAD], 2);
	ASSERT_EQ(p.list[AFF_ROLE_IOTHREAD][0], 0);
	ASSERT_EQ(p.list[AFF_ROLE_IOTHREAD][1], 2);
	ASSERT_EQ(p.nlist[AFF_ROLE_GUEST], 2);
	ASSERT_EQ(p.list[AFF_ROLE_GUEST][1], 3);
	ASSERT_EQ(p.nlist[AFF_ROLE_DEVICE], 0);
	ASSERT_STREQ(p.spec, "iothread=0,2;guest=1,3");

	/* Order is kept; ranges expand ascending. */
	ASSERT_EQ(aff_placement_parse("device=7;iothread=5,1-3", &p, err,
				      sizeof(err)), 0);
	ASSERT_EQ(p.nlist[AFF_ROLE_IOTHREAD], 4);
	ASSERT_EQ(p.list[AFF_ROLE_IOTHREAD][0], 5);
	ASSERT_EQ(p.list[AFF_ROLE_IOTHREAD][1], 1);
	ASSERT_EQ(p.list[AFF_ROLE_IOTHREAD][3], 3);
	ASSERT_EQ(p.list[AFF_ROLE_DEVICE][0], 7);

	bad(NULL, "allowed");
	bad("", "allowed none, compact");
	bad("Compact", "allowed none, compact, spread");
	bad("smt", "smt-sibling");
	bad("explicit", "iothread=0,2");
	bad("iothread=", "bad CPU list");
	bad("iothread=a", "bad CPU list");
	bad("iothread=0,", "bad CPU list");
	bad("iothread=3-1", "bad CPU list");
	bad("iothread=1024", "below 1024");
	bad("iothread=0-99", "at most 64");
	bad("iothread=0;", "trailing");
	bad("iothread=0;iothread=1", "given twice");
	bad("vcpu=0", "unknown role 'vcpu'");
	bad("iothread=0;guest", "is not role=CPUs");
	memset(longspec, 'x', sizeof(longspec) - 1);
	longspec[sizeof(longspec) - 1] = '\0';
	bad(longspec, "too long");
	return 0;
}
