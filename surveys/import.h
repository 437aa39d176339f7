/*
 * surveys/import.h: the machinery every importer shares (surveys/import.c):
 * the state of one import, header mapping, parsing of numbers and codes,
 * rejected rows.  Internal to the library.
 */
#ifndef IMPACT_SURVEYS_IMPORT_H
#define IMPACT_SURVEYS_IMPORT_H

#include <sqlite3.h>

#include "csv.h"
#include "impact/surveys.h"

#define MAX_CODE 64
#define MAX_REASON 512

/* One column the importer knows.  Header names match `name` or one of
 * `aliases` ignoring case, accents, spacing and punctuation (impact__fold):
 * "Catégorie", "categorie" and "CATEGORIE " all match "category|categorie". */
typedef struct {
	const char *name;     /* canonical name, as in docs/formats.md */
	int required;         /* 1 if the column must be present */
	long index;           /* field index in the file, -1 when absent */
	const char *aliases;  /* other names separated by '|', or NULL */
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
	long long header_line;     /* line of the column names */
	long long import_id;
	sqlite3_stmt *reject;      /* INSERT INTO rejects */
	impact_import_summary *sum;
	const impact_import_opts *opts; /* how to read the file */
	impact_import_opts defaults;    /* opts when the caller gave NULL */
	char first_reject[MAX_REASON + 64]; /* "line:col: reason" of the first
	                                       rejected row, for --strict */
	int in_tx;                 /* a transaction is open */
	int old_cache;             /* PRAGMA cache_size before the import */
	int unknown_ok;            /* unknown columns are noted, not errors */
	char *ignored;             /* ", "-joined unknown columns (owned) */
	size_t ignored_more;       /* unknown columns past what notes show */
	int trusted_refs;          /* set before impact__import_begin(): the
	                              importer proves every reference it
	                              writes, so foreign keys are not checked
	                              during the transaction */
	int fk_off;                /* foreign keys are off until the end */
	unsigned char *dropped;    /* per header field: 1 for an unknown
	                              column, never stored, not even in
	                              `rejects` (NULL: none) */
};

/* Field masks for impact__record_text(). */
#define MASK_NONE (-1L)     /* keep every field */
#define MASK_WORDS (-2L)    /* keep only fields that are numbers */

/* Does header `name` match column c (its name or an alias, folded)? */
int impact__column_matches(const column *c, const char *name);

/* One folded place code or name and the place it names. */
struct impact__place_key {
	char *key;        /* folded text (owned) */
	long long id;     /* places.id, or -1 when several places share it */
};

/* Every place of the database, to match a code or a name quickly. */
typedef struct {
	struct impact__place_key *exact;  /* codes as written, sorted */
	size_t nexact;
	struct impact__place_key *codes;  /* folded codes, sorted */
	size_t ncodes;
	struct impact__place_key *names;  /* folded names, sorted */
	size_t nnames;
} impact__place_index;

/* Build the index of every place's folded code and name; on failure it
 * may be half built: release it. */
int impact__places_init(impact *h, impact__place_index *ix);

/* The place written `s`: its exact code, else its code or name ignoring
 * case, accents and spacing.  Its id, 0 when none matches, -1 when
 * several places share that name.  Reads only the index (no statement),
 * so a reader thread may use it. */
long long impact__places_find(const impact__place_index *ix, const char *s);

/* Free the index; accepts one never built. */
void impact__places_release(impact__place_index *ix);

/* Is `s` a valid code: 1 to MAX_CODE of [A-Za-z0-9_.-]? */
int impact__valid_code(const char *s);

/* Strip leading and trailing spaces and tabs in place; returns s. */
char *impact__trim(char *s);

/* Parse a decimal number written with '.' or ',' and nothing around it.
 * Returns 1 and sets *out, or 0. */
int impact__parse_number(const char *s, double *out);

/* Parse a number as spreadsheets display it: "12 500,50 €", "1.234,5",
 * "1,234.5", a trailing € or % ignored.  Returns 1 and sets *out, 0 when
 * it is not such a number, -1 for a negative one. */
int impact__parse_amount(const char *s, double *out);

/* Parse a whole number 0 <= v <= max.  Returns 1 and sets *out, or 0. */
int impact__parse_count(const char *s, long long max, long long *out);

/* Keep the current record aside in `rejects`: field number col (0-based)
 * with `reason`; field `hide` (or MASK_NONE / MASK_WORDS) masked. */
int impact__reject(struct import *im, long col, long hide, const char *mask,
                   const char *reason);

/* What impact__reject() does with a record already rendered by
 * impact__record_text(): the record of `line`, kept aside with `reason`
 * at column col (0-based). */
int impact__reject_text(struct import *im, long long line, long col,
                        const char *reason, const char *text);

/* A CSV rendering of the current record for `rejects`, field `hide`
 * replaced by `mask` (MASK_WORDS: every field not a number); NULL when
 * out of memory, else free with sqlite3_free().  It touches no
 * connection, so a reader thread may call it. */
char *impact__record_text(struct import *im, long hide, const char *mask);

/* Start an import: hash the file, stop early (sum->already_imported) if it
 * was imported before for the same survey, open a transaction, create the
 * `imports` row, read the header. */
int impact__import_begin(struct import *im, impact *h, const char *path,
                         const char *kind, long long survey_id,
                         const impact_import_opts *opts,
                         impact_import_summary *sum);

/* Match the header against `cols`; `extra` (may be NULL) accepts other
 * columns: it returns 1 for a known one, 0 for an unknown one, -1 for a
 * repeated one.  Repeated and missing columns are errors; unknown ones
 * too, unless im->unknown_ok, when they are listed in the summary's notes
 * ("columns ignored: ...") and in imports.notes. */
int impact__map_header(struct import *im, column *cols, size_t ncols,
                       int (*extra)(void *payload, size_t index,
                                    const char *name),
                       void *payload);

/* The trimmed field of column c in the current record ("" if absent). */
char *impact__field(struct import *im, const column *c);

/* 1 if the record has as many fields as the header, else 0 with reason. */
int impact__check_width(struct import *im, char *reason, size_t size);

/* Finish: store the counts and commit, or roll back when rc != 0 or when
 * opts->strict and a row was rejected (the first rejected row becomes the
 * error).  Frees the reader and the header.  Returns the final code. */
int impact__import_end(struct import *im, int rc);

/* Report progress through the file to the handle's callback: `stage`,
 * raw bytes read so far, the file's size. */
void impact__import_progress(struct import *im, const char *stage);

/* The id of `code` through prepared statement st (one parameter); *out
 * is 0 when there is none. */
int impact__lookup_id(impact *h, sqlite3_stmt *st, const char *code,
                      long long *out);

#endif
