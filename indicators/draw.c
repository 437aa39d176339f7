/*
 * indicators/draw.c: GSL's Mersenne Twister (gsl_rng_mt19937: Matsumoto &
 * Nishimura 1998, seeded by Knuth's multiplier as GSL does), re-written
 * with 32-bit words so that the bootstraps can inline it
 * (indicators/draw.h says why and what is guaranteed).
 */
#include <assert.h>

#include "draw.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MT_M 397
#define UPPER_MASK 0x80000000u
#define LOWER_MASK 0x7fffffffu
#define MAGIC(y) (((y) & 1u) ? 0x9908b0dfu : 0u)

void impact__mt_seed(impact__mt *r, unsigned long seed)
{
	int i;

	if (seed == 0)
		seed = 4357;  /* GSL's default seed */
	r->mt[0] = (uint32_t)(seed & 0xffffffffUL);
	for (i = 1; i < IMPACT__MT_N; i++)
		r->mt[i] = 1812433253u * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30))
		           + (uint32_t)i;
	r->mti = IMPACT__MT_N;
}

#ifdef __SSE2__
/* Words kk .. kk + 3 of the twist, four at a time: each new word needs
 * the old kk and kk + 1 and the word `far` places on (old before
 * N - M, already new after: more than four places back). */
static inline void twist4(uint32_t *mt, int kk, int far)
{
	const __m128i upper = _mm_set1_epi32((int)UPPER_MASK);
	const __m128i lower = _mm_set1_epi32((int)LOWER_MASK);
	const __m128i one = _mm_set1_epi32(1);
	const __m128i magic = _mm_set1_epi32((int)0x9908b0dfu);
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(mt + kk));
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)
	                            (mt + kk + 1));
	__m128i c = _mm_loadu_si128((const __m128i *)(const void *)
	                            (mt + kk + far));
	__m128i y = _mm_or_si128(_mm_and_si128(a, upper),
	                         _mm_and_si128(b, lower));
	__m128i mag = _mm_and_si128(_mm_sub_epi32(_mm_setzero_si128(),
	                                          _mm_and_si128(y, one)),
	                            magic);

	_mm_storeu_si128((__m128i *)(void *)(mt + kk),
	                 _mm_xor_si128(_mm_xor_si128(c, _mm_srli_epi32(y, 1)),
	                               mag));
}
#endif

void impact__mt_twist(impact__mt *r)
{
	uint32_t *mt = r->mt, y;
	int kk = 0;

#ifdef __SSE2__
	for (; kk + 4 <= IMPACT__MT_N - MT_M; kk += 4)
		twist4(mt, kk, MT_M);
#endif
	for (; kk < IMPACT__MT_N - MT_M; kk++) {
		y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
		mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ MAGIC(y);
	}
#ifdef __SSE2__
	for (; kk + 4 <= IMPACT__MT_N - 1; kk += 4)
		twist4(mt, kk, MT_M - IMPACT__MT_N);
#endif
	for (; kk < IMPACT__MT_N - 1; kk++) {
		y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
		mt[kk] = mt[kk + (MT_M - IMPACT__MT_N)] ^ (y >> 1) ^ MAGIC(y);
	}
	y = (mt[IMPACT__MT_N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
	mt[IMPACT__MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ MAGIC(y);
	/* GSL's tempering, of every word at once. */
	kk = 0;
#ifdef __SSE2__
	for (; kk + 4 <= IMPACT__MT_N; kk += 4) {
		__m128i k = _mm_loadu_si128((const __m128i *)(const void *)
		                            (mt + kk));

		k = _mm_xor_si128(k, _mm_srli_epi32(k, 11));
		k = _mm_xor_si128(k, _mm_and_si128(_mm_slli_epi32(k, 7),
		                  _mm_set1_epi32((int)0x9d2c5680u)));
		k = _mm_xor_si128(k, _mm_and_si128(_mm_slli_epi32(k, 15),
		                  _mm_set1_epi32((int)0xefc60000u)));
		k = _mm_xor_si128(k, _mm_srli_epi32(k, 18));
		_mm_storeu_si128((__m128i *)(void *)(r->out + kk), k);
	}
#endif
	for (; kk < IMPACT__MT_N; kk++) {
		uint32_t k = mt[kk];

		k ^= k >> 11;
		k ^= (k << 7) & 0x9d2c5680u;
		k ^= (k << 15) & 0xefc60000u;
		k ^= k >> 18;
		r->out[kk] = k;
	}
	r->mti = 0;
}

/* Adds to below[p] (p < np) how many of src[0..m) are below bound[p]. */
static void count_below(const uint32_t *src, size_t m,
                        const uint32_t *bound, size_t np, uint32_t *below)
{
	size_t p, i;

	for (p = 0; p < np; p++) {
		uint32_t c = 0;

		i = 0;
#ifdef __SSE2__
		{
			/* Unsigned comparisons as signed ones of the words
			 * with their top bit flipped; each lane counts. */
			const __m128i flip = _mm_set1_epi32(INT32_MIN);
			const __m128i t = _mm_set1_epi32((int)(bound[p]
			                                       ^ 0x80000000u));
			__m128i acc = _mm_setzero_si128();
			uint32_t lane[4];

			for (; i + 4 <= m; i += 4) {
				__m128i x = _mm_loadu_si128((const __m128i *)
				                            (const void *)(src + i));

				acc = _mm_sub_epi32(acc, _mm_cmplt_epi32(
				                  _mm_xor_si128(x, flip), t));
			}
			_mm_storeu_si128((__m128i *)(void *)lane, acc);
			c = lane[0] + lane[1] + lane[2] + lane[3];
		}
#endif
		for (; i < m; i++)
			c += src[i] < bound[p];
		below[p] += c;
	}
}

void impact__uniform_count(impact__mt *r, const impact__uniform *u,
                           size_t m, const uint32_t *bound, size_t np,
                           uint32_t *below)
{
	/* Every output taken is a draw unless rejected (not below the
	 * last bound): take as many outputs as draws are still due, count,
	 * and take again for the rejected ones. */
	assert(np >= 1 && bound[np - 1] == impact__uniform_bound(u, u->n));
	while (m) {
		size_t take, avail;
		uint32_t got = below[np - 1];

		if (r->mti >= IMPACT__MT_N)
			impact__mt_twist(r);
		avail = (size_t)(IMPACT__MT_N - r->mti);
		take = m < avail ? m : avail;
		count_below(r->out + r->mti, take, bound, np, below);
		r->mti += (int)take;
		m -= below[np - 1] - got;
	}
}
