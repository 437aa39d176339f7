/*
 * surveys/import.c: what every importer shares (surveys/import.h): the
 * state of one import, its transaction and `imports` row, header mapping,
 * and the rejected rows.  The importers themselves: surveys/places.c
 * (territories and places), surveys/answers.c, surveys/activities.c.
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
#include "decode.h"
#include "impact/surveys.h"
#include "import.h"
#include "text.h"

/* Is `s` a valid code: 1 to MAX_CODE of [A-Za-z0-9_.-]? */
/* Length of the space at s that spreadsheets put between digit groups:
 * ' ', U+00A0 or U+202F; 0 when there is none. */
static size_t space_len(const char *s)
{
	if (*s == ' ')
		return 1;
	if (strncmp(s, "\xc2\xa0", 2) == 0)
		return 2;
	if (strncmp(s, "\xe2\x80\xaf", 3) == 0)
		return 3;
	return 0;
}


/* Remove trailing spaces (ASCII, U+00A0, U+202F) from the n bytes of s;
 * returns the new length. */
static size_t trim_end(const char *s, size_t n)
{
	for (;;) {
		if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		else if (n >= 2 && strncmp(s + n - 2, "\xc2\xa0", 2) == 0)
			n -= 2;
		else if (n >= 3 && strncmp(s + n - 3, "\xe2\x80\xaf", 3) == 0)
			n -= 3;
		else
			return n;
	}
}


/*
 * Parse a number as spreadsheets display it (docs/formats.md, "facts
 * CSV"; also used for margins) into *out:
 *  - one trailing "€" or "%" is ignored, with the spaces before it;
 *  - spaces, U+00A0 and U+202F separate thousands;
 *  - with both ',' and '.', the last one is the decimal mark and the
 *    other separates thousands ("1.234,5", "1,234.5"); with only one of
 *    them, once it is the decimal mark ("3,5", "3.5", "1,234" is
 *    1.234), several times it separates thousands ("1.234.567");
 *  - thousands separators of one number are all the same, stand between
 *    digits, and every group after one has exactly 3 digits.
 * Returns 1; 0 for anything else; -1 for a negative number (facts are
 * counts and amounts).
 */
int impact__parse_amount(const char *s, double *out)
{
	char buf[64], *end;
	const char *p, *last_comma = NULL, *last_dot = NULL;
	size_t n = strlen(s), k = 0, commas = 0, dots = 0, group = 0;
	int sep_kind = 0, after_sep = 0, in_fraction = 0, negative = 0;
	char mark = 0;
	double v;

	n = trim_end(s, n);
	if (n >= 3 && strncmp(s + n - 3, "\xe2\x82\xac", 3) == 0)
		n = trim_end(s, n - 3);
	else if (n >= 1 && s[n - 1] == '%')
		n = trim_end(s, n - 1);
	if (n > 0 && *s == '-') {
		negative = 1;
		s++;
		n--;
	}
	if (n == 0 || !isdigit((unsigned char)*s))
		return 0;
	for (p = s; p < s + n; p++) {
		if (*p == ',') {
			commas++;
			last_comma = p;
		} else if (*p == '.') {
			dots++;
			last_dot = p;
		}
	}
	if (commas && dots)
		mark = last_comma > last_dot ? ',' : '.';
	else if (commas == 1)
		mark = ',';
	else if (dots == 1)
		mark = '.';
	if ((mark == ',' && commas > 1) || (mark == '.' && dots > 1))
		return 0;
	for (p = s; p < s + n;) {
		size_t sl = space_len(p);
		int kind;

		if (isdigit((unsigned char)*p)) {
			if (k + 2 >= sizeof(buf))
				return 0;
			buf[k++] = *p++;
			group++;
			after_sep = 0;
			continue;
		}
		if (in_fraction || after_sep || group == 0)
			return 0;
		if (*p == mark) {
			/* The last group of the integer part. */
			if (sep_kind && group != 3)
				return 0;
			buf[k++] = '.';
			in_fraction = 1;
			after_sep = 1;
			group = 0;
			p++;
			continue;
		}
		/* A thousands separator: the same kind throughout, and the
		 * group before it of 1 to 3 digits, or exactly 3 after the
		 * first separator. */
		kind = sl ? ' ' : *p == ',' || *p == '.' ? *p : 0;
		if (!kind || (sep_kind && kind != sep_kind) || group > 3
		    || (sep_kind && group != 3))
			return 0;
		sep_kind = kind;
		after_sep = 1;
		group = 0;
		p += sl ? sl : 1;
	}
	if (after_sep || (sep_kind && !in_fraction && group != 3))
		return 0;
	buf[k] = '\0';
	v = strtod(buf, &end);
	if (*end != '\0' || !isfinite(v))
		return 0;
	if (negative && v > 0)
		return -1;
	*out = v;
	return 1;
}

/* ---------------------------------------------------------------- */
/* Places by code or name                                            */

#define PLACE_KEY_SIZE 256

/* SQLite's page cache during an import, in KiB (the default is 2,000). */
#define IMPORT_CACHE_KIB 65536

/* qsort/bsearch order of struct impact__place_key. */
static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct impact__place_key *)a)->key,
	              ((const struct impact__place_key *)b)->key);
}


/* Sort keys and merge equal ones; a key of two places gets id -1.
 * Returns the new count. */
static size_t sort_keys(struct impact__place_key *k, size_t n)
{
	size_t i, out = 0;

	if (n == 0)
		return 0;
	qsort(k, n, sizeof(*k), key_cmp);
	for (i = 0; i < n; i++) {
		if (out && strcmp(k[out - 1].key, k[i].key) == 0) {
			if (k[out - 1].id != k[i].id)
				k[out - 1].id = -1;
			free(k[i].key);
			continue;
		}
		k[out++] = k[i];
	}
	return out;
}


/* Free the index; accepts an index never built. */
void impact__places_release(impact__place_index *ix)
{
	size_t i;

	for (i = 0; i < ix->nexact; i++)
		free(ix->exact[i].key);
	for (i = 0; i < ix->ncodes; i++)
		free(ix->codes[i].key);
	for (i = 0; i < ix->nnames; i++)
		free(ix->names[i].key);
	free(ix->exact);
	free(ix->codes);
	free(ix->names);
	memset(ix, 0, sizeof(*ix));
}


/* Build the index of every place's folded code and name.  On failure the
 * index may be half built: release it. */
int impact__places_init(impact *h, impact__place_index *ix)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, step;

	memset(ix, 0, sizeof(*ix));
	if ((rc = impact__prepare(h, &st, "SELECT id, code, name"
	                          " FROM places;")) != IMPACT_OK)
		goto done;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *code = (const char *)sqlite3_column_text(st, 1);
		const char *name = (const char *)sqlite3_column_text(st, 2);
		char key[PLACE_KEY_SIZE];

		if (ix->ncodes == cap) {
			size_t c2 = cap ? 2 * cap : 64;
			struct impact__place_key *a, *b, *e;

			if (!(e = realloc(ix->exact, c2 * sizeof(*e))))
				goto nomem;
			ix->exact = e;
			if (!(a = realloc(ix->codes, c2 * sizeof(*a))))
				goto nomem;
			ix->codes = a;
			if (!(b = realloc(ix->names, c2 * sizeof(*b))))
				goto nomem;
			ix->names = b;
			cap = c2;
		}
		ix->exact[ix->nexact].id = id;
		if (!(ix->exact[ix->nexact].key = strdup(code ? code : "")))
			goto nomem;
		ix->nexact++;
		impact__fold(key, sizeof(key), code ? code : "");
		ix->codes[ix->ncodes].id = id;
		if (!(ix->codes[ix->ncodes].key = strdup(key)))
			goto nomem;
		ix->ncodes++;
		impact__fold(key, sizeof(key), name ? name : "");
		ix->names[ix->nnames].id = id;
		if (!(ix->names[ix->nnames].key = strdup(key)))
			goto nomem;
		ix->nnames++;
	}
	if (step != SQLITE_DONE) {
		rc = impact__db_error(h, "reading the places");
		goto done;
	}
	ix->nexact = sort_keys(ix->exact, ix->nexact);
	ix->ncodes = sort_keys(ix->codes, ix->ncodes);
	ix->nnames = sort_keys(ix->names, ix->nnames);
	rc = IMPACT_OK;
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	sqlite3_finalize(st);
	return rc;
}


long long impact__places_find(const impact__place_index *ix, const char *s)
{
	struct impact__place_key want, *hit;
	char key[PLACE_KEY_SIZE];

	want.key = (char *)s;
	hit = ix->nexact ? bsearch(&want, ix->exact, ix->nexact, sizeof(*hit),
	                           key_cmp) : NULL;
	if (hit && hit->id > 0)
		return hit->id;
	want.key = impact__fold(key, sizeof(key), s);
	if (!*key || ix->ncodes == 0)
		return 0;
	hit = bsearch(&want, ix->codes, ix->ncodes, sizeof(*hit), key_cmp);
	if (!hit)
		hit = bsearch(&want, ix->names, ix->nnames, sizeof(*hit),
		              key_cmp);
	return hit ? hit->id : 0;
}

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
char *impact__record_text(struct import *im, long hide, const char *mask)
{
	sqlite3_str *s = sqlite3_str_new(NULL);
	size_t i;

	for (i = 0; i < im->rec.nfields; i++) {
		const char *f = im->rec.fields[i];
		double unused;

		if ((long)i == hide || (hide == MASK_WORDS && *f
		                        && !impact__parse_number(impact__trim(im->rec.fields[i]),
		                                         &unused)))
			f = mask;
		else if (im->dropped && i < im->nheader && im->dropped[i])
			f = "";   /* a column impact does not know: not kept */

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
	char *text = impact__record_text(im, hide, mask);
	int rc;

	if (!text)
		return impact__error(im->h, IMPACT_ENOMEM, "out of memory");
	rc = impact__reject_text(im, im->rec.line, col, reason, text);
	sqlite3_free(text);
	return rc;
}

int impact__reject_text(struct import *im, long long line, long col,
                        const char *reason, const char *text)
{
	const char *field = col >= 0 && (size_t)col < im->nheader
	                    ? im->header[col] : "";
	int rc = IMPACT_OK;

	sqlite3_reset(im->reject);
	sqlite3_bind_int64(im->reject, 1, im->import_id);
	sqlite3_bind_int64(im->reject, 2, line);
	sqlite3_bind_int64(im->reject, 3, col + 1);
	sqlite3_bind_text(im->reject, 4, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->reject, 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->reject, 6, text, -1, SQLITE_STATIC);
	if (sqlite3_step(im->reject) != SQLITE_DONE)
		rc = impact__db_error(im->h, "storing a rejected row");
	if (im->sum->rows_rejected++ == 0)
		snprintf(im->first_reject, sizeof(im->first_reject),
		         "%s:%lld:%ld: %s", im->name, line, col + 1, reason);
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
	im->old_cache = 0;
	im->defaults = defaults;
	im->opts = opts ? opts : &im->defaults;
	im->h = h;
	im->path = path;
	im->name = path;
	im->kind = kind;
	im->sum = sum;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__csv_open(h, &im->csv, path, im->name,
	                           im->opts->encoding, im->opts->delimiter,
	                           sum->sha256)) != IMPACT_OK)
		return rc;
	snprintf(sum->encoding, sizeof(sum->encoding), "%s",
	         impact__encoding_name(impact__csv_encoding(im->csv)));
	sum->delimiter = impact__csv_delimiter(im->csv);
	/* A larger page cache for the transaction: the keys and indexes an
	 * import appends to stay in memory, instead of spilling to the WAL
	 * and being read back (restored by impact__import_end()). */
	if ((rc = impact__prepare(h, &st, "PRAGMA cache_size;")) != IMPACT_OK)
		return rc;
	im->old_cache = sqlite3_step(st) == SQLITE_ROW
	                ? sqlite3_column_int(st, 0) : -2000;
	sqlite3_finalize(st);
	st = NULL;
	if (im->old_cache < 0 && im->old_cache > -IMPORT_CACHE_KIB) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d;",
		         IMPORT_CACHE_KIB);
		if ((rc = impact__exec(h, sql)) != IMPACT_OK)
			return rc;
	}
	/* A no-op inside a transaction: before BEGIN, undone at the end. */
	if (im->trusted_refs) {
		if ((rc = impact__exec(h, "PRAGMA foreign_keys = OFF;")) != 0)
			return rc;
		im->fk_off = 1;
	}
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
	                          " rows_rejected, imported_at, encoding,"
	                          " delimiter) VALUES (?1, ?2, ?3, ?4, 0, 0, 0,"
	                          " ?5, ?6, ?7);")) != 0)
		return rc;
	sqlite3_bind_text(st, 6, sum->encoding, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, sum->delimiter == '\t' ? "tab"
	                  : sum->delimiter == ';' ? ";" : ",", -1,
	                  SQLITE_STATIC);
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
	im->header_line = im->rec.line;
	for (i = 0; i < im->nheader; i++) {
		im->header[i] = strdup(impact__trim(im->rec.fields[i]));
		if (!im->header[i])
			return impact__error(h, IMPACT_ENOMEM, "out of memory");
	}
	return IMPACT_OK;
}

/* The folded names a column answers to: its name, then its aliases. */
struct folded {
	size_t col;          /* index into the columns */
	char key[256];       /* folded name or alias */
};

/* Fold every name and alias of cols[0..ncols) into *out (caller frees);
 * their number into *n.  Returns 0, or -1 when out of memory. */
static int fold_columns(const column *cols, size_t ncols,
                        struct folded **out, size_t *n)
{
	size_t j, cap = 0;

	*out = NULL;
	*n = 0;
	for (j = 0; j < ncols; j++) {
		const char *a = cols[j].name, *bar;
		int first = 1;

		while (a) {
			char one[256];
			size_t len;

			bar = first ? NULL : strchr(a, '|');
			len = first ? strlen(a) : bar ? (size_t)(bar - a)
			                              : strlen(a);
			if (len >= sizeof(one))
				len = sizeof(one) - 1;
			memcpy(one, a, len);
			one[len] = '\0';
			if (*n == cap) {
				struct folded *p;

				cap = cap ? 2 * cap : 32;
				if (!(p = realloc(*out, cap * sizeof(*p))))
					return -1;
				*out = p;
			}
			(*out)[*n].col = j;
			impact__fold((*out)[*n].key, sizeof((*out)[*n].key), one);
			(*n)++;
			if (first) {
				first = 0;
				a = cols[j].aliases && *cols[j].aliases
				    ? cols[j].aliases : NULL;
			} else {
				a = bar ? bar + 1 : NULL;
			}
		}
	}
	return 0;
}

int impact__column_matches(const column *c, const char *name)
{
	struct folded *f = NULL;
	char got[256];
	size_t n = 0, i;
	int hit = 0;

	if (fold_columns(c, 1, &f, &n) != 0) {
		free(f);
		return 0;
	}
	impact__fold(got, sizeof(got), name);
	for (i = 0; i < n && !hit; i++)
		hit = strcmp(f[i].key, got) == 0;
	free(f);
	return hit;
}

/* Add `name` to the list of ignored columns; past what the notes can
 * show, only count it (a file of thousands of columns stays linear). */
static int note_ignored(struct import *im, const char *name)
{
	size_t old = im->ignored ? strlen(im->ignored) : 0;
	char *p;

	if (old + strlen(name) + 5 > sizeof(im->sum->notes)) {
		im->ignored_more++;
		return IMPACT_OK;
	}
	p = realloc(im->ignored, old + strlen(name) + 5);
	if (!p)
		return impact__error(im->h, IMPACT_ENOMEM, "out of memory");
	im->ignored = p;
	snprintf(p + old, strlen(name) + 5, "%s\"%s\"", old ? ", " : "", name);
	return IMPACT_OK;
}

int impact__map_header(struct import *im, column *cols, size_t ncols,
                       int (*extra)(void *payload, size_t index,
                                    const char *name),
                       void *payload)
{
	struct folded *f = NULL;
	size_t i, j, nf = 0, k;
	int rc = IMPACT_OK;

	if (fold_columns(cols, ncols, &f, &nf) != 0) {
		free(f);
		return impact__error(im->h, IMPACT_ENOMEM, "out of memory");
	}
	for (j = 0; j < ncols; j++)
		cols[j].index = -1;
	for (i = 0; i < im->nheader; i++) {
		const char *name = im->header[i];
		char got[256];
		int found = 0;

		impact__fold(got, sizeof(got), name);
		for (k = 0; k < nf && !found; k++) {
			j = f[k].col;
			if (strcmp(f[k].key, got) != 0)
				continue;
			if (cols[j].index >= 0) {
				rc = impact__error(im->h, IMPACT_EDATA,
				                   "%s:%lld:%zu: column \"%s\" appears "
				                   "twice (also column %ld)", im->name,
				                   im->header_line, i + 1, name,
				                   cols[j].index + 1);
				goto done;
			}
			cols[j].index = (long)i;
			found = 1;
		}
		if (!found && extra) {
			int known = extra(payload, i, name);

			if (known < 0) {
				rc = impact__error(im->h, IMPACT_EDATA,
				                   "%s:%lld:%zu: column \"%s\" appears "
				                   "twice", im->name, im->header_line,
				                   i + 1, name);
				goto done;
			}
			found = known;
		}
		if (found)
			continue;
		if (!im->unknown_ok) {
			rc = impact__error(im->h, IMPACT_EDATA,
			                   "%s:%lld:%zu: unknown column \"%s\": "
			                   "check its spelling (the expected "
			                   "columns are in docs/formats.md)",
			                   im->name, im->header_line, i + 1, name);
			goto done;
		}
		if (!im->dropped
		    && !(im->dropped = calloc(im->nheader + 1, 1))) {
			rc = impact__error(im->h, IMPACT_ENOMEM,
			                   "out of memory");
			goto done;
		}
		im->dropped[i] = 1;
		if (*name && (rc = note_ignored(im, name)) != IMPACT_OK)
			goto done;
	}
	for (j = 0; j < ncols; j++)
		if (cols[j].required && cols[j].index < 0) {
			rc = impact__error(im->h, IMPACT_EDATA,
			                   "%s:%lld:1: missing column \"%s\": add "
			                   "it to the header line", im->name,
			                   im->header_line, cols[j].name);
			goto done;
		}
	if (im->ignored && im->ignored_more)
		snprintf(im->sum->notes, sizeof(im->sum->notes),
		         "columns ignored: %.900s and %zu more", im->ignored,
		         im->ignored_more);
	else if (im->ignored)
		snprintf(im->sum->notes, sizeof(im->sum->notes),
		         "columns ignored: %s", im->ignored);
done:
	free(f);
	return rc;
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
		                     " rows_loaded = ?2, rows_rejected = ?3,"
		                     " rows_skipped = ?5, notes = nullif(?6, ''),"
		                     " tool = nullif(?7, '') WHERE id = ?4;");
		if (rc == IMPACT_OK) {
			sqlite3_bind_int64(st, 1, (long long)im->sum->rows_read);
			sqlite3_bind_int64(st, 2, (long long)im->sum->rows_loaded);
			sqlite3_bind_int64(st, 3, (long long)im->sum->rows_rejected);
			sqlite3_bind_int64(st, 4, im->import_id);
			sqlite3_bind_int64(st, 5, (long long)im->sum->rows_skipped);
			sqlite3_bind_text(st, 6, im->sum->notes, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 7, im->sum->tool, -1, SQLITE_STATIC);
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
	if (im->fk_off) {
		if (rc == IMPACT_OK)
			rc = impact__exec(im->h, "PRAGMA foreign_keys = ON;");
		else   /* keep the first error's message */
			sqlite3_exec(im->h->db, "PRAGMA foreign_keys = ON;", NULL,
			             NULL, NULL);
		im->fk_off = 0;
	}
	if (im->old_cache < 0 && im->old_cache > -IMPORT_CACHE_KIB) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA cache_size = %d;",
		         im->old_cache);
		sqlite3_exec(im->h->db, sql, NULL, NULL, NULL);
		im->old_cache = 0;
	}
	impact__csv_close(im->csv);
	im->csv = NULL;
	for (i = 0; i < im->nheader; i++)
		free(im->header[i]);
	free(im->header);
	im->header = NULL;
	free(im->ignored);
	free(im->dropped);
	im->ignored = NULL;
	return rc;
}

/* Look up the id of `code` in `table` (places or territories); 0 if none. */
void impact__import_progress(struct import *im, const char *stage)
{
	long long done = 0, total = 0;

	impact__csv_position(im->csv, &done, &total);
	impact__progress(im->h, stage, (size_t)done, (size_t)total);
}

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
