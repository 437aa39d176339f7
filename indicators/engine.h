/*
 * indicators/engine.h: the indicator engine (indicators/engine.c), called
 * by impact_compute().  Internal to the library.
 */
#ifndef IMPACT_INDICATORS_ENGINE_H
#define IMPACT_INDICATORS_ENGINE_H

#include <stddef.h>

#include "impact/common.h"

/*
 * Compute every stored indicator for the `np` periods `periods`, inside
 * the caller's transaction, replacing their stored values, then the
 * changes from previous periods.  `now` is the computation's time stamp.
 * Adds the rows written to *rows and the suppressed ones to *suppressed.
 */
int impact__indicators_compute(impact *h, const int *periods, size_t np,
                               const char *now, size_t *rows,
                               size_t *suppressed);

#endif
