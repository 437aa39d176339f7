/*
 * Unit tests of indicators/stats.c.  Expected values computed by hand:
 * mean, sample variance, and the Student-t quantiles t(0.975; 7) =
 * 2.364624251, t(0.975; 4) = 2.776445105 from standard tables.
 *
 * Values R prints carry 4 to 7 significant digits, so each is compared
 * with a relative tolerance of about half a unit in its last printed
 * digit, rounded up (expect_within, tolerance stated at each call);
 * values derived by hand in closed form are compared at REL.  z(0.975) =
 * 1.959963984540054 (standard normal quantile, published tables).
 * Weighted statistics, correlations and Cronbach's alpha are also checked
 * against an independent route (repeated data, GSL's unweighted
 * functions, the covariance form); principal components on data built
 * from Hadamard columns, whose correlations are exact; raking on 2 x 2
 * tables whose IPF limit has a closed form (absolute tolerance 1e-9).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "impact.h"
#include "../../indicators/stats.h"

#define REL 1e-9

static void expect_rel(double got, double want, const char *what)
{
	cr_expect(fabs(got - want) <= REL * fabs(want) + 1e-12,
	          "%s: got %.12g, want %.12g", what, got, want);
}

/* |got - want| <= rel |want|: for values printed by R to few digits. */
static void expect_within(double got, double want, double rel,
                          const char *what)
{
	cr_expect(fabs(got - want) <= rel * fabs(want),
	          "%s: got %.12g, want %.12g (rel %g)", what, got, want, rel);
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

#define Z975 1.959963984540054

/* ---- Wilson interval ---- */

Test(stats, wilson_matches_prop_test)
{
	/* R 4.x: prop.test(8, 10, correct = FALSE)$conf.int prints
	 * 0.4901625 0.9433178; 7 digits, so rel 1e-6. */
	double lo, hi;

	impact_stats_wilson(&lo, &hi, 8, 10, 0.95);
	expect_within(lo, 0.4901625, 1e-6, "low");
	expect_within(hi, 0.9433178, 1e-6, "high");
}

Test(stats, wilson_no_success_starts_at_zero)
{
	/* x = 0: lower bound 0; upper (z^2 + z |z|) / (2 (n + z^2)) =
	 * z^2 / (n + z^2) by hand; R prints 0.1611252. */
	double lo, hi;

	impact_stats_wilson(&lo, &hi, 0, 20, 0.95);
	cr_expect(lo == 0.0, "low %.17g", lo);
	expect_rel(hi, Z975 * Z975 / (20 + Z975 * Z975), "high, closed form");
	expect_within(hi, 0.1611252, 1e-6, "high, R");
}

Test(stats, wilson_all_successes_ends_at_one)
{
	/* x = n = 5: upper bound 1; lower 2n / (2 (n + z^2)). */
	double lo, hi;

	impact_stats_wilson(&lo, &hi, 5, 5, 0.95);
	cr_expect(hi == 1.0, "high %.17g", hi);
	expect_rel(lo, 5 / (5 + Z975 * Z975), "low");
}

Test(stats, wilson_weighted_counts_are_symmetric)
{
	/* Non-integer counts: the interval of x of n mirrors that of
	 * n - x of n (swap success and failure). */
	double lo1, hi1, lo2, hi2;

	impact_stats_wilson(&lo1, &hi1, 3.7, 9.2, 0.9);
	impact_stats_wilson(&lo2, &hi2, 9.2 - 3.7, 9.2, 0.9);
	expect_rel(lo1, 1 - hi2, "low mirrors high");
	expect_rel(hi1, 1 - lo2, "high mirrors low");
	cr_expect(lo1 < 3.7 / 9.2 && 3.7 / 9.2 < hi1);
}

/* ---- Two-proportion z test ---- */

Test(stats, two_proportions_matches_prop_test)
{
	/* 45/100 vs 30/100: pooled p = 0.375, se = sqrt(0.234375 * 0.02),
	 * z = 0.15 / se = 2.1908902300 by hand, z^2 = X-squared = 4.8.
	 * R: prop.test(c(45, 30), c(100, 100), correct = FALSE) prints
	 * p-value = 0.02846; 4 digits, so rel 2e-4. */
	double z, p;

	p = impact_stats_two_proportions(&z, 45, 100, 30, 100);
	expect_rel(z, 2.1908902300, "z");
	expect_rel(z * z, 4.8, "X-squared");
	expect_within(p, 0.02846, 2e-4, "p");
	expect_rel(impact_stats_two_proportions(NULL, 30, 100, 45, 100), p,
	           "symmetric, out_z NULL");
}

Test(stats, two_proportions_without_variance_is_not_significant)
{
	double z = -7;

	cr_expect(impact_stats_two_proportions(&z, 0, 10, 0, 20) == 1.0);
	cr_expect(z == 0.0);
	z = -7;
	cr_expect(impact_stats_two_proportions(&z, 10, 10, 5, 5) == 1.0);
	cr_expect(z == 0.0);
}

/* ---- Welch t test ---- */

Test(stats, welch_matches_t_test)
{
	/* {1..5}: mean 3, var 2.5; {2,4,..,10}: mean 6, var 10.
	 * t = -3 / sqrt(0.5 + 2) = -1.8973665961 and
	 * df = 2.5^2 / (0.5^2/4 + 2^2/4) = 100/17 by hand.  R:
	 * t.test(c(1,2,3,4,5), c(2,4,6,8,10)) prints t = -1.8974,
	 * df = 5.8824, p-value = 0.1075; 4 digits, so rel 5e-4. */
	double t, df, p;

	p = impact_stats_welch(&t, &df, 3, 2.5, 5, 6, 10, 5);
	expect_rel(t, -1.8973665961, "t");
	expect_rel(df, 100.0 / 17.0, "df");
	expect_within(t, -1.8974, 5e-5, "t, R (5 digits)");
	expect_within(df, 5.8824, 5e-5, "df, R (5 digits)");
	expect_within(p, 0.1075, 5e-4, "p, R");
	expect_rel(impact_stats_welch(NULL, NULL, 6, 10, 5, 3, 2.5, 5), p,
	           "symmetric");
}

Test(stats, welch_with_one_constant_group_has_its_partner_df)
{
	/* var2 = 0: df = (n1 - 1) exactly, t = diff / sqrt(var1 / n1). */
	double t, df;

	impact_stats_welch(&t, &df, 5, 4, 9, 3, 0, 6);
	expect_rel(df, 8, "df");
	expect_rel(t, 2 / sqrt(4.0 / 9), "t");
}

Test(stats, welch_without_variance)
{
	double t, df, p;

	p = impact_stats_welch(&t, &df, 4, 0, 3, 4, 0, 5);
	cr_expect(p == 1.0 && t == 0.0 && isnan(df));
	p = impact_stats_welch(&t, &df, 4, 0, 3, 5, 0, 5);
	cr_expect(p == 0.0 && t == -INFINITY && isnan(df));
	p = impact_stats_welch(&t, &df, 6, 0, 3, 5, 0, 5);
	cr_expect(p == 0.0 && t == INFINITY);
}

Test(stats, welch_needs_two_per_group)
{
	double t = 0, df = 0;

	cr_expect(isnan(impact_stats_welch(&t, &df, 1, 1, 1, 2, 1, 10)));
	cr_expect(isnan(t) && isnan(df));
	cr_expect(isnan(impact_stats_welch(NULL, NULL, 1, 1, 10, 2, 1, 1.5)));
}

/* ---- Shannon evenness ---- */

Test(stats, shannon_evenness_hand_values)
{
	const double two[] = { 1, 1 }, skew[] = { 3, 1 };
	const double four[] = { 2, 1, 1, 0 }, one[] = { 0, 5, 0 };
	const double flat[] = { 3, 3, 3, 3, 3, 3, 3 };

	expect_rel(impact_stats_shannon_evenness(two, 1, 2), 1, "{1,1}");
	/* -0.75 ln 0.75 - 0.25 ln 0.25 over ln 2: the binary entropy of
	 * 1/4 in bits, 0.8112781245. */
	expect_rel(impact_stats_shannon_evenness(skew, 1, 2), 0.8112781245,
	           "{3,1}");
	/* p = 1/2, 1/4, 1/4: H = ln2/2 + ln4/2 = 1.5 ln 2, over ln 4. */
	expect_rel(impact_stats_shannon_evenness(four, 1, 4), 0.75,
	           "{2,1,1,0}");
	cr_expect(impact_stats_shannon_evenness(one, 1, 3) == 0.0);
	expect_rel(impact_stats_shannon_evenness(flat, 1, 7), 1, "uniform");
}

Test(stats, shannon_evenness_stride_and_undefined)
{
	const double x[] = { 2, -9, 1, -9, 1, -9, 0, -9 };
	const double zero[] = { 0, 0, 0 };

	expect_rel(impact_stats_shannon_evenness(x, 2, 4), 0.75, "stride");
	cr_expect(isnan(impact_stats_shannon_evenness(x, 2, 1)));
	cr_expect(isnan(impact_stats_shannon_evenness(zero, 1, 3)));
}

/* ---- Statistics for the bootstrap ---- */

Test(stats, fn_mean_share_ratio_evenness_by_hand)
{
	const double x[] = { 1, 2, 3, 4 }, w[] = { 1, 1, 2, 0 };
	const double yes[] = { 1, 0, 1, 1 }, w2[] = { 1, 3, 1, 1 };
	const int code[] = { 0, 1, 2, 2, -1 };
	const size_t idx[] = { 0, 2, 2, 3 }, all[] = { 0, 1, 2, 3, 4 };
	double counts[4];
	impact_stat_mean_ctx m = { x, 1, NULL, 1 };
	impact_stat_mean_ctx s = { yes, 1, NULL, 1 };
	impact_stat_ratio_ctx r = { x, 1, w, 1 };
	impact_stat_evenness_ctx e = { code, 1, NULL, 1, 4, counts };

	/* idx repeats observation 2: mean of {1,3,3,4} = 11/4. */
	expect_rel(impact_stats_fn_mean(&m, idx, 4), 2.75, "mean");
	/* weights {1,2,2,0}: (1 + 6 + 6 + 0) / 5. */
	m.w = w;
	expect_rel(impact_stats_fn_mean(&m, idx, 4), 13.0 / 5, "wmean");
	/* yes over idx: {1,1,1,1}; over 0..3: 3/4; with weights w2:
	 * (1 + 1 + 1) / (1 + 3 + 1 + 1) = 1/2. */
	expect_rel(impact_stats_fn_share(&s, idx, 4), 1, "share");
	expect_rel(impact_stats_fn_share(&s, all, 4), 0.75, "share all");
	s.w = w2;
	expect_rel(impact_stats_fn_share(&s, all, 4), 0.5, "wshare");
	/* (1 + 3 + 3 + 4) / (1 + 2 + 2 + 0). */
	expect_rel(impact_stats_fn_ratio(&r, idx, 4), 11.0 / 5, "ratio");
	/* codes {0,1,2,2}, one missing: counts {1,1,2,0} = {2,1,1,0}
	 * reordered, evenness 0.75. */
	expect_rel(impact_stats_fn_evenness(&e, all, 5), 0.75, "evenness");
	cr_expect(isnan(impact_stats_fn_mean(&m, idx, 0)));
	cr_expect(isnan(impact_stats_fn_ratio(&r, all + 3, 1)));
}

/* ---- Bootstrap ---- */

/* A statistic that ignores the sample and counts its calls: replicate b
 * (from 1) is worth b, or NaN in the pattern `mode` chooses, which makes
 * the quantile rule and the NaN rule checkable by hand. */
typedef struct {
	unsigned calls;
	unsigned mode;   /* 0 none NaN; 1 even calls NaN; 2 two of three */
} counter;

static double counter_stat(void *ctx, const size_t *idx, size_t n)
{
	counter *c = ctx;

	(void)idx;
	(void)n;
	c->calls++;
	if (c->mode == 1 && c->calls % 2 == 0)
		return NAN;
	if (c->mode == 2 && c->calls % 3 != 0)
		return NAN;
	return c->calls;
}

static double nan_stat(void *ctx, const size_t *idx, size_t n)
{
	(void)ctx;
	(void)idx;
	(void)n;
	return NAN;
}

/* impact_stats_bootstrap() with workspaces from the heap. */
static int boot(double *lo, double *hi, impact_stat_fn stat, void *ctx,
                const size_t *stratum, size_t n, size_t nstrata,
                const impact_bootstrap_opts *o)
{
	size_t reps = o ? o->replicates : 1000;
	double *work = malloc(impact_stats_bootstrap_work_size(n, reps) *
	                      sizeof *work);
	size_t *iwork = malloc((impact_stats_bootstrap_iwork_size(n) + 1) *
	                       sizeof *iwork);
	int rc;

	cr_assert(work && iwork);
	rc = impact_stats_bootstrap(lo, hi, stat, ctx, stratum, n, nstrata, o,
	                            work, iwork);
	free(work);
	free(iwork);
	return rc;
}

Test(stats, bootstrap_work_sizes)
{
	cr_expect_eq(impact_stats_bootstrap_work_size(50, 1000), 1050);
	cr_expect_eq(impact_stats_bootstrap_iwork_size(50), 100);
}

Test(stats, bootstrap_quantiles_are_type_7)
{
	/* Replicates 1..10; R: quantile(1:10, c(0.1, 0.9)) = 1.9, 9.1. */
	impact_bootstrap_opts o = { 10, 1, 0.8 };
	counter c = { 0, 0 };
	double lo, hi;

	cr_assert_eq(boot(&lo, &hi, counter_stat, &c, NULL, 3, 1, &o), 0);
	cr_expect_eq(c.calls, 10, "one call per replicate");
	expect_rel(lo, 1.9, "low");
	expect_rel(hi, 9.1, "high");
}

/* The selection gives, bit for bit, GSL's quantiles of the sorted
 * values: sizes 1 to 1,200, levels from 0.5 to 0.99, values with many
 * ties (integers 0..k) and without (uniform draws). */
Test(stats, percentile_interval_is_gsl_on_sorted_values)
{
	static const double levels[] = { 0.5, 0.8, 0.9, 0.95, 0.99 };
	static const size_t sizes[] = { 1, 2, 3, 7, 40, 999, 1000, 1200 };
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	double *v = malloc(1200 * sizeof(double));
	double *w = malloc(1200 * sizeof(double));
	size_t a, b, i, k, bad = 0, tried = 0;

	cr_assert(r && v && w);
	gsl_rng_set(r, 11);
	for (a = 0; a < sizeof(sizes) / sizeof(*sizes); a++)
		for (k = 0; k < 4; k++)
			for (b = 0; b < sizeof(levels) / sizeof(*levels); b++) {
				size_t n = sizes[a];
				double lo, hi, wlo, whi;

				for (i = 0; i < n; i++)
					v[i] = k == 0 ? gsl_rng_uniform(r)
					       : (double)gsl_rng_uniform_int(r, 1 + 3 * k);
				memcpy(w, v, n * sizeof(double));
				gsl_sort(w, 1, n);
				wlo = gsl_stats_quantile_from_sorted_data(w, 1, n,
				                     (1 - levels[b]) / 2);
				whi = gsl_stats_quantile_from_sorted_data(w, 1, n,
				                     (1 + levels[b]) / 2);
				wlo = wlo < w[0] ? w[0] : wlo > w[n - 1] ? w[n - 1] : wlo;
				whi = whi < w[0] ? w[0] : whi > w[n - 1] ? w[n - 1] : whi;
				impact__percentile_interval(v, n, levels[b], &lo, &hi);
				bad += memcmp(&lo, &wlo, sizeof(double)) != 0
				       || memcmp(&hi, &whi, sizeof(double)) != 0;
				tried++;
			}
	cr_expect_eq(bad, 0, "%zu of %zu intervals differ from GSL's", bad,
	             tried);
	impact__percentile_interval(v, 0, 0.95, &v[0], &v[1]);
	cr_expect(isnan(v[0]) && isnan(v[1]), "no values: NaN");
	free(v);
	free(w);
	gsl_rng_free(r);
}

Test(stats, bootstrap_drops_nan_replicates_up_to_half)
{
	/* Half NaN: values {1,3,5,7,9} remain; R: quantile(c(1,3,5,7,9),
	 * c(0.1, 0.9)) = 1.8, 8.2.  Two thirds NaN: no interval. */
	impact_bootstrap_opts o = { 10, 1, 0.8 };
	counter c = { 0, 1 };
	double lo, hi;

	cr_assert_eq(boot(&lo, &hi, counter_stat, &c, NULL, 3, 1, &o), 0);
	expect_rel(lo, 1.8, "low");
	expect_rel(hi, 8.2, "high");
	c.calls = 0;
	c.mode = 2;
	o.replicates = 9;
	cr_expect_eq(boot(&lo, &hi, counter_stat, &c, NULL, 3, 1, &o), -1);
	cr_expect(isnan(lo) && isnan(hi));
}

Test(stats, bootstrap_without_interval)
{
	const double x[] = { 1, 2, 3 };
	impact_stat_mean_ctx m = { x, 1, NULL, 1 };
	double lo = 0, hi = 0;

	cr_expect_eq(boot(&lo, &hi, nan_stat, NULL, NULL, 3, 1, NULL), -1);
	cr_expect(isnan(lo) && isnan(hi));
	lo = hi = 0;
	cr_expect_eq(impact_stats_bootstrap(&lo, &hi, impact_stats_fn_mean,
	                                    &m, NULL, 0, 1, NULL, NULL, NULL),
	             -1);
	cr_expect(isnan(lo) && isnan(hi));
}

Test(stats, bootstrap_reports_impossible_allocation)
{
	/* A workspace of n + SIZE_MAX/4 doubles cannot be allocated: -2,
	 * before any replicate is drawn. */
	impact_bootstrap_opts o = { SIZE_MAX / 4, 1, 0.95 };
	counter c = { 0, 0 };
	double lo, hi;

	cr_expect_eq(impact_stats_bootstrap(&lo, &hi, counter_stat, &c, NULL,
	                                    3, 1, &o, NULL, NULL), -2);
	cr_expect_eq(c.calls, 0);
	cr_expect(isnan(lo) && isnan(hi));
}

Test(stats, bootstrap_of_constant_data_is_a_point)
{
	/* 3.7 is not a binary fraction: the interval is [c, c] exactly. */
	double x[25], lo, hi;
	impact_stat_mean_ctx m = { x, 1, NULL, 1 };
	size_t i;

	for (i = 0; i < 25; i++)
		x[i] = 3.7;
	cr_assert_eq(boot(&lo, &hi, impact_stats_fn_mean, &m, NULL, 25, 1,
	                  NULL), 0);
	cr_expect(lo == 3.7 && hi == 3.7, "[%.17g, %.17g]", lo, hi);
}

Test(stats, bootstrap_is_deterministic_and_seeded)
{
	double x[40], a[2], b[2], c[2];
	impact_stat_mean_ctx m = { x, 1, NULL, 1 };
	impact_bootstrap_opts o = IMPACT_BOOTSTRAP_OPTS_INIT;
	size_t i;

	for (i = 0; i < 40; i++)
		x[i] = (double)((i * 37) % 11) + 0.25 * (double)i;
	cr_assert_eq(boot(&a[0], &a[1], impact_stats_fn_mean, &m, NULL, 40, 1,
	                  &o), 0);
	/* Same seed, and the internal workspaces of NULL, NULL opts. */
	cr_assert_eq(impact_stats_bootstrap(&b[0], &b[1], impact_stats_fn_mean,
	                                    &m, NULL, 40, 1, NULL, NULL, NULL),
	             0);
	cr_expect(memcmp(a, b, sizeof a) == 0, "same seed, same bits");
	o.seed++;
	cr_assert_eq(boot(&c[0], &c[1], impact_stats_fn_mean, &m, NULL, 40, 1,
	                  &o), 0);
	cr_expect(memcmp(a, c, sizeof a) != 0, "another seed, another draw");
	cr_expect(a[0] < a[1]);
}

Test(stats, bootstrap_mean_agrees_with_t_interval)
{
	/*
	 * 2000 N(10, 2^2) values: the percentile interval of the mean and
	 * the t interval estimate the same thing.  With 20,000 replicates
	 * the Monte Carlo s.d. of a 2.5% quantile is about 1% of the
	 * half-width (sqrt(.025 * .975 / 20000) / phi(1.96) se, over
	 * 1.96 se), so each bound must lie within 5% of the t interval's
	 * half-width of the t bound.
	 */
	enum { N = 2000 };
	static double x[N];
	impact_stat_mean_ctx m = { x, 1, NULL, 1 };
	impact_bootstrap_opts o = { 20000, 7UL, 0.95 };
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	double mean, tlo, thi, lo, hi, hw;
	size_t i;

	cr_assert(r);
	gsl_rng_set(r, 12345UL);
	for (i = 0; i < N; i++)
		x[i] = 10 + gsl_ran_gaussian(r, 2.0);
	gsl_rng_free(r);
	impact_stats_mean_ci(&mean, &tlo, &thi, x, 1, N, 0.95);
	hw = (thi - tlo) / 2;
	cr_assert_eq(boot(&lo, &hi, impact_stats_fn_mean, &m, NULL, N, 1, &o),
	             0);
	cr_expect(fabs(lo - tlo) <= 0.05 * hw, "low %.6g vs t %.6g (hw %.3g)",
	          lo, tlo, hw);
	cr_expect(fabs(hi - thi) <= 0.05 * hw, "high %.6g vs t %.6g (hw %.3g)",
	          hi, thi, hw);
}

Test(stats, bootstrap_resamples_within_strata)
{
	/* Strata interleaved: even observations are stratum 0, all 0; odd
	 * ones stratum 1, all 10.  Each stratified replicate draws 10 of
	 * each, so its mean is (0 + 100) / 20 = 5 exactly; unstratified,
	 * the share of tens varies and the interval widens (its s.d. is
	 * 5 / sqrt(20) = 1.1, the interval about 4.4 wide). */
	double x[20], lo, hi;
	size_t st[20], i;
	impact_stat_mean_ctx m = { x, 1, NULL, 1 };

	for (i = 0; i < 20; i++) {
		st[i] = i % 2;
		x[i] = i % 2 ? 10 : 0;
	}
	cr_assert_eq(boot(&lo, &hi, impact_stats_fn_mean, &m, st, 20, 2,
	                  NULL), 0);
	cr_expect(lo == 5.0 && hi == 5.0, "[%.17g, %.17g]", lo, hi);
	cr_assert_eq(boot(&lo, &hi, impact_stats_fn_mean, &m, NULL, 20, 1,
	                  NULL), 0);
	cr_expect(hi - lo > 2.0, "unstratified [%g, %g]", lo, hi);
	/* An empty stratum (code 2 unused, nstrata 4) changes nothing. */
	for (i = 0; i < 20; i++)
		st[i] = i % 2 ? 3 : 0;
	cr_assert_eq(boot(&lo, &hi, impact_stats_fn_mean, &m, st, 20, 4,
	                  NULL), 0);
	cr_expect(lo == 5.0 && hi == 5.0, "[%.17g, %.17g]", lo, hi);
}

Test(stats, bootstrap_of_a_constant_ratio)
{
	/* y = 2x on every observation: sum y / sum x = 2 in every replicate
	 * (doubling is exact in floating point). */
	const double xs[] = { 1.5, 3, 0.7, 12, 4.1, 9, 2.2, 5.5, 0.3, 8 };
	double ys[10], lo, hi;
	impact_stat_ratio_ctx r = { ys, 1, xs, 1 };
	size_t i;

	for (i = 0; i < 10; i++)
		ys[i] = 2 * xs[i];
	cr_assert_eq(boot(&lo, &hi, impact_stats_fn_ratio, &r, NULL, 10, 1,
	                  NULL), 0);
	cr_expect(lo == 2.0 && hi == 2.0, "[%.17g, %.17g]", lo, hi);
}

Test(stats, bootstrap_evenness_of_categories)
{
	/* Three categories equally used, strata of one category each: every
	 * stratified replicate has counts {4,4,4}, evenness 1. */
	const int code[] = { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2 };
	size_t st[12], i;
	double counts[3], lo, hi;
	impact_stat_evenness_ctx e = { code, 1, NULL, 1, 3, counts };

	for (i = 0; i < 12; i++)
		st[i] = (size_t)code[i];
	cr_assert_eq(boot(&lo, &hi, impact_stats_fn_evenness, &e, st, 12, 3,
	                  NULL), 0);
	expect_rel(lo, 1, "low");
	expect_rel(hi, 1, "high");
	cr_assert_eq(boot(&lo, &hi, impact_stats_fn_evenness, &e, NULL, 12, 1,
	                  NULL), 0);
	cr_expect(lo < 0.99 && hi <= 1.0, "unstratified [%g, %g]", lo, hi);
}

/* ---- Weighted statistics ---- */

Test(stats, weighted_mean_and_variances_by_hand)
{
	/*
	 * x = {1,2,3,4}, w = {1,2,3,4}: sum w = 10, sum w x = 30, mean 3;
	 * sum w (x - 3)^2 = 4 + 2 + 0 + 4 = 10, so the frequency-weight
	 * variance is 10 / 9 and the population one 10 / 10 = 1.
	 */
	const double x[] = { 1, 2, 3, 4 }, w[] = { 1, 2, 3, 4 };

	expect_rel(impact_stats_wmean(w, 1, x, 1, 4), 3, "wmean");
	expect_rel(impact_stats_wvariance(w, 1, x, 1, 4), 10.0 / 9,
	           "wvariance");
	expect_rel(impact_stats_wsd(w, 1, x, 1, 4), sqrt(10.0 / 9), "wsd");
	expect_rel(impact_stats_wvariance_pop(w, 1, x, 1, 4), 1, "pop");
}

Test(stats, frequency_weights_equal_repeated_data)
{
	/* Independent method: integer weights w_i give what GSL's
	 * unweighted mean and sample variance give on the data with each
	 * value repeated w_i times. */
	const double x[] = { 2.5, -1, 7.25, 4, 0.5 };
	const double w[] = { 3, 1, 2, 5, 4 };
	double rep[15];
	size_t i, j, m = 0;

	for (i = 0; i < 5; i++)
		for (j = 0; j < (size_t)w[i]; j++)
			rep[m++] = x[i];
	cr_assert_eq(m, 15);
	expect_rel(impact_stats_wmean(w, 1, x, 1, 5), gsl_stats_mean(rep, 1, m),
	           "wmean");
	expect_rel(impact_stats_wvariance(w, 1, x, 1, 5),
	           gsl_stats_variance(rep, 1, m), "wvariance");
	expect_rel(impact_stats_wsd(w, 1, x, 1, 5), gsl_stats_sd(rep, 1, m),
	           "wsd");
	/* Population variance: sample variance times (m - 1) / m. */
	expect_rel(impact_stats_wvariance_pop(w, 1, x, 1, 5),
	           gsl_stats_variance(rep, 1, m) * 14 / 15, "pop");
}

Test(stats, weighted_statistics_strides_and_undefined)
{
	/* Interleaved (w, x) pairs: w = {0.25, 0.75}, x = {10, 20}; mean
	 * 2.5 + 15 = 17.5; sum w = 1, so the frequency variance is not
	 * defined; population variance .25 * 56.25 + .75 * 6.25 = 18.75. */
	const double wx[] = { 0.25, 10, 0.75, 20 }, zero[] = { 0, 0 };

	expect_rel(impact_stats_wmean(wx, 2, wx + 1, 2, 2), 17.5, "wmean");
	expect_rel(impact_stats_wvariance_pop(wx, 2, wx + 1, 2, 2), 18.75,
	           "pop");
	cr_expect(isnan(impact_stats_wvariance(wx, 2, wx + 1, 2, 2)));
	cr_expect(isnan(impact_stats_wsd(wx, 2, wx + 1, 2, 2)));
	cr_expect(isnan(impact_stats_wmean(wx, 1, wx, 1, 0)));
	cr_expect(isnan(impact_stats_wvariance_pop(wx, 1, wx, 1, 0)));
	cr_expect(isnan(impact_stats_wmean(zero, 1, wx, 1, 2)));
	cr_expect(isnan(impact_stats_wvariance_pop(zero, 1, wx, 1, 2)));
	cr_expect(isnan(impact_stats_wsd(zero, 1, wx, 1, 2)));
}

Test(stats, weighted_mean_of_constant_data_is_exact)
{
	const double x[] = { 0.1, 0.1, 0.1 }, w[] = { 0.3, 1.7, 2.9 };

	cr_expect(impact_stats_wmean(w, 1, x, 1, 3) == 0.1);
	cr_expect(impact_stats_wvariance_pop(w, 1, x, 1, 3) == 0.0);
}

Test(stats, wquantile_without_weights_is_type_1)
{
	/* 1..10 shuffled, weights 1: the smallest x with F(x) >= p, R's
	 * quantile(1:10, p, type = 1): p = .25 -> 3 (F(2) = .2 < .25 <=
	 * F(3) = .3), .5 -> 5, .1 -> 1, .91 -> 10; p = 0 -> 1, 1 -> 10. */
	const double x[] = { 7, 2, 10, 4, 1, 9, 3, 6, 5, 8 };
	const double w[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	double work[20];

	cr_expect(impact_stats_wquantile(w, x, 10, 0.25, work) == 3);
	cr_expect(impact_stats_wquantile(w, x, 10, 0.5, work) == 5);
	cr_expect(impact_stats_wquantile(w, x, 10, 0.1, work) == 1);
	cr_expect(impact_stats_wquantile(w, x, 10, 0.91, work) == 10);
	cr_expect(impact_stats_wquantile(w, x, 10, 0, work) == 1);
	cr_expect(impact_stats_wquantile(w, x, 10, 1, NULL) == 10);
}

Test(stats, wquantile_with_weights_by_hand)
{
	/* Sorted: 1 (.2), 3 (.3), 5 (.5), cumulative shares .2, .5, 1; the
	 * value -100 weighs nothing and is never returned. */
	const double x[] = { 5, 1, -100, 3 }, w[] = { 0.5, 0.2, 0, 0.3 };
	const double zero[] = { 0, 0, 0, 0 };

	cr_expect(impact_stats_wquantile(w, x, 4, 0, NULL) == 1);
	cr_expect(impact_stats_wquantile(w, x, 4, 0.2, NULL) == 1);
	cr_expect(impact_stats_wquantile(w, x, 4, 0.21, NULL) == 3);
	cr_expect(impact_stats_wquantile(w, x, 4, 0.5, NULL) == 3);
	cr_expect(impact_stats_wquantile(w, x, 4, 0.51, NULL) == 5);
	cr_expect(impact_stats_wquantile(w, x, 4, 1, NULL) == 5);
	cr_expect(isnan(impact_stats_wquantile(zero, x, 4, 0.5, NULL)));
	cr_expect(isnan(impact_stats_wquantile(w, x, 0, 0.5, NULL)));
}

Test(stats, wquantile_integer_weights_equal_repeated_data)
{
	/* Independent method: the type 1 quantile of the repeated data,
	 * the sorted value at position ceil(p m) (1-based). */
	const double x[] = { 2.5, -1, 7.25, 4, 0.5, 4 };
	const double w[] = { 3, 1, 2, 5, 4, 2 };
	const double ps[] = { 0.05, 0.2, 0.3, 0.47, 0.5, 0.8, 0.9, 0.99 };
	double rep[17], ones[17], work[34], want, got;
	size_t i, j, m = 0, pos;

	for (i = 0; i < 6; i++)
		for (j = 0; j < (size_t)w[i]; j++) {
			ones[m] = 1;
			rep[m++] = x[i];
		}
	cr_assert_eq(m, 17);
	gsl_sort(rep, 1, m);
	for (i = 0; i < sizeof ps / sizeof ps[0]; i++) {
		pos = (size_t)ceil(ps[i] * (double)m);
		want = rep[pos - 1];
		got = impact_stats_wquantile(w, x, 6, ps[i], work);
		cr_expect(got == want, "p %g: got %g, want %g", ps[i], got,
		          want);
		got = impact_stats_wquantile(ones, rep, m, ps[i], NULL);
		cr_expect(got == want, "repeated, p %g: got %g", ps[i], got);
	}
}

/* ---- Cronbach's alpha ---- */

Test(stats, cronbach_alpha_hand_example)
{
	/*
	 * 4 persons x 3 items.  Item variances (n - 1 divisor): {1,1,0,0}
	 * mean .5, 4 * .25 / 3 = 1/3; {1,0,0,0} mean .25, (.5625 + 3 *
	 * .0625) / 3 = 1/4; {1,1,1,0} likewise 1/4.  Totals {3,2,1,0}:
	 * mean 1.5, (2.25 + .25 + .25 + 2.25) / 3 = 5/3.  alpha = 3/2 *
	 * (1 - (1/3 + 1/4 + 1/4) / (5/3)) = 1.5 * (1 - 0.5) = 0.75.
	 */
	const double items[] = { 1, 1, 1,
	                         1, 0, 1,
	                         0, 0, 1,
	                         0, 0, 0 };

	expect_rel(impact_stats_cronbach_alpha(items, 4, 3), 0.75, "alpha");
}

Test(stats, cronbach_alpha_extremes)
{
	/* Identical items of variance v: sum var = k v, total variance
	 * k^2 v, alpha = k/(k-1) (1 - 1/k) = 1.  Orthogonal items {1,1,0,0}
	 * and {1,0,1,0}: totals {2,1,1,0}, variance 2/3 = 1/3 + 1/3, so
	 * alpha = 0.  Opposite items: totals constant, NaN. */
	const double same[] = { 3, 3, 1, 1, 4, 4, 0, 0, 2, 2 };
	const double orth[] = { 1, 1, 1, 0, 0, 1, 0, 0 };
	const double opp[] = { 1, 0, 0, 1, 1, 0 };

	expect_rel(impact_stats_cronbach_alpha(same, 5, 2), 1, "same");
	cr_expect(fabs(impact_stats_cronbach_alpha(orth, 4, 2)) < 1e-12,
	          "orthogonal");
	cr_expect(isnan(impact_stats_cronbach_alpha(opp, 3, 2)), "opposite");
	cr_expect(isnan(impact_stats_cronbach_alpha(same, 10, 1)), "k = 1");
	cr_expect(isnan(impact_stats_cronbach_alpha(same, 1, 2)), "n = 1");
}

Test(stats, cronbach_alpha_agrees_with_covariance_form)
{
	/* Independent method: var(total) = sum var + sum of the
	 * covariances off the diagonal C, so alpha = k/(k-1) C / (sum var
	 * + C), with GSL's covariances. */
	enum { N = 30, K = 4 };
	double x[N * K], var = 0, cov = 0, want;
	size_t i, j, l;

	for (i = 0; i < N; i++)
		for (j = 0; j < K; j++)
			x[i * K + j] = (double)((i * (3 + j) + j * j) % 7) +
			               0.5 * (double)(i % 5);
	for (j = 0; j < K; j++)
		for (l = 0; l < K; l++) {
			if (j == l)
				var += gsl_stats_variance(x + j, K, N);
			else
				cov += gsl_stats_covariance(x + j, K, x + l,
				                            K, N);
		}
	want = (double)K / (K - 1) * cov / (var + cov);
	expect_rel(impact_stats_cronbach_alpha(x, N, K), want, "alpha");
}

/* ---- Correlation and principal component ---- */

/* Sylvester's Hadamard matrix of order 2^m: entry (i, j) is -1 to the
 * number of bits i and j share.  Columns j >= 1 have mean 0 and are
 * mutually orthogonal: exact building blocks for known correlations. */
static double hadamard(unsigned i, unsigned j)
{
	unsigned b = i & j, bits = 0;

	for (; b; b >>= 1)
		bits += b & 1;
	return bits % 2 ? -1.0 : 1.0;
}

/* Columns a = u + v, b = u + w from orthogonal u, v, w of equal norm:
 * cov(a, b) = |u|^2, var a = var b = 2 |u|^2, so r = 0.5 exactly (with
 * sign = -1, b is negated and r = -0.5). */
static void half_correlated(double *x, double sign)
{
	unsigned i;

	for (i = 0; i < 4; i++) {
		x[2 * i] = hadamard(i, 1) + hadamard(i, 2);
		x[2 * i + 1] = sign * (hadamard(i, 1) + hadamard(i, 3));
	}
}

Test(stats, correlation_matrix_by_hand)
{
	/* a = {2,0,0,-2}, b = {2,-2,0,0}: a.b = 4, |a|^2 = |b|^2 = 8. */
	double x[8], r[4];

	half_correlated(x, 1);
	cr_expect(x[0] == 2 && x[2] == 0 && x[4] == 0 && x[6] == -2);
	cr_expect(x[1] == 2 && x[3] == -2 && x[5] == 0 && x[7] == 0);
	cr_assert_eq(impact_stats_correlation_matrix(r, x, 4, 2), 0);
	expect_rel(r[0], 1, "r11");
	expect_rel(r[1], 0.5, "r12");
	expect_rel(r[2], 0.5, "r21");
	expect_rel(r[3], 1, "r22");
}

Test(stats, correlation_matrix_agrees_with_gsl)
{
	/* Independent method: gsl_stats_correlation column by column. */
	enum { N = 25, K = 3 };
	double x[N * K], r[K * K];
	size_t i, j, l;

	for (i = 0; i < N; i++) {
		x[i * K] = (double)((i * 7) % 11);
		x[i * K + 1] = 1e6 + 0.5 * x[i * K] + (double)(i % 4);
		x[i * K + 2] = -(double)((i * i) % 13) + 0.1 * (double)i;
	}
	cr_assert_eq(impact_stats_correlation_matrix(r, x, N, K), 0);
	for (j = 0; j < K; j++)
		for (l = 0; l < K; l++)
			expect_rel(r[j * K + l],
			           j == l ? 1 : gsl_stats_correlation(x + j, K,
			           x + l, K, N), "r");
}

Test(stats, correlation_matrix_constant_column_and_small_n)
{
	/* Column 2 is constant (0.1 is not a binary fraction). */
	const double x[] = { 1, 0.1, 2, 2, 0.1, 4, 3, 0.1, 7 };
	double r[9];
	size_t j;

	cr_assert_eq(impact_stats_correlation_matrix(r, x, 3, 3), 0);
	for (j = 0; j < 3; j++)
		cr_expect(isnan(r[3 + j]) && isnan(r[3 * j + 1]), "column 2");
	expect_rel(r[0], 1, "r11");
	expect_rel(r[8], 1, "r33");
	/* {1,2,3} and {2,4,7}: deviations {-1,0,1} and {-7/3,-1/3,8/3},
	 * sxx = 2, syy = 114/9 = 38/3, sxy = 7/3 + 8/3 = 5. */
	expect_rel(r[2], 5 / sqrt(2 * 38.0 / 3), "r13");
	cr_expect_eq(impact_stats_correlation_matrix(r, x, 1, 3), -1);
	for (j = 0; j < 9; j++)
		cr_expect(isnan(r[j]));
}

Test(stats, first_component_of_two_half_correlated_columns)
{
	/* [[1, .5], [.5, 1]]: eigenvalues 1.5 and .5, the first with
	 * vector (1, 1) / sqrt 2; share 1.5 / 2. */
	double x[8], v[2], share;

	half_correlated(x, 1);
	cr_assert_eq(impact_stats_first_component(v, &share, x, 4, 2), 0);
	expect_rel(v[0], 1 / sqrt(2), "v1");
	expect_rel(v[1], 1 / sqrt(2), "v2");
	expect_rel(share, 0.75, "share");
}

Test(stats, first_component_sign_rule_on_a_zero_sum)
{
	/* r = -.5: eigenvalue 1.5 with (1, -1) / sqrt 2, whose loadings sum
	 * to 0: the first one is made positive. */
	double x[8], v[2], share;

	half_correlated(x, -1);
	cr_assert_eq(impact_stats_first_component(v, &share, x, 4, 2), 0);
	expect_rel(v[0], 1 / sqrt(2), "v1");
	expect_rel(v[1], -1 / sqrt(2), "v2");
	expect_rel(share, 0.75, "share");
}

Test(stats, first_component_of_a_perfect_pair_and_an_independent_column)
{
	/* c1 = u, c2 = 2u + 3, c3 = v, with u and v orthogonal:
	 * correlation [[1,1,0],[1,1,0],[0,0,1]], eigenvalues 2, 1, 0; the
	 * first vector (1, 1, 0) / sqrt 2, share 2/3. */
	double x[12], v[3], share;
	unsigned i;

	for (i = 0; i < 4; i++) {
		x[3 * i] = hadamard(i, 1);
		x[3 * i + 1] = 2 * hadamard(i, 1) + 3;
		x[3 * i + 2] = hadamard(i, 2);
	}
	cr_assert_eq(impact_stats_first_component(v, &share, x, 4, 3), 0);
	expect_rel(v[0], 1 / sqrt(2), "v1");
	expect_rel(v[1], 1 / sqrt(2), "v2");
	cr_expect(fabs(v[2]) < 1e-12, "v3 %g", v[2]);
	expect_rel(share, 2.0 / 3, "share");
}

Test(stats, first_component_of_equicorrelated_columns)
{
	/* Columns h1 + h_{j+2} of the order-8 Hadamard matrix: every pair
	 * has r = .5.  An equicorrelation matrix's largest eigenvalue is
	 * 1 + (k - 1) r = 2 with vector (1,1,1) / sqrt 3.  GSL 2.7's
	 * gsl_eigen_symmv returns it as -(1,1,1) / sqrt 3, so this case
	 * also exercises the sign rule. */
	double x[24], v[3], share;
	unsigned i, j;

	for (i = 0; i < 8; i++)
		for (j = 0; j < 3; j++)
			x[3 * i + j] = hadamard(i, 1) + hadamard(i, j + 2);
	cr_assert_eq(impact_stats_first_component(v, &share, x, 8, 3), 0);
	for (j = 0; j < 3; j++)
		expect_rel(v[j], 1 / sqrt(3), "v");
	expect_rel(share, 2.0 / 3, "share");
}

Test(stats, first_component_refuses_constant_columns)
{
	const double x[] = { 1, 5, 2, 5, 3, 5 };
	double v[2] = { 0, 0 }, share = 0;

	cr_expect_eq(impact_stats_first_component(v, &share, x, 3, 2), -1);
	cr_expect(isnan(v[0]) && isnan(v[1]) && isnan(share));
	cr_expect_eq(impact_stats_first_component(v, &share, x, 1, 2), -1);
}

/* ---- Raking ---- */

Test(stats, rake_one_variable_is_target_over_count)
{
	/* Level 0: respondents 0, 2, 5 weigh 1 + 2 + 1 = 4, target 30,
	 * factor 7.5; level 1: 1 and 4 weigh 3 + 1, target 10, factor 2.5;
	 * level 2: respondent 3 alone, target 5.  The second cycle changes
	 * nothing: converged after 2. */
	double w[] = { 1, 3, 2, 1, 1, 1 };
	const int lev[] = { 0, 1, 0, 2, 1, 0 };
	const size_t nlev[] = { 3 };
	const double t0[] = { 30, 10, 5 };
	const double *const targets[] = { t0 };
	const double want[] = { 7.5, 7.5, 15, 5, 2.5, 7.5 };
	impact_rake_report rep;
	size_t i;

	cr_assert_eq(impact_stats_rake(w, 6, 1, lev, nlev, targets, NULL,
	                               &rep), 0);
	for (i = 0; i < 6; i++)
		expect_rel(w[i], want[i], "weight");
	cr_expect(rep.converged == 1 && rep.iterations == 2);
	cr_expect(rep.max_change < 1e-10);
}

/* Respondents of a 2 x 2 table, one variable per dimension:
 * levels[i] = { row, column }. */
static const int cell_levels[] = { 0, 0,  0, 1,  1, 0,  1, 1,  0, 0 };
static const size_t two_levels[] = { 2, 2 };

Test(stats, rake_two_by_two_with_odds_ratio_one)
{
	/* One respondent per cell: the sample's odds ratio is 1, so the
	 * fitted table is row * column / total: 30 * 40 / 100 = 12, 18,
	 * 28, 42.  The first cycle gets there (rows: 15, 15, 35, 35;
	 * columns: * 40/50, * 60/50), the second confirms it. */
	double w[] = { 1, 1, 1, 1 };
	const double rows[] = { 30, 70 }, cols[] = { 40, 60 };
	const double *const targets[] = { rows, cols };
	const double want[] = { 12, 18, 28, 42 };
	impact_rake_opts o = IMPACT_RAKE_OPTS_INIT;
	impact_rake_report rep;
	size_t i;

	cr_assert_eq(impact_stats_rake(w, 4, 2, cell_levels, two_levels,
	                               targets, &o, &rep), 0);
	for (i = 0; i < 4; i++)
		cr_expect(fabs(w[i] - want[i]) < 1e-9, "w%zu %.12g", i, w[i]);
	cr_expect(rep.converged == 1 && rep.iterations == 2);
}

/* Case (c): cells n11 = 2 (respondents 0 and 4), n12 = n21 = n22 = 1,
 * margins 50/50 both ways.  IPF keeps the sample's odds ratio 2 * 1 /
 * (1 * 1) = 2, so the fitted cells m11 = m22 = a, m12 = m21 = 50 - a
 * solve a^2 / (50 - a)^2 = 2: a = 50 sqrt 2 / (1 + sqrt 2). */
static const double half[] = { 50, 50 };
static const double *const halves[] = { half, half };

Test(stats, rake_two_by_two_keeps_the_odds_ratio)
{
	double w[] = { 1, 1, 1, 1, 1 };
	double a = 50 * sqrt(2) / (1 + sqrt(2));
	impact_rake_report rep;

	cr_expect(fabs(a - 29.28932188) < 1e-8);
	cr_assert_eq(impact_stats_rake(w, 5, 2, cell_levels, two_levels,
	                               halves, NULL, &rep), 0);
	cr_expect(rep.converged == 1 && rep.max_change < 1e-10);
	cr_expect(fabs(w[0] - a / 2) < 1e-9, "n11 %.12g", w[0]);
	cr_expect(fabs(w[4] - a / 2) < 1e-9, "n11 %.12g", w[4]);
	cr_expect(fabs(w[1] - (50 - a)) < 1e-9, "n12 %.12g", w[1]);
	cr_expect(fabs(w[2] - (50 - a)) < 1e-9, "n21 %.12g", w[2]);
	cr_expect(fabs(w[3] - a) < 1e-9, "n22 %.12g", w[3]);
}

Test(stats, rake_reports_non_convergence)
{
	/*
	 * One cycle of case (c).  Rows: row 0 weighs 3, * 50/3; row 1
	 * weighs 2, * 25.  Columns: column 0 holds 2 * 50/3 + 25 = 175/3,
	 * * 6/7: n11 = 100/7, n21 = 150/7; column 1 holds 50/3 + 25 =
	 * 125/3, * 6/5: n12 = 20, n22 = 30.  Largest change: (30 - 1) / 1.
	 */
	double w[] = { 1, 1, 1, 1, 1 };
	const double want[] = { 100.0 / 7, 20, 150.0 / 7, 30, 100.0 / 7 };
	impact_rake_opts o = IMPACT_RAKE_OPTS_INIT;
	impact_rake_report rep;
	size_t i;

	o.max_iter = 1;
	cr_assert_eq(impact_stats_rake(w, 5, 2, cell_levels, two_levels,
	                               halves, &o, &rep), 1);
	cr_expect(rep.converged == 0 && rep.iterations == 1);
	expect_rel(rep.max_change, 29, "max change");
	for (i = 0; i < 5; i++)
		expect_rel(w[i], want[i], "weight");
}

Test(stats, rake_trimming_keeps_weights_within_bounds)
{
	/*
	 * Case (c) untrimmed gives 14.64 (n11), 20.71, 20.71, 29.29; the
	 * mean weight after each cycle's raking is the total over n =
	 * 100 / 5 = 20, so [0.8, 1.3] means [16, 26]: both bounds bite.
	 */
	double w[] = { 1, 1, 1, 1, 1 };
	impact_rake_opts o = IMPACT_RAKE_OPTS_INIT;
	impact_rake_report rep;
	int rc;
	size_t i;

	o.trim_lo = 0.8;
	o.trim_hi = 1.3;
	rc = impact_stats_rake(w, 5, 2, cell_levels, two_levels, halves, &o,
	                       &rep);
	cr_expect(rc == 0 && rep.converged == 1, "rc %d", rc);
	for (i = 0; i < 5; i++)
		cr_expect(w[i] >= 16 * (1 - 1e-12) && w[i] <= 26 * (1 + 1e-12),
		          "w%zu = %.12g", i, w[i]);
	cr_expect(fabs(w[3] - 26) < 1e-9, "n22 capped: %.12g", w[3]);
	cr_expect(fabs(w[0] - 16) < 1e-9, "n11 raised: %.12g", w[0]);
}

Test(stats, rake_unknown_level_keeps_its_weight)
{
	/*
	 * r0 (A0, B0), r1 (A0, B1), r2 (A1, unknown B); both margins total
	 * 100.  Cycle 1 scales the weights to 100 (100/3 each).  A 60, 40:
	 * r0 = r1 = 30, r2 = 40.  B 25, 75 among the known r0 and r1, who
	 * weigh 60: r0 = 15, r1 = 45; r2 keeps 40.  Cycle 2 changes
	 * nothing.  (Scaling r0 and r1 to B's totals, 25 and 75, instead
	 * would break A's margins: 100 and 40.)
	 */
	double w[] = { 1, 1, 1 };
	const int lev[] = { 0, 0,  0, 1,  1, -1 };
	const double ta[] = { 60, 40 }, tb[] = { 25, 75 };
	const double *const targets[] = { ta, tb };
	const double want[] = { 15, 45, 40 };
	impact_rake_report rep;
	size_t i;

	cr_assert_eq(impact_stats_rake(w, 3, 2, lev, two_levels, targets,
	                               NULL, &rep), 0);
	for (i = 0; i < 3; i++)
		expect_rel(w[i], want[i], "weight");
	cr_expect(rep.converged == 1 && rep.iterations == 2);
}

Test(stats, rake_unknown_levels_keep_their_share)
{
	/*
	 * Two persons in each cell of a 2 x 2 table, and one of each level
	 * of A whose B is unknown: 10 persons, scaled to 10 each.  A 70, 30:
	 * A0's five weigh 50, * 1.4 = 14; A1's, * 0.6 = 6.  B 40, 60 among
	 * the eight known, who weigh 4 * 14 + 4 * 6 = 80: B0 holds 2 * 14 +
	 * 2 * 6 = 40, * 32/40 = 0.8; B1 40, * 48/40 = 1.2.  So (A0, B0)
	 * 11.2, (A0, B1) 16.8, (A1, B0) 4.8, (A1, B1) 7.2, the unknown 14
	 * and 6; A holds 22.4 + 33.6 + 14 = 70 and 9.6 + 14.4 + 6 = 30:
	 * converged in 2 cycles, and the two unknown keep a fifth of the
	 * weight, as they are a fifth of the persons.  (Scaled to B's
	 * totals, the known would weigh 100 and the unknown, left out of
	 * every step but A's, would shrink a little each cycle, towards 0.)
	 */
	double w[10];
	const int lev[] = { 0, 0,  0, 0,  0, 1,  0, 1,  1, 0,  1, 0,  1, 1,
	                    1, 1,  0, -1,  1, -1 };
	const double ta[] = { 70, 30 }, tb[] = { 40, 60 };
	const double *const targets[] = { ta, tb };
	const double want[] = { 11.2, 11.2, 16.8, 16.8, 4.8, 4.8, 7.2, 7.2,
	                        14, 6 };
	impact_rake_report rep;
	size_t i;

	for (i = 0; i < 10; i++)
		w[i] = 1;
	cr_assert_eq(impact_stats_rake(w, 10, 2, lev, two_levels, targets,
	                               NULL, &rep), 0);
	for (i = 0; i < 10; i++)
		expect_rel(w[i], want[i], "weight");
	cr_expect(rep.converged == 1 && rep.iterations == 2,
	          "converged %d after %d", rep.converged, rep.iterations);
}

Test(stats, rake_refuses_a_level_without_respondents)
{
	/* Level 1 has a target but nobody: -1, weights as given.  A target
	 * of 0 on an empty level is fine. */
	double w[] = { 1, 2 };
	const int lev[] = { 0, 0 };
	const size_t nlev[] = { 2 };
	const double bad[] = { 10, 5 }, fine[] = { 10, 0 };
	const double *const tbad[] = { bad }, *const tfine[] = { fine };
	impact_rake_report rep = { 1, 7, 0 };

	cr_expect_eq(impact_stats_rake(w, 2, 1, lev, nlev, tbad, NULL, &rep),
	             -1);
	cr_expect(rep.converged == 0 && isnan(rep.max_change));
	cr_expect(w[0] == 1 && w[1] == 2);
	cr_expect_eq(impact_stats_rake(w, 2, 1, lev, nlev, tfine, NULL, NULL),
	             0);
	expect_rel(w[0], 10.0 / 3, "w0");
	expect_rel(w[1], 20.0 / 3, "w1");
}

Test(stats, rake_refuses_a_level_emptied_by_a_zero_target)
{
	/* r0 (A0, B0), r1 (A1, B1): A's target 0 for level 1 sets r1's
	 * weight to 0, then B's level 1 has a target and no weight. */
	double w[] = { 1, 1 };
	const int lev[] = { 0, 0,  1, 1 };
	const double ta[] = { 10, 0 }, tb[] = { 5, 5 };
	const double *const targets[] = { ta, tb };

	cr_expect_eq(impact_stats_rake(w, 2, 2, lev, two_levels, targets,
	                               NULL, NULL), -1);
	cr_expect(w[0] == 1 && w[1] == 1, "weights as given");
}
