/*
 * impact/index.h: the locally weighted gross-happiness index (Bhutan's
 * GNH index, the Alkire-Foster counting method) and what it rests on:
 * index definitions, population margins for survey weights.  The method
 * and every rule are in docs/index.md.
 */
#ifndef IMPACT_INDEX_H
#define IMPACT_INDEX_H

#include "common.h"
#include "surveys.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Add an index definition (JSON, docs/index.md), every key and value
 * checked; a wrong definition is refused with file:line:column.  A
 * definition whose id exists is replaced.  *out_code (may be NULL)
 * receives its id (caller frees).
 */
int impact_index_add(impact *h, const char *path, char **out_code);

/* Import a territory's population margins (docs/formats.md, "margins
 * CSV": territory, variable, level, total), replacing those stored for
 * the same territory, variable and level.  All or nothing. */
int impact_import_margins(impact *h, const char *path,
                          const impact_import_opts *opts,
                          impact_import_summary *out);

/* Local weighting schemes of the domains. */
enum {
	IMPACT_WEIGHTS_DEFINED = 0,     /* as the definition says */
	IMPACT_WEIGHTS_EQUAL = 1,       /* 1 / number of domains (GNH) */
	IMPACT_WEIGHTS_TERRITORY = 2,   /* fixed per territory, in the JSON */
	IMPACT_WEIGHTS_PARTICIPATORY = 3, /* respondents' importance ratings */
	IMPACT_WEIGHTS_PCA = 4          /* first principal component */
};

typedef struct {
	const char *index;      /* definition id; NULL: the only one stored */
	int period;             /* 0: the latest */
	const char *place;      /* one place, or NULL */
	const char *territory;  /* one territory, or NULL (both NULL: every
	                           root territory) */
	int weights;            /* IMPACT_WEIGHTS_* */
	int rake;               /* 1: rake respondents to the stored margins
	                           of the unit's territory (an error when
	                           there are none); IMPACT_RAKE_WHEN_MARGINS:
	                           rake when there are, else leave unweighted
	                           ("weighted": false) */
	int poverty;            /* 1: also the poverty form (H, A, M0) */
	size_t replicates;      /* bootstrap replicates (default 1000) */
	size_t robustness;      /* Monte-Carlo draws for ranks (default 500;
	                           0: none) */
	unsigned long seed;     /* random seed (default 20261123) */
	int store;              /* 1: store the values in `results` */
} impact_index_opts;

#define IMPACT_INDEX_OPTS_INIT \
	{ NULL, 0, NULL, NULL, IMPACT_WEIGHTS_DEFINED, 0, 0, 1000, 500, \
	  20261123UL, 1 }

#define IMPACT_RAKE_WHEN_MARGINS 2

/*
 * Compute the index for the unit and period of `opts` and return it as a
 * JSON document (docs/index.md: the stable contract printed by
 * `impact index --format json`), owned by the caller (free()).  With
 * opts->store, the values go to `results` and the whole document to
 * `index_results`, where reports read it.
 */
int impact_index_compute(impact *h, const impact_index_opts *opts,
                         char **out_json);

/*
 * Compute and store (as impact_index_compute() with store) the index of
 * every place and territory with respondents, for opts->period or every
 * period, in one transaction; opts->place and opts->territory are
 * ignored.  Does nothing when no index definition is stored.  Progress
 * goes to the handle's callback (stage "index").  *out_units (may be
 * NULL) receives the number of (unit, period) pairs computed.
 */
int impact_index_compute_all(impact *h, const impact_index_opts *opts,
                             size_t *out_units);

#ifdef __cplusplus
}
#endif
#endif
