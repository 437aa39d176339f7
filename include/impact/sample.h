/*
 * impact/sample.h: the bundled sample territory and its seeded generator.
 *
 * A fictional rural network, "Réseau des tiers-lieux du Val de Lière": ten
 * places in three intercommunalities, each with a commune and coordinates.
 * The generator writes the CSV files that `make demo` imports:
 * territories.csv, places.csv, answers-YYYY.csv for each wave (answers to
 * the default questionnaire, surveys/questionnaires/default.json),
 * activities.csv and facts.csv.  Same seed, same bytes.
 */
#ifndef IMPACT_SAMPLE_H
#define IMPACT_SAMPLE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	unsigned long seed;          /* seed of GSL's mt19937 generator */
	int first_year;              /* year of the first survey wave */
	int waves;                   /* yearly survey waves (and activity years) */
	size_t respondents_per_wave; /* respondents in each wave, all places */
	size_t activities_per_year;  /* activity-log rows per year */
} impact_sample_opts;

#define IMPACT_SAMPLE_OPTS_INIT { 42UL, 2023, 3, 360, 1200 }

/* Write the sample files into `dir` (created if missing).  `opts` may be
 * NULL for the defaults. */
int impact_sample_write(impact *h, const char *dir,
                        const impact_sample_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
