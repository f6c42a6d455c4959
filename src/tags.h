/* Tagged tables (the PDF's structure tree) as evidence beside the
 * geometry of a page's tables. */
#ifndef BUDTAB_TAGS_H
#define BUDTAB_TAGS_H

#include "grid.h"

/* A tagged table and the tables the geometry found agree when, once the
 * tagged cells are found in the page's glyphs, the box of each of those
 * tables and the box of those glyphs overlap by most (TAGS_COVER) of the
 * smaller, and the table holds hardly a character (TAGS_COVER) the
 * tagged cells do not.  */
#define TAGS_COVER 0.9
/* Share of the tagged table's characters that must be found among the
 * page's glyphs for its tags to be used at all. */
#define TAGS_FOUND 0.9

/* Weighs the tagged tables tags[0..n) of page against the tables the
 * geometry found on it, out->tables[first..]:
 *  - a tagged table whose text is not on the page is not used;
 *  - the tags give no spans (source_pdf.c), so a table whose rows are
 *    ragged has its spans read off the page, from where its cells'
 *    glyphs stand (spans_from_page in tags.c); when they cannot be, or
 *    would cover text the tags leave out, the table is not used;
 *  - when exactly one geometric table agrees with it and has the same
 *    rows, columns, spans and cell texts, that table stays as it is;
 *  - otherwise the tables that agree with it (none, one or several) are
 *    replaced by one table built from the tags (source TABLE_FROM_TAGS):
 *    rows, columns and spans from the tags, boundaries from the boxes of
 *    the glyphs of its cells, cell text from those glyphs.
 * Glyphs of cells found are marked in used; the page's tables are left
 * in reading order.  A tagged table over max_cells slots is not used. */
void tags_apply(const struct page *page, const struct tag_table *tags,
	size_t n, int max_cells, bool *used, struct table_list *out,
	size_t first);

#endif
