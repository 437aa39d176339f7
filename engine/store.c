/*
 * engine/store.c: the SQLite store: creating, opening and migrating the
 * database file.
 *
 * The schema is a list of migrations (`migrations[]`): migration i brings a
 * file from user_version i to i + 1, inside one transaction.  A new file
 * runs them all; an older file runs the missing ones; a file whose
 * user_version is above IMPACT_SCHEMA_VERSION was written by a newer impact
 * and is refused untouched.  docs/schema.md documents every table: keep it
 * in step with this file.  Every connection enforces foreign keys, uses the
 * WAL journal and waits up to IMPACT__BUSY_MS for another writer.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "context.h"
#include "impact/store.h"

#define IMPACT__BUSY_MS 30000

/* Application id written in the header ("IMPC"), so that `file` tools and
 * impact itself can tell an impact database from another SQLite file. */
#define IMPACT__APPLICATION_ID 0x494d5043

/* Migration 0 -> 1: the first schema.  One statement per string. */
static const char *const migration_1[] = {
	"CREATE TABLE meta (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	") WITHOUT ROWID;\n",
	"INSERT INTO meta VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ','now'));\n",
	"INSERT INTO meta VALUES ('respondent_secret', lower(hex(randomblob(32))));\n",
	"CREATE TABLE territories (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE,\n"
	"  name TEXT NOT NULL,\n"
	"  parent_id INTEGER REFERENCES territories(id) ON DELETE RESTRICT,\n"
	"  CHECK (parent_id IS NULL OR parent_id <> id)\n"
	");\n",
	"CREATE INDEX territories_parent ON territories(parent_id);\n",
	"CREATE TABLE places (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE,\n"
	"  name TEXT NOT NULL,\n"
	"  territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE RESTRICT,\n"
	"  commune TEXT,\n"
	"  latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),\n"
	"  longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180)\n"
	");\n",
	"CREATE INDEX places_territory ON places(territory_id);\n",
	"CREATE TABLE surveys (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE,\n"
	"  title_fr TEXT NOT NULL,\n"
	"  title_en TEXT,\n"
	"  definition TEXT NOT NULL,\n"
	"  added_at TEXT NOT NULL\n"
	");\n",
	"CREATE TABLE questions (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,\n"
	"  code TEXT NOT NULL,\n"
	"  position INTEGER NOT NULL,\n"
	"  label_fr TEXT NOT NULL,\n"
	"  label_en TEXT,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('scale', 'rating', 'yesno',\n"
	"    'single', 'multiple', 'number', 'date', 'text')),\n"
	"  min REAL,\n"
	"  max REAL,\n"
	"  domain TEXT,\n"
	"  importance_of TEXT,\n"
	"  required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),\n"
	"  role TEXT CHECK (role IN ('place', 'respondent', 'date', 'age_band',\n"
	"    'sex', 'commune', 'activity_status')),\n"
	"  CHECK (min IS NULL OR max IS NULL OR min < max),\n"
	"  UNIQUE (survey_id, code)\n"
	");\n",
	"CREATE TABLE question_aliases (\n"
	"  question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,\n"
	"  alias TEXT NOT NULL,\n"
	"  PRIMARY KEY (question_id, alias)\n"
	") WITHOUT ROWID;\n",
	"CREATE TABLE choices (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,\n"
	"  code TEXT NOT NULL,\n"
	"  position INTEGER NOT NULL,\n"
	"  label_fr TEXT NOT NULL,\n"
	"  label_en TEXT,\n"
	"  value REAL,\n"
	"  UNIQUE (question_id, code)\n"
	");\n",
	"CREATE TABLE imports (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('territories', 'places', 'answers',\n"
	"    'activities', 'facts', 'margins')),\n"
	"  file_name TEXT NOT NULL,\n"
	"  sha256 TEXT NOT NULL,\n"
	"  survey_id INTEGER REFERENCES surveys(id) ON DELETE CASCADE,\n"
	"  rows_read INTEGER NOT NULL,\n"
	"  rows_loaded INTEGER NOT NULL,\n"
	"  rows_rejected INTEGER NOT NULL,\n"
	"  rows_skipped INTEGER NOT NULL DEFAULT 0,\n"
	"  encoding TEXT,\n"
	"  delimiter TEXT,\n"
	"  tool TEXT,\n"
	"  notes TEXT,\n"
	"  imported_at TEXT NOT NULL\n"
	");\n",
	"CREATE UNIQUE INDEX imports_file ON imports(kind, sha256,\n"
	"  coalesce(survey_id, 0));\n",
	"CREATE TABLE respondents (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,\n"
	"  import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,\n"
	"  key TEXT NOT NULL,\n"
	"  place_id INTEGER NOT NULL REFERENCES places(id) ON DELETE RESTRICT,\n"
	"  period INTEGER NOT NULL,\n"
	"  submitted_on TEXT,\n"
	"  fingerprint TEXT,\n"
	"  UNIQUE (survey_id, period, key)\n"
	");\n",
	"CREATE INDEX respondents_place ON respondents(place_id, period);\n",
	"CREATE INDEX respondents_import ON respondents(import_id);\n",
	"CREATE TABLE answers (\n"
	"  respondent_id INTEGER NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,\n"
	"  question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,\n"
	"  value REAL,\n"
	"  choice_id INTEGER REFERENCES choices(id) ON DELETE CASCADE,\n"
	"  text TEXT,\n"
	"  CHECK (value IS NOT NULL OR choice_id IS NOT NULL OR text IS NOT NULL),\n"
	"  PRIMARY KEY (respondent_id, question_id)\n"
	") WITHOUT ROWID;\n",
	"CREATE TABLE answer_choices (\n"
	"  respondent_id INTEGER NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,\n"
	"  question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,\n"
	"  choice_id INTEGER NOT NULL REFERENCES choices(id) ON DELETE CASCADE,\n"
	"  PRIMARY KEY (respondent_id, choice_id)\n"
	") WITHOUT ROWID;\n",
	"CREATE INDEX answers_question ON answers(question_id);\n",
	"CREATE TABLE activities (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,\n"
	"  place_id INTEGER NOT NULL REFERENCES places(id) ON DELETE RESTRICT,\n"
	"  date TEXT NOT NULL,\n"
	"  period INTEGER NOT NULL,\n"
	"  category TEXT NOT NULL,\n"
	"  title TEXT,\n"
	"  participants INTEGER NOT NULL CHECK (participants >= 0),\n"
	"  hours REAL NOT NULL CHECK (hours >= 0),\n"
	"  volunteers INTEGER NOT NULL DEFAULT 0 CHECK (volunteers >= 0),\n"
	"  new_participants INTEGER CHECK (new_participants >= 0\n"
	"    AND new_participants <= participants),\n"
	"  volunteer_hours REAL CHECK (volunteer_hours >= 0),\n"
	"  free INTEGER CHECK (free IN (0, 1))\n"
	");\n",
	"CREATE TABLE activity_publics (\n"
	"  activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,\n"
	"  public TEXT NOT NULL,\n"
	"  PRIMARY KEY (activity_id, public)\n"
	") WITHOUT ROWID;\n",
	"CREATE TABLE activity_partners (\n"
	"  activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,\n"
	"  place_id INTEGER NOT NULL REFERENCES places(id) ON DELETE RESTRICT,\n"
	"  PRIMARY KEY (activity_id, place_id)\n"
	") WITHOUT ROWID;\n",
	"CREATE INDEX activities_place ON activities(place_id, period);\n",
	"CREATE INDEX activities_import ON activities(import_id);\n",
	"CREATE TABLE rejects (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,\n"
	"  line INTEGER NOT NULL,\n"
	"  column_no INTEGER NOT NULL,\n"
	"  field TEXT NOT NULL,\n"
	"  reason TEXT NOT NULL,\n"
	"  record TEXT NOT NULL\n"
	");\n",
	"CREATE INDEX rejects_import ON rejects(import_id);\n",
	"CREATE TABLE place_facts (\n"
	"  place_id INTEGER NOT NULL REFERENCES places(id) ON DELETE CASCADE,\n"
	"  period INTEGER NOT NULL,\n"
	"  key TEXT NOT NULL,\n"
	"  value REAL NOT NULL,\n"
	"  import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,\n"
	"  PRIMARY KEY (place_id, period, key)\n"
	") WITHOUT ROWID;\n",
	"CREATE TABLE margins (\n"
	"  territory_id INTEGER NOT NULL REFERENCES territories(id)\n"
	"    ON DELETE CASCADE,\n"
	"  variable TEXT NOT NULL CHECK (variable IN ('age_band', 'sex',\n"
	"    'commune', 'activity_status')),\n"
	"  level TEXT NOT NULL,\n"
	"  total REAL NOT NULL CHECK (total > 0),\n"
	"  import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,\n"
	"  PRIMARY KEY (territory_id, variable, level)\n"
	") WITHOUT ROWID;\n",
	"CREATE TABLE index_definitions (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE,\n"
	"  title_fr TEXT NOT NULL,\n"
	"  title_en TEXT,\n"
	"  definition TEXT NOT NULL,\n"
	"  added_at TEXT NOT NULL\n"
	");\n",
	"CREATE TABLE indicator_libraries (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE,\n"
	"  title_fr TEXT NOT NULL,\n"
	"  title_en TEXT,\n"
	"  definition TEXT NOT NULL,\n"
	"  added_at TEXT NOT NULL\n"
	");\n",
	"CREATE TABLE indicators (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  library_id INTEGER NOT NULL REFERENCES indicator_libraries(id)\n"
	"    ON DELETE CASCADE,\n"
	"  code TEXT NOT NULL,\n"
	"  position INTEGER NOT NULL,\n"
	"  label_fr TEXT NOT NULL,\n"
	"  label_en TEXT,\n"
	"  description_fr TEXT NOT NULL,\n"
	"  description_en TEXT,\n"
	"  domain TEXT NOT NULL,\n"
	"  source TEXT NOT NULL CHECK (source IN ('answers', 'activities',\n"
	"    'facts')),\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('mean', 'share', 'count', 'sum',\n"
	"    'distinct', 'ratio', 'diversity')),\n"
	"  unit_fr TEXT,\n"
	"  unit_en TEXT,\n"
	"  direction INTEGER NOT NULL DEFAULT 1 CHECK (direction IN (1, -1)),\n"
	"  decimals INTEGER NOT NULL DEFAULT 1 CHECK (decimals BETWEEN 0 AND 3),\n"
	"  min_n INTEGER NOT NULL DEFAULT 5 CHECK (min_n >= 1),\n"
	"  definition TEXT NOT NULL,\n"
	"  UNIQUE (library_id, code)\n"
	");\n",
	"CREATE TABLE indicator_results (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  indicator_id INTEGER NOT NULL REFERENCES indicators(id)\n"
	"    ON DELETE CASCADE,\n"
	"  period INTEGER NOT NULL,\n"
	"  place_id INTEGER REFERENCES places(id) ON DELETE CASCADE,\n"
	"  territory_id INTEGER REFERENCES territories(id) ON DELETE CASCADE,\n"
	"  value REAL,\n"
	"  n INTEGER NOT NULL,\n"
	"  ci_low REAL,\n"
	"  ci_high REAL,\n"
	"  variance REAL,\n"
	"  previous REAL,\n"
	"  change REAL,\n"
	"  p_value REAL,\n"
	"  significant INTEGER CHECK (significant IN (0, 1)),\n"
	"  suppressed INTEGER NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1)),\n"
	"  reason TEXT,\n"
	"  computed_at TEXT NOT NULL,\n"
	"  CHECK ((place_id IS NULL) <> (territory_id IS NULL))\n"
	");\n",
	"CREATE UNIQUE INDEX indicator_results_key ON indicator_results(\n"
	"  indicator_id, period, coalesce(place_id, 0), coalesce(territory_id, 0));\n",
	"CREATE TABLE results (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  period INTEGER NOT NULL,\n"
	"  place_id INTEGER REFERENCES places(id) ON DELETE CASCADE,\n"
	"  territory_id INTEGER REFERENCES territories(id) ON DELETE CASCADE,\n"
	"  measure TEXT NOT NULL,\n"
	"  question_id INTEGER REFERENCES questions(id) ON DELETE CASCADE,\n"
	"  value REAL,\n"
	"  n INTEGER NOT NULL,\n"
	"  ci_low REAL,\n"
	"  ci_high REAL,\n"
	"  computed_at TEXT NOT NULL,\n"
	"  CHECK ((place_id IS NULL) <> (territory_id IS NULL))\n"
	");\n",
	"CREATE UNIQUE INDEX results_key ON results(period, coalesce(place_id, 0),\n"
	"  coalesce(territory_id, 0), measure, coalesce(question_id, 0));\n",
	"CREATE VIEW results_view AS\n"
	"SELECT r.period,\n"
	"  CASE WHEN r.place_id IS NOT NULL THEN 'place' ELSE 'territory' END AS unit_kind,\n"
	"  coalesce(p.code, t.code) AS unit_code,\n"
	"  coalesce(p.name, t.name) AS unit_name,\n"
	"  r.measure, q.code AS question, q.position AS question_position,\n"
	"  q.label_fr, q.label_en,\n"
	"  r.value, r.n, r.ci_low, r.ci_high, r.computed_at\n"
	"FROM results r\n"
	"LEFT JOIN places p ON p.id = r.place_id\n"
	"LEFT JOIN territories t ON t.id = r.territory_id\n"
	"LEFT JOIN questions q ON q.id = r.question_id;\n",
	NULL
};

/* Migration 1 -> 2: the index's full results, one JSON document (the
 * `impact index` contract, docs/index.md) per index, period and unit, so
 * that reports print what `impact index` computed. */
static const char *const migration_2[] = {
	"CREATE TABLE index_results (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  index_id INTEGER NOT NULL REFERENCES index_definitions(id)\n"
	"    ON DELETE CASCADE,\n"
	"  period INTEGER NOT NULL,\n"
	"  place_id INTEGER REFERENCES places(id) ON DELETE CASCADE,\n"
	"  territory_id INTEGER REFERENCES territories(id) ON DELETE CASCADE,\n"
	"  gnh REAL,\n"
	"  n INTEGER NOT NULL,\n"
	"  document TEXT NOT NULL CHECK (json_valid(document)),\n"
	"  computed_at TEXT NOT NULL,\n"
	"  CHECK ((place_id IS NULL) <> (territory_id IS NULL))\n"
	");\n",
	"CREATE UNIQUE INDEX index_results_key ON index_results(index_id, period,\n"
	"  coalesce(place_id, 0), coalesce(territory_id, 0));\n",
	NULL
};

/* Migration 2 -> 3: web entry (`impact serve`, docs/serve.md): the
 * respondents typed in a form, the access codes of places and
 * coordinators (hashed), and the sessions opened with them (hashed). */
static const char *const migration_3[] = {
	"CREATE TABLE form_entries (\n"
	"  respondent_id INTEGER PRIMARY KEY REFERENCES respondents(id)\n"
	"    ON DELETE CASCADE,\n"
	"  entered_at TEXT NOT NULL,\n"
	"  changed_at TEXT\n"
	");\n",
	"CREATE TABLE access_codes (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  place_id INTEGER UNIQUE REFERENCES places(id) ON DELETE CASCADE,\n"
	"  salt TEXT NOT NULL,\n"
	"  iterations INTEGER NOT NULL CHECK (iterations >= 1),\n"
	"  hash TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL\n"
	");\n",
	"CREATE UNIQUE INDEX access_codes_coordinator ON access_codes(\n"
	"  (place_id IS NULL)) WHERE place_id IS NULL;\n",
	"CREATE TABLE sessions (\n"
	"  token_hash TEXT PRIMARY KEY,\n"
	"  access_id INTEGER NOT NULL REFERENCES access_codes(id)\n"
	"    ON DELETE CASCADE,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  last_seen INTEGER NOT NULL\n"
	") WITHOUT ROWID;\n",
	"CREATE INDEX sessions_access ON sessions(access_id);\n",
	NULL
};

/* Migration 3 -> 4: what a dashboard reads found without a scan.  A
 * unit's index documents (its own, its territory's, its trend: a
 * national network has tens of thousands); and the imports behind a
 * place's respondents and activities, from the index alone (the sources
 * of the method page). */
static const char *const migration_4[] = {
	"DROP INDEX respondents_place;\n",
	"CREATE INDEX respondents_place ON respondents(place_id, period,\n"
	"  import_id);\n",
	"DROP INDEX activities_place;\n",
	"CREATE INDEX activities_place ON activities(place_id, period,\n"
	"  import_id);\n",
	"CREATE INDEX index_results_place ON index_results(place_id, index_id,\n"
	"  period) WHERE place_id IS NOT NULL;\n",
	"CREATE INDEX index_results_territory ON index_results(territory_id,\n"
	"  index_id, period) WHERE territory_id IS NOT NULL;\n",
	NULL
};

/* Migration 4 -> 5: answers without their index by question.  Every
 * reader finds answers by respondent (the key), and keeping a second
 * order of every answer tripled the cost of storing one (docs/schema.md).
 * No command deletes a question, the only use SQLite had for it. */
static const char *const migration_5[] = {
	"DROP INDEX IF EXISTS answers_question;\n",
	NULL
};

/* migrations[i] brings a file from user_version i to i + 1. */
static const char *const *const migrations[] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
	migration_5,
};

#define N_MIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

/* Keep the version macro and the migration list in step. */
_Static_assert(N_MIGRATIONS == IMPACT_SCHEMA_VERSION,
               "IMPACT_SCHEMA_VERSION must equal the number of migrations");

/* Read one integer PRAGMA into *out. */
static int pragma_int(impact *h, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, sql)) != IMPACT_OK)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = impact__db_error(h, "reading the database header");
		goto done;
	}
	*out = sqlite3_column_int(st, 0);
	rc = IMPACT_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

/* Connection settings applied on every open. */
static int configure(impact *h)
{
	int fk = 0, rc;

	sqlite3_busy_timeout(h->db, IMPACT__BUSY_MS);
	sqlite3_extended_result_codes(h->db, 1);
	if ((rc = impact__exec(h, "PRAGMA foreign_keys = ON;")) != IMPACT_OK)
		return rc;
	if ((rc = pragma_int(h, "PRAGMA foreign_keys;", &fk)) != IMPACT_OK)
		return rc;
	if (!fk)
		return impact__error(h, IMPACT_EDB,
		                     "this SQLite cannot enforce foreign keys");
	return IMPACT_OK;
}

/*
 * Check the file is ours (or empty) and bring its schema to
 * IMPACT_SCHEMA_VERSION.  *from receives the version found.
 */
static int migrate(impact *h, const char *path, int *from)
{
	int version = 0, app_id = 0, rc, objects = 0;
	size_t i;

	if ((rc = pragma_int(h, "PRAGMA user_version;", &version)) != IMPACT_OK) {
		/* "file is not a database" lands here; so does a file that
		 * cannot be read, or whose -wal and -shm cannot be written */
		int code = sqlite3_errcode(h->db) & 0xff;

		if (code != SQLITE_NOTADB && code != SQLITE_CORRUPT)
			return impact__error(h, IMPACT_EDB, "cannot open database "
			                     "'%s': %s%s", path,
			                     sqlite3_errmsg(h->db),
			                     impact__db_hint(code));
		return impact__error(h, IMPACT_EDB,
		                     "'%s' is not an impact database: %s", path,
		                     sqlite3_errmsg(h->db));
	}
	if ((rc = pragma_int(h, "PRAGMA application_id;", &app_id)) != IMPACT_OK)
		return rc;
	if ((rc = pragma_int(h, "SELECT count(*) FROM sqlite_schema;",
	                     &objects)) != IMPACT_OK)
		return rc;
	*from = version;
	if (objects > 0 && app_id != IMPACT__APPLICATION_ID)
		return impact__error(h, IMPACT_EDB,
		                     "'%s' is an SQLite file but not an impact "
		                     "database: choose another file with --db",
		                     path);
	if (version > (int)N_MIGRATIONS)
		return impact__error(h, IMPACT_EVERSION,
		                     "'%s' was written by a newer impact (schema %d; "
		                     "this impact %s knows up to %d): upgrade impact",
		                     path, version, IMPACT_VERSION,
		                     (int)N_MIGRATIONS);
	if (version == (int)N_MIGRATIONS)
		return IMPACT_OK;
	if ((rc = impact__exec(h, "PRAGMA journal_mode = WAL;")) != IMPACT_OK)
		return rc;
	for (i = (size_t)version; i < N_MIGRATIONS; i++) {
		const char *const *stmt;
		char pragma[96];

		if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
			return rc;
		/* Another process may have migrated while we waited. */
		if ((rc = pragma_int(h, "PRAGMA user_version;", &version))
		    != IMPACT_OK)
			goto rollback;
		if (version > (int)i) {
			impact__exec(h, "COMMIT;");
			i = (size_t)version - 1;
			continue;
		}
		for (stmt = migrations[i]; *stmt; stmt++)
			if ((rc = impact__exec(h, *stmt)) != IMPACT_OK)
				goto rollback;
		snprintf(pragma, sizeof(pragma),
		         "PRAGMA user_version = %d; PRAGMA application_id = %d;",
		         (int)i + 1, IMPACT__APPLICATION_ID);
		if ((rc = impact__exec(h, pragma)) != IMPACT_OK)
			goto rollback;
		if ((rc = impact__exec(h, "COMMIT;")) != IMPACT_OK)
			goto rollback;
	}
	return IMPACT_OK;
rollback:
	sqlite3_exec(h->db, "ROLLBACK;", NULL, NULL, NULL);
	return rc;
}

/* Open `path` with `flags`, configure and migrate.  On failure the handle
 * is left with no database. */
static int open_db(impact *h, const char *path, int flags, int *from)
{
	int rc;

	impact_db_close(h);
	h->db_path = strdup(path);
	if (!h->db_path)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	if (sqlite3_open_v2(path, &h->db, flags, NULL) != SQLITE_OK) {
		rc = h->db ? impact__error(h, IMPACT_EDB,
		                           "cannot open database '%s': %s%s", path,
		                           sqlite3_errmsg(h->db),
		                           impact__db_hint(sqlite3_errcode(h->db)))
		           : impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = configure(h)) != IMPACT_OK)
		goto fail;
	if ((rc = migrate(h, path, from)) != IMPACT_OK)
		goto fail;
	return IMPACT_OK;
fail:
	impact_db_close(h);
	return rc;
}

int impact_db_init(impact *h, const char *path, impact_init_status *out_status,
                   int *out_from_version)
{
	int from = 0, rc;

	assert(h && path);
	impact__clear_error(h);
	rc = open_db(h, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &from);
	if (rc != IMPACT_OK)
		return rc;
	if (out_status)
		*out_status = from == 0 ? IMPACT_INIT_CREATED
		              : from == IMPACT_SCHEMA_VERSION ? IMPACT_INIT_EXISTED
		                                              : IMPACT_INIT_MIGRATED;
	if (out_from_version)
		*out_from_version = from;
	return IMPACT_OK;
}

int impact_db_open(impact *h, const char *path)
{
	struct stat sb;
	int from = 0;

	assert(h && path);
	impact__clear_error(h);
	if (stat(path, &sb) != 0) {
		impact_db_close(h);
		if (errno == ENOENT)
			return impact__error(h, IMPACT_ENOTFOUND,
			                     "database '%s' does not exist: create "
			                     "it with 'impact init'", path);
		return impact__error(h, IMPACT_EIO, "cannot open database '%s': %s",
		                     path, strerror(errno));
	}
	return open_db(h, path, SQLITE_OPEN_READWRITE, &from);
}

void impact_db_close(impact *h)
{
	if (!h)
		return;
	if (h->db) {
		sqlite3_close_v2(h->db);
		h->db = NULL;
	}
	free(h->db_path);
	h->db_path = NULL;
}

int impact_db_schema_version(impact *h, int *out)
{
	int rc;

	assert(h && out);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	return pragma_int(h, "PRAGMA user_version;", out);
}

int impact_db_counts_get(impact *h, impact_db_counts *out)
{
	static const char *const tables[] = {
		"territories", "places", "surveys", "respondents", "answers",
		"activities", "imports", "rejects", "results"
	};
	long long *slots[9];
	size_t i;
	int rc;

	assert(h && out);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	slots[0] = &out->territories;
	slots[1] = &out->places;
	slots[2] = &out->surveys;
	slots[3] = &out->respondents;
	slots[4] = &out->answers;
	slots[5] = &out->activities;
	slots[6] = &out->imports;
	slots[7] = &out->rejects;
	slots[8] = &out->results;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char sql[64];
		sqlite3_stmt *st = NULL;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s;", tables[i]);
		if ((rc = impact__prepare(h, &st, sql)) != IMPACT_OK)
			return rc;
		if (sqlite3_step(st) != SQLITE_ROW) {
			rc = impact__db_error(h, "counting rows");
			sqlite3_finalize(st);
			return rc;
		}
		*slots[i] = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return IMPACT_OK;
}
