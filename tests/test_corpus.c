/* End to end: budtab extract over every corpus PDF, compared with its
 * gold file field by field (NFKC, white space ignored).  Prints the
 * per-field accuracy; every field must be right. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "budtab.h"
#include "patterns.h"

#ifndef TEST_CORPUS_DIR
#define TEST_CORPUS_DIR "corpus"
#endif

struct tally {
	GHashTable *right, *total; /* field path -> count */
	GString *log;              /* the mismatches */
	int docs;
};

static void
count(struct tally *t, const char *path, bool ok)
{
	g_hash_table_insert(t->total, g_strdup(path),
		GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(t->total, path)) + 1));
	if (ok)
		g_hash_table_insert(t->right, g_strdup(path),
			GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(t->right, path)) + 1));
}

static bool
leaf_equal(const cJSON *g, const cJSON *o)
{
	if (!o)
		return false;
	if (cJSON_IsNull(g) || cJSON_IsNull(o))
		return cJSON_IsNull(g) && cJSON_IsNull(o);
	if (cJSON_IsNumber(g))
		return cJSON_IsNumber(o) && fabs(g->valuedouble - o->valuedouble) < 1e-6;
	if (cJSON_IsBool(g))
		return cJSON_IsBool(o) && cJSON_IsTrue(g) == cJSON_IsTrue(o);
	if (cJSON_IsString(g)) {
		g_autofree char *a = NULL, *b = NULL;

		if (!cJSON_IsString(o))
			return false;
		a = patterns_key_form(g->valuestring);
		b = patterns_key_form(o->valuestring);
		return strcmp(a, b) == 0;
	}
	return false;
}

/* Walks the gold value; every leaf is one field, named by its path with
 * array indices dropped ("projects.indicators.target.value"). */
static void
compare(struct tally *t, const char *doc, const char *path, const char *where,
	const cJSON *g, const cJSON *o)
{
	if (cJSON_IsObject(g)) {
		const cJSON *item;

		cJSON_ArrayForEach(item, g) {
			g_autofree char *p = *path ? g_strdup_printf("%s.%s", path, item->string)
				: g_strdup(item->string);
			g_autofree char *w = g_strdup_printf("%s.%s", where, item->string);

			if (!*path && strcmp(item->string, "warnings") == 0)
				continue;
			compare(t, doc, p, w, item,
				cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, item->string) : NULL);
		}
		return;
	}
	if (cJSON_IsArray(g) && strcmp(path, "pages") != 0 &&
	    !g_str_has_suffix(path, ".pages")) {
		int n = cJSON_GetArraySize(g);
		int m = cJSON_IsArray(o) ? cJSON_GetArraySize(o) : 0;

		for (int i = 0; i < n; i++) {
			g_autofree char *w = g_strdup_printf("%s[%d]", where, i);

			compare(t, doc, path, w, cJSON_GetArrayItem(g, i),
				i < m ? cJSON_GetArrayItem(o, i) : NULL);
		}
		for (int i = n; i < m; i++) {
			g_autofree char *p = g_strdup_printf("%s (extra items)", path);

			count(t, p, false);
			g_string_append_printf(t->log, "# %s: %s[%d]: extra item\n", doc, where, i);
		}
		return;
	}
	if (cJSON_IsArray(g)) {
		/* pages: one field, equal as a whole */
		g_autofree char *a = cJSON_PrintUnformatted(g);
		g_autofree char *b = o ? cJSON_PrintUnformatted(o) : g_strdup("(missing)");

		count(t, path, strcmp(a, b) == 0);
		if (strcmp(a, b) != 0)
			g_string_append_printf(t->log, "# %s: %s: want %s, got %s\n", doc, where, a, b);
		return;
	}
	count(t, path, leaf_equal(g, o));
	if (!leaf_equal(g, o)) {
		g_autofree char *a = cJSON_PrintUnformatted(g);
		g_autofree char *b = o ? cJSON_PrintUnformatted(o) : g_strdup("(missing)");

		g_string_append_printf(t->log, "# %s: %s: want %s, got %s\n", doc, where, a, b);
	}
}

static cJSON *
run_extract(const char *pdf, struct budtab_patterns *patterns)
{
	struct budtab_error err = { 0 };
	struct budtab_doc *doc = budtab_doc_open(pdf, NULL, &err);
	g_autofree char *tmp = NULL, *data = NULL;
	cJSON *out = NULL;
	int fd;

	cr_assert_not_null(doc, "%s: %s", pdf, err.message);
	cr_assert(budtab_doc_extract(doc, patterns, &err), "%s: %s", pdf, err.message);
	fd = g_file_open_tmp("budtab-corpus-XXXXXX.json", &tmp, NULL);
	cr_assert(fd >= 0);
	close(fd);
	cr_assert(budtab_doc_write_records(doc, tmp, &err), "%s", err.message);
	cr_assert(g_file_get_contents(tmp, &data, NULL, NULL));
	out = cJSON_Parse(data);
	unlink(tmp);
	budtab_doc_destroy(doc);
	return out;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(corpus, every_field_matches_gold)
{
	struct budtab_error err = { 0 };
	struct budtab_patterns *patterns = budtab_patterns_load(NULL, &err);
	struct tally t = { g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		g_string_new(NULL), 0 };
	GDir *dir = g_dir_open(TEST_CORPUS_DIR, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	GList *keys;
	int right = 0, total = 0;

	cr_assert_not_null(patterns, "%s", err.message);
	cr_assert_not_null(dir, "no corpus directory %s", TEST_CORPUS_DIR);
	while ((name = g_dir_read_name(dir)))
		if (g_str_has_suffix(name, ".expected.json"))
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(dir);
	g_ptr_array_sort(names, cmp_str);
	cr_assert(names->len > 0, "no gold files in %s", TEST_CORPUS_DIR);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *gold_path = g_build_filename(TEST_CORPUS_DIR,
			(char *)names->pdata[i], NULL);
		g_autofree char *data = NULL;
		cJSON *gold, *out;
		const cJSON *file;

		cr_assert(g_file_get_contents(gold_path, &data, NULL, NULL));
		gold = cJSON_Parse(data);
		cr_assert_not_null(gold, "%s: not JSON", gold_path);
		file = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(gold, "source"), "file");
		cr_assert(cJSON_IsString(file));
		out = run_extract(file->valuestring, patterns);
		cr_assert_not_null(out, "%s: budtab wrote no JSON", file->valuestring);
		compare(&t, file->valuestring, "", "", gold, out);
		t.docs++;
		cJSON_Delete(gold);
		cJSON_Delete(out);
	}
	keys = g_list_sort(g_hash_table_get_keys(t.total), (GCompareFunc)strcmp);
	/* On standard error: Criterion's TAP report must start standard
	 * output. */
	fprintf(stderr, "# corpus: %d documents\n# %-45s %7s %7s %8s\n", t.docs, "field",
		"right", "total", "accuracy");
	for (GList *k = keys; k; k = k->next) {
		int r = GPOINTER_TO_INT(g_hash_table_lookup(t.right, k->data));
		int n = GPOINTER_TO_INT(g_hash_table_lookup(t.total, k->data));

		fprintf(stderr, "# %-45s %7d %7d %7.2f%%\n", (char *)k->data, r, n,
			100.0 * r / n);
		right += r;
		total += n;
	}
	fprintf(stderr, "# %-45s %7d %7d %7.2f%%\n", "ALL FIELDS", right, total,
		total ? 100.0 * right / total : 0);
	if (g_getenv("BUDTAB_CORPUS_LOG"))
		g_file_set_contents(g_getenv("BUDTAB_CORPUS_LOG"), t.log->str, -1, NULL);
	if (t.log->len)
		fprintf(stderr, "# mismatches (first lines):\n%.*s",
			(int)MIN(t.log->len, 6000), t.log->str);
	cr_expect_eq(right, total, "%d of %d fields wrong", total - right, total);
	g_list_free(keys);
	g_hash_table_destroy(t.right);
	g_hash_table_destroy(t.total);
	g_string_free(t.log, TRUE);
	g_ptr_array_free(names, TRUE);
	budtab_patterns_destroy(patterns);
}
