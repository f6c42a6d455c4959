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

/* A two-level header and merged cells, tagged as a producer that writes
 * RowSpan/ColSpan would: a merged cell's TR simply lacks the cells it
 * covers.  poppler-glib does not read the spans, so they come from where
 * the cells' glyphs stand. */
struct merged_cell {
	int row;
	double x;
	const char *text;
};

static const struct merged_cell merged[] = {
	{ 0, 50, "Area" }, { 0, 100, "Town" }, { 0, 178, "2023" }, { 0, 268, "2024" },
	{ 1, 160, "Q1" }, { 1, 200, "Q2" }, { 1, 250, "Q1" }, { 1, 290, "Q2" },
	{ 2, 50, "North" }, { 2, 100, "Alby" }, { 2, 160, "1" }, { 2, 200, "2" },
	{ 2, 250, "3" }, { 2, 290, "4" },
	{ 3, 100, "Bury" }, { 3, 160, "5" }, { 3, 200, "6" }, { 3, 250, "7" },
	{ 3, 290, "8" },
	{ 4, 50, "South" }, { 4, 100, "Cray" }, { 4, 160, "9" }, { 4, 200, "10" },
	{ 4, 250, "11" }, { 4, 290, "12" },
	{ 5, 50, "Total" }, { 5, 160, "13" }, { 5, 200, "14" }, { 5, 250, "15" },
	{ 5, 290, "16" },
};

/* The table above, its cells tagged; with stray, a text the tags leave
 * out where the merged "North" reaches down. */
static char *
make_merged_pdf(const char *name, bool stray)
{
	char *path = g_build_filename(tmpdir, name, NULL);
	cairo_surface_t *s = cairo_pdf_surface_create(path, 400, 400);
	cairo_t *cr = cairo_create(s);
	size_t n = G_N_ELEMENTS(merged);

	cairo_select_font_face(cr, "Helvetica", CAIRO_FONT_SLANT_NORMAL,
		CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 10);
	cairo_tag_begin(cr, "Table", NULL);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || merged[i].row != merged[i - 1].row)
			cairo_tag_begin(cr, "TR", NULL);
		cairo_tag_begin(cr, merged[i].row < 2 ? "TH" : "TD", NULL);
		cairo_move_to(cr, merged[i].x, 50 + merged[i].row * 16);
		cairo_show_text(cr, merged[i].text);
		cairo_tag_end(cr, merged[i].row < 2 ? "TH" : "TD");
		if (i + 1 == n || merged[i + 1].row != merged[i].row)
			cairo_tag_end(cr, "TR");
	}
	cairo_tag_end(cr, "Table");
	if (stray) {
		cairo_move_to(cr, 50, 50 + 3 * 16);
		cairo_show_text(cr, "x");
	}
	cairo_show_page(cr);
	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return path;
}

static void
assert_span(const struct table *t, int row, int col, int rowspan,
	int colspan, const char *text)
{
	const struct cell *c = table_cell_at(t, row, col);

	cr_assert_not_null(c, "no cell at %d,%d", row, col);
	cr_assert_eq(c->row, row, "cell at %d,%d starts in row %d", row, col, c->row);
	cr_assert_eq(c->col, col, "cell at %d,%d starts in col %d", row, col, c->col);
	cr_assert_eq(c->rowspan, rowspan, "%s: rowspan %d", text, c->rowspan);
	cr_assert_eq(c->colspan, colspan, "%s: colspan %d", text, c->colspan);
	cr_assert_str_eq(c->text ? c->text : "", text);
}

/* The one table of doc, built from the tags, rows x cols. */
static const struct table *
only_tagged_table(const struct budtab_doc *doc, int rows, int cols)
{
	const struct table *t;

	cr_assert_eq(doc->tables.n, 1);
	t = &doc->tables.tables[0];
	cr_assert_eq(t->source, TABLE_FROM_TAGS);
	cr_assert_eq(t->rows, rows);
	cr_assert_eq(t->cols, cols);
	return t;
}

Test(tagged, spans_of_ragged_rows_are_read_off_the_page)
{
	g_autofree char *path = make_merged_pdf("merged.pdf", false);
	struct budtab_doc *doc = open_doc(path);
	const struct table *t = only_tagged_table(doc, 6, 6);

	cr_assert_eq(t->n_cells, G_N_ELEMENTS(merged));
	assert_span(t, 0, 0, 2, 1, "Area");       /* down over the Q row */
	assert_span(t, 0, 1, 2, 1, "Town");
	assert_span(t, 0, 2, 1, 2, "2023");       /* across its quarters */
	assert_span(t, 0, 4, 1, 2, "2024");
	assert_span(t, 1, 2, 1, 1, "Q1");
	assert_span(t, 2, 0, 2, 1, "North");      /* a merged stub cell */
	assert_span(t, 3, 1, 1, 1, "Bury");
	assert_span(t, 5, 0, 1, 2, "Total");      /* a total over two columns */
	assert_span(t, 5, 5, 1, 1, "16");
	budtab_doc_destroy(doc);
}

Test(tagged, spans_are_not_laid_over_text_the_tags_leave_out)
{
	g_autofree char *path = make_merged_pdf("merged-stray.pdf", true);
	struct budtab_doc *doc = open_doc(path);

	/* "x" stands where "North" would reach down: the tags do not
	 * describe what is printed, and the geometry decides */
	cr_assert_geq(doc->tables.n, 1);
	for (size_t i = 0; i < doc->tables.n; i++)
		cr_assert_neq(doc->tables.tables[i].source, TABLE_FROM_TAGS);
	budtab_doc_destroy(doc);
}

Test(tagged, office_suite_table_with_cjk_text_and_merged_cells)
{
	struct budtab_doc *doc =
		open_doc(TEST_DATA_DIR "/tagged/libreoffice-merged-cjk.pdf");
	/* no table without the tags: the columns stand too close */
	const struct table *t = only_tagged_table(doc, 6, 5);

	cr_assert_eq(t->page, 2);
	assert_span(t, 0, 0, 2, 1, "一级指标");
	assert_span(t, 0, 1, 2, 1, "二级指标");
	assert_span(t, 0, 2, 1, 1, "甲");
	assert_span(t, 0, 3, 1, 2, "2024 年");
	assert_span(t, 1, 4, 1, 1, "依据");
	assert_span(t, 2, 0, 3, 1, "产出指标");
	/* E4 B8 AD: the byte poppler-glib loses */
	assert_span(t, 3, 2, 1, 1, "中");
	assert_span(t, 4, 3, 1, 1, "12 月");
	assert_span(t, 5, 0, 1, 3, "合计");
	assert_span(t, 5, 4, 1, 1, "无");
	budtab_doc_destroy(doc);
}
