/* PDF -> pages of glyphs and rules, through poppler-glib and cairo.
 *
 * Glyphs come from poppler's text layer: one box per character of
 * poppler_page_get_text, in poppler's reading order (its own grouping of
 * lines and blocks, not the order of the content stream).
 *
 * Rules come from drawing the page: poppler-glib has no path API, so the
 * page is rendered onto a cairo observer surface and every stroke and
 * fill is read back, at the moment it is drawn, from the cairo context
 * poppler draws with (its current path, matrix, line width and source).
 * Poppler applies /Rotate and the crop box to the text layer and to
 * rendering alike, and the observer's device space is the page as
 * displayed, so glyphs and rules share one space.  A cairo script surface
 * would do the same job but writes every font the page uses into the
 * script, the whole font file deflated once per font size: a page in the
 * non-embedded STSong-Light (poppler substitutes a 20 MB CJK collection)
 * took 40 s that way, against milliseconds here.
 *
 * What the observer cannot see: drawing inside a transparency group
 * (cairo gives a pushed group a surface of its own, without callbacks),
 * and strokes painted with a pattern (poppler clips and fills those).
 * A page without text is not drawn at all: there is nothing to tabulate,
 * and decoding its images (a scan) is what drawing would cost most.
 * cairo 1.16 never frees an observer's callback list: 64 bytes a page.
 *
 * Poppler reports syntax errors through GLib's log at INFO level in the
 * "Poppler" domain, which GLib does not print by default; the few
 * messages its cairo renderer prints to stderr itself (e.g. "some font
 * thing failed" for a broken embedded font) cannot be silenced without
 * process-wide side effects. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-tee.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include "source_pdf.h"

/* Readers accept the "%PDF-" header anywhere in the first kilobyte. */
#define HEADER_WINDOW 1024
/* Past this many raw segments a page's rules are dropped (the grid stage
 * gives up far earlier, at 20000 merged lines): it bounds memory on
 * vector-art pages. */
#define MAX_RULES 200000
/* cairo's device coordinates are 24.8 fixed point; keep far from that. */
#define MAX_PAGE_SIDE 100000.0

/* Fake bold: the same character drawn again, the two boxes together at
 * most this much larger than one, among the last glyphs kept. */
#define BOLD_WINDOW 64
#define BOLD_SPREAD 1.3

/* A filled rectangle is a rule when thin and long. */
#define RULE_MAX_THICKNESS 2.5
#define RULE_MIN_ASPECT 3.0
/* Axis-aligned within about one degree. */
#define AXIS_TOLERANCE 0.0175
/* Shorter than this (points) is a dot, not a rule. */
#define MIN_LENGTH 0.01
/* Slanted or curved pieces shorter than this (points) are no mark. */
#define MARK_MIN_LENGTH 0.5
/* Past this many marks a page is all art; more tell nothing new. */
#define MAX_MARKS 100000
/* All channels above this is white: invisible on paper. */
#define WHITE 0.9
/* Pages are drawn this many device units to the point.  poppler moves
 * hairlines onto device pixel centres when it draws for the screen; at
 * this scale that moves them by 1/32 pt at most. */
#define DRAW_SCALE 16.0

struct source_pdf {
	PopplerDocument *doc;
	int n_pages;
	bool text_first;     /* the last page read had no text layer */
};

struct point {
	double x, y;
};

/* Glyph boxes bucketed on a coarse grid, so that testing a rule against
 * the text costs one bucket, not the page. */
struct glyph_index {
	double cell;
	int nx, ny;
	guint *start;        /* nx * ny + 1 offsets into items */
	guint *items;        /* glyph numbers */
	double longest;      /* longest side of an indexed box, margin included */
};

/* What the observer callbacks need while poppler draws one page. */
struct collector {
	cairo_t *cr;
	cairo_surface_t *observer;
	GArray *rules;       /* of struct rule, in displayed page space */
	GArray *stroked;     /* of bool, one per rule: drawn by a stroke */
	GArray *marks;       /* of struct box: slanted and curved pieces */
	bool overflow;       /* more than MAX_RULES: the page's rules are dropped */
};

static bool
read_header(int fd, struct budtab_error *err)
{
	char buf[HEADER_WINDOW];
	ssize_t n;

	do
		n = read(fd, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		error_set(err, BUDTAB_ERR_IO, "%s", g_strerror(errno));
		return false;
	}
	if (n == 0) {
		error_set(err, BUDTAB_ERR_FORMAT, "not a PDF file (empty)");
		return false;
	}
	for (ssize_t i = 0; i + 5 <= n; i++)
		if (memcmp(buf + i, "%PDF-", 5) == 0)
			return true;
	error_set(err, BUDTAB_ERR_FORMAT, "not a PDF file");
	return false;
}

/* Checks that path is a readable regular file whose first kilobyte
 * holds a PDF header, so that poppler is only asked about PDFs. */
static bool
check_pdf_file(const char *path, struct budtab_error *err)
{
	struct stat st;
	bool ok;
	int fd = g_open(path, O_RDONLY | O_CLOEXEC, 0);

	if (fd < 0) {
		error_set(err, BUDTAB_ERR_IO, "%s", g_strerror(errno));
		return false;
	}
	if (fstat(fd, &st) < 0) {
		error_set(err, BUDTAB_ERR_IO, "%s", g_strerror(errno));
		ok = false;
	} else if (S_ISDIR(st.st_mode)) {
		error_set(err, BUDTAB_ERR_IO, "is a directory");
		ok = false;
	} else if (!S_ISREG(st.st_mode)) {
		error_set(err, BUDTAB_ERR_IO, "not a regular file");
		ok = false;
	} else {
		ok = read_header(fd, err);
	}
	close(fd);
	return ok;
}

struct source_pdf *
source_pdf_open(const char *path, const char *password,
	struct budtab_error *err)
{
	g_autoptr(GError) gerr = NULL;
	g_autofree char *abs = NULL, *uri = NULL;
	PopplerDocument *doc;
	struct source_pdf *src;
	int n;

	if (!path || !*path) {
		error_set(err, BUDTAB_ERR_USAGE, "no file name");
		return NULL;
	}
	if (!check_pdf_file(path, err))
		return NULL;
	/* By name, not poppler_document_new_from_fd: on a wrong password
	 * poppler 22.12 retries on a copy of a stream it has just freed. */
	abs = g_canonicalize_filename(path, NULL);
	uri = g_filename_to_uri(abs, NULL, &gerr);
	if (!uri) {
		error_set(err, BUDTAB_ERR_IO, "%s", gerr->message);
		return NULL;
	}
	doc = poppler_document_new_from_file(uri, password, &gerr);
	if (!doc) {
		if (gerr && gerr->domain == G_FILE_ERROR)
			error_set(err, BUDTAB_ERR_IO, "%s", gerr->message);
		else if (gerr && g_error_matches(gerr, POPPLER_ERROR,
				POPPLER_ERROR_ENCRYPTED))
			error_set(err, BUDTAB_ERR_ENCRYPTED, password ?
				"encrypted: wrong password" :
				"encrypted: a password is needed");
		else if (gerr && g_error_matches(gerr, POPPLER_ERROR,
				POPPLER_ERROR_DAMAGED))
			error_set(err, BUDTAB_ERR_FORMAT, "damaged PDF");
		else
			error_set(err, BUDTAB_ERR_FORMAT, "damaged PDF: %s",
				gerr ? gerr->message : "unreadable");
		return NULL;
	}
	n = poppler_document_get_n_pages(doc);
	if (n <= 0) {
		error_set(err, BUDTAB_ERR_EMPTY, "the document has no pages");
		g_object_unref(doc);
		return NULL;
	}
	src = g_new0(struct source_pdf, 1);
	src->doc = doc;
	src->n_pages = n;
	return src;
}

void
source_pdf_destroy(struct source_pdf *src)
{
	if (!src)
		return;
	g_object_unref(src->doc);
	g_free(src);
}

int
source_pdf_n_pages(const struct source_pdf *src)
{
	return src ? src->n_pages : 0;
}

/* ---- glyphs ---- */

/* White space, control characters and invisible format characters
 * (zero-width space, byte order mark; not the soft hyphen, which shows
 * at a line end) leave no ink. */
static bool
is_blank(gunichar cp)
{
	GUnicodeType t = g_unichar_type(cp);

	return g_unichar_isspace(cp) || t == G_UNICODE_CONTROL ||
	       (t == G_UNICODE_FORMAT && g_unichar_iszerowidth(cp));
}

/* Fake bold draws a character twice a fraction of a point apart.  When
 * poppler keeps both copies they are neighbours in its text order, and
 * it cuts the first copy's box where the second begins; either way the
 * two boxes together are hardly larger than one.  Returns the kept
 * glyph this one copies, or NULL. */
static struct glyph *
fake_bold_original(struct glyph *kept, size_t n, uint32_t cp,
	const struct box *b)
{
	size_t from = n > BOLD_WINDOW ? n - BOLD_WINDOW : 0;

	for (size_t i = n; i-- > from;) {
		struct glyph *g = &kept[i];
		const struct box *a = &g->box;
		double w = fmax(a->x1 - a->x0, b->x1 - b->x0);
		double h = fmax(a->y1 - a->y0, b->y1 - b->y0);

		if (g->cp == cp &&
		    fmax(a->x1, b->x1) - fmin(a->x0, b->x0) <= BOLD_SPREAD * w &&
		    fmax(a->y1, b->y1) - fmin(a->y0, b->y0) <= BOLD_SPREAD * h)
			return g;
	}
	return NULL;
}

static int
cmp_float(const void *a, const void *b)
{
	float p = *(const float *)a, q = *(const float *)b;

	return (p > q) - (p < q);
}

/* Whether glyph b stands one diagonal step (across and down alike) from
 * a, and the step it makes. */
static bool
diagonal_step(const struct glyph *a, const struct glyph *b, double *dx,
	double *dy)
{
	double s = fmax(a->box.y1 - a->box.y0, 1);

	*dx = (b->box.x0 + b->box.x1 - a->box.x0 - a->box.x1) / 2;
	*dy = (b->box.y0 + b->box.y1 - a->box.y0 - a->box.y1) / 2;
	return fabs(b->size - a->size) <= 0.05 * fmax(a->size, 1) &&
	       fabs(*dx) > 0.25 * s && fabs(*dy) > 0.25 * s &&
	       hypot(*dx, *dy) < 2 * s;
}

/* Drops text set along a diagonal: a watermark such as 内部资料 laid
 * across a table.  Poppler gives only upright boxes, so the angle shows
 * as a staircase: three glyphs of one size, each a like step across and
 * down from the one before.  Watermarks are set large, so only glyphs
 * well above the page's usual size are looked at.  Returns the new
 * count. */
static size_t
drop_diagonal(struct glyph *g, size_t n)
{
	float *sizes;
	size_t *big, n_big = 0, out = 0;
	bool *drop;
	float usual;

	if (n < 3)
		return n;
	sizes = g_new(float, n);
	for (size_t i = 0; i < n; i++)
		sizes[i] = g[i].size;
	qsort(sizes, n, sizeof *sizes, cmp_float);
	usual = sizes[n / 2];
	g_free(sizes);
	big = g_new(size_t, n);
	for (size_t i = 0; i < n; i++)
		if (g[i].size >= 1.5f * usual)
			big[n_big++] = i;
	drop = g_new0(bool, n);
	/* quadratic in the large glyphs, which are few; bounded anyway */
	for (size_t a = 0; a < n_big && n_big <= 2000; a++)
		for (size_t b = 0; b < n_big; b++) {
			double dx1, dy1, dx2, dy2;

			if (a == b || !diagonal_step(&g[big[a]], &g[big[b]], &dx1, &dy1))
				continue;
			for (size_t c = 0; c < n_big; c++) {
				if (c == a || c == b ||
				    !diagonal_step(&g[big[b]], &g[big[c]], &dx2, &dy2) ||
				    fabs(dx2 - dx1) > 0.3 * fabs(dx1) ||
				    fabs(dy2 - dy1) > 0.3 * fabs(dy1))
					continue;
				drop[big[a]] = drop[big[b]] = drop[big[c]] = true;
			}
		}
	for (size_t i = 0; i < n; i++)
		if (!drop[i])
			g[out++] = g[i];
	g_free(drop);
	g_free(big);
	return out;
}

static bool
read_glyphs(PopplerPage *ppage, int max_glyphs, struct page *out,
	struct budtab_error *err)
{
	g_autofree char *text = poppler_page_get_text(ppage);
	g_autofree PopplerRectangle *rects = NULL;
	guint n_rects = 0;
	GList *attrs, *attr;
	struct glyph *glyphs;
	size_t cap, n = 0;
	const char *p;
	bool ok = true;

	if (!text || !*text ||
	    !poppler_page_get_text_layout(ppage, &rects, &n_rects) ||
	    n_rects == 0)
		return true;
	attrs = poppler_page_get_text_attributes(ppage);
	attr = attrs;

	/* Kept glyphs never outnumber the layout's characters, and past
	 * max_glyphs the page fails: no more room than that is needed. */
	cap = MIN((size_t)n_rects, (size_t)max_glyphs);
	glyphs = g_new(struct glyph, MAX(cap, 1));

	p = text;
	for (guint i = 0; i < n_rects && *p; i++) {
		gunichar cp = g_utf8_get_char_validated(p, -1);
		const PopplerRectangle *r = &rects[i];
		const PopplerTextAttributes *a;
		struct glyph *original;
		struct box box;

		if (cp == (gunichar)-1 || cp == (gunichar)-2) {
			p++;
			continue;
		}
		p = g_utf8_next_char(p);
		while (attr && ((PopplerTextAttributes *)attr->data)->end_index < (int)i)
			attr = attr->next;
		a = attr ? attr->data : NULL;
		if (is_blank(cp))
			continue;
		box = (struct box){ fmin(r->x1, r->x2), fmin(r->y1, r->y2),
			fmax(r->x1, r->x2), fmax(r->y1, r->y2) };
		if (!isfinite(box.x0) || !isfinite(box.y0) ||
		    !isfinite(box.x1) || !isfinite(box.y1) ||
		    box.x1 - box.x0 <= 1e-6 || box.y1 - box.y0 <= 1e-6)
			continue;
		original = fake_bold_original(glyphs, n, cp, &box);
		if (original) {
			/* One glyph, over the ink of both copies. */
			original->box = (struct box){
				fmin(original->box.x0, box.x0),
				fmin(original->box.y0, box.y0),
				fmax(original->box.x1, box.x1),
				fmax(original->box.y1, box.y1) };
			continue;
		}
		if (n == (size_t)max_glyphs) {
			error_set(err, BUDTAB_ERR_LIMIT,
				"page %d has more than %d glyphs (--max-glyphs)",
				out->number, max_glyphs);
			ok = false;
			break;
		}
		glyphs[n++] = (struct glyph){
			.cp = cp,
			.box = box,
			.size = a && a->start_index <= (int)i ? (float)a->font_size : 0,
		};
	}
	poppler_page_free_text_attributes(attrs);
	if (ok)
		n = drop_diagonal(glyphs, n);
	if (!ok || n == 0) {
		g_free(glyphs);
		return ok;
	}
	out->glyphs = glyphs;
	out->n_glyphs = n;
	return true;
}

/* ---- rules ---- */

/* Whether the drawing source leaves a mark on white paper. */
static bool
visible_source(cairo_t *cr)
{
	cairo_pattern_t *source = cairo_get_source(cr);
	cairo_operator_t op = cairo_get_operator(cr);
	double r, g, b, a;

	if (op == CAIRO_OPERATOR_CLEAR || op == CAIRO_OPERATOR_DEST)
		return false;
	/* Gradients and images: assume ink. */
	if (cairo_pattern_get_rgba(source, &r, &g, &b, &a) != CAIRO_STATUS_SUCCESS)
		return true;
	if (a <= 0.001)
		return false;
	return !(r > WHITE && g > WHITE && b > WHITE);
}

/* Checking more candidates than this per rule is a hostile page. */
#define INDEX_SCAN 512
#define INDEX_SIDE 64

/* The box of a character's outline: its layout box with a margin, or
 * false for a box too large for its font size (a broken font's). */
static bool
outline_box(const struct glyph *g, struct box *b)
{
	double w = g->box.x1 - g->box.x0, h = g->box.y1 - g->box.y0;
	double size = g->size > 0 ? g->size : fmax(w, h);
	double m = 0.2 * size;

	if (fmax(w, h) > 2.5 * size)
		return false;
	*b = (struct box){ g->box.x0 - m, g->box.y0 - m, g->box.x1 + m,
		g->box.y1 + m };
	return true;
}

/* The bucket of coordinate v along a side of n buckets. */
static int
bucket(const struct glyph_index *ix, double v, int n)
{
	double q = floor(v / ix->cell);

	if (!(q >= 0))
		return 0;
	return q >= n - 1 ? n - 1 : (int)q;
}

static void
index_range(const struct glyph_index *ix, const struct box *b, int *i0,
	int *i1, int *j0, int *j1)
{
	*i0 = bucket(ix, b->x0, ix->nx);
	*i1 = bucket(ix, b->x1, ix->nx);
	*j0 = bucket(ix, b->y0, ix->ny);
	*j1 = bucket(ix, b->y1, ix->ny);
}

static void
index_build(struct glyph_index *ix, const struct page *text)
{
	size_t n = 0;
	guint *fill = NULL;
	struct box b;

	ix->longest = 0;
	for (size_t g = 0; g < text->n_glyphs; g++)
		if (outline_box(&text->glyphs[g], &b))
			ix->longest = fmax(ix->longest,
				fmax(b.x1 - b.x0, b.y1 - b.y0));
	ix->cell = fmax(fmax(ix->longest, 1.0),
		fmax(text->width, text->height) / INDEX_SIDE);
	ix->nx = (int)ceil(text->width / ix->cell) + 1;
	ix->ny = (int)ceil(text->height / ix->cell) + 1;
	ix->start = g_new0(guint, (size_t)ix->nx * ix->ny + 1);
	/* Counting pass, then placing pass (compressed rows). */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t g = 0; g < text->n_glyphs; g++) {
			int i0, i1, j0, j1;

			if (!outline_box(&text->glyphs[g], &b))
				continue;
			index_range(ix, &b, &i0, &i1, &j0, &j1);
			for (int j = j0; j <= j1; j++)
				for (int i = i0; i <= i1; i++) {
					size_t k = (size_t)j * ix->nx + i;

					if (pass == 0)
						ix->start[k + 1]++, n++;
					else
						ix->items[fill[k]++] = (guint)g;
				}
		}
		if (pass == 0) {
			for (size_t k = 0; k < (size_t)ix->nx * ix->ny; k++)
				ix->start[k + 1] += ix->start[k];
			ix->items = g_new(guint, MAX(n, 1));
			fill = g_memdup2(ix->start,
				((size_t)ix->nx * ix->ny + 1) * sizeof(guint));
		}
	}
	g_free(fill);
}

static void
index_free(struct glyph_index *ix)
{
	g_free(ix->start);
	g_free(ix->items);
}

/* Stroked text (render modes 1 and 2, a common fake bold) strokes each
 * glyph's outline, whose straight pieces look like short rules.  A rule
 * lying within one character's box is such a piece, never a border. */
static bool
inside_a_glyph(const struct page *text, const struct glyph_index *ix,
	const struct box *r)
{
	double mx = (r->x0 + r->x1) / 2, my = (r->y0 + r->y1) / 2;
	struct box b;
	size_t k, end;

	if (text->n_glyphs == 0 ||
	    fmax(r->x1 - r->x0, r->y1 - r->y0) > ix->longest)
		return false;
	k = (size_t)bucket(ix, my, ix->ny) * ix->nx + bucket(ix, mx, ix->nx);
	end = MIN(ix->start[k + 1], ix->start[k] + INDEX_SCAN);
	for (size_t i = ix->start[k]; i < end; i++) {
		if (!outline_box(&text->glyphs[ix->items[i]], &b))
			continue;
		if (r->x0 >= b.x0 && r->x1 <= b.x1 && r->y0 >= b.y0 &&
		    r->y1 <= b.y1)
			return true;
	}
	return false;
}

/* A point of the current user space in displayed page space. */
static void
page_point(const struct collector *c, struct point *p)
{
	cairo_user_to_device(c->cr, &p->x, &p->y);
	p->x /= DRAW_SCALE;
	p->y /= DRAW_SCALE;
}

static void
add_rule(struct collector *c, struct rule r, bool stroked)
{
	double cx0, cy0, cx1, cy1;
	struct point q[4];

	if (c->overflow)
		return;
	/* A rule runs only as far as the clip lets it show. */
	cairo_clip_extents(c->cr, &cx0, &cy0, &cx1, &cy1);
	q[0] = (struct point){ cx0, cy0 };
	q[1] = (struct point){ cx1, cy0 };
	q[2] = (struct point){ cx0, cy1 };
	q[3] = (struct point){ cx1, cy1 };
	for (int i = 0; i < 4; i++)
		page_point(c, &q[i]);
	cx0 = fmin(fmin(q[0].x, q[1].x), fmin(q[2].x, q[3].x));
	cx1 = fmax(fmax(q[0].x, q[1].x), fmax(q[2].x, q[3].x));
	cy0 = fmin(fmin(q[0].y, q[1].y), fmin(q[2].y, q[3].y));
	cy1 = fmax(fmax(q[0].y, q[1].y), fmax(q[2].y, q[3].y));
	if (r.dir == RULE_H) {
		if (r.y0 < cy0 || r.y0 > cy1)
			return;
		r.x0 = fmax(r.x0, cx0);
		r.x1 = fmin(r.x1, cx1);
		if (r.x1 - r.x0 < MIN_LENGTH)
			return;
	} else {
		if (r.x0 < cx0 || r.x0 > cx1)
			return;
		r.y0 = fmax(r.y0, cy0);
		r.y1 = fmin(r.y1, cy1);
		if (r.y1 - r.y0 < MIN_LENGTH)
			return;
	}
	if (!isfinite(r.x0) || !isfinite(r.x1) || !isfinite(r.y0) ||
	    !isfinite(r.y1) || !isfinite(r.width))
		return;
	if (c->rules->len >= MAX_RULES) {
		c->overflow = true;
		return;
	}
	g_array_append_val(c->rules, r);
	g_array_append_val(c->stroked, stroked);
}

/* A slanted segment or the control box of a curve (points a to b, both
 * in page space) as a mark. */
static void
add_mark(struct collector *c, struct point a, struct point b)
{
	struct box m = { fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x),
		fmax(a.y, b.y) };

	if (c->marks->len >= MAX_MARKS || !isfinite(m.x0) || !isfinite(m.y0) ||
	    !isfinite(m.x1) || !isfinite(m.y1) ||
	    hypot(m.x1 - m.x0, m.y1 - m.y0) < MARK_MIN_LENGTH)
		return;
	g_array_append_val(c->marks, m);
}

/* The control box of a curve from a (in page space) through the three
 * points of d (in user space) as a mark. */
static void
curve_mark(struct collector *c, struct point a, const cairo_path_data_t *d)
{
	struct point lo = a, hi = a;

	for (int k = 1; k <= 3; k++) {
		struct point p = { d[k].point.x, d[k].point.y };

		page_point(c, &p);
		lo = (struct point){ fmin(lo.x, p.x), fmin(lo.y, p.y) };
		hi = (struct point){ fmax(hi.x, p.x), fmax(hi.y, p.y) };
	}
	add_mark(c, lo, hi);
}

/* A straight segment in device space as a rule, if axis-aligned. */
static bool
segment_rule(struct point a, struct point b, double width, struct rule *r)
{
	double dx = fabs(b.x - a.x), dy = fabs(b.y - a.y);

	if (fmax(dx, dy) < MIN_LENGTH)
		return false;
	if (dy <= AXIS_TOLERANCE * dx) {
		double y = (a.y + b.y) / 2;

		*r = (struct rule){ RULE_H, fmin(a.x, b.x), y, fmax(a.x, b.x), y,
			width };
		return true;
	}
	if (dx <= AXIS_TOLERANCE * dy) {
		double x = (a.x + b.x) / 2;

		*r = (struct rule){ RULE_V, x, fmin(a.y, b.y), x, fmax(a.y, b.y),
			width };
		return true;
	}
	return false;
}

/* The width on the page of a line of user width lw along user direction
 * (ux, uy): the stroke's parallelogram keeps its area ratio |det|. */
static double
device_width(const cairo_matrix_t *m, double lw, double ux, double uy)
{
	double det = fabs(m->xx * m->yy - m->xy * m->yx);
	double dx = m->xx * ux + m->xy * uy, dy = m->yx * ux + m->yy * uy;
	double len = hypot(dx, dy), ulen = hypot(ux, uy);

	return len > 0 ? lw * det * ulen / len : lw;
}

static void
stroke_segment(struct collector *c, const cairo_matrix_t *m, double lw,
	struct point a, struct point b)
{
	struct point da = a, db = b;
	struct rule r;

	page_point(c, &da);
	page_point(c, &db);
	if (segment_rule(da, db,
		device_width(m, lw, b.x - a.x, b.y - a.y) / DRAW_SCALE, &r))
		add_rule(c, r, true);
	else
		add_mark(c, da, db);
}

static bool
drawn_here(const struct collector *c, cairo_surface_t *observer)
{
	/* Only our own context draws on the observer; a group pushed on it
	 * has a surface of its own, on which no callback runs. */
	return observer == c->observer &&
	       cairo_get_group_target(c->cr) == observer &&
	       !c->overflow;
}

static void
on_stroke(cairo_surface_t *observer, cairo_surface_t *target, void *data)
{
	struct collector *c = data;
	cairo_path_t *path;
	cairo_matrix_t m;
	struct point start = { 0, 0 }, cur = { 0, 0 };
	double lw;

	(void)target;
	if (!drawn_here(c, observer) || !visible_source(c->cr))
		return;
	path = cairo_copy_path(c->cr);
	if (path->status != CAIRO_STATUS_SUCCESS) {
		cairo_path_destroy(path);
		return;
	}
	cairo_get_matrix(c->cr, &m);
	lw = cairo_get_line_width(c->cr);
	for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
		const cairo_path_data_t *d = &path->data[i];

		switch (d->header.type) {
		case CAIRO_PATH_MOVE_TO:
			start = cur = (struct point){ d[1].point.x, d[1].point.y };
			break;
		case CAIRO_PATH_LINE_TO: {
			struct point p = { d[1].point.x, d[1].point.y };

			stroke_segment(c, &m, lw, cur, p);
			cur = p;
			break;
		}
		case CAIRO_PATH_CURVE_TO: {
			struct point a = cur;

			page_point(c, &a);
			curve_mark(c, a, d);
			cur = (struct point){ d[3].point.x, d[3].point.y };
			break;
		}
		case CAIRO_PATH_CLOSE_PATH:
			stroke_segment(c, &m, lw, cur, start);
			cur = start;
			break;
		}
	}
	cairo_path_destroy(path);
}

/* One subpath of a fill, in device space, while it may be a rectangle. */
struct subpath {
	struct point p[5];
	int n;
	bool not_rect;
};

static void
subpath_point(struct subpath *s, struct point p)
{
	if (s->not_rect)
		return;
	if (s->n > 0 && fabs(p.x - s->p[s->n - 1].x) < 1e-9 &&
	    fabs(p.y - s->p[s->n - 1].y) < 1e-9)
		return;
	if (s->n == 5) {
		s->not_rect = true;
		return;
	}
	s->p[s->n++] = p;
}

/* A filled subpath that is an axis-aligned rectangle, thin and long,
 * becomes a rule along its long centre line. */
static void
fill_subpath(struct collector *c, struct subpath *s)
{
	double x0, y0, x1, y1, w, h;
	struct rule r, edge;

	if (s->not_rect)
		return;
	/* Closed explicitly or not, a fill closes the subpath. */
	if (s->n == 5 && fabs(s->p[4].x - s->p[0].x) < 1e-9 &&
	    fabs(s->p[4].y - s->p[0].y) < 1e-9)
		s->n = 4;
	if (s->n != 4)
		return;
	for (int i = 0; i < 4; i++)
		if (!segment_rule(s->p[i], s->p[(i + 1) % 4], 0, &edge))
			return;
	x0 = x1 = s->p[0].x;
	y0 = y1 = s->p[0].y;
	for (int i = 1; i < 4; i++) {
		x0 = fmin(x0, s->p[i].x);
		x1 = fmax(x1, s->p[i].x);
		y0 = fmin(y0, s->p[i].y);
		y1 = fmax(y1, s->p[i].y);
	}
	w = x1 - x0;
	h = y1 - y0;
	if (fmin(w, h) <= 0 || fmin(w, h) > RULE_MAX_THICKNESS ||
	    fmax(w, h) < RULE_MIN_ASPECT * fmin(w, h))
		return;
	if (w >= h)
		r = (struct rule){ RULE_H, x0, (y0 + y1) / 2, x1, (y0 + y1) / 2, h };
	else
		r = (struct rule){ RULE_V, (x0 + x1) / 2, y0, (x0 + x1) / 2, y1, w };
	add_rule(c, r, false);
}

/* A slanted edge of a fill (both ends in page space) is a mark. */
static void
fill_edge(struct collector *c, struct point a, struct point b)
{
	struct rule r;

	if (!segment_rule(a, b, 0, &r))
		add_mark(c, a, b);
}

static void
on_fill(cairo_surface_t *observer, cairo_surface_t *target, void *data)
{
	struct collector *c = data;
	struct subpath s = { .n = 0 };
	struct point start = { 0, 0 }, cur = { 0, 0 };
	cairo_path_t *path;

	(void)target;
	if (!drawn_here(c, observer) || !visible_source(c->cr))
		return;
	path = cairo_copy_path(c->cr);
	if (path->status != CAIRO_STATUS_SUCCESS) {
		cairo_path_destroy(path);
		return;
	}
	for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
		const cairo_path_data_t *d = &path->data[i];
		struct point p;

		switch (d->header.type) {
		case CAIRO_PATH_MOVE_TO:
			fill_subpath(c, &s);
			s = (struct subpath){ .n = 0 };
			p = (struct point){ d[1].point.x, d[1].point.y };
			page_point(c, &p);
			subpath_point(&s, p);
			start = cur = p;
			break;
		case CAIRO_PATH_LINE_TO:
			p = (struct point){ d[1].point.x, d[1].point.y };
			page_point(c, &p);
			subpath_point(&s, p);
			fill_edge(c, cur, p);
			cur = p;
			break;
		case CAIRO_PATH_CURVE_TO:
			s.not_rect = true;
			curve_mark(c, cur, d);
			cur = (struct point){ d[3].point.x, d[3].point.y };
			page_point(c, &cur);
			break;
		case CAIRO_PATH_CLOSE_PATH:
			fill_edge(c, cur, start);
			cur = start;
			break;
		}
	}
	fill_subpath(c, &s);
	cairo_path_destroy(path);
}

/* Drops the stroked rules and the marks that lie within a character:
 * pieces of the outlines of stroked text, or of a font drawn as paths. */
static void
drop_stroked_text(const struct page *text, GArray *rules,
	const GArray *stroked, GArray *marks)
{
	struct glyph_index ix = { 0 };
	guint kept = 0;

	if (text->n_glyphs == 0)
		return;
	index_build(&ix, text);
	for (guint i = 0; i < rules->len; i++) {
		const struct rule *r = &g_array_index(rules, struct rule, i);
		struct box b = { r->x0, r->y0, r->x1, r->y1 };

		if (g_array_index(stroked, bool, i) &&
		    inside_a_glyph(text, &ix, &b))
			continue;
		g_array_index(rules, struct rule, kept++) = *r;
	}
	g_array_set_size(rules, kept);
	kept = 0;
	for (guint i = 0; i < marks->len; i++) {
		const struct box *m = &g_array_index(marks, struct box, i);

		if (!inside_a_glyph(text, &ix, m))
			g_array_index(marks, struct box, kept++) = *m;
	}
	g_array_set_size(marks, kept);
	index_free(&ix);
}

/* poppler's cairo font engine prints "some font thing failed" on
 * standard error itself (a bare fprintf, no API silences it) for each
 * font it cannot load: a damaged embedded font, or a font not embedded
 * that the system cannot stand in for (the CLI gives fontconfig no
 * fonts: see main.c).  Drawing needs no font file, so while a page is
 * drawn standard error points at /dev/null; returns the saved
 * descriptor, or -1. */
static int
quiet_stderr(void)
{
	int saved, null;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	if (null >= 0)
		close(null);
	return saved;
}

static void
restore_stderr(int saved)
{
	if (saved < 0)
		return;
	dup2(saved, STDERR_FILENO);
	close(saved);
}

/* Draws the page, collecting its rules into out.  Drawn for the screen,
 * poppler keeps the page's text as it goes, so reading the glyphs after
 * this costs no second pass over the page. */
static bool
draw_page(PopplerPage *ppage, struct page *out, GArray *rules,
	GArray *stroked, GArray *marks, struct budtab_error *err)
{
	struct collector c = { .rules = rules, .stroked = stroked,
		.marks = marks };
	cairo_surface_t *pixel, *window, *tee, *observer;
	cairo_status_t status;

	/* The observer only reports drawing inside its target's extents, so
	 * the target is page-sized; but it is a window onto a single pixel,
	 * so nothing is really rasterised.  The tee is there because cairo
	 * 1.16 cannot create a context on an observer of a subsurface. */
	pixel = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	window = cairo_surface_create_for_rectangle(pixel, 0, 0,
		ceil(out->width * DRAW_SCALE), ceil(out->height * DRAW_SCALE));
	tee = cairo_tee_surface_create(window);
	observer = cairo_surface_create_observer(tee,
		CAIRO_SURFACE_OBSERVER_NORMAL);
	c.cr = cairo_create(observer);
	c.observer = observer;
	status = cairo_status(c.cr);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_observer_add_stroke_callback(observer,
			on_stroke, &c);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_observer_add_fill_callback(observer,
			on_fill, &c);
	if (status == CAIRO_STATUS_SUCCESS) {
		int saved = quiet_stderr();

		cairo_scale(c.cr, DRAW_SCALE, DRAW_SCALE);
		poppler_page_render(ppage, c.cr);
		restore_stderr(saved);
	}
	cairo_destroy(c.cr);
	cairo_surface_destroy(observer);
	cairo_surface_destroy(tee);
	cairo_surface_destroy(window);
	cairo_surface_destroy(pixel);
	if (status != CAIRO_STATUS_SUCCESS) {
		error_set(err, BUDTAB_ERR_FORMAT, "page %d cannot be drawn: %s",
			out->number, cairo_status_to_string(status));
		return false;
	}
	/* A page of more segments than that is vector art, not a table. */
	if (c.overflow)
		g_array_set_size(rules, 0);
	return true;
}

bool
source_pdf_page(struct source_pdf *src, int index, int max_glyphs,
	struct page *out, struct budtab_error *err)
{
	PopplerPage *ppage;
	GArray *rules, *stroked, *marks;
	double w = 0, h = 0;
	bool ok;

	if (!out) {
		error_set(err, BUDTAB_ERR_USAGE, "no page to fill");
		return false;
	}
	*out = (struct page){ .number = index + 1 };
	if (!src || index < 0 || index >= src->n_pages) {
		error_set(err, BUDTAB_ERR_USAGE, "page %d does not exist",
			index + 1);
		return false;
	}
	if (max_glyphs <= 0) {
		error_set(err, BUDTAB_ERR_USAGE, "max_glyphs must be positive");
		return false;
	}
	ppage = poppler_document_get_page(src->doc, index);
	if (!ppage) {
		error_set(err, BUDTAB_ERR_FORMAT, "page %d cannot be read",
			index + 1);
		return false;
	}
	poppler_page_get_size(ppage, &w, &h);
	if (!(w > 0 && h > 0 && w <= MAX_PAGE_SIDE && h <= MAX_PAGE_SIDE)) {
		error_set(err, BUDTAB_ERR_FORMAT,
			"page %d has an unusable size (%g x %g pt)",
			index + 1, w, h);
		g_object_unref(ppage);
		return false;
	}
	out->width = w;
	out->height = h;
	rules = g_array_new(FALSE, FALSE, sizeof(struct rule));
	stroked = g_array_new(FALSE, FALSE, sizeof(bool));
	marks = g_array_new(FALSE, FALSE, sizeof(struct box));
	/* After a page with no text layer (a scan), the next is read for
	 * its text first and drawn only when it has some: drawing decodes
	 * the page's images, the whole cost of a scanned page. */
	if (src->text_first) {
		ok = read_glyphs(ppage, max_glyphs, out, err);
		if (ok && out->n_glyphs > 0)
			ok = draw_page(ppage, out, rules, stroked, marks, err);
	} else {
		ok = draw_page(ppage, out, rules, stroked, marks, err) &&
		     read_glyphs(ppage, max_glyphs, out, err);
	}
	if (ok && out->n_glyphs > 0) {
		drop_stroked_text(out, rules, stroked, marks);
	} else {
		g_array_set_size(rules, 0);
		g_array_set_size(marks, 0);
	}
	out->n_rules = rules->len;
	out->rules = (struct rule *)(void *)g_array_free(rules, rules->len == 0);
	out->n_marks = marks->len;
	out->marks = (struct box *)(void *)g_array_free(marks, marks->len == 0);
	g_array_free(stroked, TRUE);
	src->text_first = ok && out->n_glyphs == 0;
	g_object_unref(ppage);
	if (!ok)
		page_finish(out);
	return ok;
}

/* ---- tags ---- */

/* The bytes 0x80 to 0xA0 of PDFDocEncoding, as Unicode (0x9F is not
 * defined). */
static const gunichar pdfdoc_high[] = {
	0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044,
	0x2039, 0x203A, 0x2212, 0x2030, 0x201E, 0x201C, 0x201D, 0x2018,
	0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141, 0x0152, 0x0160,
	0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0,
	0x20AC,
};

/* The PDFDocEncoding byte that reads as c; -1 for U+FFFD (an undefined
 * byte, 0x9F or 0xAD, which of the two lost), -2 for no byte. */
static int
pdfdoc_byte(gunichar c)
{
	if (c == 0xFFFD)
		return -1;
	if (c < 0x80 && !(c >= 0x18 && c <= 0x1F))
		return (int)c;
	if (c > 0xA0 && c <= 0xFF && c != 0xAD)
		return (int)c;
	for (int b = 0; b < (int)G_N_ELEMENTS(pdfdoc_high); b++)
		if (pdfdoc_high[b] && pdfdoc_high[b] == c)
			return 0x80 + b;
	return -2;
}

/* poppler-glib 22.12 hands back a structure element's text decoded
 * twice: its UTF-8 is read again as PDFDocEncoding, so "一" (E4 B8 80)
 * comes back as "ä¸•", and the bytes PDFDocEncoding leaves undefined as
 * U+FFFD.  Undoes that where text is made only of such characters and
 * its bytes are UTF-8 with some non-ASCII; a character with a byte lost
 * becomes TAG_CHAR_UNKNOWN, which tags.c matches against any character.
 * Any other text (ASCII, or a poppler that reads tags right) is returned
 * as it is.  Takes text; returns the text to keep. */
static char *
tag_text_repair(char *text)
{
	GString *out;
	int *bytes;
	glong n = 0, k = 0;
	bool high = false;

	if (!text || !g_utf8_validate(text, -1, NULL))
		return text;
	bytes = g_new(int, strlen(text) + 1);
	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		int b = pdfdoc_byte(g_utf8_get_char(p));

		if (b == -2) {
			g_free(bytes);
			return text;
		}
		high |= b < 0 || b >= 0x80;
		bytes[n++] = b;
	}
	if (!high) {
		g_free(bytes);
		return text;
	}
	out = g_string_sized_new((gsize)n);
	while (k < n) {
		int lead = bytes[k], len;
		bool lost = false;
		char seq[4];

		len = lead < 0 ? 0 : lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 :
			lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
		if (len == 0 || k + len > n)
			break;
		for (int j = 0; j < len; j++) {
			lost |= bytes[k + j] < 0;
			seq[j] = (char)(bytes[k + j] < 0 ? 0x80 : bytes[k + j]);
			if (j > 0 && bytes[k + j] >= 0 &&
			    (bytes[k + j] < 0x80 || bytes[k + j] > 0xBF))
				len = 0;
		}
		if (len == 0 || (!lost && !g_utf8_validate(seq, len, NULL)))
			break;
		if (lost)
			g_string_append_unichar(out, TAG_CHAR_UNKNOWN);
		else
			g_string_append_len(out, seq, len);
		k += len;
	}
	g_free(bytes);
	if (k < n) {
		g_string_free(out, TRUE);
		return text;
	}
	g_free(text);
	return g_string_free(out, FALSE);
}

/* A cell as read, before the table is cut into page fragments. */
struct raw_cell {
	struct tag_cell cell;
	int page;            /* 0-based, -1 when the tags do not say */
};

struct tag_reader {
	int max_cells;
	size_t visited;      /* elements seen, against SOURCE_PDF_MAX_TAG_ELEMENTS */
	GArray *tables;      /* of struct tag_table */
};

static bool
tag_budget(struct tag_reader *r)
{
	return ++r->visited <= SOURCE_PDF_MAX_TAG_ELEMENTS;
}

/* The page of an element: its own /Pg, else the first its children
 * name (marked content knows its page). */
static int
element_page(struct tag_reader *r, PopplerStructureElementIter *it,
	PopplerStructureElement *e)
{
	PopplerStructureElementIter *child;
	int page = poppler_structure_element_get_page(e);

	if (page >= 0)
		return page;
	child = poppler_structure_element_iter_get_child(it);
	if (!child)
		return -1;
	do {
		PopplerStructureElement *c =
			poppler_structure_element_iter_get_element(child);

		page = poppler_structure_element_get_page(c);
		g_object_unref(c);
	} while (page < 0 && tag_budget(r) &&
		 poppler_structure_element_iter_next(child));
	poppler_structure_element_iter_free(child);
	return page;
}

/* Appends the TH/TD cells of the TR at it to cells as row row.  False
 * when a cell's text is over SOURCE_PDF_MAX_TAG_TEXT: the table is not
 * read. */
static bool
read_tag_row(struct tag_reader *r, PopplerStructureElementIter *tr, int row,
	GArray *cells)
{
	PopplerStructureElementIter *it = poppler_structure_element_iter_get_child(tr);
	bool ok = true;

	if (!it)
		return true;
	do {
		PopplerStructureElement *e = poppler_structure_element_iter_get_element(it);
		PopplerStructureElementKind kind = poppler_structure_element_get_kind(e);
		/* poppler-glib 22.12 reads RowSpan/ColSpan only from an element
		 * of kind Table (poppler_structure_element_get_table_row_span
		 * asserts it), never from the TH/TD that carries them: spans
		 * are not available, so every tagged cell spans one slot, and
		 * tags.c reads the spans of ragged rows off the page. */
		struct raw_cell rc = { { row, 1, 1, NULL }, -1 };

		if (kind == POPPLER_STRUCTURE_ELEMENT_TABLE_HEADING ||
		    kind == POPPLER_STRUCTURE_ELEMENT_TABLE_DATA) {
			char *text = tag_text_repair(poppler_structure_element_get_text(e,
				POPPLER_STRUCTURE_GET_TEXT_RECURSIVE));

			if (text && strlen(text) > SOURCE_PDF_MAX_TAG_TEXT) {
				g_free(text);
				ok = false;
			} else {
				rc.cell.text = text && *g_strstrip(text) ? text : NULL;
				if (!rc.cell.text)
					g_free(text);
				rc.page = element_page(r, it, e);
				g_array_append_val(cells, rc);
			}
		}
		g_object_unref(e);
	} while (ok && (int)cells->len <= r->max_cells && tag_budget(r) &&
		 poppler_structure_element_iter_next(it));
	poppler_structure_element_iter_free(it);
	return ok;
}

/* Reads the rows of the table at it: TR children, and TR children of its
 * THead, TBody and TFoot.  False when the table cannot be used. */
static bool
read_tag_rows(struct tag_reader *r, PopplerStructureElementIter *table,
	GArray *cells)
{
	PopplerStructureElementIter *it = poppler_structure_element_iter_get_child(table);
	int row = 0;
	bool ok = true;

	if (!it)
		return false;
	do {
		PopplerStructureElement *e = poppler_structure_element_iter_get_element(it);
		PopplerStructureElementKind kind = poppler_structure_element_get_kind(e);

		if (kind == POPPLER_STRUCTURE_ELEMENT_TABLE_ROW) {
			guint before = cells->len;

			ok = read_tag_row(r, it, row, cells);
			row += cells->len > before;
		} else if (kind == POPPLER_STRUCTURE_ELEMENT_TABLE_HEADER ||
			   kind == POPPLER_STRUCTURE_ELEMENT_TABLE_BODY ||
			   kind == POPPLER_STRUCTURE_ELEMENT_TABLE_FOOTER) {
			PopplerStructureElementIter *part =
				poppler_structure_element_iter_get_child(it);

			while (part && ok && tag_budget(r)) {
				PopplerStructureElement *pe =
					poppler_structure_element_iter_get_element(part);

				if (poppler_structure_element_get_kind(pe) ==
				    POPPLER_STRUCTURE_ELEMENT_TABLE_ROW) {
					guint before = cells->len;

					ok = read_tag_row(r, part, row, cells);
					row += cells->len > before;
				}
				g_object_unref(pe);
				if (!poppler_structure_element_iter_next(part))
					break;
			}
			poppler_structure_element_iter_free(part);
		}
		g_object_unref(e);
	} while (ok && (int)cells->len <= r->max_cells && tag_budget(r) &&
		 poppler_structure_element_iter_next(it));
	poppler_structure_element_iter_free(it);
	return ok && cells->len > 0 && (int)cells->len <= r->max_cells &&
	       r->visited <= SOURCE_PDF_MAX_TAG_ELEMENTS;
}

/* Cuts the cells of one table into page fragments: a row stands on the
 * page of its first cell that names one (else on its predecessor's), a
 * fragment is a run of rows on one page.  Takes the cells' texts. */
static void
add_tag_fragments(struct tag_reader *r, struct raw_cell *cells, size_t n)
{
	int page = -1, row_page = -1, last_row = -1;
	struct tag_table *cur = NULL;
	GArray *frag = NULL;

	for (size_t i = 0; i < n; i++) {
		if (cells[i].cell.row != last_row) {
			row_page = -1;
			for (size_t k = i; k < n && cells[k].cell.row == cells[i].cell.row; k++)
				if (cells[k].page >= 0) {
					row_page = cells[k].page;
					break;
				}
			if (row_page < 0)
				row_page = page;
			last_row = cells[i].cell.row;
			if (row_page != page || !frag) {
				if (frag) {
					cur->n_cells = frag->len;
					cur->cells = (struct tag_cell *)g_array_free(frag, FALSE);
				}
				page = row_page;
				g_array_set_size(r->tables, r->tables->len + 1);
				cur = &g_array_index(r->tables, struct tag_table,
					r->tables->len - 1);
				cur->page = page + 1;
				frag = g_array_new(FALSE, FALSE, sizeof(struct tag_cell));
			}
			cur->n_rows++;
		}
		cells[i].cell.row = cur->n_rows - 1;
		g_array_append_val(frag, cells[i].cell);
	}
	if (frag) {
		cur->n_cells = frag->len;
		cur->cells = (struct tag_cell *)g_array_free(frag, FALSE);
	}
}

static void
walk_tags(struct tag_reader *r, PopplerStructureElementIter *it, int depth)
{
	if (depth > SOURCE_PDF_MAX_TAG_DEPTH)
		return;
	do {
		PopplerStructureElement *e = poppler_structure_element_iter_get_element(it);

		if (poppler_structure_element_get_kind(e) == POPPLER_STRUCTURE_ELEMENT_TABLE) {
			GArray *cells = g_array_new(FALSE, FALSE, sizeof(struct raw_cell));

			if (read_tag_rows(r, it, cells))
				add_tag_fragments(r, (struct raw_cell *)cells->data,
					cells->len);
			else
				for (guint k = 0; k < cells->len; k++)
					g_free(g_array_index(cells, struct raw_cell, k).cell.text);
			g_array_free(cells, TRUE);
		} else if (!poppler_structure_element_is_content(e)) {
			PopplerStructureElementIter *child =
				poppler_structure_element_iter_get_child(it);

			if (child) {
				walk_tags(r, child, depth + 1);
				poppler_structure_element_iter_free(child);
			}
		}
		g_object_unref(e);
	} while (tag_budget(r) && poppler_structure_element_iter_next(it));
}

void
source_pdf_tags(struct source_pdf *src, int max_cells, struct tag_list *out)
{
	struct tag_reader r = { max_cells, 0, NULL };
	PopplerStructureElementIter *it;
	size_t kept = 0;

	*out = (struct tag_list){ 0 };
	if (!src)
		return;
	it = poppler_structure_element_iter_new(src->doc);
	if (!it)
		return;
	r.tables = g_array_new(FALSE, TRUE, sizeof(struct tag_table));
	walk_tags(&r, it, 0);
	poppler_structure_element_iter_free(it);
	/* A fragment on no page, or on one the document lacks, is no use. */
	for (guint i = 0; i < r.tables->len; i++) {
		struct tag_table *t = &g_array_index(r.tables, struct tag_table, i);

		if (t->page >= 1 && t->page <= src->n_pages) {
			g_array_index(r.tables, struct tag_table, kept++) = *t;
			continue;
		}
		for (size_t k = 0; k < t->n_cells; k++)
			g_free(t->cells[k].text);
		g_free(t->cells);
	}
	g_array_set_size(r.tables, kept);
	out->n = kept;
	out->tables = (struct tag_table *)g_array_free(r.tables, FALSE);
}
