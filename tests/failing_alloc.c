/*
 * failing_alloc.c - see failing_alloc.h.
 */
#define _GNU_SOURCE /* memmem */
#include "failing_alloc.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long alloc_budget = -1;

static bool spend(void)
{
	if (alloc_budget == 0)
		return false;
	if (alloc_budget > 0)
		alloc_budget--;
	return true;
}

static void *failing_malloc(size_t size, void *ctx)
{
	(void)ctx;
	return spend() ? malloc(size) : NULL;
}

static void *failing_realloc(void *ptr, size_t size, void *ctx)
{
	(void)ctx;
	return spend() ? realloc(ptr, size) : NULL;
}

static void plain_free(void *ptr, void *ctx)
{
	(void)ctx;
	free(ptr);
}

const struct socapi_allocator failing_allocator = {failing_malloc, failing_realloc, plain_free, NULL};

#define POISON 0xA5

static void *poisoning_malloc(size_t size, void *ctx)
{
	(void)ctx;
	void *p = malloc(size);
	if (p)
		memset(p, POISON, size);
	return p;
}

static void *poisoning_realloc(void *ptr, size_t size, void *ctx)
{
	(void)ctx;
	void *p = malloc(size);
	if (!p)
		return NULL;
	memset(p, POISON, size);
	if (ptr) {
		size_t old = malloc_usable_size(ptr);
		memcpy(p, ptr, old < size ? old : size);
		free(ptr);
	}
	return p;
}

const struct socapi_allocator poisoning_allocator = {poisoning_malloc, poisoning_realloc, plain_free, NULL};

const char *secrets_to_find[8];
long secrets_found;

static void scanning_free(void *ptr, void *ctx)
{
	(void)ctx;
	if (!ptr)
		return;
	size_t size = malloc_usable_size(ptr);
	for (const char **s = secrets_to_find; *s; s++)
		if (memmem(ptr, size, *s, strlen(*s))) {
			secrets_found++;
			break;
		}
	free(ptr);
}

/* Fresh blocks are poisoned whole: what other code left in the heap (curl
 * keeps its own copy of a request) is not taken for socapi's. */
static void *scanning_malloc(size_t size, void *ctx)
{
	(void)ctx;
	void *p = malloc(size);
	if (p)
		memset(p, POISON, malloc_usable_size(p));
	return p;
}

/* A realloc that always moves, so the block it leaves is scanned. */
static void *scanning_realloc(void *ptr, size_t size, void *ctx)
{
	void *p = scanning_malloc(size, ctx);
	if (p && ptr) {
		size_t old = malloc_usable_size(ptr);
		memcpy(p, ptr, old < size ? old : size);
		scanning_free(ptr, ctx);
	}
	return p;
}

const struct socapi_allocator scanning_allocator = {scanning_malloc, scanning_realloc, scanning_free, NULL};

long fail_each_allocation(enum socapi_status (*op)(void *ctx), void *ctx, long max_budget)
{
	struct socapi_error err;
	if (socapi_global_init(&failing_allocator, &err) != SOCAPI_OK)
		return -1;
	long failures = 0;
	enum socapi_status st = SOCAPI_E_NOMEM;
	for (long budget = 0; budget <= max_budget && st == SOCAPI_E_NOMEM; budget++) {
		alloc_budget = budget;
		st = op(ctx);
		alloc_budget = -1;
		failures += st == SOCAPI_E_NOMEM;
	}
	if (st != SOCAPI_OK)
		fprintf(stderr, "fail_each_allocation: stopped with status %d after %ld failures\n", (int)st,
		        failures);
	if (socapi_global_init(NULL, &err) != SOCAPI_OK)
		return -1;
	return st == SOCAPI_OK ? failures : -1;
}
