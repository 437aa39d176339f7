/*
 * indicators/stats.c: the statistics results rest on.  For now the mean
 * with its Student-t confidence interval, from an array (GSL's data /
 * stride / n convention) or from a running accumulator (impact_acc, Welford
 * 1962) when values stream from the database.  The t quantile comes from
 * GSL (gsl_cdf_tdist_Pinv).
 */
#include <assert.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "impact/indicators.h"
#include "stats.h"

void impact__acc_add(impact_acc *a, double x)
{
	double d = x - a->mean;

	a->n++;
	a->mean += d / (double)a->n;
	a->m2 += d * (x - a->mean);
}

/* Half-width of the t interval for n values of sample variance var. */
static double t_half_width(size_t n, double var, double level)
{
	double t = gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)(n - 1));

	return t * sqrt(var / (double)n);
}

void impact__acc_ci(const impact_acc *a, double level, double *lo,
                    double *hi)
{
	double hw;

	if (a->n < 2) {
		*lo = *hi = NAN;
		return;
	}
	hw = t_half_width(a->n, a->m2 / (double)(a->n - 1), level);
	*lo = a->mean - hw;
	*hi = a->mean + hw;
}

void impact_stats_mean_ci(double *out_mean, double *out_lo, double *out_hi,
                          const double *data, size_t stride, size_t n,
                          double level)
{
	double mean, hw;

	assert(data && n >= 1 && stride >= 1 && level > 0 && level < 1);
	mean = gsl_stats_mean(data, stride, n);
	*out_mean = mean;
	if (n < 2) {
		*out_lo = *out_hi = NAN;
		return;
	}
	hw = t_half_width(n, gsl_stats_variance_m(data, stride, n, mean),
	                  level);
	*out_lo = mean - hw;
	*out_hi = mean + hw;
}
