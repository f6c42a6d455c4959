/* Text mode end to end.
 *
 * - The seed dump (a real disclosure's damaged text) against an
 *   expectation written by hand from reading it, field by field (NFKC,
 *   white space ignored), with the per-field accuracy printed.
 * - pdftotext -layout dumps of the corpus PDFs against the same PDFs read
 *   as PDFs: the indicators and the projects' codes and budgets must
 *   agree.
 * - Damaged variants of those dumps (cells split, lines dropped or
 *   doubled, debris, files cut short) never crash.
 *
 * The accuracy tables are TAP comments; they are printed after the TAP
 * report (a custom main), since meson's TAP reader wants the version line
 * first and each test runs in a process of its own. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budtab.h"
#include "patterns.h"

#ifndef TEST_TEXT_DIR
#define TEST_TEXT_DIR "tests/data/text"
#endif
#ifndef TEST_CORPUS_DIR
#define TEST_CORPUS_DIR "corpus"
#endif

#define SEED "huailai-2024-zrzy"
#define SEED_MIN_ACCURACY 95.0
/* A regression floor: the agreement measured when this test was written
 * was 96.23%; issue 3 asks for 98% (now 99.69%, 1928/1934).  Raise the
 * floor as the reading of pdftotext -layout dumps improves, never lower
 * it. */
#define LAYOUT_MIN_AGREEMENT 99.6
#define DAMAGE_SEED 20240611
#define DAMAGE_VARIANTS 300

/* ---- report lines, printed by main after the TAP report ------------- */

/* A test's lines, written to the report in one piece when it ends so
 * that tests running side by side do not interleave them. */
static GString *report_lines;

static void
report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void
report(const char *fmt, ...)
{
	va_list ap;

	if (!report_lines)
		report_lines = g_string_new(NULL);
	va_start(ap, fmt);
	g_string_append_vprintf(report_lines, fmt, ap);
	va_end(ap);
}

static void
report_flush(void)
{
	const char *path = g_getenv("BUDTAB_TEXT_REPORT");
	FILE *f;

	if (!report_lines)
		return;
	f = path ? fopen(path, "a") : stdout;
	if (f) {
		fwrite(report_lines->str, 1, report_lines->len, f);
		if (f != stdout)
			fclose(f);
		else
			fflush(f);
	}
	g_string_free(report_lines, TRUE);
	report_lines = NULL;
}

/* ---- extraction and comparison -------------------------------------- */

static bool
leaf_equal(const cJSON *a, const cJSON *b)
{
	if (!a || !b)
		return false;
	if (cJSON_IsNull(a) || cJSON_IsNull(b))
		return cJSON_IsNull(a) && cJSON_IsNull(b);
	if (cJSON_IsNumber(a))
		return cJSON_IsNumber(b) && fabs(a->valuedouble - b->valuedouble) < 1e-6;
	if (cJSON_IsString(a)) {
		g_autofree char *x = NULL, *y = NULL;

		if (!cJSON_IsString(b))
			return false;
		x = patterns_key_form(a->valuestring);
		y = patterns_key_form(b->valuestring);
		return strcmp(x, y) == 0;
	}
	if (cJSON_IsBool(a))
		return cJSON_IsBool(b) && cJSON_IsTrue(a) == cJSON_IsTrue(b);
	return false;
}

static struct budtab_patterns *
patterns(void)
{
	struct budtab_error err = { 0 };
	struct budtab_patterns *p = budtab_patterns_load(NULL, &err);

	cr_assert_not_null(p, "%s", err.message);
	return p;
}

/* Extracts path and returns its budtab/1 document, or NULL with the
 * message in err. */
static cJSON *
extract(const char *path, enum budtab_input input,
	const struct budtab_patterns *p, struct budtab_error *err)
{
	struct budtab_options o = { 0 };
	struct budtab_doc *doc;
	g_autofree char *tmp = NULL, *data = NULL;
	cJSON *out = NULL;
	int fd;

	o.input = input;
	doc = budtab_doc_open(path, &o, err);
	if (!doc)
		return NULL;
	if (!budtab_doc_extract(doc, p, err)) {
		budtab_doc_destroy(doc);
		return NULL;
	}
	fd = g_file_open_tmp("budtab-text-XXXXXX.json", &tmp, NULL);
	cr_assert(fd >= 0);
	close(fd);
	if (budtab_doc_write_records(doc, tmp, err) &&
	    g_file_get_contents(tmp, &data, NULL, NULL))
		out = cJSON_Parse(data);
	g_unlink(tmp);
	budtab_doc_destroy(doc);
	return out;
}

static const cJSON *
get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const cJSON *
at(const cJSON *a, int i)
{
	return cJSON_IsArray(a) && i < cJSON_GetArraySize(a) ?
		cJSON_GetArrayItem(a, i) : NULL;
}

struct tally {
	GHashTable *right, *total; /* field -> count */
	GPtrArray *order;          /* fields, first seen first */
	GString *log;
};

static void
tally_init(struct tally *t)
{
	t->right = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	t->total = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	t->order = g_ptr_array_new_with_free_func(g_free);
	t->log = g_string_new(NULL);
}

static void
tally_finish(struct tally *t)
{
	g_hash_table_destroy(t->right);
	g_hash_table_destroy(t->total);
	g_ptr_array_free(t->order, TRUE);
	g_string_free(t->log, TRUE);
}

static int
tally_get(GHashTable *h, const char *field)
{
	return GPOINTER_TO_INT(g_hash_table_lookup(h, field));
}

static bool
tally_add(struct tally *t, const char *field, const char *where,
	const cJSON *want, const cJSON *got)
{
	bool ok = leaf_equal(want, got);

	if (!g_hash_table_contains(t->total, field))
		g_ptr_array_add(t->order, g_strdup(field));
	g_hash_table_insert(t->total, g_strdup(field),
		GINT_TO_POINTER(tally_get(t->total, field) + 1));
	if (ok)
		g_hash_table_insert(t->right, g_strdup(field),
			GINT_TO_POINTER(tally_get(t->right, field) + 1));
	else {
		g_autofree char *a = want ? cJSON_PrintUnformatted(want) : g_strdup("(none)");
		g_autofree char *b = got ? cJSON_PrintUnformatted(got) : g_strdup("(missing)");

		g_string_append_printf(t->log, "#   %s %s: want %s, got %s\n", where,
			field, a, b);
	}
	return ok;
}

/* Prints "# field right total pct" lines and returns the overall share. */
static double
tally_print(const struct tally *t, const char *title)
{
	int right = 0, total = 0;

	report("# %s\n# %-28s %6s %6s %8s\n", title, "field", "right", "total", "pct");
	for (guint i = 0; i < t->order->len; i++) {
		const char *f = t->order->pdata[i];
		int r = tally_get(t->right, f), n = tally_get(t->total, f);

		report("# %-28s %6d %6d %7.2f%%\n", f, r, n, 100.0 * r / n);
		right += r;
		total += n;
	}
	report("# %-28s %6d %6d %7.2f%%\n", "ALL", right, total,
		total ? 100.0 * right / total : 0);
	return total ? 100.0 * right / total : 0;
}

/* ---- the seed ------------------------------------------------------- */

static const char *const project_fields[] = {
	"seq", "title", "pages", "unit_code", "unit_name", "code", "name", "purpose",
};
static const char *const budget_fields[] = { "total", "fiscal", "other" };
static const char *const period_fields[] = { "label", "month", "percent" };
static const char *const indicator_fields[] = {
	"level1", "level2", "level3", "description", "basis",
};
static const char *const target_fields[] = { "text", "op", "value", "unit" };

/* Every field of the expectation against the output. */
static void
compare_document(struct tally *t, const cJSON *want, const cJSON *got)
{
	const cJSON *wp = get(want, "projects"), *gp = get(got, "projects");
	const char *doc_fields[] = { "title", "year", "department" };
	const char *source_fields[] = { "file", "sha256", "input", "pages" };

	for (size_t i = 0; i < G_N_ELEMENTS(doc_fields); i++) {
		g_autofree char *f = g_strdup_printf("document.%s", doc_fields[i]);

		tally_add(t, f, "", get(get(want, "document"), doc_fields[i]),
			get(get(got, "document"), doc_fields[i]));
	}
	for (size_t i = 0; i < G_N_ELEMENTS(source_fields); i++) {
		g_autofree char *f = g_strdup_printf("source.%s", source_fields[i]);

		tally_add(t, f, "", get(get(want, "source"), source_fields[i]),
			get(get(got, "source"), source_fields[i]));
	}
	for (int i = 0; i < cJSON_GetArraySize(wp); i++) {
		const cJSON *w = at(wp, i), *g = at(gp, i);
		g_autofree char *where = g_strdup_printf("project %d", i + 1);

		for (size_t k = 0; k < G_N_ELEMENTS(project_fields); k++)
			tally_add(t, project_fields[k], where, get(w, project_fields[k]),
				get(g, project_fields[k]));
		for (size_t k = 0; k < G_N_ELEMENTS(budget_fields); k++) {
			g_autofree char *f = g_strdup_printf("budget.%s", budget_fields[k]);

			tally_add(t, f, where, get(get(w, "budget"), budget_fields[k]),
				get(get(g, "budget"), budget_fields[k]));
		}
		for (int s = 0; s < cJSON_GetArraySize(get(w, "schedule")); s++) {
			g_autofree char *ws = g_strdup_printf("%s period %d", where, s + 1);

			for (size_t k = 0; k < G_N_ELEMENTS(period_fields); k++) {
				g_autofree char *f = g_strdup_printf("schedule.%s", period_fields[k]);

				tally_add(t, f, ws, get(at(get(w, "schedule"), s), period_fields[k]),
					get(at(get(g, "schedule"), s), period_fields[k]));
			}
		}
		for (int s = 0; s < cJSON_GetArraySize(get(w, "goals")); s++)
			tally_add(t, "goals", where, at(get(w, "goals"), s),
				at(get(g, "goals"), s));
		for (int s = 0; s < cJSON_GetArraySize(get(w, "indicators")); s++) {
			const cJSON *wi = at(get(w, "indicators"), s);
			const cJSON *gi = at(get(g, "indicators"), s);
			g_autofree char *wh = g_strdup_printf("%s indicator %d", where, s + 1);

			for (size_t k = 0; k < G_N_ELEMENTS(indicator_fields); k++)
				tally_add(t, indicator_fields[k], wh, get(wi, indicator_fields[k]),
					get(gi, indicator_fields[k]));
			for (size_t k = 0; k < G_N_ELEMENTS(target_fields); k++) {
				g_autofree char *f = g_strdup_printf("target.%s", target_fields[k]);

				tally_add(t, f, wh, get(get(wi, "target"), target_fields[k]),
					get(get(gi, "target"), target_fields[k]));
			}
		}
	}
}

static cJSON *
load_json(const char *path)
{
	g_autofree char *data = NULL;
	cJSON *j;

	cr_assert(g_file_get_contents(path, &data, NULL, NULL), "cannot read %s", path);
	j = cJSON_Parse(data);
	cr_assert_not_null(j, "%s: not JSON", path);
	return j;
}

struct seed {
	struct budtab_patterns *patterns;
	cJSON *want, *got;
};

static void
seed_load(struct seed *s)
{
	struct budtab_error err = { 0 };

	s->patterns = patterns();
	s->want = load_json(TEST_TEXT_DIR "/" SEED ".expected.json");
	s->got = extract(TEST_TEXT_DIR "/" SEED ".txt", BUDTAB_INPUT_AUTO,
		s->patterns, &err);
	cr_assert_not_null(s->got, "%s: %s", SEED, err.message);
}

static void
seed_free(struct seed *s)
{
	cJSON_Delete(s->want);
	cJSON_Delete(s->got);
	budtab_patterns_destroy(s->patterns);
}

Test(text, seed_fields_at_least_95_percent_right)
{
	struct seed s;
	struct tally t;
	double pct;

	seed_load(&s);
	tally_init(&t);
	compare_document(&t, s.want, s.got);
	pct = tally_print(&t, "seed " SEED ".txt against its hand-checked expectation");
	if (t.log->len)
		report("# fields not right:\n%s", t.log->str);
	report_flush();
	cr_expect(pct >= SEED_MIN_ACCURACY, "%.2f%% of the seed's fields right, want %.0f%%",
		pct, SEED_MIN_ACCURACY);
	tally_finish(&t);
	seed_free(&s);
}

Test(text, seed_projects_all_recovered)
{
	struct seed s;
	const cJSON *wp, *gp;

	seed_load(&s);
	wp = get(s.want, "projects");
	gp = get(s.got, "projects");
	cr_assert_eq(cJSON_GetArraySize(gp), cJSON_GetArraySize(wp),
		"%d projects, want %d", cJSON_GetArraySize(gp), cJSON_GetArraySize(wp));
	for (int i = 0; i < cJSON_GetArraySize(wp); i++) {
		const cJSON *w = at(wp, i), *g = at(gp, i);
		const cJSON *wi = get(w, "indicators"), *gi = get(g, "indicators");

		cr_expect(leaf_equal(get(w, "code"), get(g, "code")), "project %d: code",
			i + 1);
		for (size_t k = 0; k < G_N_ELEMENTS(budget_fields); k++)
			cr_expect(leaf_equal(get(get(w, "budget"), budget_fields[k]),
				get(get(g, "budget"), budget_fields[k])), "project %d: budget.%s",
				i + 1, budget_fields[k]);
		cr_expect_eq(cJSON_GetArraySize(get(g, "schedule")),
			cJSON_GetArraySize(get(w, "schedule")), "project %d: periods", i + 1);
		for (int k = 0; k < cJSON_GetArraySize(get(w, "schedule")); k++)
			for (size_t f = 0; f < G_N_ELEMENTS(period_fields); f++)
				cr_expect(leaf_equal(get(at(get(w, "schedule"), k), period_fields[f]),
					get(at(get(g, "schedule"), k), period_fields[f])),
					"project %d: period %d %s", i + 1, k + 1, period_fields[f]);
		cr_expect_eq(cJSON_GetArraySize(gi), cJSON_GetArraySize(wi),
			"project %d: %d indicator rows, want %d", i + 1,
			cJSON_GetArraySize(gi), cJSON_GetArraySize(wi));
		for (int k = 0; k < cJSON_GetArraySize(wi); k++)
			for (size_t f = 0; f < 3; f++)
				cr_expect(leaf_equal(get(at(wi, k), indicator_fields[f]),
					get(at(gi, k), indicator_fields[f])),
					"project %d, indicator %d: %s", i + 1, k + 1,
					indicator_fields[f]);
	}
	seed_free(&s);
}

/* Every warning of the expectation (a repair it implies) is made. */
Test(text, seed_names_repaired_from_caption_with_a_warning)
{
	struct seed s;
	const cJSON *w;
	GHashTable *made = g_hash_table_new(g_str_hash, g_str_equal);

	seed_load(&s);
	cJSON_ArrayForEach(w, get(s.got, "warnings")) {
		const char *code = cJSON_GetStringValue(get(w, "code"));

		if (code)
			g_hash_table_insert(made, (gpointer)code, GINT_TO_POINTER(
				GPOINTER_TO_INT(g_hash_table_lookup(made, code)) + 1));
	}
	cJSON_ArrayForEach(w, get(s.want, "warnings")) {
		const char *code = cJSON_GetStringValue(get(w, "code"));
		int left = GPOINTER_TO_INT(g_hash_table_lookup(made, code));

		cr_expect(left > 0, "no '%s' warning for: %s", code,
			cJSON_GetStringValue(get(w, "message")));
		g_hash_table_insert(made, (gpointer)code, GINT_TO_POINTER(left - 1));
	}
	g_hash_table_destroy(made);
	seed_free(&s);
}

/* ---- pdftotext -layout dumps against the PDFs ----------------------- */

static const char *const agreement_fields[] = {
	"level1", "level2", "level3", "description", "basis",
};

/* The indicators and the projects' codes and budgets the PDF reading
 * has, looked up in the text reading. */
static void
compare_readings(struct tally *t, const char *name, const cJSON *pdf,
	const cJSON *text, int *right, int *total)
{
	const cJSON *pp = get(pdf, "projects"), *tp = get(text, "projects");

	*right = *total = 0;
	for (int i = 0; i < cJSON_GetArraySize(pp); i++) {
		const cJSON *a = at(pp, i), *b = at(tp, i);
		g_autofree char *where = g_strdup_printf("%s project %d", name, i + 1);

		*right += tally_add(t, "code", where, get(a, "code"), get(b, "code"));
		(*total)++;
		for (size_t k = 0; k < G_N_ELEMENTS(budget_fields); k++) {
			g_autofree char *f = g_strdup_printf("budget.%s", budget_fields[k]);

			*right += tally_add(t, f, where, get(get(a, "budget"), budget_fields[k]),
				get(get(b, "budget"), budget_fields[k]));
			(*total)++;
		}
		for (int k = 0; k < cJSON_GetArraySize(get(a, "indicators")); k++) {
			const cJSON *ai = at(get(a, "indicators"), k);
			const cJSON *bi = at(get(b, "indicators"), k);
			g_autofree char *wh = g_strdup_printf("%s indicator %d", where, k + 1);

			for (size_t f = 0; f < G_N_ELEMENTS(agreement_fields); f++) {
				*right += tally_add(t, agreement_fields[f], wh,
					get(ai, agreement_fields[f]), get(bi, agreement_fields[f]));
				(*total)++;
			}
			*right += tally_add(t, "target.text", wh, get(get(ai, "target"), "text"),
				get(get(bi, "target"), "text"));
			(*total)++;
		}
	}
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(text, layout_dumps_agree_with_pdf_readings, .timeout = 600)
{
	struct budtab_patterns *p = patterns();
	GDir *dir = g_dir_open(TEST_TEXT_DIR, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	struct tally t;
	const char *name;
	int right = 0, total = 0;
	double pct;

	cr_assert_not_null(dir, "no %s", TEST_TEXT_DIR);
	while ((name = g_dir_read_name(dir)))
		if (g_str_has_suffix(name, ".layout.txt"))
			g_ptr_array_add(names, g_strndup(name, strlen(name) -
				strlen(".layout.txt")));
	g_dir_close(dir);
	g_ptr_array_sort(names, cmp_str);
	cr_assert(names->len > 0, "no .layout.txt fixtures in %s", TEST_TEXT_DIR);
	tally_init(&t);
	report("# pdftotext -layout dumps against the PDFs: indicators, codes, budgets\n"
		"# %-36s %6s %6s %8s\n", "document", "right", "total", "pct");
	for (guint i = 0; i < names->len; i++) {
		const char *n = names->pdata[i];
		g_autofree char *pdf_path = g_strdup_printf("%s/%s.pdf", TEST_CORPUS_DIR, n);
		g_autofree char *txt_path = g_strdup_printf("%s/%s.layout.txt",
			TEST_TEXT_DIR, n);
		struct budtab_error err = { 0 };
		cJSON *pdf, *text;
		int r, k;

		if (!g_file_test(pdf_path, G_FILE_TEST_EXISTS))
			continue;
		pdf = extract(pdf_path, BUDTAB_INPUT_PDF, p, &err);
		cr_assert_not_null(pdf, "%s: %s", pdf_path, err.message);
		text = extract(txt_path, BUDTAB_INPUT_AUTO, p, &err);
		cr_assert_not_null(text, "%s: %s", txt_path, err.message);
		compare_readings(&t, n, pdf, text, &r, &k);
		report("# %-36s %6d %6d %7.2f%%\n", n, r, k, k ? 100.0 * r / k : 100.0);
		right += r;
		total += k;
		cJSON_Delete(pdf);
		cJSON_Delete(text);
	}
	pct = total ? 100.0 * right / total : 100.0;
	report("# %-36s %6d %6d %7.2f%%\n", "ALL", right, total, pct);
	tally_print(&t, "the same, by field");
	if (t.log->len)
		report("# fields that differ:\n%s", t.log->str);
	report_flush();
	cr_expect(pct >= LAYOUT_MIN_AGREEMENT,
		"text mode agrees with PDF mode on %.2f%% of the fields, want %.0f%%",
		pct, LAYOUT_MIN_AGREEMENT);
	tally_finish(&t);
	g_ptr_array_free(names, TRUE);
	budtab_patterns_destroy(p);
}

/* ---- random damage -------------------------------------------------- */

/* Byte offsets of line starts. */
static GArray *
line_starts(const GString *s)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(gsize));
	gsize zero = 0;

	g_array_append_val(out, zero);
	for (gsize i = 0; i < s->len; i++)
		if (s->str[i] == '\n' && i + 1 < s->len) {
			gsize next = i + 1;

			g_array_append_val(out, next);
		}
	return out;
}

/* A random character boundary of s. */
static gsize
char_offset(GRand *rnd, const GString *s)
{
	gsize at;

	if (s->len == 0)
		return 0;
	at = (gsize)g_rand_int_range(rnd, 0, (gint32)s->len);
	while (at > 0 && (s->str[at] & 0xC0) == 0x80)
		at--;
	return at;
}

static void
line_bounds(const GString *s, const GArray *starts, guint k, gsize *a, gsize *b)
{
	*a = g_array_index(starts, gsize, k);
	*b = k + 1 < starts->len ? g_array_index(starts, gsize, k + 1) : s->len;
}

static void
damage(GRand *rnd, GString *s)
{
	static const char *const debris[] = {
		"\t", "  ", ")", "]", "·", "ī", "。", ",", "坝", "口", "%", "1", "\f",
		"\t\t", "月", "指标", "\r", " . , ,", "≥", "\xe2\x80\x8b",
	};
	int ops = g_rand_int_range(rnd, 1, 5);

	for (int op = 0; op < ops && s->len > 0; op++) {
		GArray *starts = line_starts(s);
		guint k = (guint)g_rand_int_range(rnd, 0, (gint32)starts->len);
		gsize a, b;

		line_bounds(s, starts, k, &a, &b);
		switch (g_rand_int_range(rnd, 0, 6)) {
		case 0: { /* a cell split with a tab */
			gsize at = a + (b > a ? (gsize)g_rand_int_range(rnd, 0, (gint32)(b - a)) : 0);

			while (at > a && (s->str[at] & 0xC0) == 0x80)
				at--;
			g_string_insert_c(s, (gssize)at, '\t');
			break;
		}
		case 1: { /* lines dropped */
			guint n = (guint)g_rand_int_range(rnd, 1, 6);
			gsize c, d;

			line_bounds(s, starts, MIN(k + n - 1, starts->len - 1), &c, &d);
			g_string_erase(s, (gssize)a, (gssize)(d - a));
			break;
		}
		case 2: { /* a line doubled */
			g_autofree char *line = g_strndup(s->str + a, b - a);

			g_string_insert(s, (gssize)b, line);
			break;
		}
		case 3: /* debris */
			for (int n = g_rand_int_range(rnd, 1, 8); n > 0; n--)
				g_string_insert(s, (gssize)char_offset(rnd, s),
					debris[g_rand_int_range(rnd, 0, G_N_ELEMENTS(debris))]);
			break;
		case 4: /* cut short, mostly on a character boundary */
			g_string_truncate(s, g_rand_int_range(rnd, 0, 4) ? char_offset(rnd, s) :
				(gsize)g_rand_int_range(rnd, 0, (gint32)s->len));
			break;
		default: { /* lines run together */
			if (b > a && s->str[b - 1] == '\n')
				s->str[b - 1] = g_rand_boolean(rnd) ? ' ' : '\t';
			break;
		}
		}
		g_array_free(starts, TRUE);
	}
}

Test(text, random_damage_never_crashes, .timeout = 1200)
{
	struct budtab_patterns *p = patterns();
	GRand *rnd = g_rand_new_with_seed(DAMAGE_SEED);
	GPtrArray *sources = g_ptr_array_new_with_free_func(g_free);
	GDir *dir = g_dir_open(TEST_TEXT_DIR, 0, NULL);
	const char *name, *env = g_getenv("BUDTAB_DAMAGE_VARIANTS");
	int variants = env ? atoi(env) : DAMAGE_VARIANTS, read = 0, refused = 0;
	g_autofree char *tmp = NULL;
	int fd;

	cr_assert_not_null(dir);
	while ((name = g_dir_read_name(dir)))
		if (g_str_has_suffix(name, ".txt"))
			g_ptr_array_add(sources, g_build_filename(TEST_TEXT_DIR, name, NULL));
	g_dir_close(dir);
	g_ptr_array_sort(sources, cmp_str);
	cr_assert(sources->len > 0);
	fd = g_file_open_tmp("budtab-damage-XXXXXX.txt", &tmp, NULL);
	cr_assert(fd >= 0);
	close(fd);
	for (int v = 0; v < variants; v++) {
		const char *src = sources->pdata[(guint)v % sources->len];
		g_autofree char *data = NULL;
		struct budtab_error err = { 0 };
		GString *s;
		cJSON *out;
		gsize len;

		cr_assert(g_file_get_contents(src, &data, &len, NULL));
		s = g_string_new_len(data, (gssize)len);
		damage(rnd, s);
		cr_assert(g_file_set_contents(tmp, s->str, (gssize)s->len, NULL));
		out = extract(tmp, g_rand_boolean(rnd) ? BUDTAB_INPUT_TEXT :
			BUDTAB_INPUT_AUTO, p, &err);
		if (out)
			read++;
		else
			refused++;
		cJSON_Delete(out);
		g_string_free(s, TRUE);
	}
	report("# random damage: %d variants (seed %d): %d read, %d refused with a "
		"message\n", variants, DAMAGE_SEED, read, refused);
	report_flush();
	cr_expect_eq(read + refused, variants);
	g_unlink(tmp);
	g_rand_free(rnd);
	g_ptr_array_free(sources, TRUE);
	budtab_patterns_destroy(p);
}

/* Criterion's TAP report first, then the comments the tests wrote.  The
 * project builds with hidden visibility; Criterion's workers find main
 * by its symbol, so it stays visible. */
__attribute__((visibility("default"))) int
main(int argc, char *argv[])
{
	struct criterion_test_set *tests = criterion_initialize();
	g_autofree char *path = NULL;
	g_autofree char *lines = NULL;
	int fd = g_file_open_tmp("budtab-text-report-XXXXXX", &path, NULL);
	int result = 0;

	if (fd >= 0) {
		close(fd);
		g_setenv("BUDTAB_TEXT_REPORT", path, TRUE);
	}
	if (criterion_handle_args(argc, argv, true))
		result = !criterion_run_all_tests(tests);
	criterion_finalize(tests);
	fflush(stdout);
	if (path && g_file_get_contents(path, &lines, NULL, NULL))
		fputs(lines, stdout);
	if (path)
		g_unlink(path);
	return result;
}
