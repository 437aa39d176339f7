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
#include "jsonpos.h"
#include "text.h"

#define MAX_PTR 256    /* JSON Pointers the loader builds ("/questions/..") */

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
	impact *h;
	const char *file;       /* path, for messages */
	const char *text;       /* JSON text (BOM skipped) */
	size_t len;
	impact_jsonpos *pos;    /* built on the first error, or NULL */
};

static const char *const types[] = { "scale", "rating", "yesno", "single",
                                     "multiple", "number", "date", "text",
                                     NULL };
static const char *const roles[] = { "place", "respondent", "date",
                                     "age_band", "sex", "commune",
                                     "activity_status", NULL };

/* Read a whole file into a NUL-terminated buffer (caller frees). */
static int slurp(impact *h, const char *path, char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	*out = NULL;
	if (!fp)
		return impact__error(h, errno == ENOENT ? IMPACT_ENOTFOUND
		                                        : IMPACT_EIO,
		                     "cannot open '%s': %s", path, strerror(errno));
	do {
		if (cap - n < 4096) {
			char *p;

			cap = cap ? 2 * cap : 8192;
			if (cap > 16u * 1024 * 1024) {
				free(buf);
				fclose(fp);
				return impact__error(h, IMPACT_EDATA, "%s: file too "
				                     "large for a questionnaire (16 MiB "
				                     "at most)", path);
			}
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(fp);
				return impact__error(h, IMPACT_ENOMEM, "out of memory");
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
	} while (got > 0);
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		return impact__error(h, IMPACT_EIO, "cannot read '%s'", path);
	}
	fclose(fp);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return IMPACT_OK;
}

static char *ptrf(char *out, const char *fmt, ...) IMPACT__PRINTF(2, 3);

/* Format a JSON Pointer into out (MAX_PTR bytes), truncated if longer:
 * a truncated pointer finds no value, and errors then fall back to the
 * enclosing value's position.  Returns out. */
static char *ptrf(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, MAX_PTR, fmt, ap);
	va_end(ap);
	return out;
}

/*
 * Write the pointer `ptr` ("/questions/3/max") as people read it
 * ("questions[3].max") into out; "" becomes "top level".
 */
static void show_path(char *out, size_t size, const char *ptr)
{
	size_t n = 0;

	out[0] = '\0';
	if (!*ptr) {
		snprintf(out, size, "top level");
		return;
	}
	while (*ptr == '/' && n + 1 < size) {
		const char *seg = ++ptr;
		size_t len = strcspn(seg, "/"), k;
		int digits = len > 0;

		for (k = 0; k < len; k++)
			if (seg[k] < '0' || seg[k] > '9')
				digits = 0;
		if (digits) {
			n += (size_t)snprintf(out + n, size - n, "[%.*s]",
			                      (int)len, seg);
		} else {
			if (n > 0)
				out[n++] = '.';
			for (k = 0; k < len && n + 1 < size; k++) {
				if (seg[k] == '~' && k + 1 < len) {
					out[n++] = seg[k + 1] == '1' ? '/' : '~';
					k++;
				} else {
					out[n++] = seg[k];
				}
			}
			out[n] = '\0';
		}
		if (n >= size) {
			out[size - 1] = '\0';
			return;
		}
		ptr = seg + len;
	}
}

static int bad_at(struct ctx *c, const char *pos_ptr, int at_key,
                  const char *show_ptr, const char *fmt, ...)
	IMPACT__PRINTF(5, 6);

/*
 * Record an IMPACT_EDATA error "FILE:LINE:COL: PATH: message", the
 * position being that of the value at pointer `pos_ptr` (of its key when
 * `at_key`), or of the nearest enclosing value found, and PATH the
 * readable form of `show_ptr`.  Returns IMPACT_EDATA.
 */
static int bad_at(struct ctx *c, const char *pos_ptr, int at_key,
                  const char *show_ptr, const char *fmt, ...)
{
	char msg[600], where[300], ptr[MAX_PTR];
	int line = 1, col = 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	show_path(where, sizeof(where), show_ptr);
	if (!c->pos && impact__jsonpos_new(&c->pos, c->text, c->len) != 0)
		c->pos = NULL;
	ptrf(ptr, "%s", pos_ptr);
	while (!impact__jsonpos_get(c->pos, ptr, at_key, &line, &col)) {
		char *slash = strrchr(ptr, '/');

		if (!slash) {
			line = col = 1;
			break;
		}
		*slash = '\0';
		at_key = 0;
	}
	return impact__error(c->h, IMPACT_EDATA, "%s:%d:%d: %s: %s", c->file,
	                     line, col, where, msg);
}

static int bad(struct ctx *c, const char *ptr, const char *fmt, ...)
	IMPACT__PRINTF(3, 4);

/* bad_at() for the usual case: reported at and about the value `ptr`. */
static int bad(struct ctx *c, const char *ptr, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bad_at(c, ptr, 0, ptr, "%s", msg);
}

/* Is `s` one of the NULL-terminated `list`? */
static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* Check that object `o` (at pointer `ptr`) has only keys from the
 * NULL-terminated `allowed`; an unknown key is reported at the key. */
static int only_keys(struct ctx *c, const char *ptr, json_t *o,
                     const char *const *allowed)
{
	char child[MAX_PTR];
	const char *key;
	json_t *v;
	int at_key;

	json_object_foreach(o, key, v) {
		if (in_list(key, allowed))
			continue;
		/* A key too long for a pointer: report at its object. */
		at_key = impact__jsonpos_child(child, sizeof(child), ptr,
		                               key) == 0;
		if (!at_key)
			ptrf(child, "%s", ptr);
		return bad_at(c, child, at_key, ptr, "unknown key \"%s\" (see "
		              "the questionnaire format, docs/formats.md)",
		              key);
	}
	(void)v;
	return IMPACT_OK;
}

/* Same rule as codes in CSV files: 1 to 64 of [A-Za-z0-9_.-]. */
static int valid_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char ch = s[n];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
		      || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'
		      || ch == '.'))
			return 0;
	}
	return n > 0 && n <= 64;
}

/* Read a string value that must be an id (valid_id); `what` names the
 * expectation in the message ("a short word such as \"health\""). */
static int id_value(struct ctx *c, const char *ptr, json_t *v,
                    const char *what, const char **out)
{
	if (!json_is_string(v) || !valid_id(json_string_value(v)))
		return bad(c, ptr, "expected %s: 1 to 64 letters, digits, '-', "
		           "'_' or '.'", what);
	*out = json_string_value(v);
	return IMPACT_OK;
}

/* A heap copy of `s` folded by impact__fold(), or NULL when out of
 * memory (the caller frees). */
static char *fold_dup(const char *s)
{
	size_t size = 2 * strlen(s) + 1;
	char *out = malloc(size);

	return out ? impact__fold(out, size, s) : NULL;
}

/* Read a {"fr": ..., "en": ...} label at pointer `ptr`; fr required and
 * non-empty, en optional. */
static int label(struct ctx *c, const char *ptr, json_t *o,
                 const char **fr, const char **en)
{
	static const char *const keys[] = { "fr", "en", NULL };
	char sub[MAX_PTR];
	json_t *f, *e;
	int rc;

	if (!json_is_object(o))
		return bad(c, ptr, "expected an object {\"fr\": \"...\", "
		           "\"en\": \"...\"}");
	if ((rc = only_keys(c, ptr, o, keys)) != IMPACT_OK)
		return rc;
	f = json_object_get(o, "fr");
	e = json_object_get(o, "en");
	if (!f)
		return bad(c, ptr, "\"fr\" is required (the French text)");
	ptrf(sub, "%s/fr", ptr);
	if (!json_is_string(f) || json_string_length(f) == 0)
		return bad(c, sub, "expected a non-empty string");
	ptrf(sub, "%s/en", ptr);
	if (e && !json_is_string(e))
		return bad(c, sub, "expected a string");
	*fr = json_string_value(f);
	*en = e && json_string_length(e) > 0 ? json_string_value(e) : NULL;
	return IMPACT_OK;
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
	char sub[MAX_PTR];
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
		ptrf(sub, "%s/%s", ptr, mn ? "min" : "max");
		return bad_at(c, sub, 1, sub, "not allowed for a \"%s\" "
		              "question (%s)", q->kind, why);
	}
	if (why)
		return IMPACT_OK;
	if (strcmp(q->kind, "scale") == 0 && (!mn || !mx))
		return bad(c, ptr, "\"%s\" is required for a \"scale\" question",
		           mn ? "max" : "min");
	ptrf(sub, "%s/min", ptr);
	if (mn && !json_is_number(mn))
		return bad(c, sub, "expected a number");
	ptrf(sub, "%s/max", ptr);
	if (mx && !json_is_number(mx))
		return bad(c, sub, "expected a number");
	q->has_min = mn != NULL;
	q->has_max = mx != NULL;
	q->min = mn ? json_number_value(mn) : 0;
	q->max = mx ? json_number_value(mx) : 0;
	if (mn && mx && !(q->min < q->max))
		return bad(c, sub, "must be greater than min (here %g <= %g)",
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
	char sub[MAX_PTR], cp[MAX_PTR];
	char **fcodes = NULL, **flabels = NULL;
	int choosing = strcmp(q->kind, "single") == 0
	               || strcmp(q->kind, "multiple") == 0;
	size_t n, k, j;
	int rc = IMPACT_OK, valued = 0;

	ptrf(sub, "%s/choices", ptr);
	if (!choosing && arr)
		return bad_at(c, sub, 1, sub, "only \"single\" and "
		              "\"multiple\" questions have choices");
	if (!choosing)
		return IMPACT_OK;
	if (!arr)
		return bad(c, ptr, "\"choices\" is required for a \"%s\" "
		           "question", q->kind);
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return bad(c, sub, "expected a non-empty array of choices");
	n = json_array_size(arr);
	q->choices = calloc(n, sizeof(*q->choices));
	fcodes = calloc(n, sizeof(*fcodes));
	flabels = calloc(n, sizeof(*flabels));
	if (!q->choices || !fcodes || !flabels) {
		rc = impact__error(c->h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	q->nchoices = n;
	for (k = 0; k < n; k++) {
		struct choice *ch = &q->choices[k];
		json_t *e = json_array_get(arr, k), *v;

		ptrf(cp, "%s/%zu", sub, k);
		if (!json_is_object(e)) {
			rc = bad(c, cp, "expected an object {\"code\", \"label\", "
			         "\"value\"}");
			goto done;
		}
		if ((rc = only_keys(c, cp, e, keys)) != IMPACT_OK)
			goto done;
		if (!(v = json_object_get(e, "code"))) {
			rc = bad(c, cp, "\"code\" is required");
			goto done;
		}
		ptrf(cp, "%s/%zu/code", sub, k);
		if (!json_is_string(v) || json_string_length(v) == 0) {
			rc = bad(c, cp, "expected a non-empty string");
			goto done;
		}
		ch->code = json_string_value(v);
		if (strcmp(q->kind, "multiple") == 0 && strchr(ch->code, ';')) {
			rc = bad(c, cp, "\"%s\": a code of a multiple choice "
			         "cannot hold ';' (it separates the codes "
			         "chosen)", ch->code);
			goto done;
		}
		if (!(fcodes[k] = fold_dup(ch->code))) {
			rc = impact__error(c->h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		for (j = 0; j < k; j++)
			if (strcmp(fcodes[j], fcodes[k]) == 0) {
				rc = bad(c, cp, "\"%s\" is already the code of "
				         "choices[%zu]%s", ch->code, j,
				         strcmp(q->choices[j].code, ch->code)
				         ? " (case, accents and spacing aside)"
				         : "");
				goto done;
			}
		ptrf(cp, "%s/%zu", sub, k);
		if (!(v = json_object_get(e, "label"))) {
			rc = bad(c, cp, "\"label\" is required");
			goto done;
		}
		ptrf(cp, "%s/%zu/label", sub, k);
		if ((rc = label(c, cp, v, &ch->fr, &ch->en)) != IMPACT_OK)
			goto done;
		if (!(flabels[k] = fold_dup(ch->fr))) {
			rc = impact__error(c->h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		for (j = 0; j < k; j++)
			if (strcmp(flabels[j], flabels[k]) == 0) {
				ptrf(cp, "%s/%zu/label/fr", sub, k);
				rc = bad(c, cp, "\"%s\" is already the label of "
				         "choices[%zu]", ch->fr, j);
				goto done;
			}
		if ((v = json_object_get(e, "value"))) {
			ptrf(cp, "%s/%zu/value", sub, k);
			if (!json_is_number(v)) {
				rc = bad(c, cp, "expected a number");
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
			rc = bad(c, sub, "the choices' values must not all be "
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
	char sub[MAX_PTR];
	size_t n, k, j;

	if (!arr)
		return IMPACT_OK;
	ptrf(sub, "%s/aliases", ptr);
	if (!json_is_array(arr))
		return bad(c, sub, "expected an array of column names");
	n = json_array_size(arr);
	if (n == 0)
		return IMPACT_OK;
	q->aliases = calloc(n, sizeof(*q->aliases));
	q->faliases = calloc(n, sizeof(*q->faliases));
	if (!q->aliases || !q->faliases)
		return impact__error(c->h, IMPACT_ENOMEM, "out of memory");
	for (k = 0; k < n; k++) {
		json_t *v = json_array_get(arr, k);

		ptrf(sub, "%s/aliases/%zu", ptr, k);
		if (!json_is_string(v) || json_string_length(v) == 0)
			return bad(c, sub, "expected a non-empty string");
		q->aliases[k] = json_string_value(v);
		if (!(q->faliases[k] = fold_dup(q->aliases[k])))
			return impact__error(c->h, IMPACT_ENOMEM,
			                     "out of memory");
		q->naliases = k + 1;
		if (!q->faliases[k][0])
			return bad(c, sub, "\"%s\": a column name needs a letter "
			           "or a digit", q->aliases[k]);
		for (j = 0; j < k; j++)
			if (strcmp(q->faliases[j], q->faliases[k]) == 0)
				return bad(c, sub, "\"%s\" is already aliases[%zu]"
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
	char sub[MAX_PTR];
	size_t j, k, m;
	const char *aside;

	for (j = 0; j < i; j++) {
		const struct question *p = &qs[j];

		ptrf(sub, "/questions/%zu/id", i);
		aside = strcmp(p->id, q->id) ? " (case, accents and spacing "
		                               "aside)" : "";
		if (strcmp(p->fid, q->fid) == 0)
			return bad(c, sub, "\"%s\" is already questions[%zu].id"
			           "%s", q->id, j, aside);
		for (m = 0; m < p->naliases; m++)
			if (strcmp(p->faliases[m], q->fid) == 0)
				return bad(c, sub, "\"%s\" is already an alias of "
				           "questions[%zu] (\"%s\")", q->id, j,
				           p->aliases[m]);
		for (k = 0; k < q->naliases; k++) {
			ptrf(sub, "/questions/%zu/aliases/%zu",
			         i, k);
			if (strcmp(q->faliases[k], p->fid) == 0)
				return bad(c, sub, "\"%s\" is the id of questions"
				           "[%zu] (\"%s\"): a column name must "
				           "name one question", q->aliases[k], j,
				           p->id);
			for (m = 0; m < p->naliases; m++)
				if (strcmp(p->faliases[m], q->faliases[k]) == 0)
					return bad(c, sub, "\"%s\" is already an "
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
	char ptr[MAX_PTR], sub[MAX_PTR];
	json_t *v;
	size_t j;
	int rc;

	ptrf(ptr, "/questions/%zu", i);
	if (!json_is_object(o))
		return bad(c, ptr, "expected an object with id, label and "
		           "type");
	if ((rc = only_keys(c, ptr, o, keys)) != IMPACT_OK)
		return rc;
	/* id */
	if (!(v = json_object_get(o, "id")))
		return bad(c, ptr, "\"id\" is required");
	ptrf(sub, "%s/id", ptr);
	if ((rc = id_value(c, sub, v, "a column name", &q->id)) != IMPACT_OK)
		return rc;
	if (!(q->fid = fold_dup(q->id)))
		return impact__error(c->h, IMPACT_ENOMEM, "out of memory");
	/* label */
	if (!(v = json_object_get(o, "label")))
		return bad(c, ptr, "\"label\" is required");
	ptrf(sub, "%s/label", ptr);
	if ((rc = label(c, sub, v, &q->fr, &q->en)) != IMPACT_OK)
		return rc;
	/* type, bounds, choices */
	if (!(v = json_object_get(o, "type")))
		return bad(c, ptr, "\"type\" is required");
	ptrf(sub, "%s/type", ptr);
	if (!json_is_string(v) || !in_list(json_string_value(v), types))
		return bad(c, sub, "expected one of \"scale\", \"rating\", "
		           "\"yesno\", \"single\", \"multiple\", \"number\", "
		           "\"date\", \"text\"");
	q->kind = json_string_value(v);
	if ((rc = bounds(c, ptr, o, q)) != IMPACT_OK)
		return rc;
	if ((rc = choices(c, ptr, o, q)) != IMPACT_OK)
		return rc;
	/* domain */
	if ((v = json_object_get(o, "domain"))) {
		ptrf(sub, "%s/domain", ptr);
		if ((rc = id_value(c, sub, v, "a short word such as \"health\"",
		                   &q->domain)) != IMPACT_OK)
			return rc;
		if (strcmp(q->kind, "multiple") == 0
		    || strcmp(q->kind, "date") == 0
		    || strcmp(q->kind, "text") == 0)
			return bad(c, sub, "a \"%s\" question cannot count in a "
			           "well-being domain (its answers are not "
			           "numbers)", q->kind);
	}
	/* importance_of */
	if ((v = json_object_get(o, "importance_of"))) {
		ptrf(sub, "%s/importance_of", ptr);
		if ((rc = id_value(c, sub, v, "a domain such as \"health\"",
		                   &q->importance_of)) != IMPACT_OK)
			return rc;
		if (strcmp(q->kind, "rating") && strcmp(q->kind, "scale"))
			return bad(c, sub, "only for a \"rating\" or \"scale\" "
			           "question (this one is \"%s\")", q->kind);
		if (q->domain)
			return bad(c, sub, "a question asking the importance of "
			           "a domain cannot itself have a \"domain\"");
		for (j = 0; j < i; j++)
			if (qs[j].importance_of
			    && strcmp(qs[j].importance_of, q->importance_of) == 0)
				return bad(c, sub, "the importance of \"%s\" is "
				           "already asked by questions[%zu]",
				           q->importance_of, j);
	}
	/* required */
	if ((v = json_object_get(o, "required"))) {
		ptrf(sub, "%s/required", ptr);
		if (!json_is_boolean(v))
			return bad(c, sub, "expected true or false");
		q->required = json_is_true(v);
	}
	/* aliases, then names against the earlier questions */
	if ((rc = aliases(c, ptr, o, q)) != IMPACT_OK)
		return rc;
	if ((rc = names_clash(c, qs, i)) != IMPACT_OK)
		return rc;
	/* role */
	if ((v = json_object_get(o, "role"))) {
		ptrf(sub, "%s/role", ptr);
		if (!json_is_string(v) || !in_list(json_string_value(v), roles))
			return bad(c, sub, "expected one of \"place\", "
			           "\"respondent\", \"date\", \"age_band\", "
			           "\"sex\", \"commune\", \"activity_status\"");
		q->role = json_string_value(v);
		for (j = 0; j < i; j++)
			if (qs[j].role && strcmp(qs[j].role, q->role) == 0)
				return bad(c, sub, "role \"%s\" is already given to "
				           "questions[%zu] (\"%s\"): each role at "
				           "most once", q->role, j, qs[j].id);
		if (strcmp(q->role, "respondent") == 0
		    && strcmp(q->kind, "text"))
			return bad(c, sub, "the \"respondent\" question must have "
			           "type \"text\" (this one is \"%s\")", q->kind);
		if (strcmp(q->role, "date") == 0 && strcmp(q->kind, "date"))
			return bad(c, sub, "the \"date\" question must have type "
			           "\"date\" (this one is \"%s\")", q->kind);
		if (strcmp(q->role, "place") == 0 && strcmp(q->kind, "text")
		    && strcmp(q->kind, "single"))
			return bad(c, sub, "the \"place\" question must have type "
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
	json_t *v, *arr;
	size_t n, i, j;
	int rc;

	*out = NULL;
	*nout = 0;
	if (!json_is_object(root))
		return bad(c, "", "expected a JSON object with id, title and "
		           "questions");
	if ((rc = only_keys(c, "", root, keys)) != IMPACT_OK)
		return rc;
	if (!(v = json_object_get(root, "id")))
		return bad(c, "", "\"id\" is required");
	if ((rc = id_value(c, "/id", v, "the questionnaire's id", code)) != 0)
		return rc;
	if (!(v = json_object_get(root, "title")))
		return bad(c, "", "\"title\" is required");
	if ((rc = label(c, "/title", v, title_fr, title_en)) != IMPACT_OK)
		return rc;
	if (!(arr = json_object_get(root, "questions")))
		return bad(c, "", "\"questions\" is required");
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return bad(c, "/questions", "expected a non-empty array of "
		           "questions");
	n = json_array_size(arr);
	if (!(qs = calloc(n, sizeof(*qs))))
		return impact__error(c->h, IMPACT_ENOMEM, "out of memory");
	*out = qs;
	*nout = n;
	for (i = 0; i < n; i++)
		if ((rc = question(c, json_array_get(arr, i), qs, i)) != 0)
			return rc;
	for (i = 0; i < n; i++) {
		char sub[MAX_PTR];

		if (!qs[i].importance_of)
			continue;
		for (j = 0; j < n; j++)
			if (qs[j].domain
			    && strcmp(qs[j].domain, qs[i].importance_of) == 0)
				break;
		if (j == n) {
			ptrf(sub, "/questions/%zu/importance_of",
			         i);
			return bad(c, sub, "no question has domain \"%s\"",
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
	json_error_t jerr;
	json_t *root = NULL;
	const char *code = NULL, *title_fr = NULL, *title_en = NULL;
	char *text = NULL, now[32];
	size_t len = 0, nq = 0, skip;
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
	if ((rc = slurp(h, path, &text, &len)) != IMPACT_OK)
		return rc;
	/* A UTF-8 byte-order mark (Windows editors) is not part of the JSON:
	 * positions count from after it, as an editor shows them. */
	skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	c.h = h;
	c.file = path;
	c.text = text + skip;
	c.len = len - skip;
	root = json_loadb(c.text, c.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		rc = impact__error(h, IMPACT_EDATA, "%s:%d:%d: %s", path,
		                   jerr.line, jerr.column, jerr.text);
		goto done;
	}
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
	impact__jsonpos_free(c.pos);
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
