/*
 * surveys/import.c: what every importer shares (surveys/import.h), and the
 * importers of territories and places (formats in docs/formats.md).
 * Answers are in surveys/answers.c, activities in surveys/activities.c.
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
#include "import.h"

/* Is `s` a valid code: 1 to MAX_CODE of [A-Za-z0-9_.-]? */
int impact__valid_code(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '-' && s[n] != '_'
		    && s[n] != '.')
			return 0;
	return n > 0 && n <= MAX_CODE;
}

/* Strip leading and trailing spaces in place; returns s. */
char *impact__trim(char *s)
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
int impact__parse_number(const char *s, double *out)
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
int impact__parse_count(const char *s, long long max, long long *out)
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
		                        && !impact__parse_number(impact__trim(im->rec.fields[i]),
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
int impact__reject(struct import *im, long col, long hide, const char *mask,
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
	if (im->sum->rows_rejected++ == 0)
		snprintf(im->first_reject, sizeof(im->first_reject),
		         "%s:%lld:%ld: %s", im->name, im->rec.line, col + 1,
		         reason);
	return rc;
}

/*
 * Start an import: hash the file, stop early if it was imported before,
 * open a transaction, create the `imports` row and read the header.
 * Returns IMPACT_OK with sum->already_imported set when nothing is to do.
 */
int impact__import_begin(struct import *im, impact *h, const char *path,
                         const char *kind, long long survey_id,
                         const impact_import_opts *opts,
                         impact_import_summary *sum)
{
	impact_import_opts defaults = IMPACT_IMPORT_OPTS_INIT;

	sqlite3_stmt *st = NULL;
	char now[32];
	size_t i;
	int rc;

	memset(sum, 0, sizeof(*sum));
	im->defaults = defaults;
	im->opts = opts ? opts : &im->defaults;
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
		im->header[i] = strdup(impact__trim(im->rec.fields[i]));
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
int impact__map_header(struct import *im, column *cols, size_t ncols,
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
char *impact__field(struct import *im, const column *c)
{
	if (c->index < 0 || (size_t)c->index >= im->rec.nfields)
		return (char *)"";
	return impact__trim(im->rec.fields[c->index]);
}

/* Check the record has as many fields as the header. */
int impact__check_width(struct import *im, char *reason, size_t size)
{
	if (im->rec.nfields == im->nheader)
		return 1;
	snprintf(reason, size, "%zu fields where the header has %zu: check "
	         "the delimiters and quotes of this line", im->rec.nfields,
	         im->nheader);
	return 0;
}

/* Finish: store the counts, commit.  On rc != 0 roll back instead. */
int impact__import_end(struct import *im, int rc)
{
	sqlite3_stmt *st = NULL;
	size_t i;

	if (rc == IMPACT_OK && im->opts && im->opts->strict
	    && im->sum->rows_rejected > 0)
		rc = impact__error(im->h, IMPACT_EDATA, "%s (--strict: the "
		                   "file is refused whole; %zu rows are wrong)",
		                   im->first_reject, im->sum->rows_rejected);
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
int impact__lookup_id(impact *h, sqlite3_stmt *st, const char *code,
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
                              const impact_import_opts *opts,
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
	rc = impact__import_begin(&im, h, path, "territories", 0, opts, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = impact__map_header(&im, cols, 3, NULL, NULL)) != IMPACT_OK)
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
		if (!impact__check_width(&im, reason, sizeof(reason))) {
			rc = REFUSE(&im, "%s:%lld:1: %s", im.name, im.rec.line,
			            reason);
			goto done;
		}
		code = impact__field(&im, &cols[0]);
		name = impact__field(&im, &cols[1]);
		if (!impact__valid_code(code)) {
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
		parents[n] = strdup(impact__field(&im, &cols[2]));
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
			if ((rc = impact__lookup_id(h, find, parents[i], &pid)) != 0)
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
	return impact__import_end(&im, rc);
}

/* ---------------------------------------------------------------- */
/* Places                                                            */

int impact_import_places(impact *h, const char *path,
                         const impact_import_opts *opts,
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
	rc = impact__import_begin(&im, h, path, "places", 0, opts, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = impact__map_header(&im, cols, 6, NULL, NULL)) != IMPACT_OK)
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
		if (!impact__check_width(&im, reason, sizeof(reason))) {
			rc = REFUSE(&im, "%s:%lld:1: %s", im.name, im.rec.line,
			            reason);
			goto done;
		}
		code = impact__field(&im, &cols[0]);
		name = impact__field(&im, &cols[1]);
		terr = impact__field(&im, &cols[2]);
		commune = impact__field(&im, &cols[3]);
		if (!impact__valid_code(code)) {
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
		if ((rc = impact__lookup_id(h, find, terr, &tid)) != IMPACT_OK)
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
			const char *s = impact__field(&im, c);
			double lim = k == 0 ? 90 : 180;

			coord[k] = NAN;
			if (!*s)
				continue;
			if (!impact__parse_number(s, &coord[k]) || coord[k] < -lim
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
	return impact__import_end(&im, rc);
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
