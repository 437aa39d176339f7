/*
 * surveys/answers.c: the importer of survey answers (docs/formats.md).
 * One row per respondent; the respondent's identifier is replaced by a
 * keyed hash (HMAC-SHA-256 under the database's secret) before anything
 * is stored; each bad row is kept in `rejects`.  Built on the shared
 * machinery of surveys/import.h.
 */
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../engine/context.h"
#include "../engine/sha256.h"
#include "import.h"


/* A question of the survey being imported, and its column. */
typedef struct {
	long long id;      /* questions.id */
	char *code;        /* question id in the survey */
	double min, max;   /* bounds */
	long index;        /* field index, -1 when the file lacks it */
} qcol;

typedef struct {
	qcol *q;
	size_t n;
} qset;

/* map_header callback: accept a question id as a column (-1 if twice). */
static int question_column(void *payload, size_t index, const char *name)
{
	qset *qs = payload;
	size_t i;

	for (i = 0; i < qs->n; i++) {
		if (strcasecmp(qs->q[i].code, name) == 0) {
			if (qs->q[i].index >= 0)
				return -1;
			qs->q[i].index = (long)index;
			return 1;
		}
	}
	return 0;
}

/* Load the survey's id and questions. */
static int load_questions(impact *h, const char *survey, long long *sid,
                          qset *qs)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, step;

	*sid = 0;
	if ((rc = impact__prepare(h, &st, "SELECT s.id, q.id, q.code, q.min,"
	                          " q.max FROM surveys s JOIN questions q"
	                          " ON q.survey_id = s.id WHERE s.code = ?1"
	                          " ORDER BY q.position;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		qcol *q;

		if (qs->n == cap) {
			size_t c2 = cap ? 2 * cap : 32;
			qcol *p = realloc(qs->q, c2 * sizeof(*p));

			if (!p) {
				rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
				goto done;
			}
			qs->q = p;
			cap = c2;
		}
		q = &qs->q[qs->n];
		*sid = sqlite3_column_int64(st, 0);
		q->id = sqlite3_column_int64(st, 1);
		q->code = strdup((const char *)sqlite3_column_text(st, 2));
		q->min = sqlite3_column_double(st, 3);
		q->max = sqlite3_column_double(st, 4);
		q->index = -1;
		if (!q->code) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		qs->n++;
	}
	if (step != SQLITE_DONE) {
		rc = impact__db_error(h, "reading the questionnaire");
		goto done;
	}
	if (!*sid)
		rc = impact__error(h, IMPACT_ENOTFOUND,
		                   "unknown survey \"%s\": add it first with "
		                   "'impact survey add FILE.json' ('impact survey "
		                   "list' shows those known)", survey);
done:
	sqlite3_finalize(st);
	return rc;
}

/* Read the database's secret for respondent keys. */
static int respondent_secret(impact *h, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, "SELECT value FROM meta"
	                          " WHERE key = 'respondent_secret';")) != 0)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return impact__error(h, IMPACT_EDB, "the database has no "
		                     "respondent secret: it is damaged");
	}
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return IMPACT_OK;
}

int impact_import_answers(impact *h, const char *path, const char *survey_code,
                          const impact_import_opts *opts,
                          impact_import_summary *out)
{
	struct import im = { 0 };
	impact_import_summary dummy;
	column cols[] = { { "respondent", 1, -1 }, { "place", 1, -1 },
	                  { "period", 1, -1 } };
	sqlite3_stmt *find = NULL, *resp = NULL, *ans = NULL, *dup = NULL;
	qset qs = { NULL, 0 };
	double *values = NULL;
	char secret[80];
	long long sid = 0;
	size_t i;
	int rc;

	assert(h && path && survey_code);
	impact__clear_error(h);
	if (!out)
		out = &dummy;
	memset(out, 0, sizeof(*out));
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = load_questions(h, survey_code, &sid, &qs)) != IMPACT_OK)
		goto done;
	if ((rc = respondent_secret(h, secret, sizeof(secret))) != IMPACT_OK)
		goto done;
	rc = impact__import_begin(&im, h, path, "answers", sid, opts, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = impact__map_header(&im, cols, 3, question_column, &qs)) != IMPACT_OK)
		goto done;
	values = calloc(qs.n ? qs.n : 1, sizeof(*values));
	if (!values) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = impact__prepare(h, &find, "SELECT id FROM places"
	                          " WHERE code = ?1;")) != 0
	    || (rc = impact__prepare(h, &dup, "SELECT 1 FROM respondents WHERE"
	                             " survey_id = ?1 AND period = ?2 AND"
	                             " key = ?3;")) != 0
	    || (rc = impact__prepare(h, &resp, "INSERT INTO respondents"
	                             " (survey_id, import_id, key, place_id,"
	                             " period) VALUES (?1, ?2, ?3, ?4, ?5);"))
	       != 0
	    || (rc = impact__prepare(h, &ans, "INSERT INTO answers"
	                             " (respondent_id, question_id, value)"
	                             " VALUES (?1, ?2, ?3);")) != 0)
		goto done;
	while ((rc = impact__csv_next(h, im.csv, &im.rec)) == 1) {
		char reason[MAX_REASON], key[65], *who, *place, *period_s;
		unsigned char mac[32];
		long long pid = 0, period = 0, rid;
		long bad = -1;

		out->rows_read++;
		reason[0] = '\0';
		who = impact__field(&im, &cols[0]);
		place = impact__field(&im, &cols[1]);
		period_s = impact__field(&im, &cols[2]);
		impact__hmac_sha256(secret, strlen(secret), who, strlen(who), mac);
		impact__hex(key, mac, 32);
		if (!impact__check_width(&im, reason, sizeof(reason))) {
			bad = 0;
		} else if (!*who) {
			bad = cols[0].index;
			snprintf(reason, sizeof(reason), "empty respondent "
			         "identifier: give each questionnaire a number");
		} else if ((rc = impact__lookup_id(h, find, place, &pid)) != 0) {
			goto done;
		} else if (!pid) {
			bad = cols[1].index;
			snprintf(reason, sizeof(reason), "unknown place \"%.64s\": "
			         "check the code or import it with 'impact import "
			         "places'", place);
		} else if (!impact__parse_count(period_s, 9999, &period)
		           || strlen(period_s) != 4 || period < 1900) {
			bad = cols[2].index;
			snprintf(reason, sizeof(reason), "invalid period \"%.32s\": "
			         "expected a year such as 2024", period_s);
		}
		for (i = 0; bad < 0 && i < qs.n; i++) {
			const char *s;

			values[i] = NAN;
			if (qs.q[i].index < 0)
				continue;
			s = impact__trim(im.rec.fields[qs.q[i].index]);
			if (!*s)
				continue;
			if (!impact__parse_number(s, &values[i]) || values[i] < qs.q[i].min
			    || values[i] > qs.q[i].max) {
				bad = qs.q[i].index;
				snprintf(reason, sizeof(reason), "invalid answer "
				         "\"%.32s\" to question \"%s\": expected a "
				         "number from %g to %g, or nothing", s,
				         qs.q[i].code, qs.q[i].min, qs.q[i].max);
				values[i] = NAN;
			}
		}
		if (bad < 0) {
			sqlite3_reset(dup);
			sqlite3_bind_int64(dup, 1, sid);
			sqlite3_bind_int64(dup, 2, period);
			sqlite3_bind_text(dup, 3, key, -1, SQLITE_STATIC);
			if (sqlite3_step(dup) == SQLITE_ROW) {
				bad = cols[0].index;
				snprintf(reason, sizeof(reason), "this respondent "
				         "already answered survey \"%s\" for %lld: "
				         "the row is a duplicate", survey_code,
				         period);
			}
		}
		if (bad >= 0) {
			rc = impact__reject(&im, bad, im.rec.nfields == im.nheader
			            ? cols[0].index : MASK_WORDS,
			            im.rec.nfields == im.nheader ? key : "(masked)",
			            reason);
			if (rc != IMPACT_OK)
				goto done;
			continue;
		}
		sqlite3_reset(resp);
		sqlite3_bind_int64(resp, 1, sid);
		sqlite3_bind_int64(resp, 2, im.import_id);
		sqlite3_bind_text(resp, 3, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(resp, 4, pid);
		sqlite3_bind_int64(resp, 5, period);
		if (sqlite3_step(resp) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing a respondent");
			goto done;
		}
		rid = sqlite3_last_insert_rowid(h->db);
		for (i = 0; i < qs.n; i++) {
			if (isnan(values[i]))
				continue;
			sqlite3_reset(ans);
			sqlite3_bind_int64(ans, 1, rid);
			sqlite3_bind_int64(ans, 2, qs.q[i].id);
			sqlite3_bind_double(ans, 3, values[i]);
			if (sqlite3_step(ans) != SQLITE_DONE) {
				rc = impact__db_error(h, "storing an answer");
				goto done;
			}
		}
		out->rows_loaded++;
		if (out->rows_read % 1000 == 0)
			impact__progress(h, "answers", out->rows_read, 0);
	}
	if (rc > 0)
		rc = IMPACT_OK;
done:
	sqlite3_finalize(find);
	sqlite3_finalize(dup);
	sqlite3_finalize(resp);
	sqlite3_finalize(ans);
	for (i = 0; i < qs.n; i++)
		free(qs.q[i].code);
	free(qs.q);
	free(values);
	return impact__import_end(&im, rc);
}

