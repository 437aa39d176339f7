/*
 * indicators/gnh.c: the locally weighted gross-happiness index of a place
 * or a territory for one period (docs/index.md), as a JSON document.
 *
 * The definition (struct def: domains, indicators, cutoff, weights) is
 * read from index_definitions.  The respondents of a period and their
 * answers to the questions the index uses are read once into `struct
 * store` (one row per person, in respondents.id order, with the persons
 * of each place listed), and each unit's population (`struct pop`: per
 * person, whether the combined value of each indicator is missing,
 * short of its threshold or meets it, the place, and the row in the
 * store for the importance ratings and demographics) is cut from it.  Weights (equal, territory, participatory, PCA) and survey weights
 * (raking to stored margins) are then fixed, every person's weighted
 * sufficiency computed, and the Alkire-Foster measure (indicators/af.c)
 * gives GNH, H_n and A_n, with the groups, the exact decompositions by
 * indicator, domain and subgroup, a seeded stratified bootstrap,
 * Cronbach's alpha, correlations, the rank robustness of the places under
 * a territory and the change from the previous period.
 *
 * impact_index_compute_all() computes every place and territory of a
 * national network (thousands of units) in one pass per period: the
 * period's store is read once, the places and territories are kept in
 * memory (struct tree), and the bootstraps and rank draws use the exact
 * replica of GSL's generator (indicators/draw.h) on precomputed scores,
 * so that every figure is the one impact_index_compute() gives for the
 * unit alone, bit for bit.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>
#include <jansson.h>

#include "../engine/context.h"
#include "../surveys/text.h"
#include "af.h"
#include "draw.h"
#include "impact/index.h"
#include "impact/indicators.h"
#include "stats.h"

#define MIN_OBSERVED 0.8   /* weight observed for a person to count */
#define MIN_PUBLISHED IMPACT_MIN_PUBLISHED_N
#define ALPHA_LOW 0.6
#define NROLES 4
#define FOLD_SIZE 256      /* rake() compares levels folded this wide */

static const char *const roles[NROLES] = { "sex", "age_band", "commune",
                                           "activity_status" };

/* One indicator of the index. */
struct ind {
	const char *id;
	size_t domain;          /* index into def.domains */
	const char **questions; /* question ids */
	size_t nq;
	int combine;            /* 0 mean, 1 min, 2 max, 3 sum */
	int scale;              /* rescale each question to 0-1 first */
	int lower;              /* sufficient when value <= threshold */
	double threshold;
	double rel;             /* relative weight within its domain */
	double w;               /* global weight, set per computation */
};

/* One domain. */
struct dom {
	const char *id, *label_fr, *label_en;
	const char *importance; /* question of the importance rating */
	double rel;             /* relative weight (defined), 0 if none */
	double w;               /* weight used */
	size_t first, nind;     /* its indicators: ind[first .. first + nind)
	                           (def_load() reads them domain by domain) */
};

struct def {
	json_t *json;           /* owns every string */
	const char *code;
	double cutoff;
	int scheme;             /* IMPACT_WEIGHTS_* of the definition */
	struct dom *d;
	size_t nd;
	struct ind *ind;
	size_t ni;
};

struct store;
struct pool;

/* The population of one unit and period. */
struct pop {
	size_t n;               /* persons loaded */
	uint32_t *stratum;      /* place index per person (0..nplaces-1) */
	size_t nplaces;
	long long *place_ids;   /* stratum -> places.id */
	unsigned char *met;     /* n × ni: each indicator's combined value
	                           missing (0), short of the threshold (1)
	                           or meeting it (2) */
	/* The importance ratings and demographics are read from the store
	 * the persons come from (pop_imp(), pop_demo()), which outlives the
	 * population: */
	const struct store *sto;
	const struct pool *pool; /* the demographics' strings */
	uint32_t *row;          /* each person's row in sto */
	long *impq;             /* nd: each domain's importance question
	                           (its column in sto), -1 when none */
	size_t stride;          /* sto's columns per person */
	double *w;              /* survey weights */
	double *s;              /* weighted sufficiency */
	double *d;              /* 1 - s */
	int *in;                /* counts in the index (observed >= 0.8) */
};

/* Entry k = person × ni + j of the persons' indicators: observed (a value
 * and a positive weight; the weights drawn for the rank robustness keep
 * the positive ones positive) and sufficient (meeting the threshold),
 * from `met` rather than kept: two bytes per person and indicator. */
static int pop_obs(const struct def *df, const struct pop *p, size_t k,
                   size_t j)
{
	return p->met[k] && df->ind[j].w > 0;
}

static int pop_suff(const struct pop *p, size_t k)
{
	return p->met[k] == 2;
}

static void pop_release(struct pop *p)
{
	free(p->stratum);
	free(p->place_ids);
	free(p->met);
	free(p->row);
	free(p->impq);
	free(p->w);
	free(p->s);
	free(p->d);
	free(p->in);
	memset(p, 0, sizeof(*p));
}

static void def_release(struct def *df)
{
	size_t i;

	for (i = 0; i < df->ni; i++)
		free(df->ind[i].questions);
	free(df->ind);
	free(df->d);
	json_decref(df->json);
	memset(df, 0, sizeof(*df));
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Read the definition `code` (or the only one) into df. */
static int def_load(impact *h, const char *code, struct def *df)
{
	sqlite3_stmt *st = NULL;
	json_t *doms, *lw;
	size_t i, j, ni = 0;
	int rc = IMPACT_OK;

	memset(df, 0, sizeof(*df));
	if ((rc = impact__prepare(h, &st, "SELECT definition, (SELECT count(*)"
	                          " FROM index_definitions) FROM"
	                          " index_definitions WHERE ?1 IS NULL OR"
	                          " code = ?1 ORDER BY id LIMIT 1;")) != 0)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return impact__error(h, IMPACT_ENOTFOUND, code
		                     ? "unknown index \"%s\": add it with 'impact "
		                       "index add FILE.json'"
		                     : "no index definition%s: add one with "
		                       "'impact index add "
		                       "indicators/library/index-default.json'",
		                     code ? code : "");
	}
	if (!code && sqlite3_column_int(st, 1) > 1) {
		sqlite3_finalize(st);
		return impact__error(h, IMPACT_EUSAGE, "several index definitions"
		                     " are stored: choose one with --index ID");
	}
	df->json = json_loads((const char *)sqlite3_column_text(st, 0), 0,
	                      NULL);
	sqlite3_finalize(st);
	if (!df->json)
		return impact__error(h, IMPACT_EDB, "the stored index definition "
		                     "is not valid JSON");
	df->code = jstr(df->json, "id");
	lw = json_object_get(df->json, "cutoff");
	df->cutoff = lw ? json_number_value(lw) : 0.66;
	{
		const char *w = jstr(df->json, "weights");

		df->scheme = !w || strcmp(w, "equal") == 0 ? IMPACT_WEIGHTS_EQUAL
		             : strcmp(w, "territory") == 0
		               ? IMPACT_WEIGHTS_TERRITORY
		             : strcmp(w, "participatory") == 0
		               ? IMPACT_WEIGHTS_PARTICIPATORY
		               : IMPACT_WEIGHTS_PCA;
	}
	doms = json_object_get(df->json, "domains");
	df->nd = json_array_size(doms);
	for (i = 0; i < df->nd; i++)
		ni += json_array_size(json_object_get(json_array_get(doms, i),
		                                      "indicators"));
	df->d = calloc(df->nd + 1, sizeof(*df->d));
	df->ind = calloc(ni + 1, sizeof(*df->ind));
	if (!df->d || !df->ind)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	for (i = 0; i < df->nd; i++) {
		json_t *dj = json_array_get(doms, i), *inds, *lab;

		lab = json_object_get(dj, "label");
		df->d[i].id = jstr(dj, "id");
		df->d[i].label_fr = jstr(lab, "fr");
		df->d[i].label_en = jstr(lab, "en");
		df->d[i].importance = jstr(dj, "importance");
		df->d[i].rel = json_number_value(json_object_get(dj, "weight"));
		inds = json_object_get(dj, "indicators");
		df->d[i].first = df->ni;
		df->d[i].nind = json_array_size(inds);
		for (j = 0; j < json_array_size(inds); j++) {
			json_t *ij = json_array_get(inds, j), *qs, *v;
			struct ind *x = &df->ind[df->ni++];
			const char *comb = jstr(ij, "combine");
			size_t q;

			x->id = jstr(ij, "id");
			x->domain = i;
			qs = json_object_get(ij, "questions");
			x->nq = json_array_size(qs);
			x->questions = calloc(x->nq + 1, sizeof(char *));
			if (!x->questions)
				return impact__error(h, IMPACT_ENOMEM,
				                     "out of memory");
			for (q = 0; q < x->nq; q++)
				x->questions[q] = json_string_value(
				        json_array_get(qs, q));
			x->combine = !comb || strcmp(comb, "mean") == 0 ? 0
			             : strcmp(comb, "min") == 0 ? 1
			             : strcmp(comb, "max") == 0 ? 2 : 3;
			x->scale = json_is_true(json_object_get(ij, "scale"));
			x->lower = jstr(ij, "direction")
			           && strcmp(jstr(ij, "direction"), "lower") == 0;
			x->threshold = json_number_value(
			        json_object_get(ij, "threshold"));
			v = json_object_get(ij, "weight");
			x->rel = v ? json_number_value(v) : 1.0;
		}
	}
	return IMPACT_OK;
}

/* ---------------------------------------------------------------- */
/* The respondents of one period                                      */

/* Interned strings: the demographic codes of a period's persons, each
 * once, with its folded form (rake() matches margins' levels on it). */
struct pool {
	char **s;               /* the strings (owned) */
	char **folded;          /* impact__fold() of each (owned) */
	size_t n, cap;
	size_t *slot;           /* open addressing: index + 1, 0 empty */
	size_t nslots;          /* a power of two, > 2 n */
};

static void pool_release(struct pool *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		free(pl->s[i]);
		free(pl->folded[i]);
	}
	free(pl->s);
	free(pl->folded);
	free(pl->slot);
	memset(pl, 0, sizeof(*pl));
}

static size_t hash_str(const char *s)
{
	size_t h = 14695981039346656037ULL & SIZE_MAX;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

/* The index of `s` in the pool, added if new; -1 when out of memory. */
static long pool_intern(struct pool *pl, const char *s)
{
	size_t h, i;
	char buf[FOLD_SIZE];

	if (2 * (pl->n + 1) >= pl->nslots) {
		size_t ns = pl->nslots ? 2 * pl->nslots : 64, *nt, k;

		if (!(nt = calloc(ns, sizeof(*nt))))
			return -1;
		for (k = 0; k < pl->n; k++) {
			i = hash_str(pl->s[k]) & (ns - 1);
			while (nt[i])
				i = (i + 1) & (ns - 1);
			nt[i] = k + 1;
		}
		free(pl->slot);
		pl->slot = nt;
		pl->nslots = ns;
	}
	h = hash_str(s);
	for (i = h & (pl->nslots - 1); pl->slot[i];
	     i = (i + 1) & (pl->nslots - 1))
		if (strcmp(pl->s[pl->slot[i] - 1], s) == 0)
			return (long)pl->slot[i] - 1;
	if (pl->n == pl->cap) {
		size_t c = pl->cap ? 2 * pl->cap : 64;
		char **a = realloc(pl->s, c * sizeof(*a)), **b;

		if (!a)
			return -1;
		pl->s = a;
		if (!(b = realloc(pl->folded, c * sizeof(*b))))
			return -1;
		pl->folded = b;
		pl->cap = c;
	}
	if (!(pl->s[pl->n] = strdup(s)))
		return -1;
	if (!(pl->folded[pl->n] = strdup(impact__fold(buf, sizeof(buf), s)))) {
		free(pl->s[pl->n]);
		return -1;
	}
	pl->slot[i] = pl->n + 1;
	return (long)pl->n++;
}

/*
 * The questions the index reads, and the database's questions and
 * choices as they map to them: each stored question's code index (or -1),
 * its demographic role (index in roles[], or -1), each survey's bounds of
 * each code (a rescaled value uses the bounds of the question its answer
 * is to), each choice's code (interned).
 */
struct qmap {
	const char **code;      /* question codes (borrowed from the def) */
	size_t n;
	long long *survey;      /* survey ids; row nsurveys: any other */
	size_t nsurveys;
	double *min, *max;      /* (nsurveys + 1) × n bounds, 0 when none */
	long long max_qid;
	long *of_qid;           /* questions.id -> code index, -1 none,
	                           -2 no such question */
	signed char *role_of_qid; /* questions.id -> roles[] index, -1 */
	long long max_cid;
	long *choice;           /* choices.id -> pool index, -1 none */
	struct pool pool;       /* codes of choices and demographic texts */
};

static long qfind(const struct qmap *m, const char *code)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->code[i], code) == 0)
			return (long)i;
	return -1;
}

static void qmap_release(struct qmap *m)
{
	free(m->code);
	free(m->survey);
	free(m->min);
	free(m->max);
	free(m->of_qid);
	free(m->role_of_qid);
	free(m->choice);
	pool_release(&m->pool);
	memset(m, 0, sizeof(*m));
}

/* The survey row of survey id `sid` in m (nsurveys when unknown). */
static size_t survey_row(const struct qmap *m, long long sid)
{
	size_t i;

	for (i = 0; i < m->nsurveys; i++)
		if (m->survey[i] == sid)
			return i;
	return m->nsurveys;
}

/* Read the questions and choices of the database into m for df. */
static int qmap_load(impact *h, const struct def *df, struct qmap *m)
{
	sqlite3_stmt *st = NULL;
	size_t i, j, k, nq_all = 0;
	long long ns = 0;
	int rc;

	memset(m, 0, sizeof(*m));
	for (j = 0; j < df->ni; j++)
		nq_all += df->ind[j].nq;
	nq_all += df->nd;
	if (!(m->code = calloc(nq_all + 1, sizeof(char *))))
		goto nomem;
	for (j = 0; j < df->ni; j++)
		for (k = 0; k < df->ind[j].nq; k++)
			if (qfind(m, df->ind[j].questions[k]) < 0)
				m->code[m->n++] = df->ind[j].questions[k];
	for (j = 0; j < df->nd; j++)
		if (df->d[j].importance && qfind(m, df->d[j].importance) < 0)
			m->code[m->n++] = df->d[j].importance;
	if ((rc = impact__prepare(h, &st, "SELECT coalesce(max(id), 0),"
	                          " (SELECT coalesce(max(id), 0) FROM choices),"
	                          " (SELECT count(*) FROM surveys) FROM"
	                          " questions;")) != IMPACT_OK)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return impact__db_error(h, "reading the questions");
	}
	m->max_qid = sqlite3_column_int64(st, 0);
	m->max_cid = sqlite3_column_int64(st, 1);
	ns = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	st = NULL;
	m->survey = calloc((size_t)ns + 1, sizeof(*m->survey));
	m->min = calloc(((size_t)ns + 1) * (m->n + 1), sizeof(double));
	m->max = calloc(((size_t)ns + 1) * (m->n + 1), sizeof(double));
	m->of_qid = malloc(((size_t)m->max_qid + 1) * sizeof(long));
	m->role_of_qid = malloc((size_t)m->max_qid + 1);
	m->choice = malloc(((size_t)m->max_cid + 1) * sizeof(long));
	if (!m->survey || !m->min || !m->max || !m->of_qid || !m->role_of_qid
	    || !m->choice)
		goto nomem;
	for (i = 0; i <= (size_t)m->max_qid; i++) {
		m->of_qid[i] = -2;
		m->role_of_qid[i] = -1;
	}
	for (i = 0; i <= (size_t)m->max_cid; i++)
		m->choice[i] = -1;
	if ((rc = impact__prepare(h, &st, "SELECT id FROM surveys ORDER BY"
	                          " id;")) != IMPACT_OK)
		return rc;
	while (m->nsurveys < (size_t)ns && sqlite3_step(st) == SQLITE_ROW)
		m->survey[m->nsurveys++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((rc = impact__prepare(h, &st, "SELECT id, survey_id, code, min,"
	                          " max, role FROM questions;")) != IMPACT_OK)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *role = (const char *)sqlite3_column_text(st, 5);
		long q = qfind(m, (const char *)sqlite3_column_text(st, 2));

		if (id < 0 || id > m->max_qid)
			continue;
		m->of_qid[id] = q;
		for (k = 0; role && k < NROLES; k++)
			if (strcmp(role, roles[k]) == 0)
				m->role_of_qid[id] = (signed char)k;
		if (q >= 0) {
			size_t s = survey_row(m, sqlite3_column_int64(st, 1));

			/* As sqlite3_column_double() reads them: NULL is 0. */
			m->min[s * m->n + (size_t)q] = sqlite3_column_double(st, 3);
			m->max[s * m->n + (size_t)q] = sqlite3_column_double(st, 4);
		}
	}
	sqlite3_finalize(st);
	if ((rc = impact__prepare(h, &st, "SELECT id, code FROM choices;"))
	    != IMPACT_OK)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		long x;

		if (id < 0 || id > m->max_cid)
			continue;
		x = pool_intern(&m->pool, (const char *)sqlite3_column_text(st,
		                                                             1));
		if (x < 0) {
			sqlite3_finalize(st);
			goto nomem;
		}
		m->choice[id] = x;
	}
	sqlite3_finalize(st);
	return IMPACT_OK;
nomem:
	return impact__error(h, IMPACT_ENOMEM, "out of memory");
}

/* Values kept as codes of a dictionary of their distinct values: one
 * byte each while there are at most 255 distinct values (a rating scale
 * has a handful, a raked unit a weight per demographic cell), two while
 * at most 65,535, else the values themselves.  Code 0 is no value
 * (dict[0] is NaN).  Exact: a value is read back bit for bit. */
struct vcodes {
	uint8_t *c8;            /* the codes, while ndict <= 256 */
	uint16_t *c16;          /* the codes, while ndict <= 65,536 */
	double *v;              /* the values, NaN when none, beyond that */
	double *dict;           /* ndict values, code order; dict[0] NaN */
	size_t ndict;
	uint32_t *slot;         /* open addressing: code + 1, 0 empty */
	size_t nslot;           /* a power of two, >= 2 ndict */
};

static void vcodes_release(struct vcodes *c)
{
	free(c->c8);
	free(c->c16);
	free(c->v);
	free(c->dict);
	free(c->slot);
	memset(c, 0, sizeof(*c));
}

/* No value yet, in one-byte codes; -1 when out of memory. */
static int vcodes_init(struct vcodes *c)
{
	memset(c, 0, sizeof(*c));
	c->dict = malloc(sizeof(*c->dict));
	c->slot = calloc(16, sizeof(*c->slot));
	c->c8 = malloc(1);
	if (!c->dict || !c->slot || !c->c8) {
		vcodes_release(c);
		return -1;
	}
	c->dict[0] = NAN;
	c->ndict = 1;
	c->nslot = 16;
	return 0;
}

/* Value i, NaN when none. */
static double vcodes_get(const struct vcodes *c, size_t i)
{
	return c->c8 ? c->dict[c->c8[i]] : c->c16 ? c->dict[c->c16[i]]
	                                          : c->v[i];
}

/* Room for cap cells (fewer: the first cap kept); -1 when out of
 * memory. */
static int vcodes_resize(struct vcodes *c, size_t cap)
{
	size_t w = c->c8 ? 1 : c->c16 ? sizeof(*c->c16) : sizeof(*c->v);
	void *old = c->c8 ? (void *)c->c8 : c->c16 ? (void *)c->c16
	                                           : (void *)c->v;
	void *t = realloc(old, (cap + 1) * w);

	if (!t)
		return -1;
	if (c->c8)
		c->c8 = t;
	else if (c->c16)
		c->c16 = t;
	else
		c->v = t;
	return 0;
}

/* Cells [from, to) without a value. */
static void vcodes_clear(struct vcodes *c, size_t from, size_t to)
{
	size_t i;

	if (c->c8)
		memset(c->c8 + from, 0, to - from);
	else if (c->c16)
		memset(c->c16 + from, 0, (to - from) * sizeof(*c->c16));
	else
		for (i = from; i < to; i++)
			c->v[i] = NAN;
}

/* The codes so far (cells of them; room for cap) widened: one byte to
 * two, or two to the values themselves; -1 when out of memory. */
static int vcodes_widen(struct vcodes *c, size_t cells, size_t cap)
{
	size_t i;

	if (c->c8) {
		if (!(c->c16 = malloc((cap + 1) * sizeof(*c->c16))))
			return -1;
		for (i = 0; i < cells; i++)
			c->c16[i] = c->c8[i];
		free(c->c8);
		c->c8 = NULL;
		return 0;
	}
	if (!(c->v = malloc((cap + 1) * sizeof(*c->v))))
		return -1;
	for (i = 0; i < cells; i++)
		c->v[i] = c->dict[c->c16[i]];
	free(c->c16);
	c->c16 = NULL;
	free(c->slot);
	c->slot = NULL;
	return 0;
}

/* Where value v's code is or goes in c's table. */
static size_t vcodes_slot(const struct vcodes *c, double v)
{
	uint64_t b;
	size_t at;

	memcpy(&b, &v, sizeof(b));
	b ^= b >> 29;
	b *= 0xbf58476d1ce4e5b9ULL;
	b ^= b >> 32;
	for (at = (size_t)b & (c->nslot - 1); c->slot[at]
	     && memcmp(&c->dict[c->slot[at] - 1], &v, sizeof(v)) != 0;
	     at = (at + 1) & (c->nslot - 1))
		;
	return at;
}

/* Set cell `at` to value v (not NaN): its code, a new one when v was not
 * seen, the codes widened past 255 and 65,535 values (cells and cap as
 * for vcodes_widen()); -1 when out of memory. */
static int vcodes_set(struct vcodes *c, size_t at, double v, size_t cells,
                      size_t cap)
{
	size_t k, code;

	if (c->v) {
		c->v[at] = v;
		return 0;
	}
	k = vcodes_slot(c, v);
	if (c->slot[k]) {
		code = c->slot[k] - 1;
	} else {
		if ((c->c8 && c->ndict == 256) || c->ndict == 65536) {
			if (vcodes_widen(c, cells, cap) != 0)
				return -1;
			return vcodes_set(c, at, v, cells, cap);
		}
		if (2 * (c->ndict + 1) > c->nslot) {
			/* Table full: twice as many slots, codes put again. */
			uint32_t *t = calloc(2 * c->nslot, sizeof(*t));
			size_t i;

			if (!t)
				return -1;
			free(c->slot);
			c->slot = t;
			c->nslot *= 2;
			for (i = 1; i < c->ndict; i++)
				c->slot[vcodes_slot(c, c->dict[i])] = (uint32_t)i + 1;
			k = vcodes_slot(c, v);
		}
		if ((c->ndict & (c->ndict - 1)) == 0) {
			/* dict grows by doubling: room for 2 ndict */
			double *d = realloc(c->dict, 2 * c->ndict * sizeof(*d));

			if (!d)
				return -1;
			c->dict = d;
		}
		code = c->ndict++;
		c->dict[code] = v;
		c->slot[k] = (uint32_t)code + 1;
	}
	if (c->c8)
		c->c8[at] = (uint8_t)code;
	else
		c->c16[at] = (uint16_t)code;
	return 0;
}

/* The respondents of one period (all, or those of some places), with
 * their answers to the index's questions, as codes (struct vcodes). */
struct store {
	int period;             /* 0: nothing loaded */
	size_t n;               /* persons, in respondents.id order */
	long long *place;       /* places.id of each */
	uint32_t *survey;       /* its survey row in the qmap */
	struct vcodes qc;       /* n × (m.n + 1) answers' values */
	int32_t *demo;          /* n × NROLES pool indices, -1 when none */
	long long *places;      /* the places with persons, ascending ids */
	size_t nplaces;
	size_t *first;          /* nplaces + 1 offsets into byplace */
	uint32_t *byplace;      /* persons place by place, ascending */
};

static void store_release(struct store *s)
{
	free(s->place);
	free(s->survey);
	vcodes_release(&s->qc);
	free(s->demo);
	free(s->places);
	free(s->first);
	free(s->byplace);
	memset(s, 0, sizeof(*s));
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* A JSON array of the ids places[0..np), for json_each() (caller
 * frees), or NULL when out of memory. */
static char *id_list(const long long *places, size_t np)
{
	char *list = malloc(np * 24 + 3);
	size_t i, used = 0;

	if (!list)
		return NULL;
	list[used++] = '[';
	for (i = 0; i < np; i++)
		used += (size_t)sprintf(list + used, "%s%lld", i ? "," : "",
		                        places[i]);
	list[used++] = ']';
	list[used] = '\0';
	return list;
}

/*
 * Load the persons of `period` into s: every respondent with an answer
 * (all of the period, or only those of the places `only`, nonly ids,
 * when `only` is not NULL), each indicator question's value and each
 * demographic code, as the answers are stored.  The values are kept as
 * codes (struct store): the national bench's 83,000 persons of a year
 * take a byte per answer instead of a float's four.
 */
static int store_load(impact *h, struct qmap *m, int period,
                      const long long *only, size_t nonly, struct store *s)
{
	sqlite3_stmt *st = NULL;
	long long cur = -1;
	size_t cap = 0, i, k;
	int rc, step;

	memset(s, 0, sizeof(*s));
	if (vcodes_init(&s->qc) != 0)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	if ((rc = impact__prepare(h, &st, only
	        ? "SELECT r.id, r.place_id, r.survey_id, a.question_id,"
	          " a.value, a.choice_id, a.text FROM respondents r JOIN"
	          " answers a ON a.respondent_id = r.id WHERE r.period = ?1"
	          " AND r.place_id IN (SELECT value FROM json_each(?2))"
	          " ORDER BY r.id;"
	        : "SELECT r.id, r.place_id, r.survey_id, a.question_id,"
	          " a.value, a.choice_id, a.text FROM respondents r JOIN"
	          " answers a ON a.respondent_id = r.id WHERE r.period = ?1"
	          " ORDER BY r.id;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_int(st, 1, period);
	if (only) {
		char *list = id_list(only, nonly);

		if (!list) {
			sqlite3_finalize(st);
			return impact__error(h, IMPACT_ENOMEM, "out of memory");
		}
		sqlite3_bind_text(st, 2, list, -1, SQLITE_TRANSIENT);
		free(list);
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		long long rid = sqlite3_column_int64(st, 0);
		long long qid = sqlite3_column_int64(st, 3);
		long q;
		int role;

		/* An answer to no stored question is no row of the join. */
		if (qid < 0 || qid > m->max_qid || m->of_qid[qid] == -2)
			continue;
		if (rid != cur) {
			if (s->n == cap) {
				size_t c2 = cap ? 2 * cap : 1024;
				long long *pl = realloc(s->place,
				                        c2 * sizeof(*pl));
				uint32_t *sv;
				int32_t *d2;

				if (!pl || s->n >= UINT32_MAX)
					goto nomem;   /* rows are 32-bit */
				s->place = pl;
				if (!(sv = realloc(s->survey, c2 * sizeof(*sv))))
					goto nomem;
				s->survey = sv;
				if (vcodes_resize(&s->qc, c2 * (m->n + 1)) != 0)
					goto nomem;
				if (!(d2 = realloc(s->demo, c2 * NROLES
				                            * sizeof(*d2))))
					goto nomem;
				s->demo = d2;
				cap = c2;
			}
			cur = rid;
			s->place[s->n] = sqlite3_column_int64(st, 1);
			s->survey[s->n] = (uint32_t)survey_row(m,
			                  sqlite3_column_int64(st, 2));
			vcodes_clear(&s->qc, s->n * (m->n + 1),
			             (s->n + 1) * (m->n + 1));
			for (k = 0; k < NROLES; k++)
				s->demo[s->n * NROLES + k] = -1;
			s->n++;
		}
		i = s->n - 1;
		role = m->role_of_qid[qid];
		if (role >= 0 && s->demo[i * NROLES + (size_t)role] < 0) {
			/* The choice's code, else the text. */
			long long cid = sqlite3_column_type(st, 5) != SQLITE_NULL
			                ? sqlite3_column_int64(st, 5) : -1;
			long x = cid >= 0 && cid <= m->max_cid ? m->choice[cid]
			                                       : -1;
			const char *t = (const char *)sqlite3_column_text(st, 6);

			if (x < 0 && t && (x = pool_intern(&m->pool, t)) < 0)
				goto nomem;
			if (x > INT32_MAX)
				goto nomem;   /* 2^31 distinct codes */
			s->demo[i * NROLES + (size_t)role] = (int32_t)x;
		}
		if ((q = m->of_qid[qid]) >= 0
		    && sqlite3_column_type(st, 4) != SQLITE_NULL) {
			if (vcodes_set(&s->qc, i * (m->n + 1) + (size_t)q,
			               sqlite3_column_double(st, 4),
			               s->n * (m->n + 1), cap * (m->n + 1)) != 0)
				goto nomem;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (step != SQLITE_DONE)
		return impact__db_error(h, "reading answers");
	/* Give back what doubling the arrays left unused. */
	if (s->n) {
		void *q;

		if ((q = realloc(s->place, s->n * sizeof(*s->place))))
			s->place = q;
		if ((q = realloc(s->survey, s->n * sizeof(*s->survey))))
			s->survey = q;
		vcodes_resize(&s->qc, s->n * (m->n + 1));
		if ((q = realloc(s->demo, s->n * NROLES * sizeof(*s->demo))))
			s->demo = q;
	}
	/* The persons of each place, in order. */
	s->places = malloc((s->n + 1) * sizeof(long long));
	s->byplace = malloc((s->n + 1) * sizeof(*s->byplace));
	if (!s->places || !s->byplace)
		goto nomem;
	if (s->n)
		memcpy(s->places, s->place, s->n * sizeof(long long));
	qsort(s->places, s->n, sizeof(long long), cmp_ll);
	for (i = 0, k = 0; i < s->n; i++)
		if (k == 0 || s->places[k - 1] != s->places[i])
			s->places[k++] = s->places[i];
	s->nplaces = k;
	if (!(s->first = calloc(k + 2, sizeof(size_t))))
		goto nomem;
	for (i = 0; i < s->n; i++) {
		long long *f = bsearch(&s->place[i], s->places, s->nplaces,
		                       sizeof(long long), cmp_ll);

		s->first[(size_t)(f - s->places) + 1]++;
	}
	for (k = 0; k < s->nplaces; k++)
		s->first[k + 1] += s->first[k];
	{
		size_t *fill = calloc(s->nplaces + 1, sizeof(size_t));

		if (!fill)
			goto nomem;
		for (i = 0; i < s->n; i++) {
			size_t p = (size_t)((long long *)bsearch(&s->place[i],
			            s->places, s->nplaces, sizeof(long long),
			            cmp_ll) - s->places);

			s->byplace[s->first[p] + fill[p]++] = (uint32_t)i;
		}
		free(fill);
	}
	s->period = period;
	return IMPACT_OK;
nomem:
	sqlite3_finalize(st);
	return impact__error(h, IMPACT_ENOMEM, "out of memory");
}

/*
 * The population of the places `places` (np ids) from the store: the
 * persons in respondents.id order, whether each indicator's combined
 * value (question values rescaled, when asked, by the bounds of the
 * question the unit's last answer to that code is to) meets its
 * threshold, and each person's row in the store (importance ratings,
 * demographics).
 */
static int pop_from_store(impact *h, const struct def *df,
                          const struct qmap *m, const struct store *sto,
                          const long long *places, size_t np, struct pop *p)
{
	size_t *pick = NULL, i, j, k, n = 0;
	double *bmin = NULL, *bmax = NULL;
	long *qpos = NULL;
	const long *impq;
	long *sorted_k = NULL;
	long long *sorted_ids = NULL;

	memset(p, 0, sizeof(*p));
	p->nplaces = np;
	p->place_ids = malloc((np + 1) * sizeof(long long));
	sorted_ids = malloc((np + 1) * sizeof(long long));
	bmin = calloc(m->n + 1, sizeof(double));
	bmax = calloc(m->n + 1, sizeof(double));
	if (!p->place_ids || !sorted_ids || !bmin || !bmax)
		goto nomem;
	memcpy(p->place_ids, places, np * sizeof(long long));
	/* Persons of the unit's places, each with its stratum: the index of
	 * its place in places[] (the last equal one, as a scan finds). */
	for (k = 0; k < np; k++) {
		long long *f = sto->nplaces ? bsearch(&places[k], sto->places,
		                sto->nplaces, sizeof(long long), cmp_ll) : NULL;

		if (f)
			n += sto->first[f - sto->places + 1]
			     - sto->first[f - sto->places];
	}
	pick = malloc((2 * n + 1) * sizeof(size_t));
	if (!pick)
		goto nomem;
	n = 0;
	memcpy(sorted_ids, places, np * sizeof(long long));
	qsort(sorted_ids, np, sizeof(long long), cmp_ll);
	for (k = 0; k < np; k++) {
		long long *f;
		size_t a, b;

		if (k > 0 && sorted_ids[k] == sorted_ids[k - 1])
			continue;
		f = sto->nplaces ? bsearch(&sorted_ids[k], sto->places,
		                           sto->nplaces, sizeof(long long),
		                           cmp_ll) : NULL;
		if (!f)
			continue;
		a = sto->first[f - sto->places];
		b = sto->first[f - sto->places + 1];
		for (; a < b; a++)
			pick[n++] = sto->byplace[a];
	}
	if (np > 1)
		qsort(pick, n, sizeof(size_t), cmp_size);
	p->n = n;
	p->sto = sto;
	p->pool = &m->pool;
	p->stride = m->n + 1;
	p->row = malloc((n + 1) * sizeof(*p->row));
	p->impq = malloc((df->nd + 1) * sizeof(*p->impq));
	p->stratum = calloc(n + 1, sizeof(*p->stratum));
	p->met = calloc(n * df->ni + 1, 1);
	p->w = calloc(n + 1, sizeof(double));
	p->s = calloc(n + 1, sizeof(double));
	p->d = calloc(n + 1, sizeof(double));
	p->in = calloc(n + 1, sizeof(int));
	sorted_k = malloc((np + 1) * sizeof(long));
	if (!p->row || !p->impq || !p->stratum || !p->met || !p->w
	    || !p->s || !p->d || !p->in || !sorted_k
	    || sto->n > UINT32_MAX || np > UINT32_MAX)
		goto nomem;
	/* Stratum of each place id: the last k with places[k] == id. */
	for (k = 0; k < np; k++) {
		long long *f = bsearch(&places[k], sorted_ids, np,
		                       sizeof(long long), cmp_ll);

		/* equal ids sort together: index them by the first */
		while (f > sorted_ids && f[-1] == places[k])
			f--;
		sorted_k[f - sorted_ids] = (long)k;
	}
	for (i = 0; i < n; i++) {
		size_t x = pick[i];
		long long *f;

		p->row[i] = (uint32_t)x;
		f = bsearch(&sto->place[x], sorted_ids, np, sizeof(long long),
		            cmp_ll);
		while (f > sorted_ids && f[-1] == sto->place[x])
			f--;
		p->stratum[i] = (uint32_t)sorted_k[f - sorted_ids];
	}
	/* Bounds: those of the last person answering each code. */
	for (k = 0; k < m->n; k++)
		for (i = n; i-- > 0;) {
			size_t x = pick[i];

			if (!isnan(vcodes_get(&sto->qc, x * (m->n + 1) + k))) {
				bmin[k] = m->min[sto->survey[x] * m->n + k];
				bmax[k] = m->max[sto->survey[x] * m->n + k];
				break;
			}
		}
	/* Each indicator's questions and each importance question, as
	 * code indices. */
	{
		size_t nq = 0;

		for (j = 0; j < df->ni; j++)
			nq += df->ind[j].nq;
		if (!(qpos = malloc((nq + df->nd + 1) * sizeof(long))))
			goto nomem;
		for (j = 0, nq = 0; j < df->ni; j++)
			for (k = 0; k < df->ind[j].nq; k++)
				qpos[nq++] = qfind(m, df->ind[j].questions[k]);
		for (j = 0; j < df->nd; j++)
			qpos[nq + j] = df->d[j].importance
			               ? qfind(m, df->d[j].importance) : -1;
		impq = qpos + nq;
	}
	/* Per person: each indicator's combined value against its
	 * threshold. */
	for (i = 0; i < n; i++) {
		size_t qv = pick[i] * (m->n + 1);
		const long *qp = qpos;

		p->w[i] = 1;
		for (j = 0; j < df->ni; j++) {
			const struct ind *x = &df->ind[j];
			double acc = 0;
			size_t got = 0;

			for (k = 0; k < x->nq; k++) {
				long q = *qp++;
				double v = vcodes_get(&sto->qc, qv + (size_t)q);

				if (isnan(v))
					continue;
				if (x->scale && bmax[q] > bmin[q])
					v = (v - bmin[q]) / (bmax[q] - bmin[q]);
				if (got == 0)
					acc = v;
				else if (x->combine == 1)
					acc = v < acc ? v : acc;
				else if (x->combine == 2)
					acc = v > acc ? v : acc;
				else
					acc += v;
				got++;
			}
			if (got && x->combine == 0)
				acc /= (double)got;
			p->met[i * df->ni + j] = !got ? 0
			        : (x->lower ? acc <= x->threshold
			                    : acc >= x->threshold) ? 2 : 1;
		}
	}
	memcpy(p->impq, impq, df->nd * sizeof(*impq));
	free(qpos);
	free(pick);
	free(sorted_k);
	free(sorted_ids);
	free(bmin);
	free(bmax);
	return IMPACT_OK;
nomem:
	free(qpos);
	free(pick);
	free(sorted_k);
	free(sorted_ids);
	free(bmin);
	free(bmax);
	return impact__error(h, IMPACT_ENOMEM, "out of memory");
}

/* Person i's rating of the importance of domain j, NaN when none. */
static double pop_imp(const struct pop *p, size_t i, size_t j)
{
	return p->impq[j] < 0 ? NAN
	       : vcodes_get(&p->sto->qc, (size_t)p->row[i] * p->stride
	                                 + (size_t)p->impq[j]);
}

/* Person i's code for demographic role r (folded: impact__fold()'s form,
 * FOLD_SIZE), or NULL when none. */
static const char *pop_demo(const struct pop *p, size_t i, size_t r,
                            int folded)
{
	int32_t d = p->sto->demo[(size_t)p->row[i] * NROLES + r];

	return d < 0 ? NULL : folded ? p->pool->folded[d] : p->pool->s[d];
}

/* ---------------------------------------------------------------- */
/* Scores                                                             */

/* Set every indicator's global weight from the domain weights. */
static void global_weights(struct def *df)
{
	size_t i, j;

	for (j = 0; j < df->nd; j++) {
		double sum = 0;

		for (i = 0; i < df->ni; i++)
			if (df->ind[i].domain == j)
				sum += df->ind[i].rel;
		for (i = 0; i < df->ni; i++)
			if (df->ind[i].domain == j)
				df->ind[i].w = sum > 0 ? df->d[j].w * df->ind[i].rel
				                         / sum : 0;
	}
}

/* The weight of indicator j for the person of entry k (k = person × ni
 * + j), whose observed indicators weigh `seen` in all. */
static double person_weight(const struct def *df, const struct pop *p,
                            size_t k, size_t j, double seen)
{
	return pop_obs(df, p, k, j) && seen > 0 ? df->ind[j].w / seen : 0;
}

/* The observed weight of person i, as score() sums it. */
static double observed_weight(const struct def *df, const struct pop *p,
                              size_t i)
{
	double seen = 0;
	size_t j;

	for (j = 0; j < df->ni; j++)
		if (pop_obs(df, p, i * df->ni + j, j))
			seen += df->ind[j].w;
	return seen;
}

/* Sufficiency, per-person weights and scores of everyone. */
static void score(const struct def *df, struct pop *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		double seen = 0, s = 0;

		for (j = 0; j < df->ni; j++)
			if (pop_obs(df, p, i * df->ni + j, j))
				seen += df->ind[j].w;
		p->in[i] = seen >= MIN_OBSERVED - 1e-9;
		for (j = 0; j < df->ni; j++) {
			size_t k = i * df->ni + j;

			s += person_weight(df, p, k, j, seen) * pop_suff(p, k);
		}
		p->s[i] = s;
		p->d[i] = 1 - s;
	}
}

/* The indices of the persons in the index, into idx; their count. */
static size_t members(const struct pop *p, size_t *idx)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		if (p->in[i])
			idx[n++] = i;
	return n;
}

/* GNH, H_n, A_n over idx[0..n) for cutoff k. */
static void gnh_of(const struct pop *p, const size_t *idx, size_t n,
                   double k, double *gnh, double *hn, double *an)
{
	impact__af m;

	impact__af_measure(&m, p->d, p->w, idx, n, 1 - k, 1);
	*hn = m.h;
	*an = m.a;
	*gnh = 1 - m.m0;
}

/* Person i's score within domain dmn: the relative weight of the
 * domain's observed indicators it meets, over that of those observed
 * (NaN when none is). */
static double domain_score(const struct def *df, const struct pop *p,
                           size_t i, size_t dmn)
{
	double num = 0, den = 0;
	size_t j;

	for (j = df->d[dmn].first; j < df->d[dmn].first + df->d[dmn].nind;
	     j++) {
		size_t k = i * df->ni + j;

		if (!pop_obs(df, p, k, j))
			continue;
		num += df->ind[j].rel * pop_suff(p, k);
		den += df->ind[j].rel;
	}
	return den > 0 ? num / den : NAN;
}

/* Each person's score within each domain, n × nd into out. */
static void domain_scores(const struct def *df, const struct pop *p,
                          double *out)
{
	size_t i, dmn;

	for (i = 0; i < p->n; i++)
		for (dmn = 0; dmn < df->nd; dmn++)
			out[i * df->nd + dmn] = domain_score(df, p, i, dmn);
}

/* Normalise the domain weights to sum 1 (equal when they sum to 0). */
static void normalise(struct def *df)
{
	double sum = 0;
	size_t j;

	for (j = 0; j < df->nd; j++)
		sum += df->d[j].w > 0 ? df->d[j].w : 0;
	for (j = 0; j < df->nd; j++)
		df->d[j].w = sum > 0 ? (df->d[j].w > 0 ? df->d[j].w / sum : 0)
		                     : 1.0 / (double)df->nd;
}

/*
 * Fix the domain weights of `scheme` for this population.  `terrs` are
 * the territory codes from the unit up to the root (nterr of them).
 * *note receives a short text when a scheme fell back to equal weights.
 */
static int set_weights(impact *h, struct def *df, struct pop *p, int scheme,
                       const char *const *terrs, size_t nterr,
                       const char **note)
{
	size_t i, j;

	*note = NULL;
	for (j = 0; j < df->nd; j++)
		df->d[j].w = 1.0;
	if (scheme == IMPACT_WEIGHTS_EQUAL) {
		int defined = 1;

		for (j = 0; j < df->nd; j++)
			if (!(df->d[j].rel > 0))
				defined = 0;
		for (j = 0; defined && j < df->nd; j++)
			df->d[j].w = df->d[j].rel;
	} else if (scheme == IMPACT_WEIGHTS_TERRITORY) {
		json_t *tw = json_object_get(df->json, "territory_weights");
		json_t *mine = NULL;

		for (i = 0; i < nterr && !mine; i++)
			mine = json_object_get(tw, terrs[i]);
		for (j = 0; j < df->nd; j++)
			df->d[j].w = mine ? json_number_value(
			        json_object_get(mine, df->d[j].id)) : 1.0;
		if (!mine)
			*note = "no territory weights for this unit: equal weights";
	} else if (scheme == IMPACT_WEIGHTS_PARTICIPATORY) {
		double known = 0;
		size_t nknown = 0;

		for (j = 0; j < df->nd; j++) {
			double s = 0, w = 0;

			for (i = 0; i < p->n; i++) {
				double v = pop_imp(p, i, j);

				if (!isnan(v)) {
					s += p->w[i] * v;
					w += p->w[i];
				}
			}
			df->d[j].w = w > 0 ? s / w : NAN;
			if (w > 0) {
				known += df->d[j].w;
				nknown++;
			}
		}
		/* A domain nobody rated gets the mean of the others'. */
		for (j = 0; j < df->nd; j++)
			if (isnan(df->d[j].w))
				df->d[j].w = nknown ? known / (double)nknown : 1.0;
		if (!nknown)
			*note = "no importance ratings: equal weights";
	} else if (scheme == IMPACT_WEIGHTS_PCA) {
		double *ds = malloc((p->n * df->nd + 1) * sizeof(double));
		double *full = malloc((p->n * df->nd + 1) * sizeof(double));
		double *load = malloc((df->nd + 1) * sizeof(double)), share = 0;
		size_t m = 0;
		int r;

		if (!ds || !full || !load) {
			free(ds);
			free(full);
			free(load);
			return impact__error(h, IMPACT_ENOMEM, "out of memory");
		}
		/* Domain scores with equal weights, persons with all domains. */
		for (j = 0; j < df->nd; j++)
			df->d[j].w = 1.0 / (double)df->nd;
		global_weights(df);
		score(df, p);
		domain_scores(df, p, ds);
		for (i = 0; i < p->n; i++) {
			int ok = 1;

			for (j = 0; j < df->nd; j++)
				if (isnan(ds[i * df->nd + j]))
					ok = 0;
			if (ok)
				memcpy(full + m++ * df->nd, ds + i * df->nd,
				       df->nd * sizeof(double));
		}
		r = m >= 2 ? impact_stats_first_component(load, &share, full, m,
		                                          df->nd) : -1;
		for (j = 0; j < df->nd; j++)
			df->d[j].w = r == 0 ? fabs(load[j]) : 1.0;
		if (r != 0)
			*note = "principal component not defined (a domain score "
			        "does not vary): equal weights";
		free(ds);
		free(full);
		free(load);
	}
	normalise(df);
	global_weights(df);
	score(df, p);
	return IMPACT_OK;
}

/* ---------------------------------------------------------------- */
/* Survey weights                                                     */

/*
 * Rake the population to the margins of the first territory of `terrs`
 * that has some.  Sets *report; *found is 0 when no territory has margins.
 */
/* The error of a raking that impact_stats_rake() found impossible (-1),
 * naming the first level with a population and no respondent of
 * positive weight (nv variables, roles vidx, persons' levels as given
 * to it, the margins' levels lv and totals tg). */
static int rake_impossible(impact *h, const char *terr, const double *w,
                           size_t n, size_t nv, const int *vidx,
                           const int *levels, const size_t *nl,
                           const char *const *const *lv,
                           double *const *tg)
{
	size_t t, l, i;

	for (t = 0; t < nv; t++) {
		size_t v = (size_t)vidx[t];

		for (l = 0; l < nl[v]; l++) {
			if (!(tg[v][l] > 0))
				continue;
			for (i = 0; i < n; i++)
				if (levels[i * nv + t] == (int)l && w[i] > 0)
					break;
			if (i == n)
				return impact__error(h, IMPACT_EDATA, "raking to "
				        "the margins of \"%s\" is impossible: none "
				        "of the respondents gave \"%s\" for %s, a "
				        "level of %.0f people in the margins; merge "
				        "it with a neighbouring level in the "
				        "margins file (impact import margins), or "
				        "do without raking", terr, lv[v][l],
				        roles[v], tg[v][l]);
		}
	}
	/* Every level had someone: a population of 0 emptied one. */
	return impact__error(h, IMPACT_EDATA, "raking to the margins of "
	                     "\"%s\" is impossible: the respondents of a level "
	                     "with a population are all in levels whose "
	                     "population is 0; check the margins' zeros "
	                     "(impact import margins), or do without raking",
	                     terr);
}

static int rake(impact *h, struct pop *p, const char *const *terrs,
                size_t nterr, int *found, impact_rake_report *report,
                json_t *info)
{
	sqlite3_stmt *st = NULL;
	impact_rake_opts ro = IMPACT_RAKE_OPTS_INIT;
	char **lv[NROLES] = { NULL }, **fv[NROLES] = { NULL };
	double *tg[NROLES] = { NULL };
	size_t nl[NROLES] = { 0 }, nv = 0, v, i, t;
	int vidx[NROLES], *levels = NULL, rc = IMPACT_OK, r;
	const char *terr = NULL;

	*found = 0;
	memset(report, 0, sizeof(*report));
	/* The bundled sample's units converge within 35 cycles; the bound
	 * is for margins far from the sample (a cycle costs microseconds). */
	ro.max_iter = 10000;
	if ((rc = impact__prepare(h, &st, "SELECT m.variable, m.level, m.total"
	                          " FROM margins m JOIN territories t ON"
	                          " t.id = m.territory_id WHERE t.code = ?1"
	                          " ORDER BY m.variable, m.level;")) != 0)
		return rc;
	for (t = 0; t < nterr && !terr; t++) {
		int step;

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, terrs[t], -1, SQLITE_STATIC);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			const char *var = (const char *)sqlite3_column_text(st, 0);

			for (v = 0; v < NROLES; v++) {
				char **l2;
				double *t2;

				if (strcmp(var, roles[v]) != 0)
					continue;
				l2 = realloc(lv[v], (nl[v] + 1) * sizeof(char *));
				if (!l2)
					goto nomem;
				lv[v] = l2;
				t2 = realloc(tg[v], (nl[v] + 1) * sizeof(double));
				if (!t2)
					goto nomem;
				tg[v] = t2;
				lv[v][nl[v]] = strdup((const char *)
				                      sqlite3_column_text(st, 1));
				if (!lv[v][nl[v]])
					goto nomem;
				tg[v][nl[v]++] = sqlite3_column_double(st, 2);
				terr = terrs[t];
			}
		}
		/* Not all the rows: no raking on part of the margins, nor
		 * none said to be there. */
		if (step != SQLITE_DONE) {
			rc = impact__error(h, step == SQLITE_NOMEM ? IMPACT_ENOMEM
			                   : IMPACT_EDB, "reading the margins of "
			                   "\"%s\": %s", terrs[t],
			                   sqlite3_errstr(step));
			goto done;
		}
	}
	if (!terr)
		goto done;
	*found = 1;
	for (v = 0; v < NROLES; v++)
		if (nl[v])
			vidx[nv++] = (int)v;
	levels = malloc((p->n * nv + 1) * sizeof(int));
	if (!levels)
		goto nomem;
	/* Levels match ignoring case, accents and spacing: a commune typed
	 * "saint-aubin sur liere" is "Saint-Aubin-sur-Lière".  Both sides
	 * are folded once (the persons' codes in the store's pool); the
	 * last matching level is the person's. */
	for (v = 0; v < NROLES; v++) {
		if (nl[v] && !(fv[v] = calloc(nl[v], sizeof(char *))))
			goto nomem;
		for (i = 0; i < nl[v]; i++) {
			char b[FOLD_SIZE];

			if (!(fv[v][i] = strdup(impact__fold(b, sizeof(b),
			                                     lv[v][i]))))
				goto nomem;
		}
	}
	for (i = 0; i < p->n; i++)
		for (t = 0; t < nv; t++) {
			const char *a = pop_demo(p, i, (size_t)vidx[t], 1);
			size_t l;

			levels[i * nv + t] = -1;
			if (!a)
				continue;
			for (l = 0; l < nl[vidx[t]]; l++)
				if (strcmp(a, fv[vidx[t]][l]) == 0)
					levels[i * nv + t] = (int)l;
		}
	{
		size_t nlev[NROLES];
		const double *targets[NROLES];

		for (t = 0; t < nv; t++) {
			nlev[t] = nl[vidx[t]];
			targets[t] = tg[vidx[t]];
		}
		r = impact_stats_rake(p->w, p->n, nv, levels, nlev, targets, &ro,
		                      report);
	}
	json_object_set_new(info, "territory", json_string(terr));
	json_object_set_new(info, "converged", json_boolean(r == 0));
	json_object_set_new(info, "iterations",
	                    json_integer(report->iterations));
	if (r == -1)
		rc = rake_impossible(h, terr, p->w, p->n, nv, vidx, levels, nl,
		                     (const char *const *const *)lv, tg);
	else if (r == -2)
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	sqlite3_finalize(st);
	for (v = 0; v < NROLES; v++) {
		for (i = 0; i < nl[v]; i++) {
			free(lv[v][i]);
			if (fv[v])
				free(fv[v][i]);
		}
		free(lv[v]);
		free(fv[v]);
		free(tg[v]);
	}
	free(levels);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Units                                                              */

/* The unit: its places, its territories up to the root, its name. */
struct unit {
	int is_place;
	long long id;
	char code[128], name[256];
	long long *places;       /* places.id under it */
	size_t np;
	char **terrs;            /* territory codes, unit first, up to root */
	size_t nterr;
	long long *children;     /* territories directly under it */
	size_t nchildren;
};

static void unit_release(struct unit *u)
{
	size_t i;

	free(u->places);
	for (i = 0; i < u->nterr; i++)
		free(u->terrs[i]);
	free(u->terrs);
	free(u->children);
	memset(u, 0, sizeof(*u));
}

/* Append the rows of one-column query `sql` (bound to ?1 = id) to an
 * array of ids. */
static int ids(impact *h, const char *sql, long long id, long long **out,
               size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = impact__prepare(h, &st, sql)) != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long *p = realloc(*out, (*n + 1) * sizeof(long long));

		if (!p) {
			sqlite3_finalize(st);
			return impact__error(h, IMPACT_ENOMEM, "out of memory");
		}
		*out = p;
		(*out)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return IMPACT_OK;
}

static const char *const below_sql =
        "WITH RECURSIVE below(id) AS (SELECT ?1 UNION"
        " SELECT t.id FROM territories t JOIN below b ON"
        " t.parent_id = b.id) SELECT p.id FROM places p"
        " WHERE p.territory_id IN below ORDER BY p.id;";

static int unit_load(impact *h, const impact_index_opts *o, struct unit *u)
{
	sqlite3_stmt *st = NULL;
	long long terr;
	int rc;

	memset(u, 0, sizeof(*u));
	u->is_place = o->place != NULL;
	if ((rc = impact__prepare(h, &st, u->is_place
	                          ? "SELECT id, code, name, territory_id FROM"
	                            " places WHERE code = ?1;"
	                          : "SELECT id, code, name, id FROM territories"
	                            " WHERE (?1 IS NULL AND parent_id IS NULL)"
	                            " OR code = ?1 ORDER BY id LIMIT 1;")) != 0)
		return rc;
	sqlite3_bind_text(st, 1, u->is_place ? o->place : o->territory, -1,
	                  SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return impact__error(h, IMPACT_ENOTFOUND, "%s \"%s\" not found",
		                     u->is_place ? "place" : "territory",
		                     u->is_place ? o->place
		                     : o->territory ? o->territory : "(root)");
	}
	u->id = sqlite3_column_int64(st, 0);
	snprintf(u->code, sizeof(u->code), "%s", sqlite3_column_text(st, 1));
	snprintf(u->name, sizeof(u->name), "%s", sqlite3_column_text(st, 2));
	terr = sqlite3_column_int64(st, 3);
	sqlite3_finalize(st);
	if (u->is_place) {
		u->places = malloc(sizeof(long long));
		if (!u->places)
			return impact__error(h, IMPACT_ENOMEM, "out of memory");
		u->places[0] = u->id;
		u->np = 1;
	} else if ((rc = ids(h, below_sql, u->id, &u->places, &u->np))
	           != IMPACT_OK
	           || (rc = ids(h, "SELECT id FROM territories WHERE"
	                        " parent_id = ?1 ORDER BY code;", u->id,
	                        &u->children, &u->nchildren)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "WITH RECURSIVE up(id, depth) AS"
	                          " (SELECT ?1, 0 UNION ALL SELECT t.parent_id,"
	                          " depth + 1 FROM territories t JOIN up ON"
	                          " t.id = up.id WHERE t.parent_id IS NOT NULL"
	                          " AND depth < 100) SELECT t.code FROM up JOIN"
	                          " territories t ON t.id = up.id ORDER BY"
	                          " depth;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, terr);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char **p = realloc(u->terrs, (u->nterr + 1) * sizeof(char *));

		if (!p || !(p[u->nterr] = strdup((const char *)
		                                 sqlite3_column_text(st, 0)))) {
			if (p)
				u->terrs = p;
			sqlite3_finalize(st);
			return impact__error(h, IMPACT_ENOMEM, "out of memory");
		}
		u->terrs = p;
		u->nterr++;
	}
	sqlite3_finalize(st);
	return IMPACT_OK;
}

/* ---------------------------------------------------------------- */
/* Places and territories in memory, for every unit at once           */

struct tnode {
	long long id;
	char *code, *name;       /* owned */
	long parent;             /* index of the parent territory, -1 */
	size_t *kids;            /* child territories, by code */
	size_t nkids;
	long long *places;       /* places below, ascending ids (lazily) */
	size_t np;
	int have_places;
};

struct pnode {
	long long id;
	char *code, *name;       /* owned */
	long terr;               /* index of its territory, -1 */
};

struct tree {
	struct tnode *t;         /* territories, by id */
	size_t nt;
	struct pnode *p;         /* places, by id */
	size_t npl;
	size_t *t_by_code, *p_by_code;  /* indices sorted by code */
};

static void tree_release(struct tree *tr)
{
	size_t i;

	for (i = 0; i < tr->nt; i++) {
		free(tr->t[i].code);
		free(tr->t[i].name);
		free(tr->t[i].kids);
		free(tr->t[i].places);
	}
	for (i = 0; i < tr->npl; i++) {
		free(tr->p[i].code);
		free(tr->p[i].name);
	}
	free(tr->t);
	free(tr->p);
	free(tr->t_by_code);
	free(tr->p_by_code);
	memset(tr, 0, sizeof(*tr));
}

/* The tree the comparisons below sort (one per thread). */
static _Thread_local const struct tree *sort_tree;

static int cmp_t_code(const void *a, const void *b)
{
	return strcmp(sort_tree->t[*(const size_t *)a].code,
	              sort_tree->t[*(const size_t *)b].code);
}

static int cmp_p_code(const void *a, const void *b)
{
	return strcmp(sort_tree->p[*(const size_t *)a].code,
	              sort_tree->p[*(const size_t *)b].code);
}

static long t_index(const struct tree *tr, long long id)
{
	size_t lo = 0, hi = tr->nt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tr->t[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < tr->nt && tr->t[lo].id == id ? (long)lo : -1;
}

static long p_index(const struct tree *tr, long long id)
{
	size_t lo = 0, hi = tr->npl;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tr->p[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < tr->npl && tr->p[lo].id == id ? (long)lo : -1;
}

static const char *tree_place_code(const struct tree *tr, long long id)
{
	long i = p_index(tr, id);

	return i >= 0 ? tr->p[i].code : "?";
}

/* Read every territory and place into tr. */
static int tree_load(impact *h, struct tree *tr)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0, i;
	int rc;

	memset(tr, 0, sizeof(*tr));
	if ((rc = impact__prepare(h, &st, "SELECT id, code, name, parent_id"
	                          " FROM territories ORDER BY id;")) != 0)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct tnode *t;

		if (tr->nt == cap) {
			size_t c = cap ? 2 * cap : 64;

			if (!(t = realloc(tr->t, c * sizeof(*t))))
				goto nomem;
			tr->t = t;
			cap = c;
		}
		t = &tr->t[tr->nt];
		memset(t, 0, sizeof(*t));
		t->id = sqlite3_column_int64(st, 0);
		t->code = strdup((const char *)sqlite3_column_text(st, 1));
		t->name = strdup((const char *)sqlite3_column_text(st, 2));
		/* The parent's id for now, its index below. */
		t->parent = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1
		            : (long)sqlite3_column_int64(st, 3);
		tr->nt++;
		if (!t->code || !t->name)
			goto nomem;
	}
	sqlite3_finalize(st);
	st = NULL;
	for (i = 0; i < tr->nt; i++)
		if (tr->t[i].parent >= 0)
			tr->t[i].parent = t_index(tr, tr->t[i].parent);
	cap = 0;
	if ((rc = impact__prepare(h, &st, "SELECT id, code, name, territory_id"
	                          " FROM places ORDER BY id;")) != 0)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct pnode *p;

		if (tr->npl == cap) {
			size_t c = cap ? 2 * cap : 64;

			if (!(p = realloc(tr->p, c * sizeof(*p))))
				goto nomem;
			tr->p = p;
			cap = c;
		}
		p = &tr->p[tr->npl];
		p->id = sqlite3_column_int64(st, 0);
		p->code = strdup((const char *)sqlite3_column_text(st, 1));
		p->name = strdup((const char *)sqlite3_column_text(st, 2));
		p->terr = t_index(tr, sqlite3_column_int64(st, 3));
		tr->npl++;
		if (!p->code || !p->name)
			goto nomem;
	}
	sqlite3_finalize(st);
	st = NULL;
	tr->t_by_code = malloc((tr->nt + 1) * sizeof(size_t));
	tr->p_by_code = malloc((tr->npl + 1) * sizeof(size_t));
	if (!tr->t_by_code || !tr->p_by_code)
		goto nomem;
	for (i = 0; i < tr->nt; i++)
		tr->t_by_code[i] = i;
	for (i = 0; i < tr->npl; i++)
		tr->p_by_code[i] = i;
	sort_tree = tr;
	qsort(tr->t_by_code, tr->nt, sizeof(size_t), cmp_t_code);
	qsort(tr->p_by_code, tr->npl, sizeof(size_t), cmp_p_code);
	/* Children of each territory, by code (ORDER BY code). */
	for (i = 0; i < tr->nt; i++) {
		size_t x = tr->t_by_code[i];
		long par = tr->t[x].parent;
		size_t *k;

		if (par < 0)
			continue;
		k = realloc(tr->t[par].kids, (tr->t[par].nkids + 1)
		                             * sizeof(size_t));
		if (!k)
			goto nomem;
		tr->t[par].kids = k;
		k[tr->t[par].nkids++] = x;
	}
	return IMPACT_OK;
nomem:
	sqlite3_finalize(st);
	return impact__error(h, IMPACT_ENOMEM, "out of memory");
}

/* The places below territory x (itself and its descendants), ascending
 * ids, computed once. */
static int tree_places(struct tree *tr, size_t x)
{
	struct tnode *t = &tr->t[x];
	size_t *stack = NULL, ns = 0, i;
	unsigned char *below = NULL;

	if (t->have_places)
		return 0;
	below = calloc(tr->nt + 1, 1);
	stack = malloc((tr->nt + 1) * sizeof(size_t));
	if (!below || !stack)
		goto nomem;
	stack[ns++] = x;
	below[x] = 1;
	while (ns) {
		size_t y = stack[--ns], k;

		for (k = 0; k < tr->t[y].nkids; k++)
			if (!below[tr->t[y].kids[k]]) {
				below[tr->t[y].kids[k]] = 1;
				stack[ns++] = tr->t[y].kids[k];
			}
	}
	t->np = 0;
	for (i = 0; i < tr->npl; i++)
		if (tr->p[i].terr >= 0 && below[tr->p[i].terr])
			t->np++;
	if (!(t->places = malloc((t->np + 1) * sizeof(long long))))
		goto nomem;
	t->np = 0;
	for (i = 0; i < tr->npl; i++)   /* places are by id already */
		if (tr->p[i].terr >= 0 && below[tr->p[i].terr])
			t->places[t->np++] = tr->p[i].id;
	t->have_places = 1;
	free(below);
	free(stack);
	return 0;
nomem:
	free(below);
	free(stack);
	return -1;
}

/* The unit of place or territory `code`, as unit_load() reads it. */
static int unit_from_tree(impact *h, struct tree *tr, int is_place,
                          const char *code, struct unit *u)
{
	long terr, x;
	size_t lo = 0, hi, i, depth;

	memset(u, 0, sizeof(*u));
	u->is_place = is_place;
	hi = is_place ? tr->npl : tr->nt;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *c = is_place ? tr->p[tr->p_by_code[mid]].code
		                         : tr->t[tr->t_by_code[mid]].code;

		if (strcmp(c, code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= (is_place ? tr->npl : tr->nt)
	    || strcmp(is_place ? tr->p[tr->p_by_code[lo]].code
	                       : tr->t[tr->t_by_code[lo]].code, code) != 0)
		return impact__error(h, IMPACT_ENOTFOUND, "%s \"%s\" not found",
		                     is_place ? "place" : "territory", code);
	if (is_place) {
		const struct pnode *p = &tr->p[tr->p_by_code[lo]];

		u->id = p->id;
		snprintf(u->code, sizeof(u->code), "%s", p->code);
		snprintf(u->name, sizeof(u->name), "%s", p->name);
		terr = p->terr;
		if (!(u->places = malloc(sizeof(long long))))
			goto nomem;
		u->places[0] = p->id;
		u->np = 1;
	} else {
		struct tnode *t;

		x = (long)tr->t_by_code[lo];
		t = &tr->t[x];
		u->id = t->id;
		snprintf(u->code, sizeof(u->code), "%s", t->code);
		snprintf(u->name, sizeof(u->name), "%s", t->name);
		terr = x;
		if (tree_places(tr, (size_t)x) != 0
		    || !(u->places = malloc((t->np + 1) * sizeof(long long)))
		    || !(u->children = malloc((t->nkids + 1)
		                              * sizeof(long long))))
			goto nomem;
		memcpy(u->places, t->places, t->np * sizeof(long long));
		u->np = t->np;
		for (i = 0; i < t->nkids; i++)
			u->children[i] = tr->t[t->kids[i]].id;
		u->nchildren = t->nkids;
	}
	/* Territory codes from the unit's territory up to the root (at most
	 * 101, as unit_load()'s query walks). */
	for (x = terr, depth = 0; x >= 0 && depth <= 100;
	     x = tr->t[x].parent, depth++) {
		char **p = realloc(u->terrs, (u->nterr + 1) * sizeof(char *));

		if (!p)
			goto nomem;
		u->terrs = p;
		if (!(u->terrs[u->nterr] = strdup(tr->t[x].code)))
			goto nomem;
		u->nterr++;
	}
	return IMPACT_OK;
nomem:
	return impact__error(h, IMPACT_ENOMEM, "out of memory");
}

/* ---------------------------------------------------------------- */
/* Bootstrap, ranks                                                   */

/* Percentile interval of r[0..n) (reordered) at 95%. */
static void percentile(double *r, size_t n, double *lo, double *hi)
{
	impact__percentile_interval(r, n, 0.95, lo, hi);
}

/*
 * Stratified bootstrap of GNH, H_n and A_n over the persons idx[0..n):
 * each replicate resamples, within each place, as many persons as it has
 * (places in stratum order, persons in idx order within a place, draws
 * from mt19937 seeded with `seed`), and measures them as gnh_of() does.
 * Replicate values into g, hn, an (reps each).  Each replicate is summed
 * as it is drawn, from the persons' weights w, w·d and whether they are
 * not yet happy laid out place by place: the same draws and the same
 * sums in the same order as impact__af_measure() over the drawn indices,
 * so the same values.
 */
#define LANES 4           /* replicates summed side by side */

struct boot_job {
	size_t nplaces, reps;
	size_t *start;           /* persons of place s: [start[s], start[s+1]) */
	impact__uniform *un;     /* draws within each place */
	double *w;               /* each person's weight */
	double *pw, *pwd;        /* weight and weight × d when not yet
	                            happy, else 0 (adding 0 changes no sum
	                            of non-negative terms) */
	uint32_t *idx;           /* LANES replicates' drawn persons */
	impact__mt *rng;
	double *g, *hn, *an;     /* the replicates (the caller's) */
	pthread_t tid;
	int threaded;            /* boot_draw() runs on tid */
};

static void boot_release(struct boot_job *b)
{
	free(b->rng);
	free(b->start);
	free(b->un);
	free(b->w);
	free(b->pw);
	free(b->pwd);
	free(b->idx);
	memset(b, 0, sizeof(*b));
}

/* What bootstrap() draws from, copied out of p so that the draws can run
 * while p changes; -1 when out of memory. */
static int boot_prepare(struct boot_job *b, const struct pop *p,
                        const size_t *idx, size_t n, double k, size_t reps,
                        unsigned long seed, double *g, double *hn,
                        double *an)
{
	size_t *fill = calloc(p->nplaces + 1, sizeof(size_t));
	double cut = (1 - k) + 1e-9;   /* af.c's strict comparison */
	size_t i, s;

	memset(b, 0, sizeof(*b));
	b->nplaces = p->nplaces;
	b->reps = reps;
	b->g = g;
	b->hn = hn;
	b->an = an;
	b->rng = malloc(sizeof(*b->rng));
	b->start = calloc(p->nplaces + 2, sizeof(size_t));
	b->un = malloc((p->nplaces + 1) * sizeof(*b->un));
	b->w = malloc((n + 1) * sizeof(double));
	b->pw = malloc((n + 1) * sizeof(double));
	b->pwd = malloc((n + 1) * sizeof(double));
	b->idx = malloc((LANES * n + 1) * sizeof(uint32_t));
	if (!fill || !b->rng || !b->start || !b->un || !b->w || !b->pw
	    || !b->pwd || !b->idx) {
		free(fill);
		boot_release(b);
		return -1;
	}
	impact__mt_seed(b->rng, seed);
	/* Persons grouped by place: [start[s] .. start[s + 1]). */
	for (i = 0; i < n; i++)
		b->start[p->stratum[idx[i]] + 1]++;
	for (s = 0; s < p->nplaces; s++) {
		b->start[s + 1] += b->start[s];
		if (b->start[s + 1] > b->start[s])
			impact__uniform_init(&b->un[s],
			                     b->start[s + 1] - b->start[s]);
	}
	for (i = 0; i < n; i++) {
		size_t x = idx[i], st = p->stratum[x];
		size_t j = b->start[st] + fill[st]++;

		b->w[j] = p->w[x];
		b->pw[j] = p->d[x] > cut ? p->w[x] : 0;
		b->pwd[j] = p->d[x] > cut ? p->w[x] * p->d[x] : 0;
	}
	free(fill);
	return 0;
}

/* Replicate r's values from its sums. */
static void boot_values(struct boot_job *b, size_t r, double total,
                        double hw, double hd)
{
	double h, a;

	if (total <= 0) {
		b->g[r] = b->hn[r] = b->an[r] = NAN;
		return;
	}
	h = hw / total;
	a = hw > 0 ? hd / hw : 0;
	b->hn[r] = h;
	b->an[r] = a;
	b->g[r] = 1 - h * a;
}

/* The replicates of a prepared bootstrap (a thread's body): LANES
 * replicates' draws (place after place, as one replicate after the
 * other would take them), then their sums side by side, each in its
 * draws' order: the same sums, bit for bit. */
static void *boot_draw(void *arg)
{
	struct boot_job *b = arg;
	size_t n = b->start[b->nplaces], r, i, s, l, lanes;

	for (r = 0; r < b->reps; r += lanes) {
		uint32_t *q = b->idx;

		lanes = b->reps - r < LANES ? b->reps - r : LANES;
		for (l = 0; l < lanes; l++)
			for (s = 0; s < b->nplaces; s++) {
				size_t base = b->start[s], m = b->start[s + 1] - base;

				if (!m)
					continue;
				impact__uniform_fill(b->rng, &b->un[s], q, m);
				for (i = 0; i < m; i++)
					q[i] += (uint32_t)base;
				q += m;
			}
		if (lanes == LANES) {
			const uint32_t *q0 = b->idx, *q1 = q0 + n, *q2 = q1 + n,
			               *q3 = q2 + n;
			double t0 = 0, t1 = 0, t2 = 0, t3 = 0, h0 = 0, h1 = 0,
			       h2 = 0, h3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;

			for (i = 0; i < n; i++) {
				t0 += b->w[q0[i]];
				h0 += b->pw[q0[i]];
				d0 += b->pwd[q0[i]];
				t1 += b->w[q1[i]];
				h1 += b->pw[q1[i]];
				d1 += b->pwd[q1[i]];
				t2 += b->w[q2[i]];
				h2 += b->pw[q2[i]];
				d2 += b->pwd[q2[i]];
				t3 += b->w[q3[i]];
				h3 += b->pw[q3[i]];
				d3 += b->pwd[q3[i]];
			}
			boot_values(b, r, t0, h0, d0);
			boot_values(b, r + 1, t1, h1, d1);
			boot_values(b, r + 2, t2, h2, d2);
			boot_values(b, r + 3, t3, h3, d3);
			continue;
		}
		for (l = 0; l < lanes; l++) {
			const uint32_t *ql = b->idx + l * n;
			double total = 0, hw = 0, hd = 0;

			for (i = 0; i < n; i++) {
				total += b->w[ql[i]];
				hw += b->pw[ql[i]];
				hd += b->pwd[ql[i]];
			}
			boot_values(b, r + l, total, hw, hd);
		}
	}
	return NULL;
}

/* Start the draws on a thread of their own (here, if none can start). */
static void boot_start(struct boot_job *b)
{
	b->threaded = pthread_create(&b->tid, NULL, boot_draw, b) == 0;
	if (!b->threaded)
		boot_draw(b);
}

/* Wait for the draws (nothing to wait for when not started on a
 * thread, or already waited for). */
static void boot_wait(struct boot_job *b)
{
	if (b->threaded)
		pthread_join(b->tid, NULL);
	b->threaded = 0;
}

/* The bootstrap described above, drawn here; -1 when out of memory. */
static int bootstrap(const struct pop *p, const size_t *idx, size_t n,
                     double k, size_t reps, unsigned long seed, double *g,
                     double *hn, double *an)
{
	struct boot_job b;

	if (boot_prepare(&b, p, idx, n, k, reps, seed, g, hn, an) != 0)
		return -1;
	boot_draw(&b);
	boot_release(&b);
	return 0;
}

/*
 * Every person's score under changed domain weights, fast.  Within a
 * domain the indicators keep their relative weights, so a person's score
 * is sum_d W_d S_d / sum_d W_d R_d over the domains d, with W_d the
 * domain's weight, S_d the relative weight of the indicators of d where
 * the person is sufficient (observed: a value and a positive weight), and
 * R_d that of the indicators of d it is observed in: score() sums the
 * same terms indicator by indicator.  S_d depends only on which of the
 * domain's indicators (at most FAST_DOMAIN) the person is sufficient in:
 * a person keeps one byte per domain, those indicators as bits, and
 * each domain a table of S_d by byte, each entry summed as score() sums
 * it (the domain's indicators in order, from 0).  R is computed once per
 * pattern of observed indicators (few patterns).  A new set of weights
 * then costs a table of W_d S_d per domain and, per person, nd additions
 * of its entries: the same products added in the same order as W_d S_d
 * person by person, so the same scores, in an eighth of the memory.
 */
#define FAST_DOMAIN 8

int impact__ranks_by_person = 0;

struct fastscore {
	size_t nd, n;
	unsigned char *code;    /* n × nd: each person's sufficient
	                           indicators in each domain, as bits */
	size_t *tab0;           /* nd + 1: where each domain's entries
	                           start in tab and prod */
	double *tab;            /* S_d of each code, domain after domain */
	double *prod;           /* W_d S_d of each, for the weights drawn */
	double *w;              /* n: each person's weight */
	size_t npat;            /* patterns */
	uint64_t *pat;          /* each pattern's observed indicators */
	uint32_t *pat_of;       /* person -> pattern */
	double *seen;           /* npat × nd: R_d of each pattern */
	double *inv;            /* per pattern, for the current weights:
	                           1 / observed weight, or 0 */
	int *in;                /* per pattern: observed enough */
};

static void fastscore_release(struct fastscore *f)
{
	free(f->code);
	free(f->tab0);
	free(f->tab);
	free(f->prod);
	free(f->w);
	free(f->pat);
	free(f->pat_of);
	free(f->seen);
	free(f->inv);
	free(f->in);
	memset(f, 0, sizeof(*f));
}

/* Can fastscore hold df: at most 64 domains and indicators, and at most
 * FAST_DOMAIN indicators in a domain? */
static int fastscore_fits(const struct def *df)
{
	size_t d;

	if (df->ni > 64 || df->nd > 64 || impact__ranks_by_person)
		return 0;
	for (d = 0; d < df->nd; d++)
		if (df->d[d].nind > FAST_DOMAIN)
			return 0;
	return 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Prepare f for the persons of p, taken in the order `order` (position
 * x holds person order[x]), under the indicators' current weights (df
 * fits, fastscore_fits(); which weights are positive does not change
 * with the domain weights drawn); -1 when out of memory. */
static int fastscore_init(struct fastscore *f, const struct def *df,
                          const struct pop *p, const size_t *order)
{
	uint64_t *has = NULL, *pat;
	double *rel = NULL;      /* each indicator's share of its domain */
	size_t i, j, k, d, nd = df->nd;

	memset(f, 0, sizeof(*f));
	f->nd = nd;
	f->n = p->n;
	f->code = calloc(nd * p->n + 1, 1);
	f->tab0 = calloc(nd + 1, sizeof(size_t));
	f->w = malloc((p->n + 1) * sizeof(double));
	f->pat_of = malloc((p->n + 1) * sizeof(uint32_t));
	has = malloc((p->n + 1) * sizeof(uint64_t));
	f->pat = malloc((p->n + 1) * sizeof(uint64_t));
	rel = calloc(df->ni + 1, sizeof(double));
	if (!f->code || !f->tab0 || !f->w || !f->pat_of || !has || !f->pat
	    || !rel)
		goto nomem;
	for (j = 0; j < df->ni; j++) {
		double sum = 0;

		for (k = 0; k < df->ni; k++)
			if (df->ind[k].domain == df->ind[j].domain)
				sum += df->ind[k].rel;
		rel[j] = df->ind[j].w > 0 && sum > 0 ? df->ind[j].rel / sum : 0;
	}
	/* Each domain's table: an entry per set of its indicators (bit b
	 * for its b-th), summed over the set's bits in order. */
	for (d = 0; d < nd; d++)
		f->tab0[d + 1] = f->tab0[d] + ((size_t)1 << df->d[d].nind);
	f->tab = calloc(f->tab0[nd] + 1, sizeof(double));
	f->prod = malloc((f->tab0[nd] + 1) * sizeof(double));
	if (!f->tab || !f->prod)
		goto nomem;
	for (d = 0; d < nd; d++)
		for (k = 0; k < f->tab0[d + 1] - f->tab0[d]; k++)
			for (j = 0; j < df->d[d].nind; j++)
				if (k >> j & 1)
					f->tab[f->tab0[d] + k] +=
					        rel[df->d[d].first + j];
	for (i = 0; i < p->n; i++) {
		uint64_t h = 0;

		f->w[i] = p->w[order[i]];
		for (j = 0; j < df->ni; j++) {
			const struct ind *x = &df->ind[j];
			unsigned char v = p->met[order[i] * df->ni + j];

			if (!v || !(x->w > 0))
				continue;
			h |= (uint64_t)1 << j;
			if (v == 2)
				f->code[i * nd + x->domain] |= (unsigned char)
				        (1u << (j - df->d[x->domain].first));
		}
		has[i] = f->pat[i] = h;
	}
	if (p->n)
		qsort(f->pat, p->n, sizeof(uint64_t), cmp_u64);
	for (i = 0, k = 0; i < p->n; i++)
		if (k == 0 || f->pat[k - 1] != f->pat[i])
			f->pat[k++] = f->pat[i];
	f->npat = k;
	if ((pat = realloc(f->pat, (k + 1) * sizeof(uint64_t))))
		f->pat = pat;
	f->seen = calloc(f->npat * nd + 1, sizeof(double));
	f->inv = malloc((f->npat + 1) * sizeof(double));
	f->in = malloc((f->npat + 1) * sizeof(int));
	if (!f->seen || !f->inv || !f->in)
		goto nomem;
	for (k = 0; k < f->npat; k++)
		for (j = 0; j < df->ni; j++)
			if (f->pat[k] >> j & 1)
				f->seen[k * nd + df->ind[j].domain] += rel[j];
	for (i = 0; i < p->n; i++)
		f->pat_of[i] = (uint32_t)((uint64_t *)bsearch(&has[i], f->pat,
		                f->npat, sizeof(uint64_t), cmp_u64) - f->pat);
	free(has);
	free(rel);
	return 0;
nomem:
	free(has);
	free(rel);
	fastscore_release(f);
	return -1;
}

/* A group's GNH, 1 - H_n A_n, from its persons' weight `total`, that of
 * the deprived ones `hw` and their weighted deprivation `hd`; NaN
 * without weight. */
static double gnh_of_sums(double total, double hw, double hd)
{
	double h, a;

	if (total <= 0)
		return NAN;
	h = hw / total;
	a = hw > 0 ? hd / hw : 0;
	return 1 - h * a;
}

/* Each place's GNH from score()'s p->in and p->d (the cutoff giving
 * `cut`), into out, and its persons counted into cnt, as gnh_of()
 * measures them: place i holds persons by[first[i] .. first[i + 1]). */
static void places_gnh(const struct pop *p, const size_t *by,
                       const size_t *first, size_t np, double cut,
                       size_t *cnt, double *out)
{
	size_t i, x;

	for (i = 0; i < np; i++) {
		double total = 0, hw = 0, hd = 0;
		size_t m = 0;

		for (x = first[i]; x < first[i + 1]; x++) {
			size_t y = by[x];

			if (!p->in[y])
				continue;
			m++;
			total += p->w[y];
			if (p->d[y] > cut) {
				hw += p->w[y];
				hd += p->w[y] * p->d[y];
			}
		}
		cnt[i] = m;
		out[i] = gnh_of_sums(total, hw, hd);
	}
}

/* Each place's GNH under the domain weights df->d[].w and the cutoff
 * giving `cut`, into out, and its persons counted into cnt, as
 * places_gnh() measures them from score()'s p->in and p->d: place i
 * holds positions first[i] .. first[i + 1] - 1 of f's order.  Each
 * person's score is computed where it is added, in one pass over f. */
static void fastscore_places(struct fastscore *f, const struct def *df,
                             const size_t *first, size_t np, double cut,
                             size_t *cnt, double *out)
{
	size_t i, k, d, x, l, nd = f->nd;
	const size_t *t0 = f->tab0;
	const double *pr = f->prod;

	for (d = 0; d < nd; d++)
		for (k = t0[d]; k < t0[d + 1]; k++)
			f->prod[k] = df->d[d].w * f->tab[k];
	for (k = 0; k < f->npat; k++) {
		double seen = 0;

		for (d = 0; d < f->nd; d++)
			seen += df->d[d].w * f->seen[k * f->nd + d];
		f->in[k] = seen >= MIN_OBSERVED - 1e-9;
		f->inv[k] = seen > 0 ? 1 / seen : 0;
	}
	for (i = 0; i < np; i++) {
		double total = 0, hw = 0, hd = 0;
		size_t m = 0;

		/* Four persons' sums side by side (each in domain order, from
		 * 0), then each person in turn. */
		for (x = first[i]; x < first[i + 1]; x += l) {
			const unsigned char *c0 = f->code + x * nd;
			double acc[4] = { 0, 0, 0, 0 };
			size_t left = first[i + 1] - x;

			l = left < 4 ? left : 4;
			if (l == 4)
				for (d = 0; d < nd; d++) {
					acc[0] += pr[t0[d] + c0[d]];
					acc[1] += pr[t0[d] + c0[nd + d]];
					acc[2] += pr[t0[d] + c0[2 * nd + d]];
					acc[3] += pr[t0[d] + c0[3 * nd + d]];
				}
			else
				for (k = 0; k < l; k++)
					for (d = 0; d < nd; d++)
						acc[k] += pr[t0[d] + c0[k * nd + d]];
			for (k = 0; k < l; k++) {
				size_t k2 = f->pat_of[x + k];
				double dep, wx = f->w[x + k];

				if (!f->in[k2])
					continue;
				dep = 1 - acc[k] * f->inv[k2];
				m++;
				total += wx;
				if (dep > cut) {
					hw += wx;
					hd += wx * dep;
				}
			}
		}
		cnt[i] = m;
		out[i] = gnh_of_sums(total, hw, hd);
	}
}

/* Rank x of ranks(), into whichever array holds them. */
static void rank_set(uint16_t *rk16, uint32_t *rk32, size_t x, size_t rank)
{
	if (rk16)
		rk16[x] = (uint16_t)rank;
	else
		rk32[x] = (uint32_t)rank;
}

/* Rank robustness of the places of the unit: baseline GNH, median rank
 * and 90% interval over `draws` perturbations of weights and cutoff, as
 * a JSON array; NULL, the error set in h, when out of memory or the
 * places cannot be read. */
static json_t *ranks(struct def *df, struct pop *p, const struct unit *u,
                     size_t draws, unsigned long seed, double k,
                     impact *h, const struct tree *tree)
{
	size_t np = u->np, i, r, j, *cnt = NULL, *first = NULL, *by = NULL;
	size_t *fill = NULL, ne;
	double *base = NULL, *g = NULL, *w0 = NULL, *el = NULL, *v = NULL;
	uint16_t *rk16 = NULL;   /* ranks, whole numbers: np × draws, on 16 */
	uint32_t *rk32 = NULL;   /* bits when they fit (np < 65,535), else 32 */
	uint64_t *keys = NULL;   /* impact__sort()'s scratch */
	impact__mt *rng = NULL;
	json_t *arr = json_array();
	sqlite3_stmt *st = NULL;
	struct fastscore fs;
	int fast = fastscore_fits(df);

	memset(&fs, 0, sizeof(fs));
	if (!arr) {
		impact__error(h, IMPACT_ENOMEM, "out of memory");
		return NULL;
	}
	if (np < 2 || draws == 0)
		return arr;
	cnt = calloc(np + 1, sizeof(size_t));
	first = calloc(np + 2, sizeof(size_t));
	fill = calloc(np + 1, sizeof(size_t));
	by = malloc((p->n + 1) * sizeof(size_t));
	base = malloc((np + 1) * sizeof(double));
	g = malloc((np + 1) * sizeof(double));
	el = malloc((np + 1) * sizeof(double));
	if (np < UINT16_MAX)
		rk16 = malloc((np * draws + 1) * sizeof(*rk16));
	else
		rk32 = malloc((np * draws + 1) * sizeof(*rk32));
	v = malloc((draws + 1) * sizeof(double));
	keys = malloc(2 * (np > draws ? np : draws) * sizeof(*keys));
	w0 = malloc((df->nd + 1) * sizeof(double));
	rng = malloc(sizeof(*rng));
	if (!cnt || !first || !fill || !by || !base || !g || !el
	    || !(rk16 || rk32) || !v
	    || !keys || !w0 || !rng)
		goto nomem;
	impact__mt_seed(rng, seed);
	for (j = 0; j < df->nd; j++)
		w0[j] = df->d[j].w;
	/* The persons of each place, in order. */
	for (i = 0; i < p->n; i++)
		first[p->stratum[i] + 1]++;
	for (i = 0; i < np; i++)
		first[i + 1] += first[i];
	for (i = 0; i < p->n; i++)
		by[first[p->stratum[i]] + fill[p->stratum[i]]++] = i;
	if (fast && fastscore_init(&fs, df, p, by) != 0)
		goto nomem;
	places_gnh(p, by, first, np, (1 - k) + 1e-9, cnt, base);
	for (r = 0; r < draws; r++) {
		double kk = 0.60 + 0.12 * impact__mt_uniform(rng);

		for (j = 0; j < df->nd; j++)
			df->d[j].w = w0[j] * (0.5 + impact__mt_uniform(rng));
		normalise(df);
		if (fast)
			fastscore_places(&fs, df, first, np, (1 - kk) + 1e-9, cnt,
			                 g);
		else {
			global_weights(df);
			score(df, p);
			places_gnh(p, by, first, np, (1 - kk) + 1e-9, cnt, g);
		}
		/* A place's rank: 1 + the places published (5 or more in the
		 * index) with a higher GNH; by binary search in their sorted
		 * values. */
		for (i = 0, ne = 0; i < np; i++)
			if (cnt[i] >= MIN_PUBLISHED && !isnan(g[i]))
				el[ne++] = g[i];
		impact__sort(el, ne, keys);
		for (i = 0; i < np; i++) {
			size_t lo = 0, hi = ne;

			if (isnan(g[i])) {
				rank_set(rk16, rk32, i * draws + r, 1);
				continue;
			}
			while (lo < hi) {   /* first value > g[i] */
				size_t mid = lo + (hi - lo) / 2;

				if (el[mid] > g[i])
					hi = mid;
				else
					lo = mid + 1;
			}
			rank_set(rk16, rk32, i * draws + r, 1 + ne - lo);
		}
	}
	/* Back to the weights used. */
	for (j = 0; j < df->nd; j++)
		df->d[j].w = w0[j];
	global_weights(df);
	score(df, p);
	if (!tree && sqlite3_prepare_v2(h->db, "SELECT code FROM places WHERE"
	                                " id = ?1;", -1, &st, NULL) != SQLITE_OK) {
		impact__db_error(h, "reading the places' codes");
		goto fail;
	}
	for (i = 0; i < np; i++) {
		const char *code = "?";

		if (cnt[i] < MIN_PUBLISHED)
			continue;   /* never ranked in public */
		for (r = 0; r < draws; r++)
			v[r] = rk16 ? rk16[i * draws + r] : rk32[i * draws + r];
		impact__sort(v, draws, keys);
		if (tree)
			code = tree_place_code(tree, u->places[i]);
		else {
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, u->places[i]);
			if (sqlite3_step(st) == SQLITE_ROW)
				code = (const char *)sqlite3_column_text(st, 0);
		}
		if (json_array_append_new(arr, json_pack("{s:s, s:f, s:f, s:f, "
		        "s:f}", "place", code, "gnh", base[i], "median_rank",
		        gsl_stats_median_from_sorted_data(v, 1, draws),
		        "rank_low", gsl_stats_quantile_from_sorted_data(v, 1,
		                                                       draws, 0.05),
		        "rank_high", gsl_stats_quantile_from_sorted_data(v, 1,
		                                                        draws, 0.95)))
		    != 0)
			goto nomem;
	}
	goto done;
nomem:
	impact__error(h, IMPACT_ENOMEM, "out of memory");
fail:
	json_decref(arr);
	arr = NULL;
done:
	sqlite3_finalize(st);
	fastscore_release(&fs);
	free(rng);
	free(cnt);
	free(first);
	free(fill);
	free(by);
	free(base);
	free(g);
	free(el);
	free(rk16);
	free(rk32);
	free(v);
	free(keys);
	free(w0);
	return arr;
}

/* ---------------------------------------------------------------- */
/* Subgroups                                                          */

/* One subgroup's figures as a JSON object. */
static json_t *subgroup(const struct pop *p, const size_t *idx, size_t n,
                        double k, const char *code, double total,
                        double one_minus)
{
	double g, hn, an, wsum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		wsum += p->w[idx[i]];
	gnh_of(p, idx, n, k, &g, &hn, &an);
	if (n < MIN_PUBLISHED)
		return json_pack("{s:s, s:I, s:b}", "code", code, "n",
		                 (json_int_t)n, "suppressed", 1);
	return json_pack("{s:s, s:I, s:f, s:f, s:f, s:f, s:b}", "code", code,
	                 "n", (json_int_t)n, "gnh", g, "h_n", hn, "a_n", an,
	                 "share_of_1_minus_gnh", one_minus > 0
	                 ? wsum / total * (1 - g) / one_minus : 0.0,
	                 "suppressed", 0);
}

/*
 * Group the persons idx[0..n) by group[i] (< ngroups, or -1 for none),
 * keeping their order: members of group c are out[first[c] ..
 * first[c + 1]); first has ngroups + 1 entries.  -1 when out of memory.
 */
static int group_persons(const size_t *idx, size_t n, const long *group,
                         size_t ngroups, size_t *first, size_t *out)
{
	size_t *cur = malloc((ngroups + 1) * sizeof(size_t)), i, c;

	if (!cur)
		return -1;
	memset(first, 0, (ngroups + 1) * sizeof(size_t));
	for (i = 0; i < n; i++)
		if (group[i] >= 0)
			first[group[i] + 1]++;
	for (c = 0; c < ngroups; c++)
		first[c + 1] += first[c];
	memcpy(cur, first, ngroups * sizeof(size_t));
	for (i = 0; i < n; i++)
		if (group[i] >= 0)
			out[cur[group[i]]++] = idx[i];
	free(cur);
	return 0;
}

/* Subgroups by the demographic role r (0..NROLES-1): one per code, in
 * the order codes first appear, members in idx order.  Codes are
 * interned, so equal codes are one pointer. */
static json_t *by_role(const struct pop *p, const size_t *idx, size_t n,
                       size_t r, double k, double total, double one_minus)
{
	json_t *arr = json_array();
	long *group = malloc((n + 1) * sizeof(long));
	size_t *first = NULL, *out = malloc((n + 1) * sizeof(size_t));
	const char **codes = malloc((n + 1) * sizeof(char *));
	size_t nslots = 64, ng = 0, i, *slot = NULL;

	while (nslots < 4 * (n + 1))
		nslots *= 2;
	slot = calloc(nslots, sizeof(size_t));
	if (!arr || !group || !out || !codes || !slot)
		goto fail;
	for (i = 0; i < n; i++) {
		const char *c = pop_demo(p, idx[i], r, 0);
		size_t s;

		group[i] = -1;
		if (!c)
			continue;
		s = ((size_t)(uintptr_t)c >> 4) * 2654435761u & (nslots - 1);
		while (slot[s] && codes[slot[s] - 1] != c)
			s = (s + 1) & (nslots - 1);
		if (!slot[s]) {
			codes[ng] = c;
			slot[s] = ++ng;
		}
		group[i] = (long)slot[s] - 1;
	}
	if (!(first = malloc((ng + 1) * sizeof(size_t)))
	    || group_persons(idx, n, group, ng, first, out) != 0)
		goto fail;
	for (i = 0; i < ng; i++)
		json_array_append_new(arr, subgroup(p, out + first[i],
		                                    first[i + 1] - first[i], k,
		                                    codes[i], total, one_minus));
	free(group);
	free(first);
	free(out);
	free(codes);
	free(slot);
	return arr;
fail:
	free(group);
	free(first);
	free(out);
	free(codes);
	free(slot);
	json_decref(arr);
	return NULL;
}

/* ---------------------------------------------------------------- */
/* Computing and storing units                                        */

/*
 * What raking a unit's population gave, kept for the change of the next
 * period, which rakes the same persons to the same margins again (and, to
 * the same weights, bit for bit).
 */
struct rake_memo {
	int state;               /* 0 unknown, 1 raked, 2 impossible, 3 no
	                            margins */
	struct vcodes w;         /* 1: the weights, n of them (a raked
	                            weight is one per demographic cell) */
	size_t n;
	char *msg;               /* 2: the error message (owned) */
};

static void memo_release(struct rake_memo *m)
{
	vcodes_release(&m->w);
	free(m->msg);
	memset(m, 0, sizeof(*m));
}

/* Keep p's weights in m; -1 when out of memory. */
static int memo_weights(struct rake_memo *m, const struct pop *p)
{
	size_t i;

	if (vcodes_init(&m->w) != 0 || vcodes_resize(&m->w, p->n) != 0)
		return -1;
	vcodes_clear(&m->w, 0, p->n);
	for (i = 0; i < p->n; i++)
		if (vcodes_set(&m->w, i, p->w[i], p->n, p->n) != 0)
			return -1;
	m->n = p->n;
	return 0;
}

/* What every unit of one computation shares. */
struct ctx {
	impact *h;
	struct def df;           /* the index definition */
	struct qmap m;           /* its questions, the database's questions */
	struct tree *tree;       /* every place and territory, or NULL */
	const struct store *now; /* the unit's period (set per unit) */
	const struct store *before; /* the previous period's, or NULL: read
	                            the unit's from the database */
	sqlite3_stmt *delp, *delt, *ins, *doc; /* store()'s statements */
	struct rake_memo *save;  /* where the unit's raking is kept, or NULL */
	const struct rake_memo *use; /* its previous period's, or NULL */
	int boot_here;           /* draw the bootstrap on this thread */
};

/* What compute_unit() gives for one unit, for unit_write(). */
struct unit_out {
	char *json;              /* the document (owned), or NULL */
	int has_gnh;             /* published: GNH, H_n and A_n too */
	size_t n;
	double v[3], lo[3], hi[3]; /* GNH, H_n, A_n and their intervals */
};

static void out_release(struct unit_out *o)
{
	free(o->json);
	memset(o, 0, sizeof(*o));
}

static void ctx_release(struct ctx *c)
{
	sqlite3_finalize(c->delp);
	sqlite3_finalize(c->delt);
	sqlite3_finalize(c->ins);
	sqlite3_finalize(c->doc);
	qmap_release(&c->m);
	def_release(&c->df);
}

/* Store GNH, H_n and A_n of the unit in `results`. */
static int store(struct ctx *c, const struct unit *u, int period, size_t n,
                 const double v[3], const double lo[3], const double hi[3])
{
	static const char *const measures[3] = { "gnh", "gnh_h", "gnh_a" };
	impact *h = c->h;
	sqlite3_stmt *del, *ins;
	char now[32];
	int rc = IMPACT_OK, m;

	impact__utc_now(now, sizeof(now));
	/* One statement per kind of unit: prepared once per computation. */
	if (!c->ins && (rc = impact__prepare(h, &c->ins, "INSERT INTO results"
	                             " (period, place_id, territory_id,"
	                             " measure, value, n, ci_low, ci_high,"
	                             " computed_at) VALUES (?1, ?2, ?3, ?4,"
	                             " ?5, ?6, ?7, ?8, ?9);")) != 0)
		return rc;
	/* The coalesce() terms let SQLite use results_key (a row has
	 * exactly one of place_id and territory_id): the same rows. */
	if (!c->delp && (rc = impact__prepare(h, &c->delp, "DELETE FROM"
	                             " results WHERE period = ?1 AND"
	                             " coalesce(place_id, 0) = ?2 AND"
	                             " coalesce(territory_id, 0) = 0 AND"
	                             " measure = ?3 AND place_id = ?2;")) != 0)
		return rc;
	if (!c->delt && (rc = impact__prepare(h, &c->delt, "DELETE FROM"
	                             " results WHERE period = ?1 AND"
	                             " coalesce(place_id, 0) = 0 AND"
	                             " coalesce(territory_id, 0) = ?2 AND"
	                             " measure = ?3 AND territory_id = ?2;"))
	    != 0)
		return rc;
	del = u->is_place ? c->delp : c->delt;
	ins = c->ins;
	for (m = 0; m < 3; m++) {
		sqlite3_reset(del);
		sqlite3_bind_int(del, 1, period);
		sqlite3_bind_int64(del, 2, u->id);
		sqlite3_bind_text(del, 3, measures[m], -1, SQLITE_STATIC);
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
		sqlite3_bind_int(ins, 1, period);
		sqlite3_bind_int64(ins, u->is_place ? 2 : 3, u->id);
		sqlite3_bind_text(ins, 4, measures[m], -1, SQLITE_STATIC);
		sqlite3_bind_double(ins, 5, v[m]);
		sqlite3_bind_int64(ins, 6, (long long)n);
		if (!isnan(lo[m])) {
			sqlite3_bind_double(ins, 7, lo[m]);
			sqlite3_bind_double(ins, 8, hi[m]);
		}
		sqlite3_bind_text(ins, 9, now, -1, SQLITE_STATIC);
		if (sqlite3_step(del) != SQLITE_DONE
		    || sqlite3_step(ins) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing the index");
			break;
		}
	}
	sqlite3_reset(del);
	sqlite3_reset(ins);
	return rc;
}

/*
 * Store the whole document in `index_results` (the reports read it),
 * with its "gnh" (when it has one) as the document gives it: printed
 * with 10 significant digits and read back, as jansson does both.
 */
static int store_document(struct ctx *c, const struct unit *u, int period,
                          size_t n, const char *doc, int has_gnh,
                          double gnh)
{
	impact *h = c->h;
	sqlite3_stmt *st;
	char now[32];
	int rc = IMPACT_OK;

	impact__utc_now(now, sizeof(now));
	if (!c->doc && (rc = impact__prepare(h, &c->doc, "INSERT OR REPLACE"
	                     " INTO index_results (index_id, period,"
	                     " place_id, territory_id, gnh, n, document,"
	                     " computed_at) SELECT id, ?2, ?3, ?4, ?5, ?6, ?7,"
	                     " ?8 FROM index_definitions WHERE code = ?1;"))
	    != IMPACT_OK)
		return rc;
	st = c->doc;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, c->df.code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, period);
	sqlite3_bind_int64(st, u->is_place ? 3 : 4, u->id);
	if (has_gnh) {
		json_t *a = json_pack("[f]", gnh), *b = NULL;
		char *t = a ? json_dumps(a, JSON_REAL_PRECISION(10)) : NULL;

		b = t ? json_loads(t, 0, NULL) : NULL;
		free(t);
		json_decref(a);
		if (!b)
			return impact__error(h, IMPACT_ENOMEM, "out of memory");
		sqlite3_bind_double(st, 5, json_number_value(json_array_get(b,
		                                                            0)));
		json_decref(b);
	}
	sqlite3_bind_int64(st, 6, (long long)n);
	sqlite3_bind_text(st, 7, doc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = impact__db_error(h, "storing the index");
	sqlite3_reset(st);
	return rc;
}

/* The latest period before `before` (or any, when 0) with respondents in
 * the unit's places; 0 when none. */
static int period_of(impact *h, const struct unit *u, int before, int *out)
{
	sqlite3_stmt *st = NULL;
	char *list = id_list(u->places, u->np);
	int rc;

	*out = 0;
	if (!list)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	rc = impact__prepare(h, &st, "SELECT max(period) FROM respondents"
	                     " WHERE place_id IN (SELECT value FROM"
	                     " json_each(?1)) AND (?2 = 0 OR period < ?2);");
	if (rc == IMPACT_OK) {
		sqlite3_bind_text(st, 1, list, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, before);
		if (sqlite3_step(st) == SQLITE_ROW)
			*out = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	free(list);
	return rc;
}

/*
 * Load, weight and score the unit's population of one period, from the
 * store `sto` (the period's, or the unit's).  What raking gave goes to
 * *save when not NULL; with *use (the same unit, persons and margins,
 * raked before), raking is not done again but its outcome taken.
 */
static int prepare(struct ctx *c, const struct unit *u,
                   const struct store *sto, const impact_index_opts *o,
                   struct pop *p, json_t *info, struct rake_memo *save,
                   const struct rake_memo *use)
{
	impact *h = c->h;
	struct def *df = &c->df;
	const char *note = NULL;
	int scheme = o->weights ? o->weights : df->scheme, rc;

	if ((rc = pop_from_store(h, df, &c->m, sto, u->places, u->np, p)) != 0)
		return rc;
	if (use && !(use->state == 1 && use->n == p->n) && use->state != 2
	    && use->state != 3)
		use = NULL;
	if (o->rake) {
		impact_rake_report rep;
		int found = 0;

		if (use && use->state == 1) {
			size_t i;

			for (i = 0; i < p->n; i++)
				p->w[i] = vcodes_get(&use->w, i);
			rc = IMPACT_OK;
			found = 1;
		} else if (use && use->state == 2) {
			rc = impact__error(h, IMPACT_EDATA, "%s", use->msg);
		} else if (use) {
			rc = IMPACT_OK;
		} else {
			rc = rake(h, p, (const char *const *)u->terrs, u->nterr,
			          &found, &rep, info);
			if (save && rc == IMPACT_OK) {
				memo_release(save);
				save->state = found ? 1 : 3;
				if (found && memo_weights(save, p) != 0)
					save->state = 0;   /* raked again */
			} else if (save && rc == IMPACT_EDATA) {
				memo_release(save);
				if ((save->msg = strdup(impact_errmsg(h))))
					save->state = 2;
			}
		}
		if (rc == IMPACT_EDATA && o->rake == IMPACT_RAKE_WHEN_MARGINS) {
			/* Raking impossible for this unit: unweighted, said. */
			size_t i;

			for (i = 0; i < p->n; i++)
				p->w[i] = 1;
			json_object_clear(info);
			json_object_set_new(info, "unweighted", json_true());
			json_object_set_new(info, "raking_skipped",
			                    json_string(impact_errmsg(h)));
			impact__clear_error(h);
			rc = IMPACT_OK;
			found = 1;
		}
		if (rc != IMPACT_OK)
			return rc;
		if (!found && o->rake == IMPACT_RAKE_WHEN_MARGINS)
			json_object_set_new(info, "unweighted", json_true());
		else if (!found)
			return impact__error(h, IMPACT_ENOTFOUND, "no population "
			                     "margins for \"%s\" or the territories "
			                     "above it: import them with 'impact "
			                     "import margins FILE'", u->code);
	}
	rc = set_weights(h, df, p, scheme, (const char *const *)u->terrs,
	                 u->nterr, &note);
	if (note)
		json_object_set_new(info, "note", json_string(note));
	return rc;
}

/*
 * The index of unit cu for `period` into *res: its JSON document
 * (docs/index.md) and figures, for unit_write().  cx->now holds the
 * period's persons (the unit's at least); `before` is the previous
 * period with respondents in the unit (0: none), whose persons are
 * cx->before when it holds that period, else read here (interning into
 * cx->m: never while another thread computes a unit).  Writes nothing:
 * units can be computed on several threads, each with a ctx of its own.
 */
static int compute_unit(struct ctx *cx, const impact_index_opts *opts,
                        const struct unit *cu, int period, int before,
                        struct unit_out *res)
{
	static const char *const scheme_names[] = { "defined", "equal",
	                                            "territory", "participatory",
	                                            "pca" };
	impact *h = cx->h;
	struct def *dfp = &cx->df;
	struct pop p, prev;
	struct store own;
	struct boot_job bj;
	json_t *out = NULL, *info = NULL, *obj;
	size_t *idx = NULL, n = 0, i, j, reps;
	double *g = NULL, *hn = NULL, *an = NULL, *graw = NULL, gnh = NAN,
	       h_n, a_n, lo[3], hi[3], total = 0, one_minus;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&bj, 0, sizeof(bj));
	memset(&p, 0, sizeof(p));
	memset(&prev, 0, sizeof(prev));
	memset(&own, 0, sizeof(own));
	reps = opts->replicates ? opts->replicates : 1000;
	info = json_object();
	if (!info)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	if ((rc = prepare(cx, cu, cx->now, opts, &p, info, cx->save, NULL))
	    != IMPACT_OK)
		goto done;
	idx = malloc((p.n + 1) * sizeof(size_t));
	g = malloc((reps + 1) * sizeof(double));
	graw = malloc((reps + 1) * sizeof(double));
	hn = malloc((reps + 1) * sizeof(double));
	an = malloc((reps + 1) * sizeof(double));
	out = json_object();
	if (!idx || !g || !graw || !hn || !an || !out) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	n = members(&p, idx);
	json_object_set_new(out, "index", json_string(dfp->code));
	json_object_set_new(out, "period", json_integer(period));
	json_object_set_new(out, "unit_kind", json_string(cu->is_place ? "place"
	                                                  : "territory"));
	json_object_set_new(out, "unit_code", json_string(cu->code));
	json_object_set_new(out, "unit_name", json_string(cu->name));
	json_object_set_new(out, "cutoff", json_real(dfp->cutoff));
	json_object_set_new(out, "n", json_integer((json_int_t)n));
	json_object_set_new(out, "incomplete",
	                    json_integer((json_int_t)(p.n - n)));
	json_object_del(info, "unweighted");
	if (json_object_get(info, "raking_skipped"))
		json_object_set(out, "raking_skipped",
		                json_object_get(info, "raking_skipped"));
	json_object_set_new(out, "weighted", json_boolean(opts->rake
	                    && json_object_get(info, "iterations")));
	if (opts->rake && json_object_get(info, "iterations"))
		json_object_set_new(out, "raking", json_incref(info));
	if (n < MIN_PUBLISHED) {
		json_object_set_new(out, "suppressed", json_true());
		json_object_set_new(out, "reason", json_string("n < 5"));
		goto dump;
	}
	json_object_set_new(out, "suppressed", json_false());
	gnh_of(&p, idx, n, dfp->cutoff, &gnh, &h_n, &a_n);
	for (i = 0; i < n; i++)
		total += p.w[idx[i]];
	one_minus = 1 - gnh;
	json_object_set_new(out, "gnh", json_real(gnh));
	json_object_set_new(out, "h_n", json_real(h_n));
	json_object_set_new(out, "a_n", json_real(a_n));
	/* Bootstrap: drawn on a thread of its own while the rest of the
	 * document is computed (its inputs are copied first: ranks()
	 * rescores p), its intervals set in their place ("ci") when it is
	 * done. */
	if (boot_prepare(&bj, &p, idx, n, dfp->cutoff, reps, opts->seed, g,
	                 hn, an) != 0) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if (cx->boot_here) {
		boot_draw(&bj);
		boot_release(&bj);   /* its copies, before ranks() needs room */
	} else
		boot_start(&bj);
	json_object_set_new(out, "ci", json_null());
	/* The distribution of the weighted sufficiency scores. */
	{
		double *sv = malloc((n + 1) * sizeof(double));
		double *sw = malloc((n + 1) * sizeof(double));
		double *work = malloc((2 * n + 1) * sizeof(double));

		if (!sv || !sw || !work) {
			free(sv);
			free(sw);
			free(work);
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < n; i++) {
			sv[i] = p.s[idx[i]];
			sw[i] = p.w[idx[i]];
		}
		json_object_set_new(out, "scores", json_pack("{s:f, s:f, s:f, "
		        "s:f, s:f}", "mean", impact_stats_wmean(sw, 1, sv, 1, n),
		        "sd", impact_stats_wsd(sw, 1, sv, 1, n), "q25",
		        impact_stats_wquantile(sw, sv, n, 0.25, work), "median",
		        impact_stats_wquantile(sw, sv, n, 0.5, work), "q75",
		        impact_stats_wquantile(sw, sv, n, 0.75, work)));
		free(sv);
		free(sw);
		free(work);
	}
	/* Groups. */
	{
		double gw[4] = { 0, 0, 0, 0 };

		for (i = 0; i < n; i++) {
			double s = p.s[idx[i]], w = p.w[idx[i]];

			gw[s >= 0.77 - 1e-9 ? 0 : s >= 0.66 - 1e-9 ? 1
			   : s >= 0.50 - 1e-9 ? 2 : 3] += w;
		}
		json_object_set_new(out, "groups", json_pack("{s:f, s:f, s:f, "
		                    "s:f}", "deeply", gw[0] / total,
		                    "extensively", gw[1] / total, "narrowly",
		                    gw[2] / total, "unhappy", gw[3] / total));
	}
	/* Decomposition by indicator and domain. */
	{
		double *cj = calloc(dfp->ni + 1, sizeof(double));
		double *scores = malloc((p.n * dfp->nd + 1) * sizeof(double));
		double *items, *corr = malloc((dfp->nd * dfp->nd + 1)
		                              * sizeof(double));
		json_t *darr = json_array(), *iarr = json_array();
		size_t most = 0;   /* indicators in the largest domain */

		for (j = 0; j < dfp->nd; j++)
			most = dfp->d[j].nind > most ? dfp->d[j].nind : most;
		items = malloc((n * most + 1) * sizeof(double));
		if (!cj || !scores || !items || !corr || !darr || !iarr) {
			free(cj);
			free(scores);
			free(items);
			free(corr);
			json_decref(darr);
			json_decref(iarr);
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < n; i++) {
			size_t x = idx[i];
			double seen;

			if (!(p.s[x] < dfp->cutoff - 1e-9))
				continue;   /* happy */
			/* Weights as the last score() set them (the same
			 * indicator weights since). */
			seen = observed_weight(dfp, &p, x);
			for (j = 0; j < dfp->ni; j++) {
				size_t k = x * dfp->ni + j;

				cj[j] += p.w[x] * person_weight(dfp, &p, k, j, seen)
				         * (1 - pop_suff(&p, k));
			}
		}
		for (j = 0; j < dfp->ni; j++) {
			cj[j] /= total;
			json_array_append_new(iarr, json_pack("{s:s, s:s, s:f, s:f, "
			        "s:f, s:f}", "id", dfp->ind[j].id, "domain",
			        dfp->d[dfp->ind[j].domain].id, "weight", dfp->ind[j].w,
			        "threshold", dfp->ind[j].threshold, "contribution",
			        cj[j], "share", one_minus > 0 ? cj[j] / one_minus
			                                      : 0.0));
		}
		domain_scores(dfp, &p, scores);
		for (j = 0; j < dfp->nd; j++) {
			double c = 0, alpha = NAN;
			size_t k, nk = 0, m = 0;

			for (k = 0; k < dfp->ni; k++)
				if (dfp->ind[k].domain == j) {
					c += cj[k];
					nk++;
				}
			if (nk >= 2) {
				for (i = 0; i < n; i++) {
					size_t x = idx[i], col = 0;
					int all = 1;

					for (k = 0; k < dfp->ni; k++)
						if (dfp->ind[k].domain == j
						    && !pop_obs(dfp, &p,
						                x * dfp->ni + k, k))
							all = 0;
					if (!all)
						continue;
					for (k = 0; k < dfp->ni; k++)
						if (dfp->ind[k].domain == j)
							items[m * nk + col++]
							        = pop_suff(&p,
							                x * dfp->ni + k);
					m++;
				}
				alpha = impact_stats_cronbach_alpha(items, m, nk);
			}
			obj = json_pack("{s:s, s:s, s:s, s:f, s:f, s:f}", "id",
			                dfp->d[j].id, "label", dfp->d[j].label_fr
			                ? dfp->d[j].label_fr : "", "label_en",
			                dfp->d[j].label_en ? dfp->d[j].label_en
			                : dfp->d[j].label_fr ? dfp->d[j].label_fr : "",
			                "weight", dfp->d[j].w,
			                "contribution", c, "share", one_minus > 0
			                ? c / one_minus : 0.0);
			{
				/* The domain's sufficiency: the weighted mean of the
				 * persons' domain scores (those observed in it). */
				double num = 0, den = 0;

				for (i = 0; i < n; i++) {
					double sc = scores[idx[i] * dfp->nd + j];

					if (!isnan(sc)) {
						num += p.w[idx[i]] * sc;
						den += p.w[idx[i]];
					}
				}
				json_object_set_new(obj, "score", den > 0
				                    ? json_real(num / den)
				                    : json_null());
			}
			json_object_set_new(obj, "alpha", isnan(alpha) ? json_null()
			                    : json_real(alpha));
			json_object_set_new(obj, "alpha_low", isnan(alpha)
			                    ? json_null()
			                    : json_boolean(alpha < ALPHA_LOW));
			json_array_append_new(darr, obj);
		}
		json_object_set_new(out, "domains", darr);
		json_object_set_new(out, "indicators", iarr);
		/* Correlations of the domain scores (persons with all), their
		 * rows moved to the front of scores, in idx order (idx[i] >=
		 * i: no row is overwritten before it is moved). */
		{
			size_t m = 0;
			json_t *ids_ = json_array(), *mat = json_array();

			for (i = 0; i < n; i++) {
				int all = 1;

				for (j = 0; j < dfp->nd; j++)
					if (isnan(scores[idx[i] * dfp->nd + j]))
						all = 0;
				if (all)
					memmove(scores + m++ * dfp->nd,
					        scores + idx[i] * dfp->nd,
					        dfp->nd * sizeof(double));
			}
			if (m >= 2 && impact_stats_correlation_matrix(corr, scores, m,
			                                              dfp->nd) == 0) {
				for (j = 0; j < dfp->nd; j++) {
					json_t *row = json_array();
					size_t k;

					json_array_append_new(ids_,
					                      json_string(dfp->d[j].id));
					for (k = 0; k < dfp->nd; k++) {
						double c = corr[j * dfp->nd + k];

						json_array_append_new(row, isnan(c)
						                      ? json_null()
						                      : json_real(c));
					}
					json_array_append_new(mat, row);
				}
			}
			json_object_set_new(out, "correlations", json_pack("{s:o, "
			                    "s:o}", "domains", ids_, "matrix", mat));
		}
		free(corr);
		free(cj);
		free(items);
		free(scores);
	}
	/* Subgroups: by place (in the unit's order), by territory directly
	 * under the unit (persons of its places), by demographic role;
	 * members in idx order. */
	obj = json_object();
	{
		json_t *pl = json_array(), *te = json_array();
		size_t *sub = malloc((n + 1) * sizeof(size_t)), s, ch;
		size_t *first = malloc((cu->np + cu->nchildren + 2)
		                       * sizeof(size_t));
		long *grp = malloc((n + 1) * sizeof(long));
		long *child_of = malloc((cu->np + 1) * sizeof(long));
		sqlite3_stmt *st = NULL;

		if (!sub || !pl || !te || !first || !grp || !child_of) {
			free(sub);
			free(first);
			free(grp);
			free(child_of);
			json_decref(pl);
			json_decref(te);
			json_decref(obj);
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < n; i++)
			grp[i] = (long)p.stratum[idx[i]];
		if ((cx->tree || sqlite3_prepare_v2(h->db, "SELECT code FROM"
		     " places WHERE id = ?1;", -1, &st, NULL) == SQLITE_OK)
		    && group_persons(idx, n, grp, cu->np, first, sub) == 0) {
			for (s = 0; s < cu->np; s++) {
				size_t m = first[s + 1] - first[s];
				const char *code = NULL;

				if (!m)
					continue;
				if (cx->tree)
					code = tree_place_code(cx->tree,
					                       cu->places[s]);
				else {
					sqlite3_reset(st);
					sqlite3_bind_int64(st, 1, cu->places[s]);
					if (sqlite3_step(st) == SQLITE_ROW)
						code = (const char *)
						       sqlite3_column_text(st, 0);
				}
				if (code)
					json_array_append_new(pl, subgroup(&p,
					        sub + first[s], m, dfp->cutoff, code,
					        total, one_minus));
			}
		}
		sqlite3_finalize(st);
		st = NULL;
		/* Which child territory each place of the unit is under. */
		for (s = 0; s < cu->np; s++)
			child_of[s] = -1;
		for (ch = 0; ch < cu->nchildren; ch++) {
			long long *under = NULL;
			size_t nu = 0, q;
			long ti = cx->tree ? t_index(cx->tree, cu->children[ch]) : -1;

			if (cx->tree) {
				if (ti < 0 || tree_places(cx->tree, (size_t)ti) != 0)
					continue;
				under = cx->tree->t[ti].places;
				nu = cx->tree->t[ti].np;
			} else if (ids(h, "WITH RECURSIVE below(id) AS (SELECT ?1"
			               " UNION SELECT t.id FROM territories t JOIN"
			               " below b ON t.parent_id = b.id) SELECT p.id"
			               " FROM places p WHERE p.territory_id IN"
			               " below;", cu->children[ch], &under, &nu)
			           != IMPACT_OK)
				continue;
			/* cu->places ascend (they are the places below the
			 * unit, by id): find each by bisection. */
			for (q = 0; q < nu; q++) {
				long long *f = bsearch(&under[q], cu->places, cu->np,
				                       sizeof(long long), cmp_ll);

				if (f)
					child_of[f - cu->places] = (long)ch;
			}
			if (!cx->tree)
				free(under);
		}
		for (i = 0; i < n; i++)
			grp[i] = child_of[p.stratum[idx[i]]];
		if (group_persons(idx, n, grp, cu->nchildren, first, sub) == 0)
			for (ch = 0; ch < cu->nchildren; ch++) {
				size_t m = first[ch + 1] - first[ch];
				char code[128] = "?";

				if (cx->tree) {
					long ti = t_index(cx->tree, cu->children[ch]);

					if (ti >= 0)
						snprintf(code, sizeof(code), "%s",
						         cx->tree->t[ti].code);
				} else if (sqlite3_prepare_v2(h->db, "SELECT code"
				           " FROM territories WHERE id = ?1;", -1,
				           &st, NULL) == SQLITE_OK) {
					sqlite3_bind_int64(st, 1, cu->children[ch]);
					if (sqlite3_step(st) == SQLITE_ROW)
						snprintf(code, sizeof(code), "%s",
						         sqlite3_column_text(st, 0));
					sqlite3_finalize(st);
					st = NULL;
				}
				if (m)
					json_array_append_new(te, subgroup(&p,
					        sub + first[ch], m, dfp->cutoff, code,
					        total, one_minus));
			}
		json_object_set_new(obj, "place", pl);
		json_object_set_new(obj, "territory", te);
		json_object_set_new(obj, "sex", by_role(&p, idx, n, 0, dfp->cutoff,
		                                        total, one_minus));
		json_object_set_new(obj, "age_band", by_role(&p, idx, n, 1,
		                                             dfp->cutoff, total,
		                                             one_minus));
		json_object_set_new(obj, "commune", by_role(&p, idx, n, 2,
		                                            dfp->cutoff, total,
		                                            one_minus));
		free(sub);
		free(first);
		free(grp);
		free(child_of);
	}
	json_object_set_new(out, "subgroups", obj);
	/* Weights used. */
	obj = json_object();
	for (j = 0; j < dfp->nd; j++)
		json_object_set_new(obj, dfp->d[j].id, json_real(dfp->d[j].w));
	json_object_set_new(out, "weights_used", json_pack("{s:s, s:o}",
	                    "scheme", scheme_names[opts->weights ? opts->weights
	                                           : dfp->scheme], "domains",
	                    obj));
	if (json_object_get(info, "note"))
		json_object_set(out, "note", json_object_get(info, "note"));
	/* Poverty form. */
	if (opts->poverty) {
		impact__af m;

		impact__af_measure(&m, p.d, p.w, idx, n, 1.0 / 3, 0);
		json_object_set_new(out, "poverty", json_pack("{s:f, s:f, s:f, "
		                    "s:f}", "cutoff", 1.0 / 3, "h", m.h, "a", m.a,
		                    "m0", m.m0));
	}
	/* Rank robustness of the places under a territory. */
	if (!cu->is_place) {
		json_t *rk = ranks(dfp, &p, cu, opts->robustness, opts->seed,
		                   dfp->cutoff, h, cx->tree);

		if (!rk) {
			rc = impact_errcode(h);
			goto done;
		}
		json_object_set_new(out, "ranks", rk);
	}
	boot_wait(&bj);
	{
		double *cg = malloc((reps + 1) * sizeof(double));

		if (!cg) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(cg, g, reps * sizeof(double));
		/* Kept for the change's interval: the same replicates. */
		memcpy(graw, g, reps * sizeof(double));
		percentile(cg, reps, &lo[0], &hi[0]);
		free(cg);
	}
	percentile(hn, reps, &lo[1], &hi[1]);
	percentile(an, reps, &lo[2], &hi[2]);
	json_object_set_new(out, "ci", json_pack("{s:[f,f], s:[f,f], s:[f,f]}",
	                    "gnh", lo[0], hi[0], "h_n", lo[1], hi[1], "a_n",
	                    lo[2], hi[2]));
	/* This period's persons are no longer read: given back before the
	 * previous period's are built (the national unit holds every
	 * person of both). */
	boot_release(&bj);
	pop_release(&p);
	/* Change from the previous period. */
	if (before) {
		json_t *pinfo = json_object();
		size_t *pidx = NULL, pn;
		double pg, ph, pa, *g2 = NULL, *h2 = NULL, *a2 = NULL, clo, chi;
		const struct store *bs = cx->before;
		/* Weighted as this period was: raked only if this period
		 * was, and no change when that period cannot be. */
		impact_index_opts popts = *opts;

		popts.rake = json_is_true(json_object_get(out, "weighted"));
		if (!bs || bs->period != before) {
			rc = store_load(h, &cx->m, before, cu->places, cu->np, &own);
			bs = &own;
		}
		if (rc == IMPACT_OK)
			rc = pinfo ? prepare(cx, cu, bs, &popts, &prev, pinfo, NULL,
			                     bs == cx->before ? cx->use : NULL)
			           : IMPACT_ENOMEM;
		json_decref(pinfo);
		if (rc == IMPACT_EDATA || rc == IMPACT_ENOTFOUND) {
			json_object_set_new(out, "change_skipped",
			                    json_string(impact_errmsg(h)));
			impact__clear_error(h);
			rc = IMPACT_OK;
			before = 0;
		}
		if (rc != IMPACT_OK)
			goto done;
		pidx = malloc((prev.n + 1) * sizeof(size_t));
		g2 = malloc((reps + 1) * sizeof(double));
		h2 = malloc((reps + 1) * sizeof(double));
		a2 = malloc((reps + 1) * sizeof(double));
		if (before && pidx && g2 && h2 && a2) {
			pn = members(&prev, pidx);
			if (pn >= MIN_PUBLISHED
			    && bootstrap(&prev, pidx, pn, dfp->cutoff, reps,
			                 opts->seed + 1, g2, h2, a2) == 0) {
				gnh_of(&prev, pidx, pn, dfp->cutoff, &pg, &ph, &pa);
				/* This period's replicates, as first drawn. */
				for (i = 0; i < reps; i++)
					g[i] = graw[i] - g2[i];
				percentile(g, reps, &clo, &chi);
				json_object_set_new(out, "change", json_pack("{s:i, "
				        "s:f, s:f, s:[f,f]}", "previous_period",
				        before, "previous_gnh", pg, "change",
				        gnh - pg, "ci", clo, chi));
			}
		}
		free(pidx);
		free(g2);
		free(h2);
		free(a2);
	}
	res->has_gnh = 1;
	res->v[0] = gnh;
	res->v[1] = h_n;
	res->v[2] = a_n;
	memcpy(res->lo, lo, sizeof(lo));
	memcpy(res->hi, hi, sizeof(hi));
dump:
	res->n = n;
	res->json = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER
	                       | JSON_REAL_PRECISION(10));
	rc = res->json ? IMPACT_OK : impact__error(h, IMPACT_ENOMEM,
	                                           "out of memory");
done:
	boot_wait(&bj);          /* before its replicates are freed */
	boot_release(&bj);
	json_decref(out);
	json_decref(info);
	free(idx);
	free(g);
	free(graw);
	free(hn);
	free(an);
	pop_release(&p);
	pop_release(&prev);
	store_release(&own);
	return rc;
}

/* Store what compute_unit() gave for unit u: GNH, H_n and A_n in
 * `results` when published, and the document in `index_results`. */
static int unit_write(struct ctx *c, const struct unit *u, int period,
                      const struct unit_out *o)
{
	int rc = IMPACT_OK;

	if (o->has_gnh)
		rc = store(c, u, period, o->n, o->v, o->lo, o->hi);
	if (rc == IMPACT_OK)
		rc = store_document(c, u, period, o->n, o->json, o->has_gnh,
		                    o->v[0]);
	return rc;
}

/* The periods with respondents (or only `period`), oldest first. */
static int periods_of(impact *h, int period, int **out, size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	size_t n = 0, cap = 0;
	int rc, *v = NULL;

	*out = NULL;
	*out_n = 0;
	if ((rc = impact__prepare(h, &st, "SELECT DISTINCT period FROM"
	                          " respondents WHERE ?1 = 0 OR period = ?1"
	                          " ORDER BY period;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_int(st, 1, period);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			int *nv = realloc(v, (cap = cap ? 2 * cap : 8) * sizeof(int));

			if (!nv) {
				free(v);
				sqlite3_finalize(st);
				return impact__error(h, IMPACT_ENOMEM, "out of memory");
			}
			v = nv;
		}
		v[n++] = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return impact__db_error(h, "listing the periods");
	}
	*out = v;
	*out_n = n;
	return IMPACT_OK;
}

/* Load the definition and the question maps into c. */
static int ctx_init(struct ctx *c, impact *h, const char *index)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->h = h;
	if ((rc = def_load(h, index, &c->df)) != IMPACT_OK)
		return rc;
	return qmap_load(h, &c->df, &c->m);
}

int impact_index_compute(impact *h, const impact_index_opts *opts,
                         char **out_json)
{
	impact_index_opts defaults = IMPACT_INDEX_OPTS_INIT;
	struct ctx c;
	struct unit u;
	struct store now;
	int rc, period, before = 0;

	assert(h && out_json);
	impact__clear_error(h);
	*out_json = NULL;
	if (!opts)
		opts = &defaults;
	memset(&c, 0, sizeof(c));
	memset(&u, 0, sizeof(u));
	memset(&now, 0, sizeof(now));
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (opts->place && opts->territory)
		return impact__error(h, IMPACT_EUSAGE, "give a place or a "
		                     "territory, not both");
	if (opts->weights < 0 || opts->weights > IMPACT_WEIGHTS_PCA)
		return impact__error(h, IMPACT_EUSAGE, "unknown weighting scheme");
	if ((rc = def_load(h, opts->index, &c.df)) != IMPACT_OK
	    || (rc = unit_load(h, opts, &u)) != IMPACT_OK)
		goto done;
	c.h = h;
	period = opts->period;
	if (!period && (rc = period_of(h, &u, 0, &period)) != IMPACT_OK)
		goto done;
	if (!period) {
		rc = impact__error(h, IMPACT_ENOTFOUND, "no answers for \"%s\": "
		                   "import some first", u.code);
		goto done;
	}
	if ((rc = qmap_load(h, &c.df, &c.m)) != IMPACT_OK
	    || (rc = store_load(h, &c.m, period, u.places, u.np, &now))
	       != IMPACT_OK
	    || (rc = period_of(h, &u, period, &before)) != IMPACT_OK)
		goto done;
	c.now = &now;
	{
		struct unit_out res;

		rc = compute_unit(&c, opts, &u, period, before, &res);
		if (rc == IMPACT_OK && opts->store)
			rc = unit_write(&c, &u, period, &res);
		if (rc == IMPACT_OK) {
			*out_json = res.json;
			res.json = NULL;
		}
		out_release(&res);
	}
done:
	store_release(&now);
	unit_release(&u);
	ctx_release(&c);
	return rc;
}

/* A unit to compute: kind, its index in the tree, period, and the
 * latest earlier period with respondents in it (0: none). */
struct planned {
	int is_place;
	size_t node;            /* index in tree.p or tree.t */
	int period, before;
};

/*
 * The units of one period, computed on impact__threads() threads and
 * stored on this one, in their order.  Each computing thread has a
 * context of its own (its copy of the definition, whose weights each
 * unit sets, and of the handle, for its errors); they share the
 * period's persons, the tree (every territory's places listed before)
 * and the raking memos (one slot per unit).  A unit whose previous
 * period is not the one held reads it from the database, interning into
 * the shared question map: those are computed first, alone.  At most
 * `window` units are computed ahead of the next one to store, so few
 * documents wait in memory; the documents and rows are those of one
 * thread, in the same order.
 */
struct sched;

struct worker {
	struct ctx c;
	impact h;                /* a copy of the caller's: errors */
	struct sched *s;
	pthread_t tid;
};

struct sched {
	pthread_mutex_t lock;    /* guards state, next, written, stop */
	pthread_cond_t cond;     /* a unit is done, or the window moved */
	const struct planned *plan;
	size_t n;
	struct tree *tree;
	const impact_index_opts *o;
	struct rake_memo *mcur;  /* this period's raking memos */
	const struct rake_memo *mprev; /* the previous period's */
	struct unit_out *out;    /* each unit's document and figures */
	int *rc;                 /* each unit's outcome */
	char **msg;              /* its error message (owned), or NULL */
	unsigned char *state;    /* 0 to compute, 1 taken, 2 done */
	size_t next, written, window;
	int stop;
};

#define UNTAKEN ((size_t)-1)

/* The next unit to compute, marked taken, or UNTAKEN (s->lock held). */
static size_t sched_take(struct sched *s)
{
	while (s->next < s->n && s->state[s->next])
		s->next++;
	if (s->stop || s->next >= s->n || s->next >= s->written + s->window)
		return UNTAKEN;
	s->state[s->next] = 1;
	return s->next++;
}

/* Compute unit k of s with w's context. */
static void sched_unit(struct sched *s, struct worker *w, size_t k)
{
	const struct planned *pu = &s->plan[k];
	size_t slot = pu->is_place ? pu->node : s->tree->npl + pu->node;
	struct unit u;
	int rc;

	w->c.save = &s->mcur[slot];
	w->c.use = w->c.before && pu->before == w->c.before->period
	           ? &s->mprev[slot] : NULL;
	impact__clear_error(&w->h);
	rc = unit_from_tree(&w->h, s->tree, pu->is_place, pu->is_place
	                    ? s->tree->p[pu->node].code
	                    : s->tree->t[pu->node].code, &u);
	if (rc == IMPACT_OK)
		rc = compute_unit(&w->c, s->o, &u, pu->period, pu->before,
		                  &s->out[k]);
	unit_release(&u);
	s->rc[k] = rc;
	if (rc != IMPACT_OK)
		s->msg[k] = strdup(impact_errmsg(&w->h));
}

/* Mark unit k done and wake whoever waits for it. */
static void sched_done(struct sched *s, size_t k)
{
	pthread_mutex_lock(&s->lock);
	s->state[k] = 2;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* A computing thread: units until none is left or the run stops. */
static void *sched_worker(void *arg)
{
	struct worker *w = arg;
	struct sched *s = w->s;

	for (;;) {
		size_t k;

		pthread_mutex_lock(&s->lock);
		while ((k = sched_take(s)) == UNTAKEN && !s->stop
		       && s->next < s->n)
			pthread_cond_wait(&s->cond, &s->lock);
		pthread_mutex_unlock(&s->lock);
		if (k == UNTAKEN)
			return NULL;
		sched_unit(s, w, k);
		sched_done(s, k);
	}
}

/* Does unit pu read its previous period from the database? */
static int reads_before(const struct ctx *c, const struct planned *pu)
{
	return pu->before && !(c->before && c->before->period == pu->before);
}

/* Store unit k of s (computed) with the caller's context c. */
static int sched_write(struct ctx *c, struct sched *s, size_t k)
{
	const struct planned *pu = &s->plan[k];
	struct unit u;

	if (s->rc[k] != IMPACT_OK)
		return s->msg[k] ? impact__error(c->h, s->rc[k], "%s", s->msg[k])
		       : impact__error(c->h, IMPACT_ENOMEM, "out of memory");
	memset(&u, 0, sizeof(u));
	u.is_place = pu->is_place;
	u.id = pu->is_place ? s->tree->p[pu->node].id
	       : s->tree->t[pu->node].id;
	return unit_write(c, &u, pu->period, &s->out[k]);
}

/* Compute and store the n units plan[0..n) of one period (c->now and
 * c->before set) on the workers w[0..nw) (w[0]: this thread); *done
 * counts the units stored, of `total`, for the progress. */
static int period_units(struct ctx *c, struct worker *w, size_t nw,
                        const impact_index_opts *o, struct tree *tree,
                        const struct planned *plan, size_t n,
                        struct rake_memo *mcur,
                        const struct rake_memo *mprev, size_t *done,
                        size_t total)
{
	struct sched s;
	size_t i, k, started = 0;
	int rc = IMPACT_OK;

	memset(&s, 0, sizeof(s));
	s.plan = plan;
	s.n = n;
	s.tree = tree;
	s.o = o;
	s.mcur = mcur;
	s.mprev = mprev;
	s.window = 4 * nw;
	s.out = calloc(n + 1, sizeof(*s.out));
	s.rc = calloc(n + 1, sizeof(*s.rc));
	s.msg = calloc(n + 1, sizeof(*s.msg));
	s.state = calloc(n + 1, 1);
	if (!s.out || !s.rc || !s.msg || !s.state) {
		rc = impact__error(c->h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	/* Each worker as the caller's context, with its own definition and
	 * handle (the question map copied after the units that intern into
	 * it). */
	for (i = 0; i < nw; i++) {
		struct def df = w[i].c.df;

		w[i].c = *c;
		w[i].c.df = df;
		w[i].c.h = &w[i].h;
		w[i].c.delp = w[i].c.delt = w[i].c.ins = w[i].c.doc = NULL;
		w[i].c.boot_here = nw > 1;
		w[i].h = *c->h;
		w[i].h.progress = NULL;
		w[i].s = &s;
	}
	for (k = 0; k < n; k++)
		if (reads_before(c, &plan[k])) {
			sched_unit(&s, &w[0], k);
			s.state[k] = 2;
		}
	c->m = w[0].c.m;         /* as those units left it */
	for (i = 0; i < nw; i++)
		w[i].c.m = c->m;
	if (pthread_mutex_init(&s.lock, NULL) != 0) {
		rc = impact__error(c->h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if (pthread_cond_init(&s.cond, NULL) != 0) {
		pthread_mutex_destroy(&s.lock);
		rc = impact__error(c->h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	for (started = 1; started < nw; started++)
		if (pthread_create(&w[started].tid, NULL, sched_worker,
		                   &w[started]) != 0)
			break;
	/* Store in order; compute when the next one is not done yet. */
	while (s.written < n) {
		pthread_mutex_lock(&s.lock);
		if (s.state[s.written] == 2) {
			k = s.written;
			pthread_mutex_unlock(&s.lock);
			rc = sched_write(c, &s, k);
			out_release(&s.out[k]);
			impact__progress(c->h, "index", ++*done, total);
			pthread_mutex_lock(&s.lock);
			s.written++;
			if (rc != IMPACT_OK)
				s.stop = 1;
			pthread_cond_broadcast(&s.cond);
			pthread_mutex_unlock(&s.lock);
			if (rc != IMPACT_OK)
				break;
		} else if ((k = sched_take(&s)) != UNTAKEN) {
			pthread_mutex_unlock(&s.lock);
			sched_unit(&s, &w[0], k);
			sched_done(&s, k);
		} else {
			pthread_cond_wait(&s.cond, &s.lock);
			pthread_mutex_unlock(&s.lock);
		}
	}
	for (i = 1; i < started; i++)
		pthread_join(w[i].tid, NULL);
	pthread_cond_destroy(&s.cond);
	pthread_mutex_destroy(&s.lock);
done:
	for (k = 0; s.out && k < n; k++)
		out_release(&s.out[k]);
	for (k = 0; s.msg && k < n; k++)
		free(s.msg[k]);
	free(s.out);
	free(s.rc);
	free(s.msg);
	free(s.state);
	return rc;
}

int impact_index_compute_all(impact *h, const impact_index_opts *tmpl,
                             size_t *out_units)
{
	static const char *const units_sql =
	        "WITH RECURSIVE up(place, territory) AS ("
	        " SELECT p.id, p.territory_id FROM places p WHERE p.id IN"
	        " (SELECT place_id FROM respondents WHERE period = ?1)"
	        " UNION SELECT up.place, t.parent_id FROM up JOIN territories t"
	        " ON t.id = up.territory WHERE t.parent_id IS NOT NULL)"
	        " SELECT 1, code FROM places WHERE id IN (SELECT place FROM up)"
	        " UNION ALL SELECT 0, code FROM territories WHERE id IN"
	        " (SELECT territory FROM up) ORDER BY 1, 2;";
	impact_index_opts o = IMPACT_INDEX_OPTS_INIT;
	sqlite3_stmt *st = NULL, *defs = NULL;
	struct tree tree;
	struct ctx c;
	struct store sa, sb;
	struct planned *plan = NULL;
	struct rake_memo *memo_a = NULL, *memo_b = NULL, *mcur, *mprev;
	struct worker *w = NULL;
	int *periods = NULL, *last_p = NULL, *last_t = NULL, rc;
	size_t np = 0, i, done = 0, total = 0, nu = 0, cap = 0, k, k1, nw = 0;

	assert(h);
	impact__clear_error(h);
	if (out_units)
		*out_units = 0;
	memset(&tree, 0, sizeof(tree));
	memset(&c, 0, sizeof(c));
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (tmpl)
		o = *tmpl;
	o.store = 1;
	o.place = o.territory = NULL;
	if (o.weights < 0 || o.weights > IMPACT_WEIGHTS_PCA)
		return impact__error(h, IMPACT_EUSAGE, "unknown weighting scheme");
	if ((rc = impact__prepare(h, &st, "SELECT count(*) FROM"
	                          " index_definitions;")) != IMPACT_OK)
		return rc;
	rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	st = NULL;
	if (rc <= 0)
		return rc < 0 ? impact__db_error(h, "reading the index"
		                                 " definitions") : IMPACT_OK;
	/* Every period, to know each unit's previous one; the units of the
	 * periods asked, by period then kind and code. */
	if ((rc = periods_of(h, 0, &periods, &np)) != IMPACT_OK
	    || (rc = tree_load(h, &tree)) != IMPACT_OK)
		goto done;
	/* Units on several threads: the connection must be serialized
	 * (raking reads margins), and the tree complete. */
	nw = sqlite3_db_mutex(h->db) ? impact__threads() : 1;
	for (i = 0; i < tree.nt; i++)
		if (tree_places(&tree, i) != 0) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
	w = calloc(nw, sizeof(*w));
	last_p = calloc(tree.npl + 1, sizeof(int));
	last_t = calloc(tree.nt + 1, sizeof(int));
	/* What raking gave each unit, this period and the previous. */
	memo_a = calloc(tree.npl + tree.nt + 1, sizeof(*memo_a));
	memo_b = calloc(tree.npl + tree.nt + 1, sizeof(*memo_b));
	if (!w || !last_p || !last_t || !memo_a || !memo_b) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = impact__prepare(h, &st, units_sql)) != IMPACT_OK)
		goto done;
	for (i = 0; i < np && rc == IMPACT_OK; i++) {
		int asked = !o.period || periods[i] == o.period;

		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, periods[i]);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int is_place = sqlite3_column_int(st, 0);
			const char *code = (const char *)sqlite3_column_text(st, 1);
			size_t lo = 0, hi = is_place ? tree.npl : tree.nt, x;
			int *last;

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				const char *mc = is_place
				        ? tree.p[tree.p_by_code[mid]].code
				        : tree.t[tree.t_by_code[mid]].code;

				if (strcmp(mc, code) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			x = is_place ? tree.p_by_code[lo] : tree.t_by_code[lo];
			last = is_place ? &last_p[x] : &last_t[x];
			if (asked) {
				if (nu == cap) {
					size_t nc = cap ? 2 * cap : 256;
					struct planned *t2 = realloc(plan,
					                          nc * sizeof(*t2));

					if (!t2) {
						rc = impact__error(h, IMPACT_ENOMEM,
						                   "out of memory");
						goto done;
					}
					plan = t2;
					cap = nc;
				}
				plan[nu].is_place = is_place;
				plan[nu].node = x;
				plan[nu].period = periods[i];
				plan[nu].before = *last;
				nu++;
			}
			*last = periods[i];
		}
		rc = rc == SQLITE_DONE ? IMPACT_OK
		                       : impact__db_error(h, "listing the units");
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != IMPACT_OK)
		goto done;
	/* Every definition, unless one is named. */
	if ((rc = impact__prepare(h, &defs, "SELECT code FROM"
	                          " index_definitions WHERE ?1 IS NULL OR"
	                          " code = ?1 ORDER BY code;")) != IMPACT_OK)
		goto done;
	if (tmpl && tmpl->index)
		sqlite3_bind_text(defs, 1, tmpl->index, -1, SQLITE_TRANSIENT);
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		goto done;
	while (rc == IMPACT_OK && sqlite3_step(defs) == SQLITE_ROW) {
		struct store *cur = &sa, *other = &sb;

		o.index = (const char *)sqlite3_column_text(defs, 0);
		total += nu;
		ctx_release(&c);
		if ((rc = ctx_init(&c, h, o.index)) != IMPACT_OK)
			break;
		for (i = 0; i < nw && rc == IMPACT_OK; i++) {
			def_release(&w[i].c.df);
			rc = def_load(h, o.index, &w[i].c.df);
		}
		if (rc != IMPACT_OK)
			break;
		c.tree = &tree;
		store_release(&sa);
		store_release(&sb);
		mcur = memo_a;
		mprev = memo_b;
		for (i = 0; i < tree.npl + tree.nt; i++) {
			memo_release(&memo_a[i]);
			memo_release(&memo_b[i]);
		}
		for (k = 0; k < nu && rc == IMPACT_OK; k = k1) {
			/* The period's persons, once; the previous period's
			 * kept for the changes. */
			if (cur->period != plan[k].period) {
				int prevp = 0;
				struct store *t = cur;
				struct rake_memo *mt = mcur;

				/* This period's memos become the previous ones. */
				mcur = mprev;
				mprev = mt;
				for (i = 0; i < tree.npl + tree.nt; i++)
					memo_release(&mcur[i]);

				for (i = 0; i < np; i++)
					if (periods[i] < plan[k].period)
						prevp = periods[i];
				cur = other;
				other = t;
				if (other->period != prevp) {
					store_release(other);
					if (prevp && (rc = store_load(h, &c.m, prevp,
					              NULL, 0, other)) != IMPACT_OK)
						break;
				}
				store_release(cur);
				if ((rc = store_load(h, &c.m, plan[k].period, NULL,
				                     0, cur)) != IMPACT_OK)
					break;
			}
			c.now = cur;
			c.before = other->period ? other : NULL;
			for (k1 = k; k1 < nu && plan[k1].period == plan[k].period;
			     k1++)
				;
			o.period = plan[k].period;
			rc = period_units(&c, w, nw, &o, &tree, plan + k, k1 - k,
			                  mcur, mprev, &done, total);
		}
	}
	rc = impact__end_tx(h, rc);
	if (rc == IMPACT_OK && out_units)
		*out_units = done;
done:
	sqlite3_finalize(st);
	sqlite3_finalize(defs);
	store_release(&sa);
	store_release(&sb);
	ctx_release(&c);
	if (memo_a && memo_b)
		for (i = 0; i < tree.npl + tree.nt; i++) {
			memo_release(&memo_a[i]);
			memo_release(&memo_b[i]);
		}
	free(memo_a);
	free(memo_b);
	for (i = 0; w && i < nw; i++)
		def_release(&w[i].c.df);
	free(w);
	tree_release(&tree);
	free(plan);
	free(last_p);
	free(last_t);
	free(periods);
	return rc;
}
