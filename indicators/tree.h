/*
 * indicators/tree.h: places and territories as computation units
 * (indicators/tree.c).  Internal to the library.
 */
#ifndef IMPACT_INDICATORS_TREE_H
#define IMPACT_INDICATORS_TREE_H

#include <stddef.h>

#include "impact/common.h"

/* The places and territories, and each place's chain of units. */
struct impact__tree {
	size_t nplaces, nterr;     /* P and T */
	long long *unit_id;        /* unit -> places.id or territories.id */
	long *place_of_id;         /* places.id -> unit, -1 if none */
	long long max_place_id;
	long *terr_of_id;          /* territories.id -> unit, -1 if none */
	long long max_terr_id;
	size_t depth;              /* chain width: longest chain */
	long *chain;               /* nplaces * depth units, -1 padded */
};

/* Read one integer from a one-row query into *out. */
int impact__query_ll(impact *h, const char *sql, long long *out);

/* Load places, territories and the chains into *t (released with
 * impact__tree_release, also on failure). */
int impact__tree_load(impact *h, struct impact__tree *t);

/* Free what impact__tree_load allocated. */
void impact__tree_release(struct impact__tree *t);

/* The chain of units of places.id `pid` (t->depth entries, -1 padded),
 * or NULL for an unknown id. */
const long *impact__chain_of(const struct impact__tree *t, long long pid);

/* The unit of places.id `pid`, or of territories.id `tid`; -1 for an
 * unknown id. */
long impact__unit_of_place(const struct impact__tree *t, long long pid);
long impact__unit_of_territory(const struct impact__tree *t, long long tid);

#endif
