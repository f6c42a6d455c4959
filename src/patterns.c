#define PCRE2_CODE_UNIT_WIDTH 8
#include <glib.h>
#include <math.h>
#include <pcre2.h>
#include <string.h>

#include "model.h"
#include "patterns.h"

#define MAX_PATTERN 4096
#define MAX_PATTERNS 10000
/* Bounds a hostile pattern's backtracking on long cells. */
#define MATCH_LIMIT 200000

struct entry {
	char *key;
	pcre2_code *code;
};

struct budtab_patterns {
	GPtrArray *entries;      /* struct entry *, load order */
	GHashTable *keys;        /* key -> GPtrArray of struct entry * (borrowed) */
	GHashTable *families;    /* "label." -> GPtrArray of the entries whose
	                          * key starts so, load order (borrowed) */
	pcre2_match_context *mctx;
};

struct pmatch {
	pcre2_code *code;        /* borrowed */
	pcre2_match_data *data;
	char *subject;
};

/* Whether text is valid UTF-8 made only of characters NFKC leaves as
 * they are and that combine with nothing: ASCII and the CJK unified
 * ideographs, most of what the documents hold.  Normalising is then a
 * copy, at a fraction of the cost. */
static bool
already_nfkc(const char *text)
{
	for (const char *p = text; *p;) {
		gunichar c = g_utf8_get_char_validated(p, -1);

		if (c == (gunichar)-1 || c == (gunichar)-2)
			return false;
		if (!(c < 0x80 || (c >= 0x4E00 && c <= 0x9FFF)))
			return false;
		p = g_utf8_next_char(p);
	}
	return true;
}

char *
patterns_key_form(const char *text)
{
	char *nf, *out;
	size_t n = 0;

	if (!text)
		return NULL;
	nf = already_nfkc(text) ? g_strdup(text) :
		g_utf8_normalize(text, -1, G_NORMALIZE_NFKC);
	if (!nf)
		return g_strdup("");
	out = g_malloc(strlen(nf) + 1);
	for (const char *p = nf; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		const char *next = g_utf8_next_char(p);

		if (g_unichar_isspace(c) || c == 0x200B || c == 0xFEFF)
			continue;
		memcpy(out + n, p, (size_t)(next - p));
		n += (size_t)(next - p);
	}
	out[n] = '\0';
	g_free(nf);
	return out;
}

bool
patterns_number(const char *text, double *out)
{
	g_autofree char *k = patterns_key_form(text);
	GString *s;
	char *end;
	bool ok;

	if (!k)
		return false;
	s = g_string_new(NULL);
	for (const char *p = k; *p; p++)
		if (*p != ',')
			g_string_append_c(s, *p);
	if (g_str_has_suffix(s->str, "万元"))
		g_string_truncate(s, s->len - strlen("万元"));
	else if (g_str_has_suffix(s->str, "元"))
		g_string_truncate(s, s->len - strlen("元"));
	else if (g_str_has_suffix(s->str, "%"))
		g_string_truncate(s, s->len - 1);
	*out = g_ascii_strtod(s->str, &end);
	ok = s->len > 0 && *end == '\0' && isfinite(*out) &&
		strspn(s->str, "+-0123456789.") == s->len;
	g_string_free(s, TRUE);
	return ok;
}

static void
entry_free(gpointer data)
{
	struct entry *e = data;

	pcre2_code_free(e->code);
	g_free(e->key);
	g_free(e);
}

void
budtab_patterns_destroy(struct budtab_patterns *p)
{
	if (!p)
		return;
	g_hash_table_destroy(p->keys);
	g_hash_table_destroy(p->families);
	g_ptr_array_free(p->entries, TRUE);
	pcre2_match_context_free(p->mctx);
	g_free(p);
}

static struct budtab_patterns *
patterns_new(void)
{
	struct budtab_patterns *p = g_new0(struct budtab_patterns, 1);

	p->entries = g_ptr_array_new_with_free_func(entry_free);
	p->keys = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
		(GDestroyNotify)g_ptr_array_unref);
	p->families = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		(GDestroyNotify)g_ptr_array_unref);
	p->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(p->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(p->mctx, MATCH_LIMIT / 10);
	return p;
}

/* Files the entry under its key's family: the key up to its first dot. */
static void
add_to_family(struct budtab_patterns *p, struct entry *e)
{
	const char *dot = strchr(e->key, '.');
	g_autofree char *family = NULL;
	GPtrArray *list;

	if (!dot)
		return;
	family = g_strndup(e->key, (gsize)(dot + 1 - e->key));
	list = g_hash_table_lookup(p->families, family);
	if (!list) {
		list = g_ptr_array_new();
		g_hash_table_insert(p->families, g_steal_pointer(&family), list);
	}
	g_ptr_array_add(list, e);
}

static bool
add_line(struct budtab_patterns *p, const char *name, int lineno,
	const char *line, struct budtab_error *err)
{
	const char *k = line, *r;
	char *key;
	struct entry *e;
	int errcode;
	PCRE2_SIZE erroff;
	GPtrArray *list;

	/* Any ASCII white space separates, \r included: a key holding a
	 * carriage return would break the one-line error message. */
	while (g_ascii_isspace(*k))
		k++;
	if (*k == '\0' || *k == '#')
		return true;
	r = k;
	while (*r && !g_ascii_isspace(*r))
		r++;
	key = g_strndup(k, (size_t)(r - k));
	while (g_ascii_isspace(*r))
		r++;
	if (*r == '\0') {
		error_set(err, BUDTAB_ERR_PATTERNS, "%s:%d: key '%s' has no pattern",
			name, lineno, key);
		g_free(key);
		return false;
	}
	if (strlen(r) > MAX_PATTERN || p->entries->len >= MAX_PATTERNS) {
		error_set(err, BUDTAB_ERR_PATTERNS,
			"%s:%d: over the limit (%d bytes a pattern, %d patterns)",
			name, lineno, MAX_PATTERN, MAX_PATTERNS);
		g_free(key);
		return false;
	}
	e = g_new0(struct entry, 1);
	e->key = key;
	e->code = pcre2_compile((PCRE2_SPTR)r, PCRE2_ZERO_TERMINATED,
		PCRE2_UTF | PCRE2_UCP, &errcode, &erroff, NULL);
	if (!e->code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof msg);
		error_set(err, BUDTAB_ERR_PATTERNS, "%s:%d: %s at offset %zu",
			name, lineno, (const char *)msg, (size_t)erroff);
		g_free(e->key);
		g_free(e);
		return false;
	}
	/* Machine code where PCRE2 has a JIT for this CPU: matching is most
	 * of the records stage.  Without one the interpreter runs. */
	(void)pcre2_jit_compile(e->code, PCRE2_JIT_COMPLETE);
	g_ptr_array_add(p->entries, e);
	list = g_hash_table_lookup(p->keys, e->key);
	if (!list) {
		list = g_ptr_array_new();
		g_hash_table_insert(p->keys, e->key, list);
	}
	g_ptr_array_add(list, e);
	add_to_family(p, e);
	return true;
}

static bool
load_into(struct budtab_patterns *p, const char *name, const char *data,
	size_t len, struct budtab_error *err)
{
	char *copy = g_strndup(data, len);
	char **lines;
	bool ok = true;

	if (!g_utf8_validate(copy, -1, NULL)) {
		error_set(err, BUDTAB_ERR_PATTERNS, "%s: not UTF-8 text", name);
		g_free(copy);
		return false;
	}
	lines = g_strsplit(copy, "\n", -1);
	for (int i = 0; lines[i] && ok; i++) {
		g_strchomp(lines[i]);
		ok = add_line(p, name, i + 1, lines[i], err);
	}
	g_strfreev(lines);
	g_free(copy);
	return ok;
}

struct budtab_patterns *
patterns_load_buffer(const char *name, const char *data, size_t len,
	struct budtab_error *err)
{
	struct budtab_patterns *p = patterns_new();

	if (!load_into(p, name, data, len, err)) {
		budtab_patterns_destroy(p);
		return NULL;
	}
	return p;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct budtab_patterns *
budtab_patterns_load(const char *dir, struct budtab_error *err)
{
	g_autoptr(GError) gerr = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	struct budtab_patterns *p;
	const char *name;
	GDir *d;

	if (!dir)
		dir = budtab_patterns_default_dir();
	d = g_dir_open(dir, 0, &gerr);
	if (!d) {
		error_set(err, BUDTAB_ERR_PATTERNS, "pattern directory %s: %s",
			dir, gerr->message);
		return NULL;
	}
	while ((name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".pat"))
			g_ptr_array_add(names, g_build_filename(dir, name, NULL));
	g_dir_close(d);
	if (names->len == 0) {
		error_set(err, BUDTAB_ERR_PATTERNS,
			"pattern directory %s has no .pat file", dir);
		return NULL;
	}
	g_ptr_array_sort(names, cmp_str);
	p = patterns_new();
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *data = NULL;
		gsize len;

		if (!g_file_get_contents(names->pdata[i], &data, &len, &gerr)) {
			error_set(err, BUDTAB_ERR_PATTERNS, "%s: %s",
				(char *)names->pdata[i], gerr->message);
			budtab_patterns_destroy(p);
			return NULL;
		}
		if (!load_into(p, names->pdata[i], data, len, err)) {
			budtab_patterns_destroy(p);
			return NULL;
		}
	}
	return p;
}

const char *
budtab_patterns_default_dir(void)
{
	static char *found;
	const char *env = g_getenv("BUDTAB_PATTERNS");
	g_autofree char *exe = NULL, *dir = NULL;

	if (env && *env)
		return env;
	if (found)
		return found;
	if (g_file_test(BUDTAB_DATADIR, G_FILE_TEST_IS_DIR))
		return BUDTAB_DATADIR;
	/* Run from a build tree: the source tree's patterns/ beside it. */
	exe = g_file_read_link("/proc/self/exe", NULL);
	dir = exe ? g_path_get_dirname(exe) : NULL;
	for (int up = 1; dir && up <= 3 && !found; up++) {
		g_autofree char *cand = g_build_filename(dir, "patterns", NULL);
		char *parent = g_path_get_dirname(dir);

		if (g_file_test(cand, G_FILE_TEST_IS_DIR))
			found = g_steal_pointer(&cand);
		g_free(dir);
		dir = parent;
	}
	return found ? found : "patterns";
}

/* Matches subject against one entry.  With m, a match the caller owns;
 * without, scratch match data is used if given. */
static bool
try_entry(const struct budtab_patterns *p, struct entry *e,
	const char *subject, struct pmatch **m, pcre2_match_data *scratch)
{
	pcre2_match_data *md = m || !scratch ?
		pcre2_match_data_create_from_pattern(e->code, NULL) : scratch;
	/* The match data points into the subject: keep a copy it can own. */
	char *copy = m ? g_strdup(subject) : NULL;
	int rc = pcre2_match(e->code, (PCRE2_SPTR)(copy ? copy : subject),
		strlen(subject), 0, 0, md, p->mctx);

	if (md != scratch && (rc < 0 || !m))
		pcre2_match_data_free(md);
	if (rc < 0) {
		g_free(copy);
		return false;
	}
	if (m) {
		*m = g_new0(struct pmatch, 1);
		(*m)->code = e->code;
		(*m)->data = md;
		(*m)->subject = copy;
	}
	return true;
}

bool
patterns_match(const struct budtab_patterns *p, const char *key,
	const char *text, struct pmatch **m)
{
	GPtrArray *list = g_hash_table_lookup(p->keys, key);
	g_autofree char *subject = NULL;

	if (m)
		*m = NULL;
	if (!list || !text)
		return false;
	subject = patterns_key_form(text);
	for (guint i = 0; i < list->len; i++)
		if (try_entry(p, list->pdata[i], subject, m, NULL))
			return true;
	return false;
}

const char *
patterns_classify(const struct budtab_patterns *p, const char *prefix,
	const char *text, struct pmatch **m)
{
	g_autofree char *subject = NULL;
	size_t plen = strlen(prefix);
	GPtrArray *list;
	pcre2_match_data *scratch;
	const char *found = NULL;

	if (m)
		*m = NULL;
	if (!text)
		return NULL;
	/* A family's own list, or every entry. */
	list = g_hash_table_lookup(p->families, prefix);
	if (!list)
		list = p->entries;
	subject = patterns_key_form(text);
	/* Whether it matches is all that is asked: one pair is room enough
	 * (pcre2_match returns 0 for "matched, ovector too small"). */
	scratch = m ? NULL : pcre2_match_data_create(1, NULL);
	for (guint i = 0; i < list->len && !found; i++) {
		struct entry *e = list->pdata[i];

		if (strncmp(e->key, prefix, plen) == 0 &&
		    try_entry(p, e, subject, m, scratch))
			found = e->key + plen;
	}
	pcre2_match_data_free(scratch);
	return found;
}

char *
pmatch_group(const struct pmatch *m, const char *name)
{
	PCRE2_UCHAR *buf;
	PCRE2_SIZE len;
	char *out;

	if (!m || pcre2_substring_get_byname(m->data, (PCRE2_SPTR)name, &buf,
			&len) != 0)
		return NULL;
	out = g_strndup((const char *)buf, len);
	pcre2_substring_free(buf);
	if (*out == '\0') {
		g_free(out);
		return NULL;
	}
	return out;
}

long
pmatch_group_offset(const struct pmatch *m, const char *name)
{
	int n;
	PCRE2_SIZE *ov;

	if (!m)
		return -1;
	n = pcre2_substring_number_from_name(m->code, (PCRE2_SPTR)name);
	if (n < 0)
		return -1;
	ov = pcre2_get_ovector_pointer(m->data);
	if (ov[2 * n] == PCRE2_UNSET)
		return -1;
	return g_utf8_pointer_to_offset(m->subject, m->subject + ov[2 * n]);
}

char **
patterns_split(const struct budtab_patterns *p, const char *key,
	const char *text)
{
	GPtrArray *list = g_hash_table_lookup(p->keys, key);
	GPtrArray *out = g_ptr_array_new();
	g_autofree char *subject = patterns_key_form(text);
	size_t len, piece = 0, at = 0;

	if (!subject) {
		g_ptr_array_add(out, NULL);
		return (char **)g_ptr_array_free(out, FALSE);
	}
	len = strlen(subject);
	while (list && at <= len) {
		PCRE2_SIZE best_start = PCRE2_UNSET, best_end = 0;

		for (guint i = 0; i < list->len; i++) {
			struct entry *e = list->pdata[i];
			pcre2_match_data *md =
				pcre2_match_data_create_from_pattern(e->code, NULL);

			if (pcre2_match(e->code, (PCRE2_SPTR)subject, len, at, 0, md,
					p->mctx) >= 0) {
				PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

				if (best_start == PCRE2_UNSET || ov[0] < best_start) {
					best_start = ov[0];
					best_end = ov[1];
				}
			}
			pcre2_match_data_free(md);
		}
		if (best_start == PCRE2_UNSET)
			break;
		if (best_start > piece)
			g_ptr_array_add(out, g_strndup(subject + piece, best_start - piece));
		piece = best_end;
		/* An empty match must still move on. */
		at = best_end > best_start ? best_end
			: (size_t)(g_utf8_next_char(subject + best_end) - subject);
	}
	if (piece < len)
		g_ptr_array_add(out, g_strdup(subject + piece));
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

void
pmatch_destroy(struct pmatch *m)
{
	if (!m)
		return;
	pcre2_match_data_free(m->data);
	g_free(m->subject);
	g_free(m);
}

bool
patterns_has(const struct budtab_patterns *p, const char *key)
{
	return g_hash_table_contains(p->keys, key);
}

const char **
patterns_keys(const struct budtab_patterns *p, const char *prefix)
{
	GPtrArray *out = g_ptr_array_new();
	size_t plen = strlen(prefix);

	for (guint i = 0; i < p->entries->len; i++) {
		struct entry *e = p->entries->pdata[i];
		bool seen = false;

		if (strncmp(e->key, prefix, plen) != 0)
			continue;
		for (guint k = 0; k < out->len && !seen; k++)
			seen = strcmp(out->pdata[k], e->key + plen) == 0;
		if (!seen)
			g_ptr_array_add(out, e->key + plen);
	}
	g_ptr_array_add(out, NULL);
	return (const char **)g_ptr_array_free(out, FALSE);
}
