/*
 * indicators/stats.h: running accumulators for streaming statistics.
 * Internal to the library.
 */
#ifndef IMPACT_INDICATORS_STATS_H
#define IMPACT_INDICATORS_STATS_H

#include <stddef.h>

#include "impact/indicators.h"

/* Count, mean and sum of squared deviations, updated one value at a time
 * (Welford 1962), so results never need the values kept in memory. */
typedef struct {
	size_t n;      /* values added */
	double mean;   /* their mean */
	double m2;     /* sum of squared deviations from the mean */
} impact_acc;

/* Add x to a. */
void impact__acc_add(impact_acc *a, double x);

/* Two-sided Student-t interval for the mean at `level` from n, mean and
 * the sample variance; NaN bounds when n < 2. */
void impact__acc_ci(const impact_acc *a, double level, double *lo,
                    double *hi);

/*
 * The seeded, stratified percentile bootstrap of impact_stats_bootstrap()
 * for the Shannon evenness (impact_stats_shannon_evenness) of category
 * counts over `possible` categories, each observation i adding 1 to each
 * of its categories cats[cat0[i] .. cat0[i] + ncat[i]) (values outside
 * 0..possible-1 ignored): the same draws, and counts that are sums of
 * ones, so the interval impact_stats_bootstrap() gives with a statistic
 * counting the drawn observations' categories, much faster.  Same
 * arguments and results otherwise.
 */
int impact__bootstrap_evenness(double *out_lo, double *out_hi,
                               const int *cats, const size_t *cat0,
                               const size_t *ncat, size_t possible,
                               const size_t *stratum, size_t n,
                               size_t nstrata,
                               const impact_bootstrap_opts *opts,
                               double *work, size_t *iwork);

/* Threads to use for independent computations: $IMPACT_THREADS when set
 * (1 to 64), else the processors online, at most 8. */
size_t impact__threads(void);

#endif
