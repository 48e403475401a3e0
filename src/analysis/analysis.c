/* analysis.c - run the stages over the changed files, in parallel. */
#include "analysis.h"
#include <malloc.h>
#include "rules/suppress.h"
#include "git/git.h"
#include "lang/lang.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const filter_names[] = { "added", "context", "file", "all" };

const char *pg_filter_name(pg_filter f)
{
	return filter_names[f];
}

int pg_filter_parse(const char *s, pg_filter *out)
{
	int i;
	for (i = 0; i < 4; i++)
		if (strcmp(s, filter_names[i]) == 0) {
			*out = (pg_filter)i;
			return 0;
		}
	return pg_error_set(PG_EUSAGE, "unknown filter '%s' (expected added, context, file or all)", s);
}

void pg_analysis_opts_init(pg_analysis_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->filter = PG_FILTER_ADDED;
	o->max_file_size = 2u << 20;
	o->parse_timeout_us = 5u * 1000 * 1000;
	o->max_findings_per_file = 200;
}

static bool glob_any(char *const *globs, const char *path)
{
	size_t i;
	if (!globs)
		return false;
	for (i = 0; globs[i]; i++)
		if (pg_glob_match(globs[i], path))
			return true;
	return false;
}

/* The languages' default test globs, compiled once (the test search asks
 * about every file of the head tree). */
static pg_globset *default_test_sets[8];

static void default_test_sets_init(void)
{
	size_t i;
	for (i = 0; pg_languages[i] && i < 8; i++)
		default_test_sets[i] = pg_globset_new(pg_languages[i]->test_paths);
}

bool pg_analysis_is_test_path(const pg_analysis_opts *opts, const char *path)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const pg_lang *lang = pg_lang_for_path(path);
	size_t i;
	if (!lang)
		return false;
	for (i = 0; pg_languages[i]; i++)
		if (pg_languages[i] == lang)
			break;
	if (i >= 8)
		return glob_any((char *const *)lang->test_paths, path);
	if (opts && opts->paths && opts->paths->test_paths[i])
		return opts->paths->test_sets[i] ? pg_globset_match(opts->paths->test_sets[i], path)
						 : glob_any(opts->paths->test_paths[i], path);
	pthread_once(&once, default_test_sets_init);
	return pg_globset_match(default_test_sets[i], path);
}

/* file_job - one file's work and its output, merged in order after the run. */
typedef struct file_job {
	pg_file *file;
	pg_vec findings; /* pg_finding */
	bool has_suppressions;
	bool analysed;
} file_job;

typedef struct run_ctx {
	struct pg_repo *repo;
	const pg_ruleset *rules;
	const pg_engine *engine;
	const pg_analysis_opts *opts;
	file_job *jobs;
	size_t *order; /* job indexes, largest file first */
	size_t *sizes; /* by job index, for next_job */
	size_t count;
	size_t front, back; /* the jobs not taken yet: order[front, back) */
	int big_running;    /* files over BIG_FILE being analysed */
	size_t done;          /* files finished, for progress */
	pthread_mutex_t lock; /* guards next, done and reads through `repo` */
	bool deadline_hit;
} run_ctx;

struct pg_worker {
	run_ctx *run;
	struct pg_repo *repo; /* the worker's own handle, opened on first read */
	bool repo_failed;     /* no own handle: read through run->repo */
	char *done_text;      /* pg_worker_file_text's read, freed after `done` */
	size_t done_len;
	TSParser *parser;
	TSQueryCursor *cursor;
	bool rules_ran; /* for the file being visited */
};

bool pg_worker_rules_ran(const pg_worker *w)
{
	return w->rules_ran;
}

TSParser *pg_worker_parser(pg_worker *w)
{
	return w->parser;
}

TSQueryCursor *pg_worker_cursor(pg_worker *w)
{
	return w->cursor;
}

/* The worker's own repository handle (reads without the run's lock), or
 * NULL when it could not be opened or the run has no repository. */
static struct pg_repo *worker_repo(pg_worker *w)
{
	if (!w->repo && !w->repo_failed && w->run->repo && pg_repo_open_again(&w->repo, w->run->repo) < 0) {
		pg_error_clear();
		w->repo_failed = true;
	}
	return w->repo;
}

struct pg_repo *pg_worker_repo(pg_worker *w)
{
	return worker_repo(w);
}

/* The handle a worker reads through: its own, or the run's under the
 * run's lock, until repo_release. */
static struct pg_repo *repo_acquire(pg_worker *w)
{
	struct pg_repo *own = worker_repo(w);
	if (own)
		return own;
	pthread_mutex_lock(&w->run->lock);
	return w->run->repo;
}

static void repo_release(pg_worker *w, struct pg_repo *repo)
{
	if (repo != w->repo)
		pthread_mutex_unlock(&w->run->lock);
}

const char *pg_worker_file_text(pg_worker *w, const pg_file *f, size_t *len)
{
	if (f->content) {
		*len = f->content_len;
		return f->content;
	}
	if (!w->done_text)
		w->done_text = pg_worker_read_blob(w, f->new_oid, &w->done_len);
	*len = w->done_len;
	return w->done_text;
}

char *pg_worker_read_blob(pg_worker *w, const unsigned char oid[20], size_t *len)
{
	struct pg_repo *repo = repo_acquire(w);
	char *text = pg_repo_read_text(repo, oid, w->run->opts->max_file_size, len);
	repo_release(w, repo);
	return text;
}

/* dedup - the spans of a file's findings so far, per rule: an open-addressing
 * set of finding indexes, so a duplicate is found in constant time (a file
 * with thousands of findings must not cost a quadratic scan). */
typedef struct dedup {
	uint32_t *slots; /* finding index + 1, 0 = empty */
	size_t cap, used;
} dedup;

/* match_ctx - what the match callback needs for one file. */
typedef struct match_ctx {
	run_ctx *run;
	file_job *job;
	dedup seen;
} match_ctx;

/* The visitor whose own rules hold `rule`, or NULL (a rule of the packs). */
static const pg_file_visitor *visitor_of(const run_ctx *run, const pg_rule *rule)
{
	size_t i, k;
	for (i = 0; i < run->opts->nvisitors; i++) {
		const pg_ruleset *rs = run->opts->visitors[i]->rules;
		for (k = 0; rs && k < rs->rules.len; k++)
			if (PG_RULESET_AT(rs, k) == rule)
				return run->opts->visitors[i];
	}
	return NULL;
}

static size_t span_hash(const pg_rule *rule, uint32_t line, uint32_t col, uint32_t end_line,
			uint32_t end_col)
{
	uint64_t h = (uint64_t)(uintptr_t)rule * 0x9E3779B97F4A7C15ull;
	h ^= ((uint64_t)line << 32 | col) * 0xC2B2AE3D27D4EB4Full;
	h ^= ((uint64_t)end_line << 32 | end_col) * 0x165667B19E3779F9ull;
	return (size_t)(h ^ (h >> 29));
}

static bool same_span(const pg_finding *o, const pg_rule *rule, uint32_t line, uint32_t col,
		      uint32_t end_line, uint32_t end_col)
{
	return o->rule == rule && o->line == line && o->column == col && o->end_line == end_line &&
	       o->end_column == end_col;
}

/* Is the same rule already reported on this span (several patterns of one
 * rule, or a match seen twice)? */
static bool dedup_seen(dedup *d, const pg_vec *findings, const pg_rule *rule, uint32_t line,
		       uint32_t col, uint32_t end_line, uint32_t end_col)
{
	size_t i;
	if (!d->cap)
		return false;
	for (i = span_hash(rule, line, col, end_line, end_col) & (d->cap - 1); d->slots[i];
	     i = (i + 1) & (d->cap - 1))
		if (same_span(PG_VEC_AT(findings, pg_finding, d->slots[i] - 1), rule, line, col,
			      end_line, end_col))
			return true;
	return false;
}

static void dedup_add(dedup *d, const pg_vec *findings, size_t index)
{
	const pg_finding *f;
	size_t i;
	if ((d->used + 1) * 2 > d->cap) {
		dedup old = *d;
		d->cap = old.cap ? old.cap * 2 : 64;
		d->slots = pg_calloc(d->cap, sizeof(uint32_t));
		d->used = 0;
		for (i = 0; i < old.cap; i++)
			if (old.slots[i])
				dedup_add(d, findings, old.slots[i] - 1);
		free(old.slots);
	}
	f = PG_VEC_AT(findings, pg_finding, index);
	for (i = span_hash(f->rule, f->line, f->column, f->end_line, f->end_column) & (d->cap - 1);
	     d->slots[i]; i = (i + 1) & (d->cap - 1))
		;
	d->slots[i] = (uint32_t)index + 1;
	d->used++;
}

static void dedup_dispose(dedup *d)
{
	free(d->slots);
	memset(d, 0, sizeof(*d));
}

/* The in-scope lines of f as file byte spans, when the filter limits
 * findings to added lines (with their context) and no suppression needs to
 * see the other findings; empty otherwise (everything is matched). */
static void scope_spans(const pg_analysis_opts *opts, const pg_file *f, const pg_source *src,
			bool has_suppressions, pg_vec *out)
{
	uint32_t slack, count = src->lines.count;
	size_t k;
	if (has_suppressions || (opts->filter != PG_FILTER_ADDED && opts->filter != PG_FILTER_CONTEXT))
		return;
	slack = opts->filter == PG_FILTER_CONTEXT ? 3 : 0;
	/* a whole added file: nothing to restrict */
	if (f->added_count == 1 && f->added[0].start <= 1 && f->added[0].end >= count)
		return;
	for (k = 0; k < f->added_count; k++) {
		uint32_t a = f->added[k].start > slack + 1 ? f->added[k].start - slack : 1;
		uint32_t b = f->added[k].end + slack; /* last line, 1-based */
		pg_byte_span *last = out->len ? PG_VEC_AT(out, pg_byte_span, out->len - 1) : NULL;
		pg_byte_span sp;
		if (a > count)
			break;
		sp.start = src->lines.starts[a - 1];
		sp.end = b < count ? src->lines.starts[b] : src->len;
		if (last && sp.start <= last->end) {
			if (sp.end > last->end)
				last->end = sp.end;
		} else {
			*(pg_byte_span *)pg_vec_push(out) = sp;
		}
	}
	if (out->len == 0) /* nothing in scope: match nothing, not everything */
		*(pg_byte_span *)pg_vec_push(out) = (pg_byte_span){ 0, 0 };
}

static char *enclosing_function(const pg_doc *doc, TSNode node)
{
	TSNode n = node;
	size_t i;
	if (!doc->lang->function_name)
		return NULL;
	while (!ts_node_is_null(n)) {
		const char *t = ts_node_type(n);
		for (i = 0; doc->lang->function_nodes[i]; i++)
			if (strcmp(t, doc->lang->function_nodes[i]) == 0) {
				char *name = doc->lang->function_name(doc, n, (TSNode){ 0 });
				if (name)
					return name;
			}
		n = ts_node_parent(n);
	}
	return NULL;
}

static bool in_scope(const pg_analysis_opts *opts, const pg_file *f, uint32_t line, uint32_t end_line)
{
	switch (opts->filter) {
	case PG_FILTER_ADDED: return pg_file_range_touches_added(f, line, end_line, 0);
	case PG_FILTER_CONTEXT: return pg_file_range_touches_added(f, line, end_line, 3);
	default: return true;
	}
}

static void on_match(void *p, const pg_source *src, const pg_doc *doc, const pg_match *m)
{
	match_ctx *mc = p;
	const pg_rule *rule = m->rule;
	pg_file *f = mc->job->file;
	pg_finding *fd;
	uint32_t line, col, end_line, end_col, len;
	uint32_t end = m->end_byte > m->start_byte ? m->end_byte - 1 : m->start_byte;
	const char *text;
	const pg_file_visitor *v;
	int sev;

	if ((v = visitor_of(mc->run, rule))) {
		v->match(v->ctx, (size_t)(mc->job - mc->run->jobs), f, src, doc, m);
		return;
	}

	if (rule->include && !glob_any(rule->include, f->path))
		return;
	if (rule->exclude && glob_any(rule->exclude, f->path))
		return;
	pg_source_position(src, doc, m->start_byte, &line, &col);
	pg_source_position(src, doc, end, &end_line, &end_col);
	end_col++; /* exclusive end column */
	bool out_of_scope = !in_scope(mc->run->opts, f, line, end_line);
	/* Out-of-scope findings are kept only while suppressions are matched, so
	 * a comment silencing an old finding is not called unused. */
	if (out_of_scope && !mc->job->has_suppressions)
		return;
	if (!rule->in_tests && pg_doc_in_test(doc, m->node))
		return;
	/* the same rule on the same span (several patterns of one rule) */
	if (dedup_seen(&mc->seen, &mc->job->findings, rule, line, col, end_line, end_col))
		return;
	fd = pg_vec_push(&mc->job->findings);
	fd->rule = rule;
	fd->out_of_scope = out_of_scope;
	sev = mc->run->opts->severity_override
		      ? mc->run->opts->severity_override(mc->run->opts->override_ctx, rule->id)
		      : -1;
	fd->severity = sev > 0 ? (pg_severity)sev : rule->severity;
	fd->message = pg_match_format(m, doc, rule->message, true);
	fd->path = f->path;
	fd->line = line;
	fd->column = col;
	fd->end_line = end_line;
	fd->end_column = end_col;
	text = pg_source_line(src, line, &len);
	fd->snippet = pg_strndup(text, len);
	fd->context = enclosing_function(doc, m->node);
	fd->fingerprint = pg_fingerprint(rule->id, f->path, fd->context, doc->text + m->start_byte,
					 m->end_byte - m->start_byte);
	if (rule->fix)
		fd->fix = pg_match_format(m, doc, rule->fix, false);
	dedup_add(&mc->seen, &mc->job->findings, mc->job->findings.len - 1);
}

static uint32_t count_lines(const char *s, size_t n)
{
	uint32_t c = 0;
	size_t i;
	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '\n')
			c++;
	return s[n - 1] == '\n' ? c : c + 1;
}

static int load_content(run_ctx *run, pg_worker *w, pg_file *f)
{
	struct pg_repo *repo;
	int err;
	if (f->content)
		return 0;
	repo = repo_acquire(w);
	err = pg_repo_read_blob(repo, f->new_oid, run->opts->max_file_size, &f->content, &f->content_len);
	repo_release(w, repo);
	if (err == PG_ELIMIT) {
		f->skip_reason = "too-large";
		return 0;
	}
	if (err < 0)
		return err;
	if (pg_text_is_binary(f->content, f->content_len)) {
		f->skip_reason = "binary";
		free(f->content);
		f->content = NULL;
		f->content_len = 0;
	}
	return 0;
}

/* Does a later stage want a file the rules skip parsed anyway? */
static bool visitors_want(const run_ctx *run, const pg_file *f)
{
	size_t i;
	if (!f->lang || !f->skip_reason || strcmp(f->skip_reason, "excluded") != 0)
		return false;
	for (i = 0; i < run->opts->nvisitors; i++)
		if (run->opts->visitors[i]->wants && run->opts->visitors[i]->wants(run->opts->visitors[i]->ctx, f))
			return true;
	return false;
}

static void visit(run_ctx *run, file_job *job, const pg_source *src, pg_worker *w)
{
	size_t i, index = (size_t)(job - run->jobs);
	for (i = 0; i < run->opts->nvisitors; i++)
		run->opts->visitors[i]->visit(run->opts->visitors[i]->ctx, index, job->file, src, w);
}

/* Why a file with no added line is left out (the added and context
 * filters look at added lines only), or NULL. */
static const char *no_lines_reason(const pg_analysis_opts *opts, const pg_file *f)
{
	if (f->added_count || opts->filter == PG_FILTER_ALL || opts->filter == PG_FILTER_FILE)
		return NULL;
	return f->mode_changed ? "mode-only" : f->status == PG_FILE_RENAMED ? "rename-only" : "no-added-lines";
}

/* The diff of a modified file the git stage left to its worker: its lines,
 * and its content (read once). */
static int resolve_lines(run_ctx *run, pg_worker *w, pg_file *f)
{
	pg_diff_opts d = { run->opts->max_file_size, false, true, NULL };
	struct pg_repo *repo = repo_acquire(w);
	int err = pg_repo_load_lines(repo, &d, f);
	repo_release(w, repo);
	if (err < 0)
		return err;
	if (!f->skip_reason)
		f->skip_reason = no_lines_reason(run->opts, f);
	return 0;
}

/* An added file the git stage did not read (pg_diff_opts.defer): its lines
 * are {1, UINT32_MAX} until its reader counts them. */
static bool whole_deferred(const pg_file *f)
{
	return f->added_count == 1 && f->added[0].end == UINT32_MAX;
}

/* Read such a file and count its lines, whatever happens to it next (an
 * excluded file is not analysed, but its lines are reported); a binary
 * one is skipped as "binary" with no lines, as the git stage does. */
static int settle_whole(run_ctx *run, pg_worker *w, pg_file *f)
{
	uint32_t n;
	int err = load_content(run, w, f);
	if (err < 0 || !f->content)
		return err;
	n = count_lines(f->content, f->content_len);
	if (f->status != PG_FILE_UNCHANGED)
		f->lines_added = n;
	f->added[0].end = n ? n : 1;
	return 0;
}

/* A file only later stages need (excluded from the rules): parse, visit. */
static void parse_for_visitors(run_ctx *run, file_job *job, pg_worker *w)
{
	pg_file *f = job->file;
	pg_source src;
	size_t len = f->content_len;
	char *text = f->content ? NULL : pg_worker_read_blob(w, f->new_oid, &len);
	if (!text && !f->content)
		return;
	pg_source_parse(&src, f->path, text ? text : f->content, len, f->lang, w->parser,
			run->opts->parse_timeout_us);
	pg_source_mark_test_file(&src, pg_analysis_is_test_path(run->opts, f->path));
	if (!src.timed_out)
		visit(run, job, &src, w);
	pg_source_dispose(&src);
	free(text);
}

static void analyse(run_ctx *run, file_job *job, pg_worker *w)
{
	pg_file *f = job->file;
	pg_source src;
	match_ctx mc;
	pg_vec spans;
	size_t i;

	if ((f->lines_deferred && resolve_lines(run, w, f) < 0) || (whole_deferred(f) && settle_whole(run, w, f) < 0)) {
		f->skip_reason = "unreadable";
		f->error = pg_strdup(pg_error_last());
		return;
	}
	if (f->skip_reason || !f->lang) {
		if (visitors_want(run, f))
			parse_for_visitors(run, job, w);
		return;
	}
	if (run->opts->deadline_us && pg_time_usec() > run->opts->deadline_us) {
		f->skip_reason = "time-limit";
		run->deadline_hit = true;
		return;
	}
	if (load_content(run, w, f) < 0) {
		f->skip_reason = "unreadable";
		f->error = pg_strdup(pg_error_last());
		return;
	}
	if (f->skip_reason)
		return;
	memset(&mc, 0, sizeof(mc));
	mc.run = run;
	mc.job = job;
	pg_vec_init(&spans, sizeof(pg_byte_span));
	job->has_suppressions = pg_suppress_present(f->content, f->content_len);
	pg_source_parse(&src, f->path, f->content, f->content_len, f->lang, w->parser,
			run->opts->parse_timeout_us);
	if (src.timed_out) {
		f->skip_reason = "parse-timeout";
		pg_source_dispose(&src);
		return;
	}
	pg_source_mark_test_file(&src, pg_analysis_is_test_path(run->opts, f->path));
	scope_spans(run->opts, f, &src, job->has_suppressions, &spans);
	for (i = 0; i < src.docs.len; i++) {
		pg_doc *d = PG_SOURCE_DOC(&src, i);
		bool restrict_ = spans.len > 0 && !d->map;
		f->match_limited += (uint32_t)pg_engine_run_spans(run->engine, w->cursor, &src, d,
								  restrict_ ? spans.items : NULL,
								  restrict_ ? spans.len : 0, on_match, &mc);
	}
	pg_vec_dispose(&spans);
	dedup_dispose(&mc.seen);
	if (job->has_suppressions)
		pg_suppress_apply(&src, run->rules, &job->findings, f, run->opts->filter == PG_FILTER_CONTEXT ? 3 : 0,
				  run->opts->filter == PG_FILTER_ADDED || run->opts->filter == PG_FILTER_CONTEXT);
	job->analysed = true;
	w->rules_ran = true;
	visit(run, job, &src, w);
	w->rules_ran = false;
	pg_source_dispose(&src);
}

/* A file whose trees take several megabytes (~30 bytes a source byte). */
#define BIG_FILE ((size_t)256 << 10)
/* Source a worker analyses between two trims of the heaps (below). */
#define TRIM_EVERY ((size_t)4 << 20)

/* The next job (under run->lock), or run->count when none is left: the
 * largest left, unless it is big and another big file is being analysed;
 * then the smallest left. Taking the largest first keeps a large file from
 * running alone at the end; one big file at a time keeps the peak memory
 * to the largest file's trees, not the sum of the largest few. */
static size_t next_job(run_ctx *run, bool *big)
{
	size_t i;
	if (run->front >= run->back)
		return run->count;
	i = run->order[run->front];
	if (run->sizes[i] > BIG_FILE && run->big_running && run->sizes[run->order[run->back - 1]] <= BIG_FILE) {
		*big = false;
		return run->order[--run->back];
	}
	run->front++;
	*big = run->sizes[i] > BIG_FILE;
	run->big_running += *big;
	return i;
}

static void *worker(void *p)
{
	run_ctx *run = p;
	pg_worker w = { run, NULL, false, NULL, 0, ts_parser_new(), ts_query_cursor_new(), false };
	size_t since_trim = 0; /* bytes of source analysed since this worker trimmed */
	for (;;) {
		size_t i, k;
		bool big = false;
		pthread_mutex_lock(&run->lock);
		i = next_job(run, &big);
		pthread_mutex_unlock(&run->lock);
		if (i >= run->count)
			break;
		analyse(run, &run->jobs[i], &w);
		for (k = 0; k < run->opts->nvisitors; k++)
			if (run->opts->visitors[k]->done)
				run->opts->visitors[k]->done(run->opts->visitors[k]->ctx, i, run->jobs[i].file, &w);
		free(w.done_text);
		w.done_text = NULL;
		/* Each worker has its own malloc heap (one shared heap made
		 * the workers wait for each other's allocations: a third of
		 * the run on the benchmark). A heap keeps what a large file's
		 * trees used once they are freed, and its free chunks scatter
		 * as files come and go, so without a trim the peak would be
		 * the sum of each worker's largest files (122 MB on the
		 * benchmark against 77): give the free pages back after a big
		 * file and after every TRIM_EVERY of source. Not after every
		 * file: malloc_trim takes every heap's lock in turn and gives
		 * back the other worker's free pages too, which it then faults
		 * in again (after each file over 32 KiB: 8% more wall time on
		 * the large range, 0.40 s of system time against 0.17). */
		since_trim += run->jobs[i].file->content_len;
		if (big || since_trim > TRIM_EVERY) {
			malloc_trim(0);
			since_trim = 0;
		}
		/* memory is released file by file: keep no content */
		free(run->jobs[i].file->content);
		run->jobs[i].file->content = NULL;
		if (big || run->opts->progress) {
			pthread_mutex_lock(&run->lock);
			run->big_running -= big;
			run->done++;
			if (run->opts->progress)
				run->opts->progress(run->opts->progress_ctx, run->done, run->count);
			pthread_mutex_unlock(&run->lock);
		}
	}
	ts_query_cursor_delete(w.cursor);
	ts_parser_delete(w.parser);
	pg_repo_free(w.repo);
	return NULL;
}

pg_finding *pg_result_add_builtin(pg_result *r, const pg_ruleset *rules, const char *rule_id,
				  const char *path, uint32_t line, uint32_t end_line, const char *message)
{
	const pg_rule *rule = pg_ruleset_find(rules, rule_id);
	pg_finding *f;
	if (!rule || !rule->enabled)
		return NULL;
	f = pg_vec_push(&r->findings);
	f->rule = rule;
	f->severity = rule->severity;
	f->message = pg_strdup(message);
	f->path = path;
	f->line = line;
	f->column = 1;
	f->end_line = end_line ? end_line : line;
	f->end_column = 1;
	f->snippet = pg_strdup("");
	f->fingerprint = pg_fingerprint(rule_id, path, NULL, message, strlen(message));
	return f;
}

static void cap_findings(const pg_analysis_opts *opts, const pg_ruleset *rules, file_job *job,
			 pg_result *r)
{
	size_t i;
	uint32_t kept = 0, dropped = 0;
	for (i = 0; i < job->findings.len; i++) {
		pg_finding *f = PG_VEC_AT(&job->findings, pg_finding, i);
		if (opts->max_findings_per_file && kept >= opts->max_findings_per_file && !f->suppressed) {
			pg_finding_dispose(f);
			dropped++;
			continue;
		}
		if (f->out_of_scope) {
			pg_finding_dispose(f);
			continue;
		}
		if (!f->suppressed)
			kept++;
		*(pg_finding *)pg_vec_push(&r->findings) = *f;
	}
	if (dropped) {
		char *msg = pg_printf_alloc("%u more findings in this file were not listed (limit %u per file)",
					    dropped, opts->max_findings_per_file);
		pg_result_add_builtin(r, rules, "any/maintainability/findings-limit", job->file->path, 1, 1, msg);
		free(msg);
	}
	job->file->findings = kept;
	pg_vec_dispose(&job->findings);
}

typedef struct sized_job {
	size_t size, index;
} sized_job;

static int sized_cmp(const void *pa, const void *pb)
{
	const sized_job *a = pa, *b = pb;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Largest file first: a large file taken last would leave the other
 * workers idle while it is parsed. The output does not depend on the
 * order (it is merged by index). */
static void order_jobs(run_ctx *run)
{
	sized_job *v = pg_malloc((run->count ? run->count : 1) * sizeof(*v));
	size_t i;
	for (i = 0; i < run->count; i++) {
		const pg_file *f = run->jobs[i].file;
		v[i].size = f->content ? f->content_len : f->size;
		v[i].index = i;
	}
	qsort(v, run->count, sizeof(*v), sized_cmp);
	run->order = pg_malloc((run->count ? run->count : 1) * sizeof(size_t));
	run->sizes = pg_malloc((run->count ? run->count : 1) * sizeof(size_t));
	for (i = 0; i < run->count; i++) {
		run->order[i] = v[i].index;
		run->sizes[v[i].index] = v[i].size;
	}
	run->front = 0;
	run->back = run->count;
	free(v);
}

int pg_analysis_jobs(const pg_analysis_opts *opts)
{
	long n = opts && opts->jobs > 0 ? opts->jobs : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

int pg_analysis_run_files(struct pg_repo *repo, const pg_ruleset *rules, const pg_engine *engine,
			  const pg_analysis_opts *opts, pg_result *r)
{
	run_ctx run;
	pthread_t threads[64];
	int nthreads, t;
	size_t i;

	memset(&run, 0, sizeof(run));
	run.repo = repo;
	run.rules = rules;
	run.engine = engine;
	run.opts = opts;
	run.count = r->files.len;
	run.jobs = pg_calloc(run.count ? run.count : 1, sizeof(file_job));
	pthread_mutex_init(&run.lock, NULL);
	for (i = 0; i < run.count; i++) {
		run.jobs[i].file = PG_VEC_AT(&r->files, pg_file, i);
		pg_vec_init(&run.jobs[i].findings, sizeof(pg_finding));
	}
	order_jobs(&run);
	for (i = 0; i < opts->nvisitors; i++)
		if (opts->visitors[i]->begin)
			opts->visitors[i]->begin(opts->visitors[i]->ctx, r);
	nthreads = pg_analysis_jobs(opts);
	if ((size_t)nthreads > run.count)
		nthreads = run.count ? (int)run.count : 1;
	if (nthreads <= 1) {
		worker(&run);
	} else {
		for (t = 0; t < nthreads; t++)
			if (pthread_create(&threads[t], NULL, worker, &run) != 0)
				break;
		if (t == 0)
			worker(&run);
		nthreads = t;
		for (t = 0; t < nthreads; t++)
			pthread_join(threads[t], NULL);
	}
	for (i = 0; i < run.count; i++) {
		if (run.jobs[i].analysed)
			r->files_analyzed++;
		cap_findings(opts, rules, &run.jobs[i], r);
	}
	pthread_mutex_destroy(&run.lock);
	free(run.order);
	free(run.sizes);
	free(run.jobs);
	return 0;
}

/* Files the workers will read anyway are not read (nor, when modified,
 * diffed) by the git stage: the workers do it, in parallel. */
static bool defer_load(const char *path)
{
	return pg_lang_for_path(path) != NULL;
}

static int file_path_cmp(const void *a, const void *b)
{
	return strcmp(((const pg_file *)a)->path, ((const pg_file *)b)->path);
}

/* A full scan: the changed files keep their status; every other file of
 * the head commit joins them as unchanged, with all its lines in scope. */
static int add_unchanged(struct pg_repo *repo, const pg_range *range, const pg_diff_opts *d,
			 pg_vec *files)
{
	pg_vec head;
	size_t i, changed = files->len;
	int err;
	pg_vec_init(&head, sizeof(pg_file));
	if ((err = pg_repo_list_head(repo, range, d, &head)) < 0) {
		for (i = 0; i < head.len; i++)
			pg_file_dispose(PG_VEC_AT(&head, pg_file, i));
		pg_vec_dispose(&head);
		return err;
	}
	for (i = 0; i < head.len; i++) {
		pg_file *h = PG_VEC_AT(&head, pg_file, i);
		if (changed && bsearch(h, files->items, changed, sizeof(pg_file), file_path_cmp)) {
			pg_file_dispose(h);
			continue;
		}
		*(pg_file *)pg_vec_push(files) = *h;
	}
	pg_vec_dispose(&head);
	pg_vec_sort(files, 0, file_path_cmp);
	return 0;
}

int pg_analysis_collect(struct pg_repo *repo, const pg_range *range, const pg_analysis_opts *opts,
			pg_result *r)
{
	pg_diff_opts d = { opts->max_file_size, false, false, defer_load };
	size_t i;
	int err;
	if ((err = pg_repo_diff(repo, range, &d, &r->files)) < 0)
		return err;
	if (opts->filter == PG_FILTER_ALL && (err = add_unchanged(repo, range, &d, &r->files)) < 0)
		return err;
	for (i = 0; i < r->files.len; i++) {
		pg_file *f = PG_VEC_AT(&r->files, pg_file, i);
		f->lang = pg_lang_for_path(f->path);
		if (f->skip_reason)
			continue;
		if (opts->paths && ((opts->paths->include && !glob_any(opts->paths->include, f->path)) ||
				    glob_any(opts->paths->exclude, f->path))) {
			f->skip_reason = "excluded";
			continue;
		}
		if (f->lines_deferred)
			continue; /* its worker diffs it (resolve_lines) */
		if (!(f->skip_reason = no_lines_reason(opts, f)) && !f->lang)
			f->skip_reason = "unsupported-language";
	}
	return 0;
}

int pg_analysis_run(struct pg_repo *repo, const pg_range *range, const pg_ruleset *rules,
		    const pg_engine *engine, const pg_analysis_opts *opts, pg_result *r)
{
	int err = pg_analysis_collect(repo, range, opts, r);
	return err < 0 ? err : pg_analysis_run_files(repo, rules, engine, opts, r);
}
