/* util.c - errors, allocation, buffers, vectors, text helpers. */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static _Thread_local char error_msg[1024];

int pg_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error_msg, sizeof(error_msg), fmt, ap);
	va_end(ap);
	return code;
}

const char *pg_error_last(void)
{
	return error_msg;
}

void pg_error_clear(void)
{
	error_msg[0] = '\0';
}

static void oom(void)
{
	fputs("prgate: out of memory\n", stderr);
	abort();
}

void *pg_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *pg_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *pg_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *pg_strdup(const char *s)
{
	return pg_strndup(s, strlen(s));
}

char *pg_strndup(const char *s, size_t n)
{
	char *p = pg_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *pg_printf_alloc(const char *fmt, ...)
{
	pg_buf b;
	va_list ap;
	pg_buf_init(&b, PG_BUF_DEFAULT_MAX);
	va_start(ap, fmt);
	pg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return pg_buf_detach(&b);
}

void pg_buf_init(pg_buf *b, size_t max)
{
	b->cap = 64;
	b->ptr = pg_malloc(b->cap);
	b->ptr[0] = '\0';
	b->len = 0;
	b->max = max ? max : PG_BUF_DEFAULT_MAX;
}

void pg_buf_dispose(pg_buf *b)
{
	if (!b)
		return;
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

void pg_buf_clear(pg_buf *b)
{
	b->len = 0;
	b->ptr[0] = '\0';
}

static int buf_grow(pg_buf *b, size_t extra)
{
	size_t need;
	if (extra > b->max || b->len > b->max - extra)
		return pg_error_set(PG_ELIMIT, "buffer limit of %zu bytes exceeded", b->max);
	need = b->len + extra + 1;
	if (need > b->cap) {
		size_t cap = b->cap * 2;
		while (cap < need)
			cap *= 2;
		b->ptr = pg_realloc(b->ptr, cap);
		b->cap = cap;
	}
	return 0;
}

int pg_buf_put(pg_buf *b, const void *data, size_t n)
{
	int err;
	if (n == 0)
		return 0;
	if ((err = buf_grow(b, n)) < 0)
		return err;
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int pg_buf_puts(pg_buf *b, const char *s)
{
	return pg_buf_put(b, s, strlen(s));
}

int pg_buf_putc(pg_buf *b, char c)
{
	return pg_buf_put(b, &c, 1);
}

int pg_buf_vprintf(pg_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	int err;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return pg_error_set(PG_ERROR, "invalid format string");
	if ((err = buf_grow(b, (size_t)n)) < 0)
		return err;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int pg_buf_printf(pg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int err;
	va_start(ap, fmt);
	err = pg_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}

char *pg_buf_detach(pg_buf *b)
{
	char *p = b->ptr;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void pg_vec_init(pg_vec *v, size_t elem_size)
{
	v->items = NULL;
	v->len = v->cap = 0;
	v->size = elem_size;
}

void pg_vec_dispose(pg_vec *v)
{
	if (!v)
		return;
	free(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}

void *pg_vec_push(pg_vec *v)
{
	void *slot;
	if (v->len == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->items = pg_realloc(v->items, v->cap * v->size);
	}
	slot = (char *)v->items + v->len * v->size;
	memset(slot, 0, v->size);
	v->len++;
	return slot;
}

void pg_vec_sort(pg_vec *v, size_t from, int (*cmp)(const void *, const void *))
{
	if (v->len > from + 1)
		qsort((char *)v->items + from * v->size, v->len - from, v->size, cmp);
}

bool pg_str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool pg_str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int pg_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;
	errno = 0;
	if (!s || !*s)
		return pg_error_set(PG_EUSAGE, "expected a number");
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return pg_error_set(PG_EUSAGE, "'%s' is not a number from %ld to %ld", s, min, max);
	*out = v;
	return 0;
}

size_t pg_edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), i, j;
	size_t *row = pg_malloc((m + 1) * sizeof(size_t));
	size_t result;
	for (j = 0; j <= m; j++)
		row[j] = j;
	for (i = 1; i <= n; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (j = 1; j <= m; j++) {
			size_t cur = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	result = row[m];
	free(row);
	return result;
}

void pg_lines_init(pg_lines *l, const char *text, size_t len)
{
	size_t i, cap = 64;
	l->starts = pg_malloc(cap * sizeof(uint32_t));
	l->starts[0] = 0;
	l->count = 1;
	l->text_len = (uint32_t)len;
	for (i = 0; i < len; i++) {
		const char *nl = memchr(text + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - text);
		if (i + 1 >= len)
			break;
		if (l->count == cap) {
			cap *= 2;
			l->starts = pg_realloc(l->starts, cap * sizeof(uint32_t));
		}
		l->starts[l->count++] = (uint32_t)(i + 1);
	}
}

void pg_lines_dispose(pg_lines *l)
{
	if (!l)
		return;
	free(l->starts);
	l->starts = NULL;
	l->count = 0;
}

uint32_t pg_lines_find(const pg_lines *l, uint32_t off)
{
	uint32_t lo = 0, hi = l->count;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Match `p` against `s`, both up to their NUL; '*' and '?' stop at '/'. */
static bool glob_segment_match(const char *p, const char *s)
{
	for (; *p; p++, s++) {
		if (*p == '*') {
			if (p[1] == '*') {
				/* "**" : any run of characters including '/' */
				const char *rest = p + 2;
				if (*rest == '/')
					rest++;
				for (;;) {
					if (glob_segment_match(rest, s))
						return true;
					if (!*s)
						return false;
					s++;
				}
			}
			for (;;) {
				if (glob_segment_match(p + 1, s))
					return true;
				if (!*s || *s == '/')
					return false;
				s++;
			}
		}
		if (!*s)
			return false;
		if (*p == '?') {
			if (*s == '/')
				return false;
			continue;
		}
		if (*p == '[') {
			const char *q = p + 1;
			bool neg = false, hit = false;
			if (*q == '!' || *q == '^') {
				neg = true;
				q++;
			}
			for (; *q && *q != ']'; q++) {
				if (q[1] == '-' && q[2] && q[2] != ']') {
					if (*s >= q[0] && *s <= q[2])
						hit = true;
					q += 2;
				} else if (*q == *s) {
					hit = true;
				}
			}
			if (!*q || hit == neg || *s == '/')
				return false;
			p = q;
			continue;
		}
		if (*p == '\\' && p[1])
			p++;
		if (*p != *s)
			return false;
	}
	return *s == '\0';
}

/* A NUL-terminated copy of s[0, n) in buf (of `cap` bytes), or on the heap
 * when it does not fit: free it with scratch_done(). Glob matching runs for
 * every path of the head tree, so the common case takes no allocation. */
static char *scratch(char *buf, size_t cap, const char *s, size_t n)
{
	char *p = n < cap ? buf : pg_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void scratch_done(char *buf, char *p)
{
	if (p != buf)
		free(p);
}

/* pattern followed by "/" and "**", in buf or on the heap (scratch_done). */
static char *with_all_below(char *buf, size_t cap, const char *pattern, size_t plen)
{
	char *p = plen + 4 <= cap ? buf : pg_malloc(plen + 4);
	memcpy(p, pattern, plen);
	memcpy(p + plen, "/**", 4);
	return p;
}

/* A quick necessary condition: the longest run of plain characters of the
 * pattern (no wildcard, bracket, escape or '/': those may match other text,
 * or nothing, as in a leading "**" + "/") occurs in the path. Most paths
 * fail a test-file glob on this alone. */
#define GLOB_LITERAL_MAX 64

/* That run into lit (NUL-terminated); its length, or 0: no shortcut. */
static size_t glob_literal(const char *pattern, char lit[GLOB_LITERAL_MAX])
{
	const char *p = pattern, *best = NULL, *run = pattern;
	size_t best_len = 0;
	for (;; p++) {
		char c = *p;
		if (c == '\\')
			return 0; /* escapes: no shortcut */
		if (!c || c == '*' || c == '?' || c == '[' || c == '/') {
			if ((size_t)(p - run) > best_len) {
				best = run;
				best_len = (size_t)(p - run);
			}
			if (!c)
				break;
			if (c == '[') { /* a class stands for one character: skip it */
				const char *close = strchr(p + 1, ']');
				if (!close)
					return 0;
				p = close;
			}
			run = p + 1;
		}
	}
	if (best_len < 2 || best_len >= GLOB_LITERAL_MAX)
		return 0;
	memcpy(lit, best, best_len);
	lit[best_len] = '\0';
	return best_len;
}

/* pg_glob_match after the shortcut. */
static bool glob_match_rest(const char *pattern, size_t plen, const char *path)
{
	const char *slash;
	char buf[256], pbuf[256], *tmp, *pat;
	bool r;

	if (plen == 0)
		return false;
	/* A trailing '/' names a directory: without another '/', a directory of
	 * that name at any depth; with one, a path prefix from the root. */
	if (pattern[plen - 1] == '/') {
		const char *dir = pattern;
		size_t dlen = plen - 1;
		if (!memchr(dir, '/', dlen)) {
			const char *comp = path, *end;
			pat = scratch(pbuf, sizeof(pbuf), dir, dlen);
			r = false;
			while (!r && (end = strchr(comp, '/'))) {
				tmp = scratch(buf, sizeof(buf), comp, (size_t)(end - comp));
				r = glob_segment_match(pat, tmp);
				scratch_done(buf, tmp);
				comp = end + 1;
			}
			scratch_done(pbuf, pat);
		} else {
			if (dir[0] == '/') {
				dir++;
				dlen--;
			}
			pat = with_all_below(pbuf, sizeof(pbuf), dir, dlen);
			r = glob_segment_match(pat, path);
			scratch_done(pbuf, pat);
		}
		return r;
	}
	if (pattern[0] == '/')
		return glob_segment_match(pattern + 1, path);
	slash = strchr(pattern, '/');
	if (!slash) {
		/* Basename pattern: match any path component, and everything
		 * below a matching directory. */
		const char *comp = path;
		for (;;) {
			const char *end = strchr(comp, '/');
			size_t n = end ? (size_t)(end - comp) : strlen(comp);
			tmp = scratch(buf, sizeof(buf), comp, n);
			r = glob_segment_match(pattern, tmp);
			scratch_done(buf, tmp);
			if (r)
				return true;
			if (!end)
				return false;
			comp = end + 1;
		}
	}
	if (glob_segment_match(pattern, path))
		return true;
	/* A pattern naming a directory also covers what is below it. */
	pat = with_all_below(pbuf, sizeof(pbuf), pattern, plen);
	r = glob_segment_match(pat, path);
	scratch_done(pbuf, pat);
	return r;
}

bool pg_glob_match(const char *pattern, const char *path)
{
	char lit[GLOB_LITERAL_MAX];
	if (glob_literal(pattern, lit) && !strstr(path, lit))
		return false;
	return glob_match_rest(pattern, strlen(pattern), path);
}

typedef struct set_glob {
	const char *pattern;
	size_t plen, litlen;
	char lit[GLOB_LITERAL_MAX];
} set_glob;

struct pg_globset {
	size_t n;
	set_glob g[];
};

pg_globset *pg_globset_new(const char *const *globs)
{
	size_t i, n = 0;
	pg_globset *s;
	while (globs && globs[n])
		n++;
	s = pg_calloc(1, sizeof(*s) + n * sizeof(set_glob));
	s->n = n;
	for (i = 0; i < n; i++) {
		s->g[i].pattern = globs[i];
		s->g[i].plen = strlen(globs[i]);
		s->g[i].litlen = glob_literal(globs[i], s->g[i].lit);
	}
	return s;
}

bool pg_globset_match(const pg_globset *s, const char *path)
{
	size_t i;
	for (i = 0; s && i < s->n; i++)
		if ((!s->g[i].litlen || strstr(path, s->g[i].lit)) &&
		    glob_match_rest(s->g[i].pattern, s->g[i].plen, path))
			return true;
	return false;
}

void pg_globset_free(pg_globset *s)
{
	free(s);
}

uint64_t pg_time_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static _Thread_local bool on_task_thread;

static void *task_main(void *p)
{
	pg_task *t = p;
	on_task_thread = true;
	if ((t->err = t->fn(t->arg)) < 0)
		t->message = pg_strdup(pg_error_last());
	return NULL;
}

void pg_task_start(pg_task *t, int (*fn)(void *arg), void *arg)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
	if (pthread_create(&t->thread, NULL, task_main, t) == 0) {
		t->threaded = true;
		return;
	}
	t->err = fn(arg); /* the message, if any, is already this thread's */
}

int pg_task_join(pg_task *t)
{
	if (t->threaded) {
		pthread_join(t->thread, NULL);
		t->threaded = false;
		if (t->err < 0)
			pg_error_set(t->err, "%s", t->message ? t->message : "");
	}
	free(t->message);
	t->message = NULL;
	return t->err;
}

/* Linux's policy for threads that run only on an idle core; <sched.h>
 * names it only under _GNU_SOURCE. */
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif

void pg_thread_background(void)
{
	struct sched_param sp;
	if (!on_task_thread)
		return; /* a task run inline: the caller's own thread */
	memset(&sp, 0, sizeof(sp));
	(void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
}

void pg_task_discard(pg_task *t)
{
	if (t->threaded)
		pthread_join(t->thread, NULL);
	t->threaded = false;
	free(t->message);
	t->message = NULL;
}

char *pg_fingerprint(const char *rule_id, const char *path, const char *context, const char *text,
		     size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	const char *parts[3] = { rule_id, path, context ? context : "" };
	size_t i, k;
	bool space = false;
	for (k = 0; k < 3; k++) {
		for (i = 0; parts[k][i]; i++) {
			h ^= (unsigned char)parts[k][i];
			h *= 1099511628211ULL;
		}
		h ^= 0xff;
		h *= 1099511628211ULL;
	}
	/* the matched text with whitespace runs folded, so reformatting and
	 * line shifts keep the fingerprint */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = true;
			continue;
		}
		if (space) {
			h ^= ' ';
			h *= 1099511628211ULL;
			space = false;
		}
		h ^= c;
		h *= 1099511628211ULL;
	}
	return pg_printf_alloc("%016llx", (unsigned long long)h);
}


char *pg_utf8_sanitize(const char *s, size_t len)
{
	static const char repl[] = "\xef\xbf\xbd";
	pg_buf b;
	size_t i = 0;
	pg_buf_init(&b, len * 3 + 16);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = 0, k;
		uint32_t cp = 0;
		if (c >= 0x01 && c < 0x80) {
			pg_buf_putc(&b, (char)c);
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		}
		if (n == 0 || i + n >= len) {
			pg_buf_put(&b, repl, 3);
			i++;
			continue;
		}
		for (k = 1; k <= n; k++) {
			unsigned char d = (unsigned char)s[i + k];
			if ((d & 0xc0) != 0x80)
				break;
			cp = (cp << 6) | (d & 0x3f);
		}
		if (k <= n || (n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff))) {
			pg_buf_put(&b, repl, 3);
			i++;
			continue;
		}
		pg_buf_put(&b, s + i, n + 1);
		i += n + 1;
	}
	return pg_buf_detach(&b);
}

static void list_below(const char *dir, bool (*want)(const char *path), pg_vec *out, int depth)
{
	DIR *d;
	struct dirent *e;
	if (depth > 16 || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		char *p;
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		p = pg_printf_alloc("%s/%s", dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			list_below(p, want, out, depth + 1);
			free(p);
		} else if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && (!want || want(p))) {
			*(char **)pg_vec_push(out) = p;
		} else {
			free(p);
		}
	}
	closedir(d);
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pg_list_files(const char *dir, bool (*want)(const char *path), pg_vec *out)
{
	size_t from = out->len;
	list_below(dir, want, out, 0);
	pg_vec_sort(out, from, path_cmp);
}
