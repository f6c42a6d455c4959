#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <math.h>
#include <string.h>

#include "doc.h"
#include "layout.h"
#include "repair.h"
#include "source_pdf.h"
#include "tags.h"

#define DEFAULT_MAX_PAGES 5000
#define DEFAULT_MAX_GLYPHS 200000
#define DEFAULT_MAX_CELLS 100000
#define DEFAULT_MAX_SECONDS 300.0
#define MAX_RULES 20000
/* Page headers and footers live in this share of the page's height. */
#define MARGIN 0.1

void
doc_limits_resolve(const struct budtab_options *o, struct budtab_limits *l)
{
	*l = o ? o->limits : (struct budtab_limits){ 0 };
	if (l->max_pages <= 0)
		l->max_pages = DEFAULT_MAX_PAGES;
	if (l->max_glyphs <= 0)
		l->max_glyphs = DEFAULT_MAX_GLYPHS;
	if (l->max_cells <= 0)
		l->max_cells = DEFAULT_MAX_CELLS;
	if (l->max_seconds <= 0)
		l->max_seconds = DEFAULT_MAX_SECONDS;
}

static struct budtab_doc *
doc_new(const char *path)
{
	struct budtab_doc *doc = g_new0(struct budtab_doc, 1);

	doc->path = g_strdup(path);
	doc->lines = g_array_new(FALSE, TRUE, sizeof(struct text_line));
	doc->warnings = g_array_new(FALSE, TRUE, sizeof(struct warning));
	doc->warning_text = g_ptr_array_new_with_free_func(g_free);
	doc->timer = g_timer_new();
	return doc;
}

void
budtab_doc_destroy(struct budtab_doc *doc)
{
	if (!doc)
		return;
	table_list_finish(&doc->tables);
	tag_list_finish(&doc->tags);
	for (guint i = 0; i < doc->lines->len; i++)
		g_free(g_array_index(doc->lines, struct text_line, i).text);
	g_array_free(doc->lines, TRUE);
	for (guint i = 0; i < doc->warnings->len; i++) {
		g_free(g_array_index(doc->warnings, struct warning, i).code);
		g_free(g_array_index(doc->warnings, struct warning, i).message);
	}
	g_array_free(doc->warnings, TRUE);
	g_ptr_array_free(doc->warning_text, TRUE);
	records_finish(&doc->records);
	if (doc->timer)
		g_timer_destroy(doc->timer);
	g_free(doc->path);
	g_free(doc);
}

/* The lines of one page printed outside its tables. */
static void
collect_lines(struct budtab_doc *doc, const struct page *page,
	const bool *used)
{
	struct line_list ll;
	bool *keep = g_new(bool, page->n_glyphs ? page->n_glyphs : 1);

	for (size_t i = 0; i < page->n_glyphs; i++)
		keep[i] = !used[i];
	/* One segment a line: captions and titles are read whole. */
	layout_lines(page, keep, 1e9, &ll);
	for (size_t k = 0; k < ll.n; k++) {
		struct text_line tl = { page->number, ll.lines[k].box,
			ll.lines[k].size, NULL };

		tl.text = layout_segment_text(page, &ll.lines[k].segments[0]);
		g_array_append_val(doc->lines, tl);
	}
	layout_lines_finish(&ll);
	g_free(keep);
}

static bool
is_page_number(const char *text)
{
	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (!g_unichar_isdigit(c) && !g_unichar_isspace(c) &&
		    !g_unichar_ispunct(c) && c != 0x7B2C /* 第 */ &&
		    c != 0x9875 /* 页 */ && c != 0x5171 /* 共 */)
			return false;
	}
	return true;
}

/* Drops page headers and footers: the outermost lines of a page, in its
 * top or bottom margin, that are page numbers or stand on at least three
 * pages (on every page of a shorter document) with only their digits
 * changed. */
static void
drop_furniture(struct budtab_doc *doc, const double *heights, int n_pages)
{
	GHashTable *pages = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		(GDestroyNotify)g_hash_table_destroy);
	GArray *lines = doc->lines;
	char **keys = g_new0(char *, lines->len + 1);
	bool *cand = g_new0(bool, lines->len + 1);
	bool *drop = g_new0(bool, lines->len + 1);
	guint need = (guint)CLAMP(n_pages, 2, 3);
	guint n_lines = lines->len;

	for (guint i = 0; i < lines->len; i++) {
		struct text_line *l = &g_array_index(lines, struct text_line, i);
		double h = heights[l->page - 1];
		bool top = l->box.y1 < MARGIN * h;
		GHashTable *seen;
		GString *k;

		if (!top && l->box.y0 <= (1 - MARGIN) * h)
			continue;
		k = g_string_new(NULL);
		for (const char *p = l->text; *p; p = g_utf8_next_char(p)) {
			gunichar c = g_utf8_get_char(p);

			if (g_unichar_isdigit(c)) {
				if (k->len == 0 || k->str[k->len - 1] != '#')
					g_string_append_c(k, '#');
			} else if (!g_unichar_isspace(c)) {
				g_string_append_unichar(k, c);
			}
		}
		g_string_append(k, top ? "@top" : "@bottom");
		keys[i] = g_string_free(k, FALSE);
		seen = g_hash_table_lookup(pages, keys[i]);
		if (!seen) {
			seen = g_hash_table_new(NULL, NULL);
			g_hash_table_insert(pages, g_strdup(keys[i]), seen);
		}
		g_hash_table_add(seen, GINT_TO_POINTER(l->page));
	}
	for (guint i = 0; i < lines->len; i++) {
		const struct text_line *l = &g_array_index(lines, struct text_line, i);

		cand[i] = keys[i] && (is_page_number(l->text) ||
			g_hash_table_size(g_hash_table_lookup(pages, keys[i])) >= need);
	}
	/* Only what stands between a page's edge and its body: from each
	 * end of the page's lines inwards, while the lines are candidates. */
	for (guint i = 0; i < lines->len;) {
		guint j = i;
		int page = g_array_index(lines, struct text_line, i).page;

		while (j < lines->len && g_array_index(lines, struct text_line, j).page == page)
			j++;
		for (guint k = i; k < j && cand[k] && g_str_has_suffix(keys[k], "@top"); k++)
			drop[k] = true;
		for (guint k = j; k > i && cand[k - 1] &&
		     g_str_has_suffix(keys[k - 1], "@bottom"); k--)
			drop[k - 1] = true;
		i = j;
	}
	for (guint i = lines->len; i-- > 0;) {
		if (!drop[i])
			continue;
		g_free(g_array_index(lines, struct text_line, i).text);
		g_array_remove_index(lines, i);
	}
	/* keys has holes (lines outside the margins): not a strv; and
	 * lines has lost the dropped ones by now */
	for (guint i = 0; i < n_lines; i++)
		g_free(keys[i]);
	g_free(keys);
	g_free(cand);
	g_free(drop);
	g_hash_table_destroy(pages);
}

static void
mark_body_text(struct budtab_doc *doc)
{
	for (size_t t = 0; t < doc->tables.n; t++) {
		struct table *tab = &doc->tables.tables[t];

		for (guint i = 0; i < doc->lines->len; i++) {
			const struct text_line *l =
				&g_array_index(doc->lines, struct text_line, i);

			if (l->page != tab->page)
				continue;
			if (l->box.y1 <= tab->box.y0 + 1)
				tab->text_above = true;
			if (l->box.y0 >= tab->box.y1 - 1)
				tab->text_below = true;
		}
	}
}

bool
doc_add_page(struct budtab_doc *doc, const struct page *page,
	const struct budtab_limits *lim, struct budtab_error *err)
{
	struct grid_limits gl = { lim->max_cells, MAX_RULES };
	bool *used = g_new0(bool, page->n_glyphs ? page->n_glyphs : 1);
	size_t first = doc->tables.n;
	bool ok = grid_find(page, &gl, used, &doc->tables, err);

	if (ok && doc->tags.n > 0)
		tags_apply(page, doc->tags.tables, doc->tags.n, lim->max_cells,
			used, &doc->tables, first);
	if (ok)
		collect_lines(doc, page, used);
	g_free(used);
	if (ok && g_timer_elapsed(doc->timer, NULL) > lim->max_seconds) {
		error_set(err, BUDTAB_ERR_TIMEOUT,
			"time limit of %g s reached at page %d (--max-seconds)",
			lim->max_seconds, page->number);
		ok = false;
	}
	return ok;
}

void
doc_finish_pages(struct budtab_doc *doc, const double *heights, int n_pages)
{
	drop_furniture(doc, heights, n_pages);
	mark_body_text(doc);
	grid_stitch(&doc->tables);
}

static bool
read_pdf(struct budtab_doc *doc, const struct budtab_options *o,
	const struct budtab_limits *lim, struct budtab_error *err)
{
	struct source_pdf *src = source_pdf_open(doc->path,
		o ? o->password : NULL, err);
	double *heights;
	int first, last, n_text = 0;
	bool ok = true;

	if (!src)
		return false;
	doc->n_pages = source_pdf_n_pages(src);
	if (doc->n_pages > lim->max_pages) {
		error_set(err, BUDTAB_ERR_LIMIT,
			"%d pages is over the limit of %d (--max-pages)",
			doc->n_pages, lim->max_pages);
		source_pdf_destroy(src);
		return false;
	}
	first = o && o->first_page > 0 ? o->first_page : 1;
	last = o && o->last_page > 0 ? MIN(o->last_page, doc->n_pages) : doc->n_pages;
	if (first > doc->n_pages) {
		error_set(err, BUDTAB_ERR_USAGE, "page %d asked for, the document has %d",
			first, doc->n_pages);
		source_pdf_destroy(src);
		return false;
	}
	source_pdf_tags(src, lim->max_cells, &doc->tags);
	heights = g_new0(double, doc->n_pages);
	for (int i = first - 1; i < last && ok; i++) {
		struct page page = { 0 };

		/* before reading a page too: reading is most of a page's time */
		if (g_timer_elapsed(doc->timer, NULL) > lim->max_seconds) {
			error_set(err, BUDTAB_ERR_TIMEOUT,
				"time limit of %g s reached at page %d (--max-seconds)",
				lim->max_seconds, i + 1);
			ok = false;
			break;
		}
		if (!source_pdf_page(src, i, lim->max_glyphs, &page, err)) {
			ok = false;
			break;
		}
		heights[i] = page.height;
		if (page.n_glyphs == 0)
			warning_add(doc->warnings, i + 1, "no-text-layer",
				"page %d has no text layer (a scanned page?)", i + 1);
		else
			n_text++;
		ok = doc_add_page(doc, &page, lim, err);
		page_finish(&page);
	}
	source_pdf_destroy(src);
	tag_list_finish(&doc->tags);
	if (ok)
		doc_finish_pages(doc, heights, doc->n_pages);
	g_free(heights);
	return ok;
}

static bool
read_text(struct budtab_doc *doc, const char *data, size_t len,
	const struct budtab_limits *lim, struct budtab_error *err)
{
	if (!g_utf8_validate(data, (gssize)len, NULL) || memchr(data, '\0', len)) {
		error_set(err, BUDTAB_ERR_FORMAT, "neither a PDF nor UTF-8 text");
		return false;
	}
	return source_text_read(doc, data, len, lim, err);
}

static bool
looks_like_pdf(const char *data, size_t len)
{
	/* The header may follow some junk; readers accept it in the first KB. */
	size_t n = MIN(len, 1024);

	for (size_t i = 0; i + 5 <= n; i++)
		if (memcmp(data + i, "%PDF-", 5) == 0)
			return true;
	return false;
}

struct budtab_doc *
budtab_doc_open(const char *path, const struct budtab_options *options,
	struct budtab_error *err)
{
	struct budtab_limits lim;
	struct budtab_doc *doc;
	enum budtab_input input = options ? options->input : BUDTAB_INPUT_AUTO;
	g_autofree char *lower = g_ascii_strdown(path, -1);
	char head[1024];
	size_t n;
	FILE *f;
	bool ok;

	doc_limits_resolve(options, &lim);
	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		error_set(err, BUDTAB_ERR_IO, "is a directory");
		return NULL;
	}
	f = fopen(path, "rb");
	if (!f) {
		error_set(err, BUDTAB_ERR_IO, "%s", g_strerror(errno));
		return NULL;
	}
	n = fread(head, 1, sizeof head, f);
	fclose(f);
	if (n == 0) {
		error_set(err, BUDTAB_ERR_FORMAT, "empty file");
		return NULL;
	}
	doc = doc_new(path);
	if (!file_sha256(path, doc->sha256, NULL, err)) {
		budtab_doc_destroy(doc);
		return NULL;
	}
	if (input == BUDTAB_INPUT_AUTO)
		input = looks_like_pdf(head, n) ? BUDTAB_INPUT_PDF : BUDTAB_INPUT_TEXT;
	/* A file named .pdf that is not one is a broken download, not a
	 * text dump; --input text says otherwise. */
	if (input == BUDTAB_INPUT_TEXT && !(options && options->input == BUDTAB_INPUT_TEXT) &&
	    g_str_has_suffix(lower, ".pdf")) {
		error_set(err, BUDTAB_ERR_FORMAT, "not a PDF file (no %%PDF- header)");
		budtab_doc_destroy(doc);
		return NULL;
	}
	doc->input = input;
	if (input == BUDTAB_INPUT_PDF) {
		ok = read_pdf(doc, options, &lim, err);
	} else {
		g_autofree char *data = NULL;
		gsize len;

		ok = g_file_get_contents(path, &data, &len, NULL);
		if (!ok)
			error_set(err, BUDTAB_ERR_IO, "cannot read the file");
		else
			ok = read_text(doc, data, len, &lim, err);
	}
	if (!ok) {
		budtab_doc_destroy(doc);
		return NULL;
	}
	return doc;
}

struct budtab_doc *
doc_open_buffer(const char *name, const char *data, size_t len,
	const struct budtab_options *options, struct budtab_error *err)
{
	struct budtab_limits lim;
	struct budtab_doc *doc;

	doc_limits_resolve(options, &lim);
	if (options && options->input == BUDTAB_INPUT_PDF) {
		error_set(err, BUDTAB_ERR_USAGE, "PDF from memory is not supported");
		return NULL;
	}
	if (len == 0) {
		error_set(err, BUDTAB_ERR_FORMAT, "empty file");
		return NULL;
	}
	doc = doc_new(name);
	doc->input = BUDTAB_INPUT_TEXT;
	if (!read_text(doc, data, len, &lim, err)) {
		budtab_doc_destroy(doc);
		return NULL;
	}
	return doc;
}

bool
budtab_doc_extract(struct budtab_doc *doc, const struct budtab_patterns *patterns,
	struct budtab_error *err)
{
	if (!patterns) {
		error_set(err, BUDTAB_ERR_USAGE, "no pattern set");
		return false;
	}
	records_finish(&doc->records);
	/* A text dump's tables and records are mended with what the patterns
	 * know; a PDF's geometry needs no such help. */
	if (doc->input == BUDTAB_INPUT_TEXT)
		repair_tables(&doc->tables, (const struct text_line *)doc->lines->data,
			doc->lines->len, patterns, doc->warnings);
	records_build(&doc->tables, (const struct text_line *)doc->lines->data,
		doc->lines->len, patterns, &doc->records, doc->warnings);
	if (doc->input == BUDTAB_INPUT_TEXT)
		repair_records(&doc->records, &doc->tables,
			(const struct text_line *)doc->lines->data, doc->lines->len,
			patterns, doc->warnings);
	doc->extracted = true;
	return true;
}

size_t
budtab_doc_n_warnings(const struct budtab_doc *doc)
{
	return doc->warnings->len;
}

const char *
budtab_doc_warning(const struct budtab_doc *doc, size_t i)
{
	struct budtab_doc *d = (struct budtab_doc *)doc;

	if (i >= doc->warnings->len)
		return NULL;
	/* Formatted lazily; the cache only grows, so pointers stay valid. */
	while (d->warning_text->len <= i) {
		const struct warning *w = &g_array_index(doc->warnings, struct warning,
			d->warning_text->len);

		g_ptr_array_add(d->warning_text, w->page > 0 ?
			g_strdup_printf("page %d: %s: %s", w->page, w->code, w->message) :
			g_strdup_printf("%s: %s", w->code, w->message));
	}
	return d->warning_text->pdata[i];
}

size_t
budtab_doc_n_projects(const struct budtab_doc *doc)
{
	return doc->records.n_projects;
}

bool
doc_write_file(const char *path, const char *data, size_t len,
	struct budtab_error *err)
{
	struct out_file out;

	if (!out_open(&out, path, err))
		return false;
	if (fwrite(data, 1, len, out.f) != len) {
		error_set(err, BUDTAB_ERR_IO, "%s: %s", out.path, g_strerror(errno));
		out_close(&out, false, NULL);
		return false;
	}
	return out_close(&out, true, err);
}

bool
budtab_doc_write_records(const struct budtab_doc *doc, const char *path,
	struct budtab_error *err)
{
	char *json;
	bool ok;

	if (!doc->extracted) {
		error_set(err, BUDTAB_ERR_USAGE, "records asked for before extraction");
		return false;
	}
	json = sink_json_records(doc);
	ok = doc_write_file(path, json, strlen(json), err);
	g_free(json);
	return ok;
}

bool
budtab_doc_write_grids(const struct budtab_doc *doc,
	enum budtab_grid_format format, const char *path, struct budtab_error *err)
{
	char *out = format == BUDTAB_GRIDS_CSV ? sink_csv_grids(doc) :
		sink_json_grids(doc);
	bool ok = doc_write_file(path, out, strlen(out), err);

	g_free(out);
	return ok;
}

char *
budtab_doc_records_json(const struct budtab_doc *doc, struct budtab_error *err)
{
	if (!doc->extracted) {
		error_set(err, BUDTAB_ERR_USAGE, "records asked for before extraction");
		return NULL;
	}
	return sink_json_records(doc);
}
