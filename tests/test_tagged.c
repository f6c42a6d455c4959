/* tags: tables of a tagged PDF's structure tree weighed against the
 * geometry.  The PDFs are made here with cairo, whose tags poppler reads
 * back as Table / TR / TH / TD elements (cairo writes no span
 * attributes, and poppler-glib 22.12 cannot read them: see source_pdf.c). */
#include <criterion/criterion.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "doc.h"

static char *tmpdir;

static void
setup(void)
{
	tmpdir = g_dir_make_tmp("test_tagged-XXXXXX", NULL);
	cr_assert_not_null(tmpdir);
}

static void
teardown(void)
{
	GDir *dir = g_dir_open(tmpdir, 0, NULL);
	const char *name;

	while (dir && (name = g_dir_read_name(dir))) {
		g_autofree char *p = g_build_filename(tmpdir, name, NULL);

		g_remove(p);
	}
	if (dir)
		g_dir_close(dir);
	g_rmdir(tmpdir);
	g_free(tmpdir);
}

TestSuite(tagged, .init = setup, .fini = teardown);

#define ROWS 6
#define COLS 4

/* A budget table without rules: an unnamed second column holds one
 * value, printed close to the first column's text, so the layout alone
 * reads it as part of that text. */
static const char *const budget[ROWS][COLS] = {
	{ "Item", "", "Q1", "Q2" },
	{ "Roads", "a", "120", "130" },
	{ "Bridges", "", "45", "50" },
	{ "Schools", "", "300", "310" },
	{ "Parks", "", "12", "14" },
	{ "Water", "", "80", "85" },
};
static const double tight[COLS] = { 50, 84, 180, 240 };
static const double wide[COLS] = { 50, 110, 180, 240 };

enum tagging {
	UNTAGGED,
	TAGGED,
	TAGGED_RAGGED,      /* row 2 lacks its last cell, as a span would */
	TAGGED_DEEP,        /* the table under 200 nested Div elements */
};

static void
tag(cairo_t *cr, enum tagging how, const char *name, bool begin)
{
	if (how == UNTAGGED)
		return;
	if (begin)
		cairo_tag_begin(cr, name, NULL);
	else
		cairo_tag_end(cr, name);
}

static char *
make_pdf(const char *name, const double *xs, enum tagging how)
{
	char *path = g_build_filename(tmpdir, name, NULL);
	cairo_surface_t *s = cairo_pdf_surface_create(path, 400, 400);
	cairo_t *cr = cairo_create(s);
	int depth = how == TAGGED_DEEP ? 200 : 0;

	cairo_select_font_face(cr, "Helvetica", CAIRO_FONT_SLANT_NORMAL,
		CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 10);
	for (int i = 0; i < depth; i++)
		tag(cr, how, "Div", true);
	tag(cr, how, "Table", true);
	for (int r = 0; r < ROWS; r++) {
		tag(cr, how, "TR", true);
		for (int c = 0; c < COLS; c++) {
			const char *k = r == 0 ? "TH" : "TD";
			bool skip = how == TAGGED_RAGGED && r == 2 && c == COLS - 1;

			if (!skip)
				tag(cr, how, k, true);
			cairo_move_to(cr, xs[c], 50 + r * 16);
			cairo_show_text(cr, budget[r][c]);
			if (!skip)
				tag(cr, how, k, false);
		}
		tag(cr, how, "TR", false);
	}
	tag(cr, how, "Table", false);
	for (int i = 0; i < depth; i++)
		tag(cr, how, "Div", false);
	cairo_show_page(cr);
	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	return path;
}

static struct budtab_doc *
open_doc(const char *path)
{
	struct budtab_error err = { 0 };
	struct budtab_doc *doc = budtab_doc_open(path, NULL, &err);

	cr_assert_not_null(doc, "%s: %s", path, err.message);
	return doc;
}

static const char *
text_at(const struct table *t, int row, int col)
{
	const struct cell *c = table_cell_at(t, row, col);

	cr_assert_not_null(c, "no cell at %d,%d", row, col);
	return c->text ? c->text : "";
}

static void
assert_budget_grid(const struct table *t)
{
	cr_assert_eq(t->rows, ROWS);
	cr_assert_eq(t->cols, COLS);
	for (int r = 0; r < ROWS; r++)
		for (int c = 0; c < COLS; c++)
			cr_assert_str_eq(text_at(t, r, c), budget[r][c], "cell %d,%d", r, c);
}

Test(tagged, sparse_column_comes_from_the_tags)
{
	g_autofree char *path = make_pdf("tagged.pdf", tight, TAGGED);
	struct budtab_doc *doc = open_doc(path);
	const struct table *t;

	cr_assert_eq(doc->tables.n, 1);
	t = &doc->tables.tables[0];
	assert_budget_grid(t);
	cr_assert_eq(t->source, TABLE_FROM_TAGS);
	cr_assert_not(t->ruled);
	/* boundaries from the glyphs: "a" (from x 84) has its own column */
	cr_assert(t->col_x[1] > 75 && t->col_x[1] < 86, "col_x[1] = %g", t->col_x[1]);
	cr_assert(t->col_x[2] > 90 && t->col_x[2] < 180, "col_x[2] = %g", t->col_x[2]);
	for (int k = 0; k <= COLS; k++)
		if (k > 0)
			cr_assert(t->col_x[k] > t->col_x[k - 1]);
	budtab_doc_destroy(doc);
}

Test(tagged, untagged_copy_reads_as_the_layout_says)
{
	g_autofree char *path = make_pdf("untagged.pdf", tight, UNTAGGED);
	struct budtab_doc *doc = open_doc(path);
	const struct table *t;

	cr_assert_eq(doc->tables.n, 1);
	t = &doc->tables.tables[0];
	cr_assert_eq(t->source, TABLE_FROM_LAYOUT);
	cr_assert_eq(t->rows, ROWS);
	cr_assert_eq(t->cols, COLS - 1);
	cr_assert_str_eq(text_at(t, 1, 0), "Roads a");
	budtab_doc_destroy(doc);
}

Test(tagged, agreeing_tags_keep_the_geometry)
{
	g_autofree char *path = make_pdf("agree.pdf", wide, TAGGED);
	g_autofree char *upath = make_pdf("agree-untagged.pdf", wide, UNTAGGED);
	struct budtab_doc *doc = open_doc(path), *udoc = open_doc(upath);
	g_autofree char *grids = NULL, *ugrids = NULL;

	cr_assert_eq(doc->tables.n, 1);
	assert_budget_grid(&doc->tables.tables[0]);
	cr_assert_eq(doc->tables.tables[0].source, TABLE_FROM_LAYOUT);
	/* the same grids as the untagged copy, apart from the file */
	grids = sink_json_grids(doc);
	ugrids = sink_json_grids(udoc);
	cr_assert_str_eq(strstr(grids, "\"tables\""), strstr(ugrids, "\"tables\""));
	budtab_doc_destroy(doc);
	budtab_doc_destroy(udoc);
}

Test(tagged, ragged_tags_leave_the_geometry_alone)
{
	g_autofree char *path = make_pdf("ragged.pdf", tight, TAGGED_RAGGED);
	struct budtab_doc *doc = open_doc(path);

	cr_assert_eq(doc->tables.n, 1);
	cr_assert_eq(doc->tables.tables[0].source, TABLE_FROM_LAYOUT);
	cr_assert_eq(doc->tables.tables[0].cols, COLS - 1);
	budtab_doc_destroy(doc);
}

Test(tagged, deep_tree_is_read_no_deeper_than_the_limit)
{
	g_autofree char *path = make_pdf("deep.pdf", tight, TAGGED_DEEP);
	struct budtab_doc *doc = open_doc(path);

	/* the table lies past SOURCE_PDF_MAX_TAG_DEPTH: geometry alone */
	cr_assert_eq(doc->tables.n, 1);
	cr_assert_eq(doc->tables.tables[0].source, TABLE_FROM_LAYOUT);
	budtab_doc_destroy(doc);
}

Test(tagged, table_the_geometry_misses_is_added_from_the_tags)
{
	g_autofree char *path = g_build_filename(tmpdir, "row.pdf", NULL);
	cairo_surface_t *s = cairo_pdf_surface_create(path, 400, 400);
	cairo_t *cr = cairo_create(s);
	const char *row[3] = { "North", "South", "East" };
	struct budtab_doc *doc;
	const struct table *t;

	cairo_select_font_face(cr, "Helvetica", CAIRO_FONT_SLANT_NORMAL,
		CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 10);
	cairo_move_to(cr, 50, 30);
	cairo_show_text(cr, "A one-row table:");
	cairo_tag_begin(cr, "Table", NULL);
	cairo_tag_begin(cr, "TR", NULL);
	for (int c = 0; c < 3; c++) {
		cairo_tag_begin(cr, "TD", NULL);
		cairo_move_to(cr, 50 + 90 * c, 60);
		cairo_show_text(cr, row[c]);
		cairo_tag_end(cr, "TD");
	}
	cairo_tag_end(cr, "TR");
	cairo_tag_end(cr, "Table");
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	doc = open_doc(path);
	cr_assert_eq(doc->tables.n, 1);
	t = &doc->tables.tables[0];
	cr_assert_eq(t->source, TABLE_FROM_TAGS);
	cr_assert_eq(t->rows, 1);
	cr_assert_eq(t->cols, 3);
	for (int c = 0; c < 3; c++)
		cr_assert_str_eq(text_at(t, 0, c), row[c]);
	cr_assert(t->box.x0 >= 49 && t->box.x1 < 260, "box %g..%g", t->box.x0, t->box.x1);
	/* its text is the table's, not body text */
	for (guint i = 0; i < doc->lines->len; i++)
		cr_assert_null(strstr(g_array_index(doc->lines, struct text_line, i).text,
			"North"));
	budtab_doc_destroy(doc);
}

Test(tagged, cells_outside_rows_and_rows_outside_tables_are_ignored)
{
	g_autofree char *path = g_build_filename(tmpdir, "odd.pdf", NULL);
	cairo_surface_t *s = cairo_pdf_surface_create(path, 400, 400);
	cairo_t *cr = cairo_create(s);
	struct budtab_doc *doc;

	cairo_select_font_face(cr, "Helvetica", CAIRO_FONT_SLANT_NORMAL,
		CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 10);
	cairo_tag_begin(cr, "TD", NULL);
	cairo_move_to(cr, 50, 30);
	cairo_show_text(cr, "stray cell");
	cairo_tag_end(cr, "TD");
	cairo_tag_begin(cr, "TR", NULL);
	cairo_move_to(cr, 50, 50);
	cairo_show_text(cr, "stray row");
	cairo_tag_end(cr, "TR");
	cairo_tag_begin(cr, "Table", NULL);
	cairo_move_to(cr, 50, 70);
	cairo_show_text(cr, "a table with no rows");
	cairo_tag_end(cr, "Table");
	cairo_tag_begin(cr, "Table", NULL);
	cairo_tag_begin(cr, "TR", NULL);
	cairo_tag_end(cr, "TR");
	cairo_tag_end(cr, "Table");
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	doc = open_doc(path);
	cr_assert_eq(doc->tables.n, 0);
	budtab_doc_destroy(doc);
}
