/*
 * reports/chart.c: the layout every chart shares (title block, "no data"
 * panel), the radar of the domains, the index over the years, and the
 * writing of one chart to a PNG, SVG or PDF file.
 *
 * A chart is drawn in two steps inside its box: first the data are
 * checked (so a chart that returns -1 has drawn nothing), then the parts
 * are measured with Pango and placed top-down: title and subtitle,
 * legend, then the plot in the space left.  The radar is the one chart
 * whose plot size depends on its labels: radar_place() puts every axis
 * label outside the circle for a trial radius, and the largest radius
 * whose labels all fit the box is kept.  Read reports/chart_bars.c for
 * the bar charts and reports/chart_map.c for the map.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "impact/common.h"
#include "impact/reports.h"
#include "chart.h"

#define PAD IMPACT__CHART_PAD

/* ------------------------------------------------------------------ */
/* Shared layout                                                       */
/* ------------------------------------------------------------------ */

void impact__chart_begin(impact__draw *d, double x, double y, double w,
                         double h)
{
	cairo_save(d->cr);
	cairo_new_path(d->cr);
	if (!d->unclipped) {
		cairo_rectangle(d->cr, x, y, w, h);
		cairo_clip(d->cr);
	}
	cairo_set_dash(d->cr, NULL, 0, 0);
	cairo_set_line_cap(d->cr, CAIRO_LINE_CAP_BUTT);
	cairo_set_line_join(d->cr, CAIRO_LINE_JOIN_MITER);
}

void impact__chart_end(impact__draw *d)
{
	cairo_restore(d->cr);
}

double impact__chart_header(impact__draw *d, const impact__chart_text *t,
                            double x, double y, double w, int draw)
{
	double h = 0;

	if (t->title && *t->title)
		h += draw ? impact__text_lines(d, t->title, x, y, w,
		                               IMPACT__SIZE_TITLE, 1,
		                               &impact__c_ink, PANGO_ALIGN_LEFT,
		                               2)
		          : impact__text_lines_height(d, t->title, w,
		                                      IMPACT__SIZE_TITLE, 1, 2);
	if (t->subtitle && *t->subtitle) {
		if (h > 0)
			h += 1.5;
		h += draw ? impact__text_lines(d, t->subtitle, x, y + h, w,
		                               IMPACT__SIZE_SUB, 0,
		                               &impact__c_grey, PANGO_ALIGN_LEFT,
		                               2)
		          : impact__text_lines_height(d, t->subtitle, w,
		                                      IMPACT__SIZE_SUB, 0, 2);
	}
	return h > 0 ? h + 8 : 0;
}

void impact__chart_empty(impact__draw *d, double x, double y, double w,
                         double h, const char *msg)
{
	double lh, th;
	int lines;

	if (!(w > 8) || !(h > 4))
		return;
	impact__fill_rect(d, x, y, w, h, &impact__c_zebra);
	if (!msg || !*msg)
		return;
	lh = impact__line_height(d, IMPACT__SIZE_LABEL, 0);
	lines = (int)((h - 4) / lh);
	if (lines < 1)
		return;
	if (lines > 4)
		lines = 4;
	th = impact__text_lines_height(d, msg, w - 24, IMPACT__SIZE_LABEL, 0,
	                               lines);
	impact__text_lines(d, msg, x + 12, y + (h - th) / 2, w - 24,
	                   IMPACT__SIZE_LABEL, 0, &impact__c_grey,
	                   PANGO_ALIGN_CENTER, lines);
}

/* ------------------------------------------------------------------ */
/* 1. Radar                                                            */
/* ------------------------------------------------------------------ */

#define RADAR_GAP 7.0      /* from the circle to an axis label */
#define RADAR_LABEL_MAX 130.0
#define RADAR_LABEL_MIN 44.0
#define RADAR_R_MIN 24.0
#define RADAR_SIZE 7.5     /* axis labels and values */

void impact__radar_point(double cx, double cy, double r, size_t i,
                         size_t n, double v, double *px, double *py)
{
	double a;

	assert(n > 0);
	a = -G_PI / 2 + 2 * G_PI * (double)i / (double)n;
	if (!(v > 0))
		v = 0;
	if (v > 1)
		v = 1;
	*px = cx + r * v * cos(a);
	*py = cy + r * v * sin(a);
}

/* Where the label block of one axis goes. */
typedef struct {
	double x, y, w, h;      /* the block: label, then the values line */
	double label_w;         /* wrapping width of the label */
	double label_h;         /* its height */
	double ca;              /* cosine of the axis: the alignment */
	int lines;              /* lines the label may take, 1 to 3 */
	int leader;             /* 1: joined to its axis by a thin line */
} radar_box;

/* The values line of axis i: the unit's value (or why not) and the
 * reference's, as text; *missing is set when the unit's value is NaN. */
static void radar_values(impact__draw *d, const impact__radar *c, size_t i,
                         char *unit, char *ref, size_t size, int *missing)
{
	*missing = 0;
	unit[0] = ref[0] = '\0';
	if (!c->suppressed) {
		if (isnan(c->values[i])) {
			*missing = 1;
			snprintf(unit, size, "%s", c->missing_text
			         ? c->missing_text
			         : c->t.no_data ? c->t.no_data : "");
		} else {
			impact__format_pct(d, unit, size, c->values[i], 0);
		}
	}
	if (c->reference && isfinite(c->reference[i]))
		impact__format_pct(d, ref, size, c->reference[i], 0);
}

/* Width of the values line of axis i within `max` points. */
static double radar_values_width(impact__draw *d, const impact__radar *c,
                                 size_t i, double max)
{
	char unit[IMPACT_NUMBER_MAX * 4], ref[IMPACT_NUMBER_MAX];
	double w = 0;
	int missing;

	radar_values(d, c, i, unit, ref, sizeof(unit), &missing);
	if (unit[0])
		w += impact__text_width(d, unit, RADAR_SIZE, !missing);
	if (ref[0])
		w += (w > 0 ? 5 : 0) + impact__text_width(d, ref, RADAR_SIZE, 0);
	return fmin(w, max);
}

/*
 * Place the label block of every axis outside the circle (cx, cy, r)
 * within the plot (x0, y0)-(x1, y1).  A block is anchored RADAR_GAP past
 * the end of its axis and slides with the axis' angle: left-aligned on
 * the right side, right-aligned on the left, centred at the top and the
 * bottom.  Returns 1 when every block fits; with `strict` 0 the blocks
 * are pushed inside the plot instead and 1 returned.
 */
static int radar_place(impact__draw *d, const impact__radar *c, double cx,
                       double cy, double r, double x0, double y0,
                       double x1, double y1, radar_box *boxes, int strict)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		radar_box *b = &boxes[i];
		double a = -G_PI / 2 + 2 * G_PI * (double)i / (double)c->n;
		double ca = cos(a), sa = sin(a);
		double ax = cx + (r + RADAR_GAP) * ca;
		double ay = cy + (r + RADAR_GAP) * sa;
		double wa = RADAR_LABEL_MAX, vw, vh, lw;
		int k, lines;

		/* Near the top and the bottom, a label spreads sideways
		 * towards its neighbours' labels: no wider than the gap
		 * between their anchors. */
		if (fabs(ca) < 0.5 && c->n > 2) {
			double step = 2 * G_PI / (double)c->n;
			double dx = fmin(fabs(cos(a + step) - ca),
			                 fabs(cos(a - step) - ca)) * (r + RADAR_GAP);

			wa = fmin(wa, fmax(RADAR_LABEL_MIN, 2 * dx - 6));
		}
		if (1 + ca > 1e-6)
			wa = fmin(wa, 2 * (x1 - ax) / (1 + ca));
		if (1 - ca > 1e-6)
			wa = fmin(wa, 2 * (ax - x0) / (1 - ca));
		if (wa < RADAR_LABEL_MIN) {
			if (strict)
				return 0;
			wa = fmax(fmin(x1 - x0, RADAR_LABEL_MIN), 10);
		}
		/* Labels above and below the circle cost height, the scarce
		 * dimension of a wide box: one line there when it fits. */
		lines = fabs(sa) > 0.8 ? 1 : 2;
		if (lines == 1 && impact__text_width(d, c->labels[i],
		                                     RADAR_SIZE, 0) > wa)
			lines = 2;
		impact__text_size(d, c->labels[i], wa, RADAR_SIZE, 0, lines,
		                  &lw, &b->label_h);
		vw = radar_values_width(d, c, i, wa);
		vh = vw > 0 ? impact__line_height(d, RADAR_SIZE, 1) : 0;
		b->label_w = wa;
		b->lines = lines;
		b->leader = 0;
		/* Half a point of slack: laid out again in exactly this
		 * width, the label must break where it was measured. */
		b->w = fmin(fmax(lw, vw) + 0.5, wa);
		b->h = b->label_h + vh;
		b->ca = ca;
		b->x = ax - b->w * (1 - ca) / 2;
		b->y = ay - b->h * (1 - sa) / 2;
		/* Slide outwards while a corner still cuts into the circle. */
		for (k = 0; k < 60; k++) {
			double nx = fmin(fmax(cx, b->x), b->x + b->w);
			double ny = fmin(fmax(cy, b->y), b->y + b->h);

			if (hypot(nx - cx, ny - cy) >= r + 3)
				break;
			b->x += ca;
			b->y += sa;
		}
		if (b->x < x0 - 0.01 || b->x + b->w > x1 + 0.01
		    || b->y < y0 - 0.01 || b->y + b->h > y1 + 0.01) {
			if (strict)
				return 0;
			b->x = fmax(x0, fmin(b->x, x1 - b->w));
			b->y = fmax(y0, fmin(b->y, y1 - b->h));
		}
	}
	/* No two blocks may touch. */
	for (i = 0; strict && i < c->n; i++) {
		size_t j;

		for (j = i + 1; j < c->n; j++) {
			const radar_box *p = &boxes[i], *q = &boxes[j];

			if (p->x < q->x + q->w + 3 && q->x < p->x + p->w + 3
			    && p->y < q->y + q->h + 1 && q->y < p->y + p->h + 1)
				return 0;
		}
	}
	return 1;
}

/*
 * Size the label block of axis i for a column `w` wide with labels of at
 * most `lines` lines.
 */
static void radar_block(impact__draw *d, const impact__radar *c, size_t i,
                        double w, int lines, radar_box *b)
{
	double lw, vw, vh;

	impact__text_size(d, c->labels[i], w, RADAR_SIZE, 0, lines, &lw,
	                  &b->label_h);
	vw = radar_values_width(d, c, i, w);
	vh = vw > 0 ? impact__line_height(d, RADAR_SIZE, 1) : 0;
	b->label_w = w;
	b->lines = lines;
	b->w = fmin(fmax(lw, vw) + 0.5, w);
	b->h = b->label_h + vh;
}

/*
 * The other layout, for boxes much wider than tall: the circle in the
 * middle and the labels in two columns, the right half of the axes on
 * the right (axis 0 among them), the others on the left, each label as
 * near the height of its axis' end as the labels above and below it
 * allow, and joined to it by a thin leader line.  *r receives the radius.
 * Returns 1 when every column fits the height, else 0 (the blocks are
 * then placed anyway, from the top).
 */
static int radar_columns(impact__draw *d, const impact__radar *c,
                         double cx, double cy, double x0, double y0,
                         double x1, double y1, double *r,
                         radar_box *boxes)
{
	size_t n_right = (c->n + 1) / 2, i, k;
	double natural = 0, colw, rr;
	int side, lines, fits = 1;

	for (i = 0; i < c->n; i++)
		natural = fmax(natural, fmax(impact__text_width(
		               d, c->labels[i], RADAR_SIZE, 0),
		               radar_values_width(d, c, i, 1e4)));
	colw = fmin(natural + 1, 150);
	rr = fmin((y1 - y0) / 2 - 3, (x1 - x0) / 2 - 14 - colw);
	if (rr < RADAR_R_MIN) {
		rr = fmin(RADAR_R_MIN, (y1 - y0) / 2 - 3);
		colw = fmax((x1 - x0) / 2 - 14 - rr, 20);
	}
	*r = rr;
	for (side = 0; side < 2; side++) {
		size_t first = side == 0 ? 0 : n_right;
		size_t count = side == 0 ? n_right : c->n - n_right;
		double colx = side == 0 ? cx + rr + 14 : cx - rr - 14;
		double total;

		/* Labels of up to three lines when the column has the
		 * height, else two, else one. */
		for (lines = 3; lines >= 1; lines--) {
			total = 0;
			for (k = 0; k < count; k++) {
				radar_block(d, c, first + k, colw, lines,
				            &boxes[first + k]);
				total += boxes[first + k].h + 2;
			}
			if (total - 2 <= y1 - y0)
				break;
		}
		if (lines < 1)
			fits = 0;
		/* Top-down in the column's order (the right side from the
		 * top, the left side from the bottom up, so reversed). */
		for (k = 0; k < count; k++) {
			size_t j = side == 0 ? first + k : c->n - 1 - k;
			radar_box *b = &boxes[j];
			double a = -G_PI / 2 + 2 * G_PI * (double)j / (double)c->n;
			double want = cy + (rr + RADAR_GAP) * sin(a) - b->h / 2;
			double floor_y = y0;

			if (k > 0) {
				size_t p = side == 0 ? j - 1 : j + 1;

				floor_y = boxes[p].y + boxes[p].h + 2;
			}
			b->y = fmax(want, floor_y);
			b->x = side == 0 ? colx : colx - b->w;
			b->ca = side == 0 ? 1 : -1;
			b->leader = 1;
		}
		/* Then bottom-up, pushing blocks back above the bottom. */
		for (k = count; k-- > 0;) {
			size_t j = side == 0 ? first + k : c->n - 1 - k;
			double ceil_y = y1;

			if (k + 1 < count) {
				size_t q = side == 0 ? j + 1 : j - 1;

				ceil_y = boxes[q].y - 2;
			}
			boxes[j].y = fmin(boxes[j].y, ceil_y - boxes[j].h);
		}
		for (k = 0; k < count; k++) {
			radar_box *b = &boxes[first + k];

			if (b->y < y0 - 0.01) {
				fits = 0;
				b->y = y0;
			}
		}
	}
	return fits;
}

/* Draw the label block of axis i. */
static void radar_label(impact__draw *d, const impact__radar *c, size_t i,
                        const radar_box *b)
{
	char unit[IMPACT_NUMBER_MAX * 4], ref[IMPACT_NUMBER_MAX];
	PangoAlignment align = b->ca > 0.3 ? PANGO_ALIGN_LEFT
	                       : b->ca < -0.3 ? PANGO_ALIGN_RIGHT
	                       : PANGO_ALIGN_CENTER;
	double uw = 0, rw = 0, vw, vx, cy;
	int missing;

	radar_values(d, c, i, unit, ref, sizeof(unit), &missing);
	/* The label is laid out in a column of the block's width, so that
	 * its lines align the way the block does. */
	impact__text_lines(d, c->labels[i], b->x, b->y, b->w, RADAR_SIZE, 0,
	                   missing ? &impact__c_grey : &impact__c_ink, align,
	                   b->lines);
	if (!unit[0] && !ref[0])
		return;
	if (unit[0])
		uw = fmin(impact__text_width(d, unit, RADAR_SIZE, !missing), b->w);
	if (ref[0])
		rw = impact__text_width(d, ref, RADAR_SIZE, 0);
	vw = uw + (uw > 0 && rw > 0 ? 5 : 0) + rw;
	vx = align == PANGO_ALIGN_LEFT ? b->x
	     : align == PANGO_ALIGN_RIGHT ? b->x + b->w - vw
	     : b->x + (b->w - vw) / 2;
	cy = b->y + b->label_h + impact__line_height(d, RADAR_SIZE, 1) / 2;
	if (unit[0])
		impact__text_line(d, unit, vx, cy, b->w, RADAR_SIZE, !missing,
		                  missing ? &impact__c_grey : &impact__c_blue, 0);
	if (ref[0])
		impact__text_line(d, ref, vx + vw - rw, cy, 0, RADAR_SIZE, 0,
		                  &impact__c_vermilion, 0);
}

/* The path of the series `v` (NaN: a gap) as line segments between
 * neighbouring axes that both have a value; returns the segments. */
static size_t radar_path(impact__draw *d, const impact__radar *c,
                         const double *v, double cx, double cy, double r)
{
	size_t i, segs = 0;

	cairo_new_path(d->cr);
	for (i = 0; i < c->n; i++) {
		size_t j = (i + 1) % c->n;
		double x0, y0, x1, y1;

		if (isnan(v[i]) || isnan(v[j]))
			continue;
		impact__radar_point(cx, cy, r, i, c->n, v[i], &x0, &y0);
		impact__radar_point(cx, cy, r, j, c->n, v[j], &x1, &y1);
		cairo_move_to(d->cr, x0, y0);
		cairo_line_to(d->cr, x1, y1);
		segs++;
	}
	return segs;
}

/* Whether v is NaN or a share, in [0, 1]. */
static int share_or_nan(double v)
{
	return isnan(v) || (v >= -1e-9 && v <= 1 + 1e-9);
}

/* With one or two axes a radar is no shape: horizontal bars instead. */
static int radar_as_bars(impact__draw *d, double x, double y, double w,
                         double h, const impact__radar *c)
{
	impact__bar_row rows[2];
	char text[2][IMPACT_NUMBER_MAX];
	impact__bars b;
	size_t i;
	int any_ref = 0;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < c->n; i++) {
		rows[i].label = c->labels[i];
		rows[i].value = c->values[i] * 100;
		rows[i].lo = rows[i].hi = NAN;
		rows[i].reference = c->reference ? c->reference[i] * 100 : NAN;
		any_ref |= isfinite(rows[i].reference);
		impact__format_pct(d, text[i], sizeof(text[i]), c->values[i], 0);
		rows[i].value_text = isnan(c->values[i]) ? NULL : text[i];
		rows[i].suppressed = c->suppressed;
	}
	b.t = c->t;
	b.n = c->n;
	b.rows = rows;
	b.axis_lo = 0;
	b.axis_hi = 100;
	b.axis_decimals = 0;
	b.axis_unit = strcmp(d->lang, "en") == 0 ? "%" : "\xe2\x80\xaf%";
	b.legend_value = c->series_label;
	b.legend_reference = any_ref ? c->reference_label : NULL;
	return impact__chart_bars(d, x, y, w, h, &b);
}

int impact__chart_radar(impact__draw *d, double x, double y, double w,
                        double h, const impact__radar *c)
{
	impact__legend_item items[3];
	radar_box *boxes = NULL;
	double bx = x + PAD, by = y + PAD, bw = w - 2 * PAD, bh = h - 2 * PAD;
	double top, px0, py0, px1, py1, cx, cy, r, rmax, rmin;
	size_t i, k;
	int any_ref = 0;

	assert(d && c);
	if (c->n > 0 && (!c->labels || !c->values))
		return -1;
	/* Shares in [0, 1] or NaN: a value out of range is most likely a
	 * percentage passed by mistake, better refused than clamped. */
	for (i = 0; i < c->n; i++) {
		if (!c->labels[i] || !share_or_nan(c->values[i])
		    || (c->reference && !share_or_nan(c->reference[i])))
			return -1;
		any_ref |= c->reference && isfinite(c->reference[i]);
	}
	if (c->n > 0 && c->n < 3)
		return radar_as_bars(d, x, y, w, h, c);
	if (c->n > 0 && !(boxes = calloc(c->n, sizeof(*boxes))))
		return -1;
	impact__chart_begin(d, x, y, w, h);
	top = by + impact__chart_header(d, &c->t, bx, by, bw, 1);
	if (c->n == 0) {
		impact__chart_empty(d, bx, top, bw, by + bh - top, c->t.no_data);
		goto done;
	}
	items[0].symbol = IMPACT__SYM_LINE;
	items[0].colour = &impact__c_blue;
	items[0].text = c->suppressed ? NULL : c->series_label;
	items[1].symbol = IMPACT__SYM_DASH;
	items[1].colour = &impact__c_vermilion;
	items[1].text = any_ref ? c->reference_label : NULL;
	items[2].symbol = IMPACT__SYM_HATCH;
	items[2].colour = NULL;
	items[2].text = c->suppressed ? c->t.suppressed_text : NULL;
	if (impact__legend(d, items, 3, bx, top, bw, 0) > 0)
		top += impact__legend(d, items, 3, bx, top, bw, 1) + 4;
	px0 = bx;
	px1 = bx + bw;
	py0 = top;
	py1 = by + bh;
	cx = (px0 + px1) / 2;
	cy = (py0 + py1) / 2;
	rmax = fmin(px1 - px0, py1 - py0) / 2 - RADAR_GAP;
	rmin = fmin(RADAR_R_MIN, rmax);
	if (rmax < 4)
		goto done;
	/* Labels around the circle, unless labels in two columns give a
	 * clearly larger circle (wide boxes). */
	{
		radar_box *cols = calloc(c->n, sizeof(*cols));
		double rc = 0, stop;
		int cols_fit = 0;

		if (cols)
			cols_fit = radar_columns(d, c, cx, cy, px0, py0, px1, py1,
			                         &rc, cols);
		stop = cols_fit ? fmax(rmin, 0.9 * rc) : rmin;
		for (r = rmax; r >= stop; r -= 2)
			if (radar_place(d, c, cx, cy, r, px0, py0, px1, py1, boxes,
			                1))
				break;
		if (r < stop && cols) {
			r = rc;
			memcpy(boxes, cols, c->n * sizeof(*cols));
		} else if (r < stop) {
			r = rmin;
			radar_place(d, c, cx, cy, r, px0, py0, px1, py1, boxes, 0);
		}
		free(cols);
	}

	/* Grid: rings at 25, 50, 75 and 100 %, and the spokes. */
	for (k = 1; k <= 4; k++) {
		cairo_new_sub_path(d->cr);
		cairo_arc(d->cr, cx, cy, r * (double)k / 4, 0, 2 * G_PI);
		impact__draw_colour(d, k == 4 ? &impact__c_rule
		                    : &impact__c_grid);
		cairo_set_line_width(d->cr, k == 4 ? 0.8 : 0.6);
		cairo_stroke(d->cr);
	}
	for (i = 0; i < c->n; i++) {
		double ex, ey;

		impact__radar_point(cx, cy, r, i, c->n, 1, &ex, &ey);
		impact__line(d, cx, cy, ex, ey, 0.6, &impact__c_grid, 0);
	}
	if (c->suppressed) {
		cairo_save(d->cr);
		cairo_new_sub_path(d->cr);
		cairo_arc(d->cr, cx, cy, r, 0, 2 * G_PI);
		cairo_clip(d->cr);
		impact__hatch_rect(d, cx - r, cy - r, 2 * r, 2 * r);
		cairo_restore(d->cr);
	}
	/* Labels of the 50 and 100 % rings between the first two axes,
	 * under the data. */
	for (k = 2; k <= 4; k += 2) {
		char pct[IMPACT_NUMBER_MAX];
		double a = -G_PI / 2 + G_PI / (double)c->n, rk = r * k / 4.0;

		impact__format_pct(d, pct, sizeof(pct), (double)k / 4, 0);
		impact__text_line_halo(d, pct, cx + rk * cos(a) + 1.5,
		                       cy + rk * sin(a) + 4, 0, IMPACT__FONT_MIN,
		                       0, &impact__c_grey, 0);
	}

	if (any_ref && radar_path(d, c, c->reference, cx, cy, r)) {
		static const double dash[2] = { 3.5, 2.2 };

		cairo_save(d->cr);
		cairo_set_dash(d->cr, dash, 2, 0);
		cairo_set_line_cap(d->cr, CAIRO_LINE_CAP_ROUND);
		impact__draw_colour(d, &impact__c_vermilion);
		cairo_set_line_width(d->cr, 1.4);
		cairo_stroke(d->cr);
		cairo_restore(d->cr);
	}
	if (!c->suppressed) {
		/* The area: one triangle from the centre per pair of
		 * neighbouring values, so that a missing value leaves a
		 * visible notch. */
		cairo_new_path(d->cr);
		for (i = 0; i < c->n; i++) {
			size_t j = (i + 1) % c->n;
			double x0, y0, x1, y1;

			if (isnan(c->values[i]) || isnan(c->values[j]))
				continue;
			impact__radar_point(cx, cy, r, i, c->n, c->values[i],
			                    &x0, &y0);
			impact__radar_point(cx, cy, r, j, c->n, c->values[j],
			                    &x1, &y1);
			cairo_move_to(d->cr, cx, cy);
			cairo_line_to(d->cr, x0, y0);
			cairo_line_to(d->cr, x1, y1);
			cairo_close_path(d->cr);
		}
		cairo_set_source_rgba(d->cr, impact__c_blue.r,
		                      impact__c_blue.g, impact__c_blue.b, 0.16);
		cairo_fill(d->cr);
		if (radar_path(d, c, c->values, cx, cy, r)) {
			impact__draw_colour(d, &impact__c_blue);
			cairo_set_line_width(d->cr, 1.8);
			cairo_set_line_cap(d->cr, CAIRO_LINE_CAP_ROUND);
			cairo_stroke(d->cr);
		}
		for (i = 0; i < c->n; i++) {
			double px, py;

			if (isnan(c->values[i]))
				continue;
			impact__radar_point(cx, cy, r, i, c->n, c->values[i],
			                    &px, &py);
			impact__dot(d, px, py, 2.6, &impact__c_blue,
			            &impact__c_white, 0.8);
		}
	} else if (c->t.suppressed_text) {
		impact__text_pill(d, c->t.suppressed_text, cx, cy,
		                  fmin(2 * r + 2 * RADAR_GAP, px1 - px0),
		                  IMPACT__SIZE_VALUE, &impact__c_grey);
	}
	for (i = 0; i < c->n; i++) {
		const radar_box *b = &boxes[i];
		double ex, ey, lx, ly;

		if (b->leader) {
			impact__radar_point(cx, cy, r + 3, i, c->n, 1, &ex, &ey);
			lx = b->ca > 0 ? b->x - 2 : b->x + b->w + 2;
			ly = b->y + fmin(b->label_h, impact__line_height(
			     d, RADAR_SIZE, 0)) / 2;
			impact__line(d, ex, ey, lx, ly, 0.5, &impact__c_rule, 0);
		}
		radar_label(d, c, i, b);
	}
done:
	impact__chart_end(d);
	free(boxes);
	return 0;
}

/* ------------------------------------------------------------------ */
/* 5. Trend                                                            */
/* ------------------------------------------------------------------ */

/* Whether period i of a trend has a value to plot. */
static int trend_shown(const impact__trend *c, size_t i)
{
	return !(c->suppressed && c->suppressed[i]) && isfinite(c->value[i]);
}

/* Whether period i has a confidence interval to draw. */
static int trend_band(const impact__trend *c, size_t i)
{
	return trend_shown(c, i) && c->lo && c->hi && isfinite(c->lo[i])
	       && isfinite(c->hi[i]);
}

/* Whether period i has an interval and no neighbour with one: it is
 * drawn as a whisker, not a band. */
static int trend_alone(const impact__trend *c, size_t i)
{
	return trend_band(c, i) && !(i > 0 && trend_band(c, i - 1))
	       && !(i + 1 < c->n && trend_band(c, i + 1));
}

int impact__trend_range(const impact__trend *c, double *lo, double *hi,
                        double *step)
{
	double mn = INFINITY, mx = -INFINITY, span;
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (trend_shown(c, i)) {
			mn = fmin(mn, c->value[i]);
			mx = fmax(mx, c->value[i]);
		}
		if (trend_band(c, i)) {
			mn = fmin(mn, fmin(c->lo[i], c->hi[i]));
			mx = fmax(mx, fmax(c->lo[i], c->hi[i]));
		}
		if (c->reference && isfinite(c->reference[i])) {
			mn = fmin(mn, c->reference[i]);
			mx = fmax(mx, c->reference[i]);
		}
	}
	if (!(mn <= mx)) {
		*lo = 0;
		*hi = 1;
		*step = 0.2;
		return -1;
	}
	span = mx - mn;
	if (span < 0.1) {
		double mid = (mn + mx) / 2;
		int unit = mn >= 0 && mx <= 1;

		mn = mid - 0.05;
		mx = mid + 0.05;
		/* Data in [0, 1] (an index, a share) keep an axis there. */
		if (mn < 0 && mid >= 0) {
			mx -= mn;
			mn = 0;
		}
		if (unit && mx > 1) {
			mn -= mx - 1;
			mx = 1;
		}
	}
	*step = impact__nice_step(mx - mn, 6);
	*lo = floor(mn / *step + 1e-9) * *step;
	*hi = ceil(mx / *step - 1e-9) * *step;
	if (*hi - *lo < *step / 2)
		*hi = *lo + *step;
	return 0;
}

/* The x of period i of a trend in the plot from x0 to x1. */
static double trend_x(const impact__trend *c, size_t i, double x0, double x1)
{
	double span = (double)c->periods[c->n - 1] - (double)c->periods[0];

	if (c->n == 1 || !(span > 0))
		return (x0 + x1) / 2;
	return x0 + ((double)c->periods[i] - (double)c->periods[0]) / span
	            * (x1 - x0);
}

int impact__chart_trend(impact__draw *d, double x, double y, double w,
                        double h, const impact__trend *c)
{
	impact__legend_item items[4];
	double bx = x + PAD, by = y + PAD, bw = w - 2 * PAD, bh = h - 2 * PAD;
	double top, lo, hi, step, t, gutter = 0, px0, px1, py0, py1, m;
	double vlh, xlh, last_right = -INFINITY;
	char buf[IMPACT_NUMBER_MAX];
	int ydec, any_ref = 0, any_band = 0, any_sup = 0, any_run = 0;
	int any_shown = 0;
	size_t i, run;

	assert(d && c);
	if (c->n > 0 && (!c->periods || !c->value))
		return -1;
	for (i = 1; i < c->n; i++)
		if (c->periods[i] <= c->periods[i - 1])
			return -1;
	for (i = 0; i < c->n; i++) {
		any_ref |= c->reference && isfinite(c->reference[i]);
		any_band |= trend_band(c, i);
		any_shown |= trend_shown(c, i);
		any_run |= trend_band(c, i) && !trend_alone(c, i);
		any_sup |= c->suppressed && c->suppressed[i];
	}
	impact__chart_begin(d, x, y, w, h);
	top = by + impact__chart_header(d, &c->t, bx, by, bw, 1);
	if (c->n == 0) {
		impact__chart_empty(d, bx, top, bw, by + bh - top, c->t.no_data);
		goto done;
	}
	items[0].symbol = IMPACT__SYM_LINE;
	items[0].colour = &impact__c_blue;
	items[0].text = any_shown ? c->series_label : NULL;
	items[1].symbol = any_run ? IMPACT__SYM_BAND : IMPACT__SYM_WHISKER;
	items[1].colour = &impact__c_blue;
	items[1].text = any_band ? c->band_label : NULL;
	items[2].symbol = IMPACT__SYM_DASH;
	items[2].colour = &impact__c_vermilion;
	items[2].text = any_ref ? c->reference_label : NULL;
	items[3].symbol = IMPACT__SYM_HATCH;
	items[3].colour = NULL;
	items[3].text = any_sup ? c->t.suppressed_text : NULL;
	if (impact__legend(d, items, 4, bx, top, bw, 0) > 0)
		top += impact__legend(d, items, 4, bx, top, bw, 1) + 6;

	impact__trend_range(c, &lo, &hi, &step);
	ydec = impact__step_decimals(step);
	for (t = lo; t <= hi + step / 2; t += step)
		gutter = fmax(gutter, impact__text_width(
		              d, impact__format(d, buf, sizeof(buf), t, ydec),
		              IMPACT__SIZE_TICK, 0));
	vlh = impact__line_height(d, IMPACT__SIZE_VALUE, 1);
	xlh = impact__line_height(d, IMPACT__SIZE_TICK + 0.5, 0);
	px0 = bx + gutter + 6;
	px1 = bx + bw;
	py0 = top + vlh + 4;         /* room for a value label on top */
	py1 = by + bh - xlh - 4;
	if (py1 - py0 < 20 || px1 - px0 < 40)
		goto done;
	/* Points stay far enough from the ends for their labels, centred
	 * on them, to fit. */
	m = 10;
	for (i = 0; i < c->n; i++) {
		snprintf(buf, sizeof(buf), "%d", c->periods[i]);
		m = fmax(m, impact__text_width(d, buf, IMPACT__SIZE_TICK + 0.5,
		                               0) / 2 + 2);
		if (trend_shown(c, i))
			m = fmax(m, impact__text_width(
			         d, impact__format(d, buf, sizeof(buf),
			                           c->value[i], c->decimals),
			         IMPACT__SIZE_VALUE, 1) / 2 + 2);
	}
	m = fmin(m, (px1 - px0) / 3);

	/* Horizontal grid and its labels. */
	for (t = lo; t <= hi + step / 2; t += step) {
		double gy = py1 - (t - lo) / (hi - lo) * (py1 - py0);

		impact__line(d, px0, gy, px1, gy, fabs(t - lo) < step / 2
		             ? 0.8 : 0.5, fabs(t - lo) < step / 2
		             ? &impact__c_rule : &impact__c_grid, 0);
		impact__text_line(d, impact__format(d, buf, sizeof(buf), t,
		                                    ydec),
		                  px0 - 5, gy, 0, IMPACT__SIZE_TICK, 0,
		                  &impact__c_grey, 1);
	}
#define TY(v) (py1 - ((v) - lo) / (hi - lo) * (py1 - py0))
#define TX(k) trend_x(c, (k), px0 + m, px1 - m)
	/* Period labels, a label left out when it would touch the last. */
	for (i = 0; i < c->n; i++) {
		double lw, lx;

		snprintf(buf, sizeof(buf), "%d", c->periods[i]);
		lw = impact__text_width(d, buf, IMPACT__SIZE_TICK + 0.5, 0);
		lx = TX(i) - lw / 2;
		if (lx < last_right + 6)
			continue;
		impact__line(d, TX(i), py1, TX(i), py1 + 2.5, 0.6,
		             &impact__c_rule, 0);
		impact__text_line(d, buf, lx, py1 + 3 + xlh / 2, 0,
		                  IMPACT__SIZE_TICK + 0.5, 0, &impact__c_grey, 0);
		last_right = lx + lw;
	}
	/* The band, run by run of neighbouring periods that have one; a
	 * period alone gets a whisker. */
	for (i = 0; i < c->n; i = run) {
		size_t j, e;

		run = i + 1;
		if (!trend_band(c, i))
			continue;
		for (e = i; e + 1 < c->n && trend_band(c, e + 1); e++)
			;
		run = e + 1;
		if (e == i) {
			impact__whisker_v(d, TX(i), TY(fmax(lo, fmin(hi,
			                  c->hi[i]))), TY(fmax(lo, fmin(hi,
			                  c->lo[i]))), 3.5, 1.2, &impact__c_blue);
			continue;
		}
		cairo_new_path(d->cr);
		for (j = i; j <= e; j++)
			cairo_line_to(d->cr, TX(j), TY(c->hi[j]));
		for (j = e + 1; j-- > i;)
			cairo_line_to(d->cr, TX(j), TY(c->lo[j]));
		cairo_close_path(d->cr);
		cairo_set_source_rgba(d->cr, impact__c_blue.r,
		                      impact__c_blue.g, impact__c_blue.b, 0.14);
		cairo_fill(d->cr);
	}
	/* The reference, dashed, with gaps where it has no value. */
	if (any_ref) {
		static const double dash[2] = { 4, 2.5 };

		cairo_save(d->cr);
		cairo_new_path(d->cr);
		for (i = 0; i + 1 < c->n; i++) {
			if (!isfinite(c->reference[i])
			    || !isfinite(c->reference[i + 1]))
				continue;
			cairo_move_to(d->cr, TX(i), TY(c->reference[i]));
			cairo_line_to(d->cr, TX(i + 1), TY(c->reference[i + 1]));
		}
		cairo_set_dash(d->cr, dash, 2, 0);
		impact__draw_colour(d, &impact__c_vermilion);
		cairo_set_line_width(d->cr, 1.4);
		cairo_stroke(d->cr);
		cairo_restore(d->cr);
		for (i = 0; i < c->n; i++)
			if (isfinite(c->reference[i]))
				impact__dot(d, TX(i), TY(c->reference[i]), 2,
				            &impact__c_vermilion, NULL, 0);
	}
	/* The series: segments between neighbouring shown periods. */
	cairo_new_path(d->cr);
	for (i = 0; i + 1 < c->n; i++) {
		if (!trend_shown(c, i) || !trend_shown(c, i + 1))
			continue;
		cairo_move_to(d->cr, TX(i), TY(c->value[i]));
		cairo_line_to(d->cr, TX(i + 1), TY(c->value[i + 1]));
	}
	impact__draw_colour(d, &impact__c_blue);
	cairo_set_line_width(d->cr, 2);
	cairo_set_line_cap(d->cr, CAIRO_LINE_CAP_ROUND);
	cairo_stroke(d->cr);
	last_right = -INFINITY;
	for (i = 0; i < c->n; i++) {
		double px = TX(i), lw, lx, ly;

		if (c->suppressed && c->suppressed[i]) {
			impact__hatch_rect(d, px - 5, py1 - 11, 10, 10);
			continue;
		}
		if (!trend_shown(c, i))
			continue;
		impact__dot(d, px, TY(c->value[i]), 3.2, &impact__c_blue,
		            &impact__c_white, 1);
		impact__format(d, buf, sizeof(buf), c->value[i], c->decimals);
		lw = impact__text_width(d, buf, IMPACT__SIZE_VALUE, 1);
		if (trend_alone(c, i)) {
			/* Beside a whisker, not on it. */
			lx = px + 7 + lw <= px1 ? px + 7 : px - 7 - lw;
			ly = TY(c->value[i]);
		} else {
			/* Above the point, or below when the top is near. */
			lx = px - lw / 2;
			ly = TY(c->value[i]) - 5 - vlh / 2;
			if (ly - vlh / 2 < py0 - vlh - 3)
				ly = TY(c->value[i]) + 5 + vlh / 2;
		}
		if (lx < last_right + 3 || lx < bx)
			continue;
		impact__text_line_halo(d, buf, lx, ly, 0, IMPACT__SIZE_VALUE, 1,
		                       &impact__c_ink, 0);
		last_right = lx + lw;
	}
#undef TX
#undef TY
done:
	impact__chart_end(d);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Thin wrappers with the impact__chart_fn signature                   */
/* ------------------------------------------------------------------ */

int impact__chart_radar_fn(impact__draw *d, double x, double y, double w,
                           double h, const void *chart)
{
	return impact__chart_radar(d, x, y, w, h, chart);
}

int impact__chart_bars_fn(impact__draw *d, double x, double y, double w,
                          double h, const void *chart)
{
	return impact__chart_bars(d, x, y, w, h, chart);
}

int impact__chart_groups_fn(impact__draw *d, double x, double y, double w,
                            double h, const void *chart)
{
	return impact__chart_groups(d, x, y, w, h, chart);
}

int impact__chart_contributions_fn(impact__draw *d, double x, double y,
                                   double w, double h, const void *chart)
{
	return impact__chart_contributions(d, x, y, w, h, chart);
}

int impact__chart_trend_fn(impact__draw *d, double x, double y, double w,
                           double h, const void *chart)
{
	return impact__chart_trend(d, x, y, w, h, chart);
}

int impact__chart_compare_fn(impact__draw *d, double x, double y, double w,
                             double h, const void *chart)
{
	return impact__chart_compare(d, x, y, w, h, chart);
}

int impact__chart_map_fn(impact__draw *d, double x, double y, double w,
                         double h, const void *chart)
{
	return impact__chart_map(d, x, y, w, h, chart);
}

/* ------------------------------------------------------------------ */
/* Writing one chart to a file                                         */
/* ------------------------------------------------------------------ */

/* Output formats. */
enum { FMT_PNG, FMT_SVG, FMT_PDF };

/* Where Cairo's bytes go: a file, with the first write error kept. */
typedef struct {
	FILE *fp;          /* the temporary file */
	int err;           /* errno of the first failed write, 0 if none */
} sink;

/* Cairo write callback: append to the sink's file. */
static cairo_status_t sink_write(void *closure, const unsigned char *data,
                                 unsigned int length)
{
	sink *s = closure;

	if (fwrite(data, 1, length, s->fp) != length) {
		if (!s->err)
			s->err = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* Write a message into err (when given); returns -1. */
static int fail(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	if (err && errsize) {
		va_start(ap, fmt);
		vsnprintf(err, errsize, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The format of `path` from `format` or, when NULL, its extension; -1
 * when unknown. */
static int chart_format(const char *path, const char *format)
{
	const char *dot;

	if (!format) {
		dot = strrchr(path, '.');
		if (!dot || strchr(dot, '/'))
			return -1;
		format = dot + 1;
	}
	if (strcasecmp(format, "png") == 0)
		return FMT_PNG;
	if (strcasecmp(format, "svg") == 0)
		return FMT_SVG;
	if (strcasecmp(format, "pdf") == 0)
		return FMT_PDF;
	return -1;
}

/* Describe a Cairo failure while writing `path`. */
static int cairo_fail(char *err, size_t errsize, cairo_status_t st,
                      const sink *s, const char *path)
{
	if (st == CAIRO_STATUS_WRITE_ERROR && s->err)
		return fail(err, errsize, "cannot write chart '%s': %s", path,
		            strerror(s->err));
	return fail(err, errsize, "cannot draw chart '%s': %s", path,
	            cairo_status_to_string(st));
}

int impact__chart_write(const char *path, const char *format, double w_pt,
                        double h_pt, const char *lang, impact__chart_fn fn,
                        const void *chart, char *err, size_t errsize)
{
	cairo_surface_t *surface = NULL;
	cairo_t *cr = NULL;
	cairo_status_t st;
	impact__draw d;
	sink s = { NULL, 0 };
	char *tmp = NULL;
	size_t size;
	int fmt, fd = -1, k, rc = -1, have_d = 0;

	assert(path && fn);
	if (err && errsize)
		err[0] = '\0';
	fmt = chart_format(path, format);
	if (fmt < 0)
		return fail(err, errsize, "unknown chart format '%s' for '%s': "
		            "expected png, svg or pdf",
		            format ? format : "", path);
	if (!(w_pt >= 1 && w_pt <= 14400 && h_pt >= 1 && h_pt <= 14400))
		return fail(err, errsize, "invalid chart size %g x %g points "
		            "for '%s': expected 1 to 14400", w_pt, h_pt, path);
	size = strlen(path) + 48;
	if (!(tmp = malloc(size)))
		return fail(err, errsize, "out of memory writing chart '%s'",
		            path);
	for (k = 0; k < 100; k++) {
		snprintf(tmp, size, "%s.tmp-%ld-%d", path, (long)getpid(), k);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = fail(err, errsize, "cannot write chart '%s': %s", path,
		          strerror(errno));
		free(tmp);
		return rc;
	}
	if (!(s.fp = fdopen(fd, "wb"))) {
		rc = fail(err, errsize, "cannot write chart '%s': %s", path,
		          strerror(errno));
		close(fd);
		goto done;
	}
	if (fmt == FMT_PNG)
		surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
		                                     (int)ceil(w_pt * 2),
		                                     (int)ceil(h_pt * 2));
	else if (fmt == FMT_SVG)
		surface = cairo_svg_surface_create_for_stream(sink_write, &s,
		                                              w_pt, h_pt);
	else
		surface = cairo_pdf_surface_create_for_stream(sink_write, &s,
		                                              w_pt, h_pt);
	if ((st = cairo_surface_status(surface)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_fail(err, errsize, st, &s, path);
		goto done;
	}
	if (fmt == FMT_SVG)
		cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT);
	if (fmt == FMT_PDF)
		cairo_pdf_surface_set_metadata(surface,
		                               CAIRO_PDF_METADATA_CREATOR,
		                               "impact " IMPACT_VERSION);
	cr = cairo_create(surface);
	if ((st = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_fail(err, errsize, st, &s, path);
		goto done;
	}
	if (fmt == FMT_PNG)
		cairo_scale(cr, 2, 2);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	if (impact__draw_init(&d, cr, lang) != 0) {
		rc = fail(err, errsize, "cannot draw chart '%s': font '"
		          IMPACT__FONT_FAMILY "' not found (install the Debian "
		          "package fonts-dejavu-core) or out of memory", path);
		goto done;
	}
	have_d = 1;
	if (fn(&d, 0, 0, w_pt, h_pt, chart) != 0) {
		rc = fail(err, errsize, "cannot draw chart '%s': its data are "
		          "unusable", path);
		goto done;
	}
	impact__draw_release(&d);
	have_d = 0;
	if ((st = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_fail(err, errsize, st, &s, path);
		goto done;
	}
	cairo_destroy(cr);
	cr = NULL;
	if (fmt == FMT_PNG)
		st = cairo_surface_write_to_png_stream(surface, sink_write, &s);
	else {
		cairo_surface_finish(surface);
		st = cairo_surface_status(surface);
	}
	if (st != CAIRO_STATUS_SUCCESS) {
		rc = cairo_fail(err, errsize, st, &s, path);
		goto done;
	}
	if (fflush(s.fp) != 0 || fsync(fileno(s.fp)) != 0) {
		rc = fail(err, errsize, "cannot write chart '%s': %s", path,
		          strerror(errno));
		goto done;
	}
	k = fclose(s.fp);
	s.fp = NULL;
	if (k != 0) {
		rc = fail(err, errsize, "cannot write chart '%s': %s", path,
		          strerror(errno));
		goto done;
	}
	if (rename(tmp, path) != 0) {
		rc = fail(err, errsize, "cannot write chart '%s': %s", path,
		          strerror(errno));
		goto done;
	}
	free(tmp);
	tmp = NULL;
	rc = 0;
done:
	if (have_d)
		impact__draw_release(&d);
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
	if (s.fp)
		fclose(s.fp);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	return rc;
}
