/* Shared between the two halves of the grid stage: ruled tables
 * (grid.c) and tables found by column clustering (cluster.c). */
#ifndef BUDTAB_GRID_PRIVATE_H
#define BUDTAB_GRID_PRIVATE_H

#include "grid.h"

/* Allocates the boundary arrays of a rows x cols table; no cells yet. */
void grid_table_init(struct table *t, int page, int rows, int cols);
void grid_list_push(struct table_list *list, struct table *t);
/* The interval of bounds[0..n] holding v, or -1 outside. */
int grid_find_slot(const double *bounds, int n, double v);

/* Tables with no or partial rules, from the glyphs not yet used. */
bool cluster_find(const struct page *page, const struct grid_limits *limits,
	bool *used, struct table_list *out, struct budtab_error *err);

#endif
