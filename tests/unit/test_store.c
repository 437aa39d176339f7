/*
 * Unit tests of engine/store.c: creating, reopening, refusing files that
 * are not ours or come from a newer impact.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "helpers.h"

static const char *dir;
static char path[512];

static void setup(void)
{
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/impact.db", dir);
}

static void teardown(void)
{
	t_rmtree(dir);
}

TestSuite(store, .init = setup, .fini = teardown);

/* Run one SQL statement on a file with the plain SQLite API. */
static void raw_sql(const char *file, const char *sql)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open(file, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s",
	             sqlite3_errmsg(db));
	sqlite3_close(db);
}

static int raw_int(const char *file, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int v;

	cr_assert_eq(sqlite3_open(file, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

Test(store, init_creates_then_leaves_unchanged)
{
	impact *h = NULL;
	impact_init_status s;
	impact_db_counts c;
	int from = -1, v = 0;

	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, &s, &from), 0, "%s",
	             impact_errmsg(h));
	cr_expect_eq(s, IMPACT_INIT_CREATED);
	cr_expect_eq(from, 0);
	cr_assert_eq(impact_db_schema_version(h, &v), 0);
	cr_expect_eq(v, IMPACT_SCHEMA_VERSION);
	cr_assert_eq(impact_db_counts_get(h, &c), 0);
	cr_expect_eq(c.places + c.respondents + c.results, 0);
	cr_assert_eq(impact_db_init(h, path, &s, &from), 0);
	cr_expect_eq(s, IMPACT_INIT_EXISTED);
	cr_expect_eq(from, IMPACT_SCHEMA_VERSION);
	impact_free(h);
	cr_expect_eq(raw_int(path, "PRAGMA user_version;"), 5);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM meta WHERE key ="
	                     " 'respondent_secret' AND length(value) = 64;"), 1);
}

Test(store, wal_and_foreign_keys)
{
	impact *h = NULL;

	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, NULL, NULL), 0);
	impact_free(h);
	cr_expect_eq(raw_int(path, "SELECT journal_mode = 'wal' FROM"
	                     " pragma_journal_mode;"), 1);
	/* A place pointing at no territory violates the foreign key when
	 * the connection enforces them, as impact's do. */
	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_open(h, path), 0);
	impact_free(h);
	{
		sqlite3 *db = NULL;

		cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
		sqlite3_exec(db, "PRAGMA foreign_keys = ON;", NULL, NULL, NULL);
		cr_expect_neq(sqlite3_exec(db, "INSERT INTO places (code, name,"
		                           " territory_id) VALUES ('X', 'X', 42);",
		                           NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
}

Test(store, open_missing_file_says_to_init)
{
	impact *h = NULL;

	cr_assert_eq(impact_new(&h), 0);
	cr_expect_eq(impact_db_open(h, path), IMPACT_ENOTFOUND);
	cr_expect(strstr(impact_errmsg(h), "impact init") != NULL, "%s",
	          impact_errmsg(h));
	cr_expect_eq(impact_errcode(h), IMPACT_ENOTFOUND);
	impact_free(h);
}

Test(store, newer_schema_is_refused_untouched)
{
	impact *h = NULL;

	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, NULL, NULL), 0);
	impact_db_close(h);
	raw_sql(path, "PRAGMA user_version = 7;");
	cr_expect_eq(impact_db_open(h, path), IMPACT_EVERSION);
	cr_expect(strstr(impact_errmsg(h), "newer impact") != NULL, "%s",
	          impact_errmsg(h));
	cr_expect_eq(impact_db_init(h, path, NULL, NULL), IMPACT_EVERSION);
	impact_free(h);
	cr_expect_eq(raw_int(path, "PRAGMA user_version;"), 7);
}

Test(store, foreign_sqlite_file_is_refused)
{
	impact *h = NULL;

	raw_sql(path, "CREATE TABLE mine (x);");
	cr_assert_eq(impact_new(&h), 0);
	cr_expect_eq(impact_db_open(h, path), IMPACT_EDB);
	cr_expect(strstr(impact_errmsg(h), "not an impact database") != NULL,
	          "%s", impact_errmsg(h));
	impact_free(h);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM sqlite_schema;"), 1);
}

Test(store, text_file_is_refused)
{
	impact *h = NULL;

	t_write(dir, "impact.db", "this is not a database, just some text "
	        "written by someone who chose the wrong file name\n");
	cr_assert_eq(impact_new(&h), 0);
	cr_expect_eq(impact_db_open(h, path), IMPACT_EDB);
	cr_expect(strstr(impact_errmsg(h), "impact.db") != NULL, "%s",
	          impact_errmsg(h));
	impact_free(h);
}

Test(store, calls_without_database_are_usage_errors)
{
	impact *h = NULL;
	int v;

	cr_assert_eq(impact_new(&h), 0);
	cr_expect_eq(impact_db_schema_version(h, &v), IMPACT_EUSAGE);
	cr_expect_eq(impact_compute(h, NULL, NULL), IMPACT_EUSAGE);
	impact_free(h);
}

/* SQL that takes a file's indexes back to what schema 3 had. */
#define SCHEMA_4_INDEXES                                                  \
	" CREATE INDEX answers_question ON answers(question_id);"
#define SCHEMA_3_INDEXES SCHEMA_4_INDEXES                                 \
	"DROP INDEX index_results_place; DROP INDEX index_results_territory;" \
	" DROP INDEX respondents_place; DROP INDEX activities_place;"         \
	" CREATE INDEX respondents_place ON respondents(place_id, period);"    \
	" CREATE INDEX activities_place ON activities(place_id, period);"

/* A file at schema 1 (before index_results) is migrated to 2, and its
 * rows are kept. */
Test(store, migrates_version_1_forward)
{
	impact *h = NULL;
	impact_init_status s;
	int from = -1;

	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, &s, &from), 0);
	impact_free(h);
	raw_sql(path, "DROP TABLE index_results; DROP TABLE sessions;"
	         " DROP TABLE access_codes; DROP TABLE form_entries;"
	         " PRAGMA user_version = 1;"
	         "INSERT INTO territories (code, name) VALUES ('T', 'Terre');");
	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, &s, &from), 0, "%s",
	             impact_errmsg(h));
	cr_expect_eq(s, IMPACT_INIT_MIGRATED);
	cr_expect_eq(from, 1);
	impact_free(h);
	cr_expect_eq(raw_int(path, "PRAGMA user_version;"), 5);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE"
	                     " name = 'index_results';"), 1);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM territories;"), 1);
}

/* A file at schema 2 (before web entry) gains form_entries, access_codes
 * and sessions, and keeps its rows. */
Test(store, migrates_version_2_forward)
{
	impact *h = NULL;
	impact_init_status s;
	int from = -1;

	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, &s, &from), 0);
	impact_free(h);
	raw_sql(path, "DROP TABLE sessions; DROP TABLE access_codes;"
	         " DROP TABLE form_entries; " SCHEMA_3_INDEXES
	         " PRAGMA user_version = 2;"
	         "INSERT INTO territories (code, name) VALUES ('T', 'Terre');");
	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, &s, &from), 0, "%s",
	             impact_errmsg(h));
	cr_expect_eq(s, IMPACT_INIT_MIGRATED);
	cr_expect_eq(from, 2);
	impact_free(h);
	cr_expect_eq(raw_int(path, "PRAGMA user_version;"), 5);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE"
	                     " name IN ('form_entries', 'access_codes',"
	                     " 'sessions');"), 3);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM territories;"), 1);
}

/* A file at schema 3 gains the indexes of schema 4, keeps its rows, and
 * its queries by place use them. */
Test(store, migrates_version_3_forward)
{
	impact *h = NULL;
	impact_init_status s;
	int from = -1;

	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, &s, &from), 0);
	impact_free(h);
	raw_sql(path, SCHEMA_3_INDEXES " PRAGMA user_version = 3;"
	        "INSERT INTO territories (code, name) VALUES ('T', 'Terre');");
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM pragma_index_info("
	                     "'activities_place');"), 2);
	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, &s, &from), 0, "%s",
	             impact_errmsg(h));
	cr_expect_eq(s, IMPACT_INIT_MIGRATED);
	cr_expect_eq(from, 3);
	impact_free(h);
	cr_expect_eq(raw_int(path, "PRAGMA user_version;"), 5);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE"
	                     " name IN ('index_results_place',"
	                     " 'index_results_territory');"), 2);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM pragma_index_info("
	                     "'activities_place');"), 3);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM pragma_index_info("
	                     "'respondents_place');"), 3);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM territories;"), 1);
}

/* A file at schema 4 loses the index of answers by question and keeps
 * its rows. */
Test(store, migrates_version_4_forward)
{
	impact *h = NULL;
	impact_init_status s;
	int from = -1;

	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, &s, &from), 0);
	impact_free(h);
	raw_sql(path, SCHEMA_4_INDEXES " PRAGMA user_version = 4;"
	        "INSERT INTO territories (code, name) VALUES ('T', 'Terre');");
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE"
	                     " name = 'answers_question';"), 1);
	cr_assert_eq(impact_new(&h), 0);
	cr_assert_eq(impact_db_init(h, path, &s, &from), 0, "%s",
	             impact_errmsg(h));
	cr_expect_eq(s, IMPACT_INIT_MIGRATED);
	cr_expect_eq(from, 4);
	impact_free(h);
	cr_expect_eq(raw_int(path, "PRAGMA user_version;"), 5);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE"
	                     " name = 'answers_question';"), 0);
	cr_expect_eq(raw_int(path, "SELECT count(*) FROM territories;"), 1);
}
