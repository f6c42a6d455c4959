/* budtab check: what a reviewer at a finance bureau flags in a published
 * performance-goal table, and how it stands against the user's own
 * records.  Works on struct records only; the codes are listed in
 * docs/check.md. */
#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "doc.h"
#include "patterns.h"
#include "source_json.h"

#define MAX_CHECK_FILE (256u << 20)
/* Half a unit of 0.01 万元, the precision amounts are printed to. */
#define AMOUNT_TOL 0.005
#define EPS 1e-9

struct group {
	struct budtab_group pub;
	GArray *findings;             /* struct budtab_finding */
	bool published;               /* a project of a checked document */
	char *code_key, *name_key;
	struct amount total, fiscal, other;
	bool has_pct[13];
	double pct[13];
	bool matched;
};

struct budtab_report {
	const struct budtab_patterns *p;
	GPtrArray *groups;            /* struct group * */
	size_t n_projects;
	GHashTable *codes;            /* code key -> struct group *, this batch */
};

static void
group_free(gpointer data)
{
	struct group *g = data;

	for (guint i = 0; i < g->findings->len; i++) {
		struct budtab_finding *f = &g_array_index(g->findings, struct budtab_finding, i);

		g_free((char *)f->message);
		for (size_t k = 0; k < f->n_values; k++)
			g_free((char *)f->values[k].text);
		g_free((struct budtab_value *)f->values);
	}
	g_array_free(g->findings, TRUE);
	g_free((char *)g->pub.source);
	g_free((char *)g->pub.project);
	g_free((char *)g->pub.name);
	g_free(g->code_key);
	g_free(g->name_key);
	g_free(g);
}

struct budtab_report *
budtab_report_create(const struct budtab_patterns *patterns)
{
	struct budtab_report *r = g_new0(struct budtab_report, 1);

	r->p = patterns;
	r->groups = g_ptr_array_new_with_free_func(group_free);
	r->codes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return r;
}

void
budtab_report_destroy(struct budtab_report *r)
{
	if (!r)
		return;
	g_ptr_array_free(r->groups, TRUE);
	g_hash_table_destroy(r->codes);
	g_free(r);
}

void
check_begin_batch(struct budtab_report *r)
{
	g_hash_table_remove_all(r->codes);
}

static struct group *
group_add(struct budtab_report *r, const char *source, int seq,
	const char *code, const char *name, int page)
{
	struct group *g = g_new0(struct group, 1);

	g->findings = g_array_new(FALSE, TRUE, sizeof(struct budtab_finding));
	g->pub.source = g_strdup(source);
	g->pub.seq = seq;
	g->pub.project = g_strdup(code);
	g->pub.name = g_strdup(name);
	g->pub.page = page;
	g_ptr_array_add(r->groups, g);
	return g;
}

/* Appends a finding; the pointer is valid until the next one. */
static struct budtab_finding *
finding(struct group *g, const char *code, enum budtab_severity sev, int page,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct budtab_finding *
finding(struct group *g, const char *code, enum budtab_severity sev, int page,
	const char *fmt, ...)
{
	struct budtab_finding f = { code, sev, page > 0 ? page : g->pub.page, NULL, NULL, 0 };
	va_list ap;

	va_start(ap, fmt);
	f.message = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_array_append_val(g->findings, f);
	g->pub.findings = (const struct budtab_finding *)(void *)g->findings->data;
	g->pub.n_findings = g->findings->len;
	return &g_array_index(g->findings, struct budtab_finding, g->findings->len - 1);
}

static void
value_add(struct budtab_finding *f, const char *name, const char *text,
	bool is_number, double number)
{
	struct budtab_value *v = g_renew(struct budtab_value,
		(struct budtab_value *)f->values, f->n_values + 1);

	v[f->n_values] = (struct budtab_value){ name, g_strdup(text), is_number, number };
	f->values = v;
	f->n_values++;
}

static void
val_num(struct budtab_finding *f, const char *name, double v)
{
	value_add(f, name, NULL, true, round(v * 1e6) / 1e6);
}

static void
val_text(struct budtab_finding *f, const char *name, const char *text)
{
	value_add(f, name, text, false, 0);
}

static void
val_amount(struct budtab_finding *f, const char *name, const struct amount *a)
{
	if (a->present)
		val_num(f, name, a->value);
	else
		val_text(f, name, NULL);
}

/* A number as printed without trailing zeros: 2600, 103.2. */
static const char *
num(char buf[40], double v)
{
	char *dot;

	snprintf(buf, 40, "%.4f", v);
	dot = strchr(buf, '.');
	if (dot) {
		char *end = buf + strlen(buf) - 1;

		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*end = '\0';
	}
	return buf;
}

/* Decimals a number shows (up to 6). */
static int
decimals(double v)
{
	for (int d = 0; d < 6; d++) {
		double s = v * pow(10, d);

		if (fabs(s - round(s)) < 1e-6 * fmax(1, fabs(s)))
			return d;
	}
	return 6;
}

static bool
matches(const struct budtab_report *r, const char *key, const char *text)
{
	return text && patterns_match(r->p, key, text, NULL);
}

static void
check_budget(struct budtab_report *r, struct group *g, const struct project *p)
{
	double fiscal = p->fiscal.present ? p->fiscal.value : 0;
	double other = p->other.present ? p->other.value : 0;
	int d = MAX(2, MAX(decimals(p->total.value), MAX(decimals(fiscal), decimals(other))));
	int terms = 1 + p->fiscal.present + p->other.present;
	double tol = 0.5 * pow(10, -d) * terms + EPS, diff;
	char a[40], b[40], c[40], e[40];
	struct budtab_finding *f;

	if (!p->total.present) {
		f = finding(g, "budget-missing", BUDTAB_FINDING, p->total.src.page,
			"预算数 is empty");
		val_amount(f, "total", &p->total);
		return;
	}
	if (!p->fiscal.present && !p->other.present)
		return;
	diff = p->total.value - (fiscal + other);
	if (fabs(diff) <= tol)
		return;
	f = finding(g, "budget-sum", BUDTAB_FINDING, p->total.src.page,
		"预算数 %s ≠ 财政资金 %s + 其他资金 %s (off by %s 万元)",
		num(a, p->total.value), num(b, fiscal), num(c, other), num(e, diff));
	val_amount(f, "total", &p->total);
	val_amount(f, "fiscal", &p->fiscal);
	val_amount(f, "other", &p->other);
	val_num(f, "difference", diff);
	val_num(f, "tolerance", tol);
}

static void
check_schedule(struct budtab_report *r, struct group *g, const struct project *p)
{
	size_t n = p->n_schedule;
	int ncum = 0, nper = 0, d = 0, page = n ? p->schedule[0].src.page : 0;
	bool nondecr = true, in_range = true, cum_ok, per_ok;
	double sum = 0, last;
	size_t fall = 0;
	GString *series = g_string_new(NULL);
	const char *reading;
	char a[40], b[40];
	struct budtab_finding *f = NULL;

	if (n == 0) {
		g_string_free(series, TRUE);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct period *per = &p->schedule[i];

		if (!per->has_percent) {
			f = finding(g, "schedule-missing-percent", BUDTAB_FINDING, page,
				"资金支出计划: period %s has no percentage",
				per->label ? per->label : "(unlabelled)");
			val_text(f, "period", per->label);
			g_string_free(series, TRUE);
			return;
		}
		ncum += matches(r, "check.schedule.cumulative", per->label);
		nper += matches(r, "check.schedule.per-period", per->label);
		d = MAX(d, decimals(per->percent));
		sum += per->percent;
		in_range = in_range && per->percent >= -EPS && per->percent <= 100 + EPS;
		if (i > 0 && per->percent < p->schedule[i - 1].percent - EPS && nondecr) {
			nondecr = false;
			fall = i;
		}
		g_string_append_printf(series, "%s%s", i ? "/" : "", num(a, per->percent));
	}
	last = p->schedule[n - 1].percent;
	cum_ok = nondecr && in_range && fabs(last - 100) < 1e-6;
	per_ok = in_range && fabs(sum - 100) <= 0.5 * pow(10, -d) * (double)n + EPS;
	if (ncum > nper) {
		reading = "cumulative";
		if (!cum_ok) {
			GString *why = g_string_new(NULL);

			if (!nondecr)
				g_string_printf(why, "they fall from %s%% (%s) to %s%% (%s)",
					num(a, p->schedule[fall - 1].percent),
					p->schedule[fall - 1].label ? p->schedule[fall - 1].label : "?",
					num(b, p->schedule[fall].percent),
					p->schedule[fall].label ? p->schedule[fall].label : "?");
			else if (!in_range)
				g_string_printf(why, "a percentage is outside 0-100");
			else
				g_string_printf(why, "they end at %s%%, not 100%%", num(a, last));
			f = finding(g, "schedule-not-cumulative", BUDTAB_FINDING, page,
				"资金支出计划 %s%%: read as cumulative (labels like %s), but %s; "
				"as shares per period they sum to %s%s",
				series->str, p->schedule[n - 1].label ? p->schedule[n - 1].label : "?",
				why->str, num(b, sum), per_ok ? "" : ", not 100 either");
			g_string_free(why, TRUE);
		}
	} else if (nper > ncum) {
		reading = "per-period";
		if (!per_ok)
			f = finding(g, "schedule-not-per-period", BUDTAB_FINDING, page,
				"资金支出计划 %s%%: read as shares per period (labels like %s), "
				"but they sum to %s%%, not 100%%%s",
				series->str, p->schedule[0].label ? p->schedule[0].label : "?",
				num(a, sum), cum_ok ? "; as cumulative they would end at 100" : "");
	} else {
		reading = nondecr ? "cumulative" : "per-period";
		if (!cum_ok && !per_ok)
			f = finding(g, "schedule-neither", BUDTAB_FINDING, page,
				"资金支出计划 %s%%: neither cumulative (rising to 100) nor per "
				"period (summing to 100, here %s); read as %s",
				series->str, num(a, sum), reading);
	}
	if (f) {
		val_text(f, "percent", series->str);
		val_text(f, "reading", reading);
		val_num(f, "sum", sum);
		val_num(f, "last", last);
	}
	g_string_free(series, TRUE);
}

enum kind { KIND_OTHER, KIND_COST, KIND_QUANTITY, KIND_SATISFACTION };

static enum kind
indicator_kind(const struct budtab_report *r, const struct indicator *ind)
{
	if (matches(r, "check.cost", ind->level2.text) ||
	    matches(r, "check.cost", ind->level1.text))
		return KIND_COST;
	if (matches(r, "check.quantity", ind->level2.text))
		return KIND_QUANTITY;
	if (matches(r, "check.satisfaction", ind->level2.text) ||
	    matches(r, "check.satisfaction", ind->level1.text))
		return KIND_SATISFACTION;
	return KIND_OTHER;
}

static const char *const kind_names[] = { "other", "cost", "quantity", "satisfaction" };

static const char *
indicator_name(const struct indicator *ind)
{
	return ind->level3.text ? ind->level3.text :
		ind->description.text ? ind->description.text :
		ind->level2.text ? ind->level2.text : "(unnamed)";
}

static void
val_indicator(struct budtab_finding *f, const struct indicator *ind)
{
	val_text(f, "level1", ind->level1.text);
	val_text(f, "level2", ind->level2.text);
	val_text(f, "level3", ind->level3.text);
	val_text(f, "target", ind->target.text);
}

static void
check_targets(struct budtab_report *r, struct group *g, const struct project *p)
{
	GArray *cost = g_array_new(FALSE, FALSE, sizeof(size_t));
	GArray *amounts = g_array_new(FALSE, FALSE, sizeof(double));
	double sum = 0;
	char a[40], b[40];
	bool over = false;
	guint n_unit = 0;

	for (size_t i = 0; i < p->n_indicators; i++) {
		const struct indicator *ind = &p->indicators[i];
		enum kind kind = indicator_kind(r, ind);
		g_autofree char *key = patterns_key_form(ind->target.text);
		int page = ind->target.src.page;
		struct budtab_finding *f;

		if (!ind->level3.text && !ind->description.text && (!key || !*key))
			continue; /* a level with no indicator: check_levels */
		if (!key || !*key) {
			f = finding(g, "target-empty", BUDTAB_FINDING, page,
				"%s: 指标值 is empty", indicator_name(ind));
			val_indicator(f, ind);
		} else if (!ind->target.has_value) {
			g_autofree char *qkey = g_strconcat("check.qualitative.",
				kind_names[kind], NULL);

			if (matches(r, "check.bare-unit", key)) {
				f = finding(g, "target-no-number", BUDTAB_FINDING, page,
					"%s: 指标值 '%s' is a unit without a number",
					indicator_name(ind), ind->target.text);
				val_indicator(f, ind);
			} else if (kind != KIND_OTHER && matches(r, qkey, key)) {
				f = finding(g, "target-qualitative", BUDTAB_FINDING, page,
					"%s: 指标值 '%s' has no number, and a %s indicator needs one",
					indicator_name(ind), ind->target.text, kind_names[kind]);
				val_indicator(f, ind);
				val_text(f, "kind", kind_names[kind]);
			}
		} else if (kind == KIND_COST) {
			const char *factor = ind->target.unit ?
				patterns_classify(r->p, "check.money.", ind->target.unit, NULL) : NULL;

			if (matches(r, "check.percent", ind->target.unit)) {
				f = finding(g, "cost-target-percent", BUDTAB_FINDING, page,
					"%s: a cost indicator's 指标值 '%s' is a percentage, not an amount",
					indicator_name(ind), ind->target.text);
				val_indicator(f, ind);
			} else if (factor) {
				double v = ind->target.value * g_ascii_strtod(factor, NULL);

				g_array_append_val(cost, i);
				g_array_append_val(amounts, v);
				if (matches(r, "check.unit-cost", ind->level3.text) ||
				    matches(r, "check.unit-cost", ind->description.text) ||
				    matches(r, "check.unit-cost", ind->target.unit))
					n_unit++;
				else
					sum += v;
			}
		}
	}
	if (p->total.present && cost->len > 0) {
		for (guint k = 0; k < cost->len; k++) {
			const struct indicator *ind = &p->indicators[g_array_index(cost, size_t, k)];
			double v = g_array_index(amounts, double, k);
			struct budtab_finding *f;

			if (v <= p->total.value + 2 * AMOUNT_TOL + EPS)
				continue;
			over = true;
			f = finding(g, "cost-over-budget", BUDTAB_FINDING, ind->target.src.page,
				"%s: cost target '%s' (%s 万元) is larger than the 预算数 %s 万元",
				indicator_name(ind), ind->target.text, num(a, v),
				num(b, p->total.value));
			val_indicator(f, ind);
			val_num(f, "amount", v);
			val_amount(f, "total", &p->total);
		}
		/* Costs per unit are only held below the budget. */
		if (!over && cost->len > n_unit && fabs(sum - p->total.value) >
				AMOUNT_TOL * (cost->len + 1) + EPS) {
			const struct indicator *ind = &p->indicators[g_array_index(cost, size_t, 0)];
			bool several = cost->len - n_unit > 1;
			struct budtab_finding *f = finding(g, "cost-differs-budget",
				BUDTAB_FINDING, ind->target.src.page,
				"%s: cost target%s %s 万元 differ%s from the 预算数 %s 万元",
				indicator_name(ind), several ? "s add up to" : "",
				num(a, sum), several ? "" : "s", num(b, p->total.value));

			val_indicator(f, ind);
			val_num(f, "amount", sum);
			val_amount(f, "total", &p->total);
		}
	}
	g_array_free(cost, TRUE);
	g_array_free(amounts, TRUE);
}

static void
check_levels(struct budtab_report *r, struct group *g, const struct project *p)
{
	const char **required;
	struct budtab_finding *f;

	if (p->n_indicators == 0) {
		finding(g, "indicators-missing", BUDTAB_FINDING, g->pub.page,
			"the project has no indicator");
		return;
	}
	required = patterns_keys(r->p, "check.required.");
	for (const char **name = required; *name; name++) {
		g_autofree char *key = g_strconcat("check.required.", *name, NULL);
		bool found = false;

		for (size_t i = 0; i < p->n_indicators && !found; i++)
			found = matches(r, key, p->indicators[i].level1.text);
		if (!found) {
			f = finding(g, "level-missing", BUDTAB_FINDING, g->pub.page,
				"no %s: the table has no indicator at this level", *name);
			val_text(f, "level1", *name);
		}
	}
	g_free(required);
	for (size_t i = 0; i < p->n_indicators; i++) {
		const struct indicator *ind = &p->indicators[i];
		g_autofree char *key = patterns_key_form(ind->target.text);

		if (ind->level3.text || ind->description.text || (key && *key))
			continue;
		f = finding(g, "level-empty", BUDTAB_FINDING, ind->level1.src.page,
			"%s%s%s has no indicator in it",
			ind->level1.text ? ind->level1.text : "",
			ind->level1.text && ind->level2.text ? "/" : "",
			ind->level2.text ? ind->level2.text : "");
		val_text(f, "level1", ind->level1.text);
		val_text(f, "level2", ind->level2.text);
	}
}

static void
check_code(struct budtab_report *r, struct group *g, const struct project *p,
	int year)
{
	struct pmatch *m = NULL;
	struct group *first;
	struct budtab_finding *f;

	if (!g->code_key || !*g->code_key) {
		finding(g, "code-missing", BUDTAB_FINDING, g->pub.page, "项目编码 is empty");
		return;
	}
	if (patterns_has(r->p, "check.code")) {
		if (!patterns_match(r->p, "check.code", g->code_key, &m)) {
			f = finding(g, "code-shape", BUDTAB_FINDING, p->code.src.page,
				"项目编码 '%s' does not have the shape of the coding scheme "
				"(patterns/checks.pat, check.code)", p->code.text);
			val_text(f, "code", p->code.text);
		} else {
			g_autofree char *yy = pmatch_group(m, "year");

			if (yy && year > 0 && atoi(yy) != year % 100) {
				f = finding(g, "code-year", BUDTAB_FINDING, p->code.src.page,
					"项目编码 '%s' names the year 20%s, the document %d",
					p->code.text, yy, year);
				val_text(f, "code", p->code.text);
				val_num(f, "year", year);
			}
		}
		pmatch_destroy(m);
	}
	first = g_hash_table_lookup(r->codes, g->code_key);
	if (first) {
		f = finding(g, "code-duplicate", BUDTAB_FINDING, p->code.src.page,
			"项目编码 '%s' is project %d's too%s%s", p->code.text,
			first->pub.seq, strcmp(first->pub.source, g->pub.source) ? " in " : "",
			strcmp(first->pub.source, g->pub.source) ? first->pub.source : "");
		val_text(f, "code", p->code.text);
		val_num(f, "other_seq", first->pub.seq);
		val_text(f, "other_source", first->pub.source);
	} else {
		g_hash_table_insert(r->codes, g_strdup(g->code_key), g);
	}
}

void
check_records(struct budtab_report *r, const char *source,
	const struct records *rec)
{
	for (size_t i = 0; i < rec->n_projects; i++) {
		const struct project *p = &rec->projects[i];
		struct group *g = group_add(r, source, p->seq ? p->seq : (int)i + 1,
			p->code.text, p->name.text, p->n_pages ? p->pages[0] : p->code.src.page);

		r->n_projects++;
		g->published = true;
		g->code_key = patterns_key_form(p->code.text);
		g->name_key = patterns_key_form(p->name.text);
		g->total = p->total;
		g->fiscal = p->fiscal;
		g->other = p->other;
		for (size_t k = 0; k < p->n_schedule; k++) {
			int m = p->schedule[k].month;

			if (m >= 1 && m <= 12 && p->schedule[k].has_percent) {
				g->has_pct[m] = true;
				g->pct[m] = p->schedule[k].percent;
			}
		}
		check_code(r, g, p, rec->year);
		check_budget(r, g, p);
		check_schedule(r, g, p);
		check_levels(r, g, p);
		check_targets(r, g, p);
	}
	if (rec->n_projects == 0) {
		struct group *g = group_add(r, source, 0, NULL, NULL, 0);

		finding(g, "no-projects", BUDTAB_NOTE, 0,
			"no performance-goal table was found: nothing to check");
	}
}

bool
budtab_report_check_json(struct budtab_report *r, const char *source,
	const char *buf, size_t len, struct budtab_error *err)
{
	struct records rec;

	if (!source_json_records(buf, len, &rec, err))
		return false;
	check_begin_batch(r);
	check_records(r, source, &rec);
	records_finish(&rec);
	return true;
}

struct db_walk {
	struct budtab_report *r;
	const char *path;
};

static bool
db_document(void *user, const char *doc_path, const char *json, size_t len)
{
	struct db_walk *w = user;
	g_autofree char *source = g_strdup_printf("%s:%s", w->path, doc_path);
	struct budtab_error err = { 0 };
	struct records rec;

	if (!source_json_records(json, len, &rec, &err)) {
		struct group *g = group_add(w->r, source, 0, NULL, NULL, 0);
		struct budtab_finding *f = finding(g, "db-unreadable", BUDTAB_FINDING, 0,
			"the database's record_json cannot be read: %s", err.message);

		val_text(f, "path", doc_path);
		return true;
	}
	check_records(w->r, source, &rec);
	records_finish(&rec);
	return true;
}

bool
budtab_report_check_file(struct budtab_report *r, const char *path,
	const struct budtab_options *options, struct budtab_error *err)
{
	unsigned char head[16] = { 0 };
	size_t n, k = 0;
	FILE *f = fopen(path, "rb");
	struct budtab_doc *doc;

	if (!f) {
		error_set(err, BUDTAB_ERR_IO, "%s", g_strerror(errno));
		return false;
	}
	n = fread(head, 1, sizeof head, f);
	fclose(f);
	if (n == sizeof head && memcmp(head, "SQLite format 3", 16) == 0) {
		struct db_walk w = { r, path };

		check_begin_batch(r);
		return source_db_each(path, db_document, &w, err);
	}
	if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
		k = 3;
	while (k < n && g_ascii_isspace(head[k]))
		k++;
	if (k < n && head[k] == '{') {
		g_autofree char *data = NULL;
		g_autoptr(GError) gerr = NULL;
		gsize len;

		if (!g_file_get_contents(path, &data, &len, &gerr)) {
			error_set(err, BUDTAB_ERR_IO, "%s", gerr->message);
			return false;
		}
		/* A BOM is no part of the JSON. */
		k = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
		return budtab_report_check_json(r, path, data + k, len - k, err);
	}
	doc = budtab_doc_open(path, options, err);
	if (!doc)
		return false;
	if (!budtab_doc_extract(doc, r->p, err)) {
		budtab_doc_destroy(doc);
		return false;
	}
	check_begin_batch(r);
	check_records(r, path, &doc->records);
	budtab_doc_destroy(doc);
	return true;
}

struct budtab_internal *
budtab_internal_load(const char *path, const char *map_path, bool yuan,
	const struct budtab_patterns *patterns, struct budtab_error *err)
{
	g_autofree char *data = NULL, *mapdata = NULL;
	g_autoptr(GError) gerr = NULL;
	struct internal_map *map = NULL;
	struct budtab_internal *in;
	gsize len, maplen;
	bool ok;

	if (!g_file_get_contents(path, &data, &len, &gerr)) {
		error_set(err, BUDTAB_ERR_IO, "%s", gerr->message);
		return NULL;
	}
	if (map_path) {
		if (!g_file_get_contents(map_path, &mapdata, &maplen, &gerr)) {
			error_set(err, BUDTAB_ERR_IO, "%s", gerr->message);
			return NULL;
		}
		map = internal_map_parse(mapdata, maplen, err);
		if (!map)
			return NULL;
	}
	in = g_new0(struct budtab_internal, 1);
	ok = internal_parse(data, len, patterns, map, yuan, in, err);
	internal_map_destroy(map);
	if (!ok) {
		g_free(in);
		return NULL;
	}
	in->path = g_strdup(path);
	return in;
}

void
budtab_internal_destroy(struct budtab_internal *in)
{
	if (!in)
		return;
	internal_finish(in);
	g_free(in);
}

static const char *const amount_names[] = { "total", "fiscal", "other" };

/* One field compared; a finding when it differs. */
static bool
compare_amount(struct group *g, const char *field, const struct amount *pub,
	bool null_is_zero, double internal, double tol, const char *internal_path)
{
	double pv = pub->present ? pub->value : 0;
	char a[40], b[40];
	struct budtab_finding *f;

	if ((pub->present || null_is_zero) && fabs(pv - internal) <= tol + EPS)
		return true;
	f = finding(g, "internal-differs", BUDTAB_FINDING, g->pub.page,
		"%s: published %s, internal %s", field,
		pub->present ? num(a, pub->value) : "null", num(b, internal));
	val_text(f, "field", field);
	val_amount(f, "published", pub);
	val_num(f, "internal", internal);
	val_text(f, "internal_file", internal_path);
	return false;
}

void
budtab_report_compare(struct budtab_report *r, const struct budtab_internal *in)
{
	GHashTable *index = g_hash_table_new(g_str_hash, g_str_equal);
	bool *used = g_new0(bool, in->rows->len + 1);
	struct group *file = NULL;
	double published_sum = 0;
	guint n_groups = r->groups->len;
	char a[40], b[40];
	const char *line = in->json ? "record" : "line";

#define FILE_GROUP() (file ? file : (file = group_add(r, in->path, 0, NULL, NULL, 0)))
	for (guint i = 0; i < in->rows->len; i++) {
		struct internal_row *row = &g_array_index(in->rows, struct internal_row, i);
		struct budtab_finding *f;

		if (row->bad) {
			f = finding(FILE_GROUP(), "internal-unreadable", BUDTAB_FINDING, 0,
				"%s %d: %s is not a number", line, row->line, row->bad);
			val_num(f, "line", row->line);
			val_text(f, "cell", row->bad);
		}
		if (!row->code)
			continue;
		if (g_hash_table_contains(index, row->code)) {
			const struct internal_row *prev = g_hash_table_lookup(index, row->code);

			f = finding(FILE_GROUP(), "internal-duplicate", BUDTAB_FINDING, 0,
				"%s %d repeats the code %s of %s %d; the first is used",
				line, row->line, row->code, line, prev->line);
			val_text(f, "code", row->code);
			val_num(f, "line", row->line);
			used[i] = true;
			continue;
		}
		g_hash_table_insert(index, row->code, row);
	}
	for (guint i = 0; i < n_groups; i++) {
		struct group *g = r->groups->pdata[i];
		struct internal_row *row;
		bool same = true;

		if (!g->published)
			continue;
		if (g->total.present)
			published_sum += g->total.value;
		row = g->code_key && *g->code_key ? g_hash_table_lookup(index, g->code_key) : NULL;
		if (!row) {
			finding(g, "only-published", BUDTAB_FINDING, g->pub.page,
				"not in the internal records %s", in->path);
			continue;
		}
		used[row - &g_array_index(in->rows, struct internal_row, 0)] = true;
		if (in->has_name && row->name) {
			g_autofree char *key = patterns_key_form(row->name);

			if (!g->name_key || strcmp(key, g->name_key) != 0) {
				struct budtab_finding *f = finding(g, "internal-differs",
					BUDTAB_FINDING, g->pub.page, "name: published '%s', internal '%s'",
					g->pub.name ? g->pub.name : "null", row->name);

				val_text(f, "field", "name");
				val_text(f, "published", g->pub.name);
				val_text(f, "internal", row->name);
				val_text(f, "internal_file", in->path);
				same = false;
			}
		}
		for (int k = 0; k < 3; k++) {
			const struct amount *pa = k == 0 ? &g->total : k == 1 ? &g->fiscal : &g->other;

			if (row->has[k])
				same &= compare_amount(g, amount_names[k], pa, k > 0,
					row->value[k], AMOUNT_TOL, in->path);
		}
		for (int m = 1; m <= 12; m++) {
			char field[8];
			struct amount pa = { g->has_pct[m], g->pct[m], { 0 } };

			if (!row->has[INTERNAL_M1 + m - 1])
				continue;
			snprintf(field, sizeof field, "m%d", m);
			same &= compare_amount(g, g_intern_string(field), &pa, false,
				row->value[INTERNAL_M1 + m - 1], AMOUNT_TOL, in->path);
		}
		if (same)
			finding(g, "internal-matched", BUDTAB_NOTE, g->pub.page,
				"matches %s %d of %s", line, row->line, in->path);
	}
	for (guint i = 0; i < in->rows->len; i++) {
		struct internal_row *row = &g_array_index(in->rows, struct internal_row, i);
		struct budtab_finding *f;

		if (used[i])
			continue;
		if (!row->code) {
			if (row->name && row->has[INTERNAL_TOTAL] && r->p &&
			    patterns_match(r->p, "internal.total-row", row->name, NULL)) {
				bool same = fabs(published_sum - row->value[INTERNAL_TOTAL]) <=
					AMOUNT_TOL * (r->n_projects + 1) + EPS;

				f = finding(FILE_GROUP(), same ? "department-total-matched" :
					"department-total-differs", same ? BUDTAB_NOTE : BUDTAB_FINDING, 0,
					"%s %d (%s): internal total %s 万元, published projects add up to %s 万元",
					line, row->line, row->name, num(a, row->value[INTERNAL_TOTAL]),
					num(b, published_sum));
				val_num(f, "internal", row->value[INTERNAL_TOTAL]);
				val_num(f, "published", published_sum);
			} else if (!row->bad) {
				f = finding(FILE_GROUP(), "internal-no-code", BUDTAB_FINDING, 0,
					"%s %d has no project code", line, row->line);
				val_num(f, "line", row->line);
			}
			continue;
		}
		f = finding(group_add(r, in->path, -1, row->code, row->name, 0),
			"only-internal", BUDTAB_FINDING, 0,
			"%s %d: in the internal records only, not published", line, row->line);
		val_num(f, "line", row->line);
	}
#undef FILE_GROUP
	g_free(used);
	g_hash_table_destroy(index);
}

size_t
budtab_report_n_groups(const struct budtab_report *r)
{
	return r->groups->len;
}

const struct budtab_group *
budtab_report_group(const struct budtab_report *r, size_t i)
{
	return i < r->groups->len ? &((struct group *)r->groups->pdata[i])->pub : NULL;
}

size_t
budtab_report_n_projects(const struct budtab_report *r)
{
	return r->n_projects;
}

size_t
budtab_report_count(const struct budtab_report *r, enum budtab_severity sev)
{
	size_t n = 0;

	for (guint i = 0; i < r->groups->len; i++) {
		const struct group *g = r->groups->pdata[i];

		for (guint k = 0; k < g->findings->len; k++)
			n += g_array_index(g->findings, struct budtab_finding, k).severity == sev;
	}
	return n;
}

bool
budtab_report_write_json(const struct budtab_report *r, const char *path,
	struct budtab_error *err)
{
	char *json = sink_json_check(r);
	bool ok = doc_write_file(path, json, strlen(json), err);

	g_free(json);
	return ok;
}
