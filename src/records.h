/* Grid cells -> project records (the budtab/1 model). */
#ifndef BUDTAB_RECORDS_H
#define BUDTAB_RECORDS_H

#include <glib.h>

#include "grid.h"
#include "patterns.h"

/* Where a value was read: the cell's page and box.  page 0 means it was
 * not read from a cell (a text dump, or a value taken elsewhere). */
struct src {
	int page;
	struct box box;
};

struct field {
	char *text;          /* NULL for an empty or missing cell */
	struct src src;
};

struct amount {
	bool present;        /* false: null */
	double value;
	struct src src;
};

struct target {
	char *text;
	const char *op;      /* static ">=", "<=", "=", ">", "<" or NULL */
	bool has_value;
	double value;
	char *unit;
	struct src src;
};

struct extra {
	char *header;
	char *text;
};

struct indicator {
	struct field level1, level2, level3, description, basis;
	struct target target;
	struct extra *extra;
	size_t n_extra;
};

struct period {
	char *label;
	int month;           /* 0 when the label names none */
	bool has_percent;
	double percent;
	struct src src;
};

struct project {
	int seq;
	char *title;
	int *pages;
	size_t n_pages;
	char *unit_code, *unit_name;
	struct field code, name, purpose;
	struct amount total, fiscal, other;
	struct period *schedule;
	size_t n_schedule;
	char **goals;        /* NULL-terminated, or NULL */
	struct indicator *indicators;
	size_t n_indicators;
};

struct warning {
	int page;            /* 0 when it concerns no page */
	char *code;          /* stable, machine-readable */
	char *message;
};

/* A line of text printed outside every table. */
struct text_line {
	int page;
	struct box box;
	float size;
	char *text;
};

struct records {
	char *title;
	int year;            /* 0 when not stated */
	char *department;
	struct project *projects;
	size_t n_projects;
};

/* Maps tables (stitched) and the text around them onto records.  lines
 * are in reading order.  Warnings are appended to warnings (an array of
 * struct warning the caller owns). */
void records_build(const struct table_list *tables,
	const struct text_line *lines, size_t n_lines,
	const struct budtab_patterns *patterns, struct records *out,
	GArray *warnings);
void records_finish(struct records *r);

/* Parses a target value (指标值) with the values patterns. */
void records_parse_target(const struct budtab_patterns *p, const char *text,
	struct target *out);

/* Parses an amount (金额) with the amounts patterns into out, unless out
 * is already present (the first statement stands); a text that is no
 * amount adds an amount-unreadable warning.  t and c say where it was
 * read (borrowed). */
void records_parse_amount(const struct budtab_patterns *p,
	const struct table *t, const struct cell *c, const char *text,
	struct amount *out, GArray *warnings);

/* Appends a warning with a formatted message. */
void warning_add(GArray *warnings, int page, const char *code,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
