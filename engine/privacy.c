/*
 * engine/privacy.c: the respondents' rights (impact_forget, the GDPR right
 * to erasure) and the anonymised export of answers
 * (impact_export_anonymised).  The rules are in docs/privacy.md.
 *
 * A respondent is known only by a keyed hash of the identifier their
 * answers file gave (surveys/answers.c: HMAC-SHA-256 of "id:" + the
 * identifier, under meta.respondent_secret), so forgetting someone takes
 * either that stored key or the identifier, hashed again here.  The
 * erasure and the deletion of every figure that counted the person are
 * one transaction; the figures are then computed again by the ordinary
 * entry points (impact_compute, impact_index_compute_all).
 *
 * The export works one place-year at a time (`struct group`): it loads
 * the group's rows (`struct row`: one cell per exported question), blanks
 * quasi-identifiers until each combination of them is shared by k rows
 * (`anonymise`), sorts the rows by content and appends them to a
 * temporary file renamed at the end.  Read include/impact/privacy.h for
 * the contracts.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "context.h"
#include "sha256.h"
#include "impact/indicators.h"
#include "impact/index.h"
#include "impact/privacy.h"

/* ---------------------------------------------------------------- */
/* Keys                                                               */

/* Read the database's respondent secret into out (at most size - 1
 * characters). */
static int read_secret(impact *h, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, "SELECT value FROM meta WHERE"
	                          " key = 'respondent_secret';")) != IMPACT_OK)
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

int impact_respondent_key(impact *h, const char *id, char out[IMPACT_KEY_HEX])
{
	char secret[80], *material = NULL;
	unsigned char mac[32];
	size_t n;
	int rc;

	assert(h && id && out);
	impact__clear_error(h);
	out[0] = '\0';
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	/* Trim as the importer does (impact__trim: spaces and tabs). */
	while (*id == ' ' || *id == '\t')
		id++;
	n = strlen(id);
	while (n && (id[n - 1] == ' ' || id[n - 1] == '\t'))
		n--;
	if (n == 0)
		return impact__error(h, IMPACT_EUSAGE, "empty respondent "
		                     "identifier");
	if ((rc = read_secret(h, secret, sizeof(secret))) != IMPACT_OK)
		return rc;
	/* The importer hashes at most 1023 bytes of "id:" + identifier. */
	if (n > 1020)
		n = 1020;
	if (!(material = malloc(n + 4)))
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	memcpy(material, "id:", 3);
	memcpy(material + 3, id, n);
	material[n + 3] = '\0';
	impact__hmac_sha256(secret, strlen(secret), material, n + 3, mac);
	impact__hex(out, mac, 32);
	free(material);
	return IMPACT_OK;
}

/* Is s a stored key: 64 hexadecimal digits?  Its lower case into out. */
static int as_key(const char *s, char out[IMPACT_KEY_HEX])
{
	size_t i;

	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return 0;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[64] = '\0';
	return s[64] == '\0';
}

/* ---------------------------------------------------------------- */
/* Forgetting a respondent                                            */

/* How long the final checkpoint waits for readers, in milliseconds. */
#define FORGET_CHECKPOINT_MS 1000

/* Run one statement with up to four integer or text parameters (NULL
 * text binds NULL) and return the rows it changed in *changes. */
static int run(impact *h, const char *sql, const char *what,
               const char *t1, const char *t2, long long i3, long long i4,
               size_t *changes)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, sql)) != IMPACT_OK)
		return rc;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_text(st, 1, t1, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_text(st, 2, t2, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, i3);
	if (sqlite3_bind_parameter_count(st) >= 4)
		sqlite3_bind_int64(st, 4, i4);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = impact__db_error(h, what);
	else if (changes)
		*changes += (size_t)sqlite3_changes(h->db);
	sqlite3_finalize(st);
	return rc;
}

/* Add p to the ascending set periods[0..*n) (capacity cap). */
static int add_period(int *periods, size_t *n, size_t cap, int p)
{
	size_t i, j;

	for (i = 0; i < *n && periods[i] < p; i++)
		;
	if (i < *n && periods[i] == p)
		return 0;
	if (*n == cap)
		return -1;
	for (j = *n; j > i; j--)
		periods[j] = periods[j - 1];
	periods[i] = p;
	(*n)++;
	return 0;
}

/* Does year p still hold answers or activities (what impact_compute
 * needs), or with `answers_only` answers? */
static int has_data(impact *h, int p, int answers_only, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, answers_only
	                          ? "SELECT EXISTS (SELECT 1 FROM respondents"
	                            " WHERE period = ?1);"
	                          : "SELECT EXISTS (SELECT 1 FROM respondents"
	                            " WHERE period = ?1) OR EXISTS (SELECT 1"
	                            " FROM activities WHERE period = ?1);"))
	    != IMPACT_OK)
		return rc;
	sqlite3_bind_int(st, 1, p);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = impact__db_error(h, "looking for the year's data");
	else
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}

/* The years after `after` holding data (answers only with
 * `answers_only`), ascending, into periods (capacity cap). */
static int later_periods(impact *h, int after, int answers_only,
                         int *periods, size_t *n, size_t cap)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	*n = 0;
	if ((rc = impact__prepare(h, &st, answers_only
	                          ? "SELECT DISTINCT period FROM respondents"
	                            " WHERE period > ?1 ORDER BY 1;"
	                          : "SELECT period FROM respondents WHERE"
	                            " period > ?1 UNION SELECT period FROM"
	                            " activities WHERE period > ?1 ORDER BY 1;"))
	    != IMPACT_OK)
		return rc;
	sqlite3_bind_int(st, 1, after);
	while ((step = sqlite3_step(st)) == SQLITE_ROW && *n < cap)
		periods[(*n)++] = sqlite3_column_int(st, 0);
	rc = step == SQLITE_ROW || step == SQLITE_DONE
	     ? IMPACT_OK : impact__db_error(h, "listing the years");
	sqlite3_finalize(st);
	return rc;
}

/* The erasing transaction: delete the matching respondents and rows kept
 * aside, and every figure of the years concerned.  periods receives the
 * years they answered for (ascending, at most cap). */
static int erase(impact *h, const char *hexkey, const char *idkey,
                 long long survey_id, int period,
                 impact_forget_summary *out, int *periods, size_t *np,
                 size_t cap)
{
	sqlite3_stmt *st = NULL;
	char today[32];
	size_t i, dummy = 0;
	int rc, step;

	/* The years first (before the rows go).  In every statement below,
	 * ?1 is the stored key given (or NULL), ?2 the key of the identifier
	 * given (or NULL), ?3 the survey (0: any), ?4 the year (0: any). */
	if ((rc = impact__prepare(h, &st, "SELECT DISTINCT period FROM"
	                          " respondents WHERE key IN (?1, ?2) AND"
	                          " (?3 = 0 OR survey_id = ?3) AND (?4 = 0 OR"
	                          " period = ?4);")) != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, hexkey, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, idkey, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, survey_id);
	sqlite3_bind_int64(st, 4, period);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (add_period(periods, np, cap, sqlite3_column_int(st, 0))) {
			sqlite3_finalize(st);
			return impact__error(h, IMPACT_EUSAGE, "this respondent "
			                     "answered for more than %zu years: "
			                     "erase them one year at a time with "
			                     "--period", cap);
		}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return impact__db_error(h, "finding the respondent");
	/* Their answers, options, then rows (the foreign keys would cascade;
	 * deleting each table explicitly counts what goes). */
	if ((rc = run(h, "DELETE FROM answers WHERE respondent_id IN (SELECT"
	              " id FROM respondents WHERE key IN (?1, ?2) AND (?3 = 0"
	              " OR survey_id = ?3) AND (?4 = 0 OR period = ?4));",
	              "erasing answers", hexkey, idkey, survey_id, period,
	              &out->answers)) != IMPACT_OK
	    || (rc = run(h, "DELETE FROM answer_choices WHERE respondent_id IN"
	                 " (SELECT id FROM respondents WHERE key IN (?1, ?2)"
	                 " AND (?3 = 0 OR survey_id = ?3) AND (?4 = 0 OR"
	                 " period = ?4));", "erasing answers", hexkey, idkey,
	                 survey_id, period, &out->choices)) != IMPACT_OK
	    || (rc = run(h, "DELETE FROM respondents WHERE key IN (?1, ?2) AND"
	                 " (?3 = 0 OR survey_id = ?3) AND (?4 = 0 OR"
	                 " period = ?4);", "erasing the respondent", hexkey,
	                 idkey, survey_id, period, &out->respondents))
	       != IMPACT_OK)
		return rc;
	/* Rows of theirs an import kept aside carry their key in place of
	 * the identifier (surveys/import.c, impact__reject); they have no
	 * year, so every one goes. */
	if ((rc = run(h, "DELETE FROM rejects WHERE import_id IN (SELECT id"
	              " FROM imports WHERE kind = 'answers' AND (?3 = 0 OR"
	              " survey_id = ?3)) AND ((?1 IS NOT NULL AND"
	              " instr(record, ?1) > 0) OR (?2 IS NOT NULL AND"
	              " instr(record, ?2) > 0));", "erasing rows kept aside",
	              hexkey, idkey, survey_id, 0, &out->rejects)) != IMPACT_OK)
		return rc;
	if (out->respondents == 0 && out->rejects == 0)
		return IMPACT_ENOTFOUND;   /* the caller words the message */
	if (*np) {
		out->first_period = periods[0];
		out->last_period = periods[*np - 1];
	}
	/* No stored figure may still count them: the years concerned lose
	 * their results, and later years the changes measured from them. */
	for (i = 0; i < *np; i++) {
		if ((rc = run(h, "DELETE FROM results WHERE period = ?3;",
		              "deleting results", NULL, NULL, periods[i], 0,
		              &dummy)) != IMPACT_OK
		    || (rc = run(h, "DELETE FROM indicator_results WHERE"
		                 " period = ?3;", "deleting indicator values",
		                 NULL, NULL, periods[i], 0, &dummy))
		       != IMPACT_OK)
			return rc;
	}
	if (*np
	    && ((rc = run(h, "UPDATE indicator_results SET previous = NULL,"
	                  " change = NULL, p_value = NULL, significant = NULL"
	                  " WHERE period > ?3;", "deleting indicator changes",
	                  NULL, NULL, periods[0], 0, &dummy)) != IMPACT_OK
	        || (rc = run(h, "DELETE FROM index_results WHERE period >= ?3;",
	                     "deleting index values", NULL, NULL, periods[0],
	                     0, &dummy)) != IMPACT_OK))
		return rc;
	/* Accountability without an identifier: the day and the counts. */
	impact__utc_now(today, sizeof(today));
	today[10] = '\0';
	if ((rc = impact__prepare(h, &st, "INSERT INTO meta (key, value)"
	                          " VALUES ('erasures', json_array(json_object("
	                          "'date', ?1, 'respondents', ?2, 'answers', ?3,"
	                          " 'rejected_rows', ?4))) ON CONFLICT (key) DO"
	                          " UPDATE SET value = json_insert(meta.value,"
	                          " '$[#]', json(json_extract(excluded.value,"
	                          " '$[0]')));")) != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (long long)out->respondents);
	sqlite3_bind_int64(st, 3, (long long)out->answers);
	sqlite3_bind_int64(st, 4, (long long)out->rejects);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = impact__db_error(h, "recording the erasure");
	sqlite3_finalize(st);
	return rc;
}

/* Compute again what the erasure deleted: results and indicators of the
 * years concerned (and the changes of later ones), then the index of
 * those and later years. */
static int recompute(impact *h, const impact_forget_opts *opts,
                     const int *periods, size_t np,
                     impact_forget_summary *out)
{
	enum { CAP = 256 };
	int later[CAP], done[2 * CAP], rc, yes = 0;
	size_t nl = 0, nd = 0, i, j;
	long long defs = 0;
	sqlite3_stmt *st = NULL;

	for (i = 0; i < np; i++) {
		impact_compute_opts co = IMPACT_COMPUTE_OPTS_INIT;
		impact_compute_summary cs;

		if ((rc = has_data(h, periods[i], 0, &yes)) != IMPACT_OK)
			return rc;
		co.period = periods[i];
		if (!yes) {
			/* Nothing left that year: its figures stay deleted, and
			 * the next year with data is compared afresh. */
			if ((rc = later_periods(h, periods[i], 0, later, &nl, 1))
			    != IMPACT_OK)
				return rc;
			if (nl == 0)
				continue;
			co.period = later[0];
		}
		for (j = 0; j < nd && done[j] != co.period; j++)
			;
		if (j < nd)
			continue;
		if ((rc = impact_compute(h, &co, &cs)) != IMPACT_OK)
			return rc;
		done[nd++] = co.period;
		out->periods_recomputed++;
	}
	/* The index, when a definition is stored: these years and later
	 * ones (their change is measured from these). */
	if ((rc = impact__prepare(h, &st, "SELECT count(*) FROM"
	                          " index_definitions;")) != IMPACT_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		defs = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (defs == 0 || np == 0)
		return IMPACT_OK;
	if ((rc = later_periods(h, periods[0] - 1, 1, later, &nl, CAP))
	    != IMPACT_OK)
		return rc;
	for (i = 0; i < nl; i++) {
		impact_index_opts io = IMPACT_INDEX_OPTS_INIT;
		size_t units = 0;

		io.period = later[i];
		io.rake = IMPACT_RAKE_WHEN_MARGINS;
		io.replicates = opts->replicates ? opts->replicates : 1000;
		if ((rc = impact_index_compute_all(h, &io, &units)) != IMPACT_OK)
			return rc;
		out->index_units += units;
	}
	return IMPACT_OK;
}

int impact_forget(impact *h, const char *key, const impact_forget_opts *opts,
                  impact_forget_summary *out)
{
	impact_forget_opts defaults = IMPACT_FORGET_OPTS_INIT;
	impact_forget_summary dummy;
	char hexkey[IMPACT_KEY_HEX], idkey[IMPACT_KEY_HEX], where[128] = "";
	int periods[64], is_key, secure = 0, rc, busy = 1, timeout = 0;
	size_t np = 0;
	long long survey_id = 0;
	sqlite3_stmt *st = NULL;

	assert(h && key);
	impact__clear_error(h);
	if (!opts)
		opts = &defaults;
	if (!out)
		out = &dummy;
	memset(out, 0, sizeof(*out));
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (opts->period < 0 || opts->period > 9999)
		return impact__error(h, IMPACT_EUSAGE, "invalid period %d: "
		                     "expected a year such as 2024", opts->period);
	is_key = as_key(key, hexkey);
	if (opts->survey) {
		if ((rc = impact__prepare(h, &st, "SELECT id FROM surveys WHERE"
		                          " code = ?1;")) != IMPACT_OK)
			return rc;
		sqlite3_bind_text(st, 1, opts->survey, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			survey_id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (!survey_id)
			return impact__error(h, IMPACT_ENOTFOUND, "unknown survey "
			                     "\"%s\": see 'impact survey list'",
			                     opts->survey);
		if ((rc = impact_respondent_key(h, key, idkey)) != IMPACT_OK)
			return rc;
		snprintf(where, sizeof(where), " of survey \"%s\"", opts->survey);
	} else if (!is_key) {
		return impact__error(h, IMPACT_EUSAGE, "\"%.80s\" is not a "
		                     "respondent key (64 hexadecimal digits, as "
		                     "'impact rejects' shows them): to give the "
		                     "identifier written in the answers file, add "
		                     "--survey ID", key);
	}
	if (opts->period)
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
		         " in %d", opts->period);
	/* Overwrite what is deleted, so that no copy stays in free pages. */
	if ((rc = impact__prepare(h, &st, "PRAGMA secure_delete;"))
	    != IMPACT_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		secure = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if ((rc = impact__exec(h, "PRAGMA secure_delete = ON;")) != IMPACT_OK)
		return rc;
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		goto done;
	rc = erase(h, is_key ? hexkey : NULL, opts->survey ? idkey : NULL,
	           survey_id, opts->period, out, periods, &np,
	           sizeof(periods) / sizeof(periods[0]));
	if (rc == IMPACT_ENOTFOUND && opts->survey)
		impact__error(h, IMPACT_ENOTFOUND, "no respondent%s has the "
		              "identifier%s \"%.80s\": check it against the "
		              "answers file (as written there; spaces at either "
		              "end do not count); nothing was erased", where,
		              is_key ? " or key" : "", key);
	else if (rc == IMPACT_ENOTFOUND)
		impact__error(h, IMPACT_ENOTFOUND, "no respondent%s has the key "
		              "\"%s\": check it against 'impact rejects', or "
		              "give the identifier written in the answers file "
		              "with --survey ID; nothing was erased", where, key);
	if ((rc = impact__end_tx(h, rc)) != IMPACT_OK) {
		memset(out, 0, sizeof(*out));
		goto done;
	}
	if (opts->recompute
	    && (rc = recompute(h, opts, periods, np, out)) != IMPACT_OK) {
		char msg[IMPACT__ERRMSG_MAX];

		snprintf(msg, sizeof(msg), "%s", impact_errmsg(h));
		impact__error(h, rc, "the respondent was erased, but computing "
		              "the results again failed: %s; run 'impact "
		              "compute' once the cause is fixed", msg);
		goto done;
	}
	/* Empty the write-ahead log, which may still hold the erased rows.
	 * The checkpoint waits for readers of older snapshots: a second at
	 * most (a long reader is no reason to fail; the next writer's
	 * checkpoint overwrites the log). */
	if (impact__prepare(h, &st, "PRAGMA busy_timeout;") == IMPACT_OK
	    && sqlite3_step(st) == SQLITE_ROW)
		timeout = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_busy_timeout(h->db, FORGET_CHECKPOINT_MS);
	if (impact__prepare(h, &st, "PRAGMA wal_checkpoint(TRUNCATE);")
	    == IMPACT_OK && sqlite3_step(st) == SQLITE_ROW)
		busy = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_busy_timeout(h->db, timeout);
	out->wal_cleared = !busy;
done:
	if (secure != 1)
		sqlite3_exec(h->db, secure == 2 ? "PRAGMA secure_delete = FAST;"
		             : "PRAGMA secure_delete = OFF;", NULL, NULL, NULL);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Anonymised export                                                  */

/* Question types, as in questions.kind. */
enum kind { K_NUMBER, K_SINGLE, K_MULTIPLE, K_TEXT };

/* One exported column. */
struct column {
	long long id;          /* questions.id */
	char *code;            /* the question's id: the column name */
	enum kind kind;
	int qi;                /* IMPACT_QI_*, or -1 */
};

/* One place-year. */
struct group {
	int period;
	long long place_id;
	char *place;           /* place code */
	char *territory;       /* its territory's code */
	size_t n;              /* respondents */
};

/* One respondent's exported cells. */
struct row {
	char **cell;           /* per column: text (owned), NULL if empty */
	char *sig;             /* quasi-identifier signature (owned) */
	char *line;            /* the CSV line (owned) */
	int unsafe;            /* in a class of fewer than k rows */
	unsigned blanked;      /* bit IMPACT_QI_*: that answer was blanked */
};

struct exporter {
	impact *h;
	int k;
	struct column *col;
	size_t ncol;
	long qcol[IMPACT_QI_COUNT];   /* column of each quasi-identifier, -1 */
	sqlite3_stmt *resp, *ans, *opt;
	impact_export_summary *sum;
	int werr;                     /* errno of a failed write, or 0 */
};

static void rows_free(struct row *rows, size_t n, size_t ncol)
{
	size_t i, j;

	for (i = 0; rows && i < n; i++) {
		for (j = 0; rows[i].cell && j < ncol; j++)
			free(rows[i].cell[j]);
		free(rows[i].cell);
		free(rows[i].sig);
		free(rows[i].line);
	}
	free(rows);
}

/* The survey to export: opts->survey, else the only one stored. */
static int export_survey(impact *h, const char *code, long long *out)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0;
	char names[256] = "";

	*out = 0;
	if ((rc = impact__prepare(h, &st, "SELECT id, code FROM surveys WHERE"
	                          " ?1 IS NULL OR code = ?1 ORDER BY code;"))
	    != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		if (n < 4)
			snprintf(names + strlen(names), sizeof(names)
			         - strlen(names), "%s%s", n ? ", " : "",
			         (const char *)sqlite3_column_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	if (n == 0 && code)
		return impact__error(h, IMPACT_ENOTFOUND, "unknown survey "
		                     "\"%s\": see 'impact survey list'", code);
	if (n == 0)
		return impact__error(h, IMPACT_ENOTFOUND, "no survey is stored: "
		                     "add one with 'impact survey add'");
	if (n > 1)
		return impact__error(h, IMPACT_EUSAGE, "%d surveys are stored "
		                     "(%s%s): choose one with --survey ID", n,
		                     names, n > 4 ? ", ..." : "");
	return IMPACT_OK;
}

/* Load the exported columns of survey `sid`: every question but free
 * text (except the commune, a quasi-identifier), dates, the place and
 * the respondent. */
static int load_columns(struct exporter *x, long long sid)
{
	static const char *const qi_roles[IMPACT_QI_COUNT] = {
		"commune", "age_band", "activity_status", "sex"
	};
	sqlite3_stmt *st = NULL;
	int rc, step;
	size_t cap = 0, j;

	for (j = 0; j < IMPACT_QI_COUNT; j++)
		x->qcol[j] = -1;
	if ((rc = impact__prepare(x->h, &st, "SELECT id, code, kind, role FROM"
	                          " questions WHERE survey_id = ?1 ORDER BY"
	                          " position;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, sid);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 2);
		const char *role = (const char *)sqlite3_column_text(st, 3);
		struct column *c;
		int qi = -1;

		for (j = 0; role && j < IMPACT_QI_COUNT; j++)
			if (strcmp(role, qi_roles[j]) == 0)
				qi = (int)j;
		if (role && strcmp(role, "place") == 0)
			continue;   /* the place column */
		if ((role && (strcmp(role, "respondent") == 0
		              || strcmp(role, "date") == 0))
		    || strcmp(kind, "date") == 0
		    || (strcmp(kind, "text") == 0 && qi < 0)) {
			x->sum->columns_left_out++;
			continue;
		}
		if (x->ncol == cap) {
			size_t nc = cap ? 2 * cap : 32;
			struct column *p = realloc(x->col, nc * sizeof(*p));

			if (!p) {
				rc = impact__error(x->h, IMPACT_ENOMEM,
				                   "out of memory");
				goto done;
			}
			x->col = p;
			cap = nc;
		}
		c = &x->col[x->ncol];
		c->id = sqlite3_column_int64(st, 0);
		c->code = strdup((const char *)sqlite3_column_text(st, 1));
		c->kind = strcmp(kind, "single") == 0 ? K_SINGLE
		          : strcmp(kind, "multiple") == 0 ? K_MULTIPLE
		          : strcmp(kind, "text") == 0 ? K_TEXT : K_NUMBER;
		c->qi = qi;
		if (!c->code) {
			rc = impact__error(x->h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		if (qi >= 0)
			x->qcol[qi] = (long)x->ncol;
		x->ncol++;
	}
	rc = step == SQLITE_DONE ? IMPACT_OK
	                         : impact__db_error(x->h, "reading the questions");
done:
	sqlite3_finalize(st);
	x->sum->columns = x->ncol;
	return rc;
}

/* The column of question `qid`, or -1. */
static long column_of(const struct exporter *x, long long qid)
{
	size_t i;

	for (i = 0; i < x->ncol; i++)
		if (x->col[i].id == qid)
			return (long)i;
	return -1;
}

/* A number as the export writes it: shortest of %.15g, no "-0". */
static void format_value(char *buf, size_t size, double v)
{
	if (v == 0)
		v = 0;   /* -0 prints as 0 */
	snprintf(buf, size, "%.15g", v);
}

/* Append `s` to the owned string *p, after `sep` when *p is set. */
static int append(char **p, const char *sep, const char *s)
{
	size_t a = *p ? strlen(*p) + strlen(sep) : 0, b = strlen(s);
	char *q = realloc(*p, a + b + 1);

	if (!q)
		return -1;
	if (*p)
		strcat(q, sep);
	else
		q[0] = '\0';
	memcpy(q + a, s, b + 1);
	*p = q;
	return 0;
}

/* Load respondent rid's cells into r. */
static int load_row(struct exporter *x, long long rid, struct row *r)
{
	int rc = IMPACT_OK, step;

	r->cell = calloc(x->ncol ? x->ncol : 1, sizeof(char *));
	if (!r->cell)
		return impact__error(x->h, IMPACT_ENOMEM, "out of memory");
	sqlite3_reset(x->ans);
	sqlite3_bind_int64(x->ans, 1, rid);
	while ((step = sqlite3_step(x->ans)) == SQLITE_ROW) {
		long c = column_of(x, sqlite3_column_int64(x->ans, 0));
		char buf[64];
		const char *s = NULL;

		if (c < 0 || x->col[c].kind == K_MULTIPLE)
			continue;
		if (x->col[c].kind == K_SINGLE
		    && sqlite3_column_type(x->ans, 2) != SQLITE_NULL)
			s = (const char *)sqlite3_column_text(x->ans, 2);
		else if (x->col[c].kind == K_TEXT)
			s = (const char *)sqlite3_column_text(x->ans, 3);
		else if (sqlite3_column_type(x->ans, 1) != SQLITE_NULL) {
			format_value(buf, sizeof(buf),
			             sqlite3_column_double(x->ans, 1));
			s = buf;
		}
		if (!s || !*s)
			continue;
		if (!(r->cell[c] = strdup(s)))
			return impact__error(x->h, IMPACT_ENOMEM, "out of memory");
	}
	if (step != SQLITE_DONE)
		return impact__db_error(x->h, "reading answers");
	/* Multiple choices: the codes chosen, in the questionnaire's order. */
	sqlite3_reset(x->opt);
	sqlite3_bind_int64(x->opt, 1, rid);
	while ((step = sqlite3_step(x->opt)) == SQLITE_ROW) {
		long c = column_of(x, sqlite3_column_int64(x->opt, 0));

		if (c < 0)
			continue;
		if (append(&r->cell[c], ";",
		           (const char *)sqlite3_column_text(x->opt, 1)))
			return impact__error(x->h, IMPACT_ENOMEM, "out of memory");
	}
	if (step != SQLITE_DONE)
		rc = impact__db_error(x->h, "reading answers");
	return rc;
}

/* Build r->sig from its quasi-identifiers: each as "-" when blank, else
 * its length, ":" and its bytes, so that no two different combinations
 * give the same signature whatever characters the values hold. */
static int signature(struct exporter *x, struct row *r)
{
	char *s = NULL, len[32];
	size_t j;

	free(r->sig);
	r->sig = NULL;
	if (append(&s, "", "|") != 0)
		return -1;
	for (j = 0; j < IMPACT_QI_COUNT; j++) {
		const char *v = x->qcol[j] >= 0 ? r->cell[x->qcol[j]] : NULL;

		snprintf(len, sizeof(len), "%zu:", v ? strlen(v) : 0);
		if (append(&s, "", v ? len : "-") != 0
		    || (v && append(&s, "", v) != 0)) {
			free(s);
			return -1;
		}
	}
	r->sig = s;
	return 0;
}

static int by_sig(const void *a, const void *b)
{
	const struct row *const *ra = a, *const *rb = b;

	return strcmp((*ra)->sig, (*rb)->sig);
}

static int by_line(const void *a, const void *b)
{
	const struct row *ra = a, *rb = b;

	return strcmp(ra->line, rb->line);
}

/* Mark the rows whose combination of quasi-identifiers fewer than k rows
 * share.  Returns the number of such rows, or -1 when out of memory. */
static long mark_unsafe(struct exporter *x, struct row *rows, size_t n)
{
	struct row **p = malloc((n ? n : 1) * sizeof(*p));
	size_t i, j, start;
	long unsafe = 0;

	if (!p)
		return -1;
	for (i = 0; i < n; i++) {
		if (signature(x, &rows[i]) != 0) {
			free(p);
			return -1;
		}
		p[i] = &rows[i];
	}
	qsort(p, n, sizeof(*p), by_sig);
	for (start = 0; start < n; start = i) {
		for (i = start; i < n && strcmp(p[i]->sig, p[start]->sig) == 0;
		     i++)
			;
		for (j = start; j < i; j++) {
			p[j]->unsafe = i - start < (size_t)x->k;
			unsafe += p[j]->unsafe;
		}
	}
	free(p);
	return unsafe;
}

/*
 * k-anonymity by local suppression (Sweeney 2002; the greedy order of
 * sdcMicro's localSuppression, with a fixed order of importance): while
 * some rows share their combination of quasi-identifiers with fewer than
 * k rows of the place-year, blank the next quasi-identifier (commune, age
 * band, activity status, sex) of those rows only.  A blank is a value
 * like any other: a row matches another only if both have the same blanks,
 * so a blanked row is hidden among k rows alike, not among every row that
 * could have had its value.  Rows still unsafe once all are blanked are
 * left out (*dropped).  Returns 0, or -1 when out of memory.
 */
static int anonymise(struct exporter *x, struct row *rows, size_t n,
                     size_t *dropped)
{
	static const int order[IMPACT_QI_COUNT] = {
		IMPACT_QI_COMMUNE, IMPACT_QI_AGE_BAND, IMPACT_QI_ACTIVITY_STATUS,
		IMPACT_QI_SEX
	};
	long unsafe = mark_unsafe(x, rows, n);
	size_t level, i;

	*dropped = 0;
	for (level = 0; unsafe > 0 && level < IMPACT_QI_COUNT; level++) {
		long c = x->qcol[order[level]];

		if (c < 0)
			continue;
		for (i = 0; i < n; i++) {
			if (!rows[i].unsafe || !rows[i].cell[c])
				continue;
			free(rows[i].cell[c]);
			rows[i].cell[c] = NULL;
			rows[i].blanked |= 1u << order[level];
		}
		unsafe = mark_unsafe(x, rows, n);
	}
	if (unsafe < 0)
		return -1;
	/* Blanks are counted in the rows written only. */
	for (i = 0; i < n; i++) {
		size_t q;

		*dropped += rows[i].unsafe;
		for (q = 0; q < IMPACT_QI_COUNT && !rows[i].unsafe; q++)
			if (rows[i].blanked & (1u << q)) {
				x->sum->blanked[q]++;
				x->sum->cells_blanked++;
			}
	}
	return 0;
}

/* Append field s to the line *p (quoted as RFC 4180 when needed). */
static int append_field(char **p, const char *s, int first)
{
	char *q;
	size_t a = *p ? strlen(*p) : 0, n = 0, i;

	if (!s)
		s = "";
	for (i = 0; s[i]; i++)
		n += s[i] == '"' ? 2 : 1;
	q = realloc(*p, a + n + 4);
	if (!q)
		return -1;
	*p = q;
	q += a;
	if (!first)
		*q++ = ',';
	if (strpbrk(s, ",\"\r\n")) {
		*q++ = '"';
		for (i = 0; s[i]; i++) {
			if (s[i] == '"')
				*q++ = '"';
			*q++ = s[i];
		}
		*q++ = '"';
	} else {
		memcpy(q, s, strlen(s));
		q += strlen(s);
	}
	*q = '\0';
	return 0;
}

/* Export one place-year into f. */
static int export_group(struct exporter *x, const struct group *g, FILE *f)
{
	struct row *rows = NULL;
	size_t n = 0, i, j, dropped = 0;
	char period[16];
	int rc = IMPACT_OK, step;


	rows = calloc(g->n ? g->n : 1, sizeof(*rows));
	if (!rows)
		return impact__error(x->h, IMPACT_ENOMEM, "out of memory");
	sqlite3_reset(x->resp);
	sqlite3_bind_int(x->resp, 2, g->period);
	sqlite3_bind_int64(x->resp, 3, g->place_id);
	while (rc == IMPACT_OK && n < g->n) {
		if ((step = sqlite3_step(x->resp)) != SQLITE_ROW) {
			if (step != SQLITE_DONE)
				rc = impact__db_error(x->h, "reading the "
				                      "respondents");
			break;
		}
		rc = load_row(x, sqlite3_column_int64(x->resp, 0), &rows[n++]);
	}
	if (rc != IMPACT_OK)
		goto done;
	if (anonymise(x, rows, n, &dropped) != 0) {
		rc = impact__error(x->h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	x->sum->rows_unique += dropped;
	snprintf(period, sizeof(period), "%d", g->period);
	for (i = 0; i < n; i++) {
		if (rows[i].unsafe)
			continue;
		if (append_field(&rows[i].line, period, 1)
		    || append_field(&rows[i].line, g->territory, 0)
		    || append_field(&rows[i].line, g->place, 0)) {
			rc = impact__error(x->h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		for (j = 0; j < x->ncol; j++)
			if (append_field(&rows[i].line, rows[i].cell[j], 0)) {
				rc = impact__error(x->h, IMPACT_ENOMEM,
				                   "out of memory");
				goto done;
			}
	}
	/* Sorted by content: the order of answering is not published. */
	for (i = 0, j = 0; i < n; i++)
		if (!rows[i].unsafe) {
			struct row t = rows[j];

			rows[j++] = rows[i];
			rows[i] = t;
		}
	qsort(rows, j, sizeof(*rows), by_line);
	for (i = 0; i < j; i++) {
		errno = 0;
		if (fprintf(f, "%s\r\n", rows[i].line) < 0) {
			x->werr = errno ? errno : EIO;
			rc = IMPACT_EIO;
			goto done;
		}
	}
	x->sum->rows_written += j;
done:
	rows_free(rows, n, x->ncol);
	return rc;
}

/* The place-years of survey sid (and year), with their respondents. */
static int load_groups(impact *h, long long sid, int period,
                       struct group **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = IMPACT_OK, step;

	*out = NULL;
	*n = 0;
	if ((rc = impact__prepare(h, &st, "SELECT r.period, r.place_id, p.code,"
	                          " t.code, count(*) FROM respondents r JOIN"
	                          " places p ON p.id = r.place_id JOIN"
	                          " territories t ON t.id = p.territory_id"
	                          " WHERE r.survey_id = ?1 AND (?2 = 0 OR"
	                          " r.period = ?2) GROUP BY r.period,"
	                          " r.place_id ORDER BY r.period, p.code;"))
	    != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, sid);
	sqlite3_bind_int(st, 2, period);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct group *g;

		if (*n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			struct group *p = realloc(*out, nc * sizeof(*p));

			if (!p) {
				rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
				break;
			}
			*out = p;
			cap = nc;
		}
		g = &(*out)[(*n)++];
		g->period = sqlite3_column_int(st, 0);
		g->place_id = sqlite3_column_int64(st, 1);
		g->place = strdup((const char *)sqlite3_column_text(st, 2));
		g->territory = strdup((const char *)sqlite3_column_text(st, 3));
		g->n = (size_t)sqlite3_column_int64(st, 4);
		if (!g->place || !g->territory) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			break;
		}
	}
	if (rc == IMPACT_OK && step != SQLITE_DONE)
		rc = impact__db_error(h, "reading the respondents");
	sqlite3_finalize(st);
	return rc;
}

/* The folder part of path, for messages ("." when none). */
static void folder_of(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, size, ".");
	else if (slash == path)
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%.*s", (int)(slash - path), path);
}

/* Record a failure to write `output`, errno `err`. */
static int write_error(impact *h, const char *output, int err)
{
	char dir[512];

	folder_of(output, dir, sizeof(dir));
	if (err == ENOENT || err == ENOTDIR)
		return impact__error(h, IMPACT_EIO, "cannot write '%s': the "
		                     "folder '%s' does not exist: create it, or "
		                     "choose another file with -o", output, dir);
	if (err == EACCES || err == EPERM || err == EROFS)
		return impact__error(h, IMPACT_EIO, "cannot write '%s': %s: "
		                     "choose a folder you may write to", output,
		                     strerror(err));
	if (err == ENOSPC || err == EFBIG || err == EDQUOT)
		return impact__error(h, IMPACT_EIO, "cannot write '%s': %s: "
		                     "free some space and export again (nothing "
		                     "was written)", output, strerror(err));
	return impact__error(h, IMPACT_EIO, "cannot write '%s': %s (nothing "
	                     "was written)", output, strerror(err));
}

int impact_export_anonymised(impact *h, const impact_export_opts *opts,
                             impact_export_summary *out)
{
	struct exporter x;
	impact_export_summary dummy;
	struct group *groups = NULL;
	size_t ng = 0, i, j;
	long long sid = 0;
	char *tmp = NULL;
	FILE *f = NULL;
	int rc, in_tx = 0, fd = -1;

	assert(h && opts && opts->output);
	impact__clear_error(h);
	if (!out)
		out = &dummy;
	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.h = h;
	x.sum = out;
	x.k = opts->k ? opts->k : IMPACT_MIN_PUBLISHED_N;
	out->k = x.k;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (x.k < IMPACT_MIN_PUBLISHED_N)
		return impact__error(h, IMPACT_EUSAGE, "k = %d is too small: "
		                     "groups of fewer than %d people are never "
		                     "published", x.k, IMPACT_MIN_PUBLISHED_N);
	if (opts->period < 0 || opts->period > 9999)
		return impact__error(h, IMPACT_EUSAGE, "invalid period %d: "
		                     "expected a year such as 2024", opts->period);
	/* One snapshot for the whole export. */
	if ((rc = impact__exec(h, "BEGIN;")) != IMPACT_OK)
		return rc;
	in_tx = 1;
	if ((rc = export_survey(h, opts->survey, &sid)) != IMPACT_OK
	    || (rc = load_columns(&x, sid)) != IMPACT_OK
	    || (rc = load_groups(h, sid, opts->period, &groups, &ng)) != 0)
		goto done;
	if (ng == 0) {
		if (opts->period)
			rc = impact__error(h, IMPACT_ENOTFOUND, "no answers to "
			                   "export for %d: see 'impact status'",
			                   opts->period);
		else
			rc = impact__error(h, IMPACT_ENOTFOUND, "no answers to "
			                   "export: import some with 'impact import "
			                   "answers'");
		goto done;
	}
	if ((rc = impact__prepare(h, &x.resp, "SELECT id FROM respondents WHERE"
	                          " survey_id = ?1 AND period = ?2 AND"
	                          " place_id = ?3 ORDER BY id;")) != 0
	    || (rc = impact__prepare(h, &x.ans, "SELECT a.question_id, a.value,"
	                             " c.code, a.text FROM answers a LEFT JOIN"
	                             " choices c ON c.id = a.choice_id WHERE"
	                             " a.respondent_id = ?1;")) != 0
	    || (rc = impact__prepare(h, &x.opt, "SELECT ac.question_id, c.code"
	                             " FROM answer_choices ac JOIN choices c ON"
	                             " c.id = ac.choice_id WHERE"
	                             " ac.respondent_id = ?1 ORDER BY"
	                             " ac.question_id, c.position;")) != 0)
		goto done;
	sqlite3_bind_int64(x.resp, 1, sid);
	/* A temporary file beside the output, renamed when complete. */
	tmp = malloc(strlen(opts->output) + 32);
	if (!tmp) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	for (j = 0; j < 100; j++) {
		snprintf(tmp, strlen(opts->output) + 32, "%s.tmp-%ld-%zu",
		         opts->output, (long)getpid(), j);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = write_error(h, opts->output, errno);
		free(tmp);
		tmp = NULL;
		goto done;
	}
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		rc = write_error(h, opts->output, errno);
		goto done;
	}
	/* Header. */
	{
		char *line = NULL;
		int bad = append_field(&line, "period", 1)
		          || append_field(&line, "territory", 0)
		          || append_field(&line, "place", 0);

		for (j = 0; !bad && j < x.ncol; j++)
			bad = append_field(&line, x.col[j].code, 0);
		if (bad) {
			free(line);
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		errno = 0;
		if (fprintf(f, "%s\r\n", line) < 0) {
			free(line);
			rc = write_error(h, opts->output, errno ? errno : EIO);
			goto done;
		}
		free(line);
	}
	for (i = 0; i < ng; i++) {
		out->respondents += groups[i].n;
		impact__progress(h, "export", i, ng);
		if (groups[i].n < (size_t)x.k) {
			out->groups_dropped++;
			out->rows_small_group += groups[i].n;
			continue;
		}
		if ((rc = export_group(&x, &groups[i], f)) != IMPACT_OK) {
			if (x.werr)
				rc = write_error(h, opts->output, x.werr);
			goto done;
		}
	}
	impact__progress(h, "export", ng, ng);
	errno = 0;
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		rc = write_error(h, opts->output, errno ? errno : EIO);
		goto done;
	}
	if (fclose(f) != 0) {
		f = NULL;
		rc = write_error(h, opts->output, errno);
		goto done;
	}
	f = NULL;
	if (rename(tmp, opts->output) != 0) {
		rc = write_error(h, opts->output, errno);
		goto done;
	}
	free(tmp);
	tmp = NULL;
	rc = IMPACT_OK;
done:
	if (f)
		fclose(f);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	sqlite3_finalize(x.resp);
	sqlite3_finalize(x.ans);
	sqlite3_finalize(x.opt);
	if (in_tx)
		rc = impact__end_tx(h, rc);
	for (i = 0; i < ng; i++) {
		free(groups[i].place);
		free(groups[i].territory);
	}
	free(groups);
	for (j = 0; j < x.ncol; j++)
		free(x.col[j].code);
	free(x.col);
	if (rc != IMPACT_OK) {
		size_t k = out->k;

		memset(out, 0, sizeof(*out));
		out->k = (int)k;
	}
	return rc;
}
