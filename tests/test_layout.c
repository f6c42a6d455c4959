#include <criterion/criterion.h>

#include "layout.h"
#include "synth.h"

static char *
all_text(struct synth *s)
{
	struct page page = synth_page(s);
	size_t *idx = g_new(size_t, page.n_glyphs);
	char *text;

	for (size_t i = 0; i < page.n_glyphs; i++)
		idx[i] = i;
	text = layout_text(&page, idx, page.n_glyphs);
	g_free(idx);
	return text;
}

Test(layout, wrapped_cjk_lines_join_without_a_space)
{
	struct synth s;
	g_autofree char *t = NULL;

	synth_init(&s);
	synth_text(&s, 10, 10, "工资发放及", 10);
	synth_text(&s, 10, 22, "时率", 10);
	t = all_text(&s);
	cr_expect_str_eq(t, "工资发放及时率");
	synth_finish(&s);
}

Test(layout, wrapped_latin_lines_join_with_one_space)
{
	struct synth s;
	g_autofree char *t = NULL;

	synth_init(&s);
	synth_text(&s, 10, 10, "to air", 10);
	synth_text(&s, 10, 22, "kg/year", 10);
	t = all_text(&s);
	cr_expect_str_eq(t, "to air kg/year");
	synth_finish(&s);
}

Test(layout, letter_spaced_cjk_label_has_no_spaces)
{
	struct synth s;
	g_autofree char *t = NULL;

	synth_init(&s);
	synth_text(&s, 10, 10, "项  目  编  码", 10);
	t = all_text(&s);
	cr_expect_str_eq(t, "项目编码");
	synth_finish(&s);
}

Test(layout, lines_split_into_segments_at_column_gaps)
{
	struct synth s;
	struct page page;
	struct line_list ll;

	synth_init(&s);
	synth_text(&s, 10, 10, "数量指标", 10);
	synth_text(&s, 100, 10, "职工人数", 10);
	synth_text(&s, 200, 10, "to be done", 10);
	page = synth_page(&s);
	layout_lines(&page, NULL, 0.9, &ll);
	cr_assert_eq(ll.n, 1);
	cr_expect_eq(ll.lines[0].n_segments, 3);
	layout_lines_finish(&ll);
	synth_finish(&s);
}

Test(layout, wide_ranges)
{
	cr_expect(layout_is_wide(0x4E2D)); /* 中 */
	cr_expect(layout_is_wide(0xFF05)); /* ％ */
	cr_expect(layout_is_wide(0x3001)); /* 、 */
	cr_expect_not(layout_is_wide('A'));
	cr_expect_not(layout_is_wide('%'));
}
