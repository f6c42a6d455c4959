/* Text dumps -> the same pages of glyphs a PDF gives, so that the later
 * stages never know the source.  Each character is laid on a fixed grid:
 * a narrow character one column, a wide one two.  Two layouts of dumps
 * are told apart by their content:
 *
 * - tab-separated (a portal's table pasted, a converter's dump): field i
 *   of every line starts at slot i, slots as wide as the widest field, so
 *   each field is a cell of its own column;
 * - space-aligned (pdftotext -layout): characters keep their columns, and
 *   a run of two or more spaces leaves a gap wide enough to part cells.
 *
 * A form feed starts a new page. */
#include <glib.h>
#include <string.h>

#include "doc.h"

#define SIZE 10.0        /* font size of the synthetic glyphs */
#define COL 4.4          /* a column: a single space stays inside a cell */
#define LINE 14.0        /* line pitch */
#define CELL_GAP 4       /* extra columns a cell separator leaves */

static bool
flush_page(struct budtab_doc *doc, GArray *glyphs, double width, int lines,
	int number, const struct budtab_limits *lim, GArray *heights,
	struct budtab_error *err)
{
	struct page page = { 0 };
	double h = (lines + 1) * LINE;
	bool ok;

	page.number = number;
	page.width = width + COL;
	page.height = h;
	page.n_glyphs = glyphs->len;
	page.glyphs = (struct glyph *)glyphs->data;
	g_array_append_val(heights, h);
	ok = doc_add_page(doc, &page, lim, err);
	g_array_set_size(glyphs, 0);
	return ok;
}

static int
text_width(const char *p, const char *end)
{
	int w = 0;

	for (; p < end; p = g_utf8_next_char(p))
		w += g_unichar_iswide(g_utf8_get_char(p)) ? 2 : 1;
	return w;
}

/* Whether a dump separates its cells with tabs, and how wide a slot
 * must be to hold the widest field. */
static bool
tab_layout(const char *data, size_t len, int *slot)
{
	const char *p = data, *end = data + len;
	int tabbed = 0;

	*slot = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *f = p;

		if (!eol)
			eol = end;
		if (!memchr(p, '\t', (size_t)(eol - p))) {
			p = eol + 1;
			continue;
		}
		tabbed++;
		while (f < eol) {
			const char *tab = memchr(f, '\t', (size_t)(eol - f));
			const char *fe = tab ? tab : eol;

			*slot = MAX(*slot, text_width(f, fe));
			f = tab ? tab + 1 : eol;
		}
		p = eol + 1;
	}
	*slot += CELL_GAP;
	return tabbed >= 3;
}

bool
source_text_read(struct budtab_doc *doc, const char *data, size_t len,
	const struct budtab_limits *lim, struct budtab_error *err)
{
	GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(struct glyph));
	GArray *heights = g_array_new(FALSE, FALSE, sizeof(double));
	const char *p = data, *end = data + len;
	int line = 0, col = 0, page = 1, spaces = 0, field = 0, slot;
	bool tabs = tab_layout(data, len, &slot);
	double width = 0;
	bool ok = true;

	doc->n_pages = 0;
	while (p < end && ok) {
		gunichar c = g_utf8_get_char(p);

		p = g_utf8_next_char(p);
		if (c == '\f' || c == '\n' || c == '\r') {
			if (c == '\r' && p < end && *p == '\n')
				p++;
			spaces = 0;
			col = 0;
			field = 0;
			line++;
			if (c == '\f') {
				ok = flush_page(doc, glyphs, width, line, page++, lim,
					heights, err);
				line = 0;
				width = 0;
			}
			continue;
		}
		if (c == '\t') {
			field++;
			col = tabs ? field * slot : (col / 8 + 1) * 8 + CELL_GAP;
			spaces = 0;
			continue;
		}
		if (g_unichar_isspace(c) || c == 0x3000) {
			/* A second space in a row marks a column gap, except
			 * inside a tab-separated field. */
			col += ++spaces == 2 && !tabs ? 1 + CELL_GAP : 1;
			continue;
		}
		if (glyphs->len >= (guint)lim->max_glyphs) {
			error_set(err, BUDTAB_ERR_LIMIT,
				"page %d has more than %d characters (--max-glyphs)",
				page, lim->max_glyphs);
			ok = false;
			break;
		}
		spaces = 0;
		if (g_unichar_iszerowidth(c) || g_unichar_iscntrl(c))
			continue;
		{
			int w = g_unichar_iswide(c) ? 2 : 1;
			struct glyph g = { c, { col * COL, line * LINE + 2,
				(col + w) * COL, line * LINE + 2 + SIZE }, SIZE };

			g_array_append_val(glyphs, g);
			col += w;
			if (col * COL > width)
				width = col * COL;
		}
	}
	if (ok && (glyphs->len > 0 || page == 1))
		ok = flush_page(doc, glyphs, width, line, page, lim, heights, err);
	if (ok)
		doc_finish_pages(doc, (const double *)heights->data);
	g_array_free(glyphs, TRUE);
	g_array_free(heights, TRUE);
	return ok;
}
