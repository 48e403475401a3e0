/* format_github.c - GitHub Actions workflow commands
 * (::error file=...,line=...::message), most severe first. GitHub shows at
 * most 10 annotations of each type per step, so the rest are printed as
 * plain lines: nothing is lost from the log. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#define PER_TYPE 10

typedef struct gh_state {
	pg_vec findings; /* const pg_finding * */
} gh_state;

/* GitHub's escaping: data escapes % CR LF; property values also : and ,. */
static void escape(pg_buf *b, const char *s, bool property)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '%': pg_buf_puts(b, "%25"); break;
		case '\r': pg_buf_puts(b, "%0D"); break;
		case '\n': pg_buf_puts(b, "%0A"); break;
		case ':': if (property) { pg_buf_puts(b, "%3A"); break; } pg_buf_putc(b, *s); break;
		case ',': if (property) { pg_buf_puts(b, "%2C"); break; } pg_buf_putc(b, *s); break;
		default: pg_buf_putc(b, *s);
		}
	}
}

static void begin(pg_report *rp)
{
	gh_state *st = pg_calloc(1, sizeof(*st));
	pg_vec_init(&st->findings, sizeof(const pg_finding *));
	rp->state = st;
}

static void finding(pg_report *rp, const pg_file *f, const pg_finding *fd)
{
	gh_state *st = rp->state;
	(void)f;
	if (!fd->suppressed)
		*(const pg_finding **)pg_vec_push(&st->findings) = fd;
}

static int by_severity(const void *a, const void *b)
{
	const pg_finding *x = *(const pg_finding *const *)a, *y = *(const pg_finding *const *)b;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void end(pg_report *rp)
{
	gh_state *st = rp->state;
	const pg_finding **v = st->findings.items;
	size_t n = st->findings.len, i;
	unsigned shown[4] = { 0 };
	pg_buf *b = rp->out;

	if (n)
		qsort(v, n, sizeof(*v), by_severity);
	for (i = 0; i < n; i++) {
		const pg_finding *fd = v[i];
		const char *type = fd->severity == PG_SEV_ERROR ? "error" :
				   fd->severity == PG_SEV_WARNING ? "warning" : "notice";
		if (shown[fd->severity]++ < PER_TYPE) {
			pg_buf_printf(b, "::%s file=", type);
			escape(b, fd->path, true);
			pg_buf_printf(b, ",line=%u,endLine=%u", fd->line, fd->end_line ? fd->end_line : fd->line);
			if (fd->column && fd->end_line == fd->line && fd->end_column > fd->column)
				pg_buf_printf(b, ",col=%u,endColumn=%u", fd->column, fd->end_column);
			pg_buf_puts(b, ",title=");
			escape(b, "prgate ", true);
			escape(b, fd->rule->id, true);
			pg_buf_puts(b, "::");
			escape(b, fd->message, false);
			pg_buf_putc(b, '\n');
		} else {
			/* beyond what GitHub displays: still in the log */
			pg_buf_printf(b, "%s:%u:%u: %s[%s]: ", fd->path, fd->line, fd->column,
				      pg_severity_name(fd->severity), fd->rule->id);
			escape(b, fd->message, false);
			pg_buf_putc(b, '\n');
		}
	}
	pg_vec_dispose(&st->findings);
	free(st);
	rp->state = NULL;
}

const pg_format pg_format_github = { "github", begin, NULL, finding, NULL, end, false };
