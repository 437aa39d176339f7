/*
 * Unit tests of indicators/library.c: adding indicator libraries
 * (impact_indicators_add) and listing them (impact_indicators_each).
 *
 * The shipped library (indicators/library/default.json) is loaded and
 * checked against the shipped questionnaire, read here with jansson on
 * its own: every question an indicator uses must exist with a type that
 * fits the use and every choice code must be one of the question's.  A
 * small library is checked against the rows it must store, and a
 * replacement against the rows it must leave.  Every refusal is checked
 * with its exact message and file:line:column: the texts put the shared
 * keys of an indicator on line 2 and the keys under test on line 3
 * (after the 18 characters of `   "domain": "d", `), and each expected
 * column is counted by hand on the text (1-based characters, as jansson
 * counts), at the offending value, the key of an unknown or refused key,
 * or the enclosing object (line 2, column 3) of a missing key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>
#include <sqlite3.h>

#include "helpers.h"

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

TestSuite(library, .init = setup, .fini = teardown);

/* Open a second connection on the test database. */
static sqlite3 *db_open(int flags)
{
	char path[512];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/impact.db", dir);
	cr_assert_eq(sqlite3_open_v2(path, &db, flags, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/*
 * Run `sql` on the test database (a second connection) and return its
 * rows as text, "a|b|c\n" per row: NULL as "-", numbers as "%g" (caller
 * frees).
 */
static char *rows(const char *sql)
{
	char *out = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&out, &size);
	sqlite3 *db = db_open(SQLITE_OPEN_READONLY);
	sqlite3_stmt *st = NULL;
	int i;

	cr_assert_not_null(mem);
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
				fprintf(mem, "%g",
				        sqlite3_column_double(st, i));
				break;
			default:
				fputs((const char *)sqlite3_column_text(st, i),
				      mem);
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

/* Run SQL that returns no rows on a second, writing connection. */
static void exec_sql(const char *sql)
{
	sqlite3 *db = db_open(SQLITE_OPEN_READWRITE);
	char *err = NULL;

	cr_assert_eq(sqlite3_exec(db, "PRAGMA foreign_keys = ON;", NULL,
	                          NULL, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK,
	             "%s: %s", sql, err ? err : "");
	sqlite3_close(db);
}

/* Where a file of the repository is, from its root or from below it. */
static const char *repo_path(const char *rel)
{
	static char paths[4][512];
	static int next;
	char *p = paths[next++ % 4];
	const char *up[] = { "", "../", "../../", "../../../" };
	size_t i;

	for (i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		snprintf(p, 512, "%s%s", up[i], rel);
		if (access(p, R_OK) == 0)
			return p;
	}
	cr_assert_fail("%s not found from the current folder", rel);
	return NULL;
}

#define DEFAULT_LIBRARY "indicators/library/default.json"
#define DEFAULT_SURVEY "surveys/questionnaires/default.json"

/* ---------------------------------------------------------------- */
/* The shipped library                                               */

Test(library, default_library_loads)
{
	static const char *const domains[] = {
		"social_link", "economy", "skills", "governance", "culture",
		"environment", "anchoring", "cooperation", "wellbeing"
	};
	static const char *const kinds[] = {
		"mean", "share", "count", "sum", "distinct", "ratio",
		"diversity"
	};
	static const char *const sources[] = { "answers", "activities",
	                                       "facts" };
	char *code = NULL, sql[256], *got;
	size_t n = 0, i;

	cr_assert_eq(impact_indicators_add(h, repo_path(DEFAULT_LIBRARY),
	                                   &code, &n), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_expect_str_eq(code, "defaut");
	free(code);
	cr_expect_geq(n, 32);
	snprintf(sql, sizeof(sql), "SELECT count(*) = %zu, max(position) = "
	         "%zu FROM indicators;", n, n);
	check_rows(sql, "1|1\n");
	check_rows("SELECT code, title_fr, title_en FROM indicator_libraries;",
	           "defaut|Effets utiles des tiers-lieux|"
	           "Useful effects of third places\n");
	for (i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) > 0 FROM indicators"
		         " WHERE domain = '%s';", domains[i]);
		check_rows(sql, "1\n");
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) > 0 FROM indicators"
		         " WHERE kind = '%s';", kinds[i]);
		check_rows(sql, "1\n");
	}
	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) > 0 FROM indicators"
		         " WHERE source = '%s';", sources[i]);
		check_rows(sql, "1\n");
	}
	check_rows("SELECT count(*) > 0 FROM indicators WHERE direction = -1;",
	           "1\n");
	/* Sensitive ones have min_n 10, the others the default 5. */
	check_rows("SELECT count(*) > 0 FROM indicators WHERE min_n = 10"
	           " AND json_extract(definition, '$.sensitive') = 1;", "1\n");
	check_rows("SELECT count(*) FROM indicators WHERE min_n <> CASE WHEN"
	           " json_extract(definition, '$.sensitive') = 1 THEN 10"
	           " ELSE 5 END;", "0\n");
	/* Every indicator explains itself in both languages. */
	check_rows("SELECT count(*) FROM indicators WHERE label_en IS NULL"
	           " OR description_en IS NULL OR length(description_fr) < 60"
	           " OR length(description_en) < 60;", "0\n");
	got = rows("SELECT group_concat(code) FROM indicators WHERE"
	           " unit_fr IS NULL;");
	cr_expect_str_eq(got, "-\n", "indicators without a unit: %s", got);
	free(got);
}

/* The same library added after its questionnaire, so that the loader's
 * check against the stored questions runs on every question it uses. */
Test(library, default_library_fits_stored_questionnaire)
{
	cr_assert_eq(impact_survey_add(h, repo_path(DEFAULT_SURVEY), NULL,
	                               NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_expect_eq(impact_indicators_add(h, repo_path(DEFAULT_LIBRARY),
	                                   NULL, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
}

/* The question `id` of questionnaire `qn`, or NULL. */
static json_t *find_question(json_t *qn, const char *id)
{
	json_t *q;
	size_t i;

	json_array_foreach(json_object_get(qn, "questions"), i, q)
		if (!strcmp(json_string_value(json_object_get(q, "id")), id))
			return q;
	return NULL;
}

/* The question of `qn` with role `role`, or NULL. */
static json_t *find_role(json_t *qn, const char *role)
{
	json_t *q, *r;
	size_t i;

	json_array_foreach(json_object_get(qn, "questions"), i, q)
		if ((r = json_object_get(q, "role"))
		    && strcmp(json_string_value(r), role) == 0)
			return q;
	return NULL;
}

static const char *type_of(json_t *q)
{
	return json_string_value(json_object_get(q, "type"));
}

/* The choice `code` of question q, or NULL. */
static json_t *find_choice(json_t *q, const char *code)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(q, "choices"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "code")),
		           code) == 0)
			return c;
	return NULL;
}

/* Does question q have numbers: scale, rating, yesno, number, or a
 * single choice whose choices have values? */
static int numeric(json_t *q)
{
	const char *t = type_of(q);

	if (strcmp(t, "single") == 0)
		return json_object_get(json_array_get(json_object_get(q,
		                       "choices"), 0), "value") != NULL;
	return strcmp(t, "scale") == 0 || strcmp(t, "rating") == 0
	       || strcmp(t, "yesno") == 0 || strcmp(t, "number") == 0;
}

static int choosing(json_t *q)
{
	return strcmp(type_of(q), "single") == 0
	       || strcmp(type_of(q), "multiple") == 0;
}

/* Check that every code of the array `codes` is a choice of q. */
static void expect_codes(const char *ind, json_t *q, json_t *codes)
{
	json_t *c;
	size_t i;

	cr_expect(json_array_size(codes) > 0, "%s: no codes", ind);
	json_array_foreach(codes, i, c)
		cr_expect_not_null(find_choice(q, json_string_value(c)),
		                   "%s: \"%s\" is not a choice of %s", ind,
		                   json_string_value(c),
		                   json_string_value(json_object_get(q, "id")));
}

/* Check condition `cond` on question `qid` of `qn`: the question exists
 * and fits the form; a threshold splits its possible values (some meet
 * it, some do not); choices exist and are not all of them. */
static void expect_condition(const char *ind, json_t *qn, const char *qid,
                             json_t *cond)
{
	json_t *q = find_question(qn, qid), *x, *c;
	size_t i, meet = 0, n;

	cr_assert_not_null(q, "%s: no question \"%s\"", ind, qid);
	cr_assert_eq(json_object_size(cond), 1, "%s: one form", ind);
	if ((x = json_object_get(cond, "yes"))) {
		cr_expect_str_eq(type_of(q), "yesno", "%s", ind);
	} else if ((x = json_object_get(cond, "choices"))) {
		cr_expect(choosing(q), "%s: %s has no choices", ind, qid);
		expect_codes(ind, q, x);
		cr_expect_lt(json_array_size(x),
		             json_array_size(json_object_get(q, "choices")),
		             "%s: every choice of %s", ind, qid);
	} else {
		int least = (x = json_object_get(cond, "at_least")) != NULL;
		double t;

		if (!least)
			x = json_object_get(cond, "at_most");
		cr_assert_not_null(x, "%s: unknown condition form", ind);
		cr_assert(numeric(q), "%s: %s is not numeric", ind, qid);
		t = json_number_value(x);
		if (strcmp(type_of(q), "single") == 0) {
			n = json_array_size(json_object_get(q, "choices"));
			json_array_foreach(json_object_get(q, "choices"), i,
			                   c) {
				double v = json_number_value(
					json_object_get(c, "value"));

				meet += least ? v >= t : v <= t;
			}
			cr_expect(meet > 0 && meet < n, "%s: %g splits no "
			          "choices of %s", ind, t, qid);
		} else if (strcmp(type_of(q), "rating") == 0) {
			cr_expect(t > 0 && t <= 10, "%s: %g", ind, t);
		}
	}
}

/* Check that the questions answers-indicator `o` uses exist in `qn` and
 * fit: numbers for mean, sum and times; choices for distinct and
 * diversity; the condition and filter as expect_condition() says; a
 * group's role and codes. */
static void expect_fits(json_t *o, json_t *qn)
{
	const char *ind = json_string_value(json_object_get(o, "id"));
	const char *kind = json_string_value(json_object_get(o, "kind"));
	const char *of = json_string_value(json_object_get(o, "of"));
	json_t *f = json_object_get(o, "filter"), *q, *x;

	if (of) {
		cr_assert_not_null(q = find_question(qn, of),
		                   "%s: no question \"%s\"", ind, of);
		if (!strcmp(kind, "mean") || !strcmp(kind, "sum"))
			cr_expect(numeric(q), "%s: %s is not numeric", ind, of);
		if (!strcmp(kind, "distinct") || !strcmp(kind, "diversity"))
			cr_expect(choosing(q), "%s: %s has no choices", ind,
			          of);
	}
	if ((x = json_object_get(o, "times"))) {
		cr_assert_not_null(q = find_question(qn, json_string_value(x)),
		                   "%s: no question for times", ind);
		cr_expect(numeric(q), "%s: times is not numeric", ind);
	}
	if ((x = json_object_get(o, "condition")))
		expect_condition(ind, qn, of, x);
	cr_expect_null(json_object_get(o, "numerator"), "%s: ratio parts "
	               "of answers are not checked here", ind);
	if (f && (x = json_object_get(f, "question")))
		expect_condition(ind, qn, json_string_value(x),
		                 json_object_get(f, "condition"));
	if (f && (x = json_object_get(f, "group"))) {
		const char *role = json_string_value(json_object_get(x,
		                                                     "role"));

		cr_assert_not_null(q = find_role(qn, role), "%s: no question "
		                   "with role %s", ind, role);
		expect_codes(ind, q, json_object_get(x, "choices"));
	}
}

/* Read independently of the loader: every question id, type and choice
 * code the shipped library uses is in the shipped questionnaire, and
 * each activity field is one of docs/indicators.md's. */
Test(library, default_library_matches_default_questionnaire)
{
	static const char *const fields[] = {
		"participants", "new_participants", "hours",
		"participant_hours", "volunteers", "volunteer_hours", "free",
		"partners", "category", "publics", "partner_places", "place"
	};
	json_error_t err;
	json_t *lib = json_load_file(repo_path(DEFAULT_LIBRARY), 0, &err);
	json_t *qn = json_load_file(repo_path(DEFAULT_SURVEY), 0, &err);
	json_t *o;
	size_t i, k, answers = 0;

	cr_assert_not_null(lib, "%s", err.text);
	cr_assert_not_null(qn, "%s", err.text);
	json_array_foreach(json_object_get(lib, "indicators"), i, o) {
		const char *src = json_string_value(json_object_get(o,
		                                                    "source"));
		const char *of = json_string_value(json_object_get(o, "of"));

		if (strcmp(src, "answers") == 0) {
			expect_fits(o, qn);
			answers++;
		} else if (strcmp(src, "activities") == 0 && of) {
			for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
				if (strcmp(fields[k], of) == 0)
					break;
			cr_expect_lt(k, sizeof(fields) / sizeof(fields[0]),
			             "unknown field %s", of);
		}
	}
	cr_expect_geq(answers, 16);
	json_decref(lib);
	json_decref(qn);
}

/* ---------------------------------------------------------------- */
/* Stored rows                                                       */

static const char small[] =
	"{\"id\": \"petit\",\n"
	" \"title\": {\"fr\": \"Petite\", \"en\": \"Small\"},\n"
	" \"indicators\": [\n"
	"  {\"id\": \"isol\", \"label\": {\"fr\": \"Moins isolés\", \"en\": "
	"\"Less isolated\"},\n"
	"   \"description\": {\"fr\": \"Part 3 ou 4\", "
	"\"en\": \"Share 3 or 4\"},\n"
	"   \"domain\": \"social_link\", \"source\": \"answers\",\n"
	"   \"kind\": \"share\", \"of\": \"moins_isole\",\n"
	"   \"condition\": {\"at_least\": 3}, \"multiply\": 100,\n"
	"   \"unit\": {\"fr\": \"%\", \"en\": \"%\"}},\n"
	"  {\"id\": \"ratio.n\", \"label\": {\"fr\": \"Nouveaux\"},\n"
	"   \"description\": {\"fr\": \"Nouveaux sur participants\"},\n"
	"   \"domain\": \"anchoring\", \"source\": \"activities\",\n"
	"   \"kind\": \"ratio\",\n"
	"   \"numerator\": {\"kind\": \"sum\", \"of\": \"new_participants\"},\n"
	"   \"denominator\": {\"kind\": \"sum\", \"of\": \"participants\",\n"
	"     \"filter\": {\"categories\": [\"repair-cafe\"], "
	"\"free\": true}},\n"
	"   \"direction\": \"lower\", \"decimals\": 0},\n"
	"  {\"id\": \"sante\", \"label\": {\"fr\": \"Santé\", \"en\": \"\"},\n"
	"   \"description\": {\"fr\": \"Moyenne\"},\n"
	"   \"domain\": \"wellbeing\", \"source\": \"answers\",\n"
	"   \"kind\": \"mean\", \"of\": \"sante_percue\", "
	"\"sensitive\": true,\n"
	"   \"decimals\": 3},\n"
	"  {\"id\": \"sante7\", \"label\": {\"fr\": \"Santé\"},\n"
	"   \"description\": {\"fr\": \"Moyenne\"},\n"
	"   \"domain\": \"wellbeing\", \"source\": \"answers\",\n"
	"   \"kind\": \"mean\", \"of\": \"sante_percue\", "
	"\"sensitive\": true,\n"
	"   \"min_n\": 7,\n"
	"   \"filter\": {\"group\": {\"role\": \"sex\", \"choices\": "
	"[\"femme\"]},\n"
	"     \"question\": \"q\", \"condition\": {\"yes\": true}}},\n"
	"  {\"id\": \"emplois\", \"label\": {\"fr\": \"Emplois\"},\n"
	"   \"description\": {\"fr\": \"Somme\"}, \"domain\": \"economy\",\n"
	"   \"source\": \"facts\", \"kind\": \"count\"}\n"
	" ]}\n";

/* Rows written out from docs/indicators.md's defaults: direction 1,
 * decimals 1, min_n 5 (10 when sensitive, unless min_n is given); an
 * empty English label is stored as NULL. */
Test(library, small_library_stores_expected_rows)
{
	const char *path = t_write(dir, "small.json", small);
	char *code = NULL, *def;
	size_t n = 0;
	json_t *root, *o, *back;
	size_t i;

	cr_assert_eq(impact_indicators_add(h, path, &code, &n), IMPACT_OK,
	             "%s", impact_errmsg(h));
	cr_expect_str_eq(code, "petit");
	cr_expect_eq(n, 5);
	free(code);
	check_rows("SELECT code, title_fr, title_en, definition = '' ||"
	           " definition, length(added_at) FROM indicator_libraries;",
	           "petit|Petite|Small|1|20\n");
	def = rows("SELECT definition FROM indicator_libraries;");
	cr_expect_eq(strlen(def), strlen(small) + 1);
	cr_expect_eq(strncmp(def, small, strlen(small)), 0);
	free(def);
	check_rows("SELECT position, code, label_fr, label_en,"
	           " description_fr, description_en, domain, source, kind,"
	           " unit_fr, unit_en, direction, decimals, min_n"
	           " FROM indicators ORDER BY position;",
	           "1|isol|Moins isolés|Less isolated|Part 3 ou 4|"
	           "Share 3 or 4|social_link|answers|share|%|%|1|1|5\n"
	           "2|ratio.n|Nouveaux|-|Nouveaux sur participants|-|"
	           "anchoring|activities|ratio|-|-|-1|0|5\n"
	           "3|sante|Santé|-|Moyenne|-|wellbeing|answers|mean|-|-|"
	           "1|3|10\n"
	           "4|sante7|Santé|-|Moyenne|-|wellbeing|answers|mean|-|-|"
	           "1|1|7\n"
	           "5|emplois|Emplois|-|Somme|-|economy|facts|count|-|-|"
	           "1|1|5\n");
	/* Each definition is its object, compact, keys in file order. */
	check_rows("SELECT definition FROM indicators WHERE position = 1;",
	           "{\"id\":\"isol\",\"label\":{\"fr\":\"Moins isolés\","
	           "\"en\":\"Less isolated\"},\"description\":{\"fr\":"
	           "\"Part 3 ou 4\",\"en\":\"Share 3 or 4\"},\"domain\":"
	           "\"social_link\",\"source\":\"answers\",\"kind\":"
	           "\"share\",\"of\":\"moins_isole\",\"condition\":"
	           "{\"at_least\":3},\"multiply\":100,\"unit\":{\"fr\":"
	           "\"%\",\"en\":\"%\"}}\n");
	root = json_loads(small, 0, NULL);
	cr_assert_not_null(root);
	json_array_foreach(json_object_get(root, "indicators"), i, o) {
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT definition FROM indicators"
		         " WHERE position = %zu;", i + 1);
		def = rows(sql);
		back = json_loads(def, 0, NULL);
		cr_expect(json_equal(back, o), "indicator %zu: %s", i + 1,
		          def);
		json_decref(back);
		free(def);
	}
	json_decref(root);
}

/* A second version of library "petit": isol relabelled, sante and
 * ratio.n gone, a new one. */
static const char small_v2[] =
	"{\"id\": \"petit\", \"title\": {\"fr\": \"Petite 2\"},\n"
	" \"indicators\": [\n"
	"  {\"id\": \"nouveau\", \"label\": {\"fr\": \"Nouveau\"},\n"
	"   \"description\": {\"fr\": \"Compte\"}, \"domain\": \"d\",\n"
	"   \"source\": \"activities\", \"kind\": \"count\"},\n"
	"  {\"id\": \"isol\", \"label\": {\"fr\": \"Isolement en baisse\"},\n"
	"   \"description\": {\"fr\": \"Part\"}, \"domain\": \"social_link\",\n"
	"   \"source\": \"answers\", \"kind\": \"share\", \"of\": \"q\",\n"
	"   \"condition\": {\"at_least\": 3}},\n"
	"  {\"id\": \"emplois\", \"label\": {\"fr\": \"Emplois\"},\n"
	"   \"description\": {\"fr\": \"Somme\"}, \"domain\": \"economy\",\n"
	"   \"source\": \"facts\", \"kind\": \"sum\", \"of\": \"etp\"},\n"
	"  {\"id\": \"quatre\", \"label\": {\"fr\": \"Quatre\"},\n"
	"   \"description\": {\"fr\": \"Compte\"}, \"domain\": \"d\",\n"
	"   \"source\": \"activities\", \"kind\": \"count\"},\n"
	"  {\"id\": \"cinq\", \"label\": {\"fr\": \"Cinq\"},\n"
	"   \"description\": {\"fr\": \"Compte\"}, \"domain\": \"d\",\n"
	"   \"source\": \"activities\", \"kind\": \"count\"}\n"
	" ]}\n";

/* Re-adding an id replaces the library in one go: its new indicators in
 * their new order, and the results of the old ones gone (the foreign
 * keys cascade), while another library stays. */
Test(library, readd_replaces_library_and_its_results)
{
	static const char other[] =
		"{\"id\": \"autre\", \"title\": {\"fr\": \"Autre\"}, "
		"\"indicators\": [{\"id\": \"isol\", \"label\": {\"fr\": "
		"\"A\"}, \"description\": {\"fr\": \"A\"}, \"domain\": \"d\", "
		"\"source\": \"activities\", \"kind\": \"count\"}]}\n";
	char *code = NULL;
	size_t n = 0;

	cr_assert_eq(impact_indicators_add(h, t_write(dir, "v1.json", small),
	                                   NULL, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(impact_indicators_add(h, t_write(dir, "o.json", other),
	                                   NULL, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	exec_sql("INSERT INTO territories (code, name) VALUES ('T', 'T');"
	         "INSERT INTO indicator_results (indicator_id, period,"
	         " territory_id, value, n, computed_at)"
	         " SELECT i.id, 2024, 1, 42, 12, 'now' FROM indicators i"
	         " ORDER BY i.id;");
	check_rows("SELECT count(*) FROM indicator_results;", "6\n");
	cr_assert_eq(impact_indicators_add(h, t_write(dir, "v2.json",
	                                              small_v2), &code, &n),
	             IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_str_eq(code, "petit");
	cr_expect_eq(n, 5);
	free(code);
	check_rows("SELECT code, title_fr, title_en FROM indicator_libraries"
	           " ORDER BY code;", "autre|Autre|-\npetit|Petite 2|-\n");
	check_rows("SELECT i.position, i.code, i.label_fr FROM indicators i"
	           " JOIN indicator_libraries l ON l.id = i.library_id"
	           " WHERE l.code = 'petit' ORDER BY i.position;",
	           "1|nouveau|Nouveau\n"
	           "2|isol|Isolement en baisse\n"
	           "3|emplois|Emplois\n"
	           "4|quatre|Quatre\n"
	           "5|cinq|Cinq\n");
	/* Only the other library's result is left. */
	check_rows("SELECT l.code, i.code, r.value FROM indicator_results r"
	           " JOIN indicators i ON i.id = r.indicator_id"
	           " JOIN indicator_libraries l ON l.id = i.library_id;",
	           "autre|isol|42\n");
	check_rows("SELECT count(*) FROM indicators;", "6\n");
}

/* ---------------------------------------------------------------- */
/* Refusals                                                          */

/* A definition refused, and the message it must give after "FILE:". */
struct refusal {
	const char *name;   /* what is wrong */
	const char *json;   /* the definition */
	const char *want;   /* "LINE:COLUMN: path: reason" */
};

/* Line 1 of every refused text, and the start of its first indicator:
 * line 2 ends with the shared keys, line 3 starts with 18 characters. */
#define HEAD "{\"id\": \"t\", \"title\": {\"fr\": \"T\"}, \"indicators\": [\n"
#define IND "  {\"id\": \"x\", \"label\": {\"fr\": \"X\"}, " \
	"\"description\": {\"fr\": \"D\"},\n   \"domain\": \"d\", "
#define ANSWERS IND "\"source\": \"answers\", "      /* 39 on line 3 */
#define ACTIVITIES IND "\"source\": \"activities\", " /* 42 on line 3 */

static const struct refusal refusals[] = {
	/* line 3: 39 + `"kind": "mean", ` (16) + `"of": "q", ` (11) is 66 */
	{ "unknown key",
	  HEAD ANSWERS "\"kind\": \"mean\", \"of\": \"q\", \"colour\": 1}]}\n",
	  "3:67: indicators[0]: unknown key \"colour\" (see the library "
	  "format, docs/indicators.md)" },
	{ "missing kind",
	  HEAD ANSWERS "\"of\": \"q\"}]}\n",
	  "2:3: indicators[0]: \"kind\" is required" },
	/* line 3: "source" at 19, `"source": ` (10): its value at 29 */
	{ "bad source",
	  HEAD IND "\"source\": \"survey\", \"kind\": \"mean\", \"of\": "
	  "\"q\"}]}\n",
	  "3:29: indicators[0].source: expected one of \"answers\", "
	  "\"activities\", \"facts\"" },
	{ "share without condition",
	  HEAD ANSWERS "\"kind\": \"share\", \"of\": \"q\"}]}\n",
	  "2:3: indicators[0]: \"condition\" is required for kind "
	  "\"share\"" },
	{ "ratio without denominator",
	  HEAD ACTIVITIES "\"kind\": \"ratio\",\n"
	  "   \"numerator\": {\"kind\": \"count\"}}]}\n",
	  "2:3: indicators[0]: \"denominator\" is required for kind "
	  "\"ratio\"" },
	/* line 3: 42 + `"kind": "ratio", ` (17) is 59: "of" at 60 */
	{ "ratio with of",
	  HEAD ACTIVITIES "\"kind\": \"ratio\", \"of\": \"hours\",\n"
	  "   \"numerator\": {\"kind\": \"count\"},\n"
	  "   \"denominator\": {\"kind\": \"count\"}}]}\n",
	  "3:60: indicators[0].of: not for kind \"ratio\": its numerator "
	  "and denominator say what is summed or counted" },
	/* line 4: `   "condition": {"at_least": 3, ` is 32: at_most at 33 */
	{ "two condition forms",
	  HEAD ANSWERS "\"kind\": \"share\", \"of\": \"q\",\n"
	  "   \"condition\": {\"at_least\": 3, \"at_most\": 4}}]}\n",
	  "4:33: indicators[0].condition.at_most: give only one of "
	  "\"at_least\", \"at_most\", \"choices\" and \"yes\" (\"at_least\" "
	  "is already given)" },
	/* line 4: `   "condition": {"choices": ` is 28: [ at 29 */
	{ "empty choices",
	  HEAD ANSWERS "\"kind\": \"share\", \"of\": \"q\",\n"
	  "   \"condition\": {\"choices\": []}}]}\n",
	  "4:29: indicators[0].condition.choices: expected a non-empty "
	  "array of choice codes" },
	/* line 3: 42 + `"kind": "sum", ` (15) + `"of": ` (6) is 63 */
	{ "bad activity field",
	  HEAD ACTIVITIES "\"kind\": \"sum\", \"of\": \"attendees\"}]}\n",
	  "3:64: indicators[0].of: unknown activity field \"attendees\": "
	  "expected one of participants, new_participants, hours, "
	  "participant_hours, volunteers, volunteer_hours, free, partners, "
	  "category, publics, partner_places, place" },
	/* line 3: 42 + `"kind": "mean", ` (16) + `"of": ` (6) is 64 */
	{ "category field with mean",
	  HEAD ACTIVITIES "\"kind\": \"mean\", \"of\": \"category\"}]}\n",
	  "3:65: indicators[0].of: \"category\" is not a number: expected "
	  "one of participants, new_participants, hours, participant_hours, "
	  "volunteers, volunteer_hours, free, partners (category, publics, "
	  "partner_places, place are for kinds distinct and diversity)" },
	/* line 4: `   "filter": {"group": {"role": ` is 32: value at 33 */
	{ "unknown group role",
	  HEAD ANSWERS "\"kind\": \"mean\", \"of\": \"q\",\n"
	  "   \"filter\": {\"group\": {\"role\": \"age\", \"choices\": "
	  "[\"18-29\"]}}}]}\n",
	  "4:33: indicators[0].filter.group.role: expected one of "
	  "\"age_band\", \"sex\", \"activity_status\"" },
	/* line 3: 39 + 16 + 11 + `"decimals": ` (12) is 78 */
	{ "decimals 4",
	  HEAD ANSWERS "\"kind\": \"mean\", \"of\": \"q\", \"decimals\": 4}]}\n",
	  "3:79: indicators[0].decimals: expected a whole number from 0 "
	  "to 3" },
	/* line 3: 39 + 16 + 11 + `"min_n": ` (9) is 75 */
	{ "min_n 0",
	  HEAD ANSWERS "\"kind\": \"mean\", \"of\": \"q\", \"min_n\": 0}]}\n",
	  "3:76: indicators[0].min_n: expected a whole number, 1 or more" },
	/* line 3: 39 + 16 + 11 + `"multiply": ` (12) is 78 */
	{ "multiply 0",
	  HEAD ANSWERS "\"kind\": \"mean\", \"of\": \"q\", \"multiply\": 0}]}\n",
	  "3:79: indicators[0].multiply: expected a number other than 0" },
	/* line 4 is the second indicator: `  {"id": ` is 9 */
	{ "duplicate indicator id",
	  HEAD ACTIVITIES "\"kind\": \"count\"},\n"
	  "  {\"id\": \"x\", \"label\": {\"fr\": \"Y\"}, \"description\": "
	  "{\"fr\": \"D\"}, \"domain\": \"d\", \"source\": \"facts\", "
	  "\"kind\": \"count\"}]}\n",
	  "4:10: indicators[1].id: \"x\" is already the id of "
	  "indicators[0]" },
	/* line 3: 42 + `"kind": "share", ` (17) + `"of": "hours", ` (15) +
	 * `"condition": {` (14) is 88: "yes" at 89 */
	{ "yes on a number field",
	  HEAD ACTIVITIES "\"kind\": \"share\", \"of\": \"hours\", "
	  "\"condition\": {\"yes\": true}}]}\n",
	  "3:89: indicators[0].condition.yes: only the activity field "
	  "\"free\" is yes or no (\"hours\" is a number: use \"at_least\" or "
	  "\"at_most\")" },
	/* "choices" at 89 likewise */
	{ "choices on activities",
	  HEAD ACTIVITIES "\"kind\": \"share\", \"of\": \"hours\", "
	  "\"condition\": {\"choices\": [\"1\"]}}]}\n",
	  "3:89: indicators[0].condition.choices: only for questions "
	  "(source \"answers\"): activity fields and facts are numbers, use "
	  "\"at_least\", \"at_most\" or \"yes\"" },
	/* line 4: `   "filter": {"categories": ["atelier", ` is 40 */
	{ "category not folded",
	  HEAD ACTIVITIES "\"kind\": \"count\",\n"
	  "   \"filter\": {\"categories\": [\"atelier\", \"Repair café\"]}}]}\n",
	  "4:41: indicators[0].filter.categories[1]: write \"Repair café\" as "
	  "activities store it: \"repair-cafe\"" },
	/* line 4: `   "filter": {` is 14: "question" at 15 */
	{ "answers filter on activities",
	  HEAD ACTIVITIES "\"kind\": \"count\",\n"
	  "   \"filter\": {\"question\": \"q\", \"condition\": "
	  "{\"yes\": true}}}]}\n",
	  "4:15: indicators[0].filter.question: only for source "
	  "\"answers\"" },
	/* line 3: `   "domain": "d", "source": "facts", ` (37) +
	 * `"kind": "count", ` (17) is 54: "filter" at 55 */
	{ "filter on facts",
	  HEAD IND "\"source\": \"facts\", \"kind\": \"count\", \"filter\": "
	  "{\"free\": true}}]}\n",
	  "3:55: indicators[0].filter: facts take no filter" },
	/* line 3: 42 + `"kind": "count", ` (17) is 59: "min_n" at 60 */
	{ "min_n on activities",
	  HEAD ACTIVITIES "\"kind\": \"count\", \"min_n\": 3}]}\n",
	  "3:60: indicators[0].min_n: only for source \"answers\" (the "
	  "respondents a value needs to be published)" },
	/* line 3: 39 + 17 + 11 is 67: "times" at 68 */
	{ "times on a share",
	  HEAD ANSWERS "\"kind\": \"share\", \"of\": \"q\", \"times\": \"k\", "
	  "\"condition\": {\"yes\": true}}]}\n",
	  "3:68: indicators[0].times: only for kinds \"mean\" and \"sum\"" },
	/* line 3: 39 + 16 + 11 is 66: "condition" at 67 */
	{ "condition on a mean",
	  HEAD ANSWERS "\"kind\": \"mean\", \"of\": \"q\", \"condition\": "
	  "{\"yes\": true}}]}\n",
	  "3:67: indicators[0].condition: only for kinds \"share\" and "
	  "\"count\"" },
	/* line 3: `   "domain": "d", "source": "facts", "kind": ` is 45 */
	{ "distinct of facts",
	  HEAD IND "\"source\": \"facts\", \"kind\": \"distinct\", \"of\": "
	  "\"k\"}]}\n",
	  "3:46: indicators[0].kind: kind \"distinct\" counts the values of "
	  "a question or of an activity field; facts are numbers" },
	{ "mean without of",
	  HEAD ANSWERS "\"kind\": \"mean\"}]}\n",
	  "2:3: indicators[0]: \"of\" is required for kind \"mean\"" },
	/* line 5: `   "denominator": {"kind": "sum", "of": ` is 40 */
	{ "ratio part with a category",
	  HEAD ACTIVITIES "\"kind\": \"ratio\",\n"
	  "   \"numerator\": {\"kind\": \"count\"},\n"
	  "   \"denominator\": {\"kind\": \"sum\", \"of\": \"publics\"}}]}\n",
	  "5:41: indicators[0].denominator.of: \"publics\" is not a number: "
	  "expected one of participants, new_participants, hours, "
	  "participant_hours, volunteers, volunteer_hours, free, partners "
	  "(category, publics, partner_places, place are for kinds "
	  "distinct and diversity)" },
	/* line 3: 42 + `"kind": "distinct", ` (20) + `"of": ` (6) is 68 */
	{ "distinct of a number field",
	  HEAD ACTIVITIES "\"kind\": \"distinct\", \"of\": \"hours\"}]}\n",
	  "3:69: indicators[0].of: \"hours\" is a number: kinds distinct and "
	  "diversity take one of category, publics, partner_places, "
	  "place" },
	/* line 3: `   "label": ` is 12: its object at 13 */
	{ "missing French label",
	  HEAD "  {\"id\": \"x\",\n   \"label\": {\"en\": \"X\"}, "
	  "\"description\": {\"fr\": \"D\"}, \"domain\": \"d\", \"source\": "
	  "\"facts\", \"kind\": \"count\"}]}\n",
	  "3:13: indicators[0].label: \"fr\" is required (the French text)" },
	/* `{"id": ` is 7 */
	{ "bad library id",
	  "{\"id\": \"t t\", \"title\": {\"fr\": \"T\"}, \"indicators\": []}\n",
	  "1:8: id: expected the library's id: 1 to 64 letters, digits, "
	  "'-', '_' or '.'" },
	/* `{"id": "t", ` (12) + `"title": {"fr": "T"}, ` (22) +
	 * `"indicators": ` (14) is 48 */
	{ "no indicators",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"}, \"indicators\": []}\n",
	  "1:49: indicators: expected a non-empty array of indicators" },
	/* jansson: the token after the missing comma, "label" at 14-20 */
	{ "syntax error",
	  HEAD "  {\"id\": \"x\" \"label\": 1}]}\n",
	  "2:20: '}' expected near '\"label\"'" },
};

/* Each refusal: the exact message, and nothing stored. */
Test(library, refusals_give_file_line_column)
{
	size_t i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		const char *path = t_write(dir, "bad.json", r->json);
		char want[1024];
		char *code = (char *)"unset";
		size_t n = 99;

		cr_expect_eq(impact_indicators_add(h, path, &code, &n),
		             IMPACT_EDATA, "%s", r->name);
		cr_expect_null(code, "%s", r->name);
		cr_expect_eq(n, 0, "%s", r->name);
		snprintf(want, sizeof(want), "%s:%s", path, r->want);
		cr_expect_str_eq(impact_errmsg(h), want, "%s:\n got  %s\n "
		                 "want %s", r->name, impact_errmsg(h), want);
		check_rows("SELECT (SELECT count(*) FROM indicator_libraries),"
		           " (SELECT count(*) FROM indicators);", "0|0\n");
	}
}

/* A refused library leaves the stored version of the same id as it was. */
Test(library, refused_readd_keeps_old_version)
{
	static const char broken[] =
		"{\"id\": \"petit\", \"title\": {\"fr\": \"P\"}, \"indicators\": "
		"[{\"id\": \"a\"}]}\n";

	cr_assert_eq(impact_indicators_add(h, t_write(dir, "s.json", small),
	                                   NULL, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_expect_eq(impact_indicators_add(h, t_write(dir, "b.json", broken),
	                                   NULL, NULL), IMPACT_EDATA);
	check_rows("SELECT title_fr, (SELECT count(*) FROM indicators)"
	           " FROM indicator_libraries;", "Petite|5\n");
}

/* With the default questionnaire stored, a question it has must fit its
 * use; a question it lacks is accepted (its questionnaire may come
 * later). */
Test(library, stored_questions_must_fit)
{
	static const struct refusal misfits[] = {
		/* line 3: 39 + `"kind": "mean", ` (16) + `"of": ` (6) is 61 */
		{ "mean of a text question",
		  HEAD ANSWERS "\"kind\": \"mean\", \"of\": \"commune\"}]}\n",
		  "3:62: indicators[0].of: question \"commune\" of questionnaire "
		  "\"impact-defaut\" is a \"text\" question: a number is needed "
		  "(a scale, rating, yesno or number question, or a single "
		  "choice with values)" },
		{ "mean of a single choice without values",
		  HEAD ANSWERS "\"kind\": \"mean\", \"of\": \"mode_venue\"}]}\n",
		  "3:62: indicators[0].of: question \"mode_venue\" of "
		  "questionnaire \"impact-defaut\" is a \"single\" question: a "
		  "number is needed (a scale, rating, yesno or number question, "
		  "or a single choice with values)" },
		/* line 4: `   "condition": {"choices": ["4", ` is 34 */
		{ "unknown choice code",
		  HEAD ANSWERS "\"kind\": \"share\", \"of\": \"moins_isole\",\n"
		  "   \"condition\": {\"choices\": [\"4\", \"5\"]}}]}\n",
		  "4:35: indicators[0].condition.choices[1]: \"5\" is not a "
		  "choice code of question \"moins_isole\" in questionnaire "
		  "\"impact-defaut\"" },
		/* line 4: `   "condition": ` is 16: the object at 17 */
		{ "yes on a rating",
		  HEAD ANSWERS "\"kind\": \"share\", \"of\": \"sat_vie\",\n"
		  "   \"condition\": {\"yes\": true}}]}\n",
		  "4:17: indicators[0].condition: question \"sat_vie\" of "
		  "questionnaire \"impact-defaut\" is a \"rating\" question: "
		  "\"yes\" needs a yesno question" },
		/* line 3: 39 + `"kind": "diversity", ` (21) + `"of": ` (6)
		 * is 66 */
		{ "diversity of a number",
		  HEAD ANSWERS "\"kind\": \"diversity\", \"of\": "
		  "\"distance_km\"}]}\n",
		  "3:67: indicators[0].of: question \"distance_km\" of "
		  "questionnaire \"impact-defaut\" is a \"number\" question: "
		  "kind \"diversity\" needs a single or multiple choice "
		  "question" },
	};
	static const char unknown_question[] =
		HEAD ANSWERS "\"kind\": \"mean\", \"of\": \"pas_encore\"}]}\n";
	size_t i;

	cr_assert_eq(impact_survey_add(h, repo_path(DEFAULT_SURVEY), NULL,
	                               NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	for (i = 0; i < sizeof(misfits) / sizeof(misfits[0]); i++) {
		const char *path = t_write(dir, "misfit.json", misfits[i].json);
		char want[1024];

		cr_expect_eq(impact_indicators_add(h, path, NULL, NULL),
		             IMPACT_EDATA, "%s", misfits[i].name);
		snprintf(want, sizeof(want), "%s:%s", path, misfits[i].want);
		cr_expect_str_eq(impact_errmsg(h), want, "%s:\n got  %s\n "
		                 "want %s", misfits[i].name, impact_errmsg(h),
		                 want);
	}
	cr_expect_eq(impact_indicators_add(h, t_write(dir, "later.json",
	                                              unknown_question),
	                                   NULL, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
}

Test(library, missing_file_not_found)
{
	char path[512];
	char *code = NULL;

	snprintf(path, sizeof(path), "%s/absent.json", dir);
	cr_expect_eq(impact_indicators_add(h, path, &code, NULL),
	             IMPACT_ENOTFOUND);
	cr_expect_null(code);
}

/* ---------------------------------------------------------------- */
/* Listing                                                           */

/* What the listing callback saw: one line per indicator. */
struct seen {
	char text[4096];
	size_t calls, stop_after;
};

static int collect(void *payload, const impact_indicator_info *i)
{
	struct seen *s = payload;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof(s->text) - n,
	         "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%d|%d|%d\n", i->library,
	         i->code, i->label_fr, i->label_en ? i->label_en : "-",
	         i->description_fr,
	         i->description_en ? i->description_en : "-", i->domain,
	         i->source, i->kind, i->unit_fr ? i->unit_fr : "-",
	         i->unit_en ? i->unit_en : "-", i->direction, i->decimals,
	         i->min_n);
	return ++s->calls == s->stop_after ? 7 : 0;
}

/* Libraries by id ("autre" before "petit" though added after it),
 * indicators by position; a non-zero return stops the walk.  An
 * indicator without an English label lists its French one (found by
 * fuzzing: callers may use label_en without a check). */
Test(library, each_lists_by_library_then_position)
{
	static const char other[] =
		"{\"id\": \"autre\", \"title\": {\"fr\": \"Autre\"}, "
		"\"indicators\": [{\"id\": \"z\", \"label\": {\"fr\": \"Zed\"}, "
		"\"description\": {\"fr\": \"Compte\"}, \"domain\": \"d\", "
		"\"source\": \"activities\", \"kind\": \"count\", \"unit\": "
		"{\"fr\": \"activités\", \"en\": \"activities\"}}]}\n";
	struct seen s;

	memset(&s, 0, sizeof(s));
	cr_assert_eq(impact_indicators_each(h, collect, &s), IMPACT_OK);
	cr_expect_eq(s.calls, 0);
	cr_assert_eq(impact_indicators_add(h, t_write(dir, "s.json", small),
	                                   NULL, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(impact_indicators_add(h, t_write(dir, "o.json", other),
	                                   NULL, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(impact_indicators_each(h, collect, &s), IMPACT_OK);
	cr_expect_str_eq(s.text,
	                 "autre|z|Zed|Zed|Compte|-|d|activities|count|"
	                 "activités|activities|1|1|5\n"
	                 "petit|isol|Moins isolés|Less isolated|Part 3 ou 4|"
	                 "Share 3 or 4|social_link|answers|share|%|%|1|1|5\n"
	                 "petit|ratio.n|Nouveaux|Nouveaux|"
	                 "Nouveaux sur participants|-|anchoring|activities|"
	                 "ratio|-|-|-1|0|5\n"
	                 "petit|sante|Santé|Santé|Moyenne|-|wellbeing|answers|"
	                 "mean|-|-|1|3|10\n"
	                 "petit|sante7|Santé|Santé|Moyenne|-|wellbeing|answers|"
	                 "mean|-|-|1|1|7\n"
	                 "petit|emplois|Emplois|Emplois|Somme|-|economy|facts|"
	                 "count|-|-|1|1|5\n");
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	cr_expect_eq(impact_indicators_each(h, collect, &s), 7);
	cr_expect_eq(s.calls, 2);
}
