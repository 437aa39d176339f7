/*
 * reports/report.c: the PDF dashboards of a place or a territory.
 *
 * A dashboard is made in two steps.  First everything it prints is read
 * into a `dashboard` struct (names, key figures, one `question` per
 * question mean, and for a territory one `place_row` per place below it).
 * Every number comes from the `results` table, joined to `results`' own
 * keys for names, scale bounds and the territory tree, never recomputed
 * from answers, so every number is one `impact show` prints.  (The view
 * results_view lacks the ids and scale bounds this needs.)  Then the
 * struct is drawn with Cairo onto A4 pages, text laid out by Pango in
 * DejaVu Sans: a `render` struct carries the drawing state and a cursor
 * `y` that moves down the page, starting a new page when the next block
 * would not fit.  The drawing runs
 * twice, once into a PDF stream that is thrown away to count the pages
 * ("Page 1/2" in the footer) and once into a temporary file beside the
 * output, renamed over it only when Cairo and the disk report success.
 *
 * Disclosure control happens at drawing time in one predicate,
 * published(): a figure on fewer than IMPACT_MIN_PUBLISHED_N respondents
 * prints as "non publié (n < 5)" and its bar is replaced by a hatched
 * placeholder.  Activity counts are not about persons and always print.
 * Words and number formatting live in reports/report_text.c.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "../engine/context.h"
#include "impact/indicators.h"
#include "impact/reports.h"
#include "report_text.h"

/* Page geometry in PDF points: A4 portrait. */
#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 42.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define BOTTOM (PAGE_H - 52.0)   /* content stops above the footer */

/* Horizontal bar charts: label column, plot area, room for the value. */
#define LABEL_W 196.0
#define PLOT_X0 (MARGIN + LABEL_W + 16.0)
#define PLOT_X1 (PAGE_W - MARGIN - 44.0)
#define BAR_H 11.0
#define ROW_PAD 4.0

#define FONT_FAMILY "DejaVu Sans"

#define ENDASH "\xe2\x80\x93"        /* between the ends of a range */
#define EMDASH "\xe2\x80\x94"        /* between the title and the name */
#define MIDDOT " \xc2\xb7 "           /* between items on one line */

/* One figure read from `results`. */
typedef struct {
	int has;           /* 1 when a row with a value exists */
	double value;      /* the value */
	long long n;       /* observations it stands on */
	int has_ci;        /* 1 when lo and hi are set */
	double lo, hi;     /* 95% confidence interval */
} figure;

/* One row of the question chart. */
typedef struct {
	long long id;      /* questions.id */
	char *label;       /* label in the report language (owned) */
	double min, max;   /* bounds of the question's scale */
	figure unit;       /* mean of the unit reported */
	figure parent;     /* mean of its parent territory (has 0 if none) */
} question;

/* One row of a territory's comparison of places. */
typedef struct {
	char *name;        /* place name (owned) */
	figure score;      /* its well-being score (has 0 if none) */
} place_row;

/* Everything a dashboard prints, read before drawing starts. */
typedef struct {
	int is_place;            /* 1: a place, 0: a territory */
	int period;              /* year reported */
	long long id;            /* places.id or territories.id */
	char *name;              /* unit name (owned) */
	char *commune;           /* commune of a place, or NULL (owned) */
	long long parent_id;     /* territory above the unit, 0 when none */
	char *parent_name;       /* its name, or NULL (owned) */
	figure respondents;      /* number of respondents */
	figure score;            /* well-being score, 0-100 */
	figure activities;       /* number of activities */
	figure participants;     /* sum of participants */
	figure hours;            /* sum of participants x hours */
	question *questions;     /* chart rows in questionnaire order (owned) */
	size_t n_questions;
	place_row *places;       /* territory only, sorted for the chart */
	size_t n_places;
} dashboard;

/* A colour, components 0 to 1. */
typedef struct {
	double r, g, b;    /* red, green, blue */
} rgb;

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, \
                   ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0 }

/* Okabe & Ito (2008) colour-blind-safe palette for the data, greys for
 * the rest. */
static const rgb c_blue = RGB(0x0072b2);      /* the unit's values */
static const rgb c_sky = RGB(0x56b4e9);       /* places of a territory */
static const rgb c_vermilion = RGB(0xd55e00); /* the reference marker */
static const rgb c_ink = RGB(0x1a1a1a);       /* text, whiskers */
static const rgb c_grey = RGB(0x5a5a5a);      /* secondary text */
static const rgb c_rule = RGB(0xd0d0d0);      /* horizontal rules */
static const rgb c_grid = RGB(0xe2e2e2);      /* chart grid lines */
static const rgb c_zebra = RGB(0xf5f7f9);     /* every other chart row */
static const rgb c_tint = RGB(0xeef4f9);      /* key-figure boxes */
static const rgb c_hatch_bg = RGB(0xf0f0f0);  /* unpublished placeholder */
static const rgb c_hatch_fg = RGB(0xa8a8a8);  /* its hatching */
static const rgb c_white = RGB(0xffffff);     /* paper */

/* The drawing state of one pass over a dashboard. */
typedef struct {
	cairo_t *cr;                     /* target of the pass */
	PangoLayout *layout;             /* reused for every piece of text */
	PangoFontDescription *font;      /* DejaVu Sans, size set per text */
	const dashboard *d;              /* what is drawn */
	const impact__report_text *t;    /* words of the language */
	impact__lang lang;               /* language of numbers */
	const char *title;               /* "Tableau de bord — name" */
	const char *today;               /* production date, YYYY-MM-DD */
	double y;                        /* top of the free space on the page */
	int page;                        /* current page, from 1 */
	int pages;                       /* total pages, 0 while counting */
	const char *const *axis;         /* labels of the chart being drawn */
	const double *axis_at;           /* their places, 0 to 1 */
	size_t axis_n;                   /* how many; 0 outside a chart */
} render;

/* Where a PDF stream goes: a file, with the first write error kept. */
typedef struct {
	FILE *fp;          /* temporary file, or NULL to discard the bytes */
	int err;           /* errno of the first failed write, 0 if none */
} sink;

/* ------------------------------------------------------------------ */
/* Reading results                                                     */
/* ------------------------------------------------------------------ */

/* Copy a database string into malloc'd memory, replacing invalid UTF-8
 * (Pango refuses it) with U+FFFD.  NULL in gives NULL out; *oom is set to
 * 1 when memory runs out. */
static char *dup_text(const unsigned char *s, int *oom)
{
	gchar *valid;
	char *copy;

	if (!s)
		return NULL;
	if (g_utf8_validate((const char *)s, -1, NULL)) {
		copy = strdup((const char *)s);
	} else {
		valid = g_utf8_make_valid((const char *)s, -1);
		copy = strdup(valid);
		g_free(valid);
	}
	if (!copy)
		*oom = 1;
	return copy;
}

/* Read a figure from columns value, n, ci_low, ci_high starting at `col`
 * of the current row of `st`. */
static void read_figure(figure *f, sqlite3_stmt *st, int col)
{
	f->has = sqlite3_column_type(st, col) != SQLITE_NULL;
	f->value = sqlite3_column_double(st, col);
	f->n = sqlite3_column_int64(st, col + 1);
	f->has_ci = sqlite3_column_type(st, col + 2) != SQLITE_NULL
	            && sqlite3_column_type(st, col + 3) != SQLITE_NULL;
	f->lo = sqlite3_column_double(st, col + 2);
	f->hi = sqlite3_column_double(st, col + 3);
}

/* Whether a figure about persons may be printed (disclosure control). */
static int published(const figure *f)
{
	return f->has && f->n >= IMPACT_MIN_PUBLISHED_N;
}

/* Free what a dashboard owns and zero it.  Accepts a zeroed struct. */
static void dashboard_release(dashboard *d)
{
	size_t i;

	free(d->name);
	free(d->commune);
	free(d->parent_name);
	for (i = 0; i < d->n_questions; i++)
		free(d->questions[i].label);
	free(d->questions);
	for (i = 0; i < d->n_places; i++)
		free(d->places[i].name);
	free(d->places);
	memset(d, 0, sizeof(*d));
}

/*
 * The period to report into *out: `asked` when results exist for it, the
 * latest period of `results` when `asked` is 0.  IMPACT_ENOTFOUND, telling
 * to run `impact compute`, when there is none.
 */
static int resolve_period(impact *h, int asked, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = impact__prepare(h, &st, asked
	     ? "SELECT ?1 FROM results WHERE period = ?1 LIMIT 1;"
	     : "SELECT max(period) FROM results;");
	if (rc != IMPACT_OK)
		goto done;
	if (asked)
		sqlite3_bind_int(st, 1, asked);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = impact__db_error(h, "reading result periods");
		goto done;
	}
	if (rc == SQLITE_DONE || sqlite3_column_type(st, 0) == SQLITE_NULL) {
		rc = asked
		     ? impact__error(h, IMPACT_ENOTFOUND,
		                     "no results for period %d: run "
		                     "'impact compute' first", asked)
		     : impact__error(h, IMPACT_ENOTFOUND,
		                     "no results in the database: run "
		                     "'impact compute' first");
		goto done;
	}
	*out = sqlite3_column_int(st, 0);
	rc = IMPACT_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

/*
 * Find the place (d->is_place) or territory `code`: its id, name, commune
 * and the territory above it.  IMPACT_ENOTFOUND when the code is unknown.
 */
static int load_unit(impact *h, dashboard *d, const char *code)
{
	sqlite3_stmt *st = NULL;
	int rc, oom = 0;

	rc = impact__prepare(h, &st, d->is_place
	     ? "SELECT p.id, p.name, p.commune, t.id, t.name FROM places p "
	       "JOIN territories t ON t.id = p.territory_id WHERE p.code = ?1;"
	     : "SELECT t.id, t.name, NULL, pt.id, pt.name FROM territories t "
	       "LEFT JOIN territories pt ON pt.id = t.parent_id "
	       "WHERE t.code = ?1;");
	if (rc != IMPACT_OK)
		goto done;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = impact__error(h, IMPACT_ENOTFOUND, "%s '%s' not found",
		                   d->is_place ? "place" : "territory", code);
		goto done;
	}
	if (rc != SQLITE_ROW) {
		rc = impact__db_error(h, "reading the unit reported");
		goto done;
	}
	d->id = sqlite3_column_int64(st, 0);
	d->name = dup_text(sqlite3_column_text(st, 1), &oom);
	d->commune = dup_text(sqlite3_column_text(st, 2), &oom);
	d->parent_id = sqlite3_column_int64(st, 3);
	d->parent_name = dup_text(sqlite3_column_text(st, 4), &oom);
	if (oom || !d->name) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	rc = IMPACT_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

/* Append a question to d->questions, growing the array; the new entry is
 * zeroed and returned, or NULL when memory runs out. */
static question *add_question(dashboard *d, size_t *cap)
{
	question *grown;

	if (d->n_questions == *cap) {
		size_t n = *cap ? 2 * *cap : 16;

		grown = realloc(d->questions, n * sizeof(*grown));
		if (!grown)
			return NULL;
		d->questions = grown;
		*cap = n;
	}
	memset(&d->questions[d->n_questions], 0, sizeof(question));
	return &d->questions[d->n_questions++];
}

/*
 * Read the unit's results for d->period: key figures and question means
 * (labels in `lang`, in questionnaire order).  IMPACT_ENOTFOUND when the
 * unit has no result that period.
 */
static int load_figures(impact *h, dashboard *d, const char *code,
                        impact__lang lang)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0, rows = 0;
	int rc, oom = 0;

	rc = impact__prepare(h, &st, d->is_place
	     ? "SELECT r.measure, r.value, r.n, r.ci_low, r.ci_high, q.id, "
	       "q.label_fr, q.label_en, q.min, q.max FROM results r "
	       "LEFT JOIN questions q ON q.id = r.question_id "
	       "WHERE r.period = ?1 AND r.place_id = ?2 "
	       "ORDER BY q.survey_id, q.position, q.id;"
	     : "SELECT r.measure, r.value, r.n, r.ci_low, r.ci_high, q.id, "
	       "q.label_fr, q.label_en, q.min, q.max FROM results r "
	       "LEFT JOIN questions q ON q.id = r.question_id "
	       "WHERE r.period = ?1 AND r.territory_id = ?2 "
	       "ORDER BY q.survey_id, q.position, q.id;");
	if (rc != IMPACT_OK)
		goto done;
	sqlite3_bind_int(st, 1, d->period);
	sqlite3_bind_int64(st, 2, d->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		const unsigned char *label;
		question *q;

		rows++;
		if (!m)
			continue;
		if (strcmp(m, IMPACT_MEASURE_RESPONDENTS) == 0) {
			read_figure(&d->respondents, st, 1);
		} else if (strcmp(m, IMPACT_MEASURE_SCORE) == 0) {
			read_figure(&d->score, st, 1);
		} else if (strcmp(m, IMPACT_MEASURE_ACTIVITIES) == 0) {
			read_figure(&d->activities, st, 1);
		} else if (strcmp(m, IMPACT_MEASURE_PARTICIPANTS) == 0) {
			read_figure(&d->participants, st, 1);
		} else if (strcmp(m, IMPACT_MEASURE_HOURS) == 0) {
			read_figure(&d->hours, st, 1);
		} else if (strcmp(m, IMPACT_MEASURE_QUESTION) == 0
		           && sqlite3_column_type(st, 5) != SQLITE_NULL) {
			if (!(q = add_question(d, &cap))) {
				oom = 1;
				break;
			}
			read_figure(&q->unit, st, 1);
			q->id = sqlite3_column_int64(st, 5);
			label = sqlite3_column_text(st, 7);
			if (lang != IMPACT__LANG_EN || !label || !*label)
				label = sqlite3_column_text(st, 6);
			q->label = dup_text(label ? label
			                    : (const unsigned char *)"", &oom);
			q->min = sqlite3_column_double(st, 8);
			q->max = sqlite3_column_double(st, 9);
			if (!(q->max > q->min))
				q->max = q->min + 1;
		}
	}
	if (oom) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if (rc != SQLITE_DONE) {
		rc = impact__db_error(h, "reading results");
		goto done;
	}
	if (rows == 0) {
		rc = impact__error(h, IMPACT_ENOTFOUND,
		                   "%s '%s' has no results for period %d: run "
		                   "'impact compute' first",
		                   d->is_place ? "place" : "territory", code,
		                   d->period);
		goto done;
	}
	rc = IMPACT_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

/* Read the question means of the parent territory into q->parent, matched
 * on the question id.  Nothing to do when the unit has no parent. */
static int load_parent(impact *h, dashboard *d)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if (!d->parent_id || !d->n_questions)
		return IMPACT_OK;
	rc = impact__prepare(h, &st,
	     "SELECT r.question_id, r.value, r.n, r.ci_low, r.ci_high "
	     "FROM results r WHERE r.period = ?1 AND r.territory_id = ?2 "
	     "AND r.measure = '" IMPACT_MEASURE_QUESTION "';");
	if (rc != IMPACT_OK)
		goto done;
	sqlite3_bind_int(st, 1, d->period);
	sqlite3_bind_int64(st, 2, d->parent_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long qid = sqlite3_column_int64(st, 0);

		for (i = 0; i < d->n_questions; i++)
			if (d->questions[i].id == qid)
				read_figure(&d->questions[i].parent, st, 1);
	}
	if (rc != SQLITE_DONE) {
		rc = impact__db_error(h, "reading the parent's results");
		goto done;
	}
	rc = IMPACT_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

/* qsort order of the places chart: published scores first, highest
 * first, then the others; ties by name. */
static int place_row_cmp(const void *a, const void *b)
{
	const place_row *x = a, *y = b;
	int px = published(&x->score), py = published(&y->score);

	if (px != py)
		return py - px;
	if (px && x->score.value != y->score.value)
		return x->score.value < y->score.value ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* For a territory, read the well-being score of every place below it
 * (at any depth) that has results in d->period, sorted for the chart. */
static int load_places(impact *h, dashboard *d)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, oom = 0;

	if (d->is_place)
		return IMPACT_OK;
	rc = impact__prepare(h, &st,
	     "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION "
	     "  SELECT t.id FROM territories t JOIN sub "
	     "  ON t.parent_id = sub.id) "
	     "SELECT p.name, s.value, s.n, s.ci_low, s.ci_high FROM places p "
	     "LEFT JOIN results s ON s.place_id = p.id AND s.period = ?2 "
	     "  AND s.measure = '" IMPACT_MEASURE_SCORE "' "
	     "WHERE p.territory_id IN (SELECT id FROM sub) AND EXISTS "
	     "  (SELECT 1 FROM results x WHERE x.place_id = p.id "
	     "   AND x.period = ?2);");
	if (rc != IMPACT_OK)
		goto done;
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_int(st, 2, d->period);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		place_row *row;

		if (d->n_places == cap) {
			size_t n = cap ? 2 * cap : 16;
			place_row *grown;

			grown = realloc(d->places, n * sizeof(*grown));

			if (!grown) {
				oom = 1;
				break;
			}
			d->places = grown;
			cap = n;
		}
		row = &d->places[d->n_places++];
		memset(row, 0, sizeof(*row));
		row->name = dup_text(sqlite3_column_text(st, 0), &oom);
		read_figure(&row->score, st, 1);
		if (oom || !row->name) {
			oom = 1;
			break;
		}
	}
	if (oom) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if (rc != SQLITE_DONE) {
		rc = impact__db_error(h, "reading the places of a territory");
		goto done;
	}
	if (d->n_places > 1)
		qsort(d->places, d->n_places, sizeof(place_row), place_row_cmp);
	rc = IMPACT_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

/* Fill `d` (zeroed by the caller, released by the caller even on failure)
 * with the dashboard of place or territory `code` for `period`. */
static int load_dashboard(impact *h, dashboard *d, int is_place,
                          const char *code, int period, impact__lang lang)
{
	int rc;

	d->is_place = is_place;
	d->period = period;
	if ((rc = load_unit(h, d, code)) != IMPACT_OK)
		return rc;
	if ((rc = load_figures(h, d, code, lang)) != IMPACT_OK)
		return rc;
	if ((rc = load_parent(h, d)) != IMPACT_OK)
		return rc;
	return load_places(h, d);
}

/* ------------------------------------------------------------------ */
/* Drawing primitives                                                  */
/* ------------------------------------------------------------------ */

/* Make `c` the colour of what is drawn next. */
static void set_colour(render *r, const rgb *c)
{
	cairo_set_source_rgb(r->cr, c->r, c->g, c->b);
}

/* Set the layout to `s` at `size` points, bold or not, wrapped at words
 * within `width` points (one unwrapped line when width <= 0).  A string cut
 * by snprintf in the middle of a character is laid out up to the cut, as
 * Pango takes valid UTF-8 only. */
static void layout_text(render *r, const char *s, double width, double size,
                        int bold, PangoAlignment align)
{
	const gchar *end = NULL;

	pango_font_description_set_weight(r->font, bold ? PANGO_WEIGHT_BOLD
	                                  : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(r->font, size * PANGO_SCALE);
	pango_layout_set_font_description(r->layout, r->font);
	pango_layout_set_width(r->layout,
	                       width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_alignment(r->layout, align);
	if (g_utf8_validate(s, -1, &end))
		pango_layout_set_text(r->layout, s, -1);
	else
		pango_layout_set_text(r->layout, s, (int)(end - s));
}

/* Width and height in points of the text last laid out. */
static void layout_extent(render *r, double *w, double *h)
{
	PangoRectangle log;

	pango_layout_get_extents(r->layout, NULL, &log);
	if (w)
		*w = (double)log.width / PANGO_SCALE;
	if (h)
		*h = (double)log.height / PANGO_SCALE;
}

/* Height of `s` wrapped within `width` at `size`, without drawing. */
static double text_height(render *r, const char *s, double width,
                          double size, int bold)
{
	double h;

	layout_text(r, s, width, size, bold, PANGO_ALIGN_LEFT);
	layout_extent(r, NULL, &h);
	return h;
}

/* Natural width of `s` on one line at `size`. */
static double text_width(render *r, const char *s, double size, int bold)
{
	double w;

	layout_text(r, s, -1, size, bold, PANGO_ALIGN_LEFT);
	layout_extent(r, &w, NULL);
	return w;
}

/* Draw `s` with its top-left corner at (x, y), wrapped within `width`
 * (aligned as `align` in that width); returns the height used. */
static double text_draw(render *r, const char *s, double x, double y,
                        double width, double size, int bold, const rgb *c,
                        PangoAlignment align)
{
	double h;

	layout_text(r, s, width, size, bold, align);
	layout_extent(r, NULL, &h);
	set_colour(r, c);
	cairo_move_to(r->cr, x, y);
	pango_cairo_show_layout(r->cr, r->layout);
	return h;
}

/* Draw one line of `s` vertically centred on `cy`, starting at x (or
 * ending at x when `right` is set); returns its width. */
static double text_centred(render *r, const char *s, double x, double cy,
                           double size, int bold, const rgb *c, int right)
{
	double w, h;

	layout_text(r, s, -1, size, bold, PANGO_ALIGN_LEFT);
	layout_extent(r, &w, &h);
	set_colour(r, c);
	cairo_move_to(r->cr, right ? x - w : x, cy - h / 2);
	pango_cairo_show_layout(r->cr, r->layout);
	return w;
}

/* Fill the rectangle at (x, y), `w` by `h`, with `c`. */
static void fill_rect(render *r, double x, double y, double w, double h,
                      const rgb *c)
{
	set_colour(r, c);
	cairo_rectangle(r->cr, x, y, w, h);
	cairo_fill(r->cr);
}

/* A grey rectangle with diagonal hatching: the place of a figure that is
 * not published. */
static void hatch_rect(render *r, double x, double y, double w, double h)
{
	double k;

	cairo_save(r->cr);
	fill_rect(r, x, y, w, h, &c_hatch_bg);
	cairo_rectangle(r->cr, x, y, w, h);
	cairo_clip(r->cr);
	set_colour(r, &c_hatch_fg);
	cairo_set_line_width(r->cr, 0.7);
	for (k = -h; k < w; k += 4) {
		cairo_move_to(r->cr, x + k, y + h);
		cairo_line_to(r->cr, x + k + h, y);
	}
	cairo_stroke(r->cr);
	cairo_restore(r->cr);
	set_colour(r, &c_hatch_fg);
	cairo_set_line_width(r->cr, 0.5);
	cairo_rectangle(r->cr, x, y, w, h);
	cairo_stroke(r->cr);
}

/* The reference marker: a vermilion diamond with a white rim, so that it
 * shows on a bar as well as beside it. */
static void diamond(render *r, double cx, double cy, double s)
{
	cairo_move_to(r->cr, cx, cy - s);
	cairo_line_to(r->cr, cx + s, cy);
	cairo_line_to(r->cr, cx, cy + s);
	cairo_line_to(r->cr, cx - s, cy);
	cairo_close_path(r->cr);
	set_colour(r, &c_vermilion);
	cairo_fill_preserve(r->cr);
	set_colour(r, &c_white);
	cairo_set_line_width(r->cr, 0.8);
	cairo_stroke(r->cr);
}

/* A confidence interval: a horizontal line with end caps. */
static void whisker(render *r, double x0, double x1, double cy, double cap)
{
	set_colour(r, &c_ink);
	cairo_set_line_width(r->cr, 1.0);
	cairo_move_to(r->cr, x0, cy);
	cairo_line_to(r->cr, x1, cy);
	cairo_move_to(r->cr, x0, cy - cap);
	cairo_line_to(r->cr, x0, cy + cap);
	cairo_move_to(r->cr, x1, cy - cap);
	cairo_line_to(r->cr, x1, cy + cap);
	cairo_stroke(r->cr);
}

/* A dashed vertical vermilion line from y0 to y1. */
static void marker_line(render *r, double x, double y0, double y1)
{
	static const double dash[] = { 3.0, 2.0 };

	cairo_save(r->cr);
	set_colour(r, &c_vermilion);
	cairo_set_line_width(r->cr, 1.3);
	cairo_set_dash(r->cr, dash, 2, 0);
	cairo_move_to(r->cr, x, y0);
	cairo_line_to(r->cr, x, y1);
	cairo_stroke(r->cr);
	cairo_restore(r->cr);
}

/* A horizontal rule from x0 to x1 at y, `width` points thick. */
static void hline(render *r, double x0, double x1, double y, double width,
                  const rgb *c)
{
	set_colour(r, c);
	cairo_set_line_width(r->cr, width);
	cairo_move_to(r->cr, x0, y);
	cairo_line_to(r->cr, x1, y);
	cairo_stroke(r->cr);
}

/* ------------------------------------------------------------------ */
/* Pages                                                               */
/* ------------------------------------------------------------------ */

/* Footer of the current page: source, date and page number. */
static void draw_footer(render *r)
{
	char left[256], right[64];

	snprintf(left, sizeof(left), "%s" MIDDOT "%s %s", r->t->source,
	         r->t->produced, r->today);
	if (r->pages > 0)
		snprintf(right, sizeof(right), "%s %d/%d", r->t->page, r->page,
		         r->pages);
	else
		snprintf(right, sizeof(right), "%s %d", r->t->page, r->page);
	hline(r, MARGIN, PAGE_W - MARGIN, PAGE_H - 40, 0.5, &c_rule);
	text_draw(r, left, MARGIN, PAGE_H - 35, CONTENT_W - 80, 7, 0, &c_grey,
	          PANGO_ALIGN_LEFT);
	text_draw(r, right, PAGE_W - MARGIN - 80, PAGE_H - 35, 80, 7, 0,
	          &c_grey, PANGO_ALIGN_RIGHT);
}

/* Top of the first page: colour band, title, where and when. */
static void draw_header(render *r)
{
	const dashboard *d = r->d;
	char where[1024], when[128];
	size_t len = 0;

	fill_rect(r, 0, 0, PAGE_W, 6, &c_blue);
	r->y = 30;
	r->y += text_draw(r, r->title, MARGIN, r->y, CONTENT_W, 20, 1, &c_ink,
	                  PANGO_ALIGN_LEFT);
	where[0] = '\0';
	if (d->is_place && d->commune && *d->commune)
		len += (size_t)snprintf(where, sizeof(where), "%s" MIDDOT,
		                        d->commune);
	if (d->parent_name && len < sizeof(where))
		len += (size_t)snprintf(where + len, sizeof(where) - len,
		                        "%s" MIDDOT, d->parent_name);
	if (!d->is_place && len < sizeof(where))
		len += (size_t)snprintf(where + len, sizeof(where) - len,
		                        "%zu %s" MIDDOT, d->n_places,
		                        d->n_places == 1 ? r->t->place_one
		                                         : r->t->places_count);
	/* Drop the trailing separator. */
	if (len >= strlen(MIDDOT) && len < sizeof(where))
		where[len - strlen(MIDDOT)] = '\0';
	r->y += 4;
	if (where[0])
		r->y += text_draw(r, where, MARGIN, r->y, CONTENT_W, 10.5, 0,
		                  &c_ink, PANGO_ALIGN_LEFT) + 2;
	snprintf(when, sizeof(when), "%s %d" MIDDOT "%s %s", r->t->period,
	         d->period, r->t->produced, r->today);
	r->y += text_draw(r, when, MARGIN, r->y, CONTENT_W, 9, 0, &c_grey,
	                  PANGO_ALIGN_LEFT);
	r->y += 10;
	hline(r, MARGIN, PAGE_W - MARGIN, r->y, 0.8, &c_rule);
	r->y += 16;
}

/* Start the current page: header on the first, a running title on the
 * others, footer on all. */
static void page_begin(render *r)
{
	char running[512];

	draw_footer(r);
	if (r->page == 1) {
		draw_header(r);
		return;
	}
	fill_rect(r, 0, 0, PAGE_W, 6, &c_blue);
	snprintf(running, sizeof(running), "%s %s", r->title, r->t->continued);
	r->y = 26;
	r->y += text_draw(r, running, MARGIN, r->y, CONTENT_W, 9, 1, &c_grey,
	                  PANGO_ALIGN_LEFT) + 6;
	hline(r, MARGIN, PAGE_W - MARGIN, r->y, 0.5, &c_rule);
	r->y += 14;
}

static void draw_axis(render *r, const char *const *labels,
                      const double *at, size_t n);

/* Make sure `need` points are free below the cursor, else start a page
 * (repeating the axis labels of a chart cut by the page break). */
static void ensure(render *r, double need)
{
	if (r->y + need <= BOTTOM)
		return;
	cairo_show_page(r->cr);
	r->page++;
	page_begin(r);
	if (r->axis_n)
		draw_axis(r, r->axis, r->axis_at, r->axis_n);
}

/* A section heading and its one-line explanation; keeps `keep` more
 * points on the same page so a heading is never left alone. */
static void draw_section(render *r, const char *title, const char *sub,
                         double keep)
{
	double th = text_height(r, title, CONTENT_W, 12, 1);
	double sh = sub ? text_height(r, sub, CONTENT_W, 8.5, 0) : 0;

	ensure(r, th + sh + 8 + keep);
	r->y += text_draw(r, title, MARGIN, r->y, CONTENT_W, 12, 1, &c_ink,
	                  PANGO_ALIGN_LEFT) + 2;
	if (sub)
		r->y += text_draw(r, sub, MARGIN, r->y, CONTENT_W, 8.5, 0,
		                  &c_grey, PANGO_ALIGN_LEFT);
	r->y += 8;
}

/* ------------------------------------------------------------------ */
/* Key figures                                                         */
/* ------------------------------------------------------------------ */

#define N_BOXES 5
#define BOX_GAP 8.0
#define BOX_PAD 7.0

/* The content of one key-figure box. */
typedef struct {
	const char *label;              /* what the figure is */
	char value[IMPACT__NUMBER_MAX]; /* the number, "" when not printed */
	const char *suffix;             /* after the number ("/100"), or NULL */
	const char *status;             /* why no number, or NULL */
	char note[320];                 /* small print under the value */
} keybox;

/* Fill box `b` for figure `f`: `persons` applies disclosure control,
 * `decimals` the rounding. */
static void keybox_fill(render *r, keybox *b, const char *label,
                        const figure *f, int persons, int decimals,
                        const char *note)
{
	memset(b, 0, sizeof(*b));
	b->label = label;
	if (!f->has)
		b->status = r->t->no_data;
	else if (persons && !published(f))
		b->status = r->t->suppressed;
	else
		impact__report_number(b->value, sizeof(b->value), f->value,
		                      decimals, r->lang);
	snprintf(b->note, sizeof(b->note), "%s", b->status ? "" : note);
}

/* Size of the big number of a box: 17 points, less if it would not fit. */
static double keybox_value_size(render *r, const keybox *b, double inner)
{
	double size = 17;

	while (size > 8 && text_width(r, b->value, size, 1)
	       + (b->suffix ? 2 + text_width(r, b->suffix, 9, 0) : 0) > inner)
		size -= 1;
	return size;
}

/* Height of the label of box `b` in `inner` points of width. */
static double keybox_label_height(render *r, const keybox *b, double inner)
{
	return text_height(r, b->label, inner, 8, 1);
}

/* Height of the content of box `b` below its label area of `label_h`. */
static double keybox_height(render *r, const keybox *b, double inner,
                            double label_h)
{
	double h = label_h + 5;

	if (b->status) {
		h += text_height(r, b->status, inner, 8.5, 1);
	} else {
		double size = keybox_value_size(r, b, inner);

		h += text_height(r, b->value, -1, size, 1);
		if (b->note[0])
			h += 3 + text_height(r, b->note, inner, 7, 0);
	}
	return h;
}

/* Draw box `b` at (x, y), `w` by `h`; the values of all boxes start
 * `label_h` below the top, so that they line up. */
static void keybox_draw(render *r, const keybox *b, double x, double y,
                        double w, double h, double label_h)
{
	double inner = w - 2 * BOX_PAD, size, base, vw, vh;

	fill_rect(r, x, y, w, h, &c_tint);
	fill_rect(r, x, y, w, 2.5, &c_blue);
	x += BOX_PAD;
	y += BOX_PAD + 2;
	text_draw(r, b->label, x, y, inner, 8, 1, &c_grey, PANGO_ALIGN_LEFT);
	y += label_h + 5;
	if (b->status) {
		text_draw(r, b->status, x, y, inner, 8.5, 1, &c_grey,
		          PANGO_ALIGN_LEFT);
		return;
	}
	size = keybox_value_size(r, b, inner);
	layout_text(r, b->value, -1, size, 1, PANGO_ALIGN_LEFT);
	layout_extent(r, &vw, &vh);
	base = (double)pango_layout_get_baseline(r->layout) / PANGO_SCALE;
	set_colour(r, &c_ink);
	cairo_move_to(r->cr, x, y);
	pango_cairo_show_layout(r->cr, r->layout);
	if (b->suffix) {
		double sbase;

		layout_text(r, b->suffix, -1, 9, 0, PANGO_ALIGN_LEFT);
		sbase = (double)pango_layout_get_baseline(r->layout)
		        / PANGO_SCALE;
		set_colour(r, &c_grey);
		cairo_move_to(r->cr, x + vw + 2, y + base - sbase);
		pango_cairo_show_layout(r->cr, r->layout);
	}
	y += vh + 3;
	if (b->note[0])
		text_draw(r, b->note, x, y, inner, 7, 0, &c_grey,
		          PANGO_ALIGN_LEFT);
}

/* The row of key figures: respondents, score, activities, participants,
 * participant-hours. */
static void draw_key_figures(render *r)
{
	const dashboard *d = r->d;
	const impact__report_text *t = r->t;
	keybox boxes[N_BOXES];
	double w = (CONTENT_W - (N_BOXES - 1) * BOX_GAP) / N_BOXES;
	double inner = w - 2 * BOX_PAD, hmax = 0, label_h = 0, bh;
	char lo[IMPACT__NUMBER_MAX], hi[IMPACT__NUMBER_MAX];
	char n[IMPACT__NUMBER_MAX];
	size_t i;

	keybox_fill(r, &boxes[0], t->respondents, &d->respondents, 1, 0,
	            t->respondents_note);
	keybox_fill(r, &boxes[1], t->score, &d->score, 1, 1, "");
	if (!boxes[1].status) {
		boxes[1].suffix = t->out_of_100;
		impact__report_number(n, sizeof(n), (double)d->score.n, 0,
		                      r->lang);
		if (d->score.has_ci) {
			impact__report_number(lo, sizeof(lo), d->score.lo, 1,
			                      r->lang);
			impact__report_number(hi, sizeof(hi), d->score.hi, 1,
			                      r->lang);
			snprintf(boxes[1].note, sizeof(boxes[1].note),
			         "%s %s" ENDASH "%s\nn = %s", t->ci, lo, hi,
			         n);
		} else {
			snprintf(boxes[1].note, sizeof(boxes[1].note), "n = %s",
			         n);
		}
	}
	keybox_fill(r, &boxes[2], t->activities, &d->activities, 0, 0,
	            t->activities_note);
	keybox_fill(r, &boxes[3], t->participants, &d->participants, 0, 0,
	            t->participants_note);
	keybox_fill(r, &boxes[4], t->hours, &d->hours, 0, 0, t->hours_note);
	for (i = 0; i < N_BOXES; i++)
		label_h = fmax(label_h,
		               keybox_label_height(r, &boxes[i], inner));
	for (i = 0; i < N_BOXES; i++)
		hmax = fmax(hmax, keybox_height(r, &boxes[i], inner, label_h));
	bh = hmax + 2 * BOX_PAD + 2;
	draw_section(r, d->is_place ? t->key_figures : t->key_pooled, NULL,
	             bh);
	for (i = 0; i < N_BOXES; i++)
		keybox_draw(r, &boxes[i], MARGIN + (double)i * (w + BOX_GAP),
		            r->y, w, bh, label_h);
	r->y += bh + 22;
}

/* ------------------------------------------------------------------ */
/* Bar charts                                                          */
/* ------------------------------------------------------------------ */

/* Legend symbols. */
enum { SYM_BAR, SYM_SKY, SYM_CI, SYM_DIAMOND, SYM_LINE, SYM_HATCH };

/* One legend entry. */
typedef struct {
	int symbol;        /* SYM_* */
	const char *text;  /* its label (borrowed) */
} legend_item;

/* Draw the legend entries in a row, wrapping to a new line when full. */
static void draw_legend(render *r, const legend_item *items, size_t n)
{
	double x = MARGIN, line_h = 12, sym_w = 16;
	size_t i;

	for (i = 0; i < n; i++) {
		double tw = text_width(r, items[i].text, 8, 0);
		double item_w = sym_w + 4 + tw;
		double cy = r->y + line_h / 2;

		if (x > MARGIN && x + item_w > PAGE_W - MARGIN) {
			x = MARGIN;
			r->y += line_h + 3;
			cy = r->y + line_h / 2;
		}
		switch (items[i].symbol) {
		case SYM_BAR:
			fill_rect(r, x, cy - 4, sym_w, 8, &c_blue);
			break;
		case SYM_SKY:
			fill_rect(r, x, cy - 4, sym_w, 8, &c_sky);
			break;
		case SYM_CI:
			whisker(r, x + 1, x + sym_w - 1, cy, 3);
			break;
		case SYM_DIAMOND:
			diamond(r, x + sym_w / 2, cy, 4.5);
			break;
		case SYM_LINE:
			marker_line(r, x + sym_w / 2, cy - 6, cy + 6);
			break;
		default:
			hatch_rect(r, x, cy - 4, sym_w, 8);
			break;
		}
		text_centred(r, items[i].text, x + sym_w + 4, cy, 8, 0, &c_ink,
		             0);
		x += item_w + 16;
	}
	r->y += line_h + 8;
}

/* Labels above the plot area at fractions `at` of its width. */
static void draw_axis(render *r, const char *const *labels,
                      const double *at, size_t n)
{
	double h = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double w, x = PLOT_X0 + at[i] * (PLOT_X1 - PLOT_X0);

		layout_text(r, labels[i], -1, 7, 0, PANGO_ALIGN_LEFT);
		layout_extent(r, &w, &h);
		if (at[i] <= 0)
			w = 0;
		else if (at[i] < 1)
			w /= 2;
		set_colour(r, &c_grey);
		cairo_move_to(r->cr, x - w, r->y);
		pango_cairo_show_layout(r->cr, r->layout);
	}
	r->y += h + 3;
}

/* x of value `v` on a scale from `lo` to `hi`, clamped to the plot. */
static double scale_x(double v, double lo, double hi)
{
	double f = (v - lo) / (hi - lo);

	if (!(f > 0))
		f = 0;
	if (f > 1)
		f = 1;
	return PLOT_X0 + f * (PLOT_X1 - PLOT_X0);
}

/* One row of a bar chart. */
typedef struct {
	const char *label;     /* left column, wrapped */
	const char *sub;       /* small grey line under it, or NULL */
	const figure *f;       /* the bar (disclosure control applies) */
	double lo, hi;         /* ends of the scale */
	const figure *ref;     /* reference marker, or NULL */
	int ref_line;          /* 1: dashed line, 0: diamond */
	const rgb *colour;     /* of the bar */
	int stripe;            /* 1: shaded background */
} bar_row;

/* Draw one chart row at the cursor, starting a page if it does not fit. */
static void draw_bar_row(render *r, const bar_row *b)
{
	double lh = text_height(r, b->label, LABEL_W, 9, 0);
	double sh = b->sub ? text_height(r, b->sub, LABEL_W, 7, 0) + 1 : 0;
	double content = fmax(lh + sh, BAR_H + 8), rh = content + 2 * ROW_PAD;
	double y0, cy, xv, xt, ty, vw;
	char val[IMPACT__NUMBER_MAX];
	int k;

	ensure(r, rh);
	y0 = r->y;
	cy = y0 + rh / 2;
	if (b->stripe)
		fill_rect(r, MARGIN - 4, y0, CONTENT_W + 8, rh, &c_zebra);
	for (k = 0; k <= 4; k++) {
		double x = PLOT_X0 + k * (PLOT_X1 - PLOT_X0) / 4;

		set_colour(r, &c_grid);
		cairo_set_line_width(r->cr, k == 0 ? 0.9 : 0.5);
		cairo_move_to(r->cr, x, y0);
		cairo_line_to(r->cr, x, y0 + rh);
		cairo_stroke(r->cr);
	}
	ty = y0 + ROW_PAD + (content - lh - sh) / 2;
	ty += text_draw(r, b->label, MARGIN, ty, LABEL_W, 9, 0, &c_ink,
	                PANGO_ALIGN_LEFT);
	if (b->sub)
		text_draw(r, b->sub, MARGIN, ty + 1, LABEL_W, 7, 0, &c_grey,
		          PANGO_ALIGN_LEFT);
	if (!published(b->f)) {
		/* No bar and no reference marker: there is nothing to compare
		 * with, and the note must stay readable. */
		const char *why = b->f->has ? r->t->suppressed : r->t->no_data;
		double w;

		hatch_rect(r, PLOT_X0, cy - BAR_H / 2, 40, BAR_H);
		w = text_width(r, why, 7.5, 0);
		fill_rect(r, PLOT_X0 + 43, cy - 5, w + 6, 10,
		          b->stripe ? &c_zebra : &c_white);
		text_centred(r, why, PLOT_X0 + 46, cy, 7.5, 0, &c_grey, 0);
		r->y += rh;
		return;
	}
	xv = scale_x(b->f->value, b->lo, b->hi);
	fill_rect(r, PLOT_X0, cy - BAR_H / 2, xv - PLOT_X0, BAR_H, b->colour);
	xt = xv;
	if (b->f->has_ci) {
		double x0 = scale_x(b->f->lo, b->lo, b->hi);
		double x1 = scale_x(b->f->hi, b->lo, b->hi);

		whisker(r, x0, x1, cy, 3.5);
		xt = fmax(xt, x1);
	}
	/* The value goes just after the bar and its interval, or after the
	 * marker when the marker would sit on it. */
	impact__report_number(val, sizeof(val), b->f->value, 1, r->lang);
	vw = text_width(r, val, 8.5, 1);
	xt += 4;
	if (b->ref && published(b->ref)) {
		double xm = scale_x(b->ref->value, b->lo, b->hi);
		double half = b->ref_line ? 1 : 4.5;

		if (b->ref_line)
			marker_line(r, xm, y0, y0 + rh);
		else
			diamond(r, xm, cy, 4.5);
		if (xm + half + 2 > xt && xm - half - 2 < xt + vw)
			xt = xm + half + 3;
	}
	text_centred(r, val, xt, cy, 8.5, 1, &c_ink, 0);
	r->y += rh;
}

/* The question chart: the unit's mean of each question on its own scale,
 * with the parent territory's mean as a marker. */
static void draw_questions(render *r)
{
	const dashboard *d = r->d;
	const impact__report_text *t = r->t;
	legend_item items[4];
	const char *axis[2];
	static const double at[2] = { 0, 1 };
	char parent[512], scale[256], lo[IMPACT__NUMBER_MAX];
	char hi[IMPACT__NUMBER_MAX], n[IMPACT__NUMBER_MAX];
	size_t i, n_items = 0;
	int any_hidden = 0, any_ref = 0;

	draw_section(r, t->questions_title, t->questions_sub, 70);
	if (!d->n_questions) {
		r->y += text_draw(r, t->no_questions, MARGIN, r->y, CONTENT_W,
		                  9, 0, &c_grey, PANGO_ALIGN_LEFT) + 20;
		return;
	}
	for (i = 0; i < d->n_questions; i++) {
		any_hidden |= !published(&d->questions[i].unit);
		any_ref |= published(&d->questions[i].parent);
	}
	items[n_items].symbol = SYM_BAR;
	items[n_items++].text = d->is_place ? t->legend_place
	                                    : t->legend_territory;
	items[n_items].symbol = SYM_CI;
	items[n_items++].text = t->legend_ci;
	if (any_ref && d->parent_name) {
		snprintf(parent, sizeof(parent), "%s %s", t->legend_parent,
		         d->parent_name);
		items[n_items].symbol = SYM_DIAMOND;
		items[n_items++].text = parent;
	}
	if (any_hidden) {
		items[n_items].symbol = SYM_HATCH;
		items[n_items++].text = t->suppressed;
	}
	draw_legend(r, items, n_items);
	axis[0] = t->scale_min;
	axis[1] = t->scale_max;
	draw_axis(r, axis, at, 2);
	r->axis = axis;
	r->axis_at = at;
	r->axis_n = 2;
	for (i = 0; i < d->n_questions; i++) {
		const question *q = &d->questions[i];
		bar_row b;
		size_t len;

		impact__report_number(lo, sizeof(lo), q->min, 1, r->lang);
		impact__report_number(hi, sizeof(hi), q->max, 1, r->lang);
		/* Scales are whole numbers in practice: drop ",0". */
		if ((len = strlen(lo)) > 2 && q->min == floor(q->min))
			lo[len - 2] = '\0';
		if ((len = strlen(hi)) > 2 && q->max == floor(q->max))
			hi[len - 2] = '\0';
		if (published(&q->unit)) {
			impact__report_number(n, sizeof(n), (double)q->unit.n,
			                      0, r->lang);
			snprintf(scale, sizeof(scale),
			         "%s %s" ENDASH "%s" MIDDOT "n = %s", t->scale,
			         lo, hi, n);
		} else {
			snprintf(scale, sizeof(scale), "%s %s" ENDASH "%s",
			         t->scale, lo, hi);
		}
		b.label = q->label;
		b.sub = scale;
		b.f = &q->unit;
		b.lo = q->min;
		b.hi = q->max;
		b.ref = &q->parent;
		b.ref_line = 0;
		b.colour = &c_blue;
		b.stripe = (int)(i % 2 == 0);
		draw_bar_row(r, &b);
	}
	r->axis_n = 0;
	r->y += 22;
}

/* A territory's places by well-being score, highest first, with the
 * territory's own score as a dashed line. */
static void draw_places(render *r)
{
	const dashboard *d = r->d;
	const impact__report_text *t = r->t;
	static const char *const axis[5] = { "0", "25", "50", "75", "100" };
	static const double at[5] = { 0, 0.25, 0.5, 0.75, 1 };
	legend_item items[4];
	char n[IMPACT__NUMBER_MAX], sub[96];
	size_t i, n_items = 0;
	int any_hidden = 0;

	if (d->is_place || !d->n_places)
		return;
	for (i = 0; i < d->n_places; i++)
		any_hidden |= !published(&d->places[i].score);
	draw_section(r, t->places_title, t->places_sub, 70);
	items[n_items].symbol = SYM_SKY;
	items[n_items++].text = t->legend_places_bar;
	items[n_items].symbol = SYM_CI;
	items[n_items++].text = t->legend_ci;
	if (published(&d->score)) {
		items[n_items].symbol = SYM_LINE;
		items[n_items++].text = t->legend_places_marker;
	}
	if (any_hidden) {
		items[n_items].symbol = SYM_HATCH;
		items[n_items++].text = t->suppressed;
	}
	draw_legend(r, items, n_items);
	draw_axis(r, axis, at, 5);
	r->axis = axis;
	r->axis_at = at;
	r->axis_n = 5;
	for (i = 0; i < d->n_places; i++) {
		const place_row *p = &d->places[i];
		bar_row b;

		b.sub = NULL;
		if (published(&p->score)) {
			impact__report_number(n, sizeof(n),
			                      (double)p->score.n, 0, r->lang);
			snprintf(sub, sizeof(sub), "n = %s", n);
			b.sub = sub;
		}
		b.label = p->name;
		b.f = &p->score;
		b.lo = 0;
		b.hi = 100;
		b.ref = &d->score;
		b.ref_line = 1;
		b.colour = &c_sky;
		b.stripe = (int)(i % 2 == 0);
		draw_bar_row(r, &b);
	}
	r->axis_n = 0;
	r->y += 22;
}

/* The method note: what the score is, the disclosure rule, the source. */
static void draw_method(render *r)
{
	double inner = CONTENT_W - 20;
	double th = text_height(r, r->t->method_title, inner, 9, 1);
	double bh = text_height(r, r->t->method_body, inner, 7.5, 0);
	double h = th + 4 + bh + 20;

	ensure(r, h);
	fill_rect(r, MARGIN, r->y, CONTENT_W, h, &c_zebra);
	fill_rect(r, MARGIN, r->y, 2.5, h, &c_grey);
	text_draw(r, r->t->method_title, MARGIN + 10, r->y + 10, inner, 9, 1,
	          &c_ink, PANGO_ALIGN_LEFT);
	text_draw(r, r->t->method_body, MARGIN + 10, r->y + 10 + th + 4, inner,
	          7.5, 0, &c_ink, PANGO_ALIGN_LEFT);
	r->y += h;
}

/* Draw the whole dashboard onto r->cr; r->page ends as the page count. */
static void draw_dashboard(render *r)
{
	r->page = 1;
	page_begin(r);
	draw_key_figures(r);
	draw_questions(r);
	draw_places(r);
	draw_method(r);
	cairo_show_page(r->cr);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* Cairo write callback: append to the sink's file, or discard. */
static cairo_status_t sink_write(void *closure, const unsigned char *data,
                                 unsigned int length)
{
	sink *s = closure;

	if (!s->fp)
		return CAIRO_STATUS_SUCCESS;
	if (fwrite(data, 1, length, s->fp) != length) {
		if (!s->err)
			s->err = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* Record a failure to write report `output`, errno `err`; returns
 * IMPACT_EIO. */
static int write_error(impact *h, const char *output, int err)
{
	return impact__error(h, IMPACT_EIO, "cannot write report '%s': %s",
	                     output, strerror(err));
}

/* Record a Cairo failure while writing `output`. */
static int cairo_error(impact *h, cairo_status_t st, const sink *s,
                       const char *output)
{
	if (st == CAIRO_STATUS_NO_MEMORY)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	if (st == CAIRO_STATUS_WRITE_ERROR && s && s->err)
		return write_error(h, output, s->err);
	return impact__error(h, st == CAIRO_STATUS_WRITE_ERROR ? IMPACT_EIO
	                     : IMPACT_ERROR, "cannot draw report '%s': %s",
	                     output, cairo_status_to_string(st));
}

/*
 * Check that fontconfig resolves FONT_FAMILY to itself, not to a
 * substitute: without DejaVu the accents and spacing of the dashboards are
 * not what was designed.  IMPACT_ERROR naming the package to install.
 */
static int check_font(impact *h, PangoFontMap *fm, PangoContext *pc)
{
	PangoFontDescription *want = NULL, *got = NULL;
	PangoFont *font = NULL;
	const char *family;
	int rc;

	want = pango_font_description_from_string(FONT_FAMILY " 10");
	font = pango_font_map_load_font(fm, pc, want);
	if (font)
		got = pango_font_describe(font);
	family = got ? pango_font_description_get_family(got) : NULL;
	if (!family || g_ascii_strcasecmp(family, FONT_FAMILY) != 0) {
		rc = impact__error(h, IMPACT_ERROR,
		                   "font '" FONT_FAMILY "' not found: install "
		                   "it (Debian package fonts-dejavu-core)");
		goto done;
	}
	rc = IMPACT_OK;
done:
	if (got)
		pango_font_description_free(got);
	if (font)
		g_object_unref(font);
	pango_font_description_free(want);
	return rc;
}

/*
 * Draw dashboard `d` onto a new PDF stream going to `s` (discarded when
 * s->fp is NULL).  `pages` is the page count for the footer (0 when
 * unknown); *out_pages receives the pages drawn.  `output` names the
 * report in messages.
 */
static int draw_pdf(impact *h, PangoFontMap *fm, sink *s, const dashboard *d,
                    impact__lang lang, const char *title, const char *today,
                    int pages, int *out_pages, const char *output)
{
	cairo_surface_t *surface = NULL;
	cairo_t *cr = NULL;
	cairo_font_options_t *fo = NULL;
	PangoContext *pc = NULL;
	render r;
	cairo_status_t st;
	int rc;

	memset(&r, 0, sizeof(r));
	surface = cairo_pdf_surface_create_for_stream(sink_write, s, PAGE_W,
	                                              PAGE_H);
	if ((st = cairo_surface_status(surface)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_error(h, st, s, output);
		goto done;
	}
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
	                               title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
	                               "impact " IMPACT_VERSION);
	cr = cairo_create(surface);
	if ((st = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_error(h, st, s, output);
		goto done;
	}
	pc = pango_font_map_create_context(fm);
	fo = cairo_font_options_create();
	if (!pc || cairo_font_options_status(fo) != CAIRO_STATUS_SUCCESS) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	/* Unhinted metrics: the layout is the same whatever the output. */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pc, fo);
	pango_cairo_context_set_resolution(pc, 72);
	pango_cairo_update_context(cr, pc);
	if ((rc = check_font(h, fm, pc)) != IMPACT_OK)
		goto done;
	r.cr = cr;
	r.layout = pango_layout_new(pc);
	r.font = pango_font_description_from_string(FONT_FAMILY);
	pango_layout_set_wrap(r.layout, PANGO_WRAP_WORD_CHAR);
	r.d = d;
	r.t = impact__report_text_get(lang);
	r.lang = lang;
	r.title = title;
	r.today = today;
	r.pages = pages;
	draw_dashboard(&r);
	if ((st = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_error(h, st, s, output);
		goto done;
	}
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(surface);
	if ((st = cairo_surface_status(surface)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_error(h, st, s, output);
		goto done;
	}
	*out_pages = r.page;
	rc = IMPACT_OK;
done:
	if (r.layout)
		g_object_unref(r.layout);
	if (r.font)
		pango_font_description_free(r.font);
	if (pc)
		g_object_unref(pc);
	cairo_font_options_destroy(fo);
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
	return rc;
}

/* Open a new temporary file beside `output`, named output.tmp-PID-K;
 * *out_path (owned by the caller) and *out_fp are set on success. */
static int open_temp(impact *h, const char *output, char **out_path,
                     FILE **out_fp)
{
	size_t size = strlen(output) + 48;
	char *path = malloc(size);
	int fd = -1, k;

	if (!path)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	for (k = 0; k < 100; k++) {
		snprintf(path, size, "%s.tmp-%ld-%d", output, (long)getpid(),
		         k);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		int err = errno;

		free(path);
		return write_error(h, output, err);
	}
	*out_fp = fdopen(fd, "wb");
	if (!*out_fp) {
		int err = errno;

		close(fd);
		unlink(path);
		free(path);
		return write_error(h, output, err);
	}
	*out_path = path;
	return IMPACT_OK;
}

/*
 * Draw dashboard `d` into `output`: once to count pages, once into a
 * temporary file that is flushed, synced and renamed over `output`.  On
 * failure the temporary file is removed and `output` left as it was.
 */
static int write_pdf(impact *h, const dashboard *d, impact__lang lang,
                     const char *output)
{
	const impact__report_text *t = impact__report_text_get(lang);
	PangoFontMap *fm = NULL;
	sink counter = { NULL, 0 }, file = { NULL, 0 };
	char *tmp = NULL, *title = NULL, today[16];
	size_t size;
	struct tm tm;
	time_t now = time(NULL);
	int pages = 0, rc;

	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	size = strlen(t->dashboard) + strlen(d->name) + 8;
	if (!(title = malloc(size))) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	snprintf(title, size, "%s " EMDASH " %s", t->dashboard, d->name);
	fm = pango_cairo_font_map_new();
	if (!fm) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	rc = draw_pdf(h, fm, &counter, d, lang, title, today, 0, &pages,
	              output);
	if (rc != IMPACT_OK)
		goto done;
	if ((rc = open_temp(h, output, &tmp, &file.fp)) != IMPACT_OK)
		goto done;
	rc = draw_pdf(h, fm, &file, d, lang, title, today, pages, &pages,
	              output);
	if (rc != IMPACT_OK)
		goto done;
	if (fflush(file.fp) != 0 || fsync(fileno(file.fp)) != 0) {
		rc = write_error(h, output, errno);
		goto done;
	}
	if (fclose(file.fp) != 0) {
		file.fp = NULL;
		rc = write_error(h, output, errno);
		goto done;
	}
	file.fp = NULL;
	if (rename(tmp, output) != 0) {
		rc = write_error(h, output, errno);
		goto done;
	}
	free(tmp);
	tmp = NULL;
	rc = IMPACT_OK;
done:
	if (file.fp)
		fclose(file.fp);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	if (fm)
		g_object_unref(fm);
	free(title);
	return rc;
}

/* Load and write the dashboard of one unit. */
static int write_one(impact *h, int is_place, const char *code, int period,
                     impact__lang lang, const char *output)
{
	dashboard d;
	int rc;

	memset(&d, 0, sizeof(d));
	rc = load_dashboard(h, &d, is_place, code, period, lang);
	if (rc == IMPACT_OK)
		rc = write_pdf(h, &d, lang, output);
	dashboard_release(&d);
	return rc;
}

/* Parse the language code into *out, or fail with IMPACT_EUSAGE. */
static int parse_lang(impact *h, const char *code, impact__lang *out)
{
	if (impact__report_lang(out, code) != 0)
		return impact__error(h, IMPACT_EUSAGE,
		                     "unknown report language '%s': use 'fr' "
		                     "or 'en'", code);
	return IMPACT_OK;
}

int impact_report_write(impact *h, const impact_report_opts *opts)
{
	impact__lang lang;
	int period = 0, rc;

	assert(h && opts);
	impact__clear_error(h);
	if ((rc = parse_lang(h, opts->lang, &lang)) != IMPACT_OK)
		return rc;
	if (!opts->place == !opts->territory)
		return impact__error(h, IMPACT_EUSAGE,
		                     "a report is about one place or one "
		                     "territory: set exactly one of them");
	if (!opts->output || !*opts->output)
		return impact__error(h, IMPACT_EUSAGE,
		                     "no output file given for the report");
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = resolve_period(h, opts->period, &period)) != IMPACT_OK)
		return rc;
	return write_one(h, opts->place != NULL,
	                 opts->place ? opts->place : opts->territory, period,
	                 lang, opts->output);
}

/* A unit to write a dashboard for. */
typedef struct {
	int is_place;      /* 1: place, 0: territory */
	char *code;        /* its code (owned) */
} unit_ref;

/* Create directory `dir` unless it exists already. */
static int make_dir(impact *h, const char *dir)
{
	struct stat sb;

	if (mkdir(dir, 0777) == 0)
		return IMPACT_OK;
	if (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
		return IMPACT_OK;
	if (errno == EEXIST)
		return impact__error(h, IMPACT_EIO,
		                     "cannot create directory '%s': a file has "
		                     "that name", dir);
	return impact__error(h, IMPACT_EIO, "cannot create directory '%s': %s",
	                     dir, strerror(errno));
}

/* The places then territories with results in `period`, by code, into
 * *out (owned by the caller, free each code then the array). */
static int list_units(impact *h, int period, unit_ref **out, size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	unit_ref *units = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	rc = impact__prepare(h, &st,
	     "SELECT 1, p.code FROM places p WHERE EXISTS (SELECT 1 FROM "
	     "results r WHERE r.place_id = p.id AND r.period = ?1) "
	     "UNION ALL "
	     "SELECT 0, t.code FROM territories t WHERE EXISTS (SELECT 1 FROM "
	     "results r WHERE r.territory_id = t.id AND r.period = ?1) "
	     "ORDER BY 1 DESC, 2;");
	if (rc != IMPACT_OK)
		goto done;
	sqlite3_bind_int(st, 1, period);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 1);

		if (n == cap) {
			size_t c = cap ? 2 * cap : 32;
			unit_ref *grown = realloc(units, c * sizeof(*grown));

			if (!grown) {
				rc = impact__error(h, IMPACT_ENOMEM,
				                   "out of memory");
				goto done;
			}
			units = grown;
			cap = c;
		}
		units[n].is_place = sqlite3_column_int(st, 0);
		units[n].code = strdup(code ? code : "");
		if (!units[n].code) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		n++;
	}
	if (rc != SQLITE_DONE) {
		rc = impact__db_error(h, "listing units with results");
		goto done;
	}
	*out = units;
	*out_n = n;
	units = NULL;
	n = 0;
	rc = IMPACT_OK;
done:
	for (i = 0; i < n; i++)
		free(units[i].code);
	free(units);
	sqlite3_finalize(st);
	return rc;
}

int impact_report_write_all(impact *h, int period, const char *lang,
                            const char *dir, size_t *out_written)
{
	unit_ref *units = NULL;
	size_t n = 0, i, size, written = 0;
	char *path = NULL;
	impact__lang l;
	int rc;

	assert(h);
	impact__clear_error(h);
	if (out_written)
		*out_written = 0;
	if ((rc = parse_lang(h, lang, &l)) != IMPACT_OK)
		return rc;
	if (!dir || !*dir)
		return impact__error(h, IMPACT_EUSAGE,
		                     "no directory given for the reports");
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = resolve_period(h, period, &period)) != IMPACT_OK)
		return rc;
	if ((rc = make_dir(h, dir)) != IMPACT_OK)
		return rc;
	if ((rc = list_units(h, period, &units, &n)) != IMPACT_OK)
		goto done;
	for (i = 0; i < n; i++) {
		const char *code = units[i].code;

		if (!*code || strchr(code, '/')) {
			rc = impact__error(h, IMPACT_EDATA,
			                   "cannot name a report file after %s "
			                   "code '%s'", units[i].is_place
			                   ? "place" : "territory", code);
			goto done;
		}
		size = strlen(dir) + strlen(code) + 32;
		free(path);
		if (!(path = malloc(size))) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		snprintf(path, size, "%s/%s-%s.pdf", dir,
		         units[i].is_place ? "place" : "territory", code);
		rc = write_one(h, units[i].is_place, code, period, l, path);
		if (rc != IMPACT_OK)
			goto done;
		written++;
		impact__progress(h, "reports", written, n);
	}
	rc = IMPACT_OK;
done:
	if (out_written)
		*out_written = written;
	free(path);
	for (i = 0; i < n; i++)
		free(units[i].code);
	free(units);
	return rc;
}
