/* Replays fuzz inputs without a fuzzing engine: every file named, or
 * every file of every directory named, goes once through the target's
 * LLVMFuzzerTestOneInput.  A crash or sanitizer report fails the test;
 * so the seeds and every kept crash input run in the ordinary build.
 * Prints TAP, one line per directory or file. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

static int
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
run_file(const char *path)
{
	g_autofree char *data = NULL;
	gsize len;

	if (!g_file_get_contents(path, &data, &len, NULL))
		return false;
	/* libFuzzer hands over exactly len bytes: no terminator to lean on */
	uint8_t *copy = g_memdup2(data, len ? len : 1);

	LLVMFuzzerTestOneInput(copy, len);
	g_free(copy);
	return true;
}

int
main(int argc, char **argv)
{
	int n = 0, fails = 0;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		size_t done = 0;
		bool ok = true;

		if (g_file_test(arg, G_FILE_TEST_IS_DIR)) {
			g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
			GDir *d = g_dir_open(arg, 0, NULL);
			const char *name;

			while (d && (name = g_dir_read_name(d)))
				if (name[0] != '.' && strcmp(name, "README") != 0)
					g_ptr_array_add(names, g_build_filename(arg, name, NULL));
			if (d)
				g_dir_close(d);
			g_ptr_array_sort(names, cmp_str);
			for (guint k = 0; k < names->len; k++, done++)
				ok = run_file(names->pdata[k]) && ok;
		} else if (g_file_test(arg, G_FILE_TEST_EXISTS)) {
			ok = run_file(arg);
			done = 1;
		}
		/* a missing regressions/ directory is fine: nothing crashed yet */
		n++;
		if (ok)
			printf("ok %d - %s: %zu inputs\n", n, arg, done);
		else {
			printf("not ok %d - %s: unreadable input\n", n, arg);
			fails++;
		}
		fflush(stdout);
	}
	printf("1..%d\n", n);
	return fails > 0;
}
