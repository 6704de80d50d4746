/*
 * failing_alloc.h - an allocator for socapi_global_init that fails once a
 * budget of allocations is spent, to walk every out-of-memory path.
 */
#ifndef SOCAPI_TEST_FAILING_ALLOC_H
#define SOCAPI_TEST_FAILING_ALLOC_H

#include <socapi/socapi.h>

/* Allocations left before every further one fails; -1 = never fail. */
extern long alloc_budget;
extern const struct socapi_allocator failing_allocator;

/*
 * Runs op with budgets 0, 1, 2... until it succeeds (at most max_budget):
 * each failing run must fail with SOCAPI_E_NOMEM. Returns the number of
 * failing runs, or -1 when a run failed otherwise or none succeeded.
 * Installs failing_allocator for the duration (no socapi object may be
 * alive across the call).
 */
long fail_each_allocation(enum socapi_status (*op)(void *ctx), void *ctx, long max_budget);

/*
 * Never fails, but fills every fresh byte (malloc, and the grown part of a
 * realloc) with 0xA5, so a read of memory socapi never wrote shows up as
 * garbage in plain builds too, not only under valgrind.
 */
extern const struct socapi_allocator poisoning_allocator;

/*
 * Never fails, but looks into every block socapi frees (and every block a
 * realloc leaves) for the strings in secrets_to_find (NULL-terminated), and
 * counts the blocks that still hold one in secrets_found: what was not
 * wiped before it went back to the heap.
 */
extern const char *secrets_to_find[8];
extern long secrets_found;
extern const struct socapi_allocator scanning_allocator;

#endif
