/* Text dumps -> the same pages of glyphs a PDF gives, so that the later
 * stages never know the source.  Each character is laid on a fixed grid:
 * a narrow character one column, a wide one two; a tab or a run of two
 * or more spaces (how pdftotext -layout and tab-separated dumps separate
 * columns) leaves a gap wide enough to separate cells; a form feed starts
 * a new page. */
#include <glib.h>
#include <string.h>

#include "doc.h"

#define SIZE 10.0        /* font size of the synthetic glyphs */
#define COL 4.4          /* a column: a single space stays inside a cell */
#define LINE 14.0        /* line pitch */
#define CELL_GAP 4       /* extra columns a cell separator leaves */
#define TAB 8

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

bool
source_text_read(struct budtab_doc *doc, const char *data, size_t len,
	const struct budtab_limits *lim, struct budtab_error *err)
{
	GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(struct glyph));
	GArray *heights = g_array_new(FALSE, FALSE, sizeof(double));
	const char *p = data, *end = data + len;
	int line = 0, col = 0, page = 1, spaces = 0;
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
			col = (col / TAB + 1) * TAB + CELL_GAP;
			spaces = 0;
			continue;
		}
		if (g_unichar_isspace(c) || c == 0x3000) {
			/* A second space in a row marks a column gap. */
			col += ++spaces == 2 ? 1 + CELL_GAP : 1;
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
		{
			int w = g_unichar_iswide(c) ? 2 : 1;
			struct glyph g = { c, { col * COL, line * LINE + 2,
				(col + w) * COL, line * LINE + 2 + SIZE }, SIZE };

			if (g_unichar_iszerowidth(c) || g_unichar_iscntrl(c))
				continue;
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
