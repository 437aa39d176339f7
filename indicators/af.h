/*
 * indicators/af.h: the Alkire-Foster counting method (Alkire & Foster
 * 2011), one routine for both readings: the GNH index on sufficiency and
 * the poverty form on deprivation.  Internal to the library.
 */
#ifndef IMPACT_INDICATORS_AF_H
#define IMPACT_INDICATORS_AF_H

#include <stddef.h>

/* Head count H, intensity A (mean score of the identified) and their
 * product M0 = H·A, over the observations idx[0..n) (all when idx is
 * NULL). */
typedef struct {
	double h, a, m0;
	double total;         /* sum of the survey weights considered */
} impact__af;

/*
 * Identify, among the observations, those whose deprivation score d[i]
 * (the weighted share of indicators where they lack sufficiency, 0-1) is
 * at least `cutoff` (strict = 0) or above it (strict = 1), with survey
 * weights w (NULL: 1 each), and set *out.  The GNH reading: d = 1 - s,
 * not-yet-happy when s < k, i.e. d > 1 - k (strict); GNH = 1 - H·A.  The
 * poverty reading: poor when d >= k_p (not strict); M0 = H·A.  With no
 * weight at all, every field is NaN.  Comparisons allow 1e-9 for the
 * rounding of sums of weights, in favour of the person (happy, not
 * poor).
 */
void impact__af_measure(impact__af *out, const double *d, const double *w,
                        const size_t *idx, size_t n, double cutoff,
                        int strict);

/* When not 0, the index's rank robustness scores every person indicator
 * by indicator under each draw, as for a definition with more than 8
 * indicators in a domain, instead of by a byte per domain
 * (indicators/gnh.c; tests). */
extern int impact__ranks_by_person;

#endif
