/* The value parsers of records.c with the default patterns: one cell's
 * text read as a target (指标值) and as an amount (金额). */
#include <string.h>

#include "fuzz.h"
#include "records.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Cell text is always UTF-8 without NULs: both sources promise it. */
	g_autofree char *text = g_strndup((const char *)data, size);
	if (strlen(text) != size || !g_utf8_validate(text, -1, NULL))
		return 0;

	struct target t = { 0 };
	records_parse_target(fuzz_patterns(), text, &t);
	fuzz_assert(t.text && strcmp(t.text, text) == 0, "target text not kept");
	fuzz_assert(!t.unit || g_utf8_validate(t.unit, -1, NULL), "unit not UTF-8");
	g_free(t.text);
	g_free(t.unit);

	struct table tab = { .page = 1 };
	struct cell cell = { .rowspan = 1, .colspan = 1, .text = text };
	struct amount a = { 0 };
	GArray *warnings = g_array_new(FALSE, TRUE, sizeof(struct warning));

	records_parse_amount(fuzz_patterns(), &tab, &cell, text, &a, warnings);
	fuzz_assert(a.present || warnings->len == 1, "no amount and no warning");
	for (guint i = 0; i < warnings->len; i++) {
		g_free(g_array_index(warnings, struct warning, i).code);
		g_free(g_array_index(warnings, struct warning, i).message);
	}
	g_array_free(warnings, TRUE);
	return 0;
}
