/*
 * util - the few building blocks every stage shares.
 *
 * pg_buf   - a growable byte buffer that is always NUL-terminated and has a
 *            mandatory size cap (like curl's dynbuf): appending past the cap
 *            fails with PG_ELIMIT instead of growing without bound.
 * pg_vec   - a growable array of fixed-size elements.
 * errors   - functions return int: 0 on success, a negative PG_E* code on
 *            failure. The message is set once, where the failure is
 *            understood, with pg_error_set(), and passed up untouched. The
 *            message is thread-local, so workers do not trample each other.
 *
 * Nothing here prints or exits.
 */
#ifndef PG_UTIL_H
#define PG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <pthread.h>

/* Error codes. Exit codes are mapped from these in src/cli/ only. */
enum {
	PG_OK = 0,
	PG_ERROR = -1,     /* generic runtime failure (exit 3) */
	PG_ENOMEM = -2,    /* allocation failed */
	PG_EUSAGE = -3,    /* bad command line (exit 2) */
	PG_ECONFIG = -4,   /* bad rule, config or input file (exit 2) */
	PG_ENOTFOUND = -5, /* a named thing does not exist */
	PG_ELIMIT = -6,    /* a size or time limit was hit */
	PG_EGIT = -7,      /* repository problem (exit 3) */
	PG_ENET = -8       /* network / HTTP problem (exit 3) */
};

#if defined(__GNUC__)
#define PG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PG_PRINTF(a, b)
#endif

/* Set the thread's error message (printf-style). Returns `code` so callers
 * can write `return pg_error_set(PG_ECONFIG, "...")`. */
int pg_error_set(int code, const char *fmt, ...) PG_PRINTF(2, 3);
/* The last message set on this thread, or "" if none. Borrowed. */
const char *pg_error_last(void);
void pg_error_clear(void);

/* Allocation that never returns NULL: aborts on out-of-memory, the one
 * failure a CLI cannot meaningfully recover from. */
void *pg_malloc(size_t n);
void *pg_calloc(size_t count, size_t size);
void *pg_realloc(void *p, size_t n);
char *pg_strdup(const char *s);
char *pg_strndup(const char *s, size_t n);
char *pg_printf_alloc(const char *fmt, ...) PG_PRINTF(1, 2);

/* pg_buf - NUL-terminated growable buffer with a cap.
 *   ptr  - the bytes, always ptr[len] == 0 (ptr is never NULL after init)
 *   len  - bytes used, excluding the terminator
 *   cap  - bytes allocated
 *   max  - the most len may grow to; appends beyond it fail with PG_ELIMIT */
typedef struct pg_buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max;
} pg_buf;

#define PG_BUF_DEFAULT_MAX ((size_t)256 << 20)

void pg_buf_init(pg_buf *b, size_t max);
void pg_buf_dispose(pg_buf *b);
void pg_buf_clear(pg_buf *b);
int pg_buf_put(pg_buf *b, const void *data, size_t n);
int pg_buf_puts(pg_buf *b, const char *s);
int pg_buf_putc(pg_buf *b, char c);
int pg_buf_printf(pg_buf *b, const char *fmt, ...) PG_PRINTF(2, 3);
int pg_buf_vprintf(pg_buf *b, const char *fmt, va_list ap);
/* Hand the bytes to the caller (who frees them). The buffer is left empty
 * and must be initialised again before reuse (dispose is still safe). */
char *pg_buf_detach(pg_buf *b);

/* pg_vec - growable array; `size` is the element size. */
typedef struct pg_vec {
	void *items;
	size_t len;
	size_t cap;
	size_t size;
} pg_vec;

void pg_vec_init(pg_vec *v, size_t elem_size);
void pg_vec_dispose(pg_vec *v);
/* Append one zero-initialised element and return a pointer to it. The
 * pointer is valid until the next push. */
void *pg_vec_push(pg_vec *v);
/* Sort elements [from, len) with qsort (safe on empty vectors). */
void pg_vec_sort(pg_vec *v, size_t from, int (*cmp)(const void *, const void *));
#define PG_VEC_AT(v, type, i) (&((type *)(v)->items)[i])

/* Text helpers. */
bool pg_str_starts_with(const char *s, const char *prefix);
bool pg_str_ends_with(const char *s, const char *suffix);

/* The regular files below `dir` (owned "dir/.../name" strings pushed to
 * `out`, a pg_vec of char *), sorted by path: symbolic links are not
 * followed, names starting with '.' are skipped, at most 16 levels deep.
 * `want` (may be NULL: every file) filters by path. */
void pg_list_files(const char *dir, bool (*want)(const char *path), pg_vec *out);
/* Parse a decimal integer in [min, max]; returns 0 or PG_EUSAGE. */
int pg_parse_long(const char *s, long min, long max, long *out);
/* Levenshtein distance, for "did you mean" suggestions. */
size_t pg_edit_distance(const char *a, const char *b);

/* Line index of a text: the byte offset where each line starts.
 *   starts - offsets; starts[0] == 0
 *   count  - number of lines (a final line without newline counts) */
typedef struct pg_lines {
	uint32_t *starts;
	uint32_t count;
	uint32_t text_len;
} pg_lines;

void pg_lines_init(pg_lines *l, const char *text, size_t len);
void pg_lines_dispose(pg_lines *l);
/* 0-based line containing byte offset `off`. */
uint32_t pg_lines_find(const pg_lines *l, uint32_t off);

/* Glob matching with gitignore-like semantics on '/'-separated paths:
 * `*` and `?` do not cross '/', `**` matches any number of directories, a
 * pattern without '/' matches the basename anywhere, a trailing '/' matches a
 * directory prefix. */
bool pg_glob_match(const char *pattern, const char *path);
/* pg_globset - globs matched against many paths (the test-path globs, for
 * every file of the head tree): pg_glob_match with each pattern's shortcut
 * worked out once. Borrows the patterns; true when any matches. */
typedef struct pg_globset pg_globset;
pg_globset *pg_globset_new(const char *const *globs);
bool pg_globset_match(const pg_globset *s, const char *path);
void pg_globset_free(pg_globset *s);

/* A finding's fingerprint: FNV-1a 64 over the rule id, path, context and
 * the matched text with whitespace runs folded, as 16 hex digits (owned).
 * It does not depend on line numbers, so shifted code keeps it. */
char *pg_fingerprint(const char *rule_id, const char *path, const char *context,
		     const char *text, size_t len);

/* A copy of s[0..len) with every invalid UTF-8 sequence (and NUL) replaced
 * by U+FFFD, safe for JSON. Owned. */
char *pg_utf8_sanitize(const char *s, size_t len);

/* Monotonic clock in microseconds. */
uint64_t pg_time_usec(void);

/* pg_task - a function run on a thread of its own while the caller goes on,
 * for a stage step that needs nothing from the steps it overlaps. start
 * runs fn inline when no thread can be had; join waits for it and returns
 * fn's result, with fn's error message set on the joining thread (the
 * message is per thread). Join or discard every started task once. */
typedef struct pg_task {
	int (*fn)(void *arg);
	void *arg;
	int err;
	char *message;
	bool threaded;
	pthread_t thread;
} pg_task;
void pg_task_start(pg_task *t, int (*fn)(void *arg), void *arg);
int pg_task_join(pg_task *t);
/* Join without taking the result (a run given up): the caller's error
 * message stays. */
void pg_task_discard(pg_task *t);
/* Called by a task's function: let its thread run only when a core would
 * otherwise be idle (Linux's SCHED_IDLE), for work whose result is wanted
 * late; the threads doing the urgent work then keep the cores. A no-op
 * when the task runs inline (on the caller's thread) or where refused. */
void pg_thread_background(void);

#endif
