/*
 * Unit tests of the Alkire-Foster measure (indicators/af.c) on small
 * populations computed by hand, for several cutoffs, in both readings.
 *
 * Five persons, four indicators of weights 0.4, 0.2, 0.2, 0.2; sufficiency
 * (1) or not (0):
 *   p1 1 1 1 1   s = 1.0   d = 0.0
 *   p2 1 0 1 1   s = 0.8   d = 0.2
 *   p3 0 1 1 1   s = 0.6   d = 0.4
 *   p4 1 0 0 0   s = 0.4   d = 0.6
 *   p5 0 0 0 1   s = 0.2   d = 0.8
 */
#include <math.h>
#include <stddef.h>

#include <criterion/criterion.h>

#include "../../indicators/af.h"

static const double d[] = { 0.0, 0.2, 0.4, 0.6, 0.8 };

static void near(double got, double want, const char *what)
{
	cr_expect(fabs(got - want) < 1e-12, "%s = %.15g, want %.15g", what,
	          got, want);
}

Test(af, gnh_for_several_cutoffs)
{
	impact__af m;

	/* k = 0.66: not yet happy when s < 0.66: p3, p4, p5 (s 0.6, 0.4,
	 * 0.2): H_n = 3/5, A_n = (0.4 + 0.6 + 0.8)/3 = 0.6, GNH = 1 - 0.36
	 * = 0.64. */
	impact__af_measure(&m, d, NULL, NULL, 5, 1 - 0.66, 1);
	near(m.h, 0.6, "H_n k=0.66");
	near(m.a, 0.6, "A_n k=0.66");
	near(1 - m.m0, 0.64, "GNH k=0.66");
	/* k = 0.5: p4, p5: H_n = 0.4, A_n = 0.7, GNH = 0.72. */
	impact__af_measure(&m, d, NULL, NULL, 5, 1 - 0.5, 1);
	near(m.h, 0.4, "H_n k=0.5");
	near(m.a, 0.7, "A_n k=0.5");
	near(1 - m.m0, 0.72, "GNH k=0.5");
	/* k = 0.8: s = 0.8 is happy (s >= k): p3, p4, p5 again. */
	impact__af_measure(&m, d, NULL, NULL, 5, 1 - 0.8, 1);
	near(m.h, 0.6, "H_n k=0.8, boundary happy");
	/* k = 1: only p1 is happy: H_n = 0.8, A_n = 0.5, GNH = 0.6. */
	impact__af_measure(&m, d, NULL, NULL, 5, 0, 1);
	near(m.h, 0.8, "H_n k=1");
	near(m.a, 0.5, "A_n k=1");
}

Test(af, poverty_form)
{
	impact__af m;

	/* Poor when d >= k_p.  k_p = 1/3: p3, p4, p5: H = 0.6, A = 0.6,
	 * M0 = 0.36.  k_p = 0.6: p4, p5 (d = 0.6 counts): H = 0.4, A = 0.7,
	 * M0 = 0.28.  k_p = 0.9: nobody: H = 0, A = 0, M0 = 0. */
	impact__af_measure(&m, d, NULL, NULL, 5, 1.0 / 3, 0);
	near(m.m0, 0.36, "M0 1/3");
	impact__af_measure(&m, d, NULL, NULL, 5, 0.6, 0);
	near(m.h, 0.4, "H 0.6");
	near(m.a, 0.7, "A 0.6");
	near(m.m0, 0.28, "M0 0.6");
	impact__af_measure(&m, d, NULL, NULL, 5, 0.9, 0);
	near(m.h, 0, "H 0.9");
	near(m.m0, 0, "M0 0.9");
}

Test(af, survey_weights_and_subsets)
{
	const double w[] = { 1, 1, 2, 1, 4 };
	const size_t idx[] = { 0, 2, 4 };
	impact__af m;

	/* Weighted, k = 0.66: not happy p3 (2), p4 (1), p5 (4): H = 7/9,
	 * A = (2·0.4 + 0.6 + 4·0.8)/7 = 4.6/7. */
	impact__af_measure(&m, d, w, NULL, 5, 1 - 0.66, 1);
	near(m.h, 7.0 / 9, "weighted H");
	near(m.a, 4.6 / 7, "weighted A");
	near(m.total, 9, "total");
	/* Subset p1, p3, p5 unweighted: H = 2/3, A = 0.6. */
	impact__af_measure(&m, d, NULL, idx, 3, 1 - 0.66, 1);
	near(m.h, 2.0 / 3, "subset H");
	near(m.a, 0.6, "subset A");
	/* No one: NaN. */
	impact__af_measure(&m, d, NULL, idx, 0, 0.34, 1);
	cr_expect(isnan(m.h));
}
