/* budtab build: many documents into one database.  Worker processes
 * extract (one document at a time each, budtab/1 text back over a
 * socket pair); the calling process is the one writer.  A worker that
 * crashes or hangs costs its document only: the document is stored as
 * failed with the reason and a new worker takes the next one. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "db.h"
#include "doc.h"

#define MAX_JOBS 256
#define MAX_PATH_BYTES 65536
/* A worker's answer: the budtab/1 text of one document.  The pages and
 * glyphs limits keep it far below this. */
#define MAX_ANSWER_BYTES ((uint64_t)1 << 31)

/* Test-only hooks, read by workers only: a worker given a file whose
 * path contains the value of BUDTAB_TEST_WORKER_HANG never answers; one
 * whose path contains BUDTAB_TEST_WORKER_CRASH dies of SIGSEGV.  They
 * stand in for poppler hanging or crashing on a hostile file. */
#define ENV_HANG "BUDTAB_TEST_WORKER_HANG"
#define ENV_CRASH "BUDTAB_TEST_WORKER_CRASH"

struct input {
	char *path;
	char *relative;
};

struct job {
	const struct input *input;
	char sha256[65];
	int64_t size;
};

struct worker {
	pid_t pid;       /* 0: none running */
	int fd;          /* the writer's end of the socket pair */
	struct job job;
	bool busy;
	double started;
};

/* The header of a worker's answer; the payload follows: the budtab/1
 * text when status is BUDTAB_OK, else the one-line reason. */
struct answer {
	int32_t status;
	uint64_t len;
};

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
budtab_build_shard_of(const char *relative_path, int count)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[32];
	gsize len = sizeof digest;
	uint64_t h = 0;

	if (count <= 1) {
		g_checksum_free(sum);
		return 1;
	}
	g_checksum_update(sum, (const guchar *)relative_path, -1);
	g_checksum_get_digest(sum, digest, &len);
	g_checksum_free(sum);
	for (int i = 0; i < 8; i++)
		h = h << 8 | digest[i];
	return (int)(h % (uint64_t)count) + 1;
}

/* ---- inputs ---- */

static bool
is_document_name(const char *name)
{
	g_autofree char *lower = g_ascii_strdown(name, -1);

	return name[0] != '.' && (g_str_has_suffix(lower, ".pdf") ||
		g_str_has_suffix(lower, ".txt"));
}

static void
input_add(GArray *inputs, const char *path, const char *relative)
{
	struct input in = { g_strdup(path), g_strdup(relative) };

	g_array_append_val(inputs, in);
}

/* Every document file under dir, recursively; relative is the path of
 * dir under the input argument ("" at the top). */
static bool
walk(GArray *inputs, const char *dir, const char *relative, int depth,
	struct budtab_error *err)
{
	g_autoptr(GError) gerr = NULL;
	GDir *d;
	const char *name;

	if (depth > 64) {
		error_set(err, BUDTAB_ERR_LIMIT, "%s: directories nested too deep", dir);
		return false;
	}
	d = g_dir_open(dir, 0, &gerr);
	if (!d) {
		error_set(err, BUDTAB_ERR_IO, "%s: %s", dir, gerr->message);
		return false;
	}
	while ((name = g_dir_read_name(d))) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_autofree char *rel = *relative ?
			g_build_filename(relative, name, NULL) : g_strdup(name);

		if (name[0] == '.')
			continue;
		if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
			if (g_file_test(path, G_FILE_TEST_IS_SYMLINK))
				continue; /* no cycles through links */
			if (!walk(inputs, path, rel, depth + 1, err)) {
				g_dir_close(d);
				return false;
			}
		} else if (g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
			   is_document_name(name)) {
			input_add(inputs, path, rel);
		}
	}
	g_dir_close(d);
	return true;
}

static int
input_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(((const struct input *)a)->path,
		((const struct input *)b)->path);
}

static void
inputs_free(GArray *inputs)
{
	if (!inputs)
		return;
	for (guint i = 0; i < inputs->len; i++) {
		g_free(g_array_index(inputs, struct input, i).path);
		g_free(g_array_index(inputs, struct input, i).relative);
	}
	g_array_free(inputs, TRUE);
}

/* The inputs of this shard, sorted by path, each once. */
static GArray *
inputs_collect(const char *const *args, size_t n_args, int shard_index,
	int shard_count, struct budtab_error *err)
{
	GArray *all = g_array_new(FALSE, TRUE, sizeof(struct input));
	GArray *mine = g_array_new(FALSE, TRUE, sizeof(struct input));

	for (size_t i = 0; i < n_args; i++) {
		if (g_file_test(args[i], G_FILE_TEST_IS_DIR)) {
			if (!walk(all, args[i], "", 0, err))
				goto fail;
		} else if (g_file_test(args[i], G_FILE_TEST_IS_REGULAR)) {
			g_autofree char *base = g_path_get_basename(args[i]);

			input_add(all, args[i], base);
		} else {
			error_set(err, BUDTAB_ERR_IO, "%s: no such file or directory",
				args[i]);
			goto fail;
		}
	}
	g_array_sort(all, input_cmp);
	for (guint i = 0; i < all->len; i++) {
		struct input *in = &g_array_index(all, struct input, i);

		if (i > 0 && strcmp(in->path,
			    g_array_index(all, struct input, i - 1).path) == 0)
			continue;
		if (shard_count > 1 &&
		    budtab_build_shard_of(in->relative, shard_count) != shard_index)
			continue;
		input_add(mine, in->path, in->relative);
	}
	inputs_free(all);
	return mine;
fail:
	inputs_free(all);
	inputs_free(mine);
	return NULL;
}

/* ---- the socket between writer and worker ---- */

/* Reads (send false) or sends (send true, with MSG_NOSIGNAL: a dead
 * peer is an error, never SIGPIPE) all len bytes of buf. */
static bool
move_full(int fd, void *buf, size_t len, bool send_out)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = send_out ? send(fd, p, len, MSG_NOSIGNAL) :
				       read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool
read_full(int fd, void *buf, size_t len)
{
	return move_full(fd, buf, len, false);
}

static bool
send_full(int fd, const void *buf, size_t len)
{
	return move_full(fd, (void *)buf, len, true);
}

static void
test_hooks(const char *path)
{
	const char *hang = getenv(ENV_HANG), *crash = getenv(ENV_CRASH);

	if (hang && *hang && strstr(path, hang))
		for (;;)
			pause();
	if (crash && *crash && strstr(path, crash)) {
		/* The default action, even under a sanitizer's handler. */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
}

/* The worker's life: a path in, the document's budtab/1 text (or the
 * reason it has none) out, until the writer closes the socket. */
static G_NORETURN void
worker_main(int fd, pid_t writer, const struct budtab_patterns *patterns,
	const struct budtab_options *options)
{
#ifdef __linux__
	/* Die with the writer: a worker stuck in poppler must not outlive
	 * a killed run. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (getppid() != writer)
		_exit(0);
	for (;;) {
		struct budtab_error err = { 0 };
		struct budtab_doc *doc;
		struct answer a = { 0 };
		char *json = NULL, *path;
		uint32_t len;
		bool sent;

		if (!read_full(fd, &len, sizeof len) || len == 0 ||
		    len > MAX_PATH_BYTES)
			_exit(0);
		path = g_malloc(len + 1);
		if (!read_full(fd, path, len))
			_exit(0);
		path[len] = '\0';
		test_hooks(path);
		doc = budtab_doc_open(path, options, &err);
		if (doc && budtab_doc_extract(doc, patterns, &err))
			json = budtab_doc_records_json(doc, &err);
		budtab_doc_destroy(doc);
		a.status = json ? BUDTAB_OK : (int32_t)err.status;
		if (a.status == BUDTAB_OK && !json)
			a.status = BUDTAB_ERR_FORMAT;
		a.len = json ? strlen(json) : strlen(err.message);
		sent = send_full(fd, &a, sizeof a) &&
			send_full(fd, json ? json : err.message, a.len);
		free(json);
		g_free(path);
		if (!sent)
			_exit(0);
	}
}

struct run {
	const struct budtab_build_options *opt;
	struct budtab_options doc_options;
	struct budtab_patterns *patterns;
	struct db *db;
	GArray *inputs;
	struct worker *workers;
	int n_workers;
	size_t next;           /* next input to look at */
	GHashTable *seen;      /* sha256 -> path, of the documents sent this run */
	double start, hard_limit;
	struct budtab_build_summary sum;
};

static bool
worker_spawn(struct run *r, struct worker *w, struct budtab_error *err)
{
	int sv[2];
	pid_t writer = getpid(), pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		error_set(err, BUDTAB_ERR_IO, "cannot start a worker: %s",
			g_strerror(errno));
		return false;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		error_set(err, BUDTAB_ERR_IO, "cannot start a worker: %s",
			g_strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return false;
	}
	if (pid == 0) {
		/* The other workers' sockets stay with the writer, so that each
		 * worker sees its end close when the writer goes. */
		for (int i = 0; i < r->n_workers; i++)
			if (r->workers[i].pid > 0)
				close(r->workers[i].fd);
		close(sv[0]);
		worker_main(sv[1], writer, r->patterns, &r->doc_options);
	}
	close(sv[1]);
	w->pid = pid;
	w->fd = sv[0];
	w->busy = false;
	return true;
}

static double
cpu_seconds(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
		(double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

static void
note_rusage(struct run *r, const struct rusage *ru)
{
	if (ru->ru_maxrss > r->sum.worker_rss_kib)
		r->sum.worker_rss_kib = ru->ru_maxrss;
	r->sum.worker_cpu += cpu_seconds(ru);
}

/* Waits for a worker that was told to stop or has died; returns its wait
 * status. */
static int
worker_reap(struct run *r, struct worker *w)
{
	struct rusage ru;
	int status = 0;

	close(w->fd);
	w->fd = -1;
	while (wait4(w->pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	note_rusage(r, &ru);
	w->pid = 0;
	w->busy = false;
	return status;
}

static void
report(struct run *r, const char *path, enum budtab_build_event event,
	const char *message)
{
	struct budtab_build_progress p = {
		.path = path,
		.event = event,
		.message = message,
		.done = r->sum.ok + r->sum.failed + r->sum.skipped,
		.total = r->inputs->len,
		.pages = r->sum.pages,
		.elapsed = now_seconds() - r->start,
	};

	if (r->opt->progress)
		r->opt->progress(&p, r->opt->progress_user);
}

static bool
store_failed(struct run *r, const struct job *job, const char *reason,
	struct budtab_error *err)
{
	struct db_document d = {
		.path = job->input->path,
		.sha256 = job->sha256,
		.size = job->size,
		.ok = false,
		.error = reason,
	};

	if (!db_store(r->db, &d, NULL, err))
		return false;
	r->sum.failed++;
	report(r, job->input->path, BUDTAB_BUILD_FAILED, reason);
	return true;
}

static bool
store_ok(struct run *r, const struct job *job, const char *json,
	struct budtab_error *err)
{
	struct db_document d = {
		.path = job->input->path,
		.sha256 = job->sha256,
		.size = job->size,
		.ok = true,
		.record_json = json,
	};
	struct db_counts c;

	if (!db_store(r->db, &d, &c, err)) {
		/* An answer that does not read as budtab/1 is the document's
		 * failure; only the database's own errors stop the run. */
		if (err->status != BUDTAB_ERR_FORMAT)
			return false;
		return store_failed(r, job, err->message, err);
	}
	r->sum.ok++;
	r->sum.pages += c.pages;
	r->sum.projects += c.projects;
	r->sum.indicators += c.indicators;
	report(r, job->input->path, BUDTAB_BUILD_OK, NULL);
	return true;
}

/* Finds the next input that needs extracting (job->input NULL when none
 * is left), reporting those already in the database as skipped on the
 * way.  Returns false only on a database error. */
static bool
next_job(struct run *r, struct job *job, struct budtab_error *err)
{
	while (r->next < r->inputs->len) {
		const struct input *in = &g_array_index(r->inputs, struct input,
			r->next++);
		struct budtab_error herr = { 0 };
		enum db_have have;

		memset(job, 0, sizeof *job);
		job->input = in;
		if (!file_sha256(in->path, job->sha256, &job->size, &herr)) {
			/* No content, no identity: counted, reported, not stored. */
			r->sum.failed++;
			report(r, in->path, BUDTAB_BUILD_FAILED, herr.message);
			continue;
		}
		/* A second copy of a document in the inputs is the same
		 * document: it is skipped, whichever copy is stored. */
		if (g_hash_table_contains(r->seen, job->sha256)) {
			g_autofree char *why = g_strdup_printf("same content as %s",
				(const char *)g_hash_table_lookup(r->seen, job->sha256));

			r->sum.skipped++;
			report(r, in->path, BUDTAB_BUILD_SKIPPED, why);
			continue;
		}
		if (!db_find(r->db, job->sha256, &have, err))
			return false;
		if (have == DB_HAVE_OK ||
		    (have == DB_HAVE_FAILED && !r->opt->retry_failed)) {
			r->sum.skipped++;
			report(r, in->path, BUDTAB_BUILD_SKIPPED, have == DB_HAVE_OK ?
				"already in the database" :
				"already in the database as failed");
			continue;
		}
		g_hash_table_insert(r->seen, g_strdup(job->sha256), in->path);
		return true;
	}
	job->input = NULL;
	return true;
}

/* Gives the idle worker w the next document, if any is left.  Returns
 * false on a database error or a worker that cannot be started. */
static bool
dispatch(struct run *r, struct worker *w, struct budtab_error *err)
{
	const char *path;
	uint32_t len;

	if (!next_job(r, &w->job, err))
		return false;
	if (!w->job.input)
		return true;
	if (w->pid == 0 && !worker_spawn(r, w, err))
		return false;
	path = w->job.input->path;
	len = (uint32_t)strlen(path);
	w->busy = true;
	w->started = now_seconds();
	/* A worker that died while idle fails this send, or shows up as end
	 * of file with no answer: either way worker_lost takes it. */
	(void)(send_full(w->fd, &len, sizeof len) && send_full(w->fd, path, len));
	return true;
}



static char *
death_reason(int status)
{
	if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status));

		return g_strdup_printf("worker killed by signal SIG%s (%s)",
			abbrev ? abbrev : "?", strsignal(WTERMSIG(status)));
	}
	if (WIFEXITED(status))
		return g_strdup_printf("worker exited with status %d and no answer",
			WEXITSTATUS(status));
	return g_strdup("worker lost");
}

/* The worker died without answering: its document failed. */
static bool
worker_lost(struct run *r, struct worker *w, struct budtab_error *err)
{
	struct job job = w->job;
	int status = worker_reap(r, w);
	g_autofree char *reason = death_reason(status);

	return store_failed(r, &job, reason, err);
}

static bool
worker_answer(struct run *r, struct worker *w, struct budtab_error *err)
{
	struct answer a;
	char *payload;
	bool ok;

	if (!read_full(w->fd, &a, sizeof a) || a.len > MAX_ANSWER_BYTES)
		return worker_lost(r, w, err);
	payload = g_try_malloc(a.len + 1);
	if (!payload || !read_full(w->fd, payload, a.len)) {
		g_free(payload);
		return worker_lost(r, w, err);
	}
	payload[a.len] = '\0';
	w->busy = false;
	ok = a.status == BUDTAB_OK ? store_ok(r, &w->job, payload, err) :
		store_failed(r, &w->job, payload, err);
	g_free(payload);
	return ok;
}

static bool
worker_timeout(struct run *r, struct worker *w, struct budtab_error *err)
{
	struct job job = w->job;
	g_autofree char *reason = g_strdup_printf(
		"no result after %.0f seconds; worker killed", r->hard_limit);

	kill(w->pid, SIGKILL);
	worker_reap(r, w);
	return store_failed(r, &job, reason, err);
}

/* One round: give idle workers work, then wait for an answer, a death or
 * a deadline. */
static bool
step(struct run *r, bool *more, struct budtab_error *err)
{
	struct pollfd pfd[MAX_JOBS];
	int map[MAX_JOBS], n = 0, timeout_ms = -1, rc;
	double now;

	for (int i = 0; i < r->n_workers; i++) {
		struct worker *w = &r->workers[i];

		if (!w->busy && r->next < r->inputs->len && !dispatch(r, w, err))
			return false;
	}
	now = now_seconds();
	for (int i = 0; i < r->n_workers; i++) {
		struct worker *w = &r->workers[i];
		double left;

		if (!w->busy)
			continue;
		left = w->started + r->hard_limit - now;
		if (left <= 0) {
			*more = true;
			return worker_timeout(r, w, err);
		}
		if (timeout_ms < 0 || left * 1000 + 1 < timeout_ms)
			timeout_ms = (int)(left * 1000) + 1;
		pfd[n] = (struct pollfd){ .fd = w->fd, .events = POLLIN };
		map[n++] = i;
	}
	if (n == 0) {
		*more = r->next < r->inputs->len;
		return true;
	}
	rc = poll(pfd, (nfds_t)n, timeout_ms);
	if (rc < 0 && errno != EINTR) {
		error_set(err, BUDTAB_ERR_IO, "poll: %s", g_strerror(errno));
		return false;
	}
	for (int k = 0; rc > 0 && k < n; k++)
		if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
			if (!worker_answer(r, &r->workers[map[k]], err))
				return false;
	*more = true;
	return true;
}

static void
workers_stop(struct run *r)
{
	for (int i = 0; i < r->n_workers; i++) {
		struct worker *w = &r->workers[i];

		if (w->pid <= 0)
			continue;
		if (w->busy)
			kill(w->pid, SIGKILL);
		shutdown(w->fd, SHUT_RDWR);
		worker_reap(r, w);
	}
}

bool
budtab_build(const char *const *inputs, size_t n_inputs,
	const struct budtab_build_options *options,
	struct budtab_build_summary *summary, struct budtab_error *err)
{
	struct budtab_error local = { 0 };
	struct budtab_limits lim;
	struct run r = { .opt = options };
	struct rusage ru;
	bool ok = false, more = true;

	if (!err)
		err = &local;
	err->status = BUDTAB_OK;
	err->message[0] = '\0';
	if (summary)
		memset(summary, 0, sizeof *summary);
	if (!options || !options->db_path) {
		error_set(err, BUDTAB_ERR_USAGE, "no database named");
		return false;
	}
	if (options->jobs < 0 || options->jobs > MAX_JOBS) {
		error_set(err, BUDTAB_ERR_USAGE, "jobs must be 1 to %d", MAX_JOBS);
		return false;
	}
	if (options->shard_count < 0 || (options->shard_count > 0 &&
		    (options->shard_index < 1 ||
		     options->shard_index > options->shard_count))) {
		error_set(err, BUDTAB_ERR_USAGE, "shard must be K/N with 1 <= K <= N");
		return false;
	}
	r.start = now_seconds();
	r.doc_options = options->doc;
	doc_limits_resolve(&options->doc, &lim);
	r.doc_options.limits = lim;
	/* The library gives up between pages at max_seconds; past that plus
	 * a grace, the worker is taken to hang inside one page. */
	r.hard_limit = lim.max_seconds + CLAMP(lim.max_seconds * 0.1, 1.0, 10.0);
	r.n_workers = options->jobs > 0 ? options->jobs : 1;
	r.inputs = inputs_collect(inputs, n_inputs, options->shard_index,
		options->shard_count, err);
	if (!r.inputs)
		goto done;
	r.sum.inputs = r.inputs->len;
	r.patterns = budtab_patterns_load(options->patterns_dir, err);
	if (!r.patterns)
		goto done;
	r.db = db_open(options->db_path, err);
	if (!r.db)
		goto done;
	r.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r.workers = g_new0(struct worker, r.n_workers);
	for (int i = 0; i < r.n_workers; i++)
		r.workers[i].fd = -1;
	while (more)
		if (!step(&r, &more, err))
			goto done;
	ok = true;
done:
	if (r.workers)
		workers_stop(&r);
	g_free(r.workers);
	if (r.seen)
		g_hash_table_destroy(r.seen);
	db_close(r.db);
	budtab_patterns_destroy(r.patterns);
	inputs_free(r.inputs);
	r.sum.seconds = now_seconds() - r.start;
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		r.sum.writer_rss_kib = ru.ru_maxrss;
		r.sum.writer_cpu = cpu_seconds(&ru);
	}
	if (summary)
		*summary = r.sum;
	return ok;
}
