/*
 * impact/privacy.h: the respondents' rights and safe publication of
 * microdata.
 *
 * impact_forget() erases one respondent (the GDPR right to erasure, art.
 * 17) and recomputes what depended on them; impact_export_anonymised()
 * writes survey answers as a dataset that can leave the network: no key,
 * no free text, no date finer than the year, no place-year with fewer than
 * IMPACT_MIN_PUBLISHED_N respondents, and k-anonymous quasi-identifiers.
 * The rules, and what they do not protect against, are in docs/privacy.md.
 */
#ifndef IMPACT_PRIVACY_H
#define IMPACT_PRIVACY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Size of a respondent key in hexadecimal, with its NUL. */
#define IMPACT_KEY_HEX 65

/*
 * The key impact stores for a respondent whose answers file gives the
 * identifier `id` (spaces and tabs at either end ignored, as the importer
 * does): lower-case hex of HMAC-SHA-256("id:" + id) under the database's
 * secret, into out.  Fails with IMPACT_EUSAGE on an empty identifier.
 */
int impact_respondent_key(impact *h, const char *id,
                          char out[IMPACT_KEY_HEX]);

typedef struct {
	const char *survey;   /* survey id: only its respondents are erased,
	                         and `key` may then be the identifier the
	                         answers file gave; NULL: every survey, and
	                         `key` must be a stored key */
	int period;           /* only this year; 0: every year */
	int recompute;        /* 1: recompute the results of the years
	                         concerned (default); 0: only delete them */
	size_t replicates;    /* bootstrap replicates of the index (default
	                         1000, as impact compute) */
} impact_forget_opts;

#define IMPACT_FORGET_OPTS_INIT { NULL, 0, 1, 1000 }

/* What impact_forget() did. */
typedef struct {
	size_t respondents;   /* respondent rows erased */
	size_t answers;       /* their answers erased */
	size_t choices;       /* their multiple-choice options erased */
	size_t rejects;       /* rows of theirs kept aside by imports, erased */
	int first_period;     /* earliest year they answered for (0: none) */
	int last_period;      /* latest year */
	size_t periods_recomputed; /* years whose results were recomputed */
	size_t index_units;   /* (unit, year) index values recomputed */
	int wal_cleared;      /* 1: the write-ahead log was emptied, so no
	                         copy of the erased rows is left in the
	                         database's files; 0: a reader kept it busy
	                         (it is emptied by the next writer) */
} impact_forget_summary;

/*
 * Erase every respondent whose stored key is `key` (64 hexadecimal
 * digits, as 'impact rejects' shows it) or, when opts->survey is set,
 * whose answers file gave `key` as identifier: their answers, options
 * and rows kept aside, in one transaction that also deletes the results,
 * indicator values and index values of the years concerned (so that no
 * stored figure still counts them, even if what follows is interrupted),
 * with deleted content overwritten (PRAGMA secure_delete) and the erasure
 * counted, with no identifier, in meta 'erasures'.  Then, with
 * opts->recompute, the results and indicators of those years (and the
 * changes of later ones) are computed again, and the index of those and
 * later years when a definition is stored, raked when margins are.
 * Fails with IMPACT_ENOTFOUND, the database unchanged, when no respondent
 * matches.  When the erasure succeeded but recomputing failed, returns
 * the error and *out says what was erased (out may be NULL).
 */
int impact_forget(impact *h, const char *key, const impact_forget_opts *opts,
                  impact_forget_summary *out);

typedef struct {
	const char *survey;   /* survey id; NULL: the only survey stored */
	int period;           /* one year; 0: every year */
	const char *output;   /* path of the CSV file to write */
	int k;                /* smallest group of alike rows published; 0:
	                         IMPACT_MIN_PUBLISHED_N, never less */
} impact_export_opts;

#define IMPACT_EXPORT_OPTS_INIT { NULL, 0, NULL, 0 }

/* Quasi-identifiers, in the order they are blanked (docs/privacy.md). */
enum {
	IMPACT_QI_COMMUNE = 0,
	IMPACT_QI_AGE_BAND = 1,
	IMPACT_QI_ACTIVITY_STATUS = 2,
	IMPACT_QI_SEX = 3,
	IMPACT_QI_COUNT = 4
};

/* What impact_export_anonymised() wrote and left out. */
typedef struct {
	size_t respondents;      /* respondents of the survey and period(s) */
	size_t rows_written;     /* rows of the file */
	size_t groups_dropped;   /* place-years with fewer than k respondents */
	size_t rows_small_group; /* their respondents, left out */
	size_t rows_unique;      /* left out: fewer than k alike even with every
	                            quasi-identifier blanked */
	size_t cells_blanked;    /* quasi-identifier answers blanked */
	size_t blanked[IMPACT_QI_COUNT]; /* of which, per IMPACT_QI_* */
	size_t columns;          /* answer columns written */
	size_t columns_left_out; /* questions left out: the respondent
	                            identifier, dates, free text */
	int k;                   /* the k used */
} impact_export_summary;

/*
 * Write the answers of one survey as an anonymised CSV (docs/formats.md,
 * "anonymised export"; rules in docs/privacy.md): columns period,
 * territory, place, then one per question that is not free text, a date,
 * the place or the respondent.  Place-years with fewer than k respondents
 * are left out; the quasi-identifiers (questions with role age_band, sex,
 * commune, activity_status) are blanked until every combination of them
 * in a place-year is shared by at least k rows, and rows still alone are
 * left out.  Rows are sorted by content, so their order says nothing of
 * when people answered.  The file is written beside opts->output under a
 * temporary name and renamed when complete: a failure leaves no file, or
 * the previous one untouched.  *out (may be NULL) counts what was done.
 */
int impact_export_anonymised(impact *h, const impact_export_opts *opts,
                             impact_export_summary *out);

#ifdef __cplusplus
}
#endif
#endif
