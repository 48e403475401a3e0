/*
 * model - the data the stages hand to each other.
 *
 * pg_file     - one changed file of the range, as the git stage found it.
 * pg_finding  - one thing a rule (or the tests, coverage or stakes stage)
 *               wants a reviewer to see.
 * pg_result   - everything one run produced, which the report stage renders.
 *
 * Ownership: a pg_result owns its files and findings; pg_result_dispose()
 * frees all of them. A finding borrows its rule (rules outlive results) and
 * its path (the pg_file it points into lives as long as the result).
 * Lines and columns are 1-based in findings; columns count bytes.
 */
#ifndef PG_MODEL_H
#define PG_MODEL_H

#include "util/util.h"

typedef enum pg_severity {
	PG_SEV_NONE = 0, /* only as a fail level: never fail */
	PG_SEV_NOTE = 1,
	PG_SEV_WARNING = 2,
	PG_SEV_ERROR = 3
} pg_severity;

const char *pg_severity_name(pg_severity s);
/* Parse "error", "warning", "note" (and "none" when allow_none); -1 if unknown. */
int pg_severity_parse(const char *s, bool allow_none);

typedef enum pg_file_status {
	PG_FILE_ADDED,
	PG_FILE_MODIFIED,
	PG_FILE_DELETED,
	PG_FILE_RENAMED,
	PG_FILE_COPIED,
	PG_FILE_TYPECHANGE,
	PG_FILE_UNCHANGED /* only in a full scan (--filter all) */
} pg_file_status;

const char *pg_file_status_name(pg_file_status s);

/* A run of new-side lines, 1-based, inclusive. */
typedef struct pg_line_range {
	uint32_t start;
	uint32_t end;
} pg_line_range;

/* pg_hunk - one change of a diff without context: old lines
 * [old_start, old_start + old_lines) became new lines [new_start,
 * new_start + new_lines), 1-based; a side with no lines gives the line
 * after which the other side's lines go (git's convention). */
typedef struct pg_hunk {
	uint32_t old_start, old_lines;
	uint32_t new_start, new_lines;
} pg_hunk;

struct pg_lang;

/*
 * pg_file - one changed file.
 *   path, old_path  - repository-relative, '/'-separated; old_path only for
 *                     renames and copies (else NULL)
 *   status          - how the file changed
 *   old_mode/new_mode - git file modes (0 when absent on that side)
 *   mode_changed    - the mode changed (for example +x)
 *   lang            - the language from the extension table, or NULL
 *   skip_reason     - NULL when analysed; else why not ("binary", "symlink",
 *                     "submodule", "deleted", "too-large", "excluded",
 *                     "unsupported-language", "parse-timeout", ...). Static.
 *   added           - sorted, merged new-side ranges of added lines
 *   hunks           - the exact changes between the blobs (a modified file
 *                     diffed without ignoring whitespace), else NULL
 *   lines_added/lines_deleted - diff stats
 *   new_oid/old_oid - raw 20-byte object ids of the blobs (zero if none)
 *   content         - the new blob's bytes (owned; NULL until loaded),
 *                     NUL-terminated for convenience, content_len excludes it
 */
typedef struct pg_file {
	char *path;
	char *old_path;
	pg_file_status status;
	uint32_t old_mode;
	uint32_t new_mode;
	bool mode_changed;
	const struct pg_lang *lang;
	const char *skip_reason;
	pg_line_range *added;
	size_t added_count;
	pg_hunk *hunks;
	size_t hunk_count;
	/* The diff left the lines (added, hunks, counts) to the analysis's
	 * reader of the file (pg_repo_load_lines): until then they are empty. */
	bool lines_deferred;
	uint32_t lines_added;
	uint32_t lines_deleted;
	unsigned char new_oid[20];
	unsigned char old_oid[20];
	char *content;
	size_t content_len;
	/* The new blob's size in bytes when the diff read it or its header
	 * (0: unknown): the analysis takes large files first. */
	size_t size;
	/* Statistics filled by analysis. */
	uint32_t findings;
	/* Match attempts a matcher limit stopped (hostile input: a node with
	 * a huge number of children; docs/rules.md "Limits"): findings there
	 * may be missing. */
	uint32_t match_limited;
	/* Why the file could not be read (owned), with skip_reason
	 * "unreadable"; the run goes on with the other files. */
	char *error;
} pg_file;

/* True when 1-based `line` is an added line of `f`. */
bool pg_file_line_added(const pg_file *f, uint32_t line);
/* True when any added line lies within [start, end]. */
bool pg_file_range_touches_added(const pg_file *f, uint32_t start, uint32_t end, uint32_t slack);

struct pg_rule;

/*
 * pg_finding - one reported problem.
 *   rule        - borrowed; never NULL
 *   severity    - effective severity (config may override the rule's)
 *   message     - owned, captures already interpolated
 *   path        - borrowed from the pg_file
 *   line..end_column - 1-based span in the file of `path`
 *   snippet     - owned: the source text of the first line of the span
 *   fingerprint - owned: stable id independent of line numbers (hex)
 *   fix         - owned replacement text for the span, or NULL
 *   suppressed  - silenced by a prgate-ignore comment; kept for JSON
 *   suppress_reason - owned, the reason given in the comment, or NULL
 *   context     - owned: enclosing function/element name, or NULL
 */
typedef struct pg_finding {
	const struct pg_rule *rule;
	pg_severity severity;
	char *message;
	const char *path;
	uint32_t line, column, end_line, end_column;
	char *snippet;
	char *fingerprint;
	char *fix;
	char *context;
	bool suppressed;
	char *suppress_reason;
	bool out_of_scope; /* internal to analysis: dropped before the result */
} pg_finding;

void pg_finding_dispose(pg_finding *f);

/* pg_range - the commits a run compares; hex SHAs, spec as the user gave it. */
typedef struct pg_range {
	char base[41]; /* "" for the empty tree (a root commit) */
	char head[41]; /* "" with `staged`: the index */
	bool staged;
	char *spec;
	char *description; /* e.g. "merge base of HEAD and origin/main (abc1234)..HEAD" */
} pg_range;

/*
 * pg_result - everything a run produced.
 *   files     - vector of pg_file, in diff order (sorted by path)
 *   findings  - vector of pg_finding, sorted by path, line, column, rule
 *   extensions - JSON fragments other stages attach (coverage, stakes),
 *                rendered by the report stage; owned strings keyed by name
 */
typedef struct pg_result {
	pg_range range;
	pg_vec files;    /* pg_file */
	pg_vec findings; /* pg_finding */
	pg_severity fail_level;
	bool gate_failed;
	uint32_t files_analyzed;
	uint32_t findings_by_severity[4];
	uint32_t suppressed;
	void *coverage; /* struct pg_coverage_summary *, owned, or NULL */
	void *stakes;   /* struct pg_stakes *, owned, or NULL */
	void (*coverage_free)(void *);
	void (*stakes_free)(void *);
} pg_result;

void pg_result_init(pg_result *r);
void pg_result_dispose(pg_result *r);
/* Sort findings, count them and decide the gate against r->fail_level. */
void pg_result_finish(pg_result *r);
void pg_file_dispose(pg_file *f);

#endif
