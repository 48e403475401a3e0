/* review.c - the review protocol: inline comments, the review body, fixed
 * findings, the check run or commit status, and the sticky summary. */
#include "github.h"

#include <stdlib.h>
#include <string.h>

#define FP_MARK "<!-- prgate:fp="
#define FIXED_MARK "<!-- prgate:fixed -->"
#define SUMMARY_MARK "<!-- prgate:summary -->"
#define CHECK_MARK "<!-- prgate:check-run="
#define MAX_COMMENT 60000 /* GitHub refuses bodies over 65536 characters */
#define ANNOTATIONS_PER_REQUEST 50
#define POST_ATTEMPTS 3

enum { READ_ONLY = 1 }; /* publish() stops: the token may not write */

/* posted - one marker found on the pull request.
 *   key        - fingerprint key (owned)
 *   comment_id - the review comment carrying it, 0 when in a review body
 *   fixed      - the comment already says the finding was fixed */
typedef struct posted {
	char *key;
	long comment_id;
	bool fixed;
	char *body; /* the comment's body (owned), for the fixed edit */
} posted;

/* diff_file - the commentable new-side lines of one file of the pull request.
 *   has_patch - GitHub sent the patch (large files have none: unverified) */
typedef struct diff_file {
	char *path;
	bool has_patch;
	pg_vec lines; /* uint32_t[2]: line, hunk */
} diff_file;

/* item - one finding to post. */
typedef struct item {
	const pg_finding *fd;
	char *key;
	bool inline_ok; /* may go inline */
	bool verified;  /* its lines are known to be in the diff */
	uint32_t start_line, line;
} item;

typedef struct pub {
	pg_http_client *c;
	const pg_github_opts *o;
	const pg_result *r;
	pg_github_outcome *out;
	char *base; /* "/repos/owner/name" */
	bool wrote; /* a write succeeded: a later 403 is not "read-only" */
	pg_vec posted; /* posted */
	pg_vec files;  /* diff_file */
	pg_vec items;  /* item: current, unsuppressed findings with their keys */
} pub;

static void logf_(pub *p, const char *fmt, ...) PG_PRINTF(2, 3);
static void logf_(pub *p, const char *fmt, ...)
{
	pg_buf b;
	va_list ap;
	char *clean;
	if (!p->o->log)
		return;
	pg_buf_init(&b, 0);
	va_start(ap, fmt);
	pg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	clean = pg_http_redact(p->c, b.ptr);
	p->o->log(p->o->log_ctx, clean);
	free(clean);
	pg_buf_dispose(&b);
}

/* --- errors ------------------------------------------------------------- */

/* A clear error for a non-2xx answer, naming the permission to grant. */
static int http_fail(pub *p, const char *what, const pg_http_response *resp)
{
	char *msg = pg_http_message(p->c, resp);
	int err;
	if (resp->status == 401)
		err = pg_error_set(PG_ENET, "%s: GitHub rejected the token (HTTP 401%s%s): pass a valid token in "
					    "GITHUB_TOKEN or --token-env NAME",
				   what, *msg ? ": " : "", msg);
	else if (resp->status == 404)
		err = pg_error_set(PG_ENET, "%s: HTTP 404%s%s: the repository or pull request is not visible to "
					    "this token; grant the workflow 'permissions: pull-requests: write, "
					    "checks: write' (and contents: read)",
				   what, *msg ? ": " : "", msg);
	else if (resp->status == 403)
		err = pg_error_set(PG_ENET, "%s: HTTP 403%s%s: grant the workflow 'permissions: pull-requests: "
					    "write, checks: write'",
				   what, *msg ? ": " : "", msg);
	else
		err = pg_error_set(PG_ENET, "%s: HTTP %ld%s%s", what, resp->status, *msg ? ": " : "", msg);
	free(msg);
	return err;
}

static bool ok_status(long s)
{
	return s >= 200 && s <= 299;
}

/* Send a write. Returns 0 (look at resp->status), READ_ONLY when the very
 * first write is refused with 403, or a negative error. */
static int write_call_as(pub *p, const char *method, const char *path, json_t *body, pg_http_response *resp,
			 bool may_detect);
static int write_call(pub *p, const char *method, const char *path, json_t *body, pg_http_response *resp)
{
	return write_call_as(p, method, path, body, resp, true);
}

/* may_detect false: a 403 here means one permission is missing (checks),
 * not that the token is read-only. */
static int write_call_as(pub *p, const char *method, const char *path, json_t *body, pg_http_response *resp,
			 bool may_detect)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int err = pg_http_request(p->c, method, path, text, resp);
	free(text);
	if (err < 0)
		return err;
	if (ok_status(resp->status)) {
		p->wrote = true;
		return 0;
	}
	if (resp->status == 403 && !p->wrote && may_detect) {
		char *msg = pg_http_message(p->c, resp);
		logf_(p, "%s %s answered 403 (%s): the token may not write; falling back to annotations", method,
		      path, msg);
		free(msg);
		p->out->read_only = true;
		return READ_ONLY;
	}
	return 0;
}

/* --- markers ------------------------------------------------------------ */

static void add_posted(pub *p, const char *key, size_t n, long comment_id, bool fixed, const char *body)
{
	posted *e = pg_vec_push(&p->posted);
	e->key = pg_strndup(key, n);
	e->comment_id = comment_id;
	e->fixed = fixed;
	e->body = body ? pg_strdup(body) : NULL;
}

static void scan_markers(pub *p, const char *body, long comment_id)
{
	const char *s = body;
	bool fixed = strstr(body, FIXED_MARK) != NULL;
	while ((s = strstr(s, FP_MARK))) {
		const char *k = s + strlen(FP_MARK), *e = k;
		while ((*e >= '0' && *e <= '9') || (*e >= 'a' && *e <= 'f') || *e == '-')
			e++;
		if (e > k)
			add_posted(p, k, (size_t)(e - k), comment_id, fixed, comment_id ? body : NULL);
		s = e;
	}
}

static void clear_posted(pub *p)
{
	size_t i;
	for (i = 0; i < p->posted.len; i++) {
		free(PG_VEC_AT(&p->posted, posted, i)->key);
		free(PG_VEC_AT(&p->posted, posted, i)->body);
	}
	p->posted.len = 0;
}

/* Is `key` on the pull request (and not in a comment marked fixed)? */
static bool is_posted(pub *p, const char *key)
{
	size_t i;
	for (i = 0; i < p->posted.len; i++) {
		posted *e = PG_VEC_AT(&p->posted, posted, i);
		if (!e->fixed && strcmp(e->key, key) == 0)
			return true;
	}
	return false;
}

/* List review comments and reviews: every marker already posted. */
static int list_posted(pub *p)
{
	json_t *list = NULL, *v;
	char *path;
	size_t i;
	long status;
	int err;
	clear_posted(p);
	path = pg_printf_alloc("%s/pulls/%ld/comments", p->base, p->o->pr);
	err = pg_http_get_all(p->c, path, &list, &status);
	if (err >= 0)
		json_array_foreach(list, i, v) {
			const char *body = json_string_value(json_object_get(v, "body"));
			if (body && strstr(body, FP_MARK))
				scan_markers(p, body, (long)json_integer_value(json_object_get(v, "id")));
		}
	json_decref(list);
	list = NULL;
	free(path);
	if (err < 0)
		goto fail;
	path = pg_printf_alloc("%s/pulls/%ld/reviews", p->base, p->o->pr);
	err = pg_http_get_all(p->c, path, &list, &status);
	if (err >= 0)
		json_array_foreach(list, i, v) {
			const char *body = json_string_value(json_object_get(v, "body"));
			if (body && strstr(body, FP_MARK))
				scan_markers(p, body, 0);
		}
	json_decref(list);
	free(path);
fail:
	if (err < 0 && (status == 401 || status == 404 || status == 403)) {
		pg_http_response fake;
		pg_http_response_init(&fake);
		fake.status = status;
		err = http_fail(p, "listing the pull request's comments", &fake);
		pg_http_response_dispose(&fake);
	}
	return err;
}

/* --- the diff as GitHub sees it ----------------------------------------- */

static void parse_patch(diff_file *df, const char *patch)
{
	const char *s = patch;
	uint32_t line = 0, hunk = 0;
	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t n = eol ? (size_t)(eol - s) : strlen(s);
		if (n >= 2 && s[0] == '@' && s[1] == '@') {
			const char *plus = memchr(s, '+', n);
			line = plus ? (uint32_t)strtoul(plus + 1, NULL, 10) : 0;
			hunk++;
		} else if (n && (s[0] == ' ' || s[0] == '+') && line) {
			uint32_t *e = pg_vec_push(&df->lines);
			e[0] = line++;
			e[1] = hunk;
		} else if (n == 0 && line) {
			/* an empty context line */
			uint32_t *e = pg_vec_push(&df->lines);
			e[0] = line++;
			e[1] = hunk;
		}
		s += n;
		if (*s == '\n')
			s++;
	}
}

static int list_files(pub *p)
{
	json_t *list = NULL, *v;
	char *path = pg_printf_alloc("%s/pulls/%ld/files", p->base, p->o->pr);
	size_t i;
	int err = pg_http_get_all(p->c, path, &list, NULL);
	free(path);
	if (err < 0)
		return err;
	json_array_foreach(list, i, v) {
		diff_file *df = pg_vec_push(&p->files);
		const char *name = json_string_value(json_object_get(v, "filename"));
		const char *patch = json_string_value(json_object_get(v, "patch"));
		df->path = pg_strdup(name ? name : "");
		pg_vec_init(&df->lines, 2 * sizeof(uint32_t));
		df->has_patch = patch != NULL;
		if (patch)
			parse_patch(df, patch);
	}
	json_decref(list);
	return 0;
}

static const diff_file *diff_of(pub *p, const char *path)
{
	size_t i;
	for (i = 0; i < p->files.len; i++)
		if (strcmp(PG_VEC_AT(&p->files, diff_file, i)->path, path) == 0)
			return PG_VEC_AT(&p->files, diff_file, i);
	return NULL;
}

/* The hunk of a commentable line, 0 when not commentable. */
static uint32_t hunk_of(const diff_file *df, uint32_t line)
{
	size_t i;
	for (i = 0; i < df->lines.len; i++) {
		const uint32_t *e = (const uint32_t *)df->lines.items + 2 * i;
		if (e[0] == line)
			return e[1];
	}
	return 0;
}

/* --- planning ----------------------------------------------------------- */

static void plan_items(pub *p)
{
	size_t i, j;
	for (i = 0; i < p->r->findings.len; i++) {
		const pg_finding *fd = PG_VEC_AT(&p->r->findings, pg_finding, i);
		const char *fp = fd->fingerprint && *fd->fingerprint ? fd->fingerprint : "0";
		unsigned repeat = 0;
		item *it;
		if (fd->suppressed)
			continue;
		/* the same fingerprint twice (same text in the same function) */
		for (j = 0; j < p->items.len; j++)
			if (strcmp(PG_VEC_AT(&p->items, item, j)->fd->fingerprint ? PG_VEC_AT(&p->items, item, j)->fd->fingerprint : "0", fp) == 0)
				repeat++;
		it = pg_vec_push(&p->items);
		it->fd = fd;
		it->key = repeat ? pg_printf_alloc("%s-%u", fp, repeat) : pg_strdup(fp);
	}
}

/* Decide where each new finding goes: inline on the diff, or the body. */
static void place(pub *p, item *it)
{
	const diff_file *df = diff_of(p, it->fd->path);
	uint32_t h1, h2, first = it->fd->line, last = it->fd->end_line > first ? it->fd->end_line : first;
	it->inline_ok = false;
	it->verified = false;
	it->start_line = 0;
	it->line = first;
	if (!df || first == 0)
		return; /* not in the pull request's diff: the body */
	if (!df->has_patch) {
		it->inline_ok = true; /* GitHub sent no patch: try, and fall back on 422 */
		it->line = last;
		it->start_line = last > first ? first : 0;
		return;
	}
	h1 = hunk_of(df, first);
	h2 = hunk_of(df, last);
	if (h2 && h1 == h2 && last > first) {
		it->start_line = first;
		it->line = last;
	} else if (h1) {
		it->line = first;
	} else if (h2) {
		it->line = last;
	} else {
		return;
	}
	it->inline_ok = it->verified = true;
}

/* --- bodies ------------------------------------------------------------- */

static const char *sev_icon(pg_severity s)
{
	return s == PG_SEV_ERROR ? "🔴" : s == PG_SEV_WARNING ? "🟠" : "🔵";
}

/* The suggestion: the flagged lines with the span replaced by the rule's
 * fix, only when the head text still has the snippet where the finding
 * says. NULL when it cannot be verified. Owned. */
static char *suggestion(pub *p, const pg_finding *fd)
{
	const char *text, *ls, *le, *lend;
	size_t len, i;
	uint32_t line;
	pg_buf b;
	if (!fd->fix || !p->o->head_text || fd->line == 0 || fd->column == 0 || fd->end_column == 0 ||
	    strstr(fd->fix, "```"))
		return NULL;
	if (!(text = p->o->head_text(p->o->head_text_ctx, fd->path, &len)))
		return NULL;
	/* find the first and last flagged lines */
	for (ls = text, line = 1; line < fd->line && ls < text + len; line++) {
		const char *nl = memchr(ls, '\n', (size_t)(text + len - ls));
		if (!nl)
			return NULL;
		ls = nl + 1;
	}
	for (le = ls; line < fd->end_line && le < text + len; line++) {
		const char *nl = memchr(le, '\n', (size_t)(text + len - le));
		if (!nl)
			return NULL;
		le = nl + 1;
	}
	lend = memchr(le, '\n', (size_t)(text + len - le));
	if (!lend)
		lend = text + len;
	/* the snippet is the first flagged line: it must still be there */
	if (fd->snippet) {
		const char *nl = memchr(ls, '\n', (size_t)(text + len - ls));
		size_t n = (size_t)((nl ? nl : text + len) - ls);
		if (n != strlen(fd->snippet) || memcmp(ls, fd->snippet, n) != 0)
			return NULL;
	}
	if (ls + fd->column - 1 > lend || le + fd->end_column - 1 > lend)
		return NULL;
	pg_buf_init(&b, 0);
	pg_buf_put(&b, ls, fd->column - 1);
	pg_buf_puts(&b, fd->fix);
	pg_buf_put(&b, le + fd->end_column - 1, (size_t)(lend - (le + fd->end_column - 1)));
	for (i = 0; i < b.len; i++)
		if (b.ptr[i] == '\r')
			b.ptr[i] = ' ';
	return pg_buf_detach(&b);
}

static void comment_body(pub *p, pg_buf *b, const item *it)
{
	const pg_finding *fd = it->fd;
	char *sugg = suggestion(p, fd);
	pg_buf_printf(b, "%s **%s** `%s`: %s\n", sev_icon(fd->severity), pg_severity_name(fd->severity),
		      fd->rule->id, fd->message);
	if (fd->rule->explain && *fd->rule->explain)
		pg_buf_printf(b, "\n<details><summary>Why this matters</summary>\n\n%s\n\n</details>\n",
			      fd->rule->explain);
	if (sugg) {
		pg_buf_printf(b, "\n```suggestion\n%s\n```\n", sugg);
		free(sugg);
	}
	pg_buf_printf(b, "\n" FP_MARK "%s -->", it->key);
}

static void body_line(pg_buf *b, const item *it)
{
	const pg_finding *fd = it->fd;
	pg_buf_printf(b, "- %s **%s** `%s` line %u: %s " FP_MARK "%s -->\n", sev_icon(fd->severity),
		      pg_severity_name(fd->severity), fd->rule->id, fd->line, fd->message, it->key);
}

/* --- the review --------------------------------------------------------- */

static const char *review_event(pub *p)
{
	if (p->r->gate_failed && p->o->request_changes)
		return "REQUEST_CHANGES";
	if (!p->r->gate_failed && p->o->approve)
		return "APPROVE";
	return "COMMENT";
}

/* Build the review request for the items still to post. */
static json_t *review_request(pub *p, item **todo, size_t n, unsigned *ninline, unsigned *nbody)
{
	json_t *req = json_object(), *comments = json_array();
	pg_buf body;
	const char *cur = NULL;
	size_t i;
	unsigned inl = 0, inbody = 0;
	pg_buf_init(&body, MAX_COMMENT);
	for (i = 0; i < n; i++) {
		item *it = todo[i];
		if (it->inline_ok && inl < p->o->max_inline) {
			json_t *c;
			pg_buf cb;
			pg_buf_init(&cb, MAX_COMMENT);
			comment_body(p, &cb, it);
			c = json_pack("{s:s,s:i,s:s,s:s}", "path", it->fd->path, "line", (json_int_t)it->line, "side",
				      "RIGHT", "body", cb.ptr);
			if (it->start_line) {
				json_object_set_new(c, "start_line", json_integer(it->start_line));
				json_object_set_new(c, "start_side", json_string("RIGHT"));
			}
			json_array_append_new(comments, c);
			pg_buf_dispose(&cb);
			inl++;
		}
	}
	pg_buf_printf(&body, "**prgate** found %zu new finding%s in `%.12s`", n, n == 1 ? "" : "s",
		      p->o->head_sha);
	if (inl < n)
		pg_buf_printf(&body, " (%u inline, %zu below)", inl, n - inl);
	pg_buf_puts(&body, ". The summary comment has the whole picture.\n");
	for (i = 0, inl = 0; i < n; i++) {
		item *it = todo[i];
		if (it->inline_ok && inl < p->o->max_inline) {
			inl++;
			continue;
		}
		if (!cur || strcmp(cur, it->fd->path) != 0) {
			cur = it->fd->path;
			pg_buf_printf(&body, "\n#### `%s`\n\n", cur);
		}
		body_line(&body, it);
		inbody++;
	}
	json_object_set_new(req, "commit_id", json_string(p->o->head_sha));
	json_object_set_new(req, "body", json_string(body.ptr));
	json_object_set_new(req, "event", json_string(review_event(p)));
	if (json_array_size(comments))
		json_object_set(req, "comments", comments);
	json_decref(comments);
	pg_buf_dispose(&body);
	*ninline = inl;
	*nbody = inbody;
	return req;
}

static bool line_error(const char *msg)
{
	return strstr(msg, "part of the diff") || strstr(msg, "diff hunk") || strstr(msg, "path is invalid") ||
	       strstr(msg, "same hunk") || strstr(msg, "line must") || strstr(msg, "position is invalid");
}

static int post_review(pub *p)
{
	pg_vec todo;
	pg_http_response resp;
	char *path = pg_printf_alloc("%s/pulls/%ld/reviews", p->base, p->o->pr);
	size_t i;
	int attempt, err = 0, moves = 0;

	pg_vec_init(&todo, sizeof(item *));
	pg_http_response_init(&resp);
	for (attempt = 0; attempt < POST_ATTEMPTS + 2; attempt++) {
		json_t *req;
		unsigned ninline, nbody;
		todo.len = 0;
		for (i = 0; i < p->items.len; i++) {
			item *it = PG_VEC_AT(&p->items, item, i);
			if (is_posted(p, it->key))
				continue;
			*(item **)pg_vec_push(&todo) = it;
		}
		if (attempt == 0)
			p->out->already_posted = (unsigned)(p->items.len - todo.len);
		if (todo.len == 0) {
			/* after a 5xx the listing shows the review arrived after all */
			if (attempt > 0 && resp.status >= 500) {
				p->out->review_created = true;
				logf_(p, "the review had been created despite HTTP %ld", resp.status);
			}
			break;
		}
		req = review_request(p, todo.items, todo.len, &ninline, &nbody);
		err = write_call(p, "POST", path, req, &resp);
		json_decref(req);
		if (err)
			break;
		if (ok_status(resp.status)) {
			p->out->review_created = true;
			p->out->inline_comments = ninline;
			p->out->body_findings = nbody;
			logf_(p, "posted a review: %u inline comment%s, %u finding%s in its body", ninline,
			      ninline == 1 ? "" : "s", nbody, nbody == 1 ? "" : "s");
			break;
		}
		if (resp.status == 422) {
			char *msg = pg_http_message(p->c, &resp);
			bool moved = false;
			if (line_error(msg) && moves < 2) {
				/* first the lines GitHub's patch did not vouch for, then all */
				for (i = 0; i < todo.len; i++) {
					item *it = ((item **)todo.items)[i];
					if (it->inline_ok && (!it->verified || moves == 1)) {
						it->inline_ok = false;
						moved = true;
					}
				}
				if (!moved)
					for (i = 0; i < todo.len; i++) {
						item *it = ((item **)todo.items)[i];
						if (it->inline_ok) {
							it->inline_ok = false;
							moved = true;
						}
					}
				moves++;
			}
			logf_(p, "the review was refused (HTTP 422: %s)%s", msg,
			      moved ? "; moving the comments GitHub would not anchor into the review body" : "");
			free(msg);
			if (moved)
				continue;
			err = http_fail(p, "posting the review", &resp);
			break;
		}
		if (resp.status >= 500) {
			/* the review may exist anyway: look before posting again */
			p->out->inline_comments = ninline;
			p->out->body_findings = nbody;
			logf_(p, "posting the review answered HTTP %ld; listing again before retrying", resp.status);
			if ((err = list_posted(p)) < 0)
				break;
			continue;
		}
		err = http_fail(p, "posting the review", &resp);
		break;
	}
	if (!err && attempt >= POST_ATTEMPTS + 2)
		err = pg_error_set(PG_ENET, "posting the review: gave up after %d attempts", attempt);
	pg_http_response_dispose(&resp);
	pg_vec_dispose(&todo);
	free(path);
	return err;
}

/* Edit the comments of findings that are gone: "fixed in <sha>". */
static int mark_fixed(pub *p)
{
	size_t i, j;
	pg_http_response resp;
	int err = 0;
	pg_http_response_init(&resp);
	for (i = 0; i < p->posted.len && !err; i++) {
		posted *e = PG_VEC_AT(&p->posted, posted, i);
		bool present = false, dup = false;
		if (!e->comment_id || e->fixed || !e->body)
			continue;
		for (j = 0; j < p->items.len && !present; j++)
			present = strcmp(PG_VEC_AT(&p->items, item, j)->key, e->key) == 0;
		for (j = 0; j < i && !dup; j++)
			dup = PG_VEC_AT(&p->posted, posted, j)->comment_id == e->comment_id;
		if (present || dup)
			continue;
		{
			char *path = pg_printf_alloc("%s/pulls/comments/%ld", p->base, e->comment_id);
			char *body = pg_printf_alloc("✅ **Fixed** in %s: prgate no longer finds this.\n\n"
						     "<details><summary>The original comment</summary>\n\n%.50000s\n\n"
						     "</details>\n" FIXED_MARK,
						     p->o->head_sha, e->body);
			json_t *req = json_pack("{s:s}", "body", body);
			err = write_call(p, "PATCH", path, req, &resp);
			if (!err && ok_status(resp.status)) {
				p->out->marked_fixed++;
				e->fixed = true;
			} else if (!err) {
				char *msg = pg_http_message(p->c, &resp);
				logf_(p, "could not mark comment %ld fixed: HTTP %ld %s", e->comment_id, resp.status, msg);
				free(msg);
			}
			json_decref(req);
			free(body);
			free(path);
		}
	}
	pg_http_response_dispose(&resp);
	return err;
}

/* --- check run or commit status ----------------------------------------- */

static const char *annotation_level(pg_severity s)
{
	return s == PG_SEV_ERROR ? "failure" : s == PG_SEV_WARNING ? "warning" : "notice";
}

static json_t *annotations(pub *p, size_t from, size_t *next)
{
	json_t *a = json_array();
	size_t i;
	for (i = from; i < p->items.len && json_array_size(a) < ANNOTATIONS_PER_REQUEST; i++) {
		const pg_finding *fd = PG_VEC_AT(&p->items, item, i)->fd;
		json_t *o = json_pack("{s:s,s:i,s:i,s:s,s:s,s:s}", "path", fd->path, "start_line",
				      (json_int_t)(fd->line ? fd->line : 1), "end_line",
				      (json_int_t)(fd->end_line >= fd->line && fd->end_line ? fd->end_line : (fd->line ? fd->line : 1)),
				      "annotation_level", annotation_level(fd->severity), "message", fd->message,
				      "title", fd->rule->id);
		if (fd->end_line == fd->line && fd->column && fd->end_column > fd->column) {
			json_object_set_new(o, "start_column", json_integer(fd->column));
			json_object_set_new(o, "end_column", json_integer(fd->end_column));
		}
		if (fd->rule->explain && *fd->rule->explain)
			json_object_set_new(o, "raw_details", json_string(fd->rule->explain));
		json_array_append_new(a, o);
	}
	*next = i;
	return a;
}

static char *check_title(pub *p)
{
	const pg_result *r = p->r;
	return pg_printf_alloc("%s: %u error%s, %u warning%s, %u note%s", r->gate_failed ? "gate failed" : "gate passed",
			       r->findings_by_severity[PG_SEV_ERROR], r->findings_by_severity[PG_SEV_ERROR] == 1 ? "" : "s",
			       r->findings_by_severity[PG_SEV_WARNING], r->findings_by_severity[PG_SEV_WARNING] == 1 ? "" : "s",
			       r->findings_by_severity[PG_SEV_NOTE], r->findings_by_severity[PG_SEV_NOTE] == 1 ? "" : "s");
}

static char *capped(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return pg_strdup(s);
	while (n > 0 && (n > max || ((unsigned char)s[n] & 0xC0) == 0x80))
		n--;
	return pg_printf_alloc("%.*s\n\n…(cut here; the job summary has everything)\n", (int)n, s);
}

static int commit_status(pub *p)
{
	pg_http_response resp;
	json_t *list = NULL, *v, *req;
	char *title = check_title(p), *path;
	const char *state = p->r->gate_failed ? "failure" : "success";
	size_t i;
	int err;
	char desc[141];
	snprintf(desc, sizeof(desc), "%s", title);
	path = pg_printf_alloc("%s/commits/%s/statuses", p->base, p->o->head_sha);
	if (pg_http_get_all(p->c, path, &list, NULL) == 0)
		json_array_foreach(list, i, v) {
			const char *ctx = json_string_value(json_object_get(v, "context"));
			if (ctx && strcmp(ctx, "prgate") == 0) {
				/* the newest first: the same verdict is already there */
				const char *s = json_string_value(json_object_get(v, "state"));
				const char *d = json_string_value(json_object_get(v, "description"));
				if (s && d && strcmp(s, state) == 0 && strcmp(d, desc) == 0) {
					json_decref(list);
					free(path);
					free(title);
					return 0;
				}
				break;
			}
		}
	pg_error_clear();
	json_decref(list);
	free(path);
	pg_http_response_init(&resp);
	path = pg_printf_alloc("%s/statuses/%s", p->base, p->o->head_sha);
	req = json_pack("{s:s,s:s,s:s}", "state", state, "context", "prgate", "description", desc);
	err = write_call(p, "POST", path, req, &resp);
	if (!err && ok_status(resp.status))
		p->out->status_created = true;
	else if (!err)
		err = http_fail(p, "setting the commit status", &resp);
	json_decref(req);
	free(path);
	free(title);
	pg_http_response_dispose(&resp);
	return err;
}

static int check_run(pub *p, long existing)
{
	pg_http_response resp;
	json_t *req, *out, *got;
	char *title, *summary, *path;
	size_t next = 0;
	int err, attempt;

	if (existing) {
		p->out->check_run_id = existing;
		return 0; /* this head has its check run already */
	}
	pg_http_response_init(&resp);
	title = check_title(p);
	summary = capped(p->o->summary_md ? p->o->summary_md : "", MAX_COMMENT);
	out = json_pack("{s:s,s:s}", "title", title, "summary", summary);
	json_object_set_new(out, "annotations", annotations(p, 0, &next));
	req = json_pack("{s:s,s:s,s:s,s:s,s:o}", "name", "prgate", "head_sha", p->o->head_sha, "status",
			"completed", "conclusion", p->r->gate_failed ? "failure" : "success", "output", out);
	path = pg_printf_alloc("%s/check-runs", p->base);
	/* GitHub shows one check run per name and commit (the newest), so a
	 * retry after a 5xx cannot show a duplicate */
	for (attempt = 0; attempt < POST_ATTEMPTS; attempt++) {
		err = write_call_as(p, "POST", path, req, &resp, false);
		if (err || resp.status < 500)
			break;
	}
	json_decref(req);
	free(path);
	if (err)
		goto done;
	if (resp.status == 403 || resp.status == 404) {
		char *msg = pg_http_message(p->c, &resp);
		logf_(p, "cannot create a check run (HTTP %ld: %s; grant 'checks: write'): setting a commit status instead",
		      resp.status, msg);
		free(msg);
		err = commit_status(p);
		goto done;
	}
	if (!ok_status(resp.status)) {
		err = http_fail(p, "creating the check run", &resp);
		goto done;
	}
	got = pg_http_json(&resp);
	p->out->check_run_id = (long)json_integer_value(json_object_get(got, "id"));
	json_decref(got);
	p->out->check_run_created = true;
	path = pg_printf_alloc("%s/check-runs/%ld", p->base, p->out->check_run_id);
	/* PATCH appends the next 50 annotations each time */
	while (next < p->items.len && !err) {
		out = json_pack("{s:s,s:s}", "title", title, "summary", summary);
		json_object_set_new(out, "annotations", annotations(p, next, &next));
		req = json_pack("{s:o}", "output", out);
		err = write_call(p, "PATCH", path, req, &resp);
		json_decref(req);
		if (!err && !ok_status(resp.status))
			err = http_fail(p, "adding check run annotations", &resp);
	}
	free(path);
done:
	free(title);
	free(summary);
	pg_http_response_dispose(&resp);
	return err;
}

/* --- the sticky summary ------------------------------------------------- */

/* Find the sticky comment: its id and body (owned), or 0. */
static int find_summary(pub *p, long *id, char **body)
{
	json_t *list = NULL, *v;
	char *path = pg_printf_alloc("/%s/issues/%ld/comments", p->base + 1, p->o->pr);
	size_t i;
	int err = pg_http_get_all(p->c, path, &list, NULL);
	*id = 0;
	*body = NULL;
	free(path);
	if (err < 0)
		return err;
	json_array_foreach(list, i, v) {
		const char *b = json_string_value(json_object_get(v, "body"));
		if (b && strstr(b, SUMMARY_MARK)) {
			*id = (long)json_integer_value(json_object_get(v, "id"));
			*body = pg_strdup(b);
			break;
		}
	}
	json_decref(list);
	return 0;
}

/* The check run id recorded in the sticky comment for this head, or 0. */
static long recorded_check_run(pub *p, const char *body)
{
	char want[80];
	const char *s;
	if (!body)
		return 0;
	snprintf(want, sizeof(want), CHECK_MARK "%s:", p->o->head_sha);
	if (!(s = strstr(body, want)))
		return 0;
	return strtol(s + strlen(want), NULL, 10);
}

static int upsert_summary(pub *p, long id, const char *old)
{
	pg_http_response resp;
	char *md = capped(p->o->summary_md ? p->o->summary_md : "", MAX_COMMENT);
	char *body, *path;
	json_t *req;
	int err = 0, attempt;

	if (p->out->check_run_id)
		body = pg_printf_alloc(SUMMARY_MARK "\n%s\n" CHECK_MARK "%s:%ld -->\n", md, p->o->head_sha,
				       p->out->check_run_id);
	else
		body = pg_printf_alloc(SUMMARY_MARK "\n%s\n", md);
	free(md);
	if (old && strcmp(old, body) == 0) {
		free(body);
		return 0; /* nothing changed */
	}
	pg_http_response_init(&resp);
	req = json_pack("{s:s}", "body", body);
	for (attempt = 0; attempt < POST_ATTEMPTS; attempt++) {
		if (id) {
			path = pg_printf_alloc("%s/issues/comments/%ld", p->base, id);
			err = write_call(p, "PATCH", path, req, &resp);
		} else {
			path = pg_printf_alloc("%s/issues/%ld/comments", p->base, p->o->pr);
			err = write_call(p, "POST", path, req, &resp);
		}
		free(path);
		if (err)
			break;
		if (ok_status(resp.status)) {
			if (id)
				p->out->summary_updated = true;
			else
				p->out->summary_created = true;
			break;
		}
		if (resp.status >= 500 && !id) {
			/* it may have been created: find it before posting again */
			char *again = NULL;
			logf_(p, "posting the summary answered HTTP %ld; listing again before retrying", resp.status);
			if ((err = find_summary(p, &id, &again)) < 0)
				break;
			if (again && strcmp(again, body) == 0) {
				free(again);
				p->out->summary_created = true;
				break;
			}
			free(again);
			continue;
		}
		err = http_fail(p, id ? "updating the summary comment" : "posting the summary comment", &resp);
		break;
	}
	json_decref(req);
	free(body);
	pg_http_response_dispose(&resp);
	return err;
}

/* --- the whole ---------------------------------------------------------- */

int pg_github_publish(pg_http_client *c, const pg_github_opts *o, const pg_result *r,
		      const pg_ruleset *rules, pg_github_outcome *out)
{
	pub p;
	long summary_id = 0;
	char *summary_body = NULL;
	size_t i;
	int err;
	(void)rules;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.o = o;
	p.r = r;
	p.out = out;
	p.base = pg_printf_alloc("/repos/%s", o->repo);
	pg_vec_init(&p.posted, sizeof(posted));
	pg_vec_init(&p.files, sizeof(diff_file));
	pg_vec_init(&p.items, sizeof(item));

	if (!o->head_sha || strlen(o->head_sha) != 40) {
		err = pg_error_set(PG_EUSAGE, "no head commit to review");
		goto done;
	}
	plan_items(&p);
	if ((err = list_posted(&p)) < 0)
		goto done;
	if ((err = list_files(&p)) < 0)
		goto done;
	if ((err = find_summary(&p, &summary_id, &summary_body)) < 0)
		goto done;
	for (i = 0; i < p.items.len; i++)
		place(&p, PG_VEC_AT(&p.items, item, i));

	if ((err = post_review(&p)) != 0)
		goto done;
	if ((err = mark_fixed(&p)) != 0)
		goto done;
	if ((err = check_run(&p, recorded_check_run(&p, summary_body))) != 0)
		goto done;
	err = upsert_summary(&p, summary_id, summary_body);
done:
	if (err == READ_ONLY)
		err = 0;
	free(summary_body);
	clear_posted(&p);
	pg_vec_dispose(&p.posted);
	for (i = 0; i < p.files.len; i++) {
		free(PG_VEC_AT(&p.files, diff_file, i)->path);
		pg_vec_dispose(&PG_VEC_AT(&p.files, diff_file, i)->lines);
	}
	pg_vec_dispose(&p.files);
	for (i = 0; i < p.items.len; i++)
		free(PG_VEC_AT(&p.items, item, i)->key);
	pg_vec_dispose(&p.items);
	free(p.base);
	return err;
}
