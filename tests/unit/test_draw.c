/*
 * Unit tests of the fast, exact paths the national benchmark needed
 * (bench/, README "Performance"): each is compared, bit for bit (raking
 * to 1e-12), with an independent route that computes the same thing the
 * plain way.
 *
 * - indicators/draw.h against GSL itself: gsl_rng_mt19937's outputs,
 *   gsl_rng_uniform() and gsl_rng_uniform_int() for the same seeds, the
 *   draws counted below cuts against the same draws counted one by one,
 *   and the division by multiplication against the division;
 * - the radix sort against gsl_sort();
 * - the bootstrap's fused statistics (mean, ratio) against the same
 *   statistics passed as plain functions, which
 *   take impact_stats_bootstrap()'s generic route (resample, then call);
 * - raking by cells against the textbook iterative proportional fitting
 *   written out person by person below (to 1e-12: the cells add their
 *   sums in another order).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "impact.h"
#include "../../indicators/draw.h"
#include "../../indicators/stats.h"

/* Same bits (NaN equal to NaN). */
static int same(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

Test(draw, mt19937_outputs_are_gsls)
{
	static const unsigned long seeds[] = { 0, 1, 42, 4357, 20261123UL,
	                                       20261124UL, 4294967295UL };
	size_t s;
	long i;

	for (s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
		impact__mt m;

		cr_assert_not_null(g);
		gsl_rng_set(g, seeds[s]);
		impact__mt_seed(&m, seeds[s]);
		for (i = 0; i < 5000; i++) {
			unsigned long a = gsl_rng_get(g);
			unsigned long b = impact__mt_next(&m);

			cr_assert_eq(a, b, "seed %lu, output %ld: %lu, want %lu",
			             seeds[s], i, b, a);
		}
		for (i = 0; i < 5000; i++)
			cr_assert(same(gsl_rng_uniform(g), impact__mt_uniform(&m)),
			          "seed %lu, uniform %ld", seeds[s], i);
		gsl_rng_free(g);
	}
}

Test(draw, uniform_int_is_gsls_rejections_included)
{
	/* Small and huge ranges: near 2^32 most draws are rejected. */
	static const unsigned long ns[] = { 1, 2, 3, 7, 17, 1000, 65537,
	                                    2147483647UL, 2147483649UL,
	                                    3000000000UL, 4294967295UL };
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	impact__mt m;
	size_t k;
	long i;

	cr_assert_not_null(g);
	gsl_rng_set(g, 7);
	impact__mt_seed(&m, 7);
	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		impact__uniform u;

		impact__uniform_init(&u, ns[k]);
		for (i = 0; i < 20000; i++) {
			unsigned long a = gsl_rng_uniform_int(g, ns[k]);
			unsigned long b = impact__uniform_draw(&m, &u);

			cr_assert_eq(a, b, "n %lu, draw %ld: %lu, want %lu", ns[k],
			             i, b, a);
		}
	}
	gsl_rng_free(g);
}

/* impact__uniform_fill() gives GSL's draws too, in blocks of any size:
 * across the generator's 624-output blocks, and with most outputs
 * rejected (near 2^32). */
Test(draw, uniform_fill_is_gsls_in_any_blocks)
{
	static const unsigned long ns[] = { 1, 2, 17, 1000, 2147483649UL,
	                                    4294967295UL };
	static const size_t sizes[] = { 1, 3, 623, 624, 625, 4000 };
	static uint32_t got[4000];
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	impact__mt m;
	size_t k, s, i;

	cr_assert_not_null(g);
	gsl_rng_set(g, 11);
	impact__mt_seed(&m, 11);
	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		impact__uniform u;

		impact__uniform_init(&u, ns[k]);
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			impact__uniform_fill(&m, &u, got, sizes[s]);
			for (i = 0; i < sizes[s]; i++) {
				unsigned long a = gsl_rng_uniform_int(g, ns[k]);

				cr_assert_eq(got[i], a, "n %lu, block %zu, draw %zu:"
				             " %lu, want %lu", ns[k], sizes[s], i,
				             (unsigned long)got[i], a);
			}
		}
	}
	gsl_rng_free(g);
}

/* impact__uniform_count() counts GSL's draws below each cut: the draws
 * of gsl_rng_uniform_int() counted one by one, in sets of any size
 * (across the 624-output blocks), with the generator left where GSL's
 * is (the next draws agree), and with most outputs rejected near 2^32. */
Test(draw, uniform_count_counts_gsls_draws)
{
	static const unsigned long ns[] = { 1, 2, 5, 17, 130, 1000,
	                                    2147483649UL, 4294967295UL };
	static const size_t sizes[] = { 1, 3, 7, 623, 624, 625, 4000 };
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	impact__mt m;
	size_t k, s, i, p;

	cr_assert_not_null(g);
	gsl_rng_set(g, 13);
	impact__mt_seed(&m, 13);
	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		impact__uniform u;
		uint32_t cut[4], bound[4];
		size_t np = 0;

		impact__uniform_init(&u, ns[k]);
		/* Cuts at a third, at half (when distinct) and at n. */
		if (ns[k] / 3 > 0)
			cut[np++] = (uint32_t)(ns[k] / 3);
		if (ns[k] / 2 > (np ? cut[np - 1] : 0))
			cut[np++] = (uint32_t)(ns[k] / 2);
		cut[np++] = (uint32_t)ns[k];
		for (p = 0; p < np; p++)
			bound[p] = impact__uniform_bound(&u, cut[p]);
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			uint32_t below[4] = { 7, 7, 7, 7 }, want[4] = { 7, 7, 7, 7 };

			impact__uniform_count(&m, &u, sizes[s], bound, np, below);
			for (i = 0; i < sizes[s]; i++) {
				unsigned long a = gsl_rng_uniform_int(g, ns[k]);

				for (p = 0; p < np; p++)
					want[p] += a < cut[p];
			}
			for (p = 0; p < np; p++)
				cr_assert_eq(below[p], want[p], "n %lu, %zu draws, "
				             "below %u: %u, want %u", ns[k], sizes[s],
				             cut[p], below[p], want[p]);
			cr_assert_eq(below[np - 1], 7 + sizes[s]);
		}
		cr_assert_eq(impact__uniform_draw(&m, &u),
		             gsl_rng_uniform_int(g, ns[k]), "n %lu: next draw",
		             ns[k]);
	}
	gsl_rng_free(g);
}

/* impact__sort() gives gsl_sort()'s array, bit for bit: sizes 0 to
 * 5,000, values of both signs, with ties, whole numbers (whose low bytes
 * are all zero: passes skipped), tiny and huge magnitudes, infinities. */
Test(draw, radix_sort_is_gsl_sort)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 17, 256, 1000, 5000 };
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	double *a = malloc(5000 * sizeof(double));
	double *b = malloc(5000 * sizeof(double));
	uint64_t *tmp = malloc(2 * 5000 * sizeof(uint64_t));
	size_t s, i, k;

	cr_assert(g && a && b && tmp);
	gsl_rng_set(g, 17);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (k = 0; k < 4; k++) {
			size_t n = sizes[s];

			for (i = 0; i < n; i++) {
				double u = gsl_rng_uniform(g);

				a[i] = k == 0 ? u                       /* in [0, 1) */
				       : k == 1 ? (double)gsl_rng_uniform_int(g, 50)
				       : k == 2 ? (u - 0.5) * 1e300 * u  /* signs */
				       : ldexp(u - 0.3, (int)gsl_rng_uniform_int(g,
				                                                 200) - 100);
				if (k == 2 && i % 97 == 5)
					a[i] = i % 2 ? INFINITY : -INFINITY;
			}
			memcpy(b, a, n * sizeof(double));
			impact__sort(a, n, tmp);
			if (n)
				gsl_sort(b, 1, n);
			for (i = 0; i < n; i++)
				cr_assert(same(a[i], b[i]), "set %zu, size %zu, at %zu:"
				          " %.17g, want %.17g", k, n, i, a[i], b[i]);
		}
	gsl_rng_free(g);
	free(a);
	free(b);
	free(tmp);
}

Test(draw, division_by_multiplication_is_exact)
{
	uint64_t d;

	for (d = 1; d <= 0xffffffffu; d = d * 3 / 2 + 1) {
		impact__uniform u;
		uint32_t x;
		long k;

		u.n = 1;
		u.scale = (uint32_t)d;
		u.magic = d > 1 ? UINT64_MAX / d + 1 : 0;
		for (x = 0xffffffffu, k = 0; k < 3000; k++, x -= 1431655761u)
			cr_assert_eq(impact__uniform_div(&u, x), x / (uint32_t)d,
			             "%u / %llu", x, (unsigned long long)d);
		cr_assert_eq(impact__uniform_div(&u, (uint32_t)(d - 1)),
		             (uint32_t)((d - 1) / d));
		cr_assert_eq(impact__uniform_div(&u, (uint32_t)d), 1);
	}
}

/* The same statistics, as functions the bootstrap cannot recognise: it
 * resamples into an index array and calls them. */
static double plain_mean(void *ctx, const size_t *idx, size_t n)
{
	return impact_stats_fn_mean(ctx, idx, n);
}

static double plain_ratio(void *ctx, const size_t *idx, size_t n)
{
	return impact_stats_fn_ratio(ctx, idx, n);
}

/* A stratified sample: n observations over `strata` places, shuffled so
 * that the bootstrap has to group them. */
static void sample(size_t n, size_t strata, double *x, double *den,
                   size_t *stratum, unsigned long seed)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	size_t i;

	cr_assert_not_null(g);
	gsl_rng_set(g, seed);
	for (i = 0; i < n; i++) {
		/* Integers and fractions, both signs: the order of the sums
		 * matters for the fractions. */
		x[i] = gsl_rng_uniform(g) < 0.5 ? (double)gsl_rng_uniform_int(g, 11)
		       : gsl_rng_uniform(g) * 100 - 37.5;
		den[i] = 1 + (double)gsl_rng_uniform_int(g, 30);
		stratum[i] = gsl_rng_uniform_int(g, strata);
	}
	gsl_rng_free(g);
}

Test(draw, fused_mean_and_ratio_are_the_plain_ones)
{
	enum { N = 700, REPS = 300 };
	static double x[N], den[N];
	static size_t stratum[N];
	impact_bootstrap_opts o = IMPACT_BOOTSTRAP_OPTS_INIT;
	size_t strata[] = { 1, 3, 40 }, k;

	o.replicates = REPS;
	for (k = 0; k < 3; k++) {
		impact_stat_mean_ctx m = { x, 1, NULL, 1 };
		impact_stat_ratio_ctx r = { x, 1, den, 1 };
		double lo1, hi1, lo2, hi2;
		int rc1, rc2;

		sample(N, strata[k], x, den, stratum, 11 + k);
		o.seed = 5 + k;
		rc1 = impact_stats_bootstrap(&lo1, &hi1, impact_stats_fn_mean, &m,
		                             strata[k] > 1 ? stratum : NULL, N,
		                             strata[k], &o, NULL, NULL);
		rc2 = impact_stats_bootstrap(&lo2, &hi2, plain_mean, &m,
		                             strata[k] > 1 ? stratum : NULL, N,
		                             strata[k], &o, NULL, NULL);
		cr_expect_eq(rc1, rc2);
		cr_expect(same(lo1, lo2) && same(hi1, hi2),
		          "mean, %zu strata: [%.17g, %.17g], plain [%.17g, %.17g]",
		          strata[k], lo1, hi1, lo2, hi2);
		rc1 = impact_stats_bootstrap(&lo1, &hi1, impact_stats_fn_ratio, &r,
		                             strata[k] > 1 ? stratum : NULL, N,
		                             strata[k], &o, NULL, NULL);
		rc2 = impact_stats_bootstrap(&lo2, &hi2, plain_ratio, &r,
		                             strata[k] > 1 ? stratum : NULL, N,
		                             strata[k], &o, NULL, NULL);
		cr_expect_eq(rc1, rc2);
		cr_expect(same(lo1, lo2) && same(hi1, hi2),
		          "ratio, %zu strata: [%.17g, %.17g], plain [%.17g, %.17g]",
		          strata[k], lo1, hi1, lo2, hi2);
	}
}

/* Deming & Stephan's iterative proportional fitting, person by person,
 * as docs/index.md states it (no trimming): each cycle starts from the
 * weights scaled to the last variable's total; each step scales a
 * level's persons to its share of the known persons' weight. */
static int textbook_rake(double *w, size_t n, size_t nvars, const int *lev,
                         const size_t *nlev, const double *const *tg,
                         int max_iter, double eps, int *iters)
{
	double *old = malloc(n * sizeof(double)), counts[16], change = 0;
	double goal = 0, sum;
	size_t i, v, l;
	int it;

	cr_assert_not_null(old);
	for (l = 0; l < nlev[nvars - 1]; l++)
		goal += tg[nvars - 1][l];
	for (it = 1; it <= max_iter; it++) {
		memcpy(old, w, n * sizeof(double));
		for (i = 0, sum = 0; i < n; i++)
			sum += w[i];
		for (i = 0; i < n; i++)
			w[i] *= goal / sum;
		for (v = 0; v < nvars; v++) {
			double known = 0, total = 0;

			for (l = 0; l < nlev[v]; l++)
				counts[l] = 0;
			for (i = 0; i < n; i++)
				if (lev[i * nvars + v] >= 0) {
					counts[lev[i * nvars + v]] += w[i];
					known += w[i];
				}
			for (l = 0; l < nlev[v]; l++) {
				total += tg[v][l];
				if (tg[v][l] > 0 && !(counts[l] > 0)) {
					free(old);
					return -1;
				}
			}
			for (l = 0; l < nlev[v]; l++)
				counts[l] = counts[l] > 0
				            ? tg[v][l] * known / total / counts[l] : 0;
			for (i = 0; i < n; i++)
				if (lev[i * nvars + v] >= 0)
					w[i] *= counts[lev[i * nvars + v]];
		}
		change = 0;
		for (i = 0; i < n; i++) {
			double c = old[i] == 0 ? (w[i] == 0 ? 0 : INFINITY)
			           : fabs(w[i] - old[i]) / old[i];

			if (c > change)
				change = c;
		}
		if (change < eps) {
			*iters = it;
			free(old);
			return 0;
		}
	}
	*iters = max_iter;
	free(old);
	return 1;
}

Test(draw, raking_fewer_persons_than_levels)
{
	/* Three persons, six age bands: levels outnumber persons (a small
	 * place raked to its region's margins). */
	static const double sex[2] = { 50, 50 };
	static const double age[6] = { 10, 20, 30, 0, 20, 20 };
	const double *tg[2] = { sex, age };
	size_t nlev[2] = { 2, 6 };
	int lev[6] = { 0, 1, 1, 2, 0, 4 };
	double w[3] = { 1, 1, 1 };
	impact_rake_opts o = IMPACT_RAKE_OPTS_INIT;
	impact_rake_report rep;

	/* Band 5 has a target and no one: impossible, weights untouched. */
	cr_expect_eq(impact_stats_rake(w, 3, 2, lev, nlev, tg, &o, &rep), -1);
	cr_expect(w[0] == 1 && w[1] == 1 && w[2] == 1);
}

Test(draw, raking_by_cells_is_the_textbook_fit)
{
	enum { N = 3000 };
	static double w1[N], w2[N];
	static int lev[2 * N];
	static const double sex[2] = { 5130, 4870 };
	static const double age[4] = { 1900, 2800, 3100, 2200 };
	const double *tg[2] = { sex, age };
	size_t nlev[2] = { 2, 4 }, i;
	impact_rake_opts o = IMPACT_RAKE_OPTS_INIT;
	impact_rake_report rep;
	double worst;
	int round, rc1, rc2, it2 = 0;

	for (round = 0; round < 3; round++) {
		gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);

		cr_assert_not_null(g);
		gsl_rng_set(g, 100 + round);
		for (i = 0; i < N; i++) {
			/* Some persons lack a level in round 1; round 2 starts
			 * from unequal weights. */
			double u = gsl_rng_uniform(g);

			lev[2 * i] = u < (round == 1 ? 0.03 : 0.0) ? -1
			             : (int)gsl_rng_uniform_int(g, 2);
			lev[2 * i + 1] = gsl_rng_uniform(g) < (round == 1 ? 0.05 : 0)
			                 ? -1 : (int)gsl_rng_uniform_int(g, 4);
			w1[i] = w2[i] = round == 2 ? 0.5 + gsl_rng_uniform_int(g, 3)
			                           : 1.0;
		}
		gsl_rng_free(g);
		o.max_iter = 100;
		rc1 = impact_stats_rake(w1, N, 2, lev, nlev, tg, &o, &rep);
		rc2 = textbook_rake(w2, N, 2, lev, nlev, tg, o.max_iter,
		                    o.epsilon, &it2);
		cr_expect_eq(rc1, rc2, "round %d: rc %d, textbook %d", round, rc1,
		             rc2);
		cr_expect_eq(rep.iterations, it2, "round %d: %d cycles, textbook "
		             "%d", round, rep.iterations, it2);
		/* Cells add their persons' weights as persons times weight,
		 * in cell order: the same weights to the last few bits. */
		for (i = 0, worst = 0; i < N; i++) {
			double d = fabs(w1[i] - w2[i]) / fabs(w2[i]);

			if (d > worst)
				worst = d;
		}
		cr_expect(worst <= 1e-12, "round %d: weights differ from the "
		          "textbook's by %.3g (relative)", round, worst);
	}
}
