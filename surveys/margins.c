/*
 * surveys/margins.c: the importer of territories' population margins
 * (docs/formats.md, "margins CSV"), the totals survey weights are raked
 * to (docs/index.md, "Survey weights (raking)"): one row per territory,
 * variable (age band, sex, commune, activity status) and level, as INSEE
 * tables give them, totals written the way spreadsheets display them.
 *
 * Margins are reference data: all or nothing, the first bad row refuses
 * the file at its line and column and the database is left as it was.
 * Each row is stored in `margins`, replacing the total stored for the
 * same territory, variable and level.  A level names a choice of the
 * questionnaires' question with the variable's role ("18-29", "femme"):
 * when stored questions with that role have choices, the level must be
 * one of their codes, or fold (surveys/text.h) to a code or a label
 * ("Femme", "18 - 29"), and the code is stored, so that raking matches
 * respondents' answers; without such choices (the commune is free text,
 * or no questionnaire is stored yet) the level is stored as written.
 *
 * The state of one import is struct margins: the shared machinery of
 * surveys/import.h, the choices of each variable (struct level_ref) and
 * the keys already read (struct key_seen), to refuse a level given twice.
 * Read surveys/facts.c for the other importer of spreadsheet figures.
 */
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/context.h"
#include "impact/index.h"
#include "import.h"
#include "text.h"

/* Longest folded level kept (the fold buffer). */
#define KEY_SIZE 256

/* Longest level accepted, in bytes (a commune name fits). */
#define MAX_LEVEL 200

/* Reference-data error: refuse the whole file at line:column. */
#define REFUSE(im, ...) \
	impact__error((im)->h, IMPACT_EDATA, __VA_ARGS__)

/* The columns, in the order of cols[] in impact_import_margins(). */
enum { C_TERRITORY, C_VARIABLE, C_LEVEL, C_TOTAL, NCOLS };

/* The raking variables: margins.variable and questions.role. */
enum { V_AGE, V_SEX, V_COMMUNE, V_ACTIVITY, NVARS };

/* Names of each variable as a `variable` cell may give them, matched
 * like column names (impact__column_matches: case, accents, spacing and
 * punctuation ignored). */
static const column variables[NVARS] = {
	[V_AGE] = { "age_band", 0, -1, "tranche_age|tranche d'âge|âge|"
	            "classe d'âge|age band|age" },
	[V_SEX] = { "sex", 0, -1, "sexe|genre" },
	[V_COMMUNE] = { "commune", 0, -1, "municipality|ville" },
	[V_ACTIVITY] = { "activity_status", 0, -1, "situation|activité|"
	                 "situation professionnelle|statut d'activité|"
	                 "activity" },
};

/* One choice of a question with a raking role. */
struct level_ref {
	char *code;               /* choices.code (owned) */
	char *fcode;              /* folded code (owned) */
	char *flabel_fr;          /* folded French label (owned) */
	char *flabel_en;          /* folded English label (owned) */
};

/* The choices of one variable's questions, from every questionnaire. */
struct levels {
	struct level_ref *v;      /* n choices (owned array) */
	size_t n, cap;
};

/* A territory, variable and level read, for duplicates in the file. */
struct key_seen {
	long long territory;      /* territories.id */
	int var;                  /* V_* */
	char *level;              /* folded level (owned) */
	long long line;           /* where it was read */
};

/* The state of one margins import. */
struct margins {
	struct import im;
	column *cols;             /* NCOLS columns */
	struct levels levels[NVARS];
	struct key_seen *seen;    /* keys read (owned array) */
	size_t nseen, capseen;
	sqlite3_stmt *by_code;    /* SELECT id FROM territories ... */
	sqlite3_stmt *old;        /* SELECT total FROM margins ... */
	sqlite3_stmt *ins;        /* INSERT ... ON CONFLICT DO UPDATE */
	size_t replaced;          /* rows that changed a stored total */
};

/* ---------------------------------------------------------------- */
/* Totals                                                            */

/* ---------------------------------------------------------------- */
/* Levels                                                            */

/* Free the choices and the keys read; accepts lists never built. */
static void margins_release(struct margins *m)
{
	size_t i, k;

	for (k = 0; k < NVARS; k++) {
		for (i = 0; i < m->levels[k].n; i++) {
			free(m->levels[k].v[i].code);
			free(m->levels[k].v[i].fcode);
			free(m->levels[k].v[i].flabel_fr);
			free(m->levels[k].v[i].flabel_en);
		}
		free(m->levels[k].v);
	}
	for (i = 0; i < m->nseen; i++)
		free(m->seen[i].level);
	free(m->seen);
}

/* strdup() of `s` folded (impact__fold); NULL when out of memory. */
static char *fold_dup(const char *s)
{
	char key[KEY_SIZE];

	return strdup(impact__fold(key, sizeof(key), s ? s : ""));
}

/* Read the choices of every stored question with a raking role into
 * m->levels.  On failure the lists may be half built: release them. */
static int levels_load(struct margins *m)
{
	impact *h = m->im.h;
	sqlite3_stmt *st = NULL;
	int rc, step;

	if ((rc = impact__prepare(h, &st, "SELECT q.role, c.code, c.label_fr,"
	                          " c.label_en FROM choices c JOIN questions q"
	                          " ON q.id = c.question_id WHERE q.role IN"
	                          " ('age_band', 'sex', 'commune',"
	                          " 'activity_status') ORDER BY q.survey_id,"
	                          " q.id, c.position;")) != IMPACT_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *role = (const char *)sqlite3_column_text(st, 0);
		struct levels *l = NULL;
		struct level_ref *r;
		size_t k;

		for (k = 0; k < NVARS; k++)
			if (strcmp(variables[k].name, role) == 0)
				l = &m->levels[k];
		if (!l)
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 16;

			if (!(r = realloc(l->v, cap * sizeof(*r))))
				goto nomem;
			l->v = r;
			l->cap = cap;
		}
		r = &l->v[l->n++];
		memset(r, 0, sizeof(*r));
		if (!(r->code = strdup((const char *)sqlite3_column_text(st,
		                                                         1)))
		    || !(r->fcode = fold_dup(r->code))
		    || !(r->flabel_fr = fold_dup((const char *)
		                                 sqlite3_column_text(st, 2)))
		    || !(r->flabel_en = fold_dup((const char *)
		                                 sqlite3_column_text(st, 3))))
			goto nomem;
	}
	rc = step == SQLITE_DONE ? IMPACT_OK
	                         : impact__db_error(h, "reading the choices");
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	sqlite3_finalize(st);
	return rc;
}

/*
 * The level to store for `s` of variable `var`: with choices for that
 * variable, the code of the choice whose code is `s`, else whose code or
 * label folds like `s` (NULL when none); without choices, `s` itself.
 */
static const char *level_code(const struct margins *m, int var,
                              const char *s)
{
	const struct levels *l = &m->levels[var];
	char key[KEY_SIZE];
	size_t i;

	if (l->n == 0)
		return s;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, s) == 0)
			return l->v[i].code;
	impact__fold(key, sizeof(key), s);
	for (i = 0; i < l->n; i++)
		if (*key && (strcmp(l->v[i].fcode, key) == 0
		             || strcmp(l->v[i].flabel_fr, key) == 0
		             || strcmp(l->v[i].flabel_en, key) == 0))
			return l->v[i].code;
	return NULL;
}

/* Write the choice codes of variable `var`, ", "-joined and distinct,
 * into out (truncated with "..." when longer). */
static void level_list(const struct margins *m, int var, char *out,
                       size_t size)
{
	const struct levels *l = &m->levels[var];
	size_t i, j, used = 0;

	out[0] = '\0';
	for (i = 0; i < l->n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(l->v[j].code, l->v[i].code) == 0)
				break;
		if (j < i)
			continue;
		if (used + strlen(l->v[i].code) + 6 >= size) {
			snprintf(out + used, size - used, "%s...", used ? ", "
			                                                : "");
			return;
		}
		used += (size_t)snprintf(out + used, size - used, "%s%s",
		                         used ? ", " : "", l->v[i].code);
	}
}

/*
 * Remember the key (territory, var, level) read on the current line;
 * *line receives the line where it was read before, or 0 when it is new.
 */
static int key_add(struct margins *m, long long territory, int var,
                   const char *level, long long *line)
{
	struct key_seen *s;
	char key[KEY_SIZE];
	size_t i;

	impact__fold(key, sizeof(key), level);
	*line = 0;
	/* Linear: a territory's margins are a few hundred rows at most. */
	for (i = 0; i < m->nseen; i++)
		if (m->seen[i].territory == territory && m->seen[i].var == var
		    && strcmp(m->seen[i].level, key) == 0) {
			*line = m->seen[i].line;
			return IMPACT_OK;
		}
	if (m->nseen == m->capseen) {
		size_t cap = m->capseen ? 2 * m->capseen : 64;

		if (!(s = realloc(m->seen, cap * sizeof(*s))))
			return impact__error(m->im.h, IMPACT_ENOMEM,
			                     "out of memory");
		m->seen = s;
		m->capseen = cap;
	}
	s = &m->seen[m->nseen];
	if (!(s->level = strdup(key)))
		return impact__error(m->im.h, IMPACT_ENOMEM, "out of memory");
	s->territory = territory;
	s->var = var;
	s->line = m->im.rec.line;
	m->nseen++;
	return IMPACT_OK;
}

/* ---------------------------------------------------------------- */
/* Rows                                                              */

/*
 * Check the current record and store it, or refuse the file at the
 * first bad field with "FILE:LINE:COLUMN: reason".
 */
static int row(struct margins *m)
{
	struct import *im = &m->im;
	const column *cols = m->cols;
	const char *terr, *var_s, *level_s, *total_s, *level;
	char list[400];
	long long tid = 0, before;
	double total, old = 0;
	int var, step, rc, changed;

	if (!impact__check_width(im, list, sizeof(list)))
		return REFUSE(im, "%s:%lld:1: %s", im->name, im->rec.line, list);
	terr = impact__field(im, &cols[C_TERRITORY]);
	if ((rc = impact__lookup_id(im->h, m->by_code, terr, &tid)) != 0)
		return rc;
	if (!tid)
		return REFUSE(im, "%s:%lld:%ld: %s%.64s%s: expected the code "
		              "of a territory of the register (import it with "
		              "'impact import territories')", im->name,
		              im->rec.line, cols[C_TERRITORY].index + 1,
		              *terr ? "unknown territory \"" : "missing "
		              "territory", terr, *terr ? "\"" : "");
	var_s = impact__field(im, &cols[C_VARIABLE]);
	for (var = 0; var < NVARS; var++)
		if (impact__column_matches(&variables[var], var_s))
			break;
	if (var == NVARS)
		return REFUSE(im, "%s:%lld:%ld: %s%.64s%s: expected age_band "
		              "(tranche_age), sex (sexe), commune or "
		              "activity_status (situation)", im->name,
		              im->rec.line, cols[C_VARIABLE].index + 1,
		              *var_s ? "unknown variable \"" : "missing "
		              "variable", var_s, *var_s ? "\"" : "");
	level_s = impact__field(im, &cols[C_LEVEL]);
	if (!*level_s || strlen(level_s) > MAX_LEVEL)
		return REFUSE(im, "%s:%lld:%ld: %s level: expected the choice "
		              "code of the %s question (or a commune's name), "
		              "at most %d bytes", im->name, im->rec.line,
		              cols[C_LEVEL].index + 1,
		              *level_s ? "too long a" : "missing",
		              variables[var].name, MAX_LEVEL);
	if (!(level = level_code(m, var, level_s))) {
		level_list(m, var, list, sizeof(list));
		return REFUSE(im, "%s:%lld:%ld: level \"%.64s\" is not a choice "
		              "of the questionnaires' %s question: expected one "
		              "of %s", im->name, im->rec.line,
		              cols[C_LEVEL].index + 1, level_s,
		              variables[var].name, list);
	}
	total_s = impact__field(im, &cols[C_TOTAL]);
	if (impact__parse_amount(total_s, &total) != 1 || !(total > 0))
		return REFUSE(im, "%s:%lld:%ld: %s%.32s%s: expected a number "
		              "of people above 0, such as 12 500 or 1 234,5",
		              im->name, im->rec.line, cols[C_TOTAL].index + 1,
		              *total_s ? "invalid total \"" : "missing total",
		              total_s, *total_s ? "\"" : "");
	if ((rc = key_add(m, tid, var, level, &before)) != IMPACT_OK)
		return rc;
	if (before)
		return REFUSE(im, "%s:%lld:%ld: level \"%.64s\" of %s for "
		              "territory \"%s\" is already given on line %lld",
		              im->name, im->rec.line, cols[C_LEVEL].index + 1,
		              level_s, variables[var].name, terr, before);

	sqlite3_reset(m->old);
	sqlite3_bind_int64(m->old, 1, tid);
	sqlite3_bind_text(m->old, 2, variables[var].name, -1, SQLITE_STATIC);
	sqlite3_bind_text(m->old, 3, level, -1, SQLITE_STATIC);
	step = sqlite3_step(m->old);
	if (step == SQLITE_ROW)
		old = sqlite3_column_double(m->old, 0);
	else if (step != SQLITE_DONE)
		return impact__db_error(im->h, "reading a stored margin");
	changed = step == SQLITE_ROW && old != total;
	sqlite3_reset(m->old);
	sqlite3_reset(m->ins);
	sqlite3_bind_int64(m->ins, 1, tid);
	sqlite3_bind_text(m->ins, 2, variables[var].name, -1, SQLITE_STATIC);
	sqlite3_bind_text(m->ins, 3, level, -1, SQLITE_STATIC);
	sqlite3_bind_double(m->ins, 4, total);
	sqlite3_bind_int64(m->ins, 5, im->import_id);
	if (sqlite3_step(m->ins) != SQLITE_DONE)
		return impact__db_error(im->h, "storing a margin");
	sqlite3_reset(m->ins);
	if (changed)
		m->replaced++;
	return IMPACT_OK;
}

/*
 * Import a territory's population margins (see impact/index.h): map the
 * header, then check and store each row.  One transaction, all or
 * nothing.
 */
int impact_import_margins(impact *h, const char *path,
                          const impact_import_opts *opts,
                          impact_import_summary *out)
{
	struct margins m;
	impact_import_summary dummy;
	column cols[NCOLS] = {
		[C_TERRITORY] = { "territory", 1, -1, "territoire|code "
		                  "territoire|territory code" },
		[C_VARIABLE] = { "variable", 1, -1, "variable de calage|"
		                 "dimension" },
		[C_LEVEL] = { "level", 1, -1, "modalité|niveau|catégorie" },
		[C_TOTAL] = { "total", 1, -1, "effectif|effectifs|population" }
	};
	size_t used;
	int rc;

	assert(h && path);
	impact__clear_error(h);
	memset(&m, 0, sizeof(m));
	m.cols = cols;
	if (!out)
		out = &dummy;
	rc = impact__import_begin(&m.im, h, path, "margins", 0, opts, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = impact__map_header(&m.im, cols, NCOLS, NULL, NULL)) != 0
	    || (rc = levels_load(&m)) != IMPACT_OK)
		goto done;
	if ((rc = impact__prepare(h, &m.by_code, "SELECT id FROM territories"
	                          " WHERE code = ?1;")) != IMPACT_OK
	    || (rc = impact__prepare(h, &m.old, "SELECT total FROM margins"
	                             " WHERE territory_id = ?1 AND"
	                             " variable = ?2 AND level = ?3;")) != 0
	    || (rc = impact__prepare(h, &m.ins, "INSERT INTO margins"
	                             " (territory_id, variable, level, total,"
	                             " import_id) VALUES (?1, ?2, ?3, ?4, ?5)"
	                             " ON CONFLICT (territory_id, variable,"
	                             " level) DO UPDATE SET"
	                             " total = excluded.total,"
	                             " import_id = excluded.import_id;")) != 0)
		goto done;
	while ((rc = impact__csv_next(h, m.im.csv, &m.im.rec)) == 1) {
		if (++out->rows_read % 1000 == 0)
			impact__import_progress(&m.im, "margins");
		if ((rc = row(&m)) != IMPACT_OK)
			goto done;
		out->rows_loaded++;
	}
	if (rc < 0)
		goto done;
	rc = IMPACT_OK;
	used = strlen(out->notes);
	snprintf(out->notes + used, sizeof(out->notes) - used,
	         "%s%zu margins stored, %zu replacing a different total",
	         used ? "; " : "", out->rows_loaded, m.replaced);
done:
	sqlite3_finalize(m.by_code);
	sqlite3_finalize(m.old);
	sqlite3_finalize(m.ins);
	margins_release(&m);
	return impact__import_end(&m.im, rc);
}
