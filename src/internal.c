/* Internal records: a CSV or JSON export keyed by project code. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "internal.h"
#include "model.h"
#include "patterns.h"
#include "source_json.h"

enum { COL_NONE = -1, COL_CODE = -2, COL_NAME = -3 };

struct internal_map {
	GPtrArray *headers;   /* key forms, ASCII lower case */
	GArray *fields;       /* int: COL_CODE, COL_NAME or enum internal_field */
};

static char *
header_key(const char *s)
{
	g_autofree char *k = patterns_key_form(s);

	return g_ascii_strdown(k, -1);
}

/* FIELD name -> column kind, COL_NONE when unknown. */
static int
field_named(const char *name)
{
	static const char *const amounts[] = { "total", "fiscal", "other" };
	char *end;
	long m;

	if (strcmp(name, "code") == 0)
		return COL_CODE;
	if (strcmp(name, "name") == 0)
		return COL_NAME;
	for (int i = 0; i < 3; i++)
		if (strcmp(name, amounts[i]) == 0)
			return i;
	if (name[0] == 'm') {
		m = strtol(name + 1, &end, 10);
		if (end != name + 1 && !*end && m >= 1 && m <= 12)
			return INTERNAL_M1 + (int)m - 1;
	}
	return COL_NONE;
}

void
internal_map_destroy(struct internal_map *map)
{
	if (!map)
		return;
	g_ptr_array_unref(map->headers);
	g_array_unref(map->fields);
	g_free(map);
}

struct internal_map *
internal_map_parse(const char *buf, size_t len, struct budtab_error *err)
{
	struct internal_map *map = g_new0(struct internal_map, 1);
	g_autofree char *copy = g_strndup(buf, len);
	g_auto(GStrv) lines = NULL;

	map->headers = g_ptr_array_new_with_free_func(g_free);
	map->fields = g_array_new(FALSE, FALSE, sizeof(int));
	if (len > INTERNAL_MAX_RECORD || !g_utf8_validate(copy, -1, NULL)) {
		error_set(err, BUDTAB_ERR_FORMAT, "map: not UTF-8 text, or over %u bytes",
			INTERNAL_MAX_RECORD);
		internal_map_destroy(map);
		return NULL;
	}
	lines = g_strsplit(copy, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		char *l = g_strstrip(lines[i]), *sp;
		int field;

		if (!*l || *l == '#')
			continue;
		sp = l + strcspn(l, " \t=");
		if (!*sp) {
			error_set(err, BUDTAB_ERR_FORMAT, "map:%d: want FIELD HEADER", i + 1);
			internal_map_destroy(map);
			return NULL;
		}
		*sp++ = '\0';
		field = field_named(l);
		sp += strspn(sp, " \t=");
		if (field == COL_NONE || !*sp) {
			error_set(err, BUDTAB_ERR_FORMAT,
				"map:%d: '%s' is not one of code name total fiscal other m1..m12, or no header follows",
				i + 1, l);
			internal_map_destroy(map);
			return NULL;
		}
		g_ptr_array_add(map->headers, header_key(sp));
		g_array_append_val(map->fields, field);
	}
	return map;
}

static void
free_row(gpointer row)
{
	g_ptr_array_unref(row);
}

/* RFC 4180 records out of buf.  Each row is a GPtrArray of g_strdup'd
 * fields; lines[i] is the line row i starts on. */
static bool
csv_rows(const char *buf, size_t len, GPtrArray *rows, GArray *lines,
	struct budtab_error *err)
{
	size_t commas = 0, tabs = 0, i = 0;
	bool quoted = false;
	char delim;
	int line = 1;
	GString *field = g_string_new(NULL);
	GPtrArray *row = NULL;
	size_t record_bytes = 0;

	/* The delimiter is the one the header line (outside quotes) has more of. */
	for (size_t k = 0; k < len; k++) {
		if (buf[k] == '"')
			quoted = !quoted;
		else if (!quoted && (buf[k] == '\n' || buf[k] == '\r'))
			break;
		else if (!quoted && buf[k] == ',')
			commas++;
		else if (!quoted && buf[k] == '\t')
			tabs++;
	}
	delim = tabs > commas ? '\t' : ',';
	while (i <= len) {
		bool in_quotes = false, was_quoted = false;
		int start_line = line;

		g_string_truncate(field, 0);
		if (!row) {
			row = g_ptr_array_new_with_free_func(g_free);
			record_bytes = 0;
		}
		/* One field. */
		for (; i < len; i++) {
			char c = buf[i];

			if (in_quotes) {
				if (c == '"') {
					if (i + 1 < len && buf[i + 1] == '"') {
						g_string_append_c(field, '"');
						i++;
					} else {
						in_quotes = false;
					}
					continue;
				}
				if (c == '\n' || (c == '\r' && (i + 1 >= len || buf[i + 1] != '\n')))
					line++;
				g_string_append_c(field, c);
			} else if (c == '"' && field->len == 0 && !was_quoted) {
				in_quotes = was_quoted = true;
			} else if (c == delim || c == '\n' || c == '\r') {
				break;
			} else {
				g_string_append_c(field, c);
			}
			if (field->len > INTERNAL_MAX_FIELD) {
				error_set(err, BUDTAB_ERR_LIMIT, "line %d: a field over %u bytes",
					line, INTERNAL_MAX_FIELD);
				goto fail;
			}
		}
		if (in_quotes) {
			error_set(err, BUDTAB_ERR_FORMAT, "line %d: a quoted field is not closed",
				start_line);
			goto fail;
		}
		record_bytes += field->len + 1;
		if (record_bytes > INTERNAL_MAX_RECORD || row->len >= INTERNAL_MAX_FIELDS) {
			error_set(err, BUDTAB_ERR_LIMIT,
				"line %d: a record over %u bytes or %d fields", line,
				INTERNAL_MAX_RECORD, INTERNAL_MAX_FIELDS);
			goto fail;
		}
		g_ptr_array_add(row, g_strdup(field->str));
		if (i < len && buf[i] == delim) {
			i++;
			continue;
		}
		/* End of the record: at a line end or the end of the buffer. */
		if (row->len > 1 || *(char *)row->pdata[0]) {
			int first = line;

			if (rows->len >= INTERNAL_MAX_ROWS) {
				error_set(err, BUDTAB_ERR_LIMIT, "more than %d records",
					INTERNAL_MAX_ROWS);
				goto fail;
			}
			/* the line the record started on */
			for (guint f = 0; f < row->len; f++)
				for (const char *p = row->pdata[f]; *p; p++)
					first -= *p == '\n';
			g_ptr_array_add(rows, row);
			g_array_append_val(lines, first);
		} else {
			g_ptr_array_unref(row);
		}
		row = NULL;
		if (i < len && buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			i++;
		i++;
		line++;
	}
	if (row)
		g_ptr_array_unref(row);
	g_string_free(field, TRUE);
	return true;
fail:
	if (row)
		g_ptr_array_unref(row);
	g_string_free(field, TRUE);
	return false;
}

static int
column_kind(const char *header, const struct budtab_patterns *p,
	const struct internal_map *map)
{
	g_autofree char *key = header_key(header);
	static const char *const keys[] = { "internal.total", "internal.fiscal",
		"internal.other" };
	struct pmatch *m = NULL;
	int kind = COL_NONE;

	for (guint i = 0; map && i < map->headers->len; i++)
		if (strcmp(map->headers->pdata[i], key) == 0)
			return g_array_index(map->fields, int, i);
	if (!p)
		return COL_NONE;
	if (patterns_match(p, "internal.code", key, NULL))
		return COL_CODE;
	if (patterns_match(p, "internal.name", key, NULL))
		return COL_NAME;
	for (int i = 0; i < 3; i++)
		if (patterns_match(p, keys[i], key, NULL))
			return i;
	if (patterns_match(p, "internal.month", key, &m)) {
		g_autofree char *month = pmatch_group(m, "month");
		int n = month ? atoi(month) : 0;

		if (n >= 1 && n <= 12)
			kind = INTERNAL_M1 + n - 1;
	}
	pmatch_destroy(m);
	return kind;
}

void
internal_finish(struct budtab_internal *in)
{
	if (!in)
		return;
	for (guint i = 0; in->rows && i < in->rows->len; i++) {
		struct internal_row *r = &g_array_index(in->rows, struct internal_row, i);

		g_free(r->code);
		g_free(r->name);
		g_free(r->bad);
	}
	if (in->rows)
		g_array_free(in->rows, TRUE);
	g_free(in->path);
	memset(in, 0, sizeof *in);
}

static bool
is_blank(const char *s)
{
	g_autofree char *k = patterns_key_form(s);

	return !k || !*k;
}

static char *
nonblank(const char *s)
{
	return is_blank(s) ? NULL : g_strdup(s);
}

bool
internal_parse(const char *buf, size_t len,
	const struct budtab_patterns *patterns, const struct internal_map *map,
	bool yuan, struct budtab_internal *out, struct budtab_error *err)
{
	g_autoptr(GPtrArray) rows = NULL, headers = NULL;
	g_autoptr(GArray) lines = g_array_new(FALSE, FALSE, sizeof(int));
	g_autofree int *kind = NULL;
	size_t skip = 0;
	bool json;

	memset(out, 0, sizeof *out);
	if (len > INTERNAL_MAX_BYTES) {
		error_set(err, BUDTAB_ERR_LIMIT, "%zu bytes is over the limit of %u",
			len, INTERNAL_MAX_BYTES);
		return false;
	}
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	if (!g_utf8_validate(buf + skip, (gssize)(len - skip), NULL) ||
	    memchr(buf + skip, '\0', len - skip)) {
		error_set(err, BUDTAB_ERR_FORMAT, "not UTF-8 text");
		return false;
	}
	while (skip < len && g_ascii_isspace(buf[skip]))
		skip++;
	json = skip < len && (buf[skip] == '[' || buf[skip] == '{');
	if (json) {
		if (!source_json_table(buf + skip, len - skip, &headers, &rows, err))
			return false;
		for (guint i = 0; i < rows->len; i++) {
			int l = (int)i + 1;

			g_array_append_val(lines, l);
		}
	} else {
		rows = g_ptr_array_new_with_free_func(free_row);
		if (!csv_rows(buf + skip, len - skip, rows, lines, err))
			return false;
		if (rows->len == 0) {
			error_set(err, BUDTAB_ERR_FORMAT, "no header line");
			return false;
		}
		headers = g_ptr_array_ref(rows->pdata[0]);
		g_ptr_array_remove_index(rows, 0);
		g_array_remove_index(lines, 0);
	}
	out->json = json;
	out->rows = g_array_new(FALSE, TRUE, sizeof(struct internal_row));
	kind = g_new(int, headers->len + 1);
	for (guint c = 0; c < headers->len; c++) {
		kind[c] = column_kind(headers->pdata[c], patterns, map);
		if (kind[c] == COL_CODE)
			out->has_code = true;
		else if (kind[c] == COL_NAME)
			out->has_name = true;
		else if (kind[c] >= 0)
			out->has[kind[c]] = true;
	}
	if (!out->has_code) {
		error_set(err, BUDTAB_ERR_FORMAT,
			"no project-code column (code, 项目编码, or one named by --map)");
		internal_finish(out);
		return false;
	}
	for (guint r = 0; r < rows->len; r++) {
		GPtrArray *row = rows->pdata[r];
		struct internal_row ir = { .line = g_array_index(lines, int, r) };

		for (guint c = 0; c < headers->len && c < row->len; c++) {
			const char *cell = row->pdata[c];
			double v;

			if (!cell || kind[c] == COL_NONE)
				continue;
			if (kind[c] == COL_CODE) {
				g_free(ir.code);
				ir.code = patterns_key_form(cell);
				if (!*ir.code)
					g_clear_pointer(&ir.code, g_free);
			} else if (kind[c] == COL_NAME) {
				g_free(ir.name);
				ir.name = nonblank(cell);
			} else if (is_blank(cell)) {
				continue;
			} else if (patterns_number(cell, &v)) {
				if (yuan && kind[c] < INTERNAL_M1)
					v /= 10000;
				ir.has[kind[c]] = true;
				ir.value[kind[c]] = v;
			} else if (!ir.bad) {
				ir.bad = g_strdup_printf("%s '%s'", (char *)headers->pdata[c],
					cell);
			}
		}
		if (!ir.code && !ir.name && !ir.bad) {
			bool any = false;

			for (int f = 0; f < INTERNAL_N_AMOUNTS; f++)
				any = any || ir.has[f];
			if (!any)
				continue;
		}
		g_array_append_val(out->rows, ir);
	}
	return true;
}
