/* Text dumps -> the same pages a PDF gives: glyphs, and the ruling lines
 * of the tables the dump's layout states, so that the later stages never
 * know the source.
 *
 * A dump keeps no geometry but its characters' places, so this stage
 * reads the tables from the layout and draws each as a printed table
 * would be drawn: a horizontal rule between rows, a vertical rule between
 * columns, left out where a cell runs over it.  Two layouts are told
 * apart by their content:
 *
 * - tab-separated (a portal's table pasted, a converter's dump): a run of
 *   lines holding tabs is a table, each line a row, field i of a line the
 *   cell of column i;
 * - space-aligned (pdftotext -layout): a run of lines split by runs of two
 *   or more spaces is a table.  Its columns are the character places that
 *   stay blank in nearly every line and part two pieces of text in some
 *   (a single space parts two cells where it falls on such a place).  Its
 *   rows are found in each block of lines between blank lines from the
 *   way a row is printed: cells vertically centred, so the lines of a
 *   wrapped cell stand symmetrically around the row's middle, and a row
 *   holds most of the columns the table's rows usually hold.  Cells a
 *   row holds side by side in one column are spread over the columns
 *   around, in their order; a cell whose text stands off its row's
 *   middle is a merged cell spanning the rows it centres on.
 *
 * Characters count one column each, or two for wide ones, whichever makes
 * the pieces of the dump line up better (pdftotext counts characters, a
 * terminal counts cells).  Text outside the tables is laid as plain lines
 * with their gaps closed.  A form feed starts a new page. */
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

#define SIZE 10.0        /* font size of the synthetic glyphs */
#define COL 4.4          /* one column: a single space stays inside a cell */
#define LINE 14.0        /* line pitch */
#define CELL_GAP 4       /* columns a tab-separated field keeps free */
#define TAB_STOP 8
/* Past these a line is body text, a region no table: bounds on the work
 * input sizes drive. */
#define MAX_WIDTH 2000   /* columns of a table line */
#define MAX_COLS 64      /* columns of a table (a bit each) */
#define MAX_ROW_LINES 12 /* lines of one table row */
/* A column gap may hold text in this share of a table's lines (text that
 * runs over it: a spanning cell). */
#define INK_ALLOW 0.17
/* How far from a column gap a single space may stand and still part the
 * two cells it separates. */
#define SPACE_SLACK 4
/* Blank lines that end a table. */
#define TABLE_END_BLANKS 3

struct piece {
	const char *p, *end; /* the text, without the spaces around it */
	int x0, x1;          /* dump columns [x0, x1) */
	int field;           /* tab-separated: the field's index; space-aligned:
	                      * the column cluster's rank, or -1 */
	bool whole;          /* letter-spaced: never cut at its spaces */
	double anchor;       /* the middle of its column cluster */
};

struct tline {
	const char *p, *end; /* the line, without its break */
	bool blank, tabbed;
	int width;           /* in dump columns */
	GArray *pieces;      /* struct piece */
};

/* A piece of text as one cell of a table holds it. */
struct frag {
	const char *p, *end;
	int line;            /* index of its line on the page */
	int x0, x1;          /* dump columns */
	int c0, c1;          /* the table columns it covers, inclusive */
	double anchor;       /* where its column is (a cluster's middle), or NAN */
	bool soft;           /* cut from the fragment before it at a space
	                      * between two ideographs */
};

struct region {
	int first, last;     /* lines [first, last) */
	int up;              /* lines [up, first) may begin the first row */
};

struct table_plan {
	int ncols;
	double *col_x;       /* ncols + 1 boundaries, in points */
	GArray *frags;       /* struct frag */
	GArray *rows;        /* int: first line of each row, then the end */
};

static int
popcount64(uint64_t v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static int
char_width(gunichar c, bool wide)
{
	return wide && g_unichar_iswide(c) ? 2 : 1;
}

static bool
is_space(gunichar c)
{
	return c == ' ' || c == 0x3000 || c == 0xA0 || (g_unichar_isspace(c) &&
		c != '\t' && c != '\n' && c != '\r' && c != '\f');
}

/* Characters that make no glyph: controls and zero-width marks. */
static bool
is_invisible(gunichar c)
{
	return g_unichar_iszerowidth(c) || g_unichar_iscntrl(c) ||
		c == 0xFEFF;
}

static void
add_piece(GArray *pieces, const char *p, const char *end, int x0, int x1,
	int field)
{
	struct piece pc = { p, end, x0, x1, field, false, 0 };

	g_array_append_val(pieces, pc);
}

/* Whether a piece is letter-spaced text: single characters parted by
 * spaces.  Counts its characters in *n. */
static bool
letter_spaced(const struct piece *pc, int *n)
{
	bool after_char = false;

	*n = 0;
	for (const char *q = pc->p; q < pc->end; q = g_utf8_next_char(q)) {
		gunichar c = g_utf8_get_char(q);

		if (is_space(c)) {
			after_char = false;
			continue;
		}
		if (after_char || !g_unichar_iswide(c))
			return false;
		after_char = true;
		(*n)++;
	}
	return *n > 0;
}

/* A piece that begins with three or more single characters parted by
 * spaces and goes on with a word (项 目 名 称 重点优抚…): the letters are
 * a label of their own. */
static void
part_letters(GArray *pieces, bool wide)
{
	for (guint i = 0; i < pieces->len; i++) {
		struct piece *pc = &g_array_index(pieces, struct piece, i);
		const char *q = pc->p, *last_space = NULL;
		int letters = 0, x = pc->x0, space_x = 0;

		while (q < pc->end) {
			const char *next = g_utf8_next_char(q);
			gunichar c = g_utf8_get_char(q);

			if (is_space(c)) {
				last_space = q;
				space_x = x;
			} else if (!g_unichar_iswide(c) ||
				   (next < pc->end && !is_space(g_utf8_get_char(next)))) {
				break;
			} else {
				letters++;
			}
			x += char_width(c, wide);
			q = next;
		}
		if (letters >= 3 && q < pc->end && last_space && last_space > pc->p) {
			struct piece rest = *pc;
			const char *r = last_space;
			int rx = space_x;

			while (r < pc->end && is_space(g_utf8_get_char(r))) {
				rx += char_width(g_utf8_get_char(r), wide);
				r = g_utf8_next_char(r);
			}
			rest.p = r;
			rest.x0 = rx;
			pc->end = last_space;
			pc->x1 = space_x;
			pc->whole = true;
			g_array_insert_val(pieces, i + 1, rest);
		}
	}
}

/* A label spread over its cell's width (项   目   编   码) comes out of a
 * dump as single characters parted by runs of spaces; three or more
 * such characters in a row are one piece again. */
static void
join_letter_spaced(GArray *pieces)
{
	for (guint i = 0; i < pieces->len; i++) {
		guint j = i;
		int total = 0, n;

		while (j < pieces->len &&
		       letter_spaced(&g_array_index(pieces, struct piece, j), &n)) {
			total += n;
			j++;
		}
		if (j - i == 1 && total >= 3) {
			g_array_index(pieces, struct piece, i).whole = true;
		} else if (j - i >= 2 && total >= 3) {
			struct piece *a = &g_array_index(pieces, struct piece, i);
			const struct piece *b = &g_array_index(pieces, struct piece, j - 1);

			a->end = b->end;
			a->x1 = b->x1;
			a->whole = true;
			g_array_remove_range(pieces, i + 1, j - i - 1);
		}
	}
}

/* Splits a line into pieces: tab-separated fields (every field, empty or
 * not, so a field keeps its index), or runs parted by two or more spaces
 * or a tab. */
static void
split_line(struct tline *l, bool tabs, bool wide)
{
	const char *q = l->p, *start = NULL, *last_end = NULL;
	int x = 0, x0 = 0, x_end = 0, spaces = 0, field = 0;

	l->pieces = g_array_new(FALSE, FALSE, sizeof(struct piece));
	l->tabbed = memchr(l->p, '\t', (size_t)(l->end - l->p)) != NULL;
	while (q < l->end) {
		gunichar c = g_utf8_get_char(q);
		const char *next = g_utf8_next_char(q);

		if (c == '\t') {
			if (start)
				add_piece(l->pieces, start, last_end, x0, x_end,
					tabs ? field : -1);
			else if (tabs)
				add_piece(l->pieces, q, q, x, x, field);
			start = NULL;
			field++;
			x = (x / TAB_STOP + 1) * TAB_STOP;
			spaces = 0;
		} else if (is_space(c)) {
			x += char_width(c, wide);
			/* Two spaces part pieces, except inside a tab field. */
			if (++spaces == 2 && start && !(tabs && l->tabbed)) {
				add_piece(l->pieces, start, last_end, x0, x_end, -1);
				start = NULL;
			}
		} else if (!is_invisible(c)) {
			if (!start) {
				start = q;
				x0 = x;
			}
			x += char_width(c, wide);
			x_end = x;
			last_end = next;
			spaces = 0;
		}
		q = next;
	}
	if (start)
		add_piece(l->pieces, start, last_end, x0, x_end,
			tabs && l->tabbed ? field : -1);
	else if (tabs && l->tabbed)
		add_piece(l->pieces, q, q, x, x, field);
	l->width = x;
	l->blank = last_end == NULL;
	if (!(tabs && l->tabbed)) {
		part_letters(l->pieces, wide);
		join_letter_spaced(l->pieces);
	}
}

/* The lines of data, split at line breaks; a form feed is a line of its
 * own marked by a NULL end. */
static GArray *
read_lines(const char *data, size_t len)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct tline));
	const char *p = data, *end = data + len, *start = data;

	while (p < end) {
		if (*p == '\n' || *p == '\r' || *p == '\f') {
			struct tline l = { start, p, true, false, 0, NULL };

			g_array_append_val(out, l);
			if (*p == '\f') {
				struct tline ff = { p, NULL, true, false, 0, NULL };

				g_array_append_val(out, ff);
			}
			if (*p == '\r' && p + 1 < end && p[1] == '\n')
				p++;
			start = ++p;
			continue;
		}
		p++;
	}
	if (start < end) {
		struct tline l = { start, end, true, false, 0, NULL };

		g_array_append_val(out, l);
	}
	return out;
}

/* How well the pieces of a dump line up with one character width or the
 * other: starts shared by several lines. */
static long
alignment_score(GArray *lines, bool wide)
{
	GHashTable *starts = g_hash_table_new(NULL, NULL);
	long score = 0;

	for (guint i = 0; i < lines->len; i++) {
		struct tline l = g_array_index(lines, struct tline, i);

		if (!l.end)
			continue;
		split_line(&l, false, wide);
		for (guint k = 0; l.pieces->len >= 2 && k < l.pieces->len; k++) {
			gpointer key = GINT_TO_POINTER(
				g_array_index(l.pieces, struct piece, k).x0 + 1);
			int n = GPOINTER_TO_INT(g_hash_table_lookup(starts, key));

			score += n > 0;
			g_hash_table_insert(starts, key, GINT_TO_POINTER(n + 1));
		}
		g_array_free(l.pieces, TRUE);
	}
	g_hash_table_destroy(starts);
	return score;
}

static bool
tab_separated(GArray *lines)
{
	int tabbed = 0;

	for (guint i = 0; i < lines->len; i++) {
		const struct tline *l = &g_array_index(lines, struct tline, i);

		if (l->end && memchr(l->p, '\t', (size_t)(l->end - l->p)))
			tabbed++;
	}
	return tabbed >= 3;
}

/* ---- finding tables --------------------------------------------------- */

static int
non_empty_pieces(const struct tline *l)
{
	int n = 0;

	for (guint k = 0; k < l->pieces->len; k++) {
		const struct piece *pc = &g_array_index(l->pieces, struct piece, k);

		n += pc->end > pc->p;
	}
	return n;
}

static void
tab_regions(const struct tline *L, int n, GArray *out)
{
	for (int i = 0; i < n;) {
		int j = i, full = 0;

		while (j < n && L[j].tabbed && !L[j].blank) {
			full += non_empty_pieces(&L[j]) >= 2;
			j++;
		}
		if (j - i >= 2 && full >= 1) {
			struct region r = { i, j, i };

			g_array_append_val(out, r);
		}
		i = j > i ? j : i + 1;
	}
}

static bool
table_line(const struct tline *l)
{
	return !l->blank && l->width <= MAX_WIDTH;
}

/* A line of one or two characters alone: a letter of a vertical label,
 * or debris such as a watermark's letter. */
static bool
tiny_line(const struct tline *l)
{
	const struct piece *pc;

	if (l->blank || l->pieces->len != 1)
		return false;
	pc = &g_array_index(l->pieces, struct piece, 0);
	return g_utf8_strlen(pc->p, pc->end - pc->p) <= 2;
}

static bool
pieces_overlap(const struct tline *a, const struct tline *b)
{
	for (guint i = 0; i < a->pieces->len; i++)
		for (guint j = 0; j < b->pieces->len; j++) {
			const struct piece *p = &g_array_index(a->pieces, struct piece, i);
			const struct piece *q = &g_array_index(b->pieces, struct piece, j);

			if (MIN(p->x1, q->x1) > MAX(p->x0, q->x0))
				return true;
		}
	return false;
}

/* Whether line k is the upper half of a wrapped cell of the row printed
 * on the line of several pieces right under it: its text where that line
 * has none and where the line under that has some. */
static bool
upper_half(const struct tline *L, int k, int n)
{
	return k + 2 < n && !L[k + 1].blank && !L[k + 2].blank &&
		L[k + 1].pieces->len >= 2 && !pieces_overlap(&L[k], &L[k + 1]) &&
		pieces_overlap(&L[k], &L[k + 2]);
}

/* Space-aligned tables: from a line of two or more pieces on, over blank
 * lines, until a run of blank lines that no line of several pieces
 * follows.  One or two lines just above may be the upper half of a
 * wrapped cell of the first row. */
static void
space_regions(const struct tline *L, int n, GArray *out)
{
	int floor_line = 0;

	for (int i = 0; i < n;) {
		int last, gap = 0, multi = 1, up;

		if (!table_line(&L[i]) || L[i].pieces->len < 2) {
			i++;
			continue;
		}
		last = i + 1;
		for (int k = i + 1; k < n; k++) {
			if (L[k].blank || tiny_line(&L[k])) {
				/* a character or two right under the table: the tail
				 * of a wrapped cell */
				if (!L[k].blank && gap == 0 && k == last)
					last = k + 1;
				else
					gap++;
				continue;
			}
			if (!table_line(&L[k]) ||
			    (gap >= TABLE_END_BLANKS && L[k].pieces->len < 2 &&
			     !upper_half(L, k, n)))
				break;
			gap = 0;
			last = k + 1;
			multi += L[k].pieces->len >= 2;
		}
		up = i;
		while (up > floor_line && i - up < 2 && table_line(&L[up - 1]))
			up--;
		if (multi >= 2 && last - i >= 2) {
			struct region r = { i, last, up };

			g_array_append_val(out, r);
			floor_line = last;
		}
		i = last;
	}
}

/* ---- columns of a space-aligned table --------------------------------- */

/* pdftotext places characters by their page position divided by one
 * average width, so a column's pieces need not start at one place and
 * two neighbouring columns may overlap by a character or two; no
 * character place need stay blank between them.  So columns are found
 * from the pieces: pieces of different lines that overlap join one
 * column (the most overlapping first), never two pieces of one line.
 * Pieces that run over two pieces of another line (spanning cells, cells
 * a single space joined) take no part; they are cut or spanned once the
 * columns stand. */

struct rpiece {
	const struct piece *pc;
	int line;
	bool crossing;
	int cluster;         /* index of its cluster root, then its column */
};

struct pair {
	double score;
	int a, b;
};

static int
cmp_pair(const void *p, const void *q)
{
	const struct pair *a = p, *b = q;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->a != b->a)
		return a->a - b->a;
	return a->b - b->b;
}

static int
cmp_double_asc(const void *p, const void *q)
{
	double a = *(const double *)p, b = *(const double *)q;

	return (a > b) - (a < b);
}

static int
overlap(const struct piece *a, const struct piece *b)
{
	return MIN(a->x1, b->x1) - MAX(a->x0, b->x0);
}

static int
uf_root(int *parent, int i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

#define MAX_PIECES 4000  /* pieces of one table clustered */
#define MAX_PAIRS 400000

static double
median(GArray *v)
{
	if (v->len == 0)
		return 0;
	qsort(v->data, v->len, sizeof(double), cmp_double_asc);
	return g_array_index(v, double, v->len / 2);
}

/* Column boundaries (in dump columns, ascending) for lines [first,
 * last); NULL when fewer than two columns stand out. */
static GArray *
find_columns(const struct tline *L, int first, int last, int *x_min, int *x_max)
{
	GArray *rp = g_array_new(FALSE, FALSE, sizeof(struct rpiece));
	GArray *pairs = g_array_new(FALSE, FALSE, sizeof(struct pair));
	GArray *bounds = NULL;
	GHashTable **lines_of;
	int *parent, n, lo = INT32_MAX, hi = 0, ncl = 0;
	int *order = NULL;
	double *centre = NULL;

	for (int i = first; i < last; i++) {
		if (L[i].blank)
			continue;
		for (guint k = 0; k < L[i].pieces->len; k++) {
			struct rpiece r = { &g_array_index(L[i].pieces, struct piece, k),
				i, g_array_index(L[i].pieces, struct piece, k).whole, 0 };

			lo = MIN(lo, r.pc->x0);
			hi = MAX(hi, r.pc->x1);
			g_array_append_val(rp, r);
		}
	}
	*x_min = lo == INT32_MAX ? 0 : lo;
	*x_max = hi;
	n = (int)rp->len;
	if (n < 2 || n > MAX_PIECES) {
		g_array_free(rp, TRUE);
		g_array_free(pairs, TRUE);
		return NULL;
	}
	/* crossing pieces: two or more pieces of one other line under them */
	for (int i = 0; i < n; i++) {
		struct rpiece *a = &g_array_index(rp, struct rpiece, i);
		int line = -1, count = 0;

		for (int j = 0; j < n && !a->crossing; j++) {
			const struct rpiece *b = &g_array_index(rp, struct rpiece, j);

			if (b->line == a->line)
				continue;
			if (b->line != line) {
				line = b->line;
				count = 0;
			}
			/* a piece covering most of two pieces of another line;
			 * neighbours overlap by a character or two at most */
			if (overlap(a->pc, b->pc) >= MAX(2, (b->pc->x1 - b->pc->x0 + 1) / 2) &&
			    ++count >= 2)
				a->crossing = true;
		}
	}
	for (int i = 0; i < n && pairs->len < MAX_PAIRS; i++) {
		const struct rpiece *a = &g_array_index(rp, struct rpiece, i);

		if (a->crossing)
			continue;
		for (int j = i + 1; j < n && pairs->len < MAX_PAIRS; j++) {
			const struct rpiece *b = &g_array_index(rp, struct rpiece, j);
			int ov = overlap(a->pc, b->pc);
			struct pair pr;

			if (b->crossing || b->line == a->line || ov < 1)
				continue;
			pr.score = (double)ov / MAX(1, MIN(a->pc->x1 - a->pc->x0,
				b->pc->x1 - b->pc->x0));
			pr.a = i;
			pr.b = j;
			g_array_append_val(pairs, pr);
		}
	}
	if (pairs->len > 0)
		qsort(pairs->data, pairs->len, sizeof(struct pair), cmp_pair);
	parent = g_new(int, n);
	lines_of = g_new0(GHashTable *, n);
	for (int i = 0; i < n; i++) {
		parent[i] = i;
		lines_of[i] = g_hash_table_new(NULL, NULL);
		g_hash_table_add(lines_of[i],
			GINT_TO_POINTER(g_array_index(rp, struct rpiece, i).line + 1));
	}
	for (guint k = 0; k < pairs->len; k++) {
		const struct pair *pr = &g_array_index(pairs, struct pair, k);
		int x = uf_root(parent, pr->a), y = uf_root(parent, pr->b);
		GHashTableIter it;
		gpointer key;
		bool clash = false;

		if (x == y)
			continue;
		if (g_hash_table_size(lines_of[x]) < g_hash_table_size(lines_of[y])) {
			int t = x;

			x = y;
			y = t;
		}
		g_hash_table_iter_init(&it, lines_of[y]);
		while (!clash && g_hash_table_iter_next(&it, &key, NULL))
			clash = g_hash_table_contains(lines_of[x], key);
		if (clash)
			continue;
		g_hash_table_iter_init(&it, lines_of[y]);
		while (g_hash_table_iter_next(&it, &key, NULL))
			g_hash_table_add(lines_of[x], key);
		parent[y] = x;
	}
	/* clusters, ordered by their pieces' median centre */
	{
		int *index = g_new(int, n);
		GArray **centres = g_new0(GArray *, n);

		for (int i = 0; i < n; i++)
			index[i] = -1;
		for (int i = 0; i < n; i++) {
			const struct rpiece *a = &g_array_index(rp, struct rpiece, i);
			int root = uf_root(parent, i);
			double c = (a->pc->x0 + a->pc->x1) / 2.0;

			if (a->crossing)
				continue;
			if (index[root] < 0) {
				index[root] = ncl;
				centres[ncl++] = g_array_new(FALSE, FALSE, sizeof(double));
			}
			g_array_append_val(centres[index[root]], c);
		}
		centre = g_new(double, ncl + 1);
		order = g_new(int, ncl + 1);
		for (int c = 0; c < ncl; c++) {
			centre[c] = median(centres[c]);
			order[c] = c;
		}
		/* sort cluster indices by centre (few clusters) */
		for (int a = 1; a < ncl; a++)
			for (int b = a; b > 0 && centre[order[b]] < centre[order[b - 1]]; b--) {
				int t = order[b];

				order[b] = order[b - 1];
				order[b - 1] = t;
			}
		if (ncl >= 2 && ncl <= MAX_COLS) {
			GArray *ends = g_array_new(FALSE, FALSE, sizeof(double));
			GArray *starts = g_array_new(FALSE, FALSE, sizeof(double));
			int *rank = g_new(int, ncl);

			for (int c = 0; c < ncl; c++)
				rank[order[c]] = c;
			bounds = g_array_new(FALSE, FALSE, sizeof(double));
			for (int c = 1; c < ncl; c++) {
				double b, prev;

				g_array_set_size(ends, 0);
				g_array_set_size(starts, 0);
				for (int i = 0; i < n; i++) {
					const struct rpiece *a = &g_array_index(rp, struct rpiece, i);
					int k;
					double v;

					if (a->crossing)
						continue;
					k = rank[index[uf_root(parent, i)]];
					if (k == c - 1) {
						v = a->pc->x1;
						g_array_append_val(ends, v);
					} else if (k == c) {
						v = a->pc->x0;
						g_array_append_val(starts, v);
					}
				}
				b = (median(ends) + median(starts)) / 2;
				b = CLAMP(b, centre[order[c - 1]], centre[order[c]]);
				prev = bounds->len ? g_array_index(bounds, double, bounds->len - 1) :
					*x_min;
				if (b <= prev + 0.5)
					b = prev + 1;
				g_array_append_val(bounds, b);
			}
			for (int i = 0; i < n; i++) {
				struct rpiece *a = &g_array_index(rp, struct rpiece, i);

				a->cluster = a->crossing ? -1 : rank[index[uf_root(parent, i)]];
			}
			g_free(rank);
			g_array_free(ends, TRUE);
			g_array_free(starts, TRUE);
		}
		for (int c = 0; c < ncl; c++)
			g_array_free(centres[c], TRUE);
		g_free(centres);
		g_free(index);
	}
	/* remember each clustered piece's column in its field slot */
	if (bounds)
		for (int i = 0; i < n; i++) {
			const struct rpiece *a = &g_array_index(rp, struct rpiece, i);

			((struct piece *)a->pc)->field = a->cluster;
			if (a->cluster >= 0)
				((struct piece *)a->pc)->anchor = centre[order[a->cluster]];
		}
	for (int i = 0; i < n; i++)
		g_hash_table_destroy(lines_of[i]);
	g_free(lines_of);
	g_free(parent);
	g_free(order);
	g_free(centre);
	g_array_free(rp, TRUE);
	g_array_free(pairs, TRUE);
	return bounds;
}

/* The table column of dump position x (a character's centre). */
static int
column_at(const GArray *bounds, double x)
{
	int c = 0;

	for (guint k = 0; k < bounds->len; k++)
		if (g_array_index(bounds, double, k) <= x)
			c++;
	return c;
}

/* The columns a fragment covers: its cluster's column when the
 * clustering placed it whole; else those its text reaches more than a
 * couple of characters into (pdftotext's places are that rough). */
static void
frag_columns(struct frag *f, const GArray *bounds)
{
	double tol = fmax(0, fmin(2.0, (f->x1 - f->x0) / 2.0 - 0.01));

	if (!isnan(f->anchor)) {
		f->c0 = f->c1 = column_at(bounds, f->anchor);
		return;
	}
	f->c0 = column_at(bounds, f->x0 + tol);
	f->c1 = MAX(f->c0, column_at(bounds, f->x1 - tol));
}

/* Cuts a piece into fragments.  pdftotext sets two cells of a row one
 * space apart where they nearly touch, and cell text of ideographs has no
 * spaces, so a piece is cut at every space between two ideographs (the
 * part after it is marked soft: it may still be the same cell's, see
 * part_soft_cuts); a piece that no column holds (it runs over others) is
 * cut too at a space on or beside a column boundary it runs over, and
 * spans the boundaries it runs over with no space near.  A letter-spaced
 * piece is never cut. */
static void
cut_piece(const struct piece *pc, int line, const GArray *bounds, bool wide,
	GArray *frags)
{
	struct frag f = { pc->p, pc->end, line, pc->x0, pc->x1, 0, 0,
		pc->field >= 0 ? pc->anchor : NAN, false };
	int x = pc->x0, prev_c1 = -1;
	const char *prev = NULL;

	if (pc->whole) {
		frag_columns(&f, bounds);
		g_array_append_val(frags, f);
		return;
	}
	for (const char *q = pc->p; q < pc->end; prev = q, q = g_utf8_next_char(q)) {
		gunichar c = g_utf8_get_char(q);
		const char *next = g_utf8_next_char(q);
		bool cut = false, ideographs;

		if (!is_space(c)) {
			if (!is_invisible(c))
				x += char_width(c, wide);
			continue;
		}
		/* ideographs both sides, or an ideograph and a value that
		 * starts with a comparison sign (…业务 ≥18000件) */
		ideographs = prev && next < pc->end &&
			g_unichar_iswide(g_utf8_get_char(prev)) &&
			(g_unichar_iswide(g_utf8_get_char(next)) ||
			 g_unichar_type(g_utf8_get_char(next)) == G_UNICODE_MATH_SYMBOL);
		if (ideographs)
			cut = true;
		else if (pc->field < 0)
			for (guint k = 0; k < bounds->len && !cut; k++) {
				double b = g_array_index(bounds, double, k);

				cut = b > f.x0 + 1 && b < pc->x1 - 1 &&
					fabs(x + 0.5 - b) <= SPACE_SLACK + 0.5;
			}
		if (cut && q > f.p) {
			f.end = q;
			f.x1 = x;
			frag_columns(&f, bounds);
			if (f.soft)
				f.c0 = f.c1 = column_at(bounds, f.x0 + fmin(2.0, (f.x1 - f.x0) / 2.0));
			if (f.c0 < prev_c1) {
				f.c1 = MAX(f.c1 - f.c0 + prev_c1, prev_c1);
				f.c0 = prev_c1;
			}
			prev_c1 = f.c1;
			g_array_append_val(frags, f);
			f.anchor = NAN;
			f.soft = ideographs;
			f.p = next;
			f.x0 = x + char_width(c, wide);
		}
		x += char_width(c, wide);
	}
	f.end = pc->end;
	f.x1 = pc->x1;
	if (f.end > f.p) {
		frag_columns(&f, bounds);
		/* a part cut at a space between ideographs is one cell: the
		 * column of its middle */
		if (f.soft)
			f.c0 = f.c1 = column_at(bounds, f.x0 + fmin(2.0, (f.x1 - f.x0) / 2.0));
		if (f.c0 < prev_c1) {
			f.c1 = MAX(f.c1 - f.c0 + prev_c1, prev_c1);
			f.c0 = prev_c1;
		}
		g_array_append_val(frags, f);
	}
}

/* A place inside column c, to pin a fragment moved there. */
static double
column_middle(const GArray *bounds, int c)
{
	int n = (int)bounds->len;

	if (n == 0)
		return 0;
	if (c <= 0)
		return g_array_index(bounds, double, 0) - 1;
	if (c >= n)
		return g_array_index(bounds, double, n - 1) + 1;
	return (g_array_index(bounds, double, c - 1) +
		g_array_index(bounds, double, c)) / 2;
}

/* A soft cut (a space between ideographs) that left both parts in one
 * column parts two cells when the column right of them is empty in the
 * row: the right part moves there.  Otherwise the parts stay one cell. */
static void
part_soft_cuts(GArray *frags, const GArray *rows, int ncols, const GArray *bounds)
{
	const int *rs = (const int *)rows->data;
	int nrows = (int)rows->len - 1;

	for (guint k = 1; k < frags->len; k++) {
		struct frag *f = &g_array_index(frags, struct frag, k);
		const struct frag *g = &g_array_index(frags, struct frag, k - 1);
		int r = 0, c = f->c0 + 1;
		bool free_col = c < ncols;

		if (!f->soft || g->line != f->line || g->c1 != f->c0 || f->c0 != f->c1)
			continue;
		while (r + 1 < nrows && rs[r + 1] <= f->line)
			r++;
		for (guint j = 0; j < frags->len && free_col; j++) {
			const struct frag *h = &g_array_index(frags, struct frag, j);

			if (h->line >= rs[r] && h->line < rs[r + 1] && h->c0 <= c &&
			    h->c1 >= c)
				free_col = false;
		}
		if (free_col) {
			f->c0 = f->c1 = c;
			f->anchor = column_middle(bounds, c);
		}
	}
}

struct chain_of_lines {
	double x0, mid;      /* where its lines start, their middle */
	int n;
	uint64_t lines;      /* its lines, from the row's first (a bit each) */
};

/* Whether the lines of inner (bits) all stand between two lines of
 * outer. */
static bool
between(uint64_t outer, uint64_t inner)
{
	int lo = -1, hi = -1;

	if (!outer || !inner || (outer & inner))
		return false;
	for (int i = 0; i < 64; i++)
		if (outer >> i & 1) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
	for (int i = 0; i < 64; i++)
		if ((inner >> i & 1) && (i < lo || i > hi))
			return false;
	return true;
}

/* Two cells of one row stacked in one column: pdftotext set a wrapped
 * cell's lines (one start, or one middle, line after line) and another
 * cell's line between them in the same character places, the second
 * cell's column being empty in that row.  The cell standing further
 * right goes to the empty column on its right (or the one further left
 * to the empty column on its left). */
static void
part_stacked(GArray *frags, const GArray *rows, int ncols, const GArray *bounds)
{
	const int *rs = (const int *)rows->data;
	int nrows = (int)rows->len - 1;

	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < ncols; c++) {
			struct chain_of_lines ch[3];
			int nch = 0, *which;
			bool left_free = c > 0, right_free = c + 1 < ncols, bad = false;

			which = g_new(int, frags->len + 1);
			for (guint k = 0; k < frags->len; k++) {
				const struct frag *f = &g_array_index(frags, struct frag, k);
				double mid = (f->x0 + f->x1) / 2.0;
				int j;

				which[k] = -1;
				if (f->line < rs[r] || f->line >= rs[r + 1])
					continue;
				if (f->c0 <= c - 1 && f->c1 >= c - 1)
					left_free = false;
				if (f->c0 <= c + 1 && f->c1 >= c + 1)
					right_free = false;
				if (f->c0 != c || f->c1 != c)
					continue;
				for (j = 0; j < nch; j++)
					if (fabs(ch[j].x0 - f->x0) <= 1 || fabs(ch[j].mid - mid) <= 1)
						break;
				if (j == nch) {
					if (nch == 3) {
						bad = true;
						continue;
					}
					ch[nch++] = (struct chain_of_lines){ f->x0, mid, 0, 0 };
				}
				ch[j].n++;
				if (f->line - rs[r] < 64)
					ch[j].lines |= (uint64_t)1 << (f->line - rs[r]);
				which[k] = j;
			}
			/* one cell's lines between the other's; cells side by
			 * side are spread_rows' */
			if (nch == 2 && !bad && (right_free || left_free) &&
			    (between(ch[0].lines, ch[1].lines) ||
			     between(ch[1].lines, ch[0].lines))) {
				int right = ch[1].x0 > ch[0].x0 ? 1 : 0;
				int move = right_free ? right : 1 - right;
				int to = right_free ? c + 1 : c - 1;

				for (guint k = 0; k < frags->len; k++)
					if (which[k] == move) {
						struct frag *f = &g_array_index(frags, struct frag, k);

						f->c0 = f->c1 = to;
						f->anchor = column_middle(bounds, to);
					}
			}
			g_free(which);
		}
}

/* A cell of one row as spread_row sees it: fragments of one column
 * that overlap (the lines of a wrapped cell), or a fragment spanning
 * columns. */
struct row_cell {
	int c0, w;           /* its columns: c0 .. c0 + w */
	double x0, x1;       /* dump columns */
	int to;              /* its index before sorting */
};

static int
cmp_row_cell(const void *p, const void *q)
{
	const struct row_cell *a = p, *b = q;

	if (a->c0 != b->c0)
		return a->c0 - b->c0;
	return (a->x0 > b->x0) - (a->x0 < b->x0);
}

/* What putting a cell in column c costs: one for each column it moves
 * right, two for each it moves left (pdftotext sets text as far left as
 * the text before it on the line lets it, so a cell of a crowded row
 * stands in its column or left of it, seldom right), and, to choose
 * between moves, a little for how far its middle stands from the
 * column. */
static double
spread_cost(const struct row_cell *u, int c, const GArray *bounds, int ncols)
{
	double mid = (u->x0 + u->x1) / 2, lo, hi, d;

	lo = c == 0 ? -INFINITY : g_array_index(bounds, double, c - 1);
	hi = c + 1 >= ncols ? INFINITY : g_array_index(bounds, double, c);
	d = mid < lo ? lo - mid : mid > hi ? mid - hi : 0;
	return (c < u->c0 ? 2 : 1) * abs(c - u->c0) + fmin(0.5, 0.01 * d);
}

/* Cells that one row holds side by side in one column (the columns came
 * from the other rows: a row whose wrapped cells pdftotext set closer
 * together than their columns, a wrapped label around the line of the
 * value beside it) are spread over the columns around, every cell of the
 * row keeping its order from left to right and moving as few columns as
 * can be, so that each stands in a column of its own.  A row that no
 * such spreading fits is left as it is. */
static void
spread_rows(GArray *frags, const GArray *rows, int ncols, const GArray *bounds)
{
	const int *rs = (const int *)rows->data;
	int nrows = (int)rows->len - 1;
	int *unit = g_new(int, frags->len + 1);
	GArray **members = g_new0(GArray *, nrows + 1);

	/* each row's fragments, so that a row's work is its own size */
	for (guint k = 0; k < frags->len; k++) {
		const struct frag *f = &g_array_index(frags, struct frag, k);
		int lo = 0, hi = nrows;

		unit[k] = -1;
		if (nrows <= 0 || f->line < rs[0] || f->line >= rs[nrows])
			continue;
		while (hi - lo > 1) {
			int mid = (lo + hi) / 2;

			if (rs[mid] <= f->line)
				lo = mid;
			else
				hi = mid;
		}
		if (!members[lo])
			members[lo] = g_array_new(FALSE, FALSE, sizeof(guint));
		g_array_append_val(members[lo], k);
	}
	for (int r = 0; r < nrows; r++) {
		const guint *mem = members[r] ? (const guint *)members[r]->data : NULL;
		guint nm = members[r] ? members[r]->len : 0;

		GArray *cells = g_array_new(FALSE, FALSE, sizeof(struct row_cell));
		int n, *from = NULL;
		double *best = NULL;
		bool crowded = false;

		/* cells: fragments joined while they share a column and overlap */
		for (guint i = 0; i < nm; i++) {
			const struct frag *f = &g_array_index(frags, struct frag, mem[i]);
			struct row_cell u = { f->c0, f->c1 - f->c0, f->x0, f->x1, 0 };

			unit[mem[i]] = (int)cells->len;
			g_array_append_val(cells, u);
		}
		for (bool again = true; again;) {
			again = false;
			for (guint ki = 0; ki < nm; ki++)
				for (guint ji = ki + 1; ji < nm; ji++) {
					guint k = mem[ki], j = mem[ji];
					const struct frag *f = &g_array_index(frags, struct frag, k);
					const struct frag *g = &g_array_index(frags, struct frag, j);
					struct row_cell *a, *b;
					int from_u, to_u;

					if (unit[k] < 0 || unit[j] < 0 || unit[k] == unit[j] ||
					    f->c1 < g->c0 || g->c1 < f->c0 ||
					    MIN(f->x1, g->x1) <= MAX(f->x0, g->x0))
						continue;
					from_u = MAX(unit[k], unit[j]);
					to_u = MIN(unit[k], unit[j]);
					a = &g_array_index(cells, struct row_cell, to_u);
					b = &g_array_index(cells, struct row_cell, from_u);
					a->x0 = fmin(a->x0, b->x0);
					a->x1 = fmax(a->x1, b->x1);
					{
						int e = MAX(a->c0 + a->w, b->c0 + b->w);

						a->c0 = MIN(a->c0, b->c0);
						a->w = e - a->c0;
					}
					b->w = -1; /* merged away */
					for (guint i = 0; i < nm; i++)
						if (unit[mem[i]] == from_u)
							unit[mem[i]] = to_u;
					again = true;
				}
		}
		/* compact: the merged-away cells go, units renumbered */
		{
			int *newi = g_new(int, cells->len + 1), m2 = 0;
			GArray *keep = g_array_new(FALSE, FALSE, sizeof(struct row_cell));

			for (guint i = 0; i < cells->len; i++) {
				const struct row_cell *u = &g_array_index(cells, struct row_cell, i);

				newi[i] = -1;
				if (u->w >= 0) {
					newi[i] = m2++;
					g_array_append_val(keep, *u);
				}
			}
			for (guint i = 0; i < nm; i++)
				unit[mem[i]] = newi[unit[mem[i]]];
			g_array_free(cells, TRUE);
			cells = keep;
			g_free(newi);
		}
		n = (int)cells->len;
		/* single-column cells in order of column, then place; each cell
		 * keeps its index in .to until it is placed */
		for (int i = 0; i < n; i++)
			g_array_index(cells, struct row_cell, i).to = i;
		g_array_sort(cells, cmp_row_cell);
		for (int i = 1; i < n; i++) {
			const struct row_cell *a = &g_array_index(cells, struct row_cell, i - 1);
			const struct row_cell *b = &g_array_index(cells, struct row_cell, i);

			/* side by side in one column; cells that overlap a spanning
			 * one are not in its way */
			if (a->c0 + a->w >= b->c0 && a->x1 <= b->x0)
				crowded = true;
		}
		if (crowded && n <= MAX_COLS) {
			/* best[i][c]: cells 0..i placed, cell i in column c */
			best = g_new(double, (size_t)n * ncols);
			from = g_new(int, (size_t)n * ncols);
			for (int i = 0; i < n; i++) {
				const struct row_cell *u = &g_array_index(cells, struct row_cell, i);
				const struct row_cell *p = i ? &g_array_index(cells, struct row_cell,
					i - 1) : NULL;

				for (int c = 0; c < ncols; c++) {
					best[i * ncols + c] = INFINITY;
					if (c + (c == u->c0 ? u->w : 0) >= ncols)
						continue;
					if (i == 0) {
						best[c] = spread_cost(u, c, bounds, ncols);
						continue;
					}
					for (int pc = 0; pc < ncols; pc++) {
						double v = best[(i - 1) * ncols + pc];
						/* cells that overlap need not be in order */
						bool free = p->x1 > u->x0 && p->x0 < u->x1 && p->c0 != u->c0;

						/* a cell that moves is one column's */
						if (!isfinite(v) ||
						    (!free && pc + (pc == p->c0 ? p->w : 0) >= c))
							continue;
						v += spread_cost(u, c, bounds, ncols);
						if (v < best[i * ncols + c]) {
							best[i * ncols + c] = v;
							from[i * ncols + c] = pc;
						}
					}
				}
			}
			{
				int c = -1;
				double v = INFINITY;

				for (int k = 0; k < ncols; k++)
					if (best[(n - 1) * ncols + k] < v) {
						v = best[(n - 1) * ncols + k];
						c = k;
					}
				for (int i = n - 1; i >= 0 && c >= 0; i--) {
					struct row_cell *u = &g_array_index(cells, struct row_cell, i);
					int idx = u->to;

					for (guint mi = 0; mi < nm; mi++) {
						struct frag *f = &g_array_index(frags, struct frag, mem[mi]);

						if (unit[mem[mi]] != idx || c == u->c0)
							continue;
						/* a moved cell is one column's: the span it
						 * had came from the columns it stood over */
						f->c0 = f->c1 = c;
						f->anchor = column_middle(bounds, c);
					}
					c = i ? from[i * ncols + c] : -1;
				}
			}
			g_free(best);
			g_free(from);
		}
		g_array_free(cells, TRUE);
	}
	for (int r = 0; r < nrows; r++)
		if (members[r])
			g_array_free(members[r], TRUE);
	g_free(members);
	g_free(unit);
}

/* Moves fragment a of row lines [s, e), and the lines of its cell
 * stacked over or under it in its column (those it overlaps and b does
 * not), to the column its place is in. */
static void
place_stack(GArray *frags, int s, int e, guint a, guint b, const GArray *bounds)
{
	struct frag f = g_array_index(frags, struct frag, a);
	const struct frag g = g_array_index(frags, struct frag, b);
	int c = column_at(bounds, (f.x0 + f.x1) / 2.0);

	for (guint k = 0; k < frags->len; k++) {
		struct frag *h = &g_array_index(frags, struct frag, k);

		if (h->line < s || h->line >= e || h->c0 != f.c0 || h->c1 != f.c0)
			continue;
		if (k != a && (MIN(h->x1, f.x1) <= MAX(h->x0, f.x0) ||
			       MIN(h->x1, g.x1) > MAX(h->x0, g.x0)))
			continue;
		h->c0 = h->c1 = c;
		h->anchor = (h->x0 + h->x1) / 2.0;
	}
}

/* Two cells side by side in one row that the columns put together (the
 * budget line's columns need not be the indicator rows') get a boundary
 * of their own between them; where one stands between them already
 * (both were drawn to one column's cluster: a wrapped label above and
 * under the line of the value beside it), each goes to the column its
 * place is in, with the lines stacked on it.  Returns whether a boundary
 * was added. */
static bool
part_side_by_side(GArray *frags, const GArray *rows, GArray *bounds)
{
	const int *rs = (const int *)rows->data;
	int nrows = (int)rows->len - 1;
	bool added = false;

	for (guint a = 0; a < frags->len; a++) {
		const struct frag *f = &g_array_index(frags, struct frag, a);

		for (guint b = 0; b < frags->len; b++) {
			const struct frag *g = &g_array_index(frags, struct frag, b);
			int r = 0, q = 0;
			double x;
			bool near = false;

			if (f->c0 != f->c1 || g->c0 != g->c1 || f->c0 != g->c0 ||
			    f->x1 > g->x0 || a == b)
				continue;
			while (r + 1 < nrows && rs[r + 1] <= f->line)
				r++;
			while (q + 1 < nrows && rs[q + 1] <= g->line)
				q++;
			if (r != q)
				continue;
			x = (f->x1 + g->x0) / 2.0;
			for (guint k = 0; k < bounds->len; k++)
				near |= fabs(g_array_index(bounds, double, k) - x) < 1;
			if (near && column_at(bounds, (f->x0 + f->x1) / 2.0) <
			    column_at(bounds, (g->x0 + g->x1) / 2.0)) {
				place_stack(frags, rs[r], rs[r + 1], b, a, bounds);
				place_stack(frags, rs[r], rs[r + 1], a, b, bounds);
				continue;
			}
			if (near || bounds->len + 2 > MAX_COLS)
				continue;
			g_array_append_val(bounds, x);
			g_array_sort(bounds, cmp_double_asc);
			added = true;
		}
	}
	return added;
}

/* ---- rows of a space-aligned table ------------------------------------ */

/* What a line's text in a column tells of cells: a hash of the text
 * (a cell never ends with the line it began with), and whether it
 * starts with a comparison sign (a value begins there, it does not go
 * on). */
struct line_cells {
	uint64_t fresh;              /* columns whose text begins a value */
	uint32_t hash[MAX_COLS];     /* 0: no text */
};

static struct line_cells *
line_cells(const GArray *frags, int first, int last)
{
	struct line_cells *lc = g_new0(struct line_cells, last - first + 1);

	for (guint k = 0; k < frags->len; k++) {
		const struct frag *f = &g_array_index(frags, struct frag, k);
		struct line_cells *l = &lc[f->line - first];
		uint32_t h = 2166136261u;

		if (f->c0 >= MAX_COLS || l->hash[f->c0])
			continue;
		for (const char *q = f->p; q < f->end; q++)
			h = (h ^ (uint8_t)*q) * 16777619u;
		l->hash[f->c0] = h ? h : 1;
		if (f->end > f->p &&
		    g_unichar_type(g_utf8_get_char(f->p)) == G_UNICODE_MATH_SYMBOL)
			l->fresh |= (uint64_t)1 << f->c0;
	}
	return lc;
}

/* What a candidate row of lines [s, e) costs.  A row's cells are
 * vertically centred, so a wrapped cell's lines stand symmetrically
 * around the row's middle: each line of asymmetry costs (half as much
 * for a one-line cell, which may be a merged cell centred on several
 * rows), and so does a column whose text breaks off for more than a line
 * (two cells, not one).  A row of an odd number of lines with one-line
 * cells on its middle line and cells wrapped symmetrically around them is
 * what a wrapped row looks like and earns a bonus for each wrapped
 * column; any row earns a smaller one, so that rows part wherever nothing
 * binds them. */
static double
row_cost(const uint64_t *occ, const struct line_cells *lc, int s, int e,
	int ncols)
{
	double cost = -1.0;
	int wrapped = 0, singles = 0, h = e - s;

	for (int c = 0; c < ncols; c++) {
		int f = -1, l = -1, prev = -1, count = 0, off;
		bool two = false;

		for (int i = s; i < e; i++) {
			if (!(occ[i] >> c & 1))
				continue;
			if (f < 0)
				f = i;
			if (prev >= 0 && i - prev > 2)
				cost += 4.0 * (i - prev - 2);
			/* a line that repeats an earlier one, or begins a value,
			 * begins another cell */
			if (prev >= 0 && lc && c < MAX_COLS &&
			    ((lc[i].fresh >> c & 1) || lc[i].hash[c] == lc[f].hash[c]))
				two = true;
			prev = i;
			l = i;
			count++;
		}
		if (f < 0)
			continue;
		off = abs((f - s) - (e - 1 - l));
		cost += count == 1 ? 0.25 * off : off;
		if (two)
			cost += 3.0;
		if (count == 1 && h % 2 == 1 && f == s + h / 2)
			singles++;
		if (count >= 2 && off == 0 && !two)
			wrapped++;
	}
	/* One cell alone on the middle line between two lines of several
	 * cells is more likely a merged label between two rows. */
	if (h >= 3 && wrapped > 0 &&
	    (singles >= 2 || (singles == 1 && popcount64(occ[s]) <= 2)))
		cost -= 1.5 + 2.0 * wrapped;
	return cost;
}

/* Parts the lines [a, b) of one block (no blank line inside) into rows;
 * appends the first line of each row to rows. */
static void
block_rows(const uint64_t *occ, const struct line_cells *lc, const int *line_of,
	int a, int b, int ncols, GArray *rows)
{
	int n = b - a;
	double *best = g_new(double, n + 1);
	int *from = g_new(int, n + 1);
	int *cuts = g_new(int, n + 1), ncuts = 0;

	best[0] = 0;
	for (int j = 1; j <= n; j++) {
		best[j] = INFINITY;
		for (int i = MAX(0, j - MAX_ROW_LINES); i < j; i++) {
			double c = best[i] + row_cost(occ, lc, a + i, a + j, ncols);

			if (c < best[j]) {
				best[j] = c;
				from[j] = i;
			}
		}
	}
	for (int j = n; j > 0; j = from[j])
		cuts[ncuts++] = from[j];
	while (ncuts-- > 0)
		g_array_append_val(rows, line_of[a + cuts[ncuts]]);
	g_free(best);
	g_free(from);
	g_free(cuts);
}

/* ---- laying out ------------------------------------------------------- */

struct emitter {
	GArray *glyphs;      /* struct glyph of the page */
	GArray *rules;       /* struct rule of the page */
	const struct budtab_limits *lim;
	int page;
	struct budtab_error *err;
	bool failed;
};

static void
add_glyph(struct emitter *em, gunichar c, double x0, double x1, int line)
{
	struct glyph g = { c, { x0, line * LINE + 2, x1, line * LINE + 2 + SIZE },
		SIZE };

	if (em->failed)
		return;
	if (em->glyphs->len >= (guint)em->lim->max_glyphs) {
		error_set(em->err, BUDTAB_ERR_LIMIT,
			"page %d has more than %d characters (--max-glyphs)",
			em->page, em->lim->max_glyphs);
		em->failed = true;
		return;
	}
	g_array_append_val(em->glyphs, g);
}

static void
add_rule(struct emitter *em, enum rule_dir dir, double x0, double y0,
	double x1, double y1)
{
	struct rule r = { dir, x0, y0, x1, y1, 0.5 };

	g_array_append_val(em->rules, r);
}

/* Lays the text [p, end) from x (points), each character w columns
 * wide times scale; spaces advance without a glyph. */
static void
lay_text(struct emitter *em, const char *p, const char *end, double x,
	double scale, bool wide, int line)
{
	for (const char *q = p; q < end; q = g_utf8_next_char(q)) {
		gunichar c = g_utf8_get_char(q);
		double w = char_width(c, wide) * COL * scale;

		if (is_invisible(c) || c == '\t')
			continue;
		if (!is_space(c))
			add_glyph(em, c, x, x + w, line);
		x += w;
	}
}

/* A line outside the tables: its text with every gap closed to one
 * space, so that it reads as one run. */
static void
lay_body_line(struct emitter *em, const struct tline *l, int line, bool wide)
{
	double x = 0;
	bool gap = false;

	for (const char *q = l->p; q < l->end; q = g_utf8_next_char(q)) {
		gunichar c = g_utf8_get_char(q);

		if (is_invisible(c) && c != '\t')
			continue;
		if (is_space(c) || c == '\t') {
			gap = x > 0;
			continue;
		}
		if (gap)
			x += COL;
		gap = false;
		add_glyph(em, c, x, x + char_width(c, wide) * COL, line);
		x += char_width(c, wide) * COL;
	}
}

static int
text_columns(const char *p, const char *end, bool wide)
{
	int w = 0;

	for (const char *q = p; q < end; q = g_utf8_next_char(q)) {
		gunichar c = g_utf8_get_char(q);

		if (!is_invisible(c) && c != '\t')
			w += char_width(c, wide);
	}
	return w;
}

/* A cell printed once for several rows (a merged 二级指标) stands in the
 * middle of them, so in a dump its text sits off the middle of the row
 * it falls in, towards rows that have nothing in its column.  Such a
 * cell spans those rows: join[r * ncols + c] is set where the rule under
 * row r is left out in column c.  The rows it spans are the run of rows
 * empty in its column but holding text in two others, as many as put
 * its text nearest their middle; none when that is no nearer than its
 * own row's middle by a quarter line. */
static void
merged_cells(const struct table_plan *t, bool *join)
{
	int nrows = (int)t->rows->len - 1, m = t->ncols;
	const int *rs = (const int *)t->rows->data;
	/* per row and column (column m: the whole row): first and last line
	 * of text, and whether a fragment spanning columns covers it */
	int *top = g_new(int, (size_t)nrows * (m + 1));
	int *bottom = g_new(int, (size_t)nrows * (m + 1));
	bool *spanned = g_new0(bool, (size_t)nrows * m);
	int *filled = g_new0(int, nrows);

	for (int i = 0; i < nrows * (m + 1); i++) {
		top[i] = INT32_MAX;
		bottom[i] = -1;
	}
	for (guint k = 0; k < t->frags->len; k++) {
		const struct frag *f = &g_array_index(t->frags, struct frag, k);
		int r = 0;

		while (r + 1 < nrows && rs[r + 1] <= f->line)
			r++;
		if (f->line < rs[r] || f->line >= rs[r + 1])
			continue;
		for (int c = MAX(0, f->c0); c <= MIN(m - 1, f->c1); c++) {
			top[r * (m + 1) + c] = MIN(top[r * (m + 1) + c], f->line);
			bottom[r * (m + 1) + c] = MAX(bottom[r * (m + 1) + c], f->line);
			spanned[r * m + c] |= f->c0 != f->c1;
		}
		top[r * (m + 1) + m] = MIN(top[r * (m + 1) + m], f->line);
		bottom[r * (m + 1) + m] = MAX(bottom[r * (m + 1) + m], f->line);
	}
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < m; c++)
			filled[r] += bottom[r * (m + 1) + c] >= 0;
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < m; c++) {
			int i = r * (m + 1) + c, row = r * (m + 1) + m, best_k = 0;
			double mid, best;

			if (bottom[i] < 0 || spanned[r * m + c])
				continue;
			mid = (top[i] + bottom[i]) / 2.0;
			best = fabs(mid - (top[row] + bottom[row]) / 2.0);
			if (best < 0.75)
				continue;
			/* rows above (dir < 0) or below empty in column c */
			for (int dir = -1; dir <= 1; dir += 2)
				for (int k = 1; k <= MAX_ROW_LINES; k++) {
					int q = r + dir * k;
					double err;

					if (q < 0 || q >= nrows || bottom[q * (m + 1) + c] >= 0 ||
					    filled[q] < 2)
						break;
					err = fabs(mid - (dir < 0 ?
						top[q * (m + 1) + m] + bottom[row] :
						top[row] + bottom[q * (m + 1) + m]) / 2.0);
					if (err < best - 0.25) {
						best = err;
						best_k = dir * k;
					}
				}
			for (int q = MIN(r, r + best_k); q < MAX(r, r + best_k); q++)
				join[q * m + c] = true;
		}
	g_free(top);
	g_free(bottom);
	g_free(spanned);
	g_free(filled);
}

/* Lays a planned table: each fragment inside its cell, rules around the
 * rows and between the columns that no cell of the row runs over. */
static void
lay_table(struct emitter *em, const struct table_plan *t, bool wide)
{
	int nrows = (int)t->rows->len - 1, m = t->ncols;
	const int *rs = (const int *)t->rows->data;
	double *row_y = g_new(double, nrows + 1);
	bool *crossed = g_new0(bool, (size_t)nrows * (m + 1));
	bool *join = g_new0(bool, (size_t)nrows * m + 1);
	double x0 = t->col_x[0], x1 = t->col_x[m];

	for (int r = 0; r <= nrows; r++)
		row_y[r] = rs[r] * LINE + 1;
	for (guint k = 0; k < t->frags->len; k++) {
		const struct frag *f = &g_array_index(t->frags, struct frag, k);
		int r = 0;
		double lo, hi, w, scale = 1, x;

		while (r + 1 < nrows && rs[r + 1] <= f->line)
			r++;
		for (int c = f->c0 + 1; c <= f->c1; c++)
			crossed[r * (m + 1) + c] = true;
		/* inside its cell, whatever the dump's spacing */
		lo = t->col_x[f->c0] + 0.5;
		hi = t->col_x[f->c1 + 1] - 0.5;
		w = text_columns(f->p, f->end, wide) * COL;
		x = f->x0 * COL;
		if (w > hi - lo)
			scale = fmax(0.05, (hi - lo) / fmax(w, 1));
		if (x < lo || x + w * scale > hi)
			x = lo;
		lay_text(em, f->p, f->end, x, scale, wide, f->line);
	}
	merged_cells(t, join);
	for (int r = 0; r <= nrows; r++)
		for (int c = 0; c < m; c++)
			if (r == 0 || r == nrows || !join[(r - 1) * m + c])
				add_rule(em, RULE_H, t->col_x[c], row_y[r], t->col_x[c + 1],
					row_y[r]);
	add_rule(em, RULE_V, x0, row_y[0], x0, row_y[nrows]);
	add_rule(em, RULE_V, x1, row_y[0], x1, row_y[nrows]);
	for (int r = 0; r < nrows; r++)
		for (int c = 1; c < m; c++)
			if (!crossed[r * (m + 1) + c])
				add_rule(em, RULE_V, t->col_x[c], row_y[r],
					t->col_x[c], row_y[r + 1]);
	g_free(row_y);
	g_free(crossed);
	g_free(join);
}

static void
plan_finish(struct table_plan *t)
{
	g_free(t->col_x);
	if (t->frags)
		g_array_free(t->frags, TRUE);
	if (t->rows)
		g_array_free(t->rows, TRUE);
}

/* A tab-separated region: a row a line, a column a field. */
static bool
plan_tab_table(const struct tline *L, const struct region *rg, bool wide,
	struct table_plan *t)
{
	int slot = 0, m = 0, end;

	/* trailing empty fields make no columns */
	for (int i = rg->first; i < rg->last; i++)
		for (guint k = 0; k < L[i].pieces->len; k++) {
			const struct piece *pc = &g_array_index(L[i].pieces, struct piece, k);

			slot = MAX(slot, text_columns(pc->p, pc->end, wide));
			if (pc->end > pc->p)
				m = MAX(m, pc->field + 1);
		}
	if (m < 2 || m > MAX_COLS || slot > MAX_WIDTH)
		return false;
	slot += CELL_GAP;
	t->ncols = m;
	t->col_x = g_new(double, m + 1);
	for (int c = 0; c <= m; c++)
		t->col_x[c] = c * slot * COL;
	t->frags = g_array_new(FALSE, FALSE, sizeof(struct frag));
	t->rows = g_array_new(FALSE, FALSE, sizeof(int));
	for (int i = rg->first; i < rg->last; i++) {
		g_array_append_val(t->rows, i);
		for (guint k = 0; k < L[i].pieces->len; k++) {
			const struct piece *pc = &g_array_index(L[i].pieces, struct piece, k);
			struct frag f = { pc->p, pc->end, i, pc->field * slot + 1, 0,
				pc->field, pc->field, NAN, false };

			if (pc->end > pc->p && pc->field < m)
				g_array_append_val(t->frags, f);
		}
	}
	end = rg->last;
	g_array_append_val(t->rows, end);
	return true;
}

/* The occupied columns of each line, as bits. */
static uint64_t *
occupancy(const GArray *frags, int first, int last)
{
	uint64_t *occ = g_new0(uint64_t, last - first + 1);

	for (guint k = 0; k < frags->len; k++) {
		const struct frag *f = &g_array_index(frags, struct frag, k);

		/* a cell counts in the column it starts in */
		if (f->c0 < MAX_COLS)
			occ[f->line - first] |= (uint64_t)1 << f->c0;
	}
	return occ;
}


static bool
frags_overlap(const GArray *frags, const struct frag *f, int line)
{
	for (guint k = 0; k < frags->len; k++) {
		const struct frag *g = &g_array_index(frags, struct frag, k);

		if (g->line == line && MIN(f->x1, g->x1) > MAX(f->x0, g->x0))
			return true;
	}
	return false;
}

/* A line above the table's first line of cells belongs to its first row
 * only as the upper half of a wrapped cell: its text where the first line
 * has none and where the line as far below it has some.  Returns the
 * first line the table may start at. */
static int
mirrored_start(const struct tline *L, const struct region *rg,
	const GArray *frags)
{
	int start = rg->first;

	for (int d = 1; d <= rg->first - rg->up; d++) {
		int above = rg->first - d, below = rg->first + d;
		bool ok = below < rg->last && !L[below].blank, any = false;

		for (guint k = 0; ok && k < frags->len; k++) {
			const struct frag *f = &g_array_index(frags, struct frag, k);

			if (f->line != above)
				continue;
			any = true;
			ok = !frags_overlap(frags, f, rg->first) &&
				frags_overlap(frags, f, below);
		}
		if (!ok || !any)
			break;
		start = above;
	}
	return start;
}

/* A space-aligned region: columns from the gaps, fragments cut at them,
 * rows from each block of lines. */
static bool
plan_space_table(const struct tline *L, const struct region *rg, bool wide,
	struct table_plan *t)
{
	int x_min, x_max, m, a;
	GArray *bounds;
	uint64_t *occ;
	struct line_cells *lc;
	int *line_of;

	/* pieces of the lines above take no part in the columns */
	for (int i = rg->up; i < rg->last; i++)
		for (guint k = 0; k < L[i].pieces->len; k++)
			g_array_index(L[i].pieces, struct piece, k).field = -1;
	bounds = find_columns(L, rg->first, rg->last, &x_min, &x_max);
	if (!bounds)
		return false;
	m = (int)bounds->len + 1;
	if (m < 2 || m > MAX_COLS) {
		g_array_free(bounds, TRUE);
		return false;
	}
	t->ncols = m;
	t->col_x = g_new(double, m + 1);
	t->col_x[0] = (x_min - 0.5) * COL;
	for (int c = 1; c < m; c++)
		t->col_x[c] = g_array_index(bounds, double, c - 1) * COL;
	t->col_x[m] = fmax(x_max + 0.5, g_array_index(bounds, double, m - 2) + 1) * COL;
	t->frags = g_array_new(FALSE, FALSE, sizeof(struct frag));
	t->rows = g_array_new(FALSE, FALSE, sizeof(int));
	for (int i = rg->up; i < rg->last; i++)
		for (guint k = 0; k < L[i].pieces->len; k++)
			cut_piece(&g_array_index(L[i].pieces, struct piece, k), i, bounds,
				wide, t->frags);
	occ = occupancy(t->frags, rg->up, rg->last);
	lc = line_cells(t->frags, rg->up, rg->last);
	/* rows, block by block of lines between blank lines */
	line_of = g_new(int, rg->last - rg->up + 1);
	a = mirrored_start(L, rg, t->frags);
	while (a < rg->last) {
		int b = a, n = 0;

		if (L[a].blank) {
			a++;
			continue;
		}
		while (b < rg->last && !L[b].blank)
			line_of[n++] = b++;
		{
			uint64_t *bocc = g_new(uint64_t, n);
			struct line_cells *blc = g_new(struct line_cells, n);

			for (int i = 0; i < n; i++) {
				bocc[i] = occ[line_of[i] - rg->up];
				blc[i] = lc[line_of[i] - rg->up];
			}
			block_rows(bocc, blc, line_of, 0, n, m, t->rows);
			g_free(bocc);
			g_free(blc);
		}
		a = b;
	}
	g_free(line_of);
	g_free(occ);
	g_free(lc);
	{
		int end = rg->last;

		g_array_append_val(t->rows, end);
		part_soft_cuts(t->frags, t->rows, m, bounds);
		part_stacked(t->frags, t->rows, m, bounds);
		spread_rows(t->frags, t->rows, m, bounds);
		if (part_side_by_side(t->frags, t->rows, bounds)) {
			for (guint k = 0; k < t->frags->len; k++)
				frag_columns(&g_array_index(t->frags, struct frag, k), bounds);
			m = (int)bounds->len + 1;
			t->ncols = m;
			g_free(t->col_x);
			t->col_x = g_new(double, m + 1);
			t->col_x[0] = (x_min - 0.5) * COL;
			for (int c = 1; c < m; c++)
				t->col_x[c] = g_array_index(bounds, double, c - 1) * COL;
			t->col_x[m] = fmax(x_max + 0.5,
				g_array_index(bounds, double, m - 2) + 1) * COL;
		}
		g_array_set_size(t->rows, t->rows->len - 1);
	}
	g_array_free(bounds, TRUE);
	return true;
}

/* Rows at either end of a table that are one line of one piece set off
 * by a blank line (a caption, a unit line, a page's running text), and
 * lines above the table that no row of the table's own lines took, are
 * body text.  Appends the table's end to its rows. */
static void
trim_rows(const struct tline *L, const struct region *rg, struct table_plan *t)
{
	GArray *rows = t->rows, *keep;
	int end = rg->last, lo, hi;

	g_array_append_val(rows, end);
	while (rows->len >= 3) {
		int s = g_array_index(rows, int, 0);
		int e = g_array_index(rows, int, 1);

		while (e > s && L[e - 1].blank)
			e--;
		if (e <= rg->first ||
		    (e - s == 1 && L[s].pieces->len == 1 && L[e].blank))
			g_array_remove_index(rows, 0);
		else
			break;
	}
	while (rows->len >= 3) {
		int n = (int)rows->len - 1;
		int s = g_array_index(rows, int, n - 1);
		int e = g_array_index(rows, int, n);

		while (e > s && L[e - 1].blank)
			e--;
		if (e - s != 1 || L[s].pieces->len != 1 || s == 0 || !L[s - 1].blank)
			break;
		g_array_remove_index(rows, n);
	}
	lo = g_array_index(rows, int, 0);
	hi = g_array_index(rows, int, rows->len - 1);
	keep = g_array_new(FALSE, FALSE, sizeof(struct frag));
	for (guint k = 0; k < t->frags->len; k++) {
		struct frag *f = &g_array_index(t->frags, struct frag, k);

		if (f->line >= lo && f->line < hi)
			g_array_append_val(keep, *f);
	}
	g_array_free(t->frags, TRUE);
	t->frags = keep;
}

static bool
flush_page(struct budtab_doc *doc, struct emitter *em, int n_lines,
	double width, GArray *heights)
{
	struct page page = { 0 };
	double h = (n_lines + 1) * LINE;
	bool ok;

	page.number = em->page;
	page.width = width + COL;
	page.height = h;
	page.n_glyphs = em->glyphs->len;
	page.glyphs = (struct glyph *)em->glyphs->data;
	page.n_rules = em->rules->len;
	page.rules = (struct rule *)em->rules->data;
	page.rules_complete = true;
	g_array_append_val(heights, h);
	ok = doc_add_page(doc, &page, em->lim, em->err);
	g_array_set_size(em->glyphs, 0);
	g_array_set_size(em->rules, 0);
	return ok;
}

/* One page of the dump: lines L[0 .. n). */
static bool
read_page(struct budtab_doc *doc, struct emitter *em, struct tline *L, int n,
	bool tabs, bool wide, GArray *heights)
{
	GArray *regions = g_array_new(FALSE, FALSE, sizeof(struct region));
	bool *in_table = g_new0(bool, n + 1);
	double width = 0;

	for (int i = 0; i < n; i++) {
		split_line(&L[i], tabs, wide);
		width = fmax(width, L[i].width * COL);
	}
	if (tabs)
		tab_regions(L, n, regions);
	else
		space_regions(L, n, regions);
	for (guint k = 0; k < regions->len && !em->failed; k++) {
		const struct region *rg = &g_array_index(regions, struct region, k);
		struct table_plan t = { 0 };
		bool ok = tabs ? plan_tab_table(L, rg, wide, &t) :
			plan_space_table(L, rg, wide, &t);

		if (ok) {
			if (!tabs)
				trim_rows(L, rg, &t);
			if (t.rows->len >= 2) {
				int lo = g_array_index(t.rows, int, 0);
				int hi = g_array_index(t.rows, int, t.rows->len - 1);

				for (int i = lo; i < hi; i++)
					in_table[i] = true;
				lay_table(em, &t, wide);
				width = fmax(width, t.col_x[t.ncols]);
			}
		}
		plan_finish(&t);
	}
	for (int i = 0; i < n && !em->failed; i++)
		if (!in_table[i] && !L[i].blank)
			lay_body_line(em, &L[i], i, wide);
	g_array_free(regions, TRUE);
	g_free(in_table);
	if (em->failed)
		return false;
	return flush_page(doc, em, n, width, heights);
}

/* A table of a dump that a run of blank lines cut in two on one page
 * (a grey band, a watermark's stray letters) goes on below the gap when
 * no text but such debris stands in it; one that runs over a page break
 * goes on at the top of the next page when nothing but page furniture
 * stands between. */
static void
stitch_gaps(struct budtab_doc *doc)
{
	for (size_t i = 0; i + 1 < doc->tables.n; i++) {
		const struct table *t = &doc->tables.tables[i];
		struct table *u = &doc->tables.tables[i + 1];
		bool text_between = false;

		if (u->continues >= 0)
			continue;
		/* across a page break: nothing but page furniture between; the
		 * two pages' columns need not fall in the same places */
		if (u->page == t->page + 1 && !t->text_below && !u->text_above) {
			u->continues = (int)i;
			continue;
		}
		if (u->page != t->page || u->box.y0 < t->box.y1 ||
		    fmin(t->box.x1, u->box.x1) - fmax(t->box.x0, u->box.x0) <
			0.5 * fmin(t->box.x1 - t->box.x0, u->box.x1 - u->box.x0))
			continue;
		for (guint k = 0; k < doc->lines->len && !text_between; k++) {
			const struct text_line *l =
				&g_array_index(doc->lines, struct text_line, k);

			text_between = l->page == t->page &&
				l->box.y0 >= t->box.y1 - 1 && l->box.y1 <= u->box.y0 + 1 &&
				g_utf8_strlen(l->text, -1) > 2;
		}
		if (!text_between)
			u->continues = (int)i;
	}
}

bool
source_text_read(struct budtab_doc *doc, const char *data, size_t len,
	const struct budtab_limits *lim, struct budtab_error *err)
{
	GArray *all = read_lines(data, len);
	GArray *heights = g_array_new(FALSE, FALSE, sizeof(double));
	struct tline *L = (struct tline *)all->data;
	bool tabs = tab_separated(all);
	bool wide = tabs || alignment_score(all, true) > alignment_score(all, false);
	struct emitter em = { g_array_new(FALSE, FALSE, sizeof(struct glyph)),
		g_array_new(FALSE, FALSE, sizeof(struct rule)), lim, 1, err,
		false };
	guint start = 0;
	bool ok = true;

	doc->n_pages = 0;
	for (guint i = 0; i <= all->len && ok; i++) {
		if (i < all->len && L[i].end)
			continue;
		if (em.page > lim->max_pages) {
			error_set(err, BUDTAB_ERR_LIMIT,
				"more than %d pages (--max-pages)", lim->max_pages);
			ok = false;
			break;
		}
		/* a page: the lines up to a form feed or the end; nothing
		 * after the last form feed is no page */
		if (i < all->len || i > start || em.page == 1)
			ok = read_page(doc, &em, L + start, (int)(i - start), tabs,
				wide, heights);
		em.page++;
		start = i + 1;
	}
	if (ok) {
		doc_finish_pages(doc, (const double *)heights->data, (int)heights->len);
		stitch_gaps(doc);
	}
	for (guint i = 0; i < all->len; i++)
		if (L[i].pieces)
			g_array_free(L[i].pieces, TRUE);
	g_array_free(all, TRUE);
	g_array_free(em.glyphs, TRUE);
	g_array_free(em.rules, TRUE);
	g_array_free(heights, TRUE);
	return ok;
}
