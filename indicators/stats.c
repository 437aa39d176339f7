/*
 * indicators/stats.c: the statistics results rest on.  The mean with its
 * Student-t confidence interval, from an array (GSL's data / stride / n
 * convention) or from a running accumulator (impact_acc, Welford 1962)
 * when values stream from the database; the Wilson interval of a share;
 * two tests of a difference (pooled two-proportion z, Welch's t); Shannon
 * evenness; a seeded, stratified percentile bootstrap for means, ratios
 * and indices, with ready-made statistics to feed it; weighted mean,
 * variances and quantile for survey weights; Cronbach's alpha, the
 * correlation matrix and its first principal component (the `pca`
 * weights); and raking of survey weights to population margins
 * (iterative proportional fitting).
 *
 * Everything here is a pure function of its arguments: no handle, no
 * message, no allocation inside loops (a function needing scratch takes a
 * workspace or allocates once per call).  Quantiles and distributions come
 * from GSL (gsl_cdf_*), the bootstrap's draws from one gsl_rng_mt19937
 * (as indicators/draw.h replicates it, bit for bit),
 * eigenvectors from gsl_eigen_symmv.
 * Read include/impact/indicators.h for the contracts, then
 * tests/unit/test_stats.c for worked values.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_vector.h>

#include "impact/indicators.h"
#include "draw.h"
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

void impact_stats_wilson(double *out_lo, double *out_hi, double x, double n,
                         double level)
{
	double z, z2, c, h, d;

	assert(out_lo && out_hi);
	assert(n > 0 && x >= 0 && x <= n && level > 0 && level < 1);
	z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2);
	z2 = z * z;
	/*
	 * Wilson (1927): the p solving (x/n - p)^2 = z^2 p (1 - p) / n, i.e.
	 * (2x + z^2 -+ z sqrt(z^2 + 4 x (n - x) / n)) / (2 (n + z^2)).  This
	 * form never computes 1 - x/n, so nothing cancels near 0 or 1; the
	 * ends are set exactly because sqrt(z^2) may differ from z by an ulp.
	 */
	c = 2 * x + z2;
	h = z * sqrt(z2 + 4 * x * (n - x) / n);
	d = 2 * (n + z2);
	*out_lo = x == 0 ? 0.0 : fmax(0.0, (c - h) / d);
	*out_hi = x == n ? 1.0 : fmin(1.0, (c + h) / d);
}

double impact_stats_two_proportions(double *out_z, double x1, double n1,
                                    double x2, double n2)
{
	double p, se, z;

	assert(n1 > 0 && x1 >= 0 && x1 <= n1);
	assert(n2 > 0 && x2 >= 0 && x2 <= n2);
	/* Under H0 both shares equal the pooled one, whose binomial variance
	 * gives the standard error (the 2x2 chi-squared test, z^2 = X^2). */
	p = (x1 + x2) / (n1 + n2);
	if (p <= 0 || p >= 1) {
		if (out_z)
			*out_z = 0;
		return 1;
	}
	se = sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
	z = (x1 / n1 - x2 / n2) / se;
	if (out_z)
		*out_z = z;
	return 2 * gsl_cdf_ugaussian_Q(fabs(z));
}

double impact_stats_welch(double *out_t, double *out_df, double mean1,
                          double var1, double n1, double mean2, double var2,
                          double n2)
{
	double diff = mean1 - mean2, a, b, fa, fb, t, df, p;

	assert(!(var1 < 0) && !(var2 < 0));
	if (!(n1 >= 2 && n2 >= 2) || isnan(diff) || isnan(var1 + var2)) {
		t = df = p = NAN;
	} else if (var1 == 0 && var2 == 0) {
		/* No spread at all: the means differ for certain or not at
		 * all, and the Satterthwaite df is 0/0. */
		df = NAN;
		t = diff == 0 ? 0.0 : diff > 0 ? INFINITY : -INFINITY;
		p = diff == 0 ? 1.0 : 0.0;
	} else {
		/* Welch (1947) with the Welch-Satterthwaite df written with
		 * the shares fa, fb of the variance of the difference, so
		 * tiny variances cannot underflow it to 0/0. */
		a = var1 / n1;
		b = var2 / n2;
		t = diff / sqrt(a + b);
		fa = a / (a + b);
		fb = b / (a + b);
		df = 1 / (fa * fa / (n1 - 1) + fb * fb / (n2 - 1));
		p = 2 * gsl_cdf_tdist_Q(fabs(t), df);
	}
	if (out_t)
		*out_t = t;
	if (out_df)
		*out_df = df;
	return p;
}

double impact_stats_shannon_evenness(const double *counts, size_t stride,
                                     size_t n)
{
	double total = 0, h = 0, c, p, j;
	size_t i;

	assert(stride >= 1 && (counts || n == 0));
	if (n < 2)
		return NAN;
	for (i = 0; i < n; i++) {
		c = counts[i * stride];
		assert(!(c < 0));
		total += c;
	}
	if (!(total > 0))
		return NAN;
	/* Shannon's H, then Pielou's (1966) J = H / ln S with S the number
	 * of possible categories (see the header). */
	for (i = 0; i < n; i++) {
		c = counts[i * stride];
		if (c > 0) {
			p = c / total;
			h -= p * log(p);
		}
	}
	j = h / log((double)n);
	return j > 1 ? 1.0 : j;   /* a uniform spread may round above 1 */
}

/* mt19937 yields 32 bits: gsl_rng_uniform_int() cannot draw among more. */
#define MAX_DRAW 4294967295.0

size_t impact_stats_bootstrap_work_size(size_t n, size_t replicates)
{
	assert(n <= SIZE_MAX - replicates);
	return n + replicates;
}

size_t impact_stats_bootstrap_iwork_size(size_t n)
{
	assert(n <= SIZE_MAX / 2);
	return 2 * n;
}

/*
 * Observations 0..n-1 into order[], grouped by stratum, ascending within
 * each.  The keys stratum * n + i are distinct and exact in a double, so
 * GSL's unstable index sort gives the order a stable sort would.  key[]
 * is scratch of n doubles (NULL: allocated when a sort is needed); -1
 * when out of memory.
 */
static int order_by_stratum(size_t *order, double *key,
                            const size_t *stratum, size_t n, size_t nstrata)
{
	double *own = NULL;
	size_t i;

	if (!stratum || nstrata == 1) {
		for (i = 0; i < n; i++) {
			assert(!stratum || stratum[i] == 0);
			order[i] = i;
		}
		return 0;
	}
	assert((double)nstrata * (double)n <= 9007199254740992.0);
	/* Observations already grouped by stratum, in order: the sort
	 * would give them back as they are. */
	for (i = 1; i < n && stratum[i - 1] <= stratum[i]; i++)
		;
	if (i >= n) {
		for (i = 0; i < n; i++) {
			assert(stratum[i] < nstrata);
			order[i] = i;
		}
		return 0;
	}
	if (!key && !(key = own = malloc(n * sizeof(*key))))
		return -1;
	for (i = 0; i < n; i++) {
		assert(stratum[i] < nstrata);
		key[i] = (double)stratum[i] * (double)n + (double)i;
	}
	gsl_sort_index(order, key, 1, n);
	free(own);
	return 0;
}

/* A run of one stratum in order[]: its start, and the draws within it. */
struct run {
	size_t pos;              /* first position in order[] */
	impact__uniform u;       /* draws in 0..length-1 */
};

/*
 * The runs of order[] (one per stratum present, in order) into runs[];
 * their number.  Each replicate replaces every run by as many draws from
 * it, uniform with replacement.
 */
static size_t find_runs(struct run *runs, const size_t *order,
                        const size_t *stratum, size_t n)
{
	size_t pos = 0, end, k = 0;

	while (pos < n) {
		end = pos + 1;
		if (!stratum)
			end = n;
		while (end < n && stratum[order[end]] == stratum[order[pos]])
			end++;
		runs[k].pos = pos;
		impact__uniform_init(&runs[k].u, end - pos);
		k++;
		pos = end;
	}
	return k;
}

/* One bootstrap sample into idx[0..n). */
static void resample(size_t *idx, const size_t *order, const struct run *runs,
                     size_t nruns, impact__mt *r)
{
	size_t k, j, i = 0;

	for (k = 0; k < nruns; k++)
		for (j = 0; j < runs[k].u.n; j++)
			idx[i++] = order[runs[k].pos
			                 + impact__uniform_draw(r, &runs[k].u)];
}

/*
 * impact_stats_fn_mean() (unweighted) of one bootstrap sample, drawn as
 * resample() draws it and summed in the same order, without the index
 * array: vals[] holds the data in order[]'s order.
 */
static double fused_mean(const double *vals, const struct run *runs,
                         size_t nruns, impact__mt *r)
{
	double shift = 0, w = 1, sw = 0, swd = 0;
	size_t k, j;
	int first = 1;

	for (k = 0; k < nruns; k++) {
		const double *v = vals + runs[k].pos;

		for (j = 0; j < runs[k].u.n; j++) {
			double x = v[impact__uniform_draw(r, &runs[k].u)];

			if (first) {
				shift = x;
				first = 0;
			}
			sw += w;
			swd += w * (x - shift);
		}
	}
	if (sw == 0)
		return NAN;
	return shift + swd / sw;
}

/* impact_stats_fn_ratio() of one bootstrap sample, likewise: num[] and
 * den[] in order[]'s order. */
static double fused_ratio(const double *num, const double *den,
                          const struct run *runs, size_t nruns,
                          impact__mt *r)
{
	double sn = 0, sd = 0;
	size_t k, j;

	for (k = 0; k < nruns; k++) {
		const double *a = num + runs[k].pos, *b = den + runs[k].pos;

		for (j = 0; j < runs[k].u.n; j++) {
			uint32_t x = impact__uniform_draw(r, &runs[k].u);

			sn += a[x];
			sd += b[x];
		}
	}
	if (sd == 0)
		return NAN;
	return sn / sd;
}

/* x moved into [lo, hi]. */
static double clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/*
 * Three-way partition of v[lo..hi) around the value of v[pivot]: on
 * return v[lo..*lt) < x, v[*lt..*gt) == x (and NaNs, which compare
 * neither way), v[*gt..hi) > x.  Loops bounded whatever the values.
 */
static void partition3(double *v, size_t lo, size_t hi, size_t pivot,
                       size_t *lt, size_t *gt)
{
	double x = v[pivot], t;
	size_t i = lo, a = lo, b = hi;

	while (i < b) {
		if (v[i] < x) {
			t = v[a], v[a] = v[i], v[i] = t;
			a++, i++;
		} else if (v[i] > x) {
			b--;
			t = v[b], v[b] = v[i], v[i] = t;
		} else
			i++;
	}
	*lt = a;
	*gt = b;
}

/* Reorder v[lo..hi) so that v[k] is the value sorting would put there,
 * with nothing larger before it and nothing smaller after it
 * (quickselect, Hoare 1961, median-of-three pivot). */
static void select_kth(double *v, size_t lo, size_t hi, size_t k)
{
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2, p = mid, lt, gt;
		double a = v[lo], b = v[mid], c = v[hi - 1];

		/* the index of the median of a, b, c */
		if ((a < b) != (a < c))
			p = lo;
		else if ((c < a) != (c < b))
			p = hi - 1;
		partition3(v, lo, hi, p, &lt, &gt);
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return;
	}
}

/* gsl_stats_quantile_from_sorted_data()'s interpolation at f between
 * the order statistics it needs, a = x(lhs) and b = x(lhs + 1). */
static double interpolate(size_t m, double f, double a, double b)
{
	double index = f * (double)(m - 1);
	size_t lhs = (size_t)index;
	double delta = index - (double)lhs;

	if (lhs == m - 1)
		return a;
	return (1 - delta) * a + delta * b;
}

/* gsl_stats_quantile_from_sorted_data(sorted, 1, m, f) on v, whose
 * sorted order it finds by selection from *from on: v[0..*from) must
 * hold no value above those of v[*from..m) (true after an earlier call).
 * *from becomes the position this one put in place. */
static double quantile_select(double *v, size_t m, size_t *from, double f)
{
	size_t lhs = (size_t)(f * (double)(m - 1)), i;
	double b;

	select_kth(v, *from < lhs ? *from : lhs, m, lhs);
	*from = lhs;
	if (lhs == m - 1)
		return v[lhs];
	b = v[lhs + 1];
	for (i = lhs + 2; i < m; i++)
		if (v[i] < b)
			b = v[i];
	return interpolate(m, f, v[lhs], b);
}

/* At most this many values kept at either end by extremes(). */
#define FEW_ENDS 64

/* The k smallest of v[0..m) ascending into low[0..k), and the k largest
 * descending into high[0..k) (1 <= k <= m, no NaN): one pass that
 * compares each value with the k-th kept so far and inserts the rare
 * ones that pass it.  The same order statistics as a sort. */
static void extremes(const double *v, size_t m, size_t k, double *low,
                     double *high)
{
	size_t i, j;

	for (i = 0; i < k; i++) {
		double x = v[i];

		for (j = i; j > 0 && low[j - 1] > x; j--)
			low[j] = low[j - 1];
		low[j] = x;
		for (j = i; j > 0 && high[j - 1] < x; j--)
			high[j] = high[j - 1];
		high[j] = x;
	}
	for (; i < m; i++) {
		double x = v[i];

		if (x < low[k - 1]) {
			for (j = k - 1; j > 0 && low[j - 1] > x; j--)
				low[j] = low[j - 1];
			low[j] = x;
		}
		if (x > high[k - 1]) {
			for (j = k - 1; j > 0 && high[j - 1] < x; j--)
				high[j] = high[j - 1];
			high[j] = x;
		}
	}
}

void impact__percentile_interval(double *v, size_t m, double level,
                                 double *lo, double *hi)
{
	double min, max;
	size_t i, from = 0, llo, lhi;
	int nan = 0;

	if (m == 0) {
		*lo = *hi = NAN;
		return;
	}
	min = max = v[0];
	for (i = 0; i < m; i++) {
		if (v[i] < min)
			min = v[i];
		if (v[i] > max)
			max = v[i];
		nan |= isnan(v[i]);
	}
	/* Both quantiles near the ends (a bootstrap's 95% interval: the
	 * 25th and 975th of 1,000 values): only the values there are
	 * ordered. */
	llo = (size_t)((1 - level) / 2 * (double)(m - 1));
	lhi = (size_t)((1 + level) / 2 * (double)(m - 1));
	if (!nan && llo + 2 <= FEW_ENDS && lhi < m && m - lhi <= FEW_ENDS
	    && m > 4 * FEW_ENDS) {
		double low[FEW_ENDS], high[FEW_ENDS];
		size_t k = llo + 2 > m - lhi ? llo + 2 : m - lhi;

		extremes(v, m, k, low, high);
		/* x(lhi) is the (m - 1 - lhi)-th largest, x(lhi + 1) the one
		 * before it (none when lhi is the last). */
		*lo = clamp(interpolate(m, (1 - level) / 2, low[llo],
		                        low[llo + 1]), min, max);
		*hi = clamp(interpolate(m, (1 + level) / 2, high[m - 1 - lhi],
		                        lhi + 1 < m ? high[m - 2 - lhi]
		                                    : high[0]), min, max);
		return;
	}
	*lo = clamp(quantile_select(v, m, &from, (1 - level) / 2), min, max);
	*hi = clamp(quantile_select(v, m, &from, (1 + level) / 2), min, max);
}

/* A double's bits as a key that orders as the values do: negatives
 * reversed below the positives. */
static uint64_t sort_key(double x)
{
	uint64_t b;

	memcpy(&b, &x, sizeof(b));
	return b >> 63 ? ~b : b | (uint64_t)1 << 63;
}

static double key_value(uint64_t k)
{
	uint64_t b = k >> 63 ? k & ~((uint64_t)1 << 63) : ~k;
	double x;

	memcpy(&x, &b, sizeof(x));
	return x;
}

void impact__sort(double *v, size_t n, uint64_t *tmp)
{
	size_t count[8][256], i, d, b;
	uint64_t *src = tmp, *dst = tmp + n, *t;

	if (n <= 48) {
		/* Few values: by insertion, without the counts to clear. */
		for (i = 1; i < n; i++) {
			double x = v[i];

			for (d = i; d > 0 && v[d - 1] > x; d--)
				v[d] = v[d - 1];
			v[d] = x;
		}
		return;
	}
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++) {
		uint64_t k = sort_key(v[i]);

		src[i] = k;
		for (d = 0; d < 8; d++)
			count[d][(k >> (8 * d)) & 0xff]++;
	}
	for (d = 0; d < 8; d++) {
		size_t pos = 0, c;

		if (count[d][(src[0] >> (8 * d)) & 0xff] == n)
			continue;   /* every key has this byte */
		for (b = 0; b < 256; b++) {
			c = count[d][b];
			count[d][b] = pos;
			pos += c;
		}
		for (i = 0; i < n; i++)
			dst[count[d][(src[i] >> (8 * d)) & 0xff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	for (i = 0; i < n; i++)
		v[i] = key_value(src[i]);
}

/* impact_stats_bootstrap(). */
static int bootstrap_core(double *out_lo, double *out_hi, impact_stat_fn stat,
                          void *ctx,
                          const size_t *stratum, size_t n, size_t nstrata,
                          const impact_bootstrap_opts *opts, double *work,
                          size_t *iwork)
{
	static const impact_bootstrap_opts defaults =
		IMPACT_BOOTSTRAP_OPTS_INIT;
	double *own_work = NULL, *vals, *fv = NULL, v;
	size_t *own_iwork = NULL, *own_idx = NULL, *order, *idx, size, b, i,
	       m = 0, nruns;
	struct run *runs = NULL;
	impact__mt *r = NULL;
	enum { GENERIC, MEAN, RATIO } fused = GENERIC;
	int rc;

	assert(stat);
	assert(out_lo && out_hi && nstrata >= 1);
	if (!opts)
		opts = &defaults;
	assert(opts->replicates >= 1 && opts->level > 0 && opts->level < 1);
	assert((double)n <= MAX_DRAW);
	*out_lo = *out_hi = NAN;
	if (n == 0)
		return -1;

	/* Without workspaces, only what this statistic needs: the values,
	 * the order, and the sort keys and index array when used. */
	if (!work) {
		size = impact_stats_bootstrap_work_size(n, opts->replicates);
		if (size > SIZE_MAX / sizeof *work)
			return -2;
		if (!(own_work = malloc((opts->replicates + 1) * sizeof *work)))
			return -2;
		vals = own_work;
	} else
		vals = work + n;
	if (!iwork) {
		size = impact_stats_bootstrap_iwork_size(n);
		if (size > SIZE_MAX / sizeof *iwork ||
		    !(own_iwork = malloc((n + 1) * sizeof *iwork))) {
			rc = -2;
			goto done;
		}
		order = own_iwork;
		idx = NULL;
	} else {
		order = iwork;
		idx = iwork + n;
	}
	r = malloc(sizeof(*r));
	/* At most one run per stratum present. */
	runs = malloc((nstrata < n ? nstrata : n) * sizeof(*runs));
	if (!r || !runs) {
		rc = -2;
		goto done;
	}
	impact__mt_seed(r, opts->seed);

	/* work = [n sort keys | replicate values], iwork = [order | idx]. */
	if (order_by_stratum(order, work, stratum, n, nstrata) != 0) {
		rc = -2;
		goto done;
	}
	nruns = find_runs(runs, order, stratum, n);
	/* The two statistics of most intervals are computed as they are
	 * drawn, on their data laid out in draw order (same draws, same
	 * sums in the same order: the same values). */
	if (stat == impact_stats_fn_mean
	    && !((const impact_stat_mean_ctx *)ctx)->w) {
		const impact_stat_mean_ctx *c = ctx;

		if ((fv = malloc(n * sizeof(*fv)))) {
			for (i = 0; i < n; i++)
				fv[i] = c->data[order[i] * c->stride];
			fused = MEAN;
		}
	} else if (stat == impact_stats_fn_ratio) {
		const impact_stat_ratio_ctx *c = ctx;

		if ((fv = malloc(2 * n * sizeof(*fv)))) {
			for (i = 0; i < n; i++) {
				fv[i] = c->num[order[i] * c->nstride];
				fv[n + i] = c->den[order[i] * c->dstride];
			}
			fused = RATIO;
		}
	}
	if (fused == GENERIC && !idx
	    && !(idx = own_idx = malloc((n + 1) * sizeof(*idx)))) {
		rc = -2;
		goto done;
	}
	for (b = 0; b < opts->replicates; b++) {
		if (fused == MEAN)
			v = fused_mean(fv, runs, nruns, r);
		else if (fused == RATIO)
			v = fused_ratio(fv, fv + n, runs, nruns, r);
		else {
			resample(idx, order, runs, nruns, r);
			v = stat(ctx, idx, n);
		}
		if (!isnan(v))
			vals[m++] = v;
	}
	/* Dropping a few undefined replicates (a ratio whose sample drew
	 * only zero denominators) barely moves the quantiles; past half of
	 * them, the interval would describe another statistic. */
	if (m == 0 || opts->replicates - m > m) {
		rc = -1;
		goto done;
	}

	/*
	 * Percentile interval (Efron & Tibshirani 1993, 13.3): the type 7
	 * quantiles of the replicates.  GSL's interpolation (1 - d) a + d b
	 * may leave [a, b] by an ulp when a == b; clamping to the replicates'
	 * range keeps a constant statistic's interval exactly [c, c].
	 */
	impact__percentile_interval(vals, m, opts->level, out_lo, out_hi);
	rc = 0;
done:
	free(r);
	free(runs);
	free(fv);
	free(own_idx);
	free(own_iwork);
	free(own_work);
	return rc;
}

int impact_stats_bootstrap(double *out_lo, double *out_hi, impact_stat_fn stat,
                           void *ctx, const size_t *stratum, size_t n,
                           size_t nstrata, const impact_bootstrap_opts *opts,
                           double *work, size_t *iwork)
{
	assert(stat);
	return bootstrap_core(out_lo, out_hi, stat, ctx, stratum, n, nstrata,
	                      opts, work, iwork);
}

double impact_stats_fn_mean(void *ctx, const size_t *idx, size_t n)
{
	const impact_stat_mean_ctx *c = ctx;
	double shift, w = 1, sw = 0, swd = 0;
	size_t k, i;

	assert(c && c->data && c->stride >= 1 && (!c->w || c->wstride >= 1));
	if (n == 0)
		return NAN;
	/* Sums of deviations from the first value: the mean of constant
	 * data is that value bit for bit, and data far from 0 lose nothing
	 * to cancellation. */
	shift = c->data[idx[0] * c->stride];
	for (k = 0; k < n; k++) {
		i = idx[k];
		if (c->w)
			w = c->w[i * c->wstride];
		sw += w;
		swd += w * (c->data[i * c->stride] - shift);
	}
	if (sw == 0)
		return NAN;
	return shift + swd / sw;
}

double impact_stats_fn_share(void *ctx, const size_t *idx, size_t n)
{
	const impact_stat_mean_ctx *c = ctx;
	double x, w = 1, sw = 0, sx = 0;
	size_t k, i;

	assert(c && c->data && c->stride >= 1 && (!c->w || c->wstride >= 1));
	for (k = 0; k < n; k++) {
		i = idx[k];
		x = c->data[i * c->stride];
		if (isnan(x))
			return NAN;
		if (c->w)
			w = c->w[i * c->wstride];
		sw += w;
		if (x != 0)
			sx += w;
	}
	if (sw == 0)
		return NAN;
	return sx / sw;
}

double impact_stats_fn_ratio(void *ctx, const size_t *idx, size_t n)
{
	const impact_stat_ratio_ctx *c = ctx;
	double sn = 0, sd = 0;
	size_t k;

	assert(c && c->num && c->den && c->nstride >= 1 && c->dstride >= 1);
	for (k = 0; k < n; k++) {
		sn += c->num[idx[k] * c->nstride];
		sd += c->den[idx[k] * c->dstride];
	}
	if (sd == 0)
		return NAN;
	return sn / sd;
}

double impact_stats_fn_evenness(void *ctx, const size_t *idx, size_t n)
{
	impact_stat_evenness_ctx *c = ctx;
	size_t k, i;
	int code;

	assert(c && c->data && c->counts && c->stride >= 1);
	assert(c->ncategories >= 1 && (!c->w || c->wstride >= 1));
	for (k = 0; k < c->ncategories; k++)
		c->counts[k] = 0;
	for (k = 0; k < n; k++) {
		i = idx[k];
		code = c->data[i * c->stride];
		if (code < 0)
			continue;
		assert((size_t)code < c->ncategories);
		c->counts[code] += c->w ? c->w[i * c->wstride] : 1.0;
	}
	return impact_stats_shannon_evenness(c->counts, 1, c->ncategories);
}

/* ---- Weighted statistics ---- */

/* Sum of weights and weighted mean of n values, into *sw and the result;
 * deviations from the first value are summed, so constant data give their
 * value bit for bit. */
static double wmean_sum(double *sw, const double *w, size_t wstride,
                        const double *data, size_t stride, size_t n)
{
	double shift, wi, s = 0, sd = 0;
	size_t i;

	*sw = 0;
	if (n == 0)
		return NAN;
	shift = data[0];
	for (i = 0; i < n; i++) {
		wi = w[i * wstride];
		assert(!(wi < 0));
		s += wi;
		sd += wi * (data[i * stride] - shift);
	}
	*sw = s;
	if (s == 0)
		return NAN;
	return shift + sd / s;
}

/* Weighted sum of squared deviations from the weighted mean, and the sum
 * of the weights into *sw (two passes: no cancellation). */
static double wss(double *sw, const double *w, size_t wstride,
                  const double *data, size_t stride, size_t n)
{
	double m = wmean_sum(sw, w, wstride, data, stride, n), d, ss = 0;
	size_t i;

	if (isnan(m))
		return NAN;
	for (i = 0; i < n; i++) {
		d = data[i * stride] - m;
		ss += w[i * wstride] * d * d;
	}
	return ss;
}

double impact_stats_wmean(const double *w, size_t wstride, const double *data,
                          size_t stride, size_t n)
{
	double sw;

	assert(wstride >= 1 && stride >= 1 && ((w && data) || n == 0));
	return wmean_sum(&sw, w, wstride, data, stride, n);
}

double impact_stats_wvariance(const double *w, size_t wstride,
                              const double *data, size_t stride, size_t n)
{
	double sw, ss;

	assert(wstride >= 1 && stride >= 1 && ((w && data) || n == 0));
	ss = wss(&sw, w, wstride, data, stride, n);
	/* Frequency weights: sum w people, one degree of freedom spent on
	 * the mean. */
	if (isnan(ss) || !(sw > 1))
		return NAN;
	return ss / (sw - 1);
}

double impact_stats_wsd(const double *w, size_t wstride, const double *data,
                        size_t stride, size_t n)
{
	return sqrt(impact_stats_wvariance(w, wstride, data, stride, n));
}

double impact_stats_wvariance_pop(const double *w, size_t wstride,
                                  const double *data, size_t stride,
                                  size_t n)
{
	double sw, ss;

	assert(wstride >= 1 && stride >= 1 && ((w && data) || n == 0));
	ss = wss(&sw, w, wstride, data, stride, n);
	if (isnan(ss))
		return NAN;
	return ss / sw;
}

double impact_stats_wquantile(const double *w, const double *data, size_t n,
                              double p, double *work)
{
	double *own = NULL, *x, *wx, total = 0, cum = 0, q = NAN;
	size_t i;

	assert(p >= 0 && p <= 1 && ((w && data) || n == 0));
	if (n == 0)
		return NAN;
	if (!work) {
		if (n > SIZE_MAX / 2 / sizeof *work)
			return NAN;
		if (!(work = own = malloc(2 * n * sizeof *work)))
			return NAN;
	}
	/* work = [values | their weights], sorted together by value. */
	x = work;
	wx = work + n;
	for (i = 0; i < n; i++) {
		assert(!isnan(data[i]) && !(w[i] < 0));
		x[i] = data[i];
		wx[i] = w[i];
	}
	gsl_sort2(x, 1, wx, 1, n);
	/* The total is summed in the order of the cumulative sums, so the
	 * last value of positive weight reaches p == 1 exactly. */
	for (i = 0; i < n; i++)
		total += wx[i];
	if (total > 0) {
		for (i = 0; i < n; i++) {
			if (wx[i] == 0)
				continue;
			cum += wx[i];
			if (cum >= p * total) {
				q = x[i];
				break;
			}
		}
	}
	free(own);
	return q;
}

/* ---- Reliability, correlation, principal component ---- */

double impact_stats_cronbach_alpha(const double *items, size_t n_persons,
                                   size_t n_items)
{
	impact_acc total = { 0, 0, 0 };
	double k = (double)n_items, sum_var = 0, t, var_total;
	size_t i, j;

	assert(items || n_persons == 0 || n_items == 0);
	if (n_items < 2 || n_persons < 2)
		return NAN;
	for (j = 0; j < n_items; j++)
		sum_var += gsl_stats_variance(items + j, n_items, n_persons);
	/* The total score streams through Welford's accumulator: no array
	 * of n totals is needed. */
	for (i = 0; i < n_persons; i++) {
		t = 0;
		for (j = 0; j < n_items; j++)
			t += items[i * n_items + j];
		impact__acc_add(&total, t);
	}
	var_total = total.m2 / (double)(n_persons - 1);
	if (!(var_total > 0))
		return NAN;
	/* Cronbach (1951), equation (2). */
	return k / (k - 1) * (1 - sum_var / var_total);
}

/*
 * Pearson's r of two columns of n values (step `stride`), NaN when either
 * is constant.  Deviations are taken from each column's first value, so a
 * constant column has a sum of squares of exactly 0 (a mean computed as
 * sum / n may differ from the constant by an ulp).
 */
static double pearson(const double *x, const double *y, size_t stride,
                      size_t n)
{
	double mx = 0, my = 0, dx, dy, sxx = 0, syy = 0, sxy = 0, r;
	size_t i;

	for (i = 0; i < n; i++) {
		mx += x[i * stride] - x[0];
		my += y[i * stride] - y[0];
	}
	mx /= (double)n;
	my /= (double)n;
	for (i = 0; i < n; i++) {
		dx = x[i * stride] - x[0] - mx;
		dy = y[i * stride] - y[0] - my;
		sxx += dx * dx;
		syy += dy * dy;
		sxy += dx * dy;
	}
	if (!(sxx > 0 && syy > 0))
		return NAN;
	r = sxy / (sqrt(sxx) * sqrt(syy));
	return r < -1 ? -1.0 : r > 1 ? 1.0 : r;
}

int impact_stats_correlation_matrix(double *out, const double *data, size_t n,
                                    size_t k)
{
	size_t j, l;
	double r;

	assert(out && k >= 1 && (data || n == 0));
	if (n < 2) {
		for (j = 0; j < k * k; j++)
			out[j] = NAN;
		return -1;
	}
	for (j = 0; j < k; j++) {
		for (l = j; l < k; l++) {
			r = pearson(data + j, data + l, k, n);
			if (l == j && !isnan(r))
				r = 1;
			out[j * k + l] = out[l * k + j] = r;
		}
	}
	return 0;
}

/* Below this, a sum of unit-vector components counts as 0. */
#define SIGN_TIE 1e-9

int impact_stats_first_component(double *out_loadings, double *out_share,
                                 const double *data, size_t n, size_t k)
{
	double *buf = NULL, sum = 0, flip = 1;
	gsl_eigen_symmv_workspace *ws = NULL;
	gsl_matrix_view corr, evec;
	gsl_vector_view eval;
	size_t j;
	int rc;

	assert(out_loadings && out_share && k >= 1 && (data || n == 0));
	for (j = 0; j < k; j++)
		out_loadings[j] = NAN;
	*out_share = NAN;
	if (n < 2)
		return -1;
	/* buf = [correlations k x k | eigenvectors k x k | eigenvalues k]. */
	if (k > (SIZE_MAX / sizeof *buf - 1) / (2 * k + 1) ||
	    !(buf = malloc(k * (2 * k + 1) * sizeof *buf)))
		return -2;
	impact_stats_correlation_matrix(buf, data, n, k);
	for (j = 0; j < k * k; j++) {
		if (isnan(buf[j])) {
			rc = -1;
			goto done;
		}
	}
	if (!(ws = gsl_eigen_symmv_alloc(k))) {
		rc = -2;
		goto done;
	}
	corr = gsl_matrix_view_array(buf, k, k);
	evec = gsl_matrix_view_array(buf + k * k, k, k);
	eval = gsl_vector_view_array(buf + 2 * k * k, k);
	if (gsl_eigen_symmv(&corr.matrix, &eval.vector, &evec.matrix, ws) ||
	    gsl_eigen_symmv_sort(&eval.vector, &evec.matrix,
	                         GSL_EIGEN_SORT_VAL_DESC)) {
		rc = -3;
		goto done;
	}
	/* An eigenvector is defined up to its sign: make the loadings sum
	 * to a positive number (so a "more of everything" component reads
	 * as such), or break a zero sum on the first clear loading. */
	for (j = 0; j < k; j++)
		sum += gsl_matrix_get(&evec.matrix, j, 0);
	if (sum < -SIGN_TIE) {
		flip = -1;
	} else if (sum <= SIGN_TIE) {
		for (j = 0; j < k; j++) {
			double v = gsl_matrix_get(&evec.matrix, j, 0);

			if (fabs(v) > SIGN_TIE) {
				flip = v < 0 ? -1 : 1;
				break;
			}
		}
	}
	for (j = 0; j < k; j++)
		out_loadings[j] = flip * gsl_matrix_get(&evec.matrix, j, 0);
	/* The eigenvalues of a k x k correlation matrix sum to its trace,
	 * k: the first one over k is the share of variance it explains. */
	*out_share = gsl_vector_get(&eval.vector, 0) / (double)k;
	rc = 0;
done:
	if (ws)
		gsl_eigen_symmv_free(ws);
	free(buf);
	return rc;
}

/* ---- Raking ---- */

/* Fill *report, when there is one. */
static void rake_report(impact_rake_report *report, int converged,
                        int iterations, double max_change)
{
	if (!report)
		return;
	report->converged = converged;
	report->iterations = iterations;
	report->max_change = max_change;
}

/* Largest relative change from old[] to w[]; a weight leaving 0 is an
 * infinite change. */
static double rake_change(const double *w, const double *old, size_t n)
{
	double c, max = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (old[i] == 0)
			c = w[i] == 0 ? 0 : INFINITY;
		else
			c = fabs(w[i] - old[i]) / old[i];
		if (c > max)
			max = c;
	}
	return max;
}

/* 1 when some weight surely moved by eps or more of its old value (a
 * change rake_change() finds at least eps), tested without a division:
 * most cycles of a raking that converges slowly. */
static int rake_moving(const double *w, const double *old, size_t n,
                       double eps)
{
	double e2 = 2 * eps;
	size_t i;

	for (i = 0; i < n; i++)
		if (old[i] == 0 ? w[i] != 0 : fabs(w[i] - old[i]) > e2 * old[i])
			return 1;
	return 0;
}

/*
 * Raking works on cells: persons with the same level of every variable
 * and the same starting weight keep equal weights through every step,
 * so one weight per cell is scaled, compared and trimmed, and a sum over
 * persons (a level's weighted count, the mean weight) is a sum over
 * cells of each cell's persons times its weight.  A cycle then costs a
 * few operations per cell whatever the number of persons.  The sums are
 * added in cell order, not person by person: the weights agree with the
 * person-by-person definition to the last few bits (relative 1e-12,
 * tests/unit/test_draw.c), far below the convergence threshold.
 */
struct rake_cells {
	size_t ncells;
	size_t *cell;        /* person -> cell */
	double *weight;      /* cell -> weight */
	double *old;         /* cell -> weight at the cycle's start */
	double *persons;     /* cell -> its number of persons */
	int *level;          /* cell × nvars: its level of each variable */
};

static void rake_cells_release(struct rake_cells *c)
{
	free(c->cell);
	free(c->weight);
	free(c->old);
	free(c->persons);
	free(c->level);
}

/* Sort context of rake_cells_init() (qsort has none; one per thread). */
static _Thread_local const int *rc_levels;
static _Thread_local const double *rc_given;
static _Thread_local size_t rc_nvars;

static int rc_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b, v;
	uint64_t bx, by;

	for (v = 0; v < rc_nvars; v++) {
		int lx = rc_levels[x * rc_nvars + v], ly = rc_levels[y * rc_nvars + v];

		if (lx != ly)
			return lx < ly ? -1 : 1;
	}
	memcpy(&bx, &rc_given[x], sizeof(bx));
	memcpy(&by, &rc_given[y], sizeof(by));
	if (bx != by)
		return bx < by ? -1 : 1;
	return (x > y) - (x < y);
}

/* Group the persons into cells; -1 when out of memory. */
static int rake_cells_init(struct rake_cells *c, const double *w, size_t n,
                           size_t nvars, const int *levels)
{
	size_t *order = malloc((n + 1) * sizeof(size_t)), i;

	memset(c, 0, sizeof(*c));
	c->cell = malloc((n + 1) * sizeof(size_t));
	if (!order || !c->cell)
		goto nomem;
	for (i = 0; i < n; i++)
		order[i] = i;
	rc_levels = levels;
	rc_given = w;
	rc_nvars = nvars;
	qsort(order, n, sizeof(size_t), rc_cmp);
	for (i = 0; i < n; i++) {
		uint64_t a, b;
		int same = i > 0;

		if (same) {
			memcpy(&a, &w[order[i]], sizeof(a));
			memcpy(&b, &w[order[i - 1]], sizeof(b));
			same = a == b && memcmp(&levels[order[i] * nvars],
			                        &levels[order[i - 1] * nvars],
			                        nvars * sizeof(int)) == 0;
		}
		if (!same)
			c->ncells++;
		c->cell[order[i]] = c->ncells - 1;
	}
	c->weight = malloc((c->ncells + 1) * sizeof(double));
	c->old = malloc((c->ncells + 1) * sizeof(double));
	c->persons = calloc(c->ncells + 1, sizeof(double));
	c->level = malloc((c->ncells * nvars + 1) * sizeof(int));
	if (!c->weight || !c->old || !c->persons || !c->level)
		goto nomem;
	for (i = 0; i < n; i++) {
		c->weight[c->cell[i]] = w[i];
		c->persons[c->cell[i]] += 1;
		memcpy(&c->level[c->cell[i] * nvars], &levels[i * nvars],
		       nvars * sizeof(int));
	}
	free(order);
	return 0;
nomem:
	free(order);
	rake_cells_release(c);
	return -1;
}

/* The sum of the nlev targets of a variable: its margins' total. */
static double rake_total(const double *target, size_t nlev)
{
	double t = 0;
	size_t l;

	for (l = 0; l < nlev; l++)
		t += target[l];
	return t;
}

/* One raking step for variable v: each level's weighted count (-1 when a
 * level with a target has none), then every cell of the level scaled so
 * that the level holds its share of the margins' total of the weight of
 * the cells whose level of v is known: the target itself when every
 * level is known and the weights already sum to that total, and the
 * weight of the unknown ones, left as they are, not counted twice when
 * some are not. */
static int rake_cells_variable(struct rake_cells *c, size_t nvars, size_t v,
                               size_t nlev, const double *target,
                               double *counts)
{
	double known = 0, share, total = rake_total(target, nlev);
	size_t l, j;

	memset(counts, 0, nlev * sizeof(*counts));
	for (j = 0; j < c->ncells; j++) {
		int lev = c->level[j * nvars + v];

		if (lev >= 0)
			counts[lev] += c->persons[j] * c->weight[j];
	}
	for (l = 0; l < nlev; l++)
		known += counts[l];
	/* known / total is 1 (no rounding) when every level is known and
	 * the weights sum to total: the textbook step, target / count. */
	share = total > 0 ? known / total : 0;
	for (l = 0; l < nlev; l++) {
		assert(!(target[l] < 0));
		if (target[l] > 0 && !(counts[l] > 0))
			return -1;
		counts[l] = counts[l] > 0 ? target[l] / counts[l] * share : 0;
	}
	for (j = 0; j < c->ncells; j++) {
		int lev = c->level[j * nvars + v];

		if (lev >= 0)
			c->weight[j] *= counts[lev];
	}
	return 0;
}

/* Every weight times f. */
static void rake_cells_scale(struct rake_cells *c, double f)
{
	size_t j;

	for (j = 0; j < c->ncells; j++)
		c->weight[j] *= f;
}

/* The persons' weights summed. */
static double rake_cells_total(const struct rake_cells *c)
{
	double t = 0;
	size_t j;

	for (j = 0; j < c->ncells; j++)
		t += c->persons[j] * c->weight[j];
	return t;
}

/* Trimming: every weight brought into [lo, hi] times the persons' mean
 * weight (0: no bound). */
static void rake_cells_trim(struct rake_cells *c, size_t n, double lo,
                            double hi)
{
	double mean;
	size_t i;

	if ((lo == 0 && hi == 0) || n == 0)
		return;
	mean = rake_cells_total(c) / (double)n;
	for (i = 0; i < c->ncells; i++) {
		if (lo > 0 && c->weight[i] < lo * mean)
			c->weight[i] = lo * mean;
		if (hi > 0 && c->weight[i] > hi * mean)
			c->weight[i] = hi * mean;
	}
}

int impact_stats_rake(double *w, size_t n, size_t nvars, const int *levels,
                      const size_t *nlevels, const double *const *targets,
                      const impact_rake_opts *opts,
                      impact_rake_report *report)
{
	static const impact_rake_opts defaults = IMPACT_RAKE_OPTS_INIT;
	struct rake_cells c;
	double *counts = NULL, change = NAN, goal;
	size_t i, v, maxlev = 0;
	int iter, rc;

	assert((w || n == 0) && (levels || n == 0 || nvars == 0));
	assert((nlevels && targets) || nvars == 0);
	if (!opts)
		opts = &defaults;
	assert(opts->epsilon >= 0 && opts->max_iter >= 1);
	assert(opts->trim_lo >= 0 && opts->trim_lo <= 1);
	assert(opts->trim_hi == 0 || opts->trim_hi >= 1);
	for (i = 0; i < n; i++)
		assert(!(w[i] < 0));
	for (v = 0; v < nvars; v++) {
		assert(targets[v] || nlevels[v] == 0);
		if (nlevels[v] > maxlev)
			maxlev = nlevels[v];
		for (i = 0; i < n; i++)
			assert(levels[i * nvars + v] >= -1
			       && (levels[i * nvars + v] < 0
			           || (size_t)levels[i * nvars + v] < nlevels[v]));
	}
	rake_report(report, 0, 0, NAN);
	if (!(counts = malloc((maxlev + 1) * sizeof(*counts))))
		return -2;
	if (rake_cells_init(&c, w, n, nvars, levels) != 0) {
		free(counts);
		return -2;
	}

	/* Each cycle starts by scaling the weights to the last variable's
	 * total, which its steps then keep: as the textbook's steps, which
	 * end on that total, when every level is known (trimming then bounds
	 * the same weights). */
	goal = nvars ? rake_total(targets[nvars - 1], nlevels[nvars - 1]) : 0;

	/* Deming & Stephan (1940): each step matches one variable's margins
	 * exactly, and the cycle repeats until the weights stop moving. */
	for (iter = 1; iter <= opts->max_iter; iter++) {
		memcpy(c.old, c.weight, c.ncells * sizeof(double));
		if (goal > 0) {
			double t = rake_cells_total(&c);

			if (t > 0 && t != goal)
				rake_cells_scale(&c, goal / t);
		}
		for (v = 0; v < nvars; v++) {
			if (rake_cells_variable(&c, nvars, v, nlevels[v],
			                        targets[v], counts)) {
				rc = -1;   /* weights as given */
				goto done;
			}
		}
		rake_cells_trim(&c, n, opts->trim_lo, opts->trim_hi);
		if (iter < opts->max_iter
		    && rake_moving(c.weight, c.old, c.ncells, opts->epsilon))
			continue;
		change = rake_change(c.weight, c.old, c.ncells);
		if (change < opts->epsilon) {
			rake_report(report, 1, iter, change);
			rc = 0;
			goto set;
		}
	}
	rake_report(report, 0, opts->max_iter, change);
	rc = 1;
set:
	for (i = 0; i < n; i++)
		w[i] = c.weight[c.cell[i]];
done:
	rake_cells_release(&c);
	free(counts);
	return rc;
}
