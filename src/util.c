#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

void
page_finish(struct page *page)
{
	if (!page)
		return;
	g_free(page->glyphs);
	g_free(page->rules);
	g_free(page->marks);
	page->glyphs = NULL;
	page->rules = NULL;
	page->marks = NULL;
	page->n_glyphs = page->n_rules = page->n_marks = 0;
}

void
tag_list_finish(struct tag_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++) {
		for (size_t k = 0; k < list->tables[i].n_cells; k++)
			g_free(list->tables[i].cells[k].text);
		g_free(list->tables[i].cells);
	}
	g_free(list->tables);
	list->tables = NULL;
	list->n = 0;
}

void
error_set(struct budtab_error *err, enum budtab_status status,
	const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

bool
file_sha256(const char *path, char out[65], int64_t *size,
	struct budtab_error *err)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (size)
		*size = 0;
	if (!f) {
		error_set(err, BUDTAB_ERR_IO, "%s", g_strerror(errno));
		g_checksum_free(sum);
		return false;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		g_checksum_update(sum, (const guchar *)buf, n);
		if (size)
			*size += (int64_t)n;
	}
	if (ferror(f)) {
		error_set(err, BUDTAB_ERR_IO, "read error: %s", g_strerror(errno));
		fclose(f);
		g_checksum_free(sum);
		return false;
	}
	fclose(f);
	g_strlcpy(out, g_checksum_get_string(sum), 65);
	g_checksum_free(sum);
	return true;
}

/* Links followed from an output path before giving up (a loop). */
#define MAX_LINKS 40

bool
out_open(struct out_file *out, const char *path, struct budtab_error *err)
{
	struct stat st;
	char *real = NULL;
	int fd;

	if (strcmp(path, "-") == 0) {
		*out = (struct out_file){ stdout, g_strdup("standard output"), NULL };
		return true;
	}
	*out = (struct out_file){ .path = g_strdup(path) };
	/* links stay: the file they name is replaced (or made) */
	for (int depth = 0; depth < MAX_LINKS && g_lstat(out->path, &st) == 0 &&
	     S_ISLNK(st.st_mode); depth++) {
		real = g_file_read_link(out->path, NULL);
		if (!real)
			break;
		if (!g_path_is_absolute(real)) {
			g_autofree char *dir = g_path_get_dirname(out->path);
			char *abs = g_build_filename(dir, real, NULL);

			g_free(real);
			real = abs;
		}
		g_free(out->path);
		out->path = real;
	}
	if (g_lstat(out->path, &st) == 0 && S_ISLNK(st.st_mode)) {
		errno = ELOOP;
		fd = -1;
	} else if (g_stat(out->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = g_open(out->path, O_WRONLY | O_CLOEXEC, 0);
	} else {
		out->tmp = g_strdup_printf("%s.XXXXXX", out->path);
		fd = g_mkstemp(out->tmp);
	}
	if (fd < 0 || !(out->f = fdopen(fd, "wb"))) {
		error_set(err, BUDTAB_ERR_IO, "%s: %s", path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		if (fd >= 0 && out->tmp)
			g_unlink(out->tmp);
		g_clear_pointer(&out->tmp, g_free);
		g_clear_pointer(&out->path, g_free);
		return false;
	}
	return true;
}

bool
out_close(struct out_file *out, bool ok, struct budtab_error *err)
{
	if (!out->f)
		return false;
	if (ok && (fflush(out->f) != 0 ||
		   (out->tmp && fsync(fileno(out->f)) != 0))) {
		error_set(err, BUDTAB_ERR_IO, "%s: %s", out->path, g_strerror(errno));
		ok = false;
	}
	if (out->f != stdout && fclose(out->f) != 0 && ok) {
		error_set(err, BUDTAB_ERR_IO, "%s: %s", out->path, g_strerror(errno));
		ok = false;
	}
	out->f = NULL;
	if (out->tmp) {
		if (ok)
			g_chmod(out->tmp, 0644);
		if (ok && g_rename(out->tmp, out->path) != 0) {
			error_set(err, BUDTAB_ERR_IO, "%s: %s", out->path,
				g_strerror(errno));
			ok = false;
		}
		if (!ok)
			g_unlink(out->tmp);
	}
	g_clear_pointer(&out->tmp, g_free);
	g_clear_pointer(&out->path, g_free);
	return ok;
}
