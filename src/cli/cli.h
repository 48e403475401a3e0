/*
 * cli - the command line: argument parsing, the command table, and exit
 * codes. The only code in prgate that prints or exits.
 *
 * Exit codes (one place: pg_cli_exit_code):
 *   0  no finding at or above the fail level
 *   1  the gate failed
 *   2  usage or configuration error (bad flag, bad rule, bad config)
 *   3  runtime error (not a repository, unknown revision, unreadable object)
 */
#ifndef PG_CLI_H
#define PG_CLI_H

#include "util/util.h"
#include <stdio.h>

enum { PG_EXIT_OK = 0, PG_EXIT_GATE = 1, PG_EXIT_USAGE = 2, PG_EXIT_RUNTIME = 3 };

/* Map an internal error code to an exit code. */
int pg_cli_exit_code(int err);
/* Print "prgate: <message>" for the last error and return its exit code. */
int pg_cli_fail(int err);
/* The report format named by a -f argument, or NULL after saying which
 * formats there are. */
const struct pg_format *pg_cli_format_arg(const char *name);

/* The commands: each is `int cmd_x(int argc, char **argv)` returning an exit code. */
int pg_cmd_check(int argc, char **argv);
int pg_cmd_review(int argc, char **argv);
int pg_cmd_rules(int argc, char **argv);
int pg_cmd_explain(int argc, char **argv);
int pg_cmd_rules_test(int argc, char **argv);
int pg_cmd_hook(int argc, char **argv);
int pg_cmd_config(int argc, char **argv);

int pg_cli_main(int argc, char **argv);

/* Global flags shared by commands (parsed before the command name). */
typedef struct pg_cli_globals {
	const char *chdir; /* -C DIR */
	int verbose;       /* -v */
	bool quiet;        /* -q */
} pg_cli_globals;

extern pg_cli_globals pg_globals;

/* Write `data` to FILE path or stdout ("-" or NULL). */
int pg_cli_write_output(const char *path, const char *data, size_t len);

#include "rules/rule.h"
#include "rules/engine.h"

/* Load the embedded rules (unless no_default) and each directory in dirs.
 * Every bad rule file is printed as "prgate: file:line:col: message" and
 * counted in *bad; the good ones are kept. */
int pg_cli_load_rules(pg_ruleset *rs, char **dirs, size_t ndirs, bool no_default, int *bad);
/* Build the engine for rs and (may be NULL) a later stage's own rules; bad
 * queries are printed and counted in *bad. */
int pg_cli_build_engine(pg_engine **out, const pg_ruleset *rs, const pg_ruleset *extra, int *bad);
/* The same compiled per language on first use (pg_engine_new_lazy): for
 * the embedded packs, whose rules compile. */
int pg_cli_build_engine_lazy(pg_engine **out, const pg_ruleset *rs, const pg_ruleset *extra);

#endif
