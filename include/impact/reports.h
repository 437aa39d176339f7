/*
 * impact/reports.h: PDF dashboards drawn with Cairo, text laid out with
 * Pango.  Reports read only the `results` table (and the names of places
 * and territories): every number printed is one `impact show` gives.
 * Results standing on fewer than IMPACT_MIN_PUBLISHED_N respondents are
 * never printed.
 */
#ifndef IMPACT_REPORTS_H
#define IMPACT_REPORTS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	int period;             /* year reported; 0 = the latest in the data */
	const char *place;      /* place code, or NULL */
	const char *territory;  /* territory code, or NULL (exactly one set) */
	const char *lang;       /* "fr" (default when NULL) or "en" */
	const char *output;     /* path of the PDF to write */
	const char *profile;    /* funder profile (JSON, docs/reports.md), or
	                           NULL: its title, logo and indicators */
	const char *geojson;    /* GeoJSON outlines for the map of a
	                           territory's places, or NULL */
} impact_report_opts;

#define IMPACT_REPORT_OPTS_INIT { 0, NULL, NULL, NULL, NULL, NULL, NULL }

/*
 * Write the multi-page A4 PDF dashboard of one place or one territory
 * (docs/reports.md): cover and key figures, the index with its interval,
 * trend, groups and contributions, the domains, the table of effets
 * utiles, for a territory its places compared and their map, the method
 * and the quality of the data.  Every figure is read from what `impact
 * compute` stored.  The file is written to a temporary name beside
 * `output` and renamed on success, so a failure never leaves a damaged
 * file.
 */
int impact_report_write(impact *h, const impact_report_opts *opts);

/*
 * Write one dashboard per territory and per place with results into
 * directory `dir` (created if missing), named territory-CODE.pdf and
 * place-CODE.pdf, with the period, language, profile and outlines of
 * `opts` (NULL: defaults; its place, territory and output are ignored).
 * Progress goes to the handle's progress callback.  *out_written (may be
 * NULL) receives the number of files written.  The dashboards are drawn
 * on one thread per processor, at most 8 (environment IMPACT_THREADS=N
 * chooses), while the calling thread reads the database; the handle is
 * used by the calling thread only.  On a failure, the dashboards already
 * being drawn are finished and the first error is returned.
 */
int impact_report_write_all(impact *h, const impact_report_opts *opts,
                            const char *dir, size_t *out_written);

/* The charts `impact chart` draws. */
typedef enum {
	IMPACT_CHART_DOMAINS = 0,   /* the domains as a radar, vs the parent */
	IMPACT_CHART_INDICATORS,    /* percentage indicators, bars + whiskers */
	IMPACT_CHART_GROUPS,        /* the four happiness groups, stacked */
	IMPACT_CHART_CONTRIBUTIONS, /* each domain's share of 1 - GNH */
	IMPACT_CHART_TREND,         /* the index over the years, with its band */
	IMPACT_CHART_PLACES,        /* a territory's places compared */
	IMPACT_CHART_MAP            /* a territory's places on a map */
} impact_chart_kind;

/* The chart kind named `name` ("domains", "indicators", "groups",
 * "contributions", "trend", "places", "map"), or -1. */
int impact_chart_kind_parse(const char *name);

typedef struct {
	impact_report_opts report; /* unit, period, lang, output, profile
	                              (its indicators), geojson */
	int kind;                  /* impact_chart_kind */
	const char *format;        /* "png", "svg", "pdf", or NULL: from the
	                              output's extension */
	double width, height;      /* in points (PNG: 2 pixels per point);
	                              0: 560 x 360 */
} impact_chart_opts;

#define IMPACT_CHART_OPTS_INIT { IMPACT_REPORT_OPTS_INIT, 0, NULL, 0, 0 }

/* Write one chart of a place or a territory as PNG, SVG or PDF, with the
 * same figures as the dashboards; written to a temporary file and
 * renamed on success. */
int impact_chart_write(impact *h, const impact_chart_opts *opts);

/* Size a buffer given to impact_format_number() must have. */
#define IMPACT_NUMBER_MAX 64

/*
 * Write `value` into `out` (`size` >= IMPACT_NUMBER_MAX) as impact's
 * tables and reports print it, so a figure reads the same everywhere:
 * rounded to `decimals` places (0 to 6, asserted) half away from zero
 * (67.25 gives 67.3), no minus sign on a value that rounds to zero, an em
 * dash for NaN.  `lang` "fr" writes "1 234,5" (U+202F between thousands),
 * "en" "1,234.5", NULL (or any other code) a plain "1234.5" for tables.
 * Returns `out`.
 */
char *impact_format_number(char *out, size_t size, double value,
                           int decimals, const char *lang);

#ifdef __cplusplus
}
#endif
#endif
