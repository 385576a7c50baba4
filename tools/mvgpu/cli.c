// SPDX-License-Identifier: GPL-2.0
/*
 * cli: see cli.h.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_json;

void cli_error(const char *fmt, ...)
{
	char buf[1024], *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* One line, whatever the pieces held. */
	for (p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	fprintf(stderr, "mvgpu: %s\n", buf);
}

int cli_usage_error(const struct command *cmd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "mvgpu %s: %s (see mvgpu %s --help)\n", cmd->name, buf,
		cmd->name);
	return EXIT_USAGE;
}

void cli_help(const struct command *cmd, FILE *f)
{
	fprintf(f, "usage: mvgpu %s\n\n%s\n%s", cmd->synopsis, cmd->summary,
		cmd->help ? cmd->help : "");
}

static const struct cli_opt *find_long(const struct cli_opt *opts,
				       const char *name, size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, name, len))
			return opts;
	return NULL;
}

static const struct cli_opt *find_short(const struct cli_opt *opts, char c)
{
	for (; opts && opts->name; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

/*
 * Options may come before, between and after operands (as with GNU
 * tools); "--" ends them.  Operands are moved to the front of argv[1..],
 * in order.
 */
int cli_parse(const struct command *cmd, int argc, char **argv,
	      const struct cli_opt *opts,
	      int (*handle)(const struct command *cmd, int key,
			    const char *arg, void *ctx),
	      void *ctx)
{
	int i, nops = 1, only_operands = 0;

	for (i = 1; i < argc; i++) {
		const struct cli_opt *o;
		char *a = argv[i];
		const char *arg = NULL;

		if (only_operands || a[0] != '-' || !a[1]) {
			argv[nops++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_operands = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cli_help(cmd, stdout);
			return -1;
		}
		if (!strcmp(a, "--json")) {
			cli_json = 1;
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			o = find_long(opts, a + 2, len);
			if (!o) {
				cli_usage_error(cmd, "unknown option '%.*s'",
						(int)len + 2, a);
				return -2;
			}
			if (o->has_arg) {
				if (eq)
					arg = eq + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else {
					cli_usage_error(cmd, "--%s needs a value", o->name);
					return -2;
				}
			} else if (eq) {
				cli_usage_error(cmd, "--%s takes no value", o->name);
				return -2;
			}
		} else {
			o = find_short(opts, a[1]);
			if (!o) {
				cli_usage_error(cmd, "unknown option '-%c'", a[1]);
				return -2;
			}
			if (o->has_arg) {
				if (a[2])
					arg = a + 2;
				else if (i + 1 < argc)
					arg = argv[++i];
				else {
					cli_usage_error(cmd, "-%c needs a value", a[1]);
					return -2;
				}
			} else if (a[2]) {
				cli_usage_error(cmd, "unknown option '%s'", a);
				return -2;
			}
		}
		if (handle(cmd, o->key, arg, ctx))
			return -2;
	}
	argv[nops] = NULL;
	return nops;
}

int cli_no_opts(const struct command *cmd, int key, const char *arg,
		void *ctx)
{
	(void)cmd;
	(void)key;
	(void)arg;
	(void)ctx;
	return -2;	/* never called: cli_parse() knows no option to pass */
}

int cli_parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end || *v > max ? -1 : 0;
}

int cli_parse_seconds(const char *s, double *v)
{
	char *end;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	return errno || *end || !isfinite(*v) ? -1 : 0;
}

int cli_parse_uuid(const char *s, char out[37])
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return -1;
	for (i = 0; shape[i]; i++) {
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return -1;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[i] = '\0';
	return 0;
}

const char *fmt_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns == UINT64_MAX)
		snprintf(buf, len, "-");
	else if (ns < 10000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%" PRIu64 "us", ns / 1000);
	else if (ns < 10000000000ull)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

uint64_t mib(uint64_t bytes)
{
	return bytes >> 20;
}

const char *fmt_mib(uint64_t bytes, char *buf, size_t len)
{
	if (bytes && bytes < (1 << 20))
		snprintf(buf, len, "<1");
	else
		snprintf(buf, len, "%" PRIu64, mib(bytes));
	return buf;
}
