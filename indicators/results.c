/*
 * indicators/results.c: reading the `results` table back, for the command
 * line and for programs using the library.  Reports read the same rows, so
 * a figure is the same wherever it is shown.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "../engine/context.h"
#include "impact/indicators.h"

/* Is a measure computed from respondents (and so subject to disclosure
 * control)?  Counts of activities are not about persons. */
static int about_persons(const char *measure)
{
	return strcmp(measure, IMPACT_MEASURE_ACTIVITIES) != 0
	       && strcmp(measure, IMPACT_MEASURE_PARTICIPANTS) != 0
	       && strcmp(measure, IMPACT_MEASURE_HOURS) != 0;
}

int impact_results_each(impact *h, const impact_result_filter *filter,
                        int (*cb)(void *payload, const impact_result *r),
                        void *payload)
{
	impact_result_filter all = IMPACT_RESULT_FILTER_INIT;
	sqlite3_stmt *st = NULL;
	int rc, step;

	assert(h && cb);
	impact__clear_error(h);
	if (!filter)
		filter = &all;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT period, unit_kind, unit_code,"
	                          " unit_name, measure, question, label_fr,"
	                          " label_en, value, n, ci_low, ci_high"
	                          " FROM results_view"
	                          " WHERE (?1 = 0 OR period = ?1)"
	                          " AND (?2 IS NULL OR (unit_kind = 'place'"
	                          "      AND unit_code = ?2))"
	                          " AND (?3 IS NULL OR (unit_kind = 'territory'"
	                          "      AND unit_code = ?3))"
	                          " AND (?4 IS NULL OR measure = ?4)"
	                          " ORDER BY period, unit_kind DESC, unit_code,"
	                          " CASE measure WHEN 'respondents' THEN 0"
	                          "  WHEN 'wellbeing_score' THEN 1"
	                          "  WHEN 'question_mean' THEN 2"
	                          "  WHEN 'activities' THEN 3"
	                          "  WHEN 'participants' THEN 4 ELSE 5 END,"
	                          " question_position;")) != 0)
		return rc;
	sqlite3_bind_int(st, 1, filter->period);
	sqlite3_bind_text(st, 2, filter->place, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, filter->territory, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, filter->measure, -1, SQLITE_STATIC);
	rc = IMPACT_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_result r;

		r.period = sqlite3_column_int(st, 0);
		r.unit_kind = (const char *)sqlite3_column_text(st, 1);
		r.unit_code = (const char *)sqlite3_column_text(st, 2);
		r.unit_name = (const char *)sqlite3_column_text(st, 3);
		r.measure = (const char *)sqlite3_column_text(st, 4);
		r.question = (const char *)sqlite3_column_text(st, 5);
		r.label_fr = (const char *)sqlite3_column_text(st, 6);
		r.label_en = (const char *)sqlite3_column_text(st, 7);
		r.value = sqlite3_column_double(st, 8);
		r.n = sqlite3_column_int64(st, 9);
		r.has_ci = sqlite3_column_type(st, 10) != SQLITE_NULL;
		r.ci_low = r.has_ci ? sqlite3_column_double(st, 10) : NAN;
		r.ci_high = r.has_ci ? sqlite3_column_double(st, 11) : NAN;
		r.suppressed = r.n < IMPACT_MIN_PUBLISHED_N
		               && about_persons(r.measure);
		if ((rc = cb(payload, &r)) != 0)
			break;
	}
	if (rc == IMPACT_OK && step != SQLITE_DONE)
		rc = impact__db_error(h, "reading results");
	sqlite3_finalize(st);
	return rc;
}

int impact_latest_period(impact *h, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	assert(h && out);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT max(p) FROM ("
	                          " SELECT max(period) AS p FROM respondents"
	                          " UNION ALL SELECT max(period) FROM activities"
	                          " UNION ALL SELECT max(period) FROM results);"))
	    != 0)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = impact__db_error(h, "reading periods");
	else
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}
