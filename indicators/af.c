/*
 * indicators/af.c: the Alkire-Foster counting method (Alkire & Foster
 * 2011, "Counting and multidimensional poverty measurement"), in the
 * single form both the GNH index (Centre for Bhutan Studies) and the
 * poverty measure M0 use: identify the persons whose weighted deprivation
 * score crosses a cutoff, then H (how many) and A (how deep).  The GNH is
 * 1 - H_n·A_n on the not-yet-happy; M0 is H·A on the poor.  Read
 * indicators/gnh.c for the index around it.
 */
#include <math.h>

#include "af.h"

/* Scores are sums of weights such as 0.4 + 0.2 + 0.2: a person exactly at
 * the cutoff must not fall on the wrong side by rounding.  Comparisons
 * allow this much (docs/index.md). */
#define TOLERANCE 1e-9

void impact__af_measure(impact__af *out, const double *d, const double *w,
                        const size_t *idx, size_t n, double cutoff,
                        int strict)
{
	double total = 0, hw = 0, hd = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		size_t i = idx ? idx[k] : k;
		double wi = w ? w[i] : 1.0;
		int in = strict ? d[i] > cutoff + TOLERANCE
		                : d[i] >= cutoff - TOLERANCE;

		total += wi;
		if (in) {
			hw += wi;
			hd += wi * d[i];
		}
	}
	out->total = total;
	if (total <= 0) {
		out->h = out->a = out->m0 = NAN;
		return;
	}
	out->h = hw / total;
	out->a = hw > 0 ? hd / hw : 0;
	out->m0 = out->h * out->a;
}
