/* budtab/1 JSON back into the record model, and internal records given
 * as JSON.  source_json.c is, with sink_json.c, the only file that
 * includes cJSON. */
#ifndef BUDTAB_SOURCE_JSON_H
#define BUDTAB_SOURCE_JSON_H

#include <glib.h>

#include "records.h"

/* Limits on a budtab/1 document read back. */
#define SOURCE_JSON_MAX_BYTES (256u << 20)
#define SOURCE_JSON_MAX_PROJECTS 100000
#define SOURCE_JSON_MAX_ITEMS 10000     /* indicators, periods, goals a project */
#define SOURCE_JSON_MAX_STRING (1u << 20)

/* Parses a budtab/1 document of len bytes (not NUL-terminated) into out,
 * which the caller frees with records_finish.  Strict about types (a
 * string where a number belongs is an error naming the field), tolerant
 * of missing optional fields (null).  On failure returns false, fills
 * err (BUDTAB_ERR_FORMAT, BUDTAB_ERR_LIMIT) and leaves out empty.  src
 * pages come from each project's pages (the first), box zero. */
bool source_json_records(const char *buf, size_t len, struct records *out,
	struct budtab_error *err);

/* Internal records as JSON: an array of objects, or an object whose
 * "projects" (or "records") member is one, one object a row.  Fills
 * headers (g_ptr_array of g_strdup'd member names, in order of first
 * appearance) and rows (g_ptr_array of g_ptr_array of g_strdup'd cell
 * text or NULL, one per header); numbers become their shortest text.
 * Caller unrefs both (they have free functions).  False and err when
 * the text is not such JSON or is over the limits. */
bool source_json_table(const char *buf, size_t len, GPtrArray **headers,
	GPtrArray **rows, struct budtab_error *err);

#endif
