/*
 * github - the review protocol: what prgate posts on a pull request and how
 * it stays idempotent. Uses http.h for the wire; never prints.
 *
 * What one publish does, in order:
 *   1. lists the pull request's review comments, reviews, changed files and
 *      issue comments;
 *   2. posts one review (COMMENT, or REQUEST_CHANGES / APPROVE when asked)
 *      with at most max_inline comments on new-side lines of the diff; the
 *      other new findings are listed in the review body, grouped by file;
 *   3. edits the comments of findings that disappeared to say they were
 *      fixed in the head commit (never deletes a comment);
 *   4. creates the check run "prgate" (annotations 50 per request), or a
 *      commit status when check runs are not permitted;
 *   5. creates or updates the one sticky summary comment.
 *
 * Idempotency: every comment and review body carries hidden markers
 * `<!-- prgate:fp=KEY -->`, KEY being the finding's line-independent
 * fingerprint (plus "-N" for the N-th repeat of the same fingerprint). A
 * finding whose KEY is already on the pull request is not posted again, so a
 * re-run on the same head, or a push that only shifts lines, posts nothing
 * new. The sticky comment is found by `<!-- prgate:summary -->` and records
 * the check run of its head (`<!-- prgate:check-run=SHA:ID -->`).
 */
#ifndef PG_GITHUB_H
#define PG_GITHUB_H

#include "github/http.h"
#include "model/model.h"
#include "rules/rule.h"

/* pg_github_event - what the workflow's event file says.
 *   name        - the event name (GITHUB_EVENT_NAME), owned, may be ""
 *   number      - the pull request number (0 when the event has none)
 *   base_sha, head_sha - 40 hex digits or ""
 *   head_repo, base_repo - "owner/name", owned, may be ""
 *   fork        - the head repository is not the base repository */
typedef struct pg_github_event {
	char *name;
	long number;
	char base_sha[41];
	char head_sha[41];
	char *head_repo;
	char *base_repo;
	bool fork;
} pg_github_event;

/* Read a pull_request, pull_request_target or workflow_run event payload.
 * PG_ECONFIG with the message set when the file is unreadable or lacks a
 * pull request. */
int pg_github_event_load(pg_github_event *out, const char *path, const char *event_name);
void pg_github_event_dispose(pg_github_event *ev);

/*
 * pg_github_opts - how to publish.
 *   repo            - "owner/name"
 *   pr              - pull request number
 *   head_sha        - the commit the review and check run are about
 *   request_changes - REQUEST_CHANGES when the gate failed
 *   approve         - APPROVE when the gate passed (never otherwise)
 *   max_inline      - inline comments per review (30)
 *   summary_md      - the markdown summary (sticky comment body), borrowed
 *   head_text       - returns the head version of a file (borrowed until
 *                     the next call) to verify suggestions; may be NULL
 *   log             - one line per notable event; may be NULL
 */
typedef struct pg_github_opts {
	const char *repo;
	long pr;
	const char *head_sha;
	bool request_changes;
	bool approve;
	unsigned max_inline;
	const char *summary_md;
	const char *(*head_text)(void *ctx, const char *path, size_t *len);
	void *head_text_ctx;
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
} pg_github_opts;

/* pg_github_outcome - what a publish did. */
typedef struct pg_github_outcome {
	bool read_only;           /* a 403 on the first write: nothing was posted */
	bool review_created;
	unsigned inline_comments; /* posted in the new review */
	unsigned body_findings;   /* listed in the new review's body */
	unsigned already_posted;  /* findings found on the pull request already */
	unsigned marked_fixed;    /* comments edited to say fixed */
	bool summary_created;
	bool summary_updated;
	bool check_run_created;
	bool status_created;
	long check_run_id;
} pg_github_outcome;

/* Publish `r` on the pull request. Returns 0, or a negative code with the
 * message set (already redacted); `out` says what was done either way. */
int pg_github_publish(pg_http_client *c, const pg_github_opts *o, const pg_result *r,
		      const pg_ruleset *rules, pg_github_outcome *out);

/* Rebuild a result from a JSON report written by `prgate check -f json`
 * (the two-workflow pattern). Rules unknown to `rules` are added to it from
 * the report's own fields, so every finding has one. */
int pg_github_load_report(pg_result *r, pg_ruleset *rules, const char *path);

#endif
