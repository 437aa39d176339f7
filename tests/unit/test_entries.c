/*
 * Unit tests of one respondent typed in a form (impact_answers_add_one in
 * surveys/answers.c) and of surveys/entries.c around it: every kind of
 * refused answer with its code and bounds, all errors of a form at once,
 * nothing stored when one is refused, answers stored exactly as the
 * importer stores the same row of a file (the importer then recognises
 * the respondent), duplicates, corrections, deletion, entries read back,
 * counts, the register; and opts->only_place of the answers and
 * activities importers (a facilitator's upload).  Expected values are
 * read off the inputs by hand.
 *
 * Register: territory VDL; places FAB, RUC.  Questionnaire "t" below.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/context.h"
#include "helpers.h"
#include "impact.h"

static const char *dir;
static impact *h;

static const char survey_json[] =
	"{ \"id\": \"t\", \"title\": { \"fr\": \"Test\", \"en\": \"Test\" },\n"
	"  \"questions\": [\n"
	"  { \"id\": \"num\", \"role\": \"respondent\", \"type\": \"text\",\n"
	"    \"label\": { \"fr\": \"Numéro\" } },\n"
	"  { \"id\": \"lieu\", \"role\": \"place\", \"type\": \"text\",\n"
	"    \"required\": true, \"label\": { \"fr\": \"Lieu\" } },\n"
	"  { \"id\": \"quand\", \"role\": \"date\", \"type\": \"date\",\n"
	"    \"label\": { \"fr\": \"Date\" } },\n"
	"  { \"id\": \"note\", \"type\": \"scale\", \"min\": 1, \"max\": 5,\n"
	"    \"required\": true, \"label\": { \"fr\": \"Note\", \"en\": \"Mark\" } },\n"
	"  { \"id\": \"freq\", \"type\": \"single\", \"label\": { \"fr\": \"Fréquence\" },\n"
	"    \"choices\": [ { \"code\": \"r\", \"value\": 1, \"label\": { \"fr\": \"Rarement\" } },\n"
	"                   { \"code\": \"s\", \"value\": 2, \"label\": { \"fr\": \"Souvent\", \"en\": \"Often\" } } ] },\n"
	"  { \"id\": \"act\", \"type\": \"multiple\", \"label\": { \"fr\": \"Activités\" },\n"
	"    \"choices\": [ { \"code\": \"a\", \"label\": { \"fr\": \"Atelier\" } },\n"
	"                   { \"code\": \"b\", \"label\": { \"fr\": \"Bar\" } },\n"
	"                   { \"code\": \"c\", \"label\": { \"fr\": \"Café\" } } ] },\n"
	"  { \"id\": \"km\", \"type\": \"number\", \"min\": 0, \"max\": 300,\n"
	"    \"label\": { \"fr\": \"Km\" } },\n"
	"  { \"id\": \"oui\", \"type\": \"yesno\", \"label\": { \"fr\": \"Oui ?\" } },\n"
	"  { \"id\": \"mot\", \"type\": \"text\", \"label\": { \"fr\": \"Mot\" } }\n"
	"  ] }\n";

static void setup(void)
{
	impact_import_summary s;

	dir = t_tmpdir();
	h = t_open_new_db(dir);
	cr_assert_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             "code,name,parent\nVDL,Val de Lière,\n"), NULL, &s), 0,
	             "%s", impact_errmsg(h));
	cr_assert_eq(impact_import_places(h, t_write(dir, "p.csv",
	             "code,name,territory\nFAB,La Fabrique,VDL\n"
	             "RUC,La Ruche,VDL\n"), NULL, &s), 0, "%s",
	             impact_errmsg(h));
	cr_assert_eq(impact_survey_add(h, t_write(dir, "s.json", survey_json),
	                               NULL, NULL), 0, "%s", impact_errmsg(h));
}

static void teardown(void)
{
	impact_free(h);
	t_rmtree(dir);
}

/* The first column of the first row of `sql`, as text ("" when none). */
static const char *q(const char *sql)
{
	static char buf[1024];
	sqlite3_stmt *st = NULL;

	cr_assert_eq(sqlite3_prepare_v2(h->db, sql, -1, &st, NULL), SQLITE_OK,
	             "%s: %s", sql, sqlite3_errmsg(h->db));
	buf[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, sizeof(buf), "%s",
		         (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

/* The answers of respondent `rid` as "code=value;..." in question order:
 * a choice's code, else the number (%g), else the text. */
static const char *answers_of(long long rid)
{
	char sql[700];

	snprintf(sql, sizeof(sql), "SELECT group_concat(x, ';') FROM (SELECT"
	         " q.code || '=' || coalesce(c.code, CASE WHEN a.value IS NOT"
	         " NULL THEN printf('%%g', a.value) END, a.text) AS x FROM"
	         " answers a JOIN questions q ON q.id = a.question_id LEFT JOIN"
	         " choices c ON c.id = a.choice_id WHERE a.respondent_id = %lld"
	         " ORDER BY q.position);", rid);
	return q(sql);
}

/* Store `n` fields for FAB in 2025 (errors into e[0..16) when e is not
 * NULL); returns the code. */
static int add(const impact_answer_field *f, size_t n, long long *rid,
               impact_field_error *e, size_t *ne)
{
	impact_entry_opts o = IMPACT_ENTRY_OPTS_INIT;

	o.survey = "t";
	o.place = "FAB";
	o.period = 2025;
	return impact_answers_add_one(h, &o, f, n, e, e ? 16 : 0, ne, rid);
}

/* The same with an error array of `cap` entries. */
static int add_cap(const impact_answer_field *f, size_t n,
                   impact_field_error *e, size_t cap, size_t *ne)
{
	impact_entry_opts o = IMPACT_ENTRY_OPTS_INIT;

	o.survey = "t";
	o.place = "FAB";
	o.period = 2025;
	return impact_answers_add_one(h, &o, f, n, e, cap, ne, NULL);
}

Test(entries, every_error_at_once, .init = setup, .fini = teardown)
{
	impact_answer_field f[] = {
		{ "quand", "31/02/2025" }, { "note", "7" }, { "freq", "jamais" },
		{ "act", "a;z" }, { "km", "loin" }, { "oui", "peut-être" },
		{ "inconnue", "1" }, { "mot", "\xff\xfe" },
	};
	impact_field_error e[16];
	size_t ne = 0;
	long long rid = 123;

	cr_expect_eq(add(f, 8, &rid, e, &ne), IMPACT_EDATA);
	cr_assert_eq(ne, 8, "%zu errors", ne);
	cr_expect_eq(rid, 0);
	/* Unknown question and bad text come first (read while taking the
	 * fields), then each question in order. */
	cr_expect_str_eq(e[0].question, "inconnue");
	cr_expect_eq(e[0].code, IMPACT_FIELD_UNKNOWN);
	cr_expect_str_eq(e[1].question, "mot");
	cr_expect_eq(e[1].code, IMPACT_FIELD_ENCODING);
	cr_expect_str_eq(e[2].question, "quand");
	cr_expect_eq(e[2].code, IMPACT_FIELD_DATE);
	cr_expect_str_eq(e[3].question, "note");
	cr_expect_eq(e[3].code, IMPACT_FIELD_RANGE);
	cr_expect(e[3].has_min && e[3].has_max && e[3].min == 1 && e[3].max == 5);
	cr_expect_str_eq(e[3].reason, "invalid answer \"7\" to question \"note\""
	                 ": expected a number from 1 to 5, or nothing");
	cr_expect_str_eq(e[4].question, "freq");
	cr_expect_eq(e[4].code, IMPACT_FIELD_CHOICE);
	cr_expect_str_eq(e[5].question, "act");
	cr_expect_eq(e[5].code, IMPACT_FIELD_CHOICE);
	cr_expect_str_eq(e[6].question, "km");
	cr_expect_eq(e[6].code, IMPACT_FIELD_NUMBER);
	cr_expect_str_eq(e[7].question, "oui");
	cr_expect_eq(e[7].code, IMPACT_FIELD_YESNO);
	cr_expect_str_eq(impact_errmsg(h), e[0].reason);
	cr_expect_str_eq(q("SELECT count(*) FROM respondents;"), "0");
	cr_expect_str_eq(q("SELECT count(*) FROM imports;"), "2");
}

Test(entries, required_and_limits, .init = setup, .fini = teardown)
{
	char big[IMPACT_FIELD_MAX + 2];
	impact_answer_field f[] = { { "mot", big }, { "km", "3" },
	                            { "km", "4" } };
	impact_field_error e[2];
	size_t ne = 0;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* Note is required; the text is too long; km given twice.  Only two
	 * errors fit in the caller's array, all three are counted. */
	cr_expect_eq(add_cap(f, 3, e, 2, &ne), IMPACT_EDATA);
	cr_expect_eq(ne, 3);
	cr_expect_eq(e[0].code, IMPACT_FIELD_TOO_LONG);
	cr_expect_eq(e[1].code, IMPACT_FIELD_UNKNOWN);
	cr_expect_str_eq(e[1].question, "km");
	ne = 0;
	cr_expect_eq(add_cap(f + 1, 1, e, 2, &ne), IMPACT_EDATA);
	cr_expect_eq(ne, 1);
	cr_expect_str_eq(e[0].question, "note");
	cr_expect_eq(e[0].code, IMPACT_FIELD_REQUIRED);
	/* No error array at all: only the count. */
	cr_expect_eq(add(f + 1, 1, NULL, NULL, &ne), IMPACT_EDATA);
	cr_expect_eq(ne, 1);
}

Test(entries, stored_as_the_importer_stores_them, .init = setup,
     .fini = teardown)
{
	impact_answer_field f[] = {
		{ "num", " Q-1 " }, { "quand", "14/03/2025" }, { "note", "4,5" },
		{ "freq", "Souvent" }, { "act", "a;c" }, { "km", "12" },
		{ "oui", "oui" }, { "mot", "Très bien" }, { "lieu", "RUC" },
	};
	impact_import_summary s;
	impact_field_error e[16];
	long long rid = 0;
	size_t ne = 0;
	char sql[200];

	/* The place question is the place of the options, not a field. */
	cr_expect_eq(add(f, 9, &rid, e, &ne), IMPACT_EDATA);
	cr_expect_eq(e[0].code, IMPACT_FIELD_UNKNOWN);
	cr_expect_str_eq(e[0].question, "lieu");
	cr_assert_eq(add(f, 8, &rid, e, &ne), 0, "%s", impact_errmsg(h));
	cr_assert_gt(rid, 0);
	cr_expect_str_eq(answers_of(rid), "quand=2025-03-14;note=4.5;freq=s;"
	                 "act=2;km=12;oui=1;mot=Très bien");
	snprintf(sql, sizeof(sql), "SELECT p.code || '|' || r.period || '|' ||"
	         " r.submitted_on FROM respondents r JOIN places p ON p.id ="
	         " r.place_id WHERE r.id = %lld;", rid);
	cr_expect_str_eq(q(sql), "FAB|2025|2025-03-14");
	snprintf(sql, sizeof(sql), "SELECT group_concat(c.code, '+') FROM"
	         " answer_choices x JOIN choices c ON c.id = x.choice_id WHERE"
	         " x.respondent_id = %lld;", rid);
	cr_expect_str_eq(q(sql), "a+c");
	snprintf(sql, sizeof(sql), "SELECT value FROM answers a JOIN questions"
	         " qq ON qq.id = a.question_id WHERE qq.code = 'freq' AND"
	         " a.respondent_id = %lld;", rid);
	cr_expect_str_eq(q(sql), "2.0");
	cr_expect_str_eq(q("SELECT file_name || '|' || tool || '|' || rows_loaded"
	                   " FROM imports WHERE sha256 = 'form';"), "(form)|form|1");
	cr_expect_str_eq(q("SELECT count(*) FROM form_entries;"), "1");
	/* The same person, same answers, in a file: recognised. */
	cr_assert_eq(impact_import_answers(h, t_write(dir, "a.csv",
	             "num,lieu,quand,note,freq,act,km,oui,mot\n"
	             "Q-1,FAB,14/03/2025,\"4,5\",Souvent,a;c,12,oui,Très bien\n"),
	             "t", NULL, &s), 0, "%s", impact_errmsg(h));
	cr_expect_eq(s.rows_skipped, 1);
	cr_expect_eq(s.rows_loaded, 0);
	/* The same identifier again that year: refused on the identifier. */
	ne = 0;
	cr_expect_eq(add(f, 3, NULL, e, &ne), IMPACT_EDATA);
	cr_expect_eq(ne, 1);
	cr_expect_eq(e[0].code, IMPACT_FIELD_DUPLICATE);
	cr_expect_str_eq(e[0].question, "num");
	/* Without an identifier, two identical entries are two people. */
	cr_expect_eq(add(f + 2, 1, NULL, e, &ne), 0);
	cr_expect_eq(add(f + 2, 1, NULL, e, &ne), 0);
	cr_expect_str_eq(q("SELECT count(*) FROM respondents;"), "3");
	cr_expect_str_eq(q("SELECT rows_loaded FROM imports WHERE sha256 ="
	                   " 'form';"), "3");
	/* A dry run checks and stores nothing, the year not needed. */
	{
		impact_entry_opts o = IMPACT_ENTRY_OPTS_INIT;

		o.survey = "t";
		o.place = "FAB";
		o.dry_run = 1;
		cr_expect_eq(impact_answers_add_one(h, &o, f + 2, 1, NULL, 0, NULL,
		                                    NULL), 0);
		o.period = 0;
		cr_expect_eq(impact_answers_add_one(h, &o, f, 0, e, 16, &ne, NULL),
		             IMPACT_EDATA);
		cr_expect_eq(ne, 1);
		o.dry_run = 0;
		cr_expect_eq(impact_answers_add_one(h, &o, f + 2, 1, NULL, 0, NULL,
		                                    NULL), IMPACT_EUSAGE);
		o.period = 2025;
		o.survey = "nope";
		cr_expect_eq(impact_answers_add_one(h, &o, f + 2, 1, NULL, 0, NULL,
		                                    NULL), IMPACT_ENOTFOUND);
		o.survey = "t";
		o.place = "NOPE";
		cr_expect_eq(impact_answers_add_one(h, &o, f + 2, 1, NULL, 0, NULL,
		                                    NULL), IMPACT_ENOTFOUND);
	}
	cr_expect_str_eq(q("SELECT count(*) FROM respondents;"), "3");
}

struct got {
	char text[512];
};

static int got_cb(void *payload, const char *question, const char *text)
{
	struct got *g = payload;

	snprintf(g->text + strlen(g->text), sizeof(g->text) - strlen(g->text),
	         "%s=%s;", question, text);
	return 0;
}

static int list_cb(void *payload, const impact_entry_info *e)
{
	struct got *g = payload;

	snprintf(g->text + strlen(g->text), sizeof(g->text) - strlen(g->text),
	         "%lld:%s:%s:%d:%lld:%s;", e->respondent, e->survey, e->place,
	         e->period, e->answers, e->changed_at[0] ? "changed" : "new");
	return 0;
}

Test(entries, correct_read_delete, .init = setup, .fini = teardown)
{
	impact_answer_field f[] = {
		{ "num", "Q-1" }, { "note", "3" }, { "act", "b;a" },
		{ "oui", "non" }, { "quand", "2025-01-02" },
	};
	impact_answer_field g[] = { { "note", "5" }, { "freq", "r" } };
	impact_entry_opts o = IMPACT_ENTRY_OPTS_INIT;
	impact_entry_info info;
	impact_import_summary s;
	struct got got;
	long long rid = 0, rid2 = 0, other = 0;
	char key[65], want[80];

	cr_assert_eq(add(f, 5, &rid, NULL, NULL), 0, "%s", impact_errmsg(h));
	/* Read back as a form shows it. */
	memset(&got, 0, sizeof(got));
	cr_assert_eq(impact_entry_get(h, rid, "FAB", &info, got_cb, &got), 0);
	cr_expect_str_eq(got.text, "quand=2025-01-02;note=3;act=a;b;oui=non;");
	cr_expect_str_eq(info.survey, "t");
	cr_expect_str_eq(info.place, "FAB");
	cr_expect_eq(info.period, 2025);
	cr_expect_str_eq(info.submitted_on, "2025-01-02");
	cr_expect_eq(impact_entry_get(h, rid, "RUC", &info, NULL, NULL),
	             IMPACT_ENOTFOUND);
	/* Correct it: same respondent, key kept without an identifier. */
	snprintf(key, sizeof(key), "%s", q("SELECT key FROM respondents;"));
	o.survey = "t";
	o.place = "FAB";
	o.period = 2024;
	o.respondent = rid;
	cr_assert_eq(impact_answers_add_one(h, &o, g, 2, NULL, 0, NULL, &rid2),
	             0, "%s", impact_errmsg(h));
	cr_expect_eq(rid2, rid);
	cr_expect_str_eq(answers_of(rid), "note=5;freq=r");
	cr_expect_str_eq(q("SELECT key FROM respondents;"), key);
	cr_expect_str_eq(q("SELECT period || '|' || coalesce(submitted_on, '-')"
	                   " FROM respondents;"), "2024|-");
	cr_expect_str_eq(q("SELECT count(*) FROM answer_choices;"), "0");
	cr_expect_str_neq(q("SELECT coalesce(changed_at, '') FROM"
	                    " form_entries;"), "");
	/* A refused correction changes nothing. */
	g[0].text = "0";
	cr_expect_eq(impact_answers_add_one(h, &o, g, 2, NULL, 0, NULL, NULL),
	             IMPACT_EDATA);
	cr_expect_str_eq(answers_of(rid), "note=5;freq=r");
	/* Only a form entry of that place and survey can be replaced. */
	o.place = "RUC";
	g[0].text = "2";
	cr_expect_eq(impact_answers_add_one(h, &o, g, 2, NULL, 0, NULL, NULL),
	             IMPACT_ENOTFOUND);
	cr_assert_eq(impact_import_answers(h, t_write(dir, "a.csv",
	             "num,lieu,note,period\nF-9,FAB,2,2025\n"), "t", NULL, &s),
	             0, "%s", impact_errmsg(h));
	other = atoll(q("SELECT max(id) FROM respondents;"));
	o.place = "FAB";
	o.respondent = other;
	cr_expect_eq(impact_answers_add_one(h, &o, g, 2, NULL, 0, NULL, NULL),
	             IMPACT_ENOTFOUND);
	cr_expect_eq(impact_entry_get(h, other, NULL, NULL, NULL, NULL),
	             IMPACT_ENOTFOUND);
	cr_expect_eq(impact_entry_delete(h, other, "FAB"), IMPACT_ENOTFOUND);
	/* Listing: this place's form entries only. */
	cr_assert_eq(add(f + 1, 1, &rid2, NULL, NULL), 0);
	memset(&got, 0, sizeof(got));
	cr_assert_eq(impact_entries_each(h, "FAB", list_cb, &got), 0);
	snprintf(want, sizeof(want), "%lld:t:FAB:2025:1:new;%lld:t:FAB:2024:2:"
	         "changed;", rid2, rid);
	cr_expect_str_eq(got.text, want);
	memset(&got, 0, sizeof(got));
	cr_assert_eq(impact_entries_each(h, "RUC", list_cb, &got), 0);
	cr_expect_str_eq(got.text, "");
	/* Deleting: from its place only, with its answers. */
	cr_expect_eq(impact_entry_delete(h, rid, "RUC"), IMPACT_ENOTFOUND);
	cr_expect_eq(impact_entry_delete(h, rid, "FAB"), 0);
	cr_expect_str_eq(answers_of(rid), "");
	cr_expect_str_eq(q("SELECT count(*) FROM form_entries;"), "1");
	cr_expect_str_eq(q("SELECT rows_loaded FROM imports WHERE sha256 ="
	                   " 'form';"), "1");
	cr_expect_eq(impact_entry_delete(h, rid, "FAB"), IMPACT_ENOTFOUND);
}

static int counts_cb(void *payload, const impact_place_count *c)
{
	struct got *g = payload;

	snprintf(g->text + strlen(g->text), sizeof(g->text) - strlen(g->text),
	         "%s:%d:%lld:%lld;", c->survey, c->period, c->respondents,
	         c->entries);
	return 0;
}

static int question_cb(void *payload, const impact_question_info *qi)
{
	struct got *g = payload;
	size_t i;

	snprintf(g->text + strlen(g->text), sizeof(g->text) - strlen(g->text),
	         "%d.%s:%s:%s%s", qi->position, qi->code, qi->kind,
	         qi->role ? qi->role : "", qi->required ? "!" : "");
	if (qi->has_min)
		snprintf(g->text + strlen(g->text),
		         sizeof(g->text) - strlen(g->text), "[%g,%g]", qi->min,
		         qi->max);
	for (i = 0; i < qi->nchoices; i++)
		snprintf(g->text + strlen(g->text),
		         sizeof(g->text) - strlen(g->text), "%s%s=%s/%s",
		         i ? "," : "(", qi->choices[i].code, qi->choices[i].label_fr,
		         qi->choices[i].label_en ? qi->choices[i].label_en : "-");
	snprintf(g->text + strlen(g->text), sizeof(g->text) - strlen(g->text),
	         "%s;", qi->nchoices ? ")" : "");
	return 0;
}

static int unit_cb(void *payload, const impact_unit_info *u)
{
	struct got *g = payload;

	snprintf(g->text + strlen(g->text), sizeof(g->text) - strlen(g->text),
	         "%s:%s:%s;", u->code, u->name, u->territory ? u->territory
	                                                       : "-");
	return 0;
}

Test(entries, counts_questions_register, .init = setup, .fini = teardown)
{
	impact_answer_field f[] = { { "note", "3" } };
	impact_import_summary s;
	struct got got;

	cr_assert_eq(add(f, 1, NULL, NULL, NULL), 0);
	cr_assert_eq(impact_import_answers(h, t_write(dir, "a.csv",
	             "num,lieu,note,period\nF-1,FAB,2,2025\nF-2,FAB,2,2024\n"
	             "F-3,RUC,2,2025\n"), "t", NULL, &s), 0);
	memset(&got, 0, sizeof(got));
	cr_assert_eq(impact_place_counts_each(h, "FAB", counts_cb, &got), 0);
	cr_expect_str_eq(got.text, "t:2025:2:1;t:2024:1:0;");
	memset(&got, 0, sizeof(got));
	cr_assert_eq(impact_survey_questions_each(h, "t", question_cb, &got), 0);
	cr_expect_str_eq(got.text, "1.num:text:respondent;2.lieu:text:place!;"
	                 "3.quand:date:date;4.note:scale:![1,5];"
	                 "5.freq:single:[1,2](r=Rarement/-,s=Souvent/Often);"
	                 "6.act:multiple:(a=Atelier/-,b=Bar/-,c=Café/-);"
	                 "7.km:number:[0,300];8.oui:yesno:[0,1];9.mot:text:;");
	cr_expect_eq(impact_survey_questions_each(h, "nope", question_cb, &got),
	             IMPACT_ENOTFOUND);
	memset(&got, 0, sizeof(got));
	cr_assert_eq(impact_places_each(h, unit_cb, &got), 0);
	cr_expect_str_eq(got.text, "FAB:La Fabrique:VDL;RUC:La Ruche:VDL;");
	memset(&got, 0, sizeof(got));
	cr_assert_eq(impact_territories_each(h, unit_cb, &got), 0);
	cr_expect_str_eq(got.text, "VDL:Val de Lière:-;");
}

Test(entries, only_place_of_an_upload, .init = setup, .fini = teardown)
{
	impact_import_opts o = IMPACT_IMPORT_OPTS_INIT;
	impact_import_summary s;

	/* Answers: FAB's row and the row without a place are FAB's; RUC's
	 * is kept aside at its place column. */
	o.only_place = "FAB";
	cr_assert_eq(impact_import_answers(h, t_write(dir, "a.csv",
	             "num,lieu,note,period\nF-1,FAB,2,2025\nF-2,RUC,2,2025\n"
	             "F-3,,4,2025\n"), "t", &o, &s), 0, "%s", impact_errmsg(h));
	cr_expect_eq(s.rows_loaded, 2);
	cr_expect_eq(s.rows_rejected, 1);
	cr_expect_str_eq(q("SELECT line || ':' || column_no || ':' || reason FROM"
	                   " rejects;"), "3:2:place \"RUC\" is not \"FAB\": this"
	                 " file may hold only the answers of \"FAB\"");
	cr_expect_str_eq(q("SELECT group_concat(p.code) FROM respondents r JOIN"
	                   " places p ON p.id = r.place_id;"), "FAB,FAB");
	/* Activities likewise. */
	cr_assert_eq(impact_import_activities(h, t_write(dir, "act.csv",
	             "place,date,category,hours,participants\n"
	             "RUC,2025-03-01,atelier,2,5\n"
	             "FAB,2025-03-02,atelier,2,6\n"
	             ",2025-03-03,atelier,1,3\n"), &o, &s), 0, "%s",
	             impact_errmsg(h));
	cr_expect_eq(s.rows_loaded, 2);
	cr_expect_eq(s.rows_rejected, 1);
	cr_expect_str_eq(q("SELECT group_concat(participants) FROM activities a"
	                   " JOIN places p ON p.id = a.place_id WHERE p.code ="
	                   " 'FAB';"), "6,3");
	cr_expect_str_eq(q("SELECT line || ':' || column_no FROM rejects WHERE"
	                   " import_id = (SELECT max(id) FROM imports);"), "2:1");
	/* --place fills a required place question too (no place column). */
	{
		impact_import_opts p = IMPACT_IMPORT_OPTS_INIT;

		p.place = "RUC";
		cr_assert_eq(impact_import_answers(h, t_write(dir, "a3.csv",
		             "num,note,period\nR-1,3,2025\n"), "t", &p, &s), 0,
		             "%s", impact_errmsg(h));
		cr_expect_eq(s.rows_loaded, 1);
		cr_expect_eq(s.rows_rejected, 0);
	}
	/* An unknown place refuses the file. */
	o.only_place = "NOPE";
	cr_expect_eq(impact_import_activities(h, t_write(dir, "act2.csv",
	             "place,date,category,hours,participants\n"
	             "FAB,2025-03-04,atelier,2,6\n"), &o, &s), IMPACT_ENOTFOUND);
	cr_expect_eq(impact_import_answers(h, t_write(dir, "a2.csv",
	             "num,lieu,note,period\nF-9,FAB,2,2025\n"), "t", &o, &s),
	             IMPACT_ENOTFOUND);
}

/* An answers import stores with foreign-key checks off for its own
 * transaction (it proves its references): they are on again after it,
 * whether it committed or was refused (--strict), and what it stored
 * breaks no reference. */
Test(entries, foreign_keys_on_after_an_import, .init = setup,
     .fini = teardown)
{
	impact_import_opts o = IMPACT_IMPORT_OPTS_INIT;
	impact_import_summary s;
	const char *csv = "num,lieu,quand,note,freq,act\n"
	                  "F-1,FAB,14/03/2025,4,Souvent,a;c\n"
	                  "F-2,RUC,15/03/2025,9,Rarement,b\n";

	cr_expect_str_eq(q("PRAGMA foreign_keys;"), "1");
	o.strict = 1;
	cr_expect_eq(impact_import_answers(h, t_write(dir, "bad.csv", csv),
	                                   "t", &o, &s), IMPACT_EDATA);
	cr_expect_str_eq(q("PRAGMA foreign_keys;"), "1");
	cr_expect_str_eq(q("SELECT count(*) FROM respondents;"), "0");
	cr_assert_eq(impact_import_answers(h, t_write(dir, "ok.csv", csv),
	                                   "t", NULL, &s), 0, "%s",
	             impact_errmsg(h));
	cr_expect_eq(s.rows_loaded, 1);
	cr_expect_eq(s.rows_rejected, 1);
	cr_expect_str_eq(q("PRAGMA foreign_keys;"), "1");
	cr_expect_str_eq(q("SELECT count(*) FROM pragma_foreign_key_check;"),
	                 "0");
	/* Enforced again: an answer of no respondent is refused. */
	cr_expect_neq(sqlite3_exec(h->db, "INSERT INTO answers (respondent_id,"
	                           " question_id, value) VALUES (999, 1, 1);",
	                           NULL, NULL, NULL), SQLITE_OK);
	cr_expect_str_eq(q("SELECT count(*) FROM answer_choices;"), "2");
}
