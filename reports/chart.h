/*
 * reports/chart.h: the charts of the dashboards (internal to libimpact,
 * never installed).
 *
 * Every chart draws inside the box (x, y, w, h), in points, with the
 * primitives of reports/draw.h: its own title (bold), subtitle (units and
 * n, given by the caller), axis labels and legend.  Labels come
 * translated from the caller; numbers the chart prints itself go through
 * impact_format_number() in d->lang.  Nothing overlaps and nothing leaves
 * the box: long labels wrap to two lines, then are ellipsized; text is
 * never below 6.5 points.  A box too small for its content is filled with
 * what fits (rows beyond the box are left out: size boxes with
 * impact__chart_bars_height(), _groups_height(), _contributions_height()
 * and _compare_height(); the radar, the trend and the map fit any box)
 * and, unless d->unclipped, clipped to the box as a safety net.
 *
 * Disclosure control: a value marked suppressed (fewer than
 * IMPACT_MIN_PUBLISHED_N respondents) is drawn as the hatched placeholder
 * with the caller's text, and its number is never drawn.
 *
 * Every chart returns 0, or -1 when its data are unusable (a NULL array
 * with n > 0, an impossible axis, a NaN where no gap is possible, ...):
 * the data are checked before anything is drawn, so -1 draws nothing.
 * n == 0 is not an error: the title and the caller's `no_data` message
 * are drawn.
 *
 * Files: chart.c (shared layout, radar, trend, writing files),
 * chart_bars.c (bars, groups, contributions, places compared),
 * chart_map.c (the map and its GeoJSON outlines).
 */
#ifndef IMPACT_REPORTS_CHART_H
#define IMPACT_REPORTS_CHART_H

#include <stddef.h>

#include "draw.h"

/* The words every chart takes from its caller (all borrowed). */
typedef struct {
	const char *title;            /* bold, up to 2 lines */
	const char *subtitle;         /* units and n, e.g. "part de
	                               * suffisance, 0–100 %, n = 48"; NULL:
	                               * none */
	const char *no_data;          /* text when nothing can be drawn */
	const char *suppressed_text;  /* "non publié (n < 5)" */
} impact__chart_text;

/* ------------------------------------------------------------------ */
/* 1. Domains as a radar ("flower")                                    */
/* ------------------------------------------------------------------ */

/*
 * A unit's domains against a reference (its territory), values in [0, 1]
 * shown as percentages.  With n >= 3 axes, a radar: rings at 25, 50, 75
 * and 100 %, the unit as a blue filled polygon, the reference as a
 * dashed vermilion outline, each axis labelled outside the circle with
 * the unit's value (blue) and the reference's (vermilion).  A NaN value
 * leaves a gap in the polygon and `missing_text` under its label.  With 1
 * or 2 axes, horizontal bars (impact__chart_bars) instead.
 */
typedef struct {
	impact__chart_text t;
	size_t n;                        /* axes */
	const char *const *labels;       /* axis labels (wrap outside) */
	const double *values;            /* the unit, 0..1 or NaN */
	const double *reference;         /* NULL or 0..1 or NaN */
	const char *series_label;        /* legend: the unit; NULL: none */
	const char *reference_label;     /* legend: the reference */
	int suppressed;                  /* whole unit suppressed */
	const char *missing_text;        /* under a NaN axis; NULL: t.no_data */
} impact__radar;

int impact__chart_radar(impact__draw *d, double x, double y, double w,
                        double h, const impact__radar *c);

/*
 * The point of value v (clamped to [0, 1]) on axis i of n of a radar
 * centred on (cx, cy) with radius r: axis 0 points up, the others follow
 * clockwise (as on a clock face), so v = 1 on axis 0 is (cx, cy - r).
 */
void impact__radar_point(double cx, double cy, double r, size_t i,
                         size_t n, double v, double *px, double *py);

/* ------------------------------------------------------------------ */
/* 2. Indicators as horizontal bars with confidence whiskers           */
/* ------------------------------------------------------------------ */

/* One row of a bar chart. */
typedef struct {
	const char *label;               /* left column, up to 2 lines */
	double value, lo, hi;            /* lo/hi NaN: no interval */
	double reference;                /* NaN: none */
	const char *value_text;          /* printed right of the row, e.g.
	                                  * "64,2 %"; NULL: none */
	int suppressed;                  /* hatched, no number, no marker */
} impact__bar_row;

/*
 * Rows of a label, a blue bar from the axis origin (0 when inside the
 * axis, else axis_lo) with its 95 % whisker, an optional vermilion
 * reference tick and the caller's value text in a column on the right.
 * Tick labels above the plot, light vertical grid, zebra rows.  Values
 * beyond the axis are drawn at its end.  A NaN value (not suppressed)
 * shows t.no_data in its row.
 */
typedef struct {
	impact__chart_text t;
	size_t n;
	const impact__bar_row *rows;
	double axis_lo, axis_hi;         /* axis_lo < axis_hi, finite */
	int axis_decimals;               /* decimals of the tick labels */
	const char *axis_unit;           /* after tick labels, e.g. " %";
	                                  * NULL: none */
	const char *legend_value, *legend_ci, *legend_reference;
	                                 /* NULL: no legend entry */
} impact__bars;

int impact__chart_bars(impact__draw *d, double x, double y, double w,
                       double h, const impact__bars *c);

/* The height the chart needs at width `w` to show all c->n rows (title,
 * legend, axis and rows), for the caller to paginate. */
double impact__chart_bars_height(impact__draw *d, double w,
                                 const impact__bars *c);

/* ------------------------------------------------------------------ */
/* 3. The four happiness groups as 100 % stacked bars                  */
/* ------------------------------------------------------------------ */

/* One stacked bar: a unit (a place, a territory, a year). */
typedef struct {
	const char *label;               /* left column */
	double share[4];                 /* deeply, extensively, narrowly,
	                                  * unhappy; each >= 0, sum > 0
	                                  * (normalised to 1) */
	long n;                          /* respondents, shown as "n = 48";
	                                  * < 0: not shown */
	int suppressed;                  /* hatched, no number */
} impact__group_bar;

/*
 * One 100 % stacked horizontal bar per unit, in the order given: deeply
 * happy (blue), extensively (sky), narrowly (orange), unhappy
 * (vermilion), a diverging colour-blind-safe order.  Segment labels
 * ("43,8 %") inside when they fit; the legend names the groups.
 */
typedef struct {
	impact__chart_text t;
	size_t n;
	const impact__group_bar *bars;
	const char *group_labels[4];     /* "profondément heureux", ... */
} impact__groups;

int impact__chart_groups(impact__draw *d, double x, double y, double w,
                         double h, const impact__groups *c);

/* The height the chart needs at width `w` to show every bar with labels
 * of up to two lines (a smaller box gets one-line labels, then fewer
 * bars). */
double impact__chart_groups_height(impact__draw *d, double w,
                                   const impact__groups *c);

/* The colour of group g (0 deeply .. 3 unhappy). */
const impact__rgb *impact__group_colour(int g);

/* ------------------------------------------------------------------ */
/* 4. Contributions of the domains to 1 - GNH                          */
/* ------------------------------------------------------------------ */

/*
 * Horizontal bars of shares (0..1, summing to 1) sorted descending, each
 * labelled "15,5 %" at its end; an optional reference as a vermilion
 * tick.  No axis: the direct labels are the scale.
 */
typedef struct {
	impact__chart_text t;
	size_t n;
	const char *const *labels;
	const double *share;             /* >= 0, finite */
	const double *reference;         /* NULL, or per domain (NaN: none) */
	const char *legend_value, *legend_reference;
} impact__contrib;

int impact__chart_contributions(impact__draw *d, double x, double y,
                                double w, double h,
                                const impact__contrib *c);

/* The height the chart needs at width `w` to show every domain with
 * labels of up to two lines (a smaller box gets one-line labels, then
 * fewer domains). */
double impact__chart_contributions_height(impact__draw *d, double w,
                                          const impact__contrib *c);

/* ------------------------------------------------------------------ */
/* 5. The index over the years                                         */
/* ------------------------------------------------------------------ */

/*
 * Points and a line over the periods (x proportional to the period), the
 * 95 % band lo..hi shaded, each point labelled with its value.  The y
 * axis covers every value, bound and reference, spans at least 0.1, is
 * rounded to a nice step and, when the data lie in [0, 1], stays in
 * [0, 1].  One period: a point with a vertical whisker.  A suppressed
 * period: a gap and a hatched marker on the x axis.  An optional
 * reference series (the territory) dashed vermilion.
 */
typedef struct {
	impact__chart_text t;
	size_t n;
	const int *periods;              /* strictly increasing */
	const double *value, *lo, *hi;   /* lo, hi may be NULL (no band) */
	const int *suppressed;           /* NULL: none */
	const double *reference;         /* NULL or per period (NaN: none) */
	int decimals;                    /* 3 for the GNH */
	const char *series_label, *reference_label;
	const char *band_label;          /* legend of the band, e.g. "IC
	                                  * 95 %"; NULL: none */
} impact__trend;

int impact__chart_trend(impact__draw *d, double x, double y, double w,
                        double h, const impact__trend *c);

/*
 * The y axis the trend chart uses: *lo, *hi and the tick *step.  Returns
 * 0, or -1 when there is no finite value to show (the chart then uses
 * 0..1).
 */
int impact__trend_range(const impact__trend *c, double *lo, double *hi,
                        double *step);

/* ------------------------------------------------------------------ */
/* 6. Places compared                                                  */
/* ------------------------------------------------------------------ */

/* One place. */
typedef struct {
	const char *label;
	double value, lo, hi;            /* lo/hi NaN: no whisker */
	long n;                          /* respondents */
	int suppressed;                  /* also when n < IMPACT_MIN_PUBLISHED_N */
} impact__place_point;

/*
 * Up to IMPACT__COMPARE_DOTS_MAX published places, when their rows fit
 * the box: one dot-and-whisker row per place, highest first, the
 * territory as a dashed vermilion line.  More places: a distribution, a
 * histogram and a strip of every value, with the 5 highest and 5 lowest
 * places listed by name.  Suppressed places are only counted
 * (suppressed_count_fmt); places with a NaN value are left out.  An
 * axis with axis_lo >= axis_hi (or NaN) is fitted to the data.
 */
typedef struct {
	impact__chart_text t;
	size_t n;
	const impact__place_point *places;
	double reference;                /* territory value, NaN none */
	const char *reference_label;
	double axis_lo, axis_hi;
	int decimals;
	const char *suppressed_count_fmt; /* printf format with one %zu */
	const char *top_label, *bottom_label; /* "les 5 plus hauts", ... */
	const char *count_label;         /* y axis of the histogram, e.g.
	                                  * "nombre de lieux"; NULL: none */
} impact__compare;

#define IMPACT__COMPARE_DOTS_MAX 30

int impact__chart_compare(impact__draw *d, double x, double y, double w,
                          double h, const impact__compare *c);

/* The height the dot-and-whisker form needs at width `w` (the
 * distribution form, chosen beyond IMPACT__COMPARE_DOTS_MAX places, fits
 * any box from about 160 points). */
double impact__chart_compare_height(impact__draw *d, double w,
                                    const impact__compare *c);

/* ------------------------------------------------------------------ */
/* 7. Map of the places                                                */
/* ------------------------------------------------------------------ */

/* One place on the map. */
typedef struct {
	const char *label;
	double lat, lon;                 /* WGS84 degrees; NaN, out of
	                                  * range or (0, 0): no coordinates */
	double value;                    /* NaN: grey */
	int suppressed;                  /* grey, never coloured */
} impact__map_point;

/* Outlines parsed from GeoJSON (opaque). */
typedef struct impact__geo impact__geo;

/*
 * Places at their coordinates, equirectangular projection with the
 * cos(mean latitude) correction, fitted with a margin in a thin frame;
 * outlines (communes, territory) under them.  Points coloured with
 * impact__sequential() from vmin to vmax, a colour bar labelled with both
 * ends, grey for suppressed or NaN values; labelled when at most 15
 * places have coordinates (a label that would collide is left out);
 * places without coordinates counted in a note.
 */
typedef struct {
	impact__chart_text t;
	size_t n;
	const impact__map_point *points;
	const impact__geo *outlines;     /* NULL: none */
	double vmin, vmax;               /* vmin >= vmax or NaN: from data */
	int decimals;
	const char *value_label;         /* legend title, e.g. "IBB" */
	const char *missing_fmt;         /* "%zu lieux sans coordonnées" */
} impact__map;

int impact__chart_map(impact__draw *d, double x, double y, double w,
                      double h, const impact__map *c);

/*
 * Parse a GeoJSON text (`len` bytes) into *out: the Polygon and
 * MultiPolygon geometries of a FeatureCollection (a single Feature or
 * geometry, and GeometryCollections, are read too; other geometries and
 * null ones are ignored).  Coordinates must be WGS84 longitude, latitude.
 * Returns 0, or -1 with a one-line message in err (NULL allowed):
 * "LINE:COLUMN: invalid JSON: ..." with jansson's position, or the
 * feature and what is wrong.  *out is owned by the caller
 * (impact__geojson_free) and set only on success.
 */
int impact__geojson_parse(const char *text, size_t len, impact__geo **out,
                          char *err, size_t errsize);

/* Free outlines; accepts NULL. */
void impact__geojson_free(impact__geo *g);

/* Counts of what was parsed: polygons, rings (outer and holes), points. */
void impact__geo_counts(const impact__geo *g, size_t *polygons,
                        size_t *rings, size_t *points);

/*
 * The projection of the map: a point (lon, lat) goes to
 * x = ox + s * lon * k, y = oy - s * lat, with k = cos(lat0).
 */
typedef struct {
	double k;          /* cos of the mean latitude */
	double s;          /* points per degree of latitude */
	double ox, oy;     /* offsets */
} impact__projection;

/*
 * Fit the n positions (lon[i], lat[i]) into the rectangle (x, y, w, h)
 * with `margin` points each side, keeping the aspect of the projection
 * with k = cos(lat0 degrees), centred.  A single position (or all equal)
 * is given a span of 0.02 degrees.
 */
void impact__projection_fit(impact__projection *p, const double *lon,
                            const double *lat, size_t n, double lat0,
                            double x, double y, double w, double h,
                            double margin);

/* ------------------------------------------------------------------ */
/* Shared layout                                                       */
/* ------------------------------------------------------------------ */

/* Text sizes of the charts, in points. */
#define IMPACT__SIZE_TITLE 10.5  /* chart title, bold */
#define IMPACT__SIZE_SUB 8.0     /* subtitle, grey */
#define IMPACT__SIZE_LABEL 8.0   /* row and axis labels */
#define IMPACT__SIZE_VALUE 7.5   /* values printed on the chart */
#define IMPACT__SIZE_TICK 7.0    /* tick labels, notes */
#define IMPACT__CHART_PAD 1.5    /* inner margin of every chart box */

/* Start drawing a chart in the box (save the Cairo state, clip to the
 * box unless d->unclipped); impact__chart_end() restores the state. */
void impact__chart_begin(impact__draw *d, double x, double y, double w,
                         double h);
void impact__chart_end(impact__draw *d);

/* Draw title and subtitle at the top of the box (x, y) of width w
 * (`draw` 0: only measure); returns the height they take with the gap
 * below them. */
double impact__chart_header(impact__draw *d, const impact__chart_text *t,
                            double x, double y, double w, int draw);

/* The "nothing to draw" panel: a light area with `msg` centred. */
void impact__chart_empty(impact__draw *d, double x, double y, double w,
                         double h, const char *msg);

/* ------------------------------------------------------------------ */
/* Standalone output                                                   */
/* ------------------------------------------------------------------ */

/* The signature every chart has, the chart behind a const void *. */
typedef int (*impact__chart_fn)(impact__draw *d, double x, double y,
                                double w, double h, const void *chart);

int impact__chart_radar_fn(impact__draw *d, double x, double y, double w,
                           double h, const void *chart);
int impact__chart_bars_fn(impact__draw *d, double x, double y, double w,
                          double h, const void *chart);
int impact__chart_groups_fn(impact__draw *d, double x, double y, double w,
                            double h, const void *chart);
int impact__chart_contributions_fn(impact__draw *d, double x, double y,
                                   double w, double h, const void *chart);
int impact__chart_trend_fn(impact__draw *d, double x, double y, double w,
                           double h, const void *chart);
int impact__chart_compare_fn(impact__draw *d, double x, double y, double w,
                             double h, const void *chart);
int impact__chart_map_fn(impact__draw *d, double x, double y, double w,
                         double h, const void *chart);

/*
 * Render one chart, `fn` drawing `chart`, to the file `path`: PNG, SVG or
 * PDF as `format` says ("png", "svg", "pdf"), or when NULL as the path's
 * extension says.  The page is w_pt by h_pt points (PNG: 2 pixels per
 * point), white.  Written to a temporary file beside `path`, renamed over
 * it on success, so a failure never leaves a damaged file.  Returns 0, or
 * -1 with a one-line message in err (NULL allowed) naming what failed and
 * the path (and strerror for the system's errors).
 */
int impact__chart_write(const char *path, const char *format, double w_pt,
                        double h_pt, const char *lang, impact__chart_fn fn,
                        const void *chart, char *err, size_t errsize);

#endif
