/* The page model every stage after the source reads: positioned glyphs
 * and ruling lines of one page.  Coordinates are PDF points, origin at
 * the top left of the page as displayed (after /Rotate and the crop box),
 * y growing downwards. */
#ifndef BUDTAB_MODEL_H
#define BUDTAB_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "budtab.h"

struct box {
	double x0, y0, x1, y1; /* x0 <= x1, y0 <= y1 */
};

struct glyph {
	uint32_t cp;      /* Unicode code point; never white space */
	struct box box;
	float size;       /* font size in points */
};

enum rule_dir {
	RULE_H, /* y0 == y1 after normalisation */
	RULE_V, /* x0 == x1 after normalisation */
};

/* A visible straight line segment: a stroked line or a thin filled
 * rectangle, normalised to its centre line. */
struct rule {
	enum rule_dir dir;
	double x0, y0, x1, y1; /* x0 <= x1, y0 <= y1 */
	double width;          /* stroke width or rectangle thickness */
};

struct page {
	int number;            /* 1-based page number in the document */
	double width, height;  /* as displayed */
	struct glyph *glyphs;  /* in the source's reading order */
	size_t n_glyphs;
	struct rule *rules;
	size_t n_rules;
	bool rules_complete;   /* every border is a rule (the source drew the
	                        * grid, as a text dump's reader does): the
	                        * text marks no border of its own */
	struct box *marks;     /* vector art: the box of each curved or
	                        * slanted piece of a stroke or fill (the lines
	                        * of a chart, a diagram's arrows), none of
	                        * them within a character */
	size_t n_marks;
};

/* One cell of a tagged table (a TH or TD of the PDF's structure tree). */
struct tag_cell {
	int row;               /* the TR it stands in, 0-based in its table */
	int rowspan, colspan;  /* 1 when the tags say nothing */
	char *text;            /* as the tags hold it; NULL when empty */
};

/* In a tag_cell's text, a character the tags held but poppler-glib lost
 * (source_pdf.c): it stands for any one character. */
#define TAG_CHAR_UNKNOWN 0xFFFD

/* A table as the structure tree describes it, one page fragment: its
 * cells in document order, row by row, not yet laid on a grid. */
struct tag_table {
	int page;              /* 1-based */
	int n_rows;
	struct tag_cell *cells;
	size_t n_cells;
};

struct tag_list {
	struct tag_table *tables;
	size_t n;
};

/* Frees the tables of a tag list; accepts NULL. */
void tag_list_finish(struct tag_list *list);

/* Frees the arrays of a page filled by a source; accepts NULL. */
void page_finish(struct page *page);

/* Fills err with a formatted one-line message; err may be NULL. */
void error_set(struct budtab_error *err, enum budtab_status status,
	const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The SHA-256 of a file's bytes as 64 hex digits in out; its size in
 * *size unless size is NULL.  False and err when it cannot be read. */
bool file_sha256(const char *path, char out[65], int64_t *size,
	struct budtab_error *err);

/* An output file being written: a regular file is written whole beside
 * its place and renamed into it on success, so a reader never sees half
 * of it and a failure leaves what was there; symbolic links are followed
 * first (they stay; a loop of them is an error); anything else that
 * exists (a terminal, /dev/stdout, a pipe) is written directly, and "-"
 * is standard output (left open). */
struct out_file {
	FILE *f;
	char *path;   /* where it ends up, for messages and the rename */
	char *tmp;    /* the file being written, NULL when written directly */
};

/* Opens path as an out_file; false and err when it cannot be. */
bool out_open(struct out_file *out, const char *path,
	struct budtab_error *err);
/* Finishes out: when ok, flushes it (to the disk, for a regular file)
 * and puts it in place; when not, or when that fails, leaves no trace of
 * it.  Returns whether the file was written; err only when ok was true
 * and writing failed. */
bool out_close(struct out_file *out, bool ok, struct budtab_error *err);

#endif
