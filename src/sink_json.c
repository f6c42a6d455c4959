/* Records and grids -> JSON (budtab/1, budtab-grids/1) and CSV.  The
 * only file that includes cJSON. */
#include <cjson/cJSON.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "check.h"
#include "doc.h"

static cJSON *
str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* Numbers keep at most the printed precision: 2600.00 -> 2600. */
static cJSON *
number(double v)
{
	return cJSON_CreateNumber(round(v * 1e6) / 1e6);
}

static cJSON *
amount(const struct amount *a)
{
	return a->present ? number(a->value) : cJSON_CreateNull();
}

static cJSON *
source_object(const struct budtab_doc *doc)
{
	cJSON *src = cJSON_CreateObject();

	cJSON_AddItemToObject(src, "file", cJSON_CreateString(doc->path));
	cJSON_AddItemToObject(src, "sha256", cJSON_CreateString(doc->sha256));
	cJSON_AddItemToObject(src, "input", cJSON_CreateString(
		doc->input == BUDTAB_INPUT_PDF ? "pdf" : "text"));
	cJSON_AddItemToObject(src, "pages", doc->input == BUDTAB_INPUT_PDF ?
		cJSON_CreateNumber(doc->n_pages) : cJSON_CreateNull());
	return src;
}

static cJSON *
indicator_object(const struct indicator *ind)
{
	cJSON *o = cJSON_CreateObject(), *t = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "level1", str_or_null(ind->level1.text));
	cJSON_AddItemToObject(o, "level2", str_or_null(ind->level2.text));
	cJSON_AddItemToObject(o, "level3", str_or_null(ind->level3.text));
	cJSON_AddItemToObject(o, "description", str_or_null(ind->description.text));
	cJSON_AddItemToObject(t, "text", str_or_null(ind->target.text));
	cJSON_AddItemToObject(t, "op", str_or_null(ind->target.op));
	cJSON_AddItemToObject(t, "value", ind->target.has_value ?
		number(ind->target.value) : cJSON_CreateNull());
	cJSON_AddItemToObject(t, "unit", str_or_null(ind->target.unit));
	cJSON_AddItemToObject(o, "target", t);
	cJSON_AddItemToObject(o, "basis", str_or_null(ind->basis.text));
	if (ind->n_extra > 0) {
		cJSON *extra = cJSON_CreateObject();

		for (size_t i = 0; i < ind->n_extra; i++)
			cJSON_AddItemToObject(extra, ind->extra[i].header,
				str_or_null(ind->extra[i].text));
		cJSON_AddItemToObject(o, "extra", extra);
	}
	return o;
}

static cJSON *
project_object(const struct budtab_doc *doc, const struct project *p)
{
	cJSON *o = cJSON_CreateObject(), *budget = cJSON_CreateObject();
	cJSON *pages, *sched = cJSON_CreateArray(), *goals = cJSON_CreateArray();
	cJSON *inds = cJSON_CreateArray();

	cJSON_AddItemToObject(o, "seq", cJSON_CreateNumber(p->seq));
	cJSON_AddItemToObject(o, "title", str_or_null(p->title));
	if (doc->input == BUDTAB_INPUT_PDF) {
		pages = cJSON_CreateArray();
		for (size_t i = 0; i < p->n_pages; i++)
			cJSON_AddItemToArray(pages, cJSON_CreateNumber(p->pages[i]));
	} else {
		pages = cJSON_CreateNull();
	}
	cJSON_AddItemToObject(o, "pages", pages);
	cJSON_AddItemToObject(o, "unit_code", str_or_null(p->unit_code));
	cJSON_AddItemToObject(o, "unit_name", str_or_null(p->unit_name));
	cJSON_AddItemToObject(o, "code", str_or_null(p->code.text));
	cJSON_AddItemToObject(o, "name", str_or_null(p->name.text));
	cJSON_AddItemToObject(budget, "total", amount(&p->total));
	cJSON_AddItemToObject(budget, "fiscal", amount(&p->fiscal));
	cJSON_AddItemToObject(budget, "other", amount(&p->other));
	cJSON_AddItemToObject(o, "budget", budget);
	cJSON_AddItemToObject(o, "purpose", str_or_null(p->purpose.text));
	for (size_t i = 0; i < p->n_schedule; i++) {
		const struct period *per = &p->schedule[i];
		cJSON *e = cJSON_CreateObject();

		cJSON_AddItemToObject(e, "label", str_or_null(per->label));
		cJSON_AddItemToObject(e, "month", per->month > 0 ?
			cJSON_CreateNumber(per->month) : cJSON_CreateNull());
		cJSON_AddItemToObject(e, "percent", per->has_percent ?
			number(per->percent) : cJSON_CreateNull());
		cJSON_AddItemToArray(sched, e);
	}
	cJSON_AddItemToObject(o, "schedule", sched);
	for (char **g = p->goals; g && *g; g++)
		cJSON_AddItemToArray(goals, cJSON_CreateString(*g));
	cJSON_AddItemToObject(o, "goals", goals);
	for (size_t i = 0; i < p->n_indicators; i++)
		cJSON_AddItemToArray(inds, indicator_object(&p->indicators[i]));
	cJSON_AddItemToObject(o, "indicators", inds);
	return o;
}

static char *
print_and_free(cJSON *root)
{
	char *s = cJSON_Print(root);
	char *out = g_strconcat(s, "\n", NULL);

	cJSON_free(s);
	cJSON_Delete(root);
	return out;
}

char *
sink_json_records(const struct budtab_doc *doc)
{
	const struct records *r = &doc->records;
	cJSON *root = cJSON_CreateObject(), *d = cJSON_CreateObject();
	cJSON *projects = cJSON_CreateArray(), *warnings = cJSON_CreateArray();

	cJSON_AddItemToObject(root, "format", cJSON_CreateString(BUDTAB_FORMAT));
	cJSON_AddItemToObject(root, "source", source_object(doc));
	cJSON_AddItemToObject(d, "title", str_or_null(r->title));
	cJSON_AddItemToObject(d, "year", r->year > 0 ?
		cJSON_CreateNumber(r->year) : cJSON_CreateNull());
	cJSON_AddItemToObject(d, "department", str_or_null(r->department));
	cJSON_AddItemToObject(root, "document", d);
	for (size_t i = 0; i < r->n_projects; i++)
		cJSON_AddItemToArray(projects, project_object(doc, &r->projects[i]));
	cJSON_AddItemToObject(root, "projects", projects);
	for (guint i = 0; i < doc->warnings->len; i++) {
		const struct warning *w = &g_array_index(doc->warnings, struct warning, i);
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToObject(o, "page", w->page > 0 ?
			cJSON_CreateNumber(w->page) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "code", cJSON_CreateString(w->code));
		cJSON_AddItemToObject(o, "message", cJSON_CreateString(w->message));
		cJSON_AddItemToArray(warnings, o);
	}
	cJSON_AddItemToObject(root, "warnings", warnings);
	return print_and_free(root);
}

static cJSON *
box_array(const struct box *b)
{
	double v[4] = { b->x0, b->y0, b->x1, b->y1 };
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < 4; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(round(v[i] * 10) / 10));
	return a;
}

char *
sink_json_grids(const struct budtab_doc *doc)
{
	cJSON *root = cJSON_CreateObject(), *tables = cJSON_CreateArray();

	cJSON_AddItemToObject(root, "format", cJSON_CreateString(BUDTAB_GRIDS_FORMAT));
	cJSON_AddItemToObject(root, "source", source_object(doc));
	for (size_t i = 0; i < doc->tables.n; i++) {
		const struct table *t = &doc->tables.tables[i];
		cJSON *o = cJSON_CreateObject(), *cells = cJSON_CreateArray();

		cJSON_AddItemToObject(o, "page", t->page > 0 ?
			cJSON_CreateNumber(t->page) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "bbox", box_array(&t->box));
		cJSON_AddItemToObject(o, "rows", cJSON_CreateNumber(t->rows));
		cJSON_AddItemToObject(o, "cols", cJSON_CreateNumber(t->cols));
		cJSON_AddItemToObject(o, "ruled", cJSON_CreateBool(t->ruled));
		cJSON_AddItemToObject(o, "structure", cJSON_CreateString(
			t->source == TABLE_FROM_TAGS ? "tags" :
			t->source == TABLE_FROM_RULES ? "rules" : "layout"));
		cJSON_AddItemToObject(o, "continues", t->continues >= 0 ?
			cJSON_CreateNumber(t->continues) : cJSON_CreateNull());
		for (size_t k = 0; k < t->n_cells; k++) {
			const struct cell *c = &t->cells[k];
			cJSON *co = cJSON_CreateObject();

			cJSON_AddItemToObject(co, "row", cJSON_CreateNumber(c->row));
			cJSON_AddItemToObject(co, "col", cJSON_CreateNumber(c->col));
			cJSON_AddItemToObject(co, "rowspan", cJSON_CreateNumber(c->rowspan));
			cJSON_AddItemToObject(co, "colspan", cJSON_CreateNumber(c->colspan));
			cJSON_AddItemToObject(co, "bbox", box_array(&c->box));
			cJSON_AddItemToObject(co, "text", str_or_null(c->text));
			cJSON_AddItemToArray(cells, co);
		}
		cJSON_AddItemToObject(o, "cells", cells);
		cJSON_AddItemToArray(tables, o);
	}
	cJSON_AddItemToObject(root, "tables", tables);
	return print_and_free(root);
}

static void
csv_field(GString *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\n\r")) {
		g_string_append(out, s);
		return;
	}
	g_string_append_c(out, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
}

/* One block a table: a comment-free header line naming the table, then
 * its rows; a merged cell's text stands in its top-left slot only, so
 * the sums of a column are not counted twice. */
char *
sink_csv_grids(const struct budtab_doc *doc)
{
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < doc->tables.n; i++) {
		const struct table *t = &doc->tables.tables[i];
		const char **slots = g_new0(const char *, (size_t)t->rows * t->cols);

		if (i > 0)
			g_string_append_c(out, '\n');
		g_string_append_printf(out, "table,%zu,page,%d,rows,%d,cols,%d", i,
			t->page, t->rows, t->cols);
		if (t->continues >= 0)
			g_string_append_printf(out, ",continues,%d", t->continues);
		g_string_append_c(out, '\n');
		for (size_t k = 0; k < t->n_cells; k++)
			slots[t->cells[k].row * t->cols + t->cells[k].col] = t->cells[k].text;
		for (int r = 0; r < t->rows; r++) {
			for (int c = 0; c < t->cols; c++) {
				if (c > 0)
					g_string_append_c(out, ',');
				csv_field(out, slots[r * t->cols + c]);
			}
			g_string_append_c(out, '\n');
		}
		g_free(slots);
	}
	return g_string_free(out, FALSE);
}

static cJSON *
finding_object(const struct budtab_finding *f)
{
	cJSON *o = cJSON_CreateObject(), *vals = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "code", cJSON_CreateString(f->code));
	cJSON_AddItemToObject(o, "severity", cJSON_CreateString(
		f->severity == BUDTAB_FINDING ? "finding" : "note"));
	cJSON_AddItemToObject(o, "page", f->page > 0 ?
		cJSON_CreateNumber(f->page) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "message", cJSON_CreateString(f->message));
	for (size_t i = 0; i < f->n_values; i++) {
		const struct budtab_value *v = &f->values[i];

		cJSON_AddItemToObject(vals, v->name, v->is_number ? number(v->number) :
			str_or_null(v->text));
	}
	cJSON_AddItemToObject(o, "values", vals);
	return o;
}

char *
sink_json_check(const struct budtab_report *report)
{
	cJSON *root = cJSON_CreateObject(), *sum = cJSON_CreateObject();
	cJSON *groups = cJSON_CreateArray();

	cJSON_AddItemToObject(root, "format", cJSON_CreateString(BUDTAB_CHECK_FORMAT));
	cJSON_AddItemToObject(sum, "projects",
		cJSON_CreateNumber((double)budtab_report_n_projects(report)));
	cJSON_AddItemToObject(sum, "findings",
		cJSON_CreateNumber((double)budtab_report_count(report, BUDTAB_FINDING)));
	cJSON_AddItemToObject(sum, "notes",
		cJSON_CreateNumber((double)budtab_report_count(report, BUDTAB_NOTE)));
	cJSON_AddItemToObject(root, "summary", sum);
	for (size_t i = 0; i < budtab_report_n_groups(report); i++) {
		const struct budtab_group *g = budtab_report_group(report, i);
		cJSON *o = cJSON_CreateObject(), *fs = cJSON_CreateArray();

		cJSON_AddItemToObject(o, "source", cJSON_CreateString(g->source));
		cJSON_AddItemToObject(o, "seq", g->seq > 0 ?
			cJSON_CreateNumber(g->seq) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "kind", cJSON_CreateString(g->seq > 0 ?
			"project" : g->seq == 0 ? "document" : "internal"));
		cJSON_AddItemToObject(o, "code", str_or_null(g->project));
		cJSON_AddItemToObject(o, "name", str_or_null(g->name));
		cJSON_AddItemToObject(o, "page", g->page > 0 ?
			cJSON_CreateNumber(g->page) : cJSON_CreateNull());
		for (size_t k = 0; k < g->n_findings; k++)
			cJSON_AddItemToArray(fs, finding_object(&g->findings[k]));
		cJSON_AddItemToObject(o, "findings", fs);
		cJSON_AddItemToArray(groups, o);
	}
	cJSON_AddItemToObject(root, "groups", groups);
	return print_and_free(root);
}
