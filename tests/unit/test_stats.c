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
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

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
