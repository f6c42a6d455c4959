/* budtab: performance-goal tables from Chinese budget disclosures.
 *
 * The one public header.  Types are opaque; no GLib, poppler, PCRE2 or
 * cJSON type appears here.  The library never prints and never exits:
 * every failure comes back as a status with a one-line message. */
#ifndef BUDTAB_H
#define BUDTAB_H

#include <stdbool.h>
#include <stddef.h>

#if defined(BUDTAB_BUILDING) && defined(__GNUC__)
#define BUDTAB_API __attribute__((visibility("default")))
#else
#define BUDTAB_API
#endif

#define BUDTAB_VERSION "0.1.0"
#define BUDTAB_FORMAT "budtab/1"
#define BUDTAB_GRIDS_FORMAT "budtab-grids/1"

enum budtab_status {
	BUDTAB_OK = 0,
	BUDTAB_ERR_IO,        /* a file cannot be read or written */
	BUDTAB_ERR_FORMAT,    /* not a PDF or text dump, or damaged past reading */
	BUDTAB_ERR_ENCRYPTED, /* a password is needed, or the one given is wrong */
	BUDTAB_ERR_EMPTY,     /* the document has no pages */
	BUDTAB_ERR_LIMIT,     /* an input-driven size is over its limit */
	BUDTAB_ERR_TIMEOUT,   /* the per-document time limit ran out */
	BUDTAB_ERR_PATTERNS,  /* a pattern file cannot be read or compiled */
	BUDTAB_ERR_USAGE,     /* the caller asked for something impossible */
};

/* Filled by the function that detects the problem; callers pass it up. */
struct budtab_error {
	enum budtab_status status;
	char message[512];
};

enum budtab_input {
	BUDTAB_INPUT_AUTO = 0, /* from the file's content */
	BUDTAB_INPUT_PDF,
	BUDTAB_INPUT_TEXT,
};

/* Limits on input-driven sizes; zero means the default. */
struct budtab_limits {
	int max_pages;         /* default 5000 */
	int max_glyphs;        /* per page, default 200000 */
	int max_cells;         /* per table, default 100000 */
	double max_seconds;    /* per document, default 300 */
};

struct budtab_options {
	enum budtab_input input;
	const char *password;  /* for encrypted PDFs, or NULL */
	int first_page;        /* 1-based; 0 for the first */
	int last_page;         /* 1-based, inclusive; 0 for the last */
	struct budtab_limits limits;
};

struct budtab_patterns;
struct budtab_doc;

/* Loads every .pat file of dir (see patterns/README.md).  Returns NULL
 * and fills err on a missing directory or a pattern that does not
 * compile (the message names file:line).  Free with
 * budtab_patterns_destroy. */
BUDTAB_API struct budtab_patterns *budtab_patterns_load(const char *dir,
	struct budtab_error *err);
BUDTAB_API void budtab_patterns_destroy(struct budtab_patterns *patterns);

/* The directory budtab_patterns_load uses when none is named:
 * $BUDTAB_PATTERNS, else the installed data directory, else a patterns/
 * directory beside the executable or up to two levels above it (a build
 * tree inside the source tree), else ./patterns.  Returns a static
 * string. */
BUDTAB_API const char *budtab_patterns_default_dir(void);

/* Reads a document and finds its tables.  Returns NULL and fills err when
 * the file cannot be read at all; a document with no table is not an
 * error.  Free with budtab_doc_destroy. */
BUDTAB_API struct budtab_doc *budtab_doc_open(const char *path,
	const struct budtab_options *options, struct budtab_error *err);
BUDTAB_API void budtab_doc_destroy(struct budtab_doc *doc);

/* Maps the document's tables onto project records. */
BUDTAB_API bool budtab_doc_extract(struct budtab_doc *doc,
	const struct budtab_patterns *patterns, struct budtab_error *err);

/* Count of warnings recorded on the document so far (pages without a
 * text layer, doubtful values, ...). */
BUDTAB_API size_t budtab_doc_n_warnings(const struct budtab_doc *doc);
/* The i-th warning as "page N: code: message" or "code: message";
 * borrowed, valid until the doc is destroyed. */
BUDTAB_API const char *budtab_doc_warning(const struct budtab_doc *doc,
	size_t i);
BUDTAB_API size_t budtab_doc_n_projects(const struct budtab_doc *doc);

enum budtab_grid_format {
	BUDTAB_GRIDS_JSON,
	BUDTAB_GRIDS_CSV,
};

/* Writes budtab/1 (records) or budtab-grids/1 to path, through a
 * temporary file renamed into place, so a failure never leaves half a
 * file; path "-" writes to standard output. */
BUDTAB_API bool budtab_doc_write_records(const struct budtab_doc *doc,
	const char *path, struct budtab_error *err);
BUDTAB_API bool budtab_doc_write_grids(const struct budtab_doc *doc,
	enum budtab_grid_format format, const char *path,
	struct budtab_error *err);

/* budtab check: findings about the published records, alone and held
 * against the user's internal records (docs/check.md). */

#define BUDTAB_CHECK_FORMAT "budtab-check/1"

enum budtab_severity {
	BUDTAB_NOTE,     /* said for information; does not make the run fail */
	BUDTAB_FINDING,  /* an inconsistency a reviewer would flag */
};

/* A value a finding is about: a number, or a text (NULL for null). */
struct budtab_value {
	const char *name;
	const char *text;
	bool is_number;
	double number;
};

struct budtab_finding {
	const char *code;               /* stable, machine-readable */
	enum budtab_severity severity;
	int page;                       /* 1-based; 0 when unknown */
	const char *message;            /* one line */
	const struct budtab_value *values;
	size_t n_values;
};

/* The findings of one project, of one input as a whole (seq 0), or of
 * one internal record with no published project (seq -1). */
struct budtab_group {
	const char *source;             /* the input path; "DB:PATH" for a database's document */
	int seq;
	const char *project;            /* 项目编码, or NULL */
	const char *name;               /* 项目名称, or NULL */
	int page;                       /* first page of the project, or 0 */
	const struct budtab_finding *findings;
	size_t n_findings;
};

struct budtab_report;
struct budtab_internal;

/* An empty report whose checks use patterns (borrowed: keep it alive
 * as long as the report).  Free with budtab_report_destroy. */
BUDTAB_API struct budtab_report *budtab_report_create(
	const struct budtab_patterns *patterns);
BUDTAB_API void budtab_report_destroy(struct budtab_report *report);

/* Reads path and checks what it holds; the kind is told from content:
 * a PDF (%PDF-), budtab/1 JSON ({), a budtab build database (the
 * SQLite header; every document whose status is ok), else a text dump.
 * False and err when it cannot be read (a database row that cannot be
 * read is a finding, not a failure). */
BUDTAB_API bool budtab_report_check_file(struct budtab_report *report,
	const char *path, const struct budtab_options *options,
	struct budtab_error *err);
/* Checks budtab/1 JSON held in memory; source names it in the report. */
BUDTAB_API bool budtab_report_check_json(struct budtab_report *report,
	const char *source, const char *buf, size_t len,
	struct budtab_error *err);

/* Internal records from a CSV or JSON file (see docs/check.md); map_path
 * (or NULL) names other headers; amounts in 万元, or 元 when yuan.
 * patterns recognise the usual headers.  Free with
 * budtab_internal_destroy. */
BUDTAB_API struct budtab_internal *budtab_internal_load(const char *path,
	const char *map_path, bool yuan, const struct budtab_patterns *patterns,
	struct budtab_error *err);
BUDTAB_API void budtab_internal_destroy(struct budtab_internal *internal);
/* Holds every project checked so far against internal: matched,
 * differs, only published, only internal.  Call once, after the last
 * input. */
BUDTAB_API void budtab_report_compare(struct budtab_report *report,
	const struct budtab_internal *internal);

/* Groups in input order, projects in document order; borrowed, valid
 * until the next call that adds to the report. */
BUDTAB_API size_t budtab_report_n_groups(const struct budtab_report *report);
BUDTAB_API const struct budtab_group *budtab_report_group(
	const struct budtab_report *report, size_t i);
/* Projects checked, and findings of a severity over all groups. */
BUDTAB_API size_t budtab_report_n_projects(const struct budtab_report *report);
BUDTAB_API size_t budtab_report_count(const struct budtab_report *report,
	enum budtab_severity severity);
/* Writes the report as budtab-check/1 JSON (docs/check.md) to path
 * ("-" for standard output) through a temporary file. */
BUDTAB_API bool budtab_report_write_json(const struct budtab_report *report,
	const char *path, struct budtab_error *err);

/* The budtab/1 document of an extracted doc as a malloc'd JSON string
 * (free with free()), or NULL with err filled when doc was not
 * extracted. */
BUDTAB_API char *budtab_doc_records_json(const struct budtab_doc *doc,
	struct budtab_error *err);

/* ---- The dataset: many documents into one SQLite database ----
 * Schema in sql/schema.sql; the README shows queries on it. */

enum budtab_build_event {
	BUDTAB_BUILD_OK,       /* extracted and stored */
	BUDTAB_BUILD_FAILED,   /* stored with status 'failed' and its reason */
	BUDTAB_BUILD_SKIPPED,  /* already in the database with this content */
};

/* What the progress callback sees after each document. */
struct budtab_build_progress {
	const char *path;             /* the document just handled */
	enum budtab_build_event event;
	const char *message;          /* the reason for FAILED, or what SKIPPED it */
	size_t done, total;           /* documents handled / to handle in this run */
	size_t pages;                 /* pages extracted so far in this run */
	double elapsed;               /* seconds since the run started */
};

typedef void (*budtab_build_progress_fn)(const struct budtab_build_progress *p,
	void *user);

struct budtab_build_options {
	const char *db_path;          /* created when missing */
	int jobs;                     /* worker processes; 0 means 1 */
	int shard_index, shard_count; /* K/N (1-based K); 0/0 for all inputs */
	bool retry_failed;            /* re-extract documents stored as failed */
	const char *patterns_dir;     /* NULL: budtab_patterns_default_dir() */
	struct budtab_options doc;    /* per-document options and limits */
	budtab_build_progress_fn progress; /* may be NULL; called in the caller's process */
	void *progress_user;
};

struct budtab_build_summary {
	size_t inputs;                /* files found in this shard */
	size_t ok, failed, skipped;
	size_t pages, projects, indicators; /* of the documents stored in this run */
	double seconds;
	long writer_rss_kib;          /* peak RSS of the calling (writer) process */
	long worker_rss_kib;          /* largest peak RSS of a worker */
	double writer_cpu;            /* CPU seconds (user + system) of the writer */
	double worker_cpu;            /* CPU seconds of all the workers together */
};

/* Extracts every .pdf and .txt file under the inputs (directories,
 * walked recursively, or files) into the database at options->db_path.
 * Each document is extracted in a worker process (a crash or a hang
 * costs only that document, recorded as failed) and stored in its own
 * transaction by the caller's process, so an interrupted run resumes
 * where it stopped.  Returns false and fills err only when the run
 * cannot go on (the database cannot be opened or written, no pattern
 * set, a directory that cannot be read); failed documents are counted
 * in summary, which may be NULL. */
BUDTAB_API bool budtab_build(const char *const *inputs, size_t n_inputs,
	const struct budtab_build_options *options,
	struct budtab_build_summary *summary, struct budtab_error *err);

/* Which shard (1-based, of count) a file falls in: the first 8 bytes of
 * the SHA-256 of its path relative to the input argument (its base name
 * for a file argument), big-endian, modulo count, plus one. */
BUDTAB_API int budtab_build_shard_of(const char *relative_path, int count);

enum budtab_export_format {
	BUDTAB_EXPORT_JSONL,
	BUDTAB_EXPORT_CSV,
};

/* Writes one flat table of the database (documents, projects,
 * indicators, schedule, goals, warnings) to path through a temporary
 * file renamed into place ("-" for standard output).  JSONL: one object
 * a row, SQL NULL as null.  CSV: a header line, RFC 4180 quoting, NULL
 * as an empty field. */
BUDTAB_API bool budtab_db_export(const char *db_path, const char *table,
	enum budtab_export_format format, const char *path,
	struct budtab_error *err);

/* Adds the documents of each source database to the one at db_path
 * (created when missing): a sha256 already stored as ok is skipped, so
 * merging shards of one run, in any order and more than once, gives no
 * duplicates.  *added (may be NULL) counts the documents copied. */
BUDTAB_API bool budtab_db_merge(const char *db_path,
	const char *const *sources, size_t n_sources, size_t *added,
	struct budtab_error *err);

#endif
