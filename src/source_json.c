/* budtab/1 JSON -> struct records, and internal records as JSON -> a
 * table of text cells.  With sink_json.c, the only file that includes
 * cJSON. */
#include <cjson/cJSON.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "source_json.h"

#define MAX_INTERNAL_ROWS 200000
#define MAX_INTERNAL_COLUMNS 512

struct reader {
	struct budtab_error *err;
	bool failed;
	char where[160];
};

static void
fail(struct reader *rd, const char *field, const char *what)
{
	if (rd->failed)
		return;
	rd->failed = true;
	error_set(rd->err, BUDTAB_ERR_FORMAT, "budtab/1: %s%s%s: %s", rd->where,
		*rd->where ? "." : "", field, what);
}

/* A string member, or NULL for null or absent; anything else fails. */
static char *
get_string(struct reader *rd, const cJSON *o, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		fail(rd, field, "not a string");
		return NULL;
	}
	if (strlen(v->valuestring) > SOURCE_JSON_MAX_STRING) {
		fail(rd, field, "string over the limit");
		return NULL;
	}
	if (!g_utf8_validate(v->valuestring, -1, NULL)) {
		fail(rd, field, "not UTF-8");
		return NULL;
	}
	return *v->valuestring ? g_strdup(v->valuestring) : NULL;
}

static bool
get_number(struct reader *rd, const cJSON *o, const char *field, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);

	if (!v || cJSON_IsNull(v))
		return false;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
		fail(rd, field, "not a number");
		return false;
	}
	*out = v->valuedouble;
	return true;
}

/* An object member, NULL for null or absent. */
static const cJSON *
get_object(struct reader *rd, const cJSON *o, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsObject(v)) {
		fail(rd, field, "not an object");
		return NULL;
	}
	return v;
}

/* An array member of at most max items, NULL for null or absent. */
static const cJSON *
get_array(struct reader *rd, const cJSON *o, const char *field, int max)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsArray(v)) {
		fail(rd, field, "not an array");
		return NULL;
	}
	if (cJSON_GetArraySize(v) > max) {
		fail(rd, field, "more items than the limit");
		return NULL;
	}
	return v;
}

static void
read_field(struct reader *rd, const cJSON *o, const char *name,
	struct field *f, int page)
{
	f->text = get_string(rd, o, name);
	f->src.page = page;
}

static void
read_amount(struct reader *rd, const cJSON *o, const char *name,
	struct amount *a, int page)
{
	a->present = o && get_number(rd, o, name, &a->value);
	a->src.page = page;
}

static const char *
static_op(struct reader *rd, const char *op)
{
	static const char *const ops[] = { ">=", "<=", "=", ">", "<" };

	if (!op)
		return NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(ops); i++)
		if (strcmp(op, ops[i]) == 0)
			return ops[i];
	fail(rd, "target.op", "not one of >= <= = > <");
	return NULL;
}

static void
read_indicator(struct reader *rd, const cJSON *o, struct indicator *ind,
	int page)
{
	const cJSON *t, *extra;
	g_autofree char *op = NULL;

	if (!cJSON_IsObject(o)) {
		fail(rd, "indicators", "an item is not an object");
		return;
	}
	read_field(rd, o, "level1", &ind->level1, page);
	read_field(rd, o, "level2", &ind->level2, page);
	read_field(rd, o, "level3", &ind->level3, page);
	read_field(rd, o, "description", &ind->description, page);
	read_field(rd, o, "basis", &ind->basis, page);
	ind->target.src.page = page;
	t = get_object(rd, o, "target");
	if (t) {
		ind->target.text = get_string(rd, t, "text");
		op = get_string(rd, t, "op");
		ind->target.op = static_op(rd, op);
		ind->target.has_value = get_number(rd, t, "value", &ind->target.value);
		ind->target.unit = get_string(rd, t, "unit");
	}
	extra = get_object(rd, o, "extra");
	if (extra) {
		int n = cJSON_GetArraySize(extra);
		const cJSON *e;
		size_t k = 0;

		if (n > SOURCE_JSON_MAX_ITEMS) {
			fail(rd, "extra", "more items than the limit");
			return;
		}
		ind->extra = g_new0(struct extra, (size_t)n + 1);
		cJSON_ArrayForEach(e, extra) {
			if (!cJSON_IsNull(e) && !cJSON_IsString(e)) {
				fail(rd, "extra", "a value is not a string");
				break;
			}
			ind->extra[k].header = g_strdup(e->string);
			ind->extra[k].text = cJSON_IsString(e) && *e->valuestring ?
				g_strdup(e->valuestring) : NULL;
			k++;
		}
		ind->n_extra = k;
	}
}

static void
read_project(struct reader *rd, const cJSON *o, struct project *p)
{
	const cJSON *pages, *budget, *sched, *goals, *inds, *item;
	double seq = 0;
	int page = 0;
	size_t k;

	if (!cJSON_IsObject(o)) {
		fail(rd, "projects", "an item is not an object");
		return;
	}
	if (get_number(rd, o, "seq", &seq))
		p->seq = seq >= 0 && seq < 1e9 ? (int)seq : 0;
	p->title = get_string(rd, o, "title");
	pages = get_array(rd, o, "pages", SOURCE_JSON_MAX_ITEMS);
	if (pages) {
		p->pages = g_new0(int, (size_t)cJSON_GetArraySize(pages) + 1);
		cJSON_ArrayForEach(item, pages) {
			if (!cJSON_IsNumber(item) || item->valuedouble < 1 ||
			    item->valuedouble > 1e9) {
				fail(rd, "pages", "not a page number");
				break;
			}
			p->pages[p->n_pages++] = (int)item->valuedouble;
		}
		page = p->n_pages ? p->pages[0] : 0;
	}
	p->unit_code = get_string(rd, o, "unit_code");
	p->unit_name = get_string(rd, o, "unit_name");
	read_field(rd, o, "code", &p->code, page);
	read_field(rd, o, "name", &p->name, page);
	read_field(rd, o, "purpose", &p->purpose, page);
	budget = get_object(rd, o, "budget");
	read_amount(rd, budget, "total", &p->total, page);
	read_amount(rd, budget, "fiscal", &p->fiscal, page);
	read_amount(rd, budget, "other", &p->other, page);
	sched = get_array(rd, o, "schedule", SOURCE_JSON_MAX_ITEMS);
	if (sched) {
		p->schedule = g_new0(struct period, (size_t)cJSON_GetArraySize(sched) + 1);
		cJSON_ArrayForEach(item, sched) {
			struct period *per = &p->schedule[p->n_schedule++];
			double month = 0;

			if (!cJSON_IsObject(item)) {
				fail(rd, "schedule", "an item is not an object");
				break;
			}
			per->label = get_string(rd, item, "label");
			if (get_number(rd, item, "month", &month))
				per->month = month >= 1 && month <= 12 ? (int)month : 0;
			per->has_percent = get_number(rd, item, "percent", &per->percent);
			per->src.page = page;
		}
	}
	goals = get_array(rd, o, "goals", SOURCE_JSON_MAX_ITEMS);
	if (goals) {
		p->goals = g_new0(char *, (size_t)cJSON_GetArraySize(goals) + 1);
		k = 0;
		cJSON_ArrayForEach(item, goals) {
			if (!cJSON_IsString(item)) {
				fail(rd, "goals", "an item is not a string");
				break;
			}
			p->goals[k++] = g_strdup(item->valuestring);
		}
	}
	inds = get_array(rd, o, "indicators", SOURCE_JSON_MAX_ITEMS);
	if (inds) {
		p->indicators = g_new0(struct indicator,
			(size_t)cJSON_GetArraySize(inds) + 1);
		cJSON_ArrayForEach(item, inds) {
			read_indicator(rd, item, &p->indicators[p->n_indicators++], page);
			if (rd->failed)
				break;
		}
	}
}

bool
source_json_records(const char *buf, size_t len, struct records *out,
	struct budtab_error *err)
{
	struct reader rd = { .err = err };
	const cJSON *format, *doc, *projects, *item;
	cJSON *root;
	double year = 0;

	memset(out, 0, sizeof *out);
	if (len > SOURCE_JSON_MAX_BYTES) {
		error_set(err, BUDTAB_ERR_LIMIT, "budtab/1: %zu bytes is over the limit of %u",
			len, SOURCE_JSON_MAX_BYTES);
		return false;
	}
	root = cJSON_ParseWithLength(buf, len);
	if (!root) {
		error_set(err, BUDTAB_ERR_FORMAT, "not JSON (at byte %td)",
			cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - buf : (ptrdiff_t)0);
		return false;
	}
	format = cJSON_GetObjectItemCaseSensitive(root, "format");
	if (!cJSON_IsObject(root) || !cJSON_IsString(format) ||
	    strcmp(format->valuestring, BUDTAB_FORMAT) != 0) {
		error_set(err, BUDTAB_ERR_FORMAT, "JSON but not a %s document", BUDTAB_FORMAT);
		cJSON_Delete(root);
		return false;
	}
	doc = get_object(&rd, root, "document");
	if (doc) {
		g_strlcpy(rd.where, "document", sizeof rd.where);
		out->title = get_string(&rd, doc, "title");
		out->department = get_string(&rd, doc, "department");
		if (get_number(&rd, doc, "year", &year))
			out->year = year > 0 && year < 10000 ? (int)year : 0;
		*rd.where = '\0';
	}
	projects = get_array(&rd, root, "projects", SOURCE_JSON_MAX_PROJECTS);
	if (!projects && !rd.failed)
		fail(&rd, "projects", "missing");
	if (projects) {
		out->projects = g_new0(struct project,
			(size_t)cJSON_GetArraySize(projects) + 1);
		cJSON_ArrayForEach(item, projects) {
			snprintf(rd.where, sizeof rd.where, "projects[%zu]", out->n_projects);
			read_project(&rd, item, &out->projects[out->n_projects++]);
			if (rd.failed)
				break;
		}
	}
	cJSON_Delete(root);
	if (rd.failed) {
		records_finish(out);
		return false;
	}
	return true;
}

static char *
cell_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return g_strdup(v->valuestring);
	if (cJSON_IsNumber(v)) {
		char b[G_ASCII_DTOSTR_BUF_SIZE];

		return g_strdup(g_ascii_formatd(b, sizeof b, "%.15g", v->valuedouble));
	}
	return NULL;
}

static void
free_row(gpointer row)
{
	g_ptr_array_unref(row);
}

bool
source_json_table(const char *buf, size_t len, GPtrArray **headers,
	GPtrArray **rows, struct budtab_error *err)
{
	cJSON *root;
	const cJSON *arr, *item, *v;
	GHashTable *index;

	*headers = *rows = NULL;
	if (len > SOURCE_JSON_MAX_BYTES) {
		error_set(err, BUDTAB_ERR_LIMIT, "%zu bytes is over the limit of %u",
			len, SOURCE_JSON_MAX_BYTES);
		return false;
	}
	root = cJSON_ParseWithLength(buf, len);
	if (!root) {
		error_set(err, BUDTAB_ERR_FORMAT, "not JSON");
		return false;
	}
	arr = root;
	if (cJSON_IsObject(root)) {
		arr = cJSON_GetObjectItemCaseSensitive(root, "projects");
		if (!arr)
			arr = cJSON_GetObjectItemCaseSensitive(root, "records");
	}
	if (!cJSON_IsArray(arr)) {
		error_set(err, BUDTAB_ERR_FORMAT,
			"JSON internal records are an array of objects (or {\"projects\": [...]})");
		cJSON_Delete(root);
		return false;
	}
	if (cJSON_GetArraySize(arr) > MAX_INTERNAL_ROWS) {
		error_set(err, BUDTAB_ERR_LIMIT, "more than %d records", MAX_INTERNAL_ROWS);
		cJSON_Delete(root);
		return false;
	}
	*headers = g_ptr_array_new_with_free_func(g_free);
	*rows = g_ptr_array_new_with_free_func(free_row);
	index = g_hash_table_new(g_str_hash, g_str_equal);
	cJSON_ArrayForEach(item, arr) {
		GPtrArray *row;

		if (!cJSON_IsObject(item)) {
			error_set(err, BUDTAB_ERR_FORMAT, "record %u is not an object",
				(*rows)->len + 1);
			goto fail;
		}
		cJSON_ArrayForEach(v, item) {
			if (g_hash_table_contains(index, v->string))
				continue;
			if ((*headers)->len >= MAX_INTERNAL_COLUMNS) {
				error_set(err, BUDTAB_ERR_LIMIT, "more than %d fields",
					MAX_INTERNAL_COLUMNS);
				goto fail;
			}
			g_ptr_array_add(*headers, g_strdup(v->string));
			g_hash_table_insert(index, (*headers)->pdata[(*headers)->len - 1],
				GUINT_TO_POINTER((*headers)->len));
		}
		row = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(*rows, row);
		cJSON_ArrayForEach(v, item) {
			guint col = GPOINTER_TO_UINT(g_hash_table_lookup(index, v->string)) - 1;

			if (!cJSON_IsNull(v) && !cJSON_IsString(v) && !cJSON_IsNumber(v)) {
				error_set(err, BUDTAB_ERR_FORMAT,
					"record %u: %s is neither text nor a number",
					(*rows)->len, v->string);
				goto fail;
			}
			if (row->len <= col)
				g_ptr_array_set_size(row, col + 1);
			g_free(row->pdata[col]);
			row->pdata[col] = cell_text(v);
		}
	}
	for (guint i = 0; i < (*rows)->len; i++)
		g_ptr_array_set_size((*rows)->pdata[i], (*headers)->len);
	g_hash_table_destroy(index);
	cJSON_Delete(root);
	return true;
fail:
	g_hash_table_destroy(index);
	g_ptr_array_unref(*headers);
	g_ptr_array_unref(*rows);
	*headers = *rows = NULL;
	cJSON_Delete(root);
	return false;
}
