/*
 * indicators/gnh.c: the locally weighted gross-happiness index of a place
 * or a territory for one period (docs/index.md), as a JSON document.
 *
 * The definition (struct def: domains, indicators, cutoff, weights) is
 * read from index_definitions; the unit's respondents and their answers to
 * the questions it uses are loaded into `struct pop`: per person, the
 * combined value, observation and sufficiency of each indicator, the
 * importance ratings, demographics and place.  Weights (equal, territory,
 * participatory, PCA) and survey weights (raking to stored margins) are
 * then fixed, every person's weighted sufficiency computed, and the
 * Alkire-Foster measure (indicators/af.c) gives GNH, H_n and A_n, with
 * the groups, the exact decompositions by indicator, domain and subgroup,
 * a seeded stratified bootstrap, Cronbach's alpha, correlations, the rank
 * robustness of the places under a territory and the change from the
 * previous period.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort.h>
#include <jansson.h>

#include "../engine/context.h"
#include "../surveys/text.h"
#include "af.h"
#include "impact/index.h"
#include "impact/indicators.h"

#define MIN_OBSERVED 0.8   /* weight observed for a person to count */
#define MIN_PUBLISHED IMPACT_MIN_PUBLISHED_N
#define ALPHA_LOW 0.6
#define NROLES 4

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

/* The population of one unit and period. */
struct pop {
	size_t n;               /* persons loaded */
	long long *place;       /* places.id per person */
	size_t *stratum;        /* place index per person (0..nplaces-1) */
	size_t nplaces;
	long long *place_ids;   /* stratum -> places.id */
	double *value;          /* n × ni combined values (NaN: missing) */
	double *imp;            /* n × nd importance ratings (NaN) */
	char **demo;            /* n × NROLES demographic codes (owned) */
	double *w;              /* survey weights */
	double *s;              /* weighted sufficiency */
	double *d;              /* 1 - s */
	int *in;                /* counts in the index (observed >= 0.8) */
	double *wij;            /* n × ni weights used per person */
	unsigned char *suff;    /* n × ni sufficiency */
	unsigned char *obs;     /* n × ni observed */
};

static void pop_release(struct pop *p)
{
	size_t i;

	if (p->demo)
		for (i = 0; i < p->n * NROLES; i++)
			free(p->demo[i]);
	free(p->demo);
	free(p->place);
	free(p->stratum);
	free(p->place_ids);
	free(p->value);
	free(p->imp);
	free(p->w);
	free(p->s);
	free(p->d);
	free(p->in);
	free(p->wij);
	free(p->suff);
	free(p->obs);
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
/* The population                                                     */

/* Index of question `code` in the list of questions the index uses. */
struct qmap {
	const char **code;
	double *min, *max;
	size_t n;
};

static long qfind(const struct qmap *m, const char *code)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->code[i], code) == 0)
			return (long)i;
	return -1;
}

/*
 * Load the respondents of the places `places` (np ids) for `period`, and
 * each indicator's combined value, each importance rating and the
 * demographics.
 */
static int pop_load(impact *h, const struct def *df, const long long *places,
                    size_t np, int period, struct pop *p)
{
	sqlite3_stmt *st = NULL;
	struct qmap m = { NULL, NULL, NULL, 0 };
	double *qv = NULL;     /* per person × question, while loading */
	size_t i, j, k, cap = 0, nq_all = 0;
	long long cur = -1;
	int rc, step;

	memset(p, 0, sizeof(*p));
	for (j = 0; j < df->ni; j++)
		nq_all += df->ind[j].nq;
	nq_all += df->nd;
	m.code = calloc(nq_all + 1, sizeof(char *));
	m.min = calloc(nq_all + 1, sizeof(double));
	m.max = calloc(nq_all + 1, sizeof(double));
	if (!m.code || !m.min || !m.max) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	for (j = 0; j < df->ni; j++)
		for (k = 0; k < df->ind[j].nq; k++)
			if (qfind(&m, df->ind[j].questions[k]) < 0)
				m.code[m.n++] = df->ind[j].questions[k];
	for (j = 0; j < df->nd; j++)
		if (df->d[j].importance && qfind(&m, df->d[j].importance) < 0)
			m.code[m.n++] = df->d[j].importance;
	p->nplaces = np;
	p->place_ids = malloc((np + 1) * sizeof(long long));
	if (!p->place_ids) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(p->place_ids, places, np * sizeof(long long));
	if ((rc = impact__prepare(h, &st, "SELECT r.id, r.place_id, q.code,"
	                          " a.value, q.min, q.max, q.role, c.code,"
	                          " a.text FROM respondents r JOIN answers a"
	                          " ON a.respondent_id = r.id JOIN questions q"
	                          " ON q.id = a.question_id LEFT JOIN choices c"
	                          " ON c.id = a.choice_id WHERE r.period = ?1"
	                          " AND r.place_id IN (SELECT value FROM"
	                          " json_each(?2)) ORDER BY r.id;")) != 0)
		goto done;
	{
		char *list = malloc(np * 24 + 3);
		size_t used = 0;

		if (!list) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		list[used++] = '[';
		for (i = 0; i < np; i++)
			used += (size_t)sprintf(list + used, "%s%lld", i ? "," : "",
			                        places[i]);
		list[used++] = ']';
		list[used] = '\0';
		sqlite3_bind_int(st, 1, period);
		sqlite3_bind_text(st, 2, list, -1, SQLITE_TRANSIENT);
		free(list);
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		long long rid = sqlite3_column_int64(st, 0);
		const char *code = (const char *)sqlite3_column_text(st, 2);
		const char *role = (const char *)sqlite3_column_text(st, 6);
		long q;

		if (rid != cur) {
			if (p->n == cap) {
				size_t c2 = cap ? 2 * cap : 256;
				long long *pl = realloc(p->place, c2 * sizeof(*pl));
				double *v2;
				char **d2;

				if (!pl)
					goto nomem;
				p->place = pl;
				v2 = realloc(qv, c2 * (m.n + 1) * sizeof(double));
				if (!v2)
					goto nomem;
				qv = v2;
				d2 = realloc(p->demo, c2 * NROLES * sizeof(char *));
				if (!d2)
					goto nomem;
				p->demo = d2;
				cap = c2;
			}
			cur = rid;
			p->place[p->n] = sqlite3_column_int64(st, 1);
			for (k = 0; k < m.n; k++)
				qv[p->n * (m.n + 1) + k] = NAN;
			for (k = 0; k < NROLES; k++)
				p->demo[p->n * NROLES + k] = NULL;
			p->n++;
		}
		i = p->n - 1;
		if (role) {
			for (k = 0; k < NROLES; k++) {
				const char *v = sqlite3_column_type(st, 7) != SQLITE_NULL
				                ? (const char *)sqlite3_column_text(st, 7)
				                : (const char *)sqlite3_column_text(st,
				                                                    8);

				if (strcmp(role, roles[k]) == 0 && v
				    && !p->demo[i * NROLES + k]
				    && !(p->demo[i * NROLES + k] = strdup(v)))
					goto nomem;
			}
		}
		if ((q = qfind(&m, code)) >= 0
		    && sqlite3_column_type(st, 3) != SQLITE_NULL) {
			qv[i * (m.n + 1) + (size_t)q] = sqlite3_column_double(st, 3);
			m.min[q] = sqlite3_column_double(st, 4);
			m.max[q] = sqlite3_column_double(st, 5);
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (step != SQLITE_DONE) {
		rc = impact__db_error(h, "reading answers");
		goto done;
	}
	/* Per person: strata, combined indicator values, importance. */
	p->stratum = calloc(p->n + 1, sizeof(size_t));
	p->value = calloc(p->n * df->ni + 1, sizeof(double));
	p->imp = calloc(p->n * df->nd + 1, sizeof(double));
	p->w = calloc(p->n + 1, sizeof(double));
	p->s = calloc(p->n + 1, sizeof(double));
	p->d = calloc(p->n + 1, sizeof(double));
	p->in = calloc(p->n + 1, sizeof(int));
	p->wij = calloc(p->n * df->ni + 1, sizeof(double));
	p->suff = calloc(p->n * df->ni + 1, 1);
	p->obs = calloc(p->n * df->ni + 1, 1);
	if (!p->stratum || !p->value || !p->imp || !p->w || !p->s || !p->d
	    || !p->in || !p->wij || !p->suff || !p->obs)
		goto nomem;
	for (i = 0; i < p->n; i++) {
		p->w[i] = 1;
		for (k = 0; k < np; k++)
			if (places[k] == p->place[i])
				p->stratum[i] = k;
		for (j = 0; j < df->ni; j++) {
			const struct ind *x = &df->ind[j];
			double acc = 0;
			size_t got = 0;

			for (k = 0; k < x->nq; k++) {
				long q = qfind(&m, x->questions[k]);
				double v = qv[i * (m.n + 1) + (size_t)q];

				if (isnan(v))
					continue;
				if (x->scale && m.max[q] > m.min[q])
					v = (v - m.min[q]) / (m.max[q] - m.min[q]);
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
			p->value[i * df->ni + j] = got ? acc : NAN;
		}
		for (j = 0; j < df->nd; j++) {
			long q = df->d[j].importance
			         ? qfind(&m, df->d[j].importance) : -1;

			p->imp[i * df->nd + j] = q >= 0
			        ? qv[i * (m.n + 1) + (size_t)q] : NAN;
		}
	}
	rc = IMPACT_OK;
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	sqlite3_finalize(st);
	free(qv);
	free(m.code);
	free(m.min);
	free(m.max);
	return rc;
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

/* Sufficiency, per-person weights and scores of everyone. */
static void score(const struct def *df, struct pop *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		double seen = 0, s = 0;

		for (j = 0; j < df->ni; j++) {
			const struct ind *x = &df->ind[j];
			double v = p->value[i * df->ni + j];
			size_t k = i * df->ni + j;

			p->obs[k] = !isnan(v) && x->w > 0;
			p->suff[k] = !isnan(v) && (x->lower ? v <= x->threshold
			                                    : v >= x->threshold);
			if (p->obs[k])
				seen += x->w;
		}
		p->in[i] = seen >= MIN_OBSERVED - 1e-9;
		for (j = 0; j < df->ni; j++) {
			size_t k = i * df->ni + j;

			p->wij[k] = p->obs[k] && seen > 0 ? df->ind[j].w / seen : 0;
			s += p->wij[k] * p->suff[k];
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

/* Each person's score within each domain (NaN when a domain has nothing
 * observed), n × nd into out. */
static void domain_scores(const struct def *df, const struct pop *p,
                          double *out)
{
	size_t i, j, dmn;

	for (i = 0; i < p->n; i++)
		for (dmn = 0; dmn < df->nd; dmn++) {
			double num = 0, den = 0;

			for (j = 0; j < df->ni; j++) {
				size_t k = i * df->ni + j;

				if (df->ind[j].domain != dmn || !p->obs[k])
					continue;
				num += df->ind[j].rel * p->suff[k];
				den += df->ind[j].rel;
			}
			out[i * df->nd + dmn] = den > 0 ? num / den : NAN;
		}
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
				double v = p->imp[i * df->nd + j];

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
static int rake(impact *h, struct pop *p, const char *const *terrs,
                size_t nterr, int *found, impact_rake_report *report,
                json_t *info)
{
	sqlite3_stmt *st = NULL;
	impact_rake_opts ro = IMPACT_RAKE_OPTS_INIT;
	char **lv[NROLES] = { NULL };
	double *tg[NROLES] = { NULL };
	size_t nl[NROLES] = { 0 }, nv = 0, v, i, t;
	int vidx[NROLES], *levels = NULL, rc = IMPACT_OK, r;
	const char *terr = NULL;

	*found = 0;
	memset(report, 0, sizeof(*report));
	/* Respondents who did not give every raking variable slow IPF down
	 * (3,661 cycles on the sample); a cycle costs microseconds. */
	ro.max_iter = 10000;
	if ((rc = impact__prepare(h, &st, "SELECT m.variable, m.level, m.total"
	                          " FROM margins m JOIN territories t ON"
	                          " t.id = m.territory_id WHERE t.code = ?1"
	                          " ORDER BY m.variable, m.level;")) != 0)
		return rc;
	for (t = 0; t < nterr && !terr; t++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, terrs[t], -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
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
	 * "saint-aubin sur liere" is "Saint-Aubin-sur-Lière". */
	for (i = 0; i < p->n; i++)
		for (t = 0; t < nv; t++) {
			const char *code = p->demo[i * NROLES + (size_t)vidx[t]];
			char a[256], b[256];
			size_t l;

			levels[i * nv + t] = -1;
			if (!code)
				continue;
			impact__fold(a, sizeof(a), code);
			for (l = 0; l < nl[vidx[t]]; l++)
				if (strcmp(a, impact__fold(b, sizeof(b),
				                           lv[vidx[t]][l])) == 0)
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
		rc = impact__error(h, IMPACT_EDATA, "raking to the margins of "
		                   "\"%s\" is impossible: a level of its margins "
		                   "has no respondent; merge levels or drop "
		                   "--rake", terr);
	else if (r == -2)
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	sqlite3_finalize(st);
	for (v = 0; v < NROLES; v++) {
		for (i = 0; i < nl[v]; i++)
			free(lv[v][i]);
		free(lv[v]);
		free(tg[v]);
	}
	free(levels);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Bootstrap, ranks                                                   */

/* Percentile interval of r[0..n) (sorted in place) at 95%. */
static void percentile(double *r, size_t n, double *lo, double *hi)
{
	if (n == 0) {
		*lo = *hi = NAN;
		return;
	}
	gsl_sort(r, 1, n);
	*lo = gsl_stats_quantile_from_sorted_data(r, 1, n, 0.025);
	*hi = gsl_stats_quantile_from_sorted_data(r, 1, n, 0.975);
}

/*
 * Stratified bootstrap of GNH, H_n and A_n over the persons idx[0..n):
 * each replicate resamples, within each place, as many persons as it has.
 * Replicate values into g, hn, an (reps each).
 */
static int bootstrap(const struct pop *p, const size_t *idx, size_t n,
                     double k, size_t reps, unsigned long seed, double *g,
                     double *hn, double *an)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	size_t *by = malloc((n + 1) * sizeof(size_t));
	size_t *start = calloc(p->nplaces + 2, sizeof(size_t));
	size_t *pick = malloc((n + 1) * sizeof(size_t));
	size_t r, i, s;

	if (!rng || !by || !start || !pick) {
		gsl_rng_free(rng);
		free(by);
		free(start);
		free(pick);
		return -1;
	}
	gsl_rng_set(rng, seed);
	/* Persons grouped by place: by[start[s] .. start[s + 1]). */
	for (i = 0; i < n; i++)
		start[p->stratum[idx[i]] + 1]++;
	for (s = 0; s < p->nplaces; s++)
		start[s + 1] += start[s];
	{
		size_t *fill = calloc(p->nplaces + 1, sizeof(size_t));

		if (!fill) {
			gsl_rng_free(rng);
			free(by);
			free(start);
			free(pick);
			return -1;
		}
		for (i = 0; i < n; i++) {
			size_t st = p->stratum[idx[i]];

			by[start[st] + fill[st]++] = idx[i];
		}
		free(fill);
	}
	for (r = 0; r < reps; r++) {
		size_t m = 0;

		for (s = 0; s < p->nplaces; s++) {
			size_t a = start[s], b = start[s + 1];

			for (i = a; i < b; i++)
				pick[m++] = by[a + gsl_rng_uniform_int(rng, b - a)];
		}
		gnh_of(p, pick, m, k, &g[r], &hn[r], &an[r]);
	}
	gsl_rng_free(rng);
	free(by);
	free(start);
	free(pick);
	return 0;
}

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
	} else if ((rc = ids(h, "WITH RECURSIVE below(id) AS (SELECT ?1 UNION"
	                     " SELECT t.id FROM territories t JOIN below b ON"
	                     " t.parent_id = b.id) SELECT p.id FROM places p"
	                     " WHERE p.territory_id IN below ORDER BY p.id;",
	                     u->id, &u->places, &u->np)) != IMPACT_OK
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

/* Subgroups by the demographic role r (0..NROLES-1). */
static json_t *by_role(const struct pop *p, const size_t *idx, size_t n,
                       size_t r, double k, double total, double one_minus)
{
	json_t *arr = json_array();
	size_t *sub = malloc((n + 1) * sizeof(size_t)), i, j;
	char **seen = calloc(n + 1, sizeof(char *));
	size_t nseen = 0;

	if (!arr || !sub || !seen) {
		free(sub);
		free(seen);
		json_decref(arr);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const char *c = p->demo[idx[i] * NROLES + r];
		size_t m = 0;
		int dup = 0;

		if (!c)
			continue;
		for (j = 0; j < nseen; j++)
			if (strcmp(seen[j], c) == 0)
				dup = 1;
		if (dup)
			continue;
		seen[nseen++] = (char *)c;
		for (j = 0; j < n; j++) {
			const char *d = p->demo[idx[j] * NROLES + r];

			if (d && strcmp(d, c) == 0)
				sub[m++] = idx[j];
		}
		json_array_append_new(arr, subgroup(p, sub, m, k, c, total,
		                                    one_minus));
	}
	free(sub);
	free(seen);
	return arr;
}

/* Rank robustness of the places of the unit: baseline GNH, median rank
 * and 90% interval over `draws` perturbations of weights and cutoff. */
static json_t *ranks(struct def *df, struct pop *p, const struct unit *u,
                     size_t draws, unsigned long seed, double k,
                     sqlite3 *db)
{
	size_t np = u->np, i, r, j, *sub = NULL, *cnt = NULL;
	double *base = NULL, *rk = NULL, *g = NULL, *w0 = NULL;
	gsl_rng *rng = NULL;
	json_t *arr = json_array();
	sqlite3_stmt *st = NULL;

	if (!arr || np < 2 || draws == 0)
		return arr;
	sub = malloc((p->n + 1) * sizeof(size_t));
	cnt = calloc(np + 1, sizeof(size_t));
	base = malloc((np + 1) * sizeof(double));
	g = malloc((np + 1) * sizeof(double));
	rk = malloc((np * draws + 1) * sizeof(double));
	w0 = malloc((df->nd + 1) * sizeof(double));
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!sub || !cnt || !base || !g || !rk || !w0 || !rng)
		goto done;
	gsl_rng_set(rng, seed);
	for (j = 0; j < df->nd; j++)
		w0[j] = df->d[j].w;
	/* GNH of each place under the given weights. */
#define PLACE_GNH(out) \
	for (i = 0; i < np; i++) { \
		size_t m = 0, x; \
		double hn, an; \
		for (x = 0; x < p->n; x++) \
			if (p->in[x] && p->stratum[x] == i) \
				sub[m++] = x; \
		cnt[i] = m; \
		gnh_of(p, sub, m, kk, &(out)[i], &hn, &an); \
	}
	{
		double kk = k;

		PLACE_GNH(base);
	}
	for (r = 0; r < draws; r++) {
		double kk = 0.60 + 0.12 * gsl_rng_uniform(rng);

		for (j = 0; j < df->nd; j++)
			df->d[j].w = w0[j] * (0.5 + gsl_rng_uniform(rng));
		normalise(df);
		global_weights(df);
		score(df, p);
		PLACE_GNH(g);
		for (i = 0; i < np; i++) {
			size_t better = 1, x;

			for (x = 0; x < np; x++)
				if (x != i && cnt[x] >= MIN_PUBLISHED && g[x] > g[i])
					better++;
			rk[i * draws + r] = (double)better;
		}
	}
#undef PLACE_GNH
	/* Back to the weights used. */
	for (j = 0; j < df->nd; j++)
		df->d[j].w = w0[j];
	global_weights(df);
	score(df, p);
	if (sqlite3_prepare_v2(db, "SELECT code FROM places WHERE id = ?1;", -1,
	                       &st, NULL) != SQLITE_OK)
		goto done;
	for (i = 0; i < np; i++) {
		double *v = &rk[i * draws];
		const char *code = "?";

		if (cnt[i] < MIN_PUBLISHED)
			continue;   /* never ranked in public */
		gsl_sort(v, 1, draws);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, u->places[i]);
		if (sqlite3_step(st) == SQLITE_ROW)
			code = (const char *)sqlite3_column_text(st, 0);
		json_array_append_new(arr, json_pack("{s:s, s:f, s:f, s:f, s:f}",
		        "place", code, "gnh", base[i], "median_rank",
		        gsl_stats_median_from_sorted_data(v, 1, draws),
		        "rank_low", gsl_stats_quantile_from_sorted_data(v, 1,
		                                                       draws, 0.05),
		        "rank_high", gsl_stats_quantile_from_sorted_data(v, 1,
		                                                        draws, 0.95)));
	}
done:
	sqlite3_finalize(st);
	gsl_rng_free(rng);
	free(sub);
	free(cnt);
	free(base);
	free(g);
	free(rk);
	free(w0);
	return arr;
}

/* Store GNH, H_n and A_n of the unit in `results`. */
static int store(impact *h, const struct unit *u, int period, size_t n,
                 const double v[3], const double lo[3], const double hi[3])
{
	static const char *const measures[3] = { "gnh", "gnh_h", "gnh_a" };
	sqlite3_stmt *del = NULL, *ins = NULL;
	char now[32];
	int rc, m;

	impact__utc_now(now, sizeof(now));
	if ((rc = impact__prepare(h, &del, u->is_place
	                          ? "DELETE FROM results WHERE period = ?1 AND"
	                            " place_id = ?2 AND measure = ?3;"
	                          : "DELETE FROM results WHERE period = ?1 AND"
	                            " territory_id = ?2 AND measure = ?3;"))
	    != 0 || (rc = impact__prepare(h, &ins, "INSERT INTO results (period,"
	                             " place_id, territory_id, measure, value,"
	                             " n, ci_low, ci_high, computed_at) VALUES"
	                             " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9);"))
	       != 0)
		goto done;
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
			goto done;
		}
	}
done:
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	return rc;
}

/* Store the whole document in `index_results` (the reports read it). */
static int store_document(impact *h, const struct def *df,
                          const struct unit *u, int period, size_t n,
                          const char *doc)
{
	sqlite3_stmt *st = NULL;
	json_t *gnh;
	json_error_t err;
	json_t *root = json_loads(doc, 0, &err);
	char now[32];
	int rc;

	if (!root)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	impact__utc_now(now, sizeof(now));
	rc = impact__prepare(h, &st, "INSERT OR REPLACE INTO index_results"
	                     " (index_id, period, place_id, territory_id, gnh,"
	                     " n, document, computed_at) SELECT id, ?2, ?3, ?4,"
	                     " ?5, ?6, ?7, ?8 FROM index_definitions WHERE"
	                     " code = ?1;");
	if (rc == IMPACT_OK) {
		sqlite3_bind_text(st, 1, df->code, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, period);
		sqlite3_bind_int64(st, u->is_place ? 3 : 4, u->id);
		gnh = json_object_get(root, "gnh");
		if (json_is_number(gnh))
			sqlite3_bind_double(st, 5, json_number_value(gnh));
		sqlite3_bind_int64(st, 6, (long long)n);
		sqlite3_bind_text(st, 7, doc, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = impact__db_error(h, "storing the index");
	}
	sqlite3_finalize(st);
	json_decref(root);
	return rc;
}

/* The latest period before `before` (or any, when 0) with respondents in
 * the unit's places; 0 when none. */
static int period_of(impact *h, const struct unit *u, int before, int *out)
{
	sqlite3_stmt *st = NULL;
	char *list = malloc(u->np * 24 + 3);
	size_t i, used = 0;
	int rc;

	*out = 0;
	if (!list)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	list[used++] = '[';
	for (i = 0; i < u->np; i++)
		used += (size_t)sprintf(list + used, "%s%lld", i ? "," : "",
		                        u->places[i]);
	list[used++] = ']';
	list[used] = '\0';
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

/* Load, weight and score the unit's population of one period. */
static int prepare(impact *h, struct def *df, const struct unit *u,
                   int period, const impact_index_opts *o, struct pop *p,
                   json_t *info)
{
	const char *note = NULL;
	int scheme = o->weights ? o->weights : df->scheme, rc;

	if ((rc = pop_load(h, df, u->places, u->np, period, p)) != 0)
		return rc;
	if (o->rake) {
		impact_rake_report rep;
		int found = 0;

		rc = rake(h, p, (const char *const *)u->terrs, u->nterr, &found,
		          &rep, info);
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

int impact_index_compute(impact *h, const impact_index_opts *opts,
                         char **out_json)
{
	static const char *const scheme_names[] = { "defined", "equal",
	                                            "territory", "participatory",
	                                            "pca" };
	impact_index_opts defaults = IMPACT_INDEX_OPTS_INIT;
	struct def df;
	struct unit u;
	struct pop p, prev;
	json_t *out = NULL, *info = NULL, *obj;
	size_t *idx = NULL, n = 0, i, j, reps;
	double *g = NULL, *hn = NULL, *an = NULL, gnh, h_n, a_n, v[3], lo[3],
	       hi[3], total = 0, one_minus;
	int rc, period;

	assert(h && out_json);
	impact__clear_error(h);
	*out_json = NULL;
	if (!opts)
		opts = &defaults;
	memset(&df, 0, sizeof(df));
	memset(&u, 0, sizeof(u));
	memset(&p, 0, sizeof(p));
	memset(&prev, 0, sizeof(prev));
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (opts->place && opts->territory)
		return impact__error(h, IMPACT_EUSAGE, "give a place or a "
		                     "territory, not both");
	if (opts->weights < 0 || opts->weights > IMPACT_WEIGHTS_PCA)
		return impact__error(h, IMPACT_EUSAGE, "unknown weighting scheme");
	reps = opts->replicates ? opts->replicates : 1000;
	info = json_object();
	if (!info)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	if ((rc = def_load(h, opts->index, &df)) != IMPACT_OK
	    || (rc = unit_load(h, opts, &u)) != IMPACT_OK)
		goto done;
	period = opts->period;
	if (!period && (rc = period_of(h, &u, 0, &period)) != IMPACT_OK)
		goto done;
	if (!period) {
		rc = impact__error(h, IMPACT_ENOTFOUND, "no answers for \"%s\": "
		                   "import some first", u.code);
		goto done;
	}
	if ((rc = prepare(h, &df, &u, period, opts, &p, info)) != IMPACT_OK)
		goto done;
	idx = malloc((p.n + 1) * sizeof(size_t));
	g = malloc((reps + 1) * sizeof(double));
	hn = malloc((reps + 1) * sizeof(double));
	an = malloc((reps + 1) * sizeof(double));
	out = json_object();
	if (!idx || !g || !hn || !an || !out) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	n = members(&p, idx);
	json_object_set_new(out, "index", json_string(df.code));
	json_object_set_new(out, "period", json_integer(period));
	json_object_set_new(out, "unit_kind", json_string(u.is_place ? "place"
	                                                  : "territory"));
	json_object_set_new(out, "unit_code", json_string(u.code));
	json_object_set_new(out, "unit_name", json_string(u.name));
	json_object_set_new(out, "cutoff", json_real(df.cutoff));
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
	gnh_of(&p, idx, n, df.cutoff, &gnh, &h_n, &a_n);
	for (i = 0; i < n; i++)
		total += p.w[idx[i]];
	one_minus = 1 - gnh;
	json_object_set_new(out, "gnh", json_real(gnh));
	json_object_set_new(out, "h_n", json_real(h_n));
	json_object_set_new(out, "a_n", json_real(a_n));
	/* Bootstrap. */
	if (bootstrap(&p, idx, n, df.cutoff, reps, opts->seed, g, hn, an)) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	{
		double *cg = malloc((reps + 1) * sizeof(double));

		if (!cg) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(cg, g, reps * sizeof(double));
		percentile(cg, reps, &lo[0], &hi[0]);
		free(cg);
	}
	percentile(hn, reps, &lo[1], &hi[1]);
	percentile(an, reps, &lo[2], &hi[2]);
	json_object_set_new(out, "ci", json_pack("{s:[f,f], s:[f,f], s:[f,f]}",
	                    "gnh", lo[0], hi[0], "h_n", lo[1], hi[1], "a_n",
	                    lo[2], hi[2]));
	/* The distribution of the weighted sufficiency scores. */
	{
		double *sv = malloc((n + 1) * sizeof(double));
		double *sw = malloc((n + 1) * sizeof(double));
		double *work = malloc((2 * n + 1) * sizeof(double));

		if (sv && sw && work) {
			for (i = 0; i < n; i++) {
				sv[i] = p.s[idx[i]];
				sw[i] = p.w[idx[i]];
			}
			json_object_set_new(out, "scores", json_pack("{s:f, s:f, "
			        "s:f, s:f, s:f}", "mean",
			        impact_stats_wmean(sw, 1, sv, 1, n), "sd",
			        impact_stats_wsd(sw, 1, sv, 1, n), "q25",
			        impact_stats_wquantile(sw, sv, n, 0.25, work),
			        "median", impact_stats_wquantile(sw, sv, n, 0.5,
			                                         work),
			        "q75", impact_stats_wquantile(sw, sv, n, 0.75,
			                                      work)));
		}
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
		double *cj = calloc(df.ni + 1, sizeof(double));
		double *scores = malloc((p.n * df.nd + 1) * sizeof(double));
		double *items = NULL, *full = NULL, *corr = NULL;
		json_t *darr = json_array(), *iarr = json_array();

		if (!cj || !scores || !darr || !iarr) {
			free(cj);
			free(scores);
			json_decref(darr);
			json_decref(iarr);
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < n; i++) {
			size_t x = idx[i];

			if (!(p.s[x] < df.cutoff - 1e-9))
				continue;   /* happy */
			for (j = 0; j < df.ni; j++) {
				size_t k = x * df.ni + j;

				cj[j] += p.w[x] * p.wij[k] * (1 - p.suff[k]);
			}
		}
		for (j = 0; j < df.ni; j++) {
			cj[j] /= total;
			json_array_append_new(iarr, json_pack("{s:s, s:s, s:f, s:f, "
			        "s:f, s:f}", "id", df.ind[j].id, "domain",
			        df.d[df.ind[j].domain].id, "weight", df.ind[j].w,
			        "threshold", df.ind[j].threshold, "contribution",
			        cj[j], "share", one_minus > 0 ? cj[j] / one_minus
			                                      : 0.0));
		}
		domain_scores(&df, &p, scores);
		for (j = 0; j < df.nd; j++) {
			double c = 0, alpha = NAN;
			size_t k, nk = 0, m = 0;

			for (k = 0; k < df.ni; k++)
				if (df.ind[k].domain == j) {
					c += cj[k];
					nk++;
				}
			if (nk >= 2 && (items = malloc((n * nk + 1)
			                                * sizeof(double)))) {
				for (i = 0; i < n; i++) {
					size_t x = idx[i], col = 0;
					int all = 1;

					for (k = 0; k < df.ni; k++)
						if (df.ind[k].domain == j
						    && !p.obs[x * df.ni + k])
							all = 0;
					if (!all)
						continue;
					for (k = 0; k < df.ni; k++)
						if (df.ind[k].domain == j)
							items[m * nk + col++]
							        = p.suff[x * df.ni + k];
					m++;
				}
				alpha = impact_stats_cronbach_alpha(items, m, nk);
				free(items);
				items = NULL;
			}
			obj = json_pack("{s:s, s:s, s:s, s:f, s:f, s:f}", "id",
			                df.d[j].id, "label", df.d[j].label_fr
			                ? df.d[j].label_fr : "", "label_en",
			                df.d[j].label_en ? df.d[j].label_en
			                : df.d[j].label_fr ? df.d[j].label_fr : "",
			                "weight", df.d[j].w,
			                "contribution", c, "share", one_minus > 0
			                ? c / one_minus : 0.0);
			{
				/* The domain's sufficiency: the weighted mean of the
				 * persons' domain scores (those observed in it). */
				double num = 0, den = 0;

				for (i = 0; i < n; i++) {
					double sc = scores[idx[i] * df.nd + j];

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
		/* Correlations of the domain scores (persons with all). */
		full = malloc((n * df.nd + 1) * sizeof(double));
		corr = malloc((df.nd * df.nd + 1) * sizeof(double));
		if (full && corr) {
			size_t m = 0;
			json_t *ids_ = json_array(), *mat = json_array();

			for (i = 0; i < n; i++) {
				int all = 1;

				for (j = 0; j < df.nd; j++)
					if (isnan(scores[idx[i] * df.nd + j]))
						all = 0;
				if (all)
					memcpy(full + m++ * df.nd,
					       scores + idx[i] * df.nd,
					       df.nd * sizeof(double));
			}
			if (m >= 2 && impact_stats_correlation_matrix(corr, full, m,
			                                              df.nd) == 0) {
				for (j = 0; j < df.nd; j++) {
					json_t *row = json_array();
					size_t k;

					json_array_append_new(ids_,
					                      json_string(df.d[j].id));
					for (k = 0; k < df.nd; k++) {
						double c = corr[j * df.nd + k];

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
		free(full);
		free(corr);
		free(cj);
		free(scores);
	}
	/* Subgroups. */
	obj = json_object();
	{
		json_t *pl = json_array(), *te = json_array();
		size_t *sub = malloc((n + 1) * sizeof(size_t)), s, c;
		sqlite3_stmt *st = NULL;

		if (!sub || !pl || !te) {
			free(sub);
			json_decref(pl);
			json_decref(te);
			json_decref(obj);
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		if (sqlite3_prepare_v2(h->db, "SELECT code FROM places WHERE"
		                       " id = ?1;", -1, &st, NULL) == SQLITE_OK) {
			for (s = 0; s < u.np; s++) {
				size_t m = 0;

				for (i = 0; i < n; i++)
					if (p.stratum[idx[i]] == s)
						sub[m++] = idx[i];
				if (!m)
					continue;
				sqlite3_reset(st);
				sqlite3_bind_int64(st, 1, u.places[s]);
				if (sqlite3_step(st) == SQLITE_ROW)
					json_array_append_new(pl, subgroup(&p, sub, m,
					        df.cutoff, (const char *)
					        sqlite3_column_text(st, 0), total,
					        one_minus));
			}
			sqlite3_finalize(st);
			st = NULL;
		}
		for (c = 0; c < u.nchildren; c++) {
			long long *under = NULL;
			size_t nu = 0, m = 0;
			char code[128] = "?";

			if (ids(h, "WITH RECURSIVE below(id) AS (SELECT ?1 UNION"
			        " SELECT t.id FROM territories t JOIN below b ON"
			        " t.parent_id = b.id) SELECT p.id FROM places p"
			        " WHERE p.territory_id IN below;", u.children[c],
			        &under, &nu) != IMPACT_OK)
				continue;
			for (i = 0; i < n; i++) {
				size_t q;

				for (q = 0; q < nu; q++)
					if (p.place[idx[i]] == under[q])
						sub[m++] = idx[i];
			}
			free(under);
			if (sqlite3_prepare_v2(h->db, "SELECT code FROM territories"
			                       " WHERE id = ?1;", -1, &st, NULL)
			    == SQLITE_OK) {
				sqlite3_bind_int64(st, 1, u.children[c]);
				if (sqlite3_step(st) == SQLITE_ROW)
					snprintf(code, sizeof(code), "%s",
					         sqlite3_column_text(st, 0));
				sqlite3_finalize(st);
				st = NULL;
			}
			if (m)
				json_array_append_new(te, subgroup(&p, sub, m,
				                      df.cutoff, code, total,
				                      one_minus));
		}
		json_object_set_new(obj, "place", pl);
		json_object_set_new(obj, "territory", te);
		json_object_set_new(obj, "sex", by_role(&p, idx, n, 0, df.cutoff,
		                                        total, one_minus));
		json_object_set_new(obj, "age_band", by_role(&p, idx, n, 1,
		                                             df.cutoff, total,
		                                             one_minus));
		json_object_set_new(obj, "commune", by_role(&p, idx, n, 2,
		                                            df.cutoff, total,
		                                            one_minus));
		free(sub);
	}
	json_object_set_new(out, "subgroups", obj);
	/* Weights used. */
	obj = json_object();
	for (j = 0; j < df.nd; j++)
		json_object_set_new(obj, df.d[j].id, json_real(df.d[j].w));
	json_object_set_new(out, "weights_used", json_pack("{s:s, s:o}",
	                    "scheme", scheme_names[opts->weights ? opts->weights
	                                           : df.scheme], "domains",
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
	if (!u.is_place)
		json_object_set_new(out, "ranks", ranks(&df, &p, &u,
		                    opts->robustness, opts->seed, df.cutoff,
		                    h->db));
	/* Change from the previous period. */
	{
		int before = 0;

		if ((rc = period_of(h, &u, period, &before)) != IMPACT_OK)
			goto done;
		if (before) {
			json_t *pinfo = json_object();
			size_t *pidx = NULL, pn;
			double pg, ph, pa, *g2 = NULL, *h2 = NULL, *a2 = NULL, clo,
			       chi;

			/* Weighted as this period was: raked only if this period
			 * was, and no change when that period cannot be. */
			impact_index_opts popts = *opts;

			popts.rake = json_is_true(json_object_get(out, "weighted"));
			rc = pinfo ? prepare(h, &df, &u, before, &popts, &prev,
			                     pinfo) : IMPACT_ENOMEM;
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
				    && bootstrap(&prev, pidx, pn, df.cutoff, reps,
				                 opts->seed + 1, g2, h2, a2) == 0) {
					gnh_of(&prev, pidx, pn, df.cutoff, &pg, &ph, &pa);
					/* g was sorted for its interval: draw the change's
					 * replicates afresh. */
					bootstrap(&p, idx, n, df.cutoff, reps, opts->seed,
					          g, hn, an);
					for (i = 0; i < reps; i++)
						g[i] -= g2[i];
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
	}
	if (opts->store) {
		v[0] = gnh;
		v[1] = h_n;
		v[2] = a_n;
		if ((rc = store(h, &u, period, n, v, lo, hi)) != IMPACT_OK)
			goto done;
	}
dump:
	*out_json = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER
	                       | JSON_REAL_PRECISION(10));
	rc = *out_json ? IMPACT_OK : impact__error(h, IMPACT_ENOMEM,
	                                           "out of memory");
	if (rc == IMPACT_OK && opts->store
	    && (rc = store_document(h, &df, &u, period, n, *out_json))
	       != IMPACT_OK) {
		free(*out_json);
		*out_json = NULL;
	}
done:
	json_decref(out);
	json_decref(info);
	free(idx);
	free(g);
	free(hn);
	free(an);
	pop_release(&p);
	pop_release(&prev);
	unit_release(&u);
	def_release(&df);
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
	sqlite3_stmt *st = NULL;
	int *periods = NULL, rc;
	size_t np = 0, i, done = 0, total = 0;
	char **codes = NULL;
	int *is_place = NULL;
	size_t nu = 0, cap = 0, k;

	assert(h);
	impact__clear_error(h);
	if (out_units)
		*out_units = 0;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (tmpl)
		o = *tmpl;
	o.store = 1;
	o.place = o.territory = NULL;
	if ((rc = impact__prepare(h, &st, "SELECT count(*) FROM"
	                          " index_definitions;")) != IMPACT_OK)
		return rc;
	rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	st = NULL;
	if (rc <= 0)
		return rc < 0 ? impact__db_error(h, "reading the index"
		                                 " definitions") : IMPACT_OK;
	if ((rc = periods_of(h, o.period, &periods, &np)) != IMPACT_OK)
		return rc;
	/* Every (period, unit) first, for the progress total. */
	if ((rc = impact__prepare(h, &st, units_sql)) != IMPACT_OK)
		goto done;
	for (i = 0; i < np && rc == IMPACT_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, periods[i]);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (nu == cap) {
				size_t nc = cap ? 2 * cap : 64;
				char **c2 = realloc(codes, nc * sizeof(char *));
				int *p2;

				if (c2)
					codes = c2;
				p2 = c2 ? realloc(is_place, nc * 2 * sizeof(int))
				        : NULL;
				if (!p2) {
					rc = impact__error(h, IMPACT_ENOMEM,
					                   "out of memory");
					goto done;
				}
				is_place = p2;
				cap = nc;
			}
			codes[nu] = strdup((const char *)
			                   sqlite3_column_text(st, 1));
			if (!codes[nu]) {
				rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
				goto done;
			}
			is_place[2 * nu] = sqlite3_column_int(st, 0);
			is_place[2 * nu + 1] = periods[i];
			nu++;
		}
		rc = rc == SQLITE_DONE ? IMPACT_OK
		                       : impact__db_error(h, "listing the units");
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != IMPACT_OK)
		goto done;
	/* Every definition, unless one is named. */
	if ((rc = impact__prepare(h, &st, "SELECT code FROM index_definitions"
	                          " WHERE ?1 IS NULL OR code = ?1 ORDER BY"
	                          " code;")) != IMPACT_OK)
		goto done;
	if (tmpl && tmpl->index)
		sqlite3_bind_text(st, 1, tmpl->index, -1, SQLITE_TRANSIENT);
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		goto done;
	while (rc == IMPACT_OK && sqlite3_step(st) == SQLITE_ROW) {
		o.index = (const char *)sqlite3_column_text(st, 0);
		total += nu;
		for (k = 0; k < nu && rc == IMPACT_OK; k++) {
			char *json = NULL;

			o.period = is_place[2 * k + 1];
			o.place = is_place[2 * k] ? codes[k] : NULL;
			o.territory = is_place[2 * k] ? NULL : codes[k];
			rc = impact_index_compute(h, &o, &json);
			free(json);
			impact__progress(h, "index", ++done, total);
		}
	}
	rc = impact__end_tx(h, rc);
	if (rc == IMPACT_OK && out_units)
		*out_units = done;
done:
	sqlite3_finalize(st);
	for (k = 0; k < nu; k++)
		free(codes[k]);
	free(codes);
	free(is_place);
	free(periods);
	return rc;
}
