/* The dataset in SQLite: schema, storing a document's budtab/1 record as
 * rows, export and merge.  The only file that includes sqlite3.h; it
 * reads the budtab/1 text back with cJSON, as the records' consumer. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "schema_sql.h"

#define SCHEMA_VERSION 1
/* Another process (a reader, a second writer) may hold the lock briefly. */
#define BUSY_TIMEOUT_MS 30000

enum stmt {
	ST_FIND,
	ST_DELETE,
	ST_DOCUMENT,
	ST_PROJECT,
	ST_BUDGET,
	ST_SCHEDULE,
	ST_GOAL,
	ST_INDICATOR,
	ST_WARNING,
	N_STMTS,
};

static const char *const stmt_sql[N_STMTS] = {
	[ST_FIND] = "SELECT status FROM documents WHERE sha256 = ?1",
	[ST_DELETE] = "DELETE FROM documents WHERE path = ?1 OR sha256 = ?2",
	[ST_DOCUMENT] = "INSERT INTO documents (path, sha256, size, input, pages,"
		" title, year, department, status, error, n_warnings, extracted_at,"
		" tool_version, record_json)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[ST_PROJECT] = "INSERT INTO projects (document_id, seq, title, pages,"
		" first_page, unit_code, unit_name, code, name, purpose)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_BUDGET] = "INSERT INTO budget (project_id, total, fiscal, other)"
		" VALUES (?1, ?2, ?3, ?4)",
	[ST_SCHEDULE] = "INSERT INTO schedule (project_id, seq, label, month,"
		" percent) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_GOAL] = "INSERT INTO goals (project_id, seq, text) VALUES (?1, ?2, ?3)",
	[ST_INDICATOR] = "INSERT INTO indicators (project_id, seq, level1, level2,"
		" level3, description, target_text, target_op, target_value,"
		" target_unit, basis, extra, page)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[ST_WARNING] = "INSERT INTO warnings (document_id, seq, page, code, message)"
		" VALUES (?1, ?2, ?3, ?4, ?5)",
};

struct db {
	sqlite3 *sql;
	char *path;
	sqlite3_stmt *stmts[N_STMTS];
};

static bool
fail_sql(struct db *db, struct budtab_error *err)
{
	error_set(err, BUDTAB_ERR_IO, "%s: %s", db->path, sqlite3_errmsg(db->sql));
	return false;
}

static int
user_version(sqlite3 *sql)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(sql, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
count_tables(sqlite3 *sql)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(sql, "SELECT count(*) FROM sqlite_schema", -1, &st,
		    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Creates the schema in an empty database, or checks an existing one's
 * version.  BEGIN IMMEDIATE: two builds starting on one new file must
 * not both create it. */
static bool
schema_ensure(struct db *db, struct budtab_error *err)
{
	int version, tables;

	if (sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail_sql(db, err);
	version = user_version(db->sql);
	tables = count_tables(db->sql);
	if (version < 0 || tables < 0) {
		fail_sql(db, err);
		goto fail;
	}
	if (version == 0 && tables == 0) {
		if (sqlite3_exec(db->sql, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
			fail_sql(db, err);
			goto fail;
		}
	} else if (version != SCHEMA_VERSION) {
		error_set(err, BUDTAB_ERR_FORMAT, "%s: not a budtab database "
			"(schema version %d, this budtab reads %d)", db->path, version,
			SCHEMA_VERSION);
		goto fail;
	}
	if (sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fail_sql(db, err);
		goto fail;
	}
	return true;
fail:
	sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	return false;
}

struct db *
db_open(const char *path, struct budtab_error *err)
{
	struct db *db = g_new0(struct db, 1);

	db->path = g_strdup(path);
	if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		if (db->sql)
			fail_sql(db, err);
		else
			error_set(err, BUDTAB_ERR_IO, "%s: cannot open the database", path);
		goto fail;
	}
	sqlite3_busy_timeout(db->sql, BUSY_TIMEOUT_MS);
	/* WAL: readers (budtab check, a user's sqlite3) go on while the
	 * build writes.  synchronous=NORMAL: a commit survives the process
	 * being killed; only a power loss may take the last ones back. */
	if (sqlite3_exec(db->sql, "PRAGMA journal_mode = WAL;"
		    "PRAGMA synchronous = NORMAL;"
		    "PRAGMA foreign_keys = ON;", NULL, NULL, NULL) != SQLITE_OK) {
		fail_sql(db, err);
		goto fail;
	}
	if (!schema_ensure(db, err))
		goto fail;
	for (int i = 0; i < N_STMTS; i++)
		if (sqlite3_prepare_v3(db->sql, stmt_sql[i], -1,
			    SQLITE_PREPARE_PERSISTENT, &db->stmts[i], NULL) != SQLITE_OK) {
			fail_sql(db, err);
			goto fail;
		}
	return db;
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < N_STMTS; i++)
		sqlite3_finalize(db->stmts[i]);
	sqlite3_close(db->sql);
	g_free(db->path);
	g_free(db);
}

bool
db_find(struct db *db, const char *sha256, enum db_have *have,
	struct budtab_error *err)
{
	sqlite3_stmt *st = db->stmts[ST_FIND];
	int rc;

	*have = DB_HAVE_NONE;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*have = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0 ?
			DB_HAVE_OK : DB_HAVE_FAILED;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail_sql(db, err);
	return true;
}

/* Binding cJSON values: a string, a number or null; anything else (a
 * missing member included) binds null. */
static void
bind_string(sqlite3_stmt *st, int i, const cJSON *v)
{
	if (cJSON_IsString(v))
		sqlite3_bind_text(st, i, v->valuestring, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_real(sqlite3_stmt *st, int i, const cJSON *v)
{
	if (cJSON_IsNumber(v))
		sqlite3_bind_double(st, i, v->valuedouble);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_int(sqlite3_stmt *st, int i, const cJSON *v)
{
	if (cJSON_IsNumber(v))
		sqlite3_bind_int64(st, i, (sqlite3_int64)v->valuedouble);
	else
		sqlite3_bind_null(st, i);
}

/* A JSON value as its compact text, or null. */
static void
bind_json(sqlite3_stmt *st, int i, const cJSON *v)
{
	char *s;

	if (!v || cJSON_IsNull(v)) {
		sqlite3_bind_null(st, i);
		return;
	}
	s = cJSON_PrintUnformatted(v);
	sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	cJSON_free(s);
}

static const cJSON *
member(const cJSON *o, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(o, name);
}

static bool
run(struct db *db, sqlite3_stmt *st, struct budtab_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return fail_sql(db, err);
	return true;
}

static bool
store_project(struct db *db, sqlite3_int64 doc_id, int seq, const cJSON *p,
	struct db_counts *counts, struct budtab_error *err)
{
	sqlite3_stmt *st = db->stmts[ST_PROJECT];
	const cJSON *pages = member(p, "pages"), *budget = member(p, "budget");
	const cJSON *item, *first_page = NULL;
	sqlite3_int64 id;
	int i;

	if (cJSON_IsArray(pages))
		first_page = cJSON_GetArrayItem(pages, 0);
	sqlite3_bind_int64(st, 1, doc_id);
	if (cJSON_IsNumber(member(p, "seq")))
		bind_int(st, 2, member(p, "seq"));
	else
		sqlite3_bind_int(st, 2, seq);
	bind_string(st, 3, member(p, "title"));
	bind_json(st, 4, pages);
	bind_int(st, 5, first_page);
	bind_string(st, 6, member(p, "unit_code"));
	bind_string(st, 7, member(p, "unit_name"));
	bind_string(st, 8, member(p, "code"));
	bind_string(st, 9, member(p, "name"));
	bind_string(st, 10, member(p, "purpose"));
	if (!run(db, st, err))
		return false;
	id = sqlite3_last_insert_rowid(db->sql);

	st = db->stmts[ST_BUDGET];
	sqlite3_bind_int64(st, 1, id);
	bind_real(st, 2, member(budget, "total"));
	bind_real(st, 3, member(budget, "fiscal"));
	bind_real(st, 4, member(budget, "other"));
	if (!run(db, st, err))
		return false;

	st = db->stmts[ST_SCHEDULE];
	i = 0;
	cJSON_ArrayForEach(item, member(p, "schedule")) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, ++i);
		bind_string(st, 3, member(item, "label"));
		bind_int(st, 4, member(item, "month"));
		bind_real(st, 5, member(item, "percent"));
		if (!run(db, st, err))
			return false;
	}

	st = db->stmts[ST_GOAL];
	i = 0;
	cJSON_ArrayForEach(item, member(p, "goals")) {
		if (!cJSON_IsString(item))
			continue;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, ++i);
		bind_string(st, 3, item);
		if (!run(db, st, err))
			return false;
	}

	st = db->stmts[ST_INDICATOR];
	i = 0;
	cJSON_ArrayForEach(item, member(p, "indicators")) {
		const cJSON *t = member(item, "target");

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, ++i);
		bind_string(st, 3, member(item, "level1"));
		bind_string(st, 4, member(item, "level2"));
		bind_string(st, 5, member(item, "level3"));
		bind_string(st, 6, member(item, "description"));
		bind_string(st, 7, member(t, "text"));
		bind_string(st, 8, member(t, "op"));
		bind_real(st, 9, member(t, "value"));
		bind_string(st, 10, member(t, "unit"));
		bind_string(st, 11, member(item, "basis"));
		bind_json(st, 12, member(item, "extra"));
		bind_int(st, 13, first_page);
		if (!run(db, st, err))
			return false;
		counts->indicators++;
	}
	counts->projects++;
	return true;
}

static char *
now_iso8601(void)
{
	GDateTime *now = g_date_time_new_now_utc();
	char *s = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");

	g_date_time_unref(now);
	return s;
}

bool
db_store(struct db *db, const struct db_document *d, struct db_counts *counts,
	struct budtab_error *err)
{
	struct db_counts local = { 0 };
	sqlite3_stmt *st;
	cJSON *root = NULL;
	const cJSON *source = NULL, *document = NULL, *item;
	g_autofree char *now = d->extracted_at ? NULL : now_iso8601();
	sqlite3_int64 doc_id;
	int i;

	if (d->ok) {
		root = cJSON_Parse(d->record_json);
		if (!cJSON_IsObject(root)) {
			error_set(err, BUDTAB_ERR_FORMAT, "%s: not a budtab/1 record",
				d->path);
			cJSON_Delete(root);
			return false;
		}
		source = member(root, "source");
		document = member(root, "document");
	}
	if (sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		fail_sql(db, err);
		cJSON_Delete(root);
		return false;
	}
	st = db->stmts[ST_DELETE];
	sqlite3_bind_text(st, 1, d->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, d->sha256, -1, SQLITE_TRANSIENT);
	if (!run(db, st, err))
		goto fail;

	st = db->stmts[ST_DOCUMENT];
	sqlite3_bind_text(st, 1, d->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, d->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, d->size);
	bind_string(st, 4, member(source, "input"));
	bind_int(st, 5, member(source, "pages"));
	bind_string(st, 6, member(document, "title"));
	bind_int(st, 7, member(document, "year"));
	bind_string(st, 8, member(document, "department"));
	sqlite3_bind_text(st, 9, d->ok ? "ok" : "failed", -1, SQLITE_STATIC);
	if (d->ok)
		sqlite3_bind_null(st, 10);
	else
		sqlite3_bind_text(st, 10, d->error ? d->error : "unknown error", -1,
			SQLITE_TRANSIENT);
	if (d->ok)
		sqlite3_bind_int(st, 11, cJSON_GetArraySize(member(root, "warnings")));
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_text(st, 12, d->extracted_at ? d->extracted_at : now, -1,
		SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 13, d->tool_version ? d->tool_version : BUDTAB_VERSION,
		-1, SQLITE_TRANSIENT);
	if (d->ok)
		sqlite3_bind_text(st, 14, d->record_json, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 14);
	if (!run(db, st, err))
		goto fail;
	doc_id = sqlite3_last_insert_rowid(db->sql);
	if (cJSON_IsNumber(member(source, "pages")))
		local.pages = (size_t)member(source, "pages")->valuedouble;

	i = 0;
	cJSON_ArrayForEach(item, member(root, "projects"))
		if (!store_project(db, doc_id, ++i, item, &local, err))
			goto fail;

	st = db->stmts[ST_WARNING];
	i = 0;
	cJSON_ArrayForEach(item, member(root, "warnings")) {
		sqlite3_bind_int64(st, 1, doc_id);
		sqlite3_bind_int(st, 2, ++i);
		bind_int(st, 3, member(item, "page"));
		if (cJSON_IsString(member(item, "code")))
			bind_string(st, 4, member(item, "code"));
		else
			sqlite3_bind_text(st, 4, "unknown", -1, SQLITE_STATIC);
		bind_string(st, 5, member(item, "message"));
		if (!run(db, st, err))
			goto fail;
	}
	if (sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fail_sql(db, err);
		goto fail;
	}
	cJSON_Delete(root);
	if (counts)
		*counts = local;
	return true;
fail:
	sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	cJSON_Delete(root);
	return false;
}

/* ---- export ---- */

static const char *const export_tables[] = {
	"documents", "projects", "indicators", "schedule", "goals", "warnings",
};

/* An empty string is written "" so that it reads back apart from NULL,
 * which is an empty field. */
static void
csv_field(FILE *f, const char *s)
{
	if (*s && !strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

/* The shortest text that reads back as the same double. */
static void
format_real(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, size, "%.17g", v);
}

static void
write_row_csv(FILE *f, sqlite3_stmt *st, int n)
{
	char buf[64];

	for (int c = 0; c < n; c++) {
		if (c > 0)
			fputc(',', f);
		switch (sqlite3_column_type(st, c)) {
		case SQLITE_INTEGER:
			fprintf(f, "%lld", (long long)sqlite3_column_int64(st, c));
			break;
		case SQLITE_FLOAT:
			format_real(buf, sizeof buf, sqlite3_column_double(st, c));
			fputs(buf, f);
			break;
		case SQLITE_NULL:
			break;
		default:
			csv_field(f, (const char *)sqlite3_column_text(st, c));
		}
	}
	fputc('\n', f);
}

static void
write_row_jsonl(FILE *f, sqlite3_stmt *st, int n)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	for (int c = 0; c < n; c++) {
		const char *name = sqlite3_column_name(st, c);

		switch (sqlite3_column_type(st, c)) {
		case SQLITE_INTEGER:
			cJSON_AddItemToObject(o, name,
				cJSON_CreateNumber((double)sqlite3_column_int64(st, c)));
			break;
		case SQLITE_FLOAT:
			cJSON_AddItemToObject(o, name,
				cJSON_CreateNumber(sqlite3_column_double(st, c)));
			break;
		case SQLITE_NULL:
			cJSON_AddItemToObject(o, name, cJSON_CreateNull());
			break;
		default:
			cJSON_AddItemToObject(o, name, cJSON_CreateString(
				(const char *)sqlite3_column_text(st, c)));
		}
	}
	s = cJSON_PrintUnformatted(o);
	fputs(s, f);
	fputc('\n', f);
	cJSON_free(s);
	cJSON_Delete(o);
}

/* Opens an existing budtab database for reading only: export and merge
 * never change what they read. */
static struct db *
open_existing(const char *path, struct budtab_error *err)
{
	struct db *db;
	int version;

	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		error_set(err, BUDTAB_ERR_IO, "%s: no such database", path);
		return NULL;
	}
	db = g_new0(struct db, 1);
	db->path = g_strdup(path);
	if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		if (db->sql)
			fail_sql(db, err);
		else
			error_set(err, BUDTAB_ERR_IO, "%s: cannot open the database", path);
		goto fail;
	}
	sqlite3_busy_timeout(db->sql, BUSY_TIMEOUT_MS);
	version = user_version(db->sql);
	if (version < 0) {
		fail_sql(db, err);
		goto fail;
	}
	if (version != SCHEMA_VERSION) {
		error_set(err, BUDTAB_ERR_FORMAT, "%s: not a budtab database "
			"(schema version %d, this budtab reads %d)", path, version,
			SCHEMA_VERSION);
		goto fail;
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

bool
budtab_db_export(const char *db_path, const char *table,
	enum budtab_export_format format, const char *path,
	struct budtab_error *err)
{
	struct db *db = NULL;
	sqlite3_stmt *st = NULL;
	g_autofree char *sql = NULL;
	bool known = false, ok = false;
	struct out_file out = { 0 };
	int n, rc;

	for (size_t i = 0; i < G_N_ELEMENTS(export_tables); i++)
		known = known || strcmp(table, export_tables[i]) == 0;
	if (!known) {
		error_set(err, BUDTAB_ERR_USAGE, "no table '%s' to export "
			"(documents, projects, indicators, schedule, goals, warnings)",
			table);
		return false;
	}
	db = open_existing(db_path, err);
	if (!db)
		return false;
	sql = g_strdup_printf("SELECT * FROM export_%s", table);
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK) {
		fail_sql(db, err);
		goto done;
	}
	if (!out_open(&out, path, err))
		goto done;
	n = sqlite3_column_count(st);
	if (format == BUDTAB_EXPORT_CSV) {
		for (int c = 0; c < n; c++) {
			if (c > 0)
				fputc(',', out.f);
			csv_field(out.f, sqlite3_column_name(st, c));
		}
		fputc('\n', out.f);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (format == BUDTAB_EXPORT_CSV)
			write_row_csv(out.f, st, n);
		else
			write_row_jsonl(out.f, st, n);
	}
	if (rc != SQLITE_DONE) {
		fail_sql(db, err);
		goto done;
	}
	ok = out_close(&out, true, err);
done:
	out_close(&out, false, NULL);
	sqlite3_finalize(st);
	db_close(db);
	return ok;
}

/* ---- merge ---- */

static bool
merge_one(struct db *dst, const char *src_path, size_t *added,
	struct budtab_error *err)
{
	struct db *src = open_existing(src_path, err);
	sqlite3_stmt *st = NULL;
	bool ok = false;
	int rc;

	if (!src)
		return false;
	if (sqlite3_prepare_v2(src->sql, "SELECT path, sha256, size, status, error,"
		    " record_json, extracted_at, tool_version FROM documents"
		    " ORDER BY path", -1, &st, NULL) != SQLITE_OK) {
		fail_sql(src, err);
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_document d = {
			.path = (const char *)sqlite3_column_text(st, 0),
			.sha256 = (const char *)sqlite3_column_text(st, 1),
			.size = sqlite3_column_int64(st, 2),
			.ok = strcmp((const char *)sqlite3_column_text(st, 3), "ok") == 0,
			.error = (const char *)sqlite3_column_text(st, 4),
			.record_json = (const char *)sqlite3_column_text(st, 5),
			.extracted_at = (const char *)sqlite3_column_text(st, 6),
			.tool_version = (const char *)sqlite3_column_text(st, 7),
		};
		enum db_have have;

		if (!db_find(dst, d.sha256, &have, err))
			goto done;
		/* An extracted document is never replaced by a failure, and a
		 * document already there is not copied again. */
		if (have == DB_HAVE_OK || (have == DB_HAVE_FAILED && !d.ok))
			continue;
		if (!db_store(dst, &d, NULL, err))
			goto done;
		if (added)
			(*added)++;
	}
	if (rc != SQLITE_DONE) {
		fail_sql(src, err);
		goto done;
	}
	ok = true;
done:
	sqlite3_finalize(st);
	db_close(src);
	return ok;
}

bool
budtab_db_merge(const char *db_path, const char *const *sources,
	size_t n_sources, size_t *added, struct budtab_error *err)
{
	struct db *dst = db_open(db_path, err);
	bool ok = dst != NULL;

	if (added)
		*added = 0;
	for (size_t i = 0; ok && i < n_sources; i++)
		ok = merge_one(dst, sources[i], added, err);
	db_close(dst);
	return ok;
}
