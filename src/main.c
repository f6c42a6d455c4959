/* The command line: options, the loop over inputs, messages, exit codes.
 * Everything else lives in the library. */
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budtab.h"

/* Exit codes, listed in the README. */
enum {
	EXIT_OK = 0,        /* every input was read */
	EXIT_INPUT = 1,     /* at least one input could not be read; the others were */
	EXIT_USAGE = 2,     /* bad command line, or a pattern file that does not load */
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

static void
watchdog_fired(int sig)
{
	ssize_t n = write(STDERR_FILENO, watchdog_message, watchdog_len);

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
	"exit status: extract, grids: 0 all inputs read, 1 some input could not be read,\n"
	"  2 usage error; check: 0 no finding, 1 findings, 2 an input could not be read\n"
	"  or usage error\n";

enum { OPT_PAGES = 256, OPT_FORMAT, OPT_INPUT, OPT_PASSWORD, OPT_PATTERNS,
	OPT_MAX_PAGES, OPT_MAX_GLYPHS, OPT_MAX_CELLS, OPT_MAX_SECONDS,
	OPT_AGAINST, OPT_MAP, OPT_UNIT };

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
		case OPT_INPUT:
			if (strcmp(optarg, "auto") == 0)
				opts.input = BUDTAB_INPUT_AUTO;
			else if (strcmp(optarg, "pdf") == 0)
				opts.input = BUDTAB_INPUT_PDF;
			else if (strcmp(optarg, "text") == 0)
				opts.input = BUDTAB_INPUT_TEXT;
			else
				return fail_usage("unknown --input '%s'", optarg);
			break;
		case OPT_PASSWORD:
			opts.password = optarg;
			break;
		case OPT_PATTERNS:
			patterns_dir = optarg;
			break;
		case OPT_MAX_PAGES:
			if (!parse_int(optarg, &opts.limits.max_pages))
				return fail_usage("--max-pages takes a whole number, not '%s'", optarg);
			break;
		case OPT_MAX_GLYPHS:
			if (!parse_int(optarg, &opts.limits.max_glyphs))
				return fail_usage("--max-glyphs takes a whole number, not '%s'", optarg);
			break;
		case OPT_MAX_CELLS:
			if (!parse_int(optarg, &opts.limits.max_cells))
				return fail_usage("--max-cells takes a whole number, not '%s'", optarg);
			break;
		case OPT_MAX_SECONDS:
			opts.limits.max_seconds = g_ascii_strtod(optarg, NULL);
			if (!(opts.limits.max_seconds > 0))
				return fail_usage("--max-seconds takes a positive number, not '%s'", optarg);
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
			return fail_usage("%s", "bad option for check");
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

int
main(int argc, char **argv)
{
	struct budtab_options opts = { 0 };
	struct budtab_patterns *patterns = NULL;
	struct budtab_error err = { 0 };
	const char *command, *output = NULL, *patterns_dir = NULL;
	enum budtab_grid_format format = BUDTAB_GRIDS_JSON;
	bool quiet = false, grids, to_dir;
	int opt, status = EXIT_OK;
	double secs;

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
	if (strcmp(command, "extract") != 0 && strcmp(command, "grids") != 0)
		return fail_usage("unknown command '%s'", command);
	grids = strcmp(command, "grids") == 0;
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "o:qhV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'o':
			output = optarg;
			break;
		case OPT_PAGES:
			if (!parse_pages(optarg, &opts.first_page, &opts.last_page))
				return fail_usage("--pages takes A-B, A or A- with 1-based pages, not '%s'", optarg);
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				format = BUDTAB_GRIDS_JSON;
			else if (strcmp(optarg, "csv") == 0 && grids)
				format = BUDTAB_GRIDS_CSV;
			else
				return fail_usage("unknown --format '%s'", optarg);
			break;
		case OPT_INPUT:
			if (strcmp(optarg, "auto") == 0)
				opts.input = BUDTAB_INPUT_AUTO;
			else if (strcmp(optarg, "pdf") == 0)
				opts.input = BUDTAB_INPUT_PDF;
			else if (strcmp(optarg, "text") == 0)
				opts.input = BUDTAB_INPUT_TEXT;
			else
				return fail_usage("unknown --input '%s'", optarg);
			break;
		case OPT_PASSWORD:
			opts.password = optarg;
			break;
		case OPT_PATTERNS:
			patterns_dir = optarg;
			break;
		case OPT_MAX_PAGES:
			if (!parse_int(optarg, &opts.limits.max_pages))
				return fail_usage("--max-pages takes a whole number, not '%s'", optarg);
			break;
		case OPT_MAX_GLYPHS:
			if (!parse_int(optarg, &opts.limits.max_glyphs))
				return fail_usage("--max-glyphs takes a whole number, not '%s'", optarg);
			break;
		case OPT_MAX_CELLS:
			if (!parse_int(optarg, &opts.limits.max_cells))
				return fail_usage("--max-cells takes a whole number, not '%s'", optarg);
			break;
		case OPT_MAX_SECONDS:
			secs = g_ascii_strtod(optarg, NULL);
			if (!(secs > 0) || !isfinite(secs))
				return fail_usage("--max-seconds takes a positive number, not '%s'", optarg);
			opts.limits.max_seconds = secs;
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
			return fail_usage("%s", "bad option");
		}
	}
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
