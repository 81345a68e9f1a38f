/*
 * test-registry.c: the registry helper (util/registry.h) finds entries by
 * name, lists the names once in registry order (the extra one first), and
 * its check rejects an entry without a required hook, a repeated name, an
 * entry without a name or with the reserved one, and names too long to
 * list; a registry that fails the check stops the program at its first
 * use. The real registries (engines, front ends, polling policies, fd
 * monitors) pass the check and list their names in their own order, and
 * the loop's message for a bad AIOTUNE_FDMON lists the fd monitor
 * registry.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop/aio-internal.h"
#include "polling/policy.h"
#include "tests/lib/test.h"
#include "util/registry.h"
#include "util/util.h"
#include "workloads/engine.h"
#include "workloads/frontend.h"

struct fake_ops {
	const char *name;
	void (*start)(void);
	void (*stop)(void);
};

static void fake_hook(void)
{
}

static const struct fake_ops alpha = { "alpha", fake_hook, fake_hook };
static const struct fake_ops beta = { "beta", fake_hook, fake_hook };
static const struct fake_ops gamma_ = { "gamma", fake_hook, fake_hook };
static const struct fake_ops no_stop = { "nostop", fake_hook, NULL };
static const struct fake_ops alpha2 = { "alpha", fake_hook, fake_hook };
static const struct fake_ops unnamed = { NULL, fake_hook, fake_hook };
static const struct fake_ops empty = { "", fake_hook, fake_hook };
static const struct fake_ops reserved = { "auto", fake_hook, fake_hook };

/* The registry under test: set before each use. */
static const struct fake_ops *const *fakes;

static const char *fake_name(size_t i)
{
	return fakes[i]->name;
}

static const char *fake_lacks(size_t i)
{
	if (!fakes[i]->start)
		return "start";
	if (!fakes[i]->stop)
		return "stop";
	return NULL;
}

/* Check the n entries of list; the message lands in err. */
static int check(const struct fake_ops *const *list, size_t n,
		 const char *extra, char *err, size_t errlen)
{
	struct util_registry r =
		UTIL_REGISTRY_INIT("fake", n, fake_name, fake_lacks, extra);

	fakes = list;
	err[0] = '\0';
	return util_registry_check(&r, err, errlen);
}

static void test_good(void)
{
	static const struct fake_ops *const list[] = { &alpha, &beta,
						       &gamma_ };
	struct util_registry r = UTIL_REGISTRY_INIT("fake", ARRAY_SIZE(list),
						    fake_name, fake_lacks,
						    NULL);
	struct util_registry x = UTIL_REGISTRY_INIT("fake", ARRAY_SIZE(list),
						    fake_name, fake_lacks,
						    "auto");
	char err[256];

	ASSERT_EQ(check(list, ARRAY_SIZE(list), NULL, err, sizeof(err)), 0);
	fakes = list;
	ASSERT_STREQ(util_registry_names(&r), "alpha, beta, gamma");
	/* Built once: the same string every time. */
	ASSERT_TRUE(util_registry_names(&r) == util_registry_names(&r));
	ASSERT_EQ(util_registry_find(&r, "alpha"), 0);
	ASSERT_EQ(util_registry_find(&r, "gamma"), 2);
	ASSERT_EQ(util_registry_find(&r, "delta"), -1);
	ASSERT_EQ(util_registry_find(&r, "alph"), -1);
	ASSERT_EQ(util_registry_find(&r, NULL), -1);
	ASSERT_FALSE(util_registry_valid(&r, "auto"));

	/* The extra value is listed first, valid, but no entry. */
	ASSERT_STREQ(util_registry_names(&x), "auto, alpha, beta, gamma");
	ASSERT_EQ(util_registry_find(&x, "auto"), -1);
	ASSERT_TRUE(util_registry_valid(&x, "auto"));
	ASSERT_TRUE(util_registry_valid(&x, "beta"));
	ASSERT_FALSE(util_registry_valid(&x, "delta"));
	ASSERT_FALSE(util_registry_valid(&x, NULL));
}

static void test_bad(void)
{
	static const struct fake_ops *const hook[] = { &alpha, &no_stop };
	static const struct fake_ops *const dup[] = { &alpha, &beta, &alpha2 };
	static const struct fake_ops *const noname[] = { &alpha, &unnamed };
	static const struct fake_ops *const blank[] = { &empty };
	static const struct fake_ops *const taken[] = { &beta, &reserved };
	char err[256];

	ASSERT_EQ(check(hook, 2, NULL, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "fake registry: entry 1 (nostop) lacks stop");
	ASSERT_EQ(check(dup, 3, NULL, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "fake registry: entry 2 (alpha) repeats the name "
		     "of entry 0");
	ASSERT_EQ(check(noname, 2, NULL, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "fake registry: entry 1 (unnamed) has no name");
	ASSERT_EQ(check(blank, 1, NULL, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "fake registry: entry 0 (unnamed) has no name");
	ASSERT_EQ(check(taken, 2, NULL, err, sizeof(err)), 0);
	ASSERT_EQ(check(taken, 2, "auto", err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "fake registry: entry 1 (auto) uses the reserved "
		     "name");
	/* A short message buffer truncates, never overflows. */
	ASSERT_EQ(check(hook, 2, NULL, err, 8), -EINVAL);
	ASSERT_STREQ(err, "fake re");
}

static void test_too_long(void)
{
	static char names[40][16];
	static struct fake_ops many[40];
	static const struct fake_ops *list[40];
	char err[256];

	/* 40 names of 9 characters and their ", " take 438 bytes. */
	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "backend%02d", i);
		many[i] = (struct fake_ops){ names[i], fake_hook, fake_hook };
		list[i] = &many[i];
	}
	ASSERT_EQ(check(list, 20, NULL, err, sizeof(err)), 0);
	ASSERT_EQ(check(list, 40, NULL, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "fake registry: the names do not fit 256 bytes");
}

static int capture_stderr(void (*fn)(void), char *msg, size_t size);

/* The first use of a registry that fails its check stops the program. */
static struct util_registry bad_registry =
	UTIL_REGISTRY_INIT("fake", 2, fake_name, fake_lacks, NULL);

static void ready_child(void)
{
	static const struct fake_ops *const dup[] = { &alpha, &alpha2 };

	fakes = dup;
	util_registry_find(&bad_registry, "alpha");
}

static void test_ready_aborts(void)
{
	char msg[256];
	int status = capture_stderr(ready_child, msg, sizeof(msg));

	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGABRT);
	ASSERT_STREQ(msg, "aiotune: internal error: fake registry: entry 1 "
		     "(alpha) repeats the name of entry 0\n");
}

/* names == the entries' names joined in order, extra first. */
static void expect_names(struct util_registry *r, const char *names,
			 const char *extra, const char *const *list, size_t n)
{
	char want[UTIL_REGISTRY_NAMES_MAX] = "", err[256];

	ASSERT_EQ(util_registry_check(r, err, sizeof(err)), 0);
	if (extra)
		snprintf(want, sizeof(want), "%s", extra);
	for (size_t i = 0; i < n; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "%s%s", *want ? ", " : "", list[i]);
	ASSERT_STREQ(names, want);
	ASSERT_STREQ(util_registry_names(r), want);
}

static void test_real(void)
{
	const char *list[32];
	size_t n;

	n = 0;
	for (const struct wl_engine_ops *const *e = wl_engine_all(); *e; e++)
		list[n++] = (*e)->name;
	ASSERT_GE(n, 4);
	expect_names(wl_engine_registry(), wl_engine_names(), NULL, list, n);
	ASSERT_TRUE(wl_engine_find("simnvme") == wl_engine_all()[0]);

	n = 0;
	for (const struct wl_frontend_ops *const *f = wl_frontend_all(); *f;
	     f++)
		list[n++] = (*f)->name;
	ASSERT_GE(n, 2);
	expect_names(wl_frontend_registry(), wl_frontend_names(), NULL, list,
		     n);

	n = 0;
	for (const struct poll_policy_ops *const *p = poll_policy_all(); *p;
	     p++)
		list[n++] = (*p)->name;
	ASSERT_GE(n, 5);
	expect_names(poll_policy_registry(), poll_policy_names(), NULL, list,
		     n);

	n = 0;
	for (const FDMonOps *const *f = fdmon_backends; *f; f++)
		list[n++] = (*f)->name;
	ASSERT_EQ(n, 3);
	expect_names(fdmon_registry(), aio_fdmon_names(), "auto", list, n);
	ASSERT_TRUE(aio_fdmon_name_valid("auto"));
	ASSERT_TRUE(aio_fdmon_name_valid("epoll"));
	ASSERT_FALSE(aio_fdmon_name_valid("kqueue"));
}

/* Run fn in a child with stderr captured into msg; its exit status. */
static int capture_stderr(void (*fn)(void), char *msg, size_t size)
{
	int fds[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(pipe(fds), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		signal(SIGABRT, SIG_DFL);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while (len < size - 1 &&
	       (n = read(fds[0], msg + len, size - 1 - len)) > 0)
		len += (size_t)n;
	msg[len] = '\0';
	close(fds[0]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	return status;
}

static void fdmon_env_child(void)
{
	AioContext *ctx;

	setenv("AIOTUNE_FDMON", "kqueue", 1);
	ctx = aio_context_new();
	if (!ctx)
		_exit(3);
	aio_context_unref(ctx);
}

/* The loop's own message for a bad AIOTUNE_FDMON lists the registry. */
static void test_fdmon_env(void)
{
	char msg[256];
	int status = capture_stderr(fdmon_env_child, msg, sizeof(msg));

	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	ASSERT_STREQ(msg, "aiotune: ignoring AIOTUNE_FDMON=kqueue: allowed "
		     "auto, io_uring, epoll, poll\n");
}

int main(void)
{
	test_good();
	test_bad();
	test_too_long();
	test_ready_aborts();
	test_real();
	test_fdmon_env();
	return T_EXIT_PASS;
}
