// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu-drm-test uidlimit: the contexts one user may hold
 * (Documentation/guest-driver.rst, "Contexts per user").
 */
#include "drm_test.h"

#include <sched.h>

/*
 * --- uidlimit: the contexts one user may hold -------------------------------
 *
 * A holder is a child process that drops to a uid and opens the render
 * node, closes, runs exact work, on commands from a pipe; each answer is
 * an int: 0 or the errno.
 */
struct holder {
	pid_t pid;
	int cmd, res;
};

#define HOLDER_MAX	64

/*
 * A holder in a user namespace of its own (userns: the first kuid mapped,
 * 0 for none): it drops to @uid, creates the namespace (so @uid owns it),
 * waits for its parent to map NS_UIDS uids from @userns, becomes the
 * namespace's root and opens each file as another of its uids (seteuid,
 * keeping root as saved uid): what a user with a subordinate uid range
 * can do, or with @uid 0 a container a root runtime made.
 */
#define NS_BASE		100000
#define NS_UIDS		64

static int holder_userns(int cmd, int res)
{
	char c = 'r';

	if (unshare(CLONE_NEWUSER) || write(res, &c, 1) != 1 ||
	    read(cmd, &c, 1) != 1 || c != 'm')
		return -1;
	return setresgid(0, 0, 0) || setresuid(0, 0, 0) ? -1 : 0;
}

/* Open the render node, in a user namespace as uid @n of it. */
static int holder_open(const char *path, int userns, int n)
{
	int fd, err;

	if (userns && seteuid(n))
		return -1;
	fd = open(path, O_RDWR | O_CLOEXEC);
	err = errno;
	if (userns && seteuid(0))
		_exit(4);
	errno = err;
	return fd;
}

static void holder_loop(uid_t uid, int userns, int cmd, int res)
{
	char path[64], c;
	int fds[HOLDER_MAX], n = 0, ans;

	snprintf(path, sizeof(path), "/dev/dri/renderD%d", dev.minor);
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid) || geteuid() != uid)
		_exit(2);
	if (userns && holder_userns(cmd, res))
		_exit(5);
	while (read(cmd, &c, 1) == 1) {
		ans = 0;
		if (c == 'o' && n < HOLDER_MAX) {
			fds[n] = holder_open(path, userns, n);
			if (fds[n] < 0)
				ans = errno;
			else
				n++;
		} else if (c == 'c' && n) {
			close(fds[--n]);
		} else if (c == 'j' && n) {
			struct mvgpu_drm d = { .fd = fds[n - 1], .minor = dev.minor,
					       .accel = 1, .max_cmds = dev.max_cmds };
			int exact[NKINDS];

			ans = run_round(&d, MVGPU_BO_VRAM, exact, 1) ? EIO : 0;
		} else if (c == 'q') {
			_exit(0);
		} else {
			ans = EINVAL;
		}
		if (write(res, &ans, sizeof(ans)) != sizeof(ans))
			_exit(3);
	}
	_exit(0);
}

/* Map the namespace of holder @pid: NS_UIDS uids and gids from @base. */
static int holder_map(pid_t pid, int base)
{
	static const char * const maps[] = { "uid_map", "gid_map" };
	char path[64];
	unsigned int i;
	FILE *f;
	int ok;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, maps[i]);
		f = fopen(path, "w");
		if (!f)
			return -1;
		ok = fprintf(f, "0 %d %d\n", base, NS_UIDS) > 0;
		if (fclose(f) || !ok)
			return -1;
	}
	return 0;
}

static int holder_start_ns(struct holder *h, uid_t uid, int userns)
{
	int cmd[2], res[2];

	if (pipe(cmd))
		return -1;
	if (pipe(res)) {
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	h->pid = fork();
	if (!h->pid) {
		close(cmd[1]);
		close(res[0]);
		holder_loop(uid, userns, cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	h->cmd = cmd[1];
	h->res = res[0];
	if (h->pid > 0 && userns) {
		char c = 0;

		if (read(h->res, &c, 1) != 1 || c != 'r' || holder_map(h->pid, userns) ||
		    write(h->cmd, "m", 1) != 1)
			return -1;
	}
	return h->pid < 0 ? -1 : 0;
}

static int holder_start(struct holder *h, uid_t uid)
{
	return holder_start_ns(h, uid, 0);
}

/* A command's answer: 0 or the errno; -1 if the holder is gone. */
static int holder_do(struct holder *h, char c)
{
	int ans;

	if (h->pid <= 0 || write(h->cmd, &c, 1) != 1 ||
	    read(h->res, &ans, sizeof(ans)) != sizeof(ans))
		return -1;
	return ans;
}

/* Open until refused: how many opened; *err the refusal's errno. */
static int holder_fill(struct holder *h, int *err)
{
	int n = 0;

	while (n < HOLDER_MAX && !(*err = holder_do(h, 'o')))
		n++;
	return n;
}

/* End a holder: 'q', or SIGKILL; its wait status. */
static int holder_end(struct holder *h, int kill9)
{
	int st = -1;

	if (h->pid <= 0)
		return -1;
	if (kill9)
		kill(h->pid, SIGKILL);
	else
		holder_do(h, 'q');
	close(h->cmd);
	close(h->res);
	waitpid(h->pid, &st, 0);
	h->pid = 0;
	return st;
}

static int set_max_ctx_per_uid(int v)
{
	FILE *f = fopen("/sys/module/mvgpu_drm/parameters/max_ctx_per_uid", "w");
	int ok;

	if (!f)
		return errno;
	ok = fprintf(f, "%d\n", v) > 0;
	return fclose(f) || !ok ? EIO : 0;
}

/* CONTEXTS_USED reaching @want, polled: file release is asynchronous to exit. */
static int wait_used(int want)
{
	int i;

	for (i = 0; i < 300 && param(&dev, MVGPU_PARAM_CONTEXTS_USED) != want; i++)
		usleep(100000);
	return param(&dev, MVGPU_PARAM_CONTEXTS_USED);
}

/* The last free context is kept for a uid that holds none; kill -9 frees. */
static void uidlimit_reserve(int used0, int free0)
{
	struct holder a = { 0 }, b = { 0 }, c = { 0 };
	int na, err = 0, ret, st;

	holder_start(&a, 1000);
	na = holder_fill(&a, &err);
	tap_ok(na == free0 - 1 && err == EDQUOT,
	       "uid 1000 opens %d files of %d free contexts, the next open fails with %s",
	       na, free0, strerror(err));
	holder_start(&b, 1001);
	ret = holder_do(&b, 'o');
	tap_ok(!ret, "uid 1001 still opens the render node (%s)", strerror(ret));
	ret = holder_do(&b, 'j');
	tap_ok(!ret, "uid 1001's jobs on it are exact (%s)", strerror(ret));
	ret = holder_do(&b, 'o');
	tap_ok(ret == EBUSY, "no context left: uid 1001's next open fails with %s, not its limit",
	       strerror(ret));
	holder_do(&a, 'c');
	ret = holder_do(&a, 'o');
	tap_ok(ret == EDQUOT, "uid 1000 closed one; it may not take that last one back (%s)",
	       strerror(ret));
	holder_start(&c, 1002);
	ret = holder_do(&c, 'o');
	tap_ok(!ret, "uid 1002 opens the context uid 1000 gave back (%s)", strerror(ret));
	st = holder_end(&a, 1);
	ret = wait_used(used0 + 2);
	tap_ok(WIFSIGNALED(st) && ret == used0 + 2,
	       "uid 1000 killed with SIGKILL holding %d files: CONTEXTS_USED back to %d",
	       na - 1, ret);
	holder_start(&a, 1000);
	na = holder_fill(&a, &err);
	tap_ok(na == free0 - 3 && err == EDQUOT,
	       "uid 1000 again: %d files (%d contexts free), then %s", na, free0 - 2,
	       strerror(err));
	holder_end(&a, 0);
	holder_end(&b, 0);
	holder_end(&c, 0);
}

/*
 * A user with a range of uids in a user namespace is one user: every uid
 * there is charged to the namespace's owner, outside it too.
 */
static void uidlimit_userns(int used0, int free0)
{
	struct holder a = { 0 }, b = { 0 }, c = { 0 };
	int na, err = 0, ret;

	ret = holder_start_ns(&a, 1000, NS_BASE);
	if (!tap_ok(!ret, "uid 1000 in a user namespace of its own, uids 0-%d mapped to %d-%d",
		    NS_UIDS - 1, NS_BASE, NS_BASE + NS_UIDS - 1)) {
		holder_end(&a, 1);
		return;
	}
	na = holder_fill(&a, &err);
	tap_ok(na == free0 - 1 && err == EDQUOT,
	       "opening as a new uid of its namespace each time, it opens %d files of %d free contexts, then %s",
	       na, free0, strerror(err));
	holder_start(&b, 1000);
	ret = holder_do(&b, 'o');
	tap_ok(ret == EDQUOT, "its files count for uid 1000 outside the namespace (%s)",
	       strerror(ret));
	holder_start(&c, 1001);
	ret = holder_do(&c, 'o');
	tap_ok(!ret, "uid 1001 still opens the render node (%s)", strerror(ret));
	ret = holder_do(&a, 'j');
	tap_ok(!ret, "jobs in the namespace are exact (%s)", strerror(ret));
	holder_end(&a, 0);
	holder_end(&b, 0);
	holder_end(&c, 0);
	ret = wait_used(used0);
	tap_ok(ret == used0, "namespace closed: CONTEXTS_USED back to %d", ret);
}

/*
 * Namespaces root made (containers): each is charged to its own root's
 * kuid, not to root's, so two are two users and root's files count for
 * neither.  With max_ctx_per_uid=2.
 */
static void uidlimit_containers(void)
{
	struct holder a = { 0 }, b = { 0 };
	int na, nb, erra = 0, errb = 0;

	holder_start_ns(&a, 0, 2 * NS_BASE);
	holder_start_ns(&b, 0, 3 * NS_BASE);
	na = holder_fill(&a, &erra);
	nb = holder_fill(&b, &errb);
	tap_ok(na == 2 && erra == EDQUOT && nb == 2 && errb == EDQUOT,
	       "two containers root made (roots %d and %d) open 2 files each (%d, then %s; %d, then %s)",
	       2 * NS_BASE, 3 * NS_BASE, na, strerror(erra), nb, strerror(errb));
	holder_end(&a, 0);
	holder_end(&b, 0);
}

/* max_ctx_per_uid=2: a fixed number per uid; root is not limited. */
static void uidlimit_fixed(int used0)
{
	struct holder a = { 0 };
	int fds[3], i, n = 0, err = 0, ret;

	ret = set_max_ctx_per_uid(2);
	if (!tap_ok(!ret, "max_ctx_per_uid=2 (%s)", strerror(ret)))
		return;
	holder_start(&a, 1000);
	n = holder_fill(&a, &err);
	tap_ok(n == 2 && err == EDQUOT, "with max_ctx_per_uid=2 uid 1000 opens %d, then %s",
	       n, strerror(err));
	holder_do(&a, 'c');
	ret = holder_do(&a, 'o');
	tap_ok(!ret, "after closing one it opens again (%s)", strerror(ret));
	ret = holder_do(&a, 'j');
	tap_ok(!ret, "and its jobs are exact (%s)", strerror(ret));
	holder_end(&a, 0);
	holder_start_ns(&a, 1000, NS_BASE);
	n = holder_fill(&a, &err);
	tap_ok(n == 2 && err == EDQUOT,
	       "uid 1000 in a user namespace, as uids 0 and 1 of it, opens %d, then %s",
	       n, strerror(err));
	holder_end(&a, 0);
	uidlimit_containers();
	for (i = 0, n = 0; i < 3; i++)
		if ((fds[i] = drmOpenRender(dev.minor)) >= 0)
			n++;
	tap_ok(n == 3, "root (CAP_SYS_ADMIN) is not limited: opens %d more files", n);
	for (i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	set_max_ctx_per_uid(0);
	ret = wait_used(used0);
	tap_ok(ret == used0, "all closed: CONTEXTS_USED back to %d", ret);
}

void suite_uidlimit(void)
{
	int n = param(&dev, MVGPU_PARAM_NUM_CONTEXTS), used0 = param(&dev, MVGPU_PARAM_CONTEXTS_USED);
	char node[64];
	struct stat sb;
	int ret;

	if (skip_unless_accel("contexts per user"))
		return;
	if (n - 1 - used0 < 4) {
		printf("ok %d - contexts per user # SKIP %d contexts free, 4 needed\n", ++tap_n,
		       n - 1 - used0);
		return;
	}
	ret = set_max_ctx_per_uid(0);
	if (ret) {
		tap_ok(0, "max_ctx_per_uid writable by root (%s)", strerror(ret));
		return;
	}
	/* Users may open the render node, as udev's rules let them. */
	snprintf(node, sizeof(node), "/dev/dri/renderD%d", dev.minor);
	if (stat(node, &sb) || chmod(node, 0666)) {
		tap_ok(0, "chmod 0666 %s (%s)", node, strerror(errno));
		return;
	}
	uidlimit_reserve(used0, n - 1 - used0);
	ret = wait_used(used0);
	tap_ok(ret == used0, "every holder gone: CONTEXTS_USED back to %d", ret);
	uidlimit_userns(used0, n - 1 - used0);
	uidlimit_fixed(used0);
	chmod(node, sb.st_mode & 07777);
}
