/*
 * indicators/engine.h: the indicator engine (indicators/engine.c), called
 * by impact_compute().  Internal to the library.
 */
#ifndef IMPACT_INDICATORS_ENGINE_H
#define IMPACT_INDICATORS_ENGINE_H

#include <stddef.h>

#include "impact/common.h"

/*
 * The answers of each period as the engine reads them, given to the
 * per-question results of impact_compute() (indicators/compute.c) so
 * that a period's answers are scanned once for both.  For each period,
 * in order: begin(); row() for every answer with a value (those of
 * "SELECT r.id, r.place_id, a.question_id, a.value FROM respondents r
 * JOIN answers a ON a.respondent_id = r.id WHERE r.period = ?1 AND
 * a.value IS NOT NULL"), a respondent's together, by question id, and a
 * place's respondents together, by id (places come a group at a time,
 * in no set order); end(), with fed 0 when the engine did not read the
 * answers itself (no indicator on answers), so that no row was given:
 * end() reads them then.  A nonzero return of end() is an error code
 * (the message set) that stops the computation.
 */
struct impact__answers_tap {
	void *ctx;
	void (*begin)(void *ctx, int period);
	void (*row)(void *ctx, long long rid, long long place,
	            long long qid, double value);
	int (*end)(void *ctx, int period, int fed);
};

/*
 * Compute every stored indicator for the `np` periods `periods`, inside
 * the caller's transaction, replacing their stored values, then the
 * changes from previous periods.  `now` is the computation's time stamp.
 * Adds the rows written to *rows and the suppressed ones to *suppressed.
 * `tap` (or NULL) is given each period's answers first.
 */
int impact__indicators_compute(impact *h, const int *periods, size_t np,
                               const char *now, size_t *rows,
                               size_t *suppressed,
                               const struct impact__answers_tap *tap);

/* The rows (respondents, activities) a group of places holds at most
 * when computing a period (indicators/engine.c); 0, the default: the
 * engine's own budget.  Tests set it to make groups of one place. */
extern size_t impact__group_rows;
/* When not 0, a period's rows are always read sorted by place, not
 * scanned group by group (tests). */
extern int impact__group_sorted;
/* When not 0, the compute thread waits this many milliseconds before
 * each group it is given, so that a test finds the main thread reading
 * the next group meanwhile (tests). */
extern unsigned impact__pipe_delay_ms;

#endif
