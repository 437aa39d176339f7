/*
 * surveys/facts.c: the importer of places' yearly facts (docs/formats.md,
 * "facts CSV"): the spreadsheet a network's coordinator keeps, one row
 * per place and year, one column per fact (jobs, budget, turnover,
 * surface, members...).  The facts are the `facts` source of the
 * indicators (docs/indicators.md).
 *
 * Two columns are known, the place and the period; every other column is
 * a fact, named by its heading reduced to a key (fact_key(): "Emplois
 * ETP" is emplois_etp, "Budget (€)" is budget).  Values are read the way
 * spreadsheets display numbers (impact__parse_amount(): "12 500,50 €", "1.234,5",
 * "3.5", "40 %").  Each given value is stored in `place_facts`, replacing
 * the value the same place, year and key already had; an empty cell
 * stores nothing.  A bad value or an unknown place keeps the row aside in
 * `rejects` with its line, column and reason; the good rows load.
 *
 * The state of one import is struct facts: the shared machinery of
 * surveys/import.h, the fact columns (struct fact_col) and the places
 * (impact__place_index, matched by code or name as activities are
 * does).  Read surveys/activities.c for the other observation importer.
 */
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../engine/context.h"
#include "import.h"
#include "text.h"

/* Longest folded place code or name kept (the fold buffer). */
#define KEY_SIZE 256

/* Years accepted in the period column. */
#define MIN_YEAR 1900
#define MAX_YEAR 2999

/* The two known columns, in the order of cols[] in
 * impact_import_facts(). */
enum { C_PLACE, C_PERIOD, NCOLS };

/* One fact column of the file. */
struct fact_col {
	long index;               /* field index in the file */
	char key[MAX_CODE + 1];   /* place_facts.key */
};

/* The state of one facts import. */
struct facts {
	struct import im;
	column *cols;             /* NCOLS known columns */
	struct fact_col *facts;   /* the fact columns, in file order */
	size_t nfacts;
	impact__place_index places; /* every place of the database */
	sqlite3_stmt *old;        /* SELECT value FROM place_facts ... */
	sqlite3_stmt *ins;        /* INSERT ... ON CONFLICT DO UPDATE */
	size_t stored;            /* facts written */
	size_t replaced;          /* of which changed a stored value */
};

/* One checked value of a row. */
struct value {
	int given;                /* 0: empty or a missing-value token */
	double v;                 /* the number, when given */
};

/* ---------------------------------------------------------------- */
/* Reading values                                                    */

/* Is s (trimmed) a missing-value token: empty, NA, N/A, -, nc, n.c.? */
static int is_missing(const char *s)
{
	static const char *const tokens[] = { "na", "n/a", "-", "nc", "n.c." };
	size_t i;

	if (!*s)
		return 1;
	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		if (strcasecmp(s, tokens[i]) == 0)
			return 1;
	return 0;
}

/*
 * The key of a fact column into key (MAX_CODE + 1 bytes): its heading
 * folded (impact__fold: lower case, no accents), "²" and "³" read as 2
 * and 3, every run of other characters than ASCII letters and digits
 * (spaces, punctuation, "€"...) as one '_', none at either end: "Emplois
 * ETP" is emplois_etp, "Budget (€)" budget, "Surface (m²)" surface_m2.
 * Returns its length; 0 when nothing is left; MAX_CODE + 1 when longer
 * than MAX_CODE.
 */
static size_t fact_key(char *key, const char *name)
{
	char f[KEY_SIZE];
	const char *p;
	size_t n = 0;
	int gap = 0;

	impact__fold(f, sizeof(f), name);
	for (p = f; *p;) {
		char c = 0;

		if (isalnum((unsigned char)*p) && !(*p & 0x80)) {
			c = *p++;
		} else if (strncmp(p, "\xc2\xb2", 2) == 0) {
			c = '2';
			p += 2;
		} else if (strncmp(p, "\xc2\xb3", 2) == 0) {
			c = '3';
			p += 2;
		} else {
			gap = n > 0;
			p++;
			continue;
		}
		if (n + gap >= MAX_CODE)
			return MAX_CODE + 1;
		if (gap)
			key[n++] = '_';
		key[n++] = c;
		gap = 0;
	}
	key[n] = '\0';
	return n;
}

/* ---------------------------------------------------------------- */
/* Places by code or name                                            */

/* ---------------------------------------------------------------- */
/* Header                                                            */

/* impact__map_header() callback: every column other than place and
 * period is a fact (its key was checked by fact_columns()). */
static int known_fact(void *payload, size_t index, const char *name)
{
	(void)payload;
	(void)index;
	(void)name;
	return 1;
}

/*
 * Find the fact columns of the header into fx->facts: every column that
 * is not the place or the period.  A heading that is empty, gives no key
 * or too long a key, or the key of an earlier column, refuses the file
 * at its line and column; so does a file without any fact column.
 */
static int fact_columns(struct facts *fx)
{
	struct import *im = &fx->im;
	size_t i, j;

	fx->facts = calloc(im->nheader ? im->nheader : 1, sizeof(*fx->facts));
	if (!fx->facts)
		return impact__error(im->h, IMPACT_ENOMEM, "out of memory");
	for (i = 0; i < im->nheader; i++) {
		const char *name = im->header[i];
		struct fact_col *fc = &fx->facts[fx->nfacts];
		size_t n;

		if (impact__column_matches(&fx->cols[C_PLACE], name)
		    || impact__column_matches(&fx->cols[C_PERIOD], name))
			continue;
		if (!*name)
			return impact__error(im->h, IMPACT_EDATA, "%s:%lld:%zu: "
			                     "column %zu has no name: every "
			                     "column but place and period is a "
			                     "fact, named in the header", im->name,
			                     im->header_line, i + 1, i + 1);
		n = fact_key(fc->key, name);
		if (n == 0 || n > MAX_CODE)
			return impact__error(im->h, IMPACT_EDATA, "%s:%lld:%zu: "
			                     "column \"%.64s\" %s: expected a fact "
			                     "name of letters and digits such as "
			                     "emplois_etp (at most %d)", im->name,
			                     im->header_line, i + 1, name,
			                     n ? "gives too long a fact name"
			                       : "gives no fact name", MAX_CODE);
		for (j = 0; j < fx->nfacts; j++)
			if (strcmp(fx->facts[j].key, fc->key) == 0)
				return impact__error(im->h, IMPACT_EDATA,
				                     "%s:%lld:%zu: column \"%s\" "
				                     "is the fact \"%s\" of column "
				                     "%ld again", im->name,
				                     im->header_line, i + 1, name,
				                     fc->key,
				                     fx->facts[j].index + 1);
		fc->index = (long)i;
		fx->nfacts++;
	}
	if (fx->nfacts == 0)
		return impact__error(im->h, IMPACT_EDATA, "%s:%lld:1: no fact "
		                     "column: after place and period, add one "
		                     "column per fact (emplois_etp, budget...)",
		                     im->name, im->header_line);
	return impact__map_header(im, fx->cols, NCOLS, known_fact, NULL);
}

/* ---------------------------------------------------------------- */
/* Rows                                                              */

/*
 * Check the current record: its place into *place_id, its year into
 * *year, its facts into vals[] (fx->nfacts).  Returns 1 when the row is
 * good, 0 when it is not, with *bad the 0-based field at fault and
 * `reason`.
 */
static int check_row(struct facts *fx, long long *place_id,
                     long long *year, struct value *vals, long *bad,
                     char *reason, size_t size)
{
	struct import *im = &fx->im;
	const char *s;
	size_t i;

	*bad = 0;
	if (!impact__check_width(im, reason, size))
		return 0;

	*bad = fx->cols[C_PLACE].index;
	s = impact__field(im, &fx->cols[C_PLACE]);
	if (is_missing(s)) {
		snprintf(reason, size, "missing place: expected the code or the "
		         "name of a place of the register");
		return 0;
	}
	if ((*place_id = impact__places_find(&fx->places, s)) <= 0) {
		if (*place_id < 0)
			snprintf(reason, size, "place \"%.64s\" is the name of "
			         "several places: give the place's code instead",
			         s);
		else
			snprintf(reason, size, "unknown place \"%.64s\": expected "
			         "a place code or name of the register (import "
			         "it with 'impact import places')", s);
		return 0;
	}

	*bad = fx->cols[C_PERIOD].index;
	s = impact__field(im, &fx->cols[C_PERIOD]);
	if (is_missing(s) || strlen(s) != 4
	    || !impact__parse_count(s, MAX_YEAR, year) || *year < MIN_YEAR) {
		snprintf(reason, size, "%s period \"%.32s\": expected a year "
		         "such as 2024", is_missing(s) ? "missing" : "invalid",
		         s);
		return 0;
	}

	for (i = 0; i < fx->nfacts; i++) {
		struct fact_col *fc = &fx->facts[i];
		int r;

		*bad = fc->index;
		s = impact__trim(im->rec.fields[fc->index]);
		vals[i].given = 0;
		if (is_missing(s))
			continue;
		r = impact__parse_amount(s, &vals[i].v);
		if (r > 0) {
			vals[i].given = 1;
			continue;
		}
		if (r < 0)
			snprintf(reason, size, "negative %s \"%.32s\": facts are "
			         "counts and amounts, 0 or more", fc->key, s);
		else
			snprintf(reason, size, "invalid %s \"%.32s\": expected a "
			         "number such as 12 500,50 or 3.5 (a trailing € "
			         "or %% is ignored), or nothing", fc->key, s);
		return 0;
	}
	return 1;
}

/* Store one fact of a checked row, replacing the value the place, year
 * and key had; counts it in fx->stored and, when it changes a stored
 * value, fx->replaced. */
static int store_fact(struct facts *fx, long long place_id, long long year,
                      const char *key, double v)
{
	impact *h = fx->im.h;
	int step;

	sqlite3_reset(fx->old);
	sqlite3_bind_int64(fx->old, 1, place_id);
	sqlite3_bind_int64(fx->old, 2, year);
	sqlite3_bind_text(fx->old, 3, key, -1, SQLITE_STATIC);
	step = sqlite3_step(fx->old);
	if (step == SQLITE_ROW && sqlite3_column_double(fx->old, 0) != v)
		fx->replaced++;
	else if (step != SQLITE_ROW && step != SQLITE_DONE)
		return impact__db_error(h, "reading a stored fact");
	sqlite3_reset(fx->old);
	sqlite3_reset(fx->ins);
	sqlite3_bind_int64(fx->ins, 1, place_id);
	sqlite3_bind_int64(fx->ins, 2, year);
	sqlite3_bind_text(fx->ins, 3, key, -1, SQLITE_STATIC);
	sqlite3_bind_double(fx->ins, 4, v);
	sqlite3_bind_int64(fx->ins, 5, fx->im.import_id);
	if (sqlite3_step(fx->ins) != SQLITE_DONE)
		return impact__db_error(h, "storing a fact");
	sqlite3_reset(fx->ins);
	fx->stored++;
	return IMPACT_OK;
}

/* Append the count of facts stored and replaced to the summary's notes. */
static void note_counts(struct facts *fx)
{
	impact_import_summary *sum = fx->im.sum;
	size_t used = strlen(sum->notes);

	snprintf(sum->notes + used, sizeof(sum->notes) - used,
	         "%s%zu facts stored, %zu replacing a different value",
	         used ? "; " : "", fx->stored, fx->replaced);
}

/*
 * Import places' yearly facts (see include/impact/surveys.h): map the
 * header, then check each row and store its facts, or keep it in
 * `rejects`.  One transaction; --strict (opts->strict) refuses the file
 * at its first bad row.
 */
int impact_import_facts(impact *h, const char *path,
                        const impact_import_opts *opts,
                        impact_import_summary *out)
{
	struct facts fx;
	impact_import_summary dummy;
	column cols[NCOLS] = {
		[C_PLACE] = { "place", 1, -1, "lieu|tiers-lieu|code lieu|"
		              "code du lieu|nom du lieu|place code|place name" },
		[C_PERIOD] = { "period", 1, -1, "année|year|période" }
	};
	struct value *vals = NULL;
	int rc;

	assert(h && path);
	impact__clear_error(h);
	memset(&fx, 0, sizeof(fx));
	fx.cols = cols;
	if (!out)
		out = &dummy;
	rc = impact__import_begin(&fx.im, h, path, "facts", 0, opts, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = fact_columns(&fx)) != IMPACT_OK
	    || (rc = impact__places_init(h, &fx.places)) != IMPACT_OK)
		goto done;
	if (!(vals = calloc(fx.nfacts, sizeof(*vals)))) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = impact__prepare(h, &fx.old, "SELECT value FROM"
	                             " place_facts WHERE place_id = ?1 AND"
	                             " period = ?2 AND key = ?3;")) != 0
	    || (rc = impact__prepare(h, &fx.ins, "INSERT INTO place_facts"
	                             " (place_id, period, key, value,"
	                             " import_id) VALUES (?1, ?2, ?3, ?4, ?5)"
	                             " ON CONFLICT (place_id, period, key)"
	                             " DO UPDATE SET value = excluded.value,"
	                             " import_id = excluded.import_id;")) != 0)
		goto done;
	while ((rc = impact__csv_next(h, fx.im.csv, &fx.im.rec)) == 1) {
		char reason[MAX_REASON];
		long long place_id = 0, year = 0;
		long bad;
		size_t i;
		int ok;

		if (++out->rows_read % 1000 == 0)
			impact__import_progress(&fx.im, "facts");
		ok = check_row(&fx, &place_id, &year, vals, &bad, reason,
		               sizeof(reason));
		if (!ok) {
			if ((rc = impact__reject(&fx.im, bad, MASK_NONE, NULL,
			                         reason)) != IMPACT_OK)
				goto done;
			continue;
		}
		for (i = 0; i < fx.nfacts; i++)
			if (vals[i].given
			    && (rc = store_fact(&fx, place_id, year,
			                        fx.facts[i].key, vals[i].v))
			       != IMPACT_OK)
				goto done;
		out->rows_loaded++;
	}
	if (rc > 0)
		rc = IMPACT_OK;
	if (rc == IMPACT_OK)
		note_counts(&fx);
done:
	free(vals);
	free(fx.facts);
	sqlite3_finalize(fx.old);
	sqlite3_finalize(fx.ins);
	impact__places_release(&fx.places);
	return impact__import_end(&fx.im, rc);
}
