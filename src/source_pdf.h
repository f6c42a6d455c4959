/* PDF -> pages of glyphs and rules.  The only file that includes poppler. */
#ifndef BUDTAB_SOURCE_PDF_H
#define BUDTAB_SOURCE_PDF_H

#include "model.h"

struct source_pdf;

/* Opens path.  Returns NULL and fills err: BUDTAB_ERR_IO (unreadable),
 * BUDTAB_ERR_FORMAT (not a PDF, damaged), BUDTAB_ERR_ENCRYPTED (password
 * needed or wrong), BUDTAB_ERR_EMPTY (zero pages).  password may be NULL.
 * Free with source_pdf_destroy. */
struct source_pdf *source_pdf_open(const char *path, const char *password,
	struct budtab_error *err);
void source_pdf_destroy(struct source_pdf *src);

int source_pdf_n_pages(const struct source_pdf *src);

/* Fills *out with page index (0-based) as displayed.  White space is not
 * a glyph, nor is text set along a diagonal (a watermark); invisible
 * (white) strokes and fills are not rules.  A page with no text layer
 * gives n_glyphs == 0 and no rules, not an error; once one is seen, the
 * pages after it are drawn only when they have text.  Fails with
 * BUDTAB_ERR_LIMIT when the page has more than max_glyphs glyphs.  The
 * caller frees *out with page_finish. */
bool source_pdf_page(struct source_pdf *src, int index, int max_glyphs,
	struct page *out, struct budtab_error *err);

/* Bounds on reading the structure tree: elements visited in the whole
 * document and nesting depth.  Past them the rest of the tree is not
 * read; what was read is kept. */
#define SOURCE_PDF_MAX_TAG_ELEMENTS 200000
#define SOURCE_PDF_MAX_TAG_DEPTH 64

/* Fills *out with the tables of the document's structure tree (Table
 * elements, their TR rows, also inside THead/TBody/TFoot, and their TH/TD
 * cells), one per page fragment, in document order.  An untagged document
 * gives none.  Tags are evidence, not input the document needs: a
 * malformed tree, or a table of more than max_cells cells or with a cell
 * of more than SOURCE_PDF_MAX_TAG_TEXT bytes, is left out, never an
 * error.  The caller frees *out with tag_list_finish. */
#define SOURCE_PDF_MAX_TAG_TEXT 65536
void source_pdf_tags(struct source_pdf *src, int max_cells,
	struct tag_list *out);

#endif
