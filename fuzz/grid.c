/* The grid builder (grid.c, cluster.c) and the line layout it stands
 * on, fed synthetic pages decoded from the input, the way tests/synth.h
 * builds them by hand.  The input is a list of records:
 *
 *   'T' x:u16 y:u16 size:u8 n:u8 then n alphabet indices   a run of text
 *   'H' x0:u16 x1:u16 y:u16 width:u8                      a horizontal rule
 *   'V' x:u16 y0:u16 y1:u16 width:u8                      a vertical rule
 *   'M' x0:u16 y0:u16 x1:u16 y1:u16                       a mark (chart drawing)
 *   'C' row:u8 n:u8 then n alphabet indices               a tagged cell
 *
 * The tagged cells, in order, make one tagged table of the page (rows as
 * given, spans 1, as source_pdf.c reads them), weighed against the
 * geometry's tables by tags_apply.
 * Coordinates are u16 / 64 points (0 to 1024, big-endian), sizes u8 / 8
 * points; any other record byte is skipped.  Boxes keep the page
 * model's promises (x0 <= x1, y0 <= y1, no white space glyph): those
 * are the sources' to keep, not the grid's to check. */
#include <glib.h>
#include <string.h>

#include "fuzz.h"
#include "grid.h"
#include "layout.h"
#include "tags.h"

static const char alphabet[] =
	"项目名称编码资金总额其中财政年度绩效目标产出指标效益满意度数量质量时效成本"
	"一级二级三级值依据说明合计万元个人次月日年%≥≤＞＜=0123456789.,:（）()-";

struct reader {
	const uint8_t *p, *end;
};

static bool
u8(struct reader *r, unsigned *out)
{
	if (r->p >= r->end)
		return false;
	*out = *r->p++;
	return true;
}

static bool
coord(struct reader *r, double *out)
{
	unsigned hi, lo;

	if (!u8(r, &hi) || !u8(r, &lo))
		return false;
	*out = (double)(hi << 8 | lo) / 64.0;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static gunichar *chars;
	static glong n_chars;
	struct reader r = { data, data + size };
	GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(struct glyph));
	GArray *rules = g_array_new(FALSE, FALSE, sizeof(struct rule));
	GArray *marks = g_array_new(FALSE, FALSE, sizeof(struct box));
	GArray *cells = g_array_new(FALSE, FALSE, sizeof(struct tag_cell));
	struct tag_table tags = { .page = 1 };
	unsigned op;

	if (!chars)
		chars = g_utf8_to_ucs4_fast(alphabet, -1, &n_chars);
	while (u8(&r, &op)) {
		double a, b, c;
		unsigned s, n, k;

		if (op == 'T') {
			if (!coord(&r, &a) || !coord(&r, &b) || !u8(&r, &s) || !u8(&r, &n))
				break;
			double em = 1 + s / 8.0;
			for (unsigned i = 0; i < n && u8(&r, &k); i++) {
				gunichar cp = chars[k % (unsigned)n_chars];
				double w = layout_is_wide(cp) ? em : em / 2;
				struct glyph g = { cp, { a, b, a + w, b + em }, (float)em };

				g_array_append_val(glyphs, g);
				a += w;
			}
		} else if (op == 'H' || op == 'V') {
			if (!coord(&r, &a) || !coord(&r, &b) || !coord(&r, &c) || !u8(&r, &s))
				break;
			double lo = MIN(a, b), hi = MAX(a, b);
			struct rule ru = op == 'H' ?
				(struct rule){ RULE_H, lo, c, hi, c, s / 16.0 } :
				(struct rule){ RULE_V, c, lo, c, hi, s / 16.0 };

			g_array_append_val(rules, ru);
		} else if (op == 'M') {
			double d;

			if (!coord(&r, &a) || !coord(&r, &b) || !coord(&r, &c) ||
			    !coord(&r, &d))
				break;
			struct box m = { MIN(a, c), MIN(b, d), MAX(a, c), MAX(b, d) };

			g_array_append_val(marks, m);
		} else if (op == 'C') {
			GString *text = g_string_new(NULL);
			struct tag_cell cell = { .rowspan = 1, .colspan = 1 };

			if (!u8(&r, &s) || !u8(&r, &n)) {
				g_string_free(text, TRUE);
				break;
			}
			for (unsigned i = 0; i < n && u8(&r, &k); i++)
				g_string_append_unichar(text, chars[k % (unsigned)n_chars]);
			cell.row = (int)s;
			cell.text = g_string_free(text, text->len == 0);
			tags.n_rows = MAX(tags.n_rows, cell.row + 1);
			g_array_append_val(cells, cell);
		}
	}
	tags.n_cells = cells->len;
	tags.cells = (struct tag_cell *)(void *)cells->data;

	/* rules_complete stays false: text_borders() is the riskier path */
	struct page page = {
		.number = 1, .width = 1024, .height = 1024,
		.glyphs = (struct glyph *)glyphs->data, .n_glyphs = glyphs->len,
		.rules = (struct rule *)rules->data, .n_rules = rules->len,
		.marks = (struct box *)marks->data, .n_marks = marks->len,
	};
	/* small limits, so the fuzzer reaches them too */
	const struct grid_limits limits = { 5000, 500 };
	struct table_list list = { 0 };
	struct budtab_error err = { 0 };
	bool *used = g_new0(bool, page.n_glyphs + 1);

	if (grid_find(&page, &limits, used, &list, &err)) {
		if (tags.n_cells)
			tags_apply(&page, &tags, 1, limits.max_cells, used, &list, 0);
		for (size_t t = 0; t < list.n; t++) {
			const struct table *tab = &list.tables[t];

			fuzz_assert(tab->rows > 0 && tab->cols > 0, "an empty table");
			fuzz_assert((long)tab->rows * tab->cols <= limits.max_cells,
				"a table over the cell limit");
			for (int row = 0; row < tab->rows; row++)
				for (int col = 0; col < tab->cols; col++) {
					const struct cell *cell = table_cell_at(tab, row, col);

					fuzz_assert(!cell || (cell->row <= row &&
						row < cell->row + cell->rowspan &&
						cell->col <= col && col < cell->col + cell->colspan),
						"a cell that does not cover its slot");
				}
		}
		grid_stitch(&list);
	} else {
		fuzz_assert(err.status == BUDTAB_ERR_LIMIT, "failure of another kind");
		fuzz_assert(fuzz_one_line(&err), "failure without a one-line message");
	}
	table_list_finish(&list);
	g_free(used);
	g_array_free(glyphs, TRUE);
	g_array_free(rules, TRUE);
	g_array_free(marks, TRUE);
	for (guint i = 0; i < cells->len; i++)
		g_free(g_array_index(cells, struct tag_cell, i).text);
	g_array_free(cells, TRUE);
	return 0;
}
