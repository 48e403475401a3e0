/*
 * format_text.c - text for people: findings grouped by file (a header, then
 * each finding as "path:line:col: severity[rule]: message", which editors
 * can jump to, with a code frame marking added lines), then a footer with
 * the counts and the gate's verdict. Colors only when the caller says so
 * (a TTY without NO_COLOR); --quiet keeps only the finding lines.
 */
#include "report.h"
#include "report/sections.h"

#include <stdio.h>
#include <string.h>

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[1;36m"
#define C_DIM "\033[2m"
#define C_GREEN "\033[1;32m"

static const char *sev_color(pg_severity s)
{
	return s == PG_SEV_ERROR ? C_RED : s == PG_SEV_WARNING ? C_YELLOW : C_CYAN;
}

static void begin(pg_report *rp)
{
	pg_sections_text_head(rp->result, rp->out, rp->opts->color);
}

static uint32_t shown_findings(const pg_report *rp, const pg_file *f)
{
	const pg_result *r = rp->result;
	uint32_t n = 0;
	size_t i;
	for (i = 0; i < r->findings.len; i++) {
		const pg_finding *fd = PG_VEC_AT(&r->findings, pg_finding, i);
		if (strcmp(fd->path, f->path) == 0 && (!fd->suppressed || rp->opts->show_suppressed))
			n++;
	}
	return n;
}

/* The file header: its path, how it changed and how many findings. */
static void file_begin(pg_report *rp, const pg_file *f)
{
	pg_buf *b = rp->out;
	uint32_t n;
	if (rp->opts->quiet || !f)
		return;
	n = shown_findings(rp, f);
	if (rp->opts->color)
		pg_buf_printf(b, C_BOLD "%s" C_RESET C_DIM, f->path);
	else
		pg_buf_puts(b, f->path);
	pg_buf_printf(b, " (%s", pg_file_status_name(f->status));
	if (f->old_path)
		pg_buf_printf(b, " from %s", f->old_path);
	if (f->status != PG_FILE_UNCHANGED)
		pg_buf_printf(b, ", +%u -%u", f->lines_added, f->lines_deleted);
	pg_buf_printf(b, ", %u finding%s)%s\n", n, n == 1 ? "" : "s", rp->opts->color ? C_RESET : "");
}

static void file_end(pg_report *rp, const pg_file *f)
{
	if (!rp->opts->quiet)
		pg_buf_putc(rp->out, '\n');
}

static void finding(pg_report *rp, const pg_file *f, const pg_finding *fd)
{
	pg_buf *b = rp->out;
	bool color = rp->opts->color;
	uint32_t width, i, end;
	size_t slen = fd->snippet ? strlen(fd->snippet) : 0;
	char gutter[16];

	if (color)
		pg_buf_printf(b, C_BOLD "%s:%u:%u:" C_RESET " %s%s" C_RESET "[%s]: %s%s\n", fd->path, fd->line,
			      fd->column, sev_color(fd->severity), pg_severity_name(fd->severity), fd->rule->id,
			      fd->message, fd->suppressed ? " (suppressed)" : "");
	else
		pg_buf_printf(b, "%s:%u:%u: %s[%s]: %s%s\n", fd->path, fd->line, fd->column,
			      pg_severity_name(fd->severity), fd->rule->id, fd->message,
			      fd->suppressed ? " (suppressed)" : "");
	if (rp->opts->quiet || slen == 0)
		return;
	width = (uint32_t)snprintf(gutter, sizeof(gutter), "%u", fd->line);
	/* the code frame: '+' marks a line this change added */
	pg_buf_printf(b, "%*u %c| ", (int)width + 1, fd->line,
		      f && pg_file_line_added(f, fd->line) ? '+' : ' ');
	for (i = 0; i < slen; i++)
		pg_buf_putc(b, fd->snippet[i] == '\t' ? ' ' : fd->snippet[i]);
	pg_buf_putc(b, '\n');
	pg_buf_printf(b, "%*s  | ", (int)width + 1, "");
	end = fd->end_line == fd->line && fd->end_column > fd->column ? fd->end_column : (uint32_t)slen + 1;
	if (end > slen + 1)
		end = (uint32_t)slen + 1;
	if (color)
		pg_buf_puts(b, sev_color(fd->severity));
	for (i = 1; i < fd->column && i <= slen; i++)
		pg_buf_putc(b, ' ');
	pg_buf_putc(b, '^');
	for (i = fd->column + 1; i < end; i++)
		pg_buf_putc(b, '~');
	if (fd->end_line > fd->line)
		pg_buf_printf(b, " (to line %u)", fd->end_line);
	if (color)
		pg_buf_puts(b, C_RESET);
	pg_buf_putc(b, '\n');
	if (fd->fix && *fd->fix)
		pg_buf_printf(b, "%*s  = suggested: %s\n", (int)width + 1, "", fd->fix);
}

static void end(pg_report *rp)
{
	const pg_result *r = rp->result;
	pg_buf *b = rp->out;
	size_t i, skipped = 0;
	uint32_t total = r->findings_by_severity[1] + r->findings_by_severity[2] + r->findings_by_severity[3];
	pg_sections_text_tail(r, b, rp->opts->color);
	if (rp->opts->quiet)
		return;
	for (i = 0; i < r->files.len; i++) {
		const pg_file *f = PG_VEC_AT(&r->files, pg_file, i);
		if (f->skip_reason)
			skipped++;
		if (f->match_limited)
			pg_buf_printf(b, "prgate: %s: matching stopped early at %u place%s (a node with too many "
					 "children to try every way); findings there may be missing\n",
				      f->path, f->match_limited, f->match_limited == 1 ? "" : "s");
	}
	pg_buf_printf(b, "prgate: %u finding%s (%u error%s, %u warning%s, %u note%s) in %u file%s analysed",
		      total, total == 1 ? "" : "s", r->findings_by_severity[3],
		      r->findings_by_severity[3] == 1 ? "" : "s", r->findings_by_severity[2],
		      r->findings_by_severity[2] == 1 ? "" : "s", r->findings_by_severity[1],
		      r->findings_by_severity[1] == 1 ? "" : "s", r->files_analyzed,
		      r->files_analyzed == 1 ? "" : "s");
	if (skipped)
		pg_buf_printf(b, ", %zu skipped", skipped);
	if (r->suppressed)
		pg_buf_printf(b, ", %u suppressed", r->suppressed);
	pg_buf_puts(b, "\n");
	if (rp->opts->color)
		pg_buf_printf(b, "gate: %s" C_RESET " (fail level: %s", r->gate_failed ? C_RED "FAILED" : C_GREEN "passed",
			      pg_severity_name(r->fail_level));
	else
		pg_buf_printf(b, "gate: %s (fail level: %s", r->gate_failed ? "FAILED" : "passed",
			      pg_severity_name(r->fail_level));
	/* say which findings decided it */
	if (r->gate_failed && r->fail_level != PG_SEV_NONE) {
		uint32_t at = 0;
		int s;
		for (s = (int)r->fail_level; s <= PG_SEV_ERROR; s++)
			at += r->findings_by_severity[s];
		if (at)
			pg_buf_printf(b, "; %u finding%s at or above it", at, at == 1 ? "" : "s");
	}
	pg_buf_puts(b, ")\n");
}

const pg_format pg_format_text = { "text", begin, file_begin, finding, file_end, end, false };
