/* report.c - the render driver and the table of formats. */
#include "report.h"

#include <string.h>

extern const pg_format pg_format_text;
extern const pg_format pg_format_json;
extern const pg_format pg_format_sarif;
extern const pg_format pg_format_markdown;
extern const pg_format pg_format_github;
extern const pg_format pg_format_agent;

static const pg_format *const formats[] = { &pg_format_text, &pg_format_json, &pg_format_sarif,
					    &pg_format_markdown, &pg_format_github, &pg_format_agent, NULL };

const pg_format *pg_format_find(const char *name)
{
	size_t i;
	for (i = 0; formats[i]; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

const char *pg_format_names(void)
{
	static char names[256];
	size_t i;
	if (!names[0])
		for (i = 0; formats[i]; i++) {
			if (i)
				strncat(names, ", ", sizeof(names) - strlen(names) - 1);
			strncat(names, formats[i]->name, sizeof(names) - strlen(names) - 1);
		}
	return names;
}

static const pg_file *file_of(const pg_result *r, const char *path, size_t *hint)
{
	size_t i;
	for (i = *hint; i < r->files.len; i++) {
		const pg_file *f = PG_VEC_AT(&r->files, pg_file, i);
		if (f->path == path || strcmp(f->path, path) == 0) {
			*hint = i;
			return f;
		}
	}
	for (i = 0; i < r->files.len; i++) {
		const pg_file *f = PG_VEC_AT(&r->files, pg_file, i);
		if (strcmp(f->path, path) == 0) {
			*hint = i;
			return f;
		}
	}
	return NULL;
}

int pg_report_render(const pg_format *fmt, const pg_result *r, const pg_report_opts *opts, pg_buf *out)
{
	pg_report rp = { r, opts, out, NULL };
	const pg_file *cur = NULL;
	const char *cur_path = NULL;
	size_t i, hint = 0;
	if (fmt->begin)
		fmt->begin(&rp);
	/* findings are sorted by path, so each file's findings are contiguous */
	for (i = 0; i < r->findings.len; i++) {
		const pg_finding *fd = PG_VEC_AT(&r->findings, pg_finding, i);
		if (fd->suppressed && !fmt->include_suppressed && !opts->show_suppressed)
			continue;
		if (!cur_path || strcmp(cur_path, fd->path) != 0) {
			if (cur_path && fmt->file_end)
				fmt->file_end(&rp, cur);
			cur_path = fd->path;
			cur = file_of(r, fd->path, &hint);
			if (fmt->file_begin)
				fmt->file_begin(&rp, cur);
		}
		if (fmt->finding)
			fmt->finding(&rp, cur, fd);
	}
	if (cur_path && fmt->file_end)
		fmt->file_end(&rp, cur);
	if (fmt->end)
		fmt->end(&rp);
	return 0;
}

void pg_report_json_escape(pg_buf *b, const char *s)
{
	pg_buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': pg_buf_puts(b, "\\\""); break;
		case '\\': pg_buf_puts(b, "\\\\"); break;
		case '\n': pg_buf_puts(b, "\\n"); break;
		case '\r': pg_buf_puts(b, "\\r"); break;
		case '\t': pg_buf_puts(b, "\\t"); break;
		default:
			if (c < 0x20)
				pg_buf_printf(b, "\\u%04x", c);
			else
				pg_buf_putc(b, (char)c);
		}
	}
	pg_buf_putc(b, '"');
}
