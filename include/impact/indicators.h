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

/* ---- Indicator libraries (docs/indicators.md) ---- */

/*
 * Add an indicator library (JSON, docs/indicators.md), checking every key
 * and value; a wrong definition is refused with file:line:column.  A
 * library whose id exists is replaced, with its stored results.  On
 * success *out_code (may be NULL) receives the library's id (caller frees)
 * and *out_count (may be NULL) the number of indicators.
 */
int impact_indicators_add(impact *h, const char *path, char **out_code,
                          size_t *out_count);

/* One indicator as listed; strings borrowed for the callback's duration. */
typedef struct {
	const char *library;      /* library id */
	const char *code;         /* indicator id */
	const char *label_fr;
	const char *label_en;     /* the French label when none is given */
	const char *description_fr;
	const char *description_en; /* may be NULL */
	const char *domain;
	const char *source;       /* "answers", "activities" or "facts" */
	const char *kind;         /* "mean", "share", ... */
	const char *unit_fr, *unit_en; /* may be NULL */
	int direction;            /* 1 higher is better, -1 lower is better */
	int decimals;             /* digits printed after the decimal mark */
	int min_n;                /* smallest n published (answers) */
} impact_indicator_info;

/* Call `cb` for every stored indicator, by library then position.  A
 * non-zero return from `cb` stops the walk and is returned. */
int impact_indicators_each(impact *h,
                           int (*cb)(void *payload,
                                     const impact_indicator_info *i),
                           void *payload);

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
	size_t indicator_results; /* rows written to `indicator_results` */
	size_t suppressed;        /* of which suppressed (disclosure control) */
} impact_compute_summary;

/* Recompute results (replacing those of the periods concerned) in one
 * transaction: the measures of `results` and, for every indicator added
 * with impact_indicators_add(), its value per place, territory and period
 * with n, 95% interval, change from the previous period and its
 * significance, and disclosure control (docs/indicators.md).  `opts` may
 * be NULL for defaults; `out` may be NULL. */
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

/* One indicator value; strings borrowed for the callback's duration. */
typedef struct {
	int period;
	const char *unit_kind;    /* "place" or "territory" */
	const char *unit_code;
	const char *unit_name;
	const char *library;      /* library id */
	const char *code;         /* indicator id */
	const char *label_fr, *label_en;
	const char *domain;
	const char *unit_fr, *unit_en; /* may be NULL */
	int direction;            /* 1 higher is better, -1 lower is better */
	int decimals;             /* digits to print */
	int suppressed;           /* 1: never show value, interval, change */
	const char *reason;       /* why suppressed ("n < 5", "secondary",
	                             "dominance"), else NULL */
	int has_value;            /* 0 when suppressed or not computable */
	double value;
	long long n;              /* observations it stands on */
	int has_ci;
	double ci_low, ci_high;   /* 95% interval */
	int has_previous;         /* a previous period's value exists */
	double previous, change;  /* that value, and value - previous */
	int significant;          /* 1 or 0; -1 when not tested */
	double p_value;           /* of the test, NaN when not tested */
} impact_indicator_result;

/* Call `cb` for each stored indicator value matching `filter` (NULL: all;
 * filter->measure selects one indicator id), ordered by period, unit
 * (territories first), unit code, library and indicator position.  For a
 * suppressed value, value, interval and change are never given. */
int impact_indicator_results_each(impact *h,
                                  const impact_result_filter *filter,
                                  int (*cb)(void *payload,
                                            const impact_indicator_result *r),
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

/*
 * Wilson score interval (Wilson 1927) for a share: x successes out of n at
 * confidence `level`, z = the standard normal quantile at 0.5 + level/2.
 * x and n may be weighted (non-integer) counts; with survey weights pass
 * counts scaled to the effective sample size.  The bounds lie in [0, 1];
 * the lower one is exactly 0 when x == 0 and the upper exactly 1 when
 * x == n.  Requires n > 0, 0 <= x <= n and 0 < level < 1 (asserted).
 */
void impact_stats_wilson(double *out_lo, double *out_hi, double x, double n,
                         double level);

/*
 * Pooled two-proportion z test of x1/n1 against x2/n2 (the chi-squared test
 * of a 2x2 table without continuity correction, z squared = X-squared).
 * Returns the two-sided p-value and, when out_z is not NULL, stores
 * z = (p1 - p2) / se with se from the pooled share.  When the pooled share
 * is 0 or 1 there is no variance to test against: z = 0 and p = 1.
 * Requires n1, n2 > 0 and 0 <= x <= n for each (asserted).
 */
double impact_stats_two_proportions(double *out_z, double x1, double n1,
                                    double x2, double n2);

/*
 * Welch's unequal-variance t test (Welch 1947) from two samples' means,
 * sample variances (n - 1 divisor) and sizes.  Returns the two-sided
 * p-value; stores t = (mean1 - mean2) / sqrt(var1/n1 + var2/n2) and the
 * Welch-Satterthwaite degrees of freedom when out_t / out_df are not NULL.
 * Not testable (n1 < 2 or n2 < 2): returns NaN, t and df NaN.  Both
 * variances 0: df is undefined (NaN); equal means give t = 0, p = 1,
 * different means t = +-INFINITY, p = 0.  Variances must be >= 0
 * (asserted).
 */
double impact_stats_welch(double *out_t, double *out_df, double mean1,
                          double var1, double n1, double mean2, double var2,
                          double n2);

/*
 * Shannon evenness of n category counts (data/stride/n convention, weighted
 * counts allowed): H = -sum p_i ln p_i over the categories with a positive
 * count, divided by ln n (Pielou 1966, J = H / ln S, here with S = n, the
 * number of POSSIBLE categories, empty ones included, so that a place
 * reaching two of five publics is less even than one reaching all five).
 * 0 when everything is in one category, 1 for a uniform spread; NaN when
 * n < 2 or the total is 0.  Counts must not be negative (asserted).
 */
double impact_stats_shannon_evenness(const double *counts, size_t stride,
                                     size_t n);

/*
 * A statistic for impact_stats_bootstrap(): its value over the observations
 * idx[0..n) (indices may repeat), NaN when it is not defined.  `ctx` is the
 * caller's.
 */
typedef double (*impact_stat_fn)(void *ctx, const size_t *idx, size_t n);

typedef struct {
	size_t replicates;    /* bootstrap samples drawn, >= 1 */
	unsigned long seed;   /* seed of the MT19937 generator */
	double level;         /* confidence level, 0 < level < 1 */
} impact_bootstrap_opts;

#define IMPACT_BOOTSTRAP_OPTS_INIT { 1000, 20261123UL, 0.95 }

/* Doubles of `work` impact_stats_bootstrap() needs: n + replicates. */
size_t impact_stats_bootstrap_work_size(size_t n, size_t replicates);

/* size_t elements of `iwork` impact_stats_bootstrap() needs: 2 n. */
size_t impact_stats_bootstrap_iwork_size(size_t n);

/*
 * Seeded, stratified percentile bootstrap interval (Efron & Tibshirani
 * 1993, ch. 13) of `stat` over n observations.  Each replicate draws, within
 * each stratum, as many observations as the stratum holds, uniformly with
 * replacement, and calls stat(ctx, idx, n) once, in replicate order.
 * stratum[i] in 0..nstrata-1 gives observation i's stratum (asserted);
 * stratum NULL means one stratum.  One gsl_rng_mt19937 seeded with
 * opts->seed drives all draws, so the same data, options and seed give the
 * same bits.  The bounds are the (1 - level)/2 and (1 + level)/2 quantiles
 * of the replicate values, R's type 7 (gsl_stats_quantile_from_sorted_data).
 * Replicates giving NaN are dropped.  `opts` NULL means
 * IMPACT_BOOTSTRAP_OPTS_INIT.
 *
 * Workspace, owned by the caller and overwritten: `work` holds
 * impact_stats_bootstrap_work_size(n, replicates) doubles and `iwork`
 * impact_stats_bootstrap_iwork_size(n) size_t; either may be NULL, and is
 * then allocated and freed within the call.
 *
 * Returns 0 on success; -1 when no interval can be computed (n == 0, or
 * more than half of the replicates NaN); -2 when memory (a NULL workspace
 * or the generator) cannot be allocated.  On failure *out_lo and *out_hi
 * are NaN.
 */
int impact_stats_bootstrap(double *out_lo, double *out_hi, impact_stat_fn stat,
                           void *ctx, const size_t *stratum, size_t n,
                           size_t nstrata, const impact_bootstrap_opts *opts,
                           double *work, size_t *iwork);

/* Context of impact_stats_fn_mean() and impact_stats_fn_share(); borrowed
 * arrays, indexed by observation. */
typedef struct {
	const double *data;   /* value of each observation */
	size_t stride;        /* step between values of data */
	const double *w;      /* weight of each observation, or NULL for 1 */
	size_t wstride;       /* step between weights (ignored when w NULL) */
} impact_stat_mean_ctx;

/* Context of impact_stats_fn_ratio(); borrowed arrays. */
typedef struct {
	const double *num;    /* numerator value of each observation */
	size_t nstride;       /* step between numerators */
	const double *den;    /* denominator value of each observation */
	size_t dstride;       /* step between denominators */
} impact_stat_ratio_ctx;

/* Context of impact_stats_fn_evenness(). */
typedef struct {
	const int *data;      /* category code 0..ncategories-1; < 0 missing */
	size_t stride;        /* step between codes */
	const double *w;      /* weight of each observation, or NULL for 1 */
	size_t wstride;       /* step between weights (ignored when w NULL) */
	size_t ncategories;   /* number of possible categories, >= 1 */
	double *counts;       /* scratch of ncategories doubles, overwritten */
} impact_stat_evenness_ctx;

/* impact_stat_fn: (weighted) mean of data over idx; ctx is an
 * impact_stat_mean_ctx.  NaN when n == 0 or the weights sum to 0. */
double impact_stats_fn_mean(void *ctx, const size_t *idx, size_t n);

/* impact_stat_fn: (weighted) share of the observations over idx whose value
 * is not 0, i.e. the mean of 0/1 data; ctx is an impact_stat_mean_ctx.  NaN
 * when n == 0, the weights sum to 0 or a value is NaN. */
double impact_stats_fn_share(void *ctx, const size_t *idx, size_t n);

/* impact_stat_fn: ratio of sums, sum num / sum den over idx; ctx is an
 * impact_stat_ratio_ctx.  NaN when n == 0 or sum den == 0. */
double impact_stats_fn_ratio(void *ctx, const size_t *idx, size_t n);

/* impact_stat_fn: impact_stats_shannon_evenness() of the (weighted) counts
 * of category codes over idx, missing codes skipped; ctx is an
 * impact_stat_evenness_ctx (its counts scratch is overwritten, so one ctx
 * serves one thread).  Codes >= ncategories are asserted against. */
double impact_stats_fn_evenness(void *ctx, const size_t *idx, size_t n);

/* ---- Weighted statistics (survey weights) ---- */

/*
 * Weighted mean sum w x / sum w (GSL's w/wstride/data/stride/n
 * convention, as gsl_stats_wmean).  NaN when n == 0 or the weights sum to
 * 0.  Weights must not be negative (asserted).
 */
double impact_stats_wmean(const double *w, size_t wstride, const double *data,
                          size_t stride, size_t n);

/*
 * Weighted variance with the frequency-weight convention: w_i counts how
 * many people observation i stands for, so the result is the sample
 * variance (n - 1 divisor) of the data with each value repeated w_i
 * times: sum w (x - m)^2 / (sum w - 1), m the weighted mean.  This is not
 * gsl_stats_wvariance, whose divisor suits reliability weights.  NaN when
 * n == 0 or sum w <= 1.  Weights must not be negative (asserted).
 */
double impact_stats_wvariance(const double *w, size_t wstride,
                              const double *data, size_t stride, size_t n);

/* Weighted standard deviation, sqrt of impact_stats_wvariance() (frequency
 * weights, sum w - 1 divisor); NaN when that is NaN. */
double impact_stats_wsd(const double *w, size_t wstride, const double *data,
                        size_t stride, size_t n);

/*
 * Weighted population variance sum w (x - m)^2 / sum w (divisor sum w, as
 * the variance of a weighted distribution).  NaN when n == 0 or the
 * weights sum to 0.  Weights must not be negative (asserted).
 */
double impact_stats_wvariance_pop(const double *w, size_t wstride,
                                  const double *data, size_t stride,
                                  size_t n);

/*
 * Weighted quantile: the inverse of the weighted distribution function,
 * i.e. the smallest value x whose cumulative weight share (the weights of
 * the values <= x over the total) is >= p.  Without weights this is R's
 * quantile(type = 1); with integer weights it is the quantile of the data
 * with each value repeated w_i times.  Observations of weight 0 are
 * ignored, so p == 0 gives the smallest value of positive weight and
 * p == 1 the largest.  `work`, owned by the caller and overwritten, holds
 * 2 n doubles; NULL allocates them within the call.  NaN when n == 0, the
 * weights sum to 0 or `work` cannot be allocated.  Requires 0 <= p <= 1,
 * weights >= 0 and no NaN value (asserted).
 */
double impact_stats_wquantile(const double *w, const double *data, size_t n,
                              double p, double *work);

/* ---- Reliability, correlation, principal component ---- */

/*
 * Cronbach's alpha (Cronbach 1951) of k = n_items items answered by
 * n_persons people; `items` is row-major (person i, item j at
 * items[i * n_items + j]):
 *   alpha = k / (k - 1) * (1 - sum_j var(item j) / var(total score)),
 * sample variances (n - 1 divisor), total score = the row sum.  NaN when
 * k < 2, n_persons < 2 or the total score does not vary.  Can be negative
 * (items negatively related); 1 when all items are equal.
 */
double impact_stats_cronbach_alpha(const double *items, size_t n_persons,
                                   size_t n_items);

/*
 * Pearson correlations of the k columns of `data` (row-major, n rows of k
 * values) into out[j * k + l], a k x k symmetric matrix with 1 on the
 * diagonal, values clamped to [-1, 1].  A constant column has no
 * correlation: its row and column of `out` are NaN (diagonal included).
 * Returns 0, or -1 when n < 2 (out all NaN).  k >= 1 (asserted).
 */
int impact_stats_correlation_matrix(double *out, const double *data, size_t n,
                                    size_t k);

/*
 * First principal component of the k columns of `data` (row-major, n x k)
 * after standardisation, i.e. of their correlation matrix (OECD/JRC
 * Handbook on Constructing Composite Indicators 2008, 6.1): the unit
 * eigenvector of its largest eigenvalue (gsl_eigen_symmv) into
 * out_loadings[0..k), and that eigenvalue over k, the share of the total
 * variance it explains, into *out_share.  An eigenvector's sign is
 * arbitrary: it is chosen so the loadings sum to a positive number, or,
 * when they sum to 0 (to 1e-9), so that the first loading farther than
 * 1e-9 from 0 is positive.  When the largest eigenvalue is repeated the
 * component is not unique and GSL's choice is returned.  Returns 0; -1
 * when n < 2 or a column is constant or holds NaN; -2 when memory cannot
 * be allocated (for GSL's workspace, only once impact_new() has turned
 * GSL's aborting error handler off); -3 when the eigensolver reports an
 * error.  On failure the outputs are NaN.  k >= 1 (asserted).
 */
int impact_stats_first_component(double *out_loadings, double *out_share,
                                 const double *data, size_t n, size_t k);

/* ---- Raking (iterative proportional fitting) ---- */

typedef struct {
	double epsilon;    /* converged: largest relative change < epsilon */
	int max_iter;      /* cycles at most, >= 1 */
	double trim_lo;    /* weights >= trim_lo * mean weight; 0 = no bound */
	double trim_hi;    /* weights <= trim_hi * mean weight; 0 = no bound */
} impact_rake_opts;

#define IMPACT_RAKE_OPTS_INIT { 1e-10, 100, 0, 0 }

typedef struct {
	int converged;     /* 1 when the weights stopped changing */
	int iterations;    /* cycles run */
	double max_change; /* largest relative change of a weight, last cycle */
} impact_rake_report;

/*
 * Rake the n weights w (in place) to the population margins of nvars
 * variables by iterative proportional fitting (Deming & Stephan 1940; R's
 * survey::rake).  levels is row-major n x nvars: levels[i * nvars + v] is
 * respondent i's level of variable v, 0..nlevels[v]-1, or -1 when unknown;
 * targets[v][l] is the population total of level l of variable v.
 *
 * One cycle first scales every weight so that they sum to the last
 * variable's total (sum of its targets), then takes the variables in order
 * and, for each, multiplies the weights of every level's respondents by
 * target / weighted count, so that variable's margins hold exactly.  A
 * respondent whose level is -1 is left out of that variable's counts and
 * keeps its weight in its step; the known respondents are then scaled to
 * the margins' shares of their own weighted total (target / total of the
 * targets * their weight, over the weighted count), so that each step
 * keeps the sum of all the weights and the unknown ones keep their share
 * (scaled to the totals themselves, the known would outweigh the
 * population and every other step would shrink the unknown towards 0,
 * never converging).  With every level known and the variables' totals
 * equal, this is the textbook step, target / weighted count.  After
 * each cycle, when trim_lo or trim_hi is set, every weight is clamped to
 * [trim_lo * m, trim_hi * m], m the mean weight after the cycle's raking
 * (the last variable's total / n, which every step keeps); trimmed
 * weights meet the margins only approximately.
 * The weights have converged when the largest relative change of one
 * weight over a cycle, |new - old| / old, is below epsilon (a weight
 * moving away from 0 counts as an infinite change).
 *
 * `opts` NULL means IMPACT_RAKE_OPTS_INIT; `report` may be NULL.  Returns
 * 0 when converged; 1 when max_iter cycles did not converge (the weights
 * of the last cycle are kept and the report says so); -1 when a level has
 * a positive target but no respondent of positive weight (at the start,
 * or once a zero target has emptied it), with w left as given; -2 when
 * memory cannot be allocated, w unchanged.  On -1 and -2 the report says
 * not converged, max_change NaN.  Weights and targets must not be
 * negative, levels must lie in -1..nlevels[v]-1, epsilon >= 0, max_iter
 * >= 1, 0 <= trim_lo <= 1 and trim_hi == 0 or >= 1 (asserted).
 */
int impact_stats_rake(double *w, size_t n, size_t nvars, const int *levels,
                      const size_t *nlevels, const double *const *targets,
                      const impact_rake_opts *opts,
                      impact_rake_report *report);

#ifdef __cplusplus
}
#endif
#endif
