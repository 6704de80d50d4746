/*
 * check.h - the smallest test harness that tells what failed and where.
 * Each test file calls its tests from main and returns check_summary().
 */
#ifndef SOCAPI_TEST_CHECK_H
#define SOCAPI_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                   \
	do {                                                                              \
		if (cond) {                                                                   \
			check_passed++;                                                           \
		} else {                                                                      \
			check_failed++;                                                           \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                             \
	} while (0)

#define CHECK_STR(a, b)                                                                        \
	do {                                                                                       \
		const char *check_a_ = (a), *check_b_ = (b);                                           \
		if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) {                         \
			check_passed++;                                                                    \
		} else {                                                                               \
			check_failed++;                                                                    \
			fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__,      \
			        check_b_ ? check_b_ : "(null)", check_a_ ? check_a_ : "(null)");          \
		}                                                                                      \
	} while (0)

/* Status check that prints the error message on failure. */
#define CHECK_OK(expr, err)                                                                        \
	do {                                                                                           \
		enum socapi_status check_st_ = (expr);                                                     \
		if (check_st_ == SOCAPI_OK) {                                                              \
			check_passed++;                                                                        \
		} else {                                                                                   \
			check_failed++;                                                                        \
			fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, #expr,              \
			        socapi_strstatus(check_st_), (err).message);                                   \
		}                                                                                          \
	} while (0)

static inline int check_summary(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
