/*
 * indicators/engine.c: computes every stored indicator (docs/indicators.md)
 * for every place, territory and period, and writes indicator_results.
 *
 * For one indicator and one period, the observations (respondents,
 * activities or places' facts) come from one SQL query built from the
 * definition (`struct sqlb` collects the text and its bound values): each
 * row carries the observation's place, whether it passes the filter, its
 * value, the value it is multiplied by, whether it meets the condition,
 * and a ratio's numerator and denominator.  Rows are ordered by place, so
 * a place's observations are one run; a territory's are the runs of every
 * place below it (indicators/tree.h), copied into one array: pooled,
 * never averaged.  Each kind is then computed with its interval (Wilson
 * 1927 for shares, a seeded stratified percentile bootstrap for means,
 * ratios and diversity, none for counts and sums), disclosure control is
 * applied (primary, dominance, then secondary suppression), and, once every
 * period is stored, each value is compared with the previous period's
 * (two-proportion z test, Welch's t test).
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../engine/context.h"
#include "engine.h"
#include "impact/indicators.h"
#include "stats.h"
#include "tree.h"

#define LEVEL 0.95
#define REPLICATES 1000
#define SEED 20261123UL
#define MAX_BINDS 32

enum source { S_ANSWERS, S_ACTIVITIES, S_FACTS };
enum kind { K_MEAN, K_SHARE, K_COUNT, K_SUM, K_DISTINCT, K_RATIO,
            K_DIVERSITY };
enum cond { C_NONE, C_AT_LEAST, C_AT_MOST, C_CHOICES, C_YES };

/* A condition on a value: at least x, at most x, one of choices, yes. */
struct condition {
	enum cond type;
	double x;
	const char *choices;   /* JSON array text (owned by the json_t) */
};

/* Which observations count. */
struct filter {
	const char *categories;  /* JSON arrays, or NULL */
	const char *publics;
	int free;                /* -1 any, 1 free only, 0 paid only */
	const char *question;    /* answers: question id, with qcond */
	struct condition qcond;
	const char *group_role;  /* answers: demographic role and choices */
	const char *group_choices;
};

/* A ratio's numerator or denominator. */
struct term {
	enum kind kind;          /* K_SUM or K_COUNT */
	const char *of, *times;
	struct filter f;
};

/* An indicator, parsed from its stored JSON (already validated). */
struct indicator {
	long long id;
	enum source source;
	enum kind kind;
	const char *of, *times;
	struct condition cond;
	struct filter f;
	struct term num, den;
	double multiply;
	int min_n;
	json_t *json;            /* owns every string above */
};

/* SQL text under construction and the values bound to it. */
struct sqlb {
	sqlite3_str *s;
	struct {
		int is_text;
		const char *text;
		double num;
	} b[MAX_BINDS];
	int n;
};

/* One observation. */
struct obs {
	long long place;     /* places.id */
	double x;            /* value of `of` (× times), or of a ratio's
	                        numerator */
	double den;          /* a ratio's denominator */
	int meets;           /* meets the condition (share) */
	size_t cat0, ncat;   /* its categories: cats[cat0 .. cat0 + ncat) */
	long long key;       /* respondent or activity id, for categories */
};

/* ---------------------------------------------------------------- */
/* Parsing a stored definition                                        */

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Store the compact JSON text of array `key` of `o` as o["_key"] and
 * return it (borrowed from `o`), or NULL when absent. */
static const char *array_text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	char name[64], *text;

	if (!v)
		return NULL;
	snprintf(name, sizeof(name), "_%s", key);
	text = json_dumps(v, JSON_COMPACT);
	if (!text)
		return NULL;
	json_object_set_new(o, name, json_string(text));
	free(text);
	return json_string_value(json_object_get(o, name));
}

static void parse_cond(json_t *c, struct condition *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return;
	if (json_object_get(c, "at_least")) {
		out->type = C_AT_LEAST;
		out->x = json_number_value(json_object_get(c, "at_least"));
	} else if (json_object_get(c, "at_most")) {
		out->type = C_AT_MOST;
		out->x = json_number_value(json_object_get(c, "at_most"));
	} else if (json_object_get(c, "choices")) {
		out->type = C_CHOICES;
		out->choices = array_text(c, "choices");
	} else if (json_object_get(c, "yes")) {
		out->type = C_YES;
	}
}

static void parse_filter(json_t *f, struct filter *out)
{
	json_t *g, *fr;

	memset(out, 0, sizeof(*out));
	out->free = -1;
	if (!f)
		return;
	out->categories = array_text(f, "categories");
	out->publics = array_text(f, "publics");
	if ((fr = json_object_get(f, "free")))
		out->free = json_is_true(fr);
	out->question = str(f, "question");
	parse_cond(json_object_get(f, "condition"), &out->qcond);
	if ((g = json_object_get(f, "group"))) {
		out->group_role = str(g, "role");
		out->group_choices = array_text(g, "choices");
	}
}

static enum kind kind_of(const char *s)
{
	static const char *const names[] = { "mean", "share", "count", "sum",
	                                     "distinct", "ratio", "diversity" };
	int i;

	for (i = 0; i < 7; i++)
		if (s && strcmp(s, names[i]) == 0)
			return (enum kind)i;
	return K_COUNT;
}

static void parse_term(json_t *t, struct term *out)
{
	memset(out, 0, sizeof(*out));
	if (!t)
		return;
	out->kind = kind_of(str(t, "kind"));
	out->of = str(t, "of");
	out->times = str(t, "times");
	parse_filter(json_object_get(t, "filter"), &out->f);
}

/* Parse `text` into *ind; 0, or -1 when it is not the JSON it should be. */
static int parse_indicator(const char *text, struct indicator *ind)
{
	json_t *o = json_loads(text, 0, NULL), *m;
	const char *src;

	memset(ind, 0, sizeof(*ind));
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	ind->json = o;
	src = str(o, "source");
	ind->source = src && strcmp(src, "activities") == 0 ? S_ACTIVITIES
	              : src && strcmp(src, "facts") == 0 ? S_FACTS
	                                                 : S_ANSWERS;
	ind->kind = kind_of(str(o, "kind"));
	ind->of = str(o, "of");
	ind->times = str(o, "times");
	parse_cond(json_object_get(o, "condition"), &ind->cond);
	parse_filter(json_object_get(o, "filter"), &ind->f);
	parse_term(json_object_get(o, "numerator"), &ind->num);
	parse_term(json_object_get(o, "denominator"), &ind->den);
	m = json_object_get(o, "multiply");
	ind->multiply = m ? json_number_value(m) : 1.0;
	return 0;
}

/* ---------------------------------------------------------------- */
/* SQL building                                                       */

/* Append "?N" bound to text `t`. */
static void bind_text(struct sqlb *q, const char *t)
{
	assert(q->n < MAX_BINDS);
	q->b[q->n].is_text = 1;
	q->b[q->n].text = t;
	q->n++;
	sqlite3_str_appendf(q->s, "?%d", q->n);
}

static void bind_num(struct sqlb *q, double x)
{
	assert(q->n < MAX_BINDS);
	q->b[q->n].is_text = 0;
	q->b[q->n].num = x;
	q->n++;
	sqlite3_str_appendf(q->s, "?%d", q->n);
}

/* The value of question `code` for respondent r. */
static void answer_value(struct sqlb *q, const char *code)
{
	sqlite3_str_appendall(q->s, "(SELECT a.value FROM answers a JOIN "
	                      "questions q ON q.id = a.question_id WHERE "
	                      "a.respondent_id = r.id AND q.code = ");
	bind_text(q, code);
	sqlite3_str_appendall(q->s, " LIMIT 1)");
}

/* Does respondent r's answer to `code` meet `c`? */
static void answer_cond(struct sqlb *q, const char *code,
                        const struct condition *c)
{
	switch (c->type) {
	case C_AT_LEAST:
	case C_AT_MOST:
		sqlite3_str_appendall(q->s, "coalesce(");
		answer_value(q, code);
		sqlite3_str_appendall(q->s, c->type == C_AT_LEAST ? " >= "
		                                                  : " <= ");
		bind_num(q, c->x);
		sqlite3_str_appendall(q->s, ", 0)");
		return;
	case C_YES:
		sqlite3_str_appendall(q->s, "coalesce(");
		answer_value(q, code);
		sqlite3_str_appendall(q->s, " = 1, 0)");
		return;
	case C_CHOICES:
		sqlite3_str_appendall(q->s, "(EXISTS (SELECT 1 FROM answers a "
		                      "JOIN questions q ON q.id = a.question_id "
		                      "JOIN choices c ON c.id = a.choice_id "
		                      "WHERE a.respondent_id = r.id AND q.code = ");
		bind_text(q, code);
		sqlite3_str_appendall(q->s, " AND c.code IN (SELECT value FROM "
		                      "json_each(");
		bind_text(q, c->choices);
		sqlite3_str_appendall(q->s, "))) OR EXISTS (SELECT 1 FROM "
		                      "answer_choices ac JOIN questions q ON "
		                      "q.id = ac.question_id JOIN choices c ON "
		                      "c.id = ac.choice_id WHERE ac.respondent_id "
		                      "= r.id AND q.code = ");
		bind_text(q, code);
		sqlite3_str_appendall(q->s, " AND c.code IN (SELECT value FROM "
		                      "json_each(");
		bind_text(q, c->choices);
		sqlite3_str_appendall(q->s, "))))");
		return;
	case C_NONE:
		sqlite3_str_appendall(q->s, "1");
		return;
	}
}

/* An activity field's value for activity a. */
static void activity_field(struct sqlb *q, const char *f)
{
	if (!f)
		sqlite3_str_appendall(q->s, "1");
	else if (strcmp(f, "participant_hours") == 0)
		sqlite3_str_appendall(q->s, "(a.participants * a.hours)");
	else if (strcmp(f, "partners") == 0)
		sqlite3_str_appendall(q->s, "(SELECT count(*) FROM "
		                      "activity_partners p WHERE "
		                      "p.activity_id = a.id)");
	else if (strcmp(f, "participants") == 0
	         || strcmp(f, "new_participants") == 0
	         || strcmp(f, "hours") == 0 || strcmp(f, "volunteers") == 0
	         || strcmp(f, "volunteer_hours") == 0
	         || strcmp(f, "free") == 0)
		sqlite3_str_appendf(q->s, "a.%s", f);  /* a fixed list */
	else
		sqlite3_str_appendall(q->s, "NULL");
}

/* A value of the indicator's source for the current row: question, field
 * or fact. */
static void value_of(struct sqlb *q, enum source src, const char *of)
{
	if (src == S_ANSWERS) {
		if (of)
			answer_value(q, of);
		else
			sqlite3_str_appendall(q->s, "1");
	} else if (src == S_ACTIVITIES) {
		activity_field(q, of);
	} else {
		sqlite3_str_appendall(q->s, "(SELECT f.value FROM place_facts f "
		                      "WHERE f.place_id = pl.id AND f.period = "
		                      "?1 AND f.key = ");
		bind_text(q, of);
		sqlite3_str_appendall(q->s, ")");
	}
}

/* `of` × `times` as one expression. */
static void product(struct sqlb *q, enum source src, const char *of,
                    const char *times)
{
	sqlite3_str_appendall(q->s, "(");
	value_of(q, src, of);
	if (times) {
		sqlite3_str_appendall(q->s, " * ");
		value_of(q, src, times);
	}
	sqlite3_str_appendall(q->s, ")");
}

/* Does the current row pass filter f? */
static void filter_expr(struct sqlb *q, enum source src,
                        const struct filter *f)
{
	sqlite3_str_appendall(q->s, "(1");
	if (src == S_ACTIVITIES && f->categories) {
		sqlite3_str_appendall(q->s, " AND a.category IN (SELECT value "
		                      "FROM json_each(");
		bind_text(q, f->categories);
		sqlite3_str_appendall(q->s, "))");
	}
	if (src == S_ACTIVITIES && f->publics) {
		sqlite3_str_appendall(q->s, " AND EXISTS (SELECT 1 FROM "
		                      "activity_publics ap WHERE ap.activity_id "
		                      "= a.id AND ap.public IN (SELECT value FROM "
		                      "json_each(");
		bind_text(q, f->publics);
		sqlite3_str_appendall(q->s, ")))");
	}
	if (src == S_ACTIVITIES && f->free >= 0)
		sqlite3_str_appendf(q->s, " AND a.free = %d", f->free);
	if (src == S_ANSWERS && f->question) {
		sqlite3_str_appendall(q->s, " AND ");
		answer_cond(q, f->question, &f->qcond);
	}
	if (src == S_ANSWERS && f->group_role) {
		sqlite3_str_appendall(q->s, " AND EXISTS (SELECT 1 FROM answers a "
		                      "JOIN questions q ON q.id = a.question_id "
		                      "JOIN choices c ON c.id = a.choice_id WHERE "
		                      "a.respondent_id = r.id AND q.role = ");
		bind_text(q, f->group_role);
		sqlite3_str_appendall(q->s, " AND c.code IN (SELECT value FROM "
		                      "json_each(");
		bind_text(q, f->group_choices);
		sqlite3_str_appendall(q->s, ")))");
	}
	sqlite3_str_appendall(q->s, ")");
}

/* A ratio's term as a per-row value: its product (sum) or 1 (count),
 * 0 when the row fails the term's filter or lacks `of`. */
static void term_expr(struct sqlb *q, enum source src, const struct term *t)
{
	sqlite3_str_appendall(q->s, "CASE WHEN ");
	filter_expr(q, src, &t->f);
	sqlite3_str_appendall(q->s, " THEN coalesce(");
	if (t->kind == K_COUNT && !t->of) {
		sqlite3_str_appendall(q->s, "1");
	} else if (t->kind == K_COUNT) {
		sqlite3_str_appendall(q->s, "CASE WHEN ");
		value_of(q, src, t->of);
		sqlite3_str_appendall(q->s, " IS NOT NULL THEN 1 END");
	} else {
		product(q, src, t->of, t->times);
	}
	sqlite3_str_appendall(q->s, ", 0) ELSE 0 END");
}

/*
 * The observation query of an indicator for period ?1.  Columns: key,
 * place id, keep (passes the filter), has (has `of`), x (product or
 * numerator), den (denominator), meets (condition).
 */
static void obs_query(struct sqlb *q, const struct indicator *ind)
{
	const char *from, *keycol;

	q->n = 1;                     /* ?1 is the period */
	q->b[0].is_text = 0;
	if (ind->source == S_ANSWERS) {
		from = " FROM respondents r WHERE r.period = ?1 ORDER BY "
		       "r.place_id, r.id";
		keycol = "r.id, r.place_id";
	} else if (ind->source == S_ACTIVITIES) {
		from = " FROM activities a WHERE a.period = ?1 ORDER BY "
		       "a.place_id, a.id";
		keycol = "a.id, a.place_id";
	} else {
		from = " FROM places pl WHERE EXISTS (SELECT 1 FROM place_facts "
		       "f WHERE f.place_id = pl.id AND f.period = ?1) ORDER BY "
		       "pl.id";
		keycol = "pl.id, pl.id";
	}
	sqlite3_str_appendf(q->s, "SELECT %s, ", keycol);
	filter_expr(q, ind->source, &ind->f);
	sqlite3_str_appendall(q->s, ", ");
	if (ind->kind == K_RATIO) {
		sqlite3_str_appendall(q->s, "1, ");
		term_expr(q, ind->source, &ind->num);
		sqlite3_str_appendall(q->s, ", ");
		term_expr(q, ind->source, &ind->den);
		sqlite3_str_appendall(q->s, ", 1");
	} else {
		if (ind->of && ind->source == S_ANSWERS) {
			/* Answered, whether with a number, a choice or a text
			 * (a choice need not carry a value). */
			sqlite3_str_appendall(q->s, "EXISTS (SELECT 1 FROM answers a "
			                      "JOIN questions q ON q.id = "
			                      "a.question_id WHERE a.respondent_id = "
			                      "r.id AND q.code = ");
			bind_text(q, ind->of);
			sqlite3_str_appendall(q->s, "), ");
		} else if (ind->of) {
			value_of(q, ind->source, ind->of);
			sqlite3_str_appendall(q->s, " IS NOT NULL, ");
		} else {
			sqlite3_str_appendall(q->s, "1, ");
		}
		product(q, ind->source, ind->of, ind->times);
		sqlite3_str_appendall(q->s, ", 1, ");
		if (ind->source == S_ANSWERS && ind->of)
			answer_cond(q, ind->of, &ind->cond);
		else if (ind->cond.type == C_AT_LEAST
		         || ind->cond.type == C_AT_MOST) {
			sqlite3_str_appendall(q->s, "coalesce(");
			product(q, ind->source, ind->of, NULL);
			sqlite3_str_appendall(q->s, ind->cond.type == C_AT_LEAST
			                      ? " >= " : " <= ");
			bind_num(q, ind->cond.x);
			sqlite3_str_appendall(q->s, ", 0)");
		} else if (ind->cond.type == C_YES) {
			sqlite3_str_appendall(q->s, "coalesce(");
			product(q, ind->source, ind->of, NULL);
			sqlite3_str_appendall(q->s, " = 1, 0)");
		} else {
			sqlite3_str_appendall(q->s, "1");
		}
	}
	sqlite3_str_appendall(q->s, from);
}

/*
 * The categories of each observation, for distinct and diversity: rows
 * (observation key, category text) for period ?1.
 */
static int cat_query(struct sqlb *q, const struct indicator *ind)
{
	const char *of = ind->of;

	q->n = 1;
	q->b[0].is_text = 0;
	if (ind->source == S_ANSWERS) {
		sqlite3_str_appendall(q->s, "SELECT r.id, c.code FROM respondents "
		                      "r JOIN answers a ON a.respondent_id = r.id "
		                      "JOIN questions q ON q.id = a.question_id "
		                      "JOIN choices c ON c.id = a.choice_id WHERE "
		                      "r.period = ?1 AND q.code = ");
		bind_text(q, of);
		sqlite3_str_appendall(q->s, " UNION ALL SELECT r.id, c.code FROM "
		                      "respondents r JOIN answer_choices ac ON "
		                      "ac.respondent_id = r.id JOIN questions q "
		                      "ON q.id = ac.question_id JOIN choices c ON "
		                      "c.id = ac.choice_id WHERE r.period = ?1 AND "
		                      "q.code = ");
		bind_text(q, of);
		return 0;
	}
	if (ind->source != S_ACTIVITIES || !of)
		return -1;
	if (strcmp(of, "category") == 0)
		sqlite3_str_appendall(q->s, "SELECT a.id, a.category FROM "
		                      "activities a WHERE a.period = ?1");
	else if (strcmp(of, "publics") == 0)
		sqlite3_str_appendall(q->s, "SELECT a.id, ap.public FROM "
		                      "activities a JOIN activity_publics ap ON "
		                      "ap.activity_id = a.id WHERE a.period = ?1");
	else if (strcmp(of, "partner_places") == 0)
		sqlite3_str_appendall(q->s, "SELECT a.id, p.code FROM activities "
		                      "a JOIN activity_partners ap ON "
		                      "ap.activity_id = a.id JOIN places p ON "
		                      "p.id = ap.place_id WHERE a.period = ?1");
	else if (strcmp(of, "place") == 0)
		sqlite3_str_appendall(q->s, "SELECT a.id, p.code FROM activities "
		                      "a JOIN places p ON p.id = a.place_id WHERE "
		                      "a.period = ?1");
	else
		return -1;
	return 0;
}

/* Prepare the built query and bind its values (period in ?1). */
static int sqlb_prepare(impact *h, struct sqlb *q, int period,
                        sqlite3_stmt **out)
{
	char *sql = sqlite3_str_finish(q->s);
	int i, rc;

	q->s = NULL;
	if (!sql)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	rc = impact__prepare(h, out, sql);
	sqlite3_free(sql);
	if (rc != IMPACT_OK)
		return rc;
	sqlite3_bind_int(*out, 1, period);
	for (i = 1; i < q->n; i++) {
		if (q->b[i].is_text)
			sqlite3_bind_text(*out, i + 1, q->b[i].text, -1,
			                  SQLITE_STATIC);
		else
			sqlite3_bind_double(*out, i + 1, q->b[i].num);
	}
	return IMPACT_OK;
}

/* ---------------------------------------------------------------- */
/* Observations of one indicator and period                           */

struct data {
	struct obs *o;          /* kept observations, ordered by place */
	size_t n, cap;
	int *cats;              /* category ids, per observation runs */
	size_t ncats, capcats;
	char **names;           /* category id -> name */
	size_t nnames;
	size_t possible;        /* number of possible categories */
	long long *present;     /* places.id with any row of the source */
	size_t npresent, cappresent;
};

static void data_release(struct data *d)
{
	size_t i;

	free(d->o);
	free(d->cats);
	for (i = 0; i < d->nnames; i++)
		free(d->names[i]);
	free(d->names);
	free(d->present);
	memset(d, 0, sizeof(*d));
}

/* Intern category `s`; its id, or -1 on allocation failure. */
static int intern(struct data *d, const char *s)
{
	size_t i;
	char **p;

	for (i = 0; i < d->nnames; i++)
		if (strcmp(d->names[i], s) == 0)
			return (int)i;
	p = realloc(d->names, (d->nnames + 1) * sizeof(*p));
	if (!p)
		return -1;
	d->names = p;
	if (!(d->names[d->nnames] = strdup(s)))
		return -1;
	return (int)d->nnames++;
}

static int obs_cmp_key(const void *a, const void *b)
{
	long long x = ((const struct obs *)a)->key;
	long long y = ((const struct obs *)b)->key;

	return x < y ? -1 : x > y;
}

/* Load the observations of `ind` for `period` into d. */
static int load_data(impact *h, const struct indicator *ind, int period,
                     struct data *d)
{
	struct sqlb q;
	sqlite3_stmt *st = NULL;
	int rc, step;

	memset(d, 0, sizeof(*d));
	memset(&q, 0, sizeof(q));
	q.s = sqlite3_str_new(h->db);
	obs_query(&q, ind);
	if ((rc = sqlb_prepare(h, &q, period, &st)) != IMPACT_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		long long place = sqlite3_column_int64(st, 1);
		struct obs *o;

		if (d->npresent == 0 || d->present[d->npresent - 1] != place) {
			if (d->npresent == d->cappresent) {
				size_t c = d->cappresent ? 2 * d->cappresent : 64;
				long long *p = realloc(d->present, c * sizeof(*p));

				if (!p)
					goto nomem;
				d->present = p;
				d->cappresent = c;
			}
			d->present[d->npresent++] = place;
		}
		if (!sqlite3_column_int(st, 2))
			continue;           /* filtered out */
		if (!sqlite3_column_int(st, 3) && ind->kind != K_COUNT
		    && ind->kind != K_DISTINCT && ind->kind != K_DIVERSITY)
			continue;           /* has no value */
		if (ind->kind == K_COUNT && ind->of && !sqlite3_column_int(st, 3))
			continue;
		if (ind->kind == K_COUNT && ind->cond.type != C_NONE
		    && !sqlite3_column_int(st, 6))
			continue;
		if ((ind->kind == K_MEAN || ind->kind == K_SUM)
		    && sqlite3_column_type(st, 4) == SQLITE_NULL)
			continue;
		if (d->n == d->cap) {
			size_t c = d->cap ? 2 * d->cap : 256;
			struct obs *p = realloc(d->o, c * sizeof(*p));

			if (!p)
				goto nomem;
			d->o = p;
			d->cap = c;
		}
		o = &d->o[d->n++];
		memset(o, 0, sizeof(*o));
		o->key = sqlite3_column_int64(st, 0);
		o->place = place;
		o->x = sqlite3_column_double(st, 4);
		o->den = sqlite3_column_double(st, 5);
		o->meets = sqlite3_column_int(st, 6);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (step != SQLITE_DONE)
		return impact__db_error(h, "reading observations");
	if (ind->kind != K_DISTINCT && ind->kind != K_DIVERSITY)
		return IMPACT_OK;
	/* Categories: attach each (key, name) row to its observation. */
	memset(&q, 0, sizeof(q));
	q.s = sqlite3_str_new(h->db);
	if (cat_query(&q, ind) != 0) {
		sqlite3_free(sqlite3_str_finish(q.s));
		return impact__error(h, IMPACT_EDATA, "indicator: \"%s\" has no "
		                     "categories to count", ind->of ? ind->of
		                                                    : "?");
	}
	if ((rc = sqlb_prepare(h, &q, period, &st)) != IMPACT_OK)
		return rc;
	{
		/* Sort a copy by key to find observations; categories are
		 * gathered per key then laid out in observation order. */
		struct obs *byk = malloc((d->n + 1) * sizeof(*byk));
		size_t *cnt = NULL, *pos = NULL, i;
		long long *rk = NULL;
		int *rc_ids = NULL;
		size_t nr = 0, capr = 0;

		if (!byk)
			goto nomem;
		if (d->n)
			memcpy(byk, d->o, d->n * sizeof(*byk));
		for (i = 0; i < d->n; i++)
			byk[i].cat0 = i;  /* remember the position */
		if (d->n)
			qsort(byk, d->n, sizeof(*byk), obs_cmp_key);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			int id = intern(d, (const char *)sqlite3_column_text(st, 1));

			if (id < 0 || nr == capr) {
				size_t c = capr ? 2 * capr : 256;
				long long *p1 = id < 0 ? NULL
				                : realloc(rk, c * sizeof(*p1));
				int *p2;

				if (!p1) {
					free(byk); free(rk); free(rc_ids);
					goto nomem;
				}
				rk = p1;
				p2 = realloc(rc_ids, c * sizeof(*p2));
				if (!p2) {
					free(byk); free(rk); free(rc_ids);
					goto nomem;
				}
				rc_ids = p2;
				capr = c;
			}
			rk[nr] = sqlite3_column_int64(st, 0);
			rc_ids[nr++] = id;
		}
		sqlite3_finalize(st);
		st = NULL;
		cnt = calloc(d->n + 1, sizeof(*cnt));
		pos = calloc(d->n + 1, sizeof(*pos));
		d->cats = malloc((nr + 1) * sizeof(*d->cats));
		if (!cnt || !pos || !d->cats) {
			free(byk); free(rk); free(rc_ids); free(cnt); free(pos);
			goto nomem;
		}
		for (i = 0; i < nr; i++) {
			struct obs want, *got;

			want.key = rk[i];
			got = d->n ? bsearch(&want, byk, d->n, sizeof(*byk),
			                     obs_cmp_key) : NULL;
			if (got)
				cnt[got->cat0]++;
		}
		for (i = 0; i < d->n; i++) {
			d->o[i].cat0 = i ? d->o[i - 1].cat0 + d->o[i - 1].ncat : 0;
			d->o[i].ncat = cnt[i];
		}
		for (i = 0; i < nr; i++) {
			struct obs want, *got;

			want.key = rk[i];
			got = d->n ? bsearch(&want, byk, d->n, sizeof(*byk),
			                     obs_cmp_key) : NULL;
			if (got) {
				size_t k = got->cat0;

				d->cats[d->o[k].cat0 + pos[k]++] = rc_ids[i];
			}
		}
		d->ncats = nr;
		free(byk); free(rk); free(rc_ids); free(cnt); free(pos);
	}
	if (step != SQLITE_DONE)
		return impact__db_error(h, "reading categories");
	/* Observations without any category do not count. */
	{
		size_t i, k = 0;

		for (i = 0; i < d->n; i++)
			if (d->o[i].ncat > 0)
				d->o[k++] = d->o[i];
		d->n = k;
	}
	d->possible = d->nnames;
	if (ind->source == S_ANSWERS) {
		sqlite3_stmt *pc = NULL;

		if ((rc = impact__prepare(h, &pc, "SELECT count(DISTINCT c.code)"
		                          " FROM choices c JOIN questions q ON"
		                          " q.id = c.question_id WHERE q.code = ?1;"))
		    != IMPACT_OK)
			return rc;
		sqlite3_bind_text(pc, 1, ind->of, -1, SQLITE_STATIC);
		if (sqlite3_step(pc) == SQLITE_ROW)
			d->possible = (size_t)sqlite3_column_int64(pc, 0);
		sqlite3_finalize(pc);
	}
	return IMPACT_OK;
nomem:
	sqlite3_finalize(st);
	return impact__error(h, IMPACT_ENOMEM, "out of memory");
}

/* ---------------------------------------------------------------- */
/* One unit                                                           */

/* The observations of one unit, as arrays for the statistics. */
struct unit {
	double *x, *den;
	int *meets;
	size_t *stratum;
	size_t *cat0, *ncat;
	size_t n, nstrata;
	double *work;            /* bootstrap scratch */
	size_t *iwork;
	double *counts;          /* diversity scratch, per category */
};

/* What one unit's value is. */
struct value {
	int ok;                  /* a value could be computed */
	double v, lo, hi, var;
	int has_ci;
	long long n;
	double top;              /* largest single place's share (facts) */
	size_t places;           /* places contributing (facts) */
};

/* Diversity over the categories of the observations idx[0..n). */
struct div_ctx {
	const struct unit *u;
	const int *cats;
	size_t possible;
};

static double div_fn(void *ctx, const size_t *idx, size_t n)
{
	struct div_ctx *c = ctx;
	const struct unit *u = c->u;
	size_t i, j;

	memset(u->counts, 0, c->possible * sizeof(double));
	for (i = 0; i < n; i++)
		for (j = 0; j < u->ncat[idx[i]]; j++) {
			int k = c->cats[u->cat0[idx[i]] + j];

			if (k >= 0 && (size_t)k < c->possible)
				u->counts[k] += 1;
		}
	return impact_stats_shannon_evenness(u->counts, 1, c->possible);
}

/* Compute the kind over the unit's observations. */
static void evaluate(const struct indicator *ind, const struct data *d,
                     const struct unit *u, struct value *out)
{
	impact_bootstrap_opts bo = IMPACT_BOOTSTRAP_OPTS_INIT;
	size_t i;
	double s = 0, s2 = 0;

	memset(out, 0, sizeof(*out));
	out->n = (long long)u->n;
	bo.replicates = REPLICATES;
	bo.seed = SEED;
	bo.level = LEVEL;
	switch (ind->kind) {
	case K_COUNT:
		out->v = (double)u->n;
		out->ok = 1;
		return;
	case K_SUM:
		for (i = 0; i < u->n; i++)
			s += u->x[i];
		out->v = s;
		out->ok = 1;
		return;
	case K_DISTINCT: {
		unsigned char *seen = calloc(d->nnames + 1, 1);
		size_t j, k = 0;

		if (!seen)
			return;
		for (i = 0; i < u->n; i++)
			for (j = 0; j < u->ncat[i]; j++) {
				int c = d->cats[u->cat0[i] + j];

				if (!seen[c]) {
					seen[c] = 1;
					k++;
				}
			}
		free(seen);
		out->v = (double)k;
		out->ok = 1;
		return;
	}
	case K_SHARE:
		if (u->n == 0)
			return;
		for (i = 0; i < u->n; i++)
			s += u->meets[i] ? 1 : 0;
		out->v = s / (double)u->n;
		out->var = out->v * (1 - out->v);
		impact_stats_wilson(&out->lo, &out->hi, s, (double)u->n, LEVEL);
		out->has_ci = 1;
		out->ok = 1;
		return;
	case K_MEAN: {
		impact_stat_mean_ctx c = { u->x, 1, NULL, 1 };

		if (u->n == 0)
			return;
		for (i = 0; i < u->n; i++)
			s += u->x[i];
		out->v = s / (double)u->n;
		for (i = 0; i < u->n; i++)
			s2 += (u->x[i] - out->v) * (u->x[i] - out->v);
		out->var = u->n > 1 ? s2 / (double)(u->n - 1) : NAN;
		out->ok = 1;
		out->has_ci = impact_stats_bootstrap(&out->lo, &out->hi,
		                                     impact_stats_fn_mean, &c,
		                                     u->stratum, u->n, u->nstrata,
		                                     &bo, u->work, u->iwork) == 0;
		return;
	}
	case K_RATIO: {
		impact_stat_ratio_ctx c = { u->x, 1, u->den, 1 };
		double dsum = 0;

		for (i = 0; i < u->n; i++) {
			s += u->x[i];
			dsum += u->den[i];
		}
		if (u->n == 0 || dsum == 0)
			return;
		out->v = s / dsum;
		out->ok = 1;
		out->has_ci = impact_stats_bootstrap(&out->lo, &out->hi,
		                                     impact_stats_fn_ratio, &c,
		                                     u->stratum, u->n, u->nstrata,
		                                     &bo, u->work, u->iwork) == 0;
		return;
	}
	case K_DIVERSITY: {
		struct div_ctx c = { u, d->cats, d->possible };

		if (u->n == 0 || d->possible < 2)
			return;
		/* The point estimate over all observations, in order (iwork
		 * holds 2n indices; the bootstrap reuses it afterwards). */
		for (i = 0; i < u->n; i++)
			u->iwork[i] = i;
		out->v = div_fn(&c, u->iwork, u->n);
		if (isnan(out->v))
			return;
		out->ok = 1;
		out->has_ci = impact_stats_bootstrap(&out->lo, &out->hi, div_fn,
		                                     &c, u->stratum, u->n,
		                                     u->nstrata, &bo, u->work,
		                                     u->iwork) == 0;
		return;
	}
	}
}

/* ---------------------------------------------------------------- */
/* Every unit of one indicator and period                             */

/* A computed value for one unit, before storing. */
struct cell {
	struct value v;
	int present;             /* the unit has data of the source */
	int suppressed;
	const char *reason;
	char why[32];            /* storage for "n < 5" */
};

/* Is the indicator about money facts (keys ending in "_eur")? */
static int money(const char *key)
{
	size_t n = key ? strlen(key) : 0;

	return n > 4 && strcmp(key + n - 4, "_eur") == 0;
}

/* The places under each unit: members[first[u] .. first[u + 1]) are the
 * place units of unit u (itself, for a place). */
struct members {
	size_t *first;           /* nunits + 1 offsets */
	size_t *place;           /* place units */
};

static void members_release(struct members *m)
{
	free(m->first);
	free(m->place);
}

/* Build the members of every unit from the places' chains. */
static int members_build(const struct impact__tree *t, struct members *m)
{
	size_t nunits = t->nplaces + t->nterr, p, j, *fill = NULL;

	m->first = calloc(nunits + 2, sizeof(size_t));
	m->place = malloc((t->nplaces * t->depth + 1) * sizeof(size_t));
	fill = calloc(nunits + 1, sizeof(size_t));
	if (!m->first || !m->place || !fill) {
		free(fill);
		return -1;
	}
	for (p = 0; p < t->nplaces; p++)
		for (j = 0; j < t->depth && t->chain[p * t->depth + j] >= 0; j++)
			m->first[t->chain[p * t->depth + j] + 1]++;
	for (j = 0; j < nunits; j++)
		m->first[j + 1] += m->first[j];
	for (p = 0; p < t->nplaces; p++)
		for (j = 0; j < t->depth && t->chain[p * t->depth + j] >= 0; j++) {
			size_t u = (size_t)t->chain[p * t->depth + j];

			m->place[m->first[u] + fill[u]++] = p;
		}
	free(fill);
	return 0;
}

/* Fill u with the observations of unit `unit`: the runs of its places,
 * one stratum per place. */
static void gather(const struct data *d, const struct members *m,
                   const size_t *run0, const size_t *run1, size_t unit,
                   struct unit *u)
{
	size_t j, i, k = 0, strata = 0;

	for (j = m->first[unit]; j < m->first[unit + 1]; j++) {
		size_t p = m->place[j];

		if (run0[p] == run1[p])
			continue;
		for (i = run0[p]; i < run1[p]; i++) {
			u->x[k] = d->o[i].x;
			u->den[k] = d->o[i].den;
			u->meets[k] = d->o[i].meets;
			u->cat0[k] = d->o[i].cat0;
			u->ncat[k] = d->o[i].ncat;
			u->stratum[k] = strata;
			k++;
		}
		strata++;
	}
	u->n = k;
	u->nstrata = strata ? strata : 1;
}

/* Mark in present[] every unit that has a place with data. */
static void mark_present(const struct data *d, const struct impact__tree *t,
                         unsigned char *present)
{
	size_t i, j;

	for (i = 0; i < d->npresent; i++) {
		const long *c = impact__chain_of(t, d->present[i]);

		for (j = 0; c && j < t->depth && c[j] >= 0; j++)
			present[c[j]] = 1;
	}
}

/* Facts: how many places contribute to a unit and the largest's share. */
static void dominance(const struct data *d, const struct members *m,
                      const size_t *run0, const size_t *run1, size_t unit,
                      struct value *v)
{
	double total = 0, top = 0;
	size_t i, j, places = 0;

	for (j = m->first[unit]; j < m->first[unit + 1]; j++) {
		size_t p = m->place[j];
		double sum = 0;

		if (run0[p] == run1[p])
			continue;
		for (i = run0[p]; i < run1[p]; i++)
			sum += fabs(d->o[i].x);
		places++;
		total += sum;
		if (sum > top)
			top = sum;
	}
	v->places = places;
	v->top = total > 0 ? top / total : 0;
}

/* Secondary suppression: under each territory, when exactly one child
 * (place or sub-territory) is suppressed, also suppress the published
 * child with the smallest n.  Deepest territories first. */
static void secondary(const struct impact__tree *t, const long *parent,
                      const long *place_terr, const int *depth_of,
                      struct cell *cells)
{
	size_t nunits = t->nplaces + t->nterr, u, ch;
	int depth, maxd = 0;

	for (u = 0; u < t->nterr; u++)
		if (depth_of[u] > maxd)
			maxd = depth_of[u];
	for (depth = maxd; depth >= 0; depth--) {
		for (u = 0; u < t->nterr; u++) {
			size_t sup = 0, best = nunits;

			if (depth_of[u] != depth)
				continue;
			for (ch = 0; ch < nunits; ch++) {
				int child = ch < t->nplaces
				            ? place_terr[ch] == (long)u
				            : parent[ch - t->nplaces] == (long)u;

				if (!child || !cells[ch].present || !cells[ch].v.ok)
					continue;
				if (cells[ch].suppressed)
					sup++;
				else if (best == nunits
				         || cells[ch].v.n < cells[best].v.n)
					best = ch;
			}
			if (sup == 1 && best < nunits) {
				cells[best].suppressed = 1;
				cells[best].reason = "secondary";
			}
		}
	}
}

/* The per-run boundaries of each place in d (observations are ordered by
 * place id; run0[p]..run1[p] for place unit p). */
static void runs(const struct data *d, const struct impact__tree *t,
                 size_t *run0, size_t *run1)
{
	size_t i = 0;

	memset(run0, 0, t->nplaces * sizeof(*run0));
	memset(run1, 0, t->nplaces * sizeof(*run1));
	while (i < d->n) {
		size_t j = i;
		long long pid = d->o[i].place;
		long p = pid >= 0 && pid <= t->max_place_id
		         ? t->place_of_id[pid] : -1;

		while (j < d->n && d->o[j].place == pid)
			j++;
		if (p >= 0) {
			run0[p] = i;
			run1[p] = j;
		}
		i = j;
	}
}

/* The engine's state for one compute. */
struct engine {
	impact *h;
	struct impact__tree t;
	struct members m;        /* places under each unit */
	long *parent;            /* territory index -> parent index or -1 */
	long *place_terr;        /* place unit -> territory index */
	int *depth_of;           /* territory index -> depth (root 0) */
	sqlite3_stmt *ins;
	const char *now;
	size_t rows, suppressed;
};

/* Territory parents and depths, place territories (for secondary
 * suppression). */
static int engine_links(struct engine *e)
{
	sqlite3_stmt *st = NULL;
	size_t i, k;
	int rc;

	e->parent = malloc((e->t.nterr + 1) * sizeof(long));
	e->place_terr = malloc((e->t.nplaces + 1) * sizeof(long));
	e->depth_of = calloc(e->t.nterr + 1, sizeof(int));
	if (!e->parent || !e->place_terr || !e->depth_of)
		return impact__error(e->h, IMPACT_ENOMEM, "out of memory");
	for (i = 0; i < e->t.nterr; i++)
		e->parent[i] = -1;
	for (i = 0; i < e->t.nplaces; i++)
		e->place_terr[i] = e->t.depth > 1 ? e->t.chain[i * e->t.depth + 1]
		                                    - (long)e->t.nplaces : -1;
	if ((rc = impact__prepare(e->h, &st, "SELECT t.id, p.id FROM "
	                          "territories t JOIN territories p ON "
	                          "p.id = t.parent_id;")) != IMPACT_OK)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long tid = sqlite3_column_int64(st, 0);
		long long pid = sqlite3_column_int64(st, 1);
		long ti = -1, pi = -1;

		for (k = 0; k < e->t.nterr; k++) {
			if (e->t.unit_id[e->t.nplaces + k] == tid)
				ti = (long)k;
			if (e->t.unit_id[e->t.nplaces + k] == pid)
				pi = (long)k;
		}
		if (ti >= 0)
			e->parent[ti] = pi;
	}
	sqlite3_finalize(st);
	for (i = 0; i < e->t.nterr; i++) {
		long x = e->parent[i];
		int dep = 0;

		while (x >= 0 && dep <= (int)e->t.nterr) {
			dep++;
			x = e->parent[x];
		}
		e->depth_of[i] = dep;
	}
	return IMPACT_OK;
}

/* Compute and store one indicator for one period. */
static int one(struct engine *e, const struct indicator *ind, int period)
{
	impact *h = e->h;
	size_t nunits = e->t.nplaces + e->t.nterr, u;
	struct data d;
	struct unit un;
	struct cell *cells = NULL;
	size_t *run0 = NULL, *run1 = NULL;
	unsigned char *present = NULL;
	int rc;

	memset(&un, 0, sizeof(un));
	if ((rc = load_data(h, ind, period, &d)) != IMPACT_OK)
		goto done;
	cells = calloc(nunits + 1, sizeof(*cells));
	present = calloc(nunits + 1, 1);
	run0 = calloc(e->t.nplaces + 1, sizeof(*run0));
	run1 = calloc(e->t.nplaces + 1, sizeof(*run1));
	un.x = malloc((d.n + 1) * sizeof(double));
	un.den = malloc((d.n + 1) * sizeof(double));
	un.meets = malloc((d.n + 1) * sizeof(int));
	un.stratum = malloc((d.n + 1) * sizeof(size_t));
	un.cat0 = malloc((d.n + 1) * sizeof(size_t));
	un.ncat = malloc((d.n + 1) * sizeof(size_t));
	un.work = malloc(impact_stats_bootstrap_work_size(d.n + 1, REPLICATES)
	                 * sizeof(double));
	un.iwork = malloc(impact_stats_bootstrap_iwork_size(d.n + 1)
	                  * sizeof(size_t));
	un.counts = calloc(d.possible + 1, sizeof(double));
	if (!cells || !run0 || !run1 || !un.x || !un.den || !un.meets
	    || !un.stratum || !un.cat0 || !un.ncat || !un.work || !un.iwork
	    || !un.counts || !present) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	runs(&d, &e->t, run0, run1);
	mark_present(&d, &e->t, present);
	for (u = 0; u < nunits; u++) {
		struct cell *c = &cells[u];

		c->present = present[u];
		if (!c->present)
			continue;
		gather(&d, &e->m, run0, run1, u, &un);
		evaluate(ind, &d, &un, &c->v);
		/* Facts are every place's own figures, not a sample: no
		 * sampling interval. */
		if (ind->source == S_FACTS)
			c->v.has_ci = 0;
		if (!c->v.ok)
			continue;
		if (ind->source == S_ANSWERS && c->v.n < ind->min_n) {
			c->suppressed = 1;
			snprintf(c->why, sizeof(c->why), "n < %d", ind->min_n);
			c->reason = c->why;
		}
		if (ind->source == S_FACTS
		    && (money(ind->of) || money(ind->num.of)
		        || money(ind->den.of))) {
			dominance(&d, &e->m, run0, run1, u, &c->v);
			if (c->v.places < 3 || c->v.top > 0.85) {
				c->suppressed = 1;
				c->reason = "dominance";
			}
		}
	}
	secondary(&e->t, e->parent, e->place_terr, e->depth_of, cells);
	for (u = 0; u < nunits; u++) {
		struct cell *c = &cells[u];
		sqlite3_stmt *st = e->ins;
		double m = ind->multiply;

		if (!c->present || !c->v.ok)
			continue;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int64(st, 1, ind->id);
		sqlite3_bind_int(st, 2, period);
		sqlite3_bind_int64(st, u < e->t.nplaces ? 3 : 4,
		                   e->t.unit_id[u]);
		if (!isnan(c->v.v))
			sqlite3_bind_double(st, 5, c->v.v * m);
		sqlite3_bind_int64(st, 6, c->v.n);
		if (c->v.has_ci && !isnan(c->v.lo)) {
			sqlite3_bind_double(st, 7, (m >= 0 ? c->v.lo : c->v.hi) * m);
			sqlite3_bind_double(st, 8, (m >= 0 ? c->v.hi : c->v.lo) * m);
		}
		if (!isnan(c->v.var) && c->v.var != 0)
			sqlite3_bind_double(st, 9, c->v.var);
		else if (c->v.var == 0 && (ind->kind == K_MEAN
		                           || ind->kind == K_SHARE))
			sqlite3_bind_double(st, 9, 0);
		sqlite3_bind_int(st, 10, c->suppressed);
		if (c->reason)
			sqlite3_bind_text(st, 11, c->reason, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 12, e->now, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing an indicator");
			goto done;
		}
		e->rows++;
		e->suppressed += (size_t)c->suppressed;
	}
	rc = IMPACT_OK;
done:
	free(cells);
	free(present);
	free(run0);
	free(run1);
	free(un.x);
	free(un.den);
	free(un.meets);
	free(un.stratum);
	free(un.cat0);
	free(un.ncat);
	free(un.work);
	free(un.iwork);
	free(un.counts);
	data_release(&d);
	return rc;
}

/*
 * Change from the previous period and its significance, for every stored
 * value of the periods `lo`..`hi`: the previous value is the latest
 * earlier period's of the same indicator and unit.
 */
static int changes(impact *h, int lo, int hi)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	int rc, step;

	if ((rc = impact__prepare(h, &st, "SELECT r.id, i.kind, i.source,"
	                          " r.value, r.n, r.variance, r.suppressed,"
	                          " p.value, p.n, p.variance, p.suppressed,"
	                          " json_extract(i.definition, '$.multiply')"
	                          " FROM indicator_results r JOIN indicators i"
	                          " ON i.id = r.indicator_id JOIN"
	                          " indicator_results p ON p.id = (SELECT q.id"
	                          " FROM indicator_results q WHERE"
	                          " q.indicator_id = r.indicator_id AND"
	                          " q.place_id IS r.place_id AND"
	                          " q.territory_id IS r.territory_id AND"
	                          " q.period < r.period AND q.value IS NOT NULL"
	                          " ORDER BY q.period DESC LIMIT 1)"
	                          " WHERE r.period BETWEEN ?1 AND ?2"
	                          " AND r.value IS NOT NULL;")) != 0
	    || (rc = impact__prepare(h, &up, "UPDATE indicator_results SET"
	                             " previous = ?2, change = ?3, p_value = ?4,"
	                             " significant = ?5 WHERE id = ?1;")) != 0)
		goto done;
	sqlite3_bind_int(st, 1, lo);
	sqlite3_bind_int(st, 2, hi);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		double v1 = sqlite3_column_double(st, 7);
		double v2 = sqlite3_column_double(st, 3);
		double n1 = sqlite3_column_double(st, 8);
		double n2 = sqlite3_column_double(st, 4);
		double m = sqlite3_column_type(st, 11) == SQLITE_NULL ? 1
		           : sqlite3_column_double(st, 11);
		double p = NAN;
		int hidden = sqlite3_column_int(st, 6)
		             || sqlite3_column_int(st, 10);

		sqlite3_reset(up);
		sqlite3_clear_bindings(up);
		sqlite3_bind_int64(up, 1, sqlite3_column_int64(st, 0));
		sqlite3_bind_double(up, 2, v1);
		if (!hidden)
			sqlite3_bind_double(up, 3, v2 - v1);
		if (!hidden && strcmp(kind, "share") == 0 && m != 0)
			p = impact_stats_two_proportions(NULL, v2 / m * n2, n2,
			                                 v1 / m * n1, n1);
		else if (!hidden && strcmp(kind, "mean") == 0 && m != 0
		         && sqlite3_column_type(st, 5) != SQLITE_NULL
		         && sqlite3_column_type(st, 9) != SQLITE_NULL)
			p = impact_stats_welch(NULL, NULL, v2 / m,
			                       sqlite3_column_double(st, 5), n2,
			                       v1 / m,
			                       sqlite3_column_double(st, 9), n1);
		if (!isnan(p)) {
			sqlite3_bind_double(up, 4, p);
			sqlite3_bind_int(up, 5, p < 0.05);
		}
		if (sqlite3_step(up) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing a change");
			goto done;
		}
	}
	rc = step == SQLITE_DONE ? IMPACT_OK
	                         : impact__db_error(h, "reading changes");
done:
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	return rc;
}

int impact__indicators_compute(impact *h, const int *periods, size_t np,
                               const char *now, size_t *rows,
                               size_t *suppressed)
{
	struct engine e;
	struct indicator *inds = NULL;
	sqlite3_stmt *st = NULL, *del = NULL;
	size_t nind = 0, cap = 0, i, k;
	int rc, step, lo = 9999, hi = 0;

	memset(&e, 0, sizeof(e));
	e.h = h;
	e.now = now;
	if ((rc = impact__prepare(h, &st, "SELECT id, min_n, definition FROM"
	                          " indicators ORDER BY library_id, position;"))
	    != IMPACT_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (nind == cap) {
			size_t c = cap ? 2 * cap : 32;
			struct indicator *p = realloc(inds, c * sizeof(*p));

			if (!p) {
				rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
				goto done;
			}
			inds = p;
			cap = c;
		}
		if (parse_indicator((const char *)sqlite3_column_text(st, 2),
		                    &inds[nind]) != 0) {
			rc = impact__error(h, IMPACT_EDB, "indicator %lld: its "
			                   "stored definition is not valid JSON",
			                   sqlite3_column_int64(st, 0));
			goto done;
		}
		inds[nind].id = sqlite3_column_int64(st, 0);
		inds[nind].min_n = sqlite3_column_int(st, 1);
		nind++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (nind == 0) {
		rc = IMPACT_OK;
		goto done;
	}
	if ((rc = impact__tree_load(h, &e.t)) != IMPACT_OK)
		goto done;
	if (members_build(&e.t, &e.m) != 0) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = engine_links(&e)) != IMPACT_OK
	    || (rc = impact__prepare(h, &e.ins, "INSERT INTO indicator_results"
	                             " (indicator_id, period, place_id,"
	                             " territory_id, value, n, ci_low, ci_high,"
	                             " variance, suppressed, reason, computed_at)"
	                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	                             " ?9, ?10, ?11, ?12);")) != 0
	    || (rc = impact__prepare(h, &del, "DELETE FROM indicator_results"
	                             " WHERE period = ?1;")) != 0)
		goto done;
	for (k = 0; k < np; k++) {
		sqlite3_reset(del);
		sqlite3_bind_int(del, 1, periods[k]);
		if (sqlite3_step(del) != SQLITE_DONE) {
			rc = impact__db_error(h, "clearing indicator results");
			goto done;
		}
		if (periods[k] < lo)
			lo = periods[k];
		if (periods[k] > hi)
			hi = periods[k];
		for (i = 0; i < nind; i++) {
			impact__progress(h, "indicators", k * nind + i, np * nind);
			if ((rc = one(&e, &inds[i], periods[k])) != IMPACT_OK)
				goto done;
		}
	}
	impact__progress(h, "indicators", np * nind, np * nind);
	/* Later periods compare with these ones too. */
	if ((rc = changes(h, lo, 9999)) != IMPACT_OK)
		goto done;
	*rows += e.rows;
	*suppressed += e.suppressed;
done:
	sqlite3_finalize(st);
	sqlite3_finalize(del);
	sqlite3_finalize(e.ins);
	for (i = 0; i < nind; i++)
		json_decref(inds[i].json);
	free(inds);
	members_release(&e.m);
	free(e.parent);
	free(e.place_terr);
	free(e.depth_of);
	if (e.t.unit_id)
		impact__tree_release(&e.t);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Reading them back                                                  */

int impact_indicator_results_each(impact *h,
                                  const impact_result_filter *filter,
                                  int (*cb)(void *payload,
                                            const impact_indicator_result *r),
                                  void *payload)
{
	impact_result_filter all = IMPACT_RESULT_FILTER_INIT;
	sqlite3_stmt *st = NULL;
	int rc, step;

	assert(h && cb);
	impact__clear_error(h);
	if (!filter)
		filter = &all;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT r.period,"
	                          " CASE WHEN r.place_id IS NOT NULL THEN"
	                          " 'place' ELSE 'territory' END,"
	                          " coalesce(p.code, t.code),"
	                          " coalesce(p.name, t.name), l.code, i.code,"
	                          " i.label_fr, i.label_en, i.domain,"
	                          " i.unit_fr, i.unit_en, i.direction,"
	                          " i.decimals, r.suppressed, r.reason,"
	                          " r.value, r.n, r.ci_low, r.ci_high,"
	                          " r.previous, r.change, r.significant,"
	                          " r.p_value"
	                          " FROM indicator_results r"
	                          " JOIN indicators i ON i.id = r.indicator_id"
	                          " JOIN indicator_libraries l"
	                          " ON l.id = i.library_id"
	                          " LEFT JOIN places p ON p.id = r.place_id"
	                          " LEFT JOIN territories t"
	                          " ON t.id = r.territory_id"
	                          " WHERE (?1 = 0 OR r.period = ?1)"
	                          " AND (?2 IS NULL OR p.code = ?2)"
	                          " AND (?3 IS NULL OR t.code = ?3)"
	                          " AND (?4 IS NULL OR i.code = ?4)"
	                          " ORDER BY r.period, r.place_id IS NOT NULL,"
	                          " coalesce(p.code, t.code), l.id,"
	                          " i.position;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_int(st, 1, filter->period);
	sqlite3_bind_text(st, 2, filter->place, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, filter->territory, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, filter->measure, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_indicator_result r;

		memset(&r, 0, sizeof(r));
		r.period = sqlite3_column_int(st, 0);
		r.unit_kind = (const char *)sqlite3_column_text(st, 1);
		r.unit_code = (const char *)sqlite3_column_text(st, 2);
		r.unit_name = (const char *)sqlite3_column_text(st, 3);
		r.library = (const char *)sqlite3_column_text(st, 4);
		r.code = (const char *)sqlite3_column_text(st, 5);
		r.label_fr = (const char *)sqlite3_column_text(st, 6);
		r.label_en = (const char *)sqlite3_column_text(st, 7);
		r.domain = (const char *)sqlite3_column_text(st, 8);
		r.unit_fr = (const char *)sqlite3_column_text(st, 9);
		r.unit_en = (const char *)sqlite3_column_text(st, 10);
		r.direction = sqlite3_column_int(st, 11);
		r.decimals = sqlite3_column_int(st, 12);
		r.suppressed = sqlite3_column_int(st, 13);
		r.reason = (const char *)sqlite3_column_text(st, 14);
		r.n = sqlite3_column_int64(st, 16);
		r.value = r.ci_low = r.ci_high = NAN;
		r.previous = r.change = r.p_value = NAN;
		r.significant = -1;
		if (!r.suppressed) {
			r.has_value = sqlite3_column_type(st, 15) != SQLITE_NULL;
			r.value = sqlite3_column_double(st, 15);
			r.has_ci = sqlite3_column_type(st, 17) != SQLITE_NULL;
			if (r.has_ci) {
				r.ci_low = sqlite3_column_double(st, 17);
				r.ci_high = sqlite3_column_double(st, 18);
			}
			r.has_previous = sqlite3_column_type(st, 19) != SQLITE_NULL
			                 && sqlite3_column_type(st, 20) != SQLITE_NULL;
			if (r.has_previous) {
				r.previous = sqlite3_column_double(st, 19);
				r.change = sqlite3_column_double(st, 20);
			}
			if (sqlite3_column_type(st, 21) != SQLITE_NULL) {
				r.significant = sqlite3_column_int(st, 21);
				r.p_value = sqlite3_column_double(st, 22);
			}
		}
		if ((rc = cb(payload, &r)) != 0)
			break;
	}
	if (rc == IMPACT_OK && step != SQLITE_DONE)
		rc = impact__db_error(h, "reading indicator results");
	sqlite3_finalize(st);
	return rc;
}
