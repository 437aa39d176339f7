/*
 * Unit tests of indicators/index_def.c: adding definitions of the local
 * gross-happiness index (impact_index_add, docs/index.md "Definition
 * (JSON)").
 *
 * A small definition using every key is checked against the row it must
 * store, and a second one with the same id against the row it must
 * leave.  The shipped definition (indicators/library/index-default.json)
 * is loaded, with and without the default questionnaire stored, and
 * checked against that questionnaire read here with jansson on its own:
 * every question exists with numeric answers, belongs to the indicator's
 * domain, and every threshold lies within the question's values.
 *
 * Every refusal is checked with its exact message and file:line:column,
 * each column counted by hand on the text (1-based characters, as
 * jansson counts): at the offending value, at the key of an unknown key,
 * at the enclosing object of a missing key.  Most texts are built from
 * four lines (L1 to L4 below) whose positions are:
 *   line 2: the domain object `{` at column 14, its keys after
 *           `{"id": "d", "label": {"fr": "D"}, ` at column 48;
 *   line 3: the indicator object `{` at column 18;
 *   line 4: `   "questions": ["q"], "threshold": 1`: the questions array
 *           at 17, the threshold at 37, a further key at 40 after ", ".
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

TestSuite(index_def, .init = setup, .fini = teardown);

/*
 * Run `sql` on the test database (a second, read-only connection) and
 * return its rows as text, "a|b\n" per row, NULL as "-" (caller frees).
 */
static char *rows(const char *sql)
{
	char path[512], *out = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&out, &size);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int i;

	snprintf(path, sizeof(path), "%s/impact.db", dir);
	cr_assert_not_null(mem);
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	             SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
	             "%s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const char *t = (const char *)sqlite3_column_text(st, i);

			fprintf(mem, "%s%s", i ? "|" : "", t ? t : "-");
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

#define DEFAULT_INDEX "indicators/library/index-default.json"
#define DEFAULT_SURVEY "surveys/questionnaires/default.json"

/* ---------------------------------------------------------------- */
/* Stored rows                                                       */

static const char small[] =
	"{\"id\": \"petit\",\n"
	" \"title\": {\"fr\": \"Petit indice\", \"en\": \"Small index\"},\n"
	" \"cutoff\": 0.5, \"weights\": \"territory\",\n"
	" \"territory_weights\": {\"CC-COTEAUX\": {\"sante\": 2, "
	"\"lien\": 1.5}},\n"
	" \"domains\": [\n"
	"  {\"id\": \"sante\", \"label\": {\"fr\": \"Santé\", \"en\": "
	"\"Health\"},\n"
	"   \"importance\": \"imp_sante\", \"weight\": 1,\n"
	"   \"indicators\": [\n"
	"    {\"id\": \"jours\", \"label\": {\"fr\": \"Jours\"},\n"
	"     \"questions\": [\"jours_bonne_sante\"], \"threshold\": 26,\n"
	"     \"combine\": \"mean\", \"scale\": false, \"direction\": "
	"\"higher\",\n"
	"     \"weight\": 3}]},\n"
	"  {\"id\": \"lien\", \"label\": {\"fr\": \"Lien\"}, \"weight\": 2,\n"
	"   \"indicators\": [\n"
	"    {\"id\": \"isolement\", \"label\": {\"fr\": \"Isolement\"},\n"
	"     \"questions\": [\"entoure\", \"compter_sur\"], \"combine\": "
	"\"min\",\n"
	"     \"threshold\": 2, \"direction\": \"lower\"},\n"
	"    {\"id\": \"total\", \"label\": {\"fr\": \"Total\"},\n"
	"     \"questions\": [\"entoure\", \"sat_vie\"], \"combine\": "
	"\"sum\",\n"
	"     \"scale\": true, \"threshold\": 1.2}]}]}\n";

/* The stored row holds the id, the titles, the text as written and a
 * UTC time; *out_code is the id. */
Test(index_def, small_definition_stored)
{
	const char *path = t_write(dir, "small.json", small);
	char *code = NULL, *def;

	cr_assert_eq(impact_index_add(h, path, &code), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_expect_str_eq(code, "petit");
	free(code);
	check_rows("SELECT code, title_fr, title_en, added_at GLOB"
	           " '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T"
	           "[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"
	           " FROM index_definitions;",
	           "petit|Petit indice|Small index|1\n");
	def = rows("SELECT definition FROM index_definitions;");
	cr_expect_eq(strlen(def), strlen(small) + 1);
	cr_expect_eq(strncmp(def, small, strlen(small)), 0);
	free(def);
}

/* The same definition, valid with the default questionnaire stored: its
 * thresholds lie within the questions' values. */
Test(index_def, small_definition_fits_default_questionnaire)
{
	cr_assert_eq(impact_survey_add(h, repo_path(DEFAULT_SURVEY), NULL,
	                               NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_expect_eq(impact_index_add(h, t_write(dir, "s.json", small), NULL),
	             IMPACT_OK, "%s", impact_errmsg(h));
}

/* A definition with the same id replaces the row (same row id); another
 * id adds a row. */
Test(index_def, readd_replaces_by_id)
{
	static const char again[] =
		"{\"id\": \"petit\", \"title\": {\"fr\": \"Petit, v2\"},\n"
		" \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"},\n"
		"  \"indicators\": [{\"id\": \"i\", \"label\": {\"fr\": \"I\"},\n"
		"   \"questions\": [\"sat_vie\"], \"threshold\": 6}]}]}\n";
	static const char other[] =
		"{\"id\": \"autre\", \"title\": {\"fr\": \"Autre\"},\n"
		" \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"},\n"
		"  \"indicators\": [{\"id\": \"i\", \"label\": {\"fr\": \"I\"},\n"
		"   \"questions\": [\"sat_vie\"], \"threshold\": 6}]}]}\n";
	char *code = NULL;

	cr_assert_eq(impact_index_add(h, t_write(dir, "a.json", small), NULL),
	             IMPACT_OK, "%s", impact_errmsg(h));
	cr_assert_eq(impact_index_add(h, t_write(dir, "b.json", again),
	                              &code), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_expect_str_eq(code, "petit");
	free(code);
	check_rows("SELECT id, code, title_fr, title_en, definition = '"
	           "{\"id\": \"petit\", \"title\": {\"fr\": \"Petit, v2\"},\n"
	           " \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"},\n"
	           "  \"indicators\": [{\"id\": \"i\", \"label\": {\"fr\": \"I\"},"
	           "\n   \"questions\": [\"sat_vie\"], \"threshold\": 6}]}]}\n'"
	           " FROM index_definitions;", "1|petit|Petit, v2|-|1\n");
	cr_assert_eq(impact_index_add(h, t_write(dir, "c.json", other), NULL),
	             IMPACT_OK, "%s", impact_errmsg(h));
	check_rows("SELECT code FROM index_definitions ORDER BY id;",
	           "petit\nautre\n");
}

/* A refused definition leaves the stored one with its id as it was. */
Test(index_def, refused_readd_keeps_old_version)
{
	static const char broken[] =
		"{\"id\": \"petit\", \"title\": {\"fr\": \"P\"}, \"domains\": "
		"[{\"id\": \"d\"}]}\n";
	char *code = (char *)"unset";

	cr_assert_eq(impact_index_add(h, t_write(dir, "s.json", small), NULL),
	             IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_eq(impact_index_add(h, t_write(dir, "b.json", broken),
	                              &code), IMPACT_EDATA);
	cr_expect_null(code);
	check_rows("SELECT code, title_fr FROM index_definitions;",
	           "petit|Petit indice\n");
}

/* A missing file is IMPACT_ENOTFOUND, with the path in the message. */
Test(index_def, missing_file_not_found)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/absent.json", dir);
	cr_expect_eq(impact_index_add(h, path, NULL), IMPACT_ENOTFOUND);
	cr_expect_not_null(strstr(impact_errmsg(h), path));
}

/* ---------------------------------------------------------------- */
/* The shipped definition                                            */

Test(index_def, default_index_loads)
{
	char *code = NULL;

	cr_assert_eq(impact_index_add(h, repo_path(DEFAULT_INDEX), &code),
	             IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_str_eq(code, "bnb-local");
	free(code);
	check_rows("SELECT code, title_fr, title_en FROM index_definitions;",
	           "bnb-local|Indice du bonheur brut local|"
	           "Local gross happiness index\n");
}

/* The loader's own checks against the stored questionnaire pass too. */
Test(index_def, default_index_fits_stored_questionnaire)
{
	cr_assert_eq(impact_survey_add(h, repo_path(DEFAULT_SURVEY), NULL,
	                               NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_expect_eq(impact_index_add(h, repo_path(DEFAULT_INDEX), NULL),
	             IMPACT_OK, "%s", impact_errmsg(h));
}

/* The question `id` of questionnaire `qn`, or NULL. */
static json_t *find_question(json_t *qn, const char *id)
{
	json_t *q;
	size_t i;

	json_array_foreach(json_object_get(qn, "questions"), i, q)
		if (strcmp(json_string_value(json_object_get(q, "id")), id) == 0)
			return q;
	return NULL;
}

/*
 * The values question `q` can give, read from the questionnaire text by
 * the rules of docs/formats.md: a rating 0 to 10, a yesno 0 to 1, a
 * scale or number its min and max, a single choice the smallest and
 * largest value of its choices.  Returns 0 when the answers are not
 * numbers (or the bounds unknown).
 */
static int question_range(json_t *q, double *lo, double *hi)
{
	const char *type = json_string_value(json_object_get(q, "type"));
	json_t *c;
	size_t i, n = 0;

	if (strcmp(type, "rating") == 0) {
		*lo = 0;
		*hi = 10;
		return 1;
	}
	if (strcmp(type, "yesno") == 0) {
		*lo = 0;
		*hi = 1;
		return 1;
	}
	if (strcmp(type, "scale") == 0 || strcmp(type, "number") == 0) {
		if (!json_object_get(q, "min") || !json_object_get(q, "max"))
			return 0;
		*lo = json_number_value(json_object_get(q, "min"));
		*hi = json_number_value(json_object_get(q, "max"));
		return 1;
	}
	if (strcmp(type, "single") != 0)
		return 0;
	json_array_foreach(json_object_get(q, "choices"), i, c) {
		json_t *v = json_object_get(c, "value");

		if (!v)
			continue;
		if (n == 0 || json_number_value(v) < *lo)
			*lo = json_number_value(v);
		if (n == 0 || json_number_value(v) > *hi)
			*hi = json_number_value(v);
		n++;
	}
	return n >= 2;
}

/*
 * Read independently of the loader: the ten domains in order, each with
 * an importance question that asks about it (importance_of), each
 * indicator built from questions of its own domain with numeric answers,
 * each threshold within the values (or within 0-1 when rescaled), the
 * GNH's within-domain habit (healthy days weigh 3, perceived health 1),
 * at least one indicator combining several questions, and every
 * questionnaire question that has a domain used by the index.
 */
Test(index_def, default_index_matches_default_questionnaire)
{
	static const char *const ids[] = {
		"psychological", "health", "time_use", "education", "culture",
		"governance", "community", "ecology", "living_standards",
		"local"
	};
	json_error_t err;
	json_t *ix = json_load_file(repo_path(DEFAULT_INDEX), 0, &err);
	json_t *qn = json_load_file(repo_path(DEFAULT_SURVEY), 0, &err);
	json_t *d, *o, *qid, *q;
	size_t i, j, k, combined = 0, used = 0, with_domain = 0;

	cr_assert_not_null(ix, "%s", err.text);
	cr_assert_not_null(qn, "%s", err.text);
	cr_expect_str_eq(json_string_value(json_object_get(ix, "id")),
	                 "bnb-local");
	cr_expect_float_eq(json_number_value(json_object_get(ix, "cutoff")),
	                   0.66, 1e-12);
	cr_expect_str_eq(json_string_value(json_object_get(ix, "weights")),
	                 "equal");
	cr_assert_eq(json_array_size(json_object_get(ix, "domains")), 10);
	json_array_foreach(json_object_get(ix, "domains"), i, d) {
		const char *did = json_string_value(json_object_get(d, "id"));
		const char *imp = json_string_value(json_object_get(d,
		                                                    "importance"));

		cr_expect_str_eq(did, ids[i]);
		cr_assert_not_null(imp, "%s: no importance", did);
		cr_assert_not_null(q = find_question(qn, imp), "%s", imp);
		cr_expect_str_eq(json_string_value(json_object_get(q, "type")),
		                 "rating", "%s", imp);
		cr_expect_str_eq(json_string_value(json_object_get(q,
		                 "importance_of")), did, "%s", imp);
		cr_expect_not_null(json_object_get(json_object_get(d, "label"),
		                                   "en"), "%s", did);
		json_array_foreach(json_object_get(d, "indicators"), j, o) {
			const char *iid = json_string_value(json_object_get(o,
			                                                    "id"));
			json_t *qs = json_object_get(o, "questions");
			double z = json_number_value(json_object_get(o,
			                                             "threshold"));
			int scale = json_is_true(json_object_get(o, "scale"));

			cr_expect_not_null(json_object_get(json_object_get(o,
			                   "label"), "en"), "%s", iid);
			if (json_array_size(qs) > 1)
				combined++;
			json_array_foreach(qs, k, qid) {
				const char *id = json_string_value(qid);
				double lo = 0, hi = 0;

				used++;
				cr_assert_not_null(q = find_question(qn, id),
				                   "%s: no question %s", iid, id);
				cr_expect_str_eq(json_string_value(
				                 json_object_get(q, "domain")), did,
				                 "%s: %s", iid, id);
				cr_assert(question_range(q, &lo, &hi), "%s: %s has "
				          "no numeric answers", iid, id);
				if (scale)
					cr_expect(z >= 0 && z <= 1, "%s: %g", iid,
					          z);
				else
					cr_expect(z >= lo && z <= hi, "%s: %g not "
					          "in %g to %g", iid, z, lo, hi);
			}
		}
	}
	cr_expect_geq(combined, 1);
	json_array_foreach(json_object_get(qn, "questions"), i, q)
		if (json_object_get(q, "domain"))
			with_domain++;
	cr_expect_eq(used, with_domain, "every question with a domain used "
	             "once");
	/* GNH 2010: healthy days 3/10, self-reported health 1/10. */
	d = json_array_get(json_object_get(ix, "domains"), 1);
	o = json_object_get(d, "indicators");
	cr_expect_str_eq(json_string_value(json_object_get(
	                 json_array_get(o, 0), "id")), "jours_bonne_sante");
	cr_expect_float_eq(json_number_value(json_object_get(
	                   json_array_get(o, 0), "weight")), 3, 1e-12);
	cr_expect_float_eq(json_number_value(json_object_get(
	                   json_array_get(o, 0), "threshold")), 26, 1e-12);
	cr_expect_float_eq(json_number_value(json_object_get(
	                   json_array_get(o, 1), "weight")), 1, 1e-12);
	json_decref(ix);
	json_decref(qn);
}

/* ---------------------------------------------------------------- */
/* Refusals                                                          */

#define L1 "{\"id\": \"t\", \"title\": {\"fr\": \"T\"},\n"
#define L2 " \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"},\n"
#define L3 "  \"indicators\": [{\"id\": \"i\", \"label\": {\"fr\": \"I\"},\n"
#define L4 "   \"questions\": [\"q\"], \"threshold\": 1"
#define END "}]}]}\n"
/* One whole indicator on one line (its id "j"), for second domains. */
#define IND_J "  \"indicators\": [{\"id\": \"j\", \"label\": {\"fr\": " \
	"\"J\"}, \"questions\": [\"q\"], \"threshold\": 1}]"
/* A valid definition ending its domains on line 4; line 5 is
 * ` "territory_weights": ` (22 characters), its value at column 23. */
#define TW L1 L2 L3 L4 "}]}],\n \"territory_weights\": "

struct refusal {
	const char *name;
	const char *json;
	const char *want;       /* after "FILE:" */
};

static const struct refusal refusals[] = {
	/* Top level.  `{"id": "t", ` is 12 characters and
	 * `"title": {"fr": "T"}, ` 22: the next key at 35. */
	{ "not an object", "[1]\n",
	  "1:1: top level: expected a JSON object with id, title and "
	  "domains" },
	{ "unknown top-level key",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"}, \"colour\": 1, "
	  "\"domains\": []}\n",
	  "1:35: top level: unknown key \"colour\" (see the index "
	  "definition, docs/index.md)" },
	{ "missing id", "{\"title\": {\"fr\": \"T\"}, \"domains\": []}\n",
	  "1:1: top level: \"id\" is required" },
	/* `{"id": ` is 7 */
	{ "bad id",
	  "{\"id\": \"t t\", \"title\": {\"fr\": \"T\"}, \"domains\": []}\n",
	  "1:8: id: expected the index's id: 1 to 64 letters, digits, '-', "
	  "'_' or '.'" },
	/* `{"id": "t", "title": ` is 21 */
	{ "title without fr",
	  "{\"id\": \"t\", \"title\": {\"en\": \"T\"}, \"domains\": []}\n",
	  "1:22: title: \"fr\" is required (the French text)" },
	/* 34 + `"cutoff": ` (10) is 44 */
	{ "cutoff 0",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"}, \"cutoff\": 0, "
	  "\"domains\": []}\n",
	  "1:45: cutoff: expected a number above 0 and at most 1 (the share "
	  "of weighted sufficiency that makes a person happy, 0.66 in the "
	  "GNH index)" },
	{ "cutoff above 1",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"}, \"cutoff\": 1.5, "
	  "\"domains\": []}\n",
	  "1:45: cutoff: expected a number above 0 and at most 1 (the share "
	  "of weighted sufficiency that makes a person happy, 0.66 in the "
	  "GNH index)" },
	/* 34 + `"weights": ` (11) is 45 */
	{ "unknown weighting",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"}, \"weights\": \"budget\", "
	  "\"domains\": []}\n",
	  "1:46: weights: expected \"equal\", \"territory\", "
	  "\"participatory\" or \"pca\"" },
	/* 34 + `"domains": ` (11) is 45 */
	{ "no domains",
	  "{\"id\": \"t\", \"title\": {\"fr\": \"T\"}, \"domains\": []}\n",
	  "1:46: domains: expected a non-empty array of domains" },
	{ "missing domains", "{\"id\": \"t\", \"title\": {\"fr\": \"T\"}}\n",
	  "1:1: top level: \"domains\" is required" },
	/* jansson: at the last character of the token after the missing
	 * comma, "title" at 12-18 */
	{ "syntax error", "{\"id\": \"t\" \"title\": 1}\n",
	  "1:18: '}' expected near '\"title\"'" },

	/* Domains: the object at 2:14, further keys at 2:48. */
	{ "unknown domain key",
	  L1 " \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"}, "
	  "\"colour\": 1,\n" L3 L4 END,
	  "2:48: domains[0]: unknown key \"colour\" (see the index "
	  "definition, docs/index.md)" },
	{ "domain without label",
	  L1 " \"domains\": [{\"id\": \"d\",\n" L3 L4 END,
	  "2:14: domains[0]: \"label\" is required" },
	/* line 5 (L4 ends the first domain on line 4): ` {"id": ` is
	 * 8 */
	{ "domain id twice",
	  L1 L2 L3 L4 "}]},\n {\"id\": \"d\", \"label\": {\"fr\": \"E\"},\n"
	  IND_J "}]}\n",
	  "5:9: domains[1].id: \"d\" is already the id of domains[0]" },
	/* line 5: the second domain's object at column 2 */
	{ "weight on the first domain only",
	  L1 " \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"}, "
	  "\"weight\": 2,\n" L3 L4 "}]},\n {\"id\": \"e\", \"label\": "
	  "{\"fr\": \"E\"},\n" IND_J "}]}\n",
	  "5:2: domains[1]: \"weight\" is required: domains[0] gives one, "
	  "and weights are given to every domain or to none" },
	/* line 5: ` {"id": "e", ` (13) + `"label": {"fr": "E"}, ` (22) +
	 * `"weight": ` (10) is 45 */
	{ "weight on the second domain only",
	  L1 L2 L3 L4 "}]},\n {\"id\": \"e\", \"label\": {\"fr\": \"E\"}, "
	  "\"weight\": 2,\n" IND_J "}]}\n",
	  "5:46: domains[1].weight: domains[0] gives no weight: give a "
	  "weight to every domain or to none" },
	/* line 2: 47 + `"weight": ` (10) is 57 */
	{ "negative domain weight",
	  L1 " \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"}, "
	  "\"weight\": -1,\n" L3 L4 END,
	  "2:58: domains[0].weight: expected a positive number (a relative "
	  "weight)" },
	/* line 2: 47 + `"importance": ` (14) is 61 */
	{ "importance not a question id",
	  L1 " \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"}, "
	  "\"importance\": \"imp sante\",\n" L3 L4 END,
	  "2:62: domains[0].importance: expected a question id (the "
	  "domain's importance rating): 1 to 64 letters, digits, '-', '_' "
	  "or '.'" },
	{ "domain without indicators",
	  L1 " \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"}}]}\n",
	  "2:14: domains[0]: \"indicators\" is required" },
	/* line 2: 47 + `"indicators": ` (14) is 61 */
	{ "no indicators",
	  L1 " \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"}, "
	  "\"indicators\": []}]}\n",
	  "2:62: domains[0].indicators: expected a non-empty array of "
	  "indicators" },

	/* Indicators: the object at 3:18, line 4 as in L4. */
	{ "unknown indicator key", L1 L2 L3 L4 ", \"unit\": \"%\"" END,
	  "4:40: domains[0].indicators[0]: unknown key \"unit\" (see the "
	  "index definition, docs/index.md)" },
	{ "missing threshold", L1 L2 L3 "   \"questions\": [\"q\"]" END,
	  "3:18: domains[0].indicators[0]: \"threshold\" is required (the "
	  "sufficiency cutoff)" },
	{ "missing questions", L1 L2 L3 "   \"threshold\": 1" END,
	  "3:18: domains[0].indicators[0]: \"questions\" is required (the "
	  "question ids whose answers make the indicator)" },
	{ "threshold not a number",
	  L1 L2 L3 "   \"questions\": [\"q\"], \"threshold\": \"6\"" END,
	  "4:37: domains[0].indicators[0].threshold: expected a number (the "
	  "sufficiency cutoff)" },
	{ "no questions",
	  L1 L2 L3 "   \"questions\": [], \"threshold\": 1" END,
	  "4:17: domains[0].indicators[0].questions: expected a non-empty "
	  "array of question ids" },
	/* `   "questions": ["q", ` is 22 */
	{ "question twice",
	  L1 L2 L3 "   \"questions\": [\"q\", \"q\"], \"threshold\": 1" END,
	  "4:23: domains[0].indicators[0].questions[1]: \"q\" is already "
	  "given at [0]" },
	{ "question not a string",
	  L1 L2 L3 "   \"questions\": [3], \"threshold\": 1" END,
	  "4:18: domains[0].indicators[0].questions[0]: expected a question "
	  "id: 1 to 64 letters, digits, '-', '_' or '.'" },
	/* 39 + `"combine": ` (11) is 50 */
	{ "unknown combine", L1 L2 L3 L4 ", \"combine\": \"avg\"" END,
	  "4:51: domains[0].indicators[0].combine: expected \"mean\", "
	  "\"min\", \"max\" or \"sum\"" },
	/* 39 + `"scale": ` (9) is 48 */
	{ "scale not a boolean", L1 L2 L3 L4 ", \"scale\": 1" END,
	  "4:49: domains[0].indicators[0].scale: expected true or false" },
	/* 39 + `"direction": ` (13) is 52 */
	{ "unknown direction", L1 L2 L3 L4 ", \"direction\": \"up\"" END,
	  "4:53: domains[0].indicators[0].direction: expected \"higher\" "
	  "(sufficient at or above the threshold) or \"lower\" (at or "
	  "below it)" },
	/* 39 + `"weight": ` (10) is 49 */
	{ "indicator weight 0", L1 L2 L3 L4 ", \"weight\": 0" END,
	  "4:50: domains[0].indicators[0].weight: expected a positive "
	  "number (a relative weight)" },
	/* line 3: `  "indicators": [{"id": "i", "label": ` is 38 */
	{ "indicator label without fr",
	  L1 L2 "  \"indicators\": [{\"id\": \"i\", \"label\": {\"en\": "
	  "\"I\"},\n" L4 END,
	  "3:39: domains[0].indicators[0].label: \"fr\" is required (the "
	  "French text)" },
	/* line 6: `  "indicators": [{"id": ` is 24 */
	{ "indicator id twice in the index",
	  L1 L2 L3 L4 "}]},\n {\"id\": \"e\", \"label\": {\"fr\": \"E\"},\n"
	  "  \"indicators\": [{\"id\": \"i\", \"label\": {\"fr\": \"I\"}, "
	  "\"questions\": [\"q\"], \"threshold\": 1}]}]}\n",
	  "6:25: domains[1].indicators[0].id: \"i\" is already the id of "
	  "domains[0].indicators[0]: indicator ids are unique in the "
	  "index" },
	{ "rescaled threshold above 1",
	  L1 L2 L3 "   \"questions\": [\"q\"], \"threshold\": 1.5, "
	  "\"scale\": true" END,
	  "4:37: domains[0].indicators[0].threshold: 1.5 is outside 0 to 1: "
	  "with \"scale\": true each question's value is rescaled to 0-1, "
	  "so the mean lies from 0 to 1" },
	/* `   "questions": ["q", "r"], "threshold": ` is 41 */
	{ "rescaled sum above the number of questions",
	  L1 L2 L3 "   \"questions\": [\"q\", \"r\"], \"threshold\": 3, "
	  "\"combine\": \"sum\", \"scale\": true" END,
	  "4:42: domains[0].indicators[0].threshold: 3 is outside 0 to 2: "
	  "with \"scale\": true each question's value is rescaled to 0-1, "
	  "so the sum lies from 0 to 2" },

	/* Territory weights: the value at 5:23. */
	{ "territory weights not an object", TW "[1]}\n",
	  "5:23: territory_weights: expected an object: territory code -> "
	  "{domain id: weight}" },
	{ "bad territory code", TW "{\"CC COTEAUX\": {\"d\": 1}}}\n",
	  "5:24: territory_weights.CC COTEAUX: expected a territory code: 1 "
	  "to 64 letters, digits, '-', '_' or '.'" },
	/* `{"CC": ` is 7 from column 23: the object at 30 */
	{ "empty territory weights", TW "{\"CC\": {}}}\n",
	  "5:30: territory_weights.CC: expected a non-empty object: domain "
	  "id -> weight" },
	{ "unknown domain in territory weights",
	  TW "{\"CC\": {\"x\": 1}}}\n",
	  "5:31: territory_weights.CC.x: unknown domain \"x\": expected the "
	  "id of one of the definition's domains" },
	/* `{"CC": {"d": ` is 13 from column 23: the value at 36 */
	{ "negative territory weight", TW "{\"CC\": {\"d\": -2}}}\n",
	  "5:36: territory_weights.CC.d: expected a positive number (a "
	  "relative weight)" },
};

/* Each refusal: the exact message, no code returned, nothing stored. */
Test(index_def, refusals_give_file_line_column)
{
	size_t i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		const char *path = t_write(dir, "bad.json", r->json);
		char want[1024];
		char *code = (char *)"unset";

		cr_expect_eq(impact_index_add(h, path, &code), IMPACT_EDATA,
		             "%s", r->name);
		cr_expect_null(code, "%s", r->name);
		snprintf(want, sizeof(want), "%s:%s", path, r->want);
		cr_expect_str_eq(impact_errmsg(h), want, "%s:\n got  %s\n "
		                 "want %s", r->name, impact_errmsg(h), want);
		check_rows("SELECT count(*) FROM index_definitions;", "0\n");
	}
}

/* The refusal texts with their questions changed, valid while no
 * questionnaire has these ids: a definition may come first. */
Test(index_def, unknown_questions_accepted)
{
	cr_expect_eq(impact_index_add(h, t_write(dir, "ok.json",
	             L1 L2 L3 "   \"questions\": [\"pas_encore\"], "
	             "\"threshold\": 100" END), NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
}

/* With questionnaires stored, a question they have must give numbers,
 * have both bounds when rescaled, and the threshold must lie within its
 * values; a question they lack is still accepted. */
Test(index_def, stored_questions_must_fit)
{
	static const char petit[] =
		"{\"id\": \"petit\", \"title\": {\"fr\": \"P\"}, \"questions\": [\n"
		" {\"id\": \"heures\", \"type\": \"number\", \"min\": 0, "
		"\"label\": {\"fr\": \"Heures\"}}]}\n";
	static const struct refusal misfits[] = {
		{ "text question",
		  L1 L2 L3 "   \"questions\": [\"commune\"], \"threshold\": 1"
		  END,
		  "4:18: domains[0].indicators[0].questions[0]: question "
		  "\"commune\" of questionnaire \"impact-defaut\" is a \"text\" "
		  "question: a number is needed (a scale, rating, yesno or "
		  "number question, or a single choice with values)" },
		{ "single choice without values",
		  L1 L2 L3 "   \"questions\": [\"mode_venue\"], \"threshold\": 1"
		  END,
		  "4:18: domains[0].indicators[0].questions[0]: question "
		  "\"mode_venue\" of questionnaire \"impact-defaut\" is a "
		  "\"single\" question without values: a number is needed (a "
		  "scale, rating, yesno or number question, or a single choice "
		  "with values)" },
		/* `   "questions": ["sat_vie"], "threshold": ` is 42 */
		{ "threshold above a rating",
		  L1 L2 L3 "   \"questions\": [\"sat_vie\"], \"threshold\": 12"
		  END,
		  "4:43: domains[0].indicators[0].threshold: 12 is outside the "
		  "values of question \"sat_vie\" (0 to 10 in questionnaire "
		  "\"impact-defaut\")" },
		/* `   "questions": ["sante_percue"], "threshold": ` is 47 */
		{ "threshold below a single choice's values",
		  L1 L2 L3 "   \"questions\": [\"sante_percue\"], "
		  "\"threshold\": 0.5" END,
		  "4:48: domains[0].indicators[0].threshold: 0.5 is outside the "
		  "values of question \"sante_percue\" (1 to 5 in questionnaire "
		  "\"impact-defaut\")" },
		/* `   "questions": ["sat_vie", "logement"], "threshold": ` is
		 * 54 */
		{ "sum above the sum of maxima",
		  L1 L2 L3 "   \"questions\": [\"sat_vie\", \"logement\"], "
		  "\"threshold\": 25, \"combine\": \"sum\"" END,
		  "4:55: domains[0].indicators[0].threshold: 25 is outside the "
		  "possible sums of the questions (0 to 20 in the stored "
		  "questionnaires)" },
		/* line 2: 47 + `"importance": ` (14) is 61 */
		{ "importance a text question",
		  L1 " \"domains\": [{\"id\": \"d\", \"label\": {\"fr\": \"D\"}, "
		  "\"importance\": \"commune\",\n" L3 L4 END,
		  "2:62: domains[0].importance: question \"commune\" of "
		  "questionnaire \"impact-defaut\" is a \"text\" question: a "
		  "number is needed (a scale, rating, yesno or number question, "
		  "or a single choice with values)" },
		{ "rescaled number without max",
		  L1 L2 L3 "   \"questions\": [\"heures\"], \"threshold\": 0.5, "
		  "\"scale\": true" END,
		  "4:18: domains[0].indicators[0].questions[0]: question "
		  "\"heures\" of questionnaire \"petit\" has no max: \"scale\": "
		  "true rescales by the bounds, (x - min) / (max - min)" },
		/* `   "questions": ["heures"], "threshold": ` is 41 */
		{ "threshold below a number's min",
		  L1 L2 L3 "   \"questions\": [\"heures\"], \"threshold\": -1"
		  END,
		  "4:42: domains[0].indicators[0].threshold: -1 is outside the "
		  "values of question \"heures\" (at least 0 in questionnaire "
		  "\"petit\")" },
	};
	size_t i;

	cr_assert_eq(impact_survey_add(h, repo_path(DEFAULT_SURVEY), NULL,
	                               NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_eq(impact_survey_add(h, t_write(dir, "petit.json", petit),
	                               NULL, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	for (i = 0; i < sizeof(misfits) / sizeof(misfits[0]); i++) {
		const char *path = t_write(dir, "misfit.json", misfits[i].json);
		char want[1024];

		cr_expect_eq(impact_index_add(h, path, NULL), IMPACT_EDATA,
		             "%s", misfits[i].name);
		snprintf(want, sizeof(want), "%s:%s", path, misfits[i].want);
		cr_expect_str_eq(impact_errmsg(h), want, "%s:\n got  %s\n "
		                 "want %s", misfits[i].name, impact_errmsg(h),
		                 want);
	}
	check_rows("SELECT count(*) FROM index_definitions;", "0\n");
	/* Bounds included; a threshold on a number with a min only may be
	 * as high as wanted; an unknown question is accepted. */
	cr_expect_eq(impact_index_add(h, t_write(dir, "ok.json",
	             L1 L2 L3 "   \"questions\": [\"sat_vie\", \"heures\", "
	             "\"pas_encore\"], \"threshold\": 10, \"direction\": "
	             "\"lower\"" END), NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
}
