/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the mvgpu subcommands share: the command table, --json, exit
 * status, one-line error messages, number parsing and formatting.
 *
 * Exit status: 0 success, 1 a failure (a one-line message on stderr says
 * what and why), 2 bad usage (the command line cannot be understood).
 */
#ifndef MVGPU_CLI_H
#define MVGPU_CLI_H

#include <stdint.h>
#include <stdio.h>

#define EXIT_FAIL	1
#define EXIT_USAGE	2

struct command {
	const char *name;
	const char *synopsis;	/* "list [--json]" */
	const char *summary;	/* one line for mvgpu --help */
	const char *help;	/* the rest of mvgpu CMD --help */
	int (*run)(const struct command *cmd, int argc, char **argv);
};

extern int cli_json;		/* --json given before or after the command */

/* "mvgpu: ..." on stderr, one line. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, then EXIT_USAGE: "mvgpu CMD: ... (see mvgpu CMD --help)". */
int cli_usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_help(const struct command *cmd, FILE *f);

/*
 * Options of a subcommand, getopt_long-style, plus --json and --help for
 * every command.  Returns the index of the first operand, or -1 after it
 * printed the help (the caller exits 0), or -2 on a usage error (message
 * printed; the caller exits 2).  handle() gets each other option with its
 * argument (NULL if it takes none) and returns 0, or -2 after printing
 * a usage error.
 */
struct cli_opt {
	const char *name;	/* long name without "--" */
	char short_name;	/* 0 if none */
	int has_arg;
	int key;		/* what handle() gets */
};
int cli_parse(const struct command *cmd, int argc, char **argv,
	      const struct cli_opt *opts,
	      int (*handle)(const struct command *cmd, int key,
			    const char *arg, void *ctx),
	      void *ctx);

/* handle() for a command without options of its own. */
int cli_no_opts(const struct command *cmd, int key, const char *arg,
		void *ctx);

/* Decimal or 0x hex, whole string, <= max; 0 or -1 (no message). */
int cli_parse_u64(const char *s, uint64_t max, uint64_t *v);
/* Seconds such as 1, 0.5, 2.25; 0 or -1. */
int cli_parse_seconds(const char *s, double *v);
/* A UUID, lower-cased into out; 0 or -1. */
int cli_parse_uuid(const char *s, char out[37]);

/* "12.3ms", "840us", "1.20s", "-" for a missing value (UINT64_MAX). */
const char *fmt_ns(uint64_t ns, char *buf, size_t len);
/* MiB, rounded down. */
uint64_t mib(uint64_t bytes);
/* MiB as text: "0", "<1" for less than one but not none, else rounded down. */
const char *fmt_mib(uint64_t bytes, char *buf, size_t len);

#endif
