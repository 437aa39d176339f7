/*
 * surveys/import.c: the importers of territories, places, survey answers
 * and activity logs (formats in docs/formats.md).
 *
 * Every import runs in one transaction and records itself in `imports`
 * with the file's SHA-256, so the same file is never loaded twice and a
 * failure leaves the database as it was.  Reference data (territories,
 * places) is all or nothing: the first bad row refuses the file.
 * Observations (answers, activities) load the good rows and keep each bad
 * row in `rejects` with its line, column and reason.  The central structure
 * is `struct import`, the state of one import: the reader, the header map
 * and the prepared statements.  Respondent identifiers are replaced by a
 * keyed hash (HMAC-SHA-256 under the database's secret) before anything is
 * stored.
 */
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../engine/context.h"
#include "../engine/sha256.h"
#include "csv.h"
#include "impact/surveys.h"

#define MAX_CODE 64
#define MAX_REASON 512

/* One column the importer knows. */
typedef struct {
	const char *name;  /* header name, compared ignoring case */
	int required;      /* 1 if the column must be present */
	long index;        /* field index in the file, -1 when absent */
} column;

/* The state of one import. */
struct import {
	impact *h;
	const char *path;          /* file path as given */
	const char *name;          /* file name for messages */
	const char *kind;          /* value of imports.kind */
	impact_csv *csv;           /* reader */
	impact_csv_record rec;     /* current record */
	char **header;             /* copy of the header fields */
	size_t nheader;
	long long import_id;
	sqlite3_stmt *reject;      /* INSERT INTO rejects */
	impact_import_summary *sum;
	int in_tx;                 /* a transaction is open */
};

/* Is `s` a valid code: 1 to MAX_CODE of [A-Za-z0-9_.-]? */
static int valid_code(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '-' && s[n] != '_'
		    && s[n] != '.')
			return 0;
	return n > 0 && n <= MAX_CODE;
}

/* Strip leading and trailing spaces in place; returns s. */
static char *trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Parse a decimal number written with '.' or ',' (French spreadsheets) and
 * nothing else around it.  Returns 1 and sets *out, or 0.
 */
static int parse_number(const char *s, double *out)
{
	char buf[64], *end;
	size_t n = strlen(s), i;
	double v;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == ',')
			c = '.';
		if (!isdigit((unsigned char)c) && c != '.' && c != '-'
		    && c != '+' && c != 'e' && c != 'E')
			return 0;
		buf[i] = c;
	}
	buf[n] = '\0';
	v = strtod(buf, &end);
	if (*end != '\0' || !isfinite(v))
		return 0;
	*out = v;
	return 1;
}

/* Parse a whole number 0 <= v <= max.  Returns 1 and sets *out, or 0. */
static int parse_count(const char *s, long long max, long long *out)
{
	long long v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return 0;
		v = v * 10 + (*s - '0');
		if (v > max)
			return 0;
	}
	*out = v;
	return 1;
}

/* Base name of a path, for messages. */
static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Field masks for record_text(). */
#define MASK_NONE (-1L)     /* keep every field */
#define MASK_WORDS (-2L)    /* keep only fields that are numbers */

/*
 * Write a CSV rendering of the current record into an SQLite string (for
 * the rejects table), with field `hide` replaced by `mask`.  With
 * hide == MASK_WORDS (a row whose fields do not line up with the header,
 * so the identifier's position is unknown) every field that is not a
 * number is replaced by `mask`: no identifier is ever stored.
 */
static char *record_text(struct import *im, long hide, const char *mask)
{
	sqlite3_str *s = sqlite3_str_new(im->h->db);
	size_t i;

	for (i = 0; i < im->rec.nfields; i++) {
		const char *f = im->rec.fields[i];
		double unused;

		if ((long)i == hide || (hide == MASK_WORDS && *f
		                        && !parse_number(trim(im->rec.fields[i]),
		                                         &unused)))
			f = mask;

		if (i)
			sqlite3_str_appendchar(s, 1, ',');
		if (strpbrk(f, ",\"\r\n")) {
			sqlite3_str_appendchar(s, 1, '"');
			for (; *f; f++) {
				if (*f == '"')
					sqlite3_str_appendchar(s, 1, '"');
				sqlite3_str_appendchar(s, 1, *f);
			}
			sqlite3_str_appendchar(s, 1, '"');
		} else {
			sqlite3_str_appendall(s, f);
		}
	}
	return sqlite3_str_finish(s);
}

/* Keep the current record aside in `rejects`: field number col (0-based)
 * with `reason`.  The record is stored with field `hide` masked. */
static int reject(struct import *im, long col, long hide, const char *mask,
                  const char *reason)
{
	char *text = record_text(im, hide, mask);
	const char *field = col >= 0 && (size_t)col < im->nheader
	                    ? im->header[col] : "";
	int rc = IMPACT_OK;

	if (!text)
		return impact__error(im->h, IMPACT_ENOMEM, "out of memory");
	sqlite3_reset(im->reject);
	sqlite3_bind_int64(im->reject, 1, im->import_id);
	sqlite3_bind_int64(im->reject, 2, im->rec.line);
	sqlite3_bind_int64(im->reject, 3, col + 1);
	sqlite3_bind_text(im->reject, 4, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->reject, 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->reject, 6, text, -1, SQLITE_STATIC);
	if (sqlite3_step(im->reject) != SQLITE_DONE)
		rc = impact__db_error(im->h, "storing a rejected row");
	sqlite3_free(text);
	im->sum->rows_rejected++;
	return rc;
}

/*
 * Start an import: hash the file, stop early if it was imported before,
 * open a transaction, create the `imports` row and read the header.
 * Returns IMPACT_OK with sum->already_imported set when nothing is to do.
 */
static int import_begin(struct import *im, impact *h, const char *path,
                        const char *kind, long long survey_id,
                        impact_import_summary *sum)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	size_t i;
	int rc;

	memset(sum, 0, sizeof(*sum));
	im->h = h;
	im->path = path;
	im->name = path;
	im->kind = kind;
	im->sum = sum;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__file_sha256(h, path, sum->sha256)) != IMPACT_OK)
		return rc;
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		return rc;
	im->in_tx = 1;
	if ((rc = impact__prepare(h, &st, "SELECT id FROM imports WHERE kind = ?1"
	                          " AND sha256 = ?2"
	                          " AND coalesce(survey_id, 0) = ?3;")) != 0)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sum->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, survey_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		sum->import_id = sqlite3_column_int64(st, 0);
		sum->already_imported = 1;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sum->already_imported)
		return IMPACT_OK;
	impact__utc_now(now, sizeof(now));
	if ((rc = impact__prepare(h, &st, "INSERT INTO imports (kind, file_name,"
	                          " sha256, survey_id, rows_read, rows_loaded,"
	                          " rows_rejected, imported_at)"
	                          " VALUES (?1, ?2, ?3, ?4, 0, 0, 0, ?5);")) != 0)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, base_name(path), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sum->sha256, -1, SQLITE_STATIC);
	if (survey_id)
		sqlite3_bind_int64(st, 4, survey_id);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = impact__db_error(h, "recording the import");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	im->import_id = sum->import_id = sqlite3_last_insert_rowid(h->db);
	if ((rc = impact__prepare(h, &im->reject, "INSERT INTO rejects (import_id,"
	                          " line, column_no, field, reason, record)"
	                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6);")) != 0)
		return rc;
	if ((rc = impact__csv_open(h, &im->csv, path, im->name)) != IMPACT_OK)
		return rc;
	rc = impact__csv_next(h, im->csv, &im->rec);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return impact__error(h, IMPACT_EDATA,
		                     "%s:1:1: the file is empty: a header line is "
		                     "expected (see docs/formats.md)", im->name);
	im->header = calloc(im->rec.nfields, sizeof(char *));
	if (!im->header)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	im->nheader = im->rec.nfields;
	for (i = 0; i < im->nheader; i++) {
		im->header[i] = strdup(trim(im->rec.fields[i]));
		if (!im->header[i])
			return impact__error(h, IMPACT_ENOMEM, "out of memory");
	}
	return IMPACT_OK;
}

/*
 * Match the header against `cols` (ncols entries).  Columns the caller
 * handles itself are accepted by `extra` (may be NULL), which returns 1 for
 * a known extra column, 0 for an unknown one and -1 for one seen before.  Unknown, duplicate and missing columns are errors.
 */
static int map_header(struct import *im, column *cols, size_t ncols,
                      int (*extra)(void *payload, size_t index,
                                   const char *name),
                      void *payload)
{
	size_t i, j;

	for (j = 0; j < ncols; j++)
		cols[j].index = -1;
	for (i = 0; i < im->nheader; i++) {
		const char *name = im->header[i];
		int found = 0;

		for (j = 0; j < ncols && !found; j++) {
			if (strcasecmp(name, cols[j].name) != 0)
				continue;
			if (cols[j].index >= 0)
				return impact__error(im->h, IMPACT_EDATA,
				                     "%s:%lld:%zu: column \"%s\" appears "
				                     "twice", im->name, im->rec.line,
				                     i + 1, name);
			cols[j].index = (long)i;
			found = 1;
		}
		if (!found && extra) {
			int known = extra(payload, i, name);

			if (known < 0)
				return impact__error(im->h, IMPACT_EDATA,
				                     "%s:%lld:%zu: column \"%s\" appears "
				                     "twice", im->name, im->rec.line,
				                     i + 1, name);
			found = known;
		}
		if (!found)
			return impact__error(im->h, IMPACT_EDATA,
			                     "%s:%lld:%zu: unknown column \"%s\": "
			                     "check its spelling (the expected "
			                     "columns are in docs/formats.md)",
			                     im->name, im->rec.line, i + 1, name);
	}
	for (j = 0; j < ncols; j++)
		if (cols[j].required && cols[j].index < 0)
			return impact__error(im->h, IMPACT_EDATA,
			                     "%s:1:1: missing column \"%s\": add it "
			                     "to the header line", im->name,
			                     cols[j].name);
	return IMPACT_OK;
}

/* The trimmed field of column c in the current record ("" if absent). */
static char *field(struct import *im, const column *c)
{
	if (c->index < 0 || (size_t)c->index >= im->rec.nfields)
		return (char *)"";
	return trim(im->rec.fields[c->index]);
}

/* Check the record has as many fields as the header. */
static int check_width(struct import *im, char *reason, size_t size)
{
	if (im->rec.nfields == im->nheader)
		return 1;
	snprintf(reason, size, "%zu fields where the header has %zu: check "
	         "the delimiters and quotes of this line", im->rec.nfields,
	         im->nheader);
	return 0;
}

/* Finish: store the counts, commit.  On rc != 0 roll back instead. */
static int import_end(struct import *im, int rc)
{
	sqlite3_stmt *st = NULL;
	size_t i;

	if (rc == IMPACT_OK && im->in_tx && !im->sum->already_imported) {
		rc = impact__prepare(im->h, &st, "UPDATE imports SET rows_read = ?1,"
		                     " rows_loaded = ?2, rows_rejected = ?3"
		                     " WHERE id = ?4;");
		if (rc == IMPACT_OK) {
			sqlite3_bind_int64(st, 1, (long long)im->sum->rows_read);
			sqlite3_bind_int64(st, 2, (long long)im->sum->rows_loaded);
			sqlite3_bind_int64(st, 3, (long long)im->sum->rows_rejected);
			sqlite3_bind_int64(st, 4, im->import_id);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = impact__db_error(im->h, "recording the import");
		}
		sqlite3_finalize(st);
	}
	sqlite3_finalize(im->reject);
	im->reject = NULL;
	if (im->in_tx) {
		rc = impact__end_tx(im->h, rc);
		if (rc != IMPACT_OK) {
			im->sum->import_id = 0;
			im->sum->rows_loaded = 0;
		}
		im->in_tx = 0;
	}
	impact__csv_close(im->csv);
	im->csv = NULL;
	for (i = 0; i < im->nheader; i++)
		free(im->header[i]);
	free(im->header);
	im->header = NULL;
	return rc;
}

/* Look up the id of `code` in `table` (places or territories); 0 if none. */
static int lookup_id(impact *h, sqlite3_stmt *st, const char *code,
                     long long *out)
{
	int step;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		return IMPACT_OK;
	}
	if (step != SQLITE_DONE)
		return impact__db_error(h, "looking up a code");
	*out = 0;
	return IMPACT_OK;
}

/* Reference-data error: refuse the whole file at line:column. */
#define REFUSE(im, ...) \
	impact__error((im)->h, IMPACT_EDATA, __VA_ARGS__)

/* ---------------------------------------------------------------- */
/* Territories                                                       */

int impact_import_territories(impact *h, const char *path,
                              impact_import_summary *out)
{
	struct import im = { 0 };
	impact_import_summary dummy;
	column cols[] = { { "code", 1, -1 }, { "name", 1, -1 },
	                  { "parent", 0, -1 } };
	sqlite3_stmt *upsert = NULL, *find = NULL, *setp = NULL, *cyc = NULL;
	char **parents = NULL;
	long long *lines = NULL, *ids = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	assert(h && path);
	impact__clear_error(h);
	if (!out)
		out = &dummy;
	rc = import_begin(&im, h, path, "territories", 0, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = map_header(&im, cols, 3, NULL, NULL)) != IMPACT_OK)
		goto done;
	if ((rc = impact__prepare(h, &upsert, "INSERT INTO territories (code,"
	                          " name) VALUES (?1, ?2) ON CONFLICT(code) DO"
	                          " UPDATE SET name = excluded.name"
	                          " RETURNING id;")) != 0
	    || (rc = impact__prepare(h, &find, "SELECT id FROM territories"
	                             " WHERE code = ?1;")) != 0
	    || (rc = impact__prepare(h, &setp, "UPDATE territories SET"
	                             " parent_id = ?1 WHERE id = ?2;")) != 0)
		goto done;
	/* First pass: every code exists, so parents may come later. */
	while ((rc = impact__csv_next(h, im.csv, &im.rec)) == 1) {
		char reason[MAX_REASON], *code, *name;

		out->rows_read++;
		if (!check_width(&im, reason, sizeof(reason))) {
			rc = REFUSE(&im, "%s:%lld:1: %s", im.name, im.rec.line,
			            reason);
			goto done;
		}
		code = field(&im, &cols[0]);
		name = field(&im, &cols[1]);
		if (!valid_code(code)) {
			rc = REFUSE(&im, "%s:%lld:%ld: invalid territory code "
			            "\"%s\": use 1 to 64 letters, digits, '-', '_' "
			            "or '.'", im.name, im.rec.line,
			            cols[0].index + 1, code);
			goto done;
		}
		if (!*name) {
			rc = REFUSE(&im, "%s:%lld:%ld: territory \"%s\" has no "
			            "name", im.name, im.rec.line,
			            cols[1].index + 1, code);
			goto done;
		}
		if (n == cap) {
			size_t c2 = cap ? 2 * cap : 16;
			char **p2 = realloc(parents, c2 * sizeof(*p2));
			long long *l2, *i2;

			if (!p2)
				goto nomem;
			parents = p2;
			if (!(l2 = realloc(lines, c2 * sizeof(*l2))))
				goto nomem;
			lines = l2;
			if (!(i2 = realloc(ids, c2 * sizeof(*i2))))
				goto nomem;
			ids = i2;
			cap = c2;
		}
		parents[n] = strdup(field(&im, &cols[2]));
		if (!parents[n])
			goto nomem;
		lines[n] = im.rec.line;
		sqlite3_reset(upsert);
		sqlite3_bind_text(upsert, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(upsert, 2, name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(upsert) != SQLITE_ROW) {
			n++;
			rc = impact__db_error(h, "storing a territory");
			goto done;
		}
		ids[n++] = sqlite3_column_int64(upsert, 0);
		out->rows_loaded++;
	}
	if (rc < 0)
		goto done;
	/* Second pass: link parents. */
	for (i = 0; i < n; i++) {
		long long pid = 0;

		if (*parents[i]) {
			if ((rc = lookup_id(h, find, parents[i], &pid)) != 0)
				goto done;
			if (!pid || pid == ids[i]) {
				rc = REFUSE(&im, "%s:%lld:%ld: %s \"%s\": it must "
				            "be another territory of this file or of "
				            "the database", im.name, lines[i],
				            cols[2].index + 1,
				            pid ? "a territory cannot be its own parent"
				                : "unknown parent territory",
				            parents[i]);
				goto done;
			}
		}
		sqlite3_reset(setp);
		if (pid)
			sqlite3_bind_int64(setp, 1, pid);
		else
			sqlite3_bind_null(setp, 1);
		sqlite3_bind_int64(setp, 2, ids[i]);
		if (sqlite3_step(setp) != SQLITE_DONE) {
			rc = impact__db_error(h, "linking territories");
			goto done;
		}
	}
	/* No cycles: walking up from any territory must reach a root. */
	if ((rc = impact__prepare(h, &cyc, "WITH RECURSIVE up(start, id, depth)"
	                          " AS (SELECT id, parent_id, 1 FROM territories"
	                          " UNION ALL SELECT up.start, t.parent_id,"
	                          " depth + 1 FROM up JOIN territories t"
	                          " ON t.id = up.id WHERE depth < 1000)"
	                          " SELECT t.code FROM up JOIN territories t"
	                          " ON t.id = up.start WHERE up.id = up.start"
	                          " LIMIT 1;")) != 0)
		goto done;
	if (sqlite3_step(cyc) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(cyc, 0);

		rc = REFUSE(&im, "%s: territory \"%s\" would be its own "
		            "ancestor: the parents form a cycle", im.name,
		            code ? code : "?");
		goto done;
	}
	rc = IMPACT_OK;
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	sqlite3_finalize(upsert);
	sqlite3_finalize(find);
	sqlite3_finalize(setp);
	sqlite3_finalize(cyc);
	for (i = 0; i < n; i++)
		free(parents[i]);
	free(parents);
	free(lines);
	free(ids);
	return import_end(&im, rc);
}

/* ---------------------------------------------------------------- */
/* Places                                                            */

int impact_import_places(impact *h, const char *path,
                         impact_import_summary *out)
{
	struct import im = { 0 };
	impact_import_summary dummy;
	column cols[] = { { "code", 1, -1 }, { "name", 1, -1 },
	                  { "territory", 1, -1 }, { "commune", 0, -1 },
	                  { "latitude", 0, -1 }, { "longitude", 0, -1 } };
	sqlite3_stmt *upsert = NULL, *find = NULL;
	int rc;

	assert(h && path);
	impact__clear_error(h);
	if (!out)
		out = &dummy;
	rc = import_begin(&im, h, path, "places", 0, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = map_header(&im, cols, 6, NULL, NULL)) != IMPACT_OK)
		goto done;
	if ((rc = impact__prepare(h, &upsert, "INSERT INTO places (code, name,"
	                          " territory_id, commune, latitude, longitude)"
	                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	                          " ON CONFLICT(code) DO UPDATE SET"
	                          " name = excluded.name,"
	                          " territory_id = excluded.territory_id,"
	                          " commune = excluded.commune,"
	                          " latitude = excluded.latitude,"
	                          " longitude = excluded.longitude;")) != 0
	    || (rc = impact__prepare(h, &find, "SELECT id FROM territories"
	                             " WHERE code = ?1;")) != 0)
		goto done;
	while ((rc = impact__csv_next(h, im.csv, &im.rec)) == 1) {
		char reason[MAX_REASON], *code, *name, *terr, *commune;
		double coord[2];
		long long tid;
		int k;

		out->rows_read++;
		if (!check_width(&im, reason, sizeof(reason))) {
			rc = REFUSE(&im, "%s:%lld:1: %s", im.name, im.rec.line,
			            reason);
			goto done;
		}
		code = field(&im, &cols[0]);
		name = field(&im, &cols[1]);
		terr = field(&im, &cols[2]);
		commune = field(&im, &cols[3]);
		if (!valid_code(code)) {
			rc = REFUSE(&im, "%s:%lld:%ld: invalid place code \"%s\":"
			            " use 1 to 64 letters, digits, '-', '_' or '.'",
			            im.name, im.rec.line, cols[0].index + 1, code);
			goto done;
		}
		if (!*name) {
			rc = REFUSE(&im, "%s:%lld:%ld: place \"%s\" has no name",
			            im.name, im.rec.line, cols[1].index + 1, code);
			goto done;
		}
		if ((rc = lookup_id(h, find, terr, &tid)) != IMPACT_OK)
			goto done;
		if (!tid) {
			rc = REFUSE(&im, "%s:%lld:%ld: unknown territory \"%s\":"
			            " import it first with 'impact import "
			            "territories'", im.name, im.rec.line,
			            cols[2].index + 1, terr);
			goto done;
		}
		for (k = 0; k < 2; k++) {
			const column *c = &cols[4 + k];
			const char *s = field(&im, c);
			double lim = k == 0 ? 90 : 180;

			coord[k] = NAN;
			if (!*s)
				continue;
			if (!parse_number(s, &coord[k]) || coord[k] < -lim
			    || coord[k] > lim) {
				rc = REFUSE(&im, "%s:%lld:%ld: invalid %s \"%s\":"
				            " expected decimal degrees between %g "
				            "and %g", im.name, im.rec.line,
				            c->index + 1, c->name, s, -lim, lim);
				goto done;
			}
		}
		sqlite3_reset(upsert);
		sqlite3_bind_text(upsert, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(upsert, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(upsert, 3, tid);
		if (*commune)
			sqlite3_bind_text(upsert, 4, commune, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(upsert, 4);
		for (k = 0; k < 2; k++) {
			if (isnan(coord[k]))
				sqlite3_bind_null(upsert, 5 + k);
			else
				sqlite3_bind_double(upsert, 5 + k, coord[k]);
		}
		if (sqlite3_step(upsert) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing a place");
			goto done;
		}
		out->rows_loaded++;
	}
	if (rc > 0)
		rc = IMPACT_OK;
done:
	sqlite3_finalize(upsert);
	sqlite3_finalize(find);
	return import_end(&im, rc);
}

/* ---------------------------------------------------------------- */
/* Answers                                                           */

/* A question of the survey being imported, and its column. */
typedef struct {
	long long id;      /* questions.id */
	char *code;        /* question id in the survey */
	double min, max;   /* bounds */
	long index;        /* field index, -1 when the file lacks it */
} qcol;

typedef struct {
	qcol *q;
	size_t n;
} qset;

/* map_header callback: accept a question id as a column (-1 if twice). */
static int question_column(void *payload, size_t index, const char *name)
{
	qset *qs = payload;
	size_t i;

	for (i = 0; i < qs->n; i++) {
		if (strcasecmp(qs->q[i].code, name) == 0) {
			if (qs->q[i].index >= 0)
				return -1;
			qs->q[i].index = (long)index;
			return 1;
		}
	}
	return 0;
}

/* Load the survey's id and questions. */
static int load_questions(impact *h, const char *survey, long long *sid,
                          qset *qs)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, step;

	*sid = 0;
	if ((rc = impact__prepare(h, &st, "SELECT s.id, q.id, q.code, q.min,"
	                          " q.max FROM surveys s JOIN questions q"
	                          " ON q.survey_id = s.id WHERE s.code = ?1"
	                          " ORDER BY q.position;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		qcol *q;

		if (qs->n == cap) {
			size_t c2 = cap ? 2 * cap : 32;
			qcol *p = realloc(qs->q, c2 * sizeof(*p));

			if (!p) {
				rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
				goto done;
			}
			qs->q = p;
			cap = c2;
		}
		q = &qs->q[qs->n];
		*sid = sqlite3_column_int64(st, 0);
		q->id = sqlite3_column_int64(st, 1);
		q->code = strdup((const char *)sqlite3_column_text(st, 2));
		q->min = sqlite3_column_double(st, 3);
		q->max = sqlite3_column_double(st, 4);
		q->index = -1;
		if (!q->code) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		qs->n++;
	}
	if (step != SQLITE_DONE) {
		rc = impact__db_error(h, "reading the questionnaire");
		goto done;
	}
	if (!*sid)
		rc = impact__error(h, IMPACT_ENOTFOUND,
		                   "unknown survey \"%s\": add it first with "
		                   "'impact survey add FILE.json' ('impact survey "
		                   "list' shows those known)", survey);
done:
	sqlite3_finalize(st);
	return rc;
}

/* Read the database's secret for respondent keys. */
static int respondent_secret(impact *h, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, "SELECT value FROM meta"
	                          " WHERE key = 'respondent_secret';")) != 0)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return impact__error(h, IMPACT_EDB, "the database has no "
		                     "respondent secret: it is damaged");
	}
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return IMPACT_OK;
}

int impact_import_answers(impact *h, const char *path, const char *survey_code,
                          impact_import_summary *out)
{
	struct import im = { 0 };
	impact_import_summary dummy;
	column cols[] = { { "respondent", 1, -1 }, { "place", 1, -1 },
	                  { "period", 1, -1 } };
	sqlite3_stmt *find = NULL, *resp = NULL, *ans = NULL, *dup = NULL;
	qset qs = { NULL, 0 };
	double *values = NULL;
	char secret[80];
	long long sid = 0;
	size_t i;
	int rc;

	assert(h && path && survey_code);
	impact__clear_error(h);
	if (!out)
		out = &dummy;
	memset(out, 0, sizeof(*out));
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = load_questions(h, survey_code, &sid, &qs)) != IMPACT_OK)
		goto done;
	if ((rc = respondent_secret(h, secret, sizeof(secret))) != IMPACT_OK)
		goto done;
	rc = import_begin(&im, h, path, "answers", sid, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = map_header(&im, cols, 3, question_column, &qs)) != IMPACT_OK)
		goto done;
	values = calloc(qs.n ? qs.n : 1, sizeof(*values));
	if (!values) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = impact__prepare(h, &find, "SELECT id FROM places"
	                          " WHERE code = ?1;")) != 0
	    || (rc = impact__prepare(h, &dup, "SELECT 1 FROM respondents WHERE"
	                             " survey_id = ?1 AND period = ?2 AND"
	                             " key = ?3;")) != 0
	    || (rc = impact__prepare(h, &resp, "INSERT INTO respondents"
	                             " (survey_id, import_id, key, place_id,"
	                             " period) VALUES (?1, ?2, ?3, ?4, ?5);"))
	       != 0
	    || (rc = impact__prepare(h, &ans, "INSERT INTO answers"
	                             " (respondent_id, question_id, value)"
	                             " VALUES (?1, ?2, ?3);")) != 0)
		goto done;
	while ((rc = impact__csv_next(h, im.csv, &im.rec)) == 1) {
		char reason[MAX_REASON], key[65], *who, *place, *period_s;
		unsigned char mac[32];
		long long pid = 0, period = 0, rid;
		long bad = -1;

		out->rows_read++;
		reason[0] = '\0';
		who = field(&im, &cols[0]);
		place = field(&im, &cols[1]);
		period_s = field(&im, &cols[2]);
		impact__hmac_sha256(secret, strlen(secret), who, strlen(who), mac);
		impact__hex(key, mac, 32);
		if (!check_width(&im, reason, sizeof(reason))) {
			bad = 0;
		} else if (!*who) {
			bad = cols[0].index;
			snprintf(reason, sizeof(reason), "empty respondent "
			         "identifier: give each questionnaire a number");
		} else if ((rc = lookup_id(h, find, place, &pid)) != 0) {
			goto done;
		} else if (!pid) {
			bad = cols[1].index;
			snprintf(reason, sizeof(reason), "unknown place \"%.64s\": "
			         "check the code or import it with 'impact import "
			         "places'", place);
		} else if (!parse_count(period_s, 9999, &period)
		           || strlen(period_s) != 4 || period < 1900) {
			bad = cols[2].index;
			snprintf(reason, sizeof(reason), "invalid period \"%.32s\": "
			         "expected a year such as 2024", period_s);
		}
		for (i = 0; bad < 0 && i < qs.n; i++) {
			const char *s;

			values[i] = NAN;
			if (qs.q[i].index < 0)
				continue;
			s = trim(im.rec.fields[qs.q[i].index]);
			if (!*s)
				continue;
			if (!parse_number(s, &values[i]) || values[i] < qs.q[i].min
			    || values[i] > qs.q[i].max) {
				bad = qs.q[i].index;
				snprintf(reason, sizeof(reason), "invalid answer "
				         "\"%.32s\" to question \"%s\": expected a "
				         "number from %g to %g, or nothing", s,
				         qs.q[i].code, qs.q[i].min, qs.q[i].max);
				values[i] = NAN;
			}
		}
		if (bad < 0) {
			sqlite3_reset(dup);
			sqlite3_bind_int64(dup, 1, sid);
			sqlite3_bind_int64(dup, 2, period);
			sqlite3_bind_text(dup, 3, key, -1, SQLITE_STATIC);
			if (sqlite3_step(dup) == SQLITE_ROW) {
				bad = cols[0].index;
				snprintf(reason, sizeof(reason), "this respondent "
				         "already answered survey \"%s\" for %lld: "
				         "the row is a duplicate", survey_code,
				         period);
			}
		}
		if (bad >= 0) {
			rc = reject(&im, bad, im.rec.nfields == im.nheader
			            ? cols[0].index : MASK_WORDS,
			            im.rec.nfields == im.nheader ? key : "(masked)",
			            reason);
			if (rc != IMPACT_OK)
				goto done;
			continue;
		}
		sqlite3_reset(resp);
		sqlite3_bind_int64(resp, 1, sid);
		sqlite3_bind_int64(resp, 2, im.import_id);
		sqlite3_bind_text(resp, 3, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(resp, 4, pid);
		sqlite3_bind_int64(resp, 5, period);
		if (sqlite3_step(resp) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing a respondent");
			goto done;
		}
		rid = sqlite3_last_insert_rowid(h->db);
		for (i = 0; i < qs.n; i++) {
			if (isnan(values[i]))
				continue;
			sqlite3_reset(ans);
			sqlite3_bind_int64(ans, 1, rid);
			sqlite3_bind_int64(ans, 2, qs.q[i].id);
			sqlite3_bind_double(ans, 3, values[i]);
			if (sqlite3_step(ans) != SQLITE_DONE) {
				rc = impact__db_error(h, "storing an answer");
				goto done;
			}
		}
		out->rows_loaded++;
		if (out->rows_read % 1000 == 0)
			impact__progress(h, "answers", out->rows_read, 0);
	}
	if (rc > 0)
		rc = IMPACT_OK;
done:
	sqlite3_finalize(find);
	sqlite3_finalize(dup);
	sqlite3_finalize(resp);
	sqlite3_finalize(ans);
	for (i = 0; i < qs.n; i++)
		free(qs.q[i].code);
	free(qs.q);
	free(values);
	return import_end(&im, rc);
}

/* ---------------------------------------------------------------- */
/* Activities                                                        */

/* Is s a valid date YYYY-MM-DD?  Sets *year. */
static int parse_date(const char *s, long long *year)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	                             30, 31 };
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	*year = y;
	return 1;
}

int impact_import_activities(impact *h, const char *path,
                             impact_import_summary *out)
{
	struct import im = { 0 };
	impact_import_summary dummy;
	column cols[] = { { "place", 1, -1 }, { "date", 1, -1 },
	                  { "category", 1, -1 }, { "title", 0, -1 },
	                  { "participants", 1, -1 }, { "hours", 1, -1 },
	                  { "volunteers", 0, -1 } };
	sqlite3_stmt *find = NULL, *ins = NULL;
	int rc;

	assert(h && path);
	impact__clear_error(h);
	if (!out)
		out = &dummy;
	rc = import_begin(&im, h, path, "activities", 0, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = map_header(&im, cols, 7, NULL, NULL)) != IMPACT_OK)
		goto done;
	if ((rc = impact__prepare(h, &find, "SELECT id FROM places"
	                          " WHERE code = ?1;")) != 0
	    || (rc = impact__prepare(h, &ins, "INSERT INTO activities"
	                             " (import_id, place_id, date, period,"
	                             " category, title, participants, hours,"
	                             " volunteers) VALUES (?1, ?2, ?3, ?4, ?5,"
	                             " ?6, ?7, ?8, ?9);")) != 0)
		goto done;
	while ((rc = impact__csv_next(h, im.csv, &im.rec)) == 1) {
		char reason[MAX_REASON], *place, *date, *cat, *people, *hours_s,
		     *vol;
		long long pid = 0, year = 0, npeople = 0, nvol = 0;
		double hours = 0;
		long bad = -1;
		char *c;

		out->rows_read++;
		place = field(&im, &cols[0]);
		date = field(&im, &cols[1]);
		cat = field(&im, &cols[2]);
		people = field(&im, &cols[4]);
		hours_s = field(&im, &cols[5]);
		vol = field(&im, &cols[6]);
		for (c = cat; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!check_width(&im, reason, sizeof(reason))) {
			bad = 0;
		} else if ((rc = lookup_id(h, find, place, &pid)) != 0) {
			goto done;
		} else if (!pid) {
			bad = cols[0].index;
			snprintf(reason, sizeof(reason), "unknown place \"%.64s\": "
			         "check the code or import it with 'impact import "
			         "places'", place);
		} else if (!parse_date(date, &year)) {
			bad = cols[1].index;
			snprintf(reason, sizeof(reason), "invalid date \"%.32s\": "
			         "expected YYYY-MM-DD, such as 2024-03-14", date);
		} else if (!valid_code(cat)) {
			bad = cols[2].index;
			snprintf(reason, sizeof(reason), "invalid category "
			         "\"%.64s\": one short word such as atelier, "
			         "evenement, coworking", cat);
		} else if (!parse_count(people, 1000000000, &npeople)) {
			bad = cols[4].index;
			snprintf(reason, sizeof(reason), "invalid participants "
			         "\"%.32s\": expected a whole number, 0 or more",
			         people);
		} else if (!parse_number(hours_s, &hours) || hours < 0
		           || hours > 24 * 366) {
			bad = cols[5].index;
			snprintf(reason, sizeof(reason), "invalid hours \"%.32s\": "
			         "expected a duration in hours, 0 or more", hours_s);
		} else if (*vol && !parse_count(vol, 1000000000, &nvol)) {
			bad = cols[6].index;
			snprintf(reason, sizeof(reason), "invalid volunteers "
			         "\"%.32s\": expected a whole number, 0 or more",
			         vol);
		}
		if (bad >= 0) {
			if ((rc = reject(&im, bad, MASK_NONE, NULL, reason)) != 0)
				goto done;
			continue;
		}
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, im.import_id);
		sqlite3_bind_int64(ins, 2, pid);
		sqlite3_bind_text(ins, 3, date, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 4, year);
		sqlite3_bind_text(ins, 5, cat, -1, SQLITE_TRANSIENT);
		if (*field(&im, &cols[3]))
			sqlite3_bind_text(ins, 6, field(&im, &cols[3]), -1,
			                  SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, 6);
		sqlite3_bind_int64(ins, 7, npeople);
		sqlite3_bind_double(ins, 8, hours);
		sqlite3_bind_int64(ins, 9, nvol);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing an activity");
			goto done;
		}
		out->rows_loaded++;
		if (out->rows_read % 1000 == 0)
			impact__progress(h, "activities", out->rows_read, 0);
	}
	if (rc > 0)
		rc = IMPACT_OK;
done:
	sqlite3_finalize(find);
	sqlite3_finalize(ins);
	return import_end(&im, rc);
}

int impact_rejects_each(impact *h, long long import_id,
                        int (*cb)(void *payload, const impact_reject_info *r),
                        void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	assert(h && cb);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT r.import_id, i.file_name,"
	                          " r.line, r.column_no, r.field, r.reason"
	                          " FROM rejects r JOIN imports i"
	                          " ON i.id = r.import_id"
	                          " WHERE ?1 = 0 OR r.import_id = ?1"
	                          " ORDER BY r.import_id, r.line;")) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, import_id);
	rc = IMPACT_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_reject_info r;

		r.import_id = sqlite3_column_int64(st, 0);
		r.file_name = (const char *)sqlite3_column_text(st, 1);
		r.line = sqlite3_column_int64(st, 2);
		r.column = sqlite3_column_int64(st, 3);
		r.field = (const char *)sqlite3_column_text(st, 4);
		r.reason = (const char *)sqlite3_column_text(st, 5);
		if ((rc = cb(payload, &r)) != 0)
			break;
	}
	if (rc == IMPACT_OK && step != SQLITE_DONE)
		rc = impact__db_error(h, "reading rejected rows");
	sqlite3_finalize(st);
	return rc;
}
