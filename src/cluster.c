/* Tables with no ruling lines: text lines whose pieces line up in
 * columns.  Columns are the x-ranges that stay free of ink in nearly
 * every line and are a gap between two pieces in at least two lines;
 * the few lines whose text crosses such a range (spanning headers, long
 * cells) become spanning cells instead of hiding the column. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "grid_private.h"
#include "layout.h"
#include "patterns.h"

#define MAX_BINS 8192     /* histogram bins of at least half a point */
/* A gap this wide (in ems) in one line alone still parts two columns. */
#define WIDE_GAP_EM 1.5
/* Lines under a table tried as notes that run across its columns. */
#define MAX_NOTE_LINES 6
/* Slanted or curved pieces of drawing among a table's lines that make it a
 * chart (see is_chart). */
#define CHART_MIN_MARKS 3
/* A chart's value axis: at least AXIS_MIN_TICKS numbers, 0 first, each
 * tick one step more and as far from the last as the ticks before are on
 * average, to AXIS_SPACING of that: along a line (0 at the left) or up a column of
 * right-aligned numbers (0 at the bottom).  Lines of AXIS_BELOW ems under
 * a table are close enough for its axis to be the table's. */
#define AXIS_MIN_TICKS 5
#define AXIS_SPACING 0.15
#define AXIS_BELOW 3.0

struct axis {
	struct box box;
	int ticks;
	bool across;      /* along a line: an x axis */
};

struct block {
	size_t first, n;  /* lines of the line list */
};

static double
line_gap(const struct line *a, const struct line *b)
{
	return b->box.y0 - a->box.y1;
}

double *
cluster_columns(const struct line *lines, size_t n, int *n_cols)
{
	double x0 = INFINITY, x1 = -INFINITY;
	size_t nb, multi = 0;
	double bin, size = 0;
	int *ink, *gap, allow;
	GArray *bounds;
	double *out;

	for (size_t i = 0; i < n; i++) {
		size = fmax(size, lines[i].size);
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
		/* Only the space between a line's first and last piece is a
		 * gap: the margins beside a short line say nothing. */
		size_t lo = (size_t)((l->segments[0].box.x0 - x0) / bin);
		size_t hi = (size_t)((l->segments[l->n_segments - 1].box.x1 - x0) / bin);

		for (size_t k = 0; k < nb; k++) {
			if (inked[k])
				ink[k]++;
			else if (l->n_segments >= 2 && k > lo && k < hi)
				gap[k]++;
		}
		g_free(inked);
	}
	/* Text crossing a column gap in some lines is a spanning cell (a
	 * project block is mostly such cells), so long as the gap stands
	 * between two pieces of other lines. */
	allow = (int)(0.2 * (double)n);
	bounds = g_array_new(FALSE, FALSE, sizeof(double));
	g_array_append_val(bounds, x0);
	for (size_t k = 0; k < nb;) {
		size_t end = k, lo;
		int least = INT32_MAX, most = 0;

		if (ink[k] > allow || gap[k] < 1) {
			k++;
			continue;
		}
		while (end < nb && ink[end] <= allow && gap[end] >= 1)
			end++;
		for (size_t j = k; j < end; j++) {
			least = MIN(least, ink[j]);
			most = MAX(most, gap[j]);
		}
		/* A gap shared by two lines is a column; so is a gap of one
		 * line alone when it is wide (a label and its value). */
		if (most < 2 && (double)(end - k) * bin < WIDE_GAP_EM * size) {
			k = end;
			continue;
		}
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

/* Whether a horizontal rule spanning most of the lines' width runs
 * between y0 and y1. */
static bool
rule_between(const struct page *page, const struct line *lines, size_t n,
	double y0, double y1)
{
	double x0 = INFINITY, x1 = -INFINITY;

	for (size_t i = 0; i < n; i++) {
		x0 = fmin(x0, lines[i].box.x0);
		x1 = fmax(x1, lines[i].box.x1);
	}
	for (size_t r = 0; r < page->n_rules; r++) {
		const struct rule *ru = &page->rules[r];

		if (ru->dir == RULE_H && ru->y0 >= y0 - 1 && ru->y0 <= y1 + 1 &&
		    fmin(ru->x1, x1) - fmax(ru->x0, x0) >= 0.5 * (x1 - x0))
			return true;
	}
	return false;
}

static int
cmp_double(const void *p, const void *q)
{
	double a = *(const double *)p, b = *(const double *)q;

	return (a > b) - (a < b);
}

/* Rows.  Lines that overlap vertically are one row (a cell centred
 * beside a wrapped one).  Otherwise the gaps between lines fall into
 * tight ones (wrapped lines inside a cell) and loose ones (between rows)
 * at the first clear jump in their sorted values; a tight gap still
 * starts a row when the line below is as full as the one above, since a
 * cell's continuation never fills the row again, nor crosses a column
 * border between two of the row's cells.  A horizontal rule across most
 * of the block between two lines always parts rows. */
/* Whether a piece of line crosses a column border where the row above
 * has separate text on both sides: a wrapped line of one cell cannot. */
static bool
crosses_cells(const struct line *l, const struct line *row, size_t n_row,
	const double *col_x, int cols)
{
	for (size_t s = 0; s < l->n_segments; s++) {
		const struct box *b = &l->segments[s].box;

		for (int c = 1; c < cols; c++) {
			double x = col_x[c];
			bool left = false, right = false;

			if (!(b->x0 < x - 1 && b->x1 > x + 1))
				continue;
			for (size_t i = 0; i < n_row; i++)
				for (size_t k = 0; k < row[i].n_segments; k++) {
					const struct box *o = &row[i].segments[k].box;

					left |= o->x1 <= x + 1 && o->x1 > b->x0;
					right |= o->x0 >= x - 1 && o->x0 < b->x1;
				}
			if (left && right)
				return true;
		}
	}
	return false;
}

static size_t *
find_rows(const struct page *page, const struct line *lines, size_t n,
	const double *col_x, int cols, size_t *n_rows)
{
	size_t *start = g_new(size_t, n + 1);
	double *gaps = g_new(double, n + 1), *sorted = g_new(double, n + 1);
	double bottom = lines[0].box.y1, cut = 0.5, size = lines[0].size;

	for (size_t i = 1; i < n; i++) {
		gaps[i] = lines[i].box.y0 - bottom;
		sorted[i - 1] = gaps[i];
		bottom = fmax(bottom, lines[i].box.y1);
		size = fmax(size, lines[i].size);
	}
	qsort(sorted, n > 1 ? n - 1 : 0, sizeof *sorted, cmp_double);
	for (size_t k = 0; k + 1 < n - 1 && n > 1; k++) {
		double a = fmax(sorted[k], 0.5), b = sorted[k + 1];

		if (b >= 2 * a && b - a >= fmax(1.5, 0.2 * size)) {
			cut = (a + b) / 2;
			break;
		}
	}
	*n_rows = 0;
	bottom = lines[0].box.y1;
	for (size_t i = 0; i < n; i++) {
		bool fresh = i == 0 || gaps[i] > cut;

		if (i > 0 && !fresh)
			fresh = rule_between(page, lines, n, bottom, lines[i].box.y0) ||
				crosses_cells(&lines[i], &lines[start[*n_rows - 1]],
					i - start[*n_rows - 1], col_x, cols);
		bottom = fmax(bottom, lines[i].box.y1);

		if (!fresh && i > 0 && gaps[i] > 0.5 &&
		    lines[i].n_segments >= 2 &&
		    lines[i].n_segments >= lines[i - 1].n_segments)
			fresh = true;
		if (fresh)
			start[(*n_rows)++] = i;
	}
	start[*n_rows] = n;
	g_free(gaps);
	g_free(sorted);
	return start;
}

static void
push_span(GArray *a, double pos, double lo, double hi)
{
	struct span1 sp = { pos, lo, hi };

	if (hi - lo > 0.5)
		g_array_append_val(a, sp);
}

/* A border along pos from lo to hi, except where text crosses it: text
 * crossing a border means the cell spans it. */
static void
open_border(GArray *a, const struct line *lines, size_t n, bool vertical,
	double pos, double lo, double hi, const GArray *bands)
{
	GArray *cuts = g_array_new(FALSE, FALSE, sizeof(double));
	double at = lo;

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < lines[i].n_segments; k++) {
			const struct box *b = &lines[i].segments[k].box;
			double a0 = vertical ? b->x0 : b->y0, a1 = vertical ? b->x1 : b->y1;
			double c0 = vertical ? b->y0 : b->x0, c1 = vertical ? b->y1 : b->x1;

			if (!(a0 < pos - 1 && a1 > pos + 1))
				continue;
			/* Across rows, the cut runs over the whole band the
			 * text stands in. */
			for (guint r = 0; bands && r + 1 < bands->len; r++) {
				double b0 = g_array_index(bands, double, r);
				double b1 = g_array_index(bands, double, r + 1);
				double mid = (c0 + c1) / 2;

				if (mid >= b0 && mid <= b1) {
					c0 = fmin(c0, b0);
					c1 = fmax(c1, b1);
				}
			}
			g_array_append_val(cuts, c0);
			g_array_append_val(cuts, c1);
		}
	/* cuts come in pairs; sort the pairs by their start */
	for (guint i = 0; i + 2 < cuts->len; i += 2)
		for (guint j = i + 2; j < cuts->len; j += 2)
			if (g_array_index(cuts, double, j) < g_array_index(cuts, double, i)) {
				double t0 = g_array_index(cuts, double, i);
				double t1 = g_array_index(cuts, double, i + 1);

				g_array_index(cuts, double, i) = g_array_index(cuts, double, j);
				g_array_index(cuts, double, i + 1) = g_array_index(cuts, double, j + 1);
				g_array_index(cuts, double, j) = t0;
				g_array_index(cuts, double, j + 1) = t1;
			}
	for (guint i = 0; i < cuts->len; i += 2) {
		push_span(a, pos, at, g_array_index(cuts, double, i));
		at = fmax(at, g_array_index(cuts, double, i + 1));
	}
	push_span(a, pos, at, hi);
	g_array_free(cuts, TRUE);
}

static int
cmp_span_pos(const void *p, const void *q)
{
	const struct span1 *a = p, *b = q;

	return (a->pos > b->pos) - (a->pos < b->pos);
}

/* Row boundaries: the page's horizontal rules across the block and the
 * gaps between the rows find_rows sees; close ones are one.  Bands that
 * hold no line's centre are dropped. */
static GArray *
row_bounds(const struct page *page, const struct line *lines, size_t n,
	const size_t *row_start, size_t n_rows, GArray *h)
{
	double x0 = INFINITY, x1 = -INFINITY, top = INFINITY, bottom = -INFINITY;
	double size = 0;
	GArray *cand = g_array_new(FALSE, FALSE, sizeof(struct span1));
	GArray *ys = g_array_new(FALSE, FALSE, sizeof(double));
	bool rule_top = false, rule_bottom = false;

	for (size_t i = 0; i < n; i++) {
		x0 = fmin(x0, lines[i].box.x0);
		x1 = fmax(x1, lines[i].box.x1);
		top = fmin(top, lines[i].box.y0);
		bottom = fmax(bottom, lines[i].box.y1);
		size = fmax(size, lines[i].size);
	}
	for (size_t r = 0; r < page->n_rules; r++) {
		const struct rule *ru = &page->rules[r];
		struct span1 sp = { ru->y0, ru->x0, ru->x1 };

		if (ru->dir != RULE_H || ru->y0 < top - 1.5 * size ||
		    ru->y0 > bottom + 1.5 * size ||
		    fmin(ru->x1, x1) - fmax(ru->x0, x0) < 0.15 * (x1 - x0))
			continue;
		/* a rule through the middle of a line is a strike, not a border */
		bool through = false;

		for (size_t i = 0; i < n && !through; i++)
			through = ru->y0 > lines[i].box.y0 + 0.3 * (lines[i].box.y1 - lines[i].box.y0) &&
				ru->y0 < lines[i].box.y1 - 0.3 * (lines[i].box.y1 - lines[i].box.y0) &&
				fmin(ru->x1, lines[i].box.x1) - fmax(ru->x0, lines[i].box.x0) > 0 &&
				false;
		g_array_append_val(h, sp);
		g_array_append_val(cand, sp);
		rule_top |= ru->y0 <= top + 1;
		rule_bottom |= ru->y0 >= bottom - 1;
	}
	for (size_t r = 1; r < n_rows; r++) {
		double above = -INFINITY;

		for (size_t i = 0; i < row_start[r]; i++)
			above = fmax(above, lines[i].box.y1);
		double y = (above + lines[row_start[r]].box.y0) / 2;
		struct span1 sp = { y, x0, x1 };

		g_array_append_val(cand, sp);
		open_border(h, lines, n, false, y, x0 - 1, x1 + 1, NULL);
	}
	if (!rule_top) {
		struct span1 sp = { top - 0.5, x0, x1 };

		g_array_append_val(cand, sp);
	}
	if (!rule_bottom) {
		struct span1 sp = { bottom + 0.5, x0, x1 };

		g_array_append_val(cand, sp);
	}
	qsort(cand->data, cand->len, sizeof(struct span1), cmp_span_pos);
	for (guint i = 0; i < cand->len; i++) {
		double y = g_array_index(cand, struct span1, i).pos;

		if (ys->len == 0 || y - g_array_index(ys, double, ys->len - 1) > 2.5)
			g_array_append_val(ys, y);
	}
	g_array_free(cand, TRUE);
	/* drop bands that no line's centre falls in */
	for (guint r = 0; r + 1 < ys->len && ys->len > 2;) {
		double a = g_array_index(ys, double, r), b = g_array_index(ys, double, r + 1);
		bool held = false;

		for (size_t i = 0; i < n && !held; i++) {
			double cy = (lines[i].box.y0 + lines[i].box.y1) / 2;

			held = cy > a && cy < b;
		}
		if (held)
			r++;
		else
			g_array_remove_index(ys, r + 1 == ys->len - 1 ? r : r + 1);
	}
	return ys;
}

/* The number a segment prints (patterns_number); looked at only when it
 * starts as a number does. */
static bool
segment_number(const struct page *page, const struct segment *seg, double *v)
{
	g_autofree char *text = NULL;
	gunichar first;

	if (seg->n_glyphs == 0)
		return false;
	first = page->glyphs[seg->glyphs[0]].cp;
	if (!(first < 0x80 && (g_ascii_isdigit((char)first) || first == '-' ||
				first == '.')))
		return false;
	text = layout_segment_text(page, seg);
	return patterns_number(text, v);
}

/* How many of the numbers v[0..n) at positions p[0..n) run as a scale
 * does: 0, then rising by the first step at every tick, each tick as far
 * from the last as the ticks before are on average, to AXIS_SPACING of
 * that. */
static size_t
scale_ticks(const double *v, const double *p, size_t n)
{
	size_t k = 2;

	if (n < 2 || v[0] != 0 || !(v[1] > 0) || !(p[1] > p[0]))
		return 0;
	while (k < n && fabs(v[k] / v[1] - (double)k) < 1e-3) {
		double space = (p[k - 1] - p[0]) / (double)(k - 1);

		if (fabs(p[k] - p[k - 1] - space) > AXIS_SPACING * space)
			break;
		k++;
	}
	return k;
}

struct tick {
	double value;
	struct box box;
};

static int
by_right_edge(const void *a, const void *b)
{
	const struct tick *x = a, *y = b;

	return (x->box.x1 > y->box.x1) - (x->box.x1 < y->box.x1);
}

static int
by_bottom_up(const void *a, const void *b)
{
	const struct tick *x = a, *y = b;

	return (x->box.y1 < y->box.y1) - (x->box.y1 > y->box.y1);
}

/* y axes among numbers right-aligned in a column (ticks[0..n), sorted
 * by right edge): 0 at the bottom, rising upwards. */
static void
down_axes(struct tick *ticks, size_t n, GArray *axes)
{
	for (size_t i = 0, j; i < n; i = j) {
		double *v, *p;

		for (j = i + 1; j < n && ticks[j].box.x1 - ticks[j - 1].box.x1 <= 1.0; j++)
			;
		if (j - i < AXIS_MIN_TICKS)
			continue;
		qsort(&ticks[i], j - i, sizeof *ticks, by_bottom_up);
		v = g_new(double, j - i);
		p = g_new(double, j - i);
		for (size_t q = i; q < j; q++) {
			v[q - i] = ticks[q].value;
			p[q - i] = -(ticks[q].box.y0 + ticks[q].box.y1) / 2;
		}
		for (size_t k = i; k + AXIS_MIN_TICKS <= j; k++) {
			size_t m = scale_ticks(&v[k - i], &p[k - i], j - k);

			if (m >= AXIS_MIN_TICKS) {
				struct axis a = { ticks[k].box, (int)m, false };

				for (size_t q = k + 1; q < k + m; q++)
					box_union(&a.box, &ticks[q].box);
				g_array_append_val(axes, a);
				k += m - 1;
			}
		}
		g_free(v);
		g_free(p);
	}
}

/* The value axes of a chart among the lines: along a line, or down a
 * column of right-aligned numbers. */
static GArray *
find_axes(const struct page *page, const struct line_list *ll)
{
	GArray *axes = g_array_new(FALSE, FALSE, sizeof(struct axis));
	GArray *ticks = g_array_new(FALSE, FALSE, sizeof(struct tick));

	for (size_t i = 0; i < ll->n; i++) {
		const struct line *l = &ll->lines[i];
		size_t n = l->n_segments, m = 0;
		double *v = g_new(double, n + 1), *p = g_new(double, n + 1);

		for (size_t k = 0; k < n; k++) {
			struct tick t = { 0, l->segments[k].box };

			if (!segment_number(page, &l->segments[k], &t.value))
				continue;
			g_array_append_val(ticks, t);
			v[m] = t.value;
			p[m++] = (t.box.x0 + t.box.x1) / 2;
		}
		if (m == n && scale_ticks(v, p, n) == n && n >= AXIS_MIN_TICKS) {
			struct axis a = { l->box, (int)n, true };

			g_array_append_val(axes, a);
		}
		g_free(v);
		g_free(p);
	}
	if (ticks->len) {
		qsort(ticks->data, ticks->len, sizeof(struct tick), by_right_edge);
		down_axes((struct tick *)(void *)ticks->data, ticks->len, axes);
	}
	g_array_free(ticks, TRUE);
	return axes;
}

/* Whether the lines found as a table within box (cols columns) are the
 * labels of a chart: slanted or curved strokes and fills (the lines of a
 * line chart, a pie's slices, a diagram's arrows) lie among them or
 * within an em of them; or a value axis runs up through them, or along
 * or just under them with more ticks than they have columns (a bar
 * chart's bars drawn square, its labels in rows).  No table without
 * rules draws such things over its text, and a table's header of
 * numbers has a column for each. */
static bool
is_chart(const struct page *page, const struct box *box, int cols,
	const struct line *lines, size_t n, const GArray *axes)
{
	double em = 0;
	size_t marks = 0;

	for (size_t i = 0; i < n; i++)
		em = fmax(em, lines[i].size);
	for (size_t k = 0; k < page->n_marks && marks < CHART_MIN_MARKS; k++) {
		const struct box *m = &page->marks[k];
		double cx = (m->x0 + m->x1) / 2, cy = (m->y0 + m->y1) / 2;

		marks += cx >= box->x0 - em && cx <= box->x1 + em &&
			 cy >= box->y0 - em && cy <= box->y1 + em;
	}
	if (marks >= CHART_MIN_MARKS)
		return true;
	for (guint k = 0; k < axes->len; k++) {
		const struct axis *a = &g_array_index(axes, struct axis, k);
		double across = box_overlap_x(&a->box, box);

		if (!a->across && across > 0 && box_overlap_y(&a->box, box) > 0)
			return true;
		if (a->across && a->ticks > cols && across >= 0.5 *
			fmin(a->box.x1 - a->box.x0, box->x1 - box->x0) &&
		    a->box.y0 >= box->y0 && a->box.y0 <= box->y1 + AXIS_BELOW * em)
			return true;
	}
	return false;
}

/* The table of lines[0 .. n) in the columns col_x (cols + 1 bounds,
 * taken over and freed). */
static bool
build_table(const struct page *page, const struct line *lines, size_t n,
	double *col_x, int cols, const GArray *axes,
	const struct grid_limits *limits, bool *used, struct table_list *out,
	struct budtab_error *err)
{
	size_t n_rows, *row_start;
	GArray *h, *v, *ys;
	struct table t;
	int *owner;
	bool ok = true;

	row_start = find_rows(page, lines, n, col_x, cols, &n_rows);
	h = g_array_new(FALSE, FALSE, sizeof(struct span1));
	v = g_array_new(FALSE, FALSE, sizeof(struct span1));
	ys = row_bounds(page, lines, n, row_start, n_rows, h);
	if (ys->len < 2) {
		goto done;
	}
	if ((long)(ys->len - 1) * cols > limits->max_cells) {
		error_set(err, BUDTAB_ERR_LIMIT,
			"page %d: a table of %u x %d cells is over the limit of %d cells (--max-cells)",
			page->number, ys->len - 1, cols, limits->max_cells);
		ok = false;
		goto done;
	}
	for (int c = 1; c < cols; c++)
		open_border(v, lines, n, true, col_x[c],
			g_array_index(ys, double, 0) - 1,
			g_array_index(ys, double, ys->len - 1) + 1, ys);
	grid_table_init(&t, page->number, (int)ys->len - 1, cols);
	memcpy(t.col_x, col_x, (size_t)(cols + 1) * sizeof(double));
	memcpy(t.row_y, ys->data, ys->len * sizeof(double));
	t.box = (struct box){ t.col_x[0], t.row_y[0], t.col_x[cols], t.row_y[t.rows] };
	owner = grid_cells(&t, (struct span1 *)h->data, h->len,
		(struct span1 *)v->data, v->len);
	if (is_chart(page, &t.box, cols, lines, n, axes))
		table_finish(&t);
	else
		grid_keep(&t, page, owner, 4, used, out);
	g_free(owner);
done:
	g_array_free(ys, TRUE);
	g_array_free(h, TRUE);
	g_array_free(v, TRUE);
	g_free(col_x);
	g_free(row_start);
	return ok;
}

bool
cluster_find(const struct page *page, const struct grid_limits *limits,
	bool *used, struct table_list *out, struct budtab_error *err)
{
	struct line_list ll;
	bool *keep = g_new(bool, page->n_glyphs ? page->n_glyphs : 1);
	bool ok = true;
	GArray *axes = NULL;

	for (size_t i = 0; i < page->n_glyphs; i++)
		keep[i] = !used[i];
	layout_lines(page, keep, GRID_SEGMENT_GAP_EM, &ll);
	for (size_t i = 0; i < ll.n && ok;) {
		size_t j = i + 1, multi, first, last;
		double *col_x = NULL;
		int cols = 0;

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
		/* Lines under a table that run across its columns (a note,
		 * the next paragraph set close) are no part of it.  A few at
		 * most: each try costs the whole block.  Fewer than two lines
		 * of several pieces make no table however it is cut. */
		for (int k = 0; multi >= 2 && last - first >= 3; k++) {
			col_x = cluster_columns(&ll.lines[first], last - first, &cols);
			if (col_x || k == MAX_NOTE_LINES || last - first == 3)
				break;
			last--;
			multi -= ll.lines[last].n_segments >= 2;
		}
		if (col_x && multi >= 2 && 3 * multi >= last - first) {
			/* the page's axes, once a block may be a table */
			if (!axes)
				axes = find_axes(page, &ll);
			ok = build_table(page, &ll.lines[first], last - first,
				col_x, cols, axes, limits, used, out, err);
		} else {
			g_free(col_x);
		}
		i = j;
	}
	layout_lines_finish(&ll);
	if (axes)
		g_array_free(axes, TRUE);
	g_free(keep);
	return ok;
}
