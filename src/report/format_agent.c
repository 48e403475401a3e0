/* format_agent.c - the findings as a checklist of fix instructions a coding
 * agent can act on: where, what is wrong, what to do, how to check. */
#include "report.h"
#include "report/section_stakes.h"
#include "stakes/stakes.h"

#include <string.h>

static void begin(pg_report *rp)
{
	const pg_stakes *s = rp->result->stakes;
	pg_buf_puts(rp->out, "# Fix instructions from prgate\n\n"
			     "Work through the checklist in order. For each item: make the change, keep the\n"
			     "behaviour otherwise identical, and add or update a test that fails without it.\n"
			     "Do not silence a finding with a prgate-ignore comment unless the instruction says so.\n\n");
	if (s && s->review_order.len) {
		size_t i;
		pg_buf_printf(rp->out, "Stakes of this change: %s. Be most careful in:\n", pg_stakes_tier_name(s->tier));
		for (i = 0; i < s->review_order.len && i < 5; i++) {
			const pg_stakes_order *e = PG_VEC_AT(&s->review_order, pg_stakes_order, i);
			pg_buf_printf(rp->out, "- %s:%u-%u (%s)\n", e->path, e->start, e->end, e->reason);
		}
		pg_buf_putc(rp->out, '\n');
	}
	rp->state = NULL;
}

/* The "What to check:" part of a rule's explanation, else all of it. */
static void put_advice(pg_buf *b, const char *explain)
{
	const char *p = explain ? strstr(explain, "What to check:") : NULL;
	const char *s = p ? p + strlen("What to check:") : explain;
	bool space = false;
	if (!s)
		return;
	while (*s == ' ')
		s++;
	for (; *s; s++) {
		if (*s == '\n' || *s == ' ') {
			space = true;
			continue;
		}
		if (space)
			pg_buf_putc(b, ' ');
		space = false;
		pg_buf_putc(b, *s);
	}
}

static void finding(pg_report *rp, const pg_file *f, const pg_finding *fd)
{
	pg_buf *b = rp->out;
	(void)f;
	if (fd->suppressed)
		return;
	pg_buf_printf(b, "- [ ] %s:%u:%u [%s, %s] %s\n", fd->path, fd->line, fd->column, fd->rule->id,
		      pg_severity_name(fd->severity), fd->message);
	if (fd->context)
		pg_buf_printf(b, "  - Where: in `%s`, line %u: `%s`\n", fd->context, fd->line, fd->snippet ? fd->snippet : "");
	else if (fd->snippet && fd->snippet[0])
		pg_buf_printf(b, "  - Where: line %u: `%s`\n", fd->line, fd->snippet);
	if (fd->fix)
		pg_buf_printf(b, "  - Do: replace lines %u-%u, columns %u-%u, with `%s`\n", fd->line, fd->end_line,
			      fd->column, fd->end_column, fd->fix);
	if (fd->rule->explain) {
		pg_buf_puts(b, "  - How: ");
		put_advice(b, fd->rule->explain);
		pg_buf_putc(b, '\n');
	}
	pg_buf_printf(b, "  - Check: run `prgate check` again; %s must no longer be reported at %s:%u\n",
		      fd->rule->id, fd->path, fd->line);
	rp->state = (void *)1;
}

static void end(pg_report *rp)
{
	if (!rp->state)
		pg_buf_puts(rp->out, "- [x] Nothing to fix: prgate reported no findings.\n");
}

const pg_format pg_format_agent = { "agent", begin, NULL, finding, NULL, end, false };
