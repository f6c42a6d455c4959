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

static bool
match_at(const struct page_chars *pc, size_t at, const gunichar *key, glong n)
{
	for (glong k = 0; k < n; k++)
		if (pc->claimed[at + k] || pc->c[at + k] != key[k])
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

	if (!(w > 0 && h > 0) || inside < TAGS_COVER * w * h)
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

	return m == (key ? n : 0) && (m == 0 || memcmp(u, key, (size_t)m * sizeof *u) == 0);
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

		if (!p->glyphs[i])
			continue;
		b = page->glyphs[g_array_index(p->glyphs[i], size_t, 0)].box;
		for (guint k = 1; k < p->glyphs[i]->len; k++)
			box_union(&b, &page->glyphs[g_array_index(p->glyphs[i], size_t, k)].box);
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
	bool *agree;
	size_t n_agree = 0, last = 0, kept = first;

	if (!place(tt, max_cells, &p) || !find_cells(tt, page, pc, &p)) {
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
