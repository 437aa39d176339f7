/*
 * Unit tests of engine/privacy.c: respondent keys, impact_forget() and
 * impact_export_anonymised(), on a fixture small enough to follow by hand.
 *
 * Territory T > places P1, P2, P3; survey "priv": num (respondent), lieu
 * (place), quand (date), sat (rating), avis (free text), age (age_band:
 * jeune, adulte, senior), sexe (sex: f, h), commune (commune, text),
 * activites (multiple: a, b, c).  Period 2025.  Quasi-identifiers in the
 * blanking order: commune, age, (no activity status), sexe.
 *
 * P1, 12 respondents (commune, age, sexe):
 *   r01-r05 (Montval, adulte, f)   sat 1..5       class of 5: kept as is
 *   r06-r08 (Bourg, adulte, f)     sat 6, 7, 8    class of 3
 *   r09-r10 (Bourg, senior, h)     sat 9, 10      class of 2
 *   r11     (Montval, senior, h)   sat 0          alone
 *   r12     (-, jeune, h)          sat -          alone
 * Level 1, commune blanked on r06-r12 (6 cells: r12 has none):
 *   (-, adulte, f) 3; (-, senior, h) 3; (-, jeune, h) 1: all too small.
 * Level 2, age blanked on r06-r12 (7 cells): (-, -, f) 3; (-, -, h) 4.
 * Level 3 (activity status): no such question.  Level 4, sexe blanked on
 * r06-r12 (7 cells): (-, -, -) 7 >= 5: every row safe.
 * So 20 cells blanked: commune 6, age 7, sexe 7.
 * P2, 3 respondents: a place-year under 5, left out.
 * P3, 6 respondents: t1-t5 (Montval, adulte, f) and t6 (Bourg, senior, h),
 * which stays alone with everything blanked: left out (its 3 blanks are
 * not counted: it is not written).
 * Written: 12 + 5 = 17 rows of 21.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "helpers.h"

static const char *dir;
static impact *h;
static char dbpath[600];

static const char survey[] =
	"{\"id\": \"priv\", \"title\": {\"fr\": \"Vie privée\"},\n"
	" \"questions\": [\n"
	"  {\"id\": \"num\", \"role\": \"respondent\", \"type\": \"text\","
	"   \"label\": {\"fr\": \"Numéro\"}},\n"
	"  {\"id\": \"lieu\", \"role\": \"place\", \"type\": \"text\","
	"   \"label\": {\"fr\": \"Lieu\"}},\n"
	"  {\"id\": \"quand\", \"role\": \"date\", \"type\": \"date\","
	"   \"label\": {\"fr\": \"Date\"}},\n"
	"  {\"id\": \"sat\", \"type\": \"rating\", \"domain\": \"psy\","
	"   \"label\": {\"fr\": \"Satisfaction\"}},\n"
	"  {\"id\": \"avis\", \"type\": \"text\", \"label\": {\"fr\": \"Avis\"}},\n"
	"  {\"id\": \"age\", \"role\": \"age_band\", \"type\": \"single\","
	"   \"label\": {\"fr\": \"Âge\"}, \"choices\": ["
	"    {\"code\": \"jeune\", \"label\": {\"fr\": \"Jeune\"}},"
	"    {\"code\": \"adulte\", \"label\": {\"fr\": \"Adulte\"}},"
	"    {\"code\": \"senior\", \"label\": {\"fr\": \"Senior\"}}]},\n"
	"  {\"id\": \"sexe\", \"role\": \"sex\", \"type\": \"single\","
	"   \"label\": {\"fr\": \"Sexe\"}, \"choices\": ["
	"    {\"code\": \"f\", \"label\": {\"fr\": \"Femme\"}},"
	"    {\"code\": \"h\", \"label\": {\"fr\": \"Homme\"}}]},\n"
	"  {\"id\": \"commune\", \"role\": \"commune\", \"type\": \"text\","
	"   \"label\": {\"fr\": \"Commune\"}},\n"
	"  {\"id\": \"activites\", \"type\": \"multiple\","
	"   \"label\": {\"fr\": \"Activités\"}, \"choices\": ["
	"    {\"code\": \"a\", \"label\": {\"fr\": \"A\"}},"
	"    {\"code\": \"b\", \"label\": {\"fr\": \"B\"}},"
	"    {\"code\": \"c\", \"label\": {\"fr\": \"C\"}}]}\n"
	" ]}\n";

#define SECRET_TEXT "Ma voisine Jeanne Martin vient le mardi"

static const char answers[] =
	"num,lieu,quand,sat,avis,age,sexe,commune,activites\n"
	"r01,P1,2025-03-01,1," SECRET_TEXT ",adulte,f,Montval,a\n"
	"r02,P1,2025-03-02,2,,adulte,f,Montval,a;b\n"
	"r03,P1,2025-03-03,3,,adulte,f,Montval,\n"
	"r04,P1,2025-03-04,4,,adulte,f,Montval,c\n"
	"r05,P1,2025-03-05,5,,adulte,f,Montval,\n"
	"r06,P1,2025-03-06,6,,adulte,f,Bourg,\n"
	"r07,P1,2025-03-07,7,,adulte,f,Bourg,\n"
	"r08,P1,2025-03-08,8,,adulte,f,Bourg,\n"
	"r09,P1,2025-03-09,9,,senior,h,Bourg,\n"
	"r10,P1,2025-03-10,10,,senior,h,Bourg,\n"
	"r11,P1,2025-03-11,0,,senior,h,Montval,\n"
	"r12,P1,2025-03-12,,,jeune,h,,\n"
	"s1,P2,2025-04-01,5,,adulte,f,Montval,\n"
	"s2,P2,2025-04-02,5,,adulte,f,Montval,\n"
	"s3,P2,2025-04-03,5,,adulte,f,Montval,\n"
	"t1,P3,2025-05-01,1,,adulte,f,Montval,\n"
	"t2,P3,2025-05-02,2,,adulte,f,Montval,\n"
	"t3,P3,2025-05-03,3,,adulte,f,Montval,\n"
	"t4,P3,2025-05-04,4,,adulte,f,Montval,\n"
	"t5,P3,2025-05-05,5,,adulte,f,Montval,\n"
	"t6,P3,2025-05-06,6,,senior,h,Bourg,\n"
	" r99 ,P1,2025-06-01,12,,adulte,f,Montval,\n";  /* rejected: 12 */

static void setup(void)
{
	impact_import_summary s;

	dir = t_tmpdir();
	h = t_open_new_db(dir);
	snprintf(dbpath, sizeof(dbpath), "%s/impact.db", dir);
	cr_assert_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             "code,name,parent\nT,Territoire,\n"), NULL, &s), 0, "%s",
	             impact_errmsg(h));
	cr_assert_eq(impact_import_places(h, t_write(dir, "p.csv",
	             "code,name,territory\nP1,Un,T\nP2,Deux,T\nP3,Trois,T\n"),
	             NULL, &s), 0, "%s", impact_errmsg(h));
	cr_assert_eq(impact_survey_add(h, t_write(dir, "s.json", survey), NULL,
	                               NULL), 0, "%s", impact_errmsg(h));
	cr_assert_eq(impact_import_answers(h, t_write(dir, "a.csv", answers),
	                                   "priv", NULL, &s), 0, "%s",
	             impact_errmsg(h));
	cr_assert_eq(s.rows_loaded, 21);
	cr_assert_eq(s.rows_rejected, 1);
}

static void teardown(void)
{
	impact_free(h);
	t_rmtree(dir);
}

/* One number from the database, read with a connection of our own. */
static double q1(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	double v = -12345;

	cr_assert_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL),
	             SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
	             "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* One text from the database (static buffer). */
static const char *qs(const char *sql)
{
	static char buf[4096];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	buf[0] = '\0';
	cr_assert_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL),
	             SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
	             "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, sizeof(buf), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(f, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

TestSuite(privacy, .init = setup, .fini = teardown);

Test(privacy, key_of_identifier_is_the_stored_key)
{
	char key[IMPACT_KEY_HEX], sql[256];

	cr_assert_eq(impact_respondent_key(h, "r06", key), IMPACT_OK);
	cr_assert_eq(strlen(key), 64);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM respondents r JOIN"
	         " answers a ON a.respondent_id = r.id JOIN questions q ON"
	         " q.id = a.question_id WHERE r.key = '%s' AND q.code = 'sat'"
	         " AND a.value = 6;", key);
	cr_assert_eq(q1(sql), 1, "the key of r06 is the row with sat 6");
	/* Spaces and tabs at either end do not count, as on import. */
	{
		char again[IMPACT_KEY_HEX];

		cr_assert_eq(impact_respondent_key(h, " \tr06 ", again), 0);
		cr_assert_str_eq(again, key);
	}
	cr_assert_eq(impact_respondent_key(h, "  ", key), IMPACT_EUSAGE);
}

Test(privacy, forget_by_identifier_erases_and_recomputes)
{
	impact_forget_opts o = IMPACT_FORGET_OPTS_INIT;
	impact_forget_summary s;

	cr_assert_eq(impact_compute(h, NULL, NULL), IMPACT_OK);
	/* P1's mean of sat: (1+..+10+0)/11 = 5; T: 21 respondents. */
	cr_assert_float_eq(q1("SELECT value FROM results_view WHERE"
	                      " unit_code = 'P1' AND question = 'sat';"), 5.0,
	                   1e-12);
	o.survey = "priv";
	cr_assert_eq(impact_forget(h, "r02", &o, &s), IMPACT_OK, "%s",
	             impact_errmsg(h));
	/* r02: quand (the date question is stored as an answer too), sat,
	 * age, sexe, commune and activites (2 options). */
	cr_assert_eq(s.respondents, 1);
	cr_assert_eq(s.answers, 6);
	cr_assert_eq(s.choices, 2);
	cr_assert_eq(s.rejects, 0);
	cr_assert_eq(s.first_period, 2025);
	cr_assert_eq(s.last_period, 2025);
	cr_assert_eq(s.periods_recomputed, 1);
	cr_assert_eq(s.index_units, 0, "no index definition stored");
	cr_assert_eq(s.wal_cleared, 1);
	cr_assert_eq(q1("SELECT count(*) FROM respondents;"), 20);
	cr_assert_eq(q1("SELECT count(*) FROM answer_choices;"), 2,
	             "r01's a and r04's c remain");
	/* Recomputed: (1+3+...+10+0)/10 = 53/10. */
	cr_assert_float_eq(q1("SELECT value FROM results_view WHERE"
	                      " unit_code = 'P1' AND question = 'sat';"), 5.3,
	                   1e-12);
	cr_assert_eq(q1("SELECT value FROM results_view WHERE unit_code = 'T'"
	                " AND measure = 'respondents';"), 20);
	cr_assert_eq(q1("SELECT json_array_length(value) FROM meta WHERE"
	                " key = 'erasures';"), 1);
	cr_assert_eq(q1("SELECT value ->> '$[0].answers' FROM meta WHERE"
	                " key = 'erasures';"), 6);
	cr_assert_eq(q1("SELECT value ->> '$[0].respondents' FROM meta WHERE"
	                " key = 'erasures';"), 1);
	/* The audit holds a day and counts only. */
	cr_assert_eq(strlen(qs("SELECT value ->> '$[0].date' FROM meta WHERE"
	                       " key = 'erasures';")), 10);
	cr_assert_eq(q1("SELECT count(*) FROM json_each((SELECT value ->> '$[0]'"
	                " FROM meta WHERE key = 'erasures'));"), 4);
	/* Forgetting them again finds nobody and changes nothing. */
	cr_assert_eq(impact_forget(h, "r02", &o, &s), IMPACT_ENOTFOUND);
	cr_assert(strstr(impact_errmsg(h), "nothing was erased"), "%s",
	          impact_errmsg(h));
	cr_assert_eq(s.respondents, 0);
	cr_assert_eq(q1("SELECT json_array_length(value) FROM meta WHERE"
	                " key = 'erasures';"), 1);
}

Test(privacy, forget_by_stored_key_in_capitals)
{
	char key[IMPACT_KEY_HEX];
	impact_forget_summary s;
	size_t i;

	cr_assert_eq(impact_respondent_key(h, "r11", key), IMPACT_OK);
	for (i = 0; key[i]; i++)
		key[i] = (char)(key[i] >= 'a' && key[i] <= 'f' ? key[i] - 32
		                                                : key[i]);
	cr_assert_eq(impact_forget(h, key, NULL, &s), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(s.respondents, 1);
	cr_assert_eq(s.answers, 5, "quand, sat, age, sexe, commune");
	cr_assert_eq(q1("SELECT count(*) FROM answers a JOIN questions q ON"
	                " q.id = a.question_id WHERE q.code = 'sat' AND"
	                " a.value = 0;"), 0, "r11's sat of 0 is gone");
	cr_assert_eq(q1("SELECT count(*) FROM respondents;"), 20);
}

/* Size of the database's write-ahead log (-1 when there is none). */
static long wal_size(void)
{
	char path[700];
	struct stat sb;

	snprintf(path, sizeof(path), "%s-wal", dbpath);
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

Test(privacy, forget_empties_the_write_ahead_log)
{
	impact_forget_opts o = IMPACT_FORGET_OPTS_INIT;
	impact_forget_summary s;
	sqlite3 *other = NULL;

	/* Another connection keeps the log from being removed at close:
	 * only the checkpoint empties it. */
	cr_assert_eq(sqlite3_open(dbpath, &other), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(other, "SELECT count(*) FROM places;", NULL,
	                          NULL, NULL), SQLITE_OK);
	cr_assert_gt(wal_size(), 0, "the import left frames in the log");
	o.survey = "priv";
	cr_assert_eq(impact_forget(h, "r03", &o, &s), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(s.wal_cleared, 1);
	cr_assert_eq(wal_size(), 0);
	/* A reader in the middle of a transaction keeps its snapshot: the
	 * log cannot be emptied, and forget says so instead of waiting. */
	cr_assert_eq(sqlite3_exec(other, "BEGIN; SELECT count(*) FROM"
	                          " respondents;", NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(impact_forget(h, "r04", &o, &s), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(s.respondents, 1);
	cr_assert_eq(s.wal_cleared, 0);
	cr_assert_gt(wal_size(), 0);
	sqlite3_exec(other, "COMMIT;", NULL, NULL, NULL);
	sqlite3_close(other);
}

Test(privacy, forget_refuses_what_it_cannot_find)
{
	impact_forget_opts o = IMPACT_FORGET_OPTS_INIT;

	/* An identifier needs the survey. */
	cr_assert_eq(impact_forget(h, "r03", NULL, NULL), IMPACT_EUSAGE);
	cr_assert(strstr(impact_errmsg(h), "--survey"), "%s", impact_errmsg(h));
	o.survey = "nope";
	cr_assert_eq(impact_forget(h, "r03", &o, NULL), IMPACT_ENOTFOUND);
	cr_assert(strstr(impact_errmsg(h), "unknown survey \"nope\""));
	o.survey = "priv";
	o.period = 2024;
	cr_assert_eq(impact_forget(h, "r03", &o, NULL), IMPACT_ENOTFOUND);
	cr_assert(strstr(impact_errmsg(h), "in 2024"), "%s", impact_errmsg(h));
	cr_assert_eq(impact_forget(h, "0000000000000000000000000000000000000000"
	                           "000000000000000000000000", NULL, NULL),
	             IMPACT_ENOTFOUND);
	cr_assert_eq(q1("SELECT count(*) FROM respondents;"), 21);
	cr_assert_eq(q1("SELECT count(*) FROM rejects;"), 1);
	cr_assert_eq(q1("SELECT count(*) FROM meta WHERE key = 'erasures';"), 0);
}

Test(privacy, forget_erases_rows_kept_aside)
{
	impact_forget_opts o = IMPACT_FORGET_OPTS_INIT;
	impact_forget_summary s;

	/* " r99 " was rejected (sat 12); its record holds its key. */
	o.survey = "priv";
	cr_assert_eq(impact_forget(h, "r99", &o, &s), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(s.respondents, 0);
	cr_assert_eq(s.rejects, 1);
	cr_assert_eq(s.periods_recomputed, 0);
	cr_assert_eq(q1("SELECT count(*) FROM rejects;"), 0);
	cr_assert_eq(q1("SELECT count(*) FROM respondents;"), 21);
}

Test(privacy, forget_deletes_figures_of_a_year_left_empty)
{
	impact_forget_opts o = IMPACT_FORGET_OPTS_INIT;
	impact_import_summary is;
	impact_forget_summary s;

	/* One respondent alone in 2024: after them, 2024 has no data. */
	cr_assert_eq(impact_import_answers(h, t_write(dir, "b.csv",
	             "num,lieu,quand,sat\nu1,P1,2024-02-01,4\n"), "priv", NULL,
	             &is), IMPACT_OK, "%s", impact_errmsg(h));
	cr_assert_eq(impact_compute(h, NULL, NULL), IMPACT_OK);
	cr_assert_gt(q1("SELECT count(*) FROM results WHERE period = 2024;"), 0);
	o.survey = "priv";
	cr_assert_eq(impact_forget(h, "u1", &o, &s), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(s.first_period, 2024);
	cr_assert_eq(q1("SELECT count(*) FROM results WHERE period = 2024;"), 0);
	/* 2025 was computed again for its changes from 2024. */
	cr_assert_eq(s.periods_recomputed, 1);
	cr_assert_eq(q1("SELECT value FROM results_view WHERE unit_code = 'T'"
	                " AND period = 2025 AND measure = 'respondents';"), 21);
}

Test(privacy, export_by_hand)
{
	impact_export_opts o = IMPACT_EXPORT_OPTS_INIT;
	impact_export_summary s;
	char path[600], *text;
	static const char expected[] =
		"period,territory,place,sat,age,sexe,commune,activites\r\n"
		"2025,T,P1,,,,,\r\n"
		"2025,T,P1,0,,,,\r\n"
		"2025,T,P1,1,adulte,f,Montval,a\r\n"
		"2025,T,P1,10,,,,\r\n"
		"2025,T,P1,2,adulte,f,Montval,a;b\r\n"
		"2025,T,P1,3,adulte,f,Montval,\r\n"
		"2025,T,P1,4,adulte,f,Montval,c\r\n"
		"2025,T,P1,5,adulte,f,Montval,\r\n"
		"2025,T,P1,6,,,,\r\n"
		"2025,T,P1,7,,,,\r\n"
		"2025,T,P1,8,,,,\r\n"
		"2025,T,P1,9,,,,\r\n"
		"2025,T,P3,1,adulte,f,Montval,\r\n"
		"2025,T,P3,2,adulte,f,Montval,\r\n"
		"2025,T,P3,3,adulte,f,Montval,\r\n"
		"2025,T,P3,4,adulte,f,Montval,\r\n"
		"2025,T,P3,5,adulte,f,Montval,\r\n";

	snprintf(path, sizeof(path), "%s/export.csv", dir);
	o.output = path;
	cr_assert_eq(impact_export_anonymised(h, &o, &s), IMPACT_OK, "%s",
	             impact_errmsg(h));
	text = slurp(path);
	cr_assert_str_eq(text, expected);
	cr_assert_null(strstr(text, "Jeanne"), "free text never exported");
	cr_assert_null(strstr(text, "2025-03"), "no date finer than the year");
	free(text);
	cr_assert_eq(s.respondents, 21);
	cr_assert_eq(s.rows_written, 17);
	cr_assert_eq(s.groups_dropped, 1);
	cr_assert_eq(s.rows_small_group, 3);
	cr_assert_eq(s.rows_unique, 1);
	cr_assert_eq(s.cells_blanked, 20);
	cr_assert_eq(s.blanked[IMPACT_QI_COMMUNE], 6);
	cr_assert_eq(s.blanked[IMPACT_QI_AGE_BAND], 7);
	cr_assert_eq(s.blanked[IMPACT_QI_ACTIVITY_STATUS], 0);
	cr_assert_eq(s.blanked[IMPACT_QI_SEX], 7);
	cr_assert_eq(s.columns, 5);
	cr_assert_eq(s.columns_left_out, 3, "num, quand, avis");
	cr_assert_eq(s.k, 5);
}

Test(privacy, export_with_a_larger_k)
{
	impact_export_opts o = IMPACT_EXPORT_OPTS_INIT;
	impact_export_summary s;
	char path[600];

	/* k = 6: P3 (6) stays; its class of 5 and t6 end in (-, -, -) of 6.
	 * P1 (12): the 5 of (Montval, adulte, f) are too few now, and every
	 * row but r12 loses its commune: (-, adulte, f) 8 is safe; the
	 * others (-, senior, h) 3, (-, jeune, h) 1 lose their age, then
	 * their sex: (-, -, -) 4, left out. */
	snprintf(path, sizeof(path), "%s/export6.csv", dir);
	o.output = path;
	o.k = 6;
	cr_assert_eq(impact_export_anonymised(h, &o, &s), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(s.groups_dropped, 1);
	cr_assert_eq(s.rows_unique, 4);
	cr_assert_eq(s.rows_written, 8 + 6);
	/* P1: 8 communes; P3: 6 communes, 6 ages, 6 sexes. */
	cr_assert_eq(s.blanked[IMPACT_QI_COMMUNE], 8 + 6);
	cr_assert_eq(s.blanked[IMPACT_QI_AGE_BAND], 6);
	cr_assert_eq(s.blanked[IMPACT_QI_SEX], 6);
	o.k = 4;
	cr_assert_eq(impact_export_anonymised(h, &o, &s), IMPACT_EUSAGE);
}

Test(privacy, export_failures_leave_no_file)
{
	impact_export_opts o = IMPACT_EXPORT_OPTS_INIT;
	char path[600], *text;

	snprintf(path, sizeof(path), "%s/missing/export.csv", dir);
	o.output = path;
	cr_assert_eq(impact_export_anonymised(h, &o, NULL), IMPACT_EIO);
	cr_assert(strstr(impact_errmsg(h), "does not exist"), "%s",
	          impact_errmsg(h));
	/* A year without answers: the previous file stays as it was. */
	snprintf(path, sizeof(path), "%s/previous.csv", dir);
	t_write(dir, "previous.csv", "before\n");
	o.output = path;
	o.period = 2019;
	cr_assert_eq(impact_export_anonymised(h, &o, NULL), IMPACT_ENOTFOUND);
	text = slurp(path);
	cr_assert_str_eq(text, "before\n");
	free(text);
	o.period = 0;
	o.survey = "nope";
	cr_assert_eq(impact_export_anonymised(h, &o, NULL), IMPACT_ENOTFOUND);
}
