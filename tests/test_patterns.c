/* The pattern files of patterns/, tested from tests/data/patterns.test,
 * and the loader's handling of bad pattern files. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "patterns.h"
#include "records.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

static struct budtab_patterns *
load(void)
{
	struct budtab_error err = { 0 };
	struct budtab_patterns *p = budtab_patterns_load(NULL, &err);

	cr_assert_not_null(p, "%s", err.message);
	return p;
}

static const char *
null_dash(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

static void
check_target(const struct budtab_patterns *p, char **f, int line)
{
	struct target t = { 0 };
	const char *op = null_dash(f[2]), *value = null_dash(f[3]), *unit = null_dash(f[4]);

	records_parse_target(p, f[1], &t);
	cr_expect_str_eq(t.op ? t.op : "-", op ? op : "-", "line %d: op of '%s'", line, f[1]);
	cr_expect_eq(t.has_value, value != NULL, "line %d: value of '%s'", line, f[1]);
	if (value && t.has_value)
		cr_expect_float_eq(t.value, g_ascii_strtod(value, NULL), 1e-9,
			"line %d: value of '%s'", line, f[1]);
	cr_expect_str_eq(t.unit ? t.unit : "-", unit ? unit : "-",
		"line %d: unit of '%s'", line, f[1]);
	g_free(t.text);
	g_free(t.unit);
}

static void
check_group(const struct budtab_patterns *p, const char *key, const char *group,
	char **f, int line)
{
	struct pmatch *m = NULL;
	g_autofree char *v = NULL;
	const char *want = null_dash(f[2]);

	if (patterns_match(p, key, f[1], &m))
		v = pmatch_group(m, group);
	pmatch_destroy(m);
	if (want && v) {
		g_autofree char *digits = g_strdup(v);
		char *w = digits;

		for (const char *q = v; *q; q++)
			if (*q != ',')
				*w++ = *q;
		*w = '\0';
		cr_expect_float_eq(g_ascii_strtod(digits, NULL), g_ascii_strtod(want, NULL),
			1e-9, "line %d: %s of '%s' is %s", line, key, f[1], v);
	} else
		cr_expect_str_eq(v ? v : "-", want ? want : "-", "line %d: %s of '%s'",
			line, key, f[1]);
}

Test(patterns, every_case_of_the_data_file_holds)
{
	struct budtab_patterns *p = load();
	g_autofree char *data = NULL;
	g_auto(GStrv) lines = NULL;
	int cases = 0;

	cr_assert(g_file_get_contents(TEST_DATA_DIR "/patterns.test", &data, NULL, NULL));
	lines = g_strsplit(data, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		g_auto(GStrv) f = NULL;

		if (!*lines[i] || lines[i][0] == '#')
			continue;
		f = g_strsplit(lines[i], "\t", -1);
		cases++;
		if (strcmp(f[0], "target") == 0) {
			cr_assert_eq(g_strv_length(f), 5, "line %d", i + 1);
			check_target(p, f, i + 1);
		} else if (strcmp(f[0], "classify") == 0) {
			const char *k = patterns_classify(p, f[1], f[2], NULL);

			cr_expect_str_eq(k ? k : "-", f[3], "line %d: %s'%s'", i + 1, f[1], f[2]);
		} else if (strcmp(f[0], "amount") == 0) {
			check_group(p, "amount", "value", f, i + 1);
		} else if (strcmp(f[0], "period") == 0) {
			check_group(p, "period", "month", f, i + 1);
		} else if (strcmp(f[0], "split") == 0) {
			g_auto(GStrv) items = patterns_split(p, f[1], f[2]);
			g_autofree char *joined = g_strjoinv("|", items);
			g_autofree char *want = patterns_key_form(f[3]);

			cr_expect_str_eq(joined, want, "line %d: split '%s'", i + 1, f[2]);
		} else {
			cr_assert_fail("line %d: unknown case kind '%s'", i + 1, f[0]);
		}
	}
	cr_expect_gt(cases, 50);
	budtab_patterns_destroy(p);
}

Test(patterns, key_form_folds_width_and_drops_space)
{
	g_autofree char *k = patterns_key_form("其中： 财政\t资金（％） １２");

	cr_expect_str_eq(k, "其中:财政资金(%)12");
}

Test(patterns, syntax_error_names_file_and_line)
{
	struct budtab_error err = { 0 };
	const char bad[] = "# comment\nlabel.code ^ok$\nlabel.name (unclosed\n";
	struct budtab_patterns *p = patterns_load_buffer("bad.pat", bad, sizeof bad - 1, &err);

	cr_expect_null(p);
	cr_expect_eq(err.status, BUDTAB_ERR_PATTERNS);
	cr_expect(g_str_has_prefix(err.message, "bad.pat:3: "), "message: %s", err.message);
	cr_expect(strstr(err.message, "parenthesis") != NULL, "message: %s", err.message);
}

Test(patterns, key_without_pattern_is_an_error)
{
	struct budtab_error err = { 0 };
	const char bad[] = "label.code\n";

	cr_expect_null(patterns_load_buffer("k.pat", bad, sizeof bad - 1, &err));
	cr_expect(g_str_has_prefix(err.message, "k.pat:1: "), "message: %s", err.message);
}

Test(patterns, missing_directory_is_an_error)
{
	struct budtab_error err = { 0 };

	cr_expect_null(budtab_patterns_load("/nonexistent/patterns", &err));
	cr_expect_eq(err.status, BUDTAB_ERR_PATTERNS);
}

Test(patterns, backtracking_is_bounded)
{
	struct budtab_error err = { 0 };
	const char pat[] = "evil ^(a+)+$\n";
	struct budtab_patterns *p = patterns_load_buffer("e.pat", pat, sizeof pat - 1, &err);
	char subject[4000];

	cr_assert_not_null(p, "%s", err.message);
	memset(subject, 'a', sizeof subject - 2);
	subject[sizeof subject - 2] = 'b';
	subject[sizeof subject - 1] = '\0';
	/* Must come back (as no match) instead of running for ages. */
	cr_expect_not(patterns_match(p, "evil", subject, NULL));
	budtab_patterns_destroy(p);
}
