/* format_sarif.c - SARIF 2.1.0 for code scanning: rule metadata,
 * partialFingerprints (the line-independent fingerprint) and
 * repository-relative URIs under the SRCROOT base. */
#include "report.h"
#include "report/section_stakes.h"
#include "report/sections.h"
#include "version.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* sarif_state - what the driver accumulates.
 *   root    - the whole log
 *   rules   - tool.driver.rules, one per rule id seen
 *   results - runs[0].results */
typedef struct sarif_state {
	json_t *root;
	json_t *rules;
	json_t *results;
} sarif_state;

static const char *level_of(pg_severity s)
{
	return s == PG_SEV_ERROR ? "error" : s == PG_SEV_WARNING ? "warning" : "note";
}

/* A repository-relative path as a URI reference: unreserved characters and
 * '/' kept, everything else percent-encoded. */
static json_t *uri_of(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	pg_buf b;
	json_t *j;
	const unsigned char *p;
	pg_buf_init(&b, 0);
	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			pg_buf_putc(&b, (char)*p);
		else {
			pg_buf_putc(&b, '%');
			pg_buf_putc(&b, hex[*p >> 4]);
			pg_buf_putc(&b, hex[*p & 15]);
		}
	}
	j = json_string(b.ptr);
	pg_buf_dispose(&b);
	return j;
}

static void begin(pg_report *rp)
{
	sarif_state *st = pg_calloc(1, sizeof(*st));
	json_t *run, *driver, *base;
	st->root = json_object();
	st->rules = json_array();
	st->results = json_array();
	json_object_set_new(st->root, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(st->root, "version", json_string("2.1.0"));
	driver = json_pack("{s:s,s:s,s:s}", "name", "prgate", "version", PRGATE_VERSION, "semanticVersion",
			   PRGATE_VERSION);
	json_object_set(driver, "rules", st->rules);
	run = json_object();
	json_object_set_new(run, "tool", json_pack("{s:o}", "driver", driver));
	/* URIs stay repository-relative; SRCROOT names the checkout without
	 * claiming a machine path unless we know it. */
	base = json_object();
	json_object_set_new(base, "description", json_pack("{s:s}", "text", "The repository root"));
	json_object_set_new(run, "originalUriBaseIds", json_pack("{s:o}", "SRCROOT", base));
	json_object_set(run, "results", st->results);
	{
		/* the stakes triage travels as run properties */
		json_t *props = pg_section_stakes_sarif_properties(rp->result);
		if (props)
			json_object_set_new(run, "properties", props);
	}
	json_object_set_new(st->root, "runs", json_pack("[o]", run));
	rp->state = st;
}

static size_t rule_index(sarif_state *st, const pg_finding *fd)
{
	const pg_rule *r = fd->rule;
	json_t *o, *props, *tags;
	size_t i;
	for (i = 0; i < json_array_size(st->rules); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(st->rules, i), "id")), r->id) == 0)
			return i;
	o = json_object();
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "name", json_string(r->id));
	json_object_set_new(o, "shortDescription", json_pack("{s:o}", "text", pg_json_text(r->message)));
	if (r->explain && *r->explain) {
		json_object_set_new(o, "fullDescription", json_pack("{s:o}", "text", pg_json_text(r->explain)));
		json_object_set_new(o, "help", json_pack("{s:o}", "text", pg_json_text(r->explain)));
	}
	if (r->references && r->references[0])
		json_object_set_new(o, "helpUri", pg_json_text(r->references[0]));
	json_object_set_new(o, "defaultConfiguration", json_pack("{s:s}", "level", level_of(r->severity)));
	props = json_object();
	tags = json_pack("[s,s]", pg_category_name(r->category), r->language ? r->language : "any");
	json_object_set_new(props, "tags", tags);
	if (r->category == PG_CAT_SECURITY)
		json_object_set_new(props, "security-severity",
				    json_string(r->severity == PG_SEV_ERROR ? "8.0" : r->severity == PG_SEV_WARNING ? "5.0" : "2.0"));
	json_object_set_new(o, "properties", props);
	json_array_append_new(st->rules, o);
	return json_array_size(st->rules) - 1;
}

static void finding(pg_report *rp, const pg_file *f, const pg_finding *fd)
{
	sarif_state *st = rp->state;
	json_t *res = json_object(), *region = json_object(), *art, *loc;
	size_t idx = rule_index(st, fd);
	(void)f;
	json_object_set_new(res, "ruleId", json_string(fd->rule->id));
	json_object_set_new(res, "ruleIndex", json_integer((json_int_t)idx));
	json_object_set_new(res, "level", json_string(level_of(fd->severity)));
	json_object_set_new(res, "message", json_pack("{s:o}", "text", pg_json_text(fd->message)));
	art = json_pack("{s:o,s:s}", "uri", uri_of(fd->path), "uriBaseId", "SRCROOT");
	json_object_set_new(region, "startLine", json_integer(fd->line ? fd->line : 1));
	if (fd->column)
		json_object_set_new(region, "startColumn", json_integer(fd->column));
	if (fd->end_line >= fd->line && fd->end_line)
		json_object_set_new(region, "endLine", json_integer(fd->end_line));
	if (fd->end_column && (fd->end_line > fd->line || fd->end_column > fd->column))
		json_object_set_new(region, "endColumn", json_integer(fd->end_column));
	if (fd->snippet && *fd->snippet)
		json_object_set_new(region, "snippet", json_pack("{s:o}", "text", pg_json_text(fd->snippet)));
	loc = json_pack("{s:{s:o,s:o}}", "physicalLocation", "artifactLocation", art, "region", region);
	json_object_set_new(res, "locations", json_pack("[o]", loc));
	if (fd->fingerprint && *fd->fingerprint)
		json_object_set_new(res, "partialFingerprints",
				    json_pack("{s:s}", "prgateFingerprint/v1", fd->fingerprint));
	if (fd->suppressed) {
		json_t *s = json_pack("{s:s}", "kind", "inSource");
		if (fd->suppress_reason)
			json_object_set_new(s, "justification", pg_json_text(fd->suppress_reason));
		json_object_set_new(res, "suppressions", json_pack("[o]", s));
	}
	json_array_append_new(st->results, res);
}

static void end(pg_report *rp)
{
	sarif_state *st = rp->state;
	pg_json_dump(st->root, rp->out);
	json_decref(st->rules);
	json_decref(st->results);
	json_decref(st->root);
	free(st);
	rp->state = NULL;
}

const pg_format pg_format_sarif = { "sarif", begin, NULL, finding, NULL, end, true };
