/*
 * reports/chart_map.c: the map of the places, and the GeoJSON outlines
 * drawn under them.
 *
 * impact__geo holds the Polygon and MultiPolygon geometries of a GeoJSON
 * text flattened into three arrays: polygons point at their first ring,
 * rings at their first position, positions are (longitude, latitude)
 * pairs.  A polygon is filled with the even-odd rule, so its holes stay
 * holes.  The map projects longitude and latitude equirectangularly,
 * longitudes shrunk by the cosine of the places' mean latitude (at the
 * latitude of France a degree of longitude is about 0.7 of a degree of
 * latitude), and fits the places and outlines in a frame; the colour
 * legend and the notes take a column on the right.  See reports/chart.h
 * for the contract and reports/draw.c for impact__sequential().
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "impact/reports.h"
#include "chart.h"

#define PAD IMPACT__CHART_PAD
#define MAP_LABELS_MAX 15  /* label the places up to this many */

/* ------------------------------------------------------------------ */
/* GeoJSON                                                             */
/* ------------------------------------------------------------------ */

struct impact__geo {
	size_t *poly_first;   /* first ring of each polygon */
	size_t n_polys, cap_polys;
	size_t *ring_first;   /* first position of each ring */
	size_t n_rings, cap_rings;
	double *xy;           /* longitude, latitude of each position */
	size_t n_points, cap_points;
	double lon_min, lon_max, lat_min, lat_max;  /* bounding box */
};

/* The state of one parse: the outlines built and where the message
 * goes. */
typedef struct {
	impact__geo *g;       /* outlines being built */
	char *err;            /* message buffer, or NULL */
	size_t errsize;       /* its size */
	char where[160];      /* "feature 3: " before a message */
} geo_parse;

/* Record an error about the current feature; returns -1. */
static int geo_fail(geo_parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int geo_fail(geo_parse *p, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!p->err || !p->errsize)
		return -1;
	k = snprintf(p->err, p->errsize, "%s", p->where);
	if (k < 0 || (size_t)k >= p->errsize)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + k, p->errsize - (size_t)k, fmt, ap);
	va_end(ap);
	return -1;
}

/* Make room for one more element in an array of `size`-byte elements. */
static int grow(void **array, size_t *cap, size_t n, size_t size)
{
	void *bigger;
	size_t want;

	if (n < *cap)
		return 0;
	want = *cap ? 2 * *cap : 64;
	if (want > ((size_t)-1) / (2 * size))
		return -1;
	if (!(bigger = realloc(*array, want * size)))
		return -1;
	*array = bigger;
	*cap = want;
	return 0;
}

/* Read one ring (an array of positions) of polygon `poly`, ring `ring`
 * (both from 1, for messages). */
static int geo_ring(geo_parse *p, json_t *ring, size_t poly, size_t ring_no)
{
	impact__geo *g = p->g;
	size_t i, n;

	if (!json_is_array(ring) || json_array_size(ring) < 3)
		return geo_fail(p, "polygon %zu, ring %zu: expected an array of "
		                "at least 3 positions", poly, ring_no);
	if (grow((void **)&g->ring_first, &g->cap_rings, g->n_rings,
	         sizeof(size_t)) != 0)
		return geo_fail(p, "out of memory");
	g->ring_first[g->n_rings++] = g->n_points;
	n = json_array_size(ring);
	for (i = 0; i < n; i++) {
		json_t *pos = json_array_get(ring, i);
		double lon, lat;

		if (!json_is_array(pos) || json_array_size(pos) < 2
		    || !json_is_number(json_array_get(pos, 0))
		    || !json_is_number(json_array_get(pos, 1)))
			return geo_fail(p, "polygon %zu, ring %zu, position %zu: "
			                "expected [longitude, latitude] numbers",
			                poly, ring_no, i + 1);
		lon = json_number_value(json_array_get(pos, 0));
		lat = json_number_value(json_array_get(pos, 1));
		if (!(fabs(lon) <= 180 && fabs(lat) <= 90))
			return geo_fail(p, "polygon %zu, ring %zu, position %zu: "
			                "(%g, %g) is not a WGS84 longitude and "
			                "latitude in degrees (projected "
			                "coordinates such as Lambert-93? convert "
			                "the file to EPSG:4326)",
			                poly, ring_no, i + 1, lon, lat);
		if (grow((void **)&g->xy, &g->cap_points, g->n_points,
		         2 * sizeof(double)) != 0)
			return geo_fail(p, "out of memory");
		g->xy[2 * g->n_points] = lon;
		g->xy[2 * g->n_points + 1] = lat;
		g->n_points++;
		if (g->n_points == 1) {
			g->lon_min = g->lon_max = lon;
			g->lat_min = g->lat_max = lat;
		}
		g->lon_min = fmin(g->lon_min, lon);
		g->lon_max = fmax(g->lon_max, lon);
		g->lat_min = fmin(g->lat_min, lat);
		g->lat_max = fmax(g->lat_max, lat);
	}
	return 0;
}

/* Read one polygon: an array of rings, the outer one first. */
static int geo_polygon(geo_parse *p, json_t *rings, size_t poly)
{
	impact__geo *g = p->g;
	size_t i;

	if (!json_is_array(rings) || json_array_size(rings) < 1)
		return geo_fail(p, "polygon %zu: expected an array of rings",
		                poly);
	if (grow((void **)&g->poly_first, &g->cap_polys, g->n_polys,
	         sizeof(size_t)) != 0)
		return geo_fail(p, "out of memory");
	g->poly_first[g->n_polys++] = g->n_rings;
	for (i = 0; i < json_array_size(rings); i++)
		if (geo_ring(p, json_array_get(rings, i), poly, i + 1) != 0)
			return -1;
	return 0;
}

/* Read one geometry object; geometries other than polygons are
 * skipped.  `depth` bounds nested GeometryCollections. */
static int geo_geometry(geo_parse *p, json_t *geom, int depth)
{
	const char *type;
	json_t *coords;
	size_t i;

	if (json_is_null(geom))
		return 0;
	type = json_string_value(json_object_get(geom, "type"));
	if (!json_is_object(geom) || !type)
		return geo_fail(p, "geometry: expected an object with a "
		                "\"type\"");
	coords = json_object_get(geom, "coordinates");
	if (strcmp(type, "Polygon") == 0)
		return geo_polygon(p, coords, 1);
	if (strcmp(type, "MultiPolygon") == 0) {
		if (!json_is_array(coords))
			return geo_fail(p, "MultiPolygon: \"coordinates\" must be "
			                "an array of polygons");
		for (i = 0; i < json_array_size(coords); i++)
			if (geo_polygon(p, json_array_get(coords, i), i + 1) != 0)
				return -1;
		return 0;
	}
	if (strcmp(type, "GeometryCollection") == 0) {
		json_t *list = json_object_get(geom, "geometries");

		if (!json_is_array(list) || depth > 8)
			return geo_fail(p, "GeometryCollection: \"geometries\" "
			                "must be an array");
		for (i = 0; i < json_array_size(list); i++)
			if (geo_geometry(p, json_array_get(list, i),
			                 depth + 1) != 0)
				return -1;
		return 0;
	}
	if (strcmp(type, "Point") == 0 || strcmp(type, "MultiPoint") == 0
	    || strcmp(type, "LineString") == 0
	    || strcmp(type, "MultiLineString") == 0)
		return 0;
	return geo_fail(p, "unknown geometry type \"%s\"", type);
}

/* Read one Feature object. */
static int geo_feature(geo_parse *p, json_t *f)
{
	const char *type = json_string_value(json_object_get(f, "type"));

	if (!json_is_object(f) || !type || strcmp(type, "Feature") != 0)
		return geo_fail(p, "expected an object of type \"Feature\"");
	return geo_geometry(p, json_object_get(f, "geometry"), 0);
}

int impact__geojson_parse(const char *text, size_t len, impact__geo **out,
                          char *err, size_t errsize)
{
	geo_parse p;
	json_error_t je;
	json_t *root;
	const char *type;
	size_t i;
	int rc = -1;

	assert(text && out);
	memset(&p, 0, sizeof(p));
	p.err = err;
	p.errsize = errsize;
	if (err && errsize)
		err[0] = '\0';
	root = json_loadb(text, len, 0, &je);
	if (!root) {
		if (err && errsize)
			snprintf(err, errsize, "%d:%d: invalid JSON: %s", je.line,
			         je.column, je.text);
		return -1;
	}
	if (!(p.g = calloc(1, sizeof(*p.g)))) {
		geo_fail(&p, "out of memory");
		goto done;
	}
	type = json_string_value(json_object_get(root, "type"));
	if (!json_is_object(root) || !type) {
		geo_fail(&p, "not GeoJSON: expected an object with a \"type\"");
		goto done;
	}
	if (strcmp(type, "FeatureCollection") == 0) {
		json_t *features = json_object_get(root, "features");

		if (!json_is_array(features)) {
			geo_fail(&p, "FeatureCollection: \"features\" must be an "
			         "array");
			goto done;
		}
		for (i = 0; i < json_array_size(features); i++) {
			snprintf(p.where, sizeof(p.where), "feature %zu: ", i + 1);
			if (geo_feature(&p, json_array_get(features, i)) != 0)
				goto done;
		}
	} else if (strcmp(type, "Feature") == 0) {
		if (geo_feature(&p, root) != 0)
			goto done;
	} else if (geo_geometry(&p, root, 0) != 0) {
		goto done;
	}
	*out = p.g;
	p.g = NULL;
	rc = 0;
done:
	impact__geojson_free(p.g);
	json_decref(root);
	return rc;
}

void impact__geojson_free(impact__geo *g)
{
	if (!g)
		return;
	free(g->poly_first);
	free(g->ring_first);
	free(g->xy);
	free(g);
}

void impact__geo_counts(const impact__geo *g, size_t *polygons,
                        size_t *rings, size_t *points)
{
	if (polygons)
		*polygons = g ? g->n_polys : 0;
	if (rings)
		*rings = g ? g->n_rings : 0;
	if (points)
		*points = g ? g->n_points : 0;
}

/* ------------------------------------------------------------------ */
/* Projection                                                          */
/* ------------------------------------------------------------------ */

void impact__projection_fit(impact__projection *p, const double *lon,
                            const double *lat, size_t n, double lat0,
                            double x, double y, double w, double h,
                            double margin)
{
	double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
	double sx, sy, iw = fmax(w - 2 * margin, 1), ih = fmax(h - 2 * margin, 1);
	size_t i;

	p->k = cos(lat0 * G_PI / 180);
	for (i = 0; i < n; i++) {
		x0 = fmin(x0, lon[i] * p->k);
		x1 = fmax(x1, lon[i] * p->k);
		y0 = fmin(y0, lat[i]);
		y1 = fmax(y1, lat[i]);
	}
	if (n == 0) {
		x0 = x1 = 0;
		y0 = y1 = lat0;
	}
	if (x1 - x0 < 1e-9 && y1 - y0 < 1e-9) {
		x0 -= 0.01;
		x1 += 0.01;
		y0 -= 0.01;
		y1 += 0.01;
	}
	sx = x1 - x0 > 1e-12 ? iw / (x1 - x0) : INFINITY;
	sy = y1 - y0 > 1e-12 ? ih / (y1 - y0) : INFINITY;
	p->s = fmin(sx, sy);
	p->ox = x + w / 2 - p->s * (x0 + x1) / 2;
	p->oy = y + h / 2 + p->s * (y0 + y1) / 2;
}

/* Project (lon, lat) with p. */
static void project(const impact__projection *p, double lon, double lat,
                    double *px, double *py)
{
	*px = p->ox + p->s * lon * p->k;
	*py = p->oy - p->s * lat;
}

/* ------------------------------------------------------------------ */
/* The map                                                             */
/* ------------------------------------------------------------------ */

/* Whether point q has usable coordinates ((0, 0) is a missing value). */
static int has_coords(const impact__map_point *q)
{
	return isfinite(q->lat) && isfinite(q->lon) && fabs(q->lat) <= 90
	       && fabs(q->lon) <= 180 && !(q->lat == 0 && q->lon == 0);
}

/* Whether point q is drawn in colour. */
static int coloured(const impact__map_point *q)
{
	return !q->suppressed && isfinite(q->value);
}

/* A rectangle, for label collisions. */
typedef struct {
	double x0, y0, x1, y1;
} rect;

/* Whether a and b overlap. */
static int overlap(const rect *a, const rect *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1
	       && b->y0 < a->y1;
}

/* Draw the outlines with projection p. */
static void draw_outlines(impact__draw *d, const impact__geo *g,
                          const impact__projection *p)
{
	size_t i, r, k;

	for (i = 0; i < g->n_polys; i++) {
		size_t r_end = i + 1 < g->n_polys ? g->poly_first[i + 1]
		               : g->n_rings;

		cairo_new_path(d->cr);
		for (r = g->poly_first[i]; r < r_end; r++) {
			size_t k_end = r + 1 < g->n_rings ? g->ring_first[r + 1]
			               : g->n_points;

			for (k = g->ring_first[r]; k < k_end; k++) {
				double px, py;

				project(p, g->xy[2 * k], g->xy[2 * k + 1], &px, &py);
				if (k == g->ring_first[r])
					cairo_move_to(d->cr, px, py);
				else
					cairo_line_to(d->cr, px, py);
			}
			cairo_close_path(d->cr);
		}
		cairo_set_fill_rule(d->cr, CAIRO_FILL_RULE_EVEN_ODD);
		impact__draw_colour(d, &impact__c_zebra);
		cairo_fill_preserve(d->cr);
		impact__draw_colour(d, &impact__c_rule);
		cairo_set_line_width(d->cr, 0.6);
		cairo_set_line_join(d->cr, CAIRO_LINE_JOIN_ROUND);
		cairo_stroke(d->cr);
	}
}

/* A place's dot: its colour, a thin darker rim so that the light end of
 * the scale shows on white. */
static void map_dot(impact__draw *d, double cx, double cy, double r,
                    const impact__rgb *fill)
{
	cairo_new_sub_path(d->cr);
	cairo_arc(d->cr, cx, cy, r, 0, 2 * G_PI);
	impact__draw_colour(d, fill);
	cairo_fill_preserve(d->cr);
	cairo_set_source_rgba(d->cr, 0.1, 0.1, 0.1, 0.55);
	cairo_set_line_width(d->cr, 0.5);
	cairo_stroke(d->cr);
}

/* The legend column from (x, y), `w` wide, down to `bottom`. */
static void map_legend(impact__draw *d, const impact__map *c, double vmin,
                       double vmax, int any_colour, int any_grey,
                       size_t missing, double x, double y, double w,
                       double bottom)
{
	char lo[IMPACT_NUMBER_MAX], hi[IMPACT_NUMBER_MAX], note[512];
	double lh = impact__line_height(d, IMPACT__SIZE_TICK, 0);
	const impact__rgb grey = impact__sequential(NAN);
	double bar_h, k;

	if (any_colour) {
		if (c->value_label && *c->value_label)
			y += impact__text_lines(d, c->value_label, x, y, w,
			                        IMPACT__SIZE_VALUE, 1, &impact__c_ink,
			                        PANGO_ALIGN_LEFT, 2) + 4;
		bar_h = fmin(80, (bottom - y) * 0.5);
		if (!(vmax > vmin)) {
			/* One value: one swatch, no scale. */
			impact__rgb s = impact__sequential(0.5);

			map_dot(d, x + 4.5, y + lh / 2, 3.5, &s);
			impact__format(d, hi, sizeof(hi), vmax, c->decimals);
			impact__text_line(d, hi, x + 13, y + lh / 2, w - 13,
			                  IMPACT__SIZE_TICK, 0, &impact__c_ink, 0);
			y += lh + 8;
		} else if (bar_h >= 24) {
			/* The scale as 40 slices, vmax at the top. */
			for (k = 0; k < 40; k++) {
				impact__rgb s = impact__sequential(1 - (k + 0.5) / 40);

				impact__fill_rect(d, x, y + bar_h * k / 40, 9,
				                  bar_h / 40 + 0.3, &s);
			}
			impact__format(d, hi, sizeof(hi), vmax, c->decimals);
			impact__format(d, lo, sizeof(lo), vmin, c->decimals);
			impact__text_line(d, hi, x + 13, y + lh / 2, w - 13,
			                  IMPACT__SIZE_TICK, 0, &impact__c_ink, 0);
			impact__text_line(d, lo, x + 13, y + bar_h - lh / 2, w - 13,
			                  IMPACT__SIZE_TICK, 0, &impact__c_ink, 0);
			y += bar_h + 8;
		}
	}
	if (any_grey && c->t.suppressed_text) {
		double th = impact__text_lines_height(d, c->t.suppressed_text,
		                                      w - 13, IMPACT__SIZE_TICK,
		                                      0, 3);

		if (y + th <= bottom) {
			map_dot(d, x + 4.5, y + lh / 2, 3.5, &grey);
			y += impact__text_lines(d, c->t.suppressed_text, x + 13, y,
			                        w - 13, IMPACT__SIZE_TICK, 0,
			                        &impact__c_grey, PANGO_ALIGN_LEFT, 3)
			     + 6;
		}
	}
	if (missing && c->missing_fmt) {
		double th;

		impact__format_count(d, note, sizeof(note), c->missing_fmt,
		                     missing);
		th = impact__text_lines_height(d, note, w, IMPACT__SIZE_TICK, 0,
		                               3);
		if (y + th <= bottom)
			impact__text_lines(d, note, x, y, w, IMPACT__SIZE_TICK, 0,
			                   &impact__c_grey, PANGO_ALIGN_LEFT, 3);
	}
}

/*
 * Label the places with coordinates (at most MAP_LABELS_MAX of them):
 * to the right of the dot, else left, above, below; a label that would
 * leave the frame, cover another label or another dot is left out.
 */
static int map_labels(impact__draw *d, const impact__map *c,
                      const double *px, const double *py, double r,
                      const rect *frame)
{
	rect placed[MAP_LABELS_MAX], dots[MAP_LABELS_MAX];
	size_t idx[MAP_LABELS_MAX], n = 0, n_placed = 0, i, j;
	double lh = impact__line_height(d, IMPACT__SIZE_TICK, 0);

	for (i = 0; i < c->n && n < MAP_LABELS_MAX; i++) {
		if (!has_coords(&c->points[i]))
			continue;
		dots[n].x0 = px[i] - r - 1;
		dots[n].x1 = px[i] + r + 1;
		dots[n].y0 = py[i] - r - 1;
		dots[n].y1 = py[i] + r + 1;
		idx[n++] = i;
	}
	for (j = 0; j < n; j++) {
		const impact__map_point *q = &c->points[idx[j]];
		double tw, cx[4], cy[4];
		int k;

		if (!q->label || !*q->label)
			continue;
		tw = fmin(impact__text_width(d, q->label, IMPACT__SIZE_TICK, 0),
		          110);
		cx[0] = px[idx[j]] + r + 3;
		cy[0] = py[idx[j]];
		cx[1] = px[idx[j]] - r - 3 - tw;
		cy[1] = py[idx[j]];
		cx[2] = px[idx[j]] - tw / 2;
		cy[2] = py[idx[j]] - r - 2 - lh / 2;
		cx[3] = cx[2];
		cy[3] = py[idx[j]] + r + 2 + lh / 2;
		for (k = 0; k < 4; k++) {
			rect l = { cx[k] - 1, cy[k] - lh / 2, cx[k] + tw + 1,
			           cy[k] + lh / 2 };
			size_t m;
			int ok = l.x0 >= frame->x0 && l.x1 <= frame->x1
			         && l.y0 >= frame->y0 && l.y1 <= frame->y1;

			for (m = 0; ok && m < n_placed; m++)
				ok = !overlap(&l, &placed[m]);
			for (m = 0; ok && m < n; m++)
				ok = m == j || !overlap(&l, &dots[m]);
			if (!ok)
				continue;
			impact__text_line_halo(d, q->label, cx[k], cy[k], 110,
			                       IMPACT__SIZE_TICK, 0, &impact__c_ink,
			                       0);
			placed[n_placed++] = l;
			break;
		}
	}
	return (int)n_placed;
}

int impact__chart_map(impact__draw *d, double x, double y, double w,
                      double h, const impact__map *c)
{
	double bx = x + PAD, by = y + PAD, bw = w - 2 * PAD, bh = h - 2 * PAD;
	double *lon = NULL, *lat = NULL, *px = NULL, *py = NULL;
	double vmin = c->vmin, vmax = c->vmax, top, lw, mx1, lat0 = 0, r;
	size_t i, n_pos = 0, n_coords = 0, missing = 0;
	int any_colour = 0, any_grey = 0, rc = -1;
	impact__projection proj;
	rect frame;

	assert(d && c);
	if (c->n > 0 && !c->points)
		return -1;
	/* Room for every place and the two corners of the outlines. */
	if (!(px = malloc((c->n + 1) * sizeof(*px)))
	    || !(py = malloc((c->n + 1) * sizeof(*py)))
	    || !(lon = malloc((c->n + 2) * sizeof(*lon)))
	    || !(lat = malloc((c->n + 2) * sizeof(*lat))))
		goto out;
	/* The colour scale: the caller's, or the range of the values. */
	if (!(isfinite(vmin) && isfinite(vmax) && vmin < vmax)) {
		vmin = INFINITY;
		vmax = -INFINITY;
		for (i = 0; i < c->n; i++)
			if (coloured(&c->points[i])) {
				vmin = fmin(vmin, c->points[i].value);
				vmax = fmax(vmax, c->points[i].value);
			}
	}
	for (i = 0; i < c->n; i++) {
		const impact__map_point *q = &c->points[i];

		if (!has_coords(q)) {
			missing++;
			continue;
		}
		lon[n_pos] = q->lon;
		lat[n_pos++] = q->lat;
		lat0 += q->lat;
		n_coords++;
		any_colour |= coloured(q);
		any_grey |= !coloured(q);
	}
	if (n_coords)
		lat0 /= (double)n_coords;
	else if (c->outlines && c->outlines->n_points)
		lat0 = (c->outlines->lat_min + c->outlines->lat_max) / 2;
	if (c->outlines && c->outlines->n_points) {
		lon[n_pos] = c->outlines->lon_min;
		lat[n_pos++] = c->outlines->lat_min;
		lon[n_pos] = c->outlines->lon_max;
		lat[n_pos++] = c->outlines->lat_max;
	}
	rc = 0;
	impact__chart_begin(d, x, y, w, h);
	top = by + impact__chart_header(d, &c->t, bx, by, bw, 1);
	if (n_pos == 0) {
		char note[512];
		const char *msg = c->t.no_data;

		if (missing && c->missing_fmt)
			msg = impact__format_count(d, note, sizeof(note),
			                           c->missing_fmt, missing);
		impact__chart_empty(d, bx, top, bw, by + bh - top, msg);
		goto done;
	}
	lw = fmin(fmax(0.22 * bw, 64), 120);
	mx1 = bx + bw - lw - 10;
	frame.x0 = bx;
	frame.y0 = top;
	frame.x1 = mx1;
	frame.y1 = by + bh;
	if (frame.x1 - frame.x0 < 30 || frame.y1 - frame.y0 < 30)
		goto done;
	r = n_coords <= MAP_LABELS_MAX ? 4.5 : n_coords <= 60 ? 3.5 : 2.6;
	impact__projection_fit(&proj, lon, lat, n_pos, lat0, frame.x0,
	                       frame.y0, frame.x1 - frame.x0,
	                       frame.y1 - frame.y0, 10 + r);
	/* The frame, the outlines inside it. */
	cairo_save(d->cr);
	cairo_rectangle(d->cr, frame.x0, frame.y0, frame.x1 - frame.x0,
	                frame.y1 - frame.y0);
	cairo_clip(d->cr);
	if (c->outlines)
		draw_outlines(d, c->outlines, &proj);
	cairo_restore(d->cr);
	impact__draw_colour(d, &impact__c_rule);
	cairo_set_line_width(d->cr, 0.6);
	cairo_rectangle(d->cr, frame.x0 + 0.3, frame.y0 + 0.3,
	                frame.x1 - frame.x0 - 0.6, frame.y1 - frame.y0 - 0.6);
	cairo_stroke(d->cr);
	/* Grey dots first, so that coloured ones stay on top. */
	for (i = 0; i < c->n; i++) {
		const impact__map_point *q = &c->points[i];

		if (has_coords(q))
			project(&proj, q->lon, q->lat, &px[i], &py[i]);
	}
	for (i = 0; i < c->n; i++) {
		const impact__map_point *q = &c->points[i];
		impact__rgb grey = impact__sequential(NAN);

		if (has_coords(q) && !coloured(q))
			map_dot(d, px[i], py[i], r, &grey);
	}
	for (i = 0; i < c->n; i++) {
		const impact__map_point *q = &c->points[i];
		impact__rgb col;

		if (!has_coords(q) || !coloured(q))
			continue;
		col = impact__sequential(vmax > vmin ? (q->value - vmin)
		                         / (vmax - vmin) : 0.5);
		map_dot(d, px[i], py[i], r, &col);
	}
	if (n_coords <= MAP_LABELS_MAX) {
		rect inner = { frame.x0 + 2, frame.y0 + 2, frame.x1 - 2,
		               frame.y1 - 2 };

		map_labels(d, c, px, py, r, &inner);
	}
	map_legend(d, c, vmin, vmax, any_colour, any_grey, missing, mx1 + 10,
	           top, lw, by + bh);
done:
	impact__chart_end(d);
out:
	free(px);
	free(py);
	free(lon);
	free(lat);
	return rc;
}
