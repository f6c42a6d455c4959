/* The dataset in SQLite (db.c, the only file that includes sqlite3.h):
 * schema from sql/schema.sql, one transaction a document. */
#ifndef BUDTAB_DB_H
#define BUDTAB_DB_H

#include <stdint.h>

#include "model.h"

struct db;

/* Opens or creates the database at path (WAL, foreign keys on) and
 * creates the schema in a new one.  Returns NULL and fills err (the
 * message names path) when it cannot be opened or is not a budtab
 * database.  Free with db_close. */
struct db *db_open(const char *path, struct budtab_error *err);
void db_close(struct db *db);

enum db_have {
	DB_HAVE_NONE,    /* no document with this content */
	DB_HAVE_OK,      /* stored, extracted */
	DB_HAVE_FAILED,  /* stored as failed */
};

/* What the database holds for content sha256. */
bool db_find(struct db *db, const char *sha256, enum db_have *have,
	struct budtab_error *err);

/* One document as stored; strings borrowed. */
struct db_document {
	const char *path;
	const char *sha256;
	int64_t size;
	bool ok;
	const char *error;        /* failed: the reason */
	const char *record_json;  /* ok: the budtab/1 text */
	const char *extracted_at; /* NULL: now */
	const char *tool_version; /* NULL: BUDTAB_VERSION */
};

struct db_counts {
	size_t pages, projects, indicators;
};

/* Stores d in one transaction, replacing any row of the same path or the
 * same sha256 (and their projects, by cascade).  The records are read
 * from d->record_json.  counts (may be NULL) gets what was stored. */
bool db_store(struct db *db, const struct db_document *d,
	struct db_counts *counts, struct budtab_error *err);

#endif
