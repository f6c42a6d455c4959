/* Writes the big PDFs of the bad-input suite at test time, so no
 * multi-megabyte file is committed:
 *
 *   genpdf pages N OUT    N pages, one line of text each
 *   genpdf glyphs N OUT   one page of N glyphs
 *   genpdf rows N OUT     one tall page: a ruled table of N rows x 3 columns
 *
 * cairo's toy text API, ASCII only, so no particular font is needed. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
fail(const char *what)
{
	fprintf(stderr, "genpdf: %s\n", what);
	return 2;
}

int
main(int argc, char **argv)
{
	cairo_surface_t *s;
	cairo_t *cr;
	char buf[64];
	long n;

	if (argc != 4 || (n = strtol(argv[2], NULL, 10)) <= 0)
		return fail("usage: genpdf pages|glyphs|rows N OUT");
	if (strcmp(argv[1], "pages") == 0) {
		s = cairo_pdf_surface_create(argv[3], 595, 842);
		cr = cairo_create(s);
		cairo_set_font_size(cr, 12);
		for (long i = 1; i <= n; i++) {
			snprintf(buf, sizeof buf, "Page %ld of %ld", i, n);
			cairo_move_to(cr, 72, 100);
			cairo_show_text(cr, buf);
			cairo_show_page(cr);
		}
	} else if (strcmp(argv[1], "glyphs") == 0) {
		/* 200 glyphs a line at 4 pt, lines 5 pt apart */
		long lines = (n + 199) / 200;
		s = cairo_pdf_surface_create(argv[3], 200 * 2.5 + 40, lines * 5.0 + 40);
		cr = cairo_create(s);
		cairo_set_font_size(cr, 4);
		for (long l = 0; l < lines; l++) {
			char line[201];
			long k = n - l * 200 < 200 ? n - l * 200 : 200;

			for (long i = 0; i < k; i++)
				line[i] = (char)('A' + (l + i) % 26);
			line[k] = '\0';
			cairo_move_to(cr, 20, 24 + l * 5.0);
			cairo_show_text(cr, line);
		}
		cairo_show_page(cr);
	} else if (strcmp(argv[1], "rows") == 0) {
		const double xs[] = { 40, 140, 340, 460 }, top = 40, h = 12;
		s = cairo_pdf_surface_create(argv[3], 500, top * 2 + n * h);
		cr = cairo_create(s);
		cairo_set_font_size(cr, 8);
		cairo_set_line_width(cr, 0.5);
		for (long r = 0; r <= n; r++) {
			cairo_move_to(cr, xs[0], top + r * h);
			cairo_line_to(cr, xs[3], top + r * h);
		}
		for (int c = 0; c < 4; c++) {
			cairo_move_to(cr, xs[c], top);
			cairo_line_to(cr, xs[c], top + n * h);
		}
		cairo_stroke(cr);
		for (long r = 0; r < n; r++) {
			for (int c = 0; c < 3; c++) {
				snprintf(buf, sizeof buf, c == 0 ? "%ld" : c == 1 ? "Item %ld" : "%ld.00", r + 1);
				cairo_move_to(cr, xs[c] + 4, top + r * h + 9);
				cairo_show_text(cr, buf);
			}
		}
		cairo_show_page(cr);
	} else {
		return fail("usage: genpdf pages|glyphs|rows N OUT");
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		return fail(cairo_status_to_string(cairo_surface_status(s)));
	cairo_surface_destroy(s);
	return 0;
}
