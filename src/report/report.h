/*
 * report - one render driver, one small file per output format.
 *
 * The driver (report.c) walks a finished pg_result in a fixed order: begin,
 * then each file that has findings (file_begin, finding..., file_end), then
 * end. A format is a pg_format row of callbacks that append to the output
 * buffer; adding a format is one file and one row in the table.
 *
 * Nothing here prints: the caller writes the buffer where it belongs
 * (stdout, --output FILE, the GitHub job summary).
 */
#ifndef PG_REPORT_H
#define PG_REPORT_H

#include "model/model.h"
#include "rules/rule.h"

typedef struct pg_report_opts {
	bool color;             /* ANSI colors (text only) */
	bool show_suppressed;   /* list suppressed findings in text output */
	const char *filter;     /* filter name, for the record */
	const char *repo_root;  /* for SARIF URIs, may be NULL */
	const pg_ruleset *rules; /* for metadata (SARIF, explanations) */
	bool quiet;             /* text: only the findings, no footer */
} pg_report_opts;

typedef struct pg_report {
	const pg_result *result;
	const pg_report_opts *opts;
	pg_buf *out;
	void *state; /* the format's own data */
} pg_report;

typedef struct pg_format {
	const char *name;
	void (*begin)(pg_report *rp);
	void (*file_begin)(pg_report *rp, const pg_file *f);
	void (*finding)(pg_report *rp, const pg_file *f, const pg_finding *fd);
	void (*file_end)(pg_report *rp, const pg_file *f);
	void (*end)(pg_report *rp);
	bool include_suppressed; /* pass suppressed findings to `finding` */
} pg_format;

/* The format by name ("text", "json", ...), or NULL. */
const pg_format *pg_format_find(const char *name);
/* Comma-separated list of format names, for help and errors. Static. */
const char *pg_format_names(void);

/* Render `r` in `fmt` into `out`. */
int pg_report_render(const pg_format *fmt, const pg_result *r, const pg_report_opts *opts,
		     pg_buf *out);

/* Shared helpers for formats. */
void pg_report_json_escape(pg_buf *b, const char *s);

#endif
