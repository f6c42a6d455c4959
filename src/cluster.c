/* Tables with no ruling lines: text lines whose pieces line up in
 * columns.  Columns are the x-ranges that stay free of ink in nearly
 * every line and are a gap between two pieces in at least two lines;
 * the few lines whose text crosses such a range (spanning headers, long
 * cells) become spanning cells instead of hiding the column. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grid_private.h"
#include "layout.h"

#define MAX_BINS 8192     /* histogram bins of at least half a point */
#define SEGMENT_GAP_EM 0.9

struct block {
	size_t first, n;  /* lines of the line list */
};

static double
line_gap(const struct line *a, const struct line *b)
{
	return b->box.y0 - a->box.y1;
}

/* Column boundaries for lines[first .. first + n), or NULL when fewer
 * than two columns stand out.  *n_cols receives the column count. */
static double *
find_columns(const struct line *lines, size_t n, int *n_cols)
{
	double x0 = INFINITY, x1 = -INFINITY;
	size_t nb, multi = 0;
	double bin;
	int *ink, *gap, allow;
	GArray *bounds;
	double *out;

	for (size_t i = 0; i < n; i++) {
		x0 = fmin(x0, lines[i].box.x0);
		x1 = fmax(x1, lines[i].box.x1);
		if (lines[i].n_segments >= 2)
			multi++;
	}
	if (multi < 2 || !(x1 > x0))
		return NULL;
	bin = fmax(0.5, (x1 - x0) / (MAX_BINS - 1));
	nb = (size_t)((x1 - x0) / bin) + 1;
	ink = g_new0(int, nb);
	gap = g_new0(int, nb);
	for (size_t i = 0; i < n; i++) {
		const struct line *l = &lines[i];
		bool *inked = g_new0(bool, nb);

		for (size_t s = 0; s < l->n_segments; s++) {
			size_t a = (size_t)((l->segments[s].box.x0 - x0) / bin);
			size_t b = (size_t)((l->segments[s].box.x1 - x0) / bin);

			for (size_t k = a; k <= b && k < nb; k++)
				inked[k] = true;
		}
		for (size_t k = 0; k < nb; k++) {
			if (inked[k])
				ink[k]++;
			else if (l->n_segments >= 2)
				gap[k]++;
		}
		g_free(inked);
	}
	/* Text crossing a column gap in a few lines is a spanning cell. */
	allow = (int)(0.2 * (double)n);
	bounds = g_array_new(FALSE, FALSE, sizeof(double));
	g_array_append_val(bounds, x0);
	for (size_t k = 0; k < nb;) {
		size_t end = k, lo;
		int least = INT32_MAX;

		if (ink[k] > allow || gap[k] < 2) {
			k++;
			continue;
		}
		while (end < nb && ink[end] <= allow && gap[end] >= 2)
			end++;
		for (size_t j = k; j < end; j++)
			least = MIN(least, ink[j]);
		/* Each stretch with the least ink is a separator; ink between
		 * two stretches is a sparse column of its own. */
		for (size_t j = k; j < end;) {
			if (ink[j] != least) {
				j++;
				continue;
			}
			lo = j;
			while (j < end && ink[j] == least)
				j++;
			if (lo > 0 && j < nb) {
				double x = x0 + bin * (double)(lo + j) / 2;

				g_array_append_val(bounds, x);
			}
		}
		k = end;
	}
	g_array_append_val(bounds, x1);
	g_free(ink);
	g_free(gap);

	/* Drop columns that hold no piece of text. */
	for (guint c = 0; c + 1 < bounds->len && bounds->len > 2;) {
		double a = g_array_index(bounds, double, c);
		double b = g_array_index(bounds, double, c + 1);
		bool used = false;

		for (size_t i = 0; i < n && !used; i++)
			for (size_t s = 0; s < lines[i].n_segments && !used; s++) {
				const struct box *sb = &lines[i].segments[s].box;
				double cx = (sb->x0 + sb->x1) / 2;

				used = (cx >= a && cx <= b) ||
				       (sb->x0 >= a && sb->x0 < b);
			}
		if (used) {
			c++;
			continue;
		}
		g_array_remove_index(bounds, c == 0 ? 1 : c);
	}
	*n_cols = (int)bounds->len - 1;
	if (*n_cols < 2) {
		g_array_free(bounds, TRUE);
		return NULL;
	}
	out = (double *)g_array_free(bounds, FALSE);
	return out;
}

/* The columns a piece of text covers: those it overlaps by more than
 * a couple of points. */
static void
segment_columns(const struct box *b, const double *col_x, int cols,
	int *first, int *last)
{
	*first = -1;
	*last = -1;
	for (int c = 0; c < cols; c++) {
		double ov = fmin(b->x1, col_x[c + 1]) - fmax(b->x0, col_x[c]);

		if (ov > fmin(2.0, (b->x1 - b->x0) / 2)) {
			if (*first < 0)
				*first = c;
			*last = c;
		}
	}
	if (*first < 0) {
		double cx = (b->x0 + b->x1) / 2;

		*first = *last = MAX(0, grid_find_slot(col_x, cols, cx));
	}
}

/* Rows: a new row starts after a gap clearly wider than the tightest
 * line spacing of the block (wrapped lines inside a cell sit tighter
 * than rows). */
static size_t *
find_rows(const struct line *lines, size_t n, size_t *n_rows)
{
	size_t *start = g_new(size_t, n + 1);
	double tight = INFINITY, loose = -INFINITY;

	for (size_t i = 1; i < n; i++) {
		tight = fmin(tight, line_gap(&lines[i - 1], &lines[i]));
		loose = fmax(loose, line_gap(&lines[i - 1], &lines[i]));
	}
	*n_rows = 0;
	for (size_t i = 0; i < n; i++) {
		double size = lines[i].size;

		if (i == 0 || loose - tight < fmax(1.5, 0.25 * size) ||
		    line_gap(&lines[i - 1], &lines[i]) >
			    tight + fmax(1.5, 0.25 * size))
			start[(*n_rows)++] = i;
	}
	start[*n_rows] = n;
	return start;
}

struct piece {
	int first, last;
	GArray *glyphs; /* size_t */
	struct box box;
};

static bool
build_table(const struct page *page, const struct line *lines, size_t n,
	const struct grid_limits *limits, bool *used, struct table_list *out,
	struct budtab_error *err)
{
	int cols;
	double *col_x = find_columns(lines, n, &cols);
	size_t n_rows, *row_start;
	GArray *cells;
	struct table t;

	if (!col_x)
		return true;
	row_start = find_rows(lines, n, &n_rows);
	if ((long)n_rows * cols > limits->max_cells) {
		error_set(err, BUDTAB_ERR_LIMIT,
			"page %d: a table of %zu x %d cells is over the limit of %d cells",
			page->number, n_rows, cols, limits->max_cells);
		g_free(col_x);
		g_free(row_start);
		return false;
	}
	grid_table_init(&t, page->number, (int)n_rows, cols);
	memcpy(t.col_x, col_x, (size_t)(cols + 1) * sizeof(double));
	t.row_y[0] = lines[0].box.y0;
	for (size_t r = 1; r < n_rows; r++)
		t.row_y[r] = (lines[row_start[r] - 1].box.y1 +
			      lines[row_start[r]].box.y0) / 2;
	t.row_y[n_rows] = lines[n - 1].box.y1;
	cells = g_array_new(FALSE, TRUE, sizeof(struct cell));
	for (size_t r = 0; r < n_rows; r++) {
		GArray *pieces = g_array_new(FALSE, FALSE, sizeof(struct piece));

		for (size_t i = row_start[r]; i < row_start[r + 1]; i++)
			for (size_t s = 0; s < lines[i].n_segments; s++) {
				const struct segment *seg = &lines[i].segments[s];
				struct piece p = { 0 };

				segment_columns(&seg->box, col_x, cols, &p.first, &p.last);
				p.glyphs = g_array_new(FALSE, FALSE, sizeof(size_t));
				g_array_append_vals(p.glyphs, seg->glyphs, seg->n_glyphs);
				p.box = seg->box;
				g_array_append_val(pieces, p);
			}
		/* Pieces sharing a column are one cell. */
		for (bool merged = true; merged;) {
			merged = false;
			for (guint a = 0; a < pieces->len && !merged; a++)
				for (guint b = a + 1; b < pieces->len && !merged; b++) {
					struct piece *p = &g_array_index(pieces, struct piece, a);
					struct piece *q = &g_array_index(pieces, struct piece, b);

					if (q->first > p->last || p->first > q->last)
						continue;
					p->first = MIN(p->first, q->first);
					p->last = MAX(p->last, q->last);
					g_array_append_vals(p->glyphs, q->glyphs->data, q->glyphs->len);
					box_union(&p->box, &q->box);
					g_array_free(q->glyphs, TRUE);
					g_array_remove_index(pieces, b);
					merged = true;
				}
		}
		for (int c = 0; c < cols; c++)
			for (guint a = 0; a < pieces->len; a++) {
				struct piece *p = &g_array_index(pieces, struct piece, a);
				struct cell cell = { 0 };

				if (p->first != c)
					continue;
				cell.row = (int)r;
				cell.col = c;
				cell.rowspan = 1;
				cell.colspan = p->last - p->first + 1;
				cell.box = (struct box){ col_x[c], t.row_y[r],
					col_x[p->last + 1], t.row_y[r + 1] };
				cell.text = layout_text(page, (const size_t *)p->glyphs->data,
					p->glyphs->len);
				for (guint k = 0; k < p->glyphs->len; k++)
					used[g_array_index(p->glyphs, size_t, k)] = true;
				g_array_append_val(cells, cell);
			}
		for (guint a = 0; a < pieces->len; a++)
			g_array_free(g_array_index(pieces, struct piece, a).glyphs, TRUE);
		g_array_free(pieces, TRUE);
	}
	t.n_cells = cells->len;
	t.cells = (struct cell *)g_array_free(cells, FALSE);
	t.box = (struct box){ col_x[0], t.row_y[0], col_x[cols], t.row_y[n_rows] };
	grid_list_push(out, &t);
	g_free(col_x);
	g_free(row_start);
	return true;
}

bool
cluster_find(const struct page *page, const struct grid_limits *limits,
	bool *used, struct table_list *out, struct budtab_error *err)
{
	struct line_list ll;
	bool *keep = g_new(bool, page->n_glyphs ? page->n_glyphs : 1);
	bool ok = true;

	for (size_t i = 0; i < page->n_glyphs; i++)
		keep[i] = !used[i];
	layout_lines(page, keep, SEGMENT_GAP_EM, &ll);
	for (size_t i = 0; i < ll.n && ok;) {
		size_t j = i + 1, multi, first, last;

		/* A block: lines no further apart than one and a half lines,
		 * ended by a run of three lines of running text. */
		while (j < ll.n) {
			double size = fmax(ll.lines[j - 1].size, ll.lines[j].size);

			if (line_gap(&ll.lines[j - 1], &ll.lines[j]) > 1.5 * size)
				break;
			if (j >= i + 2 && ll.lines[j].n_segments == 1 &&
			    ll.lines[j - 1].n_segments == 1 &&
			    ll.lines[j - 2].n_segments == 1)
				break;
			j++;
		}
		first = i;
		last = j;
		while (first < last && ll.lines[first].n_segments < 2)
			first++;
		/* A last line of one piece stays when it sits as tight as a
		 * wrapped line under the one before: a cell's continuation. */
		while (last > first && ll.lines[last - 1].n_segments < 2 &&
		       !(last - 1 > first &&
			 line_gap(&ll.lines[last - 2], &ll.lines[last - 1]) <
				 0.3 * ll.lines[last - 1].size))
			last--;
		multi = 0;
		for (size_t k = first; k < last; k++)
			if (ll.lines[k].n_segments >= 2)
				multi++;
		if (multi >= 2 && 2 * multi >= last - first)
			ok = build_table(page, &ll.lines[first], last - first,
				limits, used, out, err);
		i = j;
	}
	layout_lines_finish(&ll);
	g_free(keep);
	return ok;
}
