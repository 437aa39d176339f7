/*
 * surveys/survey.c: questionnaire definitions (JSON, docs/formats.md,
 * "Questionnaire (JSON)").
 *
 * impact_survey_add() reads the file, parses it with jansson, checks every
 * key and value into an array of `struct question` (strings borrowed from
 * the jansson tree), then stores the survey, its questions, their aliases
 * and their choices in one transaction.  The JSON text itself is kept in
 * surveys.definition, so the definition a result was computed from can
 * always be read back, and a byte-identical file added again is a no-op.
 *
 * Every refusal reads "FILE:LINE:COLUMN: questions[3].max: problem".
 * jansson gives the position of syntax errors; for a value that parses but
 * is wrong, the position comes from a second, lightweight reading of the
 * text (surveys/jsonpos.c) built only when an error is reported: the
 * position is that of the offending value, of the key for an unknown key,
 * and of the enclosing object for a missing key.  Column names (ids and
 * aliases) are compared after impact__fold() (surveys/text.c), the way
 * the answers importer matches headers, so two names that fold alike are
 * refused here rather than found ambiguous at import time.
 *
 * Read next: surveys/template.c (the CSV template made from a stored
 * survey), then the answers importer.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../engine/context.h"
#include "impact/surveys.h"
#include "jsondef.h"
#include "text.h"


/* One choice of a `single` or `multiple` question. */
struct choice {
	const char *code;      /* borrowed from the JSON tree */
	const char *fr, *en;   /* label; en may be NULL */
	int has_value;         /* a "value" was given */
	double value;          /* its number */
};

/* One checked question; strings borrowed from the JSON tree. */
struct question {
	const char *id;
	const char *fr, *en;         /* label; en may be NULL */
	const char *kind;            /* one of types[] */
	const char *domain;          /* or NULL */
	const char *importance_of;   /* or NULL */
	const char *role;            /* or NULL */
	int required;                /* 0 or 1 */
	int has_min, has_max;        /* bounds stored (else NULL) */
	double min, max;
	char *fid;                   /* id folded (owned) */
	struct choice *choices;      /* nchoices (owned array) */
	size_t nchoices;
	const char **aliases;        /* naliases (owned array) */
	char **faliases;             /* the aliases folded (owned) */
	size_t naliases;
};

/* The state of one impact_survey_add() check. */
struct ctx {
	impact__jdef j;         /* the file, its text, error positions */
};

static const char *const types[] = { "scale", "rating", "yesno", "single",
                                     "multiple", "number", "date", "text",
                                     NULL };
static const char *const roles[] = { "place", "respondent", "date",
                                     "age_band", "sex", "commune",
                                     "activity_status", NULL };

/* A heap copy of `s` folded by impact__fold(), or NULL when out of
 * memory (the caller frees). */
static char *fold_dup(const char *s)
{
	size_t size = 2 * strlen(s) + 1;
	char *out = malloc(size);

	return out ? impact__fold(out, size, s) : NULL;
}

/* Free the owned parts of n questions, and the array. */
static void questions_free(struct question *qs, size_t n)
{
	size_t i, k;

	for (i = 0; qs && i < n; i++) {
		free(qs[i].fid);
		free(qs[i].choices);
		for (k = 0; k < qs[i].naliases; k++)
			free(qs[i].faliases[k]);
		free(qs[i].faliases);
		free(qs[i].aliases);
	}
	free(qs);
}

/*
 * Check the bounds of question q (JSON object `o` at pointer `ptr`)
 * against its type and set q->has_min/min/has_max/max: scale needs both,
 * number may have either, rating is 0..10 and yesno 0..1 implied, the
 * others refuse them (single gets its bounds from its choices later).
 */
static int bounds(struct ctx *c, const char *ptr, json_t *o,
                  struct question *q)
{
	json_t *mn = json_object_get(o, "min"), *mx = json_object_get(o, "max");
	char sub[IMPACT__JD_MAX_PTR];
	const char *why = NULL;

	if (strcmp(q->kind, "rating") == 0) {
		q->has_min = q->has_max = 1;
		q->min = 0;
		q->max = 10;
		why = "a rating is always 0 to 10";
	} else if (strcmp(q->kind, "yesno") == 0) {
		q->has_min = q->has_max = 1;
		q->min = 0;
		q->max = 1;
		why = "yes and no are stored as 1 and 0";
	} else if (strcmp(q->kind, "single") == 0) {
		why = "a single choice takes its bounds from its choices' "
		      "values";
	} else if (strcmp(q->kind, "scale") && strcmp(q->kind, "number")) {
		why = "only \"scale\" and \"number\" questions have bounds";
	}
	if (why && (mn || mx)) {
		impact__jd_ptrf(sub, "%s/%s", ptr, mn ? "min" : "max");
		return impact__jd_bad_at(&c->j, sub, 1, sub, "not allowed for a \"%s\" "
		              "question (%s)", q->kind, why);
	}
	if (why)
		return IMPACT_OK;
	if (strcmp(q->kind, "scale") == 0 && (!mn || !mx))
		return impact__jd_bad(&c->j, ptr, "\"%s\" is required for a \"scale\" question",
		           mn ? "max" : "min");
	impact__jd_ptrf(sub, "%s/min", ptr);
	if (mn && !json_is_number(mn))
		return impact__jd_bad(&c->j, sub, "expected a number");
	impact__jd_ptrf(sub, "%s/max", ptr);
	if (mx && !json_is_number(mx))
		return impact__jd_bad(&c->j, sub, "expected a number");
	q->has_min = mn != NULL;
	q->has_max = mx != NULL;
	q->min = mn ? json_number_value(mn) : 0;
	q->max = mx ? json_number_value(mx) : 0;
	if (mn && mx && !(q->min < q->max))
		return impact__jd_bad(&c->j, sub, "must be greater than min (here %g <= %g)",
		           q->max, q->min);
	return IMPACT_OK;
}

/*
 * Check the choices of question q (object `o` at `ptr`): required and
 * non-empty for single and multiple, refused otherwise; codes and French
 * labels unique in the question (case, accents and spacing aside, as the
 * importer matches them); a multiple-choice code may not hold ';', the
 * separator of several codes in one cell.  A single choice with values
 * gets min and max from the smallest and largest; some of its choices may
 * have no value ("Ne sait pas": stored, but outside the score), but the
 * values given must not all be equal (min < max).
 */
static int choices(struct ctx *c, const char *ptr, json_t *o,
                   struct question *q)
{
	static const char *const keys[] = { "code", "label", "value", NULL };
	json_t *arr = json_object_get(o, "choices");
	char sub[IMPACT__JD_MAX_PTR], cp[IMPACT__JD_MAX_PTR];
	char **fcodes = NULL, **flabels = NULL;
	int choosing = strcmp(q->kind, "single") == 0
	               || strcmp(q->kind, "multiple") == 0;
	size_t n, k, j;
	int rc = IMPACT_OK, valued = 0;

	impact__jd_ptrf(sub, "%s/choices", ptr);
	if (!choosing && arr)
		return impact__jd_bad_at(&c->j, sub, 1, sub, "only \"single\" and "
		              "\"multiple\" questions have choices");
	if (!choosing)
		return IMPACT_OK;
	if (!arr)
		return impact__jd_bad(&c->j, ptr, "\"choices\" is required for a \"%s\" "
		           "question", q->kind);
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return impact__jd_bad(&c->j, sub, "expected a non-empty array of choices");
	n = json_array_size(arr);
	q->choices = calloc(n, sizeof(*q->choices));
	fcodes = calloc(n, sizeof(*fcodes));
	flabels = calloc(n, sizeof(*flabels));
	if (!q->choices || !fcodes || !flabels) {
		rc = impact__error(c->j.h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	q->nchoices = n;
	for (k = 0; k < n; k++) {
		struct choice *ch = &q->choices[k];
		json_t *e = json_array_get(arr, k), *v;

		impact__jd_ptrf(cp, "%s/%zu", sub, k);
		if (!json_is_object(e)) {
			rc = impact__jd_bad(&c->j, cp, "expected an object {\"code\", \"label\", "
			         "\"value\"}");
			goto done;
		}
		if ((rc = impact__jd_only_keys(&c->j, cp, e, keys)) != IMPACT_OK)
			goto done;
		if (!(v = json_object_get(e, "code"))) {
			rc = impact__jd_bad(&c->j, cp, "\"code\" is required");
			goto done;
		}
		impact__jd_ptrf(cp, "%s/%zu/code", sub, k);
		if (!json_is_string(v) || json_string_length(v) == 0) {
			rc = impact__jd_bad(&c->j, cp, "expected a non-empty string");
			goto done;
		}
		ch->code = json_string_value(v);
		if (strcmp(q->kind, "multiple") == 0 && strchr(ch->code, ';')) {
			rc = impact__jd_bad(&c->j, cp, "\"%s\": a code of a multiple choice "
			         "cannot hold ';' (it separates the codes "
			         "chosen)", ch->code);
			goto done;
		}
		if (!(fcodes[k] = fold_dup(ch->code))) {
			rc = impact__error(c->j.h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		for (j = 0; j < k; j++)
			if (strcmp(fcodes[j], fcodes[k]) == 0) {
				rc = impact__jd_bad(&c->j, cp, "\"%s\" is already the code of "
				         "choices[%zu]%s", ch->code, j,
				         strcmp(q->choices[j].code, ch->code)
				         ? " (case, accents and spacing aside)"
				         : "");
				goto done;
			}
		impact__jd_ptrf(cp, "%s/%zu", sub, k);
		if (!(v = json_object_get(e, "label"))) {
			rc = impact__jd_bad(&c->j, cp, "\"label\" is required");
			goto done;
		}
		impact__jd_ptrf(cp, "%s/%zu/label", sub, k);
		if ((rc = impact__jd_label(&c->j, cp, v, &ch->fr, &ch->en)) != IMPACT_OK)
			goto done;
		if (!(flabels[k] = fold_dup(ch->fr))) {
			rc = impact__error(c->j.h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		for (j = 0; j < k; j++)
			if (strcmp(flabels[j], flabels[k]) == 0) {
				impact__jd_ptrf(cp, "%s/%zu/label/fr", sub, k);
				rc = impact__jd_bad(&c->j, cp, "\"%s\" is already the label of "
				         "choices[%zu]", ch->fr, j);
				goto done;
			}
		if ((v = json_object_get(e, "value"))) {
			impact__jd_ptrf(cp, "%s/%zu/value", sub, k);
			if (!json_is_number(v)) {
				rc = impact__jd_bad(&c->j, cp, "expected a number");
				goto done;
			}
			ch->has_value = 1;
			ch->value = json_number_value(v);
			if (!valued || ch->value < q->min)
				q->min = ch->value;
			if (!valued || ch->value > q->max)
				q->max = ch->value;
			valued++;
		}
	}
	if (strcmp(q->kind, "single") == 0 && valued) {
		if (!(q->min < q->max)) {
			rc = impact__jd_bad(&c->j, sub, "the choices' values must not all be "
			         "equal (here all %g): give two values at least, "
			         "or none", q->min);
			goto done;
		}
		q->has_min = q->has_max = 1;
	}
done:
	for (k = 0; k < n; k++) {
		if (fcodes)
			free(fcodes[k]);
		if (flabels)
			free(flabels[k]);
	}
	free(fcodes);
	free(flabels);
	return rc;
}

/*
 * Check the aliases of question q (object `o` at `ptr`): an array of
 * strings, each with a letter or digit, none folding like another alias
 * of the same question.  Clashes with other questions are checked by
 * names_clash().
 */
static int aliases(struct ctx *c, const char *ptr, json_t *o,
                   struct question *q)
{
	json_t *arr = json_object_get(o, "aliases");
	char sub[IMPACT__JD_MAX_PTR];
	size_t n, k, j;

	if (!arr)
		return IMPACT_OK;
	impact__jd_ptrf(sub, "%s/aliases", ptr);
	if (!json_is_array(arr))
		return impact__jd_bad(&c->j, sub, "expected an array of column names");
	n = json_array_size(arr);
	if (n == 0)
		return IMPACT_OK;
	q->aliases = calloc(n, sizeof(*q->aliases));
	q->faliases = calloc(n, sizeof(*q->faliases));
	if (!q->aliases || !q->faliases)
		return impact__error(c->j.h, IMPACT_ENOMEM, "out of memory");
	for (k = 0; k < n; k++) {
		json_t *v = json_array_get(arr, k);

		impact__jd_ptrf(sub, "%s/aliases/%zu", ptr, k);
		if (!json_is_string(v) || json_string_length(v) == 0)
			return impact__jd_bad(&c->j, sub, "expected a non-empty string");
		q->aliases[k] = json_string_value(v);
		if (!(q->faliases[k] = fold_dup(q->aliases[k])))
			return impact__error(c->j.h, IMPACT_ENOMEM,
			                     "out of memory");
		q->naliases = k + 1;
		if (!q->faliases[k][0])
			return impact__jd_bad(&c->j, sub, "\"%s\": a column name needs a letter "
			           "or a digit", q->aliases[k]);
		for (j = 0; j < k; j++)
			if (strcmp(q->faliases[j], q->faliases[k]) == 0)
				return impact__jd_bad(&c->j, sub, "\"%s\" is already aliases[%zu]"
				           "%s", q->aliases[k], j,
				           strcmp(q->aliases[j], q->aliases[k])
				           ? " (case, accents and spacing aside)"
				           : "");
	}
	return IMPACT_OK;
}

/*
 * Check that the column names of question i (its id and aliases) do not
 * fold like those of an earlier question: a header must name one
 * question only.  Each clash is reported at the later name.
 */
static int names_clash(struct ctx *c, struct question *qs, size_t i)
{
	const struct question *q = &qs[i];
	char sub[IMPACT__JD_MAX_PTR];
	size_t j, k, m;
	const char *aside;

	for (j = 0; j < i; j++) {
		const struct question *p = &qs[j];

		impact__jd_ptrf(sub, "/questions/%zu/id", i);
		aside = strcmp(p->id, q->id) ? " (case, accents and spacing "
		                               "aside)" : "";
		if (strcmp(p->fid, q->fid) == 0)
			return impact__jd_bad(&c->j, sub, "\"%s\" is already questions[%zu].id"
			           "%s", q->id, j, aside);
		for (m = 0; m < p->naliases; m++)
			if (strcmp(p->faliases[m], q->fid) == 0)
				return impact__jd_bad(&c->j, sub, "\"%s\" is already an alias of "
				           "questions[%zu] (\"%s\")", q->id, j,
				           p->aliases[m]);
		for (k = 0; k < q->naliases; k++) {
			impact__jd_ptrf(sub, "/questions/%zu/aliases/%zu",
			         i, k);
			if (strcmp(q->faliases[k], p->fid) == 0)
				return impact__jd_bad(&c->j, sub, "\"%s\" is the id of questions"
				           "[%zu] (\"%s\"): a column name must "
				           "name one question", q->aliases[k], j,
				           p->id);
			for (m = 0; m < p->naliases; m++)
				if (strcmp(p->faliases[m], q->faliases[k]) == 0)
					return impact__jd_bad(&c->j, sub, "\"%s\" is already an "
					           "alias of questions[%zu] "
					           "(\"%s\")", q->aliases[k], j,
					           p->aliases[m]);
		}
	}
	return IMPACT_OK;
}

/*
 * Check question i (JSON `o`) into qs[i], given the questions before it:
 * keys, id, label, type, bounds, choices, domain, importance_of,
 * required, aliases and role, and the rules between questions (unique
 * column names, each role and each importance_of once).
 */
static int question(struct ctx *c, json_t *o, struct question *qs, size_t i)
{
	static const char *const keys[] = { "id", "label", "type", "min",
	                                    "max", "choices", "domain",
	                                    "importance_of", "required",
	                                    "aliases", "role", NULL };
	struct question *q = &qs[i];
	char ptr[IMPACT__JD_MAX_PTR], sub[IMPACT__JD_MAX_PTR];
	json_t *v;
	size_t j;
	int rc;

	impact__jd_ptrf(ptr, "/questions/%zu", i);
	if (!json_is_object(o))
		return impact__jd_bad(&c->j, ptr, "expected an object with id, label and "
		           "type");
	if ((rc = impact__jd_only_keys(&c->j, ptr, o, keys)) != IMPACT_OK)
		return rc;
	/* id */
	if (!(v = json_object_get(o, "id")))
		return impact__jd_bad(&c->j, ptr, "\"id\" is required");
	impact__jd_ptrf(sub, "%s/id", ptr);
	if ((rc = impact__jd_id_value(&c->j, sub, v, "a column name", &q->id)) != IMPACT_OK)
		return rc;
	if (!(q->fid = fold_dup(q->id)))
		return impact__error(c->j.h, IMPACT_ENOMEM, "out of memory");
	/* label */
	if (!(v = json_object_get(o, "label")))
		return impact__jd_bad(&c->j, ptr, "\"label\" is required");
	impact__jd_ptrf(sub, "%s/label", ptr);
	if ((rc = impact__jd_label(&c->j, sub, v, &q->fr, &q->en)) != IMPACT_OK)
		return rc;
	/* type, bounds, choices */
	if (!(v = json_object_get(o, "type")))
		return impact__jd_bad(&c->j, ptr, "\"type\" is required");
	impact__jd_ptrf(sub, "%s/type", ptr);
	if (!json_is_string(v) || !impact__jd_in_list(json_string_value(v), types))
		return impact__jd_bad(&c->j, sub, "expected one of \"scale\", \"rating\", "
		           "\"yesno\", \"single\", \"multiple\", \"number\", "
		           "\"date\", \"text\"");
	q->kind = json_string_value(v);
	if ((rc = bounds(c, ptr, o, q)) != IMPACT_OK)
		return rc;
	if ((rc = choices(c, ptr, o, q)) != IMPACT_OK)
		return rc;
	/* domain */
	if ((v = json_object_get(o, "domain"))) {
		impact__jd_ptrf(sub, "%s/domain", ptr);
		if ((rc = impact__jd_id_value(&c->j, sub, v, "a short word such as \"health\"",
		                   &q->domain)) != IMPACT_OK)
			return rc;
		if (strcmp(q->kind, "multiple") == 0
		    || strcmp(q->kind, "date") == 0
		    || strcmp(q->kind, "text") == 0)
			return impact__jd_bad(&c->j, sub, "a \"%s\" question cannot count in a "
			           "well-being domain (its answers are not "
			           "numbers)", q->kind);
	}
	/* importance_of */
	if ((v = json_object_get(o, "importance_of"))) {
		impact__jd_ptrf(sub, "%s/importance_of", ptr);
		if ((rc = impact__jd_id_value(&c->j, sub, v, "a domain such as \"health\"",
		                   &q->importance_of)) != IMPACT_OK)
			return rc;
		if (strcmp(q->kind, "rating") && strcmp(q->kind, "scale"))
			return impact__jd_bad(&c->j, sub, "only for a \"rating\" or \"scale\" "
			           "question (this one is \"%s\")", q->kind);
		if (q->domain)
			return impact__jd_bad(&c->j, sub, "a question asking the importance of "
			           "a domain cannot itself have a \"domain\"");
		for (j = 0; j < i; j++)
			if (qs[j].importance_of
			    && strcmp(qs[j].importance_of, q->importance_of) == 0)
				return impact__jd_bad(&c->j, sub, "the importance of \"%s\" is "
				           "already asked by questions[%zu]",
				           q->importance_of, j);
	}
	/* required */
	if ((v = json_object_get(o, "required"))) {
		impact__jd_ptrf(sub, "%s/required", ptr);
		if (!json_is_boolean(v))
			return impact__jd_bad(&c->j, sub, "expected true or false");
		q->required = json_is_true(v);
	}
	/* aliases, then names against the earlier questions */
	if ((rc = aliases(c, ptr, o, q)) != IMPACT_OK)
		return rc;
	if ((rc = names_clash(c, qs, i)) != IMPACT_OK)
		return rc;
	/* role */
	if ((v = json_object_get(o, "role"))) {
		impact__jd_ptrf(sub, "%s/role", ptr);
		if (!json_is_string(v) || !impact__jd_in_list(json_string_value(v), roles))
			return impact__jd_bad(&c->j, sub, "expected one of \"place\", "
			           "\"respondent\", \"date\", \"age_band\", "
			           "\"sex\", \"commune\", \"activity_status\"");
		q->role = json_string_value(v);
		for (j = 0; j < i; j++)
			if (qs[j].role && strcmp(qs[j].role, q->role) == 0)
				return impact__jd_bad(&c->j, sub, "role \"%s\" is already given to "
				           "questions[%zu] (\"%s\"): each role at "
				           "most once", q->role, j, qs[j].id);
		if (strcmp(q->role, "respondent") == 0
		    && strcmp(q->kind, "text"))
			return impact__jd_bad(&c->j, sub, "the \"respondent\" question must have "
			           "type \"text\" (this one is \"%s\")", q->kind);
		if (strcmp(q->role, "date") == 0 && strcmp(q->kind, "date"))
			return impact__jd_bad(&c->j, sub, "the \"date\" question must have type "
			           "\"date\" (this one is \"%s\")", q->kind);
		if (strcmp(q->role, "place") == 0 && strcmp(q->kind, "text")
		    && strcmp(q->kind, "single"))
			return impact__jd_bad(&c->j, sub, "the \"place\" question must have type "
			           "\"text\" or \"single\" (this one is \"%s\")",
			           q->kind);
	}
	return IMPACT_OK;
}

/*
 * Check the whole definition `root` into *out (n questions, owned by the
 * caller, freed with questions_free() even on failure), with its id and
 * title.  An importance_of must name a domain some question measures.
 */
static int check(struct ctx *c, json_t *root, const char **code,
                 const char **title_fr, const char **title_en,
                 struct question **out, size_t *nout)
{
	static const char *const keys[] = { "id", "title", "questions",
	                                    NULL };
	struct question *qs;
	json_t *arr;
	size_t n, i, j;
	int rc;

	*out = NULL;
	*nout = 0;
	if ((rc = impact__jd_head(&c->j, root, keys, "questions", "the questionnaire's id", code,
	                          title_fr, title_en)) != IMPACT_OK)
		return rc;
	if (!(arr = json_object_get(root, "questions")))
		return impact__jd_bad(&c->j, "", "\"questions\" is required");
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return impact__jd_bad(&c->j, "/questions", "expected a non-empty array of "
		           "questions");
	n = json_array_size(arr);
	if (!(qs = calloc(n, sizeof(*qs))))
		return impact__error(c->j.h, IMPACT_ENOMEM, "out of memory");
	*out = qs;
	*nout = n;
	for (i = 0; i < n; i++)
		if ((rc = question(c, json_array_get(arr, i), qs, i)) != 0)
			return rc;
	for (i = 0; i < n; i++) {
		char sub[IMPACT__JD_MAX_PTR];

		if (!qs[i].importance_of)
			continue;
		for (j = 0; j < n; j++)
			if (qs[j].domain
			    && strcmp(qs[j].domain, qs[i].importance_of) == 0)
				break;
		if (j == n) {
			impact__jd_ptrf(sub, "/questions/%zu/importance_of",
			         i);
			return impact__jd_bad(&c->j, sub, "no question has domain \"%s\"",
			           qs[i].importance_of);
		}
	}
	return IMPACT_OK;
}

/* Bind a string, or NULL when s is NULL (s must outlive the step). */
static void bind_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s)
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

/*
 * Store the checked questions of survey `sid`: questions, their aliases
 * and their choices.  Runs inside the caller's transaction.
 */
static int store_questions(impact *h, long long sid,
                           const struct question *qs, size_t n)
{
	sqlite3_stmt *sq = NULL, *sa = NULL, *sc = NULL;
	size_t i, k;
	int rc;

	if ((rc = impact__prepare(h, &sq, "INSERT INTO questions (survey_id,"
	                          " code, position, label_fr, label_en, kind,"
	                          " min, max, domain, importance_of, required,"
	                          " role) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	                          " ?8, ?9, ?10, ?11, ?12);")) != IMPACT_OK)
		goto done;
	if ((rc = impact__prepare(h, &sa, "INSERT INTO question_aliases"
	                          " (question_id, alias) VALUES (?1, ?2);"))
	    != IMPACT_OK)
		goto done;
	if ((rc = impact__prepare(h, &sc, "INSERT INTO choices (question_id,"
	                          " code, position, label_fr, label_en, value)"
	                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6);"))
	    != IMPACT_OK)
		goto done;
	for (i = 0; i < n; i++) {
		const struct question *q = &qs[i];
		long long qid;

		sqlite3_reset(sq);
		sqlite3_bind_int64(sq, 1, sid);
		sqlite3_bind_text(sq, 2, q->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(sq, 3, (long long)i + 1);
		sqlite3_bind_text(sq, 4, q->fr, -1, SQLITE_STATIC);
		bind_text(sq, 5, q->en);
		sqlite3_bind_text(sq, 6, q->kind, -1, SQLITE_STATIC);
		if (q->has_min)
			sqlite3_bind_double(sq, 7, q->min);
		else
			sqlite3_bind_null(sq, 7);
		if (q->has_max)
			sqlite3_bind_double(sq, 8, q->max);
		else
			sqlite3_bind_null(sq, 8);
		bind_text(sq, 9, q->domain);
		bind_text(sq, 10, q->importance_of);
		sqlite3_bind_int(sq, 11, q->required);
		bind_text(sq, 12, q->role);
		if (sqlite3_step(sq) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing a question");
			goto done;
		}
		qid = sqlite3_last_insert_rowid(h->db);
		for (k = 0; k < q->naliases; k++) {
			sqlite3_reset(sa);
			sqlite3_bind_int64(sa, 1, qid);
			sqlite3_bind_text(sa, 2, q->aliases[k], -1, SQLITE_STATIC);
			if (sqlite3_step(sa) != SQLITE_DONE) {
				rc = impact__db_error(h, "storing an alias");
				goto done;
			}
		}
		for (k = 0; k < q->nchoices; k++) {
			const struct choice *ch = &q->choices[k];

			sqlite3_reset(sc);
			sqlite3_bind_int64(sc, 1, qid);
			sqlite3_bind_text(sc, 2, ch->code, -1, SQLITE_STATIC);
			sqlite3_bind_int64(sc, 3, (long long)k + 1);
			sqlite3_bind_text(sc, 4, ch->fr, -1, SQLITE_STATIC);
			bind_text(sc, 5, ch->en);
			if (ch->has_value)
				sqlite3_bind_double(sc, 6, ch->value);
			else
				sqlite3_bind_null(sc, 6);
			if (sqlite3_step(sc) != SQLITE_DONE) {
				rc = impact__db_error(h, "storing a choice");
				goto done;
			}
		}
	}
	rc = IMPACT_OK;
done:
	sqlite3_finalize(sq);
	sqlite3_finalize(sa);
	sqlite3_finalize(sc);
	return rc;
}

int impact_survey_add(impact *h, const char *path, char **out_code,
                      int *out_existed)
{
	sqlite3_stmt *st = NULL;
	struct question *qs = NULL;
	struct ctx c;
	json_t *root = NULL;
	const char *code = NULL, *title_fr = NULL, *title_en = NULL;
	char *text = NULL, now[32];
	size_t nq = 0;
	long long sid;
	int rc, in_tx = 0;

	assert(h && path);
	impact__clear_error(h);
	memset(&c, 0, sizeof(c));
	if (out_code)
		*out_code = NULL;
	if (out_existed)
		*out_existed = 0;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__jd_load(&c.j, h, path, "a questionnaire",
	                          "the questionnaire format, docs/formats.md", &text,
	                          &root)) != IMPACT_OK)
		goto done;
	if ((rc = check(&c, root, &code, &title_fr, &title_en, &qs, &nq)) != 0)
		goto done;
	/* Valid: store it, unless it is already there. */
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		goto done;
	in_tx = 1;
	if ((rc = impact__prepare(h, &st, "SELECT definition FROM surveys"
	                          " WHERE code = ?1;")) != IMPACT_OK)
		goto done;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *old = (const char *)sqlite3_column_text(st, 0);

		if (!old || strcmp(old, text) != 0) {
			rc = impact__error(h, IMPACT_EDATA, "%s: survey \"%s\" "
			                   "already exists with another definition: "
			                   "give this one a new id", path, code);
			goto done;
		}
		if (out_existed)
			*out_existed = 1;
		goto store_code;
	}
	sqlite3_finalize(st);
	st = NULL;
	impact__utc_now(now, sizeof(now));
	if ((rc = impact__prepare(h, &st, "INSERT INTO surveys (code, title_fr,"
	                          " title_en, definition, added_at)"
	                          " VALUES (?1, ?2, ?3, ?4, ?5);")) != 0)
		goto done;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, title_fr, -1, SQLITE_STATIC);
	bind_text(st, 3, title_en);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = impact__db_error(h, "storing the survey");
		goto done;
	}
	sid = sqlite3_last_insert_rowid(h->db);
	if ((rc = store_questions(h, sid, qs, nq)) != IMPACT_OK)
		goto done;
store_code:
	if (out_code && !(*out_code = strdup(code))) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	rc = IMPACT_OK;
done:
	sqlite3_finalize(st);
	if (in_tx)
		rc = impact__end_tx(h, rc);
	if (rc != IMPACT_OK && out_code) {
		free(*out_code);
		*out_code = NULL;
	}
	questions_free(qs, nq);
	impact__jd_release(&c.j);
	json_decref(root);
	free(text);
	return rc;
}

/*
 * Walk the stored questionnaires (see impact/surveys.h): one query, one
 * callback per row.
 */
int impact_survey_each(impact *h,
                       int (*cb)(void *payload, const impact_survey_info *s),
                       void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	assert(h && cb);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT s.code, s.title_fr,"
	                          " s.title_en,"
	                          " (SELECT count(*) FROM questions q"
	                          "  WHERE q.survey_id = s.id),"
	                          " (SELECT count(*) FROM respondents r"
	                          "  WHERE r.survey_id = s.id)"
	                          " FROM surveys s ORDER BY s.id;")) != 0)
		return rc;
	rc = IMPACT_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_survey_info s;

		s.code = (const char *)sqlite3_column_text(st, 0);
		s.title_fr = (const char *)sqlite3_column_text(st, 1);
		s.title_en = (const char *)sqlite3_column_text(st, 2);
		s.questions = sqlite3_column_int64(st, 3);
		s.respondents = sqlite3_column_int64(st, 4);
		if ((rc = cb(payload, &s)) != 0)
			break;
	}
	if (rc == IMPACT_OK && step != SQLITE_DONE)
		rc = impact__db_error(h, "listing surveys");
	sqlite3_finalize(st);
	return rc;
}
