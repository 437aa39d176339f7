/*
 * reports/draw.h: the drawing primitives of the charts and dashboards
 * (internal to libimpact, never installed).
 *
 * One `impact__draw` carries what every primitive needs: the Cairo
 * context, one Pango layout reused for every piece of text, the font
 * (DejaVu Sans, size and weight set per text) and the language numbers
 * are written in.  Sizes and coordinates are in points (the user space of
 * the Cairo context).  Text is never smaller than IMPACT__FONT_MIN.
 *
 * The palette is Okabe & Ito's (2008) colour-blind-safe one for the data
 * and greys for the rest: the unit reported in blue, its reference (its
 * territory) in vermilion, everywhere.  reports/chart.h draws the charts
 * with these primitives.
 */
#ifndef IMPACT_REPORTS_DRAW_H
#define IMPACT_REPORTS_DRAW_H

#include <stddef.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#define IMPACT__FONT_FAMILY "DejaVu Sans"
#define IMPACT__FONT_MIN 6.5   /* smallest text size, points */

/* A colour, components 0 to 1. */
typedef struct {
	double r, g, b;    /* red, green, blue */
} impact__rgb;

/* Okabe-Ito colour-blind-safe palette, plus greys. */
extern const impact__rgb impact__c_blue;      /* 0072b2: the unit */
extern const impact__rgb impact__c_sky;       /* 56b4e9: places, bands */
extern const impact__rgb impact__c_vermilion; /* d55e00: the reference */
extern const impact__rgb impact__c_orange;    /* e69f00 */
extern const impact__rgb impact__c_green;     /* 009e73 */
extern const impact__rgb impact__c_yellow;    /* f0e442 */
extern const impact__rgb impact__c_purple;    /* cc79a7 */
extern const impact__rgb impact__c_ink;       /* 1a1a1a: text, whiskers */
extern const impact__rgb impact__c_grey;      /* 5a5a5a: secondary text */
extern const impact__rgb impact__c_rule;      /* d0d0d0: rules, axes */
extern const impact__rgb impact__c_grid;      /* e2e2e2: grid lines */
extern const impact__rgb impact__c_zebra;     /* f5f7f9: every other row */
extern const impact__rgb impact__c_tint;      /* eef4f9: boxes */
extern const impact__rgb impact__c_hatch_bg;  /* f0f0f0: not published */
extern const impact__rgb impact__c_hatch_fg;  /* a8a8a8: its hatching */
extern const impact__rgb impact__c_white;     /* ffffff: paper */

/* Texts already laid out, kept across the drawings of one thread (see
 * impact__text_cache_new()). */
typedef struct impact__text_cache impact__text_cache;

/* The drawing state shared by every primitive. */
typedef struct impact__draw {
	cairo_t *cr;                  /* target (borrowed) */
	PangoLayout *layout;          /* the text laid out now: own, or the
	                               * cache's */
	PangoLayout *own;             /* reused for every text (owned) */
	impact__text_cache *cache;    /* NULL, or texts laid out before
	                               * (borrowed; set after init) */
	PangoFontDescription *font;   /* "DejaVu Sans" (owned) */
	const char *lang;             /* "fr" or "en": numbers via
	                               * impact_format_number() (borrowed) */
	int unclipped;                /* 0: a chart clips to its box (a
	                               * safety net); 1: it does not (tests
	                               * use it to prove nothing overflows) */
	/* What the layout's context was last brought in line with (sync()
	 * in draw.c): the target's kind and the transformation. */
	int synced;
	cairo_surface_type_t sync_type;
	double sync_m[4];
	/* What the layout holds now, so that measuring a text and then
	 * drawing it shapes it once (lay() in draw.c). */
	struct {
		char *text;           /* owned; NULL: nothing laid out */
		size_t len, cap;
		double width, size;
		int bold, align, max_lines;
	} laid;
} impact__draw;

/*
 * A cache of laid-out texts for the drawings one thread makes one after
 * the other (the dashboards of `impact report --all` repeat most of their
 * labels and many of their numbers): with d->cache set, a text already
 * laid out with the same size, weight, width, alignment and line limit
 * is drawn from its layout, not shaped again.  Layouts keep the Pango
 * context of the drawing that made them, which every drawing sets up the
 * same way, so the output is the same with or without the cache.  One
 * thread only; free it on that thread.  NULL when out of memory.
 */
impact__text_cache *impact__text_cache_new(void);
void impact__text_cache_free(impact__text_cache *c);

/* Around the drawings of a pool of threads with text caches: the scaled
 * fonts they use are kept referenced from hold until the last release
 * (see reports/draw.c: a cairo 1.16 race).  Release once no such drawing
 * of the pool is left, on any thread. */
void impact__fonts_hold(void);
void impact__fonts_release(void);

/*
 * Prepare `d` to draw on `cr` (borrowed, must outlive `d`): a Pango layout
 * from pango_cairo_create_layout() with unhinted metrics at 72 dpi (the
 * layout is then the same in PNG, SVG and PDF), the font DejaVu Sans, and
 * `lang` ("fr" when NULL; the string is borrowed).  Returns 0, or -1 when
 * memory runs out or fontconfig does not resolve DejaVu Sans to itself
 * (Debian package fonts-dejavu-core); nothing is left to release then.
 */
int impact__draw_init(impact__draw *d, cairo_t *cr, const char *lang);

/* Free what impact__draw_init() made; accepts a zeroed struct. */
void impact__draw_release(impact__draw *d);

/* Make `c` the colour of what is drawn next. */
void impact__draw_colour(impact__draw *d, const impact__rgb *c);

/*
 * Draw `s` (UTF-8; invalid bytes end it) with its top-left corner at
 * (x, y), wrapped at words within `width` points (one line when width <=
 * 0) and aligned in that width as `align`.  Returns the height used.
 */
double impact__text(impact__draw *d, const char *s, double x, double y,
                    double width, double size, int bold,
                    const impact__rgb *c, PangoAlignment align);

/* As impact__text(), at most `max_lines` lines (0: no limit), the last
 * one ellipsized ("…") when the text is longer. */
double impact__text_lines(impact__draw *d, const char *s, double x,
                          double y, double width, double size, int bold,
                          const impact__rgb *c, PangoAlignment align,
                          int max_lines);

/* Height of `s` wrapped within `width`, without drawing. */
double impact__text_height(impact__draw *d, const char *s, double width,
                           double size, int bold);

/* Height of `s` wrapped within `width` in at most `max_lines` lines. */
double impact__text_lines_height(impact__draw *d, const char *s,
                                 double width, double size, int bold,
                                 int max_lines);

/* Width and height of `s` wrapped within `width` in at most `max_lines`
 * lines (0: no limit): the box impact__text_lines() would fill. */
void impact__text_size(impact__draw *d, const char *s, double width,
                       double size, int bold, int max_lines, double *w,
                       double *h);

/* Natural width of `s` on one line. */
double impact__text_width(impact__draw *d, const char *s, double size,
                          int bold);

/* Height of one line of text at `size`. */
double impact__line_height(impact__draw *d, double size, int bold);

/*
 * Draw one line of `s` vertically centred on `cy`, starting at x (ending
 * at x when `right` is set), ellipsized at its end to `max_width` when it
 * is longer (no limit when max_width <= 0).  Returns the width drawn.
 */
double impact__text_line(impact__draw *d, const char *s, double x,
                         double cy, double max_width, double size, int bold,
                         const impact__rgb *c, int right);

/* As impact__text_line(), with a white halo around the glyphs so that
 * the text reads over lines and colours (map labels). */
double impact__text_line_halo(impact__draw *d, const char *s, double x,
                              double cy, double max_width, double size,
                              int bold, const impact__rgb *c, int right);

/* One line of `s` on a white rounded label centred on (cx, cy), at most
 * `max_width` wide (the text ellipsized); returns the label's width. */
double impact__text_pill(impact__draw *d, const char *s, double cx,
                         double cy, double max_width, double size,
                         const impact__rgb *c);

/* Fill the rectangle at (x, y), `w` by `h`, with `c`. */
void impact__fill_rect(impact__draw *d, double x, double y, double w,
                       double h, const impact__rgb *c);

/* The "not published" placeholder: a light grey rectangle with diagonal
 * hatching and a thin rim. */
void impact__hatch_rect(impact__draw *d, double x, double y, double w,
                        double h);

/* A straight line, `width` points thick; dashed when `dash` > 0 (dash
 * and gap of `dash` points). */
void impact__line(impact__draw *d, double x0, double y0, double x1,
                  double y1, double width, const impact__rgb *c,
                  double dash);

/* A confidence interval: a horizontal line from x0 to x1 at cy with end
 * caps `cap` points high each side. */
void impact__whisker(impact__draw *d, double x0, double x1, double cy,
                     double cap, double width, const impact__rgb *c);

/* The same, vertical, from y0 to y1 at cx. */
void impact__whisker_v(impact__draw *d, double cx, double y0, double y1,
                       double cap, double width, const impact__rgb *c);

/* A filled disc of radius r with a rim of `rim_w` points in `rim` (no rim
 * when rim is NULL). */
void impact__dot(impact__draw *d, double cx, double cy, double r,
                 const impact__rgb *fill, const impact__rgb *rim,
                 double rim_w);

/* The reference marker of a bar: a vermilion vertical tick `h` high
 * centred on (cx, cy), with a white rim so it shows on a bar too. */
void impact__ref_tick(impact__draw *d, double cx, double cy, double h);

/*
 * A sequential colour-blind-safe scale, viridis (van der Walt & Smith
 * 2015, matplotlib): t = 0 is dark purple 440154, t = 1 yellow fde725;
 * t is clamped to [0, 1]; NaN gives a neutral light grey (bdbdbd).
 */
impact__rgb impact__sequential(double t);

/* Ink or white, whichever reads better on background `bg` (WCAG relative
 * luminance). */
const impact__rgb *impact__text_on(const impact__rgb *bg);

/* impact_format_number(out, size, v, decimals, d->lang); decimals are
 * clamped to 0..6.  Returns out. */
char *impact__format(impact__draw *d, char *out, size_t size, double v,
                     int decimals);

/* A share as a percentage: 0.438 with 1 decimal gives "43,8 %" (a narrow
 * no-break space before % in French), "43.8%" in English.  Returns out. */
char *impact__format_pct(impact__draw *d, char *out, size_t size,
                         double share, int decimals);

/*
 * The caller's `fmt` with its first "%zu" replaced by `count` formatted as
 * impact__format() does ("1 234" in French) and "%%" by "%"; any other
 * directive is copied as it is, so a caller's format can never read past
 * its arguments.  Returns out.
 */
char *impact__format_count(impact__draw *d, char *out, size_t size,
                           const char *fmt, size_t count);

/*
 * The step of a "nice" axis over `span` (> 0): 1, 2, 2.5 or 5 times a
 * power of ten, the smallest giving at most `max_ticks` (>= 2) ticks over
 * the span (span / step + 1 <= max_ticks).  100 with 5 ticks gives 25.
 */
double impact__nice_step(double span, int max_ticks);

/* Decimals needed to print multiples of `step` exactly (0.25 gives 2,
 * 20 gives 0), at most 6. */
int impact__step_decimals(double step);

/* Legend symbols. */
typedef enum {
	IMPACT__SYM_SWATCH,   /* a filled rectangle in `colour` */
	IMPACT__SYM_LINE,     /* a line with a dot, `colour` */
	IMPACT__SYM_DASH,     /* a dashed line, `colour` */
	IMPACT__SYM_TICK,     /* the vermilion reference tick */
	IMPACT__SYM_WHISKER,  /* a confidence whisker, `colour` or ink */
	IMPACT__SYM_DOT,      /* a dot, `colour` */
	IMPACT__SYM_BAND,     /* a light band, `colour` at low opacity */
	IMPACT__SYM_HATCH     /* the not-published placeholder */
} impact__symbol;

/* One legend entry. */
typedef struct {
	impact__symbol symbol;      /* its symbol */
	const impact__rgb *colour;  /* its colour (NULL for TICK, HATCH) */
	const char *text;           /* its label (borrowed); NULL: skipped */
} impact__legend_item;

/*
 * Lay the `n` legend entries out in rows within `w` points from (x, y),
 * at 7.5 points, an entry wider than the row ellipsized; draws them when
 * `draw` is set.  Returns the height used (0 when no entry has text).
 */
double impact__legend(impact__draw *d, const impact__legend_item *items,
                      size_t n, double x, double y, double w, int draw);

#endif
