/*
 * Unit tests of the gross-happiness index (indicators/gnh.c) on a
 * population computed by hand.
 *
 * Index: domains D1 {a: q1 >= 6, weight 2; b: q2 >= 6, weight 1} and
 * D2 {c: q3 >= 6; d: q4 >= 6}, equal domain weights: global weights
 * a 1/3, b 1/6, c 1/4, d 1/4; k = 0.66.  Six answer patterns, each
 * given by two persons (so every place has 6 respondents):
 *        a b c d   s               place sex
 *   p1   1 1 1 1   1               P1    femme
 *   p2   1 0 1 0   7/12 = 0.583    P1    femme
 *   p3   0 1 1 1   2/3  = 0.667    P1    femme
 *   p4   0 0 1 0   1/4             P2    homme
 *   p5   1 1 0 0   1/2             P2    homme
 *   p6   1 1 1 0   3/4             P2    homme
 * Not yet happy (s < 0.66): p2, p4, p5.  H_n = 1/2, A_n = (5/12 + 3/4 +
 * 1/2) / 3 = 5/9, GNH = 1 - 5/18 = 13/18.  Groups: deeply p1 (1/6),
 * extensively p3, p6 (1/3), narrowly p2, p5 (1/3), unhappy p4 (1/6).
 * Contributions (1/n Σ_nh w_j (1 - suff)): a 1/18, b 1/18, c 1/24,
 * d 1/8: shares 0.2, 0.2, 0.15, 0.45; D1 0.4, D2 0.6.  By place: P1
 * 1 - GNH = 5/36, P2 5/12; shares 0.25 and 0.75.
 * Two more persons answer only q1 (observed weight 1/3 < 0.8): left out.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "helpers.h"
#include "../../engine/context.h"
#include "../../indicators/af.h"

static const char *dir;
static impact *h;

static void sql(const char *s)
{
	char *err = NULL;

	cr_assert_eq(sqlite3_exec(h->db, s, NULL, NULL, &err), SQLITE_OK,
	             "%s", err ? err : "");
}

/* One person: answers to q1..q4 (-1 for none), importance ratings. */
static void person(int id, int place, const int q[4], const char *sex,
                   int i1, int i2)
{
	char s[512];
	int k;

	snprintf(s, sizeof(s), "INSERT INTO respondents (id, survey_id,"
	         " import_id, key, place_id, period) VALUES (%d, 1, 1, 'k%d',"
	         " %d, 2024);", id, id, place);
	sql(s);
	for (k = 0; k < 4; k++) {
		if (q[k] < 0)
			continue;
		snprintf(s, sizeof(s), "INSERT INTO answers (respondent_id,"
		         " question_id, value) VALUES (%d, %d, %d);", id, k + 1,
		         q[k]);
		sql(s);
	}
	if (sex) {
		snprintf(s, sizeof(s), "INSERT INTO answers (respondent_id,"
		         " question_id, choice_id) SELECT %d, 5, id FROM choices"
		         " WHERE code = '%s';", id, sex);
		sql(s);
	}
	if (i1 >= 0) {
		snprintf(s, sizeof(s), "INSERT INTO answers (respondent_id,"
		         " question_id, value) VALUES (%d, 6, %d), (%d, 7, %d);",
		         id, i1, id, i2);
		sql(s);
	}
}

static const char definition[] =
	"{ \"id\": \"t\", \"title\": { \"fr\": \"T\" }, \"cutoff\": 0.66,\n"
	"  \"domains\": [\n"
	"    { \"id\": \"D1\", \"label\": { \"fr\": \"Un\" },"
	" \"importance\": \"i1\",\n"
	"      \"indicators\": [\n"
	"        { \"id\": \"a\", \"label\": { \"fr\": \"a\" },"
	" \"questions\": [\"q1\"], \"threshold\": 6, \"weight\": 2 },\n"
	"        { \"id\": \"b\", \"label\": { \"fr\": \"b\" },"
	" \"questions\": [\"q2\"], \"threshold\": 6, \"weight\": 1 } ] },\n"
	"    { \"id\": \"D2\", \"label\": { \"fr\": \"Deux\" },"
	" \"importance\": \"i2\",\n"
	"      \"indicators\": [\n"
	"        { \"id\": \"c\", \"label\": { \"fr\": \"c\" },"
	" \"questions\": [\"q3\"], \"threshold\": 6 },\n"
	"        { \"id\": \"d\", \"label\": { \"fr\": \"d\" },"
	" \"questions\": [\"q4\"], \"threshold\": 6 } ] } ] }\n";

static void setup(void)
{
	static const int pat[6][4] = { { 9, 9, 9, 9 }, { 9, 1, 9, 1 },
	                               { 1, 9, 9, 9 }, { 1, 1, 9, 1 },
	                               { 9, 9, 1, 1 }, { 9, 9, 9, 1 } };
	static const int only_q1[4] = { 9, -1, -1, -1 };
	int i, copy;

	dir = t_tmpdir();
	h = t_open_new_db(dir);
	sql("INSERT INTO territories VALUES (1, 'T', 'Territoire', NULL);"
	    "INSERT INTO places (id, code, name, territory_id) VALUES"
	    " (1, 'P1', 'Un', 1), (2, 'P2', 'Deux', 1);"
	    "INSERT INTO surveys VALUES (1, 's', 'S', NULL, '{}', 'now');"
	    "INSERT INTO imports (id, kind, file_name, sha256, rows_read,"
	    " rows_loaded, rows_rejected, imported_at) VALUES"
	    " (1, 'answers', 'f', 'x', 0, 0, 0, 'now');"
	    "INSERT INTO questions (id, survey_id, code, position, label_fr,"
	    " kind, min, max, role) VALUES"
	    " (1, 1, 'q1', 1, 'q1', 'rating', 0, 10, NULL),"
	    " (2, 1, 'q2', 2, 'q2', 'rating', 0, 10, NULL),"
	    " (3, 1, 'q3', 3, 'q3', 'rating', 0, 10, NULL),"
	    " (4, 1, 'q4', 4, 'q4', 'rating', 0, 10, NULL),"
	    " (5, 1, 'sexe', 5, 'sexe', 'single', NULL, NULL, 'sex'),"
	    " (6, 1, 'i1', 6, 'i1', 'rating', 0, 10, NULL),"
	    " (7, 1, 'i2', 7, 'i2', 'rating', 0, 10, NULL);"
	    "INSERT INTO choices (question_id, code, position, label_fr) VALUES"
	    " (5, 'femme', 1, 'Femme'), (5, 'homme', 2, 'Homme');");
	for (copy = 0; copy < 2; copy++)
		for (i = 0; i < 6; i++)
			person(1 + i + 6 * copy, i < 3 ? 1 : 2, pat[i],
			       i < 3 ? "femme" : "homme", 6, 2);
	person(20, 1, only_q1, NULL, -1, -1);
	person(21, 2, only_q1, NULL, -1, -1);
	cr_assert_eq(impact_index_add(h, t_write(dir, "t.json", definition),
	             NULL), 0, "%s", impact_errmsg(h));
}

static void teardown(void)
{
	impact_free(h);
	t_rmtree(dir);
}

TestSuite(gnh, .init = setup, .fini = teardown);

/* Compute with `o` and parse the JSON. */
static json_t *run(const impact_index_opts *o)
{
	char *text = NULL;
	json_t *j;

	cr_assert_eq(impact_index_compute(h, o, &text), 0, "%s",
	             impact_errmsg(h));
	j = json_loads(text, 0, NULL);
	free(text);
	cr_assert_not_null(j);
	return j;
}

static double num(json_t *o, const char *path)
{
	char buf[128], *part, *save = NULL;
	json_t *cur = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part;
	     part = strtok_r(NULL, ".", &save)) {
		if (json_is_array(cur))
			cur = json_array_get(cur, (size_t)atoi(part));
		else
			cur = json_object_get(cur, part);
	}
	cr_assert(json_is_number(cur), "%s is not a number", path);
	return json_number_value(cur);
}

static void near(double got, double want, const char *what)
{
	cr_expect(fabs(got - want) < 1e-9, "%s = %.12g, want %.12g", what, got,
	          want);
}

Test(gnh, index_groups_and_decompositions_by_hand)
{
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	json_t *j;

	o.territory = "T";
	o.replicates = 200;
	o.robustness = 50;
	j = run(&o);
	near(num(j, "n"), 12, "n");
	near(num(j, "incomplete"), 2, "incomplete");
	near(num(j, "gnh"), 13.0 / 18, "GNH");
	near(num(j, "h_n"), 0.5, "H_n");
	near(num(j, "a_n"), 5.0 / 9, "A_n");
	near(num(j, "groups.deeply"), 1.0 / 6, "deeply");
	near(num(j, "groups.extensively"), 1.0 / 3, "extensively");
	near(num(j, "groups.narrowly"), 1.0 / 3, "narrowly");
	near(num(j, "groups.unhappy"), 1.0 / 6, "unhappy");
	near(num(j, "indicators.0.weight"), 1.0 / 3, "weight a");
	near(num(j, "indicators.0.contribution"), 1.0 / 18, "c_a");
	near(num(j, "indicators.0.share"), 0.2, "share a");
	near(num(j, "indicators.1.share"), 0.2, "share b");
	near(num(j, "indicators.2.share"), 0.15, "share c");
	near(num(j, "indicators.3.share"), 0.45, "share d");
	near(num(j, "domains.0.share"), 0.4, "share D1");
	near(num(j, "domains.1.share"), 0.6, "share D2");
	near(num(j, "subgroups.place.0.gnh"), 1 - 5.0 / 36, "GNH P1");
	near(num(j, "subgroups.place.0.share_of_1_minus_gnh"), 0.25,
	     "P1 share");
	near(num(j, "subgroups.place.1.share_of_1_minus_gnh"), 0.75,
	     "P2 share");
	cr_expect(num(j, "ci.gnh.0") <= 13.0 / 18
	          && num(j, "ci.gnh.1") >= 13.0 / 18);
	/* Scores 1, 7/12, 2/3, 1/4, 1/2, 3/4 twice: mean 15/36 + ... =
	 * (12 + 7 + 8 + 3 + 6 + 9) / 72 = 45/72; median (type 1, weights
	 * equal): the smallest with half the weight at or below it: 7/12. */
	near(num(j, "scores.mean"), 45.0 / 72, "mean score");
	near(num(j, "scores.median"), 7.0 / 12, "median score");
	json_decref(j);
}

Test(gnh, poverty_form)
{
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	json_t *j;

	/* Poor when 1 - s >= 1/3: p2 (5/12), p4 (3/4), p5 (1/2): H = 1/2,
	 * A = 5/9, M0 = 5/18; p3 (1/3) counts too: 1 - 2/3 = 1/3 exactly:
	 * H = 2/3, A = (5/12 + 3/4 + 1/2 + 1/3) / 4 = 0.5, M0 = 1/3. */
	o.territory = "T";
	o.poverty = 1;
	o.replicates = 50;
	o.robustness = 0;
	j = run(&o);
	near(num(j, "poverty.h"), 2.0 / 3, "H");
	near(num(j, "poverty.a"), 0.5, "A");
	near(num(j, "poverty.m0"), 1.0 / 3, "M0");
	json_decref(j);
}

Test(gnh, participatory_weights)
{
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	json_t *j;

	/* Everyone rates D1 6 and D2 2: weights 0.75 and 0.25, so a 1/2,
	 * b 1/4, c 1/8, d 1/8.  s: p1 1, p2 5/8, p3 1/2, p4 1/8, p5 3/4,
	 * p6 7/8.  Not happy p2, p3, p4: H = 1/2, A = (3/8 + 1/2 + 7/8)/3
	 * = 7/12, GNH = 1 - 7/24 = 17/24. */
	o.territory = "T";
	o.weights = IMPACT_WEIGHTS_PARTICIPATORY;
	o.replicates = 50;
	o.robustness = 0;
	j = run(&o);
	near(num(j, "weights_used.domains.D1"), 0.75, "w D1");
	near(num(j, "gnh"), 17.0 / 24, "GNH participatory");
	json_decref(j);
}

Test(gnh, raking_to_margins)
{
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	json_t *j;

	/* Margins femme 60, homme 40: the six women (P1) weigh 10, the six
	 * men (P2) 40/6.  Not happy: p2 (2 · 10), p4, p5 (2 · 20/3 each):
	 * H = (20 + 80/3) / 100 = 7/15; A = (20 · 5/12 + 40/3 · 3/4 +
	 * 40/3 · 1/2) / (140/3) = 25 / (140/3) = 15/28; GNH = 1 - 1/4. */
	sql("INSERT INTO margins (territory_id, variable, level, total) VALUES"
	    " (1, 'sex', 'femme', 60), (1, 'sex', 'homme', 40);");
	o.territory = "T";
	o.rake = 1;
	o.replicates = 50;
	o.robustness = 0;
	j = run(&o);
	near(num(j, "h_n"), 7.0 / 15, "raked H_n");
	near(num(j, "a_n"), 15.0 / 28, "raked A_n");
	near(num(j, "gnh"), 0.75, "raked GNH");
	cr_expect(json_is_true(json_object_get(json_object_get(j, "raking"),
	                                       "converged")));
	json_decref(j);
}

Test(gnh, stored_and_reproducible)
{
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	char *a = NULL, *b = NULL;
	sqlite3_stmt *st = NULL;

	o.territory = "T";
	o.replicates = 100;
	o.robustness = 20;
	cr_assert_eq(impact_index_compute(h, &o, &a), 0);
	cr_assert_eq(impact_index_compute(h, &o, &b), 0);
	cr_expect_str_eq(a, b);   /* same seed, same bytes */
	free(a);
	free(b);
	cr_assert_eq(sqlite3_prepare_v2(h->db, "SELECT value, n FROM results"
	             " WHERE measure = 'gnh' AND territory_id = 1 AND"
	             " period = 2024;", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	near(sqlite3_column_double(st, 0), 13.0 / 18, "stored GNH");
	cr_expect_eq(sqlite3_column_int(st, 1), 12);
	sqlite3_finalize(st);
}

Test(gnh, small_places_are_suppressed)
{
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	json_t *j;

	/* Delete P1 down to 4 persons in the index. */
	sql("DELETE FROM respondents WHERE id IN (1, 7);");
	o.place = "P1";
	o.replicates = 50;
	j = run(&o);
	cr_expect(json_is_true(json_object_get(j, "suppressed")));
	cr_expect_null(json_object_get(j, "gnh"));
	json_decref(j);
}

Test(gnh, territory_weights_from_the_definition)
{
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	json_t *j;
	char *def = strdup(definition), *p;
	size_t len = strlen(def);

	/* The same index, id t2, with territory weights D1 3, D2 1 for T:
	 * 0.75 and 0.25, the participatory case: GNH 17/24. */
	cr_assert_not_null(def);
	p = strstr(def, "\"id\": \"t\"");
	cr_assert_not_null(p);
	memcpy(p, "\"id\":\"t2\"", 9);
	cr_assert(len > 2 && def[len - 2] == '}');
	def[len - 2] = '\0';
	{
		char buf[4096];

		snprintf(buf, sizeof(buf), "%s, \"weights\": \"territory\","
		         " \"territory_weights\": { \"T\": { \"D1\": 3,"
		         " \"D2\": 1 } } }\n", def);
		cr_assert_eq(impact_index_add(h, t_write(dir, "t2.json", buf),
		             NULL), 0, "%s", impact_errmsg(h));
	}
	free(def);
	o.index = "t2";
	o.territory = "T";
	o.replicates = 50;
	o.robustness = 0;
	j = run(&o);
	near(num(j, "weights_used.domains.D1"), 0.75, "territory w D1");
	near(num(j, "gnh"), 17.0 / 24, "GNH territory weights");
	json_decref(j);
}

Test(gnh, values_not_exact_in_a_float)
{
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	json_t *j;

	/* The persons' values are kept as codes of a dictionary of the
	 * values themselves (indicators/gnh.c, struct store), never
	 * rounded.  Person 10 (p4's copy, read after nine persons) answers
	 * q4 5.9999999999: a float would round it to 6, meeting d's
	 * threshold (s 1/2 instead of 1/4).  Still below it, the figures of
	 * the header hold. */
	sql("UPDATE answers SET value = 5.9999999999 WHERE respondent_id = 10"
	    " AND question_id = 4;");
	o.territory = "T";
	o.replicates = 50;
	o.robustness = 0;
	j = run(&o);
	near(num(j, "n"), 12, "n");
	near(num(j, "gnh"), 13.0 / 18, "GNH");
	near(num(j, "a_n"), 5.0 / 9, "A_n");
	near(num(j, "scores.mean"), 45.0 / 72, "mean score");
	json_decref(j);
}

Test(gnh, values_past_one_and_two_byte_codes)
{
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	sqlite3_stmt *r = NULL, *a = NULL;
	json_t *j;
	int i, k, n = 16400;

	/* 16,400 persons of P3 answer q1..q4 with 65,600 distinct values,
	 * each a millionth-step away from the threshold 6: the store's codes
	 * go from one byte to two at the 256th value and to the values
	 * themselves at the 65,536th (indicators/gnh.c, store_set()).  Even
	 * persons are sufficient in a, c, d (s = 1/3 + 1/4 + 1/4 = 5/6),
	 * odd ones in b, c (s = 1/6 + 1/4 = 5/12, deprivation 7/12), so a
	 * value given another's code is likely on the wrong side. */
	sql("INSERT INTO places (id, code, name, territory_id)"
	    " VALUES (3, 'P3', 'Trois', 1); BEGIN;");
	cr_assert_eq(sqlite3_prepare_v2(h->db, "INSERT INTO respondents (id,"
	             " survey_id, import_id, key, place_id, period) VALUES"
	             " (?1, 1, 1, 'k' || ?1, 3, 2024);", -1, &r, NULL),
	             SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(h->db, "INSERT INTO answers"
	             " (respondent_id, question_id, value) VALUES (?1, ?2,"
	             " ?3);", -1, &a, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		static const int up[2][4] = { { 1, 0, 1, 1 }, { 0, 1, 1, 0 } };

		sqlite3_bind_int(r, 1, 1000 + i);
		cr_assert_eq(sqlite3_step(r), SQLITE_DONE);
		sqlite3_reset(r);
		for (k = 0; k < 4; k++) {
			double e = (4.0 * i + k + 1) * 1e-6;

			sqlite3_bind_int(a, 1, 1000 + i);
			sqlite3_bind_int(a, 2, k + 1);
			sqlite3_bind_double(a, 3, up[i % 2][k] ? 6 + e : 6 - e);
			cr_assert_eq(sqlite3_step(a), SQLITE_DONE);
			sqlite3_reset(a);
		}
	}
	sqlite3_finalize(r);
	sqlite3_finalize(a);
	sql("COMMIT;");
	o.place = "P3";
	o.weights = IMPACT_WEIGHTS_EQUAL;
	o.replicates = 20;
	o.robustness = 0;
	j = run(&o);
	near(num(j, "n"), n, "n");
	near(num(j, "h_n"), 0.5, "H_n");
	near(num(j, "a_n"), 7.0 / 12, "A_n");
	near(num(j, "gnh"), 17.0 / 24, "GNH");
	near(num(j, "scores.mean"), (5.0 / 6 + 5.0 / 12) / 2, "mean score");
	json_decref(j);
}

Test(gnh, ranks_by_domain_bytes_are_those_person_by_person)
{
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	json_t *fast, *slow, *rk, *e;
	unsigned long long x = 12345;
	size_t i, moving = 0;
	int p, k, id = 100;
	char s[256];

	/* Six more places of 25 persons each, answers drawn (q1..q4 in
	 * 0-10, one in nine missing): close GNHs whose order moves with the
	 * drawn weights and cutoff.  The ranks from a byte per person and
	 * domain must be those of every person scored indicator by
	 * indicator, draw for draw. */
	for (p = 3; p <= 8; p++) {
		snprintf(s, sizeof(s), "INSERT INTO places (id, code, name,"
		         " territory_id) VALUES (%d, 'P%d', 'P%d', 1);", p, p, p);
		sql(s);
		for (i = 0; i < 25; i++) {
			int q[4];

			for (k = 0; k < 4; k++) {
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
				q[k] = (int)(x >> 33) % 99 < 11 ? -1
				       : (int)((x >> 40) % 11);
			}
			person(id++, p, q, i % 2 ? "femme" : "homme", 5, 5);
		}
	}
	o.territory = "T";
	o.weights = IMPACT_WEIGHTS_EQUAL;
	o.replicates = 20;
	o.robustness = 300;
	fast = run(&o);
	impact__ranks_by_person = 1;
	slow = run(&o);
	impact__ranks_by_person = 0;
	rk = json_object_get(fast, "ranks");
	cr_assert(json_array_size(rk) == 8, "%zu places ranked",
	          json_array_size(rk));
	json_array_foreach(rk, i, e)
		moving += json_number_value(json_object_get(e, "rank_low"))
		          != json_number_value(json_object_get(e, "rank_high"));
	cr_expect(moving >= 4, "only %zu places' ranks move", moving);
	cr_expect(json_equal(rk, json_object_get(slow, "ranks")),
	          "ranks differ from those scored person by person");
	json_decref(fast);
	json_decref(slow);
}
