/* A budtab build database: the documents table's budtab/1 JSON.  The
 * only file that includes sqlite3.h. */
#include <glib.h>
#include <sqlite3.h>
#include <string.h>

#include "check.h"
#include "model.h"

bool
source_db_each(const char *path,
	bool (*fn)(void *user, const char *doc_path, const char *json, size_t len),
	void *user, struct budtab_error *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db,
			"SELECT path, record_json FROM documents WHERE status = 'ok' ORDER BY rowid",
			-1, &st, NULL);
	if (rc != SQLITE_OK) {
		error_set(err, BUDTAB_ERR_FORMAT, "not a budtab build database: %s",
			db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_finalize(st);
		sqlite3_close(db);
		return false;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *doc = (const char *)sqlite3_column_text(st, 0);
		const char *json = (const char *)sqlite3_column_text(st, 1);
		size_t len = json ? (size_t)sqlite3_column_bytes(st, 1) : 0;

		if (!fn(user, doc ? doc : "(no path)", json ? json : "", len))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		error_set(err, BUDTAB_ERR_FORMAT, "database read error: %s",
			sqlite3_errmsg(db));
		sqlite3_finalize(st);
		sqlite3_close(db);
		return false;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return true;
}
