/*
 * git - the repository stage: libgit2 turns a range into changed files.
 *
 * This is the only module that includes git2.h. It resolves what the user
 * typed into two commits, walks the tree-to-tree diff (renames detected,
 * context 0), and for every changed file records the new-side line numbers
 * of added lines and reads the new blob from the object database, never
 * from the work tree: no clean/smudge or textconv filter, no hook, nothing
 * from the repository is ever executed.
 *
 * Ownership: pg_repo owns the libgit2 repository; pg_files appended to a
 * vector are owned by the caller (pg_file_dispose).
 */
#ifndef PG_GIT_H
#define PG_GIT_H

#include "model/model.h"

typedef struct pg_repo pg_repo;

/* Open the repository containing `path` (NULL: the current directory).
 * Errors explain the fix: not a repository; owned by another user
 * (safe.directory). */
int pg_repo_open(pg_repo **out, const char *path);
void pg_repo_free(pg_repo *repo);
/* A second handle on `repo`'s repository, for one thread: libgit2's
 * objects must not be used by two threads at once, and reads through a
 * handle of a thread's own need no lock. It reads objects and diffs them;
 * its index is empty (not the repository's: --staged needs the first,
 * which makes its blob diffs through such a handle too). */
int pg_repo_open_again(pg_repo **out, const pg_repo *repo);
/* The work tree root with a trailing '/', or the git dir for bare repos. */
const char *pg_repo_root(const pg_repo *repo);
bool pg_repo_is_shallow(const pg_repo *repo);

/* Resolve a range spec: "A..B", "A...B" (from the merge base), "A.."
 * (to HEAD), "C" (C^..C), or NULL/"" (the merge base with the upstream or
 * the remote's default branch, up to HEAD). Fills out->base/head/spec/
 * description. *notice (owned, may be NULL) is a line to show the user when
 * the range was chosen for them. */
int pg_repo_resolve_range(pg_repo *repo, const char *spec, pg_range *out, char **notice);
/* The range for `--staged`: HEAD (or the empty tree) against the index. */
int pg_repo_staged_range(pg_repo *repo, pg_range *out);

/* pg_diff_opts - how to walk the diff.
 *   max_file_size       - larger blobs are skipped as "too-large" (0: no limit)
 *   ignore_whitespace   - diff ignoring whitespace changes (for stakes) */
typedef struct pg_diff_opts {
	size_t max_file_size;
	bool ignore_whitespace;
	bool load_content;
	/* For files where this returns true, the blobs are not read here
	 * (each blob is read once, by the reader, which can be one of many
	 * threads). An added file gets added = {1, UINT32_MAX}: the reader
	 * counts lines and checks for binary content when it loads it. A
	 * modified file gets lines_deferred: the reader calls
	 * pg_repo_load_lines. */
	bool (*defer)(const char *path);
} pg_diff_opts;

/* Diff the blobs of a file whose lines pg_repo_diff deferred: fill its
 * added lines, hunks and counts (and content, with opts->load_content), or
 * set skip_reason "binary". Clears lines_deferred. */
int pg_repo_load_lines(pg_repo *repo, const pg_diff_opts *opts, pg_file *f);

/* Append one pg_file per changed path of `range` to `files` (a pg_vec of
 * pg_file), sorted by path. Binary, symlink and submodule entries get a
 * skip_reason. Content is loaded when opts->load_content. */
int pg_repo_diff(pg_repo *repo, const pg_range *range, const pg_diff_opts *opts, pg_vec *files);

/* Every blob of the head commit as a pg_file with status UNCHANGED and all
 * lines "added" (a full scan, --filter all). */
int pg_repo_list_head(pg_repo *repo, const pg_range *range, const pg_diff_opts *opts,
		      pg_vec *files);

/* Read `path` as of commit `rev_hex` ("" = the index). *out is owned and
 * NUL-terminated. PG_ENOTFOUND when absent; PG_ELIMIT when over max. */
int pg_repo_read_file(pg_repo *repo, const char *rev_hex, const char *path, size_t max, char **out,
		      size_t *len);
/* Read a blob by raw id. */
int pg_repo_read_blob(pg_repo *repo, const unsigned char oid[20], size_t max, char **out,
		      size_t *len);
/* A blob as text for analysis (owned), or NULL, with no error kept, when
 * the id is zero (no such side), the blob is larger than `max` (0: no
 * limit), unreadable, or binary (git's rule: a NUL in its first 8000
 * bytes). */
char *pg_repo_read_text(pg_repo *repo, const unsigned char oid[20], size_t max, size_t *len);
/* git's binary heuristic: a NUL byte in the first 8000 bytes. */
bool pg_text_is_binary(const char *s, size_t n);

/* Call on_file with the path and blob id of every regular file (no
 * symlink, no submodule) of commit `rev_hex` ("" = HEAD), in tree order,
 * before anything reads the blob: the callback reads what it needs
 * (pg_repo_read_blob), so a caller that already knows a blob by its id never
 * inflates it. `path` is borrowed for the call. Stops when on_file returns
 * non-zero (then 0) or the deadline (pg_time_usec() value, 0 = none)
 * passes (then PG_ELIMIT). Only tree objects are read here. */
int pg_repo_walk_tree(pg_repo *repo, const char *rev_hex,
		      int (*on_file)(void *ctx, const char *path, const unsigned char oid[20]),
		      void *ctx, uint64_t deadline);

/* Is the object in the repository's object database? (false on any error) */
bool pg_repo_has_object(pg_repo *repo, const unsigned char oid[20]);

/* The git dir shared by all worktrees of the repository (the repository
 * itself when bare), with a trailing '/'. Borrowed from the repository. */
const char *pg_repo_common_dir(const pg_repo *repo);

/* Commits in the range (base exclusive, head inclusive), oldest first:
 * calls cb with the sha, the parent's sha when the commit has exactly one
 * ("" otherwise), author name and email, and message. */
int pg_repo_walk_commits(pg_repo *repo, const pg_range *range,
			 int (*cb)(void *ctx, const char *sha, const char *parent, const char *author,
				   const char *email, const char *message),
			 void *ctx);

/* The directory git runs hooks from, as `git rev-parse --git-path hooks`:
 * core.hooksPath when set (relative to the work tree root, "~/" expanded),
 * else the hooks/ directory of the common git dir (shared by worktrees).
 * *out is owned, without a trailing '/'. */
int pg_repo_hooks_dir(pg_repo *repo, char **out);

/* The range a push of `local_sha` over `remote_sha` to `remote` (a remote
 * name or URL) sends, as a pre-push hook sees it. An update: the merge base
 * of the two..local. A new branch (remote_sha all zeros, or not known
 * here): the merge base with the remote's default branch (<remote>/HEAD,
 * else <remote>/main, <remote>/master); without one, the commits no
 * remote-tracking ref has, from the first one's parent (the empty tree for
 * a new root). *notice (owned, may be NULL) says which base was chosen. */
int pg_repo_push_range(pg_repo *repo, const char *remote, const char *local_sha,
		       const char *remote_sha, pg_range *out, char **notice);

/* Added lines of a file when whitespace is ignored: fills *ranges (owned). */
int pg_repo_diff_file_ignoring_ws(pg_repo *repo, const pg_file *f, pg_line_range **ranges,
				  size_t *count);

#endif
