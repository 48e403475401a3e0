/*
 * config - the repository configuration, `.prgate.yml` at the root.
 *
 * The file is YAML (libyaml, read as a node tree so every value keeps its
 * position). Parsing is strict: an unknown key, a value of the wrong type or
 * an unknown severity, filter or language is an error "file:line:col: msg",
 * with "did you mean" for a misspelled key. A config never executes anything
 * and never reads other files.
 *
 * The schema (docs/config.md is the user's reference):
 *
 *   version: 1
 *   rules:
 *     disable: [html, javascript/security/eval]   # selectors, see below
 *     enable:  [rust/robustness/unwrap]
 *     severity: { rust/robustness/unwrap: error }
 *   paths:
 *     include: [src/]              # globs, gitignore semantics
 *     exclude: [gen/, "*.pb.js"]
 *     default_excludes: true       # vendor/, node_modules/, dist/, *.min.js, lock files
 *   tests: { rust: [tests/], javascript: ["*.spec.js"] }
 *   fail_level: warning
 *   filter: context
 *   max_file_size: 1048576
 *   coverage: { min_diff_coverage: 80 }
 *   agents: { fail_level: warning, require_tests: true,
 *             min_diff_coverage: 90, authors: ["*[bot]*"], trailers: [...] }
 *
 * A rule selector is a rule id, a language name (a whole pack), an id
 * prefix ending at a '/' boundary ("rust/robustness"), or a glob with '*'
 * ("javascript/security/inner*"; '*' also crosses '/'). When several
 * selectors match a rule, the most specific wins (an exact id beats a
 * prefix, a longer prefix beats a shorter one, a prefix beats a language or
 * glob); on a tie the later entry wins.
 *
 * What the config does not decide: command-line flags win over it (the
 * caller applies the config first, then its flags). Which file is read is
 * the caller's choice too (review reads it from the base commit).
 *
 * Ownership: a pg_config owns every string in it; pg_config_dispose frees
 * them. pg_config_path_filter returns a view into the config, valid until
 * the config is disposed.
 */
#ifndef PG_CONFIG_H
#define PG_CONFIG_H

#include "analysis/analysis.h"
#include "rules/rule.h"

#define PG_CONFIG_FILE ".prgate.yml"
#define PG_CONFIG_MAX_LANGS 8

/* pg_config_selector - one entry of rules.enable / rules.disable / rules.severity.
 *   pattern   - as written
 *   enable    - true for rules.enable (unused for severity entries)
 *   severity  - for rules.severity entries
 *   line, column - where it was written (1-based), for warnings */
typedef struct pg_config_selector {
	char *pattern;
	bool enable;
	pg_severity severity;
	uint32_t line, column;
} pg_config_selector;

/*
 * pg_agent_policy - the `agents:` section: stricter gates for commits an
 * agent wrote. The stakes stage decides which commits are agent-written
 * (authors and trailers below, plus its own heuristics) and applies this.
 *   present          - the section was written
 *   fail_level       - the fail level for a range with agent commits
 *   fail_level_set   - fail_level was given
 *   require_tests    - changed source without changed tests is a finding
 *   min_diff_coverage - coverage gate for agent commits (< 0: not set)
 *   authors          - NULL-terminated globs matched against "Name <email>"
 *   trailers         - NULL-terminated trailer keys ("Co-authored-by") or
 *                      "Key: glob" pairs that mark a commit as an agent's
 */
typedef struct pg_agent_policy {
	bool present;
	pg_severity fail_level;
	bool fail_level_set;
	bool require_tests;
	double min_diff_coverage;
	char **authors;
	char **trailers;
} pg_agent_policy;

/*
 * pg_config - a parsed configuration.
 *   source         - the name used in messages ("", or ".prgate.yml", or
 *                    "abc1234:.prgate.yml" when read from a commit)
 *   loaded         - a file was read (false: defaults only)
 *   selectors      - rules.enable and rules.disable entries, in file order
 *   severities     - rules.severity entries, in file order
 *   include, exclude - NULL-terminated globs, or NULL
 *   default_excludes - also exclude vendored and generated code (default true)
 *   test_paths     - per language (index in pg_languages): test globs, or NULL
 *   fail_level, filter, max_file_size, min_diff_coverage - with *_set flags
 *   agents         - the agent policy
 */
typedef struct pg_config {
	char *source;
	bool loaded;
	pg_vec selectors;  /* pg_config_selector */
	pg_vec severities; /* pg_config_selector */
	char **include;
	char **exclude;
	bool default_excludes;
	char **test_paths[PG_CONFIG_MAX_LANGS];
	pg_globset *test_sets[PG_CONFIG_MAX_LANGS]; /* compiled by pg_config_path_filter */
	pg_severity fail_level;
	bool fail_level_set;
	pg_filter filter;
	bool filter_set;
	size_t max_file_size; /* 0: not set */
	double min_diff_coverage; /* < 0: not set */
	pg_agent_policy agents;
	/* private: the path filter handed to the analysis */
	pg_path_filter paths_view;
	char **exclude_all;
} pg_config;

/* The globs excluded unless `paths.default_excludes: false`. NULL-terminated. */
extern const char *const pg_config_default_excludes[];

void pg_config_init(pg_config *c);
void pg_config_dispose(pg_config *c);

/* Parse YAML text into `c` (initialised, normally empty). `source` names
 * the file in messages. An empty document is a valid, empty config. On
 * error returns PG_ECONFIG with "source:line:col: message" set; `c` is then
 * left partly filled and must still be disposed. */
int pg_config_parse(pg_config *c, const char *source, const char *text, size_t len);

/* Read and parse the file at `path`; messages name it `source` (NULL: the
 * path). PG_ENOTFOUND (message set) when it does not exist; PG_ECONFIG when
 * it is malformed; PG_ERROR when unreadable. */
int pg_config_load_file(pg_config *c, const char *path, const char *source);

/* Does `selector` match `rule`? Returns its specificity (> 0), or 0. */
int pg_config_selector_match(const char *selector, const pg_rule *rule);

/* Set `enabled` and `severity` of each rule of `rs` by the config. Rules no
 * selector names keep their defaults. */
void pg_config_apply_rules(const pg_config *c, pg_ruleset *rs);

/* Call `on_unmatched` for every selector (enable, disable, severity) that
 * matches no rule of `rs`, with a "did you mean" hint when one is close.
 * Returns how many there were. */
size_t pg_config_unmatched(const pg_config *c, const pg_ruleset *rs,
			   void (*on_unmatched)(void *ctx, const char *msg), void *ctx);

/* The path filter for the analysis: include, exclude plus the default
 * excludes, test paths. Borrowed from `c`. */
const pg_path_filter *pg_config_path_filter(pg_config *c);

#endif
