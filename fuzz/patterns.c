/* The pattern file loader fed any bytes as one .pat file; a set that
 * loads is then used the way records.c uses it. */
#include <glib.h>
#include <string.h>

#include "fuzz.h"
#include "patterns.h"

static const char *const texts[] = {
	"项目名称", "≥95%", "1,268.50万元", "产出指标", "1.加强管理2.提高效率",
	"", "ａｂｃ　１２３",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct budtab_error err = { 0 };
	struct budtab_patterns *p;

	p = patterns_load_buffer("fuzz.pat", (const char *)data, size, &err);
	if (!p) {
		fuzz_assert(err.status == BUDTAB_ERR_PATTERNS, "failure of another kind");
		fuzz_assert(fuzz_one_line(&err), "failure without a one-line message");
		/* file:line names where it went wrong */
		fuzz_assert(strncmp(err.message, "fuzz.pat:", 9) == 0,
			"message does not name the file");
		return 0;
	}
	/* Keys the input may have defined, or not: both are fine. */
	static const char *const keys[] = { "amount", "target.number", "label.",
		"op.", "goal.split", "a" };
	for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
			struct pmatch *m = NULL;

			if (patterns_match(p, keys[k], texts[t], &m)) {
				g_free(pmatch_group(m, "value"));
				(void)pmatch_group_offset(m, "unit");
			}
			pmatch_destroy(m);
			m = NULL;
			(void)patterns_classify(p, keys[k], texts[t], &m);
			pmatch_destroy(m);
			g_strfreev(patterns_split(p, keys[k], texts[t]));
		}
	}
	budtab_patterns_destroy(p);
	return 0;
}
