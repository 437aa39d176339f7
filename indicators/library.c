/*
 * indicators/library.c: indicator libraries (JSON, docs/indicators.md),
 * the definitions impact_compute() turns into the *effets utiles*.
 *
 * impact_indicators_add() reads the file, parses it with jansson, checks
 * every key and value of every indicator into an array of `struct
 * indicator` (strings borrowed from the jansson tree), then stores the
 * library and one `indicators` row per indicator in one transaction.  The
 * file's text is kept in indicator_libraries.definition and each
 * indicator's own object, re-serialised compactly, in
 * indicators.definition: the computation reads its parameters (of, times,
 * condition, filter, numerator, denominator, multiply) from there, the
 * listing and the reports read the columns.
 *
 * The checks follow the kinds of docs/indicators.md: which keys a kind
 * needs or refuses, which activity fields are numbers (mean, sum, share,
 * count, ratio) and which are categories (distinct, diversity), which
 * filters and conditions a source allows.  A library may be added before
 * the questionnaire it is written for, so a question id that no stored
 * questionnaire has is accepted; but when stored questionnaires have a
 * question with that id, at least one of them must fit its use (numbers
 * for a mean, yes/no for "yes", its choice codes for "choices").
 *
 * Every refusal reads "FILE:LINE:COLUMN: indicators[3].condition: problem"
 * as the questionnaire loader's do (surveys/survey.c): jansson gives the
 * position of syntax errors, the JSON position index (surveys/jsonpos.c),
 * built on the first error only, that of a value that parses but is
 * wrong: the offending value, the key of an unknown key, the enclosing
 * object of a missing key.
 *
 * Read next: indicators/compute.c, which computes the stored indicators.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../engine/context.h"
#include "../surveys/jsondef.h"
#include "../surveys/text.h"
#include "impact/indicators.h"


/* Largest library file read (a few hundred indicators fit in 1 MiB). */
#define MAX_FILE (16u * 1024 * 1024)

/* Where an indicator's observations come from. */
enum source { SRC_ANSWERS, SRC_ACTIVITIES, SRC_FACTS };

/* What a question or field is used for, which decides the questions
 * (their type) and the activity fields (number or category) it may be. */
enum use {
	USE_ANY,         /* count: any question, a numeric activity field */
	USE_NUMBER,      /* mean, sum, times, at_least, at_most */
	USE_DISTINCT,    /* distinct: a choice question, a category field */
	USE_DIVERSITY,   /* diversity: a choice question, a category field */
	USE_YES,         /* condition "yes": a yes/no question */
	USE_CHOICES      /* condition "choices": a choice question */
};

/* One checked indicator; strings borrowed from the JSON tree. */
struct indicator {
	const char *id;
	const char *label_fr, *label_en;   /* en may be NULL */
	const char *desc_fr, *desc_en;     /* en may be NULL */
	const char *domain;
	const char *source;                /* "answers", ... */
	const char *kind;                  /* "mean", ... */
	const char *unit_fr, *unit_en;     /* both may be NULL */
	int direction;                     /* 1 higher, -1 lower is better */
	int decimals;                      /* 0 to 3 */
	int min_n;                         /* smallest n published */
	json_t *obj;                       /* its object (borrowed) */
};

/* The state of one impact_indicators_add() check. */
struct ctx {
	impact__jdef j;         /* the file, its text, error positions */
};

/* An activity field of docs/indicators.md and whether it is a category
 * (distinct, diversity) rather than a number. */
struct field {
	const char *name;
	int category;
};

static const struct field fields[] = {
	{ "participants", 0 }, { "new_participants", 0 }, { "hours", 0 },
	{ "participant_hours", 0 }, { "volunteers", 0 },
	{ "volunteer_hours", 0 }, { "free", 0 }, { "partners", 0 },
	{ "category", 1 }, { "publics", 1 }, { "partner_places", 1 },
	{ "place", 1 },
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
#define NUMBER_FIELDS "participants, new_participants, hours, " \
	"participant_hours, volunteers, volunteer_hours, free, partners"
#define CATEGORY_FIELDS "category, publics, partner_places, place"

static const char *const sources[] = { "answers", "activities", "facts",
                                       NULL };
static const char *const kinds[] = { "mean", "share", "count", "sum",
                                     "distinct", "ratio", "diversity",
                                     NULL };
static const char *const group_roles[] = { "age_band", "sex",
                                           "activity_status", NULL };

/* Check that `v` (at `ptr`) is a non-empty array of distinct non-empty
 * strings; `what` names them in the message ("choice codes"). */
static int string_list(struct ctx *c, const char *ptr, json_t *v,
                       const char *what)
{
	char sub[IMPACT__JD_MAX_PTR];
	size_t k, j;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return impact__jd_bad(&c->j, ptr, "expected a non-empty array of %s", what);
	for (k = 0; k < json_array_size(v); k++) {
		json_t *e = json_array_get(v, k);

		impact__jd_ptrf(sub, "%s/%zu", ptr, k);
		if (!json_is_string(e) || json_string_length(e) == 0)
			return impact__jd_bad(&c->j, sub, "expected a non-empty string");
		for (j = 0; j < k; j++)
			if (strcmp(json_string_value(json_array_get(v, j)),
			           json_string_value(e)) == 0)
				return impact__jd_bad(&c->j, sub, "\"%s\" is already given at "
				           "[%zu]", json_string_value(e), j);
	}
	return IMPACT_OK;
}

/* Does a stored question of type `type` (min_set: it has numeric
 * bounds, i.e. a single choice has values) fit `use`?  When not, *why
 * says what the use needs. */
static int type_fits(const char *type, int min_set, enum use use,
                     const char **why)
{
	int choice = strcmp(type, "single") == 0
	             || strcmp(type, "multiple") == 0;

	switch (use) {
	case USE_NUMBER:
		*why = "a number is needed (a scale, rating, yesno or number "
		       "question, or a single choice with values)";
		return impact__jd_in_list(type, (const char *const[]){ "scale", "rating",
		                                            "yesno", "number",
		                                            NULL })
		       || (strcmp(type, "single") == 0 && min_set);
	case USE_YES:
		*why = "\"yes\" needs a yesno question";
		return strcmp(type, "yesno") == 0;
	case USE_DISTINCT:
		*why = "kind \"distinct\" counts the choice codes given: it "
		       "needs a single or multiple choice question";
		return choice;
	case USE_DIVERSITY:
		*why = "kind \"diversity\" needs a single or multiple choice "
		       "question";
		return choice;
	case USE_CHOICES:
		*why = "\"choices\" needs a single or multiple choice question";
		return choice;
	case USE_ANY:
		break;
	}
	*why = "";
	return 1;
}

/*
 * The optional check against the stored questionnaires: when some stored
 * question has id `qid`, one of them at least must fit `use` (and, for
 * USE_CHOICES, have every code of the array `codes`, at pointer
 * `codes_ptr`).  No such question: accepted, the questionnaire may come
 * later.  The error is reported at `ptr` (a missing code at the code).
 */
static int question_fits(struct ctx *c, const char *ptr, const char *qid,
                         enum use use, json_t *codes, const char *codes_ptr)
{
	sqlite3_stmt *st = NULL, *sc = NULL;
	char msg[400] = "", at[IMPACT__JD_MAX_PTR];
	int rc, step = SQLITE_DONE, fit = 0;

	impact__jd_ptrf(at, "%s", ptr);
	if ((rc = impact__prepare(c->j.h, &st, "SELECT q.id, q.kind,"
	                          " q.min IS NOT NULL, s.code FROM questions q"
	                          " JOIN surveys s ON s.id = q.survey_id"
	                          " WHERE q.code = ?1 ORDER BY s.id;")) != 0)
		goto done;
	if ((rc = impact__prepare(c->j.h, &sc, "SELECT 1 FROM choices"
	                          " WHERE question_id = ?1 AND code = ?2;"))
	    != IMPACT_OK)
		goto done;
	sqlite3_bind_text(st, 1, qid, -1, SQLITE_STATIC);
	while (!fit && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 1);
		const char *survey = (const char *)sqlite3_column_text(st, 3);
		const char *why;
		size_t k;

		if (!type_fits(type, sqlite3_column_int(st, 2), use, &why)) {
			snprintf(msg, sizeof(msg), "question \"%s\" of "
			         "questionnaire \"%s\" is a \"%s\" question: %s",
			         qid, survey, type, why);
			continue;
		}
		fit = 1;
		for (k = 0; use == USE_CHOICES && k < json_array_size(codes);
		     k++) {
			const char *code =
				json_string_value(json_array_get(codes, k));

			sqlite3_reset(sc);
			sqlite3_bind_int64(sc, 1, sqlite3_column_int64(st, 0));
			sqlite3_bind_text(sc, 2, code, -1, SQLITE_STATIC);
			if ((step = sqlite3_step(sc)) == SQLITE_ROW)
				continue;
			if (step != SQLITE_DONE)
				break;
			snprintf(msg, sizeof(msg), "\"%s\" is not a choice code "
			         "of question \"%s\" in questionnaire \"%s\"",
			         code, qid, survey);
			impact__jd_ptrf(at, "%s/%zu", codes_ptr, k);
			fit = 0;
			break;
		}
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = impact__db_error(c->j.h, "reading the stored questions");
		goto done;
	}
	rc = fit || !*msg ? IMPACT_OK : impact__jd_bad(&c->j, at, "%s", msg);
done:
	sqlite3_finalize(st);
	sqlite3_finalize(sc);
	return rc;
}

/*
 * Check what is measured, `v` at `ptr` (an `of` or a `times`), for
 * `use`: a question id (answers, checked against the stored
 * questionnaires), an activity field of the right sort (numbers, or
 * categories for distinct and diversity), or a fact key.  *out receives
 * the name.
 */
static int measure(struct ctx *c, const char *ptr, json_t *v,
                   enum source src, enum use use, const char **out)
{
	int category = use == USE_DISTINCT || use == USE_DIVERSITY;
	const char *name;
	size_t k;

	if (src == SRC_ANSWERS) {
		if (impact__jd_id_value(&c->j, ptr, v, "a question id", out) != IMPACT_OK)
			return IMPACT_EDATA;
		return question_fits(c, ptr, *out, use, NULL, NULL);
	}
	if (src == SRC_FACTS)
		return impact__jd_id_value(&c->j, ptr, v, "a fact key such as "
		                "\"emplois_etp\"", out);
	if (!json_is_string(v))
		return impact__jd_bad(&c->j, ptr, "expected an activity field: " NUMBER_FIELDS
		           ", " CATEGORY_FIELDS);
	name = json_string_value(v);
	for (k = 0; k < NFIELDS; k++)
		if (strcmp(fields[k].name, name) == 0)
			break;
	if (k == NFIELDS)
		return impact__jd_bad(&c->j, ptr, "unknown activity field \"%s\": expected one "
		           "of " NUMBER_FIELDS ", " CATEGORY_FIELDS, name);
	if (fields[k].category && !category)
		return impact__jd_bad(&c->j, ptr, "\"%s\" is not a number: expected one of "
		           NUMBER_FIELDS " (" CATEGORY_FIELDS " are for kinds "
		           "distinct and diversity)", name);
	if (!fields[k].category && category)
		return impact__jd_bad(&c->j, ptr, "\"%s\" is a number: kinds distinct and "
		           "diversity take one of " CATEGORY_FIELDS, name);
	*out = name;
	return IMPACT_OK;
}

/*
 * Check a condition `v` at `ptr`, applied to `of` of source `src`:
 * exactly one of at_least, at_most (numbers), choices (codes of a
 * question's answers) and yes (true: yes/no questions, the activity field
 * "free").
 */
static int condition(struct ctx *c, const char *ptr, json_t *v,
                     enum source src, const char *of)
{
	static const char *const keys[] = { "at_least", "at_most",
	                                    "choices", "yes", NULL };
	const char *key, *form = NULL;
	char sub[IMPACT__JD_MAX_PTR];
	json_t *x, *val = NULL;
	int rc;

	if (!json_is_object(v))
		return impact__jd_bad(&c->j, ptr, "expected an object such as "
		           "{\"at_least\": 3}");
	if ((rc = impact__jd_only_keys(&c->j, ptr, v, keys)) != IMPACT_OK)
		return rc;
	json_object_foreach(v, key, x) {
		if (form)
			return impact__jd_bad_key(&c->j, ptr, key, "give only one of "
			               "\"at_least\", \"at_most\", \"choices\" "
			               "and \"yes\" (\"%s\" is already given)",
			               form);
		form = key;
		val = x;
	}
	if (!form)
		return impact__jd_bad(&c->j, ptr, "expected one of \"at_least\", \"at_most\", "
		           "\"choices\" or \"yes\"");
	impact__jd_ptrf(sub, "%s/%s", ptr, form);
	if (strcmp(form, "choices") == 0) {
		if (src != SRC_ANSWERS)
			return impact__jd_bad_key(&c->j, ptr, form, "only for questions (source "
			               "\"answers\"): activity fields and facts "
			               "are numbers, use \"at_least\", "
			               "\"at_most\" or \"yes\"");
		if ((rc = string_list(c, sub, val, "choice codes")) != 0)
			return rc;
		return question_fits(c, ptr, of, USE_CHOICES, val, sub);
	}
	if (strcmp(form, "yes") == 0) {
		if (!json_is_true(val))
			return impact__jd_bad(&c->j, sub, "expected true (for \"no\", write "
			           "{\"at_most\": 0})");
		if (src == SRC_FACTS)
			return impact__jd_bad_key(&c->j, ptr, form, "facts are numbers: use "
			               "\"at_least\" or \"at_most\"");
		if (src == SRC_ACTIVITIES && strcmp(of, "free") != 0)
			return impact__jd_bad_key(&c->j, ptr, form, "only the activity field "
			               "\"free\" is yes or no (\"%s\" is a "
			               "number: use \"at_least\" or \"at_most\")",
			               of);
		return src == SRC_ANSWERS
		       ? question_fits(c, ptr, of, USE_YES, NULL, NULL)
		       : IMPACT_OK;
	}
	if (!json_is_number(val) || !isfinite(json_number_value(val)))
		return impact__jd_bad(&c->j, sub, "expected a number");
	return src == SRC_ANSWERS
	       ? question_fits(c, ptr, of, USE_NUMBER, NULL, NULL)
	       : IMPACT_OK;
}

/* Check that each string of the array `v` (at `ptr`, already checked by
 * string_list()) is written as the activity importer stores it: folded
 * (surveys/text.h), with spaces as '-' when `dashed` (categories). */
static int folded_list(struct ctx *c, const char *ptr, json_t *v,
                       int dashed)
{
	char sub[IMPACT__JD_MAX_PTR], *f, *p;
	size_t k;
	int rc = IMPACT_OK;

	for (k = 0; rc == IMPACT_OK && k < json_array_size(v); k++) {
		const char *s = json_string_value(json_array_get(v, k));
		size_t size = 2 * strlen(s) + 1;

		if (!(f = malloc(size)))
			return impact__error(c->j.h, IMPACT_ENOMEM,
			                     "out of memory");
		impact__fold(f, size, s);
		for (p = f; dashed && *p; p++)
			if (*p == ' ')
				*p = '-';
		if (strcmp(f, s) != 0) {
			impact__jd_ptrf(sub, "%s/%zu", ptr, k);
			rc = impact__jd_bad(&c->j, sub, "write \"%s\" as activities store it: "
			         "\"%s\"", s, f);
		}
		free(f);
	}
	return rc;
}

/* Check the demographic group `v` at `ptr`: {"role", "choices"}. */
static int group(struct ctx *c, const char *ptr, json_t *v)
{
	static const char *const keys[] = { "role", "choices", NULL };
	char sub[IMPACT__JD_MAX_PTR];
	json_t *x;
	int rc;

	if (!json_is_object(v))
		return impact__jd_bad(&c->j, ptr, "expected an object {\"role\": \"age_band\", "
		           "\"choices\": [...]}");
	if ((rc = impact__jd_only_keys(&c->j, ptr, v, keys)) != IMPACT_OK)
		return rc;
	if (!(x = json_object_get(v, "role")))
		return impact__jd_bad(&c->j, ptr, "\"role\" is required");
	impact__jd_ptrf(sub, "%s/role", ptr);
	if (!json_is_string(x) || !impact__jd_in_list(json_string_value(x), group_roles))
		return impact__jd_bad(&c->j, sub, "expected one of \"age_band\", \"sex\", "
		           "\"activity_status\"");
	if (!(x = json_object_get(v, "choices")))
		return impact__jd_bad(&c->j, ptr, "\"choices\" is required");
	impact__jd_ptrf(sub, "%s/choices", ptr);
	return string_list(c, sub, x, "choice codes");
}

/*
 * Check a filter `v` at `ptr` for source `src`: categories, publics and
 * free for activities; question with condition, and group, for answers.
 * Facts take none (the caller refuses the key).
 */
static int filter(struct ctx *c, const char *ptr, json_t *v,
                  enum source src)
{
	static const char *const keys[] = { "categories", "publics", "free",
	                                    "question", "condition", "group",
	                                    NULL };
	static const char *const for_activities[] = { "categories",
	                                              "publics", "free",
	                                              NULL };
	char sub[IMPACT__JD_MAX_PTR];
	const char *key, *qid = NULL;
	json_t *x, *q, *cond;
	int rc;

	if (!json_is_object(v))
		return impact__jd_bad(&c->j, ptr, "expected an object such as "
		           "{\"categories\": [\"atelier\"]}");
	if ((rc = impact__jd_only_keys(&c->j, ptr, v, keys)) != IMPACT_OK)
		return rc;
	json_object_foreach(v, key, x) {
		int act = impact__jd_in_list(key, for_activities);

		if (act && src != SRC_ACTIVITIES)
			return impact__jd_bad_key(&c->j, ptr, key, "only for source "
			               "\"activities\"");
		if (!act && src != SRC_ANSWERS)
			return impact__jd_bad_key(&c->j, ptr, key, "only for source "
			               "\"answers\"");
	}
	if ((x = json_object_get(v, "categories"))) {
		impact__jd_ptrf(sub, "%s/categories", ptr);
		if ((rc = string_list(c, sub, x, "categories")) != IMPACT_OK
		    || (rc = folded_list(c, sub, x, 1)) != IMPACT_OK)
			return rc;
	}
	if ((x = json_object_get(v, "publics"))) {
		impact__jd_ptrf(sub, "%s/publics", ptr);
		if ((rc = string_list(c, sub, x, "publics")) != IMPACT_OK
		    || (rc = folded_list(c, sub, x, 0)) != IMPACT_OK)
			return rc;
	}
	if ((x = json_object_get(v, "free")) && !json_is_boolean(x))
		return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/free", ptr), "expected true (free "
		           "activities only) or false (paid only)");
	q = json_object_get(v, "question");
	cond = json_object_get(v, "condition");
	if (q && !cond)
		return impact__jd_bad(&c->j, ptr, "\"condition\" is required with "
		           "\"question\"");
	if (cond && !q)
		return impact__jd_bad(&c->j, ptr, "\"question\" is required with "
		           "\"condition\"");
	if (q) {
		impact__jd_ptrf(sub, "%s/question", ptr);
		if ((rc = impact__jd_id_value(&c->j, sub, q, "a question id", &qid)) != 0)
			return rc;
		impact__jd_ptrf(sub, "%s/condition", ptr);
		if ((rc = condition(c, sub, cond, SRC_ANSWERS, qid)) != 0)
			return rc;
	}
	if ((x = json_object_get(v, "group")))
		return group(c, impact__jd_ptrf(sub, "%s/group", ptr), x);
	return IMPACT_OK;
}

/* Check a numerator or denominator `v` at `ptr` of a ratio of source
 * `src`: {"kind": "sum" | "count", "of", "times", "filter"}. */
static int part(struct ctx *c, const char *ptr, json_t *v, enum source src)
{
	static const char *const keys[] = { "kind", "of", "times", "filter",
	                                    NULL };
	char sub[IMPACT__JD_MAX_PTR];
	const char *kind, *name;
	json_t *x;
	int rc, sum;

	if (!json_is_object(v))
		return impact__jd_bad(&c->j, ptr, "expected an object such as {\"kind\": "
		           "\"sum\", \"of\": \"...\"}");
	if ((rc = impact__jd_only_keys(&c->j, ptr, v, keys)) != IMPACT_OK)
		return rc;
	if (!(x = json_object_get(v, "kind")))
		return impact__jd_bad(&c->j, ptr, "\"kind\" is required");
	impact__jd_ptrf(sub, "%s/kind", ptr);
	if (!json_is_string(x) || (strcmp(json_string_value(x), "sum")
	                           && strcmp(json_string_value(x), "count")))
		return impact__jd_bad(&c->j, sub, "expected \"sum\" or \"count\"");
	kind = json_string_value(x);
	sum = strcmp(kind, "sum") == 0;
	if ((x = json_object_get(v, "of"))) {
		impact__jd_ptrf(sub, "%s/of", ptr);
		if ((rc = measure(c, sub, x, src, sum ? USE_NUMBER : USE_ANY,
		                  &name)) != IMPACT_OK)
			return rc;
	} else if (sum) {
		return impact__jd_bad(&c->j, ptr, "\"of\" is required for a sum");
	}
	if ((x = json_object_get(v, "times"))) {
		if (!sum)
			return impact__jd_bad_key(&c->j, ptr, "times", "only for a sum");
		if (src == SRC_FACTS)
			return impact__jd_bad_key(&c->j, ptr, "times", "only for answers and "
			               "activities");
		impact__jd_ptrf(sub, "%s/times", ptr);
		if ((rc = measure(c, sub, x, src, USE_NUMBER, &name)) != 0)
			return rc;
	}
	if ((x = json_object_get(v, "filter"))) {
		if (src == SRC_FACTS)
			return impact__jd_bad_key(&c->j, ptr, "filter", "facts take no filter");
		return filter(c, impact__jd_ptrf(sub, "%s/filter", ptr), x, src);
	}
	return IMPACT_OK;
}

/* What `kind` needs its `of` for. */
static enum use kind_use(const char *kind)
{
	if (strcmp(kind, "mean") == 0 || strcmp(kind, "sum") == 0)
		return USE_NUMBER;
	if (strcmp(kind, "distinct") == 0)
		return USE_DISTINCT;
	if (strcmp(kind, "diversity") == 0)
		return USE_DIVERSITY;
	return USE_ANY;
}

/*
 * Check the keys that depend on the kind of indicator d (object `o` at
 * `ptr`): numerator and denominator for a ratio, which refuses of, times
 * and condition; of for the others (count may omit it); times for mean
 * and sum; condition for share (required) and count.
 */
static int shape(struct ctx *c, const char *ptr, json_t *o,
                 const struct indicator *d, enum source src)
{
	json_t *of = json_object_get(o, "of");
	json_t *times = json_object_get(o, "times");
	json_t *cond = json_object_get(o, "condition");
	json_t *num = json_object_get(o, "numerator");
	json_t *den = json_object_get(o, "denominator");
	const char *k = d->kind, *name = NULL, *tname;
	char sub[IMPACT__JD_MAX_PTR];
	int rc;

	if (strcmp(k, "ratio") == 0) {
		if (of || times || cond)
			return impact__jd_bad_key(&c->j, ptr, of ? "of" : times ? "times"
			               : "condition", "not for kind \"ratio\": "
			               "its numerator and denominator say what is "
			               "summed or counted");
		if (!num)
			return impact__jd_bad(&c->j, ptr, "\"numerator\" is required for kind "
			           "\"ratio\"");
		if (!den)
			return impact__jd_bad(&c->j, ptr, "\"denominator\" is required for "
			           "kind \"ratio\"");
		if ((rc = part(c, impact__jd_ptrf(sub, "%s/numerator", ptr), num, src))
		    != IMPACT_OK)
			return rc;
		return part(c, impact__jd_ptrf(sub, "%s/denominator", ptr), den, src);
	}
	if (num || den)
		return impact__jd_bad_key(&c->j, ptr, num ? "numerator" : "denominator",
		               "only for kind \"ratio\"");
	if (src == SRC_FACTS && (strcmp(k, "distinct") == 0
	                         || strcmp(k, "diversity") == 0))
		return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/kind", ptr), "kind \"%s\" counts "
		           "the values of a question or of an activity field; "
		           "facts are numbers", k);
	if (!of && strcmp(k, "count") != 0)
		return impact__jd_bad(&c->j, ptr, "\"of\" is required for kind \"%s\"", k);
	if (of && (rc = measure(c, impact__jd_ptrf(sub, "%s/of", ptr), of, src,
	                        kind_use(k), &name)) != IMPACT_OK)
		return rc;
	if (times) {
		if (strcmp(k, "mean") && strcmp(k, "sum"))
			return impact__jd_bad_key(&c->j, ptr, "times", "only for kinds \"mean\" "
			               "and \"sum\"");
		if (src == SRC_FACTS)
			return impact__jd_bad_key(&c->j, ptr, "times", "only for answers and "
			               "activities");
		if ((rc = measure(c, impact__jd_ptrf(sub, "%s/times", ptr), times, src,
		                  USE_NUMBER, &tname)) != IMPACT_OK)
			return rc;
	}
	if (cond) {
		if (strcmp(k, "share") && strcmp(k, "count"))
			return impact__jd_bad_key(&c->j, ptr, "condition", "only for kinds "
			               "\"share\" and \"count\"");
		if (!of)
			return impact__jd_bad_key(&c->j, ptr, "condition", "needs \"of\": the "
			               "question, field or fact it applies to");
		return condition(c, impact__jd_ptrf(sub, "%s/condition", ptr), cond, src,
		                 name);
	}
	if (strcmp(k, "share") == 0)
		return impact__jd_bad(&c->j, ptr, "\"condition\" is required for kind "
		           "\"share\"");
	return IMPACT_OK;
}

/* Check the presentation keys of indicator d (object `o` at `ptr`):
 * multiply, unit, direction, decimals, sensitive and min_n. */
static int presentation(struct ctx *c, const char *ptr, json_t *o,
                        struct indicator *d, enum source src)
{
	char sub[IMPACT__JD_MAX_PTR];
	json_t *v;
	int rc, sensitive = 0;

	if ((v = json_object_get(o, "multiply"))
	    && (!json_is_number(v) || !isfinite(json_number_value(v))
	        || json_number_value(v) == 0))
		return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/multiply", ptr), "expected a "
		           "number other than 0");
	if ((v = json_object_get(o, "unit"))
	    && (rc = impact__jd_label(&c->j, impact__jd_ptrf(sub, "%s/unit", ptr), v, &d->unit_fr,
	                   &d->unit_en)) != IMPACT_OK)
		return rc;
	d->direction = 1;
	if ((v = json_object_get(o, "direction"))) {
		const char *s = json_is_string(v) ? json_string_value(v) : "";

		if (strcmp(s, "higher") && strcmp(s, "lower"))
			return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/direction", ptr), "expected "
			           "\"higher\" (more is better) or \"lower\" "
			           "(less is better)");
		d->direction = strcmp(s, "lower") == 0 ? -1 : 1;
	}
	d->decimals = 1;
	if ((v = json_object_get(o, "decimals"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0
		    || json_integer_value(v) > 3)
			return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/decimals", ptr), "expected "
			           "a whole number from 0 to 3");
		d->decimals = (int)json_integer_value(v);
	}
	if ((v = json_object_get(o, "sensitive"))) {
		if (!json_is_boolean(v))
			return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/sensitive", ptr), "expected "
			           "true or false");
		sensitive = json_is_true(v);
	}
	d->min_n = sensitive ? 10 : IMPACT_MIN_PUBLISHED_N;
	if ((v = json_object_get(o, "min_n"))) {
		if (src != SRC_ANSWERS)
			return impact__jd_bad_key(&c->j, ptr, "min_n", "only for source "
			               "\"answers\" (the respondents a value "
			               "needs to be published)");
		if (!json_is_integer(v) || json_integer_value(v) < 1
		    || json_integer_value(v) > 1000000)
			return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/min_n", ptr), "expected a "
			           "whole number, 1 or more");
		d->min_n = (int)json_integer_value(v);
	}
	return IMPACT_OK;
}

/*
 * Check indicator i (JSON `o`) into ds[i], given the indicators before it
 * (ids unique in the library).
 */
static int indicator(struct ctx *c, json_t *o, struct indicator *ds,
                     size_t i)
{
	static const char *const keys[] = { "id", "label", "description",
	                                    "domain", "source", "kind", "of",
	                                    "times", "condition", "numerator",
	                                    "denominator", "filter",
	                                    "multiply", "unit", "direction",
	                                    "decimals", "min_n", "sensitive",
	                                    NULL };
	struct indicator *d = &ds[i];
	char ptr[IMPACT__JD_MAX_PTR], sub[IMPACT__JD_MAX_PTR];
	enum source src;
	json_t *v;
	size_t j;
	int rc;

	impact__jd_ptrf(ptr, "/indicators/%zu", i);
	d->obj = o;
	if (!json_is_object(o))
		return impact__jd_bad(&c->j, ptr, "expected an object with id, label, "
		           "description, domain, source and kind");
	if ((rc = impact__jd_only_keys(&c->j, ptr, o, keys)) != IMPACT_OK)
		return rc;
	if (!(v = json_object_get(o, "id")))
		return impact__jd_bad(&c->j, ptr, "\"id\" is required");
	impact__jd_ptrf(sub, "%s/id", ptr);
	if ((rc = impact__jd_id_value(&c->j, sub, v, "an indicator id", &d->id)) != 0)
		return rc;
	for (j = 0; j < i; j++)
		if (strcmp(ds[j].id, d->id) == 0)
			return impact__jd_bad(&c->j, sub, "\"%s\" is already the id of "
			           "indicators[%zu]", d->id, j);
	if (!(v = json_object_get(o, "label")))
		return impact__jd_bad(&c->j, ptr, "\"label\" is required");
	if ((rc = impact__jd_label(&c->j, impact__jd_ptrf(sub, "%s/label", ptr), v, &d->label_fr,
	                &d->label_en)) != IMPACT_OK)
		return rc;
	if (!(v = json_object_get(o, "description")))
		return impact__jd_bad(&c->j, ptr, "\"description\" is required (what the "
		           "indicator is computed from, and how)");
	if ((rc = impact__jd_label(&c->j, impact__jd_ptrf(sub, "%s/description", ptr), v, &d->desc_fr,
	                &d->desc_en)) != IMPACT_OK)
		return rc;
	if (!(v = json_object_get(o, "domain")))
		return impact__jd_bad(&c->j, ptr, "\"domain\" is required");
	if ((rc = impact__jd_id_value(&c->j, impact__jd_ptrf(sub, "%s/domain", ptr), v, "a short word "
	                   "such as \"social_link\"", &d->domain)) != 0)
		return rc;
	if (!(v = json_object_get(o, "source")))
		return impact__jd_bad(&c->j, ptr, "\"source\" is required");
	if (!json_is_string(v) || !impact__jd_in_list(json_string_value(v), sources))
		return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/source", ptr), "expected one of "
		           "\"answers\", \"activities\", \"facts\"");
	d->source = json_string_value(v);
	src = strcmp(d->source, "answers") == 0 ? SRC_ANSWERS
	      : strcmp(d->source, "activities") == 0 ? SRC_ACTIVITIES
	                                             : SRC_FACTS;
	if (!(v = json_object_get(o, "kind")))
		return impact__jd_bad(&c->j, ptr, "\"kind\" is required");
	if (!json_is_string(v) || !impact__jd_in_list(json_string_value(v), kinds))
		return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/kind", ptr), "expected one of "
		           "\"mean\", \"share\", \"count\", \"sum\", "
		           "\"distinct\", \"ratio\", \"diversity\"");
	d->kind = json_string_value(v);
	if ((rc = shape(c, ptr, o, d, src)) != IMPACT_OK)
		return rc;
	if ((v = json_object_get(o, "filter"))) {
		if (src == SRC_FACTS)
			return impact__jd_bad_key(&c->j, ptr, "filter", "facts take no filter");
		if ((rc = filter(c, impact__jd_ptrf(sub, "%s/filter", ptr), v, src)) != 0)
			return rc;
	}
	return presentation(c, ptr, o, d, src);
}

/*
 * Check the whole definition `root` into *out (n indicators, owned by the
 * caller, freed even on failure), with the library's id and title.
 */
static int check(struct ctx *c, json_t *root, const char **code,
                 const char **title_fr, const char **title_en,
                 struct indicator **out, size_t *nout)
{
	static const char *const keys[] = { "id", "title", "indicators",
	                                    NULL };
	struct indicator *ds;
	json_t *arr;
	size_t n, i;
	int rc;

	*out = NULL;
	*nout = 0;
	if ((rc = impact__jd_head(&c->j, root, keys, "indicators", "the library's id", code,
	                          title_fr, title_en)) != IMPACT_OK)
		return rc;
	if (!(arr = json_object_get(root, "indicators")))
		return impact__jd_bad(&c->j, "", "\"indicators\" is required");
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return impact__jd_bad(&c->j, "/indicators", "expected a non-empty array of "
		           "indicators");
	n = json_array_size(arr);
	if (!(ds = calloc(n, sizeof(*ds))))
		return impact__error(c->j.h, IMPACT_ENOMEM, "out of memory");
	*out = ds;
	*nout = n;
	for (i = 0; i < n; i++)
		if ((rc = indicator(c, json_array_get(arr, i), ds, i)) != 0)
			return rc;
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
 * Store the checked indicators of library `lib`, one row each with its
 * object serialised compactly.  Runs inside the caller's transaction.
 */
static int store_indicators(impact *h, long long lib,
                            const struct indicator *ds, size_t n)
{
	sqlite3_stmt *st = NULL;
	char *def = NULL;
	size_t i;
	int rc;

	if ((rc = impact__prepare(h, &st, "INSERT INTO indicators (library_id,"
	                          " code, position, label_fr, label_en,"
	                          " description_fr, description_en, domain,"
	                          " source, kind, unit_fr, unit_en, direction,"
	                          " decimals, min_n, definition) VALUES (?1,"
	                          " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	                          " ?12, ?13, ?14, ?15, ?16);")) != IMPACT_OK)
		goto done;
	for (i = 0; i < n; i++) {
		const struct indicator *d = &ds[i];

		if (!(def = json_dumps(d->obj, JSON_COMPACT
		                                | JSON_PRESERVE_ORDER))) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, lib);
		sqlite3_bind_text(st, 2, d->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (long long)i + 1);
		sqlite3_bind_text(st, 4, d->label_fr, -1, SQLITE_STATIC);
		bind_text(st, 5, d->label_en);
		sqlite3_bind_text(st, 6, d->desc_fr, -1, SQLITE_STATIC);
		bind_text(st, 7, d->desc_en);
		sqlite3_bind_text(st, 8, d->domain, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, d->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, d->kind, -1, SQLITE_STATIC);
		bind_text(st, 11, d->unit_fr);
		bind_text(st, 12, d->unit_en);
		sqlite3_bind_int(st, 13, d->direction);
		sqlite3_bind_int(st, 14, d->decimals);
		sqlite3_bind_int(st, 15, d->min_n);
		/* Freed below, before the next step: SQLite copies it. */
		sqlite3_bind_text(st, 16, def, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing an indicator");
			goto done;
		}
		free(def);
		def = NULL;
	}
	rc = IMPACT_OK;
done:
	free(def);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Replace library `code`: delete it (the foreign keys cascade to its
 * indicators and their results), then insert it and its indicators.
 * Runs inside the caller's transaction.
 */
static int store(impact *h, const char *code, const char *title_fr,
                 const char *title_en, const char *text,
                 const struct indicator *ds, size_t n)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	if ((rc = impact__prepare(h, &st, "DELETE FROM indicator_libraries"
	                          " WHERE code = ?1;")) != IMPACT_OK)
		goto done;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = impact__db_error(h, "replacing the library");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	impact__utc_now(now, sizeof(now));
	if ((rc = impact__prepare(h, &st, "INSERT INTO indicator_libraries"
	                          " (code, title_fr, title_en, definition,"
	                          " added_at) VALUES (?1, ?2, ?3, ?4, ?5);"))
	    != IMPACT_OK)
		goto done;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, title_fr, -1, SQLITE_STATIC);
	bind_text(st, 3, title_en);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = impact__db_error(h, "storing the library");
		goto done;
	}
	rc = store_indicators(h, sqlite3_last_insert_rowid(h->db), ds, n);
done:
	sqlite3_finalize(st);
	return rc;
}

int impact_indicators_add(impact *h, const char *path, char **out_code,
                          size_t *out_count)
{
	struct indicator *ds = NULL;
	struct ctx c;
	json_t *root = NULL;
	const char *code = NULL, *title_fr = NULL, *title_en = NULL;
	char *text = NULL;
	size_t n = 0;
	int rc, in_tx = 0;

	assert(h && path);
	impact__clear_error(h);
	memset(&c, 0, sizeof(c));
	if (out_code)
		*out_code = NULL;
	if (out_count)
		*out_count = 0;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__jd_load(&c.j, h, path, "an indicator library",
	                          "the library format, docs/indicators.md", &text,
	                          &root)) != IMPACT_OK)
		goto done;
	if ((rc = check(&c, root, &code, &title_fr, &title_en, &ds, &n)) != 0)
		goto done;
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		goto done;
	in_tx = 1;
	if ((rc = store(h, code, title_fr, title_en, c.j.text, ds, n)) != 0)
		goto done;
	if (out_code && !(*out_code = strdup(code))) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if (out_count)
		*out_count = n;
	rc = IMPACT_OK;
done:
	if (in_tx)
		rc = impact__end_tx(h, rc);
	if (rc != IMPACT_OK && out_code) {
		free(*out_code);
		*out_code = NULL;
	}
	if (rc != IMPACT_OK && out_count)
		*out_count = 0;
	free(ds);
	impact__jd_release(&c.j);
	json_decref(root);
	free(text);
	return rc;
}

/*
 * Walk the stored indicators (see impact/indicators.h): one query joined
 * to their library, ordered by library id then position, one callback per
 * row.
 */
int impact_indicators_each(impact *h,
                           int (*cb)(void *payload,
                                     const impact_indicator_info *i),
                           void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	assert(h && cb);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT l.code, i.code, i.label_fr,"
	                          " coalesce(i.label_en, i.label_fr), i.description_fr,"
	                          " i.description_en, i.domain, i.source,"
	                          " i.kind, i.unit_fr, i.unit_en, i.direction,"
	                          " i.decimals, i.min_n FROM indicators i"
	                          " JOIN indicator_libraries l"
	                          " ON l.id = i.library_id"
	                          " ORDER BY l.code, i.position;")) != 0)
		return rc;
	rc = IMPACT_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_indicator_info i;

#define TEXT(col) ((const char *)sqlite3_column_text(st, (col)))
		i.library = TEXT(0);
		i.code = TEXT(1);
		i.label_fr = TEXT(2);
		i.label_en = TEXT(3);
		i.description_fr = TEXT(4);
		i.description_en = TEXT(5);
		i.domain = TEXT(6);
		i.source = TEXT(7);
		i.kind = TEXT(8);
		i.unit_fr = TEXT(9);
		i.unit_en = TEXT(10);
#undef TEXT
		i.direction = sqlite3_column_int(st, 11);
		i.decimals = sqlite3_column_int(st, 12);
		i.min_n = sqlite3_column_int(st, 13);
		if ((rc = cb(payload, &i)) != 0)
			break;
	}
	if (rc == IMPACT_OK && step != SQLITE_DONE)
		rc = impact__db_error(h, "listing indicators");
	sqlite3_finalize(st);
	return rc;
}
