/*
 * Unit tests of the importers (surveys/) and of impact_compute()
 * (indicators/) on a dataset small enough to compute by hand.
 *
 * Tree: R > A > P1, R > B > P2.  Survey: q1 0-10 (domain), q2 1-5
 * (domain), q3 0-10 (no domain: not in the score).  Period 2024.
 *   P1: r1 q1=10 q2=5 q3=0   score 100 * (1 + 1)/2       = 100
 *       r2 q1=5  q2=3 q3=10  score 100 * (.5 + .5)/2     = 50
 *       r3 q1=0  q2=1        score 0
 *       r4 q1=8  (q2 empty)  score 80
 *       r5 q1=2  q2=2        score 100 * (.2 + .25)/2    = 22.5
 *   P2: s1 q1=6  q2=4        score 100 * (.6 + .75)/2    = 67.5
 *       s2 q1=4  q2=2        score 100 * (.4 + .25)/2    = 32.5
 * P1: score 252.5/5 = 50.5; q1 mean 5, variance 17, 95% t-interval
 *     5 -+ 2.776445105 * sqrt(17/5) = [-0.1195118161, 10.1195118161];
 *     q2 mean 11/4 = 2.75 (n 4).
 * R (pooled, 7 respondents): score 352.5/7 = 50.357142857, variance
 *     1211.3095238, interval 50.357142857 -+ 2.446911851 *
 *     sqrt(1211.3095238/7) = [18.1689295789, 82.5453561354].  The mean
 *     of the places' means would be 50.25: pooling must not give that.
 * Activities: P1 8 people x 2 h + 20 x 1.5 h = 46 participant-hours;
 *     P2 5 x 3 h = 15; R: 3 activities, 33 participants, 61 hours.
 */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "helpers.h"

static const char *dir;
static impact *h;

static const char territories[] =
	"code,name,parent\n"
	"A,Territoire A,R\n"      /* parent defined on a later line */
	"R,Réseau,\n"
	"B,Territoire B,R\n";

static const char places[] =
	"code,name,territory,commune,latitude,longitude\n"
	"P1,Lieu un,A,Montval,46.5,1.25\n"
	"P2,Lieu deux,B,,,\n";

static const char survey[] =
	"{\"id\": \"s\", \"title\": {\"fr\": \"Enquête\", \"en\": \"Survey\"},\n"
	" \"questions\": [\n"
	"  {\"id\": \"q1\", \"label\": {\"fr\": \"Un\"}, \"type\": \"scale\","
	"   \"min\": 0, \"max\": 10, \"domain\": \"a\"},\n"
	"  {\"id\": \"q2\", \"label\": {\"fr\": \"Deux\"}, \"type\": \"scale\","
	"   \"min\": 1, \"max\": 5, \"domain\": \"b\"},\n"
	"  {\"id\": \"q3\", \"label\": {\"fr\": \"Trois\"}, \"type\": \"scale\","
	"   \"min\": 0, \"max\": 10}\n"
	" ]}\n";

static const char answers[] =
	"respondent;place;period;q1;q2;q3\n"
	"r1;P1;2024;10;5;0\n"
	"r2;P1;2024;5;3;10\n"
	"r3;P1;2024;0;1;\n"
	"r4;P1;2024;8;;\n"
	"r5;P1;2024;2;2;\n"
	"s1;P2;2024;6;4;\n"
	"s2;P2;2024;4;2;\n";

static const char activities[] =
	"place,date,category,title,participants,hours,volunteers\n"
	"P1,2024-03-01,atelier,\"Soudure, initiation\",8,2,1\n"
	"P1,2024-05-01,Evenement,Fête,20,\"1,5\",\n"
	"P2,2024-06-30,repair,,5,3,2\n";

static void setup(void)
{
	dir = t_tmpdir();
	h = t_open_new_db(dir);
}

static void teardown(void)
{
	impact_free(h);
	t_rmtree(dir);
}

/* Load the whole hand dataset. */
static void load_all(void)
{
	impact_import_summary s;

	cr_assert_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             territories), NULL, &s), 0, "%s", impact_errmsg(h));
	cr_assert_eq(impact_import_places(h, t_write(dir, "p.csv", places), NULL, &s),
	             0, "%s", impact_errmsg(h));
	cr_assert_eq(impact_survey_add(h, t_write(dir, "s.json", survey), NULL,
	             NULL), 0, "%s", impact_errmsg(h));
	cr_assert_eq(impact_import_answers(h, t_write(dir, "a.csv", answers),
	             "s", NULL, &s), 0, "%s", impact_errmsg(h));
	cr_assert_eq(s.rows_loaded, 7);
	cr_assert_eq(impact_import_activities(h, t_write(dir, "act.csv",
	             activities), NULL, &s), 0, "%s", impact_errmsg(h));
	cr_assert_eq(s.rows_loaded, 3, "%zu rejected", s.rows_rejected);
}

/* The result sought by find_result. */
struct want {
	const char *code, *measure, *question;
	int found;
	impact_result r;        /* its strings are not valid after the walk */
	char unit_kind[16];     /* so the one test needing it keeps a copy */
};

static int find_cb(void *payload, const impact_result *r)
{
	struct want *w = payload;

	if (strcmp(r->unit_code, w->code) || strcmp(r->measure, w->measure)
	    || (w->question && (!r->question
	                        || strcmp(r->question, w->question))))
		return 0;
	w->found++;
	w->r = *r;
	snprintf(w->unit_kind, sizeof(w->unit_kind), "%s", r->unit_kind);
	return 0;
}

static struct want lookup(const char *code, const char *measure,
                          const char *question)
{
	struct want w = { code, measure, question, 0, { 0 }, "" };

	cr_assert_eq(impact_results_each(h, NULL, find_cb, &w), 0);
	cr_assert_eq(w.found, 1, "%s %s %s found %d times", code, measure,
	             question ? question : "", w.found);
	return w;
}

static impact_result get(const char *code, const char *measure,
                         const char *question)
{
	return lookup(code, measure, question).r;
}

/* Relative tolerance 1e-9, as GSL's gsl_test_rel. */
static void expect_rel(double got, double want, const char *what)
{
	cr_expect(fabs(got - want) <= 1e-9 * fabs(want) + 1e-12,
	          "%s = %.12g, want %.12g", what, got, want);
}

#define EXPECT_REL(got, want) expect_rel((got), (double)(want), #got)

Test(pipeline, place_results_by_hand, .init = setup, .fini = teardown)
{
	impact_compute_summary s;
	impact_result r;

	load_all();
	cr_assert_eq(impact_compute(h, NULL, &s), 0, "%s", impact_errmsg(h));
	cr_expect_eq(s.periods, 1);
	cr_expect_eq(s.units, 5);
	r = get("P1", "respondents", NULL);
	EXPECT_REL(r.value, 5);
	r = get("P1", "wellbeing_score", NULL);
	EXPECT_REL(r.value, 50.5);
	cr_expect_eq(r.n, 5);
	cr_expect_eq(r.suppressed, 0);
	r = get("P1", "question_mean", "q1");
	EXPECT_REL(r.value, 5);
	EXPECT_REL(r.ci_low, -0.1195118161);
	EXPECT_REL(r.ci_high, 10.1195118161);
	r = get("P1", "question_mean", "q2");
	EXPECT_REL(r.value, 2.75);
	cr_expect_eq(r.n, 4);
	cr_expect_eq(r.suppressed, 1);
	r = get("P2", "wellbeing_score", NULL);
	EXPECT_REL(r.value, 50);
	cr_expect_eq(r.suppressed, 1);
}

Test(pipeline, territories_pool_the_underlying_answers, .init = setup,
     .fini = teardown)
{
	impact_result r;

	load_all();
	cr_assert_eq(impact_compute(h, NULL, NULL), 0, "%s", impact_errmsg(h));
	r = get("R", "wellbeing_score", NULL);
	EXPECT_REL(r.value, 352.5 / 7);
	EXPECT_REL(r.ci_low, 18.1689295789);
	EXPECT_REL(r.ci_high, 82.5453561354);
	cr_expect_eq(r.n, 7);
	cr_expect_str_eq(lookup("R", "respondents", NULL).unit_kind,
	                 "territory");
	r = get("R", "question_mean", "q1");
	EXPECT_REL(r.value, 5);
	r = get("R", "question_mean", "q3");
	EXPECT_REL(r.value, 5);          /* (0 + 10) / 2 */
	cr_expect_eq(r.n, 2);
	r = get("A", "wellbeing_score", NULL);
	EXPECT_REL(r.value, 50.5);       /* A holds P1 only */
	r = get("B", "respondents", NULL);
	EXPECT_REL(r.value, 2);
}

Test(pipeline, activities_by_hand, .init = setup, .fini = teardown)
{
	impact_result r;

	load_all();
	cr_assert_eq(impact_compute(h, NULL, NULL), 0);
	r = get("P1", "activities", NULL);
	EXPECT_REL(r.value, 2);
	r = get("P1", "participant_hours", NULL);
	EXPECT_REL(r.value, 46);
	cr_expect_eq(r.suppressed, 0);   /* counts of activities, not people */
	r = get("R", "participants", NULL);
	EXPECT_REL(r.value, 33);
	r = get("R", "participant_hours", NULL);
	EXPECT_REL(r.value, 61);
}

Test(pipeline, recompute_replaces_and_same_file_is_not_reimported,
     .init = setup, .fini = teardown)
{
	impact_import_summary s;
	impact_db_counts c1, c2;

	load_all();
	cr_assert_eq(impact_compute(h, NULL, NULL), 0);
	cr_assert_eq(impact_db_counts_get(h, &c1), 0);
	cr_assert_eq(impact_import_answers(h, t_write(dir, "a.csv", answers),
	             "s", NULL, &s), 0);
	cr_expect_eq(s.already_imported, 1);
	cr_assert_eq(impact_compute(h, NULL, NULL), 0);
	cr_assert_eq(impact_db_counts_get(h, &c2), 0);
	cr_expect_eq(c1.results, c2.results);
	cr_expect_eq(c2.respondents, 7);
	/* Answered cells: r1 3, r2 3, r3 2, r4 1, r5 2, s1 2, s2 2. */
	cr_expect_eq(c2.answers, 15);
}

Test(pipeline, bad_rows_are_kept_aside_with_their_place, .init = setup,
     .fini = teardown)
{
	impact_import_summary s;

	load_all();
	cr_assert_eq(impact_import_answers(h, t_write(dir, "bad.csv",
	             "respondent,place,period,q1,q2\n"
	             "x1,P1,2025,7,3\n"
	             "x2,P1,2025,11,3\n"         /* line 3, column 4 */
	             "x3,NOPE,2025,1,1\n"        /* line 4, column 2 */
	             "x1,P2,2025,1,1\n"          /* duplicate respondent */
	             "x4,P2,25,1,1\n"),          /* bad period, column 3 */
	             "s", NULL, &s), 0, "%s", impact_errmsg(h));
	cr_expect_eq(s.rows_read, 5);
	cr_expect_eq(s.rows_loaded, 1);
	cr_expect_eq(s.rows_rejected, 4);
}

/* Collect rejects as "line:column:field" strings. */
static int reject_cb(void *payload, const impact_reject_info *r)
{
	char *out = payload;
	size_t n = strlen(out);

	snprintf(out + n, 256 - n, "%lld:%lld:%s;", r->line, r->column,
	         r->field);
	return 0;
}

Test(pipeline, rejects_report_line_and_column, .init = setup,
     .fini = teardown)
{
	impact_import_summary s;
	char got[256] = "";

	load_all();
	cr_assert_eq(impact_import_answers(h, t_write(dir, "bad.csv",
	             "respondent,place,period,q1,q2\n"
	             "x2,P1,2025,11,3\n"
	             "x3,NOPE,2025,1,1\n"
	             "x4,P2,25,1,1\n"), "s", NULL, &s), 0);
	cr_assert_eq(impact_rejects_each(h, s.import_id, reject_cb, got), 0);
	cr_expect_str_eq(got, "2:4:q1;3:2:place;4:3:period;");
}

Test(pipeline, reference_data_is_all_or_nothing, .init = setup,
     .fini = teardown)
{
	impact_import_summary s;
	impact_db_counts c;

	cr_assert_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             territories), NULL, &s), 0);
	cr_expect_eq(impact_import_places(h, t_write(dir, "p.csv",
	             "code,name,territory\nP1,Un,A\nP2,Deux,ZZ\n"), NULL, &s),
	             IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "p.csv:3:3: unknown territory "
	                 "\"ZZ\"") != NULL, "%s", impact_errmsg(h));
	cr_assert_eq(impact_db_counts_get(h, &c), 0);
	cr_expect_eq(c.places, 0);
	cr_expect_eq(c.imports, 1);
}

Test(pipeline, territory_cycles_are_refused, .init = setup,
     .fini = teardown)
{
	impact_db_counts c;

	cr_expect_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             "code,name,parent\nX,X,Y\nY,Y,Z\nZ,Z,X\n"), NULL, NULL),
	             IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "cycle") != NULL, "%s",
	          impact_errmsg(h));
	cr_assert_eq(impact_db_counts_get(h, &c), 0);
	cr_expect_eq(c.territories, 0);
}

Test(pipeline, unknown_column_is_noted_and_ignored, .init = setup,
     .fini = teardown)
{
	impact_import_summary s;
	impact_db_counts c;

	/* A name or an e-mail column is never stored: it is noted. */
	load_all();
	cr_assert_eq(impact_import_answers(h, t_write(dir, "u.csv",
	             "respondent,place,period,q1,E-mail\n"
	             "z,P1,2024,1,z@example.org\n"), "s", NULL, &s), 0,
	             "%s", impact_errmsg(h));
	cr_expect_eq(s.rows_loaded, 1);
	cr_expect(strstr(s.notes, "columns ignored: \"E-mail\"") != NULL,
	          "%s", s.notes);
	cr_assert_eq(impact_db_counts_get(h, &c), 0);
	cr_expect_eq(c.respondents, 8);
}

Test(pipeline, survey_definition_errors, .init = setup, .fini = teardown)
{
	cr_expect_eq(impact_survey_add(h, t_write(dir, "a.json",
	             "{\"id\": \"x\",\n \"title\": {\"fr\": \"T\"},\n"
	             " \"questions\": [ }\n"), NULL, NULL), IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "a.json:3:") != NULL, "%s",
	          impact_errmsg(h));
	cr_expect_eq(impact_survey_add(h, t_write(dir, "b.json",
	             "{\"id\": \"x\", \"title\": {\"fr\": \"T\"}, \"questions\":"
	             " [{\"id\": \"q\", \"label\": {\"fr\": \"Q\"}, \"type\":"
	             " \"scale\", \"min\": 5, \"max\": 1}]}"), NULL, NULL),
	             IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "questions[0]") != NULL, "%s",
	          impact_errmsg(h));
	cr_expect_eq(impact_survey_add(h, t_write(dir, "c.json",
	             "{\"id\": \"x\", \"title\": {\"fr\": \"T\"}, \"colour\": 1,"
	             " \"questions\": []}"), NULL, NULL), IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "\"colour\"") != NULL, "%s",
	          impact_errmsg(h));
}

Test(pipeline, survey_added_twice, .init = setup, .fini = teardown)
{
	int existed = 0;
	char *code = NULL;

	cr_assert_eq(impact_survey_add(h, t_write(dir, "s.json", survey), &code,
	             &existed), 0);
	cr_expect_str_eq(code, "s");
	cr_expect_eq(existed, 0);
	free(code);
	cr_assert_eq(impact_survey_add(h, t_write(dir, "s.json", survey), NULL,
	             &existed), 0);
	cr_expect_eq(existed, 1);
	cr_expect_eq(impact_survey_add(h, t_write(dir, "s2.json",
	             "{\"id\": \"s\", \"title\": {\"fr\": \"Autre\"},"
	             " \"questions\": [{\"id\": \"q\", \"label\": {\"fr\":"
	             " \"Q\"}, \"type\": \"scale\", \"min\": 0, \"max\": 1}]}"),
	             NULL, NULL), IMPACT_EDATA);
}

Test(pipeline, respondent_identifiers_are_not_stored, .init = setup,
     .fini = teardown)
{
	char path[600], buf[4096];
	FILE *fp;
	size_t n;
	int found = 0;

	load_all();
	impact_free(h);
	h = NULL;
	snprintf(path, sizeof(path), "%s/impact.db", dir);
	fp = fopen(path, "rb");
	cr_assert_not_null(fp);
	/* "r1;P1" would be the identifier next to the place code; the
	 * keyed hash replaces "r1", so no answer row holds it. */
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (memmem(buf, n, "r5;", 3) || memmem(buf, n, "\x02r5", 3))
			found = 1;
	fclose(fp);
	cr_expect_eq(found, 0);
	cr_assert_eq(impact_new(&h), 0);
}
