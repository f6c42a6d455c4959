/* Rules and column clusters -> table grids with spans. */
#ifndef BUDTAB_GRID_H
#define BUDTAB_GRID_H

#include "model.h"

struct cell {
	int row, col, rowspan, colspan;
	struct box box;
	char *text;          /* NULL when the cell is empty */
};

/* Which evidence decided a table's rows, columns and spans. */
enum table_source {
	TABLE_FROM_LAYOUT,   /* the text's layout: columns clustered */
	TABLE_FROM_RULES,    /* ruling lines */
	TABLE_FROM_TAGS,     /* the PDF's structure tree (tags.c) */
};

struct table {
	int page;            /* 1-based */
	struct box box;
	int rows, cols;
	bool ruled;          /* the grid came from ruling lines */
	enum table_source source;
	int continues;       /* index in the list of the fragment this one
	                      * continues on the next page, or -1 */
	struct cell *cells;  /* one per top-left slot, row-major */
	size_t n_cells;
	double *col_x;       /* cols + 1 boundaries */
	double *row_y;       /* rows + 1 boundaries */
	bool text_above;     /* body text stands above it on its page */
	bool text_below;     /* body text stands below it on its page */
};

struct table_list {
	struct table *tables;
	size_t n, cap;
};

/* Pieces of a line this many ems apart (half that next to a wide
 * character) are in different cells: the column gap of layout_lines. */
#define GRID_SEGMENT_GAP_EM 0.9

struct grid_limits {
	int max_cells;       /* per table */
	int max_rules;       /* per page, after merging */
};

/* Finds the tables of page, appends them to out in reading order (top to
 * bottom) and sets used[i] for every glyph that went into a table.  A page
 * with no table appends nothing; that is not an error.  Fails only with
 * BUDTAB_ERR_LIMIT when a table would exceed max_cells. */
bool grid_find(const struct page *page, const struct grid_limits *limits,
	bool *used, struct table_list *out, struct budtab_error *err);

/* Links fragments that continue a table of the previous page: a table
 * that is the first on its page, with no body text above it, continues
 * the last table of the previous page when that one has no body text
 * below it and both have the same horizontal extent.  Sets continues on
 * the later fragment.  The caller sets text_above/text_below first. */
void grid_stitch(struct table_list *tables);

/* Sorts out->tables[first..] into reading order (top to bottom): the
 * order grid_find appends a page's tables in. */
void grid_sort(struct table_list *out, size_t first);

/* The cell whose span covers slot (row, col), or NULL. */
const struct cell *table_cell_at(const struct table *t, int row, int col);

void table_finish(struct table *t);
void table_list_finish(struct table_list *list);

#endif
