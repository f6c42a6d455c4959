#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "records.h"

/* No field label is longer than this many characters. */
#define LABEL_MAX_CHARS 32

/* One row of a table as the records stage reads it: every cell that
 * covers the row (a merged cell covers all the rows it spans). */
struct row {
	const struct table *table;
	int index;
	GPtrArray *cells;    /* const struct cell *, left to right */
};

/* A run of table fragments, one per page, that make one table. */
struct chain {
	GArray *rows;        /* struct row */
	GArray *tables;      /* const struct table * */
	bool has_labels;     /* a 项目编码 or 项目名称 label */
	long header;         /* index of the indicator header row, or -1 */
};

struct column {
	const char *field;   /* "level1" ... or "extra" */
	char *header;
	double x0, x1;
};

void
warning_add(GArray *warnings, int page, const char *code, const char *fmt, ...)
{
	struct warning w = { page, g_strdup(code), NULL };
	va_list ap;

	va_start(ap, fmt);
	w.message = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_array_append_val(warnings, w);
}

static struct src
cell_src(const struct table *t, const struct cell *c)
{
	return (struct src){ t->page, c->box };
}

static void
chain_rows(struct chain *ch, const struct table *t)
{
	for (int r = 0; r < t->rows; r++) {
		struct row row = { t, r, g_ptr_array_new() };

		for (int c = 0; c < t->cols;) {
			const struct cell *cell = table_cell_at(t, r, c);

			if (!cell) {
				c++;
				continue;
			}
			g_ptr_array_add(row.cells, (gpointer)cell);
			c = cell->col + cell->colspan;
		}
		g_array_append_val(ch->rows, row);
	}
	g_array_append_val(ch->tables, t);
}

static void
chain_free(struct chain *ch)
{
	for (guint i = 0; i < ch->rows->len; i++)
		g_ptr_array_free(g_array_index(ch->rows, struct row, i).cells, TRUE);
	g_array_free(ch->rows, TRUE);
	g_array_free(ch->tables, TRUE);
}

static int
header_matches(const struct budtab_patterns *p, const struct row *row)
{
	int n = 0;

	for (guint i = 0; i < row->cells->len; i++) {
		const struct cell *c = row->cells->pdata[i];

		if (c->text && patterns_classify(p, "col.", c->text, NULL))
			n++;
	}
	return n;
}

static bool
is_project_label(const struct budtab_patterns *p, const char *text)
{
	const char *f = patterns_classify(p, "label.", text, NULL);

	return f && (strcmp(f, "code") == 0 || strcmp(f, "name") == 0);
}

/* Whether a table's first row carries a project label (项目编码,
 * 项目名称): such a fragment on a new page starts a project, whatever
 * its geometry says about continuing the table before it. */
static bool
starts_project(const struct budtab_patterns *p, const struct table *t)
{
	for (size_t k = 0; k < t->n_cells; k++)
		if (t->cells[k].row == 0 && t->cells[k].text &&
		    is_project_label(p, t->cells[k].text))
			return true;
	return false;
}

static void
chain_classify(struct chain *ch, const struct budtab_patterns *p)
{
	ch->header = -1;
	for (guint i = 0; i < ch->rows->len; i++) {
		struct row *row = &g_array_index(ch->rows, struct row, i);

		if (ch->header < 0 && header_matches(p, row) >= 3)
			ch->header = i;
		for (guint k = 0; ch->header < 0 && k < row->cells->len; k++) {
			const struct cell *c = row->cells->pdata[k];

			if (c->text && is_project_label(p, c->text))
				ch->has_labels = true;
		}
	}
}

static bool
parse_number(const char *s, double *out)
{
	g_autofree char *clean = NULL;
	char *end;
	size_t n = 0;

	if (!s)
		return false;
	clean = g_malloc(strlen(s) + 1);
	for (const char *q = s; *q; q++)
		if (*q != ',')
			clean[n++] = *q;
	clean[n] = '\0';
	*out = g_ascii_strtod(clean, &end);
	return end != clean && *end == '\0';
}

void
records_parse_amount(const struct budtab_patterns *p, const struct table *t,
	const struct cell *c, const char *text, struct amount *out,
	GArray *warnings)
{
	struct pmatch *m = NULL;
	g_autofree char *v = NULL;

	if (out->present)
		return; /* the first statement of an amount stands */
	memset(out, 0, sizeof *out);
	if (!text)
		return;
	out->src = cell_src(t, c);
	if (patterns_match(p, "amount", text, &m))
		v = pmatch_group(m, "value");
	pmatch_destroy(m);
	if (v && parse_number(v, &out->value)) {
		out->present = true;
		return;
	}
	warning_add(warnings, t->page, "amount-unreadable",
		"'%s' is not an amount", text);
}

void
records_parse_target(const struct budtab_patterns *p, const char *text,
	struct target *out)
{
	static const char *const ops[] = { ">=", "<=", "=", ">", "<" };
	struct pmatch *m = NULL;

	out->text = g_strdup(text);
	out->op = NULL;
	out->has_value = false;
	out->unit = NULL;
	if (!text)
		return;
	if (patterns_match(p, "target.number", text, &m)) {
		g_autofree char *op = pmatch_group(m, "op");
		g_autofree char *value = pmatch_group(m, "value");
		char *unit = pmatch_group(m, "unit");

		if (op) {
			const char *which = patterns_classify(p, "op.", op, NULL);

			for (size_t i = 0; which && i < G_N_ELEMENTS(ops); i++)
				if (strcmp(which, ops[i]) == 0)
					out->op = ops[i];
		}
		out->has_value = parse_number(value, &out->value);
		if (unit) {
			const char *u = patterns_classify(p, "unit.", unit, NULL);

			out->unit = u ? g_strdup(u) : unit;
			if (u)
				g_free(unit);
		}
	}
	pmatch_destroy(m);
}

/* The printed text with its first n non-space characters dropped: maps
 * a key-form offset back onto what was printed. */
static char *
drop_chars(const char *text, long n)
{
	const char *q = text;

	while (*q && n > 0) {
		if (!g_unichar_isspace(g_utf8_get_char(q)))
			n--;
		q = g_utf8_next_char(q);
	}
	while (*q && g_unichar_isspace(g_utf8_get_char(q)))
		q = g_utf8_next_char(q);
	return *q ? g_strdup(q) : NULL;
}

/* ---- the project block ------------------------------------------------ */

/* A piece of the project block: a cell, or part of one where a cell holds
 * a label and its value side by side (unruled tables whose columns could
 * not all be told apart).  Columns are fractional for such parts. */
struct item {
	const struct table *table;
	const struct cell *cell;
	char *text;          /* owned; NULL when empty */
	int row, rowspan;
	double col, col_end;
	const char *field;   /* the label's field, or NULL for a value */
	bool consumed;
};

static void
push_item(GArray *items, const struct table *t, const struct cell *c,
	const char *text, double col, double col_end, const char *field)
{
	struct item it = { t, c, text ? g_strdup(text) : NULL, c->row, c->rowspan,
		col, col_end, field, false };

	g_array_append_val(items, it);
}

/* How a word that is not a label as a whole may still hold one: a label
 * fused with the value after it ("项目名称基本公共…"), or a label printed
 * on two lines around its value ("其中：财政" "1865.30" "资金").  Returns
 * the label's field and sets *label / *value (g_malloc'd), or NULL. */
static const char *
fused_label(const struct budtab_patterns *p, const char *word, char **label,
	char **value)
{
	glong n = g_utf8_strlen(word, -1);

	for (glong cut = MIN(n - 1, LABEL_MAX_CHARS); cut > 0; cut--) {
		const char *at = g_utf8_offset_to_pointer(word, cut);
		g_autofree char *head = g_strndup(word, (gsize)(at - word));
		const char *field = patterns_classify(p, "label.", head, NULL);

		if (!field)
			continue;
		/* the rest: a value, or a number then the label's tail */
		for (glong end = cut + 1; end < n; end++) {
			const char *e = g_utf8_offset_to_pointer(word, end);
			g_autofree char *num = g_strndup(at, (gsize)(e - at));
			g_autofree char *whole = g_strconcat(head, e, NULL);
			const char *f2;

			if (!patterns_match(p, "amount", num, NULL))
				continue;
			f2 = patterns_classify(p, "label.", whole, NULL);
			if (f2) {
				*label = g_strdup(whole);
				*value = g_strdup(num);
				return f2;
			}
		}
		*label = g_strdup(head);
		*value = g_strdup(at);
		return field;
	}
	return NULL;
}

/* The end of the longest run of words from i that may still be a label:
 * trying longer runs against the label patterns is wasted work, and
 * made the long text cells of a project block cost their words squared. */
static int
label_end(char **words, int i, int n)
{
	glong chars = 0;
	int j = i;

	while (j < n && chars <= LABEL_MAX_CHARS)
		chars += g_utf8_strlen(words[j++], -1);
	return chars <= LABEL_MAX_CHARS ? j : MAX(j - 1, i + 1);
}

/* Splits a cell into labels and values: the longest run of its
 * space-separated words from each position that reads as a label is one;
 * the words between labels are values. */
static void
split_cell(const struct budtab_patterns *p, GArray *items,
	const struct table *t, const struct cell *c)
{
	g_auto(GStrv) words = NULL;
	GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *fields = g_ptr_array_new();
	GString *value = g_string_new(NULL);
	int n;

	if (!c->text) {
		push_item(items, t, c, NULL, c->col, c->col + c->colspan, NULL);
		goto done;
	}
	words = g_strsplit(c->text, " ", -1);
	n = (int)g_strv_length(words);
	for (int i = 0; i < n;) {
		const char *field = NULL;
		char *label = NULL, *fused = NULL;
		int end = i;

		for (int j = label_end(words, i, n); j > i && !field; j--) {
			char *save = words[j];

			words[j] = NULL;
			g_free(label);
			label = g_strjoinv(" ", words + i);
			words[j] = save;
			field = patterns_classify(p, "label.", label, NULL);
			end = j;
		}
		if (!field && i == 0) {
			g_clear_pointer(&label, g_free);
			field = fused_label(p, words[i], &label, &fused);
			end = i + 1;
		}
		if (i == 0 && !field && !patterns_match(p, "amount.plain", words[0], NULL)) {
			/* A cell that starts with neither a label nor an
			 * amount is a value, whatever words it holds
			 * ("1. 目标 1"). */
			g_clear_pointer(&label, g_free);
			break;
		}
		if (!field) {
			g_free(label);
			if (value->len)
				g_string_append_c(value, ' ');
			g_string_append(value, words[i]);
			i++;
			continue;
		}
		if (value->len) {
			g_ptr_array_add(parts, g_string_free(value, FALSE));
			g_ptr_array_add(fields, NULL);
			value = g_string_new(NULL);
		}
		g_ptr_array_add(parts, label);
		g_ptr_array_add(fields, (gpointer)field);
		if (fused)
			g_string_append(value, fused);
		g_free(fused);
		i = end;
	}
	if (value->len) {
		g_ptr_array_add(parts, g_string_free(value, FALSE));
		g_ptr_array_add(fields, NULL);
		value = NULL;
	}
	if (parts->len == 0 && value->len == 0) {
		push_item(items, t, c, c->text, c->col, c->col + c->colspan, NULL);
	} else if (parts->len <= 1) {
		/* One piece: the cell as printed, spacing and all. */
		push_item(items, t, c, c->text, c->col, c->col + c->colspan,
			parts->len ? fields->pdata[0] : NULL);
	} else {
		double w = (double)c->colspan / parts->len;

		for (guint k = 0; k < parts->len; k++)
			push_item(items, t, c, parts->pdata[k], c->col + k * w,
				c->col + (k + 1) * w, fields->pdata[k]);
	}
done:
	if (value)
		g_string_free(value, TRUE);
	g_ptr_array_free(parts, TRUE);
	g_ptr_array_free(fields, TRUE);
}

static bool
rows_overlap(const struct item *a, const struct item *b)
{
	return a->row < b->row + b->rowspan && b->row < a->row + a->rowspan;
}

/* The value of a label: the nearest item to its right within its rows.
 * An empty cell there is the value (null); a label there means the value
 * is missing. */
static struct item *
find_value(GArray *items, const struct item *label)
{
	struct item *best = NULL;

	for (guint i = 0; i < items->len; i++) {
		struct item *v = &g_array_index(items, struct item, i);

		if (v->field || v->consumed || v->table != label->table ||
		    v->col < label->col_end - 1e-9 || !rows_overlap(v, label))
			continue;
		if (!best || v->row < best->row ||
		    (v->row == best->row && v->col < best->col))
			best = v;
	}
	/* A label between the two on the label's own row: the value is
	 * missing, not further on. */
	for (guint i = 0; best && i < items->len; i++) {
		const struct item *o = &g_array_index(items, struct item, i);

		if (o->field && o != label && o->table == label->table &&
		    best->row == label->row && o->row == label->row &&
		    o->col >= label->col_end - 1e-9 && o->col < best->col &&
		    strcmp(o->field, "group") != 0)
			return NULL;
	}
	return best;
}

/* Rows above and below a label's rows that only continue its value (the
 * label printed once beside several lines of one cell, as unruled tables
 * do): nothing in the label's column, no label, something under the
 * value.  Their text joins the value's, top to bottom, with what stands
 * right of the value on its own rows (a value cut by a column border). */
static char *
absorb_rows(GArray *items, const struct item *label, struct item *value)
{
	GString *out = g_string_new(NULL);
	int top = MIN(label->row, value->row);
	int bottom = MAX(label->row + label->rowspan, value->row + value->rowspan) - 1;
	int last_row = -1;

	for (int dir = -1; dir <= 1; dir += 2)
		for (int r = dir < 0 ? top - 1 : bottom + 1;; r += dir) {
			bool any = false, ok = true;

			for (guint i = 0; i < items->len && ok; i++) {
				const struct item *it = &g_array_index(items, struct item, i);

				if (it->table != label->table || it->row > r ||
				    it->row + it->rowspan <= r)
					continue;
				if (it->row != r || it->rowspan != 1 || it->field ||
				    it->consumed || (it->text && it->col_end <= value->col + 1e-9))
					ok = false;
				else if (it->text && it->col < value->col_end)
					any = true;
			}
			if (!ok || !any)
				break;
			if (dir < 0)
				top = r;
			else
				bottom = r;
		}
	for (int r = top; r <= bottom; r++)
		for (guint i = 0; i < items->len; i++) {
			struct item *it = &g_array_index(items, struct item, i);

			if (it->table != label->table || it->row != r || !it->text ||
			    it->field || (it != value && it->consumed) ||
			    it->col < value->col - 1e-9)
				continue;
			/* rows part with a line break, cells of a row with a
			 * space: numbered goals start on rows of their own */
			if (out->len)
				g_string_append_c(out, r == last_row ? ' ' : '\n');
			g_string_append(out, it->text);
			last_row = r;
			it->consumed = true;
		}
	return g_string_free(out, out->len == 0);
}

/* The first item of the row just below (else above) a label's rows
 * when that row has nothing in the label's columns and no label: the
 * value of a label printed beside the row line of an unruled table. */
static struct item *
value_beside(GArray *items, const struct item *label)
{
	int rows[2] = { label->row + label->rowspan, label->row - 1 };

	for (int k = 0; k < 2; k++) {
		struct item *best = NULL;
		bool ok = true;

		for (guint i = 0; i < items->len && ok; i++) {
			struct item *it = &g_array_index(items, struct item, i);

			if (it->table != label->table || it->row != rows[k] || !it->text)
				continue;
			if (it->field || it->consumed || it->col < label->col_end - 1e-9)
				ok = false;
			else if (!best || it->col < best->col)
				best = it;
		}
		if (ok && best)
			return best;
	}
	return NULL;
}

/* The month a period label names, or 0 when it is none. */
static int
period_month(const struct budtab_patterns *p, const char *text)
{
	struct pmatch *m = NULL;
	int month = 0;

	if (patterns_match(p, "period", text, &m)) {
		g_autofree char *v = pmatch_group(m, "month");

		month = v ? atoi(v) : 0;
	} else {
		const char *k = patterns_classify(p, "month.", text, NULL);

		month = k ? atoi(k) : 0;
	}
	pmatch_destroy(m);
	return month;
}

/* Period labels of one item: the item, or each of its words when every
 * word is one (periods a clustering could not part). */
static char **
period_words(const struct budtab_patterns *p, const char *text)
{
	char **words;

	if (!text)
		return NULL;
	if (period_month(p, text) > 0)
		return g_strdupv((char *[]){ (char *)text, NULL });
	words = g_strsplit(text, " ", -1);
	if (g_strv_length(words) < 2)
		goto none;
	for (char **w = words; *w; w++)
		if (period_month(p, *w) == 0)
			goto none;
	return words;
none:
	g_strfreev(words);
	return NULL;
}

static void
read_schedule(const struct budtab_patterns *p, GArray *items,
	const struct item *label, struct project *proj)
{
	GArray *periods = g_array_new(FALSE, TRUE, sizeof(struct period));
	int last_row = label->row + MAX(label->rowspan, 2) - 1;

	for (guint i = 0; i < items->len; i++) {
		struct item *v = &g_array_index(items, struct item, i);
		struct item *below = NULL;
		g_auto(GStrv) labels = NULL, values = NULL;
		double best_ov = 0;

		if (v->table != label->table || v->consumed || !v->text || v->field ||
		    v->col < label->col_end - 1e-9 || v->row < label->row - 1 ||
		    v->row > last_row)
			continue;
		labels = period_words(p, v->text);
		if (!labels)
			continue;
		v->consumed = true;
		for (guint k = 0; k < items->len; k++) {
			struct item *w = &g_array_index(items, struct item, k);
			double ov = fmin(w->col_end, v->col_end) - fmax(w->col, v->col);

			if (w->table == v->table && !w->consumed && !w->field &&
			    w->row == v->row + v->rowspan && ov > best_ov) {
				best_ov = ov;
				below = w;
			}
		}
		if (below) {
			below->consumed = true;
			values = below->text ? g_strsplit(below->text, " ", -1) : NULL;
			/* One value for one label: the cell as a whole. */
			if (values && g_strv_length(labels) == 1) {
				g_strfreev(values);
				values = g_strdupv((char *[]){ below->text, NULL });
			}
		}
		for (guint k = 0; labels[k]; k++) {
			struct period per = { g_strdup(labels[k]), period_month(p, labels[k]),
				false, 0, { 0 } };
			struct pmatch *pm = NULL;

			if (below) {
				per.src = cell_src(below->table, below->cell);
				if (values && k < g_strv_length(values) &&
				    patterns_match(p, "percent", values[k], &pm)) {
					g_autofree char *val = pmatch_group(pm, "value");

					per.has_percent = parse_number(val, &per.percent);
				}
				pmatch_destroy(pm);
			}
			g_array_append_val(periods, per);
		}
	}
	proj->n_schedule = periods->len;
	proj->schedule = (struct period *)g_array_free(periods, FALSE);
}

/* Goals, one a numbered item: a row (line break) that starts with a
 * number starts an item, the numbering dropped; numbered items inside a
 * row are split by the goal.item patterns. */
static char **
split_goals(const struct budtab_patterns *p, const char *text)
{
	GPtrArray *out = g_ptr_array_new();
	g_auto(GStrv) rows = NULL;
	GString *item = NULL;

	if (!text)
		return NULL;
	rows = g_strsplit(text, "\n", -1);
	for (char **r = rows; ; r++) {
		struct pmatch *m = NULL;
		bool starts = *r && patterns_match(p, "goal.start", *r, &m);

		if (!*r || (starts && item)) {
			g_auto(GStrv) parts = patterns_split(p, "goal.item", item->str);

			for (char **q = parts; *q; q++) {
				size_t n = strlen(*q);

				/* separators left at an item's end by the
				 * numbering (the key form folds full-width
				 * ones to ASCII) */
				while (n > 0 && ((*q)[n - 1] == ';' || (*q)[n - 1] == ','))
					(*q)[--n] = '\0';
				if (n > 0)
					g_ptr_array_add(out, g_strdup(*q));
			}
			g_string_free(item, TRUE);
			item = NULL;
		}
		if (!*r) {
			pmatch_destroy(m);
			break;
		}
		if (!item) {
			g_autofree char *rest = starts ? pmatch_group(m, "rest") : NULL;

			item = g_string_new(starts ? (rest ? rest : "") : *r);
		} else {
			g_string_append(item, *r);
		}
		pmatch_destroy(m);
	}
	if (out->len == 0) {
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

static void
set_text(struct field *f, const struct item *v, char *text)
{
	g_free(f->text);
	f->text = text;
	f->src = cell_src(v->table, v->cell);
}

static void
read_block(const struct budtab_patterns *p, struct chain *ch, guint end,
	struct project *proj, GArray *warnings)
{
	GArray *items = g_array_new(FALSE, TRUE, sizeof(struct item));
	GHashTable *seen = g_hash_table_new(NULL, NULL);

	for (guint i = 0; i < end; i++) {
		struct row *row = &g_array_index(ch->rows, struct row, i);

		for (guint k = 0; k < row->cells->len; k++) {
			const struct cell *c = row->cells->pdata[k];

			if (g_hash_table_contains(seen, c))
				continue;
			g_hash_table_add(seen, (gpointer)c);
			split_cell(p, items, row->table, c);
		}
	}
	/* Labels of one row first, and the labels of free text (资金用途,
	 * 绩效目标) after all others: they take what the labels of short
	 * values beside them left. */
	for (int pass = 0; pass < 4; pass++)
		for (guint i = 0; i < items->len; i++) {
			struct item *l = &g_array_index(items, struct item, i);
			struct item *v;
			struct amount *a = NULL;
			bool free_text;

			if (!l->field)
				continue;
			free_text = strcmp(l->field, "purpose") == 0 ||
				    strcmp(l->field, "goals") == 0;
			if (pass != (free_text ? 2 : 0) + (l->rowspan == 1 ? 0 : 1))
				continue;
			if (strcmp(l->field, "schedule") == 0) {
				if (!proj->schedule)
					read_schedule(p, items, l, proj);
				continue;
			}
			if (strcmp(l->field, "group") == 0)
				continue;
			v = find_value(items, l);
			/* Free text printed on the row beside the label's
			 * (unruled tables leave empty slots between). */
			if (free_text && (!v || !v->text) && value_beside(items, l))
				v = value_beside(items, l);
			if (!v)
				continue;
			v->consumed = true;
			if (strcmp(l->field, "code") == 0 && !proj->code.text) {
				char *code = patterns_key_form(v->text);

				set_text(&proj->code, v, code && *code ? code : NULL);
				if (code && !*code)
					g_free(code);
			} else if (strcmp(l->field, "name") == 0 && !proj->name.text) {
				set_text(&proj->name, v, g_strdup(v->text));
			} else if (strcmp(l->field, "purpose") == 0 && !proj->purpose.text) {
				set_text(&proj->purpose, v, absorb_rows(items, l, v));
			} else if (strcmp(l->field, "goals") == 0 && !proj->goals) {
				g_autofree char *text = absorb_rows(items, l, v);

				proj->goals = split_goals(p, text);
			} else if (strcmp(l->field, "unit") == 0 && !proj->unit_name) {
				proj->unit_name = g_strdup(v->text);
			} else if (strcmp(l->field, "total") == 0) {
				a = &proj->total;
			} else if (strcmp(l->field, "fiscal") == 0) {
				a = &proj->fiscal;
			} else if (strcmp(l->field, "other") == 0) {
				a = &proj->other;
			}
			if (a)
				records_parse_amount(p, v->table, v->cell, v->text, a, warnings);
		}
	for (guint i = 0; i < items->len; i++)
		g_free(g_array_index(items, struct item, i).text);
	g_hash_table_destroy(seen);
	g_array_free(items, TRUE);
}

/* ---- the indicator table --------------------------------------------- */

static GArray *
header_columns(const struct budtab_patterns *p, const struct row *row)
{
	GArray *cols = g_array_new(FALSE, TRUE, sizeof(struct column));

	for (guint i = 0; i < row->cells->len; i++) {
		const struct cell *c = row->cells->pdata[i];
		struct column col = { 0 };

		if (!c->text)
			continue;
		col.field = patterns_classify(p, "col.", c->text, NULL);
		if (!col.field)
			col.field = "extra";
		col.header = g_strdup(c->text);
		col.x0 = c->box.x0;
		col.x1 = c->box.x1;
		g_array_append_val(cols, col);
	}
	return cols;
}

static const struct cell *
cell_under(const struct row *row, const struct column *col)
{
	const struct cell *best = NULL;
	double best_ov = 0;

	for (guint i = 0; i < row->cells->len; i++) {
		const struct cell *c = row->cells->pdata[i];
		double ov = fmin(c->box.x1, col->x1) - fmax(c->box.x0, col->x0);
		double narrow = fmin(c->box.x1 - c->box.x0, col->x1 - col->x0);

		/* a clear margin, so rounding never decides a tie */
		if (ov > best_ov + 1e-6 && ov >= 0.5 * narrow) {
			best_ov = ov;
			best = c;
		}
	}
	return best;
}

static void
set_field(struct field *f, const struct table *t, const struct cell *c)
{
	if (!c)
		return;
	f->text = g_strdup(c->text);
	f->src = cell_src(t, c);
}

static void
field_copy(struct field *to, const struct field *from)
{
	g_free(to->text);
	to->text = g_strdup(from->text);
	to->src = from->src;
}

/* Gives a level-1 cell left empty (a merged label not printed again on a
 * new page, or printed on another row) its label: the one its level 2
 * can only stand under, else the one above, else the one below. */
static void
fill_levels(const struct budtab_patterns *p, struct indicator *ind, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *under;

		if (ind[i].level1.text)
			continue;
		under = ind[i].level2.text ?
			patterns_classify(p, "under.", ind[i].level2.text, NULL) : NULL;
		if (under) {
			ind[i].level1.text = g_strdup(under);
			continue;
		}
		if (i > 0 && ind[i - 1].level1.text) {
			field_copy(&ind[i].level1, &ind[i - 1].level1);
			continue;
		}
		for (size_t k = i + 1; k < n; k++)
			if (ind[k].level1.text) {
				field_copy(&ind[i].level1, &ind[k].level1);
				break;
			}
	}
	for (size_t i = 1; i < n; i++)
		if (!ind[i].level2.text && ind[i - 1].level2.text &&
		    g_strcmp0(ind[i].level1.text, ind[i - 1].level1.text) == 0)
			field_copy(&ind[i].level2, &ind[i - 1].level2);
}

static void
read_indicators(const struct budtab_patterns *p, struct chain *ch,
	struct project *proj)
{
	struct row *head = &g_array_index(ch->rows, struct row, ch->header);
	GArray *cols = header_columns(p, head);
	GArray *inds = g_array_new(FALSE, TRUE, sizeof(struct indicator));

	for (guint i = (guint)ch->header + 1; i < ch->rows->len; i++) {
		struct row *row = &g_array_index(ch->rows, struct row, i);
		struct indicator ind = { 0 };
		GArray *extra;
		const struct cell *target = NULL;
		bool any = false, body = false;

		if (header_matches(p, row) >= 3)
			continue; /* the header repeated on a new page */
		extra = g_array_new(FALSE, TRUE, sizeof(struct extra));
		for (guint k = 0; k < cols->len; k++) {
			const struct column *col = &g_array_index(cols, struct column, k);
			const struct cell *c = cell_under(row, col);
			struct field *f = NULL;

			if (!c || !c->text)
				continue;
			any = true;
			if (strcmp(col->field, "level1") == 0) {
				f = &ind.level1;
			} else if (strcmp(col->field, "level2") == 0) {
				f = &ind.level2;
			} else if (strcmp(col->field, "level3") == 0) {
				f = &ind.level3;
				body = true;
			} else if (strcmp(col->field, "description") == 0) {
				f = &ind.description;
				body = true;
			} else if (strcmp(col->field, "basis") == 0) {
				f = &ind.basis;
				body = true;
			} else if (strcmp(col->field, "target") == 0) {
				target = c;
				body = true;
			} else {
				struct extra e = { g_strdup(col->header), g_strdup(c->text) };

				g_array_append_val(extra, e);
			}
			if (f && !f->text)
				set_field(f, row->table, c);
		}
		if (!any || !body) {
			for (guint k = 0; k < extra->len; k++) {
				g_free(g_array_index(extra, struct extra, k).header);
				g_free(g_array_index(extra, struct extra, k).text);
			}
			g_array_free(extra, TRUE);
			g_free(ind.level1.text);
			g_free(ind.level2.text);
			continue;
		}
		records_parse_target(p, target ? target->text : NULL, &ind.target);
		if (target)
			ind.target.src = cell_src(row->table, target);
		/* Extra columns are named on every indicator of a layout that
		 * has them, even where the cell is empty. */
		for (guint k = 0; k < cols->len; k++) {
			const struct column *col = &g_array_index(cols, struct column, k);
			bool found = false;

			if (strcmp(col->field, "extra") != 0)
				continue;
			for (guint e = 0; e < extra->len; e++)
				found |= strcmp(g_array_index(extra, struct extra, e).header,
					col->header) == 0;
			if (!found) {
				struct extra e = { g_strdup(col->header), NULL };

				g_array_append_val(extra, e);
			}
		}
		ind.n_extra = extra->len;
		ind.extra = (struct extra *)g_array_free(extra, FALSE);
		g_array_append_val(inds, ind);
	}
	for (guint k = 0; k < cols->len; k++)
		g_free(g_array_index(cols, struct column, k).header);
	g_array_free(cols, TRUE);
	fill_levels(p, (struct indicator *)inds->data, inds->len);
	proj->n_indicators = inds->len;
	proj->indicators = (struct indicator *)g_array_free(inds, FALSE);
}

/* ---- text around the tables ------------------------------------------ */

/* The caption and unit line printed above a table: the nearest lines
 * above it on its page, below the previous table. */
static void
read_caption(const struct budtab_patterns *p, const struct table *t,
	double floor_y, const struct text_line *lines, size_t n,
	struct project *proj)
{
	GPtrArray *above = g_ptr_array_new();
	GString *joined = g_string_new(NULL);
	const struct text_line *prev = NULL;

	for (size_t i = 0; i < n; i++)
		if (lines[i].page == t->page &&
		    (lines[i].box.y0 + lines[i].box.y1) / 2 <= t->box.y0 &&
		    lines[i].box.y0 >= floor_y - 2)
			g_ptr_array_add(above, (gpointer)&lines[i]);
	for (guint k = above->len; k-- > 0;) {
		const struct text_line *l = above->pdata[k];
		struct pmatch *m = NULL;

		if (!proj->unit_code && !proj->unit_name && joined->len == 0 &&
		    patterns_match(p, "unit.line", l->text, &m)) {
			proj->unit_code = pmatch_group(m, "code");
			proj->unit_name = pmatch_group(m, "name");
			pmatch_destroy(m);
			prev = l;
			continue;
		}
		pmatch_destroy(m);
		if (prev && prev->box.y0 - l->box.y1 > 1.5 * fmax(l->size, prev->size) &&
		    joined->len > 0)
			break;
		g_string_prepend(joined, l->text);
		prev = l;
		if (patterns_match(p, "caption", joined->str, &m)) {
			long at = pmatch_group_offset(m, "title");

			g_free(proj->title);
			proj->title = drop_chars(joined->str, at);
			pmatch_destroy(m);
			/* A caption without its list number may be the end
			 * of one wrapped over lines: go on while the line
			 * above sits as close as a wrapped line. */
			if (at > 0 || k == 0)
				break;
			l = above->pdata[k - 1];
			if (prev->box.y0 - l->box.y1 > prev->size ||
			    fabsf(l->size - prev->size) > 0.5)
				break;
			continue;
		}
		pmatch_destroy(m);
		if (proj->title || above->len - k >= 4)
			break;
	}
	g_string_free(joined, TRUE);
	g_ptr_array_free(above, TRUE);
}

static void
read_document(const struct budtab_patterns *p, const struct text_line *lines,
	size_t n, struct records *out)
{
	float biggest = 0, smallest = INFINITY;
	GString *title = g_string_new(NULL);
	struct pmatch *m = NULL;
	int page = n > 0 ? lines[0].page : 0;

	for (size_t i = 0; i < n && lines[i].page == page; i++) {
		biggest = fmaxf(biggest, lines[i].size);
		smallest = fminf(smallest, lines[i].size);
	}
	/* The title is the first run of the page's largest lines; on a page
	 * of one size (a text dump), the first line. */
	for (size_t i = 0; i < n && lines[i].page == page; i++) {
		if (lines[i].size >= biggest - 0.5) {
			g_string_append(title, lines[i].text);
			if (biggest - smallest < 0.5)
				break;
		} else if (title->len > 0) {
			break;
		}
	}
	if (title->len == 0 || !patterns_match(p, "doc.title", title->str, NULL)) {
		/* No large title on the first page: the first line that reads
		 * like one. */
		g_string_truncate(title, 0);
		for (size_t i = 0; i < n && i < 200; i++)
			if (patterns_match(p, "doc.title", lines[i].text, NULL)) {
				g_string_assign(title, lines[i].text);
				break;
			}
	}
	if (title->len > 0)
		out->title = g_strdup(title->str);
	if (out->title && patterns_match(p, "doc.title", out->title, &m)) {
		g_autofree char *year = pmatch_group(m, "year");

		out->department = pmatch_group(m, "department");
		out->year = year ? atoi(year) : 0;
	}
	pmatch_destroy(m);
	g_string_free(title, TRUE);
}

static void
add_page(struct project *proj, int page)
{
	for (size_t i = 0; i < proj->n_pages; i++)
		if (proj->pages[i] == page)
			return;
	proj->pages = g_renew(int, proj->pages, proj->n_pages + 1);
	proj->pages[proj->n_pages++] = page;
}

void
records_build(const struct table_list *tables, const struct text_line *lines,
	size_t n_lines, const struct budtab_patterns *patterns,
	struct records *out, GArray *warnings)
{
	GArray *projects = g_array_new(FALSE, TRUE, sizeof(struct project));
	GArray *chains = g_array_new(FALSE, TRUE, sizeof(struct chain));
	struct project *cur = NULL;

	memset(out, 0, sizeof *out);
	read_document(patterns, lines, n_lines, out);
	for (size_t i = 0; i < tables->n; i++) {
		const struct table *t = &tables->tables[i];
		struct chain ch = { 0 };

		if (t->continues >= 0 && !starts_project(patterns, t))
			continue;
		ch.rows = g_array_new(FALSE, TRUE, sizeof(struct row));
		ch.tables = g_array_new(FALSE, FALSE, sizeof(const struct table *));
		chain_rows(&ch, t);
		for (size_t k = i + 1, last = i; k < tables->n; k++)
			if (tables->tables[k].continues == (int)last &&
			    !starts_project(patterns, &tables->tables[k])) {
				chain_rows(&ch, &tables->tables[k]);
				last = k;
			}
		chain_classify(&ch, patterns);
		g_array_append_val(chains, ch);
	}
	for (guint i = 0; i < chains->len; i++) {
		struct chain *ch = &g_array_index(chains, struct chain, i);
		const struct table *first = g_array_index(ch->tables, const struct table *, 0);
		double floor_y = 0;

		if (ch->has_labels) {
			struct project proj = { 0 };

			g_array_append_val(projects, proj);
			cur = &g_array_index(projects, struct project, projects->len - 1);
			cur->seq = (int)projects->len;
			for (size_t k = 0; k < tables->n; k++) {
				const struct table *o = &tables->tables[k];

				if (o != first && o->page == first->page &&
				    o->box.y1 <= first->box.y0 + 2)
					floor_y = fmax(floor_y, o->box.y1);
			}
			read_caption(patterns, first, floor_y, lines, n_lines, cur);
			read_block(patterns, ch, ch->header >= 0 ? (guint)ch->header :
				ch->rows->len, cur, warnings);
		} else if (!cur || ch->header < 0 || cur->indicators) {
			cur = NULL;
			continue;
		} else {
			/* The rest of the current project's table, drawn
			 * apart from its first rows: what it states before
			 * the indicators fills what is still missing. */
			read_block(patterns, ch, (guint)ch->header, cur, warnings);
		}
		for (guint k = 0; k < ch->tables->len; k++)
			add_page(cur, g_array_index(ch->tables, const struct table *, k)->page);
		if (ch->header >= 0)
			read_indicators(patterns, ch, cur);
	}
	for (guint i = 0; i < projects->len; i++) {
		struct project *proj = &g_array_index(projects, struct project, i);

		if (proj->n_indicators == 0)
			warning_add(warnings, proj->pages ? proj->pages[0] : 0,
				"no-indicators", "project %d (%s) has no indicator table",
				proj->seq, proj->code.text ? proj->code.text : "no code");
	}
	for (guint i = 0; i < chains->len; i++)
		chain_free(&g_array_index(chains, struct chain, i));
	g_array_free(chains, TRUE);
	out->n_projects = projects->len;
	out->projects = (struct project *)g_array_free(projects, FALSE);
}

static void
field_finish(struct field *f)
{
	g_free(f->text);
}

void
records_finish(struct records *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_projects; i++) {
		struct project *p = &r->projects[i];

		g_free(p->title);
		g_free(p->pages);
		g_free(p->unit_code);
		g_free(p->unit_name);
		field_finish(&p->code);
		field_finish(&p->name);
		field_finish(&p->purpose);
		for (size_t k = 0; k < p->n_schedule; k++)
			g_free(p->schedule[k].label);
		g_free(p->schedule);
		g_strfreev(p->goals);
		for (size_t k = 0; k < p->n_indicators; k++) {
			struct indicator *ind = &p->indicators[k];

			field_finish(&ind->level1);
			field_finish(&ind->level2);
			field_finish(&ind->level3);
			field_finish(&ind->description);
			field_finish(&ind->basis);
			g_free(ind->target.text);
			g_free(ind->target.unit);
			for (size_t e = 0; e < ind->n_extra; e++) {
				g_free(ind->extra[e].header);
				g_free(ind->extra[e].text);
			}
			g_free(ind->extra);
		}
		g_free(p->indicators);
	}
	g_free(r->projects);
	g_free(r->title);
	g_free(r->department);
	memset(r, 0, sizeof *r);
}
