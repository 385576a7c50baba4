// SPDX-License-Identifier: GPL-2.0
/*
 * Exhaustive fault injection with /proc/thread-self/fail-nth (debug kernel):
 * run an operation once per fault site, making the Nth allocation of the
 * operation fail, N = 1, 2, ... until the operation runs through without
 * reaching an Nth site.  After each run the parent checks that nothing was
 * left behind.  TAP output.
 *
 *   failnth create TYPE_DIR     create (and remove) a vGPU of that type
 *   failnth use UUID            open through VFIO, map and write VRAM, arm
 *                               MSI, raise the self-test interrupt, close
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../tools/mvgpu/libmvgpu.h"
#include "tap.h"

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static long read_long(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

static int arm_nth(long n)
{
	char s[32];

	snprintf(s, sizeof(s), "%ld", n);
	return write_file("/proc/thread-self/fail-nth", s);
}

/* Child: exit 0/1 for op success/failure, +2 if the fault was not reached. */
static int finish(int ok)
{
	long left = read_long("/proc/thread-self/fail-nth");

	return (ok ? 0 : 1) + (left > 0 ? 2 : 0);
}

static int op_create(const char *type_dir, const char *uuid, long n)
{
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/create", type_dir);
	arm_nth(n);
	ret = write_file(path, uuid);
	return finish(ret == 0);
}

static sigjmp_buf vram_fault;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(vram_fault, 1);
}

/*
 * Write VRAM through the aperture.  A VRAM page that cannot be had is
 * SIGBUS on the fault (programming-model.rst): a clean failure.
 */
static int touch_vram(uint8_t *va)
{
	if (sigsetjmp(vram_fault, 1))
		return -1;
	memset(va + 4096 * 3, 0x7e, 4096 * 3);
	return 0;
}

static int op_use(const char *uuid, long n)
{
	struct mvgpu_handle h;
	int efd, ok = 0;
	uint8_t *va;

	efd = eventfd(0, EFD_CLOEXEC);
	signal(SIGBUS, on_sigbus);
	arm_nth(n);
	if (!mvgpu_open(&h, uuid)) {
		va = mvgpu_vram_map(&h);
		if (va && touch_vram(va))
			va = NULL;
		if (!mvgpu_irq_arm(&h, VFIO_PCI_MSI_IRQ_INDEX, efd) &&
		    !mvgpu_reg_write(&h, MVGPU_REG_INT_MASK, MVGPU_INT_SELFTEST) &&
		    !mvgpu_reg_write(&h, MVGPU_REG_SELFTEST, 1) && va)
			ok = 1;
		mvgpu_close(&h);
	}
	close(efd);
	return finish(ok);
}

static int exists(const char *uuid)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", uuid);
	return access(path, F_OK) == 0;
}

static void remove_vgpu(const char *uuid)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	write_file(path, "1");
}

int main(int argc, char **argv)
{
	long n, failed = 0, passed = 0, bad = 0, avail0 = -1;
	int create;
	char path[512];

	if (argc != 3 || (strcmp(argv[1], "create") && strcmp(argv[1], "use"))) {
		fprintf(stderr, "usage: failnth create TYPE_DIR | failnth use UUID\n");
		return 2;
	}
	create = !strcmp(argv[1], "create");
	snprintf(path, sizeof(path), "%s/available_instances", argv[2]);
	if (create)
		avail0 = read_long(path);

	for (n = 1; n < 20000; n++) {
		char uuid[40];
		pid_t pid;
		int st, code;

		snprintf(uuid, sizeof(uuid), "%08lx-0000-4000-8000-%012lx", n, (long)getpid());
		pid = fork();
		if (pid == 0)
			_exit(create ? op_create(argv[2], uuid, n) : op_use(argv[2], n));
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st)) {
			tap_diag("run %ld: child died (signal %d)", n,
				 WIFSIGNALED(st) ? WTERMSIG(st) : 0);
			bad++;
			continue;
		}
		code = WEXITSTATUS(st);
		if (create) {
			if ((code & 1) == 0 && !exists(uuid)) {
				tap_diag("run %ld: create succeeded but the vGPU is missing", n);
				bad++;
			} else if ((code & 1) && exists(uuid)) {
				tap_diag("run %ld: failed create left the vGPU behind", n);
				bad++;
			}
			if (exists(uuid))
				remove_vgpu(uuid);
			if (read_long(path) != avail0) {
				tap_diag("run %ld: available_instances %ld, want %ld",
					 n, read_long(path), avail0);
				bad++;
			}
		}
		if (code & 1)
			failed++;
		else
			passed++;
		if (code & 2)
			break;	/* ran through without reaching the Nth site */
		if (bad > 5)
			break;
	}
	tap_diag("%s: %ld fault sites tried, %ld runs failed cleanly, %ld succeeded",
		 argv[1], n, failed, passed);
	tap_ok(!bad, "fail-nth %s: every injected failure left nothing behind", argv[1]);
	tap_ok(failed > 0 && n < 20000, "fail-nth %s: failures were injected and the walk ended",
	       argv[1]);
	return tap_failed ? 1 : 0;
}
