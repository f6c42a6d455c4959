#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grid_private.h"
#include "layout.h"

/* Rule ends and positions closer than this are the same line: producers
 * draw a border twice a little apart, or stop a line short of its
 * neighbour. */
#define SNAP 2.5
/* A rule shorter than this is a tick, an underline of a dot, not a border. */
#define MIN_RULE 3.0
/* Text on both sides of an unruled column boundary, this many ems apart
 * across it, is in two cells. */
#define TEXT_BORDER_GAP_EM 1.0
/* A ruled row holding a column of this many numbers is parted into rows. */
#define TEXT_ROWS_MIN 3
/* Grids of more ruled columns are not searched for columns inside them. */
#define TEXT_COLUMNS_MAX_RULED 32

static int
cmp_span1(const void *p, const void *q)
{
	const struct span1 *s = p, *t = q;

	if (s->pos != t->pos)
		return s->pos < t->pos ? -1 : 1;
	return (s->a > t->a) - (s->a < t->a);
}

static int
cmp_double(const void *p, const void *q)
{
	double a = *(const double *)p, b = *(const double *)q;

	return (a > b) - (a < b);
}

/* Snaps positions within SNAP of each other to their mean, then joins
 * collinear pieces that touch or nearly touch.  Works in place; returns
 * the new count. */
static size_t
merge_lines(struct span1 *v, size_t n)
{
	size_t out = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_span1);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		double sum = v[i].pos;

		while (j < n && v[j].pos - v[i].pos <= SNAP)
			sum += v[j++].pos;
		for (size_t k = i; k < j; k++)
			v[k].pos = sum / (double)(j - i);
		i = j;
	}
	qsort(v, n, sizeof *v, cmp_span1);
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && v[out - 1].pos == v[i].pos &&
		    v[i].a <= v[out - 1].b + SNAP) {
			v[out - 1].b = fmax(v[out - 1].b, v[i].b);
			continue;
		}
		v[out++] = v[i];
	}
	return out;
}

static size_t
uf_find(size_t *parent, size_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

/* Distinct positions of a set of lines, clustered within SNAP. */
static GArray *
positions(GArray *in)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(double));
	double *v = (double *)in->data;

	qsort(v, in->len, sizeof *v, cmp_double);
	for (size_t i = 0; i < in->len; i++) {
		if (out->len > 0 &&
		    v[i] - g_array_index(out, double, out->len - 1) <= SNAP)
			continue;
		g_array_append_val(out, v[i]);
	}
	return out;
}

int
grid_find_slot(const double *bounds, int n, double v)
{
	/* bounds has n + 1 entries; returns the interval holding v, or -1 */
	int lo = 0, hi = n;

	if (v < bounds[0] || v > bounds[n])
		return -1;
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;

		if (v < bounds[mid])
			hi = mid;
		else
			lo = mid;
	}
	return lo;
}

/* How much of [a, b] the lines at pos cover. */
static double
coverage(const struct span1 *lines, size_t n, double pos, double a, double b)
{
	double covered = 0;

	for (size_t i = 0; i < n; i++) {
		if (fabs(lines[i].pos - pos) > SNAP)
			continue;
		double lo = fmax(lines[i].a, a), hi = fmin(lines[i].b, b);

		if (hi > lo)
			covered += hi - lo;
	}
	return covered;
}

void
grid_table_init(struct table *t, int page, int rows, int cols)
{
	memset(t, 0, sizeof *t);
	t->page = page;
	t->rows = rows;
	t->cols = cols;
	t->continues = -1;
	t->col_x = g_new(double, cols + 1);
	t->row_y = g_new(double, rows + 1);
}

void
grid_list_push(struct table_list *list, struct table *t)
{
	if (list->n == list->cap) {
		list->cap = list->cap ? 2 * list->cap : 8;
		list->tables = g_renew(struct table, list->tables, list->cap);
	}
	list->tables[list->n++] = *t;
}

void
grid_fill_text(struct table *t, const struct page *page, const int *owner,
	bool *used)
{
	GArray **members = g_new0(GArray *, t->n_cells);

	for (size_t i = 0; i < page->n_glyphs; i++) {
		const struct box *b = &page->glyphs[i].box;
		int r, c, k;

		if (used[i])
			continue;
		r = grid_find_slot(t->row_y, t->rows, (b->y0 + b->y1) / 2);
		c = grid_find_slot(t->col_x, t->cols, (b->x0 + b->x1) / 2);
		if (r < 0 || c < 0)
			continue;
		k = owner[r * t->cols + c];
		if (!members[k])
			members[k] = g_array_new(FALSE, FALSE, sizeof(size_t));
		g_array_append_val(members[k], i);
		used[i] = true;
	}
	for (size_t k = 0; k < t->n_cells; k++) {
		if (!members[k])
			continue;
		t->cells[k].text = layout_text(page,
			(const size_t *)members[k]->data, members[k]->len);
		g_array_free(members[k], TRUE);
	}
	g_free(members);
}

int *
grid_cells(struct table *t, const struct span1 *h, size_t nh,
	const struct span1 *v, size_t nv)
{
	int rows = t->rows, cols = t->cols;
	bool *right = g_new0(bool, (size_t)rows * cols); /* border right of slot */
	bool *below = g_new0(bool, (size_t)rows * cols); /* border under slot */
	int *owner = g_new(int, (size_t)rows * cols);
	GArray *cells = g_array_new(FALSE, TRUE, sizeof(struct cell));

	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++) {
			double y0 = t->row_y[r], y1 = t->row_y[r + 1];
			double x0 = t->col_x[c], x1 = t->col_x[c + 1];

			right[r * cols + c] = c == cols - 1 ||
				coverage(v, nv, x1, y0, y1) >= 0.5 * (y1 - y0);
			below[r * cols + c] = r == rows - 1 ||
				coverage(h, nh, y1, x0, x1) >= 0.5 * (x1 - x0);
		}
	for (int i = 0; i < rows * cols; i++)
		owner[i] = -1;
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++) {
			struct cell cell = { 0 };
			int cs = 1, rs = 1;

			if (owner[r * cols + c] >= 0)
				continue;
			while (c + cs < cols && !right[r * cols + c + cs - 1] &&
			       owner[r * cols + c + cs] < 0)
				cs++;
			for (;;) {
				bool open = r + rs < rows;

				for (int k = c; open && k < c + cs; k++)
					if (below[(r + rs - 1) * cols + k] ||
					    owner[(r + rs) * cols + k] >= 0)
						open = false;
				if (!open)
					break;
				rs++;
			}
			cell.row = r;
			cell.col = c;
			cell.rowspan = rs;
			cell.colspan = cs;
			cell.box = (struct box){ t->col_x[c], t->row_y[r],
				t->col_x[c + cs], t->row_y[r + rs] };
			for (int rr = r; rr < r + rs; rr++)
				for (int cc = c; cc < c + cs; cc++)
					owner[rr * cols + cc] = (int)cells->len;
			g_array_append_val(cells, cell);
		}
	t->n_cells = cells->len;
	t->cells = (struct cell *)g_array_free(cells, FALSE);
	g_free(right);
	g_free(below);
	return owner;
}

void
grid_keep(struct table *t, const struct page *page, const int *owner,
	size_t min_filled, bool *used, struct table_list *out)
{
	bool *trial = g_memdup2(used, page->n_glyphs * sizeof *used);

	grid_fill_text(t, page, owner, trial);
	if (t->rows >= 2 && grid_table_has_text(t, min_filled)) {
		memcpy(used, trial, page->n_glyphs * sizeof *used);
		grid_list_push(out, t);
	} else {
		table_finish(t);
	}
	g_free(trial);
}

bool
grid_table_has_text(const struct table *t, size_t min_filled)
{
	size_t filled = 0;

	for (size_t k = 0; k < t->n_cells; k++)
		if (t->cells[k].text)
			filled++;
	return filled >= min_filled && 10 * filled >= 3 * t->n_cells;
}

/* The widest gap between neighbours on a line among the glyphs (of
 * members) whose centres lie in [x0, x) or in [x, x1), not counting gaps
 * across x: the spacing the text has anyway (letter-spaced headings). */
static double
widest_gap(const struct page *page, const GArray *members, double x0,
	double x, double x1)
{
	double widest = 0;

	for (guint i = 0; i < members->len; i++) {
		const struct box *a = &page->glyphs[
			g_array_index(members, size_t, i)].box;
		double am = (a->x0 + a->x1) / 2, ay = (a->y0 + a->y1) / 2;
		double next = INFINITY;

		if (am < x0 || am >= x1)
			continue;
		for (guint j = 0; j < members->len; j++) {
			const struct box *b = &page->glyphs[
				g_array_index(members, size_t, j)].box;
			double bm = (b->x0 + b->x1) / 2;

			if (j == i || bm <= am || bm >= x1 ||
			    (am < x) != (bm < x) ||
			    fabs((b->y0 + b->y1) / 2 - ay) >
				    0.5 * (a->y1 - a->y0))
				continue;
			next = fmin(next, b->x0 - a->x1);
		}
		if (isfinite(next))
			widest = fmax(widest, next);
	}
	return widest;
}

/* Adds to v the borders the text draws where a ruled grid has none:
 * tables often rule their header's columns and leave the body's open
 * (rows separated by horizontal rules only).  Where a row's text stands
 * on both sides of a column position, nothing crosses it and the gap
 * across it is wide, and twice as wide as any gap within the text on
 * either side, the row's slots there are two cells. */
static void
text_borders(const struct page *page, const bool *used,
	const struct table *t, GArray *v)
{
	GArray **rows = g_new0(GArray *, t->rows);

	for (size_t i = 0; i < page->n_glyphs; i++) {
		const struct box *b = &page->glyphs[i].box;
		int r;

		if (used[i] || (b->x0 + b->x1) / 2 < t->col_x[0] ||
		    (b->x0 + b->x1) / 2 > t->col_x[t->cols])
			continue;
		r = grid_find_slot(t->row_y, t->rows, (b->y0 + b->y1) / 2);
		if (r < 0)
			continue;
		if (!rows[r])
			rows[r] = g_array_new(FALSE, FALSE, sizeof(size_t));
		g_array_append_val(rows[r], i);
	}
	for (int r = 0; r < t->rows; r++) {
		double y0 = t->row_y[r], y1 = t->row_y[r + 1];

		if (!rows[r])
			continue;
		for (int c = 1; c < t->cols; c++) {
			double x = t->col_x[c], left = -INFINITY, right = INFINITY;
			double em = 0;
			bool crossed = false;

			if (coverage((const struct span1 *)v->data, v->len, x,
					y0, y1) >= 0.5 * (y1 - y0))
				continue;
			for (guint k = 0; k < rows[r]->len && !crossed; k++) {
				const struct glyph *g = &page->glyphs[
					g_array_index(rows[r], size_t, k)];

				double mid = (g->box.x0 + g->box.x1) / 2;

				crossed = g->box.x0 < x && g->box.x1 > x;
				/* Only text in the two slots beside x counts: an
				 * empty merged cell between two texts stays one. */
				if (mid >= t->col_x[c - 1] && mid < x &&
				    g->box.x1 > left)
					left = g->box.x1, em = fmax(em, g->box.y1 - g->box.y0);
				if (mid >= x && mid < t->col_x[c + 1] &&
				    g->box.x0 < right)
					right = g->box.x0, em = fmax(em, g->box.y1 - g->box.y0);
			}
			if (!crossed && isfinite(left) && isfinite(right) &&
			    right - left >= TEXT_BORDER_GAP_EM * em &&
			    right - left >= 2 * widest_gap(page, rows[r],
				    t->col_x[c - 1], x, t->col_x[c + 1])) {
				struct span1 s = { x, y0, y1 };

				g_array_append_val(v, s);
			}
		}
	}
	for (int r = 0; r < t->rows; r++)
		if (rows[r])
			g_array_free(rows[r], TRUE);
	g_free(rows);
}

/* A line of text in one slot: its centre, and whether it is a number
 * alone (digits and . , % + - ( ) only). */
struct slot_line {
	double y;
	bool number;
};

static int
cmp_glyph_y(const void *a, const void *b, void *data)
{
	const struct page *page = data;
	const struct box *p = &page->glyphs[*(const size_t *)a].box;
	const struct box *q = &page->glyphs[*(const size_t *)b].box;

	return cmp_double(&(double){ p->y0 + p->y1 }, &(double){ q->y0 + q->y1 });
}

/* The lines the glyphs of members stand on, top to bottom: centres
 * closer than half a glyph's height are one line.  Sorts members. */
static GArray *
slot_lines(const struct page *page, GArray *members)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct slot_line));
	const size_t *m;
	double h = 0;

	g_array_sort_with_data(members, cmp_glyph_y, (void *)page);
	m = (const size_t *)members->data;
	for (guint i = 0; i < members->len; i++)
		h = fmax(h, page->glyphs[m[i]].box.y1 - page->glyphs[m[i]].box.y0);
	for (guint i = 0, first = 0; i < members->len; i++) {
		const struct box *b = &page->glyphs[m[i]].box;
		const struct box *f = &page->glyphs[m[first]].box;
		struct slot_line l = { 0, true };

		if (i + 1 < members->len) {
			const struct box *n = &page->glyphs[m[i + 1]].box;

			if ((n->y0 + n->y1) / 2 - (b->y0 + b->y1) / 2 <= 0.5 * h)
				continue;
		}
		l.y = ((f->y0 + f->y1) / 2 + (b->y0 + b->y1) / 2) / 2;
		for (guint k = first; k <= i; k++)
			l.number = l.number &&
				strchr("0123456789.,%+-()", (int)MIN(page->glyphs[m[k]].cp, 127)) &&
				page->glyphs[m[k]].cp != 0;
		g_array_append_val(out, l);
		first = i + 1;
	}
	return out;
}

/* Adds to ys, and as borders to h, the rows the text draws inside a
 * ruled row that holds several: tables often rule their columns and
 * leave the rows open.  A ruled row is parted where it is a stack of
 * text rows: a slot holds TEXT_ROWS_MIN or more numbers, one a line,
 * the slot of most lines sets the rows, every other slot's lines stand
 * on those rows' baselines, and nothing crosses a column.  Wrapped
 * cells (a header in several lines in each column) hold words, not a
 * column of numbers, so they stay one row. */
static void
text_rows(const struct page *page, const bool *used, const GArray *xs,
	GArray *ys, GArray *h)
{
	int cols = (int)xs->len - 1, rows = (int)ys->len - 1;
	const double *cx = (const double *)xs->data;
	GArray **slots = g_new0(GArray *, (size_t)rows * cols + 1);
	GArray **lines = g_new0(GArray *, (size_t)cols + 1);
	bool *crossed = g_new0(bool, rows + 1);
	GArray *add = g_array_new(FALSE, FALSE, sizeof(double));

	for (size_t i = 0; i < page->n_glyphs; i++) {
		const struct box *b = &page->glyphs[i].box;
		int r, c;

		if (used[i])
			continue;
		r = grid_find_slot((const double *)ys->data, rows, (b->y0 + b->y1) / 2);
		c = grid_find_slot(cx, cols, (b->x0 + b->x1) / 2);
		if (r < 0 || c < 0)
			continue;
		if ((c > 0 && b->x0 < cx[c] - SNAP) ||
		    (c + 1 < cols && b->x1 > cx[c + 1] + SNAP))
			crossed[r] = true;
		if (!slots[r * cols + c])
			slots[r * cols + c] = g_array_new(FALSE, FALSE, sizeof(size_t));
		g_array_append_val(slots[r * cols + c], i);
	}
	for (int r = 0; r < rows; r++) {
		const GArray *ref = NULL;
		bool numbers = false, stack = !crossed[r];

		for (int c = 0; c < cols; c++) {
			GArray *m = slots[r * cols + c];
			size_t n_numbers = 0;

			lines[c] = m ? slot_lines(page, m) : NULL;
			if (!lines[c])
				continue;
			if (!ref || lines[c]->len > ref->len)
				ref = lines[c];
			for (guint k = 0; k < lines[c]->len; k++)
				n_numbers += g_array_index(lines[c], struct slot_line, k).number;
			numbers = numbers || (n_numbers == lines[c]->len &&
				n_numbers >= TEXT_ROWS_MIN);
		}
		stack = stack && numbers;
		for (int c = 0; c < cols && stack; c++) {
			const struct slot_line *a, *b = (const struct slot_line *)ref->data;
			double pitch = b[1].y - b[0].y;
			guint k = 0;

			if (!lines[c])
				continue;
			a = (const struct slot_line *)lines[c]->data;
			/* each line on a row of ref's, in order */
			for (guint j = 0; j < lines[c]->len && stack; j++) {
				while (k < ref->len && b[k].y < a[j].y - 0.25 * pitch)
					k++;
				stack = k < ref->len && fabs(a[j].y - b[k].y) < 0.25 * pitch;
			}
		}
		for (guint k = 0; stack && k + 1 < ref->len; k++) {
			const struct slot_line *b = (const struct slot_line *)ref->data;
			double y = (b[k].y + b[k + 1].y) / 2;
			struct span1 s = { y, cx[0], cx[cols] };

			g_array_append_val(add, y);
			g_array_append_val(h, s);
		}
		for (int c = 0; c < cols; c++)
			if (lines[c])
				g_array_free(lines[c], TRUE);
	}
	if (add->len > 0) {
		g_array_append_vals(ys, add->data, add->len);
		qsort(ys->data, ys->len, sizeof(double), cmp_double);
	}
	for (int k = 0; k < rows * cols; k++)
		if (slots[k])
			g_array_free(slots[k], TRUE);
	g_free(slots);
	g_free(lines);
	g_free(crossed);
	g_array_free(add, TRUE);
}

/* How many lines have a piece in [a, x) and one in [x, b): text on
 * both sides of a column boundary.  Half the lines must, or it is a
 * letter-spaced heading over short values, or one odd line. */
static size_t
lines_across(const struct line_list *ll, double a, double x, double b)
{
	size_t n = 0;

	for (size_t i = 0; i < ll->n; i++) {
		const struct line *l = &ll->lines[i];
		bool left = false, right = false;

		for (size_t s = 0; s < l->n_segments; s++) {
			const struct box *sb = &l->segments[s].box;

			left = left || (sb->x0 >= a - SNAP && sb->x1 <= x);
			right = right || (sb->x0 >= x && sb->x1 <= b + SNAP);
		}
		n += left && right;
	}
	return n;
}

/* Adds to xs the columns the text draws inside a ruled column: tables
 * often rule off their first column alone and set the others apart by
 * space.  Within each ruled column the text's lines are clustered as a
 * table without rules is; text_borders then parts each row where its
 * text stands clear on both sides. */
static void
text_columns(const struct page *page, const bool *used, GArray *xs,
	const GArray *ys)
{
	int cols = (int)xs->len - 1;
	const double y0 = g_array_index(ys, double, 0);
	const double y1 = g_array_index(ys, double, ys->len - 1);
	bool *keep;
	GArray *add;

	/* Each ruled column costs a pass over the page: a grid of many
	 * ruled columns has ruled what it wants parted. */
	if (cols > TEXT_COLUMNS_MAX_RULED)
		return;
	keep = g_new(bool, page->n_glyphs + 1);
	add = g_array_new(FALSE, FALSE, sizeof(double));
	for (int c = 0; c < cols; c++) {
		double x0 = g_array_index(xs, double, c);
		double x1 = g_array_index(xs, double, c + 1);
		struct line_list ll;
		size_t n = 0;

		for (size_t i = 0; i < page->n_glyphs; i++) {
			const struct box *b = &page->glyphs[i].box;
			double mx = (b->x0 + b->x1) / 2, my = (b->y0 + b->y1) / 2;

			keep[i] = !used[i] && mx > x0 && mx < x1 && my > y0 && my < y1;
			n += keep[i];
		}
		if (n == 0)
			continue;
		layout_lines(page, keep, GRID_SEGMENT_GAP_EM, &ll);
		if (ll.n >= 3) {
			int k = 0;
			double *bounds = cluster_columns(ll.lines, ll.n, &k);

			for (int j = 1; bounds && j < k; j++)
				if (lines_across(&ll, bounds[j - 1], bounds[j],
					    bounds[j + 1]) >= MAX(2, (ll.n + 1) / 2))
					g_array_append_val(add, bounds[j]);
			g_free(bounds);
		}
		layout_lines_finish(&ll);
	}
	if (add->len > 0) {
		g_array_append_vals(xs, add->data, add->len);
		qsort(xs->data, xs->len, sizeof(double), cmp_double);
	}
	g_array_free(add, TRUE);
	g_free(keep);
}

/* Ruled tables: connected groups of crossing horizontal and vertical
 * rules, at least two of each. */
static bool
find_ruled(const struct page *page, const struct grid_limits *limits,
	bool *used, struct table_list *out, struct budtab_error *err)
{
	GArray *ha = g_array_new(FALSE, FALSE, sizeof(struct span1));
	GArray *va = g_array_new(FALSE, FALSE, sizeof(struct span1));
	struct span1 *h, *v;
	size_t nh, nv, *parent;
	bool ok = true;

	for (size_t i = 0; i < page->n_rules; i++) {
		const struct rule *r = &page->rules[i];
		struct span1 s;

		if (r->dir == RULE_H) {
			s = (struct span1){ r->y0, r->x0, r->x1 };
			if (s.b - s.a >= MIN_RULE)
				g_array_append_val(ha, s);
		} else {
			s = (struct span1){ r->x0, r->y0, r->y1 };
			if (s.b - s.a >= MIN_RULE)
				g_array_append_val(va, s);
		}
	}
	h = (struct span1 *)ha->data;
	v = (struct span1 *)va->data;
	nh = merge_lines(h, ha->len);
	nv = merge_lines(v, va->len);
	if ((int)(nh + nv) > limits->max_rules || nh < 2 || nv < 2)
		goto done;

	parent = g_new(size_t, nh + nv);
	for (size_t i = 0; i < nh + nv; i++)
		parent[i] = i;
	for (size_t i = 0; i < nh; i++)
		for (size_t j = 0; j < nv; j++) {
			if (v[j].pos < h[i].a - SNAP || v[j].pos > h[i].b + SNAP ||
			    h[i].pos < v[j].a - SNAP || h[i].pos > v[j].b + SNAP)
				continue;
			size_t a = uf_find(parent, i), b = uf_find(parent, nh + j);

			if (a != b)
				parent[a] = b;
		}

	for (size_t root = 0; root < nh + nv && ok; root++) {
		GArray *ys, *xs, *yv, *xv;
		GArray *ch, *cv;
		struct table t;
		int *owner;
		double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;

		if (uf_find(parent, root) != root)
			continue;
		ch = g_array_new(FALSE, FALSE, sizeof(struct span1));
		cv = g_array_new(FALSE, FALSE, sizeof(struct span1));
		yv = g_array_new(FALSE, FALSE, sizeof(double));
		xv = g_array_new(FALSE, FALSE, sizeof(double));
		for (size_t i = 0; i < nh + nv; i++) {
			if (uf_find(parent, i) != root)
				continue;
			if (i < nh) {
				g_array_append_val(ch, h[i]);
				g_array_append_val(yv, h[i].pos);
				xmin = fmin(xmin, h[i].a);
				xmax = fmax(xmax, h[i].b);
			} else {
				g_array_append_val(cv, v[i - nh]);
				g_array_append_val(xv, v[i - nh].pos);
				ymin = fmin(ymin, v[i - nh].a);
				ymax = fmax(ymax, v[i - nh].b);
			}
		}
		if (ch->len < 2 || cv->len < 2)
			goto next;
		/* A table open on a side still has that side: where the
		 * horizontal rules run past the outermost vertical one. */
		g_array_append_val(xv, xmin);
		g_array_append_val(xv, xmax);
		g_array_append_val(yv, ymin);
		g_array_append_val(yv, ymax);
		xs = positions(xv);
		ys = positions(yv);
		if (!page->rules_complete && xs->len >= 3 && ys->len >= 2 &&
		    (long)(xs->len - 1) * (long)(ys->len - 1) <= limits->max_cells) {
			text_rows(page, used, xs, ys, ch);
			text_columns(page, used, xs, ys);
		}
		if (xs->len >= 2 && ys->len >= 2 &&
		    (long)(xs->len - 1) * (long)(ys->len - 1) > limits->max_cells) {
			error_set(err, BUDTAB_ERR_LIMIT,
				"page %d: a table of %u x %u cells is over the limit of %d cells (--max-cells)",
				page->number, ys->len - 1, xs->len - 1, limits->max_cells);
			ok = false;
		} else if (xs->len >= 3 && ys->len >= 3) {
			/* One column or one row is a frame or a rule box: what
			 * it holds is left to the clustering, which also uses
			 * its rules. */
			grid_table_init(&t, page->number, (int)ys->len - 1, (int)xs->len - 1);
			memcpy(t.col_x, xs->data, xs->len * sizeof(double));
			memcpy(t.row_y, ys->data, ys->len * sizeof(double));
			t.box = (struct box){ t.col_x[0], t.row_y[0],
				t.col_x[t.cols], t.row_y[t.rows] };
			t.ruled = true;
			t.source = TABLE_FROM_RULES;
			if (!page->rules_complete)
				text_borders(page, used, &t, cv);
			owner = grid_cells(&t, (struct span1 *)ch->data, ch->len,
				(struct span1 *)cv->data, cv->len);
			if (t.n_cells < 2) {
				table_finish(&t);
			} else {
				grid_keep(&t, page, owner, 2, used, out);
			}
			g_free(owner);
		}
		g_array_free(xs, TRUE);
		g_array_free(ys, TRUE);
next:
		g_array_free(ch, TRUE);
		g_array_free(cv, TRUE);
		g_array_free(xv, TRUE);
		g_array_free(yv, TRUE);
	}
	g_free(parent);
done:
	g_array_free(ha, TRUE);
	g_array_free(va, TRUE);
	return ok;
}

const struct cell *
table_cell_at(const struct table *t, int row, int col)
{
	for (size_t k = 0; k < t->n_cells; k++) {
		const struct cell *c = &t->cells[k];

		if (row >= c->row && row < c->row + c->rowspan &&
		    col >= c->col && col < c->col + c->colspan)
			return c;
	}
	return NULL;
}

void
table_finish(struct table *t)
{
	if (!t)
		return;
	for (size_t k = 0; k < t->n_cells; k++)
		g_free(t->cells[k].text);
	g_free(t->cells);
	g_free(t->col_x);
	g_free(t->row_y);
	memset(t, 0, sizeof *t);
}

void
table_list_finish(struct table_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++)
		table_finish(&list->tables[i]);
	g_free(list->tables);
	memset(list, 0, sizeof *list);
}

static int
cmp_table_pos(const void *p, const void *q)
{
	const struct table *a = p, *b = q;

	if (a->page != b->page)
		return a->page - b->page;
	if (fabs(a->box.y0 - b->box.y0) > SNAP)
		return a->box.y0 < b->box.y0 ? -1 : 1;
	return (a->box.x0 > b->box.x0) - (a->box.x0 < b->box.x0);
}

bool
grid_find(const struct page *page, const struct grid_limits *limits,
	bool *used, struct table_list *out, struct budtab_error *err)
{
	size_t first = out->n;

	if (!find_ruled(page, limits, used, out, err))
		return false;
	if (!cluster_find(page, limits, used, out, err))
		return false;
	grid_sort(out, first);
	return true;
}

void
grid_sort(struct table_list *out, size_t first)
{
	if (out->n > first)
		qsort(out->tables + first, out->n - first, sizeof *out->tables,
			cmp_table_pos);
}

void
grid_stitch(struct table_list *list)
{
	for (size_t i = 1; i < list->n; i++) {
		struct table *t = &list->tables[i - 1], *u = &list->tables[i];

		if (u->page != t->page + 1 || t->text_below || u->text_above)
			continue;
		if (fabs(t->box.x0 - u->box.x0) > 3 * SNAP ||
		    fabs(t->box.x1 - u->box.x1) > 3 * SNAP)
			continue;
		u->continues = (int)(i - 1);
	}
}
