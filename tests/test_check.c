/* budtab check: every finding code on a small budtab/1 document made
 * for it, the budtab/1 reader's strictness, the internal-records reader
 * on hostile CSV, the comparison with a fixture, the planted corpus
 * document and the seed's real anomalies. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "budtab.h"
#include "check.h"
#include "internal.h"
#include "patterns.h"
#include "source_json.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

/* budtab/1 pieces: strings are JSON already (Q quotes one). */
#define Q(s) "\"" s "\""
#define IND(l1, l2, l3, text, op, value, unit) \
	"{\"level1\":" l1 ",\"level2\":" l2 ",\"level3\":" l3 \
	",\"description\":null,\"target\":{\"text\":" text ",\"op\":" op \
	",\"value\":" value ",\"unit\":" unit "},\"basis\":null}"
#define PER(label, pct) "{\"label\":" Q(label) ",\"percent\":" pct "}"
#define SCHED_OK PER("3月底", "25") "," PER("6月底", "50") "," PER("10月底", "75") "," PER("12月底", "100")
#define OUTPUT IND(Q("产出指标"), Q("数量指标"), Q("人数"), Q("=10人"), Q("="), "10", Q("人"))
#define COST IND(Q("产出指标"), Q("成本指标"), Q("总成本"), Q("≤100万元"), Q("<="), "100", Q("万元"))
#define EFFECT IND(Q("效益指标"), Q("社会效益指标"), Q("影响"), Q("有所提高"), "null", "null", "null")
#define SATISFY IND(Q("满意度指标"), Q("服务对象满意度指标"), Q("满意度"), Q("≥100%"), Q(">="), "100", Q("%"))
#define PROJECT(seq, code, total, fiscal, other, sched, inds) \
	"{\"seq\":" seq ",\"code\":" code ",\"name\":\"测试项目\",\"pages\":[1]," \
	"\"budget\":{\"total\":" total ",\"fiscal\":" fiscal ",\"other\":" other "}," \
	"\"schedule\":[" sched "],\"goals\":[],\"indicators\":[" inds "]}"
#define DOC(projects) \
	"{\"format\":\"budtab/1\",\"document\":{\"title\":null,\"year\":2025," \
	"\"department\":null},\"projects\":[" projects "],\"warnings\":[]}"
#define CODE Q("13072525P000401100017")
#define ONE(total, fiscal, other, sched, inds) \
	DOC(PROJECT("1", CODE, total, fiscal, other, sched, inds))
#define CLEAN_INDS OUTPUT "," COST "," EFFECT "," SATISFY

static struct budtab_patterns *patterns;

static void
setup(void)
{
	struct budtab_error err = { 0 };

	patterns = budtab_patterns_load(NULL, &err);
	cr_assert_not_null(patterns, "%s", err.message);
}

static void
teardown(void)
{
	budtab_patterns_destroy(patterns);
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The finding codes (notes too) of the groups of report with this seq
 * (any seq when seq is -2), sorted, space-separated. */
static char *
codes_of(const struct budtab_report *r, int seq)
{
	g_autoptr(GPtrArray) codes = g_ptr_array_new();

	for (size_t i = 0; i < budtab_report_n_groups(r); i++) {
		const struct budtab_group *g = budtab_report_group(r, i);

		if (seq != -2 && g->seq != seq)
			continue;
		for (size_t k = 0; k < g->n_findings; k++)
			g_ptr_array_add(codes, (char *)g->findings[k].code);
	}
	g_ptr_array_sort(codes, cmp_str);
	g_ptr_array_add(codes, NULL);
	return g_strjoinv(" ", (char **)codes->pdata);
}

/* The codes a budtab/1 document gives. */
static char *
check(const char *json)
{
	struct budtab_report *r = budtab_report_create(patterns);
	struct budtab_error err = { 0 };
	char *out;

	cr_assert(budtab_report_check_json(r, "test.json", json, strlen(json), &err),
		"%s", err.message);
	out = codes_of(r, -2);
	budtab_report_destroy(r);
	return out;
}

#define EXPECT_CODES(json, want) do { \
		g_autofree char *got_ = check(json); \
		cr_expect_str_eq(got_, want, "want [%s], got [%s]", want, got_); \
	} while (0)

TestSuite(check, .init = setup, .fini = teardown);

Test(check, clean_project_gives_no_finding)
{
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, CLEAN_INDS), "");
}

Test(check, budget_sum_outside_rounding_is_a_finding)
{
	EXPECT_CODES(ONE("100", "60", "39.9", SCHED_OK, CLEAN_INDS), "budget-sum");
	/* printed to 0.01: each of three rounded terms may be off by 0.005 */
	EXPECT_CODES(ONE("100", "60", "40.01", SCHED_OK, CLEAN_INDS), "");
	EXPECT_CODES(ONE("100", "60", "40.02", SCHED_OK, CLEAN_INDS), "budget-sum");
	/* printed to 0.001: the tolerance narrows */
	EXPECT_CODES(ONE("100", "60.004", "39.999", SCHED_OK, CLEAN_INDS), "budget-sum");
	EXPECT_CODES(ONE("null", "100", "null", SCHED_OK, CLEAN_INDS), "budget-missing");
}

Test(check, falling_cumulative_schedule)
{
	EXPECT_CODES(ONE("100", "100", "null",
		PER("3月底", "30") "," PER("6月底", "20") "," PER("12月底", "100"), CLEAN_INDS),
		"schedule-not-cumulative");
}

Test(check, per_period_labels_must_sum_to_100)
{
	EXPECT_CODES(ONE("100", "100", "null",
		PER("3月份", "25") "," PER("6月份", "25") "," PER("9月份", "20") "," PER("12月份", "20"),
		CLEAN_INDS), "schedule-not-per-period");
	EXPECT_CODES(ONE("100", "100", "null",
		PER("3月份", "25") "," PER("6月份", "25") "," PER("9月份", "25") "," PER("12月份", "25"),
		CLEAN_INDS), "");
}

Test(check, quarters_are_read_from_the_numbers)
{
	EXPECT_CODES(ONE("100", "100", "null",
		PER("第一季度", "40") "," PER("第二季度", "30") "," PER("第三季度", "20") "," PER("第四季度", "5"),
		CLEAN_INDS), "schedule-neither");
	EXPECT_CODES(ONE("100", "100", "null",
		PER("第一季度", "10") "," PER("第二季度", "20") "," PER("第三季度", "30") "," PER("第四季度", "40"),
		CLEAN_INDS), "");
	EXPECT_CODES(ONE("100", "100", "null",
		PER("第一季度", "25") "," PER("第二季度", "50") "," PER("第三季度", "75") "," PER("第四季度", "100"),
		CLEAN_INDS), "");
	EXPECT_CODES(ONE("100", "100", "null",
		PER("第一季度", "25") "," "{\"label\":\"第二季度\",\"percent\":null}", CLEAN_INDS),
		"schedule-missing-percent");
}

Test(check, seed_schedule_says_which_reading_was_assumed)
{
	const char *json = ONE("100", "100", "null",
		PER("3月底", "10") "," PER("6月底", "30") "," PER("10月底", "30") "," PER("12月底", "30"),
		CLEAN_INDS);
	struct budtab_report *r = budtab_report_create(patterns);
	const struct budtab_group *g;
	const struct budtab_finding *f;
	bool reading = false, sum = false;

	cr_assert(budtab_report_check_json(r, "seed", json, strlen(json), NULL));
	g = budtab_report_group(r, 0);
	cr_assert_eq(g->n_findings, 1);
	f = &g->findings[0];
	cr_expect_str_eq(f->code, "schedule-not-cumulative");
	cr_expect(strstr(f->message, "read as cumulative"), "%s", f->message);
	cr_expect(strstr(f->message, "per period they sum to 100"), "%s", f->message);
	for (size_t i = 0; i < f->n_values; i++) {
		reading |= strcmp(f->values[i].name, "reading") == 0 &&
			strcmp(f->values[i].text, "cumulative") == 0;
		sum |= strcmp(f->values[i].name, "sum") == 0 && f->values[i].is_number &&
			f->values[i].number == 100;
	}
	cr_expect(reading && sum);
	budtab_report_destroy(r);
}

Test(check, cost_targets_against_the_budget)
{
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, OUTPUT ","
		IND(Q("产出指标"), Q("成本指标"), Q("总成本"), Q("≤120万元"), Q("<="), "120", Q("万元"))
		"," EFFECT "," SATISFY), "cost-over-budget");
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, OUTPUT ","
		IND(Q("产出指标"), Q("成本指标"), Q("总成本"), Q("≤80万"), Q("<="), "80", Q("万"))
		"," EFFECT "," SATISFY), "cost-differs-budget");
	/* 元 are converted; a cost per unit is only held below the budget */
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, OUTPUT ","
		IND(Q("产出指标"), Q("成本指标"), Q("总成本"), Q("=1000000元"), Q("="), "1000000", Q("元"))
		"," IND(Q("产出指标"), Q("成本指标"), Q("每公里成本"), Q("≤0.5万元"), Q("<="), "0.5", Q("万元"))
		"," EFFECT "," SATISFY), "");
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, OUTPUT ","
		IND(Q("成本指标"), Q("经济成本指标"), Q("总成本"), Q("≥100%"), Q(">="), "100", Q("%"))
		"," EFFECT "," SATISFY), "cost-target-percent");
}

Test(check, targets_that_cannot_be_measured)
{
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, COST "," EFFECT "," SATISFY ","
		IND(Q("产出指标"), Q("数量指标"), Q("人数"), "null", "null", "null", "null")),
		"target-empty");
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, OUTPUT "," COST "," EFFECT ","
		IND(Q("满意度指标"), Q("服务对象满意度指标"), Q("满意率"), Q("%"), "null", "null", "null")),
		"target-no-number");
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, COST "," EFFECT "," SATISFY ","
		IND(Q("产出指标"), Q("数量指标"), Q("人数"), Q("较多"), "null", "null", "null")),
		"target-qualitative");
	/* a qualitative 效益 target is usual; ≥100% is fine for 满意度 */
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, CLEAN_INDS "," EFFECT "," SATISFY), "");
}

Test(check, missing_parts)
{
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, OUTPUT "," COST "," EFFECT),
		"level-missing");
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, CLEAN_INDS ","
		IND(Q("效益指标"), Q("生态效益指标"), "null", "null", "null", "null", "null")),
		"level-empty");
	EXPECT_CODES(ONE("100", "100", "null", SCHED_OK, ""), "indicators-missing");
	EXPECT_CODES(DOC(""), "no-projects");
}

Test(check, project_codes)
{
	EXPECT_CODES(DOC(PROJECT("1", "null", "100", "100", "null", SCHED_OK, CLEAN_INDS)),
		"code-missing");
	EXPECT_CODES(DOC(PROJECT("1", Q("XM-2025-01"), "100", "100", "null", SCHED_OK, CLEAN_INDS)),
		"code-shape");
	EXPECT_CODES(DOC(PROJECT("1", Q("13072524P000401100017"), "100", "100", "null", SCHED_OK,
		CLEAN_INDS)), "code-year");
	EXPECT_CODES(DOC(PROJECT("1", CODE, "100", "100", "null", SCHED_OK, CLEAN_INDS) ","
		PROJECT("2", CODE, "100", "100", "null", SCHED_OK, CLEAN_INDS)), "code-duplicate");
}

Test(check, budtab1_reader_is_strict_about_types)
{
	struct records r;
	struct budtab_error err = { 0 };
	const char *bad_amount = DOC(PROJECT("1", CODE, "\"100\"", "100", "null", SCHED_OK, ""));
	const char *bad_op = ONE("100", "100", "null", SCHED_OK,
		IND(Q("产出指标"), Q("数量指标"), Q("人数"), Q("=1"), Q("=>"), "1", "null"));
	const char *minimal = "{\"format\":\"budtab/1\",\"projects\":[{}]}";

	cr_expect_not(source_json_records(bad_amount, strlen(bad_amount), &r, &err));
	cr_expect(strstr(err.message, "projects[0].total: not a number"), "%s", err.message);
	cr_expect_not(source_json_records(bad_op, strlen(bad_op), &r, &err));
	cr_expect(strstr(err.message, "target.op"), "%s", err.message);
	cr_expect_not(source_json_records("{\"format\":\"budtab/2\"}", 21, &r, &err));
	cr_expect(strstr(err.message, "not a budtab/1"), "%s", err.message);
	cr_expect_not(source_json_records("{\"format\":", 10, &r, &err));
	cr_expect(strstr(err.message, "not JSON"), "%s", err.message);
	/* missing optional fields are null */
	cr_assert(source_json_records(minimal, strlen(minimal), &r, &err), "%s", err.message);
	cr_expect_eq(r.n_projects, 1);
	cr_expect_not(r.projects[0].total.present);
	records_finish(&r);
	EXPECT_CODES(minimal, "budget-missing code-missing indicators-missing");
}

static bool
parse(const char *csv, size_t len, const char *map, bool yuan,
	struct budtab_internal *in, struct budtab_error *err)
{
	struct internal_map *m = map ? internal_map_parse(map, strlen(map), err) : NULL;
	bool ok = internal_parse(csv, len, patterns, m, yuan, in, err);

	internal_map_destroy(m);
	return ok;
}

Test(check, csv_quoting_bom_crlf_and_embedded_newlines)
{
	static const char csv[] = "\xEF\xBB\xBF" "项目编码,项目名称,预算数,3月底\r\n"
		"A1,\"名称,带逗号\",\"1,200.50\",25\r\n"
		"A2,\"第一行\r\n第二行 \"\"引号\"\"\",7,\r\n"
		"\r\n"
		"A3,末行,8,50";
	struct budtab_internal in;
	struct budtab_error err = { 0 };
	const struct internal_row *r;

	cr_assert(parse(csv, sizeof csv - 1, NULL, false, &in, &err), "%s", err.message);
	cr_assert_eq(in.rows->len, 3);
	r = &g_array_index(in.rows, struct internal_row, 0);
	cr_expect_str_eq(r->code, "A1");
	cr_expect_str_eq(r->name, "名称,带逗号");
	cr_expect(r->has[INTERNAL_TOTAL] && r->value[INTERNAL_TOTAL] == 1200.5);
	cr_expect(r->has[INTERNAL_M1 + 2] && r->value[INTERNAL_M1 + 2] == 25);
	r = &g_array_index(in.rows, struct internal_row, 1);
	cr_expect_str_eq(r->name, "第一行\r\n第二行 \"引号\"");
	cr_expect_eq(r->line, 3);
	cr_expect_not(r->has[INTERNAL_M1 + 2]);
	r = &g_array_index(in.rows, struct internal_row, 2);
	cr_expect_eq(r->line, 6);
	cr_expect(in.has[INTERNAL_TOTAL] && !in.has[INTERNAL_FISCAL]);
	internal_finish(&in);
}

Test(check, csv_tabs_yuan_and_a_map)
{
	static const char tsv[] = "编号\t金额\tm12\nB1\t1500000\t100\n";
	struct budtab_internal in;
	struct budtab_error err = { 0 };

	cr_assert(parse(tsv, sizeof tsv - 1, "code 编号\ntotal 金额\n", true, &in, &err),
		"%s", err.message);
	cr_assert_eq(in.rows->len, 1);
	cr_expect_str_eq(g_array_index(in.rows, struct internal_row, 0).code, "B1");
	cr_expect_float_eq(g_array_index(in.rows, struct internal_row, 0).value[INTERNAL_TOTAL],
		150, 1e-9);
	internal_finish(&in);
	cr_expect_null(internal_map_parse("cost 金额", 9, &err));
}

Test(check, csv_reader_refuses_what_it_cannot_read)
{
	struct budtab_internal in;
	struct budtab_error err = { 0 };
	GString *big = g_string_new("code,name\nX,");

	cr_expect_not(parse("code,name\nA,\"open\n", 17, NULL, false, &in, &err));
	cr_expect(strstr(err.message, "line 2: a quoted field is not closed"), "%s", err.message);
	cr_expect_not(parse("name,total\nA,1\n", 15, NULL, false, &in, &err));
	cr_expect(strstr(err.message, "no project-code column"), "%s", err.message);
	cr_expect_not(parse("code\n\xff\n", 7, NULL, false, &in, &err));
	cr_expect(strstr(err.message, "not UTF-8"), "%s", err.message);
	for (size_t i = 0; i <= INTERNAL_MAX_FIELD; i++)
		g_string_append_c(big, 'x');
	cr_expect_not(parse(big->str, big->len, NULL, false, &in, &err));
	cr_expect_eq(err.status, BUDTAB_ERR_LIMIT, "%s", err.message);
	g_string_free(big, TRUE);
	/* every prefix of a quoted CSV: an answer, never a crash */
	{
		static const char q[] = "code,name\r\n\"A\"\"1\",\"x\r\ny\"\r\nB,\"\"\r\n";

		for (size_t n = 0; n <= sizeof q - 1; n++) {
			if (parse(q, n, NULL, false, &in, &err))
				internal_finish(&in);
		}
	}
}

/* The seed's projects against a fixture with planted differences. */
Test(check, internal_fixture_matched_differs_only)
{
	struct budtab_error err = { 0 };
	struct budtab_report *r = budtab_report_create(patterns);
	struct budtab_internal *in = budtab_internal_load(TEST_DATA_DIR "/check/internal.csv",
		NULL, false, patterns, &err);
	static const char *const want[] = {
		NULL,
		"internal-matched",                                   /* names differ only in spacing */
		"cost-target-percent internal-differs internal-differs", /* total, fiscal */
		"internal-matched",                                   /* a name over two lines */
		"internal-differs internal-differs target-no-number", /* name, m12 */
		"cost-target-percent internal-matched schedule-not-cumulative",
		"only-published schedule-not-cumulative target-qualitative",
		"cost-target-percent internal-differs internal-differs schedule-not-cumulative target-qualitative",
	};
	g_autofree char *internal_only = NULL, *file = NULL;

	cr_assert_not_null(in, "%s", err.message);
	cr_assert(budtab_report_check_file(r, "corpus/huailai-2024-zrzy.expected.json", NULL, &err),
		"%s", err.message);
	budtab_report_compare(r, in);
	for (int seq = 1; seq <= 7; seq++) {
		g_autofree char *got = codes_of(r, seq);

		cr_expect_str_eq(got, want[seq], "project %d: got [%s]", seq, got);
	}
	internal_only = codes_of(r, -1);
	cr_expect_str_eq(internal_only, "only-internal");
	/* the 合计 row against the sum of the published budgets (10621) */
	for (size_t i = 0; i < budtab_report_n_groups(r); i++) {
		const struct budtab_group *g = budtab_report_group(r, i);

		if (g->seq == 0 && strstr(g->source, "internal.csv")) {
			cr_expect_eq(g->n_findings, 1);
			cr_expect_str_eq(g->findings[0].code, "department-total-differs");
			cr_expect(strstr(g->findings[0].message, "10416"));
			cr_expect(strstr(g->findings[0].message, "10621"));
		}
	}
	/* project 2: which field, both values */
	{
		const struct budtab_group *g = budtab_report_group(r, 1);
		const struct budtab_finding *f = NULL;

		for (size_t k = 0; k < g->n_findings; k++)
			if (strcmp(g->findings[k].code, "internal-differs") == 0 && !f)
				f = &g->findings[k];
		cr_assert_not_null(f);
		cr_expect_str_eq(f->values[0].text, "total");
		cr_expect_float_eq(f->values[1].number, 6500, 1e-9);
		cr_expect_float_eq(f->values[2].number, 6400, 1e-9);
	}
	budtab_internal_destroy(in);
	budtab_report_destroy(r);
}

Test(check, internal_in_yuan_and_mapped_json)
{
	struct budtab_error err = { 0 };
	struct budtab_report *r = budtab_report_create(patterns);
	struct budtab_internal *yuan = budtab_internal_load(TEST_DATA_DIR "/check/internal-yuan.tsv",
		NULL, true, patterns, &err);
	struct budtab_internal *mapped;
	g_autofree char *p1 = NULL, *p3 = NULL, *p4 = NULL;

	cr_assert_not_null(yuan, "%s", err.message);
	cr_assert(budtab_report_check_file(r, "corpus/huailai-2024-zrzy.expected.json", NULL, &err));
	budtab_report_compare(r, yuan);
	p1 = codes_of(r, 1);
	cr_expect_str_eq(p1, "internal-matched");
	budtab_internal_destroy(yuan);
	budtab_report_destroy(r);

	r = budtab_report_create(patterns);
	mapped = budtab_internal_load(TEST_DATA_DIR "/check/internal-mapped.json",
		TEST_DATA_DIR "/check/internal.map", false, patterns, &err);
	cr_assert_not_null(mapped, "%s", err.message);
	cr_assert(budtab_report_check_file(r, "corpus/huailai-2024-zrzy.expected.json", NULL, &err));
	budtab_report_compare(r, mapped);
	p3 = codes_of(r, 3);
	p4 = codes_of(r, 4);
	cr_expect_str_eq(p3, "internal-matched");
	cr_expect_str_eq(p4, "internal-differs target-no-number");
	budtab_internal_destroy(mapped);
	budtab_report_destroy(r);
}

/* Every corpus/NAME.check.json: the PDF and its gold JSON give exactly
 * the planted codes, project by project. */
Test(check, planted_corpus_findings, .timeout = 300)
{
	GDir *dir = g_dir_open("corpus", 0, NULL);
	const char *name;
	int docs = 0;

	cr_assert_not_null(dir);
	while ((name = g_dir_read_name(dir))) {
		g_autofree char *path = NULL, *data = NULL, *stem = NULL;
		g_autofree char *pdf = NULL, *gold_json = NULL;
		const cJSON *projects, *p;
		const char *inputs[2];
		cJSON *gold;

		if (!g_str_has_suffix(name, ".check.json"))
			continue;
		stem = g_strndup(name, strlen(name) - strlen(".check.json"));
		path = g_build_filename("corpus", name, NULL);
		pdf = g_strdup_printf("corpus/%s.pdf", stem);
		gold_json = g_strdup_printf("corpus/%s.expected.json", stem);
		inputs[0] = pdf;
		inputs[1] = gold_json;
		cr_assert(g_file_get_contents(path, &data, NULL, NULL));
		gold = cJSON_Parse(data);
		projects = cJSON_GetObjectItemCaseSensitive(gold, "projects");
		cr_assert(cJSON_IsArray(projects), "%s", path);
		for (int k = 0; k < 2; k++) {
			struct budtab_report *r = budtab_report_create(patterns);
			struct budtab_error err = { 0 };

			cr_assert(budtab_report_check_file(r, inputs[k], NULL, &err), "%s: %s",
				inputs[k], err.message);
			cr_expect_eq(budtab_report_n_projects(r), (size_t)cJSON_GetArraySize(projects),
				"%s", inputs[k]);
			cJSON_ArrayForEach(p, projects) {
				int seq = cJSON_GetObjectItemCaseSensitive(p, "seq")->valueint;
				const cJSON *c;
				g_autoptr(GPtrArray) codes = g_ptr_array_new();
				g_autofree char *got = codes_of(r, seq), *want = NULL;

				cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(p, "findings"))
					g_ptr_array_add(codes, c->valuestring);
				g_ptr_array_sort(codes, cmp_str);
				g_ptr_array_add(codes, NULL);
				want = g_strjoinv(" ", (char **)codes->pdata);
				cr_expect_str_eq(got, want, "%s: project %d: want [%s], got [%s]",
					inputs[k], seq, want, got);
			}
			budtab_report_destroy(r);
		}
		cJSON_Delete(gold);
		docs++;
	}
	g_dir_close(dir);
	cr_expect(docs >= 1, "no corpus/*.check.json");
}

/* The seed's real anomalies, from the PDF rendition and from the
 * damaged text dump: the 10/30/30/30 schedules of its last three tables
 * and the bare % target of table 4. */
Test(check, seed_anomalies_are_found, .timeout = 300)
{
	const char *inputs[] = { "corpus/huailai-2024-zrzy.pdf",
		TEST_DATA_DIR "/text/huailai-2024-zrzy.txt" };

	for (int k = 0; k < 2; k++) {
		struct budtab_report *r = budtab_report_create(patterns);
		struct budtab_error err = { 0 };

		cr_assert(budtab_report_check_file(r, inputs[k], NULL, &err), "%s", err.message);
		for (int seq = 5; seq <= 7; seq++) {
			g_autofree char *got = codes_of(r, seq);

			cr_expect(strstr(got, "schedule-not-cumulative"), "%s: project %d: %s",
				inputs[k], seq, got);
		}
		{
			g_autofree char *got = codes_of(r, 4);

			cr_expect_str_eq(got, "target-no-number", "%s", inputs[k]);
		}
		{
			g_autofree char *p1 = codes_of(r, 1);

			cr_expect_str_eq(p1, "", "%s", inputs[k]);
		}
		cr_expect_eq(budtab_report_count(r, BUDTAB_FINDING), 9, "%s", inputs[k]);
		budtab_report_destroy(r);
	}
}

/* Internal records with a repeated code, a cell that is no number, a row
 * without a code and a matching total row. */
Test(check, internal_records_that_are_themselves_wrong)
{
	static const char csv[] = "code,name,total\n"
		"13072525P000401100017,测试项目,100\n"
		"13072525P000401100017,测试项目,90\n"
		"13072525P000999000001,别的,一百\n"
		",没有编码,5\n"
		",合计,100\n";
	const char *json = ONE("100", "100", "null", SCHED_OK, CLEAN_INDS);
	struct budtab_report *r = budtab_report_create(patterns);
	struct budtab_internal in;
	struct budtab_error err = { 0 };
	g_autofree char *file = NULL, *p1 = NULL;

	cr_assert(parse(csv, sizeof csv - 1, NULL, false, &in, &err), "%s", err.message);
	in.path = g_strdup("mem.csv");
	cr_assert(budtab_report_check_json(r, "test.json", json, strlen(json), &err));
	budtab_report_compare(r, &in);
	p1 = codes_of(r, 1);
	cr_expect_str_eq(p1, "internal-matched");
	file = codes_of(r, 0);
	cr_expect_str_eq(file, "department-total-matched internal-duplicate "
		"internal-no-code internal-unreadable");
	internal_finish(&in);
	budtab_report_destroy(r);
}

/* A budtab build database made with the sqlite3 program (the tests do
 * not include sqlite3.h): ok rows are read, others skipped, a row that
 * is not budtab/1 is a finding, codes repeat across documents. */
Test(check, database_rows_are_checked, .timeout = 60)
{
	g_autofree char *dir = g_dir_make_tmp("budtab-check-XXXXXX", NULL);
	g_autofree char *db = g_build_filename(dir, "b.sqlite", NULL);
	g_autofree char *sql = g_strdup_printf(
		"CREATE TABLE documents (path TEXT, status TEXT, record_json TEXT);"
		"INSERT INTO documents VALUES ('a.pdf', 'ok', readfile('%s'));"
		"INSERT INTO documents VALUES ('b.pdf', 'ok', readfile('%s'));"
		"INSERT INTO documents VALUES ('c.pdf', 'failed', NULL);"
		"INSERT INTO documents VALUES ('d.pdf', 'ok', 'not json');",
		"corpus/huailai-2024-zrzy.expected.json", "corpus/rl-planted-checks-wqy.expected.json");
	char *argv[] = { "sqlite3", db, sql, NULL };
	struct budtab_report *r = budtab_report_create(patterns);
	struct budtab_error err = { 0 };
	g_autofree char *all = NULL;
	gint status = 1;

	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
			NULL, NULL, NULL, NULL, &status, NULL) || status != 0)
		cr_skip_test("no sqlite3 program");
	cr_assert(budtab_report_check_file(r, db, NULL, &err), "%s", err.message);
	cr_expect_eq(budtab_report_n_projects(r), 11);
	all = codes_of(r, 0);
	cr_expect_str_eq(all, "db-unreadable");
	cr_expect(g_str_has_suffix(budtab_report_group(r, 0)->source, "b.sqlite:a.pdf"));
	/* the planted document's own duplicate only: the seed's codes differ */
	cr_expect_eq(budtab_report_count(r, BUDTAB_FINDING), 9 + 12 + 1);
	budtab_report_destroy(r);
	g_unlink(db);
	g_rmdir(dir);
}
