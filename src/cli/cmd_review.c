/* cmd_review.c - `prgate review`: the gate in a GitHub Actions run, posted on
 * the pull request. Whatever GitHub does, the full findings are on stdout,
 * in the job summary and in --output, and the exit code is the gate's. */
#include "run.h"
#include "github/github.h"
#include "report/report.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STEP_SUMMARY_MAX ((size_t)1 << 20) /* GitHub's limit per step */

static void review_usage(FILE *out)
{
	fprintf(out,
		"usage: prgate review [options]\n\n"
		"In a GitHub Actions run of a pull_request, pull_request_target or workflow_run\n"
		"event: analyse base...head of the pull request and post one review, a sticky\n"
		"summary comment and a check run. Reads GITHUB_EVENT_PATH, GITHUB_REPOSITORY,\n"
		"GITHUB_API_URL, GITHUB_STEP_SUMMARY and the token from GITHUB_TOKEN.\n\n"
		"options:\n"
		"  -f, --format FMT       format of --output: %s (default json)\n"
		"  -o, --output FILE      also write the report to FILE\n"
		"      --token-env NAME   read the token from $NAME instead of GITHUB_TOKEN\n"
		"      --request-changes  request changes when the gate fails (default: comment)\n"
		"      --approve          approve when the gate passes (never otherwise)\n"
		"      --require-post     exit 3 when the results could not be posted\n"
		"      --from-json FILE   post a JSON report from 'prgate check -f json' (no analysis)\n"
		"      --pr N             the pull request number (default: from the event)\n"
		"      --pr-file FILE     read the number from FILE (an artifact of the first workflow)\n"
		"      --head SHA         the head commit (default: from the event or the report)\n"
		"      --repo OWNER/NAME  default: GITHUB_REPOSITORY\n"
		"      --event FILE       default: GITHUB_EVENT_PATH\n"
		"      --dry-run          post nothing: annotations, job summary and output only\n"
		"      --max-comments N   inline comments per review (default 30)\n"
		"%s"
		"  -h, --help             this help\n",
		pg_format_names(), pg_run_options_help);
}

enum {
	OPT_TOKEN_ENV = 300,
	OPT_REQUEST_CHANGES,
	OPT_APPROVE,
	OPT_REQUIRE_POST,
	OPT_FROM_JSON,
	OPT_PR,
	OPT_HEAD,
	OPT_REPO,
	OPT_EVENT,
	OPT_DRY_RUN,
	OPT_MAX_COMMENTS,
	OPT_PR_FILE
};

/* The pull request number from a file an unprivileged job wrote: untrusted,
 * so digits only. */
static int read_pr_file(const char *path, long *out)
{
	char buf[32];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (!f)
		return pg_error_set(PG_EUSAGE, "--pr-file: cannot read '%s': %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = 0;
	if (pg_parse_long(buf, 1, 1L << 40, out) < 0)
		return pg_error_set(PG_EUSAGE, "--pr-file: '%s' does not hold a pull request number", path);
	return 0;
}

static void log_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "prgate: github: %s\n", line);
}

static void trace_line(void *ctx, const char *line)
{
	(void)ctx;
	if (pg_globals.verbose)
		fprintf(stderr, "prgate: http: %s\n", line);
}

/* head_text - the head version of files, for verifying suggestions. */
typedef struct head_cache {
	pg_repo *repo;
	const char *head;
	char *path;
	char *text;
	size_t len;
} head_cache;

static const char *head_text(void *ctx, const char *path, size_t *len)
{
	head_cache *hc = ctx;
	if (!hc->repo)
		return NULL;
	if (!hc->path || strcmp(hc->path, path) != 0) {
		free(hc->path);
		free(hc->text);
		hc->text = NULL;
		hc->path = pg_strdup(path);
		if (pg_repo_read_file(hc->repo, hc->head, path, (size_t)8 << 20, &hc->text, &hc->len) < 0) {
			pg_error_clear();
			hc->text = NULL;
		}
	}
	*len = hc->len;
	return hc->text;
}

/* Append to GITHUB_STEP_SUMMARY, keeping the file under GitHub's 1 MiB. */
static void append_step_summary(const char *path, const char *md)
{
	struct stat st;
	size_t have = stat(path, &st) == 0 ? (size_t)st.st_size : 0;
	size_t room = have + 4096 < STEP_SUMMARY_MAX ? STEP_SUMMARY_MAX - have - 4096 : 0;
	size_t n = strlen(md);
	FILE *f = fopen(path, "ab");
	if (!f) {
		fprintf(stderr, "prgate: cannot append to GITHUB_STEP_SUMMARY '%s': %s\n", path, strerror(errno));
		return;
	}
	if (n > room) {
		while (n > 0 && (n > room || ((unsigned char)md[n] & 0xC0) == 0x80))
			n--;
		fwrite(md, 1, n, f);
		fputs("\n\n…(cut to stay under GitHub's 1 MiB job summary limit; the full report is on stdout and in "
		      "--output)\n",
		      f);
	} else {
		fwrite(md, 1, n, f);
	}
	fclose(f);
}

static void render(const char *name, const pg_result *r, const pg_report_opts *ro, pg_buf *out)
{
	pg_buf_clear(out);
	pg_report_render(pg_format_find(name), r, ro, out);
}

int pg_cmd_review(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "token-env", required_argument, NULL, OPT_TOKEN_ENV },
		{ "request-changes", no_argument, NULL, OPT_REQUEST_CHANGES },
		{ "approve", no_argument, NULL, OPT_APPROVE },
		{ "require-post", no_argument, NULL, OPT_REQUIRE_POST },
		{ "from-json", required_argument, NULL, OPT_FROM_JSON },
		{ "pr", required_argument, NULL, OPT_PR },
		{ "head", required_argument, NULL, OPT_HEAD },
		{ "repo", required_argument, NULL, OPT_REPO },
		{ "event", required_argument, NULL, OPT_EVENT },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "max-comments", required_argument, NULL, OPT_MAX_COMMENTS },
		{ "pr-file", required_argument, NULL, OPT_PR_FILE },
		{ "help", no_argument, NULL, 'h' },
		PG_RUN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const pg_format *fmt = pg_format_find("json");
	const char *output = NULL, *token_env = "GITHUB_TOKEN", *from_json = NULL, *head_opt = NULL;
	const char *repo = getenv("GITHUB_REPOSITORY"), *event_path = getenv("GITHUB_EVENT_PATH");
	const char *api_url = getenv("GITHUB_API_URL"), *step_summary = getenv("GITHUB_STEP_SUMMARY");
	bool request_changes = false, approve = false, require_post = false, dry_run = false;
	long pr = 0, max_comments = 30;
	pg_github_event ev;
	pg_run_opts opts;
	pg_report_opts ropts;
	pg_run run;
	pg_buf out, md;
	char *range = NULL, *token = NULL;
	head_cache hc;
	int c, err = 0, exit_code, post_failed = 0;

	memset(&ev, 0, sizeof(ev));
	memset(&run, 0, sizeof(run));
	memset(&hc, 0, sizeof(hc));
	pg_run_opts_init(&opts);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:o:j:h", longopts, NULL)) != -1) {
		int handled = pg_run_option(&opts, c, optarg);
		if (handled < 0)
			return pg_cli_fail(handled);
		if (handled)
			continue;
		switch (c) {
		case 'f':
			if (!(fmt = pg_cli_format_arg(optarg)))
				return PG_EXIT_USAGE;
			break;
		case 'o': output = optarg; break;
		case OPT_TOKEN_ENV: token_env = optarg; break;
		case OPT_REQUEST_CHANGES: request_changes = true; break;
		case OPT_APPROVE: approve = true; break;
		case OPT_REQUIRE_POST: require_post = true; break;
		case OPT_FROM_JSON: from_json = optarg; break;
		case OPT_PR:
			if (pg_parse_long(optarg, 1, 1L << 40, &pr) < 0)
				return pg_cli_fail(pg_error_set(PG_EUSAGE, "--pr: %s", pg_error_last()));
			break;
		case OPT_PR_FILE:
			if ((err = read_pr_file(optarg, &pr)) < 0)
				return pg_cli_fail(err);
			break;
		case OPT_HEAD: head_opt = optarg; break;
		case OPT_REPO: repo = optarg; break;
		case OPT_EVENT: event_path = optarg; break;
		case OPT_DRY_RUN: dry_run = true; break;
		case OPT_MAX_COMMENTS:
			if (pg_parse_long(optarg, 0, 1000, &max_comments) < 0)
				return pg_cli_fail(pg_error_set(PG_EUSAGE, "--max-comments: %s", pg_error_last()));
			break;
		case 'h': review_usage(stdout); return 0;
		default:
			fprintf(stderr, "prgate: review: unknown or incomplete option '%s'\n", argv[optind - 1]);
			review_usage(stderr);
			return PG_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "prgate: review takes no RANGE: it reviews the pull request of the event (got '%s')\n",
			argv[optind]);
		return PG_EXIT_USAGE;
	}
	if (!api_url || !*api_url)
		api_url = "https://api.github.com";

	pg_buf_init(&out, 0);
	pg_buf_init(&md, 0);
	if (event_path && *event_path) {
		if ((err = pg_github_event_load(&ev, event_path, getenv("GITHUB_EVENT_NAME"))) < 0)
			goto done;
	} else if (!from_json) {
		err = pg_error_set(PG_EUSAGE, "GITHUB_EVENT_PATH is not set: run prgate review in a GitHub Actions "
					      "pull request workflow (or pass --event FILE)");
		goto done;
	}
	if (!pr)
		pr = ev.number;

	if (from_json) {
		pg_result_init(&run.result);
		pg_ruleset_init(&run.rules);
		if ((err = pg_ruleset_add_embedded(&run.rules)) < 0)
			goto done;
		if ((err = pg_github_load_report(&run.result, &run.rules, from_json)) < 0)
			goto done;
		run.result.fail_level = opts.fail_level;
		pg_result_finish(&run.result);
	} else {
		if (!ev.base_sha[0] || !ev.head_sha[0]) {
			err = pg_error_set(PG_ECONFIG, "the event in '%s' names no base and head commit", event_path);
			goto done;
		}
		range = pg_printf_alloc("%s...%s", ev.base_sha, ev.head_sha);
		opts.range_spec = range;
		opts.config_from_base = true;
		err = pg_run_execute(&run, &opts);
		if (err < 0) {
			/* actions/checkout fetches one commit unless told otherwise */
			char *msg = pg_strdup(pg_error_last());
			if (run.repo && (err == PG_EGIT || strstr(msg, "revision") || strstr(msg, "not found") ||
					 pg_repo_is_shallow(run.repo)))
				err = pg_error_set(err, "%s; the clone lacks the pull request's base or head commit: "
							"check out with actions/checkout and 'fetch-depth: 0'", msg);
			free(msg);
			goto done;
		}
	}
	if (head_opt && strlen(head_opt) == 40)
		memcpy(run.result.range.head, head_opt, 41);
	else if (ev.head_sha[0] && !run.result.range.head[0])
		memcpy(run.result.range.head, ev.head_sha, 41);

	memset(&ropts, 0, sizeof(ropts));
	ropts.filter = pg_filter_name(opts.analysis.filter);
	ropts.repo_root = run.repo ? pg_repo_root(run.repo) : NULL;
	ropts.rules = &run.rules;
	ropts.quiet = pg_globals.quiet;

	/* nothing lost: stdout, --output and the job summary come first */
	render("text", &run.result, &ropts, &out);
	pg_cli_write_output(NULL, out.ptr, out.len);
	if (output) {
		render(fmt->name, &run.result, &ropts, &out);
		if ((err = pg_cli_write_output(output, out.ptr, out.len)) < 0)
			goto done;
	}
	render("markdown", &run.result, &ropts, &md);
	if (step_summary && *step_summary)
		append_step_summary(step_summary, md.ptr);

	{
		bool read_only = dry_run;
		const char *why = dry_run ? "--dry-run" : NULL;
		if (!read_only && ev.fork && !from_json && strcmp(ev.name, "pull_request_target") != 0) {
			read_only = true;
			why = "the pull request comes from a fork, whose token may not write";
		}
		if (!read_only && (!repo || !*repo)) {
			err = pg_error_set(PG_EUSAGE, "GITHUB_REPOSITORY is not set (or pass --repo OWNER/NAME)");
			post_failed = 1;
		} else if (!read_only && !pr) {
			err = pg_error_set(PG_EUSAGE, "no pull request number: the event has none, pass --pr N");
			post_failed = 1;
		} else if (!read_only) {
			const char *t = getenv(token_env);
			if (!t || !*t) {
				err = pg_error_set(PG_EUSAGE, "no token in $%s: pass 'token: ${{ github.token }}' or "
							      "set %s",
						   token_env, token_env);
				post_failed = 1;
			} else {
				token = pg_strdup(t);
			}
		}
		if (token) {
			pg_http_opts hopts;
			pg_http_client *client = NULL;
			pg_github_opts go;
			pg_github_outcome res;
			pg_http_opts_init(&hopts);
			hopts.trace = trace_line;
			memset(&go, 0, sizeof(go));
			go.repo = repo;
			go.pr = pr;
			go.head_sha = run.result.range.head;
			go.request_changes = request_changes;
			go.approve = approve;
			go.max_inline = (unsigned)max_comments;
			go.summary_md = md.ptr;
			go.log = log_line;
			hc.repo = run.repo;
			hc.head = run.result.range.head;
			go.head_text = head_text;
			go.head_text_ctx = &hc;
			if ((err = pg_http_client_new(&client, api_url, token, &hopts)) == 0)
				err = pg_github_publish(client, &go, &run.result, &run.rules, &res);
			/* wipe the secret now that the client holds it no more */
			memset(token, 0, strlen(token));
			pg_http_client_free(client);
			if (err < 0) {
				post_failed = 1;
			} else if (res.read_only) {
				read_only = true;
				why = "the token may not write to this pull request";
			} else if (!pg_globals.quiet) {
				fprintf(stderr,
					"prgate: github: review %s (%u inline, %u in the body, %u already posted, %u "
					"marked fixed); summary %s; %s\n",
					res.review_created ? "posted" : "not needed", res.inline_comments,
					res.body_findings, res.already_posted, res.marked_fixed,
					res.summary_created ? "created" : res.summary_updated ? "updated" : "unchanged",
					res.check_run_created ? "check run created" :
					res.status_created    ? "commit status set" :
								"check run already there");
			}
		}
		if (read_only) {
			if (!pg_globals.quiet)
				fprintf(stderr, "prgate: github: not posting (%s): annotations, job summary and --output "
						"carry the findings\n",
					why);
			render("github", &run.result, &ropts, &out);
			pg_cli_write_output(NULL, out.ptr, out.len);
			if (require_post && !dry_run) {
				err = pg_error_set(PG_ENET, "nothing was posted (%s) and --require-post was given", why);
				post_failed = 1;
			}
		}
	}
	if (post_failed) {
		/* the findings are out already; the network does not decide the gate */
		if (err == PG_EUSAGE && !token && !require_post) {
			fprintf(stderr, "prgate: not posting: %s\n", pg_error_last());
		} else {
			fprintf(stderr, "prgate: could not post the results: %s\n", pg_error_last());
		}
		if (!require_post)
			err = 0;
		else
			err = PG_ENET;
	}

done:
	if (err < 0) {
		exit_code = post_failed ? PG_EXIT_RUNTIME : pg_cli_fail(err);
	} else {
		if (run.bad_rules)
			fprintf(stderr, "prgate: %d rule file%s could not be loaded (see above); the other rules ran\n",
				run.bad_rules, run.bad_rules == 1 ? "" : "s");
		exit_code = pg_run_exit_code(&run);
	}
	if (token) {
		memset(token, 0, strlen(token));
		free(token);
	}
	free(hc.path);
	free(hc.text);
	free(range);
	pg_buf_dispose(&out);
	pg_buf_dispose(&md);
	pg_github_event_dispose(&ev);
	pg_run_dispose(&run);
	return exit_code;
}
