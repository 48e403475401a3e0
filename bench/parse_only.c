/*
 * parse_only - the lower bound of the benchmark: parse each changed byte once.
 *
 * It does what prgate's pipeline must do at the very least for a range: open
 * the repository with libgit2, diff the two trees, read every added or
 * modified .rs/.js/.mjs/.cjs/.jsx/.html blob from the object database, and
 * parse it with the same tree-sitter grammars, in parallel with one worker
 * per core (or -j N). No rules, no findings, no output but a summary line.
 * -X FILE: leave out the paths listed in FILE, one per line (the benchmark
 * passes the files prgate excludes, so that both parse the same files).
 *
 * usage: parse_only [-j N] [-C DIR] [-X FILE] BASE..HEAD
 */
#include <git2.h>
#include <tree_sitter/api.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const TSLanguage *tree_sitter_rust(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_html(void);

/* item - one blob to parse. */
typedef struct item {
	git_oid oid;
	const TSLanguage *(*lang)(void);
} item;

typedef struct ctx {
	const char *dir;
	item *items;
	size_t count, next;
	size_t bytes;
	int failed;
	pthread_mutex_t lock;
} ctx;

static const TSLanguage *(*lang_for(const char *path))(void)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return NULL;
	if (!strcmp(dot, ".rs"))
		return tree_sitter_rust;
	if (!strcmp(dot, ".js") || !strcmp(dot, ".mjs") || !strcmp(dot, ".cjs") || !strcmp(dot, ".jsx"))
		return tree_sitter_javascript;
	if (!strcmp(dot, ".html") || !strcmp(dot, ".htm"))
		return tree_sitter_html;
	return NULL;
}

/* The lines of path (sorted, for bsearch), or none. */
static char **read_list(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[4096], **v = NULL;
	size_t cap = 0;
	*n = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!*line)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = strdup(line);
	}
	fclose(f);
	return v;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void *worker(void *p)
{
	ctx *c = p;
	git_repository *repo = NULL;
	TSParser *parser = ts_parser_new();
	size_t bytes = 0;
	/* each worker its own repository handle: reads never wait for a lock */
	if (git_repository_open(&repo, c->dir) < 0) {
		c->failed = 1;
		ts_parser_delete(parser);
		return NULL;
	}
	for (;;) {
		size_t i;
		git_blob *blob;
		TSTree *tree;
		pthread_mutex_lock(&c->lock);
		i = c->next++;
		pthread_mutex_unlock(&c->lock);
		if (i >= c->count)
			break;
		if (git_blob_lookup(&blob, repo, &c->items[i].oid) < 0) {
			c->failed = 1;
			continue;
		}
		ts_parser_set_language(parser, c->items[i].lang());
		tree = ts_parser_parse_string(parser, NULL, git_blob_rawcontent(blob),
					      (uint32_t)git_blob_rawsize(blob));
		bytes += (size_t)git_blob_rawsize(blob);
		ts_tree_delete(tree);
		git_blob_free(blob);
	}
	pthread_mutex_lock(&c->lock);
	c->bytes += bytes;
	pthread_mutex_unlock(&c->lock);
	git_repository_free(repo);
	ts_parser_delete(parser);
	return NULL;
}

static int tree_of(git_repository *repo, const char *rev, git_tree **out)
{
	git_object *obj = NULL;
	int rc = git_revparse_single(&obj, repo, rev);
	if (rc < 0)
		return rc;
	rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_TREE);
	git_object_free(obj);
	return rc;
}

int main(int argc, char **argv)
{
	const char *dir = ".", *range = NULL, *skip_file = NULL;
	char **skip = NULL;
	size_t nskip = 0;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	git_repository *repo = NULL;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	pthread_t threads[64];
	ctx c;
	char *left;
	const char *dots;
	size_t i, n;
	int t, opt;

	while ((opt = getopt(argc, argv, "j:C:X:")) != -1) {
		if (opt == 'j')
			jobs = strtol(optarg, NULL, 10);
		else if (opt == 'C')
			dir = optarg;
		else if (opt == 'X')
			skip_file = optarg;
		else
			return 2;
	}
	if (optind >= argc || !(dots = strstr(argv[optind], ".."))) {
		fprintf(stderr, "usage: parse_only [-j N] [-C DIR] [-X FILE] BASE..HEAD\n");
		return 2;
	}
	if (skip_file) {
		if (!(skip = read_list(skip_file, &nskip)) && access(skip_file, R_OK) != 0) {
			fprintf(stderr, "parse_only: cannot read %s\n", skip_file);
			return 2;
		}
		qsort(skip, nskip, sizeof(*skip), cmp_str);
	}
	range = argv[optind];
	if (jobs < 1 || jobs > 64)
		jobs = 1;
	git_libgit2_init();
	if (git_repository_open_ext(&repo, dir, 0, NULL) < 0)
		goto fail;
	left = strndup(range, (size_t)(dots - range));
	if (tree_of(repo, left, &a) < 0 || tree_of(repo, dots + 2, &b) < 0) {
		free(left);
		goto fail;
	}
	free(left);
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.context_lines = 0;
	if (git_diff_tree_to_tree(&diff, repo, a, b, &o) < 0)
		goto fail;
	memset(&c, 0, sizeof(c));
	c.dir = git_repository_path(repo);
	n = git_diff_num_deltas(diff);
	c.items = calloc(n ? n : 1, sizeof(item));
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const TSLanguage *(*lang)(void) = lang_for(d->new_file.path);
		if (d->status == GIT_DELTA_DELETED || !lang || (d->new_file.mode != GIT_FILEMODE_BLOB && d->new_file.mode != GIT_FILEMODE_BLOB_EXECUTABLE))
			continue;
		if (nskip && bsearch(&d->new_file.path, skip, nskip, sizeof(*skip), cmp_str))
			continue;
		c.items[c.count].oid = d->new_file.id;
		c.items[c.count].lang = lang;
		c.count++;
	}
	pthread_mutex_init(&c.lock, NULL);
	for (t = 0; t < jobs; t++)
		if (pthread_create(&threads[t], NULL, worker, &c) != 0)
			break;
	jobs = t;
	for (t = 0; t < jobs; t++)
		pthread_join(threads[t], NULL);
	printf("parse_only: %zu files, %zu bytes, %ld workers\n", c.count, c.bytes, jobs);
	free(c.items);
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return c.failed ? 1 : 0;
fail:
	fprintf(stderr, "parse_only: %s\n", git_error_last() ? git_error_last()->message : "error");
	return 1;
}
