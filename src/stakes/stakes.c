/* stakes.c - the classifier: runs the signal table over each changed file,
 * then derives tiers, reasons, the review order and hints. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "stakes.h"
#include "signals.h"
#include "git/git.h"
#include "lang/lang.h"
#include "rules/engine.h"
#include "rules/prefilter.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define UNTESTED_MEDIUM 50  /* added code lines without tests: medium from here */
#define UNTESTED_HIGH 200   /* ... and high from here */
#define LONG_LINE 1000      /* a line this long means minified or generated */
#define HEAD_BYTES 2048
#define NO_TEST_CHANGES "any/tests/no-test-changes"
#define MAX_REASONS 20
#define MAX_ORDER 30

const char *pg_stakes_tier_name(pg_stakes_tier t)
{
	return t == PG_TIER_HIGH ? "high" : t == PG_TIER_MEDIUM ? "medium" : "low";
}

/* Test globs for files no language row claims (scripts, fixtures, ...). */
static const char *const generic_tests[] = { "tests/", "test/", "__tests__/", "**/tests/**", "**/test/**",
					     "**/__tests__/**", "*_test.*", "*.test.*", "*.spec.*", "testdata/",
					     NULL };

/* classifier - the compiled signal table, built once per run. */
typedef struct classifier {
	pg_ruleset rules;              /* one pg_rule per SIG_QUERY row */
	const pg_signal_row **qrows;   /* parallel to rules */
	pg_engine *engine;             /* the signal queries alone, built on
					* first use (files the analysis's query
					* pass did not serve) */
	pthread_mutex_t engine_lock;
	bool engine_failed;
	pcre2_code **re, **sec, **sec_end; /* per row, NULL when unused */
	pcre2_code **pre; /* a line row's regex over the whole text (see scan_lines) */
	/* The literals line rows' regexes require (prefilter.h), in one
	 * automaton: row i needs one of lit_ids[lit_first[i], lit_first[i+1])
	 * (an empty range: the row requires none). */
	pg_litscan *lits;
	uint32_t *lit_first, *lit_ids;
	pcre2_match_data *md;
	TSParser *parser;
	TSQueryCursor *cursor;
	/* the findings of `indexed` (its first nby_path) by path, made by
	 * findings_in on first use */
	const pg_result *indexed;
	struct path_ref *by_path;
	size_t nby_path;
} classifier;

/* Compile a signal regex, JIT-compiled (PRGATE_NO_JIT=1: not, for
 * valgrind). `whole`: for a whole text, ^ and $ at every line (CR LF
 * too). */
static pcre2_code *compile_re(const char *pattern, const char *id, bool whole)
{
	int errcode;
	PCRE2_SIZE off;
	pcre2_code *re;
	pcre2_compile_context *cc = NULL;
	if (!pattern)
		return NULL;
	if (whole && (cc = pcre2_compile_context_create(NULL)))
		pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (whole ? PCRE2_MULTILINE : 0), &errcode, &off, cc);
	pcre2_compile_context_free(cc);
	if (!re) {
		PCRE2_UCHAR buf[160];
		pcre2_get_error_message(errcode, buf, sizeof(buf));
		pg_error_set(PG_ERROR, "stakes signal %s: regex error at %zu: %s", id, (size_t)off, buf);
		return NULL;
	}
	if (!getenv("PRGATE_NO_JIT"))
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static void classifier_dispose(classifier *c)
{
	size_t i;
	for (i = 0; i < pg_signal_row_count; i++) {
		pcre2_code_free(c->re ? c->re[i] : NULL);
		pcre2_code_free(c->sec ? c->sec[i] : NULL);
		pcre2_code_free(c->sec_end ? c->sec_end[i] : NULL);
		pcre2_code_free(c->pre ? c->pre[i] : NULL);
	}
	free(c->re);
	free(c->by_path);
	free(c->pre);
	pg_litscan_free(c->lits);
	free(c->lit_first);
	free(c->lit_ids);
	free(c->sec);
	free(c->sec_end);
	pcre2_match_data_free(c->md);
	pg_engine_free(c->engine);
	if (c->qrows) /* initialised */
		pthread_mutex_destroy(&c->engine_lock);
	pg_ruleset_dispose(&c->rules);
	free(c->qrows);
	if (c->cursor)
		ts_query_cursor_delete(c->cursor);
	if (c->parser)
		ts_parser_delete(c->parser);
	memset(c, 0, sizeof(*c));
}

static void on_engine_error(void *ctx, const char *msg)
{
	(void)ctx;
	pg_error_set(PG_ERROR, "%s", msg);
}

/* Add to c->lits the literals one of which a text holds if row i's regex
 * finds a line in it (prefilter.h), and note their ids for the row: one
 * automaton pass over a text rules most rows out before their regexes
 * search it. None when the regex requires none. */
static void row_literals(classifier *c, size_t i, const char *regex, pg_vec *ids)
{
	pg_vec v;
	bool icase;
	size_t k;
	pg_vec_init(&v, sizeof(char *));
	if (pg_regex_literals(regex, strlen(regex), &v, &icase))
		for (k = 0; k < v.len; k++) {
			const char *lit = *PG_VEC_AT(&v, char *, k);
			*(uint32_t *)pg_vec_push(ids) = pg_litscan_add(c->lits, lit, strlen(lit), icase);
		}
	for (k = 0; k < v.len; k++)
		free(*PG_VEC_AT(&v, char *, k));
	pg_vec_dispose(&v);
	c->lit_first[i + 1] = (uint32_t)ids->len;
}

static int classifier_init(classifier *c)
{
	size_t i, nq = 0;
	pg_vec ids;
	int err;
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->engine_lock, NULL);
	pg_ruleset_init(&c->rules);
	c->qrows = pg_calloc(pg_signal_row_count, sizeof(*c->qrows));
	c->re = pg_calloc(pg_signal_row_count, sizeof(*c->re));
	c->sec = pg_calloc(pg_signal_row_count, sizeof(*c->sec));
	c->sec_end = pg_calloc(pg_signal_row_count, sizeof(*c->sec_end));
	c->pre = pg_calloc(pg_signal_row_count, sizeof(*c->pre));
	c->lits = pg_litscan_new();
	c->lit_first = pg_calloc(pg_signal_row_count + 1, sizeof(*c->lit_first));
	pg_vec_init(&ids, sizeof(uint32_t));
	for (i = 0; i < pg_signal_row_count; i++) {
		const pg_signal_row *row = &pg_signal_rows[i];
		c->lit_first[i + 1] = (uint32_t)ids.len;
		if (row->match == SIG_QUERY) {
			pg_rule *r = pg_calloc(1, sizeof(*r));
			r->id = pg_printf_alloc("stakes/%s", row->id);
			r->language = pg_strdup(row->language);
			r->severity = PG_SEV_NOTE;
			r->category = PG_CAT_MAINTAINABILITY;
			r->message = pg_strdup(row->reason);
			r->query = pg_strdup(row->pattern);
			r->in_tests = true;
			r->enabled = true;
			r->source = pg_strdup("src/stakes/signals.c");
			r->shipped = true;
			r->query_line = 1;
			if ((err = pg_ruleset_add(&c->rules, r)) < 0) {
				pg_rule_free(r);
				pg_vec_dispose(&ids);
				classifier_dispose(c);
				return err;
			}
			c->qrows[nq++] = row;
			continue;
		}
		if ((row->pattern && !(c->re[i] = compile_re(row->pattern, row->id, false))) ||
		    (row->section && !(c->sec[i] = compile_re(row->section, row->id, false))) ||
		    (row->section_end && !(c->sec_end[i] = compile_re(row->section_end, row->id, false))) ||
		    (row->match == SIG_LINE && !row->section &&
		     !(c->pre[i] = compile_re(row->pattern, row->id, true)))) {
			pg_vec_dispose(&ids);
			classifier_dispose(c);
			return PG_ERROR;
		}
		if (c->pre[i])
			row_literals(c, i, row->pattern, &ids);
	}
	c->lit_ids = ids.items; /* the vector's array, owned from here */
	pg_litscan_build(c->lits);
	c->md = pcre2_match_data_create(8, NULL);
	c->parser = ts_parser_new();
	c->cursor = ts_query_cursor_new();
	return 0;
}

/* The rows' path globs ("a|b|c") and the generic test globs, compiled once
 * (pg_globset): the stakes stage asks them about every file, several
 * times. Static data, so one table for the process. */
static pg_globset **row_globs;      /* per row, NULL: no paths (any file) */
static char ***row_lists;           /* per row, the globs its set borrows */
static pg_globset *generic_tests_set;
static pthread_once_t globs_once = PTHREAD_ONCE_INIT;

static void globs_init(void)
{
	size_t i;
	row_globs = pg_calloc(pg_signal_row_count + 1, sizeof(*row_globs));
	row_lists = pg_calloc(pg_signal_row_count + 1, sizeof(*row_lists));
	for (i = 0; i < pg_signal_row_count; i++) {
		const char *list = pg_signal_rows[i].paths, *p;
		char **globs;
		size_t n = 1, k = 0;
		if (!list)
			continue;
		for (p = list; *p; p++)
			n += *p == '|';
		globs = row_lists[i] = pg_calloc(n + 1, sizeof(char *)); /* the set borrows them */
		for (p = list;; ) {
			const char *bar = strchr(p, '|');
			globs[k++] = pg_strndup(p, bar ? (size_t)(bar - p) : strlen(p));
			if (!bar)
				break;
			p = bar + 1;
		}
		row_globs[i] = pg_globset_new((const char *const *)globs);
	}
	generic_tests_set = pg_globset_new(generic_tests);
}

/* Does the row's path list take `path` (no list: every path)? */
static bool row_paths(const pg_signal_row *row, const char *path)
{
	pthread_once(&globs_once, globs_init);
	return !row->paths || pg_globset_match(row_globs[row - pg_signal_rows], path);
}

static bool generic_test(const char *path)
{
	pthread_once(&globs_once, globs_init);
	return pg_globset_match(generic_tests_set, path);
}

static bool is_test_path(const pg_stakes_opts *opts, const char *path)
{
	if (pg_lang_for_path(path))
		return pg_analysis_is_test_path(opts ? opts->analysis : NULL, path) || generic_test(path);
	return generic_test(path);
}

/* file_ctx - one file being classified. */
typedef struct file_ctx {
	classifier *cl;
	const pg_file *f;
	const pg_line_range *ws;
	size_t ws_count;
	bool ws_known;
	pg_stakes_file *out;
} file_ctx;

static bool ws_counts(const file_ctx *fc, uint32_t start, uint32_t end)
{
	size_t i;
	if (!fc->ws_known)
		return true;
	for (i = 0; i < fc->ws_count; i++)
		if (fc->ws[i].start <= end && fc->ws[i].end >= start)
			return true;
	return false;
}

/* The first line of [start, end] that is added and not whitespace-only, or 0. */
static uint32_t counted_line(const file_ctx *fc, uint32_t start, uint32_t end)
{
	size_t i, j;
	for (i = 0; i < fc->f->added_count; i++) {
		uint32_t s = fc->f->added[i].start > start ? fc->f->added[i].start : start;
		uint32_t e = fc->f->added[i].end < end ? fc->f->added[i].end : end;
		if (s > e)
			continue;
		if (!fc->ws_known)
			return s;
		for (j = 0; j < fc->ws_count; j++) {
			uint32_t ws = fc->ws[j].start > s ? fc->ws[j].start : s;
			uint32_t we = fc->ws[j].end < e ? fc->ws[j].end : e;
			if (ws <= we)
				return ws;
		}
	}
	return 0;
}

static pg_stakes_signal *add_signal(pg_stakes_file *sf, const char *kind, pg_stakes_tier tier,
				    uint32_t line, char *reason, bool lowers)
{
	pg_stakes_signal *s;
	size_t i;
	for (i = 0; i < sf->signals.len; i++) {
		s = PG_VEC_AT(&sf->signals, pg_stakes_signal, i);
		if (s->line == line && strcmp(s->reason, reason) == 0) {
			free(reason);
			return NULL; /* several patterns or nested nodes: one signal */
		}
	}
	s = pg_vec_push(&sf->signals);
	s->kind = kind;
	s->tier = tier;
	s->line = line;
	s->reason = reason;
	s->lowers = lowers;
	return s;
}

static const pg_signal_row *row_of(const classifier *cl, const pg_rule *rule)
{
	size_t i;
	for (i = 0; i < cl->rules.rules.len; i++)
		if (PG_RULESET_AT(&cl->rules, i) == rule)
			return cl->qrows[i];
	return NULL;
}

/* query_hit - a signal query's match in a file, before the whitespace-only
 * lines are known (kept from the analysis's parse of the file). */
typedef struct query_hit {
	const pg_signal_row *row;
	uint32_t line, end_line;
	char *reason, *hint; /* owned; hint may be NULL */
} query_hit;

typedef struct hit_ctx {
	const classifier *cl;
	const pg_file *f;
	pg_vec *hits; /* query_hit */
} hit_ctx;

static void on_match(void *p, const pg_source *src, const pg_doc *doc, const pg_match *m)
{
	hit_ctx *hc = p;
	const pg_signal_row *row = row_of(hc->cl, m->rule);
	query_hit *h;
	uint32_t col, end = m->end_byte > m->start_byte ? m->end_byte - 1 : m->start_byte;
	if (!row || !row_paths(row, hc->f->path))
		return;
	if (pg_doc_in_test(doc, m->node))
		return; /* test code inside a source file */
	h = pg_vec_push(hc->hits);
	h->row = row;
	pg_source_position(src, doc, m->start_byte, &h->line, &col);
	pg_source_position(src, doc, end, &h->end_line, &col);
	h->reason = pg_match_format(m, doc, row->reason, true);
	h->hint = row->hint ? pg_match_format(m, doc, row->hint, true) : NULL;
}

/* The engine of the signal queries alone, built by whichever thread needs
 * it first; NULL when it cannot be built (the signals are shipped: a build
 * defect, reported once). */
static const pg_engine *classifier_engine(classifier *cl)
{
	int bad = 0;
	pthread_mutex_lock(&cl->engine_lock);
	if (!cl->engine && !cl->engine_failed &&
	    (pg_engine_new(&cl->engine, &cl->rules, on_engine_error, NULL, &bad) < 0 || bad)) {
		pg_engine_free(cl->engine);
		cl->engine = NULL;
		cl->engine_failed = true;
	}
	pthread_mutex_unlock(&cl->engine_lock);
	return cl->engine;
}

/* The signal queries over every document of a parsed file. */
static void collect_hits(classifier *cl, TSQueryCursor *cursor, const pg_file *f, const pg_source *src,
			 pg_vec *hits)
{
	hit_ctx hc = { cl, f, hits };
	const pg_engine *e = classifier_engine(cl);
	size_t i;
	for (i = 0; e && !src->timed_out && i < src->docs.len; i++)
		pg_engine_run(e, cursor, src, PG_SOURCE_DOC(src, i), on_match, &hc);
}

static void hits_dispose(pg_vec *hits)
{
	size_t i;
	for (i = 0; i < hits->len; i++) {
		free(PG_VEC_AT(hits, query_hit, i)->reason);
		free(PG_VEC_AT(hits, query_hit, i)->hint);
	}
	pg_vec_dispose(hits);
}

/* Hits on counted lines become signals (in match order). */
static void apply_hits(file_ctx *fc, const pg_vec *hits)
{
	size_t i;
	for (i = 0; i < hits->len; i++) {
		const query_hit *h = PG_VEC_AT(hits, query_hit, i);
		uint32_t first = counted_line(fc, h->line, h->end_line);
		if (!first)
			continue;
		if (add_signal(fc->out, h->row->kind, h->row->tier, first, pg_strdup(h->reason), false) &&
		    h->hint && !fc->out->hint)
			fc->out->hint = pg_strdup(h->hint);
	}
}

/* Replace {{1}} in tmpl with the regex's first group. Owned. */
static char *line_format(const char *tmpl, const char *line, pcre2_match_data *md, int rc)
{
	pg_buf b;
	const char *p = tmpl, *hole;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	pg_buf_init(&b, 4096);
	while ((hole = strstr(p, "{{1}}"))) {
		pg_buf_put(&b, p, (size_t)(hole - p));
		if (rc > 1 && ov[2] != PCRE2_UNSET)
			pg_buf_put(&b, line + ov[2], ov[3] - ov[2]);
		p = hole + 5;
	}
	pg_buf_puts(&b, p);
	return pg_buf_detach(&b);
}

/* Line ln of content, without its line end: its text and length. */
static const char *line_at(const pg_lines *lines, const char *content, size_t content_len, uint32_t ln,
			   uint32_t *len)
{
	const char *text = content + lines->starts[ln];
	uint32_t endo = ln + 1 < lines->count ? lines->starts[ln + 1] : (uint32_t)content_len;
	*len = endo - lines->starts[ln];
	while (*len && (text[*len - 1] == '\n' || text[*len - 1] == '\r'))
		(*len)--;
	return text;
}

/* Row i's hit on line ln (0-based), if the line is added and the row's
 * line regex matches it. */
static void line_hit(const classifier *cl, size_t i, const pg_file *f, const char *text, uint32_t len,
		     uint32_t ln, pcre2_match_data *md, pg_vec *hits)
{
	const pg_signal_row *row = &pg_signal_rows[i];
	query_hit *h;
	int rc;
	if (!pg_file_line_added(f, ln + 1))
		return;
	rc = pcre2_match(cl->re[i], (PCRE2_SPTR)text, len, 0, 0, md, NULL);
	if (rc < 0)
		return;
	h = pg_vec_push(hits);
	h->row = row;
	h->line = h->end_line = ln + 1;
	h->reason = line_format(row->reason, text, md, rc);
	h->hint = row->hint ? line_format(row->hint, text, md, rc) : NULL;
}

/* The SIG_LINE rows over the added lines of `text` (sections are followed
 * over every line), as hits in row order; whether a line counts (not
 * whitespace-only) is decided when they are applied. */
static void scan_lines(const classifier *cl, const pg_file *f, const char *content, size_t content_len,
		       pcre2_match_data *md, pg_vec *hits)
{
	pg_lines lines = { 0 }; /* made when a row passes the literal check */
	size_t i;
	uint32_t ln, len;
	uint8_t *found = NULL;
	for (i = 0; i < pg_signal_row_count; i++) {
		const pg_signal_row *row = &pg_signal_rows[i];
		bool inside = false;
		uint32_t k;
		size_t from;
		if (row->match != SIG_LINE || row->tier == PG_TIER_LOW || !row_paths(row, f->path))
			continue;
		/* Most files have no line of most rows: one search of the whole
		 * text for every row's literals says so. */
		if (cl->lit_first[i] < cl->lit_first[i + 1]) {
			if (!found) {
				found = pg_calloc(pg_litscan_count(cl->lits) + 1, 1);
				pg_litscan_run(cl->lits, content, content_len, found);
			}
			for (k = cl->lit_first[i]; k < cl->lit_first[i + 1] && !found[cl->lit_ids[k]]; k++)
				;
			if (k == cl->lit_first[i + 1])
				continue;
		}
		if (!lines.starts)
			pg_lines_init(&lines, content, content_len);
		if (cl->pre[i]) {
			/* A line's match is also one in the whole text (^ $ at
			 * lines; no signal regex looks behind or past a line):
			 * the search of the whole text visits, in order, every
			 * line that has one, and goes on from the next line. A
			 * match across lines is checked on its first line alone. */
			for (from = 0; from <= content_len &&
				       pcre2_match(cl->pre[i], (PCRE2_SPTR)content, content_len, from, 0, md, NULL) >= 0;) {
				const char *text;
				ln = pg_lines_find(&lines, (uint32_t)pcre2_get_ovector_pointer(md)[0]);
				text = line_at(&lines, content, content_len, ln, &len);
				line_hit(cl, i, f, text, len, ln, md, hits);
				if (ln + 1 >= lines.count)
					break;
				from = lines.starts[ln + 1];
			}
			continue;
		}
		for (ln = 0; ln < lines.count; ln++) {
			const char *text = line_at(&lines, content, content_len, ln, &len);
			if (cl->sec[i]) {
				if (!inside) {
					inside = pcre2_match(cl->sec[i], (PCRE2_SPTR)text, len, 0, 0, md, NULL) >= 0;
					continue;
				}
				if (cl->sec_end[i] &&
				    pcre2_match(cl->sec_end[i], (PCRE2_SPTR)text, len, 0, 0, md, NULL) >= 0) {
					/* the end line may open the next section */
					inside = pcre2_match(cl->sec[i], (PCRE2_SPTR)text, len, 0, 0, md, NULL) >= 0;
					continue;
				}
			}
			line_hit(cl, i, f, text, len, ln, md, hits);
		}
	}
	free(found);
	pg_lines_dispose(&lines);
}

static bool has_long_lines(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > LONG_LINE)
			return true;
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

/* file_scan - what a file's text says to the stakes, before the
 * whitespace-only lines are known: made from the analysis's parse of the
 * file (stage_visit), or from the blob when no visit saw it.
 *   has_text   - the text was readable (not deleted, binary or too large)
 *   long_lines - minified or generated
 *   head       - per signal row: its SIG_HEAD regex matched the file's head
 *   nlines     - lines of the text
 *   hits       - query_hit: SIG_LINE rows on added lines
 *   qhits      - query_hit: the signal queries */
typedef struct file_scan {
	bool has_text;
	bool long_lines;
	uint8_t *head;
	uint32_t nlines;
	pg_vec hits, qhits;
	/* the added lines of the whitespace-blind diff, when ws_known */
	pg_line_range *ws;
	size_t ws_count;
	bool ws_known;
} file_scan;

static uint32_t count_lines(const char *s, size_t n);

static void scan_init(file_scan *sc)
{
	memset(sc, 0, sizeof(*sc));
	pg_vec_init(&sc->hits, sizeof(query_hit));
	pg_vec_init(&sc->qhits, sizeof(query_hit));
}

static void scan_dispose(file_scan *sc)
{
	free(sc->head);
	free(sc->ws);
	hits_dispose(&sc->hits);
	hits_dispose(&sc->qhits);
	memset(sc, 0, sizeof(*sc));
}

/* Everything but the signal queries, from the text. */
static void scan_text(const classifier *cl, const pg_file *f, const char *text, size_t len, file_scan *sc)
{
	pcre2_match_data *md = pcre2_match_data_create(8, NULL);
	size_t i;
	sc->has_text = true;
	sc->nlines = count_lines(text, len);
	sc->long_lines = has_long_lines(text, len);
	sc->head = pg_calloc(pg_signal_row_count + 1, 1);
	for (i = 0; i < pg_signal_row_count; i++) {
		const pg_signal_row *row = &pg_signal_rows[i];
		if (row->match == SIG_HEAD && row_paths(row, f->path))
			sc->head[i] = pcre2_match(cl->re[i], (PCRE2_SPTR)text, len < HEAD_BYTES ? len : HEAD_BYTES, 0,
						  0, md, NULL) >= 0;
	}
	if (f->added_count)
		scan_lines(cl, f, text, len, md, &sc->hits);
	pcre2_match_data_free(md);
}

/* Whole-file lowering: test code, docs, generated, formatting, rename. */
static bool lower_file(file_ctx *fc, const pg_stakes_opts *opts, const file_scan *sc)
{
	const pg_file *f = fc->f;
	pg_stakes_file *sf = fc->out;
	size_t i;
	if (is_test_path(opts, f->path)) {
		add_signal(sf, "tests", PG_TIER_LOW, 0, pg_strdup("test-only change"), true);
		return true;
	}
	for (i = 0; i < pg_signal_row_count; i++) {
		const pg_signal_row *row = &pg_signal_rows[i];
		if (row->tier != PG_TIER_LOW)
			continue;
		if ((row->match == SIG_PATH && row_paths(row, f->path)) ||
		    (row->match == SIG_HEAD && sc->head && sc->head[i])) {
			add_signal(sf, row->kind, PG_TIER_LOW, 0, pg_strdup(row->reason), true);
			return true;
		}
	}
	if (sc->has_text && f->lang && sc->long_lines) {
		add_signal(sf, "generated", PG_TIER_LOW, 0, pg_strdup("very long lines (minified or generated)"),
			   true);
		return true;
	}
	if (f->status == PG_FILE_RENAMED && f->lines_added == 0) {
		add_signal(sf, "rename", PG_TIER_LOW, 0, pg_strdup("rename only"), true);
		return true;
	}
	if (fc->ws_known && fc->ws_count == 0 && f->added_count > 0) {
		add_signal(sf, "formatting", PG_TIER_LOW, 0, pg_strdup("formatting only"), true);
		return true;
	}
	return false;
}

static uint32_t counted_total(const file_ctx *fc)
{
	uint32_t n = 0, line;
	size_t i;
	for (i = 0; i < fc->f->added_count; i++) {
		uint32_t e = fc->f->added[i].end;
		if (e == UINT32_MAX)
			return fc->f->lines_added;
		for (line = fc->f->added[i].start; line <= e; line++)
			if (ws_counts(fc, line, line))
				n++;
	}
	return n;
}

/* path_ref - a finding by its path, for finding a file's in a sorted array
 * (a scan of every finding for every file was quadratic: 7.8 million
 * string comparisons on the benchmark's large range). */
typedef struct path_ref {
	const char *path;
	size_t index;
} path_ref;

static int path_ref_cmp(const void *a, const void *b)
{
	const path_ref *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x->index < y->index ? -1 : x->index > y->index);
}

static void index_findings(classifier *cl, const pg_result *r)
{
	size_t i;
	free(cl->by_path);
	cl->by_path = pg_malloc((r->findings.len ? r->findings.len : 1) * sizeof(path_ref));
	cl->nby_path = r->findings.len;
	for (i = 0; i < r->findings.len; i++) {
		cl->by_path[i].path = PG_VEC_AT(&r->findings, pg_finding, i)->path;
		cl->by_path[i].index = i;
	}
	qsort(cl->by_path, cl->nby_path, sizeof(path_ref), path_ref_cmp);
	cl->indexed = r;
}

/* The findings of r in path, in their order: by_path[*first, *first +
 * return). The index is made again when r is another result or has more
 * findings than when it was made. */
static size_t findings_in(classifier *cl, const pg_result *r, const char *path, size_t *first)
{
	size_t lo, hi, n = 0;
	if (cl->indexed != r || cl->nby_path != r->findings.len)
		index_findings(cl, r);
	lo = 0;
	hi = cl->nby_path;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(cl->by_path[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < cl->nby_path && strcmp(cl->by_path[lo + n].path, path) == 0)
		n++;
	*first = lo;
	return n;
}

static void other_stage_signals(file_ctx *fc, const pg_result *r, bool no_tests_changed)
{
	const pg_file *f = fc->f;
	size_t k, first = 0, n = r ? findings_in(fc->cl, r, f->path, &first) : 0;
	for (k = 0; k < n; k++) {
		const pg_finding *fd = PG_VEC_AT(&r->findings, pg_finding, fc->cl->by_path[first + k].index);
		if (fd->suppressed)
			continue;
		if (fd->rule->category == PG_CAT_SECURITY)
			add_signal(fc->out, "security", fd->severity == PG_SEV_ERROR ? PG_TIER_HIGH : PG_TIER_MEDIUM,
				   fd->line, pg_printf_alloc("security finding: %s (%s)", fd->message, fd->rule->id),
				   false);
		/* The tests stage's range-wide "no test changed" is what the size
		 * signal below says per file, with the size: not twice. */
		else if (fd->rule->category == PG_CAT_TESTS && strcmp(fd->rule->id, NO_TEST_CHANGES) != 0) {
			add_signal(fc->out, "untested", fd->severity == PG_SEV_ERROR ? PG_TIER_HIGH : PG_TIER_MEDIUM,
				   fd->line, pg_printf_alloc("%s (%s)", fd->message, fd->rule->id), false);
		}
	}
	if (no_tests_changed && f->lang) {
		uint32_t n = counted_total(fc);
		if (n >= UNTESTED_MEDIUM)
			add_signal(fc->out, "untested", n >= UNTESTED_HIGH ? PG_TIER_HIGH : PG_TIER_MEDIUM, 0,
				   pg_printf_alloc("%u lines of code added with no test changed", n), false);
	}
}

static int signal_cmp(const void *a, const void *b)
{
	const pg_stakes_signal *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->tier != y->tier)
		return x->tier > y->tier ? -1 : 1;
	return (int)pg_signal_kind_rank(x->kind) - (int)pg_signal_kind_rank(y->kind);
}

static void make_hunks(file_ctx *fc)
{
	pg_stakes_file *sf = fc->out;
	size_t i, k;
	for (i = 0; i < fc->f->added_count; i++) {
		pg_stakes_hunk *h = pg_vec_push(&sf->hunks);
		h->start = fc->f->added[i].start;
		h->end = fc->f->added[i].end == UINT32_MAX ? fc->f->added[i].start : fc->f->added[i].end;
		h->formatting = !ws_counts(fc, h->start, h->end);
		h->tier = PG_TIER_LOW;
		for (k = 0; k < sf->signals.len; k++) {
			const pg_stakes_signal *s = PG_VEC_AT(&sf->signals, pg_stakes_signal, k);
			if (s->lowers || (s->line && (s->line < h->start || s->line > h->end)))
				continue;
			if (s->tier > h->tier)
				h->tier = s->tier;
			h->score += (uint32_t)s->tier + 1;
		}
	}
}

static char *default_hint(const pg_file *f, const pg_stakes_file *sf)
{
	const pg_stakes_signal *s = sf->signals.len ? PG_VEC_AT(&sf->signals, pg_stakes_signal, 0) : NULL;
	const pg_stakes_hunk *h = sf->hunks.len ? PG_VEC_AT(&sf->hunks, pg_stakes_hunk, 0) : NULL;
	uint32_t a = h ? h->start : 1, b = h ? h->end : 1;
	if (f->status == PG_FILE_DELETED)
		return pg_strdup("nothing to exercise: the file is deleted; check nothing still uses it");
	if (s && s->lowers) {
		if (strcmp(s->kind, "tests") == 0)
			return pg_printf_alloc("run the tests in %s and check they fail without the change", f->path);
		if (strcmp(s->kind, "docs") == 0)
			return pg_printf_alloc("read the rendered %s", f->path);
		if (strcmp(s->kind, "generated") == 0)
			return pg_printf_alloc("regenerate %s and check the result is identical", f->path);
		if (strcmp(s->kind, "formatting") == 0)
			return pg_strdup("nothing to exercise: only whitespace changed");
		if (strcmp(s->kind, "rename") == 0)
			return pg_printf_alloc("check that nothing still refers to %s", f->old_path ? f->old_path : "the old name");
	}
	if (f->lang && strcmp(f->lang->name, "html") == 0)
		return pg_printf_alloc("open %s in a browser and use the changed controls (lines %u-%u)", f->path, a, b);
	if (f->lang && strcmp(f->lang->name, "javascript") == 0)
		return pg_printf_alloc("load the page that uses %s and exercise the changed code (lines %u-%u)", f->path, a, b);
	if (f->lang && strcmp(f->lang->name, "rust") == 0) {
		if (pg_str_ends_with(f->path, "main.rs") || strstr(f->path, "src/bin/"))
			return pg_printf_alloc("run the command and take the path through %s lines %u-%u", f->path, a, b);
		return pg_printf_alloc("run `cargo test` and a caller of %s lines %u-%u", f->path, a, b);
	}
	return pg_printf_alloc("exercise what uses %s (lines %u-%u)", f->path, a, b);
}

/* Does the path alone make the file low (test code, docs, vendored,
 * generated: lower_file's first tests)? Then no signal query can change its
 * tier, and it needs no parse. */
static bool lowered_by_path(const pg_stakes_opts *opts, const char *path)
{
	size_t i;
	if (is_test_path(opts, path))
		return true;
	for (i = 0; i < pg_signal_row_count; i++) {
		const pg_signal_row *row = &pg_signal_rows[i];
		if (row->tier == PG_TIER_LOW && row->match == SIG_PATH && row_paths(row, path))
			return true;
	}
	return false;
}

/* A file no visit saw: its text, and its parse for the signal queries. */
static void scan_file(classifier *cl, const pg_file *f, const char *text, size_t len,
		      const pg_stakes_opts *opts, file_scan *sc)
{
	scan_text(cl, f, text, len, sc);
	if (f->lang && f->added_count && !lowered_by_path(opts, f->path)) {
		pg_source src;
		pg_source_parse(&src, f->path, text, len, f->lang, cl->parser,
				opts && opts->analysis ? opts->analysis->parse_timeout_us : 0);
		collect_hits(cl, cl->cursor, f, &src, &sc->qhits);
		pg_source_dispose(&src);
	}
}

/* `sc`: what the file's text says (see file_scan). */
static int classify(classifier *cl, const pg_file *f, const pg_line_range *ws, size_t ws_count,
		    bool ws_known, bool no_tests_changed, const pg_result *r, const pg_stakes_opts *opts,
		    const file_scan *sc, pg_stakes_file *out)
{
	file_ctx fc = { cl, f, ws, ws_count, ws_known, out };
	size_t i;
	memset(out, 0, sizeof(*out));
	out->path = f->path;
	pg_vec_init(&out->signals, sizeof(pg_stakes_signal));
	pg_vec_init(&out->hunks, sizeof(pg_stakes_hunk));
	if (!lower_file(&fc, opts, sc)) {
		uint32_t first = f->added_count ? counted_line(&fc, 1, UINT32_MAX) : 0;
		for (i = 0; i < pg_signal_row_count; i++) {
			const pg_signal_row *row = &pg_signal_rows[i];
			if (row->match == SIG_PATH && row->tier != PG_TIER_LOW && row_paths(row, f->path)) {
				add_signal(out, row->kind, row->tier, first, pg_strdup(row->reason), false);
				if (row->hint && !out->hint)
					out->hint = pg_strdup(row->hint);
			}
		}
		if (sc->has_text && f->added_count) {
			apply_hits(&fc, &sc->hits);
			apply_hits(&fc, &sc->qhits);
		}
		other_stage_signals(&fc, r, no_tests_changed);
	}
	pg_vec_sort(&out->signals, 0, signal_cmp);
	out->tier = PG_TIER_LOW;
	for (i = 0; i < out->signals.len; i++) {
		const pg_stakes_signal *s = PG_VEC_AT(&out->signals, pg_stakes_signal, i);
		if (!s->lowers && s->tier > out->tier)
			out->tier = s->tier;
	}
	make_hunks(&fc);
	if (out->tier == PG_TIER_HIGH) {
		free(out->hint);
		out->hint = NULL;
	} else if (!out->hint) {
		out->hint = default_hint(f, out);
	}
	return 0;
}

void pg_stakes_file_dispose(pg_stakes_file *sf)
{
	size_t i;
	if (!sf)
		return;
	for (i = 0; i < sf->signals.len; i++)
		free(PG_VEC_AT(&sf->signals, pg_stakes_signal, i)->reason);
	pg_vec_dispose(&sf->signals);
	pg_vec_dispose(&sf->hunks);
	free(sf->hint);
	memset(sf, 0, sizeof(*sf));
}

int pg_stakes_classify_file(const pg_file *f, const pg_line_range *ws_ranges, size_t ws_count,
			    bool ws_known, bool no_tests_changed, const pg_result *r,
			    const pg_stakes_opts *opts, pg_stakes_file *out)
{
	classifier cl;
	int err;
	file_scan sc;
	if ((err = classifier_init(&cl)) < 0)
		return err;
	scan_init(&sc);
	if (f->content)
		scan_file(&cl, f, f->content, f->content_len, opts, &sc);
	err = classify(&cl, f, ws_ranges, ws_count, ws_known, no_tests_changed, r, opts, &sc, out);
	scan_dispose(&sc);
	classifier_dispose(&cl);
	return err;
}

static void commits_dispose(pg_vec *commits)
{
	size_t i;
	for (i = 0; i < commits->len; i++) {
		pg_stakes_commit *c = PG_VEC_AT(commits, pg_stakes_commit, i);
		free(c->author);
		free(c->subject);
		free(c->agent);
		free(c->marker);
	}
	pg_vec_dispose(commits);
}

void pg_stakes_free(void *p)
{
	pg_stakes *s = p;
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->reasons.len; i++)
		free(*PG_VEC_AT(&s->reasons, char *, i));
	pg_vec_dispose(&s->reasons);
	for (i = 0; i < s->files.len; i++)
		pg_stakes_file_dispose(PG_VEC_AT(&s->files, pg_stakes_file, i));
	pg_vec_dispose(&s->files);
	for (i = 0; i < s->review_order.len; i++)
		free(PG_VEC_AT(&s->review_order, pg_stakes_order, i)->reason);
	pg_vec_dispose(&s->review_order);
	commits_dispose(&s->commits);
	free(s->advisory);
	free(s->advisory_status);
	free(s);
}

bool pg_stakes_agent_written(const pg_stakes *s)
{
	size_t i;
	for (i = 0; s && i < s->commits.len; i++)
		if (PG_VEC_AT(&s->commits, pg_stakes_commit, i)->agent)
			return true;
	return false;
}

/* ref - a raising signal and where it is, for ordering the range's reasons. */
typedef struct ref {
	const pg_stakes_signal *s;
	const pg_stakes_file *sf;
	size_t file_index;
} ref;

static int ref_cmp(const void *a, const void *b)
{
	const ref *x = a, *y = b;
	size_t rx = pg_signal_kind_rank(x->s->kind), ry = pg_signal_kind_rank(y->s->kind);
	if (x->s->tier != y->s->tier)
		return x->s->tier > y->s->tier ? -1 : 1;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (x->file_index != y->file_index)
		return x->file_index < y->file_index ? -1 : 1;
	return x->s->line < y->s->line ? -1 : x->s->line > y->s->line;
}

static void add_reason(pg_stakes *st, const ref *rf)
{
	char *text = rf->s->line ? pg_printf_alloc("%s (%s:%u)", rf->s->reason, rf->sf->path, rf->s->line)
				 : pg_printf_alloc("%s (%s)", rf->s->reason, rf->sf->path);
	size_t i;
	for (i = 0; i < st->reasons.len; i++)
		if (strcmp(*PG_VEC_AT(&st->reasons, char *, i), text) == 0) {
			free(text);
			return;
		}
	*(char **)pg_vec_push(&st->reasons) = text;
}

static void range_reasons(pg_stakes *st)
{
	pg_vec refs;
	size_t i, k;
	bool raising = false;
	pg_vec_init(&refs, sizeof(ref));
	for (i = 0; i < st->files.len; i++) {
		const pg_stakes_file *sf = PG_VEC_AT(&st->files, pg_stakes_file, i);
		for (k = 0; k < sf->signals.len; k++) {
			const pg_stakes_signal *s = PG_VEC_AT(&sf->signals, pg_stakes_signal, k);
			ref *rf = pg_vec_push(&refs);
			rf->s = s;
			rf->sf = sf;
			rf->file_index = i;
			if (!s->lowers)
				raising = true;
		}
	}
	pg_vec_sort(&refs, 0, ref_cmp);
	for (i = 0; i < refs.len && st->reasons.len < MAX_REASONS; i++) {
		const ref *rf = PG_VEC_AT(&refs, ref, i);
		if (rf->s->lowers == raising)
			continue; /* lowering reasons only explain a range with no raising one */
		add_reason(st, rf);
	}
	pg_vec_dispose(&refs);
}

typedef struct order_ref {
	const pg_stakes_file *sf;
	const pg_stakes_hunk *h;
	size_t file_index;
} order_ref;

static int order_cmp(const void *a, const void *b)
{
	const order_ref *x = a, *y = b;
	if (x->h->tier != y->h->tier)
		return x->h->tier > y->h->tier ? -1 : 1;
	if (x->h->score != y->h->score)
		return x->h->score > y->h->score ? -1 : 1;
	if (x->file_index != y->file_index)
		return x->file_index < y->file_index ? -1 : 1;
	return x->h->start < y->h->start ? -1 : x->h->start > y->h->start;
}

/* The strongest raising signal inside a hunk (or of its whole file). */
static const pg_stakes_signal *hunk_reason(const pg_stakes_file *sf, const pg_stakes_hunk *h)
{
	const pg_stakes_signal *best = NULL;
	size_t i;
	for (i = 0; i < sf->signals.len; i++) {
		const pg_stakes_signal *s = PG_VEC_AT(&sf->signals, pg_stakes_signal, i);
		if (s->lowers || (s->line && (s->line < h->start || s->line > h->end)))
			continue;
		if (!best || s->tier > best->tier ||
		    (s->tier == best->tier && pg_signal_kind_rank(s->kind) < pg_signal_kind_rank(best->kind)))
			best = s;
	}
	return best;
}

static void review_order(pg_stakes *st)
{
	pg_vec refs;
	size_t i, k;
	pg_vec_init(&refs, sizeof(order_ref));
	for (i = 0; i < st->files.len; i++) {
		const pg_stakes_file *sf = PG_VEC_AT(&st->files, pg_stakes_file, i);
		for (k = 0; k < sf->hunks.len; k++) {
			const pg_stakes_hunk *h = PG_VEC_AT(&sf->hunks, pg_stakes_hunk, k);
			order_ref *o;
			if (!h->score)
				continue;
			o = pg_vec_push(&refs);
			o->sf = sf;
			o->h = h;
			o->file_index = i;
		}
	}
	pg_vec_sort(&refs, 0, order_cmp);
	for (i = 0; i < refs.len && i < MAX_ORDER; i++) {
		const order_ref *o = PG_VEC_AT(&refs, order_ref, i);
		const pg_stakes_signal *s = hunk_reason(o->sf, o->h);
		pg_stakes_order *e = pg_vec_push(&st->review_order);
		e->path = o->sf->path;
		e->start = o->h->start;
		e->end = o->h->end;
		e->tier = o->h->tier;
		e->reason = pg_strdup(s ? s->reason : "");
	}
	pg_vec_dispose(&refs);
}

static bool no_tests_changed(const pg_result *r, const pg_stakes_opts *opts)
{
	size_t i;
	for (i = 0; i < r->files.len; i++) {
		const pg_file *f = PG_VEC_AT(&r->files, pg_file, i);
		if (f->status != PG_FILE_UNCHANGED && is_test_path(opts, f->path))
			return false;
	}
	return true;
}

static uint32_t count_lines(const char *s, size_t n)
{
	uint32_t c = 0;
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] == '\n')
			c++;
	return n && s[n - 1] != '\n' ? c + 1 : c;
}

/* classify_in_repo reads a file no visit saw when this holds. */
static bool readable_unseen(const pg_file *f)
{
	static const unsigned char zero[20];
	return f->status != PG_FILE_DELETED && memcmp(f->new_oid, zero, 20) != 0 &&
	       (!f->skip_reason || strcmp(f->skip_reason, "unsupported-language") == 0 ||
		strcmp(f->skip_reason, "no-added-lines") == 0 || strcmp(f->skip_reason, "excluded") == 0);
}

/* A modified file with added lines gets the whitespace-blind diff too
 * (lines only re-indented or re-wrapped weigh less). */
static bool wants_ws_diff(const pg_file *f, const file_scan *scan)
{
	static const unsigned char zero[20];
	return scan->has_text && memcmp(f->old_oid, zero, 20) != 0 && f->added_count &&
	       (f->status == PG_FILE_MODIFIED || f->status == PG_FILE_RENAMED);
}

/* Classify one file of the range: `scan` from the analysis's visit, or
 * NULL to read the file here. */
static int classify_in_repo(classifier *cl, struct pg_repo *repo, const pg_file *f, bool untested,
			    const pg_result *r, const pg_stakes_opts *opts, const file_scan *scan,
			    pg_stakes_file *out)
{
	pg_file view = *f;
	pg_line_range *ws = NULL, *added = NULL;
	size_t ws_count = 0;
	bool ws_known = false;
	size_t max = opts && opts->analysis ? opts->analysis->max_file_size : (size_t)2 << 20;
	file_scan own;
	int err;
	bool readable = readable_unseen(f);
	scan_init(&own);
	if (!scan) {
		size_t len = 0;
		char *text = readable ? pg_repo_read_text(repo, f->new_oid, max, &len) : NULL;
		if (text)
			scan_file(cl, f, text, len, opts, &own);
		free(text);
		scan = &own;
	}
	view.content = NULL;
	view.content_len = 0;
	if (scan->has_text && f->added_count && f->added[f->added_count - 1].end == UINT32_MAX) {
		added = pg_malloc(f->added_count * sizeof(*added));
		memcpy(added, f->added, f->added_count * sizeof(*added));
		added[f->added_count - 1].end = scan->nlines ? scan->nlines : 1;
		view.added = added;
	}
	if (scan->ws_known) { /* the worker's visit diffed it */
		err = classify(cl, &view, scan->ws, scan->ws_count, true, untested, r, opts, scan, out);
	} else {
		if (wants_ws_diff(f, scan) && pg_repo_diff_file_ignoring_ws(repo, f, &ws, &ws_count) == 0)
			ws_known = true;
		err = classify(cl, &view, ws, ws_count, ws_known, untested, r, opts, scan, out);
	}
	free(ws);
	free(added);
	scan_dispose(&own);
	return err;
}

struct pg_stakes_stage {
	classifier cl;
	pg_stakes_opts opts;
	file_scan *scans; /* per file of the result, from the analysis's visit */
	bool *seen;       /* the file was visited */
	int8_t *wanted;   /* stage_wants() of the file: 0 not asked yet, 1, -1 */
	size_t nslots;
	pg_file_visitor visitor;
	/* the commit walk (provenance), when pg_stakes_stage_start() gave it
	 * a thread and a repository handle of its own */
	struct {
		pg_task task;
		bool running;
		struct pg_repo *repo;
		const pg_range *range;
		pg_stakes out; /* commits, agent_lines, total_lines */
	} walk;
};

/* Files the classification parses: changed, with a language and added lines,
 * readable, and not test code by path (a test-only change is lowered before
 * any query). */
static bool stage_wants(void *ctx, const pg_file *f)
{
	pg_stakes_stage *s = ctx;
	return f->lang && f->status != PG_FILE_UNCHANGED && f->status != PG_FILE_DELETED &&
	       f->added_count && !is_test_path(&s->opts, f->path);
}

/* A file the rules skip is parsed for this stage only when a signal query
 * could change its tier (stage_visit takes the text of any parsed file). */
static bool stage_wants_parse(void *ctx, const pg_file *f)
{
	pg_stakes_stage *s = ctx;
	return stage_wants(ctx, f) && !lowered_by_path(&s->opts, f->path);
}

static void stage_begin(void *ctx, const pg_result *r)
{
	pg_stakes_stage *s = ctx;
	size_t i;
	s->nslots = r->files.len;
	s->scans = pg_calloc(s->nslots ? s->nslots : 1, sizeof(file_scan));
	s->seen = pg_calloc(s->nslots ? s->nslots : 1, sizeof(bool));
	s->wanted = pg_calloc(s->nslots ? s->nslots : 1, sizeof(int8_t));
	for (i = 0; i < s->nslots; i++)
		scan_init(&s->scans[i]);
}

/* stage_wants() for file `index`, asked once (its globs are not cheap and
 * every signal match of the file asks); only the file's worker writes it. */
static bool slot_wanted(pg_stakes_stage *s, size_t index, const pg_file *f)
{
	if (index >= s->nslots)
		return false;
	if (!s->wanted[index])
		s->wanted[index] = stage_wants(s, f) ? 1 : -1;
	return s->wanted[index] > 0;
}

/* The whitespace-blind diff of a scanned file, made by the worker that has
 * it (not in finish, on one thread); without the worker's own handle,
 * finish makes it. */
static void worker_ws_diff(file_scan *sc, const pg_file *f, pg_worker *w)
{
	struct pg_repo *repo = pg_worker_repo(w);
	if (repo && wants_ws_diff(f, sc) && pg_repo_diff_file_ignoring_ws(repo, f, &sc->ws, &sc->ws_count) == 0)
		sc->ws_known = true;
	pg_error_clear();
}

static void stage_visit(void *ctx, size_t index, const pg_file *f, const pg_source *src, pg_worker *w)
{
	pg_stakes_stage *s = ctx;
	if (!slot_wanted(s, index, f))
		return;
	scan_text(&s->cl, f, src->text, src->len, &s->scans[index]);
	worker_ws_diff(&s->scans[index], f, w);
	/* a file the rules skip: no query pass served us */
	if (!pg_worker_rules_ran(w) && !lowered_by_path(&s->opts, f->path))
		collect_hits(&s->cl, pg_worker_cursor(w), f, src, &s->scans[index].qhits);
	s->seen[index] = true;
}

/* A file no visit saw, whose scan needs no parse (scan_file): scanned on
 * the worker, not in finish on one thread (vendored and generated files,
 * test files, files in no language). The rest is left to finish. */
static void stage_done(void *ctx, size_t index, const pg_file *f, pg_worker *w)
{
	pg_stakes_stage *s = ctx;
	const char *text;
	size_t len = 0;
	if (index >= s->nslots || s->seen[index] || f->status == PG_FILE_UNCHANGED || !readable_unseen(f) ||
	    (f->lang && f->added_count && !lowered_by_path(&s->opts, f->path)))
		return;
	if (!(text = pg_worker_file_text(w, f, &len)))
		return;
	scan_text(&s->cl, f, text, len, &s->scans[index]);
	worker_ws_diff(&s->scans[index], f, w);
	s->seen[index] = true;
}

/* A signal query's match from the analysis's query pass. */
static void stage_match(void *ctx, size_t index, const pg_file *f, const pg_source *src, const pg_doc *doc,
			const pg_match *m)
{
	pg_stakes_stage *s = ctx;
	hit_ctx hc = { &s->cl, f, NULL };
	if (!slot_wanted(s, index, f))
		return;
	hc.hits = &s->scans[index].qhits;
	on_match(&hc, src, doc, m);
}

int pg_stakes_stage_new(pg_stakes_stage **out, const pg_stakes_opts *opts)
{
	pg_stakes_stage *s = pg_calloc(1, sizeof(*s));
	int err;
	*out = NULL;
	if ((err = classifier_init(&s->cl)) < 0) {
		free(s);
		return err;
	}
	if (opts)
		s->opts = *opts;
	s->visitor = (pg_file_visitor){ .begin = stage_begin,
					.wants = stage_wants_parse,
					.visit = stage_visit,
					.rules = &s->cl.rules,
					.match = stage_match,
					.done = stage_done,
					.ctx = s };
	*out = s;
	return 0;
}

void pg_stakes_stage_set_opts(pg_stakes_stage *s, const pg_stakes_opts *opts)
{
	s->opts = *opts;
}

static int walk_commits(void *p)
{
	pg_stakes_stage *s = p;
	pg_thread_background();
	return pg_stakes_provenance(s->walk.repo, s->walk.range, &s->opts, &s->walk.out);
}

void pg_stakes_stage_start(pg_stakes_stage *s, struct pg_repo *repo, const pg_range *range)
{
	if (s->walk.running || pg_repo_open_again(&s->walk.repo, repo) < 0) {
		pg_error_clear(); /* finish walks the commits itself */
		return;
	}
	s->walk.range = range;
	pg_vec_init(&s->walk.out.commits, sizeof(pg_stakes_commit));
	pg_task_start(&s->walk.task, walk_commits, s);
	s->walk.running = true;
}

const pg_file_visitor *pg_stakes_stage_visitor(pg_stakes_stage *s)
{
	return &s->visitor;
}

void pg_stakes_stage_free(pg_stakes_stage *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->nslots; i++)
		scan_dispose(&s->scans[i]);
	free(s->scans);
	free(s->seen);
	free(s->wanted);
	if (s->walk.running) {
		pg_task_discard(&s->walk.task);
		commits_dispose(&s->walk.out.commits);
	}
	pg_repo_free(s->walk.repo);
	classifier_dispose(&s->cl);
	free(s);
}

int pg_stakes_stage_finish(pg_stakes_stage *s, struct pg_repo *repo, pg_result *r)
{
	const pg_stakes_opts *opts = &s->opts;
	pg_stakes *st;
	size_t i;
	int err = 0;
	bool untested;
	st = pg_calloc(1, sizeof(*st));
	pg_vec_init(&st->reasons, sizeof(char *));
	pg_vec_init(&st->files, sizeof(pg_stakes_file));
	pg_vec_init(&st->review_order, sizeof(pg_stakes_order));
	pg_vec_init(&st->commits, sizeof(pg_stakes_commit));
	untested = no_tests_changed(r, opts);
	for (i = 0; i < r->files.len; i++) {
		const pg_file *f = PG_VEC_AT(&r->files, pg_file, i);
		const file_scan *scan = i < s->nslots && s->seen[i] ? &s->scans[i] : NULL;
		pg_stakes_file *sf;
		if (f->status == PG_FILE_UNCHANGED)
			continue; /* a full scan has no change to weigh */
		sf = pg_vec_push(&st->files);
		if ((err = classify_in_repo(&s->cl, repo, f, untested, r, opts, scan, sf)) < 0)
			goto done;
		if (sf->tier > st->tier)
			st->tier = sf->tier;
	}
	range_reasons(st);
	review_order(st);
	if (s->walk.running) { /* it ran beside the analysis and the above */
		err = pg_task_join(&s->walk.task);
		s->walk.running = false;
		st->commits = s->walk.out.commits;
		st->agent_lines = s->walk.out.agent_lines;
		st->total_lines = s->walk.out.total_lines;
		pg_vec_init(&s->walk.out.commits, sizeof(pg_stakes_commit));
	} else {
		err = pg_stakes_provenance(repo, &r->range, opts, st);
	}
	if (err >= 0)
		pg_stakes_provenance_settle(repo, r, st);
done:
	if (err < 0) {
		pg_stakes_free(st);
		return err;
	}
	if (r->stakes_free)
		r->stakes_free(r->stakes);
	r->stakes = st;
	r->stakes_free = pg_stakes_free;
	return 0;
}

int pg_stakes_run(struct pg_repo *repo, pg_result *r, const pg_stakes_opts *opts)
{
	pg_stakes_stage *s;
	int err;
	if ((err = pg_stakes_stage_new(&s, opts)) < 0)
		return err;
	err = pg_stakes_stage_finish(s, repo, r);
	pg_stakes_stage_free(s);
	return err;
}
