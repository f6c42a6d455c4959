/* source_pdf: glyphs and rules read from PDFs made here, with cairo (as
 * the producers in corpus/ do) or written by hand around a content stream
 * in Helvetica, whose metrics poppler knows without a font file.  Two
 * fixtures need tools the test run does not have; tests/data/source_pdf/
 * README.md says how they were made. */
#include <criterion/criterion.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "source_pdf.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif
#define FIXTURE(name) TEST_DATA_DIR "/source_pdf/" name

#define MAX_GLYPHS 200000
/* Positions are exact up to cairo's 1/256 pt fixed point. */
#define EPS 0.01

static char *tmpdir;

static void
setup(void)
{
	tmpdir = g_dir_make_tmp("test_source_pdf-XXXXXX", NULL);
	cr_assert_not_null(tmpdir);
}

static void
remove_tree(const char *path)
{
	GDir *dir = g_dir_open(path, 0, NULL);
	const char *name;

	if (dir) {
		while ((name = g_dir_read_name(dir))) {
			g_autofree char *child = g_build_filename(path, name, NULL);

			remove_tree(child);
		}
		g_dir_close(dir);
		g_rmdir(path);
	} else {
		g_remove(path);
	}
}

static void
teardown(void)
{
	remove_tree(tmpdir);
	g_free(tmpdir);
}

TestSuite(source_pdf, .init = setup, .fini = teardown);

static char *
tmp(const char *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

/* ---- making PDFs ---- */

/* A cairo PDF page of w x h points; pdf_close writes it. */
static cairo_t *
pdf_new(const char *path, double w, double h)
{
	cairo_surface_t *s = cairo_pdf_surface_create(path, w, h);
	cairo_t *cr = cairo_create(s);

	cairo_surface_destroy(s);
	return cr;
}

static void
pdf_close(cairo_t *cr)
{
	cairo_surface_t *s = cairo_surface_reference(cairo_get_target(cr));

	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
}

/* Rules are read only from pages with text: give each drawing some. */
static void
label(cairo_t *cr)
{
	cairo_save(cr);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
		CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 8);
	cairo_move_to(cr, 5, 10);
	cairo_show_text(cr, "label");
	cairo_restore(cr);
}

/* Whether the current font has every character of utf8. */
static bool
has_glyphs(cairo_t *cr, const char *utf8)
{
	cairo_glyph_t *glyphs = NULL;
	int n = 0;
	bool ok = cairo_scaled_font_text_to_glyphs(cairo_get_scaled_font(cr),
		0, 0, utf8, -1, &glyphs, &n, NULL, NULL, NULL) ==
		CAIRO_STATUS_SUCCESS && n > 0;

	for (int i = 0; ok && i < n; i++)
		ok = glyphs[i].index != 0;
	cairo_glyph_free(glyphs);
	return ok;
}

/* A PDF of one page per content stream (PDF space: origin bottom left),
 * each 400 x 300 pt, in Helvetica (/F1).  page_extra goes into every
 * page dictionary, font_extra into the font's. */
static void
write_raw_pdf(const char *path, const char *const *contents, int n_pages,
	const char *page_extra, const char *font_extra)
{
	GString *pdf = g_string_new("%PDF-1.4\n");
	GArray *offsets = g_array_new(FALSE, FALSE, sizeof(gsize));
	GString *kids = g_string_new("");
	int n_objects = 3 + 2 * n_pages;
	gsize xref;

	for (int i = 0; i < n_pages; i++)
		g_string_append_printf(kids, "%d 0 R ", 4 + 2 * i);
#define OBJECT(...) do { \
		gsize at = pdf->len; \
		g_array_append_val(offsets, at); \
		g_string_append_printf(pdf, "%u 0 obj\n", offsets->len); \
		g_string_append_printf(pdf, __VA_ARGS__); \
		g_string_append(pdf, "\nendobj\n"); \
	} while (0)
	OBJECT("<< /Type /Catalog /Pages 2 0 R >>");
	OBJECT("<< /Type /Pages /Kids [ %s] /Count %d >>", kids->str, n_pages);
	OBJECT("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
		"/Encoding /WinAnsiEncoding %s >>", font_extra ? font_extra : "");
	for (int i = 0; i < n_pages; i++) {
		OBJECT("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] %s "
			"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>",
			page_extra ? page_extra : "", 5 + 2 * i);
		OBJECT("<< /Length %zu >>\nstream\n%s\nendstream",
			strlen(contents[i]), contents[i]);
	}
#undef OBJECT
	xref = pdf->len;
	g_string_append_printf(pdf, "xref\n0 %d\n0000000000 65535 f \n",
		n_objects);
	for (guint i = 0; i < offsets->len; i++)
		g_string_append_printf(pdf, "%010zu 00000 n \n",
			g_array_index(offsets, gsize, i));
	g_string_append_printf(pdf, "trailer\n<< /Size %d /Root 1 0 R >>\n"
		"startxref\n%zu\n%%%%EOF\n", n_objects, xref);
	cr_assert(g_file_set_contents(path, pdf->str, (gssize)pdf->len, NULL));
	g_string_free(kids, TRUE);
	g_array_free(offsets, TRUE);
	g_string_free(pdf, TRUE);
}

static void
write_raw_page(const char *path, const char *content, const char *page_extra)
{
	write_raw_pdf(path, &content, 1, page_extra, NULL);
}

/* ---- reading ---- */

static struct page
read_page(const char *path, int index)
{
	struct budtab_error err = { 0 };
	struct source_pdf *src = source_pdf_open(path, NULL, &err);
	struct page page;

	cr_assert_not_null(src, "%s: %s", path, err.message);
	cr_assert(source_pdf_page(src, index, MAX_GLYPHS, &page, &err),
		"%s: %s", path, err.message);
	source_pdf_destroy(src);
	return page;
}

static enum budtab_status
open_status(const char *path, const char *password, char *message,
	size_t size)
{
	struct budtab_error err = { 0 };
	struct source_pdf *src = source_pdf_open(path, password, &err);

	if (src) {
		source_pdf_destroy(src);
		return BUDTAB_OK;
	}
	if (message)
		g_strlcpy(message, err.message, size);
	return err.status;
}

/* The glyphs' text, for messages and comparisons. */
static char *
glyph_text(const struct page *page)
{
	GString *s = g_string_new("");

	for (size_t i = 0; i < page->n_glyphs; i++)
		g_string_append_unichar(s, page->glyphs[i].cp);
	return g_string_free(s, FALSE);
}

static void
expect_rule(const struct rule *r, enum rule_dir dir, double x0, double y0,
	double x1, double y1, double width)
{
	cr_assert_not_null(r, "no rule (%g,%g)-(%g,%g)", x0, y0, x1, y1);
	cr_expect_eq(r->dir, dir);
	cr_expect_float_eq(r->x0, x0, EPS, "x0 %g, expected %g", r->x0, x0);
	cr_expect_float_eq(r->y0, y0, EPS, "y0 %g, expected %g", r->y0, y0);
	cr_expect_float_eq(r->x1, x1, EPS, "x1 %g, expected %g", r->x1, x1);
	cr_expect_float_eq(r->y1, y1, EPS, "y1 %g, expected %g", r->y1, y1);
	cr_expect_float_eq(r->width, width, EPS, "width %g, expected %g",
		r->width, width);
}

/* The rule along (x0,y0)-(x1,y1), or NULL. */
static const struct rule *
find_rule(const struct page *page, double x0, double y0, double x1,
	double y1)
{
	for (size_t i = 0; i < page->n_rules; i++) {
		const struct rule *r = &page->rules[i];

		if (fabs(r->x0 - x0) < EPS && fabs(r->y0 - y0) < EPS &&
		    fabs(r->x1 - x1) < EPS && fabs(r->y1 - y1) < EPS)
			return r;
	}
	return NULL;
}

/* ---- glyphs ---- */

Test(source_pdf, cjk_and_latin_glyphs_have_their_code_points_and_advances)
{
	g_autofree char *path = tmp("text.pdf");
	const char *chars[] = { "预", "算", "A", "b" };
	const uint32_t cps[] = { 0x9884, 0x7B97, 'A', 'b' };
	double pen[4], advance[4], ink_top = 60, ink_bottom = 60;
	cairo_t *cr = pdf_new(path, 300, 200);
	struct page page;
	double x = 50;

	cairo_select_font_face(cr, "Noto Sans CJK SC", CAIRO_FONT_SLANT_NORMAL,
		CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 12);
	if (!has_glyphs(cr, "预算Ab")) {
		pdf_close(cr);
		cr_skip_test("no CJK font for cairo");
	}
	for (int i = 0; i < 4; i++) {
		cairo_text_extents_t e;

		cairo_text_extents(cr, chars[i], &e);
		pen[i] = x;
		advance[i] = e.x_advance;
		ink_top = fmin(ink_top, 60 + e.y_bearing);
		ink_bottom = fmax(ink_bottom, 60 + e.y_bearing + e.height);
		cairo_move_to(cr, x, 60);
		cairo_show_text(cr, chars[i]);
		x += e.x_advance;
	}
	pdf_close(cr);

	page = read_page(path, 0);
	cr_assert_eq(page.n_glyphs, 4);
	for (int i = 0; i < 4; i++) {
		const struct glyph *g = &page.glyphs[i];

		cr_expect_eq(g->cp, cps[i], "glyph %d is U+%04X", i, g->cp);
		cr_expect_float_eq(g->box.x0, pen[i], 0.05);
		cr_expect_float_eq(g->box.x1, pen[i] + advance[i], 0.05);
		/* The box spans the ink, around the baseline at y = 60. */
		cr_expect_leq(g->box.y0, ink_top + 0.5);
		cr_expect_geq(g->box.y1, ink_bottom - 0.5);
		cr_expect_float_eq(g->size, 12, EPS);
	}
	page_finish(&page);
}

Test(source_pdf, glyph_boxes_use_a_top_left_origin)
{
	g_autofree char *path = tmp("origin.pdf");
	struct page page;

	/* Baseline 250 pt above the bottom of a 300 pt page. */
	write_raw_page(path, "BT /F1 12 Tf 50 250 Td (Hx) Tj ET", NULL);
	page = read_page(path, 0);
	cr_assert_eq(page.n_glyphs, 2);
	cr_expect_eq(page.number, 1);
	cr_expect_float_eq(page.width, 400, EPS);
	cr_expect_float_eq(page.height, 300, EPS);
	cr_expect_lt(page.glyphs[0].box.y0, 50 - 8);
	cr_expect_gt(page.glyphs[0].box.y1, 50);
	cr_expect_lt(page.glyphs[0].box.y1, 50 + 6);
	/* Helvetica's H is 722/1000 em wide. */
	cr_expect_float_eq(page.glyphs[0].box.x0, 50, EPS);
	cr_expect_float_eq(page.glyphs[0].box.x1, 50 + 12 * 0.722, EPS);
	page_finish(&page);
}

Test(source_pdf, font_size_is_the_size_the_text_is_shown_in)
{
	g_autofree char *path = tmp("sizes.pdf");
	struct page page;

	write_raw_page(path,
		"BT /F1 9 Tf 50 250 Td (Ab) Tj /F1 14 Tf 0 -40 Td (Cd) Tj ET "
		"BT 2 0 0 2 50 100 Tm /F1 7 Tf (E) Tj ET", NULL);
	page = read_page(path, 0);
	cr_assert_eq(page.n_glyphs, 5);
	cr_expect_float_eq(page.glyphs[0].size, 9, EPS);
	cr_expect_float_eq(page.glyphs[1].size, 9, EPS);
	cr_expect_float_eq(page.glyphs[2].size, 14, EPS);
	cr_expect_float_eq(page.glyphs[3].size, 14, EPS);
	/* 7 pt text under a 2x text matrix shows at 14 pt. */
	cr_expect_float_eq(page.glyphs[4].size, 14, EPS);
	page_finish(&page);
}

Test(source_pdf, white_space_is_not_a_glyph)
{
	g_autofree char *path = tmp("spaces.pdf");
	g_autofree char *text = NULL;
	struct page page;

	write_raw_page(path,
		"BT /F1 12 Tf 50 250 Td (A B) Tj 0 -20 Td (C D\\240E  ) Tj "
		"0 -20 Td ( \\tF ) Tj ET", NULL);
	page = read_page(path, 0);
	text = glyph_text(&page);
	cr_expect_str_eq(text, "ABCDEF");
	page_finish(&page);
}

Test(source_pdf, fake_bold_copies_make_one_glyph_over_both)
{
	g_autofree char *path = tmp("bold.pdf");
	g_autofree char *text = NULL;
	/* Helvetica widths at 12 pt of A, B, C. */
	const double adv[] = { 12 * 0.667, 12 * 0.667, 12 * 0.722 };
	GString *content = g_string_new("");
	struct page page;
	double x = 50;

	/* Each character drawn, then drawn again 1.5 pt to the right
	 * (poppler keeps both); a whole line drawn twice 0.3 pt apart;
	 * and a real double letter, which stays two glyphs. */
	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < 2; k++)
			g_string_append_printf(content,
				"BT /F1 12 Tf %.3f 250 Td (%c) Tj ET\n",
				x + 1.5 * k, 'A' + i);
		x += adv[i];
	}
	g_string_append(content, "BT /F1 12 Tf 50 200 Td (ABC) Tj ET\n"
		"BT /F1 12 Tf 50.3 200 Td (ABC) Tj ET\n"
		"BT /F1 12 Tf 50 150 Td (AAB) Tj ET\n");
	write_raw_page(path, content->str, NULL);
	g_string_free(content, TRUE);

	page = read_page(path, 0);
	text = glyph_text(&page);
	cr_assert_str_eq(text, "ABCABCAAB");
	/* The kept glyph covers the ink of both copies. */
	x = 50;
	for (int i = 0; i < 3; i++) {
		cr_expect_float_eq(page.glyphs[i].box.x0, x, EPS);
		x += adv[i];
	}
	cr_expect_float_eq(page.glyphs[2].box.x1, x + 1.5, EPS);
	cr_expect_float_eq(page.glyphs[6].box.x1, 50 + adv[0], EPS);
	cr_expect_float_eq(page.glyphs[7].box.x0, 50 + adv[0], EPS);
	page_finish(&page);
}

Test(source_pdf, glyphs_without_width_are_dropped)
{
	g_autofree char *path = tmp("zero-width.pdf");
	const char *content = "BT /F1 12 Tf 50 250 Td (ABCDEF) Tj ET";
	g_autofree char *text = NULL;
	struct page page;

	/* A, B and C are declared zero units wide. */
	write_raw_pdf(path, &content, 1, NULL,
		"/FirstChar 65 /LastChar 70 /Widths [0 0 0 722 667 611]");
	page = read_page(path, 0);
	text = glyph_text(&page);
	cr_expect_str_eq(text, "DEF");
	for (size_t i = 0; i < page.n_glyphs; i++)
		cr_expect_gt(page.glyphs[i].box.x1 - page.glyphs[i].box.x0, 1);
	page_finish(&page);
}

/* ---- rules ---- */

Test(source_pdf, stroked_line_becomes_one_horizontal_rule)
{
	g_autofree char *path = tmp("hline.pdf");
	cairo_t *cr = pdf_new(path, 400, 300);
	struct page page;

	label(cr);
	cairo_set_line_width(cr, 0.6);
	cairo_move_to(cr, 300, 100);
	cairo_line_to(cr, 40, 100);
	cairo_stroke(cr);
	pdf_close(cr);

	page = read_page(path, 0);
	cr_assert_eq(page.n_rules, 1);
	expect_rule(&page.rules[0], RULE_H, 40, 100, 300, 100, 0.6);
	page_finish(&page);
}

Test(source_pdf, stroked_line_becomes_one_vertical_rule)
{
	g_autofree char *path = tmp("vline.pdf");
	cairo_t *cr = pdf_new(path, 400, 300);
	struct page page;

	label(cr);
	cairo_set_line_width(cr, 1.5);
	cairo_move_to(cr, 120.5, 250);
	cairo_line_to(cr, 120.5, 30);
	cairo_stroke(cr);
	pdf_close(cr);

	page = read_page(path, 0);
	cr_assert_eq(page.n_rules, 1);
	expect_rule(&page.rules[0], RULE_V, 120.5, 30, 120.5, 250, 1.5);
	page_finish(&page);
}

Test(source_pdf, stroked_rectangle_becomes_four_rules)
{
	g_autofree char *path = tmp("box.pdf");
	cairo_t *cr = pdf_new(path, 400, 300);
	struct page page;

	label(cr);
	cairo_set_line_width(cr, 0.5);
	cairo_rectangle(cr, 40, 120, 200, 50);
	cairo_stroke(cr);
	pdf_close(cr);

	page = read_page(path, 0);
	cr_assert_eq(page.n_rules, 4);
	cr_expect_not_null(find_rule(&page, 40, 120, 240, 120));
	cr_expect_not_null(find_rule(&page, 40, 170, 240, 170));
	cr_expect_not_null(find_rule(&page, 40, 120, 40, 170));
	cr_expect_not_null(find_rule(&page, 240, 120, 240, 170));
	for (size_t i = 0; i < page.n_rules; i++)
		cr_expect_float_eq(page.rules[i].width, 0.5, EPS);
	page_finish(&page);
}

Test(source_pdf, thin_filled_rectangle_becomes_a_rule_along_its_centre_line)
{
	g_autofree char *path = tmp("thin.pdf");
	cairo_t *cr = pdf_new(path, 400, 300);
	const struct rule *h, *v;
	struct page page;

	label(cr);
	cairo_rectangle(cr, 40, 200, 200, 0.75);
	cairo_fill(cr);
	cairo_rectangle(cr, 350, 20, 1.25, 100);
	cairo_fill(cr);
	pdf_close(cr);

	page = read_page(path, 0);
	cr_assert_eq(page.n_rules, 2);
	h = find_rule(&page, 40, 200.375, 240, 200.375);
	v = find_rule(&page, 350.625, 20, 350.625, 120);
	cr_assert_not_null(h);
	cr_assert_not_null(v);
	expect_rule(h, RULE_H, 40, 200.375, 240, 200.375, 0.75);
	expect_rule(v, RULE_V, 350.625, 20, 350.625, 120, 1.25);
	page_finish(&page);
}

Test(source_pdf, thick_or_short_filled_rectangles_are_not_rules)
{
	g_autofree char *path = tmp("thick.pdf");
	cairo_t *cr = pdf_new(path, 400, 300);
	struct page page;

	label(cr);
	cairo_rectangle(cr, 40, 40, 200, 20);   /* a band */
	cairo_rectangle(cr, 40, 100, 2, 2);     /* a dot */
	cairo_rectangle(cr, 40, 150, 2.4, 7);   /* too short for its width */
	cairo_fill(cr);
	cairo_rectangle(cr, 100, 150, 2.4, 7.5); /* just long enough */
	cairo_fill(cr);
	pdf_close(cr);

	page = read_page(path, 0);
	cr_assert_eq(page.n_rules, 1);
	expect_rule(&page.rules[0], RULE_V, 101.2, 150, 101.2, 157.5, 2.4);
	page_finish(&page);
}

Test(source_pdf, white_and_transparent_lines_are_not_rules_but_grey_ones_are)
{
	g_autofree char *path = tmp("colours.pdf");
	cairo_t *cr = pdf_new(path, 400, 300);
	struct page page;

	label(cr);
	cairo_set_line_width(cr, 1);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_move_to(cr, 40, 50);
	cairo_line_to(cr, 300, 50);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
	cairo_rectangle(cr, 40, 80, 260, 1);
	cairo_fill(cr);
	cairo_set_source_rgba(cr, 0, 0, 0, 0);
	cairo_move_to(cr, 40, 110);
	cairo_line_to(cr, 300, 110);
	cairo_stroke(cr);
	/* Visible: grey, a pale colour, half-transparent black. */
	cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
	cairo_move_to(cr, 40, 140);
	cairo_line_to(cr, 300, 140);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.95, 0.6, 0.95);
	cairo_move_to(cr, 40, 170);
	cairo_line_to(cr, 300, 170);
	cairo_stroke(cr);
	cairo_set_source_rgba(cr, 0, 0, 0, 0.5);
	cairo_move_to(cr, 40, 200);
	cairo_line_to(cr, 300, 200);
	cairo_stroke(cr);
	pdf_close(cr);

	page = read_page(path, 0);
	cr_expect_eq(page.n_rules, 3);
	cr_expect_not_null(find_rule(&page, 40, 140, 300, 140));
	cr_expect_not_null(find_rule(&page, 40, 170, 300, 170));
	cr_expect_not_null(find_rule(&page, 40, 200, 300, 200));
	page_finish(&page);
}

/* ... they are marks: each slanted segment, and each curve's control
 * box, of strokes and fills alike; text makes none. */
Test(source_pdf, curves_and_diagonal_lines_are_not_rules)
{
	g_autofree char *path = tmp("curves.pdf");
	cairo_t *cr = pdf_new(path, 400, 300);
	struct page page;
	size_t in_ring = 0, in_dot = 0, diagonal = 0;

	label(cr);
	cairo_new_path(cr); /* no line from the label's end to the arc */
	cairo_set_line_width(cr, 1);
	cairo_arc(cr, 100, 100, 40, 0, 2 * G_PI);
	cairo_stroke(cr);
	cairo_arc(cr, 250, 100, 1, 0, 2 * G_PI);
	cairo_fill(cr);
	cairo_move_to(cr, 40, 200);
	cairo_line_to(cr, 300, 260);
	cairo_stroke(cr);
	pdf_close(cr);

	page = read_page(path, 0);
	cr_expect_eq(page.n_rules, 0);
	for (size_t i = 0; i < page.n_marks; i++) {
		const struct box *m = &page.marks[i];

		in_ring += m->x0 >= 59 && m->x1 <= 141 && m->y0 >= 59 && m->y1 <= 141;
		in_dot += m->x0 >= 248.5 && m->x1 <= 251.5 && m->y0 >= 98.5 && m->y1 <= 101.5;
		diagonal += fabs(m->x0 - 40) < 0.1 && fabs(m->y0 - 200) < 0.1 &&
			fabs(m->x1 - 300) < 0.1 && fabs(m->y1 - 260) < 0.1;
	}
	cr_expect_geq(in_ring, 4, "the stroked circle: %zu marks", in_ring);
	cr_expect_geq(in_dot, 2, "the filled dot: %zu marks", in_dot);
	cr_expect_eq(diagonal, 1);
	cr_expect_eq(in_ring + in_dot + diagonal, page.n_marks,
		"no other mark (the label is text)");
	page_finish(&page);
}

Test(source_pdf, rules_are_where_their_transformation_puts_them)
{
	g_autofree char *path = tmp("ctm.pdf");
	cairo_t *cr = pdf_new(path, 400, 300);
	struct page page;

	label(cr);
	cairo_save(cr);
	cairo_translate(cr, 100, 50);
	cairo_scale(cr, 2, 3);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, 0, 0);
	cairo_line_to(cr, 50, 0);
	cairo_move_to(cr, 0, 0);
	cairo_line_to(cr, 0, 20);
	cairo_stroke(cr);
	cairo_restore(cr);
	cairo_save(cr);
	cairo_translate(cr, 300, 100);
	cairo_rotate(cr, G_PI / 2);
	cairo_set_line_width(cr, 2);
	cairo_move_to(cr, 0, 0);
	cairo_line_to(cr, 80, 0);
	cairo_stroke(cr);
	cairo_restore(cr);
	pdf_close(cr);

	page = read_page(path, 0);
	cr_assert_eq(page.n_rules, 3);
	/* A horizontal line is as thick as the vertical scale makes it. */
	expect_rule(find_rule(&page, 100, 50, 200, 50), RULE_H,
		100, 50, 200, 50, 1.5);
	expect_rule(find_rule(&page, 100, 50, 100, 110), RULE_V,
		100, 50, 100, 110, 1.0);
	expect_rule(find_rule(&page, 300, 100, 300, 180), RULE_V,
		300, 100, 300, 180, 2.0);
	page_finish(&page);
}

Test(source_pdf, a_rule_runs_only_as_far_as_the_clip_shows_it)
{
	g_autofree char *path = tmp("clip.pdf");
	cairo_t *cr = pdf_new(path, 400, 300);
	struct page page;

	label(cr);
	cairo_rectangle(cr, 100, 0, 100, 300);
	cairo_clip(cr);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, 40, 100);
	cairo_line_to(cr, 300, 100);
	cairo_move_to(cr, 250, 150);
	cairo_line_to(cr, 300, 150);
	cairo_stroke(cr);
	pdf_close(cr);

	page = read_page(path, 0);
	cr_assert_eq(page.n_rules, 1);
	expect_rule(&page.rules[0], RULE_H, 100, 100, 200, 100, 1);
	page_finish(&page);
}

Test(source_pdf, stroked_text_outlines_are_not_rules)
{
	/* "一二三十工口 HILT" in text render mode 2 (fill, then stroke the
	 * outlines: a fake bold), above one real 0.5 pt rule. */
	struct page page = read_page(FIXTURE("stroked-text.pdf"), 0);
	g_autofree char *text = glyph_text(&page);

	cr_expect_str_eq(text, "一二三十工口HILT");
	cr_assert_eq(page.n_rules, 1);
	expect_rule(&page.rules[0], RULE_H, 40, 100, 260, 100, 0.5);
	page_finish(&page);
}

Test(source_pdf, page_without_text_has_neither_glyphs_nor_rules)
{
	g_autofree char *path = tmp("blank.pdf");
	cairo_t *cr = pdf_new(path, 400, 300);
	struct page page;

	cairo_rectangle(cr, 40, 40, 200, 100);
	cairo_stroke(cr);
	pdf_close(cr);

	/* Nothing to tabulate: the page is not drawn at all. */
	page = read_page(path, 0);
	cr_expect_eq(page.n_glyphs, 0);
	cr_expect_null(page.glyphs);
	cr_expect_eq(page.n_rules, 0);
	cr_expect_null(page.rules);
	page_finish(&page);
}

/* ---- the displayed page ---- */

/* Text and lines drawn in PDF space on a 400 x 300 media box. */
static const char *const turned_content =
	"BT /F1 12 Tf 50 250 Td (Ab) Tj ET "
	"1 w 40 200 m 300 200 l S 0.5 w 350 295 m 350 180 l S";

/* Where a point of the unrotated page shows after /Rotate. */
static void
turn(int rotate, double w, double h, double x, double y, double *tx,
	double *ty)
{
	switch (rotate) {
	case 90:  *tx = h - y; *ty = x;     break;
	case 180: *tx = w - x; *ty = h - y; break;
	case 270: *tx = y;     *ty = w - x; break;
	default:  *tx = x;     *ty = y;     break;
	}
}

Test(source_pdf, rotated_pages_show_glyphs_and_rules_turned)
{
	g_autofree char *flat_path = tmp("flat.pdf");
	struct page flat;

	write_raw_page(flat_path, turned_content, NULL);
	flat = read_page(flat_path, 0);
	cr_assert_eq(flat.n_glyphs, 2);
	cr_assert_eq(flat.n_rules, 2);

	for (int rotate = 90; rotate <= 270; rotate += 90) {
		g_autofree char *extra = g_strdup_printf("/Rotate %d", rotate);
		g_autofree char *path = tmp(extra + 1);
		bool quarter = rotate != 180;
		struct page page;

		write_raw_page(path, turned_content, extra);
		page = read_page(path, 0);
		cr_expect_float_eq(page.width, quarter ? 300 : 400, EPS);
		cr_expect_float_eq(page.height, quarter ? 400 : 300, EPS);
		cr_assert_eq(page.n_glyphs, flat.n_glyphs, "rotate %d", rotate);
		for (size_t i = 0; i < flat.n_glyphs; i++) {
			const struct box *f = &flat.glyphs[i].box;
			const struct box *b = &page.glyphs[i].box;
			double ax, ay, bx, by;

			turn(rotate, 400, 300, f->x0, f->y0, &ax, &ay);
			turn(rotate, 400, 300, f->x1, f->y1, &bx, &by);
			cr_expect_eq(page.glyphs[i].cp, flat.glyphs[i].cp);
			cr_expect_float_eq(b->x0, fmin(ax, bx), EPS, "rotate %d", rotate);
			cr_expect_float_eq(b->y0, fmin(ay, by), EPS, "rotate %d", rotate);
			cr_expect_float_eq(b->x1, fmax(ax, bx), EPS, "rotate %d", rotate);
			cr_expect_float_eq(b->y1, fmax(ay, by), EPS, "rotate %d", rotate);
		}
		cr_assert_eq(page.n_rules, flat.n_rules, "rotate %d", rotate);
		for (size_t i = 0; i < flat.n_rules; i++) {
			const struct rule *f = &flat.rules[i];
			double ax, ay, bx, by;

			turn(rotate, 400, 300, f->x0, f->y0, &ax, &ay);
			turn(rotate, 400, 300, f->x1, f->y1, &bx, &by);
			expect_rule(find_rule(&page, fmin(ax, bx), fmin(ay, by),
					fmax(ax, bx), fmax(ay, by)),
				quarter ? (f->dir == RULE_H ? RULE_V : RULE_H) : f->dir,
				fmin(ax, bx), fmin(ay, by), fmax(ax, bx), fmax(ay, by),
				f->width);
		}
		page_finish(&page);
	}
	page_finish(&flat);
}

Test(source_pdf, crop_box_moves_the_origin_and_sets_the_size)
{
	g_autofree char *path = tmp("crop.pdf");
	g_autofree char *turned = tmp("crop-rotate.pdf");
	/* Crop 20 pt off the left, 30 off the bottom, 20 off the right
	 * and 10 off the top of the 400 x 300 media box. */
	const char *crop = "/CropBox [20 30 380 290]";
	g_autofree char *crop_rotate = g_strconcat(crop, " /Rotate 90", NULL);
	struct page page;

	write_raw_page(path, turned_content, crop);
	page = read_page(path, 0);
	cr_expect_float_eq(page.width, 360, EPS);
	cr_expect_float_eq(page.height, 260, EPS);
	cr_assert_eq(page.n_rules, 2);
	/* 40 200 m 300 200 l: y = 290 - 200, x from 40 - 20 to 300 - 20. */
	cr_expect_not_null(find_rule(&page, 20, 90, 280, 90));
	/* 350 295 m 350 180 l, cut at the top of the crop box. */
	cr_expect_not_null(find_rule(&page, 330, 0, 330, 110));
	cr_assert_eq(page.n_glyphs, 2);
	cr_expect_float_eq(page.glyphs[0].box.x0, 50 - 20, EPS);
	page_finish(&page);

	write_raw_page(turned, turned_content, crop_rotate);
	page = read_page(turned, 0);
	cr_expect_float_eq(page.width, 260, EPS);
	cr_expect_float_eq(page.height, 360, EPS);
	cr_assert_eq(page.n_rules, 2);
	cr_expect_not_null(find_rule(&page, 260 - 90, 20, 260 - 90, 280));
	cr_expect_not_null(find_rule(&page, 260 - 110, 330, 260, 330));
	cr_assert_eq(page.n_glyphs, 2);
	cr_expect_float_eq(page.glyphs[0].box.y0, 50 - 20, EPS);
	page_finish(&page);
}

Test(source_pdf, pages_are_numbered_from_one)
{
	g_autofree char *path = tmp("two.pdf");
	const char *contents[] = { "BT /F1 12 Tf 50 250 Td (one) Tj ET",
		"BT /F1 12 Tf 50 250 Td (two) Tj ET" };
	struct budtab_error err = { 0 };
	struct source_pdf *src;
	struct page page;

	write_raw_pdf(path, contents, 2, NULL, NULL);
	src = source_pdf_open(path, NULL, &err);
	cr_assert_not_null(src, "%s", err.message);
	cr_expect_eq(source_pdf_n_pages(src), 2);
	cr_assert(source_pdf_page(src, 1, MAX_GLYPHS, &page, &err));
	cr_expect_eq(page.number, 2);
	cr_expect_eq(page.glyphs[0].cp, 't');
	page_finish(&page);
	cr_expect_not(source_pdf_page(src, 2, MAX_GLYPHS, &page, &err));
	cr_expect_eq(err.status, BUDTAB_ERR_USAGE);
	cr_expect_not(source_pdf_page(src, -1, MAX_GLYPHS, &page, &err));
	cr_expect_eq(err.status, BUDTAB_ERR_USAGE);
	source_pdf_destroy(src);
}

/* ---- limits ---- */

Test(source_pdf, more_glyphs_than_the_limit_fail_the_page_naming_both)
{
	g_autofree char *path = tmp("many.pdf");
	const char *contents[] = { "BT /F1 12 Tf 50 250 Td (AB) Tj ET",
		"BT /F1 12 Tf 50 250 Td (A B C D E) Tj ET" };
	struct budtab_error err = { 0 };
	struct source_pdf *src;
	struct page page;

	write_raw_pdf(path, contents, 2, NULL, NULL);
	src = source_pdf_open(path, NULL, &err);
	cr_assert_not_null(src);
	cr_assert_not(source_pdf_page(src, 1, 4, &page, &err));
	cr_expect_eq(err.status, BUDTAB_ERR_LIMIT);
	cr_expect_not_null(strstr(err.message, "page 2"), "%s", err.message);
	cr_expect_not_null(strstr(err.message, " 4 "), "%s", err.message);
	cr_expect_null(page.glyphs);
	cr_expect_eq(page.n_glyphs, 0);
	cr_expect_null(page.rules);
	page_finish(&page);
	/* Exactly at the limit is fine; white space does not count. */
	cr_assert(source_pdf_page(src, 1, 5, &page, &err), "%s", err.message);
	cr_expect_eq(page.n_glyphs, 5);
	page_finish(&page);
	source_pdf_destroy(src);
}

/* ---- files that are not PDFs, or not readable ---- */

Test(source_pdf, text_file_named_pdf_is_a_format_error)
{
	g_autofree char *path = tmp("notes.pdf");
	char message[512] = "";

	cr_assert(g_file_set_contents(path, "budget notes\n", -1, NULL));
	cr_expect_eq(open_status(path, NULL, message, sizeof message),
		BUDTAB_ERR_FORMAT);
	cr_expect_str_eq(message, "not a PDF file");
}

Test(source_pdf, empty_file_is_a_format_error)
{
	g_autofree char *path = tmp("empty.pdf");

	cr_assert(g_file_set_contents(path, "", 0, NULL));
	cr_expect_eq(open_status(path, NULL, NULL, 0), BUDTAB_ERR_FORMAT);
}

Test(source_pdf, missing_file_is_an_io_error)
{
	g_autofree char *path = tmp("missing.pdf");
	char message[512] = "";

	cr_expect_eq(open_status(path, NULL, message, sizeof message),
		BUDTAB_ERR_IO);
	cr_expect_str_eq(message, g_strerror(ENOENT));
}

Test(source_pdf, directory_is_an_io_error)
{
	g_autofree char *path = tmp("folder.pdf");
	char message[512] = "";

	cr_assert_eq(g_mkdir(path, 0700), 0);
	cr_expect_eq(open_status(path, NULL, message, sizeof message),
		BUDTAB_ERR_IO);
	cr_expect_str_eq(message, "is a directory");
}

Test(source_pdf, unreadable_file_is_an_io_error)
{
	g_autofree char *path = tmp("locked.pdf");

	if (geteuid() == 0)
		cr_skip_test("root reads every file");
	write_raw_page(path, "BT /F1 12 Tf 50 250 Td (x) Tj ET", NULL);
	cr_assert_eq(g_chmod(path, 0), 0);
	cr_expect_eq(open_status(path, NULL, NULL, 0), BUDTAB_ERR_IO);
}

Test(source_pdf, document_without_pages_is_empty)
{
	g_autofree char *path = tmp("no-pages.pdf");

	write_raw_pdf(path, NULL, 0, NULL, NULL);
	cr_expect_eq(open_status(path, NULL, NULL, 0), BUDTAB_ERR_EMPTY);
}

Test(source_pdf, encrypted_pdf_needs_a_password)
{
	char message[512] = "";

	cr_expect_eq(open_status(FIXTURE("encrypted.pdf"), NULL, message,
		sizeof message), BUDTAB_ERR_ENCRYPTED);
	cr_expect_str_eq(message, "encrypted: a password is needed");
}

Test(source_pdf, encrypted_pdf_refuses_a_wrong_password)
{
	char message[512] = "";

	cr_expect_eq(open_status(FIXTURE("encrypted.pdf"), "guess", message,
		sizeof message), BUDTAB_ERR_ENCRYPTED);
	cr_expect_str_eq(message, "encrypted: wrong password");
}

Test(source_pdf, encrypted_pdf_opens_with_its_password)
{
	struct budtab_error err = { 0 };
	struct source_pdf *src = source_pdf_open(FIXTURE("encrypted.pdf"),
		"secret", &err);
	g_autofree char *text = NULL;
	struct page page;

	cr_assert_not_null(src, "%s", err.message);
	cr_assert(source_pdf_page(src, 0, MAX_GLYPHS, &page, &err));
	text = glyph_text(&page);
	cr_expect_str_eq(text, "Locked");
	cr_expect_eq(page.n_rules, 1);
	page_finish(&page);
	source_pdf_destroy(src);
}

/* Reads every page; a failure must be one of the statuses a damaged
 * file may give, with a message. */
static void
read_whatever(const char *path)
{
	struct budtab_error err = { 0 };
	struct source_pdf *src = source_pdf_open(path, NULL, &err);

	if (!src) {
		cr_expect(err.status == BUDTAB_ERR_FORMAT ||
			  err.status == BUDTAB_ERR_EMPTY ||
			  err.status == BUDTAB_ERR_ENCRYPTED,
			"status %d: %s", err.status, err.message);
		cr_expect_neq(err.message[0], '\0');
		return;
	}
	for (int i = 0; i < source_pdf_n_pages(src); i++) {
		struct page page;

		if (source_pdf_page(src, i, MAX_GLYPHS, &page, &err))
			page_finish(&page);
		else
			cr_expect_eq(err.status, BUDTAB_ERR_FORMAT, "%s",
				err.message);
	}
	source_pdf_destroy(src);
}

Test(source_pdf, damaged_pdfs_fail_cleanly_or_read, .timeout = 120)
{
	g_autofree char *path = tmp("whole.pdf");
	g_autofree char *bad = tmp("bad.pdf");
	g_autofree char *data = NULL;
	GRand *rand = g_rand_new_with_seed(2024);
	cairo_t *cr = pdf_new(path, 400, 300);
	gsize len;

	label(cr);
	cairo_set_line_width(cr, 1);
	cairo_rectangle(cr, 40, 40, 200, 100);
	cairo_stroke(cr);
	cairo_rectangle(cr, 40, 200, 200, 0.5);
	cairo_fill(cr);
	pdf_close(cr);
	cr_assert(g_file_get_contents(path, &data, &len, NULL));

	/* Cut short anywhere, header included. */
	for (int i = 0; i < 24; i++) {
		gsize cut = len * (gsize)i / 24;

		cr_assert(g_file_set_contents(bad, data, (gssize)cut, NULL));
		read_whatever(bad);
	}
	/* Bytes overwritten at random. */
	for (int i = 0; i < 24; i++) {
		g_autofree char *copy = g_memdup2(data, len);

		for (int k = 0; k < 1 + i; k++)
			copy[g_rand_int_range(rand, 0, (gint32)len)] =
				(char)g_rand_int_range(rand, 0, 256);
		cr_assert(g_file_set_contents(bad, copy, (gssize)len, NULL));
		read_whatever(bad);
	}
	g_rand_free(rand);
}
