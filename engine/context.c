/*
 * engine/context.c: the library handle (struct impact, engine/context.h),
 * its error slot and the small SQLite helpers every module uses.  Read
 * engine/store.c next: it opens the database this handle carries.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "context.h"
#include "impact/store.h"

int impact_new(impact **out)
{
	impact *h;

	assert(out);
	*out = NULL;
	/* GSL's default handler aborts; a library checks every status
	 * instead (GSL manual, "Error handling").  Every entry point needs a
	 * handle, so turning it off here covers them all. */
	gsl_set_error_handler_off();
	h = calloc(1, sizeof(*h));
	if (!h)
		return IMPACT_ENOMEM;
	*out = h;
	return IMPACT_OK;
}

void impact_free(impact *h)
{
	if (!h)
		return;
	impact_db_close(h);
	free(h);
}

const char *impact_errmsg(const impact *h)
{
	if (!h)
		return "out of memory";
	return h->errmsg;
}

int impact_errcode(const impact *h)
{
	return h ? h->errcode : IMPACT_ENOMEM;
}

void impact_set_progress(impact *h, impact_progress_cb cb, void *payload)
{
	assert(h);
	h->progress = cb;
	h->progress_payload = payload;
}

const char *impact_version(void)
{
	return IMPACT_VERSION;
}

int impact__error(impact *h, int code, const char *fmt, ...)
{
	va_list ap;

	h->errcode = code;
	va_start(ap, fmt);
	vsnprintf(h->errmsg, sizeof(h->errmsg), fmt, ap);
	va_end(ap);
	return code;
}

const char *impact__db_hint(int code)
{
	switch (code & 0xff) {
	case SQLITE_FULL:
		return ": the disk is full: free some space and run the command "
		       "again";
	case SQLITE_IOERR:
		return ": the disk could not be written or read (is it full?): "
		       "check the free space and run the command again";
	case SQLITE_READONLY:
		return ": the database file or its folder may not be written "
		       "(impact writes both: SQLite keeps a -wal and a -shm file "
		       "beside the database): check their permissions";
	case SQLITE_CANTOPEN:
		return ": check that the file and its folder exist and may be "
		       "written";
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ": another impact command kept the database busy for 30 "
		       "seconds: run the command again once it has finished";
	case SQLITE_CORRUPT:
		return ": the database file is damaged: restore a backup";
	default:
		return "";
	}
}

int impact__db_error(impact *h, const char *what)
{
	int rc = h->db ? sqlite3_errcode(h->db) : SQLITE_ERROR;
	const char *msg = h->db ? sqlite3_errmsg(h->db) : "no database";

	if (rc == SQLITE_NOMEM)
		return impact__error(h, IMPACT_ENOMEM, "%s: out of memory", what);
	return impact__error(h, IMPACT_EDB, "%s: %s%s", what, msg,
	                     impact__db_hint(rc));
}

void impact__clear_error(impact *h)
{
	h->errcode = IMPACT_OK;
	h->errmsg[0] = '\0';
}

int impact__need_db(impact *h)
{
	if (!h->db)
		return impact__error(h, IMPACT_EUSAGE,
		                     "no database open: call impact_db_open first");
	return IMPACT_OK;
}

void impact__progress(impact *h, const char *stage, size_t done, size_t total)
{
	if (h->progress)
		h->progress(h->progress_payload, stage, done, total);
}

int impact__exec(impact *h, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(h->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		impact__error(h, IMPACT_EDB, "database error: %s%s",
		              err ? err : sqlite3_errmsg(h->db),
		              impact__db_hint(sqlite3_errcode(h->db)));
		sqlite3_free(err);
		return IMPACT_EDB;
	}
	return IMPACT_OK;
}

int impact__end_tx(impact *h, int rc)
{
	if (rc == IMPACT_OK)
		rc = impact__exec(h, "COMMIT;");
	if (rc != IMPACT_OK)
		sqlite3_exec(h->db, "ROLLBACK;", NULL, NULL, NULL);
	return rc;
}

int impact__prepare(impact *h, sqlite3_stmt **out, const char *sql)
{
	if (sqlite3_prepare_v2(h->db, sql, -1, out, NULL) != SQLITE_OK)
		return impact__db_error(h, "preparing a query");
	return IMPACT_OK;
}

void impact__utc_now(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	assert(size >= 21);
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

size_t impact__threads(void)
{
	const char *e = getenv("IMPACT_THREADS");
	long n;

	if (e && *e) {
		char *end;

		n = strtol(e, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 64)
			return (size_t)n;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (size_t)n;
}
