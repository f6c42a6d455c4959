#include <criterion/criterion.h>
#include <string.h>

#include "grid.h"
#include "synth.h"

static const struct grid_limits limits = { 100000, 20000 };

static struct table_list
find(struct synth *s)
{
	struct page page = synth_page(s);
	struct table_list list = { 0 };
	struct budtab_error err = { 0 };
	bool *used = g_new0(bool, page.n_glyphs + 1);

	cr_assert(grid_find(&page, &limits, used, &list, &err), "%s", err.message);
	g_free(used);
	return list;
}

static const char *
text_at(const struct table *t, int row, int col)
{
	const struct cell *c = table_cell_at(t, row, col);

	return c && c->text ? c->text : "";
}

/* A 4 x 3 ruled grid; the border under row 0 is missing in column 0, so
 * the first column's top cell spans rows 0-2 (the rule under row 1 is
 * missing there too). */
static void
merged_grid(struct synth *s, double dy)
{
	double xs[] = { 50, 150, 250, 350 };
	double ys[] = { 100, 130, 160, 190, 220 };

	for (int i = 0; i < 4; i++)
		synth_vline(s, xs[i], ys[0] + dy, ys[4] + dy);
	synth_hline(s, 50, 350, ys[0] + dy);
	synth_hline(s, 150, 350, ys[1] + dy);
	synth_hline(s, 150, 350, ys[2] + dy);
	synth_hline(s, 50, 350, ys[3] + dy);
	synth_hline(s, 50, 350, ys[4] + dy);
	/* the label sits at the vertical centre of its block */
	synth_text(s, 60, 140 + dy, "产出指标", 10);
	synth_text(s, 160, 110 + dy, "数量指标", 10);
	synth_text(s, 160, 140 + dy, "质量指标", 10);
	synth_text(s, 160, 170 + dy, "时效指标", 10);
	synth_text(s, 260, 110 + dy, "≥100%", 10);
	synth_text(s, 60, 200 + dy, "效益指标", 10);
	synth_text(s, 160, 200 + dy, "社会效益", 10);
}

Test(grid, merged_cell_spans_the_rows_its_borders_leave_open)
{
	struct synth s;
	struct table_list list;
	const struct cell *c;

	synth_init(&s);
	merged_grid(&s, 0);
	list = find(&s);
	cr_assert_eq(list.n, 1);
	cr_expect_eq(list.tables[0].rows, 4);
	cr_expect_eq(list.tables[0].cols, 3);
	cr_expect(list.tables[0].ruled);
	c = table_cell_at(&list.tables[0], 1, 0);
	cr_assert_not_null(c);
	cr_expect_eq(c->row, 0);
	cr_expect_eq(c->rowspan, 3);
	cr_expect_str_eq(c->text, "产出指标");
	cr_expect_str_eq(text_at(&list.tables[0], 2, 1), "时效指标");
	cr_expect_str_eq(text_at(&list.tables[0], 3, 0), "效益指标");
	table_list_finish(&list);
	synth_finish(&s);
}

/* Column rules in the header row only, the body's rows ruled across:
 * the text's own column gaps part the body cells, while a letter-spaced
 * heading and an empty merged cell stay whole. */
Test(grid, body_columns_open_below_a_ruled_header_follow_the_text)
{
	struct synth s;
	struct table_list list;
	const struct table *t;
	const struct cell *c;

	synth_init(&s);
	synth_vline(&s, 50, 100, 220);
	synth_vline(&s, 350, 100, 220);
	synth_vline(&s, 150, 100, 130);
	synth_vline(&s, 250, 100, 130);
	for (double y = 100; y <= 220; y += 30)
		synth_hline(&s, 50, 350, y);
	synth_text(&s, 60, 110, "Country", 10);
	synth_text(&s, 160, 110, "Domestic", 10);
	synth_text(&s, 260, 110, "Total", 10);
	synth_text(&s, 60, 140, "Czech Republic", 10);
	synth_text(&s, 220, 140, "98.6", 10);
	synth_text(&s, 320, 140, "17,655", 10);
	/* letter-spaced over the first two columns: even gaps */
	synth_text(&s, 80, 170, "绩  效  指  标  描  述", 10);
	/* two texts with an empty slot between them */
	synth_text(&s, 60, 200, "EU", 10);
	synth_text(&s, 320, 200, "151", 10);
	list = find(&s);
	cr_assert_eq(list.n, 1);
	t = &list.tables[0];
	cr_expect_eq(t->cols, 3);
	cr_expect_str_eq(text_at(t, 1, 0), "Czech Republic");
	cr_expect_str_eq(text_at(t, 1, 1), "98.6");
	cr_expect_str_eq(text_at(t, 1, 2), "17,655");
	c = table_cell_at(t, 2, 0);
	cr_assert_not_null(c);
	cr_expect_eq(c->colspan, 3, "letter-spaced heading split: colspan %d", c->colspan);
	cr_expect_str_eq(c->text, "绩效指标描述");
	c = table_cell_at(t, 3, 1);
	cr_assert_not_null(c);
	cr_expect(c->colspan > 1 || !c->text, "empty merged cell took text");
	table_list_finish(&list);
	synth_finish(&s);
}

Test(grid, borders_drawn_twice_a_little_apart_are_one_border)
{
	struct synth s;
	struct table_list list;

	synth_init(&s);
	merged_grid(&s, 0);
	/* every cell drawing its own borders: the same grid shifted 1pt */
	for (int i = 0, n = (int)s.rules->len; i < n; i++) {
		struct rule r = g_array_index(s.rules, struct rule, i);

		r.x0 += 1;
		r.x1 += 1;
		r.y0 += 1;
		r.y1 += 1;
		g_array_append_val(s.rules, r);
	}
	list = find(&s);
	cr_assert_eq(list.n, 1);
	cr_expect_eq(list.tables[0].rows, 4);
	cr_expect_eq(list.tables[0].cols, 3);
	table_list_finish(&list);
	synth_finish(&s);
}

Test(grid, vertical_label_one_character_a_line_reads_as_one_word)
{
	struct synth s;
	struct table_list list;

	synth_init(&s);
	synth_vline(&s, 50, 100, 220);
	synth_vline(&s, 80, 100, 220);
	synth_vline(&s, 300, 100, 220);
	synth_hline(&s, 50, 300, 100);
	synth_hline(&s, 80, 300, 160);
	synth_hline(&s, 50, 300, 220);
	synth_text(&s, 60, 120, "产", 10);
	synth_text(&s, 60, 132, "出", 10);
	synth_text(&s, 60, 144, "指", 10);
	synth_text(&s, 60, 156, "标", 10);
	synth_text(&s, 90, 110, "数量指标", 10);
	synth_text(&s, 90, 170, "质量指标", 10);
	list = find(&s);
	cr_assert_eq(list.n, 1);
	cr_expect_str_eq(text_at(&list.tables[0], 0, 0), "产出指标");
	cr_expect_eq(table_cell_at(&list.tables[0], 0, 0)->rowspan, 2);
	table_list_finish(&list);
	synth_finish(&s);
}

Test(grid, a_lone_frame_is_not_a_table)
{
	struct synth s;
	struct table_list list;

	synth_init(&s);
	synth_hline(&s, 50, 500, 50);
	synth_hline(&s, 50, 500, 800);
	synth_vline(&s, 50, 50, 800);
	synth_vline(&s, 500, 50, 800);
	synth_text(&s, 60, 100, "这是一段正文，没有表格。", 10);
	list = find(&s);
	cr_expect_eq(list.n, 0);
	table_list_finish(&list);
	synth_finish(&s);
}

/* An unruled table: three columns, the middle one wrapped in row 2. */
static void
unruled(struct synth *s, double y)
{
	const char *rows[][3] = {
		{ "二级指标", "三级指标", "指标值" },
		{ "数量指标", "职工人数", "≤170人" },
		{ "质量指标", "发放准确率", "≥100%" },
		{ "时效指标", "工资发放及", "≥100%" },
	};

	for (int r = 0; r < 4; r++) {
		synth_text(s, 50, y, rows[r][0], 10);
		synth_text(s, 150, y, rows[r][1], 10);
		synth_text(s, 250, y, rows[r][2], 10);
		y += r == 3 ? 11 : 20;
	}
	synth_text(s, 150, y, "时率", 10); /* wrapped, tighter than rows */
}

Test(grid, unruled_columns_come_from_shared_gaps)
{
	struct synth s;
	struct table_list list;
	const struct table *t;

	synth_init(&s);
	unruled(&s, 100);
	list = find(&s);
	cr_assert_eq(list.n, 1);
	t = &list.tables[0];
	cr_expect_not(t->ruled);
	cr_expect_eq(t->cols, 3);
	cr_expect_eq(t->rows, 4);
	cr_expect_str_eq(text_at(t, 1, 2), "≤170人");
	cr_expect_str_eq(text_at(t, 3, 1), "工资发放及时率");
	table_list_finish(&list);
	synth_finish(&s);
}

/* Columns ruled, rows open: the header's three lines of words stay one
 * row; the body's ruled row holds a stack of rows (numbers, one a line,
 * with a blank cell) and is parted into them. */
Test(grid, a_ruled_row_holding_a_stack_of_numbers_is_parted_into_rows)
{
	static const char *const names[] = { "Bulgaria", "Cyprus", "Czechia", "Estonia" };
	static const char *const a[] = { "2.3", "0.21", "8.8", "1.1" };
	static const char *const b[] = { "3.2", "", "13.4", "1.9" };
	struct synth s;
	struct table_list list;
	const struct table *t;

	synth_init(&s);
	for (double x = 50; x <= 350; x += 100)
		synth_vline(&s, x, 100, 250);
	synth_hline(&s, 50, 350, 100);
	synth_hline(&s, 50, 350, 145);
	synth_hline(&s, 50, 350, 250);
	for (int i = 0; i < 3; i++) {
		static const char *const head[][3] = {
			{ "Country", "Cohesion", "Regional" },
			{ "or", "Fund", "Fund" },
			{ "heading", "EUR bn", "EUR bn" },
		};

		for (int c = 0; c < 3; c++)
			synth_text(&s, 55 + 100 * c, 104 + 12 * i, head[i][c], 10);
	}
	for (int i = 0; i < 4; i++) {
		synth_text(&s, 55, 155 + 20 * i, names[i], 10);
		synth_text(&s, 155, 155 + 20 * i, a[i], 10);
		synth_text(&s, 255, 155 + 20 * i, b[i], 10);
	}
	list = find(&s);
	cr_assert_eq(list.n, 1);
	t = &list.tables[0];
	cr_expect_eq(t->cols, 3);
	cr_expect_eq(t->rows, 5);
	cr_expect_str_eq(text_at(t, 0, 1), "Cohesion Fund EUR bn");
	cr_expect_str_eq(text_at(t, 3, 0), "Czechia");
	cr_expect_str_eq(text_at(t, 3, 2), "13.4");
	cr_expect_str_eq(text_at(t, 2, 2), "");
	table_list_finish(&list);
	synth_finish(&s);
}

/* A frame with only the first column ruled off: the columns the text
 * sets apart by space inside the second ruled column are columns too. */
Test(grid, columns_set_apart_by_space_inside_a_ruled_column_are_columns)
{
	static const char *const rows[][4] = {
		{ "answers", "Freq.", "Percent", "Cum." },
		{ "0", "138", "6.9", "6.9" },
		{ "1", "178", "8.8", "15.7" },
		{ "2", "626", "31.1", "46.8" },
		{ "3", "1070", "53.2", "100.0" },
	};
	struct synth s;
	struct table_list list;
	const struct table *t;

	synth_init(&s);
	synth_vline(&s, 50, 100, 220);
	synth_vline(&s, 150, 100, 220);
	synth_vline(&s, 400, 100, 220);
	for (double y = 100; y <= 220; y += 24)
		synth_hline(&s, 50, 400, y);
	for (int r = 0; r < 5; r++) {
		synth_text(&s, 55, 106 + 24 * r, rows[r][0], 10);
		for (int c = 1; c < 4; c++)
			synth_text(&s, 80 + 80 * c, 106 + 24 * r, rows[r][c], 10);
	}
	list = find(&s);
	cr_assert_eq(list.n, 1);
	t = &list.tables[0];
	cr_expect_eq(t->rows, 5);
	cr_expect_eq(t->cols, 4);
	cr_expect_str_eq(text_at(t, 0, 2), "Percent");
	cr_expect_str_eq(text_at(t, 4, 3), "100.0");
	table_list_finish(&list);
	synth_finish(&s);
}

/* Notes set close under a table, that together run across every column
 * gap, end it: they do not take its columns away.  (The first alone
 * would read as a cell spanning the columns, as in a project block.) */
Test(grid, notes_across_the_columns_under_a_table_are_not_part_of_it)
{
	struct synth s;
	struct table_list list;

	synth_init(&s);
	unruled(&s, 100);
	synth_text(&s, 50, 186, "资料来源：财政局测算数据，按季度计算汇总", 10);
	synth_text(&s, 270, 186, "注1", 10);
	synth_text(&s, 50, 199, "以上数据均为初步统计结果，仅供参考使用。", 10);
	synth_text(&s, 270, 199, "注2", 10);
	list = find(&s);
	cr_assert_eq(list.n, 1);
	cr_expect_eq(list.tables[0].cols, 3);
	cr_expect_lt(list.tables[0].box.y1, 199);
	table_list_finish(&list);
	synth_finish(&s);
}

/* The labels of a line chart line up like a table: a polyline drawn
 * among them (three slanted pieces) makes them a chart; two stray pieces
 * nearby (a tick, an arrow head) do not. */
Test(grid, unruled_labels_with_lines_drawn_among_them_are_a_chart)
{
	struct synth s;
	struct table_list list;

	synth_init(&s);
	unruled(&s, 100);
	synth_mark(&s, 60, 150, 120, 170);
	synth_mark(&s, 120, 130, 200, 170);
	list = find(&s);
	cr_expect_eq(list.n, 1, "two marks: still a table");
	table_list_finish(&list);
	synth_mark(&s, 200, 120, 290, 130);
	list = find(&s);
	cr_expect_eq(list.n, 0, "three marks: a chart");
	table_list_finish(&list);
	synth_finish(&s);
}

/* The labels of a bar chart whose bars are drawn square line up like a
 * table, rows of a year and its values; what gives them away is the
 * value axis: 0, 10, 20 ... evenly spaced, along a line under them with
 * more ticks than they have columns, or up a column through them. */
static void
bar_labels(struct synth *s)
{
	const char *rows[][4] = {
		{ "2001", "30.5", "49.0", "20.4" },
		{ "2005", "29.7", "48.6", "21.7" },
		{ "2010", "28.7", "46.3", "25.0" },
		{ "2015", "27.2", "45.0", "27.8" },
	};

	for (int r = 0; r < 4; r++) {
		synth_text(s, 60, 100 + 20 * r, rows[r][0], 10);
		synth_text(s, 120, 100 + 20 * r, rows[r][1], 10);
		synth_text(s, 250, 100 + 20 * r, rows[r][2], 10);
		synth_text(s, 420, 100 + 20 * r, rows[r][3], 10);
	}
}

Test(grid, unruled_labels_over_a_value_axis_are_a_chart)
{
	struct synth s;
	struct table_list list;

	synth_init(&s);
	bar_labels(&s);
	list = find(&s);
	cr_expect_eq(list.n, 1, "no axis: a table");
	table_list_finish(&list);
	/* 0% .. 100% under the labels, 11 ticks 36 pt apart, labels of
	 * uneven width left-aligned on their ticks */
	for (int k = 0; k <= 10; k++) {
		char label[8];

		g_snprintf(label, sizeof label, "%d%%", 10 * k);
		synth_text(&s, 90 + 36 * k - (k == 10 ? 5 : 0), 190, label, 8);
	}
	list = find(&s);
	cr_expect_eq(list.n, 0, "an x axis under them: a chart");
	table_list_finish(&list);
	synth_finish(&s);
}

Test(grid, unruled_labels_beside_a_y_axis_are_a_chart)
{
	struct synth s;
	struct table_list list;

	synth_init(&s);
	bar_labels(&s);
	/* 0 .. 0.2 up a column of right-aligned numbers through the rows */
	for (int k = 0; k <= 10; k++) {
		char label[8];
		double w;

		g_snprintf(label, sizeof label, "%g", 0.02 * k);
		w = 4.0 * (double)strlen(label);  /* half an em a digit */
		synth_text(&s, 50 - w, 190 - 9 * k, label, 8);
	}
	list = find(&s);
	cr_expect_eq(list.n, 0, "a y axis through them: a chart");
	table_list_finish(&list);
	synth_finish(&s);
}

/* A table's own header of numbers from 0 up, a column each, is no axis;
 * nor is a year header, which does not start at 0. */
Test(grid, a_header_of_rising_numbers_is_no_axis)
{
	const char *heads[][5] = {
		{ "0", "10", "20", "30", "40" },
		{ "2001", "2002", "2003", "2004", "2005" },
	};

	for (int h = 0; h < 2; h++) {
		struct synth s;
		struct table_list list;

		synth_init(&s);
		for (int c = 0; c < 5; c++) {
			synth_text(&s, 60 + 70 * c, 100, heads[h][c], 10);
			for (int r = 1; r < 5; r++)
				synth_text(&s, 60 + 70 * c, 100 + 20 * r,
					c % 2 ? "12.5" : "7.25", 10);
		}
		list = find(&s);
		cr_expect_eq(list.n, 1, "header %d", h);
		if (list.n == 1)
			cr_expect_eq(list.tables[0].cols, 5);
		table_list_finish(&list);
		synth_finish(&s);
	}
}

Test(grid, running_text_is_no_table)
{
	struct synth s;
	struct table_list list;

	synth_init(&s);
	for (int i = 0; i < 6; i++)
		synth_text(&s, 50, 100 + 14 * i,
			"我局将坚持以新时代中国特色社会主义思想为指导推动发展。", 10);
	list = find(&s);
	cr_expect_eq(list.n, 0);
	table_list_finish(&list);
	synth_finish(&s);
}

Test(grid, two_tables_on_one_page_come_top_to_bottom)
{
	struct synth s;
	struct table_list list;

	synth_init(&s);
	merged_grid(&s, 300);
	merged_grid(&s, 0);
	list = find(&s);
	cr_assert_eq(list.n, 2);
	cr_expect_lt(list.tables[0].box.y0, list.tables[1].box.y0);
	table_list_finish(&list);
	synth_finish(&s);
}

Test(grid, table_over_a_page_break_is_stitched)
{
	struct table_list list = { 0 };
	struct table a = { 0 }, b = { 0 }, c = { 0 };

	a.page = 1;
	a.box = (struct box){ 50, 500, 350, 800 };
	a.continues = -1;
	b.page = 2;
	b.box = (struct box){ 50, 60, 350, 300 };
	b.continues = -1;
	b.text_below = true;
	c.page = 2;
	c.box = (struct box){ 50, 400, 350, 600 };
	c.continues = -1;
	c.text_above = true;
	list.tables = g_new0(struct table, 3);
	list.tables[0] = a;
	list.tables[1] = b;
	list.tables[2] = c;
	list.n = list.cap = 3;
	grid_stitch(&list);
	cr_expect_eq(list.tables[1].continues, 0);
	cr_expect_eq(list.tables[2].continues, -1);
	table_list_finish(&list);
}

Test(grid, cell_limit_is_an_error_not_a_crash)
{
	struct synth s;
	struct page page;
	struct table_list list = { 0 };
	struct budtab_error err = { 0 };
	struct grid_limits small = { 4, 20000 };
	bool used[64] = { 0 };

	synth_init(&s);
	merged_grid(&s, 0);
	page = synth_page(&s);
	cr_expect_not(grid_find(&page, &small, used, &list, &err));
	cr_expect_eq(err.status, BUDTAB_ERR_LIMIT);
	table_list_finish(&list);
	synth_finish(&s);
}
