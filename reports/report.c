/*
 * reports/report.c: the PDF dashboards of a place or a territory, and
 * single charts (`impact chart`).
 *
 * A dashboard is made in two steps.  First everything it prints is read
 * (reports/report_data.c: the stored results, indicator values and index
 * documents, never recomputed).  Then it is drawn onto A4 pages with the
 * charts of reports/chart.h and the text primitives of reports/draw.h: a
 * `render` carries the drawing state and a cursor `y` moving down the
 * page, a new page starting when the next block would not fit.  Each
 * page is drawn once, onto a Cairo recording surface; when the last is
 * done the number of pages is known, and the pages are replayed into the
 * PDF with their footers ("Page 1/6").  The PDF goes to a temporary file
 * beside the output, renamed over it only when Cairo and the disk report
 * success.
 *
 * Pages: a cover with the key figures; the index (value, interval,
 * trend, groups, contributions); the domains (radar and table); the
 * effets utiles (table and bars); for a territory, its places compared
 * and their map; the method and the quality of the data.
 *
 * Numbers are written by impact_format_number() with the decimals `impact
 * show` and `impact index` use, so a figure reads the same everywhere.
 * Disclosure control: a figure on fewer than IMPACT_MIN_PUBLISHED_N
 * respondents is never printed (the stored suppressed flags and n).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
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
#include "../indicators/stats.h"
#include "impact/indicators.h"
#include "impact/reports.h"
#include "chart.h"
#include "draw.h"
#include "profile.h"
#include "report_data.h"
#include "report_text.h"

/* Page geometry in PDF points: A4 portrait. */
#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 42.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define TOP 50.0                 /* content starts below the running head */
#define BOTTOM (PAGE_H - 52.0)   /* content stops above the footer */

#define ENDASH "\xe2\x80\x93"
#define EMDASH "\xe2\x80\x94"
#define MIDDOT " \xc2\xb7 "
#define NNBSP "\xe2\x80\xaf"     /* narrow no-break space */

#define MIN_N IMPACT_MIN_PUBLISHED_N

/* Group keys of the index documents, in drawing order. */
static const char *const group_keys[4] = { "deeply", "extensively",
                                           "narrowly", "unhappy" };

/* The drawing state of one pass over a dashboard. */
typedef struct {
	impact__draw dr;                 /* cairo, layout, language */
	const impact__rd *d;             /* what is drawn */
	const impact__profile *prof;     /* funder profile, or NULL */
	const impact__geo *geo;          /* map outlines, or NULL */
	int en;                          /* English */
	const char *title;               /* document title */
	const char *today;               /* production date */
	double y;                        /* top of the free space */
	int page;                        /* current page, from 1 */
	int pages;                       /* total, 0 while counting */
	int failed;                      /* a chart refused its data */
	cairo_surface_t **rec;           /* the pages recorded so far */
	int nrec, caprec;
	cairo_status_t rec_status;       /* first failure to start a page */
	char map_sub[256];               /* subtitle of the map */
} render;

/* Where a PDF stream goes: a file, with the first write error kept. */
typedef struct {
	FILE *fp;          /* temporary file, or NULL to discard the bytes */
	int err;           /* errno of the first failed write, 0 if none */
} sink;

/* The French or English words. */
#define TR(r, fr_, en_) ((r)->en ? (en_) : (fr_))

/* ------------------------------------------------------------------ */
/* Numbers                                                             */
/* ------------------------------------------------------------------ */

static const char *lang_code(const render *r)
{
	return r->en ? "en" : "fr";
}

/* `v` with `dec` decimals, as every table of impact prints it. */
static char *num(const render *r, char *out, double v, int dec)
{
	return impact_format_number(out, IMPACT_NUMBER_MAX, v, dec,
	                            lang_code(r));
}

/* An interval "[lo, hi]" (English, as `impact show`) or "[lo ; hi]"
 * (French: the comma is the decimal mark). */
static char *interval(const render *r, char *out, size_t size, double lo,
                      double hi, int dec)
{
	char a[IMPACT_NUMBER_MAX], b[IMPACT_NUMBER_MAX];

	snprintf(out, size, r->en ? "[%s, %s]" : "[%s ; %s]", num(r, a, lo, dec),
	         num(r, b, hi, dec));
	return out;
}

/* A share (0-1) as a percentage with one decimal: "43,8 %", "43.8%". */
static char *pct(const render *r, char *out, double share)
{
	char v[IMPACT_NUMBER_MAX];

	snprintf(out, IMPACT_NUMBER_MAX, r->en ? "%s%%" : "%s" NNBSP "%%",
	         num(r, v, 100 * share, 1));
	return out;
}

/* A signed change: "+0,066", "-2,7"; a change that rounds to zero has no
 * sign ("0,0"), as `impact show` prints it.  `out` has IMPACT_NUMBER_MAX
 * + 1 bytes. */
static char *signed_num(const render *r, char *out, double v, int dec)
{
	int plus;

	num(r, out + 1, v, dec);
	plus = v > 0 && strpbrk(out + 1, "123456789");
	if (plus)
		out[0] = '+';
	else
		memmove(out, out + 1, strlen(out + 1) + 1);
	return out;
}

/* Read a number of a JSON document (NaN when absent or null). */
static double jnum(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static double jidx(json_t *a, size_t i)
{
	json_t *v = json_array_get(a, i);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Is the index document there and published? */
static int index_published(json_t *doc)
{
	return doc && !json_is_true(json_object_get(doc, "suppressed"))
	       && json_is_number(json_object_get(doc, "gnh"));
}

/* ------------------------------------------------------------------ */
/* Page furniture                                                      */
/* ------------------------------------------------------------------ */

static void footer(render *r)
{
	char left[512], right[64];

	snprintf(left, sizeof(left), "%s" MIDDOT "%s %s", TR(r,
	         "Source : impact " IMPACT_VERSION, "Source: impact "
	         IMPACT_VERSION), TR(r, "produit le", "produced on"),
	         r->today);
	if (r->pages > 0)
		snprintf(right, sizeof(right), "Page %d/%d", r->page, r->pages);
	else
		snprintf(right, sizeof(right), "Page %d", r->page);
	impact__line(&r->dr, MARGIN, PAGE_H - 40, PAGE_W - MARGIN, PAGE_H - 40,
	             0.5, &impact__c_rule, 0);
	impact__text_line(&r->dr, left, MARGIN, PAGE_H - 30, CONTENT_W - 90,
	                  7, 0, &impact__c_grey, 0);
	impact__text_line(&r->dr, right, PAGE_W - MARGIN, PAGE_H - 30, 88, 7,
	                  0, &impact__c_grey, 1);
}

/* Start recording a new page: r->dr.cr then draws onto it.  A failure
 * leaves Cairo's inert error context in place and is kept for the end. */
static void page_start(render *r)
{
	static const cairo_rectangle_t page = { 0, 0, PAGE_W, PAGE_H };
	cairo_surface_t *rec;

	if (r->nrec == r->caprec) {
		int cap = r->caprec ? 2 * r->caprec : 16;
		cairo_surface_t **p = realloc(r->rec, (size_t)cap * sizeof(*p));

		if (!p) {
			if (!r->rec_status)
				r->rec_status = CAIRO_STATUS_NO_MEMORY;
			cairo_destroy(r->dr.cr);
			r->dr.cr = cairo_create(NULL);   /* inert, in error */
			return;
		}
		r->rec = p;
		r->caprec = cap;
	}
	rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &page);
	r->rec[r->nrec++] = rec;
	if (!r->rec_status && cairo_surface_status(rec))
		r->rec_status = cairo_surface_status(rec);
	if (r->dr.cr && !r->rec_status && cairo_status(r->dr.cr))
		r->rec_status = cairo_status(r->dr.cr);
	cairo_destroy(r->dr.cr);
	r->dr.cr = cairo_create(rec);
}

/* Start a page other than the cover: a thin band and a running title. */
static void page_begin(render *r)
{
	impact__fill_rect(&r->dr, 0, 0, PAGE_W, 5, &impact__c_blue);
	impact__text_line(&r->dr, r->title, MARGIN, 24, CONTENT_W, 8, 1,
	                  &impact__c_grey, 0);
	impact__line(&r->dr, MARGIN, 34, PAGE_W - MARGIN, 34, 0.5,
	             &impact__c_rule, 0);
	r->y = TOP;
}

static void new_page(render *r)
{
	page_start(r);
	r->page++;
	page_begin(r);
}

/* Make sure `need` points are free below the cursor, else a new page. */
static void ensure(render *r, double need)
{
	if (r->y + need > BOTTOM)
		new_page(r);
}

/* A section heading with its explanation; keeps `keep` more points on the
 * same page so a heading is never left alone at the bottom. */
static void section(render *r, const char *title, const char *sub,
                    double keep)
{
	double th = impact__text_height(&r->dr, title, CONTENT_W, 13, 1);
	double sh = sub ? impact__text_height(&r->dr, sub, CONTENT_W, 8.5, 0)
	                : 0;

	ensure(r, th + sh + 12 + keep);
	impact__fill_rect(&r->dr, MARGIN, r->y + 2, 3, th - 4,
	                  &impact__c_blue);
	r->y += impact__text(&r->dr, title, MARGIN + 9, r->y, CONTENT_W - 9,
	                     13, 1, &impact__c_ink, PANGO_ALIGN_LEFT) + 3;
	if (sub)
		r->y += impact__text(&r->dr, sub, MARGIN, r->y, CONTENT_W, 8.5,
		                     0, &impact__c_grey, PANGO_ALIGN_LEFT);
	r->y += 9;
}

/* A paragraph of body text. */
static void paragraph(render *r, const char *s, double size)
{
	double hgt = impact__text_height(&r->dr, s, CONTENT_W, size, 0);

	ensure(r, hgt);
	r->y += impact__text(&r->dr, s, MARGIN, r->y, CONTENT_W, size, 0,
	                     &impact__c_ink, PANGO_ALIGN_LEFT) + 5;
}

/* Draw a chart of height `hgt` at the cursor, on a new page if needed. */
static void chart(render *r, impact__chart_fn fn, const void *c, double hgt)
{
	ensure(r, hgt);
	if (fn(&r->dr, MARGIN, r->y, CONTENT_W, hgt, c) != 0)
		r->failed = 1;
	r->y += hgt + 14;
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */
/* ------------------------------------------------------------------ */

#define MAX_COLS 8

typedef struct {
	const char *head;
	double w;          /* width in points */
	int right;         /* right-aligned */
} column;

/* One cell: its text, and whether it is a "not published" cell. */
typedef struct {
	const char *text;
	int muted;         /* grey: not published, no data */
	int bold;
	int span;          /* also takes the next column (its text empty) */
} cell;

static double table_x(const column *cols, size_t k)
{
	double x = MARGIN;
	size_t i;

	for (i = 0; i < k; i++)
		x += cols[i].w;
	return x;
}

static void table_head(render *r, const column *cols, size_t nc)
{
	size_t k;
	double hgt = 16;

	impact__fill_rect(&r->dr, MARGIN, r->y, CONTENT_W, hgt,
	                  &impact__c_tint);
	for (k = 0; k < nc; k++) {
		double x = table_x(cols, k);

		impact__text_line(&r->dr, cols[k].head, cols[k].right
		                  ? x + cols[k].w - 4 : x + 4, r->y + hgt / 2,
		                  cols[k].w - 8, 7.5, 1, &impact__c_ink,
		                  cols[k].right);
	}
	r->y += hgt;
}

/* One row; the first column wraps to two lines, the others are one line.
 * A page break repeats the head. */
static void table_row(render *r, const column *cols, size_t nc,
                      const cell *cells, int zebra)
{
	double lh = impact__text_lines_height(&r->dr, cells[0].text,
	                                      cols[0].w - 8, 8, cells[0].bold,
	                                      2);
	double hgt = (lh > 10 ? lh : 10) + 6;
	size_t k;

	if (r->y + hgt > BOTTOM) {
		new_page(r);
		table_head(r, cols, nc);
	}
	if (zebra)
		impact__fill_rect(&r->dr, MARGIN, r->y, CONTENT_W, hgt,
		                  &impact__c_zebra);
	impact__text_lines(&r->dr, cells[0].text, MARGIN + 4, r->y + 3,
	                   cols[0].w - 8, 8, cells[0].bold, cells[0].muted
	                   ? &impact__c_grey : &impact__c_ink,
	                   PANGO_ALIGN_LEFT, 2);
	for (k = 1; k < nc; k++) {
		double x = table_x(cols, k);

		double w = cols[k].w;

		if (!cells[k].text || !*cells[k].text)
			continue;
		if (cells[k].span && k + 1 < nc)
			w += cols[k + 1].w;
		impact__text_line(&r->dr, cells[k].text, cols[k].right
		                  ? x + w - 4 : x + 4, r->y + hgt / 2,
		                  w - 8, cells[k].muted ? 7 : 8,
		                  cells[k].bold, cells[k].muted
		                  ? &impact__c_grey : &impact__c_ink,
		                  cols[k].right);
	}
	r->y += hgt;
}

/* ------------------------------------------------------------------ */
/* Cover and key figures                                               */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *label;
	char value[2 * IMPACT_NUMBER_MAX];
	char note[160];
	int muted;
} keybox;

static void keybox_draw(render *r, const keybox *b, double x, double y,
                        double w, double hgt)
{
	impact__fill_rect(&r->dr, x, y, w, hgt, &impact__c_tint);
	impact__fill_rect(&r->dr, x, y, w, 2.5, &impact__c_blue);
	impact__text_lines(&r->dr, b->label, x + 7, y + 9, w - 14, 7.5, 0,
	                   &impact__c_grey, PANGO_ALIGN_LEFT, 2);
	impact__text_line(&r->dr, b->value, x + 7, y + 42, w - 14,
	                  b->muted ? 8 : 17, !b->muted, b->muted
	                  ? &impact__c_grey : &impact__c_ink, 0);
	if (b->note[0])
		impact__text_lines(&r->dr, b->note, x + 7, y + 56, w - 14, 6.5,
		                   0, &impact__c_grey, PANGO_ALIGN_LEFT, 2);
}

static void key_figures(render *r)
{
	const impact__rd *d = r->d;
	keybox b[5];
	char v[IMPACT_NUMBER_MAX], ci[2 * IMPACT_NUMBER_MAX + 8];
	double w = (CONTENT_W - 4 * 8) / 5, hgt = 78;
	int k;

	memset(b, 0, sizeof(b));
	b[0].label = TR(r, "Personnes interrogées", "Respondents");
	if (d->respondents.has)
		num(r, b[0].value, d->respondents.value, 0);
	else
		snprintf(b[0].value, sizeof(b[0].value), "0");
	snprintf(b[0].note, sizeof(b[0].note), "%s %d", TR(r,
	         "questionnaires de", "questionnaires of"), d->period);
	b[1].label = TR(r, "Indice du bonheur brut (IBB)",
	                "Gross happiness index (GHI)");
	if (index_published(d->index)) {
		json_t *c = json_object_get(json_object_get(d->index, "ci"),
		                            "gnh");

		num(r, b[1].value, jnum(d->index, "gnh"), 3);
		snprintf(b[1].note, sizeof(b[1].note), "%s %s", TR(r,
		         "IC 95 %", "95% CI"), interval(r, ci, sizeof(ci),
		         jidx(c, 0), jidx(c, 1), 3));
	} else {
		snprintf(b[1].value, sizeof(b[1].value), "%s", d->index
		         ? TR(r, "non publié (n < 5)", "not published (n < 5)")
		         : TR(r, "non calculé", "not computed"));
		b[1].muted = 1;
	}
	b[2].label = TR(r, "Activités", "Activities");
	num(r, b[2].value, d->activities.has ? d->activities.value : 0, 0);
	snprintf(b[2].note, sizeof(b[2].note), "%s", TR(r,
	         "ateliers, événements, permanences", "workshops, events, "
	         "opening days"));
	b[3].label = TR(r, "Participations", "Participations");
	num(r, b[3].value, d->participants.has ? d->participants.value : 0, 0);
	snprintf(b[3].note, sizeof(b[3].note), "%s", TR(r,
	         "somme des participants", "sum of participants"));
	b[4].label = TR(r, "Heures de participation", "Participant-hours");
	num(r, b[4].value, d->hours.has ? d->hours.value : 0, 0);
	snprintf(b[4].note, sizeof(b[4].note), "%s", TR(r,
	         "participants × durée", "participants × duration"));
	ensure(r, hgt);
	for (k = 0; k < 5; k++)
		keybox_draw(r, &b[k], MARGIN + k * (w + 8), r->y, w, hgt);
	r->y += hgt + 16;
	(void)v;
}

/* The one sentence that says where the index stands. */
static void headline(render *r, char *out, size_t size)
{
	const impact__rd *d = r->d;
	json_t *ch = json_object_get(d->index, "change");
	char g[IMPACT_NUMBER_MAX], ci[2 * IMPACT_NUMBER_MAX + 8],
	     c[IMPACT_NUMBER_MAX + 1];
	size_t len;

	out[0] = '\0';
	if (!index_published(d->index))
		return;
	len = (size_t)snprintf(out, size, TR(r,
	      "%s, %d : indice du bonheur brut local de %s (intervalle "
	      "de confiance à 95 %% : %s) ; %s des personnes interrogées "
	      "sont heureuses au sens de l'indice.",
	      "%s, %d: local gross happiness index of %s (95%% "
	      "confidence interval: %s); %s of respondents are happy in "
	      "the index's sense."), d->name, d->period,
	      num(r, g, jnum(d->index, "gnh"), 3),
	      interval(r, ci, sizeof(ci), jidx(json_object_get(json_object_get(
	               d->index, "ci"), "gnh"), 0), jidx(json_object_get(
	               json_object_get(d->index, "ci"), "gnh"), 1), 3),
	      pct(r, c, 1 - jnum(d->index, "h_n")));
	if (ch && len < size) {
		json_t *cci = json_object_get(ch, "ci");
		double lo = jidx(cci, 0), hi = jidx(cci, 1);
		int sig = lo > 0 || hi < 0;

		snprintf(out + len, size - len, TR(r,
		         " Évolution depuis %d : %s (%s), %s.",
		         " Change since %d: %s (%s), %s."),
		         (int)json_integer_value(json_object_get(ch,
		                                 "previous_period")),
		         signed_num(r, c, jnum(ch, "change"), 3),
		         interval(r, ci, sizeof(ci), lo, hi, 3),
		         sig ? TR(r, "une évolution significative",
		                  "a significant change")
		             : TR(r, "non significative au seuil de 5 %",
		                  "not significant at 5%"));
	}
}

/* Storage for the trend chart of the unit. */
typedef struct {
	int periods[64];
	double v[64], lo[64], hi[64], ref[64];
	int supp[64];
	char sub[256];
	impact__trend c;
} trend_data;

static void build_trend(render *r, trend_data *t);

static void cover(render *r)
{
	const impact__rd *d = r->d;
	const impact__profile *p = r->prof;
	char line[1024], when[256], head[2048];
	double y, logo_w = 0;

	impact__fill_rect(&r->dr, 0, 0, PAGE_W, 150, &impact__c_blue);
	if (p && p->logo_surface) {
		/* The funder's logo, at most 110 x 60 points, top right. */
		double iw = cairo_image_surface_get_width(p->logo_surface);
		double ih = cairo_image_surface_get_height(p->logo_surface);
		double s = fmin(110 / iw, 60 / ih);

		logo_w = iw * s + 16;
		impact__fill_rect(&r->dr, PAGE_W - MARGIN - iw * s - 6, 24,
		                  iw * s + 12, ih * s + 12, &impact__c_white);
		cairo_save(r->dr.cr);
		cairo_translate(r->dr.cr, PAGE_W - MARGIN - iw * s, 30);
		cairo_scale(r->dr.cr, s, s);
		cairo_set_source_surface(r->dr.cr, p->logo_surface, 0, 0);
		cairo_paint(r->dr.cr);
		cairo_restore(r->dr.cr);
	}
	y = 34;
	y += impact__text(&r->dr, p ? (r->en && p->title_en ? p->title_en
	                               : p->title_fr)
	                  : TR(r, "Tableau de bord d'impact",
	                       "Impact dashboard"), MARGIN, y,
	                  CONTENT_W - logo_w, 12, 1, &impact__c_white,
	                  PANGO_ALIGN_LEFT) + 4;
	if (p && p->subtitle_fr)
		y += impact__text(&r->dr, r->en && p->subtitle_en
		                  ? p->subtitle_en : p->subtitle_fr, MARGIN, y,
		                  CONTENT_W - logo_w, 9, 0, &impact__c_white,
		                  PANGO_ALIGN_LEFT) + 4;
	y += 6;
	y += impact__text_lines(&r->dr, d->name, MARGIN, y, CONTENT_W - logo_w,
	                        24, 1, &impact__c_white, PANGO_ALIGN_LEFT, 2);
	if (d->is_place)
		snprintf(line, sizeof(line), "%s%s%s%s%s", TR(r, "Lieu",
		         "Place"), d->commune ? MIDDOT : "", d->commune
		         ? d->commune : "", d->parent_name ? MIDDOT : "",
		         d->parent_name ? d->parent_name : "");
	else
		snprintf(line, sizeof(line), "%s" MIDDOT "%zu %s%s%s", TR(r,
		         "Territoire", "Territory"), d->n_places,
		         d->n_places == 1 ? TR(r, "lieu", "place")
		                          : TR(r, "lieux", "places"),
		         d->parent_name ? MIDDOT : "", d->parent_name
		         ? d->parent_name : "");
	r->y = 166;
	r->y += impact__text(&r->dr, line, MARGIN, r->y, CONTENT_W, 11, 0,
	                     &impact__c_ink, PANGO_ALIGN_LEFT) + 2;
	snprintf(when, sizeof(when), "%s %d" MIDDOT "%s %s", TR(r, "Période",
	         "Period"), d->period, TR(r, "produit le", "produced on"),
	         r->today);
	r->y += impact__text(&r->dr, when, MARGIN, r->y, CONTENT_W, 9, 0,
	                     &impact__c_grey, PANGO_ALIGN_LEFT) + 16;
	(void)y;
	key_figures(r);
	if (index_published(d->index)) {
		trend_data *t = malloc(sizeof(*t));

		if (!t) {
			r->failed = 1;
		} else {
			build_trend(r, t);
			chart(r, impact__chart_trend_fn, &t->c, 190);
			free(t);
		}
	}
	headline(r, head, sizeof(head));
	if (head[0]) {
		double hh = impact__text_height(&r->dr, head, CONTENT_W - 24, 10,
		                                0);

		impact__fill_rect(&r->dr, MARGIN, r->y, CONTENT_W, hh + 20,
		                  &impact__c_zebra);
		impact__fill_rect(&r->dr, MARGIN, r->y, 3, hh + 20,
		                  &impact__c_blue);
		impact__text(&r->dr, head, MARGIN + 14, r->y + 10,
		             CONTENT_W - 24, 10, 0, &impact__c_ink,
		             PANGO_ALIGN_LEFT);
		r->y += hh + 34;
	}
	paragraph(r, d->is_place ? TR(r,
	          "Ce tableau de bord rend compte des effets utiles du lieu "
	          "pour les personnes qui le fréquentent et pour son "
	          "territoire : lien social, compétences, économie locale, "
	          "environnement, démocratie, culture et coopération entre "
	          "lieux. Il s'appuie sur les questionnaires remplis par les "
	          "personnes et sur le journal des activités. L'indice du "
	          "bonheur brut local suit la méthode de l'indice du Bhoutan "
	          "(Alkire-Foster), avec un domaine local et des pondérations "
	          "choisies localement. Chaque chiffre est accompagné du nombre "
	          "de réponses sur lequel il repose (n) et, quand il est estimé, "
	          "de son intervalle de confiance à 95 %. Aucun chiffre reposant "
	          "sur moins de 5 personnes n'est publié.",
	          "This dashboard reports the useful effects of the place for "
	          "the people who come to it and for its territory: social "
	          "link, skills, local economy, environment, democracy, "
	          "culture and cooperation between places. It rests on the "
	          "questionnaires people filled in and on the activity log. The "
	          "local gross happiness index follows the method of Bhutan's "
	          "index (Alkire-Foster), with a local domain and weights "
	          "chosen locally. Every figure comes with the number of "
	          "answers it rests on (n) and, when it is an estimate, its 95% "
	          "confidence interval. No figure resting on fewer than 5 "
	          "persons is published.") : TR(r,
	          "Ce tableau de bord rend compte des effets utiles des lieux du "
	          "territoire pour les personnes qui les fréquentent et pour le "
	          "territoire : lien social, compétences, économie locale, "
	          "environnement, démocratie, culture et coopération entre "
	          "lieux. Les chiffres du territoire regroupent les réponses et "
	          "les activités de tous ses lieux (ils ne sont pas des moyennes "
	          "de lieux). L'indice du bonheur brut local suit la méthode de "
	          "l'indice du Bhoutan (Alkire-Foster), avec un domaine local et "
	          "des pondérations choisies localement. Chaque chiffre est "
	          "accompagné du nombre de réponses sur lequel il repose (n) et, "
	          "quand il est estimé, de son intervalle de confiance à 95 %. "
	          "Aucun chiffre reposant sur moins de 5 personnes n'est publié.",
	          "This dashboard reports the useful effects of the territory's "
	          "places for the people who come to them and for the "
	          "territory: social link, skills, local economy, environment, "
	          "democracy, culture and cooperation between places. The "
	          "territory's figures pool the answers and activities of all "
	          "its places (they are not averages of places). The local "
	          "gross happiness index follows the method of Bhutan's index "
	          "(Alkire-Foster), with a local domain and weights chosen "
	          "locally. Every figure comes with the number of answers it "
	          "rests on (n) and, when it is an estimate, its 95% confidence "
	          "interval. No figure resting on fewer than 5 persons is "
	          "published."), 9);
}

/* ------------------------------------------------------------------ */
/* The index                                                           */
/* ------------------------------------------------------------------ */

/* The charts' shared words. */
static void chart_text(render *r, impact__chart_text *t, const char *title,
                       const char *sub)
{
	t->title = title;
	t->subtitle = sub;
	t->no_data = TR(r, "pas de données", "no data");
	t->suppressed_text = TR(r, "non publié (n < 5)",
	                        "not published (n < 5)");
}


static void build_trend(render *r, trend_data *t)
{
	const impact__rd *d = r->d;
	size_t i, n = d->n_trend > 64 ? 64 : d->n_trend;
	size_t first = d->n_trend - n;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		const impact__rd_point *p = &d->trend[first + i];

		t->periods[i] = p->period;
		t->supp[i] = p->suppressed;
		t->v[i] = p->suppressed ? NAN : p->gnh;
		t->lo[i] = p->suppressed ? NAN : p->lo;
		t->hi[i] = p->suppressed ? NAN : p->hi;
		t->ref[i] = d->trend_parent[first + i];
	}
	{
		char nb[IMPACT_NUMBER_MAX];

		num(r, nb, n ? (double)d->trend[first + n - 1].n : 0, 0);
		snprintf(t->sub, sizeof(t->sub), TR(r,
		         "IBB de 0 à 1 (1 : tout le monde est heureux), intervalle "
		         "de confiance à 95 %% (bootstrap), n = %s en %d",
		         "GHI from 0 to 1 (1: everyone is happy), 95%% confidence "
		         "interval (bootstrap), n = %s in %d"), nb, n
		         ? d->trend[first + n - 1].period : d->period);
	}
	chart_text(r, &t->c.t, TR(r, "L'indice au fil des années",
	                          "The index over the years"), t->sub);
	t->c.n = n;
	t->c.periods = t->periods;
	t->c.value = t->v;
	t->c.lo = t->lo;
	t->c.hi = t->hi;
	t->c.suppressed = t->supp;
	t->c.reference = d->parent_name ? t->ref : NULL;
	t->c.decimals = 3;
	t->c.series_label = d->name;
	t->c.reference_label = d->parent_name;
	t->c.band_label = TR(r, "IC 95 %", "95% CI");
}

#define MAX_BARS 24

typedef struct {
	impact__group_bar bars[MAX_BARS];
	char labels[MAX_BARS][160];
	char sub[256];
	impact__groups c;
} groups_data;

static void group_bar_from_doc(impact__group_bar *b, json_t *doc)
{
	json_t *g = json_object_get(doc, "groups");
	int k;

	b->n = (long)json_integer_value(json_object_get(doc, "n"));
	b->suppressed = !index_published(doc) || !g;
	for (k = 0; k < 4; k++)
		b->share[k] = b->suppressed ? 0.25 : jnum(g, group_keys[k]);
}

static void build_groups(render *r, groups_data *g)
{
	const impact__rd *d = r->d;
	size_t n = 0, i;

	memset(g, 0, sizeof(*g));
	snprintf(g->labels[n], sizeof(g->labels[n]), "%s", d->name);
	g->bars[n].label = g->labels[n];
	group_bar_from_doc(&g->bars[n++], d->index);
	if (d->pindex) {
		snprintf(g->labels[n], sizeof(g->labels[n]), "%s",
		         d->parent_name);
		g->bars[n].label = g->labels[n];
		group_bar_from_doc(&g->bars[n++], d->pindex);
	}
	for (i = 0; i < d->n_places && n < MAX_BARS && d->n_places <= 16;
	     i++) {
		const impact__rd_place *p = &d->places[i];
		int k;

		if (!p->index.has)
			continue;
		snprintf(g->labels[n], sizeof(g->labels[n]), "%s", p->name);
		g->bars[n].label = g->labels[n];
		g->bars[n].n = (long)p->index.n;
		g->bars[n].suppressed = p->index.suppressed
		                        || isnan(p->groups[0]);
		for (k = 0; k < 4; k++)
			g->bars[n].share[k] = g->bars[n].suppressed ? 0.25
			                      : p->groups[k];
		n++;
	}
	snprintf(g->sub, sizeof(g->sub), "%s", TR(r,
	         "part des personnes interrogées selon leur part de "
	         "suffisance s : profondément s ≥ 0,77 ; largement 0,66 ≤ s < "
	         "0,77 ; à peine 0,50 ≤ s < 0,66 ; malheureux s < 0,50",
	         "share of respondents by their sufficiency s: deeply s ≥ "
	         "0.77; extensively 0.66 ≤ s < 0.77; narrowly 0.50 ≤ s < 0.66; "
	         "unhappy s < 0.50"));
	chart_text(r, &g->c.t, TR(r, "Les quatre groupes de bonheur",
	                          "The four happiness groups"), g->sub);
	g->c.n = n;
	g->c.bars = g->bars;
	g->c.group_labels[0] = TR(r, "profondément heureux", "deeply happy");
	g->c.group_labels[1] = TR(r, "largement heureux", "extensively happy");
	g->c.group_labels[2] = TR(r, "à peine heureux", "narrowly happy");
	g->c.group_labels[3] = TR(r, "malheureux", "unhappy");
}

#define MAX_DOMAINS 32

typedef struct {
	const char *labels[MAX_DOMAINS];
	double v[MAX_DOMAINS], ref[MAX_DOMAINS];
	char sub[256];
	impact__contrib c;
	impact__radar rad;
} domains_data;

/* The parent's value of `key` for domain `id`, NaN when none. */
static double parent_domain(json_t *pdoc, const char *id, const char *key)
{
	json_t *a = json_object_get(pdoc, "domains");
	size_t i;

	if (!index_published(pdoc))
		return NAN;
	for (i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);

		if (!strcmp(json_string_value(json_object_get(o, "id")), id))
			return jnum(o, key);
	}
	return NAN;
}

static const char *domain_label(render *r, json_t *o)
{
	const char *s = json_string_value(json_object_get(o, r->en
	                                                  ? "label_en"
	                                                  : "label"));

	if (!s || !*s)
		s = json_string_value(json_object_get(o, "label"));
	return s ? s : json_string_value(json_object_get(o, "id"));
}

/* Domains of the unit's document: contributions (`radar` 0) or scores
 * (`radar` 1). */
static void build_domains(render *r, domains_data *dd, int radar)
{
	const impact__rd *d = r->d;
	json_t *a = json_object_get(d->index, "domains");
	size_t i, n = json_array_size(a);
	char nb[IMPACT_NUMBER_MAX];

	memset(dd, 0, sizeof(*dd));
	if (n > MAX_DOMAINS)
		n = MAX_DOMAINS;
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		const char *id = json_string_value(json_object_get(o, "id"));

		dd->labels[i] = domain_label(r, o);
		dd->v[i] = jnum(o, radar ? "score" : "share");
		dd->ref[i] = d->pindex && id ? parent_domain(d->pindex, id,
		                                              radar ? "score"
		                                              : "share") : NAN;
		if (!radar && isnan(dd->v[i]))
			dd->v[i] = 0;
	}
	num(r, nb, jnum(d->index, "n"), 0);
	if (radar) {
		snprintf(dd->sub, sizeof(dd->sub), TR(r,
		         "part de suffisance moyenne dans chaque domaine, 0 à "
		         "100 %%, n = %s", "mean sufficiency in each domain, 0 to "
		         "100%%, n = %s"), nb);
		chart_text(r, &dd->rad.t, TR(r, "Les domaines du bonheur",
		                             "The domains of happiness"),
		           dd->sub);
		dd->rad.n = n;
		dd->rad.labels = dd->labels;
		dd->rad.values = dd->v;
		dd->rad.reference = d->pindex ? dd->ref : NULL;
		dd->rad.series_label = d->name;
		dd->rad.reference_label = d->parent_name;
		dd->rad.suppressed = !index_published(d->index);
		dd->rad.missing_text = TR(r, "non observé", "not observed");
	} else {
		snprintf(dd->sub, sizeof(dd->sub), TR(r,
		         "part de chaque domaine dans le manque de bonheur "
		         "(1 − IBB), en %%, n = %s", "share of each domain in the "
		         "lack of happiness (1 − GHI), in %%, n = %s"), nb);
		chart_text(r, &dd->c.t, TR(r, "Ce qui manque au bonheur",
		                           "What happiness lacks"), dd->sub);
		dd->c.n = index_published(d->index) ? n : 0;
		dd->c.labels = dd->labels;
		dd->c.share = dd->v;
		dd->c.reference = d->pindex ? dd->ref : NULL;
		dd->c.legend_value = d->name;
		dd->c.legend_reference = d->parent_name;
	}
}

static void index_pages(render *r)
{
	const impact__rd *d = r->d;
	trend_data *t;
	groups_data *g;
	domains_data *dd;
	char sub[512], nb[IMPACT_NUMBER_MAX];

	if (!d->index)
		return;
	new_page(r);
	num(r, nb, jnum(d->index, "n"), 0);
	snprintf(sub, sizeof(sub), TR(r,
	         "Méthode Alkire-Foster : IBB = 1 − H × A, où H est la part des "
	         "personnes pas encore heureuses et A leur insuffisance "
	         "moyenne. n = %s personnes dans l'indice.",
	         "Alkire-Foster method: GHI = 1 − H × A, where H is the share "
	         "of persons not yet happy and A their mean insufficiency. "
	         "n = %s persons in the index."), nb);
	section(r, d->index_title ? d->index_title
	        : TR(r, "Indice du bonheur brut local",
	             "Local gross happiness index"), sub, 120);
	if (!index_published(d->index)) {
		paragraph(r, TR(r, "L'indice n'est pas publié : il repose sur "
		                "moins de 5 personnes.", "The index is not "
		                "published: it rests on fewer than 5 persons."),
		          10);
		return;
	}
	{
		/* The figures of the index, as `impact index` prints them. */
		static const column cols[] = { { "", 150, 0 },
		                               { "", 70, 1 },
		                               { "", 130, 1 },
		                               { "", 161, 0 } };
		column c[4];
		json_t *ci = json_object_get(d->index, "ci");
		const char *keys[3] = { "gnh", "h_n", "a_n" };
		const char *names[3][2] = {
			{ "IBB", "GHI" },
			{ "H : part pas encore heureuse", "H: share not yet happy" },
			{ "A : leur insuffisance moyenne",
			  "A: their mean insufficiency" } };
		char v[IMPACT_NUMBER_MAX], iv[2 * IMPACT_NUMBER_MAX + 8];
		int k;

		memcpy(c, cols, sizeof(c));
		c[0].head = TR(r, "Mesure", "Measure");
		c[1].head = TR(r, "Valeur", "Value");
		c[2].head = TR(r, "IC 95 %", "95% CI");
		c[3].head = TR(r, "Lecture", "Reading");
		ensure(r, 80);
		table_head(r, c, 4);
		for (k = 0; k < 3; k++) {
			cell cells[4];
			json_t *a = json_object_get(ci, keys[k]);

			memset(cells, 0, sizeof(cells));
			cells[0].text = names[k][r->en];
			cells[0].bold = k == 0;
			cells[1].text = num(r, v, jnum(d->index, keys[k]), 3);
			cells[1].bold = k == 0;
			cells[2].text = interval(r, iv, sizeof(iv), jidx(a, 0),
			                         jidx(a, 1), 3);
			cells[3].text = k == 0 ? TR(r, "0 à 1, plus haut = mieux",
			                            "0 to 1, higher is better")
			                : k == 1 ? TR(r, "plus bas = mieux",
			                              "lower is better")
			                : TR(r, "plus bas = mieux",
			                     "lower is better");
			table_row(r, c, 4, cells, k % 2);
		}
		r->y += 14;
	}
	t = malloc(sizeof(*t));
	g = malloc(sizeof(*g));
	dd = malloc(sizeof(*dd));
	if (!t || !g || !dd) {
		r->failed = 1;
	} else {
		build_groups(r, g);
		chart(r, impact__chart_groups_fn, &g->c,
		      70 + 22 * (double)g->c.n);
		build_domains(r, dd, 0);
		chart(r, impact__chart_contributions_fn, &dd->c,
		      80 + 17 * (double)dd->c.n);
	}
	free(t);
	free(g);
	free(dd);
}

static void domains_page(render *r)
{
	const impact__rd *d = r->d;
	json_t *a = json_object_get(d->index, "domains");
	domains_data *dd;
	static const column cols[] = { { "", 161, 0 }, { "", 50, 1 },
	                               { "", 70, 1 }, { "", 70, 1 },
	                               { "", 90, 1 }, { "", 70, 1 } };
	column c[6];
	size_t i;

	if (!index_published(d->index) || !json_array_size(a))
		return;
	new_page(r);
	section(r, TR(r, "Les domaines", "The domains"), TR(r,
	        "Chaque domaine regroupe des indicateurs de suffisance ; sa "
	        "part de suffisance est la part moyenne des indicateurs où "
	        "les personnes atteignent le seuil.", "Each domain groups "
	        "sufficiency indicators; its sufficiency is the mean share of "
	        "indicators where persons reach the threshold."), 300);
	if (!(dd = malloc(sizeof(*dd)))) {
		r->failed = 1;
		return;
	}
	build_domains(r, dd, 1);
	chart(r, impact__chart_radar_fn, &dd->rad, 330);
	free(dd);
	memcpy(c, cols, sizeof(c));
	c[0].head = TR(r, "Domaine", "Domain");
	c[1].head = TR(r, "Poids", "Weight");
	c[2].head = TR(r, "Suffisance", "Sufficiency");
	c[3].head = d->parent_name ? TR(r, "Territoire", "Territory") : "";
	c[4].head = TR(r, "Part du manque", "Share of lack");
	c[5].head = TR(r, "Alpha", "Alpha");
	ensure(r, 60);
	table_head(r, c, 6);
	for (i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *id = json_string_value(json_object_get(o, "id"));
		char w[IMPACT_NUMBER_MAX], s[IMPACT_NUMBER_MAX],
		     p[IMPACT_NUMBER_MAX], sh[IMPACT_NUMBER_MAX],
		     al[IMPACT_NUMBER_MAX + 16];
		double ps = d->pindex && id ? parent_domain(d->pindex, id,
		                                            "score") : NAN;
		cell cells[6];

		memset(cells, 0, sizeof(cells));
		cells[0].text = domain_label(r, o);
		cells[1].text = num(r, w, jnum(o, "weight"), 3);
		cells[2].text = isnan(jnum(o, "score")) ? "—"
		                : pct(r, s, jnum(o, "score"));
		cells[3].text = isnan(ps) ? "" : pct(r, p, ps);
		cells[4].text = pct(r, sh, jnum(o, "share"));
		if (isnan(jnum(o, "alpha")))
			snprintf(al, sizeof(al), "—");
		else
			snprintf(al, sizeof(al), "%s%s", num(r, p, jnum(o,
			         "alpha"), 2), json_is_true(json_object_get(o,
			         "alpha_low")) ? TR(r, " (faible)", " (low)") : "");
		cells[5].text = al;
		table_row(r, c, 6, cells, (int)(i % 2));
	}
	r->y += 10;
	paragraph(r, TR(r, "Alpha : cohérence interne (alpha de Cronbach) des "
	          "indicateurs du domaine ; en dessous de 0,6 elle est faible, "
	          "et le domaine se lit indicateur par indicateur.",
	          "Alpha: internal consistency (Cronbach's alpha) of the "
	          "domain's indicators; below 0.6 it is low, and the domain is "
	          "best read indicator by indicator."), 7.5);
}

/* ------------------------------------------------------------------ */
/* Effets utiles                                                       */
/* ------------------------------------------------------------------ */

static const char *suppressed_text(const render *r, const char *reason)
{
	if (reason && !strcmp(reason, "secondary"))
		return TR(r, "non publié (secret secondaire)",
		          "not published (secondary)");
	if (reason && !strcmp(reason, "dominance"))
		return TR(r, "non publié (dominance)",
		          "not published (dominance)");
	return TR(r, "non publié (n < 5)", "not published (n < 5)");
}

/* Is the indicator a percentage (unit "%")? */
static int is_pct(const impact__rd_ind *x)
{
	return x->unit && !strcmp(x->unit, "%");
}

/* Units short enough to follow the number in a table cell ("%", "m²",
 * "sur 10"); longer ones ("heures-stagiaires") go after the label. */
static int short_unit(const impact__rd_ind *x)
{
	return x->unit && *x->unit && strlen(x->unit) <= 7;
}

/* "80,0 %", "6,8 sur 10", "420 m²", or the bare number when the unit is
 * long. */
static void value_with_unit(const render *r, const impact__rd_ind *x,
                            char *out, size_t size)
{
	char v[IMPACT_NUMBER_MAX];

	num(r, v, x->value, x->decimals);
	if (!short_unit(x))
		snprintf(out, size, "%s", v);
	else if (is_pct(x))
		snprintf(out, size, r->en ? "%s%%" : "%s" NNBSP "%%", v);
	else
		snprintf(out, size, "%s %s", v, x->unit);
}

static void effects_table(render *r)
{
	const impact__rd *d = r->d;
	static const column cols[] = { { "", 191, 0 }, { "", 76, 1 },
	                               { "", 86, 1 }, { "", 38, 1 },
	                               { "", 52, 1 }, { "", 68, 1 } };
	column c[6];
	const char *domain = NULL;
	size_t i;
	int zebra = 0;

	memcpy(c, cols, sizeof(c));
	c[0].head = TR(r, "Effet utile", "Useful effect");
	c[1].head = TR(r, "Valeur", "Value");
	c[2].head = TR(r, "IC 95 %", "95% CI");
	c[3].head = "n";
	c[4].head = TR(r, "Évolution", "Change");
	c[5].head = d->parent_name ? TR(r, "Territoire", "Territory") : "";
	ensure(r, 80);
	table_head(r, c, 6);
	for (i = 0; i < d->n_inds; i++) {
		const impact__rd_ind *x = &d->inds[i];
		char v[2 * IMPACT_NUMBER_MAX], iv[2 * IMPACT_NUMBER_MAX + 8],
		     n[IMPACT_NUMBER_MAX], ch[IMPACT_NUMBER_MAX + 8],
		     p[2 * IMPACT_NUMBER_MAX], lab[512];
		cell cells[6];

		if (!r->prof && (!domain || strcmp(domain, x->domain))) {
			/* A domain heading row. */
			cell hc[6];

			memset(hc, 0, sizeof(hc));
			domain = x->domain;
			hc[0].text = impact__rd_domain_label(domain, r->en);
			hc[0].bold = 1;
			if (r->y + 40 > BOTTOM) {
				new_page(r);
				table_head(r, c, 6);
			}
			table_row(r, c, 6, hc, 0);
			zebra = 0;
		}
		memset(cells, 0, sizeof(cells));
		if (x->unit && *x->unit && !short_unit(x)) {
			snprintf(lab, sizeof(lab), "%s (%s)", x->label, x->unit);
			cells[0].text = lab;
		} else {
			cells[0].text = x->label;
		}
		num(r, n, (double)x->n, 0);
		cells[3].text = n;
		if (x->suppressed) {
			cells[1].text = suppressed_text(r, x->reason);
			cells[1].muted = 1;
			cells[1].span = 1;
		} else if (!x->has_value) {
			cells[1].text = TR(r, "non calculable", "not computable");
			cells[1].muted = 1;
			cells[1].span = 1;
		} else {
			value_with_unit(r, x, v, sizeof(v));
			cells[1].text = v;
			if (x->has_ci)
				cells[2].text = interval(r, iv, sizeof(iv), x->lo,
				                         x->hi, x->decimals);
			if (x->has_previous) {
				char b[IMPACT_NUMBER_MAX + 1];

				snprintf(ch, sizeof(ch), "%s%s",
				         signed_num(r, b, x->change, x->decimals),
				         x->significant == 1 ? " *" : "");
				cells[4].text = ch;
			}
		}
		if (x->parent_has) {
			/* The unit is in the value column: a bare number, but
			 * for percentages. */
			impact__rd_ind px = *x;

			px.value = x->parent;
			if (is_pct(x))
				value_with_unit(r, &px, p, sizeof(p));
			else
				num(r, p, x->parent, x->decimals);
			cells[5].text = p;
		}
		table_row(r, c, 6, cells, zebra);
		zebra = !zebra;
	}
	r->y += 8;
	paragraph(r, TR(r, "* évolution significative au seuil de 5 % (test "
	          "de deux proportions ou de Welch). IC 95 % : intervalle de "
	          "confiance à 95 % (Wilson pour les parts, bootstrap pour les "
	          "moyennes). Territoire : la valeur du territoire au-dessus.",
	          "* significant change at 5% (two-proportion or Welch test). "
	          "95% CI: 95% confidence interval (Wilson for shares, "
	          "bootstrap for means). Territory: the value of the territory "
	          "above."), 7.5);
}

/* The percentage indicators as bar rows (texts holds their value texts);
 * returns how many. */
static size_t pct_rows(render *r, impact__bar_row *rows,
                       char (*texts)[2 * IMPACT_NUMBER_MAX])
{
	const impact__rd *d = r->d;
	size_t i, n = 0;

	for (i = 0; i < d->n_inds; i++) {
		const impact__rd_ind *x = &d->inds[i];

		if (!is_pct(x))
			continue;
		rows[n].label = x->label;
		rows[n].suppressed = x->suppressed || !x->has_value;
		rows[n].value = rows[n].suppressed ? NAN : x->value;
		rows[n].lo = x->has_ci && !x->suppressed ? x->lo : NAN;
		rows[n].hi = x->has_ci && !x->suppressed ? x->hi : NAN;
		rows[n].reference = x->parent_has ? x->parent : NAN;
		if (!rows[n].suppressed) {
			value_with_unit(r, x, texts[n], sizeof(texts[n]));
			rows[n].value_text = texts[n];
		}
		n++;
	}
	return n;
}

static void bars_setup(render *r, impact__bars *b)
{
	memset(b, 0, sizeof(*b));
	chart_text(r, &b->t, TR(r, "Les effets utiles en parts",
	                        "The useful effects as shares"), TR(r,
	           "part des personnes ou des activités, en %, avec son "
	           "intervalle de confiance à 95 % ; n de chaque part dans le "
	           "tableau des effets utiles", "share of persons or "
	           "activities, in %, with its 95% confidence interval; the n "
	           "of each share is in the table of useful effects"));
	b->axis_lo = 0;
	b->axis_hi = 100;
	b->axis_decimals = 0;
	b->axis_unit = r->en ? "%" : NNBSP "%";
	b->legend_value = r->d->name;
	b->legend_ci = TR(r, "IC 95 %", "95% CI");
	b->legend_reference = r->d->parent_name;
}

/* The percentage indicators as bars with whiskers, in chunks that fit. */
static void effects_bars(render *r)
{
	const impact__rd *d = r->d;
	impact__bar_row *rows;
	char (*texts)[2 * IMPACT_NUMBER_MAX];
	size_t n, start;

	rows = calloc(d->n_inds + 1, sizeof(*rows));
	texts = calloc(d->n_inds + 1, sizeof(*texts));
	if (!rows || !texts) {
		free(rows);
		free(texts);
		r->failed = 1;
		return;
	}
	n = pct_rows(r, rows, texts);
	for (start = 0; start < n;) {
		impact__bars b;
		size_t take = n - start;
		double hgt;

		bars_setup(r, &b);
		/* As many rows as fit on a fresh page. */
		for (;;) {
			b.rows = rows + start;
			b.n = take;
			hgt = impact__chart_bars_height(&r->dr, CONTENT_W, &b);
			if (hgt <= BOTTOM - TOP - 10 || take == 1)
				break;
			take--;
		}
		if (r->y + hgt > BOTTOM)
			new_page(r);
		chart(r, impact__chart_bars_fn, &b, hgt);
		start += take;
	}
	free(rows);
	free(texts);
}

static void effects_pages(render *r)
{
	const impact__rd *d = r->d;
	char sub[512];

	if (!d->n_inds)
		return;
	new_page(r);
	snprintf(sub, sizeof(sub), TR(r,
	         "Les effets de l'activité pour les personnes et le territoire "
	         "(%zu indicateurs, dont %lld non publiés).", "The effects of "
	         "the activity for persons and the territory (%zu indicators, "
	         "%lld of them not published)."), d->n_inds, d->ind_suppressed);
	section(r, TR(r, "Les effets utiles", "The useful effects"), sub, 120);
	effects_table(r);
	effects_bars(r);
}

/* ------------------------------------------------------------------ */
/* A territory's places                                                */
/* ------------------------------------------------------------------ */

/* The places of a territory as points for the comparison and the map. */
static void place_points(render *r, impact__place_point *pts,
                         impact__map_point *mp)
{
	const impact__rd *d = r->d;
	size_t i;

	for (i = 0; i < d->n_places; i++) {
		const impact__rd_place *p = &d->places[i];

		pts[i].label = p->name;
		pts[i].suppressed = !p->index.has || p->index.suppressed;
		pts[i].value = pts[i].suppressed ? NAN : p->index.gnh;
		pts[i].lo = pts[i].suppressed ? NAN : p->index.lo;
		pts[i].hi = pts[i].suppressed ? NAN : p->index.hi;
		pts[i].n = (long)p->index.n;
		mp[i].label = p->name;
		mp[i].lat = p->has_xy ? p->lat : NAN;
		mp[i].lon = p->has_xy ? p->lon : NAN;
		mp[i].value = pts[i].value;
		mp[i].suppressed = pts[i].suppressed;
	}
}

static void compare_setup(render *r, impact__compare *c,
                          const impact__place_point *pts, char *sub,
                          size_t size)
{
	const impact__rd *d = r->d;
	char nb[IMPACT_NUMBER_MAX];

	memset(c, 0, sizeof(*c));
	{
		char nr[IMPACT_NUMBER_MAX];

		num(r, nb, (double)d->n_places, 0);
		num(r, nr, index_published(d->index) ? jnum(d->index, "n") : 0,
		    0);
		snprintf(sub, size, TR(r, "IBB de 0 à 1 et son intervalle de "
		         "confiance à 95 %%, %s lieux, n = %s personnes",
		         "GHI from 0 to 1 and its 95%% confidence interval, %s "
		         "places, n = %s persons"), nb, nr);
	}
	chart_text(r, &c->t, TR(r, "Les lieux comparés", "The places "
	                        "compared"), sub);
	c->n = d->n_places;
	c->places = pts;
	c->reference = index_published(d->index) ? jnum(d->index, "gnh") : NAN;
	c->reference_label = d->name;
	c->axis_lo = NAN;
	c->axis_hi = NAN;
	c->decimals = 3;
	c->suppressed_count_fmt = TR(r, "%zu lieux non publiés (n < 5)",
	                             "%zu places not published (n < 5)");
	c->top_label = TR(r, "les 5 plus hauts", "the 5 highest");
	c->bottom_label = TR(r, "les 5 plus bas", "the 5 lowest");
}

static void map_setup(render *r, impact__map *m, const impact__map_point *mp)
{
	memset(m, 0, sizeof(*m));
	snprintf(r->map_sub, sizeof(r->map_sub), TR(r,
	         "couleur : IBB du lieu (de 0 à 1) ; gris : non publié (n < 5) ;"
	         " %zu lieux", "colour: the place's GHI (0 to 1); grey: not "
	         "published (n < 5); %zu places"), r->d->n_places);
	chart_text(r, &m->t, TR(r, "La carte des lieux", "Map of the places"),
	           r->map_sub);
	m->n = r->d->n_places;
	m->points = mp;
	m->outlines = r->geo;
	m->vmin = NAN;
	m->vmax = NAN;
	m->decimals = 3;
	m->value_label = TR(r, "IBB", "GHI");
	{
		size_t i, missing = 0;

		for (i = 0; i < r->d->n_places; i++)
			missing += !r->d->places[i].has_xy;
		m->missing_fmt = missing == 1
		                 ? TR(r, "%zu lieu sans coordonnées",
		                      "%zu place without coordinates")
		                 : TR(r, "%zu lieux sans coordonnées",
		                      "%zu places without coordinates");
	}
}

static void places_pages(render *r)
{
	const impact__rd *d = r->d;
	impact__place_point *pts;
	impact__map_point *mp;
	impact__compare c;
	impact__map m;
	char sub[256];
	double hgt;

	if (d->is_place || !d->n_places)
		return;
	pts = calloc(d->n_places, sizeof(*pts));
	mp = calloc(d->n_places, sizeof(*mp));
	if (!pts || !mp) {
		free(pts);
		free(mp);
		r->failed = 1;
		return;
	}
	place_points(r, pts, mp);
	new_page(r);
	section(r, TR(r, "Les lieux du territoire", "The places of the "
	        "territory"), TR(r, "L'indice de chaque lieu, avec son "
	        "intervalle de confiance ; la ligne pointillée est celle du "
	        "territoire.", "Each place's index with its confidence "
	        "interval; the dashed line is the territory's."), 200);
	compare_setup(r, &c, pts, sub, sizeof(sub));
	hgt = impact__chart_compare_height(&r->dr, CONTENT_W, &c);
	if (hgt > BOTTOM - TOP - 60)
		hgt = BOTTOM - TOP - 60;
	if (hgt < 180)
		hgt = 180;
	chart(r, impact__chart_compare_fn, &c, hgt);
	map_setup(r, &m, mp);
	if (r->y + 330 > BOTTOM)
		new_page(r);
	chart(r, impact__chart_map_fn, &m, 330);
	free(pts);
	free(mp);
}

/* ------------------------------------------------------------------ */
/* Method and data quality                                             */
/* ------------------------------------------------------------------ */

static void method_page(render *r)
{
	const impact__rd *d = r->d;
	json_t *doc = d->index;
	char buf[2048], a[IMPACT_NUMBER_MAX], b[IMPACT_NUMBER_MAX];
	size_t i;

	new_page(r);
	section(r, TR(r, "Méthode et qualité des données",
	              "Method and quality of the data"), NULL, 100);
	num(r, a, d->respondents.has ? d->respondents.value : 0, 0);
	snprintf(buf, sizeof(buf), TR(r,
	         "Personnes interrogées en %d : %s.", "Respondents in %d: %s."),
	         d->period, a);
	paragraph(r, buf, 9);
	if (doc) {
		json_t *wu = json_object_get(doc, "weights_used");
		json_t *rk = json_object_get(doc, "raking");
		const char *scheme = json_string_value(json_object_get(wu,
		                                                       "scheme"));

		num(r, a, jnum(doc, "n"), 0);
		num(r, b, jnum(doc, "incomplete"), 0);
		snprintf(buf, sizeof(buf), TR(r,
		         "Indice : %s personnes ; %s laissées de côté faute de "
		         "réponses suffisantes (moins de 80 %% des indicateurs "
		         "pondérés observés).", "Index: %s persons; %s left out for "
		         "lack of answers (less than 80%% of the weighted "
		         "indicators observed)."), a, b);
		paragraph(r, buf, 9);
		num(r, a, jnum(doc, "cutoff"), 2);
		snprintf(buf, sizeof(buf), TR(r,
		         "Seuil de bonheur k = %s : une personne est heureuse "
		         "quand elle atteint la suffisance dans au moins cette part "
		         "pondérée des indicateurs. Pondération des domaines : %s.",
		         "Happiness cutoff k = %s: a person is happy when sufficient "
		         "in at least this weighted share of the indicators. "
		         "Domain weights: %s."), a,
		         !scheme ? "—"
		         : !strcmp(scheme, "equal") ? TR(r, "égale", "equal")
		         : !strcmp(scheme, "territory") ? TR(r,
		                 "choisie par le territoire", "chosen by the "
		                 "territory")
		         : !strcmp(scheme, "participatory") ? TR(r,
		                 "participative (importance donnée par les "
		                 "personnes)", "participatory (importance given by "
		                 "respondents)")
		         : !strcmp(scheme, "pca") ? TR(r, "analyse en composantes "
		                 "principales", "principal component analysis")
		         : TR(r, "définie par l'indice", "as the index defines"));
		paragraph(r, buf, 9);
		if (json_is_true(json_object_get(doc, "weighted")) && rk) {
			num(r, a, jnum(rk, "iterations"), 0);
			snprintf(buf, sizeof(buf), TR(r,
			         "Redressement : les réponses sont pondérées pour "
			         "représenter la population de %s (calage sur marges "
			         "par la méthode du raking : âge, sexe, commune, "
			         "activité), %s en %s itérations.",
			         "Weighting: answers are weighted to represent the "
			         "population of %s (raking to margins: age, sex, "
			         "commune, activity), %s in %s iterations."),
			         json_string_value(json_object_get(rk, "territory")),
			         json_is_true(json_object_get(rk, "converged"))
			         ? TR(r, "convergé", "converged")
			         : TR(r, "non convergé", "not converged"), a);
		} else if (json_object_get(doc, "raking_skipped")) {
			snprintf(buf, sizeof(buf), "%s", TR(r,
			         "Redressement : impossible pour cette période (une "
			         "modalité des marges de population n'a aucune "
			         "réponse) ; les réponses ne sont pas pondérées.",
			         "Weighting: impossible for this period (a level of "
			         "the population margins has no answer); answers are "
			         "not weighted."));
		} else {
			snprintf(buf, sizeof(buf), "%s", TR(r,
			         "Redressement : aucun (pas de marges de population) ;"
			         " chaque réponse compte pour une.",
			         "Weighting: none (no population margins); each "
			         "answer counts once."));
		}
		paragraph(r, buf, 9);
	}
	paragraph(r, TR(r,
	          "Secret statistique : aucun chiffre reposant sur moins de 5 "
	          "personnes n'est publié ; quand un seul lieu d'un territoire "
	          "est masqué, un second l'est aussi (secret secondaire), et un "
	          "montant dominé par un seul lieu n'est pas publié (dominance)."
	          " Les réponses en texte libre ne sont jamais reproduites.",
	          "Statistical disclosure control: no figure resting on fewer "
	          "than 5 persons is published; when a single place of a "
	          "territory is hidden, a second one is too (secondary "
	          "suppression), and an amount dominated by one place is not "
	          "published (dominance). Free-text answers are never "
	          "reproduced."), 9);
	paragraph(r, TR(r,
	          "Intervalles de confiance à 95 % : Wilson pour les parts, "
	          "bootstrap stratifié par lieu (1 000 tirages, graine fixe) "
	          "pour les moyennes et l'indice ; aucun pour les comptages. "
	          "Une évolution est marquée * quand elle est significative au "
	          "seuil de 5 %.",
	          "95% confidence intervals: Wilson for shares, bootstrap "
	          "stratified by place (1,000 replicates, fixed seed) for means "
	          "and the index; none for counts. A change is marked * when it "
	          "is significant at 5%."), 9);
	if (d->n_sources) {
		static const column cols[] = { { "", 190, 0 }, { "", 70, 0 },
		                               { "", 90, 0 }, { "", 70, 0 },
		                               { "", 45, 1 }, { "", 46, 1 } };
		column c[6];

		memcpy(c, cols, sizeof(c));
		c[0].head = TR(r, "Fichier importé", "Imported file");
		c[1].head = TR(r, "Nature", "Kind");
		c[2].head = TR(r, "Outil", "Tool");
		c[3].head = TR(r, "Date", "Date");
		c[4].head = TR(r, "Lignes", "Rows");
		c[5].head = TR(r, "Rejets", "Rejected");
		r->y += 6;
		ensure(r, 60);
		r->y += impact__text(&r->dr, TR(r, "Sources des données",
		                                "Sources of the data"), MARGIN,
		                     r->y, CONTENT_W, 10, 1, &impact__c_ink,
		                     PANGO_ALIGN_LEFT) + 4;
		table_head(r, c, 6);
		for (i = 0; i < d->n_sources; i++) {
			const impact__rd_source *s = &d->sources[i];
			char l[IMPACT_NUMBER_MAX], j[IMPACT_NUMBER_MAX];
			const char *slash = s->file ? strrchr(s->file, '/') : NULL;
			cell cells[6];

			memset(cells, 0, sizeof(cells));
			cells[0].text = slash ? slash + 1 : s->file;
			cells[1].text = s->kind;
			cells[2].text = s->tool ? s->tool : "";
			cells[3].text = s->when;
			cells[4].text = num(r, l, (double)s->loaded, 0);
			cells[5].text = num(r, j, (double)s->rejected, 0);
			table_row(r, c, 6, cells, (int)(i % 2));
		}
	}
}

static void draw_dashboard(render *r)
{
	r->page = 1;
	page_start(r);
	cover(r);
	index_pages(r);
	domains_page(r);
	effects_pages(r);
	places_pages(r);
	method_page(r);
	if (!r->rec_status && cairo_status(r->dr.cr))
		r->rec_status = cairo_status(r->dr.cr);
	cairo_destroy(r->dr.cr);
	r->dr.cr = NULL;
}

/* Replay the recorded pages onto `cr`, each with its footer. */
static void replay_pages(render *r, cairo_t *cr)
{
	int i;

	r->dr.cr = cr;
	r->pages = r->nrec;
	for (i = 0; i < r->nrec; i++) {
		cairo_set_source_surface(cr, r->rec[i], 0, 0);
		cairo_paint(cr);
		r->page = i + 1;
		footer(r);
		cairo_show_page(cr);
	}
	r->dr.cr = NULL;
}

static void render_release(render *r)
{
	int i;

	for (i = 0; i < r->nrec; i++)
		cairo_surface_destroy(r->rec[i]);
	free(r->rec);
	r->rec = NULL;
	r->nrec = r->caprec = 0;
	impact__draw_release(&r->dr);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

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

static int write_error(impact *h, const char *output, int err)
{
	return impact__error(h, IMPACT_EIO, "cannot write report '%s': %s",
	                     output, strerror(err));
}

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

typedef struct {
	const impact__rd *d;
	const impact__profile *prof;
	const impact__geo *geo;
	int en;
	const char *title, *today;
	impact__text_cache *cache;      /* the drawing thread's, or NULL */
} job;

/* Draw the dashboard into a new PDF stream going to `s`: every page
 * recorded, then replayed with its footer once the total is known. */
static int draw_pdf(impact *h, const job *j, sink *s, const char *output)
{
	cairo_surface_t *surface;
	cairo_t *cr = NULL;
	cairo_status_t st;
	render r;
	int rc = IMPACT_OK;

	memset(&r, 0, sizeof(r));
	surface = cairo_pdf_surface_create_for_stream(sink_write, s, PAGE_W,
	                                              PAGE_H);
	if ((st = cairo_surface_status(surface)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_error(h, st, s, output);
		goto done;
	}
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
	                               j->title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
	                               "impact " IMPACT_VERSION);
	cr = cairo_create(surface);
	if ((st = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_error(h, st, s, output);
		goto done;
	}
	if (impact__draw_init(&r.dr, cr, j->en ? "en" : "fr") != 0) {
		rc = impact__error(h, IMPACT_ERROR, "font '" IMPACT__FONT_FAMILY
		                   "' not found: install it (Debian package "
		                   "fonts-dejavu-core)");
		goto done;
	}
	r.dr.cr = NULL;                   /* page_start() gives each page's */
	r.dr.cache = j->cache;
	r.d = j->d;
	r.prof = j->prof;
	r.geo = j->geo;
	r.en = j->en;
	r.title = j->title;
	r.today = j->today;
	draw_dashboard(&r);
	if (r.failed) {
		rc = impact__error(h, IMPACT_ERROR, "cannot draw report '%s': a "
		                   "chart refused its data (please report this "
		                   "bug)", output);
		goto done;
	}
	if (r.rec_status != CAIRO_STATUS_SUCCESS) {
		rc = cairo_error(h, r.rec_status, s, output);
		goto done;
	}
	replay_pages(&r, cr);
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
done:
	render_release(&r);
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
	return rc;
}

/* Open a new temporary file beside `output`. */
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

/* Draw the dashboard into a temporary file flushed, synced and renamed
 * over `output`. */
static int write_pdf(impact *h, const job *j, const char *output)
{
	sink file = { NULL, 0 };
	char *tmp = NULL;
	int rc;

	if ((rc = open_temp(h, output, &tmp, &file.fp)) != IMPACT_OK)
		return rc;
	rc = draw_pdf(h, j, &file, output);
	/* Cairo may swallow a failed write (a full disk): the sink kept it. */
	if (rc == IMPACT_OK && (file.err || ferror(file.fp)))
		rc = write_error(h, output, file.err ? file.err : EIO);
	if (rc == IMPACT_OK && (fflush(file.fp) != 0
	                        || fsync(fileno(file.fp)) != 0))
		rc = write_error(h, output, errno);
	if (fclose(file.fp) != 0 && rc == IMPACT_OK)
		rc = write_error(h, output, errno);
	if (rc == IMPACT_OK && rename(tmp, output) != 0)
		rc = write_error(h, output, errno);
	if (rc != IMPACT_OK)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Read a GeoJSON file into outlines. */
static int load_geojson(impact *h, const char *path, impact__geo **out)
{
	FILE *fp;
	char *text = NULL, err[512];
	long size;
	int rc = IMPACT_OK;

	*out = NULL;
	if (!path)
		return IMPACT_OK;
	if (!(fp = fopen(path, "rb")))
		return impact__error(h, IMPACT_EIO, "cannot open '%s': %s", path,
		                     strerror(errno));
	if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0
	    || fseek(fp, 0, SEEK_SET) != 0) {
		rc = impact__error(h, IMPACT_EIO, "cannot read '%s': %s", path,
		                   strerror(errno));
	} else if (size > 64L << 20) {
		rc = impact__error(h, IMPACT_EDATA, "%s: %ld bytes: a GeoJSON "
		                   "file may have at most 64 MiB; simplify the "
		                   "outlines (e.g. with mapshaper)", path, size);
	} else if (!(text = malloc((size_t)size + 1))) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
	} else if (fread(text, 1, (size_t)size, fp) != (size_t)size) {
		rc = impact__error(h, IMPACT_EIO, "cannot read '%s'", path);
	} else if (impact__geojson_parse(text, (size_t)size, out, err,
	                                 sizeof(err)) != 0) {
		rc = impact__error(h, IMPACT_EDATA, "%s:%s", path, err);
	}
	fclose(fp);
	free(text);
	return rc;
}

/* Load the profile and the outlines of `opts` into *prof and *geo. */
static int load_extras(impact *h, const impact_report_opts *opts,
                       impact__profile *prof, int *has_prof,
                       impact__geo **geo)
{
	int rc;

	*has_prof = 0;
	*geo = NULL;
	memset(prof, 0, sizeof(*prof));
	if (opts->profile) {
		if ((rc = impact__profile_load(h, opts->profile, prof))
		    != IMPACT_OK)
			return rc;
		*has_prof = 1;
	}
	return load_geojson(h, opts->geojson, geo);
}

static int parse_lang(impact *h, const char *code, int *en)
{
	impact__lang l;

	if (impact__report_lang(&l, code) != 0)
		return impact__error(h, IMPACT_EUSAGE, "unknown report language "
		                     "'%s': use 'fr' or 'en'", code);
	*en = l == IMPACT__LANG_EN;
	return IMPACT_OK;
}

/* Load and write the dashboard of one unit. */
/* One dashboard: read by the calling thread (SQLite), drawn by it or by
 * a worker of impact_report_write_all (Cairo, Pango), whose error is
 * kept in `err` until the calling thread takes it. */
typedef struct {
	impact__rd d;
	job j;
	char title[512], today[16];
	char *path;                 /* output (owned) */
	struct impact err;          /* the drawing's error, errcode 0 if none */
} unit_job;

static void unit_job_free(unit_job *u)
{
	if (!u)
		return;
	impact__rd_release(&u->d);
	free(u->path);
	free(u);
}

/* Read what a dashboard prints into a new *out. */
static int unit_job_load(impact *h, int is_place, const char *code,
                         int period, int en, const impact__profile *prof,
                         const char *profile_path, const impact__geo *geo,
                         const char *output, unit_job **out)
{
	unit_job *u = calloc(1, sizeof(*u));
	struct tm tm;
	time_t now = time(NULL);
	int rc;

	*out = NULL;
	if (!u || !(u->path = strdup(output))) {
		free(u);
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	}
	rc = impact__rd_load(h, &u->d, is_place, code, period, en, prof,
	                     profile_path);
	if (rc != IMPACT_OK) {
		unit_job_free(u);
		return rc;
	}
	localtime_r(&now, &tm);
	strftime(u->today, sizeof(u->today), "%Y-%m-%d", &tm);
	snprintf(u->title, sizeof(u->title), "%s " EMDASH " %s " EMDASH " %d",
	         prof ? (en && prof->title_en ? prof->title_en
	                 : prof->title_fr)
	         : en ? "Impact dashboard" : "Tableau de bord d'impact",
	         u->d.name, u->d.period);
	u->j.d = &u->d;
	u->j.prof = prof;
	u->j.geo = geo;
	u->j.en = en;
	u->j.title = u->title;
	u->j.today = u->today;
	*out = u;
	return IMPACT_OK;
}

static int write_one(impact *h, int is_place, const char *code, int period,
                     int en, const impact__profile *prof,
                     const char *profile_path, const impact__geo *geo,
                     const char *output)
{
	unit_job *u;
	int rc;

	rc = unit_job_load(h, is_place, code, period, en, prof, profile_path,
	                   geo, output, &u);
	if (rc == IMPACT_OK)
		rc = write_pdf(h, &u->j, u->path);
	unit_job_free(u);
	return rc;
}

int impact_report_write(impact *h, const impact_report_opts *opts)
{
	impact__profile prof;
	impact__geo *geo = NULL;
	int en = 0, has_prof = 0, rc;

	assert(h && opts);
	impact__clear_error(h);
	if ((rc = parse_lang(h, opts->lang, &en)) != IMPACT_OK)
		return rc;
	if (!opts->place == !opts->territory)
		return impact__error(h, IMPACT_EUSAGE, "a report is about one "
		                     "place or one territory: set exactly one "
		                     "of them");
	if (!opts->output || !*opts->output)
		return impact__error(h, IMPACT_EUSAGE, "no output file given for "
		                     "the report");
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	rc = load_extras(h, opts, &prof, &has_prof, &geo);
	if (rc == IMPACT_OK)
		rc = write_one(h, opts->place != NULL, opts->place ? opts->place
		               : opts->territory, opts->period, en, has_prof
		               ? &prof : NULL, opts->profile, geo, opts->output);
	impact__profile_release(&prof);
	impact__geojson_free(geo);
	return rc;
}

/* Create directory `dir` unless it exists already. */
static int make_dir(impact *h, const char *dir)
{
	struct stat sb;

	if (mkdir(dir, 0777) == 0)
		return IMPACT_OK;
	if (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
		return IMPACT_OK;
	if (errno == EEXIST)
		return impact__error(h, IMPACT_EIO, "cannot create directory "
		                     "'%s': a file has that name", dir);
	return impact__error(h, IMPACT_EIO, "cannot create directory '%s': %s",
	                     dir, strerror(errno));
}

/*
 * The dashboards of impact_report_write_all are drawn on impact__threads()
 * workers (IMPACT_THREADS, else one per processor, at most 8) while the
 * calling thread, the only one to use SQLite and the handle, reads the
 * next ones: at most 2 per worker wait.  Each worker has its own copy of
 * the funder's logo (Cairo keeps snapshots on a surface painted into a
 * recording), its own Pango font map (Pango's default is per thread) and
 * its own cache of texts already laid out (labels and most numbers recur
 * from one dashboard to the next).  The files do not depend on which
 * worker drew them.
 */
#define POOL_MAX 8

typedef struct pool pool;

typedef struct {
	pool *p;
	impact__profile prof;       /* shallow copy, own logo surface */
	pthread_t tid;
} worker;

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t work;        /* a job queued, or closing */
	pthread_cond_t finished;    /* a job drawn */
	unit_job **queue, **done;   /* waiting to be drawn; drawn */
	size_t nqueue, ndone, cap;  /* both hold at most cap */
	int closing;
	const impact__profile *prof;
	worker w[POOL_MAX];
	size_t nw;
};

static void *pool_worker(void *arg)
{
	worker *w = arg;
	pool *p = w->p;
	/* Texts shaped once for all this worker's dashboards (without
	 * memory, each is shaped as it comes). */
	impact__text_cache *tc = impact__text_cache_new();

	for (;;) {
		unit_job *u;

		pthread_mutex_lock(&p->lock);
		while (!p->nqueue && !p->closing)
			pthread_cond_wait(&p->work, &p->lock);
		if (!p->nqueue) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		u = p->queue[0];
		memmove(p->queue, p->queue + 1, --p->nqueue * sizeof(*p->queue));
		pthread_mutex_unlock(&p->lock);
		if (u->j.prof)
			u->j.prof = &w->prof;
		u->j.cache = tc;
		write_pdf(&u->err, &u->j, u->path);
		u->j.cache = NULL;
		pthread_mutex_lock(&p->lock);
		p->done[p->ndone++] = u;
		pthread_cond_signal(&p->finished);
		pthread_mutex_unlock(&p->lock);
	}
	impact__text_cache_free(tc);
	return NULL;
}

/* A copy of an image surface, or NULL when out of memory. */
static cairo_surface_t *surface_copy(cairo_surface_t *src)
{
	cairo_surface_t *dst;
	cairo_t *cr;

	dst = cairo_image_surface_create(cairo_image_surface_get_format(src),
	                                 cairo_image_surface_get_width(src),
	                                 cairo_image_surface_get_height(src));
	cr = cairo_create(dst);
	cairo_set_source_surface(cr, src, 0, 0);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	if (cairo_status(cr) || cairo_surface_status(dst)) {
		cairo_destroy(cr);
		cairo_surface_destroy(dst);
		return NULL;
	}
	cairo_destroy(cr);
	return dst;
}

/* Close the queue and wait for the workers. */
static void pool_stop(pool *p)
{
	size_t k;

	pthread_mutex_lock(&p->lock);
	p->closing = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (k = 0; k < p->nw; k++) {
		pthread_join(p->w[k].tid, NULL);
		if (p->w[k].prof.logo_surface)
			cairo_surface_destroy(p->w[k].prof.logo_surface);
	}
	p->nw = 0;
}

/* Start up to `n` workers; 0 started (drawing then stays on the calling
 * thread) is not a failure. */
static void pool_start(pool *p, size_t n, const impact__profile *prof)
{
	memset(p, 0, sizeof(*p));
	p->prof = prof;
	if (n > POOL_MAX)
		n = POOL_MAX;
	if (n < 2)
		return;
	p->cap = 2 * n;
	p->queue = malloc(p->cap * sizeof(*p->queue));
	p->done = malloc(p->cap * sizeof(*p->done));
	if (!p->queue || !p->done || pthread_mutex_init(&p->lock, NULL))
		goto none;
	if (pthread_cond_init(&p->work, NULL)) {
		pthread_mutex_destroy(&p->lock);
		goto none;
	}
	if (pthread_cond_init(&p->finished, NULL)) {
		pthread_cond_destroy(&p->work);
		pthread_mutex_destroy(&p->lock);
		goto none;
	}
	for (p->nw = 0; p->nw < n; p->nw++) {
		worker *w = &p->w[p->nw];

		w->p = p;
		if (prof) {
			w->prof = *prof;
			if (prof->logo_surface
			    && !(w->prof.logo_surface
			         = surface_copy(prof->logo_surface)))
				break;
		}
		if (pthread_create(&w->tid, NULL, pool_worker, w) != 0) {
			if (w->prof.logo_surface)
				cairo_surface_destroy(w->prof.logo_surface);
			break;
		}
	}
	if (p->nw > 0) {
		impact__fonts_hold();
		return;
	}
	pthread_cond_destroy(&p->finished);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
none:
	free(p->queue);
	free(p->done);
	memset(p, 0, sizeof(*p));
}

static void pool_release(pool *p)
{
	if (!p->cap)
		return;
	pool_stop(p);
	impact__fonts_release();
	pthread_cond_destroy(&p->finished);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->queue);
	free(p->done);
	memset(p, 0, sizeof(*p));
}

/* What impact_report_write_all has done so far. */
typedef struct {
	size_t written, total;
	int rc;                     /* first failure, IMPACT_OK if none */
} tally;

/* Count a drawn dashboard, or keep its failure (the first one). */
static void collect(impact *h, tally *t, unit_job *u)
{
	if (u->err.errcode != IMPACT_OK) {
		if (t->rc == IMPACT_OK)
			t->rc = impact__error(h, u->err.errcode, "%s",
			                      u->err.errmsg);
	} else {
		t->written++;       /* a file written, even after a failure */
		if (t->rc == IMPACT_OK)
			impact__progress(h, "reports", t->written, t->total);
	}
	unit_job_free(u);
}

/* Collect the dashboards drawn so far; with `wait`, wait for one at least
 * when any is being drawn.  Returns how many were collected. */
static size_t pool_collect(impact *h, pool *p, tally *t, size_t inflight,
                           int wait)
{
	unit_job *got[2 * POOL_MAX];
	size_t n, k;

	pthread_mutex_lock(&p->lock);
	while (wait && inflight && !p->ndone)
		pthread_cond_wait(&p->finished, &p->lock);
	n = p->ndone;
	memcpy(got, p->done, n * sizeof(*got));
	p->ndone = 0;
	pthread_mutex_unlock(&p->lock);
	for (k = 0; k < n; k++)
		collect(h, t, got[k]);
	return n;
}

/* Draw `u`: on a worker when there are any (waiting for room in the
 * queue), else here.  *inflight counts the jobs handed to workers. */
static void pool_draw(impact *h, pool *p, tally *t, unit_job *u,
                      size_t *inflight)
{
	if (!p->nw) {
		u->err.errcode = write_pdf(&u->err, &u->j, u->path);
		collect(h, t, u);
		return;
	}
	while (*inflight >= p->cap)
		*inflight -= pool_collect(h, p, t, *inflight, 1);
	pthread_mutex_lock(&p->lock);
	p->queue[p->nqueue++] = u;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	(*inflight)++;
	*inflight -= pool_collect(h, p, t, *inflight, 0);
}

int impact_report_write_all(impact *h, const impact_report_opts *opts,
                            const char *dir, size_t *out_written)
{
	impact_report_opts defaults = IMPACT_REPORT_OPTS_INIT;
	impact__profile prof;
	impact__geo *geo = NULL;
	sqlite3_stmt *st = NULL;
	pool p;
	tally t = { 0, 0, IMPACT_OK };
	size_t inflight = 0;
	char *path = NULL;
	int en = 0, has_prof = 0, period = 0, rc, step = SQLITE_DONE;

	assert(h);
	impact__clear_error(h);
	memset(&prof, 0, sizeof(prof));
	memset(&p, 0, sizeof(p));
	if (out_written)
		*out_written = 0;
	if (!opts)
		opts = &defaults;
	if ((rc = parse_lang(h, opts->lang, &en)) != IMPACT_OK)
		return rc;
	if (!dir || !*dir)
		return impact__error(h, IMPACT_EUSAGE, "no directory given for "
		                     "the reports");
	if ((rc = impact__need_db(h)) != IMPACT_OK
	    || (rc = impact__rd_period(h, opts->period, &period)) != IMPACT_OK
	    || (rc = make_dir(h, dir)) != IMPACT_OK
	    || (rc = load_extras(h, opts, &prof, &has_prof, &geo))
	       != IMPACT_OK)
		goto done;
	/* Territories first (the network's report), then places. */
	/* (One pass over this period's part of results_key.) */
	rc = impact__prepare(h, &st, "SELECT 0, t.code FROM territories t"
	     " WHERE t.id IN (SELECT coalesce(territory_id, 0) FROM results"
	     " WHERE period = ?1 AND coalesce(place_id, 0) = 0) UNION ALL"
	     " SELECT 1, p.code FROM places p WHERE p.id IN (SELECT"
	     " coalesce(place_id, 0) FROM results WHERE period = ?1)"
	     " ORDER BY 1, 2;");
	if (rc != IMPACT_OK)
		goto done;
	sqlite3_bind_int(st, 1, period);
	while (sqlite3_step(st) == SQLITE_ROW)
		t.total++;
	sqlite3_reset(st);
	pool_start(&p, t.total > 1 ? impact__threads() : 1,
	           has_prof ? &prof : NULL);
	while (t.rc == IMPACT_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int is_place = sqlite3_column_int(st, 0);
		const char *code = (const char *)sqlite3_column_text(st, 1);
		unit_job *u;
		size_t size;

		if (!code || !*code || strchr(code, '/') || !strcmp(code, ".")
		    || !strcmp(code, "..")) {
			t.rc = impact__error(h, IMPACT_EDATA, "cannot name a report"
			                     " file after %s code '%s'", is_place
			                     ? "place" : "territory",
			                     code ? code : "");
			break;
		}
		size = strlen(dir) + strlen(code) + 32;
		free(path);
		if (!(path = malloc(size))) {
			t.rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			break;
		}
		snprintf(path, size, "%s/%s-%s.pdf", dir, is_place ? "place"
		         : "territory", code);
		t.rc = unit_job_load(h, is_place, code, period, en, has_prof
		                     ? &prof : NULL, opts->profile, geo, path,
		                     &u);
		if (t.rc != IMPACT_OK)
			break;
		pool_draw(h, &p, &t, u, &inflight);
	}
	if (t.rc == IMPACT_OK && step != SQLITE_DONE)
		t.rc = impact__db_error(h, "listing the units");
	/* Whatever happened, the dashboards being drawn are finished. */
	if (p.nw) {
		pool_stop(&p);
		pool_collect(h, &p, &t, 0, 0);
	}
	rc = t.rc;
done:
	pool_release(&p);
	if (out_written)
		*out_written = t.written;
	sqlite3_finalize(st);
	free(path);
	impact__profile_release(&prof);
	impact__geojson_free(geo);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Single charts                                                       */
/* ------------------------------------------------------------------ */

static const char *const chart_kinds[] = { "domains", "indicators",
                                           "groups", "contributions",
                                           "trend", "places", "map" };

int impact_chart_kind_parse(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(chart_kinds) / sizeof(chart_kinds[0]);
	     i++)
		if (!strcmp(name, chart_kinds[i]))
			return (int)i;
	return -1;
}

/* Everything one chart may need, built from the loaded dashboard. */
typedef struct {
	trend_data trend;
	groups_data groups;
	domains_data domains;
	impact__bars bars;
	impact__compare compare;
	impact__map map;
	char sub[256];
} chart_store;

static int draw_chart(impact *h, render *r, const impact_chart_opts *o)
{
	const impact__rd *d = r->d;
	chart_store *cs = calloc(1, sizeof(*cs));
	impact__bar_row *rows = NULL;
	char (*texts)[2 * IMPACT_NUMBER_MAX] = NULL;
	impact__place_point *pts = NULL;
	impact__map_point *mp = NULL;
	impact__chart_fn fn = NULL;
	const void *c = NULL;
	double w = o->width > 0 ? o->width : 560, hgt = o->height;
	char err[512];
	int rc = IMPACT_OK;

	if (!cs)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	if (o->kind != IMPACT_CHART_INDICATORS && o->kind != IMPACT_CHART_PLACES
	    && o->kind != IMPACT_CHART_MAP && !d->index) {
		rc = impact__error(h, IMPACT_ENOTFOUND, "no index computed for "
		                   "'%s' in %d: add an index definition ('impact "
		                   "index add') and run 'impact compute'", d->code,
		                   d->period);
		goto done;
	}
	if ((o->kind == IMPACT_CHART_PLACES || o->kind == IMPACT_CHART_MAP)
	    && d->is_place) {
		rc = impact__error(h, IMPACT_EUSAGE, "the %s chart is about a "
		                   "territory's places: give --territory CODE",
		                   chart_kinds[o->kind]);
		goto done;
	}
	switch (o->kind) {
	case IMPACT_CHART_DOMAINS:
		build_domains(r, &cs->domains, 1);
		fn = impact__chart_radar_fn;
		c = &cs->domains.rad;
		break;
	case IMPACT_CHART_CONTRIBUTIONS:
		build_domains(r, &cs->domains, 0);
		fn = impact__chart_contributions_fn;
		c = &cs->domains.c;
		break;
	case IMPACT_CHART_GROUPS:
		build_groups(r, &cs->groups);
		fn = impact__chart_groups_fn;
		c = &cs->groups.c;
		break;
	case IMPACT_CHART_TREND:
		build_trend(r, &cs->trend);
		fn = impact__chart_trend_fn;
		c = &cs->trend.c;
		break;
	case IMPACT_CHART_INDICATORS:
		rows = calloc(d->n_inds + 1, sizeof(*rows));
		texts = calloc(d->n_inds + 1, sizeof(*texts));
		if (!rows || !texts) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		bars_setup(r, &cs->bars);
		cs->bars.rows = rows;
		cs->bars.n = pct_rows(r, rows, texts);
		if (hgt <= 0)
			hgt = impact__chart_bars_height(&r->dr, w, &cs->bars);
		fn = impact__chart_bars_fn;
		c = &cs->bars;
		break;
	default:
		pts = calloc(d->n_places + 1, sizeof(*pts));
		mp = calloc(d->n_places + 1, sizeof(*mp));
		if (!pts || !mp) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		place_points(r, pts, mp);
		if (o->kind == IMPACT_CHART_PLACES) {
			compare_setup(r, &cs->compare, pts, cs->sub,
			              sizeof(cs->sub));
			if (hgt <= 0)
				hgt = impact__chart_compare_height(&r->dr, w,
				                                   &cs->compare);
			fn = impact__chart_compare_fn;
			c = &cs->compare;
		} else {
			map_setup(r, &cs->map, mp);
			fn = impact__chart_map_fn;
			c = &cs->map;
		}
		break;
	}
	if (hgt <= 0)
		hgt = 360;
	if (hgt > 5000)
		hgt = 5000;
	if (impact__chart_write(o->report.output, o->format, w, hgt,
	                        lang_code(r), fn, c, err, sizeof(err)) != 0)
		rc = impact__error(h, IMPACT_EIO, "%s", err);
done:
	free(rows);
	free(texts);
	free(pts);
	free(mp);
	free(cs);
	return rc;
}

int impact_chart_write(impact *h, const impact_chart_opts *o)
{
	impact__profile prof;
	impact__geo *geo = NULL;
	impact__rd d;
	render r;
	cairo_surface_t *scratch = NULL;
	cairo_t *cr = NULL;
	int en = 0, has_prof = 0, rc;

	assert(h && o);
	impact__clear_error(h);
	memset(&d, 0, sizeof(d));
	memset(&r, 0, sizeof(r));
	if (o->kind < 0 || o->kind > IMPACT_CHART_MAP)
		return impact__error(h, IMPACT_EUSAGE, "unknown chart kind %d",
		                     o->kind);
	if ((rc = parse_lang(h, o->report.lang, &en)) != IMPACT_OK)
		return rc;
	if (!o->report.place == !o->report.territory)
		return impact__error(h, IMPACT_EUSAGE, "a chart is about one "
		                     "place or one territory: set exactly one "
		                     "of them");
	if (!o->report.output || !*o->report.output)
		return impact__error(h, IMPACT_EUSAGE, "no output file given for "
		                     "the chart");
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	rc = load_extras(h, &o->report, &prof, &has_prof, &geo);
	if (rc == IMPACT_OK)
		rc = impact__rd_load(h, &d, o->report.place != NULL,
		                     o->report.place ? o->report.place
		                     : o->report.territory, o->report.period, en,
		                     has_prof ? &prof : NULL, o->report.profile);
	if (rc == IMPACT_OK) {
		/* A scratch surface, to measure text while building. */
		scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
		cr = cairo_create(scratch);
		if (impact__draw_init(&r.dr, cr, en ? "en" : "fr") != 0)
			rc = impact__error(h, IMPACT_ERROR, "font '"
			                   IMPACT__FONT_FAMILY "' not found: "
			                   "install it (Debian package "
			                   "fonts-dejavu-core)");
	}
	if (rc == IMPACT_OK) {
		r.d = &d;
		r.prof = has_prof ? &prof : NULL;
		r.geo = geo;
		r.en = en;
		rc = draw_chart(h, &r, o);
	}
	impact__draw_release(&r.dr);
	cairo_destroy(cr);
	cairo_surface_destroy(scratch);
	impact__rd_release(&d);
	impact__profile_release(&prof);
	impact__geojson_free(geo);
	return rc;
}
