/*
 * reports/chart_bars.c: the charts made of rows: indicators as bars with
 * whiskers, the happiness groups as 100 % stacked bars, the contributions
 * of the domains, and the places compared (dots and whiskers, or a
 * distribution when there are many).
 *
 * Every row chart has the same skeleton: a label column on the left
 * (labels wrap to two lines, then are ellipsized), the plot in the
 * middle, and for bars a column of values on the right, so that no value
 * ever collides with a whisker or a marker, even at 100 %.  A row's
 * height comes from its label; rows_fit() decides how much room each row
 * gets in the box, stretching rows a little when there is room and
 * falling back to one-line labels when there is not.  See reports/chart.c
 * for the shared title block and reports/chart.h for the contracts.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impact/common.h"
#include "impact/reports.h"
#include "chart.h"

#define PAD IMPACT__CHART_PAD
#define BAR_H 9.0          /* bar thickness in a bar chart */
#define ROW_PAD 3.5        /* above and below a row's content */
#define COL_GAP 10.0       /* between the label column and the plot */
#define LABEL_SHARE 0.38   /* widest label column, share of the width */
#define INSET 3.0          /* text from the edge of a zebra row */

/* ------------------------------------------------------------------ */
/* Axes                                                                */
/* ------------------------------------------------------------------ */

/* Ticks of a value axis. */
typedef struct {
	double first, step;  /* first tick and spacing */
	int n;               /* how many */
	int decimals;        /* of their labels */
	const char *unit;    /* after their labels, or NULL */
} ticks;

/* Label of tick value v into buf. */
static const char *tick_text(impact__draw *d, const ticks *t, double v,
                             char *buf, size_t size)
{
	char num[IMPACT_NUMBER_MAX];

	impact__format(d, num, sizeof(num), v, t->decimals);
	snprintf(buf, size, "%s%s", num, t->unit ? t->unit : "");
	return buf;
}

/*
 * Choose ticks over [lo, hi] for a plot `plot_w` wide: a nice step, no
 * finer than `decimals` can print, and few enough for the labels not to
 * touch.  Labels have `decimals` decimals when `exact`, else only those
 * the step needs.
 */
static void ticks_choose(impact__draw *d, ticks *t, double lo, double hi,
                         int decimals, int exact, const char *unit,
                         double plot_w)
{
	char buf[IMPACT_NUMBER_MAX + 32];
	double min_step;
	int max = 6, k;

	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	t->decimals = decimals;
	t->unit = unit;
	min_step = pow(10, -decimals);
	for (;;) {
		double wmax = 0;

		t->step = fmax(impact__nice_step(hi - lo, max), min_step);
		t->first = ceil(lo / t->step - 1e-9) * t->step;
		t->n = (int)floor((hi - t->first) / t->step + 1e-9) + 1;
		if (t->n < 1)
			t->n = 1;
		for (k = 0; k < t->n; k++)
			wmax = fmax(wmax, impact__text_width(
			            d, tick_text(d, t, t->first + k * t->step,
			                         buf, sizeof(buf)),
			            IMPACT__SIZE_TICK, 0));
		if (max <= 2 || (double)t->n * (wmax + 8) <= plot_w)
			break;
		max--;
	}
	/* Unless the caller's decimals are asked for, no more than the
	 * step needs: 0,4 and not 0,400. */
	if (!exact && impact__step_decimals(t->step) < t->decimals)
		t->decimals = impact__step_decimals(t->step);
}

/* x of value v on the axis [lo, hi] drawn from x0 to x1, clamped. */
static double scale(double v, double lo, double hi, double x0, double x1)
{
	double f = (v - lo) / (hi - lo);

	if (!(f > 0))
		f = 0;
	if (f > 1)
		f = 1;
	return x0 + f * (x1 - x0);
}

/*
 * Tick labels of an axis [lo, hi] drawn from px0 to px1, centred on their
 * ticks at height cy but kept between bx0 and bx1; a label that would
 * touch the previous one is left out.
 */
static void ticks_labels(impact__draw *d, const ticks *t, double lo,
                         double hi, double px0, double px1, double bx0,
                         double bx1, double cy)
{
	char buf[IMPACT_NUMBER_MAX + 32];
	double last = -INFINITY;
	int k;

	for (k = 0; k < t->n; k++) {
		double v = t->first + k * t->step;
		double tw, tx;

		tick_text(d, t, v, buf, sizeof(buf));
		tw = impact__text_width(d, buf, IMPACT__SIZE_TICK, 0);
		tx = scale(v, lo, hi, px0, px1) - tw / 2;
		tx = fmax(bx0, fmin(tx, bx1 - tw));
		if (tx < last + 4)
			continue;
		impact__text_line(d, buf, tx, cy, 0, IMPACT__SIZE_TICK, 0,
		                  &impact__c_grey, 0);
		last = tx + tw;
	}
}

/* Vertical grid lines at the ticks from y0 to y1, the origin darker. */
static void ticks_grid(impact__draw *d, const ticks *t, double lo,
                       double hi, double px0, double px1, double y0,
                       double y1)
{
	int k;

	for (k = 0; k < t->n; k++) {
		double v = t->first + k * t->step;
		double gx = scale(v, lo, hi, px0, px1);
		int origin = fabs(v) < t->step / 1000;

		impact__line(d, gx, y0, gx, y1, origin ? 0.8 : 0.5,
		             origin ? &impact__c_rule : &impact__c_grid, 0);
	}
}

/* Width of the label column for labels as wide as `natural` at most in a
 * box `bw` wide: what they need, within 40 points and LABEL_SHARE. */
static double label_column(double natural, double bw)
{
	return fmax(fmin(natural + 1, LABEL_SHARE * bw), fmin(40, bw / 4));
}

/* ------------------------------------------------------------------ */
/* 2. Bars                                                             */
/* ------------------------------------------------------------------ */

/* The layout of a bar chart, x relative to the inner box. */
typedef struct {
	impact__legend_item items[4];  /* legend entries */
	double head_h;       /* title block */
	double legend_h;     /* legend and its gap */
	double axis_h;       /* tick labels row */
	double label_w;      /* label column */
	double value_w;      /* value column, 0 when no value text */
	double px0, px1;     /* plot */
	ticks tk;            /* ticks */
} bars_geo;

/* Whether row r has a value to draw. */
static int bar_shown(const impact__bar_row *r)
{
	return !r->suppressed && isfinite(r->value);
}

/* Height of row r with a label column `label_w` wide. */
static double bar_row_h(impact__draw *d, const impact__bar_row *r,
                        double label_w)
{
	double lh = impact__text_lines_height(d, r->label, label_w,
	                                      IMPACT__SIZE_LABEL, 0, 2);

	return fmax(lh, BAR_H + 4) + 2 * ROW_PAD;
}

/* Measure a bar chart `w` wide into g. */
static void bars_geometry(impact__draw *d, double w, const impact__bars *c,
                          bars_geo *g)
{
	double bw = w - 2 * PAD, natural = 0, half_last;
	char buf[IMPACT_NUMBER_MAX + 32];
	int any_ci = 0, any_ref = 0, any_sup = 0;
	size_t i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < c->n; i++) {
		const impact__bar_row *r = &c->rows[i];

		natural = fmax(natural, impact__text_width(
		               d, r->label, IMPACT__SIZE_LABEL, 0));
		any_sup |= r->suppressed;
		if (!bar_shown(r))
			continue;
		any_ci |= isfinite(r->lo) && isfinite(r->hi);
		any_ref |= isfinite(r->reference);
		if (r->value_text)
			g->value_w = fmax(g->value_w, impact__text_width(
			                  d, r->value_text, IMPACT__SIZE_VALUE,
			                  1));
	}
	g->value_w = fmin(g->value_w, 0.22 * bw);
	g->head_h = impact__chart_header(d, &c->t, 0, 0, bw, 0);
	g->items[0].symbol = IMPACT__SYM_SWATCH;
	g->items[0].colour = &impact__c_blue;
	g->items[0].text = c->legend_value;
	g->items[1].symbol = IMPACT__SYM_WHISKER;
	g->items[1].text = any_ci ? c->legend_ci : NULL;
	g->items[2].symbol = IMPACT__SYM_TICK;
	g->items[2].text = any_ref ? c->legend_reference : NULL;
	g->items[3].symbol = IMPACT__SYM_HATCH;
	g->items[3].text = any_sup ? c->t.suppressed_text : NULL;
	g->legend_h = impact__legend(d, g->items, 4, 0, 0, bw, 0);
	if (g->legend_h > 0)
		g->legend_h += 6;
	g->label_w = label_column(natural, bw - 2 * INSET);
	g->px0 = INSET + g->label_w + COL_GAP;
	g->px1 = bw - (g->value_w > 0 ? g->value_w + 8 + INSET : 0);
	ticks_choose(d, &g->tk, c->axis_lo, c->axis_hi, c->axis_decimals, 1,
	             c->axis_unit, fmax(g->px1 - g->px0, 20));
	/* The last tick's label, centred on the end of the axis, must fit
	 * in the box. */
	tick_text(d, &g->tk, g->tk.first + (g->tk.n - 1) * g->tk.step, buf,
	          sizeof(buf));
	half_last = impact__text_width(d, buf, IMPACT__SIZE_TICK, 0) / 2;
	if (g->px1 > bw - half_last && g->value_w <= 0)
		g->px1 = bw - half_last;
	g->axis_h = impact__line_height(d, IMPACT__SIZE_TICK, 0) + 4;
}

/* Check the data of a bar chart: 0, or -1 when unusable. */
static int bars_check(const impact__bars *c)
{
	if (c->n > 0 && !c->rows)
		return -1;
	if (c->n > 0 && !(isfinite(c->axis_lo) && isfinite(c->axis_hi)
	                  && c->axis_lo < c->axis_hi))
		return -1;
	return 0;
}

double impact__chart_bars_height(impact__draw *d, double w,
                                 const impact__bars *c)
{
	bars_geo g;
	double h;
	size_t i;

	assert(d && c);
	if (bars_check(c) != 0)
		return 0;
	bars_geometry(d, w, c, &g);
	if (c->n == 0)
		return 2 * PAD + g.head_h + 40;
	h = 2 * PAD + g.head_h + g.legend_h + g.axis_h + 2;
	for (i = 0; i < c->n; i++)
		h += bar_row_h(d, &c->rows[i], g.label_w);
	return ceil(h);
}

/* Draw row r between y0 and y0 + rh. */
static void bar_row_draw(impact__draw *d, const impact__bars *c,
                         const impact__bar_row *r, const bars_geo *g,
                         double bx, double bw, double y0, double rh)
{
	double cy = y0 + rh / 2, lh, px0 = bx + g->px0, px1 = bx + g->px1;
	double lo = c->axis_lo, hi = c->axis_hi, base, xb, xv;

	lh = impact__text_lines_height(d, r->label, g->label_w,
	                               IMPACT__SIZE_LABEL, 0, 2);
	impact__text_lines(d, r->label, bx + INSET, cy - lh / 2, g->label_w,
	                   IMPACT__SIZE_LABEL, 0, &impact__c_ink,
	                   PANGO_ALIGN_LEFT, 2);
	if (r->suppressed) {
		/* No bar, no marker, no number: nothing to compare with. */
		impact__hatch_rect(d, px0, cy - BAR_H / 2, 34, BAR_H);
		if (c->t.suppressed_text)
			impact__text_line(d, c->t.suppressed_text, px0 + 40, cy,
			                  bx + bw - px0 - 40, IMPACT__SIZE_VALUE, 0,
			                  &impact__c_grey, 0);
		return;
	}
	if (!isfinite(r->value)) {
		if (c->t.no_data)
			impact__text_line(d, c->t.no_data, px0 + 3, cy,
			                  bx + bw - px0 - 3, IMPACT__SIZE_VALUE, 0,
			                  &impact__c_grey, 0);
		return;
	}
	base = lo <= 0 && 0 <= hi ? 0 : lo;
	xb = scale(base, lo, hi, px0, px1);
	xv = scale(r->value, lo, hi, px0, px1);
	if (fabs(xv - xb) < 1.2)    /* a zero still shows */
		xv = xb + (r->value < base ? -1.2 : 1.2);
	xv = fmax(px0, fmin(xv, px1));
	impact__fill_rect(d, fmin(xb, xv), cy - BAR_H / 2, fabs(xv - xb),
	                  BAR_H, &impact__c_blue);
	if (isfinite(r->lo) && isfinite(r->hi))
		impact__whisker(d, scale(r->lo, lo, hi, px0, px1),
		                scale(r->hi, lo, hi, px0, px1), cy, 3, 0.9,
		                &impact__c_ink);
	if (isfinite(r->reference))
		impact__ref_tick(d, scale(r->reference, lo, hi, px0, px1), cy,
		                 BAR_H + 5);
	if (r->value_text && g->value_w > 0)
		impact__text_line(d, r->value_text, bx + bw - INSET, cy,
		                  g->value_w,
		                  IMPACT__SIZE_VALUE, 1, &impact__c_ink, 1);
}

int impact__chart_bars(impact__draw *d, double x, double y, double w,
                       double h, const impact__bars *c)
{
	double bx = x + PAD, by = y + PAD, bw = w - 2 * PAD, bh = h - 2 * PAD;
	double top, rows_top, yy;
	bars_geo g;
	size_t i, shown;

	assert(d && c);
	if (bars_check(c) != 0)
		return -1;
	impact__chart_begin(d, x, y, w, h);
	bars_geometry(d, w, c, &g);
	top = by + impact__chart_header(d, &c->t, bx, by, bw, 1);
	if (c->n == 0) {
		impact__chart_empty(d, bx, top, bw, by + bh - top, c->t.no_data);
		goto done;
	}
	if (g.legend_h > 0)
		impact__legend(d, g.items, 4, bx, top, bw, 1);
	top += g.legend_h;
	rows_top = top + g.axis_h;
	/* The rows that fit; the caller paginates with
	 * impact__chart_bars_height(). */
	yy = rows_top;
	for (shown = 0; shown < c->n; shown++) {
		double rh = bar_row_h(d, &c->rows[shown], g.label_w);

		if (yy + rh > by + bh + 0.01)
			break;
		yy += rh;
	}
	if (shown == 0)
		goto done;
	ticks_labels(d, &g.tk, c->axis_lo, c->axis_hi, bx + g.px0,
	             bx + g.px1, bx, bx + bw, top + (g.axis_h - 2) / 2);
	yy = rows_top;
	for (i = 0; i < shown; i++) {
		double rh = bar_row_h(d, &c->rows[i], g.label_w);

		if (i % 2 == 0)
			impact__fill_rect(d, bx, yy, bw, rh, &impact__c_zebra);
		yy += rh;
	}
	ticks_grid(d, &g.tk, c->axis_lo, c->axis_hi, bx + g.px0, bx + g.px1,
	           rows_top - 2, yy);
	yy = rows_top;
	for (i = 0; i < shown; i++) {
		double rh = bar_row_h(d, &c->rows[i], g.label_w);

		bar_row_draw(d, c, &c->rows[i], &g, bx, bw, yy, rh);
		yy += rh;
	}
done:
	impact__chart_end(d);
	return 0;
}

/* ------------------------------------------------------------------ */
/* 3. Happiness groups                                                 */
/* ------------------------------------------------------------------ */

const impact__rgb *impact__group_colour(int g)
{
	/* Diverging, colour-blind safe: the blues for the happy, orange
	 * and vermilion for the not yet happy. */
	static const impact__rgb *const colours[4] = {
		&impact__c_blue, &impact__c_sky, &impact__c_orange,
		&impact__c_vermilion
	};

	assert(g >= 0 && g < 4);
	return colours[g];
}

/* Whether bar b is suppressed: marked so, or on too few respondents. */
static int group_suppressed(const impact__group_bar *b)
{
	return b->suppressed || (b->n >= 0 && b->n < IMPACT_MIN_PUBLISHED_N);
}

/* How the rows of a row chart are drawn. */
typedef struct {
	int lines;         /* label lines, 1 or 2 */
	double size;       /* label size */
	double pad;        /* above and below a row's content */
	double stretch;    /* factor on the natural heights, >= 1 */
	size_t shown;      /* rows that fit */
} rows_mode;

/* "n = 48" of bar b into buf, "" when not shown. */
static const char *group_n(impact__draw *d, const impact__group_bar *b,
                           char *buf, size_t size)
{
	char num[IMPACT_NUMBER_MAX];

	buf[0] = '\0';
	if (b->n >= 0 && !group_suppressed(b))
		snprintf(buf, size, "n = %s",
		         impact__format(d, num, sizeof(num), (double)b->n, 0));
	return buf;
}

/* Natural height of the content of group bar i in mode m: its label
 * (the "n = " column beside it is one line). */
static double group_content_h(impact__draw *d, const impact__groups *c,
                              size_t i, double label_w, const rows_mode *m)
{
	return fmax(impact__text_lines_height(d, c->bars[i].label, label_w,
	                                      m->size, 0, m->lines),
	            m->lines > 1 ? 12 : 7);
}

/*
 * Choose how the rows of the group chart fill `avail` points: labels of
 * up to two lines, rows stretched up to 1.6 times when there is room;
 * else one line at 7 points, then 6.5; else the rows that fit.
 */
static void groups_fit(impact__draw *d, const impact__groups *c,
                       double label_w, double avail, rows_mode *m)
{
	static const rows_mode modes[3] = {
		{ 2, IMPACT__SIZE_LABEL, 3.5, 1, 0 },
		{ 1, 7.0, 1.5, 1, 0 },
		{ 1, IMPACT__FONT_MIN, 1, 1, 0 }
	};
	double total = 0;
	size_t i, k;

	for (k = 0; k < 3; k++) {
		*m = modes[k];
		total = 0;
		for (i = 0; i < c->n; i++)
			total += group_content_h(d, c, i, label_w, m)
			         + 2 * m->pad;
		if (total <= avail)
			break;
	}
	if (total <= avail) {
		m->shown = c->n;
		m->stretch = fmin(avail / total, 1.6);
		return;
	}
	m->shown = 0;
	for (total = 0; m->shown < c->n; m->shown++) {
		double rh = group_content_h(d, c, m->shown, label_w, m)
		            + 2 * m->pad;

		if (total + rh > avail)
			break;
		total += rh;
	}
}

/* Draw group bar b in the plot (px0..px1) between y0 and y0 + rh. */
static void group_bar_draw(impact__draw *d, const impact__groups *c,
                           const impact__group_bar *b, double px0,
                           double px1, double y0, double rh, double bar_h)
{
	double cy = y0 + rh / 2, sum = 0, xx = px0;
	char buf[IMPACT_NUMBER_MAX + 8];
	int g;

	if (group_suppressed(b)) {
		impact__hatch_rect(d, px0, cy - bar_h / 2, px1 - px0, bar_h);
		if (c->t.suppressed_text)
			impact__text_pill(d, c->t.suppressed_text,
			                  (px0 + px1) / 2, cy, px1 - px0 - 8,
			                  IMPACT__SIZE_TICK, &impact__c_grey);
		return;
	}
	for (g = 0; g < 4; g++)
		sum += fmax(b->share[g], 0);
	for (g = 0; g < 4; g++) {
		double share = fmax(b->share[g], 0) / sum;
		double sw = share * (px1 - px0), tw;

		if (g == 3)
			sw = px1 - xx;   /* no gap from rounding */
		impact__fill_rect(d, xx, cy - bar_h / 2, sw, bar_h,
		                  impact__group_colour(g));
		if (xx > px0 && sw > 0)
			impact__line(d, xx, cy - bar_h / 2, xx, cy + bar_h / 2,
			             0.8, &impact__c_white, 0);
		impact__format_pct(d, buf, sizeof(buf), share, 1);
		tw = impact__text_width(d, buf, IMPACT__SIZE_TICK, 0);
		if (tw + 6 <= sw && bar_h >= 8.5)
			impact__text_line(d, buf, xx + (sw - tw) / 2, cy, 0,
			                  IMPACT__SIZE_TICK, 0,
			                  impact__text_on(impact__group_colour(g)),
			                  0);
		xx += sw;
	}
}

/* Check the data of a group chart: 0, or -1 when unusable. */
static int groups_check(const impact__groups *c)
{
	size_t i;
	int g;

	if (c->n > 0 && !c->bars)
		return -1;
	for (i = 0; i < c->n; i++) {
		double sum = 0;

		if (group_suppressed(&c->bars[i]))
			continue;
		for (g = 0; g < 4; g++) {
			if (!isfinite(c->bars[i].share[g])
			    || c->bars[i].share[g] < -1e-9)
				return -1;
			sum += fmax(c->bars[i].share[g], 0);
		}
		if (!(sum > 0))
			return -1;
	}
	return 0;
}

/* The layout of a group chart, x relative to the inner box. */
typedef struct {
	impact__legend_item items[4];  /* legend: the four groups */
	double legend_h;     /* legend and its gap */
	double label_w;      /* label column */
	double n_w;          /* "n = " column after it, 0 when none */
	double axis_h;       /* axis under the bars */
} groups_geo;

/* Measure a group chart `w` wide into g. */
static void groups_geometry(impact__draw *d, double w,
                            const impact__groups *c, groups_geo *g)
{
	char nb[IMPACT_NUMBER_MAX + 8];
	double bw = w - 2 * PAD, natural = 0;
	size_t i;
	int k;

	for (k = 0; k < 4; k++) {
		g->items[k].symbol = IMPACT__SYM_SWATCH;
		g->items[k].colour = impact__group_colour(k);
		g->items[k].text = c->group_labels[k];
	}
	g->n_w = 0;
	for (i = 0; i < c->n; i++) {
		natural = fmax(natural, impact__text_width(
		               d, c->bars[i].label, IMPACT__SIZE_LABEL, 0));
		if (group_n(d, &c->bars[i], nb, sizeof(nb))[0])
			g->n_w = fmax(g->n_w, impact__text_width(
			              d, nb, IMPACT__SIZE_TICK, 0));
	}
	g->legend_h = impact__legend(d, g->items, 4, 0, 0, bw, 0);
	if (g->legend_h > 0)
		g->legend_h += 6;
	g->label_w = fmin(label_column(natural, bw), 0.34 * bw);
	g->axis_h = impact__line_height(d, IMPACT__SIZE_TICK, 0) + 6;
}

/* The height a group chart `w` wide needs to show every bar with
 * two-line labels. */
double impact__chart_groups_height(impact__draw *d, double w,
                                   const impact__groups *c)
{
	rows_mode m = { 2, IMPACT__SIZE_LABEL, 3.5, 1, 0 };
	groups_geo g;
	double h;
	size_t i;

	assert(d && c);
	if (groups_check(c) != 0)
		return 0;
	groups_geometry(d, w, c, &g);
	h = 2 * PAD + impact__chart_header(d, &c->t, 0, 0, w - 2 * PAD, 0);
	if (c->n == 0)
		return ceil(h + 40);
	h += g.legend_h + g.axis_h;
	for (i = 0; i < c->n; i++)
		h += group_content_h(d, c, i, g.label_w, &m) + 2 * m.pad;
	return ceil(h + 1);
}

int impact__chart_groups(impact__draw *d, double x, double y, double w,
                         double h, const impact__groups *c)
{
	double bx = x + PAD, by = y + PAD, bw = w - 2 * PAD, bh = h - 2 * PAD;
	double top, px0, px1, yy, avail;
	groups_geo g;
	rows_mode m;
	size_t i;
	int k;

	assert(d && c);
	if (groups_check(c) != 0)
		return -1;
	impact__chart_begin(d, x, y, w, h);
	groups_geometry(d, w, c, &g);
	top = by + impact__chart_header(d, &c->t, bx, by, bw, 1);
	if (c->n == 0) {
		impact__chart_empty(d, bx, top, bw, by + bh - top, c->t.no_data);
		goto done;
	}
	if (g.legend_h > 0)
		impact__legend(d, g.items, 4, bx, top, bw, 1);
	top += g.legend_h;
	px0 = bx + g.label_w + (g.n_w > 0 ? 6 + g.n_w : 0) + COL_GAP;
	px1 = bx + bw - 1;
	avail = by + bh - top - g.axis_h;
	groups_fit(d, c, g.label_w, avail, &m);
	yy = top;
	for (i = 0; i < m.shown; i++) {
		const impact__group_bar *b = &c->bars[i];
		char nb[IMPACT_NUMBER_MAX + 8];
		double ch = group_content_h(d, c, i, g.label_w, &m);
		double rh = (ch + 2 * m.pad) * m.stretch;
		double bar_h = fmin(fmax(rh - 2 * m.pad - 2, 7), 20);
		double cy = yy + rh / 2, lh;

		lh = impact__text_lines_height(d, b->label, g.label_w, m.size, 0,
		                               m.lines);
		impact__text_lines(d, b->label, bx, cy - lh / 2, g.label_w,
		                   m.size, 0, &impact__c_ink, PANGO_ALIGN_LEFT,
		                   m.lines);
		if (group_n(d, b, nb, sizeof(nb))[0])
			impact__text_line(d, nb, px0 - COL_GAP, cy, g.n_w,
			                  IMPACT__SIZE_TICK, 0, &impact__c_grey, 1);
		group_bar_draw(d, c, b, px0, px1, yy, rh, bar_h);
		yy += rh;
	}
	/* The axis under the bars: 0 to 100 %. */
	if (m.shown > 0)
		for (k = 0; k <= 4; k++) {
			char pct[IMPACT_NUMBER_MAX + 8];
			double tx = px0 + (px1 - px0) * k / 4, tw;

			impact__line(d, tx, yy + 1, tx, yy + 3.5, 0.6,
			             &impact__c_rule, 0);
			impact__format_pct(d, pct, sizeof(pct), k / 4.0, 0);
			tw = impact__text_width(d, pct, IMPACT__SIZE_TICK, 0);
			impact__text_line(d, pct, fmin(tx - tw / 2, bx + bw - tw),
			                  yy + 4 + (g.axis_h - 6) / 2, 0,
			                  IMPACT__SIZE_TICK, 0, &impact__c_grey, 0);
		}
done:
	impact__chart_end(d);
	return 0;
}

/* ------------------------------------------------------------------ */
/* 4. Contributions                                                    */
/* ------------------------------------------------------------------ */

/* Check the data of a contributions chart: 0, or -1 when unusable. */
static int contrib_check(const impact__contrib *c)
{
	size_t i;

	if (c->n > 0 && (!c->labels || !c->share))
		return -1;
	for (i = 0; i < c->n; i++)
		if (!isfinite(c->share[i]) || c->share[i] < -1e-9)
			return -1;
	return 0;
}

/* The modes of the contributions' rows, roomiest first. */
static const rows_mode contrib_modes[3] = {
	{ 2, IMPACT__SIZE_LABEL, 3.5, 1, 0 },
	{ 1, 7.0, 1.5, 1, 0 },
	{ 1, IMPACT__FONT_MIN, 0.5, 1, 0 }
};

/* The layout of a contributions chart, x relative to the inner box. */
typedef struct {
	impact__legend_item items[2];  /* legend, when there is a reference */
	double legend_h;     /* legend and its gap */
	double label_w;      /* label column */
	double value_w;      /* widest value label */
	double smax;         /* the share at the end of the plot */
} contrib_geo;

/* Measure a contributions chart `w` wide into g. */
static void contrib_geometry(impact__draw *d, double w,
                             const impact__contrib *c, contrib_geo *g)
{
	char buf[IMPACT_NUMBER_MAX + 8];
	double bw = w - 2 * PAD, natural = 0;
	int any_ref = 0;
	size_t i;

	g->smax = 0;
	g->value_w = 0;
	for (i = 0; i < c->n; i++) {
		any_ref |= c->reference && isfinite(c->reference[i]);
		g->smax = fmax(g->smax, c->share[i]);
		if (c->reference && isfinite(c->reference[i]))
			g->smax = fmax(g->smax, c->reference[i]);
		natural = fmax(natural, impact__text_width(
		               d, c->labels[i], IMPACT__SIZE_LABEL, 0));
		impact__format_pct(d, buf, sizeof(buf), c->share[i], 1);
		g->value_w = fmax(g->value_w, impact__text_width(
		                  d, buf, IMPACT__SIZE_VALUE, 1));
	}
	if (!(g->smax > 0))
		g->smax = 1;
	g->items[0].symbol = IMPACT__SYM_SWATCH;
	g->items[0].colour = &impact__c_blue;
	g->items[0].text = any_ref ? c->legend_value : NULL;
	g->items[1].symbol = IMPACT__SYM_TICK;
	g->items[1].colour = NULL;
	g->items[1].text = any_ref ? c->legend_reference : NULL;
	g->legend_h = impact__legend(d, g->items, 2, 0, 0, bw, 0);
	if (g->legend_h > 0)
		g->legend_h += 6;
	g->label_w = label_column(natural, bw);
}

/* Natural height of the row of domain k in mode m. */
static double contrib_row_h(impact__draw *d, const impact__contrib *c,
                            size_t k, double label_w, const rows_mode *m)
{
	return fmax(impact__text_lines_height(d, c->labels[k], label_w,
	                                      m->size, 0, m->lines),
	            m->lines > 1 ? BAR_H + 2 : 6) + 2 * m->pad;
}

double impact__chart_contributions_height(impact__draw *d, double w,
                                          const impact__contrib *c)
{
	contrib_geo g;
	double h;
	size_t i;

	assert(d && c);
	if (contrib_check(c) != 0)
		return 0;
	h = 2 * PAD + impact__chart_header(d, &c->t, 0, 0, w - 2 * PAD, 0);
	if (c->n == 0)
		return ceil(h + 40);
	contrib_geometry(d, w, c, &g);
	h += g.legend_h;
	for (i = 0; i < c->n; i++)
		h += contrib_row_h(d, c, i, g.label_w, &contrib_modes[0]);
	return ceil(h + 1);
}

int impact__chart_contributions(impact__draw *d, double x, double y,
                                double w, double h,
                                const impact__contrib *c)
{
	double bx = x + PAD, by = y + PAD, bw = w - 2 * PAD, bh = h - 2 * PAD;
	double top, px0, px1, total = 0, avail, yy, stretch = 1;
	char buf[IMPACT_NUMBER_MAX + 8];
	size_t *order = NULL, i, j, k, shown;
	contrib_geo g;
	rows_mode m;

	assert(d && c);
	if (contrib_check(c) != 0)
		return -1;
	if (c->n > 0 && !(order = malloc(c->n * sizeof(*order))))
		return -1;
	/* Descending shares, ties in the caller's order (insertion sort:
	 * stable, and there are a dozen domains). */
	for (i = 0; i < c->n; i++) {
		for (j = i; j > 0 && c->share[order[j - 1]] < c->share[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	impact__chart_begin(d, x, y, w, h);
	top = by + impact__chart_header(d, &c->t, bx, by, bw, 1);
	if (c->n == 0) {
		impact__chart_empty(d, bx, top, bw, by + bh - top, c->t.no_data);
		goto done;
	}
	contrib_geometry(d, w, c, &g);
	if (g.legend_h > 0)
		impact__legend(d, g.items, 2, bx, top, bw, 1);
	top += g.legend_h;
	px0 = bx + g.label_w + COL_GAP;
	px1 = bx + bw - g.value_w - 6;
	avail = by + bh - top;
	/* Two-line labels, rows stretched up to 1.4 times when there is
	 * room; else one line, smaller; else the rows that fit. */
	for (k = 0; k < 3; k++) {
		m = contrib_modes[k];
		total = 0;
		for (i = 0; i < c->n; i++)
			total += contrib_row_h(d, c, i, g.label_w, &m);
		if (total <= avail)
			break;
	}
	if (total <= avail)
		stretch = fmin(avail / total, 1.4);
	yy = top;
	for (shown = 0; shown < c->n; shown++) {
		double rh, cy, bar_h, lh, xv, xt;

		k = order[shown];
		rh = contrib_row_h(d, c, k, g.label_w, &m) * stretch;
		if (yy + rh > by + bh + 0.01)
			break;
		cy = yy + rh / 2;
		bar_h = fmax(fmin(rh - 2 * m.pad - 1, 11), 3);
		lh = impact__text_lines_height(d, c->labels[k], g.label_w,
		                               m.size, 0, m.lines);
		impact__text_lines(d, c->labels[k], bx, cy - lh / 2, g.label_w,
		                   m.size, 0, &impact__c_ink, PANGO_ALIGN_LEFT,
		                   m.lines);
		xv = scale(c->share[k], 0, g.smax, px0, px1);
		impact__fill_rect(d, px0, cy - bar_h / 2, fmax(xv - px0, 1.2),
		                  bar_h, &impact__c_blue);
		xt = fmax(xv, px0 + 1.2);
		if (c->reference && isfinite(c->reference[k])) {
			double xr = scale(c->reference[k], 0, g.smax, px0, px1);

			impact__ref_tick(d, xr, cy, fmin(bar_h + 5, rh - 1));
			/* The label goes after the bar and the tick, so that
			 * it never sits between the two. */
			xt = fmax(xt, xr + 1.5);
		}
		impact__format_pct(d, buf, sizeof(buf), c->share[k], 1);
		impact__text_line(d, buf, fmin(xt + 4, bx + bw - g.value_w), cy,
		                  g.value_w, m.size < IMPACT__SIZE_VALUE ? m.size
		                  : IMPACT__SIZE_VALUE, 1, &impact__c_ink, 0);
		yy += rh;
	}
	if (shown > 0)
		impact__line(d, px0, top, px0, yy, 0.8, &impact__c_rule, 0);
done:
	impact__chart_end(d);
	free(order);
	return 0;
}

/* ------------------------------------------------------------------ */
/* 6. Places compared                                                  */
/* ------------------------------------------------------------------ */

/* Whether place p is published: not suppressed, enough respondents, a
 * value. */
static int place_published(const impact__place_point *p)
{
	return !p->suppressed && !(p->n >= 0 && p->n < IMPACT_MIN_PUBLISHED_N)
	       && isfinite(p->value);
}

/* Whether place p is counted as not published. */
static int place_suppressed(const impact__place_point *p)
{
	return p->suppressed || (p->n >= 0 && p->n < IMPACT_MIN_PUBLISHED_N);
}

/* The published places of a comparison, sorted by value, highest
 * first, ties by label. */
typedef struct {
	const impact__place_point **p;  /* sorted (owned array) */
	size_t n;                        /* how many */
	size_t n_sup;                    /* places not published */
	double lo, hi;                   /* the axis */
} compare_set;

/* qsort order of compare_set.p. */
static int place_cmp(const void *a, const void *b)
{
	const impact__place_point *x = *(const impact__place_point *const *)a;
	const impact__place_point *y = *(const impact__place_point *const *)b;

	if (x->value != y->value)
		return x->value < y->value ? 1 : -1;
	return strcmp(x->label ? x->label : "", y->label ? y->label : "");
}

/* Collect and sort the published places of c and fix the axis; -1 when
 * memory runs out. */
static int compare_collect(const impact__compare *c, compare_set *s)
{
	double mn = INFINITY, mx = -INFINITY;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (c->n && !(s->p = malloc(c->n * sizeof(*s->p))))
		return -1;
	for (i = 0; i < c->n; i++) {
		const impact__place_point *p = &c->places[i];

		if (place_suppressed(p)) {
			s->n_sup++;
			continue;
		}
		if (!place_published(p))
			continue;
		s->p[s->n++] = p;
		mn = fmin(mn, p->value);
		mx = fmax(mx, p->value);
		if (isfinite(p->lo) && isfinite(p->hi)) {
			mn = fmin(mn, p->lo);
			mx = fmax(mx, p->hi);
		}
	}
	if (s->n > 1)
		qsort(s->p, s->n, sizeof(*s->p), place_cmp);
	if (isfinite(c->axis_lo) && isfinite(c->axis_hi)
	    && c->axis_lo < c->axis_hi) {
		s->lo = c->axis_lo;
		s->hi = c->axis_hi;
		return 0;
	}
	if (isfinite(c->reference)) {
		mn = fmin(mn, c->reference);
		mx = fmax(mx, c->reference);
	}
	if (!(mn <= mx)) {
		mn = 0;
		mx = 1;
	}
	if (mx - mn < 1e-9) {
		mn -= 0.5;
		mx += 0.5;
	}
	{
		double step = impact__nice_step(mx - mn, 6);

		s->lo = floor(mn / step + 1e-9) * step;
		s->hi = ceil(mx / step - 1e-9) * step;
	}
	return 0;
}

/* The rows of the dot form: label lines, size and padding, row height;
 * label_w its label column. */
typedef struct {
	int lines;           /* label lines */
	double size;         /* label size */
	double pad;          /* above and below */
	double label_w;      /* label column */
	double value_w;      /* value column */
} dots_mode;

/* Height of row p in mode m. */
static double dot_row_h(impact__draw *d, const impact__place_point *p,
                        const dots_mode *m)
{
	return fmax(impact__text_lines_height(d, p->label, m->label_w,
	                                      m->size, 0, m->lines), 8)
	       + 2 * m->pad;
}

/* Height of the extras of the dot form below the rows: the reference
 * label and the count of places not published. */
static double dots_extras_h(impact__draw *d, const impact__compare *c,
                            const compare_set *s)
{
	double h = 0, lh = impact__line_height(d, IMPACT__SIZE_TICK, 0);

	if (isfinite(c->reference))
		h += lh + 3;
	if (s->n_sup && c->suppressed_count_fmt)
		h += lh + 5;
	return h;
}

/* The label and value columns of the dot form, for a box bw wide. */
static void dots_columns(impact__draw *d, const impact__compare *c,
                         const compare_set *s, double bw, dots_mode *m)
{
	char buf[IMPACT_NUMBER_MAX];
	double natural = 0;
	size_t i;

	m->value_w = 0;
	for (i = 0; i < s->n; i++) {
		natural = fmax(natural, impact__text_width(
		               d, s->p[i]->label, IMPACT__SIZE_LABEL, 0));
		m->value_w = fmax(m->value_w, impact__text_width(
		                  d, impact__format(d, buf, sizeof(buf),
		                                    s->p[i]->value,
		                                    c->decimals),
		                  IMPACT__SIZE_VALUE, 1));
	}
	m->label_w = label_column(natural, bw - 2 * INSET);
}

/* Total height of the dot form in mode m for a box bw wide. */
static double dots_height(impact__draw *d, const impact__compare *c,
                          const compare_set *s, double bw,
                          const dots_mode *m)
{
	double h = impact__chart_header(d, &c->t, 0, 0, bw, 0)
	           + impact__line_height(d, IMPACT__SIZE_TICK, 0) + 4
	           + dots_extras_h(d, c, s) + 2 * PAD + 2;
	size_t i;

	for (i = 0; i < s->n; i++)
		h += dot_row_h(d, s->p[i], m);
	return h;
}

/* The count of places not published, with a hatched swatch, at y. */
static void compare_note(impact__draw *d, const impact__compare *c,
                         const compare_set *s, double bx, double bw,
                         double y)
{
	char note[512];
	double lh = impact__line_height(d, IMPACT__SIZE_TICK, 0);

	if (!s->n_sup || !c->suppressed_count_fmt)
		return;
	impact__format_count(d, note, sizeof(note), c->suppressed_count_fmt,
	                     s->n_sup);
	impact__hatch_rect(d, bx, y + lh / 2 - 4, 14, 8);
	impact__text_line(d, note, bx + 18, y + lh / 2, bw - 18,
	                  IMPACT__SIZE_TICK, 0, &impact__c_grey, 0);
}

/* The reference's label, "Territoire 0,612", into buf. */
static const char *reference_text(impact__draw *d, const impact__compare *c,
                                  char *buf, size_t size)
{
	char num[IMPACT_NUMBER_MAX];

	impact__format(d, num, sizeof(num), c->reference, c->decimals);
	snprintf(buf, size, "%s%s%s", c->reference_label
	         ? c->reference_label : "", c->reference_label ? " " : "",
	         num);
	return buf;
}

/* The dot-and-whisker form in the inner box from `top`. */
static void compare_dots(impact__draw *d, const impact__compare *c,
                         const compare_set *s, const dots_mode *m,
                         double bx, double bw, double top, double bottom)
{
	char buf[IMPACT_NUMBER_MAX + 256];
	double px0 = bx + INSET + m->label_w + COL_GAP;
	double px1 = bx + bw - INSET - m->value_w - 8;
	double axis_h = impact__line_height(d, IMPACT__SIZE_TICK, 0) + 4;
	double lh = impact__line_height(d, IMPACT__SIZE_TICK, 0);
	double rows_top = top + axis_h, yy, rows_bottom;
	size_t i, shown;
	ticks tk;

	ticks_choose(d, &tk, s->lo, s->hi, c->decimals, 0, NULL, px1 - px0);
	bottom -= dots_extras_h(d, c, s);
	yy = rows_top;
	for (shown = 0; shown < s->n; shown++) {
		double rh = dot_row_h(d, s->p[shown], m);

		if (yy + rh > bottom + 0.01)
			break;
		if (shown % 2 == 0)
			impact__fill_rect(d, bx, yy, bw, rh, &impact__c_zebra);
		yy += rh;
	}
	rows_bottom = yy;
	ticks_labels(d, &tk, s->lo, s->hi, px0, px1, bx, bx + bw,
	             top + (axis_h - 2) / 2);
	ticks_grid(d, &tk, s->lo, s->hi, px0, px1, rows_top - 2, rows_bottom);
	if (isfinite(c->reference)) {
		double xr = scale(c->reference, s->lo, s->hi, px0, px1), tw;

		impact__line(d, xr, rows_top - 2, xr, rows_bottom + 2, 1.3,
		             &impact__c_vermilion, 3);
		reference_text(d, c, buf, sizeof(buf));
		tw = fmin(impact__text_width(d, buf, IMPACT__SIZE_TICK, 0), bw);
		impact__text_line(d, buf, fmax(bx, fmin(xr - tw / 2,
		                                        bx + bw - tw)),
		                  rows_bottom + 3 + lh / 2, bw,
		                  IMPACT__SIZE_TICK, 0, &impact__c_vermilion, 0);
		rows_bottom += lh + 3;
	}
	yy = rows_top;
	for (i = 0; i < shown; i++) {
		const impact__place_point *p = s->p[i];
		double rh = dot_row_h(d, p, m), cy = yy + rh / 2;
		double th = impact__text_lines_height(d, p->label, m->label_w,
		                                      m->size, 0, m->lines);

		impact__text_lines(d, p->label, bx + INSET, cy - th / 2,
		                   m->label_w, m->size, 0, &impact__c_ink,
		                   PANGO_ALIGN_LEFT, m->lines);
		if (isfinite(p->lo) && isfinite(p->hi))
			impact__whisker(d, scale(p->lo, s->lo, s->hi, px0, px1),
			                scale(p->hi, s->lo, s->hi, px0, px1), cy,
			                2.5, 0.8, &impact__c_grey);
		impact__dot(d, scale(p->value, s->lo, s->hi, px0, px1), cy, 3.2,
		            &impact__c_blue, &impact__c_white, 0.8);
		impact__text_line(d, impact__format(d, buf, sizeof(buf),
		                                    p->value, c->decimals),
		                  bx + bw - INSET, cy, m->value_w,
		                  IMPACT__SIZE_VALUE, 1, &impact__c_ink, 1);
		yy += rh;
	}
	compare_note(d, c, s, bx, bw, rows_bottom + 5);
}

/* One of the two lists of the distribution form: a heading and the
 * places first..first+count-1 of the sorted set, ranked. */
static double compare_list(impact__draw *d, const impact__compare *c,
                           const compare_set *s, const char *heading,
                           size_t first, size_t count, double x, double y,
                           double w, double row_h)
{
	char num[IMPACT_NUMBER_MAX], rank[32];
	double hh = impact__line_height(d, IMPACT__SIZE_LABEL, 1), vw = 0;
	double rw = impact__text_width(d, "000", IMPACT__SIZE_TICK, 0);
	size_t k;

	if (heading)
		impact__text_line(d, heading, x, y + hh / 2, w,
		                  IMPACT__SIZE_LABEL, 1, &impact__c_ink, 0);
	y += hh + 2;
	for (k = 0; k < count; k++)
		vw = fmax(vw, impact__text_width(
		          d, impact__format(d, num, sizeof(num),
		                            s->p[first + k]->value, c->decimals),
		          IMPACT__SIZE_VALUE, 1));
	for (k = 0; k < count; k++) {
		const impact__place_point *p = s->p[first + k];
		double cy = y + row_h / 2;

		if (k % 2 == 0)
			impact__fill_rect(d, x, y, w, row_h, &impact__c_zebra);
		snprintf(rank, sizeof(rank), "%zu", first + k + 1);
		impact__text_line(d, rank, x + 2 + rw, cy, 0, IMPACT__SIZE_TICK,
		                  0, &impact__c_grey, 1);
		impact__text_line(d, p->label, x + rw + 7, cy,
		                  w - rw - 7 - vw - 8, IMPACT__SIZE_VALUE, 0,
		                  &impact__c_ink, 0);
		impact__text_line(d, impact__format(d, num, sizeof(num),
		                                    p->value, c->decimals),
		                  x + w - 2, cy, vw, IMPACT__SIZE_VALUE, 1,
		                  &impact__c_ink, 1);
		y += row_h;
	}
	return hh + 2 + (double)count * row_h;
}

/* The distribution form: histogram, strip of every place, and the
 * highest and lowest places listed, in the inner box from `top`. */
static void compare_distribution(impact__draw *d, const impact__compare *c,
                                 const compare_set *s, double bx,
                                 double bw, double top, double bottom)
{
	char buf[IMPACT_NUMBER_MAX + 256];
	double lh = impact__line_height(d, IMPACT__SIZE_TICK, 0);
	double hx0 = bx, hx1, hy0 = top, hy1, lx, lw, ly, list_h;
	double span = s->hi - s->lo, binw, gutter, cstep, ctop, px0, px1;
	double py0, py1, strip0, strip1, row_h, v;
	size_t *counts = NULL, nb, b, i, cmax = 0, n_top, n_bot, rows;
	ticks tk;

	if (s->n_sup && c->suppressed_count_fmt) {
		bottom -= lh + 5;
		compare_note(d, c, s, bx, bw, bottom + 5);
	}
	/* Side by side when there is room, else the lists below. */
	if (bw >= 340) {
		hx1 = bx + bw * 0.6;
		lx = hx1 + 16;
		lw = bx + bw - lx;
		ly = top;
		hy1 = bottom;
		list_h = bottom - top;
	} else {
		/* The lists take what five rows need, at most 45 %. */
		double need = impact__line_height(d, IMPACT__SIZE_LABEL, 1) + 2
		              + 5 * (impact__line_height(d, IMPACT__SIZE_VALUE, 0)
		                     + 2.5);

		hx1 = bx + bw;
		hy1 = fmax(bottom - need - 10, top + (bottom - top) * 0.55);
		lx = bx;
		lw = bw;
		ly = hy1 + 10;
		list_h = bottom - ly;
	}
	/* Lists: as many rows as fit, up to 5 each. */
	row_h = impact__line_height(d, IMPACT__SIZE_VALUE, 0) + 2.5;
	n_top = s->n < 5 ? s->n : 5;
	n_bot = s->n - n_top < 5 ? s->n - n_top : 5;
	if (bw >= 340) {
		double heads = 2 * (impact__line_height(d, IMPACT__SIZE_LABEL, 1)
		               + 2) + 8;

		rows = (size_t)fmax(0, floor((list_h - heads) / (2 * row_h)));
	} else {
		rows = (size_t)fmax(0, floor((list_h - impact__line_height(
		               d, IMPACT__SIZE_LABEL, 1) - 2) / row_h));
	}
	if (n_top > rows)
		n_top = rows;
	if (n_bot > rows)
		n_bot = rows;
	if (bw >= 340) {
		double used = compare_list(d, c, s, c->top_label, 0, n_top, lx,
		                           ly, lw, row_h);

		if (n_bot)
			compare_list(d, c, s, c->bottom_label, s->n - n_bot, n_bot,
			             lx, ly + used + 8, lw, row_h);
	} else {
		double half = (lw - 12) / 2;

		compare_list(d, c, s, c->top_label, 0, n_top, lx, ly, half,
		             row_h);
		if (n_bot)
			compare_list(d, c, s, c->bottom_label, s->n - n_bot, n_bot,
			             lx + half + 12, ly, half, row_h);
	}

	/* Histogram of the published values over the axis. */
	binw = impact__nice_step(span, 26);
	nb = (size_t)ceil(span / binw - 1e-9);
	if (nb < 1)
		nb = 1;
	if (nb > 100)
		nb = 100;
	if (!(counts = calloc(nb, sizeof(*counts))))
		return;
	for (i = 0; i < s->n; i++) {
		double f = (s->p[i]->value - s->lo) / binw;

		b = f <= 0 ? 0 : (size_t)f;
		if (b >= nb)
			b = nb - 1;
		if (++counts[b] > cmax)
			cmax = counts[b];
	}
	cstep = ceil(impact__nice_step((double)cmax, 5));
	if (cstep < 1)
		cstep = 1;
	ctop = ceil((double)cmax / cstep) * cstep;
	if (ctop < cstep)
		ctop = cstep;
	gutter = 0;
	for (v = 0; v <= ctop + cstep / 2; v += cstep)
		gutter = fmax(gutter, impact__text_width(
		              d, impact__format(d, buf, sizeof(buf), v, 0),
		              IMPACT__SIZE_TICK, 0));
	px0 = hx0 + gutter + 5;
	px1 = hx1 - 2;
	ticks_choose(d, &tk, s->lo, s->hi, c->decimals, 0, NULL, px1 - px0);
	{
		char last[IMPACT_NUMBER_MAX + 32];

		tick_text(d, &tk, tk.first + (tk.n - 1) * tk.step, last,
		          sizeof(last));
		px1 = fmin(px1, hx1 - impact__text_width(
		           d, last, IMPACT__SIZE_TICK, 0) / 2);
	}
	py0 = hy0 + (c->count_label ? 1.5 * lh + 4
	             : isfinite(c->reference) ? lh + 4 : 4);
	strip1 = hy1 - lh - 4;
	strip0 = strip1 - 9;
	py1 = strip0 - 3;
	if (py1 - py0 < 15 || px1 - px0 < 30)
		goto done;
	for (v = 0; v <= ctop + cstep / 2; v += cstep) {
		double gy = py1 - v / ctop * (py1 - py0);

		impact__line(d, px0, gy, px1, gy, v == 0 ? 0.8 : 0.5, v == 0
		             ? &impact__c_rule : &impact__c_grid, 0);
		impact__text_line(d, impact__format(d, buf, sizeof(buf), v, 0),
		                  px0 - 4, gy, 0, IMPACT__SIZE_TICK, 0,
		                  &impact__c_grey, 1);
	}
	if (c->count_label)
		impact__text_line(d, c->count_label, hx0, hy0 + lh / 2 + 1,
		                  (hx1 - hx0) / 2, IMPACT__SIZE_TICK, 0,
		                  &impact__c_grey, 0);
	for (b = 0; b < nb; b++) {
		double x0 = scale(s->lo + (double)b * binw, s->lo, s->hi, px0,
		                  px1);
		double x1 = scale(s->lo + (double)(b + 1) * binw, s->lo, s->hi,
		                  px0, px1);
		double top_y = py1 - (double)counts[b] / ctop * (py1 - py0);

		if (counts[b])
			impact__fill_rect(d, x0 + 0.5, top_y,
			                  fmax(x1 - x0 - 1, 0.5), py1 - top_y,
			                  &impact__c_sky);
	}
	/* The strip: one tick per place. */
	cairo_save(d->cr);
	cairo_set_source_rgba(d->cr, impact__c_blue.r, impact__c_blue.g,
	                      impact__c_blue.b, 0.45);
	cairo_set_line_width(d->cr, 0.6);
	for (i = 0; i < s->n; i++) {
		double sx = scale(s->p[i]->value, s->lo, s->hi, px0, px1);

		cairo_move_to(d->cr, sx, strip0);
		cairo_line_to(d->cr, sx, strip1);
	}
	cairo_stroke(d->cr);
	cairo_restore(d->cr);
	ticks_labels(d, &tk, s->lo, s->hi, px0, px1, hx0, hx1,
	             strip1 + 3 + lh / 2);
	if (isfinite(c->reference)) {
		double xr = scale(c->reference, s->lo, s->hi, px0, px1), tw;

		impact__line(d, xr, py0 - 2, xr, strip1, 1.3,
		             &impact__c_vermilion, 3);
		reference_text(d, c, buf, sizeof(buf));
		tw = fmin(impact__text_width(d, buf, IMPACT__SIZE_TICK, 0),
		          hx1 - hx0);
		impact__text_line_halo(d, buf, xr + 3 + tw <= hx1 ? xr + 3
		                       : fmax(hx0, xr - 3 - tw),
		                       hy0 + lh / 2 + 1, hx1 - hx0,
		                       IMPACT__SIZE_TICK, 0,
		                       &impact__c_vermilion, 0);
	}
done:
	free(counts);
}

/* The dot form's modes, roomiest first. */
static const dots_mode dots_modes[3] = {
	{ 2, IMPACT__SIZE_LABEL, 2.5, 0, 0 },
	{ 1, 7.5, 1.5, 0, 0 },
	{ 1, 7.0, 1, 0, 0 }
};

int impact__chart_compare(impact__draw *d, double x, double y, double w,
                          double h, const impact__compare *c)
{
	double bx = x + PAD, by = y + PAD, bw = w - 2 * PAD, bh = h - 2 * PAD;
	double top;
	compare_set s;
	dots_mode m;
	size_t k;
	int dots = 0;

	assert(d && c);
	if (c->n > 0 && !c->places)
		return -1;
	if (compare_collect(c, &s) != 0)
		return -1;
	impact__chart_begin(d, x, y, w, h);
	top = by + impact__chart_header(d, &c->t, bx, by, bw, 1);
	if (s.n == 0) {
		char note[512];
		const char *msg = c->t.no_data;

		if (s.n_sup && c->suppressed_count_fmt)
			msg = impact__format_count(d, note, sizeof(note),
			                           c->suppressed_count_fmt,
			                           s.n_sup);
		impact__chart_empty(d, bx, top, bw, by + bh - top, msg);
		goto done;
	}
	if (s.n <= IMPACT__COMPARE_DOTS_MAX)
		for (k = 0; k < 3 && !dots; k++) {
			m = dots_modes[k];
			dots_columns(d, c, &s, bw, &m);
			dots = dots_height(d, c, &s, bw, &m) <= h + 0.01;
		}
	if (dots)
		compare_dots(d, c, &s, &m, bx, bw, top, by + bh);
	else
		compare_distribution(d, c, &s, bx, bw, top, by + bh);
done:
	impact__chart_end(d);
	free(s.p);
	return 0;
}

double impact__chart_compare_height(impact__draw *d, double w,
                                    const impact__compare *c)
{
	compare_set s;
	dots_mode m = dots_modes[0];
	double h;

	assert(d && c);
	if ((c->n > 0 && !c->places) || compare_collect(c, &s) != 0)
		return 0;
	if (s.n == 0 || s.n > IMPACT__COMPARE_DOTS_MAX) {
		h = s.n == 0 ? impact__chart_header(d, &c->t, 0, 0, w - 2 * PAD,
		                                    0) + 40 + 2 * PAD : 220;
	} else {
		dots_columns(d, c, &s, w - 2 * PAD, &m);
		h = dots_height(d, c, &s, w - 2 * PAD, &m);
	}
	free(s.p);
	return ceil(h);
}
