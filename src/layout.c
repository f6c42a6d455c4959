#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

bool
layout_is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) ||  /* hangul jamo */
	       (cp >= 0x2E80 && cp <= 0x303E) ||  /* CJK radicals, punctuation */
	       (cp >= 0x3041 && cp <= 0x33FF) ||  /* kana, CJK compatibility */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||  /* CJK extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||  /* CJK unified ideographs */
	       (cp >= 0xA960 && cp <= 0xA97F) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) ||  /* hangul syllables */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||  /* CJK compatibility ideographs */
	       (cp >= 0xFE30 && cp <= 0xFE4F) ||  /* CJK compatibility forms */
	       (cp >= 0xFF00 && cp <= 0xFF60) ||  /* full-width forms */
	       (cp >= 0xFFE0 && cp <= 0xFFE6) ||
	       (cp >= 0x20000 && cp <= 0x3FFFD);  /* planes 2 and 3 */
}

double
box_overlap_x(const struct box *a, const struct box *b)
{
	return fmin(a->x1, b->x1) - fmax(a->x0, b->x0);
}

double
box_overlap_y(const struct box *a, const struct box *b)
{
	return fmin(a->y1, b->y1) - fmax(a->y0, b->y0);
}

void
box_union(struct box *acc, const struct box *b)
{
	acc->x0 = fmin(acc->x0, b->x0);
	acc->y0 = fmin(acc->y0, b->y0);
	acc->x1 = fmax(acc->x1, b->x1);
	acc->y1 = fmax(acc->y1, b->y1);
}

static double
glyph_size(const struct glyph *g)
{
	double h = g->box.y1 - g->box.y0;

	return g->size > 0 ? g->size : (h > 0 ? h : 1.0);
}

/* Sorting needs the page; qsort_r is not in C17, GLib's sort is. */
static gint
by_centre_y(gconstpointer a, gconstpointer b, gpointer data)
{
	const struct glyph *glyphs = data;
	const struct box *p = &glyphs[*(const size_t *)a].box;
	const struct box *q = &glyphs[*(const size_t *)b].box;
	double d = (p->y0 + p->y1) - (q->y0 + q->y1);

	if (d != 0)
		return d < 0 ? -1 : 1;
	return (p->x0 > q->x0) - (p->x0 < q->x0);
}

static gint
by_x(gconstpointer a, gconstpointer b, gpointer data)
{
	const struct glyph *glyphs = data;
	double p = glyphs[*(const size_t *)a].box.x0;
	double q = glyphs[*(const size_t *)b].box.x0;

	return (p > q) - (p < q);
}

struct raw_line {
	struct box box;
	GArray *glyphs; /* size_t */
};

/* Groups glyph indices into lines: a glyph joins the line it overlaps
 * most vertically, when that overlap is at least half the smaller
 * height.  Lines come out top to bottom, glyphs left to right. */
static GArray *
group_lines(const struct page *page, size_t *idx, size_t n)
{
	GArray *lines = g_array_new(FALSE, FALSE, sizeof(struct raw_line));
	size_t open = 0; /* lines before this index cannot take more glyphs */

	g_qsort_with_data(idx, n, sizeof *idx, by_centre_y, page->glyphs);
	for (size_t i = 0; i < n; i++) {
		const struct glyph *g = &page->glyphs[idx[i]];
		double gh = g->box.y1 - g->box.y0;
		double cy = (g->box.y0 + g->box.y1) / 2;
		struct raw_line *best = NULL;
		double best_ov = 0;

		while (open < lines->len &&
		       g_array_index(lines, struct raw_line, open).box.y1 < g->box.y0)
			open++;
		for (size_t k = open; k < lines->len; k++) {
			struct raw_line *l = &g_array_index(lines, struct raw_line, k);
			double lh = l->box.y1 - l->box.y0;
			double ov = box_overlap_y(&l->box, &g->box);
			double lcy = (l->box.y0 + l->box.y1) / 2;

			if (ov < 0.5 * fmin(gh, lh) || fabs(cy - lcy) > 0.5 * fmax(gh, lh))
				continue;
			if (ov > best_ov) {
				best = l;
				best_ov = ov;
			}
		}
		if (!best) {
			struct raw_line l = { g->box, g_array_new(FALSE, FALSE, sizeof(size_t)) };
			g_array_append_val(lines, l);
			best = &g_array_index(lines, struct raw_line, lines->len - 1);
		} else {
			box_union(&best->box, &g->box);
		}
		g_array_append_val(best->glyphs, idx[i]);
	}
	for (size_t k = 0; k < lines->len; k++) {
		struct raw_line *l = &g_array_index(lines, struct raw_line, k);
		g_qsort_with_data(l->glyphs->data, l->glyphs->len, sizeof(size_t),
			by_x, page->glyphs);
	}
	return lines;
}

static void
append_glyph(GString *s, uint32_t cp)
{
	g_string_append_unichar(s, cp);
}

/* Appends one line's glyphs; a space goes where the gap is a word gap
 * and at least one side is not a wide character. */
static void
append_line(GString *s, const struct page *page, const size_t *idx, size_t n)
{
	const struct glyph *prev = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct glyph *g = &page->glyphs[idx[i]];

		if (prev) {
			double gap = g->box.x0 - prev->box.x1;
			double size = fmax(glyph_size(prev), glyph_size(g));

			/* Ideographs get no space but across a gap no
			 * letter-spacing makes: text from two cells. */
			if (gap > 0.15 * size &&
			    (!(layout_is_wide(prev->cp) && layout_is_wide(g->cp)) ||
			     gap > 1.5 * size))
				g_string_append_c(s, ' ');
		}
		append_glyph(s, g->cp);
		prev = g;
	}
}

static uint32_t
last_char(const GString *s)
{
	const char *p;

	if (s->len == 0)
		return 0;
	p = g_utf8_find_prev_char(s->str, s->str + s->len);
	return p ? g_utf8_get_char(p) : 0;
}

char *
layout_text(const struct page *page, const size_t *glyphs, size_t n)
{
	GArray *lines;
	GString *s;
	size_t *idx;

	if (n == 0)
		return NULL;
	idx = g_memdup2(glyphs, n * sizeof *idx);
	lines = group_lines(page, idx, n);
	s = g_string_new(NULL);
	for (size_t k = 0; k < lines->len; k++) {
		struct raw_line *l = &g_array_index(lines, struct raw_line, k);
		const size_t *li = (const size_t *)l->glyphs->data;

		if (s->len > 0) {
			uint32_t a = last_char(s);
			uint32_t b = page->glyphs[li[0]].cp;

			if (!layout_is_wide(a) && !layout_is_wide(b))
				g_string_append_c(s, ' ');
		}
		append_line(s, page, li, l->glyphs->len);
		g_array_free(l->glyphs, TRUE);
	}
	g_array_free(lines, TRUE);
	g_free(idx);
	return g_string_free(s, FALSE);
}

char *
layout_segment_text(const struct page *page, const struct segment *seg)
{
	GString *s = g_string_new(NULL);

	append_line(s, page, seg->glyphs, seg->n_glyphs);
	return g_string_free(s, FALSE);
}

static int
cmp_float(const void *a, const void *b)
{
	float p = *(const float *)a, q = *(const float *)b;

	return (p > q) - (p < q);
}

static void
finish_segment(struct segment *seg, const struct page *page, GArray *members)
{
	float *sizes = g_new(float, members->len);

	seg->n_glyphs = members->len;
	seg->glyphs = g_memdup2(members->data, members->len * sizeof(size_t));
	seg->box = page->glyphs[seg->glyphs[0]].box;
	for (size_t i = 0; i < seg->n_glyphs; i++) {
		box_union(&seg->box, &page->glyphs[seg->glyphs[i]].box);
		sizes[i] = (float)glyph_size(&page->glyphs[seg->glyphs[i]]);
	}
	qsort(sizes, seg->n_glyphs, sizeof *sizes, cmp_float);
	seg->size = sizes[seg->n_glyphs / 2];
	g_free(sizes);
	g_array_set_size(members, 0);
}

void
layout_lines(const struct page *page, const bool *keep, double gap_em,
	struct line_list *out)
{
	size_t *idx = g_new(size_t, page->n_glyphs ? page->n_glyphs : 1);
	size_t n = 0;
	GArray *raw, *segs, *members;

	for (size_t i = 0; i < page->n_glyphs; i++)
		if (!keep || keep[i])
			idx[n++] = i;
	raw = group_lines(page, idx, n);
	out->n = raw->len;
	out->lines = g_new0(struct line, raw->len ? raw->len : 1);
	segs = g_array_new(FALSE, FALSE, sizeof(struct segment));
	members = g_array_new(FALSE, FALSE, sizeof(size_t));
	for (size_t k = 0; k < raw->len; k++) {
		struct raw_line *l = &g_array_index(raw, struct raw_line, k);
		const size_t *li = (const size_t *)l->glyphs->data;
		struct line *line = &out->lines[k];
		float *sizes = g_new(float, l->glyphs->len);

		for (size_t i = 0; i < l->glyphs->len; i++) {
			const struct glyph *g = &page->glyphs[li[i]];

			sizes[i] = (float)glyph_size(g);
			if (i > 0) {
				const struct glyph *p = &page->glyphs[li[i - 1]];
				double size = fmax(glyph_size(p), glyph_size(g));

				/* Ideographs sit edge to edge, so a smaller gap
				 * between them already separates columns. */
				double em = layout_is_wide(p->cp) ||
					layout_is_wide(g->cp) ? gap_em / 2 : gap_em;

				if (g->box.x0 - p->box.x1 >= em * size) {
					struct segment seg = { 0 };

					finish_segment(&seg, page, members);
					g_array_append_val(segs, seg);
				}
			}
			g_array_append_val(members, li[i]);
		}
		if (members->len) {
			struct segment seg = { 0 };

			finish_segment(&seg, page, members);
			g_array_append_val(segs, seg);
		}
		qsort(sizes, l->glyphs->len, sizeof *sizes, cmp_float);
		line->size = sizes[l->glyphs->len / 2];
		g_free(sizes);
		line->box = l->box;
		line->n_segments = segs->len;
		line->segments = (struct segment *)g_array_steal(segs, NULL);
		g_array_free(l->glyphs, TRUE);
	}
	g_array_free(segs, TRUE);
	g_array_free(members, TRUE);
	g_array_free(raw, TRUE);
	g_free(idx);
}

void
layout_lines_finish(struct line_list *lines)
{
	if (!lines)
		return;
	for (size_t k = 0; k < lines->n; k++) {
		for (size_t s = 0; s < lines->lines[k].n_segments; s++)
			g_free(lines->lines[k].segments[s].glyphs);
		g_free(lines->lines[k].segments);
	}
	g_free(lines->lines);
	lines->lines = NULL;
	lines->n = 0;
}
