/*
 * indicators/engine.c: computes every stored indicator (docs/indicators.md)
 * for every place, territory and period, and writes indicator_results.
 *
 * For one indicator and one period, the observations (respondents,
 * activities or places' facts) are the rows of one SQL query built from
 * the definition (`struct sqlb` collects the text and its bound values),
 * or the same rows computed from the answers or activities in memory:
 * each row carries the observation's place, whether it passes the
 * filter, its value, the value it is multiplied by, whether it meets the
 * condition, and a ratio's numerator and denominator.  Rows are ordered
 * by place, so a place's observations are one run.  A period is read a
 * group of places at a time (group_compute()), places in the tree's
 * depth-first order: a place's value is computed from its run, and its
 * sums are added to those of the territories above it (indicators/
 * tree.h), so that a territory's observations are pooled, never
 * averaged, and memory does not grow with the rows of a period.  Each
 * kind is computed with its interval (Wilson 1927 for shares, a seeded
 * percentile bootstrap stratified by place for means, ratios and
 * diversity, drawn once per place and summed up the tree; none for
 * counts and sums), disclosure control is
 * applied (primary, dominance, then secondary suppression), and each value
 * is compared with the previous period's (two-proportion z test, Welch's t
 * test): as it is written, periods being computed in order, from the
 * latest value of each indicator and unit kept in memory (struct last);
 * when a past period is computed again, afterwards, by changes().
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "../engine/context.h"
#include "engine.h"
#include "impact/indicators.h"
#include "draw.h"
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
	size_t choices;          /* on answers: the question's options */
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
	long long key;       /* respondent or activity id, for categories */
	size_t cat0;         /* its categories: cats[cat0 .. cat0 + ncat) */
	uint32_t ncat;
	int meets;           /* meets the condition (share) */
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

/*
 * The value of question `code` for respondent r.  The questions of that
 * code are looked up once (the IN list), then each respondent's answer
 * by the answers' key: the first by question id, as a scan of the
 * respondent's answers would find it.
 */
static void answer_value(struct sqlb *q, const char *code)
{
	sqlite3_str_appendall(q->s, "(SELECT a.value FROM answers a WHERE "
	                      "a.respondent_id = r.id AND a.question_id IN "
	                      "(SELECT id FROM questions WHERE code = ");
	bind_text(q, code);
	sqlite3_str_appendall(q->s, ") ORDER BY a.question_id LIMIT 1)");
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
		                      "JOIN choices c ON c.id = a.choice_id "
		                      "WHERE a.respondent_id = r.id AND "
		                      "a.question_id IN (SELECT id FROM questions "
		                      "WHERE code = ");
		bind_text(q, code);
		sqlite3_str_appendall(q->s, ")");
		sqlite3_str_appendall(q->s, " AND c.code IN (SELECT value FROM "
		                      "json_each(");
		bind_text(q, c->choices);
		sqlite3_str_appendall(q->s, "))) OR EXISTS (SELECT 1 FROM "
		                      "answer_choices ac JOIN choices c ON "
		                      "c.id = ac.choice_id WHERE ac.respondent_id "
		                      "= r.id AND ac.question_id IN (SELECT id "
		                      "FROM questions WHERE code = ");
		bind_text(q, code);
		sqlite3_str_appendall(q->s, ")");
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
	if (src == S_ACTIVITIES && f->free >= 0) {
		sqlite3_str_appendall(q->s, " AND a.free = ");
		bind_num(q, f->free);
	}
	if (src == S_ANSWERS && f->question) {
		sqlite3_str_appendall(q->s, " AND ");
		answer_cond(q, f->question, &f->qcond);
	}
	if (src == S_ANSWERS && f->group_role) {
		sqlite3_str_appendall(q->s, " AND EXISTS (SELECT 1 FROM answers a "
		                      "JOIN choices c ON c.id = a.choice_id WHERE "
		                      "a.respondent_id = r.id AND a.question_id "
		                      "IN (SELECT id FROM questions WHERE role = ");
		bind_text(q, f->group_role);
		sqlite3_str_appendall(q->s, ")");
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
		/* NOT INDEXED here and below: the table read in rowid order
		 * then sorted is several times faster than activities_place
		 * walked with a random seek per row. */
		from = " FROM activities a NOT INDEXED WHERE a.period = ?1 "
		       "ORDER BY a.place_id, a.id";
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
			                      "WHERE a.respondent_id = r.id AND "
			                      "a.question_id IN (SELECT id FROM "
			                      "questions WHERE code = ");
			bind_text(q, ind->of);
			sqlite3_str_appendall(q->s, ")), ");
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
		/* In answers_cat_rows()'s order: the answers by (question,
		 * respondent), then the options by (respondent, choice). */
		sqlite3_str_appendall(q->s, "SELECT id, code FROM (SELECT 0 AS "
		                      "part, a.question_id AS k1, r.id AS k2, r.id "
		                      "AS id, c.code AS code FROM respondents "
		                      "r JOIN answers a ON a.respondent_id = r.id "
		                      "JOIN questions q ON q.id = a.question_id "
		                      "JOIN choices c ON c.id = a.choice_id WHERE "
		                      "r.period = ?1 AND q.code = ");
		bind_text(q, of);
		sqlite3_str_appendall(q->s, " UNION ALL SELECT 1, r.id, "
		                      "ac.choice_id, r.id, c.code FROM "
		                      "respondents r JOIN answer_choices ac ON "
		                      "ac.respondent_id = r.id JOIN questions q "
		                      "ON q.id = ac.question_id JOIN choices c ON "
		                      "c.id = ac.choice_id WHERE r.period = ?1 AND "
		                      "q.code = ");
		bind_text(q, of);
		sqlite3_str_appendall(q->s, ") ORDER BY part, k1, k2");
		return 0;
	}
	/* Activities' category, publics and partner_places are read from
	 * the period's activities in memory (acts_cat_next()). */
	if (ind->source != S_ACTIVITIES || !of || strcmp(of, "place") != 0)
		return -1;
	sqlite3_str_appendall(q->s, "SELECT a.id, p.code FROM activities a"
	                      " JOIN places p ON p.id = a.place_id WHERE"
	                      " a.period = ?1");
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

/* Category names and their ids, kept from one group of places to the
 * next so that a category has the same id in every group. */
struct catnames {
	char **names;           /* category id -> name */
	size_t n;
	size_t *slot;           /* hash table: id + 1, 0 empty */
	size_t nslots;
};

struct data {
	struct obs *o;          /* kept observations, ordered by place */
	size_t n, cap;
	int *cats;              /* category ids, per observation runs */
	size_t ncats, capcats;
	struct catnames *cn;    /* their names (the caller's) */
	size_t possible;        /* number of possible categories */
	long long *present;     /* places.id with any row of the source */
	size_t npresent, cappresent;
};

/* Free list[0..n) and the list. */
static void strings_free(char **list, size_t n)
{
	size_t i;

	for (i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

static void catnames_release(struct catnames *cn)
{
	strings_free(cn->names, cn->n);
	free(cn->slot);
	memset(cn, 0, sizeof(*cn));
}

/* Free d's observations (not its names). */
static void data_release(struct data *d)
{
	free(d->o);
	free(d->cats);
	free(d->present);
	memset(d, 0, sizeof(*d));
}

static size_t name_hash(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

/* Intern category `s`: ids in the order names first appear (a hash
 * table finds them).  Its id, or -1 on allocation failure. */
static int intern(struct catnames *cn, const char *s)
{
	size_t i, h = name_hash(s);
	char **p;

	if (2 * (cn->n + 1) >= cn->nslots) {
		size_t ns = cn->nslots ? 2 * cn->nslots : 64, *t, k;

		if (!(t = calloc(ns, sizeof(*t))))
			return -1;
		for (k = 0; k < cn->n; k++) {
			i = name_hash(cn->names[k]) & (ns - 1);
			while (t[i])
				i = (i + 1) & (ns - 1);
			t[i] = k + 1;
		}
		free(cn->slot);
		cn->slot = t;
		cn->nslots = ns;
	}
	for (i = h & (cn->nslots - 1); cn->slot[i]; i = (i + 1) & (cn->nslots - 1))
		if (strcmp(cn->names[cn->slot[i] - 1], s) == 0)
			return (int)cn->slot[i] - 1;
	p = realloc(cn->names, (cn->n + 1) * sizeof(*p));
	if (!p)
		return -1;
	cn->names = p;
	if (!(cn->names[cn->n] = strdup(s)))
		return -1;
	cn->slot[i] = cn->n + 1;
	return (int)cn->n++;
}

/* One row of an observation query: an observation before its filter. */
struct row {
	long long key, place;    /* respondent, activity or place; place */
	int keep;                /* passes the filter */
	int has;                 /* has `of` */
	int x_null;              /* x is NULL */
	double x, den;           /* value (0 when NULL), denominator */
	int meets;               /* meets the condition */
};

/* Reallocate *p to n elements of `size` bytes; -1 when out of memory
 * (*p unchanged). */
static int resize(void *p, size_t n, size_t size)
{
	void **pp = p, *q = realloc(*pp, n * size);

	if (!q)
		return -1;
	*pp = q;
	return 0;
}

/* Out of memory: the error set on h, or only returned when h is NULL
 * (the compute thread, struct pipe, which must not touch h). */
static int enomem(impact *h)
{
	return h ? impact__error(h, IMPACT_ENOMEM, "out of memory")
	         : IMPACT_ENOMEM;
}

/* Give back what doubling left unused: *p to n elements of `size`
 * bytes (kept as it is if realloc fails). */
static void fit(void *p, size_t n, size_t size)
{
	void *q;

	if (!*(void **)p)
		return;
	if ((q = realloc(*(void **)p, (n + 1) * size)))
		*(void **)p = q;
}

/* Room in d for n observations at once, the rows of a group: no
 * doubling, whose copy would hold up to three times the kept ones; -1
 * when out of memory. */
static int reserve(struct data *d, size_t n)
{
	if (n <= d->cap)
		return 0;
	if (resize(&d->o, n, sizeof(*d->o)) != 0)
		return -1;
	d->cap = n;
	return 0;
}

/* Add a row to d as load_data() keeps it; -1 when out of memory. */
static int add_row(struct data *d, const struct indicator *ind,
                   const struct row *rw)
{
	struct obs *o;

	if (d->npresent == 0 || d->present[d->npresent - 1] != rw->place) {
		if (d->npresent == d->cappresent) {
			size_t c = d->cappresent ? 2 * d->cappresent : 64;
			long long *p = realloc(d->present, c * sizeof(*p));

			if (!p)
				return -1;
			d->present = p;
			d->cappresent = c;
		}
		d->present[d->npresent++] = rw->place;
	}
	if (!rw->keep)
		return 0;           /* filtered out */
	if (!rw->has && ind->kind != K_COUNT && ind->kind != K_DISTINCT
	    && ind->kind != K_DIVERSITY)
		return 0;           /* has no value */
	if (ind->kind == K_COUNT && ind->of && !rw->has)
		return 0;
	if (ind->kind == K_COUNT && ind->cond.type != C_NONE && !rw->meets)
		return 0;
	if ((ind->kind == K_MEAN || ind->kind == K_SUM) && rw->x_null)
		return 0;
	if (d->n == d->cap) {
		size_t c = d->cap ? 2 * d->cap : 256;
		struct obs *p = realloc(d->o, c * sizeof(*p));

		if (!p)
			return -1;
		d->o = p;
		d->cap = c;
	}
	o = &d->o[d->n++];
	memset(o, 0, sizeof(*o));
	o->key = rw->key;
	o->place = rw->place;
	o->x = rw->x;
	o->den = rw->den;
	o->meets = rw->meets;
	return 0;
}

/* ---------------------------------------------------------------- */
/* A period's rows, a group of places at a time                       */

/*
 * The answers and activities of a period are read a group of places at
 * a time, in one of two ways.  With few groups, each group's rows are
 * those of a scan of the period's rows in the order they are stored,
 * filtered to the group's places (temp.impact_group): a scan per group,
 * no sort.  With more (a larger network), the period's rows are read
 * once, by statements sorted by their place's position in the tree's
 * depth-first order (temp.impact_order, struct engine's order), SQLite's
 * sorter working in bounded memory (it spills to temporary files); each
 * group takes the rows below its last position, and the row read past
 * it is kept for the next.  Either way the rows of a place come in the
 * same order, so the values are the same.
 */
#define RESCANS_MAX 4

struct cursor {
	sqlite3_stmt *st;
	int poscol;              /* the column of the place's position */
	int state;               /* 0 to step, 1 a row kept, 2 done, -1
	                            an error */
};

/* 1 when the cursor has a row below position `end` (to be taken with
 * cursor_take()), 0 when none is left, -1 on error. */
static int cursor_row(struct cursor *c, size_t end)
{
	if (c->state == 0) {
		int rc = sqlite3_step(c->st);

		c->state = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 2 : -1;
	}
	if (c->state == 1)
		return (size_t)sqlite3_column_int64(c->st, c->poscol) < end;
	return c->state == 2 ? 0 : -1;
}

/* The row is taken: its columns stay readable until the next
 * cursor_row(). */
static void cursor_take(struct cursor *c)
{
	c->state = 0;
}

static void cursor_close(struct cursor *c)
{
	sqlite3_finalize(c->st);
	memset(c, 0, sizeof(*c));
}

/* The cursors of one source and period, and how they read. */
struct feed {
	int sorted;              /* read once, sorted; else scanned per
	                            group */
	struct cursor ans, cho;  /* answers, chosen options */
	struct cursor act, pub, par; /* activities, publics, partners */
};

static void feed_close(struct feed *f)
{
	cursor_close(&f->ans);
	cursor_close(&f->cho);
	cursor_close(&f->act);
	cursor_close(&f->pub);
	cursor_close(&f->par);
}

/* Ready cursor c of f for the next group of `period`: its statement
 * `scan` (every column but the last, the position: 0) run again on the
 * group's places, or `sorted` prepared once.  The position is the last
 * column, poscol. */
static int cursor_open(impact *h, const struct feed *f, struct cursor *c,
                       const char *scan, const char *sorted, int period,
                       int poscol)
{
	int rc;

	if (c->st && f->sorted)
		return IMPACT_OK;
	if (c->st) {
		sqlite3_reset(c->st);
	} else {
		if ((rc = impact__prepare(h, &c->st, f->sorted ? sorted : scan))
		    != IMPACT_OK)
			return rc;
		sqlite3_bind_int(c->st, 1, period);
	}
	c->poscol = poscol;
	c->state = 0;
	return IMPACT_OK;
}

/* ---------------------------------------------------------------- */
/* The answers of a group of places in memory                         */

/*
 * Most indicators read answers; their observation query (obs_query())
 * asks, for every respondent of the period, a few subqueries each: on a
 * national network, tens of millions of lookups per indicator.  Instead
 * the answers to the questions some indicator reads are read once per
 * group of places (the places of temp.impact_group), in the query's
 * order (respondents by place, then id), and each
 * indicator's columns are computed from them here, with the query's
 * rules: a question is named by its code (any survey's question of that
 * code), its value is the answer's to the lowest question id, NULL (NaN
 * here, which SQLite never stores) when that answer has none, and
 * comparisons with NULL are false.
 */

/* The database's questions and choices as indicators name them. */
struct names {
	long long max_qid, max_cid;
	int *code_of;            /* questions.id -> code id, -1 */
	int *role_of;            /* questions.id -> role id, -1 */
	char **codes, **roles;   /* code and role ids -> text (owned) */
	size_t ncodes, nroles;
	char **choice;           /* choices.id -> code (owned), NULL */
};

static void names_release(struct names *nm)
{
	free(nm->code_of);
	free(nm->role_of);
	strings_free(nm->codes, nm->ncodes);
	strings_free(nm->roles, nm->nroles);
	strings_free(nm->choice, (size_t)nm->max_cid + 1);
	memset(nm, 0, sizeof(*nm));
}

/* The id of `s` among list[0..*n), added when new; -1 out of memory. */
static int name_id(char ***list, size_t *n, const char *s)
{
	size_t i;
	char **p;

	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i], s) == 0)
			return (int)i;
	if (!(p = realloc(*list, (*n + 1) * sizeof(*p))))
		return -1;
	*list = p;
	if (!(p[*n] = strdup(s)))
		return -1;
	return (int)(*n)++;
}

/* The id of code or role `s`, or -1 when no question has it. */
static int find_name(char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return (int)i;
	return -1;
}

static int names_load(impact *h, struct names *nm)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	memset(nm, 0, sizeof(*nm));
	if ((rc = impact__query_ll(h, "SELECT coalesce(max(id), 0) FROM"
	                           " questions;", &nm->max_qid)) != 0
	    || (rc = impact__query_ll(h, "SELECT coalesce(max(id), 0) FROM"
	                              " choices;", &nm->max_cid)) != 0)
		return rc;
	nm->code_of = malloc(((size_t)nm->max_qid + 1) * sizeof(int));
	nm->role_of = malloc(((size_t)nm->max_qid + 1) * sizeof(int));
	nm->choice = calloc((size_t)nm->max_cid + 1, sizeof(char *));
	if (!nm->code_of || !nm->role_of || !nm->choice)
		goto nomem;
	for (i = 0; i <= (size_t)nm->max_qid; i++)
		nm->code_of[i] = nm->role_of[i] = -1;
	if ((rc = impact__prepare(h, &st, "SELECT id, code, role FROM"
	                          " questions;")) != IMPACT_OK)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *role = (const char *)sqlite3_column_text(st, 2);

		if (id < 0 || id > nm->max_qid)
			continue;
		if ((nm->code_of[id] = name_id(&nm->codes, &nm->ncodes,
		        (const char *)sqlite3_column_text(st, 1))) < 0
		    || (role && (nm->role_of[id] = name_id(&nm->roles,
		                                  &nm->nroles, role)) < 0)) {
			sqlite3_finalize(st);
			goto nomem;
		}
	}
	sqlite3_finalize(st);
	if ((rc = impact__prepare(h, &st, "SELECT id, code FROM choices;"))
	    != IMPACT_OK)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);

		if (id < 0 || id > nm->max_cid)
			continue;
		if (!(nm->choice[id] = strdup((const char *)
		                              sqlite3_column_text(st, 1)))) {
			sqlite3_finalize(st);
			goto nomem;
		}
	}
	sqlite3_finalize(st);
	return IMPACT_OK;
nomem:
	return impact__error(h, IMPACT_ENOMEM, "out of memory");
}

/* A list of choice codes (a condition's or a group's JSON array). */
struct codes {
	const char **s;          /* borrowed from the definition's JSON */
	size_t n;
};

/* A condition, a filter and a ratio's term, resolved to ids. */
struct rcond {
	enum cond type;
	double x;
	struct codes choices;
};

struct rfilter {
	int question;            /* code id; -1 none; -2 unknown code */
	struct rcond qcond;
	int role;                /* role id; -1 none; -2 unknown role */
	struct codes group;
};

struct rterm {
	enum kind kind;
	int of, times;           /* code ids; -1 none; -2 unknown */
	struct rfilter f;
};

/* An answers indicator, resolved. */
struct rind {
	int of, times;
	struct rcond cond;
	struct rfilter f;
	struct rterm num, den;
};

/* A NULL value among narrowed ones (struct period_answers). */
#define NO_VALUE INT32_MIN

/* The period's answers: respondents in (place, id) order, each with its
 * answers and chosen options to the questions indicators read. */
struct period_answers {
	int period;
	const struct names *nm;
	size_t n;                /* respondents, by place then id */
	long long *rid, *place;
	size_t *a0, *a1;         /* each one's answers: [a0[i], a1[i]) */
	size_t na;               /* answers in all */
	uint32_t *aq;            /* question id */
	double *av;              /* value, NaN for NULL; or, when every
	                            value read is a whole number of 32
	                            bits, NULL and: */
	int32_t *avi;            /* the values, NO_VALUE for NULL */
	uint32_t *ac;            /* choice id, NO_CHOICE for NULL */
	size_t *c0, *c1;         /* each one's chosen options */
	size_t nc;               /* chosen options in all */
	uint32_t *cq, *cc;       /* question id, choice id */
};

static void period_answers_release(struct period_answers *pa)
{
	free(pa->rid);
	free(pa->place);
	free(pa->a0);
	free(pa->a1);
	free(pa->c1);
	free(pa->aq);
	free(pa->av);
	free(pa->avi);
	free(pa->ac);
	free(pa->c0);
	free(pa->cq);
	free(pa->cc);
	memset(pa, 0, sizeof(*pa));
}

static int code_id(const struct names *nm, const char *code)
{
	int i;

	if (!code)
		return -1;
	i = find_name(nm->codes, nm->ncodes, code);
	return i < 0 ? -2 : i;
}

/* The strings of JSON array text `text` into c (pointers into `arr`,
 * which the caller keeps); -1 when out of memory. */
static int codes_of(json_t **arr, const char *text, struct codes *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	if (!text)
		return 0;
	if (!(*arr = json_loads(text, 0, NULL)))
		return -1;
	if (!(c->s = calloc(json_array_size(*arr) + 1, sizeof(char *))))
		return -1;
	for (i = 0; i < json_array_size(*arr); i++) {
		const char *v = json_string_value(json_array_get(*arr, i));

		if (v)
			c->s[c->n++] = v;
	}
	return 0;
}

/* JSON arrays kept alive while an indicator is resolved. */
struct rind_mem {
	json_t *arr[8];
	const char **lists[8];
	size_t n;
};

static void rind_mem_release(struct rind_mem *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		json_decref(m->arr[i]);
		free(m->lists[i]);
	}
	m->n = 0;
}

static int resolve_codes(struct rind_mem *m, const char *text,
                         struct codes *c)
{
	int rc;

	memset(c, 0, sizeof(*c));
	if (!text)
		return 0;
	assert(m->n < 8);
	m->arr[m->n] = NULL;
	rc = codes_of(&m->arr[m->n], text, c);
	m->lists[m->n] = c->s;
	m->n++;
	return rc;
}

static int resolve_filter(const struct names *nm, struct rind_mem *m,
                          const struct filter *f, struct rfilter *out)
{
	memset(out, 0, sizeof(*out));
	out->question = code_id(nm, f->question);
	out->qcond.type = f->qcond.type;
	out->qcond.x = f->qcond.x;
	out->role = -1;
	if (f->group_role) {
		int r = find_name(nm->roles, nm->nroles, f->group_role);

		out->role = r < 0 ? -2 : r;
	}
	if (resolve_codes(m, f->qcond.type == C_CHOICES ? f->qcond.choices
	                                                : NULL,
	                  &out->qcond.choices) != 0
	    || resolve_codes(m, f->group_role ? f->group_choices : NULL,
	                     &out->group) != 0)
		return -1;
	return 0;
}

static int resolve(const struct names *nm, struct rind_mem *m,
                   const struct indicator *ind, struct rind *r)
{
	memset(r, 0, sizeof(*r));
	r->of = code_id(nm, ind->of);
	r->times = code_id(nm, ind->times);
	r->cond.type = ind->cond.type;
	r->cond.x = ind->cond.x;
	r->num.kind = ind->num.kind;
	r->num.of = code_id(nm, ind->num.of);
	r->num.times = code_id(nm, ind->num.times);
	r->den.kind = ind->den.kind;
	r->den.of = code_id(nm, ind->den.of);
	r->den.times = code_id(nm, ind->den.times);
	if (resolve_codes(m, ind->cond.type == C_CHOICES ? ind->cond.choices
	                                                 : NULL,
	                  &r->cond.choices) != 0
	    || resolve_filter(nm, m, &ind->f, &r->f) != 0
	    || (ind->kind == K_RATIO
	        && (resolve_filter(nm, m, &ind->num.f, &r->num.f) != 0
	            || resolve_filter(nm, m, &ind->den.f, &r->den.f) != 0)))
		return -1;
	return 0;
}

/* One respondent's answers, as the subqueries see them. */
struct resp {
	const struct names *nm;
	const uint32_t *aq, *ac, *cq, *cc;
	const double *av;        /* the values, or NULL and: */
	const int32_t *avi;      /* narrowed (struct period_answers) */
	size_t na, nc;
};

/* Answer i's value of r, NaN for NULL. */
static double r_at(const struct resp *r, size_t i)
{
	if (r->av)
		return r->av[i];
	return r->avi[i] == NO_VALUE ? NAN : (double)r->avi[i];
}

/* answer_value(): the value of the answer to the lowest question id of
 * code `code` (a respondent's answers are by question id: the first);
 * 0 (NULL) when none or when that answer has no value. */
static int r_value(const struct resp *r, int code, double *out)
{
	size_t i;

	if (code < 0)
		return 0;
	for (i = 0; i < r->na; i++)
		if (r->nm->code_of[r->aq[i]] == code) {
			double v = r_at(r, i);

			if (isnan(v))
				return 0;
			*out = v;
			return 1;
		}
	return 0;
}

/* EXISTS an answer to a question of code `code`. */
static int r_exists(const struct resp *r, int code)
{
	size_t i;

	for (i = 0; code >= 0 && i < r->na; i++)
		if (r->nm->code_of[r->aq[i]] == code)
			return 1;
	return 0;
}

static int in_codes(const struct codes *c, const char *s)
{
	size_t i;

	for (i = 0; s && i < c->n; i++)
		if (strcmp(c->s[i], s) == 0)
			return 1;
	return 0;
}

/* No choice, in period_answers' choice ids. */
#define NO_CHOICE UINT32_MAX

/* The choice code of choices.id `cid`, or NULL (no such choice). */
static const char *choice_code(const struct names *nm, long long cid)
{
	return cid >= 0 && cid <= nm->max_cid && cid != NO_CHOICE
	       ? nm->choice[cid] : NULL;
}

/* answer_cond(): does the answer to `code` meet c? */
static int r_cond(const struct resp *r, int code, const struct rcond *c)
{
	double v;
	size_t i;

	switch (c->type) {
	case C_AT_LEAST:
		return r_value(r, code, &v) && v >= c->x;
	case C_AT_MOST:
		return r_value(r, code, &v) && v <= c->x;
	case C_YES:
		return r_value(r, code, &v) && v == 1;
	case C_CHOICES:
		if (code < 0)
			return 0;
		for (i = 0; i < r->na; i++)
			if (r->nm->code_of[r->aq[i]] == code
			    && in_codes(&c->choices, choice_code(r->nm, r->ac[i])))
				return 1;
		for (i = 0; i < r->nc; i++)
			if (r->nm->code_of[r->cq[i]] == code
			    && in_codes(&c->choices, choice_code(r->nm, r->cc[i])))
				return 1;
		return 0;
	case C_NONE:
		return 1;
	}
	return 1;
}

/* filter_expr() for answers. */
static int r_filter(const struct resp *r, const struct rfilter *f)
{
	size_t i;

	if (f->question != -1 && !r_cond(r, f->question, &f->qcond))
		return 0;
	if (f->role != -1) {
		if (f->role < 0)
			return 0;
		for (i = 0; i < r->na; i++)
			if (r->nm->role_of[r->aq[i]] == f->role
			    && in_codes(&f->group, choice_code(r->nm, r->ac[i])))
				return 1;
		return 0;
	}
	return 1;
}

/* product(): `of` (1 when none) times `times`; 0 when NULL. */
static int r_product(const struct resp *r, int of, int times, double *out)
{
	double a = 1, b;

	if (of != -1 && !r_value(r, of, &a))
		return 0;
	if (times != -1) {
		if (!r_value(r, times, &b))
			return 0;
		a = a * b;
	}
	*out = a;
	return 1;
}

/* term_expr(): a ratio term's value for the respondent. */
static double r_term(const struct resp *r, const struct rterm *t)
{
	double v;

	if (!r_filter(r, &t->f))
		return 0;
	if (t->kind == K_COUNT && t->of == -1)
		return 1;
	if (t->kind == K_COUNT)
		return r_value(r, t->of, &v) ? 1 : 0;
	return r_product(r, t->of, t->times, &v) ? v : 0;
}

/* The rows obs_query() gives for an answers indicator, from pa, added to
 * d; -1 when out of memory. */
static int answers_rows(const struct period_answers *pa,
                        const struct indicator *ind, struct data *d)
{
	struct rind_mem mem;
	struct rind ri;
	size_t i;
	int rc = -1;

	memset(&mem, 0, sizeof(mem));
	if (reserve(d, pa->n) != 0 || resolve(pa->nm, &mem, ind, &ri) != 0)
		goto done;
	for (i = 0; i < pa->n; i++) {
		struct resp r;
		struct row rw;

		r.nm = pa->nm;
		r.aq = pa->aq + pa->a0[i];
		r.av = pa->av ? pa->av + pa->a0[i] : NULL;
		r.avi = pa->avi ? pa->avi + pa->a0[i] : NULL;
		r.ac = pa->ac + pa->a0[i];
		r.na = pa->a1[i] - pa->a0[i];
		r.cq = pa->cq + pa->c0[i];
		r.cc = pa->cc + pa->c0[i];
		r.nc = pa->c1[i] - pa->c0[i];
		rw.key = pa->rid[i];
		rw.place = pa->place[i];
		rw.keep = r_filter(&r, &ri.f);
		if (ind->kind == K_RATIO) {
			rw.has = 1;
			rw.x_null = 0;
			rw.x = r_term(&r, &ri.num);
			rw.den = r_term(&r, &ri.den);
			rw.meets = 1;
		} else {
			rw.has = ind->of ? r_exists(&r, ri.of) : 1;
			rw.x_null = !r_product(&r, ind->of ? ri.of : -1, ri.times,
			                       &rw.x);
			if (rw.x_null)
				rw.x = 0;
			rw.den = 1;
			if (ind->of)
				rw.meets = r_cond(&r, ri.of, &ri.cond);
			else if (ri.cond.type == C_AT_LEAST)
				rw.meets = 1 >= ri.cond.x;
			else if (ri.cond.type == C_AT_MOST)
				rw.meets = 1 <= ri.cond.x;
			else
				rw.meets = 1;
		}
		if (add_row(d, ind, &rw) != 0)
			goto done;
	}
	rc = 0;
done:
	rind_mem_release(&mem);
	return rc;
}

/* Mark in `need` (by code id) the codes indicator `ind` reads. */
static void need_codes(const struct names *nm, const struct indicator *ind,
                       unsigned char *need_code, unsigned char *need_role)
{
	const char *c[8];
	const struct filter *f[3];
	size_t i, k;
	int x;

	c[0] = ind->of;
	c[1] = ind->times;
	c[2] = ind->num.of;
	c[3] = ind->num.times;
	c[4] = ind->den.of;
	c[5] = ind->den.times;
	f[0] = &ind->f;
	f[1] = &ind->num.f;
	f[2] = &ind->den.f;
	for (i = 0; i < 6; i++)
		if ((x = code_id(nm, c[i])) >= 0)
			need_code[x] = 1;
	for (k = 0; k < 3; k++) {
		if ((x = code_id(nm, f[k]->question)) >= 0)
			need_code[x] = 1;
		if (f[k]->group_role
		    && (x = find_name(nm->roles, nm->nroles,
		                      f[k]->group_role)) >= 0)
			need_role[x] = 1;
	}
}

/* qsort order of respondent positions by (place, id) (by_place()). */
static _Thread_local const struct period_answers *by_place_pa;

static int cmp_place_rid(const void *x, const void *y)
{
	const struct period_answers *pa = by_place_pa;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	if (pa->place[a] != pa->place[b])
		return pa->place[a] < pa->place[b] ? -1 : 1;
	return (pa->rid[a] > pa->rid[b]) - (pa->rid[a] < pa->rid[b]);
}

/* Put pa's respondents, read by id with n + 1 offsets in a0 and c0, in
 * (place, id) order, their answers where they are ([a0, a1) and
 * [c0, c1) per respondent); -1 when out of memory. */
static int by_place(struct period_answers *pa)
{
	size_t n = pa->n, i, *ord = malloc((n + 1) * sizeof(size_t));
	size_t *a0 = malloc((n + 1) * sizeof(size_t));
	size_t *a1 = malloc((n + 1) * sizeof(size_t));
	size_t *c0 = malloc((n + 1) * sizeof(size_t));
	size_t *c1 = malloc((n + 1) * sizeof(size_t));
	long long *rid = malloc((n + 1) * sizeof(long long));
	long long *place = malloc((n + 1) * sizeof(long long));

	if (!ord || !a0 || !a1 || !c0 || !c1 || !rid || !place) {
		free(ord);
		free(a0);
		free(a1);
		free(c0);
		free(c1);
		free(rid);
		free(place);
		return -1;
	}
	for (i = 0; i < n; i++)
		ord[i] = i;
	by_place_pa = pa;
	if (n)
		qsort(ord, n, sizeof(size_t), cmp_place_rid);
	for (i = 0; i < n; i++) {
		size_t k = ord[i];

		rid[i] = pa->rid[k];
		place[i] = pa->place[k];
		a0[i] = pa->a0[k];
		a1[i] = pa->a0[k + 1];
		c0[i] = pa->c0[k];
		c1[i] = pa->c0[k + 1];
	}
	free(ord);
	free(pa->rid);
	free(pa->place);
	free(pa->a0);
	free(pa->c0);
	pa->rid = rid;
	pa->place = place;
	pa->a0 = a0;
	pa->a1 = a1;
	pa->c0 = c0;
	pa->c1 = c1;
	return 0;
}

/* A value kept exactly as an int32_t other than NO_VALUE: a whole
 * number of 32 bits, and not -0 (whose sign the int would lose). */
static int narrow_value(double v)
{
	return v == floor(v) && v > (double)NO_VALUE && v <= (double)INT32_MAX
	       && !(v == 0 && signbit(v));
}

/* A value that is not narrow_value(): pa's na values so far widened to
 * doubles (room for cap); -1 when out of memory. */
static int widen_values(struct period_answers *pa, size_t na, size_t cap)
{
	size_t i;

	if (!(pa->av = malloc((cap + 1) * sizeof(*pa->av))))
		return -1;
	for (i = 0; i < na; i++)
		pa->av[i] = pa->avi[i] == NO_VALUE ? NAN : (double)pa->avi[i];
	free(pa->avi);
	pa->avi = NULL;
	return 0;
}

/* Read the answers of `period` of the places of temp.impact_group to the
 * questions the indicators on answers read, into pa, giving each value
 * to the tap: their values narrowed while every one is a whole number of
 * 32 bits (a third less memory). */
static int period_answers_load(impact *h, const struct names *nm,
                               const struct indicator *inds, size_t nind,
                               int period, struct feed *fd, size_t end,
                               struct period_answers *pa,
                               const struct impact__answers_tap *tap)
{
	sqlite3_stmt *st;
	size_t *pos = NULL;         /* each respondent's place position */
	unsigned char *need_code = calloc(nm->ncodes + 1, 1);
	unsigned char *need_role = calloc(nm->nroles + 1, 1);
	size_t cap = 0, acap = 0, ccap = 0, na = 0, nc = 0, i;
	long long cur = -1;
	int rc, step;

	memset(pa, 0, sizeof(*pa));
	pa->nm = nm;
	if (!need_code || !need_role)
		goto nomem;
	/* Ids are kept in 32 bits (the caller checked). */
	assert(nm->max_qid < NO_CHOICE && nm->max_cid < NO_CHOICE);
	for (i = 0; i < nind; i++)
		if (inds[i].source == S_ANSWERS)
			need_codes(nm, &inds[i], need_code, need_role);
	/* By respondent id (within a place, when sorted), the order of a
	 * scan of respondents joined to answers by their key; ordered by
	 * place below.  A respondent's answers by question id, their key's
	 * order too (r_value()). */
	if ((rc = cursor_open(h, fd, &fd->ans, "SELECT r.id, r.place_id,"
	                      " a.question_id, a.value, a.choice_id, 0 FROM"
	                      " respondents r NOT INDEXED LEFT JOIN answers a ON"
	                      " a.respondent_id = r.id WHERE r.period = ?1 AND"
	                      " r.place_id IN temp.impact_group ORDER BY r.id,"
	                      " a.question_id;", "SELECT r.id, r.place_id,"
	                      " a.question_id, a.value, a.choice_id, o.pos FROM"
	                      " respondents r NOT INDEXED JOIN temp.impact_order"
	                      " o ON o.place_id = r.place_id LEFT JOIN answers a"
	                      " ON a.respondent_id = r.id WHERE r.period = ?1"
	                      " ORDER BY o.pos, r.id, a.question_id;", period, 5))
	    != IMPACT_OK)
		goto done;
	st = fd->ans.st;
	while ((step = cursor_row(&fd->ans, end)) > 0) {
		long long rid = sqlite3_column_int64(st, 0), qid;
		int code, role;

		cursor_take(&fd->ans);
		if (rid != cur || pa->n == 0) {
			if (pa->n == cap) {
				size_t c2 = cap ? 2 * cap : 1024;
				long long *a = realloc(pa->rid, c2 * sizeof(*a));
				size_t *o;

				if (!a)
					goto nomem;
				pa->rid = a;
				if (!(a = realloc(pa->place, c2 * sizeof(*a))))
					goto nomem;
				pa->place = a;
				if (!(o = realloc(pa->a0, (c2 + 1) * sizeof(*o))))
					goto nomem;
				pa->a0 = o;
				if (!(o = realloc(pos, c2 * sizeof(*o))))
					goto nomem;
				pos = o;
				cap = c2;
			}
			cur = rid;
			pa->rid[pa->n] = rid;
			pa->place[pa->n] = sqlite3_column_int64(st, 1);
			pos[pa->n] = (size_t)sqlite3_column_int64(st, 5);
			pa->a0[pa->n] = na;
			pa->n++;
		}
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;   /* no answer at all */
		qid = sqlite3_column_int64(st, 2);
		if (tap && sqlite3_column_type(st, 3) != SQLITE_NULL)
			tap->row(tap->ctx, rid, pa->place[pa->n - 1], qid,
			         sqlite3_column_double(st, 3));
		if (qid < 0 || qid > nm->max_qid)
			continue;   /* no such question: no row of the joins */
		code = nm->code_of[qid];
		role = nm->role_of[qid];
		if (!((code >= 0 && need_code[code])
		      || (role >= 0 && need_role[role])))
			continue;
		if (na == acap) {
			size_t c2 = acap ? 2 * acap : 4096;

			if (resize(&pa->aq, c2, sizeof(*pa->aq)) != 0
			    || resize(&pa->ac, c2, sizeof(*pa->ac)) != 0
			    || (pa->av ? resize(&pa->av, c2, sizeof(*pa->av))
			               : resize(&pa->avi, c2, sizeof(*pa->avi)))
			       != 0)
				goto nomem;
			acap = c2;
		}
		pa->aq[na] = (uint32_t)qid;
		{
			double v = sqlite3_column_type(st, 3) == SQLITE_NULL
			           ? NAN : sqlite3_column_double(st, 3);

			if (!pa->av && !isnan(v) && !narrow_value(v)
			    && widen_values(pa, na, acap) != 0)
				goto nomem;
			if (pa->av)
				pa->av[na] = v;
			else
				pa->avi[na] = isnan(v) ? NO_VALUE : (int32_t)v;
		}
		{
			long long cid = sqlite3_column_type(st, 4) == SQLITE_NULL
			                ? -1 : sqlite3_column_int64(st, 4);

			/* An id beyond the choices is no choice (no row of the
			 * joins on choices). */
			pa->ac[na] = cid >= 0 && cid <= nm->max_cid
			             ? (uint32_t)cid : NO_CHOICE;
		}
		na++;
	}
	if (step < 0) {
		rc = impact__db_error(h, "reading answers");
		goto done;
	}
	if (!pa->a0 && !(pa->a0 = malloc(sizeof(size_t))))
		goto nomem;
	pa->a0[pa->n] = na;
	fit(&pa->rid, pa->n, sizeof(*pa->rid));
	fit(&pa->place, pa->n, sizeof(*pa->place));
	fit(&pa->a0, pa->n, sizeof(*pa->a0));
	fit(&pa->aq, na, sizeof(*pa->aq));
	fit(&pa->ac, na, sizeof(*pa->ac));
	fit(&pa->av, na, sizeof(*pa->av));
	fit(&pa->avi, na, sizeof(*pa->avi));
	/* The options chosen, in the same order. */
	if (!(pa->c0 = calloc(pa->n + 1, sizeof(size_t))))
		goto nomem;
	if ((rc = cursor_open(h, fd, &fd->cho, "SELECT r.id, ac.question_id,"
	                      " ac.choice_id, 0 FROM respondents r NOT INDEXED"
	                      " JOIN answer_choices ac ON ac.respondent_id ="
	                      " r.id WHERE r.period = ?1 AND r.place_id IN"
	                      " temp.impact_group ORDER BY r.id;", "SELECT r.id,"
	                      " ac.question_id, ac.choice_id, o.pos FROM"
	                      " respondents r NOT INDEXED JOIN temp.impact_order"
	                      " o ON o.place_id = r.place_id JOIN answer_choices"
	                      " ac ON ac.respondent_id = r.id WHERE r.period = ?1"
	                      " ORDER BY o.pos, r.id;", period, 3)) != IMPACT_OK)
		goto done;
	st = fd->cho.st;
	i = 0;
	while ((step = cursor_row(&fd->cho, end)) > 0) {
		long long rid = sqlite3_column_int64(st, 0);
		long long qid = sqlite3_column_int64(st, 1);
		size_t ps = (size_t)sqlite3_column_int64(st, 3);
		int code;

		cursor_take(&fd->cho);
		/* Respondents in the same order, (position, id): move to this
		 * one. */
		while (i < pa->n && (pos[i] < ps || (pos[i] == ps
		                                     && pa->rid[i] < rid))) {
			pa->c0[i + 1] = nc;
			i++;
		}
		if (i >= pa->n || pa->rid[i] != rid)
			continue;
		if (qid < 0 || qid > nm->max_qid
		    || (code = nm->code_of[qid]) < 0 || !need_code[code])
			continue;
		if (nc == ccap) {
			size_t c2 = ccap ? 2 * ccap : 1024;
			uint32_t *a = realloc(pa->cq, c2 * sizeof(*a));

			if (!a)
				goto nomem;
			pa->cq = a;
			if (!(a = realloc(pa->cc, c2 * sizeof(*a))))
				goto nomem;
			pa->cc = a;
			ccap = c2;
		}
		pa->cq[nc] = (uint32_t)qid;
		{
			long long cid = sqlite3_column_int64(st, 2);

			pa->cc[nc] = cid >= 0 && cid <= nm->max_cid
			             ? (uint32_t)cid : NO_CHOICE;
		}
		nc++;
	}
	if (step < 0) {
		rc = impact__db_error(h, "reading chosen options");
		goto done;
	}
	for (; i < pa->n; i++)
		pa->c0[i + 1] = nc;
	pa->na = na;
	pa->nc = nc;
	if (by_place(pa) != 0)
		goto nomem;
	pa->period = period;
	rc = IMPACT_OK;
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	free(pos);
	free(need_code);
	free(need_role);
	if (rc != IMPACT_OK)
		period_answers_release(pa);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The activities of a group of places in memory                      */

/*
 * The same for activities: their observation query looks each activity
 * up by place (activities_place), which on a national log means millions
 * of random reads per indicator.  The activities of a group of places
 * (temp.impact_group) are read once in the query's order, with their
 * publics and co-organising partners,
 * and each indicator's columns computed here with SQLite's rules for the
 * values involved: an integer times an integer is an integer (a real
 * beyond 64 bits), with a real it is a real; NULL spreads; comparisons
 * are numeric, and false with NULL.
 */

/* A value as SQLite holds it: NULL, an integer or a real. */
struct sv {
	int type;                /* 0 NULL, 1 integer, 2 real */
	long long i;
	double r;
};

static double sv_double(const struct sv *v)
{
	return v->type == 1 ? (double)v->i : v->type == 2 ? v->r : 0.0;
}

static struct sv sv_mul(struct sv a, struct sv b)
{
	struct sv out = { 0, 0, 0 };

	if (!a.type || !b.type)
		return out;
	if (a.type == 1 && b.type == 1) {
		long long p;

		if (!__builtin_mul_overflow(a.i, b.i, &p)) {
			out.type = 1;
			out.i = p;
			return out;
		}
	}
	out.type = 2;
	out.r = sv_double(&a) * sv_double(&b);
	return out;
}

/* Compare v with the real x: -1, 0, 1 (v not NULL). */
static int sv_cmp(const struct sv *v, double x)
{
	if (v->type == 2)
		return v->r < x ? -1 : v->r > x;
	/* An integer against a real, exactly (sqlite3IntFloatCompare). */
	if (x >= 9223372036854775808.0)
		return -1;
	if (x < -9223372036854775808.0)
		return 1;
	{
		long long y = (long long)x;

		if (v->i < y)
			return -1;
		if (v->i > y)
			return 1;
		return (double)y < x ? -1 : (double)y > x;
	}
}

/* The fields activity_field() names, as columns of period_acts.fv. */
enum { F_PARTICIPANTS, F_NEW, F_HOURS, F_VOLUNTEERS, F_VHOURS, F_FREE,
       NFIELDS };

struct period_acts {
	int period;
	size_t n;                /* activities, by place then id */
	long long *id;
	long long *rplace;       /* places in runs: activities */
	size_t *r0, nruns;       /* r0[r] .. r0[r + 1] are at rplace[r] */
	int *cat;                /* category: index in cats */
	char **cats;             /* categories of the period (owned) */
	size_t ncats;
	unsigned char *ft;       /* n × NFIELDS fields: their types */
	void *fv[NFIELDS];       /* each field's values: union fval, or
	                            int32_t when narrow[] (every integer
	                            of the column fits) */
	unsigned char narrow[NFIELDS];
	uint32_t *p0;            /* n + 1 offsets into pub */
	int *pub;                /* publics: index in pubs */
	char **pubs;             /* publics of the period (owned) */
	size_t npubs;
	uint32_t *npart;         /* partners per activity */
	uint32_t *by_id;         /* activity indices by id */
	size_t nprow;            /* partner rows, as read: */
	long long *prow_id;      /* the activity's id */
	int *prow_code;          /* the partner place's code: index in
	                            pcodes */
	char **pcodes;           /* partner places' codes (owned) */
	size_t npcodes;
};

/* A field's value as read. */
union fval {
	long long i;
	double r;
};

/* Field f of activity i as SQLite holds it. */
static struct sv field_at(const struct period_acts *pa, size_t i, int f)
{
	struct sv v = { 0, 0, 0 };

	v.type = pa->ft[i * NFIELDS + (size_t)f];
	if (v.type == 1)
		v.i = pa->narrow[f] ? ((const int32_t *)pa->fv[f])[i]
		                    : ((const union fval *)pa->fv[f])[i].i;
	else if (v.type == 2)
		v.r = ((const union fval *)pa->fv[f])[i].r;
	return v;
}

/* Narrow the columns of pa->fv whose values are all NULL or integers
 * of 32 bits, in place: each int32_t is written below the values still
 * to be read (through memcpy(): the two types share the bytes). */
static void narrow_fields(struct period_acts *pa)
{
	size_t f, i;

	for (f = 0; f < NFIELDS; f++) {
		const union fval *v = pa->fv[f];
		unsigned char *to = pa->fv[f];

		for (i = 0; i < pa->n; i++) {
			unsigned char t = pa->ft[i * NFIELDS + f];

			if (t == 2 || (t == 1 && (v[i].i < INT32_MIN
			                          || v[i].i > INT32_MAX)))
				break;
		}
		if (i < pa->n || !pa->n)
			continue;
		for (i = 0; i < pa->n; i++) {
			long long x = 0;
			int32_t y;

			if (pa->ft[i * NFIELDS + f] == 1)
				memcpy(&x, to + i * sizeof(union fval), sizeof(x));
			y = (int32_t)x;
			memcpy(to + i * sizeof(y), &y, sizeof(y));
		}
		fit(&pa->fv[f], pa->n, sizeof(int32_t));
		pa->narrow[f] = 1;
	}
}

static void period_acts_release(struct period_acts *pa)
{
	size_t i;

	free(pa->id);
	free(pa->rplace);
	free(pa->r0);
	free(pa->cat);
	strings_free(pa->cats, pa->ncats);
	free(pa->ft);
	for (i = 0; i < NFIELDS; i++)
		free(pa->fv[i]);
	free(pa->p0);
	free(pa->pub);
	strings_free(pa->pubs, pa->npubs);
	free(pa->npart);
	free(pa->by_id);
	free(pa->prow_id);
	free(pa->prow_code);
	strings_free(pa->pcodes, pa->npcodes);
	memset(pa, 0, sizeof(*pa));
}

static struct sv column_sv(sqlite3_stmt *st, int col)
{
	struct sv v = { 0, 0, 0 };

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		v.type = 1;
		v.i = sqlite3_column_int64(st, col);
		break;
	case SQLITE_FLOAT:
		v.type = 2;
		v.r = sqlite3_column_double(st, col);
		break;
	case SQLITE_NULL:
		break;
	default:         /* text or blob: as SQLite's arithmetic reads it */
		v.type = 2;
		v.r = sqlite3_column_double(st, col);
		break;
	}
	return v;
}

static int cmp_act_id(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Read the activities of `period` of the places of temp.impact_group
 * into pa. */
static int period_acts_load(impact *h, const struct impact__tree *tree,
                            int period, struct feed *fd, size_t end,
                            struct period_acts *pa)
{
	int *code_at = NULL;
	sqlite3_stmt *st;
	size_t cap = 0, pcap = 0, i;
	long long *sorted = NULL;   /* (id, index) pairs by id */
	size_t runcap = 0;
	long long *rows = NULL;     /* publics as read: activity ids, */
	int *rowp = NULL;           /* ... their publics */
	size_t *fill = NULL;        /* ... laid out per activity */
	size_t nrows = 0, rcap = 0;
	int rc, step;

	memset(pa, 0, sizeof(*pa));
	if ((rc = cursor_open(h, fd, &fd->act, "SELECT a.id, a.place_id,"
	                      " a.category, a.participants, a.new_participants,"
	                      " a.hours, a.volunteers, a.volunteer_hours, a.free,"
	                      " 0 FROM activities a NOT INDEXED WHERE a.period ="
	                      " ?1 AND a.place_id IN temp.impact_group ORDER BY"
	                      " a.place_id, a.id;", "SELECT a.id, a.place_id,"
	                      " a.category, a.participants, a.new_participants,"
	                      " a.hours, a.volunteers, a.volunteer_hours, a.free,"
	                      " o.pos FROM activities a NOT INDEXED JOIN"
	                      " temp.impact_order o ON o.place_id = a.place_id"
	                      " WHERE a.period = ?1 ORDER BY o.pos, a.id;",
	                      period, 9)) != IMPACT_OK)
		return rc;
	st = fd->act.st;
	while ((step = cursor_row(&fd->act, end)) > 0) {
		const char *c = (const char *)sqlite3_column_text(st, 2);
		int k;

		cursor_take(&fd->act);
		if (pa->n == cap) {
			size_t c2 = cap ? 2 * cap : 4096;

			if (resize(&pa->id, c2, sizeof(*pa->id)) != 0
			    || resize(&pa->cat, c2, sizeof(*pa->cat)) != 0
			    || resize(&pa->ft, c2, NFIELDS) != 0)
				goto nomem;
			for (i = 0; i < NFIELDS; i++)
				if (resize(&pa->fv[i], c2, sizeof(union fval)) != 0)
					goto nomem;
			cap = c2;
		}
		pa->id[pa->n] = sqlite3_column_int64(st, 0);
		if (!pa->nruns || pa->rplace[pa->nruns - 1]
		                  != sqlite3_column_int64(st, 1)) {
			if (pa->nruns + 1 >= runcap) {
				size_t c2 = runcap ? 2 * runcap : 256;

				if (resize(&pa->rplace, c2, sizeof(*pa->rplace)) != 0
				    || resize(&pa->r0, c2, sizeof(*pa->r0)) != 0)
					goto nomem;
				runcap = c2;
			}
			pa->rplace[pa->nruns] = sqlite3_column_int64(st, 1);
			pa->r0[pa->nruns++] = pa->n;
		}
		k = c ? name_id(&pa->cats, &pa->ncats, c) : -1;
		if (c && k < 0)
			goto nomem;
		pa->cat[pa->n] = k;
		for (i = 0; i < NFIELDS; i++) {
			struct sv v = column_sv(st, 3 + (int)i);
			union fval *col = pa->fv[i];

			pa->ft[pa->n * NFIELDS + i] = (unsigned char)v.type;
			if (v.type == 1)
				col[pa->n].i = v.i;
			else
				col[pa->n].r = v.r;
		}
		pa->n++;
	}
	if (step < 0)
		return impact__db_error(h, "reading activities");
	if (pa->r0)
		pa->r0[pa->nruns] = pa->n;
	fit(&pa->id, pa->n, sizeof(*pa->id));
	fit(&pa->cat, pa->n, sizeof(*pa->cat));
	fit(&pa->ft, pa->n * NFIELDS, 1);
	for (i = 0; i < NFIELDS; i++)
		fit(&pa->fv[i], pa->n, sizeof(union fval));
	narrow_fields(pa);
	/* Publics and partners, found by activity id. */
	sorted = malloc((2 * pa->n + 2) * sizeof(long long));
	pa->p0 = calloc(pa->n + 2, sizeof(*pa->p0));
	pa->npart = calloc(pa->n + 1, sizeof(*pa->npart));
	if (!sorted || !pa->p0 || !pa->npart)
		goto nomem;
	for (i = 0; i < pa->n; i++) {
		sorted[2 * i] = pa->id[i];
		sorted[2 * i + 1] = (long long)i;
	}
	qsort(sorted, pa->n, 2 * sizeof(long long), cmp_act_id);
	/* Publics: counted per activity, then laid out. */
	if ((rc = cursor_open(h, fd, &fd->pub, "SELECT ap.activity_id,"
	                      " ap.public, 0 FROM activities a NOT INDEXED JOIN"
	                      " activity_publics ap ON ap.activity_id = a.id"
	                      " WHERE a.period = ?1 AND a.place_id IN"
	                      " temp.impact_group;", "SELECT ap.activity_id,"
	                      " ap.public, o.pos FROM activities a NOT INDEXED"
	                      " JOIN temp.impact_order o ON o.place_id ="
	                      " a.place_id JOIN activity_publics ap ON"
	                      " ap.activity_id = a.id WHERE a.period = ?1 ORDER"
	                      " BY o.pos;", period, 2)) != IMPACT_OK)
		goto done;
	st = fd->pub.st;
	while ((step = cursor_row(&fd->pub, end)) > 0) {
		const char *pb = (const char *)sqlite3_column_text(st, 1);
		int k;

		cursor_take(&fd->pub);
		if (nrows == rcap) {
			rcap = rcap ? 2 * rcap : 4096;
			if (resize(&rows, rcap, sizeof(*rows)) != 0
			    || resize(&rowp, rcap, sizeof(*rowp)) != 0)
				goto nomem;
		}
		if (!pb || (k = name_id(&pa->pubs, &pa->npubs, pb)) < 0)
			goto nomem;
		rows[nrows] = sqlite3_column_int64(st, 0);
		rowp[nrows++] = k;
	}
	if (step < 0) {
		rc = impact__db_error(h, "reading publics");
		goto done;
	}
	if (nrows >= UINT32_MAX)     /* p0's offsets */
		goto nomem;
	for (i = 0; i < nrows; i++) {
		long long *f = bsearch(&rows[i], sorted, pa->n,
		                       2 * sizeof(long long), cmp_act_id);

		if (f)
			pa->p0[f[1] + 1]++;
	}
	for (i = 0; i < pa->n; i++)
		pa->p0[i + 1] += pa->p0[i];
	pa->pub = malloc((nrows + 1) * sizeof(int));
	fill = calloc(pa->n + 1, sizeof(size_t));
	if (!pa->pub || !fill)
		goto nomem;
	for (i = 0; i < nrows; i++) {
		long long *f = bsearch(&rows[i], sorted, pa->n,
		                       2 * sizeof(long long), cmp_act_id);

		if (f)
			pa->pub[pa->p0[f[1]] + fill[f[1]]++] = rowp[i];
	}
	free(rows);                  /* before the partners are read */
	free(rowp);
	free(fill);
	rows = NULL;
	rowp = NULL;
	fill = NULL;
	/* Partners: the rows of acts_cat_next()'s "partner_places", in
	 * this statement's order, counted per activity; each place's code
	 * kept once, found by the place's unit in the tree (code_at: its
	 * index in pcodes + 1). */
	if (!(code_at = calloc(tree->nplaces + 1, sizeof(*code_at))))
		goto nomem;
	if ((rc = cursor_open(h, fd, &fd->par, "SELECT a.id, p.code, p.id, 0"
	                      " FROM activities a NOT INDEXED JOIN"
	                      " activity_partners ap ON ap.activity_id = a.id"
	                      " JOIN places p ON p.id = ap.place_id WHERE"
	                      " a.period = ?1 AND a.place_id IN"
	                      " temp.impact_group;", "SELECT a.id, p.code, p.id,"
	                      " o.pos FROM activities a NOT INDEXED JOIN"
	                      " temp.impact_order o ON o.place_id = a.place_id"
	                      " JOIN activity_partners ap ON ap.activity_id ="
	                      " a.id JOIN places p ON p.id = ap.place_id WHERE"
	                      " a.period = ?1 ORDER BY o.pos, a.id, p.id;",
	                      period, 3)) != IMPACT_OK)
		goto done;
	st = fd->par.st;
	while ((step = cursor_row(&fd->par, end)) > 0) {
		long long key = sqlite3_column_int64(st, 0);
		const char *code = (const char *)sqlite3_column_text(st, 1);
		long u = impact__unit_of_place(tree,
		                               sqlite3_column_int64(st, 2));
		long long *f = bsearch(&key, sorted, pa->n, 2 * sizeof(long long),
		                       cmp_act_id);
		int k;

		cursor_take(&fd->par);
		if (pa->nprow == pcap) {
			size_t c2 = pcap ? 2 * pcap : 4096;

			if (resize(&pa->prow_id, c2, sizeof(*pa->prow_id)) != 0
			    || resize(&pa->prow_code, c2,
			              sizeof(*pa->prow_code)) != 0)
				goto nomem;
			pcap = c2;
		}
		if (u >= 0 && code_at[u])
			k = code_at[u] - 1;
		else if ((k = name_id(&pa->pcodes, &pa->npcodes,
		                      code ? code : "")) < 0)
			goto nomem;
		else if (u >= 0)
			code_at[u] = k + 1;
		pa->prow_id[pa->nprow] = key;
		pa->prow_code[pa->nprow++] = k;
		if (f && pa->npart[f[1]]++ == UINT32_MAX)
			goto nomem;  /* 4 billion partners of one */
	}
	if (step < 0) {
		rc = impact__db_error(h, "reading partners");
		goto done;
	}
	if (!(pa->by_id = malloc((pa->n + 1) * sizeof(*pa->by_id))))
		goto nomem;
	for (i = 0; i < pa->n; i++)
		pa->by_id[i] = (uint32_t)sorted[2 * i + 1];
	pa->period = period;
	rc = IMPACT_OK;
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	free(sorted);
	free(rows);
	free(rowp);
	free(fill);
	free(code_at);
	if (rc != IMPACT_OK)
		period_acts_release(pa);
	return rc;
}

/* activity_field(): field `f` of activity i (f NULL: 1). */
static struct sv a_field(const struct period_acts *pa, size_t i,
                         const char *f)
{
	struct sv v = { 1, 1, 0 };

	if (!f)
		return v;
	if (strcmp(f, "participant_hours") == 0)
		return sv_mul(field_at(pa, i, F_PARTICIPANTS),
		              field_at(pa, i, F_HOURS));
	if (strcmp(f, "partners") == 0) {
		v.i = pa->npart[i];
		return v;
	}
	if (strcmp(f, "participants") == 0)
		return field_at(pa, i, F_PARTICIPANTS);
	if (strcmp(f, "new_participants") == 0)
		return field_at(pa, i, F_NEW);
	if (strcmp(f, "hours") == 0)
		return field_at(pa, i, F_HOURS);
	if (strcmp(f, "volunteers") == 0)
		return field_at(pa, i, F_VOLUNTEERS);
	if (strcmp(f, "volunteer_hours") == 0)
		return field_at(pa, i, F_VHOURS);
	if (strcmp(f, "free") == 0)
		return field_at(pa, i, F_FREE);
	v.type = 0;
	return v;
}

/* product() for activities. */
static struct sv a_product(const struct period_acts *pa, size_t i,
                           const char *of, const char *times)
{
	struct sv a = a_field(pa, i, of);

	return times ? sv_mul(a, a_field(pa, i, times)) : a;
}

/* Is `s` one of the strings of codes list c? */
static int a_in(const struct codes *c, const char *s)
{
	return in_codes(c, s);
}

/* A filter's lists, resolved once. */
struct afilter {
	struct codes categories, publics;
	int free;                /* -1 any */
};

/* filter_expr() for activities (NULL counts as false). */
static int a_filter(const struct period_acts *pa, size_t i,
                    const struct afilter *f)
{
	if (f->categories.s && (pa->cat[i] < 0
	                        || !a_in(&f->categories,
	                                 pa->cats[pa->cat[i]])))
		return 0;
	if (f->publics.s) {
		size_t k;
		int any = 0;

		for (k = pa->p0[i]; k < pa->p0[i + 1] && !any; k++)
			any = a_in(&f->publics, pa->pubs[pa->pub[k]]);
		if (!any)
			return 0;
	}
	if (f->free >= 0) {
		struct sv v = field_at(pa, i, F_FREE);

		if (!v.type || sv_cmp(&v, (double)f->free) != 0)
			return 0;
	}
	return 1;
}

static int a_resolve_filter(struct rind_mem *m, const struct filter *f,
                            struct afilter *out)
{
	memset(out, 0, sizeof(*out));
	out->free = f->free;
	return resolve_codes(m, f->categories, &out->categories) != 0
	       || resolve_codes(m, f->publics, &out->publics) != 0 ? -1 : 0;
}

/* term_expr() for activities, as the double the query's column gives. */
static double a_term(const struct period_acts *pa, size_t i,
                     const struct term *t, const struct afilter *f)
{
	struct sv v;

	if (!a_filter(pa, i, f))
		return 0;
	if (t->kind == K_COUNT && !t->of)
		return 1;
	if (t->kind == K_COUNT)
		return a_field(pa, i, t->of).type ? 1 : 0;
	v = a_product(pa, i, t->of, t->times);
	return sv_double(&v);
}

/* The rows obs_query() gives for an activities indicator, from pa, added
 * to d; -1 when out of memory. */
static int acts_rows(const struct period_acts *pa,
                     const struct indicator *ind, struct data *d)
{
	struct rind_mem mem;
	struct afilter f, fn, fd;
	size_t i, r;
	int rc = -1;

	memset(&mem, 0, sizeof(mem));
	if (reserve(d, pa->n) != 0 || a_resolve_filter(&mem, &ind->f, &f) != 0
	    || (ind->kind == K_RATIO
	        && (a_resolve_filter(&mem, &ind->num.f, &fn) != 0
	            || a_resolve_filter(&mem, &ind->den.f, &fd) != 0)))
		goto done;
	for (i = 0, r = 0; i < pa->n; i++) {
		struct row rw;

		while (pa->r0[r + 1] <= i)
			r++;
		rw.key = pa->id[i];
		rw.place = pa->rplace[r];
		rw.keep = a_filter(pa, i, &f);
		if (ind->kind == K_RATIO) {
			rw.has = 1;
			rw.x_null = 0;
			rw.x = a_term(pa, i, &ind->num, &fn);
			rw.den = a_term(pa, i, &ind->den, &fd);
			rw.meets = 1;
		} else {
			struct sv x = a_product(pa, i, ind->of, ind->times);
			struct sv v = a_product(pa, i, ind->of, NULL);

			rw.has = ind->of ? a_field(pa, i, ind->of).type != 0 : 1;
			rw.x_null = x.type == 0;
			rw.x = sv_double(&x);
			rw.den = 1;
			if (ind->cond.type == C_AT_LEAST)
				rw.meets = v.type && sv_cmp(&v, ind->cond.x) >= 0;
			else if (ind->cond.type == C_AT_MOST)
				rw.meets = v.type && sv_cmp(&v, ind->cond.x) <= 0;
			else if (ind->cond.type == C_YES)
				rw.meets = v.type && sv_cmp(&v, 1) == 0;
			else
				rw.meets = 1;
		}
		if (add_row(d, ind, &rw) != 0)
			goto done;
	}
	rc = 0;
done:
	rind_mem_release(&mem);
	return rc;
}

/* Rows (key, category name) of a categories query, made in memory. */
struct catrows {
	size_t n, next;
	long long *key;
	const char **name;       /* borrowed */
};

static void catrows_release(struct catrows *cr)
{
	free(cr->key);
	free(cr->name);
	memset(cr, 0, sizeof(*cr));
}

/* Sort context of answers_cat_rows() (one per thread). */
static _Thread_local const long long *cat_a, *cat_b;

static int cmp_pair(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;

	if (cat_a[i] != cat_a[j])
		return cat_a[i] < cat_a[j] ? -1 : 1;
	if (cat_b[i] != cat_b[j])
		return cat_b[i] < cat_b[j] ? -1 : 1;
	return (i > j) - (i < j);
}

/* The chosen option's code of answer k (part 0) or chosen option k
 * (part 1) of pa when it is one to question code c, else NULL. */
static const char *cat_choice(const struct period_answers *pa, int part,
                              size_t k, int c)
{
	long long q = part ? pa->cq[k] : pa->aq[k];

	return pa->nm->code_of[q] == c
	       ? choice_code(pa->nm, part ? pa->cc[k] : pa->ac[k]) : NULL;
}

/*
 * cat_query()'s rows for question `code` from the period's answers, in
 * its order: the answers by (question id, respondent), then the chosen
 * options by (respondent, choice); only answers whose choice exists.
 * The order matters: category ids follow it.  The rows are counted
 * first: room for them only, not for every answer of the group.  -1
 * when out of memory.
 */
static int answers_cat_rows(const struct period_answers *pa,
                            const char *code, struct catrows *cr)
{
	long long *a = NULL, *b = NULL;
	const char **names = NULL;
	size_t *ord = NULL, i, k, m = 0, total = 0;
	int c = code_id(pa->nm, code), rc = -1, part;

	memset(cr, 0, sizeof(*cr));
	for (part = 0; part < 2 && c >= 0; part++)
		for (i = 0; i < pa->n; i++)
			for (k = part ? pa->c0[i] : pa->a0[i];
			     k < (part ? pa->c1[i] : pa->a1[i]); k++)
				total += cat_choice(pa, part, k, c) != NULL;
	a = malloc((total + 1) * sizeof(long long));
	b = malloc((total + 1) * sizeof(long long));
	ord = malloc((total + 1) * sizeof(size_t));
	names = malloc((total + 1) * sizeof(char *));
	cr->key = malloc((total + 1) * sizeof(long long));
	cr->name = malloc((total + 1) * sizeof(char *));
	if (!a || !b || !ord || !names || !cr->key || !cr->name)
		goto done;
	for (part = 0; part < 2 && c >= 0; part++) {
		size_t start = m;

		for (i = 0; i < pa->n; i++)
			for (k = part ? pa->c0[i] : pa->a0[i];
			     k < (part ? pa->c1[i] : pa->a1[i]); k++) {
				const char *name = cat_choice(pa, part, k, c);

				if (!name)
					continue;
				/* Sort keys: (question, respondent) for answers,
				 * (respondent, choice) for options. */
				a[m] = part ? pa->rid[i] : pa->aq[k];
				b[m] = part ? pa->cc[k] : pa->rid[i];
				ord[m] = m;
				cr->key[m] = pa->rid[i];
				cr->name[m] = name;
				m++;
			}
		cat_a = a;
		cat_b = b;
		qsort(ord + start, m - start, sizeof(size_t), cmp_pair);
	}
	/* Lay the rows out in that order: into a and names, which become
	 * cr's. */
	for (i = 0; i < m; i++) {
		a[i] = cr->key[ord[i]];
		names[i] = cr->name[ord[i]];
	}
	free(cr->key);
	free(cr->name);
	cr->key = a;
	cr->name = names;
	a = NULL;
	names = NULL;
	cr->n = m;
	rc = 0;
done:
	free(a);
	free(b);
	free(ord);
	free(names);
	if (rc != 0)
		catrows_release(cr);
	return rc;
}

/* A key and a position: an observation's key and its place in d->o,
 * an indicator's id and its index in e->inds. */
struct keypos {
	long long key;
	size_t pos;
};

static int keypos_cmp(const void *a, const void *b)
{
	long long x = ((const struct keypos *)a)->key;
	long long y = ((const struct keypos *)b)->key;

	return x < y ? -1 : x > y;
}

/* The entry of kp[0..n) (sorted by key) whose key is `key`, NULL when
 * none: what bsearch() finds.  Rows mostly come in key order, so the
 * search starts from *cur (the previous row's place) and steps on; a
 * key seen more than once is left to bsearch() itself. */
static const struct keypos *keypos_find(const struct keypos *kp, size_t n,
                                        size_t *cur, long long key)
{
	size_t c = *cur, lo, hi, steps = 0;

	if (c > 0 && c <= n && kp[c - 1].key == key) {
		lo = hi = c - 1;         /* the previous row's key again */
	} else if (c > n || (c > 0 && kp[c - 1].key > key)) {
		lo = 0;                  /* behind: search from the start */
		hi = c > n ? n : c;
	} else {
		while (c < n && kp[c].key < key && steps++ < 8)
			c++;
		lo = c;
		hi = n;
	}
	if (lo < hi && !(kp[lo].key >= key)) {
		while (lo < hi) {        /* the first key >= key */
			size_t mid = lo + (hi - lo) / 2;

			if (kp[mid].key < key)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	c = lo;
	*cur = c;
	if (c >= n || kp[c].key != key)
		return NULL;
	*cur = c + 1;
	if ((c + 1 < n && kp[c + 1].key == key)
	    || (c > 0 && kp[c - 1].key == key)) {
		struct keypos want;

		want.key = key;
		return bsearch(&want, kp, n, sizeof(*kp), keypos_cmp);
	}
	return &kp[c];
}

/* The (key, category) rows of activities' category, publics and
 * partner_places, one at a time from the period's activities in memory:
 * the activities by id, each one's publics as read (by name: the key of
 * activity_publics), the partner rows as read.  Each name is interned
 * once (id). */
struct acts_cat {
	const struct period_acts *pv;
	int kind;                /* 1 category, 2 publics, 3 partner places */
	size_t i, j;             /* activity (by id) or partner row; public */
	int in;                  /* publics: j set for activity i */
	char **names;            /* pv's names of that kind */
	int *id;                 /* name -> interned id, -2: not yet */
};

/* Which of them `of` is; 0: none (the query then). */
static int acts_cat_kind(const char *of)
{
	return !of ? 0 : !strcmp(of, "category") ? 1
	       : !strcmp(of, "publics") ? 2
	       : !strcmp(of, "partner_places") ? 3 : 0;
}

/* 1 when `of` is read from memory, 0 when not (the query then), -1 when
 * out of memory. */
static int acts_cat_init(struct acts_cat *it, const struct period_acts *pv,
                         const char *of)
{
	size_t nn, i;

	memset(it, 0, sizeof(*it));
	it->pv = pv;
	it->kind = acts_cat_kind(of);
	if (!it->kind)
		return 0;
	it->names = it->kind == 1 ? pv->cats : it->kind == 2 ? pv->pubs
	            : pv->pcodes;
	nn = it->kind == 1 ? pv->ncats : it->kind == 2 ? pv->npubs
	     : pv->npcodes;
	if (!(it->id = malloc((nn + 1) * sizeof(*it->id))))
		return -1;
	for (i = 0; i < nn; i++)
		it->id[i] = -2;
	return 1;
}

/* The next row: its key and the index of its name in it->names; 0 at
 * the end. */
static int acts_cat_next(struct acts_cat *it, long long *key, int *name)
{
	const struct period_acts *pv = it->pv;

	if (it->kind == 3) {
		if (it->i >= pv->nprow)
			return 0;
		*key = pv->prow_id[it->i];
		*name = pv->prow_code[it->i++];
		return 1;
	}
	while (it->i < pv->n) {
		size_t a = pv->by_id[it->i];

		if (it->kind == 1) {
			it->i++;
			if (pv->cat[a] < 0)
				continue;
			*key = pv->id[a];
			*name = pv->cat[a];
			return 1;
		}
		if (!it->in) {
			it->j = pv->p0[a];
			it->in = 1;
		}
		if (it->j < pv->p0[a + 1]) {
			*key = pv->id[a];
			*name = pv->pub[it->j++];
			return 1;
		}
		it->in = 0;
		it->i++;
	}
	return 0;
}

/* Does load_data() read the observations of `ind` from memory alone,
 * without the database, when the answers are in memory (`answers`)? */
static int from_memory(const struct indicator *ind, int answers)
{
	if (ind->source == S_ANSWERS)
		return answers;
	if (ind->source != S_ACTIVITIES)
		return 0;
	return (ind->kind != K_DISTINCT && ind->kind != K_DIVERSITY)
	       || acts_cat_kind(ind->of) != 0;
}

/* Load the observations of `ind` for `period` into d, their categories
 * named in cn: from pa (a group's answers in memory) for an indicator on
 * answers when not NULL, from pv (its activities) for one on
 * activities, else from its observation query (every place).  h is NULL
 * when from memory: out of memory is then only returned. */
static int load_data(impact *h, const struct indicator *ind, int period,
                     const struct period_answers *pa,
                     const struct period_acts *pv, struct catnames *cn,
                     struct data *d)
{
	struct sqlb q;
	struct catrows cr;
	struct acts_cat it;
	struct keypos *byk = NULL;  /* categories: the observations' keys */
	uint32_t *cnt = NULL;
	long long *rk = NULL;       /* ... the rows copied: keys, names */
	int *rc_ids = NULL;
	sqlite3_stmt *st = NULL;
	int rc, step = SQLITE_DONE;

	assert(h || (ind->source == S_ANSWERS ? pa != NULL
	                  : pv != NULL && from_memory(ind, 1)));
	memset(&cr, 0, sizeof(cr));
	memset(&it, 0, sizeof(it));
	memset(d, 0, sizeof(*d));
	d->cn = cn;
	memset(&q, 0, sizeof(q));
	if (ind->source == S_ANSWERS && pa) {
		/* The observation query, evaluated on the period's answers in
		 * memory. */
		if (answers_rows(pa, ind, d) != 0)
			goto nomem;
		goto categories;
	}
	if (ind->source == S_ACTIVITIES && pv) {
		if (acts_rows(pv, ind, d) != 0)
			goto nomem;
		goto categories;
	}
	q.s = sqlite3_str_new(h->db);
	obs_query(&q, ind);
	if ((rc = sqlb_prepare(h, &q, period, &st)) != IMPACT_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct row rw;

		rw.key = sqlite3_column_int64(st, 0);
		rw.place = sqlite3_column_int64(st, 1);
		rw.keep = sqlite3_column_int(st, 2);
		rw.has = sqlite3_column_int(st, 3);
		rw.x_null = sqlite3_column_type(st, 4) == SQLITE_NULL;
		rw.x = sqlite3_column_double(st, 4);
		rw.den = sqlite3_column_double(st, 5);
		rw.meets = sqlite3_column_int(st, 6);
		if (add_row(d, ind, &rw) != 0)
			goto nomem;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (step != SQLITE_DONE)
		return impact__db_error(h, "reading observations");
categories:
	fit(&d->o, d->n, sizeof(*d->o));
	d->cap = d->n;
	if (ind->kind != K_DISTINCT && ind->kind != K_DIVERSITY)
		return IMPACT_OK;
	/* Categories: attach each (key, name) row to its observation. */
	memset(&q, 0, sizeof(q));
	if (ind->source == S_ANSWERS && pa) {
		/* cat_query()'s rows from memory, in its order. */
		if (answers_cat_rows(pa, ind->of, &cr) != 0)
			goto nomem;
	} else if (ind->source == S_ACTIVITIES && pv
	           && (rc = acts_cat_init(&it, pv, ind->of)) != 0) {
		if (rc < 0)
			goto nomem;
	} else {
		q.s = sqlite3_str_new(h->db);
		if (cat_query(&q, ind) != 0) {
			sqlite3_free(sqlite3_str_finish(q.s));
			return impact__error(h, IMPACT_EDATA, "indicator: \"%s\" "
			                     "has no categories to count", ind->of
			                     ? ind->of : "?");
		}
		if ((rc = sqlb_prepare(h, &q, period, &st)) != IMPACT_OK)
			return rc;
	}
	{
		/* The observations' keys sorted, with their positions, to find
		 * each row's observation.  Two passes over the rows: one counts
		 * each observation's categories, the other lays them out in
		 * observation order.  The iterator over activities is run
		 * twice; the other rows are copied first. */
		size_t i, cur, pass, nr = 0, capr = 0;

		if (!(byk = malloc((d->n + 1) * sizeof(*byk))))
			goto nomem;
		for (i = 0; i < d->n; i++) {
			byk[i].key = d->o[i].key;
			byk[i].pos = i;
		}
		if (d->n)
			qsort(byk, d->n, sizeof(*byk), keypos_cmp);
		while (!it.kind) {
			long long key;
			const char *name;
			int id;

			if (st) {
				if ((step = sqlite3_step(st)) != SQLITE_ROW)
					break;
				key = sqlite3_column_int64(st, 0);
				name = (const char *)sqlite3_column_text(st, 1);
			} else {
				if (cr.next >= cr.n)
					break;
				key = cr.key[cr.next];
				name = cr.name[cr.next++];
			}
			if ((id = intern(d->cn, name)) < 0)
				goto nomem;
			if (nr == capr) {
				capr = capr ? 2 * capr : 256;
				if (resize(&rk, capr, sizeof(*rk)) != 0
				    || resize(&rc_ids, capr, sizeof(*rc_ids)) != 0)
					goto nomem;
			}
			rk[nr] = key;
			rc_ids[nr++] = id;
		}
		sqlite3_finalize(st);
		st = NULL;
		catrows_release(&cr);
		if (!(cnt = calloc(d->n + 1, sizeof(*cnt))))
			goto nomem;
		for (pass = 0; pass < 2; pass++) {
			size_t row = 0;

			if (it.kind) {
				/* Rewound: the same rows again. */
				it.i = it.j = 0;
				it.in = 0;
			}
			for (cur = 0;; row++) {
				const struct keypos *got;
				long long key;
				int id, k;

				if (it.kind) {
					if (!acts_cat_next(&it, &key, &k))
						break;
					if (it.id[k] == -2 && (it.id[k] = intern(d->cn,
					                       it.names[k])) < 0)
						goto nomem;
					id = it.id[k];
				} else {
					if (row >= nr)
						break;
					key = rk[row];
					id = rc_ids[row];
				}
				if (!(got = keypos_find(byk, d->n, &cur, key)))
					continue;
				if (pass == 0 && cnt[got->pos]++ == UINT32_MAX)
					goto nomem;  /* 4 billion categories of one */
				if (pass == 1)
					d->cats[d->o[got->pos].cat0 + cnt[got->pos]++]
					        = id;
			}
			if (pass == 1)
				break;
			/* Each observation's place in cats; cnt then counts
			 * those laid out. */
			d->ncats = 0;
			for (i = 0; i < d->n; i++) {
				d->o[i].cat0 = d->ncats;
				d->o[i].ncat = cnt[i];
				d->ncats += cnt[i];
				cnt[i] = 0;
			}
			if (!(d->cats = malloc((d->ncats + 1) * sizeof(*d->cats))))
				goto nomem;
		}
	}
	free(it.id);
	free(byk);
	free(cnt);
	free(rk);
	free(rc_ids);
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
	d->possible = ind->source == S_ANSWERS ? ind->choices : cn->n;
	return IMPACT_OK;
nomem:
	sqlite3_finalize(st);
	catrows_release(&cr);
	free(it.id);
	free(byk);
	free(cnt);
	free(rk);
	free(rc_ids);
	return enomem(h);
}

/* The options of the question of each indicator counting categories of
 * answers (a diversity's possible categories), into its `choices`. */
static int choices_count(impact *h, struct indicator *inds, size_t nind)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if ((rc = impact__prepare(h, &st, "SELECT count(DISTINCT c.code) FROM"
	                          " choices c JOIN questions q ON q.id ="
	                          " c.question_id WHERE q.code = ?1;"))
	    != IMPACT_OK)
		return rc;
	for (i = 0; i < nind; i++) {
		if (inds[i].source != S_ANSWERS || (inds[i].kind != K_DISTINCT
		    && inds[i].kind != K_DIVERSITY))
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, inds[i].of, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			return impact__db_error(h, "counting a question's options");
		}
		inds[i].choices = (size_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return IMPACT_OK;
}

/* ---------------------------------------------------------------- */
/* One unit                                                           */

/* What one unit's value is. */
struct value {
	int ok;                  /* a value could be computed */
	double v, lo, hi, var;
	int has_ci;
	long long n;
	double top;              /* largest single place's share (facts) */
	size_t places;           /* places contributing (facts) */
};

/* ---------------------------------------------------------------- */
/* Every unit of one indicator and period                             */

/* Why a value is suppressed. */
enum reason { R_NONE, R_MIN_N, R_DOMINANCE, R_SECONDARY };

/* A computed value for one unit. */
struct cell {
	struct value v;
	int present;             /* the unit has data of the source */
	int suppressed;
	enum reason reason;
};

/* A unit's value as stored: the cells of units with a value, from
 * istate_end() to one_store(). */
struct outrow {
	double v, lo, hi, var;
	long long n;
	uint32_t unit;
	unsigned char has_ci, suppressed, reason;
};

/* Is the indicator about money facts (keys ending in "_eur")? */
static int money(const char *key)
{
	size_t n = key ? strlen(key) : 0;

	return n > 4 && strcmp(key + n - 4, "_eur") == 0;
}

/* Secondary suppression: under each territory, when exactly one child
 * (place or sub-territory) is suppressed, also suppress the published
 * child with the smallest n (the first such in unit order).  Deepest
 * territories first, each depth in one pass over the units: a child's
 * territory is its place_terr or parent.  -1 when out of memory. */
static int secondary(const struct impact__tree *t, const long *parent,
                     const long *place_terr, const int *depth_of,
                     struct cell *cells)
{
	size_t nunits = t->nplaces + t->nterr, u, ch;
	size_t *sup = calloc(t->nterr + 1, sizeof(size_t));
	size_t *best = malloc((t->nterr + 1) * sizeof(size_t));
	int depth, maxd = 0;

	if (!sup || !best) {
		free(sup);
		free(best);
		return -1;
	}
	for (u = 0; u < t->nterr; u++)
		if (depth_of[u] > maxd)
			maxd = depth_of[u];
	for (depth = maxd; depth >= 0; depth--) {
		for (u = 0; u < t->nterr; u++) {
			sup[u] = 0;
			best[u] = nunits;
		}
		for (ch = 0; ch < nunits; ch++) {
			long pt = ch < t->nplaces ? place_terr[ch]
			          : parent[ch - t->nplaces];

			if (pt < 0 || depth_of[pt] != depth || !cells[ch].present
			    || !cells[ch].v.ok)
				continue;
			if (cells[ch].suppressed)
				sup[pt]++;
			else if (best[pt] == nunits
			         || cells[ch].v.n < cells[best[pt]].v.n)
				best[pt] = ch;
		}
		for (u = 0; u < t->nterr; u++)
			if (depth_of[u] == depth && sup[u] == 1
			    && best[u] < nunits) {
				cells[best[u]].suppressed = 1;
				cells[best[u]].reason = R_SECONDARY;
			}
	}
	free(sup);
	free(best);
	return 0;
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

/* The latest stored value of one indicator and unit, to compare the next
 * period's with (changes): 24 bytes, one per indicator and unit. */
struct last {
	double value, variance;
	uint32_t n;              /* as stored (below 2^32) */
	uint16_t period;         /* 0: none yet */
	unsigned char has_variance, suppressed;
};

/* The engine's state for one compute. */
struct engine {
	impact *h;
	struct impact__tree t;
	size_t *order;           /* place units, depth-first */
	size_t *cut;             /* groups: order[cut[g] .. cut[g + 1]) */
	struct scratch *sc;      /* group_compute()'s on the compute thread */
	struct scratch *msc;     /* ... and on this one */
	sqlite3_stmt *grp;       /* adds a place to temp.impact_group */
	long *parent;            /* territory index -> parent index or -1 */
	long *place_terr;        /* place unit -> territory index */
	int *depth_of;           /* territory index -> depth (root 0) */
	sqlite3_stmt *ins;
	const char *now;
	size_t rows, suppressed;
	size_t shown;            /* the progress shown */
	const struct indicator *inds; /* every indicator (last's rows) */
	struct last *last;       /* nind × units, or NULL: changes() */
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

/* Run fn(arg) on this thread and on up to nthreads - 1 others (fewer
 * when a thread cannot start), and wait for them all. */
static void run_workers(void *(*fn)(void *), void *arg, size_t nthreads)
{
	pthread_t tid[64];       /* impact__threads() gives at most 64 */
	size_t k, started;

	if (nthreads > 64)
		nthreads = 64;
	for (k = 1; k < nthreads; k++)
		if (pthread_create(&tid[k], NULL, fn, arg) != 0)
			break;
	started = k;
	fn(arg);
	for (k = 1; k < started; k++)
		pthread_join(tid[k], NULL);
}

/* ---------------------------------------------------------------- */
/* Intervals: one bootstrap per place, summed up the tree             */

/*
 * The intervals of means, ratios and diversity: a percentile bootstrap
 * (Efron & Tibshirani 1993, 13.3) stratified by place (Davison & Hinkley
 * 1997, 3.7): a replicate of a unit resamples, with replacement and
 * within each of its places, as many observations as the place has.  A
 * replicate's statistic depends on its sample only through a few sums
 * (mean: the sum of the values; ratio: the sums of numerators and of
 * denominators; diversity: the count of each category), and a
 * territory's sums are those of its places.  So each place draws its
 * REPLICATES samples once, from a generator of its own (seeded with SEED
 * and the place's id), and keeps their sums; every territory above it
 * adds them up.  A draw is a position in the place's observations in a
 * canonical order (place_sort()), so that the intervals depend on the
 * data alone, not on the order they were imported in.  A territory's
 * interval then costs one addition per place and replicate instead of
 * new draws of all its observations, and its places are resampled
 * exactly as a stratified bootstrap of the territory alone would
 * resample them.
 *
 * Places are taken in the tree's depth-first order, so that the places
 * of a territory follow one another: only the territories on the path
 * to the current place hold sums, and a territory's interval is computed
 * as soon as the next place is outside it.  The places of a block are
 * drawn on impact__threads() workers and added on this thread in a fixed
 * order, so the intervals do not depend on the number of threads.
 */

/* Bytes of drawn sums a block holds at most. */
#define BOOT_BLOCK_BYTES (8u << 20)

struct boot {
	const struct indicator *ind;
	const struct data *d;
	const struct impact__tree *t;
	const size_t *run0, *run1;
	size_t width;            /* sums per replicate */
	uint32_t *rank;          /* diversity: category id -> rank of its
	                            name (width) */
	size_t *places;          /* a group's place units with data,
	                            depth-first */
	double *sums;            /* the block's places: REPLICATES * width */
	struct cell *cells;      /* the group's places' (their intervals set
	                            by the workers) */
	pthread_mutex_t lock;    /* guards next and failed */
	size_t next, start, end; /* places[start..end): the block */
	int failed;
};

/* The seed of a place's draws: SEED and its places.id, mixed
 * (splitmix64, Steele, Lea & Flood 2014) so that neighbouring ids give
 * unrelated streams. */
static unsigned long place_seed(long long id)
{
	uint64_t z = (uint64_t)SEED + 0x9e3779b97f4a7c15u * (uint64_t)id;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	z ^= z >> 31;
	return (unsigned long)(z & 0xffffffffu);
}

/* Replicates summed side by side in place_draws(): independent chains
 * of additions, so the processor overlaps them. */
#define LANES 4
_Static_assert(REPLICATES % LANES == 0, "LANES must divide REPLICATES");

/* At most this many distinct observations in a place for place_draws()
 * to count its draws below cuts rather than look each one up. */
#define FEW 16

/* Observations alike in a place: a value (mean), a pair of values
 * (ratio) or a set of categories (diversity), and how many there are. */
struct alike {
	double x, den;           /* mean, ratio: the values */
	const uint32_t *cats;    /* diversity: the categories, ascending */
	uint32_t ncat, hash;
	uint32_t count;          /* observations alike */
};

/* A worker's scratch for place_draws(), grown to the largest place. */
struct draws {
	impact__mt r;
	uint32_t *idx;           /* LANES * n draws */
	double *x, *den;         /* the place's values, in order */
	double *vals;            /* REPLICATES statistics (boot_interval()) */
	size_t cap;              /* n the arrays below hold */
	struct alike *al;        /* distinct observations, in order */
	size_t nal;
	int counted;             /* draws counted below cuts */
	uint32_t *at;            /* diversity: distinct observation at each
	                            position, when not counted */
	uint32_t *mult;          /* diversity: a replicate's draws of each
	                            distinct observation */
	uint32_t *slot;          /* diversity: hash table of al, index + 1 */
	size_t capslot;
	uint32_t *ocat;          /* diversity: observations' categories */
	uint32_t *eal, *ecat;    /* diversity: (distinct observation,
	                            category) pairs */
	size_t cape, npairs;     /* pairs held; pairs of the place */
	uint32_t *cnt;           /* diversity: a replicate's counts */
	size_t capw;             /* width cnt holds */
	unsigned bits;           /* diversity, not counted: bits of each
	                            category's field in packed, 0 none */
	uint64_t *packed;        /* ... each position's categories, one
	                            field of `bits` bits per category */
	uint32_t bound[FEW];     /* impact__uniform_count()'s bounds */
	uint32_t below[FEW];     /* and counts */
};

static void draws_free(struct draws *w)
{
	if (!w)
		return;
	free(w->idx);
	free(w->x);
	free(w->den);
	free(w->vals);
	free(w->al);
	free(w->at);
	free(w->mult);
	free(w->slot);
	free(w->ocat);
	free(w->eal);
	free(w->ecat);
	free(w->cnt);
	free(w->packed);
	free(w);
}

/* Room in w for place unit p of bt: its observations, their categories
 * and the sums' width; -1 when out of memory. */
static int draws_fit(struct draws *w, const struct boot *bt, size_t p)
{
	const struct obs *o = bt->d->o + bt->run0[p];
	size_t n = bt->run1[p] - bt->run0[p], ne = 0, ns = 1, j;
	int div = bt->ind->kind == K_DIVERSITY;

	for (j = 0; div && j < n; j++)
		ne += o[j].ncat;
	while (div && ns < 2 * n)
		ns *= 2;
	if (bt->width > w->capw) {
		if (resize(&w->cnt, bt->width, sizeof(*w->cnt)) != 0)
			return -1;
		w->capw = bt->width;
	}
	if (ne > w->cape) {
		if (resize(&w->ocat, ne, sizeof(*w->ocat)) != 0
		    || resize(&w->eal, ne, sizeof(*w->eal)) != 0
		    || resize(&w->ecat, ne, sizeof(*w->ecat)) != 0)
			return -1;
		w->cape = ne;
	}
	if (ns > w->capslot) {
		if (resize(&w->slot, ns, sizeof(*w->slot)) != 0)
			return -1;
		w->capslot = ns;
	}
	if (n > w->cap) {
		if (resize(&w->al, n, sizeof(*w->al)) != 0
		    || resize(&w->at, n, sizeof(*w->at)) != 0
		    || resize(&w->mult, n, sizeof(*w->mult)) != 0
		    || resize(&w->packed, n, sizeof(*w->packed)) != 0
		    || resize(&w->x, n, sizeof(*w->x)) != 0
		    || resize(&w->den, n, sizeof(*w->den)) != 0
		    || resize(&w->idx, LANES * n, sizeof(*w->idx)) != 0)
			return -1;
		w->cap = n;
	}
	return 0;
}

/* Values ascending, then denominators; NaN last. */
static int by_values(const void *a, const void *b)
{
	const struct alike *x = a, *y = b;

	if (x->x != y->x)
		return isnan(x->x) ? (isnan(y->x) ? 0 : 1)
		       : isnan(y->x) || x->x < y->x ? -1 : 1;
	if (x->den != y->den)
		return isnan(x->den) ? (isnan(y->den) ? 0 : 1)
		       : isnan(y->den) || x->den < y->den ? -1 : 1;
	return 0;
}

/* Fewer categories first, then the categories in order. */
static int by_cats(const void *a, const void *b)
{
	const struct alike *x = a, *y = b;
	uint32_t k;

	if (x->ncat != y->ncat)
		return x->ncat < y->ncat ? -1 : 1;
	for (k = 0; k < x->ncat; k++)
		if (x->cats[k] != y->cats[k])
			return x->cats[k] < y->cats[k] ? -1 : 1;
	return 0;
}

/* A whole number whose n-fold sums stay exact in a double (below
 * 2^53 / n in magnitude). */
static int exact(double v, size_t n)
{
	return isfinite(v) && floor(v) == v
	       && fabs(v) * (double)n <= 9007199254740992.0;
}

/* Place unit p's observations in their canonical order, into dw: mean
 * and ratio, the values ascending (dw->x, dw->den); diversity, the sets
 * of categories in by_cats() order.  Alike ones grouped (dw->al), and
 * whether the draws can be counted (few distinct observations, and sums
 * of whole numbers, exact in any order). */
static void place_sort(const struct boot *bt, size_t p, struct draws *dw)
{
	const struct obs *o = bt->d->o + bt->run0[p];
	const int *cats = bt->d->cats;
	size_t n = bt->run1[p] - bt->run0[p], j, k, e = 0, mask, w = bt->width;
	struct alike *al = dw->al;
	int whole = 1;

	dw->nal = 0;
	if (bt->ind->kind != K_DIVERSITY) {
		int ratio = bt->ind->kind == K_RATIO;

		for (j = 0; j < n; j++) {
			al[j].x = o[j].x;
			al[j].den = ratio ? o[j].den : 0;
			al[j].count = 1;
		}
		qsort(al, n, sizeof(*al), by_values);
		for (j = 0; j < n; j++) {
			dw->x[j] = al[j].x;
			dw->den[j] = al[j].den;
			whole = whole && exact(al[j].x, n)
			        && exact(al[j].den, n);
			if (dw->nal && al[dw->nal - 1].x == al[j].x
			    && al[dw->nal - 1].den == al[j].den)
				al[dw->nal - 1].count++;
			else
				al[dw->nal++] = al[j];
		}
		dw->counted = whole && dw->nal <= FEW;
		return;
	}
	/* Each observation's valid categories, ascending, looked up in a
	 * hash table of the distinct sets seen. */
	mask = 1;
	while (mask < 2 * n)
		mask *= 2;
	memset(dw->slot, 0, mask * sizeof(*dw->slot));
	mask--;
	for (j = 0; j < n; j++) {
		uint32_t *c = dw->ocat + e, nc = 0, h = 2166136261u, t;
		size_t s;

		for (k = 0; k < o[j].ncat; k++) {
			int cat = cats[o[j].cat0 + k];
			uint32_t i, rk;

			if (cat < 0 || (size_t)cat >= w)
				continue;
			rk = bt->rank[cat];
			for (i = nc++; i > 0 && c[i - 1] > rk; i--)
				c[i] = c[i - 1];
			c[i] = rk;
		}
		for (t = 0; t < nc; t++)
			h = (h ^ c[t]) * 16777619u;
		h = (h ^ nc) * 16777619u;
		for (s = h & mask; dw->slot[s]; s = (s + 1) & mask) {
			struct alike *a = &al[dw->slot[s] - 1];

			if (a->hash == h && a->ncat == nc
			    && (nc == 0 || !memcmp(a->cats, c, nc * sizeof(*c))))
				break;
		}
		if (dw->slot[s]) {
			al[dw->slot[s] - 1].count++;
			continue;
		}
		al[dw->nal].cats = c;
		al[dw->nal].ncat = nc;
		al[dw->nal].hash = h;
		al[dw->nal].count = 1;
		dw->slot[s] = (uint32_t)++dw->nal;
		e += nc;
	}
	qsort(al, dw->nal, sizeof(*al), by_cats);
	dw->npairs = 0;
	for (j = 0, e = 0; j < dw->nal; j++) {
		for (k = 0; k < al[j].ncat; k++) {
			dw->eal[dw->npairs] = (uint32_t)j;
			dw->ecat[dw->npairs++] = al[j].cats[k];
		}
		for (k = 0; k < al[j].count; k++)
			dw->at[e++] = (uint32_t)j;
	}
	dw->counted = dw->nal <= FEW;
	/* Not counted: a position's categories as fields of one word, when
	 * a replicate's count of any category (at most n times the most a
	 * set holds it) fits every field in 64 bits; a draw then adds one
	 * word. */
	dw->bits = 0;
	if (!dw->counted) {
		uint32_t most = 1;
		unsigned b = 1;

		for (j = 0; j < dw->nal; j++)
			for (k = 0; k < al[j].ncat; k++) {
				uint32_t m = 1;

				while (k + m < al[j].ncat
				       && al[j].cats[k + m] == al[j].cats[k])
					m++;
				if (m > most)
					most = m;
			}
		while (b < 32 && ((uint64_t)1 << b) <= (uint64_t)most * n)
			b++;
		if ((uint64_t)b * w <= 64
		    && ((uint64_t)1 << b) > (uint64_t)most * n) {
			dw->bits = b;
			for (e = 0; e < n; e++) {
				const struct alike *a = &al[dw->at[e]];
				uint64_t v = 0;

				for (k = 0; k < a->ncat; k++)
					v += (uint64_t)1 << (b * a->cats[k]);
				dw->packed[e] = v;
			}
		}
	}
}

/* The sums of place unit p's REPLICATES resamples into out (dw fitted
 * to the place by draws_fit()).  Replicate b takes draws b * n .. b * n
 * + n - 1 of the place's stream, each a position in the place's
 * observations as place_sort() orders them.  When they are counted, the
 * draws of each distinct observation are counted below cuts (the
 * positions where the next one starts) and the sums are those counts
 * times the values: whole numbers, exact, so the same sums as the values
 * looked up one by one and added in draw order, which is what the other
 * path does, LANES replicates at a time. */
static void place_draws(const struct boot *bt, size_t p, double *out,
                        struct draws *dw)
{
	const struct alike *al = dw->al;
	size_t n = bt->run1[p] - bt->run0[p], w = bt->width, b, j, k;
	size_t nal;
	impact__mt *r = &dw->r;
	impact__uniform u;
	int ratio = bt->ind->kind == K_RATIO,
	    div = bt->ind->kind == K_DIVERSITY;

	place_sort(bt, p, dw);
	nal = dw->nal;
	impact__uniform_init(&u, n);
	impact__mt_seed(r, place_seed(bt->t->unit_id[p]));
	if (dw->counted) {
		uint32_t cut = 0;

		for (j = 0; j < nal; j++) {
			cut += al[j].count;
			dw->bound[j] = impact__uniform_bound(&u, cut);
		}
		for (b = 0; b < REPLICATES; b++, out += w) {
			double s = 0, t = 0;
			uint32_t prev = 0;

			memset(dw->below, 0, nal * sizeof(*dw->below));
			impact__uniform_count(r, &u, n, dw->bound, nal, dw->below);
			for (j = 0; j < nal; j++) {
				uint32_t c = dw->below[j] - prev;

				prev = dw->below[j];
				dw->mult[j] = c;
				if (!div) {
					s += (double)c * al[j].x;
					t += (double)c * al[j].den;
				}
			}
			if (!div) {
				out[0] = s;
				if (ratio)
					out[1] = t;
				continue;
			}
			memset(dw->cnt, 0, w * sizeof(*dw->cnt));
			for (k = 0; k < dw->npairs; k++)
				dw->cnt[dw->ecat[k]] += dw->mult[dw->eal[k]];
			for (k = 0; k < w; k++)
				out[k] = dw->cnt[k];
		}
		return;
	}
	if (!div) {
		const uint32_t *i0 = dw->idx, *i1 = i0 + n, *i2 = i1 + n,
		               *i3 = i2 + n;
		const double *x = dw->x, *den = dw->den;

		for (b = 0; b < REPLICATES; b += LANES) {
			double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
			double c0 = 0, c1 = 0, c2 = 0, c3 = 0;

			impact__uniform_fill(r, &u, dw->idx, LANES * n);
			for (j = 0; j < n; j++) {
				a0 += x[i0[j]];
				a1 += x[i1[j]];
				a2 += x[i2[j]];
				a3 += x[i3[j]];
			}
			if (ratio)
				for (j = 0; j < n; j++) {
					c0 += den[i0[j]];
					c1 += den[i1[j]];
					c2 += den[i2[j]];
					c3 += den[i3[j]];
				}
			out[0] = a0;
			out[w] = a1;
			out[2 * w] = a2;
			out[3 * w] = a3;
			if (ratio) {
				out[1] = c0;
				out[w + 1] = c1;
				out[2 * w + 1] = c2;
				out[3 * w + 1] = c3;
			}
			out += LANES * w;
		}
		return;
	}
	/* Diversity, many distinct sets, few categories: each draw adds its
	 * position's packed categories; the fields are the counts. */
	if (dw->bits) {
		unsigned bits = dw->bits;
		uint64_t mask = ((uint64_t)1 << bits) - 1;

		for (b = 0; b < REPLICATES; b++, out += w) {
			uint64_t acc = 0;

			impact__uniform_fill(r, &u, dw->idx, n);
			for (j = 0; j < n; j++)
				acc += dw->packed[dw->idx[j]];
			for (k = 0; k < w; k++)
				out[k] = (double)((acc >> (bits * k)) & mask);
		}
		return;
	}
	/* Diversity, many distinct sets: each draw's set counted, then the
	 * sets' counts added to their categories (whole numbers: the same
	 * in any order). */
	for (b = 0; b < REPLICATES; b++, out += w) {
		memset(dw->mult, 0, nal * sizeof(*dw->mult));
		memset(dw->cnt, 0, w * sizeof(*dw->cnt));
		impact__uniform_fill(r, &u, dw->idx, n);
		for (j = 0; j < n; j++)
			dw->mult[dw->at[dw->idx[j]]]++;
		for (k = 0; k < dw->npairs; k++)
			dw->cnt[dw->ecat[k]] += dw->mult[dw->eal[k]];
		for (k = 0; k < w; k++)
			out[k] = dw->cnt[k];
	}
}

static void boot_interval(const struct boot *bt, const double *sums,
                          double n, double *vals, struct cell *c);

/* A worker: the block's places one after the other, each place's own
 * interval with it (its territories' are the calling thread's). */
static void *boot_worker(void *arg)
{
	struct boot *bt = arg;
	struct draws *dw = calloc(1, sizeof(*dw));
	size_t k;

	if (dw && !(dw->vals = malloc(REPLICATES * sizeof(double)))) {
		draws_free(dw);
		dw = NULL;
	}
	for (;;) {
		size_t p, n;
		double *s;

		pthread_mutex_lock(&bt->lock);
		if (!dw)
			bt->failed = 1;
		k = bt->failed ? bt->end : bt->next++;
		pthread_mutex_unlock(&bt->lock);
		if (k >= bt->end)
			break;
		p = bt->places[k];
		n = bt->run1[p] - bt->run0[p];
		if (draws_fit(dw, bt, p) != 0) {
			pthread_mutex_lock(&bt->lock);
			bt->failed = 1;
			pthread_mutex_unlock(&bt->lock);
			break;
		}
		s = bt->sums + (k - bt->start) * REPLICATES * bt->width;
		place_draws(bt, p, s, dw);
		boot_interval(bt, s, (double)n, dw->vals, &bt->cells[p]);
	}
	draws_free(dw);
	return NULL;
}

/* The statistic of one replicate's sums s over n observations. */
static double boot_stat(const struct boot *bt, const double *s, double n)
{
	switch (bt->ind->kind) {
	case K_MEAN:
		return s[0] / n;
	case K_RATIO:
		return s[1] == 0 ? NAN : s[0] / s[1];
	default:
		return impact_stats_shannon_evenness(s, 1, bt->width);
	}
}

/* Unit u's interval from its replicates' sums (n observations); vals is
 * scratch of REPLICATES values.  Replicates whose statistic is undefined
 * (a ratio whose sample drew only zero denominators) are dropped; past
 * half of them, no interval. */
static void boot_interval(const struct boot *bt, const double *sums,
                          double n, double *vals, struct cell *c)
{
	size_t b, m = 0;

	if (!c->present || !c->v.ok)
		return;
	for (b = 0; b < REPLICATES; b++) {
		double x = boot_stat(bt, sums + b * bt->width, n);

		if (!isnan(x))
			vals[m++] = x;
	}
	if (m == 0 || REPLICATES - m > m)
		return;
	impact__percentile_interval(vals, m, LEVEL, &c->v.lo, &c->v.hi);
	c->v.has_ci = 1;
}

/* Sort context of by_chain() (one per thread). */
static _Thread_local const struct impact__tree *chain_tree;

/* The length of place unit p's chain (the place and its territories). */
static size_t chain_len(const struct impact__tree *t, size_t p)
{
	size_t k = 0;

	while (k < t->depth && t->chain[p * t->depth + k] >= 0)
		k++;
	return k;
}

/* Depth-first order: the places' chains compared from the root down. */
static int by_chain(const void *a, const void *b)
{
	const struct impact__tree *t = chain_tree;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	size_t lx = chain_len(t, x), ly = chain_len(t, y), k;

	for (k = 1; k <= lx && k <= ly; k++) {
		long ux = t->chain[x * t->depth + lx - k];
		long uy = t->chain[y * t->depth + ly - k];

		if (ux != uy)
			return ux < uy ? -1 : 1;
	}
	return (lx > ly) - (lx < ly);
}

/* Draw the block places[start..end) on nthreads threads; -1 when out of
 * memory. */
static int boot_block(struct boot *bt, size_t start, size_t end,
                      size_t nthreads)
{
	bt->start = bt->next = start;
	bt->end = end;
	run_workers(boot_worker, bt, nthreads);
	return bt->failed ? -1 : 0;
}

/* A category id and its name, for names_rank(). */
struct named {
	const char *name;
	uint32_t id;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name,
	              ((const struct named *)b)->name);
}

/* Into *rank (w entries), each category id's rank among the names of
 * ids 0..w-1, so that place_sort() orders sets of categories by their
 * names, not by the order the data gave them ids in; -1 when out of
 * memory. */
static int names_rank(const struct catnames *cn, size_t w, uint32_t **rank)
{
	size_t nn = cn->n < w ? cn->n : w, i;
	struct named *v = malloc((nn + 1) * sizeof(*v));

	*rank = malloc(w * sizeof(**rank));
	if (!v || !*rank) {
		free(v);
		free(*rank);
		*rank = NULL;
		return -1;
	}
	for (i = 0; i < nn; i++) {
		v[i].name = cn->names[i];
		v[i].id = (uint32_t)i;
	}
	qsort(v, nn, sizeof(*v), by_name);
	for (i = 0; i < nn; i++)
		(*rank)[v[i].id] = (uint32_t)i;
	for (i = nn; i < w; i++)   /* ids without a name: never seen */
		(*rank)[i] = (uint32_t)i;
	free(v);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Every unit of one indicator and period, a group of places at a time */

/*
 * A period's observations are read a group of places at a time, the
 * places in the tree's depth-first order (struct engine's order), so
 * that memory does not grow with the rows of a period.  For each group
 * and indicator, each place's sums (struct tsum: place_sums()) give its
 * value (evaluate_sums()); they and its bootstrap sums are added to
 * those of the territories on its path, which are open, root first.  A
 * territory is complete as soon as a place outside it comes: its value
 * is then computed from its sums the same way.
 * Its observations are so pooled, not averaged: its sums are those of
 * every observation below it, a mean's sum of squared deviations
 * combined place by place (Chan, Golub & LeVeque 1983).  What an
 * indicator keeps from one group to the next (struct istate) depends on
 * the places and the depth of the tree, not on the rows.
 */

/* The sums a territory's value is computed from. */
struct tsum {
	int present;             /* a place below has rows of the source */
	double n, s, den, meets; /* observations; sums of x, den, meets */
	double m2;               /* mean: sum of squared deviations */
	double abs, top;         /* facts: sum of |x|, a place's largest */
	size_t places;           /* places with observations */
	size_t k;                /* distinct: categories seen */
};

/* A place's value, as kept until the period's last group. */
struct pcell {
	double v, lo, hi, var;
	long long n;
	unsigned char present, ok, has_ci, suppressed, reason;
};

/* What one indicator keeps from one group of places to the next. */
struct istate {
	const struct indicator *ind;
	struct catnames cn;      /* its categories: ids across groups */
	int started;             /* possible and width are set */
	size_t possible;         /* diversity: possible categories */
	struct boot bt;          /* bootstrap: width 0 for none */
	size_t rw;               /* REPLICATES * width */
	struct pcell *pc;        /* place units' values */
	struct cell *tc;         /* territories' values */
	size_t top;              /* open territories: */
	size_t *path;            /* ... their units, root first */
	struct tsum *ts;         /* ... their sums */
	unsigned char *seen;     /* ... distinct: depth × capseen */
	size_t capseen;
	double *counts;          /* ... diversity: depth × possible */
	double *acc, *pn;        /* ... bootstrap sums (depth × rw) and
	                            observations (depth) */
};

static void istate_release(struct istate *is)
{
	catnames_release(&is->cn);
	free(is->bt.rank);
	free(is->pc);
	free(is->tc);
	free(is->path);
	free(is->ts);
	free(is->seen);
	free(is->counts);
	free(is->acc);
	free(is->pn);
	memset(is, 0, sizeof(*is));
}

/* Ready `is` for indicator `ind` (its units' room taken at its first
 * group, given back once it is stored). */
static void istate_init(struct istate *is, const struct indicator *ind)
{
	memset(is, 0, sizeof(*is));
	is->ind = ind;
}

/* At the first group, with its data d: room for the units of the tree
 * of e, the possible categories and the bootstrap's width; -1 when out
 * of memory. */
static int istate_start(struct istate *is, const struct engine *e,
                        const struct data *d)
{
	const struct indicator *ind = is->ind;
	size_t depth = e->t.depth + 1;

	is->started = 1;
	is->pc = calloc(e->t.nplaces + 1, sizeof(*is->pc));
	is->tc = calloc(e->t.nterr + 1, sizeof(*is->tc));
	is->path = malloc(depth * sizeof(*is->path));
	is->ts = calloc(depth, sizeof(*is->ts));
	if (!is->pc || !is->tc || !is->path || !is->ts)
		return -1;
	is->possible = d->possible;
	if (ind->kind == K_DIVERSITY && is->possible
	    && !(is->counts = calloc(depth * is->possible, sizeof(double))))
		return -1;
	is->bt.ind = ind;
	is->bt.t = &e->t;
	if (ind->source == S_FACTS)
		return 0;
	if (ind->kind == K_MEAN)
		is->bt.width = 1;
	else if (ind->kind == K_RATIO)
		is->bt.width = 2;
	else if (ind->kind == K_DIVERSITY && is->possible >= 2)
		is->bt.width = is->possible;
	if (!is->bt.width)
		return 0;
	if (ind->kind == K_DIVERSITY
	    && names_rank(&is->cn, is->bt.width, &is->bt.rank) != 0)
		return -1;
	is->rw = REPLICATES * is->bt.width;
	is->acc = malloc(depth * is->rw * sizeof(double));
	is->pn = malloc(depth * sizeof(double));
	return is->acc && is->pn ? 0 : -1;
}

/* Room in is->seen for every category named so far; -1 when out of
 * memory. */
static int istate_seen(struct istate *is, size_t depth)
{
	size_t cap = is->capseen, j;
	unsigned char *s;

	if (is->ind->kind != K_DISTINCT || is->cn.n < cap)
		return 0;
	while (cap <= is->cn.n)
		cap = cap ? 2 * cap : 64;
	if (!(s = calloc(depth * cap, 1)))
		return -1;
	for (j = 0; is->seen && j < depth; j++)
		memcpy(s + j * cap, is->seen + j * is->capseen, is->capseen);
	free(is->seen);
	is->seen = s;
	is->capseen = cap;
	return 0;
}

/* Primary suppression of a computed value: too few respondents, or a
 * money fact that fewer than 3 places make or one dominates. */
static void primary(const struct indicator *ind, struct cell *c)
{
	if (!c->v.ok)
		return;
	if (ind->source == S_ANSWERS && c->v.n < ind->min_n) {
		c->suppressed = 1;
		c->reason = R_MIN_N;
	}
	if (ind->source == S_FACTS
	    && (money(ind->of) || money(ind->num.of) || money(ind->den.of))
	    && (c->v.places < 3 || c->v.top > 0.85)) {
		c->suppressed = 1;
		c->reason = R_DOMINANCE;
	}
}

/* Compute the kind from a unit's sums (a place's, or a territory's: its
 * places' added up): the value, and for a share its Wilson interval.
 * The intervals of means, ratios and diversity are the bootstrap's. */
static void evaluate_sums(const struct istate *is, const struct tsum *s,
                          const double *counts, struct value *out)
{
	const struct indicator *ind = is->ind;

	memset(out, 0, sizeof(*out));
	out->n = (long long)s->n;
	out->places = s->places;
	out->top = s->abs > 0 ? s->top / s->abs : 0;
	switch (ind->kind) {
	case K_COUNT:
		out->v = s->n;
		out->ok = 1;
		return;
	case K_SUM:
		out->v = s->s;
		out->ok = 1;
		return;
	case K_DISTINCT:
		out->v = (double)s->k;
		out->ok = 1;
		return;
	case K_SHARE:
		if (s->n == 0)
			return;
		out->v = s->meets / s->n;
		out->var = out->v * (1 - out->v);
		impact_stats_wilson(&out->lo, &out->hi, s->meets, s->n, LEVEL);
		/* Facts are every place's own figures, not a sample: no
		 * sampling interval. */
		out->has_ci = ind->source != S_FACTS;
		out->ok = 1;
		return;
	case K_MEAN:
		if (s->n == 0)
			return;
		out->v = s->s / s->n;
		out->var = s->n > 1 ? s->m2 / (s->n - 1) : NAN;
		out->ok = 1;
		return;
	case K_RATIO:
		if (s->n == 0 || s->den == 0)
			return;
		out->v = s->s / s->den;
		out->ok = 1;
		return;
	case K_DIVERSITY:
		if (s->n == 0 || is->possible < 2)
			return;
		out->v = impact_stats_shannon_evenness(counts, 1, is->possible);
		out->ok = !isnan(out->v);
		return;
	}
}

/* Complete the open territory at depth j of the path. */
static void istate_close(const struct engine *e, struct istate *is,
                         size_t j, double *vals)
{
	struct cell *c = &is->tc[is->path[j] - e->t.nplaces];

	memset(c, 0, sizeof(*c));
	c->present = is->ts[j].present;
	if (!c->present)
		return;
	evaluate_sums(is, &is->ts[j], is->counts
	              ? is->counts + j * is->possible : NULL, &c->v);
	primary(is->ind, c);
	if (is->bt.width)
		boot_interval(&is->bt, is->acc + j * is->rw, is->pn[j], vals, c);
}

/* Open the territory `unit` at the top of the path. */
static void istate_open(struct istate *is, size_t unit)
{
	size_t j = is->top++;

	is->path[j] = unit;
	memset(&is->ts[j], 0, sizeof(is->ts[j]));
	if (is->seen)
		memset(is->seen + j * is->capseen, 0, is->capseen);
	if (is->counts)
		memset(is->counts + j * is->possible, 0,
		       is->possible * sizeof(double));
	if (is->rw) {
		memset(is->acc + j * is->rw, 0, is->rw * sizeof(double));
		is->pn[j] = 0;
	}
}

/* Move the path to place unit p's territories: those it leaves are
 * complete. */
static void istate_path(const struct engine *e, struct istate *is,
                        size_t p, double *vals)
{
	const struct impact__tree *t = &e->t;
	const long *c = &t->chain[p * t->depth];
	size_t len = chain_len(t, p), j;

	for (j = 0; j < is->top && j + 1 < len
	            && is->path[j] == (size_t)c[len - 1 - j]; j++)
		;
	while (is->top > j)
		istate_close(e, is, --is->top, vals);
	while (is->top + 1 < len)
		istate_open(is, (size_t)c[len - 1 - is->top]);
}

/* The sums of a place's observations o[0..n) into *t (its value's:
 * evaluate_sums()), its categories counted in counts (diversity, room
 * for the possible ones) or seen (distinct, room for every name). */
static void place_sums(const struct istate *is, const struct data *d,
                       const struct obs *o, size_t n, struct tsum *t,
                       double *counts, unsigned char *seen)
{
	size_t i, k;

	memset(t, 0, sizeof(*t));
	t->n = (double)n;
	t->places = n > 0;
	for (i = 0; i < n; i++) {
		t->s += o[i].x;
		t->den += o[i].den;
		t->meets += o[i].meets ? 1 : 0;
		t->abs += fabs(o[i].x);
	}
	t->top = t->abs;
	if (is->ind->kind == K_MEAN && n > 0) {
		double mean = t->s / (double)n;

		for (i = 0; i < n; i++)
			t->m2 += (o[i].x - mean) * (o[i].x - mean);
	}
	if (is->ind->kind == K_DISTINCT) {
		memset(seen, 0, d->cn->n + 1);
		for (i = 0; i < n; i++)
			for (k = 0; k < o[i].ncat; k++) {
				int c = d->cats[o[i].cat0 + k];

				if (c >= 0 && !seen[c]) {
					seen[c] = 1;
					t->k++;
				}
			}
	}
	if (is->ind->kind == K_DIVERSITY && is->possible) {
		memset(counts, 0, is->possible * sizeof(double));
		for (i = 0; i < n; i++)
			for (k = 0; k < o[i].ncat; k++) {
				int c = d->cats[o[i].cat0 + k];

				if (c >= 0 && (size_t)c < is->possible)
					counts[c] += 1;
			}
	}
}

/* Add a place's sums pt, of its observations o[0..n), to those of the
 * open territories. */
static void istate_add(struct istate *is, const struct data *d,
                       const struct obs *o, size_t n, const struct tsum *pt)
{
	size_t i, j, k;

	for (j = 0; j < is->top; j++)
		is->ts[j].present |= pt->present;
	if (n == 0)
		return;
	for (j = 0; j < is->top; j++) {
		struct tsum *t = &is->ts[j];
		double na = t->n, nb = pt->n;

		if (na > 0) {
			double delta = pt->s / nb - t->s / na;

			t->m2 += pt->m2 + delta * delta * na * nb / (na + nb);
		} else
			t->m2 = pt->m2;
		t->n += nb;
		t->s += pt->s;
		t->den += pt->den;
		t->meets += pt->meets;
		t->abs += pt->abs;
		if (pt->abs > t->top)
			t->top = pt->abs;
		t->places++;
	}
	if (is->ind->kind == K_DISTINCT)
		for (i = 0; i < n; i++)
			for (k = 0; k < o[i].ncat; k++) {
				int c = d->cats[o[i].cat0 + k];

				for (j = 0; c >= 0 && j < is->top; j++) {
					unsigned char *sn = is->seen + j * is->capseen;

					if (!sn[c]) {
						sn[c] = 1;
						is->ts[j].k++;
					}
				}
			}
	if (is->counts)
		for (i = 0; i < n; i++)
			for (k = 0; k < o[i].ncat; k++) {
				int c = d->cats[o[i].cat0 + k];

				for (j = 0; c >= 0 && (size_t)c < is->possible
				            && j < is->top; j++)
					is->counts[j * is->possible + (size_t)c] += 1;
			}
}

/* The scratch of group_compute(), over every place unit. */
struct scratch {
	size_t *run0, *run1;     /* each place's observations in d */
	unsigned char *present;  /* places with rows of the source */
	struct cell *cells;      /* the group's places' values */
	size_t *withobs;         /* the group's places with observations */
	struct tsum *ts;         /* the group's places' sums */
	double *counts;          /* a place's categories: diversity */
	unsigned char *seen;     /* ... distinct */
	size_t capcounts, capseen;
	double *vals;            /* REPLICATES statistics */
	double *sums;            /* a block's bootstrap sums */
	size_t capsums;
};

static void scratch_release(struct scratch *sc)
{
	free(sc->run0);
	free(sc->run1);
	free(sc->present);
	free(sc->cells);
	free(sc->withobs);
	free(sc->ts);
	free(sc->counts);
	free(sc->seen);
	free(sc->vals);
	free(sc->sums);
	memset(sc, 0, sizeof(*sc));
}

static int scratch_init(struct scratch *sc, size_t nplaces)
{
	memset(sc, 0, sizeof(*sc));
	sc->run0 = calloc(nplaces + 1, sizeof(*sc->run0));
	sc->run1 = calloc(nplaces + 1, sizeof(*sc->run1));
	sc->present = calloc(nplaces + 1, 1);
	sc->cells = calloc(nplaces + 1, sizeof(*sc->cells));
	sc->withobs = malloc((nplaces + 1) * sizeof(*sc->withobs));
	sc->ts = calloc(nplaces + 1, sizeof(*sc->ts));
	sc->vals = malloc(REPLICATES * sizeof(double));
	return sc->run0 && sc->run1 && sc->present && sc->cells
	       && sc->withobs && sc->ts && sc->vals
	       ? 0 : -1;
}

/*
 * The places gp[0..ngp) of a group (depth-first, every place unit of
 * the tree after the groups before it) for the indicator of `is`, from
 * their observations d: their values, then their bootstrap draws in
 * blocks on impact__threads() workers, added up the open path in the
 * places' order (so the intervals do not depend on the number of
 * threads nor on the groups).  -1 when out of memory.
 */
static int group_compute(const struct engine *e, struct istate *is,
                         struct data *d, const size_t *gp, size_t ngp,
                         struct scratch *sc)
{
	const struct impact__tree *t = &e->t;
	const struct indicator *ind = is->ind;
	struct boot *bt = &is->bt;
	size_t i, k, nobs = 0, blk = 1, nthreads, depth = t->depth + 1;
	int rc = -1, have_lock = 0;

	if (!is->started && istate_start(is, e, d) != 0)
		return -1;
	d->possible = is->possible;
	if (istate_seen(is, depth) != 0)
		return -1;
	if (d->possible + 1 > sc->capcounts) {
		if (resize(&sc->counts, d->possible + 1, sizeof(double)) != 0)
			return -1;
		sc->capcounts = d->possible + 1;
	}
	if (d->cn->n + 1 > sc->capseen) {
		if (resize(&sc->seen, d->cn->n + 1, 1) != 0)
			return -1;
		sc->capseen = d->cn->n + 1;
	}
	runs(d, t, sc->run0, sc->run1);
	for (i = 0; i < d->npresent; i++) {
		long u = impact__unit_of_place(t, d->present[i]);

		if (u >= 0)
			sc->present[u] = 1;
	}
	/* The places' own values. */
	for (i = 0; i < ngp; i++) {
		size_t p = gp[i], n = sc->run1[p] - sc->run0[p];
		struct cell *c = &sc->cells[p];
		struct tsum *pt = &sc->ts[p];

		memset(c, 0, sizeof(*c));
		c->present = sc->present[p];
		if (n)
			sc->withobs[nobs++] = p;
		place_sums(is, d, d->o + sc->run0[p], n, pt, sc->counts, sc->seen);
		pt->present = c->present;
		if (!c->present)
			continue;
		evaluate_sums(is, pt, sc->counts, &c->v);
		primary(ind, c);
	}
	/* Their draws, in blocks, and the path. */
	bt->d = d;
	bt->run0 = sc->run0;
	bt->run1 = sc->run1;
	bt->cells = sc->cells;
	bt->places = sc->withobs;
	bt->failed = 0;
	if (is->rw) {
		blk = BOOT_BLOCK_BYTES / (is->rw * sizeof(double));
		if (blk < 1)
			blk = 1;
		if (blk > nobs)
			blk = nobs ? nobs : 1;
		if (blk * is->rw > sc->capsums) {
			if (resize(&sc->sums, blk * is->rw, sizeof(double)) != 0)
				goto done;
			sc->capsums = blk * is->rw;
		}
		bt->sums = sc->sums;
		if (pthread_mutex_init(&bt->lock, NULL) != 0)
			goto done;
		have_lock = 1;
	}
	nthreads = impact__threads();
	if (nthreads > blk)
		nthreads = blk;
	for (i = 0, k = 0; i < ngp; i++) {
		size_t p = gp[i], n = sc->run1[p] - sc->run0[p], j, b;
		struct pcell *pc = &is->pc[p];
		const struct cell *c = &sc->cells[p];

		if (is->rw && n && k % blk == 0
		    && boot_block(bt, k, k + blk < nobs ? k + blk : nobs,
		                  nthreads) != 0)
			goto done;
		istate_path(e, is, p, sc->vals);
		istate_add(is, d, d->o + sc->run0[p], n, &sc->ts[p]);
		if (is->rw && n) {
			const double *s = sc->sums + (k % blk) * is->rw;

			for (j = 0; j < is->top; j++) {
				double *a = is->acc + j * is->rw;

				for (b = 0; b < is->rw; b++)
					a[b] += s[b];
				is->pn[j] += (double)n;
			}
		}
		k += n > 0;
		pc->present = (unsigned char)c->present;
		pc->ok = (unsigned char)c->v.ok;
		pc->v = c->v.v;
		pc->lo = c->v.lo;
		pc->hi = c->v.hi;
		pc->var = c->v.var;
		pc->n = c->v.n;
		pc->has_ci = (unsigned char)c->v.has_ci;
		pc->suppressed = (unsigned char)c->suppressed;
		pc->reason = (unsigned char)c->reason;
	}
	rc = 0;
done:
	if (have_lock)
		pthread_mutex_destroy(&bt->lock);
	for (i = 0; i < d->npresent; i++) {
		long u = impact__unit_of_place(t, d->present[i]);

		if (u >= 0)
			sc->present[u] = 0;
	}
	bt->d = NULL;
	bt->cells = NULL;
	return rc;
}

/* After the last group: complete the open territories, apply secondary
 * suppression and lay out the units with a value in unit order into
 * *out; -1 when out of memory. */
static int istate_end(const struct engine *e, struct istate *is,
                      struct scratch *sc, struct outrow **out, size_t *nout)
{
	size_t nunits = e->t.nplaces + e->t.nterr, u;
	struct cell *cells = calloc(nunits + 1, sizeof(*cells));

	*out = NULL;
	*nout = 0;
	if (!cells)
		return -1;
	if (!is->started) {      /* no group: no unit has data */
		free(cells);
		return 0;
	}
	while (is->top > 0)
		istate_close(e, is, --is->top, sc->vals);
	for (u = 0; u < e->t.nplaces; u++) {
		const struct pcell *p = &is->pc[u];
		struct cell *c = &cells[u];

		c->present = p->present;
		c->v.ok = p->ok;
		c->v.v = p->v;
		c->v.lo = p->lo;
		c->v.hi = p->hi;
		c->v.var = p->var;
		c->v.n = p->n;
		c->v.has_ci = p->has_ci;
		c->suppressed = p->suppressed;
		c->reason = (enum reason)p->reason;
	}
	memcpy(cells + e->t.nplaces, is->tc, e->t.nterr * sizeof(*cells));
	if (secondary(&e->t, e->parent, e->place_terr, e->depth_of, cells) != 0
	    || !(*out = malloc((nunits + 1) * sizeof(**out)))) {
		free(cells);
		return -1;
	}
	for (u = 0; u < nunits; u++) {
		const struct cell *c = &cells[u];
		struct outrow *r = &(*out)[*nout];

		if (!c->present || !c->v.ok)
			continue;
		r->v = c->v.v;
		r->lo = c->v.lo;
		r->hi = c->v.hi;
		r->var = c->v.var;
		r->n = c->v.n;
		r->unit = (uint32_t)u;
		r->has_ci = (unsigned char)c->v.has_ci;
		r->suppressed = (unsigned char)c->suppressed;
		r->reason = (unsigned char)c->reason;
		++*nout;
	}
	free(cells);
	fit(out, *nout, sizeof(**out));
	return 0;
}

/* ---------------------------------------------------------------- */
/* Change from the previous period                                    */

/* One stored value, for changes(). */
struct stored {
	long long id;
	int has_value;           /* value IS NOT NULL */
	struct last x;
};

/* The p-value of the change from `prev` to `r` (values as stored, that
 * is multiplied by m) of an indicator of kind `kind`: two-proportion z
 * test for a share, Welch's t test for a mean with both variances; NaN
 * when there is none or either value is suppressed. */
static double change_p(enum kind kind, double m, const struct last *r,
                       const struct last *prev)
{
	if (r->suppressed || prev->suppressed || m == 0)
		return NAN;
	if (kind == K_SHARE)
		return impact_stats_two_proportions(NULL, r->value / m * r->n,
		                                    r->n, prev->value / m
		                                    * prev->n, prev->n);
	if (kind == K_MEAN && r->has_variance && prev->has_variance)
		return impact_stats_welch(NULL, NULL, r->value / m, r->variance,
		                          r->n, prev->value / m, prev->variance,
		                          prev->n);
	return NAN;
}

/* The value of a row of `st` whose columns from `col` are period,
 * place_id, territory_id, value, n, variance, suppressed. */
static void last_read(sqlite3_stmt *st, int col, struct last *x)
{
	x->period = (uint16_t)sqlite3_column_int(st, col);
	x->value = sqlite3_column_double(st, col + 3);
	x->n = (uint32_t)sqlite3_column_int64(st, col + 4);
	x->has_variance = sqlite3_column_type(st, col + 5) != SQLITE_NULL;
	x->variance = sqlite3_column_double(st, col + 5);
	x->suppressed = sqlite3_column_int(st, col + 6) != 0;
}

/* Bind the change columns of a value (`r`, with a value) to `st` (its
 * parameters pv .. pv + 3: previous, change, p_value, significant) from
 * the latest earlier value `prev` (period 0: none). */
static void bind_change(sqlite3_stmt *st, int pv, enum kind kind, double m,
                        const struct last *r, const struct last *prev)
{
	double p;

	if (!prev->period)
		return;
	sqlite3_bind_double(st, pv, prev->value);
	if (!r->suppressed && !prev->suppressed)
		sqlite3_bind_double(st, pv + 1, r->value - prev->value);
	p = change_p(kind, m, r, prev);
	if (!isnan(p)) {
		sqlite3_bind_double(st, pv + 2, p);
		sqlite3_bind_int(st, pv + 3, p < 0.05);
	}
}

/* Store istate_end()'s rows of one indicator and period, in unit
 * order, with their change from the previous period when e->last holds
 * it. */
static int one_store(struct engine *e, const struct indicator *ind,
                     int period, const struct outrow *rows, size_t nrows)
{
	size_t nunits = e->t.nplaces + e->t.nterr, i;
	char why[32];

	snprintf(why, sizeof(why), "n < %d", ind->min_n);
	for (i = 0; i < nrows; i++) {
		const struct outrow *c = &rows[i];
		size_t u = c->unit;
		sqlite3_stmt *st = e->ins;
		double m = ind->multiply;
		struct last r;

		/* The row as stored, and as changes() would read it. */
		r.value = c->v * m;
		r.n = (uint32_t)c->n;
		r.period = (uint16_t)period;
		r.suppressed = c->suppressed != 0;
		r.has_variance = 1;
		if (!isnan(c->var) && c->var != 0)
			r.variance = c->var;
		else if (c->var == 0 && (ind->kind == K_MEAN
		                         || ind->kind == K_SHARE))
			r.variance = 0;
		else
			r.has_variance = 0;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int64(st, 1, ind->id);
		sqlite3_bind_int(st, 2, period);
		sqlite3_bind_int64(st, u < e->t.nplaces ? 3 : 4,
		                   e->t.unit_id[u]);
		if (!isnan(c->v))
			sqlite3_bind_double(st, 5, r.value);
		sqlite3_bind_int64(st, 6, c->n);
		if (c->has_ci && !isnan(c->lo)) {
			sqlite3_bind_double(st, 7, (m >= 0 ? c->lo : c->hi) * m);
			sqlite3_bind_double(st, 8, (m >= 0 ? c->hi : c->lo) * m);
		}
		if (r.has_variance)
			sqlite3_bind_double(st, 9, r.variance);
		sqlite3_bind_int(st, 10, c->suppressed);
		if (e->last && !isnan(c->v)) {
			struct last *prev = &e->last[(size_t)(ind - e->inds)
			                             * nunits + u];

			bind_change(st, 13, ind->kind, m, &r, prev);
			*prev = r;
		}
		if (c->reason != R_NONE)
			sqlite3_bind_text(st, 11, c->reason == R_MIN_N ? why
			                  : c->reason == R_DOMINANCE ? "dominance"
			                  : "secondary", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 12, e->now, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return impact__db_error(e->h, "storing an indicator");
		e->rows++;
		e->suppressed += c->suppressed;
	}
	return IMPACT_OK;
}

/*
 * Change from the previous period and its significance, for every stored
 * value of the periods `lo`..`hi`: the previous value is the latest
 * earlier period's of the same indicator and unit.  Each indicator's
 * values are read once, unit by unit in period order (a query looking
 * the previous value up for each value would scan an indicator's values
 * once per value: hours on a national network).
 */
static int changes(impact *h, int lo, int hi)
{
	sqlite3_stmt *ind = NULL, *st = NULL, *up = NULL;
	struct stored *v = NULL;
	size_t cap = 0;
	int rc = IMPACT_OK, step;

	if ((rc = impact__prepare(h, &ind, "SELECT id, kind,"
	                          " json_extract(definition, '$.multiply')"
	                          " FROM indicators ORDER BY id;")) != 0
	    || (rc = impact__prepare(h, &st, "SELECT id, period, place_id,"
	                             " territory_id, value, n, variance,"
	                             " suppressed FROM indicator_results WHERE"
	                             " indicator_id = ?1 ORDER BY place_id,"
	                             " territory_id, period;")) != 0
	    || (rc = impact__prepare(h, &up, "UPDATE indicator_results SET"
	                             " previous = ?2, change = ?3, p_value = ?4,"
	                             " significant = ?5 WHERE id = ?1;")) != 0)
		goto done;
	while (rc == IMPACT_OK && (step = sqlite3_step(ind)) == SQLITE_ROW) {
		const char *ks = (const char *)sqlite3_column_text(ind, 1);
		enum kind kind = kind_of(ks);
		double m = sqlite3_column_type(ind, 2) == SQLITE_NULL ? 1
		           : sqlite3_column_double(ind, 2);
		long long pl = 0, te = 0;
		int first = 1;
		size_t n = 0, k;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, sqlite3_column_int64(ind, 0));
		/* Rows unit by unit; within one, by period. */
		for (;;) {
			int more = (step = sqlite3_step(st)) == SQLITE_ROW;
			long long rp = 0, rt = 0;
			int same = 0;

			if (more) {
				rp = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1
				     : sqlite3_column_int64(st, 2);
				rt = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1
				     : sqlite3_column_int64(st, 3);
				same = !first && rp == pl && rt == te;
			}
			if (!same && n > 0) {
				/* One unit's values, by period: each compared with
				 * the latest earlier one that has a value. */
				struct stored *prev = NULL;

				for (k = 0; k < n; k++) {
					struct stored *r = &v[k];

					if (r->has_value && prev && r->x.period >= lo
					    && r->x.period <= hi) {
						sqlite3_reset(up);
						sqlite3_clear_bindings(up);
						sqlite3_bind_int64(up, 1, r->id);
						bind_change(up, 2, kind, m, &r->x, &prev->x);
						if (sqlite3_step(up) != SQLITE_DONE) {
							rc = impact__db_error(h, "storing a "
							                      "change");
							goto done;
						}
					}
					if (r->has_value)
						prev = r;
				}
				n = 0;
			}
			if (!more)
				break;
			if (n == cap) {
				size_t c = cap ? 2 * cap : 64;
				struct stored *p2 = realloc(v, c * sizeof(*p2));

				if (!p2) {
					rc = impact__error(h, IMPACT_ENOMEM,
					                   "out of memory");
					goto done;
				}
				v = p2;
				cap = c;
			}
			v[n].id = sqlite3_column_int64(st, 0);
			v[n].has_value = sqlite3_column_type(st, 4) != SQLITE_NULL;
			last_read(st, 1, &v[n].x);
			n++;
			pl = rp;
			te = rt;
			first = 0;
		}
		if (step != SQLITE_DONE) {
			rc = impact__db_error(h, "reading changes");
			goto done;
		}
	}
	if (rc == IMPACT_OK && step != SQLITE_DONE)
		rc = impact__db_error(h, "reading changes");
done:
	sqlite3_finalize(ind);
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	free(v);
	return rc;
}

/* The position of `id` in the sorted map m[0..n), or -1. */
static long id_find(const struct keypos *m, size_t n, long long id)
{
	struct keypos key = { id, 0 };
	const struct keypos *f = bsearch(&key, m, n, sizeof(*m), keypos_cmp);

	return f ? (long)f->pos : -1;
}

/*
 * Prepare the changes of the periods computed, `periods[0..np)`
 * (ascending, their rows already deleted), as their rows are written:
 * e->last gets, per indicator of e->inds[0..nind) and unit, the latest
 * value stored before periods[0].  When rows of a later period remain
 * (a past period computed again), e->last stays NULL and changes() will
 * compare every row after them instead.
 */
static int last_init(struct engine *e, size_t nind, const int *periods,
                     size_t np)
{
	impact *h = e->h;
	size_t nunits = e->t.nplaces + e->t.nterr, i;
	struct keypos *im = NULL;
	sqlite3_stmt *st = NULL;
	long long later = 1;
	int rc, step;

	for (i = 1; i < np; i++)
		if (periods[i] <= periods[i - 1])
			return IMPACT_OK;
	if (np == 0 || (rc = impact__prepare(h, &st, "SELECT EXISTS (SELECT 1"
	                                     " FROM indicator_results WHERE"
	                                     " period >= ?1);")) != IMPACT_OK)
		return np == 0 ? IMPACT_OK : rc;
	sqlite3_bind_int(st, 1, periods[0]);
	if (sqlite3_step(st) == SQLITE_ROW)
		later = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (later)
		return IMPACT_OK;
	e->last = calloc(nind * nunits + 1, sizeof(*e->last));
	im = malloc((nind + 1) * sizeof(*im));
	if (!e->last || !im) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < nind; i++) {
		im[i].key = e->inds[i].id;
		im[i].pos = i;
	}
	qsort(im, nind, sizeof(*im), keypos_cmp);
	if ((rc = impact__prepare(h, &st, "SELECT indicator_id, period,"
	                          " place_id, territory_id, value, n, variance,"
	                          " suppressed FROM indicator_results WHERE"
	                          " period < ?1 AND value IS NOT NULL ORDER BY"
	                          " period;")) != IMPACT_OK)
		goto done;
	sqlite3_bind_int(st, 1, periods[0]);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		long ind = id_find(im, nind, sqlite3_column_int64(st, 0));
		long u = sqlite3_column_type(st, 2) != SQLITE_NULL
		         ? impact__unit_of_place(&e->t, sqlite3_column_int64(st, 2))
		         : impact__unit_of_territory(&e->t,
		                                     sqlite3_column_int64(st, 3));

		if (ind >= 0 && u >= 0)
			last_read(st, 1, &e->last[(size_t)ind * nunits
			                          + (size_t)u]);
	}
	rc = step == SQLITE_DONE ? IMPACT_OK
	     : impact__db_error(h, "reading earlier indicator values");
done:
	sqlite3_finalize(st);
	free(im);
	return rc;
}

/* ---------------------------------------------------------------- */
/* A period, source by source, a group of places at a time            */

/* Rows a group of places holds at most: respondents, and activities
 * (a place with more is a group alone).  impact__group_rows, when not
 * 0, is both (the tests: groups of one place). */
#define GROUP_RESPONDENTS 45000
#define GROUP_ACTIVITIES 360000

size_t impact__group_rows = 0;
int impact__group_sorted = 0;
unsigned impact__pipe_delay_ms = 0;

/* Cut e->order into groups whose rows of source `src` (S_ANSWERS: the
 * period's respondents, S_ACTIVITIES: its activities) stay within the
 * budget: group g is e->order[cut[g] .. cut[g + 1]), *ng groups. */
static int groups_plan(struct engine *e, int src, int period, long *ng)
{
	const struct impact__tree *t = &e->t;
	size_t *rows = calloc(t->nplaces + 1, sizeof(size_t)), i, sum = 0;
	size_t most = impact__group_rows ? impact__group_rows
	              : src == S_ANSWERS ? GROUP_RESPONDENTS
	              : GROUP_ACTIVITIES;
	sqlite3_stmt *st = NULL;
	int rc, step;

	*ng = 0;
	if (!rows)
		return impact__error(e->h, IMPACT_ENOMEM, "out of memory");
	if ((rc = impact__prepare(e->h, &st, src == S_ANSWERS
	                          ? "SELECT place_id, count(*) FROM respondents"
	                            " WHERE period = ?1 GROUP BY place_id;"
	                          : "SELECT place_id, count(*) FROM activities"
	                            " WHERE period = ?1 GROUP BY place_id;"))
	    != IMPACT_OK) {
		free(rows);
		return rc;
	}
	sqlite3_bind_int(st, 1, period);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		long u = impact__unit_of_place(t, sqlite3_column_int64(st, 0));

		if (u >= 0)
			rows[u] = (size_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		free(rows);
		return impact__db_error(e->h, "counting a period's rows");
	}
	e->cut[0] = 0;
	for (i = 0; i < t->nplaces; i++) {
		size_t r = rows[e->order[i]];

		if (i > e->cut[*ng] && sum + r > most) {
			e->cut[++*ng] = i;
			sum = 0;
		}
		sum += r;
	}
	e->cut[++*ng] = t->nplaces;
	free(rows);
	return IMPACT_OK;
}

/* Make group g the places the loaders read (temp.impact_group). */
static int group_set(struct engine *e, long g)
{
	size_t i;
	int rc;

	if ((rc = impact__exec(e->h, "DELETE FROM temp.impact_group;"))
	    != IMPACT_OK)
		return rc;
	for (i = e->cut[g]; i < e->cut[g + 1]; i++) {
		sqlite3_reset(e->grp);
		sqlite3_bind_int64(e->grp, 1, e->t.unit_id[e->order[i]]);
		if (sqlite3_step(e->grp) != SQLITE_DONE)
			return impact__db_error(e->h, "choosing places");
	}
	return IMPACT_OK;
}

/* The names a diversity indicator read from memory can take, in the
 * order of their bytes, interned into cn before any group: so every
 * group gives a category the same id, and `possible` is known before
 * the first place (the options of an answers question; for
 * activities, the period's categories, publics or partner places). */
static int names_preload(impact *h, const struct indicator *ind, int period,
                         struct catnames *cn)
{
	static const char *const sql[] = {
		"SELECT DISTINCT c.code FROM choices c JOIN questions q ON"
		" q.id = c.question_id WHERE q.code = ?1 ORDER BY 1;",
		"SELECT DISTINCT category FROM activities NOT INDEXED WHERE"
		" period = ?1 ORDER BY 1;",
		"SELECT DISTINCT ap.public FROM activities a NOT INDEXED JOIN"
		" activity_publics ap ON ap.activity_id = a.id WHERE"
		" a.period = ?1 ORDER BY 1;",
		"SELECT DISTINCT coalesce(p.code, '') FROM activities a JOIN"
		" activity_partners ap ON ap.activity_id = a.id JOIN places p"
		" ON p.id = ap.place_id WHERE a.period = ?1 ORDER BY 1;",
	};
	sqlite3_stmt *st = NULL;
	int k = ind->source == S_ANSWERS ? 0 : acts_cat_kind(ind->of), rc, step;

	if (ind->kind != K_DIVERSITY || (ind->source == S_ANSWERS && !ind->of))
		return IMPACT_OK;
	if ((rc = impact__prepare(h, &st, sql[k])) != IMPACT_OK)
		return rc;
	if (k == 0)
		sqlite3_bind_text(st, 1, ind->of, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int(st, 1, period);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);

		if (s && intern(cn, s) < 0) {
			sqlite3_finalize(st);
			return impact__error(h, IMPACT_ENOMEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? IMPACT_OK
	       : impact__db_error(h, "reading categories");
}

/* Store the rows of one indicator's istate after its last group. */
static int istate_store(struct engine *e, struct istate *is, int period)
{
	struct outrow *rows = NULL;
	size_t nrows = 0;
	int rc;

	if (istate_end(e, is, e->msc, &rows, &nrows) != 0)
		return impact__error(e->h, IMPACT_ENOMEM, "out of memory");
	rc = one_store(e, is->ind, period, rows, nrows);
	free(rows);
	return rc;
}

/*
 * The groups of a source are computed on a thread of their own while
 * this one reads the next group: one group computed, one read.  The
 * compute thread (struct pipe) takes the group in `pa` or `pv` and
 * computes every indicator read from memory on it, in order.  Each
 * group's values do not depend on the thread: the same group_compute()
 * calls in the same order.
 */
struct pipe {
	struct engine *e;
	const struct indicator *inds;
	size_t nind;
	const unsigned char *mem;
	struct istate *is;
	int period;
	const struct period_answers *pa;  /* the group to compute */
	const struct period_acts *pv;
	const size_t *gp;
	size_t ngp;
	int busy;                /* a group is given, not yet computed */
	int stop, failed;
	int threaded;
	pthread_t tid;
	pthread_mutex_t lock;    /* guards busy, stop, failed, the group */
	pthread_cond_t cond;
};

/* Every indicator read from memory of the group given to pp (its
 * answers or its activities); -1 when out of memory. */
static int pipe_group(struct pipe *pp)
{
	struct data d;
	size_t i;

	for (i = 0; i < pp->nind; i++) {
		int rc;

		if (!pp->mem[i] || (int)pp->inds[i].source
		                   != (pp->pa ? S_ANSWERS : S_ACTIVITIES))
			continue;
		rc = load_data(NULL, &pp->inds[i], pp->period, pp->pa, pp->pv,
		               &pp->is[i].cn, &d) != IMPACT_OK
		     || group_compute(pp->e, &pp->is[i], &d, pp->gp, pp->ngp,
		                      pp->e->sc) != 0;
		data_release(&d);
		if (rc)
			return -1;
	}
	return 0;
}

static void *pipe_run(void *arg)
{
	struct pipe *pp = arg;

	pthread_mutex_lock(&pp->lock);
	for (;;) {
		int failed;

		while (!pp->busy && !pp->stop)
			pthread_cond_wait(&pp->cond, &pp->lock);
		if (pp->stop)
			break;
		pthread_mutex_unlock(&pp->lock);
		if (impact__pipe_delay_ms) {
			struct timespec ts = { impact__pipe_delay_ms / 1000,
			                       impact__pipe_delay_ms % 1000
			                       * 1000000L };

			nanosleep(&ts, NULL);
		}
		failed = pipe_group(pp) != 0;
		pthread_mutex_lock(&pp->lock);
		pp->failed |= failed;
		pp->busy = 0;
		pthread_cond_broadcast(&pp->cond);
	}
	pthread_mutex_unlock(&pp->lock);
	return NULL;
}

/* Wait for the group given to be computed; -1 when out of memory. */
static int pipe_wait(struct pipe *pp)
{
	int failed;

	if (!pp->threaded)
		return pp->failed ? -1 : 0;
	pthread_mutex_lock(&pp->lock);
	while (pp->busy)
		pthread_cond_wait(&pp->cond, &pp->lock);
	failed = pp->failed;
	pthread_mutex_unlock(&pp->lock);
	return failed ? -1 : 0;
}

/* Give the group gp[0..ngp), read into pa or pv, to be computed (here,
 * when there is no compute thread); -1 when out of memory. */
static int pipe_give(struct pipe *pp, const struct period_answers *pa,
                     const struct period_acts *pv, const size_t *gp,
                     size_t ngp)
{
	if (pipe_wait(pp) != 0)
		return -1;
	pp->pa = pa;
	pp->pv = pv;
	pp->gp = gp;
	pp->ngp = ngp;
	if (!pp->threaded) {
		pp->failed = pipe_group(pp) != 0;
		return pp->failed ? -1 : 0;
	}
	pthread_mutex_lock(&pp->lock);
	pp->busy = 1;
	pthread_cond_broadcast(&pp->cond);
	pthread_mutex_unlock(&pp->lock);
	return 0;
}

static void pipe_start(struct pipe *pp)
{
	pp->threaded = 0;
	if (impact__threads() < 2 || pthread_mutex_init(&pp->lock, NULL) != 0)
		return;
	if (pthread_cond_init(&pp->cond, NULL) != 0) {
		pthread_mutex_destroy(&pp->lock);
		return;
	}
	pp->threaded = pthread_create(&pp->tid, NULL, pipe_run, pp) == 0;
	if (!pp->threaded) {
		pthread_cond_destroy(&pp->cond);
		pthread_mutex_destroy(&pp->lock);
	}
}

/* Stop the compute thread (after the group given, if any). */
static void pipe_end(struct pipe *pp)
{
	if (!pp->threaded)
		return;
	pthread_mutex_lock(&pp->lock);
	while (pp->busy)
		pthread_cond_wait(&pp->cond, &pp->lock);
	pp->stop = 1;
	pthread_cond_broadcast(&pp->cond);
	pthread_mutex_unlock(&pp->lock);
	pthread_join(pp->tid, NULL);
	pthread_cond_destroy(&pp->cond);
	pthread_mutex_destroy(&pp->lock);
	pp->threaded = 0;
}

/* Show the progress, `done` of `total` indicators, never going back:
 * a group's share of its source's indicators is shown before the
 * indicators stored later. */
static void show(struct engine *e, size_t done, size_t total)
{
	if (done < e->shown)
		return;
	e->shown = done;
	impact__progress(e->h, "indicators", done, total);
}

/* Store the indicators of source `src` in order (after their last
 * group), computing first those not read from memory, from their
 * queries, the whole period as one group (on this thread's scratch,
 * e->msc).  *done counts them, for the progress. */
static int source_store(struct engine *e, const struct indicator *inds,
                        size_t nind, struct istate *is,
                        const unsigned char *mem, int src, int period,
                        size_t *done, size_t total)
{
	struct data d;
	size_t i;
	int rc;

	for (i = 0; i < nind; i++) {
		if ((int)inds[i].source != src)
			continue;
		show(e, (*done)++, total);
		if (!mem[i]) {
			if ((rc = load_data(e->h, &inds[i], period, NULL, NULL,
			                    &is[i].cn, &d)) != IMPACT_OK)
				return rc;
			rc = group_compute(e, &is[i], &d, e->order, e->t.nplaces,
			                   e->msc);
			data_release(&d);
			if (rc != 0)
				return impact__error(e->h, IMPACT_ENOMEM,
				                     "out of memory");
		}
		if ((rc = istate_store(e, &is[i], period)) != IMPACT_OK)
			return rc;
		istate_release(&is[i]);
	}
	return IMPACT_OK;
}

/* A period being computed: its indicators' state, which of them are
 * read from memory, and what is stored yet. */
struct pstate {
	int period;
	int active;              /* computed, not all stored */
	int answers_stored;
	struct istate *is;       /* nind */
	unsigned char *mem;      /* nind */
	size_t nmem[2];          /* read from memory: answers, activities */
};

static void pstate_release(struct pstate *ps, size_t nind)
{
	size_t i;

	for (i = 0; ps->is && i < nind; i++)
		istate_release(&ps->is[i]);
	free(ps->is);
	free(ps->mem);
	memset(ps, 0, sizeof(*ps));
}

/* Ready ps for `period`: every indicator's state, the names of those
 * of diversity read before the first group. */
static int pstate_init(struct engine *e, struct pstate *ps,
                       const struct indicator *inds, size_t nind,
                       int period, const struct names *nm)
{
	size_t i;
	int rc;

	memset(ps, 0, sizeof(*ps));
	ps->period = period;
	ps->active = 1;
	ps->is = calloc(nind + 1, sizeof(*ps->is));
	ps->mem = calloc(nind + 1, 1);
	if (!ps->is || !ps->mem)
		return impact__error(e->h, IMPACT_ENOMEM, "out of memory");
	for (i = 0; i < nind; i++) {
		istate_init(&ps->is[i], &inds[i]);
		ps->mem[i] = (unsigned char)from_memory(&inds[i], nm != NULL);
		if (!ps->mem[i])
			continue;
		if ((rc = names_preload(e->h, &inds[i], period, &ps->is[i].cn))
		    != IMPACT_OK)
			return rc;
		ps->nmem[inds[i].source == S_ACTIVITIES]++;
	}
	return IMPACT_OK;
}

/* After its last group of answers: the tap's end, then the indicators
 * on answers stored. */
static int pstate_answers(struct engine *e, struct pstate *ps,
                          const struct indicator *inds, size_t nind,
                          const struct names *nm,
                          const struct impact__answers_tap *tap,
                          size_t *done, size_t total)
{
	int rc;

	if (ps->answers_stored)
		return IMPACT_OK;
	ps->answers_stored = 1;
	if (tap && (rc = tap->end(tap->ctx, ps->period, nm != NULL))
	    != IMPACT_OK)
		return rc;
	return source_store(e, inds, nind, ps->is, ps->mem, S_ANSWERS,
	                    ps->period, done, total);
}

/* After its last group: the rest of the period stored. */
static int pstate_rest(struct engine *e, struct pstate *ps,
                       const struct indicator *inds, size_t nind,
                       const struct names *nm,
                       const struct impact__answers_tap *tap, size_t *done,
                       size_t total)
{
	int rc;

	if (!ps->active)
		return IMPACT_OK;
	ps->active = 0;
	if ((rc = pstate_answers(e, ps, inds, nind, nm, tap, done, total))
	    != IMPACT_OK
	    || (rc = source_store(e, inds, nind, ps->is, ps->mem, S_ACTIVITIES,
	                          ps->period, done, total)) != IMPACT_OK
	    || (rc = source_store(e, inds, nind, ps->is, ps->mem, S_FACTS,
	                          ps->period, done, total)) != IMPACT_OK)
		return rc;
	pstate_release(ps, nind);
	return IMPACT_OK;
}

/*
 * The indicators of the periods in order, each stored source by source:
 * on answers, on activities, then the facts.  Those read from memory
 * are computed a group of places at a time, the group's answers
 * (period_answers_load(), which gives them to the tap) or activities
 * read once for all of them, on the compute thread (struct pipe) while
 * this one reads the next group.  What this thread stores waits until
 * the compute thread has the next group: the indicators on answers until
 * the first group of activities, the rest of a period until the first
 * group of the next.
 */
static int periods_run(struct engine *e, const struct indicator *inds,
                       size_t nind, const int *periods, size_t np,
                       const struct names *nm,
                       const struct impact__answers_tap *tap, size_t *done,
                       size_t total)
{
	static const int srcs[2] = { S_ANSWERS, S_ACTIVITIES };
	impact *h = e->h;
	struct period_answers pa[2];
	struct period_acts pv[2];
	struct pstate ps[2];
	struct pipe pp;
	struct feed fd;
	size_t i, k, q, given = 0;   /* groups given to the compute thread */
	int rc = IMPACT_OK;

	memset(&fd, 0, sizeof(fd));
	memset(pa, 0, sizeof(pa));
	memset(pv, 0, sizeof(pv));
	memset(ps, 0, sizeof(ps));
	memset(&pp, 0, sizeof(pp));
	pp.e = e;
	pp.inds = inds;
	pp.nind = nind;
	pipe_start(&pp);
	for (k = 0; k < np; k++) {
		struct pstate *cur = &ps[k % 2], *prev = &ps[(k + 1) % 2];

		if ((rc = pstate_init(e, cur, inds, nind, periods[k], nm))
		    != IMPACT_OK)
			goto done;
		/* The tap's periods one after the other. */
		if (prev->active && !prev->answers_stored) {
			if (pipe_wait(&pp) != 0)
				goto nomem;
			if ((rc = pstate_answers(e, prev, inds, nind, nm, tap, done,
			                         total)) != IMPACT_OK)
				goto done;
		}
		if (tap)
			tap->begin(tap->ctx, periods[k]);
		for (q = 0; q < 2; q++) {
			int src = srcs[q];
			long ng = 0, g;

			if (cur->nmem[q]
			    && (rc = groups_plan(e, src, periods[k], &ng)) != IMPACT_OK)
				goto done;
			feed_close(&fd);
			fd.sorted = ng > RESCANS_MAX || impact__group_sorted;
			for (g = 0; g < ng; g++) {
				size_t *gp = e->order + e->cut[g];
				size_t ngp = e->cut[g + 1] - e->cut[g];
				/* Buffers alternate over every group given, whatever
				 * its period and source: buffer b is never the one
				 * given last, which the compute thread may still be
				 * on, and the release below emptied it.  (Alternating
				 * per source and period, a period's first group of
				 * activities took buffer 0 while the compute thread
				 * could still be on the previous period's last, in
				 * buffer 0 too, when no group of answers came
				 * between.) */
				int b = (int)(given % 2);

				show(e, *done + (size_t)((double)g / (double)ng
				                         * (double)cur->nmem[q]), total);
				if ((!fd.sorted && (rc = group_set(e, g)) != IMPACT_OK)
				    || (rc = src == S_ANSWERS
				             ? period_answers_load(h, nm, inds, nind,
				                                   periods[k], &fd,
				                                   e->cut[g + 1], &pa[b], tap)
				             : period_acts_load(h, &e->t, periods[k], &fd,
				                                e->cut[g + 1], &pv[b]))
				    != IMPACT_OK)
					goto done;
				/* The group before is computed: its rows go, and every
				 * buffer but this group's is empty. */
				if (pipe_wait(&pp) != 0)
					goto nomem;
				for (i = 0; i < 2; i++) {
					if (src != S_ANSWERS || (int)i != b)
						period_answers_release(&pa[i]);
					if (src != S_ACTIVITIES || (int)i != b)
						period_acts_release(&pv[i]);
				}
				pp.mem = cur->mem;
				pp.is = cur->is;
				pp.period = periods[k];
				if (pipe_give(&pp, src == S_ANSWERS ? &pa[b] : NULL,
				              src == S_ACTIVITIES ? &pv[b] : NULL, gp,
				              ngp) != 0)
					goto nomem;
				given++;
				/* Stored while this group is computed. */
				if ((rc = pstate_rest(e, prev, inds, nind, nm, tap, done,
				                      total)) != IMPACT_OK
				    || (src == S_ACTIVITIES
				        && (rc = pstate_answers(e, cur, inds, nind, nm,
				                                tap, done, total))
				           != IMPACT_OK))
					goto done;
			}
		}
		if (prev->active) {
			if (pipe_wait(&pp) != 0)
				goto nomem;
			if ((rc = pstate_rest(e, prev, inds, nind, nm, tap, done,
			                      total)) != IMPACT_OK)
				goto done;
		}
	}
	if (pipe_wait(&pp) != 0)
		goto nomem;
	for (k = 0; k < 2; k++)
		if ((rc = pstate_rest(e, &ps[(np + k) % 2], inds, nind, nm, tap,
		                      done, total)) != IMPACT_OK)
			goto done;
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	pipe_end(&pp);
	feed_close(&fd);
	for (i = 0; i < 2; i++) {
		period_answers_release(&pa[i]);
		period_acts_release(&pv[i]);
		pstate_release(&ps[i], nind);
	}
	return rc;
}

int impact__indicators_compute(impact *h, const int *periods, size_t np,
                               const char *now, size_t *rows,
                               size_t *suppressed,
                               const struct impact__answers_tap *tap)
{
	struct engine e;
	struct indicator *inds = NULL;
	struct names nm;
	sqlite3_stmt *st = NULL, *del = NULL;
	size_t nind = 0, cap = 0, i, k, nans = 0, done_ind = 0;
	int rc, step, lo = 9999, hi = 0, have_group = 0;

	memset(&nm, 0, sizeof(nm));
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
		for (k = 0, rc = IMPACT_OK; tap && k < np && rc == IMPACT_OK;
		     k++) {
			tap->begin(tap->ctx, periods[k]);
			rc = tap->end(tap->ctx, periods[k], 0);
		}
		goto done;
	}
	for (i = 0; i < nind; i++) {
		nans += inds[i].source == S_ANSWERS;
	}
	if ((rc = impact__tree_load(h, &e.t)) != IMPACT_OK
	    || (nans && (rc = names_load(h, &nm)) != IMPACT_OK))
		goto done;
	/* Question and choice ids beyond 32 bits: the queries instead. */
	if (nans && (nm.max_qid >= NO_CHOICE || nm.max_cid >= NO_CHOICE))
		nans = 0;
	/* The places in depth-first order, for the groups. */
	e.order = malloc((e.t.nplaces + 1) * sizeof(*e.order));
	e.cut = malloc((e.t.nplaces + 2) * sizeof(*e.cut));
	e.sc = calloc(1, sizeof(*e.sc));
	e.msc = calloc(1, sizeof(*e.msc));
	if (!e.order || !e.cut || !e.sc || !e.msc
	    || scratch_init(e.sc, e.t.nplaces)
	    || scratch_init(e.msc, e.t.nplaces)) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < e.t.nplaces; i++)
		e.order[i] = i;
	chain_tree = &e.t;
	qsort(e.order, e.t.nplaces, sizeof(*e.order), by_chain);
	/* The places the loaders read: one group at a time. */
	if ((rc = impact__exec(h, "DROP TABLE IF EXISTS temp.impact_group;"
	                       "CREATE TEMP TABLE impact_group (place_id"
	                       " INTEGER PRIMARY KEY);")) != IMPACT_OK)
		goto done;
	have_group = 1;
	if ((rc = impact__prepare(h, &e.grp, "INSERT INTO temp.impact_group"
	                          " VALUES (?1);")) != IMPACT_OK)
		goto done;
	/* Each place's position in that order, for the sorted reads. */
	if ((rc = impact__exec(h, "DROP TABLE IF EXISTS temp.impact_order;"
	                       "CREATE TEMP TABLE impact_order (place_id"
	                       " INTEGER PRIMARY KEY, pos INTEGER NOT NULL);"))
	    != IMPACT_OK
	    || (rc = impact__prepare(h, &st, "INSERT INTO temp.impact_order"
	                             " VALUES (?1, ?2);")) != IMPACT_OK)
		goto done;
	for (i = 0; i < e.t.nplaces; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, e.t.unit_id[e.order[i]]);
		sqlite3_bind_int64(st, 2, (long long)i);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = impact__db_error(h, "ordering places");
			goto done;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = engine_links(&e)) != IMPACT_OK
	    || (rc = impact__prepare(h, &e.ins, "INSERT INTO indicator_results"
	                             " (indicator_id, period, place_id,"
	                             " territory_id, value, n, ci_low, ci_high,"
	                             " variance, suppressed, reason, computed_at,"
	                             " previous, change, p_value, significant)"
	                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	                             " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16);"))
	       != 0
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
	}
	e.inds = inds;
	if ((rc = choices_count(h, inds, nind)) != IMPACT_OK
	    || (rc = last_init(&e, nind, periods, np)) != IMPACT_OK)
		goto done;
	/*
	 * Period by period, source by source: the indicators on answers, a
	 * group of places at a time (the tap given their answers), then
	 * those on activities, then the facts.  (Rows are stored in that
	 * order; every reader orders them by period, unit and indicator.)
	 */
	if ((rc = periods_run(&e, inds, nind, periods, np, nans ? &nm : NULL,
	                      tap, &done_ind, np * nind)) != IMPACT_OK)
		goto done;
	impact__progress(h, "indicators", np * nind, np * nind);
	/* Values stored before were compared as they were written; those of
	 * later periods compare with these ones too. */
	if (!e.last && (rc = changes(h, lo, 9999)) != IMPACT_OK)
		goto done;
	*rows += e.rows;
	*suppressed += e.suppressed;
done:
	names_release(&nm);
	sqlite3_finalize(st);
	sqlite3_finalize(del);
	sqlite3_finalize(e.ins);
	for (i = 0; i < nind; i++)
		json_decref(inds[i].json);
	free(inds);
	free(e.order);
	free(e.cut);
	if (e.sc)
		scratch_release(e.sc);
	if (e.msc)
		scratch_release(e.msc);
	free(e.sc);
	free(e.msc);
	sqlite3_finalize(e.grp);
	if (have_group)
		impact__exec(h, "DROP TABLE IF EXISTS temp.impact_group;"
		             "DROP TABLE IF EXISTS temp.impact_order;");
	free(e.parent);
	free(e.place_terr);
	free(e.depth_of);
	free(e.last);
	if (e.t.unit_id)
		impact__tree_release(&e.t);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Reading them back                                                  */

/* The id of the place or territory `code` into *id, 0 when none. */
static int unit_id(impact *h, const char *table, const char *code,
                   long long *id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*id = 0;
	if ((rc = impact__prepare(h, &st, strcmp(table, "places") == 0
	                          ? "SELECT id FROM places WHERE code = ?1;"
	                          : "SELECT id FROM territories WHERE"
	                            " code = ?1;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	       ? IMPACT_OK : impact__db_error(h, "reading a unit");
}

int impact_indicator_results_each(impact *h,
                                  const impact_result_filter *filter,
                                  int (*cb)(void *payload,
                                            const impact_indicator_result *r),
                                  void *payload)
{
	impact_result_filter all = IMPACT_RESULT_FILTER_INIT;
	sqlite3_stmt *st = NULL;
	char sql[1536];
	long long place = 0, territory = 0;
	int rc, step;

	assert(h && cb);
	impact__clear_error(h);
	if (!filter)
		filter = &all;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	/* The unit's id, bound as a number: the planner then seeks the
	 * whole key (a subquery there would stop it at the place). */
	if ((filter->place && (rc = unit_id(h, "places", filter->place,
	                                    &place)) != IMPACT_OK)
	    || (filter->territory && (rc = unit_id(h, "territories",
	                                           filter->territory,
	                                           &territory)) != IMPACT_OK))
		return rc;
	if ((filter->place && !place) || (filter->territory && !territory))
		return IMPACT_OK;   /* no such unit: no values */
	/* Only the filters given are written into the query, on the
	 * expressions of indicator_results_key, and the indicators are
	 * read first (CROSS JOIN fixes the order), so that the values of
	 * one unit are found through the index, 51 lookups, not a scan of
	 * the million values a national network stores. */
	snprintf(sql, sizeof(sql), "SELECT r.period,"
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
	         " FROM indicators i"
	         " CROSS JOIN indicator_results r ON r.indicator_id = i.id"
	         " JOIN indicator_libraries l ON l.id = i.library_id"
	         " LEFT JOIN places p ON p.id = r.place_id"
	         " LEFT JOIN territories t ON t.id = r.territory_id"
	         " WHERE 1%s%s%s%s"
	         " ORDER BY r.period, r.place_id IS NOT NULL,"
	         " coalesce(p.code, t.code), l.id, i.position;",
	         filter->period ? " AND r.period = ?1" : "",
	         filter->place ? " AND coalesce(r.place_id, 0) = ?2"
	                         " AND coalesce(r.territory_id, 0) = 0" : "",
	         filter->territory ? " AND coalesce(r.place_id, 0) = 0"
	                             " AND coalesce(r.territory_id, 0) = ?3"
	                           : "",
	         filter->measure ? " AND i.code = ?4" : "");
	if ((rc = impact__prepare(h, &st, sql)) != IMPACT_OK)
		return rc;
	sqlite3_bind_int(st, 1, filter->period);
	sqlite3_bind_int64(st, 2, place);
	sqlite3_bind_int64(st, 3, territory);
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
