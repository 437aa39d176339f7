/*
 * engine/context.h: the inside of the `impact` handle, shared by every
 * module of the library (never installed).  Modules set errors with
 * impact__error() and friends, which format the one-line message and
 * return the code, so a failure reads `return impact__error(h, ...)`.
 */
#ifndef IMPACT_ENGINE_CONTEXT_H
#define IMPACT_ENGINE_CONTEXT_H

#include <sqlite3.h>

#include "impact/common.h"

#define IMPACT__ERRMSG_MAX 1024

struct impact {
	sqlite3 *db;                       /* open store, or NULL */
	char *db_path;                     /* path of the open store (owned) */
	int errcode;                       /* last failure, IMPACT_OK if none */
	char errmsg[IMPACT__ERRMSG_MAX];   /* its one-line message */
	impact_progress_cb progress;       /* progress callback, or NULL */
	void *progress_payload;            /* its first argument */
};

#if defined(__GNUC__)
#define IMPACT__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define IMPACT__PRINTF(a, b)
#endif

/* Record error `code` with a printf-style message; returns `code`. */
int impact__error(impact *h, int code, const char *fmt, ...)
	IMPACT__PRINTF(3, 4);

/* Record an SQLite failure: "`what`: <sqlite3_errmsg>"; returns
 * IMPACT_EDB (or IMPACT_ENOMEM when SQLite ran out of memory). */
int impact__db_error(impact *h, const char *what);

/* What the user can do about SQLite result code `code` (primary or
 * extended), as ": hint" to append to a message, or "" (a static
 * string): a full disk, a read-only file or folder, a busy database. */
const char *impact__db_hint(int code);

/* Forget the last error (called at the start of each public function). */
void impact__clear_error(impact *h);

/* Fail with IMPACT_EUSAGE unless a database is open on `h`. */
int impact__need_db(impact *h);

/* Report progress if a callback is installed. */
void impact__progress(impact *h, const char *stage, size_t done,
                      size_t total);

/* Run SQL with no result rows (several statements allowed). */
int impact__exec(impact *h, const char *sql);

/* End the transaction a function opened: COMMIT when rc is IMPACT_OK
 * (a failing COMMIT becomes the result), else ROLLBACK keeping rc's
 * message.  Returns the final code. */
int impact__end_tx(impact *h, int rc);

/* Prepare `sql` into *out; on failure record the error. */
int impact__prepare(impact *h, sqlite3_stmt **out, const char *sql);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21). */
void impact__utc_now(char *buf, size_t size);

/* Threads to use for independent computations: $IMPACT_THREADS when set
 * (1 to 64), else the processors online, at most 8. */
size_t impact__threads(void);

#endif
