/* event.c - the workflow's event payload, and JSON reports read back. */
#include "github.h"

#include <stdlib.h>
#include <string.h>

static void copy_sha(char out[41], json_t *v)
{
	const char *s = json_string_value(v);
	out[0] = 0;
	if (s && strlen(s) == 40)
		memcpy(out, s, 41);
}

static char *repo_name(json_t *repo)
{
	const char *s = json_string_value(json_object_get(repo, "full_name"));
	return pg_strdup(s ? s : "");
}

int pg_github_event_load(pg_github_event *out, const char *path, const char *event_name)
{
	json_error_t jerr;
	json_t *root, *pr, *wr;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->name = pg_strdup(event_name ? event_name : "");
	if (!(root = json_load_file(path, 0, &jerr)))
		return pg_error_set(PG_ECONFIG, "cannot read the event file '%s': %s", path, jerr.text);
	if ((pr = json_object_get(root, "pull_request")) && json_is_object(pr)) {
		out->number = (long)json_integer_value(json_object_get(pr, "number"));
		if (!out->number)
			out->number = (long)json_integer_value(json_object_get(root, "number"));
		copy_sha(out->base_sha, json_object_get(json_object_get(pr, "base"), "sha"));
		copy_sha(out->head_sha, json_object_get(json_object_get(pr, "head"), "sha"));
		out->head_repo = repo_name(json_object_get(json_object_get(pr, "head"), "repo"));
		out->base_repo = repo_name(json_object_get(json_object_get(pr, "base"), "repo"));
	} else if ((wr = json_object_get(root, "workflow_run")) && json_is_object(wr)) {
		/* workflow_run: the pull request list is empty for forks, so the
		 * number usually comes from the artifact (--pr) */
		json_t *prs = json_object_get(wr, "pull_requests");
		json_t *first = json_array_get(prs, 0);
		copy_sha(out->head_sha, json_object_get(wr, "head_sha"));
		if (first) {
			out->number = (long)json_integer_value(json_object_get(first, "number"));
			copy_sha(out->base_sha, json_object_get(json_object_get(first, "base"), "sha"));
		}
		out->head_repo = repo_name(json_object_get(wr, "head_repository"));
		out->base_repo = repo_name(json_object_get(root, "repository"));
		if (!*out->base_repo) {
			free(out->base_repo);
			out->base_repo = repo_name(json_object_get(wr, "repository"));
		}
	} else {
		err = pg_error_set(PG_ECONFIG,
				   "the event in '%s' has no pull request: run prgate review on pull_request, "
				   "pull_request_target or workflow_run events",
				   path);
		goto done;
	}
	out->fork = *out->head_repo && *out->base_repo && strcmp(out->head_repo, out->base_repo) != 0;
done:
	json_decref(root);
	return err;
}

void pg_github_event_dispose(pg_github_event *ev)
{
	if (!ev)
		return;
	free(ev->name);
	free(ev->head_repo);
	free(ev->base_repo);
	memset(ev, 0, sizeof(*ev));
}

static char *dup_or(json_t *v, const char *dflt)
{
	const char *s = json_string_value(v);
	return s ? pg_strdup(s) : dflt ? pg_strdup(dflt) : NULL;
}

static uint32_t u32(json_t *v)
{
	json_int_t n = json_integer_value(v);
	return n > 0 && n < (json_int_t)UINT32_MAX ? (uint32_t)n : 0;
}

static const pg_rule *rule_for(pg_ruleset *rules, json_t *f)
{
	const char *id = json_string_value(json_object_get(f, "rule"));
	const char *cat = json_string_value(json_object_get(f, "category"));
	const pg_rule *known;
	pg_rule *r;
	int c;
	if (!id)
		return NULL;
	if ((known = pg_ruleset_find(rules, id)))
		return known;
	r = pg_calloc(1, sizeof(*r));
	r->id = pg_strdup(id);
	r->language = pg_strdup("any");
	c = pg_severity_parse(json_string_value(json_object_get(f, "severity")) ?
				      json_string_value(json_object_get(f, "severity")) : "warning", false);
	r->severity = c < 0 ? PG_SEV_WARNING : (pg_severity)c;
	r->category = PG_CAT_MAINTAINABILITY;
	for (c = 0; cat && c < PG_CAT__COUNT; c++)
		if (strcmp(cat, pg_category_name((pg_rule_category)c)) == 0)
			r->category = (pg_rule_category)c;
	r->message = dup_or(json_object_get(f, "message"), "");
	r->explain = pg_strdup("");
	r->source = pg_strdup("<report>");
	r->enabled = true;
	if (pg_ruleset_add(rules, r) < 0) {
		pg_rule_free(r);
		return NULL;
	}
	return r;
}

int pg_github_load_report(pg_result *r, pg_ruleset *rules, const char *path)
{
	json_error_t jerr;
	json_t *root, *v, *item;
	size_t i;
	int sev;

	if (!(root = json_load_file(path, 0, &jerr)))
		return pg_error_set(PG_ECONFIG, "%s:%d: not a JSON report: %s", path, jerr.line, jerr.text);
	if (json_integer_value(json_object_get(root, "version")) != 1 ||
	    !json_is_array(json_object_get(root, "findings"))) {
		json_decref(root);
		return pg_error_set(PG_ECONFIG, "%s: not a prgate JSON report (version 1; write one with "
						"'prgate check -f json' or 'prgate review --output')", path);
	}
	v = json_object_get(root, "range");
	copy_sha(r->range.base, json_object_get(v, "base"));
	copy_sha(r->range.head, json_object_get(v, "head"));
	r->range.spec = dup_or(json_object_get(v, "spec"), "");
	json_array_foreach(json_object_get(root, "files"), i, item) {
		pg_file *f = pg_vec_push(&r->files);
		const char *st = json_string_value(json_object_get(item, "status"));
		int s;
		f->path = dup_or(json_object_get(item, "path"), "");
		f->old_path = dup_or(json_object_get(item, "old_path"), NULL);
		f->status = PG_FILE_MODIFIED;
		for (s = PG_FILE_ADDED; st && s <= PG_FILE_UNCHANGED; s++)
			if (strcmp(st, pg_file_status_name((pg_file_status)s)) == 0)
				f->status = (pg_file_status)s;
		/* skip reasons are static strings in the model: keep a generic one */
		if (json_is_string(json_object_get(item, "skipped_reason")))
			f->skip_reason = "skipped";
		f->lines_added = u32(json_object_get(item, "lines_added"));
		f->lines_deleted = u32(json_object_get(item, "lines_deleted"));
		f->findings = u32(json_object_get(item, "findings"));
		if (!f->skip_reason)
			r->files_analyzed++;
	}
	json_array_foreach(json_object_get(root, "findings"), i, item) {
		const pg_rule *rule = rule_for(rules, item);
		const char *p = json_string_value(json_object_get(item, "path"));
		pg_finding *fd;
		size_t k;
		if (!rule || !p)
			continue;
		fd = pg_vec_push(&r->findings);
		fd->rule = rule;
		sev = pg_severity_parse(json_string_value(json_object_get(item, "severity")) ?
						json_string_value(json_object_get(item, "severity")) : "", false);
		fd->severity = sev < 0 ? rule->severity : (pg_severity)sev;
		fd->message = dup_or(json_object_get(item, "message"), "");
		/* a finding borrows its path from the file it is in */
		fd->path = NULL;
		for (k = 0; k < r->files.len; k++)
			if (strcmp(PG_VEC_AT(&r->files, pg_file, k)->path, p) == 0)
				fd->path = PG_VEC_AT(&r->files, pg_file, k)->path;
		if (!fd->path) {
			pg_file *f = pg_vec_push(&r->files);
			f->path = pg_strdup(p);
			f->status = PG_FILE_MODIFIED;
			fd = PG_VEC_AT(&r->findings, pg_finding, r->findings.len - 1);
			fd->path = f->path;
		}
		fd->line = u32(json_object_get(item, "line"));
		fd->column = u32(json_object_get(item, "column"));
		fd->end_line = u32(json_object_get(item, "end_line"));
		fd->end_column = u32(json_object_get(item, "end_column"));
		fd->snippet = dup_or(json_object_get(item, "snippet"), "");
		fd->fingerprint = dup_or(json_object_get(item, "fingerprint"), "");
		fd->context = dup_or(json_object_get(item, "context"), NULL);
		fd->fix = dup_or(json_object_get(item, "fix"), NULL);
		fd->suppressed = json_is_true(json_object_get(item, "suppressed"));
		fd->suppress_reason = dup_or(json_object_get(item, "suppress_reason"), NULL);
	}
	json_decref(root);
	return 0;
}
