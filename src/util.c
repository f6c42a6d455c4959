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
	page->glyphs = NULL;
	page->rules = NULL;
	page->n_glyphs = page->n_rules = 0;
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
