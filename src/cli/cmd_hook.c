/*
 * cmd_hook.c - `prgate hook install|uninstall|run`: the gate before a push.
 *
 * The installed hook is a small shell shim that runs any hook it replaced
 * (kept as pre-push.prgate-chained) and then execs `prgate hook run
 * pre-push`, which reads git's pre-push input and checks each pushed range
 * with the same pipeline as `prgate check`. The shim carries a marker line,
 * so install is idempotent and uninstall removes only what it wrote.
 */
#include "run.h"
#include "report/report.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOOK_MARKER "# prgate-hook: pre-push"
#define CHAINED_SUFFIX ".prgate-chained"

static void hook_usage(FILE *out)
{
	fprintf(out,
		"usage: prgate hook install [--force]\n"
		"       prgate hook uninstall\n"
		"       prgate hook run pre-push [options] [REMOTE [URL]]   (git's pre-push input on stdin)\n\n"
		"install writes a pre-push hook into the directory git runs hooks from\n"
		"(core.hooksPath, or the hooks directory shared by all worktrees). A\n"
		"pre-push hook that is already there is kept as pre-push" CHAINED_SUFFIX "\n"
		"and runs first. Installing twice is harmless; uninstall removes only the\n"
		"hook prgate wrote and puts the kept one back.\n\n"
		"run checks every pushed range: an update from its merge base with what the\n"
		"remote had, a new branch from its merge base with the remote's default\n"
		"branch; deletions are skipped. It prints the findings and fails (blocking\n"
		"the push) when the gate fails. Bypass once with 'git push --no-verify'.\n"
		"Under the pre-commit framework (PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF\n"
		"set) it checks that range instead of reading stdin.\n\n"
		"options:\n"
		"      --force            install: replace an earlier kept hook\n"
		"  -f, --format FMT       run: output format: %s (default text)\n"
		"%s"
		"  -h, --help             this help\n",
		pg_format_names(), pg_run_options_help);
}

/* --- files ------------------------------------------------------------- */

static int read_text(const char *path, pg_buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;
	if (!f)
		return errno == ENOENT ? PG_ENOTFOUND : pg_error_set(PG_ERROR, "cannot read '%s': %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (pg_buf_put(out, chunk, n) < 0)
			break;
	fclose(f);
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static bool is_ours(const char *path)
{
	pg_buf b;
	bool ours;
	pg_buf_init(&b, (size_t)1 << 20);
	ours = read_text(path, &b) == 0 && strstr(b.ptr, HOOK_MARKER) != NULL;
	pg_buf_dispose(&b);
	return ours;
}

static int mkdirs(const char *dir)
{
	char *p = pg_strdup(dir), *s;
	int err = 0;
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			err = pg_error_set(PG_ERROR, "cannot create '%s': %s", p, strerror(errno));
		*s = '/';
		if (err)
			break;
	}
	if (!err && mkdir(p, 0777) != 0 && errno != EEXIST)
		err = pg_error_set(PG_ERROR, "cannot create '%s': %s", p, strerror(errno));
	free(p);
	return err;
}

/* This binary's absolute path (owned), or NULL. */
static char *self_path(const char *argv0)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = 0;
		return pg_strdup(buf);
	}
	if (argv0 && argv0[0] == '/')
		return pg_strdup(argv0);
	return NULL;
}

/* Append `s` as one single-quoted shell word. */
static void shell_quote(pg_buf *b, const char *s)
{
	pg_buf_putc(b, '\'');
	for (; *s; s++)
		if (*s == '\'')
			pg_buf_puts(b, "'\\''");
		else
			pg_buf_putc(b, *s);
	pg_buf_putc(b, '\'');
}

static void shim_text(pg_buf *b, const char *prgate)
{
	pg_buf_puts(b, "#!/bin/sh\n"
		       HOOK_MARKER " (written by 'prgate hook install'; 'prgate hook uninstall'\n"
		       "# removes it). A pre-push hook that was here before is kept as\n"
		       "# pre-push" CHAINED_SUFFIX " and runs first, with the same input.\n"
		       "# Bypass once with: git push --no-verify\n"
		       "prgate=");
	shell_quote(b, prgate ? prgate : "prgate");
	pg_buf_puts(b, "\n"
		       "[ -x \"$prgate\" ] || prgate=prgate\n"
		       "input=$(cat)\n"
		       "chained=\"$(dirname \"$0\")/pre-push" CHAINED_SUFFIX "\"\n"
		       "if [ -x \"$chained\" ]; then\n"
		       "\tprintf '%s\\n' \"$input\" | \"$chained\" \"$@\" || exit $?\n"
		       "fi\n"
		       "exec \"$prgate\" hook run pre-push \"$@\" <<PRGATE_INPUT\n"
		       "$input\n"
		       "PRGATE_INPUT\n");
}

static int write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	char *tmp = pg_printf_alloc("%s.prgate-tmp", path);
	FILE *f = fopen(tmp, "wb");
	int err = 0;
	if (!f)
		err = pg_error_set(PG_ERROR, "cannot write '%s': %s", tmp, strerror(errno));
	else if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
		err = pg_error_set(PG_ERROR, "cannot write '%s': %s", tmp, strerror(errno));
	else if (chmod(tmp, mode) != 0 || rename(tmp, path) != 0)
		err = pg_error_set(PG_ERROR, "cannot install '%s': %s", path, strerror(errno));
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

static int hook_paths(char **dir, char **hook, char **chained)
{
	pg_repo *repo = NULL;
	int err;
	*dir = *hook = *chained = NULL;
	if ((err = pg_repo_open(&repo, NULL)) < 0)
		return err;
	err = pg_repo_hooks_dir(repo, dir);
	pg_repo_free(repo);
	if (err < 0)
		return err;
	*hook = pg_printf_alloc("%s/pre-push", *dir);
	*chained = pg_printf_alloc("%s/pre-push" CHAINED_SUFFIX, *dir);
	return 0;
}

static int hook_install(int argc, char **argv, const char *argv0)
{
	bool force = false;
	char *dir = NULL, *hook = NULL, *chained = NULL, *self = NULL;
	pg_buf text;
	int i, err;
	const char *what;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0) {
			force = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			hook_usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "prgate: hook install: unknown argument '%s'\n", argv[i]);
			return PG_EXIT_USAGE;
		}
	}
	pg_buf_init(&text, 0);
	if ((err = hook_paths(&dir, &hook, &chained)) < 0 || (err = mkdirs(dir)) < 0)
		goto done;
	if (!exists(hook) || is_ours(hook)) {
		what = exists(hook) ? "updated the prgate pre-push hook" : "installed the prgate pre-push hook";
	} else {
		/* someone else's hook: keep it and run it first */
		if (exists(chained) && !force) {
			err = pg_error_set(PG_EUSAGE,
					   "'%s' is not prgate's and '%s' is taken by an earlier hook; "
					   "run 'prgate hook install --force' to keep the current hook there instead",
					   hook, chained);
			goto done;
		}
		if (rename(hook, chained) != 0) {
			err = pg_error_set(PG_ERROR, "cannot move '%s' aside: %s", hook, strerror(errno));
			goto done;
		}
		what = "installed the prgate pre-push hook; the existing hook was kept as pre-push" CHAINED_SUFFIX
		       " and runs first";
	}
	self = self_path(argv0);
	shim_text(&text, self);
	if ((err = write_file(hook, text.ptr, text.len, 0755)) < 0)
		goto done;
	if (!pg_globals.quiet)
		printf("prgate: %s: %s\n", what, hook);
done:
	pg_buf_dispose(&text);
	free(self);
	free(dir);
	free(hook);
	free(chained);
	return err < 0 ? pg_cli_fail(err) : 0;
}

static int hook_uninstall(int argc, char **argv)
{
	char *dir = NULL, *hook = NULL, *chained = NULL;
	int err;
	if (argc > 1) {
		if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
			hook_usage(stdout);
			return 0;
		}
		fprintf(stderr, "prgate: hook uninstall takes no arguments\n");
		return PG_EXIT_USAGE;
	}
	if ((err = hook_paths(&dir, &hook, &chained)) < 0)
		goto done;
	if (exists(hook) && !is_ours(hook)) {
		if (!pg_globals.quiet)
			printf("prgate: %s was not written by prgate; left alone\n", hook);
		goto done;
	}
	if (exists(hook) && unlink(hook) != 0) {
		err = pg_error_set(PG_ERROR, "cannot remove '%s': %s", hook, strerror(errno));
		goto done;
	}
	if (exists(chained)) {
		if (rename(chained, hook) != 0) {
			err = pg_error_set(PG_ERROR, "cannot restore '%s': %s", chained, strerror(errno));
			goto done;
		}
		if (!pg_globals.quiet)
			printf("prgate: removed the prgate pre-push hook and restored the previous one: %s\n", hook);
	} else if (!pg_globals.quiet) {
		printf("prgate: removed the prgate pre-push hook: %s\n", hook);
	}
done:
	free(dir);
	free(hook);
	free(chained);
	return err < 0 ? pg_cli_fail(err) : 0;
}

/* --- run --------------------------------------------------------------- */

typedef struct push_ctx {
	const pg_run_opts *opts;
	const pg_format *fmt;
	const char *remote;
	int worst; /* the highest exit code so far */
	bool gate_failed;
} push_ctx;

static bool valid_sha(const char *s)
{
	size_t n = strlen(s), i;
	if (n != 40)
		return false;
	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

/* Check one pushed ref. Returns an exit code. */
static int check_push(push_ctx *pc, const char *local_ref, const char *local_sha, const char *remote_ref,
		      const char *remote_sha)
{
	pg_repo *repo = NULL;
	pg_range range;
	pg_run_opts opts = *pc->opts;
	pg_report_opts ropts;
	pg_run run;
	pg_buf out;
	char *notice = NULL;
	int err, code;

	memset(&range, 0, sizeof(range));
	memset(&run, 0, sizeof(run));
	if (!valid_sha(local_sha) || !valid_sha(remote_sha)) {
		fprintf(stderr, "prgate: hook run: not a pre-push line: '%s %s %s %s'\n", local_ref, local_sha,
			remote_ref, remote_sha);
		return PG_EXIT_USAGE;
	}
	if (strspn(local_sha, "0") == 40) {
		if (pg_globals.verbose)
			fprintf(stderr, "prgate: %s: a deletion, nothing to check\n", remote_ref);
		return PG_EXIT_OK;
	}
	if ((err = pg_repo_open(&repo, NULL)) < 0 ||
	    (err = pg_repo_push_range(repo, pc->remote, local_sha, remote_sha, &range, &notice)) < 0) {
		pg_repo_free(repo);
		free(range.spec);
		free(range.description);
		return pg_cli_fail(err);
	}
	pg_repo_free(repo);
	if (strcmp(range.base, range.head) == 0) {
		if (pg_globals.verbose)
			fprintf(stderr, "prgate: %s: no new commits\n", remote_ref);
		free(range.spec);
		free(range.description);
		free(notice);
		return PG_EXIT_OK;
	}
	if (!pg_globals.quiet) {
		fprintf(stderr, "prgate: checking %s -> %s %s (%s)\n", local_ref, pc->remote, remote_ref,
			range.description);
		if (notice && pg_globals.verbose)
			fprintf(stderr, "%s\n", notice);
	}
	free(notice);
	opts.range = &range;
	pg_buf_init(&out, 0);
	err = pg_run_execute(&run, &opts);
	free(range.spec);
	free(range.description);
	if (err < 0) {
		code = pg_cli_fail(err);
		goto done;
	}
	memset(&ropts, 0, sizeof(ropts));
	ropts.color = isatty(STDOUT_FILENO) && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	ropts.filter = pg_filter_name(run.opts.analysis.filter);
	ropts.repo_root = pg_repo_root(run.repo);
	ropts.rules = &run.rules;
	ropts.quiet = pg_globals.quiet;
	pg_report_render(pc->fmt, &run.result, &ropts, &out);
	pg_cli_write_output(NULL, out.ptr, out.len);
	code = pg_run_exit_code(&run);
	if (run.result.gate_failed)
		pc->gate_failed = true;
done:
	pg_buf_dispose(&out);
	pg_run_dispose(&run);
	return code;
}

static int hook_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		PG_RUN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	pg_run_opts opts;
	push_ctx pc;
	const char *from, *to;
	char line[1024];
	int c;

	memset(&pc, 0, sizeof(pc));
	pg_run_opts_init(&opts);
	pc.fmt = pg_format_find("text");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:j:qvh", longopts, NULL)) != -1) {
		int handled = pg_run_option(&opts, c, optarg);
		if (handled < 0)
			return pg_cli_fail(handled);
		if (handled)
			continue;
		switch (c) {
		case 'f':
			if (!(pc.fmt = pg_cli_format_arg(optarg)))
				return PG_EXIT_USAGE;
			break;
		case 'h': hook_usage(stdout); return 0;
		default:
			fprintf(stderr, "prgate: hook run: unknown or incomplete option '%s'\n", argv[optind - 1]);
			return PG_EXIT_USAGE;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "pre-push") != 0) {
		fprintf(stderr, "prgate: hook run: expected 'pre-push' (the only hook prgate runs)\n");
		return PG_EXIT_USAGE;
	}
	opts.progress = !pg_globals.quiet && isatty(STDERR_FILENO);
	pc.opts = &opts;
	pc.remote = optind + 1 < argc ? argv[optind + 1] : "origin";

	from = getenv("PRE_COMMIT_FROM_REF");
	to = getenv("PRE_COMMIT_TO_REF");
	if (from && *from && to && *to) {
		if (getenv("PRE_COMMIT_REMOTE_NAME") && *getenv("PRE_COMMIT_REMOTE_NAME"))
			pc.remote = getenv("PRE_COMMIT_REMOTE_NAME");
		/* FROM may be "SHA^" for a new branch: then the new-branch rule */
		pc.worst = check_push(&pc, to, to,
				      getenv("PRE_COMMIT_REMOTE_BRANCH") ? getenv("PRE_COMMIT_REMOTE_BRANCH") : "-",
				      valid_sha(from) ? from : "0000000000000000000000000000000000000000");
	} else if (isatty(STDIN_FILENO)) {
		fprintf(stderr, "prgate: hook run pre-push reads git's pre-push input on stdin "
				"('<local ref> <local sha> <remote ref> <remote sha>' lines); to check a range by "
				"hand, use 'prgate check RANGE'\n");
		return PG_EXIT_USAGE;
	} else {
		while (fgets(line, sizeof(line), stdin)) {
			char lref[512], lsha[64], rref[512], rsha[64];
			int code;
			line[strcspn(line, "\r\n")] = 0;
			if (!line[strspn(line, " \t")])
				continue;
			if (sscanf(line, "%511s %63s %511s %63s", lref, lsha, rref, rsha) != 4) {
				fprintf(stderr, "prgate: hook run: not a pre-push line: '%s'\n", line);
				code = PG_EXIT_USAGE;
			} else {
				code = check_push(&pc, lref, lsha, rref, rsha);
			}
			if (code > pc.worst)
				pc.worst = code;
		}
	}
	if (pc.worst == PG_EXIT_OK)
		return 0;
	if (pc.gate_failed)
		fprintf(stderr, "prgate: push blocked: the gate failed (findings above). Fix them, or mark a false\n"
				"positive with a 'prgate-ignore: RULE -- reason' comment; to push anyway, once:\n"
				"  git push --no-verify\n");
	else
		fprintf(stderr, "prgate: push blocked: the push could not be checked (see above); to push anyway,\n"
				"once: git push --no-verify\n");
	return pc.worst;
}

int pg_cmd_hook(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		hook_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PG_EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "install") == 0)
		return hook_install(argc - 1, argv + 1, argv[0]);
	if (strcmp(argv[1], "uninstall") == 0)
		return hook_uninstall(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return hook_run(argc - 1, argv + 1);
	fprintf(stderr, "prgate: unknown hook command '%s' (expected install, uninstall or run)\n", argv[1]);
	return PG_EXIT_USAGE;
}
