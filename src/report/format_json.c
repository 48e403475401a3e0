/* format_json.c - the versioned JSON contract (docs/json-output.md). */
#include "report.h"
#include "report/sections.h"
#include "version.h"
#include "lang/lang.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A JSON string from bytes that may not be valid UTF-8. */
json_t *pg_json_text(const char *s)
{
	char *clean;
	json_t *j;
	if (!s)
		return json_null();
	/* jansson takes valid UTF-8 as is (most strings), and refuses the rest */
	if ((j = json_string(s)))
		return j;
	clean = pg_utf8_sanitize(s, strlen(s));
	j = json_string(clean);
	free(clean);
	return j ? j : json_string("");
}

static int dump_to_buf(const char *text, size_t size, void *out)
{
	return pg_buf_put(out, text, size) < 0 ? -1 : 0;
}

void pg_json_dump(const json_t *root, pg_buf *out)
{
	size_t mark = out->len;
	/* straight into the buffer: json_dumps would build the text, copy it,
	 * and the buffer copy it again */
	if (json_dump_callback(root, dump_to_buf, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
	    pg_buf_putc(out, '\n') < 0) {
		out->len = mark;
		out->ptr[mark] = '\0';
	}
}

static void begin(pg_report *rp)
{
	json_t *root = json_object();
	json_t *range = json_object();
	const pg_result *r = rp->result;
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "tool", json_pack("{s:s,s:s}", "name", "prgate", "version", PRGATE_VERSION));
	json_object_set_new(range, "base", json_string(r->range.base));
	json_object_set_new(range, "head", r->range.staged ? json_null() : json_string(r->range.head));
	json_object_set_new(range, "spec", pg_json_text(r->range.spec ? r->range.spec : ""));
	json_object_set_new(root, "range", range);
	json_object_set_new(root, "filter", json_string(rp->opts->filter ? rp->opts->filter : "added"));
	json_object_set_new(root, "findings", json_array());
	rp->state = root;
}

json_t *pg_json_finding(const pg_finding *fd)
{
	json_t *o = json_object();
	json_object_set_new(o, "rule", json_string(fd->rule->id));
	json_object_set_new(o, "severity", json_string(pg_severity_name(fd->severity)));
	json_object_set_new(o, "category", json_string(pg_category_name(fd->rule->category)));
	json_object_set_new(o, "message", pg_json_text(fd->message));
	json_object_set_new(o, "path", pg_json_text(fd->path));
	json_object_set_new(o, "line", json_integer(fd->line));
	json_object_set_new(o, "column", json_integer(fd->column));
	json_object_set_new(o, "end_line", json_integer(fd->end_line));
	json_object_set_new(o, "end_column", json_integer(fd->end_column));
	json_object_set_new(o, "snippet", pg_json_text(fd->snippet ? fd->snippet : ""));
	json_object_set_new(o, "fingerprint", json_string(fd->fingerprint ? fd->fingerprint : ""));
	json_object_set_new(o, "context", pg_json_text(fd->context));
	json_object_set_new(o, "fix", pg_json_text(fd->fix));
	json_object_set_new(o, "suppressed", json_boolean(fd->suppressed));
	if (fd->suppressed)
		json_object_set_new(o, "suppress_reason", pg_json_text(fd->suppress_reason));
	return o;
}

static void finding(pg_report *rp, const pg_file *f, const pg_finding *fd)
{
	(void)f;
	json_array_append_new(json_object_get(rp->state, "findings"), pg_json_finding(fd));
}

static void end(pg_report *rp)
{
	json_t *root = rp->state, *files = json_array(), *summary = json_object(), *sev, *gate;
	const pg_result *r = rp->result;
	size_t i, skipped = 0;
	for (i = 0; i < r->files.len; i++) {
		const pg_file *f = PG_VEC_AT(&r->files, pg_file, i);
		json_t *o = json_object();
		json_object_set_new(o, "path", pg_json_text(f->path));
		if (f->old_path)
			json_object_set_new(o, "old_path", pg_json_text(f->old_path));
		json_object_set_new(o, "language", f->lang ? json_string(f->lang->name) : json_null());
		json_object_set_new(o, "status", json_string(pg_file_status_name(f->status)));
		json_object_set_new(o, "skipped_reason", f->skip_reason ? json_string(f->skip_reason) : json_null());
		if (f->error)
			json_object_set_new(o, "error", pg_json_text(f->error));
		json_object_set_new(o, "lines_added", json_integer(f->lines_added));
		json_object_set_new(o, "lines_deleted", json_integer(f->lines_deleted));
		json_object_set_new(o, "findings", json_integer(f->findings));
		if (f->match_limited)
			json_object_set_new(o, "match_limited", json_integer(f->match_limited));
		json_array_append_new(files, o);
		if (f->skip_reason)
			skipped++;
	}
	json_object_set_new(root, "files", files);
	json_object_set_new(summary, "files_changed", json_integer((json_int_t)r->files.len));
	json_object_set_new(summary, "files_analyzed", json_integer(r->files_analyzed));
	json_object_set_new(summary, "files_skipped", json_integer((json_int_t)skipped));
	sev = json_pack("{s:i,s:i,s:i}", "error", r->findings_by_severity[PG_SEV_ERROR], "warning",
			r->findings_by_severity[PG_SEV_WARNING], "note", r->findings_by_severity[PG_SEV_NOTE]);
	json_object_set_new(summary, "findings_by_severity", sev);
	json_object_set_new(summary, "suppressed", json_integer(r->suppressed));
	gate = json_pack("{s:s,s:b}", "fail_level", pg_severity_name(r->fail_level), "failed", r->gate_failed);
	json_object_set_new(summary, "gate", gate);
	json_object_set_new(root, "summary", summary);
	pg_sections_json(r, root);
	pg_json_dump(root, rp->out);
	json_decref(root);
}

const pg_format pg_format_json = { "json", begin, NULL, finding, NULL, end, true };
