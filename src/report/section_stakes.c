/* section_stakes.c - the Review focus section in text, JSON, markdown and
 * SARIF properties, from one pg_stakes. */
#include "section_stakes.h"
#include "sections.h"
#include "stakes/stakes.h"

#include <stdlib.h>
#include <string.h>

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_GREEN "\033[1;32m"
#define MAX_TEXT_FILES 40

static const char *tier_color(pg_stakes_tier t)
{
	return t == PG_TIER_HIGH ? C_RED : t == PG_TIER_MEDIUM ? C_YELLOW : C_GREEN;
}

static uint32_t agent_commits(const pg_stakes *s)
{
	uint32_t n = 0;
	size_t i;
	for (i = 0; i < s->commits.len; i++)
		if (PG_VEC_AT(&s->commits, pg_stakes_commit, i)->agent)
			n++;
	return n;
}

/* "Claude, Copilot": the distinct agents, in commit order. Owned. */
static char *agent_names(const pg_stakes *s)
{
	pg_buf b;
	size_t i;
	pg_buf_init(&b, 4096);
	for (i = 0; i < s->commits.len; i++) {
		const char *a = PG_VEC_AT(&s->commits, pg_stakes_commit, i)->agent;
		if (!a || strstr(b.ptr, a))
			continue;
		if (b.len)
			pg_buf_puts(&b, ", ");
		pg_buf_puts(&b, a);
	}
	return pg_buf_detach(&b);
}

static double agent_share(const pg_stakes *s)
{
	return s->total_lines ? (double)s->agent_lines / (double)s->total_lines : 0.0;
}

json_t *pg_section_stakes_object(const pg_result *r)
{
	const pg_stakes *s = r->stakes;
	json_t *o, *reasons, *files, *order, *prov, *commits;
	size_t i, k;
	if (!s)
		return NULL;
	o = json_object();
	json_object_set_new(o, "tier", json_string(pg_stakes_tier_name(s->tier)));
	reasons = json_array();
	for (i = 0; i < s->reasons.len; i++)
		json_array_append_new(reasons, pg_json_text(*PG_VEC_AT(&s->reasons, char *, i)));
	json_object_set_new(o, "reasons", reasons);
	files = json_array();
	for (i = 0; i < s->files.len; i++) {
		const pg_stakes_file *sf = PG_VEC_AT(&s->files, pg_stakes_file, i);
		json_t *fo = json_object(), *sigs = json_array(), *hunks = json_array();
		json_object_set_new(fo, "path", pg_json_text(sf->path));
		json_object_set_new(fo, "tier", json_string(pg_stakes_tier_name(sf->tier)));
		for (k = 0; k < sf->signals.len; k++) {
			const pg_stakes_signal *sg = PG_VEC_AT(&sf->signals, pg_stakes_signal, k);
			json_array_append_new(sigs, json_pack("{s:s,s:o,s:o,s:s,s:b}", "kind", sg->kind, "line",
							      sg->line ? json_integer(sg->line) : json_null(),
							      "reason", pg_json_text(sg->reason), "tier",
							      pg_stakes_tier_name(sg->tier), "lowers", sg->lowers));
		}
		json_object_set_new(fo, "signals", sigs);
		for (k = 0; k < sf->hunks.len; k++) {
			const pg_stakes_hunk *h = PG_VEC_AT(&sf->hunks, pg_stakes_hunk, k);
			json_array_append_new(hunks, json_pack("{s:i,s:i,s:s,s:b}", "start_line", h->start, "end_line",
							       h->end, "tier", pg_stakes_tier_name(h->tier),
							       "formatting_only", h->formatting));
		}
		json_object_set_new(fo, "hunks", hunks);
		json_object_set_new(fo, "hint", pg_json_text(sf->hint));
		json_array_append_new(files, fo);
	}
	json_object_set_new(o, "files", files);
	order = json_array();
	for (i = 0; i < s->review_order.len; i++) {
		const pg_stakes_order *e = PG_VEC_AT(&s->review_order, pg_stakes_order, i);
		json_array_append_new(order, json_pack("{s:o,s:i,s:i,s:s,s:o}", "path", pg_json_text(e->path),
						       "start_line", e->start, "end_line", e->end, "tier",
						       pg_stakes_tier_name(e->tier), "reason", pg_json_text(e->reason)));
	}
	json_object_set_new(o, "review_order", order);
	prov = json_object();
	commits = json_array();
	for (i = 0; i < s->commits.len; i++) {
		const pg_stakes_commit *c = PG_VEC_AT(&s->commits, pg_stakes_commit, i);
		json_array_append_new(commits, json_pack("{s:s,s:o,s:o,s:b,s:o,s:o,s:i}", "sha", c->sha, "author",
							 pg_json_text(c->author), "subject", pg_json_text(c->subject),
							 "agent_written", c->agent != NULL, "agent",
							 pg_json_text(c->agent), "marker", pg_json_text(c->marker),
							 "lines_added", c->lines_added));
	}
	json_object_set_new(prov, "agent_written", json_boolean(agent_commits(s) > 0));
	json_object_set_new(prov, "commits", json_integer((json_int_t)s->commits.len));
	json_object_set_new(prov, "agent_commits", json_integer(agent_commits(s)));
	json_object_set_new(prov, "agent_lines", json_integer(s->agent_lines));
	json_object_set_new(prov, "total_lines", json_integer(s->total_lines));
	json_object_set_new(prov, "agent_share", json_real((double)(int)(agent_share(s) * 1000 + 0.5) / 1000));
	json_object_set_new(prov, "list", commits);
	json_object_set_new(o, "provenance", prov);
	if (s->advisory_status)
		json_object_set_new(o, "advisory",
				    json_pack("{s:b,s:o,s:o,s:b}", "advisory_only", 1, "status",
					      pg_json_text(s->advisory_status), "output",
					      pg_json_text(s->advisory ? s->advisory : ""), "truncated",
					      s->advisory_truncated));
	else
		json_object_set_new(o, "advisory", json_null());
	return o;
}

void pg_section_stakes_json(const pg_result *r, json_t *root)
{
	json_t *o = pg_section_stakes_object(r);
	if (o)
		json_object_set_new(root, "stakes", o);
}

json_t *pg_section_stakes_sarif_properties(const pg_result *r)
{
	json_t *o = pg_section_stakes_object(r);
	return o ? json_pack("{s:o}", "stakes", o) : NULL;
}

static void text_tier(pg_buf *b, pg_stakes_tier t, bool color, int width)
{
	if (color)
		pg_buf_printf(b, "%s%-*s" C_RESET, tier_color(t), width, pg_stakes_tier_name(t));
	else
		pg_buf_printf(b, "%-*s", width, pg_stakes_tier_name(t));
}

static void text_advisory(const pg_stakes *s, pg_buf *b)
{
	const char *p = s->advisory ? s->advisory : "";
	if (!s->advisory_status)
		return;
	pg_buf_printf(b, "  advisory from --agent-cmd (never decides the gate; %s%s):\n", s->advisory_status,
		      s->advisory_truncated ? ", output truncated" : "");
	while (*p) {
		size_t n = strcspn(p, "\n");
		pg_buf_puts(b, "    | ");
		pg_buf_put(b, p, n);
		pg_buf_putc(b, '\n');
		p += n;
		if (*p)
			p++;
	}
}

void pg_section_stakes_text(const pg_result *r, pg_buf *b, bool color)
{
	const pg_stakes *s = r->stakes;
	size_t i, low = 0, shown = 0;
	if (!s)
		return;
	pg_buf_puts(b, color ? C_BOLD "Review focus: " C_RESET : "Review focus: ");
	text_tier(b, s->tier, color, 0);
	pg_buf_putc(b, '\n');
	for (i = 0; i < s->reasons.len; i++)
		pg_buf_printf(b, "  %s %s\n", i ? "    " : "why:", *PG_VEC_AT(&s->reasons, char *, i));
	if (s->review_order.len) {
		pg_buf_puts(b, "  read these hunks first:\n");
		for (i = 0; i < s->review_order.len && i < 10; i++) {
			const pg_stakes_order *e = PG_VEC_AT(&s->review_order, pg_stakes_order, i);
			pg_buf_printf(b, "    %zu. %s:%u-%u  ", i + 1, e->path, e->start, e->end);
			text_tier(b, e->tier, color, 0);
			pg_buf_printf(b, "  %s\n", e->reason);
		}
	}
	/* Low-stakes files are only counted here: the text stays about what to
	 * read (their hints are in the JSON and markdown outputs). */
	for (i = 0; i < s->files.len; i++)
		if (PG_VEC_AT(&s->files, pg_stakes_file, i)->tier == PG_TIER_LOW)
			low++;
	if (s->files.len > low)
		pg_buf_puts(b, "  files:\n");
	for (i = 0; i < s->files.len && shown < MAX_TEXT_FILES; i++) {
		const pg_stakes_file *sf = PG_VEC_AT(&s->files, pg_stakes_file, i);
		if (sf->tier == PG_TIER_LOW)
			continue;
		shown++;
		pg_buf_puts(b, "    ");
		text_tier(b, sf->tier, color, 7);
		pg_buf_printf(b, "%s", sf->path);
		if (sf->hint)
			pg_buf_printf(b, "  (exercise: %s)", sf->hint);
		pg_buf_putc(b, '\n');
	}
	if (s->files.len - low > shown)
		pg_buf_printf(b, "    ... and %zu more files (see -f json)\n", s->files.len - low - shown);
	if (low)
		pg_buf_printf(b, "  %zu low-stakes file%s: exercise rather than read (hints: -f json or -f markdown)\n",
			      low, low == 1 ? "" : "s");
	if (s->commits.len) {
		char *names = agent_names(s);
		if (agent_commits(s))
			pg_buf_printf(b, "  provenance: %u of %zu commits agent-written (%s), %.0f%% of added lines\n",
				      agent_commits(s), s->commits.len, names, agent_share(s) * 100);
		else
			pg_buf_printf(b, "  provenance: no agent-written commit among %zu\n", s->commits.len);
		free(names);
	}
	text_advisory(s, b);
	pg_buf_putc(b, '\n');
}

/* A markdown table cell: no pipes or newlines. */
static void md_cell(pg_buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			pg_buf_puts(b, "\\|");
		else if (*s == '\n' || *s == '\r')
			pg_buf_putc(b, ' ');
		else if (*s == '<')
			pg_buf_puts(b, "&lt;");
		else
			pg_buf_putc(b, *s);
	}
}

void pg_section_stakes_markdown(const pg_result *r, pg_buf *b)
{
	const pg_stakes *s = r->stakes;
	size_t i;
	if (!s)
		return;
	pg_buf_printf(b, "### Review focus: **%s**\n\n", pg_stakes_tier_name(s->tier));
	if (s->files.len) {
		pg_buf_puts(b, "| Tier | File | Why | How to exercise |\n|---|---|---|---|\n");
		for (i = 0; i < s->files.len && i < 50; i++) {
			const pg_stakes_file *sf = PG_VEC_AT(&s->files, pg_stakes_file, i);
			const pg_stakes_signal *sg = NULL;
			size_t k;
			for (k = 0; k < sf->signals.len; k++) {
				const pg_stakes_signal *c = PG_VEC_AT(&sf->signals, pg_stakes_signal, k);
				if (!sg || (!c->lowers && (sg->lowers || c->tier > sg->tier)))
					sg = c;
			}
			pg_buf_printf(b, "| %s | `", pg_stakes_tier_name(sf->tier));
			md_cell(b, sf->path);
			pg_buf_puts(b, "` | ");
			md_cell(b, sg ? sg->reason : "");
			if (sf->signals.len > 1)
				pg_buf_printf(b, " (+%zu more)", sf->signals.len - 1);
			pg_buf_puts(b, " | ");
			md_cell(b, sf->hint);
			pg_buf_puts(b, " |\n");
		}
		if (s->files.len > 50)
			pg_buf_printf(b, "\n%zu more files are listed in the JSON output.\n", s->files.len - 50);
		pg_buf_putc(b, '\n');
	}
	if (s->review_order.len) {
		pg_buf_puts(b, "**Read these hunks first:**\n\n");
		for (i = 0; i < s->review_order.len && i < 10; i++) {
			const pg_stakes_order *e = PG_VEC_AT(&s->review_order, pg_stakes_order, i);
			pg_buf_printf(b, "%zu. `", i + 1);
			md_cell(b, e->path);
			pg_buf_printf(b, ":%u-%u` (%s): ", e->start, e->end, pg_stakes_tier_name(e->tier));
			md_cell(b, e->reason);
			pg_buf_putc(b, '\n');
		}
		pg_buf_putc(b, '\n');
	}
	if (s->commits.len) {
		char *names = agent_names(s);
		if (agent_commits(s))
			pg_buf_printf(b, "**Provenance:** %u of %zu commits agent-written (%s), %.0f%% of added lines.\n\n",
				      agent_commits(s), s->commits.len, names, agent_share(s) * 100);
		free(names);
	}
	if (s->advisory_status) {
		pg_buf_printf(b, "<details><summary>Advisory from the agent command (never decides the gate; %s%s)</summary>\n\n",
			      s->advisory_status, s->advisory_truncated ? ", truncated" : "");
		pg_buf_puts(b, "````text\n");
		pg_buf_puts(b, s->advisory ? s->advisory : "");
		if (s->advisory && s->advisory[0] && s->advisory[strlen(s->advisory) - 1] != '\n')
			pg_buf_putc(b, '\n');
		pg_buf_puts(b, "````\n\n</details>\n\n");
	}
}
