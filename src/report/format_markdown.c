/* format_markdown.c - the summary in GitHub-flavoured markdown: the verdict,
 * counts by severity and category, the top findings, every finding grouped
 * by file, the ledger of files analysed and skipped, and the tests and
 * coverage section. The same text is the sticky pull request comment and
 * the job summary. */
#include "report.h"
#include "report/section_stakes.h"
#include "report/sections.h"

#include <stdlib.h>
#include <string.h>

#define TOP_FINDINGS 10

/* md_state - the findings seen, in report order (borrowed). */
typedef struct md_state {
	pg_vec findings; /* const pg_finding * */
	uint32_t by_category[PG_CAT__COUNT];
} md_state;

/* Inline text: no markup, no HTML, no table breaks, one line. */
static void md_text(pg_buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (strchr("\\`*_[]<>|#~!", *s))
			pg_buf_putc(b, '\\');
		if (*s == '\n' || *s == '\r')
			pg_buf_putc(b, ' ');
		else
			pg_buf_putc(b, *s);
	}
}

/* A code span that survives backticks inside. */
static void md_code(pg_buf *b, const char *s)
{
	const char *fence = strchr(s, '`') ? "`` " : "`";
	const char *close = strchr(s, '`') ? " ``" : "`";
	pg_buf_puts(b, fence);
	for (; *s; s++)
		pg_buf_putc(b, *s == '\n' || *s == '|' ? ' ' : *s);
	pg_buf_puts(b, close);
}

static const char *sev_icon(pg_severity s)
{
	return s == PG_SEV_ERROR ? "🔴" : s == PG_SEV_WARNING ? "🟠" : "🔵";
}

static void begin(pg_report *rp)
{
	md_state *st = pg_calloc(1, sizeof(*st));
	pg_vec_init(&st->findings, sizeof(const pg_finding *));
	rp->state = st;
}

static void finding(pg_report *rp, const pg_file *f, const pg_finding *fd)
{
	md_state *st = rp->state;
	(void)f;
	if (fd->suppressed)
		return;
	*(const pg_finding **)pg_vec_push(&st->findings) = fd;
	if ((unsigned)fd->rule->category < PG_CAT__COUNT)
		st->by_category[fd->rule->category]++;
}

static int by_severity(const void *a, const void *b)
{
	const pg_finding *x = *(const pg_finding *const *)a, *y = *(const pg_finding *const *)b;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	/* keep report order (path, line) among equals */
	return x < y ? -1 : x > y;
}

static void finding_line(pg_buf *b, const pg_finding *fd, bool with_path)
{
	pg_buf_printf(b, "- %s **%s** ", sev_icon(fd->severity), pg_severity_name(fd->severity));
	md_code(b, fd->rule->id);
	pg_buf_puts(b, " ");
	if (with_path)
		md_code(b, fd->path);
	if (fd->end_line > fd->line)
		pg_buf_printf(b, "%sline %u-%u: ", with_path ? " " : "", fd->line, fd->end_line);
	else
		pg_buf_printf(b, "%sline %u: ", with_path ? " " : "", fd->line);
	md_text(b, fd->message);
	pg_buf_putc(b, '\n');
}

static void end(pg_report *rp)
{
	md_state *st = rp->state;
	const pg_result *r = rp->result;
	pg_buf *b = rp->out;
	const pg_finding **all = st->findings.items;
	const pg_finding **sorted = NULL;
	size_t n = st->findings.len, i, skipped = 0;
	const char *cur = NULL;
	int c;

	pg_buf_printf(b, "## prgate: %s\n\n",
		      r->gate_failed ? "❌ the gate failed" : "✅ the gate passed");
	if (r->range.head[0])
		pg_buf_printf(b, "Compared `%.12s`...`%.12s`", r->range.base[0] ? r->range.base : "(empty tree)",
			      r->range.head);
	else
		pg_buf_puts(b, "Compared the staged changes");
	pg_buf_printf(b, " · fail level **%s** · filter **%s** · %zu finding%s\n\n",
		      pg_severity_name(r->fail_level), rp->opts->filter ? rp->opts->filter : "added", n,
		      n == 1 ? "" : "s");

	/* the review focus comes first: what to read line by line */
	pg_section_stakes_markdown(r, b);

	pg_buf_puts(b, "| Severity | Findings |\n|---|---:|\n");
	for (c = PG_SEV_ERROR; c >= PG_SEV_NOTE; c--)
		pg_buf_printf(b, "| %s %s | %u |\n", sev_icon((pg_severity)c), pg_severity_name((pg_severity)c),
			      r->findings_by_severity[c]);
	if (r->suppressed)
		pg_buf_printf(b, "| suppressed | %u |\n", r->suppressed);
	pg_buf_puts(b, "\n| Category | Findings |\n|---|---:|\n");
	for (c = 0; c < PG_CAT__COUNT; c++)
		pg_buf_printf(b, "| %s | %u |\n", pg_category_name((pg_rule_category)c), st->by_category[c]);
	pg_buf_putc(b, '\n');

	if (n) {
		sorted = pg_malloc(n * sizeof(*sorted));
		memcpy(sorted, all, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), by_severity);
		pg_buf_printf(b, "### Top findings\n\n");
		for (i = 0; i < n && i < TOP_FINDINGS; i++)
			finding_line(b, sorted[i], true);
		pg_buf_printf(b, "\n### All findings\n\n<details><summary>%zu finding%s by file</summary>\n\n", n,
			      n == 1 ? "" : "s");
		for (i = 0; i < n; i++) {
			if (!cur || strcmp(cur, all[i]->path) != 0) {
				cur = all[i]->path;
				pg_buf_puts(b, "\n#### ");
				md_code(b, cur);
				pg_buf_puts(b, "\n\n");
			}
			finding_line(b, all[i], false);
		}
		pg_buf_puts(b, "\n</details>\n\n");
		free(sorted);
	}

	for (i = 0; i < r->files.len; i++)
		if (PG_VEC_AT(&r->files, pg_file, i)->skip_reason)
			skipped++;
	pg_buf_printf(b, "### Files\n\n%u analysed, %zu not analysed, %zu changed\n\n", r->files_analyzed,
		      skipped, r->files.len);
	if (r->files.len) {
		pg_buf_puts(b, "<details><summary>Ledger: what was reviewed and what was not</summary>\n\n"
			       "| File | Status | Reviewed | Findings |\n|---|---|---|---:|\n");
		for (i = 0; i < r->files.len; i++) {
			const pg_file *f = PG_VEC_AT(&r->files, pg_file, i);
			pg_buf_puts(b, "| ");
			md_code(b, f->path);
			pg_buf_printf(b, " | %s | ", pg_file_status_name(f->status));
			if (f->skip_reason)
				pg_buf_printf(b, "no: %s", f->skip_reason);
			else
				pg_buf_puts(b, "yes");
			pg_buf_printf(b, " | %u |\n", f->findings);
		}
		pg_buf_puts(b, "\n</details>\n\n");
	}

	pg_buf_puts(b, "### Tests and coverage\n\n");
	if (r->coverage)
		pg_buf_puts(b, "A coverage report was given; see the JSON report for per-file detail.\n");
	else
		pg_buf_puts(b, "No coverage report was given (`--coverage FILE`), so added lines were not "
			       "checked against tests.\n");
	if (st->by_category[PG_CAT_TESTS])
		pg_buf_printf(b, "\n%u finding%s about tests (see above).\n", st->by_category[PG_CAT_TESTS],
			      st->by_category[PG_CAT_TESTS] == 1 ? "" : "s");
	pg_vec_dispose(&st->findings);
	free(st);
	rp->state = NULL;
}

const pg_format pg_format_markdown = { "markdown", begin, NULL, finding, NULL, end, false };
