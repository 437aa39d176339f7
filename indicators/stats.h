/*
 * indicators/stats.h: running accumulators for streaming statistics.
 * Internal to the library.
 */
#ifndef IMPACT_INDICATORS_STATS_H
#define IMPACT_INDICATORS_STATS_H

#include <stddef.h>
#include <stdint.h>

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
 * The percentile interval of the m values v[] (NaN-free; reordered): the
 * type 7 quantiles (1 - level) / 2 and (1 + level) / 2, those of
 * gsl_stats_quantile_from_sorted_data() on the sorted values, clamped to
 * the values' range (an interpolation between two equal values may
 * leave it by an ulp), found in O(m) instead of a sort: by one pass
 * that keeps the few values at either end when both quantiles lie there
 * (a 95% interval of a bootstrap), by selection otherwise.
 * NaN bounds when m is 0.
 */
void impact__percentile_interval(double *v, size_t m, double level,
                                 double *lo, double *hi);

/*
 * Sort v[0..n) ascending, no NaN among them: the array gsl_sort() gives,
 * by insertion when they are few, else by a radix sort on the values'
 * bits (LSD, a byte at a time, skipping the bytes all values share), with
 * tmp as scratch of 2 n keys.
 */
void impact__sort(double *v, size_t n, uint64_t *tmp);

#endif
