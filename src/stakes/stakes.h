/*
 * stakes - where a reviewer's attention should go: deterministic, explained
 * stakes signals per hunk and per file, a tier (high, medium, low) per file
 * and for the range, a review order, how-to-exercise hints for the low-stakes
 * parts, and the provenance of the commits (which ones a coding agent wrote).
 *
 * The signals are data: one table of rows (signals.c), each a tree-sitter
 * query for a language, a regex over added lines (optionally only inside a
 * section such as `[dependencies]`), a path glob, or a marker near the top of
 * a file. One classifier (stakes.c) runs every row over every changed file;
 * nothing is written per language. Queries go through the rules engine, so
 * they have the same predicates and embedded documents (JavaScript inside
 * HTML) as rule packs. Findings other stages left in the result count too:
 * category security raises, category tests ("changed code, no test") stands
 * in for the stage's own "large addition without tests" signal.
 *
 * Invariants:
 *   - A raising signal only counts on an added line that is not a
 *     whitespace-only change (the whitespace-insensitive diff of the git
 *     stage); path signals count for any file with added lines.
 *   - Test code, documentation and generated, minified or vendored files are
 *     low whatever they contain; so are formatting-only and rename-only files.
 *   - Output is deterministic: files in diff order, signals by line, reasons
 *     by tier and then by the table's order of kinds.
 *   - Nothing here prints, exits, or decides the gate; the agent command's
 *     output (agent.c) is advisory text only.
 *
 * Ownership: pg_stakes_run() attaches a pg_stakes to the result (r->stakes,
 * freed by r->stakes_free = pg_stakes_free). Paths inside it are borrowed
 * from the result's pg_files; every other string is owned by the pg_stakes.
 */
#ifndef PG_STAKES_H
#define PG_STAKES_H

#include "model/model.h"
#include "analysis/analysis.h"

struct pg_repo;

typedef enum pg_stakes_tier {
	PG_TIER_LOW = 0,
	PG_TIER_MEDIUM = 1,
	PG_TIER_HIGH = 2
} pg_stakes_tier;

const char *pg_stakes_tier_name(pg_stakes_tier t);

/*
 * pg_stakes_signal - one reason a part of a file matters (or does not).
 *   kind    - static: "destructive", "network", "secrets", "surface",
 *             "automation", "dependency", "untested", "security", "unsafe"
 *             (raising) or "tests", "docs", "generated", "formatting",
 *             "rename" (lowering)
 *   tier    - the tier it raises its file to (PG_TIER_LOW for lowering kinds)
 *   line    - 1-based line in the new file, 0 for the whole file
 *   reason  - owned, one plain sentence
 *   lowers  - a lowering signal
 */
typedef struct pg_stakes_signal {
	const char *kind;
	pg_stakes_tier tier;
	uint32_t line;
	char *reason;
	bool lowers;
} pg_stakes_signal;

/*
 * pg_stakes_hunk - one run of added lines and what it contains.
 *   start, end  - 1-based inclusive new-side lines
 *   tier        - the highest raising signal inside, else low
 *   formatting  - whitespace-only change
 *   score       - sum of (tier + 1) of its raising signals, for ordering
 */
typedef struct pg_stakes_hunk {
	uint32_t start, end;
	pg_stakes_tier tier;
	bool formatting;
	uint32_t score;
} pg_stakes_hunk;

/*
 * pg_stakes_file - one changed file.
 *   path    - borrowed from the pg_file
 *   tier    - the file's tier
 *   signals - pg_stakes_signal, sorted by line (0 first)
 *   hunks   - pg_stakes_hunk, in line order
 *   hint    - owned how-to-exercise hint, or NULL (only below high)
 */
typedef struct pg_stakes_file {
	const char *path;
	pg_stakes_tier tier;
	pg_vec signals;
	pg_vec hunks;
	char *hint;
} pg_stakes_file;

/*
 * pg_stakes_commit - one commit of the range.
 *   sha       - hex
 *   author    - owned "Name <email>"
 *   subject   - owned first line of the message
 *   agent     - owned name of the agent that wrote it ("Claude", "bot"), or
 *               NULL for a human commit
 *   marker    - owned: the trailer or line that gave it away, or NULL
 *   lines_added - added lines of the commit against its first parent
 */
typedef struct pg_stakes_commit {
	char sha[41];
	char *author;
	char *subject;
	char *agent;
	char *marker;
	uint32_t lines_added;
} pg_stakes_commit;

/* pg_stakes_order - one entry of the review order: a hunk worth reading. */
typedef struct pg_stakes_order {
	const char *path;
	uint32_t start, end;
	pg_stakes_tier tier;
	char *reason; /* owned: its strongest signal's reason */
} pg_stakes_order;

/*
 * pg_stakes - the stakes of a whole range.
 *   tier          - the highest file tier
 *   reasons       - owned strings, strongest first ("reason (path:line)")
 *   files         - pg_stakes_file, in diff order
 *   review_order  - pg_stakes_order, most important first
 *   commits       - pg_stakes_commit, oldest first
 *   agent_lines, total_lines - added lines of agent commits / all commits
 *   advisory      - owned stdout of --agent-cmd, or NULL
 *   advisory_status - owned: how the command ended ("exit 0", "timed out
 *                   after 120 s", "cannot run 'x': ..."), or NULL
 *   advisory_truncated - the output was cut at the size cap
 */
typedef struct pg_stakes {
	pg_stakes_tier tier;
	pg_vec reasons; /* char * */
	pg_vec files;
	pg_vec review_order;
	pg_vec commits;
	uint32_t agent_lines, total_lines;
	char *advisory;
	char *advisory_status;
	bool advisory_truncated;
} pg_stakes;

/*
 * pg_stakes_opts - how to run the stage.
 *   analysis        - test paths and size limits (borrowed, may be NULL)
 *   agent_authors   - extra NULL-terminated globs on "Name <email>" that mark
 *                     an agent's commit (the config's agents.authors), or NULL
 *   agent_trailers  - extra NULL-terminated "Key" or "Key: glob" trailers
 *                     (agents.trailers), or NULL
 *   max_commits     - walk at most this many commits for provenance (0: 500)
 */
typedef struct pg_stakes_opts {
	const pg_analysis_opts *analysis;
	char *const *agent_authors;
	char *const *agent_trailers;
	uint32_t max_commits;
} pg_stakes_opts;

/* Compute the stakes of r's files and findings and attach them to r
 * (replacing any earlier ones). `repo` is used to read blobs, the
 * whitespace-insensitive diff and the commits. Returns 0, or a negative code
 * with the message set (the result is then left without stakes). */
int pg_stakes_run(struct pg_repo *repo, pg_result *r, const pg_stakes_opts *opts);

/*
 * pg_stakes_stage - the stage across one run: created before the analysis
 * (the signal table is compiled then), its visitor goes into the analysis
 * options so the signal queries run on the analysis's parse of each file;
 * finished after the later stages, as pg_stakes_run(). `opts` is copied (what
 * it points to is borrowed until the stage is freed).
 */
typedef struct pg_stakes_stage pg_stakes_stage;
int pg_stakes_stage_new(pg_stakes_stage **out, const pg_stakes_opts *opts);
/* Replace the options given to new (NULL there: the defaults), before
 * start and the analysis: the stage can be made before the configuration
 * that decides them is read. `opts` is copied as by new. */
void pg_stakes_stage_set_opts(pg_stakes_stage *s, const pg_stakes_opts *opts);
const pg_file_visitor *pg_stakes_stage_visitor(pg_stakes_stage *s);
/* Start walking the commits of `range` (provenance) on a thread of its own,
 * with a repository handle of its own, run only when a core is idle
 * (pg_thread_background): the walk needs nothing from the analysis, and
 * finish is the first to need it. `range` is borrowed until finish. Without it, or when no thread
 * or handle can be had, finish walks them itself. */
void pg_stakes_stage_start(pg_stakes_stage *s, struct pg_repo *repo, const pg_range *range);
int pg_stakes_stage_finish(pg_stakes_stage *s, struct pg_repo *repo, pg_result *r);
void pg_stakes_stage_free(pg_stakes_stage *s);

void pg_stakes_free(void *stakes);

/* True when any commit of the range is agent-written. */
bool pg_stakes_agent_written(const pg_stakes *s);

/* Walk the commits of `range` and fill st->commits, agent_lines and
 * total_lines (each commit's added lines against its first parent). The
 * commit that is the whole range (head, whose only parent is base) is left
 * with lines_added PG_STAKES_LINES_PENDING and out of the totals: its diff is
 * the range's, and pg_stakes_provenance_settle takes its lines from the
 * analysis's files (read once), or diffs it when a file's lines were not
 * counted. Settle after the analysis, before st is used. */
#define PG_STAKES_LINES_PENDING UINT32_MAX
int pg_stakes_provenance(struct pg_repo *repo, const pg_range *range, const pg_stakes_opts *opts,
			 pg_stakes *st);
void pg_stakes_provenance_settle(struct pg_repo *repo, const pg_result *r, pg_stakes *st);

/* Decide whether one commit is an agent's, from its author and message
 * (Co-authored-by trailers of known coding agents, "Generated with ..."
 * lines, bot authors, and the extra globs of `opts`, which may be NULL).
 * Returns the agent's name (static or, for configured matches, "configured")
 * or NULL; *marker (owned, may be NULL) gets the line that matched. For the
 * config stage too: nothing here needs a repository. */
const char *pg_stakes_agent_of(const char *author, const char *email, const char *message,
			       const pg_stakes_opts *opts, char **marker);

/* Classify one file without a repository (for unit tests and the
 * `rules`-style examples): `f` must have content loaded; `ws_ranges` is the
 * whitespace-insensitive set of added lines (NULL: every added line counts).
 * `no_tests_changed` enables the untested-addition signal. Fills `out`
 * (dispose with pg_stakes_file_dispose). */
int pg_stakes_classify_file(const pg_file *f, const pg_line_range *ws_ranges, size_t ws_count,
			    bool ws_known, bool no_tests_changed, const pg_result *r,
			    const pg_stakes_opts *opts, pg_stakes_file *out);
void pg_stakes_file_dispose(pg_stakes_file *sf);

/*
 * Run `argv` (argv[0] looked up in PATH; no shell) with `input` on its
 * standard input and capture at most `max_out` bytes of its standard output.
 * The child gets its own process group, killed when `timeout_ms` passes.
 * Never fails the caller's run: *status (owned) always says what happened,
 * *output (owned, may be empty) is what it printed. Returns 0 when the
 * command ran and exited 0, PG_ERROR otherwise (message also in *status).
 */
int pg_stakes_agent_exec(char *const argv[], const char *input, size_t input_len,
			 uint32_t timeout_ms, size_t max_out, char **output, bool *truncated,
			 char **status);

/* Split a command line into argv by blanks, honouring '...' and "..." (no
 * expansion of any kind). Owned NULL-terminated array (free with
 * pg_stakes_argv_free), or NULL with the message set when empty/unbalanced. */
char **pg_stakes_argv_split(const char *cmd);
void pg_stakes_argv_free(char **argv);

#endif
