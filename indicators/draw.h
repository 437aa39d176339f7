/*
 * indicators/draw.h: the bootstraps' random draws, fast and bit for bit
 * those of GSL (indicators/draw.c).  Internal to the library.
 *
 * Every seeded bootstrap of impact (indicators/stats.c, indicators/gnh.c)
 * draws from GSL's gsl_rng_mt19937 with gsl_rng_uniform_int() and
 * gsl_rng_uniform(); a national dataset asks for billions of such draws.
 * impact__mt is the same Mersenne Twister (Matsumoto & Nishimura 1998)
 * with GSL's seeding, inlined, and impact__uniform_draw() is
 * gsl_rng_uniform_int() with the division by GSL's scale replaced by a
 * multiplication by its reciprocal (Lemire, Kaser & Kurz 2019, "Faster
 * remainder by direct computation"), exact for every 32-bit draw: the
 * same seed gives the same numbers as GSL, so every published interval
 * stays what it was.  tests/unit/test_stats.c compares both.
 */
#ifndef IMPACT_INDICATORS_DRAW_H
#define IMPACT_INDICATORS_DRAW_H

#include <stddef.h>
#include <stdint.h>

#define IMPACT__MT_N 624

/* GSL's mt19937 state: 624 words, and the 624 outputs they give
 * (tempered all at once when the state is twisted). */
typedef struct {
	uint32_t mt[IMPACT__MT_N];   /* the state words */
	uint32_t out[IMPACT__MT_N];  /* their tempered outputs */
	int mti;                     /* next output; N: twist first */
} impact__mt;

/* A divisor of impact__uniform_draw(): draws in 0..n-1. */
typedef struct {
	uint32_t n;        /* the number of values, >= 1 */
	uint32_t scale;    /* GSL's 0xffffffff / n */
	uint64_t magic;    /* ceil(2^64 / scale), 0 when scale is 1 */
} impact__uniform;

/* Seed as gsl_rng_set(r, seed) does for gsl_rng_mt19937 (0 is 4357). */
void impact__mt_seed(impact__mt *r, unsigned long seed);

/* Generate the next 624 words and their outputs (GSL's mt_get, when mti
 * reaches N). */
void impact__mt_twist(impact__mt *r);

/* The next 32-bit output: gsl_rng_get(). */
static inline uint32_t impact__mt_next(impact__mt *r)
{
	if (r->mti >= IMPACT__MT_N)
		impact__mt_twist(r);
	return r->out[r->mti++];
}

/* A uniform double in [0, 1): gsl_rng_uniform(). */
static inline double impact__mt_uniform(impact__mt *r)
{
	return impact__mt_next(r) / 4294967296.0;
}

/* Prepare draws in 0..n-1 (1 <= n < 2^32). */
static inline void impact__uniform_init(impact__uniform *u, size_t n)
{
	u->n = (uint32_t)n;
	u->scale = 0xffffffffu / u->n;
	u->magic = u->scale > 1 ? UINT64_MAX / u->scale + 1 : 0;
}

/* floor(x / u->scale), exactly, by multiplication: the high 64 bits of
 * magic * x (x < 2^32, so no partial sum overflows). */
#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 impact__u128;
#endif

static inline uint32_t impact__uniform_div(const impact__uniform *u,
                                           uint32_t x)
{
#ifdef __SIZEOF_INT128__
	if (!u->magic)
		return x;
	return (uint32_t)(((impact__u128)u->magic * x) >> 64);
#else
	uint64_t hi, lo;

	if (!u->magic)
		return x;
	hi = (u->magic >> 32) * x;
	lo = ((u->magic & 0xffffffffu) * x) >> 32;
	return (uint32_t)((hi + lo) >> 32);
#endif
}

/* A draw in 0..u->n-1: gsl_rng_uniform_int(r, n), the same value from the
 * same state, rejections included. */
static inline uint32_t impact__uniform_draw(impact__mt *r,
                                            const impact__uniform *u)
{
	uint32_t k;

	do
		k = impact__uniform_div(u, impact__mt_next(r));
	while (k >= u->n);
	return k;
}

/* m draws in 0..u->n-1 into dst: those of m impact__uniform_draw()
 * calls, taken from the outputs a block at a time. */
static inline void impact__uniform_fill(impact__mt *r,
                                        const impact__uniform *u,
                                        uint32_t *dst, size_t m)
{
	while (m) {
		const uint32_t *src;
		size_t i, avail, got = 0;

		if (r->mti >= IMPACT__MT_N)
			impact__mt_twist(r);
		src = r->out + r->mti;
		avail = (size_t)(IMPACT__MT_N - r->mti);
		for (i = 0; i < avail && got < m; i++) {
			uint32_t k = impact__uniform_div(u, src[i]);

			dst[got] = k;
			got += k < u->n;   /* a rejected output is overwritten */
		}
		r->mti += (int)i;
		dst += got;
		m -= got;
	}
}

/* The bound of impact__uniform_count() for draws below `cut`
 * (cut <= u->n): a draw is below cut exactly when the output it comes
 * from is below cut * scale. */
static inline uint32_t impact__uniform_bound(const impact__uniform *u,
                                             uint32_t cut)
{
	return cut * u->scale;
}

/* The next m draws in 0..u->n-1, those of m impact__uniform_draw() calls
 * (the same outputs taken, rejections included), counted instead of
 * kept: adds to below[p] how many are below cut[p], for np ascending
 * cuts whose last is u->n, bound[p] being
 * impact__uniform_bound(u, cut[p]).  Each count is a sum of comparisons,
 * with no division per draw. */
void impact__uniform_count(impact__mt *r, const impact__uniform *u,
                           size_t m, const uint32_t *bound, size_t np,
                           uint32_t *below);

#endif
