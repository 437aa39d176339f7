/*
 * Unit tests of surveys/survey.c (impact_survey_add) and of the JSON
 * position index behind its messages (surveys/jsonpos.c).
 *
 * A full definition is checked against the rows it must store (values
 * written out by hand from docs/formats.md's rules).  Every refusal is
 * checked with its exact message and file:line:column: the JSON texts
 * are laid out one question per line, and each expected position is the
 * line of the offending value (or key, or enclosing object for a missing
 * key) and its character column (1-based, multi-byte characters counting
 * one, as jansson counts), counted on the text itself.  Syntax errors
 * carry jansson's own position: the last character of the token where
 * the parser stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "helpers.h"
#include "../../surveys/jsonpos.h"

static const char *dir;
static impact *h;

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

TestSuite(survey, .init = setup, .fini = teardown);

/*
 * Run `sql` on the test database (a second connection) and return its
 * rows as text, "a|b|c\n" per row: NULL as "-", numbers as "%g" (caller
 * frees).
 */
static char *rows(const char *sql)
{
	char path[512], *out = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&out, &size);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int i;

	cr_assert_not_null(mem);
	snprintf(path, sizeof(path), "%s/impact.db", dir);
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	             SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
	             "%s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			if (i)
				fputc('|', mem);
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				fputc('-', mem);
				break;
			case SQLITE_FLOAT:
				fprintf(mem, "%g", sqlite3_column_double(st, i));
				break;
			default:
				fputs((const char *)sqlite3_column_text(st, i), mem);
			}
		}
		fputc('\n', mem);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	fclose(mem);
	return out;
}

/* Assert that `sql` returns exactly `want`. */
static void check_rows(const char *sql, const char *want)
{
	char *got = rows(sql);

	cr_expect_str_eq(got, want, "query: %s", sql);
	free(got);
}

/* Every type, role and rule once: the rows below follow from
 * docs/formats.md (rating 0..10, yesno 0..1, single with values from its
 * smallest and largest value, other types without bounds). */
static const char full[] =
	"{\"id\": \"full\", \"title\": {\"fr\": \"Complet\", \"en\": \"Full\"},\n"
	" \"questions\": [\n"
	"  {\"id\": \"num\", \"role\": \"respondent\", \"type\": \"text\",\n"
	"   \"label\": {\"fr\": \"Numéro\"}},\n"
	"  {\"id\": \"lieu\", \"role\": \"place\", \"type\": \"text\",\n"
	"   \"required\": true, \"label\": {\"fr\": \"Lieu\", \"en\": \"Place\"},\n"
	"   \"aliases\": [\"tiers-lieu\", \"code lieu\"]},\n"
	"  {\"id\": \"quand\", \"role\": \"date\", \"type\": \"date\",\n"
	"   \"label\": {\"fr\": \"Date\"}},\n"
	"  {\"id\": \"sat\", \"type\": \"rating\", \"domain\": \"psychological\",\n"
	"   \"label\": {\"fr\": \"Satisfaction\"}},\n"
	"  {\"id\": \"sc\", \"type\": \"scale\", \"min\": 1, \"max\": 5,\n"
	"   \"domain\": \"health\", \"label\": {\"fr\": \"Santé\"}},\n"
	"  {\"id\": \"lien\", \"type\": \"single\", \"domain\": \"community\",\n"
	"   \"label\": {\"fr\": \"Entouré\"}, \"choices\": [\n"
	"    {\"code\": \"1\", \"value\": 1,\n"
	"     \"label\": {\"fr\": \"Pas du tout\", \"en\": \"Not at all\"}},\n"
	"    {\"code\": \"2\", \"value\": 2.5, \"label\": {\"fr\": \"Un peu\"}},\n"
	"    {\"code\": \"ns\", \"label\": {\"fr\": \"Ne sait pas\"}},\n"
	"    {\"code\": \"4\", \"value\": 4, \"label\": {\"fr\": \"Tout à fait\"}}\n"
	"   ]},\n"
	"  {\"id\": \"imp_sante\", \"type\": \"rating\", \"importance_of\": "
	"\"health\",\n"
	"   \"label\": {\"fr\": \"Importance de la santé\"}},\n"
	"  {\"id\": \"yn\", \"type\": \"yesno\", \"required\": false,\n"
	"   \"label\": {\"fr\": \"Première visite\"}},\n"
	"  {\"id\": \"comp\", \"type\": \"multiple\",\n"
	"   \"label\": {\"fr\": \"Compétences\"}, \"choices\": [\n"
	"    {\"code\": \"num\", \"label\": {\"fr\": \"Numérique\"}},\n"
	"    {\"code\": \"cuis\", \"label\": {\"fr\": \"Cuisine\"}}]},\n"
	"  {\"id\": \"km\", \"type\": \"number\", \"min\": 0, \"max\": 300,\n"
	"   \"label\": {\"fr\": \"Kilomètres\"}},\n"
	"  {\"id\": \"n\", \"type\": \"number\", \"label\": {\"fr\": \"Nombre\"}},\n"
	"  {\"id\": \"m\", \"type\": \"number\", \"min\": -1,\n"
	"   \"label\": {\"fr\": \"Minimum seul\"}},\n"
	"  {\"id\": \"age\", \"role\": \"age_band\", \"type\": \"single\",\n"
	"   \"label\": {\"fr\": \"Âge\"}, \"aliases\": [\"Âge\", \"tranche d'âge\"],\n"
	"   \"choices\": [{\"code\": \"18-29\", \"label\": {\"fr\": \"18 à 29 ans\"}},\n"
	"               {\"code\": \"30+\", \"label\": {\"fr\": \"30 ans et plus\"}}]},\n"
	"  {\"id\": \"note\", \"type\": \"text\", \"label\": {\"fr\": \"Remarque\"}}\n"
	" ]}\n";

Test(survey, full_definition_stores_expected_rows)
{
	const char *path = t_write(dir, "full.json", full);
	char *code = NULL, *def;
	int existed = -1;

	cr_assert_eq(impact_survey_add(h, path, &code, &existed), IMPACT_OK,
	             "%s", impact_errmsg(h));
	cr_assert_str_eq(code, "full");
	cr_assert_eq(existed, 0);
	free(code);
	check_rows("SELECT code, title_fr, title_en FROM surveys;",
	           "full|Complet|Full\n");
	def = rows("SELECT definition FROM surveys;");
	cr_expect_eq(strlen(def), strlen(full) + 1);
	cr_expect_eq(strncmp(def, full, strlen(full)), 0);
	free(def);
	check_rows("SELECT position, code, kind, min, max, domain,"
	           " importance_of, required, role, label_fr, label_en"
	           " FROM questions ORDER BY position;",
	           "1|num|text|-|-|-|-|0|respondent|Numéro|-\n"
	           "2|lieu|text|-|-|-|-|1|place|Lieu|Place\n"
	           "3|quand|date|-|-|-|-|0|date|Date|-\n"
	           "4|sat|rating|0|10|psychological|-|0|-|Satisfaction|-\n"
	           "5|sc|scale|1|5|health|-|0|-|Santé|-\n"
	           "6|lien|single|1|4|community|-|0|-|Entouré|-\n"
	           "7|imp_sante|rating|0|10|-|health|0|-|"
	           "Importance de la santé|-\n"
	           "8|yn|yesno|0|1|-|-|0|-|Première visite|-\n"
	           "9|comp|multiple|-|-|-|-|0|-|Compétences|-\n"
	           "10|km|number|0|300|-|-|0|-|Kilomètres|-\n"
	           "11|n|number|-|-|-|-|0|-|Nombre|-\n"
	           "12|m|number|-1|-|-|-|0|-|Minimum seul|-\n"
	           "13|age|single|-|-|-|-|0|age_band|Âge|-\n"
	           "14|note|text|-|-|-|-|0|-|Remarque|-\n");
	check_rows("SELECT q.code, c.position, c.code, c.label_fr, c.label_en,"
	           " c.value FROM choices c JOIN questions q"
	           " ON q.id = c.question_id ORDER BY q.position, c.position;",
	           "lien|1|1|Pas du tout|Not at all|1\n"
	           "lien|2|2|Un peu|-|2.5\n"
	           "lien|3|ns|Ne sait pas|-|-\n"
	           "lien|4|4|Tout à fait|-|4\n"
	           "comp|1|num|Numérique|-|-\n"
	           "comp|2|cuis|Cuisine|-|-\n"
	           "age|1|18-29|18 à 29 ans|-|-\n"
	           "age|2|30+|30 ans et plus|-|-\n");
	check_rows("SELECT q.code, a.alias FROM question_aliases a"
	           " JOIN questions q ON q.id = a.question_id"
	           " ORDER BY q.position, a.alias;",
	           "lieu|code lieu\n"
	           "lieu|tiers-lieu\n"
	           "age|tranche d'âge\n"
	           "age|Âge\n");
}

Test(survey, single_takes_bounds_from_choice_values)
{
	static const char json[] =
		"{\"id\": \"s\", \"title\": {\"fr\": \"S\"}, \"questions\": [\n"
		" {\"id\": \"a\", \"type\": \"single\", \"label\": {\"fr\": \"A\"},\n"
		"  \"choices\": [{\"code\": \"x\", \"value\": 2, \"label\": "
		"{\"fr\": \"X\"}},\n"
		"   {\"code\": \"y\", \"value\": -3, \"label\": {\"fr\": \"Y\"}},\n"
		"   {\"code\": \"z\", \"value\": 0.5, \"label\": {\"fr\": \"Z\"}}]},\n"
		" {\"id\": \"b\", \"type\": \"single\", \"label\": {\"fr\": \"B\"},\n"
		"  \"choices\": [{\"code\": \"x\", \"label\": {\"fr\": \"X\"}},\n"
		"   {\"code\": \"y\", \"label\": {\"fr\": \"Y\"}}]}]}\n";

	cr_assert_eq(impact_survey_add(h, t_write(dir, "s.json", json), NULL,
	             NULL), IMPACT_OK, "%s", impact_errmsg(h));
	check_rows("SELECT code, min, max FROM questions ORDER BY position;",
	           "a|-3|2\n"
	           "b|-|-\n");
	check_rows("SELECT code, value FROM choices ORDER BY id;",
	           "x|2\ny|-3\nz|0.5\nx|-\ny|-\n");
}

Test(survey, identical_readd_is_a_noop_other_definition_refused)
{
	const char *path = t_write(dir, "full.json", full);
	char *code = NULL, other[sizeof(full) + 8];
	int existed = 0;

	cr_assert_eq(impact_survey_add(h, path, NULL, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(impact_survey_add(h, path, &code, &existed), IMPACT_OK,
	             "%s", impact_errmsg(h));
	cr_expect_eq(existed, 1);
	cr_expect_str_eq(code, "full");
	free(code);
	check_rows("SELECT count(*) FROM surveys;", "1\n");
	check_rows("SELECT count(*) FROM questions;", "14\n");
	/* One more space: same id, another definition. */
	snprintf(other, sizeof(other), " %s", full);
	path = t_write(dir, "other.json", other);
	existed = -1;
	cr_assert_eq(impact_survey_add(h, path, &code, &existed), IMPACT_EDATA);
	cr_expect_null(code);
	cr_expect_eq(existed, 0);
	snprintf(other, sizeof(other), "%s: survey \"full\" already exists "
	         "with another ", path);
	cr_expect_eq(strncmp(impact_errmsg(h), other, strlen(other)), 0,
	             "%s", impact_errmsg(h));
	check_rows("SELECT count(*) FROM questions;", "14\n");
}

/* A definition refused, and the message it must give after "FILE:". */
struct refusal {
	const char *name;   /* what is wrong */
	const char *json;   /* the definition */
	const char *want;   /* "LINE:COLUMN: path: reason" */
};

static const struct refusal refusals[] = {
	{ "unknown key",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"colour\": 1}\n"
	  " ]}\n",
	  "3:55: questions[0]: unknown key \"colour\" (see the "
	  "questionnaire format, docs/formats.md)" },
	{ "missing type",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "3:3: questions[0]: \"type\" is required" },
	{ "bad type",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"likert\", \"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "3:23: questions[0].type: expected one of \"scale\", "
	  "\"rating\", \"yesno\", \"single\", \"multiple\", \"number\", "
	  "\"date\", \"text\"" },
	{ "min >= max",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}},\n"
	  "  {\"id\": \"b\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}},\n"
	  "  {\"id\": \"c\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}},\n"
	  "  {\"id\": \"d\", \"type\": \"scale\", \"min\": 5, \"max\": 1, "
	  "\"label\": {\"fr\": \"D\"}}\n"
	  " ]}\n",
	  "6:49: questions[3].max: must be greater than min (here "
	  "1 <= 5)" },
	{ "no choices",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"single\", \"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "3:3: questions[0]: \"choices\" is required for a \"single\" "
	  "question" },
	{ "duplicate code",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"single\", \"label\": {\"fr\": \"A\"}, "
	  "\"choices\": [\n"
	  "    {\"code\": \"1\", \"label\": {\"fr\": \"Oui\"}},\n"
	  "    {\"code\": \"1\", \"label\": {\"fr\": \"Non\"}}]}\n"
	  " ]}\n",
	  "5:14: questions[0].choices[1].code: \"1\" is already the "
	  "code of choices[0]" },
	{ "duplicate role",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"role\": \"place\", \"type\": \"text\", \"label\": "
	  "{\"fr\": \"A\"}},\n"
	  "  {\"id\": \"b\", \"role\": \"place\", \"type\": \"text\", \"label\": "
	  "{\"fr\": \"B\"}}\n"
	  " ]}\n",
	  "4:23: questions[1].role: role \"place\" is already given "
	  "to questions[0] (\"a\"): each role at most once" },
	{ "respondent rating",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"role\": \"respondent\", \"type\": \"rating\", "
	  "\"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "3:23: questions[0].role: the \"respondent\" question must "
	  "have type \"text\" (this one is \"rating\")" },
	{ "alias is another id",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"sat_vie\", \"type\": \"rating\", \"label\": {\"fr\": "
	  "\"Satisfaction\"}},\n"
	  "  {\"id\": \"b\", \"type\": \"rating\", \"label\": {\"fr\": \"Été\"}, "
	  "\"aliases\": [\"x\", \"Sat-Vie\"]}\n"
	  " ]}\n",
	  "4:74: questions[1].aliases[1]: \"Sat-Vie\" is the id of "
	  "questions[0] (\"sat_vie\"): a column name must name one "
	  "question" },
	{ "alias is another alias",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"aliases\": [\"Âge\"]},\n"
	  "  {\"id\": \"b\", \"type\": \"rating\", \"label\": {\"fr\": \"Âgé\"}, "
	  "\"aliases\": [\"AGE\"]}\n"
	  " ]}\n",
	  "4:69: questions[1].aliases[0]: \"AGE\" is already an "
	  "alias of questions[0] (\"Âge\")" },
	{ "id is another alias",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"aliases\": [\"lien social\"]},\n"
	  "  {\"id\": \"Lien_Social\", \"type\": \"rating\", \"label\": "
	  "{\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "4:10: questions[1].id: \"Lien_Social\" is already an "
	  "alias of questions[0] (\"lien social\")" },
	{ "id folds like another id",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"q-1\", \"type\": \"rating\", \"label\": {\"fr\": "
	  "\"A\"}},\n"
	  "  {\"id\": \"Q_1\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "4:10: questions[1].id: \"Q_1\" is already questions[0].id "
	  "(case, accents and spacing aside)" },
	{ "top unknown key",
	  "{\"id\": \"t\", \"titel\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "1:13: top level: unknown key \"titel\" (see the "
	  "questionnaire format, docs/formats.md)" },
	{ "top unknown key with slash",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"}, \"a/b~c\": 1,\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "1:35: top level: unknown key \"a/b~c\" (see the "
	  "questionnaire format, docs/formats.md)" },
	{ "missing id",
	  "{\"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "1:1: top level: \"id\" is required" },
	{ "bad survey id",
	  "{\"id\": \"mon enquête\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "1:8: id: expected the questionnaire's id: 1 to 64 "
	  "letters, digits, '-', '_' or '.'" },
	{ "title without fr",
	  "{\"id\": \"t\", \"title\": {\"en\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "1:22: title: \"fr\" is required (the French text)" },
	{ "empty questions",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [ ]}\n",
	  "2:15: questions: expected a non-empty array of questions" },
	{ "question not an object",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  \"a\"\n"
	  " ]}\n",
	  "3:3: questions[0]: expected an object with id, label "
	  "and type" },
	{ "bad question id",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a b\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "3:10: questions[0].id: expected a column name: 1 to 64 "
	  "letters, digits, '-', '_' or '.'" },
	{ "label without fr",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"en\": \"A\"}}\n"
	  " ]}\n",
	  "3:42: questions[0].label: \"fr\" is required (the French "
	  "text)" },
	{ "empty label",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"\"}}\n"
	  " ]}\n",
	  "3:49: questions[0].label.fr: expected a non-empty string" },
	{ "min on rating",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"min\": 1}\n"
	  " ]}\n",
	  "3:55: questions[0].min: not allowed for a \"rating\" "
	  "question (a rating is always 0 to 10)" },
	{ "max on single",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"single\", \"max\": 3, \"label\": "
	  "{\"fr\": \"A\"}, \"choices\": [{\"code\": \"x\", \"label\": {\"fr\": "
	  "\"X\"}}]}\n"
	  " ]}\n",
	  "3:33: questions[0].max: not allowed for a \"single\" "
	  "question (a single choice takes its bounds from its "
	  "choices' values)" },
	{ "scale without max",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"scale\", \"min\": 1, \"label\": "
	  "{\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "3:3: questions[0]: \"max\" is required for a \"scale\" "
	  "question" },
	{ "min not a number",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"number\", \"min\": \"0\", \"label\": "
	  "{\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "3:40: questions[0].min: expected a number" },
	{ "choices on rating",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"choices\": []}\n"
	  " ]}\n",
	  "3:55: questions[0].choices: only \"single\" and "
	  "\"multiple\" questions have choices" },
	{ "empty choices",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"multiple\", \"label\": {\"fr\": \"A\"}, "
	  "\"choices\": []}\n"
	  " ]}\n",
	  "3:68: questions[0].choices: expected a non-empty array "
	  "of choices" },
	{ "unknown key in a choice",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"single\", \"label\": {\"fr\": \"A\"}, "
	  "\"choices\": [\n"
	  "    {\"code\": \"1\", \"label\": {\"fr\": \"Oui\"}},\n"
	  "    {\"code\": \"2\", \"label\": {\"fr\": \"Non\"}, \"valeur\": "
	  "0}]}\n"
	  " ]}\n",
	  "5:43: questions[0].choices[1]: unknown key \"valeur\" "
	  "(see the questionnaire format, docs/formats.md)" },
	{ "choice without code",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"single\", \"label\": {\"fr\": \"A\"}, "
	  "\"choices\": [{\"label\": {\"fr\": \"Oui\"}}]}\n"
	  " ]}\n",
	  "3:67: questions[0].choices[0]: \"code\" is required" },
	{ "duplicate choice label",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"single\", \"label\": {\"fr\": \"A\"}, "
	  "\"choices\": [\n"
	  "    {\"code\": \"1\", \"label\": {\"fr\": \"Oui\"}},\n"
	  "    {\"code\": \"2\", \"label\": {\"fr\": \"OUI\"}}]}\n"
	  " ]}\n",
	  "5:35: questions[0].choices[1].label.fr: \"OUI\" is "
	  "already the label of choices[0]" },
	{ "choice value not a number",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"single\", \"label\": {\"fr\": \"A\"}, "
	  "\"choices\": [{\"code\": \"1\", \"value\": \"un\", \"label\": "
	  "{\"fr\": \"Un\"}}]}\n"
	  " ]}\n",
	  "3:90: questions[0].choices[0].value: expected a number" },
	{ "equal choice values",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"single\", \"label\": {\"fr\": \"A\"}, "
	  "\"choices\": [\n"
	  "    {\"code\": \"1\", \"value\": 2, \"label\": {\"fr\": \"Oui\"}},\n"
	  "    {\"code\": \"2\", \"value\": 2, \"label\": {\"fr\": \"Non\"}}]}\n"
	  " ]}\n",
	  "3:66: questions[0].choices: the choices' values must "
	  "not all be equal (here all 2): give two values at "
	  "least, or none" },
	{ "semicolon in a multiple code",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"multiple\", \"label\": {\"fr\": \"A\"}, "
	  "\"choices\": [{\"code\": \"a;b\", \"label\": {\"fr\": \"AB\"}}]}\n"
	  " ]}\n",
	  "3:78: questions[0].choices[0].code: \"a;b\": a code of a "
	  "multiple choice cannot hold ';' (it separates the codes "
	  "chosen)" },
	{ "domain on text",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"text\", \"domain\": \"health\", "
	  "\"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "3:41: questions[0].domain: a \"text\" question cannot "
	  "count in a well-being domain (its answers are not "
	  "numbers)" },
	{ "bad domain",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"domain\": \"bien être\"}\n"
	  " ]}\n",
	  "3:65: questions[0].domain: expected a short word such "
	  "as \"health\": 1 to 64 letters, digits, '-', '_' or '.'" },
	{ "importance_of on single",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"domain\": \"health\"},\n"
	  "  {\"id\": \"b\", \"type\": \"yesno\", \"importance_of\": "
	  "\"health\", \"label\": {\"fr\": \"B\"}}\n"
	  " ]}\n",
	  "4:49: questions[1].importance_of: only for a \"rating\" "
	  "or \"scale\" question (this one is \"yesno\")" },
	{ "importance_of with domain",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"domain\": \"health\", \"importance_of\": \"health\"}\n"
	  " ]}\n",
	  "3:92: questions[0].importance_of: a question asking the "
	  "importance of a domain cannot itself have a \"domain\"" },
	{ "importance_of twice",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"domain\": \"health\"},\n"
	  "  {\"id\": \"b\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"importance_of\": \"health\"},\n"
	  "  {\"id\": \"c\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"importance_of\": \"health\"}\n"
	  " ]}\n",
	  "5:72: questions[2].importance_of: the importance of "
	  "\"health\" is already asked by questions[1]" },
	{ "importance_of unknown domain",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"domain\": \"health\"},\n"
	  "  {\"id\": \"b\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"importance_of\": \"sante\"}\n"
	  " ]}\n",
	  "4:72: questions[1].importance_of: no question has "
	  "domain \"sante\"" },
	{ "required not boolean",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"required\": \"oui\"}\n"
	  " ]}\n",
	  "3:67: questions[0].required: expected true or false" },
	{ "aliases not an array",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"aliases\": \"x\"}\n"
	  " ]}\n",
	  "3:66: questions[0].aliases: expected an array of column "
	  "names" },
	{ "empty alias",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"aliases\": [\"a1\", \"\"]}\n"
	  " ]}\n",
	  "3:73: questions[0].aliases[1]: expected a non-empty "
	  "string" },
	{ "alias without letters",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"aliases\": [\"?!\"]}\n"
	  " ]}\n",
	  "3:67: questions[0].aliases[0]: \"?!\": a column name "
	  "needs a letter or a digit" },
	{ "duplicate alias",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"aliases\": [\"Code lieu\", \"code_lieu\"]}\n"
	  " ]}\n",
	  "3:80: questions[0].aliases[1]: \"code_lieu\" is already "
	  "aliases[0] (case, accents and spacing aside)" },
	{ "same alias twice",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"aliases\": [\"x\", \"x\"]}\n"
	  " ]}\n",
	  "3:72: questions[0].aliases[1]: \"x\" is already aliases[0]" },
	{ "unknown role",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"type\": \"rating\", \"label\": {\"fr\": \"A\"}, "
	  "\"role\": \"age\"}\n"
	  " ]}\n",
	  "3:63: questions[0].role: expected one of \"place\", "
	  "\"respondent\", \"date\", \"age_band\", \"sex\", \"commune\", "
	  "\"activity_status\"" },
	{ "date role on text",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"role\": \"date\", \"type\": \"text\", \"label\": "
	  "{\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "3:23: questions[0].role: the \"date\" question must have "
	  "type \"date\" (this one is \"text\")" },
	{ "place role on number",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
	  " \"questions\": [\n"
	  "  {\"id\": \"a\", \"role\": \"place\", \"type\": \"number\", "
	  "\"label\": {\"fr\": \"A\"}}\n"
	  " ]}\n",
	  "3:23: questions[0].role: the \"place\" question must have "
	  "type \"text\" or \"single\" (this one is \"number\")" },
	{ "root not an object",
	  "[1]\n",
	  "1:1: top level: expected a JSON object with id, title "
	  "and questions" },
};

Test(survey, refusals_name_file_line_column)
{
	char name[32], want[600];
	size_t i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		const char *path;
		char *code = (char *)"unchanged";

		snprintf(name, sizeof(name), "bad%zu.json", i);
		path = t_write(dir, name, r->json);
		cr_expect_eq(impact_survey_add(h, path, &code, NULL),
		             IMPACT_EDATA, "%s: accepted", r->name);
		cr_expect_null(code, "%s", r->name);
		snprintf(want, sizeof(want), "%s:%s", path, r->want);
		cr_expect_str_eq(impact_errmsg(h), want, "%s: got %s", r->name,
		                 impact_errmsg(h));
	}
	check_rows("SELECT (SELECT count(*) FROM surveys),"
	           " (SELECT count(*) FROM questions);", "0|0\n");
}

/* An unknown key too long for the position index's pointers is reported
 * at its object: questions[0] starts at line 2, column 2. */
Test(survey, long_unknown_key_reported_at_its_object)
{
	char json[1024], key[301], want[1024];
	const char *path;

	memset(key, 'k', 300);
	key[300] = '\0';
	snprintf(json, sizeof(json), "{\"id\": \"t\", \"title\": {\"fr\": "
	         "\"T\"}, \"questions\": [\n {\"id\": \"a\", \"type\": "
	         "\"rating\", \"label\": {\"fr\": \"A\"}, \"%s\": 1}]}\n",
	         key);
	path = t_write(dir, "long.json", json);
	cr_assert_eq(impact_survey_add(h, path, NULL, NULL), IMPACT_EDATA);
	snprintf(want, sizeof(want), "%s:2:2: questions[0]: unknown key "
	         "\"%s\" (see the questionnaire format, docs/formats.md)",
	         path, key);
	cr_expect_str_eq(impact_errmsg(h), want);
}

/* jansson's positions: the parser stops on the token after the missing
 * comma, `"questions"` on line 2, columns 2 to 12; it reports the line
 * and the column of the token's last character.  Line 1 holds a
 * multi-byte character, which must not shift line 2. */
Test(survey, syntax_error_has_jansson_position)
{
	const char *path = t_write(dir, "syntax.json",
		"{\"id\": \"t\", \"title\": {\"fr\": \"Été\"}\n"
		" \"questions\": []}\n");
	char want[600];

	cr_assert_eq(impact_survey_add(h, path, NULL, NULL), IMPACT_EDATA);
	snprintf(want, sizeof(want), "%s:2:12: '}' expected near "
	         "'\"questions\"'", path);
	cr_expect_str_eq(impact_errmsg(h), want);
}

/* A key given twice is a syntax error for jansson (JSON_REJECT_DUPLICATES):
 * reported at the last character of the second key, "id" at columns 2
 * to 5 of line 2. */
Test(survey, duplicate_key_refused)
{
	const char *path = t_write(dir, "dup.json",
		"{\"id\": \"a\",\n"
		" \"id\": \"b\", \"title\": {\"fr\": \"T\"}, \"questions\": []}\n");
	char want[600];

	cr_assert_eq(impact_survey_add(h, path, NULL, NULL), IMPACT_EDATA);
	snprintf(want, sizeof(want), "%s:2:5: duplicate object key near "
	         "'\"id\"'", path);
	cr_expect_str_eq(impact_errmsg(h), want);
}

/* A UTF-8 byte-order mark is skipped and not counted as a column: the
 * empty questions array is at line 1, column 48 as an editor shows it. */
Test(survey, bom_skipped_positions_unchanged)
{
	static const char json[] = "\xEF\xBB\xBF"
		"{\"id\": \"t\", \"title\": {\"fr\": \"T\"}, \"questions\": []}\n";
	const char *path = t_write(dir, "bom.json", json);
	char want[600];

	cr_assert_eq(impact_survey_add(h, path, NULL, NULL), IMPACT_EDATA);
	snprintf(want, sizeof(want), "%s:1:48: questions: expected a "
	         "non-empty array of questions", path);
	cr_expect_str_eq(impact_errmsg(h), want);
}

Test(survey, missing_file_not_found)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/absent.json", dir);
	cr_expect_eq(impact_survey_add(h, path, NULL, NULL), IMPACT_ENOTFOUND);
}

/* Where the default questionnaire is, from the repository root or from
 * the test's folder. */
static const char *default_path(void)
{
	static const char *const tries[] = {
		"surveys/questionnaires/default.json",
		"../surveys/questionnaires/default.json",
		"../../surveys/questionnaires/default.json",
		"../../../surveys/questionnaires/default.json",
	};
	size_t i;

	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		if (access(tries[i], R_OK) == 0)
			return tries[i];
	cr_assert_fail("surveys/questionnaires/default.json not found from "
	               "the current folder");
	return NULL;
}

/* The shipped questionnaire: nine GNH domains plus "local", each with 1
 * to 4 questions, the ten importance ratings, the three roles of a paper
 * questionnaire and the four demographics. */
Test(survey, default_questionnaire_loads)
{
	char *code = NULL;

	cr_assert_eq(impact_survey_add(h, default_path(), &code, NULL),
	             IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_str_eq(code, "impact-defaut");
	free(code);
	check_rows("SELECT count(*) FROM questions;", "48\n");
	check_rows("SELECT domain, count(*) FROM questions"
	           " WHERE domain IS NOT NULL GROUP BY domain ORDER BY domain;",
	           "community|3\n"
	           "culture|2\n"
	           "ecology|2\n"
	           "education|2\n"
	           "governance|2\n"
	           "health|2\n"
	           "living_standards|2\n"
	           "local|4\n"
	           "psychological|3\n"
	           "time_use|2\n");
	/* Every domain question has bounds, so all count in the score. */
	check_rows("SELECT count(*) FROM questions WHERE domain IS NOT NULL"
	           " AND (min IS NULL OR max IS NULL);", "0\n");
	check_rows("SELECT importance_of, kind, min, max FROM questions"
	           " WHERE importance_of IS NOT NULL ORDER BY importance_of;",
	           "community|rating|0|10\n"
	           "culture|rating|0|10\n"
	           "ecology|rating|0|10\n"
	           "education|rating|0|10\n"
	           "governance|rating|0|10\n"
	           "health|rating|0|10\n"
	           "living_standards|rating|0|10\n"
	           "local|rating|0|10\n"
	           "psychological|rating|0|10\n"
	           "time_use|rating|0|10\n");
	check_rows("SELECT role, code, kind, required FROM questions"
	           " WHERE role IS NOT NULL ORDER BY position;",
	           "respondent|numero|text|0\n"
	           "place|lieu|text|1\n"
	           "date|date_saisie|date|0\n"
	           "age_band|age|single|0\n"
	           "sex|sexe|single|0\n"
	           "commune|commune|text|0\n"
	           "activity_status|situation|single|0\n");
	check_rows("SELECT code, kind, min, max FROM questions"
	           " WHERE domain IS NULL AND importance_of IS NULL"
	           " AND role IS NULL ORDER BY position;",
	           "competences_acquises|multiple|-|-\n"
	           "engagement_local|single|-|-\n"
	           "distance_km|number|0|300\n"
	           "jours_par_mois|number|0|31\n"
	           "mode_venue|single|-|-\n"
	           "premiere_annee|yesno|0|1\n"
	           "projet_lance|yesno|0|1\n");
	/* English labels everywhere. */
	check_rows("SELECT (SELECT count(*) FROM questions"
	           "  WHERE label_en IS NULL),"
	           " (SELECT count(*) FROM choices WHERE label_en IS NULL);",
	           "0|0\n");
	check_rows("SELECT count(*) FROM question_aliases a"
	           " JOIN questions q ON q.id = a.question_id"
	           " WHERE q.code = 'sexe' AND a.alias IN ('genre', 'sex');",
	           "2\n");
}

/* The index itself: keys with '/' and '~' (RFC 6901 escapes), a \u
 * escape, multi-byte characters before a value, arrays in arrays, key
 * positions.  Text (columns counted by hand):
 *   line 1: {"a/b": [1, [2, "é"]],
 *   line 2:  "t~é\u00e9": {"x": null}, "": true}
 */
Test(survey, jsonpos_paths_and_positions)
{
	static const char text[] = "{\"a/b\": [1, [2, \"é\"]],\n"
	                           " \"t~é\\u00e9\": {\"x\": null}, \"\": true}";
	impact_jsonpos *p = NULL;
	char ptr[64];
	int line = 0, col = 0;

	cr_assert_eq(impact__jsonpos_new(&p, text, strlen(text)), IMPACT_OK);
	cr_expect(impact__jsonpos_get(p, "", 0, &line, &col));
	cr_expect(line == 1 && col == 1);
	cr_expect(impact__jsonpos_get(p, "/a~1b", 0, &line, &col));
	cr_expect(line == 1 && col == 9, "%d:%d", line, col);
	cr_expect(impact__jsonpos_get(p, "/a~1b", 1, &line, &col));
	cr_expect(line == 1 && col == 2, "%d:%d", line, col);
	cr_expect(impact__jsonpos_get(p, "/a~1b/1/1", 0, &line, &col));
	cr_expect(line == 1 && col == 17, "%d:%d", line, col);
	/* an array element has no key: its own position */
	cr_expect(impact__jsonpos_get(p, "/a~1b/1/0", 1, &line, &col));
	cr_expect(line == 1 && col == 14, "%d:%d", line, col);
	cr_expect_eq(impact__jsonpos_child(ptr, sizeof(ptr), "", "t~éé"), 0);
	cr_expect_str_eq(ptr, "/t~0éé");
	cr_expect(impact__jsonpos_get(p, ptr, 1, &line, &col));
	cr_expect(line == 2 && col == 2, "%d:%d", line, col);
	cr_expect(impact__jsonpos_get(p, "/t~0éé/x", 0, &line, &col));
	cr_expect(line == 2 && col == 21, "%d:%d", line, col);
	cr_expect(impact__jsonpos_get(p, "/", 1, &line, &col));
	cr_expect(line == 2 && col == 28, "%d:%d", line, col);
	cr_expect(impact__jsonpos_get(p, "/", 0, &line, &col));
	cr_expect(line == 2 && col == 32, "%d:%d", line, col);
	cr_expect_not(impact__jsonpos_get(p, "/a~1b/2", 0, &line, &col));
	cr_expect_not(impact__jsonpos_get(p, "/a/b", 0, &line, &col));
	cr_expect_eq(impact__jsonpos_child(ptr, 4, "/ab", "c"), -1);
	cr_expect_str_eq(ptr, "");
	impact__jsonpos_free(p);
}

