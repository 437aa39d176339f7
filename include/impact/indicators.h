/*
 * impact/indicators.h: computing results from stored data, reading them
 * back, and the statistics they rest on.
 *
 * impact_compute() reads respondents, answers and activities and writes
 * the `results` table: for every period, every place and every territory
 * of the tree (pooled from the underlying rows of all places below it,
 * never an average of averages).  Reports and `impact show` read only that
 * table.
 */
#ifndef IMPACT_INDICATORS_H
#define IMPACT_INDICATORS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Measures written by impact_compute(), the `measure` column. */
#define IMPACT_MEASURE_RESPONDENTS "respondents"   /* count of respondents */
#define IMPACT_MEASURE_SCORE "wellbeing_score"     /* 0-100, see docs */
#define IMPACT_MEASURE_QUESTION "question_mean"    /* mean of one question */
#define IMPACT_MEASURE_ACTIVITIES "activities"     /* count of activities */
#define IMPACT_MEASURE_PARTICIPANTS "participants" /* sum of participants */
#define IMPACT_MEASURE_HOURS "participant_hours"   /* sum participants*hours */

typedef struct {
	int period;   /* compute this year only; 0 = every period in the data */
} impact_compute_opts;

#define IMPACT_COMPUTE_OPTS_INIT { 0 }

typedef struct {
	size_t periods;  /* periods computed */
	size_t units;    /* places + territories with at least one result */
	size_t results;  /* rows written to `results` */
} impact_compute_summary;

/* Recompute results (replacing those of the periods concerned) in one
 * transaction.  `opts` may be NULL for defaults; `out` may be NULL. */
int impact_compute(impact *h, const impact_compute_opts *opts,
                   impact_compute_summary *out);

/* One stored result; strings borrowed for the duration of the callback. */
typedef struct {
	int period;
	const char *unit_kind;   /* "place" or "territory" */
	const char *unit_code;
	const char *unit_name;
	const char *measure;     /* one of IMPACT_MEASURE_* */
	const char *question;    /* question id for question_mean, else NULL */
	const char *label_fr;    /* question label, else NULL */
	const char *label_en;
	double value;
	long long n;             /* observations the value stands on */
	int has_ci;              /* 1 when ci_low/ci_high are set */
	double ci_low, ci_high;  /* 95% confidence interval */
	int suppressed;          /* 1 when n < IMPACT_MIN_PUBLISHED_N */
} impact_result;

typedef struct {
	int period;              /* 0 = every period */
	const char *place;       /* place code, or NULL */
	const char *territory;   /* territory code, or NULL */
	const char *measure;     /* measure name, or NULL for all */
} impact_result_filter;

#define IMPACT_RESULT_FILTER_INIT { 0, NULL, NULL, NULL }

/* Call `cb` for each stored result matching `filter` (NULL: all), ordered
 * by period, unit kind (territories first), unit code, measure and question
 * position.  A non-zero return from `cb` stops the walk and is returned. */
int impact_results_each(impact *h, const impact_result_filter *filter,
                        int (*cb)(void *payload, const impact_result *r),
                        void *payload);

/* The latest period with respondents or activities, into *out (0 when the
 * database holds none). */
int impact_latest_period(impact *h, int *out);

/*
 * Mean of n values (GSL's data/stride/n convention) with a two-sided
 * Student-t confidence interval at `level` (e.g. 0.95).  With n == 1 the
 * interval is not defined: *out_lo and *out_hi are set to NaN.  n must be
 * at least 1 and 0 < level < 1 (asserted).
 */
void impact_stats_mean_ci(double *out_mean, double *out_lo, double *out_hi,
                          const double *data, size_t stride, size_t n,
                          double level);

#ifdef __cplusplus
}
#endif
#endif
