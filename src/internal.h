/* Internal records: what a user exports from their own system (CSV or
 * JSON), keyed by project code, to hold the published document against. */
#ifndef BUDTAB_INTERNAL_H
#define BUDTAB_INTERNAL_H

#include <glib.h>

#include "budtab.h"

/* Limits on an internal-records file. */
#define INTERNAL_MAX_BYTES (64u << 20)
#define INTERNAL_MAX_RECORD (1u << 20)  /* bytes of one CSV record */
#define INTERNAL_MAX_FIELD (64u << 10)  /* bytes of one field */
#define INTERNAL_MAX_FIELDS 512         /* fields of one record */
#define INTERNAL_MAX_ROWS 200000

enum internal_field {
	INTERNAL_TOTAL,
	INTERNAL_FISCAL,
	INTERNAL_OTHER,
	INTERNAL_M1,                      /* INTERNAL_M1 + month - 1 */
	INTERNAL_N_AMOUNTS = INTERNAL_M1 + 12,
};

struct internal_row {
	int line;                         /* CSV: the line it starts on; JSON: its index; 1-based */
	char *code, *name;                /* NULL when absent or empty */
	bool has[INTERNAL_N_AMOUNTS];
	double value[INTERNAL_N_AMOUNTS]; /* amounts in 万元, percentages as printed */
	char *bad;                        /* "field 'text'" of a cell that is no number, or NULL */
};

struct budtab_internal {
	char *path;
	bool json;                        /* read as JSON: rows are records, not lines */
	bool has_code, has_name;
	bool has[INTERNAL_N_AMOUNTS];     /* which columns the file has */
	GArray *rows;                     /* struct internal_row */
};

/* Header names mapped by a --map file: lines "FIELD HEADER" (FIELD one
 * of code name total fiscal other m1..m12; HEADER the rest of the line);
 * '#' starts a comment.  NULL-safe destroy. */
struct internal_map;
struct internal_map *internal_map_parse(const char *buf, size_t len,
	struct budtab_error *err);
void internal_map_destroy(struct internal_map *map);

/* Parses internal records from a buffer: JSON when its first non-blank
 * byte is '[' or '{', else CSV (UTF-8, optional BOM, comma or tab as
 * its header line shows, RFC 4180 quoting with embedded newlines, CRLF,
 * CR or LF).  Headers are recognised by patterns (internal.* keys) and
 * by map (may be NULL); amounts are in 万元, or 元 when yuan.  Fills out
 * (free with internal_finish).  False and err (naming the line) on a
 * malformed file or one over the limits; a cell that is no number is
 * not an error but the row's bad. */
bool internal_parse(const char *buf, size_t len,
	const struct budtab_patterns *patterns, const struct internal_map *map,
	bool yuan, struct budtab_internal *out, struct budtab_error *err);
void internal_finish(struct budtab_internal *in);

#endif
