/* Repairs of text dumps.  A dump loses what a PDF's geometry keeps: a
 * cell cut in two by a stray tab, a header or a number split over two
 * columns, a vertical label scattered over the rows beside it, a merged
 * 一级指标 printed once on one row of its group, debris where a glyph was.
 * Each repair here is a general rule that leans on what the patterns know
 * (the vocabulary of labels, headers and levels, the shapes of codes,
 * periods, percentages and targets, patterns/repair.pat) or on the
 * document stating the same words elsewhere; none is about one
 * document's strings.  What is changed is named in a warning; what
 * cannot be recovered is left as read, with a warning.
 *
 * Table level: the rows of a table are mended in place (cells merged,
 * split, emptied or given text), so the records stage reads them as it
 * reads a PDF's.  Record level: fields of the records are mended from
 * other places of the document (the caption, the table of contents). */
#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "patterns.h"
#include "repair.h"

/* Characters each side of a join looked up elsewhere in the document. */
#define EVIDENCE_SIDE 3
/* Rows a vertical label's letters may stand apart. */
#define LABEL_GAP 1
/* Bounds on the work input drives. */
#define MAX_VOCAB_KEY 200 /* characters of a header cell split by vocabulary */
#define MAX_GROUPS 32     /* 一级指标 groups of one table */

struct repair {
	const struct budtab_patterns *p;
	GArray *warnings;
	GString *corpus;     /* key forms of all text, '\n' apart: the evidence */
};

/* A row of a chain of table fragments (one table over page breaks). */
struct crow {
	struct table *t;
	int r;
};

/* What a column of a table holds, from the chain's header row. */
enum colfield {
	F_NONE,              /* no header above: a split cell's second half */
	F_LEVEL1, F_LEVEL2, F_LEVEL3, F_DESCRIPTION, F_TARGET, F_BASIS,
	F_EXTRA,
};

struct chain {
	GArray *rows;        /* struct crow, top to bottom */
	long header;         /* index in rows, or -1 */
	struct table *head;  /* the first fragment */
};

static void
warn(struct repair *x, int page, const char *code, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

static void
warn(struct repair *x, int page, const char *code, const char *fmt, ...)
{
	struct warning w = { page, g_strdup(code), NULL };
	va_list ap;

	va_start(ap, fmt);
	w.message = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_array_append_val(x->warnings, w);
}

static char *
key_of(const char *text)
{
	return text ? patterns_key_form(text) : NULL;
}

static bool
is_empty(const char *text)
{
	g_autofree char *k = key_of(text);

	return !k || !*k;
}

/* ---- cells ------------------------------------------------------------ */

static struct cell *
cell_at(struct table *t, int r, int c)
{
	return (struct cell *)table_cell_at(t, r, c);
}

static const char *
text_at(struct table *t, int r, int c)
{
	const struct cell *cell = r >= 0 && r < t->rows && c >= 0 && c < t->cols ?
		table_cell_at(t, r, c) : NULL;

	return cell ? cell->text : NULL;
}

static int
cmp_cell(const void *a, const void *b)
{
	const struct cell *p = a, *q = b;

	if (p->row != q->row)
		return p->row - q->row;
	return p->col - q->col;
}

static void
set_text(struct cell *c, char *text)
{
	g_free(c->text);
	c->text = text && *text ? text : (g_free(text), NULL);
}

/* Makes the rectangle of slots one cell holding text (taken); false, and
 * text freed, when a cell sticks out of the rectangle. */
static bool
merge_rect(struct table *t, int r, int c, int rs, int cs, char *text)
{
	GArray *keep;
	struct cell merged = { r, c, rs, cs, { 0, 0, 0, 0 }, NULL };

	if (r < 0 || c < 0 || rs < 1 || cs < 1 || r + rs > t->rows ||
	    c + cs > t->cols) {
		g_free(text);
		return false;
	}
	for (size_t k = 0; k < t->n_cells; k++) {
		const struct cell *x = &t->cells[k];
		bool inside = x->row >= r && x->row + x->rowspan <= r + rs &&
			x->col >= c && x->col + x->colspan <= c + cs;
		bool meets = x->row < r + rs && x->row + x->rowspan > r &&
			x->col < c + cs && x->col + x->colspan > c;

		if (meets && !inside) {
			g_free(text);
			return false;
		}
	}
	keep = g_array_new(FALSE, FALSE, sizeof(struct cell));
	for (size_t k = 0; k < t->n_cells; k++) {
		struct cell *x = &t->cells[k];

		if (x->row >= r && x->row < r + rs && x->col >= c && x->col < c + cs)
			g_free(x->text);
		else
			g_array_append_val(keep, *x);
	}
	merged.box = (struct box){ t->col_x[c], t->row_y[r], t->col_x[c + cs],
		t->row_y[r + rs] };
	merged.text = text && *text ? text : (g_free(text), NULL);
	g_array_append_val(keep, merged);
	g_array_sort(keep, cmp_cell);
	g_free(t->cells);
	t->n_cells = keep->len;
	t->cells = (struct cell *)g_array_free(keep, FALSE);
	return true;
}

/* Splits a cell spanning n columns into n one-column cells holding
 * texts[0 .. n) (taken). */
static bool
split_cols(struct table *t, struct cell *cell, char **texts, int n)
{
	int r = cell->row, c = cell->col, rs = cell->rowspan;
	GArray *all;

	if (cell->colspan != n) {
		for (int i = 0; i < n; i++)
			g_free(texts[i]);
		return false;
	}
	all = g_array_new(FALSE, FALSE, sizeof(struct cell));
	for (size_t k = 0; k < t->n_cells; k++) {
		if (&t->cells[k] == cell) {
			g_free(cell->text);
			continue;
		}
		g_array_append_val(all, t->cells[k]);
	}
	for (int i = 0; i < n; i++) {
		struct cell x = { r, c + i, rs, 1, { t->col_x[c + i], t->row_y[r],
			t->col_x[c + i + 1], t->row_y[r + rs] }, texts[i] };

		g_array_append_val(all, x);
	}
	g_array_sort(all, cmp_cell);
	g_free(t->cells);
	t->n_cells = all->len;
	t->cells = (struct cell *)g_array_free(all, FALSE);
	return true;
}

/* Splits a cell spanning columns into cells over the ranges starting at
 * starts[0 .. n) (starts[0] its first column), holding texts (taken). */
static void
split_ranges(struct table *t, struct cell *cell, char **texts, const int *starts,
	int n)
{
	int r = cell->row, rs = cell->rowspan, end = cell->col + cell->colspan;
	GArray *all = g_array_new(FALSE, FALSE, sizeof(struct cell));

	for (size_t k = 0; k < t->n_cells; k++) {
		if (&t->cells[k] == cell) {
			g_free(cell->text);
			continue;
		}
		g_array_append_val(all, t->cells[k]);
	}
	for (int i = 0; i < n; i++) {
		int c = starts[i], ce = i + 1 < n ? starts[i + 1] : end;
		struct cell x = { r, c, rs, ce - c, { t->col_x[c], t->row_y[r],
			t->col_x[ce], t->row_y[r + rs] }, texts[i] };

		g_array_append_val(all, x);
	}
	g_array_sort(all, cmp_cell);
	g_free(t->cells);
	t->n_cells = all->len;
	t->cells = (struct cell *)g_array_free(all, FALSE);
}

/* The cell right of c in its row (the next one starting after it). */
static struct cell *
cell_right(struct table *t, const struct cell *c)
{
	int col = c->col + c->colspan;

	return col < t->cols ? cell_at(t, c->row, col) : NULL;
}

/* ---- evidence and joins ----------------------------------------------- */

static void
corpus_add(GString *corpus, const char *text)
{
	g_autofree char *k = key_of(text);

	if (k && *k) {
		g_string_append(corpus, k);
		g_string_append_c(corpus, '\n');
	}
}

/* How many times the document states needle (key form). */
static int
stated(const struct repair *x, const char *needle)
{
	int n = 0;

	if (!needle || g_utf8_strlen(needle, -1) < 3)
		return 0;
	for (const char *q = x->corpus->str; (q = strstr(q, needle)); q++)
		n++;
	return n;
}

/* The last n characters of s (key form), or its first n. */
static char *
utf8_tail(const char *s, long n)
{
	long len = g_utf8_strlen(s, -1);

	return g_strdup(g_utf8_offset_to_pointer(s, MAX(0, len - n)));
}

static char *
utf8_head(const char *s, long n)
{
	long len = g_utf8_strlen(s, -1);

	return g_utf8_substring(s, 0, MIN(n, len));
}

/* Whether the document states the words around the join of a and b
 * (key forms) elsewhere: some characters before it with the first after
 * it, or the last before it with some after. */
static bool
join_stated(const struct repair *x, const char *a, const char *b)
{
	g_autofree char *a3 = utf8_tail(a, EVIDENCE_SIDE);
	g_autofree char *a1 = utf8_tail(a, 1);
	g_autofree char *b1 = utf8_head(b, 1);
	g_autofree char *b3 = utf8_head(b, EVIDENCE_SIDE);
	g_autofree char *left = g_strconcat(a3, b1, NULL);
	g_autofree char *right = g_strconcat(a1, b3, NULL);

	return stated(x, left) > 0 || stated(x, right) > 0;
}

/* The printed text without its first (or last) visible character. */
static char *
drop_first(const char *s)
{
	const char *q = s;

	while (*q && g_unichar_isspace(g_utf8_get_char(q)))
		q = g_utf8_next_char(q);
	if (*q)
		q = g_utf8_next_char(q);
	return g_strdup(q);
}

static char *
drop_last(const char *s)
{
	char *out = g_strdup(s);
	char *end = out + strlen(out);

	while (end > out) {
		char *prev = g_utf8_find_prev_char(out, end);
		bool space = g_unichar_isspace(g_utf8_get_char(prev));

		*prev = '\0';
		end = prev;
		if (!space)
			break;
	}
	return out;
}

static bool
is_debris_char(const struct repair *x, const char *key, bool last)
{
	g_autofree char *c = last ? utf8_tail(key, 1) : utf8_head(key, 1);

	return *c && patterns_match(x->p, "repair.junction.debris", c, NULL);
}

typedef bool (*known_fn)(const struct repair *x, const char *key);

/* Joins the two halves of a cell a dump split (printed texts).  A half
 * that repeats the other whole is dropped; a character at the join that
 * may be debris is dropped when the joined text is then known (known
 * given) or stated elsewhere in the document and not with it.  *doubt
 * is set when nothing confirmed the join.  Returns a g_malloc'd text. */
static char *
join_halves(const struct repair *x, const char *a, const char *b, known_fn known,
	bool *doubt)
{
	g_autofree char *ka = key_of(a);
	g_autofree char *kb = key_of(b);
	char *cand[3] = { NULL, NULL, NULL };
	g_autofree char *b_less = drop_first(b);
	g_autofree char *a_less = drop_last(a);
	g_autofree char *kb_less = key_of(b_less);
	g_autofree char *ka_less = key_of(a_less);
	char *out = NULL;

	*doubt = false;
	if (!*ka)
		return g_strdup(b);
	if (!*kb)
		return g_strdup(a);
	if (g_str_has_prefix(kb, ka))
		return g_strdup(b);
	if (g_str_has_suffix(ka, kb))
		return g_strdup(a);
	cand[0] = g_strconcat(a, b, NULL);
	if (is_debris_char(x, kb, false) && *kb_less)
		cand[1] = g_strconcat(a, b_less, NULL);
	if (is_debris_char(x, ka, true) && *ka_less)
		cand[2] = g_strconcat(a_less, b, NULL);
	if (known) {
		for (int i = 0; i < 3 && !out; i++) {
			g_autofree char *k = key_of(cand[i]);

			if (cand[i] && known(x, k))
				out = g_strdup(cand[i]);
		}
	}
	if (!out && join_stated(x, ka, kb))
		out = g_strdup(cand[0]);
	if (!out && cand[1] && join_stated(x, ka, kb_less))
		out = g_strdup(cand[1]);
	if (!out && cand[2] && join_stated(x, ka_less, kb))
		out = g_strdup(cand[2]);
	if (!out) {
		out = g_strdup(cand[0]);
		*doubt = true;
	}
	for (int i = 0; i < 3; i++)
		g_free(cand[i]);
	return out;
}

/* ---- vocabulary ------------------------------------------------------- */

static bool
known_header(const struct repair *x, const char *key)
{
	return patterns_classify(x->p, "col.", key, NULL) != NULL;
}

static bool
known_label(const struct repair *x, const char *key)
{
	return patterns_classify(x->p, "label.", key, NULL) != NULL;
}

static bool
known_level(const struct repair *x, const char *key)
{
	return patterns_match(x->p, "level1", key, NULL) ||
		patterns_classify(x->p, "under.", key, NULL) != NULL;
}

static bool
known_period(const struct repair *x, const char *key)
{
	return patterns_match(x->p, "period", key, NULL) ||
		patterns_classify(x->p, "month.", key, NULL) != NULL;
}

static bool
is_percent(const struct repair *x, const char *key)
{
	return key && strchr(key, '%') && patterns_match(x->p, "percent", key, NULL);
}

static enum colfield
field_of(const char *name)
{
	static const struct { const char *name; enum colfield f; } map[] = {
		{ "level1", F_LEVEL1 }, { "level2", F_LEVEL2 }, { "level3", F_LEVEL3 },
		{ "description", F_DESCRIPTION }, { "target", F_TARGET },
		{ "basis", F_BASIS },
	};

	for (size_t i = 0; name && i < G_N_ELEMENTS(map); i++)
		if (strcmp(map[i].name, name) == 0)
			return map[i].f;
	return F_EXTRA;
}

static const char *
label_of(const struct repair *x, const char *text)
{
	return text ? patterns_classify(x->p, "label.", text, NULL) : NULL;
}

/* ---- chains ----------------------------------------------------------- */

static int
header_hits(const struct repair *x, struct table *t, int r)
{
	int n = 0;

	for (int c = 0; c < t->cols;) {
		const struct cell *cell = table_cell_at(t, r, c);

		if (!cell) {
			c++;
			continue;
		}
		if (cell->row == r && cell->text &&
		    patterns_classify(x->p, "col.", cell->text, NULL))
			n++;
		c = cell->col + cell->colspan;
	}
	return n;
}

static GArray *
chains_of(struct table_list *tables)
{
	GArray *chains = g_array_new(FALSE, TRUE, sizeof(struct chain));

	for (size_t i = 0; i < tables->n; i++) {
		struct chain ch = { g_array_new(FALSE, FALSE, sizeof(struct crow)), -1,
			&tables->tables[i] };

		if (tables->tables[i].continues >= 0) {
			g_array_free(ch.rows, TRUE);
			continue;
		}
		for (size_t k = i, last = i; k < tables->n; k++) {
			struct table *t = &tables->tables[k];

			if (k != i && t->continues != (int)last)
				continue;
			last = k;
			for (int r = 0; r < t->rows; r++) {
				struct crow cr = { t, r };

				g_array_append_val(ch.rows, cr);
			}
		}
		g_array_append_val(chains, ch);
	}
	return chains;
}

static void
chains_free(GArray *chains)
{
	for (guint i = 0; i < chains->len; i++)
		g_array_free(g_array_index(chains, struct chain, i).rows, TRUE);
	g_array_free(chains, TRUE);
}

/* The field of column c of table t: the chain's header cell over the
 * most of it. */
static enum colfield
column_field(const struct repair *x, const struct chain *ch, struct table *t,
	int c)
{
	const struct crow *h;
	double x0 = t->col_x[c], x1 = t->col_x[c + 1], best = 0;
	enum colfield f = F_NONE;

	if (ch->header < 0)
		return F_NONE;
	h = &g_array_index(ch->rows, struct crow, ch->header);
	for (int k = 0; k < h->t->cols;) {
		const struct cell *cell = table_cell_at(h->t, h->r, k);
		double ov;

		if (!cell) {
			k++;
			continue;
		}
		ov = fmin(cell->box.x1, x1) - fmax(cell->box.x0, x0);
		if (cell->text && ov > best && ov >= 0.5 * (x1 - x0)) {
			best = ov;
			f = field_of(patterns_classify(x->p, "col.", cell->text, NULL));
		}
		k = cell->col + cell->colspan;
	}
	return f;
}

/* Whether column c of t is the second half of a cell: no header over it,
 * or a header cell that begins left of it. */
static bool
continuation_column(const struct repair *x, const struct chain *ch,
	struct table *t, int c)
{
	const struct crow *h;
	double x0 = t->col_x[c], x1 = t->col_x[c + 1];

	if (column_field(x, ch, t, c) == F_NONE)
		return true;
	h = &g_array_index(ch->rows, struct crow, ch->header);
	for (int k = 0; k < h->t->cols;) {
		const struct cell *cell = table_cell_at(h->t, h->r, k);

		if (!cell) {
			k++;
			continue;
		}
		if (cell->text && fmin(cell->box.x1, x1) - fmax(cell->box.x0, x0) >=
		    0.5 * (x1 - x0))
			return cell->box.x0 < x0 - 1;
		k = cell->col + cell->colspan;
	}
	return false;
}

/* The first column of t holding field f, or -1. */
static int
column_of(const struct repair *x, const struct chain *ch, struct table *t,
	enum colfield f)
{
	for (int c = 0; c < t->cols; c++)
		if (column_field(x, ch, t, c) == f)
			return c;
	return -1;
}

/* ---- headers ---------------------------------------------------------- */

/* Splits key into pieces that are each a header, as many as n; fills
 * cut[0 .. n] with character offsets.  Longest pieces first. */
static bool
vocab_split(const struct repair *x, const char *key, int n, long *cut,
	known_fn known)
{
	long len = g_utf8_strlen(key, -1);

	if (n == 0)
		return len == 0;
	for (long end = len; end > 0; end--) {
		g_autofree char *head = g_utf8_substring(key, 0, end);

		if (!known(x, head))
			continue;
		if (vocab_split(x, g_utf8_offset_to_pointer(key, end), n - 1, cut + 1,
		    known)) {
			cut[0] = 0;
			for (int i = 1; i <= n; i++)
				cut[i] += end;
			cut[0] = 0;
			return true;
		}
	}
	return false;
}

/* A header row: cells that are two halves of a header are joined (a
 * junction character dropped when the header needs it), and a header
 * cell spanning n columns that is n headers run together (letter-spaced
 * labels) is split into them. */
static void
repair_header_row(struct repair *x, struct table *t, int r, const bool *data_cols)
{
	for (int c = 0; c < t->cols;) {
		struct cell *a = cell_at(t, r, c), *b;
		g_autofree char *ka = NULL;

		if (!a || a->row != r) {
			c++;
			continue;
		}
		ka = key_of(a->text);
		if (ka && *ka && !known_header(x, ka) && a->colspan >= 2 &&
		    g_utf8_strlen(ka, -1) <= MAX_VOCAB_KEY) {
			long *cut = g_new0(long, a->colspan + 1);

			/* fewer headers than columns: one a column of cells below */
			for (int n = a->colspan - 1; n >= 2 && data_cols; n--) {
				int *starts = g_new(int, n), found = 0;

				for (int k = a->col; k < a->col + a->colspan && found < n; k++)
					if (data_cols[k])
						starts[found++] = k;
				if (found == n && vocab_split(x, ka, n, cut, known_header)) {
					char **texts = g_new0(char *, n);

					starts[0] = a->col;
					for (int i = 0; i < n; i++)
						texts[i] = g_utf8_substring(ka, cut[i], cut[i + 1]);
					warn(x, t->page, "repaired-header",
						"header '%s' read as %d column headers", a->text, n);
					split_ranges(t, a, texts, starts, n);
					g_free(texts);
					g_free(starts);
					g_free(cut);
					cut = NULL;
					break;
				}
				g_free(starts);
			}
			if (!cut)
				continue;
			if (vocab_split(x, ka, a->colspan, cut, known_header)) {
				char **texts = g_new0(char *, a->colspan);
				int n = a->colspan;

				for (int i = 0; i < n; i++)
					texts[i] = g_utf8_substring(ka, cut[i], cut[i + 1]);
				warn(x, t->page, "repaired-header",
					"header '%s' read as %d column headers", a->text, n);
				split_cols(t, a, texts, n);
				g_free(texts);
				g_free(cut);
				continue;
			}
			g_free(cut);
		}
		b = cell_right(t, a);
		if (ka && *ka && !known_header(x, ka) && b && b->row == r &&
		    b->rowspan == a->rowspan && !is_empty(b->text)) {
			g_autofree char *kb = key_of(b->text);
			bool doubt;
			char *joined;
			g_autofree char *kj = NULL;

			if (!known_header(x, kb)) {
				joined = join_halves(x, a->text, b->text, known_header, &doubt);
				kj = key_of(joined);
				if (known_header(x, kj)) {
					int cs = a->colspan + b->colspan;

					warn(x, t->page, "repaired-split-cell",
						"header '%s' + '%s' read as '%s'", a->text, b->text, kj);
					merge_rect(t, r, c, a->rowspan, cs, g_strdup(kj));
					g_free(joined);
					continue;
				}
				g_free(joined);
			}
		}
		c = a->col + a->colspan;
	}
}

/* Columns of t holding text in some row below row r. */
static bool *
data_columns(struct table *t, int r)
{
	bool *used = g_new0(bool, t->cols + 1);

	for (size_t k = 0; k < t->n_cells; k++) {
		const struct cell *c = &t->cells[k];

		if (c->row > r && c->text && c->colspan == 1)
			used[c->col] = true;
	}
	return used;
}

static void
find_header(struct repair *x, struct chain *ch)
{
	ch->header = -1;
	for (guint i = 0; i < ch->rows->len; i++) {
		struct crow *cr = &g_array_index(ch->rows, struct crow, i);
		int hits = header_hits(x, cr->t, cr->r);
		g_autofree bool *data_cols = data_columns(cr->t, cr->r);

		if (hits >= 2 || (hits >= 1 && cr->t->cols >= 3)) {
			repair_header_row(x, cr->t, cr->r, data_cols);
			hits = header_hits(x, cr->t, cr->r);
		} else {
			/* a letter-spaced header may be one cell */
			for (int c = 0; c < cr->t->cols; c++) {
				const struct cell *cell = table_cell_at(cr->t, cr->r, c);

				if (cell && cell->colspan >= 3) {
					repair_header_row(x, cr->t, cr->r, data_cols);
					hits = header_hits(x, cr->t, cr->r);
					break;
				}
			}
		}
		if (hits >= 3) {
			ch->header = i;
			return;
		}
	}
}

/* ---- indicator rows --------------------------------------------------- */

static bool
row_has_body(const struct repair *x, const struct chain *ch, struct table *t,
	int r)
{
	for (int c = 0; c < t->cols; c++) {
		enum colfield f = column_field(x, ch, t, c);
		const struct cell *cell = table_cell_at(t, r, c);

		if ((f == F_LEVEL3 || f == F_DESCRIPTION || f == F_TARGET ||
		     f == F_BASIS) && cell && cell->row == r && !is_empty(cell->text))
			return true;
	}
	return false;
}

static bool
is_target_value(const struct repair *x, const char *text)
{
	return text && patterns_match(x->p, "target.number", text, NULL);
}

/* The level a key form starts with, as a known level (completed when a
 * dump cut it short), and how many characters of the key it takes; 0
 * when it starts with none. */
static long
level_prefix(const struct repair *x, const char *key, char **level)
{
	long len = g_utf8_strlen(key, -1);

	for (long n = len - 1; n >= 2; n--) {
		g_autofree char *head = g_utf8_substring(key, 0, n);
		const char *suffix;

		if (known_level(x, head)) {
			*level = g_strdup(head);
			return n;
		}
		suffix = patterns_classify(x->p, "repair.complete.", head, NULL);
		if (suffix) {
			char *full = g_strconcat(head, suffix, NULL);

			if (known_level(x, full)) {
				*level = full;
				return n;
			}
			g_free(full);
		}
	}
	return 0;
}

/* The words of a cell that holds several cells' text run together.
 * Parted by spaces where the dump kept them; else, for a 二级指标 cell,
 * the level it starts with, then (when two more are wanted) a 三级指标
 * and the description that restates it (对经济发展 对经济发展带来效果).
 * NULL when the cell cannot be parted into n words. */
static GPtrArray *
run_together(const struct repair *x, const char *text, bool level_column, int n)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	char **words = g_strsplit_set(text, " \t", -1);
	int count = 0;

	for (char **w = words; *w; w++)
		count += **w != '\0';
	if (count >= n) {
		/* the first words fill the cells, the rest stays with the last */
		GString *last = NULL;

		for (char **w = words; *w; w++) {
			if (!**w)
				continue;
			if ((int)out->len < n - 1) {
				g_ptr_array_add(out, g_strdup(*w));
			} else if (!last) {
				last = g_string_new(*w);
			} else {
				g_string_append_printf(last, " %s", *w);
			}
		}
		g_ptr_array_add(out, g_string_free(last, FALSE));
	} else if (level_column && (n == 2 || n == 3)) {
		g_autofree char *key = key_of(text);
		char *level = NULL;
		long used = level_prefix(x, key, &level);
		const char *rest = used > 0 ? g_utf8_offset_to_pointer(key, used) : NULL;

		if (rest && *rest) {
			g_ptr_array_add(out, level);
			if (n == 2) {
				g_ptr_array_add(out, g_strdup(rest));
			} else {
				long len = g_utf8_strlen(rest, -1);

				for (long j = 2; j * 2 <= len && out->len < 3; j++) {
					g_autofree char *head = g_utf8_substring(rest, 0, j);
					const char *tail = g_utf8_offset_to_pointer(rest, j);

					if (g_str_has_prefix(tail, head)) {
						g_ptr_array_add(out, g_strdup(head));
						g_ptr_array_add(out, g_strdup(tail));
					}
				}
			}
		} else {
			g_free(level);
		}
	}
	g_strfreev(words);
	if ((int)out->len != n) {
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	return out;
}

/* A row whose cells a dump shifted left: its 指标值 column empty while a
 * target value stands left of it, and one cell holding several cells'
 * text.  That text is parted over the missing cells and the row is laid
 * under its headers again. */
static void
unshift_row(struct repair *x, const struct chain *ch, struct table *t, int r)
{
	int target = column_of(x, ch, t, F_TARGET), first;
	GPtrArray *items = NULL;
	GArray *cols;
	int have = 0;
	bool shifted = false;

	if (target < 0)
		return;
	/* no target value under the 指标值 header, one left of it */
	for (int c = target; c < t->cols &&
	     column_field(x, ch, t, c) == F_TARGET; c++)
		if (is_target_value(x, text_at(t, r, c)))
			return;
	for (int c = 0; c < target; c++) {
		const struct cell *cell = table_cell_at(t, r, c);

		if (cell && cell->row == r && cell->colspan == 1 &&
		    column_field(x, ch, t, c) != F_LEVEL1 &&
		    is_target_value(x, cell->text))
			shifted = true;
	}
	if (!shifted)
		return;
	/* the columns the row should fill: the first of each headed column
	 * after 一级 */
	cols = g_array_new(FALSE, FALSE, sizeof(int));
	for (int c = 0; c < t->cols; c++) {
		enum colfield f = column_field(x, ch, t, c);

		if (f != F_NONE && f != F_LEVEL1 && f != F_EXTRA &&
		    (c == 0 || column_field(x, ch, t, c - 1) != f))
			g_array_append_val(cols, c);
	}
	if (cols->len == 0) {
		g_array_free(cols, TRUE);
		return;
	}
	first = g_array_index(cols, int, 0);
	for (int c = first; c < t->cols; c++) {
		const struct cell *cell = table_cell_at(t, r, c);

		if (cell && cell->row == r && cell->col == c && !is_empty(cell->text))
			have++;
	}
	/* the first cell that parts into the missing ones */
	for (int c = first; c < t->cols && !items; c++) {
		const struct cell *cell = table_cell_at(t, r, c);
		int need = (int)cols->len - have;
		GPtrArray *parts;

		if (!cell || cell->row != r || cell->col != c || cell->colspan != 1 ||
		    cell->rowspan != 1 || is_empty(cell->text) || need <= 0)
			continue;
		parts = run_together(x, cell->text,
			column_field(x, ch, t, c) == F_LEVEL2, need + 1);
		if (!parts)
			continue;
		items = g_ptr_array_new_with_free_func(g_free);
		for (int k = first; k < t->cols; k++) {
			const struct cell *o = table_cell_at(t, r, k);

			if (!o || o->row != r || o->col != k || is_empty(o->text))
				continue;
			if (o == cell)
				for (guint i = 0; i < parts->len; i++)
					g_ptr_array_add(items, g_strdup(parts->pdata[i]));
			else
				g_ptr_array_add(items, g_strdup(o->text));
		}
		g_ptr_array_free(parts, TRUE);
		if (items->len != cols->len)
			g_clear_pointer(&items, g_ptr_array_unref);
	}
	if (items) {
		warn(x, t->page, "repaired-shifted-row",
			"row %d: the cells of a row run together and shifted left, parted "
			"and put back under their headers", r + 1);
		for (int c = first; c < t->cols; c++) {
			struct cell *cell = cell_at(t, r, c);

			if (cell && cell->row == r && cell->col == c && cell->colspan == 1 &&
			    cell->rowspan == 1)
				set_text(cell, NULL);
		}
		for (guint i = 0; i < cols->len; i++) {
			struct cell *cell = cell_at(t, r, g_array_index(cols, int, i));

			if (cell && cell->row == r)
				set_text(cell, g_strdup(items->pdata[i]));
		}
		g_ptr_array_free(items, TRUE);
	}
	g_array_free(cols, TRUE);
}

/* A 指标值 run into the cell before it (…比例≥62%) while the 指标值
 * columns of the row are empty: the value is parted off into them. */
static void
part_run_in_target(struct repair *x, const struct chain *ch, struct table *t,
	int r)
{
	int target = column_of(x, ch, t, F_TARGET);
	struct cell *tc;

	if (target < 1)
		return;
	for (int c = target; c < t->cols &&
	     column_field(x, ch, t, c) == F_TARGET; c++) {
		const struct cell *cell = table_cell_at(t, r, c);

		if (cell && cell->col >= target && !is_empty(cell->text))
			return;
	}
	for (int c = target - 1; c >= 0; c--) {
		struct cell *cell = cell_at(t, r, c);
		g_autofree char *k = NULL;
		struct pmatch *m = NULL;
		long off;

		if (!cell || cell->row != r || is_empty(cell->text))
			continue;
		c = cell->col;
		if (cell->rowspan != 1)
			return;
		k = key_of(cell->text);
		/* the last place a value can start whose rest parses */
		for (off = g_utf8_strlen(k, -1) - 1; off > 0; off--) {
			const char *rest = g_utf8_offset_to_pointer(k, off);

			if (patterns_match(x->p, "repair.target.start", rest, &m) &&
			    pmatch_group_offset(m, "start") == 0 &&
			    is_target_value(x, rest) &&
			    !g_unichar_isdigit(g_utf8_get_char(
				    g_utf8_prev_char(rest)))) {
				g_autofree char *head = g_strndup(k, (gsize)(rest - k));

				warn(x, t->page, "repaired-split-cell",
					"'%s' read as '%s' and the 指标值 '%s'", cell->text,
					head, rest);
				if (cell->col + cell->colspan > target) {
					char *texts[2] = { g_strdup(head), g_strdup(rest) };
					int starts[2] = { cell->col, target };

					split_ranges(t, cell, texts, starts, 2);
				} else {
					tc = cell_at(t, r, target);
					if (tc && tc->row == r && tc->col == target) {
						set_text(tc, g_strdup(rest));
						set_text(cell, g_strdup(head));
					}
				}
				pmatch_destroy(m);
				return;
			}
			pmatch_destroy(m);
			m = NULL;
		}
		return;
	}
}

/* The first column of each header right of column c, in order, as
 * many as fit in cols[max]; returns how many. */
static int
headed_columns(const struct repair *x, const struct chain *ch, struct table *t,
	int c, int *cols, int max)
{
	enum colfield prev = column_field(x, ch, t, c);
	int n = 0;

	for (int k = c + 1; k < t->cols && n < max; k++) {
		enum colfield f = column_field(x, ch, t, k);

		if (f == F_NONE || f == prev)
			continue;
		prev = f;
		cols[n++] = k;
	}
	return n;
}

/* An orphan cell whose row a dump laid closer together than the header
 * (cells set one column early, one after the other) when a 三级指标 or
 * 绩效指标描述 column further right stands empty in the row: the orphan
 * and the cells between it and that column each move to the next
 * header's column (a cell that ran on into the next header's columns
 * ends where they begin).  Not when the orphan completes a level with
 * the cell left of it (the two halves of a wrapped label), nor over a
 * header of another kind or two cells under one header.  Returns
 * whether it moved the cells. */
static bool
shift_run(struct repair *x, const struct chain *ch, struct table *t, int r,
	struct cell *o, const struct cell *left, bool second)
{
	int cols[8], n = headed_columns(x, ch, t, o->col, cols, 8), slot = -1;
	struct cell *src[8];

	if (left && !is_empty(left->text)) {
		g_autofree char *kl = key_of(left->text);
		g_autofree char *k = NULL;
		bool doubt;
		char *joined = join_halves(x, left->text, o->text, NULL, &doubt);

		k = key_of(joined);
		g_free(joined);
		if (!known_level(x, kl) && known_level(x, k))
			return false;
	}
	for (int j = 0; j < n && slot < 0; j++) {
		enum colfield f = column_field(x, ch, t, cols[j]);
		int end = j + 1 < n ? cols[j + 1] : t->cols;

		if (f != F_LEVEL3 && f != F_DESCRIPTION)
			return false;
		src[j] = NULL;
		/* one cell of text starting among the header's columns, or
		 * none; it may run on into the next header's */
		for (int k = cols[j]; k < end; k++) {
			struct cell *cell = cell_at(t, r, k);

			if (!cell || is_empty(cell->text) || cell == src[j] ||
			    (j > 0 && cell == src[j - 1]))
				continue;
			if (src[j] || cell->row != r || cell->rowspan != 1 ||
			    cell->col < cols[j])
				return false;
			src[j] = cell;
		}
		if (!src[j])
			slot = j;
	}
	if (slot < (second ? 0 : 1))
		return false;
	warn(x, t->page, "repaired-shifted-row",
		"'%s' and the %d cell(s) after it read as set one column early each",
		o->text, slot);
	{
		char *texts[9];
		int at[9];

		/* texts first: splitting a cell moves the others */
		texts[0] = g_strdup(o->text);
		at[0] = o->col;
		for (int j = 0; j < slot; j++) {
			texts[j + 1] = g_strdup(src[j]->text);
			at[j + 1] = src[j]->col;
		}
		for (int j = 0; j <= slot; j++) {
			struct cell *cell = cell_at(t, r, at[j]);
			int end = j > 0 ? cols[j] : t->cols; /* its header's end */

			if (!cell)
				continue;
			set_text(cell, NULL);
			/* a cell that ran on into the next header's columns ends
			 * where they begin */
			if (j > 0 && cell->col + cell->colspan > end) {
				char *none[2] = { NULL, NULL };
				int starts[2] = { cell->col, end };

				split_ranges(t, cell, none, starts, 2);
			}
		}
		for (int j = slot; j >= 0; j--) {
			struct cell *to = cell_at(t, r, cols[j]);

			if (to && to->row == r)
				set_text(to, texts[j]);
			else
				g_free(texts[j]);
		}
	}
	return true;
}

/* Whether the cell starting at column c of row r is the second cell of
 * text under one 三级指标 or 绩效指标描述 header. */
static bool
second_under_header(const struct repair *x, const struct chain *ch,
	struct table *t, int r, int c)
{
	enum colfield f = column_field(x, ch, t, c);

	if (f != F_LEVEL3 && f != F_DESCRIPTION)
		return false;
	for (int k = c - 1; k >= 0 && column_field(x, ch, t, k) == f; k--) {
		const struct cell *cell = table_cell_at(t, r, k);

		if (cell && cell->row == r && cell->col == k && !is_empty(cell->text))
			return true;
	}
	return false;
}

/* The one cell of text left under the header of column c in row r
 * takes all the header's columns, so that it stands under the header
 * as a whole. */
static void
widen_under_header(const struct repair *x, const struct chain *ch,
	struct table *t, int r, int c)
{
	enum colfield f = column_field(x, ch, t, c);
	int k0 = c, k1 = c + 1;
	const struct cell *only = NULL;

	while (k0 > 0 && column_field(x, ch, t, k0 - 1) == f)
		k0--;
	while (k1 < t->cols && column_field(x, ch, t, k1) == f)
		k1++;
	for (int k = k0; k < k1; k++) {
		const struct cell *cell = table_cell_at(t, r, k);

		if (!cell || cell->row != r || cell->rowspan != 1 || cell->col < k0 ||
		    cell->col + cell->colspan > k1)
			return;
		if (is_empty(cell->text) || cell == only)
			continue;
		if (only)
			return;
		only = cell;
	}
	if (only && only->colspan < k1 - k0)
		merge_rect(t, r, k0, 1, k1 - k0, g_strdup(only->text));
}

/* A cell in a column no header stands over is the second half of the
 * cell to its left, cut by a stray tab; unless it repeats that cell
 * whole and the 指标值 right of it is empty: then it is the 指标值, one
 * column early. */
static void
join_orphans(struct repair *x, const struct chain *ch, struct table *t, int r)
{
	for (int c = 1; c < t->cols; c++) {
		struct cell *o = cell_at(t, r, c), *left, *next;
		g_autofree char *ko = NULL;
		g_autofree char *kl = NULL;
		bool doubt;
		char *joined;

		if (!o || o->row != r || o->col != c || o->rowspan != 1 ||
		    o->colspan != 1 || is_empty(o->text))
			continue;
		if (!continuation_column(x, ch, t, c)) {
			if (second_under_header(x, ch, t, r, c) &&
			    shift_run(x, ch, t, r, o, NULL, true))
				widen_under_header(x, ch, t, r, c);
			continue;
		}
		left = cell_at(t, r, c - 1);
		if (!left || left->row != r || left->rowspan != 1)
			continue;
		/* under a header over several columns, only a cell of that
		 * header is the orphan's first half */
		if (column_field(x, ch, t, c) != F_NONE &&
		    column_field(x, ch, t, left->col) != column_field(x, ch, t, c))
			left = NULL;
		ko = key_of(o->text);
		kl = left ? key_of(left->text) : NULL;
		/* the next header's columns, right of the orphan's own */
		{
			enum colfield own = column_field(x, ch, t, c);
			int n0 = c + 1, n1;
			bool empty = true;

			while (n0 < t->cols && (column_field(x, ch, t, n0) == own ||
			       column_field(x, ch, t, n0) == F_NONE))
				n0++;
			n1 = n0;
			while (n1 < t->cols && column_field(x, ch, t, n1) ==
			       column_field(x, ch, t, n0))
				n1++;
			for (int k = c + 1; k < n1 && empty; k++)
				empty = is_empty(text_at(t, r, k));
			next = n0 < t->cols ? cell_at(t, r, n0) : NULL;
			/* with the next header's cell empty the orphan is that
			 * cell, set one column early */
			if (empty && next && next->row == r && next->rowspan == 1 &&
			    column_field(x, ch, t, n0) != F_EXTRA) {
				warn(x, t->page, "repaired-shifted-row",
					"'%s' read as the cell of the next column, set early",
					o->text);
				set_text(next, o->text);
				o->text = NULL;
				continue;
			}
		}
		if (shift_run(x, ch, t, r, o, left, false))
			continue;
		if (!left || is_empty(left->text))
			continue;
		joined = join_halves(x, left->text, o->text, NULL, &doubt);
		warn(x, t->page, doubt ? "doubtful-join" : "repaired-split-cell",
			"'%s' + '%s' read as one cell '%s'%s", left->text, o->text, joined,
			doubt ? " (a character at the join may be debris)" : "");
		merge_rect(t, r, left->col, 1, left->colspan + 1, joined);
	}
}

/* A level label cut short (经济效益指) completed to a known level. */
static void
complete_level(struct repair *x, struct table *t, struct cell *cell)
{
	g_autofree char *k = key_of(cell->text);
	const char *suffix;

	if (!k || !*k || known_level(x, k))
		return;
	suffix = patterns_classify(x->p, "repair.complete.", k, NULL);
	if (suffix) {
		g_autofree char *full = g_strconcat(k, suffix, NULL);

		if (known_level(x, full)) {
			warn(x, t->page, "repaired-level",
				"level '%s' cut short, read as '%s'", cell->text, full);
			set_text(cell, g_strdup(full));
		}
	}
}

/* A level-1 label standing on rows [first, last] of a chain. */
struct label {
	char *text;
	long first, last;
};

/* The level-1 cell of a chain row, confined to the level-1 column. */
static struct cell *
level1_cell(const struct repair *x, const struct chain *ch, const struct crow *cr)
{
	int c = column_of(x, ch, cr->t, F_LEVEL1);
	struct cell *cell = c >= 0 ? cell_at(cr->t, cr->r, c) : NULL;

	if (!cell || cell->colspan != 1)
		return NULL;
	return cell;
}

static struct cell *
level2_cell(const struct repair *x, const struct chain *ch, const struct crow *cr)
{
	int c = column_of(x, ch, cr->t, F_LEVEL2);
	struct cell *cell = c >= 0 ? cell_at(cr->t, cr->r, c) : NULL;

	return cell && cell->row == cr->r ? cell : NULL;
}

/* Gives each indicator row of a chain its 一级指标: the printed labels
 * (a vertical label's letters joined; other text in the column dropped
 * as debris) each head one run of rows; a row whose 二级指标 can stand
 * under one label only (under.*) belongs to that label's run; the rest
 * part so that each label stands as near the middle of its run as can
 * be, a row in doubt going with the run above.  The runs become merged
 * cells, as a PDF prints them. */
static void
group_level1(struct repair *x, struct chain *ch)
{
	long first = ch->header + 1, n = (long)ch->rows->len - first;
	struct label labels[MAX_GROUPS];
	int nl = 0;
	char **need;
	long *start;
	double *best;
	long *from;

	if (ch->header < 0 || n <= 0)
		return;
	/* labels, vertical letters joined */
	for (long i = 0; i < n && nl < MAX_GROUPS;) {
		const struct crow *cr = &g_array_index(ch->rows, struct crow, first + i);
		struct cell *cell = header_hits(x, cr->t, cr->r) >= 3 ? NULL :
			level1_cell(x, ch, cr);
		g_autofree char *k = cell && cell->row == cr->r ? key_of(cell->text) : NULL;

		if (!k || !*k) {
			i++;
			continue;
		}
		if (patterns_match(x->p, "level1", k, NULL)) {
			labels[nl++] = (struct label){ g_strdup(k), i, i };
			i++;
			continue;
		}
		{
			GString *acc = g_string_new(k);
			long j = i, last = i, gap = 0;
			bool found = false;

			for (j = i + 1; j < n && gap <= LABEL_GAP; j++) {
				const struct crow *cj = &g_array_index(ch->rows, struct crow,
					first + j);
				struct cell *cc = header_hits(x, cj->t, cj->r) >= 3 ? NULL :
					level1_cell(x, ch, cj);
				g_autofree char *kj = cc && cc->row == cj->r ?
					key_of(cc->text) : NULL;

				if (!kj || !*kj) {
					gap++;
					continue;
				}
				if (patterns_match(x->p, "level1", kj, NULL))
					break;
				gap = 0;
				g_string_append(acc, kj);
				last = j;
				if (patterns_match(x->p, "level1", acc->str, NULL)) {
					found = true;
					break;
				}
			}
			if (found) {
				labels[nl++] = (struct label){ g_strdup(acc->str), i, last };
				i = last + 1;
			} else {
				warn(x, cr->t->page, "dropped-fragment",
					"'%s' in the 一级指标 column is no level; dropped as debris",
					cell->text);
				set_text(cell, NULL);
				i++;
			}
			g_string_free(acc, TRUE);
		}
	}
	if (nl == 0)
		return;
	need = g_new0(char *, n);
	for (long i = 0; i < n; i++) {
		const struct crow *cr = &g_array_index(ch->rows, struct crow, first + i);
		struct cell *l2 = level2_cell(x, ch, cr);
		const char *u = l2 && l2->text ?
			patterns_classify(x->p, "under.", l2->text, NULL) : NULL;

		if (!u && l2 && l2->text)
			u = patterns_classify(x->p, "repair.under.", l2->text, NULL);
		for (int k = 0; u && k < nl; k++)
			if (strcmp(labels[k].text, u) == 0)
				need[i] = labels[k].text;
	}
	/* dp: start[k] is where label k's run begins */
	start = g_new0(long, nl + 1);
	best = g_new(double, (size_t)(nl + 1) * (n + 1));
	from = g_new(long, (size_t)(nl + 1) * (n + 1));
	for (long i = 0; i <= n; i++)
		best[i] = i == 0 ? 0 : INFINITY;
	for (int k = 1; k <= nl; k++) {
		const struct label *lb = &labels[k - 1];

		for (long e = 0; e <= n; e++) {
			best[k * (n + 1) + e] = INFINITY;
			if (e <= lb->last || (k == nl && e != n))
				continue;
			for (long s = 0; s <= lb->first; s++) {
				double prev = best[(k - 1) * (n + 1) + s], cost;
				bool ok = isfinite(prev);

				if (k > 1 && s <= labels[k - 2].last)
					ok = false;
				if (k == 1 && s != 0)
					ok = false;
				for (long i = s; ok && i < e; i++)
					if (need[i] && need[i] != lb->text)
						ok = false;
				if (!ok)
					continue;
				cost = prev + fabs((s + e - 1) / 2.0 - (lb->first + lb->last) / 2.0);
				/* a tie goes to the longer run above */
				if (cost < best[k * (n + 1) + e] - 1e-9 ||
				    (fabs(cost - best[k * (n + 1) + e]) < 1e-9 &&
				     s > from[k * (n + 1) + e])) {
					best[k * (n + 1) + e] = cost;
					from[k * (n + 1) + e] = s;
				}
			}
		}
	}
	if (isfinite(best[nl * (n + 1) + n])) {
		long e = n;

		start[nl] = n;
		for (int k = nl; k >= 1; k--) {
			start[k - 1] = from[k * (n + 1) + e];
			e = start[k - 1];
		}
		for (int k = 0; k < nl; k++) {
			/* one merged cell per table fragment of the run */
			long i = start[k];

			while (i < start[k + 1]) {
				const struct crow *cr = &g_array_index(ch->rows, struct crow,
					first + i);
				struct table *t = cr->t;
				long j = i;
				int c = column_of(x, ch, t, F_LEVEL1);

				while (j + 1 < start[k + 1] &&
				       g_array_index(ch->rows, struct crow, first + j + 1).t == t)
					j++;
				if (c >= 0) {
					int r0 = cr->r;
					int r1 = g_array_index(ch->rows, struct crow, first + j).r;

					if (!merge_rect(t, r0, c, r1 - r0 + 1, 1,
					    g_strdup(labels[k].text))) {
						/* cells in the way: each row gets the label */
						for (int r = r0; r <= r1; r++) {
							struct cell *cell = cell_at(t, r, c);

							if (cell && cell->colspan == 1 && cell->row == r)
								set_text(cell, g_strdup(labels[k].text));
						}
					}
				}
				i = j + 1;
			}
		}
	}
	for (int k = 0; k < nl; k++)
		g_free(labels[k].text);
	g_free(need);
	g_free(start);
	g_free(best);
	g_free(from);
}

/* Whether two rows of one table stand under one 一级指标: one merged
 * cell, the same label, or no label in either. */
static bool
same_level1(const struct repair *x, const struct chain *ch, const struct crow *a,
	const struct crow *b)
{
	int c = column_of(x, ch, a->t, F_LEVEL1);
	const struct cell *ca, *cb;

	if (c < 0)
		return true;
	ca = table_cell_at(a->t, a->r, c);
	cb = table_cell_at(b->t, b->r, c);
	if (ca == cb)
		return true;
	if (!ca || is_empty(ca->text) || !cb || is_empty(cb->text))
		return (!ca || is_empty(ca->text)) && (!cb || is_empty(cb->text));
	return strcmp(ca->text, cb->text) == 0;
}

/* A 二级指标 printed alone on a line between the rows it spans (a merged
 * cell): it spans the rows around it with no 二级指标 of their own,
 * as many above as below (all of one side when the other has none).  A
 * 二级指标 on a row of its group with rows around it that have none of
 * their own stands in the middle of its merged cell as well: it spans
 * as many of them above as below. */
static void
spread_level2(struct repair *x, struct chain *ch)
{
	long first = ch->header + 1, n = (long)ch->rows->len - first;

	for (long i = 0; ch->header >= 0 && i < n; i++) {
		const struct crow *cr = &g_array_index(ch->rows, struct crow, first + i);
		struct cell *lab = level2_cell(x, ch, cr);
		long up = 0, down = 0, span;
		bool body;

		if (!lab || is_empty(lab->text) || lab->rowspan != 1)
			continue;
		body = row_has_body(x, ch, cr->t, cr->r);
		while (i - up - 1 >= 0) {
			const struct crow *c2 = &g_array_index(ch->rows, struct crow,
				first + i - up - 1);
			struct cell *l2 = level2_cell(x, ch, c2);

			if (c2->t != cr->t || (l2 && !is_empty(l2->text)) ||
			    !row_has_body(x, ch, c2->t, c2->r) ||
			    !same_level1(x, ch, cr, c2))
				break;
			up++;
		}
		while (i + down + 1 < n) {
			const struct crow *c2 = &g_array_index(ch->rows, struct crow,
				first + i + down + 1);
			struct cell *l2 = level2_cell(x, ch, c2);

			if (c2->t != cr->t || (l2 && !is_empty(l2->text)) ||
			    !row_has_body(x, ch, c2->t, c2->r) ||
			    !same_level1(x, ch, cr, c2))
				break;
			down++;
		}
		/* on a row of its own the label may head rows of one side
		 * only; on a row with cells it stands in their middle */
		span = up && down ? MIN(up, down) : body ? 0 : MAX(up, down);
		if (span == 0)
			continue;
		{
			long top = up && down ? span : (up ? up : 0);
			long bottom = up && down ? span : (down ? down : 0);
			int c = lab->col, r0 = cr->r - (int)top;

			merge_rect(cr->t, r0, c, (int)(top + bottom + 1), lab->colspan,
				g_strdup(lab->text));
		}
	}
}

/* Under a header cell spanning columns (one the repairs joined, or a
 * dump's header over two slots), a row's one cell of text spans them
 * too, as the printed table's cell did. */
static void
span_under_headers(struct chain *ch)
{
	const struct crow *h = &g_array_index(ch->rows, struct crow, ch->header);

	for (int c = 0; c < h->t->cols; c++) {
		const struct cell *hc = table_cell_at(h->t, h->r, c);
		int c0, cs;

		if (!hc || hc->col != c || hc->colspan < 2 || !hc->text)
			continue;
		c0 = hc->col;
		cs = hc->colspan;
		for (guint i = (guint)ch->header + 1; i < ch->rows->len; i++) {
			const struct crow *cr = &g_array_index(ch->rows, struct crow, i);
			struct cell *only = NULL;
			int texts = 0;
			bool single = true;

			if (cr->t != h->t)
				continue;
			for (int k = c0; k < c0 + cs; k++) {
				struct cell *cell = cell_at(cr->t, cr->r, k);

				if (!cell || cell->row != cr->r || cell->rowspan != 1 ||
				    cell->col < c0 || cell->col + cell->colspan > c0 + cs) {
					single = false;
					break;
				}
				if (!is_empty(cell->text)) {
					texts++;
					only = cell;
				}
			}
			if (single && texts == 1 && only->colspan < cs)
				merge_rect(cr->t, cr->r, c0, 1, cs, g_strdup(only->text));
		}
		c = c0 + cs - 1;
	}
}

/* Of the indicator rows of the chain's header table (*rows of them),
 * how many have text starting in column c (the return value), and how
 * many (*runs_on) a cell that starts left of c and runs on over it: a
 * line of a wrapped cell longer than its column. */
static int
column_use(const struct chain *ch, int c, int *rows, int *runs_on)
{
	const struct crow *h = &g_array_index(ch->rows, struct crow, ch->header);
	int n = 0;

	*rows = *runs_on = 0;
	for (guint i = (guint)ch->header + 1; i < ch->rows->len; i++) {
		const struct crow *cr = &g_array_index(ch->rows, struct crow, i);
		const struct cell *cell;

		if (cr->t != h->t)
			continue;
		(*rows)++;
		cell = table_cell_at(cr->t, cr->r, c);
		if (!cell || cell->row != cr->r || is_empty(cell->text))
			continue;
		n += cell->col == c;
		*runs_on += cell->col < c && cell->rowspan == 1;
	}
	return n;
}

/* In a dump laid out by spaces a header need not stand over its cells
 * (a header centred in a wide cell, cells that start further left), and
 * a column of cells may have no header at all.  The columns are shared
 * out among the headers in order, each header keeping its own columns,
 * so that the cells stand as near their header as can be (weighted by
 * how many rows have a cell there); each header cell then spans its
 * share. */
static void
align_headers(struct repair *x, struct chain *ch)
{
	const struct crow *h = &g_array_index(ch->rows, struct crow, ch->header);
	struct table *t = h->t;
	int m = t->cols, k = 0, rows;
	struct cell **hc;
	double *use, *runs_on, *best;
	int *from, *lo, *hi;
	bool changed = false;

	hc = g_new0(struct cell *, m + 1);
	for (int c = 0; c < m;) {
		struct cell *cell = cell_at(t, h->r, c);

		if (!cell) {
			c++;
			continue;
		}
		if (cell->row == h->r && !is_empty(cell->text))
			hc[k++] = cell;
		c = cell->col + cell->colspan;
	}
	if (k < 2) {
		g_free(hc);
		return;
	}
	use = g_new0(double, m);
	runs_on = g_new0(double, m);
	for (int c = 0; c < m; c++) {
		int over;

		use[c] = column_use(ch, c, &rows, &over);
		runs_on[c] = 0.5 * over;
	}

	/* best[i][e]: headers 0..i-1 take columns [0, e) */
	best = g_new(double, (size_t)(k + 1) * (m + 1));
	from = g_new(int, (size_t)(k + 1) * (m + 1));
	for (int e = 0; e <= m; e++)
		best[e] = e == 0 ? 0 : INFINITY;
	for (int i = 1; i <= k; i++) {
		const struct cell *hd = hc[i - 1];
		double pos = (hd->box.x0 + hd->box.x1) / 2;

		for (int e = 0; e <= m; e++) {
			best[i * (m + 1) + e] = INFINITY;
			if (e < hd->col + hd->colspan || (i == k && e != m))
				continue;
			for (int s0 = 0; s0 <= hd->col; s0++) {
				double prev = best[(i - 1) * (m + 1) + s0], cost = prev;

				if (!isfinite(prev))
					continue;
				/* text that runs on over a column comes from the left */
				for (int c = s0; c < e; c++)
					cost += use[c] * fabs((t->col_x[c] + t->col_x[c + 1]) / 2 - pos) +
						runs_on[c] * fabs(t->col_x[c] - pos);
				if (cost < best[i * (m + 1) + e]) {
					best[i * (m + 1) + e] = cost;
					from[i * (m + 1) + e] = s0;
				}
			}
		}
	}
	lo = g_new(int, k);
	hi = g_new(int, k);
	if (isfinite(best[k * (m + 1) + m])) {
		int e = m;

		for (int i = k; i >= 1; i--) {
			lo[i - 1] = from[i * (m + 1) + e];
			hi[i - 1] = e;
			e = lo[i - 1];
		}
		/* merging moves cells: take texts first, then merge right to left */
		for (int i = k - 1; i >= 0; i--) {
			struct cell *own = NULL;
			bool clear = true;

			for (int c = lo[i]; c < hi[i]; c++) {
				struct cell *x2 = cell_at(t, h->r, c);

				if (!x2 || x2->rowspan != 1 || x2->col < lo[i] ||
				    x2->col + x2->colspan > hi[i])
					clear = false;
				else if (!is_empty(x2->text))
					own = x2;
			}
			if (!clear || !own || (own->col == lo[i] && own->colspan == hi[i] - lo[i]))
				continue;
			changed = true;
			merge_rect(t, h->r, lo[i], 1, hi[i] - lo[i], g_strdup(own->text));
		}
		if (changed)
			warn(x, t->page, "repaired-header",
				"headers laid over the columns of their cells");
	}
	g_free(hc);
	g_free(use);
	g_free(runs_on);
	g_free(best);
	g_free(from);
	g_free(lo);
	g_free(hi);
}

/* A row holding nothing but a character or two outside the 一级指标
 * column (a watermark's letter a dump set among the rows) is debris. */
static void
drop_stray_letters(struct repair *x, struct chain *ch)
{
	for (guint i = (guint)ch->header + 1; i < ch->rows->len; i++) {
		const struct crow *cr = &g_array_index(ch->rows, struct crow, i);
		struct cell *only = NULL;
		int n = 0;

		if (header_hits(x, cr->t, cr->r) >= 3)
			continue;
		for (int c = 0; c < cr->t->cols; c++) {
			struct cell *cell = cell_at(cr->t, cr->r, c);

			if (cell && cell->row == cr->r && cell->col == c &&
			    !is_empty(cell->text)) {
				n++;
				only = cell;
			}
		}
		if (n == 1 && only->rowspan == 1 &&
		    column_field(x, ch, cr->t, only->col) != F_LEVEL1 &&
		    column_field(x, ch, cr->t, only->col) != F_LEVEL2 &&
		    g_utf8_strlen(only->text, -1) <= 2) {
			warn(x, cr->t->page, "dropped-fragment",
				"'%s' alone on a row dropped as debris", only->text);
			set_text(only, NULL);
		}
	}
}

/* A fragment of the table on a later page has columns of its own (a
 * dump lays each page out afresh), but the records read every row under
 * the first page's headers.  A fragment that repeats the header row gets
 * the head's column places: each of its headers over the place of the
 * head's header of the same field, the boundaries between taken along. */
static void
align_fragments(struct repair *x, struct chain *ch)
{
	const struct crow *h = &g_array_index(ch->rows, struct crow, ch->header);
	struct table *last = h->t;

	for (guint i = (guint)ch->header + 1; i < ch->rows->len; i++) {
		const struct crow *cr = &g_array_index(ch->rows, struct crow, i);
		struct table *t = cr->t;
		double *nx;
		bool ok = true;

		if (t == last || header_hits(x, t, cr->r) < 3)
			continue;
		last = t;
		nx = g_new(double, t->cols + 1);
		for (int c = 0; c <= t->cols; c++)
			nx[c] = NAN;
		for (int c = 0; c < t->cols;) {
			const struct cell *fc = table_cell_at(t, cr->r, c);
			const char *ff;

			if (!fc) {
				c++;
				continue;
			}
			c = fc->col + fc->colspan;
			ff = fc->row == cr->r && fc->text ?
				patterns_classify(x->p, "col.", fc->text, NULL) : NULL;
			if (!ff)
				continue;
			for (int k = 0; k < h->t->cols;) {
				const struct cell *hc = table_cell_at(h->t, h->r, k);
				const char *hf;

				if (!hc) {
					k++;
					continue;
				}
				k = hc->col + hc->colspan;
				hf = hc->text ? patterns_classify(x->p, "col.", hc->text, NULL) :
					NULL;
				if (hf && strcmp(hf, ff) == 0) {
					if (isnan(nx[fc->col]))
						nx[fc->col] = hc->box.x0;
					if (isnan(nx[fc->col + fc->colspan]))
						nx[fc->col + fc->colspan] = hc->box.x1;
					break;
				}
			}
		}
		/* boundaries between known ones, spaced as they were */
		for (int c = 0; c <= t->cols && ok; c++) {
			int a = c, b;

			if (!isnan(nx[c]))
				continue;
			while (a >= 0 && isnan(nx[a]))
				a--;
			b = c;
			while (b <= t->cols && isnan(nx[b]))
				b++;
			if (a >= 0 && b <= t->cols)
				nx[c] = nx[a] + (nx[b] - nx[a]) * (t->col_x[c] - t->col_x[a]) /
					fmax(1e-9, t->col_x[b] - t->col_x[a]);
			else if (a >= 0)
				nx[c] = nx[a] + (t->col_x[c] - t->col_x[a]);
			else if (b <= t->cols)
				nx[c] = nx[b] - (t->col_x[b] - t->col_x[c]);
			else
				ok = false;
		}
		/* a column with no header between two that have one keeps a
		 * sliver of its own */
		for (int c = 0; c < t->cols && ok; c++)
			if (nx[c + 1] <= nx[c])
				nx[c + 1] = nx[c] + 0.5;
		if (ok) {
			memcpy(t->col_x, nx, (size_t)(t->cols + 1) * sizeof(double));
			for (size_t k = 0; k < t->n_cells; k++) {
				struct cell *cell = &t->cells[k];

				cell->box.x0 = t->col_x[cell->col];
				cell->box.x1 = t->col_x[cell->col + cell->colspan];
			}
			t->box.x0 = t->col_x[0];
			t->box.x1 = t->col_x[t->cols];
		}
		g_free(nx);
	}
}

static void
repair_indicators(struct repair *x, struct chain *ch)
{
	if (ch->header < 0)
		return;
	align_fragments(x, ch);
	drop_stray_letters(x, ch);
	align_headers(x, ch);
	for (guint i = (guint)ch->header + 1; i < ch->rows->len; i++) {
		struct crow *cr = &g_array_index(ch->rows, struct crow, i);
		struct cell *l2;

		if (header_hits(x, cr->t, cr->r) >= 3)
			continue;
		unshift_row(x, ch, cr->t, cr->r);
		join_orphans(x, ch, cr->t, cr->r);
		part_run_in_target(x, ch, cr->t, cr->r);
		l2 = level2_cell(x, ch, cr);
		if (l2)
			complete_level(x, cr->t, l2);
	}
	span_under_headers(ch);
	group_level1(x, ch);
	spread_level2(x, ch);
}

/* ---- the project block ------------------------------------------------ */

/* The label of a cell, or NULL. */
static const char *
cell_label(const struct repair *x, const struct cell *c)
{
	return c && c->text ? label_of(x, c->text) : NULL;
}

/* Label fragments of the label column on rows one under the other are
 * one label (资金支出计 / 划(%)); a label then spans the rows under it
 * that have nothing in the label column (the rows its value or its
 * second line of values stand on). */
static void
join_label_column(struct repair *x, struct table *t, int end)
{
	for (int r = 0; r + 1 < end; r++) {
		struct cell *a = cell_at(t, r, 0), *b;
		g_autofree char *ka = NULL;
		g_autofree char *kb = NULL;

		if (!a || a->row != r || a->colspan != 1 || is_empty(a->text))
			continue;
		b = cell_at(t, a->row + a->rowspan, 0);
		if (!b || b->colspan != 1 || is_empty(b->text) ||
		    b->row + b->rowspan > end)
			continue;
		ka = key_of(a->text);
		kb = key_of(b->text);
		if (known_label(x, ka) && known_label(x, kb))
			continue;
		{
			bool doubt;
			char *joined = join_halves(x, a->text, b->text, known_label, &doubt);
			g_autofree char *kj = key_of(joined);

			if (!known_label(x, kj)) {
				g_free(joined);
				continue;
			}
			warn(x, t->page, "repaired-split-cell",
				"label '%s' / '%s' read as '%s'", a->text, b->text, kj);
			merge_rect(t, a->row, 0, a->rowspan + b->rowspan, 1, joined);
			r--;
		}
	}
	for (int r = 0; r < end; r++) {
		struct cell *a = cell_at(t, r, 0);
		int span = 0;

		if (!a || a->row != r || a->colspan != 1 || !cell_label(x, a))
			continue;
		for (int q = r + a->rowspan; q < end; q++) {
			struct cell *c0 = cell_at(t, q, 0);
			bool label = false;

			if (c0 && !is_empty(c0->text))
				break;
			for (int c = 1; c < t->cols; c++)
				label |= cell_label(x, table_cell_at(t, q, c)) != NULL;
			if (label)
				break;
			span++;
		}
		if (span > 0)
			merge_rect(t, r, 0, a->rowspan + span, 1, g_strdup(a->text));
	}
}

/* A label run into its value in one cell (项目名称]7号 征地…, or a code
 * with 项目名称 after it): the label gets a cell of its own. */
static void
part_glued_labels(struct repair *x, struct table *t, int end)
{
	for (int r = 0; r < end; r++)
		for (int c = 0; c + 1 < t->cols; c++) {
			struct cell *a = cell_at(t, r, c), *b;
			g_autofree char *k = NULL;
			long len;

			/* the label column's fragments are joined, not parted */
			if (c == 0 || !a || a->row != r || a->col != c ||
			    a->rowspan != 1 || is_empty(a->text) || cell_label(x, a))
				continue;
			b = cell_right(t, a);
			if (!b || b->row != r || b->rowspan != 1)
				continue;
			k = key_of(a->text);
			len = g_utf8_strlen(k, -1);
			for (long cut = len - 2; cut >= 2; cut--) {
				g_autofree char *head = g_utf8_substring(k, 0, cut);
				g_autofree char *tail = g_utf8_substring(k, cut, len);

				/* label, then its value */
				if (known_label(x, head) && *tail) {
					char *moved = is_empty(b->text) ? g_strdup(tail) :
						g_strconcat(tail, b->text, NULL);

					warn(x, t->page, "repaired-split-cell",
						"'%s' read as the label '%s' and '%s'", a->text, head,
						tail);
					set_text(a, g_strdup(head));
					set_text(b, moved);
					break;
				}
				/* a value, then the next label, beside an empty cell */
				if (known_label(x, tail) && is_empty(b->text) &&
				    g_utf8_strlen(tail, -1) >= 2 && !known_label(x, head)) {
					warn(x, t->page, "repaired-split-cell",
						"'%s' read as '%s' and the label '%s'", a->text, head,
						tail);
					set_text(a, g_strdup(head));
					set_text(b, g_strdup(tail));
					break;
				}
			}
		}
}

/* Values beside a label: a code cut in two is one code when together the
 * pieces take a code's shape; the other values a dump split over cells
 * of one row are joined (not the schedule's rows, whose cells are one
 * period each). */
static void
join_values(struct repair *x, struct table *t, int end, const bool *schedule)
{
	for (int r = 0; r < end; r++) {
		if (schedule[r])
			continue;
		for (int c = 0; c < t->cols; c++) {
			struct cell *a = cell_at(t, r, c), *b;
			const char *la;

			if (!a || a->row != r || a->col != c || is_empty(a->text) ||
			    cell_label(x, a))
				continue;
			b = cell_right(t, a);
			if (!b || b->row != r || b->rowspan != a->rowspan ||
			    is_empty(b->text) || cell_label(x, b))
				continue;
			la = c > 0 ? cell_label(x, table_cell_at(t, r, c - 1)) : NULL;
			{
				g_autofree char *ka = key_of(a->text);
				g_autofree char *kb = key_of(b->text);
				g_autofree char *kj = g_strconcat(ka, kb, NULL);
				bool code_shape = patterns_match(x->p, "repair.shape.code", kj,
					NULL);
				bool doubt = false;
				char *joined;

				if (la && strcmp(la, "code") == 0) {
					if (!code_shape ||
					    patterns_match(x->p, "repair.shape.code", ka, NULL))
						continue;
					warn(x, t->page, "repaired-split-cell",
						"code '%s' + '%s' read as '%s'", a->text, b->text, kj);
					merge_rect(t, r, c, a->rowspan, a->colspan + b->colspan,
						g_strdup(kj));
					c--;
					continue;
				}
				/* amounts and percentages stand one a cell */
				if (patterns_match(x->p, "amount", ka, NULL) ||
				    patterns_match(x->p, "amount", kb, NULL))
					continue;
				joined = join_halves(x, a->text, b->text, NULL, &doubt);
				warn(x, t->page, doubt ? "doubtful-join" : "repaired-split-cell",
					"'%s' + '%s' read as one cell '%s'%s", a->text, b->text,
					joined, doubt ? " (a character at the join may be debris)" : "");
				merge_rect(t, r, c, a->rowspan, a->colspan + b->colspan, joined);
				c--;
			}
		}
	}
}

struct period_cell {
	char *label;         /* as it will be printed */
	int col;
};

/* The spending schedule: the labels' row and the percentages' row under
 * it, mended as a whole.  Labels split over two cells or garbled are put
 * back (checked against the period patterns), debris beside them
 * dropped; percentages split over two cells are joined when the row
 * holds more pieces than there are periods; then the i-th percentage
 * goes under the i-th label. */
static void
repair_schedule(struct repair *x, struct table *t, int r)
{
	GArray *periods = g_array_new(FALSE, TRUE, sizeof(struct period_cell));
	GPtrArray *pcts = g_ptr_array_new_with_free_func(g_free);
	int pr = r + 1, c0 = -1;
	bool changed = false;
	const char *suffix = NULL;
	g_autofree char *suffix_owned = NULL;

	if (pr >= t->rows)
		goto done;
	/* labels, left to right */
	for (int c = 1; c < t->cols;) {
		const struct cell *cell = table_cell_at(t, r, c);
		g_autofree char *k = NULL;

		if (!cell) {
			c++;
			continue;
		}
		c = cell->col + cell->colspan;
		if (cell->row != r || is_empty(cell->text))
			continue;
		if (c0 < 0)
			c0 = cell->col;
		k = key_of(cell->text);
		if (known_period(x, k)) {
			struct period_cell pc = { g_strdup(cell->text), cell->col };

			g_array_append_val(periods, pc);
			continue;
		}
		/* a label cut in two: this cell and the next */
		{
			const struct cell *next = c < t->cols ? table_cell_at(t, r, c) : NULL;

			if (next && next->row == r && !is_empty(next->text)) {
				bool doubt;
				char *joined = join_halves(x, cell->text, next->text,
					known_period, &doubt);
				g_autofree char *kj = key_of(joined);

				if (known_period(x, kj)) {
					struct period_cell pc = { g_strdup(kj), cell->col };

					warn(x, t->page, "repaired-split-cell",
						"period '%s' + '%s' read as '%s'", cell->text,
						next->text, kj);
					g_array_append_val(periods, pc);
					c = next->col + next->colspan;
					changed = true;
					g_free(joined);
					continue;
				}
				g_free(joined);
			}
		}
		/* words of which one is a period and the others debris */
		{
			char **words = g_strsplit_set(cell->text, " \t", -1);
			int found = 0;

			for (char **w = words; *w; w++) {
				g_autofree char *kw = key_of(*w);

				if (*kw && known_period(x, kw))
					found++;
			}
			if (found == 1) {
				for (char **w = words; *w; w++) {
					g_autofree char *kw = key_of(*w);

					if (*kw && known_period(x, kw)) {
						struct period_cell pc = { g_strdup(kw), cell->col };

						g_array_append_val(periods, pc);
					}
				}
				warn(x, t->page, "dropped-fragment",
					"period cell '%s': debris beside the period dropped",
					cell->text);
				changed = true;
				g_strfreev(words);
				continue;
			}
			g_strfreev(words);
		}
		/* a garbled label: its month still reads */
		{
			struct pmatch *m = NULL;

			if (patterns_match(x->p, "repair.period.garbled", k, &m)) {
				struct period_cell pc = { NULL, cell->col };
				g_autofree char *month = pmatch_group(m, "month");

				pc.label = g_strconcat(month, "\x01", NULL);
				g_array_append_val(periods, pc);
				changed = true;
			}
			pmatch_destroy(m);
		}
	}
	if (periods->len == 0)
		goto done;
	/* garbled labels are written as the row's other labels are */
	for (guint i = 0; i < periods->len; i++) {
		struct period_cell *pc = &g_array_index(periods, struct period_cell, i);
		struct pmatch *m = NULL;
		g_autofree char *k = key_of(pc->label);

		if (!strchr(pc->label, '\x01') &&
		    patterns_match(x->p, "period", k, &m)) {
			g_autofree char *month = pmatch_group(m, "month");
			long off = pmatch_group_offset(m, "month");

			if (month && off >= 0 && !suffix) {
				suffix_owned = g_strdup(g_utf8_offset_to_pointer(k,
					off + g_utf8_strlen(month, -1)));
				suffix = suffix_owned;
			}
		}
		pmatch_destroy(m);
	}
	for (guint i = 0; i < periods->len; i++) {
		struct period_cell *pc = &g_array_index(periods, struct period_cell, i);
		char *mark = strchr(pc->label, '\x01');

		if (!mark)
			continue;
		*mark = '\0';
		{
			char *rebuilt = g_strconcat(pc->label, suffix ? suffix : "月", NULL);

			warn(x, t->page, "repaired-period",
				"a garbled period label read as '%s' (month %s)", rebuilt,
				pc->label);
			g_free(pc->label);
			pc->label = rebuilt;
		}
	}
	/* percentages, left to right, pieces joined while too many */
	for (int c = 1; c < t->cols;) {
		const struct cell *cell = table_cell_at(t, pr, c);

		if (!cell) {
			c++;
			continue;
		}
		c = cell->col + cell->colspan;
		if (cell->row == pr && !is_empty(cell->text))
			g_ptr_array_add(pcts, key_of(cell->text));
	}
	while (pcts->len > periods->len) {
		bool joined = false;

		for (guint i = 0; i + 1 < pcts->len && !joined; i++) {
			const char *a = pcts->pdata[i], *b = pcts->pdata[i + 1];
			g_autofree char *j = g_strconcat(a, b, NULL);

			if (!is_percent(x, a) && is_percent(x, j)) {
				warn(x, t->page, "repaired-split-cell",
					"percentage '%s' + '%s' read as '%s'", a, b, j);
				g_free(pcts->pdata[i]);
				pcts->pdata[i] = g_strdup(j);
				g_ptr_array_remove_index(pcts, i + 1);
				joined = changed = true;
			}
		}
		if (!joined)
			break;
	}
	/* lay them out again when they stand apart or were mended */
	if (!changed && pcts->len == periods->len) {
		for (guint i = 0; i < periods->len && !changed; i++) {
			int col = g_array_index(periods, struct period_cell, i).col;

			changed = is_empty(text_at(t, pr, col));
		}
	}
	if (changed && pcts->len == periods->len) {
		for (int c = 1; c < t->cols; c++) {
			struct cell *a = cell_at(t, r, c), *b = cell_at(t, pr, c);

			if (a && a->row == r && a->col == c && a->rowspan == 1)
				set_text(a, NULL);
			if (b && b->row == pr && b->col == c && b->rowspan == 1)
				set_text(b, NULL);
		}
		for (guint i = 0; i < periods->len; i++) {
			struct period_cell *pc = &g_array_index(periods, struct period_cell, i);
			struct cell *a = cell_at(t, r, pc->col), *b = cell_at(t, pr, pc->col);

			if (a && a->row == r)
				set_text(a, g_strdup(pc->label));
			if (b && b->row == pr)
				set_text(b, g_strdup(pcts->pdata[i]));
		}
	} else if (changed) {
		warn(x, t->page, "schedule-unreadable",
			"%u periods but %u percentages; the schedule is left as read",
			periods->len, pcts->len);
	}
done:
	for (guint i = 0; i < periods->len; i++)
		g_free(g_array_index(periods, struct period_cell, i).label);
	g_array_free(periods, TRUE);
	g_ptr_array_free(pcts, TRUE);
}

/* Cells of the block that hold nothing a table prints. */
static void
drop_debris(struct repair *x, struct table *t, int end)
{
	for (size_t k = 0; k < t->n_cells; k++) {
		struct cell *c = &t->cells[k];
		g_autofree char *key = NULL;

		if (c->row >= end || !c->text)
			continue;
		key = key_of(c->text);
		if (patterns_match(x->p, "repair.debris.cell", key, NULL)) {
			warn(x, t->page, "dropped-fragment", "'%s' dropped as debris",
				c->text);
			set_text(c, NULL);
		}
	}
}

/* Empty slots a dump's columns put between a label and its value (the
 * budget line's cells need not fall in the indicator rows' columns): the
 * value's cell takes them in, so it stands beside its label again. */
static void
close_gaps(struct repair *x, struct table *t, int end, const bool *schedule)
{
	for (int r = 0; r < end; r++) {
		if (schedule[r])
			continue;
		for (int c = 0; c < t->cols; c++) {
			struct cell *l = cell_at(t, r, c), *gap, *v;
			int span = 0;

			if (!l || l->row != r || l->col != c || !cell_label(x, l))
				continue;
			gap = cell_right(t, l);
			if (!gap || gap->row != r || gap->rowspan != 1 || !is_empty(gap->text))
				continue;
			v = gap;
			while (v && v->row == r && v->rowspan == 1 && is_empty(v->text)) {
				span += v->colspan;
				v = cell_right(t, v);
			}
			if (!v || v->row != r || v->rowspan != 1 || cell_label(x, v))
				continue;
			merge_rect(t, r, gap->col, 1, span + v->colspan, g_strdup(v->text));
		}
	}
}

/* Whether the chain holds a performance-goal table: a project label in
 * its head, or an indicator header. */
static bool
project_table(struct repair *x, const struct chain *ch)
{
	if (ch->header >= 0)
		return true;
	for (size_t k = 0; k < ch->head->n_cells; k++) {
		const char *l = cell_label(x, &ch->head->cells[k]);

		if (l && (strcmp(l, "code") == 0 || strcmp(l, "name") == 0))
			return true;
	}
	return false;
}

static void
repair_block(struct repair *x, struct chain *ch)
{
	struct table *t = ch->head;
	int end = t->rows;
	bool *schedule;

	if (!project_table(x, ch))
		return;
	if (ch->header >= 0 &&
	    g_array_index(ch->rows, struct crow, ch->header).t == t)
		end = g_array_index(ch->rows, struct crow, ch->header).r;
	part_glued_labels(x, t, end);
	join_label_column(x, t, end);
	drop_debris(x, t, end);
	schedule = g_new0(bool, t->rows + 1);
	for (int r = 0; r < end; r++) {
		const struct cell *c = table_cell_at(t, r, 0);
		const char *l = c && c->row == r ? cell_label(x, c) : NULL;

		if (l && strcmp(l, "schedule") == 0) {
			schedule[r] = true;
			if (r + 1 < t->rows)
				schedule[r + 1] = true;
			repair_schedule(x, t, r);
		}
	}
	close_gaps(x, t, end, schedule);
	join_values(x, t, end, schedule);
	g_free(schedule);
}

/* A fragment taken for the continuation of the table before it (a page
 * break, a gap) that begins with a project's code or name label starts
 * a project of its own. */
static void
unlink_new_projects(struct repair *x, struct table_list *tables)
{
	for (size_t i = 0; i < tables->n; i++) {
		struct table *t = &tables->tables[i];

		for (size_t k = 0; t->continues >= 0 && k < t->n_cells; k++) {
			const char *l = t->cells[k].row < 2 ?
				cell_label(x, &t->cells[k]) : NULL;

			if (l && (strcmp(l, "code") == 0 || strcmp(l, "name") == 0))
				t->continues = -1;
		}
	}
}

void
repair_tables(struct table_list *tables, const struct text_line *lines,
	size_t n_lines, const struct budtab_patterns *patterns, GArray *warnings)
{
	struct repair x = { patterns, warnings, g_string_new(NULL) };
	GArray *chains;

	for (size_t i = 0; i < tables->n; i++)
		for (size_t k = 0; k < tables->tables[i].n_cells; k++)
			corpus_add(x.corpus, tables->tables[i].cells[k].text);
	for (size_t i = 0; i < n_lines; i++)
		corpus_add(x.corpus, lines[i].text);
	unlink_new_projects(&x, tables);
	chains = chains_of(tables);
	for (guint i = 0; i < chains->len; i++) {
		struct chain *ch = &g_array_index(chains, struct chain, i);

		find_header(&x, ch);
		repair_block(&x, ch);
		repair_indicators(&x, ch);
	}
	chains_free(chains);
	g_string_free(x.corpus, TRUE);
}

/* ---- records ---------------------------------------------------------- */

/* The longest common subsequence of a and b (key forms), in characters. */
static long
common_chars(const char *a, const char *b)
{
	glong na, nb;
	gunichar *ua = g_utf8_to_ucs4_fast(a, -1, &na);
	gunichar *ub = g_utf8_to_ucs4_fast(b, -1, &nb);
	long *row = g_new0(long, nb + 1), best;

	for (glong i = 1; i <= na; i++) {
		long diag = 0;

		for (glong j = 1; j <= nb; j++) {
			long up = row[j];

			row[j] = ua[i - 1] == ub[j - 1] ? diag + 1 : MAX(row[j], row[j - 1]);
			diag = up;
		}
	}
	best = row[nb];
	g_free(row);
	g_free(ua);
	g_free(ub);
	return best;
}

/* The name a caption (or contents entry) states, key form, or NULL. */
static char *
stated_name(const struct repair *x, const char *title)
{
	struct pmatch *m = NULL;
	char *name = NULL;

	if (title && patterns_match(x->p, "repair.caption.name", title, &m))
		name = pmatch_group(m, "name");
	pmatch_destroy(m);
	return name;
}

/* Whether the name read in a table is the stated one cut short or
 * garbled: most of its characters stand in the stated name in order,
 * and it is not the stated name. */
static bool
damaged_version(const char *read, const char *stated_key)
{
	g_autofree char *k = key_of(read);
	long n, common;

	if (!k || !*k)
		return true;
	if (strcmp(k, stated_key) == 0)
		return false;
	n = g_utf8_strlen(k, -1);
	common = common_chars(k, stated_key);
	return common >= 0.6 * n && common >= 2;
}

struct entry {
	int num;
	char *title;         /* printed */
};

/* Entries of the table of contents: lines (or cells) naming a
 * performance-goal table by number, wrapped entries joined. */
static GArray *
contents_entries(const struct repair *x, const struct table_list *tables,
	const struct text_line *lines, size_t n_lines)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct entry));
	GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; i < n_lines; i++)
		g_ptr_array_add(texts, key_of(lines[i].text));
	for (size_t i = 0; i < tables->n; i++) {
		const struct table *t = &tables->tables[i];

		for (int r = 0; r < t->rows; r++) {
			GString *row = g_string_new(NULL);

			for (int c = 0; c < t->cols; c++) {
				const struct cell *cell = table_cell_at(t, r, c);
				g_autofree char *k = cell && cell->row == r && cell->col == c ?
					key_of(cell->text) : NULL;

				if (k)
					g_string_append(row, k);
			}
			g_ptr_array_add(texts, g_string_free(row, FALSE));
		}
	}
	for (guint i = 0; i < texts->len; i++) {
		GString *acc = g_string_new(NULL);

		/* an entry may wrap over up to three lines */
		for (guint j = i; j < texts->len && j < i + 3; j++) {
			struct pmatch *m = NULL;

			g_string_append(acc, texts->pdata[j]);
			if (patterns_match(x->p, "repair.contents.entry", acc->str, &m)) {
				g_autofree char *num = pmatch_group(m, "num");
				struct entry e = { atoi(num), pmatch_group(m, "title") };

				g_array_append_val(out, e);
				pmatch_destroy(m);
				i = j;
				break;
			}
			pmatch_destroy(m);
		}
		g_string_free(acc, TRUE);
	}
	g_ptr_array_free(texts, TRUE);
	return out;
}

static void
repair_name(struct repair *x, struct project *p, const GArray *entries)
{
	g_autofree char *from_caption = stated_name(x, p->title);
	const struct entry *entry = NULL;
	g_autofree char *from_contents = NULL;
	int page = p->pages ? p->pages[0] : 0;

	for (guint i = 0; i < entries->len; i++) {
		const struct entry *e = &g_array_index(entries, struct entry, i);
		g_autofree char *kt = key_of(p->title);
		g_autofree char *ke = key_of(e->title);

		/* the entry of this table: its number, and a like caption when
		 * there is one */
		if (e->num == p->seq && (!kt || common_chars(kt, ke) >=
		    0.6 * g_utf8_strlen(ke, -1)))
			entry = e;
	}
	if (entry)
		from_contents = stated_name(x, entry->title);
	if (!p->title && entry) {
		p->title = g_strdup(entry->title);
		warn(x, page, "repaired-from-contents",
			"project %d: caption not found; title taken from the table of "
			"contents: '%s'", p->seq, p->title);
		g_free(from_caption);
		from_caption = NULL;
	}
	if (from_caption && damaged_version(p->name.text, from_caption)) {
		warn(x, page, "repaired-from-caption",
			"project %d: name read as '%s', taken from the caption: '%s'",
			p->seq, p->name.text ? p->name.text : "", from_caption);
		g_free(p->name.text);
		p->name.text = g_strdup(from_caption);
	} else if (!from_caption && from_contents &&
		   damaged_version(p->name.text, from_contents)) {
		warn(x, page, "repaired-from-contents",
			"project %d: name read as '%s', taken from the table of "
			"contents: '%s'", p->seq, p->name.text ? p->name.text : "",
			from_contents);
		g_free(p->name.text);
		p->name.text = g_strdup(from_contents);
	}
}

/* A 指标值 with debris in front of it (a watermark's letter) is read from
 * where a value starts, when at most two characters stand before. */
static void
repair_target(struct repair *x, struct indicator *ind, int page)
{
	g_autofree char *k = key_of(ind->target.text);
	struct pmatch *m = NULL;
	long off;

	if (!k || !*k || patterns_match(x->p, "target.number", k, NULL))
		return;
	if (!patterns_match(x->p, "repair.target.start", k, &m)) {
		pmatch_destroy(m);
		return;
	}
	off = pmatch_group_offset(m, "start");
	pmatch_destroy(m);
	if (off <= 0 || off > 2)
		return;
	{
		const char *rest = g_utf8_offset_to_pointer(k, off);

		if (!patterns_match(x->p, "target.number", rest, NULL))
			return;
		warn(x, page, "dropped-fragment",
			"指标值 '%s': '%.*s' in front of it dropped as debris",
			ind->target.text, (int)(rest - k), k);
		{
			char *text = g_strdup(rest);
			struct src src = ind->target.src;

			g_free(ind->target.text);
			g_free(ind->target.unit);
			records_parse_target(x->p, text, &ind->target);
			ind->target.src = src;
			g_free(text);
		}
	}
}

static bool
same_key(const char *a, const char *b)
{
	g_autofree char *ka = key_of(a);
	g_autofree char *kb = key_of(b);

	return ka && kb && strcmp(ka, kb) == 0;
}

/* A 三级指标 cut short (its cell wrapped and the dump kept one line) is
 * completed from another row of the document that states the same
 * indicator (same 二级指标, same description) with a 三级指标 beginning
 * with the words read. */
static void
complete_from_document(struct repair *x, struct records *records,
	struct indicator *ind, int page)
{
	g_autofree char *k = key_of(ind->level3.text);

	if (!k || !*k || !ind->description.text || !ind->level2.text)
		return;
	for (size_t i = 0; i < records->n_projects; i++) {
		const struct project *p = &records->projects[i];

		for (size_t j = 0; j < p->n_indicators; j++) {
			const struct indicator *o = &p->indicators[j];
			g_autofree char *ko = key_of(o->level3.text);

			if (o == ind || !ko || strlen(ko) <= strlen(k) ||
			    !g_str_has_prefix(ko, k) ||
			    !same_key(o->level2.text, ind->level2.text) ||
			    !same_key(o->description.text, ind->description.text))
				continue;
			warn(x, page, "repaired-from-document",
				"三级指标 '%s' cut short; the document states it in full: '%s'",
				ind->level3.text, o->level3.text);
			g_free(ind->level3.text);
			ind->level3.text = g_strdup(o->level3.text);
			return;
		}
	}
}

void
repair_records(struct records *records, const struct table_list *tables,
	const struct text_line *lines, size_t n_lines,
	const struct budtab_patterns *patterns, GArray *warnings)
{
	struct repair x = { patterns, warnings, NULL };
	GArray *entries = contents_entries(&x, tables, lines, n_lines);

	for (size_t i = 0; i < records->n_projects; i++) {
		struct project *p = &records->projects[i];

		repair_name(&x, p, entries);
		for (size_t k = 0; k < p->n_indicators; k++) {
			repair_target(&x, &p->indicators[k], p->pages ? p->pages[0] : 0);
			complete_from_document(&x, records, &p->indicators[k],
				p->pages ? p->pages[0] : 0);
		}
	}
	for (guint i = 0; i < entries->len; i++)
		g_free(g_array_index(entries, struct entry, i).title);
	g_array_free(entries, TRUE);
}
