/*
 * tests/unit/test_charts.c: the charts of the dashboards (reports/draw.c,
 * reports/chart*.c).
 *
 * Every chart is rendered in its usual cases and its edge cases (one
 * place, one period, everything suppressed, very long French labels,
 * values at 0 and 100 %, hundreds of places, NaN, n = 0) into a box
 * inset in a larger white image, with the safety clip off
 * (d.unclipped): the chart must return 0, leave Cairo in success, draw
 * something in its box and not one pixel outside it, which proves no
 * text or mark overflows.  The geometry helpers are checked against
 * values worked out by hand, the files impact__chart_write() makes
 * against their formats, and disclosure control by reading back the
 * text of a PDF (poppler's pdftotext): a suppressed number never
 * appears.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>
#include <criterion/criterion.h>

#include "helpers.h"
#include "../../reports/chart.h"

#define NNBSP "\xe2\x80\xaf"
#define LONG_LABEL "Sentiment d'appartenance à la communauté locale et " \
	"au territoire vécu au quotidien"

/* Where charts are drawn in the test image: a margin all around. */
#define MX 60
#define MY 50

/* What one rendering gave. */
typedef struct {
	int rc;                /* the chart's return */
	cairo_status_t st;     /* Cairo's status after it */
	long inside;           /* non-white pixels inside the box */
	long outside;          /* non-white pixels outside it */
	long bottom;           /* non-white pixels in its last 12 points */
} render_result;

/* Draw chart `c` with `fn` into a w x h box inset in a white image
 * (1 pixel per point) and count the pixels it changed. */
static render_result render_in(impact__chart_fn fn, const void *c, double w,
                               double h, const char *lang)
{
	int sw = (int)w + 2 * MX, sh = (int)h + 2 * MY, x, y, stride;
	cairo_surface_t *s;
	cairo_t *cr;
	impact__draw d;
	render_result r;
	unsigned char *px;

	memset(&r, 0, sizeof(r));
	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, sw, sh);
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cr_assert_eq(impact__draw_init(&d, cr, lang), 0, "DejaVu Sans?");
	d.unclipped = 1;
	r.rc = fn(&d, MX, MY, w, h, c);
	r.st = cairo_status(cr);
	impact__draw_release(&d);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	px = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	for (y = 0; y < sh; y++)
		for (x = 0; x < sw; x++) {
			unsigned int v = *(unsigned int *)(px + y * stride + 4 * x);
			int in = x >= MX && x < MX + (int)w && y >= MY
			         && y < MY + (int)h;

			if (v == 0xffffffffu)
				continue;
			if (in)
				r.inside++;
			else
				r.outside++;
			if (in && y >= MY + (int)h - 12)
				r.bottom++;
		}
	cairo_surface_destroy(s);
	return r;
}

static render_result render(impact__chart_fn fn, const void *c)
{
	return render_in(fn, c, 480, 220, "fr");
}

/* The chart drew, and only inside its box. */
#define expect_drawn(r, min_ink) do { \
		cr_expect_eq((r).rc, 0, "chart returned %d", (r).rc); \
		cr_expect_eq((r).st, CAIRO_STATUS_SUCCESS, "cairo: %s", \
		             cairo_status_to_string((r).st)); \
		cr_expect_gt((r).inside, (min_ink), "only %ld pixels drawn", \
		             (r).inside); \
		cr_expect_eq((r).outside, 0, "%ld pixels outside the box", \
		             (r).outside); \
	} while (0)

static const impact__chart_text words = {
	"Titre du graphique", "part des répondants, 0–100 %, n = 48",
	"Aucune donnée pour cette période", "non publié (n < 5)"
};

/* ------------------------------------------------------------------ */
/* Primitives and geometry, by hand                                    */
/* ------------------------------------------------------------------ */

/* Relative tolerance, as GSL's gsl_test_rel. */
#define expect_near(a, b, tol) cr_expect(fabs((a) - (b)) <= (tol), \
	"%s = %.9g, expected %.9g", #a, (double)(a), (double)(b))

Test(charts, sequential_endpoints)
{
	impact__rgb c;

	c = impact__sequential(0);
	expect_near(c.r, 0x44 / 255.0, 1e-12);
	expect_near(c.g, 0x01 / 255.0, 1e-12);
	expect_near(c.b, 0x54 / 255.0, 1e-12);
	c = impact__sequential(1);
	expect_near(c.r, 0xfd / 255.0, 1e-12);
	expect_near(c.g, 0xe7 / 255.0, 1e-12);
	expect_near(c.b, 0x25 / 255.0, 1e-12);
	/* Viridis' middle, 21918c, is one of the stops. */
	c = impact__sequential(0.5);
	expect_near(c.r, 0x21 / 255.0, 1e-12);
	expect_near(c.g, 0x91 / 255.0, 1e-12);
	expect_near(c.b, 0x8c / 255.0, 1e-12);
	/* Clamped, and NaN a neutral grey. */
	c = impact__sequential(-3);
	expect_near(c.r, 0x44 / 255.0, 1e-12);
	c = impact__sequential(7);
	expect_near(c.b, 0x25 / 255.0, 1e-12);
	c = impact__sequential(NAN);
	expect_near(c.r, 0xbd / 255.0, 1e-12);
	expect_near(c.g, 0xbd / 255.0, 1e-12);
	/* Luminance rises along the scale: it reads in grey too. */
	{
		double prev = -1, t;

		for (t = 0; t <= 1; t += 0.05) {
			impact__rgb k = impact__sequential(t);
			double l = 0.2126 * k.r + 0.7152 * k.g + 0.0722 * k.b;

			cr_expect_gt(l, prev, "luminance falls at t = %g", t);
			prev = l;
		}
	}
}

Test(charts, palette)
{
	expect_near(impact__c_blue.r, 0x00 / 255.0, 1e-12);
	expect_near(impact__c_blue.g, 0x72 / 255.0, 1e-12);
	expect_near(impact__c_blue.b, 0xb2 / 255.0, 1e-12);
	expect_near(impact__c_vermilion.r, 0xd5 / 255.0, 1e-12);
	expect_near(impact__c_vermilion.g, 0x5e / 255.0, 1e-12);
	/* White text on the blue, ink on the sky blue and the orange. */
	cr_expect_eq(impact__text_on(&impact__c_blue), &impact__c_white);
	cr_expect_eq(impact__text_on(&impact__c_sky), &impact__c_ink);
	cr_expect_eq(impact__text_on(&impact__c_orange), &impact__c_ink);
	cr_expect_eq(impact__group_colour(0), &impact__c_blue);
	cr_expect_eq(impact__group_colour(3), &impact__c_vermilion);
}

Test(charts, nice_steps)
{
	/* 0 to 100 in at most 5 ticks: 0, 25, 50, 75, 100. */
	expect_near(impact__nice_step(100, 5), 25, 1e-12);
	/* 6 ticks allow 20: 0, 20, ..., 100. */
	expect_near(impact__nice_step(100, 6), 20, 1e-12);
	/* A span of 0.1 in 6 ticks: 0.02. */
	expect_near(impact__nice_step(0.1, 6), 0.02, 1e-12);
	/* 7 in 5 ticks: steps of 1 would need 8, steps of 2 need 4.5. */
	expect_near(impact__nice_step(7, 5), 2, 1e-12);
	cr_expect_eq(impact__step_decimals(0.25), 2);
	cr_expect_eq(impact__step_decimals(20), 0);
	cr_expect_eq(impact__step_decimals(0.02), 2);
	cr_expect_eq(impact__step_decimals(2.5), 1);
}

Test(charts, radar_points)
{
	double x, y;

	/* Axis 0 points up: value 1 is the top of the circle. */
	impact__radar_point(100, 100, 50, 0, 4, 1, &x, &y);
	expect_near(x, 100, 1e-9);
	expect_near(y, 50, 1e-9);
	/* Clockwise: axis 1 of 4 points right, half way out. */
	impact__radar_point(100, 100, 50, 1, 4, 0.5, &x, &y);
	expect_near(x, 125, 1e-9);
	expect_near(y, 100, 1e-9);
	impact__radar_point(100, 100, 50, 2, 4, 1, &x, &y);
	expect_near(x, 100, 1e-9);
	expect_near(y, 150, 1e-9);
	impact__radar_point(100, 100, 50, 3, 4, 1, &x, &y);
	expect_near(x, 50, 1e-9);
	expect_near(y, 100, 1e-9);
	/* Axis 1 of 6 is 60 degrees right of the top: (50 cos 30°, -25). */
	impact__radar_point(100, 100, 50, 1, 6, 1, &x, &y);
	expect_near(x, 100 + 25 * sqrt(3), 1e-9);
	expect_near(y, 75, 1e-9);
	/* Values are clamped to [0, 1]; NaN is the centre. */
	impact__radar_point(100, 100, 50, 0, 4, 2.5, &x, &y);
	expect_near(y, 50, 1e-9);
	impact__radar_point(100, 100, 50, 0, 4, NAN, &x, &y);
	expect_near(x, 100, 1e-9);
	expect_near(y, 100, 1e-9);
}

Test(charts, trend_axis_range)
{
	int periods[3] = { 2023, 2024, 2025 };
	double v[3] = { 0.61, 0.62, 0.63 }, lo, hi, step;
	double ones[3] = { 1, 1, 1 };
	double vlo[3] = { 0.45, 0.5, 0.55 }, vhi[3] = { 0.85, 0.88, 0.9 };
	double big[3] = { 0.6, 5.0, 0.62 };
	int sup[3] = { 0, 1, 0 };
	impact__trend t;

	memset(&t, 0, sizeof(t));
	t.n = 3;
	t.periods = periods;
	t.value = v;
	/* Span 0.02 widened to 0.1 around 0.62: 0.57 to 0.67, rounded out
	 * to steps of 0.02: 0.56 to 0.68. */
	cr_assert_eq(impact__trend_range(&t, &lo, &hi, &step), 0);
	expect_near(step, 0.02, 1e-12);
	expect_near(lo, 0.56, 1e-9);
	expect_near(hi, 0.68, 1e-9);
	/* An index of 1 stays within [0, 1]: 0.9 to 1. */
	t.value = ones;
	impact__trend_range(&t, &lo, &hi, &step);
	expect_near(lo, 0.9, 1e-9);
	expect_near(hi, 1.0, 1e-9);
	/* The interval counts: 0.45 to 0.9, steps of 0.1: 0.4 to 0.9. */
	t.value = v;
	t.lo = vlo;
	t.hi = vhi;
	impact__trend_range(&t, &lo, &hi, &step);
	expect_near(step, 0.1, 1e-12);
	expect_near(lo, 0.4, 1e-9);
	expect_near(hi, 0.9, 1e-9);
	/* A suppressed period does not count. */
	t.lo = t.hi = NULL;
	t.value = big;
	t.suppressed = sup;
	impact__trend_range(&t, &lo, &hi, &step);
	cr_expect_lt(hi, 1.0 + 1e-9);
	/* Nothing to show: -1 and 0 to 1. */
	sup[0] = sup[2] = 1;
	cr_expect_eq(impact__trend_range(&t, &lo, &hi, &step), -1);
	expect_near(lo, 0, 1e-12);
	expect_near(hi, 1, 1e-12);
}

Test(charts, projection)
{
	double lon[2] = { 0, 1 }, lat[2] = { 45, 46 };
	double k = cos(45.5 * G_PI / 180);
	impact__projection p;

	/* At 45.5° a degree of longitude is cos(45.5°) = 0.7009 of a
	 * degree of latitude: the fit is set by the height, 100 points per
	 * degree, and the points are centred across. */
	impact__projection_fit(&p, lon, lat, 2, 45.5, 0, 0, 100, 100, 0);
	expect_near(p.k, k, 1e-12);
	expect_near(p.s, 100, 1e-9);
	expect_near(p.ox + p.s * 1 * p.k, 50 + 50 * k, 1e-9);
	expect_near(p.ox + p.s * 0 * p.k, 50 - 50 * k, 1e-9);
	expect_near(p.oy - p.s * 46, 0, 1e-9);
	expect_near(p.oy - p.s * 45, 100, 1e-9);
	/* A margin of 10 leaves 80 points. */
	impact__projection_fit(&p, lon, lat, 2, 45.5, 0, 0, 100, 100, 10);
	expect_near(p.s, 80, 1e-9);
	/* One point: centred, given a span of 0.02 degrees. */
	impact__projection_fit(&p, lon, lat, 1, 45, 0, 0, 100, 100, 0);
	expect_near(p.ox + p.s * 0 * p.k, 50, 1e-9);
	expect_near(p.oy - p.s * 45, 50, 1e-9);
	expect_near(p.s, 100 / 0.02, 1e-6);
}

/* A drawing state on a scratch surface, for measuring. */
static cairo_surface_t *scratch_s;
static cairo_t *scratch_cr;

static void scratch(impact__draw *d, const char *lang)
{
	scratch_s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
	scratch_cr = cairo_create(scratch_s);
	cr_assert_eq(impact__draw_init(d, scratch_cr, lang), 0);
}

static void scratch_end(impact__draw *d)
{
	impact__draw_release(d);
	cairo_destroy(scratch_cr);
	cairo_surface_destroy(scratch_s);
}

Test(charts, numbers_and_text)
{
	char buf[128];
	impact__draw d;
	double w, full;

	scratch(&d, "fr");
	cr_expect_str_eq(impact__format_pct(&d, buf, sizeof(buf), 0.438, 1),
	                 "43,8" NNBSP "%");
	cr_expect_str_eq(impact__format_pct(&d, buf, sizeof(buf), 1, 0),
	                 "100" NNBSP "%");
	cr_expect_str_eq(impact__format_count(&d, buf, sizeof(buf),
	                 "%zu lieux non publiés (n < 5)", 12),
	                 "12 lieux non publiés (n < 5)");
	cr_expect_str_eq(impact__format_count(&d, buf, sizeof(buf),
	                 "%zu lieux, 100 %% %d", 1234),
	                 "1" NNBSP "234 lieux, 100 % %d");
	/* A line longer than its room is ellipsized to it. */
	full = impact__text_width(&d, LONG_LABEL, 8, 0);
	w = impact__text_line(&d, LONG_LABEL, 0, 10, 100, 8, 0,
	                      &impact__c_ink, 0);
	cr_expect_gt(full, 300);
	cr_expect_leq(w, 100);
	cr_expect_gt(w, 80);
	w = impact__text_line(&d, "Santé", 0, 10, 100, 8, 0, &impact__c_ink,
	                      0);
	expect_near(w, impact__text_width(&d, "Santé", 8, 0), 1e-9);
	/* Two lines at most, then an ellipsis: no higher than 2 lines. */
	cr_expect_leq(impact__text_lines_height(&d, LONG_LABEL, 60, 8, 0, 2),
	              2 * impact__line_height(&d, 8, 0) + 0.01);
	cr_expect_gt(impact__text_height(&d, LONG_LABEL, 60, 8, 0),
	             3 * impact__line_height(&d, 8, 0));
	/* Never below 6.5 points. */
	expect_near(impact__line_height(&d, 3, 0),
	            impact__line_height(&d, IMPACT__FONT_MIN, 0), 1e-9);
	scratch_end(&d);
	scratch(&d, "en");
	cr_expect_str_eq(impact__format_pct(&d, buf, sizeof(buf), 0.438, 1),
	                 "43.8%");
	scratch_end(&d);
}

/* ------------------------------------------------------------------ */
/* 1. Radar                                                            */
/* ------------------------------------------------------------------ */

static const char *const domains[10] = {
	"Bien-être psychologique", "Santé", "Usage du temps", "Éducation",
	"Diversité et résilience culturelles", "Bonne gouvernance",
	"Vitalité de la communauté", "Diversité et résilience écologiques",
	"Niveau de vie", LONG_LABEL
};
static const double dom_v[10] = { 0.72, 0.81, 0.55, 0.64, 0.48, 0.39,
                                  0.77, 0.58, 0.69, 0.86 };
static const double dom_ref[10] = { 0.66, 0.78, 0.60, 0.59, 0.52, 0.45,
                                    0.70, 0.62, 0.64, 0.74 };

static impact__radar radar(size_t n)
{
	impact__radar r;

	memset(&r, 0, sizeof(r));
	r.t = words;
	r.n = n;
	r.labels = domains;
	r.values = dom_v;
	r.reference = dom_ref;
	r.series_label = "La Fabrique du Bourg";
	r.reference_label = "Réseau du Val de Lière";
	return r;
}

Test(charts, radar_cases)
{
	impact__radar r = radar(10);
	double nan_v[10], edge[10];
	size_t i;

	expect_drawn(render(impact__chart_radar_fn, &r), 2000);
	expect_drawn(render_in(impact__chart_radar_fn, &r, 480, 320, "fr"),
	             2000);
	expect_drawn(render_in(impact__chart_radar_fn, &r, 300, 300, "en"),
	             2000);
	expect_drawn(render_in(impact__chart_radar_fn, &r, 480, 140, "fr"),
	             800);
	/* Three axes, the smallest radar; no reference. */
	r.n = 3;
	r.reference = NULL;
	expect_drawn(render(impact__chart_radar_fn, &r), 1000);
	/* Missing values: gaps and notes. */
	r = radar(10);
	for (i = 0; i < 10; i++)
		nan_v[i] = i % 3 == 1 ? NAN : dom_v[i];
	r.values = nan_v;
	r.missing_text = "non mesuré";
	expect_drawn(render(impact__chart_radar_fn, &r), 2000);
	for (i = 0; i < 10; i++)
		nan_v[i] = NAN;
	expect_drawn(render(impact__chart_radar_fn, &r), 1000);
	/* Values at 0 and 100 %. */
	for (i = 0; i < 10; i++)
		edge[i] = i % 2 ? 1 : 0;
	r.values = edge;
	r.reference = edge;
	expect_drawn(render(impact__chart_radar_fn, &r), 1500);
	/* The whole unit suppressed. */
	r = radar(10);
	r.suppressed = 1;
	expect_drawn(render(impact__chart_radar_fn, &r), 2000);
	/* One and two axes: bars. */
	r = radar(1);
	expect_drawn(render(impact__chart_radar_fn, &r), 800);
	r = radar(2);
	r.suppressed = 1;
	expect_drawn(render(impact__chart_radar_fn, &r), 800);
	/* Nothing: the title and the message. */
	r = radar(0);
	expect_drawn(render(impact__chart_radar_fn, &r), 500);
	/* Unusable: -1 and nothing drawn. */
	r = radar(5);
	r.values = NULL;
	{
		render_result res = render(impact__chart_radar_fn, &r);

		cr_expect_eq(res.rc, -1);
		cr_expect_eq(res.inside + res.outside, 0);
	}
	/* Percentages instead of shares are refused, not clamped. */
	for (i = 0; i < 10; i++)
		edge[i] = dom_v[i] * 100;
	r = radar(10);
	r.values = edge;
	cr_expect_eq(render(impact__chart_radar_fn, &r).rc, -1);
	r = radar(10);
	r.reference = edge;
	cr_expect_eq(render(impact__chart_radar_fn, &r).rc, -1);
}

/* ------------------------------------------------------------------ */
/* 2. Bars                                                             */
/* ------------------------------------------------------------------ */

/* n rows cycling through the hard cases. */
static impact__bar_row *bar_rows(size_t n)
{
	static const double vals[6] = { 64.2, 0, 100, 48.9, 12.4, 71.5 };
	static char texts[64][32];
	impact__bar_row *rows = calloc(n, sizeof(*rows));
	size_t i;

	cr_assert_not_null(rows);
	for (i = 0; i < n; i++) {
		double v = vals[i % 6];

		rows[i].label = i % 4 == 2 ? LONG_LABEL : domains[i % 9];
		rows[i].value = v;
		rows[i].lo = fmax(v - 6.5, 0);
		rows[i].hi = fmin(v + 7.1, 100);
		rows[i].reference = i % 5 == 3 ? NAN : fmin(v + 5, 100);
		snprintf(texts[i % 64], 32, "%.1f" NNBSP "%%", v);
		rows[i].value_text = texts[i % 64];
		rows[i].suppressed = i % 7 == 4;
		if (i % 6 == 4)
			rows[i].lo = rows[i].hi = NAN;
	}
	return rows;
}

static impact__bars bars(const impact__bar_row *rows, size_t n)
{
	impact__bars b;

	memset(&b, 0, sizeof(b));
	b.t = words;
	b.n = n;
	b.rows = rows;
	b.axis_lo = 0;
	b.axis_hi = 100;
	b.axis_decimals = 0;
	b.axis_unit = NNBSP "%";
	b.legend_value = "La Fabrique du Bourg";
	b.legend_ci = "intervalle de confiance à 95 %";
	b.legend_reference = "Réseau du Val de Lière";
	return b;
}

Test(charts, bars_cases)
{
	impact__bar_row *rows = bar_rows(40), one;
	impact__bars b = bars(rows, 6);
	impact__draw d;
	double h6, h30;

	expect_drawn(render(impact__chart_bars_fn, &b), 2000);
	/* Too many rows for the box: those that fit. */
	b.n = 40;
	expect_drawn(render(impact__chart_bars_fn, &b), 2000);
	/* The height asked for holds every row: the last one is drawn
	 * at the bottom of the box. */
	scratch(&d, "fr");
	b.n = 6;
	h6 = impact__chart_bars_height(&d, 480, &b);
	b.n = 30;
	h30 = impact__chart_bars_height(&d, 480, &b);
	scratch_end(&d);
	cr_expect_gt(h30, h6 + 24 * 15);
	{
		render_result r = render_in(impact__chart_bars_fn, &b, 480, h30,
		                            "fr");

		expect_drawn(r, 5000);
		cr_expect_gt(r.bottom, 20, "the last row is missing");
	}
	/* One row, at 100 % with its interval at the end of the axis. */
	one = rows[2];
	b = bars(&one, 1);
	expect_drawn(render(impact__chart_bars_fn, &b), 800);
	/* Every row suppressed. */
	one.suppressed = 1;
	expect_drawn(render(impact__chart_bars_fn, &b), 500);
	/* A NaN value, no interval, no reference, no value text. */
	one.suppressed = 0;
	one.value = one.lo = one.hi = one.reference = NAN;
	one.value_text = NULL;
	expect_drawn(render(impact__chart_bars_fn, &b), 500);
	/* Another axis: -10 to 10, no unit, no legend. */
	one.value = -4.2;
	one.lo = -9;
	one.hi = 0.5;
	one.value_text = "-4,2";
	b.axis_lo = -10;
	b.axis_hi = 10;
	b.axis_unit = NULL;
	b.legend_value = b.legend_ci = b.legend_reference = NULL;
	expect_drawn(render(impact__chart_bars_fn, &b), 500);
	/* Narrow. */
	b = bars(rows, 6);
	expect_drawn(render_in(impact__chart_bars_fn, &b, 240, 260, "en"),
	             1500);
	/* n = 0. */
	b.n = 0;
	expect_drawn(render(impact__chart_bars_fn, &b), 500);
	/* Unusable axis. */
	b = bars(rows, 6);
	b.axis_hi = b.axis_lo;
	cr_expect_eq(render(impact__chart_bars_fn, &b).rc, -1);
	b.axis_hi = NAN;
	cr_expect_eq(render(impact__chart_bars_fn, &b).rc, -1);
	free(rows);
}

/* ------------------------------------------------------------------ */
/* 3. Groups                                                           */
/* ------------------------------------------------------------------ */

static impact__groups groups(const impact__group_bar *g, size_t n)
{
	impact__groups c;

	memset(&c, 0, sizeof(c));
	c.t = words;
	c.n = n;
	c.bars = g;
	c.group_labels[0] = "profondément heureux";
	c.group_labels[1] = "largement heureux";
	c.group_labels[2] = "étroitement heureux";
	c.group_labels[3] = "pas encore heureux";
	return c;
}

Test(charts, groups_cases)
{
	impact__group_bar g[20];
	impact__groups c;
	impact__draw d;
	size_t i;

	for (i = 0; i < 20; i++) {
		g[i].label = i % 5 == 1 ? LONG_LABEL : domains[i % 9];
		g[i].share[0] = 0.05 * (double)(i % 5);
		g[i].share[1] = 0.3;
		g[i].share[2] = 0.25;
		g[i].share[3] = 0.45 - g[i].share[0];
		g[i].n = 20 + (long)i * 7;
		g[i].suppressed = 0;
	}
	g[3].n = 3;                  /* suppressed by its n */
	g[6].suppressed = 1;
	g[7].share[0] = 1;           /* 100 % in one group */
	g[7].share[1] = g[7].share[2] = g[7].share[3] = 0;
	g[8].n = -1;                 /* n not shown */
	c = groups(g, 11);
	expect_drawn(render(impact__chart_groups_fn, &c), 3000);
	c.n = 20;
	expect_drawn(render(impact__chart_groups_fn, &c), 3000);
	scratch(&d, "fr");
	{
		double h = impact__chart_groups_height(&d, 480, &c);
		render_result r;

		scratch_end(&d);
		r = render_in(impact__chart_groups_fn, &c, 480, h, "fr");
		expect_drawn(r, 3000);
		cr_expect_gt(r.bottom, 20, "the axis under the bars is missing");
	}
	c.n = 1;
	expect_drawn(render(impact__chart_groups_fn, &c), 1500);
	c.bars = &g[6];
	expect_drawn(render(impact__chart_groups_fn, &c), 500);
	c = groups(g, 0);
	expect_drawn(render(impact__chart_groups_fn, &c), 500);
	/* Shares that cannot be drawn. */
	g[0].share[2] = NAN;
	c = groups(g, 2);
	cr_expect_eq(render(impact__chart_groups_fn, &c).rc, -1);
	g[0].share[2] = -0.3;
	cr_expect_eq(render(impact__chart_groups_fn, &c).rc, -1);
	g[0].share[0] = g[0].share[1] = g[0].share[2] = g[0].share[3] = 0;
	cr_expect_eq(render(impact__chart_groups_fn, &c).rc, -1);
}

/* ------------------------------------------------------------------ */
/* 4. Contributions                                                    */
/* ------------------------------------------------------------------ */

Test(charts, contributions_cases)
{
	double share[10] = { 0.082, 0.061, 0.155, 0.118, 0.132, 0.171, 0.048,
	                     0.097, 0.089, 0.047 };
	double ref[10] = { 0.09, 0.07, 0.14, NAN, 0.12, 0.16, 0.06, 0.10,
	                   0.08, 0.07 };
	double all[1] = { 1 };
	impact__contrib c;

	memset(&c, 0, sizeof(c));
	c.t = words;
	c.n = 10;
	c.labels = domains;
	c.share = share;
	c.reference = ref;
	c.legend_value = "La Fabrique du Bourg";
	c.legend_reference = "Réseau du Val de Lière";
	expect_drawn(render(impact__chart_contributions_fn, &c), 2000);
	expect_drawn(render_in(impact__chart_contributions_fn, &c, 480, 120,
	                       "fr"), 1000);
	c.reference = NULL;
	expect_drawn(render(impact__chart_contributions_fn, &c), 2000);
	/* One domain holding 100 %, with the long label. */
	c.n = 1;
	c.labels = &domains[9];
	c.share = all;
	expect_drawn(render(impact__chart_contributions_fn, &c), 500);
	c.n = 0;
	expect_drawn(render(impact__chart_contributions_fn, &c), 500);
	c.n = 1;
	all[0] = NAN;
	cr_expect_eq(render(impact__chart_contributions_fn, &c).rc, -1);
}

/* ------------------------------------------------------------------ */
/* 5. Trend                                                            */
/* ------------------------------------------------------------------ */

Test(charts, trend_cases)
{
	int periods[8] = { 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025 };
	double v[8] = { 0.55, 0.571, 0.584, 0.603, 0.611, 0.629, 0.641, 0.65 };
	double lo[8], hi[8], ref[8];
	int sup[8] = { 0 }, all[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	impact__trend t;
	size_t i;

	for (i = 0; i < 8; i++) {
		lo[i] = v[i] - 0.02;
		hi[i] = v[i] + 0.021;
		ref[i] = i == 2 ? NAN : v[i] - 0.03;
	}
	memset(&t, 0, sizeof(t));
	t.t = words;
	t.n = 8;
	t.periods = periods;
	t.value = v;
	t.lo = lo;
	t.hi = hi;
	t.reference = ref;
	t.decimals = 3;
	t.series_label = "La Fabrique du Bourg";
	t.reference_label = "Réseau du Val de Lière";
	t.band_label = "intervalle de confiance à 95 %";
	expect_drawn(render(impact__chart_trend_fn, &t), 2000);
	/* Suppressed periods: gaps, and an isolated period's whisker. */
	sup[2] = sup[4] = 1;
	t.suppressed = sup;
	expect_drawn(render(impact__chart_trend_fn, &t), 2000);
	/* NaN bounds: no band there. */
	lo[6] = NAN;
	expect_drawn(render(impact__chart_trend_fn, &t), 2000);
	/* One period. */
	t.n = 1;
	t.periods = &periods[7];
	t.value = &v[7];
	t.lo = &lo[7];
	t.hi = &hi[7];
	t.reference = &ref[7];
	t.suppressed = NULL;
	expect_drawn(render(impact__chart_trend_fn, &t), 800);
	expect_drawn(render_in(impact__chart_trend_fn, &t, 200, 150, "en"),
	             500);
	/* Everything suppressed. */
	t.n = 8;
	t.periods = periods;
	t.value = v;
	t.lo = t.hi = NULL;
	t.reference = NULL;
	t.suppressed = all;
	expect_drawn(render(impact__chart_trend_fn, &t), 800);
	/* At the ends of [0, 1]. */
	t.suppressed = NULL;
	v[0] = 0;
	v[7] = 1;
	expect_drawn(render(impact__chart_trend_fn, &t), 1500);
	t.n = 0;
	expect_drawn(render(impact__chart_trend_fn, &t), 500);
	/* Periods out of order. */
	t.n = 8;
	periods[3] = 2030;
	cr_expect_eq(render(impact__chart_trend_fn, &t).rc, -1);
}

/* ------------------------------------------------------------------ */
/* 6. Places compared                                                  */
/* ------------------------------------------------------------------ */

/* n places, their values spread in [0.35, 0.8], a few suppressed. */
static impact__place_point *places(size_t n)
{
	static char names[300][64];
	impact__place_point *p = calloc(n, sizeof(*p));
	size_t i;

	cr_assert_not_null(p);
	for (i = 0; i < n; i++) {
		double v = 0.35 + 0.45 * (double)((i * 37) % 101) / 100;

		snprintf(names[i % 300], 64, "Tiers-lieu n°%zu de Saint-Éloi", i);
		p[i].label = i == 1 ? LONG_LABEL : names[i % 300];
		p[i].value = v;
		p[i].lo = v - 0.05;
		p[i].hi = v + 0.05;
		p[i].n = 10 + (long)(i % 40);
		p[i].suppressed = i % 23 == 5;
	}
	return p;
}

static impact__compare compare(const impact__place_point *p, size_t n)
{
	impact__compare c;

	memset(&c, 0, sizeof(c));
	c.t = words;
	c.n = n;
	c.places = p;
	c.reference = 0.612;
	c.reference_label = "Réseau";
	c.axis_lo = 0.3;
	c.axis_hi = 0.85;
	c.decimals = 3;
	c.suppressed_count_fmt = "%zu lieux non publiés (n < 5)";
	c.top_label = "les 5 plus hauts";
	c.bottom_label = "les 5 plus bas";
	c.count_label = "nombre de lieux";
	return c;
}

Test(charts, compare_cases)
{
	impact__place_point *p = places(300);
	impact__compare c = compare(p, 12);
	impact__draw d;

	expect_drawn(render(impact__chart_compare_fn, &c), 2000);
	/* The height of the dot form holds every row. */
	scratch(&d, "fr");
	c.n = 25;
	{
		double h = impact__chart_compare_height(&d, 480, &c);

		scratch_end(&d);
		expect_drawn(render_in(impact__chart_compare_fn, &c, 480, h,
		                       "fr"), 3000);
	}
	/* One place, no reference, axis from the data. */
	c.n = 1;
	c.reference = NAN;
	c.axis_lo = c.axis_hi = NAN;
	expect_drawn(render(impact__chart_compare_fn, &c), 500);
	/* Hundreds: the distribution form, wide and narrow. */
	c = compare(p, 300);
	expect_drawn(render(impact__chart_compare_fn, &c), 3000);
	expect_drawn(render_in(impact__chart_compare_fn, &c, 300, 320, "en"),
	             3000);
	/* Values at the ends of the axis and beyond it. */
	p[0].value = 0.3;
	p[2].value = 0.85;
	p[3].value = 2;
	c.n = 8;
	expect_drawn(render(impact__chart_compare_fn, &c), 1500);
	/* Everything suppressed. */
	{
		impact__place_point q[3];

		memcpy(q, p, sizeof(q));
		q[0].suppressed = q[1].suppressed = 1;
		q[2].n = 2;
		c = compare(q, 3);
		expect_drawn(render(impact__chart_compare_fn, &c), 500);
	}
	c = compare(p, 0);
	expect_drawn(render(impact__chart_compare_fn, &c), 500);
	free(p);
}

/* ------------------------------------------------------------------ */
/* 7. Map and GeoJSON                                                  */
/* ------------------------------------------------------------------ */

static const char *const outlines_json =
	"{\"type\": \"FeatureCollection\", \"features\": ["
	" {\"type\": \"Feature\", \"properties\": {\"nom\": \"Coteaux\"},"
	"  \"geometry\": {\"type\": \"Polygon\", \"coordinates\": ["
	"   [[0.50, 47.20], [0.78, 47.16], [0.83, 47.33], [0.52, 47.40],"
	"    [0.50, 47.20]],"
	"   [[0.60, 47.25], [0.65, 47.25], [0.65, 47.28], [0.60, 47.25]]]}},"
	" {\"type\": \"Feature\", \"properties\": {},"
	"  \"geometry\": {\"type\": \"MultiPolygon\", \"coordinates\": ["
	"   [[[0.78, 47.16], [1.05, 47.18], [1.10, 47.36], [0.78, 47.16]]],"
	"   [[[1.12, 47.50], [1.18, 47.50], [1.18, 47.55], [1.12, 47.50]]]]}},"
	" {\"type\": \"Feature\", \"properties\": {},"
	"  \"geometry\": {\"type\": \"Point\", \"coordinates\": [0.7, 47.3]}},"
	" {\"type\": \"Feature\", \"properties\": {}, \"geometry\": null}"
	"]}";

Test(charts, geojson_parse)
{
	impact__geo *g = NULL;
	size_t polys, rings, points;
	char err[256];

	cr_assert_eq(impact__geojson_parse(outlines_json,
	                                   strlen(outlines_json), &g, err,
	                                   sizeof(err)), 0, "%s", err);
	impact__geo_counts(g, &polys, &rings, &points);
	/* The Polygon with its hole, the MultiPolygon's two polygons; the
	 * Point and the null geometry are ignored. */
	cr_expect_eq(polys, 3);
	cr_expect_eq(rings, 4);
	cr_expect_eq(points, 5 + 4 + 4 + 4);
	impact__geojson_free(g);
	impact__geojson_free(NULL);
}

Test(charts, geojson_errors)
{
	static const char broken[] =
		"{\"type\": \"FeatureCollection\",\n"
		" \"features\": [\n"
		"  {\"type\": \"Feature\", \"geometry\": [1, ]}\n"
		"]}";
	static const char lambert[] =
		"{\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\","
		" \"coordinates\": [[[652341, 6862275], [652400, 6862300],"
		" [652500, 6862100], [652341, 6862275]]]}}";
	static const char bad_ring[] =
		"{\"type\": \"FeatureCollection\", \"features\": ["
		" {\"type\": \"Feature\", \"geometry\": null},"
		" {\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\","
		" \"coordinates\": [[[0, 45], [1, \"x\"], [1, 46]]]}}]}";
	impact__geo *g = NULL;
	char err[512];

	/* jansson's line and column, first. */
	cr_expect_eq(impact__geojson_parse(broken, strlen(broken), &g, err,
	                                   sizeof(err)), -1);
	cr_expect_null(g);
	cr_expect_eq(strncmp(err, "3:", 2), 0, "%s", err);
	cr_expect_not_null(strstr(err, "invalid JSON"), "%s", err);
	/* Projected coordinates are named as such. */
	cr_expect_eq(impact__geojson_parse(lambert, strlen(lambert), &g, err,
	                                   sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "WGS84"), "%s", err);
	cr_expect_not_null(strstr(err, "Lambert-93"), "%s", err);
	/* Which feature, which position. */
	cr_expect_eq(impact__geojson_parse(bad_ring, strlen(bad_ring), &g,
	                                   err, sizeof(err)), -1);
	cr_expect_eq(strncmp(err, "feature 2: ", 11), 0, "%s", err);
	cr_expect_not_null(strstr(err, "position 2"), "%s", err);
	cr_expect_eq(impact__geojson_parse("[1, 2]", 6, &g, err, sizeof(err)),
	             -1);
	cr_expect_null(g);
	cr_expect_eq(impact__geojson_parse("", 0, &g, NULL, 0), -1);
}

Test(charts, map_cases)
{
	static const char *const names[10] = {
		"La Fabrique du Bourg", "Le Café de la Gare", "L'Atelier partagé",
		"Tiers-lieu des Coteaux", "La Ruche numérique", LONG_LABEL,
		"Cuisine partagée Saint-Éloi", "Espace de coworking La Plaine",
		"Le Grenier à projets", "Ferme-atelier des Trois Chênes"
	};
	impact__map_point pts[300];
	impact__geo *g = NULL;
	impact__map m;
	size_t i;

	cr_assert_eq(impact__geojson_parse(outlines_json,
	                                   strlen(outlines_json), &g, NULL,
	                                   0), 0);
	for (i = 0; i < 300; i++) {
		pts[i].label = names[i % 10];
		pts[i].lat = 47.18 + 0.3 * (double)((i * 37) % 101) / 100;
		pts[i].lon = 0.52 + 0.55 * (double)((i * 53) % 103) / 102;
		pts[i].value = 0.4 + 0.35 * (double)((i * 17) % 29) / 28;
		pts[i].suppressed = i % 11 == 3;
	}
	pts[4].value = NAN;
	pts[7].lat = NAN;            /* no coordinates */
	pts[8].lat = pts[8].lon = 0; /* no coordinates either */
	memset(&m, 0, sizeof(m));
	m.t = words;
	m.n = 10;
	m.points = pts;
	m.outlines = g;
	m.vmin = 0.4;
	m.vmax = 0.75;
	m.decimals = 3;
	m.value_label = "IBB 2025";
	m.missing_fmt = "%zu lieux sans coordonnées";
	expect_drawn(render(impact__chart_map_fn, &m), 3000);
	expect_drawn(render_in(impact__chart_map_fn, &m, 260, 300, "en"),
	             3000);
	/* Hundreds of places, the scale from the data. */
	m.n = 300;
	m.vmin = m.vmax = NAN;
	expect_drawn(render(impact__chart_map_fn, &m), 3000);
	/* One place, no outlines. */
	m.n = 1;
	m.outlines = NULL;
	expect_drawn(render(impact__chart_map_fn, &m), 800);
	/* Every place suppressed. */
	for (i = 0; i < 10; i++)
		pts[i].suppressed = 1;
	m.n = 10;
	expect_drawn(render(impact__chart_map_fn, &m), 800);
	/* No place has coordinates: the note. */
	for (i = 0; i < 10; i++)
		pts[i].lat = NAN;
	expect_drawn(render(impact__chart_map_fn, &m), 500);
	/* Only outlines. */
	m.n = 0;
	m.outlines = g;
	expect_drawn(render(impact__chart_map_fn, &m), 800);
	m.outlines = NULL;
	expect_drawn(render(impact__chart_map_fn, &m), 500);
	impact__geojson_free(g);
}

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

/* The first n bytes of a file into buf (NUL-terminated). */
static void head(const char *path, char *buf, size_t n)
{
	FILE *fp = fopen(path, "rb");
	size_t got;

	cr_assert_not_null(fp, "%s", path);
	got = fread(buf, 1, n, fp);
	buf[got] = '\0';
	fclose(fp);
}

/* Entries in dir besides . and .. */
static int entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(dp);
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

/* A chart that refuses its data. */
static int refuse(impact__draw *d, double x, double y, double w, double h,
                  const void *chart)
{
	(void)d, (void)x, (void)y, (void)w, (void)h, (void)chart;
	return -1;
}

Test(charts, write_files)
{
	const char *dir = t_tmpdir();
	impact__radar r = radar(10);
	cairo_surface_t *png;
	char path[512], err[512], buf[16];
	struct stat st;

	snprintf(path, sizeof(path), "%s/radar.png", dir);
	cr_assert_eq(impact__chart_write(path, NULL, 480, 220, "fr",
	                                 impact__chart_radar_fn, &r, err,
	                                 sizeof(err)), 0, "%s", err);
	png = cairo_image_surface_create_from_png(path);
	cr_assert_eq(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
	cr_expect_eq(cairo_image_surface_get_width(png), 960);
	cr_expect_eq(cairo_image_surface_get_height(png), 440);
	cairo_surface_destroy(png);
	/* The format from the argument, whatever the extension. */
	snprintf(path, sizeof(path), "%s/radar.out", dir);
	cr_assert_eq(impact__chart_write(path, "svg", 480, 220, "fr",
	                                 impact__chart_radar_fn, &r, err,
	                                 sizeof(err)), 0, "%s", err);
	head(path, buf, 5);
	cr_expect_str_eq(buf, "<?xml");
	snprintf(path, sizeof(path), "%s/radar.PDF", dir);
	cr_assert_eq(impact__chart_write(path, NULL, 480, 220, "en",
	                                 impact__chart_radar_fn, &r, err,
	                                 sizeof(err)), 0, "%s", err);
	head(path, buf, 5);
	cr_expect_str_eq(buf, "%PDF-");
	cr_expect_eq(entries(dir), 3, "a temporary file was left");
	/* A missing folder: -1, the path in the message, no file. */
	snprintf(path, sizeof(path), "%s/nope/radar.png", dir);
	cr_expect_eq(impact__chart_write(path, NULL, 480, 220, "fr",
	                                 impact__chart_radar_fn, &r, err,
	                                 sizeof(err)), -1);
	cr_expect_not_null(strstr(err, path), "%s", err);
	cr_expect_not_null(strstr(err, "No such file"), "%s", err);
	cr_expect_neq(stat(path, &st), 0);
	/* Unusable data: -1, and the file that was there is untouched. */
	snprintf(path, sizeof(path), "%s/radar.png", dir);
	cr_expect_eq(impact__chart_write(path, NULL, 480, 220, "fr", refuse,
	                                 &r, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, path), "%s", err);
	png = cairo_image_surface_create_from_png(path);
	cr_expect_eq(cairo_image_surface_get_width(png), 960);
	cairo_surface_destroy(png);
	cr_expect_eq(entries(dir), 3, "a temporary file was left");
	/* Unknown format, bad size. */
	snprintf(path, sizeof(path), "%s/radar.gif", dir);
	cr_expect_eq(impact__chart_write(path, NULL, 480, 220, "fr",
	                                 impact__chart_radar_fn, &r, err,
	                                 sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "png, svg or pdf"), "%s", err);
	cr_expect_eq(impact__chart_write(path, "png", 0, 220, "fr",
	                                 impact__chart_radar_fn, &r, NULL, 0),
	             -1);
	cr_expect_eq(entries(dir), 3);
	t_rmtree(dir);
}

/* ------------------------------------------------------------------ */
/* Disclosure control, read back from PDF text                          */
/* ------------------------------------------------------------------ */

/* The text of a PDF as pdftotext gives it (static buffer). */
static const char *pdf_text(const char *pdf)
{
	static char text[65536];
	char cmd[1024];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "pdftotext -raw '%s' -", pdf);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(text, 1, sizeof(text) - 1, p);
	text[n] = '\0';
	cr_assert_eq(pclose(p), 0, "pdftotext failed on %s", pdf);
	return text;
}

/* Write chart `c` to dir/name as a PDF and return its text. */
static const char *chart_text(const char *dir, const char *name,
                              impact__chart_fn fn, const void *c)
{
	char path[512], err[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_eq(impact__chart_write(path, "pdf", 480, 260, "fr", fn, c,
	                                 err, sizeof(err)), 0, "%s", err);
	return pdf_text(path);
}

Test(charts, suppressed_numbers_never_printed)
{
	const char *dir = t_tmpdir(), *text;
	impact__bar_row rows[2];
	impact__group_bar g[2] = {
		{ "Le Café de la Gare", { 0.111, 0.222, 0.333, 0.334 }, 40, 0 },
		{ "L'Atelier partagé", { 0.987, 0.01, 0.002, 0.001 }, 3, 0 }
	};
	impact__place_point p[3] = {
		{ "La Fabrique du Bourg", 0.641, 0.6, 0.68, 40, 0 },
		{ "Lieu secret", 0.777, 0.7, 0.85, 4, 0 },
		{ "Autre lieu caché", 0.555, 0.5, 0.6, 30, 1 }
	};
	int periods[3] = { 2023, 2024, 2025 }, sup[3] = { 0, 1, 0 };
	double tv[3] = { 0.611, 0.987, 0.633 };
	double rv[4] = { 0.93, 0.91, 0.92, 0.94 };
	impact__bars b;
	impact__groups gc = groups(g, 2);
	impact__compare cc = compare(p, 3);
	impact__trend t;
	impact__radar r = radar(4);

	rows[0] = (impact__bar_row){ "Se sentent moins isolés", 64.2, 58, 70,
	                             NAN, "64,2 %", 0 };
	rows[1] = (impact__bar_row){ "Ont trouvé un emploi", 88.8, 80, 95,
	                             NAN, "88,8 %", 1 };
	b = bars(rows, 2);
	text = chart_text(dir, "bars.pdf", impact__chart_bars_fn, &b);
	cr_expect_not_null(strstr(text, "64,2"), "%s", text);
	cr_expect_null(strstr(text, "88,8"), "%s", text);
	cr_expect_not_null(strstr(text, "non publié"), "%s", text);

	text = chart_text(dir, "groups.pdf", impact__chart_groups_fn, &gc);
	cr_expect_not_null(strstr(text, "33,3"), "%s", text);
	cr_expect_null(strstr(text, "98,7"), "%s", text);
	cr_expect_not_null(strstr(text, "non publié"), "%s", text);

	text = chart_text(dir, "compare.pdf", impact__chart_compare_fn, &cc);
	cr_expect_not_null(strstr(text, "0,641"), "%s", text);
	cr_expect_null(strstr(text, "0,777"), "%s", text);
	cr_expect_null(strstr(text, "secret"), "%s", text);
	cr_expect_null(strstr(text, "0,555"), "%s", text);
	cr_expect_not_null(strstr(text, "2 lieux non publiés"), "%s", text);

	memset(&t, 0, sizeof(t));
	t.t = words;
	t.n = 3;
	t.periods = periods;
	t.value = tv;
	t.suppressed = sup;
	t.decimals = 3;
	t.series_label = "IBB";
	text = chart_text(dir, "trend.pdf", impact__chart_trend_fn, &t);
	cr_expect_not_null(strstr(text, "0,633"), "%s", text);
	cr_expect_null(strstr(text, "0,987"), "%s", text);

	r.values = rv;
	r.reference = NULL;
	r.suppressed = 1;
	text = chart_text(dir, "radar.pdf", impact__chart_radar_fn, &r);
	cr_expect_null(strstr(text, "93"), "%s", text);
	cr_expect_null(strstr(text, "91"), "%s", text);
	cr_expect_not_null(strstr(text, "non publié"), "%s", text);
	t_rmtree(dir);
}

/* ------------------------------------------------------------------ */
/* The safety net                                                      */
/* ------------------------------------------------------------------ */

/* Draw with the clip on (the default) into a small box; count what
 * leaks out, and check the Cairo state is given back as it was. */
static long clipped_outside(impact__chart_fn fn, const void *c, double w,
                            double h)
{
	cairo_surface_t *s;
	cairo_t *cr;
	impact__draw d;
	unsigned char *px;
	long out = 0;
	int x, y, stride, sw = (int)w + 2 * MX, sh = (int)h + 2 * MY;
	double r, g, b, a;

	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, sw, sh);
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_line_width(cr, 3.25);
	cairo_set_source_rgba(cr, 0.1, 0.2, 0.3, 1);
	cr_assert_eq(impact__draw_init(&d, cr, "fr"), 0);
	cr_expect_eq(fn(&d, MX, MY, w, h, c), 0);
	cr_expect_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	expect_near(cairo_get_line_width(cr), 3.25, 1e-12);
	cr_expect_eq(cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b,
	                                    &a), CAIRO_STATUS_SUCCESS);
	expect_near(b, 0.3, 1e-12);
	impact__draw_release(&d);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	px = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	for (y = 0; y < sh; y++)
		for (x = 0; x < sw; x++)
			if (!(x >= MX && x < MX + (int)w && y >= MY
			      && y < MY + (int)h)
			    && *(unsigned int *)(px + y * stride + 4 * x)
			       != 0xffffffffu)
				out++;
	cairo_surface_destroy(s);
	return out;
}

Test(charts, tiny_boxes_stay_inside)
{
	impact__radar r = radar(10);
	impact__bar_row *rows = bar_rows(12);
	impact__bars b = bars(rows, 12);
	impact__place_point *p = places(300);
	impact__compare c = compare(p, 300);

	cr_expect_eq(clipped_outside(impact__chart_radar_fn, &r, 90, 40), 0);
	cr_expect_eq(clipped_outside(impact__chart_bars_fn, &b, 90, 40), 0);
	cr_expect_eq(clipped_outside(impact__chart_compare_fn, &c, 90, 40),
	             0);
	cr_expect_eq(clipped_outside(impact__chart_radar_fn, &r, 480, 220),
	             0);
	free(rows);
	free(p);
}

/* Draw "x" (which brings the context in line with the target) and then
 * LONG_LABEL wrapped in 150 points on a new 240 x 80 white image, with
 * cache c (or none); the layout LONG_LABEL was drawn from into *used
 * (when not NULL), and the image's pixels into px (240 * 80 * 4). */
static void draw_label(impact__text_cache *c, double width,
                       PangoLayout **used, unsigned char *px)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
	                                                240, 80);
	cairo_t *cr = cairo_create(s);
	impact__draw d;
	int y;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cr_assert_eq(impact__draw_init(&d, cr, "fr"), 0);
	d.cache = c;
	impact__text(&d, "x", 2, 2, -1, 8, 0, &impact__c_ink,
	             PANGO_ALIGN_LEFT);
	impact__text(&d, LONG_LABEL, 10, 14, width, 10, 0, &impact__c_ink,
	             PANGO_ALIGN_LEFT);
	if (used)
		*used = d.layout;
	impact__draw_release(&d);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	for (y = 0; y < 80; y++)
		memcpy(px + y * 240 * 4, cairo_image_surface_get_data(s)
		       + y * cairo_image_surface_get_stride(s), 240 * 4);
	cairo_surface_destroy(s);
}

/* A text cache shared by two drawings: the second draws the label from
 * the first's layout (not shaped again), and both images are, pixel for
 * pixel, the one drawn without a cache; another width is another
 * layout. */
Test(charts, text_cache_draws_the_same)
{
	static unsigned char a[240 * 80 * 4], b[240 * 80 * 4],
	                     none[240 * 80 * 4], other[240 * 80 * 4];
	impact__text_cache *c = impact__text_cache_new();
	PangoLayout *la = NULL, *lb = NULL, *lo = NULL;
	size_t i, dark = 0;

	cr_assert_not_null(c);
	draw_label(NULL, 150, NULL, none);
	draw_label(c, 150, &la, a);
	draw_label(c, 150, &lb, b);
	draw_label(c, 120, &lo, other);
	cr_expect_eq(la, lb, "the second drawing used the cached layout");
	cr_expect_neq(lo, la, "another width, another layout");
	cr_expect_eq(memcmp(a, none, sizeof(a)), 0);
	cr_expect_eq(memcmp(b, none, sizeof(b)), 0);
	cr_expect_neq(memcmp(other, none, sizeof(other)), 0);
	for (i = 0; i < sizeof(a); i += 4)
		dark += a[i] < 128;
	cr_expect_gt(dark, 100, "the label is drawn");
	impact__text_cache_free(c);
}
