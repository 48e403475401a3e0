/* ruletest.c - run rules over their annotated examples. */
#include "ruletest.h"
#include "analysis.h"
#include "lang/lang.h"
#include "rules/engine.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct annotation {
	uint32_t target; /* 1-based line it applies to */
	uint32_t line;   /* where the annotation is */
	bool positive;
	char *id;
} annotation;

typedef struct rule_counts {
	const pg_rule *rule;
	uint32_t pos, neg;
} rule_counts;

static void fail(void (*on_fail)(void *, const char *), void *ctx, pg_ruletest_summary *s,
		 const char *fmt, ...) PG_PRINTF(4, 5);

static void fail(void (*on_fail)(void *, const char *), void *ctx, pg_ruletest_summary *s,
		 const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->failed++;
	if (on_fail)
		on_fail(ctx, msg);
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	pg_buf b;
	char chunk[8192];
	size_t n;
	if (!f)
		return pg_error_set(PG_ERROR, "cannot read '%s': %s", path, strerror(errno));
	pg_buf_init(&b, 16 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (pg_buf_put(&b, chunk, n) < 0)
			break;
	fclose(f);
	*len = b.len;
	*out = pg_buf_detach(&b);
	return 0;
}

/* Parse "ruleid: a, b" / "ok: a" from a line that is only a comment. */
static bool parse_annotation_line(const char *s, size_t n, bool *positive, pg_vec *ids)
{
	size_t i = 0;
	const char *kw;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0)
		i += 4;
	else if (n - i >= 2 && (memcmp(s + i, "//", 2) == 0 || memcmp(s + i, "/*", 2) == 0))
		i += 2;
	else
		return false;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	kw = s + i;
	if (n - i >= 7 && memcmp(kw, "ruleid:", 7) == 0) {
		*positive = true;
		i += 7;
	} else if (n - i >= 3 && memcmp(kw, "ok:", 3) == 0) {
		*positive = false;
		i += 3;
	} else {
		return false;
	}
	while (i < n) {
		size_t start;
		while (i < n && (isspace((unsigned char)s[i]) || s[i] == ','))
			i++;
		start = i;
		if (i >= n || !isalnum((unsigned char)s[i]))
			break; /* "-->", "*" + "/" or prose ends the list */
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '/' || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			i++;
		*(char **)pg_vec_push(ids) = pg_strndup(s + start, i - start);
	}
	return true;
}

static void parse_annotations(const char *text, size_t len, pg_vec *out)
{
	pg_lines lines;
	uint32_t l;
	pg_vec pending; /* annotation waiting for its target line */
	pg_lines_init(&lines, text, len);
	pg_vec_init(&pending, sizeof(annotation));
	for (l = 0; l < lines.count; l++) {
		uint32_t s = lines.starts[l];
		uint32_t e = l + 1 < lines.count ? lines.starts[l + 1] : (uint32_t)len;
		pg_vec ids;
		bool positive;
		size_t k;
		pg_vec_init(&ids, sizeof(char *));
		if (parse_annotation_line(text + s, e - s, &positive, &ids)) {
			for (k = 0; k < ids.len; k++) {
				annotation *a = pg_vec_push(&pending);
				a->id = *PG_VEC_AT(&ids, char *, k);
				a->positive = positive;
				a->line = l + 1;
			}
			pg_vec_dispose(&ids);
			continue;
		}
		pg_vec_dispose(&ids);
		for (k = 0; k < pending.len; k++) {
			annotation *a = PG_VEC_AT(&pending, annotation, k);
			a->target = l + 1;
			*(annotation *)pg_vec_push(out) = *a;
		}
		pending.len = 0;
	}
	for (l = 0; l < pending.len; l++)
		free(PG_VEC_AT(&pending, annotation, l)->id);
	pg_vec_dispose(&pending);
	pg_lines_dispose(&lines);
}

/* The rule an example belongs to: the .yml in the same folder whose stem
 * is the example's name up to its first '.'. */
static const pg_rule *owner_rule(const pg_ruleset *rs, const char *example)
{
	const char *slash = strrchr(example, '/');
	const char *base = slash ? slash + 1 : example;
	const char *dot = strchr(base, '.');
	size_t dirlen = (size_t)(base - example), stem = dot ? (size_t)(dot - base) : strlen(base);
	size_t i;
	for (i = 0; i < rs->rules.len; i++) {
		const pg_rule *r = PG_RULESET_AT(rs, i);
		const char *rs_slash = strrchr(r->source, '/');
		const char *rbase = rs_slash ? rs_slash + 1 : r->source;
		const char *rdot = strrchr(rbase, '.');
		if ((size_t)(rbase - r->source) != dirlen || memcmp(r->source, example, dirlen) != 0)
			continue;
		if (rdot && (size_t)(rdot - rbase) == stem && memcmp(rbase, base, stem) == 0)
			return r;
	}
	return NULL;
}

static rule_counts *counts_for(pg_vec *counts, const pg_rule *r)
{
	size_t i;
	for (i = 0; i < counts->len; i++)
		if (PG_VEC_AT(counts, rule_counts, i)->rule == r)
			return PG_VEC_AT(counts, rule_counts, i);
	return NULL;
}

static void on_rule_error(void *ctx, const char *msg)
{
	void **pair = ctx;
	void (*on_fail)(void *, const char *) = (void (*)(void *, const char *))pair[0];
	if (on_fail)
		on_fail(pair[1], msg);
}

int pg_ruletest_run(const char *dir, uint32_t min_examples, void (*on_fail)(void *ctx, const char *msg),
		    void *ctx, pg_ruletest_summary *s)
{
	pg_ruleset rs;
	pg_engine *engine = NULL;
	pg_vec files, counts;
	pg_analysis_opts opts;
	size_t i, k;
	int bad = 0, bad_q = 0, err;
	void *pair[2] = { (void *)on_fail, ctx };
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return pg_error_set(PG_EUSAGE, "rules directory '%s' does not exist", dir);
	pg_ruleset_init(&rs);
	{
		/* the embedded rules first (builtin ones are used by suppression
		 * handling), then the directory's, which override same ids */
		pg_ruleset extra;
		pg_ruleset_init(&extra);
		if ((err = pg_ruleset_add_embedded(&rs)) < 0) {
			pg_ruleset_dispose(&rs);
			pg_ruleset_dispose(&extra);
			return err;
		}
		bad = pg_ruleset_add_dir(&extra, dir, on_rule_error, pair);
		s->failed += (uint32_t)bad;
		pg_ruleset_merge(&rs, &extra);
		pg_ruleset_dispose(&extra);
	}
	if ((err = pg_engine_new(&engine, &rs, on_rule_error, pair, &bad_q)) < 0) {
		pg_ruleset_dispose(&rs);
		return err;
	}
	s->failed += (uint32_t)bad_q;
	pg_vec_init(&counts, sizeof(rule_counts));
	for (i = 0; i < rs.rules.len; i++) {
		const pg_rule *r = PG_RULESET_AT(&rs, i);
		if (r->query && pg_str_starts_with(r->source, dir)) {
			rule_counts *c = pg_vec_push(&counts);
			c->rule = r;
			s->rules++;
		}
	}
	pg_vec_init(&files, sizeof(char *));
	pg_list_files(dir, NULL, &files);
	pg_analysis_opts_init(&opts);
	opts.filter = PG_FILTER_FILE;
	opts.jobs = 1;
	opts.max_findings_per_file = 0;
	for (i = 0; i < files.len; i++) {
		const char *path = *PG_VEC_AT(&files, char *, i);
		const pg_lang *lang = pg_lang_for_path(path);
		const pg_rule *owner;
		pg_result res;
		pg_file *f;
		pg_vec ann;
		char *text;
		size_t len;
		if (!lang || !(owner = owner_rule(&rs, path)))
			continue;
		if (read_file(path, &text, &len) < 0) {
			fail(on_fail, ctx, s, "%s", pg_error_last());
			continue;
		}
		s->examples++;
		pg_vec_init(&ann, sizeof(annotation));
		parse_annotations(text, len, &ann);
		pg_result_init(&res);
		f = pg_vec_push(&res.files);
		f->path = pg_strdup(path);
		f->status = PG_FILE_ADDED;
		f->lang = lang;
		f->content = text;
		f->content_len = len;
		f->added = pg_malloc(sizeof(pg_line_range));
		f->added[0].start = 1;
		f->added[0].end = UINT32_MAX;
		f->added_count = 1;
		pg_analysis_run_files(NULL, &rs, engine, &opts, &res);
		for (k = 0; k < ann.len; k++) {
			annotation *a = PG_VEC_AT(&ann, annotation, k);
			const pg_rule *r = pg_ruleset_find(&rs, a->id);
			rule_counts *c = r ? counts_for(&counts, r) : NULL;
			size_t j;
			bool found = false;
			s->checks++;
			if (!r) {
				fail(on_fail, ctx, s, "%s:%u: annotation names unknown rule '%s'", path, a->line, a->id);
				continue;
			}
			if (c) {
				if (a->positive)
					c->pos++;
				else
					c->neg++;
			}
			for (j = 0; j < res.findings.len; j++) {
				pg_finding *fd = PG_VEC_AT(&res.findings, pg_finding, j);
				if (fd->rule == r && !fd->suppressed && fd->line <= a->target && fd->end_line >= a->target &&
				    fd->line == a->target)
					found = true;
			}
			if (found == a->positive)
				s->passed++;
			else if (a->positive)
				fail(on_fail, ctx, s, "%s:%u: expected %s here, not found", path, a->target, a->id);
			else
				fail(on_fail, ctx, s, "%s:%u: %s flagged a line marked ok", path, a->target, a->id);
		}
		/* findings of the example's own rule that no annotation expects */
		for (k = 0; k < res.findings.len; k++) {
			pg_finding *fd = PG_VEC_AT(&res.findings, pg_finding, k);
			size_t j;
			bool expected = false;
			if (fd->rule != owner || fd->suppressed)
				continue;
			for (j = 0; j < ann.len && !expected; j++) {
				annotation *a = PG_VEC_AT(&ann, annotation, j);
				expected = a->target == fd->line && strcmp(a->id, owner->id) == 0;
			}
			if (!expected)
				fail(on_fail, ctx, s, "%s:%u: unexpected %s: %s", path, fd->line, owner->id, fd->message);
		}
		for (k = 0; k < ann.len; k++)
			free(PG_VEC_AT(&ann, annotation, k)->id);
		pg_vec_dispose(&ann);
		pg_result_dispose(&res);
	}
	for (i = 0; i < counts.len; i++) {
		rule_counts *c = PG_VEC_AT(&counts, rule_counts, i);
		if (c->pos < min_examples || c->neg < min_examples)
			fail(on_fail, ctx, s, "%s:1: rule %s has %u flagged and %u ok examples (at least %u of each needed)",
			     c->rule->source, c->rule->id, c->pos, c->neg, min_examples);
	}
	for (i = 0; i < files.len; i++)
		free(*PG_VEC_AT(&files, char *, i));
	pg_vec_dispose(&files);
	pg_vec_dispose(&counts);
	pg_engine_free(engine);
	pg_ruleset_dispose(&rs);
	return 0;
}
