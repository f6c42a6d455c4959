/* budtab check: findings over the record model (struct records), so a
 * PDF, a text dump, budtab/1 JSON and a database row all share them. */
#ifndef BUDTAB_CHECK_H
#define BUDTAB_CHECK_H

#include "internal.h"
#include "records.h"

/* Checks one document's records and adds its projects and findings to
 * report under source.  Project codes repeated within one batch are
 * duplicates: a new batch starts with every call of check_begin_batch
 * (a database's documents form one batch). */
void check_records(struct budtab_report *report, const char *source,
	const struct records *r);
void check_begin_batch(struct budtab_report *report);

/* The report as budtab-check/1 JSON, g_malloc'd (sink_json.c). */
char *sink_json_check(const struct budtab_report *report);

/* Calls fn for each document of a budtab build database whose status is
 * ok (source_db.c, the only file that includes sqlite3.h).  fn returns
 * false to stop.  False and err when the file is not such a database. */
bool source_db_each(const char *path,
	bool (*fn)(void *user, const char *doc_path, const char *json, size_t len),
	void *user, struct budtab_error *err);

#endif
