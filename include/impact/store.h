/*
 * impact/store.h: the SQLite store.
 *
 * One database file holds everything: territories, places, surveys,
 * respondents, answers, activities, imports, rejected rows and computed
 * results.  Its schema is documented in docs/schema.md and versioned with
 * PRAGMA user_version; older files are migrated forward on open.
 */
#ifndef IMPACT_STORE_H
#define IMPACT_STORE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version this library writes. */
#define IMPACT_SCHEMA_VERSION 5

/* What impact_db_init() found. */
typedef enum {
	IMPACT_INIT_CREATED = 1,  /* a new database was created */
	IMPACT_INIT_EXISTED = 2,  /* already at the current schema: unchanged */
	IMPACT_INIT_MIGRATED = 3  /* an older schema was migrated forward */
} impact_init_status;

/*
 * Create the database at `path`, or bring an existing one up to date, and
 * leave it open on `h`.  *out_status (may be NULL) tells which happened;
 * *out_from_version (may be NULL) the schema version found before.
 * Fails with IMPACT_EVERSION on a file from a newer impact, IMPACT_EDB on a
 * file that is not an impact database.
 */
int impact_db_init(impact *h, const char *path, impact_init_status *out_status,
                   int *out_from_version);

/*
 * Open an existing database, migrating it forward when older.  Fails with
 * IMPACT_ENOTFOUND when `path` does not exist (the message says to run
 * `impact init`).  Any database already open on `h` is closed first.
 */
int impact_db_open(impact *h, const char *path);

/* Close the database open on `h`, if any. */
void impact_db_close(impact *h);

/* The schema version of the open database, into *out. */
int impact_db_schema_version(impact *h, int *out);

/* Counts of the main tables, for `impact status`. */
typedef struct {
	long long territories;
	long long places;
	long long surveys;
	long long respondents;
	long long answers;
	long long activities;
	long long imports;
	long long rejects;
	long long results;
} impact_db_counts;

/* Fill *out with the row counts of the open database. */
int impact_db_counts_get(impact *h, impact_db_counts *out);

#ifdef __cplusplus
}
#endif
#endif
