/*
 * indicators/tree.c: the places and territories as computation units.
 * Units are numbered places first (0..P-1) then territories (P..P+T-1);
 * each place has its chain of units from itself up to the root, so that an
 * observation of a place is added to the place and to every territory
 * above it: a territory's figures pool the observations of all its places.
 * Used by indicators/compute.c and indicators/engine.c.
 */
#include <stdlib.h>
#include <string.h>

#include "../engine/context.h"
#include "tree.h"

/* Read one integer from a one-row query. */
int impact__query_ll(impact *h, const char *sql, long long *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, sql)) != IMPACT_OK)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = impact__db_error(h, "reading the database");
	else
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

void impact__tree_release(struct impact__tree *t)
{
	free(t->unit_id);
	free(t->place_of_id);
	free(t->terr_of_id);
	free(t->chain);
}

/* Load places, territories and the chains. */
int impact__tree_load(impact *h, struct impact__tree *t)
{
	sqlite3_stmt *st = NULL;
	long long nplaces = 0, nterr = 0, max_tid = 0;
	long *terr_of_id, *parent = NULL, *place_terr = NULL;
	size_t u, i, k;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = impact__query_ll(h, "SELECT count(*) FROM places;", &nplaces)) != 0
	    || (rc = impact__query_ll(h, "SELECT count(*) FROM territories;", &nterr))
	       != 0
	    || (rc = impact__query_ll(h, "SELECT coalesce(max(id), 0) FROM places;",
	                      &t->max_place_id)) != 0
	    || (rc = impact__query_ll(h, "SELECT coalesce(max(id), 0) FROM territories;",
	                      &max_tid)) != 0)
		return rc;
	t->nplaces = (size_t)nplaces;
	t->nterr = (size_t)nterr;
	t->unit_id = calloc(t->nplaces + t->nterr + 1, sizeof(*t->unit_id));
	t->place_of_id = malloc(((size_t)t->max_place_id + 1) * sizeof(long));
	terr_of_id = t->terr_of_id = malloc(((size_t)max_tid + 1)
	                                    * sizeof(long));
	t->max_terr_id = max_tid;
	parent = malloc((t->nterr + 1) * sizeof(long));
	place_terr = malloc((t->nplaces + 1) * sizeof(long));
	if (!t->unit_id || !t->place_of_id || !terr_of_id || !parent
	    || !place_terr) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i <= (size_t)t->max_place_id; i++)
		t->place_of_id[i] = -1;
	for (i = 0; i <= (size_t)max_tid; i++)
		terr_of_id[i] = -1;
	/* Territories: unit P + i in id order. */
	if ((rc = impact__prepare(h, &st, "SELECT id FROM territories"
	                          " ORDER BY id;")) != 0)
		goto done;
	for (i = 0; i < t->nterr && sqlite3_step(st) == SQLITE_ROW; i++) {
		long long id = sqlite3_column_int64(st, 0);

		t->unit_id[t->nplaces + i] = id;
		terr_of_id[id] = (long)i;   /* territory index; unit P + i */
	}
	sqlite3_finalize(st);
	if ((rc = impact__prepare(h, &st, "SELECT id, parent_id FROM territories"
	                          " ORDER BY id;")) != 0)
		goto done;
	for (i = 0; i < t->nterr && sqlite3_step(st) == SQLITE_ROW; i++)
		parent[i] = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1
		            : terr_of_id[sqlite3_column_int64(st, 1)];
	sqlite3_finalize(st);
	if ((rc = impact__prepare(h, &st, "SELECT id, territory_id FROM places"
	                          " ORDER BY id;")) != 0)
		goto done;
	for (i = 0; i < t->nplaces && sqlite3_step(st) == SQLITE_ROW; i++) {
		long long id = sqlite3_column_int64(st, 0);

		t->unit_id[i] = id;
		t->place_of_id[id] = (long)i;
		place_terr[i] = terr_of_id[sqlite3_column_int64(st, 1)];
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Chains: the place, then its territories up to the root.  The
	 * importer refuses cycles; the bound below guards anyway. */
	t->depth = 1;
	for (i = 0; i < t->nplaces; i++) {
		long x = place_terr[i];

		for (k = 1; x >= 0 && k <= t->nterr; k++)
			x = parent[x];
		if (k > t->depth)
			t->depth = k;
	}
	t->chain = malloc((t->nplaces + 1) * t->depth * sizeof(long));
	if (!t->chain) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < t->nplaces; i++) {
		long *c = &t->chain[i * t->depth], x = place_terr[i];

		c[0] = (long)i;
		for (u = 1; u < t->depth; u++) {
			c[u] = x >= 0 ? (long)t->nplaces + x : -1;
			if (x >= 0)
				x = parent[x];
		}
	}
	rc = IMPACT_OK;
done:
	sqlite3_finalize(st);
	for (i = 0; rc == IMPACT_OK && i <= (size_t)max_tid; i++)
		if (terr_of_id[i] >= 0)
			terr_of_id[i] += (long)t->nplaces;
	free(parent);
	free(place_terr);
	if (rc != IMPACT_OK)
		impact__tree_release(t);
	return rc;
}

long impact__unit_of_place(const struct impact__tree *t, long long pid)
{
	return pid < 0 || pid > t->max_place_id ? -1 : t->place_of_id[pid];
}

long impact__unit_of_territory(const struct impact__tree *t, long long tid)
{
	return tid < 0 || tid > t->max_terr_id ? -1 : t->terr_of_id[tid];
}

/* The chain of units of places.id `pid`, or NULL for an unknown id. */
const long *impact__chain_of(const struct impact__tree *t, long long pid)
{
	if (pid < 0 || pid > t->max_place_id || t->place_of_id[pid] < 0)
		return NULL;
	return &t->chain[(size_t)t->place_of_id[pid] * t->depth];
}

