/* What every fuzz target shares: the libFuzzer entry point, the default
 * pattern set, and a failure that names the broken promise.  A target
 * links either libFuzzer (-Dfuzz=true) or replay.c, the plain main()
 * that feeds it files, so its inputs run in every build. */
#ifndef BUDTAB_FUZZ_H
#define BUDTAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "budtab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The repository's pattern set, loaded once and kept for the process
 * (still reachable, so no leak report). */
static inline const struct budtab_patterns *
fuzz_patterns(void)
{
	static struct budtab_patterns *p;

	if (!p) {
		struct budtab_error err = { 0 };

		p = budtab_patterns_load(FUZZ_PATTERNS_DIR, &err);
		if (!p) {
			fprintf(stderr, "fuzz: %s\n", err.message);
			abort();
		}
	}
	return p;
}

/* A promise of the library broken: the fuzzer keeps the input. */
#define fuzz_assert(cond, what) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz: %s:%d: %s\n", __FILE__, __LINE__, what); \
			abort(); \
		} \
	} while (0)

/* A failure's message: one line, not empty, no newline. */
static inline int
fuzz_one_line(const struct budtab_error *err)
{
	const char *m = err->message;

	if (!*m)
		return 0;
	for (; *m; m++)
		if (*m == '\n' || *m == '\r')
			return 0;
	return 1;
}

#endif
