/* Tagged tables -> evidence on the geometry: the rule is in tags.h. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "grid_private.h"
#include "layout.h"
#include "patterns.h"
#include "tags.h"

/* A tagged table laid on its grid, with what was found of it on the page. */
struct placed {
	int rows, cols;
	struct cell *slots;   /* per tag cell: row, col, spans (no box, no text) */
	gunichar **keys;      /* per tag cell: key form, NULL when empty */
	glong *key_len;
	GArray **glyphs;      /* per tag cell: indices of its glyphs, or NULL */
	struct box box;       /* of all glyphs found */
	size_t n;
};

/* The page's text as key-form characters, each knowing its glyph. */
struct page_chars {
	gunichar *c;
	size_t *glyph;
	bool *claimed;
	size_t n;
};

static void
page_chars_init(struct page_chars *pc, const struct page *page)
{
	GArray *c = g_array_new(FALSE, FALSE, sizeof(gunichar));
	GArray *g = g_array_new(FALSE, FALSE, sizeof(size_t));

	for (size_t i = 0; i < page->n_glyphs; i++) {
		gunichar cp = page->glyphs[i].cp;
		char buf[8];
		g_autofree char *key = NULL;

		if (cp < 0x80) {
			g_array_append_val(c, cp);
			g_array_append_val(g, i);
			continue;
		}
		buf[g_unichar_to_utf8(cp, buf)] = '\0';
		key = patterns_key_form(buf);
		for (const char *p = key; p && *p; p = g_utf8_next_char(p)) {
			gunichar k = g_utf8_get_char(p);

			g_array_append_val(c, k);
			g_array_append_val(g, i);
		}
	}
	pc->n = c->len;
	pc->c = (gunichar *)g_array_free(c, FALSE);
	pc->glyph = (size_t *)g_array_free(g, FALSE);
	pc->claimed = g_new0(bool, pc->n + 1);
}

static void
page_chars_finish(struct page_chars *pc)
{
	g_free(pc->c);
	g_free(pc->glyph);
	g_free(pc->claimed);
}

/* A character of the page against one of the tags, which may be
 * TAG_CHAR_UNKNOWN. */
static bool
same_char(gunichar page, gunichar tag)
{
	return page == tag || tag == TAG_CHAR_UNKNOWN;
}

static bool
match_at(const struct page_chars *pc, size_t at, const gunichar *key, glong n)
{
	for (glong k = 0; k < n; k++)
		if (pc->claimed[at + k] || !same_char(pc->c[at + k], key[k]))
			return false;
	return true;
}

/* Where key stands among the unclaimed characters, looking from *from on
 * first (cells follow each other in the page's reading order) and then
 * from the start; claims it and moves *from past it.  False if nowhere. */
static bool
find_key(struct page_chars *pc, const gunichar *key, glong n, size_t *from,
	size_t *at)
{
	size_t starts[2] = { *from, 0 }, ends[2] = { pc->n, *from };

	if (n <= 0 || (size_t)n > pc->n)
		return false;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = starts[pass]; i < ends[pass] && i + (size_t)n <= pc->n; i++)
			if (match_at(pc, i, key, n)) {
				for (glong k = 0; k < n; k++)
					pc->claimed[i + k] = true;
				*at = i;
				*from = i + (size_t)n;
				return true;
			}
	return false;
}

static void
placed_finish(struct placed *p)
{
	for (size_t i = 0; i < p->n; i++) {
		g_free(p->keys[i]);
		if (p->glyphs[i])
			g_array_free(p->glyphs[i], TRUE);
	}
	g_free(p->slots);
	g_free(p->keys);
	g_free(p->key_len);
	g_free(p->glyphs);
}

/* Lays the cells of t on a grid, row by row, each in the first free slot
 * of its row.  False when the grid is not full (ragged rows) or over
 * max_cells slots. */
static bool
place(const struct tag_table *t, int max_cells, struct placed *p)
{
	int width = 0, cols = 0;
	bool *taken, full = true;
	int *cursor;

	if (t->n_rows <= 0 || t->n_cells == 0)
		return false;
	/* a row is at most as wide as all the columns the rows above push
	 * it by plus its own */
	for (size_t i = 0; i < t->n_cells; i++) {
		if (t->cells[i].row < 0 || t->cells[i].row >= t->n_rows ||
		    t->cells[i].colspan < 1 || t->cells[i].rowspan < 1 ||
		    t->cells[i].colspan > max_cells)
			return false;
		width += t->cells[i].colspan;
		if (width > max_cells)
			return false;
	}
	if ((long)width * t->n_rows > max_cells)
		return false;
	taken = g_new0(bool, (size_t)width * t->n_rows);
	cursor = g_new0(int, t->n_rows);
	p->slots = g_new0(struct cell, t->n_cells);
	for (size_t i = 0; i < t->n_cells; i++) {
		const struct tag_cell *tc = &t->cells[i];
		int r = tc->row, c = cursor[r];
		int rs = MIN(tc->rowspan, t->n_rows - r), cs = tc->colspan;

		while (c < width && taken[(size_t)r * width + c])
			c++;
		if (c + cs > width) {
			full = false;
			break;
		}
		for (int rr = r; rr < r + rs; rr++)
			for (int cc = c; cc < c + cs; cc++) {
				if (taken[(size_t)rr * width + cc])
					full = false;
				taken[(size_t)rr * width + cc] = true;
			}
		cursor[r] = c + cs;
		cols = MAX(cols, c + cs);
		p->slots[i] = (struct cell){ .row = r, .col = c, .rowspan = rs,
			.colspan = cs };
	}
	for (int r = 0; full && r < t->n_rows; r++)
		for (int c = 0; c < cols; c++)
			if (!taken[(size_t)r * width + c])
				full = false;
	g_free(taken);
	g_free(cursor);
	p->rows = t->n_rows;
	p->cols = cols;
	p->n = t->n_cells;
	p->keys = g_new0(gunichar *, p->n);
	p->key_len = g_new0(glong, p->n);
	p->glyphs = g_new0(GArray *, p->n);
	return full && cols > 0;
}

/* Finds each cell's text among the page's glyphs.  False when less than
 * TAGS_FOUND of the table's characters are found. */
static bool
find_cells(const struct tag_table *t, const struct page *page,
	struct page_chars *pc, struct placed *p)
{
	size_t from = 0, total = 0, found = 0;
	bool any = false;

	for (size_t i = 0; i < p->n; i++) {
		g_autofree char *key = patterns_key_form(t->cells[i].text);
		size_t at;

		if (!key || !*key)
			continue;
		p->keys[i] = g_utf8_to_ucs4_fast(key, -1, &p->key_len[i]);
		total += (size_t)p->key_len[i];
		if (!find_key(pc, p->keys[i], p->key_len[i], &from, &at))
			continue;
		found += (size_t)p->key_len[i];
		p->glyphs[i] = g_array_new(FALSE, FALSE, sizeof(size_t));
		for (glong k = 0; k < p->key_len[i]; k++) {
			size_t g = pc->glyph[at + (size_t)k];
			GArray *a = p->glyphs[i];

			if (a->len && g_array_index(a, size_t, a->len - 1) == g)
				continue;
			g_array_append_val(a, g);
			if (!any)
				p->box = page->glyphs[g].box;
			else
				box_union(&p->box, &page->glyphs[g].box);
			any = true;
		}
	}
	return any && (double)found >= TAGS_FOUND * (double)total;
}

/* The box of the glyphs found of cell i; false when none were. */
static bool
cell_box(const struct page *page, const struct placed *p, size_t i,
	struct box *b)
{
	if (!p->glyphs[i] || p->glyphs[i]->len == 0)
		return false;
	*b = page->glyphs[g_array_index(p->glyphs[i], size_t, 0)].box;
	for (guint k = 1; k < p->glyphs[i]->len; k++)
		box_union(b, &page->glyphs[g_array_index(p->glyphs[i], size_t, k)].box);
	return true;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Ragged rows laid on the page: the state of spans_from_page. */
struct lay {
	const struct page *page;
	int rows, cols;
	struct box *box;        /* per cell, when has[i] */
	bool *has;
	double *lo, *hi;        /* column bands: the glyphs of the full rows */
	double *top, *bottom;   /* row bands: a typical cell of the row */
	int *owner;             /* per slot: the cell there, or -1 */
	int *col0, *col1, *row0, *row1;  /* per cell: the slots it covers */
	size_t *foreign;        /* glyphs in the table's box but no cell's */
	size_t n_foreign;
	size_t *rules;          /* rules of the page that meet the table's box */
	size_t n_rules;
	size_t work;            /* glyphs and rules looked at, to LAY_MAX_WORK */
};

/* Where column c starts and ends: halfway across the gaps between
 * the bands, the outer ones open. */
static double
lay_left(const struct lay *l, int c)
{
	return c == 0 ? -INFINITY : (l->hi[c - 1] + l->lo[c]) / 2;
}

static double
lay_right(const struct lay *l, int c)
{
	return c + 1 == l->cols ? INFINITY : (l->hi[c] + l->lo[c + 1]) / 2;
}

/* The columns a cell's glyphs stand in: of the runs of columns they
 * reach into, the one whose bands are centred nearest to them, so that a
 * header wider than its column's numbers stays in it and one centred
 * over two columns takes both. */
static void
lay_cols_of(const struct lay *l, const struct box *b, int *c0, int *c1)
{
	double mid = (b->x0 + b->x1) / 2, best = INFINITY;
	int first = 0, last = l->cols - 1;

	*c0 = *c1 = 0;
	while (first < last && b->x0 >= lay_right(l, first))
		first++;
	while (last > first && b->x1 <= lay_left(l, last))
		last--;
	for (int i = first; i <= last; i++)
		for (int j = i; j <= last; j++) {
			double off = fabs(mid - (l->lo[i] + l->hi[j]) / 2);

			if (off < best) {
				best = off;
				*c0 = i;
				*c1 = j;
			}
		}
}

/* Glyphs and rules looked at in filling the free slots of one tagged
 * table, past which its spans are not read (a hostile page: up to
 * --max-cells slots, each over up to all the page's glyphs and rules). */
#define LAY_MAX_WORK 20000000

/* No glyph of the page outside the table's cells in slot (r, c); false
 * too once the table has cost LAY_MAX_WORK. */
static bool
lay_slot_clear(struct lay *l, int r, int c)
{
	double x0 = lay_left(l, c), x1 = lay_right(l, c);

	l->work += l->n_foreign + 2 * l->n_rules + 1;  /* and lay_ruled_off's */
	if (l->work > LAY_MAX_WORK)
		return false;

	for (size_t k = 0; k < l->n_foreign; k++) {
		const struct box *g = &l->page->glyphs[l->foreign[k]].box;
		double cx = (g->x0 + g->x1) / 2, cy = (g->y0 + g->y1) / 2;

		if (cx >= x0 && cx < x1 && cy >= l->top[r] && cy <= l->bottom[r])
			return false;
	}
	return true;
}

/* A rule of the page parts slot (r, c) from the slot left of it (left)
 * or above it (!left). */
static bool
lay_ruled_off(const struct lay *l, int r, int c, bool left)
{
	for (size_t k = 0; k < l->n_rules; k++) {
		const struct rule *u = &l->page->rules[l->rules[k]];

		if (left && u->dir == RULE_V && u->x0 >= l->hi[c - 1] &&
		    u->x0 <= l->lo[c] && u->y0 <= l->top[r] &&
		    u->y1 >= l->bottom[r])
			return true;
		if (!left && u->dir == RULE_H && u->y0 >= l->bottom[r - 1] &&
		    u->y0 <= l->top[r] && u->x0 <= l->lo[c] && u->x1 >= l->hi[c])
			return true;
	}
	return false;
}

static void
lay_take(struct lay *l, int i, int r, int c)
{
	l->owner[(size_t)r * l->cols + c] = i;
	if (l->row0[i] < 0) {
		l->row0[i] = l->row1[i] = r;
		l->col0[i] = l->col1[i] = c;
	}
	l->row1[i] = MAX(l->row1[i], r);
	l->col1[i] = MAX(l->col1[i], c);
}

/* Lays cells [from, to) of row r, those with glyphs where their glyphs
 * stand, those without in the columns left between, when exactly as
 * many. */
static bool
lay_row(struct lay *l, size_t from, size_t to, int r)
{
	int end = -1;
	size_t empty = from;

	for (size_t i = from; i <= to; i++) {
		int c0 = l->cols, c1 = l->cols - 1;

		if (i < to && !l->has[i])
			continue;
		if (i < to) {
			lay_cols_of(l, &l->box[i], &c0, &c1);
			if (c0 <= end)
				return false;
		}
		/* the cells with no text since the last one with glyphs */
		if (i - empty > 0) {
			if ((int)(i - empty) != c0 - end - 1)
				return false;
			for (size_t k = empty; k < i; k++)
				lay_take(l, (int)k, r, end + 1 + (int)(k - empty));
		}
		if (i == to)
			break;
		for (int c = c0; c <= c1; c++)
			lay_take(l, (int)i, r, c);
		end = c1;
		empty = i + 1;
	}
	return true;
}

/* Fills the slots of row r no cell took: the cell above reaching down,
 * or the cell left of it reaching across.  A rule between decides; with
 * none, a cell of this row with text reaches across, else the one above
 * reaches down (a merged stub column).  Never over a glyph the tags
 * leave out. */
static bool
lay_fill(struct lay *l, int r)
{
	for (int c = 0; c < l->cols; c++) {
		int above, left;
		bool up, across;

		if (l->owner[(size_t)r * l->cols + c] >= 0)
			continue;
		if (!lay_slot_clear(l, r, c))
			return false;
		above = r > 0 ? l->owner[(size_t)(r - 1) * l->cols + c] : -1;
		left = c > 0 ? l->owner[(size_t)r * l->cols + c - 1] : -1;
		up = above >= 0 && l->row1[above] == r - 1 &&
		     l->col0[above] == c && !lay_ruled_off(l, r, c, false);
		for (int k = c; up && k <= l->col1[above]; k++)
			up = l->owner[(size_t)r * l->cols + k] < 0 &&
			     lay_slot_clear(l, r, k);
		across = left >= 0 && l->row0[left] == r &&
			 !lay_ruled_off(l, r, c, true);
		if (across && (!up || l->has[left])) {
			lay_take(l, left, r, c);
		} else if (up) {
			for (int k = c; k <= l->col1[above]; k++)
				lay_take(l, above, r, k);
		} else {
			return false;
		}
	}
	return true;
}

/* Spans read off the page for tags whose rows are ragged: poppler-glib
 * cannot read a TH/TD's RowSpan and ColSpan (source_pdf.c), so a merged
 * cell shows only as a row with fewer cells.  The rows with the most
 * cells set the columns, column k running over the glyphs of their k-th
 * cells; every row is then laid by lay_row and lay_fill.  False, and the
 * geometry stays as it found the table, when the columns overlap, a row
 * has no glyphs, or a row cannot be laid. */
static bool
spans_from_page(const struct tag_table *t, const struct page *page,
	int max_cells, struct placed *p)
{
	struct lay l = { .page = page, .rows = t->n_rows };
	size_t *start = g_new0(size_t, (size_t)t->n_rows + 1);
	bool *mine = g_new0(bool, page->n_glyphs + 1);
	struct box all = { 0 };
	bool ok = true, any = false;

	for (size_t i = 0; i < t->n_cells && ok; i++)
		ok = t->cells[i].colspan == 1 && t->cells[i].rowspan == 1 &&
		     (i == 0 || t->cells[i].row >= t->cells[i - 1].row);
	for (size_t i = 0, r = 0; ok && r <= (size_t)t->n_rows; r++) {
		while (i < t->n_cells && t->cells[i].row < (int)r)
			i++;
		start[r] = i;
		if (r > 0)
			l.cols = MAX(l.cols, (int)(start[r] - start[r - 1]));
	}
	if (!ok || l.cols < 2 || (long)l.cols * l.rows > max_cells) {
		g_free(start);
		g_free(mine);
		return false;
	}
	l.box = g_new(struct box, t->n_cells);
	l.has = g_new0(bool, t->n_cells);
	l.lo = g_new(double, l.cols);
	l.hi = g_new(double, l.cols);
	l.top = g_new(double, l.rows);
	l.bottom = g_new(double, l.rows);
	l.owner = g_new(int, (size_t)l.cols * l.rows);
	l.col0 = g_new(int, t->n_cells);
	l.col1 = g_new(int, t->n_cells);
	l.row0 = g_new(int, t->n_cells);
	l.row1 = g_new(int, t->n_cells);
	l.foreign = g_new(size_t, page->n_glyphs + 1);
	l.rules = g_new(size_t, page->n_rules + 1);
	for (size_t i = 0; i < (size_t)l.cols * l.rows; i++)
		l.owner[i] = -1;
	for (size_t i = 0; i < t->n_cells; i++) {
		l.row0[i] = l.row1[i] = l.col0[i] = l.col1[i] = -1;
		l.has[i] = cell_box(page, p, i, &l.box[i]);
		if (!l.has[i])
			continue;
		for (guint k = 0; k < p->glyphs[i]->len; k++)
			mine[g_array_index(p->glyphs[i], size_t, k)] = true;
		if (!any)
			all = l.box[i];
		box_union(&all, &l.box[i]);
		any = true;
	}
	/* columns: the k-th cells of the fullest rows */
	for (int c = 0; c < l.cols && ok; c++) {
		bool known = false;

		for (int r = 0; r < l.rows; r++) {
			size_t i = start[r] + (size_t)c;

			if ((int)(start[r + 1] - start[r]) != l.cols || !l.has[i])
				continue;
			l.lo[c] = known ? fmin(l.lo[c], l.box[i].x0) : l.box[i].x0;
			l.hi[c] = known ? fmax(l.hi[c], l.box[i].x1) : l.box[i].x1;
			known = true;
		}
		ok = known && (c == 0 || l.lo[c] > l.hi[c - 1]);
	}
	/* rows: from the highest top of the row's cells (a cell merged down
	 * may sit lower, centred on its rows) down by their middle height */
	for (int r = 0; r < l.rows && ok; r++) {
		double *height = g_new(double, start[r + 1] - start[r] + 1);
		size_t n = 0;

		for (size_t i = start[r]; i < start[r + 1]; i++) {
			if (!l.has[i])
				continue;
			l.top[r] = n ? fmin(l.top[r], l.box[i].y0) : l.box[i].y0;
			height[n++] = l.box[i].y1 - l.box[i].y0;
		}
		ok = n > 0;
		if (ok) {
			qsort(height, n, sizeof *height, cmp_double);
			l.bottom[r] = l.top[r] + height[(n - 1) / 2];
			ok = r == 0 || l.top[r] > l.top[r - 1];
		}
		g_free(height);
	}
	l.n_foreign = 0;
	for (size_t g = 0; ok && g < page->n_glyphs; g++) {
		const struct box *b = &page->glyphs[g].box;

		if (!mine[g] && b->x1 > all.x0 && b->x0 < all.x1 &&
		    b->y1 > all.y0 && b->y0 < all.y1)
			l.foreign[l.n_foreign++] = g;
	}
	/* a rule that parts two slots lies within the box of the glyphs */
	for (size_t k = 0; ok && k < page->n_rules; k++) {
		const struct rule *u = &page->rules[k];

		if (u->x1 >= all.x0 && u->x0 <= all.x1 && u->y1 >= all.y0 &&
		    u->y0 <= all.y1)
			l.rules[l.n_rules++] = k;
	}
	for (int r = 0; r < l.rows && ok; r++)
		ok = lay_row(&l, start[r], start[r + 1], r) && lay_fill(&l, r);
	for (size_t i = 0; i < t->n_cells && ok; i++)
		ok = l.row0[i] >= 0;
	if (ok) {
		for (size_t i = 0; i < t->n_cells; i++)
			p->slots[i] = (struct cell){ .row = l.row0[i],
				.col = l.col0[i],
				.rowspan = l.row1[i] - l.row0[i] + 1,
				.colspan = l.col1[i] - l.col0[i] + 1 };
		p->rows = l.rows;
		p->cols = l.cols;
	}
	g_free(l.box);
	g_free(l.has);
	g_free(l.lo);
	g_free(l.hi);
	g_free(l.top);
	g_free(l.bottom);
	g_free(l.owner);
	g_free(l.col0);
	g_free(l.col1);
	g_free(l.row0);
	g_free(l.row1);
	g_free(l.foreign);
	g_free(l.rules);
	g_free(start);
	g_free(mine);
	return ok;
}

static int
cmp_unichar(const void *a, const void *b)
{
	gunichar x = *(const gunichar *)a, y = *(const gunichar *)b;

	return (x > y) - (x < y);
}

/* The key-form characters of a geometric table, sorted. */
static GArray *
table_chars(const struct table *t)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(gunichar));

	for (size_t k = 0; k < t->n_cells; k++) {
		g_autofree char *key = patterns_key_form(t->cells[k].text);

		for (const char *s = key; s && *s; s = g_utf8_next_char(s)) {
			gunichar c = g_utf8_get_char(s);

			g_array_append_val(a, c);
		}
	}
	g_array_sort(a, cmp_unichar);
	return a;
}

static GArray *
placed_chars(const struct placed *p)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(gunichar));

	for (size_t i = 0; i < p->n; i++)
		if (p->keys[i])
			g_array_append_vals(a, p->keys[i], (guint)p->key_len[i]);
	g_array_sort(a, cmp_unichar);
	return a;
}

/* How many characters of sorted a are also in sorted b (as multisets). */
static size_t
common_chars(const GArray *a, const GArray *b)
{
	size_t i = 0, j = 0, n = 0;

	while (i < a->len && j < b->len) {
		gunichar x = g_array_index(a, gunichar, i);
		gunichar y = g_array_index(b, gunichar, j);

		if (x == y) {
			n++;
			i++;
			j++;
		} else if (x < y) {
			i++;
		} else {
			j++;
		}
	}
	return n;
}

static bool
agrees(const struct table *g, const struct placed *p, const GArray *tag_chars)
{
	double w = g->box.x1 - g->box.x0, h = g->box.y1 - g->box.y0;
	double inside = box_overlap_x(&g->box, &p->box) *
		box_overlap_y(&g->box, &p->box);
	GArray *chars;
	bool ok;

	/* of the smaller box: a ruled table's box has its cells' margins
	 * round the glyphs */
	if (!(w > 0 && h > 0) || inside < TAGS_COVER * fmin(w * h,
		(p->box.x1 - p->box.x0) * (p->box.y1 - p->box.y0)))
		return false;
	chars = table_chars(g);
	ok = chars->len > 0 &&
	     (double)common_chars(chars, tag_chars) >= TAGS_COVER * chars->len;
	g_array_free(chars, TRUE);
	return ok;
}

static bool
same_key(const char *text, const gunichar *key, glong n)
{
	g_autofree char *k = patterns_key_form(text);
	g_autofree gunichar *u = k ? g_utf8_to_ucs4_fast(k, -1, NULL) : NULL;
	glong m = u ? (glong)g_utf8_strlen(k, -1) : 0;

	if (m != (key ? n : 0))
		return false;
	for (glong i = 0; i < m; i++)
		if (!same_char(u[i], key[i]))
			return false;
	return true;
}

/* Same rows, columns, spans and cell texts. */
static bool
same_structure(const struct table *g, const struct placed *p)
{
	if (g->rows != p->rows || g->cols != p->cols || g->n_cells != p->n)
		return false;
	for (size_t i = 0; i < p->n; i++) {
		const struct cell *s = &p->slots[i];
		const struct cell *c = table_cell_at(g, s->row, s->col);

		if (!c || c->row != s->row || c->col != s->col ||
		    c->rowspan != s->rowspan || c->colspan != s->colspan ||
		    !same_key(c->text, p->keys[i], p->key_len[i]))
			return false;
	}
	return true;
}

/* Boundaries bounds[0..n] of n slots from the extent lo[k]..hi[k] of the
 * glyphs found in each (known[k]): halfway between neighbours, slots
 * with nothing found shared out evenly, ends at a and b. */
static void
boundaries(int n, const double *lo, const double *hi, const bool *known,
	double a, double b, double *bounds)
{
	bool *set = g_new0(bool, n + 1);

	bounds[0] = a;
	bounds[n] = b;
	set[0] = set[n] = true;
	for (int k = 1; k < n; k++)
		if (known[k - 1] && known[k]) {
			bounds[k] = (hi[k - 1] + lo[k]) / 2;
			set[k] = true;
		}
	for (int k = 1; k < n; k++) {
		int prev = k - 1, next = k + 1;

		if (set[k])
			continue;
		while (!set[next])
			next++;
		bounds[k] = bounds[prev] + (bounds[next] - bounds[prev]) / (next - prev);
		set[k] = true;
	}
	for (int k = 0; k < n; k++)
		if (!(bounds[k + 1] > bounds[k])) {
			for (int j = 0; j <= n; j++)
				bounds[j] = a + (b - a) * j / n;
			break;
		}
	g_free(set);
}

/* The table the tags describe, over outer. */
static void
build(const struct tag_table *tt, const struct page *page,
	const struct placed *p, const struct box *outer, bool *used,
	struct table *t)
{
	double *xlo = g_new(double, p->cols), *xhi = g_new(double, p->cols);
	double *ylo = g_new(double, p->rows), *yhi = g_new(double, p->rows);
	bool *xk = g_new0(bool, p->cols), *yk = g_new0(bool, p->rows);

	grid_table_init(t, page->number, p->rows, p->cols);
	t->source = TABLE_FROM_TAGS;
	t->box = *outer;
	for (size_t i = 0; i < p->n; i++) {
		const struct cell *s = &p->slots[i];
		struct box b;

		if (!cell_box(page, p, i, &b))
			continue;
		if (s->colspan == 1) {
			xlo[s->col] = xk[s->col] ? fmin(xlo[s->col], b.x0) : b.x0;
			xhi[s->col] = xk[s->col] ? fmax(xhi[s->col], b.x1) : b.x1;
			xk[s->col] = true;
		}
		if (s->rowspan == 1) {
			ylo[s->row] = yk[s->row] ? fmin(ylo[s->row], b.y0) : b.y0;
			yhi[s->row] = yk[s->row] ? fmax(yhi[s->row], b.y1) : b.y1;
			yk[s->row] = true;
		}
	}
	boundaries(p->cols, xlo, xhi, xk, outer->x0, outer->x1, t->col_x);
	boundaries(p->rows, ylo, yhi, yk, outer->y0, outer->y1, t->row_y);
	t->n_cells = p->n;
	t->cells = g_new0(struct cell, p->n);
	for (size_t i = 0; i < p->n; i++) {
		struct cell *c = &t->cells[i];

		*c = p->slots[i];
		c->box = (struct box){ t->col_x[c->col], t->row_y[c->row],
			t->col_x[c->col + c->colspan], t->row_y[c->row + c->rowspan] };
		if (p->glyphs[i]) {
			c->text = layout_text(page, (const size_t *)p->glyphs[i]->data,
				p->glyphs[i]->len);
			for (guint k = 0; k < p->glyphs[i]->len; k++)
				used[g_array_index(p->glyphs[i], size_t, k)] = true;
		} else if (tt->cells[i].text) {
			c->text = g_strdup(tt->cells[i].text);
		}
	}
	g_free(xlo);
	g_free(xhi);
	g_free(ylo);
	g_free(yhi);
	g_free(xk);
	g_free(yk);
}

static void
apply_one(const struct tag_table *tt, const struct page *page,
	struct page_chars *pc, int max_cells, bool *used,
	struct table_list *out, size_t first)
{
	struct placed p = { 0 };
	GArray *tag_chars;
	struct box outer;
	struct table t;
	bool *agree, full = place(tt, max_cells, &p);
	size_t n_agree = 0, last = 0, kept = first;

	if (p.n == 0 || !find_cells(tt, page, pc, &p) ||
	    (!full && !spans_from_page(tt, page, max_cells, &p))) {
		placed_finish(&p);
		return;
	}
	tag_chars = placed_chars(&p);
	agree = g_new0(bool, out->n - first + 1);
	outer = p.box;
	for (size_t i = first; i < out->n; i++)
		if (agrees(&out->tables[i], &p, tag_chars)) {
			agree[i - first] = true;
			n_agree++;
			last = i;
			box_union(&outer, &out->tables[i].box);
		}
	g_array_free(tag_chars, TRUE);
	if (n_agree == 1 && same_structure(&out->tables[last], &p)) {
		placed_finish(&p);
		g_free(agree);
		return;
	}
	build(tt, page, &p, &outer, used, &t);
	placed_finish(&p);
	for (size_t i = first; i < out->n; i++) {
		if (agree[i - first])
			table_finish(&out->tables[i]);
		else
			out->tables[kept++] = out->tables[i];
	}
	out->n = kept;
	g_free(agree);
	grid_list_push(out, &t);
}

void
tags_apply(const struct page *page, const struct tag_table *tags, size_t n,
	int max_cells, bool *used, struct table_list *out, size_t first)
{
	struct page_chars pc = { 0 };
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (tags[i].page != page->number)
			continue;
		if (!any)
			page_chars_init(&pc, page);
		any = true;
		apply_one(&tags[i], page, &pc, max_cells, used, out, first);
	}
	if (!any)
		return;
	page_chars_finish(&pc);
	grid_sort(out, first);
}
