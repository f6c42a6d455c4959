/* Shared between the two halves of the grid stage: ruled tables
 * (grid.c) and tables found by column clustering (cluster.c). */
#ifndef BUDTAB_GRID_PRIVATE_H
#define BUDTAB_GRID_PRIVATE_H

#include "grid.h"

struct line;

/* Allocates the boundary arrays of a rows x cols table; no cells yet. */
void grid_table_init(struct table *t, int page, int rows, int cols);
void grid_list_push(struct table_list *list, struct table *t);
/* The interval of bounds[0..n] holding v, or -1 outside. */
int grid_find_slot(const double *bounds, int n, double v);

/* A line along one axis: at pos, from a to b. */
struct span1 {
	double pos, a, b;
};

/* Builds the cells of a grid whose col_x/row_y are set, from the borders
 * h (horizontal, pos = y) and v (vertical, pos = x): a cell runs right
 * while the border between two slots is missing, and down while the
 * borders under all its columns are missing.  Returns the owner map
 * (slot -> cell index), g_free'd by the caller. */
int *grid_cells(struct table *t, const struct span1 *h, size_t nh,
	const struct span1 *v, size_t nv);
/* Fills each cell's text from the glyphs not yet used whose centre falls
 * in it, and marks them used. */
void grid_fill_text(struct table *t, const struct page *page,
	const int *owner, bool *used);

/* Whether a grid holds text in at least min_filled cells and in three
 * cells of ten: mostly empty grids are charts (panels, gridlines), not
 * tables. */
bool grid_table_has_text(const struct table *t, size_t min_filled);

/* Fills t's cells from the glyphs not yet used and keeps it (appends it
 * to out, takes ownership, marks its glyphs used) when it has two rows
 * and grid_table_has_text(t, min_filled); else frees it and leaves used
 * as it was. */
void grid_keep(struct table *t, const struct page *page, const int *owner,
	size_t min_filled, bool *used, struct table_list *out);

/* Column boundaries (cols + 1 of them, g_free them) for lines[0 .. n)
 * from the x-ranges free of ink in nearly every line, or NULL when fewer
 * than two columns stand out.  *n_cols receives the column count. */
double *cluster_columns(const struct line *lines, size_t n, int *n_cols);

/* Tables with no or partial rules, from the glyphs not yet used. */
bool cluster_find(const struct page *page, const struct grid_limits *limits,
	bool *used, struct table_list *out, struct budtab_error *err);

#endif
