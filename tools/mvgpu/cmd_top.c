// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu top: a live view of the GPUs and their vGPUs, like intel_gpu_top
 * or nvidia-smi vgpu -l.  Each screen compares two sysfs snapshots taken
 * the delay apart, so shares and rates are over that window.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "json.h"
#include "view.h"

struct top_args {
	double delay;
	uint64_t count;		/* 0: until quit */
};

static const struct cli_opt top_opts[] = {
	{ "delay", 'd', 1, 'd' },
	{ "iterations", 'n', 1, 'n' },
	{ NULL, 0, 0, 0 },
};

static int top_opt(const struct command *cmd, int key, const char *arg,
		   void *ctx)
{
	struct top_args *a = ctx;

	if (key == 'd') {
		if (cli_parse_seconds(arg, &a->delay) || a->delay < 0.1 ||
		    a->delay > 3600) {
			cli_usage_error(cmd, "-d '%s': seconds between screens, 0.1 to 3600",
					arg);
			return -2;
		}
	} else if (cli_parse_u64(arg, UINT32_MAX, &a->count) || !a->count) {
		cli_usage_error(cmd, "-n '%s': how many screens, 1 or more", arg);
		return -2;
	}
	return 0;
}

/* ---- the terminal ---- */

static volatile sig_atomic_t quit;
static int tty_in, tty_out, raw, watch_in;
static struct termios saved;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void term_restore(void)
{
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	raw = 0;
	if (tty_out) {
		fputs("\033[?25h", stdout);	/* cursor back */
		fflush(stdout);
	}
}

static void term_setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct termios t;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	tty_in = isatty(STDIN_FILENO);
	if (tty_in && !tcgetattr(STDIN_FILENO, &saved)) {
		t = saved;
		t.c_lflag &= ~(ICANON | ECHO);
		t.c_cc[VMIN] = 0;
		t.c_cc[VTIME] = 0;
		raw = !tcsetattr(STDIN_FILENO, TCSANOW, &t);
		watch_in = raw;
	}
	if (tty_out)
		fputs("\033[?25l\033[H\033[2J", stdout);	/* hide cursor, clear */
	atexit(term_restore);
}

static double now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait secs; 1 if the user asked to quit (q, ^C) meanwhile. */
static int wait_or_quit(double secs)
{
	double end = now_s(CLOCK_MONOTONIC) + secs;

	while (!quit) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		double left = end - now_s(CLOCK_MONOTONIC);
		char c;

		if (left <= 0)
			return 0;
		if (poll(&p, watch_in ? 1 : 0, (int)(left * 1000) + 1) <= 0)
			continue;
		if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			watch_in = 0;	/* the terminal is gone: just wait */
		else if (read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
			quit = 1;
	}
	return 1;
}

/* ---- one screen ---- */

/* Columns of a vGPU row after its UUID (see screen_text()). */
#define ROW_AFTER_UUID	101

static const char *short_type(const char *id, char *buf, size_t len)
{
	const char *src = strncmp(id, "mvgpu-", 6) ? id : id + 6;
	size_t n = strnlen(src, len - 1);
	char *p;

	memcpy(buf, src, n);
	buf[n] = '\0';
	for (p = buf; *p; p++)
		if (*p == '_')
			*p = '/';
	return buf;
}

static void fmt_pct(char *buf, size_t len, double v)
{
	if (v < 0 || isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", v);
}

static void fmt_rate(char *buf, size_t len, double v, int decimals)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f", decimals, v);
}

/* Text of one screen into f; lines end in '\n'. */
static void screen_text(FILE *f, const struct host_snapshot *s, double secs,
			const struct gpu_view *gv, const struct vgpu_view *vv,
			int uuid_width, int max_rows)
{
	char clock[32], a[32], b[32], c[32], d[32], e[16], p50[32], p99[32];
	char ty[32], vram[48];
	time_t t = time(NULL);
	unsigned int i, rows;

	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&t));
	fprintf(f, "mvgpu top - %s, every %.1f s: %u GPU%s, %u vGPU%s%s\n", clock,
		secs, s->ngpus, s->ngpus == 1 ? "" : "s", s->nvgpus,
		s->nvgpus == 1 ? "" : "s", raw ? "   (q quits)" : "");
	fprintf(f, "\n%-10s %-5s %7s %6s %16s %10s %5s\n", "GPU", "SCHED",
		"ENGINES", "UTIL", "VRAM ALLOCATED", "BACKED", "vGPUs");
	for (i = 0; i < s->ngpus; i++) {
		const struct host_gpu *g = &s->gpus[i];

		fmt_pct(a, sizeof(a), gv[i].util_pct);
		snprintf(b, sizeof(b), "%" PRIu64 "/%" PRIu64 " MiB",
			 mib(g->vram_allocated), mib(g->vram_total));
		snprintf(c, sizeof(c), "%s MiB", fmt_mib(g->vram_backed, d, sizeof(d)));
		fprintf(f, "%-10s %-5s %7u %6s %16s %10s %5u\n", g->name,
			host_gpu_mode(g), host_gpu_engines(g), a, b, c, g->nvgpus);
	}
	fprintf(f, "\n%-*s %3s %-5s %-4s %6s %4s %4s %6s %8s %7s %8s %8s %9s %6s %9s\n",
		uuid_width, "vGPU", "GPU", "TYPE", "OPEN", "WEIGHT", "PRIO", "CAP",
		"SHARE", "ENTITLED", "CMDS/S", "WAIT p50", "WAIT p99",
		"PREEMPT/S", "FAULTS", "VRAM MiB");
	rows = 7 + s->ngpus;
	for (i = 0; i < s->nvgpus; i++) {
		const struct vgpu_view *w = &vv[i];

		if (max_rows > 0 && rows + 1 >= (unsigned int)max_rows &&
		    i + 1 < s->nvgpus) {
			fprintf(f, "... %u more\n", s->nvgpus - i);
			break;
		}
		rows++;
		fmt_pct(a, sizeof(a), w->share_pct);
		fmt_pct(b, sizeof(b), w->entitled_pct);
		fmt_rate(c, sizeof(c), w->cmds_per_s, 0);
		fmt_rate(d, sizeof(d), w->preempt_per_s, 1);
		snprintf(vram, sizeof(vram), "%s/%" PRIu64,
			 fmt_mib(w->vram_used_bytes, e, sizeof(e)), mib(w->vram_bytes));
		fprintf(f, "%-*.*s %3u %-5s %-4s %6" PRIu64 " %4" PRIu64 " %4" PRIu64
			" %6s %8s %7s %8s %8s %9s %6" PRIu64 " %9s\n",
			uuid_width, uuid_width, w->v->uuid, w->g->index,
			short_type(w->t->id, ty, sizeof(ty)),
			w->v->open < 0 ? "?" : w->v->open ? "yes" : "no",
			w->weight, w->priority, w->cap, a, b, c,
			fmt_ns(w->wait_p50_ns, p50, sizeof(p50)),
			fmt_ns(w->wait_p99_ns, p99, sizeof(p99)), d,
			w->faults, vram);
	}
}

static void screen_json(const struct host_snapshot *s, double secs,
			const struct gpu_view *gv, const struct vgpu_view *vv)
{
	struct json j;
	unsigned int i;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_num(&j, "time", now_s(CLOCK_REALTIME), 3);
	json_num(&j, "interval_s", secs, 3);
	json_arr_begin(&j, "gpus");
	for (i = 0; i < s->ngpus; i++) {
		const struct host_gpu *g = &s->gpus[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "gpu", g->name);
		json_str(&j, "sched_mode", host_gpu_mode(g));
		json_u64(&j, "engines", host_gpu_engines(g));
		json_num(&j, "utilisation_pct", gv[i].util_pct, 2);
		json_u64(&j, "vram_total_bytes", g->vram_total);
		json_u64(&j, "vram_allocated_bytes", g->vram_allocated);
		json_u64(&j, "vram_backed_bytes", g->vram_backed);
		json_u64(&j, "vgpus", g->nvgpus);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_arr_begin(&j, "vgpus");
	for (i = 0; i < s->nvgpus; i++) {
		const struct vgpu_view *w = &vv[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "uuid", w->v->uuid);
		json_str(&j, "gpu", w->g->name);
		json_str(&j, "type", w->t->id);
		if (w->v->open < 0)
			json_null(&j, "open");
		else
			json_bool(&j, "open", w->v->open);
		json_u64(&j, "weight", w->weight);
		json_u64(&j, "priority", w->priority);
		json_u64(&j, "cap", w->cap);
		json_num(&j, "share_pct", w->share_pct, 2);
		if (w->entitled_pct < 0)
			json_null(&j, "entitled_pct");
		else
			json_num(&j, "entitled_pct", w->entitled_pct, 2);
		json_num(&j, "cmds_per_s", w->cmds_per_s, 1);
		if (w->wait_p50_ns == UINT64_MAX)
			json_null(&j, "wait_p50_ns");
		else
			json_u64(&j, "wait_p50_ns", w->wait_p50_ns);
		if (w->wait_p99_ns == UINT64_MAX)
			json_null(&j, "wait_p99_ns");
		else
			json_u64(&j, "wait_p99_ns", w->wait_p99_ns);
		json_num(&j, "preemptions_per_s", w->preempt_per_s, 1);
		json_u64(&j, "faults", w->faults);
		json_u64(&j, "vram_bytes", w->vram_bytes);
		json_u64(&j, "vram_used_bytes", w->vram_used_bytes);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	putchar('\n');
	fflush(stdout);
}

/* On a terminal: home, each line cut at the width and cleared, clear below. */
static void screen_draw(const char *text, size_t len, int cols)
{
	const char *p = text, *end = text + len;

	fputs("\033[H", stdout);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		fwrite(p, 1, cols > 0 && n > (size_t)cols ? (size_t)cols : n, stdout);
		fputs("\033[K\n", stdout);
		p += n + 1;
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

int cmd_top(const struct command *cmd, int argc, char **argv)
{
	struct top_args a = { .delay = 1.0 };
	struct host_snapshot prev, cur;
	uint64_t shown = 0;
	int n, ret;

	n = cli_parse(cmd, argc, argv, top_opts, top_opt, &a);
	if (n == -1)
		return 0;
	if (n < 0)
		return EXIT_USAGE;
	if (n > 1)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[1]);
	ret = read_snapshot(&prev);
	if (ret)
		return ret;
	tty_out = !cli_json && isatty(STDOUT_FILENO);
	term_setup();

	while (!wait_or_quit(a.delay)) {
		struct winsize ws = { 0 };
		struct gpu_view *gv;
		struct vgpu_view *vv;
		double secs;

		if (host_snapshot_read(&cur)) {
			term_restore();
			cli_error("%s", host_errmsg());
			ret = EXIT_FAIL;
			break;
		}
		secs = (cur.t_ns - prev.t_ns) / 1e9;
		gv = calloc(cur.ngpus + 1, sizeof(*gv));
		vv = calloc(cur.nvgpus + 1, sizeof(*vv));
		if (!gv || !vv) {
			term_restore();
			cli_error("out of memory");
			free(gv);
			free(vv);
			host_snapshot_free(&cur);
			ret = EXIT_FAIL;
			break;
		}
		view_build(&cur, &prev, gv, vv);
		view_sort_by_share(vv, cur.nvgpus);
		if (cli_json) {
			screen_json(&cur, secs, gv, vv);
		} else {
			char *text = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&text, &len);
			int cols = 0, rows = 0, uuid_width = 36;

			if (tty_out && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws)) {
				cols = ws.ws_col;
				rows = ws.ws_row;
				/* The full UUID only if the row fits with it. */
				if (cols && cols < 36 + ROW_AFTER_UUID)
					uuid_width = 8;
			}
			if (f) {
				screen_text(f, &cur, secs, gv, vv, uuid_width, rows);
				fclose(f);
				if (tty_out) {
					screen_draw(text, len, cols);
				} else {
					fputs(shown ? "\n" : "", stdout);
					fwrite(text, 1, len, stdout);
					fflush(stdout);
				}
			}
			free(text);
		}
		free(gv);
		free(vv);
		host_snapshot_free(&prev);
		prev = cur;
		if (a.count && ++shown >= a.count)
			break;
		if (!a.count)
			shown++;
	}
	host_snapshot_free(&prev);
	term_restore();
	return ret;
}
