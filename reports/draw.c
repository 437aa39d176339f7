/*
 * reports/draw.c: drawing primitives shared by the charts (see draw.h).
 *
 * Text goes through one Pango layout, set up again for each piece of text
 * by lay(): font size and weight, wrapping width, alignment and, when a
 * number of lines is asked, ellipsizing.  The layout's context has
 * unhinted metrics at 72 dpi and sizes are absolute, so a text measures
 * the same on an image surface scaled 2x as in a PDF, and a chart laid out
 * once is the same in every format.  Every measure is Pango's logical
 * extent, the box text is laid out in; charts keep these boxes inside
 * their own.  With a text cache (impact__text_cache_new(): a worker of
 * `impact report --all` keeps one for all its dashboards), a text laid
 * out before with the same settings is drawn from its own layout instead
 * of being shaped again.  Read reports/chart.c next.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impact/reports.h"
#include "draw.h"

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, \
                   ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0 }

const impact__rgb impact__c_blue = RGB(0x0072b2);
const impact__rgb impact__c_sky = RGB(0x56b4e9);
const impact__rgb impact__c_vermilion = RGB(0xd55e00);
const impact__rgb impact__c_orange = RGB(0xe69f00);
const impact__rgb impact__c_green = RGB(0x009e73);
const impact__rgb impact__c_yellow = RGB(0xf0e442);
const impact__rgb impact__c_purple = RGB(0xcc79a7);
const impact__rgb impact__c_ink = RGB(0x1a1a1a);
const impact__rgb impact__c_grey = RGB(0x5a5a5a);
const impact__rgb impact__c_rule = RGB(0xd0d0d0);
const impact__rgb impact__c_grid = RGB(0xe2e2e2);
const impact__rgb impact__c_zebra = RGB(0xf5f7f9);
const impact__rgb impact__c_tint = RGB(0xeef4f9);
const impact__rgb impact__c_hatch_bg = RGB(0xf0f0f0);
const impact__rgb impact__c_hatch_fg = RGB(0xa8a8a8);
const impact__rgb impact__c_white = RGB(0xffffff);

#define NNBSP "\xe2\x80\xaf" /* U+202F NARROW NO-BREAK SPACE */

/*
 * Check that fontconfig resolves DejaVu Sans to itself, not to a
 * substitute whose metrics and accents were not designed for.
 */
static int font_present(PangoContext *pc)
{
	PangoFontDescription *want, *got = NULL;
	PangoFont *font;
	const char *family;
	int ok;

	want = pango_font_description_from_string(IMPACT__FONT_FAMILY " 10");
	if (!want)
		return 0;
	font = pango_context_load_font(pc, want);
	if (font)
		got = pango_font_describe(font);
	family = got ? pango_font_description_get_family(got) : NULL;
	ok = family && g_ascii_strcasecmp(family, IMPACT__FONT_FAMILY) == 0;
	if (got)
		pango_font_description_free(got);
	if (font)
		g_object_unref(font);
	pango_font_description_free(want);
	return ok;
}

int impact__draw_init(impact__draw *d, cairo_t *cr, const char *lang)
{
	cairo_font_options_t *fo;
	PangoContext *pc;

	assert(d && cr);
	memset(d, 0, sizeof(*d));
	d->cr = cr;
	d->lang = lang ? lang : "fr";
	d->layout = d->own = pango_cairo_create_layout(cr);
	if (!d->layout)
		return -1;
	pc = pango_layout_get_context(d->layout);
	fo = cairo_font_options_create();
	if (cairo_font_options_status(fo) != CAIRO_STATUS_SUCCESS) {
		cairo_font_options_destroy(fo);
		impact__draw_release(d);
		return -1;
	}
	/* Unhinted metrics: the layout is the same whatever the output. */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(pc, 72);
	pango_layout_context_changed(d->layout);
	pango_layout_set_wrap(d->layout, PANGO_WRAP_WORD_CHAR);
	d->font = pango_font_description_from_string(IMPACT__FONT_FAMILY);
	if (!d->font || !font_present(pc)) {
		impact__draw_release(d);
		return -1;
	}
	return 0;
}

void impact__draw_release(impact__draw *d)
{
	if (!d)
		return;
	if (d->own)
		g_object_unref(d->own);
	if (d->font)
		pango_font_description_free(d->font);
	free(d->laid.text);
	d->layout = d->own = NULL;
	d->font = NULL;
	memset(&d->laid, 0, sizeof(d->laid));
}

void impact__draw_colour(impact__draw *d, const impact__rgb *c)
{
	cairo_set_source_rgb(d->cr, c->r, c->g, c->b);
}

/* Laid-out texts: open addressing on the hash of the text and settings,
 * emptied when three quarters full. */
#define CACHE_SLOTS 4096

struct cached {
	char *text;              /* owned; NULL: empty slot */
	size_t len;
	double width, size;
	int bold, align, max_lines;
	unsigned long hash;
	PangoLayout *layout;     /* owned */
};

struct impact__text_cache {
	struct cached slot[CACHE_SLOTS];
	size_t used;
	/* The target's kind and transformation its layouts were made for
	 * (sync()); another empties it. */
	cairo_surface_type_t type;
	double m[4];
};

/*
 * Scaled fonts kept alive while dashboards are drawn on several threads.
 * cairo 1.16 (Debian 12) checks that a scaled font's glyph cache is not
 * frozen after dropping its last reference but before taking the lock of
 * its font map; a thread that revives the same font from the map in that
 * instant and draws with it makes the check fail, and cairo aborts (seen
 * once in about 2,000 dashboards of `impact report --all`).  Each thread
 * has its own Pango fonts, but they share cairo's scaled fonts.  So every
 * scaled font a text cache's layouts use gets a reference here, dropped
 * once the workers are done (impact__fonts_hold() and
 * impact__fonts_release() around them; with several pools at once, when
 * the last one is done): none reaches zero while they run.  So does the
 * font a PDF surface embeds their glyphs from, which each dashboard's
 * surface creates and drops when it is finished (subset_font()): seen
 * aborting once in about 3,000 dashboards when only the fonts drawn with
 * were kept.  A thread remembers the fonts it has seen kept, so the lock
 * is taken once per font and thread.
 */
#define KEPT_SEEN 64

static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static cairo_scaled_font_t **kept;
static size_t nkept, capkept;
static size_t kept_holders;          /* pools of workers running */
static unsigned long kept_gen = 1;   /* changes at each release */

static _Thread_local struct {
	unsigned long gen;
	size_t n;
	cairo_scaled_font_t *f[KEPT_SEEN];
} seen;

/* Add sf to the kept fonts, taking over the caller's reference (dropped
 * when it was there already or cannot be added); kept_lock held. */
static void kept_add(cairo_scaled_font_t *sf)
{
	size_t i;

	for (i = 0; i < nkept && kept[i] != sf; i++)
		;
	if (i < nkept || cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS) {
		cairo_scaled_font_destroy(sf);
		return;
	}
	if (nkept == capkept) {
		size_t c = capkept ? 2 * capkept : 32;
		cairo_scaled_font_t **k = realloc(kept, c * sizeof(*k));

		if (!k) {
			cairo_scaled_font_destroy(sf);
			return;
		}
		kept = k;
		capkept = c;
	}
	kept[nkept++] = sf;
}

/* The font cairo's PDF surface embeds the glyphs of sf from: its face
 * at the identity, unhinted, as cairo 1.16's
 * _cairo_scaled_font_subsets_map_glyph() creates it (a reference). */
static cairo_scaled_font_t *subset_font(cairo_scaled_font_t *sf)
{
	cairo_font_options_t *o = cairo_font_options_create();
	cairo_scaled_font_t *u;
	cairo_matrix_t id;

	cairo_matrix_init_identity(&id);
	cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
	u = cairo_scaled_font_create(cairo_scaled_font_get_font_face(sf), &id,
	                             &id, o);
	cairo_font_options_destroy(o);
	return u;
}

/* Keep a reference to sf and to its subset font (a font that cannot be
 * kept is simply not). */
static void keep_font(cairo_scaled_font_t *sf)
{
	size_t i;

	if (seen.gen == kept_gen)
		for (i = 0; i < seen.n; i++)
			if (seen.f[i] == sf)
				return;
	pthread_mutex_lock(&kept_lock);
	if (seen.gen != kept_gen) {
		seen.gen = kept_gen;
		seen.n = 0;
	}
	for (i = 0; i < nkept && kept[i] != sf; i++)
		;
	if (i == nkept) {
		kept_add(cairo_scaled_font_reference(sf));
		kept_add(subset_font(sf));
	}
	if (seen.n < KEPT_SEEN)
		seen.f[seen.n++] = sf;
	pthread_mutex_unlock(&kept_lock);
}

/* Keep the scaled fonts of layout l's runs (laying it out). */
static void keep_fonts(PangoLayout *l)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);

	if (!it)
		return;
	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		PangoFont *f = run ? run->item->analysis.font : NULL;
		cairo_scaled_font_t *sf;

		if (f && PANGO_IS_CAIRO_FONT(f)
		    && (sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(f))))
			keep_font(sf);
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
}

void impact__fonts_hold(void)
{
	pthread_mutex_lock(&kept_lock);
	kept_holders++;
	pthread_mutex_unlock(&kept_lock);
}

void impact__fonts_release(void)
{
	size_t i;

	pthread_mutex_lock(&kept_lock);
	if (kept_holders && --kept_holders) {
		pthread_mutex_unlock(&kept_lock);
		return;
	}
	for (i = 0; i < nkept; i++)
		cairo_scaled_font_destroy(kept[i]);
	free(kept);
	kept = NULL;
	nkept = capkept = 0;
	kept_gen++;
	pthread_mutex_unlock(&kept_lock);
}

impact__text_cache *impact__text_cache_new(void)
{
	return calloc(1, sizeof(impact__text_cache));
}

static void cache_empty(impact__text_cache *c)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i].text) {
			free(c->slot[i].text);
			g_object_unref(c->slot[i].layout);
		}
	memset(c, 0, sizeof(*c));
}

void impact__text_cache_free(impact__text_cache *c)
{
	if (!c)
		return;
	cache_empty(c);
	free(c);
}

/* FNV-1a of the text and its settings. */
static unsigned long cache_hash(const char *s, size_t len, double width,
                                double size, int bold, int align,
                                int max_lines)
{
	unsigned long h = 14695981039346656037UL;
	double num[2];
	int in[3];
	size_t i;

	num[0] = width;
	num[1] = size;
	in[0] = bold;
	in[1] = align;
	in[2] = max_lines;
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211UL;
	for (i = 0; i < sizeof(num); i++)
		h = (h ^ ((const unsigned char *)num)[i]) * 1099511628211UL;
	for (i = 0; i < sizeof(in); i++)
		h = (h ^ ((const unsigned char *)in)[i]) * 1099511628211UL;
	return h;
}

static void set_up(impact__draw *d, PangoLayout *l, const char *s,
                   double width, double size, int bold,
                   PangoAlignment align, int max_lines);

/* Point d->layout at the cache's layout of `s` with these settings,
 * laying it out first when new; 0, or -1 when out of memory (the caller
 * then uses its own layout). */
static int cached_lay(impact__draw *d, const char *s, size_t len,
                      double width, double size, int bold,
                      PangoAlignment align, int max_lines)
{
	impact__text_cache *c = d->cache;
	unsigned long h = cache_hash(s, len, width, size, bold, (int)align,
	                             max_lines);
	size_t i = h % CACHE_SLOTS;
	struct cached *e;

	/* Not before the context is in line with the target: a text is
	 * first measured, then drawn. */
	if (!d->synced)
		return -1;
	if (c->used && (c->type != d->sync_type
	                || memcmp(c->m, d->sync_m, sizeof(c->m)) != 0))
		cache_empty(c);
	c->type = d->sync_type;
	memcpy(c->m, d->sync_m, sizeof(c->m));
	for (;; i = (i + 1) % CACHE_SLOTS) {
		e = &c->slot[i];
		if (!e->text)
			break;
		if (e->hash == h && e->len == len && e->width == width
		    && e->size == size && e->bold == bold
		    && e->align == (int)align && e->max_lines == max_lines
		    && memcmp(e->text, s, len) == 0) {
			d->layout = e->layout;
			return 0;
		}
	}
	if (c->used >= CACHE_SLOTS / 4 * 3) {
		cache_empty(c);
		e = &c->slot[h % CACHE_SLOTS];
	}
	if (!(e->text = malloc(len + 1)))
		return -1;
	if (!(e->layout = pango_layout_new(pango_layout_get_context(d->own)))) {
		free(e->text);
		e->text = NULL;
		return -1;
	}
	memcpy(e->text, s, len + 1);
	e->len = len;
	e->width = width;
	e->size = size;
	e->bold = bold;
	e->align = (int)align;
	e->max_lines = max_lines;
	e->hash = h;
	c->used++;
	pango_layout_set_wrap(e->layout, PANGO_WRAP_WORD_CHAR);
	set_up(d, e->layout, s, width, size, bold, align, max_lines);
	keep_fonts(e->layout);
	d->layout = e->layout;
	return 0;
}

/* Give layout l the text s and these settings. */
static void set_up(impact__draw *d, PangoLayout *l, const char *s,
                   double width, double size, int bold,
                   PangoAlignment align, int max_lines)
{
	const gchar *end = NULL;

	pango_font_description_set_weight(d->font, bold ? PANGO_WEIGHT_BOLD
	                                  : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(d->font, size * PANGO_SCALE);
	pango_layout_set_font_description(l, d->font);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_alignment(l, align);
	if (max_lines > 0) {
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(l, -max_lines);
	} else {
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_NONE);
		pango_layout_set_height(l, -1);
	}
	if (g_utf8_validate(s, -1, &end))
		pango_layout_set_text(l, s, -1);
	else
		pango_layout_set_text(l, s, (int)(end - s));
}

/*
 * Set the layout to `s` at `size` points (at least IMPACT__FONT_MIN), bold
 * or not, wrapped at words within `width` points (one unwrapped line when
 * width <= 0), aligned as `align`; with max_lines > 0 (and a width) at
 * most that many lines, the last ellipsized.  NULL is the empty string; a
 * string cut in the middle of a character is laid out up to the cut, as
 * Pango takes valid UTF-8 only.
 */
static void lay(impact__draw *d, const char *s, double width, double size,
                int bold, PangoAlignment align, int max_lines)
{
	size_t len;

	if (!s)
		s = "";
	if (!(size >= IMPACT__FONT_MIN))
		size = IMPACT__FONT_MIN;
	if (width > 1e5)
		width = 1e5;
	if (!(max_lines > 0 && width > 0))
		max_lines = 0;
	len = strlen(s);
	if (d->cache && cached_lay(d, s, len, width, size, bold, align,
	                           max_lines) == 0)
		return;
	d->layout = d->own;
	/* The same text with the same settings as last time: Pango keeps
	 * its lines, and shaping (most of a report's time) is not redone. */
	if (d->laid.text && d->laid.len == len && d->laid.width == width
	    && d->laid.size == size && d->laid.bold == bold
	    && d->laid.align == (int)align && d->laid.max_lines == max_lines
	    && memcmp(d->laid.text, s, len) == 0)
		return;
	set_up(d, d->own, s, width, size, bold, align, max_lines);
	if (d->cache)
		keep_fonts(d->own);
	/* Remember it; without memory the next call simply lays out again. */
	if (len + 1 > d->laid.cap) {
		char *t = realloc(d->laid.text, len + 1);

		if (!t) {
			free(d->laid.text);
			memset(&d->laid, 0, sizeof(d->laid));
			return;
		}
		d->laid.text = t;
		d->laid.cap = len + 1;
	}
	memcpy(d->laid.text, s, len + 1);
	d->laid.len = len;
	d->laid.width = width;
	d->laid.size = size;
	d->laid.bold = bold;
	d->laid.align = (int)align;
	d->laid.max_lines = max_lines;
}

/* Width and height in points of the text last laid out. */
static void extent(impact__draw *d, double *w, double *h)
{
	PangoRectangle log;

	pango_layout_get_extents(d->layout, NULL, &log);
	if (w)
		*w = (double)log.width / PANGO_SCALE;
	if (h)
		*h = (double)log.height / PANGO_SCALE;
}

/*
 * Bring the layout's context in line with d->cr (its font options and
 * transformation), only when the target's kind or the transformation
 * (translation aside) changed since the last time: every call of
 * pango_cairo_update_layout() marks the context changed (it sets the
 * context's matrix), and Pango then shapes the layout's text again, so
 * calling it before each text shaped every text twice.  The font options
 * are set once in impact__draw_init(); a kind of surface always gives
 * the same ones.  Only the drawing's own context is brought in line: a
 * cached layout keeps the context of the drawing that made it, in line
 * with the same kind of target and transformation (cached_lay()).
 */
static void sync(impact__draw *d)
{
	cairo_surface_type_t type = cairo_surface_get_type(cairo_get_target(d->cr));
	cairo_matrix_t m;

	cairo_get_matrix(d->cr, &m);
	if (d->synced && d->sync_type == type && d->sync_m[0] == m.xx
	    && d->sync_m[1] == m.yx && d->sync_m[2] == m.xy
	    && d->sync_m[3] == m.yy)
		return;
	pango_cairo_update_context(d->cr, pango_layout_get_context(d->own));
	d->synced = 1;
	d->sync_type = type;
	d->sync_m[0] = m.xx;
	d->sync_m[1] = m.yx;
	d->sync_m[2] = m.xy;
	d->sync_m[3] = m.yy;
}

/* Show the layout with its top-left corner at (x, y) in colour `c`. */
static void show(impact__draw *d, double x, double y, const impact__rgb *c)
{
	sync(d);
	impact__draw_colour(d, c);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, d->layout);
}

double impact__text_lines(impact__draw *d, const char *s, double x,
                          double y, double width, double size, int bold,
                          const impact__rgb *c, PangoAlignment align,
                          int max_lines)
{
	double h;

	lay(d, s, width, size, bold, align, max_lines);
	extent(d, NULL, &h);
	show(d, x, y, c);
	return h;
}

double impact__text(impact__draw *d, const char *s, double x, double y,
                    double width, double size, int bold,
                    const impact__rgb *c, PangoAlignment align)
{
	return impact__text_lines(d, s, x, y, width, size, bold, c, align, 0);
}

double impact__text_lines_height(impact__draw *d, const char *s,
                                 double width, double size, int bold,
                                 int max_lines)
{
	double h;

	lay(d, s, width, size, bold, PANGO_ALIGN_LEFT, max_lines);
	extent(d, NULL, &h);
	return h;
}

void impact__text_size(impact__draw *d, const char *s, double width,
                       double size, int bold, int max_lines, double *w,
                       double *h)
{
	lay(d, s, width, size, bold, PANGO_ALIGN_LEFT, max_lines);
	extent(d, w, h);
}

double impact__text_height(impact__draw *d, const char *s, double width,
                           double size, int bold)
{
	return impact__text_lines_height(d, s, width, size, bold, 0);
}

double impact__text_width(impact__draw *d, const char *s, double size,
                          int bold)
{
	double w;

	lay(d, s, -1, size, bold, PANGO_ALIGN_LEFT, 0);
	extent(d, &w, NULL);
	return w;
}

double impact__line_height(impact__draw *d, double size, int bold)
{
	return impact__text_lines_height(d, "Ág", -1, size, bold, 0);
}

/* Lay out one line of `s`, ellipsized to max_width when longer; its
 * width and height into *w, *h. */
static void lay_line(impact__draw *d, const char *s, double max_width,
                     double size, int bold, double *w, double *h)
{
	lay(d, s, -1, size, bold, PANGO_ALIGN_LEFT, 0);
	extent(d, w, h);
	if (max_width > 0 && *w > max_width) {
		lay(d, s, max_width, size, bold, PANGO_ALIGN_LEFT, 1);
		extent(d, w, h);
	}
}

double impact__text_line(impact__draw *d, const char *s, double x,
                         double cy, double max_width, double size, int bold,
                         const impact__rgb *c, int right)
{
	double w, h;

	lay_line(d, s, max_width, size, bold, &w, &h);
	show(d, right ? x - w : x, cy - h / 2, c);
	return w;
}

double impact__text_line_halo(impact__draw *d, const char *s, double x,
                              double cy, double max_width, double size,
                              int bold, const impact__rgb *c, int right)
{
	double w, h;

	lay_line(d, s, max_width, size, bold, &w, &h);
	sync(d);
	cairo_save(d->cr);
	cairo_move_to(d->cr, right ? x - w : x, cy - h / 2);
	pango_cairo_layout_path(d->cr, d->layout);
	impact__draw_colour(d, &impact__c_white);
	cairo_set_line_width(d->cr, 2.0);
	cairo_set_line_join(d->cr, CAIRO_LINE_JOIN_ROUND);
	cairo_stroke(d->cr);
	cairo_restore(d->cr);
	show(d, right ? x - w : x, cy - h / 2, c);
	return w;
}

double impact__text_pill(impact__draw *d, const char *s, double cx,
                         double cy, double max_width, double size,
                         const impact__rgb *c)
{
	double w, h, pw, ph, r = 3, x0, y0;

	lay_line(d, s, max_width - 10, size, 0, &w, &h);
	pw = w + 10;
	ph = h + 4;
	x0 = cx - pw / 2;
	y0 = cy - ph / 2;
	cairo_new_sub_path(d->cr);
	cairo_arc(d->cr, x0 + pw - r, y0 + r, r, -G_PI / 2, 0);
	cairo_arc(d->cr, x0 + pw - r, y0 + ph - r, r, 0, G_PI / 2);
	cairo_arc(d->cr, x0 + r, y0 + ph - r, r, G_PI / 2, G_PI);
	cairo_arc(d->cr, x0 + r, y0 + r, r, G_PI, 3 * G_PI / 2);
	cairo_close_path(d->cr);
	impact__draw_colour(d, &impact__c_white);
	cairo_fill_preserve(d->cr);
	impact__draw_colour(d, &impact__c_hatch_fg);
	cairo_set_line_width(d->cr, 0.5);
	cairo_stroke(d->cr);
	show(d, cx - w / 2, cy - h / 2, c);
	return pw;
}

void impact__fill_rect(impact__draw *d, double x, double y, double w,
                       double h, const impact__rgb *c)
{
	if (!(w > 0) || !(h > 0))
		return;
	impact__draw_colour(d, c);
	cairo_rectangle(d->cr, x, y, w, h);
	cairo_fill(d->cr);
}

void impact__hatch_rect(impact__draw *d, double x, double y, double w,
                        double h)
{
	double k;

	if (!(w > 0) || !(h > 0))
		return;
	cairo_save(d->cr);
	impact__fill_rect(d, x, y, w, h, &impact__c_hatch_bg);
	cairo_rectangle(d->cr, x, y, w, h);
	cairo_clip(d->cr);
	impact__draw_colour(d, &impact__c_hatch_fg);
	cairo_set_line_width(d->cr, 0.7);
	for (k = -h; k < w; k += 4) {
		cairo_move_to(d->cr, x + k, y + h);
		cairo_line_to(d->cr, x + k + h, y);
	}
	cairo_stroke(d->cr);
	cairo_restore(d->cr);
	/* The rim is drawn inside the rectangle, so that a placeholder never
	 * reaches past the box it was given. */
	impact__draw_colour(d, &impact__c_hatch_fg);
	cairo_set_line_width(d->cr, 0.5);
	cairo_rectangle(d->cr, x + 0.25, y + 0.25, fmax(w - 0.5, 0),
	                fmax(h - 0.5, 0));
	cairo_stroke(d->cr);
}

void impact__line(impact__draw *d, double x0, double y0, double x1,
                  double y1, double width, const impact__rgb *c,
                  double dash)
{
	cairo_save(d->cr);
	if (dash > 0) {
		double pattern[2];

		pattern[0] = dash;
		pattern[1] = dash * 0.7;
		cairo_set_dash(d->cr, pattern, 2, 0);
	}
	impact__draw_colour(d, c);
	cairo_set_line_width(d->cr, width);
	cairo_move_to(d->cr, x0, y0);
	cairo_line_to(d->cr, x1, y1);
	cairo_stroke(d->cr);
	cairo_restore(d->cr);
}

void impact__whisker(impact__draw *d, double x0, double x1, double cy,
                     double cap, double width, const impact__rgb *c)
{
	impact__draw_colour(d, c);
	cairo_set_line_width(d->cr, width);
	cairo_set_line_cap(d->cr, CAIRO_LINE_CAP_BUTT);
	cairo_move_to(d->cr, x0, cy);
	cairo_line_to(d->cr, x1, cy);
	cairo_move_to(d->cr, x0, cy - cap);
	cairo_line_to(d->cr, x0, cy + cap);
	cairo_move_to(d->cr, x1, cy - cap);
	cairo_line_to(d->cr, x1, cy + cap);
	cairo_stroke(d->cr);
}

void impact__whisker_v(impact__draw *d, double cx, double y0, double y1,
                       double cap, double width, const impact__rgb *c)
{
	impact__draw_colour(d, c);
	cairo_set_line_width(d->cr, width);
	cairo_set_line_cap(d->cr, CAIRO_LINE_CAP_BUTT);
	cairo_move_to(d->cr, cx, y0);
	cairo_line_to(d->cr, cx, y1);
	cairo_move_to(d->cr, cx - cap, y0);
	cairo_line_to(d->cr, cx + cap, y0);
	cairo_move_to(d->cr, cx - cap, y1);
	cairo_line_to(d->cr, cx + cap, y1);
	cairo_stroke(d->cr);
}

void impact__dot(impact__draw *d, double cx, double cy, double r,
                 const impact__rgb *fill, const impact__rgb *rim,
                 double rim_w)
{
	cairo_new_sub_path(d->cr);
	cairo_arc(d->cr, cx, cy, r, 0, 2 * G_PI);
	impact__draw_colour(d, fill);
	if (rim) {
		cairo_fill_preserve(d->cr);
		impact__draw_colour(d, rim);
		cairo_set_line_width(d->cr, rim_w);
		cairo_stroke(d->cr);
	} else {
		cairo_fill(d->cr);
	}
}

void impact__ref_tick(impact__draw *d, double cx, double cy, double h)
{
	cairo_rectangle(d->cr, cx - 1.25, cy - h / 2, 2.5, h);
	impact__draw_colour(d, &impact__c_vermilion);
	cairo_fill_preserve(d->cr);
	impact__draw_colour(d, &impact__c_white);
	cairo_set_line_width(d->cr, 0.6);
	cairo_stroke(d->cr);
}

impact__rgb impact__sequential(double t)
{
	/* matplotlib's viridis at t = 0, 0.1, ..., 1. */
	static const unsigned stops[11] = {
		0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
		0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725
	};
	impact__rgb out, a, b;
	double f;
	int i;

	if (isnan(t)) {
		out.r = out.g = out.b = 0xbd / 255.0;
		return out;
	}
	if (t < 0)
		t = 0;
	if (t > 1)
		t = 1;
	i = (int)floor(t * 10);
	if (i > 9)
		i = 9;
	f = t * 10 - i;
	a.r = (stops[i] >> 16 & 0xff) / 255.0;
	a.g = (stops[i] >> 8 & 0xff) / 255.0;
	a.b = (stops[i] & 0xff) / 255.0;
	b.r = (stops[i + 1] >> 16 & 0xff) / 255.0;
	b.g = (stops[i + 1] >> 8 & 0xff) / 255.0;
	b.b = (stops[i + 1] & 0xff) / 255.0;
	out.r = a.r + f * (b.r - a.r);
	out.g = a.g + f * (b.g - a.g);
	out.b = a.b + f * (b.b - a.b);
	return out;
}

/* WCAG 2 relative luminance of one sRGB component. */
static double lin(double c)
{
	return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

const impact__rgb *impact__text_on(const impact__rgb *bg)
{
	double l = 0.2126 * lin(bg->r) + 0.7152 * lin(bg->g)
	           + 0.0722 * lin(bg->b);
	double ink = 0.2126 * lin(impact__c_ink.r)
	             + 0.7152 * lin(impact__c_ink.g)
	             + 0.0722 * lin(impact__c_ink.b);

	/* Contrast ratios (L1 + 0.05) / (L2 + 0.05) against white and ink. */
	return (1.05 / (l + 0.05) >= (l + 0.05) / (ink + 0.05))
	       ? &impact__c_white : &impact__c_ink;
}

char *impact__format(impact__draw *d, char *out, size_t size, double v,
                     int decimals)
{
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	return impact_format_number(out, size, v, decimals, d->lang);
}

char *impact__format_pct(impact__draw *d, char *out, size_t size,
                         double share, int decimals)
{
	char num[IMPACT_NUMBER_MAX];

	impact__format(d, num, sizeof(num), share * 100, decimals);
	if (!isfinite(share))
		snprintf(out, size, "%s", num);
	else if (strcmp(d->lang, "en") == 0)
		snprintf(out, size, "%s%%", num);
	else
		snprintf(out, size, "%s" NNBSP "%%", num);
	return out;
}

char *impact__format_count(impact__draw *d, char *out, size_t size,
                           const char *fmt, size_t count)
{
	char num[IMPACT_NUMBER_MAX];
	size_t len = 0, k;
	int done = 0;

	assert(out && size > 0);
	impact__format(d, num, sizeof(num), (double)count, 0);
	for (; fmt && *fmt && len + 1 < size; fmt++) {
		if (fmt[0] == '%' && fmt[1] == '%') {
			out[len++] = '%';
			fmt++;
		} else if (!done && strncmp(fmt, "%zu", 3) == 0) {
			for (k = 0; num[k] && len + 1 < size; k++)
				out[len++] = num[k];
			fmt += 2;
			done = 1;
		} else {
			out[len++] = *fmt;
		}
	}
	out[len] = '\0';
	return out;
}

double impact__nice_step(double span, int max_ticks)
{
	static const double mult[4] = { 1, 2, 2.5, 5 };
	double p;
	int i;

	assert(max_ticks >= 2);
	if (!(span > 0) || !isfinite(span))
		return 1;
	p = pow(10, floor(log10(span / (max_ticks - 1))));
	for (;;) {
		for (i = 0; i < 4; i++) {
			double step = mult[i] * p;

			/* A relative tolerance, so that 100 / 25 counts as 4
			 * steps and not 4.0000001. */
			if (span / step <= (max_ticks - 1) * (1 + 1e-9))
				return step;
		}
		p *= 10;
	}
}

int impact__step_decimals(double step)
{
	int k;

	for (k = 0; k < 6; k++) {
		double scaled = step * pow(10, k);

		if (fabs(scaled - round(scaled)) < 1e-6 * fmax(1, scaled))
			return k;
	}
	return 6;
}

/* Width of a legend symbol and the gaps around an entry. */
#define SYM_W 14.0
#define SYM_GAP 4.0
#define ITEM_GAP 12.0
#define LEGEND_SIZE 7.5

/* Draw symbol `it` in the box (x, cy - 4) .. (x + SYM_W, cy + 4). */
static void legend_symbol(impact__draw *d, const impact__legend_item *it,
                          double x, double cy)
{
	const impact__rgb *c = it->colour ? it->colour : &impact__c_blue;

	switch (it->symbol) {
	case IMPACT__SYM_SWATCH:
		impact__fill_rect(d, x, cy - 4, SYM_W, 8, c);
		break;
	case IMPACT__SYM_LINE:
		impact__line(d, x, cy, x + SYM_W, cy, 1.8, c, 0);
		impact__dot(d, x + SYM_W / 2, cy, 2.6, c, &impact__c_white,
		            0.8);
		break;
	case IMPACT__SYM_DASH:
		impact__line(d, x, cy, x + SYM_W, cy, 1.4, c, 3);
		break;
	case IMPACT__SYM_TICK:
		impact__ref_tick(d, x + SYM_W / 2, cy, 9);
		break;
	case IMPACT__SYM_WHISKER:
		impact__whisker(d, x + 1, x + SYM_W - 1, cy, 3, 0.9,
		                it->colour ? it->colour : &impact__c_ink);
		break;
	case IMPACT__SYM_DOT:
		impact__dot(d, x + SYM_W / 2, cy, 3, c, &impact__c_white, 0.8);
		break;
	case IMPACT__SYM_BAND:
		cairo_save(d->cr);
		cairo_set_source_rgba(d->cr, c->r, c->g, c->b, 0.25);
		cairo_rectangle(d->cr, x, cy - 4, SYM_W, 8);
		cairo_fill(d->cr);
		cairo_restore(d->cr);
		break;
	default:
		impact__hatch_rect(d, x, cy - 4, SYM_W, 8);
		break;
	}
}

double impact__legend(impact__draw *d, const impact__legend_item *items,
                      size_t n, double x, double y, double w, int draw)
{
	double lh = fmax(impact__line_height(d, LEGEND_SIZE, 0), 9);
	double cx = x, top = y, text_max;
	size_t i, drawn = 0;

	text_max = w - SYM_W - SYM_GAP;
	for (i = 0; i < n; i++) {
		double tw, iw;

		if (!items[i].text)
			continue;
		tw = fmin(impact__text_width(d, items[i].text, LEGEND_SIZE, 0),
		          text_max);
		iw = SYM_W + SYM_GAP + tw;
		if (drawn && cx > x && cx + iw > x + w) {
			cx = x;
			top += lh + 3;
		}
		if (draw) {
			legend_symbol(d, &items[i], cx, top + lh / 2);
			impact__text_line(d, items[i].text, cx + SYM_W + SYM_GAP,
			                  top + lh / 2, text_max, LEGEND_SIZE, 0,
			                  &impact__c_grey, 0);
		}
		cx += iw + ITEM_GAP;
		drawn++;
	}
	return drawn ? top + lh - y : 0;
}
