/* The text-dump reader (source_text.c) and what only text dumps go
 * through (repair.c), fed any bytes: the whole path of
 * `budtab extract --input text` short of the file system. */
#include <string.h>

#include "doc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct budtab_options opts = { .input = BUDTAB_INPUT_TEXT };
	struct budtab_error err = { 0 };
	struct budtab_doc *doc;

	doc = doc_open_buffer("fuzz.txt", (const char *)data, size, &opts, &err);
	if (!doc) {
		fuzz_assert(err.status != BUDTAB_OK, "failure without a status");
		fuzz_assert(fuzz_one_line(&err), "failure without a one-line message");
		return 0;
	}
	fuzz_assert(budtab_doc_extract(doc, fuzz_patterns(), &err), err.message);
	for (size_t i = 0; i < budtab_doc_n_warnings(doc); i++)
		fuzz_assert(!strchr(budtab_doc_warning(doc, i), '\n'),
			"a warning of more than one line");
	g_free(sink_json_records(doc));
	g_free(sink_json_grids(doc));
	budtab_doc_destroy(doc);
	return 0;
}
