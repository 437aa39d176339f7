/*
 * Unit tests of the indicator engine (indicators/engine.c) on a dataset
 * small enough to compute every value by hand.  Definitions are stored
 * with SQL, so these tests do not depend on the library loader.
 *
 * Tree: R > A > P1, R > B > P2.  Period 2024:
 *   P1: r1 sat 8, yes, lien 4, comp a+b, km 10, days 4, jeune
 *       r2 sat 6, no,  lien 3, comp a,   km 2,  days 10, vieux
 *       r3 sat 4, yes, lien 1, (no comp), (no km), jeune
 *       r4 sat 10, yes, lien 2, comp c,  km 5,  days 2, vieux
 *       r5 sat 7, no,  lien 4, comp a+b+c, km 0, days 20, jeune
 *   P2: s1 sat 5, yes, lien 3, comp b,   km 20, days 1, vieux
 *       s2 sat 10, yes, lien 4, comp a,  km 8,  days 5, jeune
 * Period 2023, P1 only: sat 5, 6, 5, 4, 5; yes, no, no, no, no.
 * Activities 2024: P1 a1 atelier 8 people 2 h free, 3 new, publics
 * jeunes+familles, co-organised with P2; a2 evenement 20 people 1.5 h
 * paid, 10 new, familles.  P2 a3 repair 5 people 3 h free, publics seniors.
 * Facts 2024: P1 emplois_etp 2, budget_eur 100000; P2 1 and 50000.
 * Expected values are worked out beside each test.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "helpers.h"
#include "../../engine/context.h"
#include "../../indicators/engine.h"

static const char *dir;
static impact *h;

static void sql(const char *s)
{
	char *err = NULL;

	cr_assert_eq(sqlite3_exec(h->db, s, NULL, NULL, &err), SQLITE_OK,
	             "%s", err ? err : "");
}

/* Store indicator `code` with definition `json` and min_n. */
static void indicator(const char *code, int min_n, const char *json)
{
	sqlite3_stmt *st = NULL;

	cr_assert_eq(sqlite3_prepare_v2(h->db, "INSERT INTO indicators"
	             " (library_id, code, position, label_fr, description_fr,"
	             " domain, source, kind, min_n, definition) VALUES (1, ?1,"
	             " (SELECT count(*) FROM indicators), ?1, 'd', 'x',"
	             " json_extract(?3, '$.source'), json_extract(?3, '$.kind'),"
	             " ?2, ?3);", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, min_n);
	sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(h->db));
	sqlite3_finalize(st);
}

/* One respondent with its answers (NAN or NULL for none). */
static void respondent(int id, int place, int period, double sat,
                       int yes, const char *lien, const char *comp,
                       double km, double days, const char *age)
{
	char q[1024];
	const char *c;

	snprintf(q, sizeof(q), "INSERT INTO respondents (id, survey_id,"
	         " import_id, key, place_id, period) VALUES (%d, 1, 1, 'k%d',"
	         " %d, %d);", id, id, place, period);
	sql(q);
	snprintf(q, sizeof(q), "INSERT INTO answers (respondent_id,"
	         " question_id, value) VALUES (%d, 1, %g);", id, sat);
	sql(q);
	snprintf(q, sizeof(q), "INSERT INTO answers (respondent_id,"
	         " question_id, value) VALUES (%d, 2, %d);", id, yes);
	sql(q);
	if (lien) {
		snprintf(q, sizeof(q), "INSERT INTO answers (respondent_id,"
		         " question_id, value, choice_id) SELECT %d, 3, value, id"
		         " FROM choices WHERE question_id = 3 AND code = '%s';",
		         id, lien);
		sql(q);
	}
	if (comp) {
		snprintf(q, sizeof(q), "INSERT INTO answers (respondent_id,"
		         " question_id, value) VALUES (%d, 4, %zu);", id,
		         strlen(comp));
		sql(q);
		for (c = comp; *c; c++) {
			snprintf(q, sizeof(q), "INSERT INTO answer_choices"
			         " (respondent_id, question_id, choice_id) SELECT %d,"
			         " 4, id FROM choices WHERE question_id = 4 AND"
			         " code = '%c';", id, *c);
			sql(q);
		}
	}
	if (!isnan(km)) {
		snprintf(q, sizeof(q), "INSERT INTO answers (respondent_id,"
		         " question_id, value) VALUES (%d, 5, %g), (%d, 6, %g);",
		         id, km, id, days);
		sql(q);
	}
	if (age) {
		snprintf(q, sizeof(q), "INSERT INTO answers (respondent_id,"
		         " question_id, choice_id) SELECT %d, 7, id FROM choices"
		         " WHERE question_id = 7 AND code = '%s';", id, age);
		sql(q);
	}
}

static void setup(void)
{
	dir = t_tmpdir();
	h = t_open_new_db(dir);
	sql("INSERT INTO territories VALUES (1, 'R', 'R', NULL),"
	    " (2, 'A', 'A', 1), (3, 'B', 'B', 1);"
	    "INSERT INTO places (id, code, name, territory_id) VALUES"
	    " (1, 'P1', 'Lieu un', 2), (2, 'P2', 'Lieu deux', 3);"
	    "INSERT INTO surveys VALUES (1, 's', 'S', NULL, '{}', 'now');"
	    "INSERT INTO imports (id, kind, file_name, sha256, rows_read,"
	    " rows_loaded, rows_rejected, imported_at) VALUES"
	    " (1, 'answers', 'f', 'x', 0, 0, 0, 'now');"
	    "INSERT INTO questions (id, survey_id, code, position, label_fr,"
	    " kind, min, max, role) VALUES"
	    " (1, 1, 'sat', 1, 'sat', 'rating', 0, 10, NULL),"
	    " (2, 1, 'yes', 2, 'yes', 'yesno', 0, 1, NULL),"
	    " (3, 1, 'lien', 3, 'lien', 'single', 1, 4, NULL),"
	    " (4, 1, 'comp', 4, 'comp', 'multiple', NULL, NULL, NULL),"
	    " (5, 1, 'km', 5, 'km', 'number', NULL, NULL, NULL),"
	    " (6, 1, 'days', 6, 'days', 'number', NULL, NULL, NULL),"
	    " (7, 1, 'age', 7, 'age', 'single', NULL, NULL, 'age_band');"
	    "INSERT INTO choices (question_id, code, position, label_fr, value)"
	    " VALUES (3, '1', 1, 'un', 1), (3, '2', 2, 'deux', 2),"
	    " (3, '3', 3, 'trois', 3), (3, '4', 4, 'quatre', 4),"
	    " (4, 'a', 1, 'a', NULL), (4, 'b', 2, 'b', NULL),"
	    " (4, 'c', 3, 'c', NULL), (7, 'jeune', 1, 'j', NULL),"
	    " (7, 'vieux', 2, 'v', NULL);"
	    "INSERT INTO indicator_libraries VALUES (1, 'lib', 'Lib', NULL,"
	    " '{}', 'now');");
	respondent(1, 1, 2024, 8, 1, "4", "ab", 10, 4, "jeune");
	respondent(2, 1, 2024, 6, 0, "3", "a", 2, 10, "vieux");
	respondent(3, 1, 2024, 4, 1, "1", NULL, NAN, 0, "jeune");
	respondent(4, 1, 2024, 10, 1, "2", "c", 5, 2, "vieux");
	respondent(5, 1, 2024, 7, 0, "4", "abc", 0, 20, "jeune");
	respondent(6, 2, 2024, 5, 1, "3", "b", 20, 1, "vieux");
	respondent(7, 2, 2024, 10, 1, "4", "a", 8, 5, "jeune");
	respondent(11, 1, 2023, 5, 1, NULL, NULL, NAN, 0, NULL);
	respondent(12, 1, 2023, 6, 0, NULL, NULL, NAN, 0, NULL);
	respondent(13, 1, 2023, 5, 0, NULL, NULL, NAN, 0, NULL);
	respondent(14, 1, 2023, 4, 0, NULL, NULL, NAN, 0, NULL);
	respondent(15, 1, 2023, 5, 0, NULL, NULL, NAN, 0, NULL);
	sql("INSERT INTO imports (id, kind, file_name, sha256, rows_read,"
	    " rows_loaded, rows_rejected, imported_at) VALUES"
	    " (2, 'activities', 'g', 'y', 0, 0, 0, 'now');"
	    "INSERT INTO activities (id, import_id, place_id, date, period,"
	    " category, participants, hours, volunteers, new_participants,"
	    " free) VALUES"
	    " (1, 2, 1, '2024-03-01', 2024, 'atelier', 8, 2, 1, 3, 1),"
	    " (2, 2, 1, '2024-05-01', 2024, 'evenement', 20, 1.5, 0, 10, 0),"
	    " (3, 2, 2, '2024-06-30', 2024, 'repair', 5, 3, 2, NULL, 1);"
	    "INSERT INTO activity_publics VALUES (1, 'jeunes'), (1, 'familles'),"
	    " (2, 'familles'), (3, 'seniors');"
	    "INSERT INTO activity_partners VALUES (1, 2);"
	    "INSERT INTO place_facts (place_id, period, key, value) VALUES"
	    " (1, 2024, 'emplois_etp', 2), (1, 2024, 'budget_eur', 100000),"
	    " (2, 2024, 'emplois_etp', 1), (2, 2024, 'budget_eur', 50000);");
}

static void teardown(void)
{
	impact_free(h);
	t_rmtree(dir);
}

TestSuite(engine, .init = setup, .fini = teardown);

/* The stored result of indicator `code` for a unit and period. */
struct got {
	int found, suppressed, has_value, has_ci, has_previous, significant;
	double value, lo, hi, previous, change, p;
	long long n;
	char reason[32];
};

struct want {
	const char *code, *unit;
	int period;
	struct got g;
};

static int find_cb(void *payload, const impact_indicator_result *r)
{
	struct want *w = payload;

	if (strcmp(r->code, w->code) || strcmp(r->unit_code, w->unit)
	    || r->period != w->period)
		return 0;
	w->g.found++;
	w->g.suppressed = r->suppressed;
	w->g.has_value = r->has_value;
	w->g.value = r->value;
	w->g.n = r->n;
	w->g.has_ci = r->has_ci;
	w->g.lo = r->ci_low;
	w->g.hi = r->ci_high;
	w->g.has_previous = r->has_previous;
	w->g.previous = r->previous;
	w->g.change = r->change;
	w->g.significant = r->significant;
	w->g.p = r->p_value;
	snprintf(w->g.reason, sizeof(w->g.reason), "%s",
	         r->reason ? r->reason : "");
	return 0;
}

static struct got get(const char *code, const char *unit, int period)
{
	struct want w = { code, unit, period, { 0 } };

	cr_assert_eq(impact_indicator_results_each(h, NULL, find_cb, &w), 0);
	cr_assert_eq(w.g.found, 1, "%s %s %d found %d times", code, unit,
	             period, w.g.found);
	return w.g;
}

static void near(double got, double want, double tol, const char *what)
{
	cr_expect(fabs(got - want) <= tol * (fabs(want) > 1 ? fabs(want) : 1),
	          "%s = %.12g, want %.12g", what, got, want);
}

static void compute(void)
{
	impact_compute_summary s;

	cr_assert_eq(impact_compute(h, NULL, &s), 0, "%s", impact_errmsg(h));
	cr_expect(s.indicator_results > 0);
}

Test(engine, mean_pooled_not_averaged)
{
	struct got g;

	/* P1: 35/5 = 7; P2: 15/2 = 7.5; R pooled: 50/7 = 7.142857, not
	 * the mean of means 7.25. */
	indicator("sat", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	compute();
	g = get("sat", "P1", 2024);
	near(g.value, 7.0, 1e-12, "P1 mean");
	cr_expect_eq(g.n, 5);
	cr_expect(g.has_ci && g.lo <= 7.0 && g.hi >= 7.0 && g.lo < g.hi);
	g = get("sat", "R", 2024);
	near(g.value, 50.0 / 7, 1e-12, "R mean");
	cr_expect_eq(g.n, 7);
	g = get("sat", "B", 2024);
	near(g.value, 7.5, 1e-12, "B mean");
}

Test(engine, mean_change_welch)
{
	struct got g;

	/* P1 2024 {8,6,4,10,7}: mean 7, s² 5; 2023 {5,6,5,4,5}: mean 5,
	 * s² 0.5.  Welch: t = 2/sqrt(1.1) = 1.906925, df = 4.792079,
	 * p = 0.1173465 (numeric integration of the t density). */
	indicator("sat", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	compute();
	g = get("sat", "P1", 2024);
	cr_expect(g.has_previous);
	near(g.previous, 5.0, 1e-12, "previous");
	near(g.change, 2.0, 1e-12, "change");
	near(g.p, 0.1173465, 1e-6, "Welch p");
	cr_expect_eq(g.significant, 0);
	g = get("sat", "P1", 2023);
	cr_expect_eq(g.has_previous, 0);
}

static void compute_period(int period)
{
	impact_compute_opts o = IMPACT_COMPUTE_OPTS_INIT;

	o.period = period;
	cr_assert_eq(impact_compute(h, &o, NULL), 0, "%s", impact_errmsg(h));
}

/* P1's 2024 change as mean_change_welch works it out by hand. */
static void expect_welch_change(const char *when)
{
	struct got g = get("sat", "P1", 2024);

	cr_expect(g.has_previous, "%s: no previous", when);
	near(g.previous, 5.0, 1e-12, when);
	near(g.change, 2.0, 1e-12, when);
	near(g.p, 0.1173465, 1e-6, when);
	cr_expect_eq(get("sat", "P1", 2023).has_previous, 0, "%s", when);
}

Test(engine, change_whichever_periods_are_computed)
{
	/* The change is written with the row when the previous period is
	 * computed in the same run or already stored, and set afterwards on
	 * a later stored period when an earlier one is computed again. */
	indicator("sat", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	compute();
	expect_welch_change("both periods");
	compute_period(2024);
	expect_welch_change("2024 alone, 2023 stored");
	compute_period(2023);
	expect_welch_change("2023 alone, 2024 stored");
	/* 2023's answers changed: 2024's change follows. {5,6,5,4,10}:
	 * mean 6, so previous 6 and change 1. */
	sql("UPDATE answers SET value = 10 WHERE respondent_id = 15"
	    " AND question_id = 1;");
	compute_period(2023);
	near(get("sat", "P1", 2024).previous, 6.0, 1e-12, "previous, redone");
	near(get("sat", "P1", 2024).change, 1.0, 1e-12, "change, redone");
}

Test(engine, share_wilson_and_two_proportions)
{
	struct got g;

	/* P1 2024 yes: 3/5 = 60%, Wilson [23.07243, 88.23792]; 2023: 1/5.
	 * Two proportions 3/5 vs 1/5: z = 1.290994, p = 0.1967056. */
	indicator("yes", 1, "{\"source\":\"answers\",\"kind\":\"share\","
	          "\"of\":\"yes\",\"condition\":{\"yes\":true},"
	          "\"multiply\":100}");
	compute();
	g = get("yes", "P1", 2024);
	near(g.value, 60.0, 1e-12, "share");
	near(g.lo, 23.07242812760128, 1e-9, "Wilson low");
	near(g.hi, 88.2379225767352, 1e-9, "Wilson high");
	near(g.change, 40.0, 1e-12, "change");
	near(g.p, 0.19670560245894692, 1e-9, "two-proportion p");
	g = get("yes", "R", 2024);
	near(g.value, 500.0 / 7, 1e-12, "R share 5/7");
	near(g.lo, 35.893445183261935, 1e-9, "R Wilson low");
	near(g.hi, 91.77810759959433, 1e-9, "R Wilson high");
}

Test(engine, share_by_choices_and_at_least)
{
	/* lien 3 or 4: P1 r1, r2, r5 = 3/5; R adds s1, s2: 5/7. */
	indicator("c34", 1, "{\"source\":\"answers\",\"kind\":\"share\","
	          "\"of\":\"lien\",\"condition\":{\"choices\":[\"3\",\"4\"]}}");
	indicator("v3", 1, "{\"source\":\"answers\",\"kind\":\"share\","
	          "\"of\":\"lien\",\"condition\":{\"at_least\":3}}");
	compute();
	near(get("c34", "P1", 2024).value, 0.6, 1e-12, "choices");
	near(get("v3", "P1", 2024).value, 0.6, 1e-12, "at_least");
	near(get("c34", "R", 2024).value, 5.0 / 7, 1e-12, "R choices");
}

Test(engine, group_filter)
{
	/* jeune in P1: r1 yes, r3 yes, r5 no: 2/3. */
	indicator("yj", 1, "{\"source\":\"answers\",\"kind\":\"share\","
	          "\"of\":\"yes\",\"condition\":{\"yes\":true},\"filter\":"
	          "{\"group\":{\"role\":\"age_band\",\"choices\":[\"jeune\"]}}}");
	compute();
	near(get("yj", "P1", 2024).value, 2.0 / 3, 1e-12, "group share");
	cr_expect_eq(get("yj", "P1", 2024).n, 3);
}

Test(engine, sum_with_times_and_multiply)
{
	struct got g;

	/* km × days × 24: P1 (10·4 + 2·10 + 5·2 + 0·20) · 24 = 1680, n 4
	 * (r3 has no km); R adds 20·1 + 8·5 = 60: 130 · 24 = 3120. */
	indicator("km", 1, "{\"source\":\"answers\",\"kind\":\"sum\","
	          "\"of\":\"km\",\"times\":\"days\",\"multiply\":24}");
	compute();
	g = get("km", "P1", 2024);
	near(g.value, 1680, 1e-12, "P1 sum");
	cr_expect_eq(g.n, 4);
	cr_expect_eq(g.has_ci, 0);
	near(get("km", "R", 2024).value, 3120, 1e-12, "R sum");
}

Test(engine, ratio_of_sums)
{
	/* sum km / count answering km: P1 17/4 = 4.25; R 45/6 = 7.5. */
	indicator("kmr", 1, "{\"source\":\"answers\",\"kind\":\"ratio\","
	          "\"numerator\":{\"kind\":\"sum\",\"of\":\"km\"},"
	          "\"denominator\":{\"kind\":\"count\",\"of\":\"km\"}}");
	compute();
	near(get("kmr", "P1", 2024).value, 4.25, 1e-12, "P1 ratio");
	near(get("kmr", "R", 2024).value, 7.5, 1e-12, "R ratio");
}

Test(engine, diversity_of_a_multiple_choice)
{
	/* P1 picks: a 3, b 2, c 2 of 3 possible: H / ln 3 = 0.9821410. */
	indicator("div", 1, "{\"source\":\"answers\",\"kind\":\"diversity\","
	          "\"of\":\"comp\"}");
	compute();
	near(get("div", "P1", 2024).value, 0.9821410328348751, 1e-9,
	     "evenness");
	cr_expect_eq(get("div", "P1", 2024).n, 4);
}

Test(engine, activities_kinds)
{
	/* count: P1 2, R 3; free share: P1 1/2, R 2/3; new / participants:
	 * P1 13/28, R 13/33 (a3 gives none); distinct publics: P1 2, R 3;
	 * co-organised (partners >= 1): P1 1/2; trainee-hours (atelier):
	 * 8 · 2 = 16. */
	indicator("n", 5, "{\"source\":\"activities\",\"kind\":\"count\"}");
	indicator("free", 5, "{\"source\":\"activities\",\"kind\":\"share\","
	          "\"of\":\"free\",\"condition\":{\"yes\":true}}");
	indicator("new", 5, "{\"source\":\"activities\",\"kind\":\"ratio\","
	          "\"numerator\":{\"kind\":\"sum\",\"of\":\"new_participants\"},"
	          "\"denominator\":{\"kind\":\"sum\",\"of\":\"participants\"}}");
	indicator("pub", 5, "{\"source\":\"activities\",\"kind\":\"distinct\","
	          "\"of\":\"publics\"}");
	indicator("coop", 5, "{\"source\":\"activities\",\"kind\":\"share\","
	          "\"of\":\"partners\",\"condition\":{\"at_least\":1}}");
	indicator("th", 5, "{\"source\":\"activities\",\"kind\":\"sum\","
	          "\"of\":\"participant_hours\",\"filter\":{\"categories\":"
	          "[\"atelier\"]}}");
	compute();
	near(get("n", "P1", 2024).value, 2, 0, "count");
	near(get("n", "R", 2024).value, 3, 0, "R count");
	cr_expect_eq(get("n", "P2", 2024).suppressed, 0);  /* not people */
	near(get("free", "P1", 2024).value, 0.5, 1e-12, "free");
	near(get("free", "R", 2024).value, 2.0 / 3, 1e-12, "R free");
	near(get("new", "P1", 2024).value, 13.0 / 28, 1e-12, "new");
	near(get("new", "R", 2024).value, 13.0 / 33, 1e-12, "R new");
	near(get("pub", "P1", 2024).value, 2, 0, "publics");
	near(get("pub", "R", 2024).value, 3, 0, "R publics");
	near(get("coop", "P1", 2024).value, 0.5, 1e-12, "coop");
	near(get("th", "P1", 2024).value, 16, 1e-12, "trainee-hours");
	near(get("th", "R", 2024).value, 16, 1e-12, "R trainee-hours");
}

/* Categories of activities: with a2 also co-organised with P2 and a3
 * (P2's) with P1, the distinct partner places are P1 {P2}: 1, P2 {P1}:
 * 1, R {P1, P2}: 2; the distinct categories P1 {atelier, evenement}: 2,
 * R 3; the diversity of publics in P1 (jeunes 1, familles 2, of the 3
 * seen) is -(1/3 ln 1/3 + 2/3 ln 2/3) / ln 3 = 0.5793802. */
Test(engine, activities_categories)
{
	sql("INSERT INTO activity_partners VALUES (2, 2), (3, 1);");
	indicator("partners", 1, "{\"source\":\"activities\",\"kind\":"
	          "\"distinct\",\"of\":\"partner_places\"}");
	indicator("cats", 1, "{\"source\":\"activities\",\"kind\":"
	          "\"distinct\",\"of\":\"category\"}");
	indicator("pubdiv", 1, "{\"source\":\"activities\",\"kind\":"
	          "\"diversity\",\"of\":\"publics\"}");
	compute();
	near(get("partners", "P1", 2024).value, 1, 0, "P1 partners");
	near(get("partners", "P2", 2024).value, 1, 0, "P2 partners");
	near(get("partners", "R", 2024).value, 2, 0, "R partners");
	near(get("cats", "P1", 2024).value, 2, 0, "P1 categories");
	near(get("cats", "R", 2024).value, 3, 0, "R categories");
	near(get("pubdiv", "P1", 2024).value, 0.5793801642856950, 1e-12,
	     "P1 diversity of publics");
}

/*
 * The compute thread on one period's last group of activities while the
 * main thread reads the next period's first: it waits 100 ms before each
 * group (impact__pipe_delay_ms), and there are no indicators on answers,
 * so no group of answers comes between.  The main thread once read the
 * next group into the buffer the compute thread was on (AddressSanitizer
 * reported the use after free).  Categories by hand: P1 {atelier} in
 * 2023, {atelier, evenement} in 2024; R {atelier, repair} in 2023,
 * {atelier, evenement, repair} in 2024.
 */
Test(engine, next_period_read_while_one_is_computed)
{
	sql("INSERT INTO activities (id, import_id, place_id, date, period,"
	    " category, participants, hours, volunteers, new_participants,"
	    " free) VALUES (4, 2, 1, '2023-04-01', 2023, 'atelier', 6, 2, 1,"
	    " 2, 1), (5, 2, 2, '2023-05-01', 2023, 'repair', 3, 1, 1, 1, 1);");
	indicator("cats", 1, "{\"source\":\"activities\",\"kind\":"
	          "\"distinct\",\"of\":\"category\"}");
	setenv("IMPACT_THREADS", "2", 1);
	impact__pipe_delay_ms = 100;
	compute();
	impact__pipe_delay_ms = 0;
	unsetenv("IMPACT_THREADS");
	near(get("cats", "P1", 2023).value, 1, 0, "P1 2023");
	near(get("cats", "R", 2023).value, 2, 0, "R 2023");
	near(get("cats", "P1", 2024).value, 2, 0, "P1 2024");
	near(get("cats", "R", 2024).value, 3, 0, "R 2024");
}

Test(engine, facts_and_dominance)
{
	struct got g;

	/* Jobs: P1 2, R 3.  Budget (money): fewer than 3 places, so P1,
	 * P2 and R are all suppressed (dominance). */
	indicator("jobs", 5, "{\"source\":\"facts\",\"kind\":\"sum\","
	          "\"of\":\"emplois_etp\"}");
	indicator("budget", 5, "{\"source\":\"facts\",\"kind\":\"sum\","
	          "\"of\":\"budget_eur\"}");
	compute();
	near(get("jobs", "P1", 2024).value, 2, 0, "jobs");
	near(get("jobs", "R", 2024).value, 3, 0, "R jobs");
	g = get("budget", "R", 2024);
	cr_expect_eq(g.suppressed, 1);
	cr_expect_str_eq(g.reason, "dominance");
	cr_expect_eq(g.has_value, 0);
}

Test(engine, primary_and_secondary_suppression)
{
	struct got g;

	/* min_n 5: P2 (n 2) and B (n 2) are suppressed; R's children are
	 * A (n 5, published) and B (suppressed): A is suppressed too, or
	 * R - A would give B.  R (n 7) stays published. */
	indicator("sat", 5, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	compute();
	g = get("sat", "P2", 2024);
	cr_expect_eq(g.suppressed, 1);
	cr_expect_str_eq(g.reason, "n < 5");
	cr_expect_eq(g.has_value, 0);
	cr_expect_eq(g.has_ci, 0);
	cr_expect_str_eq(get("sat", "B", 2024).reason, "n < 5");
	g = get("sat", "A", 2024);
	cr_expect_eq(g.suppressed, 1);
	cr_expect_str_eq(g.reason, "secondary");
	cr_expect_eq(get("sat", "R", 2024).suppressed, 0);
	cr_expect_eq(get("sat", "P1", 2024).suppressed, 0);
}

Test(engine, same_data_same_bits)
{
	struct got a, b;

	indicator("sat", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	compute();
	a = get("sat", "R", 2024);
	compute();
	b = get("sat", "R", 2024);
	cr_expect(memcmp(&a.lo, &b.lo, sizeof(double)) == 0
	          && memcmp(&a.hi, &b.hi, sizeof(double)) == 0,
	          "bootstrap bounds differ between runs");
}

/* Period 2025: respondents whose answer to sat is given, from id. */
static void sat_answers(int id, int place, const double *sat, size_t n)
{
	size_t i;

	sql("BEGIN;");
	for (i = 0; i < n; i++)
		respondent(id + (int)i, place, 2025, sat[i], 1, NULL, NULL, NAN,
		           0, NULL);
	sql("COMMIT;");
}

Test(engine, mean_interval_is_stratified_by_place)
{
	static const double p1[] = { 8, 8, 8, 8, 8 }, p2[] = { 4, 4, 4 };
	struct got g;

	/* Every place's answers are alike: each place's resamples are that
	 * place again, so a territory's replicates are all its pooled mean,
	 * R = (5 * 8 + 3 * 4) / 8 = 6.5, and its interval is [6.5, 6.5]
	 * (resampling R's eight answers together would give 4..8). */
	sat_answers(100, 1, p1, 5);
	sat_answers(200, 2, p2, 3);
	indicator("sat", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	compute();
	g = get("sat", "R", 2025);
	near(g.value, 6.5, 1e-12, "R mean");
	cr_expect(g.has_ci);
	near(g.lo, 6.5, 1e-12, "R low");
	near(g.hi, 6.5, 1e-12, "R high");
	g = get("sat", "B", 2025);
	near(g.lo, 4, 1e-12, "B low");
	near(g.hi, 4, 1e-12, "B high");
}

/*
 * With hundreds of answers, the percentile bootstrap's interval is close
 * to the normal one from the variance of a stratified mean (Cochran
 * 1977, 5.3, with each place's variance divided by its n, as the
 * bootstrap's plug-in does): mean +- 1.959964 sqrt(sum_h (n_h / N)^2
 * s_h^2 / n_h).  Tolerance: 8% of the half-width (the 2.5% and 97.5%
 * quantiles of 1,000 replicates vary by about 3% of it).
 */
Test(engine, mean_interval_agrees_with_stratified_normal_interval)
{
	double a[594], b[300], sa = 0, sb = 0, va = 0, vb = 0, ma, mb, m, v,
	       half;
	size_t i, na = 594, nb = 300;
	struct got g;

	for (i = 0; i < na; i++) {
		a[i] = (double)(i % 11);            /* 0..10, uniform */
		sa += a[i];
	}
	for (i = 0; i < nb; i++) {
		b[i] = (double)(6 + (i * 7) % 5);   /* 6..10, uniform */
		sb += b[i];
	}
	ma = sa / (double)na;
	mb = sb / (double)nb;
	for (i = 0; i < na; i++)
		va += (a[i] - ma) * (a[i] - ma) / (double)na;
	for (i = 0; i < nb; i++)
		vb += (b[i] - mb) * (b[i] - mb) / (double)nb;
	sat_answers(1000, 1, a, na);
	sat_answers(2000, 2, b, nb);
	indicator("sat", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	compute();

	/* P1 alone: mean 5, s^2 = 10 (0..10 uniform). */
	half = 1.959964 * sqrt(va / (double)na);
	g = get("sat", "P1", 2025);
	near(g.value, 5, 1e-12, "P1 mean");
	cr_expect(fabs(g.lo - (ma - half)) <= 0.08 * half,
	          "P1 low %.4f, normal %.4f", g.lo, ma - half);
	cr_expect(fabs(g.hi - (ma + half)) <= 0.08 * half,
	          "P1 high %.4f, normal %.4f", g.hi, ma + half);

	/* R: both places, each resampled within itself. */
	m = (sa + sb) / (double)(na + nb);
	v = ((double)na * (double)na * va / (double)na
	     + (double)nb * (double)nb * vb / (double)nb)
	    / ((double)(na + nb) * (double)(na + nb));
	half = 1.959964 * sqrt(v);
	g = get("sat", "R", 2025);
	near(g.value, m, 1e-12, "R mean");
	cr_expect(fabs(g.lo - (m - half)) <= 0.08 * half,
	          "R low %.4f, normal %.4f", g.lo, m - half);
	cr_expect(fabs(g.hi - (m + half)) <= 0.08 * half,
	          "R high %.4f, normal %.4f", g.hi, m + half);
}

Test(engine, intervals_do_not_depend_on_threads)
{
	struct got a[3], b[3];
	const char *units[3] = { "P1", "A", "R" };
	size_t i;

	indicator("sat", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	indicator("div", 1, "{\"source\":\"activities\",\"kind\":"
	          "\"diversity\",\"of\":\"category\"}");
	setenv("IMPACT_THREADS", "1", 1);
	compute();
	for (i = 0; i < 3; i++)
		a[i] = get(i < 2 ? "sat" : "div", units[i], 2024);
	setenv("IMPACT_THREADS", "3", 1);
	compute();
	unsetenv("IMPACT_THREADS");
	for (i = 0; i < 3; i++) {
		b[i] = get(i < 2 ? "sat" : "div", units[i], 2024);
		cr_expect(a[i].has_ci && b[i].has_ci, "%s has an interval",
		          units[i]);
		cr_expect(memcmp(&a[i].lo, &b[i].lo, sizeof(double)) == 0
		          && memcmp(&a[i].hi, &b[i].hi, sizeof(double)) == 0,
		          "%s: [%.17g, %.17g] with 1 thread, [%.17g, %.17g] with"
		          " 3", units[i], a[i].lo, a[i].hi, b[i].lo, b[i].hi);
	}
}

/* Every stored indicator row, in id order, each value written exactly
 * (doubles in hexadecimal), without computed_at: a string to compare. */
static char *indicator_rows(void)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int i, n;

	cr_assert(f);
	cr_assert_eq(sqlite3_prepare_v2(h->db, "SELECT id, indicator_id,"
	             " period, place_id, territory_id, value, n, ci_low,"
	             " ci_high, variance, previous, change, p_value,"
	             " significant, suppressed, reason FROM indicator_results"
	             " ORDER BY id;", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_count(st);
		for (i = 0; i < n; i++)
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				fputs(" -", f);
				break;
			case SQLITE_INTEGER:
				fprintf(f, " %lld", sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				fprintf(f, " %a", sqlite3_column_double(st, i));
				break;
			default:
				fprintf(f, " %s", sqlite3_column_text(st, i));
			}
		fputc('\n', f);
	}
	sqlite3_finalize(st);
	fclose(f);
	return out;
}

/*
 * A period is computed a group of places at a time, on a compute thread
 * and the boot workers: the rows stored, their order and their change
 * from 2023 are those of one thread and one group, with groups of one
 * place (impact__group_rows 1) or two rows, each group's rows scanned
 * or the period's read sorted by place (impact__group_sorted).
 */
Test(engine, rows_do_not_depend_on_threads_nor_groups)
{
	static const char *const threads[] = { "2", "3" };
	char *one, *more;
	size_t i;

	sql("INSERT INTO activities (id, import_id, place_id, date, period,"
	    " category, participants, hours, volunteers, new_participants,"
	    " free) VALUES (4, 2, 1, '2023-04-01', 2023, 'atelier', 6, 2, 1,"
	    " 2, 1), (5, 2, 2, '2022-04-01', 2022, 'repair', 3, 1, 1, 1, 1);"
	    "INSERT INTO activity_publics VALUES (4, 'jeunes');");
	indicator("sat", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	indicator("nact", 1, "{\"source\":\"activities\",\"kind\":"
	          "\"count\"}");
	indicator("yes", 1, "{\"source\":\"answers\",\"kind\":\"share\","
	          "\"of\":\"yes\",\"condition\":{\"yes\":true}}");
	indicator("places", 1, "{\"source\":\"activities\",\"kind\":"
	          "\"distinct\",\"of\":\"place\"}");
	indicator("lien", 1, "{\"source\":\"answers\",\"kind\":"
	          "\"diversity\",\"of\":\"lien\"}");
	indicator("jobs", 1, "{\"source\":\"facts\",\"kind\":\"sum\","
	          "\"of\":\"emplois_etp\"}");
	indicator("pubdiv", 1, "{\"source\":\"activities\",\"kind\":"
	          "\"diversity\",\"of\":\"publics\"}");
	indicator("comp", 1, "{\"source\":\"answers\",\"kind\":"
	          "\"distinct\",\"of\":\"comp\"}");
	indicator("km", 1, "{\"source\":\"answers\",\"kind\":\"ratio\","
	          "\"numerator\":{\"kind\":\"sum\",\"of\":\"km\"},"
	          "\"denominator\":{\"kind\":\"sum\",\"of\":\"days\"}}");
	indicator("hours", 1, "{\"source\":\"activities\",\"kind\":"
	          "\"mean\",\"of\":\"hours\"}");
	/* A respondent of P1 with an id above P2's: read sorted, P1's
	 * respondents then P2's are not in id order. */
	respondent(100, 1, 2024, 9, 1, NULL, "c", NAN, 0, NULL);
	setenv("IMPACT_THREADS", "1", 1);
	compute();
	one = indicator_rows();
	/* Places with activities in R: P1 and P2; P1's one in 2023, P2's
	 * one in 2022 (a period of activities alone). */
	cr_expect_eq(get("places", "R", 2024).value, 2);
	cr_expect_eq(get("nact", "P2", 2022).value, 1);
	cr_expect_eq(get("sat", "P1", 2024).has_previous, 1);
	cr_expect_eq(get("nact", "P1", 2024).previous, 1);
	for (i = 0; i < 2; i++) {
		setenv("IMPACT_THREADS", threads[i], 1);
		compute();
		more = indicator_rows();
		cr_expect_str_eq(more, one, "%s threads", threads[i]);
		free(more);
	}
	unsetenv("IMPACT_THREADS");
	for (i = 0; i < 6; i++) {
		impact__group_rows = i % 3;
		impact__group_sorted = i >= 3;
		compute();
		more = indicator_rows();
		cr_expect_str_eq(more, one, "groups of %zu rows%s", i % 3,
		                 i >= 3 ? ", sorted" : "");
		free(more);
	}
	impact__group_rows = 0;
	impact__group_sorted = 0;
	free(one);
}

/*
 * A territory's value from the sums of its places, each in a group of
 * its own (impact__group_rows 1: P1 then P2, so R's sums are carried
 * from one group to the next), the period's rows read sorted by place.  sat in R: the 7 answers 8 6 4 10 7 5
 * 10, mean 50/7, sum of squared deviations 390 - 2500/7 = 230/7,
 * variance 230/42 = 5.4761904761904762 (its stored variance); distinct
 * comp in R: {a, b, c} in P1, {a, b} in P2: 3; publics in R: jeunes 1,
 * familles 2, seniors 1 (P2's, of another group), evenness
 * -(2 (1/4) ln (1/4) + (1/2) ln (1/2)) / ln 3 = 0.9463946303571863.
 */
Test(engine, territory_sums_across_groups)
{
	sqlite3_stmt *st = NULL;

	indicator("sat", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	indicator("comp", 1, "{\"source\":\"answers\",\"kind\":"
	          "\"distinct\",\"of\":\"comp\"}");
	indicator("pubdiv", 1, "{\"source\":\"activities\",\"kind\":"
	          "\"diversity\",\"of\":\"publics\"}");
	impact__group_rows = 1;
	impact__group_sorted = 1;
	compute();
	impact__group_rows = 0;
	impact__group_sorted = 0;
	near(get("sat", "R", 2024).value, 50.0 / 7, 1e-12, "R mean");
	cr_expect_eq(get("sat", "R", 2024).n, 7);
	cr_assert_eq(sqlite3_prepare_v2(h->db, "SELECT r.variance FROM"
	             " indicator_results r JOIN indicators i ON i.id ="
	             " r.indicator_id JOIN territories t ON t.id ="
	             " r.territory_id WHERE i.code = 'sat' AND t.code = 'R'"
	             " AND r.period = 2024;", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	near(sqlite3_column_double(st, 0), 230.0 / 42, 1e-12, "R variance");
	sqlite3_finalize(st);
	near(get("comp", "R", 2024).value, 3, 0, "R distinct comp");
	near(get("comp", "P2", 2024).value, 2, 0, "P2 distinct comp");
	near(get("pubdiv", "R", 2024).value, 0.9463946303571863, 1e-12,
	     "R diversity of publics");
	near(get("pubdiv", "P1", 2024).value, 0.5793801642856950, 1e-12,
	     "P1 diversity of publics");
}

/*
 * The intervals, redone independently with GSL as indicators/engine.c
 * documents them: each place draws from gsl_rng_mt19937 seeded with
 * splitmix64(20261123 + 0x9e3779b97f4a7c15 * places.id) (low 32 bits),
 * 1,000 replicates of n gsl_rng_uniform_int(n) positions in its values
 * sorted ascending; a territory's replicate adds its places' draws; the
 * interval is GSL's (1 - 0.95) / 2 and (1 + 0.95) / 2 quantiles of the
 * sorted replicate means, clamped to their range.  Bit for bit (whole values: every sum is exact; others: the
 * engine adds in draw order as below).
 */
static unsigned long place_seed_ref(long long id)
{
	uint64_t z = 20261123u + 0x9e3779b97f4a7c15u * (uint64_t)id;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	z ^= z >> 31;
	return (unsigned long)(z & 0xffffffffu);
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The 95% percentile interval of 1,000 replicates rep (sorted here):
 * GSL's quantiles, clamped to their range. */
static void interval_ref(double *rep, double *lo, double *hi)
{
	gsl_sort(rep, 1, 1000);
	*lo = gsl_stats_quantile_from_sorted_data(rep, 1, 1000,
	                                          (1 - 0.95) / 2);
	*hi = gsl_stats_quantile_from_sorted_data(rep, 1, 1000,
	                                          (1 + 0.95) / 2);
	*lo = *lo < rep[0] ? rep[0] : *lo > rep[999] ? rep[999] : *lo;
	*hi = *hi < rep[0] ? rep[0] : *hi > rep[999] ? rep[999] : *hi;
}

/* The interval of the mean over np places of ids first, first + 1...,
 * place k holding values v[k][0..n[k]). */
static void mean_interval_ref(const double *const *v, const size_t *n,
                              size_t np, long long first, double *lo,
                              double *hi)
{
	static double rep[1000];
	double *sorted[2], total = 0;
	gsl_rng *g[2];
	size_t k, b, j;

	cr_assert(np <= 2);
	for (k = 0; k < np; k++) {
		sorted[k] = malloc(n[k] * sizeof(double));
		cr_assert_not_null(sorted[k]);
		memcpy(sorted[k], v[k], n[k] * sizeof(double));
		qsort(sorted[k], n[k], sizeof(double), by_double);
		g[k] = gsl_rng_alloc(gsl_rng_mt19937);
		gsl_rng_set(g[k], place_seed_ref(first + (long long)k));
		total += (double)n[k];
	}
	for (b = 0; b < 1000; b++) {
		double sum = 0;

		for (k = 0; k < np; k++) {
			double s = 0;

			for (j = 0; j < n[k]; j++)
				s += sorted[k][gsl_rng_uniform_int(g[k], n[k])];
			sum += s;
		}
		rep[b] = sum / total;
	}
	interval_ref(rep, lo, hi);
	for (k = 0; k < np; k++) {
		free(sorted[k]);
		gsl_rng_free(g[k]);
	}
}

static void expect_interval(const char *code, const char *unit,
                            const double *const *v, const size_t *n,
                            size_t np, long long first)
{
	struct got g = get(code, unit, 2025);
	double lo, hi;

	mean_interval_ref(v, n, np, first, &lo, &hi);
	cr_expect(g.has_ci, "%s %s: an interval", code, unit);
	cr_expect(memcmp(&g.lo, &lo, sizeof(lo)) == 0
	          && memcmp(&g.hi, &hi, sizeof(hi)) == 0,
	          "%s %s: [%.17g, %.17g], GSL's [%.17g, %.17g]", code, unit,
	          g.lo, g.hi, lo, hi);
}

Test(engine, intervals_are_gsls_bootstrap_of_sorted_values)
{
	static double sat1[60], km1[60], days1[60], sat2[40], km2[40],
	              days2[40];
	const double *v[2];
	size_t n[2] = { 60, 40 }, i;

	/* Given in no order.  sat: 11 whole values in P1, 5 in P2 (draws
	 * counted); days: 41 whole values (looked up, exact sums); km:
	 * quarters, not whole (looked up, added in draw order). */
	for (i = 0; i < 60; i++) {
		sat1[i] = (double)((i * 7) % 11);
		km1[i] = (double)((i * 13) % 29) + 0.25;
		days1[i] = (double)((i * 17) % 41);
		respondent(1000 + (int)i, 1, 2025, sat1[i], 1, NULL, NULL,
		           km1[i], days1[i], NULL);
	}
	for (i = 0; i < 40; i++) {
		sat2[i] = (double)(5 + (i * 3) % 5);
		km2[i] = (double)((i * 5) % 7) + 0.75;
		days2[i] = (double)(40 - (i * 11) % 23);
		respondent(2000 + (int)i, 2, 2025, sat2[i], 1, NULL, NULL,
		           km2[i], days2[i], NULL);
	}
	indicator("sat", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"sat\"}");
	indicator("km", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"km\"}");
	indicator("days", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"days\"}");
	compute();
	v[0] = sat1;
	v[1] = sat2;
	expect_interval("sat", "P1", v, n, 1, 1);
	expect_interval("sat", "A", v, n, 1, 1);
	expect_interval("sat", "R", v, n, 2, 1);
	v[0] = km1;
	v[1] = km2;
	expect_interval("km", "P1", v, n, 1, 1);
	expect_interval("km", "P2", v + 1, n + 1, 1, 2);
	v[0] = days1;
	v[1] = days2;
	expect_interval("days", "P1", v, n, 1, 1);
	expect_interval("days", "R", v, n, 2, 1);
}

/* The number of choices in set x. */
static unsigned ones(unsigned x)
{
	unsigned k = 0;

	for (; x; x &= x - 1)
		k++;
	return k;
}

/* Fewer choices first, then the choices in order (their codes, a..f:
 * the order of their names). */
static int by_choices(const void *x, const void *y)
{
	unsigned a = *(const unsigned *)x, b = *(const unsigned *)y, k;

	if (ones(a) != ones(b))
		return ones(a) < ones(b) ? -1 : 1;
	for (k = 0; k < 6; k++) {
		unsigned ia = a >> k & 1, ib = b >> k & 1;

		if (ia != ib)    /* the set holding the lower choice first */
			return ia ? -1 : 1;
	}
	return 0;
}

/* The diversity interval of np places of ids first, first + 1... (sets
 * of choices as bits, set[k][0..n[k])), redone with GSL as
 * indicators/engine.c documents it: draws of positions in the sets
 * sorted by by_choices(), each category counted, Pielou's evenness over
 * the 6 possible choices. */
static void diversity_interval_ref(unsigned *const *set, const size_t *n,
                                   size_t np, long long first, double *lo,
                                   double *hi)
{
	static double rep[1000];
	gsl_rng *g[2];
	size_t k, b, j, c;

	cr_assert(np <= 2);
	for (k = 0; k < np; k++) {
		qsort(set[k], n[k], sizeof(unsigned), by_choices);
		g[k] = gsl_rng_alloc(gsl_rng_mt19937);
		gsl_rng_set(g[k], place_seed_ref(first + (long long)k));
	}
	for (b = 0; b < 1000; b++) {
		double cnt[6] = { 0 }, total = 0, hs = 0, e;

		for (k = 0; k < np; k++)
			for (j = 0; j < n[k]; j++) {
				unsigned s = set[k][gsl_rng_uniform_int(g[k], n[k])];

				for (c = 0; c < 6; c++)
					cnt[c] += (double)(s >> c & 1);
			}
		for (c = 0; c < 6; c++)
			total += cnt[c];
		for (c = 0; c < 6; c++)
			if (cnt[c] > 0)
				hs -= cnt[c] / total * log(cnt[c] / total);
		e = hs / log(6.0);
		rep[b] = e > 1 ? 1 : e;
	}
	interval_ref(rep, lo, hi);
	for (k = 0; k < np; k++)
		gsl_rng_free(g[k]);
}

/* Sets of choices (of a, b, c, d, e, f) given in one order, then in the
 * reverse order under other respondent ids: the same intervals, bit for
 * bit, whether a place has few distinct sets (P2: draws counted) or
 * many (P1: 40 distinct sets, each draw adding its categories packed in
 * one word), and those of diversity_interval_ref() (to 1e-15). */
Test(engine, diversity_intervals_do_not_depend_on_the_order_of_answers)
{
	char sets[90][8];
	unsigned bits1[60], bits2[30], *sb[2] = { bits1, bits2 };
	size_t nb[2] = { 60, 30 };
	struct got a[3], b[3];
	const char *units[3] = { "P1", "P2", "R" };
	double lo, hi;
	size_t i, k, pass;

	sql("INSERT INTO choices (question_id, code, position, label_fr,"
	    " value) VALUES (4, 'd', 4, 'd', NULL), (4, 'e', 5, 'e', NULL),"
	    " (4, 'f', 6, 'f', NULL);");
	for (i = 0; i < 90; i++) {
		/* P1 (i < 60): subsets of a..f from bits; P2: of a..c. */
		unsigned bits = i < 60 ? 1 + (unsigned)(i * 37 % 40)
		                       : 1 + (unsigned)(i % 3 + i % 2);
		size_t m = 0;

		for (k = 0; k < 6; k++)
			if (bits & (1u << k))
				sets[i][m++] = (char)('a' + k);
		sets[i][m] = 0;
		if (i < 60)
			bits1[i] = bits;
		else
			bits2[i - 60] = bits;
	}
	indicator("div", 1, "{\"source\":\"answers\",\"kind\":\"diversity\","
	          "\"of\":\"comp\"}");
	for (pass = 0; pass < 2; pass++) {
		sql("DELETE FROM answer_choices WHERE respondent_id >= 1000;"
		    "DELETE FROM answers WHERE respondent_id >= 1000;"
		    "DELETE FROM respondents WHERE id >= 1000;");
		for (k = 0; k < 90; k++) {
			size_t j = pass ? 89 - k : k;

			respondent((pass ? 5000 : 1000) + (int)k, j < 60 ? 1 : 2,
			           2025, 5, 1, NULL, sets[j], NAN, 0, NULL);
		}
		compute();
		for (k = 0; k < 3; k++) {
			struct got g = get("div", units[k], 2025);

			cr_expect(g.has_ci && g.lo < g.hi, "%s: an interval",
			          units[k]);
			if (pass)
				b[k] = g;
			else
				a[k] = g;
		}
	}
	for (k = 0; k < 3; k++)
		cr_expect(memcmp(&a[k].lo, &b[k].lo, sizeof(double)) == 0
		          && memcmp(&a[k].hi, &b[k].hi, sizeof(double)) == 0,
		          "%s: [%.17g, %.17g], then [%.17g, %.17g]", units[k],
		          a[k].lo, a[k].hi, b[k].lo, b[k].hi);
	for (k = 0; k < 3; k++) {
		/* P1 alone, P2 alone (places.id 2), both. */
		if (k == 1)
			diversity_interval_ref(sb + 1, nb + 1, 1, 2, &lo, &hi);
		else
			diversity_interval_ref(sb, nb, k == 0 ? 1 : 2, 1, &lo,
			                       &hi);
		cr_expect(fabs(a[k].lo - lo) <= 1e-15 && fabs(a[k].hi - hi)
		          <= 1e-15, "%s: [%.17g, %.17g], GSL's [%.17g, %.17g]",
		          units[k], a[k].lo, a[k].hi, lo, hi);
	}
}

Test(engine, facts_have_no_interval)
{
	struct got g;

	/* Mean jobs over R's places: (2 + 1) / 2 = 1.5.  The places' own
	 * figures are not a sample: no interval. */
	indicator("jobs", 5, "{\"source\":\"facts\",\"kind\":\"mean\","
	          "\"of\":\"emplois_etp\"}");
	compute();
	g = get("jobs", "R", 2024);
	near(g.value, 1.5, 1e-12, "mean jobs");
	cr_expect_eq(g.has_ci, 0);
}

Test(engine, share_of_choices_without_values)
{
	/* age has no choice values: jeune in P1 is r1, r3, r5 of 5 = 0.6;
	 * in R, + s2: 4/7. */
	indicator("young", 1, "{\"source\":\"answers\",\"kind\":\"share\","
	          "\"of\":\"age\",\"condition\":{\"choices\":[\"jeune\"]}}");
	compute();
	near(get("young", "P1", 2024).value, 0.6, 1e-12, "P1 young");
	cr_expect_eq(get("young", "P1", 2024).n, 5);
	near(get("young", "R", 2024).value, 4.0 / 7, 1e-12, "R young");
}

/* Answer values are kept as 32-bit integers while every one read is a
 * whole number of 32 bits (indicators/engine.c, period_answers_load()),
 * then widened to doubles: the values read before the widening,
 * including a NULL one, keep their meaning. */
static void answer_days_null(void)
{
	/* r2 (read before s1 and s2) answered days with a text only. */
	sql("UPDATE answers SET value = NULL, text = 'n/a' WHERE"
	    " respondent_id = 2 AND question_id = 6;");
}

Test(engine, answer_values_widened_by_a_fraction)
{
	/* km, s1 2.5: P1 10, 2, 5, 0 -> 17/4; B 2.5, 8 -> 5.25; R 27.5/6.
	 * days, r2 NULL: P1 4, 2, 20 -> 26/3. */
	answer_days_null();
	sql("UPDATE answers SET value = 2.5 WHERE respondent_id = 6 AND"
	    " question_id = 5;");
	indicator("km", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"km\"}");
	indicator("days", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"days\"}");
	compute();
	near(get("km", "P1", 2024).value, 17.0 / 4, 1e-12, "P1 km");
	near(get("km", "B", 2024).value, 5.25, 1e-12, "B km");
	near(get("km", "R", 2024).value, 27.5 / 6, 1e-12, "R km");
	cr_expect_eq(get("km", "R", 2024).n, 6);
	near(get("days", "P1", 2024).value, 26.0 / 3, 1e-12, "P1 days");
	cr_expect_eq(get("days", "P1", 2024).n, 3);
}

Test(engine, answer_values_widened_beyond_32_bits)
{
	/* days, s2 3e9 (beyond an int32_t): B (1 + 3e9) / 2; r2 NULL:
	 * P1 26/3. */
	answer_days_null();
	sql("UPDATE answers SET value = 3e9 WHERE respondent_id = 7 AND"
	    " question_id = 6;");
	indicator("days", 1, "{\"source\":\"answers\",\"kind\":\"mean\","
	          "\"of\":\"days\"}");
	compute();
	near(get("days", "B", 2024).value, 1500000000.5, 1e-12, "B days");
	near(get("days", "P1", 2024).value, 26.0 / 3, 1e-12, "P1 days");
	cr_expect_eq(get("days", "P1", 2024).n, 3);
}
