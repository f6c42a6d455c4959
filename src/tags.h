/* Tagged tables (the PDF's structure tree) as evidence beside the
 * geometry of a page's tables. */
#ifndef BUDTAB_TAGS_H
#define BUDTAB_TAGS_H

#include "grid.h"

/* A tagged table and the tables the geometry found agree when, once the
 * tagged cells are found in the page's glyphs, each of those tables lies
 * mostly (TAGS_COVER) inside the box of those glyphs and holds hardly a
 * character (TAGS_COVER) the tagged cells do not.  */
#define TAGS_COVER 0.9
/* Share of the tagged table's characters that must be found among the
 * page's glyphs for its tags to be used at all. */
#define TAGS_FOUND 0.9

/* Weighs the tagged tables tags[0..n) of page against the tables the
 * geometry found on it, out->tables[first..]:
 *  - a tagged table whose cells do not make a full grid (ragged rows:
 *    spans the tags do not give), or whose text is not on the page, is
 *    not used;
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
