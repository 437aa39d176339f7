/*
 * Unit tests of indicators/stats.c.  Expected values computed by hand:
 * mean, sample variance, and the Student-t quantiles t(0.975; 7) =
 * 2.364624251, t(0.975; 4) = 2.776445105 from standard tables.
 */
#include <math.h>

#include <criterion/criterion.h>

#include "impact.h"
#include "../../indicators/stats.h"

#define REL 1e-9

static void expect_rel(double got, double want, const char *what)
{
	cr_expect(fabs(got - want) <= REL * fabs(want) + 1e-12,
	          "%s: got %.12g, want %.12g", what, got, want);
}

Test(stats, mean_ci_of_a_hand_example)
{
	/* {2,4,4,4,5,5,7,9}: mean 5, variance 32/7, se = sqrt(32/56),
	 * half-width 2.364624251 * 0.755928946 = 1.787487918. */
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	double m, lo, hi;

	impact_stats_mean_ci(&m, &lo, &hi, x, 1, 8, 0.95);
	expect_rel(m, 5.0, "mean");
	expect_rel(lo, 3.2125120822, "low");
	expect_rel(hi, 6.7874879178, "high");
}

Test(stats, stride_skips_interleaved_values)
{
	/* Every second value is noise; the first column is {10,5,0,8,2}:
	 * mean 5, variance 17, half-width 2.776445105 * sqrt(17/5). */
	const double x[] = { 10, -99, 5, -99, 0, -99, 8, -99, 2, -99 };
	double m, lo, hi;

	impact_stats_mean_ci(&m, &lo, &hi, x, 2, 5, 0.95);
	expect_rel(m, 5.0, "mean");
	expect_rel(lo, -0.1195118161, "low");
	expect_rel(hi, 10.1195118161, "high");
}

Test(stats, single_value_has_no_interval)
{
	const double x[] = { 7 };
	double m, lo, hi;

	impact_stats_mean_ci(&m, &lo, &hi, x, 1, 1, 0.95);
	expect_rel(m, 7.0, "mean");
	cr_expect(isnan(lo) && isnan(hi));
}

Test(stats, running_accumulator_agrees_with_two_pass)
{
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	impact_acc a = { 0, 0, 0 };
	double lo, hi;
	size_t i;

	for (i = 0; i < 8; i++)
		impact__acc_add(&a, x[i]);
	cr_expect_eq(a.n, 8);
	expect_rel(a.mean, 5.0, "mean");
	expect_rel(a.m2, 32.0, "sum of squares");
	impact__acc_ci(&a, 0.95, &lo, &hi);
	expect_rel(lo, 3.2125120822, "low");
	expect_rel(hi, 6.7874879178, "high");
}

Test(stats, accumulator_is_stable_far_from_zero)
{
	/* 1e9 + {4, 7, 13, 16}: variance 30 exactly; a naive sum of
	 * squares loses it to cancellation. */
	const double x[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };
	impact_acc a = { 0, 0, 0 };
	size_t i;

	for (i = 0; i < 4; i++)
		impact__acc_add(&a, x[i]);
	cr_expect(fabs(a.m2 / 3 - 30.0) < 1e-6, "variance %.9g", a.m2 / 3);
}
