/* The command line: options, the loop over inputs, messages, exit codes.
 * Everything else lives in the library. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>

#include "budtab.h"

/* Exit codes, listed in the README. */
enum {
	EXIT_OK = 0,        /* every input was read */
	EXIT_INPUT = 1,     /* at least one input could not be read; the others were */
	EXIT_USAGE = 2,     /* bad command line, or a pattern file that does not load */
	EXIT_DB = 3,        /* build/export/merge: the database cannot be opened or written,
			       or an input directory cannot be listed; the run stopped */
};

/* The library checks --max-seconds between pages; one page (a poppler
 * call) cannot be interrupted from inside.  So a watchdog gives each
 * document its limit plus a grace period and then ends the process with
 * the one message, prepared beforehand because a signal handler may
 * only write(). */
#define DEFAULT_MAX_SECONDS 300.0
#define WATCHDOG_GRACE 10
static char watchdog_message[1024];
static size_t watchdog_len;
/* Standard error as it was at the start: the library points descriptor
 * 2 at /dev/null while poppler draws a page, which is where a page
 * hangs. */
static int watchdog_fd = -1;

static void
watchdog_fired(int sig)
{
	ssize_t n = write(watchdog_fd >= 0 ? watchdog_fd : STDERR_FILENO,
		watchdog_message, watchdog_len);

	(void)n;
	(void)sig;
	_exit(1);
}

static void
watchdog_arm(const char *path, double max_seconds)
{
	unsigned secs = (unsigned)MIN(ceil(max_seconds) + WATCHDOG_GRACE, 1e9);
	int n = snprintf(watchdog_message, sizeof watchdog_message,
		"budtab: %s: stuck past the time limit of %g s (in one page, or "
		"reading); gave up after %u s (--max-seconds)\n", path,
		max_seconds, secs);

	if (watchdog_fd < 0)
		watchdog_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	watchdog_len = n < 0 ? 0 : MIN((size_t)n, sizeof watchdog_message - 1);
	if (watchdog_len && watchdog_message[watchdog_len - 1] != '\n')
		watchdog_message[watchdog_len - 1] = '\n';
	signal(SIGALRM, watchdog_fired);
	alarm(secs);
}

static const char usage[] =
	"usage: budtab extract [options] FILE...   performance-goal tables as budtab/1 JSON\n"
	"       budtab grids [options] FILE...     every table as budtab-grids/1 JSON or CSV\n"
	"       budtab check [options] FILE...     findings in published records (PDF, text dump,\n"
	"                                          budtab/1 JSON or a budtab build database)\n"
	"       budtab build --db DB [options] DIR...  the documents under DIR into SQLite\n"
	"       budtab export --db DB --format jsonl|csv [--table T] [-o FILE]\n"
	"       budtab merge --db DB SHARD.sqlite...   shard databases into one\n"
	"       budtab --help | --version\n"
	"\n"
	"options:\n"
	"  -o, --output PATH      write there instead of standard output; a directory\n"
	"                         (or several inputs) gets one NAME.json/NAME.csv per input\n"
	"      --pages A-B        read only pages A to B (1-based; A, A-, -B also work)\n"
	"      --format json|csv  grids output format (default json)\n"
	"      --input auto|pdf|text  what the inputs are (default: from their content)\n"
	"      --password PW      password of encrypted PDFs\n"
	"      --patterns DIR     pattern set directory (default $BUDTAB_PATTERNS or the installed one)\n"
	"      --max-pages N      refuse documents of more pages (default 5000)\n"
	"      --max-glyphs N     refuse pages of more glyphs (default 200000)\n"
	"      --max-cells N      refuse tables of more cells (default 100000)\n"
	"      --max-seconds S    give up on a document after S seconds (default 300)\n"
	"  -q, --quiet            no warnings on standard error\n"
	"  -h, --help             this text\n"
	"  -V, --version          the version\n"
	"\n"
	"check options:\n"
	"      --against FILE     internal records (CSV or JSON) to hold the documents against\n"
	"      --map FILE         header names of the internal records (lines FIELD HEADER)\n"
	"      --unit 万元|元     unit of the internal records' amounts (default 万元)\n"
	"      --format text|json the report (default: text on a terminal, else json)\n"
	"\n"
	"build options (also --pages, --input, --password, --patterns, --max-*):\n"
	"      --db PATH          the database (created when missing; required)\n"
	"  -j, --jobs N           worker processes (default 1)\n"
	"      --shard K/N        only the K-th of N stable slices of the inputs\n"
	"      --retry-failed     extract again documents stored as failed\n"
	"  -q, --quiet            no progress and no summary\n"
	"export options: --table documents|projects|indicators|schedule|goals|warnings\n"
	"                (default indicators), -o FILE (default standard output)\n"
	"\n"
	"exit status: extract, grids: 0 all inputs read, 1 some input could not be read,\n"
	"  2 usage error; check: 0 no finding, 1 findings, 2 an input could not be read\n"
	"  or usage error; build, export, merge: 0 all read, 1 some document failed,\n"
	"  2 usage error, 3 database error\n";

enum { OPT_PAGES = 256, OPT_FORMAT, OPT_INPUT, OPT_PASSWORD, OPT_PATTERNS,
	OPT_MAX_PAGES, OPT_MAX_GLYPHS, OPT_MAX_CELLS, OPT_MAX_SECONDS,
	OPT_AGAINST, OPT_MAP, OPT_UNIT, OPT_DB, OPT_SHARD, OPT_RETRY_FAILED,
	OPT_TABLE };

/* Exit codes of check, listed in the README. */
enum {
	CHECK_CLEAN = 0,    /* every input read, no finding */
	CHECK_FINDINGS = 1, /* at least one finding */
	CHECK_ERROR = 2,    /* an input or the internal records could not be read, or usage */
};

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "pages", required_argument, NULL, OPT_PAGES },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "password", required_argument, NULL, OPT_PASSWORD },
	{ "patterns", required_argument, NULL, OPT_PATTERNS },
	{ "max-pages", required_argument, NULL, OPT_MAX_PAGES },
	{ "max-glyphs", required_argument, NULL, OPT_MAX_GLYPHS },
	{ "max-cells", required_argument, NULL, OPT_MAX_CELLS },
	{ "max-seconds", required_argument, NULL, OPT_MAX_SECONDS },
	{ "against", required_argument, NULL, OPT_AGAINST },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "db", required_argument, NULL, OPT_DB },
	{ "jobs", required_argument, NULL, 'j' },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "retry-failed", no_argument, NULL, OPT_RETRY_FAILED },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int
fail_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "budtab: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'budtab --help'.\n");
	return EXIT_USAGE;
}

static bool
parse_int(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 1000000000)
		return false;
	*out = (int)v;
	return true;
}

static bool
parse_pages(const char *s, int *first, int *last)
{
	g_auto(GStrv) parts = g_strsplit(s, "-", 2);

	*first = *last = 0;
	if (!parts[0])
		return false;
	if (*parts[0] && !parse_int(parts[0], first))
		return false;
	if (!parts[1]) {
		*last = *first;
		return *first > 0;
	}
	if (*parts[1] && !parse_int(parts[1], last))
		return false;
	return *first > 0 || *last > 0 ? !(*last && *first > *last) : false;
}

/* out/NAME.ext for input path in directory dir. */
static char *
output_in(const char *dir, const char *input, const char *ext)
{
	g_autofree char *base = g_path_get_basename(input);
	char *dot = strrchr(base, '.');

	if (dot && dot != base)
		*dot = '\0';
	g_autofree char *name = g_strconcat(base, ".", ext, NULL);
	return g_build_filename(dir, name, NULL);
}

/* The options every command that reads documents takes: -1 when opt is
 * none of them, else EXIT_OK or EXIT_USAGE (check's usage status too). */
static int
document_option(int opt, struct budtab_options *o, const char **patterns_dir)
{
	double secs;

	switch (opt) {
	case OPT_INPUT:
		if (strcmp(optarg, "auto") == 0)
			o->input = BUDTAB_INPUT_AUTO;
		else if (strcmp(optarg, "pdf") == 0)
			o->input = BUDTAB_INPUT_PDF;
		else if (strcmp(optarg, "text") == 0)
			o->input = BUDTAB_INPUT_TEXT;
		else
			return fail_usage("unknown --input '%s'", optarg);
		break;
	case OPT_PASSWORD:
		o->password = optarg;
		break;
	case OPT_PATTERNS:
		*patterns_dir = optarg;
		break;
	case OPT_MAX_PAGES:
		if (!parse_int(optarg, &o->limits.max_pages))
			return fail_usage("--max-pages takes a whole number, not '%s'", optarg);
		break;
	case OPT_MAX_GLYPHS:
		if (!parse_int(optarg, &o->limits.max_glyphs))
			return fail_usage("--max-glyphs takes a whole number, not '%s'", optarg);
		break;
	case OPT_MAX_CELLS:
		if (!parse_int(optarg, &o->limits.max_cells))
			return fail_usage("--max-cells takes a whole number, not '%s'", optarg);
		break;
	case OPT_MAX_SECONDS:
		secs = g_ascii_strtod(optarg, NULL);
		if (!(secs > 0) || !isfinite(secs))
			return fail_usage("--max-seconds takes a positive number, not '%s'", optarg);
		o->limits.max_seconds = secs;
		break;
	default:
		return -1;
	}
	return EXIT_OK;
}

static void
print_value(const struct budtab_value *v)
{
	if (v->is_number)
		printf("%s=%g", v->name, v->number);
	else
		printf("%s=%s", v->name, v->text ? v->text : "null");
}

/* The readable report: one block a project with findings or notes. */
static void
print_report(const struct budtab_report *report)
{
	const char *source = NULL;
	size_t with = 0;

	for (size_t i = 0; i < budtab_report_n_groups(report); i++) {
		const struct budtab_group *g = budtab_report_group(report, i);
		bool any = false;

		for (size_t k = 0; k < g->n_findings; k++)
			any = any || g->findings[k].severity == BUDTAB_FINDING;
		with += any && g->seq > 0;
		if (g->n_findings == 0)
			continue;
		if (!source || strcmp(source, g->source) != 0) {
			printf("%s%s\n", source ? "\n" : "", g->source);
			source = g->source;
		}
		if (g->seq > 0)
			printf("  project %d  %s  %s", g->seq, g->project ? g->project : "(no code)",
				g->name ? g->name : "(no name)");
		else if (g->seq < 0)
			printf("  internal only  %s  %s", g->project ? g->project : "(no code)",
				g->name ? g->name : "(no name)");
		else
			printf("  (the file as a whole)");
		if (g->page > 0)
			printf("  (page %d)", g->page);
		putchar('\n');
		for (size_t k = 0; k < g->n_findings; k++) {
			const struct budtab_finding *f = &g->findings[k];

			printf("    %s%s", f->severity == BUDTAB_NOTE ? "note: " : "", f->code);
			if (f->page > 0)
				printf(", page %d", f->page);
			printf(": %s\n", f->message);
			for (size_t v = 0; v < f->n_values; v++) {
				printf(v ? "; " : "      ");
				print_value(&f->values[v]);
			}
			if (f->n_values)
				putchar('\n');
		}
	}
	printf("%s%zu projects checked: %zu findings in %zu projects, %zu notes\n",
		source ? "\n" : "", budtab_report_n_projects(report),
		budtab_report_count(report, BUDTAB_FINDING), with,
		budtab_report_count(report, BUDTAB_NOTE));
}

static int
run_check(int argc, char **argv)
{
	struct budtab_options opts = { 0 };
	struct budtab_patterns *patterns = NULL;
	struct budtab_report *report = NULL;
	struct budtab_internal *internal = NULL;
	struct budtab_error err = { 0 };
	const char *patterns_dir = NULL, *against = NULL, *map = NULL;
	bool yuan = false, json = !isatty(STDOUT_FILENO), failed = false;
	int opt, status;

	while ((opt = getopt_long(argc, argv, "qhV", long_options, NULL)) != -1) {
		switch (opt) {
		case OPT_AGAINST:
			against = optarg;
			break;
		case OPT_MAP:
			map = optarg;
			break;
		case OPT_UNIT:
			if (strcmp(optarg, "元") == 0 || strcmp(optarg, "yuan") == 0)
				yuan = true;
			else if (strcmp(optarg, "万元") == 0 || strcmp(optarg, "wanyuan") == 0)
				yuan = false;
			else
				return fail_usage("--unit takes 万元 or 元, not '%s'", optarg);
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") == 0)
				json = false;
			else
				return fail_usage("unknown --format '%s' (text or json)", optarg);
			break;
		case 'q':
			break; /* check prints no extraction warnings anyway */
		case 'h':
			fputs(usage, stdout);
			return CHECK_CLEAN;
		case 'V':
			printf("budtab %s\n", BUDTAB_VERSION);
			return CHECK_CLEAN;
		default:
			status = document_option(opt, &opts, &patterns_dir);
			if (status < 0)
				return fail_usage("%s", "bad option for check");
			if (status != EXIT_OK)
				return CHECK_ERROR;
		}
	}
	if (optind >= argc)
		return fail_usage("%s", "no input file");
	if (map && !against)
		return fail_usage("%s", "--map needs --against");
	patterns = budtab_patterns_load(patterns_dir, &err);
	if (!patterns) {
		fprintf(stderr, "budtab: %s\n", err.message);
		return CHECK_ERROR;
	}
	if (against) {
		internal = budtab_internal_load(against, map, yuan, patterns, &err);
		if (!internal) {
			fprintf(stderr, "budtab: %s: %s\n", against, err.message);
			budtab_patterns_destroy(patterns);
			return CHECK_ERROR;
		}
	}
	report = budtab_report_create(patterns);
	for (int i = optind; i < argc; i++) {
		if (!budtab_report_check_file(report, argv[i], &opts, &err)) {
			fprintf(stderr, "budtab: %s: %s\n", argv[i], err.message);
			failed = true;
		}
	}
	if (internal)
		budtab_report_compare(report, internal);
	if (json) {
		if (!budtab_report_write_json(report, "-", &err)) {
			fprintf(stderr, "budtab: %s\n", err.message);
			failed = true;
		}
	} else {
		print_report(report);
	}
	status = failed ? CHECK_ERROR :
		budtab_report_count(report, BUDTAB_FINDING) > 0 ? CHECK_FINDINGS : CHECK_CLEAN;
	budtab_report_destroy(report);
	budtab_internal_destroy(internal);
	budtab_patterns_destroy(patterns);
	return status;
}

/* What build, export and merge take beyond the document options. */
struct dataset_args {
	const char *db, *table, *output, *patterns_dir;
	int jobs, shard_index, shard_count;
	bool retry_failed, quiet;
	enum budtab_export_format format;
};

/* The progress line of build: a bar redrawn in place on a terminal,
 * a plain line every PLAIN_EVERY seconds elsewhere. */
#define PLAIN_EVERY 10.0
#define BAR_EVERY 0.2
#define BAR_WIDTH 30

struct progress {
	bool tty, quiet;
	double last;
	bool drawn;
};

static void
format_duration(char *buf, size_t size, double s)
{
	long t = (long)(s + 0.5);

	if (!(s >= 0) || s > 360000)
		snprintf(buf, size, "--:--");
	else if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

static void
on_progress(const struct budtab_build_progress *p, void *user)
{
	struct progress *pr = user;
	bool last = p->done == p->total;
	double rate = p->elapsed > 0 ? p->pages / p->elapsed : 0;
	char eta[32];

	if (p->event == BUDTAB_BUILD_FAILED) {
		if (pr->drawn)
			fputs("\r\033[K", stderr);
		pr->drawn = false;
		fprintf(stderr, "budtab: %s: %s\n", p->path, p->message);
	}
	if (pr->quiet || (!last && pr->last >= 0 &&
		    p->elapsed - pr->last < (pr->tty ? BAR_EVERY : PLAIN_EVERY) &&
		    !(pr->tty && !pr->drawn)))
		return;
	pr->last = p->elapsed;
	format_duration(eta, sizeof eta, p->done > 0 ?
		(double)(p->total - p->done) * p->elapsed / (double)p->done : -1);
	if (pr->tty) {
		char bar[BAR_WIDTH + 1];
		size_t fill = p->total ? p->done * BAR_WIDTH / p->total : BAR_WIDTH;

		memset(bar, '#', fill);
		memset(bar + fill, '.', BAR_WIDTH - fill);
		bar[BAR_WIDTH] = '\0';
		fprintf(stderr, "\r\033[K[%s] %zu/%zu documents  %.1f pages/s  ETA %s",
			bar, p->done, p->total, rate, eta);
		pr->drawn = !last;
		if (last)
			fputc('\n', stderr);
	} else {
		fprintf(stderr, "budtab: %zu/%zu documents, %.1f pages/s, ETA %s\n",
			p->done, p->total, rate, eta);
	}
	fflush(stderr);
}

static int
cmd_build(char **inputs, int n_inputs, const struct dataset_args *a,
	const struct budtab_options *opts)
{
	struct progress pr = { .tty = isatty(STDERR_FILENO), .quiet = a->quiet,
		.last = -1 };
	struct budtab_build_options bo = {
		.db_path = a->db,
		.jobs = a->jobs,
		.shard_index = a->shard_index,
		.shard_count = a->shard_count,
		.retry_failed = a->retry_failed,
		.patterns_dir = a->patterns_dir,
		.doc = *opts,
		.progress = on_progress,
		.progress_user = &pr,
	};
	struct budtab_build_summary sum;
	struct budtab_error err = { 0 };
	bool ok;

	if (n_inputs < 1)
		return fail_usage("%s", "build needs a directory or file to read");
	ok = budtab_build((const char *const *)inputs, (size_t)n_inputs, &bo, &sum,
		&err);
	if (pr.drawn)
		fputc('\n', stderr);
	if (!ok) {
		fprintf(stderr, "budtab: %s\n", err.message);
		return err.status == BUDTAB_ERR_USAGE || err.status == BUDTAB_ERR_PATTERNS ?
			EXIT_USAGE : EXIT_DB;
	}
	if (!a->quiet)
		fprintf(stderr, "budtab: %zu documents in %.1f s: %zu ok, %zu failed, "
			"%zu skipped; %zu projects, %zu indicators, %zu pages "
			"(%.1f pages/s, %.2f documents/s); peak RSS writer %.1f MiB, "
			"worker %.1f MiB; CPU writer %.1f s, workers %.1f s\n",
			sum.inputs, sum.seconds, sum.ok, sum.failed, sum.skipped,
			sum.projects, sum.indicators, sum.pages,
			sum.seconds > 0 ? sum.pages / sum.seconds : 0,
			sum.seconds > 0 ? (sum.ok + sum.failed) / sum.seconds : 0,
			sum.writer_rss_kib / 1024.0, sum.worker_rss_kib / 1024.0,
			sum.writer_cpu, sum.worker_cpu);
	return sum.failed > 0 ? EXIT_INPUT : EXIT_OK;
}

static int
cmd_export(int n_inputs, const struct dataset_args *a)
{
	struct budtab_error err = { 0 };

	if (n_inputs > 0)
		return fail_usage("%s", "export reads only the --db database");
	if (!budtab_db_export(a->db, a->table, a->format,
		    a->output ? a->output : "-", &err)) {
		fprintf(stderr, "budtab: %s\n", err.message);
		return err.status == BUDTAB_ERR_USAGE ? EXIT_USAGE : EXIT_DB;
	}
	return EXIT_OK;
}

static int
cmd_merge(char **sources, int n_sources, const struct dataset_args *a)
{
	struct budtab_error err = { 0 };
	size_t added;

	if (n_sources < 1)
		return fail_usage("%s", "merge needs the shard databases to read");
	for (int i = 0; i < n_sources; i++)
		if (strcmp(sources[i], a->db) == 0)
			return fail_usage("cannot merge '%s' into itself", a->db);
	if (!budtab_db_merge(a->db, (const char *const *)sources,
		    (size_t)n_sources, &added, &err)) {
		fprintf(stderr, "budtab: %s\n", err.message);
		return EXIT_DB;
	}
	if (!a->quiet)
		fprintf(stderr, "budtab: %s: %zu documents added from %d databases\n",
			a->db, added, n_sources);
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct budtab_options opts = { 0 };
	struct budtab_patterns *patterns = NULL;
	struct budtab_error err = { 0 };
	const char *command, *output = NULL, *patterns_dir = NULL;
	enum budtab_grid_format format = BUDTAB_GRIDS_JSON;
	struct dataset_args da = { .table = "indicators" };
	bool quiet = false, grids, to_dir, dataset, dataset_opts = false;
	int opt, status = EXIT_OK;

	/* Tables need the glyphs' positions, never their shapes: with no
	 * fonts, fontconfig reads no configuration and poppler loads no
	 * system font to stand in for a font the PDF does not embed (a CJK
	 * one is a 19 MB file, read for each such font of a document).  The
	 * output is the same; the corpus reads in 30% less time. */
	FcConfigSetCurrent(FcConfigCreate());
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("budtab %s (%s, %s)\n", BUDTAB_VERSION, BUDTAB_FORMAT,
			BUDTAB_GRIDS_FORMAT);
		return EXIT_OK;
	}
	if (argc < 2)
		return fail_usage("%s", "no command given");
	command = argv[1];
	if (strcmp(command, "check") == 0)
		return run_check(argc - 1, argv + 1);
	dataset = strcmp(command, "build") == 0 || strcmp(command, "export") == 0 ||
		strcmp(command, "merge") == 0;
	if (strcmp(command, "extract") != 0 && strcmp(command, "grids") != 0 &&
	    !dataset)
		return fail_usage("unknown command '%s'", command);
	grids = strcmp(command, "grids") == 0;
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "o:qhVj:", long_options, NULL)) != -1) {
		switch (opt) {
		case 'o':
			output = optarg;
			break;
		case OPT_PAGES:
			if (!parse_pages(optarg, &opts.first_page, &opts.last_page))
				return fail_usage("--pages takes A-B, A or A- with 1-based pages, not '%s'", optarg);
			break;
		case OPT_FORMAT:
			if (dataset && strcmp(optarg, "jsonl") == 0)
				da.format = BUDTAB_EXPORT_JSONL;
			else if (dataset && strcmp(optarg, "csv") == 0)
				da.format = BUDTAB_EXPORT_CSV;
			else if (dataset)
				return fail_usage("unknown --format '%s' (jsonl or csv)", optarg);
			else if (strcmp(optarg, "json") == 0)
				format = BUDTAB_GRIDS_JSON;
			else if (strcmp(optarg, "csv") == 0 && grids)
				format = BUDTAB_GRIDS_CSV;
			else
				return fail_usage("unknown --format '%s'", optarg);
			break;
		case OPT_DB:
			da.db = optarg;
			dataset_opts = true;
			break;
		case 'j':
			if (!parse_int(optarg, &da.jobs) || da.jobs < 1 || da.jobs > 256)
				return fail_usage("--jobs takes a number from 1 to 256, not '%s'", optarg);
			dataset_opts = true;
			break;
		case OPT_SHARD:
			if (sscanf(optarg, "%d/%d%c", &da.shard_index, &da.shard_count,
				    &(char){ 0 }) != 2 || da.shard_count < 1 ||
			    da.shard_index < 1 || da.shard_index > da.shard_count)
				return fail_usage("--shard takes K/N with 1 <= K <= N, not '%s'", optarg);
			dataset_opts = true;
			break;
		case OPT_RETRY_FAILED:
			da.retry_failed = true;
			dataset_opts = true;
			break;
		case OPT_TABLE:
			da.table = optarg;
			dataset_opts = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case 'V':
			printf("budtab %s\n", BUDTAB_VERSION);
			return EXIT_OK;
		default:
			status = document_option(opt, &opts, &patterns_dir);
			if (status < 0)
				return fail_usage("%s", "bad option");
			if (status != EXIT_OK)
				return status;
		}
	}
	if (dataset) {
		da.output = output;
		da.patterns_dir = patterns_dir;
		da.quiet = quiet;
		if (!da.db)
			return fail_usage("%s needs --db", command);
		if (strcmp(command, "build") == 0)
			return cmd_build(argv + optind, argc - optind, &da, &opts);
		if (strcmp(command, "export") == 0)
			return cmd_export(argc - optind, &da);
		return cmd_merge(argv + optind, argc - optind, &da);
	}
	if (dataset_opts)
		return fail_usage("%s", "--db, --jobs, --shard, --retry-failed and --table "
			"are options of build, export and merge");
	if (optind >= argc)
		return fail_usage("%s", "no input file");
	to_dir = output && (argc - optind > 1 || g_str_has_suffix(output, "/") ||
		g_file_test(output, G_FILE_TEST_IS_DIR));
	if (to_dir && g_mkdir_with_parents(output, 0755) != 0) {
		fprintf(stderr, "budtab: %s: cannot create the directory: %s\n",
			output, g_strerror(errno));
		return EXIT_USAGE;
	}
	if (!grids) {
		patterns = budtab_patterns_load(patterns_dir, &err);
		if (!patterns) {
			fprintf(stderr, "budtab: %s\n", err.message);
			return EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		const char *path = argv[i];
		struct budtab_doc *doc;
		g_autofree char *dest = NULL;
		bool ok;

		watchdog_arm(path, opts.limits.max_seconds > 0 ?
			opts.limits.max_seconds : DEFAULT_MAX_SECONDS);
		doc = budtab_doc_open(path, &opts, &err);

		if (!doc) {
			fprintf(stderr, "budtab: %s: %s\n", path, err.message);
			status = EXIT_INPUT;
			continue;
		}
		ok = grids || budtab_doc_extract(doc, patterns, &err);
		if (ok) {
			if (to_dir)
				dest = output_in(output, path,
					grids && format == BUDTAB_GRIDS_CSV ? "csv" : "json");
			else
				dest = g_strdup(output ? output : "-");
			ok = grids ? budtab_doc_write_grids(doc, format, dest, &err)
				   : budtab_doc_write_records(doc, dest, &err);
		}
		if (!quiet)
			for (size_t w = 0; w < budtab_doc_n_warnings(doc); w++)
				fprintf(stderr, "budtab: %s: warning: %s\n", path,
					budtab_doc_warning(doc, w));
		if (!ok) {
			fprintf(stderr, "budtab: %s: %s\n", path, err.message);
			status = EXIT_INPUT;
		}
		budtab_doc_destroy(doc);
		alarm(0);
	}
	alarm(0);
	budtab_patterns_destroy(patterns);
	return status;
}
