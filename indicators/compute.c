/*
 * indicators/compute.c: turns stored answers and activities into the
 * `results` table.
 *
 * For each period, answers stream from SQLite ordered by respondent; each
 * value is added to running accumulators (indicators/stats.h) of its place
 * and of every territory above that place, so a territory's figure is
 * computed from the pooled underlying answers, never as an average of its
 * places' averages, and memory does not grow with the number of answers.
 * The units are numbered places first (0..P-1) then territories
 * (P..P+T-1); `struct impact__tree` holds, for each place, its chain of units from
 * the place up to the root.  Read indicators/results.c next: it reads the
 * table back.
 *
 * Question means cover every question whose answers are numbers (scale,
 * rating, number, yes/no as 1/0, single choices whose choices carry a
 * value).  The first well-being score (a simple precursor of the
 * Alkire-Foster index, docs/methods.md): for each respondent, the mean
 * over their answered questions that have a domain and bounds of
 * (x - min) / (max - min),
 * times 100; a unit's score is the mean of its respondents' scores, with a
 * Student-t 95% interval.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/context.h"
#include "impact/indicators.h"
#include "engine.h"
#include "stats.h"
#include "tree.h"

#define LEVEL 0.95

/* A question: its bounds and whether it counts in the score. */
struct question {
	double min, max;
	int in_score;
};

struct questions {
	long long max_id;          /* highest questions.id */
	long *index_of_id;         /* questions.id -> index, -1 if none */
	long long *id;             /* index -> questions.id */
	struct question *q;        /* index -> bounds */
	size_t n;
};

/* Accumulators of one period. */
struct accs {
	impact_acc *question;      /* unit * nq + question */
	impact_acc *score;         /* per unit */
	long long *respondents;    /* per unit */
	long long *activities;     /* per unit */
	double *participants;      /* per unit */
	double *hours;             /* per unit: sum of participants * hours */
};

static void questions_release(struct questions *qs)
{
	free(qs->index_of_id);
	free(qs->id);
	free(qs->q);
}

static void accs_release(struct accs *a)
{
	free(a->question);
	free(a->score);
	free(a->respondents);
	free(a->activities);
	free(a->participants);
	free(a->hours);
}

/* Load every question's bounds. */
static int questions_load(impact *h, struct questions *qs)
{
	sqlite3_stmt *st = NULL;
	long long n = 0;
	size_t i;
	int rc;

	memset(qs, 0, sizeof(*qs));
	if ((rc = impact__query_ll(h, "SELECT count(*) FROM questions;", &n)) != 0
	    || (rc = impact__query_ll(h, "SELECT coalesce(max(id), 0) FROM questions;",
	                      &qs->max_id)) != 0)
		return rc;
	qs->n = (size_t)n;
	qs->index_of_id = malloc(((size_t)qs->max_id + 1) * sizeof(long));
	qs->id = malloc((qs->n + 1) * sizeof(*qs->id));
	qs->q = malloc((qs->n + 1) * sizeof(*qs->q));
	if (!qs->index_of_id || !qs->id || !qs->q) {
		questions_release(qs);
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	}
	for (i = 0; i <= (size_t)qs->max_id; i++)
		qs->index_of_id[i] = -1;
	if ((rc = impact__prepare(h, &st, "SELECT id, min, max,"
	                          " domain IS NOT NULL AND min IS NOT NULL"
	                          " AND max IS NOT NULL FROM questions"
	                          " ORDER BY id;")) != 0) {
		questions_release(qs);
		return rc;
	}
	for (i = 0; i < qs->n && sqlite3_step(st) == SQLITE_ROW; i++) {
		qs->id[i] = sqlite3_column_int64(st, 0);
		qs->index_of_id[qs->id[i]] = (long)i;
		qs->q[i].min = sqlite3_column_double(st, 1);
		qs->q[i].max = sqlite3_column_double(st, 2);
		qs->q[i].in_score = sqlite3_column_int(st, 3);
	}
	sqlite3_finalize(st);
	return IMPACT_OK;
}

static int accs_alloc(impact *h, struct accs *a, size_t units, size_t nq)
{
	memset(a, 0, sizeof(*a));
	a->question = calloc(units * nq + 1, sizeof(*a->question));
	a->score = calloc(units, sizeof(*a->score));
	a->respondents = calloc(units, sizeof(*a->respondents));
	a->activities = calloc(units, sizeof(*a->activities));
	a->participants = calloc(units, sizeof(*a->participants));
	a->hours = calloc(units, sizeof(*a->hours));
	if (!a->question || !a->score || !a->respondents || !a->activities
	    || !a->participants || !a->hours) {
		accs_release(a);
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	}
	return IMPACT_OK;
}

static void accs_zero(struct accs *a, size_t units, size_t nq)
{
	memset(a->question, 0, (units * nq + 1) * sizeof(*a->question));
	memset(a->score, 0, units * sizeof(*a->score));
	memset(a->respondents, 0, units * sizeof(*a->respondents));
	memset(a->activities, 0, units * sizeof(*a->activities));
	memset(a->participants, 0, units * sizeof(*a->participants));
	memset(a->hours, 0, units * sizeof(*a->hours));
}

/* Add a finished respondent's score to its units. */
static void add_score(const struct impact__tree *t, struct accs *a, const long *c,
                      double sum, size_t n)
{
	size_t u;

	if (!c || n == 0)
		return;
	for (u = 0; u < t->depth && c[u] >= 0; u++)
		impact__acc_add(&a->score[c[u]], 100.0 * sum / (double)n);
}

/* A period's accumulation, answer by answer: the respondent whose
 * answers come (by respondent id), its chain of units and its score so
 * far. */
struct period_acc {
	const struct impact__tree *t;
	const struct questions *qs;
	struct accs *a;
	long long cur;
	const long *chain;
	double sum;
	size_t n;
};

static void acc_begin(struct period_acc *pc)
{
	pc->cur = -1;
	pc->chain = NULL;
	pc->sum = 0;
	pc->n = 0;
}

/* One answer with a value (respondent rid of place `place`). */
static void acc_answer(struct period_acc *pc, long long rid,
                       long long place, long long qid, double v)
{
	const struct impact__tree *t = pc->t;
	const struct questions *qs = pc->qs;
	long qi;
	size_t u;

	if (rid != pc->cur) {
		add_score(t, pc->a, pc->chain, pc->sum, pc->n);
		pc->cur = rid;
		pc->chain = impact__chain_of(t, place);
		pc->sum = 0;
		pc->n = 0;
	}
	if (!pc->chain || qid > qs->max_id || qid < 0
	    || (qi = qs->index_of_id[qid]) < 0)
		return;
	for (u = 0; u < t->depth && pc->chain[u] >= 0; u++)
		impact__acc_add(&pc->a->question[(size_t)pc->chain[u] * qs->n
		                                 + (size_t)qi], v);
	if (qs->q[qi].in_score) {
		pc->sum += (v - qs->q[qi].min) / (qs->q[qi].max - qs->q[qi].min);
		pc->n++;
	}
}

/* The last respondent's score. */
static void acc_end(struct period_acc *pc)
{
	add_score(pc->t, pc->a, pc->chain, pc->sum, pc->n);
	pc->chain = NULL;
	pc->n = 0;
}

/* Accumulate the answers of `period` into pc, read here. */
static int accumulate_answers(impact *h, struct period_acc *pc, int period)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if ((rc = impact__prepare(h, &st, "SELECT r.id, r.place_id,"
	                          " a.question_id, a.value FROM respondents r"
	                          " JOIN answers a ON a.respondent_id = r.id"
	                          " WHERE r.period = ?1 AND a.value IS NOT NULL"
	                          " ORDER BY r.id;")) != 0)
		return rc;
	sqlite3_bind_int(st, 1, period);
	acc_begin(pc);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		acc_answer(pc, sqlite3_column_int64(st, 0),
		           sqlite3_column_int64(st, 1),
		           sqlite3_column_int64(st, 2),
		           sqlite3_column_double(st, 3));
	acc_end(pc);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return impact__db_error(h, "reading answers");
	return IMPACT_OK;
}

/* Accumulate the respondents and activities of `period`. */
static int accumulate(impact *h, const struct impact__tree *t,
                      struct accs *a, int period)
{
	sqlite3_stmt *st = NULL;
	size_t u;
	int rc, step;

	if ((rc = impact__prepare(h, &st, "SELECT place_id, count(*)"
	                          " FROM respondents WHERE period = ?1"
	                          " GROUP BY place_id;")) != 0)
		return rc;
	sqlite3_bind_int(st, 1, period);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const long *c = impact__chain_of(t, sqlite3_column_int64(st, 0));

		for (u = 0; c && u < t->depth && c[u] >= 0; u++)
			a->respondents[c[u]] += sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (step != SQLITE_DONE)
		return impact__db_error(h, "counting respondents");
	if ((rc = impact__prepare(h, &st, "SELECT place_id, count(*),"
	                          " sum(participants), sum(participants * hours)"
	                          " FROM activities NOT INDEXED WHERE period = ?1"
	                          " GROUP BY place_id;")) != 0)
		return rc;
	sqlite3_bind_int(st, 1, period);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const long *c = impact__chain_of(t, sqlite3_column_int64(st, 0));

		for (u = 0; c && u < t->depth && c[u] >= 0; u++) {
			a->activities[c[u]] += sqlite3_column_int64(st, 1);
			a->participants[c[u]] += sqlite3_column_double(st, 2);
			a->hours[c[u]] += sqlite3_column_double(st, 3);
		}
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return impact__db_error(h, "reading activities");
	return IMPACT_OK;
}

/* The statement that writes one result, and what is shared by all rows. */
struct writer {
	sqlite3_stmt *st;
	const struct impact__tree *t;
	int period;
	const char *now;
	size_t rows;
};

/* Write one result row for `unit`. */
static int put(impact *h, struct writer *w, size_t unit, const char *measure,
               long long question_id, double value, long long n,
               double lo, double hi)
{
	sqlite3_stmt *st = w->st;
	int is_place = unit < w->t->nplaces;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int(st, 1, w->period);
	sqlite3_bind_int64(st, is_place ? 2 : 3, w->t->unit_id[unit]);
	sqlite3_bind_text(st, 4, measure, -1, SQLITE_STATIC);
	if (question_id)
		sqlite3_bind_int64(st, 5, question_id);
	sqlite3_bind_double(st, 6, value);
	sqlite3_bind_int64(st, 7, n);
	if (!isnan(lo)) {
		sqlite3_bind_double(st, 8, lo);
		sqlite3_bind_double(st, 9, hi);
	}
	sqlite3_bind_text(st, 10, w->now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return impact__db_error(h, "storing a result");
	w->rows++;
	return IMPACT_OK;
}

/* Write every result of one period; counts units with results. */
static int write_period(impact *h, struct writer *w,
                        const struct questions *qs, const struct accs *a,
                        size_t *units)
{
	size_t nunits = w->t->nplaces + w->t->nterr, u, q;
	double lo, hi;
	int rc;

	for (u = 0; u < nunits; u++) {
		if (a->respondents[u] == 0 && a->activities[u] == 0)
			continue;
		(*units)++;
		if (a->respondents[u] > 0) {
			rc = put(h, w, u, IMPACT_MEASURE_RESPONDENTS, 0,
			         (double)a->respondents[u], a->respondents[u],
			         NAN, NAN);
			if (rc != IMPACT_OK)
				return rc;
		}
		if (a->score[u].n > 0) {
			impact__acc_ci(&a->score[u], LEVEL, &lo, &hi);
			rc = put(h, w, u, IMPACT_MEASURE_SCORE, 0, a->score[u].mean,
			         (long long)a->score[u].n, lo, hi);
			if (rc != IMPACT_OK)
				return rc;
		}
		for (q = 0; q < qs->n; q++) {
			const impact_acc *acc = &a->question[u * qs->n + q];

			if (acc->n == 0)
				continue;
			impact__acc_ci(acc, LEVEL, &lo, &hi);
			rc = put(h, w, u, IMPACT_MEASURE_QUESTION, qs->id[q],
			         acc->mean, (long long)acc->n, lo, hi);
			if (rc != IMPACT_OK)
				return rc;
		}
		if (a->activities[u] > 0) {
			if ((rc = put(h, w, u, IMPACT_MEASURE_ACTIVITIES, 0,
			              (double)a->activities[u], a->activities[u],
			              NAN, NAN)) != IMPACT_OK
			    || (rc = put(h, w, u, IMPACT_MEASURE_PARTICIPANTS, 0,
			                 a->participants[u], a->activities[u], NAN,
			                 NAN)) != IMPACT_OK
			    || (rc = put(h, w, u, IMPACT_MEASURE_HOURS, 0, a->hours[u],
			                 a->activities[u], NAN, NAN)) != IMPACT_OK)
				return rc;
		}
	}
	return IMPACT_OK;
}

/* Each period's results, written as the indicator engine gives its
 * answers (struct impact__answers_tap). */
struct results_tap {
	impact *h;
	struct period_acc pc;
	struct writer *w;
	size_t nunits;             /* places + territories + 1 */
	size_t *units;             /* units written, for the summary */
	size_t done, np;           /* periods done, of np: the progress */
};

static void results_begin(void *ctx, int period)
{
	struct results_tap *rt = ctx;

	(void)period;
	impact__progress(rt->h, "compute", rt->done, rt->np);
	accs_zero(rt->pc.a, rt->nunits, rt->pc.qs->n);
	acc_begin(&rt->pc);
}

static void results_row(void *ctx, long long rid, long long place,
                        long long qid, double value)
{
	acc_answer(&((struct results_tap *)ctx)->pc, rid, place, qid, value);
}

static int results_end(void *ctx, int period, int fed)
{
	struct results_tap *rt = ctx;
	int rc;

	if (fed)
		acc_end(&rt->pc);
	else if ((rc = accumulate_answers(rt->h, &rt->pc, period))
	         != IMPACT_OK)
		return rc;
	if ((rc = accumulate(rt->h, rt->pc.t, rt->pc.a, period)) != IMPACT_OK)
		return rc;
	rt->w->period = period;
	if ((rc = write_period(rt->h, rt->w, rt->pc.qs, rt->pc.a, rt->units))
	    != IMPACT_OK)
		return rc;
	if (++rt->done == rt->np)
		impact__progress(rt->h, "compute", rt->np, rt->np);
	return IMPACT_OK;
}

/* The periods to compute: opts->period, or every period in the data. */
static int periods_load(impact *h, int only, int **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, step;

	*out = NULL;
	*n = 0;
	/* Each place's periods by their indexes (place_id, period), one seek
	 * a period, instead of reading every respondent and activity. */
	if ((rc = impact__prepare(h, &st, "WITH RECURSIVE"
	                          " r(place, p) AS (SELECT id, (SELECT"
	                          " min(period) FROM respondents WHERE"
	                          " place_id = places.id) FROM places UNION ALL"
	                          " SELECT place, (SELECT min(period) FROM"
	                          " respondents WHERE place_id = r.place AND"
	                          " period > r.p) FROM r WHERE p IS NOT NULL),"
	                          " a(place, p) AS (SELECT id, (SELECT"
	                          " min(period) FROM activities WHERE"
	                          " place_id = places.id) FROM places UNION ALL"
	                          " SELECT place, (SELECT min(period) FROM"
	                          " activities WHERE place_id = a.place AND"
	                          " period > a.p) FROM a WHERE p IS NOT NULL)"
	                          " SELECT p FROM r WHERE p IS NOT NULL UNION"
	                          " SELECT p FROM a WHERE p IS NOT NULL"
	                          " ORDER BY 1;")) != 0)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int p = sqlite3_column_int(st, 0);

		if (only && p != only)
			continue;
		if (*n == cap) {
			int *q;

			cap = cap ? 2 * cap : 8;
			q = realloc(*out, cap * sizeof(*q));
			if (!q) {
				sqlite3_finalize(st);
				free(*out);
				*out = NULL;
				return impact__error(h, IMPACT_ENOMEM, "out of memory");
			}
			*out = q;
		}
		(*out)[(*n)++] = p;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		return impact__db_error(h, "listing periods");
	}
	return IMPACT_OK;
}

int impact_compute(impact *h, const impact_compute_opts *opts,
                   impact_compute_summary *out)
{
	impact_compute_opts defaults = IMPACT_COMPUTE_OPTS_INIT;
	impact_compute_summary dummy;
	struct impact__tree t = { 0 };
	struct questions qs = { 0 };
	struct accs a = { 0 };
	struct writer w = { 0 };
	struct results_tap rt = { 0 };
	struct impact__answers_tap tap;
	sqlite3_stmt *del = NULL;
	int *periods = NULL, rc, in_tx = 0, have_tree = 0, have_q = 0;
	size_t np = 0, i;
	char now[32];

	assert(h);
	impact__clear_error(h);
	if (!opts)
		opts = &defaults;
	if (!out)
		out = &dummy;
	memset(out, 0, sizeof(*out));
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (opts->period < 0 || opts->period > 9999)
		return impact__error(h, IMPACT_EUSAGE, "invalid period %d: "
		                     "expected a year such as 2024", opts->period);
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		return rc;
	in_tx = 1;
	if ((rc = periods_load(h, opts->period, &periods, &np)) != IMPACT_OK)
		goto done;
	if (opts->period && np == 0) {
		rc = impact__error(h, IMPACT_ENOTFOUND, "no answers nor activities "
		                   "for period %d: import them first",
		                   opts->period);
		goto done;
	}
	if ((rc = impact__tree_load(h, &t)) != IMPACT_OK)
		goto done;
	have_tree = 1;
	if ((rc = questions_load(h, &qs)) != IMPACT_OK)
		goto done;
	have_q = 1;
	if ((rc = accs_alloc(h, &a, t.nplaces + t.nterr + 1, qs.n)) != 0)
		goto done;
	impact__utc_now(now, sizeof(now));
	w.t = &t;
	w.now = now;
	if ((rc = impact__prepare(h, &w.st, "INSERT INTO results (period,"
	                          " place_id, territory_id, measure, question_id,"
	                          " value, n, ci_low, ci_high, computed_at)"
	                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	                          " ?10);")) != 0
	    || (rc = impact__prepare(h, &del, "DELETE FROM results"
	                             " WHERE period = ?1;")) != 0)
		goto done;
	for (i = 0; i < np; i++) {
		sqlite3_reset(del);
		sqlite3_bind_int(del, 1, periods[i]);
		if (sqlite3_step(del) != SQLITE_DONE) {
			rc = impact__db_error(h, "clearing old results");
			goto done;
		}
	}
	/* Each period's results as the indicator engine reads its answers
	 * (one scan for both), before its indicators. */
	rt.h = h;
	rt.pc.t = &t;
	rt.pc.qs = &qs;
	rt.pc.a = &a;
	rt.w = &w;
	rt.nunits = t.nplaces + t.nterr + 1;
	rt.units = &out->units;
	rt.np = np;
	tap.ctx = &rt;
	tap.begin = results_begin;
	tap.row = results_row;
	tap.end = results_end;
	if ((rc = impact__indicators_compute(h, periods, np, now,
	                                     &out->indicator_results,
	                                     &out->suppressed, &tap))
	    != IMPACT_OK)
		goto done;
	out->periods = np;
	out->results = w.rows;
	rc = IMPACT_OK;
done:
	sqlite3_finalize(w.st);
	sqlite3_finalize(del);
	if (in_tx)
		rc = impact__end_tx(h, rc);
	accs_release(&a);
	if (have_q)
		questions_release(&qs);
	if (have_tree)
		impact__tree_release(&t);
	free(periods);
	return rc;
}
