/*
 * indicators/index_def.c: definitions of the local gross-happiness index
 * (JSON, docs/index.md, "Definition (JSON)"), the domains, indicators,
 * sufficiency thresholds and weights impact_index_compute() reads.
 *
 * impact_index_add() reads the file, parses it with jansson, checks every
 * key and value (check(): the top level, then each domain and each of
 * its indicators, then the territory weights, which name domains), and
 * stores the file's text in index_definitions, replacing the definition
 * with the same id, in one transaction.  Nothing but the text is stored:
 * the computation parses it again, so what it reads is exactly what was
 * checked.  The checker keeps only what later checks need in `struct
 * ctx`: the ids of the domains and of the indicators seen so far.
 *
 * A definition may be added before the questionnaire it is written for,
 * so an unknown question id is accepted; but when stored questionnaires
 * have a question with that id, it must have numeric answers (a scale,
 * rating, yesno or number question, or a single choice with values), a
 * rescaled one (`"scale": true`) must have both bounds, and a threshold
 * on raw values must lie within the values the questions can give.
 *
 * Every refusal reads "FILE:LINE:COLUMN: domains[2].indicators[0].threshold:
 * problem", as the questionnaire and indicator-library loaders' do
 * (surveys/survey.c, indicators/library.c, whose error helpers these
 * follow): jansson gives the position of syntax errors, the JSON position
 * index (surveys/jsonpos.c), built on the first error only, that of a
 * value that parses but is wrong: the offending value, the key of an
 * unknown key, the enclosing object of a missing key.
 *
 * Read next: docs/index.md (the method the definition feeds).
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
#include "impact/index.h"


/* Largest definition file read (a definition is a few kilobytes). */
#define MAX_FILE (4u * 1024 * 1024)

/* An indicator id already used, and where, for the uniqueness check. */
struct seen {
	const char *id;        /* borrowed from the JSON tree */
	size_t domain, index;  /* domains[domain].indicators[index] */
};

/* The state of one impact_index_add() check. */
struct ctx {
	impact__jdef j;         /* the file, its text, error positions */
	struct seen *seen;      /* indicator ids so far (owned array) */
	size_t nseen, capseen;  /* used and allocated */
};

/* What the stored questionnaires say of one question id. */
struct stored {
	int found;              /* a stored questionnaire has it */
	int has_min, has_max;   /* its bounds, when it has them */
	double min, max;
	char survey[IMPACT__JD_MAX_PTR];   /* the questionnaire it was read from */
};

static const char *const schemes[] = { "equal", "territory",
                                       "participatory", "pca", NULL };
static const char *const combines[] = { "mean", "min", "max", "sum",
                                        NULL };

/* Check that `v` (at `ptr`) is a finite number above 0 (a weight). */
static int positive(struct ctx *c, const char *ptr, json_t *v)
{
	if (!json_is_number(v) || !isfinite(json_number_value(v))
	    || !(json_number_value(v) > 0))
		return impact__jd_bad(&c->j, ptr, "expected a positive number (a relative "
		           "weight)");
	return IMPACT_OK;
}

/*
 * What the stored questionnaires say of question `qid`, into *out: not
 * found (accepted: the questionnaire may come later), or the bounds of
 * the first stored question with that id and numeric answers.  When
 * every stored question with that id has non-numeric answers, the
 * definition is refused at `ptr`.
 */
static int stored_question(struct ctx *c, const char *ptr, const char *qid,
                           struct stored *out)
{
	sqlite3_stmt *st = NULL;
	char msg[400] = "";
	int rc, step;

	memset(out, 0, sizeof(*out));
	if ((rc = impact__prepare(c->j.h, &st, "SELECT q.kind, q.min, q.max,"
	                          " s.code FROM questions q JOIN surveys s"
	                          " ON s.id = q.survey_id WHERE q.code = ?1"
	                          " ORDER BY s.id;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, qid, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const char *survey = (const char *)sqlite3_column_text(st, 3);
		int has_min = sqlite3_column_type(st, 1) != SQLITE_NULL;
		static const char *const numeric[] = { "scale", "rating",
		                                       "yesno", "number", NULL };

		if (!impact__jd_in_list(kind, numeric)
		    && !(strcmp(kind, "single") == 0 && has_min)) {
			snprintf(msg, sizeof(msg), "question \"%s\" of "
			         "questionnaire \"%s\" is a \"%s\" question%s: a "
			         "number is needed (a scale, rating, yesno or "
			         "number question, or a single choice with "
			         "values)", qid, survey, kind,
			         strcmp(kind, "single") == 0 ? " without values"
			                                     : "");
			continue;
		}
		out->found = 1;
		out->has_min = has_min;
		out->has_max = sqlite3_column_type(st, 2) != SQLITE_NULL;
		out->min = sqlite3_column_double(st, 1);
		out->max = sqlite3_column_double(st, 2);
		snprintf(out->survey, sizeof(out->survey), "%s", survey);
		break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = impact__db_error(c->j.h, "reading the stored questions");
	else if (!out->found && *msg)
		rc = impact__jd_bad(&c->j, ptr, "%s", msg);
	else
		rc = IMPACT_OK;
	sqlite3_finalize(st);
	return rc;
}

/* The bounds of a question as "0 to 10", "at least 0" or "at most 5". */
static const char *range_text(char *out, size_t size, int has_min,
                              double min, int has_max, double max)
{
	if (has_min && has_max)
		snprintf(out, size, "%g to %g", min, max);
	else if (has_min)
		snprintf(out, size, "at least %g", min);
	else
		snprintf(out, size, "at most %g", max);
	return out;
}

/*
 * Check the threshold `z` of indicator `o` (at `ptr`) against what its
 * combined value can be.  Rescaled questions give 0 to 1 each, so their
 * mean, min or max lies in [0, 1] and their sum in [0, n]; otherwise,
 * with the bounds the stored questionnaires give (qs[0..n), when found),
 * z must lie within each question's values for mean, min and max, and
 * within the sums of the bounds for a sum.  Bounds included.
 */
static int threshold_range(struct ctx *c, const char *ptr, double z,
                           int scale, const char *combine,
                           json_t *questions, const struct stored *qs,
                           size_t n)
{
	char sub[IMPACT__JD_MAX_PTR], range[96];
	int sum = strcmp(combine, "sum") == 0, lo_ok = 1, hi_ok = 1;
	double lo = 0, hi = 0;
	size_t k;

	impact__jd_ptrf(sub, "%s/threshold", ptr);
	if (scale) {
		hi = sum ? (double)n : 1;
		if (z < 0 || z > hi)
			return impact__jd_bad(&c->j, sub, "%g is outside 0 to %g: with \"scale\":"
			           " true each question's value is rescaled to "
			           "0-1, so the %s lies from 0 to %g", z, hi,
			           combine, hi);
		return IMPACT_OK;
	}
	for (k = 0; k < n; k++) {
		const struct stored *q = &qs[k];
		const char *qid = json_string_value(json_array_get(questions,
		                                                   k));

		if (sum) {
			lo_ok = lo_ok && q->found && q->has_min;
			hi_ok = hi_ok && q->found && q->has_max;
			lo += q->min;
			hi += q->max;
			continue;
		}
		if (!q->found || (!q->has_min && !q->has_max))
			continue;
		if ((q->has_min && z < q->min) || (q->has_max && z > q->max))
			return impact__jd_bad(&c->j, sub, "%g is outside the values of question "
			           "\"%s\" (%s in questionnaire \"%s\")", z, qid,
			           range_text(range, sizeof(range), q->has_min,
			                      q->min, q->has_max, q->max),
			           q->survey);
	}
	if (sum && ((lo_ok && z < lo) || (hi_ok && z > hi)))
		return impact__jd_bad(&c->j, sub, "%g is outside the possible sums of the "
		           "questions (%s in the stored questionnaires)", z,
		           range_text(range, sizeof(range), lo_ok, lo, hi_ok,
		                      hi));
	return IMPACT_OK;
}

/*
 * Check the questions of indicator `o` (at `ptr`, array `qa`) against the
 * stored questionnaires (numeric answers, and both bounds when
 * rescaled), then its threshold `z` against their values.
 */
static int fit_questions(struct ctx *c, const char *ptr, json_t *qa,
                         double z, int scale, const char *combine)
{
	struct stored *qs;
	char sub[IMPACT__JD_MAX_PTR];
	size_t n = json_array_size(qa), k;
	int rc = IMPACT_OK;

	if (!(qs = calloc(n, sizeof(*qs))))
		return impact__error(c->j.h, IMPACT_ENOMEM, "out of memory");
	for (k = 0; k < n && rc == IMPACT_OK; k++) {
		const char *qid = json_string_value(json_array_get(qa, k));

		impact__jd_ptrf(sub, "%s/questions/%zu", ptr, k);
		if ((rc = stored_question(c, sub, qid, &qs[k])) != IMPACT_OK)
			break;
		if (scale && qs[k].found && !(qs[k].has_min && qs[k].has_max))
			rc = impact__jd_bad(&c->j, sub, "question \"%s\" of questionnaire \"%s\" "
			         "has no %s: \"scale\": true rescales by the "
			         "bounds, (x - min) / (max - min)", qid,
			         qs[k].survey, qs[k].has_min ? "max"
			                       : qs[k].has_max ? "min"
			                                       : "min and max");
	}
	if (rc == IMPACT_OK)
		rc = threshold_range(c, ptr, z, scale, combine, qa, qs, n);
	free(qs);
	return rc;
}

/* Check that `v` (at `ptr`) is a non-empty array of distinct question
 * ids. */
static int question_list(struct ctx *c, const char *ptr, json_t *v)
{
	char sub[IMPACT__JD_MAX_PTR];
	const char *qid;
	size_t k, j;
	int rc;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return impact__jd_bad(&c->j, ptr, "expected a non-empty array of question ids");
	for (k = 0; k < json_array_size(v); k++) {
		impact__jd_ptrf(sub, "%s/%zu", ptr, k);
		if ((rc = impact__jd_id_value(&c->j, sub, json_array_get(v, k), "a question id",
		                   &qid)) != IMPACT_OK)
			return rc;
		for (j = 0; j < k; j++)
			if (strcmp(json_string_value(json_array_get(v, j)),
			           qid) == 0)
				return impact__jd_bad(&c->j, sub, "\"%s\" is already given at "
				           "[%zu]", qid, j);
	}
	return IMPACT_OK;
}

/* Remember indicator id `id` of domains[d].indicators[i], refusing it
 * (at `ptr`) when an earlier indicator of the index has it. */
static int unique_indicator(struct ctx *c, const char *ptr, const char *id,
                            size_t d, size_t i)
{
	struct seen *s;
	size_t k;

	for (k = 0; k < c->nseen; k++)
		if (strcmp(c->seen[k].id, id) == 0)
			return impact__jd_bad(&c->j, ptr, "\"%s\" is already the id of "
			           "domains[%zu].indicators[%zu]: indicator ids "
			           "are unique in the index", id,
			           c->seen[k].domain, c->seen[k].index);
	if (c->nseen == c->capseen) {
		size_t cap = c->capseen ? 2 * c->capseen : 32;

		if (!(s = realloc(c->seen, cap * sizeof(*s))))
			return impact__error(c->j.h, IMPACT_ENOMEM,
			                     "out of memory");
		c->seen = s;
		c->capseen = cap;
	}
	c->seen[c->nseen].id = id;
	c->seen[c->nseen].domain = d;
	c->seen[c->nseen].index = i;
	c->nseen++;
	return IMPACT_OK;
}

/* Check indicator i of domain d (JSON `o`): its keys, then its
 * questions and threshold against the stored questionnaires. */
static int indicator(struct ctx *c, json_t *o, size_t d, size_t i)
{
	static const char *const keys[] = { "id", "label", "questions",
	                                    "combine", "scale", "threshold",
	                                    "direction", "weight", NULL };
	char ptr[IMPACT__JD_MAX_PTR], sub[IMPACT__JD_MAX_PTR];
	const char *id, *fr, *en, *combine = "mean", *s;
	json_t *v, *qa;
	double z;
	int rc, scale = 0;

	impact__jd_ptrf(ptr, "/domains/%zu/indicators/%zu", d, i);
	if (!json_is_object(o))
		return impact__jd_bad(&c->j, ptr, "expected an object with id, label, "
		           "questions and threshold");
	if ((rc = impact__jd_only_keys(&c->j, ptr, o, keys)) != IMPACT_OK)
		return rc;
	if (!(v = json_object_get(o, "id")))
		return impact__jd_bad(&c->j, ptr, "\"id\" is required");
	impact__jd_ptrf(sub, "%s/id", ptr);
	if ((rc = impact__jd_id_value(&c->j, sub, v, "an indicator id", &id)) != IMPACT_OK
	    || (rc = unique_indicator(c, sub, id, d, i)) != IMPACT_OK)
		return rc;
	if (!(v = json_object_get(o, "label")))
		return impact__jd_bad(&c->j, ptr, "\"label\" is required");
	if ((rc = impact__jd_label(&c->j, impact__jd_ptrf(sub, "%s/label", ptr), v, &fr, &en)) != 0)
		return rc;
	if (!(qa = json_object_get(o, "questions")))
		return impact__jd_bad(&c->j, ptr, "\"questions\" is required (the question "
		           "ids whose answers make the indicator)");
	if ((rc = question_list(c, impact__jd_ptrf(sub, "%s/questions", ptr), qa)) != 0)
		return rc;
	if ((v = json_object_get(o, "combine"))) {
		s = json_is_string(v) ? json_string_value(v) : "";
		if (!impact__jd_in_list(s, combines))
			return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/combine", ptr), "expected "
			           "\"mean\", \"min\", \"max\" or \"sum\"");
		combine = s;
	}
	if ((v = json_object_get(o, "scale"))) {
		if (!json_is_boolean(v))
			return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/scale", ptr), "expected true "
			           "or false");
		scale = json_is_true(v);
	}
	if (!(v = json_object_get(o, "threshold")))
		return impact__jd_bad(&c->j, ptr, "\"threshold\" is required (the sufficiency "
		           "cutoff)");
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/threshold", ptr), "expected a "
		           "number (the sufficiency cutoff)");
	z = json_number_value(v);
	if ((v = json_object_get(o, "direction"))) {
		s = json_is_string(v) ? json_string_value(v) : "";
		if (strcmp(s, "higher") && strcmp(s, "lower"))
			return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/direction", ptr), "expected "
			           "\"higher\" (sufficient at or above the "
			           "threshold) or \"lower\" (at or below it)");
	}
	if ((v = json_object_get(o, "weight"))
	    && (rc = positive(c, impact__jd_ptrf(sub, "%s/weight", ptr), v)) != 0)
		return rc;
	return fit_questions(c, ptr, qa, z, scale, combine);
}

/*
 * Check domain d (JSON `o`) and its indicators, given the domains before
 * it (ids unique) and whether domains[0] gives a weight (`weighted`:
 * weights are given for every domain or for none).
 */
static int domain(struct ctx *c, json_t *domains, size_t d, int weighted)
{
	static const char *const keys[] = { "id", "label", "weight",
	                                    "importance", "indicators", NULL };
	json_t *o = json_array_get(domains, d), *v, *arr;
	char ptr[IMPACT__JD_MAX_PTR], sub[IMPACT__JD_MAX_PTR];
	const char *id, *fr, *en, *qid;
	struct stored q;
	size_t j, i;
	int rc;

	impact__jd_ptrf(ptr, "/domains/%zu", d);
	if (!json_is_object(o))
		return impact__jd_bad(&c->j, ptr, "expected an object with id, label and "
		           "indicators");
	if ((rc = impact__jd_only_keys(&c->j, ptr, o, keys)) != IMPACT_OK)
		return rc;
	if (!(v = json_object_get(o, "id")))
		return impact__jd_bad(&c->j, ptr, "\"id\" is required");
	impact__jd_ptrf(sub, "%s/id", ptr);
	if ((rc = impact__jd_id_value(&c->j, sub, v, "a domain id", &id)) != IMPACT_OK)
		return rc;
	for (j = 0; j < d; j++)
		if (strcmp(json_string_value(json_object_get(
		           json_array_get(domains, j), "id")), id) == 0)
			return impact__jd_bad(&c->j, sub, "\"%s\" is already the id of "
			           "domains[%zu]", id, j);
	if (!(v = json_object_get(o, "label")))
		return impact__jd_bad(&c->j, ptr, "\"label\" is required");
	if ((rc = impact__jd_label(&c->j, impact__jd_ptrf(sub, "%s/label", ptr), v, &fr, &en)) != 0)
		return rc;
	if ((v = json_object_get(o, "weight"))) {
		if ((rc = positive(c, impact__jd_ptrf(sub, "%s/weight", ptr), v)) != 0)
			return rc;
		if (!weighted)
			return impact__jd_bad(&c->j, sub, "domains[0] gives no weight: give a "
			           "weight to every domain or to none");
	} else if (weighted) {
		return impact__jd_bad(&c->j, ptr, "\"weight\" is required: domains[0] gives "
		           "one, and weights are given to every domain or to "
		           "none");
	}
	if ((v = json_object_get(o, "importance"))) {
		impact__jd_ptrf(sub, "%s/importance", ptr);
		if ((rc = impact__jd_id_value(&c->j, sub, v, "a question id (the domain's "
		                   "importance rating)", &qid)) != IMPACT_OK
		    || (rc = stored_question(c, sub, qid, &q)) != IMPACT_OK)
			return rc;
	}
	if (!(arr = json_object_get(o, "indicators")))
		return impact__jd_bad(&c->j, ptr, "\"indicators\" is required");
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return impact__jd_bad(&c->j, impact__jd_ptrf(sub, "%s/indicators", ptr), "expected a "
		           "non-empty array of indicators");
	for (i = 0; i < json_array_size(arr); i++)
		if ((rc = indicator(c, json_array_get(arr, i), d, i)) != 0)
			return rc;
	return IMPACT_OK;
}

/* Is `id` the id of one of the (checked) `domains`? */
static int has_domain(json_t *domains, const char *id)
{
	size_t d;

	for (d = 0; d < json_array_size(domains); d++)
		if (strcmp(json_string_value(json_object_get(
		           json_array_get(domains, d), "id")), id) == 0)
			return 1;
	return 0;
}

/*
 * Check `territory_weights` (`tw`, after the domains): an object whose
 * keys are territory codes, each giving a non-empty object of domain id
 * -> positive weight.  The territories need not be imported yet.
 */
static int territory_weights(struct ctx *c, json_t *tw, json_t *domains)
{
	char ptr[IMPACT__JD_MAX_PTR], sub[IMPACT__JD_MAX_PTR];
	const char *code, *id;
	json_t *o, *w;

	if (!json_is_object(tw))
		return impact__jd_bad(&c->j, "/territory_weights", "expected an object: "
		           "territory code -> {domain id: weight}");
	json_object_foreach(tw, code, o) {
		if (!impact__jd_valid_id(code))
			return impact__jd_bad_key(&c->j, "/territory_weights", code, "expected a "
			               "territory code: 1 to 64 letters, digits, "
			               "'-', '_' or '.'");
		if (impact__jsonpos_child(ptr, sizeof(ptr),
		                          "/territory_weights", code) != 0)
			impact__jd_ptrf(ptr, "/territory_weights");
		if (!json_is_object(o) || json_object_size(o) == 0)
			return impact__jd_bad(&c->j, ptr, "expected a non-empty object: domain "
			           "id -> weight");
		json_object_foreach(o, id, w) {
			if (!has_domain(domains, id))
				return impact__jd_bad_key(&c->j, ptr, id, "unknown domain \"%s\": "
				               "expected the id of one of the "
				               "definition's domains", id);
			if (impact__jsonpos_child(sub, sizeof(sub), ptr, id) != 0)
				impact__jd_ptrf(sub, "%s", ptr);
			if (positive(c, sub, w) != IMPACT_OK)
				return IMPACT_EDATA;
		}
	}
	return IMPACT_OK;
}

/*
 * Check the whole definition `root`: *code, *title_fr and *title_en
 * (may be NULL) receive its id and title, borrowed from the tree.
 */
static int check(struct ctx *c, json_t *root, const char **code,
                 const char **title_fr, const char **title_en)
{
	static const char *const keys[] = { "id", "title", "cutoff",
	                                    "weights", "territory_weights",
	                                    "domains", NULL };
	json_t *v, *domains, *first;
	size_t d;
	int rc, weighted;

	if ((rc = impact__jd_head(&c->j, root, keys, "domains", "the index's id", code,
	                          title_fr, title_en)) != IMPACT_OK)
		return rc;
	/* Alkire-Foster's k: a share of the weighted sufficiency, so in
	 * (0, 1]; 0 would make everyone happy. */
	if ((v = json_object_get(root, "cutoff"))
	    && (!json_is_number(v) || !(json_number_value(v) > 0)
	        || !(json_number_value(v) <= 1)))
		return impact__jd_bad(&c->j, "/cutoff", "expected a number above 0 and at "
		           "most 1 (the share of weighted sufficiency that "
		           "makes a person happy, 0.66 in the GNH index)");
	if ((v = json_object_get(root, "weights"))
	    && (!json_is_string(v) || !impact__jd_in_list(json_string_value(v),
	                                      schemes)))
		return impact__jd_bad(&c->j, "/weights", "expected \"equal\", \"territory\", "
		           "\"participatory\" or \"pca\"");
	if (!(domains = json_object_get(root, "domains")))
		return impact__jd_bad(&c->j, "", "\"domains\" is required");
	if (!json_is_array(domains) || json_array_size(domains) == 0)
		return impact__jd_bad(&c->j, "/domains", "expected a non-empty array of "
		           "domains");
	first = json_array_get(domains, 0);
	weighted = json_is_object(first)
	           && json_object_get(first, "weight") != NULL;
	for (d = 0; d < json_array_size(domains); d++)
		if ((rc = domain(c, domains, d, weighted)) != IMPACT_OK)
			return rc;
	if ((v = json_object_get(root, "territory_weights")))
		return territory_weights(c, v, domains);
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

/* Store the definition `text` under `code`, replacing one with the same
 * code (its row id kept).  Runs inside the caller's transaction. */
static int store(impact *h, const char *code, const char *title_fr,
                 const char *title_en, const char *text)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	impact__utc_now(now, sizeof(now));
	if ((rc = impact__prepare(h, &st, "INSERT INTO index_definitions"
	                          " (code, title_fr, title_en, definition,"
	                          " added_at) VALUES (?1, ?2, ?3, ?4, ?5)"
	                          " ON CONFLICT (code) DO UPDATE SET"
	                          " title_fr = excluded.title_fr,"
	                          " title_en = excluded.title_en,"
	                          " definition = excluded.definition,"
	                          " added_at = excluded.added_at;")) != 0)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, title_fr, -1, SQLITE_STATIC);
	bind_text(st, 3, title_en);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE
	     ? IMPACT_OK : impact__db_error(h, "storing the index definition");
	sqlite3_finalize(st);
	return rc;
}

/*
 * Add an index definition (see impact/index.h): read, parse, check, then
 * store in one transaction.  The text stored is the file's, without a
 * UTF-8 byte-order mark.
 */
int impact_index_add(impact *h, const char *path, char **out_code)
{
	struct ctx c;
	json_t *root = NULL;
	const char *code = NULL, *title_fr = NULL, *title_en = NULL;
	char *text = NULL;
	int rc, in_tx = 0;

	assert(h && path);
	impact__clear_error(h);
	memset(&c, 0, sizeof(c));
	if (out_code)
		*out_code = NULL;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__jd_load(&c.j, h, path, "an index definition",
	                          "the index definition, docs/index.md", &text,
	                          &root)) != IMPACT_OK)
		goto done;
	/* Read the stored questions and write in one transaction, so that
	 * the checks hold for what is stored. */
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		goto done;
	in_tx = 1;
	if ((rc = check(&c, root, &code, &title_fr, &title_en)) != IMPACT_OK)
		goto done;
	if ((rc = store(h, code, title_fr, title_en, c.j.text)) != IMPACT_OK)
		goto done;
	if (out_code && !(*out_code = strdup(code))) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	rc = IMPACT_OK;
done:
	if (in_tx)
		rc = impact__end_tx(h, rc);
	if (rc != IMPACT_OK && out_code) {
		free(*out_code);
		*out_code = NULL;
	}
	free(c.seen);
	impact__jd_release(&c.j);
	json_decref(root);
	free(text);
	return rc;
}
