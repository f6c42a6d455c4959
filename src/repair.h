/* Repairs of text dumps: what a dump garbled, split or shifted, put back
 * with what the patterns know (patterns/repair.pat and the vocabulary of
 * the other pattern files).  PDFs never pass here. */
#ifndef BUDTAB_REPAIR_H
#define BUDTAB_REPAIR_H

#include <glib.h>

#include "grid.h"
#include "records.h"

/* Table level, between the grid stage and the records: joins cells a
 * dump split (headers, labels, codes, periods, percentages, values),
 * drops debris cells, gives the merged 一级指标 (and 二级指标) every row of
 * its group, puts shifted cells back under their headers.  Works on
 * tables in place; each change that alters what was read appends a
 * warning to warnings (struct warning).  Running it twice changes
 * nothing more. */
void repair_tables(struct table_list *tables, const struct text_line *lines,
	size_t n_lines, const struct budtab_patterns *patterns, GArray *warnings);

/* Record level, after the records: a project name cut short or garbled
 * in its table is taken from the table's caption or from the table of
 * contents, a missing title from the table of contents, a 指标值 with
 * debris in front of it is read without it.  Warnings as above. */
void repair_records(struct records *records, const struct table_list *tables,
	const struct text_line *lines, size_t n_lines,
	const struct budtab_patterns *patterns, GArray *warnings);

#endif
