/*
 * alloc.c - the allocator hook, result arenas and growable buffers.
 */
#include "internal.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *default_malloc(size_t size, void *ctx)
{
	(void)ctx;
	return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *ctx)
{
	(void)ctx;
	return realloc(ptr, size);
}

static void default_free(void *ptr, void *ctx)
{
	(void)ctx;
	free(ptr);
}

static struct socapi_allocator allocator = {default_malloc, default_realloc, default_free, NULL};

void alloc_install(const struct socapi_allocator *a);

void alloc_install(const struct socapi_allocator *a)
{
	if (a && a->malloc_fn && a->realloc_fn && a->free_fn)
		allocator = *a;
	else
		allocator = (struct socapi_allocator){default_malloc, default_realloc, default_free, NULL};
}

void *sc_malloc(size_t size)
{
	return allocator.malloc_fn(size ? size : 1, allocator.ctx);
}

void *sc_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = sc_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *sc_realloc(void *ptr, size_t size)
{
	return allocator.realloc_fn(ptr, size ? size : 1, allocator.ctx);
}

void sc_free(void *ptr)
{
	if (ptr)
		allocator.free_fn(ptr, allocator.ctx);
}

char *sc_strdup(const char *s)
{
	size_t len = strlen(s);
	char *copy = sc_malloc(len + 1);
	if (copy)
		memcpy(copy, s, len + 1);
	return copy;
}

void sc_free_secret(char *s)
{
	if (!s)
		return;
	OPENSSL_cleanse(s, strlen(s));
	sc_free(s);
}

/* ---- arenas ---- */

#define ARENA_FIRST_BLOCK 4096u
/* Blocks double up to this size, then stay there: a large result wastes at
 * most one block's tail instead of up to half of what it holds. */
#define ARENA_MAX_BLOCK ((size_t)256 << 10)
#define RESULT_MAGIC 0x736f6361u /* "soca" */

/* Sits at the start of a result's first block, right before the root. */
struct result_header {
	uint32_t magic;
	struct arena arena;
	struct block *first;
};

#define HEADER_SIZE ((sizeof(struct result_header) + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN)

static size_t align_up(size_t n)
{
	return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

static struct block *block_new(size_t cap)
{
	if (cap > SIZE_MAX - sizeof(struct block))
		return NULL;
	struct block *b = sc_malloc(sizeof(struct block) + cap);
	if (!b)
		return NULL;
	b->next = NULL;
	b->used = 0;
	b->cap = cap;
	return b;
}

void *arena_grow(struct arena *arena, size_t size)
{
	size = align_up(size ? size : 1);
	if (size == 0) /* wrapped */
		return NULL;
	struct block *b = arena->head;
	if (b->cap - b->used < size) {
		size_t cap = b->cap * 2 > ARENA_MAX_BLOCK ? ARENA_MAX_BLOCK : b->cap * 2;
		if (cap < size)
			cap = size;
		struct block *nb = block_new(cap);
		if (!nb)
			return NULL;
		nb->next = b;
		arena->head = nb;
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += size;
	return p;
}

void *arena_alloc(struct arena *arena, size_t size)
{
	void *p = arena_alloc_raw(arena, size);
	if (p)
		memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *arena, const char *s, size_t len)
{
	if (len == SIZE_MAX)
		return NULL;
	char *copy = arena_alloc(arena, len + 1);
	if (copy) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

void *result_new(size_t root_size, struct arena **arena)
{
	return result_new_sized(root_size, ARENA_FIRST_BLOCK, arena);
}

void *result_new_sized(size_t root_size, size_t first_block, struct arena **arena)
{
	if (root_size > SIZE_MAX - HEADER_SIZE - ARENA_ALIGN)
		return NULL;
	size_t need = HEADER_SIZE + align_up(root_size ? root_size : 1);
	struct block *b = block_new(need > first_block ? need : first_block);
	if (!b)
		return NULL;
	struct result_header *h = (struct result_header *)(void *)b->data;
	memset(b->data, 0, need);
	h->magic = RESULT_MAGIC;
	h->arena.head = b;
	h->first = b;
	b->used = need;
	*arena = &h->arena;
	return b->data + HEADER_SIZE;
}

void socapi_free(void *result)
{
	if (!result)
		return;
	struct result_header *h = (struct result_header *)(void *)((unsigned char *)result - HEADER_SIZE);
	if (h->magic != RESULT_MAGIC)
		abort(); /* not a socapi result: fail loudly rather than corrupt memory */
	h->magic = 0;
	struct block *b = h->arena.head;
	while (b) {
		struct block *next = b->next;
		sc_free(b);
		b = next;
	}
}

/* ---- buffers ---- */

/* Moves b's content to a block of cap bytes. A secret moves by hand:
 * realloc would free the old copy as it was. */
static bool buf_move(struct buf *b, size_t cap)
{
	char *data = b->secret ? sc_malloc(cap) : sc_realloc(b->data, cap);
	if (!data) {
		b->failed = true;
		return false;
	}
	if (b->secret && b->data) {
		memcpy(data, b->data, b->len + 1);
		OPENSSL_cleanse(b->data, b->cap);
		sc_free(b->data);
	}
	b->data = data;
	b->cap = cap;
	return true;
}

bool buf_reserve(struct buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (extra > SIZE_MAX - b->len - 1) {
		b->failed = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	return buf_move(b, cap);
}

void buf_append(struct buf *b, const void *data, size_t len)
{
	if (!buf_reserve(b, len))
		return;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

bool buf_terminate(struct buf *b)
{
	if (!buf_reserve(b, 0))
		return false;
	/* the first reserve of an empty buffer allocates: data must still read "" */
	b->data[b->len] = '\0';
	return true;
}

bool buf_presize(struct buf *b, size_t len)
{
	if (b->failed || len > SIZE_MAX - 1 || len < b->cap)
		return !b->failed;
	if (!buf_move(b, len + 1))
		return false;
	b->data[b->len] = '\0';
	return true;
}

void buf_clear(struct buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->data)
		b->data[0] = '\0';
}

void buf_wipe(struct buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->len);
	buf_clear(b);
}

void buf_release(struct buf *b)
{
	bool secret = b->secret;
	if (secret && b->data)
		OPENSSL_cleanse(b->data, b->cap);
	sc_free(b->data);
	*b = (struct buf){.secret = secret};
}

bool str_set(const char *s)
{
	return s && *s;
}

bool copy_opt(char **dst, const char *src)
{
	*dst = str_set(src) ? sc_strdup(src) : NULL;
	return !str_set(src) || *dst;
}
