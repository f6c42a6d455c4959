/* Synthetic pages for the stage tests: glyphs and rules placed by hand,
 * so the grid stage is tested without any PDF. */
#ifndef BUDTAB_TEST_SYNTH_H
#define BUDTAB_TEST_SYNTH_H

#include <glib.h>

#include "layout.h"
#include "model.h"

struct synth {
	GArray *glyphs;
	GArray *rules;
	GArray *marks;
};

static inline void
synth_init(struct synth *s)
{
	s->glyphs = g_array_new(FALSE, FALSE, sizeof(struct glyph));
	s->rules = g_array_new(FALSE, FALSE, sizeof(struct rule));
	s->marks = g_array_new(FALSE, FALSE, sizeof(struct box));
}

/* Lays text from (x, y) (top left) at the given size: wide characters
 * one em wide, others half an em; spaces advance without a glyph. */
static inline double
synth_text(struct synth *s, double x, double y, const char *text, double size)
{
	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		double w = layout_is_wide(c) ? size : size / 2;

		if (c != ' ') {
			struct glyph g = { c, { x, y, x + w, y + size }, (float)size };

			g_array_append_val(s->glyphs, g);
		}
		x += w;
	}
	return x;
}

static inline void
synth_hline(struct synth *s, double x0, double x1, double y)
{
	struct rule r = { RULE_H, x0, y, x1, y, 0.5 };

	g_array_append_val(s->rules, r);
}

static inline void
synth_vline(struct synth *s, double x, double y0, double y1)
{
	struct rule r = { RULE_V, x, y0, x, y1, 0.5 };

	g_array_append_val(s->rules, r);
}

/* A slanted or curved piece of drawing covering the box. */
static inline void
synth_mark(struct synth *s, double x0, double y0, double x1, double y1)
{
	struct box b = { x0, y0, x1, y1 };

	g_array_append_val(s->marks, b);
}

/* The page view of s (borrowed arrays). */
static inline struct page
synth_page(struct synth *s)
{
	struct page p = {
		.number = 1, .width = 595, .height = 842,
		.glyphs = (struct glyph *)s->glyphs->data,
		.n_glyphs = s->glyphs->len,
		.rules = (struct rule *)s->rules->data,
		.n_rules = s->rules->len,
		.marks = (struct box *)s->marks->data,
		.n_marks = s->marks->len,
	};

	return p;
}

static inline void
synth_finish(struct synth *s)
{
	g_array_free(s->glyphs, TRUE);
	g_array_free(s->rules, TRUE);
	g_array_free(s->marks, TRUE);
}

#endif
