/* mentions.c - the mentions cache: what each blob of a head tree can
 * mention in test code, by blob id, kept across runs so that the search for
 * tests reads only the tree objects of a tree it has seen before.
 *
 * The file (<common git dir>/prgate/test-mentions-v1) is one header, the
 * entries sorted by (blob id, test file), and the hashes they point into:
 *
 *   header  magic, format, byte order, key (prgate version and
 *           PG_COV_SCAN_VERSION), generation, entry count, hash count, and a
 *           checksum of everything after the header
 *   entry   blob id, flags (test file, scanned), generation, hash count,
 *           first hash, blob size (for an unscanned blob: a lower bound)
 *   hashes  per entry, sorted and distinct
 *
 * It is read with one read() (a file replaced under us by another run's
 * rename keeps our copy whole; a mapping would not survive truncation), into
 * memory mapped with its pages already in place (MAP_POPULATE: one system
 * call instead of a page fault per page, ~2 ms -> ~0.8 ms for 1.3 MB on
 * the benchmark machine), and
 * checked whole before use: anything that does not add up makes the cache
 * empty for this run, and the next save rewrites it. It is written to a
 * temporary file and renamed into place, so a reader sees an old file or a
 * new one, never half of one. */
#define _GNU_SOURCE
#include "cov_internal.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MENTIONS_FORMAT 1u
#define BYTE_ORDER_MARK 0x01020304u
#define STR_(x) #x
#define STR(x) STR_(x)
#define MENTIONS_KEY "prgate " PRGATE_VERSION " scan " STR(PG_COV_SCAN_VERSION)
/* A file larger than this is not read (it is not one prgate wrote for a
 * sane tree) and older entries stop being kept once the hashes reach it. */
#define MAX_FILE_BYTES ((uint64_t)256 << 20)
#define MAX_KEPT_HASH_BYTES ((uint64_t)64 << 20)
/* Older entries are kept up to twice this run's, or this many. */
#define MIN_KEPT_ENTRIES 65536u

enum { FLAG_TEST = 1, FLAG_SCANNED = 2 };

static const char magic[8] = "prgtmnt";

/* disk_header - the first bytes of the file, native byte order (a file from
 * a machine of the other order fails the byte_order check).
 *   key       - MENTIONS_KEY, NUL-padded: what the scan results depend on
 *   generation - incremented by each save; entries carry the last save
 *               that saw them
 *   count, nhashes - entries and hashes after the header
 *   checksum  - of the entries and hashes (corruption, not an adversary) */
typedef struct disk_header {
	char magic[8];
	uint32_t format;
	uint32_t byte_order;
	char key[64];
	uint32_t generation;
	uint32_t count;
	uint64_t nhashes;
	uint64_t checksum;
} disk_header;

/* disk_entry - one blob as read in a tree walk (oid, whether its path was
 * a test path). `first` indexes the hashes; `size` is the blob's size, or
 * for an unscanned blob (over the size limit then) that limit + 1. */
typedef struct disk_entry {
	unsigned char oid[20];
	uint8_t flags;
	uint8_t pad[3];
	uint32_t generation;
	uint32_t count;
	uint64_t first;
	uint64_t size;
} disk_entry;

_Static_assert(sizeof(disk_header) == 104, "disk_header has no padding");
_Static_assert(sizeof(disk_entry) == 48, "disk_entry has no padding");

/* fresh - an entry added by this run (owned hashes). */
typedef struct fresh {
	unsigned char oid[20];
	uint8_t flags;
	uint64_t size;
	uint64_t *hashes;
	size_t count;
} fresh;

struct cov_mentions {
	char *path;            /* NULL: memory only */
	unsigned char *data;   /* the file as read (mapped, data_len bytes), or NULL */
	size_t data_len;
	const disk_header *head;
	const disk_entry *old; /* head->count entries */
	const uint64_t *old_hashes;
	bool *seen;            /* per old entry: looked up by this run */
	uint32_t generation;   /* of the file read (0: none) */
	pg_vec added;          /* fresh */
};

static uint64_t checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL, w;
	size_t i;
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static int key_cmp(const unsigned char *a, uint8_t af, const unsigned char *b, uint8_t bf)
{
	int c = memcmp(a, b, 20);
	if (c)
		return c;
	return (af & FLAG_TEST) - (bf & FLAG_TEST);
}

/* Why the bytes are not a usable cache, or NULL. *quiet: the file is fine
 * but was written for other results (another prgate, another byte order),
 * which is expected after an upgrade and not worth a warning. */
static const char *check_file(const unsigned char *data, size_t len, bool *quiet)
{
	const disk_header *h = (const disk_header *)data;
	const disk_entry *e;
	const uint64_t *hashes;
	char key[sizeof(h->key)] = { 0 };
	uint64_t body;
	size_t i, k;

	*quiet = false;
	if (len < sizeof(*h))
		return "truncated";
	if (memcmp(h->magic, magic, sizeof(magic)) != 0)
		return "not a prgate mentions cache";
	*quiet = true;
	if (h->format != MENTIONS_FORMAT || h->byte_order != BYTE_ORDER_MARK)
		return "another format";
	memcpy(key, MENTIONS_KEY, strlen(MENTIONS_KEY) < sizeof(key) ? strlen(MENTIONS_KEY) : sizeof(key));
	if (memcmp(h->key, key, sizeof(key)) != 0)
		return "written by another prgate version";
	*quiet = false;
	body = len - sizeof(*h);
	if (h->nhashes > body / 8 || (uint64_t)h->count * sizeof(disk_entry) != body - h->nhashes * 8)
		return "truncated or wrong size";
	if (checksum(data + sizeof(*h), (size_t)body) != h->checksum)
		return "checksum mismatch";
	e = (const disk_entry *)(data + sizeof(*h));
	hashes = (const uint64_t *)(e + h->count);
	for (i = 0; i < h->count; i++) {
		if (e[i].flags & ~(FLAG_TEST | FLAG_SCANNED) || e[i].first > h->nhashes ||
		    e[i].count > h->nhashes - e[i].first || (!(e[i].flags & FLAG_SCANNED) && e[i].count))
			return "bad entry";
		if (i && key_cmp(e[i - 1].oid, e[i - 1].flags, e[i].oid, e[i].flags) >= 0)
			return "entries out of order";
		for (k = 1; k < e[i].count; k++)
			if (hashes[e[i].first + k - 1] >= hashes[e[i].first + k])
				return "hashes out of order";
	}
	return NULL;
}

/* Read the whole file into m->data, or leave the cache empty. */
static void load(cov_mentions *m, char **warning)
{
	struct stat st;
	unsigned char *data = NULL;
	const char *why = NULL;
	size_t got = 0, maplen = 0;
	bool quiet = false;
	int fd = open(m->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			why = strerror(errno);
		goto done;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		why = "not a regular file";
		goto done;
	}
	if ((uint64_t)st.st_size > MAX_FILE_BYTES) {
		why = "too large";
		goto done;
	}
	/* page-aligned, so entries and hashes are read in place */
	maplen = (size_t)st.st_size + 1;
	data = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (data == MAP_FAILED) {
		data = NULL;
		why = strerror(errno);
		goto done;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)st.st_size) {
		why = "short read";
		goto done;
	}
	if ((why = check_file(data, got, &quiet)))
		goto done;
	m->data = data;
	m->data_len = maplen;
	data = NULL;
	m->head = (const disk_header *)m->data;
	m->old = (const disk_entry *)(m->data + sizeof(disk_header));
	m->old_hashes = (const uint64_t *)(m->old + m->head->count);
	m->seen = pg_calloc(m->head->count + 1, sizeof(bool));
	m->generation = m->head->generation;
done:
	if (fd >= 0)
		close(fd);
	if (data)
		munmap(data, maplen);
	if (why && !quiet && warning)
		*warning = pg_printf_alloc("ignoring the cache %s (%s); it will be rewritten", m->path, why);
}

cov_mentions *pg_cov_mentions_open(const char *path, char **warning)
{
	cov_mentions *m = pg_calloc(1, sizeof(*m));
	if (warning)
		*warning = NULL;
	pg_vec_init(&m->added, sizeof(fresh));
	if (path) {
		m->path = pg_strdup(path);
		load(m, warning);
	}
	return m;
}

static bool lookup(cov_mentions *m, const unsigned char oid[20], bool test_file, cov_mention *out, bool mark)
{
	uint8_t flags = test_file ? FLAG_TEST : 0;
	size_t lo = 0, hi = m->head ? m->head->count : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const disk_entry *e = &m->old[mid];
		int c = key_cmp(e->oid, e->flags, oid, flags);
		if (c == 0) {
			if (mark)
				m->seen[mid] = true;
			out->size = e->size;
			out->scanned = (e->flags & FLAG_SCANNED) != 0;
			out->hashes = m->old_hashes + e->first;
			out->count = e->count;
			out->entry = mid;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void pg_cov_mentions_mark(cov_mentions *m, const cov_mention *e)
{
	if (m->head && e->entry < m->head->count)
		m->seen[e->entry] = true;
}

bool pg_cov_mentions_get(cov_mentions *m, const unsigned char oid[20], bool test_file, cov_mention *out)
{
	return lookup(m, oid, test_file, out, true);
}

bool pg_cov_mentions_peek(const cov_mentions *m, const unsigned char oid[20], bool test_file, cov_mention *out)
{
	return lookup((cov_mentions *)m, oid, test_file, out, false);
}

void pg_cov_mentions_put(cov_mentions *m, const unsigned char oid[20], bool test_file, uint64_t size, bool scanned,
			 uint64_t *hashes, size_t count)
{
	fresh *f = pg_vec_push(&m->added);
	memcpy(f->oid, oid, 20);
	f->flags = (uint8_t)((test_file ? FLAG_TEST : 0) | (scanned ? FLAG_SCANNED : 0));
	f->size = size;
	f->hashes = hashes;
	f->count = scanned ? count : 0;
}

/* rec - an entry on its way into the new file. rank orders duplicates:
 * this run's scan (0) over an old entry it saw (1) over an old one it did
 * not (2). */
typedef struct rec {
	const unsigned char *oid;
	uint8_t flags;
	uint8_t rank;
	uint32_t generation;
	uint64_t size;
	const uint64_t *hashes;
	uint64_t count;
	size_t order; /* index among the candidates: a stable tie-break */
} rec;

static int rec_key_cmp(const void *pa, const void *pb)
{
	const rec *a = pa, *b = pb;
	int c = key_cmp(a->oid, a->flags, b->oid, b->flags);
	return c ? c : (int)a->rank - (int)b->rank;
}

/* newest first */
static int rec_age_cmp(const void *pa, const void *pb)
{
	const rec *a = pa, *b = pb;
	if (a->generation != b->generation)
		return a->generation > b->generation ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Sort by key and drop duplicates, keeping the best-ranked. */
static size_t sort_unique(rec *r, size_t n)
{
	size_t i, out = 0;
	qsort(r, n, sizeof(*r), rec_key_cmp);
	for (i = 0; i < n; i++)
		if (!out || key_cmp(r[out - 1].oid, r[out - 1].flags, r[i].oid, r[i].flags) != 0)
			r[out++] = r[i];
	return out;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write the records to a temporary file next to m->path and rename it over
 * the cache. Best effort: any failure (a read-only git dir) leaves the old
 * file as it was. */
static int write_file(const cov_mentions *m, const rec *r, size_t n, uint32_t generation)
{
	disk_header h;
	unsigned char *body;
	disk_entry *e;
	uint64_t *hashes, nhashes = 0, at = 0;
	size_t i, body_len;
	char *dir, *slash, *tmp;
	int fd, err = -1;

	for (i = 0; i < n; i++)
		nhashes += r[i].count;
	body_len = n * sizeof(disk_entry) + (size_t)nhashes * 8;
	body = pg_calloc(body_len + 1, 1);
	e = (disk_entry *)body;
	hashes = (uint64_t *)(e + n);
	for (i = 0; i < n; i++) {
		memcpy(e[i].oid, r[i].oid, 20);
		e[i].flags = r[i].flags;
		e[i].generation = r[i].generation;
		e[i].count = (uint32_t)r[i].count;
		e[i].first = at;
		e[i].size = r[i].size;
		if (r[i].count)
			memcpy(hashes + at, r[i].hashes, (size_t)r[i].count * 8);
		at += r[i].count;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, magic, sizeof(magic));
	h.format = MENTIONS_FORMAT;
	h.byte_order = BYTE_ORDER_MARK;
	memcpy(h.key, MENTIONS_KEY, strlen(MENTIONS_KEY) < sizeof(h.key) ? strlen(MENTIONS_KEY) : sizeof(h.key));
	h.generation = generation;
	h.count = (uint32_t)n;
	h.nhashes = nhashes;
	h.checksum = checksum(body, body_len);

	dir = pg_strdup(m->path);
	if ((slash = strrchr(dir, '/')))
		*slash = '\0';
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		free(dir);
		free(body);
		return -1;
	}
	free(dir);
	tmp = pg_printf_alloc("%s.tmp.XXXXXX", m->path);
	if ((fd = mkstemp(tmp)) >= 0) {
		fchmod(fd, 0644);
		if (write_all(fd, (const unsigned char *)&h, sizeof(h)) == 0 && write_all(fd, body, body_len) == 0 &&
		    close(fd) == 0) {
			fd = -1;
			err = rename(tmp, m->path);
		}
		if (fd >= 0)
			close(fd);
		if (err < 0)
			unlink(tmp);
	}
	free(tmp);
	free(body);
	return err;
}

int pg_cov_mentions_save(cov_mentions *m, bool (*exists)(void *ctx, const unsigned char oid[20]), void *ctx)
{
	size_t nold = m->head ? m->head->count : 0, n = 0, kept, limit, i, nunseen = 0;
	uint32_t generation = m->generation + 1;
	uint64_t hash_bytes = 0;
	rec *r, *unseen;
	int err;

	if (!m->path || m->added.len == 0)
		return 0;
	r = pg_calloc(m->added.len + nold + 1, sizeof(rec));
	unseen = pg_calloc(nold + 1, sizeof(rec));
	for (i = 0; i < m->added.len; i++) {
		const fresh *f = PG_VEC_AT(&m->added, fresh, i);
		r[n++] = (rec){ f->oid, f->flags, 0, generation, f->size, f->hashes, f->count, i };
	}
	for (i = 0; i < nold; i++) {
		const disk_entry *e = &m->old[i];
		rec x = { e->oid, e->flags, 1, generation, e->size, m->old_hashes + e->first, e->count, i };
		if (m->seen[i])
			r[n++] = x;
		else {
			x.rank = 2;
			x.generation = e->generation;
			unseen[nunseen++] = x;
		}
	}
	/* this run's entries are always kept; older ones while their blob is
	 * still in the repository, newest first, up to twice as many as this
	 * run's (at least MIN_KEPT_ENTRIES) and MAX_KEPT_HASH_BYTES of hashes */
	kept = n = sort_unique(r, n);
	for (i = 0; i < n; i++)
		hash_bytes += r[i].count * 8;
	limit = kept * 2 > MIN_KEPT_ENTRIES ? kept * 2 : MIN_KEPT_ENTRIES;
	qsort(unseen, nunseen, sizeof(*unseen), rec_age_cmp);
	for (i = 0; i < nunseen && n < limit; i++) {
		if (hash_bytes + unseen[i].count * 8 > MAX_KEPT_HASH_BYTES)
			continue;
		if (exists && !exists(ctx, unseen[i].oid))
			continue;
		hash_bytes += unseen[i].count * 8;
		r[n++] = unseen[i];
	}
	n = sort_unique(r, n);
	err = write_file(m, r, n, generation);
	free(unseen);
	free(r);
	return err;
}

void pg_cov_mentions_free(cov_mentions *m)
{
	size_t i;
	if (!m)
		return;
	for (i = 0; i < m->added.len; i++)
		free(PG_VEC_AT(&m->added, fresh, i)->hashes);
	pg_vec_dispose(&m->added);
	free(m->seen);
	if (m->data)
		munmap(m->data, m->data_len);
	free(m->path);
	free(m);
}
