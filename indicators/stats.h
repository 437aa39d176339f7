/*
 * indicators/stats.h: running accumulators for streaming statistics.
 * Internal to the library.
 */
#ifndef IMPACT_INDICATORS_STATS_H
#define IMPACT_INDICATORS_STATS_H

#include <stddef.h>

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

#endif
