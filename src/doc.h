/* The document: what the sources read and the stages found, shared by
 * doc.c (orchestration) and the sinks. */
#ifndef BUDTAB_DOC_H
#define BUDTAB_DOC_H

#include <glib.h>

#include "grid.h"
#include "records.h"

struct budtab_doc {
	char *path;
	char sha256[65];
	enum budtab_input input;  /* PDF or TEXT once opened */
	int n_pages;              /* pages of the PDF; 0 for text */
	struct table_list tables; /* stitched (continues set) */
	struct tag_list tags;     /* tagged tables of a PDF's structure tree */
	GArray *lines;            /* struct text_line: body text outside tables */
	GArray *warnings;         /* struct warning */
	GPtrArray *warning_text;  /* formatted, for budtab_doc_warning */
	struct records records;
	bool extracted;
	GTimer *timer;            /* since opening: --max-seconds */
};

/* The budtab/1 document of doc as a g_malloc'd JSON string. */
char *sink_json_records(const struct budtab_doc *doc);
/* The budtab-grids/1 document, or CSV (one block a table). g_malloc'd. */
char *sink_json_grids(const struct budtab_doc *doc);
char *sink_csv_grids(const struct budtab_doc *doc);

/* Writes data to path through a temporary file renamed into place; "-"
 * is standard output. */
bool doc_write_file(const char *path, const char *data, size_t len,
	struct budtab_error *err);

/* The limits of options with defaults filled in. */
void doc_limits_resolve(const struct budtab_options *options,
	struct budtab_limits *out);

/* Finds the tables of one page and keeps the text around them; sources
 * call it once a page, in order.  Fails with BUDTAB_ERR_LIMIT on a table
 * over max_cells, and with BUDTAB_ERR_TIMEOUT once the document has
 * taken more than max_seconds (so text dumps are bounded as PDFs are). */
bool doc_add_page(struct budtab_doc *doc, const struct page *page,
	const struct budtab_limits *lim, struct budtab_error *err);
/* After the last page: drops page headers and footers and joins tables
 * that run over a page break.  heights[p - 1] is page p's height for
 * each of the n_pages pages. */
void doc_finish_pages(struct budtab_doc *doc, const double *heights,
	int n_pages);

/* A text dump held in memory (fuzzing, tests), read as budtab_doc_open
 * reads a text file; name stands for the path in messages.  Free with
 * budtab_doc_destroy. */
struct budtab_doc *doc_open_buffer(const char *name, const char *data,
	size_t len, const struct budtab_options *options,
	struct budtab_error *err);

/* Text dumps -> pages of synthetic glyphs (source_text.c). */
bool source_text_read(struct budtab_doc *doc, const char *data, size_t len,
	const struct budtab_limits *lim, struct budtab_error *err);

#endif
