/*
 * reports/report_data.c: reading a dashboard's figures (report_data.h).
 *
 * Strings read from the database are copied with invalid UTF-8 replaced
 * (Pango refuses it).  The index documents are parsed with jansson and
 * kept whole: the drawing code reads them with the same keys as the
 * `impact index` contract (docs/index.md).
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "impact/indicators.h"
#include "report_data.h"

/* Copy a database string, invalid UTF-8 replaced with U+FFFD; NULL gives
 * NULL; *oom set when memory runs out. */
static char *dup_text(const unsigned char *s, int *oom)
{
	gchar *valid;
	char *out;

	if (!s)
		return NULL;
	valid = g_utf8_make_valid((const char *)s, -1);
	out = valid ? strdup(valid) : NULL;
	g_free(valid);
	if (!out)
		*oom = 1;
	return out;
}

static char *dup_str(const char *s, int *oom)
{
	return dup_text((const unsigned char *)s, oom);
}

static const struct {
	const char *id, *fr, *en;
} domain_labels[] = {
	{ "social_link", "Lien social", "Social link" },
	{ "anchoring", "Ancrage territorial", "Local anchoring" },
	{ "skills", "Compétences", "Skills" },
	{ "economy", "Économie locale", "Local economy" },
	{ "governance", "Démocratie et gouvernance", "Democracy and "
	  "governance" },
	{ "culture", "Culture", "Culture" },
	{ "environment", "Environnement", "Environment" },
	{ "cooperation", "Coopération entre lieux", "Cooperation between "
	  "places" },
	{ "wellbeing", "Bien-être", "Well-being" },
};

const char *impact__rd_domain_label(const char *id, int en)
{
	size_t i;

	for (i = 0; id && i < sizeof(domain_labels) / sizeof(domain_labels[0]);
	     i++)
		if (strcmp(domain_labels[i].id, id) == 0)
			return en ? domain_labels[i].en : domain_labels[i].fr;
	return id ? id : "";
}

int impact__rd_period(impact *h, int asked, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = impact__prepare(h, &st, asked
	     ? "SELECT ?1 FROM results WHERE period = ?1 LIMIT 1;"
	     : "SELECT max(period) FROM results;");
	if (rc != IMPACT_OK)
		return rc;
	if (asked)
		sqlite3_bind_int(st, 1, asked);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = impact__db_error(h, "reading result periods");
	} else if (rc == SQLITE_DONE
	           || sqlite3_column_type(st, 0) == SQLITE_NULL) {
		rc = asked ? impact__error(h, IMPACT_ENOTFOUND, "no results for "
		                           "period %d: run 'impact compute' "
		                           "first", asked)
		           : impact__error(h, IMPACT_ENOTFOUND, "no results in "
		                           "the database: run 'impact compute' "
		                           "first");
	} else {
		*out = sqlite3_column_int(st, 0);
		rc = IMPACT_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The unit's id, names and parent. */
static int load_unit(impact *h, impact__rd *d, const char *code)
{
	sqlite3_stmt *st = NULL;
	int rc, oom = 0;

	rc = impact__prepare(h, &st, d->is_place
	     ? "SELECT p.id, p.code, p.name, p.commune, t.id, t.code, t.name"
	       " FROM places p JOIN territories t ON t.id = p.territory_id"
	       " WHERE p.code = ?1;"
	     : "SELECT t.id, t.code, t.name, NULL, pt.id, pt.code, pt.name"
	       " FROM territories t LEFT JOIN territories pt"
	       " ON pt.id = t.parent_id WHERE t.code = ?1;");
	if (rc != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = impact__error(h, IMPACT_ENOTFOUND, "%s '%s' not found: "
		                   "'impact status' lists what the database "
		                   "holds", d->is_place ? "place" : "territory",
		                   code);
	} else if (rc != SQLITE_ROW) {
		rc = impact__db_error(h, "reading the unit reported");
	} else {
		d->id = sqlite3_column_int64(st, 0);
		d->code = dup_text(sqlite3_column_text(st, 1), &oom);
		d->name = dup_text(sqlite3_column_text(st, 2), &oom);
		d->commune = dup_text(sqlite3_column_text(st, 3), &oom);
		d->parent_id = sqlite3_column_int64(st, 4);
		d->parent_code = dup_text(sqlite3_column_text(st, 5), &oom);
		d->parent_name = dup_text(sqlite3_column_text(st, 6), &oom);
		rc = oom || !d->name ? impact__error(h, IMPACT_ENOMEM,
		                                     "out of memory")
		                     : IMPACT_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The key figures of `results`. */
static int load_figures(impact *h, impact__rd *d)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = impact__prepare(h, &st, d->is_place
	     ? "SELECT measure, value, n FROM results WHERE period = ?1 AND"
	       " coalesce(place_id, 0) = ?2 AND coalesce(territory_id, 0) = 0"
	       " AND question_id IS NULL;"
	     : "SELECT measure, value, n FROM results WHERE period = ?1 AND"
	       " coalesce(place_id, 0) = 0 AND coalesce(territory_id, 0) = ?2"
	       " AND question_id IS NULL;");
	if (rc != IMPACT_OK)
		return rc;
	sqlite3_bind_int(st, 1, d->period);
	sqlite3_bind_int64(st, 2, d->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		impact__rd_figure *f =
		        !m ? NULL
		        : !strcmp(m, IMPACT_MEASURE_RESPONDENTS) ? &d->respondents
		        : !strcmp(m, IMPACT_MEASURE_ACTIVITIES) ? &d->activities
		        : !strcmp(m, IMPACT_MEASURE_PARTICIPANTS)
		        ? &d->participants
		        : !strcmp(m, IMPACT_MEASURE_HOURS) ? &d->hours : NULL;

		if (!f || sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		f->has = 1;
		f->value = sqlite3_column_double(st, 1);
		f->n = sqlite3_column_int64(st, 2);
	}
	rc = rc == SQLITE_DONE ? IMPACT_OK
	                       : impact__db_error(h, "reading the results");
	sqlite3_finalize(st);
	return rc;
}

/* Parse a stored index document; NULL (and no error) when `text` is. */
static int parse_doc(impact *h, const unsigned char *text, json_t **out)
{
	json_error_t err;

	*out = NULL;
	if (!text)
		return IMPACT_OK;
	*out = json_loads((const char *)text, 0, &err);
	if (!*out)
		return impact__error(h, IMPACT_EDATA, "a stored index document "
		                     "is not valid JSON (%s): run 'impact "
		                     "compute' again", err.text);
	return IMPACT_OK;
}

/* A point of the trend from a document's columns at `col`. */
static void read_point(impact__rd_point *p, sqlite3_stmt *st, int col)
{
	p->has = sqlite3_column_type(st, col) != SQLITE_NULL;
	p->suppressed = sqlite3_column_int(st, col + 1);
	p->gnh = sqlite3_column_type(st, col + 2) == SQLITE_NULL ? NAN
	         : sqlite3_column_double(st, col + 2);
	p->lo = sqlite3_column_type(st, col + 3) == SQLITE_NULL ? NAN
	        : sqlite3_column_double(st, col + 3);
	p->hi = sqlite3_column_type(st, col + 4) == SQLITE_NULL ? NAN
	        : sqlite3_column_double(st, col + 4);
	p->n = sqlite3_column_int64(st, col + 5);
	if (p->has && (p->suppressed || isnan(p->gnh)))
		p->suppressed = 1;
}

/* The columns read_point() reads, from index_results r. */
#define POINT_COLUMNS \
	"r.id, coalesce(json_extract(r.document, '$.suppressed'), 0)," \
	" json_extract(r.document, '$.gnh')," \
	" json_extract(r.document, '$.ci.gnh[0]')," \
	" json_extract(r.document, '$.ci.gnh[1]'), r.n"

/* The index: this period's documents of the unit and its parent, and the
 * unit's GNH in every period up to this one.  The index is the first
 * definition added that has results for the unit. */
static int load_index(impact *h, impact__rd *d)
{
	sqlite3_stmt *st = NULL;
	long long index_id = 0;
	int rc, oom = 0;
	size_t cap = 0;

	rc = impact__prepare(h, &st, d->is_place
	     ? "SELECT d.id, NULL, d.title_fr, d.title_en"
	       " FROM index_results r JOIN index_definitions d ON d.id ="
	       " r.index_id WHERE r.place_id = ?1 ORDER BY d.id LIMIT 1;"
	     : "SELECT d.id, NULL, d.title_fr, d.title_en"
	       " FROM index_results r JOIN index_definitions d ON d.id ="
	       " r.index_id WHERE r.territory_id = ?1 ORDER BY d.id LIMIT 1;");
	if (rc != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, d->id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *en = sqlite3_column_text(st, 3);

		index_id = sqlite3_column_int64(st, 0);
		d->index_title = dup_text(d->en && en ? en
		                          : sqlite3_column_text(st, 2), &oom);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return impact__db_error(h, "reading the index");
	if (oom)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	if (!index_id)
		return IMPACT_OK;   /* no index computed for this unit */
	/* This period: the unit's and the parent's documents. */
	rc = impact__prepare(h, &st, d->is_place
	     ? "SELECT (SELECT document FROM index_results WHERE"
	       " place_id = ?4 AND index_id = ?1 AND period = ?2),"
	       " (SELECT document FROM index_results WHERE territory_id = ?5"
	       " AND index_id = ?1 AND period = ?2);"
	     : "SELECT (SELECT document FROM index_results WHERE"
	       " territory_id = ?4 AND index_id = ?1 AND period = ?2),"
	       " (SELECT document FROM index_results WHERE territory_id = ?5"
	       " AND index_id = ?1 AND period = ?2);");
	if (rc != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, index_id);
	sqlite3_bind_int(st, 2, d->period);
	sqlite3_bind_int(st, 3, d->is_place);
	sqlite3_bind_int64(st, 4, d->id);
	sqlite3_bind_int64(st, 5, d->parent_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = impact__db_error(h, "reading the index");
	} else if ((rc = parse_doc(h, sqlite3_column_text(st, 0), &d->index))
	           == IMPACT_OK) {
		rc = parse_doc(h, sqlite3_column_text(st, 1), &d->pindex);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != IMPACT_OK)
		return rc;
	/* The trend: every period up to this one with a document for the
	 * unit, and the parent's value that period. */
#define TREND(unit) "SELECT r.period, " POINT_COLUMNS ","                \
	" (SELECT CASE WHEN coalesce(json_extract(x.document,"             \
	" '$.suppressed'), 0) THEN NULL ELSE x.gnh END FROM index_results" \
	" x WHERE x.territory_id = ?4 AND x.index_id = r.index_id AND"     \
	" x.period = r.period) FROM index_results r WHERE r." unit " = ?5" \
	" AND r.index_id = ?1 AND r.period <= ?2 ORDER BY r.period;"
	rc = impact__prepare(h, &st, d->is_place ? TREND("place_id")
	                                         : TREND("territory_id"));
#undef TREND
	if (rc != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, index_id);
	sqlite3_bind_int(st, 2, d->period);
	sqlite3_bind_int(st, 3, d->is_place);
	sqlite3_bind_int64(st, 4, d->parent_id);
	sqlite3_bind_int64(st, 5, d->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (d->n_trend == cap) {
			size_t c = cap ? 2 * cap : 8;
			impact__rd_point *t = realloc(d->trend, c * sizeof(*t));
			double *tp = t ? realloc(d->trend_parent,
			                         c * sizeof(double)) : NULL;

			if (t)
				d->trend = t;
			if (!tp) {
				sqlite3_finalize(st);
				return impact__error(h, IMPACT_ENOMEM,
				                     "out of memory");
			}
			d->trend_parent = tp;
			cap = c;
		}
		d->trend[d->n_trend].period = sqlite3_column_int(st, 0);
		read_point(&d->trend[d->n_trend], st, 1);
		d->trend_parent[d->n_trend] =
		        sqlite3_column_type(st, 7) == SQLITE_NULL ? NAN
		        : sqlite3_column_double(st, 7);
		d->n_trend++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return impact__db_error(h, "reading the index over the years");
	/* A territory: its places, their index and groups this period. */
	if (d->is_place)
		return IMPACT_OK;
	rc = impact__prepare(h, &st, "WITH RECURSIVE sub(id) AS (SELECT ?1"
	     " UNION SELECT t.id FROM territories t JOIN sub ON t.parent_id ="
	     " sub.id) SELECT p.code, p.name, p.latitude, p.longitude, "
	     POINT_COLUMNS ", json_extract(r.document, '$.groups.deeply'),"
	     " json_extract(r.document, '$.groups.extensively'),"
	     " json_extract(r.document, '$.groups.narrowly'),"
	     " json_extract(r.document, '$.groups.unhappy') FROM places p"
	     " LEFT JOIN index_results r ON r.place_id = p.id AND r.period = ?2"
	     " AND r.index_id = ?3 WHERE p.territory_id IN (SELECT id FROM sub)"
	     " AND (r.id IS NOT NULL OR EXISTS (SELECT 1 FROM results x WHERE"
	     " x.period = ?2 AND coalesce(x.place_id, 0) = +p.id)) ORDER BY"
	     " p.code;");
	if (rc != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_int(st, 2, d->period);
	sqlite3_bind_int64(st, 3, index_id);
	cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		impact__rd_place *p;
		int g;

		if (d->n_places == cap) {
			size_t c = cap ? 2 * cap : 16;
			impact__rd_place *np = realloc(d->places, c * sizeof(*np));

			if (!np) {
				oom = 1;
				break;
			}
			d->places = np;
			cap = c;
		}
		p = &d->places[d->n_places++];
		memset(p, 0, sizeof(*p));
		p->code = dup_text(sqlite3_column_text(st, 0), &oom);
		p->name = dup_text(sqlite3_column_text(st, 1), &oom);
		p->has_xy = sqlite3_column_type(st, 2) != SQLITE_NULL
		            && sqlite3_column_type(st, 3) != SQLITE_NULL;
		p->lat = sqlite3_column_double(st, 2);
		p->lon = sqlite3_column_double(st, 3);
		p->index.period = d->period;
		read_point(&p->index, st, 4);
		for (g = 0; g < 4; g++)
			p->groups[g] = sqlite3_column_type(st, 10 + g)
			               == SQLITE_NULL ? NAN
			               : sqlite3_column_double(st, 10 + g);
		if (oom || !p->name)
			break;
	}
	sqlite3_finalize(st);
	if (oom)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	return rc == SQLITE_DONE ? IMPACT_OK
	       : impact__db_error(h, "reading the places of the territory");
}

/* Collecting indicator values through impact_indicator_results_each. */
typedef struct {
	impact__rd *d;
	size_t cap;
	int parent;        /* 1: filling parent values */
	int oom;
} ind_walk;

static int take_ind(void *payload, const impact_indicator_result *r)
{
	ind_walk *w = payload;
	impact__rd *d = w->d;
	impact__rd_ind *x;
	size_t i;

	if (w->parent) {
		for (i = 0; i < d->n_inds; i++)
			if (!strcmp(d->inds[i].code, r->code) && r->has_value
			    && !r->suppressed) {
				d->inds[i].parent_has = 1;
				d->inds[i].parent = r->value;
			}
		return 0;
	}
	if (d->n_inds == w->cap) {
		size_t c = w->cap ? 2 * w->cap : 64;
		impact__rd_ind *n = realloc(d->inds, c * sizeof(*n));

		if (!n) {
			w->oom = 1;
			return 1;
		}
		d->inds = n;
		w->cap = c;
	}
	x = &d->inds[d->n_inds++];
	memset(x, 0, sizeof(*x));
	x->code = dup_str(r->code, &w->oom);
	x->label = dup_str(d->en && r->label_en ? r->label_en : r->label_fr,
	                   &w->oom);
	x->domain = dup_str(r->domain, &w->oom);
	x->unit = dup_str(d->en && r->unit_en ? r->unit_en : r->unit_fr,
	                  &w->oom);
	x->reason = dup_str(r->reason, &w->oom);
	x->decimals = r->decimals;
	x->direction = r->direction;
	x->suppressed = r->suppressed;
	x->has_value = r->has_value;
	x->value = r->value;
	x->n = r->n;
	x->has_ci = r->has_ci;
	x->lo = r->ci_low;
	x->hi = r->ci_high;
	x->has_previous = r->has_previous;
	x->change = r->change;
	x->significant = r->significant;
	x->parent = NAN;
	if (r->suppressed)
		d->ind_suppressed++;
	return w->oom;
}

static void ind_free(impact__rd_ind *x)
{
	free(x->code);
	free(x->label);
	free(x->domain);
	free(x->unit);
	free(x->reason);
}

/* Keep the profile's indicators, in its order; an id absent from the
 * stored results is an error naming the profile. */
static int apply_profile(impact *h, impact__rd *d, const impact__profile *p,
                         const char *path)
{
	impact__rd_ind *kept;
	size_t i, k, n = 0;

	if (!p)
		return IMPACT_OK;
	kept = calloc(p->n_indicators + 1, sizeof(*kept));
	if (!kept)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	for (i = 0; i < p->n_indicators; i++) {
		for (k = 0; k < d->n_inds; k++)
			if (d->inds[k].code
			    && !strcmp(d->inds[k].code, p->indicators[i]))
				break;
		if (k == d->n_inds) {
			for (k = 0; k < n; k++)
				ind_free(&kept[k]);
			free(kept);
			return impact__error(h, IMPACT_ENOTFOUND, "%s: indicator "
			                     "\"%s\" has no value for %s in %d: "
			                     "check its id against 'impact "
			                     "indicators list', and run 'impact "
			                     "compute'", path, p->indicators[i],
			                     d->code, d->period);
		}
		kept[n++] = d->inds[k];
		memset(&d->inds[k], 0, sizeof(d->inds[k]));
	}
	for (k = 0; k < d->n_inds; k++)
		ind_free(&d->inds[k]);
	free(d->inds);
	d->inds = kept;
	d->n_inds = n;
	d->ind_suppressed = 0;
	for (k = 0; k < n; k++)
		d->ind_suppressed += d->inds[k].suppressed;
	return IMPACT_OK;
}

static int load_indicators(impact *h, impact__rd *d,
                           const impact__profile *p, const char *path)
{
	impact_result_filter f = IMPACT_RESULT_FILTER_INIT;
	ind_walk w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.d = d;
	f.period = d->period;
	if (d->is_place)
		f.place = d->code;
	else
		f.territory = d->code;
	rc = impact_indicator_results_each(h, &f, take_ind, &w);
	if (w.oom)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	if (rc != IMPACT_OK)
		return rc;
	if ((rc = apply_profile(h, d, p, path)) != IMPACT_OK)
		return rc;
	if (!d->parent_code || !d->n_inds)
		return IMPACT_OK;
	f.place = NULL;
	f.territory = d->parent_code;
	w.parent = 1;
	rc = impact_indicator_results_each(h, &f, take_ind, &w);
	return w.oom ? impact__error(h, IMPACT_ENOMEM, "out of memory") : rc;
}

/* The imported files of the unit's places (answers and activities) and
 * the files every unit shares (facts, margins). */
static int load_sources(impact *h, impact__rd *d)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, oom = 0;

	rc = impact__prepare(h, &st, "WITH RECURSIVE sub(id) AS (SELECT ?2"
	     " WHERE NOT ?1 UNION SELECT t.id FROM territories t JOIN sub ON"
	     " t.parent_id = sub.id), pl(id) AS MATERIALIZED (SELECT ?2 WHERE ?1"
	     " UNION"
	     " SELECT p.id FROM places p WHERE p.territory_id IN sub)"
	     " SELECT i.kind, i.file_name, i.tool, substr(i.imported_at, 1, 10),"
	     " i.rows_loaded, i.rows_rejected, i.rows_skipped FROM imports i"
	     " WHERE i.kind IN ('facts', 'margins') OR (i.kind = 'answers'"
	     " AND EXISTS (SELECT 1 FROM pl CROSS JOIN respondents r ON"
	     " r.place_id = pl.id AND r.period = ?3 WHERE +r.import_id = i.id))"
	     " OR (i.kind = 'activities' AND EXISTS (SELECT 1 FROM pl CROSS"
	     " JOIN activities a ON a.place_id = pl.id WHERE +a.import_id ="
	     " i.id)) ORDER BY i.id;");
	if (rc != IMPACT_OK)
		return rc;
	sqlite3_bind_int(st, 1, d->is_place);
	sqlite3_bind_int64(st, 2, d->id);
	sqlite3_bind_int(st, 3, d->period);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		impact__rd_source *s;

		if (d->n_sources == cap) {
			size_t c = cap ? 2 * cap : 16;
			impact__rd_source *n = realloc(d->sources, c * sizeof(*n));

			if (!n) {
				oom = 1;
				break;
			}
			d->sources = n;
			cap = c;
		}
		s = &d->sources[d->n_sources++];
		memset(s, 0, sizeof(*s));
		s->kind = dup_text(sqlite3_column_text(st, 0), &oom);
		s->file = dup_text(sqlite3_column_text(st, 1), &oom);
		s->tool = dup_text(sqlite3_column_text(st, 2), &oom);
		s->when = dup_text(sqlite3_column_text(st, 3), &oom);
		s->loaded = sqlite3_column_int64(st, 4);
		s->rejected = sqlite3_column_int64(st, 5);
		s->skipped = sqlite3_column_int64(st, 6);
		if (oom)
			break;
	}
	sqlite3_finalize(st);
	if (oom)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	return rc == SQLITE_DONE ? IMPACT_OK
	       : impact__db_error(h, "reading the imported files");
}

int impact__rd_load(impact *h, impact__rd *d, int is_place, const char *code,
                    int period, int en, const impact__profile *profile,
                    const char *profile_path)
{
	int rc;

	assert(h && d && code);
	memset(d, 0, sizeof(*d));
	d->is_place = is_place;
	d->en = en;
	if ((rc = impact__rd_period(h, period, &d->period)) != IMPACT_OK
	    || (rc = load_unit(h, d, code)) != IMPACT_OK
	    || (rc = load_figures(h, d)) != IMPACT_OK
	    || (rc = load_index(h, d)) != IMPACT_OK
	    || (rc = load_indicators(h, d, profile, profile_path))
	       != IMPACT_OK)
		return rc;
	if (!d->respondents.has && !d->activities.has && !d->index
	    && !d->n_inds)
		return impact__error(h, IMPACT_ENOTFOUND, "%s '%s' has no "
		                     "results for %d: import its answers or "
		                     "activities, then run 'impact compute'",
		                     is_place ? "place" : "territory", code,
		                     d->period);
	return load_sources(h, d);
}

void impact__rd_release(impact__rd *d)
{
	size_t i;

	if (!d)
		return;
	free(d->code);
	free(d->name);
	free(d->commune);
	free(d->parent_code);
	free(d->parent_name);
	json_decref(d->index);
	json_decref(d->pindex);
	free(d->index_title);
	free(d->trend);
	free(d->trend_parent);
	for (i = 0; i < d->n_inds; i++)
		ind_free(&d->inds[i]);
	free(d->inds);
	for (i = 0; i < d->n_places; i++) {
		free(d->places[i].code);
		free(d->places[i].name);
	}
	free(d->places);
	for (i = 0; i < d->n_sources; i++) {
		free(d->sources[i].kind);
		free(d->sources[i].file);
		free(d->sources[i].tool);
		free(d->sources[i].when);
	}
	free(d->sources);
	memset(d, 0, sizeof(*d));
}
