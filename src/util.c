#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>

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
