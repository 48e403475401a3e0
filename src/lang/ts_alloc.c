/*
 * ts_alloc.c - the allocator libtree-sitter uses, guarding one of its bugs.
 *
 * libtree-sitter 0.20.7 keeps a node's child count in 16 bits. A node with
 * 65,536 children or more (a call with 70,000 comments as arguments) gets a
 * wrapped count, and freeing its tree frees a pointer that lies inside the
 * node's children array, which aborts the process: any pull request could
 * stop the gate with a 280 kB file. No check of the tree through the API
 * finds every such node (an internal repetition node is hidden from it), so
 * this allocator makes the bad free harmless instead:
 * it records the blocks large enough to hold 65,536 children (512 KiB or
 * more; rare) and ignores a free of a pointer inside one of them. The block
 * then stays allocated and recorded (reachable) for the rest of the run.
 * The tree's API shows such a node with its wrapped count of children, so
 * findings inside it may be placed wrongly; nothing crashes and the rest of
 * the file and run are analysed. Every other call goes straight to the C
 * library, as libtree-sitter's own
 * default does (and, like it, aborts when memory runs out).
 */
#include "lang.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define BIG_BLOCK ((size_t)1 << 19) /* 65,536 children of 8 bytes */

typedef struct block {
	char *start;
	size_t size;
} block;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static block *blocks;
static size_t nblocks, capblocks;
static size_t nlive; /* blocks registered and not freed; read without the lock first */

static void *checked(void *p)
{
	if (!p) {
		fputs("prgate: out of memory (libtree-sitter)\n", stderr);
		abort();
	}
	return p;
}

static void record(void *p, size_t size)
{
	pthread_mutex_lock(&lock);
	if (nblocks == capblocks) {
		capblocks = capblocks ? capblocks * 2 : 16;
		blocks = checked(realloc(blocks, capblocks * sizeof(*blocks)));
	}
	blocks[nblocks].start = p;
	blocks[nblocks].size = size;
	nblocks++;
	__atomic_store_n(&nlive, nblocks, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&lock);
}

/* Forget the block starting at p: 1; p inside a block: -1 (not ours to
 * free); elsewhere: 0. */
static int forget(void *p)
{
	size_t i;
	int found = 0;
	if (!__atomic_load_n(&nlive, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&lock);
	for (i = 0; i < nblocks; i++) {
		if (blocks[i].start == p) {
			blocks[i] = blocks[--nblocks];
			__atomic_store_n(&nlive, nblocks, __ATOMIC_RELEASE);
			found = 1;
			break;
		}
		if ((char *)p > blocks[i].start && (char *)p < blocks[i].start + blocks[i].size) {
			found = -1;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	return found;
}

static void *ts_guard_malloc(size_t n)
{
	void *p = checked(malloc(n ? n : 1));
	if (n >= BIG_BLOCK)
		record(p, n);
	return p;
}

static void *ts_guard_calloc(size_t count, size_t n)
{
	void *p = checked(calloc(count ? count : 1, n ? n : 1));
	if (count * n >= BIG_BLOCK)
		record(p, count * n);
	return p;
}

static void *ts_guard_realloc(void *p, size_t n)
{
	void *q;
	if (p && forget(p) < 0)
		p = NULL; /* cannot happen: only frees are miscomputed */
	q = checked(realloc(p, n ? n : 1));
	if (n >= BIG_BLOCK)
		record(q, n);
	return q;
}

static void ts_guard_free(void *p)
{
	if (!p || forget(p) < 0)
		return; /* inside a large block: the wrapped child count's free */
	free(p);
}

static void install(void)
{
	ts_set_allocator(ts_guard_malloc, ts_guard_calloc, ts_guard_realloc, ts_guard_free);
}

void pg_lang_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, install);
}
