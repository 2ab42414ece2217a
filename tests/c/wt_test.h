/*
 * wt_test.h — minimal test macros shared by the C test programs.
 *
 *   CHECK(cond)        count a check; on failure print where and continue
 *   WT_TEST_SUMMARY()  print totals; evaluates to the process exit status
 *
 * Include from exactly one translation unit per test program.
 */
#ifndef WT_TEST_H
#define WT_TEST_H

#include <stdio.h>

static int wt_test_checks;
static int wt_test_failures;

#define CHECK(cond) do { \
		wt_test_checks ++; \
		if (!(cond)) { \
			wt_test_failures ++; \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", \
				__FILE__, __LINE__, #cond); \
		} \
	} while (0)

/* Like CHECK, with a printf-style context message on failure. */
#define CHECKF(cond, ...) do { \
		wt_test_checks ++; \
		if (!(cond)) { \
			wt_test_failures ++; \
			fprintf(stderr, "%s:%d: CHECK failed: %s: ", \
				__FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} while (0)

#define WT_TEST_SUMMARY() \
	(printf("%d checks, %d failures\n", wt_test_checks, wt_test_failures), \
	 wt_test_failures == 0 ? 0 : 1)

#endif
