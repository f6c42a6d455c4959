/* Pattern sets loaded from the .pat files of patterns/ at run time.  The only file
 * that includes pcre2.h.
 *
 * A pattern file holds lines `KEY  REGEX` (KEY, then white space, then
 * a PCRE2 pattern to the end of the line); `#` starts a comment line.  A
 * key may appear on several lines: its patterns are tried in file order.
 * Patterns match the *key form* of a text: Unicode NFKC with all white
 * space removed (see patterns_key_form), so a pattern never has to spell
 * full-width variants or spacing. */
#ifndef BUDTAB_PATTERNS_H
#define BUDTAB_PATTERNS_H

#include <stdbool.h>

#include "budtab.h"

struct pmatch;

/* NFKC, white space removed, g_malloc'd; NULL for NULL. */
char *patterns_key_form(const char *text);

/* text as a plain number: its key form with thousands commas dropped and
 * a trailing 万元, 元 or % allowed, then only a sign, digits and a point.
 * False for anything else. */
bool patterns_number(const char *text, double *out);

/* True when a pattern of key matches the key form of text.  When m is
 * not NULL it receives the match for patterns_group; free it with
 * pmatch_destroy. */
bool patterns_match(const struct budtab_patterns *p, const char *key,
	const char *text, struct pmatch **m);

/* The first key starting with prefix (in load order) that matches text,
 * or NULL.  Returns the key's remainder after the prefix, borrowed from p. */
const char *patterns_classify(const struct budtab_patterns *p,
	const char *prefix, const char *text, struct pmatch **m);

/* A named group of the match, g_malloc'd, or NULL when it did not take
 * part. */
char *pmatch_group(const struct pmatch *m, const char *name);
void pmatch_destroy(struct pmatch *m);

/* Where a named group starts, in characters of the key form, or -1. */
long pmatch_group_offset(const struct pmatch *m, const char *name);

/* Splits the key form of text before every match of key's patterns,
 * dropping the matched text itself (e.g. goal numbering).  Returns a
 * NULL-terminated g_strfreev'd array of the non-empty pieces. */
char **patterns_split(const struct budtab_patterns *p, const char *key,
	const char *text);

/* The distinct keys starting with prefix, in load order, as their
 * remainders after the prefix; a NULL-terminated array of strings
 * borrowed from p (free the array alone with g_free). */
const char **patterns_keys(const struct budtab_patterns *p, const char *prefix);

/* Whether any pattern of key exists (lets optional concerns be absent). */
bool patterns_has(const struct budtab_patterns *p, const char *key);

/* Loads from a memory buffer (fuzzing, tests); name is used in messages. */
struct budtab_patterns *patterns_load_buffer(const char *name,
	const char *data, size_t len, struct budtab_error *err);

#endif
