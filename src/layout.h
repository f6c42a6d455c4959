/* Glyphs -> text: lines, segments and cell text.  Shared by the grid
 * stage (cell content, unruled tables) and the records stage (captions
 * and titles printed outside tables). */
#ifndef BUDTAB_LAYOUT_H
#define BUDTAB_LAYOUT_H

#include "model.h"

/* A horizontal piece of one text line: glyphs closer than a column gap. */
struct segment {
	struct box box;
	size_t *glyphs;   /* indices into the page's glyphs, left to right */
	size_t n_glyphs;
	float size;       /* median font size */
};

struct line {
	struct box box;
	struct segment *segments; /* left to right */
	size_t n_segments;
	float size;
};

struct line_list {
	struct line *lines; /* top to bottom */
	size_t n;
};

/* True for code points that join without spaces (CJK ideographs, kana,
 * hangul, full-width forms and CJK punctuation). */
bool layout_is_wide(uint32_t cp);

/* Groups the glyphs of page whose index has keep[i] true (keep may be
 * NULL for all) into lines, each split into segments where the gap is at
 * least gap_em times the font size (half that next to a wide character).  Free with layout_lines_finish. */
void layout_lines(const struct page *page, const bool *keep, double gap_em,
	struct line_list *out);
void layout_lines_finish(struct line_list *lines);

/* The text of the given glyphs of page read as one block: grouped into
 * lines top to bottom, lines left to right; no space is invented between
 * two wide characters, Latin words and wrapped Latin lines are joined with
 * one space.  Returns a g_malloc'd UTF-8 string, or NULL when n is 0. */
char *layout_text(const struct page *page, const size_t *glyphs, size_t n);

/* The text of one segment (same rules). g_malloc'd. */
char *layout_segment_text(const struct page *page, const struct segment *seg);

/* Box helpers. */
double box_overlap_x(const struct box *a, const struct box *b);
double box_overlap_y(const struct box *a, const struct box *b);
void box_union(struct box *acc, const struct box *b);

#endif
