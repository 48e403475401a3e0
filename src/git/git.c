/* git.c - ranges, diffs and blobs through libgit2. */
#include "git.h"

#include <git2.h>
#include <git2/sys/repository.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pg_repo {
	git_repository *repo;
	char *root;
	/* What blob diffs go through: a handle whose index is empty (see
	 * pg_repo_open_again). A handle opened again is one; a first handle
	 * opens one on its first blob diff. */
	git_repository *diffs;
	bool diffs_own; /* diffs is not repo: free it */
};

static int git_fail(const char *what)
{
	const git_error *e = git_error_last();
	return pg_error_set(PG_EGIT, "%s: %s", what, e && e->message ? e->message : "unknown error");
}

/* Is there a .git in `dir` or a parent that another user owns? */
static bool foreign_git_dir(const char *dir)
{
	char *p = realpath(dir, NULL);
	bool foreign = false;
	while (p && !foreign) {
		struct stat st;
		char *git = pg_printf_alloc("%s/.git", p);
		char *slash;
		if (lstat(git, &st) == 0) {
			foreign = st.st_uid != geteuid();
			free(git);
			break;
		}
		free(git);
		slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = '\0';
	}
	free(p);
	return foreign;
}

int pg_repo_open(pg_repo **out, const char *path)
{
	git_repository *repo = NULL;
	pg_repo *r;
	const char *where = path ? path : ".";
	int rc;
	*out = NULL;
	git_libgit2_init();
	/* Like git itself, do not re-hash every object read: it cost an eighth
	 * of a small run. A missing or unreadable object is still an error. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	rc = git_repository_open_ext(&repo, where, 0, NULL);
	if (rc < 0) {
		const git_error *e = git_error_last();
		const char *msg = e && e->message ? e->message : "";
		/* libgit2 1.5.1 reports a repository owned by someone else as
		 * "not owned by current user", or (a quirk of its config lookup)
		 * as ENOTFOUND "config value 'safe.directory' was not found". */
		if (strstr(msg, "not owned by current user") || strstr(msg, "safe.directory") ||
		    foreign_git_dir(where)) {
			int err = pg_error_set(
				PG_EGIT,
				"repository at '%s' is owned by another user; if you trust it, run "
				"'git config --global --add safe.directory \"$(git -C %s rev-parse --show-toplevel)\"' "
				"(in a container job, add that step before prgate)",
				where, where);
			git_libgit2_shutdown();
			return err;
		}
		if (rc == GIT_ENOTFOUND) {
			git_libgit2_shutdown();
			return pg_error_set(PG_EGIT,
					    "not a git repository: '%s' (or any parent); run prgate inside a clone or pass -C DIR",
					    where);
		}
		rc = git_fail("cannot open repository");
		git_libgit2_shutdown();
		return rc;
	}
	r = pg_calloc(1, sizeof(*r));
	r->repo = repo;
	r->root = pg_strdup(git_repository_workdir(repo) ? git_repository_workdir(repo)
							 : git_repository_path(repo));
	*out = r;
	return 0;
}

/* Another git_repository on the git directory of `repo`, with an empty
 * index. A blob diff looks up the files' diff attributes, which reads the
 * whole index file the first time in each handle (30 M instructions for a
 * 4,000-file index); such a handle only reads objects and diffs blobs as
 * forced text, where attributes change no line. */
static int open_objects_handle(git_repository **out, git_repository *repo)
{
	git_index *index = NULL;
	*out = NULL;
	/* the git directory the first open found, with no search */
	if (git_repository_open_ext(out, git_repository_path(repo), GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return git_fail("cannot open repository again");
	if (git_index_new(&index) == 0) {
		git_repository_set_index(*out, index);
		git_index_free(index);
	}
	return 0;
}

int pg_repo_open_again(pg_repo **out, const pg_repo *r)
{
	git_repository *repo = NULL;
	pg_repo *again;
	int err;
	*out = NULL;
	git_libgit2_init();
	if ((err = open_objects_handle(&repo, r->repo)) < 0) {
		git_libgit2_shutdown();
		return err;
	}
	again = pg_calloc(1, sizeof(*again));
	again->repo = repo;
	again->diffs = repo;
	again->root = pg_strdup(r->root);
	*out = again;
	return 0;
}

/* The handle blob diffs go through (see struct pg_repo). */
static git_repository *diffs_handle(pg_repo *r)
{
	if (!r->diffs) {
		if (open_objects_handle(&r->diffs, r->repo) == 0) {
			r->diffs_own = true;
		} else {
			pg_error_clear();
			r->diffs = r->repo; /* the index is read once: slower, not wrong */
		}
	}
	return r->diffs;
}

void pg_repo_free(pg_repo *r)
{
	if (!r)
		return;
	if (r->diffs_own)
		git_repository_free(r->diffs);
	git_repository_free(r->repo);
	free(r->root);
	free(r);
	git_libgit2_shutdown();
}

const char *pg_repo_root(const pg_repo *r)
{
	return r->root;
}

bool pg_repo_is_shallow(const pg_repo *r)
{
	return git_repository_is_shallow(r->repo) == 1;
}

static int missing_revision(pg_repo *r, const char *rev)
{
	if (pg_repo_is_shallow(r))
		return pg_error_set(PG_EGIT,
				    "revision '%s' is not in this shallow clone; fetch more history "
				    "('git fetch --unshallow', or 'fetch-depth: 0' in actions/checkout)",
				    rev);
	return pg_error_set(PG_EGIT, "unknown revision '%s': no such commit in this repository", rev);
}

/* Resolve `rev` to a commit id. */
static int resolve_commit(pg_repo *r, const char *rev, git_oid *out)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc = git_revparse_single(&obj, r->repo, rev);
	if (rc < 0) {
		if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC) {
			if (strcmp(rev, "HEAD") == 0 && git_repository_head_unborn(r->repo) == 1)
				return pg_error_set(PG_EGIT, "HEAD has no commits yet: commit something first");
			return missing_revision(r, rev);
		}
		return git_fail("cannot resolve revision");
	}
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc < 0)
		return pg_error_set(PG_EGIT, "revision '%s' does not name a commit", rev);
	git_oid_cpy(out, git_object_id(peeled));
	git_object_free(peeled);
	return 0;
}

static void oid_hex(char out[41], const git_oid *oid)
{
	git_oid_tostr(out, 41, oid);
}

/* The default base: the upstream of the current branch, else the remote's
 * default branch (origin/HEAD), else origin/main, origin/master. */
static int default_base(pg_repo *r, char **name)
{
	git_reference *head = NULL, *up = NULL, *sym = NULL;
	static const char *const fallbacks[] = { "refs/remotes/origin/main", "refs/remotes/origin/master",
						 NULL };
	size_t i;
	*name = NULL;
	if (git_repository_head(&head, r->repo) == 0) {
		if (git_reference_is_branch(head) && git_branch_upstream(&up, head) == 0) {
			*name = pg_strdup(git_reference_name(up));
			git_reference_free(up);
		}
		git_reference_free(head);
	}
	if (!*name && git_reference_lookup(&sym, r->repo, "refs/remotes/origin/HEAD") == 0) {
		const char *t = git_reference_symbolic_target(sym);
		if (t)
			*name = pg_strdup(t);
		git_reference_free(sym);
	}
	for (i = 0; !*name && fallbacks[i]; i++) {
		git_reference *ref;
		if (git_reference_lookup(&ref, r->repo, fallbacks[i]) == 0) {
			*name = pg_strdup(fallbacks[i]);
			git_reference_free(ref);
		}
	}
	if (!*name)
		return pg_error_set(PG_EUSAGE,
				    "no range given and no upstream or origin default branch found; "
				    "name one, for example 'prgate check main..' or 'prgate check HEAD~1..'");
	return 0;
}

static const char *short_ref(const char *name)
{
	if (pg_str_starts_with(name, "refs/remotes/"))
		return name + 13;
	if (pg_str_starts_with(name, "refs/heads/"))
		return name + 11;
	return name;
}

int pg_repo_resolve_range(pg_repo *r, const char *spec, pg_range *out, char **notice)
{
	git_oid a, b, mb;
	char *left = NULL, *right = NULL;
	const char *dots;
	int err = 0;
	bool symmetric = false;

	*notice = NULL;
	memset(out, 0, sizeof(*out));
	if (!spec || !*spec) {
		char *base_name = NULL;
		if ((err = default_base(r, &base_name)) < 0)
			return err;
		if ((err = resolve_commit(r, base_name, &a)) < 0 || (err = resolve_commit(r, "HEAD", &b)) < 0) {
			free(base_name);
			return err;
		}
		if (git_merge_base(&mb, r->repo, &a, &b) < 0) {
			err = pg_error_set(PG_EGIT, "HEAD and %s have no common ancestor%s",
					   short_ref(base_name),
					   pg_repo_is_shallow(r) ? " in this shallow clone (fetch more history)" : "");
			free(base_name);
			return err;
		}
		oid_hex(out->base, &mb);
		oid_hex(out->head, &b);
		out->spec = pg_printf_alloc("%.12s..HEAD", out->base);
		out->description = pg_printf_alloc("merge base with %s (%.12s) ..HEAD", short_ref(base_name),
						   out->base);
		*notice = pg_printf_alloc("prgate: no range given; checking %s..HEAD (the merge base with %s)",
					  (char[13]){ 0 }, short_ref(base_name));
		free(*notice);
		*notice = pg_printf_alloc("prgate: no range given; checking %.12s..HEAD (the merge base with %s)",
					  out->base, short_ref(base_name));
		free(base_name);
		return 0;
	}
	out->spec = pg_strdup(spec);
	if ((dots = strstr(spec, "..."))) {
		symmetric = true;
		left = pg_strndup(spec, (size_t)(dots - spec));
		right = pg_strdup(dots + 3);
	} else if ((dots = strstr(spec, ".."))) {
		left = pg_strndup(spec, (size_t)(dots - spec));
		right = pg_strdup(dots + 2);
	}
	if (!left) {
		/* A single commit C means C^..C (the first parent for merges). */
		git_commit *c = NULL;
		if ((err = resolve_commit(r, spec, &b)) < 0)
			goto done;
		if (git_commit_lookup(&c, r->repo, &b) < 0) {
			err = git_fail("cannot read commit");
			goto done;
		}
		if (git_commit_parentcount(c) > 0)
			oid_hex(out->base, git_commit_parent_id(c, 0));
		git_commit_free(c);
		oid_hex(out->head, &b);
		out->description = pg_printf_alloc("%s^..%s", spec, spec);
		goto done;
	}
	if ((err = resolve_commit(r, *left ? left : "HEAD", &a)) < 0 ||
	    (err = resolve_commit(r, *right ? right : "HEAD", &b)) < 0)
		goto done;
	if (symmetric) {
		if (git_merge_base(&mb, r->repo, &a, &b) < 0) {
			err = pg_error_set(PG_EGIT, "'%s' and '%s' have no common ancestor%s", left, right,
					   pg_repo_is_shallow(r) ? " in this shallow clone (fetch more history)" : "");
			goto done;
		}
		a = mb;
	}
	oid_hex(out->base, &a);
	oid_hex(out->head, &b);
	out->description = pg_strdup(spec);
done:
	free(left);
	free(right);
	return err;
}

int pg_repo_staged_range(pg_repo *r, pg_range *out)
{
	git_oid head;
	memset(out, 0, sizeof(*out));
	out->staged = true;
	out->spec = pg_strdup("--staged");
	out->description = pg_strdup("HEAD..index (staged changes)");
	if (git_reference_name_to_id(&head, r->repo, "HEAD") == 0)
		oid_hex(out->base, &head);
	return 0;
}

static int tree_of(pg_repo *r, const char *hex, git_tree **out)
{
	git_oid oid;
	git_commit *c = NULL;
	int rc;
	*out = NULL;
	if (!hex[0])
		return 0; /* the empty tree */
	if (git_oid_fromstr(&oid, hex) < 0 || git_commit_lookup(&c, r->repo, &oid) < 0)
		return missing_revision(r, hex);
	rc = git_commit_tree(out, c);
	git_commit_free(c);
	return rc < 0 ? git_fail("cannot read tree") : 0;
}

/* Look up a blob of at most `max` bytes (0: any). */
static int lookup_blob_in(git_repository *repo, const unsigned char raw[20], size_t max, git_blob **out)
{
	git_oid oid;
	*out = NULL;
	git_oid_fromraw(&oid, raw);
	if (git_blob_lookup(out, repo, &oid) < 0) {
		char hex[41];
		oid_hex(hex, &oid);
		return pg_error_set(PG_EGIT, "cannot read object %s: %s (is the repository corrupted?)", hex,
				    git_error_last() ? git_error_last()->message : "not found");
	}
	if (max && git_blob_rawsize(*out) > max) {
		git_blob_free(*out);
		*out = NULL;
		return pg_error_set(PG_ELIMIT, "blob larger than %zu bytes", max);
	}
	return 0;
}

static int lookup_blob(pg_repo *r, const unsigned char raw[20], size_t max, git_blob **out)
{
	return lookup_blob_in(r->repo, raw, max, out);
}

/* A NUL-terminated copy of a blob's bytes (owned). */
static char *blob_copy(const git_blob *blob, size_t *len)
{
	size_t size = (size_t)git_blob_rawsize(blob);
	char *out = pg_malloc(size + 1);
	memcpy(out, git_blob_rawcontent(blob), size);
	out[size] = '\0';
	*len = size;
	return out;
}

int pg_repo_read_blob(pg_repo *r, const unsigned char raw[20], size_t max, char **out, size_t *len)
{
	git_blob *blob;
	int err;
	*out = NULL;
	*len = 0;
	if ((err = lookup_blob(r, raw, max, &blob)) < 0)
		return err;
	*out = blob_copy(blob, len);
	git_blob_free(blob);
	return 0;
}

bool pg_text_is_binary(const char *s, size_t n)
{
	return memchr(s, '\0', n < 8000 ? n : 8000) != NULL;
}

char *pg_repo_read_text(pg_repo *r, const unsigned char raw[20], size_t max, size_t *len)
{
	static const unsigned char zero[20];
	char *text = NULL;
	*len = 0;
	if (!memcmp(raw, zero, 20))
		return NULL;
	if (pg_repo_read_blob(r, raw, max, &text, len) < 0) {
		pg_error_clear();
		*len = 0;
		return NULL;
	}
	if (pg_text_is_binary(text, *len)) {
		free(text);
		*len = 0;
		return NULL;
	}
	return text;
}

typedef struct line_collector {
	pg_vec ranges; /* pg_line_range */
	pg_vec hunks;  /* pg_hunk, when hunks_wanted */
	bool hunks_wanted;
	uint32_t added, deleted;
} line_collector;

static void add_line(line_collector *lc, uint32_t line)
{
	pg_line_range *last = lc->ranges.len ? PG_VEC_AT(&lc->ranges, pg_line_range, lc->ranges.len - 1) : NULL;
	if (last && last->end + 1 == line) {
		last->end = line;
		return;
	}
	last = pg_vec_push(&lc->ranges);
	last->start = last->end = line;
}

static int line_cb(const git_diff_delta *d, const git_diff_hunk *h, const git_diff_line *l, void *p)
{
	line_collector *lc = p;
	(void)d;
	if (lc->hunks_wanted && h) {
		pg_hunk *last = lc->hunks.len ? PG_VEC_AT(&lc->hunks, pg_hunk, lc->hunks.len - 1) : NULL;
		if (!last || last->old_start != (uint32_t)h->old_start || last->new_start != (uint32_t)h->new_start) {
			last = pg_vec_push(&lc->hunks);
			last->old_start = (uint32_t)h->old_start;
			last->old_lines = (uint32_t)h->old_lines;
			last->new_start = (uint32_t)h->new_start;
			last->new_lines = (uint32_t)h->new_lines;
		}
	}
	if (l->origin == GIT_DIFF_LINE_ADDITION) {
		add_line(lc, (uint32_t)l->new_lineno);
		lc->added++;
	} else if (l->origin == GIT_DIFF_LINE_DELETION) {
		lc->deleted++;
	}
	return 0;
}

static uint32_t count_lines(const char *s, size_t n)
{
	uint32_t c = 0;
	const char *p = s, *end = s + n;
	if (n == 0)
		return 0;
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		c++;
		p++;
	}
	return s[n - 1] == '\n' ? c : c + 1;
}

/* Diff two blobs and collect the new-side numbers of added lines. Blobs,
 * not their texts: libgit2 hashes a buffer it is given to name it, a blob
 * comes with its id. */
static int diff_blobs(const git_blob *old, const git_blob *new_blob, bool ignore_ws, line_collector *lc)
{
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.context_lines = 0;
	o.flags = GIT_DIFF_FORCE_TEXT;
	if (ignore_ws)
		o.flags |= GIT_DIFF_IGNORE_WHITESPACE | GIT_DIFF_IGNORE_WHITESPACE_EOL |
			   GIT_DIFF_IGNORE_BLANK_LINES;
	if (git_diff_blobs(old, NULL, new_blob, NULL, &o, NULL, NULL, NULL, line_cb, lc) < 0)
		return git_fail("cannot diff blobs");
	return 0;
}

static void set_collected(pg_file *f, line_collector *lc)
{
	f->added = lc->ranges.items;
	f->added_count = lc->ranges.len;
	f->lines_added = lc->added;
	f->lines_deleted = lc->deleted;
}

/* Read f's blobs and fill its lines (and its content, with
 * opts->load_content): the second half of load_delta, and all of a file
 * whose lines the diff deferred. */
static int load_lines(pg_repo *r, const pg_diff_opts *opts, pg_file *f)
{
	/* the blobs' bytes are read in place; only the content kept is copied */
	const char *new_text = NULL, *old_text = NULL;
	size_t new_len = 0, old_len = 0;
	git_blob *new_blob = NULL, *old_blob = NULL;
	line_collector lc;
	int err = 0;
	static const unsigned char zero[20];
	bool has_new = f->status != PG_FILE_DELETED;
	bool has_old = f->status != PG_FILE_ADDED && memcmp(f->old_oid, zero, 20) != 0;

	pg_vec_init(&lc.ranges, sizeof(pg_line_range));
	pg_vec_init(&lc.hunks, sizeof(pg_hunk));
	/* exact hunks let later stages reparse the old side incrementally */
	lc.hunks_wanted = !opts->ignore_whitespace;
	lc.added = lc.deleted = 0;
	if (has_new) {
		if ((err = lookup_blob_in(diffs_handle(r), f->new_oid, 0, &new_blob)) < 0)
			return err;
		new_text = git_blob_rawcontent(new_blob);
		new_len = (size_t)git_blob_rawsize(new_blob);
		if (pg_text_is_binary(new_text, new_len)) {
			f->skip_reason = "binary";
			git_blob_free(new_blob);
			return 0;
		}
	}
	if (has_old) {
		if ((err = lookup_blob_in(diffs_handle(r), f->old_oid, opts->max_file_size ? opts->max_file_size * 4 : 0,
					  &old_blob)) < 0) {
			if (err != PG_ELIMIT) {
				git_blob_free(new_blob);
				return err;
			}
			err = 0;
		} else {
			old_text = git_blob_rawcontent(old_blob);
			old_len = (size_t)git_blob_rawsize(old_blob);
		}
		if (old_blob && pg_text_is_binary(old_text, old_len) && !has_new) {
			f->skip_reason = "binary";
			goto done;
		}
	}
	if (!has_new) {
		f->lines_deleted = old_blob ? count_lines(old_text, old_len) : 0;
		goto done;
	}
	if (!old_blob) {
		uint32_t n = count_lines(new_text, new_len);
		if (n) {
			pg_line_range *lr = pg_vec_push(&lc.ranges);
			lr->start = 1;
			lr->end = n;
		}
		lc.added = n;
	} else if ((err = diff_blobs(old_blob, new_blob, opts->ignore_whitespace, &lc)) < 0) {
		goto done;
	} else if (lc.hunks_wanted) {
		f->hunks = lc.hunks.items;
		f->hunk_count = lc.hunks.len;
		lc.hunks.items = NULL;
		lc.hunks.len = 0;
	}
	set_collected(f, &lc);
	lc.ranges.items = NULL;
	if (opts->load_content)
		f->content = blob_copy(new_blob, &f->content_len);
done:
	pg_vec_dispose(&lc.ranges);
	pg_vec_dispose(&lc.hunks);
	git_blob_free(new_blob);
	git_blob_free(old_blob);
	return err;
}

int pg_repo_load_lines(pg_repo *r, const pg_diff_opts *opts, pg_file *f)
{
	f->lines_deferred = false;
	return load_lines(r, opts, f);
}

/* Fill a pg_file's lines and content from its delta, or defer them to the
 * reader (opts->defer). */
static int load_delta(pg_repo *r, const git_diff_delta *d, const pg_diff_opts *opts, pg_file *f)
{
	bool has_new = f->status != PG_FILE_DELETED;
	bool has_old = f->status != PG_FILE_ADDED && !git_oid_is_zero(&d->old_file.id);

	if (f->new_mode == GIT_FILEMODE_COMMIT || f->old_mode == GIT_FILEMODE_COMMIT) {
		f->skip_reason = "submodule";
		return 0;
	}
	if (f->new_mode == GIT_FILEMODE_LINK || (!has_new && f->old_mode == GIT_FILEMODE_LINK)) {
		f->skip_reason = "symlink";
		return 0;
	}
	if (has_new) {
		git_odb *odb;
		size_t size = 0;
		git_object_t type;
		if (git_repository_odb(&odb, r->repo) == 0) {
			if (git_odb_read_header(&size, &type, odb, &d->new_file.id) < 0) {
				git_odb_free(odb);
				char hex[41];
				oid_hex(hex, &d->new_file.id);
				return pg_error_set(PG_EGIT, "cannot read object %s for '%s': %s (is the repository corrupted?)",
						    hex, f->path, git_error_last() ? git_error_last()->message : "missing");
			}
			git_odb_free(odb);
		}
		f->size = size;
		if (opts->max_file_size && size > opts->max_file_size) {
			f->skip_reason = "too-large";
			return 0;
		}
		if (!opts->load_content && opts->defer && opts->defer(f->path)) {
			if (has_old) { /* the reader diffs it: pg_repo_load_lines */
				f->lines_deferred = true;
				return 0;
			}
			f->added = pg_malloc(sizeof(pg_line_range));
			f->added[0].start = 1;
			f->added[0].end = UINT32_MAX;
			f->added_count = 1;
			return 0;
		}
	}
	return load_lines(r, opts, f);
}

static pg_file_status map_status(git_delta_t s)
{
	switch (s) {
	case GIT_DELTA_ADDED: return PG_FILE_ADDED;
	case GIT_DELTA_DELETED: return PG_FILE_DELETED;
	case GIT_DELTA_RENAMED: return PG_FILE_RENAMED;
	case GIT_DELTA_COPIED: return PG_FILE_COPIED;
	case GIT_DELTA_TYPECHANGE: return PG_FILE_TYPECHANGE;
	default: return PG_FILE_MODIFIED;
	}
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const pg_file *)a)->path, ((const pg_file *)b)->path);
}

/* The paths under `prefix` where trees a and b differ, onto out (char *,
 * owned): an entry on one side only, or whose id or mode changed, with a
 * pair of subtrees followed down. libgit2 1.5's tree-to-tree diff reads
 * every tree of both sides, the unchanged ones too (1,112 tree reads for
 * the benchmark's 20-file change in a 4,000-file tree); given these paths
 * as its pathlist, its iterators skip every subtree none of them names. A
 * whole added or deleted directory is one path (the pathlist takes it as
 * everything beneath). */
static int changed_paths(git_repository *repo, const git_tree *a, const git_tree *b, pg_buf *prefix, pg_vec *out)
{
	size_t i = 0, j = 0, na = git_tree_entrycount(a), nb = git_tree_entrycount(b), mark = prefix->len;
	int err = 0;
	while (!err && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);
		const git_tree_entry *e = c <= 0 ? ea : eb;
		i += c <= 0;
		j += c >= 0;
		if (c == 0 && git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb) &&
		    git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
			continue;
		prefix->len = mark;
		if (pg_buf_puts(prefix, git_tree_entry_name(e)) < 0)
			return pg_error_set(PG_ELIMIT, "path too long in the tree diff");
		if (c == 0 && git_tree_entry_type(ea) == GIT_OBJECT_TREE) { /* both trees: see which entries */
			git_tree *sa = NULL, *sb = NULL;
			if (git_tree_lookup(&sa, repo, git_tree_entry_id(ea)) < 0 ||
			    git_tree_lookup(&sb, repo, git_tree_entry_id(eb)) < 0)
				err = git_fail("cannot read tree");
			else if (pg_buf_puts(prefix, "/") < 0)
				err = pg_error_set(PG_ELIMIT, "path too long in the tree diff");
			else
				err = changed_paths(repo, sa, sb, prefix, out);
			git_tree_free(sa);
			git_tree_free(sb);
		} else {
			*(char **)pg_vec_push(out) = pg_strndup(prefix->ptr, prefix->len);
		}
	}
	prefix->len = mark;
	return err;
}

static void free_paths(pg_vec *paths)
{
	size_t i;
	for (i = 0; i < paths->len; i++)
		free(*PG_VEC_AT(paths, char *, i));
	pg_vec_dispose(paths);
}

int pg_repo_diff(pg_repo *r, const pg_range *range, const pg_diff_opts *opts, pg_vec *files)
{
	pg_vec paths; /* char *: the pathlist (changed_paths) */
	pg_buf prefix;
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_diff *diff = NULL;
	git_index *index = NULL;
	git_diff_options o;
	git_diff_find_options fo;
	size_t i, n, first = files->len;
	int err;

	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	pg_vec_init(&paths, sizeof(char *));
	pg_buf_init(&prefix, 1 << 16);

	if ((err = tree_of(r, range->base, &old_tree)) < 0)
		goto done;
	o.context_lines = 0;
	o.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
	if (range->staged) {
		if (git_repository_index(&index, r->repo) < 0) {
			err = git_fail("cannot read the index");
			goto done;
		}
		if (git_diff_tree_to_index(&diff, r->repo, old_tree, index, &o) < 0) {
			err = git_fail("cannot diff the index");
			goto done;
		}
	} else {
		if ((err = tree_of(r, range->head, &new_tree)) < 0)
			goto done;
		/* PRGATE_FULL_TREE_DIFF: libgit2's walk of every tree, the
		 * reference for tests */
		if (old_tree && new_tree && !getenv("PRGATE_FULL_TREE_DIFF")) {
			if ((err = changed_paths(r->repo, old_tree, new_tree, &prefix, &paths)) < 0)
				goto done;
			if (!paths.len)
				goto done; /* the same tree: no change (an empty pathlist means every path) */
			o.pathspec.strings = paths.items;
			o.pathspec.count = paths.len;
			o.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
		}
		if (git_diff_tree_to_tree(&diff, r->repo, old_tree, new_tree, &o) < 0) {
			err = git_fail("cannot diff trees");
			goto done;
		}
	}
	fo.flags = GIT_DIFF_FIND_RENAMES;
	if (git_diff_find_similar(diff, &fo) < 0) {
		err = git_fail("cannot detect renames");
		goto done;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		pg_file *f = pg_vec_push(files);
		f->status = map_status(d->status);
		f->path = pg_strdup(d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path);
		if ((d->status == GIT_DELTA_RENAMED || d->status == GIT_DELTA_COPIED) &&
		    strcmp(d->old_file.path, d->new_file.path) != 0)
			f->old_path = pg_strdup(d->old_file.path);
		f->old_mode = d->old_file.mode;
		f->new_mode = d->new_file.mode;
		f->mode_changed = d->old_file.mode && d->new_file.mode && d->old_file.mode != d->new_file.mode;
		memcpy(f->new_oid, d->new_file.id.id, 20);
		memcpy(f->old_oid, d->old_file.id.id, 20);
		if (f->status == PG_FILE_DELETED)
			f->skip_reason = "deleted";
		if (load_delta(r, d, opts, f) < 0) {
			/* a corrupted or missing object loses this file only */
			f->skip_reason = "unreadable";
			f->error = pg_strdup(pg_error_last());
		}
	}
	pg_vec_sort(files, first, file_cmp);
done:
	free_paths(&paths);
	pg_buf_dispose(&prefix);
	git_diff_free(diff);
	git_index_free(index);
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	return err;
}

typedef struct list_ctx {
	pg_repo *r;
	const pg_diff_opts *opts;
	pg_vec *files;
	int err;
} list_ctx;

static int list_cb(const char *root, const git_tree_entry *e, void *p)
{
	list_ctx *c = p;
	git_filemode_t mode = git_tree_entry_filemode(e);
	pg_file *f;
	git_diff_delta d;
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		return 0;
	f = pg_vec_push(c->files);
	f->path = pg_printf_alloc("%s%s", root, git_tree_entry_name(e));
	f->status = PG_FILE_UNCHANGED;
	f->old_mode = f->new_mode = mode;
	memcpy(f->new_oid, git_tree_entry_id(e)->id, 20);
	memcpy(f->old_oid, git_tree_entry_id(e)->id, 20);
	memset(&d, 0, sizeof(d));
	d.status = GIT_DELTA_ADDED;
	d.new_file.id = *git_tree_entry_id(e);
	d.new_file.mode = mode;
	f->status = PG_FILE_ADDED; /* every line counts as in scope */
	if ((c->err = load_delta(c->r, &d, c->opts, f)) < 0)
		return -1;
	f->status = PG_FILE_UNCHANGED;
	f->lines_added = 0;
	return 0;
}

int pg_repo_list_head(pg_repo *r, const pg_range *range, const pg_diff_opts *opts, pg_vec *files)
{
	git_tree *tree = NULL;
	list_ctx c = { r, opts, files, 0 };
	size_t first = files->len;
	int err;
	if (range->staged)
		return pg_error_set(PG_EUSAGE, "--filter all scans a commit; it does not combine with --staged");
	if ((err = tree_of(r, range->head, &tree)) < 0)
		return err;
	git_tree_walk(tree, GIT_TREEWALK_PRE, list_cb, &c);
	git_tree_free(tree);
	pg_vec_sort(files, first, file_cmp);
	return c.err;
}

int pg_repo_read_file(pg_repo *r, const char *rev_hex, const char *path, size_t max, char **out,
		      size_t *len)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int err;
	*out = NULL;
	*len = 0;
	if (!rev_hex[0]) {
		git_index *index;
		const git_index_entry *ie;
		if (git_repository_index(&index, r->repo) < 0)
			return git_fail("cannot read the index");
		ie = git_index_get_bypath(index, path, 0);
		if (!ie) {
			git_index_free(index);
			return pg_error_set(PG_ENOTFOUND, "'%s' is not in the index", path);
		}
		err = pg_repo_read_blob(r, ie->id.id, max, out, len);
		git_index_free(index);
		return err;
	}
	if ((err = tree_of(r, rev_hex, &tree)) < 0)
		return err;
	if (git_tree_entry_bypath(&entry, tree, path) < 0) {
		git_tree_free(tree);
		return pg_error_set(PG_ENOTFOUND, "'%s' does not exist in %.12s", path, rev_hex);
	}
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		err = pg_error_set(PG_ENOTFOUND, "'%s' is not a file in %.12s", path, rev_hex);
	else
		err = pg_repo_read_blob(r, git_tree_entry_id(entry)->id, max, out, len);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return err;
}

typedef struct walk_ctx {
	int (*on_file)(void *, const char *, const unsigned char *);
	void *ctx;
	uint64_t deadline;
	int err;
	pg_buf path; /* reused: one allocation per walk, not per file */
} walk_ctx;

static int walk_cb(const char *root, const git_tree_entry *e, void *p)
{
	walk_ctx *w = p;
	int rc;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    git_tree_entry_filemode(e) == GIT_FILEMODE_LINK)
		return 0;
	if (w->deadline && pg_time_usec() > w->deadline) {
		w->err = pg_error_set(PG_ELIMIT, "time limit reached while searching the tree");
		return -1;
	}
	pg_buf_clear(&w->path);
	if (pg_buf_puts(&w->path, root) < 0 || pg_buf_puts(&w->path, git_tree_entry_name(e)) < 0) {
		w->err = pg_error_set(PG_ELIMIT, "path too long in the tree: %s", root);
		return -1;
	}
	rc = w->on_file(w->ctx, w->path.ptr, git_tree_entry_id(e)->id);
	return rc ? -1 : 0;
}

int pg_repo_walk_tree(pg_repo *r, const char *rev_hex,
		      int (*on_file)(void *ctx, const char *path, const unsigned char oid[20]), void *ctx,
		      uint64_t deadline)
{
	git_tree *tree = NULL;
	walk_ctx w = { on_file, ctx, deadline, 0, { 0 } };
	int err;
	if (!rev_hex[0]) {
		/* the index: write it as a tree in memory is not possible without
		 * writing objects; fall back to HEAD */
		git_oid head;
		char hex[41];
		if (git_reference_name_to_id(&head, r->repo, "HEAD") < 0)
			return 0;
		oid_hex(hex, &head);
		return pg_repo_walk_tree(r, hex, on_file, ctx, deadline);
	}
	if ((err = tree_of(r, rev_hex, &tree)) < 0)
		return err;
	pg_buf_init(&w.path, 0);
	git_tree_walk(tree, GIT_TREEWALK_PRE, walk_cb, &w);
	pg_buf_dispose(&w.path);
	git_tree_free(tree);
	return w.err;
}

bool pg_repo_has_object(pg_repo *r, const unsigned char raw[20])
{
	git_odb *odb = NULL;
	git_oid oid;
	bool found;
	if (git_repository_odb(&odb, r->repo) < 0) {
		git_error_clear();
		return false;
	}
	git_oid_fromraw(&oid, raw);
	found = git_odb_exists(odb, &oid) == 1;
	git_odb_free(odb);
	return found;
}

const char *pg_repo_common_dir(const pg_repo *r)
{
	return git_repository_commondir(r->repo);
}

int pg_repo_walk_commits(pg_repo *r, const pg_range *range,
			 int (*cb)(void *ctx, const char *sha, const char *parent, const char *author,
				   const char *email, const char *message),
			 void *ctx)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int err = 0;
	if (range->staged || !range->head[0])
		return 0;
	if (git_revwalk_new(&walk, r->repo) < 0)
		return git_fail("cannot walk commits");
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	git_oid_fromstr(&oid, range->head);
	git_revwalk_push(walk, &oid);
	if (range->base[0]) {
		git_oid_fromstr(&oid, range->base);
		git_revwalk_hide(walk, &oid);
	}
	while (git_revwalk_next(&oid, walk) == 0) {
		git_commit *c;
		char hex[41], parent[41] = "";
		const git_signature *a;
		if (git_commit_lookup(&c, r->repo, &oid) < 0)
			continue;
		oid_hex(hex, &oid);
		if (git_commit_parentcount(c) == 1)
			oid_hex(parent, git_commit_parent_id(c, 0));
		a = git_commit_author(c);
		err = cb(ctx, hex, parent, a && a->name ? a->name : "", a && a->email ? a->email : "",
			 git_commit_message(c) ? git_commit_message(c) : "");
		git_commit_free(c);
		if (err)
			break;
	}
	git_revwalk_free(walk);
	return err < 0 ? err : 0;
}

int pg_repo_hooks_dir(pg_repo *r, char **out)
{
	git_config *cfg = NULL;
	git_buf value = { 0 };
	const char *home;
	int rc;
	*out = NULL;
	if (git_repository_config_snapshot(&cfg, r->repo) < 0)
		return git_fail("cannot read the repository config");
	rc = git_config_get_string_buf(&value, cfg, "core.hooksPath");
	git_config_free(cfg);
	if (rc == 0 && value.ptr && value.ptr[0]) {
		const char *v = value.ptr;
		if (v[0] == '~' && v[1] == '/' && (home = getenv("HOME")))
			*out = pg_printf_alloc("%s%s", home, v + 1);
		else if (v[0] == '/')
			*out = pg_strdup(v);
		else /* git runs hooks from the work tree root (the git dir if bare) */
			*out = pg_printf_alloc("%s%s", r->root, v);
	} else {
		*out = pg_printf_alloc("%shooks", git_repository_commondir(r->repo));
	}
	git_buf_dispose(&value);
	while (strlen(*out) > 1 && (*out)[strlen(*out) - 1] == '/')
		(*out)[strlen(*out) - 1] = 0;
	return 0;
}

static bool is_zero_sha(const char *hex)
{
	for (; *hex; hex++)
		if (*hex != '0')
			return false;
	return true;
}

static bool have_commit(pg_repo *r, const char *hex, git_oid *out)
{
	git_commit *c = NULL;
	if (git_oid_fromstr(out, hex) < 0 || git_commit_lookup(&c, r->repo, out) < 0)
		return false;
	git_commit_free(c);
	return true;
}

/* The remote's default branch as a full ref name (owned), or NULL. */
static char *remote_default(pg_repo *r, const char *remote)
{
	static const char *const names[] = { "HEAD", "main", "master", NULL };
	size_t i;
	for (i = 0; names[i]; i++) {
		char *ref = pg_printf_alloc("refs/remotes/%s/%s", remote, names[i]);
		git_oid oid;
		if (git_reference_name_to_id(&oid, r->repo, ref) == 0)
			return ref;
		free(ref);
	}
	return NULL;
}

int pg_repo_push_range(pg_repo *r, const char *remote, const char *local_sha, const char *remote_sha,
		       pg_range *out, char **notice)
{
	git_oid local, theirs, mb;
	git_revwalk *walk = NULL;
	char *def = NULL;
	int err = 0;

	*notice = NULL;
	memset(out, 0, sizeof(*out));
	if (!have_commit(r, local_sha, &local))
		return missing_revision(r, local_sha);
	oid_hex(out->head, &local);
	if (!is_zero_sha(remote_sha) && have_commit(r, remote_sha, &theirs) &&
	    git_merge_base(&mb, r->repo, &theirs, &local) == 0) {
		oid_hex(out->base, &mb);
		out->spec = pg_printf_alloc("%.12s..%.12s", out->base, out->head);
		out->description = pg_printf_alloc("%.12s..%.12s (the push to %s)", out->base, out->head, remote);
		return 0;
	}
	if ((def = remote_default(r, remote))) {
		git_oid d;
		if (git_reference_name_to_id(&d, r->repo, def) == 0 && git_merge_base(&mb, r->repo, &d, &local) == 0) {
			oid_hex(out->base, &mb);
			out->spec = pg_printf_alloc("%.12s..%.12s", out->base, out->head);
			out->description = pg_printf_alloc("merge base with %s (%.12s)..%.12s", short_ref(def),
							   out->base, out->head);
			*notice = pg_printf_alloc("prgate: new branch: checking from its merge base with %s",
						  short_ref(def));
			free(def);
			return 0;
		}
	}
	/* no default branch to compare with: what no remote-tracking ref has */
	if (git_revwalk_new(&walk, r->repo) < 0) {
		err = git_fail("cannot walk commits");
		goto done;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	git_revwalk_push(walk, &local);
	git_revwalk_hide_glob(walk, "refs/remotes/*");
	if (git_revwalk_next(&mb, walk) == 0) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, r->repo, &mb) == 0) {
			if (git_commit_parentcount(c) > 0)
				oid_hex(out->base, git_commit_parent_id(c, 0));
			git_commit_free(c);
		}
	} else {
		memcpy(out->base, out->head, sizeof(out->base)); /* nothing new */
	}
	out->spec = pg_printf_alloc("%.12s..%.12s", out->base[0] ? out->base : "(root)", out->head);
	out->description = pg_printf_alloc("%s..%.12s (commits on no remote branch)",
					   out->base[0] ? out->base : "the empty tree", out->head);
	*notice = pg_printf_alloc("prgate: new branch and no %s default branch here: checking the commits "
				  "no remote branch has",
				  remote);
done:
	git_revwalk_free(walk);
	free(def);
	return err;
}

int pg_repo_diff_file_ignoring_ws(pg_repo *r, const pg_file *f, pg_line_range **ranges, size_t *count)
{
	git_blob *old_blob = NULL, *new_blob = NULL;
	line_collector lc;
	int err;
	static const unsigned char zero[20];
	*ranges = NULL;
	*count = 0;
	if (!memcmp(f->old_oid, zero, 20) || !memcmp(f->new_oid, zero, 20))
		return 0;
	if ((err = lookup_blob_in(diffs_handle(r), f->old_oid, 0, &old_blob)) < 0)
		return err;
	if ((err = lookup_blob_in(diffs_handle(r), f->new_oid, 0, &new_blob)) < 0) {
		git_blob_free(old_blob);
		return err;
	}
	pg_vec_init(&lc.ranges, sizeof(pg_line_range));
	lc.hunks_wanted = false;
	lc.added = lc.deleted = 0;
	err = diff_blobs(old_blob, new_blob, true, &lc);
	git_blob_free(old_blob);
	git_blob_free(new_blob);
	if (err < 0) {
		pg_vec_dispose(&lc.ranges);
		return err;
	}
	*ranges = lc.ranges.items;
	*count = lc.ranges.len;
	return 0;
}
