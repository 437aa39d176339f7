/*
 * indicators/draw.c: GSL's Mersenne Twister (gsl_rng_mt19937: Matsumoto &
 * Nishimura 1998, seeded by Knuth's multiplier as GSL does), re-written
 * with 32-bit words so that the bootstraps can inline it
 * (indicators/draw.h says why and what is guaranteed).
 */
#include "draw.h"

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

void impact__mt_twist(impact__mt *r)
{
	uint32_t *mt = r->mt, y;
	int kk;

	for (kk = 0; kk < IMPACT__MT_N - MT_M; kk++) {
		y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
		mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ MAGIC(y);
	}
	for (; kk < IMPACT__MT_N - 1; kk++) {
		y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
		mt[kk] = mt[kk + (MT_M - IMPACT__MT_N)] ^ (y >> 1) ^ MAGIC(y);
	}
	y = (mt[IMPACT__MT_N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
	mt[IMPACT__MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ MAGIC(y);
	/* GSL's tempering, of every word at once. */
	for (kk = 0; kk < IMPACT__MT_N; kk++) {
		uint32_t k = mt[kk];

		k ^= k >> 11;
		k ^= (k << 7) & 0x9d2c5680u;
		k ^= (k << 15) & 0xefc60000u;
		k ^= k >> 18;
		r->out[kk] = k;
	}
	r->mti = 0;
}
