/*
 * surveys/entries.c: what a form needs around impact_answers_add_one()
 * (surveys/answers.c): the questions of a survey as a form shows them,
 * the form entries of a place (listed, read back for a correction,
 * deleted), a place's respondents counted per survey and period, and the
 * register of places and territories.  Form entries are the respondents
 * with a row in `form_entries`; imported respondents are never changed
 * here.  Everything is read with bound parameters.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/context.h"
#include "impact/surveys.h"

/* Copy column i of st (NULL as "") into out. */
static void col_copy(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	snprintf(out, size, "%s", s ? s : "");
}

/* Optional text column: NULL stays NULL. */
static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Free the strings of choices[0..n). */
static void free_choices(impact_choice_info *choices, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)choices[i].code);
		free((char *)choices[i].label_fr);
		free((char *)choices[i].label_en);
	}
}

int impact_survey_questions_each(impact *h, const char *survey,
                                 int (*cb)(void *payload,
                                           const impact_question_info *q),
                                 void *payload)
{
	sqlite3_stmt *st = NULL, *ch = NULL;
	impact_choice_info *choices = NULL;
	size_t cap = 0, n = 0;
	int rc, step, any = 0;

	assert(h && survey && cb);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT q.id, q.code, q.position,"
	                          " q.label_fr, q.label_en, q.kind, q.role,"
	                          " q.required, q.min, q.max FROM questions q"
	                          " JOIN surveys s ON s.id = q.survey_id WHERE"
	                          " s.code = ?1 ORDER BY q.position;"))
	    != IMPACT_OK
	    || (rc = impact__prepare(h, &ch, "SELECT code, label_fr, label_en,"
	                             " value FROM choices WHERE question_id ="
	                             " ?1 ORDER BY position;")) != IMPACT_OK)
		goto done;
	sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_question_info q;

		any = 1;
		sqlite3_reset(ch);
		sqlite3_bind_int64(ch, 1, sqlite3_column_int64(st, 0));
		/* Copies: a choice row's text lasts only until the next step. */
		while ((step = sqlite3_step(ch)) == SQLITE_ROW) {
			impact_choice_info *c;

			if (n == cap) {
				size_t c2 = cap ? 2 * cap : 16;
				impact_choice_info *p = realloc(choices,
				                                c2 * sizeof(*p));

				if (!p)
					goto nomem;
				choices = p;
				cap = c2;
			}
			c = &choices[n++];
			memset(c, 0, sizeof(*c));
			c->code = strdup(col_text(ch, 0));
			c->label_fr = strdup(col_text(ch, 1));
			c->label_en = col_text(ch, 2) ? strdup(col_text(ch, 2))
			                              : NULL;
			c->has_value = sqlite3_column_type(ch, 3) != SQLITE_NULL;
			c->value = sqlite3_column_double(ch, 3);
			if (!c->code || !c->label_fr
			    || (col_text(ch, 2) && !c->label_en))
				goto nomem;
		}
		if (step != SQLITE_DONE) {
			rc = impact__db_error(h, "reading the choices");
			goto done;
		}
		memset(&q, 0, sizeof(q));
		q.code = col_text(st, 1);
		q.position = sqlite3_column_int(st, 2);
		q.label_fr = col_text(st, 3);
		q.label_en = col_text(st, 4);
		q.kind = col_text(st, 5);
		q.role = col_text(st, 6);
		q.required = sqlite3_column_int(st, 7);
		q.has_min = sqlite3_column_type(st, 8) != SQLITE_NULL;
		q.min = sqlite3_column_double(st, 8);
		q.has_max = sqlite3_column_type(st, 9) != SQLITE_NULL;
		q.max = sqlite3_column_double(st, 9);
		q.choices = choices;
		q.nchoices = n;
		rc = cb(payload, &q);
		free_choices(choices, n);
		n = 0;
		if (rc != 0)
			goto done;
	}
	if (step != SQLITE_DONE)
		rc = impact__db_error(h, "reading the questions");
	else if (!any)
		rc = impact__error(h, IMPACT_ENOTFOUND, "unknown survey \"%.64s\""
		                   ": 'impact survey list' shows those known",
		                   survey);
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	free_choices(choices, n);
	free(choices);
	sqlite3_finalize(st);
	sqlite3_finalize(ch);
	return rc;
}

/* The columns of impact_entry_info, read by fill_entry(). */
#define ENTRY_COLUMNS \
	"r.id, s.code, p.code, r.period, r.submitted_on, f.entered_at," \
	" f.changed_at, (SELECT count(*) FROM answers a WHERE" \
	" a.respondent_id = r.id) FROM form_entries f JOIN respondents r ON" \
	" r.id = f.respondent_id JOIN surveys s ON s.id = r.survey_id JOIN" \
	" places p ON p.id = r.place_id"

static void fill_entry(sqlite3_stmt *st, impact_entry_info *e)
{
	memset(e, 0, sizeof(*e));
	e->respondent = sqlite3_column_int64(st, 0);
	col_copy(st, 1, e->survey, sizeof(e->survey));
	col_copy(st, 2, e->place, sizeof(e->place));
	e->period = sqlite3_column_int(st, 3);
	col_copy(st, 4, e->submitted_on, sizeof(e->submitted_on));
	col_copy(st, 5, e->entered_at, sizeof(e->entered_at));
	col_copy(st, 6, e->changed_at, sizeof(e->changed_at));
	e->answers = sqlite3_column_int64(st, 7);
}

int impact_entries_each(impact *h, const char *place,
                        int (*cb)(void *payload, const impact_entry_info *e),
                        void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	assert(h && cb);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT " ENTRY_COLUMNS " WHERE"
	                          " ?1 IS NULL OR p.code = ?1 ORDER BY"
	                          " f.entered_at DESC, r.id DESC;"))
	    != IMPACT_OK)
		return rc;
	if (place)
		sqlite3_bind_text(st, 1, place, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_entry_info e;

		fill_entry(st, &e);
		if ((rc = cb(payload, &e)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = impact__db_error(h, "listing the form entries");
	sqlite3_finalize(st);
	return rc;
}

/* Find form entry `respondent` of `place` (NULL: any) into *out. */
static int find_entry(impact *h, long long respondent, const char *place,
                      impact_entry_info *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, "SELECT " ENTRY_COLUMNS " WHERE"
	                          " r.id = ?1 AND (?2 IS NULL OR p.code ="
	                          " ?2);")) != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, respondent);
	if (place)
		sqlite3_bind_text(st, 2, place, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		fill_entry(st, out);
		break;
	case SQLITE_DONE:
		rc = impact__error(h, IMPACT_ENOTFOUND, "no form entry %lld%s%s",
		                   respondent, place ? " at place " : "",
		                   place ? place : "");
		break;
	default:
		rc = impact__db_error(h, "reading a form entry");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Write `v` as a form shows a number: the shortest exact form. */
static void number_text(char *out, size_t size, double v)
{
	snprintf(out, size, "%.15g", v);
}

int impact_entry_get(impact *h, long long respondent, const char *place,
                     impact_entry_info *out,
                     int (*cb)(void *payload, const char *question,
                               const char *text),
                     void *payload)
{
	sqlite3_stmt *st = NULL, *mc = NULL;
	impact_entry_info dummy;
	int rc, step;

	assert(h);
	impact__clear_error(h);
	if (!out)
		out = &dummy;
	if ((rc = impact__need_db(h)) != IMPACT_OK
	    || (rc = find_entry(h, respondent, place, out)) != IMPACT_OK
	    || !cb)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT q.id, q.code, q.kind, a.value,"
	                          " c.code, a.text FROM answers a JOIN questions"
	                          " q ON q.id = a.question_id LEFT JOIN choices"
	                          " c ON c.id = a.choice_id WHERE"
	                          " a.respondent_id = ?1 ORDER BY q.position;"))
	    != IMPACT_OK
	    || (rc = impact__prepare(h, &mc, "SELECT c.code FROM answer_choices"
	                             " x JOIN choices c ON c.id = x.choice_id"
	                             " WHERE x.respondent_id = ?1 AND"
	                             " x.question_id = ?2 ORDER BY c.position;"))
	       != IMPACT_OK)
		goto done;
	sqlite3_bind_int64(st, 1, respondent);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = col_text(st, 1), *kind = col_text(st, 2);
		char buf[IMPACT_FIELD_MAX + 1] = "";

		if (strcmp(kind, "multiple") == 0) {
			size_t len = 0;

			sqlite3_reset(mc);
			sqlite3_bind_int64(mc, 1, respondent);
			sqlite3_bind_int64(mc, 2, sqlite3_column_int64(st, 0));
			while (sqlite3_step(mc) == SQLITE_ROW) {
				int w = snprintf(buf + len, sizeof(buf) - len, "%s%s",
				                 len ? ";" : "", col_text(mc, 0));

				if (w < 0 || (size_t)w >= sizeof(buf) - len)
					break;
				len += (size_t)w;
			}
		} else if (col_text(st, 4)) {
			snprintf(buf, sizeof(buf), "%s", col_text(st, 4));
		} else if (col_text(st, 5)) {
			snprintf(buf, sizeof(buf), "%s", col_text(st, 5));
		} else if (strcmp(kind, "yesno") == 0) {
			snprintf(buf, sizeof(buf), "%s",
			         sqlite3_column_double(st, 3) != 0 ? "oui" : "non");
		} else if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			number_text(buf, sizeof(buf), sqlite3_column_double(st, 3));
		}
		if ((rc = cb(payload, code, buf)) != 0)
			goto done;
	}
	if (step != SQLITE_DONE)
		rc = impact__db_error(h, "reading a form entry's answers");
done:
	sqlite3_finalize(st);
	sqlite3_finalize(mc);
	return rc;
}

int impact_entry_delete(impact *h, long long respondent, const char *place)
{
	sqlite3_stmt *st = NULL;
	impact_entry_info e;
	int rc;

	assert(h);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		return rc;
	if ((rc = find_entry(h, respondent, place, &e)) != IMPACT_OK)
		goto done;
	/* answers, answer_choices and form_entries go with it (ON DELETE
	 * CASCADE); the counts of the form's `imports` row follow. */
	if ((rc = impact__prepare(h, &st, "DELETE FROM respondents WHERE id ="
	                          " ?1 RETURNING import_id;")) != IMPACT_OK)
		goto done;
	sqlite3_bind_int64(st, 1, respondent);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = impact__db_error(h, "deleting a form entry");
		goto done;
	}
	{
		long long import_id = sqlite3_column_int64(st, 0);

		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = impact__db_error(h, "deleting a form entry");
			goto done;
		}
		sqlite3_finalize(st);
		if ((rc = impact__prepare(h, &st, "UPDATE imports SET rows_read ="
		                          " (SELECT count(*) FROM respondents"
		                          " WHERE import_id = ?1), rows_loaded ="
		                          " (SELECT count(*) FROM respondents"
		                          " WHERE import_id = ?1) WHERE id = ?1;"))
		    != IMPACT_OK)
			goto done;
		sqlite3_bind_int64(st, 1, import_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = impact__db_error(h, "counting the form entries");
	}
done:
	sqlite3_finalize(st);
	return impact__end_tx(h, rc);
}

int impact_place_counts_each(impact *h, const char *place,
                             int (*cb)(void *payload,
                                       const impact_place_count *c),
                             void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	assert(h && place && cb);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT s.code, s.title_fr,"
	                          " s.title_en, r.period, count(*),"
	                          " count(f.respondent_id) FROM respondents r"
	                          " JOIN places p ON p.id = r.place_id JOIN"
	                          " surveys s ON s.id = r.survey_id LEFT JOIN"
	                          " form_entries f ON f.respondent_id = r.id"
	                          " WHERE p.code = ?1 GROUP BY s.id, r.period"
	                          " ORDER BY r.period DESC, s.code;"))
	    != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, place, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_place_count c;

		c.survey = col_text(st, 0);
		c.title_fr = col_text(st, 1);
		c.title_en = col_text(st, 2);
		c.period = sqlite3_column_int(st, 3);
		c.respondents = sqlite3_column_int64(st, 4);
		c.entries = sqlite3_column_int64(st, 5);
		if ((rc = cb(payload, &c)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = impact__db_error(h, "counting respondents");
	sqlite3_finalize(st);
	return rc;
}

/* Walk the rows of `sql` (code, name, territory, territory name). */
static int units_each(impact *h, const char *sql,
                      int (*cb)(void *payload, const impact_unit_info *u),
                      void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	assert(h && cb);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, sql)) != IMPACT_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_unit_info u;

		u.code = col_text(st, 0);
		u.name = col_text(st, 1);
		u.territory = col_text(st, 2);
		u.territory_name = col_text(st, 3);
		if ((rc = cb(payload, &u)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = impact__db_error(h, "reading the register");
	sqlite3_finalize(st);
	return rc;
}

int impact_places_each(impact *h,
                       int (*cb)(void *payload, const impact_unit_info *u),
                       void *payload)
{
	return units_each(h, "SELECT p.code, p.name, t.code, t.name FROM"
	                  " places p JOIN territories t ON t.id ="
	                  " p.territory_id ORDER BY p.code;", cb, payload);
}

int impact_territories_each(impact *h,
                            int (*cb)(void *payload,
                                      const impact_unit_info *u),
                            void *payload)
{
	return units_each(h, "SELECT t.code, t.name, u.code, u.name FROM"
	                  " territories t LEFT JOIN territories u ON u.id ="
	                  " t.parent_id ORDER BY t.code;", cb, payload);
}
