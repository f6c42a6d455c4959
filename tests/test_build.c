/* budtab build, export and merge on real SQLite files in a temporary
 * directory: idempotence, replacement, failures that do not stop a run,
 * a killed run resumed, shards merged, exports read back. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "budtab.h"

/* Small corpus documents (2-5 pages each), so a build takes a second. */
static const char *const docs[] = {
	"rl-cellborders-stsong.pdf",
	"cairo-watermark-wqy.pdf",
	"cairo-two-tables-wqy.pdf",
	"rl-fullwidth-wqy.pdf",
	"rl-hrules-wqy.pdf",
	"rl-unruled-stsong.pdf",
};
#define N_DOCS G_N_ELEMENTS(docs)

static char *tmp;    /* the test's directory */
static char *in_dir; /* tmp/in: the inputs */

static char *
tmp_path(const char *name)
{
	return g_build_filename(tmp, name, NULL);
}

static void
copy_file(const char *from, const char *to)
{
	g_autofree char *data = NULL;
	gsize len;

	cr_assert(g_file_get_contents(from, &data, &len, NULL), "read %s", from);
	cr_assert(g_file_set_contents(to, data, (gssize)len, NULL), "write %s", to);
}

static void
add_input(const char *corpus_name, const char *as)
{
	g_autofree char *from = g_build_filename(TEST_CORPUS_DIR, corpus_name, NULL);
	g_autofree char *to = g_build_filename(in_dir, as, NULL);

	copy_file(from, to);
}

static void
setup(void)
{
	tmp = g_dir_make_tmp("budtab-build-XXXXXX", NULL);
	cr_assert(tmp);
	in_dir = tmp_path("in");
	cr_assert(g_mkdir(in_dir, 0755) == 0);
	for (size_t i = 0; i < N_DOCS; i++)
		add_input(docs[i], docs[i]);
}

static void
remove_tree(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d) {
		while ((name = g_dir_read_name(d))) {
			g_autofree char *p = g_build_filename(path, name, NULL);

			remove_tree(p);
		}
		g_dir_close(d);
	}
	g_remove(path);
}

static void
teardown(void)
{
	remove_tree(tmp);
	g_free(in_dir);
	g_free(tmp);
}

TestSuite(build, .init = setup, .fini = teardown, .timeout = 120);

static struct budtab_build_options
options_for(const char *db)
{
	struct budtab_build_options o = { .db_path = db, .jobs = 2 };

	return o;
}

static struct budtab_build_summary
build(const struct budtab_build_options *o)
{
	struct budtab_build_summary sum;
	struct budtab_error err = { 0 };
	const char *inputs[] = { in_dir };

	cr_assert(budtab_build(inputs, 1, o, &sum, &err), "build: %s", err.message);
	return sum;
}

/* The content of every table, keyed by document path and sequence
 * numbers instead of row ids, without extracted_at: what two databases
 * built from the same inputs share. */
static char *
dump(const char *db_path)
{
	static const char *const queries[] = {
		"SELECT path, sha256, size, input, pages, title, year, department,"
		" status, error, n_warnings, tool_version, record_json"
		" FROM documents ORDER BY path",
		"SELECT d.path, p.seq, p.title, p.pages, p.first_page, p.unit_code,"
		" p.unit_name, p.code, p.name, p.purpose, b.total, b.fiscal, b.other"
		" FROM projects p JOIN documents d ON d.id = p.document_id"
		" LEFT JOIN budget b ON b.project_id = p.id ORDER BY d.path, p.seq",
		"SELECT d.path, p.seq, s.seq, s.label, s.month, s.percent FROM schedule s"
		" JOIN projects p ON p.id = s.project_id JOIN documents d ON"
		" d.id = p.document_id ORDER BY d.path, p.seq, s.seq",
		"SELECT d.path, p.seq, g.seq, g.text FROM goals g"
		" JOIN projects p ON p.id = g.project_id JOIN documents d ON"
		" d.id = p.document_id ORDER BY d.path, p.seq, g.seq",
		"SELECT d.path, p.seq, i.seq, i.level1, i.level2, i.level3,"
		" i.description, i.target_text, i.target_op, i.target_value,"
		" i.target_unit, i.basis, i.extra, i.page FROM indicators i"
		" JOIN projects p ON p.id = i.project_id JOIN documents d ON"
		" d.id = p.document_id ORDER BY d.path, p.seq, i.seq",
		"SELECT d.path, w.seq, w.page, w.code, w.message FROM warnings w"
		" JOIN documents d ON d.id = w.document_id ORDER BY d.path, w.seq",
		/* No row may outlive its document. */
		"SELECT count(*) FROM projects WHERE document_id NOT IN"
		" (SELECT id FROM documents)",
		"SELECT count(*) FROM indicators WHERE project_id NOT IN"
		" (SELECT id FROM projects)",
	};
	GString *out = g_string_new(NULL);
	sqlite3 *db;

	cr_assert(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	for (size_t q = 0; q < G_N_ELEMENTS(queries); q++) {
		sqlite3_stmt *st;

		cr_assert(sqlite3_prepare_v2(db, queries[q], -1, &st, NULL) == SQLITE_OK,
			"%s", sqlite3_errmsg(db));
		g_string_append_printf(out, "-- query %zu\n", q);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const char *v = (const char *)sqlite3_column_text(st, c);

				g_string_append(out, c ? "\x1f" : "");
				g_string_append(out, v ? v : "\\N");
			}
			g_string_append_c(out, '\n');
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return g_string_free(out, FALSE);
}

static long long
query_int(const char *db_path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	cr_assert(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	cr_assert(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s",
		sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static char *
query_text(const char *db_path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	cr_assert(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	cr_assert(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s",
		sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* budtab/1 of path as budtab extract writes it. */
static char *
extract_json(const char *path)
{
	struct budtab_error err = { 0 };
	struct budtab_patterns *pat = budtab_patterns_load(NULL, &err);
	struct budtab_doc *doc;
	char *json, *copy;

	cr_assert(pat, "%s", err.message);
	doc = budtab_doc_open(path, NULL, &err);
	cr_assert(doc, "%s: %s", path, err.message);
	cr_assert(budtab_doc_extract(doc, pat, &err));
	json = budtab_doc_records_json(doc, &err);
	cr_assert(json);
	copy = g_strdup(json);
	free(json);
	budtab_doc_destroy(doc);
	budtab_patterns_destroy(pat);
	return copy;
}

static long long
json_count(const char *db, const char *what)
{
	/* Projects or indicators as the stored budtab/1 texts count them. */
	g_autofree char *sql = g_strdup_printf(
		"SELECT sum(json_array_length(p.value, '$.%s')) FROM documents d,"
		" json_each(d.record_json, '$.projects') p WHERE d.status = 'ok'", what);

	if (strcmp(what, "projects") == 0)
		return query_int(db, "SELECT sum(json_array_length(record_json,"
			" '$.projects')) FROM documents WHERE status = 'ok'");
	return query_int(db, sql);
}

Test(build, stores_every_document_with_its_budtab1_text)
{
	g_autofree char *db = tmp_path("b.sqlite");
	struct budtab_build_options o = options_for(db);
	struct budtab_build_summary s = build(&o);

	cr_expect_eq(s.inputs, N_DOCS);
	cr_expect_eq(s.ok, N_DOCS);
	cr_expect_eq(s.failed + s.skipped, 0);
	cr_expect_eq(query_int(db, "SELECT count(*) FROM documents WHERE status = 'ok'"),
		(long long)N_DOCS);
	/* The record_json column is budtab extract's output, byte for byte. */
	for (size_t i = 0; i < N_DOCS; i++) {
		g_autofree char *path = g_build_filename(in_dir, docs[i], NULL);
		g_autofree char *want = extract_json(path);
		g_autofree char *sql = g_strdup_printf(
			"SELECT record_json FROM documents WHERE path = '%s'", path);
		g_autofree char *got = query_text(db, sql);

		cr_assert(got, "no row for %s", path);
		cr_expect_str_eq(got, want, "%s", path);
	}
	/* Rows agree with the texts they were read from. */
	cr_expect_eq(query_int(db, "SELECT count(*) FROM projects"),
		json_count(db, "projects"));
	cr_expect_eq(query_int(db, "SELECT count(*) FROM indicators"),
		json_count(db, "indicators"));
	cr_expect_eq(query_int(db, "SELECT count(*) FROM indicators"),
		(long long)s.indicators);
	cr_expect_gt(s.indicators, 0);
	{
		g_autofree char *mode = query_text(db, "PRAGMA journal_mode");

		cr_expect_str_eq(mode, "wal");
	}
}

Test(build, rebuild_is_a_no_op)
{
	g_autofree char *db = tmp_path("b.sqlite");
	struct budtab_build_options o = options_for(db);
	g_autofree char *before = NULL, *after = NULL, *t0 = NULL, *t1 = NULL;
	struct budtab_build_summary s;

	build(&o);
	before = dump(db);
	t0 = query_text(db, "SELECT group_concat(extracted_at) FROM documents");
	s = build(&o);
	cr_expect_eq(s.ok, 0);
	cr_expect_eq(s.failed, 0);
	cr_expect_eq(s.skipped, N_DOCS);
	after = dump(db);
	t1 = query_text(db, "SELECT group_concat(extracted_at) FROM documents");
	cr_expect_str_eq(after, before);
	cr_expect_str_eq(t1, t0, "no row was written again");
}

Test(build, copies_of_one_document_are_stored_once)
{
	g_autofree char *db = tmp_path("b.sqlite");
	struct budtab_build_options o = options_for(db);
	struct budtab_build_summary s;

	add_input(docs[0], "copy-of-first.pdf");
	s = build(&o);
	cr_expect_eq(s.ok, N_DOCS);
	cr_expect_eq(s.skipped, 1);
	cr_expect_eq(query_int(db, "SELECT count(*) FROM documents"), (long long)N_DOCS);
	s = build(&o);
	cr_expect_eq(s.skipped, N_DOCS + 1);
}

Test(build, changed_file_is_extracted_again)
{
	g_autofree char *db = tmp_path("b.sqlite");
	g_autofree char *path = g_build_filename(in_dir, docs[0], NULL);
	g_autofree char *old_sha = NULL, *new_sha = NULL, *sql = NULL, *json = NULL;
	struct budtab_build_options o = options_for(db);
	struct budtab_build_summary s;

	build(&o);
	sql = g_strdup_printf("SELECT sha256 FROM documents WHERE path = '%s'", path);
	old_sha = query_text(db, sql);
	/* Same path, other content. */
	add_input("lo-calc-export.pdf", docs[0]);
	s = build(&o);
	cr_expect_eq(s.ok, 1);
	cr_expect_eq(s.skipped, N_DOCS - 1);
	new_sha = query_text(db, sql);
	cr_assert(new_sha);
	cr_expect_str_neq(new_sha, old_sha);
	cr_expect_eq(query_int(db, "SELECT count(*) FROM documents"), (long long)N_DOCS);
	g_free(sql);
	sql = g_strdup_printf("SELECT count(*) FROM documents WHERE sha256 = '%s'",
		old_sha);
	cr_expect_eq(query_int(db, sql), 0);
	g_free(sql);
	sql = g_strdup_printf("SELECT record_json FROM documents WHERE path = '%s'",
		path);
	json = query_text(db, sql);
	{
		g_autofree char *want = extract_json(path);

		cr_expect_str_eq(json, want);
	}
	/* The old document's projects went with it. */
	cr_expect_eq(query_int(db, "SELECT count(*) FROM projects"),
		json_count(db, "projects"));
	cr_expect_eq(query_int(db, "SELECT count(*) FROM indicators"),
		json_count(db, "indicators"));
}

Test(build, corrupt_crashing_and_hanging_inputs_fail_and_the_run_goes_on)
{
	g_autofree char *db = tmp_path("b.sqlite");
	g_autofree char *corrupt = g_build_filename(in_dir, "corrupt.pdf", NULL);
	struct budtab_build_options o = options_for(db);
	struct budtab_build_summary s;
	g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL;

	cr_assert(g_file_set_contents(corrupt, "%PDF-1.4\nnot really\n", -1, NULL));
	add_input(docs[0], "hang-here.pdf");
	add_input(docs[1], "crash-here.pdf");
	/* Appended bytes: other content than docs[0] and docs[1]. */
	for (int i = 0; i < 2; i++) {
		g_autofree char *p = g_build_filename(in_dir, i ? "crash-here.pdf" :
			"hang-here.pdf", NULL);
		FILE *f = fopen(p, "ab");

		cr_assert(f);
		fputs(i ? "% crash\n" : "% hang\n", f);
		fclose(f);
	}
	g_setenv("BUDTAB_TEST_WORKER_HANG", "hang-here", TRUE);
	g_setenv("BUDTAB_TEST_WORKER_CRASH", "crash-here", TRUE);
	o.doc.limits.max_seconds = 3;
	s = build(&o);
	g_unsetenv("BUDTAB_TEST_WORKER_HANG");
	g_unsetenv("BUDTAB_TEST_WORKER_CRASH");
	cr_expect_eq(s.ok, N_DOCS);
	cr_expect_eq(s.failed, 3);
	cr_expect_lt(s.seconds, 60);
	e1 = query_text(db, "SELECT error FROM documents WHERE path LIKE '%corrupt.pdf'"
		" AND status = 'failed'");
	e2 = query_text(db, "SELECT error FROM documents WHERE path LIKE '%hang-here.pdf'"
		" AND status = 'failed'");
	e3 = query_text(db, "SELECT error FROM documents WHERE path LIKE '%crash-here.pdf'"
		" AND status = 'failed'");
	cr_assert(e1 && e2 && e3);
	cr_expect(strlen(e1) > 0);
	cr_expect(strstr(e2, "worker killed"), "%s", e2);
	cr_expect(strstr(e3, "SIGSEGV"), "%s", e3);
	cr_expect_eq(query_int(db, "SELECT count(*) FROM documents WHERE status = 'failed'"
		" AND record_json IS NULL"), 3);
	/* Failed documents are not tried again unless asked. */
	s = build(&o);
	cr_expect_eq(s.skipped, N_DOCS + 3);
	o.retry_failed = true;
	o.doc.limits.max_seconds = 0;
	s = build(&o);
	cr_expect_eq(s.ok, 2, "hang and crash hooks are off now (ok %zu, failed %zu, skipped %zu)", s.ok, s.failed, s.skipped);
	cr_expect_eq(s.failed, 1);
}

Test(build, slow_document_fails_at_the_time_limit)
{
	g_autofree char *db = tmp_path("b.sqlite");
	struct budtab_build_options o = options_for(db);
	struct budtab_build_summary s;
	g_autofree char *e = NULL;

	add_input("huailai-2024-zrzy.pdf", "slow.pdf");
	o.doc.limits.max_seconds = 1e-6;
	s = build(&o);
	cr_expect_eq(s.failed, N_DOCS + 1, "every multi-page document is over 1 us");
	e = query_text(db, "SELECT error FROM documents WHERE path LIKE '%slow.pdf'");
	cr_assert(e);
	cr_expect(strstr(e, "time limit"), "%s", e);
}

struct kill_after {
	size_t n;
};

static void
kill_after_progress(const struct budtab_build_progress *p, void *user)
{
	struct kill_after *k = user;

	if (p->event == BUDTAB_BUILD_OK && --k->n == 0)
		raise(SIGKILL);
}

Test(build, killed_run_resumes_to_the_same_database)
{
	g_autofree char *ref = tmp_path("ref.sqlite"), *db = tmp_path("b.sqlite");
	g_autofree char *want = NULL, *got = NULL;
	struct budtab_build_options o = options_for(ref);
	struct budtab_build_summary s;
	int status;
	pid_t pid;

	build(&o);
	want = dump(ref);

	o = options_for(db);
	o.jobs = 1;
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct kill_after k = { 2 };
		const char *inputs[] = { in_dir };

		o.progress = kill_after_progress;
		o.progress_user = &k;
		budtab_build(inputs, 1, &o, NULL, NULL);
		_exit(0);
	}
	cr_assert(waitpid(pid, &status, 0) == pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		"the build was killed with SIGKILL");
	/* What was committed before the kill is there. */
	cr_expect_eq(query_int(db, "SELECT count(*) FROM documents"), 2);
	o.jobs = 2;
	s = build(&o);
	cr_expect_eq(s.skipped, 2);
	cr_expect_eq(s.ok, N_DOCS - 2);
	got = dump(db);
	cr_expect_str_eq(got, want);
}

Test(build, killed_at_any_moment_resumes_to_the_same_database)
{
	g_autofree char *ref = tmp_path("ref.sqlite");
	g_autofree char *want = NULL;
	struct budtab_build_options o = options_for(ref);

	build(&o);
	want = dump(ref);
	/* Kill -9 at a few moments spread over the run, each time into a
	 * new database, then finish it. */
	for (int k = 0; k < 3; k++) {
		g_autofree char *name = g_strdup_printf("k%d.sqlite", k);
		g_autofree char *db = tmp_path(name), *got = NULL;
		const char *inputs[] = { in_dir };
		pid_t pid;

		o = options_for(db);
		pid = fork();
		cr_assert(pid >= 0);
		if (pid == 0) {
			budtab_build(inputs, 1, &o, NULL, NULL);
			_exit(0);
		}
		g_usleep((gulong)(150000 + 450000 * k));
		kill(pid, SIGKILL);
		cr_assert(waitpid(pid, NULL, 0) == pid);
		build(&o);
		got = dump(db);
		cr_expect_str_eq(got, want, "killed after %d ms", 150 + 450 * k);
	}
}

Test(build, shards_merged_equal_one_full_run)
{
	g_autofree char *ref = tmp_path("ref.sqlite"), *merged = tmp_path("m.sqlite");
	g_autofree char *want = NULL, *got = NULL;
	char *shards[3];
	struct budtab_build_options o = options_for(ref);
	struct budtab_error err = { 0 };
	size_t total = 0, added;

	build(&o);
	want = dump(ref);
	for (int k = 0; k < 3; k++) {
		g_autofree char *name = g_strdup_printf("shard%d.sqlite", k + 1);
		struct budtab_build_summary s;

		shards[k] = tmp_path(name);
		o = options_for(shards[k]);
		o.shard_index = k + 1;
		o.shard_count = 3;
		s = build(&o);
		cr_expect_eq(s.ok, s.inputs);
		total += s.inputs;
	}
	cr_expect_eq(total, N_DOCS, "the shards divide the inputs");
	cr_assert(budtab_db_merge(merged, (const char *const *)shards, 3, &added, &err),
		"%s", err.message);
	cr_expect_eq(added, N_DOCS);
	got = dump(merged);
	cr_expect_str_eq(got, want);
	/* Merging again adds nothing. */
	cr_assert(budtab_db_merge(merged, (const char *const *)shards, 3, &added, &err));
	cr_expect_eq(added, 0);
	g_free(got);
	got = dump(merged);
	cr_expect_str_eq(got, want);
	for (int k = 0; k < 3; k++)
		g_free(shards[k]);
}

Test(build, shard_of_a_path_is_stable)
{
	/* Fixed by the SHA-256 of the relative path: the README's recipe
	 * depends on these values never changing. */
	cr_expect_eq(budtab_build_shard_of("a.pdf", 1), 1);
	for (int n = 2; n < 10; n++) {
		int k = budtab_build_shard_of("x/y.pdf", n);

		cr_expect(k >= 1 && k <= n);
		cr_expect_eq(k, budtab_build_shard_of("x/y.pdf", n));
	}
}

/* ---- export ---- */

static char *
export_file(const char *db, const char *table, enum budtab_export_format f)
{
	g_autofree char *name = g_strdup_printf("%s.%s", table,
		f == BUDTAB_EXPORT_CSV ? "csv" : "jsonl");
	char *path = tmp_path(name);
	struct budtab_error err = { 0 };
	char *data;

	cr_assert(budtab_db_export(db, table, f, path, &err), "%s", err.message);
	cr_assert(g_file_get_contents(path, &data, NULL, NULL));
	g_free(path);
	return data;
}

/* RFC 4180 CSV -> rows of fields (NULL for an empty unquoted field). */
static GPtrArray *
parse_csv(const char *s)
{
	GPtrArray *rows = g_ptr_array_new();
	GPtrArray *row = g_ptr_array_new_with_free_func(g_free);

	while (*s) {
		GString *f = g_string_new(NULL);
		bool quoted = *s == '"';

		if (quoted) {
			for (s++; *s; s++) {
				if (*s == '"' && s[1] == '"')
					g_string_append_c(f, *s++);
				else if (*s == '"')
					break;
				else
					g_string_append_c(f, *s);
			}
			s++;
		} else {
			while (*s && *s != ',' && *s != '\n')
				g_string_append_c(f, *s++);
		}
		g_ptr_array_add(row, !quoted && f->len == 0 ?
			(g_string_free(f, TRUE), NULL) : g_string_free(f, FALSE));
		if (*s == ',') {
			s++;
		} else {
			g_ptr_array_add(rows, row);
			row = g_ptr_array_new_with_free_func(g_free);
			if (*s == '\n')
				s++;
		}
	}
	g_ptr_array_free(row, TRUE);
	return rows;
}

static bool
same_number(const char *text, double v)
{
	return text && fabs(g_ascii_strtod(text, NULL) - v) <= 1e-9 * fmax(1, fabs(v));
}

/* A JSONL value and the CSV field for it. */
static void
expect_csv_matches(const cJSON *v, const char *field, const char *what)
{
	if (cJSON_IsNull(v))
		cr_expect_null(field, "%s: want empty", what);
	else if (cJSON_IsNumber(v))
		cr_expect(same_number(field, v->valuedouble), "%s: %s vs %g", what,
			field, v->valuedouble);
	else
		cr_expect_str_eq(field, v->valuestring, "%s", what);
}

static void
expect_same(const cJSON *got, const cJSON *want, const char *what)
{
	cr_expect(cJSON_Compare(got, want, true), "%s: %s vs %s", what,
		cJSON_PrintUnformatted(got), cJSON_PrintUnformatted(want));
}

static const cJSON *
get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* A JSONL string column that holds JSON (pages, extra, schedule, goals). */
static cJSON *
inner(const cJSON *row, const char *k)
{
	const cJSON *v = get(row, k);

	return cJSON_IsString(v) ? cJSON_Parse(v->valuestring) : cJSON_CreateNull();
}

/* Every row of one export, in JSONL and in CSV, is the same; returns the
 * JSONL rows. */
static cJSON *
export_both(const char *db, const char *table)
{
	g_autofree char *jsonl = export_file(db, table, BUDTAB_EXPORT_JSONL);
	g_autofree char *csv = export_file(db, table, BUDTAB_EXPORT_CSV);
	g_auto(GStrv) lines = g_strsplit(jsonl, "\n", -1);
	GPtrArray *rows = parse_csv(csv);
	cJSON *all = cJSON_CreateArray();
	GPtrArray *header = rows->pdata[0];

	for (guint i = 0; lines[i] && *lines[i]; i++) {
		cJSON *o = cJSON_Parse(lines[i]);
		GPtrArray *r;
		const cJSON *v;
		guint c = 0;

		cr_assert(o, "line %u is JSON", i + 1);
		cr_assert(i + 1 < rows->len, "CSV has row %u", i + 1);
		r = rows->pdata[i + 1];
		cr_assert_eq(r->len, header->len);
		cJSON_ArrayForEach(v, o) {
			cr_assert(c < header->len);
			cr_expect_str_eq(header->pdata[c], v->string);
			expect_csv_matches(v, r->pdata[c], v->string);
			c++;
		}
		cr_expect_eq(c, header->len);
		cJSON_AddItemToArray(all, o);
	}
	cr_expect_eq((guint)cJSON_GetArraySize(all), rows->len - 1, "%s rows", table);
	for (guint i = 0; i < rows->len; i++)
		g_ptr_array_free(rows->pdata[i], TRUE);
	g_ptr_array_free(rows, TRUE);
	return all;
}

Test(build, export_round_trips_every_field)
{
	g_autofree char *db = tmp_path("b.sqlite");
	struct budtab_build_options o = options_for(db);
	cJSON *documents, *projects, *indicators;
	size_t pi = 0, ii = 0, di = 0;
	sqlite3 *sql;
	sqlite3_stmt *st;

	build(&o);
	documents = export_both(db, "documents");
	projects = export_both(db, "projects");
	indicators = export_both(db, "indicators");
	cr_assert(sqlite3_open_v2(db, &sql, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	cr_assert(sqlite3_prepare_v2(sql, "SELECT path, sha256, size, record_json,"
		" extracted_at FROM documents ORDER BY path", -1, &st, NULL) == SQLITE_OK);
	/* Walk each stored budtab/1 text and find each of its fields in the
	 * exports, in order. */
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		cJSON *rec = cJSON_Parse((const char *)sqlite3_column_text(st, 3));
		const cJSON *d = get(rec, "document"), *src = get(rec, "source");
		const cJSON *drow = cJSON_GetArrayItem(documents, (int)di++), *p;

		cr_assert(rec && drow);
		cr_expect_str_eq(get(drow, "path")->valuestring, path);
		cr_expect_str_eq(get(drow, "sha256")->valuestring,
			(const char *)sqlite3_column_text(st, 1));
		cr_expect_eq(get(drow, "size")->valuedouble, sqlite3_column_int64(st, 2));
		cr_expect_str_eq(get(drow, "extracted_at")->valuestring,
			(const char *)sqlite3_column_text(st, 4));
		cr_expect_str_eq(get(drow, "status")->valuestring, "ok");
		cr_expect_str_eq(get(drow, "tool_version")->valuestring, BUDTAB_VERSION);
		expect_same(get(drow, "input"), get(src, "input"), "input");
		expect_same(get(drow, "pages"), get(src, "pages"), "pages");
		expect_same(get(drow, "title"), get(d, "title"), "title");
		expect_same(get(drow, "year"), get(d, "year"), "year");
		expect_same(get(drow, "department"), get(d, "department"), "department");
		cr_expect_eq(get(drow, "n_warnings")->valuedouble,
			cJSON_GetArraySize(get(rec, "warnings")));
		cJSON_ArrayForEach(p, get(rec, "projects")) {
			const cJSON *prow = cJSON_GetArrayItem(projects, (int)pi++), *ind;
			const cJSON *b = get(p, "budget");
			cJSON *pages = inner(prow, "pages"), *sched = inner(prow, "schedule");
			cJSON *goals = inner(prow, "goals");

			cr_assert(prow, "project row %zu", pi);
			cr_expect_str_eq(get(prow, "path")->valuestring, path);
			expect_same(get(prow, "year"), get(d, "year"), "year");
			expect_same(get(prow, "department"), get(d, "department"), "dept");
			expect_same(get(prow, "seq"), get(p, "seq"), "seq");
			expect_same(get(prow, "title"), get(p, "title"), "title");
			expect_same(pages, get(p, "pages"), "pages");
			expect_same(get(prow, "unit_code"), get(p, "unit_code"), "unit_code");
			expect_same(get(prow, "unit_name"), get(p, "unit_name"), "unit_name");
			expect_same(get(prow, "code"), get(p, "code"), "code");
			expect_same(get(prow, "name"), get(p, "name"), "name");
			expect_same(get(prow, "budget_total"), get(b, "total"), "total");
			expect_same(get(prow, "budget_fiscal"), get(b, "fiscal"), "fiscal");
			expect_same(get(prow, "budget_other"), get(b, "other"), "other");
			expect_same(get(prow, "purpose"), get(p, "purpose"), "purpose");
			expect_same(sched, get(p, "schedule"), "schedule");
			expect_same(goals, get(p, "goals"), "goals");
			cr_expect_eq(get(prow, "n_indicators")->valuedouble,
				cJSON_GetArraySize(get(p, "indicators")), "n_indicators");
			cJSON_Delete(pages);
			cJSON_Delete(sched);
			cJSON_Delete(goals);
			cJSON_ArrayForEach(ind, get(p, "indicators")) {
				const cJSON *irow = cJSON_GetArrayItem(indicators, (int)ii++);
				const cJSON *t = get(ind, "target");
				cJSON *extra = inner(irow, "extra");
				const cJSON *want_extra = get(ind, "extra");

				cr_assert(irow, "indicator row %zu", ii);
				cr_expect_str_eq(get(irow, "path")->valuestring, path);
				expect_same(get(irow, "project_seq"), get(p, "seq"), "pseq");
				expect_same(get(irow, "project_code"), get(p, "code"), "pcode");
				expect_same(get(irow, "project_name"), get(p, "name"), "pname");
				expect_same(get(irow, "unit_name"), get(p, "unit_name"), "unit");
				expect_same(get(irow, "budget_total"), get(b, "total"), "budget");
				expect_same(get(irow, "year"), get(d, "year"), "year");
				expect_same(get(irow, "department"), get(d, "department"), "dept");
				expect_same(get(irow, "level1"), get(ind, "level1"), "level1");
				expect_same(get(irow, "level2"), get(ind, "level2"), "level2");
				expect_same(get(irow, "level3"), get(ind, "level3"), "level3");
				expect_same(get(irow, "description"), get(ind, "description"), "desc");
				expect_same(get(irow, "target_text"), get(t, "text"), "text");
				expect_same(get(irow, "target_op"), get(t, "op"), "op");
				expect_same(get(irow, "target_value"), get(t, "value"), "value");
				expect_same(get(irow, "target_unit"), get(t, "unit"), "unit");
				expect_same(get(irow, "basis"), get(ind, "basis"), "basis");
				if (want_extra)
					expect_same(extra, want_extra, "extra");
				else
					cr_expect(cJSON_IsNull(extra), "no extra");
				expect_same(get(irow, "page"), cJSON_IsArray(get(p, "pages")) ?
					cJSON_GetArrayItem(get(p, "pages"), 0) : get(p, "pages"),
					"page");
				cJSON_Delete(extra);
			}
		}
		cJSON_Delete(rec);
	}
	sqlite3_finalize(st);
	sqlite3_close(sql);
	cr_expect_eq(di, (size_t)cJSON_GetArraySize(documents));
	cr_expect_eq(pi, (size_t)cJSON_GetArraySize(projects));
	cr_expect_eq(ii, (size_t)cJSON_GetArraySize(indicators));
	cr_expect_gt(ii, 0);
	cJSON_Delete(documents);
	cJSON_Delete(projects);
	cJSON_Delete(indicators);
}
