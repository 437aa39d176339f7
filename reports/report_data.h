/*
 * reports/report_data.h: everything a dashboard prints, read from the
 * database before any drawing starts (reports/report_data.c).  Internal.
 *
 * Every number comes from what `impact compute` and `impact index`
 * stored: the `results` table (key figures), indicator_results through
 * impact_indicator_results_each() (the function `impact show indicators`
 * prints from) and the index documents of `index_results` (what `impact
 * index` prints).  Nothing is recomputed from answers.
 */
#ifndef IMPACT_REPORTS_REPORT_DATA_H
#define IMPACT_REPORTS_REPORT_DATA_H

#include <stddef.h>

#include <jansson.h>

#include "../engine/context.h"
#include "profile.h"

/* One figure of `results`. */
typedef struct {
	int has;           /* 1 when a row with a value exists */
	double value;
	long long n;       /* observations it stands on */
} impact__rd_figure;

/* One indicator value of the unit, with its parent's value. */
typedef struct {
	char *code, *label, *domain, *unit;  /* label and unit in the
	                                        report's language */
	int decimals, direction;
	int suppressed;
	char *reason;                        /* why suppressed, or NULL */
	int has_value;
	double value;
	long long n;
	int has_ci;
	double lo, hi;
	int has_previous;
	double change;
	int significant;                     /* 1, 0, or -1 not tested */
	int parent_has;                      /* the parent's value exists */
	double parent;                       /* and is this */
} impact__rd_ind;

/* The index of one unit in one period, read from its document. */
typedef struct {
	int period;
	int has;           /* a document exists */
	int suppressed;    /* n < 5 */
	double gnh, lo, hi;
	long long n;
} impact__rd_point;

/* A place below a territory. */
typedef struct {
	char *code, *name;
	int has_xy;
	double lat, lon;
	impact__rd_point index;     /* this period */
	double groups[4];           /* deeply, extensively, narrowly, unhappy */
} impact__rd_place;

/* One imported file the figures rest on. */
typedef struct {
	char *kind, *file, *tool, *when;
	long long loaded, rejected, skipped;
} impact__rd_source;

typedef struct {
	int is_place;
	int period;
	int en;                      /* 1: English, 0: French */
	long long id, parent_id;     /* parent_id 0: none */
	char *code, *name, *commune, *parent_code, *parent_name;
	impact__rd_figure respondents, activities, participants, hours;
	json_t *index;               /* the unit's index document, or NULL */
	json_t *pindex;              /* its parent's, or NULL */
	char *index_title;           /* title of the index definition */
	impact__rd_point *trend;     /* every period up to `period` */
	double *trend_parent;        /* the parent's GNH per trend period
	                                (NaN: none or suppressed) */
	size_t n_trend;
	impact__rd_ind *inds;        /* the indicators, profile order */
	size_t n_inds;
	impact__rd_place *places;    /* territory: every place below */
	size_t n_places;
	impact__rd_source *sources;  /* imports of the unit's data */
	size_t n_sources;
	long long ind_suppressed;    /* indicators suppressed */
} impact__rd;

/*
 * Read the dashboard of place (is_place) or territory `code` for
 * `period` (0: the latest with results) in language en (0/1); with a
 * profile, only its indicators, in its order (an unknown id is an
 * error naming the profile).  *d is zeroed first; release it with
 * impact__rd_release() whatever the result.
 */
int impact__rd_load(impact *h, impact__rd *d, int is_place, const char *code,
                    int period, int en, const impact__profile *profile,
                    const char *profile_path);

void impact__rd_release(impact__rd *d);

/* The period to report: `asked` when results exist for it, else the
 * latest; IMPACT_ENOTFOUND telling to run `impact compute`. */
int impact__rd_period(impact *h, int asked, int *out);

/* Label of an effets-utiles domain id ("social_link") in the language,
 * the id itself when unknown. */
const char *impact__rd_domain_label(const char *id, int en);

#endif
